"""Inline SVG maps over country outlines (no tiles, no network access): link-flow changes and link flows.

The building blocks (projection, country layer, link geometry, labels, legend band) are shared
with the route map (:mod:`corridor.report._route_map`).

The projection is equirectangular with its x axis scaled by the cosine of the middle latitude of
the network's bounding box, which keeps shapes fair between 25 and 60 degrees north. Country
outlines are Natural Earth 1:110m (public domain) shipped as package data (``assets/countries.json``,
built by ``tools/build_outlines.py``).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from typing import Any, NamedTuple

from corridor.model import Network
from corridor.report import _fmt
from corridor.report._page import Markup, esc
from corridor.report._svg import BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION, text_width
from corridor.report._svg import coord as _n

__all__ = [
    "CORRIDOR_COLOURS",
    "COUNTRIES_G",
    "DrawnLink",
    "LegendEntry",
    "LinkStyle",
    "Projection",
    "corridor_colour",
    "countries_layer",
    "draw_links",
    "flow_change_map",
    "great_circle_km",
    "legend_band",
    "link_d",
    "link_flow_map",
    "load_outlines",
    "map_svg",
    "network_links",
    "node_labels",
]

_GREY = "#a7b0ba"
_SEA = "#dce9f2"
_LAND = "#f4f3ef"
_LAND_NET = "#ebe5d5"
_BORDER = "#b9b2a2"
_KIND_RANK = {"market": 0, "seaport": 0, "dry-port": 0, "oil-terminal": 1, "rail-terminal": 1, "city": 1, "border": 2,
              "junction": 3}
# a sea link this long and this much longer than the great circle (around Arabia and India, via Suez)
# is drawn as a dashed arc along the bottom of the map
_SCHEMATIC_KM = 5000.0
_SCHEMATIC_RATIO = 1.8


@functools.cache
def load_outlines() -> dict[str, Any]:
    """The country outlines shipped with the package (see ``assets/countries.json`` for the format)."""
    text = resources.files("corridor.report").joinpath("assets", "countries.json").read_text(encoding="utf-8")
    return json.loads(text)


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))




class Projection:
    """Equirectangular, x scaled by the cosine of the middle latitude; (0, 0) is the north-west corner.

    Examples
    --------
    >>> proj = Projection(50.0, 40.0, 60.0, 45.0, width=1000.0)  # lon 50-60 E, lat 40-45 N
    >>> proj(50.0, 45.0), tuple(round(v, 1) for v in proj(55.0, 42.5))
    ((0.0, 0.0), (500.0, 339.1))
    >>> round(proj.height, 1)
    678.2
    """

    def __init__(self, lon0: float, lat0: float, lon1: float, lat1: float, width: float, *,
                 kx: float | None = None) -> None:
        self.lon0, self.lat0, self.lon1, self.lat1 = lon0, lat0, lon1, lat1
        self.kx = math.cos(math.radians((lat0 + lat1) / 2)) if kx is None else kx
        self.s = width / ((lon1 - lon0) * self.kx)
        self.width, self.height = width, (lat1 - lat0) * self.s

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx * self.s, (self.lat1 - lat) * self.s

    @classmethod
    def around(cls, points: Sequence[tuple[float, float]], width: float, *, margin: float = 0.0,
               min_span: float = 0.0) -> Projection:
        """The projection framing ``points`` (lon, lat) with the network map's margins (plus ``margin`` degrees)."""
        lons = [p[0] for p in points] or [5.0, 125.0]
        lats = [p[1] for p in points] or [20.0, 60.0]
        lo0, lo1, la0, la1 = min(lons), max(lons), min(lats), max(lats)
        if lo1 - lo0 < min_span:
            lo0, lo1 = (lo0 + lo1 - min_span) / 2, (lo0 + lo1 + min_span) / 2
        if la1 - la0 < min_span / 2:
            la0, la1 = (la0 + la1 - min_span / 2) / 2, (la0 + la1 + min_span / 2) / 2
        return cls(lo0 - 4.0 - margin, la0 - 3.0 - margin, lo1 + 4.0 + margin, la1 + 2.5 + margin, width)

    @classmethod
    def plain(cls, points: Sequence[tuple[float, float]], width: float) -> Projection:
        """Plain x and y, framing ``points`` with 8 % to spare: for networks not on the globe (TNTP)."""
        xs = [p[0] for p in points] or [0.0]
        ys = [p[1] for p in points] or [0.0]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        pad = 0.08 * span
        x0, x1 = min(xs) - pad, max(max(xs) + pad, min(xs) + 0.5 * span)
        y0, y1 = min(ys) - pad, max(max(ys) + pad, min(ys) + 0.3 * span)
        return cls(x0, y0, x1, y1, width, kx=1.0)


def _aggregate(links: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    by_link: dict[str, list[Mapping[str, Any]]] = {}
    for row in links:
        by_link.setdefault(str(row.get("link", "")), []).append(row)
    return by_link


def _tip(link_id: str, mode: str, corridor: str, rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> str:
    head = f"{link_id} ({mode}{', ' + corridor if corridor else ''})"
    if not rows:
        return f"{head}: no change in flow"
    lines = [head]
    for r in rows:
        a, b = names.get(str(r.get("from")), r.get("from")), names.get(str(r.get("to")), r.get("to"))
        lines.append(f"{a} → {b}: {_fmt.tonnes(r.get('baseline_t'))} → {_fmt.tonnes(r.get('scenario_t'))} "
                     f"({_fmt.tonnes(r.get('change_t'), signed=True)})")
    return "\n".join(lines)


def link_d(p: tuple[float, float], q: tuple[float, float], *, offset: float, dip_to: float | None) -> str:
    """A straight line, a gentle curve (parallel links) or a deep schematic arc (long sea routes).

    Examples
    --------
    >>> link_d((0.0, 0.0), (100.0, 0.0), offset=0, dip_to=None)
    'M0,0 L100,0'
    >>> link_d((0.0, 0.0), (100.0, 0.0), offset=10, dip_to=None)  # a parallel link, bent aside
    'M0,0 Q50,10 100,0'
    >>> link_d((0.0, 0.0), (100.0, 0.0), offset=0, dip_to=50.0)  # a schematic arc down to y = 50
    'M0,0 Q50,100 100,0'
    """
    (x1, y1), (x2, y2) = p, q
    if dip_to is not None:  # quadratic whose lowest point reaches dip_to: y_mid = (y1 + 2 cy + y2) / 4
        cx, cy = (x1 + x2) / 2 + offset, (4 * dip_to - y1 - y2) / 2
        return f"M{_n(x1)},{_n(y1)} Q{_n(cx)},{_n(cy)} {_n(x2)},{_n(y2)}"
    if offset == 0:
        return f"M{_n(x1)},{_n(y1)} L{_n(x2)},{_n(y2)}"
    dx, dy = x2 - x1, y2 - y1
    d = math.hypot(dx, dy) or 1.0
    cx, cy = (x1 + x2) / 2 - dy / d * offset, (y1 + y2) / 2 + dx / d * offset
    return f"M{_n(x1)},{_n(y1)} Q{_n(cx)},{_n(cy)} {_n(x2)},{_n(y2)}"


def _clip(pts: list[tuple[float, float]], w: float, h: float, pad: float = 0.0) -> list[tuple[float, float]]:
    """Sutherland-Hodgman clipping of a ring to the rectangle -pad..w+pad, -pad..h+pad."""
    def cut(p: tuple[float, float], q: tuple[float, float], axis: int, at: float) -> tuple[float, float]:
        t = (at - p[axis]) / (q[axis] - p[axis])
        return (at, p[1] + t * (q[1] - p[1])) if axis == 0 else (p[0] + t * (q[0] - p[0]), at)

    for axis, at, keep_above in ((0, -pad, True), (0, w + pad, False), (1, -pad, True), (1, h + pad, False)):
        if not pts:
            break
        out: list[tuple[float, float]] = []
        prev = pts[-1]
        for cur in pts:
            cur_in = cur[axis] >= at if keep_above else cur[axis] <= at
            prev_in = prev[axis] >= at if keep_above else prev[axis] <= at
            if cur_in:
                if not prev_in:
                    out.append(cut(prev, cur, axis, at))
                out.append(cur)
            elif prev_in:
                out.append(cut(prev, cur, axis, at))
            prev = cur
        pts = out
    return pts


def _centroid(pts: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Area and centroid of a ring (shoelace formula)."""
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
        c = x1 * y2 - x2 * y1
        a += c
        cx += (x1 + x2) * c
        cy += (y1 + y2) * c
    if a == 0:
        return 0.0, 0.0, 0.0
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


_MIN_LABEL_AREA = 3500.0  # square SVG units of a country's largest visible part to get its name written

CountryName = tuple[str, float, float, int, list[tuple[float, float]]]


def _simplify(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Drop points closer than ``tol`` to the last point kept (radial distance), so that small maps stay small."""
    if tol <= 0 or len(pts) < 4:
        return pts
    out = [pts[0]]
    for p in pts[1:]:
        if abs(p[0] - out[-1][0]) + abs(p[1] - out[-1][1]) >= tol:
            out.append(p)
    return out if len(out) >= 3 else pts


COUNTRIES_G = f'<g class="countries" stroke="{_BORDER}" stroke-width="0.6" fill-rule="evenodd">'
"""The group the shapes of :func:`countries_layer` go into (it holds their common style)."""


def countries_layer(proj: Projection, network_countries: set[str], *, tol: float = 0.0,
                    ) -> tuple[list[str], list[CountryName]]:
    """The country shapes, and where to write the names of the larger ones: ``(name, x, y, size, ring)``.

    The shapes go into a :data:`COUNTRIES_G` group.
    Rings are clipped to a little outside the map (the edge of the SVG hides the cut) and, with
    ``tol`` > 0, simplified to points at least ``tol`` SVG units apart.

    Examples
    --------
    >>> proj = Projection(50.0, 40.0, 60.0, 45.0, width=1000.0)
    >>> shapes, names = countries_layer(proj, {"KZ"})
    >>> names[0][0]
    'KAZAKHSTAN'
    """
    out, names = [], []
    for c in load_outlines()["countries"]:
        parts = []
        best: tuple[float, float, float] = (0.0, 0.0, 0.0)
        best_ring: list[tuple[float, float]] = []
        for ring in c["rings"]:
            pts = [proj(ring[i] / 10, ring[i + 1] / 10) for i in range(0, len(ring), 2)]
            visible = _clip(pts, proj.width, proj.height)
            if len(visible) < 3:
                continue
            cen = _centroid(visible)
            if cen[0] > best[0]:
                best, best_ring = cen, visible
            drawn = _simplify(_clip(pts, proj.width, proj.height, pad=8.0), tol)
            coord = _n if tol < 1 else lambda v: str(round(v))  # whole units are fine when points are ≥ 1 apart
            parts.append("M" + " ".join(f"{coord(x)},{coord(y)}" for x, y in drawn) + "Z")
        if not parts:
            continue
        fill = _LAND_NET if c.get("iso_a2") in network_countries else _LAND
        out.append(f'<path class="country" d="{"".join(parts)}" fill="{fill}"><title>{esc(c["name"])}</title></path>')
        area, x, y = best
        if area >= _MIN_LABEL_AREA:
            names.append((str(c["name"]).upper(), x, y, 13 if area > 20000 else 11, best_ring))
    names.sort(key=lambda t: (-t[3], t[0]))
    return out, names


def _inside(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    """Whether the point lies inside the ring (even-odd rule)."""
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


_SPOTS = sorted(((dx, dy) for dx in range(-120, 121, 30) for dy in range(-64, 65, 16)),
                key=lambda d: (abs(d[0]) + 2 * abs(d[1]), d))


def _place_country_names(
    names: list[CountryName],
    boxes: list[tuple[float, float, float, float]],
) -> list[str]:
    """Write each country name near its centre, inside the country and clear of the node names."""
    out = []
    for name, x, y, size, ring in names:
        w = len(name) * (size * 0.62 + 2)
        for dx, dy in _SPOTS:
            box = (x + dx - w / 2, y + dy - size, x + dx + w / 2, y + dy + 2)
            if not (_inside(box[0], y + dy - size / 2, ring) and _inside(box[2], y + dy - size / 2, ring)):
                continue
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
                boxes.append(box)
                out.append(f'<text x="{_n(x + dx)}" y="{_n(y + dy)}" font-size="{size}" text-anchor="middle" '
                           f'fill="#8f8878" letter-spacing="2">{esc(name)}</text>')
                break
    return out


_BAND_ROW = 24.0  # height of one row of the legend band under a map

LegendEntry = tuple[str, str, float, str]
"""A legend entry of a map: ``(text, colour, stroke width, dash pattern)``."""


def _wrap(rows: Sequence[Sequence[LegendEntry]], width: float) -> list[list[tuple[float, LegendEntry]]]:
    """Place legend entries left to right, starting a new line where the next one would not fit."""
    lines: list[list[tuple[float, LegendEntry]]] = []
    for entries in rows:
        x = 8.0
        line: list[tuple[float, LegendEntry]] = []
        for e in entries:
            w = 44 + text_width(e[0], 12) + 22
            if line and x + w - 22 > width:
                lines.append(line)
                x = 8.0
                line = []
            line.append((x, e))
            x += w
        if line:
            lines.append(line)
    return lines


def legend_band(y: float, width: float, rows: Sequence[Sequence[LegendEntry]]) -> tuple[list[str], float]:
    """Rows of line samples and their text in a white band under a map; the elements and the band's height.

    A row wider than the map wraps onto the next line.

    Examples
    --------
    >>> elements, height = legend_band(700.0, 1000.0, [[("Rail", "#0072B2", 3.0, ""), ("Sea", "#009E73", 2.0, "7 5")]])
    >>> height, elements[2]
    (34.0, '<text x="52" y="722" font-size="12">Rail</text>')
    """
    lines = _wrap(rows, width)
    height = 10 + _BAND_ROW * len(lines)
    out = [f'<g class="legend"><rect x="0" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>']
    for r, line in enumerate(lines):
        cy = y + 22 + r * _BAND_ROW
        for x, (text, colour, sw, dash) in line:
            d = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{_n(x)}" y1="{_n(cy - 4)}" x2="{_n(x + 36)}" y2="{_n(cy - 4)}" '
                       f'stroke="{colour}" stroke-width="{_n(sw)}"{d}/>')
            out.append(f'<text x="{_n(x + 44)}" y="{_n(cy)}" font-size="12">{esc(text)}</text>')
    out.append("</g>")
    return out, height


_SCHEMATIC_ENTRY: LegendEntry = ("Long sea route (via Suez), drawn schematically", _GREY, 1.6, "7 5")


class LinkStyle(NamedTuple):
    """How one link is drawn: class, colour, width, opacity, tooltip, and its drawing order (larger on top).

    Examples
    --------
    >>> style = LinkStyle("flow", "#0072B2", width=2.0, opacity=0.9, tip="direct: 1 Mt/yr", order=1.0)
    >>> style.colour, style.width
    ('#0072B2', 2.0)
    """

    cls: str
    colour: str
    width: float
    opacity: float
    tip: str
    order: float


DrawnLink = tuple[str, str, str, str, str, float | None]
"""A link to draw: ``(id, from, to, mode, corridor, distance_km)``."""


def network_links(network: Network, extra: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[DrawnLink]:
    """The network's links, then links in ``extra`` (id → rows with from, to, mode, corridor) that it lacks.

    Examples
    --------
    >>> from corridor.model import Link, Network, Node
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> net = Network("toy", nodes, [Link("direct", "mine", "port", "rail-1520")])
    >>> network_links(net, {"ghost": [{"from": "mine", "to": "via", "mode": "road", "corridor": "other"}]})
    [('direct', 'mine', 'port', 'rail-1520', 'other', 0.0), ('ghost', 'mine', 'via', 'road', 'other', None)]
    """
    drawn: list[DrawnLink] = [(lk.id, lk.a, lk.b, lk.mode, lk.corridor, lk.distance_km) for lk in network.links]
    known = {d[0] for d in drawn}
    for lid, rows in sorted(extra.items()):
        r = rows[0]
        if lid not in known:
            drawn.append((lid, str(r.get("from")), str(r.get("to")), str(r.get("mode", "")),
                          str(r.get("corridor", "")), None))
    return drawn


def _schematic(mode: str, dist: float | None, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """A long sea link much longer than the great circle (around Arabia and India): drawn as an arc."""
    return (mode == "sea" and dist is not None and dist > _SCHEMATIC_KM
            and dist > _SCHEMATIC_RATIO * great_circle_km(a, b))


def draw_links(
    drawn: Sequence[DrawnLink],
    style: Callable[[str, str, str], LinkStyle],
    proj: Projection,
    pos: Mapping[str, tuple[float, float]],
) -> tuple[list[str], bool]:
    """One path per link, lowest ``order`` first; and whether any link is drawn schematically.

    ``style(link_id, mode, corridor)`` says how to draw each link. Parallel links between one pair of
    nodes fan out as gentle curves; long sea routes dip as dashed arcs along the bottom of the map.

    Examples
    --------
    >>> proj = Projection(50.0, 40.0, 60.0, 45.0, width=1000.0)
    >>> def style(link_id, mode, corridor):
    ...     return LinkStyle("flow", "#0072B2", 2.0, 0.9, link_id, 1.0)
    >>> paths, schematic = draw_links([("ab", "a", "b", "rail-1520", "other", 400.0)], style, proj,
    ...                               {"a": (51.2, 43.6), "b": (55.0, 42.0)})
    >>> paths[0].split(" d=")[1].split('"')[1], schematic
    ('M120,189.9 L500,406.9', False)
    """
    drawn = [d for d in drawn if d[1] in pos and d[2] in pos]
    pair_count: dict[tuple[str, str], int] = {}
    for d in drawn:
        pair = (min(d[1], d[2]), max(d[1], d[2]))
        pair_count[pair] = pair_count.get(pair, 0) + 1
    pair_seen: dict[tuple[str, str], int] = {}
    paths: list[tuple[float, str]] = []
    dips = 0
    for lid, a, b, mode, corridor, dist in drawn:
        pair = (min(a, b), max(a, b))
        k = pair_seen.get(pair, 0)
        pair_seen[pair] = k + 1
        offset = (k - (pair_count[pair] - 1) / 2) * 9.0
        st = style(lid, mode, corridor)
        tip, dip = st.tip, None if not _schematic(mode, dist, pos[a], pos[b]) else proj.height - 14 - 7 * dips
        if dip is not None:
            dips += 1
            tip += f"\nsea route of {_fmt.number(dist)} km, drawn schematically"
        geometry = link_d(proj(*pos[a]), proj(*pos[b]), offset=offset if dip is None else offset * 3, dip_to=dip)
        dash = ' stroke-dasharray="7 5"' if dip is not None else ""
        paths.append((st.order, f'<path class="{st.cls}" data-link="{esc(lid)}" d="{geometry}" fill="none" '
                      f'stroke="{st.colour}" stroke-width="{_n(st.width)}" stroke-opacity="{st.opacity}" '
                      f'stroke-linecap="round"{dash}><title>{esc(tip)}</title></path>'))
    paths.sort(key=lambda p: p[0])  # stable: equal orders keep the network's order
    return [p for _, p in paths], dips > 0


def node_labels(
    candidates: Sequence[tuple[str, float, float]],
    boxes: list[tuple[float, float, float, float]],
    proj: Projection,
    max_labels: int,
) -> list[str]:
    """Names beside their dots, in the order given, where they overlap no dot or name already placed.

    Examples
    --------
    >>> proj = Projection(50.0, 40.0, 60.0, 45.0, width=1000.0)
    >>> boxes = []
    >>> labels = node_labels([("Aktau", *proj(51.2, 43.6)), ("Beyneu", *proj(55.0, 42.0))], boxes, proj, 10)
    >>> len(labels), len(boxes), ">Aktau</text>" in labels[0]
    (2, 2, True)
    """
    labels: list[str] = []
    for name, x, y in candidates:
        if len(labels) >= max_labels:
            break
        w, h = text_width(name, 11), 11.0
        own = (x - 3, y - 3, x + 3, y + 3)
        for lx, ly, anchor in ((x + 5, y - 4, "start"), (x - 5, y - 4, "end"), (x + 5, y + 12, "start"),
                               (x - 5, y + 12, "end")):
            bx0 = lx if anchor == "start" else lx - w
            box = (bx0, ly - h + 2, bx0 + w, ly + 2)
            if box[0] < 2 or box[2] > proj.width - 2 or box[1] < 2 or box[3] > proj.height - 2:
                continue
            if any(b != own and box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
                continue
            boxes.append(box)
            labels.append(f'<text x="{_n(lx)}" y="{_n(ly)}" font-size="11" text-anchor="{anchor}" fill="#1d2733" '
                          f'stroke="#ffffff" stroke-width="3" stroke-opacity="0.85" paint-order="stroke">'
                          f"{esc(name)}</text>")
            break
    return labels


def map_svg(proj: Projection, title: str, layers: Sequence[str], legend: Sequence[str], legend_h: float, *,
            background: str = _SEA) -> Markup:
    """The ``<svg class="map">``: the sea, then ``layers`` in order, then the legend band under the map.

    Examples
    --------
    >>> proj = Projection(50.0, 40.0, 60.0, 45.0, width=1000.0)
    >>> legend, height = legend_band(proj.height, proj.width, [[("Rail", "#0072B2", 3.0, "")]])
    >>> svg = map_svg(proj, "Test map", ['<g id="links"></g>'], legend, height)
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="map"'), '<g id="links"></g>' in svg
    (True, True)
    """
    total_h = proj.height + legend_h
    body = [f'<rect x="0" y="0" width="{_n(proj.width)}" height="{_n(proj.height)}" fill="{background}"/>', *layers,
            *legend]
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{_n(proj.width)}" height="{_n(total_h)}" '
        f'viewBox="0 0 {_n(proj.width)} {_n(total_h)}" '
        f'role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>' + "".join(body) + "</svg>"
    )


def _node_layers(
    network: Network,
    proj: Projection,
    weight: Mapping[str, float],
    *,
    max_labels: int,
    tol: float,
    geographic: bool = True,
) -> tuple[list[str], list[str], list[str]]:
    """Country shapes, then country names and dots and node names (the heaviest nodes named first)."""
    pos = {n.id: (float(n.lon), float(n.lat)) for n in network.nodes}
    names = {n.id: n.name or n.id for n in network.nodes}
    xy = {k: proj(*p) for k, p in pos.items()}
    # country names first (clear of the dots), then node names clear of both
    boxes: list[tuple[float, float, float, float]] = [(x - 3, y - 3, x + 3, y + 3) for x, y in xy.values()]
    shapes, name_spots = countries_layer(proj, {n.country for n in network.nodes}, tol=tol) if geographic else ([], [])
    country_names = _place_country_names(name_spots, boxes)
    kinds = {n.id: n.kind for n in network.nodes}
    order = sorted(xy, key=lambda i: (-weight.get(i, 0.0), _KIND_RANK.get(kinds.get(i, ""), 4), i))
    dots = [f'<circle cx="{_n(xy[i][0])}" cy="{_n(xy[i][1])}" r="{3.2 if weight.get(i) else 2.3}" '
            f'fill="#ffffff" stroke="#2b3540" stroke-width="1.1"><title>{esc(names[i])} ({esc(i)})</title></circle>'
            for i in order]
    labels = node_labels([(names[i], *xy[i]) for i in order][:max_labels * 3], boxes, proj, max_labels)
    return shapes, country_names, [*dots, "</g>", '<g class="labels">', *labels]


def _network_map(
    network: Network,
    links: list[str],
    weight: Mapping[str, float],
    legend_rows: Sequence[Sequence[LegendEntry]],
    *,
    title: str,
    proj: Projection,
    max_labels: int,
    tol: float,
    geographic: bool = True,
) -> Markup:
    shapes, country_names, nodes = _node_layers(network, proj, weight, max_labels=max_labels, tol=tol,
                                                geographic=geographic)
    legend, legend_h = legend_band(proj.height, proj.width, legend_rows)
    layers = [COUNTRIES_G, *shapes, "</g>", '<g class="country-names">', *country_names, "</g>",
              '<g class="links">', *links, "</g>", '<g class="nodes">', *nodes, "</g>"]
    return map_svg(proj, title, layers, legend, legend_h, background=_SEA if geographic else "#f7f8fa")


_Setup = tuple[dict[str, tuple[float, float]], dict[str, str], dict[str, list[Mapping[str, Any]]], dict[str, float],
               Projection]


def _setup(network: Network, rows: Sequence[Mapping[str, Any]], key: str, width: float, *,
           geographic: bool = True) -> _Setup:
    """Node positions and names, the rows by link, each link's total of ``key`` (both directions), the projection."""
    pos = {n.id: (float(n.lon), float(n.lat)) for n in network.nodes}
    names = {n.id: n.name or n.id for n in network.nodes}
    by_link = _aggregate(rows)
    totals = {lid: sum(_float(r.get(key)) for r in group) for lid, group in by_link.items()}
    proj = Projection.around(list(pos.values()), width) if geographic else Projection.plain(list(pos.values()), width)
    return pos, names, by_link, totals, proj


def _node_weights(by_link: Mapping[str, Sequence[Mapping[str, Any]]], totals: Mapping[str, float]) -> dict[str, float]:
    """For each node, the largest absolute total of the links that end there (named first on the map)."""
    out: dict[str, float] = {}
    for lid, rows in by_link.items():
        for r in rows:
            for end in (str(r.get("from")), str(r.get("to"))):
                out[end] = max(out.get(end, 0.0), abs(totals.get(lid, 0.0)))
    return out


def _float(x: Any) -> float:
    """``x`` as a finite float; 0 for anything else (a missing or NaN cell of a flow table)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return 0.0
    return v if math.isfinite(v) else 0.0


def _detail(width: float) -> float:
    """The simplification tolerance of country outlines for a map this wide (none on a full-width map)."""
    return 0.0 if width >= 900 else 2.5


def flow_change_map(
    network: Network,
    links: Sequence[Mapping[str, Any]],
    *,
    title: str = "Change in link flows",
    width: float = 1100,
    max_labels: int = 40,
) -> Markup:
    """An SVG map of the network with every link drawn once, coloured and sized by its flow change.

    Parameters
    ----------
    network
        The network whose nodes (``lon``, ``lat``) and links are drawn.
    links
        The ``links`` of a comparison's diff: one row per changed link direction with ``link``,
        ``from``, ``to``, ``baseline_t``, ``scenario_t`` and ``change_t``. The changes of the two
        directions of a link are added for its width and colour; its tooltip lists both.
    title
        The accessible title of the map.
    width
        Width of the SVG coordinate system (the map scales to the page); below 900 the country
        outlines are simplified, which keeps a small map small.
    max_labels
        At most this many node names are written; the nodes of the largest changes come first.

    Returns
    -------
    Markup
        One ``<svg>`` element with one ``<path class="link ...">`` per link of ``network``
        (plus one for any changed link the scenario added that the network lacks).

    Examples
    --------
    >>> from corridor.assignment import solve_lp
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0 + k)
    ...          for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> result = solve_lp(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).to_dict()
    >>> changes = [{**r, "baseline_t": r["tonnes"], "scenario_t": 0.5 * r["tonnes"], "change_t": -0.5 * r["tonnes"]}
    ...            for r in result["link_flows"]]
    >>> flow_change_map(net, changes).startswith('<svg xmlns="http://www.w3.org/2000/svg" class="map"')
    True
    """
    pos, names, changes, totals, proj = _setup(network, links, "change_t", width)
    max_abs = max((abs(v) for v in totals.values()), default=0.0)

    def width_of(v: float) -> float:
        return 1.6 + 10.0 * abs(v) / max_abs if max_abs > 0 else 1.2

    def style(lid: str, mode: str, corridor: str) -> LinkStyle:
        tip = _tip(lid, mode, corridor, changes.get(lid, []), names)
        change = totals.get(lid, 0.0)
        if abs(change) > 0.5:
            colour, cls = (BLUE, "link up") if change > 0 else (VERMILLION, "link down")
            return LinkStyle(cls, colour, width_of(change), 0.85, tip, abs(change))
        return LinkStyle("link same", _GREY, 1.2, 0.9, tip, 0.0)

    paths, schematic = draw_links(network_links(network, changes), style, proj, pos)
    node_change = _node_weights(changes, totals)
    legend: list[list[LegendEntry]] = [
        [("More flow in the scenario", BLUE, 4.0, ""), ("Less flow in the scenario", VERMILLION, 4.0, ""),
         ("No change", _GREY, 1.2, "")],
        [(f"{_fmt.tonnes(t)}/yr", "#6b7682", width_of(t), "") for t in ([max_abs, max_abs / 2, max_abs / 4]
                                                                          if max_abs > 0 else [])]
        + ([_SCHEMATIC_ENTRY] if schematic else []),
    ]
    return _network_map(network, paths, node_change, legend, title=title, proj=proj, max_labels=max_labels,
                        tol=_detail(width))


# Okabe-Ito colours for the corridor tags of the built-in data; other tags share the last one.
CORRIDOR_COLOURS = {"northern": VERMILLION, "trans-caspian": BLUE, "southern": GREEN, "china-access": ORANGE,
                    "maritime": SKY, "other": PURPLE}
_OTHER_COLOUR = "#8a7a00"  # a darker yellow: Okabe-Ito's yellow is too light on the land colour


def corridor_colour(corridor: str) -> str:
    """The colour of a corridor tag on maps and charts.

    Examples
    --------
    >>> corridor_colour("trans-caspian")
    '#0072B2'
    """
    return CORRIDOR_COLOURS.get(corridor, _OTHER_COLOUR)


def _flow_tip(lid: str, mode: str, corridor: str, rows: Sequence[Mapping[str, Any]], names: Mapping[str, str],
              key: str, fmt: Callable[[float], str]) -> str:
    head = f"{lid} ({mode}{', ' + corridor if corridor else ''})"
    if not rows:
        return f"{head}: no flow"
    lines = [head]
    for r in rows:
        a, b = names.get(str(r.get("from")), r.get("from")), names.get(str(r.get("to")), r.get("to"))
        lines.append(f"{a} → {b}: {fmt(_float(r.get(key)))}")
    return "\n".join(lines)


def _tonnes_per_year(t: float) -> str:
    return f"{_fmt.tonnes(t)}/yr"


def link_flow_map(
    network: Network,
    flows: Sequence[Mapping[str, Any]],
    *,
    title: str = "Link flows",
    width: float = 1100,
    max_labels: int = 40,
    key: str = "tonnes",
    fmt: Callable[[float], str] = _tonnes_per_year,
    geographic: bool = True,
) -> Markup:
    """An SVG map of link flows: width in proportion to tonnes per year, colour by corridor.

    Parameters
    ----------
    network
        The network whose nodes and links are drawn.
    flows
        One row per link direction with ``link``, ``from``, ``to``, ``tonnes`` (and ``mode``,
        ``corridor`` for links the network lacks), as ``links_frame()`` of an assignment gives them.
        The two directions of a link are added for its width; its tooltip lists both.
    title, width, max_labels
        As for :func:`flow_change_map`.
    key, fmt
        The column of the flow and how to write a value of it (tooltips, legend): tonnes per year by
        default; a research network's ``flow`` in its own units otherwise.
    geographic
        Whether node coordinates are longitude and latitude (country outlines drawn under the
        links); ``False`` draws them as plain x and y (a research network's diagram).

    Returns
    -------
    Markup
        One ``<svg>`` with one ``<path class="link flow|link idle">`` per link.

    Examples
    --------
    >>> from corridor.assignment import solve_lp
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0 + k)
    ...          for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> result = solve_lp(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).to_dict()
    >>> svg = link_flow_map(net, result["link_flows"], title="Toy coal flows")
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="map"'), "Toy coal flows" in svg
    (True, True)
    """
    pos, names, by_link, totals, proj = _setup(network, flows, key, width, geographic=geographic)
    top = max(totals.values(), default=0.0)

    def width_of(v: float) -> float:
        return 1.4 + 12.0 * v / top if top > 0 else 1.2

    def style(lid: str, mode: str, corridor: str) -> LinkStyle:
        tip = _flow_tip(lid, mode, corridor, by_link.get(lid, []), names, key, fmt)
        t = totals.get(lid, 0.0)
        if t > 0.5:
            return LinkStyle("link flow", corridor_colour(corridor), width_of(t), 0.85, tip, t)
        return LinkStyle("link idle", _GREY, 1.0, 0.7, tip, 0.0)

    paths, schematic = draw_links(network_links(network, by_link), style, proj, pos)
    node_flow = _node_weights(by_link, totals)
    used = sorted({lk.corridor for lk in network.links if totals.get(lk.id, 0.0) > 0.5})
    legend: list[list[LegendEntry]] = [
        [(c or "no corridor tag", corridor_colour(c), 4.0, "") for c in used] + [("No flow", _GREY, 1.0, "")],
        [(fmt(t), "#6b7682", width_of(t), "") for t in ([top, top / 2, top / 4] if top > 0 else [])]
        + ([_SCHEMATIC_ENTRY] if schematic else []),
    ]
    return _network_map(network, paths, node_flow, legend, title=title, proj=proj, max_labels=max_labels,
                        tol=_detail(width), geographic=geographic)
