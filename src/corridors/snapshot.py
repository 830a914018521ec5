"""Progress snapshots as of a date: RFC 7946 GeoJSON (and, later, the whole bundle). Deterministic output."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from shapely.geometry import mapping

from .dataset import Dataset

COORD_DECIMALS = 6


def _round(obj):
    if isinstance(obj, float):
        return round(obj, COORD_DECIMALS)
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    return obj


def _sources(ids: str, sources: pd.DataFrame) -> list[dict]:
    s = sources.set_index("id")
    return [{"id": i, "title": s.loc[i, "title"], "url": s.loc[i, "url"]} for i in ids.split(";") if i in s.index]


def features(ds: Dataset, as_of: date, scope: str = "pan-prd") -> list[dict]:
    """One GeoJSON feature per project, ordered by id; null geometry where no route is known."""
    table = ds.table(as_of, scope).sort_values("id")
    geo = ds.lines.set_index("project_id").geometry
    out = []
    for r in table.itertuples():
        g = geo.get(r.same_as or r.id)
        props = {
            "id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "mode": r.mode,
            "status": r.status, "status_since": r.status_since.isoformat() if r.status_since else None,
            "as_of": as_of.isoformat(), "plan_status": r.plan_status,
            "provinces": r.provinces, "neighbours_entered": r.neighbours_entered,
            "crossings": [{"lon": c["lon"], "lat": c["lat"], "province": c["province_zh"], "direction": c["direction"]}
                          for c in r.crossings],
            "pan_prd_corridor": bool(r.pan_prd_corridor), "neighbour_corridor": bool(r.neighbour_corridor),
            "counted": bool(r.counted), "same_as": r.same_as or None,
            "length_km": None if pd.isna(r.length_km) else round(float(r.length_km), 1),
            "precision": r.precision, "route_known": bool(r.route_known), "places": r.places or None,
            "lead_department": r.lead_department,
            "participating_departments": [d for d in r.participating_departments.split("；") if d],
            "plan_clause": r.plan_clause, "plan_name": r.plan_name,
            "sources": _sources(r.source_ids, ds.catalog.sources),
        }
        out.append({"type": "Feature", "properties": props,
                    "geometry": _round(mapping(g)) if g is not None and not g.is_empty else None})
    return out


def geojson_text(ds: Dataset, as_of: date, scope: str = "pan-prd") -> str:
    """RFC 7946 FeatureCollection text (WGS-84 lon/lat, no crs member), one feature per line."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features(ds, as_of, scope)]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
