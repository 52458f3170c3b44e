"""Volume-delay functions: link travel time as a function of flow, with integral and derivative.

Every function is vectorised over links and pure. The integral ``∫_0^v t(x) dx`` is what the
Beckmann objective sums; the derivative ``dt/dv`` is what conjugate Frank-Wolfe needs.

Guards, so that research networks load without special cases:

- ``capacity <= 0`` (or NaN, or infinite): the link has no delay term, ``t = t0``;
- ``alpha == 0``: no delay term, ``t = t0``;
- ``beta == 0``: ``(v/c) ** 0 == 1``, the time is the constant ``t0 (1 + alpha)``;
- negative flows (rounding) are treated as zero.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "bpr", "bpr_derivative", "bpr_integral", "conical", "conical_derivative", "conical_integral", "davidson",
    "davidson_derivative", "davidson_integral",
]


def _ratio(flow: np.ndarray, capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``v / c`` (0 where there is no usable capacity) and the mask of congestible links."""
    flow = np.maximum(np.asarray(flow, dtype=np.float64), 0.0)
    cap = np.asarray(capacity, dtype=np.float64)
    ok = np.isfinite(cap) & (cap > 0)
    safe = np.where(ok, cap, 1.0)
    return np.where(ok, flow / safe, 0.0), ok


def bpr(flow: np.ndarray, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray,
        capacity: np.ndarray) -> np.ndarray:
    """BPR travel time ``t0 (1 + alpha (v / c) ** beta)``.

    Parameters
    ----------
    flow, t0, alpha, beta, capacity
        Arrays (or scalars) broadcast together, one entry per link.

    Returns
    -------
    numpy.ndarray
        Travel times.

    Examples
    --------
    >>> float(bpr(100.0, 10.0, 0.15, 4.0, 100.0)[()])
    11.5
    """
    x, ok = _ratio(flow, capacity)
    a = np.where(ok, alpha, 0.0)
    return t0 * (1.0 + a * np.power(x, beta))


def bpr_integral(flow: np.ndarray, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray,
                 capacity: np.ndarray) -> np.ndarray:
    """The integral ``∫_0^v t(x) dx = t0 v + t0 alpha c (v/c) ** (beta + 1) / (beta + 1)``.

    With ``beta == 0`` this is ``t0 (1 + alpha) v``, the integral of the constant time.

    Examples
    --------
    >>> float(bpr_integral(100.0, 10.0, 0.15, 4.0, 100.0)[()])  # 10 * 100 + 10 * 0.15 * 100 / 5
    1030.0
    """
    v = np.maximum(np.asarray(flow, dtype=np.float64), 0.0)
    x, ok = _ratio(v, capacity)
    a = np.where(ok, alpha, 0.0)
    cap = np.where(ok, capacity, 0.0)
    b1 = np.asarray(beta, dtype=np.float64) + 1.0
    return t0 * v + t0 * a * cap * np.power(x, b1) / b1


def bpr_derivative(flow: np.ndarray, t0: np.ndarray, alpha: np.ndarray, beta: np.ndarray,
                   capacity: np.ndarray) -> np.ndarray:
    """The derivative ``dt/dv = t0 alpha beta (v/c) ** (beta - 1) / c``.

    It is 0 where ``beta == 0``, and 0 at zero flow when ``beta > 1`` (``inf`` for ``0 < beta < 1``).

    Examples
    --------
    >>> round(float(bpr_derivative(100.0, 10.0, 0.15, 4.0, 100.0)[()]), 12)  # t0 alpha beta / c at capacity
    0.06
    """
    x, ok = _ratio(flow, capacity)
    b = np.broadcast_to(np.asarray(beta, dtype=np.float64), x.shape)
    a = np.where(ok & (b > 0), alpha, 0.0)
    cap = np.where(ok, capacity, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(b > 0, np.power(x, b - 1.0), 0.0)
        out = t0 * a * b * p / cap
    return np.where(a == 0, 0.0, out)


def _conical_beta(alpha: np.ndarray) -> np.ndarray:
    return (2.0 * alpha - 1.0) / (2.0 * alpha - 2.0)


def conical(flow: np.ndarray, t0: np.ndarray, alpha: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Spiess's conical VDF ``t0 (2 + sqrt(a² (1 - x)² + b²) - a (1 - x) - b)``, ``b = (2a - 1)/(2a - 2)``.

    ``x = v / c`` and ``alpha > 1``. Unlike BPR it grows at least linearly beyond capacity, which
    suits queues at ports and border crossings; ``t(0) = t0``.

    Examples
    --------
    >>> round(float(conical(10.0, 2.0, 4.0, 10.0)[()]), 12)  # twice t0 at capacity
    4.0
    """
    x, ok = _ratio(flow, capacity)
    a = np.asarray(alpha, dtype=np.float64)
    b = _conical_beta(a)
    u = a * (1.0 - x)
    t = t0 * (2.0 + np.sqrt(u * u + b * b) - u - b)
    return np.where(ok, t, t0 * np.ones_like(t))


def conical_integral(flow: np.ndarray, t0: np.ndarray, alpha: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """The integral of :func:`conical` from 0 to ``v``, in closed form.

    Examples
    --------
    >>> round(float(conical_integral(10.0, 2.0, 4.0, 10.0)[()]), 6)
    24.954833
    """
    v = np.maximum(np.asarray(flow, dtype=np.float64), 0.0)
    x, ok = _ratio(v, capacity)
    a = np.asarray(alpha, dtype=np.float64)
    b = _conical_beta(a)
    cap = np.where(ok, capacity, 1.0)

    def prim(u: np.ndarray) -> np.ndarray:  # ∫ sqrt(u² + b²) du
        r = np.sqrt(u * u + b * b)
        return 0.5 * (u * r + b * b * np.log(u + r))

    u0, u1 = a, a * (1.0 - x)
    # ∫_0^v sqrt(a²(1 - y/c)² + b²) dy = c/a [prim(u0) - prim(u1)]; ∫ a (1 - y/c) dy = a (v - v²/(2c))
    root = cap / a * (prim(u0) - prim(u1))
    lin = a * (v - v * v / (2.0 * cap))
    out = t0 * ((2.0 - b) * v + root - lin)
    return np.where(ok, out, t0 * v)


def conical_derivative(flow: np.ndarray, t0: np.ndarray, alpha: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """The derivative of :func:`conical`: ``t0 / c (a - a² (1 - x) / sqrt(a² (1 - x)² + b²))``.

    Examples
    --------
    >>> round(float(conical_derivative(10.0, 2.0, 4.0, 10.0)[()]), 12)
    0.8
    """
    x, ok = _ratio(flow, capacity)
    a = np.asarray(alpha, dtype=np.float64)
    b = _conical_beta(a)
    u = a * (1.0 - x)
    cap = np.where(ok, capacity, 1.0)
    d = t0 / cap * (a - a * u / np.sqrt(u * u + b * b))
    return np.where(ok, d, 0.0)


def _davidson_parts(flow: np.ndarray, capacity: np.ndarray,
                    mu: float | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, ok = _ratio(flow, capacity)
    xm = np.minimum(x, mu)
    return x, xm, ok


def davidson(flow: np.ndarray, t0: np.ndarray, j: np.ndarray, capacity: np.ndarray,
             mu: float | np.ndarray = 0.95) -> np.ndarray:
    """Davidson's queueing VDF ``t0 (1 + J x / (1 - x))``, ``x = v / c``, linear beyond ``x = mu``.

    The term ``x / (1 - x)`` is the queue of an M/M/1 server at utilisation ``x`` in units of the
    service time, so ``J`` scales how much of ``t0`` behaves like service at a single queue.
    The pure function has a pole at capacity; past ``mu`` it continues along its tangent (the
    modification of Akçelik 1991 / Tisato 1991), so flows above capacity are allowed but costly
    and the Beckmann objective stays finite and convex.

    Examples
    --------
    >>> float(davidson(50.0, 10.0, 1.0, 100.0)[()])  # x = 0.5: the queue equals the service time
    20.0
    """
    x, xm, ok = _davidson_parts(flow, capacity, mu)
    f = xm / (1.0 - xm) + (x - xm) / (1.0 - mu) ** 2  # tangent beyond mu
    return t0 * (1.0 + np.where(ok, j * f, 0.0))


def davidson_integral(flow: np.ndarray, t0: np.ndarray, j: np.ndarray, capacity: np.ndarray,
                      mu: float | np.ndarray = 0.95) -> np.ndarray:
    """The integral of :func:`davidson` from 0 to ``v``: ``t0 [v + J c (-ln(1 - x) - x)]`` up to ``mu``.

    Examples
    --------
    >>> round(float(davidson_integral(50.0, 10.0, 1.0, 100.0)[()]), 6)  # 10 * (50 + 100 * (ln 2 - 0.5))
    693.147181
    """
    v = np.maximum(np.asarray(flow, dtype=np.float64), 0.0)
    x, xm, ok = _davidson_parts(v, capacity, mu)
    cap = np.where(ok, capacity, 0.0)
    head = -np.log1p(-xm) - xm
    fm = mu / (1.0 - mu)
    dx = x - xm
    tail = fm * dx + 0.5 * dx * dx / (1.0 - mu) ** 2
    return t0 * (v + np.where(ok, j * cap * (head + tail), 0.0))


def davidson_derivative(flow: np.ndarray, t0: np.ndarray, j: np.ndarray, capacity: np.ndarray,
                        mu: float | np.ndarray = 0.95) -> np.ndarray:
    """The derivative of :func:`davidson`: ``t0 J / (c (1 - x)²)``, constant beyond ``mu``.

    Examples
    --------
    >>> round(float(davidson_derivative(50.0, 10.0, 1.0, 100.0)[()]), 12)  # 10 / (100 * 0.25)
    0.4
    """
    _, xm, ok = _davidson_parts(flow, capacity, mu)
    cap = np.where(ok, capacity, 1.0)
    return np.where(ok, t0 * j / (cap * (1.0 - xm) ** 2), 0.0)
