"""Static figures for snapshots, drawn with matplotlib: the corridor map (PNG) and the report (PDF).

Chinese text is set in Noto Sans CJK SC from the installed mplfonts package; the output is byte-for-byte
reproducible (no timestamps, fixed sizes). Text is wrapped by measuring it in the font it is set in, so it
stays inside the margins in Chinese (a break may fall between any two characters) and in English (between
words; wrapping.py). Every colour, dash and weight comes from style.py, so the figures, their legends and the HTML map
agree.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from pyproj import Transformer  # noqa: E402
from shapely.plotting import patch_from_polygon  # noqa: E402

from . import i18n  # noqa: E402
from .boundaries import HUNAN, PROVINCES  # noqa: E402
from .geometry import METRIC_CRS  # noqa: E402
from .style import BORDERS, FIGURE, FILL, MODE_COLOURS, NUMBER_STYLE, OUTLOOK, STATUS_STYLES  # noqa: E402
from .style import line_style as map_line_style  # noqa: E402
from .wrapping import font_family, measurer, plain, wrap  # noqa: E402

# Leaflet styles are in CSS pixels; on paper one pixel of line weight or dash is drawn as this many points.
PT_PER_PX = 0.52
# The legend's order of statuses; only those drawn are listed.
STATUS_ORDER = ("completed", "under_construction", "planned", "suspended", "cancelled", "plan_stated", "not_found",
                None)
A4_LANDSCAPE = (11.69, 8.27)
LABEL_GAP = 0.6  # degrees: crossings into one province closer than this share a label
MARGIN = 0.45  # inches, every side of a report page
_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def _rc() -> dict:
    # Type 3: the CJK font is CFF-flavoured OpenType, which PDF readers reject when embedded as TrueType.
    # Dashes are given in points (from Leaflet pixels), not in multiples of the line width.
    return {"font.family": font_family(), "pdf.fonttype": 3, "svg.hashsalt": "corridors",
            "axes.unicode_minus": False, "lines.scale_dashes": False}


# --- the map ---------------------------------------------------------------------------------------------

def line_style(status: str | None, counted: bool = True, candidate: bool = False) -> dict:
    """matplotlib keywords for a line in a status, from style.line_style (the HTML map's styles)."""
    s = map_line_style(status, counted, candidate)
    weight, opacity = s["weight"], s["opacity"]
    dash = s["dash_array"]
    style = "-" if not dash else (0, tuple(float(v) * PT_PER_PX for v in dash.split()))
    return {"linestyle": style, "linewidth": weight * PT_PER_PX, "alpha": opacity}


def nice_length(km: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above km."""
    power = 10 ** math.floor(math.log10(km))
    return max(m * power for m in (1, 2, 5) if m * power <= km)


def scale_bar(xlim: tuple[float, float], lat: float, share: float = 0.22) -> tuple[float, float]:
    """(length in km, fraction of the map's width) of a round-numbered scale bar about `share` of the width,
    measured along the parallel at lat in the metric CRS the lengths use."""
    (x0, x1), (y0, y1) = _TO_METRIC.transform([xlim[0], xlim[1]], [lat, lat])
    width_km = math.hypot(x1 - x0, y1 - y0) / 1000.0
    km = nice_length(width_km * share)
    return km, km / width_km


@dataclass(frozen=True)
class MapNotes:
    """What the map says about itself: the as-of label, the sources line set under it (with the statement that
    it is a schematic map), and the cities it names: (lon, lat, Chinese name, English name)."""

    date: str
    source: str
    cities: tuple[tuple[float, float, str, str], ...] = ()
    numbers: tuple[tuple[float, float, int], ...] = ()  # the counted crossings: (lon, lat, number), as on the HTML map


def draw_map(ax, display: gpd.GeoDataFrame, table: pd.DataFrame, sections: gpd.GeoDataFrame,
             section_status: dict, lang: str, modes: tuple[str, ...] | None = None,
             notes: MapNotes | None = None, legend_columns: int = 3) -> None:
    """The corridor map on a matplotlib axes: provinces shaded by membership, lines by mode and status, a
    legend of the modes listed (default: those drawn) and the statuses drawn, a scale bar, a north arrow, the
    date. The legend sits under the map, in legend_columns columns, so it hides no line."""
    provinces = display[display.level == "province"]
    prefs = display[display.level == "prefecture"]
    # One collection of shapely's patches per level, not GeoSeries.plot (which redraws the whole figure after
    # each call) nor add_patch (which walks every vertex for the data limits; the limits are set below)
    ax.add_collection(PatchCollection(
        [patch_from_polygon(g) for g in provinces.geometry], edgecolor=BORDERS["province"]["color"],
        linewidth=BORDERS["province"]["figure_width"],
        facecolor=[FILL["member"] if m else FILL["other"] for m in provinces.pan_prd]), autolim=False)
    ax.add_collection(PatchCollection([patch_from_polygon(g) for g in prefs.geometry], facecolor=FILL["hunan"],
                                      edgecolor=BORDERS["prefecture"]["color"],
                                      linewidth=BORDERS["prefecture"]["figure_width"]), autolim=False)
    drawn = table[(table.same_as == "") & table.route_known]
    statuses: set = set()
    quiet_drawn = False
    by_project: dict[str, list] = {}
    for sec in sections[sections.geometry.notna()].itertuples():
        by_project.setdefault(sec.project_id, []).append(sec)
    for row in drawn.itertuples():
        for sec in by_project.get(row.id, []):
            status = section_status.get((row.id, sec.section), row.status)
            status = status if status in STATUS_STYLES else None
            statuses.add(status)
            quiet_drawn |= not row.counted
            xs, ys = sec.geometry.xy
            ax.add_line(Line2D(xs, ys, color=MODE_COLOURS[row.mode], solid_capstyle="round",
                               **line_style(status, bool(row.counted), row.identification == "candidate")))
    labelled: list[tuple[str, float, float]] = []
    for row in drawn[drawn.in_plan].itertuples():
        for c in row.crossings:
            ax.plot(c["lon"], c["lat"], marker="o", markersize=4.5, markerfacecolor=FIGURE["paper"],
                    markeredgecolor=FIGURE["ink"], markeredgewidth=1.2)
            # one label for a cluster of crossings into the same province, so labels do not overprint
            if any(code == c["province"] and math.hypot(x - c["lon"], y - c["lat"]) < LABEL_GAP
                   for code, x, y in labelled):
                continue
            labelled.append((c["province"], c["lon"], c["lat"]))
            p = PROVINCES[c["province"]]
            ax.annotate(p.abbr if lang == "zh" else p.name_en, (c["lon"], c["lat"]), xytext=(4, 0),
                        textcoords="offset points", fontsize=6.5, va="center")
    hunan = prefs.total_bounds
    pad = 2.2
    ax.set_xlim(hunan[0] - pad, hunan[2] + pad)
    ax.set_ylim(hunan[1] - pad * 0.8, hunan[3] + pad * 0.6)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for lon, lat, n in (notes.numbers if notes is not None else ()):
        ax.annotate(str(n), (lon, lat), fontsize=5.5, color=NUMBER_STYLE["color"], weight="bold", ha="center",
                    va="center", zorder=7, gid="crossing_number",
                    bbox={"boxstyle": "circle,pad=0.18", "facecolor": NUMBER_STYLE["background"], "edgecolor": NUMBER_STYLE["ring"],
                          "linewidth": 0.6})
    for lon, lat, zh, en in (notes.cities if notes is not None else ()):
        if x0 + 0.3 < lon < x1 - 0.6 and y0 + 0.3 < lat < y1 - 0.3:
            ax.plot(lon, lat, marker="s", markersize=3, color=FIGURE["city"], zorder=5)
            ax.annotate(plain(zh if lang == "zh" else en), (lon, lat), xytext=(3, -1), textcoords="offset points",
                        fontsize=6.5, color=FIGURE["city"], va="top", zorder=5, gid="city_label",
                        path_effects=[patheffects.withStroke(linewidth=1.6, foreground=FIGURE["paper"])])
    # a province is named at a point of its part inside the view, kept clear of the frame
    inner = shapely.box(x0 + 0.8, y0 + 0.8, x1 - 0.8, y1 - 0.5)
    for r in provinces.itertuples():
        seen = r.geometry.intersection(inner)
        if r.adcode == HUNAN or seen.is_empty or seen.area < 0.3:
            continue
        part = max(getattr(seen, "geoms", [seen]), key=lambda g: g.area)
        pt = part.representative_point()
        ax.text(pt.x, pt.y, r.name_zh if lang == "zh" else r.name_en, fontsize=7.5, color=FIGURE["province_label"],
                ha="center", va="center")
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    shown = [m for m in MODE_COLOURS if m in (set(drawn["mode"]) if modes is None else set(modes))]
    ax.set_anchor("NW")
    counted = [m for m in MODE_COLOURS if (drawn.counted & (drawn["mode"] == m)).any()]
    _legend(ax, shown, [s for s in STATUS_ORDER if s in statuses], quiet_drawn, lang, legend_columns,
            sample=(counted or shown or ["highway"])[0])
    _scale_bar(ax)
    _north_arrow(ax, lang)
    if notes is not None:
        ax.text(0.985, 0.985, notes.date, transform=ax.transAxes, ha="right", va="top", fontsize=9,
                weight="bold", gid="map_date",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": FIGURE["paper"], "edgecolor": FIGURE["date_edge"],
                      "alpha": 0.9})


def _legend(ax, modes: list[str], statuses: list, quiet: bool, lang: str, columns: int,
            sample: str = "highway") -> None:
    """The map's legend; status samples in the colour of the mode the headline counts (`sample`)."""
    solid = line_style("completed")
    handles = [Line2D([], [], color=MODE_COLOURS[m], **solid, label=i18n.mode(m, lang)) for m in modes]
    sample = MODE_COLOURS[sample]
    handles += [Line2D([], [], color=sample, **line_style(s), label=i18n.status(s, lang)) for s in statuses]
    if quiet:
        handles.append(Line2D([], [], color=sample, **line_style("completed", counted=False),
                              label=i18n.t("legend_quiet", lang)))
    handles += [Patch(facecolor=FILL["hunan"], edgecolor=BORDERS["prefecture"]["color"], label=i18n.t("legend_hunan", lang)),
                Patch(facecolor=FILL["member"], edgecolor=BORDERS["province"]["color"], label=i18n.t("legend_member", lang)),
                Patch(facecolor=FILL["other"], edgecolor=BORDERS["province"]["color"], label=i18n.t("legend_other", lang)),
                Line2D([], [], marker="o", color="none", markerfacecolor=FIGURE["paper"], markeredgecolor=FIGURE["ink"],
                       label=i18n.t("legend_crossing", lang))]
    # Long handles, so that each dash pattern repeats at least twice and reads as what is drawn.
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.008), ncol=columns, fontsize=6.5,
              frameon=False, handlelength=4.2, borderaxespad=0, columnspacing=1.2)


def _scale_bar(ax) -> None:
    """Two-segment scale bar at the lower left; its length comes from the axes' extent in the metric CRS."""
    x, y, h = 0.04, 0.035, 0.009
    (y0, y1) = ax.get_ylim()
    lat = y0 + (y1 - y0) * y
    km, frac = scale_bar(ax.get_xlim(), lat)
    ax.add_patch(Rectangle((x - 0.015, y - 0.015), frac + 0.075, h + 0.048, transform=ax.transAxes,
                           facecolor=FIGURE["paper"], edgecolor="none", alpha=0.85, zorder=5))
    for i, colour in enumerate((FIGURE["ink"], FIGURE["paper"])):
        ax.add_patch(Rectangle((x + i * frac / 2, y), frac / 2, h, transform=ax.transAxes, facecolor=colour,
                               edgecolor=FIGURE["ink"], linewidth=0.6, zorder=6, gid="scale_bar"))
    for pos, label in ((0, "0"), (0.5, f"{km / 2:g}")):
        ax.text(x + pos * frac, y + h + 0.006, label, transform=ax.transAxes, ha="center", va="bottom",
                fontsize=6.5, zorder=6)
    ax.text(x + frac, y + h + 0.006, f"{km:g} km", transform=ax.transAxes, ha="left", va="bottom",
            fontsize=6.5, zorder=6, gid="scale_bar_label")


def _north_arrow(ax, lang: str) -> None:
    ax.annotate("", xy=(0.045, 0.975), xytext=(0.045, 0.905), xycoords="axes fraction",
                arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.7", "color": FIGURE["ink"], "lw": 1.4})
    ax.text(0.045, 0.895, i18n.t("map_north", lang), transform=ax.transAxes, ha="center", va="top",
            fontsize=9, weight="bold", gid="north_arrow")


def _source_line(fig: Figure, ax, text: str, size: float = 6) -> None:
    """The sources under the map and its legend, wrapped to the map's drawn width."""
    ax.apply_aspect()
    box = ax.get_position()
    legend = ax.get_legend().get_window_extent(fig.canvas.get_renderer()).transformed(fig.transFigure.inverted())
    width = box.width * fig.get_figwidth() * 72
    lines = wrap(text, width, measurer(size))
    fig.text(box.x0, min(box.y0, legend.y0) - 0.008, "\n".join(plain(s) for s in lines), fontsize=size,
             color=FIGURE["source"], va="top", linespacing=1.3)


def map_figure(display, table, sections, section_status, lang: str, title: str,
               modes: tuple[str, ...] | None = None, notes: MapNotes | None = None) -> Figure:
    """The PNG map as a figure (call inside plt.rc_context(_rc()))."""
    fig = plt.figure(figsize=(8, 9.2), dpi=150)
    ax = fig.add_axes((0.03, 0.15, 0.94, 0.8))
    draw_map(ax, display, table, sections, section_status, lang, modes, notes, legend_columns=4)
    ax.apply_aspect()
    box = ax.get_position()
    fig.text(0.5, box.y1 + 0.012, plain(title), fontsize=12, ha="center", va="bottom", weight="bold")
    if notes is not None:
        _source_line(fig, ax, notes.source, 6.5)
    return fig


def map_png(display, table, sections, section_status, lang: str, title: str,
            modes: tuple[str, ...] | None = None, notes: MapNotes | None = None) -> bytes:
    """The map as a PNG, with its title, legend, scale bar, north arrow, date and sources."""
    with plt.rc_context(_rc()):
        fig = map_figure(display, table, sections, section_status, lang, title, modes, notes)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        plt.close(fig)
    return buf.getvalue()


# --- the report ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """A table column: header, width in points, alignment."""

    head: str
    width: float
    align: str = "left"


class Page:
    """One report page with a cursor that moves down in points from the top margin."""

    def __init__(self, size: tuple[float, float] = A4_LANDSCAPE) -> None:
        self.fig = plt.figure(figsize=size)
        self.w, self.h = size[0] * 72, size[1] * 72
        self.left, self.right = MARGIN * 72, self.w - MARGIN * 72
        self.top, self.bottom = self.h - MARGIN * 72, MARGIN * 72 + 14  # room for the footer

    def text(self, x: float, y: float, s: str, size: float, **kw) -> None:
        """Text whose top-left corner is at (x, y) points from the page's bottom-left."""
        self.fig.text(x / self.w, y / self.h, plain(s), fontsize=size, va=kw.pop("va", "top"), **kw)

    def para(self, x: float, y: float, s: str, size: float, width: float, spacing: float = 1.35, **kw) -> float:
        """A wrapped paragraph from (x, y); returns the y below it."""
        lines = wrap(s, width, measurer(size, kw.get("weight", "normal")))
        for i, line in enumerate(lines):
            self.text(x, y - i * size * spacing, line, size, **kw)
        return y - len(lines) * size * spacing


def _cell_lines(page: Page, cols: list[Column], cells: list[str], size: float, weight: str = "normal") -> list:
    measure = measurer(size, weight)
    return [wrap(str(c), col.width - 6, measure) for col, c in zip(cols, cells)]


def _row(page: Page, x: float, y: float, cols: list[Column], lines: list[list[str]], size: float,
         weight: str = "normal", shade: str | None = None) -> float:
    """One table row at y (top) with each cell's wrapped lines; returns the y below it."""
    lead = size * 1.3
    height = max(len(c) for c in lines) * lead + 4
    if shade:
        page.fig.add_artist(Rectangle((x / page.w, (y - height) / page.h), sum(c.width for c in cols) / page.w,
                                      height / page.h, transform=page.fig.transFigure, facecolor=shade,
                                      edgecolor="none", zorder=0))
    cx = x
    for col, cell in zip(cols, lines):
        for i, line in enumerate(cell):
            if col.align == "right":
                page.text(cx + col.width - 3, y - 2 - i * lead, line, size, ha="right", weight=weight)
            elif col.align == "center":
                page.text(cx + col.width / 2, y - 2 - i * lead, line, size, ha="center", weight=weight)
            else:
                page.text(cx + 3, y - 2 - i * lead, line, size, weight=weight)
        cx += col.width
    return y - height


def _rule(page: Page, x: float, y: float, width: float, lw: float = 0.6) -> None:
    page.fig.add_artist(Line2D([x / page.w, (x + width) / page.w], [y / page.h, y / page.h],
                               transform=page.fig.transFigure, color=FIGURE["rule"], linewidth=lw))


def table_block(page: Page, x: float, y: float, cols: list[Column], rows: list[list[str]], size: float,
                bottom: float | None = None) -> tuple[float, int]:
    """Header and as many rows as fit above `bottom`; returns (y below the table, rows drawn)."""
    bottom = page.bottom if bottom is None else bottom
    width = sum(c.width for c in cols)
    head = _cell_lines(page, cols, [c.head for c in cols], size, "bold")
    y = _row(page, x, y, cols, head, size, "bold")
    _rule(page, x, y, width)
    done = 0
    for i, cells in enumerate(rows):
        lines = _cell_lines(page, cols, cells, size)
        need = max(len(c) for c in lines) * size * 1.3 + 4
        if y - need < bottom:
            break
        y = _row(page, x, y, cols, lines, size, shade=FIGURE["row_shade"] if i % 2 else None)
        done += 1
    _rule(page, x, y, width, 0.4)
    return y, done


@dataclass(frozen=True)
class Report:
    """Everything the report shows, as text ready to print (the snapshot package prepares it)."""

    title: str
    subtitle: str
    counts: dict
    definition: str
    compare_label: str
    changes: list[str]  # one line per status change
    counted_title: str
    counted_note: str
    counted_head: list[str]
    counted_rows: list[list[str]]  # the last row is the total
    footer: str
    notes: MapNotes | None = None
    modes: tuple[str, ...] | None = None
    headline: tuple[str, ...] = ()  # under the count: the bar's words, when the target was reached, unconfirmed ones


COUNTED_WIDTHS = (22, 196, 232, 58, 84, 86, 54, 30)  # points, A4 landscape within the margins
COUNTED_ALIGN = ("right", "left", "left", "left", "left", "left", "left", "right")


def report_pdf(display, table, sections, section_status, lang: str, report: Report) -> bytes:
    """The report: page 1 has the map, the count against the target, the definition, breakdowns and the
    changes since a date; the following pages list every counted corridor (and the changes that did not fit)."""
    with plt.rc_context(_rc()):
        pages = [Page()]
        first = pages[0]
        changes_left, more_y = _first_page(first, display, table, sections, section_status, lang, report)
        cols = [Column(h, w, a) for h, w, a in zip(report.counted_head, COUNTED_WIDTHS, COUNTED_ALIGN)]
        rows, started = list(report.counted_rows), False
        while rows or not started:
            page = Page()
            pages.append(page)
            y = page.para(page.left, page.top, report.counted_title + (i18n.t("report_continued", lang)
                                                                        if started else ""),
                          12, page.right - page.left, weight="bold")
            if not started:
                y = page.para(page.left, y - 2, report.counted_note, 7.5, page.right - page.left, color=FIGURE["note"])
            started = True
            y, done = table_block(page, page.left, y - 6, cols, rows, 7.5)
            if rows and done == 0:
                raise ValueError("a counted-corridor row is taller than a page")
            rows = rows[done:]
        if changes_left:
            first_more = len(pages) + 1
            _more_changes(pages, changes_left, report, lang)
            first.text(first.left + (first.right - first.left) * 0.56 + 6, more_y,
                       i18n.t("report_changes_more", lang, n=len(changes_left), page=first_more), 7, color=FIGURE["note"])
        for i, page in enumerate(pages, 1):
            page.text(page.left, MARGIN * 72, report.footer, 6, color=FIGURE["footer"], va="baseline")
            page.text(page.right, MARGIN * 72, i18n.t("report_page", lang, i=i, n=len(pages)), 6, color=FIGURE["footer"],
                      va="baseline", ha="right")
        buf = io.BytesIO()
        with PdfPages(buf, metadata={"CreationDate": None, "ModDate": None, "Producer": None,
                                     "Creator": "corridors"}) as pdf:
            for page in pages:
                pdf.savefig(page.fig)
                plt.close(page.fig)
    return buf.getvalue()


def _first_page(page: Page, display, table, sections, section_status, lang: str,
                report: Report) -> tuple[list[str], float]:
    """Page 1; returns the changes that did not fit on it and where to say so."""
    t = i18n.t
    full = page.right - page.left
    y = page.para(page.left, page.top, report.title, 15, full, weight="bold")
    y = page.para(page.left, y - 2, report.subtitle, 8.5, full, color=FIGURE["note"])
    map_top = y - 6
    split = page.left + full * 0.56
    rect = (page.left / page.w, (page.bottom + 92) / page.h, (split - 12 - page.left) / page.w,
            (map_top - page.bottom - 92) / page.h)
    ax = page.fig.add_axes(rect)
    draw_map(ax, display, table, sections, section_status, lang, report.modes, report.notes)
    if report.notes is not None:
        _source_line(page.fig, ax, report.notes.source, 6)
    x, width, counts = split + 6, page.right - split - 6, report.counts
    done, target = counts["by_status"]["completed"], counts["target"]
    y = page.para(x, map_top, t("kpi_completed", lang, date=counts.get("as_of", "")), 10, width)
    page.text(x, y - 2, f"{done} / {target}", 26, weight="bold")
    y -= 40
    bar = page.fig.add_axes((x / page.w, (y - 8) / page.h, width / page.w, 7 / page.h))
    bar.add_patch(Rectangle((0, 0), 1, 1, color=FIGURE["bar_track"]))
    bar.add_patch(Rectangle((0, 0), min(done / target, 1) if target else 0, 1, color=FIGURE["bar_done"]))
    bar.set_axis_off()
    y -= 16
    for line in report.headline:
        y = page.para(x, y, line, 8, width, color=FIGURE["headline"])
    y -= 2 if report.headline else 0
    baseline = t("kpi_baseline", lang, date=counts.get("baseline_date", ""))
    y = page.para(x, y, f"{baseline} {counts.get('baseline', '—')}    "
                        f"{t('kpi_under_construction', lang)} {counts['by_status']['under_construction']}    "
                        f"{t('kpi_planned', lang)} {counts['by_status']['planned']}", 9.5, width)
    y = page.para(x, y - 4, report.definition, 6.8, width, color=FIGURE["note"])
    statuses = ("completed", "under_construction", "planned")
    head = [""] + [i18n.status(s, lang) for s in statuses]
    cols = [Column(h, w, "left" if i == 0 else "right")
            for i, (h, w) in enumerate(zip(head, (width - 3 * 66, 66, 66, 66)))]
    y = page.para(x, y - 8, t("by_mode", lang), 9, width, weight="bold")
    rows = [[i18n.mode(m, lang)] + [str(by[s]) for s in statuses] for m, by in counts["by_mode"].items()]
    y, _ = table_block(page, x, y - 2, cols, rows, 7.5)
    y = page.para(x, y - 8, t("by_neighbour", lang), 9, width, weight="bold")
    rows = [[n if lang == "zh" else _en(n)] + [str(by[s]) for s in statuses]
            for n, by in counts["by_neighbour"].items()] or [["—", "", "", ""]]
    y, _ = table_block(page, x, y - 2, cols, rows, 7.5)
    y = page.para(x, y - 8, report.compare_label, 9, width, weight="bold")
    size, lead = 7, 7 * 1.3
    measure = measurer(size)
    if not report.changes:
        page.para(x, y - 2, t("no_changes", lang), size, width)
        return [], y
    y -= 2
    for n, change in enumerate(report.changes):
        lines = wrap(change, width - 8, measure)
        # keep a line free for the "… more" note unless this is the last change
        room = (len(lines) + (0 if n == len(report.changes) - 1 else 1)) * lead
        if y - room < page.bottom:
            return report.changes[n:], y
        page.text(x, y, "•", size)
        for i, line in enumerate(lines):
            page.text(x + 8, y - i * lead, line, size)
        y -= len(lines) * lead
    return [], y


def _more_changes(pages: list[Page], changes: list[str], report: Report, lang: str) -> None:
    """The changes that did not fit on page 1, on further pages."""
    size, lead = 7.5, 7.5 * 1.3
    while changes:
        page = Page()
        pages.append(page)
        width = page.right - page.left
        y = page.para(page.left, page.top, report.compare_label + i18n.t("report_continued", lang), 12, width,
                      weight="bold") - 6
        measure = measurer(size)
        while changes:
            lines = wrap(changes[0], width - 10, measure)
            if y - len(lines) * lead < page.bottom:
                break
            page.text(page.left, y, "•", size)
            for i, line in enumerate(lines):
                page.text(page.left + 10, y - i * lead, line, size)
            y -= len(lines) * lead
            changes = changes[1:]


def _en(name_zh: str) -> str:
    return next((p.name_en for p in PROVINCES.values() if p.name_zh == name_zh), name_zh)


# --- the outlook's fan chart --------------------------------------------------------------------------------

def outlook_png(history: pd.DataFrame, fan: pd.DataFrame, lang: str, title: str, target: tuple[int, str] | None = None,
                note: str = "") -> bytes:
    """The count over time (history: date, completed; a step line) and, after the as-of date, the outlook's median
    and 80 % interval (fan: date, low, median, high); target: (figure, label) drawn as a line."""
    from matplotlib import dates as mdates

    zh = lang == "zh"
    with plt.rc_context(_rc()):
        fig = plt.figure(figsize=(8, 4.6), dpi=150)
        ax = fig.add_axes((0.08, 0.16, 0.9, 0.72))
        ax.step(pd.to_datetime(history.date), history.completed, where="post", color=OUTLOOK["history"], lw=1.6,
                label="已开通" if zh else "open")
        x = pd.to_datetime(fan.date)
        ax.fill_between(x, fan.low, fan.high, color=OUTLOOK["fan"], alpha=OUTLOOK["fan_alpha"], step="post", lw=0,
                        label="80% 区间" if zh else "80% interval")
        ax.step(x, fan["median"], where="post", color=OUTLOOK["fan"], lw=1.6, ls=(0, (4, 2)),
                label="中位数（展望）" if zh else "median (outlook)")
        if target is not None:
            ax.axhline(target[0], color=OUTLOOK["target"], lw=0.9, ls=(0, (1, 2)))
            ax.text(pd.to_datetime(history.date).iloc[0], target[0], plain(target[1]), color=OUTLOOK["target"], fontsize=7,
                    va="bottom", ha="left")
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_locator(mdates.YearLocator(base=2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_ylabel("通道数" if zh else "corridors", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", color=OUTLOOK["grid"], lw=0.5)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(fontsize=7, frameon=False, loc="lower right")
        fig.text(0.08, 0.93, plain(title), fontsize=11, weight="bold", va="bottom")
        if note:
            lines = wrap(note, 0.9 * 8 * 72, measurer(6))
            fig.text(0.08, 0.07, "\n".join(plain(s) for s in lines), fontsize=6, color=OUTLOOK["note"], va="top")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        plt.close(fig)
    return buf.getvalue()
