"""Pareto route search over (cost, time, CO2e, risk) between pairs of eurasia nodes.

Target (route planner issue): median under 20 ms per origin-destination pair.

Run:  .venv/bin/python benchmarks/bench_pareto.py [--pairs 500] [--seed 0] [--tiles 1] [--full 100]
                 [--epsilon E] [--max-seconds S]

``--tiles N`` searches on N copies of eurasia joined into a ring (``corridor.data.synthetic.tiled``),
to show how the search grows with the network. ``--epsilon`` and ``--max-seconds`` are passed to
``pareto_paths`` only when given (code before issue 16 has neither). One search runs untimed first
(imports, compiled kernels' cache). Searches are timed by the wall clock and by the process's CPU
time (``time.process_time``), which other load on a shared machine disturbs less.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from corridor import data
from corridor.data.synthetic import tiled
from corridor.routing import RouteOptions, SearchSpace, plan_routes
from corridor.routing.planner import NoRoute
from corridor.routing.search import pareto_paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pairs", type=int, default=500, help="random ordered pairs (0: all pairs)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tiles", type=int, default=1, help="copies of eurasia joined into a ring")
    ap.add_argument("--full", type=int, default=100, help="pairs also timed through plan_routes")
    ap.add_argument("--epsilon", type=float, default=None)
    ap.add_argument("--max-seconds", type=float, default=None)
    args = ap.parse_args()
    ds = data.load("eurasia")
    net = (ds if args.tiles == 1 else tiled(ds, args.tiles)).network
    options = {k: v for k, v in (("epsilon", args.epsilon), ("max_seconds", args.max_seconds)) if v is not None}
    compiled = net.compile()
    ids = [n.id for n in net.nodes]
    pairs = [(a, b) for a in ids for b in ids if a != b]
    if args.pairs:
        pairs = random.Random(args.seed).sample(pairs, args.pairs)
    t0 = time.perf_counter()
    space = SearchSpace.build(net, RouteOptions("container"), None, compiled)
    build = time.perf_counter() - t0
    pareto_paths(space, *pairs[0], **options)  # warm-up, not timed
    search, cpu, sizes, labels, incomplete = [], [], [], [], 0
    slowest = (0.0, "", "")
    for o, d in pairs:
        t, c = time.perf_counter(), time.process_time()
        res = pareto_paths(space, o, d, **options)
        search.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        slowest = max(slowest, (search[-1], o, d))
        sizes.append(len(res.paths))
        labels.append(res.labels)
        incomplete += not res.complete
    full, unconnected = [], 0
    for o, d in pairs[:args.full]:
        t = time.perf_counter()
        try:
            plan_routes(net, o, d, pareto=True, compiled=compiled)
        except NoRoute:  # e.g. a port that only a pipeline reaches: no container route
            unconnected += 1
        full.append(time.perf_counter() - t)

    def q(xs: list[float], p: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] * 1000

    print(f"eurasia x{args.tiles}: {len(net.nodes)} nodes, {compiled.n_arcs} arcs; {len(pairs)} pairs; "
          f"search space built once in {build * 1000:.1f} ms")
    print("| measure | median ms | p90 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print(f"| Pareto search (4 criteria) | {statistics.median(search) * 1000:.2f} | {q(search, .9):.1f} | "
          f"{q(search, .99):.1f} | {max(search) * 1000:.1f} |")
    print(f"| same, CPU time of the process | {statistics.median(cpu) * 1000:.2f} | "
          f"{q(cpu, .9):.1f} | {q(cpu, .99):.1f} | {max(cpu) * 1000:.1f} |")
    if full:
        print(f"| plan_routes(pareto=True), incl. pricing and itineraries, {len(full)} pairs | "
              f"{statistics.median(full) * 1000:.2f} | {q(full, .9):.1f} | {q(full, .99):.1f} | "
              f"{max(full) * 1000:.1f} |")
    print(f"routes per Pareto set: median {statistics.median(sizes):.0f}, max {max(sizes)}; labels: median "
          f"{statistics.median(labels):.0f}, max {max(labels):,}; slowest pair {slowest[1]} -> {slowest[2]}; "
          f"searches stopped at the label cap: {incomplete}; pairs without a container route among the "
          f"plan_routes ones: {unconnected}")


if __name__ == "__main__":
    main()
