"""What every route search over a :class:`~corridor.routing.space.SearchSpace` shares.

- :class:`_Problem`: origin, destination, via nodes and transfer limit as indices, and the moves
  they allow (first arcs, next arcs, ends);
- :class:`_Start`: where a (spur) search begins;
- :func:`_lower_bounds`: per node, admissible lower bounds on each criterion to the destination;
- :func:`_path_vector`, :func:`_is_simple`: a path's full vector, and whether it repeats a node.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from corridor._kernels.sssp import dijkstra
from corridor.routing.space import SearchSpace


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


def _lower_bounds(prob: _Problem, project: np.ndarray, banned_arcs: frozenset[int] = frozenset(),
                  banned_nodes: frozenset[int] = frozenset()) -> np.ndarray:
    """Per node and criterion, a lower bound on what is left to the destination.

    Dijkstra backwards from the destination on each projected criterion (the compiled kernel of
    :mod:`corridor._kernels.sssp` on the reversed arcs), over allowed arcs that are not banned and
    do not touch a banned node, without transfers (they only add), so every bound is admissible;
    ``inf`` where the destination cannot be reached at all.
    """
    s, c = prob.space, prob.space.compiled
    usable = s.allowed.copy()
    if banned_arcs:
        usable[list(banned_arcs)] = False
    if banned_nodes:
        bad = np.zeros(c.n_nodes, dtype=bool)
        bad[list(banned_nodes)] = True
        usable &= ~(bad[c.head] | bad[c.tail])
    ok = np.flatnonzero(usable)
    order = ok[np.argsort(c.head[ok], kind="stable")]  # reversed arcs, grouped by their new tail
    indptr = np.zeros(c.n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(c.head[order], minlength=c.n_nodes), out=indptr[1:])
    indices = np.ascontiguousarray(c.tail[order], dtype=np.int64)
    weights = s.costs.vectors[order] @ project.T
    out = np.empty((c.n_nodes, project.shape[0]))
    for j in range(project.shape[0]):
        out[:, j] = dijkstra(indptr, indices, weights[:, j], prob.dest)[0]
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


def _as_vector(vec: np.ndarray) -> tuple[float, float, float, float]:
    return (float(vec[0]), float(vec[1]), float(vec[2]), float(vec[3]))


def _is_simple(space: SearchSpace, origin: int, arcs: Sequence[int]) -> bool:
    nodes = [origin, *(int(space.compiled.head[a]) for a in arcs)]
    return len(nodes) == len(set(nodes))
