# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The user equilibrium's compiled loops: Algorithm B, the serial all-or-nothing loading, the line search.

Compiled with Cython when corridor is installed, so that a process solving a user equilibrium of up
to :data:`corridor._kernels.reference.PARALLEL_WORK` origins × arcs loads plain machine code and
never imports numba (about half a second of start-up and cache loading). Larger loadings run on
several threads in :mod:`corridor._kernels.assign` (numba). The plain-Python references, statement
for statement, are :mod:`corridor._kernels.bush_reference` (Algorithm B: its module docstring
describes the steps) and :mod:`corridor._kernels.reference` (loading, line search); the tests
compare each pair.

Algorithm B (Dial 2006) keeps per-origin acyclic bushes.

State, one row per origin (``k``) with demand, over the arcs of the CSR graph (arcs sorted by tail):

- ``inb[k, a]``: arc ``a`` is in origin ``k``'s bush (``uint8``: a NumPy bool array viewed as bytes);
- ``f[k, a]``: the flow of origin ``k`` on arc ``a`` (only bush arcs carry flow);
- ``x[a] = sum_k f[k, a]``, ``cost[a]`` and ``der[a]`` (generalised cost and its derivative at ``x``).

:func:`bush_init_kernel` loads every origin on its shortest-path tree (the first bushes);
:func:`bush_sweep_kernel` improves and equilibrates the bushes origin by origin;
:func:`aon_serial_kernel` loads every OD flow on a shortest path; its ``sptt`` is the gap's lower bound.
The shortest paths are Dijkstra's with an indexed 4-ary heap, as in :mod:`corridor._kernels.sssp`.
"""

from libc.math cimport INFINITY, fabs, pow
from libc.stdint cimport int32_t, int64_t, uint8_t
from libc.stdlib cimport free, malloc

import numpy as np

__all__ = ["aon_serial_kernel", "arc_cost_kernel", "bush_init_kernel", "bush_sweep_kernel", "line_search_kernel",
           "reverse_star"]


def reverse_star(head, n):
    """The arcs grouped by head node: ``rarc[rptr[j]:rptr[j + 1]]`` are the arcs into ``j``.

    Examples
    --------
    >>> rptr, rarc = reverse_star(np.array([1, 2, 2]), 3)
    >>> rptr.tolist(), rarc.tolist()
    ([0, 0, 1, 3], [0, 1, 2])
    """
    rarc = np.argsort(head, kind="stable").astype(np.int64)
    rptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(head, minlength=n), out=rptr[1:])
    return rptr, rarc


# --- the 4-ary heap with decrease-key: hkey (keys), hnode (nodes), pos (slot; -1 never queued, -2 settled)

cdef inline int64_t _heap_pop(double* hkey, int32_t* hnode, int32_t* pos, int64_t size) noexcept nogil:
    cdef int64_t i = 0, c, end, best, j
    cdef double key, best_key
    cdef int32_t node
    size -= 1
    if size > 0:
        key = hkey[size]
        node = hnode[size]
        while True:
            c = 4 * i + 1
            if c >= size:
                break
            end = c + 4 if c + 4 < size else size
            best = c
            best_key = hkey[c]
            for j in range(c + 1, end):
                if hkey[j] < best_key:
                    best_key = hkey[j]
                    best = j
            if best_key >= key:
                break
            hkey[i] = best_key
            hnode[i] = hnode[best]
            pos[hnode[best]] = <int32_t>i
            i = best
        hkey[i] = key
        hnode[i] = node
        pos[node] = <int32_t>i
    return size


cdef inline int64_t _heap_push(double* hkey, int32_t* hnode, int32_t* pos, int64_t size, int32_t node,
                               double key) noexcept nogil:
    cdef int64_t i = pos[node], p
    if i < 0:
        i = size
        size += 1
    while i > 0:
        p = (i - 1) >> 2
        if hkey[p] <= key:
            break
        hkey[i] = hkey[p]
        hnode[i] = hnode[p]
        pos[hnode[p]] = <int32_t>i
        i = p
    hkey[i] = key
    hnode[i] = node
    pos[node] = <int32_t>i
    return size


cdef struct Work:
    double* dist
    int64_t* pred
    int32_t* pos
    double* hkey
    int32_t* hnode
    int64_t* order
    uint8_t* want
    double* load


cdef int _work_alloc(Work* w, int64_t n) except -1:
    if n >= 2 ** 31 - 1:
        raise ValueError(f"{n} nodes: the heap indexes nodes with 32-bit integers")
    w.dist = <double*>malloc(max(n, 1) * sizeof(double))
    w.pred = <int64_t*>malloc(max(n, 1) * sizeof(int64_t))
    w.pos = <int32_t*>malloc(max(n, 1) * sizeof(int32_t))
    w.hkey = <double*>malloc(max(n, 1) * sizeof(double))
    w.hnode = <int32_t*>malloc(max(n, 1) * sizeof(int32_t))
    w.order = <int64_t*>malloc(max(n, 1) * sizeof(int64_t))
    w.want = <uint8_t*>malloc(max(n, 1) * sizeof(uint8_t))
    w.load = <double*>malloc(max(n, 1) * sizeof(double))
    if (w.dist == NULL or w.pred == NULL or w.pos == NULL or w.hkey == NULL or w.hnode == NULL
            or w.order == NULL or w.want == NULL or w.load == NULL):
        _work_free(w)
        raise MemoryError()
    cdef int64_t v
    for v in range(n):
        w.want[v] = 0
        w.load[v] = 0.0
    return 0


cdef void _work_free(Work* w) noexcept:
    free(w.dist)
    free(w.pred)
    free(w.pos)
    free(w.hkey)
    free(w.hnode)
    free(w.order)
    free(w.want)
    free(w.load)


cdef int64_t _settle(const int64_t* indptr, const int64_t* head, const double* weights, const uint8_t* nothru,
                     int64_t n, int64_t s, int64_t left, Work* w) noexcept nogil:
    """Dijkstra from ``s`` until ``left`` wanted nodes are settled; the settle order goes in ``w.order``."""
    cdef int64_t v, u, a, size = 1, count = 0
    cdef double d, nd
    for v in range(n):
        w.dist[v] = INFINITY
        w.pred[v] = -1
        w.pos[v] = -1
    w.dist[s] = 0.0
    w.hkey[0] = 0.0
    w.hnode[0] = <int32_t>s
    w.pos[s] = 0
    while size > 0 and left > 0:
        d = w.hkey[0]
        u = w.hnode[0]
        w.pos[u] = -2
        w.order[count] = u
        count += 1
        if w.want[u] == 1:
            w.want[u] = 0
            left -= 1
        size = _heap_pop(w.hkey, w.hnode, w.pos, size)
        if nothru[u] and u != s:  # a zone: paths end here, they do not pass through
            continue
        for a in range(indptr[u], indptr[u + 1]):
            v = head[a]
            nd = d + weights[a]
            if nd < w.dist[v]:
                w.dist[v] = nd
                w.pred[v] = a
                size = _heap_push(w.hkey, w.hnode, w.pos, size, <int32_t>v, nd)
    return count


cdef int64_t _place_demand(Work* w, int64_t lo, int64_t hi, const int64_t* dnode, const double* dflow,
                           double* sptt) noexcept nogil:
    """After a search: each destination's flow onto its node (its ``want`` flag cleared), flow × distance
    added to ``sptt``; returns the pairs with flow and no path (not loaded)."""
    cdef int64_t j, t, missing = 0
    for j in range(lo, hi):
        t = dnode[j]
        w.want[t] = 0
        if dflow[j] <= 0.0:
            continue
        if w.pos[t] != -2:
            missing += 1
            continue
        sptt[0] += dflow[j] * w.dist[t]
        w.load[t] += dflow[j]
    return missing


cdef void _push_tree(Work* w, int64_t count, int64_t s, const int64_t* tail, double* loads,
                     uint8_t* tree) noexcept nogil:
    """The node loads pushed to the root ``s`` in reverse settle order, onto the arcs' ``loads``.

    Every node's subtree is done before it. ``tree`` (if not NULL) marks every arc of the tree.
    """
    cdef int64_t r, v, a
    cdef double q
    for r in range(count - 1, 0, -1):
        v = w.order[r]
        a = w.pred[v]
        if tree != NULL:
            tree[a] = 1
        q = w.load[v]
        if q != 0.0:
            loads[a] += q
            w.load[tail[a]] += q
            w.load[v] = 0.0
    w.load[s] = 0.0


def aon_serial_kernel(const int64_t[::1] indptr, const int64_t[::1] head, const int64_t[::1] tail,
                      const double[::1] weights, zones, const int64_t[::1] origins,
                      const int64_t[::1] dptr, const int64_t[::1] dnode, const double[::1] dflow):
    """All-or-nothing loading on one thread: ``(loads per arc, sptt, pairs with flow and no path)``.

    The signature and results of :func:`corridor._kernels.reference.aon_reference` (``zones``, the
    nodes paths may not pass through, as a bool or byte array): per origin, Dijkstra until its destinations are settled, then each destination's flow
    pushed back to the origin in reverse settle order.

    Examples
    --------
    Five units from node 0 to node 2 over arcs 0→1 (1), 0→2 (3), 1→2 (1), sorted by tail:

    >>> loads, sptt, missing = aon_serial_kernel(np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([0, 0, 1]),
    ...                                          np.array([1.0, 3.0, 1.0]), np.zeros(3, bool), np.array([0]),
    ...                                          np.array([0, 1]), np.array([2]), np.array([5.0]))
    >>> loads.tolist(), sptt, missing
    ([5.0, 0.0, 5.0], 10.0, 0)
    """
    cdef int64_t n = indptr.shape[0] - 1, k, j, t, left, count, s, missing = 0
    cdef double sptt = 0.0
    cdef const uint8_t[::1] nothru = np.ascontiguousarray(zones).view(np.uint8)
    loads_arr = np.zeros(head.shape[0])
    cdef double[::1] loads = loads_arr
    cdef Work w
    _work_alloc(&w, n)
    try:
        with nogil:
            for k in range(origins.shape[0]):
                s = origins[k]
                left = 0
                for j in range(dptr[k], dptr[k + 1]):
                    t = dnode[j]
                    if dflow[j] > 0.0 and w.want[t] == 0:
                        w.want[t] = 1
                        left += 1
                count = _settle(&indptr[0], &head[0], &weights[0], &nothru[0], n, s, left, &w)
                missing += _place_demand(&w, dptr[k], dptr[k + 1], &dnode[0], &dflow[0], &sptt)
                _push_tree(&w, count, s, &tail[0], &loads[0], NULL)
    finally:
        _work_free(&w)
    return loads_arr, sptt, missing


cdef void _slope(const double[::1] x, const double[::1] d, const double[::1] t0, const double[::1] alpha,
                 const double[::1] beta, const double[::1] cap, const double[::1] fixed, double tau,
                 double* g, double* dg) noexcept nogil:
    """The derivative ``g(tau)`` of the objective along ``x + tau (d - x)``, and its own derivative."""
    cdef int64_t i
    cdef double di, v, c, a, b, r, r2, p, p1
    g[0] = 0.0
    dg[0] = 0.0
    for i in range(x.shape[0]):
        di = d[i] - x[i]
        if di == 0.0:
            continue
        v = x[i] + tau * di
        if v < 0.0:
            v = 0.0
        c = fixed[i] + t0[i]
        a = alpha[i]
        if a != 0.0:
            b = beta[i]
            r = v / cap[i]
            if b == 4.0:  # nearly every BPR link: two squarings rather than pow
                r2 = r * r
                p1 = r2 * r
                p = r2 * r2
            elif b == 0.0:
                p1 = 0.0
                p = 1.0
            else:
                p1 = pow(r, b - 1.0) if r > 0.0 else 0.0
                p = p1 * r if r > 0.0 else 0.0
            c += t0[i] * a * p
            dg[0] += di * di * t0[i] * a * b * p1 / cap[i]
        g[0] += di * c


def line_search_kernel(const double[::1] x, const double[::1] d, const double[::1] t0, const double[::1] alpha,
                       const double[::1] beta, const double[::1] cap, const double[::1] fixed, double tol):
    """The step ``tau`` in [0, 1] minimising the Beckmann objective along ``x + tau (d - x)``.

    As :func:`corridor._kernels.reference.line_search_reference`, by safeguarded Newton: a Newton
    step on the objective's slope inside the bracket, bisection when it would leave it.

    Examples
    --------
    Two parallel links, the first with the BPR time ``1 + x / 10``, the second a constant 2 hours:

    >>> x, d = np.array([20.0, 0.0]), np.array([0.0, 20.0])
    >>> t0, alpha, beta = np.array([1.0, 2.0]), np.array([1.0, 0.0]), np.array([1.0, 1.0])
    >>> cap, fixed = np.array([10.0, 1.0]), np.zeros(2)
    >>> round(line_search_kernel(x, d, t0, alpha, beta, cap, fixed, 1e-12), 6)  # 10 on each: both take 2
    0.5
    """
    return _line_search(x, d, t0, alpha, beta, cap, fixed, tol)


cdef double _line_search(const double[::1] x, const double[::1] d, const double[::1] t0, const double[::1] alpha,
                         const double[::1] beta, const double[::1] cap, const double[::1] fixed,
                         double tol) noexcept nogil:
    cdef double g, dg, lo = 0.0, hi = 1.0, tau = 0.0, nxt
    _slope(x, d, t0, alpha, beta, cap, fixed, 1.0, &g, &dg)
    if g <= 0.0:
        return 1.0
    while True:
        _slope(x, d, t0, alpha, beta, cap, fixed, tau, &g, &dg)
        if g > 0.0:
            hi = tau
        else:
            lo = tau
        if tau == 0.0 and g >= 0.0:
            return 0.0
        if hi - lo <= tol:
            return 0.5 * (lo + hi)
        nxt = tau - g / dg if dg > 0.0 else -1.0
        if not (lo < nxt < hi):
            nxt = 0.5 * (lo + hi)
        if fabs(nxt - tau) <= tol:
            return nxt
        tau = nxt


cdef inline void _arc_cost(double xa, double t0, double alpha, double beta, double cap, double fixed,
                           double* c, double* der) noexcept nogil:
    """BPR generalised cost ``t0 (1 + alpha (x / cap) ** beta) + fixed`` and its derivative at flow ``xa``."""
    cdef double r, r2, p, p1
    if alpha == 0.0:
        c[0] = t0 + fixed
        der[0] = 0.0
        return
    if beta == 0.0:
        c[0] = t0 * (1.0 + alpha) + fixed
        der[0] = 0.0
        return
    r = xa / cap if xa > 0.0 else 0.0
    if beta == 4.0:  # nearly every BPR link: squarings rather than pow
        r2 = r * r
        p1 = r2 * r
        p = r2 * r2
    elif beta == 1.0:
        p1 = 1.0
        p = r
    elif r > 0.0:
        p1 = pow(r, beta - 1.0)
        p = p1 * r
    else:
        p = 0.0
        p1 = 0.0 if beta > 1.0 else 1e12  # beta < 1: infinite slope at 0; a large finite one keeps steps small
    c[0] = t0 * (1.0 + alpha * p) + fixed
    der[0] = t0 * alpha * beta * p1 / cap


def arc_cost_kernel(double xa, double t0, double alpha, double beta, double cap, double fixed):
    """BPR generalised cost and its derivative at flow ``xa`` (``alpha == 0``: no delay term).

    Examples
    --------
    >>> cost, der = arc_cost_kernel(100.0, 10.0, 0.15, 4.0, 100.0, 0.0)
    >>> round(cost, 12), round(der, 12)
    (11.5, 0.06)
    """
    cdef double c, d
    _arc_cost(xa, t0, alpha, beta, cap, fixed, &c, &d)
    return c, d


def bush_init_kernel(const int64_t[::1] indptr, const int64_t[::1] head, const int64_t[::1] tail,
                     const uint8_t[::1] nothru, const double[::1] cost, const int64_t[::1] origins,
                     const int64_t[::1] dptr, const int64_t[::1] dnode, const double[::1] dflow,
                     double[:, ::1] f, uint8_t[:, ::1] inb):
    """Load each origin on its full shortest-path tree at ``cost``; the tree is its first bush.

    Fills rows of ``f`` and ``inb`` (zeroed by the caller); returns the count of OD pairs with flow
    and no path.

    Examples
    --------
    Five units from node 0 to node 2 over arcs 0→1 (1), 0→2 (3), 1→2 (1):

    >>> indptr, head, tail = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([0, 0, 1])
    >>> f, inb = np.zeros((1, 3)), np.zeros((1, 3), dtype=np.uint8)
    >>> bush_init_kernel(indptr, head, tail, np.zeros(3, np.uint8), np.array([1.0, 3.0, 1.0]),
    ...                  np.array([0]), np.array([0, 1]), np.array([2]), np.array([5.0]), f, inb)
    0
    >>> f.tolist(), inb.tolist()
    ([[5.0, 0.0, 5.0]], [[1, 0, 1]])
    """
    cdef int64_t n = indptr.shape[0] - 1, k, s, count, missing = 0
    cdef double total = 0.0  # (flow × distance: unused here)
    cdef Work w
    _work_alloc(&w, n)
    try:
        with nogil:
            for k in range(origins.shape[0]):
                s = origins[k]
                count = _settle(&indptr[0], &head[0], &cost[0], &nothru[0], n, s, n + 1, &w)
                missing += _place_demand(&w, dptr[k], dptr[k + 1], &dnode[0], &dflow[0], &total)
                _push_tree(&w, count, s, &tail[0], &f[k, 0], &inb[k, 0])
    finally:
        _work_free(&w)
    return missing


# --- one bush: the helpers of bush_sweep_kernel, on raw pointers to origin k's rows

cdef struct Graph:
    const int64_t* indptr
    const int64_t* head
    const int64_t* tail
    const int64_t* rptr
    const int64_t* rarc
    const uint8_t* nothru
    int64_t n
    int64_t m


cdef struct Arcs:  # the arcs' flows, costs and BPR parameters (shared by every bush)
    double* x
    double* cost
    double* der
    const double* t0
    const double* alpha
    const double* beta
    const double* cap
    const double* fixed


cdef struct Labels:
    int64_t* indeg
    double* lo
    double* hi
    int64_t* minp
    int64_t* maxp
    int64_t* tpos


cdef int64_t _topo(const Graph* g, const uint8_t* inb, int64_t root, int64_t* order, int64_t* indeg) noexcept nogil:
    """Bush nodes in topological order from ``root`` (Kahn); returns how many."""
    cdef int64_t v, a, u, i = 0, count = 1
    for v in range(g.n):
        indeg[v] = 0
    for a in range(g.m):
        if inb[a]:
            indeg[g.head[a]] += 1
    order[0] = root
    while i < count:
        u = order[i]
        i += 1
        for a in range(g.indptr[u], g.indptr[u + 1]):
            if inb[a]:
                v = g.head[a]
                indeg[v] -= 1
                if indeg[v] == 0:
                    order[count] = v
                    count += 1
    return count


cdef void _labels(const Graph* g, int64_t count, const int64_t* order, const uint8_t* inb, const double* fr,
                  const double* cost, Labels* lb, bint used_only, double ftol) noexcept nogil:
    """Shortest bush path ``lo`` (arc ``minp``) and longest used (or, not ``used_only``, any) bush path ``hi``."""
    cdef int64_t root = order[0], k, j, t, a, i, mp, xp
    cdef double lj, hj, c
    lb.lo[root] = 0.0
    lb.hi[root] = 0.0
    lb.minp[root] = -1
    lb.maxp[root] = -1
    for k in range(1, count):
        j = order[k]
        lj = INFINITY
        hj = -INFINITY
        mp = -1
        xp = -1
        for t in range(g.rptr[j], g.rptr[j + 1]):
            a = g.rarc[t]
            if not inb[a]:
                continue
            i = g.tail[a]
            c = lb.lo[i] + cost[a]
            if c < lj:
                lj = c
                mp = a
            if fr[a] > ftol or not used_only:
                c = lb.hi[i] + cost[a]
                if c > hj:
                    hj = c
                    xp = a
        lb.lo[j] = lj
        lb.minp[j] = mp
        if xp < 0:
            lb.hi[j] = lj
            lb.maxp[j] = -1
        else:
            lb.hi[j] = hj
            lb.maxp[j] = xp


cdef void _prune(const Graph* g, int64_t count, const int64_t* order, uint8_t* inb, double* fr, double* x,
                 const int64_t* minp, double ftol) noexcept nogil:
    """Drop unused bush arcs off the shortest bush tree ``minp``, with their flow (rounding: at most ``ftol``)."""
    cdef int64_t k, j, t, a
    for k in range(1, count):
        j = order[k]
        for t in range(g.rptr[j], g.rptr[j + 1]):
            a = g.rarc[t]
            if inb[a] and fr[a] <= ftol and a != minp[j]:
                inb[a] = 0
                if fr[a] != 0.0:
                    x[a] = x[a] - fr[a] if x[a] - fr[a] > 0.0 else 0.0
                    fr[a] = 0.0


cdef int64_t _improve(const Graph* g, uint8_t* inb, double* fr, Arcs* arcs, int64_t root, int64_t* order,
                      Labels* lb, double ftol) noexcept nogil:
    """Drop unused arcs off the shortest bush tree, add shortcut arcs; returns the bush node count after."""
    cdef int64_t count, added = 0, k, i, a, v
    count = _topo(g, inb, root, order, lb.indeg)
    _labels(g, count, order, inb, fr, arcs.cost, lb, True, ftol)
    _prune(g, count, order, inb, fr, arcs.x, lb.minp, ftol)
    for v in range(g.n):  # nodes outside the bush: any arc reaching them is a shortcut
        lb.hi[v] = INFINITY
    _labels(g, count, order, inb, fr, arcs.cost, lb, False, ftol)
    for k in range(count):
        i = order[k]
        if g.nothru[i] and i != root:
            continue
        for a in range(g.indptr[i], g.indptr[i + 1]):
            if not inb[a] and g.head[a] != root and lb.hi[i] + arcs.cost[a] < lb.hi[g.head[a]]:
                inb[a] = 1
                added += 1
    return _topo(g, inb, root, order, lb.indeg) if added else count


cdef int64_t _divergence(int64_t j, const int64_t* tail, const int64_t* minp, const int64_t* maxp,
                         const int64_t* tpos) noexcept nogil:
    """The last node the shortest and the longest used path to ``j`` share (-1: no used path, rounding)."""
    cdef int64_t u, w, a
    if maxp[j] < 0:
        return -1
    u = tail[minp[j]]
    w = tail[maxp[j]]
    while u != w:
        if tpos[u] > tpos[w]:
            u = tail[minp[u]]
        else:
            a = maxp[w]
            if a < 0:
                return -1
            w = tail[a]
    return u


cdef void _segment(int64_t j, int64_t div, const int64_t* pred, const int64_t* tail, const double* cost,
                   const double* der, const double* fr, double* c, double* d, double* fmin) noexcept nogil:
    """Cost, cost derivative and least origin flow of the path ``pred`` from ``div`` to ``j``."""
    cdef int64_t v = j, a
    c[0] = 0.0
    d[0] = 0.0
    fmin[0] = INFINITY
    while v != div:
        a = pred[v]
        c[0] += cost[a]
        d[0] += der[a]
        if fr[a] < fmin[0]:
            fmin[0] = fr[a]
        v = tail[a]


cdef void _move(int64_t j, int64_t div, const int64_t* pred, double dx, double ftol, const int64_t* tail,
                double* fr, Arcs* arcs) noexcept nogil:
    """Add ``dx`` (negative: remove) to the origin flow on the path ``pred`` from ``div`` to ``j``."""
    cdef int64_t v = j, a
    cdef double change
    while v != div:
        a = pred[v]
        change = dx
        if dx < 0.0 and fr[a] + dx <= ftol:
            change = -fr[a]
        fr[a] += change
        arcs.x[a] = arcs.x[a] + change if arcs.x[a] + change > 0.0 else 0.0
        _arc_cost(arcs.x[a], arcs.t0[a], arcs.alpha[a], arcs.beta[a], arcs.cap[a], arcs.fixed[a],
                  &arcs.cost[a], &arcs.der[a])
        v = tail[a]


cdef double _equilibrate(const Graph* g, int64_t count, const int64_t* order, const uint8_t* inb, double* fr,
                         Arcs* arcs, Labels* lb, double thresh, int64_t passes, double ftol) noexcept nogil:
    """Up to ``passes`` label-and-shift passes over one bush; returns the largest excess seen at a pass start."""
    cdef double worst = 0.0, excess, cmin, dmin, cmax, dmax, fmin, unused, diff, dsum, dx
    cdef int64_t k, r, j, div, it
    for k in range(count):
        lb.tpos[order[k]] = k
    for it in range(passes):
        _labels(g, count, order, inb, fr, arcs.cost, lb, True, ftol)
        excess = 0.0
        for r in range(count - 1, 0, -1):
            j = order[r]
            if lb.maxp[j] < 0 or lb.hi[j] - lb.lo[j] <= thresh:
                continue
            if lb.hi[j] - lb.lo[j] > excess:
                excess = lb.hi[j] - lb.lo[j]
            div = _divergence(j, g.tail, lb.minp, lb.maxp, lb.tpos)
            if div < 0:
                continue
            _segment(j, div, lb.minp, g.tail, arcs.cost, arcs.der, fr, &cmin, &dmin, &unused)
            _segment(j, div, lb.maxp, g.tail, arcs.cost, arcs.der, fr, &cmax, &dmax, &fmin)
            diff = cmax - cmin
            if diff <= 0.0 or fmin <= 0.0:  # (the excess may lie upstream, at the divergence node)
                continue
            dsum = dmin + dmax
            dx = fmin
            if dsum > 0.0 and diff / dsum < fmin:
                dx = diff / dsum
            _move(j, div, lb.maxp, -dx, ftol, g.tail, fr, arcs)
            _move(j, div, lb.minp, dx, ftol, g.tail, fr, arcs)
        if excess > worst:
            worst = excess
        if excess <= thresh:
            break
    return worst


def bush_sweep_kernel(const int64_t[::1] indptr, const int64_t[::1] head, const int64_t[::1] tail,
                      const int64_t[::1] rptr, const int64_t[::1] rarc, const uint8_t[::1] nothru,
                      const int64_t[::1] origins, double[:, ::1] f, uint8_t[:, ::1] inb, int64_t[:, ::1] orders,
                      int64_t[::1] counts, uint8_t[::1] active, double[::1] x, double[::1] cost, double[::1] der,
                      const double[::1] t0, const double[::1] alpha, const double[::1] beta,
                      const double[::1] cap, const double[::1] fixed, double thresh, int64_t passes,
                      bint improve, const double[::1] ftol):
    """One visit of the origins: improve each bush (if ``improve``), then up to ``passes`` equilibrating passes.

    ``orders[k, :counts[k]]`` is bush ``k``'s topological order, set when it is improved and reused
    until then. Without ``improve`` only the origins marked ``active`` (excess above ``thresh`` at
    their last visit) are visited; ``active`` is updated. ``cost`` and ``der`` are recomputed from
    ``x`` first, then kept current. ``ftol[k]``: origin flows up to this are rounding (a tiny share
    of the origin's demand) and are dropped. Returns the largest excess cost above ``thresh``
    (longest used minus shortest bush path to a node) seen at the start of a pass; 0 if none was.

    Examples
    --------
    Two parallel routes 0→1 (cost ``1 + x / 10`` and a constant 2), 20 units loaded on the first:
    a sweep puts 10 on each, both then cost 2:

    >>> indptr, head, tail = np.array([0, 2, 2]), np.array([1, 1]), np.array([0, 0])
    >>> rptr, rarc = reverse_star(head, 2)
    >>> t0, alpha, beta = np.array([1.0, 2.0]), np.array([1.0, 0.0]), np.array([1.0, 1.0])
    >>> cap, fixed = np.array([10.0, 1.0]), np.zeros(2)
    >>> f, inb, x = np.array([[20.0, 0.0]]), np.array([[1, 0]], np.uint8), np.array([20.0, 0.0])
    >>> orders, counts = np.zeros((1, 2), dtype=np.int64), np.zeros(1, dtype=np.int64)
    >>> active = np.ones(1, dtype=np.uint8)
    >>> cost, der = np.empty(2), np.empty(2)
    >>> _ = bush_sweep_kernel(indptr, head, tail, rptr, rarc, np.zeros(2, np.uint8), np.array([0]), f, inb,
    ...                       orders, counts, active, x, cost, der, t0, alpha, beta, cap, fixed, 1e-12, 3, True,
    ...                       np.array([1e-12]))
    >>> x.round(9).tolist(), cost.round(9).tolist()
    ([10.0, 10.0], [2.0, 2.0])
    """
    cdef int64_t n = indptr.shape[0] - 1, m = head.shape[0], k, a
    cdef double worst = 0.0, excess
    cdef Graph g
    cdef Arcs arcs
    cdef Labels lb
    with nogil:
        for a in range(m):
            _arc_cost(x[a], t0[a], alpha[a], beta[a], cap[a], fixed[a], &cost[a], &der[a])
    if m == 0 or origins.shape[0] == 0:
        return 0.0
    g.indptr = &indptr[0]
    g.head = &head[0]
    g.tail = &tail[0]
    g.rptr = &rptr[0]
    g.rarc = &rarc[0]
    g.nothru = &nothru[0]
    g.n = n
    g.m = m
    arcs.x = &x[0]
    arcs.cost = &cost[0]
    arcs.der = &der[0]
    arcs.t0 = &t0[0]
    arcs.alpha = &alpha[0]
    arcs.beta = &beta[0]
    arcs.cap = &cap[0]
    arcs.fixed = &fixed[0]
    lb.indeg = <int64_t*>malloc(n * sizeof(int64_t))
    lb.lo = <double*>malloc(n * sizeof(double))
    lb.hi = <double*>malloc(n * sizeof(double))
    lb.minp = <int64_t*>malloc(n * sizeof(int64_t))
    lb.maxp = <int64_t*>malloc(n * sizeof(int64_t))
    lb.tpos = <int64_t*>malloc(n * sizeof(int64_t))
    try:
        if (lb.indeg == NULL or lb.lo == NULL or lb.hi == NULL or lb.minp == NULL or lb.maxp == NULL
                or lb.tpos == NULL):
            raise MemoryError()
        with nogil:
            for k in range(origins.shape[0]):
                if improve:
                    counts[k] = _improve(&g, &inb[k, 0], &f[k, 0], &arcs, origins[k], &orders[k, 0], &lb, ftol[k])
                elif not active[k]:
                    continue
                excess = _equilibrate(&g, counts[k], &orders[k, 0], &inb[k, 0], &f[k, 0], &arcs, &lb, thresh,
                                      passes, ftol[k])
                active[k] = excess > thresh
                if excess > worst:
                    worst = excess
    finally:
        free(lb.indeg)
        free(lb.lo)
        free(lb.hi)
        free(lb.minp)
        free(lb.maxp)
        free(lb.tpos)
    return worst
