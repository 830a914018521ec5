"""The headline says what it counts: under the number, the definition in a few words, the day the target was
reached and the corridor that made it, how many are unconfirmed; a bar that says "exceeded". Expected text is
built from the counting module and the i18n strings, never typed in."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from corridors import i18n
from corridors.counting import DEFAULT, Definition

from .test_app import APP, headline, rerun, run


def notes(at: AppTest) -> str:
    """The caption right under the headline (the first caption in the title's row)."""
    return next(c.value for c in at.caption if i18n.t("headline_definition", "zh", short="")[:4] in c.value
                or i18n.t("headline_definition", "en", short="")[:10] in c.value)


def bar(at: AppTest) -> str:
    return next(h.proto.body for h in at.get("html") if "corridors-progress" in h.proto.body)


def expected_lines(ds, as_of: date, d: Definition, lang: str) -> list[str]:
    hit = ds.reached(d, as_of)
    t = ds.table(as_of, d).set_index("id")
    name = (t.name_zh if lang == "zh" else t.name_en)
    return i18n.headline_notes(d, lang, counts=ds.count(as_of, d), as_of=as_of, reached_day=hit and hit.day,
                               reached_name=name[hit.project_id] if hit else "",
                               same_day=tuple(name[p] for p in hit.same_day) if hit else ())


def _plain(markdown: str) -> str:
    return markdown.replace("\\", "").replace("  \n", "\n")


def test_the_first_view_says_what_the_headline_counts_and_when_20_was_reached(ds):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()  # the session's first run: title, count and map only
    assert not at.exception
    today = date.today()
    hit = ds.reached(DEFAULT, today)
    assert hit is not None  # the shipped data reach 20 under the default definition (the page must say when)
    text = _plain(notes(at))
    assert text.split("\n") == expected_lines(ds, today, DEFAULT, "zh")
    assert i18n.definition_short(DEFAULT, "zh") in text
    assert f"第{ds.target.count}条为" in text and hit.day.isoformat() in text
    assert ds.table(today).set_index("id").name_zh[hit.project_id] in text
    c = ds.count(today)
    assert f"{c['completed']} 条中 {c['candidates']} 条为未确认识别" in text


def test_the_line_follows_the_definition_and_the_date(ds):
    at = run(definition_open=True)
    today = date.today()
    before = _plain(notes(at))
    at.sidebar.radio(key="def_opened.zh").set_value("both")
    rerun(at)
    d = Definition(opened="both")
    after = _plain(notes(at))
    assert after != before and after.split("\n") == expected_lines(ds, today, d, "zh")
    assert i18n.definition_short(d, "zh") in after
    hit_default, hit_both = ds.reached(DEFAULT, today), ds.reached(d, today)
    assert hit_both.day != hit_default.day and hit_both.day.isoformat() in after
    early = hit_default.day.replace(year=hit_default.day.year - 3)
    at.sidebar.date_input(key="as_of").set_value(early)
    rerun(at)
    text = _plain(notes(at))
    missing = ds.target.count - ds.count(early, d)["completed"]
    assert text.split("\n") == expected_lines(ds, early, d, "zh")
    assert f"还差 {missing} 条" in text and f"第{ds.target.count}条" not in text


def test_the_bar_says_target_exceeded_without_an_alarm_colour(ds):
    at = run()
    c = ds.count(date.today())
    assert c["completed"] > ds.target.count  # the data must allow the test
    body = bar(at)
    over = c["completed"] - ds.target.count
    assert i18n.t("bar_exceeded", "zh", over=over, pct=round(100 * c["completed"] / ds.target.count)) in body
    assert "#1a9850" in body and "#ff4b4b" not in body.lower()
    assert f'aria-valuenow="{c["completed"]}"' in body


def test_english_notes(ds):
    at = run(lang="en")
    today = date.today()
    text = _plain(notes(at))
    assert text.split("\n") == expected_lines(ds, today, DEFAULT, "en")
    assert f"the {ds.target.count}th was" in text and "第" not in text
    assert headline(at).startswith(str(ds.count(today)["completed"]))
