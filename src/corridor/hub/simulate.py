"""Seeded replications of the hub (or pure-queue) model and their summary with confidence intervals."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from corridor.exceptions import InputError, Problem
from corridor.hub.config import HubConfig
from corridor.hub.kpis import Estimate, summarise
from corridor.hub.model import run_hub_replication
from corridor.hub.queue import ENGINES, run_queue_replication
from corridor.hub.theory import theoretical_wait
from corridor.parallel import Executor, check_workers, child_seed

__all__ = ["MAX_DAYS", "MAX_QUEUE_CUSTOMERS", "MAX_QUEUE_DAYS", "MAX_RUNS", "SimulationResult", "check_run",
           "replicate_designs", "simulate"]

MAX_RUNS = 100_000
"""The most simulation runs (replications × designs or levels) one call may ask for."""
MAX_DAYS = 36_500
"""The longest simulated period, and the longest warm-up, in days (100 years) of a hub."""
MAX_QUEUE_DAYS = 1_000_000
"""The same for a pure queue (``mode: queue``), whose validation against theory in heavy traffic
needs runs of tens of thousands of days; its size is bounded by :data:`MAX_QUEUE_CUSTOMERS`."""
MAX_QUEUE_CUSTOMERS = 20_000_000
"""The most customers one replication of a pure queue may draw (warm-up included): its arrays
take about 32 bytes per customer."""


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """KPIs of a hub (or queue) simulation over seeded replications.

    Parameters
    ----------
    config
        The configuration simulated.
    seed, replications, days, warmup_days
        How it was run; replication i uses the i-th child of ``numpy.random.SeedSequence(seed)``.
    kpis
        One :class:`~corridor.hub.kpis.Estimate` per scalar KPI (means with t-intervals).
    series
        Daily series (mean over replications), e.g. ``yard_occupancy``, ``ships_waiting``.
    replicates
        The scalar KPIs of each replication.
    theory
        Queue mode: the exact mean wait and the formula, when one applies.
    elapsed_s
        Wall-clock seconds (the only field that differs between runs with the same seed).

    Examples
    --------
    >>> from corridor.hub import load_config
    >>> r = simulate(load_config("mm2-example"), days=365, replications=3, seed=1)
    >>> r.replications, r.days, sorted(r.kpis)[:4]
    (3, 365, ['customers', 'customers_per_yr', 'queue_at_end', 'time_in_system_mean_h'])
    >>> round(r["wait_mean_h"].mean, 1), round(r.theory["wait_mean_h"], 1), r.theory["formula"]
    (43.1, 42.7, 'Erlang C (M/M/c)')
    >>> sorted(r.to_dict())[:5]
    ['arrivals', 'config', 'customers_per_yr', 'days', 'elapsed_s']
    """

    config: HubConfig
    seed: int
    replications: int
    days: int
    warmup_days: int
    kpis: Mapping[str, Estimate]
    series: Mapping[str, tuple[float, ...]]
    replicates: tuple[Mapping[str, float], ...]
    theory: Mapping[str, Any] | None = None
    elapsed_s: float = field(default=0.0, compare=False)

    def __getitem__(self, key: str) -> Estimate:
        return self.kpis[key]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (see docs/HUB.md for the keys)."""
        k = self.kpis

        def group(mean: str, p95: str | None = None, **extra: Any) -> dict[str, Any]:
            d = k[mean].to_dict()
            if p95 is not None:
                d["p95"] = k[p95].mean
                d["p95_ci"] = k[p95].to_dict()["ci"]
            d.update(extra)
            return d

        head = {"config": self.config.name, "mode": self.config.mode, "seed": self.seed,
                "replications": self.replications, "days": self.days, "warmup_days": self.warmup_days}
        if self.config.mode == "queue":
            q = self.config.queue
            assert q is not None
            body = {
                "servers": q.servers, "utilisation_offered": q.utilisation,
                "arrivals": q.arrivals.to_dict(), "service": q.service.to_dict(),
                "wait_h": group("wait_mean_h", "wait_p95_h"),
                "wait_probability": group("wait_prob"),
                "time_in_system_h": group("time_in_system_mean_h"),
                "utilisation": group("utilisation"),
                "customers_per_yr": group("customers_per_yr"),
                "theory": dict(self.theory) if self.theory else None,
            }
        else:
            c = self.config
            body = {
                "demand_teu_per_yr": c.demand_teu_per_yr, "capacity_teu_per_yr": c.capacity_teu_per_yr,
                "capacity_basis": c.capacity_basis, "layout": c.to_dict(),
                "throughput_teu": group("throughput_teu"),
                "vessel_wait_h": group("vessel_wait_mean_h", "vessel_wait_p95_h",
                                       weather_mean=k["vessel_weather_wait_mean_h"].mean),
                "train_wait_h": group("train_wait_mean_h", "train_wait_p95_h"),
                "truck_wait_h": group("truck_wait_mean_h", "truck_wait_p95_h"),
                "berth_utilisation": group("berth_utilisation"),
                "crane_utilisation": group("crane_utilisation"),
                "track_utilisation": group("track_utilisation"),
                "ferry_bridge_utilisation": group("ferry_bridge_utilisation"),
                "gate_utilisation": group("gate_utilisation"),
                "yard_occupancy": group("yard_occupancy_mean", "yard_occupancy_p95",
                                        max=k["yard_occupancy_max"].mean,
                                        share_over_threshold=k["yard_share_over_threshold"].mean,
                                        threshold=c.yard_threshold, capacity_teu=c.yard_capacity_teu),
                "dwell_h": group("dwell_mean_h", "dwell_p95_h"),
                "time_in_hub_h": group("time_in_hub_mean_h", "time_in_hub_p95_h"),
                "backlog_teu": group("backlog_teu"),
                "days_closed": group("days_closed"),
                "yard_blocked_h": group("yard_blocked_h"),
                "calls": {"vessel_and_ferry": k["vessel_calls"].mean, "train": k["train_calls"].mean,
                          "truck": k["truck_calls"].mean},
            }
        series = {"day": list(range(1, self.days + 1)), **{name: list(v) for name, v in self.series.items()}}
        return {**head, **body, "series": series, "replicates": [dict(r) for r in self.replicates],
                "elapsed_s": self.elapsed_s}


def _replicate(task: tuple[HubConfig, int, int, np.random.SeedSequence, str]) -> dict[str, Any]:
    cfg, days, warmup_days, seed, engine = task
    if cfg.mode == "queue":
        assert cfg.queue is not None
        return run_queue_replication(cfg.queue, days=days, warmup_days=warmup_days, seed=seed, engine=engine)
    return run_hub_replication(cfg, days=days, warmup_days=warmup_days, seed=seed)


def _tasks(designs: Sequence[HubConfig], days: int, warmup_days: int, replications: int, seed: int,
           engine: str) -> Iterator[tuple[HubConfig, int, int, np.random.SeedSequence, str]]:
    """Every (design, replication) run, drawn one at a time as the executor has room."""
    for cfg in designs:
        for r in range(replications):
            yield cfg, days, warmup_days, child_seed(seed, r), engine


def replicate_designs(designs: Sequence[HubConfig], *, days: int, warmup_days: int, replications: int, seed: int,
                      workers: int = 1, scheduler: str | None = None,
                      progress: Callable[[int, int], None] | None = None) -> list[dict[str, Estimate]]:
    """Simulate every design with the same ``replications`` seeds; the KPI estimates of each design.

    Design sweeps and delay curves compare designs on common random numbers: replication ``r`` of
    every design uses child ``r`` of ``SeedSequence(seed)`` (:func:`corridor.parallel.child_seed`). The runs go
    to one executor (:class:`corridor.parallel.Executor`), at most a few at a time, and the
    estimates do not depend on ``workers`` or ``scheduler``.

    Raises
    ------
    InputError
        Bad run settings (:func:`check_run`), more than :data:`MAX_RUNS` runs, or a scheduler that
        does not answer.

    Examples
    --------
    Two berth counts on the same random numbers (common seeds make the difference sharper):

    >>> from corridor.hub import load_config
    >>> base = load_config("aktau-hub")
    >>> est = replicate_designs([base.replace(berths=1), base], days=30, warmup_days=7, replications=2, seed=0)
    >>> [round(e["vessel_wait_mean_h"].mean, 1) for e in est]
    [24.0, 22.2]
    """
    check_run(days, warmup_days, replications, seed, workers, designs=len(designs))
    out: list[dict[str, Estimate]] = []
    scalars: list[Mapping[str, float]] = []
    with Executor(workers=workers, scheduler=scheduler) as ex:
        for raw in ex.imap(_replicate, _tasks(designs, days, warmup_days, replications, seed, "kernel"),
                           total=len(designs) * replications, progress=progress):
            scalars.append(raw["scalars"])
            if len(scalars) == replications:  # the last replication of a design
                out.append(summarise(scalars))
                scalars = []
    return out


def check_run(days: int, warmup_days: int, replications: int, seed: int, workers: int = 1, *,
              designs: int = 1, max_days: int = MAX_DAYS) -> None:
    """Raise :class:`InputError` for impossible run settings.

    ``days`` and ``warmup_days`` are at most ``max_days`` (:data:`MAX_DAYS`; a pure queue
    :data:`MAX_QUEUE_DAYS`), ``workers`` at most :data:`corridor.parallel.MAX_WORKERS`, and
    ``replications × designs`` at most :data:`MAX_RUNS`.

    Examples
    --------
    >>> check_run(365, 14, 5, seed=0)  # fine: returns nothing
    >>> try:
    ...     check_run(0, 14, 5, seed=0)
    ... except InputError as e:
    ...     print(e)
    --days: days: must be from 1 to 36,500, not 0
    """
    problems = []
    for flag, name, value, low in (("--days", "days", days, 1), ("--warmup-days", "warmup_days", warmup_days, 0)):
        if not low <= value <= max_days:
            problems.append(Problem(flag, name, f"must be from {low} to {max_days:,}, not {value}"))
    if replications < 1:
        problems.append(Problem("--replications", "replications", f"must be ≥ 1, not {replications}"))
    elif replications * max(designs, 1) > MAX_RUNS:
        runs = f"{replications:,}" if designs == 1 else f"{replications:,} × {designs:,} designs"
        problems.append(Problem("--replications", "replications",
                                f"at most {MAX_RUNS:,} simulation runs per call, not {runs}"))
    if seed < 0:
        problems.append(Problem("--seed", "seed", f"must be ≥ 0, not {seed}"))
    try:
        check_workers(workers)
    except InputError as e:
        problems += e.problems
    if problems:
        raise InputError(problems)


def _check_queue_size(config: HubConfig, days: int) -> None:
    """Refuse a pure-queue run that would draw more than :data:`MAX_QUEUE_CUSTOMERS` customers."""
    assert config.queue is not None
    customers = days * 24.0 / max(config.queue.arrivals.mean, 1e-12)
    if customers > MAX_QUEUE_CUSTOMERS:
        raise InputError(Problem("--days", "days", f"{days:,} days (warm-up included) draw about {customers:,.0f} "
                                 f"customers per replication, over the {MAX_QUEUE_CUSTOMERS:,} a run may hold"))


def simulate(config: HubConfig, *, days: int = 365, warmup_days: int = 14, replications: int = 5, seed: int = 0,
             workers: int = 1, scheduler: str | None = None, engine: str = "kernel",
             progress: Callable[[int, int], None] | None = None) -> SimulationResult:
    """Simulate ``config`` for ``replications`` independent runs and summarise the KPIs.

    Parameters
    ----------
    config
        From :func:`corridor.hub.load_config`.
    days, warmup_days
        Measured length and warm-up (deleted) before it, each at most :data:`MAX_DAYS` (a pure queue:
        :data:`MAX_QUEUE_DAYS`, and :data:`MAX_QUEUE_CUSTOMERS` customers). In hub mode
        the measured period starts on 1 January, so a 365-day run covers one calendar year of storms.
    replications, seed
        Number of runs (at most :data:`MAX_RUNS`); run i draws from child i of
        ``SeedSequence(seed)``, so results do not depend on ``workers`` or the scheduler.
    workers, scheduler
        Local processes (1 runs in this process), or a Dask scheduler address (``tcp://...``); see
        :mod:`corridor.parallel` for what a script that uses several workers needs.
    engine
        Queue mode only: ``"kernel"`` (compiled recursion) or ``"simpy"`` (reference).
    progress
        Called as ``progress(done, total)`` after each replication.

    Returns
    -------
    SimulationResult

    Raises
    ------
    InputError
        Bad run settings, or a scheduler that does not answer (``--scheduler``).
    CorridorError
        A replication failed or a worker died.

    Examples
    --------
    The M/M/2 validation queue, three seeded replications of a year; the simulated mean wait
    and the exact Erlang C value (its replications' t-interval contains it):

    >>> from corridor.hub import load_config
    >>> r = simulate(load_config("mm2-example"), days=365, replications=3, seed=1)
    >>> round(r["wait_mean_h"].mean, 1), round(r.theory["wait_mean_h"], 1), r.theory["within_ci"]
    (43.1, 42.7, True)

    A short run of the Aktau hub model (30 days after a week of warm-up, one replication):

    >>> h = simulate(load_config("aktau-hub"), days=30, warmup_days=7, replications=1, seed=0)
    >>> round(h["vessel_wait_mean_h"].mean, 1), round(h["berth_utilisation"].mean, 2)
    (44.4, 0.26)
    """
    if config.mode == "queue" and config.queue is not None:
        check_run(days, warmup_days, replications, seed, workers, max_days=MAX_QUEUE_DAYS)
        _check_queue_size(config, days + warmup_days)
    else:
        check_run(days, warmup_days, replications, seed, workers)
    if engine not in ENGINES:
        raise InputError(Problem("engine", "engine", f"must be one of {', '.join(ENGINES)}, not {engine!r}"))
    started = time.perf_counter()
    acc = _Accumulator()
    with Executor(workers=workers, scheduler=scheduler) as ex:
        for raw in ex.imap(_replicate, _tasks([config], days, warmup_days, replications, seed, engine),
                           total=replications, progress=progress):
            acc.add(raw)
    return _collect(config, acc, seed=seed, days=days, warmup_days=warmup_days,
                    elapsed=time.perf_counter() - started)


class _Accumulator:
    """Replications folded in replication order: their scalars, and the running sum of their daily series."""

    def __init__(self) -> None:
        self.scalars: list[Mapping[str, float]] = []
        self.sums: dict[str, np.ndarray] = {}

    def add(self, raw: Mapping[str, Any]) -> None:
        self.scalars.append(raw["scalars"])
        for name, values in raw["series"].items():
            v = np.asarray(values, dtype=float)
            self.sums[name] = self.sums[name] + v if name in self.sums else v.copy()

    def series(self) -> dict[str, tuple[float, ...]]:
        n = len(self.scalars)
        return {name: tuple(float(x) for x in self.sums[name] / n) for name in sorted(self.sums)}


def _collect(config: HubConfig, acc: _Accumulator, *, seed: int, days: int, warmup_days: int,
             elapsed: float) -> SimulationResult:
    scalars = acc.scalars
    kpis = summarise(scalars)
    series = acc.series()
    theory = None
    if config.mode == "queue" and config.queue is not None:
        exact = theoretical_wait(config.queue)
        if exact is not None:
            wq, formula = exact
            est = kpis["wait_mean_h"]
            theory = {"wait_mean_h": wq, "formula": formula, "within_ci": est.contains(wq),
                      "relative_error": (est.mean - wq) / wq if wq > 0 else None}
    return SimulationResult(config, seed, len(scalars), days, warmup_days, kpis, series,
                            tuple(dict(s) for s in scalars), theory, elapsed)

