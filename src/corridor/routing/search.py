"""Route searches over a :class:`~corridor.routing.space.SearchSpace`.

- :func:`best_path`: the cheapest simple path by one weighting of the four criteria. Dijkstra over
  arc states first; if its path visits a node twice (rare: it happens when a detour avoids a
  transfer), an exact label search over simple paths decides.
- :func:`pareto_paths`: every simple path that no other beats on all chosen criteria, by a
  multi-criteria label search with decremental state-space relaxation
  (:mod:`corridor.routing._labels`): it tracks the visits of only the nodes that a route found
  passes twice, which keeps it exact over simple paths; optionally an ε-Pareto set, and a label
  and time budget that say when they stop it.
- :func:`k_shortest_paths`: Yen's algorithm on the arc states (loopless paths in cost order).

States are ``(arc, via_done, transfers)``: the last arc taken, how many via nodes have been
passed, and how many mode changes the path has made.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from corridor._kernels.arcwalk import arc_walk
from corridor.routing._labels import label_search
from corridor.routing._problem import _as_vector, _is_simple, _path_vector, _Problem, _Start
from corridor.routing.space import SearchSpace

__all__ = ["SPUR_LABELS", "Path", "SearchResult", "best_path", "k_shortest", "k_shortest_paths", "pareto_paths"]


@dataclass(frozen=True)
class Path:
    """A route as arc indices, with its (cost, time, co2, risk) totals.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.routing import RouteOptions, SearchSpace
    >>> space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    >>> path = best_path(space, "dostyk", "poti", [1, 0, 0, 0])
    >>> [round(x) for x in path.vector]  # USD, hours, kg CO2e, risk per TEU
    [945, 1026, 6841, 0]
    >>> space.compiled.node_ids[space.compiled.head[path.arcs[-1]]]
    'poti'
    """

    arcs: tuple[int, ...]
    vector: tuple[float, float, float, float]


@dataclass(frozen=True)
class SearchResult:
    """Paths found and whether the search was complete (it stops at its label cap).

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.routing import RouteOptions, SearchSpace
    >>> space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    >>> res = pareto_paths(space, "dostyk", "poti", criteria=(0, 1))
    >>> res.complete, len(res.paths), res.message
    (True, 6, '')
    """

    paths: list[Path]
    complete: bool = True
    labels: int = 0
    message: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def _label_search(
    prob: _Problem, project: np.ndarray, start: _Start, banned_arcs: frozenset[int],
    banned_nodes: frozenset[int], max_labels: int, *, epsilon: float = 0.0, max_seconds: float | None = None,
) -> SearchResult:
    """Multi-criteria search over simple paths (see :mod:`corridor.routing._labels`)."""
    deadline = None if max_seconds is None else time.perf_counter() + max_seconds
    out = label_search(prob, project, start, banned_arcs, banned_nodes, max_labels, epsilon=epsilon,
                       deadline=deadline)
    paths = [Path(arcs, _path_vector(prob, arcs)) for _, arcs in out.found]
    if out.stop == "labels":
        msg = f"stopped after {max_labels:,} labels: the set may be incomplete"
    elif out.stop == "time":
        msg = f"stopped after {max_seconds:g} s: the set may be incomplete"
    else:
        msg = ""
    return SearchResult(paths, out.complete, out.labels, msg,
                        {"rounds": out.rounds, "critical_nodes": out.critical, "epsilon": epsilon, "stop": out.stop})


_State = tuple[int, int, int]


class _Frontier:
    """Dijkstra's queue over arc states, with the best cost and the parent of each."""

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, _State]] = []
        self.best: dict[_State, float] = {}
        self.parent: dict[_State, tuple[_State | None, np.ndarray]] = {}
        self.counter = itertools.count()

    def offer(self, state: _State, g: float, parent: _State | None, vec: np.ndarray) -> None:
        """Queue ``state`` at cost ``g`` if that is cheaper than before."""
        if g < self.best.get(state, np.inf):
            self.best[state], self.parent[state] = g, (parent, vec)
            heapq.heappush(self.heap, (g, next(self.counter), state))

    def pop(self) -> tuple[float, _State] | None:
        """The cheapest queued state (skipping stale entries), or ``None``."""
        while self.heap:
            g, _, state = heapq.heappop(self.heap)
            if g <= self.best.get(state, np.inf):
                return g, state
        return None


def _cheapest_walk(prob: _Problem, w: np.ndarray, start: _Start, banned_arcs: frozenset[int],
                   banned_nodes: frozenset[int]) -> tuple[tuple[float, _State, np.ndarray] | None, _Frontier]:
    """The cheapest end ``(cost, state, end vector)`` by ``w @ vector``, and the search tree."""
    c = prob.space.compiled
    front = _Frontier()
    for vec, a, k, m, _, _ in prob.initial(start, banned_arcs, banned_nodes):
        front.offer((a, k, m), float(w @ vec), None, vec)
    goal: tuple[float, _State, np.ndarray] | None = None
    while (item := front.pop()) is not None:
        g, st = item
        if goal is not None and g >= goal[0]:
            break
        arc, k, m = st
        end = prob.finish(arc, k)
        if end is not None:
            total = g + float(w @ end)
            if goal is None or total < goal[0]:
                goal = (total, st, end)
            continue
        if int(c.head[arc]) == prob.dest:
            continue
        for f, fvec, k2, m2, _ in prob.steps(arc, k, m, banned_arcs, banned_nodes):
            front.offer((f, k2, m2), g + float(w @ fvec), st, fvec)
    return goal, front


def _compiled_walk(
    prob: _Problem, w: np.ndarray, start: _Start, banned_arcs: frozenset[int], banned_nodes: frozenset[int],
) -> Path | None:
    """:func:`_cheapest_walk` by the compiled kernel (:mod:`corridor._kernels.arcwalk`), no via or transfer limit.

    The search then has one state per arc, so the space's transitions in CSR form and one mask of
    blocked arcs are all it needs; the path and its vector are read back from the search tree in
    the same order as :func:`_dijkstra` sums them.
    """
    s = prob.space
    tr = s.transitions
    assert tr is not None
    first: dict[int, np.ndarray] = {}
    for vec, a in _first_steps(prob, start, banned_arcs, banned_nodes):
        if a not in first or float(w @ vec) < float(w @ first[a]):
            first[a] = vec
    if not first:
        return None
    ends = prob.end_vectors()
    end_cost = prob.end_costs(w)
    blocked = ~s.allowed
    if banned_arcs:
        blocked[list(banned_arcs)] = True
    if banned_nodes:
        bad = np.zeros(s.compiled.n_nodes, dtype=bool)
        bad[list(banned_nodes)] = True
        blocked |= bad[s.compiled.head]
    starts = np.fromiter(first, dtype=np.int64, count=len(first))
    start_cost = np.array([float(w @ v) for v in first.values()])
    goal, _, pred = arc_walk(tr.ptr, tr.to, tr.vectors, w, starts, start_cost, end_cost, blocked, prob.expand())
    if goal < 0:
        return None
    arcs = [int(goal)]
    vec = ends[int(goal)].copy()
    t = int(pred[goal])
    while t >= 0:
        vec += tr.vectors[t]
        arcs.append(int(tr.tail[t]))
        t = int(pred[arcs[-1]])
    vec += first[arcs[-1]]
    arcs.reverse()
    return Path((*start.arcs, *arcs), _as_vector(vec))


def _first_steps(prob: _Problem, start: _Start, banned_arcs: frozenset[int],
                 banned_nodes: frozenset[int]) -> Iterator[tuple[np.ndarray, int]]:
    """:meth:`_Problem.initial` where states are arcs alone (no via, no transfer limit): (vector, arc).

    After a root, the next arc may not lead back to a node of the root; nothing else of the root
    matters, so it is not replayed.
    """
    if not start.arcs:
        for vec, a, *_ in prob.initial(start, banned_arcs, banned_nodes):
            yield vec, a
        return
    s, head = prob.space, prob.space.compiled.head
    root_nodes = {prob.origin, *(int(head[a]) for a in start.arcs)}
    for f, vec in s.succ[start.arcs[-1]]:
        h = int(head[f])
        if f not in banned_arcs and h not in banned_nodes and h not in root_nodes:
            yield start.vector + vec, f


def _dijkstra(
    prob: _Problem, w: np.ndarray, start: _Start, banned_arcs: frozenset[int], banned_nodes: frozenset[int],
) -> Path | None:
    """Cheapest walk over arc states by ``w @ vector`` (may repeat nodes; the caller checks)."""
    if not prob.via and prob.max_m is None and prob.space.transitions is not None:
        return _compiled_walk(prob, w, start, banned_arcs, banned_nodes)
    goal, front = _cheapest_walk(prob, w, start, banned_arcs, banned_nodes)
    if goal is None:
        return None
    _, st, end = goal
    arcs: list[int] = []
    vec = end.copy()
    node: _State | None = st
    while node is not None:
        arcs.append(node[0])
        prev, step = front.parent[node]
        vec += step
        node = prev
    arcs.reverse()  # the first step's vector already includes the root's (see _Problem.initial)
    return Path((*start.arcs, *arcs), _as_vector(vec))


def _best(prob: _Problem, w: np.ndarray, start: _Start, banned_arcs: frozenset[int],
          banned_nodes: frozenset[int], max_labels: int, stopped: list[int] | None = None) -> Path | None:
    """The cheapest simple path; ``stopped`` collects the label counts of exact searches that hit ``max_labels``."""
    walk = _dijkstra(prob, w, start, banned_arcs, banned_nodes)
    if walk is None or _is_simple(prob.space, prob.origin, walk.arcs):
        return walk
    res = _label_search(prob, w[None, :], start, banned_arcs, banned_nodes, max_labels)
    if not res.complete and stopped is not None:
        stopped.append(res.labels)
    return res.paths[0] if res.paths else None


def best_path(space: SearchSpace, origin: str, dest: str, weights: Sequence[float] | np.ndarray, *,
              max_labels: int = 200_000) -> Path | None:
    """The simple path with the least ``weights @ (cost, time, co2, risk)``, or ``None``.

    Examples
    --------
    The cheapest and the fastest path from Dostyk to Poti for a container:

    >>> from corridor import data
    >>> from corridor.routing import RouteOptions, SearchSpace
    >>> space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    >>> [round(x) for x in best_path(space, "dostyk", "poti", [1, 0, 0, 0]).vector[:2]]
    [945, 1026]
    >>> [round(x) for x in best_path(space, "dostyk", "poti", [0, 1, 0, 0]).vector[:2]]
    [2003, 290]
    """
    prob = _Problem(space, origin, dest)
    return _best(prob, np.asarray(weights, dtype=float), _Start(), frozenset(), frozenset(), max_labels)


def pareto_paths(space: SearchSpace, origin: str, dest: str, criteria: Sequence[int] = (0, 1, 2, 3), *,
                 max_labels: int = 200_000, epsilon: float = 0.0, max_seconds: float | None = None) -> SearchResult:
    """Every simple path not dominated on the chosen criteria (indices into cost, time, co2, risk).

    The search is exact by default (decremental state-space relaxation: see
    :mod:`corridor.routing._labels`). Two options trade exactness for time, and say so:

    Parameters
    ----------
    space
        The search space.
    origin, dest
        Node ids.
    criteria
        Indices into (cost, time, co2, risk).
    max_labels
        Most labels over the whole search; past it the routes found so far are returned with
        ``complete`` false and a message saying the set may be incomplete.
    epsilon
        ``0`` (default): the exact Pareto set. ``epsilon > 0``: an ε-Pareto set: every Pareto route
        is within a factor ``1 + epsilon`` on every chosen criterion of a route returned (the routes
        returned are simple paths, not necessarily Pareto-optimal among themselves only up to that
        factor). ``complete`` stays true: the guarantee holds.
    max_seconds
        Time budget (``None``: none); past it the routes found so far are returned with
        ``complete`` false and a message saying so.

    Returns
    -------
    SearchResult
        The routes, in order of their criteria; ``extra`` holds the relaxation's ``rounds`` and
        ``critical_nodes`` and the ``epsilon`` used.

    Raises
    ------
    ValueError
        A negative ``epsilon`` or ``max_seconds``.

    Examples
    --------
    The cost–time trade-off from Dostyk to Poti (USD and hours per TEU):

    >>> from corridor import data
    >>> from corridor.routing import RouteOptions, SearchSpace
    >>> space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    >>> res = pareto_paths(space, "dostyk", "poti", criteria=(0, 1))
    >>> sorted((round(p.vector[0]), round(p.vector[1])) for p in res.paths)
    [(945, 1026), (1094, 917), (1200, 422), (1520, 374), (1731, 322), (2003, 290)]

    Within 10 % on both criteria, fewer routes cover the same trade-off:

    >>> coarse = pareto_paths(space, "dostyk", "poti", criteria=(0, 1), epsilon=0.1)
    >>> len(coarse.paths) < len(res.paths), coarse.complete
    (True, True)
    """
    if not epsilon >= 0.0:
        msg = f"epsilon must be a non-negative number, not {epsilon!r}"
        raise ValueError(msg)
    if max_seconds is not None and not max_seconds >= 0.0:
        msg = f"max_seconds must be a non-negative number or None, not {max_seconds!r}"
        raise ValueError(msg)
    prob = _Problem(space, origin, dest)
    project = np.eye(4)[list(criteria)]
    return _label_search(prob, project, _Start(), frozenset(), frozenset(), max_labels, epsilon=epsilon,
                         max_seconds=max_seconds)


def k_shortest_paths(space: SearchSpace, origin: str, dest: str, weights: Sequence[float] | np.ndarray, k: int, *,
                     max_overlap: float = 1.0, max_candidates: int | None = None,
                     max_labels: int = 200_000) -> list[Path]:
    """Up to ``k`` loopless paths in order of ``weights @ vector`` (Yen's algorithm); see :func:`k_shortest`.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.routing import RouteOptions, SearchSpace
    >>> space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    >>> [round(p.vector[1]) for p in k_shortest_paths(space, "dostyk", "poti", [0, 1, 0, 0], 3)]
    [290, 291, 301]
    """
    return k_shortest(space, origin, dest, weights, k, max_overlap=max_overlap, max_candidates=max_candidates,
                      max_labels=max_labels).paths


SPUR_LABELS = 2_000
"""Most labels of the exact search behind one deviation of :func:`k_shortest` (see there)."""


def k_shortest(space: SearchSpace, origin: str, dest: str, weights: Sequence[float] | np.ndarray, k: int, *,
               max_overlap: float = 1.0, max_candidates: int | None = None,
               max_labels: int = 200_000) -> SearchResult:
    """Up to ``k`` loopless paths in order of ``weights @ vector`` (Yen's algorithm), and whether the search was exact.

    A path whose shared length with an accepted one exceeds ``max_overlap`` of its own length is
    skipped, so that alternatives differ meaningfully (``1.0`` keeps every path).

    Each deviation is a Dijkstra search; only where its cheapest walk passes a node twice does an
    exact search over simple paths decide (the relaxation of :mod:`corridor.routing._labels`: it
    tracks the nodes passed twice, which usually settles a detour that only a second visit could
    close in a few rounds, but may in the worst case try every simple path). It stops after
    ``min(max_labels, SPUR_LABELS)`` labels: the result then says it is incomplete (an alternative
    may be missing), instead of taking seconds.

    Examples
    --------
    The three fastest paths from Dostyk to Poti (hours per TEU), and whether the search was exact:

    >>> from corridor import data
    >>> from corridor.routing import RouteOptions, SearchSpace
    >>> space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    >>> res = k_shortest(space, "dostyk", "poti", [0, 1, 0, 0], 3)
    >>> [round(p.vector[1]) for p in res.paths], res.complete
    ([290, 291, 301], True)
    """
    prob = _Problem(space, origin, dest)
    w = np.asarray(weights, dtype=float)
    c = space.compiled
    stopped: list[int] = []
    first = _best(prob, w, _Start(), frozenset(), frozenset(), max_labels, stopped)
    if first is None:
        return SearchResult([], not stopped, sum(stopped), _stopped_message(stopped, max_labels))
    spur_labels = min(max_labels, SPUR_LABELS)
    generated = [first]
    accepted = [first]
    # Each candidate remembers where it left the path it was spurred from (Lawler's refinement of
    # Yen's algorithm): a path's spurs before that point were searched with its parent, and the
    # next deviation there is found when the path that deviates there is generated.
    candidates: list[tuple[float, tuple[int, ...], Path, int]] = []
    deviation = 0
    seen = {first.arcs}
    limit = max_candidates or 20 * k
    while len(accepted) < k and len(generated) < limit:
        last = generated[-1]
        spent = _root_vectors(prob, last.arcs)
        for j in range(deviation, len(last.arcs)):
            root = last.arcs[:j]
            banned_arcs = {p.arcs[j] for p in generated if p.arcs[:j] == root and len(p.arcs) > j}
            root_nodes = {prob.origin, *(int(c.head[a]) for a in root)}
            spur_node = int(c.head[root[-1]]) if root else prob.origin
            banned_nodes = frozenset(root_nodes - {spur_node})
            spur = _best(prob, w, _Start(root, spent[j]), frozenset(banned_arcs), banned_nodes, spur_labels,
                         stopped)
            if spur is not None and spur.arcs not in seen:
                seen.add(spur.arcs)
                heapq.heappush(candidates, (float(w @ np.asarray(spur.vector)), spur.arcs, spur, j))
        if not candidates:
            break
        _, _, nxt, deviation = heapq.heappop(candidates)
        generated.append(nxt)
        if all(_overlap(space, nxt, p) <= max_overlap for p in accepted):
            accepted.append(nxt)
    return SearchResult(accepted, not stopped, sum(stopped), _stopped_message(stopped, spur_labels))


def _stopped_message(stopped: list[int], cap: int) -> str:
    if not stopped:
        return ""
    return f"{len(stopped)} search(es) for a detour stopped at {cap:,} labels: an alternative may be missing"


def _root_vectors(prob: _Problem, arcs: tuple[int, ...]) -> list[np.ndarray]:
    """Vector spent along each prefix ``arcs[:j]`` (origin transfers included), for j = 0 .. len(arcs) - 1."""
    s = prob.space
    out = [np.zeros(4)]
    if len(arcs) > 1:
        vec = dict(s.starts(prob.origin))[arcs[0]].copy()
        out.append(vec.copy())
        for e, f in itertools.pairwise(arcs[:-1]):
            vec += dict(s.succ[e])[f]
            out.append(vec.copy())
    return out


def _overlap(space: SearchSpace, a: Path, b: Path) -> float:
    """Share of ``a``'s length on links that ``b`` also uses."""
    links_b = {int(space.compiled.arc_link[x]) for x in b.arcs}
    d = space.compiled.distance_km
    total = sum(d[x] for x in a.arcs)
    shared = sum(d[x] for x in a.arcs if int(space.compiled.arc_link[x]) in links_b)
    return shared / total if total > 0 else 1.0
