"""One gate for data (issue 31): every command and the dashboard refuse the geodata `corridors check` refuses,
in one line naming file, row and field, exit 2, and nothing is counted or written; every loader error names
its file. Each test breaks a copy of geodata/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from corridors import dataset
from corridors.cli import main
from corridors.counting import Definition

from .conftest import edit_csv

GUANGZHOU = ["113.2644", "23.1291"]  # Guangzhou's centre, as tests/test_rules.py moves the town


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A clean working folder (no default progress store) and a cache of this test's own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CORRIDORS_STORE_URL", raising=False)
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def _move_town(geodata: Path) -> None:
    """张坊镇, a Hunan town on the Hunan–Jiangxi border, moved some 700 km south into Guangdong."""
    def fn(f):
        f.loc[f.name_zh == "张坊镇", ["lon", "lat"]] = GUANGZHOU
        return f
    edit_csv(geodata / "places.csv", fn)


def _one_line(capsys, code: int) -> str:
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1, (code, out, err)
    return err.strip()


def test_a_town_moved_into_guangdong_is_refused_by_every_command(geodata_copy, here, capsys, monkeypatch):
    """Before: `check` exited 1 while `count` counted one corridor more from the same files. Now `count`,
    `export`, `snapshot`, `alignment` and `serve` refuse them as `check` does, naming the file, row and field;
    no output file is written; a second run (the check's result read from the cache) refuses the same way."""
    from corridors import deploy

    shipped = dataset.load(geodata_copy, cache=False)
    _move_town(geodata_copy)
    moved = dataset.load(geodata_copy, cache=False)
    rail = Definition(modes=("rail",))  # 张坊镇 is on a railway (ra-25): the moved line counted one more
    assert moved.count(date.today(), rail)["completed"] == shipped.count(date.today(), rail)["completed"] + 1

    geo = ["--geodata", str(geodata_copy)]
    assert main([*geo, "check"]) == 1
    assert "张坊镇" in capsys.readouterr().out
    export, bundle = here / "out.geojson", here / "bundle"
    monkeypatch.setattr(deploy, "plan", lambda *a, **kw: pytest.fail("serve started on refused data"))
    commands = [["count", "--mode", "rail"], ["count", "--json"], ["export", "--output", str(export)],
                ["snapshot", "--as-of", "2020-12-31", "--out", str(bundle)], ["alignment", "list"],
                ["serve", "--no-proxy", "--workers", "1", "--port", str(_free_port()), "--app",
                 str(Path(__file__).parents[1] / "app.py")]]
    for argv in commands * 2:
        line = _one_line(capsys, main([*geo, *argv]))
        assert f"{geodata_copy / 'waypoints.csv'}, row " in line and "field 'province_zh'" in line, (argv, line)
        assert "张坊镇" in line and "outside 湖南省" in line and "nothing was counted or written" in line
    assert not export.exists() and not bundle.exists()


def _free_port() -> int:
    from .browser import free_port

    return free_port()


def test_the_check_is_cached_with_the_dataset(geodata_copy, here, monkeypatch):
    """A warm command reads the check's result with the dataset instead of running it again (so a warm
    `count` stays as fast as before); another day runs it again, as some rules depend on the day."""
    from corridors import rules

    runs = []
    real = rules.check
    monkeypatch.setattr(rules, "check", lambda ds: runs.append(1) or real(ds))
    assert main(["--geodata", str(geodata_copy), "count", "--json"]) == 0
    assert main(["--geodata", str(geodata_copy), "count", "--json"]) == 0
    assert len(runs) == 1
    ds = dataset.load(geodata_copy, gate=True)
    assert ds.problems == () and ds.checked_on == date.today() and len(runs) == 1
    monkeypatch.setattr(dataset, "date", type("Tomorrow", (date,), {"today": classmethod(
        lambda cls: date.fromordinal(date.today().toordinal() + 1))}))
    dataset.load(geodata_copy, gate=True)
    assert len(runs) == 2


def _gbk(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))


def _cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("file, spoil, says", [
    ("places.csv", _gbk, "is not UTF-8 text (line 2, byte 0x"),
    ("waypoints.csv", _gbk, "is not UTF-8 text (line 2, byte 0x"),
    ("events.csv", _gbk, "is not UTF-8 text (line 2, byte 0x"),
    ("seats.csv", _gbk, "is not UTF-8 text (line 2, byte 0x"),
    ("plan/hunan-pprd-2016.txt", _gbk, "is not UTF-8 text (line 1, byte 0x"),
    ("boundaries.geojson", _cut, "cannot be read as GeoJSON, the file may be cut short or damaged"),
    ("datapackage.json", _cut, "is not a valid Data Package"),
])
def test_a_file_that_cannot_be_read_is_named(geodata_copy, here, capsys, file, spoil, says):
    """Before: a GBK-encoded CSV or a truncated boundaries.geojson gave 'unexpected UnicodeDecodeError' or
    'unexpected DataSourceError' without the file's name, exit 1. Now one line naming the file, exit 2."""
    spoil(geodata_copy / file)
    line = _one_line(capsys, main(["--geodata", str(geodata_copy), "count"]))
    assert Path(file).name in line and says in line and "unexpected" not in line, line


def test_the_dashboard_shows_an_error_page_instead_of_a_count(geodata_copy, here, monkeypatch):
    """Before: the dashboard counted from the moved town. Now the page says what is wrong (escaped: it is
    text from the data) in both languages and shows neither count nor map."""
    from streamlit.testing.v1 import AppTest

    from corridors.ui import data

    _move_town(geodata_copy)
    monkeypatch.setenv("CORRIDORS_GEODATA", str(geodata_copy))
    data.base.clear()
    try:
        at = AppTest.from_file(str(Path(__file__).parents[1] / "dashboard.py"), default_timeout=120).run()
        assert not at.exception, [e.message for e in at.exception]
        (error,) = at.error
        text = error.value.replace("\\", "")  # the message as shown: Markdown's escapes removed
        assert "数据文件未通过检查" in text and "The data files fail the check" in text
        assert "geodata/waypoints.csv, row" in text and "张坊镇" in text and str(geodata_copy) not in text
        assert not at.metric and not at.get("component_instance")
    finally:
        data.base.clear()
