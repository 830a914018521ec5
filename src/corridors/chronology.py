"""The history rules, stated once: the order in which a section's evidence may come.

- a section's status only moves forward (planned → under construction → completed); only an explicit event
  (a suspension, cancellation, resumption or correction) moves it otherwise (`step`, `moves_back`,
  `steps_back`);
- a section does not open before construction started on it or on the whole project, nor before it was
  approved (`opened_too_early`), and construction does not start after the opening (`started_after_opening`);
- after a cancellation only a resumption, a correction or another cancellation follows (`follows_cancellation`).

Who applies them, each with its own wording: the status timeline (status, through step), the history check over shipped
and recorded events (status.history_problems), `corridors check` over the shipped files (rules), and the store
before it records an event (store.events.validate), which lets a note saying why pass what a rule questions.
The predicates here are pure and take events already dated (columns first and last, see status.dated).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

import pandas as pd

RANK = {None: -1, "planned": 0, "under_construction": 1, "completed": 2}
# Event kinds that may move a status other than forward.
EXPLICIT = {"suspended", "cancelled", "resumed", "correction"}
# Event kinds that set no status: the plan's own statement and a forecast.
NO_STATUS = {"plan", "forecast"}
# Events that open a section (or the whole project).
OPENING = ("opened", "completed")
START = "construction_start"
# What must come before an opening: the event kind, and how a sentence names it.
BEFORE_OPENING = ((START, "construction started"), ("approved", "it was approved"))
# What may follow a cancellation (a resumption undoes it; a correction or another cancellation restates it).
AFTER_CANCELLATION = ("resumed", "correction", "cancelled")


def step(current: str | None, event: str, status: str) -> str | None:
    """A section's status after one piece of evidence: forward only, unless the event says otherwise."""
    if event == "resumed":  # a resumption only undoes a suspension or cancellation
        return "under_construction" if current in (None, "suspended", "cancelled") else current
    if event in EXPLICIT:
        return status
    if current in ("suspended", "cancelled"):
        return status  # new work after a suspension is its resumption
    return status if RANK.get(status, -1) > RANK.get(current, -1) else current


def moves_back(previous: str | None, event: str, status: str) -> bool:
    """Whether evidence puts a section back to an earlier stage than `previous` without a resumption."""
    return event != "resumed" and status in RANK and RANK[status] < RANK.get(previous, -1)


def steps_back(history: Iterable[tuple[str, str]]) -> Iterator[int]:
    """Positions in a chronological history of (event, status) where the evidence steps back to an earlier stage
    than the best so far; an explicit event starts afresh, and an event that sets no status is passed over."""
    best: str | None = None
    for i, (event, status) in enumerate(history):
        if event in EXPLICIT:
            best = None
            continue
        if event in NO_STATUS or not status:
            continue
        if moves_back(best, event, status):
            yield i
        if RANK.get(status, -1) > RANK.get(best, -1):
            best = status


def opened_too_early(last: date, history: pd.DataFrame,
                     before: tuple[tuple[str, str], ...] = BEFORE_OPENING) -> list[tuple[str, str]]:
    """(what, its date as sourced) for each event kind that must come before an opening and whose first day is
    after the opening's last day `last`, in the dated `history` of the same section (or the whole project); the
    date named is that of the first such event in the history's order."""
    out = []
    for kind, what in before:
        found = history[history.event == kind]
        if len(found) and last < found["first"].min():
            out.append((what, found.date.iloc[0]))
    return out


def started_after_opening(first: date, history: pd.DataFrame) -> str | None:
    """The date (as sourced) of the latest opening in the dated `history`, when a construction start whose first
    day is `first` comes after it; None otherwise."""
    opens = history[history.event.isin(OPENING)]
    return opens.date.iloc[-1] if len(opens) and first > opens["last"].max() else None


def follows_cancellation(event: str) -> bool:
    """Whether an event may come after a cancellation without a note saying why."""
    return event in AFTER_CANCELLATION
