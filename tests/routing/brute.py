"""Brute-force reference: enumerate every simple path of a search space."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from corridor.routing.space import SearchSpace


def _meets_constraints(space: SearchSpace, origin: int, arcs: tuple[int, ...]) -> bool:
    """The path passes the via nodes in order and changes mode at most ``max_transfers`` times."""
    c = space.compiled
    via = [c.node_index[v] for v in space.constraints.via]
    max_m = space.constraints.max_transfers
    pos = 0
    for n in [origin, *(int(c.head[a]) for a in arcs)]:
        if pos < len(via) and via[pos] == n:
            pos += 1
    changes = sum(space.modes[a] != space.modes[b] for a, b in itertools.pairwise(arcs))
    return pos == len(via) and (max_m is None or changes <= max_m)


Found = Iterator[tuple[tuple[int, ...], np.ndarray]]


def _extend(space: SearchSpace, origin: int, dest: int, arcs: tuple[int, ...], vec: np.ndarray,
            visited: set[int]) -> Found:
    c = space.compiled
    last = arcs[-1]
    if int(c.head[last]) == dest:
        end = space.node_transfer(dest, space.modes[last], None)
        if end is not None and _meets_constraints(space, origin, arcs):
            yield arcs, vec + end
        return
    for f, fvec in space.succ[last]:
        h = int(c.head[f])
        if h not in visited:
            yield from _extend(space, origin, dest, (*arcs, f), vec + fvec, visited | {h})


def all_simple_paths(space: SearchSpace, origin: str, dest: str) -> Found:
    """Every simple path (as arcs) from origin to dest that meets via and max-transfer constraints."""
    c = space.compiled
    o, d = c.node_index[origin], c.node_index[dest]
    for a, vec in space.starts(o):
        h = int(c.head[a])
        if h != o:
            yield from _extend(space, o, d, (a,), vec, {o, h})


def non_dominated(items: list[tuple[tuple[int, ...], np.ndarray]], criteria: list[int]) -> set[tuple[int, ...]]:
    out = set()
    for arcs, vec in items:
        v = vec[criteria]
        if not any(np.all(w[criteria] <= v) and np.any(w[criteria] < v) for _, w in items):
            out.add(arcs)
    return out
