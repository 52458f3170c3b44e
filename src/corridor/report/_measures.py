"""The physical measures in reports: what the routes of the served tonnes do.

Reads the ``measures`` of an assignment's ``to_dict()`` or a run summary, and the ``measures`` and
``by_corridor`` of a comparison's diff (see :mod:`corridor.assignment.measures`). Every table says
what it counts, from the ``counts`` texts the measures carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridor.report import _fmt
from corridor.report._map import corridor_colour
from corridor.report._page import Markup, esc, join, table, tag
from corridor.report._svg import BASE, BLUE, bar_chart

__all__ = ["SCALARS", "measures_diff_view", "measures_view", "shares_diff_view"]

Json = Mapping[str, Any]

SCALARS = ("served_t", "served_teu", "russia_t", "russia_teu", "titr_t", "titr_teu", "caspian_oil_t",
           "kz_transit_teu")
"""The scalar measures, in the order the reports show them."""


def _n(x: object) -> float:
    return _fmt.num(x) or 0.0


def _scalars(m: Json) -> Markup:
    counts = m.get("counts") or {}
    rows = [[_fmt.label(k), (_fmt.metric(k, _n(m.get(k))), _n(m.get(k))), str(counts.get(k, ""))]
            for k in SCALARS if k in m]
    return table(["Measure", "Per year", "Counts"], rows, numeric=(1,), sortable=False,
                 caption="What the routes of the served tonnes physically do; no figure exceeds what was served.")


def _corridors(m: Json, *, compact: bool) -> Markup:
    rows_in = [r for r in m.get("by_corridor") or [] if isinstance(r, Mapping)]
    if not rows_in:
        return Markup('<p class="note">No routes by corridor.</p>')
    rows = []
    for r in rows_in:
        t, teu = _n(r.get("tonnes")), _n(r.get("teu"))
        swatch = tag("span", "■", style=f"color:{corridor_colour(str(r.get('corridor')))}")
        row: list[object] = [Markup(f"{swatch} {tag('span', str(r.get('corridor')))}"), (f"{_fmt.tonnes(t)}/yr", t),
                             (_fmt.count(teu, "TEU/yr"), teu)]
        if not compact:
            row.append(str(r.get("counts", "")))
        rows.append(row)
    head = ["Corridor", "Tonnes served", "Containers"] + ([] if compact else ["Counts"])
    tbl = table(head, rows, numeric=(1, 2), sortable=False,
                caption="Each route is assigned to one corridor (via Russia → northern; else across the Caspian "
                        "→ trans-caspian; else via Turkmenistan or Iran → southern; else by sea → maritime; "
                        "else other): the rows add up to the tonnes served.")
    if compact:
        return tbl
    names = [str(r.get("corridor")) for r in rows_in]
    # one segment per corridor, non-zero in its own row only: each bar in its corridor's colour
    values = [[tuple(_n(r.get("tonnes")) if j == i else 0.0 for j in range(len(rows_in)))]
              for i, r in enumerate(rows_in)]
    chart = bar_chart(names, values, [tuple(corridor_colour(n) for n in names)], segment_names=names,
                      title="Tonnes served per year by route corridor", fmt=_fmt.tonnes, width=560, label_width=110)
    return Markup(f'<div class="grid2"><div>{tbl}</div><figure>{chart}</figure></div>')


def _node_rows(rows_in: list[Json]) -> list[list[object]]:
    return [[str(r.get("name") or r.get("node")), str(r.get("country", "")),
             (f"{_fmt.tonnes(_n(r.get('tonnes')))}/yr", _n(r.get("tonnes"))),
             (_fmt.count(_n(r.get("teu")), "TEU/yr"), _n(r.get("teu")))] for r in rows_in]


def _places(m: Json, top: int) -> Markup:
    parts = []
    borders = [r for r in m.get("by_border") or [] if isinstance(r, Mapping)][:top]
    if borders:
        parts.append(table(["Node", "Country", "Tonnes", "Containers"], _node_rows(borders), numeric=(2, 3),
                           caption=f"The {len(borders)} busiest border nodes: routes that change country there "
                                   "(an end of a link joining two countries) or clear a border there; both "
                                   "stations of one crossing show its tonnes."))
    gauges = [r for r in m.get("by_gauge_change") or [] if isinstance(r, Mapping)]
    if gauges:
        parts.append(table(["Node", "Country", "Tonnes", "Containers"], _node_rows(gauges), numeric=(2, 3),
                           caption="Gauge changes: routes passing a gauge-change transfer at the node."))
    pairs = [r for r in m.get("caspian_by_port_pair") or [] if isinstance(r, Mapping)]
    if pairs:
        rows = [[f"{r.get('from')} → {r.get('to')}", (f"{_fmt.tonnes(_n(r.get('tonnes')))}/yr", _n(r.get("tonnes"))),
                 (_fmt.count(_n(r.get("teu")), "TEU/yr"), _n(r.get("teu")))] for r in pairs]
        parts.append(table(["Ports", "Tonnes", "Containers"], rows, numeric=(1, 2),
                           caption="Across the Caspian: routes using a water link between two littoral countries, "
                                   "by direction (ferries, feeders and tankers together)."))
    return join(parts)


def _node_changes(measures: Json, top: int = 12) -> Markup:
    """The border and gauge-change nodes and Caspian port pairs whose tonnes change most."""
    rows: list[tuple[float, list[object]]] = []
    for table_key, what in (("by_border", "border"), ("by_gauge_change", "gauge change"),
                            ("caspian_by_port_pair", "Caspian crossing")):
        for name, v in (measures.get(table_key) or {}).items():
            d = v.get("tonnes") if isinstance(v, Mapping) else None
            if not isinstance(d, Mapping) or not _n(d.get("change")):
                continue
            b, s = _n(d.get("baseline")), _n(d.get("scenario"))
            rows.append((abs(s - b), [what, name, (_fmt.tonnes(b), b), (_fmt.tonnes(s), s),
                                      (_fmt.tonnes(s - b, signed=True), s - b)]))
    if not rows:
        return Markup("")
    rows.sort(key=lambda r: -r[0])
    caspian = [r for _, r in rows if r[0] == "Caspian crossing"]
    nodes = [r for _, r in rows if r[0] != "Caspian crossing"][:top]
    return table(["Where", "Node or ports", "Baseline, per year", "Scenario, per year", "Change"],
                 [*caspian, *nodes], numeric=(2, 3, 4),
                 caption=f"Every Caspian crossing (routes using the water link between the ports) and the "
                         f"{len(nodes)} border nodes and gauge changes (routes crossing a border or changing gauge "
                         "there) whose tonnes change, largest change first.")


def measures_view(m: Json | None, *, compact: bool = False, top: int = 12) -> Markup:
    """The measures of one result: scalars, route corridors (with a chart), border nodes, Caspian port pairs.

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
    >>> html = measures_view(result["measures"])
    >>> "<table" in html, "What the routes of the served tonnes physically do" in html
    (True, True)
    """
    if not m:
        return Markup('<p class="note">No physical measures in this result (recorded before they existed).</p>')
    if compact:
        return _corridors(m, compact=True)
    return join([_scalars(m), _corridors(m, compact=False), _places(m, top)])


def measures_diff_view(measures: Json | None, by_corridor: Json | None) -> Markup:
    r"""A comparison's measures: each scalar and each route corridor, baseline against scenario.

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> from corridor.scenarios.runner import compare_scenarios
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> diff = compare_scenarios(spec).to_dict()["diff"]
    >>> html = measures_diff_view(diff["measures"], diff["by_corridor"])
    >>> "<table" in html, "baseline and scenario" in html
    (True, True)
    """
    measures, by_corridor = measures or {}, by_corridor or {}
    if not measures and not by_corridor:
        return Markup('<p class="note">No physical measures in these runs.</p>')

    def cells(key: str, d: Json) -> list[object]:
        b, s = _n(d.get("baseline")), _n(d.get("scenario"))
        f = _fmt.formatter(key)
        return [(f(b), b), (f(s), s), (f(s - b, signed=True), s - b)]

    rows: list[list[object]] = [[_fmt.label(k), *cells(k, measures[k])] for k in SCALARS if k in measures]
    rows += [[f"Routes by corridor: {c}", *cells("_t", v["tonnes"])] for c, v in by_corridor.items()
             if isinstance(v, Mapping) and "tonnes" in v]
    tbl = table(["Measure, per year", "Baseline", "Scenario", "Change"], rows, numeric=(1, 2, 3), sortable=False,
                caption="What the routes do, baseline and scenario. Route corridors: each route assigned to one "
                        "corridor, the rows add up to the tonnes served.")
    tbl = Markup(f"{tbl}{_node_changes(measures)}")
    names = [c for c, v in by_corridor.items() if isinstance(v, Mapping) and "tonnes" in v]
    if not names:
        return tbl
    chart = bar_chart(names, [[(_n(by_corridor[c]["tonnes"].get("baseline")),),
                               (_n(by_corridor[c]["tonnes"].get("scenario")),)] for c in names],
                      [(BASE,), (BLUE,)], title="Tonnes served by route corridor, baseline and scenario",
                      fmt=_fmt.tonnes, legend=[("Baseline", BASE), ("Scenario", BLUE)],
                      series=["baseline", "scenario"], width=560, label_width=110)
    return Markup(f'{tbl}<figure>{chart}<figcaption>{esc("Tonnes per year by the corridor each route is assigned to.")}'
                  "</figcaption></figure>")


_SHARE_TOP = 12  # gateways or corridors in a shares table; the rest are summed in one row


def _share_table(rows_in: Json, what: str, caption: str) -> Markup:
    names = [k for k, v in rows_in.items() if isinstance(v, Mapping)]
    top, rest = names[:_SHARE_TOP], names[_SHARE_TOP:]
    rows: list[list[object]] = []

    def row(label: object, v: Json) -> list[object]:
        b, s, c = _fmt.num(v.get("baseline_t")), _fmt.num(v.get("scenario_t")), _fmt.num(v.get("change_t"))
        bs, ss, pp = _fmt.num(v.get("baseline_share")), _fmt.num(v.get("scenario_share")), _fmt.num(v.get("change_pp"))
        return [label, (_fmt.tonnes(b), b), (_fmt.tonnes(s), s), (_fmt.tonnes(c, signed=True), c),
                (_fmt.share(bs, 1), bs), (_fmt.share(ss, 1), ss),
                (("–" if pp is None else _fmt.number(pp, 1, signed=True) + " pp"), pp)]

    rows += [row(tag("code", k), rows_in[k]) for k in top]
    if rest:
        agg = {f: sum(_n(rows_in[k].get(f)) for k in rest) for f in ("baseline_t", "scenario_t", "change_t",
                                                                       "baseline_share", "scenario_share",
                                                                       "change_pp")}
        rows.append(row(f"{len(rest)} others", agg))
    return table([what, "Baseline, per year", "Scenario, per year", "Change", "Baseline share", "Scenario share",
                  "Change of share"], rows, numeric=range(1, 7), caption=caption)


def shares_diff_view(shares: Json | None) -> Markup:
    r"""A comparison's shares by export gateway and by route corridor (``diff.shares``), baseline against scenario.

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> from corridor.scenarios.runner import compare_scenarios
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> diff = compare_scenarios(spec).to_dict()["diff"]
    >>> html = shares_diff_view(diff["shares"])
    >>> "<table" in html, "by the gateway they leave through" in html
    (True, True)
    """
    shares = shares or {}
    gw, co = shares.get("by_gateway") or {}, shares.get("by_corridor") or {}
    if not gw and not co:
        return Markup('<p class="note">No shares by gateway or corridor in these runs.</p>')
    parts: list[Markup] = []
    if gw:
        parts.append(_share_table(gw, "Export gateway", "Kazakh exports (rows from Kazakhstan to outside) by the "
                                  "gateway they leave through: the port of the route's last sea voyage, else the "
                                  "node where it leaves Kazakhstan; shares of all Kazakh exports on each side."))
        names = [k for k, v in gw.items() if isinstance(v, Mapping)][:10]
        chart = bar_chart(names, [[(_n(gw[k].get("baseline_share")),), (_n(gw[k].get("scenario_share")),)]
                                  for k in names], [(BASE,), (BLUE,)],
                          title="Share of Kazakh exports by export gateway, baseline and scenario",
                          fmt=lambda x, **_: _fmt.share(x, 1), legend=[("Baseline", BASE), ("Scenario", BLUE)],
                          series=["baseline", "scenario"], width=560, label_width=110)
        parts.append(Markup(f"<figure>{chart}</figure>"))
    if co:
        parts.append(_share_table(co, "Route corridor", "Served tonnes by the corridor each route is assigned "
                                  "to; shares of all tonnes served on each side."))
    return join(parts)
