"""Distributions of uncertain scenario parameters, for Monte Carlo sweeps."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from corridor.exceptions import Problem

__all__ = ["DISTRIBUTIONS", "Uncertain", "parse_uncertain"]

#: Distribution name → its parameters (required, optional).
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "normal": (("mean", "sd"), ("low", "high")),
    "lognormal": (("median", "sigma"), ()),
    "discrete": (("values",), ("p",)),
    "bernoulli": (("p",), ()),
}
_COMMON = ("dist", "nominal", "description", "source", "status", "unit")


@dataclass(frozen=True)
class Uncertain:
    """One uncertain parameter.

    Parameters
    ----------
    name
        How changes refer to it (``$name``).
    dist
        One of :data:`DISTRIBUTIONS`.
    params
        The distribution's parameters.
    nominal
        The value of a single (non-sweep) run: given, else the distribution's centre (midpoint,
        mode, mean, median, most likely value; 0 for a Bernoulli with p < 0.5).
    description, source, status, unit
        Documentation carried into reports.
    """

    name: str
    dist: str
    params: Mapping[str, Any]
    nominal: float
    description: str = ""
    source: str = ""
    status: str = ""
    unit: str = ""
    where: str = field(default="", compare=False)

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value."""
        p = self.params
        if self.dist == "uniform":
            return float(rng.uniform(p["low"], p["high"]))
        if self.dist == "triangular":
            lo, mode, hi = p["low"], p["mode"], p["high"]
            return float(lo) if lo == hi else float(rng.triangular(lo, mode, hi))
        if self.dist == "normal":
            v = float(rng.normal(p["mean"], p["sd"]))
            return float(np.clip(v, p.get("low", -math.inf), p.get("high", math.inf)))
        if self.dist == "lognormal":
            return float(p["median"] * math.exp(rng.normal(0.0, p["sigma"])))
        if self.dist == "discrete":
            values = list(p["values"])
            probs = p.get("p")
            return float(values[int(rng.choice(len(values), p=probs))])
        return float(rng.random() < p["p"])  # bernoulli

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return {
            "name": self.name,
            "dist": self.dist,
            **{k: (list(v) if isinstance(v, list | tuple) else v) for k, v in self.params.items()},
            "nominal": self.nominal,
            "description": self.description,
            "source": self.source,
            "status": self.status,
            "unit": self.unit,
        }


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _check(dist: str, p: dict[str, Any], bad: list[str]) -> None:  # noqa: PLR0912 - one rule per distribution
    for k, v in p.items():
        if k not in {"values", "p"} and not _num(v):
            bad.append(f"{k}: must be a finite number, got {v!r}")
    if bad:
        return
    if dist == "uniform" and not p["low"] <= p["high"]:
        bad.append("low must not exceed high")
    elif dist == "triangular" and not p["low"] <= p["mode"] <= p["high"]:
        bad.append("needs low <= mode <= high")
    elif dist == "normal":
        if p["sd"] < 0:
            bad.append("sd must be >= 0")
        if "low" in p and "high" in p and p["low"] > p["high"]:
            bad.append("low must not exceed high")
    elif dist == "lognormal" and (p["median"] <= 0 or p["sigma"] < 0):
        bad.append("needs median > 0 and sigma >= 0")
    elif dist == "bernoulli" and not (_num(p["p"]) and 0 <= p["p"] <= 1):
        bad.append(f"p must lie in [0, 1], got {p['p']!r}")
    elif dist == "discrete":
        values = p["values"]
        if not isinstance(values, list) or not values or not all(_num(v) for v in values):
            bad.append("values must be a non-empty list of numbers")
            return
        probs = p.get("p")
        if probs is not None:
            if (
                not isinstance(probs, list)
                or len(probs) != len(values)
                or not all(_num(q) and q >= 0 for q in probs)
                or abs(sum(probs) - 1.0) > 1e-9
            ):
                bad.append("p must be a list of non-negative numbers, one per value, summing to 1")
            else:
                p["p"] = [float(q) for q in probs]


def _nominal(dist: str, p: Mapping[str, Any]) -> float:
    if dist == "uniform":
        return 0.5 * (p["low"] + p["high"])
    if dist == "triangular":
        return float(p["mode"])
    if dist == "normal":
        return float(np.clip(p["mean"], p.get("low", -math.inf), p.get("high", math.inf)))
    if dist == "lognormal":
        return float(p["median"])
    if dist == "discrete":
        probs = p.get("p") or [1.0 / len(p["values"])] * len(p["values"])
        return float(p["values"][int(np.argmax(probs))])
    return 1.0 if p["p"] >= 0.5 else 0.0


def parse_uncertain(section: Any, where: Any) -> tuple[dict[str, Uncertain], list[Problem]]:
    """Parse the ``uncertain:`` mapping of a scenario file.

    ``where(key)`` gives ``file:line`` for an entry.
    """
    import difflib

    out: dict[str, Uncertain] = {}
    problems: list[Problem] = []
    if section is None:
        return out, problems
    if not isinstance(section, Mapping):
        return out, [Problem(where(None), "uncertain", "must be a mapping of name: {dist: ..., ...}")]
    for name, spec in section.items():
        loc = where(name)
        field_ = f"uncertain.{name}"
        if not isinstance(spec, Mapping) or "dist" not in spec:
            problems.append(Problem(loc, field_, "must be a mapping with 'dist' and its parameters"))
            continue
        dist = spec["dist"]
        if dist not in DISTRIBUTIONS:
            close = difflib.get_close_matches(str(dist), DISTRIBUTIONS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(DISTRIBUTIONS)}"
            problems.append(Problem(loc, f"{field_}.dist", f"unknown distribution {dist!r}{hint}"))
            continue
        required, optional = DISTRIBUTIONS[dist]
        unknown = [k for k in spec if k not in (*required, *optional, *_COMMON)]
        missing = [k for k in required if k not in spec]
        for k in unknown:
            problems.append(
                Problem(
                    spec.where(k) if hasattr(spec, "where") else loc,
                    f"{field_}.{k}",
                    f"unknown field for a {dist} distribution; expected {', '.join((*required, *optional))}",
                )
            )
        for k in missing:
            problems.append(Problem(loc, f"{field_}.{k}", f"is required for a {dist} distribution"))
        if unknown or missing:
            continue
        params = {k: spec[k] for k in (*required, *optional) if k in spec}
        bad: list[str] = []
        _check(dist, params, bad)
        if bad:
            problems.extend(Problem(loc, field_, f"{dist}: {b}") for b in bad)
            continue
        nominal = spec.get("nominal", _nominal(dist, params))
        if not _num(nominal):
            problems.append(Problem(loc, f"{field_}.nominal", f"must be a finite number, got {nominal!r}"))
            continue
        out[str(name)] = Uncertain(
            str(name),
            dist,
            params,
            float(nominal),
            str(spec.get("description", "")),
            str(spec.get("source", "")),
            str(spec.get("status", "")),
            str(spec.get("unit", "")),
            loc,
        )
    return out, problems
