"""All-or-nothing loading over CSR arrays: a numba kernel and its plain-Python reference.

Both have the signature::

    f(indptr, head, tail, weights, nothru, origins, dptr, dnode, dflow) -> (loads, sptt, unreachable)

- ``indptr, head, tail, weights``: the graph in CSR form (arcs sorted by ``tail``).
- ``nothru[v]``: paths may leave node ``v`` only where they start (research-network zones).
- ``origins[k]``: origin node of the ``k``-th block of demand; ``dnode[dptr[k]:dptr[k + 1]]``
  are its destinations and ``dflow[...]`` the flows (no intrazonal entries).

Returns the arc loads, the shortest-path travel total ``Σ flow · shortest distance`` and the
number of OD entries with a positive flow and no path (these are not loaded).

Loading per origin: one Dijkstra tree (predecessor arcs, settle order recorded); the demand is
put on its destination nodes and pushed to the root in reverse settle order, one pass over the
tree instead of one walk per destination. The search stops once every destination is settled.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from corridor._kernels._heap import heap_pop_root, heap_push_or_decrease
from corridor._kernels._jit import HAVE_NUMBA, jit, numba
from corridor._kernels.reference import PARALLEL_WORK, aon_reference

__all__ = ["PARALLEL_WORK", "aon_kernel", "aon_reference", "loading_threads", "tree_kernel"]


@jit(boundscheck=False, nogil=True, inline="always")
def _settle(indptr: np.ndarray, head: np.ndarray, weights: np.ndarray, nothru: np.ndarray, s: int, left: int,
            dist: np.ndarray, pred: np.ndarray, pos: np.ndarray, hkey: np.ndarray, hnode: np.ndarray,
            order: np.ndarray, want: np.ndarray) -> int:
    """Dijkstra (indexed 4-ary heap as in ``sssp.py``) until the ``left`` wanted nodes are settled.

    Records the settle order in ``order``; returns the number of nodes settled.
    """
    size = 1
    count = 0
    while size > 0 and left > 0:
        d = hkey[0]
        u = hnode[0]
        pos[u] = -2
        order[count] = u
        count += 1
        if want[u] == 1:
            want[u] = 0
            left -= 1
        size = heap_pop_root(hkey, hnode, pos, size)
        if nothru[u] and u != s:  # a zone: paths end here, they do not pass through
            continue
        for a in range(indptr[u], indptr[u + 1]):
            v = head[a]
            nd = d + weights[a]
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = a
                size = heap_push_or_decrease(hkey, hnode, pos, size, v, nd)
    return count


@jit(boundscheck=False, nogil=True, inline="always")
def _load_tree(s: int, count: int, dn: np.ndarray, df: np.ndarray, dist: np.ndarray, pos: np.ndarray,
               want: np.ndarray, order: np.ndarray, pred: np.ndarray, tail: np.ndarray, node_load: np.ndarray,
               loads: np.ndarray) -> tuple[float, int]:
    """Put each destination's flow on its node, then push the node loads to the root in reverse settle order.

    Returns the flows times distances and the count of unreached destinations.
    """
    sptt = 0.0
    missing = 0
    for j in range(dn.shape[0]):
        t = dn[j]
        want[t] = 0
        if df[j] <= 0:
            continue
        if pos[t] != -2:
            missing += 1
            continue
        sptt += df[j] * dist[t]
        node_load[t] += df[j]
    # every node's subtree is done before it
    for r in range(count - 1, 0, -1):
        v = order[r]
        q = node_load[v]
        if q != 0.0:
            a = pred[v]
            loads[a] += q
            node_load[tail[a]] += q
            node_load[v] = 0.0
    node_load[s] = 0.0
    return sptt, missing


def _sssp_load(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, weights: np.ndarray,
               nothru: np.ndarray, s: int, dn: np.ndarray, df: np.ndarray,
               dist: np.ndarray, pred: np.ndarray, pos: np.ndarray, hkey: np.ndarray, hnode: np.ndarray,
               order: np.ndarray, node_load: np.ndarray, want: np.ndarray, loads: np.ndarray) -> tuple[float, int]:
    """One origin: Dijkstra until its destinations are settled, then load its tree (the steps inlined by numba)."""
    for v in range(indptr.shape[0] - 1):
        dist[v] = np.inf
        pred[v] = -1
        pos[v] = -1
    left = 0
    for j in range(dn.shape[0]):
        if df[j] > 0 and want[dn[j]] == 0:
            want[dn[j]] = 1
            left += 1
    dist[s] = 0.0
    hkey[0] = 0.0
    hnode[0] = s
    pos[s] = 0
    count = _settle(indptr, head, weights, nothru, s, left, dist, pred, pos, hkey, hnode, order, want)
    return _load_tree(s, count, dn, df, dist, pos, want, order, pred, tail, node_load, loads)


_prange: Any = numba.prange if HAVE_NUMBA else range


def _work(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                            np.ndarray]:
    """Work arrays of one search over ``n`` nodes: dist, pred, pos, hkey, hnode, order, node_load, want."""
    return (np.empty(n), np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int32), np.empty(n),
            np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int64), np.zeros(n), np.zeros(n, dtype=np.int8))


work_kernel: Any = jit(nogil=True)(_work)


def _aon_part(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, weights: np.ndarray, nothru: np.ndarray,
              origins: np.ndarray, dptr: np.ndarray, dnode: np.ndarray, dflow: np.ndarray, first: int, step: int,
              loads: np.ndarray) -> tuple[float, int]:
    """Origins ``first, first + step, ...`` on the calling thread, adding to ``loads``; returns ``(sptt, missing)``."""
    dist, pred, pos, hkey, hnode, order, node_load, want = work_kernel(indptr.shape[0] - 1)
    sptt = 0.0
    missing = 0
    for k in range(first, origins.shape[0], step):
        lo, hi = dptr[k], dptr[k + 1]
        s_, m_ = _sssp_load_nb(indptr, head, tail, weights, nothru, origins[k], dnode[lo:hi], dflow[lo:hi],
                               dist, pred, pos, hkey, hnode, order, node_load, want, loads)
        sptt += s_
        missing += m_
    return sptt, missing


def _aon(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, weights: np.ndarray, nothru: np.ndarray,
         origins: np.ndarray, dptr: np.ndarray, dnode: np.ndarray, dflow: np.ndarray, chunks: int,
         ) -> tuple[np.ndarray, float, int]:
    loads = np.zeros((chunks, head.shape[0]))
    sptt = np.zeros(chunks)
    missing = np.zeros(chunks, dtype=np.int64)
    # One chunk of origins per thread, each with its own work arrays and load row (no races).
    for c in _prange(chunks):
        sptt[c], missing[c] = _aon_part_nb(indptr, head, tail, weights, nothru, origins, dptr, dnode, dflow, c,
                                           chunks, loads[c])
    return loads.sum(axis=0), sptt.sum(), missing.sum()


def _tree(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, weights: np.ndarray, nothru: np.ndarray,
          s: int, dn: np.ndarray, df: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distances and predecessor arcs from ``s``, settled until every destination with flow is.

    Examples
    --------
    The compiled search, :data:`tree_kernel`, from node 0 to node 2 (flow 5) over arcs 0→1 (1),
    0→2 (3), 1→2 (1), sorted by tail; ``pred`` holds predecessor arcs:

    >>> indptr, head, tail = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([0, 0, 1])
    >>> weights, nothru = np.array([1.0, 3.0, 1.0]), np.zeros(3, dtype=np.bool_)
    >>> dist, pred = tree_kernel(indptr, head, tail, weights, nothru, 0, np.array([2]), np.array([5.0]))
    >>> dist.tolist(), pred.tolist()
    ([0.0, 1.0, 2.0], [-1, 0, 2])
    """
    n = indptr.shape[0] - 1
    dist = np.empty(n)
    pred = np.empty(n, dtype=np.int64)
    loads = np.zeros(head.shape[0])
    _sssp_load_nb(indptr, head, tail, weights, nothru, s, dn, df, dist, pred, np.empty(n, dtype=np.int32),
                  np.empty(n), np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int64), np.zeros(n),
                  np.zeros(n, dtype=np.int8), loads)
    return dist, pred


_sssp_load_nb: Any = jit(boundscheck=False, nogil=True)(_sssp_load)
_aon_part_nb: Any = jit(boundscheck=False, nogil=True)(_aon_part)
_aon_nb: Any = jit(boundscheck=False, nogil=True, parallel=True)(_aon) if HAVE_NUMBA else _aon


def aon_kernel(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, weights: np.ndarray,
               nothru: np.ndarray, origins: np.ndarray, dptr: np.ndarray, dnode: np.ndarray,
               dflow: np.ndarray) -> tuple[np.ndarray, float, int]:
    """The compiled loading; origins are split over numba's threads (see the module docstring).

    Examples
    --------
    The example of :func:`aon_reference`: five units from node 0 to node 2 over arcs 0→1 (1),
    0→2 (3), 1→2 (1), sorted by tail:

    >>> indptr, head, tail = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([0, 0, 1])
    >>> weights, nothru = np.array([1.0, 3.0, 1.0]), np.zeros(3, dtype=np.bool_)
    >>> origins, dptr, dnode, dflow = np.array([0]), np.array([0, 1]), np.array([2]), np.array([5.0])
    >>> loads, sptt, unreachable = aon_kernel(indptr, head, tail, weights, nothru, origins, dptr, dnode, dflow)
    >>> loads.tolist(), float(sptt), int(unreachable)
    ([5.0, 0.0, 5.0], 10.0, 0)
    """
    if not HAVE_NUMBA:  # pragma: no cover
        return aon_reference(indptr, head, tail, weights, nothru, origins, dptr, dnode, dflow)
    chunks = loading_threads(origins.shape[0], head.shape[0])
    if chunks == 1:  # no thread pool at all: the serial loading (Cython)
        from corridor._kernels.ue import aon_serial_kernel

        return aon_serial_kernel(indptr, head, tail, weights, nothru, origins, dptr, dnode, dflow)
    _passive_wait()
    return _aon_nb(indptr, head, tail, weights, nothru, origins, dptr, dnode, dflow, chunks)


def loading_threads(origins: int, arcs: int) -> int:
    """Threads for one all-or-nothing loading: 1 below :data:`PARALLEL_WORK` origins × arcs, else numba's count.

    Measured on a 2-core machine shared with other jobs (load average 4): Sioux Falls (24 origins,
    76 arcs) loads in 0.06 ms on one thread and 0.3 ms on two (the threads' wake-up costs more than
    the work); a 1,000-node grid (100 origins, 3,907 arcs, 390,700) in 8.7 ms on one and 4.5–8.8 ms
    on two. The work per origin is a Dijkstra over the arcs, so origins × arcs measures it.

    Examples
    --------
    >>> loading_threads(24, 76)
    1
    >>> loading_threads(1, 10**7)  # one origin cannot be split
    1
    """
    if origins * arcs < PARALLEL_WORK:
        return 1
    return max(1, min(numba.get_num_threads(), origins))


_state = {"wait": False}


def _passive_wait() -> None:
    """Ask the OpenMP runtime to sleep, not spin, between parallel loops (before it first starts).

    numba's OpenMP layer spins waiting threads by default; on a shared machine two spinning
    threads took a 1,000-node loading from 9 ms (one thread) to 64 ms. With the passive policy
    they took 4.5–8.8 ms. An explicit ``OMP_WAIT_POLICY`` or ``KMP_BLOCKTIME`` is respected.
    """
    if not _state["wait"]:
        _state["wait"] = True
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        os.environ.setdefault("KMP_BLOCKTIME", "0")




tree_kernel: Any = jit(boundscheck=False, nogil=True)(_tree)
