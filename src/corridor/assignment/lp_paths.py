"""The freight LP by column generation over routes: cost grows with the routes used, not blocks × arcs.

The arc formulation of :mod:`corridor.assignment.lp` gives every (commodity, origin) block a
column per template arc it may use, so its size is blocks × arcs whether or not a block comes
near an arc. This module solves the same LP by its *path* form (Dantzig–Wolfe), exactly:

- *master*: one row per (block, destination) — its demand, an equality — and the same capacity
  rows (link directions, transfers, facilities, fleets in t/yr, TEU/yr, wagons/yr); a column per
  route found so far, costing the sum of its arcs' prices, loading each capacity row by the sum of
  its arcs' coefficients for the commodity; and the unserved slack of each demand row (the
  penalty per tonne);
- *pricing*: per block, one shortest-path tree (:mod:`corridor.assignment.lp_pricing`) with
  every arc at its price minus the duals of the capacity rows through it. The duals of ``≤`` rows
  of a minimisation are never positive, so the weights are never below the prices, which are never
  negative (checked at the build): Dijkstra is exact. A block with one destination to price is
  searched by A* with the distances at the prices as potential (:data:`GOAL_DIRECTED`): the same
  shortest route, fewer vertices settled. A route whose cost is below its demand row's dual is added;
- the master is solved again from its basis until no route prices out. Then the master's optimum
  is that of the arc LP (each arc flow of a block decomposes into routes and cycles, and no cycle
  costs less than nothing), and the master's duals are optimal duals of it: the capacity duals
  and the bottleneck ranking are those of the arc LP wherever its duals are unique.

The results are collected by :func:`~corridor.assignment.lp_collect.collect_result` on a graph of
the (block, arc) pairs the routes use (:attr:`PathLP.graph`), so
:class:`~corridor.assignment.lp_results.LPResult` has the same tables; the physical measures follow
the routes themselves (where routes share arcs, the arc formulation's decomposition of the same flow
may split them differently). The freight equilibrium works on a path model in route space
(:mod:`~corridor.assignment.freight_routes`); the stochastic equilibrium
(:mod:`~corridor.assignment.sue`) needs the arc formulation's graph and refuses one.

Warm re-solves (capacities, demand scales, link cost factors, new figures of the network) change
the master in place and keep its routes, as :class:`~corridor.assignment.lp.FreightLP` does.

>>> from corridor import data
>>> ds = data.load()
>>> res = PathLP.build(ds.network, ds.demand).solve()
>>> res.status, res.meta["formulation"]
('optimal', 'paths')
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from corridor.assignment.lp import FreightLP, _same_structure
from corridor.assignment.lp_collect import LPSolution, collect_result
from corridor.assignment.lp_graph import build_template, price_keys, price_template, same_prices
from corridor.assignment.lp_matrix import (
    CapacityRow,
    CapKey,
    ColumnCosts,
    ExpandedGraph,
    FlowBlock,
    LPState,
    _capacity_specs,
    _group_rows,
    _transit_mask,
    _units_per_t,
    column_costs,
)
from corridor.assignment.lp_pricing import Potential, PricingGraph, pricing_graph
from corridor.exceptions import InputError, Problem

if TYPE_CHECKING:
    from corridor.assignment.lp_graph import CommodityPricing, TemplateArcs
    from corridor.assignment.lp_results import LPResult
    from corridor.model import CompiledNetwork, DemandRow, Network

__all__ = ["PathLP"]

_Group = tuple[PricingGraph, list[int]]
"""A pricing graph and the blocks priced on it."""

UNITS = ("t/yr", "TEU/yr", "wagons/yr")
"""Units of capacity rows, in the order of the rows of the unit factors."""
MAX_ROUNDS = 10_000
"""Column generation rounds before giving up (each adds at least one route; never reached in practice)."""
GOAL_DIRECTED = True
"""Price a block with one open destination by A* to it (False: a Dijkstra stopped there; for benchmarks)."""
ASTAR_DESTINATIONS = 1
"""Blocks with up to this many open destinations are priced by A* to each (more: one Dijkstra tree).

One A* per destination costs more than one tree for several: on ``tiled(data.load(), 30, demand="across")``
pricing took 1.7 s by trees and 6.8 s by A* to every destination.
"""
POTENTIAL_RADIUS = 1.0
"""A* potentials keep the vertices within this multiple of the dearest cheapest route to their destination.

Vertices farther count as that radius: still a consistent potential (exact), guiding less, and only
where a route's cost at the duals exceeds the radius (A* settles no vertex farther from the destination
than that cost). On the 10,000-node ``rail_grid`` (cold solve and a warm one at demand × 1.1): at 1.0
the potentials hold 116 MB, at 1.25 143 MB, at 1.5 159 MB, at 2.0 178 MB, with solve times within the
noise of each other.
"""
POTENTIAL_BUDGET = 256_000_000
"""Bytes of A* potentials a model keeps; destinations beyond are priced by Dijkstra (bounded memory)."""


def _template_graph(network: Network, comp: CompiledNetwork, template: TemplateArcs, rows: Sequence[DemandRow],
                    pricing: Mapping[str, CommodityPricing], prices: Mapping[str, float],
                    country_risk: Mapping[str, float] | None, no_transit: frozenset[str]) -> ExpandedGraph:
    """An :class:`ExpandedGraph` whose columns are the template arcs themselves (one per arc, no blocks).

    The capacity specs of :mod:`corridor.assignment.lp_matrix` and :mod:`~corridor.assignment.lp_supply`
    then give each capacity's template arcs (every unit factor 1).
    """
    n = template.n_arcs
    ids = np.arange(n, dtype=np.int64)
    zeros = np.zeros(n)
    costs = ColumnCosts(coef=zeros, money=zeros, co2e_kg=zeros, hours=zeros, rest=zeros, factor_link=np.ones(n))
    empty = np.zeros(0)
    return ExpandedGraph(
        network=network, compiled=comp, rows=tuple(rows), prices=dict(prices),
        country_risk=None if country_risk is None else dict(country_risk), no_transit=no_transit,
        commodities=tuple(c.id for c in network.commodities), template=template, pricing=pricing, blocks=(),
        col_arc=ids, col_block=np.zeros(n, dtype=np.int64), slack_cols=np.zeros(0, dtype=np.int64), n_cons=0,
        demand_rows=np.zeros(0, dtype=np.int32), demand_rhs=empty, teu_per_t=np.ones(n), wagons_per_t=np.ones(n),
        arc_columns=(ids, np.arange(n + 1, dtype=np.int64)), costs=costs, capacity_rows=(),
        matrix=(np.zeros(0, np.int64), np.zeros(0, np.int64), empty), row_lower=empty, row_upper=empty)


@dataclass(frozen=True, eq=False)
class _Demand:
    """The demand rows of the master: one per (block, destination)."""

    block: np.ndarray  # block of each
    dest: np.ndarray  # destination node of each
    tonnes: np.ndarray  # demand as built
    commodity: tuple[str, ...]
    members: tuple[tuple[int, ...], ...]  # demand rows (indices) of each


@dataclass
class _Pool:
    """The routes of the master, in column order after the slacks."""

    demand: list[int] = dataclasses.field(default_factory=list)
    arcs: list[np.ndarray] = dataclasses.field(default_factory=list)
    seen: set[tuple[int, bytes]] = dataclasses.field(default_factory=set)


@dataclass
class _Potentials:
    """The A* potentials of a model at the current prices (see :meth:`PathLP._potential`)."""

    kept: dict[tuple[int, int], Potential] = dataclasses.field(default_factory=dict)  # (group, destination)
    farthest: dict[tuple[int, int], float] = dataclasses.field(default_factory=dict)  # its dearest cheapest route
    nbytes: int = 0


class PathLP(FreightLP):
    """The freight LP solved by column generation over routes (see the module docstring).

    Build it with :meth:`build` or ``FreightLP.build(..., formulation="paths")``. It has the
    methods of :class:`~corridor.assignment.lp.FreightLP` (warm re-solves included) and gives the
    same :class:`~corridor.assignment.lp_results.LPResult`; :attr:`graph` is the graph of the
    (block, arc) pairs the routes use, not of every pair.

    Parameters
    ----------
    network
        The network.
    rows
        Checked demand rows.
    prices
        ``value_of_time``, ``carbon_price``, ``risk_price`` and ``unserved_penalty_usd_per_t``.
    country_risk
        Risk score per country (default: those of :class:`~corridor.model.costs.RouteOptions`).
    no_transit
        Countries closed to transit.
    progress
        Called with ``(stage, fraction done)``.

    Examples
    --------
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = PathLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> res = lp.solve()
    >>> res.objective, res.link_flow("direct"), res.bottlenecks[0]["usd_per_t_yr"]
    (17500000.0, 1000000.0, 5.0)
    >>> lp.set_link_capacity("direct", mtpa=0.5)
    >>> lp.solve().objective
    20000000.0
    """

    formulation = "paths"

    def __init__(self, network: Network, rows: Sequence[DemandRow], prices: Mapping[str, float], *,
                 country_risk: Mapping[str, float] | None = None, no_transit: frozenset[str] = frozenset(),
                 progress: Callable[[str, float], None] | None = None) -> None:
        comp = network.compile()
        template = build_template(network, comp, rows)
        keys = price_keys(network, rows)
        pricing = price_template(network, comp, template, set(keys), prices, country_risk)
        self._template_g = _template_graph(network, comp, template, rows, pricing, prices, country_risk, no_transit)
        self._graph = self._template_g
        self._progress = progress
        self._solves = 0
        self.rows = list(rows)
        self.options = dict(prices)
        self._arc_factor = np.ones(template.n_arcs)
        self._blocks, self._demand, self._groups = self._make_blocks(network, comp, template, keys, no_transit)
        self._check_costs()
        self._built = self._template_g  # the figures of the build, for fresh()
        self._init_master()

    def _init_master(self) -> None:
        """The master as built: demand rows, their slacks and the capacity rows of the build's figures; no routes."""
        from highspy import _core

        prices = self.options
        self._highs = _core._Highs()
        h = self._highs
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("threads", 1)
        n_k = len(self._demand.block)
        rhs = self._demand.tonnes.astype(np.float64)
        h.addRows(n_k, rhs, rhs, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
        # the unserved slack of each demand row of the master
        pen = float(prices["unserved_penalty_usd_per_t"])
        h.addCols(n_k, np.full(n_k, pen), np.zeros(n_k), np.full(n_k, np.inf), n_k,
                  np.arange(n_k, dtype=np.int32), np.arange(n_k, dtype=np.int32), np.ones(n_k))
        caps: dict[CapKey, CapacityRow] = {}
        row = n_k
        arc_rows: list[np.ndarray] = []
        units: list[int] = []
        for key, arcs, _, cap in _capacity_specs(self._template_g):
            if not math.isfinite(cap):
                continue
            caps[key] = CapacityRow(*key, row, cap, cap, arcs, np.ones(len(arcs)))
            arc_rows.append(arcs)
            units.append(UNITS.index(key[4]))
            row += 1
        self._cap_arcs = arc_rows
        self._cap_unit = np.asarray(units, dtype=np.int64)
        self._cap_matrix = self._arc_matrix(arc_rows)
        n_cap = len(arc_rows)
        h.addRows(n_cap, np.full(n_cap, -np.inf), np.asarray([r.base for r in caps.values()], dtype=np.float64),
                  0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
        self._state = LPState(costs=self._template_g.costs, capacities=caps, demand_scale=1.0, n_rows=row)
        self._pool = _Pool()
        self._ks_of_block: dict[int, list[int]] = {}
        for k, b in enumerate(self._demand.block.tolist()):
            self._ks_of_block.setdefault(b, []).append(k)
        self._cheapest = np.full(n_k, -np.inf)  # a lower bound on each demand row's route; stale: -inf
        self._stale = True
        self._potentials = _Potentials()
        self._unreachable = np.zeros(n_k, dtype=bool)
        self._rounds = 0
        self._last: tuple[ExpandedGraph, LPState, LPSolution] | None = None

    def fresh(self) -> PathLP:
        """A new model as this one was built — the build's figures, no routes, no basis — without building again.

        The template graph, its prices, the blocks and the pricing graphs are shared (they are
        never changed in place); the master is made anew. A sweep's worker keeps one per model
        structure and starts each chunk of samples from it (then :meth:`update_network`).

        Examples
        --------
        >>> from corridor import data
        >>> ds = data.load()
        >>> lp = PathLP.build(ds.network, ds.demand)
        >>> first = lp.solve().objective
        >>> lp.set_demand_scale(1.5)
        >>> _ = lp.solve()
        >>> again = lp.fresh()
        >>> again.n_routes, again.state.demand_scale, again.solve().objective == first
        (0, 1.0, True)
        """
        new = object.__new__(type(self))
        new._template_g = new._graph = new._built = self._built
        new._progress = self._progress
        new._solves = 0
        new.rows = self.rows
        new.options = dict(self.options)
        new._arc_factor = np.ones(self._built.template.n_arcs)
        new._blocks, new._demand, new._groups = self._blocks, self._demand, self._groups
        new._init_master()
        return new

    # --- construction ---------------------------------------------------------------------------
    def _make_blocks(self, network: Network, comp: CompiledNetwork, template: TemplateArcs, keys: list[str],
                     no_transit: frozenset[str]) -> tuple[list[FlowBlock], _Demand, list[_Group]]:
        """Blocks (commodity, origin), the master's demand rows and the pricing graphs with their blocks."""
        rows = self.rows
        pricing = self._template_g.pricing
        transit = _transit_mask(network, comp, template, no_transit) if no_transit else None
        blocks: list[FlowBlock] = []
        k_block: list[int] = []
        k_dest: list[int] = []
        k_t: list[float] = []
        k_com: list[str] = []
        k_members: list[tuple[int, ...]] = []
        graphs: dict[tuple[str, bool], tuple[PricingGraph, list[int]]] = {}
        for (pkey, o, barred), members in _group_rows(network, rows, no_transit, keys).items():
            c = rows[members[0]].commodity
            by_dest: dict[int, list[int]] = {}
            for i in members:
                by_dest.setdefault(network.node_index[rows[i].destination], []).append(i)
            b = len(blocks)
            blocks.append(FlowBlock(c, o, barred, 0, tuple(sorted(by_dest)), tuple(members), pkey))
            for d in sorted(by_dest):
                k_block.append(b)
                k_dest.append(d)
                k_t.append(math.fsum(rows[i].tonnes for i in by_dest[d]))
                k_com.append(c)
                k_members.append(tuple(by_dest[d]))
            if (pkey, barred) not in graphs:
                mask = pricing[pkey].admissible.copy()
                if barred and transit is not None:
                    mask &= ~transit
                graphs[pkey, barred] = (pricing_graph(template, mask, comp.n_nodes), [])
            graphs[pkey, barred][1].append(b)
        demand = _Demand(block=np.asarray(k_block, dtype=np.int64), dest=np.asarray(k_dest, dtype=np.int64),
                         tonnes=np.asarray(k_t), commodity=tuple(k_com), members=tuple(k_members))
        return blocks, demand, list(graphs.values())

    def _check_costs(self) -> None:
        for key, p in self._template_g.pricing.items():
            cost = self._arc_costs(key)
            if (cost[p.admissible] < 0).any():
                raise InputError(Problem("options", "formulation",
                                         f"the path formulation needs arc costs >= 0; {key} has negative ones"))

    def _arc_matrix(self, arc_rows: Sequence[np.ndarray]) -> Any:
        """Sparse (capacity rows × template arcs) 0/1 matrix, CSR."""
        n_t = self._template_g.template.n_arcs
        lens = [len(a) for a in arc_rows]
        r = np.repeat(np.arange(len(arc_rows)), lens)
        c = np.concatenate(arc_rows) if arc_rows else np.zeros(0, dtype=np.int64)
        return sparse.csr_array((np.ones(len(c)), (r, c)), shape=(len(arc_rows), n_t))

    def _unit_factors(self) -> tuple[list[str], np.ndarray]:
        """Pricing keys in order, and units per tonne ``(3, n_keys)`` of each capacity unit (0: not counted)."""
        net, pricing = self.network, self._template_g.pricing
        keys = sorted(pricing)
        f = np.zeros((len(UNITS), len(keys)))
        for j, key in enumerate(keys):
            p = pricing[key]
            f[0, j] = 1.0
            f[1, j] = 1.0 / p.tonnes_per_unit if p.unit == "TEU" else 0.0
            tpw = net.commodity_index[key.split("@", 1)[0]].t_per_wagon
            f[2, j] = 1.0 / float(tpw) if tpw else 0.0
        return keys, f

    def _arc_costs(self, key: str) -> np.ndarray:
        """Generalised cost per tonne of every template arc for pricing key ``key``, link cost factors applied."""
        p = self._template_g.pricing[key]
        return p.money_usd_per_t * self._arc_factor + (p.usd_per_t - p.money_usd_per_t)

    # --- what the model holds -------------------------------------------------------------------
    @property
    def graph(self) -> ExpandedGraph:
        """The graph of the (block, arc) pairs on the routes that carry flow in the last solve.

        Before the first solve, the template graph (one column per template arc, no blocks).
        """
        return self._template_g if self._last is None else self._last[0]

    @property
    def n_routes(self) -> int:
        """Routes in the master so far."""
        return len(self._pool.arcs)

    # --- changes in place -------------------------------------------------------------------------
    def _add_row(self, key: CapKey, cap: float, spec: Callable[[], tuple[CapKey, np.ndarray, np.ndarray]],
                 row: int) -> CapacityRow:
        """Add a capacity row over the template arcs of ``spec()``, loaded by every route through them."""
        _, arcs, _ = spec()
        arcs = np.unique(arcs)
        unit = UNITS.index(key[4])
        self._cap_arcs.append(arcs)
        self._cap_unit = np.append(self._cap_unit, unit)
        self._cap_matrix = self._arc_matrix(self._cap_arcs)
        cols, coefs = self._row_of_routes(arcs, unit)
        self._highs.addRow(-np.inf, cap, len(cols), cols.astype(np.int32), coefs)
        return CapacityRow(*key, row, math.inf, cap, arcs, np.ones(len(arcs)))

    def _row_of_routes(self, arcs: np.ndarray, unit: int) -> tuple[np.ndarray, np.ndarray]:
        """Master columns and coefficients of a new capacity row over template ``arcs`` in unit ``unit``."""
        keys, f = self._unit_factors()
        kpos = {k: j for j, k in enumerate(keys)}
        inside = np.zeros(self._template_g.template.n_arcs, dtype=bool)
        inside[arcs] = True
        n_k = len(self._demand.block)
        cols: list[int] = []
        vals: list[float] = []
        for p, (k, pa) in enumerate(zip(self._pool.demand, self._pool.arcs, strict=True)):
            hits = int(np.count_nonzero(inside[pa]))
            fac = f[unit, kpos[self._blocks[self._demand.block[k]].price_key]]
            if hits and fac > 0:
                cols.append(n_k + p)
                vals.append(hits * fac)
        return np.asarray(cols, dtype=np.int64), np.asarray(vals, dtype=np.float64)

    def _apply_demand(self) -> None:
        d = self._demand
        scale = np.asarray([self._state.row_scale(c) for c in d.commodity])
        rhs = (d.tonnes * scale).astype(np.float64)
        idx = np.arange(len(rhs), dtype=np.int32)
        self._highs.changeRowsBounds(len(rhs), idx, rhs, rhs)

    def set_link_cost_factor(self, link_id: str, factor: float) -> None:
        """Multiply the money part (tariff) of a link's cost, both directions, by ``factor`` (not compounding)."""
        li = self._link_index(link_id)
        if not math.isfinite(factor) or factor < 0:
            raise InputError(Problem("options", "factor", f"must be a finite number >= 0, got {factor!r}"))
        g = self._template_g
        arcs = np.concatenate([g.link_template_arcs(li, r) for r in (False, True)])
        self._arc_factor[arcs] = factor
        self._reprice_routes()
        self._stale = True

    def _reprice_routes(self) -> None:
        """New costs of every route in the master (after a change of link cost factors or prices)."""
        if not self._pool.arcs:
            return
        costs = {key: self._arc_costs(key) for key in self._template_g.pricing}
        pk = [self._blocks[self._demand.block[k]].price_key for k in self._pool.demand]
        new = np.asarray([float(costs[key][pa].sum()) for key, pa in zip(pk, self._pool.arcs, strict=True)])
        n_k = len(self._demand.block)
        cols = np.arange(n_k, n_k + len(new), dtype=np.int32)
        self._highs.changeColsCost(len(cols), cols, new)

    def update_network(self, network: Network) -> bool:
        """Take the figures of ``network`` — same records, new tariffs, times and capacities — in place.

        As :meth:`FreightLP.update_network`: False (and nothing changed) when the structure differs.
        """
        old = self.network
        if not _same_structure(old, network) or price_keys(old, self.rows) != price_keys(network, self.rows):
            return False
        g = self._template_g
        comp = network.compile()
        if same_prices(old, network):  # capacities only: routes, cheapest routes and potentials keep their prices
            self._template_g = self._graph = dataclasses.replace(g, network=network, compiled=comp)
            self._update_capacities(old, self._template_g)
            return True
        pricing = price_template(network, comp, g.template, g.pricing, g.prices, g.country_risk)
        if any(not np.array_equal(g.pricing[c].admissible, pricing[c].admissible) for c in g.pricing):
            return False  # pragma: no cover - the structure check above decides admissibility
        self._template_g = dataclasses.replace(g, network=network, compiled=comp, pricing=pricing)
        self._graph = self._template_g
        self._check_costs()
        self._reprice_routes()
        self._stale = True
        self._update_capacities(old, self._template_g)
        return True

    # --- column generation ---------------------------------------------------------------------
    def _price(self, sigma: np.ndarray, pi: np.ndarray) -> tuple[list[int], list[np.ndarray]]:
        """Routes with a negative reduced cost: (demand row, template arcs) of each.

        A demand row whose dual is no more than its cheapest route at the prices alone
        (:attr:`_cheapest`, a lower bound on its route at any duals) cannot price out and is skipped;
        a block left with one destination stops its search there.
        """
        keys, f = self._unit_factors()
        kpos = {k: j for j, k in enumerate(keys)}
        pi = np.minimum(pi, 0.0)  # a positive dual of a <= row is noise
        per_unit = [self._cap_matrix.T @ np.where(self._cap_unit == u, pi, 0.0) for u in range(len(UNITS))]
        d = self._demand
        tol = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(sigma), sigma, 0.0)))
        open_k = sigma - self._cheapest > tol
        found_k: list[int] = []
        found: list[np.ndarray] = []
        weights: dict[str, np.ndarray] = {}
        csr_w: dict[int, np.ndarray] = {}
        for gi, (pg, blocks) in enumerate(self._groups):
            for b in blocks:
                ks = [k for k in self._ks_of_block[b] if open_k[k]]
                if not ks:
                    continue
                blk = self._blocks[b]
                key = blk.price_key
                if key not in weights:
                    j = kpos[key]
                    w = self._arc_costs(key) - sum(f[u, j] * per_unit[u] for u in range(len(UNITS)))
                    weights[key] = np.maximum(w, 0.0)
                for (dist, pred), kk in self._searches(gi, blk.origin, ks, weights[key], csr_w, sigma):
                    for k in kk:
                        dk = float(dist[pg.sink(int(d.dest[k]))])
                        if not dk - sigma[k] < -tol[k]:  # (an unreachable row has dk = inf)
                            continue
                        arcs = pg.path(pred, blk.origin, int(d.dest[k]))
                        sig = (k, arcs.tobytes())
                        if sig in self._pool.seen:
                            continue
                        self._pool.seen.add(sig)
                        found_k.append(k)
                        found.append(arcs)
        return found_k, found

    def _searches(self, group: int, origin: int, ks: list[int], weights: np.ndarray, csr_w: dict[int, np.ndarray],
                  sigma: np.ndarray) -> list[tuple[tuple[np.ndarray, np.ndarray], list[int]]]:
        """The pricing searches of one block from ``origin`` to demand rows ``ks``: (dist, pred) and the rows of each.

        With up to :data:`ASTAR_DESTINATIONS` rows (and their potentials), an A* search to each,
        bounded by the row's dual (a dearer route would not price out); else one Dijkstra tree,
        stopped at the destination if there is one. ``csr_w`` keeps each group's weights per CSR position.
        """
        pg = self._groups[group][0]
        dest = self._demand.dest
        astar = GOAL_DIRECTED and len(ks) <= ASTAR_DESTINATIONS
        pots = [self._potential(group, int(dest[k])) for k in ks] if astar else []
        if not pots or any(p is None for p in pots):
            return [(pg.tree(weights, origin, int(dest[ks[0]]) if len(ks) == 1 else -1), ks)]
        if group not in csr_w:
            csr_w[group] = pg.csr_weights(weights)
        return [(pg.route(csr_w[group], origin, int(dest[k]), p, float(sigma[k])), [k])
                for k, p in zip(ks, pots, strict=True) if p is not None]

    def _potential(self, group: int, dest: int) -> Potential | None:
        """The potential of A* to ``dest`` on pricing graph ``group``: distances at the prices (kept until they change).

        Computed when first asked for, so only for destinations priced by A*; vertices beyond
        :data:`POTENTIAL_RADIUS` times the dearest cheapest route to ``dest`` are not kept. None once
        the potentials kept hold :data:`POTENTIAL_BUDGET` bytes.
        """
        pots = self._potentials
        pot = pots.kept.get((group, dest))
        if pot is None:
            if pots.nbytes >= POTENTIAL_BUDGET:
                return None
            pg, blocks = self._groups[group]
            radius = POTENTIAL_RADIUS * pots.farthest.get((group, dest), math.inf)
            pot = pg.potential(self._arc_costs(self._blocks[blocks[0]].price_key), dest, radius)
            pots.kept[group, dest] = pot
            pots.nbytes += pot.nbytes
        return pot

    def _cheapest_routes(self) -> None:
        """The cheapest route of every demand row at the prices alone (no capacity binding) into the master.

        Their costs bound every route's reduced cost from below (the duals of capacity rows only
        add to the arcs' weights); rows with none have no route at all.
        """
        n_k = len(self._demand.block)
        self._cheapest = np.full(n_k, -np.inf)
        ks, routes = [], []
        farthest = self._potentials.farthest
        for gi, (pg, blocks) in enumerate(self._groups):
            for b in blocks:
                blk = self._blocks[b]
                dist, pred = pg.tree(self._arc_costs(blk.price_key), blk.origin)
                for k in self._ks_of_block[b]:
                    dest = int(self._demand.dest[k])
                    self._cheapest[k] = float(dist[pg.sink(dest)])
                    if math.isfinite(self._cheapest[k]):
                        farthest[gi, dest] = max(farthest.get((gi, dest), 0.0), self._cheapest[k])
                    if math.isfinite(self._cheapest[k]):
                        arcs = pg.path(pred, blk.origin, dest)
                        if (k, arcs.tobytes()) not in self._pool.seen:
                            self._pool.seen.add((k, arcs.tobytes()))
                            ks.append(k)
                            routes.append(arcs)
        self._unreachable = ~np.isfinite(self._cheapest)
        self._add_routes(ks, routes)

    def _add_routes(self, ks: list[int], routes: list[np.ndarray]) -> None:
        """Add route columns to the master."""
        if not routes:
            return
        keys, f = self._unit_factors()
        kpos = {k: j for j, k in enumerate(keys)}
        n_t = self._template_g.template.n_arcs
        lens = [len(a) for a in routes]
        pm = sparse.csc_array((np.ones(sum(lens)), (np.concatenate(routes), np.repeat(np.arange(len(routes)), lens))),
                              shape=(n_t, len(routes)))
        load = sparse.csc_array(self._cap_matrix @ pm).tocoo()  # capacity row x route: arcs of the route in the row
        pk = np.asarray([kpos[self._blocks[self._demand.block[k]].price_key] for k in ks], dtype=np.int64)
        vals = load.data * f[self._cap_unit[load.row], pk[load.col]]
        keep = vals != 0
        n_k = len(self._demand.block)
        rows = np.concatenate([np.asarray(ks, dtype=np.int64), n_k + load.row[keep]])
        cols = np.concatenate([np.arange(len(routes)), load.col[keep]])
        vv = np.concatenate([np.ones(len(routes)), vals[keep]])
        order = np.lexsort((rows, cols))
        starts = np.searchsorted(cols[order], np.arange(len(routes))).astype(np.int32)
        costs = {key: self._arc_costs(key) for key in {keys[j] for j in pk.tolist()}}
        cost = np.asarray([float(costs[keys[j]][a].sum()) for j, a in zip(pk.tolist(), routes, strict=True)])
        self._highs.addCols(len(routes), cost, np.zeros(len(routes)), np.full(len(routes), np.inf), len(order),
                            starts, rows[order].astype(np.int32), vv[order].astype(np.float64))
        self._pool.demand += ks
        self._pool.arcs += routes

    def solve(self) -> LPResult:
        """Generate routes until none prices out (from the routes and basis of the last solve), and collect."""
        self._report("solve", 0.0)
        h = self._highs
        warm = self._solves > 0
        t0 = time.perf_counter()
        n_k = len(self._demand.block)
        iterations = 0
        rounds = 0
        if self._stale:  # first solve, or costs changed since the last
            self._potentials = _Potentials()
            self._cheapest_routes()
            self._stale = False
        while True:
            h.run()
            rounds += 1
            iterations += int(h.getInfo().simplex_iteration_count)
            sol = h.getSolution()
            duals = np.asarray(sol.row_dual, dtype=float)
            ks, routes = self._price(duals[:n_k], duals[n_k:])
            if not routes or rounds >= MAX_ROUNDS:
                break
            self._add_routes(ks, routes)
            self._report("solve", min(0.9, rounds / 50))
        seconds = time.perf_counter() - t0
        self._solves += 1
        self._rounds = rounds
        status = h.modelStatusToString(h.getModelStatus()).lower()
        if rounds >= MAX_ROUNDS:  # pragma: no cover - a safeguard
            status = "column generation did not converge"
        x = np.maximum(np.asarray(sol.col_value, dtype=float), 0.0)
        meta = {"solve_seconds": seconds, "iterations": iterations, "warm_start": warm, "formulation": "paths",
                "cg_rounds": rounds, "n_routes": len(self._pool.arcs)}
        res = self._collect(x, duals, status, float(h.getInfo().objective_function_value), meta)
        self._report("solve", 1.0)
        return res

    # --- results -------------------------------------------------------------------------------
    def collect_routes(self, x: np.ndarray, demand_rows: Sequence[int], routes: Sequence[np.ndarray], status: str,
                       objective: float, meta: Mapping[str, Any], *,
                       unreachable: np.ndarray | None = None) -> LPResult:
        """The :class:`LPResult` of flows given route by route, on the graph of the arcs the routes use.

        Parameters
        ----------
        x
            Unserved tonnes of each (block, destination) demand row of the model, then tonnes on
            each route.
        demand_rows, routes
            Per route: its demand row, and its template arcs source to sink.
        status, objective, meta
            What to report.
        unreachable
            Per demand row of the model: whether it has no route at all.

        Returns
        -------
        LPResult
            With capacity duals of zero (the flows were not priced by the master).
        """
        pool = _Pool(demand=list(demand_rows), arcs=list(routes))
        duals = np.zeros(len(self._demand.block) + len(self._cap_arcs))
        return self._collect(x, duals, status, objective, {**meta, "formulation": "paths"}, pool=pool,
                             unreachable=unreachable)

    def _collect(self, x: np.ndarray, duals: np.ndarray, status: str, objective: float,
                 meta: Mapping[str, Any], *, pool: _Pool | None = None,
                 unreachable: np.ndarray | None = None) -> LPResult:
        """The :class:`LPResult` of a master solution, on the graph of the arcs its routes use."""
        d = self._demand
        pool = self._pool if pool is None else pool
        unreach = self._unreachable if unreachable is None else unreachable
        n_k = len(d.block)
        xr = x[n_k:]
        used = np.flatnonzero(xr > 0)
        by_block: dict[int, list[int]] = {}
        for p in used.tolist():
            by_block.setdefault(int(d.block[pool.demand[p]]), []).append(p)
        col_t: list[np.ndarray] = []
        col_b: list[np.ndarray] = []
        slack_cols = np.zeros(len(self.rows), dtype=np.int64)
        xs: list[np.ndarray] = []
        routes: dict[int, list[tuple[np.ndarray, float]]] = {}
        n_col = 0
        slack_of_row = np.zeros(len(self.rows))
        for k in range(n_k):  # the master's slack of a (block, destination), shared in proportion to demand
            members = d.members[k]
            tot = math.fsum(self.rows[i].tonnes for i in members)
            for i in members:
                slack_of_row[i] = x[k] * (self.rows[i].tonnes / tot if tot > 0 else 1.0 / len(members))
        for b, blk in enumerate(self._blocks):
            ps = by_block.get(b, [])
            arcs = np.unique(np.concatenate([pool.arcs[p] for p in ps])) if ps else np.zeros(0, dtype=np.int64)
            xb = np.zeros(len(arcs))
            routes[b] = []
            for p in ps:
                pos = np.searchsorted(arcs, pool.arcs[p])
                np.add.at(xb, pos, xr[p])
                routes[b].append((n_col + pos, float(xr[p])))
            col_t += [arcs, np.full(len(blk.members), -1, dtype=np.int64)]
            col_b.append(np.full(len(arcs) + len(blk.members), b, dtype=np.int64))
            slack_cols[list(blk.members)] = n_col + len(arcs) + np.arange(len(blk.members))
            xs += [xb, slack_of_row[list(blk.members)]]
            n_col += len(arcs) + len(blk.members)
        ca = np.concatenate(col_t) if col_t else np.zeros(0, dtype=np.int64)
        cb = np.concatenate(col_b) if col_b else np.zeros(0, dtype=np.int64)
        xx = np.concatenate(xs) if xs else np.zeros(0)
        graph = self._restricted_graph(ca, cb, slack_cols)
        state = self._restricted_state(graph)
        cap_duals = duals[n_k:n_k + len(self._cap_arcs)].copy()
        no_route = frozenset(i for k in np.flatnonzero(unreach).tolist() for i in d.members[k])
        solution = LPSolution(xx, cap_duals, status, objective, meta, routes=routes, unreachable=no_route)
        self._last = (graph, state, solution)
        return collect_result(graph, state, solution)

    def _restricted_graph(self, col_arc: np.ndarray, col_block: np.ndarray, slack_cols: np.ndarray) -> ExpandedGraph:
        g = self._template_g
        pricing = g.pricing
        costs = column_costs(pricing, self._blocks, col_arc, col_block, slack_cols,
                             self.options["unserved_penalty_usd_per_t"])
        flow = col_arc >= 0
        factor = np.ones(len(col_arc))
        factor[flow] = self._arc_factor[col_arc[flow]]
        coef = costs.money * factor + costs.rest
        costs = dataclasses.replace(costs, coef=coef, factor_link=factor)
        teu, wagons = _units_per_t(g.network, pricing, self._blocks, col_arc, col_block)
        order = np.argsort(col_arc, kind="stable")
        bounds = np.searchsorted(col_arc[order], np.arange(g.template.n_arcs + 1))
        return dataclasses.replace(g, blocks=tuple(self._blocks), col_arc=col_arc, col_block=col_block,
                                   slack_cols=slack_cols, teu_per_t=teu, wagons_per_t=wagons,
                                   arc_columns=(order, bounds), costs=costs)

    def _restricted_state(self, graph: ExpandedGraph) -> LPState:
        """The capacity rows over ``graph``'s columns, numbered 0.. in the order of the master's rows."""
        keys, f = self._unit_factors()
        kpos = {k: j for j, k in enumerate(keys)}
        flow = np.flatnonzero(graph.col_arc >= 0)
        bk = np.asarray([kpos[b.price_key] for b in self._blocks], dtype=np.int64)
        load = sparse.csr_array(self._cap_matrix[:, graph.col_arc[flow]])
        coo = load.tocoo()
        vals = coo.data * f[self._cap_unit[coo.row], bk[graph.col_block[flow[coo.col]]]]
        keep = vals != 0
        r, c, v = coo.row[keep], flow[coo.col[keep]], vals[keep]
        order = np.argsort(r, kind="stable")
        r, c, v = r[order], c[order], v[order]
        bounds = np.searchsorted(r, np.arange(len(self._cap_arcs) + 1))
        n_k = len(self._demand.block)
        caps: dict[CapKey, CapacityRow] = {}
        for key, row in self._state.capacities.items():
            i = row.row - n_k
            s, e = bounds[i], bounds[i + 1]
            caps[key] = dataclasses.replace(row, row=i, cols=c[s:e], coefs=v[s:e])
        return dataclasses.replace(self._state, costs=graph.costs, capacities=caps)

    def collect(self, solution: LPSolution) -> LPResult:
        """The result tables of a flow on :attr:`graph` (after a solve; ``solution.duals`` one per capacity row)."""
        if self._last is None:
            msg = "solve the model first: the path formulation has no columns before"
            raise RuntimeError(msg)
        graph, state, _ = self._last
        return collect_result(graph, state, solution)
