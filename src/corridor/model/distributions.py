"""The one distribution vocabulary, for hub configs and scenario ``uncertain:`` sections alike.

A :class:`Distribution` is a frozen record (family and parameters, as written) on top of a frozen
``scipy.stats`` distribution, which gives its moments, quantiles and draws from a
``numpy.random.Generator``. Files write ``{dist: <family>, <parameters>}``:

================  ==========================================  ===============================
family            parameters                                  nominal value (single runs)
================  ==========================================  ===============================
deterministic     ``value``                                   the value
uniform           ``low``, ``high``                           the midpoint
triangular        ``low``, ``mode``, ``high``                 the mode
normal            ``mean``, ``sd``; optional ``low``, ``high``  the mean, clipped to [low, high]
                  (truncation, ``scipy.stats.truncnorm``)
lognormal         ``mean``, ``cv`` or ``median``, ``sigma``   the median
exponential       ``mean``                                    the mean
erlang            ``mean``, ``k`` (whole number of phases)    the mean
gamma             ``mean`` and ``shape`` or ``cv``            the mean
discrete          ``values``; optional ``weights``            the most likely value
bernoulli         ``p``                                       1 if p ≥ 0.5, else 0
================  ==========================================  ===============================

The positive families (lognormal, exponential, erlang, gamma) take an optional ``shift``: a minimum
added to every draw. ``mean`` and ``median`` include it; ``cv``, ``sigma`` and ``shape`` describe the
part above it (ARVIS10: lead times are "lognormal above a baseline minimum"). ``cv`` is the
coefficient of variation, ``sigma`` the standard deviation of the logarithm. ``weights`` need not
add up to 1 (equal weights by default).

>>> d = Distribution.lognormal(mean=10.0, cv=0.5)
>>> round(d.mean, 12), round(d.cv, 12), d.with_mean(20.0).mean
(10.0, 0.5, 20.0)
>>> Distribution.triangular(0.4, 0.6, 0.8).nominal
0.6
>>> doc = {"dist": "empirical", "values": [1, 2]}
>>> problems = Problems("hub.yaml")
>>> parse_distribution(doc, field="storms.duration_h", problems=problems) is None
True
>>> print(problems.error())
hub.yaml: storms.duration_h.dist: unknown distribution 'empirical'; did you mean 'discrete'?
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from corridor.exceptions import InputError, Problem
from corridor.validation import Bounds, Problems, check_number, unknown

__all__ = ["FAMILIES", "POSITIVE", "RENAMED", "Distribution", "parse_distribution"]

#: Family → the sets of parameters that give it (one set to be given), then the optional ones.
_FORMS: dict[str, tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]] = {
    "bernoulli": ((("p",),), ()),
    "deterministic": ((("value",),), ()),
    "discrete": ((("values",),), ("weights",)),
    "erlang": ((("mean", "k"),), ("shift",)),
    "exponential": ((("mean",),), ("shift",)),
    "gamma": ((("mean", "shape"), ("mean", "cv")), ("shift",)),
    "lognormal": ((("mean", "cv"), ("median", "sigma")), ("shift",)),
    "normal": ((("mean", "sd"),), ("low", "high")),
    "triangular": ((("low", "mode", "high"),), ()),
    "uniform": ((("low", "high"),), ()),
}
FAMILIES = tuple(_FORMS)
"""Every family name a file may use."""
POSITIVE = ("erlang", "exponential", "gamma", "lognormal")
"""The families that draw only values above their ``shift`` (≥ 0) and take one."""
RENAMED = {"empirical": "discrete"}
"""Old family names and the new ones (a file that uses an old name is told the new one)."""
_RENAMED_KEYS = {"p": "weights"}  # discrete took p (summing to 1) in scenario files
_LISTS = ("values", "weights")
_MAX_ITEMS = 100_000
_BOUNDS: dict[str, Bounds] = {
    "sd": {"low": 0}, "sigma": {"low": 0}, "cv": {"low": 0}, "shift": {"low": 0},
    "shape": {"low": 0, "low_open": True}, "median": {"low": 0, "low_open": True},
    "k": {"low": 1, "high": 10_000, "integer": True}, "p": {"low": 0, "high": 1},
}

_Args = tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Distribution:
    """A random variable: a family and its parameters as written (see the module for the vocabulary).

    Build one with a constructor (:meth:`exponential`, :meth:`lognormal` ...), :meth:`from_dict`
    or :func:`parse_distribution`.

    Parameters
    ----------
    family
        One of :data:`FAMILIES`.
    args
        ``(name, value)`` pairs in the order written; lists (``values``, ``weights``) as tuples.

    Raises
    ------
    InputError
        Unknown family, missing or extra parameters, or values that break the family's rules.

    Examples
    --------
    >>> import numpy as np
    >>> d = Distribution.lognormal(mean=24.0, cv=0.5)
    >>> d.family, d.mean, round(d.cv, 2)
    ('lognormal', 24.0, 0.5)
    >>> d.to_dict()
    {'dist': 'lognormal', 'mean': 24.0, 'cv': 0.5}
    >>> x = d.sample(np.random.default_rng(0), 10_000)
    >>> bool(abs(x.mean() - 24.0) < 1.0)
    True
    >>> Distribution.from_dict({"dist": "triangular", "low": 1, "mode": 2, "high": 6}).mean
    3.0
    >>> try:
    ...     Distribution.of("lognormul", mean=1.0)
    ... except InputError as e:
    ...     print(e)
    distribution: dist: unknown distribution 'lognormul'; did you mean 'lognormal'?
    """

    family: str
    args: _Args = ()

    def __post_init__(self) -> None:
        if self.family not in _FORMS:
            raise InputError(Problem("distribution", "dist", unknown("distribution", self.family, FAMILIES,
                                                                      renamed=RENAMED)))
        problems = check_parameters(self.family, dict(self.args))
        if problems:
            raise InputError([Problem("distribution", f"{self.family}.{k}" if k else self.family, m)
                              for k, m in problems])

    # -- constructors ---------------------------------------------------------------------------

    @classmethod
    def of(cls, family: str, **params: Any) -> Distribution:
        """A distribution of ``family`` with ``params`` (those that are None are left out)."""
        return cls(family, tuple((k, _freeze(v)) for k, v in params.items() if v is not None))

    @classmethod
    def deterministic(cls, value: float) -> Distribution:
        """Always ``value``."""
        return cls.of("deterministic", value=float(value))

    @classmethod
    def uniform(cls, low: float, high: float) -> Distribution:
        """Uniform on [low, high]."""
        return cls.of("uniform", low=low, high=high)

    @classmethod
    def triangular(cls, low: float, mode: float, high: float) -> Distribution:
        """Triangular on [low, high] with its peak at ``mode``."""
        return cls.of("triangular", low=low, mode=mode, high=high)

    @classmethod
    def normal(cls, mean: float, sd: float, *, low: float | None = None, high: float | None = None) -> Distribution:
        """Normal, truncated to [low, high] when they are given (``scipy.stats.truncnorm``)."""
        return cls.of("normal", mean=mean, sd=sd, low=low, high=high)

    @classmethod
    def lognormal(cls, mean: float | None = None, cv: float | None = None, *, median: float | None = None,
                  sigma: float | None = None, shift: float = 0.0) -> Distribution:
        """Lognormal by mean and coefficient of variation, or by median and sigma (of the logarithm)."""
        return cls.of("lognormal", mean=mean, cv=cv, median=median, sigma=sigma, shift=shift or None)

    @classmethod
    def exponential(cls, mean: float, *, shift: float = 0.0) -> Distribution:
        """Exponential (memoryless) with the given mean."""
        return cls.of("exponential", mean=mean, shift=shift or None)

    @classmethod
    def erlang(cls, mean: float, k: int, *, shift: float = 0.0) -> Distribution:
        """Erlang-k (sum of k exponential phases), CV = 1/√k above the shift."""
        return cls.of("erlang", mean=mean, k=k, shift=shift or None)

    @classmethod
    def gamma(cls, mean: float, shape: float | None = None, *, cv: float | None = None,
              shift: float = 0.0) -> Distribution:
        """Gamma with the given mean and shape (CV = 1/√shape above the shift), or mean and CV."""
        return cls.of("gamma", mean=mean, shape=shape, cv=cv, shift=shift or None)

    @classmethod
    def discrete(cls, values: Iterable[float], weights: Iterable[float] | None = None) -> Distribution:
        """One of ``values``, with probabilities proportional to ``weights`` (equal by default)."""
        return cls.of("discrete", values=list(values), weights=None if weights is None else list(weights))

    @classmethod
    def bernoulli(cls, p: float) -> Distribution:
        """1 with probability ``p``, else 0."""
        return cls.of("bernoulli", p=p)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Distribution:
        """Read the form of :meth:`to_dict` (or a file's ``{dist: ..., ...}``).

        Raises
        ------
        InputError
            What :func:`parse_distribution` finds wrong.
        """
        problems = Problems("distribution")
        out = parse_distribution(d, field="distribution", problems=problems)
        problems.raise_if_any()
        assert out is not None  # no problem means a distribution
        return out

    def to_dict(self) -> dict[str, Any]:
        """``{"dist": family, <parameters as written>}``, JSON-ready."""
        return {"dist": self.family, **{k: list(v) if isinstance(v, tuple) else v for k, v in self.args}}

    # -- parameters and moments -----------------------------------------------------------------

    @property
    def params(self) -> dict[str, Any]:
        """The parameters as written (lists as tuples)."""
        return dict(self.args)

    @property
    def shift(self) -> float:
        """The minimum added to every draw (0 unless given)."""
        return float(self.params.get("shift", 0.0))

    @property
    def mean(self) -> float:
        """The mean (exactly the ``mean`` or ``value`` given, where one was)."""
        p = self.params
        if self._mean_given():
            return float(p["mean"])
        if self.family == "deterministic":
            return float(p["value"])
        if self.family == "discrete":
            w = p.get("weights") or (1.0,) * len(p["values"])
            return sum(v * x for v, x in zip(p["values"], w, strict=True)) / sum(w)
        return _law(self).mean

    def _mean_given(self) -> bool:
        """Whether the ``mean`` parameter is the mean (it is not for a truncated normal)."""
        p = self.params
        return "mean" in p and not (self.family == "normal" and ("low" in p or "high" in p))

    @property
    def variance(self) -> float:
        """The variance."""
        return _law(self).variance

    @property
    def cv(self) -> float:
        """Coefficient of variation (standard deviation ÷ |mean|); 0 when the mean is 0."""
        return math.sqrt(self.variance) / abs(self.mean) if self.mean else 0.0

    @property
    def second_moment(self) -> float:
        """E[X²], used by the Pollaczek–Khinchine formula."""
        return self.variance + self.mean**2

    @property
    def support(self) -> tuple[float, float]:
        """The smallest and largest values a draw can take (may be infinite)."""
        law = _law(self)
        if law.frozen is None:
            return law.point, law.point
        low, high = law.frozen.support()
        return float(low), float(high)

    @property
    def nominal(self) -> float:
        """The value of a single (non-sampled) run: midpoint, mode, clipped mean, median, most likely value ...

        >>> Distribution.bernoulli(0.5).nominal, Distribution.normal(5.0, 2.0, high=4.0).nominal
        (1.0, 4.0)
        """
        return float(_NOMINAL.get(self.family, lambda d: d.mean)(self))

    def ppf(self, q: float) -> float:
        """The ``q`` quantile (0 ≤ q ≤ 1)."""
        law = _law(self)
        return law.point if law.frozen is None else float(law.frozen.ppf(q))

    def with_mean(self, mean: float) -> Distribution:
        """The same shape scaled to a new mean: every location and scale parameter (and the shift) × mean/old mean.

        Raises
        ------
        ValueError
            For a Bernoulli variable, which has no scale.
        """
        if self.family == "bernoulli":
            raise ValueError("a bernoulli distribution cannot be scaled to another mean")
        if self.mean == 0 or mean == 0:
            return Distribution.deterministic(mean)
        if self.family == "deterministic":
            return Distribution.deterministic(mean)
        f = mean / self.mean
        exact = mean if self._mean_given() else None
        scaled = tuple((k, _scale(k, v, f, exact)) for k, v in self.args)
        return Distribution(self.family, scaled)

    # -- sampling -------------------------------------------------------------------------------

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent draws as a float array.

        Continuous families draw with ``scipy.stats`` ``rvs(random_state=rng)``, which takes the same
        numbers from ``rng`` as NumPy's ``rng.exponential``, ``rng.gamma``, ``rng.lognormal``,
        ``rng.normal``, ``rng.uniform`` and ``rng.triangular``. ``discrete`` draws with
        ``rng.choice(values, p=weights)`` and ``bernoulli`` with ``rng.random() < p``, as before.
        """
        law = _law(self)
        p = self.params
        if law.frozen is None:
            return np.full(size, law.point, dtype=float)
        if self.family == "discrete":
            w = np.asarray(p.get("weights") or (1.0,) * len(p["values"]), dtype=float)
            return np.asarray(rng.choice(np.asarray(p["values"], dtype=float), size=size, p=w / w.sum()), dtype=float)
        if self.family == "bernoulli":
            return (rng.random(size) < p["p"]).astype(float)
        return np.asarray(law.frozen.rvs(size=size, random_state=rng), dtype=float)

    def draw(self, rng: np.random.Generator) -> float:
        """One draw, as a Python float."""
        return float(self.sample(rng, 1)[0])


def _freeze(v: Any) -> Any:
    return tuple(v) if isinstance(v, list | tuple) else v


def _scale(key: str, value: Any, f: float, mean: float | None) -> Any:
    if key == "mean" and mean is not None:
        return float(mean)  # exactly the mean asked for
    if key in ("low", "high", "mode", "mean", "median", "shift", "sd", "value"):
        return value * f
    if key == "values":
        return tuple(v * f for v in value)
    return value  # cv, sigma, shape, k, weights: the shape


# -- the scipy side ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Law:
    frozen: Any  # a frozen scipy.stats distribution, or None for a single point
    point: float
    mean: float
    variance: float


@lru_cache(maxsize=1)
def _stats() -> Any:
    """``scipy.stats``, imported when a distribution is first used (it takes a second to import)."""
    from scipy import stats

    return stats


def _point(x: float) -> _Law:
    return _Law(None, float(x), float(x), 0.0)


def _lognormal(p: Mapping[str, Any]) -> _Law:
    shift = p.get("shift", 0.0)
    if "median" in p:
        sigma, scale = p["sigma"], p["median"] - shift
    else:
        if p["cv"] == 0:
            return _point(p["mean"])
        s2 = math.log1p(p["cv"] ** 2)
        sigma, scale = math.sqrt(s2), math.exp(math.log(p["mean"] - shift) - s2 / 2)
    return _frozen(_stats().lognorm(sigma, loc=shift, scale=scale)) if sigma > 0 else _point(scale + shift)


def _normal(p: Mapping[str, Any]) -> _Law:
    mean, sd = p["mean"], p["sd"]
    low, high = p.get("low", -math.inf), p.get("high", math.inf)
    if sd == 0 or low == high:
        return _point(min(max(mean, low), high))
    if "low" in p or "high" in p:
        return _frozen(_stats().truncnorm((low - mean) / sd, (high - mean) / sd, loc=mean, scale=sd))
    return _frozen(_stats().norm(mean, sd))


def _gamma(p: Mapping[str, Any]) -> _Law:
    shape = p["k"] if "k" in p else p["shape"] if "shape" in p else 1.0 / p["cv"] ** 2
    shift = p.get("shift", 0.0)
    return _frozen(_stats().gamma(shape, loc=shift, scale=(p["mean"] - shift) / shape))


def _discrete(p: Mapping[str, Any]) -> _Law:
    values = np.asarray(p["values"], dtype=float)
    weights = np.asarray(p.get("weights") or np.ones(values.size), dtype=float)
    xs, inverse = np.unique(values, return_inverse=True)
    probs = np.bincount(inverse, weights=weights)
    keep = probs > 0
    if keep.sum() == 1:
        return _point(float(xs[keep][0]))
    return _frozen(_stats().rv_discrete(values=(xs[keep], probs[keep] / probs[keep].sum())))


def _frozen(dist: Any) -> _Law:
    return _Law(dist, math.nan, float(dist.mean()), float(dist.var()))


_LAWS: dict[str, Callable[[Mapping[str, Any]], _Law]] = {
    "deterministic": lambda p: _point(p["value"]),
    "uniform": lambda p: _frozen(_stats().uniform(p["low"], p["high"] - p["low"])) if p["high"] > p["low"]
    else _point(p["low"]),
    "triangular": lambda p: _frozen(_stats().triang((p["mode"] - p["low"]) / (p["high"] - p["low"]), p["low"],
                                                 p["high"] - p["low"])) if p["high"] > p["low"] else _point(p["low"]),
    "normal": _normal,
    "lognormal": _lognormal,
    "exponential": lambda p: _frozen(_stats().expon(p.get("shift", 0.0), p["mean"] - p.get("shift", 0.0))),
    "erlang": _gamma,
    "gamma": _gamma,
    "discrete": _discrete,
    "bernoulli": lambda p: _frozen(_stats().bernoulli(p["p"])),
}


@lru_cache(maxsize=4096)
def _law_of(family: str, args: _Args) -> _Law:
    with np.errstate(all="ignore"):  # extreme parameters give inf or nan moments, which the checks refuse
        return _LAWS[family](dict(args))


def _law(d: Distribution) -> _Law:
    return _law_of(d.family, d.args)


def _most_likely(d: Distribution) -> float:
    p = d.params
    w = p.get("weights") or (1.0,) * len(p["values"])
    return float(p["values"][int(np.argmax(w))])


def _lognormal_median(d: Distribution) -> float:
    p = d.params
    if "median" in p:
        return float(p["median"])
    shift = p.get("shift", 0.0)
    return shift + (p["mean"] - shift) / math.sqrt(1.0 + p["cv"] ** 2)


_NOMINAL: dict[str, Callable[[Distribution], float]] = {
    "uniform": lambda d: 0.5 * (d.params["low"] + d.params["high"]),
    "triangular": lambda d: d.params["mode"],
    "normal": lambda d: min(max(d.params["mean"], d.params.get("low", -math.inf)), d.params.get("high", math.inf)),
    "lognormal": _lognormal_median,
    "discrete": _most_likely,
    "bernoulli": lambda d: 1.0 if d.params["p"] >= 0.5 else 0.0,
}


# -- checking ------------------------------------------------------------------------------------


def _form(family: str, keys: set[str]) -> list[tuple[str, str]]:
    """Problems with which parameters are given: missing ones, or two forms mixed."""
    forms, optional = _FORMS[family]
    given = keys - set(optional)
    matched = [f for f in forms if set(f) <= given]
    if len(matched) == 1:
        extra = sorted(given - set(matched[0]))
        return [(k, f"does not go with {' and '.join(matched[0])} in a {family} distribution") for k in extra]
    if matched:
        return [("", f"give {' or '.join(' and '.join(f) for f in forms)}, not both")]
    if len(forms) == 1:
        return [(k, f"is required for a {family} distribution") for k in forms[0] if k not in keys]
    return [("", f"a {family} distribution needs {' or '.join(' and '.join(f) for f in forms)}")]


def _check_list(key: str, value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not value:
        return f"must be a non-empty list of numbers, not {value!r}"
    if len(value) > _MAX_ITEMS:
        return f"must have at most {_MAX_ITEMS:,} entries, not {len(value):,}"
    bad = next((m for m in (check_number(x, low=0 if key == "weights" else None) for x in value) if m), None)
    return None if bad is None else f"each entry {bad}"


def _check_value(family: str, key: str, value: Any) -> str | None:
    if key in _LISTS:
        return _check_list(key, value)
    bounds: Bounds = {"low": 0, "low_open": True} if key == "mean" and family in POSITIVE else {**_BOUNDS.get(key, {})}
    if key == "cv" and family == "gamma":
        bounds["low_open"] = True
    return check_number(value, **bounds)


def _check_shift(family: str, p: Mapping[str, Any]) -> list[str]:
    if family not in POSITIVE or not p.get("shift"):
        return []
    top = "median" if "median" in p else "mean"
    return [] if p["shift"] < p[top] else [f"shift ({p['shift']:g}) must be below the {top} ({p[top]:g})"]


def _check_rules(family: str, p: Mapping[str, Any]) -> list[str]:
    """Rules across parameters; the parameters themselves are numbers in their bounds."""
    out = _check_shift(family, p)
    if family in ("uniform", "normal") and p.get("low", -math.inf) > p.get("high", math.inf):
        out.append(f"low ({p['low']:g}) must not exceed high ({p['high']:g})")
    if family == "triangular" and not p["low"] <= p["mode"] <= p["high"]:
        out.append(f"needs low ≤ mode ≤ high, not {p['low']:g}, {p['mode']:g}, {p['high']:g}")
    if family == "discrete" and "weights" in p:
        if len(p["weights"]) != len(p["values"]):
            out.append(f"give one weight per value ({len(p['values'])}), not {len(p['weights'])}")
        elif sum(p["weights"]) <= 0:
            out.append("the weights must not all be 0")
    return out


def check_parameters(family: str, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(parameter or "", message)`` for everything wrong with ``params`` of a ``family`` distribution.

    >>> check_parameters("uniform", {"low": 3, "high": 2})
    [('', 'low (3) must not exceed high (2)')]
    >>> check_parameters("bernoulli", {"p": 1.5})
    [('p', 'must be ≤ 1, not 1.5')]
    """
    out = _form(family, set(params))
    if out:
        return out
    out = [(k, m) for k, v in params.items() if (m := _check_value(family, k, v))]
    if out:
        return out
    out = [("", m) for m in _check_rules(family, params)]
    if out:
        return out
    law = _law_of(family, tuple((k, _freeze(v)) for k, v in params.items()))
    if not (math.isfinite(law.mean) and math.isfinite(law.variance)):
        return [("", f"these parameters give no finite mean and variance (mean {law.mean:g}, "
                     f"variance {law.variance:g})")]
    return []


# -- reading from a file -------------------------------------------------------------------------


def _family(node: Any, field: str, problems: Problems, where: str) -> str | None:
    if not isinstance(node, Mapping) or "dist" not in node:
        problems.add(field, f"must be a distribution like {{dist: exponential, mean: 12}}, not {node!r}", where=where)
        return None
    family = node["dist"]
    if family not in _FORMS:
        problems.at(node, "dist", f"{field}.dist", unknown("distribution", family, FAMILIES, renamed=RENAMED),
                    default=where)
        return None
    return str(family)


def parse_distribution(
    node: Any,
    *,
    field: str,
    problems: Problems,
    where: str | None = None,
    extra: Iterable[str] = (),
    nonnegative: bool = False,
    scale_free: bool = False,
) -> Distribution | None:
    """Read ``{dist: <family>, <parameters>}`` (a YAML mapping), recording every problem.

    Parameters
    ----------
    node
        The mapping as read (a :class:`corridor.io.yaml.LocatedDict` gives each problem its line).
    field
        The field that holds it (``uncertain.ferry_factor``, ``services[0].handling_h``).
    problems
        Where problems go, located at the line of the parameter at fault.
    where
        The location of the whole entry (default: the mapping's own line, or the file).
    extra
        Keys that the caller reads (``description``, ``source`` ...): neither parameters nor errors.
    nonnegative
        Refuse a distribution that can draw a negative value (hub times and sizes).
    scale_free
        The mean may be left out (it is then 1, and the caller rescales it with :meth:`~Distribution.with_mean`).

    Returns
    -------
    Distribution or None
        None when a problem was recorded.

    Examples
    --------
    >>> from corridor.validation import Problems
    >>> problems = Problems("hub.yaml")
    >>> d = parse_distribution({"dist": "exponential", "mean": 15.0}, field="arrivals", problems=problems)
    >>> d.family, d.mean, len(problems)
    ('exponential', 15.0, 0)
    >>> parse_distribution({"dist": "normal", "mean": 5.0}, field="service", problems=problems) is None
    True
    >>> print(problems.error())
    hub.yaml: service.sd: is required for a normal distribution
    """
    where = where or problems.where(node)
    family = _family(node, field, problems, where)
    if family is None:
        return None
    forms, optional = _FORMS[family]
    allowed = {k for f in forms for k in f} | set(optional) | {"dist"} | set(extra)
    renamed = _RENAMED_KEYS if family == "discrete" else None
    before = len(problems)
    problems.check_keys(node, allowed, field=field, renamed=renamed, default=where)
    params = {str(k): v for k, v in node.items() if k in allowed - {"dist"} - set(extra)}
    if scale_free and not params.keys() & {"mean", "median", "value"}:
        params["value" if family == "deterministic" else "mean"] = 1.0
    for key, message in check_parameters(family, params):
        problems.at(node, key or None, f"{field}.{key}" if key else field, message, default=where)
    if len(problems) > before:
        return None
    dist = Distribution.of(family, **params)
    low = dist.support[0]
    if nonnegative and low < 0:
        hint = "; give low: 0 to truncate it" if family == "normal" else ""
        problems.add(field, f"a {family} distribution that can draw negative values (from {low:g}) is not a time "
                     f"or a size{hint}", where=where)
        return None
    return dist
