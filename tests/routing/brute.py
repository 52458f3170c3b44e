"""Brute-force reference: enumerate every simple path of a search space."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from corridor.routing.space import SearchSpace


def all_simple_paths(space: SearchSpace, origin: str, dest: str) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
    """Every simple path (as arcs) from origin to dest that meets via and max-transfer constraints."""
    c = space.compiled
    o, d = c.node_index[origin], c.node_index[dest]
    via = [c.node_index[v] for v in space.constraints.via]
    max_m = space.constraints.max_transfers

    def ok(arcs: tuple[int, ...]) -> bool:
        nodes = [o, *(int(c.head[a]) for a in arcs)]
        pos = 0
        for n in nodes:
            if pos < len(via) and via[pos] == n:
                pos += 1
        changes = sum(space.modes[a] != space.modes[b] for a, b in itertools.pairwise(arcs))
        return pos == len(via) and (max_m is None or changes <= max_m)

    found_t = Iterator[tuple[tuple[int, ...], np.ndarray]]

    def extend(arcs: tuple[int, ...], vec: np.ndarray, visited: set[int]) -> found_t:
        last = arcs[-1]
        head = int(c.head[last])
        if head == d:
            end = space.node_transfer(d, space.modes[last], None)
            if end is not None and ok(arcs):
                yield arcs, vec + end
            return
        for f, fvec in space.succ[last]:
            h = int(c.head[f])
            if h not in visited:
                yield from extend((*arcs, f), vec + fvec, visited | {h})

    for a, vec in space.starts(o):
        h = int(c.head[a])
        if h != o:
            yield from extend((a,), vec, {o, h})


def non_dominated(items: list[tuple[tuple[int, ...], np.ndarray]], criteria: list[int]) -> set[tuple[int, ...]]:
    out = set()
    for arcs, vec in items:
        v = vec[criteria]
        if not any(np.all(w[criteria] <= v) and np.any(w[criteria] < v) for _, w in items):
            out.add(arcs)
    return out
