"""The freight equilibrium on routes: flows kept per route found, not per (block, arc).

:func:`~corridor.assignment.freight_eq.freight_equilibrium` on the arc formulation keeps one flow
per (commodity, origin) block and template arc, so its memory grows with blocks × arcs — about
40 million numbers per vector on a 10,000-node network with 1,000 zones. On a model of the path
formulation (:class:`~corridor.assignment.lp_paths.PathLP`) it works here instead, in *route
space*: the flow vector holds the unserved tonnes of each (block, destination) demand row of the
model and then the tonnes on each route an all-or-nothing loading has chosen so far.

The Frank-Wolfe family is linear in the flows, so every iterate maps exactly onto the arc form's
(each route is a sum of its block's arc columns): the same loads on the capacities, the same
Beckmann objective, line search, conjugate directions and relative gap. The loading is one
shortest-path tree per block (:meth:`~corridor.assignment.lp_pricing.PricingGraph.tree`, stopped at
the destination when a block has one) on every template arc at its price plus the current delay
cost of the capacities through it; a route dearer than the unserved penalty leaves its row
unserved, as the unserved arc does in the arc form. A route found before keeps its column.

>>> from corridor import data
>>> from corridor.assignment import FreightEquilibriumOptions, freight_equilibrium
>>> ds = data.load()
>>> res = freight_equilibrium(ds.network, ds.demand, FreightEquilibriumOptions(formulation="paths"))
>>> res.converged, res.flows.meta["formulation"]
(True, 'paths')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from corridor.assignment.lp_paths import UNITS

if TYPE_CHECKING:
    from corridor.assignment.lp import FreightLP
    from corridor.assignment.lp_paths import PathLP
    from corridor.assignment.lp_results import LPResult

__all__ = ["RouteSpace", "route_units"]


def route_units(lp: FreightLP) -> np.ndarray:
    """Tonnes per unit of each capacity row of a path model (1 for t/yr; tonnes per TEU or wagon).

    As in the arc form, the smallest over the commodities that may load the row: one over the
    largest units-per-tonne factor of a pricing key with an admissible arc in it.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.assignment import FreightLP
    >>> ds = data.load()
    >>> lp = FreightLP.build(ds.network, ds.demand, formulation="paths")
    >>> units = route_units(lp)
    >>> len(units) == len(lp.state.capacities), bool((units >= 1).all())
    (True, True)
    """
    plp: PathLP = lp  # type: ignore[assignment]
    keys, f = plp._unit_factors()
    pricing = plp._template_g.pricing
    n_k = len(plp._demand.block)
    out = np.ones(len(plp.state.capacities))
    for i, row in enumerate(plp.state.capacities.values()):
        u = int(plp._cap_unit[row.row - n_k])
        arcs = plp._cap_arcs[row.row - n_k]
        best = max((f[u, j] for j, key in enumerate(keys) if f[u, j] > 0 and pricing[key].admissible[arcs].any()),
                   default=0.0)
        if best > 0:
            out[i] = 1.0 / best
    return out


class RouteSpace:
    """The flow space of the freight equilibrium on a path model: unserved tonnes, then routes.

    Parameters
    ----------
    lp
        A model of the path formulation (its current capacities, demand scales and link cost
        factors apply).
    row_of
        Resource (merged capacity) of each capacity row of ``lp``, in the order of
        ``lp.state.capacities``.
    n_resources
        Resources.
    closed
        Resources whose capacity is nil: an arc through one costs ``closed_cost`` per tonne.
    closed_cost
        That cost.

    Attributes
    ----------
    fixed
        Cost per tonne of each column at free flow: the unserved penalty, then each route's price.
    m
        Sparse ``(resources, columns)`` matrix: units loaded on each resource per tonne of a column.

    Examples
    --------
    One loading at free flow on the built-in network: every demand row on its cheapest route.

    >>> import numpy as np
    >>> from corridor import data
    >>> from corridor.assignment import FreightLP
    >>> ds = data.load()
    >>> lp = FreightLP.build(ds.network, ds.demand, formulation="paths", value_of_time=0.12)
    >>> n = len(lp.state.capacities)
    >>> space = RouteSpace(lp, np.arange(n), n, np.zeros(n, dtype=bool), closed_cost=1e12)
    >>> y, cost = space.load(np.zeros(n))
    >>> space.n_cols > space.n_k, bool(np.isclose(y.sum(), space.demand.sum()))
    (True, True)
    >>> bool(np.isclose(space.fixed @ y, cost))  # at free flow the cost is the routes' prices
    True
    """

    def __init__(self, lp: FreightLP, row_of: np.ndarray, n_resources: int, closed: np.ndarray, *,
                 closed_cost: float) -> None:
        plp: PathLP = lp  # type: ignore[assignment]
        self.lp = plp
        d = plp._demand
        self.n_k = len(d.block)
        self.demand = d.tonnes * np.asarray([plp.state.row_scale(c) for c in d.commodity])
        self.penalty = float(plp.options["unserved_penalty_usd_per_t"])
        keys, f = plp._unit_factors()
        self._kpos = {k: j for j, k in enumerate(keys)}
        self._f = f
        n_k = self.n_k
        model_rows = np.asarray([row.row - n_k for row in plp.state.capacities.values()], dtype=np.int64)
        # resource of each row of the model's capacity matrix, and its unit
        res_of = np.full(len(plp._cap_arcs), -1, dtype=np.int64)
        res_of[model_rows] = row_of
        keep = res_of >= 0
        a = sparse.csr_array(plp._cap_matrix)[np.flatnonzero(keep)]
        merge = sparse.csr_array((np.ones(int(keep.sum())), (res_of[keep], np.arange(int(keep.sum())))),
                                 shape=(n_resources, int(keep.sum())))
        self._a = sparse.csr_array(merge @ a)  # resources × template arcs: passes of the arc through it
        self._at = self._a.T.tocsr()
        unit = np.zeros(n_resources, dtype=np.int64)
        unit[res_of[keep]] = plp._cap_unit[keep]
        self._unit = unit
        self._base: dict[str, np.ndarray] = {}
        closed_units = [self._at @ (closed & (unit == u)).astype(np.float64) > 0 for u in range(len(UNITS))]
        for key in plp._template_g.pricing:
            j = self._kpos[key]
            shut = np.zeros(self._a.shape[1], dtype=bool)
            for u in range(len(UNITS)):
                if f[u, j] > 0:
                    shut |= closed_units[u]
            self._base[key] = plp._arc_costs(key) + np.where(shut, closed_cost, 0.0)
        self._routes: dict[tuple[int, bytes], int] = {}
        self._route_k: list[int] = []
        self._route_arcs: list[np.ndarray] = []
        self._fixed = [np.full(n_k, self.penalty)]
        self._cols: list[Any] = [sparse.csc_array((n_resources, n_k))]
        self._m: Any = None
        self.unreachable = np.zeros(n_k, dtype=bool)
        self._first = True

    # --- the space ------------------------------------------------------------------------------
    @property
    def n_cols(self) -> int:
        """Columns: the demand rows' unserved tonnes, then the routes."""
        return self.n_k + len(self._route_arcs)

    @property
    def fixed(self) -> np.ndarray:
        """Cost per tonne of each column at free flow."""
        if len(self._fixed) > 1:
            self._fixed = [np.concatenate(self._fixed)]
        return self._fixed[0]

    @property
    def m(self) -> Any:
        """Units loaded on each resource per tonne of each column (CSR)."""
        if self._m is None or self._m.shape[1] != self.n_cols:
            if len(self._cols) > 1:
                self._cols = [sparse.hstack(self._cols, format="csc")]
            self._m = sparse.csr_array(self._cols[0])
        return self._m

    def _add(self, ks: list[int], routes: list[np.ndarray]) -> None:
        """New route columns: their fixed costs and loads."""
        plp = self.lp
        n_t = self._a.shape[1]
        lens = [len(r) for r in routes]
        pm = sparse.csc_array((np.ones(sum(lens)), (np.concatenate(routes), np.repeat(np.arange(len(routes)), lens))),
                              shape=(n_t, len(routes)))
        load = sparse.csc_array(self._a @ pm).tocoo()
        keys = [plp._blocks[plp._demand.block[k]].price_key for k in ks]
        pk = np.asarray([self._kpos[key] for key in keys], dtype=np.int64)
        vals = load.data * self._f[self._unit[load.row], pk[load.col]]
        self._cols.append(sparse.csc_array((vals, (load.row, load.col)), shape=(self._a.shape[0], len(routes))))
        self._fixed.append(np.asarray([float(self._base[key][r].sum()) for key, r in zip(keys, routes, strict=True)]))
        self._route_k += ks
        self._route_arcs += routes

    def load(self, row_cost: np.ndarray) -> tuple[np.ndarray, float]:
        """All-or-nothing flows at the free-flow prices plus ``row_cost`` per unit of each resource.

        Returns the flow vector (over the columns after any new routes) and its cost.
        """
        plp = self.lp
        per_unit = [self._at @ np.where(self._unit == u, row_cost, 0.0) for u in range(len(UNITS))]
        weights: dict[str, np.ndarray] = {}
        y_k = np.zeros(self.n_k)
        chosen: dict[int, float] = {}
        new_k: list[int] = []
        new_r: list[np.ndarray] = []
        spc = 0.0
        dest = plp._demand.dest
        for pg, blocks in plp._groups:
            for b in blocks:
                blk = plp._blocks[b]
                key = blk.price_key
                if key not in weights:
                    j = self._kpos[key]
                    weights[key] = self._base[key] + sum(self._f[u, j] * per_unit[u] for u in range(len(UNITS)))
                ks = plp._ks_of_block[b]
                dist, pred = pg.tree(weights[key], blk.origin, int(dest[ks[0]]) if len(ks) == 1 else -1)
                for k in ks:
                    dk = float(dist[pg.sink(int(dest[k]))])
                    if self._first and not np.isfinite(dk):
                        self.unreachable[k] = True
                    if not dk < self.penalty:
                        y_k[k] += self.demand[k]
                        spc += self.demand[k] * self.penalty
                        continue
                    arcs = pg.path(pred, blk.origin, int(dest[k]))
                    sig = (k, arcs.tobytes())
                    col = self._routes.get(sig)
                    if col is None:
                        col = self._routes[sig] = self.n_cols + len(new_r)
                        new_k.append(k)
                        new_r.append(arcs)
                    chosen[col] = chosen.get(col, 0.0) + self.demand[k]
                    spc += self.demand[k] * dk
        self._first = False
        if new_r:
            self._add(new_k, new_r)
        y = np.zeros(self.n_cols)
        y[: self.n_k] = y_k
        if chosen:
            y[np.fromiter(chosen, dtype=np.int64)] = np.fromiter(chosen.values(), dtype=np.float64)
        return y, spc

    def collect(self, x: np.ndarray, status: str, objective: float, meta: dict[str, Any]) -> tuple[LPResult, float]:
        """The flow tables of ``x`` (on the graph of the arcs its routes use) and its tonne-hours at free times."""
        res = self.lp.collect_routes(x, self._route_k, self._route_arcs, status, objective, meta,
                                     unreachable=self.unreachable)
        graph, _, solution = self.lp._last  # type: ignore[misc]
        return res, float(graph.costs.hours @ solution.x)
