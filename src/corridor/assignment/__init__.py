"""Layer 1: freight flow assignment.

- System view: :class:`FreightLP` / :func:`solve_lp`, a capacity-constrained multicommodity
  min-cost flow on HiGHS with unserved-demand slack and a bottleneck ranking from the duals.
- Behavioural view: :func:`equilibrium`, user equilibrium with volume-delay functions
  (Frank-Wolfe family and gradient projection), validated on TNTP research networks; and
  :func:`freight_equilibrium`, the same on the transfer-expanded multicommodity freight graph,
  where capacities of links, ports, borders and gauge changes become delays.
"""

from __future__ import annotations

from corridor.assignment.eq_results import EquilibriumResult
from corridor.assignment.equilibrium import EquilibriumOptions, equilibrium
from corridor.assignment.freight_eq import (
    FreightDelays,
    FreightEquilibriumOptions,
    FreightEquilibriumResult,
    TransferCurve,
    freight_equilibrium,
)
from corridor.assignment.lp import FreightLP, solve_lp
from corridor.assignment.lp_results import LPResult

__all__ = [
    "EquilibriumOptions", "EquilibriumResult", "FreightDelays", "FreightEquilibriumOptions", "FreightEquilibriumResult",
    "FreightLP", "LPResult", "TransferCurve", "equilibrium", "freight_equilibrium", "solve_lp",
]
