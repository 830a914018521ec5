"""Alignments' storage: versioned real lines beside the events, and every refusal the store makes of one.

An editor imports a line (alignments.record, after the file was read and checked) or reverts to an earlier
version or to the schematic line; each is a new row, never an update. The store checks every row itself,
whoever writes it (alignment_field_problems, validate_alignment), when recording and when reading back, so a
row written outside the app that breaks a rule is named and skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from ..catalog import WHOLE_PROJECT
from ..errors import StoreError
from .engine import LATEST, Engine, alignments_table
from .fields import blank_problems, closed_set_problems, text_problems, unencodable, visible
from .schema import ALIGNMENT_COLUMNS, ALIGNMENTS

SCHEMATIC = "schematic"  # what a revert names to go back to the line drawn through the sourced places
MAX_STORED_VERTICES = 200_000  # the store refuses a longer line whoever writes it (alignments.MAX_VERTICES)


@dataclass(frozen=True)
class NewAlignment:
    """What an editor records: an imported line (geometry as WKT, WGS-84, with where it came from), or a
    revert (reverts_to: an earlier version 'a-N' of the same project and section, or SCHEMATIC)."""

    project_id: str
    section: str  # a section of the project, or catalog.WHOLE_PROJECT
    source_title: str
    recorded_by: str
    geometry: str | None = None
    datum: str = "wgs84"
    crs: str = ""
    layer: str = ""
    file_name: str = ""
    sha256: str = ""
    note: str = ""
    reverts_to: str | None = None

    @property
    def kind(self) -> str:
        return "revert" if self.reverts_to else "import"


@dataclass(frozen=True)
class RecordedAlignments:
    """Stored alignment rows that follow the rules (oldest first), and one line per row skipped."""

    rows: pd.DataFrame
    problems: tuple[str, ...] = ()


def alignment_field_problems(values: Mapping[str, object], *, stored: bool = False) -> list[tuple[str, str]]:
    """(field, reason) for every alignment value that is too long, holds control characters, breaks a closed
    set or, for an import, is not a line the store can keep; the same rules on every backend and on read."""
    out = text_problems(values, ALIGNMENTS, stored=stored)
    if isinstance(values.get("geometry"), str):
        out += [("geometry", why) for why in unencodable(values["geometry"])]
    if out:
        return out
    out += blank_problems(values, ALIGNMENTS) + closed_set_problems(values, ALIGNMENTS)
    reverts_to = values.get("reverts_to")
    if values["kind"] == "revert":
        if not reverts_to or not (reverts_to == SCHEMATIC or _is_alignment_id(reverts_to)):
            out.append(("reverts_to", f"a revert names an earlier version (a-N) or '{SCHEMATIC}' "
                                      f"(got '{reverts_to or ''}')"))
        if values.get("geometry") is not None:
            out.append(("geometry", "a revert carries no geometry: it names the version it goes back to"))
        return out
    if reverts_to:
        out.append(("reverts_to", "only a revert names a version to go back to"))
    if not visible(values["file_name"]):
        out.append(("file_name", "is empty"))
    sha = values["sha256"]
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        out.append(("sha256", "is not a SHA-256 in lower-case hex"))
    wkt = values.get("geometry")
    if not isinstance(wkt, str) or not wkt.strip():
        out.append(("geometry", "is missing: an import carries its line"))
        return out
    try:
        geom = shapely.from_wkt(wkt)
    except shapely.errors.GEOSException as exc:
        out.append(("geometry", f"is not WKT ({str(exc).splitlines()[0]})"))
        return out
    if geom is None or geom.geom_type != "LineString" or geom.is_empty:
        out.append(("geometry", f"is a {'nothing' if geom is None else geom.geom_type}, not a LineString"))
        return out
    xy = shapely.get_coordinates(geom)
    if len(xy) > MAX_STORED_VERTICES:
        out.append(("geometry", f"has {len(xy)} vertices (at most {MAX_STORED_VERTICES})"))
    elif len(xy) < 2 or not np.isfinite(xy).all() or not ((-180 <= xy[:, 0]) & (xy[:, 0] <= 180)
                                                          & (-90 <= xy[:, 1]) & (xy[:, 1] <= 90)).all():
        out.append(("geometry", "is not a line of at least two WGS-84 longitude/latitude points"))
    return out


def _is_alignment_id(value: str) -> bool:
    return value.startswith("a-") and value[2:].isdigit()


def validate_alignment(al: NewAlignment, projects: pd.DataFrame, sections: pd.DataFrame, history: pd.DataFrame,
                       expect_current: str | None = None) -> list[str]:
    """Every reason to refuse an alignment row, as sentences naming the field; empty when it may be recorded.

    history: the stored rows of the same project (RecordedAlignments.rows); expect_current: the version the
    editor saw as current for this project and section ('' for none), so that a change recorded by someone
    else in between is not overwritten unseen.
    """
    values = {**asdict(al), "kind": al.kind}
    problems = [f"{field} {reason}" for field, reason in alignment_field_problems(values)]
    if problems:
        return problems
    if al.project_id not in set(projects.id):
        return [f"project '{al.project_id}' is unknown"]
    known_sections = set(sections[sections.project_id == al.project_id].section) | {WHOLE_PROJECT}
    if al.section not in known_sections:
        return [f"section '{al.section}' is not a section of {al.project_id} "
                f"(choose one of {', '.join(sorted(known_sections))})"]
    mine = history[(history.project_id == al.project_id) & (history.section == al.section)]
    if al.kind == "revert" and al.reverts_to != SCHEMATIC:
        imports = set(mine.alignment_id[mine.kind == "import"])
        if al.reverts_to not in imports:
            problems.append(f"{al.reverts_to} is not an imported version of {al.project_id}:{al.section} "
                            f"(versions: {', '.join(sorted(imports, key=_id_number)) or 'none'}; or '{SCHEMATIC}')")
    if expect_current is not None:
        now = mine.alignment_id.iloc[-1] if len(mine) else ""
        if now != expect_current:
            problems.append(f"{al.project_id}:{al.section} changed since the preview: its latest version is "
                            f"{now or 'the schematic line'}, not {expect_current or 'the schematic line'}; "
                            "look again before recording")
    return problems


def _id_number(alignment_id: str) -> int:
    return int(alignment_id[2:])


def _alignment_frame(rows: list[dict]) -> pd.DataFrame:
    """Stored alignment rows as a frame: ids 'a-N', geometry as shapely lines (None for a revert)."""
    frame = pd.DataFrame(rows, columns=[c.name for c in alignments_table.columns])
    frame["alignment_id"] = "a-" + frame["id"].astype(str)
    wkt = np.array([v if isinstance(v, str) else None for v in frame["geometry"].tolist()], dtype=object)
    frame["geometry"] = pd.Series(list(shapely.from_wkt(wkt)) if len(frame) else [], index=frame.index, dtype=object)
    for c in ("reverts_to", "supersedes"):
        frame[c] = frame[c].fillna("")
    frame["origin"] = "store"
    return frame[ALIGNMENT_COLUMNS].reset_index(drop=True)


def current_alignments(rows: pd.DataFrame) -> pd.DataFrame:
    """The latest row of each (project, section), with the geometry it makes current: its own line for an
    import, the named version's line for a revert to it, None for a revert to the schematic line.

    version: the id whose line is current ('a-N'), or SCHEMATIC; line_source: that import's source.
    """
    columns = [*ALIGNMENT_COLUMNS, "version", "line_source"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    by_id = dict(zip(rows.alignment_id, rows.geometry))
    source_of = dict(zip(rows.alignment_id, rows.source_title))
    latest = rows.groupby(["project_id", "section"], sort=False).tail(1).copy()
    latest["version"] = [SCHEMATIC if k == "revert" and r == SCHEMATIC else (r if k == "revert" else i)
                         for i, k, r in zip(latest.alignment_id, latest.kind, latest.reverts_to)]
    latest["geometry"] = [by_id.get(v) for v in latest.version]
    latest["line_source"] = [source_of.get(v, "") for v in latest.version]
    return latest.sort_values("alignment_id", key=lambda s: s.map(_id_number))[columns].reset_index(drop=True)


class AlignmentStore(Engine):
    """The alignments of a progress store (see Engine for opening, creating and migrating it)."""

    def read_alignments(self, project_id: str | None = None) -> RecordedAlignments:
        """Every stored alignment row (optionally of one project), oldest first; rows that break the rules, and
        reverts naming a version that is not there, are left out and each named in problems. A store created
        before alignments existed (schema < 3) simply has none."""
        if not self.found:
            return RecordedAlignments(_alignment_frame([]))
        q = sa.select(alignments_table).order_by(alignments_table.c.id)
        if project_id:
            q = q.where(alignments_table.c.project_id == project_id)

        def work():
            with self.engine.connect() as conn:
                if (self._version(conn) or 0) < 3:
                    return []
                return [dict(r._mapping) for r in conn.execute(q)]
        good, problems = [], []
        imports: set[tuple[str, str, str]] = set()
        for row in self._guarded(work, "read"):
            bad = alignment_field_problems(row, stored=True)
            key = (row.get("project_id"), row.get("section"))
            if not bad and row["kind"] == "revert" and row["reverts_to"] != SCHEMATIC \
                    and (*key, row["reverts_to"]) not in imports:
                bad = [("reverts_to", f"names {row['reverts_to']}, which is not a readable import of "
                                      f"{key[0]}:{key[1]} before it")]
            if bad:
                problems.append(f"progress store {self.label}, alignments row a-{row['id']}: "
                                + "; ".join(f"field '{f}' {why}" for f, why in bad) + " (row skipped)")
                continue
            if row["kind"] == "import":
                imports.add((*key, f"a-{row['id']}"))
            good.append(row)
        return RecordedAlignments(_alignment_frame(good), tuple(problems))

    def alignments(self, project_id: str | None = None) -> pd.DataFrame:
        """The stored alignment rows that follow the rules (see read_alignments for the ones skipped)."""
        return self.read_alignments(project_id).rows

    def current_alignments(self, project_id: str | None = None) -> pd.DataFrame:
        """The latest version of each (project, section) and the line it makes current (current_alignments)."""
        return current_alignments(self.alignments(project_id))

    def alignments_version(self) -> tuple[int, int]:
        """(number of alignment rows, highest id): changes whenever anyone imports or reverts a line."""
        def work():
            with self.engine.connect() as conn:
                if (self._version(conn) or 0) < 3:
                    return 0, 0
                return conn.execute(sa.select(sa.func.count(), sa.func.max(alignments_table.c.id))).one()
        if not self.found:
            return 0, 0
        n, top = self._guarded(work, "read")
        return int(n), int(top or 0)

    def append_alignment(self, al: NewAlignment, projects: pd.DataFrame, sections: pd.DataFrame,
                         expect_current: str | None = None) -> str:
        """Validate and record one alignment row in one transaction; return its id ('a-N'). Raise StoreError if
        refused. Like the first event, the first alignment creates the store or migrates an older one in the
        same transaction. The geometric checks (alignments.preview) come before: this guards what is stored."""
        if self.read_only:
            raise StoreError(f"the progress store {self.label} is read-only here: recording needs an editor "
                             "credential")
        where = f"alignment for {al.project_id}:{al.section}"
        if self.found is None:  # refuse before anything is created
            problems = validate_alignment(al, projects, sections, _alignment_frame([]), expect_current)
            if problems:
                raise StoreError(f"{where} refused: " + "; ".join(problems))

        def work():
            with self._writing() as conn:
                created = self._version(conn) is None
                self._upgrade(conn)
                q = sa.select(alignments_table).where(alignments_table.c.project_id == al.project_id)
                rows = [dict(r._mapping) for r in conn.execute(q.order_by(alignments_table.c.id))]
                history = _alignment_frame([r for r in rows if not alignment_field_problems(r, stored=True)])
                problems = validate_alignment(al, projects, sections, history, expect_current)
                if problems:
                    raise StoreError(f"{where} refused: " + "; ".join(problems))
                mine = history[history.section == al.section]
                row = asdict(al)
                row["kind"] = al.kind
                row["reverts_to"] = al.reverts_to or None
                row["supersedes"] = mine.alignment_id.iloc[-1] if len(mine) else None
                row["recorded_at"] = datetime.now(UTC).isoformat(timespec="seconds")
                table = alignments_table
                new_id = conn.execute(table.insert().values(**row).returning(table.c.id)).scalar_one()
            if created:
                self._wal()
            return new_id

        new_id = self._guarded(work, "write to")
        self.found = LATEST
        return f"a-{new_id}"

