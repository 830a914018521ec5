"""The console script: export as RFC 7946 GeoJSON and counts."""

from __future__ import annotations

import json

from shapely.geometry import shape

from corridors.cli import main


def test_export_geojson(tmp_path, ds, capsys):
    out = tmp_path / "corridors.geojson"
    assert main(["export", "--format", "geojson", "--output", str(out), "--as-of", "2020-12-31"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    feats = data["features"]
    assert [f["properties"]["id"] for f in feats] == sorted(ds.catalog.projects.id)
    required = {"id", "name_zh", "name_en", "mode", "status", "provinces", "neighbours_entered",
                "pan_prd_corridor", "length_km", "precision", "lead_department", "plan_clause", "sources"}
    for f in feats:
        p = f["properties"]
        assert required <= set(p)
        if f["geometry"] is None:
            assert not p["route_known"] and p["precision"] == "none"
            continue
        g = shape(f["geometry"])
        assert g.geom_type == "LineString" and g.is_valid
        lon, lat = g.coords[0]
        assert 97 < lon < 123 and 18 < lat < 35  # lon/lat order
        assert "湖南省" in p["provinces"]
    by_id = {f["properties"]["id"]: f["properties"] for f in feats}
    assert by_id["xianggui_hengliu"]["provinces"] == ["湖南省", "广西壮族自治区"]
    assert by_id["zhitong"]["sources"][0]["url"].startswith("http")


def test_count_json_matches_the_table(ds, capsys):
    from datetime import date

    from corridors.counting import DEFAULT

    assert main(["count", "--as-of", "2020-12-31", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    t = ds.table(date(2020, 12, 31))
    assert out["by_status"]["completed"] == int(t.units[t.counted].sum())
    assert out["baseline"] == ds.count(ds.plan_date)["completed"] and out["baseline_date"] == "2016-10-24"
    assert out["target"] == 20 and out["definition"] == DEFAULT.as_dict()
    assert out["milestones"]["2020-12-31"] == out["completed"]
    assert out["milestones"]["2016-10-24"] == out["baseline"]


def test_count_switches_reach_the_definition(ds, capsys):
    from datetime import date

    from corridors.counting import Definition

    argv = ["count", "--as-of", "2025-12-31", "--scope", "neighbours", "--mode", "highway", "--include", "all",
            "--unit", "crossing", "--opened", "both", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    d = Definition(provinces="neighbours", opened="both")
    assert out["completed"] == ds.count(date(2025, 12, 31), d)["completed"]
    assert out["definition"]["opened"] == "both"


def test_bad_date_is_refused(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        main(["count", "--as-of", "2020-13-45"])
    assert exc.value.code == 2
    assert "not an ISO date" in capsys.readouterr().err


def test_export_to_a_folder_or_a_blocked_path_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for target, needle in ((tmp_path, "it is a folder"), (blocker / "x.geojson", "is a file, not a folder")):
        assert main(["export", "--output", str(target)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: cannot write") and needle in err and "\n" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_second_command_reads_the_cached_dataset_and_no_cache_builds_it(tmp_path, monkeypatch, capsys):
    from corridors import dataset

    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    builds = []
    real = dataset.build
    monkeypatch.setattr(dataset, "build", lambda *a, **kw: builds.append(a) or real(*a, **kw))
    assert main(["count", "--json"]) == 0 and main(["count", "--json"]) == 0
    assert len(builds) == 1 and len(list((tmp_path / "cache").glob("dataset-*.pickle"))) == 1
    assert main(["--no-cache", "count", "--json"]) == 0 and len(builds) == 2
    first, second, third = (json.loads(x) for x in capsys.readouterr().out.replace("}\n{", "}\n\0{").split("\0"))
    assert first == second == third


def test_count_from_the_cached_dataset_leaves_name_and_file_libraries_unimported(tmp_path):
    """Each `corridors count` is a new process, so what it imports is what it costs (issue 13): reading the
    cached dataset needs neither pypinyin (building names) nor pyogrio/GDAL (reading an alignment file), nor, with no
    progress store, SQLAlchemy."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("CORRIDORS_STORE_URL", "CORRIDORS_GEODATA")}
    env["CORRIDORS_CACHE_DIR"] = str(tmp_path / "cache")
    code = ("import sys; from corridors.cli import main; main(['count', '--json']); "
            "print('loaded:', sorted(m for m in ('pypinyin', 'pyogrio', 'sqlalchemy') if m in sys.modules))")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                           check=True).stdout.splitlines()[-1] for _ in range(2)]
    assert "'pypinyin'" in runs[0]  # the first run builds the dataset: the check does see an import
    assert runs[1] == "loaded: []"


def test_snapshot_compare_after_as_of_is_refused(tmp_path, capsys):
    """Before: `snapshot --compare` accepted a date after --as-of and listed 'changes' backwards in time. Now one
    line naming both options, exit 2, no bundle."""
    out = tmp_path / "bundle"
    assert main(["snapshot", "--as-of", "2020-12-31", "--compare", "2021-06-30", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --compare 2021-06-30 lies after --as-of 2020-12-31") and err.count("\n") == 1
    assert not out.exists()


def test_alignment_list_refuses_an_unknown_project_or_section(tmp_path, ds, capsys):
    """A typo in the project id is one line and exit 2, not "no alignments" (before: exit 0, "no alignments
    recorded for zhitongg"); a known project with nothing recorded still says so."""
    from corridors.store import Store

    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    Store(url, read_only=False).init()
    for target, needle in (("zhitongg", "project 'zhitongg' is unknown"),
                           ("zhitong:mars", "section 'mars' is not a section of zhitong (one of all, guizhou, hunan)")):
        assert main(["--store", url, "alignment", "list", target]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.strip() == f"error: {needle}" + (
            ": `corridors check` lists the project ids" if "project" in needle else ""), captured.err
    for target in ("zhitong", "zhitong:hunan"):
        assert main(["--store", url, "alignment", "list", target]) == 0
        assert capsys.readouterr().out.strip() == f"no alignments recorded for {target}"
    assert main(["--store", str(tmp_path / "none.sqlite"), "alignment", "list", "nowhere"]) == 2
    assert "project 'nowhere' is unknown" in capsys.readouterr().err
