"""Hot loops compiled with numba, each next to a plain-Python reference with the same signature.

One exception: Algorithm B's loops (:mod:`corridor._kernels.ue`) are compiled with Cython when
corridor is installed, so that a process solving by Algorithm B never loads numba's runtime; its
reference is :mod:`corridor._kernels.bush_reference`.

The Python layer (:mod:`corridor.routing`) owns the algorithms; the kernels here only walk arrays.
Tests compare every kernel with its reference. numba is a hard dependency, but if it cannot be
imported the references stand in (slowly) and a warning is logged.

Importing this package does not import numba (about a second of start-up): the kernel modules
are imported when first used, and :mod:`corridor._kernels.reference` holds the plain-Python
references that small problems run without numba at all.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from corridor._kernels._jit import HAVE_NUMBA

__all__ = ["HAVE_NUMBA", "dijkstra", "dijkstra_kernel", "dijkstra_reference"]

if not HAVE_NUMBA:  # pragma: no cover - numba is a hard dependency
    logging.getLogger(__name__).warning(
        "numba could not be imported; shortest paths fall back to the slow pure-Python reference")


def __getattr__(name: str) -> Any:
    if name in ("dijkstra", "dijkstra_kernel", "dijkstra_reference"):
        return getattr(importlib.import_module("corridor._kernels.sssp"), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
