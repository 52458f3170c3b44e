"""Static traffic equilibrium: corridor BFW against AequilibraE BFW on TNTP networks, side by side.

Usage::

    CORRIDOR_TNTP_DIR=/work/shared/data/tntp .venv/bin/python benchmarks/bench_equilibrium.py \
        --aeq-python /tmp/aeqvenv/bin/python

AequilibraE lives in its own virtual environment (``python3 -m venv /tmp/aeqvenv &&
/tmp/aeqvenv/bin/pip install aequilibrae``); this script writes a small driver to /tmp and runs it
in a subprocess of that interpreter, which prints one JSON line per target gap. Without
``--aeq-python`` only corridor's methods are timed (BFW, and FW as the fallback peer).

What is timed (wall clock, ``time.perf_counter``, median over ``--repeat`` runs):

- corridor (BFW; FW as the fallback peer; GP, path-based, for the tight gaps): the whole
  :func:`corridor.assignment.equilibrium.equilibrium` call, i.e. compiling the
  network and demand into arrays plus all iterations; the numba JIT compile is excluded (a warm-up
  run goes first; the kernels are cached on disk anyway).
- AequilibraE: ``TrafficAssignment.execute()`` only; building its ``Graph`` and matrix is outside
  the timer. Progress bars go to stderr, which is discarded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numba
import numpy as np

from corridor.assignment.equilibrium import ConvergenceWarning, EquilibriumOptions, equilibrium
from corridor.io.tntp import read_tntp

AEQ_SCRIPT = r'''
import json, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np, pandas as pd
from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass
from aequilibrae.matrix import AequilibraeMatrix

folder, name, gaps, repeat, max_iter = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
gaps = [float(g) for g in gaps.split(",")]

def data_rows(path):
    started = False
    for line in open(path):
        if line.startswith("<END OF METADATA>"):
            started = True
        elif started:
            text = line.split("~")[0].strip()
            if text:
                yield text

meta = {}
for line in open(f"{folder}/{name}_net.tntp"):
    if line.startswith("<END"):
        break
    if line.startswith("<"):
        k, v = line[1:].split(">", 1)
        meta[k.strip()] = v.strip().rstrip(";").strip()
zones = int(meta["NUMBER OF ZONES"])
first_thru = int(meta.get("FIRST THRU NODE", 1))
rows = [[float(x) for x in t.rstrip(";").split()[:10]] for t in data_rows(f"{folder}/{name}_net.tntp")]
net = pd.DataFrame(rows, columns=["a_node", "b_node", "capacity", "length", "free_flow_time", "b", "power",
                                  "speed", "toll", "link_type"])
net["a_node"] = net.a_node.astype(int)
net["b_node"] = net.b_node.astype(int)
net["link_id"] = np.arange(1, len(net) + 1)
net["direction"] = 1
dem = np.zeros((zones, zones))
origin = None
for text in data_rows(f"{folder}/{name}_trips.tntp"):
    if text.lower().startswith("origin"):
        origin = int(text.split()[1])
        continue
    for part in text.split(";"):
        if ":" in part:
            d, f = part.split(":")
            if int(d) != origin:
                dem[origin - 1, int(d) - 1] = float(f)

def build():
    g = Graph()
    g.network = net
    g.prepare_graph(np.arange(1, zones + 1))
    g.set_graph("free_flow_time")
    g.set_skimming(["free_flow_time"])
    g.set_blocked_centroid_flows(first_thru > 1)
    mat = AequilibraeMatrix()
    mat.create_empty(zones=zones, matrix_names=["matrix"], memory_only=True)
    mat.index = np.arange(1, zones + 1)
    mat.matrices[:, :, 0] = dem
    mat.computational_view(["matrix"])
    tc = TrafficClass("car", g, mat)
    ta = TrafficAssignment()
    ta.set_classes([tc])
    ta.set_vdf("BPR")
    ta.set_vdf_parameters({"alpha": "b", "beta": "power"})
    ta.set_capacity_field("capacity")
    ta.set_time_field("free_flow_time")
    ta.set_algorithm("bfw")
    return ta, tc

ta, _ = build()  # warm-up: one full run at the first target (the first runs are markedly slower)
ta.max_iter = max_iter
ta.rgap_target = gaps[0]
ta.execute()
for gap in gaps:
    for _ in range(repeat):
        ta, tc = build()
        ta.max_iter = max_iter
        ta.rgap_target = gap
        t = time.perf_counter()
        ta.execute()
        sec = time.perf_counter() - t
        rep = ta.report()
        flows = np.asarray(tc.results.total_link_loads)
        print(json.dumps({"gap_target": gap, "seconds": sec, "iterations": int(rep["iteration"].max()),
                          "gap": float(rep["rgap"].iloc[-1]), "tstt": None}), flush=True)
'''


def run_corridor(ds, method: str, gap: float, repeat: int, max_iter: int) -> dict:
    times, res = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = equilibrium(ds.network, ds.demand, EquilibriumOptions(method=method, gap=gap, max_iter=max_iter))
        times.append(time.perf_counter() - t)
    return {"seconds": statistics.median(times), "iterations": res.iterations, "gap": res.gap,
            "converged": res.converged, "tstt": res.total_travel_time}


def run_aeq(python: str, folder: Path, name: str, gaps: list[float], repeat: int, max_iter: int) -> dict:
    script = Path("/tmp/corridor_bench_aeq.py")
    script.write_text(AEQ_SCRIPT)
    out = subprocess.run([python, str(script), str(folder), name, ",".join(map(str, gaps)), str(repeat),
                          str(max_iter)], capture_output=True, text=True, check=True, cwd="/tmp")
    runs: dict[float, list[dict]] = {}
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            runs.setdefault(r["gap_target"], []).append(r)
    return {g: {"seconds": statistics.median(r["seconds"] for r in rs), "iterations": rs[-1]["iterations"],
                "gap": rs[-1]["gap"], "converged": rs[-1]["gap"] <= g} for g, rs in runs.items()}


def cell(r: dict | None) -> str:
    if not r:
        return "–"
    return f"{r['seconds']:.4f} ({r['iterations']})" + ("" if r["converged"] else " not converged")


def aeq_version(python: str) -> str:
    out = subprocess.run([python, "-c", "import importlib.metadata as m; print(m.version('aequilibrae'))"],
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tntp", default=os.environ.get("CORRIDOR_TNTP_DIR"))
    ap.add_argument("--networks", nargs="+", default=["SiouxFalls", "Anaheim"])
    ap.add_argument("--gaps", nargs="+", type=float, default=[1e-4, 1e-5, 1e-6])
    ap.add_argument("--corridor-only-gaps", nargs="+", type=float, default=[1e-7, 1e-8, 1e-10])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--aeq-repeat", type=int, default=3)
    ap.add_argument("--max-iter", type=int, default=100000)
    ap.add_argument("--aeq-python", default=None)
    args = ap.parse_args()
    if not args.tntp:
        sys.exit("set CORRIDOR_TNTP_DIR or pass --tntp")
    root = Path(args.tntp)
    print(f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
          f"threads {numba.get_num_threads()}, cpus {os.cpu_count()}, {platform.platform()}")
    if args.aeq_python:
        print(f"aequilibrae {aeq_version(args.aeq_python)} ({args.aeq_python})")
    print("| network | target gap | corridor BFW s (iters) | AequilibraE BFW s (iters) | speed-up "
          "| corridor FW s (iters) | corridor GP s (iters) |")
    print("|---|---|---|---|---|---|---|")
    for name in args.networks:
        folder = root / name
        ds = read_tntp(folder)
        run_corridor(ds, "bfw", 1e-3, 1, args.max_iter)  # warm-up (JIT cache load)
        run_corridor(ds, "gp", 1e-3, 1, args.max_iter)
        aeq = run_aeq(args.aeq_python, folder, name, args.gaps, args.aeq_repeat, args.max_iter) \
            if args.aeq_python else {}
        for gap in [*args.gaps, *args.corridor_only_gaps]:
            ours = run_corridor(ds, "bfw", gap, args.repeat, args.max_iter) if gap >= 1e-8 else None
            gp = run_corridor(ds, "gp", gap, max(1, args.repeat // 2), 5000)
            fw = run_corridor(ds, "fw", gap, 1, 5000) if gap >= 1e-5 else None
            peer = aeq.get(gap)
            speed = f"{peer['seconds'] / ours['seconds']:.0f}x" if peer and ours else "–"
            print(f"| {name} | {gap:g} | {cell(ours)} | {cell(peer)} | {speed} | {cell(fw)} | {cell(gp)} |",
                  flush=True)


if __name__ == "__main__":
    main()
