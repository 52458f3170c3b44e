"""corridor: freight-corridor planning between China, Central Asia, the Caucasus, Türkiye and Europe.

The Python API in one screen::

    import corridor

    ds = corridor.load()                                   # the built-in eurasia network and 2021 demand
    routes = corridor.route(ds, "Dostyk", "Poti", avoid_countries=["RU"])
    routes.to_frame()                                      # one row per route; routes.best.to_frame(): legs
    lp = corridor.assign(ds, method="lp")                  # or method="equilibrium"
    lp.to_frame(), lp.bottlenecks()
    run = corridor.run_scenario("northern-route-closed")   # a file or a built-in scenario, vs its baseline
    run.to_frame(), run.write_report("closed.html")
    cal = corridor.calibrate()                             # shippers' choice fitted to the 2021 targets
    sim = corridor.simulate_hub("aktau-hub", days=365, replications=5, seed=1)
    store = corridor.open_store()                          # runs recorded by the CLI; store.sql("select ...")
    perf = corridor.cpmm("shipments.csv")                  # CAREC CPMM indicators of a shipment log
    tcd = corridor.tcd("shipments.csv")                    # UNESCAP time/cost-distance, per trip and section

Every result has ``to_frame()``, ``to_dict()``, ``to_html()`` and shows as a table with a map or
chart in a notebook. Subpackages (``corridor.routing``, ``corridor.assignment``, ``corridor.hub``,
``corridor.scenarios`` ...) hold the engines; they are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from corridor.exceptions import ConvergenceWarning, CorridorError, InputError, NetworkValidationError, NodeNotFound

if TYPE_CHECKING:
    from corridor._toplevel import (
        Progress,
        assign,
        calibrate,
        cpmm,
        load,
        open_store,
        premium_curve,
        read_log,
        route,
        run_scenario,
        simulate_hub,
        sweep,
        tcd,
    )
    from corridor._version import __version__
    from corridor.model import Dataset, Network
    from corridor.results import (
        Assignment,
        Calibration,
        CorridorPerformance,
        HubSimulation,
        PremiumCurve,
        Result,
        Routes,
        ScenarioRun,
        Sweep,
        TimeCostDistance,
    )
    from corridor.routing import NoRoute

__all__ = [
    "Assignment",
    "Calibration",
    "ConvergenceWarning",
    "CorridorError",
    "CorridorPerformance",
    "Dataset",
    "HubSimulation",
    "InputError",
    "Network",
    "NetworkValidationError",
    "NoRoute",
    "NodeNotFound",
    "PremiumCurve",
    "Progress",
    "Result",
    "Routes",
    "ScenarioRun",
    "Sweep",
    "TimeCostDistance",
    "__version__",
    "assign",
    "calibrate",
    "cpmm",
    "load",
    "open_store",
    "premium_curve",
    "read_log",
    "route",
    "run_scenario",
    "simulate_hub",
    "sweep",
    "tcd",
]

_SUBPACKAGES = frozenset({"analytics", "assignment", "data", "hub", "io", "model", "parallel", "report", "results",
                          "routing", "scenarios", "validation"})
_TOPLEVEL = ("Progress", "assign", "calibrate", "cpmm", "load", "open_store", "premium_curve", "read_log", "route",
             "run_scenario", "simulate_hub", "sweep", "tcd")
_RESULTS = ("Assignment", "Calibration", "CorridorPerformance", "HubSimulation", "PremiumCurve", "Result", "Routes",
            "ScenarioRun", "Sweep", "TimeCostDistance")
_LAZY = {"__version__": "corridor._version", "Dataset": "corridor.model", "Network": "corridor.model",
         "NoRoute": "corridor.routing", **dict.fromkeys(_TOPLEVEL, "corridor._toplevel"),
         **dict.fromkeys(_RESULTS, "corridor.results")}


def __getattr__(name: str) -> Any:
    """Import subpackages, the API functions and the result types on first use, so that ``import corridor`` stays light.

    (A script that only reads a network and runs an engine then imports neither the results nor their
    tables and charts.)
    """
    if name in _SUBPACKAGES:
        return importlib.import_module(f"corridor.{name}")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module 'corridor' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBPACKAGES)
