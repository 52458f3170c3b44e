"""How shippers choose: value-of-time segments, the logit scale, path size and corridor constants.

Shippers of one commodity differ in what an hour is worth to them. Their value of time (USD per
tonne-hour) is taken as lognormal with median ``vot_median`` and log-spread ``vot_sigma``, cut into
``segments`` groups of equal share, each group represented by its conditional mean (so the mean
of the distribution is kept). Each segment chooses among routes and gateways by a path-size logit:

``U_k = −theta · C_k / C_ref + path_size · ln PS_k + constant[corridor of k]``

where ``C_k`` is the route's generalised cost for the segment (money + value of time × hours + risk
+ reliability), ``C_ref`` the cheapest route's cost for that segment at free flow (so ``theta`` is
dimensionless: a route dearer by ``1/theta`` of the best has ``e⁻¹`` of its odds, for cheap bulk
and dear containers alike), ``PS_k`` Ben-Akiva and Bierlaire's path size (the share of the route's
length it does not share with other routes of the set) and ``constant`` an alternative-specific
constant of the route's corridor — the commodity's own where set, else the corridor's — (what
the costs leave out: paperwork, habit, reliability of service) in utility units.

>>> p = ChoiceParameters(vot_median=0.1, vot_sigma=1.0, segments=3)
>>> [round(s.share, 4) for s in p.segments_for("container")]
[0.3333, 0.3333, 0.3333]
>>> mean = sum(s.share * s.value_of_time for s in p.segments_for("container"))
>>> round(mean, 6) == round(0.1 * 2.718281828 ** 0.5, 6)
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist

from corridor.exceptions import InputError, Problem

__all__ = ["CHOICE_PARAMETERS", "PER_COMMODITY", "ChoiceParameters", "Parameter", "Segment"]

CHOICE_PARAMETERS: dict[str, tuple[str, float, float]] = {
    "theta": ("logit scale on cost relative to the cheapest route (dimensionless)", 1e-3, 1e3),
    "path_size": ("weight of ln(path size) in the utility", 0.0, 10.0),
    "vot_median": ("median value of time, USD per tonne-hour", 0.0, 1e3),
    "vot_sigma": ("log-spread (sigma) of the lognormal value of time", 0.0, 5.0),
    "segments": ("number of value-of-time segments per commodity", 1.0, 15.0),
    "reliability_ratio": ("value of an hour of standard deviation relative to an hour of mean time", 0.0, 10.0),
}
"""Name → (meaning, lowest, highest) of the scalar parameters; ``constant:<corridor>`` are the others."""

PER_COMMODITY: tuple[str, ...] = ("vot_median", "vot_sigma", "reliability_ratio")
"""Parameters a commodity may have of its own (``vot_median/container``), overriding the common value."""


@dataclass(frozen=True)
class Segment:
    """A group of shippers of one commodity: its share of the tonnes and its value of time.

    Examples
    --------
    >>> s = Segment(share=0.5, value_of_time=0.12)
    >>> s.share, s.value_of_time
    (0.5, 0.12)
    """

    share: float
    value_of_time: float


@dataclass(frozen=True)
class Parameter:
    """One parameter of the choice model as shipped in ``choice.csv``: value, standard error and provenance.

    Examples
    --------
    >>> p = Parameter("theta", 10.0, se=2.5, status="estimate")
    >>> p.name, p.value, p.se
    ('theta', 10.0, 2.5)
    """

    name: str
    value: float
    se: float | None = None
    unit: str = ""
    status: str = "assumption"
    method: str = ""
    source: str = ""
    note: str = ""
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class ChoiceParameters:
    """The parameters of the shippers' choice (see the module docstring).

    Parameters
    ----------
    theta
        Logit scale on relative cost.
    path_size
        Weight of ``ln PS``.
    vot_median, vot_sigma
        Median (USD per tonne-hour) and log-spread of the lognormal value of time.
    segments
        Number of segments per commodity.
    reliability_ratio
        USD per hour of standard deviation of the delay, relative to the value of time.
    by_commodity
        A commodity's own ``vot_median``, ``vot_sigma`` or ``reliability_ratio`` (keys
        ``vot_median/container`` …), overriding the common value for that commodity.
    constants
        Utility constant per route corridor (``northern``, ``trans-caspian``, ``southern``,
        ``maritime``, ``other``), or per corridor and commodity (``trans-caspian/container``),
        which replaces the corridor's for that commodity; absent ones are 0.

    Examples
    --------
    >>> p = ChoiceParameters(theta=8.0, constants={"trans-caspian": -0.3})
    >>> p.theta, p.constant("trans-caspian"), p.constant("northern")
    (8.0, -0.3, 0.0)
    >>> [round(s.share, 3) for s in p.segments_for("container")]
    [0.333, 0.333, 0.333]
    """

    theta: float = 10.0
    path_size: float = 1.0
    vot_median: float = 0.12
    vot_sigma: float = 1.0
    segments: int = 3
    reliability_ratio: float = 1.0
    constants: Mapping[str, float] = field(default_factory=dict)
    by_commodity: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        for name, (_doc, low, high) in CHOICE_PARAMETERS.items():
            v = getattr(self, name)
            if not isinstance(v, int | float) or not math.isfinite(v) or not low <= v <= high:
                problems.append(Problem("choice parameters", name, f"must lie in [{low:g}, {high:g}], got {v!r}"))
        if isinstance(self.segments, float) and not float(self.segments).is_integer():
            problems.append(Problem("choice parameters", "segments", f"must be a whole number, got {self.segments!r}"))
        for k, v in self.constants.items():
            if not isinstance(v, int | float) or not math.isfinite(v) or abs(v) > 50:
                problems.append(Problem("choice parameters", f"constant:{k}", f"must lie in [-50, 50], got {v!r}"))
        for k, v in self.by_commodity.items():
            name, _, commodity = k.partition("/")
            if name not in PER_COMMODITY or not commodity:
                problems.append(Problem("choice parameters", k, f"a per-commodity parameter is "
                                        f"{' or '.join(PER_COMMODITY)} + '/<commodity>'"))
                continue
            _doc, low, high = CHOICE_PARAMETERS[name]
            if not isinstance(v, int | float) or not math.isfinite(v) or not low <= v <= high:
                problems.append(Problem("choice parameters", k, f"must lie in [{low:g}, {high:g}], got {v!r}"))
        if problems:
            raise InputError(problems)
        object.__setattr__(self, "segments", int(self.segments))
        object.__setattr__(self, "constants", dict(self.constants))
        object.__setattr__(self, "by_commodity", dict(self.by_commodity))

    def value(self, name: str, commodity: str = "") -> float:
        """A commodity's ``vot_median``, ``vot_sigma`` or ``reliability_ratio``: its own if set, else the common one."""
        own = self.by_commodity.get(f"{name}/{commodity}") if commodity else None
        return float(own if own is not None else getattr(self, name))

    def segments_for(self, commodity: str) -> list[Segment]:
        """The value-of-time segments of a commodity: equal shares, each at its conditional mean.

        The commodity's own median and spread where set (``vot_median/<commodity>``,
        ``vot_sigma/<commodity>``), else the common ones.
        """
        n = self.segments
        median, s = self.value("vot_median", commodity), self.value("vot_sigma", commodity)
        if n == 1 or s == 0:
            mean = median * math.exp(s ** 2 / 2)
            return [Segment(1.0, mean)] if n == 1 else [Segment(1.0 / n, mean)] * n
        z = NormalDist()
        edges = [-math.inf] + [z.inv_cdf(k / n) for k in range(1, n)] + [math.inf]
        out = []
        for a, b in itertools.pairwise(edges):
            pa = 0.0 if a == -math.inf else z.cdf(a)
            pb = 1.0 if b == math.inf else z.cdf(b)
            qa = 0.0 if a == -math.inf else z.cdf(a - s)
            qb = 1.0 if b == math.inf else z.cdf(b - s)
            out.append(Segment(pb - pa, median * math.exp(s * s / 2) * (qb - qa) / (pb - pa)))
        return out

    def constant(self, corridor: str, commodity: str = "") -> float:
        """The utility constant of a route corridor for a commodity (0 if none is set).

        ``constants`` may hold a constant for a commodity (key ``corridor/commodity``) and one for
        every other commodity (key ``corridor``); the commodity's own wins.
        """
        own = self.constants.get(f"{corridor}/{commodity}") if commodity else None
        return float(own if own is not None else self.constants.get(corridor, 0.0))

    def with_values(self, values: Mapping[str, float]) -> ChoiceParameters:
        """A copy with some parameters replaced (``constant:<corridor>`` for a constant)."""
        kw: dict[str, object] = {}
        consts = dict(self.constants)
        own = dict(self.by_commodity)
        for k, v in values.items():
            if k.startswith("constant:"):
                consts[k.split(":", 1)[1]] = float(v)
            elif k.partition("/")[0] in PER_COMMODITY and "/" in k:
                own[k] = float(v)
            elif k in CHOICE_PARAMETERS:
                kw[k] = float(v) if k != "segments" else int(v)
            else:
                raise InputError(Problem("choice parameters", k, f"unknown parameter; known: "
                                         f"{', '.join(CHOICE_PARAMETERS)}, constant:<corridor>, "
                                         f"{'/<commodity>, '.join(PER_COMMODITY)}/<commodity>"))
        return ChoiceParameters(**{**self.as_kwargs(), **kw, "constants": consts,  # type: ignore[arg-type]
                                   "by_commodity": own})

    def as_kwargs(self) -> dict[str, object]:
        """The parameters as keyword arguments."""
        return {"theta": self.theta, "path_size": self.path_size, "vot_median": self.vot_median,
                "vot_sigma": self.vot_sigma, "segments": self.segments, "reliability_ratio": self.reliability_ratio,
                "constants": dict(self.constants), "by_commodity": dict(self.by_commodity)}

    def to_dict(self) -> dict[str, object]:
        """Plain record (constants flattened to ``constant:<corridor>``)."""
        out = {k: v for k, v in self.as_kwargs().items() if k not in ("constants", "by_commodity")}
        out.update({f"constant:{k}": v for k, v in sorted(self.constants.items())})
        out.update(dict(sorted(self.by_commodity.items())))
        return out

    @classmethod
    def from_parameters(cls, params: Mapping[str, Parameter] | list[Parameter]) -> ChoiceParameters:
        """Build from shipped :class:`Parameter` records (unknown names are an error)."""
        items = params.values() if isinstance(params, Mapping) else params
        return cls().with_values({p.name: p.value for p in items})
