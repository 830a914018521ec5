"""断头路 at the border: one half open, the other not, with the other side's stage and latest known forecast."""

from __future__ import annotations

from datetime import date, timedelta

from corridors import status, stubs

from .test_dataset import recorded

TODAY = date.today()


def test_each_stub_has_one_half_open_and_the_other_not(ds):
    found = 0
    for day in (date(2013, 12, 31), date(2020, 12, 31), TODAY):
        st = ds.section_statuses(day)
        halves = {(h["project_id"], h["province"]): h for h in stubs.halves(ds)}
        listed = stubs.stubs(ds, day)
        for r in listed.itertuples():
            h = next(v for (p, _), v in halves.items() if p == r.id and v["province"] in
                     {c for c, prov in _codes().items() if prov == r.neighbour})
            hunan_open = all(st.get((r.id, s)) == "completed" for s in h["hunan"])
            nb_open = all(st.get((r.id, s)) == "completed" for s in h["neighbour"])
            assert hunan_open != nb_open and r.open_half == ("hunan" if hunan_open else "neighbour")
            assert r.days_waiting == (day - r.since).days >= 0
            assert (r.hunan_half_opened == r.since) if hunan_open else (r.neighbour_half_opened == r.since)
            found += 1
        # every crossing with exactly one half open is listed
        expected = sum(all(st.get((h["project_id"], s)) == "completed" for s in h["hunan"])
                       != all(st.get((h["project_id"], s)) == "completed" for s in h["neighbour"])
                       for h in halves.values())
        assert len(listed) == expected
    assert found


def _codes():
    from corridors.boundaries import PROVINCES

    return {k: v.name_zh for k, v in PROVINCES.items()}


def _missing_other_half(ds):
    """A crossing on today's list whose other half has no record at all."""
    s = stubs.stubs(ds, TODAY)
    row = s[s.other_stage == "no_record"].iloc[0]
    h = next(h for h in stubs.halves(ds) if h["project_id"] == row.id and _codes()[h["province"]] == row.neighbour)
    return row, h


def test_a_missing_record_is_missing_not_a_status(ds):
    row, h = _missing_other_half(ds)
    other = h["neighbour"] if row.open_half == "hunan" else h["hunan"]
    st = ds.section_statuses(TODAY)
    assert all(st.get((row.id, s)) in (None, status.NOT_FOUND) for s in other)  # drawn 未查到, never a status
    assert row.other_stage == "no_record" and row.expected_open is None


def test_opening_the_other_half_takes_the_crossing_off_the_list(ds):
    row, h = _missing_other_half(ds)
    other = h["neighbour"] if row.open_half == "hunan" else h["hunan"]
    day = TODAY - timedelta(days=10)
    more = ds.with_events(recorded(*({"project_id": row.id, "section": s, "date": day.isoformat()} for s in other)))
    after = stubs.stubs(more, TODAY)
    assert not ((after.id == row.id) & (after.neighbour == row.neighbour)).any()
    before = stubs.stubs(more, day - timedelta(days=1))
    assert ((before.id == row.id) & (before.neighbour == row.neighbour)).any()


def test_the_expected_opening_is_the_latest_forecast_known_on_the_date(ds):
    row, h = _missing_other_half(ds)
    other = h["neighbour"] if row.open_half == "hunan" else h["hunan"]
    started, first, second = TODAY - timedelta(days=300), TODAY - timedelta(days=200), TODAY - timedelta(days=100)
    more = ds.with_events(recorded(
        {"project_id": row.id, "section": other[0], "event": "construction_start", "status": "under_construction",
         "date": started.isoformat(), "recorded_at": started.isoformat()},
        {"project_id": row.id, "section": other[0], "event": "forecast", "status": "", "date": "2027-06",
         "date_precision": "month", "recorded_at": first.isoformat() + "T10:00:00"},
        {"project_id": row.id, "section": other[0], "event": "forecast", "status": "", "date": "2028",
         "date_precision": "year", "recorded_at": second.isoformat() + "T10:00:00"}))

    def on(day):
        s = stubs.stubs(more, day)
        return s[(s.id == row.id) & (s.neighbour == row.neighbour)].iloc[0]

    assert on(first - timedelta(days=1)).expected_open is None  # nothing published yet
    assert on(first - timedelta(days=1)).other_stage == "under_construction"
    assert on(first).expected_open == "2027-06" and on(first).expected_precision == "month"
    assert on(second - timedelta(days=1)).expected_open == "2027-06"
    assert on(TODAY).expected_open == "2028"


def test_a_forecast_made_before_construction_started_is_not_an_opening(ds):
    row, h = _missing_other_half(ds)
    other = h["neighbour"] if row.open_half == "hunan" else h["hunan"]
    early = TODAY - timedelta(days=50)
    more = ds.with_events(recorded(
        {"project_id": row.id, "section": other[0], "event": "forecast", "status": "", "date": "2027",
         "date_precision": "year", "recorded_at": early.isoformat()}))
    s = stubs.stubs(more, TODAY)
    assert s[(s.id == row.id) & (s.neighbour == row.neighbour)].iloc[0].expected_open is None
