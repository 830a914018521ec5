"""Static figures for snapshots, drawn with matplotlib: the corridor map (PNG) and the one-page report (PDF).

Chinese text is set in Noto Sans CJK SC from the installed mplfonts package; the output is byte-for-byte
reproducible (no timestamps, fixed sizes).
"""

from __future__ import annotations

import io
import math
import textwrap
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from . import i18n  # noqa: E402
from .boundaries import HUNAN, PROVINCES  # noqa: E402
from .mapview import FILL, MODE_COLOURS  # noqa: E402

LINESTYLES = {"completed": ("-", 2.6), "under_construction": ((0, (6, 3)), 2.2), "planned": ((0, (1, 2.5)), 1.8),
              "suspended": ((0, (1, 5)), 1.2), "cancelled": ((0, (1, 5)), 1.0), None: ((0, (1, 5)), 1.0)}


@lru_cache(maxsize=1)
def font_family() -> str:
    """Register Noto Sans CJK SC (shipped by the mplfonts package) and return its family name."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _rc() -> dict:
    # Type 3: the CJK font is CFF-flavoured OpenType, which PDF readers reject when embedded as TrueType.
    return {"font.family": font_family(), "pdf.fonttype": 3, "svg.hashsalt": "corridors",
            "axes.unicode_minus": False}


def draw_map(ax, display: gpd.GeoDataFrame, table: pd.DataFrame, sections: gpd.GeoDataFrame,
             section_status: dict, lang: str) -> None:
    """The corridor map on a matplotlib axes: provinces shaded by membership, lines by mode and status."""
    provinces = display[display.level == "province"]
    prefs = display[display.level == "prefecture"]
    for r in provinces.itertuples():
        gpd.GeoSeries([r.geometry]).plot(ax=ax, color=FILL["member"] if r.pan_prd else FILL["other"],
                                         edgecolor="#8c8c8c", linewidth=0.6)
    prefs.plot(ax=ax, color=FILL["hunan"], edgecolor="#9a8a5a", linewidth=0.4)
    drawn = table[(table.same_as == "") & table.route_known]
    for row in drawn.itertuples():
        for sec in sections[sections.project_id == row.id].itertuples():
            if sec.geometry is None:
                continue
            style, width = LINESTYLES.get(section_status.get((row.id, sec.section), row.status), LINESTYLES[None])
            xs, ys = sec.geometry.xy
            quiet = not row.in_plan  # corridors the plan does not name are drawn fainter, as on the dashboard
            ax.plot(xs, ys, color=MODE_COLOURS[row.mode], linestyle=style, linewidth=width * (0.7 if quiet else 1),
                    alpha=0.5 if quiet else 1.0, solid_capstyle="round")
    for row in drawn[drawn.in_plan].itertuples():
        for c in row.crossings:
            ax.plot(c["lon"], c["lat"], marker="o", markersize=4.5, markerfacecolor="white",
                    markeredgecolor="black", markeredgewidth=1.2)
            p = PROVINCES[c["province"]]
            ax.annotate(p.abbr if lang == "zh" else p.name_en, (c["lon"], c["lat"]), xytext=(4, 0),
                        textcoords="offset points", fontsize=6.5, va="center")
    hunan = display[display.level == "prefecture"].total_bounds
    pad = 2.2
    ax.set_xlim(hunan[0] - pad, hunan[2] + pad)
    ax.set_ylim(hunan[1] - pad * 0.8, hunan[3] + pad * 0.6)
    for r in provinces.itertuples():
        pt = r.geometry.representative_point()
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        if x0 < pt.x < x1 and y0 < pt.y < y1 and r.adcode != HUNAN:
            ax.text(pt.x, pt.y, r.name_zh if lang == "zh" else r.name_en, fontsize=7.5, color="#666",
                    ha="center", va="center")
    ax.set_aspect(1 / math.cos(math.radians(27.5)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    modes = [m for m in MODE_COLOURS if m in set(drawn["mode"])]
    handles = [Line2D([], [], color=MODE_COLOURS[m], linewidth=2.6, label=i18n.mode(m, lang)) for m in modes]
    handles += [Line2D([], [], color="#444", linestyle=LINESTYLES[s][0], linewidth=LINESTYLES[s][1],
                       label=i18n.status(s, lang)) for s in ("completed", "under_construction", "planned")]
    handles += [Patch(facecolor=FILL["hunan"], edgecolor="#9a8a5a", label=i18n.t("legend_hunan", lang)),
                Patch(facecolor=FILL["member"], edgecolor="#8c8c8c", label=i18n.t("legend_member", lang)),
                Patch(facecolor=FILL["other"], edgecolor="#8c8c8c", label=i18n.t("legend_other", lang)),
                Line2D([], [], marker="o", color="none", markerfacecolor="white", markeredgecolor="black",
                       label=i18n.t("legend_crossing", lang))]
    ax.legend(handles=handles, loc="lower right", fontsize=6.5, framealpha=0.9)


def map_png(display, table, sections, section_status, lang: str, title: str) -> bytes:
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(8, 8), dpi=150)
        draw_map(ax, display, table, sections, section_status, lang)
        ax.set_title(title, fontsize=11)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        plt.close(fig)
    return buf.getvalue()


def report_pdf(display, table, sections, section_status, lang: str, *, title: str, subtitle: str,
               counts: dict, definition: str, changes: pd.DataFrame, compare_label: str, footer: str) -> bytes:
    """One A4 landscape page: the map; the count against the target; breakdowns; changes since a date."""
    t = i18n.t
    with plt.rc_context(_rc()):
        fig = plt.figure(figsize=(11.69, 8.27))
        ax_map = fig.add_axes((0.02, 0.06, 0.52, 0.84))
        draw_map(ax_map, display, table, sections, section_status, lang)
        fig.text(0.02, 0.955, title, fontsize=15, weight="bold")
        fig.text(0.02, 0.925, subtitle, fontsize=8.5, color="#444")
        x = 0.57
        done, target = counts["by_status"]["completed"], counts["target"]
        fig.text(x, 0.86, t("kpi_completed", lang, date=counts.get("as_of", "")), fontsize=10)
        fig.text(x, 0.80, f"{done} / {target}", fontsize=26, weight="bold")
        bar = fig.add_axes((x, 0.775, 0.38, 0.015))
        bar.add_patch(Rectangle((0, 0), 1, 1, color="#eeeeee"))
        bar.add_patch(Rectangle((0, 0), min(done / target, 1) if target else 0, 1, color="#1a9850"))
        bar.set_axis_off()
        baseline = t("kpi_baseline", lang, date=counts.get("baseline_date", ""))
        fig.text(x, 0.74, f"{baseline} {counts.get('baseline', '—')}    "
                          f"{t('kpi_under_construction', lang)} {counts['by_status']['under_construction']}    "
                          f"{t('kpi_planned', lang)} {counts['by_status']['planned']}", fontsize=10)
        width = 52 if lang == "zh" else 100
        fig.text(x, 0.715, "\n".join(textwrap.wrap(definition, width)), fontsize=6.6, color="#444", va="top",
                 linespacing=1.35)
        statuses = ("completed", "under_construction", "planned")
        head = [""] + [i18n.status(s, lang) for s in statuses]
        rows = [[i18n.mode(m, lang)] + [str(by[s]) for s in statuses] for m, by in counts["by_mode"].items()]
        _table(fig, (x, 0.43, 0.38, 0.14), t("by_mode", lang), head, rows)
        nrows = [[n if lang == "zh" else _en(n)] + [str(by[s]) for s in statuses]
                 for n, by in counts["by_neighbour"].items()]
        _table(fig, (x, 0.235, 0.38, 0.15), t("by_neighbour", lang), head, nrows or [["—", "", "", ""]])
        fig.text(x, 0.205, compare_label, fontsize=9, weight="bold")
        lines = [f"{(r.name_zh if lang == 'zh' else r.name_en)[:34]}: {i18n.status(r.before, lang)} → "
                 f"{i18n.status(r.after, lang)}" for r in changes.itertuples()]
        fig.text(x, 0.195, "\n".join(lines[:9] + ([f"… +{len(lines) - 9}"] if len(lines) > 9 else []))
                 or t("no_changes", lang), fontsize=7, va="top")
        fig.text(0.02, 0.02, footer, fontsize=6, color="#666")
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None, "Producer": None,
                                                 "Creator": "corridors"})
        plt.close(fig)
    return buf.getvalue()


def _en(name_zh: str) -> str:
    return next((p.name_en for p in PROVINCES.values() if p.name_zh == name_zh), name_zh)


def _table(fig, rect, title, head, rows) -> None:
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    ax.set_title(title, fontsize=9, loc="left", weight="bold")
    tb = ax.table(cellText=rows, colLabels=head, loc="upper left", cellLoc="center", colLoc="center")
    tb.auto_set_font_size(False)
    tb.set_fontsize(7.5)
    tb.scale(1, 1.15)
