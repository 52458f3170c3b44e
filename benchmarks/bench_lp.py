"""LP assignment benchmark on the eurasia baseline.

(a) corridor (FreightLP.build + solve on HiGHS) vs the same LP built with PuLP and solved by CBC;
(b) N warm re-solves with perturbed capacities vs N cold builds + solves.

Run from the repository root::

    .venv/bin/python benchmarks/bench_lp.py [--repeat 5] [--warm 1000] [--cold 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from corridor import data
from corridor.assignment.lp import FreightLP


def pulp_model(model: FreightLP):
    """The same LP (columns, rows, bounds, costs) as a PuLP problem."""
    import pulp

    r, c, v = model.graph.matrix
    n_col, n_row = model.graph.n_cols, model.graph.n_rows
    order = np.lexsort((c, r))
    r, c, v = r[order], c[order], v[order]
    starts = np.searchsorted(r, np.arange(n_row + 1))
    prob = pulp.LpProblem("corridor_lp", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{j}", lowBound=0) for j in range(n_col)]
    prob += pulp.LpAffineExpression([(x[j], float(model.state.costs.coef[j])) for j in range(n_col)])
    lo, up = model.graph.row_lower, model.graph.row_upper
    for i in range(n_row):
        s, e = starts[i], starts[i + 1]
        if s == e:
            continue
        expr = pulp.LpAffineExpression([(x[int(j)], float(val)) for j, val in zip(c[s:e], v[s:e], strict=True)])
        if lo[i] == up[i]:
            prob += expr == float(up[i]), f"r{i}"
        elif np.isfinite(up[i]):
            prob += expr <= float(up[i]), f"r{i}"
    return prob


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def capacity_records(net):
    links = [lk.id for lk in net.links if lk.capacity_mtpa is not None or lk.capacity_teu is not None]
    transfers = [t.id for t in net.transfers if t.capacity_mtpa is not None or t.capacity_teu is not None]
    return links, transfers


def perturbed_network(net, links, transfers, fl, ft):
    for lid, f in zip(links, fl, strict=True):
        lk = net.link(lid)
        net = net.replace(lid, capacity_mtpa=None if lk.capacity_mtpa is None else lk.capacity_mtpa * f,
                          capacity_teu=None if lk.capacity_teu is None else lk.capacity_teu * f)
    by_id = {t.id: t for t in net.transfers}
    for tid, f in zip(transfers, ft, strict=True):
        t = by_id[tid]
        net = net.replace(tid, capacity_mtpa=None if t.capacity_mtpa is None else t.capacity_mtpa * f,
                          capacity_teu=None if t.capacity_teu is None else t.capacity_teu * f)
    return net


def main() -> None:
    import highspy  # noqa: F401 - version report
    import pulp

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--warm", type=int, default=1000)
    ap.add_argument("--cold", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", type=float, default=1.0, help="demand scale for part (b)")
    args = ap.parse_args()
    ds = data.load("eurasia")
    net, demand = ds.network, ds.demand
    FreightLP.build(net, demand).solve()  # imports and first-call overheads

    # (a) corridor vs PuLP + CBC
    ours, pulp_build, cbc = [], [], []
    for _ in range(args.repeat):
        tb, model = timed(lambda: FreightLP.build(net, demand))
        ts, res = timed(model.solve)
        ours.append(tb + ts)
        tpb, prob = timed(lambda m=model: pulp_model(m))
        tcbc, _ = timed(lambda p=prob: p.solve(pulp.PULP_CBC_CMD(msg=False)))
        pulp_build.append(tpb)
        cbc.append(tcbc)
        cbc_obj = pulp.value(prob.objective)
    rel = abs(cbc_obj - res.objective) / abs(res.objective)
    med = statistics.median
    pulp_total = [a + b for a, b in zip(pulp_build, cbc, strict=True)]
    print(f"model: {model.graph.n_cols} columns, {model.graph.n_rows} rows, {len(model.graph.matrix[0])} non-zeros, "
          f"{len(model.graph.blocks)} commodity-origin blocks")
    print("| (a) eurasia baseline, build + solve | median s | min s | runs | time / corridor |")
    print("|---|---:|---:|---:|---:|")
    print(f"| corridor (HiGHS) | {med(ours):.4f} | {min(ours):.4f} | {len(ours)} | 1.00 |")
    print(f"| PuLP build (from corridor's arrays) | {med(pulp_build):.4f} | {min(pulp_build):.4f} | {args.repeat} | "
          f"{med(pulp_build) / med(ours):.2f} |")
    print(f"| CBC solve | {med(cbc):.4f} | {min(cbc):.4f} | {args.repeat} | {med(cbc) / med(ours):.2f} |")
    print(f"| PuLP + CBC total | {med(pulp_total):.4f} | {min(pulp_total):.4f} | {args.repeat} | "
          f"{med(pulp_total) / med(ours):.2f} |")
    print(f"objective corridor {res.objective:.6e}, CBC {cbc_obj:.6e}, relative difference {rel:.2e}")

    # (b) warm re-solves vs cold builds
    links, transfers = capacity_records(net)
    rng = np.random.default_rng(args.seed)
    n = max(args.warm, args.cold)
    fl = rng.uniform(0.5, 1.5, size=(n, len(links)))
    ft = rng.uniform(0.5, 1.5, size=(n, len(transfers)))
    model = FreightLP.build(net, demand)
    model.set_demand_scale(args.scale)
    model.solve()
    warm_obj = []
    t0 = time.perf_counter()
    for k in range(args.warm):
        for lid, f in zip(links, fl[k], strict=True):
            model.scale_capacity(float(f), link_ids=[lid])
        for tid, f in zip(transfers, ft[k], strict=True):
            model.scale_capacity(float(f), transfer_ids=[tid])
        warm_obj.append(model.solve().objective)
    t_warm = time.perf_counter() - t0
    cold_obj = []
    t0 = time.perf_counter()
    for k in range(args.cold):
        m = FreightLP.build(perturbed_network(net, links, transfers, fl[k], ft[k]), demand)
        m.set_demand_scale(args.scale)
        cold_obj.append(m.solve().objective)
    t_cold = time.perf_counter() - t0
    k = min(args.warm, args.cold)
    diff = max(abs(a - b) / abs(b) for a, b in zip(warm_obj[:k], cold_obj[:k], strict=True))
    per_warm, per_cold = t_warm / args.warm, t_cold / args.cold
    print(f"| (b) {len(links)} link + {len(transfers)} transfer capacities x U(0.5, 1.5), seed {args.seed} "
          "| runs | total s | ms / run | cold / warm |")
    print("|---|---:|---:|---:|---:|")
    print(f"| warm re-solve (set capacities + solve + results) | {args.warm} | {t_warm:.2f} | {per_warm * 1e3:.2f} | |")
    print(f"| cold build + solve + results | {args.cold} | {t_cold:.2f} | {per_cold * 1e3:.2f} | "
          f"{per_cold / per_warm:.1f} |")
    print(f"max relative objective difference warm vs cold over {k} samples: {diff:.2e}")
    print(f"Python {platform.python_version()}, highspy {pulp_version('highspy')}, PuLP {pulp.__version__}, "
          f"numpy {np.__version__}")


def pulp_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
