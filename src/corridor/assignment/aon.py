"""All-or-nothing loading: every OD flow on one shortest path at fixed arc costs.

:class:`AssignmentProblem` is the compiled form an equilibrium works on (CSR arcs with their VDF
parameters, demand grouped by origin, the zones that paths may not pass through);
:func:`all_or_nothing` loads it once. The loop lives in :mod:`corridor._kernels.assign`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.exceptions import InputError, Problem
from corridor.model.compiled import CompiledNetwork

if TYPE_CHECKING:
    from corridor.model import Demand, Network

__all__ = ["AssignmentProblem", "all_or_nothing", "is_small", "loading_kernel"]

_log = logging.getLogger(__name__)


def _num(value: float | None, missing: float) -> float:
    return missing if value is None else float(value)


@dataclass(frozen=True, eq=False)
class AssignmentProblem:
    """A network and a demand compiled for assignment.

    Attributes
    ----------
    compiled
        The network's CSR arrays; one arc per direction of each link.
    t0, alpha, beta, capacity, fixed
        Per arc: free-flow time, BPR ``alpha`` and ``beta`` (0 where missing: no delay), capacity
        (``inf`` where missing) and the fixed generalised cost added to the time.
    toll, length
        Per arc, for the generalised cost.
    nothru
        Per node: paths may leave it only at their origin (zones of research networks).
    origins, dptr, dnode, dflow
        Demand grouped by origin node index (see :mod:`corridor._kernels.assign`).
    total_demand
        Sum of the loaded OD flows (intrazonal flows excluded).

    Examples
    --------
    >>> from corridor.model import Demand, DemandRow, Link, Network, Node
    >>> nodes = [Node(i, i, "", "junction", 0.0, 0.0) for i in "abc"]
    >>> links = [Link("ab", "a", "b", "road", time_h=1.0, oneway=True),
    ...          Link("bc", "b", "c", "road", time_h=1.0, oneway=True),
    ...          Link("ac", "a", "c", "road", time_h=3.0, oneway=True)]
    >>> p = AssignmentProblem.build(Network("n", nodes, links), Demand([DemandRow("d", "a", "c", "trips", 0, 5.0)]))
    >>> p.t0.tolist(), p.total_demand, p.compiled.n_arcs
    ([1.0, 3.0, 1.0], 5.0, 3)
    """

    compiled: CompiledNetwork
    t0: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    capacity: np.ndarray
    toll: np.ndarray
    length: np.ndarray
    nothru: np.ndarray
    origins: np.ndarray
    dptr: np.ndarray
    dnode: np.ndarray
    dflow: np.ndarray
    total_demand: float

    @classmethod
    def build(cls, network: Network, demand: Demand) -> AssignmentProblem:
        """Compile ``network`` and group ``demand`` (its ``tonnes``) by origin.

        Raises
        ------
        InputError
            If a demand row names a node that the network lacks, or a flow is negative.
        """
        cn = CompiledNetwork.build(network)
        links = [network.links[i] for i in cn.arc_link]
        t0 = cn.time_h.copy()
        alpha = np.array([_num(lk.vdf_alpha, 0.0) for lk in links], dtype=np.float64)
        beta = np.array([_num(lk.vdf_beta, 0.0) for lk in links], dtype=np.float64)
        cap = np.array([_num(lk.vdf_capacity, np.inf) for lk in links], dtype=np.float64)
        toll = np.array([lk.toll for lk in links], dtype=np.float64)
        nothru = np.array([not nd.thru for nd in network.nodes], dtype=np.bool_)
        od: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for row in demand:
            for end in (row.origin, row.destination):
                if end not in cn.node_index:
                    raise InputError(Problem(f"demand row {row.id}", "origin" if end == row.origin else
                                             "destination", f"unknown node {end!r}"))
            if not row.tonnes >= 0:
                raise InputError(Problem(f"demand row {row.id}", "tonnes", f"flow must not be negative, "
                                         f"got {row.tonnes!r}"))
            if row.origin != row.destination and row.tonnes > 0:
                od[cn.node_index[row.origin]][cn.node_index[row.destination]] += float(row.tonnes)
        origins = np.array(sorted(od), dtype=np.int64)
        dptr = np.zeros(len(origins) + 1, dtype=np.int64)
        dnode: list[int] = []
        dflow: list[float] = []
        for k, o in enumerate(origins):
            dests = od[int(o)]
            for d in sorted(dests):
                dnode.append(d)
                dflow.append(dests[d])
            dptr[k + 1] = len(dnode)
        return cls(cn, t0, alpha, beta, cap, toll, cn.distance_km.copy(), nothru, origins, dptr,
                   np.array(dnode, dtype=np.int64), np.array(dflow, dtype=np.float64), float(sum(dflow)))


def loading_kernel(problem: AssignmentProblem) -> Any:
    """The loading for ``problem``: plain Python when small, Cython on one thread, numba's threads when large.

    Below :data:`corridor._kernels.reference.SMALL_WORK` origins × arcs the plain-Python reference
    is about as fast per call; up to :data:`corridor._kernels.reference.PARALLEL_WORK` the serial
    loading compiled with Cython (:func:`corridor._kernels.ue.aon_serial_kernel`), which spares the
    process numba's start-up; above, :func:`corridor._kernels.assign.aon_kernel` on several threads.

    Examples
    --------
    >>> from corridor.model import Demand, DemandRow, Link, Network, Node
    >>> nodes = [Node(i, i, "", "junction", 0.0, 0.0) for i in "ab"]
    >>> p = AssignmentProblem.build(Network("n", nodes, [Link("ab", "a", "b", "road", time_h=1.0, oneway=True)]),
    ...                             Demand([DemandRow("d", "a", "b", "trips", 0, 5.0)]))
    >>> loading_kernel(p).__name__
    'aon_reference'
    """
    from corridor._kernels.reference import PARALLEL_WORK, aon_reference

    if is_small(problem):
        return aon_reference
    if len(problem.origins) * problem.compiled.n_arcs < PARALLEL_WORK:
        from corridor._kernels.ue import aon_serial_kernel

        return aon_serial_kernel
    from corridor._kernels.assign import aon_kernel

    return aon_kernel


def is_small(problem: AssignmentProblem) -> bool:
    """Whether ``problem`` is small enough for the plain-Python references (see :func:`loading_kernel`).

    Examples
    --------
    >>> from corridor.model import Demand, DemandRow, Link, Network, Node
    >>> nodes = [Node(i, i, "", "junction", 0.0, 0.0) for i in "ab"]
    >>> is_small(AssignmentProblem.build(Network("n", nodes, [Link("ab", "a", "b", "road", time_h=1.0, oneway=True)]),
    ...                                  Demand([DemandRow("d", "a", "b", "trips", 0, 5.0)])))
    True
    """
    from corridor._kernels.reference import SMALL_WORK

    return len(problem.origins) * problem.compiled.n_arcs <= SMALL_WORK


def all_or_nothing(problem: AssignmentProblem, costs: np.ndarray, *, kernel: Any = None,
                   ) -> tuple[np.ndarray, float]:
    """Load every OD flow on its shortest path at the arc ``costs``.

    Parameters
    ----------
    problem
        The compiled problem.
    costs
        Non-negative cost per arc.
    kernel
        The implementation (default: :func:`loading_kernel` of the problem).

    Returns
    -------
    loads, sptt
        Arc loads and the shortest-path total ``Σ flow · shortest cost``.

    Raises
    ------
    InputError
        If some OD flow has no path (or a cost is negative or NaN).

    Examples
    --------
    >>> from corridor.model import Demand, DemandRow, Link, Network, Node
    >>> nodes = [Node(i, i, "", "junction", 0.0, 0.0) for i in "abc"]
    >>> links = [Link("ab", "a", "b", "road", time_h=1.0, oneway=True),
    ...          Link("bc", "b", "c", "road", time_h=1.0, oneway=True),
    ...          Link("ac", "a", "c", "road", time_h=3.0, oneway=True)]
    >>> p = AssignmentProblem.build(Network("n", nodes, links), Demand([DemandRow("d", "a", "c", "trips", 0, 5.0)]))
    >>> loads, sptt = all_or_nothing(p, p.t0)
    >>> loads.tolist(), sptt
    ([5.0, 0.0, 5.0], 10.0)

    The 5 trips take a-b-c (2 hours) rather than the direct 3-hour link; arcs are in the order of ``p.t0``.
    """
    cn = problem.compiled
    w = np.ascontiguousarray(costs, dtype=np.float64)
    if w.size and not w.min() >= 0:
        msg = f"arc costs must be non-negative, got {float(np.nanmin(w))!r} (or NaN)"
        raise InputError(msg)
    run = kernel if kernel is not None else loading_kernel(problem)
    loads, sptt, missing = run(cn.indptr, cn.head, cn.tail, w, problem.nothru, problem.origins,
                               problem.dptr, problem.dnode, problem.dflow)
    if missing:
        msg = f"{int(missing)} OD pair(s) with positive demand have no path in the network"
        raise InputError(msg)
    return loads, float(sptt)
