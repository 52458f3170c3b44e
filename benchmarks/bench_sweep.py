"""Sweep speed: a 1,000-sample sweep of northern-risk-premium on this machine's cores, and the speed-up of
2 Dask workers over 1 on a local cluster of worker processes.

    .venv/bin/python benchmarks/bench_sweep.py [--samples 1000] [--dask-samples 400]

With ``--workers-compare`` it instead times a ``--samples`` sweep (200 by default) on a local pool of 1
and of 2 workers, each run in a fresh interpreter with a fresh DuckDB store (as a ``corridor scenario
sweep`` command would): the timer starts after the imports and the scenario is loaded, and includes
starting the workers; median of ``--repeat`` runs per setting, the settings interleaved::

    .venv/bin/python benchmarks/bench_sweep.py --workers-compare --samples 200 [--repeat 3]

``--before-src DIR`` also times the package in ``DIR`` (another checkout's ``src``, put first on
``PYTHONPATH``), interleaved run by run with this checkout, for before/after comparisons.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corridor.scenarios import RunStore, load_scenario, run_sweep

RISK = Path(__file__).resolve().parents[1] / "examples" / "northern-risk-premium.yaml"


def _local(samples: int, workers: int, path: Path = RISK) -> tuple[float, float]:
    spec = load_scenario(path)
    with tempfile.TemporaryDirectory() as t:
        start = time.perf_counter()
        res = run_sweep(spec, samples, seed=1, workers=workers, store=RunStore(Path(t) / "b.duckdb"))
        wall = time.perf_counter() - start
    return wall, res.summary["warm_share"]


def _dask(samples: int, n_workers: int) -> float:
    from distributed import LocalCluster

    spec = load_scenario(RISK)
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        run_sweep(spec, 4 * n_workers, seed=99, scheduler=cl.scheduler_address)  # warm the workers up
        start = time.perf_counter()
        run_sweep(spec, samples, seed=1, scheduler=cl.scheduler_address)
        return time.perf_counter() - start


_SWEEP = r'''
import json, sys, tempfile, time
from pathlib import Path
from corridor.scenarios import RunStore, load_scenario, run_sweep
spec = load_scenario(sys.argv[1])
with tempfile.TemporaryDirectory() as t:
    store = RunStore(Path(t) / "b.duckdb")
    start = time.perf_counter()
    res = run_sweep(spec, int(sys.argv[2]), seed=1, workers=int(sys.argv[3]), store=store)
    wall = time.perf_counter() - start
print(json.dumps({"seconds": wall, "cost": res.summary["metrics"]["total_cost_usd"]["mean"]}))
'''


def _compare_workers(samples: int, repeat: int, before_src: str | None) -> None:
    trees = {"this checkout": dict(os.environ)}
    if before_src:
        trees["before"] = {**os.environ, "PYTHONPATH": str(Path(before_src).resolve())}
    runs: dict[tuple[str, int], list[float]] = {(t, w): [] for t in trees for w in (1, 2)}
    cost: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as t:
        script = Path(t) / "sweep_once.py"  # a file, not -c: spawned workers re-import the main module
        script.write_text("if __name__ == '__main__':\n" + "\n".join("    " + ln for ln in _SWEEP.splitlines()))
        for _ in range(repeat):
            for key, times in runs.items():  # interleaved, so that load on the shared machine hits every setting alike
                p = subprocess.run([sys.executable, str(script), str(RISK), str(samples), str(key[1])],
                                   capture_output=True, text=True, check=True, env=trees[key[0]])
                d = json.loads(p.stdout.strip().splitlines()[-1])
                times.append(d["seconds"])
                cost[key] = d["cost"]
    print(f"{samples}-sample sweep of northern-risk-premium, local pool, median of {repeat} fresh runs:")
    print("| code | workers | median s | min s | max s | samples/s | mean total cost USD |")
    print("|---|---|---|---|---|---|---|")
    for (tree, w), times in runs.items():
        med = statistics.median(times)
        print(f"| {tree} | {w} | {med:.2f} | {min(times):.2f} | {max(times):.2f} | {samples / med:.1f} | "
              f"{cost[tree, w]:,.0f} |")
    for tree in trees:
        one, two = statistics.median(runs[tree, 1]), statistics.median(runs[tree, 2])
        print(f"{tree}: speed-up of 2 workers over 1: {one / two:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--dask-samples", type=int, default=400)
    ap.add_argument("--workers-compare", action="store_true", help="time --samples on 1 and 2 local workers")
    ap.add_argument("--repeat", type=int, default=3, help="fresh runs per setting for --workers-compare")
    ap.add_argument("--before-src", default=None, help="also time the package in this src folder (interleaved)")
    a = ap.parse_args()
    if a.workers_compare:
        _compare_workers(a.samples, a.repeat, a.before_src)
        return
    cores = os.cpu_count()
    wall, warm = _local(a.samples, 2)
    print(f"local pool, 2 workers ({cores} cores): {a.samples} samples in {wall:.1f} s = {a.samples / wall:.1f} "
          f"samples/s (incl. start-up and the DuckDB store); warm re-solves {warm:.0%}")
    t1 = _dask(a.dask_samples, 1)
    t2 = _dask(a.dask_samples, 2)
    print(f"Dask LocalCluster: 1 worker {t1:.2f} s, 2 workers {t2:.2f} s for {a.dask_samples} samples: "
          f"speed-up {t1 / t2:.2f}x")


if __name__ == "__main__":
    main()
