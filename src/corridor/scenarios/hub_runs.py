"""Recording hub simulations in the run store (kind ``hub``), next to scenario and sweep runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from corridor.hub import SimulationResult
    from corridor.scenarios.store import RunStore

__all__ = ["hub_run_spec", "hub_tables", "kpi_frame", "kpi_unit", "record_hub_run"]


def hub_run_spec(result: SimulationResult) -> dict[str, Any]:
    """What decides a simulation's result: the config's figures and how it was run.

    Examples
    --------
    >>> from corridor.hub import load_config, simulate
    >>> result = simulate(load_config("aktau-hub"), days=60, warmup_days=5, replications=2, seed=1)
    >>> spec = hub_run_spec(result)
    >>> list(spec), spec["days"], spec["replications"]
    (['config', 'source_file', 'days', 'warmup_days', 'replications', 'seed'], 60, 2)
    """
    return {"config": result.config.to_dict(), "source_file": result.config.source_file, "days": result.days,
            "warmup_days": result.warmup_days, "replications": result.replications, "seed": result.seed}


_UNITS = (("_h", "h"), ("throughput_teu", "TEU/yr"), ("_teu", "TEU"), ("teu_into_yard_total", "TEU"),
          ("teu_out_of_yard_total", "TEU"), ("yard_teu_end", "TEU"), ("over_threshold", "share"),
          ("utilisation", "share"), ("occupancy", "share"), ("_share", "share"), ("_prob", "share"),
          ("_calls", "calls"), ("days_closed", "days"), ("_per_yr", "per year"))
"""KPI name suffix → unit (the first match wins)."""


def kpi_unit(name: str) -> str:
    """The unit of a hub KPI from its name: ``vessel_wait_mean_h`` → ``h``, ``yard_occupancy_p95`` → ``share``.

    Examples
    --------
    >>> kpi_unit("vessel_wait_mean_h"), kpi_unit("yard_occupancy_p95"), kpi_unit("backlog_teu")
    ('h', 'share', 'TEU')
    """
    base = name.removesuffix("_p95").removesuffix("_max").removesuffix("_mean")
    for suffix, unit in _UNITS:
        if base.endswith(suffix) or name.endswith(suffix):
            return unit
    return ""


def kpi_frame(result: SimulationResult) -> pd.DataFrame:
    """One row per KPI: mean, sd, 95 % interval, its p95 companion (if any), unit and replications.

    Examples
    --------
    >>> from corridor.hub import load_config, simulate
    >>> result = simulate(load_config("aktau-hub"), days=60, warmup_days=5, replications=2, seed=1)
    >>> frame = kpi_frame(result)
    >>> frame.columns.tolist()
    ['kpi', 'mean', 'sd', 'ci_low', 'ci_high', 'half_width', 'level', 'p95', 'unit', 'n']
    >>> frame.loc[frame["kpi"] == "berth_utilisation", ["unit", "n"]].values.tolist()
    [['share', 2]]
    """
    import pandas as pd

    rows = []
    kpis = result.kpis
    for name, est in kpis.items():
        low, high = est.ci if est.ci is not None else (None, None)
        companion = name.replace("_mean", "_p95", 1) if "_mean" in name else ""
        p95 = kpis[companion].mean if companion in kpis else None
        rows.append({"kpi": name, "mean": est.mean, "sd": est.sd if est.n > 1 else None, "ci_low": low,
                     "ci_high": high, "half_width": est.half_width if est.ci is not None else None,
                     "level": est.level, "p95": p95, "unit": kpi_unit(name), "n": est.n})
    return pd.DataFrame(rows, columns=["kpi", "mean", "sd", "ci_low", "ci_high", "half_width", "level", "p95", "unit",
                                       "n"])


def hub_tables(result: SimulationResult) -> dict[str, pd.DataFrame]:
    """``hub_kpis`` (:func:`kpi_frame`) and ``hub_series`` (daily means over replications).

    Examples
    --------
    >>> from corridor.hub import load_config, simulate
    >>> result = simulate(load_config("aktau-hub"), days=60, warmup_days=5, replications=2, seed=1)
    >>> tables = hub_tables(result)
    >>> list(tables), tables["hub_series"].columns.tolist()
    (['hub_kpis', 'hub_series'], ['series', 'day', 'value'])
    """
    import pandas as pd

    series = [{"series": name, "day": day + 1, "value": float(v)}
              for name, values in result.series.items() for day, v in enumerate(values)]
    return {"hub_kpis": kpi_frame(result), "hub_series": pd.DataFrame(series, columns=["series", "day", "value"])}


def record_hub_run(store: RunStore, result: SimulationResult) -> str:
    """Record a finished simulation as a ``hub`` run; returns its run id.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from corridor.hub import load_config, simulate
    >>> from corridor.scenarios import RunStore
    >>> result = simulate(load_config("aktau-hub"), days=60, warmup_days=5, replications=2, seed=1)
    >>> store = RunStore(Path(tempfile.mkdtemp()) / "runs.duckdb")
    >>> run = store.get(record_hub_run(store, result))
    >>> run["kind"], run["name"], run["status"], run["seed"]
    ('hub', 'aktau-hub', 'done', 1)
    >>> sorted(store.tables(run["run_id"]))
    ['hub_kpis', 'hub_series']
    """
    from corridor.scenarios.store import hash_spec

    spec = hub_run_spec(result)
    run_id = store.start("hub", result.config.name, spec, hash_spec(spec), seed=result.seed)
    summary = {k: v for k, v in result.to_dict().items() if k not in ("series", "replicates")}
    store.finish(run_id, summary=summary, tables=hub_tables(result), elapsed_s=result.elapsed_s)
    return run_id
