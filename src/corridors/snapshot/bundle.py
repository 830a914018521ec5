"""The snapshot bundle: every file built from one request (deterministic bytes but for the manifest's creation
time), written into a folder whole or not at all, or zipped for the dashboard's download button."""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

from ..catalog import research_cutoff
from ..dataset import Dataset
from .report import (
    _briefing,
    _definition,
    _outlook_files,
    _report,
    _stable_ids,
    city_points,
    headline_notes,
    legend_modes,
    map_credits,
    title_box_html,
)
from .request import Request, _rows, check
from .tables import _cells, _csv, _flat, _geodata, _xlsx


def build(ds: Dataset, req: Request, *, created_at: datetime | None = None) -> dict[str, bytes]:
    """Every file of the bundle, named with the as-of date; identical inputs give identical bytes except
    the creation time inside the manifest."""
    from .. import figures, i18n, reckoning, targets
    from .. import map as mapview
    from ..analysis import status_changes
    from ..gazetteer import load_seats
    from ..hydro import load_rivers

    check(req, ds)
    ds = targets.as_headline(ds, req.target)  # the count, the day it was reached and the definition follow it
    d = req.as_of.isoformat()
    rows = _rows(req, ds)
    counts = ds.count(req.as_of, req.definition)
    counts.update(baseline=ds.count(ds.plan_date, req.definition)["completed"],
                  baseline_date=ds.plan_date.isoformat(), as_of=req.as_of.isoformat())
    section_status = ds.section_statuses(req.as_of)
    display = mapview.display_boundaries(ds.boundaries)
    modes = legend_modes(req, rows)
    numbered = ds.numbered(req.definition, req.as_of)
    notes = figures.MapNotes(date=f"{i18n.t('as_of', req.lang)} {d}", source=map_credits(ds, req.lang),
                             cities=city_points(ds),
                             numbers=tuple((m[1], m[0], m[2]) for m in mapview.numbered_markers(
                                 rows, numbered, req.lang)))
    files: dict[str, bytes] = {}
    files[f"projects-{d}.csv"] = _csv(_flat(rows, req.lang, labels=True), req.lang)
    files[f"projects-{d}.xlsx"] = _xlsx(_flat(rows, req.lang, labels=True), ds, rows, req)
    files[f"corridors-{d}.geojson"], files[f"corridors-{d}.gpkg"] = _geodata(_flat(rows, req.lang, labels=False), ds, req)
    box = title_box_html(i18n.t("title", req.lang), d, counts, i18n.definition_short(req.definition, req.lang),
                         req.lang, headline_notes(ds, req, counts)[1:], map_credits(ds, req.lang))
    html_map = mapview.standalone_map(display, rows, ds.sections, section_status, ds.section_names(req.lang), req.lang,
                                      modes=modes, title_html=box, numbered=numbered,
                                      seats=load_seats(ds.geodata / "seats.csv"),
                                      rivers=load_rivers(ds.geodata / "rivers.geojson"))
    html_map.get_root().title = f"{i18n.t('title', req.lang)} · {d}"
    files[f"map-{d}.html"] = _stable_ids(html_map.get_root().render()).encode("utf-8")
    title = f"{i18n.t('title', req.lang)} · {i18n.t('as_of', req.lang)} {d}"
    files[f"map-{d}.png"] = figures.map_png(display, rows, ds.sections, section_status, req.lang, title, modes, notes)
    compare = req.compare or ds.plan_date
    changes = status_changes(_rows(Request(**{**req.__dict__, "as_of": compare}), ds), rows)
    report = _report(ds, req, counts, changes, compare, notes, modes, title)
    files[f"report-{d}.pdf"] = figures.report_pdf(display, rows, ds.sections, section_status, req.lang, report)
    files[f"briefing-{d}.docx"] = _briefing(ds, req, counts, report, files[f"map-{d}.png"])
    extra, outlook_entry = _outlook_files(ds, req, d)
    files.update(extra)
    reckoned = reckoning.table(reckoning.reckon(ds, req.as_of), req.lang, sources=ds.catalog.sources)
    files[f"reckoning-{d}.csv"] = _cells(reckoned).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    manifest = {
        "as_of": d,
        "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "lang": req.lang,
        "counting_definition": req.definition.as_dict(),
        "target": req.target or targets.DEFAULT_TARGET,
        "filters": {"modes": list(req.modes), "statuses": list(req.statuses),
                    "neighbours": list(req.neighbours), "departments": list(req.departments), "query": req.query},
        "definition": _definition(ds, req),
        "data_version": ds.fingerprint,
        "research_cutoff": research_cutoff(ds.catalog.projects),
        "counts": counts,
        "compare": {"from": compare.isoformat(), "changes": changes.to_dict("records")},
        "outlook": outlook_entry,
        "files": [{"name": n, "bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in files.items()],
    }
    files[f"manifest-{d}.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n").encode()
    return files


def write(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write the bundle into out/ as a whole or not at all. The files are written to a new sibling folder
    first; a missing out/ is that folder renamed. Into an existing out/, each file is swapped in only once
    all are written, the file it replaces is kept aside until every swap succeeded, and on any failure the
    previous files are put back: an old bundle is never lost. Files get the umask's usual mode. Only regular
    files are replaced: a folder, FIFO, device, socket or symbolic link where a file must go is refused before
    anything is written (out itself may be a link to a folder: the files go into that folder)."""
    from ..errors import SnapshotError
    from ..files import kind

    out = Path(out)
    blocker = next((p for p in [out, *out.parents] if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise SnapshotError(f"cannot write to {out}: {blocker} is {kind(blocker) or 'a file'}, not a folder")
    blocked = next(((t, w) for t in (out / name for name in files) if (w := kind(t)) is not None), None)
    if blocked is not None:  # a folder, FIFO, device, socket or symbolic link where a file must go: left alone
        raise SnapshotError(f"cannot write the snapshot to {out}: {blocked[0]} is {blocked[1]} where a file must "
                            "go; nothing was changed")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = _new_folder(out.parent, f".{out.name}-new-")
    except OSError as exc:
        raise SnapshotError(f"cannot write to {out}: {exc.strerror or exc}") from None
    targets = [out / name for name in files]
    kept = None
    swapped: list[Path] = []
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if not out.exists():
            os.rename(staging, out)
            return targets
        kept = _new_folder(out.parent, f".{out.name}-previous-")
        for target in targets:
            if target.exists() or target.is_symlink():
                os.rename(target, kept / target.name)
            swapped.append(target)
            os.rename(staging / target.name, target)
    except OSError as exc:
        for target in reversed(swapped):
            previous = kept / target.name
            if previous.exists() or previous.is_symlink():
                os.replace(previous, target)
            else:
                target.unlink(missing_ok=True)
        raise SnapshotError(f"cannot write the snapshot to {out}: {exc.strerror or exc}; nothing was changed "
                            "(the previous files are as they were)") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if kept is not None:
            shutil.rmtree(kept, ignore_errors=True)
    return targets


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new, empty folder with the umask's usual mode (tempfile.mkdtemp would make it 0700)."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def zip_bundle(files: dict[str, bytes], as_of: date) -> bytes:
    """The bundle as one ZIP with fixed entry times, for the dashboard's download button."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            zi = zipfile.ZipInfo(f"corridors-snapshot-{as_of.isoformat()}/{name}",
                                 date_time=(as_of.year, as_of.month, as_of.day, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return out.getvalue()
