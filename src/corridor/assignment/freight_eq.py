"""User equilibrium of freight: shippers choose routes, capacities turn into delays.

The behavioural counterpart of :class:`~corridor.assignment.lp.FreightLP`. It works on the same
transfer-expanded multicommodity graph (so gauge changes, border crossings and ports are arcs of
their own), but instead of hard capacities every capacity becomes a *delay*:

- a link direction with a capacity (Mt/yr or TEU/yr) gets a BPR delay
  ``t0 · alpha · (v / c) ** beta`` on top of its running time ``t0``;
- a transfer with a capacity (a port, a border crossing, a gauge change) gets a queue-like delay:
  Davidson's ``t0 · J · x / (1 - x)`` (linear beyond ``x = mu``) on its dwell time ``t0``, or
  Spiess's conical function; or a curve given for that transfer — e.g. the delay curve of the
  Aktau hub simulation (:mod:`corridor.hub`).

Each (commodity, origin) block is a class with its own admissible arcs and tariffs; the delays
depend on the total flow of all classes that use a capacity (containers in TEU on TEU capacities,
every commodity in tonnes on Mt/yr capacities). Hours are priced at a value of time. The
equilibrium minimises the convex objective ``Σ fixed · x + value_of_time · Σ_r ∫_0^{V_r} delay_r``
(Beckmann's objective with class-specific fixed costs), so the Frank-Wolfe family applies unchanged:
all-or-nothing loading on the stacked graph, exact line search, and conjugate directions with the
Hessian ``Mᵀ diag(g') M`` of the shared capacities. Demand that finds no route — or only routes
dearer than the unserved penalty — stays unserved, as in the LP.

On a model of the arc formulation the flows are kept per (block, arc); on one of the path
formulation — which ``formulation="auto"`` picks for large networks — per route found
(:mod:`~corridor.assignment.freight_routes`), with the same iterates and memory that grows with
the routes used rather than with blocks × arcs.

>>> from corridor import data
>>> ds = data.load("eurasia")
>>> res = freight_equilibrium(ds.network, ds.demand)
>>> res.converged
True
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from corridor._kernels.assign import aon_kernel
from corridor.assignment.equilibrium import EquilibriumProgress, FrankWolfeDirections, kernel_notice
from corridor.assignment.freight_options import (
    BREAK_EVEN_VALUE_OF_TIME,
    DEFAULT_VALUE_OF_TIME,
    FreightDelays,
    FreightEquilibriumOptions,
    FreightEquilibriumResult,
    TransferCurve,
)
from corridor.assignment.lp import FreightLP
from corridor.assignment.lp_collect import LPSolution
from corridor.assignment.lp_matrix import column_ends
from corridor.assignment.lp_supply import free_time_h
from corridor.assignment.vdf import (
    bpr,
    bpr_derivative,
    bpr_integral,
    conical,
    conical_derivative,
    conical_integral,
    davidson,
    davidson_derivative,
    davidson_integral,
)
from corridor.exceptions import ConvergenceWarning, InputError, Problem

if TYPE_CHECKING:
    from corridor.assignment.lp_matrix import CapacityRow, CapKey
    from corridor.assignment.lp_results import LPResult
    from corridor.model import Demand, DemandRow, Network

__all__ = [
    "BREAK_EVEN_VALUE_OF_TIME",
    "DEFAULT_VALUE_OF_TIME",
    "FreightDelays",
    "FreightEquilibriumOptions",
    "FreightEquilibriumResult",
    "TransferCurve",
    "freight_equilibrium",
]

_BPR, _DAVIDSON, _CONICAL = 0, 1, 2
_CLOSED_COST = 1e12  # USD per tonne on an arc through a zero capacity: never cheaper than unserved


class _Capacities:
    """The capacity rows of a built :class:`FreightLP` as delay functions of their flows.

    ``unit`` holds the tonnes per unit of each row of ``capacities`` (1 for t/yr; tonnes per TEU or
    wagon). Rows whose transfer curves share a group become one resource: :attr:`row_of` maps each
    row of the model to its resource, and the arrays here are per resource.
    """

    def __init__(self, network: Network, capacities: Mapping[CapKey, CapacityRow], unit: np.ndarray,
                 delays: FreightDelays, vot: float) -> None:
        net = network
        comp = net.compile()
        keys, rows = list(capacities), list(capacities.values())
        n = len(rows)
        self.keys = keys
        self.kind = np.zeros(n, dtype=np.int64)
        self.t0 = np.zeros(n)
        self.cap = np.zeros(n)
        self.p1 = np.zeros(n)  # alpha (BPR, conical) or J (Davidson)
        self.p2 = np.zeros(n)  # beta (BPR)
        self.mu = np.full(n, delays.mu)
        self.unit = np.asarray(unit, dtype=np.float64).copy()  # tonnes per unit of the row
        transfer_pos = {t.id: k for k, t in enumerate(net.transfers)}
        link_time: dict[tuple[int, bool], float] = {
            (int(comp.arc_link[a]), bool(comp.arc_reverse[a])): float(comp.time_h[a]) for a in range(comp.n_arcs)}
        for i, ((kind, rid, a, _b, unit_name), row) in enumerate(zip(keys, rows, strict=True)):
            self.cap[i] = row.current
            if kind == "link":
                li = net.link_index[rid]
                lk = net.links[li]
                self.t0[i] = link_time.get((li, a != lk.a), 0.0)
                own = (lk.vdf_alpha, lk.vdf_beta)
                self.kind[i] = _BPR
                self.p1[i], self.p2[i] = (delays.link_alpha, delays.link_beta) if None in own else own
            elif kind in ("facility", "fleet"):  # shared capacities: a congestion curve on their free time
                self.t0[i] = free_time_h(net, kind, rid)
                self.kind[i], self.p1[i] = ((_DAVIDSON, delays.transfer_j) if delays.transfer_vdf == "davidson"
                                            else (_CONICAL, delays.transfer_alpha))
            else:
                t = net.transfers[transfer_pos[rid]]
                curve = delays.transfer_curves.get(rid)
                if curve is not None and curve.unit == unit_name:
                    if abs(float(t.time_h or 0.0) - curve.t0_h) > 1e-9:
                        raise InputError(Problem(f"transfer {rid}", "time_h", f"is {t.time_h!r} h but its delay curve "
                                                 f"starts at t0_h = {curve.t0_h!r} h; set the transfer's time_h to "
                                                 "the curve's t0_h"))
                    self.kind[i], self.t0[i], self.p1[i], self.mu[i] = _DAVIDSON, curve.t0_h, curve.j, curve.mu
                    self.cap[i] = curve.capacity
                else:
                    self.t0[i] = float(t.time_h or 0.0)
                    if delays.transfer_vdf == "davidson":
                        self.kind[i], self.p1[i] = _DAVIDSON, delays.transfer_j
                    else:
                        self.kind[i], self.p1[i] = _CONICAL, delays.transfer_alpha
        self.row_of = np.arange(n)
        self._merge_groups(delays)
        self.closed = self.cap < 1e-6  # under a millionth of a tonne (TEU) a year: closed
        self.price = vot * self.unit  # USD per row unit per hour of delay
        self._split = [np.flatnonzero((self.kind == k) & ~self.closed) for k in (_BPR, _DAVIDSON, _CONICAL)]

    @property
    def n(self) -> int:
        """Resources (capacity rows after merging groups)."""
        return len(self.keys)

    def _merge_groups(self, delays: FreightDelays) -> None:
        """Make the capacities of transfers whose curves share a group one resource (in place)."""
        first: dict[tuple[str, str], int] = {}
        target = np.arange(len(self.keys))
        for i, (kind, rid, _a, _b, unit) in enumerate(self.keys):
            curve = delays.transfer_curves.get(rid) if kind == "transfer" else None
            if curve is None or not curve.group or curve.unit != unit:
                continue
            target[i] = first.setdefault((curve.group, unit), i)
        if (target == np.arange(len(self.keys))).all():
            return
        keep = np.flatnonzero(target == np.arange(len(self.keys)))
        new_index = np.full(len(self.keys), -1)
        new_index[keep] = np.arange(len(keep))
        groups = {i: g for (g, _u), i in first.items()}
        self.keys = [("transfer", groups[i], "", "", self.keys[i][4]) if i in groups else self.keys[i]
                     for i in keep.tolist()]
        for name in ("kind", "t0", "cap", "p1", "p2", "mu", "unit"):
            setattr(self, name, getattr(self, name)[keep])
        self.row_of = new_index[target]

    def _apply(self, v: np.ndarray, what: str) -> np.ndarray:
        out = np.zeros(len(v))
        fns = {"time": (bpr, davidson, conical), "integral": (bpr_integral, davidson_integral, conical_integral),
               "derivative": (bpr_derivative, davidson_derivative, conical_derivative)}[what]
        for k, idx in enumerate(self._split):
            if not len(idx):
                continue
            t0, c, p1 = self.t0[idx], self.cap[idx], self.p1[idx]
            if k == _BPR:
                val = fns[0](v[idx], t0, p1, self.p2[idx], c)
            elif k == _DAVIDSON:
                val = fns[1](v[idx], t0, p1, c, self.mu[idx])
            else:
                val = fns[2](v[idx], t0, p1, c)
            if what == "time":
                val = val - t0
            elif what == "integral":
                val = val - t0 * np.maximum(v[idx], 0.0)
            out[idx] = val
        return out

    def delay(self, v: np.ndarray) -> np.ndarray:
        """Delay in hours at each capacity (beyond its free time)."""
        return self._apply(v, "time")

    def cost(self, v: np.ndarray) -> np.ndarray:
        """USD per unit of each capacity's row."""
        return self.price * self.delay(v)

    def slope(self, v: np.ndarray) -> np.ndarray:
        return self.price * self._apply(v, "derivative")

    def integral(self, v: np.ndarray) -> float:
        return float(self.price @ self._apply(v, "integral"))


class _ArcSpace:
    """The columns of the arc formulation — (block, arc) pairs and unserved arcs — as the flow space.

    All-or-nothing loading runs on the blocks stacked into one graph (demand scaled as the model's).
    The path form, on routes, is :class:`~corridor.assignment.freight_routes.RouteSpace`; both offer
    ``fixed``, ``m``, ``n_cols``, ``load`` and ``collect``.
    """

    def __init__(self, lp: FreightLP, caps: _Capacities) -> None:
        from scipy import sparse

        self.lp = lp
        graph = lp.graph
        rows = list(lp.state.capacities.values())
        r = np.concatenate([np.full(len(row.cols), caps.row_of[i]) for i, row in enumerate(rows)] or [np.zeros(0)])
        c = np.concatenate([row.cols for row in rows] or [np.zeros(0, np.int64)])
        v = np.concatenate([row.coefs for row in rows] or [np.zeros(0)])
        self.m = sparse.csr_array((v, (r.astype(np.int64), c.astype(np.int64))), shape=(caps.n, graph.n_cols))
        self._mt = self.m.T.tocsr()
        self.fixed = lp.state.costs.coef.copy()
        if caps.closed.any():
            through = np.asarray(self._mt[:, np.flatnonzero(caps.closed)].sum(axis=1)).ravel() > 0
            self.fixed[through] = _CLOSED_COST
        tail, head = column_ends(graph)
        self.order = np.argsort(tail, kind="stable")
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(tail, minlength=graph.n_cons))]).astype(np.int64)
        self.tail = tail[self.order]
        self.head = head[self.order]
        self.nothru = np.zeros(graph.n_cons, dtype=np.bool_)
        n_vert = graph.template.n_vertices
        origins, dptr, dnode, dflow = [], [0], [], []
        rhs = graph.row_lower  # as built; the model's demand scales apply on top
        for block in graph.blocks:
            origins.append(block.row0 + n_vert)
            scale = lp.state.row_scale(block.commodity)
            for k in range(len(block.destinations)):
                sink = block.row0 + n_vert + 1 + k
                dnode.append(sink)
                dflow.append(-float(rhs[sink]) * scale)
            dptr.append(len(dnode))
        self.origins = np.asarray(origins, dtype=np.int64)
        self.dptr = np.asarray(dptr, dtype=np.int64)
        self.dnode = np.asarray(dnode, dtype=np.int64)
        self.dflow = np.asarray(dflow, dtype=np.float64)

    @staticmethod
    def units(lp: FreightLP) -> np.ndarray:
        """Tonnes per unit of each capacity row of ``lp``: one over its largest coefficient."""
        return np.asarray([1.0 / float(np.max(row.coefs)) if len(row.coefs) else 1.0
                           for row in lp.state.capacities.values()])

    @property
    def n_cols(self) -> int:
        """Columns of the flow vector."""
        return int(self.m.shape[1])

    def load(self, row_cost: np.ndarray) -> tuple[np.ndarray, float]:
        """All-or-nothing flows at the fixed costs plus ``row_cost`` per unit of each capacity, and their cost."""
        cost = self.fixed + self._mt @ row_cost
        w = np.ascontiguousarray(cost[self.order])
        loads, sptt, missing = aon_kernel(self.indptr, self.head, self.tail, w, self.nothru, self.origins,
                                          self.dptr, self.dnode, self.dflow)
        if missing:  # pragma: no cover - the unserved arc always joins source and sink
            msg = "internal: a demand row has no path, not even its unserved arc"
            raise RuntimeError(msg)
        x = np.empty(len(loads))
        x[self.order] = loads
        return x, float(sptt)

    def collect(self, x: np.ndarray, status: str, objective: float, meta: dict[str, Any]) -> tuple[LPResult, float]:
        """The flow tables of ``x`` and its tonne-hours at free times."""
        flows = self.lp.collect(LPSolution(x, np.zeros(self.lp.state.n_rows), status, objective, meta))
        return flows, float(self.lp.state.costs.hours @ x)


class _Space(Protocol):
    @property
    def fixed(self) -> np.ndarray: ...

    @property
    def m(self) -> Any: ...

    @property
    def n_cols(self) -> int: ...

    def load(self, row_cost: np.ndarray) -> tuple[np.ndarray, float]: ...

    def collect(self, x: np.ndarray, status: str, objective: float,
                meta: dict[str, Any]) -> tuple[LPResult, float]: ...


def _line_search(x: np.ndarray, d: np.ndarray, space: _Space, caps: _Capacities, tol: float = 1e-12) -> float:
    """The step ``tau`` in [0, 1] minimising the objective along ``x + tau d`` (bisection on the derivative)."""
    lin = float(space.fixed @ d)
    v, dv = space.m @ x, space.m @ d

    def slope(tau: float) -> float:
        return lin + float(caps.cost(v + tau * dv) @ dv)

    if slope(0.0) >= 0.0:
        return 0.0
    if slope(1.0) <= 0.0:
        return 1.0
    lo, hi = 0.0, 1.0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if slope(mid) < 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _advance(method: str, it: int, x: np.ndarray, y: np.ndarray, dirs: FrankWolfeDirections,
             inner: Callable[[np.ndarray, np.ndarray], float], space: _Space, caps: _Capacities) -> float:
    """Move ``x`` (in place) towards the all-or-nothing flows ``y``; return the step."""
    if method == "msa":
        step = 1.0 / (it + 1)
        x += step * (y - x)
        return step
    s = dirs.target(x, y, inner)
    step = _line_search(x, s - x, space, caps)
    if step <= 0.0 and s is not y:  # not a descent direction: fall back to FW
        dirs.reset()
        s = dirs.target(x, y, inner)
        step = _line_search(x, s - x, space, caps)
    dirs.accept(s, step)
    x += step * (s - x)
    np.maximum(x, 0.0, out=x)
    return step


def freight_equilibrium(network: Network, demand: Demand | Iterable[DemandRow],
                        options: FreightEquilibriumOptions | None = None, *, lp: FreightLP | None = None,
                        progress: Callable[[EquilibriumProgress], None] | None = None) -> FreightEquilibriumResult:
    """Assign freight demand at user equilibrium with delays at capacities.

    Parameters
    ----------
    network, demand
        As for :meth:`FreightLP.build` (tonnes per year).
    options
        :class:`FreightEquilibriumOptions`.
    lp
        A model built with the same value of time, carbon and risk prices, to reuse (its current
        capacities, demand scale and cost factors apply), of either formulation; built here with
        ``options.formulation`` if not given.
    progress
        Called after each iteration, and before a kernel compiles (see :class:`EquilibriumProgress`).

    Returns
    -------
    FreightEquilibriumResult

    Raises
    ------
    InputError
        Bad demand rows or options.

    Examples
    --------
    3 Mt/yr on a direct line of 1 Mt/yr that congests (BPR delays), at 1 USD per tonne-hour:

    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> rail = {"mode": "rail-1520", "speed_kmh": 50.0}
    >>> links = [Link("direct", "mine", "port", distance_km=500.0, cost_usd_per_t=10.0, capacity_mtpa=1.0, **rail),
    ...          Link("mine-via", "mine", "via", distance_km=400.0, cost_usd_per_t=8.0, **rail),
    ...          Link("via-port", "via", "port", distance_km=300.0, cost_usd_per_t=7.0, **rail)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> demand = Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 3e6)])
    >>> from corridor.assignment import FreightEquilibriumOptions
    >>> res = freight_equilibrium(net, demand, FreightEquilibriumOptions(gap=1e-6, value_of_time=1.0))
    >>> res.converged, res.served, res.unserved
    (True, 3000000.0, 0.0)
    >>> {r["link"]: round(r["tonnes"] / 1e6, 2) for r in res.links_frame().to_dict("records")}
    {'direct': 1.57, 'mine-via': 1.43, 'via-port': 1.43}

    Delays, unlike the LP's hard capacities, let the direct line carry more than its 1 Mt/yr.
    """
    opts = options or FreightEquilibriumOptions()
    start = time.perf_counter()
    if lp is None:
        lp = FreightLP.build(network, demand, value_of_time=opts.value_of_time, carbon_price=opts.carbon_price,
                             risk_price=opts.risk_price, unserved_penalty_usd_per_t=opts.unserved_penalty_usd_per_t,
                             formulation=opts.formulation)
    space: _Space
    if lp.formulation == "paths":
        from corridor.assignment.freight_routes import RouteSpace, route_units

        caps = _Capacities(lp.network, lp.state.capacities, route_units(lp), opts.delays, lp.options["value_of_time"])
        space = RouteSpace(lp, caps.row_of, caps.n, caps.closed, closed_cost=_CLOSED_COST)
    else:
        caps = _Capacities(lp.network, lp.state.capacities, _ArcSpace.units(lp), opts.delays,
                           lp.options["value_of_time"])
        space = _ArcSpace(lp, caps)

    def inner_at(x: np.ndarray) -> Callable[[np.ndarray, np.ndarray], float]:
        g = caps.slope(space.m @ x)
        return lambda u, w: float(np.sum(g * (space.m @ u) * (space.m @ w)))

    with kernel_notice(progress, start):  # on a machine's first run, the first loading compiles the kernel
        x, _ = space.load(np.zeros(caps.n))
    dirs = FrankWolfeDirections(opts.method)
    history: list[tuple[int, float, float, float, float]] = []
    it = 0
    gap = math.inf
    converged = False
    while True:
        it += 1
        v = space.m @ x
        row_cost = caps.cost(v)
        tc = float(space.fixed @ x + row_cost @ v)
        y, spc = space.load(row_cost)
        x = _grown(x, space.n_cols)  # a route space may have found new routes
        dirs.grow(space.n_cols)
        gap = (tc - spc) / tc if tc > 0 else 0.0
        elapsed = time.perf_counter() - start
        converged = gap <= opts.gap
        stop = converged or it >= opts.max_iter or (opts.time_limit_s is not None and elapsed >= opts.time_limit_s)
        step = math.nan
        if not stop:
            step = _advance(opts.method, it, x, y, dirs, inner_at(x), space, caps)
        history.append((it, float(gap), tc, float(step), elapsed))
        if progress is not None:
            progress(EquilibriumProgress(it, float(gap), elapsed))
        if stop:
            break
    if not converged:
        warnings.warn(f"freight equilibrium ({opts.method}) stopped after {it} iterations at relative gap "
                      f"{gap:.3g}, target {opts.gap:.3g}", ConvergenceWarning, stacklevel=2)
    return _result(lp, space, caps, opts, x, converged=bool(converged), gap=float(gap), it=it,
                   history=history, seconds=time.perf_counter() - start)


def _grown(x: np.ndarray, n: int) -> np.ndarray:
    """``x`` with zeros appended up to length ``n``."""
    return x if len(x) == n else np.concatenate([x, np.zeros(n - len(x))])


def _result(lp: FreightLP, space: _Space, caps: _Capacities, opts: FreightEquilibriumOptions, x: np.ndarray, *,
            converged: bool, gap: float, it: int,
            history: list[tuple[int, float, float, float, float]], seconds: float) -> FreightEquilibriumResult:
    v = space.m @ x
    delay = caps.delay(v)
    beck = float(space.fixed @ x) + caps.integral(v)
    flows, free_hours = space.collect(x, "equilibrium" if converged else "not converged", beck,
                                      {"iterations": it, "warm_start": False, "formulation": lp.formulation})
    hours = free_hours + float((caps.unit * v) @ delay)
    congestion: list[dict[str, Any]] = []
    for i, (kind, rid, a, b, unit) in enumerate(caps.keys):
        capv = float(caps.cap[i])
        congestion.append({"kind": kind, "id": rid, "from": a, "to": b, "unit": unit, "capacity": capv,
                           "flow": float(v[i]), "utilisation": float(v[i] / capv) if capv > 0 else None,
                           "free_time_h": float(caps.t0[i]), "delay_h": float(delay[i])})
    congestion.sort(key=lambda r: (-r["delay_h"], r["kind"], r["id"], r["from"], r["unit"]))
    d = opts.delays
    used = {"method": opts.method, "gap_target": opts.gap, "value_of_time": lp.options["value_of_time"],
            "carbon_price": lp.options["carbon_price"], "risk_price": lp.options["risk_price"],
            "unserved_penalty_usd_per_t": lp.options["unserved_penalty_usd_per_t"],
            "link_alpha": d.link_alpha, "link_beta": d.link_beta, "transfer_vdf": d.transfer_vdf,
            "transfer_j": d.transfer_j,
            "transfer_curves": {k: {"t0_h": tc.t0_h, "capacity": tc.capacity, "j": tc.j, "unit": tc.unit,
                                    "source": tc.source} for k, tc in d.transfer_curves.items()}}
    return FreightEquilibriumResult(
        method=opts.method, gap=gap, iterations=it, converged=converged,
        total_cost=float(space.fixed @ x + caps.cost(v) @ v),
        total_travel_time=hours, beckmann=beck, flows=flows, congestion=tuple(congestion), options=used,
        history=tuple(history), seconds=seconds)
