"""Recording hub simulations in the run store (kind ``hub``), next to scenario and sweep runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from corridor.hub import SimulationResult
    from corridor.scenarios.store import RunStore

__all__ = ["hub_run_spec", "hub_tables", "record_hub_run"]


def hub_run_spec(result: SimulationResult) -> dict[str, Any]:
    """What decides a simulation's result: the config's figures and how it was run."""
    return {"config": result.config.to_dict(), "source_file": result.config.source_file, "days": result.days,
            "warmup_days": result.warmup_days, "replications": result.replications, "seed": result.seed}


def hub_tables(result: SimulationResult) -> dict[str, pd.DataFrame]:
    """``hub_kpis`` (one row per KPI: mean, sd, 95 % interval, replications) and ``hub_series`` (daily means)."""
    import pandas as pd

    kpis = []
    for name, est in result.kpis.items():
        low, high = est.ci if est.ci is not None else (None, None)
        kpis.append({"kpi": name, "mean": est.mean, "sd": est.sd if est.n > 1 else None, "ci_low": low,
                     "ci_high": high, "n": est.n})
    series = [{"series": name, "day": day + 1, "value": float(v)}
              for name, values in result.series.items() for day, v in enumerate(values)]
    return {"hub_kpis": pd.DataFrame(kpis, columns=["kpi", "mean", "sd", "ci_low", "ci_high", "n"]),
            "hub_series": pd.DataFrame(series, columns=["series", "day", "value"])}


def record_hub_run(store: RunStore, result: SimulationResult) -> str:
    """Record a finished simulation as a ``hub`` run; returns its run id."""
    from corridor.scenarios.store import hash_spec

    spec = hub_run_spec(result)
    run_id = store.start("hub", result.config.name, spec, hash_spec(spec), seed=result.seed)
    summary = {k: v for k, v in result.to_dict().items() if k not in ("series", "replicates")}
    store.finish(run_id, summary=summary, tables=hub_tables(result), elapsed_s=result.elapsed_s)
    return run_id
