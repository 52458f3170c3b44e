"""Algorithm B's state for :func:`corridor.assignment.equilibrium.equilibrium` (method ``"b"``).

The bushes and origin flows live in two ``origins × arcs`` arrays (float64 flows, bool membership:
9 bytes per origin and arc); the loops are in :mod:`corridor._kernels.ue`, compiled with Cython, so
that nothing here imports numba; the gap's shortest paths (:meth:`Bushes.shortest_path_total`) are
the serial loading's, from there too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from corridor._kernels.ue import aon_serial_kernel, bush_init_kernel, bush_sweep_kernel, reverse_star
from corridor.exceptions import InputError

if TYPE_CHECKING:
    from corridor.assignment.aon import AssignmentProblem

__all__ = ["Bushes"]

FLOW_TOL = 1e-12
"""Origin flows below this share of the origin's demand are rounding, and are dropped."""
PASSES = 1
"""Equilibrating passes per origin and visit."""
ROUNDS = 40
"""Most visits of the origins per sweep: the first improves the bushes, the others only move flow, and
only for origins whose bush was not within the threshold at their last visit. Costs change as the
other origins move, so several short visits beat one long one (measured on a 1,000-node grid:
1 pass × 40 rounds reached 1e-8 in 7 iterations, 2 × 20 in 8, 1 × 10 in 11)."""


class Bushes:
    """Per-origin acyclic bushes with their flows, loaded on shortest-path trees at free-flow cost.

    Parameters
    ----------
    problem
        The compiled problem.
    t0, alpha, beta, cap, fixed
        Per arc BPR parameters with missing capacities folded into ``alpha = 0``, and the fixed
        generalised cost (toll and distance terms).

    Examples
    --------
    >>> from corridor.model import Demand, DemandRow, Link, Network, Node
    >>> from corridor.assignment.aon import AssignmentProblem
    >>> nodes = [Node(i, i, "", "junction", 0.0, 0.0) for i in "ab"]
    >>> links = [Link("fast", "a", "b", "road", time_h=1.0, oneway=True, vdf_alpha=1.0, vdf_beta=1.0,
    ...               vdf_capacity=10.0),
    ...          Link("slow", "a", "b", "road", time_h=2.0, oneway=True)]
    >>> p = AssignmentProblem.build(Network("two", nodes, links), Demand([DemandRow("d", "a", "b", "trips", 0, 20.0)]))
    >>> zero = np.zeros(2)
    >>> b = Bushes(p, p.t0, np.array([1.0, 0.0]), np.array([1.0, 0.0]), np.array([10.0, 1.0]), zero)
    >>> b.x.tolist()
    [20.0, 0.0]
    >>> _ = b.sweep(1e-12)
    >>> b.x.round(9).tolist()
    [10.0, 10.0]
    """

    def __init__(self, problem: AssignmentProblem, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray,
                 cap: np.ndarray, fixed: np.ndarray) -> None:
        self.p = problem
        cn = problem.compiled
        self.params = (np.ascontiguousarray(t0, dtype=np.float64), np.ascontiguousarray(alpha, dtype=np.float64),
                       np.ascontiguousarray(beta, dtype=np.float64), np.ascontiguousarray(cap, dtype=np.float64),
                       np.ascontiguousarray(fixed, dtype=np.float64))
        self.rptr, self.rarc = reverse_star(cn.head, cn.n_nodes)
        shape = (len(problem.origins), cn.n_arcs)
        self.f = np.zeros(shape)
        self.inb = np.zeros(shape, dtype=np.bool_)
        self.orders = np.zeros((len(problem.origins), cn.n_nodes), dtype=np.int64)
        self.counts = np.zeros(len(problem.origins), dtype=np.int64)
        self.active = np.ones(len(problem.origins), dtype=np.bool_)
        self.cost = self.params[0] + self.params[4]
        self.der = np.zeros(cn.n_arcs)
        self.nothru = problem.nothru.view(np.uint8)
        missing = bush_init_kernel(cn.indptr, cn.head, cn.tail, self.nothru, self.cost, problem.origins,
                                   problem.dptr, problem.dnode, problem.dflow, self.f, self.inb.view(np.uint8))
        if missing:
            msg = f"{int(missing)} OD pair(s) with positive demand have no path in the network"
            raise InputError(msg)
        self.x = self.f.sum(axis=0)
        per_origin = np.add.reduceat(problem.dflow, problem.dptr[:-1]) if len(problem.origins) else np.zeros(0)
        self.ftol = FLOW_TOL * per_origin

    def sweep(self, thresh: float, passes: int = PASSES, rounds: int = ROUNDS) -> float:
        """Improve and equilibrate every origin's bush once; return the largest excess path cost seen.

        ``thresh`` is the excess cost (longest used path minus shortest, to one node) below which
        flow is left where it is. The link flows :attr:`x` are summed anew from the origin flows
        afterwards, so that rounding does not accumulate.
        """
        cn = self.p.compiled
        worst = 0.0
        for r in range(rounds):
            w = bush_sweep_kernel(cn.indptr, cn.head, cn.tail, self.rptr, self.rarc, self.nothru, self.p.origins,
                                  self.f, self.inb.view(np.uint8), self.orders, self.counts,
                                  self.active.view(np.uint8), self.x, self.cost,
                                  self.der, *self.params, float(thresh),
                                  int(passes), r == 0, self.ftol)
            worst = max(worst, w)
            if w <= thresh:
                break
        np.sum(self.f, axis=0, out=self.x)
        return float(worst)

    def shortest_path_total(self, cost: np.ndarray) -> float:
        """Every OD flow times its shortest-path cost at the arc ``cost``: the relative gap's lower bound.

        Raises
        ------
        InputError
            If an OD pair with flow has no path (the bushes were built, so only if ``cost`` is infinite).
        """
        p = self.p
        cn = p.compiled
        _, total, missing = aon_serial_kernel(cn.indptr, cn.head, cn.tail, np.ascontiguousarray(cost, dtype=np.float64),
                                              p.nothru, p.origins, p.dptr, p.dnode, p.dflow)
        if missing:
            msg = f"{int(missing)} OD pair(s) with positive demand have no path at these costs"
            raise InputError(msg)
        return float(total)
