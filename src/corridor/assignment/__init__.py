"""Layer 1: freight flow assignment.

- System view: :class:`FreightLP` / :func:`solve_lp`, a capacity-constrained multicommodity
  min-cost flow on HiGHS with unserved-demand slack and a bottleneck ranking from the duals.
- Behavioural view: :func:`equilibrium`, user equilibrium with volume-delay functions
  (Frank-Wolfe family), validated on TNTP research networks.
"""

from __future__ import annotations

from corridor.assignment.eq_results import EquilibriumResult
from corridor.assignment.equilibrium import EquilibriumOptions, equilibrium
from corridor.assignment.lp import FreightLP, solve_lp
from corridor.assignment.lp_results import LPResult

__all__ = ["EquilibriumOptions", "EquilibriumResult", "FreightLP", "LPResult", "equilibrium", "solve_lp"]
