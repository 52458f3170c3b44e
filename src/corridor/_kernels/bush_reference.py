"""Algorithm B (Dial 2006) in plain Python: the reference for the compiled loops of :mod:`corridor._kernels.ue`.

State, one row per origin (``k``) with demand, over the arcs of the CSR graph (arcs sorted by tail):

- ``inb[k, a]``: arc ``a`` is in origin ``k``'s bush, an acyclic subgraph rooted at the origin;
- ``f[k, a]``: the flow of origin ``k`` on arc ``a`` (only bush arcs carry flow);
- ``x[a] = Σ_k f[k, a]``, ``cost[a]`` and ``der[a]`` (the generalised cost and its derivative at
  ``x``), kept current as flow moves.

:func:`bush_init_reference` loads every origin on its shortest-path tree (the first bushes).
:func:`bush_sweep_reference` visits the origins in turn (Gauss-Seidel: costs are updated after every
shift) and, for each:

1. *improves* the bush (with ``improve``): labels in topological order give the shortest bush
   path to every node; unused arcs off that tree leave the bush; then, with ``P[j]`` the longest
   bush path to ``j`` (a potential: ``P[j] >= P[i] + c[i, j]`` on every bush arc), every arc
   ``(i, j)`` with ``P[i] + c[i, j] < P[j]`` joins it. The potential rises strictly along new arcs
   and weakly along old ones, so no cycle can form; once the bush is at equilibrium ``P`` equals the
   shortest-path labels and the test is Wardrop's condition itself;
2. *equilibrates* it (``passes`` times, or until no node's longest used path costs more than
   ``thresh`` above its shortest bush path): min and max labels (shortest bush path, longest *used*
   path) in topological order; then, node by node from the last in topological order to the first,
   the two paths are traced back to the node where they diverge (stepping back the one further
   along in topological order until they meet), and a Newton step ``Δ = (c_max − c_min) / Σ c'``
   (at most the least origin flow on the max segment) moves flow from the max segment to the min
   one. The caller repeats visits without improvement, only for origins still above ``thresh``
   (``active``), since the other origins' moves change the costs.

Zones that paths may not pass through (``nothru``) never have a bush arc leaving them, except at
their own origin. :mod:`corridor._kernels.ue` (Cython) is this code statement for statement,
compiled when corridor is installed; the tests run both on random networks and compare.
"""

from __future__ import annotations

import numpy as np

from corridor._kernels.assign import _settle, work_kernel

__all__ = ["arc_cost_reference", "bush_init_reference", "bush_sweep_reference"]


def _arc_cost(xa: float, t0: float, alpha: float, beta: float, cap: float, fixed: float) -> tuple[float, float]:
    """BPR generalised cost ``t0 (1 + alpha (x / cap) ** beta) + fixed`` and its derivative at flow ``xa``.

    ``alpha == 0`` means no delay term (the caller folds missing capacities into it).

    Examples
    --------
    >>> cost, der = _arc_cost(100.0, 10.0, 0.15, 4.0, 100.0, 0.0)
    >>> round(cost, 12), round(der, 12)
    (11.5, 0.06)
    """
    if alpha == 0.0:
        return t0 + fixed, 0.0
    if beta == 0.0:
        return t0 * (1.0 + alpha) + fixed, 0.0
    r = xa / cap if xa > 0.0 else 0.0
    if beta == 4.0:  # nearly every BPR link: squarings rather than pow
        r2 = r * r
        p1 = r2 * r
        p = r2 * r2
    elif beta == 1.0:
        p1 = 1.0
        p = r
    elif r > 0.0:
        p1 = r ** (beta - 1.0)
        p = p1 * r
    else:
        p = 0.0
        p1 = 0.0 if beta > 1.0 else 1e12  # beta < 1: infinite slope at 0; a large finite one keeps steps small
    return t0 * (1.0 + alpha * p) + fixed, t0 * alpha * beta * p1 / cap


arc_cost_reference = _arc_cost


def _bush_init(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, nothru: np.ndarray, cost: np.ndarray,
               origins: np.ndarray, dptr: np.ndarray, dnode: np.ndarray, dflow: np.ndarray,
               f: np.ndarray, inb: np.ndarray) -> int:
    """Load each origin on its full shortest-path tree at ``cost``; the tree is its first bush.

    Fills rows of ``f`` and ``inb`` (zeroed by the caller); returns the count of OD pairs with flow
    and no path.

    Examples
    --------
    Five units from node 0 to node 2 over arcs 0→1 (1), 0→2 (3), 1→2 (1):

    >>> indptr, head, tail = np.array([0, 2, 3, 3]), np.array([1, 2, 2]), np.array([0, 0, 1])
    >>> f, inb = np.zeros((1, 3)), np.zeros((1, 3), dtype=np.bool_)
    >>> _bush_init(indptr, head, tail, np.zeros(3, dtype=np.bool_), np.array([1.0, 3.0, 1.0]),
    ...                  np.array([0]), np.array([0, 1]), np.array([2]), np.array([5.0]), f, inb)
    0
    >>> f.tolist(), inb.tolist()
    ([[5.0, 0.0, 5.0]], [[True, False, True]])
    """
    n = indptr.shape[0] - 1
    dist, pred, pos, hkey, hnode, order, node_load, want = work_kernel(n)
    missing = 0
    for k in range(origins.shape[0]):
        s = origins[k]
        for v in range(n):
            dist[v] = np.inf
            pred[v] = -1
            pos[v] = -1
        dist[s] = 0.0
        hkey[0] = 0.0
        hnode[0] = s
        pos[s] = 0
        count = _settle(indptr, head, cost, nothru, s, n + 1, dist, pred, pos, hkey, hnode, order, want)
        for j in range(dptr[k], dptr[k + 1]):
            t = dnode[j]
            if dflow[j] <= 0.0:
                continue
            if pos[t] != -2:
                missing += 1
                continue
            node_load[t] += dflow[j]
        row = f[k]
        for r in range(count - 1, 0, -1):  # every node's subtree is done before it
            v = order[r]
            a = pred[v]
            inb[k, a] = True
            q = node_load[v]
            if q != 0.0:
                row[a] += q
                node_load[tail[a]] += q
                node_load[v] = 0.0
        node_load[s] = 0.0
    return missing


def _topo(indptr: np.ndarray, head: np.ndarray, inb: np.ndarray, root: int, order: np.ndarray,
          indeg: np.ndarray) -> int:
    """Bush nodes in topological order from ``root`` (Kahn); returns how many."""
    for v in range(indeg.shape[0]):
        indeg[v] = 0
    for a in range(head.shape[0]):
        if inb[a]:
            indeg[head[a]] += 1
    order[0] = root
    count = 1
    i = 0
    while i < count:
        u = order[i]
        i += 1
        for a in range(indptr[u], indptr[u + 1]):
            if inb[a]:
                v = head[a]
                indeg[v] -= 1
                if indeg[v] == 0:
                    order[count] = v
                    count += 1
    return count


def _labels(count: int, order: np.ndarray, rptr: np.ndarray, rarc: np.ndarray, tail: np.ndarray,
            inb: np.ndarray, fr: np.ndarray, cost: np.ndarray, lo: np.ndarray, hi: np.ndarray,
            minp: np.ndarray, maxp: np.ndarray, used_only: bool, ftol: float) -> None:
    """Shortest bush path ``lo`` (arc ``minp``) and longest used (or, not ``used_only``, any) bush path ``hi``.

    An arc is used if its origin flow exceeds ``ftol``. A node that no used arc enters gets ``hi = lo``
    and ``maxp = -1``.
    """
    root = order[0]
    lo[root] = 0.0
    hi[root] = 0.0
    minp[root] = -1
    maxp[root] = -1
    for k in range(1, count):
        j = order[k]
        lj = np.inf
        hj = -np.inf
        mp = -1
        xp = -1
        for t in range(rptr[j], rptr[j + 1]):
            a = rarc[t]
            if not inb[a]:
                continue
            i = tail[a]
            c = lo[i] + cost[a]
            if c < lj:
                lj = c
                mp = a
            if fr[a] > ftol or not used_only:
                c = hi[i] + cost[a]
                if c > hj:
                    hj = c
                    xp = a
        lo[j] = lj
        minp[j] = mp
        if xp < 0:
            hi[j] = lj
            maxp[j] = -1
        else:
            hi[j] = hj
            maxp[j] = xp


def _prune(count: int, order: np.ndarray, rptr: np.ndarray, rarc: np.ndarray, inb: np.ndarray, fr: np.ndarray,
           x: np.ndarray, minp: np.ndarray, ftol: float) -> None:
    """Drop unused bush arcs off the shortest bush tree ``minp``, with their flow (rounding: at most ``ftol``)."""
    for k in range(1, count):
        j = order[k]
        for t in range(rptr[j], rptr[j + 1]):
            a = rarc[t]
            if inb[a] and fr[a] <= ftol and a != minp[j]:
                inb[a] = False
                if fr[a] != 0.0:
                    x[a] = max(x[a] - fr[a], 0.0)
                    fr[a] = 0.0


def _improve(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, rptr: np.ndarray, rarc: np.ndarray,
             nothru: np.ndarray, inb: np.ndarray, fr: np.ndarray, x: np.ndarray, cost: np.ndarray, root: int,
             order: np.ndarray, indeg: np.ndarray, lo: np.ndarray, hi: np.ndarray, minp: np.ndarray,
             maxp: np.ndarray, ftol: float) -> int:
    """Drop unused arcs off the shortest bush tree, add shortcut arcs; returns the bush node count after."""
    count = _topo(indptr, head, inb, root, order, indeg)
    _labels(count, order, rptr, rarc, tail, inb, fr, cost, lo, hi, minp, maxp, True, ftol)
    _prune(count, order, rptr, rarc, inb, fr, x, minp, ftol)
    hi[:] = np.inf  # nodes outside the bush: any arc reaching them is a shortcut
    _labels(count, order, rptr, rarc, tail, inb, fr, cost, lo, hi, minp, maxp, False, ftol)
    added = 0
    for k in range(count):
        i = order[k]
        if nothru[i] and i != root:
            continue
        for a in range(indptr[i], indptr[i + 1]):
            if not inb[a] and head[a] != root and hi[i] + cost[a] < hi[head[a]]:
                inb[a] = True
                added += 1
    return _topo(indptr, head, inb, root, order, indeg) if added else count


def _divergence(j: int, tail: np.ndarray, minp: np.ndarray, maxp: np.ndarray, tpos: np.ndarray) -> int:
    """The last node the shortest and the longest used path to ``j`` share (-1: no used path, rounding).

    Both paths visit nodes in decreasing topological position ``tpos`` as they are walked back, so
    stepping the one further along until they meet finds it in as many steps as the two segments have.
    """
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


def _segment(j: int, div: int, pred: np.ndarray, tail: np.ndarray, cost: np.ndarray, der: np.ndarray,
             fr: np.ndarray) -> tuple[float, float, float]:
    """Cost, cost derivative and least origin flow of the path ``pred`` from ``div`` to ``j``."""
    c = 0.0
    d = 0.0
    fmin = np.inf
    v = j
    while v != div:
        a = pred[v]
        c += cost[a]
        d += der[a]
        fmin = min(fmin, fr[a])
        v = tail[a]
    return c, d, fmin


def _move(j: int, div: int, pred: np.ndarray, dx: float, ftol: float, tail: np.ndarray, fr: np.ndarray,
          x: np.ndarray, cost: np.ndarray, der: np.ndarray, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray,
          cap: np.ndarray, fixed: np.ndarray) -> None:
    """Add ``dx`` (negative: remove) to the origin flow on the path ``pred`` from ``div`` to ``j``.

    An arc that a removal leaves with at most ``ftol`` (rounding) is emptied.
    """
    v = j
    while v != div:
        a = pred[v]
        change = dx
        if dx < 0.0 and fr[a] + dx <= ftol:
            change = -fr[a]
        fr[a] += change
        x[a] = max(x[a] + change, 0.0)
        cost[a], der[a] = _arc_cost(x[a], t0[a], alpha[a], beta[a], cap[a], fixed[a])
        v = tail[a]


def _equilibrate(count: int, order: np.ndarray, rptr: np.ndarray, rarc: np.ndarray, tail: np.ndarray,
                 inb: np.ndarray, fr: np.ndarray, x: np.ndarray, cost: np.ndarray, der: np.ndarray,
                 t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray, cap: np.ndarray, fixed: np.ndarray,
                 lo: np.ndarray, hi: np.ndarray, minp: np.ndarray, maxp: np.ndarray, tpos: np.ndarray,
                 thresh: float, passes: int, ftol: float) -> float:
    """Up to ``passes`` label-and-shift passes over one bush; returns the largest excess seen at a pass start."""
    worst = 0.0
    for k in range(count):
        tpos[order[k]] = k
    for _ in range(passes):
        _labels(count, order, rptr, rarc, tail, inb, fr, cost, lo, hi, minp, maxp, True, ftol)
        excess = 0.0
        for r in range(count - 1, 0, -1):
            j = order[r]
            if maxp[j] < 0 or hi[j] - lo[j] <= thresh:
                continue
            excess = max(excess, hi[j] - lo[j])
            div = _divergence(j, tail, minp, maxp, tpos)
            if div < 0:
                continue
            cmin, dmin, _ = _segment(j, div, minp, tail, cost, der, fr)
            cmax, dmax, fmin = _segment(j, div, maxp, tail, cost, der, fr)
            diff = cmax - cmin
            if diff <= 0.0 or fmin <= 0.0:  # (the excess may lie upstream, at the divergence node)
                continue
            dsum = dmin + dmax
            dx = min(fmin, diff / dsum) if dsum > 0.0 else fmin
            _move(j, div, maxp, -dx, ftol, tail, fr, x, cost, der, t0, alpha, beta, cap, fixed)
            _move(j, div, minp, dx, ftol, tail, fr, x, cost, der, t0, alpha, beta, cap, fixed)
        worst = max(worst, excess)
        if excess <= thresh:
            break
    return worst


def _bush_sweep(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, rptr: np.ndarray, rarc: np.ndarray,
                nothru: np.ndarray, origins: np.ndarray, f: np.ndarray, inb: np.ndarray, orders: np.ndarray,
                counts: np.ndarray, active: np.ndarray, x: np.ndarray, cost: np.ndarray, der: np.ndarray,
                t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray, cap: np.ndarray, fixed: np.ndarray,
                thresh: float, passes: int, improve: bool, ftol: np.ndarray) -> float:
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
    >>> from corridor._kernels.ue import reverse_star
    >>> rptr, rarc = reverse_star(head, 2)
    >>> t0, alpha, beta = np.array([1.0, 2.0]), np.array([1.0, 0.0]), np.array([1.0, 1.0])
    >>> cap, fixed = np.array([10.0, 1.0]), np.zeros(2)
    >>> f, inb, x = np.array([[20.0, 0.0]]), np.array([[True, False]]), np.array([20.0, 0.0])
    >>> orders, counts = np.zeros((1, 2), dtype=np.int64), np.zeros(1, dtype=np.int64)
    >>> active = np.ones(1, dtype=np.bool_)
    >>> cost, der = np.empty(2), np.empty(2)
    >>> _ = _bush_sweep(indptr, head, tail, rptr, rarc, np.zeros(2, dtype=np.bool_), np.array([0]), f, inb,
    ...                       orders, counts, active, x, cost, der, t0, alpha, beta, cap, fixed, 1e-12, 3, True,
    ...                       np.array([1e-12]))
    >>> x.round(9).tolist(), cost.round(9).tolist()
    ([10.0, 10.0], [2.0, 2.0])
    """
    n = indptr.shape[0] - 1
    indeg = np.empty(n, dtype=np.int64)
    lo = np.empty(n)
    hi = np.empty(n)
    minp = np.empty(n, dtype=np.int64)
    maxp = np.empty(n, dtype=np.int64)
    tpos = np.empty(n, dtype=np.int64)
    worst = 0.0
    for a in range(x.shape[0]):
        cost[a], der[a] = _arc_cost(x[a], t0[a], alpha[a], beta[a], cap[a], fixed[a])
    for k in range(origins.shape[0]):
        order = orders[k]
        if improve:
            counts[k] = _improve(indptr, head, tail, rptr, rarc, nothru, inb[k], f[k], x, cost, origins[k], order,
                                 indeg, lo, hi, minp, maxp, ftol[k])
        elif not active[k]:
            continue
        excess = _equilibrate(counts[k], order, rptr, rarc, tail, inb[k], f[k], x, cost, der, t0, alpha, beta, cap,
                              fixed, lo, hi, minp, maxp, tpos, thresh, passes, ftol[k])
        active[k] = excess > thresh
        worst = max(worst, excess)
    return worst


bush_init_reference = _bush_init
bush_sweep_reference = _bush_sweep
