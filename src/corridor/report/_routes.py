"""The view of a route set (``RouteSet.to_dict()``): routes table, route 1's legs and profile, map."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from corridor.model import Network
from corridor.report import _fmt
from corridor.report._page import Markup, card, join, page_or_div, table, tag, write_page
from corridor.report._route_map import route_colour, route_map
from corridor.report._svg import BASE, BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION, Line, line_chart

__all__ = ["render_routes", "write_routes"]

Json = Mapping[str, Any]

MODE_COLOURS = {"rail-1520": BLUE, "rail-1435": SKY, "road": ORANGE, "sea": GREEN, "feeder": GREEN,
                "rail-ferry": PURPLE, "pipeline": BASE}
"""Colours of the legs of a time/cost–distance profile by mode; stops are vermillion."""


_num = _fmt.num


def _routes(routes: Json) -> list[Json]:
    return [r for r in routes.get("routes", []) or [] if isinstance(r, Mapping)]


def _unit(routes: Json) -> str:
    return str(routes.get("unit", "") or "t")


def _name(names: Mapping[str, str], node: object) -> str:
    return names.get(str(node), str(node))


def _via(r: Json, names: Mapping[str, str]) -> str:
    inner = [_name(names, n) for n in (r.get("nodes", []) or [])[1:-1]]
    return " → ".join(inner if len(inner) <= 6 else [*inner[:3], "…", *inner[-2:]])


def _routes_table(routes: Json, names: Mapping[str, str], *, compact: bool = False) -> Markup:
    unit = _unit(routes)
    rows = []
    for i, r in enumerate(_routes(routes)):
        days, cost, co2, risk, dist = (_num(r.get(k)) for k in ("time_days", "cost_usd", "co2e_kg", "risk",
                                                                 "distance_km"))
        swatch = tag("span", "■", style=f"color:{route_colour(i)}")
        row: list[object] = [(Markup(f"{swatch} {i + 1}"), i + 1), (_fmt.number(days, 1), days),
                             (_fmt.number(cost), cost), (_fmt.number(co2), co2)]
        if not compact:
            row += [(_fmt.number(risk, 2), risk), (_fmt.number(dist), dist)]
        row += [(str(r.get("border_crossings", 0)), _num(r.get("border_crossings"))),
                "–".join(map(str, r.get("countries", []) or []))]
        if not compact:
            row += [", ".join(map(str, r.get("modes", []) or [])), _via(r, names)]
        rows.append(row)
    head = ["Route", "Time (days)", f"Cost (USD/{unit})", f"CO₂e (kg/{unit})"]
    head += [] if compact else ["Risk", "Distance (km)"]
    head += ["Borders", "Countries"] + ([] if compact else ["Modes", "Via"])
    numeric = range(5) if compact else range(7)
    return table(head, rows, numeric=numeric, sortable=not compact,
                 caption=f"Door-to-door per {unit}: running time plus every stop; cost is tariffs plus transfer "
                         "charges.")


def _legs_table(r: Json, names: Mapping[str, str], unit: str) -> Markup:
    by_leg: dict[int, list[Json]] = {}
    for s in r.get("stops", []) or []:
        by_leg.setdefault(int(s.get("after_leg", -1)), []).append(s)
    rows: list[list[object]] = []
    classes: list[str | None] = []

    def stops(i: int) -> None:
        for s in by_leg.get(i, []):
            t, c = _num(s.get("time_h")), _num(s.get("cost_usd"))
            rows.append(["", f"at {_name(names, s.get('node'))}", str(s.get("kind", "")), "", "",
                         (_fmt.number(t, 1), t), (_fmt.number(c), c), ""])
            classes.append("stop")

    stops(-1)
    for i, leg in enumerate(r.get("legs", []) or []):
        d, t, c, e = (_num(leg.get(k)) for k in ("distance_km", "time_h", "cost_usd", "co2e_kg"))
        rows.append([(str(i + 1), i + 1), f"{_name(names, leg.get('start'))} → {_name(names, leg.get('end'))}",
                     str(leg.get("mode", "")), str(leg.get("country", "") or "sea"), (_fmt.number(d), d),
                     (_fmt.number(t, 1), t), (_fmt.number(c), c), (_fmt.number(e), e)])
        classes.append(None)
        stops(i)
    head = ["Leg", "From → to, or stop at", "Mode or stop", "Country", "Distance (km)", "Time (h)",
            f"Cost (USD/{unit})", f"CO₂e (kg/{unit})"]
    return table(head, rows, numeric=(0, 4, 5, 6, 7), sortable=False, row_classes=classes,
                 caption="Legs in travel order; the stops (borders, gauge changes, port handling) follow the leg "
                         "they end.")


def _profile(r: Json) -> list[Json]:
    """The time/cost–distance points of a route: its ``profile``, or built from its legs and stops."""
    if r.get("profile"):
        return [p for p in r["profile"] if isinstance(p, Mapping)]
    nodes = r.get("nodes", []) or [""]
    pts: list[Json] = [{"distance_km": 0.0, "time_h": 0.0, "cost_usd": 0.0, "event": "start", "at": nodes[0]}]
    by_leg: dict[int, list[Json]] = {}
    for s in r.get("stops", []) or []:
        by_leg.setdefault(int(s.get("after_leg", -1)), []).append(s)
    d = t = c = 0.0
    for i, leg in enumerate([None, *(r.get("legs", []) or [])]):
        if leg is not None:
            d, t, c = (d + (_num(leg.get("distance_km")) or 0.0), t + (_num(leg.get("time_h")) or 0.0),
                       c + (_num(leg.get("cost_usd")) or 0.0))
            pts.append({"distance_km": d, "time_h": t, "cost_usd": c, "event": leg.get("mode"), "at": leg.get("end")})
        for s in by_leg.get(i - 1, []):
            t, c = t + (_num(s.get("time_h")) or 0.0), c + (_num(s.get("cost_usd")) or 0.0)
            pts.append({"distance_km": d, "time_h": t, "cost_usd": c, "event": s.get("kind"), "at": s.get("node")})
    return pts


def _profile_lines(points: Sequence[Json], key: str, scale: float, names: Mapping[str, str],
                   tip: Any) -> list[Line]:
    """Legs as rising lines (one per run of a mode), stops as vermillion vertical steps."""
    lines: list[Line] = []
    run: list[Json] = []
    for prev, cur in itertools.pairwise(points):
        is_stop = cur.get("event") not in MODE_COLOURS
        if run and (is_stop or run[-1].get("event") != cur.get("event")):
            lines.append(_profile_line(run, key, scale, names, tip))
            run = []
        if is_stop:
            lines.append(Line("stop (border, gauge change, port)", [float(prev["distance_km"])] * 2,
                              [float(prev[key]) / scale, float(cur[key]) / scale], VERMILLION, 3.0,
                              ["", tip(cur, names)]))
        else:
            run = run or [prev]
            run.append(cur)
    if run:
        lines.append(_profile_line(run, key, scale, names, tip))
    return lines


def _profile_line(run: Sequence[Json], key: str, scale: float, names: Mapping[str, str], tip: Any) -> Line:
    mode = str(run[-1].get("event", ""))
    return Line(mode, [float(p["distance_km"]) for p in run], [float(p[key]) / scale for p in run],
                MODE_COLOURS.get(mode, BLUE), 2.2, [tip(p, names) for p in run])


def _profile_charts(r: Json, names: Mapping[str, str], unit: str) -> Markup:
    points = _profile(r)
    if len(points) < 2:
        return Markup('<p class="note">This route has no legs.</p>')

    def tip(p: Json, nm: Mapping[str, str]) -> str:
        what = "start" if p.get("event") == "start" else str(p.get("event", ""))
        return (f"{_name(nm, p.get('at'))} ({what}): {_fmt.number(_num(p.get('distance_km')))} km, "
                f"{_fmt.number(_num(p.get('time_h')), 1)} h ({_fmt.number((_num(p.get('time_h')) or 0) / 24, 1)} "
                f"days), {_fmt.number(_num(p.get('cost_usd')))} USD/{unit}")

    km = _fmt.number  # whole kilometres and dollars
    charts = [
        line_chart(_profile_lines(points, "time_h", 24.0, names, tip), title="Time–distance profile of route 1",
                   xlabel="distance from the origin (km)", ylabel="time since departure (days)",
                   fmt_x=km, fmt_y=lambda y: _fmt.number(y, 1), width=560, height=300),
        line_chart(_profile_lines(points, "cost_usd", 1.0, names, tip), title="Cost–distance profile of route 1",
                   xlabel="distance from the origin (km)", ylabel=f"cost so far (USD/{unit})",
                   fmt_x=km, fmt_y=km, width=560, height=300),
    ]
    figs = "".join(f"<figure>{c}</figure>" for c in charts)
    return Markup(f'<div class="grid2">{figs}</div><p class="note">The UNESCAP time/cost–distance profile: legs rise '
                  "with distance in the colour of their mode; stops at borders, gauge changes and ports are vertical "
                  "steps in vermillion. Hover a point for its place and running totals.</p>")


def _cards(r: Json, unit: str) -> Markup:
    gauges = r.get("gauge_changes", []) or []
    return Markup('<div class="cards">' + "".join([
        card("Door to door", f"{_fmt.number(_num(r.get('time_days')), 1)} days",
             f"{_fmt.number(_num(r.get('time_h')), 1)} h including stops"),
        card("Cost", f"{_fmt.number(_num(r.get('cost_usd')))} USD/{unit}", "tariffs and transfer charges"),
        card("CO₂e", f"{_fmt.number(_num(r.get('co2e_kg')))} kg/{unit}", "emissions of the legs"),
        card("Distance", f"{_fmt.number(_num(r.get('distance_km')))} km",
             f"{r.get('border_crossings', 0)} border crossing(s), {len(gauges)} gauge change(s)"),
    ]) + "</div>")


def _borders(r: Json, names: Mapping[str, str]) -> Markup:
    items = [f"{b.get('from')} → {b.get('to')} at {_name(names, b.get('node'))}" for b in r.get("borders", []) or []]
    if not items:
        return Markup('<p class="note">Route 1 crosses no border.</p>')
    return tag("p", "Borders: " + "; ".join(items) + ".", class_="note")


def _subtitle(routes: Json, names: Mapping[str, str]) -> str:
    bits = [f"{_name(names, routes.get('origin', '?'))} → {_name(names, routes.get('destination', '?'))}",
            f"{routes.get('cargo', '?')} ({_unit(routes)})", f"ranked by {routes.get('by', '?')}"]
    if routes.get("search"):
        bits.append(str(routes["search"]))
    cons = routes.get("constraints", {}) or {}
    bits += [f"{k.replace('_', ' ')}: {v}" for k, v in cons.items()]
    return " · ".join(bits)


def render_routes(
    routes: Json,
    network: Network,
    *,
    title: str = "Routes",
    created: str | None = None,
    fragment: bool = False,
) -> str:
    """The view of a route set: routes table, map, and route 1's legs, stops and time/cost–distance profile.

    Parameters
    ----------
    routes
        ``RouteSet.to_dict()`` (as ``corridor route --json`` prints it): ``origin``,
        ``destination``, ``cargo``, ``unit`` and the ``routes`` with their legs, stops, borders
        and ``profile``.
    network
        The network the routes were planned on (node names and coordinates for the map).
    title, created, fragment
        As in :func:`render_comparisons`; a notebook's fragment holds the routes table and a small map.

    Returns
    -------
    str
        The page of the routes, or its fragment.

    See Also
    --------
    write_routes : the page, written to a file.

    Examples
    --------
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
    >>> routes = plan_routes(net, "mine", "port", cargo="coal")
    >>> html = render_routes(routes.to_dict(), net)
    >>> html.startswith("<!DOCTYPE html>"), "<svg" in html
    (True, True)
    """
    names = {n.id: n.name or n.id for n in network.nodes}
    rs, unit = _routes(routes), _unit(routes)
    subtitle = _subtitle(routes, names)
    notice = (tag("p", str(routes.get("message")), class_="notice") if routes.get("message") else Markup(""))
    if not rs:
        body = join([notice, Markup('<p class="note">No route found.</p>')])
        return page_or_div(title, body, body, subtitle=subtitle, created=created, fragment=fragment)
    small_map = route_map(routes, network, title=f"Map of the routes: {subtitle}", width=560, max_labels=12)
    small = Markup(f"<figure>{small_map}</figure>")
    frag = join([notice, _routes_table(routes, names, compact=True), small])
    whole = join([
        notice, _cards(rs[0], unit), tag("h2", "Routes"), _routes_table(routes, names),
        Markup(f"<figure>{route_map(routes, network, title=f'Map of the routes: {subtitle}')}"
               "<figcaption>Route 1 is the widest line; hover a leg for its distance and time.</figcaption></figure>"),
        tag("h2", "Route 1 in detail"), _borders(rs[0], names), _legs_table(rs[0], names, unit),
        tag("h3", "Time/cost–distance profile"), _profile_charts(rs[0], names, unit)])
    return page_or_div(title, whole, frag, subtitle=subtitle, created=created, fragment=fragment)


def write_routes(
    path: str | Path,
    routes: Json,
    network: Network,
    *,
    title: str = "Routes",
    created: str | None = None,
) -> Path:
    """Write the page of :func:`render_routes` to ``path`` atomically; the path written.

    Examples
    --------
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
    >>> routes = plan_routes(net, "mine", "port", cargo="coal")
    >>> import tempfile
    >>> out = write_routes(Path(tempfile.mkdtemp()) / "routes.html", routes.to_dict(), net)
    >>> "<svg" in out.read_text(encoding="utf-8")
    True
    """
    return write_page(path, render_routes(routes, network, title=title, created=created))

