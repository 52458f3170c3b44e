"""Probability distributions for the hub model: deterministic, exponential, Erlang, gamma, lognormal, empirical.

A :class:`Distribution` is a frozen record (family name and parameters) that samples from a
``numpy.random.Generator``. Every family is given by its mean, so that demand-driven rates can
rescale it (:meth:`Distribution.with_mean`) without changing its shape.

>>> d = Distribution.exponential(mean=2.0)
>>> d.mean, d.cv
(2.0, 1.0)
>>> Distribution.lognormal(mean=10.0, cv=0.5).with_mean(20.0).mean
20.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["FAMILIES", "Distribution"]

FAMILIES = ("deterministic", "empirical", "erlang", "exponential", "gamma", "lognormal")
"""The distribution names a config may use."""


@dataclass(frozen=True, slots=True)
class Distribution:
    """A non-negative random variable, given by family and mean.

    Parameters
    ----------
    family
        One of :data:`FAMILIES`.
    mean_value
        The mean (hours, TEU ...). For ``empirical`` it is the weighted mean of ``values``.
    shape
        ``erlang``: the integer phase count k; ``gamma``: the shape parameter; ``lognormal``: the
        coefficient of variation. Ignored by the other families.
    shift
        A baseline added to every sample (ARVIS10: lead times are "lognormal above a baseline
        minimum"); ``mean_value`` includes it.
    values, weights
        ``empirical`` only: the values and their (unnormalised) weights.
    """

    family: str
    mean_value: float
    shape: float = 1.0
    shift: float = 0.0
    values: tuple[float, ...] = field(default=())
    weights: tuple[float, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"unknown distribution {self.family!r}; use one of {', '.join(FAMILIES)}")
        if not math.isfinite(self.mean_value) or self.mean_value < 0:
            raise ValueError(f"mean must be a finite number ≥ 0, not {self.mean_value}")
        if self.shift < 0 or self.shift > self.mean_value:
            raise ValueError(f"shift must lie between 0 and the mean ({self.mean_value}), not {self.shift}")
        if self.family in ("erlang", "gamma", "lognormal") and not (math.isfinite(self.shape) and self.shape > 0):
            raise ValueError(f"{self.family}: shape/cv must be > 0, not {self.shape}")
        if self.family == "erlang" and self.shape != int(self.shape):
            raise ValueError(f"erlang: k must be a whole number, not {self.shape}")
        if self.family == "empirical":
            if not self.values or len(self.values) != len(self.weights):
                raise ValueError("empirical: give values and as many weights (or no weights)")
            if min(self.values) < 0 or min(self.weights) < 0 or sum(self.weights) <= 0:
                raise ValueError("empirical: values and weights must be ≥ 0 and the weights must not all be 0")

    # -- constructors ---------------------------------------------------------------------------

    @classmethod
    def deterministic(cls, value: float) -> Distribution:
        """Always ``value``."""
        return cls("deterministic", float(value))

    @classmethod
    def exponential(cls, mean: float, *, shift: float = 0.0) -> Distribution:
        """Exponential (memoryless) with the given mean."""
        return cls("exponential", float(mean), shift=float(shift))

    @classmethod
    def erlang(cls, mean: float, k: int, *, shift: float = 0.0) -> Distribution:
        """Erlang-k (sum of k exponential phases), CV = 1/√k."""
        return cls("erlang", float(mean), shape=float(k), shift=float(shift))

    @classmethod
    def gamma(cls, mean: float, shape: float, *, shift: float = 0.0) -> Distribution:
        """Gamma with the given mean and shape, CV = 1/√shape."""
        return cls("gamma", float(mean), shape=float(shape), shift=float(shift))

    @classmethod
    def lognormal(cls, mean: float, cv: float, *, shift: float = 0.0) -> Distribution:
        """Lognormal with the given mean and coefficient of variation (of the part above ``shift``)."""
        return cls("lognormal", float(mean), shape=float(cv), shift=float(shift))

    @classmethod
    def empirical(cls, values: list[float] | tuple[float, ...], weights: list[float] | None = None) -> Distribution:
        """Draws from ``values`` with probabilities proportional to ``weights`` (equal by default)."""
        vals = tuple(float(v) for v in values)
        wts = tuple(float(w) for w in (weights if weights is not None else [1.0] * len(vals)))
        if not vals or len(vals) != len(wts) or sum(wts) <= 0:
            raise ValueError("empirical: give values and as many weights (or no weights)")
        mean = sum(v * w for v, w in zip(vals, wts, strict=True)) / sum(wts)
        return cls("empirical", mean, values=vals, weights=wts)

    # -- moments --------------------------------------------------------------------------------

    @property
    def mean(self) -> float:
        """The mean."""
        return float(self.mean_value)

    @property
    def variance(self) -> float:
        """The variance."""
        excess = self.mean_value - self.shift
        if self.family == "deterministic":
            return 0.0
        if self.family == "exponential":
            return excess**2
        if self.family in ("erlang", "gamma"):
            return excess**2 / self.shape
        if self.family == "lognormal":
            return (self.shape * excess) ** 2
        w = np.asarray(self.weights) / sum(self.weights)
        v = np.asarray(self.values)
        return float(np.sum(w * (v - self.mean_value) ** 2))

    @property
    def cv(self) -> float:
        """Coefficient of variation (standard deviation ÷ mean); 0 when the mean is 0."""
        return math.sqrt(self.variance) / self.mean_value if self.mean_value > 0 else 0.0

    @property
    def second_moment(self) -> float:
        """E[X²], used by the Pollaczek–Khinchine formula."""
        return self.variance + self.mean_value**2

    def with_mean(self, mean: float) -> Distribution:
        """The same shape scaled to a new mean (the shift and empirical values scale too)."""
        if self.mean_value == 0:
            return Distribution.deterministic(mean)
        f = mean / self.mean_value
        if self.family == "empirical":
            return Distribution("empirical", float(mean), values=tuple(v * f for v in self.values),
                                weights=self.weights)
        return Distribution(self.family, float(mean), shape=self.shape, shift=self.shift * f)

    # -- sampling -------------------------------------------------------------------------------

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent draws as a float array."""
        excess = self.mean_value - self.shift
        if self.family == "deterministic" or excess == 0:
            return np.full(size, self.mean_value)
        if self.family == "exponential":
            out = rng.exponential(excess, size)
        elif self.family in ("erlang", "gamma"):
            out = rng.gamma(self.shape, excess / self.shape, size)
        elif self.family == "lognormal":
            s2 = math.log1p(self.shape**2)
            out = rng.lognormal(math.log(excess) - s2 / 2, math.sqrt(s2), size)
        else:
            p = np.asarray(self.weights) / sum(self.weights)
            return rng.choice(np.asarray(self.values), size=size, p=p)
        return out + self.shift if self.shift else out

    def to_dict(self) -> dict[str, Any]:
        """The config form (what :func:`corridor.hub.config.distribution_from_dict` reads)."""
        if self.family == "deterministic":
            return {"dist": "deterministic", "value": self.mean_value}
        if self.family == "empirical":
            return {"dist": "empirical", "values": list(self.values), "weights": list(self.weights)}
        d: dict[str, Any] = {"dist": self.family, "mean": self.mean_value}
        if self.family == "erlang":
            d["k"] = int(self.shape)
        elif self.family == "gamma":
            d["shape"] = self.shape
        elif self.family == "lognormal":
            d["cv"] = self.shape
        if self.shift:
            d["shift"] = self.shift
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Distribution:
        """Inverse of :meth:`to_dict` (no error locations; configs use the loader in ``config.py``)."""
        fam = d["dist"]
        if fam == "deterministic":
            return cls.deterministic(d["value"])
        if fam == "empirical":
            return cls.empirical(d["values"], d.get("weights"))
        shift = float(d.get("shift", 0.0))
        if fam == "exponential":
            return cls.exponential(d["mean"], shift=shift)
        if fam == "erlang":
            return cls.erlang(d["mean"], int(d["k"]), shift=shift)
        if fam == "gamma":
            return cls.gamma(d["mean"], d["shape"], shift=shift)
        if fam == "lognormal":
            return cls.lognormal(d["mean"], d["cv"], shift=shift)
        raise ValueError(f"unknown distribution {fam!r}; use one of {', '.join(FAMILIES)}")
