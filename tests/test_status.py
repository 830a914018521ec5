"""Status on a date, derived from dated events: sections, precision of dates, the plan, same lines."""

from __future__ import annotations

from datetime import date

import pandas as pd

from corridors.status import history_problems, status_on, timeline

PROJECTS = pd.DataFrame([
    {"id": "link", "same_as": ""},
    {"id": "twin", "same_as": "link"},
    {"id": "solo", "same_as": ""},
])
SECTIONS = pd.DataFrame([
    {"project_id": "link", "section": "hunan", "role": "line"},
    {"project_id": "link", "section": "guangdong", "role": "line"},
    {"project_id": "link", "section": "works", "role": "component"},
])


def ev(pid, section, status, d, precision="day", event="opened", note=""):
    return {"project_id": pid, "section": section, "event": event, "status": status, "date": d,
            "date_precision": precision, "source_id": "s", "note": note}


EVENTS = pd.DataFrame([
    ev("link", "all", "planned", "2016-10-24", event="plan"),
    ev("link", "hunan", "under_construction", "2017-03", "month", "construction_start"),
    ev("link", "guangdong", "under_construction", "2018", "year", "construction_start"),
    ev("link", "works", "completed", "2019-01-01"),
    ev("link", "hunan", "completed", "2020-06-30"),
    ev("link", "guangdong", "completed", "2021-12-31"),
    ev("link", "all", "under_construction", "2022-05-01", event="plan", note="a later plan restates it"),
    ev("solo", "all", "under_construction", "2016-10-24", event="plan"),
])


def _status(events, on):
    tl = timeline(PROJECTS, SECTIONS, events)
    return status_on(tl, list(PROJECTS.id), on).set_index("project_id")


def test_link_is_open_only_when_both_halves_are():
    assert _status(EVENTS, date(2020, 12, 31)).loc["link", "status"] == "under_construction"
    assert _status(EVENTS, date(2020, 12, 31)).loc["link", "partly_open"]
    assert _status(EVENTS, date(2021, 12, 31)).loc["link", "status"] == "completed"


def test_a_component_does_not_set_the_status():
    assert _status(EVENTS, date(2019, 6, 1)).loc["link", "status"] == "under_construction"


def test_imprecise_dates_count_from_their_last_day():
    assert _status(EVENTS, date(2017, 3, 30)).loc["link", "status"] == "planned"
    assert _status(EVENTS, date(2017, 3, 31)).loc["link", "status"] == "under_construction"


def test_whole_project_event_does_not_reopen_open_sections():
    assert _status(EVENTS, date(2023, 1, 1)).loc["link", "status"] == "completed"


def test_before_any_event_there_is_no_status():
    assert _status(EVENTS, date(2015, 1, 1)).loc["solo", "status"] is None


def test_the_same_line_shares_its_history():
    s = _status(EVENTS, date(2021, 12, 31))
    assert s.loc["twin", "status"] == s.loc["link", "status"] == "completed"


def test_completion_before_start_is_reported_unless_explained():
    bad = pd.DataFrame([ev("solo", "all", "under_construction", "2020-01-01", event="construction_start"),
                        ev("solo", "all", "completed", "2019-01-01")])
    assert len(history_problems(bad)) == 1
    explained = bad.assign(note=["", "opened before the formal start ceremony (source says so)"])
    assert history_problems(explained) == []


def test_shipped_histories_are_consistent(ds):
    assert history_problems(ds.events) == []
    assert ds.events.source_id.ne("").all()


def test_count_on_the_target_date_comes_from_the_history(ds):
    """On 2020-12-31 焦柳 Huaihua–Liuzhou is open (electrified line opened 2020-12-26, source rb-20) and
    常益长 is not (its first section opened 2022-09-06, source ra-13)."""
    t = ds.table(date(2020, 12, 31)).set_index("id")
    assert t.loc["jiaoliu_huailiu", "status"] == "completed"
    assert t.loc["changyichang", "status"] == "under_construction"
    assert ds.table(date(2022, 12, 31)).set_index("id").loc["changyichang", "status"] == "completed"
