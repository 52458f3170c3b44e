"""Stochastic user equilibrium of freight: shippers who choose, capacities that clear.

The behavioural view of an assignment (the LP, :class:`~corridor.assignment.lp.FreightLP`, stays
the system-optimal one). Each demand row — from an origin to a market or a fixed end — is shipped
by segments of shippers who differ in their value of time (:class:`~corridor.model.choice.ChoiceParameters`).
Each segment spreads its tonnes over the routes of the row's choice set
(:mod:`corridor.assignment.choice_sets`) by a path-size logit on generalised cost:

    C_k = money_k + value_of_time × hours_k + risk_k + p_r · a_rk  (summed over capacities r)

where ``risk_k`` is the risk the route carries per shipment (:class:`~corridor.model.risk.RiskModel`:
premium, expected delay, and reliability ratio × value of time × the delay's standard deviation) and
``p_r`` the *price* of capacity ``r`` (port, ferry fleet, border, gauge change, line) per unit of it.
Capacities are hard, as in the LP: their prices are the Lagrange multipliers of the capacity rows
in Fisk's entropy formulation of the logit equilibrium,

    min Σ_k f_k (c_k − u_k/θ_g) + Σ_g (1/θ_g) Σ_{k∈g} f_k ln f_k   s.t.  Σ_{k∈g} f_k = d_g,  A f ≤ cap,

whose dual is smooth and concave in ``p ≥ 0`` — it is maximised here by L-BFGS-B, with the exact
gradient ``cap − A f(p)``. Where a capacity binds its price rises until the shares that use it fit,
so congestion and capacity shift shares smoothly instead of all at once; a price is what a tonne
would pay to get through (a queue, a premium on the slot) and ranks the bottlenecks as the LP's
duals do. Each row also has its unserved alternative at the unserved penalty, so demand that no
route can carry stays unserved.

The choice sets grow by column generation: after each solve, the least-cost route of each segment
under the capacity prices joins its row's set if it is cheaper than every route there. The
equilibrium has converged when no route joins and the *relative gap* — the largest capacity
overflow relative to its capacity, or the complementarity ``Σ p_r |cap_r − v_r|`` relative to the
total cost, whichever is larger — is under ``gap``.

>>> from corridor import data
>>> ds = data.load("eurasia")
>>> res = stochastic_equilibrium(ds.network, ds.demand)
>>> res.converged
True
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.assignment.choice_sets import ChoiceSets, PathSpace
from corridor.assignment.equilibrium import EquilibriumProgress
from corridor.assignment.lp import DEFAULT_UNSERVED_PENALTY, FreightLP
from corridor.assignment.lp_collect import LPSolution
from corridor.assignment.measures import route_gateway
from corridor.exceptions import ConvergenceWarning, InputError, Problem
from corridor.model.choice import ChoiceParameters
from corridor.model.risk import RiskModel

if TYPE_CHECKING:
    from corridor.assignment.choice_sets import Path
    from corridor.assignment.lp_matrix import CapacityRow
    from corridor.assignment.lp_results import LPResult
    from corridor.model import Demand, DemandRow, Network

__all__ = ["SUEOptions", "SUEResult", "stochastic_equilibrium"]

_CLOSED = 1e-6  # a capacity under a millionth of a unit a year is closed


@dataclass(frozen=True)
class SUEOptions:
    """Options of :func:`stochastic_equilibrium`.

    Parameters
    ----------
    choice
        How shippers choose (value-of-time segments, logit scale, path size, constants).
    risk
        Risk priced per shipment.
    gap
        Target relative gap (see the module docstring).
    max_rounds
        Most rounds of column generation.
    carbon_price, risk_price
        USD per tonne CO2e, and per unit of risk exposure (the per-kilometre exposure of
        :class:`~corridor.model.costs.RouteOptions`; risk per shipment is ``risk``).
    unserved_penalty_usd_per_t
        Generalised cost of leaving a tonne unserved.
    ban_depth, max_paths
        Depth of the country-ban tree and most routes per row (:mod:`corridor.assignment.choice_sets`).
    time_limit_s
        Stop after this many seconds (not converged).
    column_generation
        Grow the choice sets during the equilibrium (off: the sets as generated, or as given —
        what a calibration wants, so that its objective is smooth in the parameters).

    Examples
    --------
    >>> opts = SUEOptions(gap=1e-5, max_paths=6)
    >>> opts.gap, opts.max_rounds, opts.column_generation
    (1e-05, 30, True)
    >>> try:
    ...     SUEOptions(gap=2.0)
    ... except InputError as e:
    ...     print(e)
    sue options: gap: must lie in (0, 1), got 2.0
    """

    choice: ChoiceParameters = field(default_factory=ChoiceParameters)
    risk: RiskModel = field(default_factory=RiskModel)
    gap: float = 1e-4
    max_rounds: int = 30
    carbon_price: float = 0.0
    risk_price: float = 0.0
    unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY
    ban_depth: int = 1
    max_paths: int = 12
    time_limit_s: float | None = None
    column_generation: bool = True

    def __post_init__(self) -> None:
        problems = []
        if not (isinstance(self.gap, int | float) and 0 < self.gap < 1):
            problems.append(Problem("sue options", "gap", f"must lie in (0, 1), got {self.gap!r}"))
        for name, low in (("max_rounds", 1), ("ban_depth", 0), ("max_paths", 1)):
            v = getattr(self, name)
            if not isinstance(v, int) or v < low:
                problems.append(Problem("sue options", name, f"must be a whole number >= {low}, got {v!r}"))
        if problems:
            raise InputError(problems)


@dataclass(frozen=True, eq=False)
class SUEResult:
    """A stochastic user equilibrium.

    Attributes
    ----------
    flows
        The result tables, as the LP's (:class:`~corridor.assignment.lp_results.LPResult`); the
        bottlenecks are ranked by the capacity prices.
    converged, gap, iterations, seconds
        Whether the target gap was met, the gap reached, rounds of column generation, wall time.
    total_cost
        Σ served tonnes × generalised cost (money, each segment's value of time × hours, risk per
        shipment; capacity prices excluded), USD per year; also ``flows.total_cost``.
    routes
        One record per (demand row, route): tonnes, share, corridor, gateway, countries, cost.
    prices
        Capacity prices of the binding capacities: ``kind``, ``id``, ``unit``, ``usd_per_unit``.
    options
        The options and parameters used.
    history
        ``(round, gap, routes added, seconds)`` per round.
    choice_sets
        The routes weighed (to start another run on the same model from).

    Examples
    --------
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> rail = {"mode": "rail-1520", "speed_kmh": 50.0}
    >>> links = [Link("direct", "mine", "port", distance_km=500.0, cost_usd_per_t=10.0, capacity_mtpa=1.0, **rail),
    ...          Link("mine-via", "mine", "via", distance_km=400.0, cost_usd_per_t=8.0, **rail),
    ...          Link("via-port", "via", "port", distance_km=300.0, cost_usd_per_t=7.0, **rail)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> demand = Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 3e6)])
    >>> res = stochastic_equilibrium(net, demand)
    >>> res.method, res.converged, res.gap < 1e-4
    ('sue', True, True)
    >>> {r["link"]: round(r["tonnes"] / 1e6, 2) for r in res.links_frame().to_dict("records")}
    {'mine-via': 2.0, 'via-port': 2.0, 'direct': 1.0}
    """

    flows: LPResult
    converged: bool
    gap: float
    iterations: int
    seconds: float
    total_cost: float
    routes: tuple[dict[str, Any], ...]
    prices: tuple[dict[str, Any], ...]
    options: Mapping[str, Any]
    history: tuple[tuple[int, float, int, float], ...] = ()
    choice_sets: ChoiceSets | None = field(default=None, repr=False)

    @property
    def method(self) -> str:
        """``"sue"``."""
        return "sue"

    @property
    def served(self) -> float:
        """Tonnes served."""
        return float(self.flows.served_t)

    @property
    def unserved(self) -> float:
        """Tonnes unserved."""
        return float(self.flows.unserved_t)

    def to_dict(self, *, history: bool = False) -> dict[str, Any]:
        """Plain record: the flows' record plus the equilibrium figures, routes and prices."""
        out = self.flows.to_dict()
        out.update({"method": "sue", "converged": self.converged, "gap": self.gap, "iterations": self.iterations,
                    "seconds": self.seconds, "total_cost": self.total_cost, "routes": list(self.routes),
                    "prices": list(self.prices), "options": dict(self.options)})
        if history:
            out["history"] = [{"round": r, "gap": g, "added": a, "seconds": s} for r, g, a, s in self.history]
        return out

    def links_frame(self) -> Any:
        """Flows by link direction and commodity (as the LP's)."""
        return self.flows.links_frame()

    def bottlenecks_frame(self) -> Any:
        """The binding capacities ranked by their price (as the LP's duals)."""
        return self.flows.bottlenecks_frame()

    def od_frame(self) -> Any:
        """One row per demand row: served and unserved tonnes."""
        return self.flows.od_frame()

    def routes_frame(self) -> Any:
        """The routes as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([{k: (";".join(v) if isinstance(v, list) else v) for k, v in r.items()}
                             for r in self.routes])


class _Model:
    """The capacities, segments and prices of a built LP, for the logit over routes."""

    def __init__(self, lp: FreightLP, opts: SUEOptions) -> None:
        from scipy import sparse

        g, st = lp.graph, lp.state
        self.lp, self.graph, self.opts = lp, g, opts
        self.coef = st.costs.coef
        self.hours = st.costs.hours
        keys: list[Any] = []
        rows: list[CapacityRow] = []
        r_i: list[np.ndarray] = []
        c_i: list[np.ndarray] = []
        v_i: list[np.ndarray] = []
        barred = np.zeros(g.n_cols, dtype=bool)
        for key, row in st.capacities.items():
            if not math.isfinite(row.current) or not len(row.cols):
                continue
            if row.current < _CLOSED:
                barred[row.cols[row.coefs > 0]] = True
                continue
            r_i.append(np.full(len(row.cols), len(keys)))
            c_i.append(row.cols)
            v_i.append(row.coefs)
            keys.append(key)
            rows.append(row)
        self.keys, self.rows = keys, rows
        self.cap = np.asarray([r.current for r in rows], dtype=float)
        def cat(xs: list[np.ndarray], dt: Any) -> np.ndarray:
            return np.concatenate(xs).astype(dt) if xs else np.zeros(0, dtype=dt)

        self.m = sparse.csr_array((cat(v_i, np.float64), (cat(r_i, np.int64), cat(c_i, np.int64))),
                                  shape=(len(keys), g.n_cols))
        self.mt = self.m.T.tocsr()
        self.barred = barred
        self.demand = np.asarray([r.tonnes * st.row_scale(r.commodity) for r in g.rows], dtype=float)
        choice = opts.choice
        self.segments = [choice.segments_for(r.commodity) for r in g.rows]
        self.vots = sorted({s.value_of_time for segs in self.segments for s in segs})

    def weights(self, vot: float, prices: np.ndarray | None = None) -> np.ndarray:
        """Column weights of a segment with value of time ``vot`` (``inf``: barred)."""
        w = self.coef + vot * self.hours
        if prices is not None and len(prices):
            w = w + self.mt @ prices
        return np.where(self.barred, np.inf, w)


class _Logit:
    """The alternatives of every (row, segment) over the current choice sets, and the dual of the SUE."""

    def __init__(self, model: _Model, sets: ChoiceSets) -> None:  # noqa: PLR0915 - one pass over the sets
        from scipy import sparse

        g, opts, choice = model.graph, model.opts, model.opts.choice
        self.paths: list[Path] = []
        self.path_row: list[int] = []
        for i, row_paths in enumerate(sets.paths):
            for p in row_paths:
                self.paths.append(p)
                self.path_row.append(i)
        n_p = len(self.paths)
        lens = [len(p.cols) for p in self.paths]
        ind = sparse.csc_array((np.ones(sum(lens)), (np.concatenate([p.cols for p in self.paths]) if n_p else
                                                     np.zeros(0, np.int64), np.repeat(np.arange(n_p), lens))),
                               shape=(g.n_cols, n_p))
        self.ind = ind
        a = (model.m @ ind).tocsr()
        touched = np.flatnonzero(np.diff(a.indptr) > 0)
        self.rows = touched
        self.a = a[touched]
        self.at = self.a.T.tocsr()
        self.cap = model.cap[touched]
        self.amax = np.asarray(self.a.max(axis=1).todense()).ravel() if len(touched) else np.zeros(0)
        self.amax[self.amax <= 0] = 1.0
        base = np.asarray([float(model.coef[p.cols].sum()) for p in self.paths])
        hours = np.asarray([float(model.hours[p.cols].sum()) for p in self.paths])
        size = _path_size(self.paths, self.path_row, sets.space.col_km)
        grp: list[int] = []
        kk: list[int] = []
        cost: list[float] = []
        u0: list[float] = []
        d: list[float] = []
        th: list[float] = []
        gstart: list[int] = []
        self.group_row: list[int] = []
        self.group_vot: list[float] = []
        self.path_risk: list[Any] = []
        for k, p in enumerate(self.paths):
            r = g.rows[self.path_row[k]]
            self.path_risk.append(opts.risk.shipment(p.countries, r.commodity, r.destination))
        by_row: dict[int, list[int]] = {}
        for k, i in enumerate(self.path_row):
            by_row.setdefault(i, []).append(k)
        penalty = opts.unserved_penalty_usd_per_t
        for i in range(len(g.rows)):
            ks = by_row.get(i, [])
            rel = choice.value("reliability_ratio", g.rows[i].commodity)
            for seg in model.segments[i]:
                gi = len(d)
                gstart.append(len(grp))
                costs = [base[k] + seg.value_of_time * hours[k]
                         + self.path_risk[k].cost(seg.value_of_time, rel) for k in ks]
                ref = min(costs) if costs else penalty
                for k, c in zip(ks, costs, strict=True):
                    grp.append(gi)
                    kk.append(k)
                    cost.append(c)
                    u0.append(choice.path_size * math.log(size[k])
                              + choice.constant(self.paths[k].corridor, g.rows[i].commodity))
                grp.append(gi)
                kk.append(-1)
                cost.append(penalty)
                u0.append(0.0)
                d.append(model.demand[i] * seg.share)
                th.append(choice.theta / max(ref, 1e-9))
                self.group_row.append(i)
                self.group_vot.append(seg.value_of_time)
        self.grp = np.asarray(grp, dtype=np.int64)
        self.kk = np.asarray(kk, dtype=np.int64)
        self.cost = np.asarray(cost, dtype=float)
        self.u0 = np.asarray(u0, dtype=float)
        self.d = np.asarray(d, dtype=float)
        self.th = np.asarray(th, dtype=float)
        self.gstart = np.asarray(gstart, dtype=np.int64)
        self.on_path = self.kk >= 0
        self.n_paths = n_p
        self.scale = max(float(np.sum(self.d * choice.theta / self.th)), 1.0)

    def flows(self, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flow of every alternative and log-sum of every group at capacity prices ``prices``."""
        t = np.zeros(len(self.kk))
        if len(prices):
            t[self.on_path] = (self.at @ prices)[self.kk[self.on_path]]
        v = -self.th[self.grp] * (self.cost + t) + self.u0
        mx = np.maximum.reduceat(v, self.gstart)
        e = np.exp(v - mx[self.grp])
        se = np.add.reduceat(e, self.gstart)
        return self.d[self.grp] * e / se[self.grp], mx + np.log(se)

    def path_flows(self, f: np.ndarray) -> np.ndarray:
        """Tonnes on each route (segments summed)."""
        return np.bincount(self.kk[self.on_path], f[self.on_path], minlength=self.n_paths)

    def dual(self, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Scaled objective to minimise (minus the dual function) and its gradient, at ``y = p · amax``."""
        p = y / self.amax
        f, lse = self.flows(p)
        v = self.a @ self.path_flows(f)
        h = float(np.sum(self.d / self.th * lse)) + float(p @ self.cap)
        return h / self.scale, (self.cap - v) / self.amax / self.scale

    def solve(self, y0: np.ndarray, gap: float) -> tuple[np.ndarray, float]:
        """Capacity prices maximising the dual from ``y0``, and the relative gap reached."""
        from scipy.optimize import minimize
        from threadpoolctl import threadpool_limits

        if not len(self.cap):
            return np.zeros(0), self.gap(np.zeros(0))
        y = y0
        g = math.inf
        # the problem is small: threads of the BLAS cost more to wake than the work (100x on a busy machine)
        with threadpool_limits(limits=1, user_api="blas"):
            for _ in range(6):
                res = minimize(self.dual, y, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * len(y),
                               options={"maxiter": 20000, "ftol": 1e-16, "gtol": 1e-13, "maxcor": 10,
                                        "maxls": 100})
                y = np.maximum(res.x, 0.0)
                g = self.gap(y / self.amax)
                if g <= gap:
                    break
        return y / self.amax, g

    def gap(self, prices: np.ndarray) -> float:
        """Largest relative overflow of a capacity, or complementarity relative to total cost."""
        f, _ = self.flows(prices)
        if not len(self.cap):
            return 0.0
        v = self.a @ self.path_flows(f)
        over = float(np.max(np.maximum(v - self.cap, 0.0) / self.cap))
        total = float(f @ self.cost)
        slack = float(np.sum(prices * self.amax * np.abs(self.cap - v) / self.amax)) / total if total > 0 else 0.0
        return max(over, slack)


def _path_size(paths: list[Path], path_row: list[int], col_km: np.ndarray) -> np.ndarray:
    """Ben-Akiva and Bierlaire's path size of every route within its row's set (by link length)."""
    out = np.ones(len(paths))
    by_row: dict[int, list[int]] = {}
    for k, i in enumerate(path_row):
        by_row.setdefault(i, []).append(k)
    for ks in by_row.values():
        if len(ks) < 2:
            continue
        counts: dict[int, int] = {}
        for k in ks:
            for c in paths[k].cols.tolist():
                counts[c] = counts.get(c, 0) + 1
        for k in ks:
            p = paths[k]
            if p.distance_km > 0:
                n = np.asarray([counts[c] for c in p.cols.tolist()], dtype=float)
                out[k] = max(float(np.sum(col_km[p.cols] / n)) / p.distance_km, 1e-9)
    return out


def stochastic_equilibrium(network: Network, demand: Demand | Iterable[DemandRow],
                           options: SUEOptions | None = None, *, lp: FreightLP | None = None,
                           choice_sets: ChoiceSets | None = None,
                           progress: Callable[[EquilibriumProgress], None] | None = None) -> SUEResult:
    """Assign freight demand at stochastic user equilibrium with hard capacities.

    Parameters
    ----------
    network, demand
        As for :meth:`FreightLP.build` (tonnes per year); destinations may be markets.
    options
        :class:`SUEOptions`.
    lp
        A model built with value of time 0 and the same carbon and exposure prices, to reuse (its
        current capacities, demand scale and cost factors apply); built here if not given.
    choice_sets
        Choice sets to start from (built for ``lp``'s graph, e.g. :attr:`SUEResult.choice_sets` of an
        earlier run); generated here if not given. They are grown in place by column generation.
    progress
        Called after each round of column generation.

    Returns
    -------
    SUEResult

    Raises
    ------
    InputError
        Bad demand rows or options.

    Examples
    --------
    Shippers of 3 Mt/yr choose between a direct line of 1 Mt/yr (a hard capacity) and a detour:

    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> rail = {"mode": "rail-1520", "speed_kmh": 50.0}
    >>> links = [Link("direct", "mine", "port", distance_km=500.0, cost_usd_per_t=10.0, capacity_mtpa=1.0, **rail),
    ...          Link("mine-via", "mine", "via", distance_km=400.0, cost_usd_per_t=8.0, **rail),
    ...          Link("via-port", "via", "port", distance_km=300.0, cost_usd_per_t=7.0, **rail)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> demand = Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 3e6)])
    >>> res = stochastic_equilibrium(net, demand)
    >>> res.converged, res.served, res.unserved
    (True, 3000000.0, 0.0)
    >>> routes = res.routes_frame()
    >>> [(r["nodes"], round(r["tonnes"] / 1e6, 2)) for r in routes.to_dict("records")]
    [('mine;port', 1.0), ('mine;via;port', 2.0)]

    The direct line carries its capacity, 1 Mt/yr; a price on that capacity sends the rest by the detour.
    """
    opts = options or SUEOptions()
    start = time.perf_counter()
    if lp is None:
        lp = FreightLP.build(network, demand, value_of_time=0.0, carbon_price=opts.carbon_price,
                             risk_price=opts.risk_price, unserved_penalty_usd_per_t=opts.unserved_penalty_usd_per_t)
    elif lp.options["value_of_time"] != 0.0:
        raise InputError(Problem("lp", "value_of_time", "the stochastic equilibrium prices time per segment: "
                                 "build the LP with value_of_time=0"))
    lp.require_arcs("the stochastic equilibrium")
    model = _Model(lp, opts)
    if choice_sets is not None and not choice_sets.space.matches(lp.graph):
        raise InputError(Problem("choice_sets", "space", "the choice sets were built for another model"))
    sets = choice_sets
    if sets is None:
        sets = ChoiceSets(PathSpace.of(lp.graph), max_paths=opts.max_paths)
        mid = model.vots[len(model.vots) // 2] if model.vots else 0.0
        sets.generate([model.weights(v) for v in model.vots], model.weights(mid), ban_depth=opts.ban_depth)
    prices_by_key: dict[Any, float] = {}
    history: list[tuple[int, float, int, float]] = []
    converged = False
    gap = math.inf
    rnd = 0
    logit = _Logit(model, sets)
    prices = np.zeros(0)
    while True:
        rnd += 1
        y0 = np.asarray([prices_by_key.get(model.keys[r], 0.0) for r in logit.rows]) * logit.amax
        prices, gap = logit.solve(y0, opts.gap)
        prices_by_key = {model.keys[r]: float(p) for r, p in zip(logit.rows, prices, strict=True)}
        full = np.zeros(len(model.keys))
        full[logit.rows] = prices
        added = _generate_columns(model, sets, logit, full) if opts.column_generation else 0
        elapsed = time.perf_counter() - start
        history.append((rnd, float(gap), added, elapsed))
        if progress is not None:
            progress(EquilibriumProgress(rnd, float(gap), elapsed))
        converged = added == 0 and gap <= opts.gap
        if converged or added == 0 or rnd >= opts.max_rounds or (
                opts.time_limit_s is not None and elapsed >= opts.time_limit_s):
            break
        logit = _Logit(model, sets)
    if not converged:
        warnings.warn(f"stochastic equilibrium stopped after {rnd} rounds at relative gap {gap:.3g}, "
                      f"target {opts.gap:.3g}", ConvergenceWarning, stacklevel=2)
    return _result(model, logit, prices, sets, converged=converged, gap=float(gap), rounds=rnd, history=history,
                   seconds=time.perf_counter() - start)


def _generate_columns(model: _Model, sets: ChoiceSets, logit: _Logit, full_prices: np.ndarray) -> int:
    """Add to each row the least-cost route of each segment under the prices, if cheaper than its set's."""
    choice, risk = model.opts.choice, model.opts.risk
    g = model.graph
    t_path = logit.at @ full_prices[logit.rows] if len(logit.rows) else np.zeros(logit.n_paths)
    best: dict[tuple[int, float], float] = {}
    for j in range(len(logit.kk)):
        k = int(logit.kk[j])
        if k < 0:
            continue
        key = (logit.group_row[int(logit.grp[j])], logit.group_vot[int(logit.grp[j])])
        c = float(logit.cost[j] + t_path[k])
        if c < best.get(key, math.inf):
            best[key] = c
    added = 0
    for vot in model.vots:
        w = model.weights(vot, full_prices)
        for i, cols in enumerate(sets.space.shortest(w)):
            if cols is None or not any(abs(s.value_of_time - vot) < 1e-15 for s in model.segments[i]):
                continue
            p = sets.space.path(cols)
            r = g.rows[i]
            c = float(w[cols].sum()) + risk.shipment(p.countries, r.commodity, r.destination).cost(
                vot, choice.value("reliability_ratio", r.commodity))
            if c < best.get((i, vot), math.inf) * (1 - 1e-9) and sets.add(i, cols):
                added += 1
    return added


def _result(model: _Model, logit: _Logit, prices: np.ndarray, sets: ChoiceSets, *, converged: bool, gap: float,
            rounds: int, history: list[tuple[int, float, int, float]], seconds: float) -> SUEResult:
    g, lp, opts = model.graph, model.lp, model.opts
    f, _ = logit.flows(prices)
    fp = logit.path_flows(f)
    x = logit.ind @ fp
    group_row = np.asarray(logit.group_row, dtype=np.int64)  # int even when there is no group
    unserved = np.bincount(group_row[logit.grp[~logit.on_path]], f[~logit.on_path], minlength=len(g.rows))
    x[g.slack_cols] += unserved
    duals = np.zeros(lp.state.n_rows)
    price_recs: list[dict[str, Any]] = []
    for r, p in zip(logit.rows, prices, strict=True):
        duals[model.rows[r].row] = -float(p)
        if p > 1e-9:
            kind, rid, a, b, unit = model.keys[r]
            price_recs.append({"kind": kind, "id": rid, "from": a, "to": b, "unit": unit, "usd_per_unit": float(p)})
    price_recs.sort(key=lambda q: -float(q["usd_per_unit"]))
    block_of = {i: b for b, blk in enumerate(g.blocks) for i in blk.members}
    routes: dict[int, list[tuple[np.ndarray, float]]] = {}
    recs = []
    total_row = np.bincount(group_row[logit.grp], f, minlength=len(g.rows))
    for k, p in enumerate(logit.paths):
        i = logit.path_row[k]
        routes.setdefault(block_of[i], []).append((p.cols, float(fp[k])))
        row = g.rows[i]
        recs.append({"row": row.id, "origin": row.origin, "destination": row.destination, "commodity": row.commodity,
                     "tonnes": float(fp[k]), "share": float(fp[k] / total_row[i]) if total_row[i] > 0 else 0.0,
                     "corridor": p.corridor, "gateway": route_gateway(g, p.cols), "countries": list(p.countries),
                     "nodes": list(p.nodes), "distance_km": p.distance_km,
                     "money_usd_per_t": float(model.coef[p.cols].sum()), "hours": float(model.hours[p.cols].sum()),
                     "risk_usd_per_t": float(logit.path_risk[k].money_usd_per_t),
                     "risk_delay_h": float(logit.path_risk[k].delay_h)})
    total = float(f[logit.on_path] @ logit.cost[logit.on_path])  # served tonnes: money, time, risk
    flows = lp.collect(LPSolution(x, duals, "equilibrium" if converged else "not converged", total,
                                  {"iterations": rounds, "warm_start": False,
                                   "tonne_hours": float(x @ model.hours)}, routes=routes))
    flows = dataclasses.replace(flows, total_cost=total)
    used = {"method": "sue", "gap_target": opts.gap, "choice": opts.choice.to_dict(), "risk": opts.risk.to_dict(),
            "carbon_price": opts.carbon_price, "risk_price": opts.risk_price,
            "unserved_penalty_usd_per_t": opts.unserved_penalty_usd_per_t, "ban_depth": opts.ban_depth,
            "max_paths": opts.max_paths, "routes_considered": logit.n_paths,
            "routes_rejected_revisiting_a_country": sets.rejected_revisits}
    return SUEResult(flows=flows, converged=converged, gap=gap, iterations=rounds, seconds=seconds, total_cost=total,
                     routes=tuple(recs), prices=tuple(price_recs), options=used, history=tuple(history),
                     choice_sets=sets)
