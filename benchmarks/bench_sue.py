"""Stochastic user equilibrium: corridor's SUE against AequilibraE's path-size-logit RouteChoice, side by side.

Usage (from the repository root)::

    CORRIDOR_TNTP_DIR=/work/shared/data/tntp .venv/bin/python benchmarks/bench_sue.py [--repeat 5]
        [--networks eurasia SiouxFalls] [--sweep-samples 1000]

AequilibraE (pinned: ``AEQ_VERSION``) lives in its own virtual environment, ``--aeq-venv``
(``/tmp/aeqvenv`` by default); the benchmark creates it with ``python3 -m venv`` and
``pip install aequilibrae==AEQ_VERSION`` when it is missing (``--no-install`` to refuse). As in
``bench_equilibrium.py``, it writes a small driver script and runs it in a subprocess of that
interpreter. corridor runs in a subprocess of this interpreter: one process per engine, each pinned to
``--threads`` threads (numba's ``NUMBA_NUM_THREADS`` for corridor, ``RouteChoice.set_cores`` for
AequilibraE; 1 by default, the issue's "one core").

The same network and demand for both. corridor's engines work on a transfer-expanded multicommodity
graph (:class:`corridor.assignment.lp.FreightLP`: one block of arcs per (commodity, origin), link arcs,
transfer arcs at nodes for mode changes, ports and borders, source and sink arcs, and an unserved arc
per demand row priced at the unserved penalty). The benchmark exports exactly that graph, priced at the
prices the SUE reports it used (value of time, carbon, risk, unserved penalty), as a plain directed
graph: one link per column with its generalised cost in USD per tonne, the blocks' sources and sinks
as zones, and the demand rows in tonnes between them. AequilibraE's ``Graph`` is built from that table
and ``RouteChoice`` runs on it with the cost field multiplied by the logit scale ``theta`` (its
utility is ``-cost`` with the scale fixed at 1; its ``beta`` is the path-size exponent). Columns
through a closed capacity (zero capacity) are left out of the export. The TNTP network (not tuned
on) goes through the same export: ``corridor.io.tntp.read_tntp`` turns it into a corridor network
and demand, and its links are priced as the SUE prices them.

What is equal and what differs:

- Equal: the graph, the link costs at free flow, the demand, the logit scale, the path-size
  exponent, the flow each engine returns per network link direction (compared at the end).
- Differs: AequilibraE's ``RouteChoice`` is *one* stochastic loading at the costs of the graph (choice
  sets by BFSLE or link penalisation, path-size-logit probabilities, link loading); it does not
  iterate costs against flows. corridor's SUE iterates until the relative gap is at most ``--gap``
  (1e-4), with delays at capacities. Where no capacity binds (the TNTP export: its links have no
  freight capacity), both compute the same thing and the ratio is like for like; on eurasia
  corridor's time includes its iterations, and the table also gives corridor's time per iteration.
  The choice sets are generated differently (see the driver notes in the table output).

What is timed (wall clock, ``time.perf_counter``, median over ``--repeat`` runs, after one warm-up run
that is reported separately):

- corridor: the whole ``stochastic_equilibrium(network, demand, options)`` call (building the graph,
  all iterations, collecting the result); the warm-up includes numba's JIT (or loading its cache).
- AequilibraE: ``RouteChoice.execute(perform_assignment=True)`` plus ``get_load_results()`` (the link
  loads); building its ``Graph`` and the demand table is outside the timer, as in bench_equilibrium.

``--sweep-samples N`` also times an ``N``-sample sweep of ``examples/northern-risk-premium.yaml`` on a
local pool of 2 workers with ``engine: {method: sue}`` and, side by side, with ``engine: {method: lp}``
(bench_sweep's harness, each in a fresh interpreter).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

AEQ_VERSION = "1.7.2"
ROOT = Path(__file__).resolve().parents[1]
RISK = ROOT / "examples" / "northern-risk-premium.yaml"
CLOSED_USD_PER_T = 1e11  # columns dearer than this go through a closed capacity: left out of the export

_CORRIDOR = r'''
import dataclasses, json, sys, time, warnings
warnings.simplefilter("ignore")
import numba
where, gap, repeat, engine, overrides = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
overrides = json.loads(overrides)
if where == "eurasia":
    from corridor import data
    ds = data.load("eurasia")
else:
    from corridor.io.tntp import read_tntp
    ds = read_tntp(where)
if engine == "sue":
    from corridor.assignment.sue import SUEOptions, stochastic_equilibrium
    opts = SUEOptions(gap=gap, **overrides)
    run = lambda: stochastic_equilibrium(ds.network, ds.demand, opts)
else:  # the deterministic freight equilibrium: only to check the harness before the SUE exists
    from corridor.assignment.freight_eq import FreightEquilibriumOptions, freight_equilibrium
    opts = FreightEquilibriumOptions(gap=gap, **overrides)
    run = lambda: freight_equilibrium(ds.network, ds.demand, opts)

def once():
    t = time.perf_counter()
    res = run()
    return time.perf_counter() - t, res

warm, res = once()
print(json.dumps({"warmup": warm}), flush=True)
for _ in range(repeat):
    sec, res = once()
    print(json.dumps({"seconds": sec, "iterations": int(res.iterations), "gap": float(res.gap),
                      "converged": bool(res.converged)}), flush=True)
flows = {}
for r in res.flows.link_flows:
    key = f"{r['link']}|{r['from']}|{r['to']}"
    flows[key] = flows.get(key, 0.0) + float(r["tonnes"])
meta = res.flows.meta
prices = {k: float(meta[k]) for k in ("value_of_time", "carbon_price", "risk_price", "unserved_penalty_usd_per_t")
          if k in meta}
options = {k: v for k, v in dataclasses.asdict(opts).items() if isinstance(v, (int, float, str, bool, type(None)))}
print(json.dumps({"flows": flows, "prices": prices, "options": options, "threads": numba.get_num_threads(),
                  "served_t": float(res.flows.served_t), "total_cost": float(res.flows.total_cost)}), flush=True)
'''

_AEQ = r'''
import json, sys, time, warnings
warnings.simplefilter("ignore")
import logging
logging.disable(logging.WARNING)
import numpy as np, pandas as pd
from aequilibrae.paths import Graph, RouteChoice

folder, theta, algorithm, max_routes, max_depth, psl_beta, repeat, cores = sys.argv[1:9]
theta, psl_beta = float(theta), float(psl_beta)
max_routes, max_depth, repeat, cores = int(max_routes), int(max_depth), int(repeat), int(cores)
net = pd.read_csv(f"{folder}/links.csv")
od = pd.read_csv(f"{folder}/od.csv")
net["direction"] = 1
net["utility"] = theta * net["cost"]
zones = np.unique(np.concatenate([od.origin.to_numpy(), od.destination.to_numpy()])).astype(np.int64)
demand = pd.DataFrame({"tonnes": od.tonnes.to_numpy(np.float64)},
                      index=pd.MultiIndex.from_arrays([od.origin.to_numpy(np.int64), od.destination.to_numpy(np.int64)],
                                                      names=["origin id", "destination id"]))

def build():
    g = Graph()
    g.network = net
    g.prepare_graph(zones)
    g.set_graph("utility")
    g.set_skimming(["utility"])
    g.set_blocked_centroid_flows(False)
    rc = RouteChoice(g)
    params = {"max_routes": max_routes, "max_depth": max_depth, "beta": psl_beta, "seed": 0}
    rc.set_choice_set_generation(algorithm, **params)
    rc.set_cores(cores)
    rc.add_demand(demand)
    rc.prepare()
    return rc

def once():
    rc = build()
    t = time.perf_counter()
    rc.execute(perform_assignment=True)
    loads = rc.get_load_results()
    return time.perf_counter() - t, rc, loads

t0 = time.perf_counter()
once()
print(json.dumps({"warmup": time.perf_counter() - t0}), flush=True)
for _ in range(repeat):
    sec, rc, loads = once()
    print(json.dumps({"seconds": sec}), flush=True)
res = rc.get_results()
routes = res.groupby(["origin id", "destination id"]).size()
col = [c for c in loads.columns if str(c).endswith("_ab")][0]
flows = dict(zip(loads.index.astype(int).tolist(), loads[col].astype(float).tolist()))
print(json.dumps({"flows": flows, "routes_mean": float(routes.mean()), "routes_max": int(routes.max()),
                  "od_pairs": int(len(routes)), "links": int(len(net)), "zones": int(len(zones))}), flush=True)
'''


@dataclasses.dataclass
class Export:
    """The flow model of a network and demand as a plain directed graph."""

    folder: Path
    link_key: dict[int, str]  # exported link id -> "link|from|to" of the network link it runs on
    links: int
    zones: int
    od_pairs: int
    tonnes: float


def export_graph(where: str, prices: dict[str, float], folder: Path) -> Export:
    """Write ``links.csv`` (link_id, a_node, b_node, cost) and ``od.csv`` (origin, destination, tonnes)."""
    from corridor.assignment.lp import FreightLP
    from corridor.assignment.lp_graph import LINK

    ds = _dataset(where)
    lp = FreightLP.build(ds.network, ds.demand, **prices)
    g = lp.graph
    r, c, v = g.matrix
    cons = r < g.n_cons
    r, c, v = r[cons], c[cons], v[cons]
    tail = np.full(g.n_cols, -1, dtype=np.int64)
    head = np.full(g.n_cols, -1, dtype=np.int64)
    tail[c[v > 0]] = r[v > 0]
    head[c[v < 0]] = r[v < 0]
    cost = lp.state.costs.coef * 1.0
    keep = np.flatnonzero((tail >= 0) & (head >= 0) & (cost < CLOSED_USD_PER_T))
    n_vert = g.template.n_vertices
    zones_rows: list[int] = []
    od_rows: list[tuple[int, int, float]] = []
    rhs = g.row_lower
    for block in g.blocks:
        src = block.row0 + n_vert
        zones_rows.append(src)
        for k in range(len(block.destinations)):
            sink = src + 1 + k
            zones_rows.append(sink)
            od_rows.append((src, sink, -float(rhs[sink]) * lp.state.demand_scale))
    # node ids: the zones first (1..Z), then every other vertex that an exported column touches
    ids = np.zeros(g.n_cons, dtype=np.int64)
    ids[zones_rows] = np.arange(1, len(zones_rows) + 1)
    rest = np.setdiff1d(np.unique(np.concatenate([tail[keep], head[keep]])), zones_rows)
    ids[rest] = np.arange(len(zones_rows) + 1, len(zones_rows) + 1 + len(rest))
    comp, tmpl, links = g.compiled, g.template, ds.network.links
    link_key: dict[int, str] = {}
    for lid, col in enumerate(keep.tolist(), start=1):
        arc = int(g.col_arc[col])
        if arc >= 0 and tmpl.kind[arc] == LINK:
            a = int(tmpl.arc[arc])
            link_key[lid] = (f"{links[comp.arc_link[a]].id}|{comp.node_ids[comp.tail[a]]}|"
                             f"{comp.node_ids[comp.head[a]]}")
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "links.csv", "w") as f:
        f.write("link_id,a_node,b_node,cost\n")
        for lid, col in enumerate(keep.tolist(), start=1):
            f.write(f"{lid},{ids[tail[col]]},{ids[head[col]]},{float(cost[col])!r}\n")
    with open(folder / "od.csv", "w") as f:
        f.write("origin,destination,tonnes\n")
        for o, d, t in od_rows:
            if t > 0:
                f.write(f"{ids[o]},{ids[d]},{float(t)!r}\n")
    return Export(folder, link_key, len(keep), len(zones_rows), sum(t > 0 for *_, t in od_rows),
                  sum(t for *_, t in od_rows))


def _dataset(where: str) -> Any:
    if where == "eurasia":
        from corridor import data

        return data.load("eurasia")
    from corridor.io.tntp import read_tntp

    return read_tntp(where)


def _lines(out: str) -> list[dict]:
    return [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]


def run_corridor(where: str, gap: float, repeat: int, threads: int, engine: str,
                 overrides: dict[str, Any]) -> dict:
    with tempfile.TemporaryDirectory() as t:
        script = Path(t) / "corridor_sue_driver.py"
        script.write_text(_CORRIDOR)
        env = {**os.environ, "NUMBA_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
        p = subprocess.run([sys.executable, str(script), where, repr(gap), str(repeat), engine, json.dumps(overrides)],
                           capture_output=True, text=True, env=env, check=False)
    if p.returncode:
        sys.exit(f"corridor driver failed:\n{p.stderr[-3000:]}")
    rows = _lines(p.stdout)
    runs = [r for r in rows if "seconds" in r]
    last = rows[-1]
    return {"warmup": rows[0]["warmup"], "seconds": statistics.median(r["seconds"] for r in runs),
            "min": min(r["seconds"] for r in runs), "max": max(r["seconds"] for r in runs),
            "iterations": runs[-1]["iterations"], "gap": runs[-1]["gap"], "converged": runs[-1]["converged"],
            **last}


def ensure_aeq(venv: Path, install: bool) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        if not install:
            sys.exit(f"{python} does not exist (drop --no-install to create it)")
        print(f"installing aequilibrae=={AEQ_VERSION} into {venv} ...", file=sys.stderr, flush=True)
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"aequilibrae=={AEQ_VERSION}"], check=True)
    return python


def aeq_version(python: Path) -> str:
    out = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('aequilibrae'))"],
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"


def run_aeq(python: Path, exp: Export, theta: float, args: argparse.Namespace) -> dict:
    script = exp.folder / "aeq_route_choice_driver.py"
    script.write_text(_AEQ)
    p = subprocess.run([str(python), str(script), str(exp.folder), repr(theta), args.choice_set, str(args.max_routes),
                        str(args.max_depth), repr(args.psl_beta), str(args.aeq_repeat), str(args.threads)],
                       capture_output=True, text=True, check=False, cwd=exp.folder)
    if p.returncode:
        sys.exit(f"AequilibraE driver failed:\n{p.stderr[-3000:]}")
    rows = _lines(p.stdout)
    runs = [r["seconds"] for r in rows if "seconds" in r]
    return {"warmup": rows[0]["warmup"], "seconds": statistics.median(runs), "min": min(runs), "max": max(runs),
            **rows[-1]}


def flow_difference(ours: dict[str, float], exp: Export, theirs: dict[str, float]) -> tuple[float, float]:
    """(sum |difference| / sum of corridor's flows, largest |difference| in tonnes) over link directions."""
    agg: dict[str, float] = {}
    for lid, t in theirs.items():
        key = exp.link_key.get(int(lid))
        if key is not None:
            agg[key] = agg.get(key, 0.0) + t
    keys = set(ours) | set(agg)
    diff = [abs(ours.get(k, 0.0) - agg.get(k, 0.0)) for k in keys]
    total = sum(ours.values())
    return (sum(diff) / total if total else 0.0), max(diff, default=0.0)


def sweep(samples: int) -> list[tuple[str, float, float]]:
    """Time ``samples`` on 2 local workers with the SUE and with the LP (bench_sweep's harness)."""
    import yaml

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_sweep

    spec = yaml.safe_load(RISK.read_text())
    out = []
    with tempfile.TemporaryDirectory() as t:
        for method in ("sue", "lp"):
            eng = dict(spec.get("engine") or {})
            if eng.get("method") != method:
                eng = {"method": method, **({"value_of_time": eng["value_of_time"]} if "value_of_time" in eng else {})}
            path = Path(t) / f"{spec['name']}.yaml"
            path.write_text(yaml.safe_dump({**spec, "engine": eng}, sort_keys=False))
            wall, warm = bench_sweep._local(samples, 2, path)
            out.append((method, wall, warm))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tntp", default=os.environ.get("CORRIDOR_TNTP_DIR"))
    ap.add_argument("--networks", nargs="+", default=["eurasia", "SiouxFalls"],
                    help="'eurasia' (the built-in data) and TNTP network names under --tntp")
    ap.add_argument("--gap", type=float, default=1e-4)
    ap.add_argument("--repeat", type=int, default=5, help="timed corridor runs (after one warm-up)")
    ap.add_argument("--aeq-repeat", type=int, default=3, help="timed AequilibraE runs (after one warm-up)")
    ap.add_argument("--threads", type=int, default=1, help="threads (cores) for each engine")
    ap.add_argument("--aeq-venv", default="/tmp/aeqvenv")
    ap.add_argument("--no-install", action="store_true", help="do not create --aeq-venv if it is missing")
    ap.add_argument("--no-aeq", action="store_true", help="time corridor only")
    ap.add_argument("--theta", type=float, default=None,
                    help="logit scale per USD/t for AequilibraE (default: the one the SUE reports using)")
    ap.add_argument("--choice-set", default="bfsle", choices=["bfsle", "link-penalisation"])
    ap.add_argument("--max-routes", type=int, default=None,
                    help="routes per OD pair for AequilibraE (default: the SUE's max_routes, else 5)")
    ap.add_argument("--max-depth", type=int, default=10)
    ap.add_argument("--psl-beta", type=float, default=None,
                    help="path-size exponent for AequilibraE (default: the SUE's, else 1)")
    ap.add_argument("--sue-option", action="append", default=[], metavar="KEY=VALUE",
                    help="passed to SUEOptions (a JSON value), e.g. --sue-option max_routes=5")
    ap.add_argument("--engine", default="sue", choices=["sue", "freight-eq"],
                    help="corridor engine (freight-eq, the deterministic one, only checks the harness)")
    ap.add_argument("--sweep-samples", type=int, default=0, help="also time a sweep of this many samples")
    args = ap.parse_args()
    overrides = {k: json.loads(v) for k, v in (o.split("=", 1) for o in args.sue_option)}

    import numba

    print(f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
          f"threads per engine {args.threads}, cpus {os.cpu_count()}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, {platform.platform()}")
    python = None if args.no_aeq else ensure_aeq(Path(args.aeq_venv), not args.no_install)
    if python:
        version = aeq_version(python)
        print(f"aequilibrae {version} ({python})" + ("" if version == AEQ_VERSION else
                                                     f" -- NOT the pinned {AEQ_VERSION}"))
    rows, notes = [], []
    for name in args.networks:
        where = "eurasia" if name == "eurasia" else str(Path(args.tntp or ".") / name)
        ours = run_corridor(where, args.gap, args.repeat, args.threads, args.engine, overrides)
        opts = ours["options"]
        theta = args.theta if args.theta is not None else next(
            (opts[k] for k in ("theta", "dispersion", "scale", "logit_scale") if opts.get(k) is not None), None)
        beta = args.psl_beta if args.psl_beta is not None else next(
            (opts[k] for k in ("path_size_beta", "psl_beta", "beta", "path_size") if isinstance(opts.get(k), float)),
            1.0)
        args.psl_beta = beta if args.psl_beta is None else args.psl_beta
        if args.max_routes is None:
            args.max_routes = next((opts[k] for k in ("max_routes", "routes", "k") if isinstance(opts.get(k), int)), 5)
        peer, diff = None, None
        with tempfile.TemporaryDirectory() as t:
            exp = export_graph(where, ours["prices"], Path(t))
            if python and theta is not None:
                peer = run_aeq(python, exp, float(theta), args)
                diff = flow_difference(ours["flows"], exp, peer["flows"])
        notes.append(f"{name}: exported graph {exp.links} links, {exp.zones} zones, {exp.od_pairs} OD pairs, "
                     f"{exp.tonnes:,.0f} t; theta {theta} per USD/t, path-size exponent {beta}; "
                     f"prices {ours['prices']}; "
                     f"corridor options {opts}; corridor numba threads {ours['threads']}")
        if peer:
            notes.append(f"{name}: AequilibraE {args.choice_set}, max_routes {args.max_routes}, max_depth "
                         f"{args.max_depth}: routes per OD mean {peer['routes_mean']:.2f}, max {peer['routes_max']}; "
                         f"link flows differ by {diff[0]:.2%} of corridor's total (largest {diff[1]:,.0f} t)")
        rows.append((name, ours, peer))
    print()
    print(f"| network | corridor {args.engine} s, median (min–max) | iterations, gap | s per iteration "
          "| AequilibraE RouteChoice s, median (min–max) | AequilibraE ÷ corridor "
          "| warm-up s: corridor / AequilibraE |")
    print("|---|---|---|---|---|---|---|")
    for name, ours, peer in rows:
        conv = "" if ours["converged"] else " not converged"
        peer_cell = f"{peer['seconds']:.4f} ({peer['min']:.4f}–{peer['max']:.4f})" if peer else "–"
        ratio = f"**{peer['seconds'] / ours['seconds']:.2f}x**" if peer else "–"
        warm = f"{ours['warmup']:.3f} / {peer['warmup']:.3f}" if peer else f"{ours['warmup']:.3f} / –"
        print(f"| {name} | {ours['seconds']:.4f} ({ours['min']:.4f}–{ours['max']:.4f}) | {ours['iterations']}, "
              f"{ours['gap']:.2e}{conv} | {ours['seconds'] / max(ours['iterations'], 1):.5f} | {peer_cell} | "
              f"{ratio} | {warm} |", flush=True)
    print()
    for n in notes:
        print(f"- {n}")
    if args.sweep_samples:
        res = sweep(args.sweep_samples)
        print()
        print(f"{args.sweep_samples}-sample sweep of northern-risk-premium, local pool of 2 workers, DuckDB store:")
        print("| engine | seconds | samples/s | warm re-solves |")
        print("|---|---|---|---|")
        for method, wall, warm in res:
            print(f"| {method} | {wall:.1f} | {args.sweep_samples / wall:.1f} | {warm:.0%} |")
        print(f"SUE sweep ÷ LP sweep: {res[0][1] / res[1][1]:.2f}x")


if __name__ == "__main__":
    main()
