"""Sweeps and engines at scale (issue 16): where a large sweep's time goes, and how time and memory grow.

Three parts, each a sub-command:

``sweep``: a Monte Carlo sweep of ``caspian-storm-season`` (its changes name the Aktau and Kuryk
ports and the Caspian fleets, which copy 0 of a tiled network keeps) on
``corridor.data.synthetic.tiled(data.load(), TILES)`` written to a CSV folder, on a Dask
``LocalCluster`` of ``--workers`` worker processes (one thread each), with a run store; prints
where the time went (the sweep summary's ``timing``)::

    .venv/bin/python benchmarks/bench_sweep_scale.py sweep --tiles 10 --samples 1000 --workers 2

``--grid N`` sweeps ``rail_grid`` of ``N`` nodes (zones: a tenth) with the grid's capacity scenario
(link and port capacities drawn) instead.

``driver``: the driver's CPU time and the models built in a ``--samples`` sweep of the built-in
scenario on a local pool, run in a fresh interpreter per repetition, for this checkout and, with
``--before-src DIR``, another checkout's ``src`` (interleaved)::

    .venv/bin/python benchmarks/bench_sweep_scale.py driver --samples 400 --before-src /tmp/before/src

``store``: CPU time per batch of 20 samples written to a run store, with a connection per batch (as
before) and with one held connection (``RunStore.writing``, what a sweep now uses)::

    .venv/bin/python benchmarks/bench_sweep_scale.py store --batches 100

``grow``: the LP, the freight equilibrium to gap 1e-4, a 100-sample sweep (LP) and the route planner
(10 origin-destination pairs) on ``rail_grid`` networks of ``--sizes`` nodes (zones: a tenth of
them), each case in its own interpreter with a ``--timeout`` (s): wall time and peak memory
(``ru_maxrss`` of the child). The case ``equilibrium-arcs`` runs the freight equilibrium on the
arc formulation (as before issue 16's route space) for comparison::

    .venv/bin/python benchmarks/bench_sweep_scale.py grow --sizes 100,1000,10000 --timeout 600
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
SWEEP_YAML = """\
name: {name}
base: {{dataset: {folder}, year: 2021}}
changes:
  - scale_capacity: {{select: {{id: [aktau-port, kuryk-port]}}, factor: $open_share}}
  - change_fleet: {{ids: [asco-kazakhstan, caspian-feeders], share_factor: $open_share}}
uncertain:
  open_share: {{dist: triangular, low: 0.35, mode: 0.5, high: 0.65, source: SYNTH-TILES, status: assumption}}
engine: {{method: lp, value_of_time: 0.12}}
"""
GRID_YAML = """\
name: grid-capacity
base: {{dataset: {folder}, year: 2021}}
changes:
  - scale_capacity: {{select: {{records: links}}, factor: $capacity}}
  - scale_capacity: {{select: {{records: transfers}}, factor: $ports}}
uncertain:
  capacity: {{dist: uniform, low: 0.8, high: 1.2, source: SYNTH-GRID, status: assumption}}
  ports: {{dist: uniform, low: 0.5, high: 1.0, source: SYNTH-GRID, status: assumption}}
engine: {{method: lp}}
"""


def _write(ds: Any, folder: Path) -> Path:
    from corridor.io import write_csv_dataset

    return write_csv_dataset(ds, folder)


def _print_timing(timing: dict[str, Any]) -> None:
    d, t = timing["driver"], timing["totals"]
    wall = timing["wall_s"]
    print(f"wall {wall:.1f} s, {timing['slots']} worker slots, utilisation {t['utilisation']:.0%}")
    print(f"driver: cpu {d['cpu_s']:.1f} s ({d['cpu_share']:.0%} of a core); " + ", ".join(
        f"{k} {d[k]:.2f}" for k in ("start_s", "draw_s", "store_s", "progress_s", "wait_s", "summary_s")))
    print(f"workers: init {t['init_s']:.1f} s, model builds {t['model_builds']} (reused {t['model_reuses']}), "
          f"apply {t['apply_s']:.1f} s, model {t['model_s']:.1f} s, solve {t['solve_s']:.1f} s, "
          f"busy {t['busy_s']:.1f} s")
    for w in timing["workers"]:
        print(f"  {w['worker']}: {w['chunks']} chunks, {w['samples']} samples, init {w['process_init_s']:.1f} s, "
              f"builds {w['process_model_builds']}, solve {w['solve_s']:.1f} s, busy {w['busy_s']:.1f} s, "
              f"peak {w.get('process_maxrss_mb') or 0:.0f} MiB")


def cmd_sweep(args: argparse.Namespace) -> None:
    from distributed import LocalCluster

    from corridor import data
    from corridor.data.synthetic import tiled
    from corridor.scenarios import RunStore, run_sweep, scenario_from_text

    with tempfile.TemporaryDirectory() as tmp:
        if args.grid:  # rail_grid of that many nodes with the grid's capacity scenario
            ds = _grid(args.grid)
            folder = _write(ds, Path(tmp) / "net")
            spec = scenario_from_text(GRID_YAML.format(folder=folder), str(Path(tmp) / "g.yaml"))
            label = f"rail_grid {args.grid}"
        else:
            ds = tiled(data.load(), args.tiles)
            folder = _write(ds, Path(tmp) / "net")
            spec = scenario_from_text(SWEEP_YAML.format(name=f"storm-x{args.tiles}", folder=folder),
                                      str(Path(tmp) / "s.yaml"))
            label = f"tiled x{args.tiles}"
        print(f"network: {label}: {len(ds.network.nodes)} nodes, {len(ds.network.links)} links, "
              f"{len(ds.demand.rows)} demand rows; {args.samples} samples on {args.workers} Dask workers", flush=True)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster:
            t0 = time.perf_counter()
            res = run_sweep(spec, args.samples, seed=1, scheduler=cluster.scheduler_address,
                            store=RunStore(Path(tmp) / "runs.duckdb"))
            wall = time.perf_counter() - t0
        print(f"sweep: {wall:.1f} s wall, {args.samples / wall:.2f} samples/s, warm share "
              f"{res.summary['warm_share']:.2f}")
        _print_timing(res.summary["timing"])
        print(json.dumps(res.summary["timing"], default=str))


_DRIVER_CHILD = """\
import json, sys, tempfile, time
from pathlib import Path
from corridor.scenarios import RunStore, load_scenario, run_sweep
spec = load_scenario("caspian-storm-season")
with tempfile.TemporaryDirectory() as t:
    c0, t0 = time.process_time(), time.perf_counter()
    r = run_sweep(spec, int(sys.argv[1]), seed=1, workers=2, store=RunStore(Path(t) / "d.duckdb"))
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
timing = r.summary.get("timing") or {}
print(json.dumps({"driver_cpu_s": cpu, "wall_s": wall, "builds": timing.get("totals", {}).get("model_builds")}))
"""


def cmd_driver(args: argparse.Namespace) -> None:
    here = str(HERE.parents[1] / "src")
    setups = [("this checkout", here)] + ([("before", args.before_src)] if args.before_src else [])
    runs: dict[str, list[dict[str, float]]] = {name: [] for name, _ in setups}
    for _ in range(args.repeat):
        for name, src in setups:
            env = {**os.environ, "PYTHONPATH": src}
            p = subprocess.run([sys.executable, "-c", _DRIVER_CHILD, str(args.samples)], env=env, capture_output=True,
                               text=True, check=True)
            runs[name].append(json.loads(p.stdout.strip().splitlines()[-1]))
    for name, rs in runs.items():
        med = {k: sorted(float(r[k]) for r in rs)[len(rs) // 2] for k in ("driver_cpu_s", "wall_s")}
        print(f"{name}: driver cpu {med['driver_cpu_s']:.2f} s over {med['wall_s']:.2f} s wall "
              f"({med['driver_cpu_s'] / med['wall_s']:.0%} of a core), "
              f"model builds {rs[0]['builds']}")


def cmd_store(args: argparse.Namespace) -> None:
    """CPU time of the driver's store writes: a connection per batch (as before) against one held connection."""
    import contextlib

    from corridor.scenarios import RunStore, load_scenario
    from corridor.scenarios.sweep import draw_params, solve_chunk

    spec = load_scenario("caspian-storm-season")
    rows = solve_chunk(spec, draw_params(spec, 1, 20))
    for held in (False, True, False, True):
        with tempfile.TemporaryDirectory() as tmp:
            store = RunStore(Path(tmp) / "w.duckdb")
            with store.writing() if held else contextlib.nullcontext():
                run = store.start("sweep", "bench", {}, "hash", seed=1)
                store.add_samples(run, rows)  # the first write imports Arrow: not counted
                c0, t0 = time.process_time(), time.perf_counter()
                for b in range(1, args.batches + 1):
                    store.add_samples(run, [{**r, "idx": 20 * b + r["idx"]} for r in rows])
                cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        print(f"{'one held connection' if held else 'a connection per batch'}: {1e3 * cpu / args.batches:.1f} ms "
              f"CPU and {1e3 * wall / args.batches:.1f} ms wall per batch of 20 samples ({args.batches} batches)")


# --- grow: each case in a child interpreter ---------------------------------------------------------------------
def _grid(nodes: int) -> Any:
    from corridor import data
    from corridor.data.synthetic import rail_grid

    return rail_grid(data.load(), nodes=nodes, zones=max(nodes // 10, 2), seed=0)


def _case(case: str, nodes: int) -> dict[str, Any]:
    ds = _grid(nodes)
    t0 = time.perf_counter()
    out: dict[str, Any] = {}
    if case == "lp":
        from corridor.assignment.lp import solve_lp

        res = solve_lp(ds.network, ds.demand)
        out = {"status": res.status, "binding": len(res.bottlenecks)}
    elif case in ("equilibrium", "equilibrium-arcs"):
        from corridor.assignment.freight_eq import FreightEquilibriumOptions, freight_equilibrium

        form = "arcs" if case == "equilibrium-arcs" else "auto"  # auto: routes above the size rule
        eq = freight_equilibrium(ds.network, ds.demand, FreightEquilibriumOptions(gap=1e-4, formulation=form))
        out = {"gap": eq.gap, "converged": eq.converged, "iterations": eq.iterations,
               "formulation": eq.flows.meta.get("formulation")}
    elif case == "sweep":
        from corridor.scenarios import run_sweep, scenario_from_text

        with tempfile.TemporaryDirectory() as tmp:
            folder = _write(ds, Path(tmp) / "net")
            spec = scenario_from_text(GRID_YAML.format(folder=folder), str(Path(tmp) / "g.yaml"))
            t0 = time.perf_counter()  # the sweep only (not writing the CSV folder)
            res = run_sweep(spec, 100, seed=1, workers=2)
        timing = res.summary["timing"]["totals"]
        out = {"warm_share": res.summary["warm_share"], "builds": timing["model_builds"],
               "peak_worker_mb": timing["peak_worker_mb"],
               "solve_s": round(timing["solve_s"], 1), "model_s": round(timing["model_s"], 1)}
    elif case == "routes":
        from corridor.routing import plan_routes

        zones = sorted({r.origin for r in ds.demand.rows})
        pairs = [(zones[i], zones[-1 - i]) for i in range(min(10, len(zones) // 2))]
        found = sum(len(plan_routes(ds.network, a, b, cargo="grain", k=3).routes) for a, b in pairs)
        out = {"pairs": len(pairs), "routes": found}
    wall = time.perf_counter() - t0
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"case": case, "nodes": nodes, "links": len(ds.network.links), "zones": len(ds.demand.rows), "wall_s": wall,
            "maxrss_mb": me.ru_maxrss / 1024, "children_maxrss_mb": kids.ru_maxrss / 1024, **out}


def cmd_grow(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    for nodes in sizes:
        for case in args.cases.split(","):
            t0 = time.perf_counter()
            p = subprocess.Popen([sys.executable, str(HERE), "case", "--case", case, "--nodes", str(nodes)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
            try:
                stdout, stderr = p.communicate(timeout=args.timeout)
            except subprocess.TimeoutExpired:  # stop the child and the workers it started (its own group)
                os.killpg(p.pid, signal.SIGKILL)
                p.communicate()
                print(json.dumps({"case": case, "nodes": nodes, "wall_s": None,
                                  "note": f"did not finish in {args.timeout:g} s: stopped"}), flush=True)
                continue
            if p.returncode != 0:
                print(json.dumps({"case": case, "nodes": nodes, "error": stderr.strip().splitlines()[-1:],
                                  "after_s": time.perf_counter() - t0}), flush=True)
                continue
            print(stdout.strip().splitlines()[-1], flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sweep")
    s.add_argument("--tiles", type=int, default=10)
    s.add_argument("--grid", type=int, default=0, help="a rail_grid of this many nodes instead of tiles")
    s.add_argument("--samples", type=int, default=1000)
    s.add_argument("--workers", type=int, default=2)
    d = sub.add_parser("driver")
    d.add_argument("--samples", type=int, default=400)
    d.add_argument("--repeat", type=int, default=3)
    d.add_argument("--before-src")
    w = sub.add_parser("store")
    w.add_argument("--batches", type=int, default=100)
    g = sub.add_parser("grow")
    g.add_argument("--sizes", default="100,1000,10000")
    g.add_argument("--cases", default="lp,equilibrium,sweep,routes")
    g.add_argument("--timeout", type=float, default=600.0)
    c = sub.add_parser("case")
    c.add_argument("--case", required=True)
    c.add_argument("--nodes", type=int, required=True)
    args = ap.parse_args()
    if args.cmd == "sweep":
        cmd_sweep(args)
    elif args.cmd == "driver":
        cmd_driver(args)
    elif args.cmd == "store":
        cmd_store(args)
    elif args.cmd == "grow":
        cmd_grow(args)
    else:
        print(json.dumps(_case(args.case, args.nodes)))


if __name__ == "__main__":
    main()
