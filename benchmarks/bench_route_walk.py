"""The path LP's route walks (``PricingGraph.path``): the compiled tree walk against the Python loop it replaced.

Run from the repository root, once per variant (each builds the 10,000-node ``rail_grid`` LP and
profiles one cold solve)::

    for m in python kernel python kernel; do PYTHONPATH=src .venv/bin/python benchmarks/bench_route_walk.py $m; done
"""

import cProfile
import io
import pstats
import sys
import time

import numpy as np

from corridor import data
from corridor.assignment import lp_pricing
from corridor.assignment.lp_paths import PathLP
from corridor.data import synthetic


def python_walk(self: lp_pricing.PricingGraph, pred: np.ndarray, origin: int, dest: int) -> np.ndarray:
    """The walk as it was: one Python step per arc."""
    out: list[int] = []
    v, start = self.sink(dest), self.source(origin)
    while v != start:
        p = int(pred[v])
        out.append(int(self.arcs[p]))
        v = int(self.tails[p])
    out.reverse()
    return np.asarray(out, dtype=np.int64)


def main() -> None:
    if sys.argv[1] == "python":
        lp_pricing.PricingGraph.path = python_walk  # type: ignore[method-assign]
    ds = synthetic.rail_grid(data.load(), nodes=10_000, zones=1_000, seed=0)
    lp = PathLP.build(ds.network, ds.demand)
    pr = cProfile.Profile()
    t = time.perf_counter()
    pr.enable()
    res = lp.solve()
    pr.disable()
    wall = time.perf_counter() - t
    s = io.StringIO()
    st = pstats.Stats(pr, stream=s)
    walk = sum(v[3] for k, v in st.stats.items() if k[2] in ("path", "python_walk"))
    calls = sum(v[1] for k, v in st.stats.items() if k[2] in ("path", "python_walk"))
    print(sys.argv[1], f"cold solve {wall:.2f} s (profiled), route walks {walk:.2f} s in {calls} calls, "
          f"objective {res.objective:.12e}")


if __name__ == "__main__":
    main()
