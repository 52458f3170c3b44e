"""The vessels that sail a sea line: their capacity and the wait for a departure.

A fleet is one or more :class:`FleetGroup` records sharing a ``fleet`` id; each group is a number
of alike vessels (a class of ferry) with what one vessel carries per sailing and how long its round
trip takes. A fleet serves lines (link ids). Each round trip is one sailing each way, so per
direction (``a`` to ``b`` of its lines, and back):

* sailings per year = vessels x round trips per vessel per year x operating share, with round
  trips per year = ``voyages_per_year`` if given, else 8,760 h / ``round_trip_h``;
* capacity = sailings x railcars per vessel (wagons/yr) and x TEU per vessel (TEU/yr), shared by
  every line of the fleet;
* departures of a line = the sailings of the groups serving it, each group's split evenly over
  its lines (unless the link sets ``departures_per_year``), and the wait for a departure = half
  the interval between departures: 8,760 h / departures / 2 (cargo arriving at random).

Examples
--------
Two ferries of 56 railcars on one line with a 48-hour round trip:

>>> g = FleetGroup("g", "f", frozenset({"line"}), vessels=2, railcars=56, round_trip_h=48)
>>> g.sailings_per_year, g.sailings_per_year * 56
(365.0, 20440.0)
>>> wait_h(365.0)
12.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from corridor.model.provenance import Provenance

__all__ = [
    "FLEET_FIGURES", "HOURS_PER_YEAR", "FleetCapacity", "FleetGroup", "fleet_capacities", "line_departures",
    "wait_h",
]

HOURS_PER_YEAR = 8760.0
"""Hours in a (non-leap) year."""

FLEET_FIGURES: tuple[str, ...] = ("vessels", "railcars", "teu", "trucks", "round_trip_h", "voyages_per_year",
                                  "share")
"""The figures of a fleet group that carry provenance."""


def _provenance() -> dict[str, Provenance]:
    return {}


@dataclass(frozen=True)
class FleetGroup:
    """A number of alike vessels of one fleet, on the lines they serve.

    Parameters
    ----------
    id
        Unique slug of the group (``asco-ferries-56``).
    fleet
        Id of the fleet the group belongs to; the groups of a fleet share its capacity.
    lines
        Link ids the group sails (both directions).
    name
        Readable name (the vessel class, or a vessel's name).
    operator
        Who operates the vessels.
    vessels
        Number of vessels (may be fractional: vessels shared with other lines).
    railcars, teu, trucks
        What one vessel carries per sailing (``None``: not that kind of cargo). Trucks are
        recorded only; engines count railcars (wagons) and TEU.
    round_trip_h
        Hours for one round trip, port time included.
    voyages_per_year
        Round trips per vessel and year; overrides ``round_trip_h`` when given.
    share
        Operating share: the part of the year the vessels sail (repairs, storms, other trades).
    note
        Free text (the year a vessel entered service, for example).
    provenance
        Source and status per figure.
    origin
        Where the record was read (``fleets.csv:4``); not part of equality.

    Examples
    --------
    >>> g = FleetGroup("g", "f", frozenset({"line"}), vessels=2, railcars=56, round_trip_h=48)
    >>> g.sailings_per_year
    365.0
    """

    id: str
    fleet: str
    lines: frozenset[str] = frozenset()
    name: str = ""
    operator: str = ""
    vessels: float = 0.0
    railcars: float | None = None
    teu: float | None = None
    trucks: float | None = None
    round_trip_h: float | None = None
    voyages_per_year: float | None = None
    share: float = 1.0
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=_provenance, compare=False, hash=False)
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)
    valid_from: int | None = None
    valid_to: int | None = None

    @property
    def round_trips_per_vessel(self) -> float:
        """Round trips per vessel and year: ``voyages_per_year``, else 8,760 / ``round_trip_h`` (0 if neither)."""
        if self.voyages_per_year is not None:
            return float(self.voyages_per_year)
        if self.round_trip_h:
            return HOURS_PER_YEAR / float(self.round_trip_h)
        return 0.0

    @property
    def sailings_per_year(self) -> float:
        """Sailings each way per year: vessels x round trips per vessel x operating share."""
        return float(self.vessels) * self.round_trips_per_vessel * float(self.share)


@dataclass(frozen=True)
class FleetCapacity:
    """What a fleet offers per direction and year.

    Attributes
    ----------
    fleet
        Fleet id.
    lines
        The link ids it serves, sorted.
    sailings
        Sailings each way per year.
    wagons, teu
        Railcars and TEU each way per year (``None`` when no group carries that kind of cargo).

    Examples
    --------
    >>> g = FleetGroup("g", "f", frozenset({"line"}), vessels=2, railcars=56, round_trip_h=48)
    >>> cap = fleet_capacities([g])["f"]
    >>> cap.lines, cap.sailings, cap.wagons, cap.teu
    (('line',), 365.0, 20440.0, None)
    """

    fleet: str
    lines: tuple[str, ...]
    sailings: float
    wagons: float | None
    teu: float | None


def _total(groups: list[FleetGroup], per_vessel: str) -> float | None:
    values = [(g.sailings_per_year, getattr(g, per_vessel)) for g in groups]
    if all(v is None for _, v in values):
        return None
    return float(sum(s * v for s, v in values if v is not None))


def fleet_capacities(groups: Iterable[FleetGroup]) -> dict[str, FleetCapacity]:
    """The capacity per direction of each fleet, by fleet id (in the order fleets first appear).

    Examples
    --------
    >>> from corridor import data
    >>> caps = fleet_capacities(data.load().network.fleets)
    >>> cap = caps["asco-kazakhstan"]
    >>> sorted(cap.lines), round(cap.sailings), round(cap.wagons)
    (['aktau-alat-ferry', 'kuryk-alat-ferry'], 1076, 33503)
    """
    by_fleet: dict[str, list[FleetGroup]] = {}
    for g in groups:
        by_fleet.setdefault(g.fleet, []).append(g)
    return {fid: FleetCapacity(fid, tuple(sorted(set().union(*(g.lines for g in gs)))),
                               float(sum(g.sailings_per_year for g in gs)), _total(gs, "railcars"), _total(gs, "teu"))
            for fid, gs in by_fleet.items()}


def line_departures(groups: Iterable[FleetGroup], overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Departures each way per year of every line a fleet serves, by link id.

    Each group's sailings are split evenly over its lines (an assumption: no published split);
    ``overrides`` (a link's own ``departures_per_year``) replace the fleets' figure.

    Examples
    --------
    Two ferries on two lines: their sailings are split evenly between the lines:

    >>> g = FleetGroup("g", "f", frozenset({"a-b", "a-c"}), vessels=2, railcars=56, round_trip_h=48)
    >>> sorted(line_departures([g]).items())
    [('a-b', 182.5), ('a-c', 182.5)]
    """
    out: dict[str, float] = {}
    for g in groups:
        if not g.lines:
            continue
        each = g.sailings_per_year / len(g.lines)
        for line in g.lines:
            out[line] = out.get(line, 0.0) + each
    out.update({k: float(v) for k, v in (overrides or {}).items()})
    return out


def wait_h(departures_per_year: float) -> float:
    """Mean wait for the next departure in hours: half the interval, 8,760 / departures / 2.

    No departures means no scheduled wait (0): a line without vessels is closed by its fleet's
    zero capacity, not by an endless wait.

    Examples
    --------
    >>> wait_h(365.0), round(wait_h(52.0), 1), wait_h(0.0)
    (12.0, 84.2, 0.0)
    """
    if departures_per_year <= 0 or not math.isfinite(departures_per_year):
        return 0.0
    return HOURS_PER_YEAR / float(departures_per_year) / 2.0
