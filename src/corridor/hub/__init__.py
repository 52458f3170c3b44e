"""Layer 1: discrete-event simulation of a container hub (the Aktau hub), validated against queueing theory.

>>> from corridor import hub
>>> cfg = hub.load_config("aktau-hub")
>>> cfg.yard_capacity_teu, cfg.tracks
(2760, 3)
>>> hub.load_curve("aktau-hub").evaluate(0.0) > 0
True

See docs/HUB.md for the model, its parameters and their sources, and the validation.
"""

from __future__ import annotations

from corridor.hub.config import HubConfig, NoSteadyStateWarning, QueueSpec, Service, builtin_configs, load_config
from corridor.hub.curve import CurvePoint, HubDelayCurve, fit_curve, fit_delay_curve, load_curve
from corridor.hub.kpis import Estimate, estimate
from corridor.hub.simulate import SimulationResult, simulate
from corridor.hub.sweep import SweepPoint, SweepResult, sweep
from corridor.hub.theory import erlang_c, mg1_wait, mmc_wait, theoretical_wait
from corridor.model.distributions import Distribution

__all__ = [
    "CurvePoint",
    "Distribution",
    "Estimate",
    "HubConfig",
    "HubDelayCurve",
    "NoSteadyStateWarning",
    "QueueSpec",
    "Service",
    "SimulationResult",
    "SweepPoint",
    "SweepResult",
    "builtin_configs",
    "erlang_c",
    "estimate",
    "fit_curve",
    "fit_delay_curve",
    "load_config",
    "load_curve",
    "mg1_wait",
    "mmc_wait",
    "simulate",
    "sweep",
    "theoretical_wait",
]
