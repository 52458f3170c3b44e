"""Tariff tables: what a link charges a commodity of a given tariff class.

A :class:`Tariff` row prices the links it selects, for the commodities and the tariff class it
names. A row selects links by ``mode`` (required), and optionally by ``country`` (the link's
country; ``""`` any), ``links`` (a shell pattern over link ids, ``aktau-*``; ``""`` any),
``commodity`` (``""`` any) and ``tariff_class`` (``""`` any). Where several rows select a link,
the most specific wins: a link pattern counts 8, a country 4, a commodity 2, a class 1; ties go to
the first row in the table.

The class of an origin-destination pair on a link in country X (:func:`tariff_class`):
``domestic`` if both ends are in X, ``export`` if only the origin is, ``import`` if only the
destination is, ``transit`` if neither. A link without a country (at sea) has no class: only rows
without a class select it.

A rate has a basis (:data:`BASES`): per tonne-km, per tonne, per TEU-km, per TEU, per wagon-km or
per wagon, on the link's length where the basis is per km (a wagon carries the commodity's
``t_per_wagon``; without one a per-wagon row cannot price it). ``empty_return`` is the share of
the loaded charge added for dedicated equipment that comes back empty (tank wagons, hoppers;
1.0 = the same charge again).

A link's own ``cost_usd_per_t`` / ``cost_usd_per_teu`` override the table (user networks keep
working unchanged). Scenario adjustments (:class:`TariffAdjustment`) then scale and add to the
table's charge on the links they name.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corridor.exceptions import Problem
from corridor.model.commodity import MODES
from corridor.model.provenance import Provenance

if TYPE_CHECKING:
    from corridor.model.network import Link

__all__ = ["BASES", "CLASSES", "Tariff", "TariffAdjustment", "TariffTable", "tariff_class", "tariff_problems"]

BASES: tuple[str, ...] = ("usd_per_t_km", "usd_per_t", "usd_per_teu_km", "usd_per_teu", "usd_per_wagon_km",
                          "usd_per_wagon")
"""Bases of a rate: per tonne-km, per tonne, per TEU-km, per TEU, per wagon-km, per wagon (per link)."""

CLASSES: tuple[str, ...] = ("export", "import", "transit", "domestic")
"""Tariff classes of a flow relative to the country of the link it uses."""

MAX_RATE = 1e6
"""Largest rate accepted (USD per basis unit)."""

MAX_EMPTY_RETURN = 2.0
"""Largest empty-return share accepted (two empty runs per loaded run)."""


def tariff_class(country: str, origin_country: str, destination_country: str) -> str:
    """The class of a flow from ``origin_country`` to ``destination_country`` on a link in ``country``.

    Examples
    --------
    >>> tariff_class("KZ", "KZ", "CN"), tariff_class("KZ", "CN", "DE"), tariff_class("KZ", "KZ", "KZ")
    ('export', 'transit', 'domestic')
    """
    if not country:
        return ""
    at_o, at_d = origin_country == country, destination_country == country
    if at_o and at_d:
        return "domestic"
    if at_o:
        return "export"
    return "import" if at_d else "transit"


@dataclass(frozen=True)
class Tariff:
    """One row of a tariff table (see the module docstring for how rows select links).

    Parameters
    ----------
    id
        Unique slug.
    mode
        Link mode the row prices.
    rate
        USD per unit of ``basis``.
    basis
        One of :data:`BASES`.
    country, links, commodity, tariff_class
        Optional selectors (``""`` any).
    empty_return
        Share of the loaded charge added for the empty return (0 none).
    note
        How the figure was obtained.
    provenance
        Source and status of ``rate`` and ``empty_return``.
    origin
        Where the record was read (``tariffs.csv:4``).

    Examples
    --------
    A rate per tonne-km on Kazakh 1520 mm rail for coal, priced over 1,000 km:

    >>> t = Tariff("rail-kz-coal", "rail-1520", 0.037, country="KZ", commodity="coal")
    >>> t.specificity, round(t.usd_per_unit(1000.0, "t", 1.0, t_per_teu=20.0), 2)
    (6, 37.0)
    """

    id: str
    mode: str
    rate: float
    basis: str = "usd_per_t_km"
    country: str = ""
    links: str = ""
    commodity: str = ""
    tariff_class: str = ""
    empty_return: float = 0.0
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=dict, compare=False, hash=False)
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def specificity(self) -> int:
        """8 for a link pattern, 4 for a country, 2 for a commodity, 1 for a class."""
        return (8 * bool(self.links) + 4 * bool(self.country) + 2 * bool(self.commodity)
                + bool(self.tariff_class))

    def selects(self, link: Link, commodity: str, cls: str) -> bool:
        """Whether the row prices ``link`` for ``commodity`` in class ``cls``."""
        return (link.mode == self.mode and (not self.country or self.country == link.country)
                and (not self.links or fnmatch.fnmatchcase(link.id, self.links))
                and (not self.commodity or self.commodity == commodity)
                and (not self.tariff_class or self.tariff_class == cls))

    def usd_per_unit(self, km: float, unit: str, tonnes_per_unit: float, t_per_teu: float,
                     t_per_wagon: float | None = None) -> float | None:
        """The charge per unit of cargo (TEU or t) over ``km``, empty return included.

        ``t_per_teu`` converts a per-TEU rate for cargo counted in tonnes; ``t_per_wagon`` (the
        commodity's) a per-wagon rate. None: a per-wagon rate for a commodity without wagon loads.
        """
        per_km = self.basis.endswith("_km")
        base = self.rate * (km if per_km else 1.0)
        if self.basis.startswith("usd_per_teu"):
            money = base if unit == "TEU" else base / max(t_per_teu, 1e-9) * tonnes_per_unit
        elif self.basis.startswith("usd_per_wagon"):
            if not t_per_wagon:
                return None
            money = base / t_per_wagon * tonnes_per_unit
        else:
            money = base * tonnes_per_unit
        return money * (1.0 + self.empty_return)


@dataclass(frozen=True)
class TariffAdjustment:
    """A scenario's change to the table's charge on some links: ``charge × factor + add``.

    ``commodities`` and ``classes`` restrict it (empty: all). ``add_usd_per_t`` is per tonne
    (per TEU: times the TEU's tonnes); ``add_usd_per_teu`` applies to cargo counted in TEU only.

    Examples
    --------
    Double the charge on one link for containers, plus 10 USD per TEU:

    >>> adj = TariffAdjustment(frozenset({"dostyk-aktogay"}), commodities=frozenset({"container"}),
    ...                        factor=2.0, add_usd_per_teu=10.0)
    >>> adj.applies("dostyk-aktogay", "container", "transit"), adj.applies("dostyk-aktogay", "grain", "")
    (True, False)
    >>> adj.adjust(100.0, "TEU", 19.61)
    210.0
    """

    links: frozenset[str]
    commodities: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    factor: float = 1.0
    add_usd_per_t: float = 0.0
    add_usd_per_teu: float = 0.0

    def applies(self, link_id: str, commodity: str, cls: str) -> bool:
        """Whether the adjustment touches ``link_id`` for ``commodity`` in class ``cls``."""
        return (link_id in self.links and (not self.commodities or commodity in self.commodities)
                and (not self.classes or cls in self.classes))

    def adjust(self, money: float, unit: str, tonnes_per_unit: float) -> float:
        """``money`` (per unit) after the adjustment."""
        add = self.add_usd_per_t * tonnes_per_unit + (self.add_usd_per_teu if unit == "TEU" else 0.0)
        return money * self.factor + add


@dataclass(frozen=True, eq=False)
class TariffTable:
    """The tariff rows of a network and the scenario adjustments on them (both possibly empty).

    Rows are data (``tariffs.csv``, GeoJSON); adjustments exist in memory only, made by a scenario's
    ``change_tariff`` on the network it runs (the writers keep the rows).

    Examples
    --------
    >>> from corridor import data
    >>> net = data.load().network
    >>> table = net.tariffs
    >>> link = net.link("dostyk-aktogay")
    >>> row = table.row_for(link, "coal", "export")
    >>> row.id, row.basis
    ('rail-kz-coal', 'usd_per_t_km')
    >>> usd = table.charge(link, "coal", ("KZ", "CN"), "t", 1.0, t_per_teu=19.61)
    >>> round(usd, 2)
    11.62
    """

    rows: tuple[Tariff, ...] = ()
    adjustments: tuple[TariffAdjustment, ...] = ()
    _cache: dict[tuple[str, str, str], Tariff | None] = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def row_for(self, link: Link, commodity: str, cls: str) -> Tariff | None:
        """The most specific row that prices ``link`` for ``commodity`` in class ``cls`` (None: none)."""
        key = (link.id, commodity, cls)
        if key not in self._cache:
            best: Tariff | None = None
            for r in self.rows:
                if r.selects(link, commodity, cls) and (best is None or r.specificity > best.specificity):
                    best = r
            self._cache[key] = best
        return self._cache[key]

    def charge(self, link: Link, commodity: str, od: tuple[str, str] | None, unit: str,
               tonnes_per_unit: float, t_per_teu: float, t_per_wagon: float | None = None) -> float | None:
        """USD per unit on ``link`` for a flow between the countries ``od`` (None: no class), or None."""
        cls = tariff_class(link.country, *od) if od else ""
        row = self.row_for(link, commodity, cls)
        money = None if row is None else row.usd_per_unit(link.distance_km, unit, tonnes_per_unit, t_per_teu,
                                                           t_per_wagon)
        if money is None:
            return None
        for adj in self.adjustments:
            if adj.applies(link.id, commodity, cls):
                money = adj.adjust(money, unit, tonnes_per_unit)
        return money

    def class_countries(self, commodity: str | None = None) -> tuple[str, ...] | None:
        """The countries whose rows for ``commodity`` (None: any) differ by class (None: every country's may)."""
        if any(adj.classes and (commodity is None or not adj.commodities or commodity in adj.commodities)
               for adj in self.adjustments):
            return None
        countries: set[str] = set()
        for r in self.rows:
            if r.tariff_class and (commodity is None or r.commodity in ("", commodity)):
                if not r.country:
                    return None
                countries.add(r.country)
        return tuple(sorted(countries))

    def signature(self, origin_country: str, destination_country: str, all_countries: Iterable[str],
                  commodity: str | None = None) -> tuple[str, ...]:
        """The classes of an origin-destination pair in the countries where classes matter for ``commodity``.

        Two pairs with the same signature pay the same for the commodity on every link.
        """
        countries = self.class_countries(commodity)
        scope = sorted(set(all_countries)) if countries is None else countries
        return tuple(tariff_class(c, origin_country, destination_country) for c in scope)

    def with_rows(self, rows: Iterable[Tariff]) -> TariffTable:
        """A table with ``rows`` and the same adjustments."""
        return TariffTable(tuple(rows), self.adjustments)

    def with_adjustment(self, adjustment: TariffAdjustment) -> TariffTable:
        """A table with one more adjustment (the same rows: it shares their look-ups)."""
        return TariffTable(self.rows, (*self.adjustments, adjustment), self._cache)


def tariff_problems(rows: Iterable[Tariff], commodities: Mapping[str, object] | None = None) -> list[Problem]:
    """Problems of tariff rows: unknown mode, basis, class or commodity, rates out of range, repeated ids.

    Each problem names the row's origin (``tariffs.csv:LINE``) or id and the field.

    Examples
    --------
    >>> rows = [Tariff("a", "rail-1520", 0.03), Tariff("a", "camel", -1.0)]
    >>> for p in tariff_problems(rows):
    ...     print(p)
    tariff a: id: repeated id 'a'
    tariff a: mode: unknown mode 'camel'; expected one of rail-1520, rail-1435, road, sea, rail-ferry, feeder, pipeline
    tariff a: rate: must be from 0 to 1,000,000 USD, got -1.0
    """
    out: list[Problem] = []
    seen: set[str] = set()
    for r in rows:
        where = r.origin or f"tariff {r.id}"
        checks = [
            (r.id in seen, "id", f"repeated id {r.id!r}"),
            (r.mode not in MODES, "mode", f"unknown mode {r.mode!r}; expected one of {', '.join(MODES)}"),
            (r.basis not in BASES, "basis", f"unknown basis {r.basis!r}; expected one of {', '.join(BASES)}"),
            (bool(r.tariff_class) and r.tariff_class not in CLASSES, "tariff_class",
             f"unknown class {r.tariff_class!r}; expected one of {', '.join(CLASSES)} or empty"),
            (commodities is not None and bool(r.commodity) and r.commodity not in commodities, "commodity",
             f"unknown commodity {r.commodity!r}"),
            (not 0 <= r.rate <= MAX_RATE, "rate", f"must be from 0 to {MAX_RATE:,.0f} USD, got {r.rate!r}"),
            (not 0 <= r.empty_return <= MAX_EMPTY_RETURN, "empty_return",
             f"must be a share from 0 to {MAX_EMPTY_RETURN:g}, got {r.empty_return!r}"),
        ]
        out += [Problem(where, f, msg) for bad, f, msg in checks if bad]
        seen.add(r.id)
    return out
