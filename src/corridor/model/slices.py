"""Time slices: months or seasons with their own capacities, closures and demand.

A :class:`SliceSet` (``monthly``) divides the year into :class:`TimeSlice` s. Each slice has a
share of the year and factors (:class:`SliceFactor`):

``demand``
    The share of a commodity's annual tonnes that moves in the slice (``select`` is a commodity
    id). A commodity without a demand factor in a slice moves the slice's share of the year. The
    shares of a commodity over the slices must sum to 1.
``capacity``
    A factor on the capacity of the selected links and transfers during the slice (winter
    slowdowns); several matching factors multiply.
``closure``
    The probability that the selected links and transfers are closed in the slice (storms, ice);
    several matching closures combine as independent events.

In the slice, a capacity per year ``C`` becomes ``C x share x factor x (1 - closure)`` tonnes,
and a commodity's annual demand ``D`` becomes ``D x demand share``; an assignment per slice then
sums to the year.

Selectors (``select`` of capacity and closure factors) are ``key=value`` conditions joined by
``&`` (all must hold); a value may list alternatives with ``|``. Keys: ``id`` (link or transfer),
``mode`` (a link's mode; a transfer's from- or to-modes), ``country`` (a link's country or the
country of either end; a transfer's node), ``node`` (a link's end or a transfer's node), ``kind``
(transfers only), ``records`` (``links`` or ``transfers``). ``*`` selects everything.

>>> s = parse_selector("mode=rail-ferry|feeder&country=KZ")
>>> sorted(s["mode"])
['feeder', 'rail-ferry']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from corridor.exceptions import Problem
from corridor.model.provenance import Provenance

if TYPE_CHECKING:
    from corridor.model.network import Link, Network, Transfer

__all__ = ["FACTOR_KINDS", "SELECTOR_KEYS", "SliceFactor", "SliceSet", "TimeSlice", "parse_selector"]

FACTOR_KINDS: tuple[str, ...] = ("demand", "capacity", "closure")
SELECTOR_KEYS: tuple[str, ...] = ("id", "mode", "country", "node", "kind", "records")
_TOL = 1e-6

Selector = Mapping[str, frozenset[str]]


def _provenance() -> dict[str, Provenance]:
    return {}


def parse_selector(text: str) -> dict[str, frozenset[str]]:
    """``{"key": {values}}`` of a selector string (``*`` or empty: every record).

    Raises
    ------
    ValueError
        A condition without ``=``, an unknown key, or an empty value.

    Examples
    --------
    >>> sel = parse_selector("mode=road&country=KZ|UZ")
    >>> {k: sorted(v) for k, v in sel.items()}
    {'mode': ['road'], 'country': ['KZ', 'UZ']}
    >>> parse_selector("*")
    {}
    """
    text = text.strip()
    if text in ("", "*"):
        return {}
    out: dict[str, frozenset[str]] = {}
    for cond in text.split("&"):
        key, eq, value = cond.partition("=")
        key = key.strip()
        values = frozenset(v.strip() for v in value.split("|") if v.strip())
        if not eq or key not in SELECTOR_KEYS or not values:
            msg = f"bad condition {cond.strip()!r}: expected key=value with a key of {', '.join(SELECTOR_KEYS)}"
            raise ValueError(msg)
        out[key] = frozenset(v.upper() for v in values) if key == "country" else values
    return out


def _link_matches(lk: Link, sel: Selector, country_of: Mapping[str, str]) -> bool:
    checks = {
        "id": lambda v: lk.id in v,
        "mode": lambda v: lk.mode in v,
        "country": lambda v: bool({lk.country, country_of.get(lk.a, ""), country_of.get(lk.b, "")} & v),
        "node": lambda v: bool({lk.a, lk.b} & v),
        "kind": lambda v: False,
        "records": lambda v: "links" in v,
    }
    return all(checks[k](v) for k, v in sel.items())


def _transfer_matches(t: Transfer, sel: Selector, country_of: Mapping[str, str]) -> bool:
    checks = {
        "id": lambda v: t.id in v,
        "mode": lambda v: bool((t.from_modes | t.to_modes) & v),
        "country": lambda v: country_of.get(t.node, "") in v,
        "node": lambda v: t.node in v,
        "kind": lambda v: t.kind in v,
        "records": lambda v: "transfers" in v,
    }
    return all(checks[k](v) for k, v in sel.items())


def matches(record: Link | Transfer, sel: Selector, country_of: Mapping[str, str]) -> bool:
    """Whether a link or transfer is selected by ``sel``."""
    from corridor.model.network import Link

    if isinstance(record, Link):
        return _link_matches(record, sel, country_of)
    return _transfer_matches(record, sel, country_of)


@dataclass(frozen=True)
class SliceFactor:
    """One factor of a slice.

    Parameters
    ----------
    kind
        One of :data:`FACTOR_KINDS`.
    select
        A commodity id (``demand``) or a selector string (``capacity``, ``closure``).
    value
        Demand share (0-1), capacity factor (>= 0) or closure probability (0-1).
    note
        Free text.
    provenance
        Source and status of ``value`` (key ``value``).
    origin
        Where the factor was read (``slice_factors.csv:7``).

    Examples
    --------
    Halve the capacity of the feeder links in a slice (a winter closure, say):

    >>> f = SliceFactor("closure", "mode=feeder", 0.5)
    >>> f.kind, f.select, f.value
    ('closure', 'mode=feeder', 0.5)
    """

    kind: str
    select: str
    value: float
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=_provenance, compare=False, hash=False)
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)

    @cached_property
    def selector(self) -> dict[str, frozenset[str]]:
        """The parsed selector (capacity and closure factors)."""
        return parse_selector(self.select)


@dataclass(frozen=True)
class TimeSlice:
    """A part of the year: a month or a season.

    Parameters
    ----------
    id
        Slug, unique in its set (``jan``, ``winter``).
    name
        Readable name.
    months
        Month numbers (1-12) it covers.
    share
        Share of the year (the slice's days over the year's).
    factors
        Its demand, capacity and closure factors.
    provenance
        Source and status of ``share`` (key ``share``).
    origin
        Where it was read (``slices.csv:3``).

    Examples
    --------
    >>> winter = TimeSlice("winter", "Winter", (12, 1, 2), 0.25, (SliceFactor("closure", "mode=feeder", 0.5),))
    >>> winter.months, winter.share, len(winter.factors)
    ((12, 1, 2), 0.25, 1)
    """

    id: str
    name: str
    months: tuple[int, ...]
    share: float
    factors: tuple[SliceFactor, ...] = ()
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=_provenance, compare=False, hash=False)
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)

    def demand_share(self, commodity: str) -> float:
        """Share of the commodity's annual tonnes moving in this slice (default: :attr:`share`)."""
        for f in self.factors:
            if f.kind == "demand" and f.select == commodity:
                return f.value
        return self.share

    def capacity_factor(self, record: Link | Transfer, country_of: Mapping[str, str]) -> float:
        """``factor x (1 - closure)`` of a link or transfer in this slice (1 if nothing matches)."""
        factor, open_p = 1.0, 1.0
        for f in self.factors:
            if f.kind == "demand" or not matches(record, f.selector, country_of):
                continue
            if f.kind == "capacity":
                factor *= f.value
            else:
                open_p *= 1.0 - f.value
        return factor * open_p


@dataclass(frozen=True)
class SliceSet:
    """A division of the year into time slices (``monthly``).

    Examples
    --------
    >>> jan = TimeSlice("h1", "First half", (1, 2, 3, 4, 5, 6), 0.5,
    ...                 (SliceFactor("closure", "mode=feeder", 0.5),))
    >>> h2 = TimeSlice("h2", "Second half", (7, 8, 9, 10, 11, 12), 0.5)
    >>> SliceSet("halves", (jan, h2)).problems()
    []
    """

    name: str
    slices: tuple[TimeSlice, ...]
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def ids(self) -> tuple[str, ...]:
        """Slice ids in order."""
        return tuple(s.id for s in self.slices)

    def demand_commodities(self) -> set[str]:
        """Commodities with an explicit demand share in some slice."""
        return {f.select for s in self.slices for f in s.factors if f.kind == "demand"}

    def problems(self, network: Network | None = None) -> list[Problem]:
        """What is wrong with the set: shares, months, factors, and references to ``network`` if given."""
        where = self.origin or f"slices {self.name}"
        out: list[Problem] = []
        if not self.slices:
            return [Problem(where, "set", f"slice set {self.name!r} has no slices")]
        out += _sum_problem(where, "share", "the shares of the year", [s.share for s in self.slices])
        for c in sorted(self.demand_commodities()):
            out += _sum_problem(where, "value", f"the demand shares of {c!r}",
                                [s.demand_share(c) for s in self.slices])
        seen: set[str] = set()
        for s in self.slices:
            out += _slice_problems(s, seen, network)
            seen.add(s.id)
        return out


def _sum_problem(where: str, fld: str, what: str, values: Sequence[float]) -> list[Problem]:
    total = math.fsum(values)
    if abs(total - 1.0) > _TOL:
        return [Problem(where, fld, f"{what} sum to {total:.6g} over the slices, not 1")]
    return []


def _slice_problems(s: TimeSlice, seen: set[str], network: Network | None) -> list[Problem]:
    where = s.origin or f"slice {s.id}"
    out: list[Problem] = []
    if not s.id:
        out.append(Problem(where, "id", "is empty"))
    elif s.id in seen:
        out.append(Problem(where, "id", f"duplicate slice id {s.id!r}"))
    if not 0.0 < s.share <= 1.0:
        out.append(Problem(where, "share", f"must be > 0 and <= 1, got {s.share!r}"))
    if any(not 1 <= m <= 12 for m in s.months):
        out.append(Problem(where, "months", f"months must be 1-12, got {list(s.months)}"))
    for f in s.factors:
        out += factor_problems(f, network)
    return out


def factor_problems(f: SliceFactor, network: Network | None = None) -> list[Problem]:
    """What is wrong with one factor (its kind, value and selector; references if ``network`` is given)."""
    where = f.origin or f"factor {f.kind} {f.select}"
    if f.kind not in FACTOR_KINDS:
        return [Problem(where, "kind", f"unknown factor kind {f.kind!r}; expected one of {', '.join(FACTOR_KINDS)}")]
    high = math.inf if f.kind == "capacity" else 1.0
    if not (math.isfinite(f.value) and 0.0 <= f.value <= high):
        limit = ">= 0" if f.kind == "capacity" else "between 0 and 1"
        return [Problem(where, "value", f"a {f.kind} factor must be {limit}, got {f.value!r}")]
    if f.kind == "demand":
        return _commodity_problems(f, where, network)
    try:
        sel = f.selector
    except ValueError as e:
        return [Problem(where, "select", str(e))]
    if network is not None and sel and not _selects_any(network, sel):
        return [Problem(where, "select", f"{f.select!r} matches no link or transfer of the network")]
    return []


def _commodity_problems(f: SliceFactor, where: str, network: Network | None) -> list[Problem]:
    known = set() if network is None else set(network.commodity_index)
    if network is not None and f.select not in known:
        return [Problem(where, "select", f"unknown commodity {f.select!r}; known: {', '.join(sorted(known))}")]
    return []


def _selects_any(network: Network, sel: Selector) -> bool:
    country_of = {n.id: n.country for n in network.nodes}
    records: Iterable[Any] = (*network.links, *network.transfers)
    return any(matches(r, sel, country_of) for r in records)
