"""What a route costs: money, time, CO2e and risk per leg and per transfer, and their weighting.

Figures are per *unit* of cargo: one loaded TEU for containers, one tonne otherwise.

- **money** (USD): the link's own tariff where it has one (per TEU for containers where the data
  give one, else per tonne × tonnes per unit), else the network's tariff table for the commodity
  and the class of the origin-destination pair (:mod:`corridor.model.tariffs`), plus transfer charges;
- **time** (h): running time plus the dwell of every transfer on the way;
- **CO2e** (kg): emission factor of the mode × distance × tonnes per unit
  (:mod:`corridor.model.emissions`);
- **risk**: exposure, the kilometres run in each country × that country's risk score / 1,000
  (a link may override its score). The default scores are an *assumption* (see
  :data:`DEFAULT_COUNTRY_RISK`); users set their own.

Generalised cost = money + value of time × tonnes × hours + carbon price × CO2e / 1,000
+ risk price × tonnes × risk.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from corridor.exceptions import InputError, Problem
from corridor.model.emissions import factors_by_mode
from corridor.model.passage import mode_change_ok

if TYPE_CHECKING:
    from corridor.model import Commodity, Link, Network, Transfer

__all__ = [
    "CRITERIA", "DEFAULT_COUNTRY_RISK", "PRICE_LIMITS", "ArcCosts", "RouteOptions", "arc_costs", "link_money",
    "price_problem", "transfer_vector", "unit_of",
]

CRITERIA: tuple[str, ...] = ("cost", "time", "co2", "risk")
"""The four criteria, in the order of cost vectors: USD, hours, kg CO2e, risk exposure."""

DEFAULT_COUNTRY_RISK: dict[str, float] = {"RU": 1.0, "BY": 1.0, "IR": 1.0}
"""Assumption: illustrative sanctions/closure exposure scores (0 none … 1 high) for countries under
broad EU/US sanctions since 2022 (Russia, Belarus) or before (Iran); every other country 0. Not a
published figure: set your own with ``RouteOptions(country_risk=...)`` or ``--risk CC=SCORE``."""

PRICE_LIMITS: dict[str, tuple[float, str]] = {
    "value_of_time": (1e6, "USD per t·h"),
    "carbon_price": (1e6, "USD per t CO2e"),
    "risk_price": (1e6, "USD per t per unit of risk exposure"),
    "risk_score": (1e3, "per country or link"),
    "unserved_penalty_usd_per_t": (1e12, "USD per t"),
}
"""The largest value of each weight of the generalised cost (and of the LP's unserved penalty), and its unit.

Far above any sensible value (values of time are cents to a few dollars per t·h, carbon prices
tens to hundreds of USD per t), and low enough that no route's generalised cost can overflow: on a
validated network (:data:`corridor.model.validate.NUMERIC_RANGES`: at most 5,000 h and 25,000 km
per link, 40 t per TEU) one link costs at most about 10¹² USD per unit at these limits, a route of
a million links 10¹⁸ — far below the 10³⁰⁸ of a float and the 10²⁰ from which HiGHS takes a cost
for infinite. A value of 10³⁰⁸ would turn every route's cost into ``inf`` and every route into
"no route"."""


def _within(value: object, limit: float, *, positive: bool) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    # an integer stays one (float() of a huge one overflows); comparisons are False for NaN
    x: float = int(value) if isinstance(value, numbers.Integral) else float(value)
    return (x > 0 if positive else x >= 0) and x <= limit


def price_problem(field: str, value: object, *, limit: str | None = None, where: str = "options",
                  positive: bool = False) -> Problem | None:
    """A :class:`~corridor.exceptions.Problem` if ``value`` is not a number from 0 to its limit, else ``None``.

    Parameters
    ----------
    field
        The field named in the problem (``carbon_price``, ``country_risk[RU]`` ...).
    value
        The value given.
    limit
        Key into :data:`PRICE_LIMITS` (default: ``field``).
    where
        Where the value comes from.
    positive
        Refuse 0 too.

    Examples
    --------
    >>> price_problem("carbon_price", 50.0) is None
    True
    >>> print(price_problem("carbon_price", -5.0))
    options: carbon_price: must be a finite number from 0 to 1,000,000 (USD per t CO2e), got -5.0
    """
    bound, unit = PRICE_LIMITS[limit or field]
    if _within(value, bound, positive=positive):
        return None
    span = f"above 0 and at most {bound:,.0f}" if positive else f"from 0 to {bound:,.0f}"
    return Problem(where, field, f"must be a finite number {span} ({unit}), got {value!r}")


@dataclass(frozen=True)
class RouteOptions:
    """How to price a route.

    Parameters
    ----------
    commodity
        Commodity id; decides the unit (TEU or t), admissible links and transfers.
    value_of_time
        USD per tonne-hour.
    carbon_price
        USD per tonne CO2e.
    risk_price
        USD per tonne per unit of risk exposure.
    country_risk
        Risk score per country code (missing countries score 0).
    link_risk
        Risk score per link id, overriding the country's.
    od_countries
        Countries of the origin and the destination: they decide the tariff class on each link
        (None: only rows of the tariff table without a class apply).

    Raises
    ------
    InputError
        A price or score that is not a finite number from 0 to its limit in :data:`PRICE_LIMITS`.

    Examples
    --------
    >>> opts = RouteOptions(commodity="grain", value_of_time=0.5, carbon_price=50.0)
    >>> opts.commodity, opts.value_of_time, opts.carbon_price
    ('grain', 0.5, 50.0)
    """

    commodity: str = "container"
    value_of_time: float = 0.0
    carbon_price: float = 0.0
    risk_price: float = 0.0
    country_risk: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_COUNTRY_RISK))
    link_risk: Mapping[str, float] = field(default_factory=dict)
    od_countries: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        checks = [price_problem(name, getattr(self, name)) for name in ("value_of_time", "carbon_price", "risk_price")]
        checks += [price_problem(f"{kind}[{k}]", v, limit="risk_score")
                   for kind in ("country_risk", "link_risk") for k, v in getattr(self, kind).items()]
        problems = [p for p in checks if p is not None]
        if problems:
            raise InputError(problems)

    def weights(self, tonnes_per_unit: float) -> np.ndarray:
        """Weights that turn a (cost, time, co2, risk) vector into generalised cost in USD."""
        return np.array([1.0, self.value_of_time * tonnes_per_unit, self.carbon_price / 1000.0,
                         self.risk_price * tonnes_per_unit])


@dataclass(frozen=True, eq=False)
class ArcCosts:
    """Per-arc criteria of a compiled network for one commodity.

    Attributes
    ----------
    vectors
        Array ``(n_arcs, 4)``: USD, hours, kg CO2e and risk per unit.
    admissible
        Whether the commodity may use the arc.
    unit, tonnes_per_unit
        ``"TEU"`` and its tonnes, or ``"t"`` and 1.
    missing_cost
        Link ids without any tariff (counted as 0 USD).

    Examples
    --------
    >>> from corridor import data
    >>> net = data.load().network
    >>> c = net.compile()
    >>> costs = arc_costs(net, c, RouteOptions(commodity="container"))
    >>> costs.unit, costs.vectors.shape == (c.n_arcs, 4), bool(costs.admissible.any())
    ('TEU', True, True)
    """

    vectors: np.ndarray
    admissible: np.ndarray
    unit: str
    tonnes_per_unit: float
    missing_cost: tuple[str, ...]


def _commodity(net: Network, commodity: str) -> Commodity:
    try:
        return net.commodity_index[commodity]
    except KeyError:
        known = ", ".join(sorted(net.commodity_index))
        raise InputError(Problem("options", "commodity", f"unknown commodity {commodity!r}; known: {known}")) from None


def unit_of(net: Network, commodity: str) -> tuple[str, float]:
    """The unit of ``commodity`` and its tonnes: ``("TEU", t_per_teu)`` or ``("t", 1.0)``.

    Examples
    --------
    >>> from corridor import data
    >>> net = data.load().network
    >>> unit_of(net, "container"), unit_of(net, "grain")
    (('TEU', 19.61), ('t', 1.0))
    """
    com = _commodity(net, commodity)
    if com.unit == "TEU":
        return "TEU", float(com.t_per_teu or 1.0)
    return "t", 1.0


def arc_costs(net: Network, compiled: object, options: RouteOptions) -> ArcCosts:
    """Price every arc of ``compiled`` (a :class:`~corridor.model.CompiledNetwork` of ``net``).

    Examples
    --------
    The (cost, time, CO2e, risk) of the first arc out of Dostyk, per TEU:

    >>> from corridor import data
    >>> net = data.load().network
    >>> c = net.compile()
    >>> costs = arc_costs(net, c, RouteOptions(commodity="container"))
    >>> arc = c.out_arcs(c.node_index["dostyk"])[0]
    >>> c.node_ids[c.head[arc]], [round(float(x), 1) for x in costs.vectors[arc]]
    ('alashankou', [0.6, 0.3, 7.8, 0.0])
    """
    com = _commodity(net, options.commodity)
    unit, tpu = unit_of(net, options.commodity)
    factors = factors_by_mode()
    money, missing = link_money(net, options.commodity, options.od_countries)
    rows: list[tuple[float, float, float]] = []
    ok: list[bool] = []
    for lk in net.links:  # both directions of a link cost the same
        ok.append(lk.mode in com.modes and (not lk.commodities or com.id in lk.commodities))
        score = options.link_risk.get(lk.id, options.country_risk.get(lk.country, 0.0))
        f = factors[lk.mode].kg_co2e_per_tkm if lk.mode in factors else 0.0
        rows.append((net.time_h(lk), f * lk.distance_km * tpu, score * lk.distance_km / 1000.0))
    arc_link = np.asarray(compiled.arc_link, dtype=np.int64)  # type: ignore[attr-defined]
    per_link = np.column_stack([money, np.asarray(rows, dtype=float).reshape(-1, 3)])
    used = {net.links[li].id for li in np.unique(arc_link).tolist()}
    return ArcCosts(per_link[arc_link], np.asarray(ok, dtype=bool)[arc_link], unit, tpu,
                    tuple(sorted(set(missing) & used)))


def link_money(net: Network, commodity: str,
               od_countries: tuple[str, str] | None) -> tuple[np.ndarray, tuple[str, ...]]:
    """USD per unit of ``commodity`` on each link of ``net`` (0 where nothing prices it), and those links' ids.

    A link's own cost columns come first, else the network's tariff table for the class of a flow
    between the countries ``od_countries`` (None: rows without a class only).

    Examples
    --------
    USD per TEU on each link for a container from China to Georgia (the flow's countries pick the
    tariff class):

    >>> from corridor import data
    >>> net = data.load().network
    >>> money, unpriced = link_money(net, "container", ("CN", "GE"))
    >>> round(float(money[net.link_index["dostyk-aktogay"]]), 1), len(money) == len(net.links)
    (71.4, True)
    """
    com = _commodity(net, commodity)
    unit, tpu = unit_of(net, commodity)
    loads = (tpu, _container_t_per_teu(net, com), com.t_per_wagon)
    out = np.zeros(len(net.links))
    missing = []
    for li, lk in enumerate(net.links):
        money = _link_money(net, lk, unit, loads, com.id, od_countries)
        if money is None:
            missing.append(lk.id)
        else:
            out[li] = money
    return out, tuple(missing)


def _container_t_per_teu(net: Network, com: Commodity) -> float:
    return max(net.commodity_index.get("container", com).t_per_teu or 1.0, 1e-9)


def _link_money(net: Network, lk: Link, unit: str, loads: tuple[float, float, float | None], commodity: str,
                od: tuple[str, str] | None) -> float | None:
    """USD per unit on ``lk``: its own tariff, else the tariff table's; None if neither prices it.

    ``loads``: tonnes per unit, tonnes of a container TEU (converts per-TEU charges for cargo
    counted in tonnes) and the commodity's tonnes per wagon.
    """
    tpu, tpt, tpw = loads
    if unit == "TEU" and lk.cost_usd_per_teu is not None:
        return lk.cost_usd_per_teu
    if lk.cost_usd_per_t is not None:
        return lk.cost_usd_per_t * tpu
    if lk.cost_usd_per_teu is not None:
        return lk.cost_usd_per_teu / tpt * tpu
    return net.tariffs.charge(lk, commodity, od, unit, tpu, tpt, tpw)


def transfer_vector(transfers: tuple[Transfer, ...], mode_in: str | None, mode_out: str | None,
                    commodity: str, unit: str, tonnes_per_unit: float) -> np.ndarray | None:
    """The (cost, time, co2, risk) of passing a node, or ``None`` if the cargo may not pass that way.

    It may not where a transfer that applies refuses the commodity, or where the route changes mode
    (or gauge) and no transfer there lets it (:func:`corridor.model.passage.mode_change_ok`).

    Examples
    --------
    What a container pays passing Dostyk from 1435 mm to 1520 mm rail (the gauge change, 4.25 h,
    and the border clearance, 57.55 h), and a change to road there, which no transfer allows:

    >>> from corridor import data
    >>> here = data.load().network.transfers_at["dostyk"]
    >>> vec = transfer_vector(here, "rail-1435", "rail-1520", "container", "TEU", 19.61)
    >>> [round(float(x), 2) for x in vec]  # USD, hours, kg CO2e, risk
    [0.0, 61.8, 0.0, 0.0]
    >>> transfer_vector(here, "rail-1520", "road", "container", "TEU", 19.61) is None
    True
    """
    if not mode_change_ok(transfers, mode_in, mode_out):
        return None
    total = np.zeros(4)
    for t in transfers:
        if not t.applies(mode_in, mode_out):
            continue
        if t.commodities and commodity not in t.commodities:
            return None
        if unit == "TEU" and t.cost_usd_per_teu is not None:
            money = t.cost_usd_per_teu
        elif t.cost_usd_per_t is not None:
            money = t.cost_usd_per_t * tonnes_per_unit
        else:
            money = 0.0
        total[0] += money
        total[1] += t.time_h
    return total
