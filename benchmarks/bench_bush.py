"""User equilibrium at scale: corridor's Algorithm B (and BFW) against AequilibraE BFW, per solve and whole process.

Usage::

    CORRIDOR_TNTP_DIR=/work/shared/data/tntp PYTHONPATH=src .venv/bin/python benchmarks/bench_bush.py \
        --aeq-python /tmp/aeqvenv/bin/python

Networks: Anaheim (from ``CORRIDOR_TNTP_DIR``) and synthetic grids written as TNTP files into
``--grid-dir`` by :func:`corridor.io.tntp_grid.write_grid_tntp` (1,000 nodes: 30 × 30 junctions
and 100 zones; 4,000 nodes: 60 × 60 and 400 zones), so that both tools read the same files.

What is timed (wall clock):

- per solve: corridor's :func:`corridor.assignment.equilibrium.equilibrium` call (compiling the
  network into arrays and all iterations; kernels warm), median of ``--repeat``; AequilibraE's
  ``TrafficAssignment.execute()`` only (its graph and matrix built outside the timer), median of
  ``--aeq-repeat`` after a warm-up run (the driver of ``bench_equilibrium.py``);
- whole process: a fresh interpreter running corridor's Python API (``API``: read the TNTP files with
  :func:`corridor.io.tntp.read_tntp`, :func:`~corridor.assignment.equilibrium.equilibrium`, print
  JSON) — the same steps as AequilibraE's script — and a fresh ``corridor assign --tntp ... --method
  equilibrium --algorithm b --gap g --json`` (the command line adds Typer, which imports pydantic
  for its parameters: about 0.3 s); against a fresh interpreter running AequilibraE's driver once
  (imports, reading the files, building graph and matrix, one ``execute()``). The three run
  interleaved, ``--whole-repeat`` rounds; the median wall-clock time, and in brackets the median
  CPU time (user + system) of the child process: on a machine shared with other jobs the wall clock
  includes waiting for a core.

The gaps 1e-4, 1e-5 and 1e-6 run on both; 1e-8 and 1e-10 on corridor only (AequilibraE's BFW
would need thousands of iterations).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from corridor.assignment.equilibrium import ConvergenceWarning, EquilibriumOptions, equilibrium
from corridor.io.tntp import read_tntp
from corridor.io.tntp_grid import write_grid_tntp

sys.path.insert(0, str(Path(__file__).parent))
from bench_equilibrium import AEQ_SCRIPT, aeq_version, run_aeq  # the sibling benchmark's driver

AEQ_ONCE = AEQ_SCRIPT[:AEQ_SCRIPT.index("ta, _ = build()  # warm-up")] + r'''
ta, tc = build()
ta.max_iter = max_iter
ta.rgap_target = gaps[0]
ta.execute()
rep = ta.report()
print(json.dumps({"iterations": int(rep["iteration"].max()), "gap": float(rep["rgap"].iloc[-1])}), flush=True)
'''

SRC = str(Path(__import__("corridor").__file__).parents[1])  # this checkout's corridor, for the subprocesses
CLI = "import sys; from corridor.cli import _entry; sys.argv[0] = 'corridor'; _entry()"


def networks(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(name, ``_net.tntp`` file) of each network."""
    out = []
    if args.tntp:
        out.append(("Anaheim", Path(args.tntp) / "Anaheim" / "Anaheim_net.tntp"))
    for spec in args.grids:
        side, zones = (int(v) for v in spec.split("x"))
        net = write_grid_tntp(args.grid_dir, side=side, zones=zones, seed=0)
        out.append((net.name.removesuffix("_net.tntp"), net))
    return out


def per_solve(folder: Path, method: str, gap: float, repeat: int) -> dict:
    ds = read_tntp(folder)
    times, res = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = equilibrium(ds.network, ds.demand, EquilibriumOptions(method=method, gap=gap, max_iter=100000))
        times.append(time.perf_counter() - t)
    return {"seconds": statistics.median(times), "iterations": res.iterations, "gap": res.gap,
            "converged": res.converged}


def aeq_per_solve(python: str, folder: Path, name: str, gaps: list[float], repeat: int) -> dict[float, dict]:
    return run_aeq(python, folder, name, gaps, repeat, 100_000)


API = ("import json, sys; from corridor.io.tntp import read_tntp; "
       "from corridor.assignment.equilibrium import EquilibriumOptions, equilibrium; "
       "ds = read_tntp(sys.argv[1]); "
       "r = equilibrium(ds.network, ds.demand, EquilibriumOptions(method=sys.argv[2], gap=float(sys.argv[3]), "
       "max_iter=100000)); "
       "print(json.dumps({'iterations': r.iterations, 'gap': r.gap, 'converged': r.converged}))")


def whole(cmds: dict[str, list[str]], repeat: int) -> dict[str, dict]:
    """Run each command ``repeat`` times, interleaved (one of each per round); median wall and CPU time."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    last: dict[str, str] = {}
    for _ in range(repeat):
        for key, cmd in cmds.items():
            t = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd="/tmp",
                                 env={**os.environ, "PYTHONPATH": SRC})
            times[key].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[key].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            last[key] = out.stdout
            if out.returncode not in (0, 1):
                msg = f"{cmd} failed: {out.stderr[-2000:]}"
                raise RuntimeError(msg)
    res = {}
    for key in cmds:
        doc = json.loads(last[key][last[key].index("{"):])
        res[key] = {"seconds": statistics.median(times[key]), "cpu": statistics.median(cpus[key]),
                    "iterations": doc.get("iterations"), "gap": doc.get("gap"),
                    "converged": doc.get("converged", True)}
    return res


def corridor_api(folder: Path, algorithm: str, gap: float) -> list[str]:
    return [sys.executable, "-c", API, str(folder), algorithm, repr(gap)]


def corridor_cli(folder: Path, algorithm: str, gap: float) -> list[str]:
    return [sys.executable, "-c", CLI, "assign", "--tntp", str(folder), "--method", "equilibrium",
            "--algorithm", algorithm, "--gap", repr(gap), "--max-iter", "100000", "--json"]


def aeq_cmd(python: str, folder: Path, name: str, gap: float) -> list[str]:
    script = Path("/tmp/corridor_bench_aeq_once.py")
    script.write_text(AEQ_ONCE)
    return [python, str(script), str(folder), name, repr(gap), "1", "100000"]


def cell(r: dict | None) -> str:
    if not r:
        return "–"
    cpu = f" [cpu {r['cpu']:.2f}]" if "cpu" in r else ""
    return f"{r['seconds']:.3f}{cpu} ({r['iterations']})" + ("" if r["converged"] else " not conv.")


def ratio(peer: dict | None, ours: dict | None) -> str:
    if not (peer and ours):
        return "–"
    cpu = f" [cpu {peer['cpu'] / ours['cpu']:.1f}×]" if "cpu" in peer and "cpu" in ours else ""
    return f"{peer['seconds'] / ours['seconds']:.1f}×{cpu}"


def _row(name: str, gap: float, b: dict | None, bfw: dict | None, peer: dict | None) -> str:
    return f"| {name} | {gap:g} | {cell(b)} | {cell(bfw)} | {cell(peer)} | {ratio(peer, b)} | {ratio(peer, bfw)} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tntp", default=os.environ.get("CORRIDOR_TNTP_DIR"))
    ap.add_argument("--grids", nargs="*", default=["30x100", "60x400"], help="side x zones of each synthetic grid")
    ap.add_argument("--grid-dir", default="/tmp/corridor_grids")
    ap.add_argument("--gaps", nargs="+", type=float, default=[1e-4, 1e-5, 1e-6])
    ap.add_argument("--corridor-only-gaps", nargs="+", type=float, default=[1e-8, 1e-10])
    ap.add_argument("--whole-gaps", nargs="+", type=float, default=[1e-4, 1e-5])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--aeq-repeat", type=int, default=1)
    ap.add_argument("--whole-repeat", type=int, default=3)
    ap.add_argument("--aeq-python", default=None)
    args = ap.parse_args()
    import numba

    print(f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
          f"threads {numba.get_num_threads()}, cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
          f"{platform.platform()}")
    if args.aeq_python:
        print(f"aequilibrae {aeq_version(args.aeq_python)} ({args.aeq_python})")
    rows_solve, rows_whole = [], []
    for name, folder in networks(args):
        prefix = name
        per_solve(folder, "b", 1e-3, 1)  # warm-up: the kernels' cache
        per_solve(folder, "bfw", 1e-3, 1)
        py = args.aeq_python
        aeq = aeq_per_solve(py, folder.parent, prefix, args.gaps, args.aeq_repeat) if py else {}
        for gap in [*args.gaps, *args.corridor_only_gaps]:
            b = per_solve(folder, "b", gap, args.repeat)
            bfw = per_solve(folder, "bfw", gap, args.repeat) if gap >= 1e-6 else None
            peer = aeq.get(gap)
            row = _row(name, gap, b, bfw, peer)
            rows_solve.append(row)
            print(row, flush=True)
        for gap in args.whole_gaps:
            cmds = {"api": corridor_api(folder, "b", gap), "cli": corridor_cli(folder, "b", gap),
                    "bfw": corridor_api(folder, "bfw", gap)}
            if py:
                cmds["aeq"] = aeq_cmd(py, folder.parent, prefix, gap)
            r = whole(cmds, args.whole_repeat)
            peer = r.get("aeq")
            if peer:
                peer["converged"] = peer["gap"] <= gap
            row = (f"| {name} | {gap:g} | {cell(r['api'])} | {cell(r['cli'])} | {cell(r['bfw'])} | {cell(peer)} "
                   f"| {ratio(peer, r['api'])} | {ratio(peer, r['cli'])} |")
            rows_whole.append(row)
            print("whole", row, flush=True)
        if name.startswith("Grid1000"):
            r = whole({"api": corridor_api(folder, "b", 1e-8)}, args.whole_repeat)
            row = f"| {name} | 1e-08 | {cell(r['api'])} | – | – | – | – | – |"
            print("whole", row, flush=True)
            rows_whole.append(row)
    head = ("| network | target gap | corridor B s (iters) | corridor BFW s (iters) | AequilibraE BFW s (iters) "
            "| AequilibraE / B | AequilibraE / BFW |\n|---|---|---|---|---|---|---|")
    print("\nPer solve\n" + head + "\n" + "\n".join(rows_solve))
    head_whole = ("| network | target gap | corridor B, Python API s (iters) | corridor B, `corridor assign` s "
                  "| corridor BFW, Python API s | AequilibraE BFW s (iters) | AequilibraE / B API "
                  "| AequilibraE / B command |\n|---|---|---|---|---|---|---|---|")
    print("\nWhole process\n" + head_whole + "\n" + "\n".join(rows_whole))


if __name__ == "__main__":
    main()
