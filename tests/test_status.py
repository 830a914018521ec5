"""Status on a date, derived only from dated evidence: sections, precision of dates, the plan's own
statement and forecasts (which set nothing), forward-only steps, same lines; property tests over random
histories and a table test over every shipped project at every event date."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from corridors.catalog import parse_date
from corridors.status import NOT_FOUND, RANK, history_problems, roll_up, status_on, timeline

PROJECTS = pd.DataFrame([
    {"id": "link", "same_as": ""},
    {"id": "twin", "same_as": "link"},
    {"id": "solo", "same_as": ""},
])
SECTIONS = pd.DataFrame([
    {"project_id": "link", "section": "hunan", "role": "line", "province_zh": "湖南省"},
    {"project_id": "link", "section": "guangdong", "role": "line", "province_zh": "广东省"},
    {"project_id": "link", "section": "works", "role": "component", "province_zh": "湖南省"},
])


def ev(pid, section, status, d, precision="day", event="opened", note="", source="s"):
    return {"project_id": pid, "section": section, "event": event, "status": status, "date": d,
            "date_precision": precision, "source_id": source, "note": note}


EVENTS = pd.DataFrame([
    ev("link", "all", "", "2016-10-24", event="plan", source="plan"),
    ev("link", "hunan", "under_construction", "2017-03", "month", "construction_start"),
    ev("link", "guangdong", "under_construction", "2018", "year", "construction_start"),
    ev("link", "works", "completed", "2019-01-01"),
    ev("link", "hunan", "completed", "2020-06-30"),
    ev("link", "guangdong", "", "2020-12-31", event="forecast", note="expected to open at the end of 2020"),
    ev("link", "guangdong", "completed", "2021-12-31"),
    ev("link", "all", "planned", "2022-05-01", event="approved", note="a late approval of the whole link"),
    ev("solo", "all", "", "2016-10-24", event="plan", source="plan"),
])


def _status(events, on, projects=PROJECTS, sections=SECTIONS):
    tl = timeline(projects, sections, events)
    return status_on(tl, list(projects.id), on).set_index("project_id")


def test_the_plan_alone_sets_no_status():
    assert _status(EVENTS, date(2020, 1, 1)).loc["solo", "status"] is None


def test_a_forecast_is_not_an_opening():
    s = _status(EVENTS, date(2021, 6, 1)).loc["link"]
    assert s.status == "under_construction" and s.partly_open


def test_link_is_open_only_when_both_halves_are_and_hunan_half_is_tracked_apart():
    s = _status(EVENTS, date(2020, 12, 31)).loc["link"]
    assert s.status == "under_construction" and s.hunan_status == "completed"
    assert _status(EVENTS, date(2021, 12, 31)).loc["link", "status"] == "completed"


def test_a_section_without_events_blocks_completion():
    only_hunan = EVENTS[EVENTS.section != "guangdong"]
    s = _status(only_hunan, date(2024, 1, 1)).loc["link"]
    assert s.status == "under_construction" and s.partly_open and s.hunan_status == "completed"


def test_a_component_does_not_set_the_status():
    assert _status(EVENTS, date(2019, 6, 1)).loc["link", "status"] == "under_construction"


def test_imprecise_dates_count_from_their_last_day():
    assert _status(EVENTS, date(2017, 3, 30)).loc["link", "status"] is None
    assert _status(EVENTS, date(2017, 3, 31)).loc["link", "status"] == "under_construction"


def test_a_late_approval_never_steps_a_status_backwards():
    assert _status(EVENTS, date(2023, 1, 1)).loc["link", "status"] == "completed"
    started = pd.DataFrame([ev("solo", "all", "under_construction", "2017-12-26", event="construction_start"),
                            ev("solo", "all", "planned", "2018-03-01", event="approved")])
    assert _status(started, date(2018, 6, 1)).loc["solo", "status"] == "under_construction"


def test_suspension_and_resumption_are_explicit():
    h = pd.DataFrame([ev("solo", "all", "under_construction", "2017-01-01", event="construction_start"),
                      ev("solo", "all", "suspended", "2018-01-01", event="suspended"),
                      ev("solo", "all", "under_construction", "2019-01-01", event="resumed")])
    assert _status(h, date(2018, 6, 1)).loc["solo", "status"] == "suspended"
    assert _status(h, date(2019, 6, 1)).loc["solo", "status"] == "under_construction"


def test_the_same_line_shares_its_history():
    s = _status(EVENTS, date(2021, 12, 31))
    assert s.loc["twin", "status"] == s.loc["link", "status"] == "completed"


def test_history_problems_name_openings_before_starts_or_approvals():
    bad = pd.DataFrame([ev("solo", "all", "under_construction", "2020-01-01", event="construction_start"),
                        ev("solo", "all", "completed", "2019-01-01")])
    assert len(history_problems(bad)) == 1
    explained = bad.assign(note=["", "opened before the formal start ceremony (source says so)"])
    assert history_problems(explained) == []
    one_section = pd.DataFrame([ev("link", "all", "under_construction", "2020-01-01", event="construction_start"),
                                ev("link", "hunan", "completed", "2019-06-01")])
    assert any("link/hunan" in p for p in history_problems(one_section, SECTIONS))
    approved_late = pd.DataFrame([ev("solo", "all", "planned", "2021-01-01", event="approved"),
                                  ev("solo", "all", "completed", "2019-01-01")])
    assert any("approved" in p for p in history_problems(approved_late))


# --- property tests over random histories ---------------------------------------------------------

FORWARD = [("study", "planned"), ("approved", "planned"), ("construction_start", "under_construction"),
           ("opened", "completed"), ("forecast", ""), ("plan", "")]


@st.composite
def histories(draw, explicit: bool):
    kinds = FORWARD + ([("suspended", "suspended"), ("resumed", "under_construction")] if explicit else [])
    n = draw(st.integers(1, 12))
    rows = []
    for _ in range(n):
        kind, status = draw(st.sampled_from(kinds))
        section = draw(st.sampled_from(["hunan", "guangdong", "all", "works"]))
        d = date(2000, 1, 1).toordinal() + draw(st.integers(0, 9000))
        rows.append(ev("link", section, status, date.fromordinal(d).isoformat(), event=kind,
                       source="plan" if kind == "plan" else "s"))
    return pd.DataFrame(rows)


def _walk(events):
    days = sorted({date.fromisoformat(d) for d in events.date})
    return [(d, _status(events, d, PROJECTS.iloc[[0]]).loc["link"]) for d in days]


@settings(max_examples=60, deadline=None)
@given(histories(explicit=False))
def test_without_explicit_events_a_status_never_steps_back(events):
    """Of the statuses the evidence sets; NOT_FOUND says a half has no record, which is no status at all."""
    ranks = [RANK.get(s.status, -1) for _, s in _walk(events) if s.status != NOT_FOUND]
    assert ranks == sorted(ranks)


@settings(max_examples=60, deadline=None)
@given(histories(explicit=False))
def test_a_half_without_a_record_is_not_found_never_under_construction(events):
    """With every recorded line section open and another without any evidence, the link is NOT_FOUND."""
    evidence = events[~events.event.isin(["plan", "forecast"])]
    for d, s in _walk(events):
        upto = evidence[evidence.date.map(date.fromisoformat) <= d]
        recorded = set(upto.section)
        halves = {"hunan", "guangdong"} if "all" not in recorded else set()
        done = {sec for sec in halves if (upto[upto.section == sec].status == "completed").any()}
        unrecorded = halves - recorded
        assert (s.status == NOT_FOUND) == (bool(unrecorded) and bool(done) and done == halves - unrecorded)


def test_roll_up_never_turns_a_missing_section_into_a_status():
    assert roll_up(["completed", None]) == NOT_FOUND
    assert roll_up(["completed", "completed", None]) == NOT_FOUND
    assert roll_up(["completed", "completed"]) == "completed"
    assert roll_up(["under_construction", None]) == "under_construction"  # the recorded half is being built
    assert roll_up(["completed", "under_construction", None]) == "under_construction"
    assert roll_up([None, None]) is None


@settings(max_examples=60, deadline=None)
@given(histories(explicit=True))
def test_a_link_is_complete_exactly_when_every_line_section_has_an_opening(events):
    opened = events[events.event == "opened"]
    for d, s in _walk(events):
        upto = opened[opened.date.map(date.fromisoformat) <= d]
        later = events[(events.date.map(date.fromisoformat) <= d) & events.event.isin(["suspended"])]
        every = "all" in set(upto.section) or {"hunan", "guangdong"} <= set(upto.section)
        if s.status == "completed":
            assert every
        elif every and later.empty:
            assert s.status == "completed"


@settings(max_examples=60, deadline=None)
@given(histories(explicit=True))
def test_only_sourced_evidence_sets_a_status(events):
    evidence = events[~events.event.isin(["plan", "forecast"])]
    for d, s in _walk(events):
        if s.status is not None:
            assert (evidence.date.map(date.fromisoformat) <= d).any()


# --- the shipped data, every project at every event date --------------------------------------------

def test_every_shipped_status_rests_on_dated_non_plan_evidence(ds):
    ev_all = ds.events.assign(last=[parse_date(d, p)[1] for d, p in zip(ds.events.date, ds.events.date_precision)])
    evidence = ev_all[~ev_all.event.isin(["plan", "forecast"]) & ev_all.source_id.ne("plan")]
    opened = evidence[evidence.event.isin(["opened", "completed"])]
    line = ds.catalog.sections[ds.catalog.sections.role == "line"]
    for pid, same_as in zip(ds.catalog.projects.id, ds.catalog.projects.same_as):
        source = same_as or pid
        mine = evidence[evidence.project_id.isin([pid, source])]
        sections = set(line[line.project_id == source].section) or {"all"}
        for day in sorted(set(ev_all[ev_all.project_id.isin([pid, source])]["last"])):
            s = ds.table(day).set_index("id").loc[pid]
            if s.status in ("planned", "under_construction", "completed", "suspended", "cancelled"):
                assert (mine["last"] <= day).any(), (pid, day, s.status)
            elif s.status == NOT_FOUND:  # some line section has evidence, another none at all
                upto = mine[mine["last"] <= day]
                assert len(upto) and "all" not in set(upto.section), (pid, day)
                assert sections - set(upto.section), (pid, day)
            else:
                assert s.status in ("plan_stated", "no_record") and not (mine["last"] <= day).any(), (pid, day)
            if s.status == "completed":
                done = opened[opened.project_id.isin([pid, source]) & (opened["last"] <= day)]
                assert "all" in set(done.section) or sections <= set(done.section), (pid, day)


def test_shipped_histories_are_consistent(ds):
    assert history_problems(ds.events, ds.catalog.sections) == []
    assert ds.events.source_id.ne("").all()


def test_count_on_the_target_date_comes_from_the_history(ds):
    """On 2020-12-31 焦柳 Huaihua–Liuzhou is open (electrified line opened 2020-12-26, source rb-20) and
    常益长 is not (its first section opened 2022-09-06, source ra-13)."""
    t = ds.table(date(2020, 12, 31)).set_index("id")
    assert t.loc["jiaoliu_huailiu", "status"] == "completed"
    assert t.loc["changyichang", "status"] == "under_construction"
    assert ds.table(date(2022, 12, 31)).set_index("id").loc["changyichang", "status"] == "completed"


def test_plan_named_projects_without_evidence_say_so(ds):
    t = ds.table(date.today()).set_index("id")
    plan_only = t[t.status == "plan_stated"]
    assert len(plan_only) >= 1 and plan_only.in_plan.all() and plan_only.stale.all()
    assert t.loc["huangmang", "status"] != "under_construction"
