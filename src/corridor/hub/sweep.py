"""Design sweeps: berths × cranes × yard slots × rail tracks × demand; the smallest design meeting a target.

Every grid point runs the same replication seeds (common random numbers), so differences between
designs are not sampling noise in the arrivals. All (point, replication) runs go to one pool.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from corridor.exceptions import InputError, Problem
from corridor.hub.config import HubConfig
from corridor.hub.kpis import Estimate
from corridor.hub.simulate import check_run, replicate_designs

__all__ = ["SweepPoint", "SweepResult", "sweep"]

SIZE_ORDER = ("berths", "tracks", "cranes", "yard_slots")
""""Smallest" compares designs in this order: quay works first, then rail tracks, cranes, yard paving."""


@dataclass(frozen=True, slots=True)
class SweepPoint:
    """One design at one demand level.

    Parameters
    ----------
    berths, cranes, yard_slots, tracks, demand_teu_per_yr
        The design and the demand.
    vessel_wait_h, yard_p95, throughput_teu, time_in_hub_h
        KPI estimates over the replications.
    meets_target
        Mean vessel wait below the target and mean yard p95 occupancy below the target.

    Examples
    --------
    >>> from corridor.hub import load_config
    >>> res = sweep(load_config("aktau-hub"), berths=[2], days=30, warmup_days=7, replications=2)
    >>> p = res.points[0]
    >>> p.berths, p.cranes, p.demand_teu_per_yr, round(p.vessel_wait_h.mean, 1), p.meets_target
    (2, 4, 240000.0, 22.2, False)
    """

    berths: int
    cranes: int
    yard_slots: int
    tracks: int
    demand_teu_per_yr: float
    vessel_wait_h: Estimate
    yard_p95: Estimate
    throughput_teu: Estimate
    time_in_hub_h: Estimate
    meets_target: bool

    @property
    def size(self) -> tuple[int, ...]:
        """Sort key for "smallest" (:data:`SIZE_ORDER`)."""
        return tuple(getattr(self, k) for k in SIZE_ORDER)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record."""
        return {"berths": self.berths, "cranes": self.cranes, "yard_slots": self.yard_slots, "tracks": self.tracks,
                "demand_teu_per_yr": self.demand_teu_per_yr, "vessel_wait_h": self.vessel_wait_h.to_dict(),
                "yard_p95": self.yard_p95.to_dict(), "throughput_teu": self.throughput_teu.to_dict(),
                "time_in_hub_h": self.time_in_hub_h.to_dict(), "meets_target": self.meets_target}


@dataclass(frozen=True, slots=True)
class SweepResult:
    """All grid points and, per demand level, the smallest design meeting the target (or None).

    Examples
    --------
    >>> from corridor.hub import load_config
    >>> res = sweep(load_config("aktau-hub"), berths=[1, 2], days=30, warmup_days=7, replications=2)
    >>> [(p.berths, round(p.vessel_wait_h.mean, 1), p.meets_target) for p in res.points]
    [(1, 24.0, False), (2, 22.2, False)]
    >>> res.best() is None  # in this short run no design meets the 12-hour target
    True
    """

    config_name: str
    points: tuple[SweepPoint, ...]
    target_wait_h: float
    target_yard_p95: float
    replications: int
    seed: int
    days: int

    def best(self, demand_teu_per_yr: float | None = None) -> SweepPoint | None:
        """The smallest design meeting the target at a demand level (default: the first level)."""
        levels = sorted({p.demand_teu_per_yr for p in self.points})
        level = levels[0] if demand_teu_per_yr is None else demand_teu_per_yr
        ok = [p for p in self.points if p.demand_teu_per_yr == level and p.meets_target]
        return min(ok, key=lambda p: p.size) if ok else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: targets, grid points, and the best design per demand level."""
        levels = sorted({p.demand_teu_per_yr for p in self.points})
        best = {}
        for lv in levels:
            b = self.best(lv)
            best[f"{lv:.0f}"] = b.to_dict() if b else None
        return {"config": self.config_name, "target_wait_h": self.target_wait_h,
                "target_yard_p95": self.target_yard_p95, "replications": self.replications, "seed": self.seed,
                "days": self.days, "size_order": list(SIZE_ORDER), "best": best,
                "points": [p.to_dict() for p in self.points]}


def _grid(values: Sequence[Any] | None, default: Any, name: str) -> list[Any]:
    vals = list(values) if values else [default]
    if any(v <= 0 for v in vals):
        raise InputError(Problem(f"--{name.replace('_', '-')}", name, f"values must be > 0, not {vals}"))
    return sorted(set(vals))


def sweep(config: HubConfig, *, berths: Sequence[int] | None = None, cranes: Sequence[int] | None = None,
          yard_slots: Sequence[int] | None = None, tracks: Sequence[int] | None = None,
          demand_teu_per_yr: Sequence[float] | None = None, target_wait_h: float = 12.0,
          target_yard_p95: float = 0.85, days: int = 365, warmup_days: int = 14, replications: int = 3,
          seed: int = 0, workers: int = 1, scheduler: str | None = None,
          progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Simulate every combination of the given values and find the smallest design meeting the target.

    Parameters
    ----------
    config
        The base hub config; lists left as None keep its value.
    berths, cranes, yard_slots, tracks, demand_teu_per_yr
        Grid values.
    target_wait_h, target_yard_p95
        The service target: mean vessel wait (h) and 95th percentile yard occupancy (share of
        ground slots × tiers), both compared by their replication means.
    days, warmup_days, replications, seed, workers, scheduler, progress
        As in :func:`corridor.hub.simulate`; grid points × replications is at most
        :data:`~corridor.hub.simulate.MAX_RUNS`.

    Raises
    ------
    InputError
        A config not in hub mode, bad grid values or targets, bad run settings, too many runs, or a
        scheduler that does not answer.

    Examples
    --------
    One or two berths at the Aktau hub, two short replications each (real sweeps run longer):

    >>> from corridor.hub import load_config
    >>> res = sweep(load_config("aktau-hub"), berths=[1, 2], days=30, warmup_days=7, replications=2)
    >>> len(res.points), res.target_wait_h
    (2, 12.0)
    """
    if config.mode != "hub":
        raise InputError(Problem(config.source_file or config.name, "mode", "sweeps need a hub config (mode: hub)"))
    if target_wait_h <= 0 or not 0 < target_yard_p95 <= 1:
        raise InputError(Problem("--target-wait-h/--target-yard-p95", "target",
                                 "target wait must be > 0 and yard p95 target in (0, 1]"))
    axes = {"berths": _grid(berths, config.berths, "berths"), "cranes": _grid(cranes, config.cranes, "cranes"),
            "yard_slots": _grid(yard_slots, config.yard_slots, "yard_slots"),
            "tracks": _grid(tracks, config.tracks, "tracks"),
            "demand_teu_per_yr": _grid(demand_teu_per_yr, config.demand_teu_per_yr, "demand_teu")}
    check_run(days, warmup_days, replications, seed, workers, designs=math.prod(len(v) for v in axes.values()))
    designs = []
    for b, c, y, t, d in itertools.product(*axes.values()):
        designs.append(config.replace(berths=b, cranes=c, cranes_per_vessel=min(config.cranes_per_vessel, c),
                                      yard_slots=y, tracks=t, demand_teu_per_yr=float(d)))
    kpis = replicate_designs(designs, days=days, warmup_days=warmup_days, replications=replications, seed=seed,
                             workers=workers, scheduler=scheduler, progress=progress)
    points = []
    for cfg, k in zip(designs, kpis, strict=True):
        wait, yard = k["vessel_wait_mean_h"], k["yard_occupancy_p95"]
        points.append(SweepPoint(cfg.berths, cfg.cranes, cfg.yard_slots, cfg.tracks, cfg.demand_teu_per_yr, wait,
                                 yard, k["throughput_teu"], k["time_in_hub_mean_h"],
                                 wait.mean < target_wait_h and yard.mean < target_yard_p95))
    return SweepResult(config.name, tuple(points), target_wait_h, target_yard_p95, replications, seed, days)
