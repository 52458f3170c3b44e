"""Summaries over replications: means with Student-t confidence intervals.

>>> e = estimate([1.0, 2.0, 3.0])
>>> e.mean, round(e.half_width, 4)
(2.0, 2.4841)
>>> e.contains(5.0)
False
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scipy import stats

__all__ = ["Estimate", "estimate", "summarise"]


@dataclass(frozen=True, slots=True)
class Estimate:
    """A KPI over independent replications: mean, standard deviation and a t-interval.

    Parameters
    ----------
    mean, sd
        Mean and sample standard deviation of the replication values.
    half_width
        Half-width of the two-sided confidence interval (``nan`` with one replication).
    n
        Number of replications.
    level
        Confidence level (0.95).
    values
        The replication values, in replication order.

    Examples
    --------
    >>> e = estimate([40.0, 44.0, 48.0])
    >>> e.mean, e.sd, e.n, [round(x, 2) for x in e.ci]
    (44.0, 4.0, 3, [34.06, 53.94])
    >>> e.contains(50.0), e.to_dict()["half_width"] == e.half_width
    (True, True)
    """

    mean: float
    sd: float
    half_width: float
    n: int
    level: float = 0.95
    values: tuple[float, ...] = ()

    @property
    def ci(self) -> tuple[float, float] | None:
        """The interval (low, high), or None with fewer than two replications."""
        if not math.isfinite(self.half_width):
            return None
        return (self.mean - self.half_width, self.mean + self.half_width)

    def contains(self, value: float) -> bool:
        """True when ``value`` lies inside the interval."""
        ci = self.ci
        return ci is not None and ci[0] <= value <= ci[1]

    def to_dict(self) -> dict[str, Any]:
        """``{mean, ci, half_width, sd, n}`` with JSON-safe numbers (None for an undefined CI)."""
        ci = self.ci
        return {"mean": self.mean, "ci": [ci[0], ci[1]] if ci else None,
                "half_width": self.half_width if ci else None, "sd": self.sd if self.n > 1 else None, "n": self.n}


def estimate(values: Sequence[float], *, level: float = 0.95) -> Estimate:
    """Mean and Student-t confidence interval of independent replication values.

    Examples
    --------
    >>> e = estimate([1.0, 2.0, 3.0])
    >>> e.mean, round(e.half_width, 3)
    (2.0, 2.484)
    >>> estimate([5.0]).ci is None  # one replication: no interval
    True
    """
    vals = tuple(float(v) for v in values)
    n = len(vals)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, level, vals)
    mean = math.fsum(vals) / n
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1, level, vals)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in vals) / (n - 1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return Estimate(mean, sd, half, n, level, vals)


def summarise(replicates: Sequence[Mapping[str, float]], *, level: float = 0.95) -> dict[str, Estimate]:
    """One :class:`Estimate` per scalar KPI, over the replications (keys sorted).

    Examples
    --------
    >>> kpis = summarise([{"wait_h": 10.0, "util": 0.7}, {"wait_h": 14.0, "util": 0.8}])
    >>> list(kpis), kpis["wait_h"].mean, round(kpis["util"].mean, 2)
    (['util', 'wait_h'], 12.0, 0.75)
    """
    keys = sorted(replicates[0]) if replicates else []
    return {k: estimate([r[k] for r in replicates], level=level) for k in keys}
