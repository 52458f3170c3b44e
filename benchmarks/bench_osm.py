"""Time and memory of ``import_osm`` on a synthetic rail grid written with pyosmium's writer.

The extract: a G x G grid of junctions 0.1 degree apart with ``--seg`` degree-2 vertices on every
edge (so about G² (1 + 2 seg) nodes), one way per grid edge (gauge 1520, every third electrified),
a station at every tenth junction, and two countries (``admin_level=2`` boundaries AA | BB) split
down the middle of the grid, so that every row line crosses a border. The generator shares nothing
with the tests.

Times are medians of ``--repeat`` runs, wall clock and CPU (the process's own, which a shared
machine disturbs less). Each step runs in a fresh interpreter that has imported corridor, osmium and scipy before the
clock starts (so the times leave out Python's start-up), and peak resident memory (``ru_maxrss``)
is the interpreter's:

- ``read floor``: one pass of pyosmium over the file with node locations and area assembly, doing
  nothing with the objects — what reading the file with the library costs at least;
- ``import``: :func:`corridor.io.osm.import_osm` (read, graph, countries and borders, snapping,
  simplification, records);
- ``import + validate``: the same and :func:`corridor.model.validate_network`.

The bench checks the import: the links' total length equals the haversine sum of every grid
segment (to the rounding of each link's length to the metre), every row crosses the border
once, and validation finds no problem.

Run:  .venv/bin/python benchmarks/bench_osm.py [--grid 30] [--seg 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

STEP = r"""
import json, resource, sys, time
from pathlib import Path
path, step = Path(sys.argv[1]), sys.argv[2]
import osmium
from corridor.io.osm import OsmOptions, import_osm
from corridor.model import validate_network
import scipy.spatial
t0, c0 = time.perf_counter(), time.process_time()
out = {}
if step == "floor":
    n = 0
    for obj in osmium.FileProcessor(str(path)).with_locations().with_areas():
        n += 1
    out["objects"] = n
else:
    r = import_osm(path, OsmOptions())
    net = r.dataset.network
    out.update(nodes=len(net.nodes), links=len(net.links), km=sum(lk.distance_km for lk in net.links),
               borders=r.stats["border_crossings"], track_km=r.stats["track_km"])
    if step == "validate":
        out["problems"] = len(validate_network(net, strict=False))
out["s"] = time.perf_counter() - t0
out["cpu_s"] = time.process_time() - c0
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _grid_ways(grid: int, seg: int, coords: dict[int, tuple[float, float]]
               ) -> tuple[list[tuple[int, list[int], dict[str, str]]], float]:
    """The ways of the grid (adding their inner vertices to ``coords``) and their haversine length in km."""
    from corridor.io._osm_geo import polyline_km

    ways: list[tuple[int, list[int], dict[str, str]]] = []
    nxt, total = max(coords) + 1, 0.0
    for i in range(grid):
        for j in range(grid):
            for di, dj in ((0, 1), (1, 0)):
                if i + di >= grid or j + dj >= grid:
                    continue
                a, b = 1 + i * grid + j, 1 + (i + di) * grid + j + dj
                (xa, ya), (xb, yb) = coords[a], coords[b]
                refs = [a]
                for k in range(1, seg + 1):
                    t = k / (seg + 1)
                    # a wiggle off the straight line, so that lengths differ from the chord
                    coords[nxt] = (xa + (xb - xa) * t + 0.003 * np.sin(7 * t) * di,
                                   ya + (yb - ya) * t + 0.003 * np.sin(5 * t) * dj)
                    refs.append(nxt)
                    nxt += 1
                refs.append(b)
                total += polyline_km([coords[r] for r in refs])
                tags = {"railway": "rail", "gauge": "1520", "usage": "main"}
                if len(ways) % 3 == 0:
                    tags["electrified"] = "contact_line"
                ways.append((len(ways) + 1, refs, tags))
    return ways, total


def write_grid(path: Path, grid: int, seg: int) -> tuple[int, float]:
    """Write the grid extract; return its node count and the haversine length of all its segments (km)."""
    import osmium
    from osmium.osm.mutable import Node, Relation, Way

    step = 0.1
    coords = {1 + i * grid + j: (60.0 + j * step, 40.0 + i * step) for i in range(grid) for j in range(grid)}
    ways, total = _grid_ways(grid, seg, coords)
    mid = 60.0 + (grid // 2 - 0.5) * step
    lo, hi = (59.0, 39.0), (61.0 + grid * step, 41.0 + grid * step)
    rings = ([(lo[0], lo[1]), (mid, lo[1]), (mid, hi[1]), (lo[0], hi[1])],
             [(mid, lo[1]), (hi[0], lo[1]), (hi[0], hi[1]), (mid, hi[1])])
    ring_ids = []
    for ring in rings:
        ids = list(range(max(coords) + 1, max(coords) + 1 + len(ring)))
        coords.update(zip(ids, ring, strict=True))
        ring_ids.append([*ids, ids[0]])
    header = osmium.io.Header()
    header.set("osmosis_replication_timestamp", "2026-12-03T00:00:00Z")
    admin = {"type": "boundary", "boundary": "administrative", "admin_level": "2"}
    with osmium.SimpleWriter(str(path), 0, header) as w:
        for nid in sorted(coords):
            station = nid <= grid * grid and nid % 10 == 0
            tags = {"railway": "station", "name": f"Station {nid}"} if station else {}
            w.add_node(Node(id=nid, location=coords[nid], tags=tags, version=1))
        for wid, refs, tags in ways:
            w.add_way(Way(id=wid, nodes=refs, tags=tags, version=1))
        for k, ids in enumerate(ring_ids):
            w.add_way(Way(id=len(ways) + 1 + k, nodes=ids, tags={}, version=1))
        for k, code in enumerate(("AA", "BB")):
            w.add_relation(Relation(id=k + 1, members=[("w", len(ways) + 1 + k, "outer")],
                                    tags={**admin, "ISO3166-1": code}, version=1))
    return len(coords), total


def run_step(path: Path, step: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", STEP, str(path), step], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, default=30)
    ap.add_argument("--seg", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "grid.osm.pbf"
        nodes, total = write_grid(path, args.grid, args.seg)
        print(f"grid {args.grid} x {args.grid}, {args.seg} vertices per edge: {nodes:,} nodes, "
              f"{path.stat().st_size / 1e6:.2f} MB, {total:,.1f} km of track")
        rows = {}
        for step in ("floor", "import", "validate"):
            runs = [run_step(path, step) for _ in range(args.repeat)]
            rows[step] = {**runs[-1], "s": statistics.median(r["s"] for r in runs),
                          "cpu_s": statistics.median(r["cpu_s"] for r in runs),
                          "rss_mb": max(r["rss_mb"] for r in runs)}
        imp = rows["validate"]
        # each link's length is rounded to the metre
        assert abs(imp["km"] - total) <= 0.0005 * imp["links"] + 1e-9 * total, (imp["km"], total)
        assert imp["borders"] == args.grid, imp
        assert imp["problems"] == 0, imp
        floor = rows["floor"]
        print(f"{'step':<20}{'wall s':>8}{'CPU s':>8}{'peak RSS MB':>13}{'x floor (CPU)':>15}")
        for step, label in (("floor", "read floor"), ("import", "import"), ("validate", "import + validate")):
            r = rows[step]
            ratio = r["cpu_s"] / floor["cpu_s"]
            print(f"{label:<20}{r['s']:>8.2f}{r['cpu_s']:>8.2f}{r['rss_mb']:>13.0f}{ratio:>15.2f}")
        print(f"network: {imp['nodes']:,} nodes, {imp['links']:,} links, {imp['km']:,.1f} km, "
              f"{imp['borders']} border crossings, 0 validation problems")


if __name__ == "__main__":
    main()
