"""Synthetic research networks: a seeded random grid with BPR links and zone demand, written as TNTP.

Tests and benchmarks of the equilibrium engines need networks larger than the ones in the TNTP
collection that ship with the tests, and peers (AequilibraE) must read the very same network; so
the generator writes TNTP files, which :func:`corridor.io.tntp.read_tntp` and any TNTP reader take.

The network, with ``side × side`` junctions and ``zones`` centroids:

- junctions ``zones + 1 ...`` on a square grid; each neighbouring pair joined by two one-way links
  with a random length (0.5–1.5), speed (30–90), capacity (600–2,400), BPR ``b = 0.15``,
  ``power = 4``; about 2 % of the pairs get a second, parallel link in one direction, and 10 % of
  the links a toll;
- zone centroids ``1 ... zones`` (the TNTP ``<FIRST THRU NODE>`` is ``zones + 1``, so paths do not
  pass through them), each tied to two random junctions by connectors in both directions with
  ``b = 0`` (a constant time, no congestion);
- demand: about a third of the zones send nothing (zero-demand origins); the others send to a
  random 40 % of the zones, flows decaying with grid distance, scaled so that the busiest links run
  above capacity at equilibrium (``demand_scale`` multiplies it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["write_grid_tntp"]


def _links(rng: np.random.Generator, side: int, zones: int) -> tuple[list[tuple[float, ...]], np.ndarray]:
    """Link rows ``(a, b, capacity, length, fft, b, power, speed, toll, type)`` and each junction's (x, y)."""
    xy = np.array([(i % side, i // side) for i in range(side * side)], dtype=np.float64)
    rows: list[tuple[float, ...]] = []

    def add(a: int, b: int, cap: float, length: float, speed: float, bpr_b: float, power: float, kind: int) -> None:
        toll = float(rng.integers(1, 5)) if kind == 1 and rng.random() < 0.1 else 0.0
        rows.append((a, b, cap, length, 60.0 * length / speed, bpr_b, power, speed, toll, kind))

    for i in range(side * side):
        for j in (i + 1 if (i + 1) % side else -1, i + side if i + side < side * side else -1):
            if j < 0:
                continue
            length, speed, cap = rng.uniform(0.5, 1.5), rng.uniform(30, 90), rng.uniform(600, 2400)
            a, b = zones + 1 + i, zones + 1 + j
            add(a, b, cap, length, speed, 0.15, 4.0, 1)
            add(b, a, cap, length, speed, 0.15, 4.0, 1)
            if rng.random() < 0.02:  # a parallel link, slower and smaller
                add(a, b, cap / 2, length, speed / 2, 0.15, 4.0, 1)
    for z in range(1, zones + 1):
        for j in rng.choice(side * side, size=2, replace=False):
            add(z, zones + 1 + int(j), 99999.0, 0.1, 30.0, 0.0, 4.0, 2)
            add(zones + 1 + int(j), z, 99999.0, 0.1, 30.0, 0.0, 4.0, 2)
    return rows, xy


def _demand(rng: np.random.Generator, side: int, zones: int, scale: float) -> np.ndarray:
    """A ``zones × zones`` OD matrix (zero diagonal), decaying with distance between random zone places."""
    where = rng.uniform(0, side - 1, size=(zones, 2))
    dist = np.abs(where[:, None, :] - where[None, :, :]).sum(axis=2)
    od = rng.uniform(0.5, 1.5, size=(zones, zones)) * np.exp(-dist / max(side / 3, 1.0))
    od *= rng.random((zones, zones)) < 0.4
    od[rng.random(zones) < 1 / 3] = 0.0
    np.fill_diagonal(od, 0.0)
    total = od.sum()
    if total > 0:  # about 150 trips per junction, whatever the size: congested but solvable
        od *= scale * 150.0 * side * side / total
    return np.round(od, 3)


def write_grid_tntp(folder: str | Path, *, side: int, zones: int, seed: int = 0, name: str | None = None,
                    demand_scale: float = 1.0) -> Path:
    """Write a seeded random grid network and its demand as ``<name>_net.tntp`` and ``<name>_trips.tntp``.

    Parameters
    ----------
    folder
        Where to write (created if missing).
    side
        Junctions per grid side (``side ** 2`` junctions).
    zones
        Zone centroids (at least 2).
    seed
        The random seed: the same arguments give the same files.
    name
        File name prefix; default ``Grid<nodes>s<seed>``.
    demand_scale
        Multiplies the demand (1: the busiest links above capacity at equilibrium).

    Returns
    -------
    Path
        The ``_net.tntp`` file (read it with :func:`corridor.io.tntp.read_tntp`).

    Examples
    --------
    >>> import tempfile
    >>> from corridor.io.tntp import read_tntp
    >>> path = write_grid_tntp(tempfile.mkdtemp(), side=4, zones=3, seed=1)
    >>> ds = read_tntp(path)
    >>> path.name, len(ds.network.nodes), sum(not n.thru for n in ds.network.nodes)
    ('Grid19s1_net.tntp', 19, 3)
    """
    if side < 2 or zones < 2:
        msg = f"a grid needs side >= 2 and zones >= 2, got side={side}, zones={zones}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    nodes = side * side + zones
    prefix = name or f"Grid{nodes}s{seed}"
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rows, _ = _links(rng, side, zones)
    od = _demand(rng, side, zones, demand_scale)
    head = (f"<NUMBER OF ZONES> {zones}\n<NUMBER OF NODES> {nodes}\n<FIRST THRU NODE> {zones + 1}\n"
            f"<NUMBER OF LINKS> {len(rows)}\n<ORIGINAL HEADER>~ synthetic grid, seed {seed}\n<END OF METADATA>\n\n\n"
            "~\tinit_node\tterm_node\tcapacity\tlength\tfree_flow_time\tb\tpower\tspeed\ttoll\tlink_type\t;\n")
    body = "".join(f"\t{a}\t{b}\t{c:.6g}\t{ln:.6g}\t{t:.6g}\t{bb:g}\t{p:g}\t{s:.6g}\t{toll:g}\t{k}\t;\n"
                   for a, b, c, ln, t, bb, p, s, toll, k in rows)
    net = out / f"{prefix}_net.tntp"
    net.write_text(head + body, encoding="utf-8")
    lines = [f"<NUMBER OF ZONES> {zones}\n<TOTAL OD FLOW> {od.sum():.6f}\n<END OF METADATA>\n\n"]
    for o in range(zones):
        lines.append(f"\nOrigin \t{o + 1}\n")
        cells = [f"{d + 1:5d} : {od[o, d]:g};" for d in range(zones) if od[o, d] > 0]
        lines.extend("    ".join(cells[i:i + 5]) + "\n" for i in range(0, len(cells), 5))
    (out / f"{prefix}_trips.tntp").write_text("".join(lines), encoding="utf-8")
    return net
