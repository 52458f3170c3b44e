"""Pareto route search over (cost, time, CO2e, risk) between pairs of eurasia nodes.

Target (route planner issue): median under 20 ms per origin-destination pair.

Run:  .venv/bin/python benchmarks/bench_pareto.py [--pairs 500] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from corridor import data
from corridor.routing import RouteOptions, SearchSpace, plan_routes
from corridor.routing.planner import NoRoute
from corridor.routing.search import pareto_paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pairs", type=int, default=500, help="random ordered pairs (0: all pairs)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    net = data.load("eurasia").network
    compiled = net.compile()
    ids = [n.id for n in net.nodes]
    pairs = [(a, b) for a in ids for b in ids if a != b]
    if args.pairs:
        pairs = random.Random(args.seed).sample(pairs, args.pairs)
    t0 = time.perf_counter()
    space = SearchSpace.build(net, RouteOptions("container"), None, compiled)
    build = time.perf_counter() - t0
    search, sizes, incomplete = [], [], 0
    for o, d in pairs:
        t = time.perf_counter()
        res = pareto_paths(space, o, d)
        search.append(time.perf_counter() - t)
        sizes.append(len(res.paths))
        incomplete += not res.complete
    full, unconnected = [], 0
    for o, d in pairs[:100]:
        t = time.perf_counter()
        try:
            plan_routes(net, o, d, pareto=True, compiled=compiled)
        except NoRoute:  # e.g. a port that only a pipeline reaches: no container route
            unconnected += 1
        full.append(time.perf_counter() - t)

    def q(xs: list[float], p: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] * 1000

    print(f"eurasia: {len(net.nodes)} nodes, {compiled.n_arcs} arcs; {len(pairs)} pairs; "
          f"search space built once in {build * 1000:.1f} ms")
    print("| measure | median ms | p90 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print(f"| Pareto search (4 criteria) | {statistics.median(search) * 1000:.2f} | {q(search, .9):.1f} | "
          f"{q(search, .99):.1f} | {max(search) * 1000:.1f} |")
    print(f"| plan_routes(pareto=True), incl. pricing and itineraries, {len(full)} pairs | "
          f"{statistics.median(full) * 1000:.2f} | {q(full, .9):.1f} | {q(full, .99):.1f} | {max(full) * 1000:.1f} |")
    print(f"routes per Pareto set: median {statistics.median(sizes):.0f}, max {max(sizes)}; "
          f"searches stopped at the label cap: {incomplete}; pairs without a container route among the "
          f"plan_routes ones: {unconnected}")


if __name__ == "__main__":
    main()
