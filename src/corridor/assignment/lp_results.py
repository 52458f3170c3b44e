"""Results of the system-view assignment (:mod:`corridor.assignment.lp`).

Every number is a plain Python ``float`` (or ``None``), so :meth:`LPResult.to_dict` goes straight
into :func:`json.dumps`. Units: tonnes per year (t/yr), TEU per year, USD per year, kilograms CO2e
per year, tonne-kilometres per year.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LPResult"]


@dataclass(frozen=True)
class LPResult:
    """What the min-cost multicommodity flow found.

    Attributes
    ----------
    method
        ``"lp"``.
    status
        HiGHS model status in lower case (``"optimal"``).
    objective
        Objective value in USD/yr: generalised cost of the served flow plus the penalty on unserved
        tonnes.
    total_cost
        Generalised cost of the served flow in USD/yr (money, plus value of time and carbon price
        when those weights are set); excludes the unserved penalty.
    money_usd
        Money alone (tariffs and transfer charges) of the served flow, USD/yr.
    unserved_penalty_usd
        Penalty paid on unserved tonnes, USD/yr.
    demand_t, served_t, unserved_t
        Tonnes per year.
    tonne_km, co2e_kg
        Totals over all link flows.
    by_commodity
        ``{commodity: {"demand_t", "served_t", "unserved_t"}}``.
    by_group
        The same by demand group.
    by_od
        One record per demand row: ``id, origin, destination, commodity, group, demand_t, served_t,
        unserved_t, reason`` (rows with the same commodity, origin and destination share their
        unserved tonnes in proportion to demand) where ``reason`` is ``""`` (all served), ``"capacity"`` (a route exists
        but capacities cut it off) or ``"no route"`` (no admissible route at all).
    by_corridor
        Link figures by corridor *tag* (the ``corridor`` of each link), not by route:
        ``{corridor: {"tonnes", "teu", "tonne_km", "co2e_kg"}}``. ``tonne_km`` and ``co2e_kg`` sum
        the links with the tag. ``tonnes`` are *link entries* and may exceed the tonnes served: they
        count the flow *entering* the corridor: at every node, the flow leaving it on the
        corridor's links less the flow arriving on them, where positive, summed over nodes (per
        commodity and origin, so flows of different origins do not cancel). A shipment that stays
        on the corridor counts once; one that leaves and comes back counts twice. ``teu`` is the
        container part of ``tonnes`` over tonnes per TEU.
    measures
        What the routes of the served tonnes physically do (:func:`corridor.assignment.measures.physical_measures`):
        ``served_t``, ``russia_t``, ``titr_t``, ``titr_teu``, ``caspian_oil_t``, ``kz_transit_teu``,
        ``by_corridor`` (each route assigned to one corridor; rows add up to ``served_t``),
        ``by_border`` ... Use these, not ``by_corridor``, for "how much goes where".
    link_flows
        Records ``link, from, to, mode, corridor, commodity, tonnes`` for every non-zero flow per
        link direction and commodity.
    transfer_throughput
        ``{transfer id: tonnes/yr}`` through each transfer (every transfer of the network).
    capacities
        One record per capacity row: ``kind`` (``link`` or ``transfer``), ``id``, ``from``, ``to``
        (link direction; empty for transfers), ``unit`` (``t/yr`` or ``TEU/yr``), ``capacity``
        (``None`` if unlimited), ``flow`` (in the unit), ``utilisation`` (``None`` if capacity is 0
        or unlimited), ``usd_per_unit`` (USD/yr saved per one more unit of capacity).
    bottlenecks
        Binding capacity rows, each with ``usd_per_unit``, ``usd_per_t_yr`` (per tonne/yr of
        capacity; for TEU rows per tonne of container capacity; for wagon rows per tonne of the
        cargo with the fewest tonnes per wagon that uses the row), ``usd_per_mt_yr`` and
        ``usd_per_teu_yr`` (TEU rows only), sorted by ``usd_per_t_yr`` descending.
    meta
        Solver figures and the options of the run.

    Examples
    --------
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> demand = Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])
    >>> from corridor.assignment import solve_lp
    >>> res = solve_lp(net, demand)
    >>> res.method, res.served_t, res.link_flow("mine-via")
    ('lp', 1500000.0, 500000.0)
    >>> res.links_frame()[["link", "tonnes"]].values.tolist()
    [['direct', 1000000.0], ['mine-via', 500000.0], ['via-port', 500000.0]]
    >>> d = res.to_dict()
    >>> d["status"], d["demand_t"], d["served_t"]
    ('optimal', 1500000.0, 1500000.0)
    """

    method: str
    status: str
    objective: float
    total_cost: float
    money_usd: float
    unserved_penalty_usd: float
    demand_t: float
    served_t: float
    unserved_t: float
    tonne_km: float
    co2e_kg: float
    by_commodity: dict[str, dict[str, float]] = field(default_factory=dict)
    by_group: dict[str, dict[str, float]] = field(default_factory=dict)
    by_od: tuple[dict[str, Any], ...] = ()
    by_corridor: dict[str, dict[str, float]] = field(default_factory=dict)
    link_flows: tuple[dict[str, Any], ...] = ()
    measures: dict[str, Any] = field(default_factory=dict)
    transfer_throughput: dict[str, float] = field(default_factory=dict)
    capacities: tuple[dict[str, Any], ...] = ()
    bottlenecks: tuple[dict[str, Any], ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts, lists, strings and floats, ready for :func:`json.dumps`."""
        out = dataclasses.asdict(self)
        for key, value in out.items():
            if isinstance(value, tuple):
                out[key] = list(value)
        # Short names of the command-line contract: tonnes per year served and left unserved.
        out["served"] = out["served_t"]
        out["unserved"] = out["unserved_t"]
        return out

    def link_flow(self, link_id: str, *, direction: tuple[str, str] | None = None,
                  commodity: str | None = None) -> float:
        """Tonnes per year on a link, optionally in one direction ``(from, to)`` and of one commodity."""
        return float(sum(
            r["tonnes"] for r in self.link_flows
            if r["link"] == link_id
            and (direction is None or (r["from"], r["to"]) == tuple(direction))
            and (commodity is None or r["commodity"] == commodity)
        ))

    def links_frame(self) -> pd.DataFrame:
        """Flows by link direction: one row per link direction with flow, a column per commodity."""
        import pandas as pd

        cols = ["link", "from", "to", "mode", "corridor"]
        frame = pd.DataFrame(list(self.link_flows), columns=[*cols, "commodity", "tonnes"])
        if frame.empty:
            return pd.DataFrame(columns=[*cols, "tonnes"])
        wide = frame.pivot_table(index=cols, columns="commodity", values="tonnes", aggfunc="sum", fill_value=0.0)
        wide.columns = [f"t_{c}" for c in wide.columns]
        wide.insert(0, "tonnes", wide.sum(axis=1))
        return wide.reset_index().sort_values("tonnes", ascending=False, ignore_index=True)

    def od_frame(self) -> pd.DataFrame:
        """Served and unserved tonnes per demand row."""
        import pandas as pd

        return pd.DataFrame(list(self.by_od), columns=["id", "origin", "destination", "commodity", "group",
                                                       "demand_t", "served_t", "unserved_t", "reason"])

    def bottlenecks_frame(self) -> pd.DataFrame:
        """Binding capacities, most valuable first."""
        import pandas as pd

        return pd.DataFrame(list(self.bottlenecks), columns=[
            "kind", "id", "from", "to", "unit", "capacity", "flow", "utilisation", "usd_per_unit",
            "usd_per_t_yr", "usd_per_mt_yr", "usd_per_teu_yr"])
