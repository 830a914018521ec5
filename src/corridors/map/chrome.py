"""The map's controls and the elements that are one small script each: buttons, labels by zoom and their
decluttering, the click relay (MapChrome); the language the map speaks; the view a rebuilt map opens at; a title
box; Leaflet's credit as text. Their JavaScript is in js/, their look in css/ and style.py.
"""

from __future__ import annotations

import json

from .. import i18n
from ..style import FOCUS_COLOUR
from .basemap import CENTER, SEAT_ZOOMS, ZOOM
from .elements import Prerendered, asset, script

# Leaflet 1.9's attribution prefix carries a national flag; the credit stays, as text only.
LEAFLET_CREDIT = '<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>'
# Which label is kept where two overlap: border crossings first, then provinces, seats and water by rank.
LABEL_PRIORITY = ("cx", "prov", "prefecture_seat", "lake", "pref_other", "river", "county_seat")


class AttributionPrefix(Prerendered):
    """Replaces Leaflet's attribution prefix (a link with a flag icon) by a text credit."""

    _template = script("attribution.js")

    def __init__(self, prefix: str = LEAFLET_CREDIT) -> None:
        super().__init__()
        self._name = "AttributionPrefix"
        self.prefix = prefix


class MapChrome(Prerendered):
    """What makes the map usable, in one script (js/chrome.js): no focus box on a clicked line; place labels shown
    by zoom; labels decluttered (a label overlapping one of higher priority is hidden, redone on every move);
    fullscreen, reset-view and zoom-to-project buttons; on touch screens one finger scrolls the page and two
    fingers pan the map; a note on the map when online tiles or the fetched base fail to load; a line click
    reported to the page at once (js/st_folium.js). Its text is in both languages: `window.corridorsLanguage(lang)`
    (called by MapLanguage) names the buttons, the note and the labels. Its look: css/chrome.css, css/labels.css."""

    _template = script("chrome.js")

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapChrome"
        self.options = json.dumps({
            "center": list(CENTER), "zoom": ZOOM, "seatZooms": [[k, z] for k, z in SEAT_ZOOMS.items()],
            "priority": list(LABEL_PRIORITY), "css": asset("css/chrome.css") + asset("css/labels.css"),
            "focus": FOCUS_COLOUR,
            "text": {lang: {k: i18n.t(f"map_{k}", lang) for k in ("fullscreen", "reset", "zoomTo", "tilesFailed",
                                                                    "baseFailed")}
                     for lang in i18n.LANGS},
        }, ensure_ascii=False)


class MapLanguage(Prerendered):
    """Names the map's labels and buttons in one language. In the dashboard it travels with the dynamic
    layers, so a language switch relabels the map where it is (same view, no rebuild)."""

    _template = script("language.js")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "MapLanguage"
        self.lang = lang


class InitialView(Prerendered):
    """Opens a freshly built map at the viewer's centre and zoom. Put in a dynamic feature group, it runs once
    per map (a change of tiles rebuilds the base map; later updates of the lines leave the view alone), and
    it keeps the base map's own script, and so its identity, independent of where the viewer has panned."""

    _template = script("initial_view.js")

    def __init__(self, center: tuple[float, float], zoom: int) -> None:
        super().__init__()
        self._name = "InitialView"
        self.center = json.dumps(list(center))
        self.zoom = int(zoom)


class TitleBox(Prerendered):
    """A Leaflet control at the top left holding a title block's HTML (already escaped)."""

    _template = script("title_box.js")

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "TitleBox"
        self.html = html_text
