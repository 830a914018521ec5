"""The team's commands: create or migrate the progress store, import, list or revert real alignments in it,
and run the deployment (serve, one worker, the proxy's configuration)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import CorridorsError
from .common import _shipped


def _cmd_store(args: argparse.Namespace) -> int:
    """Create or migrate the progress store: the only commands that change its schema."""
    from ..store import LATEST, Store

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
    from .. import deploy, store

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
    from .. import deploy

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
    from .. import deploy

    print(deploy.haproxy_config(args.upstream, bind=args.bind, base_path=args.base_path, stats=args.stats), end="")
    return 0


def _cmd_alignment(args: argparse.Namespace) -> int:
    """Import, list or revert real alignments in the progress store (see corridors.alignments)."""
    from .. import alignments as alignment
    from .. import geometry, store

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
    from ..catalog import WHOLE_PROJECT

    if project_id not in set(ds.catalog.projects.id):
        raise CorridorsError(f"project '{project_id}' is unknown: `corridors check` lists the project ids")
    sections = set(ds.catalog.sections.section[ds.catalog.sections.project_id == project_id]) | {WHOLE_PROJECT}
    if section not in sections:
        raise CorridorsError(f"section '{section}' is not a section of {project_id} (one of "
                             f"{', '.join(sorted(sections))})")
