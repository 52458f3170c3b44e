"""Layer 2: scenarios — what-if runs against a baseline, a run store, and Monte Carlo sweeps.

- :func:`load_scenario` reads and checks a scenario file, or a built-in scenario by name
  (:mod:`corridor.scenarios.spec`);
- :func:`apply_changes` turns it into a changed network and demand (:mod:`~corridor.scenarios.changes`);
- :func:`run_spec` runs the engine and summarises (:mod:`~corridor.scenarios.run`);
- :func:`compare_runs` says what changed against a baseline (:mod:`~corridor.scenarios.compare`);
- :func:`run_sweep` samples the uncertain parameters in parallel, on a process pool or a Dask
  cluster (:mod:`~corridor.scenarios.sweep`);
- :class:`RunStore` records every run in DuckDB (:mod:`~corridor.scenarios.store`).
"""

from __future__ import annotations

from corridor.scenarios.changes import Applied, apply_changes
from corridor.scenarios.compare import compare_runs
from corridor.scenarios.run import RunOutcome, load_base, run_spec
from corridor.scenarios.spec import (
    Change,
    ScenarioSpec,
    Uncertain,
    load_scenario,
    parse_scenario,
    scenario_file,
    scenario_from_text,
)
from corridor.scenarios.store import RunStore, default_store_path
from corridor.scenarios.sweep import SweepResult, draw_params, run_sweep

__all__ = [
    "Applied",
    "Change",
    "RunOutcome",
    "RunStore",
    "ScenarioSpec",
    "SweepResult",
    "Uncertain",
    "apply_changes",
    "compare_runs",
    "default_store_path",
    "draw_params",
    "load_base",
    "load_scenario",
    "parse_scenario",
    "run_spec",
    "run_sweep",
    "scenario_file",
    "scenario_from_text",
]
