"""Simplifying a track graph: chains of degree-2 vertices merged into one edge, lengths summed.

The graph is a multigraph of edges ``(u, v)`` between vertex ids, each with a length and a class
(for the import: the set of modes the track carries). A vertex is *kept* when it is named in
``keep`` (a station, a border point), when its degree is not 2 (a junction or a line end), or when
edges of different classes meet there (a gauge break). Every maximal path between kept vertices
through vertices that are not kept becomes one chain, whose length is the sum of its edges'.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__: list[str] = []


@dataclass(frozen=True)
class Chain:
    """A path between two kept vertices: its ends, the edge indices in order and the vertices passed."""

    a: int
    b: int
    edges: tuple[int, ...]
    vertices: tuple[int, ...]


def kept_vertices(edges: Sequence[tuple[int, int]], classes: Sequence[Hashable], keep: Iterable[int]) -> set[int]:
    """The vertices a chain must stop at (see the module docstring)."""
    if not edges:
        return set()
    ends = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    verts, inverse = np.unique(ends.ravel(), return_inverse=True)
    codes: dict[Hashable, int] = {}
    cls = np.repeat(np.array([codes.setdefault(c, len(codes)) for c in classes], dtype=np.int64), 2)
    degree = np.bincount(inverse, minlength=len(verts))
    low = np.full(len(verts), len(codes), dtype=np.int64)
    high = np.full(len(verts), -1, dtype=np.int64)
    np.minimum.at(low, inverse, cls)
    np.maximum.at(high, inverse, cls)
    present = set(verts.tolist())
    out = {x for x in keep if x in present}
    out.update(verts[(degree != 2) | (low != high)].tolist())
    return out


def _walk(edges: Sequence[tuple[int, int]], adj: dict[int, list[int]], kept: set[int], used: list[bool],
          start: int, first: int) -> list[Chain]:
    """The chain from kept vertex ``start`` along edge ``first`` (two chains if it comes back to ``start``)."""
    path, verts, here, edge = [], [start], start, first
    while edge >= 0:
        used[edge] = True
        path.append(edge)
        u, v = edges[edge]
        here = v if u == here else u
        verts.append(here)
        edge = -1 if here in kept else next((j for j in adj[here] if not used[j]), -1)
    if here != start:
        return [Chain(start, here, tuple(path), tuple(verts))]
    mid = len(path) // 2
    if mid == 0:
        return []
    return [Chain(start, verts[mid], tuple(path[:mid]), tuple(verts[: mid + 1])),
            Chain(verts[mid], here, tuple(path[mid:]), tuple(verts[mid:]))]


def simplify(edges: Sequence[tuple[int, int]], classes: Sequence[Hashable], keep: Iterable[int]) -> list[Chain]:
    """Merge chains of vertices of degree 2 into single chains between kept vertices.

    A closed loop with no kept vertex on it is cut at its first vertex; a chain that would return
    to the vertex it started from is split in two at its middle vertex (so that no chain is a loop).
    Self-edges ``(u, u)`` are dropped. Every other edge ends in exactly one chain.
    """
    adj: dict[int, list[int]] = {}
    proper = [i for i, (u, v) in enumerate(edges) if u != v]
    for i in proper:
        for x in edges[i]:
            adj.setdefault(x, []).append(i)
    kept = kept_vertices([edges[i] for i in proper], [classes[i] for i in proper], keep)
    used = [False] * len(edges)
    chains: list[Chain] = []
    for x in sorted(kept) + sorted(adj):  # then loops without any kept vertex, cut at their first vertex
        for j in adj.get(x, []):
            if not used[j]:
                kept.add(x)
                chains += _walk(edges, adj, kept, used, x, j)
    return chains
