"""The plain-Python references of the assignment kernels; importing them does not import numba.

:mod:`corridor._kernels.assign` compiles the same loops; the tests compare the two. Small problems
(see :data:`SMALL_WORK`) run these directly, so that a process that solves one never pays numba's
start-up (about a second: importing numba and loading the cached machine code).
"""

from __future__ import annotations

import heapq

import numpy as np

__all__ = ["PARALLEL_WORK", "SMALL_WORK", "aon_reference", "line_search_reference"]

SMALL_WORK = 4_000
"""Origins × arcs up to which the equilibrium runs these references rather than the compiled kernels.

Sioux Falls (24 origins, 76 arcs: 1,824) is below, Anaheim (38 × 914) well above. Below it one
reference loading takes about as long as numba's start-up takes once per 100 loadings.
"""

PARALLEL_WORK = 300_000
"""Origins × arcs from which a loading runs on several threads (numba, :mod:`corridor._kernels.assign`).

Below, from :data:`SMALL_WORK` up, it runs on one thread in the Cython module
:mod:`corridor._kernels.ue` (no numba start-up); see :func:`corridor._kernels.assign.loading_threads`.
"""


def _heapq_tree(indptr: list[int], head: list[int], weights: list[float], nothru: list[bool],
                s: int) -> tuple[list[float], list[int], list[int]]:
    """Distances, predecessor arcs and settle order from ``s`` (plain Python: heapq with lazy deletion)."""
    n = len(indptr) - 1
    dist = [np.inf] * n
    pred = [-1] * n
    done = [False] * n
    order = []
    dist[s] = 0.0
    heap = [(0.0, s)]
    while heap:
        d, u = heapq.heappop(heap)
        if done[u]:
            continue
        done[u] = True
        order.append(u)
        if nothru[u] and u != s:
            continue
        for a in range(indptr[u], indptr[u + 1]):
            v = head[a]
            nd = d + weights[a]
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = a
                heapq.heappush(heap, (nd, v))
    return dist, pred, order


def aon_reference(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, weights: np.ndarray,
                  nothru: np.ndarray, origins: np.ndarray, dptr: np.ndarray, dnode: np.ndarray,
                  dflow: np.ndarray) -> tuple[np.ndarray, float, int]:
    """All-or-nothing loading in plain Python (heapq Dijkstra, the tree loaded in reverse settle order).

    Examples
    --------
    Five units from node 0 to node 2 over arcs 0→1 (1), 0→2 (3), 1→2 (1), sorted by tail:

    >>> indptr, head, tail = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([0, 0, 1])
    >>> weights, nothru = np.array([1.0, 3.0, 1.0]), np.zeros(3, dtype=np.bool_)
    >>> origins, dptr, dnode, dflow = np.array([0]), np.array([0, 1]), np.array([2]), np.array([5.0])
    >>> loads, sptt, unreachable = aon_reference(indptr, head, tail, weights, nothru, origins, dptr, dnode, dflow)
    >>> loads.tolist(), sptt, unreachable
    ([5.0, 0.0, 5.0], 10.0, 0)
    """
    loads = [0.0] * len(head)
    ptr, hd, tl = indptr.tolist(), head.tolist(), tail.tolist()
    w, closed = weights.tolist(), nothru.tolist()
    sptt = 0.0
    missing = 0
    for k, origin in enumerate(origins.tolist()):
        dist, pred, order = _heapq_tree(ptr, hd, w, closed, origin)
        node_load = [0.0] * len(dist)
        for t, q in zip(dnode[dptr[k]:dptr[k + 1]].tolist(), dflow[dptr[k]:dptr[k + 1]].tolist(), strict=True):
            if q <= 0:
                continue
            if dist[t] == np.inf:
                missing += 1
                continue
            sptt += q * dist[t]
            node_load[t] += q
        for v in reversed(order[1:]):  # every node's subtree is done before it: one pass loads the tree
            q = node_load[v]
            if q:
                a = pred[v]
                loads[a] += q
                node_load[tl[a]] += q
    return np.array(loads), sptt, missing


def line_search_reference(x: np.ndarray, d: np.ndarray, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray,
                          cap: np.ndarray, fixed: np.ndarray, tol: float) -> float:
    """Step ``τ ∈ [0, 1]`` minimising the Beckmann objective on ``x + τ (d - x)``, by bisection.

    ``cap`` must be positive where ``alpha`` is (the caller folds missing capacity into ``alpha = 0``).
    The derivative along the segment is ``g(τ) = Σ (d - x) · c(x + τ (d - x))``, increasing in τ.

    Examples
    --------
    Two parallel links, the first with the BPR time ``1 + x / 10``, the second a constant 2 hours; the
    20 units on the first move towards the second:

    >>> x, d = np.array([20.0, 0.0]), np.array([0.0, 20.0])
    >>> t0, alpha, beta = np.array([1.0, 2.0]), np.array([1.0, 0.0]), np.array([1.0, 1.0])
    >>> cap, fixed = np.array([10.0, 1.0]), np.zeros(2)
    >>> round(line_search_reference(x, d, t0, alpha, beta, cap, fixed, 1e-12), 6)  # 10 on each: both take 2
    0.5
    """
    delta = d - x

    def g(tau: float) -> float:
        v = np.maximum(x + tau * delta, 0.0)
        c = t0 * (1.0 + alpha * np.power(v / cap, beta)) + fixed
        return float(np.dot(delta, c))

    if g(1.0) <= 0.0:
        return 1.0
    if g(0.0) >= 0.0:
        return 0.0
    lo, hi = 0.0, 1.0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if g(mid) > 0.0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)
