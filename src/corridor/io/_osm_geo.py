"""Geometry for the OpenStreetMap import: great-circle lengths, point in polygon, snapping, border points."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__: list[str] = []

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), the one corridor uses for great-circle lengths (M-CIRCUITY)."""

Rings = list[tuple[np.ndarray, list[np.ndarray]]]


def haversine_km(lon1: float | np.ndarray, lat1: float | np.ndarray, lon2: float | np.ndarray,
                 lat2: float | np.ndarray) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (broadcast like NumPy)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def polyline_km(points: Sequence[tuple[float, float]]) -> float:
    """Length in km of a polyline of (lon, lat) points: the sum of its segments' great-circle lengths."""
    if len(points) < 2:
        return 0.0
    xy = np.asarray(points, dtype=float)
    return float(haversine_km(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1]).sum())


def _inside_ring(ring: np.ndarray, x: np.ndarray, y: np.ndarray, chunk: int = 4_000_000) -> np.ndarray:
    """Even-odd rule: which of the points (x, y) lie inside the closed ring (n x 2, lon/lat).

    Only the pairs of an edge and a point within the edge's latitude band are computed (points
    sorted by latitude, bands found by binary search), in chunks of at most ``chunk`` pairs, so a
    boundary of 100,000 vertices costs time in proportion to the crossings, not to points x edges.
    """
    order = np.argsort(y, kind="stable")
    ys = y[order]
    ax, ay, bx, by = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
    start = np.searchsorted(ys, np.minimum(ay, by), side="left")
    stop = np.searchsorted(ys, np.maximum(ay, by), side="left")
    counts = stop - start
    flips = np.zeros(len(x), dtype=np.int64)
    edges = np.flatnonzero(counts)
    bounds = np.searchsorted(np.cumsum(counts[edges]), np.arange(chunk, int(counts.sum()) + chunk, chunk))
    first = 0
    for last in np.unique(np.minimum(bounds + 1, len(edges))):
        part = edges[first:last]
        first = last
        if not len(part):
            continue
        n = counts[part]
        e = np.repeat(part, n)
        offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        pts = order[np.repeat(start[part], n) + offset]
        xs = ax[e] + (y[pts] - ay[e]) * (bx[e] - ax[e]) / (by[e] - ay[e])
        flips += np.bincount(pts[x[pts] < xs], minlength=len(x))
    return flips % 2 == 1


def countries_at(boundaries: Mapping[str, Rings], lon: np.ndarray, lat: np.ndarray, default: str = "") -> np.ndarray:
    """The country code of each point: the boundary whose area holds it (``default`` where none does)."""
    out = np.full(lon.shape, default, dtype=object)
    done = np.zeros(lon.shape, dtype=bool)
    for code in sorted(boundaries):
        hit = np.zeros(lon.shape, dtype=bool)
        for outer, inners in boundaries[code]:
            lo, hi = outer.min(axis=0), outer.max(axis=0)
            box = ~done & (lon >= lo[0]) & (lon <= hi[0]) & (lat >= lo[1]) & (lat <= hi[1])
            if not box.any():
                continue
            sel = np.flatnonzero(box)
            ins = _inside_ring(outer, lon[sel], lat[sel])
            for inner in inners:
                ins &= ~_inside_ring(inner, lon[sel], lat[sel])
            hit[sel[ins]] = True
        out[hit] = code
        done |= hit
    return out


def border_point(a: tuple[float, float], b: tuple[float, float], country: Callable[[float, float], str],
                 steps: int = 40) -> tuple[float, float]:
    """Where the segment a→b leaves ``country(*a)``: bisection on the segment (about a metre after 25 steps)."""
    start = country(*a)
    lo, hi = 0.0, 1.0
    for _ in range(steps):
        mid = (lo + hi) / 2
        p = (a[0] + (b[0] - a[0]) * mid, a[1] + (b[1] - a[1]) * mid)
        if country(*p) == start:
            lo = mid
        else:
            hi = mid
    t = (lo + hi) / 2
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points on the unit sphere (n x 3), so that a k-d tree finds great-circle neighbours."""
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def chord(km: float) -> float:
    """The chord on the unit sphere of a great-circle distance in km."""
    return float(2 * np.sin(min(km / EARTH_RADIUS_KM, np.pi) / 2))
