"""The `corridors` console script: rebuild derived geodata, check the data, export, count."""

# The commands live in the package's modules by topic: common (what every command shares: date options, the
# definition, the dataset it reads), reports (check, count, targets, outlook, backtest, stubs, export, snapshot,
# build-geodata), team (store, alignment, serve, worker, proxy-config) and reckoning (each neighbour's own count
# against Hunan's). Here: the parser and the entry point.

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import CorridorsError, DataErrors
from . import reckoning
from .common import _dataset, _date, _future_date
from .reports import (
    _cmd_backtest,
    _cmd_build,
    _cmd_check,
    _cmd_count,
    _cmd_export,
    _cmd_outlook,
    _cmd_snapshot,
    _cmd_stubs,
    _cmd_targets,
)
from .team import _cmd_alignment, _cmd_proxy_config, _cmd_serve, _cmd_store, _cmd_worker

__all__ = ["main", "parser"]


def _definition_options(sp: argparse.ArgumentParser) -> None:
    """The switches of the counting definition (counting.Definition), the same on every command."""
    from ..catalog import MODES
    from ..counting import DEFAULT, INCLUDE, OPENED_RULES, PROVINCE_RULES, UNITS

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
    from ..catalog import MODES
    from ..config import geodata_dir

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
    from ..deploy import BASE_PATH, FIRST_WORKER_PORT, PROXY_PORT

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
    reckoning.register(sub, _dataset)
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
