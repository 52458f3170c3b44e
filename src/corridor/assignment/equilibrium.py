"""Static user equilibrium (Wardrop) by the Frank-Wolfe family: MSA, FW, conjugate and bi-conjugate FW.

Every OD flow chooses a least-cost path; link cost rises with flow through a BPR volume-delay
function. The equilibrium minimises the Beckmann objective ``Σ_a ∫_0^{v_a} c_a(x) dx``.
Generalised cost = VDF time + ``toll_factor`` · toll + ``distance_factor`` · length.

Each iteration loads all OD flows on shortest paths at the current costs (all-or-nothing,
:func:`corridor.assignment.aon.all_or_nothing`), measures the relative gap
``(TSTT - SPTT) / TSTT`` and moves towards a target point:

``msa``
    Step ``1 / (k + 1)`` to the all-or-nothing flows.
``fw``
    Frank-Wolfe: exact line search to the all-or-nothing flows.
``cfw``
    Conjugate Frank-Wolfe: the target mixes the last target and the new all-or-nothing flows
    so that successive directions are conjugate w.r.t. the Hessian ``diag(c'(v))``.
``bfw``
    Bi-conjugate Frank-Wolfe (Mitradjieva & Lindberg 2013, *Transportation Science* 47(2)):
    conjugate to the last two directions. The default; the fastest of the link-based four.
``gp``
    Path-based gradient projection (Jayakrishnan et al. 1994): each OD pair keeps its used paths;
    flow moves from costlier paths to the current shortest one by a Newton step
    ``(c_p - c_min) / Σ c'_a`` (sum over arcs on one path but not both), origin by origin with
    costs updated in between. Slower per iteration, far fewer iterations at tight gaps.
``b``
    Algorithm B (Dial 2006, *Transportation Research B* 40(10)), bush-based: each origin keeps an
    acyclic subgraph (its bush) carrying all its flow. An iteration improves every bush (shortcut
    arcs in, unused arcs out) and then, origin after origin for several rounds, moves flow between
    the longest used and the shortest bush path to each node by a Newton step, costs updated after
    every move. The gap is measured like the others, with one all-or-nothing loading per
    iteration. The method for tight gaps: 1e-8 to 1e-10 in 5-15 iterations on the research
    networks and synthetic grids; memory ``origins × arcs × 9`` bytes. Loops (and the gap's shortest
    paths) in :mod:`corridor._kernels.ue`, compiled with Cython when corridor is installed: a
    process that solves by Algorithm B never imports numba.

Small problems (origins × arcs up to :data:`corridor._kernels.reference.SMALL_WORK`, e.g. Sioux
Falls) run the link-based methods on the plain-Python reference loops; up to
:data:`corridor._kernels.reference.PARALLEL_WORK` (e.g. Anaheim) on loops compiled with Cython at
install (:mod:`corridor._kernels.ue`), on one thread. A process that solves either never imports
numba (about half a second of start-up). Larger loadings run on several threads in numba's kernels,
cached on disk; gradient projection (``gp``) always uses numba's.

The CFW/BFW coefficients follow the paper (as AequilibraE implements it): a direction that is
not a descent direction, or a full step, resets the sequence to a plain Frank-Wolfe step.
"""

from __future__ import annotations

import importlib
import logging
import math
import time
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from corridor._kernels._jit import compile_notice
from corridor._kernels.reference import PARALLEL_WORK, line_search_reference
from corridor.assignment.aon import AssignmentProblem, all_or_nothing, is_small
from corridor.assignment.eq_results import EquilibriumResult, IterationRecord
from corridor.assignment.vdf import bpr, bpr_derivative, bpr_integral
from corridor.exceptions import ConvergenceWarning, InputError

if TYPE_CHECKING:
    from corridor.model import Demand, Network

__all__ = [
    "METHODS", "ConvergenceWarning", "EquilibriumOptions", "EquilibriumProgress", "FrankWolfeDirections", "equilibrium",
    "kernel_notice",
]

_log = logging.getLogger(__name__)

METHODS: tuple[str, ...] = ("msa", "fw", "cfw", "bfw", "gp", "b")
"""The equilibrium algorithms, slowest first."""

_LINE_TOL = 1e-12
_B_TARGET_SHARE = 0.05  # Algorithm B's threshold: a share of the target gap ...
_B_GAP_SHARE = 0.1  # ... or of the current gap, whichever is larger, times the mean OD cost


@dataclass(frozen=True)
class EquilibriumOptions:
    """Settings of :func:`equilibrium`.

    Parameters
    ----------
    method
        One of :data:`METHODS`.
    gap
        Target relative gap ``(TSTT - SPTT) / TSTT``.
    max_iter
        Most all-or-nothing iterations.
    toll_factor, distance_factor
        Weights of link toll and length in the generalised cost (time units per toll or length unit).
    time_limit_s
        Stop (not converged) after this many seconds.

    Examples
    --------
    >>> EquilibriumOptions().method, EquilibriumOptions().gap
    ('bfw', 0.0001)
    >>> try:
    ...     EquilibriumOptions(method="nope")
    ... except InputError as e:
    ...     print(e.problems[0].message)
    unknown equilibrium method 'nope'; expected one of msa, fw, cfw, bfw, gp, b
    """

    method: str = "bfw"
    gap: float = 1e-4
    max_iter: int = 500
    toll_factor: float = 0.0
    distance_factor: float = 0.0
    time_limit_s: float | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            msg = f"unknown equilibrium method {self.method!r}; expected one of {', '.join(METHODS)}"
            raise InputError(msg)
        if not self.gap >= 0:
            msg = f"gap must be a non-negative number, got {self.gap!r}"
            raise InputError(msg)
        if self.max_iter < 1:
            msg = f"max_iter must be at least 1, got {self.max_iter!r}"
            raise InputError(msg)
        if not (0 <= self.toll_factor < math.inf and 0 <= self.distance_factor < math.inf):
            msg = f"toll_factor and distance_factor must be finite and non-negative, got {self.toll_factor!r}, " \
                  f"{self.distance_factor!r}"
            raise InputError(msg)
        if self.time_limit_s is not None and not self.time_limit_s > 0:
            msg = f"time_limit_s must be positive, got {self.time_limit_s!r}"
            raise InputError(msg)


@dataclass(frozen=True)
class EquilibriumProgress:
    """What the ``progress`` callback receives: after each iteration, and before a kernel compiles.

    Attributes
    ----------
    iteration
        Iterations done (0 before the first).
    gap
        Relative gap after the iteration (NaN before the first).
    elapsed
        Seconds since the call began.
    stage
        ``"iterating"``, or :data:`corridor._kernels._jit.COMPILING` ("compiling kernels (first run
        only)") when numba is about to compile a kernel: the first run on a machine, some seconds.

    Examples
    --------
    >>> from corridor.model import Demand, DemandRow, Link, Network, Node
    >>> nodes = [Node(i, i, "", "junction", 0.0, 0.0) for i in "ab"]
    >>> links = [Link("fast", "a", "b", "road", time_h=1.0, oneway=True, vdf_alpha=1.0, vdf_beta=1.0,
    ...               vdf_capacity=10.0),
    ...          Link("slow", "a", "b", "road", time_h=2.0, oneway=True)]
    >>> net, demand = Network("two", nodes, links), Demand([DemandRow("d", "a", "b", "trips", 0, 20.0)])
    >>> seen = []
    >>> _ = equilibrium(net, demand, EquilibriumOptions(method="fw", gap=1e-9), progress=seen.append)
    >>> [(p.iteration, p.stage) for p in seen if p.stage == "iterating"]
    [(1, 'iterating'), (2, 'iterating')]
    """

    iteration: int
    gap: float
    elapsed: float
    stage: str = "iterating"


def kernel_notice(progress: Callable[[EquilibriumProgress], None] | None, start: float) -> AbstractContextManager[None]:
    """A block in which ``progress`` hears of each kernel compile, as ``EquilibriumProgress(0, nan, elapsed, stage)``.

    Parameters
    ----------
    progress
        The engine's progress callback (``None``: nothing is reported).
    start
        ``time.perf_counter()`` when the engine began.

    Examples
    --------
    Kernels already compiled (or loaded from numba's cache) report nothing:

    >>> import time
    >>> import numpy as np
    >>> from corridor._kernels.sssp import dijkstra_kernel
    >>> graph = np.array([0, 1, 1]), np.array([1]), np.array([2.0])
    >>> _ = dijkstra_kernel(*graph, 0, -1, False)  # compiled (or loaded) here, outside the block
    >>> heard = []
    >>> with kernel_notice(heard.append, time.perf_counter()):
    ...     dijkstra_kernel(*graph, 0, -1, False)[0].tolist()
    [0.0, 2.0]
    >>> heard
    []

    A real compile raises numba's ``numba:compile`` event; raised here by hand, it shows what the
    callback then receives (iteration 0, no gap yet):

    >>> from numba.core import event
    >>> with kernel_notice(heard.append, time.perf_counter()):
    ...     with event.trigger_event("numba:compile"):
    ...         pass
    >>> [(p.iteration, p.gap, p.stage) for p in heard]
    [(0, nan, 'compiling kernels (first run only)')]
    """
    if progress is None:
        return compile_notice(None)

    def notice(stage: str) -> None:
        progress(EquilibriumProgress(0, math.nan, time.perf_counter() - start, stage))

    return compile_notice(notice)


class _Costs:
    """VDF time, generalised cost, derivative and Beckmann objective of arc flows."""

    def __init__(self, p: AssignmentProblem, options: EquilibriumOptions) -> None:
        self.t0 = p.t0
        ok = np.isfinite(p.capacity) & (p.capacity > 0)
        # Fold "no delay" (no capacity, no alpha) into alpha = 0 with a dummy capacity of 1,
        # so that the kernels need no guard.
        self.alpha = np.where(ok, p.alpha, 0.0)
        self.beta = np.where(ok, p.beta, 0.0)
        self.cap = np.where(ok, p.capacity, 1.0)
        self.fixed = options.toll_factor * p.toll + options.distance_factor * p.length
        self.search: Callable[..., float] = line_search_reference
        if not is_small(p):
            from corridor._kernels.ue import line_search_kernel

            self.search = line_search_kernel
        if not (np.all(np.isfinite(self.t0)) and self.t0.min(initial=0.0) >= 0):
            msg = "free-flow times must be finite and non-negative"
            raise InputError(msg)

    def time(self, v: np.ndarray) -> np.ndarray:
        return bpr(v, self.t0, self.alpha, self.beta, self.cap)

    def cost(self, v: np.ndarray) -> np.ndarray:
        return self.time(v) + self.fixed

    def derivative(self, v: np.ndarray) -> np.ndarray:
        return bpr_derivative(v, self.t0, self.alpha, self.beta, self.cap)

    def update(self, idx: np.ndarray, v: np.ndarray, cost: np.ndarray, der: np.ndarray) -> None:
        """Refresh ``cost`` and ``der`` on arcs ``idx`` from flows ``v``."""
        t0, a, b, cap, x = self.t0[idx], self.alpha[idx], self.beta[idx], self.cap[idx], v[idx]
        cost[idx] = bpr(x, t0, a, b, cap) + self.fixed[idx]
        der[idx] = bpr_derivative(x, t0, a, b, cap)

    def beckmann(self, v: np.ndarray) -> float:
        return float(np.sum(bpr_integral(v, self.t0, self.alpha, self.beta, self.cap)) + self.fixed @ v)

    def step(self, x: np.ndarray, d: np.ndarray) -> float:
        return float(self.search(x, d, self.t0, self.alpha, self.beta, self.cap, self.fixed, _LINE_TOL))


class FrankWolfeDirections:
    """The target point of each iteration for the FW family; keeps the conjugate state.

    Shared by :func:`equilibrium` and :func:`corridor.assignment.freight_eq.freight_equilibrium`:
    :meth:`target` gives the next target point, :meth:`accept` records the step taken towards it
    and :meth:`reset` starts a plain Frank-Wolfe step.

    Parameters
    ----------
    method
        ``msa``, ``fw``, ``cfw`` or ``bfw``.

    Examples
    --------
    The first target is the all-or-nothing flow itself; a step strictly inside (0, 1) lets the next
    one be conjugate to it:

    >>> x, y = np.array([20.0, 0.0]), np.array([0.0, 20.0])
    >>> def inner(u, v):
    ...     return float(u @ v)  # Hessian inner product of costs with unit derivatives
    >>> d = FrankWolfeDirections("cfw")
    >>> s = d.target(x, y, inner)
    >>> s.tolist(), d.state
    ([0.0, 20.0], 'cfw')
    >>> d.accept(s, 0.5)
    >>> d.target(np.array([10.0, 10.0]), np.array([20.0, 0.0]), inner).round(6).tolist()
    [10.0, 10.0]
    """

    def __init__(self, method: str) -> None:
        self.method = method
        self.prev: np.ndarray | None = None  # s_{k-1}
        self.prev2: np.ndarray | None = None  # s_{k-2}
        self.state = "fw"  # the kind of the next direction: fw, cfw, bfw
        self.tau = 0.0  # last step

    def reset(self) -> None:
        """Make the next direction a plain Frank-Wolfe one."""
        self.state = "fw"

    def target(self, x: np.ndarray, y: np.ndarray, inner: Callable[[np.ndarray, np.ndarray], float]) -> np.ndarray:
        """The next target point from the all-or-nothing flows ``y``.

        ``inner(u, v)`` is the Hessian inner product ``uᵀ H(x) v`` of the objective at ``x``
        (``Σ u c'(x) v`` for separable costs).
        """
        if self.method == "fw" or self.state == "fw" or self.prev is None:
            s = y
            self.state = "cfw" if self.method in ("cfw", "bfw") else "fw"
        elif self.state == "cfw" or self.method == "cfw" or self.prev2 is None:
            sx, yx = self.prev - x, y - x
            den = inner(sx, y - self.prev)
            alpha = inner(sx, yx) / den if den != 0.0 else 0.0
            alpha = min(max(alpha, 0.0), 1.0 - 1e-5)
            s = alpha * self.prev + (1.0 - alpha) * y
            self.state = "bfw" if self.method == "bfw" else "cfw"
        else:
            tau = self.tau
            xx = tau * self.prev + (1.0 - tau) * self.prev2 - x
            yy = y - x
            zz = self.prev - x
            ww = self.prev2 - self.prev
            mu_den = inner(xx, ww)
            mu = max(0.0, -inner(xx, yy) / mu_den) if mu_den != 0.0 else 0.0
            nu_den = inner(zz, zz)
            nu = max(0.0, -inner(zz, yy) / nu_den + mu * tau / (1.0 - tau)) if nu_den != 0.0 else 0.0
            b0 = 1.0 / (1.0 + mu + nu)
            s = b0 * y + nu * b0 * self.prev + mu * b0 * self.prev2
        return s

    def grow(self, n: int) -> None:
        """Append zeros to the kept targets up to ``n`` columns (a flow space that gained routes)."""
        for name in ("prev", "prev2"):
            v = getattr(self, name)
            if v is not None and len(v) < n:
                setattr(self, name, np.concatenate([v, np.zeros(n - len(v))]))

    def accept(self, s: np.ndarray, tau: float) -> None:
        """Record the target ``s`` and the step ``tau`` taken towards it."""
        self.prev2, self.prev, self.tau = self.prev, s, tau
        if not 0.0 < tau < 1.0:
            self.state = "fw"  # a full (or null) step: the conjugate sequence starts anew


class _PathSets:
    """Gradient projection state: per OD pair, its paths (arc index arrays) and their flows."""

    def __init__(self, p: AssignmentProblem) -> None:
        self.p = p
        self.paths: list[list[np.ndarray]] = [[] for _ in range(len(p.dnode))]
        self.flows: list[list[float]] = [[] for _ in range(len(p.dnode))]

    def sweep(self, x: np.ndarray, vdf: _Costs) -> None:
        """One pass over all origins, shifting flow to shortest paths; updates ``x`` in place."""
        from corridor._kernels.assign import tree_kernel

        p, cn = self.p, self.p.compiled
        for k, s in enumerate(p.origins):
            lo, hi = int(p.dptr[k]), int(p.dptr[k + 1])
            c = vdf.cost(x)
            der = vdf.derivative(x)
            _, pred = tree_kernel(cn.indptr, cn.head, cn.tail, c, p.nothru, int(s), p.dnode[lo:hi], p.dflow[lo:hi])
            for j in range(lo, hi):
                arcs = []
                v = int(p.dnode[j])
                while v != s:
                    a = int(pred[v])
                    arcs.append(a)
                    v = int(cn.tail[a])
                best = np.array(arcs[::-1], dtype=np.int64)
                paths, flows = self.paths[j], self.flows[j]
                if not paths:
                    paths.append(best)
                    flows.append(float(p.dflow[j]))
                    x[best] += p.dflow[j]
                    vdf.update(best, x, c, der)
                    continue
                ib = next((i for i, q in enumerate(paths) if len(q) == len(best) and np.array_equal(q, best)), -1)
                if ib < 0:
                    paths.append(best)
                    flows.append(0.0)
                    ib = len(paths) - 1
                cb = float(c[best].sum())
                on_best = np.zeros(len(c), dtype=bool)
                on_best[best] = True
                for i, q in enumerate(paths):
                    if i == ib or flows[i] <= 0.0:
                        continue
                    dc = float(c[q].sum()) - cb
                    if dc <= 0.0:
                        continue
                    on_q = np.zeros(len(c), dtype=bool)
                    on_q[q] = True
                    h = float(der[on_q ^ on_best].sum())
                    dv = flows[i] if h <= 0.0 else min(flows[i], dc / h)
                    flows[i] -= dv
                    flows[ib] += dv
                    x[q] -= dv
                    x[best] += dv
                    both = np.flatnonzero(on_q | on_best)
                    vdf.update(both, x, c, der)
                    cb = float(c[best].sum())
                keep = [i for i, f in enumerate(flows) if f > 0.0 or i == ib]
                if len(keep) < len(paths):
                    self.paths[j] = [paths[i] for i in keep]
                    self.flows[j] = [flows[i] for i in keep]
            np.maximum(x, 0.0, out=x)


def diagonal_inner(derivative: Callable[[np.ndarray], np.ndarray],
                   x: np.ndarray) -> Callable[[np.ndarray, np.ndarray], float]:
    """The inner product ``Σ u c'(x) v`` of a separable cost, evaluating ``c'(x)`` once, when first needed."""
    cache: list[np.ndarray] = []

    def inner(u: np.ndarray, v: np.ndarray) -> float:
        if not cache:
            cache.append(derivative(x))
        return float(np.sum(u * cache[0] * v))

    return inner


def _to_links(p: AssignmentProblem, arc_values: np.ndarray, fill: float) -> tuple[np.ndarray, np.ndarray]:
    cn = p.compiled
    n = len(cn.network.links)
    fwd = np.full(n, fill)
    rev = np.full(n, fill)
    f = ~cn.arc_reverse
    fwd[cn.arc_link[f]] = arc_values[f]
    rev[cn.arc_link[~f]] = arc_values[~f]
    return fwd, rev


def _bush_threshold(p: AssignmentProblem, opts: EquilibriumOptions, gap: float, sptt: float) -> float:
    """Algorithm B leaves a node's paths alone when they differ by less than this (a share of the mean OD cost)."""
    mean_cost = sptt / p.total_demand if p.total_demand > 0 else 0.0
    return mean_cost * max(_B_TARGET_SHARE * opts.gap, _B_GAP_SHARE * gap)


def _advance(method: str, it: int, x: np.ndarray, y: np.ndarray, dirs: FrankWolfeDirections, vdf: _Costs,
             gp: _PathSets | Callable[[], None] | None) -> float:
    """Move the flows ``x`` (in place) one iteration from the all-or-nothing flows ``y``; return the step.

    ``gp`` is the gradient projection state, or for Algorithm B a call that sweeps the bushes (and
    so updates ``x``, their sum).
    """
    if isinstance(gp, _PathSets):
        gp.sweep(x, vdf)
        return np.nan
    if gp is not None:
        gp()
        return np.nan
    if method == "msa":
        step = 1.0 / (it + 1)
        x += step * (y - x)
        return step
    inner = diagonal_inner(vdf.derivative, x)
    s = dirs.target(x, y, inner)
    step = vdf.step(x, s)
    if step <= 0.0 and s is not y:  # not a descent direction: fall back to FW
        dirs.reset()
        s = dirs.target(x, y, inner)
        step = vdf.step(x, s)
    dirs.accept(s, step)
    x += step * (s - x)
    np.maximum(x, 0.0, out=x)
    return step


def _iterate(p: AssignmentProblem, vdf: _Costs, opts: EquilibriumOptions,
             progress: Callable[[EquilibriumProgress], None] | None,
             start: float) -> tuple[np.ndarray, list[IterationRecord], bool]:
    """Load, then iterate until the gap is reached or a limit stops it: ``(flows, history, converged)``."""
    now = {"gap": math.inf, "sptt": 0.0}
    gp: _PathSets | Callable[[], None] | None = None
    if opts.method == "b":
        from corridor.assignment._bush import Bushes

        bush = Bushes(p, vdf.t0, vdf.alpha, vdf.beta, vdf.cap, vdf.fixed)
        x = bush.x  # updated in place by every sweep

        def sweep_bushes() -> None:
            bush.sweep(_bush_threshold(p, opts, now["gap"], now["sptt"]))

        def shortest(c: np.ndarray) -> tuple[np.ndarray, float]:  # Algorithm B needs no all-or-nothing flows
            return x, bush.shortest_path_total(c)

        gp = sweep_bushes
        load = shortest
    elif opts.method == "gp":
        gp = _PathSets(p)
        x = np.zeros(p.compiled.n_arcs)
        all_or_nothing(p, vdf.cost(x))  # checks that every OD pair has a path
        gp.sweep(x, vdf)
    else:
        x, _ = all_or_nothing(p, vdf.cost(np.zeros(p.compiled.n_arcs)))
    if opts.method != "b":
        def load(c: np.ndarray) -> tuple[np.ndarray, float]:
            return all_or_nothing(p, c)
    dirs = FrankWolfeDirections(opts.method)
    history: list[IterationRecord] = []
    it = 0
    while True:
        it += 1
        c = vdf.cost(x)
        y, sptt = load(c)
        tstt = float(x @ c)
        gap = (tstt - sptt) / tstt if tstt > 0 else 0.0
        now["gap"], now["sptt"] = gap, sptt
        elapsed = time.perf_counter() - start
        converged = gap <= opts.gap
        stop = converged or it >= opts.max_iter or (
            opts.time_limit_s is not None and elapsed >= opts.time_limit_s)
        step = np.nan if stop else _advance(opts.method, it, x, y, dirs, vdf, gp)
        history.append(IterationRecord(it, float(gap), tstt, float(step), elapsed))
        _log.debug("iteration %d: gap %.3e, tstt %.9g, step %.4g", it, gap, tstt, step)
        if progress is not None:
            progress(EquilibriumProgress(it, float(gap), elapsed))
        if stop:
            return x, history, bool(converged)


def equilibrium(network: Network, demand: Demand, options: EquilibriumOptions | None = None, *,
                progress: Callable[[EquilibriumProgress], None] | None = None) -> EquilibriumResult:
    """Assign ``demand`` to ``network`` at user equilibrium.

    Parameters
    ----------
    network
        Links with ``vdf_alpha``, ``vdf_beta``, ``vdf_capacity`` (missing: no congestion) and a
        free-flow time; nodes with ``thru=False`` are entered or left only at path ends.
    demand
        OD flows (``tonnes`` is read as the flow, in the capacity's unit); intrazonal flows are ignored.
    options
        :class:`EquilibriumOptions`; defaults to BFW to a relative gap of 1e-4.
    progress
        Called after each iteration with an :class:`EquilibriumProgress`, and before a kernel
        compiles (the first run on a machine) with its ``stage`` saying so.

    Returns
    -------
    EquilibriumResult
        Flows and times per link, gap, history; ``converged`` is False (and a
        :class:`ConvergenceWarning` is emitted) if the gap was not reached.

    Raises
    ------
    InputError
        For an unknown demand node, an OD pair without a path, or bad options.

    See Also
    --------
    corridor.assignment.aon.all_or_nothing : one loading at fixed costs.

    Examples
    --------
    >>> from corridor.model import Demand, DemandRow, Link, Network, Node
    >>> nodes = [Node(i, i, "", "junction", 0.0, 0.0) for i in "ab"]
    >>> links = [Link("fast", "a", "b", "road", time_h=1.0, oneway=True, vdf_alpha=1.0, vdf_beta=1.0,
    ...               vdf_capacity=10.0),
    ...          Link("slow", "a", "b", "road", time_h=2.0, oneway=True)]
    >>> res = equilibrium(Network("two", nodes, links), Demand([DemandRow("d", "a", "b", "trips", 0, 20.0)]),
    ...                   EquilibriumOptions(method="fw", gap=1e-9))
    >>> [round(float(f), 6) for f in res.flows]
    [10.0, 10.0]
    """
    opts = options or EquilibriumOptions()
    start = time.perf_counter()
    p = AssignmentProblem.build(network, demand)
    vdf = _Costs(p, opts)
    _log.info("equilibrium %s: %d nodes, %d arcs, %d origins, %d OD pairs, demand %.6g",
              opts.method, p.compiled.n_nodes, p.compiled.n_arcs, len(p.origins), len(p.dnode), p.total_demand)
    if opts.method == "gp" or (opts.method != "b" and len(p.origins) * p.compiled.n_arcs >= PARALLEL_WORK):
        importlib.import_module("corridor._kernels.assign")  # numba, imported before the block: it hears compiles
    with kernel_notice(progress, start):
        x, history, converged = _iterate(p, vdf, opts, progress, start)
    last = history[-1]
    gap, it = last.gap, last.iteration
    times = vdf.time(x)
    seconds = time.perf_counter() - start
    if not converged:
        msg = (f"equilibrium ({opts.method}) stopped after {it} iterations at relative gap {gap:.3g}, "
               f"target {opts.gap:.3g}")
        warnings.warn(msg, ConvergenceWarning, stacklevel=2)
    _log.info("equilibrium %s: gap %.3e after %d iterations, %.3f s", opts.method, gap, it, seconds)
    flows, rflows = _to_links(p, x, 0.0)
    costs, rcosts = _to_links(p, times, np.nan)
    return EquilibriumResult(
        method=opts.method, network=network, flows=flows, costs=costs, reverse_flows=rflows,
        reverse_costs=rcosts, gap=float(gap), iterations=it, converged=bool(converged),
        total_travel_time=float(x @ times), beckmann=vdf.beckmann(x), history=tuple(history), seconds=seconds)
