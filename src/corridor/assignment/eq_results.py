"""The result of a traffic equilibrium: link flows and times, gap, convergence history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from corridor.model import Network

__all__ = ["EquilibriumResult", "IterationRecord"]


@dataclass(frozen=True)
class IterationRecord:
    """One line of the convergence history.

    Parameters
    ----------
    iteration
        1 for the first gap computed (at the all-or-nothing loading on free-flow costs).
    gap
        Relative gap ``(TSTT - SPTT) / TSTT`` of the flows at the start of the iteration.
    tstt
        Total generalised cost ``Σ v · c(v)`` of those flows.
    step
        The step size taken from them (``nan`` when the run stopped there, and for ``gp``, which
        has one step per path).
    seconds
        Wall time since the start of the run.

    Examples
    --------
    >>> from corridor.model import Demand, DemandRow, Link, Network, Node
    >>> nodes = [Node(i, i, "", "junction", 0.0, 0.0) for i in "ab"]
    >>> links = [Link("fast", "a", "b", "road", time_h=1.0, oneway=True, vdf_alpha=1.0, vdf_beta=1.0,
    ...               vdf_capacity=10.0),
    ...          Link("slow", "a", "b", "road", time_h=2.0, oneway=True)]
    >>> net, demand = Network("two", nodes, links), Demand([DemandRow("d", "a", "b", "trips", 0, 20.0)])
    >>> from corridor.assignment import EquilibriumOptions, equilibrium
    >>> res = equilibrium(net, demand, EquilibriumOptions(method="fw", gap=1e-9))
    >>> first = res.history[0]
    >>> first.iteration, round(first.gap, 6), round(first.tstt, 6)
    (1, 0.333333, 60.0)
    """

    iteration: int
    gap: float
    tstt: float
    step: float
    seconds: float


@dataclass(frozen=True, eq=False)
class EquilibriumResult:
    """Link flows at (approximate) user equilibrium.

    Attributes
    ----------
    method
        The algorithm (``msa``, ``fw``, ``cfw``, ``bfw``, ``gp``).
    network
        The network assigned.
    flows, costs
        Flow and travel time (VDF time, the file's time unit) per link, in the order of
        ``network.links``, in the ``a→b`` direction.
    reverse_flows, reverse_costs
        The same in the ``b→a`` direction (zero flow and ``nan`` time on one-way links).
    gap
        Final relative gap.
    iterations
        Iterations run (all-or-nothing loadings after the first).
    converged
        Whether ``gap`` reached the target.
    total_travel_time
        ``Σ flow · time`` over links and directions (TSTT in time units × flow units).
    beckmann
        The Beckmann objective ``Σ ∫_0^v c(x) dx`` of the flows (generalised cost).
    history
        One :class:`IterationRecord` per iteration.
    seconds
        Wall time of the run.

    Examples
    --------
    >>> from corridor.model import Demand, DemandRow, Link, Network, Node
    >>> nodes = [Node(i, i, "", "junction", 0.0, 0.0) for i in "ab"]
    >>> links = [Link("fast", "a", "b", "road", time_h=1.0, oneway=True, vdf_alpha=1.0, vdf_beta=1.0,
    ...               vdf_capacity=10.0),
    ...          Link("slow", "a", "b", "road", time_h=2.0, oneway=True)]
    >>> net, demand = Network("two", nodes, links), Demand([DemandRow("d", "a", "b", "trips", 0, 20.0)])
    >>> from corridor.assignment import EquilibriumOptions, equilibrium
    >>> res = equilibrium(net, demand, EquilibriumOptions(method="fw", gap=1e-9))
    >>> res.converged, [round(float(c), 6) for c in res.costs]
    (True, [2.0, 2.0])
    >>> res.links_frame()[["link", "flow", "time"]].round(6).values.tolist()
    [['fast', 10.0, 2.0], ['slow', 10.0, 2.0]]
    """

    method: str
    network: Network = field(repr=False)
    flows: np.ndarray = field(repr=False)
    costs: np.ndarray = field(repr=False)
    reverse_flows: np.ndarray = field(repr=False)
    reverse_costs: np.ndarray = field(repr=False)
    gap: float
    iterations: int
    converged: bool
    total_travel_time: float
    beckmann: float
    history: tuple[IterationRecord, ...] = field(repr=False, default=())
    seconds: float = 0.0

    def to_dict(self, *, history: bool = False) -> dict[str, Any]:
        """A JSON-serialisable summary (plain floats); ``history=True`` adds the iterations."""
        out: dict[str, Any] = {
            "method": self.method,
            "network": self.network.name,
            "gap": float(self.gap),
            "iterations": int(self.iterations),
            "converged": bool(self.converged),
            "total_travel_time": float(self.total_travel_time),
            "beckmann": float(self.beckmann),
            "seconds": float(self.seconds),
            "links": len(self.flows),
            "total_flow": float(self.flows.sum() + self.reverse_flows.sum()),
        }
        if history:
            out["history"] = [{"iteration": int(h.iteration), "gap": float(h.gap), "tstt": float(h.tstt),
                               "step": None if np.isnan(h.step) else float(h.step), "seconds": float(h.seconds)}
                              for h in self.history]
        return out

    def links_frame(self) -> pd.DataFrame:
        """A table of links: ``link, a, b, flow, time, capacity, voc`` (and ``reverse_*`` if two-way)."""
        import pandas as pd

        links = self.network.links
        cap = np.array([np.nan if lk.vdf_capacity is None else lk.vdf_capacity for lk in links], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            voc = np.where(cap > 0, self.flows / cap, np.nan)
        frame = pd.DataFrame({
            "link": [lk.id for lk in links], "a": [lk.a for lk in links], "b": [lk.b for lk in links],
            "flow": self.flows, "time": self.costs, "capacity": cap, "voc": voc,
        })
        if not all(lk.oneway for lk in links):
            frame["reverse_flow"] = self.reverse_flows
            frame["reverse_time"] = self.reverse_costs
        return frame
