"""Single-source shortest paths (Dijkstra, and A* to one target) over CSR arrays: numba kernels and their references.

The graph is given in compressed sparse row ("forward star") form: the arcs leaving node ``u``
are ``indptr[u]:indptr[u + 1]``, arc ``a`` ends at ``indices[a]`` and costs ``weights[a]``.
Parallel arcs (several arcs between the same two nodes) are allowed and need no deduplication.

Every implementation here has the signature::

    f(indptr, indices, weights, source, target, record_arc) -> (dist, pred)

``dist[v]`` is the shortest distance from ``source`` (``inf`` where unreachable) and ``pred[v]``
the predecessor of ``v`` in the shortest-path tree: the arc index if ``record_arc`` is true, the
node index otherwise, and ``-1`` at the source and at unreachable nodes. With ``target >= 0`` the
search stops as soon as ``target`` is settled; only ``dist[target]`` and the tree path to it are
then final, other entries may be upper bounds.

The A* kernels (:data:`astar_kernel`, :func:`astar_reference`) take a ``potential`` array after
``target`` and search towards that one target; see :func:`astar_reference`.

The kernels trust their input; :func:`dijkstra` checks it (no negative or NaN weights, indices in
range) before the kernel runs, because with bounds checks off a bad index would corrupt memory.
"""

from __future__ import annotations

import heapq
import logging
from typing import Any

import numpy as np

from corridor._kernels._heap import heap_arrays, heap_pop_root, heap_push_or_decrease
from corridor._kernels._jit import HAVE_NUMBA, jit

__all__ = ["HAVE_NUMBA", "astar_kernel", "astar_reference", "dijkstra", "dijkstra_kernel", "dijkstra_reference",
           "tree_path_kernel", "tree_path_reference"]

_log = logging.getLogger(__name__)


def _lists(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray,
           source: int) -> tuple[list[int], list[int], list[float], list[float], list[int], list[bool]]:
    """The graph as Python lists, and the start of a search from ``source``: dist, pred and settled flags."""
    n = len(indptr) - 1
    dist = [np.inf] * n
    dist[source] = 0.0
    return ([int(x) for x in indptr], [int(x) for x in indices], [float(x) for x in weights], dist, [-1] * n,
            [False] * n)


def dijkstra_reference(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    source: int,
    target: int = -1,
    record_arc: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Dijkstra with :mod:`heapq` and lazy deletion, in plain Python; the reference for the kernel.

    Parameters
    ----------
    indptr, indices, weights
        The graph in CSR form (see the module docstring); weights must be non-negative.
    source
        Start node index.
    target
        Stop once this node is settled; ``-1`` settles every reachable node.
    record_arc
        Record predecessor arcs instead of predecessor nodes.

    Returns
    -------
    dist, pred
        Distances (``float64``, ``inf`` where unreachable) and predecessors (``int64``, ``-1``
        at the source and where unreachable).

    Examples
    --------
    Three nodes; arcs 0→1 (cost 1), 0→2 (cost 3) and 1→2 (cost 1):

    >>> import numpy as np
    >>> indptr, indices, weights = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([1.0, 3.0, 1.0])
    >>> dist, pred = dijkstra_reference(indptr, indices, weights, 0)
    >>> dist.tolist(), pred.tolist()
    ([0.0, 1.0, 2.0], [-1, 0, 1])
    """
    ptr, head, cost, dist, pred, done = _lists(indptr, indices, weights, source)
    heap = [(0.0, int(source))]
    while heap:
        d, u = heapq.heappop(heap)
        if done[u]:
            continue
        done[u] = True
        if u == target:
            break
        for a in range(ptr[u], ptr[u + 1]):
            v = head[a]
            nd = d + cost[a]
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = a if record_arc else u
                heapq.heappush(heap, (nd, v))
    return np.asarray(dist, dtype=np.float64), np.asarray(pred, dtype=np.int64)


def _dijkstra_4ary(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    source: int,
    target: int,
    record_arc: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Dijkstra with an indexed 4-ary heap and decrease-key; compiled by numba below.

    Hand optimisations, measured one-to-all on random graphs like those of
    ``benchmarks/bench_shortest.py`` (1,000,000 arcs; medians over 9 sources, 2-core machine):

    - Indexed heap with decrease-key rather than lazy deletion: the heap never holds more than
      ``n`` entries and ``pos`` doubles as the "settled" flag. 4-ary rather than binary: half the
      depth, and the four children share a cache line. At 200,000 nodes: binary lazy 0.104 s,
      binary indexed 0.106 s, 4-ary lazy 0.091 s, 4-ary indexed 0.086 s; SciPy 0.100 s. (At
      250,000 nodes 4-ary lazy and 4-ary indexed were within noise of each other.)
    - Keys and node ids sit in two parallel arrays (no tuples), allocated once at size ``n``.
    - Sifts move a "hole" instead of swapping, one write per level.
    - ``boundscheck=False`` (the default in numba, stated for the reader): :func:`dijkstra`
      checks ``indices`` and ``source`` before calling.

    Examples
    --------
    The compiled kernel, :data:`dijkstra_kernel`, takes the arrays as they are (no checks: prefer
    :func:`dijkstra`). Three nodes; arcs 0→1 (cost 1), 0→2 (cost 3) and 1→2 (cost 1); ``target=-1``
    searches to all nodes, ``record_arc=False`` records predecessor nodes:

    >>> indptr, indices, weights = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([1.0, 3.0, 1.0])
    >>> dist, pred = dijkstra_kernel(indptr, indices, weights, 0, -1, False)
    >>> dist.tolist(), pred.tolist()
    ([0.0, 1.0, 2.0], [-1, 0, 1])
    >>> dijkstra_kernel(indptr, indices, weights, 0, -1, True)[1].tolist()  # predecessor arcs
    [-1, 0, 2]
    """
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    pred = np.full(n, -1, dtype=np.int64)
    # pos[v]: slot of v in the heap; -1 never reached; -2 settled. pos and hnode are int32 (the
    # wrapper checks n < 2**31): less memory traffic in the sifts, about 6 % faster than int64.
    pos = np.full(n, -1, dtype=np.int32)
    hkey = np.empty(n, dtype=np.float64)
    hnode = np.empty(n, dtype=np.int32)
    dist[source] = 0.0
    hkey[0] = 0.0
    hnode[0] = source
    pos[source] = 0
    size = 1
    while size > 0:
        d = hkey[0]
        u = hnode[0]
        pos[u] = -2
        if u == target:
            break
        size = heap_pop_root(hkey, hnode, pos, size)
        # Relax the arcs out of u. A settled v never improves (weights are non-negative and
        # d + w >= d in IEEE arithmetic), so no settled check is needed.
        for a in range(indptr[u], indptr[u + 1]):
            v = indices[a]
            nd = d + weights[a]
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = a if record_arc else u
                size = heap_push_or_decrease(hkey, hnode, pos, size, v, nd)
    return dist, pred


dijkstra_kernel: Any = jit(boundscheck=False, nogil=True)(_dijkstra_4ary) if HAVE_NUMBA else dijkstra_reference
"""The compiled Dijkstra (the reference where numba does not import); its docstring, with examples, is
that of the function it compiles."""


def astar_reference(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    source: int,
    target: int,
    potential: np.ndarray,
    bound: float = np.inf,
    record_arc: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """A* to ``target`` with :mod:`heapq` and lazy deletion, in plain Python; the reference for the kernel.

    Nodes are settled in the order of ``dist[v] + potential[v]``. The potential must be
    *consistent*: ``potential[target] == 0`` and ``potential[u] <= weights[a] + potential[v]`` for
    every arc ``a`` from ``u`` to ``v`` (shortest distances to ``target`` at weights no higher than
    these are); ``inf`` marks a node that cannot reach ``target``, which is then never queued. Then
    ``dist[target]`` is the shortest distance, as Dijkstra's, and fewer nodes are settled the
    tighter the potential is.

    The search also stops once the smallest key exceeds ``bound``: then no path to ``target``
    costs ``bound`` or less, and every node whose ``dist`` is at most ``bound`` is settled. With
    ``target=-1`` and a zero potential this is Dijkstra to every node within ``bound``.

    Rounding can make a consistent potential look inconsistent by an ulp: a node's key is never
    put below the key of the node being settled (keys stay monotone) and a settled node is never
    reopened, so every node is settled at most once and the distance found is the shortest one up
    to rounding.

    Parameters
    ----------
    indptr, indices, weights
        The graph in CSR form (see the module docstring); weights must be non-negative.
    source, target
        Start and goal node indices (``target=-1``: no goal).
    potential
        A consistent lower bound on each node's distance to ``target`` (``float64``, ``inf``
        where ``target`` cannot be reached).
    bound
        Stop once every key left is above it (``inf``: no bound).
    record_arc
        Record predecessor arcs instead of predecessor nodes.

    Returns
    -------
    dist, pred
        As for :func:`dijkstra_reference` with ``target``: only ``dist[target]`` and the tree path
        to it are final; nodes never queued keep ``inf`` and ``-1``.

    Examples
    --------
    Three nodes; arcs 0→1 (cost 1), 0→2 (cost 3) and 1→2 (cost 1); the potential is the distance
    to node 2 (the target):

    >>> import numpy as np
    >>> indptr, indices, weights = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([1.0, 3.0, 1.0])
    >>> dist, pred = astar_reference(indptr, indices, weights, 0, 2, np.array([2.0, 1.0, 0.0]))
    >>> float(dist[2]), pred.tolist()
    (2.0, [-1, 0, 1])

    With a zero potential, no target and a bound of 1.5: Dijkstra to the nodes within 1.5 (node 2
    is reached from node 1, at 2, but not settled):

    >>> astar_reference(indptr, indices, weights, 0, -1, np.zeros(3), 1.5)[0].tolist()
    [0.0, 1.0, 2.0]
    """
    ptr, head, cost, dist, pred, done = _lists(indptr, indices, weights, source)
    pot = [float(x) for x in potential]
    heap = [(pot[source], int(source))] if pot[source] < np.inf else []
    while heap:
        key, u = heapq.heappop(heap)
        if done[u]:
            continue
        if key > bound:
            break
        done[u] = True
        if u == target:
            break
        d = dist[u]
        for a in range(ptr[u], ptr[u + 1]):
            v = head[a]
            nd = d + cost[a]
            if done[v] or not nd < dist[v] or pot[v] == np.inf:
                continue
            dist[v] = nd
            pred[v] = a if record_arc else u
            heapq.heappush(heap, (max(nd + pot[v], key), v))
    return np.asarray(dist, dtype=np.float64), np.asarray(pred, dtype=np.int64)


def _astar_4ary(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    source: int,
    target: int,
    potential: np.ndarray,
    bound: float,
    record_arc: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """A* with the indexed 4-ary heap of :func:`_dijkstra_4ary`; compiled by numba below.

    The heap holds ``dist[v] + potential[v]``; the rules (consistent potential, ``inf`` for nodes
    that cannot reach the target, the bound, monotone keys, no reopening) are those of
    :func:`astar_reference`.

    Examples
    --------
    The compiled kernel, :data:`astar_kernel`, takes the arrays as they are (no checks). Three
    nodes; arcs 0→1 (cost 1), 0→2 (cost 3) and 1→2 (cost 1); the potential is the distance to
    node 2, the target:

    >>> indptr, indices, weights = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([1.0, 3.0, 1.0])
    >>> dist, pred = astar_kernel(indptr, indices, weights, 0, 2, np.array([2.0, 1.0, 0.0]), np.inf, True)
    >>> float(dist[2]), pred.tolist()
    (2.0, [-1, 0, 2])
    """
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    pred = np.full(n, -1, dtype=np.int64)
    pos, hkey, hnode = heap_arrays(n)
    dist[source] = 0.0
    size = 0
    if potential[source] < np.inf:
        hkey[0] = potential[source]
        hnode[0] = source
        pos[source] = 0
        size = 1
    while size > 0:
        key = hkey[0]
        u = hnode[0]
        if key > bound:
            break
        pos[u] = -2
        if u == target:
            break
        size = heap_pop_root(hkey, hnode, pos, size)
        d = dist[u]
        for a in range(indptr[u], indptr[u + 1]):
            v = indices[a]
            nd = d + weights[a]
            # Skipping settled nodes and keeping keys >= key guard against a potential made
            # inconsistent by rounding: no node is settled twice.
            if pos[v] == -2 or not nd < dist[v] or potential[v] == np.inf:
                continue
            dist[v] = nd
            pred[v] = a if record_arc else u
            vkey = max(nd + potential[v], key)
            if pos[v] < 0 or vkey < hkey[pos[v]]:  # (a queued key that rounding would raise stays: sifts go up only)
                size = heap_push_or_decrease(hkey, hnode, pos, size, v, vkey)
    return dist, pred


astar_kernel: Any = jit(boundscheck=False, nogil=True)(_astar_4ary) if HAVE_NUMBA else astar_reference
"""The compiled A* (the reference where numba does not import); its docstring, with examples, is that of
the function it compiles."""


def tree_path_reference(pred: np.ndarray, tails: np.ndarray, labels: np.ndarray, start: int, end: int) -> np.ndarray:
    """The labels of the arcs on the tree path from ``start`` to ``end``, in path order.

    ``pred[v]`` is the arc that reaches ``v`` in a shortest-path tree (``record_arc`` kernels),
    ``tails[a]`` the node arc ``a`` leaves and ``labels[a]`` what to return for it; ``end`` must be
    reachable from ``start`` in the tree.

    Examples
    --------
    Arcs 0: 0→1, 1: 1→2, 2: 0→2; the tree reaches 2 through 1:

    >>> pred, tails = np.array([-1, 0, 1]), np.array([0, 1, 0])
    >>> tree_path_kernel(pred, tails, np.array([10, 11, 12]), 0, 2).tolist()
    [10, 11]
    >>> tree_path_reference(pred, tails, np.array([10, 11, 12]), 0, 0).tolist()
    []
    """
    count = 0
    v = end
    while v != start:
        count += 1
        v = tails[pred[v]]
    out = np.empty(count, dtype=np.int64)
    v = end
    for i in range(count - 1, -1, -1):
        a = pred[v]
        out[i] = labels[a]
        v = tails[a]
    return out


tree_path_kernel: Any = jit(boundscheck=False, nogil=True)(tree_path_reference) if HAVE_NUMBA else tree_path_reference
"""The compiled tree walk (about 100 times the interpreter's speed on paths of a few hundred arcs)."""


def _as_index(name: str, values: Any) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype not in (np.int32, np.int64):
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            msg = f"{name} must hold integers, got dtype {arr.dtype}"
            raise TypeError(msg)
        arr = arr.astype(np.int64)
    return np.ascontiguousarray(arr)


def dijkstra(
    indptr: Any,
    indices: Any,
    weights: Any,
    source: int,
    *,
    target: int | None = None,
    record_arc: bool = False,
    kernel: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Check a CSR graph and run Dijkstra from ``source`` on it.

    Parameters
    ----------
    indptr, indices, weights
        The graph in CSR form (see the module docstring). ``int32`` or ``int64`` indices are used
        as they are; other integer types are converted to ``int64``.
    source
        Start node index.
    target
        Stop once this node is settled (see the module docstring).
    record_arc
        Record predecessor arcs instead of predecessor nodes.
    kernel
        The implementation; defaults to :data:`dijkstra_kernel`.

    Returns
    -------
    dist, pred
        As for :func:`dijkstra_reference`.

    Raises
    ------
    ValueError
        If a weight is negative or NaN, the arrays do not fit together, or ``source``/``target``
        or an index is out of range.

    Examples
    --------
    Three nodes; arcs 0→1 (cost 1), 0→2 (cost 3) and 1→2 (cost 1):

    >>> import numpy as np
    >>> indptr, indices, weights = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([1.0, 3.0, 1.0])
    >>> dist, pred = dijkstra(indptr, indices, weights, 0)
    >>> dist.tolist(), pred.tolist()
    ([0.0, 1.0, 2.0], [-1, 0, 1])
    >>> dijkstra(indptr, indices, weights, 0, record_arc=True)[1].tolist()  # predecessor arcs
    [-1, 0, 2]
    >>> try:
    ...     dijkstra(indptr, indices, np.array([1.0, -3.0, 1.0]), 0)
    ... except ValueError as e:
    ...     print(e)
    Dijkstra needs non-negative weights; 1 arc(s) are negative or NaN, e.g. arc 1 with weight -3.0
    """
    indptr = _as_index("indptr", indptr)
    indices = _as_index("indices", indices)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    n = len(indptr) - 1
    m = len(indices)
    if n < 0 or indptr[0] != 0 or indptr[-1] != m or len(weights) != m:
        msg = (f"inconsistent CSR arrays: {len(indptr)} row pointers ending at "
               f"{int(indptr[-1]) if len(indptr) else None}, {m} indices, {len(weights)} weights")
        raise ValueError(msg)
    if n > 0 and np.any(indptr[1:] < indptr[:-1]):
        msg = "indptr must be non-decreasing"
        raise ValueError(msg)
    if m:
        lo, hi = int(indices.min()), int(indices.max())
        if lo < 0 or hi >= n:
            msg = f"arc head index {lo if lo < 0 else hi} is out of range for {n} nodes"
            raise ValueError(msg)
        # One pass catches both: min() is NaN if any weight is NaN, and NaN >= 0 is false.
        if not weights.min() >= 0:
            bad = np.flatnonzero(~(weights >= 0))
            msg = (f"Dijkstra needs non-negative weights; {len(bad)} arc(s) are negative or NaN, "
                   f"e.g. arc {int(bad[0])} with weight {float(weights[bad[0]])!r}")
            raise ValueError(msg)
    if n >= 2**31 - 1:
        msg = f"{n} nodes is more than the kernel's int32 heap can index"
        raise ValueError(msg)
    source = int(source)
    if not 0 <= source < n:
        msg = f"source {source} is out of range for {n} nodes"
        raise ValueError(msg)
    stop = -1 if target is None else int(target)
    if target is not None and not 0 <= stop < n:
        msg = f"target {stop} is out of range for {n} nodes"
        raise ValueError(msg)
    run = dijkstra_kernel if kernel is None else kernel
    _log.debug("dijkstra: %d nodes, %d arcs, source %d, target %s", n, m, source, target)
    return run(indptr, indices, weights, source, stop, bool(record_arc))
