"""The map's element plumbing: how an element's JavaScript is loaded from js/*.js, the folium.Map classes (Leaflet
served or inlined), elements rendered as text (not compiled as templates), and the packed layer (one JSON
document drawn by one script).

Each element's browser code is a file under js/ (CSS under css/), read from the installed package. A js/ file is
JavaScript whose only template slots ({{ … }}) are JSON values and the name of the Leaflet object it draws on, so
an element class passes data and options and holds no JavaScript; a file may include another (`{% include %}`) to
share a helper.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import folium
from branca.element import Element, MacroElement
from jinja2 import Environment, FunctionLoader, Template

LEAFLET_JS = folium.Map.default_js[0][1]
LEAFLET_CSS = folium.Map.default_css[0][1]


@cache
def asset(name: str) -> str:
    """A file of the map's browser code (js/…, css/…), as shipped in the package."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


_SCRIPTS = Environment(loader=FunctionLoader(lambda name: asset(f"js/{name}")))


def script(name: str) -> Template:
    """An element's template: js/<name> as its script macro (see the module's docstring)."""
    return _SCRIPTS.from_string("{% macro script(this, kwargs) %}\n" + asset(f"js/{name}") + "{% endmacro %}")


def leaflet_assets() -> dict[str, str]:
    """Leaflet 1.9.3's JS and CSS (images inlined), taken from the installed folium-offline package."""
    from offlinefolium.elements import _res

    return {"leaflet.js": _res[LEAFLET_JS], "leaflet.css": _res[LEAFLET_CSS]}


class _Text(Element):
    """Text already rendered, put into the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class Prerendered(MacroElement):
    """A MacroElement whose rendered macros go into the page as text. branca's MacroElement.render wraps each
    macro's output in Element(text), which compiles that output as a Jinja template; for the map's inline data
    (boundaries, rivers, lines: hundreds of KB) the compiling was about half of a first view's server time."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Text(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


def map_class(js_url: str, css_url: str) -> type[folium.Map]:
    """A folium.Map that loads only Leaflet, from the given URLs (st_folium still sees a folium.Map)."""
    return type("CorridorMap", (folium.Map, Prerendered), {"default_js": [("leaflet", js_url)],
                                                            "default_css": [("leaflet_css", css_url)]})


class Group(folium.FeatureGroup, Prerendered):
    """A folium.FeatureGroup rendered without compiling its output (see Prerendered)."""


class InlineLeafletMap(folium.Map, Prerendered):
    """A folium.Map whose page carries Leaflet inline: a standalone HTML file that needs no network."""

    default_js: list = []
    default_css: list = []

    def render(self, **kwargs) -> None:
        assets = leaflet_assets()
        figure = self.get_root()
        figure.header.add_child(_Text(f"<style>{assets['leaflet.css']}</style>"), name="leaflet_css")
        figure.header.add_child(_Text(f"<script>{assets['leaflet.js']}</script>"), name="leaflet")
        super().render(**kwargs)


class PackedLayer(Prerendered):
    """A layer drawn by one script from one compact JSON document (`data`), so that what repeats (a project's
    name, a style, a label's text) travels once."""

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.data = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
