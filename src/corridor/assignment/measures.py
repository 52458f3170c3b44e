"""Physical measures of an assignment: what the routes of the served tonnes actually do.

The flow of each (commodity, origin) block on the transfer-expanded graph is decomposed into
routes — source → links, node passes → sink — exactly: every route carries a positive amount,
the amounts of the routes into a destination add up to the flow into it, and what is left is
cycles (which carry no origin–destination flow and are dropped). The decomposition is the
standard one (follow positive arcs from the source, cancel a cycle when the walk closes one,
take the bottleneck when it reaches a sink); a flow may have several decompositions, and when
two routes share arcs the measures below follow the one this walk finds. A demand row gets the
routes into its destination in proportion to its served tonnes, so every figure below is a sum
over rows of ``served × (share of the row's routes that do X)`` and never exceeds the tonnes
served.

The measures are read from generic attributes only — the country of nodes and links, the mode
of links, the commodity, the kind of transfers — so they hold on any network:

``served_t``, ``served_teu``
    Tonnes served; TEU of the container part (commodities counted in TEU).
``russia_t``, ``russia_teu``
    Served tonnes (TEU) whose route touches Russian territory: a link with country ``RU`` or a
    node in ``RU`` (a pipeline through Russia counts; Russian waters at sea, with no country, do not).
``titr_t``, ``titr_teu``
    Dry cargo and containers across the Caspian between Kazakhstan or Turkmenistan and
    Azerbaijan — the Trans-Caspian International Transport Route: the route uses a water link
    (``rail-ferry`` or ``feeder``, or ``sea`` with a commodity other than oil) with one end in
    KZ or TM and the other in AZ.
``caspian_oil_t``
    Oil crossing the Caspian by tanker: an oil route using a ``sea`` link between two different
    Caspian littoral countries (KZ, TM, AZ, RU, IR).
``kz_transit_teu``
    Containers whose origin and destination both lie outside Kazakhstan and whose route passes
    through Kazakhstan (a node in KZ, or a link with country KZ) — China–Europe/Türkiye transit in
    the built-in data.
``caspian_by_port_pair``
    Per (from port, to port) of every water link between two different littoral countries:
    tonnes and TEU of the routes that use it in that direction.
``by_border``
    Per node: tonnes and TEU of the routes that *cross a border there* — the node is an end of a
    land link of the route whose two end nodes lie in different countries (a voyage between ports
    of two countries crosses no land border; its ports are in ``caspian_by_port_pair`` or the port
    handling), or the route passes a transfer of kind ``border-clearance`` at it. Both ends of a
    crossing link are counted (the two stations of one crossing, e.g. Alashankou and Dostyk, show
    the same tonnes); a route counts at most once per node.
``by_gauge_change``
    Per node: tonnes and TEU of the routes that pass a ``gauge-change`` transfer there.
``by_gateway``
    Per node: tonnes and TEU of Kazakh exports (rows starting in KZ and ending outside) whose
    *export gateway* is there — the port where the route's first sea voyage beyond the Caspian
    starts (Novorossiysk for the CPC, Poti, Batumi, Ceyhan for the BTC …), else, for a route over
    land, the node where it leaves Kazakhstan (Dostyk, Saryagash …).
``by_corridor``
    Each route is assigned to one corridor by the first rule that holds: touches Russia →
    ``northern``; else crosses the Caspian (a water link between two littoral countries) →
    ``trans-caspian``; else touches Turkmenistan or Iran → ``southern``; else uses a ``sea``
    link → ``maritime``; else ``other``. The rows add up to ``served_t``.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.assignment.lp_graph import LINK, PASS, SINK, SOURCE

if TYPE_CHECKING:
    from corridor.assignment.lp_matrix import ExpandedGraph

__all__ = [
    "CASPIAN_LITTORAL", "COUNTS", "ROUTE_CORRIDORS", "SCALAR_MEASURES", "decompose", "physical_measures",
    "route_corridor", "route_gateway", "summary_measures",
]

RUSSIA = "RU"
KAZAKHSTAN = "KZ"
CASPIAN_LITTORAL: frozenset[str] = frozenset({"KZ", "TM", "AZ", "RU", "IR"})
"""Countries on the Caspian Sea."""
TITR_EAST: frozenset[str] = frozenset({"KZ", "TM"})
TITR_WEST: frozenset[str] = frozenset({"AZ"})
SOUTHERN: frozenset[str] = frozenset({"TM", "IR"})
WATER_MODES: frozenset[str] = frozenset({"sea", "rail-ferry", "feeder"})
DRY_WATER_MODES: frozenset[str] = frozenset({"rail-ferry", "feeder"})
"""Water modes that carry only dry cargo and containers (wagons and boxes, never a tanker)."""
OIL = "oil"
"""Commodity id of crude oil and oil products."""
ROUTE_CORRIDORS: tuple[str, ...] = ("northern", "trans-caspian", "southern", "maritime", "other")
"""Corridors a route is assigned to, in the order the rules are tried."""

SCALAR_MEASURES: tuple[str, ...] = (
    "served_t", "served_teu", "russia_t", "russia_teu", "titr_t", "titr_teu", "caspian_oil_t", "kz_transit_teu",
)
"""The scalar measures, in the order tables show them."""

COUNTS: Mapping[str, str] = {
    "served_t": "tonnes served",
    "served_teu": "TEU served (container commodities)",
    "russia_t": "served tonnes whose route touches Russia (a link or node in RU)",
    "russia_teu": "served TEU whose route touches Russia",
    "titr_t": "dry cargo and containers by ferry, feeder or dry-cargo ship between KZ/TM and AZ",
    "titr_teu": "TEU by ferry, feeder or ship between KZ/TM and AZ",
    "caspian_oil_t": "oil by tanker between two Caspian littoral countries",
    "kz_transit_teu": "TEU with origin and destination outside KZ whose route passes through KZ",
    "caspian_by_port_pair": "tonnes of the routes using the water link between these ports, this way",
    "by_border": "tonnes of the routes crossing a border here (end of a land link joining two countries, "
                 "or border clearance)",
    "by_gauge_change": "tonnes of the routes changing gauge here",
    "by_corridor": "served tonnes whose route the corridor rule assigns here; the rows add up to served",
    "by_gateway": "Kazakh exports (rows from KZ to outside) leaving through this gateway: the port of the "
                  "route's first sea voyage beyond the Caspian, else the node where it leaves Kazakhstan",
}
"""What each measure counts, in a few words (tables carry it as ``counts``)."""

_CORRIDOR_COUNTS = {
    "northern": "routes touching Russia",
    "trans-caspian": "routes crossing the Caspian, not touching Russia",
    "southern": "routes through Turkmenistan or Iran, not crossing the Caspian or touching Russia",
    "maritime": "routes by sea, not through Russia, the Caspian, Turkmenistan or Iran",
    "other": "every other route (overland, domestic)",
}

_RU, _KZ, _SOUTH, _CASPIAN, _CASPIAN_SEA, _TITR_DRY, _TITR_SEA, _SEA = (1 << k for k in range(8))


@dataclass(frozen=True, eq=False)
class _ArcFacts:
    """What each template arc does physically (computed once per graph)."""

    flags: np.ndarray  # bit set of _RU ... _SEA per template arc
    borders: tuple[tuple[int, ...], ...]  # node indices counted as border crossings per arc
    gauge: np.ndarray  # node index of a gauge change, -1 if none
    caspian_pair: tuple[tuple[str, str] | None, ...]  # (from, to) node ids of Caspian water links
    tail: np.ndarray  # node index at the start of each link arc; the node of other arcs
    head: np.ndarray  # node index at the end of each link arc; the node of other arcs
    sea: np.ndarray  # whether the arc is a sea link
    country: tuple[str, ...]  # country of each node index


_FACTS: weakref.WeakKeyDictionary[ExpandedGraph, _ArcFacts] = weakref.WeakKeyDictionary()


def _link_flags(mode: str, link_country: str, ca: str, cb: str) -> int:
    """Flags of a link direction from ``ca`` to ``cb``."""
    f = 0
    countries = {link_country, ca, cb}
    if RUSSIA in countries:
        f |= _RU
    if KAZAKHSTAN in {ca, cb} or link_country == KAZAKHSTAN:
        f |= _KZ
    if countries & SOUTHERN:
        f |= _SOUTH
    if mode == "sea":
        f |= _SEA
    if mode in WATER_MODES and ca != cb and ca in CASPIAN_LITTORAL and cb in CASPIAN_LITTORAL:
        f |= _CASPIAN | (_CASPIAN_SEA if mode == "sea" else 0)
        if (ca in TITR_EAST and cb in TITR_WEST) or (cb in TITR_EAST and ca in TITR_WEST):
            f |= _TITR_DRY if mode in DRY_WATER_MODES else _TITR_SEA
    return f


def _node_flags(country: str) -> int:
    return ((_RU if country == RUSSIA else 0) | (_KZ if country == KAZAKHSTAN else 0)
            | (_SOUTH if country in SOUTHERN else 0))


def _arc_facts(graph: ExpandedGraph) -> _ArcFacts:
    """The :class:`_ArcFacts` of ``graph``'s template arcs (cached per graph)."""
    cached = _FACTS.get(graph)
    if cached is not None:
        return cached
    net, comp, tpl = graph.network, graph.compiled, graph.template
    country = [net.nodes[net.node_index[nid]].country for nid in comp.node_ids]
    n = tpl.n_arcs
    flags = np.zeros(n, dtype=np.int64)
    gauge = np.full(n, -1, dtype=np.int64)
    borders: list[tuple[int, ...]] = [()] * n
    pairs: list[tuple[str, str] | None] = [None] * n
    tail = np.asarray(tpl.node, dtype=np.int64).copy()
    head = tail.copy()
    sea = np.zeros(n, dtype=bool)
    for t in range(n):
        if tpl.kind[t] == LINK:
            a = int(tpl.arc[t])
            lk = net.links[int(comp.arc_link[a])]
            u, v = int(comp.tail[a]), int(comp.head[a])
            tail[t], head[t], sea[t] = u, v, lk.mode == "sea"
            flags[t] = _link_flags(lk.mode, lk.country, country[u], country[v])
            if country[u] != country[v] and lk.mode not in WATER_MODES:  # a voyage crosses no land border
                borders[t] = (u, v)
            if flags[t] & _CASPIAN:
                pairs[t] = (comp.node_ids[u], comp.node_ids[v])
        else:
            flags[t] = _node_flags(country[int(tpl.node[t])])
    _transfer_facts(graph, borders, gauge)
    facts = _ArcFacts(flags=flags, borders=tuple(borders), gauge=gauge, caspian_pair=tuple(pairs), tail=tail,
                      head=head, sea=sea, country=tuple(country))
    _FACTS[graph] = facts
    return facts


def _transfer_facts(graph: ExpandedGraph, borders: list[tuple[int, ...]], gauge: np.ndarray) -> None:
    """Mark the node passes with a border clearance or a gauge change (in place)."""
    tpl = graph.template
    for ti, tr in enumerate(graph.network.transfers):
        for t in tpl.transfer_arcs[ti]:
            if tpl.kind[t] != PASS:
                continue
            v = int(tpl.node[t])
            if tr.kind == "border-clearance":
                borders[t] = (v,)
            elif tr.kind == "gauge-change":
                gauge[t] = v


def decompose(n_vertices: int, tail: Sequence[int], head: Sequence[int], flow: Sequence[float], source: int,
              is_sink: Sequence[bool], tol: float = 0.0) -> list[tuple[list[int], float]]:
    """Decompose an arc flow into source–sink paths (and drop its cycles).

    Parameters
    ----------
    n_vertices
        Number of vertices (numbered from 0).
    tail, head
        Ends of each arc.
    flow
        Flow on each arc, conserved at every vertex but the source and the sinks.
    source
        The vertex the flow starts from.
    is_sink
        Whether each vertex is a sink (the walk stops there).
    tol
        Flows at or below this are taken as zero.

    Returns
    -------
    list of (arcs, amount)
        Each path as the list of its arcs from the source to a sink, and the flow it carries.
        Every path is simple (no vertex twice); the amounts of the paths through an arc never
        exceed its flow, and with a conserved flow the amounts into each sink add up to its
        inflow (up to ``tol`` per arc).

    Examples
    --------
    Two paths from vertex 0 to the sink 3, through 1 (2 units) and through 2 (1 unit):

    >>> decompose(4, tail=[0, 0, 1, 2], head=[1, 2, 3, 3], flow=[2.0, 1.0, 2.0, 1.0], source=0,
    ...           is_sink=[False, False, False, True])
    [([0, 2], 2.0), ([1, 3], 1.0)]
    """
    f = [float(x) for x in flow]
    out: list[list[int]] = [[] for _ in range(n_vertices)]
    for e, x in enumerate(f):
        if x > tol:
            out[tail[e]].append(e)
    ptr = [0] * n_vertices

    def next_arc(v: int) -> int:
        lst, i = out[v], ptr[v]
        while i < len(lst) and f[lst[i]] <= tol:
            i += 1
        ptr[v] = i
        return lst[i] if i < len(lst) else -1

    paths: list[tuple[list[int], float]] = []
    while next_arc(source) >= 0:
        path = _walk(source, head, is_sink, f, next_arc)
        if path:
            m = min(f[e] for e in path)
            for e in path:
                f[e] -= m
            paths.append((path, m))
    return paths


def _walk(source: int, head: Sequence[int], is_sink: Sequence[bool], f: list[float], next_arc: Any) -> list[int]:
    """One path from ``source`` to a sink along positive arcs, cancelling the cycles met on the way.

    Returns an empty list after a dead end (a residue below the tolerance: its last arc is zeroed).
    """
    path: list[int] = []
    pos = {source: 0}
    v = source
    while True:
        e = next_arc(v)
        if e < 0:  # inflow without outflow: rounding residue (or back at a source with nothing left)
            if path:
                f[path[-1]] = 0.0
            return []
        w = head[e]
        if is_sink[w]:
            path.append(e)
            return path
        if w in pos:  # a cycle: cancel it and walk on from w
            k = pos[w]
            cycle = [*path[k:], e]
            m = min(f[c] for c in cycle)
            for c in cycle:
                f[c] -= m
            for c in path[k:]:
                del pos[head[c]]
            del path[k:]
            v = w
            continue
        path.append(e)
        pos[w] = len(path)
        v = w


@dataclass
class _Route:
    """One route of a block and what it does."""

    dest: int
    amount: float
    flags: int
    borders: frozenset[int]
    gauges: frozenset[int]
    pairs: frozenset[tuple[str, str]]
    gateway: int = -1

    def corridor(self) -> str:
        return _corridor_of(self.flags)


def _corridor_of(flags: int) -> str:
    """The corridor of a route with these flags (the rule of ``by_corridor``)."""
    if flags & _RU:
        return "northern"
    if flags & _CASPIAN:
        return "trans-caspian"
    if flags & _SOUTH:
        return "southern"
    if flags & _SEA:
        return "maritime"
    return "other"


def route_corridor(graph: ExpandedGraph, cols: np.ndarray) -> str:
    """The corridor of the route over columns ``cols`` of ``graph`` (the rule of ``by_corridor``).

    Examples
    --------
    >>> import numpy as np
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> from corridor.assignment.choice_sets import PathSpace
    >>> [cols] = PathSpace.of(lp.graph).shortest(np.asarray(lp.graph.costs.coef, dtype=float))
    >>> route_corridor(lp.graph, cols)  # no link of the toy network has a corridor tag
    'other'
    """
    t = graph.col_arc[cols]
    flags = _arc_facts(graph).flags[t[t >= 0]]
    return _corridor_of(int(np.bitwise_or.reduce(flags)) if len(flags) else 0)


def route_gateway(graph: ExpandedGraph, cols: np.ndarray) -> str:
    """Node id of the export gateway of the route over columns ``cols`` (the rule of ``by_gateway``).

    Examples
    --------
    >>> import numpy as np
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> from corridor.assignment.choice_sets import PathSpace
    >>> [cols] = PathSpace.of(lp.graph).shortest(np.asarray(lp.graph.costs.coef, dtype=float))
    >>> route_gateway(lp.graph, cols)
    'port'
    """
    t = graph.col_arc[cols]
    v = _gateway(_arc_facts(graph), t[t >= 0])
    return graph.compiled.node_ids[v] if v >= 0 else ""


def _gateway(facts: _ArcFacts, ta: np.ndarray) -> int:
    """Node index of a route's export gateway (see ``by_gateway``); -1 for an empty route."""
    if not len(ta):
        return -1
    sea = np.flatnonzero(facts.sea[ta] & ((facts.flags[ta] & _CASPIAN) == 0))
    if len(sea):
        return int(facts.tail[ta[sea[0]]])
    home = facts.country[int(facts.tail[ta[0]])]
    for a in ta.tolist():
        u, v = int(facts.tail[a]), int(facts.head[a])
        if u >= 0 and v >= 0 and facts.country[u] == home and facts.country[v] != home:
            return u
    return int(facts.head[ta[-1]])


def _route_of(facts: _ArcFacts, ta: np.ndarray, dest: int, amount: float) -> _Route:
    """The :class:`_Route` over template arcs ``ta`` into destination node ``dest``."""
    return _Route(dest=dest, amount=amount, flags=int(np.bitwise_or.reduce(facts.flags[ta])),
                  borders=frozenset(v for a in ta for v in facts.borders[a]),
                  gauges=frozenset(int(v) for v in facts.gauge[ta] if v >= 0),
                  pairs=frozenset(p for a in ta if (p := facts.caspian_pair[a]) is not None),
                  gateway=_gateway(facts, ta))


def _block_routes(graph: ExpandedGraph, facts: _ArcFacts, cols: np.ndarray, x: np.ndarray,
                  dests: tuple[int, ...]) -> list[_Route]:
    """The routes of one block's flow (columns ``cols``)."""
    tpl = graph.template
    flow = x[cols]
    keep = flow > 0
    cols, flow = cols[keep], flow[keep]
    if not len(cols):
        return []
    t = graph.col_arc[cols]
    kind = tpl.kind[t]
    n_vert = tpl.n_vertices
    dpos = {d: k for k, d in enumerate(dests)}
    tail = np.where(kind == SOURCE, n_vert, tpl.tail[t])
    sink = n_vert + 1 + np.asarray([dpos.get(int(v), 0) for v in tpl.node[t]], dtype=np.int64)
    head = np.where(kind == SINK, sink, tpl.head[t])
    n = n_vert + 1 + len(dests)
    is_sink = [False] * (n_vert + 1) + [True] * len(dests)
    tol = 1e-12 * float(flow.max())
    routes = []
    for arcs, amount in decompose(n, tail.tolist(), head.tolist(), flow.tolist(), n_vert, is_sink, tol):
        routes.append(_route_of(facts, t[arcs], dests[int(head[arcs[-1]]) - n_vert - 1], amount))
    return routes


class _Tally:
    """Sums of the measures over demand rows."""

    def __init__(self) -> None:
        self.totals = dict.fromkeys(SCALAR_MEASURES, 0.0)
        self.corridors = dict.fromkeys(ROUTE_CORRIDORS, 0.0)
        self.corridor_teu = dict.fromkeys(ROUTE_CORRIDORS, 0.0)
        self.borders: dict[int, list[float]] = {}
        self.gauges: dict[int, list[float]] = {}
        self.pairs: dict[tuple[str, str], list[float]] = {}
        self.gateways: dict[int, list[float]] = {}
        self.rows: list[dict[str, Any]] = []

    @staticmethod
    def _add(table: dict[Any, list[float]], key: Any, t: float, teu_per_t: float) -> None:
        acc = table.setdefault(key, [0.0, 0.0])
        acc[0] += t
        acc[1] += t * teu_per_t

    def add_row(self, rec: dict[str, Any], served: float, teu_per_t: float, routes: list[_Route],
                oil: bool, kz_transit: bool, kz_export: bool = False) -> None:
        """Add one demand row served ``served`` t over ``routes`` (the routes into its destination)."""
        total = math.fsum(r.amount for r in routes)

        def share(pred: Any) -> float:
            if total <= 0:
                return 0.0
            return served * min(1.0, math.fsum(r.amount for r in routes if pred(r)) / total)

        m = {"served_t": served, "served_teu": served * teu_per_t,
             "russia_t": share(lambda r: r.flags & _RU),
             "titr_t": share(lambda r: r.flags & _TITR_DRY or (r.flags & _TITR_SEA and not oil)),
             "caspian_oil_t": share(lambda r: r.flags & _CASPIAN_SEA) if oil else 0.0,
             "kz_transit_teu": share(lambda r: r.flags & _KZ) * teu_per_t if kz_transit else 0.0}
        m["russia_teu"] = m["russia_t"] * teu_per_t
        m["titr_teu"] = m["titr_t"] * teu_per_t
        by_corr = {c: share(lambda r, c=c: r.corridor() == c) for c in ROUTE_CORRIDORS}
        if total <= 0:
            by_corr["other"] = served
        for k in SCALAR_MEASURES:
            self.totals[k] += m[k]
        for c, v in by_corr.items():
            self.corridors[c] += v
            self.corridor_teu[c] += v * teu_per_t
        for table, attr in ((self.borders, "borders"), (self.gauges, "gauges"), (self.pairs, "pairs")):
            for item in set().union(*(getattr(r, attr) for r in routes)):
                self._add(table, item, share(lambda r, i=item, a=attr: i in getattr(r, a)), teu_per_t)
        if kz_export:
            for g in {r.gateway for r in routes if r.gateway >= 0}:
                self._add(self.gateways, g, share(lambda r, g=g: r.gateway == g), teu_per_t)
        self.rows.append({**rec, **{k: m[k] for k in SCALAR_MEASURES},
                          "by_corridor": {c: v for c, v in by_corr.items() if v > 0}})


def _node_table(graph: ExpandedGraph, table: dict[int, list[float]], counts: str) -> list[dict[str, Any]]:
    net, comp = graph.network, graph.compiled
    out: list[dict[str, Any]] = []
    for v, (t, teu) in table.items():
        node = net.nodes[net.node_index[comp.node_ids[v]]]
        out.append({"node": node.id, "name": node.name, "country": node.country, "tonnes": t, "teu": teu,
                    "counts": counts})
    out.sort(key=lambda r: (-r["tonnes"], r["node"]))
    return out


def physical_measures(graph: ExpandedGraph, x: np.ndarray, by_od: Sequence[Mapping[str, Any]],
                      routes: Mapping[int, Sequence[tuple[np.ndarray, float]]] | None = None) -> dict[str, Any]:
    """The physical measures of the flow ``x`` on ``graph`` (see the module's docstring).

    Parameters
    ----------
    graph
        The expanded graph the columns belong to.
    x
        Value of every column (t/yr).
    by_od
        One record per demand row of ``graph`` (in its order) with ``served_t``, as in
        :attr:`~corridor.assignment.lp_results.LPResult.by_od`.
    routes
        The routes of each block if the flow was assigned route by route (the stochastic
        equilibrium): block index → ``(columns, tonnes)`` of each route; the flow is then not
        decomposed again.

    Returns
    -------
    dict
        The scalars of :data:`SCALAR_MEASURES`; ``by_corridor``, ``by_border``, ``by_gauge_change``
        and ``caspian_by_port_pair`` as lists of records with ``tonnes``, ``teu`` and ``counts``;
        ``by_od``: the scalars per demand row; ``counts``: what each measure counts.

    Examples
    --------
    1.5 Mt/yr of coal from a Kazakh mine to a port in Russia, all of it put (by hand) on the
    cheapest route, the direct line:

    >>> import numpy as np
    >>> from corridor.assignment import FreightLP
    >>> from corridor.assignment.choice_sets import PathSpace
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node("mine", "Mine", "KZ", "junction", 60.0, 45.0), Node("port", "Port", "RU", "junction", 61.0, 45.0),
    ...          Node("via", "Via", "KZ", "junction", 62.0, 45.0)]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> graph = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).graph
    >>> [cols] = PathSpace.of(graph).shortest(np.asarray(graph.costs.coef, dtype=float))
    >>> x = np.zeros(graph.n_cols)
    >>> x[cols] = 1.5e6
    >>> m = physical_measures(graph, x, [{"served_t": 1.5e6}])
    >>> m["served_t"], m["russia_t"], m["titr_t"]  # the route touches Russia, does not cross the Caspian
    (1500000.0, 1500000.0, 0.0)
    >>> [(r["corridor"], r["tonnes"]) for r in m["by_corridor"] if r["tonnes"]]
    [('northern', 1500000.0)]
    >>> [(r["node"], r["country"], r["tonnes"]) for r in m["by_border"]]  # both ends of the crossing link
    [('mine', 'KZ', 1500000.0), ('port', 'RU', 1500000.0)]
    """
    facts = _arc_facts(graph)
    net = graph.network
    node_country = {n.id: n.country for n in net.nodes}
    order = np.argsort(graph.col_block, kind="stable")
    bounds = np.searchsorted(graph.col_block[order], np.arange(len(graph.blocks) + 1))
    flowing = graph.col_arc[order] >= 0
    tally = _Tally()
    for b, block in enumerate(graph.blocks):
        sel = order[bounds[b]:bounds[b + 1]]
        if routes is None:
            found = _block_routes(graph, facts, sel[flowing[bounds[b]:bounds[b + 1]]], x, block.destinations)
        else:
            found = [_route_of(facts, graph.col_arc[cols], int(graph.template.node[graph.col_arc[cols[-1]]]), t)
                     for cols, t in routes.get(b, ()) if t > 0]
        p = graph.pricing[block.price_key or block.commodity]
        teu_per_t = 1.0 / p.tonnes_per_unit if p.unit == "TEU" else 0.0
        for i in block.members:
            row, rec = graph.rows[i], by_od[i]
            dest = net.node_index[row.destination]
            outside = KAZAKHSTAN not in (node_country[row.origin], node_country[row.destination])
            tally.add_row({"id": row.id, "origin": row.origin, "destination": row.destination,
                           "commodity": row.commodity},
                          float(rec["served_t"]), teu_per_t, [r for r in found if r.dest == dest],
                          oil=row.commodity == OIL, kz_transit=outside and teu_per_t > 0,
                          kz_export=node_country[row.origin] == KAZAKHSTAN != node_country[row.destination])
    return _assemble(graph, tally)


def _assemble(graph: ExpandedGraph, tally: _Tally) -> dict[str, Any]:
    counts = COUNTS["caspian_by_port_pair"]
    pairs: list[dict[str, Any]] = [{"from": a, "to": b, "tonnes": t, "teu": teu, "counts": counts}
                                   for (a, b), (t, teu) in tally.pairs.items()]
    pairs.sort(key=lambda r: (-r["tonnes"], r["from"], r["to"]))
    return {
        **tally.totals,
        "by_corridor": [{"corridor": c, "tonnes": tally.corridors[c], "teu": tally.corridor_teu[c],
                         "counts": _CORRIDOR_COUNTS[c]} for c in ROUTE_CORRIDORS],
        "caspian_by_port_pair": pairs,
        "by_border": _node_table(graph, tally.borders, COUNTS["by_border"]),
        "by_gauge_change": _node_table(graph, tally.gauges, COUNTS["by_gauge_change"]),
        "by_gateway": _node_table(graph, tally.gateways, COUNTS["by_gateway"]),
        "by_od": tally.rows,
        "counts": dict(COUNTS),
    }


def summary_measures(measures: Mapping[str, Any]) -> dict[str, Any]:
    """The measures without their per-row table (``by_od``): what a run summary keeps.

    Examples
    --------
    >>> import numpy as np
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> measures = lp.solve().to_dict()["measures"]
    >>> "by_od" in measures, "by_od" in summary_measures(measures)
    (True, False)
    >>> summary_measures(measures)["served_t"]
    1500000.0
    """
    return {k: v for k, v in measures.items() if k != "by_od"}
