"""The transfer-expanded graph of :class:`~corridor.assignment.lp.FreightLP` as a linear program.

:func:`build_expanded_graph` copies the template arcs (:mod:`corridor.assignment.lp_graph`) into
one *block* of flow columns per (commodity, origin) — only the arcs that commodity may use —
adds an unserved slack column per demand row, a conservation row per vertex of each block and a
capacity row per finite capacity (t/yr, TEU/yr or wagons/yr). The result, an
:class:`ExpandedGraph`, is frozen: the model's changes in place (capacities, demand scale, link
cost factors) live in :class:`LPState`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.assignment.lp_graph import (
    LINK,
    SINK,
    SOURCE,
    CommodityPricing,
    TemplateArcs,
    build_template,
    price_keys,
    price_template,
    same_prices,
)
from corridor.model.network import CORRIDORS

if TYPE_CHECKING:
    from corridor.model import CompiledNetwork, DemandRow, Network

__all__ = [
    "CapKey",
    "CapacityRow",
    "ColumnCosts",
    "ExpandedGraph",
    "FlowBlock",
    "LPState",
    "LinkColumns",
    "build_expanded_graph",
    "capacity_units",
    "column_costs",
    "column_ends",
    "on_some_route",
    "reprice",
]

CapKey = tuple[str, str, str, str, str]
"""``(kind, record id, from, to, unit)`` of a capacity row: ``kind`` is ``"link"``, ``"transfer"``,
``"facility"`` or ``"fleet"`` (:mod:`corridor.assignment.lp_supply`), ``from`` and ``to`` the link
direction (empty for transfers), ``unit`` ``t/yr``, ``TEU/yr`` or ``wagons/yr``."""


@dataclass(frozen=True, slots=True, eq=False)
class CapacityRow:
    """One capacity row of the model: a link direction or a transfer, in one unit.

    Attributes
    ----------
    kind, record, tail, head, unit
        As in :data:`CapKey`.
    row
        Row index in the model.
    base
        Capacity as built (``inf`` for a row added after the build).
    current
        Capacity now (``inf``: unlimited).
    cols, coefs
        The columns that load the row and the units per tonne of each.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> row = lp.graph.capacity_rows[0]
    >>> row.kind, row.record, row.tail, row.head, row.unit, row.current
    ('link', 'direct', 'mine', 'port', 't/yr', 1000000.0)
    """

    kind: str
    record: str
    tail: str
    head: str
    unit: str
    row: int
    base: float
    current: float
    cols: np.ndarray
    coefs: np.ndarray

    @property
    def key(self) -> CapKey:
        """The row's :data:`CapKey`."""
        return (self.kind, self.record, self.tail, self.head, self.unit)


@dataclass(frozen=True, eq=False)
class FlowBlock:
    """The flow columns and conservation rows of one (commodity, origin) and its demand rows.

    Attributes
    ----------
    commodity
        Commodity id.
    origin
        Origin node index.
    barred
        Whether the block's rows may not transit the countries closed to transit.
    row0
        First conservation row; the block's rows are ``row0 + vertex`` for each template vertex,
        then its source row, then one sink row per destination.
    destinations
        Destination node indices, ascending.
    members
        Indices of the block's demand rows.
    price_key
        Key of the block's prices in the graph's pricing (:func:`~corridor.assignment.lp_graph.price_keys`:
        the commodity, with the countries of the ends where tariff classes matter).

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> block = lp.graph.blocks[0]
    >>> block.commodity, block.destinations, block.barred
    ('coal', (1,), False)
    """

    commodity: str
    origin: int
    barred: bool
    row0: int
    destinations: tuple[int, ...]
    members: tuple[int, ...]
    price_key: str = ""


@dataclass(frozen=True, eq=False)
class ColumnCosts:
    """Per column figures per tonne (unserved slack columns: the penalty, zero otherwise).

    Attributes
    ----------
    coef
        The objective: generalised cost per tonne, the link cost factors applied.
    money
        Tariffs and transfer charges per tonne as priced (before link cost factors).
    co2e_kg
        Kilograms CO2e per tonne.
    hours
        Hours per tonne.
    rest
        ``coef - money`` as priced: the part of the objective link cost factors leave alone.
    factor_link
        The link cost factor applied to ``money`` (1 where none).

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> costs = lp.graph.costs
    >>> costs.coef.tolist()  # the link columns (both directions) first; the unserved slack costs the penalty
    [10.0, 8.0, 10.0, 7.0, 8.0, 7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10000.0]
    """

    coef: np.ndarray
    money: np.ndarray
    co2e_kg: np.ndarray
    hours: np.ndarray
    rest: np.ndarray
    factor_link: np.ndarray


@dataclass(frozen=True, eq=False)
class LinkColumns:
    """The flow columns on links and what result collection needs of them.

    Attributes
    ----------
    cols
        Column indices.
    arcs
        Compiled network arc of each.
    arc_commodity
        ``arc * n_commodities + commodity position`` of each.
    corridor
        Corridor code of each arc.
    distance_km
        Length of each arc.
    io_tail, io_head
        ``(block * n_nodes + node) * n_corridors + corridor`` at the tail and head of each.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> lc = lp.graph.link_columns
    >>> lc.cols.tolist(), lc.arcs.tolist()
    ([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5])
    """

    cols: np.ndarray
    arcs: np.ndarray
    arc_commodity: np.ndarray
    corridor: np.ndarray
    distance_km: np.ndarray
    io_tail: np.ndarray
    io_head: np.ndarray


@dataclass(frozen=True, eq=False)
class ExpandedGraph:
    """The transfer-expanded multicommodity graph and its LP matrix, as built.

    Attributes
    ----------
    network, compiled
        The network (its figures priced the columns) and its compiled form.
    rows
        The demand rows.
    prices
        ``value_of_time``, ``carbon_price``, ``risk_price`` and ``unserved_penalty_usd_per_t``.
    country_risk
        Risk scores the prices used (``None``: the defaults of :class:`~corridor.model.costs.RouteOptions`).
    no_transit
        Countries closed to transit.
    commodities
        Commodity ids of the network, in its order.
    template
        The template arcs.
    pricing
        Prices of the template arcs per commodity in the demand.
    blocks
        The (commodity, origin) blocks, in column order.
    col_arc
        Template arc of each column (``-1``: an unserved slack).
    col_block
        Block of each column.
    slack_cols
        The unserved slack column of each demand row.
    n_cons
        Number of conservation rows (they come first).
    demand_rows, demand_rhs
        The rows whose bounds scale with demand, and their bounds as built.
    teu_per_t, wagons_per_t
        TEU (containers only) and wagons (commodities with tonnes per wagon) per tonne of each column.
    arc_columns
        ``(order, bounds)``: the columns of template arc ``t`` are ``order[bounds[t]:bounds[t + 1]]``.
    costs
        Column costs as priced.
    capacity_rows
        The finite capacities as built, in row order.
    matrix
        ``(rows, cols, values)`` of the constraint matrix: conservation and capacity rows.
    row_lower, row_upper
        Row bounds as built (conservation rows are equalities).

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> graph = lp.graph
    >>> graph.n_cols, graph.n_rows, graph.commodities, len(graph.blocks)
    (12, 10, ('coal',), 1)
    >>> [(r.record, r.tail, r.head, r.unit, r.base) for r in graph.capacity_rows]
    [('direct', 'mine', 'port', 't/yr', 1000000.0), ('direct', 'port', 'mine', 't/yr', 1000000.0)]
    """

    network: Network
    compiled: CompiledNetwork
    rows: tuple[DemandRow, ...]
    prices: Mapping[str, float]
    country_risk: Mapping[str, float] | None
    no_transit: frozenset[str]
    commodities: tuple[str, ...]
    template: TemplateArcs
    pricing: Mapping[str, CommodityPricing]
    blocks: tuple[FlowBlock, ...]
    col_arc: np.ndarray
    col_block: np.ndarray
    slack_cols: np.ndarray
    n_cons: int
    demand_rows: np.ndarray
    demand_rhs: np.ndarray
    teu_per_t: np.ndarray
    wagons_per_t: np.ndarray
    arc_columns: tuple[np.ndarray, np.ndarray]
    costs: ColumnCosts
    capacity_rows: tuple[CapacityRow, ...]
    matrix: tuple[np.ndarray, np.ndarray, np.ndarray]
    row_lower: np.ndarray
    row_upper: np.ndarray

    @property
    def n_cols(self) -> int:
        """Number of columns."""
        return len(self.col_arc)

    @property
    def n_rows(self) -> int:
        """Number of rows as built (conservation and capacity)."""
        return len(self.row_lower)

    def columns_of(self, template_arcs: Sequence[int] | np.ndarray) -> np.ndarray:
        """The columns of the given template arcs, in every block."""
        return _columns_of(self.arc_columns, template_arcs)

    def link_template_arcs(self, link_index: int, reverse: bool) -> np.ndarray:
        """The template arcs of one direction of a link."""
        comp = self.compiled
        a = np.flatnonzero((comp.arc_link == link_index) & (comp.arc_reverse == reverse))
        return np.flatnonzero(np.isin(self.template.arc, a) & (self.template.kind == LINK))

    def link_capacity(self, link_index: int, reverse: bool, unit: str) -> tuple[CapKey, np.ndarray, np.ndarray]:
        """Key, columns and units per tonne of a link direction's capacity row in ``unit``."""
        lk = self.network.links[link_index]
        a, b = (lk.b, lk.a) if reverse else (lk.a, lk.b)
        cols = self.columns_of(self.link_template_arcs(link_index, reverse))
        return ("link", lk.id, a, b, unit), *_unit_coefs(cols, unit, self.teu_per_t, self.wagons_per_t)

    def transfer_capacity(self, transfer_index: int, unit: str) -> tuple[CapKey, np.ndarray, np.ndarray]:
        """Key, columns and units per tonne of a transfer's capacity row in ``unit``."""
        t = self.network.transfers[transfer_index]
        cols = self.columns_of(self.template.transfer_arcs[transfer_index])
        return ("transfer", t.id, "", "", unit), *_unit_coefs(cols, unit, self.teu_per_t, self.wagons_per_t)

    @cached_property
    def link_columns(self) -> LinkColumns:
        """The flow columns on links (computed once per graph)."""
        comp = self.compiled
        com_pos = {c: i for i, c in enumerate(self.commodities)}
        lcols = np.flatnonzero(self.col_arc >= 0)
        lcols = lcols[self.template.kind[self.col_arc[lcols]] == LINK]
        arcs = self.template.arc[self.col_arc[lcols]]
        block_com = np.asarray([com_pos[b.commodity] for b in self.blocks], dtype=np.int64)
        bl = self.col_block[lcols]
        corr = comp.corridor[arcs]
        n_corr = len(CORRIDORS)
        return LinkColumns(
            cols=lcols, arcs=arcs, arc_commodity=arcs * len(self.commodities) + block_com[bl], corridor=corr,
            distance_km=comp.distance_km[arcs], io_tail=(bl * comp.n_nodes + comp.tail[arcs]) * n_corr + corr,
            io_head=(bl * comp.n_nodes + comp.head[arcs]) * n_corr + corr)

    @cached_property
    def transfer_matrix(self) -> Any:
        """Sparse ``(n_transfers, n_cols)`` 0/1 matrix: which columns pass each transfer."""
        from scipy import sparse

        parts = [self.columns_of(arcs) for arcs in self.template.transfer_arcs]
        rows = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
        cols = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return sparse.csr_array((np.ones(len(cols)), (rows, cols)), shape=(len(parts), self.n_cols))


def column_ends(graph: ExpandedGraph) -> tuple[np.ndarray, np.ndarray]:
    """Tail and head conservation row of every column: each column is an arc between two rows of its block.

    Vertices of the template graph, the block's source row and its sink rows are conservation rows;
    a column leaves the row where its coefficient is +1 and enters the row where it is -1.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> tail, head = column_ends(lp.graph)
    >>> len(tail) == len(head) == lp.graph.n_cols
    True
    """
    r, c, v = graph.matrix
    cons = r < graph.n_cons
    r, c, v = r[cons], c[cons], v[cons]
    tail = np.full(graph.n_cols, -1, dtype=np.int64)
    head = np.full(graph.n_cols, -1, dtype=np.int64)
    tail[c[v > 0]] = r[v > 0]
    head[c[v < 0]] = r[v < 0]
    if (tail < 0).any() or (head < 0).any():  # pragma: no cover - every column is an arc of one block
        msg = "internal: a column of the flow model is not an arc"
        raise RuntimeError(msg)
    return tail, head


@dataclass(frozen=True, eq=False)
class LPState:
    """What a :class:`~corridor.assignment.lp.FreightLP` has changed since it was built.

    Attributes
    ----------
    costs
        Column costs now (link cost factors applied; re-priced by ``update_network``).
    capacities
        Every capacity row now, by key: those built and those added by ``set_*_capacity``.
    demand_scale
        Factor on the demand as built.
    n_rows
        Rows of the model now.
    commodity_scale
        Further factor on the demand of each commodity named (time slices); others 1.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> lp.state.demand_scale
    1.0
    >>> lp.set_demand_scale(2.0)
    >>> lp.state.demand_scale
    2.0
    """

    costs: ColumnCosts
    capacities: Mapping[CapKey, CapacityRow]
    demand_scale: float
    n_rows: int
    commodity_scale: Mapping[str, float] = field(default_factory=dict)

    def row_scale(self, commodity: str) -> float:
        """Factor on the demand rows of ``commodity``: the demand scale times its commodity scale."""
        return self.demand_scale * self.commodity_scale.get(commodity, 1.0)


def _columns_of(arc_columns: tuple[np.ndarray, np.ndarray], template_arcs: Sequence[int] | np.ndarray) -> np.ndarray:
    order, bounds = arc_columns
    parts = [order[bounds[t]:bounds[t + 1]] for t in template_arcs]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _unit_coefs(cols: np.ndarray, unit: str, teu_per_t: np.ndarray,
                wagons_per_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The columns that load a capacity counted in ``unit``, and units per tonne of each."""
    per_t = {"TEU/yr": teu_per_t, "wagons/yr": wagons_per_t}.get(unit)
    if per_t is None:
        return cols, np.ones(len(cols))
    cols = cols[per_t[cols] > 0]
    return cols, per_t[cols]


def _transit_mask(network: Network, comp: CompiledNetwork, template: TemplateArcs,
                  closed: frozenset[str]) -> np.ndarray:
    """Template arcs inside the countries closed to transit (links there or touching them, and their nodes)."""
    in_node = np.array([nd.country in closed for nd in network.nodes] + [False], dtype=bool)
    link_in = np.array([lk.country in closed for lk in network.links], dtype=bool)
    out = np.zeros(template.n_arcs, dtype=bool)
    is_link = template.kind == LINK
    arcs = template.arc[is_link]
    out[is_link] = (link_in[comp.arc_link[arcs]] | in_node[comp.tail[arcs]] | in_node[comp.head[arcs]])
    out[~is_link] = in_node[template.node[~is_link]]
    return out


def _group_rows(network: Network, rows: Sequence[DemandRow], closed: frozenset[str],
                keys: Sequence[str]) -> dict[tuple[str, int, bool], list[int]]:
    """Demand row indices by (pricing key, origin, barred from transit)."""
    blocks: dict[tuple[str, int, bool], list[int]] = {}
    country = {nd.id: nd.country for nd in network.nodes}
    for i, r in enumerate(rows):
        barred = bool(closed) and country[r.origin] not in closed and country[r.destination] not in closed
        blocks.setdefault((keys[i], network.node_index[r.origin], barred), []).append(i)
    return blocks


class _Assembly:
    """The conservation part of the matrix while its blocks are added."""

    def __init__(self, network: Network, comp: CompiledNetwork, template: TemplateArcs,
                 rows: Sequence[DemandRow]) -> None:
        self.network, self.comp, self.template, self.rows = network, comp, template, rows
        self.ri: list[np.ndarray] = []
        self.ci: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.row_lo: list[np.ndarray] = []
        self.col_t: list[np.ndarray] = []
        self.col_b: list[np.ndarray] = []
        self.n_col = 0
        self.n_row = 0
        self.blocks: list[FlowBlock] = []
        self.demand_rows: list[int] = []  # rows whose rhs scale with demand
        self.demand_rhs: list[float] = []
        self.slack_cols = np.zeros(len(rows), dtype=np.int64)
        self.filters: dict[tuple[str, bool], _RouteFilter] = {}

    def _flow_columns(self, b: int, mask: np.ndarray, dests: list[int]) -> None:
        """The block's arc columns: +1 in the tail's row, -1 in the head's (source and sink rows at the ends)."""
        t, n_vert, n_nodes = self.template, self.template.n_vertices, self.comp.n_nodes
        cols = np.flatnonzero(mask)
        k = t.kind[cols]
        tr = np.where(k == SOURCE, n_vert, t.tail[cols])
        dpos_arr = np.zeros(n_nodes + 1, dtype=np.int64)
        dpos_arr[dests] = np.arange(len(dests))
        sink_row = n_vert + 1 + dpos_arr[t.node[cols]]
        hr = np.where(k == SINK, sink_row, t.head[cols])
        ids = np.arange(self.n_col, self.n_col + len(cols))
        self.ri += [self.n_row + tr, self.n_row + hr]
        self.ci += [ids, ids]
        self.vals += [np.ones(len(cols)), -np.ones(len(cols))]
        self.col_t.append(cols)
        self.col_b.append(np.full(len(cols), b))
        self.n_col += len(cols)

    def _slacks(self, b: int, members: list[int], dpos: dict[int, int], n_dests: int) -> tuple[float, np.ndarray]:
        """An unserved slack per demand row (source row -> sink row); the block's supply and sink demands."""
        n_vert = self.template.n_vertices
        supply = 0.0
        sink_dem = np.zeros(n_dests)
        for i in members:
            r = self.rows[i]
            d = dpos[self.network.node_index[r.destination]]
            self.ri += [np.array([self.n_row + n_vert, self.n_row + n_vert + 1 + d])]
            self.ci += [np.array([self.n_col, self.n_col])]
            self.vals += [np.array([1.0, -1.0])]
            self.slack_cols[i] = self.n_col
            self.col_t.append(np.array([-1]))
            self.col_b.append(np.array([b]))
            self.n_col += 1
            supply += r.tonnes
            sink_dem[d] += r.tonnes
        return supply, sink_dem

    def add_block(self, key: tuple[str, int, bool], members: list[int], admissible: np.ndarray,
                  transit_mask: np.ndarray | None) -> None:
        """Columns, slacks and conservation rows of one (pricing key, origin) block."""
        pkey, o, barred = key
        c = self.rows[members[0]].commodity
        t, n_vert, n_nodes = self.template, self.template.n_vertices, self.comp.n_nodes
        b = len(self.blocks)
        dests = sorted({self.network.node_index[self.rows[i].destination] for i in members})
        mask = admissible.copy()
        if barred and transit_mask is not None:
            mask &= ~transit_mask
        mask &= (t.kind != SOURCE) | (t.node == o)
        is_dest = np.zeros(n_nodes + 1, dtype=bool)
        is_dest[dests] = True
        mask &= (t.kind != SINK) | is_dest[t.node]
        if (pkey, barred) not in self.filters:
            base = admissible & ~transit_mask if barred and transit_mask is not None else admissible
            self.filters[pkey, barred] = _RouteFilter(t, base, n_nodes)
        mask &= self.filters[pkey, barred].keep(o, dests)
        self._flow_columns(b, mask, dests)
        supply, sink_dem = self._slacks(b, members, {d: k for k, d in enumerate(dests)}, len(dests))
        rhs = np.zeros(n_vert + 1 + len(dests))
        rhs[n_vert] = supply
        rhs[n_vert + 1:] = -sink_dem
        self.row_lo.append(rhs)
        first = self.n_row + n_vert
        self.demand_rows += [first, *range(first + 1, first + 1 + len(dests))]
        self.demand_rhs += [supply, *(-sink_dem).tolist()]
        # barred blocks share the (commodity, origin); their columns tell them apart
        self.blocks.append(FlowBlock(c, o, barred, self.n_row, tuple(dests), tuple(members), pkey))
        self.n_row += len(rhs)


def on_some_route(template: TemplateArcs, mask: np.ndarray, n_nodes: int) -> np.ndarray:
    """The arcs of ``mask`` that lie on some route from a source arc to a sink arc of ``mask``.

    Every other arc of a block could only carry a cycle, which an optimum never needs (costs are
    not negative), so leaving it out of the block changes no optimum: the block's columns grow
    with the part of the network it can use, not with the whole network.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "far"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0),
    ...          Link("spur", "far", "mine", "rail-1520", cost_usd_per_t=8.0, oneway=True)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> g = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).graph
    >>> keep = on_some_route(g.template, g.pricing["coal"].admissible, 3)
    >>> int(g.pricing["coal"].admissible.sum()), int(keep.sum())  # the one-way spur into the mine is of no use
    (8, 6)
    """
    f = _RouteFilter(template, mask, n_nodes)
    kind, node = template.kind, template.node
    origins = np.unique(node[mask & (kind == SOURCE)]).tolist()
    dests = np.unique(node[mask & (kind == SINK)]).tolist()
    out = np.zeros(len(mask), dtype=bool)
    for o in origins:
        out |= f.keep(o, dests)
    return out


class _RouteFilter:
    """The arcs of a mask as a graph, to find those on some route of one block by two searches.

    Vertices as in :mod:`~corridor.assignment.lp_pricing`: a source and a sink per node after the
    template's vertices.
    """

    def __init__(self, template: TemplateArcs, mask: np.ndarray, n_nodes: int) -> None:
        from scipy import sparse

        n_vert = template.n_vertices
        self.sel = np.flatnonzero(mask)
        kind, node = template.kind[self.sel], template.node[self.sel]
        self.tail = np.where(kind == SOURCE, n_vert + node, template.tail[self.sel])
        self.head = np.where(kind == SINK, n_vert + n_nodes + node, template.head[self.sel])
        n = n_vert + 2 * n_nodes
        self.n_vert, self.n_nodes, self.n_arcs = n_vert, n_nodes, len(mask)
        self.fwd = sparse.csr_array((np.ones(len(self.sel)), (self.tail, self.head)), shape=(n, n))
        self.bwd = sparse.csr_array((np.ones(len(self.sel)), (self.head, self.tail)), shape=(n, n))

    def keep(self, origin: int, dests: Sequence[int]) -> np.ndarray:
        """Template arcs on some route from ``origin``'s source to a sink of ``dests``."""
        from scipy.sparse.csgraph import breadth_first_order

        n = self.fwd.shape[0]
        fwd = np.zeros(n, dtype=bool)
        fwd[breadth_first_order(self.fwd, self.n_vert + origin, directed=True, return_predecessors=False)] = True
        bwd = np.zeros(n, dtype=bool)
        for d in dests:
            bwd[breadth_first_order(self.bwd, self.n_vert + self.n_nodes + d, directed=True,
                                    return_predecessors=False)] = True
        out = np.zeros(self.n_arcs, dtype=bool)
        out[self.sel] = fwd[self.tail] & bwd[self.head]
        return out


def column_costs(graph_pricing: Mapping[str, CommodityPricing], blocks: Sequence[FlowBlock], col_arc: np.ndarray,
                 col_block: np.ndarray, slack_cols: np.ndarray, penalty: float) -> ColumnCosts:
    """Column costs from the prices of the template arcs; slack columns cost ``penalty``.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> g = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).graph
    >>> costs = column_costs(g.pricing, g.blocks, g.col_arc, g.col_block, g.slack_cols, penalty=500.0)
    >>> costs.coef.tolist()[:3], float(costs.coef[g.slack_cols[0]])
    ([10.0, 8.0, 10.0], 500.0)
    """
    n_col = len(col_arc)
    money = np.zeros(n_col)
    coef = np.zeros(n_col)
    co2 = np.zeros(n_col)
    hours = np.zeros(n_col)
    flow = col_arc >= 0
    for b, blk in enumerate(blocks):
        p = graph_pricing[blk.price_key or blk.commodity]
        sel = np.flatnonzero((col_block == b) & flow)
        t = col_arc[sel]
        money[sel] = p.money_usd_per_t[t]
        coef[sel] = p.usd_per_t[t]
        co2[sel] = p.co2e_kg_per_t[t]
        hours[sel] = p.hours[t]
    coef[slack_cols] = penalty
    return ColumnCosts(coef=coef, money=money, co2e_kg=co2, hours=hours, rest=coef - money,
                       factor_link=np.ones(n_col))


def _units_per_t(network: Network, pricing: Mapping[str, CommodityPricing], blocks: Sequence[FlowBlock],
                 col_arc: np.ndarray, col_block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TEU per tonne (every column of a container block) and wagons per tonne (flow columns) of each column."""
    tpt_inv = np.zeros(len(col_arc))  # 1/t_per_teu for TEU commodities, else 0
    tpw_inv = np.zeros(len(col_arc))  # 1/t_per_wagon where the commodity has one, else 0
    flow = col_arc >= 0
    for b, blk in enumerate(blocks):
        p = pricing[blk.price_key or blk.commodity]
        if p.unit == "TEU":
            tpt_inv[col_block == b] = 1.0 / p.tonnes_per_unit
        tpw = network.commodity_index[blk.commodity].t_per_wagon
        if tpw:
            tpw_inv[np.flatnonzero((col_block == b) & flow)] = 1.0 / float(tpw)
    return tpt_inv, tpw_inv


def capacity_units(mtpa: float | None, teu: float | None, wagons: float | None) -> Iterator[tuple[str, float]]:
    """``(unit, capacity in the unit)`` of the capacities given, in t/yr, TEU/yr, wagons/yr order (``None``: none).

    Examples
    --------
    >>> list(capacity_units(2.0, None, None))  # Mt/yr becomes t/yr
    [('t/yr', 2000000.0)]
    >>> list(capacity_units(1.0, 5000.0, 300.0))
    [('t/yr', 1000000.0), ('TEU/yr', 5000.0), ('wagons/yr', 300.0)]
    >>> list(capacity_units(None, None, None))
    []
    """
    if mtpa is not None:
        yield "t/yr", float(mtpa) * 1e6
    if teu is not None:
        yield "TEU/yr", float(teu)
    if wagons is not None:
        yield "wagons/yr", float(wagons)


def _capacity_specs(graph: ExpandedGraph) -> Iterator[tuple[CapKey, np.ndarray, np.ndarray, float]]:
    """Every capacity of the network: key, columns, units per tonne and capacity in the unit."""
    net = graph.network
    for li, lk in enumerate(net.links):
        for reverse in ((False,) if lk.oneway else (False, True)):
            for unit, cap in capacity_units(lk.capacity_mtpa, lk.capacity_teu, lk.capacity_wagons):
                yield (*graph.link_capacity(li, reverse, unit), cap)
    for ti, t in enumerate(net.transfers):
        for unit, cap in capacity_units(t.capacity_mtpa, t.capacity_teu, t.capacity_wagons):
            yield (*graph.transfer_capacity(ti, unit), cap)
    from corridor.assignment.lp_supply import supply_specs

    yield from supply_specs(graph)


def _with_capacity_rows(graph: ExpandedGraph, conservation: tuple[list[np.ndarray], list[np.ndarray],
                                                                  list[np.ndarray]]) -> ExpandedGraph:
    """``graph`` with a row per finite capacity and the whole constraint matrix."""
    ri, ci, vals = (list(part) for part in conservation)
    rows: list[CapacityRow] = []
    row = graph.n_cons
    for key, cols, coefs, cap in _capacity_specs(graph):
        if not math.isfinite(cap):
            continue
        rows.append(CapacityRow(*key, row, cap, cap, cols, coefs))
        ri.append(np.full(len(cols), row))
        ci.append(cols)
        vals.append(coefs)
        row += 1
    matrix = (np.concatenate(ri) if ri else np.zeros(0, np.int64), np.concatenate(ci) if ci else np.zeros(0, np.int64),
              np.concatenate(vals) if vals else np.zeros(0))
    cons = graph.row_lower
    caps = np.asarray([r.base for r in rows], dtype=float)
    return dataclasses.replace(graph, capacity_rows=tuple(rows), matrix=matrix,
                               row_lower=np.concatenate([cons, np.full(len(rows), -np.inf)]),
                               row_upper=np.concatenate([cons, caps]))


def build_expanded_graph(network: Network, rows: Sequence[DemandRow], prices: Mapping[str, float], *,
                         country_risk: Mapping[str, float] | None = None, no_transit: frozenset[str] = frozenset(),
                         progress: Callable[[float], None] | None = None) -> ExpandedGraph:
    """Build the transfer-expanded graph and its LP matrix.

    Parameters
    ----------
    network
        The network.
    rows
        Checked demand rows (known nodes and commodities, finite tonnes).
    prices
        ``value_of_time``, ``carbon_price``, ``risk_price`` and ``unserved_penalty_usd_per_t``.
    country_risk
        Risk score per country for ``risk_price`` (default: those of :class:`~corridor.model.costs.RouteOptions`).
    no_transit
        Countries closed to transit for rows with neither end there.
    progress
        Called with the fraction done once the arcs are priced (0.3).

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> graph = build_expanded_graph(net, list(lp.graph.rows), lp.graph.prices)
    >>> graph.n_cols, graph.n_rows
    (12, 10)
    """
    comp = network.compile()
    template = build_template(network, comp, rows)
    keys = price_keys(network, rows)
    pricing = price_template(network, comp, template, set(keys), prices, country_risk)
    if progress is not None:
        progress(0.3)
    asm = _Assembly(network, comp, template, rows)
    transit = _transit_mask(network, comp, template, no_transit) if no_transit else None
    for key, members in _group_rows(network, rows, no_transit, keys).items():
        asm.add_block(key, members, pricing[key[0]].admissible, transit)
    col_t = np.concatenate(asm.col_t) if asm.col_t else np.zeros(0, dtype=np.int64)
    col_b = np.concatenate(asm.col_b) if asm.col_b else np.zeros(0, dtype=np.int64)
    order = np.argsort(col_t, kind="stable")
    bounds = np.searchsorted(col_t[order], np.arange(template.n_arcs + 1))
    teu, wagons = _units_per_t(network, pricing, asm.blocks, col_t, col_b)
    cons = np.concatenate(asm.row_lo) if asm.row_lo else np.zeros(0)
    graph = ExpandedGraph(
        network=network, compiled=comp, rows=tuple(rows), prices=dict(prices),
        country_risk=None if country_risk is None else dict(country_risk), no_transit=no_transit,
        commodities=tuple(c.id for c in network.commodities), template=template, pricing=pricing,
        blocks=tuple(asm.blocks), col_arc=col_t, col_block=col_b, slack_cols=asm.slack_cols, n_cons=asm.n_row,
        demand_rows=np.asarray(asm.demand_rows, dtype=np.int32), demand_rhs=np.asarray(asm.demand_rhs),
        teu_per_t=teu, wagons_per_t=wagons, arc_columns=(order, bounds),
        costs=column_costs(pricing, asm.blocks, col_t, col_b, asm.slack_cols, prices["unserved_penalty_usd_per_t"]),
        capacity_rows=(), matrix=(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)),
        row_lower=cons, row_upper=cons)
    return _with_capacity_rows(graph, (asm.ri, asm.ci, asm.vals))


def reprice(graph: ExpandedGraph, network: Network) -> ExpandedGraph:
    """``graph`` with the figures of ``network`` (same records, modes and admissible cargo): new prices and costs.

    The capacity rows and bounds stay as built; the caller changes those of the model.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> dearer = reprice(lp.graph, net.replace("direct", cost_usd_per_t=12.0))
    >>> dearer.costs.coef.tolist()[:3]
    [12.0, 8.0, 12.0]
    """
    comp = network.compile()
    if same_prices(graph.network, network):  # capacities only (a sweep's samples): the same prices and costs
        return dataclasses.replace(graph, network=network, compiled=comp)
    pricing = price_template(network, comp, graph.template, graph.pricing, graph.prices, graph.country_risk)
    if any(not np.array_equal(graph.pricing[c].admissible, pricing[c].admissible) for c in graph.pricing):
        msg = "internal: admissibility changed under update_network"  # pragma: no cover - the caller checks
        raise RuntimeError(msg)
    costs = column_costs(pricing, graph.blocks, graph.col_arc, graph.col_block, graph.slack_cols,
                         graph.prices["unserved_penalty_usd_per_t"])
    return dataclasses.replace(graph, network=network, compiled=comp, pricing=pricing, costs=costs)
