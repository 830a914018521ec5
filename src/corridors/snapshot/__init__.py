"""Progress snapshots as of a date: the RFC 7946 export and the bundle a planner sends as is (CSV, XLSX,
GeoJSON, GeoPackage, an offline HTML map, a PNG map, a one-page PDF report, the official targets against the count,
the outlook with its fan chart, the 断头路 list and a manifest). Output is
deterministic: the same inputs give the same bytes, apart from the creation time in the manifest."""

# The package's modules: request (what a snapshot covers, its refusals), geojson (the RFC 7946 export), tables (CSV,
# XLSX, GeoJSON/GeoPackage, the small tables), report (what the maps, the PDF report and the briefing say; the
# outlook files) and bundle (build every file, write them whole or not at all, zip them).

from __future__ import annotations

from .bundle import build, write, zip_bundle
from .geojson import COORD_DECIMALS, collection_text, features, geojson_text
from .report import (
    city_points,
    counted_rows,
    headline_notes,
    legend_modes,
    map_credits,
    outlook_parts,
    project_sources,
    title_box_html,
)
from .request import FILE_KINDS, OUTLOOK_YEARS, Request, check
from .tables import FORMULA_START, columns, neutralise

__all__ = ["COORD_DECIMALS", "FILE_KINDS", "FORMULA_START", "OUTLOOK_YEARS", "Request", "build", "check", "city_points",
           "collection_text", "columns", "counted_rows", "features", "geojson_text", "headline_notes", "legend_modes",
           "map_credits", "neutralise", "outlook_parts", "project_sources", "title_box_html", "write", "zip_bundle"]
