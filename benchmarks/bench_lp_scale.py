"""The freight LP at scale: arc formulation (today's) vs path formulation (column generation), side by side.

Each (network, formulation) runs in its own subprocess, so that the peak memory
(``resource.getrusage(...).ru_maxrss`` of that process: imports, the dataset, the build and the
solve) belongs to it alone. Networks: the built-in one, :func:`corridor.data.synthetic.tiled` copies
of it (demand inside the tiles or across them) and, largest, a
:func:`corridor.data.synthetic.rail_grid` of 10,000 nodes and 1,000 zones (``tiled(..., 107)``
where ``rail_grid`` is not available). The arc formulation is skipped where blocks × arcs is above
``--max-arc-columns`` (it would not fit in memory).

Run from the repository root::

    .venv/bin/python benchmarks/bench_lp_scale.py [--cases builtin,in10,across10,in30,grid10k] [--ipm in10,across10]

``--pricing grid3k,grid10k`` instead compares the path formulation's pricing searches, Dijkstra
(``lp_paths.GOAL_DIRECTED = False``) against A* with potentials at the prices, each in its own
subprocess: cold solve, warm re-solve after ``set_demand_scale(1.1)``, peak memory.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from typing import Any

CASES: dict[str, str] = {
    "builtin": "built-in network",
    "in10": "tiled 10, demand inside tiles",
    "across10": "tiled 10, demand across tiles",
    "in30": "tiled 30, demand inside tiles",
    "grid2k": "rail_grid 2,000 nodes, 200 zones",
    "grid3k": "rail_grid 3,000 nodes, 300 zones",
    "grid10k": "rail_grid 10,000 nodes, 1,000 zones",
}


def dataset(case: str) -> Any:
    from corridor import data
    from corridor.data import synthetic

    base = data.load()
    if case == "builtin":
        return base
    if case.startswith(("in", "across")):
        n = int(case.removeprefix("in").removeprefix("across"))
        return synthetic.tiled(base, n, demand="inside" if case.startswith("in") else "across")
    nodes, zones = {"grid2k": (2_000, 200), "grid3k": (3_000, 300), "grid10k": (10_000, 1_000)}[case]
    if hasattr(synthetic, "rail_grid"):
        return synthetic.rail_grid(base, nodes=nodes, zones=zones, seed=0)
    return synthetic.tiled(base, round(nodes / len(base.network.nodes)))  # pragma: no cover - older trees


def estimated_arc_columns(ds: Any) -> int:
    blocks = len({(r.commodity, r.origin) for r in ds.demand.rows})
    return blocks * sum(1 if lk.oneway else 2 for lk in ds.network.links)


def one(case: str, formulation: str) -> dict[str, Any]:
    """Build and solve one case in this process; figures as a dict."""
    from corridor.assignment.lp import FreightLP

    ds = dataset(case)
    form, _, solver = formulation.partition("+")
    t0, c0 = time.perf_counter(), time.process_time()
    model = FreightLP.build(ds.network, ds.demand, formulation=form, solver=solver or "simplex")
    t1, c1 = time.perf_counter(), time.process_time()
    res = model.solve()
    t2, c2 = time.perf_counter(), time.process_time()
    info = model._highs.getInfo()
    its = res.meta["iterations"] or int(info.ipm_iteration_count)
    cols = model.graph.n_cols if form == "arcs" else res.meta["n_routes"] + len(ds.demand.rows)
    return {"case": case, "formulation": formulation, "nodes": len(ds.network.nodes), "rows": len(ds.demand.rows),
            "build_s": t1 - t0, "solve_s": t2 - t1, "build_cpu_s": c1 - c0, "solve_cpu_s": c2 - c1,
            "columns": cols, "iterations": its,
            "rounds": res.meta.get("cg_rounds"), "objective": res.objective, "status": res.status,
            "unserved_t": res.unserved_t, "bottlenecks": [(b["kind"], b["id"], b["from"], b["unit"],
                                                           round(b["usd_per_t_yr"], 6)) for b in res.bottlenecks],
            "maxrss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6}


def one_pricing(case: str, pricing: str) -> dict[str, Any]:
    """Cold solve and warm re-solve of the path LP with ``pricing`` ("dijkstra" or "astar"), in this process."""
    from corridor.assignment import lp_paths
    from corridor.assignment.lp import FreightLP

    lp_paths.GOAL_DIRECTED = pricing == "astar"
    spent = [0.0]  # seconds in pricing: the cheapest routes at the prices, and the rounds' searches
    for name in ("_price", "_cheapest_routes"):
        method = getattr(lp_paths.PathLP, name)

        def timed(*a: Any, method: Any = method) -> Any:
            t = time.perf_counter()
            out = method(*a)
            spent[0] += time.perf_counter() - t
            return out

        setattr(lp_paths.PathLP, name, timed)
    ds = dataset(case)
    t0 = time.perf_counter()
    model = FreightLP.build(ds.network, ds.demand, formulation="paths")
    t1 = time.perf_counter()
    cold = model.solve()
    t2 = time.perf_counter()
    cold_pricing, spent[0] = spent[0], 0.0
    model.set_demand_scale(1.1)
    warm = model.solve()
    t3 = time.perf_counter()
    pot = model._potentials.kept if pricing == "astar" else {}
    return {"case": case, "pricing": pricing, "nodes": len(ds.network.nodes), "build_s": t1 - t0,
            "cold_s": t2 - t1, "warm_s": t3 - t2, "cold_pricing_s": cold_pricing, "warm_pricing_s": spent[0],
            "cold_rounds": cold.meta["cg_rounds"],
            "warm_rounds": warm.meta["cg_rounds"], "cold_objective": cold.objective, "warm_objective": warm.objective,
            "potentials": len(pot), "potential_mb": sum(p.nbytes for p in pot.values()) / 1e6,
            "maxrss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6}


def main_pricing(cases: str) -> None:
    """Print the table of Dijkstra vs A* pricing (each run in its own subprocess)."""
    print("| network | pricing | build s | cold solve s (rounds) [pricing s] | warm re-solve s (rounds) [pricing s] "
          "| peak GB | potentials (MB) | cold objective | warm objective | cold / warm time Dijkstra / A* "
          "| cold / warm pricing Dijkstra / A* |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case in cases.split(","):
        res = {}
        for pricing in ("dijkstra", "astar"):
            out = subprocess.run([sys.executable, __file__, "--one-pricing", case, pricing], capture_output=True,
                                 text=True, check=False)
            if out.returncode:
                print(f"| {CASES[case]} | {pricing} | failed: {out.stderr.strip().splitlines()[-1:]} |")
                continue
            r = res[pricing] = json.loads(out.stdout.strip().splitlines()[-1])
            ratio = pratio = ""
            if pricing == "astar" and "dijkstra" in res:
                d = res["dijkstra"]
                ratio = f"{d['cold_s'] / r['cold_s']:.2f} / {d['warm_s'] / r['warm_s']:.2f}"
                pratio = (f"{d['cold_pricing_s'] / r['cold_pricing_s']:.2f} / "
                          f"{d['warm_pricing_s'] / r['warm_pricing_s']:.2f}")
            cells = [f"{CASES[case]}", pricing, f"{r['build_s']:.2f}",
                     f"{r['cold_s']:.2f} ({r['cold_rounds']}) [{r['cold_pricing_s']:.2f}]",
                     f"{r['warm_s']:.2f} ({r['warm_rounds']}) [{r['warm_pricing_s']:.2f}]", f"{r['maxrss_gb']:.3f}",
                     f"{r['potentials']} ({r['potential_mb']:.1f})", f"{r['cold_objective']:.12e}",
                     f"{r['warm_objective']:.12e}", ratio, pratio]
            print("| " + " | ".join(cells) + " |", flush=True)


def same_bottlenecks(a: list[list[Any]], b: list[list[Any]], rel: float = 1e-6) -> bool:
    """Whether two bottleneck lists name the same rows with the same values (ties may come in any order)."""
    va = {tuple(x[:4]): x[4] for x in a}
    vb = {tuple(x[:4]): x[4] for x in b}
    return va.keys() == vb.keys() and all(abs(va[k] - vb[k]) <= rel * max(1.0, abs(va[k])) for k in va)


def run(case: str, formulation: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--one", case, formulation], capture_output=True, text=True,
                         check=False)
    if out.returncode:
        return {"case": case, "formulation": formulation, "error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="builtin,in10,across10,in30,grid10k")
    ap.add_argument("--ipm", default="", help="cases (comma-separated) to solve also by the arc formulation on "
                    "HiGHS' interior point (with presolve)")
    ap.add_argument("--max-arc-columns", type=float, default=6e6)
    ap.add_argument("--pricing", default="", help="cases (comma-separated) to solve by the path LP with Dijkstra "
                    "and with A* pricing, side by side (instead of the formulations)")
    ap.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--one-pricing", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(*args.one)))
        return
    if args.one_pricing:
        print(json.dumps(one_pricing(*args.one_pricing)))
        return
    print(f"Python {platform.python_version()}, {platform.machine()}")
    if args.pricing:
        main_pricing(args.pricing)
    else:
        main_formulations(args)


def main_formulations(args: argparse.Namespace) -> None:
    """Print the table of the arc and path formulations side by side."""
    import highspy  # noqa: F401

    print("| network | OD rows | formulation | columns | build CPU s | solve CPU s | total CPU s | total wall s "
          "| iterations (rounds) | peak GB | objective | rel. diff to arcs | CPU time arcs / paths |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case in args.cases.split(","):
        ds = dataset(case)
        forms = ["paths"]
        est = estimated_arc_columns(ds)
        if est <= args.max_arc_columns:
            forms = ["arcs", *(["arcs+ipm"] if case in args.ipm.split(",") else []), "paths"]
        results = {f: run(case, f) for f in forms}
        ref = results.get("arcs")
        for f, r in results.items():
            if "error" in r:
                print(f"| {CASES[case]} | | {f} | failed: {r['error']} |")
                continue
            total = r["build_cpu_s"] + r["solve_cpu_s"]
            diff = ratio = ""
            if ref is not None and "error" not in ref:
                diff = f"{abs(r['objective'] - ref['objective']) / abs(ref['objective']):.1e}"
                if f == "paths":
                    ratio = f"{(ref['build_cpu_s'] + ref['solve_cpu_s']) / total:.1f}"
                    diff += "" if same_bottlenecks(r["bottlenecks"], ref["bottlenecks"]) else " (bottlenecks differ)"
            rounds = f" ({r['rounds']})" if r["rounds"] else ""
            cells = [f"{CASES[case]}, {r['nodes']:,} nodes", f"{r['rows']:,}", f, f"{r['columns']:,}",
                     f"{r['build_cpu_s']:.2f}", f"{r['solve_cpu_s']:.2f}", f"{total:.2f}",
                     f"{r['build_s'] + r['solve_s']:.2f}", f"{r['iterations']:,}{rounds}", f"{r['maxrss_gb']:.2f}",
                     f"{r['objective']:.9e}", diff, ratio]
            print("| " + " | ".join(cells) + " |", flush=True)
        if est > args.max_arc_columns:
            print(f"| {CASES[case]} | | arcs | ~{est:,} (estimated) | skipped: blocks × arcs too large |"
                  + " |" * 8, flush=True)


if __name__ == "__main__":
    main()
