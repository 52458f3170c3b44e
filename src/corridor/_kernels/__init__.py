"""Hot loops compiled with numba, each next to a plain-Python reference with the same signature.

The Python layer (:mod:`corridor.routing`) owns the algorithms; the kernels here only walk arrays.
Tests compare every kernel with its reference. numba is a hard dependency, but if it cannot be
imported the references stand in (slowly) and a warning is logged.
"""

from __future__ import annotations

import logging

from corridor._kernels.sssp import HAVE_NUMBA, dijkstra, dijkstra_kernel, dijkstra_reference

__all__ = ["HAVE_NUMBA", "dijkstra", "dijkstra_kernel", "dijkstra_reference"]

if not HAVE_NUMBA:  # pragma: no cover - numba is a hard dependency
    logging.getLogger(__name__).warning(
        "numba could not be imported; shortest paths fall back to the slow pure-Python reference")
