"""The view of an assignment: ``LPResult.to_dict()`` or the freight equilibrium's ``to_dict()``.

Totals, served and unserved demand by commodity, the physical measures of the routes (via Russia,
across the Caspian, by route corridor, border nodes), tonne-km by corridor tag, binding capacities (LP) or the
most delayed capacities (equilibrium), the largest link flows and a map of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.model import Network
from corridor.report import _fmt
from corridor.report._map import corridor_colour, link_flow_map
from corridor.report._measures import measures_view
from corridor.report._page import Markup, card, join, page_or_div, table, tag, write_page
from corridor.report._slices import slices_section
from corridor.report._svg import BLUE, VERMILLION, bar_chart
from corridor.report._tables import bottleneck_table, congestion_table, link_flow_table, unserved_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["render_assignment", "write_assignment"]

Json = Mapping[str, Any]
_TOP_LINKS = 15


def _records(link_flows: pd.DataFrame | Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Link-flow rows as dicts, whether they come as ``links_frame()`` or as records."""
    if link_flows is None:
        return []
    to_dict = getattr(link_flows, "to_dict", None)
    rows = to_dict(orient="records") if callable(to_dict) else list(link_flows)
    out = [dict(r) for r in rows if isinstance(r, Mapping)]
    out.sort(key=lambda r: (-(_fmt.num(r.get("tonnes")) or 0.0), str(r.get("link")), str(r.get("from"))))
    return out


def _is_eq(result: Json) -> bool:
    return result.get("method") == "equilibrium"


def _served(result: Json) -> tuple[float | None, float | None, float | None]:
    demand = _fmt.num(result.get("demand_t"))
    served = _fmt.num(result.get("served_t", result.get("served")))
    unserved = _fmt.num(result.get("unserved_t", result.get("unserved")))
    return demand, served, unserved


def _tonne_hours(result: Json) -> float | None:
    if _is_eq(result):
        return _fmt.num(result.get("total_travel_time"))
    return _fmt.num((result.get("meta") or {}).get("tonne_hours"))


def _totals(result: Json) -> Markup:
    demand, served, unserved = _served(result)
    cost = _fmt.num(result.get("total_cost"))
    rows: list[list[object]] = [
        ["Demand", (f"{_fmt.tonnes(demand)}/yr", demand)], ["Served", (f"{_fmt.tonnes(served)}/yr", served)],
        ["Unserved", (f"{_fmt.tonnes(unserved)}/yr", unserved)], ["Generalised cost", (f"{_fmt.usd(cost)}/yr", cost)],
    ]
    if not _is_eq(result):
        for key, name in (("money_usd", "Freight charges"), ("unserved_penalty_usd", "Penalty on unserved tonnes")):
            v = _fmt.num(result.get(key))
            rows.append([name, (f"{_fmt.usd(v)}/yr", v)])
    th = _tonne_hours(result)
    for name, v, f in (("Tonne-kilometres", _fmt.num(result.get("tonne_km")), _fmt.tonne_km),
                       ("CO₂e emissions", _fmt.num(result.get("co2e_kg")), _fmt.co2e_kg),
                       ("Tonne-hours in transit", th, _fmt.hours_t)):
        rows.append([name, (f"{f(v)}/yr", v)])
    return table(["Measure", "Per year"], rows, numeric=(1,), sortable=False,
                 caption="Generalised cost adds the value of time (and carbon, when priced) to freight charges.")


def _cards(result: Json) -> Markup:
    demand, served, unserved = _served(result)
    share = f"{_fmt.share((unserved or 0.0) / demand, 1)} of demand" if demand else ""
    cost = _fmt.num(result.get("total_cost"))
    return Markup('<div class="cards">' + "".join([
        card("Served", f"{_fmt.tonnes(served)}/yr", f"of {_fmt.tonnes(demand)}/yr demand"),
        card("Unserved", f"{_fmt.tonnes(unserved)}/yr", share, tone="worse" if unserved else "neutral"),
        card("Generalised cost", f"{_fmt.usd(cost)}/yr", "money, time and carbon"),
        card("CO₂e emissions", f"{_fmt.co2e_kg(_fmt.num(result.get('co2e_kg')))}/yr",
             f"{_fmt.tonne_km(_fmt.num(result.get('tonne_km')))}/yr"),
    ]) + "</div>")


def _commodities(result: Json) -> Markup:
    by = result.get("by_commodity") or {}
    if not by:
        return Markup('<p class="note">No results by commodity.</p>')

    def v(c: str, k: str) -> float:
        return _fmt.num((by.get(c) or {}).get(k)) or 0.0

    names = sorted(by, key=lambda c: (-v(c, "demand_t"), c))
    rows = [[c, *((f"{_fmt.tonnes(v(c, k))}/yr", v(c, k)) for k in ("demand_t", "served_t", "unserved_t"))]
            for c in names]
    tbl = table(["Commodity", "Demand", "Served", "Unserved"], rows, numeric=(1, 2, 3))
    chart = bar_chart(names, [[(v(c, "served_t"), v(c, "unserved_t"))] for c in names], [(BLUE, VERMILLION)],
                      title="Served and unserved tonnes per year by commodity", fmt=_fmt.tonnes,
                      legend=[("Served", BLUE), ("Unserved", VERMILLION)], segment_names=["served", "unserved"],
                      width=560, label_width=100)
    return Markup(f'<div class="grid2"><div>{tbl}</div><figure>{chart}</figure></div>')


def _corridor_tags(result: Json) -> Markup:
    """Tonne-km and CO2e of the links by corridor tag (the link entries are not shown: they count re-entries)."""
    by = {str(k): v for k, v in (result.get("by_corridor") or {}).items() if isinstance(v, Mapping)}
    names = sorted(by, key=lambda c: (-(_fmt.num(by[c].get("tonne_km")) or 0.0), c))
    if not names:
        return Markup('<p class="note">No results by corridor tag.</p>')
    rows = []
    for c in names:
        tkm, co2 = (_fmt.num(by[c].get(k)) for k in ("tonne_km", "co2e_kg"))
        swatch = tag("span", "■", style=f"color:{corridor_colour(c)}")
        rows.append([Markup(f"{swatch} {tag('span', c)}"), (f"{_fmt.tonne_km(tkm)}/yr", tkm),
                     (f"{_fmt.co2e_kg(co2)}/yr", co2)])
    return table(["Corridor tag", "Tonne-km", "CO₂e"], rows, numeric=(1, 2),
                 caption="Tonne-km and CO₂e per year on the links carrying each corridor tag.")


def _capacities(result: Json, names: Mapping[str, str]) -> Markup:
    if _is_eq(result):
        rows = [r for r in result.get("congestion", []) or [] if isinstance(r, Mapping)]
        rows.sort(key=lambda r: -(_fmt.num(r.get("delay_h")) or 0.0))
        rows = [r for r in rows if (_fmt.num(r.get("delay_h")) or 0.0) >= 0.05]
        if not rows:
            return Markup('<p class="note">No capacity delays freight by more than three minutes.</p>')
        return congestion_table(rows, names, caption=f"The {min(len(rows), 15)} capacities with the largest delay at "
                                "equilibrium (volume-delay functions on links, ports and borders).")
    rows = [r for r in result.get("bottlenecks", []) or [] if isinstance(r, Mapping)]
    if not rows:
        return Markup('<p class="note">No capacity binds.</p>')
    return bottleneck_table(rows, names, caption="Capacities that bind, most valuable first: how much the year's "
                            "generalised cost would fall with one more tonne (or TEU) per year of each.")


def _unserved(result: Json, names: Mapping[str, str]) -> Markup:
    rows = [r for r in result.get("by_od", []) or [] if isinstance(r, Mapping) and (_fmt.num(r.get("unserved_t")) or 0)]
    if not rows:
        return Markup("")
    return join([tag("h2", "Unserved demand"),
                 unserved_table(rows, names, caption="Demand rows the assignment cannot (fully) serve.")])


def _subtitle_of(result: Json) -> str:
    net = result.get("network") or (result.get("meta") or {}).get("network") or "?"
    if _is_eq(result) or _is_research(result):
        gap = _fmt.num(result.get("gap"))
        state = "converged" if result.get("converged") else "NOT converged"
        return (f"User equilibrium ({result.get('algorithm', result.get('method', '?'))}) on {net}: relative gap "
                f"{'–' if gap is None else f'{gap:.2e}'} after {result.get('iterations', '?')} iterations, {state}")
    return f"System optimum (min-cost multicommodity flow, HiGHS) on {net}: {result.get('status', '?')}"


def _map_figure(network: Network, flows: Sequence[Json], *, small: bool) -> Markup:
    m = link_flow_map(network, flows, title="Map of link flows", width=560 if small else 1100,
                      max_labels=12 if small else 40)
    cap = "" if small else ("<figcaption>Line width grows with the tonnes per year on a link (both directions "
                            "added); colour: its corridor tag. Hover a link for its flows.</figcaption>")
    return Markup(f"<figure>{m}{cap}</figure>")


def _is_research(result: Json) -> bool:
    """A research network's equilibrium (TNTP): flows in its own units, no tonnes, corridors or capacities."""
    return "total_flow" in result and "by_corridor" not in result


def _research_rows(rows: Sequence[Json]) -> list[dict[str, Any]]:
    """``link, a, b, flow (, reverse_flow)`` rows as link directions ``link, from, to, flow``."""
    out = []
    for r in rows:
        out.append({**r, "from": r.get("a", r.get("from")), "to": r.get("b", r.get("to"))})
        back = _fmt.num(r.get("reverse_flow"))
        if back:
            out.append({**r, "from": r.get("b"), "to": r.get("a"), "flow": back})
    return out


def _research(result: Json, rows: Sequence[Json], network: Network, names: Mapping[str, str], *,
              small: bool) -> Markup:
    """The view of a research network's equilibrium: the busiest links by volume/capacity and a map of flows."""
    flows = _research_rows(rows)
    busy = sorted(rows, key=lambda r: (-(_fmt.num(r.get("voc")) or 0.0), str(r.get("link"))))[:10 if small else 25]
    table_rows = []
    for r in busy:
        f, t, c, v = (_fmt.num(r.get(k)) for k in ("flow", "time", "capacity", "voc"))
        a, b = str(r.get("a", "")), str(r.get("b", ""))
        table_rows.append([tag("code", r.get("link", "")), f"{names.get(a, a)} → {names.get(b, b)}",
                           (_fmt.number(f, 1), f), (_fmt.number(t, 2), t), (_fmt.number(c, 1), c),
                           (_fmt.number(v, 3), v)])
    tbl = table(["Link", "Direction", "Flow", "Travel time", "Capacity", "Volume/capacity"], table_rows,
                numeric=range(2, 6), sortable=not small,
                caption="The busiest links by volume over capacity; flow, time and capacity in the network's own "
                        "units (TNTP: vehicles per hour and minutes).")
    m = link_flow_map(network, flows, title="Map of link flows", width=560 if small else 1100,
                      max_labels=12 if small else 40, key="flow", fmt=lambda x: f"flow {_fmt.number(x, 1)}",
                      geographic=False)
    total = tag("p", f"Total travel time {_fmt.number(_fmt.num(result.get('total_travel_time')), 1)}; total flow "
                     f"{_fmt.number(_fmt.num(result.get('total_flow')), 1)} (the network's own units).",
                class_="note")
    return join([total, tbl, Markup(f"<figure>{m}</figure>")])


def render_assignment(
    result: Json,
    link_flows: pd.DataFrame | Iterable[Mapping[str, Any]] | None,
    network: Network,
    *,
    title: str = "Freight assignment",
    created: str | None = None,
    fragment: bool = False,
) -> str:
    """The view of an assignment: totals, commodities, corridors, capacities, link flows and their map.

    Parameters
    ----------
    result
        ``LPResult.to_dict()`` or the freight equilibrium's ``to_dict()`` (as ``corridor assign
        --json`` prints them); ``method`` tells them apart. The ``to_dict()`` of an equilibrium on a
        research network (TNTP, no freight capacities) gives a smaller view: the busiest links and
        a map of flows in the network's own units.
    link_flows
        The result's ``links_frame()`` (or its rows as mappings): one row per link direction with
        ``link``, ``from``, ``to``, ``mode``, ``corridor`` and ``tonnes`` (research networks:
        ``link, a, b, flow, time, capacity, voc``).
    network
        The network assigned (node names and coordinates for the map).
    title, created, fragment
        As in :func:`render_comparisons`; a notebook's fragment holds flows by corridor and a small map.

    Returns
    -------
    str
        The page of the assignment, or its fragment.

    See Also
    --------
    write_assignment : the page, written to a file.

    Examples
    --------
    The page of a small LP (see :func:`corridor.assignment.solve_lp`), with its link-flow map as SVG:

    >>> from corridor.assignment import solve_lp
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0 + k)
    ...          for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> res = solve_lp(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> html = render_assignment(res.to_dict(), res.links_frame(), net, title="Toy coal flows")
    >>> html.startswith("<!DOCTYPE html>"), "<svg" in html, "Toy coal flows" in html
    (True, True, True)

    ``fragment=True`` gives a ``<div>`` to embed in another page (or a notebook):

    >>> render_assignment(res.to_dict(), res.links_frame(), net, fragment=True).startswith("<div")
    True
    """
    names = {n.id: n.name or n.id for n in network.nodes}
    if _is_research(result):
        rows = _records(link_flows)
        return page_or_div(title, _research(result, rows, network, names, small=False),
                           _research(result, rows, network, names, small=True), subtitle=_subtitle_of(result),
                           created=created, fragment=fragment)
    flows = [r for r in _records(link_flows) if (_fmt.num(r.get("tonnes")) or 0.0) > 0]
    demand, served, unserved = _served(result)
    cost = _fmt.usd(_fmt.num(result.get("total_cost")))
    summary = tag("p", f"Served {_fmt.tonnes(served)}/yr of {_fmt.tonnes(demand)}/yr, unserved "
                       f"{_fmt.tonnes(unserved)}/yr; generalised cost {cost}/yr.", class_="note")
    small = join([summary, measures_view(result.get("measures"), compact=True),
                  _map_figure(network, flows, small=True)])
    top = flows[:_TOP_LINKS]
    whole = join([
        _cards(result), tag("h2", "Totals"), _totals(result), tag("h2", "Demand by commodity"), _commodities(result),
        tag("h2", "What the routes do"), measures_view(result.get("measures")),
        tag("h2", "Tonne-km by corridor tag"), _corridor_tags(result), tag("h2", "Map of link flows"),
        _map_figure(network, flows, small=False),
        tag("h2", "Most delayed capacities" if _is_eq(result) else "Binding capacities"), _capacities(result, names),
        _unserved(result, names), slices_section(result), tag("h2", "Largest link flows"),
        link_flow_table(top, names, caption=f"The {len(top)} largest of {len(flows)} link directions with flow.")
        if flows else Markup('<p class="note">No link carries flow.</p>'),
    ])
    return page_or_div(title, whole, small, subtitle=_subtitle_of(result), created=created, fragment=fragment)


def write_assignment(
    path: str | Path,
    result: Json,
    link_flows: pd.DataFrame | Iterable[Mapping[str, Any]] | None,
    network: Network,
    *,
    title: str = "Freight assignment",
    created: str | None = None,
) -> Path:
    """Write the page of :func:`render_assignment` to ``path`` atomically; the path written.

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
    >>> res = solve_lp(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> import tempfile
    >>> out = write_assignment(Path(tempfile.mkdtemp()) / "toy.html", res.to_dict(), res.links_frame(), net)
    >>> out.name, "<svg" in out.read_text(encoding="utf-8")
    ('toy.html', True)
    """
    return write_page(path, render_assignment(result, link_flows, network, title=title, created=created))
