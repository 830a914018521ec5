"""What a snapshot covers (a date, a language, the counting definition, the display filters), its refusal of a
bad request before anything is built, the rows it lists, and the names of the files it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..counting import DEFAULT, Definition
from ..dataset import Dataset
from ..status import DISPLAY_STATUSES

FILE_KINDS = ("projects.csv", "projects.xlsx", "corridors.geojson", "corridors.gpkg", "map.html", "map.png",
              "report.pdf", "briefing.docx", "targets.csv", "outlook.csv", "outlook-corridors.csv", "outlook.png", "stubs.csv",
              "reckoning.csv", "manifest.json")


# Years the bundle's outlook looks ahead (to the end of the as-of year plus this many).
OUTLOOK_YEARS = 5


@dataclass(frozen=True)
class Request:
    """What a snapshot covers: a date, a language, the counting definition and the dashboard's display
    filters (which rows and lines are listed; they never change the count)."""

    as_of: date
    lang: str = "zh"
    definition: Definition = DEFAULT
    modes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    neighbours: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    query: str = ""
    compare: date | None = None
    target: str = ""  # the targets.csv id the headline counts against (the page's pick); empty: the plan's 20


def check(req: Request, ds: Dataset, today: date | None = None) -> None:
    """Refuse a request with a clear message before anything is built or written."""
    from ..catalog import EARLIEST, MODES
    from ..errors import SnapshotError

    today = today or date.today()
    for label, d in (("--as-of", req.as_of), ("--compare", req.compare)):
        if d is not None and not (EARLIEST <= d <= today):
            raise SnapshotError(f"{label} {d}: must lie between {EARLIEST} and today {today}")
    if req.compare is not None and req.compare > req.as_of:
        raise SnapshotError(f"--compare {req.compare} lies after --as-of {req.as_of}: what changed is listed since an "
                            "earlier date")
    bad = [m for m in (*req.modes, *req.definition.modes) if m not in MODES]
    if bad:
        raise SnapshotError(f"unknown mode(s) {', '.join(bad)}: choose from {', '.join(MODES)}")
    bad = [s for s in req.statuses if s not in DISPLAY_STATUSES]
    if bad:
        raise SnapshotError(f"unknown status(es) {', '.join(bad)}: choose from {', '.join(DISPLAY_STATUSES)}")
    if req.lang not in ("zh", "en"):
        raise SnapshotError(f"unknown language '{req.lang}': zh or en")
    from ..targets import headline_ids

    if req.target and req.target not in headline_ids(ds):
        raise SnapshotError(f"unknown target '{req.target}': choose from {', '.join(headline_ids(ds))}")


def _rows(req: Request, ds: Dataset) -> pd.DataFrame:
    from ..analysis import filter_projects
    from ..boundaries import PROVINCES

    table = ds.table(req.as_of, req.definition)
    return filter_projects(table, modes=list(req.modes), statuses=list(req.statuses),
                           neighbours=[PROVINCES[c].name_zh for c in req.neighbours],
                           departments=list(req.departments), query=req.query).sort_values("id")
