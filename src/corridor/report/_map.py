"""An inline SVG map of link-flow changes over country outlines (no tiles, no network access).

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
from typing import Any

from corridor.model import Network
from corridor.report import _fmt
from corridor.report._page import Markup, esc
from corridor.report._svg import BLUE, VERMILLION, text_width

__all__ = ["flow_change_map", "load_outlines"]

_GREY = "#a7b0ba"
_SEA = "#dce9f2"
_LAND = "#f4f3ef"
_LAND_NET = "#ebe5d5"
_BORDER = "#b9b2a2"
_KIND_RANK = {"seaport": 0, "dry-port": 0, "oil-terminal": 1, "rail-terminal": 1, "city": 1, "border": 2,
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


def _great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _n(x: float) -> str:
    v = round(x, 1)
    return str(int(v)) if v == int(v) else f"{v:.1f}"


class _Projection:
    def __init__(self, lon0: float, lat0: float, lon1: float, lat1: float, width: float) -> None:
        self.lon0, self.lat0, self.lon1, self.lat1 = lon0, lat0, lon1, lat1
        self.kx = math.cos(math.radians((lat0 + lat1) / 2))
        self.s = width / ((lon1 - lon0) * self.kx)
        self.width, self.height = width, (lat1 - lat0) * self.s

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx * self.s, (self.lat1 - lat) * self.s


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


def _geometry(p: tuple[float, float], q: tuple[float, float], *, offset: float, dip_to: float | None) -> str:
    """A straight line, a gentle curve (parallel links) or a deep schematic arc (long sea routes)."""
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


def _clip(pts: list[tuple[float, float]], w: float, h: float) -> list[tuple[float, float]]:
    """Sutherland-Hodgman clipping of a ring to the rectangle 0..w, 0..h."""
    def cut(p: tuple[float, float], q: tuple[float, float], axis: int, at: float) -> tuple[float, float]:
        t = (at - p[axis]) / (q[axis] - p[axis])
        return (at, p[1] + t * (q[1] - p[1])) if axis == 0 else (p[0] + t * (q[0] - p[0]), at)

    for axis, at, keep_above in ((0, 0.0, True), (0, w, False), (1, 0.0, True), (1, h, False)):
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


def _countries(
    proj: _Projection, network_countries: set[str]
) -> tuple[list[str], list[tuple[str, float, float, int, list[tuple[float, float]]]]]:
    """The country shapes, and where to write the names of the larger ones: ``(name, x, y, size, ring)``."""
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
            parts.append("M" + " ".join(f"{_n(x)},{_n(y)}" for x, y in pts) + "Z")
        if not parts:
            continue
        fill = _LAND_NET if c.get("iso_a2") in network_countries else _LAND
        out.append(f'<path class="country" d="{"".join(parts)}" fill="{fill}" stroke="{_BORDER}" '
                   f'stroke-width="0.6" fill-rule="evenodd"><title>{esc(c["name"])}</title></path>')
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
    names: list[tuple[str, float, float, int, list[tuple[float, float]]]],
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


_BAND = 58.0  # height of the legend band under the map


def _legend(y: float, width: float, max_abs: float, width_of: Any, schematic: bool) -> list[str]:
    """Two rows of legend entries in a white band under the map."""
    out = [f'<g class="legend"><rect x="0" y="{_n(y)}" width="{_n(width)}" height="{_n(_BAND)}" fill="#ffffff"/>']
    rows: list[list[tuple[str, str, float, str]]] = [
        [("More flow in the scenario", BLUE, 4.0, ""), ("Less flow in the scenario", VERMILLION, 4.0, ""),
         ("No change", _GREY, 1.2, "")],
        [(f"{_fmt.tonnes(t)}/yr", "#6b7682", width_of(t), "") for t in ([max_abs, max_abs / 2, max_abs / 4]
                                                                          if max_abs > 0 else [])],
    ]
    if schematic:
        rows[1].append(("Long sea route (via Suez), drawn schematically", _GREY, 1.6, "7 5"))
    for r, entries in enumerate(rows):
        cy = y + 22 + r * 24
        x = 8.0
        for text, colour, sw, dash in entries:
            d = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{_n(x)}" y1="{_n(cy - 4)}" x2="{_n(x + 36)}" y2="{_n(cy - 4)}" '
                       f'stroke="{colour}" stroke-width="{_n(sw)}"{d}/>')
            out.append(f'<text x="{_n(x + 44)}" y="{_n(cy)}" font-size="12">{esc(text)}</text>')
            x += 44 + text_width(text, 12) + 22
    out.append("</g>")
    return out


def _link_paths(
    network: Network,
    changes: Mapping[str, list[Mapping[str, Any]]],
    totals: Mapping[str, float],
    proj: _Projection,
    pos: Mapping[str, tuple[float, float]],
    names: Mapping[str, str],
    width_of: Callable[[float], float],
) -> tuple[list[str], bool]:
    """One path per link, unchanged first, then by size of change; and whether any is schematic."""
    # the network's links, then changed links that the network lacks (added by a scenario)
    drawn: list[tuple[str, str, str, str, str, float | None]] = [
        (lk.id, lk.a, lk.b, lk.mode, lk.corridor, lk.distance_km) for lk in network.links
    ]
    known = {d[0] for d in drawn}
    for lid, rows in sorted(changes.items()):
        r = rows[0]
        if lid not in known:
            drawn.append((lid, str(r.get("from")), str(r.get("to")), str(r.get("mode", "")),
                          str(r.get("corridor", "")), None))
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
        offset = (k - (pair_count[pair] - 1) / 2) * 9.0  # parallel links between one pair of nodes fan out
        tip = _tip(lid, mode, corridor, changes.get(lid, []), names)
        dip = None
        long_sea = mode == "sea" and dist and dist > _SCHEMATIC_KM
        if long_sea and dist > _SCHEMATIC_RATIO * _great_circle_km(pos[a], pos[b]):
            dip = proj.height - 14 - 7 * dips
            dips += 1
            tip += f"\nsea route of {_fmt.number(dist)} km, drawn schematically"
        d = _geometry(proj(*pos[a]), proj(*pos[b]), offset=offset if dip is None else offset * 3, dip_to=dip)
        dash = ' stroke-dasharray="7 5"' if dip is not None else ""
        change = totals.get(lid, 0.0)
        if abs(change) > 0.5:
            colour, cls = (BLUE, "link up") if change > 0 else (VERMILLION, "link down")
            sw, opacity = width_of(change), 0.85
        else:
            colour, cls, sw, opacity = _GREY, "link same", 1.2, 0.9
        paths.append((abs(change), f'<path class="{cls}" data-link="{esc(lid)}" d="{d}" fill="none" '
                      f'stroke="{colour}" stroke-width="{_n(sw)}" stroke-opacity="{opacity}" '
                      f'stroke-linecap="round"{dash}><title>{esc(tip)}</title></path>'))
    paths.sort(key=lambda p: p[0])  # stable: unchanged first in network order, then by size of change
    return [p for _, p in paths], dips > 0


def _node_labels(
    candidates: Sequence[tuple[str, float, float]],
    boxes: list[tuple[float, float, float, float]],
    proj: _Projection,
    max_labels: int,
) -> list[str]:
    """Names beside their dots, in the order given, where they overlap no dot or name already placed."""
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
        Width of the SVG coordinate system (the map scales to the page).
    max_labels
        At most this many node names are written; the nodes of the largest changes come first.

    Returns
    -------
    Markup
        One ``<svg>`` element with one ``<path class="link ...">`` per link of ``network``
        (plus one for any changed link the scenario added that the network lacks).
    """
    pos = {n.id: (float(n.lon), float(n.lat)) for n in network.nodes}
    names = {n.id: n.name or n.id for n in network.nodes}
    changes = _aggregate(links)
    lons = [p[0] for p in pos.values()] or [5.0, 125.0]
    lats = [p[1] for p in pos.values()] or [20.0, 60.0]
    proj = _Projection(min(lons) - 4.0, min(lats) - 3.0, max(lons) + 4.0, max(lats) + 2.5, width)
    xy = {k: proj(*p) for k, p in pos.items()}
    totals = {lid: sum(float(r.get("change_t") or 0.0) for r in rows) for lid, rows in changes.items()}
    max_abs = max((abs(v) for v in totals.values()), default=0.0)

    def width_of(v: float) -> float:
        return 1.6 + 10.0 * abs(v) / max_abs if max_abs > 0 else 1.2

    paths, schematic_any = _link_paths(network, changes, totals, proj, pos, names, width_of)

    # country names first (clear of the dots), then node names clear of both
    boxes: list[tuple[float, float, float, float]] = [(x - 3, y - 3, x + 3, y + 3) for x, y in xy.values()]
    shapes, name_spots = _countries(proj, {n.country for n in network.nodes})
    country_names = _place_country_names(name_spots, boxes)
    node_change: dict[str, float] = {}
    for lid, rows in changes.items():
        for r in rows:
            for end in (str(r.get("from")), str(r.get("to"))):
                node_change[end] = max(node_change.get(end, 0.0), abs(totals.get(lid, 0.0)))
    kinds = {n.id: n.kind for n in network.nodes}
    order = sorted(xy, key=lambda i: (-node_change.get(i, 0.0), _KIND_RANK.get(kinds.get(i, ""), 4), i))
    dots = [f'<circle cx="{_n(xy[i][0])}" cy="{_n(xy[i][1])}" r="{3.2 if node_change.get(i) else 2.3}" '
            f'fill="#ffffff" stroke="#2b3540" stroke-width="1.1"><title>{esc(names[i])} ({esc(i)})</title></circle>'
            for i in order]
    labels = _node_labels([(names[i], *xy[i]) for i in order][:max_labels * 3], boxes, proj, max_labels)

    legend = _legend(proj.height, proj.width, max_abs, width_of, schematic_any)
    total_h = proj.height + _BAND
    body = [f'<rect x="0" y="0" width="{_n(proj.width)}" height="{_n(proj.height)}" fill="{_SEA}"/>',
            '<g class="countries">', *shapes, "</g>", '<g class="country-names">', *country_names, "</g>",
            '<g class="links">', *paths, "</g>",
            '<g class="nodes">', *dots, "</g>", '<g class="labels">', *labels, "</g>", *legend]
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{_n(proj.width)}" height="{_n(total_h)}" '
        f'viewBox="0 0 {_n(proj.width)} {_n(total_h)}" '
        f'role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>' + "".join(body) + "</svg>"
    )
