"""Hub simulation speed: (a) seconds per simulated year of the Aktau hub at 240,000 TEU/yr;
(b) M/M/c customers per second, corridor's queue mode against Ciw, side by side.

Usage::

    python3 -m venv /tmp/ciwvenv && /tmp/ciwvenv/bin/pip install ciw==3.2.7 simpy==4.1.2 numpy
    .venv/bin/python benchmarks/bench_hub.py --ciw-python /tmp/ciwvenv/bin/python

Ciw lives in its own virtual environment; this script writes a small driver to /tmp and runs it
with that interpreter, which prints one JSON line. Without ``--ciw-python`` only corridor is timed.

What is timed (wall clock, ``time.perf_counter``, one process, no pool):

- (a) :func:`corridor.hub.model.run_hub_replication` for one replication of 365 days plus the
  14-day warm-up (building the SimPy model, the run, and the KPI/series computation); the median
  and maximum over ``--years`` replications with different seeds.
- (b) the same M/M/c queue (c servers, ρ, mean service 1 h, ``--horizon-h`` hours) in
  corridor's queue mode, engine ``kernel`` (numba recursion; JIT compile excluded by a warm-up
  call) and engine ``simpy`` (one SimPy process per customer), and in Ciw
  (``Simulation.simulate_until_max_time`` plus ``get_all_records``). Sampling of the arrival and
  service times is inside corridor's timer. Customers per second = customers arrived ÷ seconds.
  Each side reports its mean wait next to Erlang C as a correctness check.

With ``--workers-compare`` it instead times (c) :func:`corridor.hub.simulate` of the Aktau hub
(``--replications`` replications of 365 days + 14 warm-up) with ``workers=1`` and ``workers=2``.
Each measurement runs in a fresh interpreter (as a ``corridor hub simulate`` command would): the
timer starts after ``import corridor.hub`` and includes starting the worker pool; median of
``--repeat`` runs per setting::

    .venv/bin/python benchmarks/bench_hub.py --workers-compare [--replications 8] [--repeat 3]

``--before-src DIR`` also times the package in ``DIR`` (another checkout's ``src``, put first on
``PYTHONPATH``), interleaved run by run with this checkout, for before/after comparisons.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import simpy

from corridor.hub import Distribution, QueueSpec, load_config, mmc_wait
from corridor.hub.model import run_hub_replication
from corridor.hub.queue import run_queue_replication

CIW_SCRIPT = r'''
import json, sys, time
import ciw
c, rho, horizon, seed = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
mu = 1.0
lam = rho * c * mu
N = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(rate=lam)],
                       service_distributions=[ciw.dists.Exponential(rate=mu)], number_of_servers=[c])
ciw.seed(seed)
t = time.perf_counter()
Q = ciw.Simulation(N)
Q.simulate_until_max_time(horizon)
recs = Q.get_all_records()
sec = time.perf_counter() - t
waits = [r.waiting_time for r in recs]
print(json.dumps({"seconds": sec, "customers": len(recs), "mean_wait": sum(waits) / len(waits),
                  "version": ciw.__version__}))
'''


def bench_year(years: int) -> dict:
    cfg = load_config("aktau-hub")
    times, teu = [], []
    for s in range(years):
        t = time.perf_counter()
        r = run_hub_replication(cfg, days=365, warmup_days=14, seed=np.random.SeedSequence(1000 + s))
        times.append(time.perf_counter() - t)
        teu.append(r["scalars"]["throughput_teu"])
    return {"median_s": statistics.median(times), "max_s": max(times), "min_s": min(times),
            "throughput_teu": statistics.mean(teu), "runs": years}


def bench_corridor_queue(c: int, rho: float, horizon_h: float, engine: str, seed: int) -> dict:
    spec = QueueSpec(c, Distribution.exponential(1.0 / (rho * c)), Distribution.exponential(1.0))
    run_queue_replication(spec, days=1, warmup_days=0, seed=np.random.SeedSequence(0), engine=engine)  # JIT
    t = time.perf_counter()
    r = run_queue_replication(spec, days=horizon_h / 24.0, warmup_days=0, seed=np.random.SeedSequence(seed),
                              engine=engine)
    sec = time.perf_counter() - t
    n = r["scalars"]["customers"]
    return {"seconds": sec, "customers": n, "per_s": n / sec, "mean_wait": r["scalars"]["wait_mean_h"]}


def bench_ciw(python: str, c: int, rho: float, horizon_h: float, seed: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(CIW_SCRIPT)
        script = f.name
    try:
        out = subprocess.run([python, script, str(c), str(rho), str(horizon_h), str(seed)], capture_output=True,
                             text=True, check=True)
    finally:
        Path(script).unlink()
    d = json.loads(out.stdout.strip().splitlines()[-1])
    d["per_s"] = d["customers"] / d["seconds"]
    return d


_SIMULATE = r'''
import json, sys, time
from corridor.hub import load_config, simulate
cfg = load_config("aktau-hub")
t = time.perf_counter()
r = simulate(cfg, days=365, warmup_days=14, replications=int(sys.argv[1]), seed=1, workers=int(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - t, "throughput": r.kpis["throughput_teu"].mean}))
'''


def _trees(before_src: str | None) -> dict[str, dict[str, str]]:
    """The code measured: this checkout, and with ``--before-src`` another ``src`` folder (via PYTHONPATH)."""
    trees = {"this checkout": dict(os.environ)}
    if before_src:
        trees["before"] = {**os.environ, "PYTHONPATH": str(Path(before_src).resolve())}
    return trees


def bench_workers(replications: int, repeat: int, before_src: str | None = None) -> dict[tuple[str, int], dict]:
    """Median wall time of ``simulate`` with 1 and 2 workers, each run in a fresh interpreter."""
    trees = _trees(before_src)
    runs: dict[tuple[str, int], list[float]] = {(t, w): [] for t in trees for w in (1, 2)}
    kpi: dict[tuple[str, int], float] = {}
    for _ in range(repeat):
        for key, times in runs.items():  # interleaved, so that load on the shared machine hits every setting alike
            p = subprocess.run([sys.executable, "-c", _SIMULATE, str(replications), str(key[1])], capture_output=True,
                               text=True, check=True, env=trees[key[0]])
            d = json.loads(p.stdout.strip().splitlines()[-1])
            times.append(d["seconds"])
            kpi[key] = d["throughput"]
    return {key: {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
                  "throughput_teu": kpi[key]} for key, times in runs.items()}


def main_workers(replications: int, repeat: int, before_src: str | None) -> None:
    r = bench_workers(replications, repeat, before_src)
    print(f"(c) simulate(aktau-hub, replications={replications}, 365 + 14 days), median of {repeat} fresh runs:")
    print("| code | workers | median s | min s | max s | mean throughput TEU/yr |")
    print("|---|---|---|---|---|---|")
    for (tree, w), d in r.items():
        print(f"| {tree} | {w} | {d['median_s']:.2f} | {d['min_s']:.2f} | {d['max_s']:.2f} | "
              f"{d['throughput_teu']:,.1f} |")
    for tree in dict.fromkeys(t for t, _ in r):
        print(f"{tree}: speed-up of 2 workers over 1: {r[tree, 1]['median_s'] / r[tree, 2]['median_s']:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--years", type=int, default=5, help="replications of one simulated year for (a)")
    ap.add_argument("--servers", type=int, default=2)
    ap.add_argument("--rho", type=float, default=0.8)
    ap.add_argument("--horizon-h", type=float, default=200_000.0, help="simulated hours for (b)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ciw-python", default=None, help="interpreter of a venv with ciw installed")
    ap.add_argument("--workers-compare", action="store_true", help="time simulate() on 1 and 2 workers instead")
    ap.add_argument("--replications", type=int, default=8, help="replications for --workers-compare")
    ap.add_argument("--repeat", type=int, default=3, help="fresh runs per setting for --workers-compare")
    ap.add_argument("--before-src", default=None, help="also time the package in this src folder (interleaved)")
    args = ap.parse_args()
    if args.workers_compare:
        main_workers(args.replications, args.repeat, args.before_src)
        return

    print(f"python {platform.python_version()}, numpy {np.__version__}, simpy {simpy.__version__}, "
          f"cpus {os.cpu_count()}, {platform.platform()}")
    a = bench_year(args.years)
    print(f"(a) Aktau hub, 240,000 TEU/yr offered, one replication of 365 days + 14 warm-up: median "
          f"{a['median_s']:.2f} s, min {a['min_s']:.2f} s, max {a['max_s']:.2f} s over {a['runs']} seeds "
          f"(mean served {a['throughput_teu']:,.0f} TEU/yr)")
    exact = mmc_wait(args.servers, arrival_rate=args.rho * args.servers, service_mean=1.0)
    print(f"(b) M/M/{args.servers}, rho {args.rho}, {args.horizon_h:,.0f} h; Erlang C Wq = {exact:.4f} h")
    print("| implementation | customers | seconds | customers/s | mean wait h |")
    print("|---|---|---|---|---|")
    rows = [("corridor queue mode, engine kernel", bench_corridor_queue(args.servers, args.rho, args.horizon_h,
                                                                        "kernel", args.seed)),
            ("corridor queue mode, engine simpy", bench_corridor_queue(args.servers, args.rho, args.horizon_h,
                                                                       "simpy", args.seed))]
    if args.ciw_python:
        ciw = bench_ciw(args.ciw_python, args.servers, args.rho, args.horizon_h, args.seed)
        rows.append((f"Ciw {ciw['version']}", ciw))
    for name, r in rows:
        print(f"| {name} | {r['customers']:,.0f} | {r['seconds']:.3f} | {r['per_s']:,.0f} | {r['mean_wait']:.4f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
