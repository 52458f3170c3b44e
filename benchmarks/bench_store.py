"""Run store speed: the cost of recording runs and sweep samples (each call opens, commits and closes).

    .venv/bin/python benchmarks/bench_store.py [--samples 1000] [--runs 200]

Measures: start + finish of a scenario run with eurasia-sized tables; add_samples of a 1,000-sample
sweep in batches of 1, 10 and 50, alone and with another process reading the store in a loop;
list_runs, get and samples on the filled store.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.scenarios.store import RunStore, hash_spec

READER = """
import sys, time
from corridor.scenarios.store import RunStore
s, sweep, stop = RunStore(sys.argv[1]), sys.argv[2], sys.argv[3]
import pathlib
n = 0
while not pathlib.Path(stop).exists():
    s.sample_indices(sweep); s.list_runs(limit=20); n += 1
print(n)
"""


def _tables(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    links = [f"l{i}" for i in range(134)]
    return {
        "link_flows": pd.DataFrame({"link": links, "from": "a", "to": "b", "mode": "rail-1520", "corridor": "northern",
                                    "commodity": "coal", "tonnes": rng.random(134) * 1e7}),
        "geometry": pd.DataFrame({"link": links * 2, "from": "a", "to": "b", "lon_from": 50.0, "lat_from": 40.0,
                                  "lon_to": 51.0, "lat_to": 41.0}),
        "od": pd.DataFrame({"origin": ["x"] * 25, "dest": "y", "commodity": "coal", "tonnes": rng.random(25)}),
    }


def _sample(i: int) -> dict:
    return {"idx": i, "seed": i, "params": {"ru_risk_premium": 10.0 + i % 7, "close_ru": i % 2},
            "summary": {"unserved_t": 1e6 * (i % 5), "total_cost_usd": 2e10, "served_t": 1.6e8,
                        "binding": "aktau-port-out;alat-port-in"}, "elapsed_s": 0.1}


def _sweep(store: RunStore, samples: int, batch: int, *, reader: bool) -> tuple[float, int]:
    sweep = store.start("sweep", f"b{batch}", {"batch": batch}, f"hs{batch}{reader}")
    proc, stop = None, store.path.parent / f"stop{batch}{reader}"
    if reader:
        proc = subprocess.Popen([sys.executable, "-c", READER, str(store.path), sweep, str(stop)],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(1.0)  # let it import and start polling
    t0 = time.perf_counter()
    for start in range(0, samples, batch):
        store.add_samples(sweep, [_sample(i) for i in range(start, min(samples, start + batch))])
    wall = time.perf_counter() - t0
    reads = 0
    if proc is not None:
        stop.touch()
        reads = int(proc.communicate(timeout=60)[0].strip() or 0)
    return wall, reads


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=200)
    a = ap.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as t:
        store = RunStore(Path(t) / "runs.duckdb")
        t0 = time.perf_counter()
        for i in range(a.runs):
            spec = {"name": f"run{i}"}
            run = store.start("scenario", spec["name"], spec, hash_spec(spec))
            store.finish(run, summary={"totals": {"unserved_t": float(i)}}, tables=_tables(rng), elapsed_s=1.0)
        per_run = (time.perf_counter() - t0) / a.runs
        print(f"start + finish with 3 tables: {per_run * 1e3:.1f} ms per run ({a.runs} runs)")
        for batch in (1, 10, 50):
            for reader in (False, True):
                n = 300 if batch == 1 and a.samples > 300 else a.samples
                wall, reads = _sweep(store, n, batch, reader=reader)
                extra = f"; the reader made {reads} reads meanwhile" if reader else ""
                print(f"add_samples batch {batch:>2}{' + reader' if reader else '         '}: "
                      f"{n / wall:,.0f} samples/s ({n} in {wall:.2f} s){extra}")
        for name, fn in (("list_runs (all)", store.list_runs),
                         ("get", lambda: store.get(run)),
                         ("table link_flows", lambda: store.table(run, "link_flows")),
                         (f"samples ({a.samples})", lambda: store.samples(store.list_runs(kind="sweep")[0]["run_id"]))):
            t0 = time.perf_counter()
            for _ in range(10):
                fn()
            print(f"{name}: {(time.perf_counter() - t0) / 10 * 1e3:.1f} ms")
        print(f"store size: {store.path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
