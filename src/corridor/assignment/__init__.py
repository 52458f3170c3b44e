"""Layer 1: freight flow assignment.

- System view: :class:`FreightLP` / :func:`solve_lp`, a capacity-constrained multicommodity
  min-cost flow on HiGHS with unserved-demand slack and a bottleneck ranking from the duals.
- Behavioural view: :func:`equilibrium`, user equilibrium with volume-delay functions
  (Frank-Wolfe family and gradient projection), validated on TNTP research networks; and
  :func:`freight_equilibrium`, the same on the transfer-expanded multicommodity freight graph,
  where capacities of links, ports, borders and gauge changes become delays.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported now: the function ``equilibrium`` must shadow its module of the same name.
from corridor.assignment.eq_results import EquilibriumResult
from corridor.assignment.equilibrium import EquilibriumOptions, equilibrium

if TYPE_CHECKING:
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

# The rest is imported on first use (PEP 562); no name here pulls in numba and its kernels until it runs.
_HOME = {
    "FreightDelays": "freight_eq", "FreightEquilibriumOptions": "freight_eq", "FreightEquilibriumResult": "freight_eq",
    "TransferCurve": "freight_eq", "freight_equilibrium": "freight_eq", "FreightLP": "lp", "solve_lp": "lp",
    "LPResult": "lp_results",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(importlib.import_module(f"corridor.assignment.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
