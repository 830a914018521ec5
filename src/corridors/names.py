"""Chinese administrative names: suffix stripping, pinyin keys and English renderings."""

from __future__ import annotations

import re
from functools import lru_cache

# Ethnic groups that appear in autonomous county/prefecture/region names of South China.
ETHNIC_EN: dict[str, str] = {
    "土家族": "Tujia", "苗族": "Miao", "侗族": "Dong", "瑶族": "Yao", "布依族": "Buyei", "壮族": "Zhuang",
    "回族": "Hui", "彝族": "Yi", "藏族": "Tibetan", "羌族": "Qiang", "黎族": "Li", "傣族": "Dai",
    "白族": "Bai", "哈尼族": "Hani", "仡佬族": "Gelao", "水族": "Sui", "毛南族": "Maonan", "仫佬族": "Mulao",
    "畲族": "She", "纳西族": "Naxi", "傈僳族": "Lisu", "拉祜族": "Lahu", "佤族": "Va", "景颇族": "Jingpo",
    "独龙族": "Derung", "怒族": "Nu", "普米族": "Pumi", "蒙古族": "Mongol", "维吾尔": "Uygur", "各族": "",
}

# Administrative suffixes, longest first, with their English rendering.
SUFFIX_EN: list[tuple[str, str]] = [
    ("特别行政区", "Special Administrative Region"), ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"),
    ("街道", "Subdistrict"), ("地区", "Prefecture"), ("林区", "Forestry District"), ("特区", "Special District"),
    ("省", "Province"), ("市", "City"), ("县", "County"), ("区", "District"), ("州", "Prefecture"),
    ("盟", "League"), ("旗", "Banner"), ("镇", "Town"), ("乡", "Township"),
]

_ETHNIC_RE = "(?:" + "|".join(sorted(ETHNIC_EN, key=len, reverse=True)) + ")"
_NAME_RE = re.compile(
    r"^(?P<stem>.+?)(?P<ethnic>(?:" + _ETHNIC_RE + r")+)?(?P<suffix>"
    + "|".join(s for s, _ in SUFFIX_EN) + r")$"
)


def split_name(name: str) -> tuple[str, str, str]:
    """Split '通道侗族自治县' into ('通道', '侗族', '自治县'); a name without a known suffix is its own stem.

    A one-character stem keeps its suffix ('沙县' stays '沙县'), as Chinese usage does.
    """
    m = _NAME_RE.match(name)
    if not m or len(m.group("stem")) < 2:
        return name, "", ""
    return m.group("stem"), m.group("ethnic") or "", m.group("suffix")


def stem(name: str) -> str:
    """The name without its administrative suffix and ethnic qualifier."""
    return split_name(name)[0]


@lru_cache(maxsize=8192)
def pinyin_key(text: str) -> str:
    """Toneless pinyin of Chinese text, or lower-cased letters of Latin text: the key for English look-up."""
    if re.search(r"[\u4e00-\u9fff]", text):
        return place_pinyin(text).replace("'", "").lower()
    return re.sub(r"[^a-z]", "", text.lower().replace("ü", "v"))


def _ethnic_en(ethnic: str) -> str:
    parts = re.findall(_ETHNIC_RE, ethnic)
    words = [ETHNIC_EN[p] for p in parts if ETHNIC_EN[p]]
    return " and ".join(words)


# Characters whose usual reading in place names differs from pypinyin's default reading.
PLACE_READINGS = {"都": "du"}


def place_pinyin(text: str) -> str:
    """Pinyin of a place name with syllable apostrophes ('吉安' -> "ji'an", '丰都' -> 'fengdu')."""
    from pypinyin import lazy_pinyin  # 0.3 s to import its dictionaries: only building or matching names needs it

    syllables = lazy_pinyin(text)
    if len(syllables) == len(text):
        syllables = [PLACE_READINGS.get(ch, py) for ch, py in zip(text, syllables)]
    out = ""
    for i, syl in enumerate(syllables):
        out += ("'" if i and syl[:1] in "aoe" else "") + syl
    return out


def english_name(name: str) -> str:
    """Render a Chinese administrative name in English: '慈利县' -> 'Cili County'."""
    s, ethnic, suffix = split_name(name)
    base = place_pinyin(s).capitalize()
    if not suffix:
        return base
    words = [base, _ethnic_en(ethnic), dict(SUFFIX_EN)[suffix]]
    return " ".join(w for w in words if w)


def english_stem_key(name_en: str) -> str:
    """The look-up key of an English name without its administrative words: 'Cili County' -> 'cili'."""
    words = name_en.split()
    suffix_words = {w for _, en in SUFFIX_EN for w in en.split()} | {"and"} | {
        w for en in ETHNIC_EN.values() for w in en.split()}
    kept = []
    for w in words:
        if kept and w in suffix_words:
            break
        kept.append(w)
    return pinyin_key(" ".join(kept))
