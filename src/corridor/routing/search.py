"""Route searches over a :class:`~corridor.routing.space.SearchSpace`.

- :func:`best_path`: the cheapest simple path by one weighting of the four criteria. Dijkstra over
  arc states first; if its path visits a node twice (rare: it happens when a detour avoids a
  transfer), an exact label search over simple paths decides.
- :func:`pareto_paths`: every simple path that no other beats on all chosen criteria, by
  multi-criteria label correcting. A label dominates another at the same state only if its
  visited nodes are a subset of the other's, which keeps the search exact over simple paths.
- :func:`k_shortest_paths`: Yen's algorithm on the arc states (loopless paths in cost order).

States are ``(arc, via_done, transfers)``: the last arc taken, how many via nodes have been
passed, and how many mode changes the path has made.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from corridor._kernels.arcwalk import arc_walk
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


@dataclass
class _Start:
    """Where a (spur) search begins: after ``arcs`` with ``vector`` spent."""

    arcs: tuple[int, ...] = ()
    vector: np.ndarray = field(default_factory=lambda: np.zeros(4))


class _Problem:
    """Origin, destination, via and transfer limits resolved to indices."""

    def __init__(self, space: SearchSpace, origin: str, dest: str) -> None:
        c = space.compiled
        self.space = space
        self.origin = c.node_index[origin]
        self.dest = c.node_index[dest]
        self.via = [c.node_index[v] for v in space.constraints.via]
        self.max_m = space.constraints.max_transfers
        self._ends: dict[int, np.ndarray] | None = None
        self._expand: np.ndarray | None = None
        self._end_costs: tuple[bytes, np.ndarray] | None = None

    def can_finish(self, node: int, k: int, visited: int) -> bool:
        """Whether the via nodes still due and the destination are reachable without visited nodes.

        A necessary condition for a simple path from ``node``: cheap, and it never prunes a route.
        """
        adj, bit = self.space.adjacency, self.space.node_bit
        targets = [*self.via[k:], self.dest]
        seen = visited
        stack = [node]
        while stack:
            u = stack.pop()
            for v in adj[u]:
                if not seen & bit[v]:
                    seen |= bit[v]
                    stack.append(v)
        return all(seen & bit[t] for t in targets if t != node)

    def advance(self, k: int, node: int) -> int:
        return k + 1 if k < len(self.via) and self.via[k] == node else k

    def initial(self, start: _Start, banned_arcs: frozenset[int], banned_nodes: frozenset[int]) -> Iterator[
            tuple[np.ndarray, int, int, int, int, tuple[int, ...]]]:
        """Yield (vector, arc, k, m, visited, arcs-so-far) for the first step of a search."""
        s, c = self.space, self.space.compiled
        if not start.arcs:
            k0 = self.advance(0, self.origin)
            visited0 = s.node_bit[self.origin]
            for a, vec in s.starts(self.origin):
                head = int(c.head[a])
                if a in banned_arcs or head in banned_nodes:
                    continue
                yield vec, a, self.advance(k0, head), 0, visited0 | s.node_bit[head], (a,)
            return
        # Replay the root to recover its state, then extend it by one arc.
        k, m, visited = self.advance(0, self.origin), 0, s.node_bit[self.origin]
        prev = None
        for a in start.arcs:
            head = int(c.head[a])
            if prev is not None and s.modes[prev] != s.modes[a] and self.max_m is not None:
                m += 1
            k, visited, prev = self.advance(k, head), visited | s.node_bit[head], a
        for f, vec, k2, m2, bit in self.steps(start.arcs[-1], k, m, banned_arcs, banned_nodes, visited):
            yield start.vector + vec, f, k2, m2, visited | bit, (*start.arcs, f)

    def steps(self, arc: int, k: int, m: int, banned_arcs: frozenset[int], banned_nodes: frozenset[int],
              visited: int = 0) -> Iterator[tuple[int, np.ndarray, int, int, int]]:
        """Allowed next arcs after ``arc``: (arc, vector, via done, transfers, head bit).

        Nodes in ``visited`` (a bitmask) are skipped; pass 0 to allow revisits.
        """
        s, c = self.space, self.space.compiled
        for f, vec in s.succ[arc]:
            head = int(c.head[f])
            bit = s.node_bit[head]
            if f in banned_arcs or head in banned_nodes or visited & bit:
                continue
            # Without a limit the count is not part of the state: walks could otherwise cycle through
            # ever higher counts and a search for an unreachable goal would never end.
            m2 = 0 if self.max_m is None else m + (s.modes[arc] != s.modes[f])
            if self.max_m is not None and m2 > self.max_m:
                continue
            yield f, vec, self.advance(k, head), m2, bit

    def end_vectors(self) -> dict[int, np.ndarray]:
        """Allowed arcs into the destination where a route may end, with the end transfer vector."""
        if self._ends is None:
            s, c = self.space, self.space.compiled
            self._ends = {}
            for a in np.flatnonzero((c.head == self.dest) & s.allowed).tolist():
                end = s.node_transfer(self.dest, s.modes[a], None)
                if end is not None:
                    self._ends[a] = end
        return self._ends

    def end_costs(self, w: np.ndarray) -> np.ndarray:
        """Per arc, ``w @`` its end vector (``inf`` where a route may not end); kept for the last ``w``."""
        key = w.tobytes()
        if self._end_costs is None or self._end_costs[0] != key:
            ends = self.end_vectors()
            out = np.full(self.space.compiled.n_arcs, np.inf)
            if ends:
                out[np.fromiter(ends, dtype=np.int64, count=len(ends))] = np.array(list(ends.values())) @ w
            self._end_costs = (key, out)
        return self._end_costs[1]

    def expand(self) -> np.ndarray:
        """Arcs a walk may go on after: all but those into the destination."""
        if self._expand is None:
            self._expand = np.asarray(self.space.compiled.head != self.dest)
        return self._expand

    def finish(self, arc: int, k: int) -> np.ndarray | None:
        """End vector at the destination after ``arc`` (None if not a valid end)."""
        s = self.space
        if int(s.compiled.head[arc]) != self.dest or k != len(self.via):
            return None
        return s.node_transfer(self.dest, s.modes[arc], None)


def _dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True)) and any(x < y for x, y in zip(a, b, strict=True))


def _lower_bounds(prob: _Problem, project: np.ndarray, banned_arcs: frozenset[int] = frozenset(),
                  banned_nodes: frozenset[int] = frozenset()) -> np.ndarray:
    """Per node and criterion, a lower bound on what is left to the destination.

    Dijkstra backwards from the destination on each projected criterion, over allowed arcs that
    are not banned and do not touch a banned node, without transfers (they only add), so every
    bound is admissible; ``inf`` where the destination cannot be reached at all.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import dijkstra

    s, c = prob.space, prob.space.compiled
    usable = s.allowed.copy()
    if banned_arcs:
        usable[list(banned_arcs)] = False
    if banned_nodes:
        bad = np.zeros(c.n_nodes, dtype=bool)
        bad[list(banned_nodes)] = True
        usable &= ~(bad[c.head] | bad[c.tail])
    ok = np.flatnonzero(usable)
    n = c.n_nodes
    out = np.empty((n, project.shape[0]))
    for j, row in enumerate(project):
        w = s.costs.vectors[ok] @ row
        order = np.lexsort((w, c.tail[ok], c.head[ok]))
        h, t, ww = c.head[ok][order], c.tail[ok][order], w[order]
        first = np.ones(len(h), dtype=bool)
        first[1:] = (h[1:] != h[:-1]) | (t[1:] != t[:-1])
        # Explicit zeros would vanish from a sparse matrix: nudge them to the smallest positive float.
        graph = sparse.csr_array((np.maximum(ww[first], np.finfo(float).tiny), (h[first], t[first])), shape=(n, n))
        out[:, j] = dijkstra(graph, directed=True, indices=[prob.dest])[0]
    return out


def _path_vector(prob: _Problem, arcs: Sequence[int]) -> tuple[float, float, float, float]:
    """The full (cost, time, co2, risk) of a path, origin and destination transfers included."""
    s = prob.space
    vec = dict(s.starts(prob.origin))[arcs[0]].copy()
    for e, f in itertools.pairwise(arcs):
        vec += dict(s.succ[e])[f]
    end = s.node_transfer(prob.dest, s.modes[arcs[-1]], None)
    vec += end if end is not None else 0.0
    return _as_vector(vec)


class _LabelSearch:
    """Exact multi-criteria search over simple paths; ``project`` maps 4-vectors to the criteria.

    Labels carry only the projected criteria as tuples of floats (small NumPy arrays would cost
    more than the arithmetic); full vectors are recomputed for the paths found.
    """

    def __init__(self, prob: _Problem, project: np.ndarray, banned_arcs: frozenset[int],
                 banned_nodes: frozenset[int]) -> None:
        self.prob, self.project = prob, project
        self.banned_arcs, self.banned_nodes = banned_arcs, banned_nodes
        self.head = prob.space.compiled.head
        self.dims = range(project.shape[0])
        self.lb = [tuple(float(x) for x in row) for row in _lower_bounds(prob, project, banned_arcs, banned_nodes)]
        self.step_cache: dict[int, tuple[float, ...]] = {}
        self.counter = itertools.count()
        self.bags: dict[tuple[int, int, int], list[tuple[tuple[float, ...], int]]] = {}
        self.heap: list[tuple[float, int, tuple[float, ...], int, tuple[int, int, int], tuple[int, ...]]] = []
        self.found: list[tuple[tuple[float, ...], tuple[int, ...]]] = []
        self.n_labels = 0

    def proj(self, vec: np.ndarray) -> tuple[float, ...]:
        return tuple(float(x) for x in self.project @ vec)

    def push(self, crit: tuple[float, ...], arc: int, k: int, m: int, visited: int, arcs: tuple[int, ...]) -> None:
        """Queue a label unless a found route or a label at the same state beats it."""
        bound = self.lb[int(self.head[arc])]
        if bound[0] == np.inf:
            return  # the destination cannot be reached from here
        optimistic = tuple(crit[j] + bound[j] for j in self.dims)
        if any(_dominates(f, optimistic) for f, _ in self.found):
            return
        if self.prob.via and not self.prob.can_finish(int(self.head[arc]), k, visited):
            return
        state = (arc, k, m)
        bag = self.bags.setdefault(state, [])
        # Prune only on strict dominance: routes with equal figures are all part of the answer.
        if len(crit) == 1:  # one criterion (a detour of Yen's search): compare the floats directly
            c0 = crit[0]
            if any(o[0] < c0 and (ov & ~visited) == 0 for o, ov in bag):
                return
            bag[:] = [(o, ov) for o, ov in bag if not (c0 < o[0] and (visited & ~ov) == 0)]
        elif any(_dominates(other, crit) and (ov & ~visited) == 0 for other, ov in bag):
            return
        else:
            bag[:] = [(o, ov) for o, ov in bag if not (_dominates(crit, o) and (visited & ~ov) == 0)]
        bag.append((crit, visited))
        self.n_labels += 1
        heapq.heappush(self.heap, (sum(optimistic), next(self.counter), crit, visited, state, arcs))

    def _ends(self, crit: tuple[float, ...], arc: int, k: int, arcs: tuple[int, ...]) -> bool:
        """Record a route ending after ``arc``; whether the label goes no further."""
        end = self.prob.finish(arc, k)
        if end is None:  # at the destination without the via nodes, a simple path cannot come back
            return int(self.head[arc]) == self.prob.dest
        pe = self.proj(end)
        tcrit = tuple(crit[j] + pe[j] for j in self.dims)
        if not any(_dominates(f, tcrit) for f, _ in self.found):
            self.found = [(f, p) for f, p in self.found if not _dominates(tcrit, f)]
            self.found.append((tcrit, arcs))
        return True

    def _extend(self, crit: tuple[float, ...], visited: int, state: tuple[int, int, int],
                arcs: tuple[int, ...]) -> None:
        arc, k, m = state
        for f, fvec, k2, m2, bit in self.prob.steps(arc, k, m, self.banned_arcs, self.banned_nodes, visited):
            fp = self.step_cache.get(id(fvec))
            if fp is None:
                fp = self.step_cache[id(fvec)] = self.proj(fvec)
            self.push(tuple(crit[j] + fp[j] for j in self.dims), f, k2, m2, visited | bit, (*arcs, f))

    def run(self, start: _Start, max_labels: int) -> SearchResult:
        """Search from ``start`` until no label is left or ``max_labels`` were queued."""
        for vec, a, k, m, visited, arcs in self.prob.initial(start, self.banned_arcs, self.banned_nodes):
            self.push(self.proj(vec), a, k, m, visited, arcs)
        complete = True
        while self.heap:
            if self.n_labels > max_labels:
                complete = False
                break
            key, _, crit, visited, state, arcs = heapq.heappop(self.heap)
            if len(self.dims) == 1 and self.found and key > self.found[0][0][0]:
                break  # one criterion, labels in order of their bound: nothing left can beat the route found
            if (crit, visited) not in self.bags.get(state, ()):
                continue  # removed by a dominating label since it was pushed
            if not self._ends(crit, state[0], state[1], arcs):
                self._extend(crit, visited, state, arcs)
        paths = [Path(arcs, _path_vector(self.prob, arcs)) for _, arcs in sorted(self.found)]
        msg = "" if complete else f"stopped after {max_labels:,} labels: the set may be incomplete"
        return SearchResult(paths, complete, self.n_labels, msg)


def _label_search(
    prob: _Problem, project: np.ndarray, start: _Start, banned_arcs: frozenset[int],
    banned_nodes: frozenset[int], max_labels: int,
) -> SearchResult:
    """Exact multi-criteria search over simple paths (see :class:`_LabelSearch`)."""
    return _LabelSearch(prob, project, banned_arcs, banned_nodes).run(start, max_labels)


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


def _as_vector(vec: np.ndarray) -> tuple[float, float, float, float]:
    return (float(vec[0]), float(vec[1]), float(vec[2]), float(vec[3]))


def _is_simple(space: SearchSpace, origin: int, arcs: Sequence[int]) -> bool:
    nodes = [origin, *(int(space.compiled.head[a]) for a in arcs)]
    return len(nodes) == len(set(nodes))


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
                 max_labels: int = 200_000) -> SearchResult:
    """Every simple path not dominated on the chosen criteria (indices into cost, time, co2, risk).

    Examples
    --------
    The cost–time trade-off from Dostyk to Poti (USD and hours per TEU):

    >>> from corridor import data
    >>> from corridor.routing import RouteOptions, SearchSpace
    >>> space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    >>> res = pareto_paths(space, "dostyk", "poti", criteria=(0, 1))
    >>> sorted((round(p.vector[0]), round(p.vector[1])) for p in res.paths)
    [(945, 1026), (1094, 917), (1200, 422), (1520, 374), (1731, 322), (2003, 290)]
    """
    prob = _Problem(space, origin, dest)
    project = np.eye(4)[list(criteria)]
    return _label_search(prob, project, _Start(), frozenset(), frozenset(), max_labels)


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
    exact search over simple paths decide, and that one may have to try every simple path when
    none exists (a detour that only a second visit could close). It stops after
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
