"""An inline SVG map of planned routes over the network and the country outlines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from corridor.model import Network
from corridor.report import _fmt
from corridor.report._map import (
    COUNTRIES_G,
    DrawnLink,
    LegendEntry,
    LinkStyle,
    Projection,
    countries_layer,
    draw_links,
    legend_band,
    map_svg,
    network_links,
    node_labels,
)
from corridor.report._page import Markup, esc
from corridor.report._svg import BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION
from corridor.report._svg import coord as _n

__all__ = ["ROUTE_COLOURS", "route_colour", "route_map"]

ROUTE_COLOURS = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, "#8a7a00", "#1d2733")
"""Okabe-Ito colours of routes 1, 2, 3 ... (then repeated)."""

_NETWORK = "#a7b0ba"


def route_colour(i: int) -> str:
    """The colour of the route with index ``i`` (0 for the first).

    Examples
    --------
    >>> route_colour(0), route_colour(1)
    ('#0072B2', '#D55E00')
    """
    return ROUTE_COLOURS[i % len(ROUTE_COLOURS)]




def _legs(routes: Sequence[Mapping[str, Any]]) -> list[DrawnLink]:
    """Every leg of every route as a link to draw, its id ``"<route>:<leg>:<link>"``."""
    out: list[DrawnLink] = []
    for i, r in enumerate(routes):
        for j, leg in enumerate(r.get("legs", []) or []):
            dist = leg.get("distance_km")
            out.append((f"{i}:{j}:{leg.get('link', '')}", str(leg.get("start", "")), str(leg.get("end", "")),
                        str(leg.get("mode", "")), str(leg.get("corridor", "")),
                        float(dist) if isinstance(dist, int | float) else None))
    return out


def _leg_tip(route: int, leg: Mapping[str, Any], names: Mapping[str, str]) -> str:
    a, b = str(leg.get("start", "")), str(leg.get("end", ""))
    return (f"Route {route + 1}: {names.get(a, a)} → {names.get(b, b)} ({leg.get('mode', '')}, "
            f"{_fmt.number(leg.get('distance_km'))} km, {_fmt.number(leg.get('time_h'), 1)} h)")


def _route_label(i: int, r: Mapping[str, Any], unit: str) -> str:
    return (f"Route {i + 1}: {_fmt.number(r.get('time_days'), 1)} days, "
            f"{_fmt.number(r.get('cost_usd'))} USD/{unit}")


def _candidates(routes: Sequence[Mapping[str, Any]]) -> list[str]:
    """Nodes to name, most important first: the ends, route 1's borders and stops, then the rest."""
    first = routes[0] if routes else {}
    nodes = [str(n) for n in first.get("nodes", []) or []]
    ends = [nodes[0], nodes[-1]] if nodes else []
    borders = [str(b.get("node")) for b in first.get("borders", []) or []]
    stops = [str(s.get("node")) for s in first.get("stops", []) or []]
    others = [str(n) for r in routes for n in r.get("nodes", []) or []]
    return list(dict.fromkeys([*ends, *borders, *stops, *nodes, *others]))


def route_map(
    routes: Mapping[str, Any],
    network: Network,
    *,
    title: str = "Routes",
    width: float = 1100,
    max_labels: int = 30,
) -> Markup:
    """An SVG map of the routes of a route set, route 1 on top, over the network's links in grey.

    Parameters
    ----------
    routes
        ``RouteSet.to_dict()``: its ``routes`` with ``nodes``, ``legs`` (``link``, ``start``,
        ``end``, ``mode``, ``distance_km``, ``time_h``), ``stops`` and ``borders``.
    network
        The network the routes were planned on (node coordinates, the grey links).
    title, width, max_labels
        The accessible title, the width of the SVG coordinate system and the most node names written.

    Returns
    -------
    Markup
        One ``<svg class="map">`` with one ``<path class="route rN">`` per leg of route N.

    Examples
    --------
    The two routes of a small network, cheapest first:

    >>> from corridor.model import Commodity, Link, Network, Node
    >>> from corridor.routing import plan_routes
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0 + k)
    ...          for k, i in enumerate(["mine", "port", "via"])]
    >>> rail = {"mode": "rail-1520", "speed_kmh": 50.0}
    >>> links = [Link("direct", "mine", "port", distance_km=500.0, cost_usd_per_t=10.0, **rail),
    ...          Link("mine-via", "mine", "via", distance_km=400.0, cost_usd_per_t=8.0, **rail),
    ...          Link("via-port", "via", "port", distance_km=300.0, cost_usd_per_t=7.0, **rail)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> routes = plan_routes(net, "mine", "port", cargo="coal", k=2).to_dict()
    >>> len(routes["routes"])
    2
    >>> route_map(routes, net, title="Two routes").startswith('<svg xmlns="http://www.w3.org/2000/svg" class="map"')
    True
    """
    rs = [r for r in routes.get("routes", []) or [] if isinstance(r, Mapping)]
    unit = str(routes.get("unit", "") or "unit")
    pos = {n.id: (float(n.lon), float(n.lat)) for n in network.nodes}
    names = {n.id: n.name or n.id for n in network.nodes}
    on_route = [str(n) for r in rs for n in r.get("nodes", []) or [] if str(n) in pos]
    proj = Projection.around([pos[n] for n in on_route] or list(pos.values()), width, margin=1.0, min_span=14.0)

    def grey(lid: str, mode: str, corridor: str) -> LinkStyle:
        return LinkStyle("link", _NETWORK, 1.0, 0.8, f"{lid} ({mode})", 0.0)

    base, schematic = draw_links(network_links(network, {}), grey, proj, pos)
    legs = {d[0]: d for d in _legs(rs)}

    def style(key: str, mode: str, corridor: str) -> LinkStyle:
        i, j, _ = key.split(":", 2)
        leg = rs[int(i)]["legs"][int(j)]
        return LinkStyle(f"route r{int(i) + 1}", route_colour(int(i)), 5.0 if i == "0" else 3.0, 1.0,
                         _leg_tip(int(i), leg, names), -int(i))

    paths, schematic_legs = draw_links(list(legs.values()), style, proj, pos)
    shapes, _ = countries_layer(proj, {str(c) for r in rs for c in r.get("countries", []) or []},
                                tol=0.0 if width >= 900 else 2.5)
    xy = {k: proj(*p) for k, p in pos.items()}
    boxes = [(xy[n][0] - 3, xy[n][1] - 3, xy[n][0] + 3, xy[n][1] + 3) for n in on_route]
    order = [n for n in _candidates(rs) if n in xy]
    ends = set(order[:2])
    dots = [f'<circle cx="{_n(xy[n][0])}" cy="{_n(xy[n][1])}" r="{4.5 if n in ends else 2.8}" fill="#ffffff" '
            f'stroke="#1d2733" stroke-width="{1.6 if n in ends else 1.1}"><title>{esc(names[n])} ({esc(n)})</title>'
            "</circle>" for n in order]
    labels = node_labels([(names[n], *xy[n]) for n in order], boxes, proj, max_labels)
    entries: list[LegendEntry] = [(_route_label(i, r, unit), route_colour(i), 5.0 if i == 0 else 3.0, "")
                                  for i, r in enumerate(rs)]
    legend_rows: list[list[LegendEntry]] = [entries, [("Other links of the network", _NETWORK, 1.0, "")]]
    if schematic or schematic_legs:
        legend_rows[1].append(("Long sea route (via Suez), drawn schematically", _NETWORK, 1.6, "7 5"))
    legend, legend_h = legend_band(proj.height, proj.width, legend_rows)
    layers = [COUNTRIES_G, *shapes, "</g>", '<g class="links">', *base, "</g>", '<g class="routes">', *paths,
              "</g>", '<g class="nodes">', *dots, "</g>", '<g class="labels">', *labels, "</g>"]
    return map_svg(proj, title, layers, legend, legend_h)
