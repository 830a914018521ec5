"""The one style book: every colour, dash pattern, weight and opacity the map, the PDF/PNG figures and the charts
draw with, and the one rule for a line's look (`line_look`: mode × status × counted × unconfirmed; a section's
status, so each half of a line, is looked up before). Change a look here and the dashboard's map, the snapshot's
HTML map, its PNG/PDF figures and the legends follow.

Weights and dash lengths are Leaflet's CSS pixels; the figures scale them to points (figures.PT_PER_PX). Every
mode colour keeps at least 3:1 contrast (WCAG 2.x, non-text) against every fill, even drawn quiet and unconfirmed
(tests/test_mapview.py computes it with the opacities composited).
"""

from __future__ import annotations

# --- lines ------------------------------------------------------------------------------------------------------

MODE_COLOURS = {"rail": "#b2182b", "highway": "#1f5aa6", "waterway": "#00665c", "pipeline": "#762a83",
                "power": "#9c4a00"}
# Status must be readable without colour: weight and dash pattern differ.
STATUS_STYLES = {
    "completed": {"weight": 5, "dash_array": None, "opacity": 1.0},
    "under_construction": {"weight": 4, "dash_array": "12 7", "opacity": 1.0},
    "planned": {"weight": 3, "dash_array": "2 7", "opacity": 1.0},
    "suspended": {"weight": 3, "dash_array": "1 10", "opacity": 1.0},
    "cancelled": {"weight": 3, "dash_array": "1 10", "opacity": 1.0},
    "plan_stated": {"weight": 3, "dash_array": "6 4 1 4", "opacity": 1.0},
    # a section with no record while the rest of its line has one: thin, short-and-long dashes, never 在建's
    "not_found": {"weight": 3, "dash_array": "3 3 3 9", "opacity": 1.0},
    None: {"weight": 3, "dash_array": "1 10", "opacity": 1.0},
}
# What the headline counts is drawn at full strength; every other line is context: thinner and lighter (never
# under QUIET["min_weight"], which keeps it apart from the 1 px rivers). Unconfirmed identifications are a
# little fainter again (and marked in their tooltip).
QUIET = {"weight": -2, "min_weight": 2, "opacity": 0.8}
CANDIDATE = {"opacity": 0.9}


def line_style(status: str | None, counted: bool = True, candidate: bool = False) -> dict:
    """A line's weight, dash pattern and opacity: by status; at full strength when the headline counts it,
    quieter (context) when it does not; a little fainter when its identification is unconfirmed."""
    style = dict(STATUS_STYLES.get(status, STATUS_STYLES[None]))
    if not counted:
        style["weight"] = max(QUIET["min_weight"], style["weight"] + QUIET["weight"])
        style["opacity"] = style["opacity"] * QUIET["opacity"]
    if candidate:
        style["opacity"] = round(style["opacity"] * CANDIDATE["opacity"], 3)
    return style


def line_look(mode: str, status: str | None, counted: bool = True, candidate: bool = False) -> dict:
    """The one rule for a line's look: colour by mode, then line_style (status, counted, unconfirmed); as
    Leaflet's path options (color, weight, opacity, dashArray), which the figures turn into matplotlib's."""
    style = line_style(status, counted, candidate)
    return {"color": MODE_COLOURS[mode], "weight": style["weight"], "opacity": style["opacity"],
            "dashArray": style["dash_array"]}


# The picked project's highlight under its line, and the keyboard's focus (a ring around controls, a halo
# around a line).
HIGHLIGHT = {"color": "#ffd400", "extra_weight": 8, "opacity": 0.8}
FOCUS_COLOUR = "#ff8c00"
FOCUS_HALO_OPACITY = 0.55

# --- the base map -----------------------------------------------------------------------------------------------

FILL = {"hunan": "#fdf1c7", "member": "#e3f1df", "other": "#ececec"}
FILL_OPACITY = 0.8  # the offline base's fills (BoundaryLayer's default)
FILL_OPACITY_UNDER_TILES = 0.25  # with online tiles on, the fills turn light
MAP_BACKGROUND = "#dddddd"  # Leaflet 1.9's .leaflet-container background, under the fills
# Borders: Hunan's prefectures and the provinces around them (map weights in px; the figures' in points).
BORDERS = {"prefecture": {"color": "#9a8a5a", "weight": 0.8, "figure_width": 0.4},
           "province": {"color": "#8c8c8c", "weight": 1, "figure_width": 0.6}}
# Rivers: a thin solid line of their own (no corridor is drawn 1 px wide), dark enough for 3:1 on every fill.
WATER = {"line": "#2b7fb8", "fill": "#b9d8ee", "weight": 1, "opacity": 1.0, "fill_opacity": 0.9}

# --- markers ----------------------------------------------------------------------------------------------------

# The plan's border crossings: a white circle (Leaflet circleMarker options).
CROSSING_STYLE = {"radius": 5, "color": "#000", "weight": 2, "fill": True, "fillColor": "#fff", "fillOpacity": 1}
# The counted crossings' numbers: a dark disc with a white figure.
NUMBER_STYLE = {"background": "#222222", "color": "#ffffff", "ring": "#fff", "size": 18}
# A 断头路: a red square with a white 断, told apart from the crossings' circles and the numbered discs.
STUB_STYLE = {"background": "#d73027", "color": "#fff", "size": 16}

# --- the figures (PNG map, PDF report) --------------------------------------------------------------------------

FIGURE = {"ink": "black", "paper": "white", "city": "#222", "province_label": "#666", "note": "#444",
          "headline": "#333", "source": "#555", "footer": "#666", "rule": "#555", "row_shade": "#f3f3f3",
          "date_edge": "#999", "bar_track": "#eeeeee", "bar_done": "#1a9850"}
# The outlook's fan chart: the count so far, the outlook's median and 80 % interval, the target.
OUTLOOK = {"history": "#1f4e79", "fan": "#f28e2b", "fan_alpha": 0.25, "target": "#c00000", "grid": "#ddd",
           "note": "#555"}

# --- the dashboard's charts -------------------------------------------------------------------------------------

# Status colours of the charts (in this order: a chart assigns them in status order).
STATUS_COLOURS = {"completed": "#1a9850", "under_construction": "#fdae61", "planned": "#abd9e9",
                  "suspended": "#bdbdbd", "cancelled": "#636363", "no_evidence": "#e0e0e0"}
# The count over time: the baseline and the rest (stacked), the target, the plan's date and the as-of date.
CHART = {"series": ["#9ecae1", "#2171b5"], "target": "#d7301f", "plan": "#888", "as_of": "#555"}
# The headline's bar: green when the target is met, blue short of it.
PROGRESS = {"met": "#1a9850", "short": "#2166ac", "track": "#e6e6e6", "mark": "#333", "text": "#333"}
