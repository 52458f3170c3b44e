"""Risk priced per shipment: what using a country costs a shipment, once, whatever the distance.

A sanctions or disruption risk is not a toll per kilometre: a shipment that touches a country at
all carries its insurance and compliance premium, its chance of an extra delay and its chance of
seizure. A :class:`RiskEntry` states that for a set of countries, optionally only for some
commodities and some destination markets. :meth:`RiskModel.shipment` adds up the entries that a
route meets — each entry once per route, however many links of the country the route uses — into

- an expected money cost per tonne: ``premium + p_seizure × seizure_usd_per_t``,
- an expected extra delay in hours: ``p_delay × delay_h``,
- the variance of that delay, hours²: ``p_delay (1 − p_delay) delay_h²`` (independent entries add),

which the stochastic equilibrium turns into a generalised cost for each shipper segment: money +
value of time × expected delay + reliability ratio × value of time × standard deviation.

>>> m = RiskModel((RiskEntry(("RU",), premium_usd_per_t=10.0, p_delay=0.1, delay_h=240.0),))
>>> r = m.shipment({"KZ", "RU"}, "metals", "market-eu-north")
>>> round(r.money_usd_per_t, 6), round(r.delay_h, 6), round(r.variance_h2, 6)
(10.0, 24.0, 5184.0)
>>> m.shipment({"KZ", "AZ"}, "metals", "market-eu-north").money_usd_per_t
0.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from corridor.exceptions import InputError, Problem

__all__ = ["RiskEntry", "RiskModel", "ShipmentRisk"]


@dataclass(frozen=True)
class RiskEntry:
    """The risk of using one or more countries, for some commodities and markets.

    Parameters
    ----------
    countries
        Country codes the entry applies to; a route pays it once if it uses any of them.
    commodities
        Commodity ids it applies to (empty: all).
    markets
        Destination node ids (markets or fixed ends) it applies to (empty: all).
    premium_usd_per_t
        Insurance, compliance and payment costs per tonne.
    p_delay, delay_h
        Probability of an extra delay and its length in hours.
    p_seizure, seizure_usd_per_t
        Probability that the cargo is seized or lost, and what that costs per tonne.
    note
        What the figures rest on.

    Examples
    --------
    >>> e = RiskEntry(("IR",), premium_usd_per_t=5.0, p_delay=0.1, delay_h=48.0)
    >>> e.applies(["KZ", "TM", "IR"], "grain", "bandar-abbas"), e.applies(["KZ", "AZ"], "grain", "poti")
    (True, False)
    """

    countries: tuple[str, ...]
    commodities: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    premium_usd_per_t: float = 0.0
    p_delay: float = 0.0
    delay_h: float = 0.0
    p_seizure: float = 0.0
    seizure_usd_per_t: float = 0.0
    note: str = ""

    def __post_init__(self) -> None:
        where = f"risk entry {'+'.join(self.countries) or '?'}"
        problems = []
        if not self.countries:
            problems.append(Problem(where, "countries", "name at least one country"))
        for name in ("premium_usd_per_t", "delay_h", "seizure_usd_per_t", "p_delay", "p_seizure"):
            v = getattr(self, name)
            if not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
                problems.append(Problem(where, name, f"must be a finite number >= 0, got {v!r}"))
            elif name.startswith("p_") and v > 1:
                problems.append(Problem(where, name, f"is a probability, at most 1, got {v!r}"))
        if problems:
            raise InputError(problems)

    def applies(self, countries: Iterable[str], commodity: str, market: str) -> bool:
        """Whether a route through ``countries`` of ``commodity`` to ``market`` pays this entry."""
        if self.commodities and commodity not in self.commodities:
            return False
        if self.markets and market not in self.markets:
            return False
        return not set(self.countries).isdisjoint(countries)


@dataclass(frozen=True)
class ShipmentRisk:
    """What the risk entries a route meets add to a shipment (per tonne).

    Examples
    --------
    >>> r = ShipmentRisk(money_usd_per_t=5.0, delay_h=4.8, variance_h2=207.36)
    >>> round(r.cost(value_of_time=0.5, reliability_ratio=1.0), 2)  # 5 + 0.5 × 4.8 + 1.0 × 0.5 × 14.4
    14.6
    """

    money_usd_per_t: float = 0.0
    delay_h: float = 0.0
    variance_h2: float = 0.0

    def cost(self, value_of_time: float, reliability_ratio: float) -> float:
        """Generalised cost per tonne for a shipper with this value of time and reliability ratio."""
        return (self.money_usd_per_t + value_of_time * self.delay_h
                + reliability_ratio * value_of_time * math.sqrt(self.variance_h2))


@dataclass(frozen=True)
class RiskModel:
    """The risk entries of a run (none: no risk priced per shipment).

    Examples
    --------
    >>> model = RiskModel((RiskEntry(("IR",), premium_usd_per_t=5.0, p_delay=0.1, delay_h=48.0),))
    >>> risk = model.shipment(["KZ", "TM", "IR"], "grain", "bandar-abbas")
    >>> risk.money_usd_per_t, round(risk.delay_h, 2), round(risk.variance_h2, 2)
    (5.0, 4.8, 207.36)
    >>> bool(model), bool(RiskModel())
    (True, False)
    """

    entries: tuple[RiskEntry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def shipment(self, countries: Iterable[str], commodity: str, market: str) -> ShipmentRisk:
        """The risk a route through ``countries`` carries for ``commodity`` bound for ``market``."""
        cs = set(countries)
        money = delay = var = 0.0
        for e in self.entries:
            if e.applies(cs, commodity, market):
                money += e.premium_usd_per_t + e.p_seizure * e.seizure_usd_per_t
                delay += e.p_delay * e.delay_h
                var += e.p_delay * (1.0 - e.p_delay) * e.delay_h ** 2
        return ShipmentRisk(money, delay, var)

    def countries(self) -> frozenset[str]:
        """Every country some entry names."""
        return frozenset(c for e in self.entries for c in e.countries)

    def to_dict(self) -> list[dict[str, object]]:
        """The entries as plain records."""
        return [{"countries": list(e.countries), "commodities": list(e.commodities), "markets": list(e.markets),
                 "premium_usd_per_t": e.premium_usd_per_t, "p_delay": e.p_delay, "delay_h": e.delay_h,
                 "p_seizure": e.p_seizure, "seizure_usd_per_t": e.seizure_usd_per_t, "note": e.note}
                for e in self.entries]
