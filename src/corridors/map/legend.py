"""The legend: a sample of each mode and status drawn, each in a style the map draws (style.line_look), what is
counted and what is context, the numbered discs, the fills, the rivers, the crossings and the 断头路 markers; as
HTML for the map's collapsible Leaflet control (js/legend.js).
"""

from __future__ import annotations

import html

from .. import i18n
from ..style import BORDERS, CROSSING_STYLE, FILL, MODE_COLOURS, NUMBER_STYLE, STUB_STYLE, WATER, line_style
from .elements import Prerendered, script


class Legend(Prerendered):
    """The legend as a collapsible Leaflet control (HTML already escaped). Put in a feature group, it comes and
    goes with that group, so a legend that follows the filters travels with the dynamic layers and never
    forces the base map to be rebuilt."""

    _template = script("legend.js")

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text


def _swatch_line(colour: str, style: dict) -> str:
    """A legend sample drawn with a line's own style (colour, weight, dash pattern, opacity)."""
    dash = f' stroke-dasharray="{style["dash_array"]}"' if style.get("dash_array") else ""
    return (f'<svg width="34" height="10"><line x1="1" y1="5" x2="33" y2="5" stroke="{colour}" '
            f'stroke-width="{style["weight"]}" stroke-opacity="{style.get("opacity", 1)}"{dash}/></svg>')


def number_html(n: int | str) -> str:
    """A counted crossing's number: a dark disc with a white figure (the map's markers and the legend's sample)."""
    s = NUMBER_STYLE
    return (f'<span class="corridors-num-disc" style="display:inline-block;min-width:{s["size"]}px;'
            f'height:{s["size"]}px;line-height:{s["size"]}px;border-radius:{s["size"] // 2}px;'
            f'background:{s["background"]};color:{s["color"]};font:bold 11px sans-serif;text-align:center;'
            f'padding:0 2px;box-sizing:border-box;box-shadow:0 0 0 1.5px {s["ring"]}">{n}</span>')


# A 断头路: a red square with a white 断 at the crossing, told apart from the plan's white crossing circles and
# the counted crossings' dark numbered discs.
STUB_HTML = (f'<span style="display:inline-block;width:{STUB_STYLE["size"]}px;height:{STUB_STYLE["size"]}px;'
             f'line-height:{STUB_STYLE["size"]}px;text-align:center;background:{STUB_STYLE["background"]};'
             f'color:{STUB_STYLE["color"]};border:1px solid {STUB_STYLE["color"]};border-radius:2px;'
             'font:bold 11px sans-serif">断</span>')


LEGEND_STATUSES = ("completed", "under_construction", "planned", "suspended", "plan_stated", "not_found")


def _sample(drawn: set[tuple], mode: str | None = None, status: str | None | bool = False,
            counted: bool | None = None) -> tuple | None:
    """The drawn style (mode, status, counted, candidate) a legend row shows: of those matching, the most
    prominent (counted, completed, confirmed, in the modes' order, then in the legend's order of statuses, so
    that the answer never depends on the set's iteration order, which changes with Python's hash seed)."""
    order = list(MODE_COLOURS)
    keys = [k for k in drawn if (mode is None or k[0] == mode) and (status is False or k[1] == status)
            and (counted is None or k[2] == counted)]

    def rank(k: tuple) -> tuple:
        s = LEGEND_STATUSES.index(k[1]) if k[1] in LEGEND_STATUSES else len(LEGEND_STATUSES)
        return (not k[2], k[1] != "completed", k[3], order.index(k[0]), s, str(k[1]))

    return min(keys, key=rank, default=None)


def _swatch(key: tuple) -> str:
    return _swatch_line(MODE_COLOURS[key[0]], line_style(key[1], key[2], key[3]))


def legend_html(lang: str, modes: list[str], statuses: list[str] | None = None, collapsible: bool = False,
                drawn: set[tuple] | None = None, stubs: bool = False) -> str:
    """Legend: a colour per mode shown and a dash pattern per status shown, each sample one of the styles the map
    draws (`drawn`: (mode, status, counted, candidate) keys; by default each mode counted and completed, each
    status counted in the first mode); what is counted at full strength and the rest as context; the counted
    crossings' numbers; province shading; rivers; the plan's crossing marker. Collapsible: a <details> element
    the viewer can fold away (open at first)."""
    e = html.escape
    first = modes[0] if modes else "highway"
    if drawn is None:
        drawn = {(m, "completed", True, False) for m in modes} | {
            (first, s, True, False) for s in LEGEND_STATUSES if not statuses or s in statuses} | {
            (first, "completed", False, False)}
    rows = [] if collapsible else [f"<b>{e(i18n.t('legend', lang))}</b>"]
    for m in modes:
        key = _sample(drawn, mode=m)
        if key:
            rows.append(_swatch(key) + " " + e(i18n.mode(m, lang)))
    for s in [x for x in LEGEND_STATUSES if not statuses or x in statuses]:
        key = _sample(drawn, status=s)
        if key:
            rows.append(_swatch(key) + " " + e(i18n.status(s, lang)))
    key = _sample(drawn, counted=False)
    if key:
        rows.append(_swatch(key) + " " + e(i18n.t("legend_quiet", lang)))
    rows.append(f'<span style="display:inline-block;width:34px;text-align:center">{number_html(1)}</span> '
                f'{e(i18n.t("legend_number", lang))}')
    for key, fill in (("legend_hunan", FILL["hunan"]), ("legend_member", FILL["member"]),
                      ("legend_other", FILL["other"])):
        rows.append(f'<span style="display:inline-block;width:30px;height:10px;background:{fill};'
                    f'border:1px solid {BORDERS["province"]["color"]}"></span> {e(i18n.t(key, lang))}')
    rows.append(_swatch_line(WATER["line"], {"weight": WATER["weight"], "opacity": WATER["opacity"]})
                + f" {e(i18n.t('legend_water', lang))}")
    c = CROSSING_STYLE
    rows.append(f'<svg width="34" height="12"><circle cx="17" cy="6" r="{c["radius"]}" fill="{c["fillColor"]}" '
                f'stroke="{c["color"]}" stroke-width="{c["weight"]}"/></svg> {e(i18n.t("legend_crossing", lang))}')
    if stubs:
        rows.append(f'<span style="display:inline-block;width:34px;text-align:center">{STUB_HTML}</span> '
                    f'{e(i18n.t("legend_stub", lang))}')
    if not collapsible:
        return "<br>".join(rows)
    cells = "".join(f'<div style="white-space:nowrap">{r}</div>' for r in rows)
    return (f'<details open><summary style="cursor:pointer;font-weight:bold">{e(i18n.t("legend", lang))}</summary>'
            f'<div style="display:grid;grid-template-columns:auto auto;column-gap:10px">{cells}</div></details>')


def drawn_legend(lang: str, modes: set[str], statuses: set[str | None], drawn: set[tuple],
                 collapsible: bool = True, stubs: bool = False) -> Legend:
    """The legend of exactly the modes and statuses drawn, each sample a drawn style (and the 断头路 marker when
    some are drawn)."""
    shown = [x for x in LEGEND_STATUSES if x in statuses]
    return Legend(legend_html(lang, [m for m in MODE_COLOURS if m in modes], shown or ["completed"],
                              collapsible=collapsible, drawn=drawn, stubs=stubs))
