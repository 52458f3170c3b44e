"""System-view assignment: capacity-constrained multicommodity min-cost flow on HiGHS.

The graph is *transfer-expanded*, so transfers (gauge change, border clearance, port handling)
are priced and capacity-limited exactly:

- every node ``v`` and every mode ``m`` of the links at ``v`` give an *in* vertex ``(v, m, in)``
  and an *out* vertex ``(v, m, out)``;
- a link gives the arc ``(u, m, out) → (v, m, in)`` for each direction it runs;
- a *pass* arc ``(v, m1, in) → (v, m2, out)`` for every pair of modes at ``v`` carries every
  transfer at ``v`` that applies to ``(m1, m2)`` (see :meth:`corridor.model.Transfer.applies`).
  Going straight back on the link one came by is representable; it costs the link twice, so an
  optimum never uses it unless the links are free;
- a super-source per origin feeds ``(o, m, out)`` through the transfers that apply to
  ``(None, m)``; ``(d, m, in)`` drains into a sink per destination through those that apply to
  ``(m, None)``.

A commodity uses only the arcs it may: links of modes in ``commodity.modes`` that admit it, and
no pass arc whose transfer excludes it. Demand rows are aggregated by (commodity, origin) into
*blocks*; each block has its own flow variables (t/yr) and conservation rows. Every demand row
has an *unserved* slack priced at ``unserved_penalty_usd_per_t``, so the model is never
infeasible: tonnes go unserved only when no route exists or capacities cut them off.

Objective, per tonne: money (tariffs and transfer charges, :func:`corridor.model.costs.arc_costs`
and :func:`~corridor.model.costs.transfer_vector` per unit over tonnes per unit) + value of
time × hours + carbon price × t CO2e + risk price × risk exposure — the generalised cost of
:class:`corridor.model.costs.RouteOptions`.

Capacities are shared by all commodities: per link direction ``Σ tonnes ≤ capacity_mtpa × 10⁶``
and ``Σ container tonnes / t_per_teu ≤ capacity_teu``; per transfer the same on the sum of its
pass (and origin/destination) arcs. Only commodities counted in TEU load TEU capacities. The duals
of these rows, sign-flipped, are the USD per year saved by one more unit of capacity.

The parts: :func:`~corridor.assignment.lp_matrix.build_expanded_graph` builds the graph and its
matrix, a frozen :class:`~corridor.assignment.lp_matrix.ExpandedGraph`; :class:`FreightLP` holds it,
the HiGHS model and what has changed since the build (:class:`~corridor.assignment.lp_matrix.LPState`);
:func:`~corridor.assignment.lp_collect.collect_result` turns a solution into an :class:`LPResult`.

The size of that LP is blocks × arcs. ``formulation="paths"`` solves the same LP by column
generation over routes instead (:class:`~corridor.assignment.lp_paths.PathLP`: a column per route
in use, found by shortest paths priced with the capacity duals), whose size grows with the routes
used; the results agree (objective, flows where the optimum is unique, duals where they are
unique). :func:`solve_lp` chooses by size (``"auto"``, :data:`AUTO_PATH_COLUMNS`).

>>> from corridor import data
>>> ds = data.load("eurasia")
>>> res = solve_lp(ds.network, ds.demand)
>>> res.status
'optimal'
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from corridor.assignment.lp_collect import LPSolution, collect_result
from corridor.assignment.lp_graph import price_keys
from corridor.assignment.lp_matrix import (
    CapacityRow,
    CapKey,
    ExpandedGraph,
    LPState,
    build_expanded_graph,
    capacity_units,
    reprice,
)
from corridor.assignment.lp_supply import supply_structure, supply_updates
from corridor.exceptions import InputError, Problem
from corridor.model.costs import DEFAULT_COUNTRY_RISK, RouteOptions, price_problem

if TYPE_CHECKING:
    from corridor.assignment.lp_results import LPResult
    from corridor.model import Demand, DemandRow, Link, Network, Transfer

__all__ = ["AUTO_PATH_COLUMNS", "DEFAULT_UNSERVED_PENALTY", "FORMULATIONS", "SOLVERS", "FreightLP", "solve_lp"]

FORMULATIONS = ("arcs", "paths", "auto")
"""``formulation`` of :meth:`FreightLP.build`: ``"arcs"`` a column per (block, arc), the reference;
``"paths"`` column generation over routes (:mod:`corridor.assignment.lp_paths`); ``"auto"`` paths
when the arc formulation would have more than :data:`AUTO_PATH_COLUMNS` columns."""

AUTO_PATH_COLUMNS: int = 200_000
"""Estimated arc-formulation columns (blocks × link arcs) above which ``formulation="auto"`` takes paths.
Measured (benchmarks/bench_lp_scale.py, benchmarks/RESULTS.md): on the built-in network (about
6,000 columns) the arc form takes half the path form's CPU time (which loads its compiled
shortest-path kernel on first use); on ten tiles of it (630,000 columns) the path form takes 6×
less with demand inside the tiles and 200× less with demand across them."""

SOLVERS = ("simplex", "ipm")
"""HiGHS algorithm of the arc formulation: ``"simplex"`` (dual simplex, no presolve: the default,
and the one warm re-solves start from a basis with) or ``"ipm"`` (interior point with presolve and
crossover). Measured on one thread (benchmarks/RESULTS.md, issue 16): on ten tiles of the built-in
network the interior point took 2.5× less CPU time than the simplex with demand across the tiles
(congested: 77 s against 195 s) and 18× more wall-clock time with demand inside them
(uncongested: 223 s against 12.5 s on a shared machine). So: the simplex for few binding capacities and for
warm re-solves, the interior point for a single cold solve of a large congested arc LP — and the
path formulation, 85× faster than either there, for anything large."""

DEFAULT_UNSERVED_PENALTY: float = 10_000.0
"""USD per unserved tonne. Far above any route's cost in the built-in data (a few hundred USD per
tonne even with a value of time), so that the LP serves whatever the capacities allow, yet finite
so that it never turns infeasible. Lower it to let expensive demand go unserved on purpose."""


def _chosen(formulation: str, network: Network, rows: Iterable[DemandRow]) -> str:
    """``formulation``, with ``"auto"`` decided by the estimated size of the arc formulation."""
    if formulation != "auto":
        return formulation
    blocks = len({(r.commodity, r.origin) for r in rows})
    arcs = sum(1 if lk.oneway else 2 for lk in network.links)
    return "paths" if blocks * arcs > AUTO_PATH_COLUMNS else "arcs"


def _check(network: Network, rows: Iterable[DemandRow]) -> list[DemandRow]:
    problems: list[Problem] = []
    out: list[DemandRow] = []
    seen: set[str] = set()
    for r in rows:
        where = f"demand row {r.id}" + (f" ({r.origin_ref})" if r.origin_ref else "")
        bad = False
        for name in ("origin", "destination"):
            nid = getattr(r, name)
            if nid not in network.node_index:
                problems.append(Problem(where, name, f"unknown node {nid!r}"))
                bad = True
        if r.commodity not in network.commodity_index:
            known = ", ".join(sorted(network.commodity_index))
            problems.append(Problem(where, "commodity", f"unknown commodity {r.commodity!r}; known: {known}"))
            bad = True
        if not isinstance(r.tonnes, int | float) or not math.isfinite(r.tonnes) or r.tonnes < 0:
            problems.append(Problem(where, "tonnes", f"must be a finite number >= 0, got {r.tonnes!r}"))
            bad = True
        if not bad and r.origin == r.destination:
            problems.append(Problem(where, "destination", "equals the origin"))
            bad = True
        if r.id in seen:
            problems.append(Problem(where, "id", "duplicate row id"))
        seen.add(r.id)
        out.append(r)
    if problems:
        raise InputError(problems)
    return out


def _highs_model(graph: ExpandedGraph, solver: str = "simplex") -> Any:
    """A HiGHS model of ``graph``'s LP (not solved), quiet and on one thread."""
    from highspy import _core

    r, c, v = graph.matrix
    n_col = graph.n_cols
    order = np.lexsort((r, c))  # column-wise, rows ascending within a column
    start = np.searchsorted(c[order], np.arange(n_col + 1)).astype(np.int32)
    try:  # the public subclass highspy.Highs prints a banner on first use; engines never print
        h = _core._Highs()
    except AttributeError:  # pragma: no cover - other highspy versions
        import highspy

        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # presolve costs more than it saves on these sparse network LPs (about half the solve time)
    h.setOptionValue("presolve", "off")
    # the simplex is serial; one thread per model keeps parallel sweeps from oversubscribing the cores
    h.setOptionValue("threads", 1)
    if solver == "ipm":
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("presolve", "on")
    status = h.passModel(n_col, graph.n_rows, len(order), int(_core.MatrixFormat.kColwise),
                         int(_core.ObjSense.kMinimize), 0.0, graph.costs.coef.astype(np.float64),
                         np.zeros(n_col), np.full(n_col, np.inf), graph.row_lower.astype(np.float64),
                         graph.row_upper.astype(np.float64), start[:-1], r[order].astype(np.int32),
                         v[order].astype(np.float64), np.zeros(n_col, dtype=np.int32))
    if status == _core.HighsStatus.kError:  # pragma: no cover - a bug here, not bad input
        msg = "HiGHS refused the model"
        raise RuntimeError(msg)
    return h


def _record_capacities(r: Link | Transfer) -> tuple[float, float, float]:
    """Mt/yr, TEU/yr and wagons/yr of a record (``inf``: none)."""
    mtpa, teu, wagons = (math.inf if v is None else float(v) for v in (r.capacity_mtpa, r.capacity_teu,
                                                                        r.capacity_wagons))
    return mtpa, teu, wagons


def _same_structure(old: Network, new: Network) -> bool:
    """Whether ``new`` has the records, modes and admissible cargo of ``old`` (figures may differ)."""
    return (tuple(lk.id for lk in old.links) == tuple(lk.id for lk in new.links)
            and tuple(t.id for t in old.transfers) == tuple(t.id for t in new.transfers)
            and tuple(n.id for n in old.nodes) == tuple(n.id for n in new.nodes)
            and all(a.mode == b.mode and a.commodities == b.commodities and a.oneway == b.oneway
                    for a, b in zip(old.links, new.links, strict=True))
            and all(a.from_modes == b.from_modes and a.to_modes == b.to_modes and a.commodities == b.commodities
                    for a, b in zip(old.transfers, new.transfers, strict=True))
            and supply_structure(old) == supply_structure(new))


class FreightLP:
    """A built multicommodity flow model that can be solved, changed in place and solved again.

    Build it with :meth:`build`. It holds the transfer-expanded graph (:attr:`graph`, frozen), the
    HiGHS model and what has changed since the build (:attr:`state`). The ``set_*``/``scale_*``
    methods change the HiGHS model in place; the next :meth:`solve` starts from the previous basis
    (a warm start), which is far faster than building anew.

    Parameters
    ----------
    graph
        The expanded graph (see :func:`~corridor.assignment.lp_matrix.build_expanded_graph`).
    progress
        Called with ``(stage, fraction done)`` while solving.

    Attributes
    ----------
    rows
        The demand rows of the model.
    options
        ``value_of_time``, ``carbon_price``, ``risk_price`` and ``unserved_penalty_usd_per_t``.

    Examples
    --------
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> demand = Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])
    >>> lp = FreightLP.build(net, demand)
    >>> lp.solve().link_flow("direct")
    1000000.0
    >>> lp.set_link_capacity("direct", mtpa=0.5)
    >>> res = lp.solve()
    >>> res.link_flow("direct"), res.objective
    (500000.0, 20000000.0)
    """

    formulation: ClassVar[str] = "arcs"
    """The formulation of the class's models: ``"arcs"`` (:class:`~corridor.assignment.lp_paths.PathLP`: paths)."""

    def __init__(self, graph: ExpandedGraph, *, progress: Callable[[str, float], None] | None = None,
                 solver: str = "simplex") -> None:
        self._graph = graph
        self._highs = _highs_model(graph, solver)
        self._state = LPState(costs=graph.costs, capacities={row.key: row for row in graph.capacity_rows},
                              demand_scale=1.0, n_rows=graph.n_rows)
        self._solves = 0
        self._progress = progress
        self.rows: list[DemandRow] = list(graph.rows)
        self.options: dict[str, float] = dict(graph.prices)

    # ------------------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        network: Network,
        demand: Demand | Iterable[DemandRow],
        *,
        value_of_time: float = 0.0,
        carbon_price: float = 0.0,
        risk_price: float = 0.0,
        unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY,
        groups: str | Iterable[str] | None = None,
        country_risk: Mapping[str, float] | None = None,
        no_transit: Iterable[str] = (),
        progress: Callable[[str, float], None] | None = None,
        formulation: str = "arcs",
        solver: str = "simplex",
    ) -> FreightLP:
        """Build the model (not yet solved).

        Parameters
        ----------
        network
            The network.
        demand
            OD rows (t/yr). TEU figures of the rows are not used: tonnes are, and containers turn
            into TEU by the commodity's ``t_per_teu``.
        value_of_time
            USD per tonne-hour (running time plus transfer dwell).
        carbon_price
            USD per tonne CO2e.
        risk_price
            USD per tonne per unit of risk exposure (default country scores of
            :class:`~corridor.model.costs.RouteOptions`).
        unserved_penalty_usd_per_t
            Price of one unserved tonne; see :data:`DEFAULT_UNSERVED_PENALTY`.
        groups
            Keep only demand rows of these groups.
        country_risk
            Risk score per country code for ``risk_price`` (default: those of :class:`RouteOptions`).
        no_transit
            Country codes closed to transit: a demand row with neither end in these countries may
            not use their links, nodes or transfers; rows that start or end there still may
            (bilateral trade goes on).
        progress
            Called with ``(stage, fraction done)``.
        formulation
            One of :data:`FORMULATIONS`: ``"paths"`` returns a
            :class:`~corridor.assignment.lp_paths.PathLP` (same results, column generation).
            Called on a subclass, the subclass's formulation.
        solver
            One of :data:`SOLVERS` (the arc formulation; the path formulation's master always
            uses the simplex, whose basis each round starts from).

        Raises
        ------
        InputError
            A demand row names an unknown node or commodity, has negative or non-finite tonnes,
            or starts where it ends; or an option is negative, not finite or beyond its limit in
            :data:`corridor.model.costs.PRICE_LIMITS`; or ``formulation`` or ``solver`` is unknown.
        """

        def report(stage: str, fraction: float) -> None:
            if progress is not None:
                progress(stage, fraction)

        report("build", 0.0)
        bad = price_problem("unserved_penalty_usd_per_t", unserved_penalty_usd_per_t, positive=True)
        if bad is not None:
            raise InputError(bad)
        RouteOptions(value_of_time=value_of_time, carbon_price=carbon_price, risk_price=risk_price,  # checks them
                     country_risk=dict(DEFAULT_COUNTRY_RISK if country_risk is None else country_risk))
        rows = list(demand.rows if hasattr(demand, "rows") else demand)
        if groups is not None:
            gs = {groups} if isinstance(groups, str) else set(groups)
            rows = [r for r in rows if r.group in gs]
        rows = _check(network, rows)
        prices = {"value_of_time": float(value_of_time), "carbon_price": float(carbon_price),
                  "risk_price": float(risk_price), "unserved_penalty_usd_per_t": float(unserved_penalty_usd_per_t)}
        for name, value, known in (("formulation", formulation, FORMULATIONS), ("solver", solver, SOLVERS)):
            if value not in known:
                raise InputError(Problem("options", name, f"must be one of {', '.join(known)}, got {value!r}"))
        if cls.formulation == "paths" or _chosen(formulation, network, rows) == "paths":
            from corridor.assignment.lp_paths import PathLP

            path_model = PathLP(network, rows, prices, country_risk=country_risk, no_transit=frozenset(no_transit),
                                progress=progress)
            report("build", 1.0)
            return path_model
        graph = build_expanded_graph(network, rows, prices, country_risk=country_risk,
                                     no_transit=frozenset(no_transit), progress=partial(report, "build"))
        report("build", 0.7)
        model = cls(graph, progress=progress, solver=solver)
        report("build", 1.0)
        return model

    # --- what the model holds -------------------------------------------------------------------
    @property
    def network(self) -> Network:
        """The network whose figures the model has now (see :meth:`update_network`)."""
        return self._graph.network

    @property
    def graph(self) -> ExpandedGraph:
        """The transfer-expanded graph and its matrix as built (re-priced by :meth:`update_network`)."""
        return self._graph

    @property
    def state(self) -> LPState:
        """Column costs, capacity rows and demand scale now: the build plus every change since."""
        return self._state

    def require_arcs(self, engine: str) -> None:
        """Raise :class:`InputError` unless the model has the arc formulation, whose graph ``engine`` works on."""
        if self.formulation != "arcs":
            raise InputError(Problem("lp", "formulation", f"{engine} needs the arc formulation's graph: "
                                     "build the LP with formulation='arcs'"))

    def collect(self, solution: LPSolution) -> LPResult:
        """The result tables of a flow on this model (:func:`~corridor.assignment.lp_collect.collect_result`).

        ``solution.x`` holds a value per column, ``solution.duals`` one per row of :attr:`state`.
        """
        return collect_result(self._graph, self._state, solution)

    def _report(self, stage: str, fraction: float) -> None:
        if self._progress is not None:
            self._progress(stage, fraction)

    # --- warm re-solve helpers --------------------------------------------------------------------
    def _set_row(self, key: CapKey, cap: float, spec: Callable[[], tuple[CapKey, np.ndarray, np.ndarray]]) -> None:
        if cap < 0 or math.isnan(cap):
            raise InputError(Problem(f"{key[0]} {key[1]}", "capacity", f"must be >= 0, got {cap!r}"))
        state = self._state
        row = state.capacities.get(key)
        n_rows = state.n_rows
        if row is None:
            if math.isinf(cap):
                return
            row = self._add_row(key, cap, spec, n_rows)
            n_rows += 1
        row = dataclasses.replace(row, current=cap)
        self._state = dataclasses.replace(state, capacities={**state.capacities, key: row}, n_rows=n_rows)
        self._highs.changeRowBounds(row.row, -np.inf, cap if math.isfinite(cap) else np.inf)

    def _add_row(self, key: CapKey, cap: float, spec: Callable[[], tuple[CapKey, np.ndarray, np.ndarray]],
                 row: int) -> CapacityRow:
        """Add a capacity row the model did not have, as row number ``row``."""
        _, cols, coefs = spec()
        self._highs.addRow(-np.inf, cap, len(cols), cols.astype(np.int32), coefs.astype(np.float64))
        return CapacityRow(*key, row, math.inf, cap, cols, coefs)

    def set_link_capacity(self, link_id: str, mtpa: float | None = None, teu: float | None = None,
                          wagons: float | None = None) -> None:
        """Set a link's capacity per direction (both directions unless one-way).

        ``None`` leaves that capacity as it is; ``math.inf`` removes it.
        """
        li = self._link_index(link_id)
        lk = self.network.links[li]
        for reverse in ((False,) if lk.oneway else (False, True)):
            a, b = (lk.b, lk.a) if reverse else (lk.a, lk.b)
            for unit, cap in capacity_units(mtpa, teu, wagons):
                self._set_row(("link", lk.id, a, b, unit), cap, partial(self._graph.link_capacity, li, reverse, unit))

    def set_row_capacity(self, key: CapKey, cap: float) -> None:
        """Set the capacity of a row the model has, of any kind (a facility's, a fleet direction's ...).

        ``key`` is the row's :data:`~corridor.assignment.lp_matrix.CapKey` (as in the results'
        ``capacities``); ``math.inf`` removes the limit.
        """
        row = self._state.capacities.get(key)
        if row is None:
            raise InputError(Problem("options", "capacity", f"the model has no capacity row {key!r}"))
        self._set_row(key, cap, lambda: (key, row.cols, row.coefs))

    def set_transfer_capacity(self, transfer_id: str, mtpa: float | None = None, teu: float | None = None,
                              wagons: float | None = None) -> None:
        """Set a transfer's capacity; ``None`` leaves it as it is, ``math.inf`` removes it."""
        ids = [t.id for t in self.network.transfers]
        if transfer_id not in ids:
            raise InputError(Problem("options", "transfer", f"unknown transfer {transfer_id!r}"))
        ti = ids.index(transfer_id)
        for unit, cap in capacity_units(mtpa, teu, wagons):
            self._set_row(("transfer", transfer_id, "", "", unit), cap,
                          partial(self._graph.transfer_capacity, ti, unit))

    def scale_capacity(self, factor: float, *, link_ids: Iterable[str] | None = None,
                       transfer_ids: Iterable[str] | None = None) -> None:
        """Set capacities to ``factor`` × their values in the network as built (calls do not compound).

        With neither ``link_ids`` nor ``transfer_ids``, every finite capacity is scaled; otherwise only
        those of the named records.
        """
        if not math.isfinite(factor) or factor < 0:
            raise InputError(Problem("options", "factor", f"must be a finite number >= 0, got {factor!r}"))
        links = None if link_ids is None else set(link_ids)
        transfers = None if transfer_ids is None else set(transfer_ids)
        everything = links is None and transfers is None
        for lid in links or ():
            self._link_index(lid)
        caps = dict(self._state.capacities)
        idx: list[int] = []
        val: list[float] = []
        for key, row in caps.items():
            kind, rid = key[0], key[1]
            chosen = everything or (kind == "link" and links is not None and rid in links) or (
                kind == "transfer" and transfers is not None and rid in transfers)
            if chosen and math.isfinite(row.base):
                caps[key] = dataclasses.replace(row, current=row.base * factor)
                idx.append(row.row)
                val.append(caps[key].current)
        self._state = dataclasses.replace(self._state, capacities=caps)
        if idx:
            self._highs.changeRowsBounds(len(idx), np.asarray(idx, dtype=np.int32), np.full(len(idx), -np.inf),
                                         np.asarray(val, dtype=np.float64))

    def set_capacity_rows(self, caps: Mapping[CapKey, float]) -> None:
        """Set existing capacity rows to these values (``inf``: unlimited) in one call.

        Unlike :meth:`scale_capacity`, values are absolute; rows not named keep theirs. Time slices
        use it to set every row to its capacity in the slice.

        Raises
        ------
        InputError
            An unknown row, or a negative or NaN value.
        """
        state = dict(self._state.capacities)
        idx: list[int] = []
        val: list[float] = []
        for key, cap in caps.items():
            row = state.get(key)
            if row is None or cap < 0 or math.isnan(cap):
                raise InputError(Problem(f"{key[0]} {key[1]}", "capacity", f"no such row, or a bad value {cap!r}"))
            state[key] = dataclasses.replace(row, current=float(cap))
            idx.append(row.row)
            val.append(float(cap))
        self._state = dataclasses.replace(self._state, capacities=state)
        if idx:
            self._highs.changeRowsBounds(len(idx), np.asarray(idx, dtype=np.int32), np.full(len(idx), -np.inf),
                                         np.asarray(val, dtype=np.float64))

    def set_demand_scale(self, factor: float) -> None:
        """Scale every demand row by ``factor`` relative to the demand as built (times any commodity scale)."""
        if not math.isfinite(factor) or factor < 0:
            raise InputError(Problem("options", "factor", f"must be a finite number >= 0, got {factor!r}"))
        self._state = dataclasses.replace(self._state, demand_scale=float(factor))
        self._apply_demand()

    def set_commodity_scales(self, factors: Mapping[str, float]) -> None:
        """Scale the demand of each named commodity by its factor (others by 1), on top of the demand scale.

        Calls do not compound: each replaces the factors of the last. Time slices use it for the
        share of a commodity's annual tonnes that moves in the slice.
        """
        for c, f in factors.items():
            if not math.isfinite(f) or f < 0:
                raise InputError(Problem("options", f"factor of {c}", f"must be a finite number >= 0, got {f!r}"))
        self._state = dataclasses.replace(self._state, commodity_scale={c: float(f) for c, f in factors.items()})
        self._apply_demand()

    def _apply_demand(self) -> None:
        g, state = self._graph, self._state
        per_block = [state.row_scale(b.commodity) for b in g.blocks]
        rhs = g.demand_rhs * np.repeat(per_block, [1 + len(b.destinations) for b in g.blocks])
        self._highs.changeRowsBounds(len(rhs), g.demand_rows, rhs, rhs)

    def set_link_cost_factor(self, link_id: str, factor: float) -> None:
        """Multiply the money part (tariff) of a link's cost, both directions, by ``factor`` (not compounding)."""
        li = self._link_index(link_id)
        if not math.isfinite(factor) or factor < 0:
            raise InputError(Problem("options", "factor", f"must be a finite number >= 0, got {factor!r}"))
        g = self._graph
        cols = np.concatenate([g.columns_of(g.link_template_arcs(li, r)) for r in (False, True)])
        costs = self._state.costs
        factor_link = costs.factor_link.copy()
        factor_link[cols] = factor
        coef = costs.coef.copy()
        coef[cols] = costs.money[cols] * factor + costs.rest[cols]
        self._state = dataclasses.replace(self._state, costs=dataclasses.replace(costs, coef=coef,
                                                                                   factor_link=factor_link))
        self._highs.changeColsCost(len(cols), cols.astype(np.int32), coef[cols])

    def update_network(self, network: Network) -> bool:
        """Take the figures of ``network`` — same records, new tariffs, times and capacities — in place.

        Costs of every column are re-priced and capacities re-bounded, so that the next
        :meth:`solve` starts from the current basis. Returns False (and changes nothing) when the
        network differs in structure (records, modes, admissible cargo, or the tariff classes that
        decide how demand rows are priced), which needs a new build.
        """
        old = self.network
        if not _same_structure(old, network) or price_keys(old, self.rows) != price_keys(network, self.rows):
            return False  # (a tariff class that matters in a new country splits the blocks anew)
        graph = reprice(self._graph, network)
        coef = graph.costs.coef
        changed = np.flatnonzero(coef != self._state.costs.coef)
        self._graph = graph
        self._state = dataclasses.replace(self._state, costs=graph.costs)
        if len(changed):
            self._highs.changeColsCost(len(changed), changed.astype(np.int32), coef[changed])
        self._update_capacities(old, graph)
        return True

    def _update_capacities(self, old: Network, graph: ExpandedGraph) -> None:
        """Capacities of the rows whose records changed from ``old`` to ``graph.network`` (rows added or lifted)."""
        network = graph.network
        for lo, ln in zip(old.links, network.links, strict=True):
            if _record_capacities(lo) != _record_capacities(ln):
                self.set_link_capacity(ln.id, *_record_capacities(ln))
        for to, tn in zip(old.transfers, network.transfers, strict=True):
            if _record_capacities(to) != _record_capacities(tn):
                self.set_transfer_capacity(tn.id, *_record_capacities(tn))
        current = {key: row.current for key, row in self._state.capacities.items()}
        for key, cap, spec in supply_updates(graph, current):  # facilities and fleets
            self._set_row(key, cap, spec)

    def _link_index(self, link_id: str) -> int:
        try:
            return self.network.link_index[link_id]
        except KeyError:
            raise InputError(Problem("options", "link", f"unknown link {link_id!r}")) from None

    # --- solve and report -------------------------------------------------------------------------
    def solve(self) -> LPResult:
        """Solve (warm-started from the last basis after the first call) and collect the results."""
        self._report("solve", 0.0)
        h = self._highs
        warm = self._solves > 0
        t0 = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - t0
        self._solves += 1
        status = h.modelStatusToString(h.getModelStatus()).lower()
        sol = h.getSolution()
        x = np.maximum(np.asarray(sol.col_value, dtype=float), 0.0)
        duals = np.asarray(sol.row_dual, dtype=float)
        info = h.getInfo()
        res = self.collect(LPSolution(x, duals, status, float(info.objective_function_value),
                                      {"solve_seconds": seconds, "iterations": int(info.simplex_iteration_count),
                                       "warm_start": warm, "formulation": "arcs"}))
        self._report("solve", 1.0)
        return res


def solve_lp(network: Network, demand: Demand | Iterable[DemandRow], **kw: Any) -> LPResult:
    """Build and solve in one call; keyword arguments go to :meth:`FreightLP.build`.

    ``formulation`` defaults to ``"auto"`` here: the arc formulation for small problems, column
    generation over routes where blocks × arcs is large (the results agree; see :data:`FORMULATIONS`).

    Examples
    --------
    A 1.5 Mt/yr coal flow with a direct line of 1 Mt/yr and a dearer detour:

    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> demand = Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])
    >>> res = solve_lp(net, demand)
    >>> res.status, res.objective, res.unserved_t
    ('optimal', 17500000.0, 0.0)
    >>> [(r["link"], r["tonnes"]) for r in res.link_flows]
    [('direct', 1000000.0), ('mine-via', 500000.0), ('via-port', 500000.0)]
    >>> b = res.bottlenecks[0]
    >>> b["id"], b["utilisation"], b["usd_per_t_yr"]
    ('direct', 1.0, 5.0)

    The full direct line is worth 5 USD per tonne of extra capacity: the detour costs 15 instead of 10.
    """
    return FreightLP.build(network, demand, **{"formulation": "auto", **kw}).solve()
