"""Type stub of the Cython module :mod:`corridor._kernels.ue` (the user equilibrium's compiled loops)."""

import numpy as np

def reverse_star(head: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]: ...
def arc_cost_kernel(xa: float, t0: float, alpha: float, beta: float, cap: float,
                    fixed: float) -> tuple[float, float]: ...
def bush_init_kernel(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, nothru: np.ndarray,
                     cost: np.ndarray, origins: np.ndarray, dptr: np.ndarray, dnode: np.ndarray,
                     dflow: np.ndarray, f: np.ndarray, inb: np.ndarray) -> int: ...
def bush_sweep_kernel(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, rptr: np.ndarray,
                      rarc: np.ndarray, nothru: np.ndarray, origins: np.ndarray, f: np.ndarray, inb: np.ndarray,
                      orders: np.ndarray, counts: np.ndarray, active: np.ndarray, x: np.ndarray,
                      cost: np.ndarray, der: np.ndarray, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray,
                      cap: np.ndarray, fixed: np.ndarray, thresh: float, passes: int, improve: bool,
                      ftol: np.ndarray) -> float: ...
def aon_serial_kernel(indptr: np.ndarray, head: np.ndarray, tail: np.ndarray, weights: np.ndarray,
                      zones: np.ndarray, origins: np.ndarray, dptr: np.ndarray, dnode: np.ndarray,
                      dflow: np.ndarray) -> tuple[np.ndarray, float, int]: ...
def line_search_kernel(x: np.ndarray, d: np.ndarray, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray,
                       cap: np.ndarray, fixed: np.ndarray, tol: float) -> float: ...
