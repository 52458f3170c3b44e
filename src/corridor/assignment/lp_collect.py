"""Collecting a flow on the expanded graph into an :class:`~corridor.assignment.lp_results.LPResult`.

:func:`collect_result` turns column values and row duals — a HiGHS solution of
:class:`~corridor.assignment.lp.FreightLP`, or the flows of the freight equilibrium — into the
tables of the result: demand served per row, commodity and group, flows per link and corridor,
transfer throughput, capacities with their utilisation, the bottlenecks ranked by their duals and the
physical measures of the routes (:mod:`corridor.assignment.measures`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.assignment.lp_graph import SINK, SOURCE, TOL
from corridor.assignment.lp_results import LPResult
from corridor.assignment.measures import physical_measures
from corridor.model.network import CORRIDORS

if TYPE_CHECKING:
    from corridor.assignment.lp_matrix import CapacityRow, CapKey, ColumnCosts, ExpandedGraph, LPState

__all__ = ["LPSolution", "collect_result"]


@dataclass(frozen=True, eq=False)
class LPSolution:
    """A flow on the expanded graph and what to report with it.

    Attributes
    ----------
    x
        Value of every column (t/yr), non-negative.
    duals
        Dual of every row of the model (zeros where there are none).
    status
        Status to report (``"optimal"``, ``"equilibrium"`` ...).
    objective
        Objective value to report.
    meta
        Solver figures to report (``solve_seconds``, ``iterations``, ``warm_start`` ...).
    routes
        The routes the flow was assigned on, if it was assigned route by route: block index →
        ``(columns, tonnes)`` per route (see :func:`~corridor.assignment.measures.physical_measures`).

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
    >>> graph = lp.graph
    >>> x = np.zeros(graph.n_cols)
    >>> x[graph.slack_cols] = 1.5e6
    >>> solution = LPSolution(x, np.zeros(graph.n_rows), "made-up", 0.0, {"iterations": 0})
    >>> solution.status, solution.routes is None
    ('made-up', True)
    """

    x: np.ndarray
    duals: np.ndarray
    status: str
    objective: float
    meta: Mapping[str, Any]
    routes: Mapping[int, Sequence[tuple[np.ndarray, float]]] | None = None
    unreachable: frozenset[int] | None = None


def collect_result(graph: ExpandedGraph, state: LPState, solution: LPSolution) -> LPResult:
    """The result tables of a flow on ``graph``.

    Parameters
    ----------
    graph
        The expanded graph the columns belong to.
    state
        Costs, capacities and demand scale of the model now.
    solution
        Column values, row duals and what to report with them.

    Returns
    -------
    LPResult

    Examples
    --------
    The tables of a made-up flow that leaves all the demand unserved (on the slack column):

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
    >>> graph = lp.graph
    >>> x = np.zeros(graph.n_cols)
    >>> x[graph.slack_cols] = 1.5e6
    >>> solution = LPSolution(x, np.zeros(graph.n_rows), "made-up", float(graph.costs.coef @ x), {})
    >>> res = collect_result(graph, lp.state, solution)
    >>> res.status, res.served_t, res.unserved_t, res.objective
    ('made-up', 0.0, 1500000.0, 15000000000.0)
    """
    x, costs, scale = solution.x, state.costs, state.demand_scale
    slack = x[graph.slack_cols]
    flow_cols = graph.col_arc >= 0
    by_od, by_com, by_group = _demand_tables(graph, slack, state, solution.unreachable)
    demand_t = float(sum(o["demand_t"] for o in by_od))
    unserved_t = float(sum(o["unserved_t"] for o in by_od))
    link_flows, by_corridor, tonne_km, co2e_kg = _link_tables(graph, costs, x)
    capacities, bottlenecks = _capacity_tables(state, x, solution.duals)
    through = graph.transfer_matrix @ x
    meta = {**solution.meta, **graph.prices, "tonne_hours": float(costs.hours[flow_cols] @ x[flow_cols]),
            "demand_scale": scale, "n_columns": graph.n_cols, "n_rows": state.n_rows, "n_blocks": len(graph.blocks),
            "network": graph.network.name}
    return LPResult(
        method="lp", status=solution.status, objective=float(solution.objective),
        total_cost=float(costs.coef[flow_cols] @ x[flow_cols]),
        money_usd=float((costs.money * costs.factor_link)[flow_cols] @ x[flow_cols]),
        unserved_penalty_usd=float(np.sum(slack)) * graph.prices["unserved_penalty_usd_per_t"],
        demand_t=demand_t, served_t=demand_t - unserved_t, unserved_t=unserved_t, tonne_km=tonne_km, co2e_kg=co2e_kg,
        by_commodity=by_com, by_group=by_group, by_od=tuple(by_od), by_corridor=by_corridor,
        link_flows=tuple(link_flows), measures=physical_measures(graph, x, by_od, solution.routes),
        transfer_throughput={t.id: float(through[i]) for i, t in enumerate(graph.network.transfers)},
        capacities=tuple(capacities), bottlenecks=tuple(bottlenecks), meta=meta)


def _demand_tables(graph: ExpandedGraph, slack: np.ndarray, state: LPState,
                   known: frozenset[int] | None = None) -> tuple[
        list[dict[str, Any]], dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Served and unserved tonnes per demand row, commodity and group."""
    by_od: list[dict[str, Any]] = []
    by_com: dict[str, dict[str, float]] = {}
    by_group: dict[str, dict[str, float]] = {}
    unreachable = _unreachable(graph, slack) if known is None else known
    # rows of one (commodity, origin, destination) share a sink, so their slacks are interchangeable:
    # share the unserved tonnes among them in proportion to demand
    group_slack: dict[tuple[str, str, str], list[float]] = {}
    for i, r in enumerate(graph.rows):
        acc = group_slack.setdefault((r.commodity, r.origin, r.destination), [0.0, 0.0])
        acc[0] += float(slack[i])
        acc[1] += r.tonnes * state.row_scale(r.commodity)
    for i, r in enumerate(graph.rows):
        dem = r.tonnes * state.row_scale(r.commodity)
        g_uns, g_dem = group_slack[r.commodity, r.origin, r.destination]
        uns = min(g_uns * dem / g_dem, dem) if g_dem > 0 else 0.0
        if uns < TOL * max(1.0, dem):
            uns = 0.0
        reason = "" if uns == 0.0 else ("no route" if i in unreachable else "capacity")
        by_od.append({"id": r.id, "origin": r.origin, "destination": r.destination, "commodity": r.commodity,
                      "group": r.group, "demand_t": float(dem), "served_t": float(dem - uns),
                      "unserved_t": float(uns), "reason": reason})
        for table, key in ((by_com, r.commodity), (by_group, r.group)):
            totals = table.setdefault(key, {"demand_t": 0.0, "served_t": 0.0, "unserved_t": 0.0})
            totals["demand_t"] += dem
            totals["served_t"] += dem - uns
            totals["unserved_t"] += uns
    return by_od, by_com, by_group


def _link_tables(graph: ExpandedGraph, costs: ColumnCosts, x: np.ndarray) -> tuple[
        list[dict[str, Any]], dict[str, dict[str, float]], float, float]:
    """Flows per link direction and commodity, the corridor totals, tonne-km and kg CO2e."""
    comp, lc = graph.compiled, graph.link_columns
    n_com, n_corr, nb = len(graph.commodities), len(CORRIDORS), len(graph.blocks)
    xl = x[lc.cols]
    arc_com = np.bincount(lc.arc_commodity, weights=xl, minlength=comp.n_arcs * n_com).reshape(comp.n_arcs, n_com)
    links = graph.network.links
    link_flows: list[dict[str, Any]] = []
    for a, ci in zip(*np.nonzero(arc_com > TOL), strict=True):
        lk = links[comp.arc_link[a]]
        link_flows.append({"link": lk.id, "from": comp.node_ids[comp.tail[a]], "to": comp.node_ids[comp.head[a]],
                           "mode": lk.mode, "corridor": lk.corridor, "commodity": graph.commodities[ci],
                           "tonnes": float(arc_com[a, ci])})
    tkm_cols = xl * lc.distance_km
    co2_cols = xl * costs.co2e_kg[lc.cols]
    by_corr_tkm = np.bincount(lc.corridor, weights=tkm_cols, minlength=n_corr)
    by_corr_co2 = np.bincount(lc.corridor, weights=co2_cols, minlength=n_corr)
    # corridor entries: per block, node and corridor, positive (out - in); only the keys that occur
    keys, inv = np.unique(np.concatenate([lc.io_tail, lc.io_head]), return_inverse=True)
    flow_io = np.bincount(inv, weights=np.concatenate([xl, -xl]), minlength=len(keys))
    pos = np.maximum(flow_io, 0.0)
    key_block, key_corr = keys // (comp.n_nodes * n_corr), keys % n_corr
    pricing = [graph.pricing[b.price_key or b.commodity] for b in graph.blocks]
    teu_per_t = np.asarray([1.0 / p.tonnes_per_unit if p.unit == "TEU" else 0.0 for p in pricing] or [0.0])
    entries_t = np.bincount(key_corr, weights=pos, minlength=n_corr)
    entries_teu = np.bincount(key_corr, weights=pos * teu_per_t[key_block] if nb else pos * 0.0, minlength=n_corr)
    by_corridor = {
        name: {"tonnes": float(entries_t[k]), "teu": float(entries_teu[k]),
               "tonne_km": float(by_corr_tkm[k]), "co2e_kg": float(by_corr_co2[k])}
        for k, name in enumerate(CORRIDORS)
    }
    return link_flows, by_corridor, float(tkm_cols.sum()), float(co2_cols.sum())


def _capacity_record(key: CapKey, row: CapacityRow, flow: float, dual: float) -> tuple[
        dict[str, Any], dict[str, Any] | None]:
    """The capacity table's record of one row, and its bottleneck record if it binds."""
    kind, rid, a, b, unit = key
    cap = row.current
    value = max(0.0, -dual) if math.isfinite(cap) else 0.0
    if abs(value) < 1e-9:
        value = 0.0
    util = float(flow / cap) if math.isfinite(cap) and cap > 0 else None
    rec = {"kind": kind, "id": rid, "from": a, "to": b, "unit": unit,
           "capacity": float(cap) if math.isfinite(cap) else None, "flow": float(flow),
           "utilisation": util, "usd_per_unit": value}
    if not (math.isfinite(cap) and (value > 0 or flow >= cap - TOL * max(1.0, cap))):
        return rec, None
    per_t = value * float(np.max(row.coefs)) if unit != "t/yr" and len(row.coefs) else value
    return rec, {**rec, "usd_per_t_yr": float(per_t), "usd_per_mt_yr": float(per_t * 1e6),
                 "usd_per_teu_yr": float(value) if unit == "TEU/yr" else None}


def _capacity_tables(state: LPState, x: np.ndarray, duals: np.ndarray) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]]]:
    """Every capacity row with its flow and dual value; the binding ones, most valuable first."""
    capacities: list[dict[str, Any]] = []
    bottlenecks: list[dict[str, Any]] = []
    for key, row in state.capacities.items():
        flow = float(row.coefs @ x[row.cols]) if len(row.cols) else 0.0
        rec, neck = _capacity_record(key, row, flow, float(duals[row.row]))
        capacities.append(rec)
        if neck is not None:
            bottlenecks.append(neck)
    bottlenecks.sort(key=lambda r: (-r["usd_per_t_yr"], r["kind"], r["id"], r["from"], r["unit"]))
    return capacities, bottlenecks


def _reached(graph: ExpandedGraph, b: int) -> tuple[set[int], dict[int, int]]:
    """Vertices of block ``b`` reached from its source over its columns, and each destination's position."""
    from scipy import sparse
    from scipy.sparse.csgraph import breadth_first_order

    t_arcs = graph.template
    n_vert = t_arcs.n_vertices
    cols = np.flatnonzero((graph.col_block == b) & (graph.col_arc >= 0))
    t = graph.col_arc[cols]
    kind = t_arcs.kind[t]
    dests = graph.blocks[b].destinations
    dpos = {d: k for k, d in enumerate(dests)}
    tail = np.where(kind == SOURCE, n_vert, t_arcs.tail[t]).astype(np.int64)
    sink = n_vert + 1 + np.asarray([dpos.get(int(v), 0) for v in t_arcs.node[t]], dtype=np.int64)
    head = np.where(kind == SINK, sink, t_arcs.head[t]).astype(np.int64)
    n = n_vert + 1 + len(dests)
    g = sparse.csr_array((np.ones(len(t), dtype=np.float64), (tail, head)), shape=(n, n))
    return set(breadth_first_order(g, n_vert, directed=True, return_predecessors=False).tolist()), dpos


def _unreachable(graph: ExpandedGraph, slack: np.ndarray) -> set[int]:
    """Demand rows (indices) with unserved tonnes and no admissible route at all."""
    out: set[int] = set()
    if not len(slack) or slack.max() <= TOL:
        return out
    first_sink = graph.template.n_vertices + 1
    for b, block in enumerate(graph.blocks):
        if not any(slack[i] > TOL for i in block.members):
            continue
        reached, dpos = _reached(graph, b)
        for i in block.members:
            d = dpos[graph.network.node_index[graph.rows[i].destination]]
            if first_sink + d not in reached:
                out.add(i)
    return out
