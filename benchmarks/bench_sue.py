"""Stochastic user equilibrium: corridor's SUE against AequilibraE's path-size-logit RouteChoice, side by side.

Usage (from the repository root)::

    CORRIDOR_TNTP_DIR=/work/shared/data/tntp .venv/bin/python benchmarks/bench_sue.py [--repeat 5]
        [--networks eurasia 'eurasia*1.5' SiouxFalls] [--sweep-samples 1000]

AequilibraE (pinned: ``AEQ_VERSION``) lives in its own virtual environment, ``--aeq-venv``
(``/tmp/aeqvenv`` by default); the benchmark creates it with ``python3 -m venv`` and
``pip install aequilibrae==AEQ_VERSION`` when it is missing (``--no-install`` to refuse). As in
``bench_equilibrium.py``, it writes a small driver script and runs it in a subprocess of that
interpreter. corridor runs in a subprocess of this interpreter: one process per engine, each pinned to
``--threads`` threads (numba's ``NUMBA_NUM_THREADS`` for corridor, ``RouteChoice.set_cores`` for
AequilibraE; 1 by default, the issue's "one core").

The same network and demand for both. corridor's SUE (:mod:`corridor.assignment.sue`) works on the
transfer-expanded multicommodity graph of :class:`corridor.assignment.lp.FreightLP` (one block of arcs
per (commodity, origin): link arcs, transfer arcs at nodes for mode changes, ports and borders, source
and sink arcs, and an unserved arc per demand row at the unserved penalty). The benchmark exports
exactly that graph as a plain directed graph: one link per column with its generalised cost in USD
per tonne (money + value of time x hours + carbon and exposure prices as the SUE reports them), the
blocks' sources and sinks as zones, the demand in tonnes between them; columns through a closed
capacity are left out, as the SUE bars them. AequilibraE's ``Graph`` is built from that table and
``RouteChoice`` runs on it. The TNTP network (not tuned on) goes through the same export:
``corridor.io.tntp.read_tntp`` turns it into a corridor network and demand. ``eurasia*1.5`` is the
built-in data with every demand row times 1.5 (capacities bind; not tuned on either).

What is equal and what differs:

- Equal: the graph, the costs of its columns, the demand, the path-size weight (AequilibraE's
  ``beta`` = corridor's ``path_size``), one core each.
- The logit. corridor's utility is ``-theta * C_k / C_ref + path_size * ln PS_k`` per
  value-of-time segment (3 by default), ``C_ref`` being the segment's cheapest route for that demand
  row, ``PS_k`` the path size by link length. AequilibraE's is ``-c_k + beta * ln PS_k`` with one
  cost per link and ``PS_k`` by link cost. The export therefore prices the links at the segments'
  mean value of time and multiplies each block's costs by ``theta / C_ref``, ``C_ref`` the
  demand-weighted mean over the block's rows of their cheapest route: exact for a block with one
  destination (most of eurasia's), an approximation for the others (every TNTP origin).
- The choice sets. corridor: least-cost route per segment, country bans (a tree ``ban_depth``
  deep), link penalisation, routes dearer than 3x the cheapest dropped, at most ``max_paths``;
  AequilibraE: BFSLE (or link penalisation) with ``max_routes`` = corridor's mean routes per row,
  rounded up.
- Capacities. corridor's SUE keeps them hard, prices them by the dual (L-BFGS-B) and grows the
  choice sets by column generation until the relative gap is under ``--gap``; AequilibraE's
  ``RouteChoice`` is one loading at the graph's costs and has no capacities. Where none binds
  (SiouxFalls: TNTP links carry no freight capacity) this is the same work; on eurasia a few
  capacities bind already at the 2021 demand (more at 1.5x), and corridor also prices them.
- Results. corridor collects the full result tables (an ``LPResult``: flows per link and commodity,
  OD, corridors, measures, the route records); AequilibraE the link loads. The link flows of the two
  are compared at the end (share of corridor's total that differs), as a check, not a target.

What is timed (wall clock, ``time.perf_counter``, median over ``--repeat`` runs, after one warm-up run
that is reported separately; its first call includes loading numba's cache):

- corridor, whole call: ``stochastic_equilibrium(network, demand, options)`` (building the flow model,
  choice sets, rounds, collecting the result), what a user waits for (the issue's "under 3 s").
- corridor, model prebuilt: the same with ``lp=`` a model built beforehand and its path space
  (``PathSpace.of``) compiled outside the timer, as AequilibraE's ``Graph`` is; the part of it that
  collects the result tables is shown in brackets.
- AequilibraE: ``RouteChoice.execute(perform_assignment=True)`` plus ``get_load_results()`` (the link
  loads); building its ``Graph`` and the demand table is outside the timer, as in bench_equilibrium.

``--sweep-samples N`` also times an ``N``-sample sweep of ``examples/northern-risk-premium.yaml`` on a
local pool of 2 workers with ``engine: {method: sue}`` and, one after the other on the same machine,
with ``engine: {method: lp}`` (bench_sweep's ``_local`` harness: scenario loaded, then the timer runs
over starting the workers, the samples and the DuckDB store).
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

_CORRIDOR = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
where, gap, repeat, overrides = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
from corridor.assignment.choice_sets import PathSpace
from corridor.assignment.lp import FreightLP
from corridor.assignment.sue import SUEOptions, stochastic_equilibrium
from corridor.scenarios.choice_data import choice_for
name, _, factor = where.partition("*")
if name == "eurasia":
    from corridor import data
    ds = data.load("eurasia")
else:
    from corridor.io.tntp import read_tntp
    ds = read_tntp(name)
if factor:
    import dataclasses
    ds = dataclasses.replace(ds, demand=[dataclasses.replace(r, tonnes=r.tonnes * float(factor)) for r in ds.demand])
choice = choice_for(dict(ds.network.meta))  # the dataset's choice.csv, as engine: {method: sue} runs it
choice = choice.with_values(overrides.pop("choice", {}))
opts = SUEOptions(choice=choice, gap=gap, **overrides)

def once(prebuilt):
    lp = None
    if prebuilt:  # the flow model and its path space built outside the timer, as AequilibraE's Graph is
        lp = FreightLP.build(ds.network, ds.demand, value_of_time=0.0, carbon_price=opts.carbon_price,
                             risk_price=opts.risk_price, unserved_penalty_usd_per_t=opts.unserved_penalty_usd_per_t)
        PathSpace.of(lp.graph)
    t = time.perf_counter()
    res = stochastic_equilibrium(ds.network, ds.demand, opts, lp=lp)
    return time.perf_counter() - t, res

warm, res = once(False)
print(json.dumps({"warmup": warm}), flush=True)
for _ in range(repeat):
    sec, res = once(False)
    pre, res = once(True)
    print(json.dumps({"seconds": sec, "prebuilt": pre, "collect": pre - res.history[-1][3],
                      "iterations": int(res.iterations), "gap": float(res.gap),
                      "converged": bool(res.converged)}), flush=True)
flows = {}
for r in res.flows.link_flows:
    key = f"{r['link']}|{r['from']}|{r['to']}"
    flows[key] = flows.get(key, 0.0) + float(r["tonnes"])
rows = {r["row"] for r in res.routes}
segs = choice.segments_for("")
print(json.dumps({"flows": flows, "options": {k: v for k, v in res.options.items() if k != "risk"},
                  "risk_entries": len(opts.risk.entries), "binding": len(res.prices),
                  "rows": len(rows), "routes": len(res.routes),
                  "routes_max": max(sum(1 for r in res.routes if r["row"] == i) for i in rows),
                  "mean_vot": sum(g.share * g.value_of_time for g in segs), "served_t": float(res.served),
                  "total_cost": float(res.total_cost)}), flush=True)
"""

_AEQ = r'''
import json, sys, time, warnings
warnings.simplefilter("ignore")
import logging
logging.disable(logging.WARNING)
import numpy as np, pandas as pd
from aequilibrae.paths import Graph, RouteChoice

folder, algorithm, max_routes, max_depth, psl_beta, repeat, cores = sys.argv[1:8]
psl_beta = float(psl_beta)
max_routes, max_depth, repeat, cores = int(max_routes), int(max_depth), int(repeat), int(cores)
net = pd.read_csv(f"{folder}/links.csv")  # link_id, a_node, b_node, cost (USD/t), utility (scaled cost)
od = pd.read_csv(f"{folder}/od.csv")
net["direction"] = 1
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
    """The flow model of a network and demand as a plain directed graph (files in ``folder``)."""

    folder: Path
    link_key: dict[int, str]  # exported link id -> "link|from|to" of the network link it runs on
    links: int
    zones: int
    od_pairs: int
    tonnes: float
    scale: tuple[float, float]  # smallest and largest logit scale per USD/t over the blocks


def export_graph(where: str, used: dict[str, Any], mean_vot: float, folder: Path) -> Export:
    """Write ``links.csv`` (link_id, a_node, b_node, cost, utility) and ``od.csv`` (origin, destination, tonnes).

    ``used`` is the options the SUE reports; links are priced at the mean value of time of its segments.
    The utility of a column is its cost times ``theta / C_ref`` of its block, ``C_ref`` being the
    demand-weighted mean over the block's rows of the cheapest route's cost.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import dijkstra

    from corridor.assignment.lp import FreightLP
    from corridor.assignment.lp_graph import LINK
    from corridor.assignment.lp_matrix import column_ends

    ds = _dataset(where)
    lp = FreightLP.build(ds.network, ds.demand, value_of_time=mean_vot, carbon_price=used["carbon_price"],
                         risk_price=used["risk_price"], unserved_penalty_usd_per_t=used["unserved_penalty_usd_per_t"])
    g = lp.graph
    tail, head = column_ends(g)
    cost = np.asarray(lp.state.costs.coef, dtype=float)
    barred = np.zeros(g.n_cols, dtype=bool)  # as the SUE: columns through a closed capacity are barred
    for row in lp.state.capacities.values():
        if np.isfinite(row.current) and len(row.cols) and row.current < 1e-6:
            barred[row.cols[row.coefs > 0]] = True
    keep = np.flatnonzero(~barred)
    n_vert = g.template.n_vertices
    mat = sparse.csr_array((cost[keep] + 1e-9, (tail[keep], head[keep])), shape=(g.n_cons, g.n_cons))
    rhs = g.row_lower * lp.state.demand_scale
    zones_rows: list[int] = []
    od_rows: list[tuple[int, int, float]] = []
    block_scale = np.zeros(len(g.blocks))
    theta = float(used["choice"]["theta"])
    for b, block in enumerate(g.blocks):
        src = block.row0 + n_vert
        zones_rows.append(src)
        sinks = [src + 1 + k for k in range(len(block.destinations))]
        dist = dijkstra(mat, directed=True, indices=src, min_only=True)
        tonnes = np.asarray([-float(rhs[v]) for v in sinks])
        zones_rows += sinks
        od_rows += [(src, v, t) for v, t in zip(sinks, tonnes, strict=True)]
        c_ref = float(tonnes @ dist[sinks] / tonnes.sum()) if tonnes.sum() > 0 else float(np.mean(dist[sinks]))
        block_scale[b] = theta / max(c_ref, 1e-9)
    utility = cost * block_scale[g.col_block]
    # node ids: the zones first (1..Z), then every other vertex that an exported column touches
    ids = np.zeros(g.n_cons, dtype=np.int64)
    ids[zones_rows] = np.arange(1, len(zones_rows) + 1)
    rest = np.setdiff1d(np.unique(np.concatenate([tail[keep], head[keep]])), zones_rows)
    ids[rest] = np.arange(len(zones_rows) + 1, len(zones_rows) + 1 + len(rest))
    comp, tmpl, links = g.compiled, g.template, ds.network.links
    link_key: dict[int, str] = {}
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "links.csv", "w") as f:
        f.write("link_id,a_node,b_node,cost,utility\n")
        for lid, col in enumerate(keep.tolist(), start=1):
            f.write(f"{lid},{ids[tail[col]]},{ids[head[col]]},{float(cost[col])!r},{float(utility[col])!r}\n")
            arc = int(g.col_arc[col])
            if arc >= 0 and tmpl.kind[arc] == LINK:
                a = int(tmpl.arc[arc])
                ends = f"{comp.node_ids[comp.tail[a]]}|{comp.node_ids[comp.head[a]]}"
                link_key[lid] = f"{links[comp.arc_link[a]].id}|{ends}"
    with open(folder / "od.csv", "w") as f:
        f.write("origin,destination,tonnes\n")
        for o, d, t in od_rows:
            if t > 0:
                f.write(f"{ids[o]},{ids[d]},{float(t)!r}\n")
    return Export(folder, link_key, len(keep), len(zones_rows), sum(t > 0 for *_, t in od_rows),
                  float(sum(t for *_, t in od_rows)), (float(block_scale.min()), float(block_scale.max())))


def _dataset(where: str) -> Any:
    """``eurasia`` or a TNTP folder, with ``*F`` after it: every demand row's tonnes times ``F``."""
    name, _, factor = where.partition("*")
    if name == "eurasia":
        from corridor import data

        ds = data.load("eurasia")
    else:
        from corridor.io.tntp import read_tntp

        ds = read_tntp(name)
    if factor:
        ds = dataclasses.replace(ds, demand=[dataclasses.replace(r, tonnes=r.tonnes * float(factor))
                                             for r in ds.demand])
    return ds


def _lines(out: str) -> list[dict]:
    return [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]


def _one_thread(threads: int) -> dict[str, str]:
    n = str(threads)
    return {**os.environ, "NUMBA_NUM_THREADS": n, "OMP_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n,
            "MKL_NUM_THREADS": n}


def run_corridor(where: str, gap: float, repeat: int, threads: int, overrides: dict[str, Any]) -> dict:
    with tempfile.TemporaryDirectory() as t:
        script = Path(t) / "corridor_sue_driver.py"
        script.write_text(_CORRIDOR)
        p = subprocess.run([sys.executable, str(script), where, repr(gap), str(repeat), json.dumps(overrides)],
                           capture_output=True, text=True, env=_one_thread(threads), check=False)
    if p.returncode:
        sys.exit(f"corridor driver failed:\n{p.stderr[-3000:]}")
    rows = _lines(p.stdout)
    runs = [r for r in rows if "seconds" in r]
    pre = [r["prebuilt"] for r in runs]
    return {"warmup": rows[0]["warmup"], "seconds": statistics.median(r["seconds"] for r in runs),
            "min": min(r["seconds"] for r in runs), "max": max(r["seconds"] for r in runs),
            "prebuilt": {"seconds": statistics.median(pre), "min": min(pre), "max": max(pre)},
            "collect": statistics.median(r["collect"] for r in runs),
            "iterations": runs[-1]["iterations"], "gap": runs[-1]["gap"], "converged": runs[-1]["converged"],
            **rows[-1]}


def ensure_aeq(venv: Path, install: bool) -> Path:
    """The interpreter of the AequilibraE venv, created (``pip install aequilibrae==AEQ_VERSION``) if missing."""
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


def run_aeq(python: Path, exp: Export, max_routes: int, psl_beta: float, args: argparse.Namespace) -> dict:
    script = exp.folder / "aeq_route_choice_driver.py"
    script.write_text(_AEQ)
    p = subprocess.run([str(python), str(script), str(exp.folder), args.choice_set, str(max_routes),
                        str(args.max_depth), repr(psl_beta), str(args.aeq_repeat), str(args.threads)],
                       capture_output=True, text=True, check=False, cwd=exp.folder, env=_one_thread(args.threads))
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

    from corridor.assignment.freight_options import DEFAULT_VALUE_OF_TIME

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_sweep

    spec = yaml.safe_load(RISK.read_text())
    out = []
    with tempfile.TemporaryDirectory() as t:
        for method in ("sue", "lp"):
            eng = dict(spec.get("engine") or {})
            if eng.get("method") != method:  # the SUE takes its values of time from the choice segments
                vot = eng.get("value_of_time", DEFAULT_VALUE_OF_TIME) if method == "lp" else None
                eng = {"method": method, **({"value_of_time": vot} if vot is not None else {})}
            path = Path(t) / f"{spec['name']}.yaml"
            path.write_text(yaml.safe_dump({**spec, "engine": eng}, sort_keys=False))
            wall, warm = bench_sweep._local(samples, 2, path)
            out.append((method, wall, warm))
    return out


def _cell(r: dict) -> str:
    return f"{r['seconds']:.3f} ({r['min']:.3f}–{r['max']:.3f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tntp", default=os.environ.get("CORRIDOR_TNTP_DIR"))
    ap.add_argument("--networks", nargs="+", default=["eurasia", "eurasia*1.5", "SiouxFalls"],
                    help="'eurasia' (the built-in data) and TNTP network names under --tntp; NAME*F scales the "
                         "demand by F")
    ap.add_argument("--gap", type=float, default=1e-4)
    ap.add_argument("--repeat", type=int, default=5, help="timed corridor runs (after one warm-up)")
    ap.add_argument("--aeq-repeat", type=int, default=5, help="timed AequilibraE runs (after one warm-up)")
    ap.add_argument("--threads", type=int, default=1, help="threads (cores) for each engine")
    ap.add_argument("--aeq-venv", default="/tmp/aeqvenv")
    ap.add_argument("--no-install", action="store_true", help="do not create --aeq-venv if it is missing")
    ap.add_argument("--no-aeq", action="store_true", help="time corridor only")
    ap.add_argument("--choice-set", default="bfsle", choices=["bfsle", "link-penalisation"])
    ap.add_argument("--max-routes", type=int, default=None,
                    help="routes per OD pair for AequilibraE (default: corridor's mean routes per row, rounded up)")
    ap.add_argument("--max-depth", type=int, default=10, help="AequilibraE's max_depth")
    ap.add_argument("--sue-option", action="append", default=[], metavar="KEY=VALUE",
                    help="passed to SUEOptions (VALUE in JSON), e.g. max_paths=8 or choice='{\"theta\": 5}'")
    ap.add_argument("--sweep-samples", type=int, default=0,
                    help="also time a sweep of this many samples with the SUE and with the LP, 2 workers")
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
        base, star, factor = name.partition("*")
        where = name if base == "eurasia" else str(Path(args.tntp or ".") / base) + star + factor
        ours = run_corridor(where, args.gap, args.repeat, args.threads, overrides)
        used = ours["options"]
        max_routes = args.max_routes or -(-ours["routes"] // ours["rows"])
        psl_beta = float(used["choice"]["path_size"])
        peer, diff = None, None
        with tempfile.TemporaryDirectory() as t:
            exp = export_graph(where, used, ours["mean_vot"], Path(t))
            if python:
                peer = run_aeq(python, exp, max_routes, psl_beta, args)
                diff = flow_difference(ours["flows"], exp, peer["flows"])
        notes.append(f"{name}: corridor SUE choice parameters {used['choice']}, {ours['risk_entries']} risk entries, "
                     f"max_paths {used['max_paths']}, ban_depth {used['ban_depth']}; {ours['rows']} demand rows, "
                     f"{ours['routes']} routes weighed ({ours['routes'] / ours['rows']:.1f} per row, at most "
                     f"{ours['routes_max']}); served {ours['served_t']:,.0f} t; {ours['binding']} capacities priced")
        notes.append(f"{name}: exported graph {exp.links} links, {exp.zones} zones, {exp.od_pairs} OD pairs, "
                     f"{exp.tonnes:,.0f} t, priced at the segments' mean value of time {ours['mean_vot']:.4f} "
                     f"USD/t-h; logit scale theta / C_ref per block {exp.scale[0]:.4g} to {exp.scale[1]:.4g} per USD/t")
        if peer:
            notes.append(f"{name}: AequilibraE {args.choice_set}, max_routes {max_routes}, max_depth "
                         f"{args.max_depth}, path-size exponent {psl_beta}: {peer['routes_mean']:.1f} routes per OD "
                         f"(at most {peer['routes_max']}); link flows differ from corridor's by {diff[0]:.1%} of "
                         f"corridor's total (largest {diff[1]:,.0f} t on one link direction)")
        rows.append((name, ours, peer))
    print()
    print("| network | corridor SUE, whole call | corridor SUE, model prebuilt (of which collecting results) "
          "| rounds, gap | AequilibraE RouteChoice | AequilibraE ÷ corridor: whole call / prebuilt "
          "| warm-up: corridor / AequilibraE |")
    print("|---|---|---|---|---|---|---|")
    for name, ours, peer in rows:
        conv = "" if ours["converged"] else " not converged"
        pre = ours["prebuilt"]
        ratio = (f"{peer['seconds'] / ours['seconds']:.2f}x / **{peer['seconds'] / pre['seconds']:.2f}x**"
                 if peer else "–")
        print(f"| {name} | {_cell(ours)} | {_cell(pre)} ({ours['collect']:.3f}) | {ours['iterations']}, "
              f"{ours['gap']:.1e}{conv} | {_cell(peer) if peer else '–'} | {ratio} | {ours['warmup']:.2f} / "
              f"{peer['warmup'] if peer else float('nan'):.2f} |", flush=True)
    print("(seconds, median (min–max) over the timed runs)")
    print()
    for n in notes:
        print(f"- {n}")
    if args.sweep_samples:
        res = sweep(args.sweep_samples)
        print()
        print(f"{args.sweep_samples}-sample sweep of northern-risk-premium, local pool of 2 workers, DuckDB store, "
              "one run each:")
        print("| engine | seconds | samples/s | samples on a reused model (warm) |")
        print("|---|---|---|---|")
        for method, wall, warm in res:
            print(f"| {method} | {wall:.1f} | {args.sweep_samples / wall:.1f} | {warm:.0%} |")
        print(f"SUE sweep ÷ LP sweep: {res[0][1] / res[1][1]:.2f}x (goal: the SUE sweep under 600 s)")


if __name__ == "__main__":
    main()
