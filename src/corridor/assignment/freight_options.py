"""Settings and result of the freight user equilibrium (:mod:`corridor.assignment.freight_eq`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridor.assignment.lp import DEFAULT_UNSERVED_PENALTY, FORMULATIONS
from corridor.exceptions import InputError, Problem
from corridor.model.costs import price_problem

if TYPE_CHECKING:
    from corridor.assignment.lp_results import LPResult

__all__ = [
    "BREAK_EVEN_VALUE_OF_TIME", "DEFAULT_VALUE_OF_TIME", "METHODS", "FreightDelays", "FreightEquilibriumOptions",
    "FreightEquilibriumResult", "TransferCurve",
]

METHODS = ("msa", "fw", "cfw", "bfw")
"""The freight equilibrium's algorithms."""

#: USD per tonne-hour: the value of time at which a China–Europe container shipper is indifferent
#: between the Northern rail route and the sea. Derived (revealed preference) from published figures:
#: Northern corridor 2,599–3,121 USD/FEU (mean 2,860) and maritime 1,500–2,000 USD/FEU (1,750), both
#: WB via EY24; Northern 12–18 days (PEM2) and maritime 28–40 days (EY24), midpoints 15 and 34.
#: ``(2,860 − 1,750) USD / (2 TEU × 19.61 t/TEU) / (19 d × 24 h) = 0.062``; 19.61 t per loaded TEU is
#: the built-in data's figure (LOK22, derived). Shippers who chose rail value time at least this much.
BREAK_EVEN_VALUE_OF_TIME: float = (2_860.0 - 1_750.0) / (2 * 19.61) / ((34 - 15) * 24)

#: USD per tonne-hour used by default: derived by calibration — the smallest value (to two
#: decimals, rounded up) at which the capacity-constrained LP on the built-in 2021 data carries by
#: rail all of the 2021 China–Europe transit that the Kazakh–Chinese crossings can take (660,000 TEU
#: by rail through Kazakhstan were observed, LOK22): above it no more containers leave the sea, below
#: it some do; at the break-even value :data:`BREAK_EVEN_VALUE_OF_TIME` the model sends most of them
#: by sea. Bisection gives 0.114 with the tariff table, the border on every crossing, and the Dostyk
#: and Altynkol station capacities held once (facilities), which cap rail transit at about 500,000
#: TEU; a test re-checks it against the data.
DEFAULT_VALUE_OF_TIME: float = 0.12



@dataclass(frozen=True)
class TransferCurve:
    """A delay curve for one transfer, replacing the default queue function there.

    ``time = t0_h · (1 + j · x / (1 - x))``, ``x = throughput / capacity``, linear beyond ``mu``
    (Davidson's form, :func:`corridor.assignment.vdf.davidson`): the form the hub simulation fits.

    Parameters
    ----------
    t0_h
        Time through the transfer at no load (hours); replaces the transfer's dwell time.
    capacity
        In the unit of the transfer's capacity (``unit``).
    j
        Davidson's delay parameter.
    unit
        ``"TEU/yr"`` or ``"t/yr"``.
    mu
        Where the curve turns linear.
    source
        Where the curve comes from (e.g. ``"simulated: corridor hub curve, aktau-hub.yaml"``).
    group
        Transfers whose curves share a non-empty group are one facility: their flows add up in one
        delay (e.g. a port's rail→ship and ship→rail transfers, both handled by one hub).

    Notes
    -----
    The transfer's own ``time_h`` must equal ``t0_h`` (its dwell at no load is part of the fixed
    cost); :func:`corridor.scenarios.hub_delay.simulated_hub` sets both.

    Examples
    --------
    >>> curve = TransferCurve(t0_h=12.0, capacity=200_000.0, j=0.8, source="simulated")
    >>> delays = FreightDelays(transfer_curves={"aktau-rail-ship": curve})
    >>> delays.transfer_curves["aktau-rail-ship"].unit
    'TEU/yr'
    >>> try:
    ...     TransferCurve(t0_h=12.0, capacity=0.0, j=0.8)
    ... except InputError as e:
    ...     print(e)
    transfer curve: capacity: must be a finite number > 0, got 0.0
    """

    t0_h: float
    capacity: float
    j: float
    unit: str = "TEU/yr"
    mu: float = 0.95
    source: str = ""
    group: str = ""

    def __post_init__(self) -> None:
        for name in ("t0_h", "capacity", "j"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and math.isfinite(v) and v >= 0) or (name == "capacity" and v == 0):
                raise InputError(Problem("transfer curve", name, f"must be a finite number > 0, got {v!r}"))
        if self.unit not in ("TEU/yr", "t/yr"):
            raise InputError(Problem("transfer curve", "unit", f"must be 'TEU/yr' or 't/yr', got {self.unit!r}"))
        if not 0 < self.mu < 1:
            raise InputError(Problem("transfer curve", "mu", f"must lie in (0, 1), got {self.mu!r}"))


@dataclass(frozen=True)
class FreightDelays:
    """How capacities turn into delays.

    The defaults are assumptions, not measurements: ``alpha = 0.15, beta = 4`` are the Bureau of
    Public Roads' road values (BPR 1964), used for want of calibrated rail figures; ``J = 0.5`` says
    that half of a transfer's dwell behaves like service at a single queue. Calibrate them for
    serious use, or give a simulated curve per transfer in ``transfer_curves``.

    Parameters
    ----------
    link_alpha, link_beta
        BPR parameters of capacitated link directions (links with their own ``vdf_*`` fields keep those).
    transfer_vdf
        ``"davidson"`` (default) or ``"conical"``.
    transfer_j
        Davidson's ``J`` at transfers.
    transfer_alpha
        Conical ``alpha`` (> 1) at transfers.
    mu
        Where Davidson's function turns linear.
    transfer_curves
        Transfer id → :class:`TransferCurve`, overriding the function and its parameters there.

    Examples
    --------
    >>> delays = FreightDelays(link_beta=2.0, transfer_vdf="conical")
    >>> delays.link_alpha, delays.link_beta, delays.transfer_vdf
    (0.15, 2.0, 'conical')
    >>> try:
    ...     FreightDelays(mu=1.5)
    ... except InputError as e:
    ...     print(e.problems[0].field, e.problems[0].message)
    mu must lie in (0, 1), got 1.5
    """

    link_alpha: float = 0.15
    link_beta: float = 4.0
    transfer_vdf: str = "davidson"
    transfer_j: float = 0.5
    transfer_alpha: float = 4.0
    mu: float = 0.95
    transfer_curves: Mapping[str, TransferCurve] = field(default_factory=dict)

    def __post_init__(self) -> None:
        bad: list[Problem] = []
        for name in ("link_alpha", "link_beta", "transfer_j"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and math.isfinite(v) and v >= 0):
                bad.append(Problem("delays", name, f"must be a finite number >= 0, got {v!r}"))
        if self.transfer_vdf not in ("davidson", "conical"):
            bad.append(Problem("delays", "transfer_vdf", f"must be 'davidson' or 'conical', got {self.transfer_vdf!r}"))
        if not (isinstance(self.transfer_alpha, int | float) and self.transfer_alpha > 1):
            bad.append(Problem("delays", "transfer_alpha", f"must be > 1, got {self.transfer_alpha!r}"))
        if not (isinstance(self.mu, int | float) and 0 < self.mu < 1):
            bad.append(Problem("delays", "mu", f"must lie in (0, 1), got {self.mu!r}"))
        if bad:
            raise InputError(bad)


@dataclass(frozen=True)
class FreightEquilibriumOptions:
    """Settings of :func:`freight_equilibrium`.

    Parameters
    ----------
    method
        ``msa``, ``fw``, ``cfw`` or ``bfw`` (default).
    gap
        Target relative gap ``(TC - SPC) / TC`` of the generalised cost.
    max_iter
        Most all-or-nothing loadings.
    value_of_time
        USD per tonne-hour; prices running time, dwell and delay. Must be > 0 for delays to matter.
    carbon_price, risk_price
        As in :meth:`FreightLP.build`.
    unserved_penalty_usd_per_t
        Price of leaving a tonne unserved.
    delays
        :class:`FreightDelays`.
    time_limit_s
        Stop (not converged) after this many seconds.
    formulation
        Of the model built when none is given: ``"arcs"`` (flows per (block, arc): memory grows
        with blocks × arcs), ``"paths"`` (flows per route found: grows with the routes used) or
        ``"auto"`` (paths when the arc model would be large, as :meth:`FreightLP.build` decides).
        Both give the same equilibrium; the path form is made for large networks.

    Raises
    ------
    InputError
        An unknown method, a negative gap, or a price that is not a finite number within its limit
        in :data:`corridor.model.costs.PRICE_LIMITS` (``value_of_time`` and the penalty above 0).

    Examples
    --------
    >>> opts = FreightEquilibriumOptions(gap=1e-6, value_of_time=1.0)
    >>> opts.method, opts.delays.link_alpha, opts.delays.link_beta
    ('bfw', 0.15, 4.0)
    >>> try:
    ...     FreightEquilibriumOptions(method="nope")
    ... except InputError as e:
    ...     print(e)
    options: method: unknown freight equilibrium method 'nope'; expected one of msa, fw, cfw, bfw
    """

    method: str = "bfw"
    gap: float = 1e-4
    max_iter: int = 500
    value_of_time: float = DEFAULT_VALUE_OF_TIME
    carbon_price: float = 0.0
    risk_price: float = 0.0
    unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY
    delays: FreightDelays = field(default_factory=FreightDelays)
    time_limit_s: float | None = None
    formulation: str = "auto"

    def __post_init__(self) -> None:
        if self.formulation not in FORMULATIONS:
            raise InputError(Problem("options", "formulation", f"unknown formulation {self.formulation!r}; "
                                     f"expected one of {', '.join(FORMULATIONS)}"))
        if self.method not in METHODS:
            raise InputError(Problem("options", "method", f"unknown freight equilibrium method {self.method!r}; "
                                     f"expected one of {', '.join(METHODS)}"))
        if not (self.gap >= 0 and self.max_iter >= 1):
            raise InputError(Problem("options", "gap", "gap must be >= 0 and max_iter >= 1"))
        checks = [price_problem("value_of_time", self.value_of_time, positive=True),  # > 0 for delays to matter
                  price_problem("carbon_price", self.carbon_price), price_problem("risk_price", self.risk_price),
                  price_problem("unserved_penalty_usd_per_t", self.unserved_penalty_usd_per_t, positive=True)]
        problems = [p for p in checks if p is not None]
        if problems:
            raise InputError(problems)


@dataclass(frozen=True, eq=False)
class FreightEquilibriumResult:
    """Flows at (approximate) user equilibrium on a freight network.

    Attributes
    ----------
    method
        The algorithm.
    gap, iterations, converged
        Final relative gap, all-or-nothing loadings, whether the target was met.
    total_cost
        Generalised cost of all flows, USD/yr (tariffs + value of time × hours incl. delays + carbon
        + risk + unserved penalty).
    total_travel_time
        Tonne-hours per year (running time, dwell and delays).
    beckmann
        The objective value.
    flows
        The flow tables (served/unserved per OD, by corridor, link flows, transfer throughput,
        utilisation of every capacity) as an :class:`~corridor.assignment.LPResult`; its
        ``bottlenecks`` are the capacities loaded to or beyond 100 %.
    congestion
        Per capacity: ``kind, id, from, to, unit, capacity, flow, utilisation, free_time_h, delay_h``,
        largest delay first.
    options
        The options used (plain values).
    history
        ``(iteration, gap, total cost, step, seconds)`` per iteration.
    seconds
        Wall time.

    Examples
    --------
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> rail = {"mode": "rail-1520", "speed_kmh": 50.0}
    >>> links = [Link("direct", "mine", "port", distance_km=500.0, cost_usd_per_t=10.0, capacity_mtpa=1.0, **rail),
    ...          Link("mine-via", "mine", "via", distance_km=400.0, cost_usd_per_t=8.0, **rail),
    ...          Link("via-port", "via", "port", distance_km=300.0, cost_usd_per_t=7.0, **rail)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> demand = Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 3e6)])
    >>> from corridor.assignment import freight_equilibrium
    >>> res = freight_equilibrium(net, demand, FreightEquilibriumOptions(gap=1e-6, value_of_time=1.0))
    >>> res.method, res.converged, res.gap < 1e-6
    ('bfw', True, True)
    >>> round(res.served / 1e6, 2), res.unserved
    (3.0, 0.0)
    """

    method: str
    gap: float
    iterations: int
    converged: bool
    total_cost: float
    total_travel_time: float
    beckmann: float
    flows: LPResult = field(repr=False)
    congestion: tuple[dict[str, Any], ...] = field(repr=False)
    options: dict[str, Any] = field(repr=False)
    history: tuple[tuple[int, float, float, float, float], ...] = field(repr=False, default=())
    seconds: float = 0.0

    @property
    def served(self) -> float:
        """Tonnes per year carried."""
        return self.flows.served_t

    @property
    def unserved(self) -> float:
        """Tonnes per year left behind."""
        return self.flows.unserved_t

    def to_dict(self, *, history: bool = False) -> dict[str, Any]:
        """Plain values for :func:`json.dumps`."""
        f = self.flows.to_dict()
        out: dict[str, Any] = {
            "method": "equilibrium", "algorithm": self.method, "network": f.get("meta", {}).get("network"),
            "gap": float(self.gap), "iterations": int(self.iterations), "converged": bool(self.converged),
            "total_cost": float(self.total_cost), "total_travel_time": float(self.total_travel_time),
            "total_travel_time_unit": "t·h/yr", "beckmann": float(self.beckmann), "seconds": float(self.seconds),
        }
        for k in ("demand_t", "served", "unserved", "tonne_km", "co2e_kg", "by_commodity", "by_group", "by_corridor",
                  "by_od", "transfer_throughput", "measures"):
            out[k] = f[k]
        out["congestion"] = [dict(r) for r in self.congestion]
        out["options"] = dict(self.options)
        if history:
            out["history"] = [{"iteration": i, "gap": g, "total_cost": c, "step": None if math.isnan(s) else s,
                               "seconds": t} for i, g, c, s, t in self.history]
        return out

    def links_frame(self) -> Any:
        """Flows by link direction (see :meth:`LPResult.links_frame`)."""
        return self.flows.links_frame()
