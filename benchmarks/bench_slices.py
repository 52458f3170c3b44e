"""Time slices: the baseline LP with 12 monthly slices, and a 1,000-sample sweep with slices, side by side
with the one-slice engine on the same machine in the same run.

    .venv/bin/python benchmarks/bench_slices.py [--repeat 5] [--samples 1000] [--workers 2]

1. Baseline LP (built-in eurasia, 2021, value of time 0.15): build + solve once (today's engine) and
   build + 12 monthly solves (:func:`corridor.assignment.slices.solve_slices`, one model, warm starts),
   each from a fresh build, median of ``--repeat`` runs interleaved. Goal: 12 slices under 2 s.
2. ``northern-risk-premium`` sweep of ``--samples`` samples on a local pool of ``--workers`` workers
   with a DuckDB store, as is and with ``engine.slices: monthly``. Goal: under 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

from corridor import data
from corridor.assignment.lp import FreightLP
from corridor.assignment.slices import solve_slices
from corridor.data.slices import builtin_slice_set
from corridor.scenarios import RunStore, load_scenario, run_sweep

RISK = Path(__file__).resolve().parents[1] / "examples" / "northern-risk-premium.yaml"
VOT = 0.15


def _lp_once(sliced: bool) -> tuple[float, float]:
    ds = data.load("eurasia")
    monthly = builtin_slice_set("eurasia", "monthly")
    start = time.perf_counter()
    if sliced:
        res = solve_slices(ds.network, ds.demand, monthly, value_of_time=VOT)
    else:
        res = FreightLP.build(ds.network, ds.demand, value_of_time=VOT).solve()
    return time.perf_counter() - start, res.total_cost


def _lp(repeat: int) -> None:
    runs: dict[bool, list[float]] = {False: [], True: []}
    cost: dict[bool, float] = {}
    _lp_once(True)  # imports and first-use caches out of the timing
    for _ in range(repeat):
        for sliced in (False, True):
            seconds, cost[sliced] = _lp_once(sliced)
            runs[sliced].append(seconds)
    one, twelve = statistics.median(runs[False]), statistics.median(runs[True])
    print(f"baseline LP, build + solve, median of {repeat}:")
    print("| engine | median s | min s | max s | total cost USD/yr |")
    print("|---|---|---|---|---|")
    for sliced, label in ((False, "one slice (the year)"), (True, "12 monthly slices")):
        t = runs[sliced]
        print(f"| {label} | {statistics.median(t):.3f} | {min(t):.3f} | {max(t):.3f} | {cost[sliced]:,.0f} |")
    print(f"12 slices / one slice: {twelve / one:.2f}x")


def _sweep(samples: int, workers: int) -> None:
    spec = load_scenario(RISK)
    sliced = dataclasses.replace(spec, engine={**spec.engine, "slices": "monthly"})
    print(f"{samples}-sample sweep of northern-risk-premium, local pool of {workers} workers "
          f"({os.cpu_count()} cores), DuckDB store:")
    print("| engine | s | samples/s | warm share | mean total cost USD |")
    print("|---|---|---|---|---|")
    times = {}
    for label, s in (("one slice", spec), ("12 monthly slices", sliced)):
        with tempfile.TemporaryDirectory() as t:
            start = time.perf_counter()
            res = run_sweep(s, samples, seed=1, workers=workers, store=RunStore(Path(t) / "b.duckdb"))
            wall = time.perf_counter() - start
        times[label] = wall
        cost = res.summary["metrics"]["total_cost_usd"]["mean"]
        print(f"| {label} | {wall:.1f} | {samples / wall:.1f} | {res.summary['warm_share']:.0%} | {cost:,.0f} |")
    print(f"12 slices / one slice: {times['12 monthly slices'] / times['one slice']:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-sweep", action="store_true")
    a = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    _lp(a.repeat)
    if not a.skip_sweep:
        _sweep(a.samples, a.workers)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
