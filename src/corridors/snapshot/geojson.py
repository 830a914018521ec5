"""The RFC 7946 export (`corridors export`): one feature per project with list-valued properties."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from shapely.geometry import mapping

from ..counting import DEFAULT, Definition
from ..dataset import Dataset
from ..geometry import round_coordinates

COORD_DECIMALS = 6


def _sources(ids: str, sources: pd.DataFrame) -> list[dict]:
    s = sources.set_index("id")
    return [{"id": i, "title": s.loc[i, "title"], "url": s.loc[i, "url"]} for i in ids.split(";") if i in s.index]


def features(ds: Dataset, as_of: date, definition: Definition = DEFAULT) -> list[dict]:
    """One GeoJSON feature per project, ordered by id; null geometry where no route is known.

    counted agrees with `corridors count` under the same definition.
    """
    table = ds.table(as_of, definition).sort_values("id")
    geo = ds.lines.set_index("project_id").geometry
    out = []
    for r in table.itertuples():
        g = geo.get(r.drawn_as)
        props = {
            "id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "mode": r.mode,
            "route_number": r.route_number or None, "in_plan": bool(r.in_plan), "upgrade_of": r.upgrade_of or None,
            "identification": r.identification,
            "status": r.status, "status_since": r.since,
            "hunan_status": r.hunan_status if isinstance(r.hunan_status, str) else None,
            "sections": [{"section": x["section"], "name_zh": x["name_zh"], "province": x["province_zh"],
                          "status": x["status"]} for x in r.sections_status],
            "opened": r.opened, "latest_evidence": r.latest_evidence, "stale": bool(r.stale),
            "as_of": as_of.isoformat(), "plan_status": r.plan_status or None,
            "provinces": r.provinces, "neighbours_entered": r.neighbours_entered,
            "crossings": [{"lon": c["lon"], "lat": c["lat"], "province": c["province_zh"], "direction": c["direction"]}
                          for c in r.crossings],
            "pan_prd_corridor": bool(r.pan_prd_corridor), "neighbour_corridor": bool(r.neighbour_corridor),
            "corridor": bool(r.corridor), "units": int(r.units), "counted": bool(r.counted),
            "same_as": r.same_as or None,
            "length_km": None if pd.isna(r.length_km) else round(float(r.length_km), 1),
            "precision": r.precision, "route_known": bool(r.route_known), "places": r.places or None,
            "lead_department": r.lead_department or None,
            "participating_departments": [d for d in r.participating_departments.split("；") if d],
            "plan_clause": r.plan_clause or None, "plan_name": r.plan_name or None,
            "sources": _sources(r.source_ids, ds.catalog.sources), "researched": r.researched,
        }
        out.append({"type": "Feature", "properties": props,
                    "geometry": None if g is None or g.is_empty else round_coordinates(mapping(g), COORD_DECIMALS)})
    return out


def collection_text(feats: list[dict]) -> str:
    """RFC 7946 FeatureCollection text (WGS-84 lon/lat, no crs member), one feature per line."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def geojson_text(ds: Dataset, as_of: date, definition: Definition = DEFAULT) -> str:
    """The export of `corridors export`: one feature per project with list-valued properties."""
    return collection_text(features(ds, as_of, definition))
