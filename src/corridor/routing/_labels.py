"""Multi-criteria label search over simple paths, by decremental state-space relaxation.

A label is a partial route at a state ``(arc, via done, transfers)`` with its criteria. A label
may only be dropped for one at the same state that is at least as good on every criterion *and*
leaves every continuation of the other open: over simple paths that means its visited nodes are
a subset of the other's. Tracking every visited node makes that test fail for almost every pair
of labels, so the labels of long detours pile up (the 94-node network had pairs with 25,000
labels and 8 s of dominance tests).

Decremental state-space relaxation (Boland, Dethridge and Dumitrescu 2006; Righini and Salani
2008) tracks only the visits of a set of *critical* nodes, empty at first:

1. search exactly over the walks that pass no critical node twice (a superset of the simple
   paths), with dominance on the criteria and the critical visits only;
2. if every route of that Pareto set is a simple path (or one with the same or better figures is),
   it is the Pareto set over simple paths: every simple path is one of the walks searched, so some
   route found is at least as good, and the routes found are simple;
3. otherwise add the nodes that the non-simple routes pass twice to the critical set and search
   again, starting with the simple routes already found (they are in the answer).

Each round adds a node, so there are at most as many rounds as nodes; the last possible round
tracks every node and is the plain search over simple paths. On the networks at hand one or two
rounds suffice.

With ``epsilon > 0`` a label is also dropped when a route found is within ``1 + epsilon`` of the
label's optimistic vector (its criteria plus the lower bounds to the destination) on every
criterion, and a route is not kept when one found is within ``1 + epsilon`` of it. Every Pareto
route is then within ``1 + epsilon`` on every criterion of a route returned: the figures of a
route through a dropped label are at least its optimistic vector, and a route found is only
replaced by one at least as good on every criterion (the factor does not compound).

A budget (labels, seconds) stops the search early; the outcome then says it is incomplete.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from operator import add, le

import numpy as np

from corridor.routing._problem import _is_simple, _lower_bounds, _Problem, _Start

_Crit = tuple[float, ...]
_State = tuple[int, int, int]
_Found = list[tuple[_Crit, tuple[int, ...]]]
_TIME_CHECK = 64
"""Labels taken from the queue between two looks at the clock (the first look is at the first label)."""


def _dominates(a: _Crit, b: _Crit) -> bool:
    """``a`` is at least as good as ``b`` on every criterion and better on one."""
    return a != b and all(map(le, a, b))


@dataclass(frozen=True)
class LabelOutcome:
    """What a label search found: simple routes as (projected criteria, arcs), best first.

    ``stop`` is ``""`` when the search ran to the end, else why it stopped early (``"labels"`` or
    ``"time"``); ``rounds`` counts the searches of the relaxation and ``critical`` the nodes whose
    visits the last one tracked.
    """

    found: _Found
    labels: int
    rounds: int
    critical: int
    stop: str = ""

    @property
    def complete(self) -> bool:
        return not self.stop


class _Round:
    """One search of the relaxation: exact over walks that pass no ``critical`` node twice.

    Labels carry only the projected criteria as tuples of floats (small NumPy arrays would cost
    more than the arithmetic); full vectors are recomputed for the routes found.
    """

    def __init__(self, prob: _Problem, project: np.ndarray, lb: list[_Crit], banned_arcs: frozenset[int],
                 banned_nodes: frozenset[int], critical: int, epsilon: float, seeds: _Found,
                 moves: dict[int, list[tuple[int, _Crit, int, int, bool]]]) -> None:
        self.prob, self.project, self.lb = prob, project, lb
        self.banned_arcs, self.banned_nodes = banned_arcs, banned_nodes
        self.critical, self.scale = critical, 1.0 + epsilon
        self.head: list[int] = prob.space.compiled.head.tolist()
        self.one = project.shape[0] == 1
        self.moves_of = moves
        self.projected: list[_Crit] | None = None
        self.bags: dict[_State, list[tuple[_Crit, int, int]]] = {}
        self.alive: set[int] = set()
        self.heap: list[tuple[float, int, _Crit, int, _State, tuple[int, ...]]] = []
        self.found: _Found = list(seeds)
        self.n_labels = 0

    def proj(self, vec: np.ndarray) -> _Crit:
        return tuple(float(x) for x in self.project @ vec)

    def covered(self, crit: _Crit) -> bool:
        """Whether a route found beats ``crit`` (within the factor, if one is set)."""
        if self.scale == 1.0:
            return any(_dominates(f, crit) for f, _ in self.found)
        scaled = [x * self.scale for x in crit]
        return any(all(map(le, f, scaled)) for f, _ in self.found)

    def push(self, crit: _Crit, arc: int, k: int, m: int, visited: int, arcs: tuple[int, ...]) -> None:
        """Queue a label unless a route found or a label at the same state beats it."""
        node = self.head[arc]
        bound = self.lb[node]
        if bound[0] == np.inf:
            return  # the destination cannot be reached from here
        optimistic = tuple(map(add, crit, bound))
        if self.found and self.covered(optimistic):
            return
        visited &= self.critical
        if self.prob.via and not self.prob.can_finish(node, k, visited):
            return
        state = (arc, k, m)
        bag = self.bags.get(state)
        if bag is None:
            bag = self.bags[state] = []
        elif bag and not self.admit(bag, crit, visited):
            return
        lid = self.n_labels
        self.n_labels += 1
        bag.append((crit, visited, lid))
        self.alive.add(lid)
        heapq.heappush(self.heap, (sum(optimistic), lid, crit, visited, state, arcs))

    def admit(self, bag: list[tuple[_Crit, int, int]], crit: _Crit, visited: int) -> bool:
        """Whether no label of ``bag`` beats ``crit``; if so, drop those that it beats."""
        # Prune only on strict dominance: routes with equal figures are all part of the answer.
        # The integer test first: it is the cheaper one and fails more often.
        if self.one:  # one criterion (a detour of Yen's search): compare the floats directly
            c0 = crit[0]
            if any(o[0] < c0 and not ov & ~visited for o, ov, _ in bag):
                return False
            gone = {e[2] for e in bag if c0 < e[0][0] and not visited & ~e[1]}
        else:
            if any(not ov & ~visited and _dominates(o, crit) for o, ov, _ in bag):
                return False
            gone = {e[2] for e in bag if not visited & ~e[1] and _dominates(crit, e[0])}
        if gone:
            self.alive -= gone
            bag[:] = [e for e in bag if e[2] not in gone]
        return True

    def ends(self, crit: _Crit, arc: int, k: int, arcs: tuple[int, ...]) -> bool:
        """Record a route ending after ``arc``; whether the label goes no further."""
        end = self.prob.finish(arc, k)
        if end is None:  # at the destination without the via nodes, a simple path cannot come back
            return self.head[arc] == self.prob.dest
        total = tuple(map(add, crit, self.proj(end)))
        if not self.covered(total) and all(a != arcs for _, a in self.found):
            self.found = [(f, p) for f, p in self.found if not _dominates(total, f)]
            self.found.append((total, arcs))
        return True

    def moves(self, arc: int) -> list[tuple[int, _Crit, int, int, bool]]:
        """Allowed next arcs after ``arc``, kept: (arc, projected vector, head, head bit, mode change)."""
        out = self.moves_of.get(arc)
        if out is None:
            s, head, tr = self.prob.space, self.head, self.prob.space.transitions
            if tr is not None and s.allowed[arc]:  # the space's transitions, projected at once
                if self.projected is None:
                    self.projected = [tuple(row) for row in (tr.vectors @ self.project.T).tolist()]
                steps = [(f, self.projected[t]) for t, f in enumerate(tr.to[tr.ptr[arc]:tr.ptr[arc + 1]].tolist(),
                                                                      start=int(tr.ptr[arc])) if s.allowed[f]]
            else:
                steps = [(f, self.proj(vec)) for f, vec in s.succ[arc]]
            out = self.moves_of[arc] = [(f, fp, head[f], s.node_bit[head[f]], s.modes[arc] != s.modes[f])
                                        for f, fp in steps if f not in self.banned_arcs
                                        and head[f] not in self.banned_nodes]
        return out

    def extend(self, crit: _Crit, visited: int, state: _State, arcs: tuple[int, ...]) -> None:
        """Push every allowed extension of a label (:meth:`_Problem.steps`, with the moves kept)."""
        arc, k, m = state
        max_m, advance = self.prob.max_m, self.prob.advance
        for f, fp, node, bit, change in self.moves(arc):
            if visited & bit:
                continue
            m2 = 0 if max_m is None else m + change
            if max_m is not None and m2 > max_m:
                continue
            self.push(tuple(map(add, crit, fp)), f, advance(k, node), m2, visited | bit, (*arcs, f))

    def run(self, start: _Start, max_labels: int, deadline: float | None) -> str:
        """Search from ``start``; ``""`` if it ran to the end, else why it stopped."""
        for vec, a, k, m, visited, arcs in self.prob.initial(start, self.banned_arcs, self.banned_nodes):
            self.push(self.proj(vec), a, k, m, visited, arcs)
        popped = 0
        while self.heap:
            if self.n_labels > max_labels:
                return "labels"
            popped += 1
            if deadline is not None and popped % _TIME_CHECK == 1 and time.perf_counter() > deadline:
                return "time"
            key, lid, crit, visited, state, arcs = heapq.heappop(self.heap)
            if self.one and self.found and key > self.found[0][0][0]:
                break  # one criterion, labels in order of their bound: nothing left can beat the route found
            if lid not in self.alive:
                continue  # removed by a dominating label since it was pushed
            if not self.ends(crit, state[0], state[1], arcs):
                self.extend(crit, visited, state, arcs)
        return ""


def _repeated(origin: int, head: list[int], arcs: tuple[int, ...]) -> int:
    """Bit mask of the nodes that a walk passes more than once."""
    seen, twice = 0, 0
    for node in (origin, *(head[a] for a in arcs)):
        bit = 1 << node
        twice |= seen & bit
        seen |= bit
    return twice


def label_search(prob: _Problem, project: np.ndarray, start: _Start, banned_arcs: frozenset[int],
                 banned_nodes: frozenset[int], max_labels: int, *, epsilon: float = 0.0,
                 deadline: float | None = None) -> LabelOutcome:
    """The Pareto set over simple paths on ``project @ vector``, by decremental state-space relaxation.

    ``max_labels`` bounds the labels of all rounds together, ``deadline`` (a
    :func:`time.perf_counter` value) the time; past either, the simple routes found so far are
    returned with ``stop`` set.
    """
    space = prob.space
    head: list[int] = space.compiled.head.tolist()
    lb = [tuple(float(x) for x in row) for row in _lower_bounds(prob, project, banned_arcs, banned_nodes)]
    seeds: _Found = []
    moves: dict[int, list[tuple[int, _Crit, int, int, bool]]] = {}
    critical, labels, rounds = 0, 0, 0
    while True:
        rnd = _Round(prob, project, lb, banned_arcs, banned_nodes, critical, epsilon, seeds, moves)
        stop = rnd.run(start, max_labels - labels, deadline)
        labels += rnd.n_labels
        rounds += 1
        simple = [(f, a) for f, a in rnd.found if _is_simple(space, prob.origin, a)]
        more = 0
        if not stop:
            for f, a in rnd.found:
                if not any(all(map(le, g, f)) for g, _ in simple):
                    more |= _repeated(prob.origin, head, a)
        if stop or not more:
            return LabelOutcome(sorted(simple), labels, rounds, critical.bit_count(), stop)
        critical |= more
        seeds = simple
