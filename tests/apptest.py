"""Helpers for tests through Streamlit's AppTest, which runs the page without a browser."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from corridors import map as mapview


def map_drawn(at: AppTest) -> AppTest:
    """Send what st_folium sends once Leaflet has drawn the map (its view), and rerun: the page then
    renders everything below the map, as it does in a browser."""
    send_map(at, {"center": {"lat": mapview.CENTER[0], "lng": mapview.CENTER[1]}, "zoom": mapview.ZOOM,
                  "last_object_clicked_tooltip": None})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def send_map(at: AppTest, value: dict) -> None:
    """Set the map's value as the browser does: st_folium's own widget (keyed by a hash of the map) and, through
    its on_change callback, which AppTest does not call, the page's key "map"."""
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    at.session_state[component.key] = value
    at.session_state["map"] = value
