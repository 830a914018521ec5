"""Text set in the figures' font and wrapped to a width measured in it: Chinese may break between any two
characters, English between words, and neither a closing nor an opening mark is stranded (kinsoku). Used by the
PDF report, the PNG map's source line and the outlook chart (figures.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.textpath import TextToPath


@lru_cache(maxsize=1)
def font_family() -> str:
    """Register Noto Sans CJK SC (shipped by the mplfonts package) and return its family name."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


_CJK = "\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef"
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+\\s*|\\s+")
# Kinsoku: these never start a line (closing marks) or end one (opening marks).
NO_START = set("，。、；：？！）》」』】〕〉”’,.;:?!)]}%·")
NO_END = set("（《「『【〔〈“‘([{")


def tokens(text: str) -> list[str]:
    """The pieces a line may break between: each CJK character, each word with its trailing spaces; a closing
    mark sticks to what precedes it and an opening mark to what follows, so neither is stranded."""
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if out and (tok[0] in NO_START or out[-1].rstrip()[-1:] in NO_END):
            out[-1] += tok
        else:
            out.append(tok)
    return out


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """text broken into lines no wider than width (as measure sees it): between words, between CJK
    characters, and inside a word only when the word alone is wider than a line. Newlines are kept.

    A line's width is taken as the sum of its pieces' widths (kerning across a break point is negligible), so
    each distinct piece is measured once."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for tok in tokens(para):
            if line and used + measure(tok.rstrip()) > width:
                lines.append(line.rstrip())
                line, used, tok = "", 0.0, tok.lstrip()
            if not line and not tok.strip():
                continue
            if measure(tok.rstrip()) > width:  # a word longer than a line: split it by character
                for ch in tok:
                    if line and used + measure(ch) > width:
                        lines.append(line.rstrip())
                        line, used = "", 0.0
                    line, used = line + ch, used + measure(ch)
                continue
            line, used = line + tok, used + measure(tok)
        lines.append(line.rstrip())
    return lines


_TEXT_TO_PATH = TextToPath()


@lru_cache(maxsize=20_000)
def text_width(s: str, size: float, weight: str = "normal") -> float:
    """Width in points of a one-line string set at size in the figures' font, from the font's unhinted
    metrics (those the PDF is laid out with)."""
    if not s:
        return 0.0
    prop = font_manager.FontProperties(family=font_family(), size=size, weight=weight)
    return _TEXT_TO_PATH.get_text_width_height_descent(s, prop, ismath=False)[0]


def measurer(size: float, weight: str = "normal") -> Callable[[str], float]:
    """text_width at a fixed size and weight."""
    return lambda s: text_width(s, size, weight)


def plain(s: str) -> str:
    """Text from data shown as typed: a dollar sign would otherwise start matplotlib's mathtext."""
    return s.replace("$", r"\$")
