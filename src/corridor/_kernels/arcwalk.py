"""Cheapest walk over arc states (the route planner's search space): a numba kernel and its reference.

The route planner's states are arcs, so that a transfer can depend on the modes on both sides of a
node (see :mod:`corridor.routing.space`). Its transitions are given in CSR form: the arcs that may
follow arc ``e`` are ``to[ptr[e]:ptr[e + 1]]`` at scalar costs ``cost[ptr[e]:ptr[e + 1]]``.

Every implementation here has the signature::

    f(ptr, to, vectors, w, start_arc, start_cost, end_cost, blocked, expand) -> (goal, total, pred)

- ``vectors[t]``: the criteria of transition ``t`` (one row each), ``w`` their weights: the
  transition costs ``vectors[t] @ w``;
- ``start_arc``, ``start_cost``: the first arcs of the walk and their costs;
- ``end_cost[a]``: the cost of ending the walk after arc ``a`` (``inf`` where it may not end);
- ``blocked[a]``: arc ``a`` may not be entered;
- ``expand[a]``: the walk may go on after ``a`` (false at the destination: a walk ends there);
- ``goal``: the last arc of the cheapest walk (``-1`` if none), ``total`` its cost;
- ``pred[a]``: the transition index that reached ``a`` in the search tree, ``-2`` at a first arc,
  ``-1`` where never reached. Follow it from ``goal`` (the tail of transition ``t`` is the arc whose
  CSR row holds ``t``: the caller keeps ``tail_of`` for that).

Costs must be non-negative (the caller's weights and vectors are). A walk may pass a node twice;
the caller checks and falls back to an exact label search.
"""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np

from corridor._kernels._heap import heap_pop_root, heap_push_or_decrease
from corridor._kernels._jit import HAVE_NUMBA, jit

__all__ = ["arc_walk", "arc_walk_reference"]


def arc_walk_reference(ptr: np.ndarray, to: np.ndarray, vectors: np.ndarray, w: np.ndarray, start_arc: np.ndarray,
                       start_cost: np.ndarray, end_cost: np.ndarray, blocked: np.ndarray,
                       expand: np.ndarray) -> tuple[int, float, np.ndarray]:
    """Plain-Python Dijkstra with a binary heap (the reference the kernel is tested against).

    Examples
    --------
    A walk starts on arc 0 (cost 1) and may go on to arc 1 (transition 0, cost 5) or arc 2 (transition 1,
    cost 3), where it ends:

    >>> ptr, to = np.array([0, 2, 2, 2]), np.array([1, 2])
    >>> vectors, w = np.array([[5.0], [3.0]]), np.array([1.0])
    >>> end_cost = np.array([np.inf, 0.0, 0.0])
    >>> blocked, expand = np.zeros(3, dtype=bool), np.array([True, False, False])
    >>> goal, total, pred = arc_walk_reference(ptr, to, vectors, w, np.array([0]), np.array([1.0]), end_cost,
    ...                                        blocked, expand)
    >>> goal, float(total), pred.tolist()
    (2, 4.0, [-2, 0, 1])
    """
    n = len(end_cost)
    cost = vectors @ w
    dist = np.full(n, np.inf)
    pred = np.full(n, -1, dtype=np.int64)
    heap: list[tuple[float, int]] = []

    def reach(a: int, c: float, via: int) -> None:
        if not blocked[a] and c < dist[a]:
            dist[a], pred[a] = c, via
            heapq.heappush(heap, (c, a))

    for a, c in zip(start_arc.tolist(), start_cost.tolist(), strict=True):
        reach(a, c, -2)
    goal, best = -1, np.inf
    done = np.zeros(n, dtype=bool)
    while heap:
        g, e = heapq.heappop(heap)
        if done[e] or g > dist[e]:
            continue
        done[e] = True
        if g >= best:
            break
        if g + end_cost[e] < best:
            goal, best = e, g + end_cost[e]
        if end_cost[e] < np.inf or not expand[e]:
            continue
        for t in range(ptr[e], ptr[e + 1]):
            reach(int(to[t]), g + cost[t], t)
    return goal, best, pred


def _row_dot(vectors: np.ndarray, t: int, w: np.ndarray) -> float:
    """``vectors[t] @ w`` without a temporary (inlined into the kernel)."""
    c = 0.0
    for j in range(w.shape[0]):
        c += vectors[t, j] * w[j]
    return c


row_dot: Any = jit(boundscheck=False, inline="always")(_row_dot) if HAVE_NUMBA else _row_dot


def _arc_walk_4ary(ptr: np.ndarray, to: np.ndarray, vectors: np.ndarray, w: np.ndarray, start_arc: np.ndarray,
                   start_cost: np.ndarray, end_cost: np.ndarray, blocked: np.ndarray,
                   expand: np.ndarray) -> tuple[int, float, np.ndarray]:
    """The reference with the 4-ary indexed heap of :mod:`corridor._kernels.sssp`; compiled below.

    Transition costs are computed as they are relaxed (a search touches few of them). The kernel
    keeps the GIL: a search takes microseconds, and releasing the GIL for that long only lets a
    thread convoy form when many requests search at once (the route planner in a web server).

    Examples
    --------
    The compiled search, :data:`arc_walk`, on the example of :func:`arc_walk_reference`: a walk
    starts on arc 0 (cost 1) and may go on to arc 1 (transition 0, cost 5) or arc 2 (transition 1,
    cost 3), where it ends:

    >>> ptr, to = np.array([0, 2, 2, 2]), np.array([1, 2])
    >>> vectors, w = np.array([[5.0], [3.0]]), np.array([1.0])
    >>> end_cost = np.array([np.inf, 0.0, 0.0])
    >>> blocked, expand = np.zeros(3, dtype=bool), np.array([True, False, False])
    >>> goal, total, pred = arc_walk(ptr, to, vectors, w, np.array([0]), np.array([1.0]), end_cost, blocked, expand)
    >>> int(goal), float(total), pred.tolist()
    (2, 4.0, [-2, 0, 1])

    Blocking arc 2 leaves the dearer arc 1:

    >>> blocked[2] = True
    >>> goal, total, _ = arc_walk(ptr, to, vectors, w, np.array([0]), np.array([1.0]), end_cost, blocked, expand)
    >>> int(goal), float(total)
    (1, 6.0)
    """
    n = end_cost.shape[0]
    dist = np.full(n, np.inf)
    pred = np.full(n, -1, dtype=np.int64)
    pos = np.full(n, -1, dtype=np.int32)
    hkey = np.empty(n, dtype=np.float64)
    hnode = np.empty(n, dtype=np.int32)
    size = 0
    for i in range(start_arc.shape[0]):
        a = start_arc[i]
        c = start_cost[i]
        if not blocked[a] and c < dist[a]:
            dist[a] = c
            pred[a] = -2
            size = heap_push_or_decrease(hkey, hnode, pos, size, a, c)
    goal = -1
    best = np.inf
    while size > 0:
        g = hkey[0]
        e = hnode[0]
        pos[e] = -2
        size = heap_pop_root(hkey, hnode, pos, size)
        if g >= best:
            break
        if g + end_cost[e] < best:
            goal = e
            best = g + end_cost[e]
        if end_cost[e] < np.inf or not expand[e]:
            continue
        for t in range(ptr[e], ptr[e + 1]):
            f = to[t]
            nd = g + row_dot(vectors, t, w)
            if nd < dist[f] and not blocked[f]:
                dist[f] = nd
                pred[f] = t
                size = heap_push_or_decrease(hkey, hnode, pos, size, f, nd)
    return goal, best, pred


arc_walk: Any = jit(boundscheck=False)(_arc_walk_4ary) if HAVE_NUMBA else arc_walk_reference
"""The compiled search (the reference where numba does not import); its docstring, with examples, is
that of the function it compiles."""
