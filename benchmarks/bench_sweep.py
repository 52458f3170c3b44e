"""Sweep speed: a 1,000-sample sweep of northern-risk-premium on this machine's cores, and the speed-up of
2 Dask workers over 1 on a local cluster of worker processes.

    .venv/bin/python benchmarks/bench_sweep.py [--samples 1000] [--dask-samples 400]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from corridor.io.yaml import load_yaml
from corridor.scenarios import RunStore, load_scenario, run_sweep

RISK = Path(__file__).resolve().parents[1] / "examples" / "northern-risk-premium.yaml"


def _local(samples: int, workers: int) -> tuple[float, float]:
    spec, doc = load_scenario(RISK), load_yaml(RISK)
    with tempfile.TemporaryDirectory() as t:
        start = time.perf_counter()
        res = run_sweep(spec, doc, samples, seed=1, workers=workers, store=RunStore(Path(t) / "b.duckdb"))
        wall = time.perf_counter() - start
    return wall, res.summary["warm_share"]


def _dask(samples: int, n_workers: int) -> float:
    from distributed import LocalCluster

    spec, doc = load_scenario(RISK), load_yaml(RISK)
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        run_sweep(spec, doc, 4 * n_workers, seed=99, scheduler=cl.scheduler_address)  # warm the workers up
        start = time.perf_counter()
        run_sweep(spec, doc, samples, seed=1, scheduler=cl.scheduler_address)
        return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--dask-samples", type=int, default=400)
    a = ap.parse_args()
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
