"""The template arcs of the transfer-expanded graph and their prices, commodity by commodity.

Every node ``v`` and every mode ``m`` of the links at ``v`` give an *in* vertex ``(v, m, in)`` and
an *out* vertex ``(v, m, out)``. The template arcs are the links (``(u, m, out) → (v, m, in)``),
the *pass* arcs at nodes (``(v, m1, in) → (v, m2, out)``), the *source* arcs of origins (into
``(o, m, out)``) and the *sink* arcs of destinations (out of ``(d, m, in)``). They are shared by
every commodity; :func:`price_template` says which of them a commodity may use and what each
costs it per tonne. See :mod:`corridor.assignment.lp` for the model built on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.model.costs import (
    DEFAULT_COUNTRY_RISK,
    RouteOptions,
    arc_costs,
    link_money,
    transfer_vector,
    unit_of,
)

if TYPE_CHECKING:
    from corridor.model import Commodity, CompiledNetwork, DemandRow, Network

__all__ = [
    "LINK", "PASS", "SINK", "SOURCE", "TOL", "CommodityPricing", "TemplateArcs", "build_template",
    "price_keys", "price_template", "same_prices",
]

LINK, PASS, SOURCE, SINK = 0, 1, 2, 3
"""Kinds of template arcs."""
TOL = 1e-6
"""Relative tolerance for "binding" and "unserved"."""


@dataclass(frozen=True, eq=False)
class TemplateArcs:
    """The arcs of the transfer-expanded graph, before they are copied into commodity blocks.

    Link arcs come first, in the order of the compiled network's arcs; pass, source and sink arcs
    follow, node by node.

    Attributes
    ----------
    n_vertices
        Number of (node, mode, in/out) vertices; ``(v, m, in)`` and ``(v, m, out)`` are numbered
        in turn, node by node.
    kind
        :data:`LINK`, :data:`PASS`, :data:`SOURCE` or :data:`SINK` per arc.
    tail, head
        Vertex at each end; ``-1`` for the missing end of source (tail) and sink (head) arcs.
    arc
        Compiled network arc of each link arc, ``-1`` for the others.
    node
        Node index of each pass, source and sink arc, ``-1`` for link arcs.
    mode_in, mode_out
        Mode on each side (``None``: the cargo starts or ends there).
    transfer_arcs
        Per transfer of the network (in its order), the template arcs it applies to.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> graph = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).graph
    >>> template = graph.template
    >>> int(template.n_arcs), [int(k) for k in template.kind[:6]]  # link arcs first
    (11, [0, 0, 0, 0, 0, 0])
    """

    n_vertices: int
    kind: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    arc: np.ndarray
    node: np.ndarray
    mode_in: tuple[str | None, ...]
    mode_out: tuple[str | None, ...]
    transfer_arcs: tuple[np.ndarray, ...]

    @property
    def n_arcs(self) -> int:
        """Number of template arcs."""
        return len(self.kind)


@dataclass(frozen=True, eq=False)
class CommodityPricing:
    """What the template arcs cost one commodity, per tonne.

    Attributes
    ----------
    unit, tonnes_per_unit
        ``"TEU"`` and its tonnes, or ``"t"`` and 1 (see :func:`corridor.model.costs.unit_of`).
    admissible
        Whether the commodity may use each template arc.
    usd_per_t
        Generalised cost (money + value of time + carbon + risk) per tonne.
    money_usd_per_t
        Tariffs and transfer charges per tonne.
    co2e_kg_per_t
        Kilograms CO2e per tonne.
    hours
        Running time or dwell (the same per tonne and per unit).

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> graph = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).graph
    >>> pricing = graph.pricing["coal"]
    >>> pricing.unit, bool(pricing.admissible[:6].all())
    ('t', True)
    """

    unit: str
    tonnes_per_unit: float
    admissible: np.ndarray
    usd_per_t: np.ndarray
    money_usd_per_t: np.ndarray
    co2e_kg_per_t: np.ndarray
    hours: np.ndarray


class _ArcList:
    """The columns of :class:`TemplateArcs` while they are being listed."""

    def __init__(self) -> None:
        self.kind: list[int] = []
        self.tail: list[int] = []
        self.head: list[int] = []
        self.arc: list[int] = []
        self.node: list[int] = []
        self.mode_in: list[str | None] = []
        self.mode_out: list[str | None] = []

    def add(self, kind: int, tail: int, head: int, arc: int, node: int, mode_in: str | None,
            mode_out: str | None) -> None:
        self.kind.append(kind)
        self.tail.append(tail)
        self.head.append(head)
        self.arc.append(arc)
        self.node.append(node)
        self.mode_in.append(mode_in)
        self.mode_out.append(mode_out)


def _modes_at(network: Network, comp: CompiledNetwork) -> tuple[list[str], list[list[str]]]:
    """The mode of each compiled arc, and the modes at each node in order of first appearance."""
    link_modes = [network.links[i].mode for i in comp.arc_link]
    modes_at: list[list[str]] = [[] for _ in range(comp.n_nodes)]
    for a in range(comp.n_arcs):
        for v in (int(comp.tail[a]), int(comp.head[a])):
            if link_modes[a] not in modes_at[v]:
                modes_at[v].append(link_modes[a])
    return link_modes, modes_at


def _vertices(modes_at: list[list[str]]) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]:
    """Numbers of the in and out vertices of every (node, mode)."""
    vin: dict[tuple[int, str], int] = {}
    vout: dict[tuple[int, str], int] = {}
    for v, modes in enumerate(modes_at):
        for m in modes:
            vin[v, m] = len(vin) + len(vout)
            vout[v, m] = len(vin) + len(vout)
    return vin, vout


def _transfer_arcs(network: Network, comp: CompiledNetwork, arcs: _ArcList) -> tuple[np.ndarray, ...]:
    """Per transfer, the pass, source and sink arcs at its node that it applies to."""
    at_node: dict[int, list[int]] = {}
    for i in range(comp.n_arcs, len(arcs.kind)):  # pass, source and sink arcs follow the link arcs
        at_node.setdefault(arcs.node[i], []).append(i)
    out = []
    for t in network.transfers:
        here = at_node.get(comp.node_index.get(t.node, -1), [])
        sel = [i for i in here if t.applies(arcs.mode_in[i], arcs.mode_out[i])]
        out.append(np.asarray(sel, dtype=np.int64))
    return tuple(out)


def build_template(network: Network, comp: CompiledNetwork, rows: Iterable[DemandRow]) -> TemplateArcs:
    """The template arcs of ``network`` (compiled as ``comp``) for the origins and destinations of ``rows``.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> graph = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).graph
    >>> template = build_template(net, graph.compiled, list(graph.rows))
    >>> template.n_arcs, template.n_vertices  # 6 link arcs (both directions of 3 links), then the others
    (11, 6)
    """
    rows = list(rows)
    link_modes, modes_at = _modes_at(network, comp)
    vin, vout = _vertices(modes_at)
    origins = {network.node_index[r.origin] for r in rows}
    dests = {network.node_index[r.destination] for r in rows}
    arcs = _ArcList()
    for a in range(comp.n_arcs):
        u, v, m = int(comp.tail[a]), int(comp.head[a]), link_modes[a]
        arcs.add(LINK, vout[u, m], vin[v, m], a, -1, m, m)
    for v, modes in enumerate(modes_at):
        for m1 in modes:
            for m2 in modes:
                arcs.add(PASS, vin[v, m1], vout[v, m2], -1, v, m1, m2)
        if v in origins:
            for m in modes:
                arcs.add(SOURCE, -1, vout[v, m], -1, v, None, m)
        if v in dests:
            for m in modes:
                arcs.add(SINK, vin[v, m], -1, -1, v, m, None)
    return TemplateArcs(
        n_vertices=len(vin) + len(vout), kind=np.asarray(arcs.kind, dtype=np.int64),
        tail=np.asarray(arcs.tail, dtype=np.int64), head=np.asarray(arcs.head, dtype=np.int64),
        arc=np.asarray(arcs.arc, dtype=np.int64), node=np.asarray(arcs.node, dtype=np.int64),
        mode_in=tuple(arcs.mode_in), mode_out=tuple(arcs.mode_out),
        transfer_arcs=_transfer_arcs(network, comp, arcs))


def _blocked_by_mode(com: Commodity, mode_in: str | None, mode_out: str | None) -> bool:
    return (mode_in is not None and mode_in not in com.modes) or (mode_out is not None and mode_out not in com.modes)


def _price_node_arcs(network: Network, comp: CompiledNetwork, template: TemplateArcs, com: Commodity,
                     unit: str, tpu: float, adm: np.ndarray, vec: np.ndarray) -> None:
    """Admissibility and (cost, time, co2, risk) per unit of the pass, source and sink arcs (in place)."""
    transfers_at = network.transfers_at
    for i in np.flatnonzero(template.kind != LINK):
        mi, mo = template.mode_in[i], template.mode_out[i]
        if _blocked_by_mode(com, mi, mo):
            continue
        here = transfers_at.get(comp.node_ids[template.node[i]], ())
        if not here and mi == mo:  # nothing to pay or refuse here
            adm[i] = True
            continue
        tv = transfer_vector(here, mi, mo, com.id, unit, tpu)
        if tv is not None:
            adm[i] = True
            vec[i] = tv


def _node_part(network: Network, comp: CompiledNetwork, template: TemplateArcs,
               commodity: str) -> tuple[np.ndarray, np.ndarray]:
    """Admissibility and per-unit vectors of one commodity's template arcs, the link arcs' still empty."""
    com = network.commodity_index[commodity]
    unit, tpu = unit_of(network, commodity)
    n_t = template.n_arcs
    adm = np.zeros(n_t, dtype=bool)
    vec = np.zeros((n_t, 4))
    is_link = template.kind == LINK
    la = template.arc[is_link]
    link_ok = np.array([lk.mode in com.modes and (not lk.commodities or commodity in lk.commodities)
                        for lk in network.links], dtype=bool)  # as in arc_costs
    adm[is_link] = link_ok[comp.arc_link[la]]
    _price_node_arcs(network, comp, template, com, unit, tpu, adm, vec)
    return adm, vec


def _price_commodity(network: Network, template: TemplateArcs, options: RouteOptions,
                     link_vectors: np.ndarray, node_part: tuple[np.ndarray, np.ndarray]) -> CommodityPricing:
    """One commodity's prices, given the per-unit vectors of the links and :func:`_node_part`."""
    unit, tpu = unit_of(network, options.commodity)
    w = options.weights(tpu) / tpu  # per unit vector -> USD per tonne
    adm, vec = node_part[0], node_part[1].copy()
    is_link = template.kind == LINK
    vec[is_link] = link_vectors[template.arc[is_link]]
    return CommodityPricing(unit=unit, tonnes_per_unit=tpu, admissible=adm, usd_per_t=vec @ w,
                            money_usd_per_t=vec[:, 0] / tpu, co2e_kg_per_t=vec[:, 2] / tpu,
                            hours=vec[:, 1])  # hours do not depend on the load unit


def price_keys(network: Network, rows: Sequence[DemandRow]) -> list[str]:
    """The pricing key of each demand row: its commodity, and the countries of its ends where classes matter.

    A row's tariff class on a link depends on the countries of its origin and destination
    (:func:`corridor.model.tariffs.tariff_class`). Rows whose ends give the same classes in every
    country where the tariff table differs by class share one key: ``commodity`` alone when no
    class matters, else ``commodity@ORIGIN>DESTINATION`` of the first such row.

    Examples
    --------
    >>> from corridor import data
    >>> ds = data.load()
    >>> sorted(set(price_keys(ds.network, list(ds.demand.rows))))[:4]
    ['coal@KZ>RU', 'coal@KZ>UZ', 'container', 'general']
    """
    table = network.tariffs
    country = {nd.id: nd.country for nd in network.nodes}
    if not table or table.class_countries() == ():
        return [r.commodity for r in rows]
    everywhere = {lk.country for lk in network.links if lk.country}
    first: dict[tuple[str, tuple[str, ...]], str] = {}
    out = []
    for r in rows:
        o, d = country[r.origin], country[r.destination]
        sig = table.signature(o, d, everywhere, r.commodity)
        out.append(r.commodity if not sig else first.setdefault((r.commodity, sig), f"{r.commodity}@{o}>{d}"))
    return out


def _parse_key(key: str) -> tuple[str, tuple[str, str] | None]:
    """``(commodity, (origin country, destination country) or None)`` of a pricing key."""
    if "@" not in key:
        return key, None
    commodity, od = key.rsplit("@", 1)
    o, d = od.split(">", 1)
    return commodity, (o, d)


_NOT_PRICED = frozenset({"capacity_mtpa", "capacity_teu", "capacity_wagons", "note", "provenance"})
"""Fields of links and transfers that no price depends on."""


def _priced_fields(record: Any) -> tuple[Any, ...]:
    return tuple(getattr(record, f.name) for f in fields(record) if f.name not in _NOT_PRICED)


def same_prices(old: Network, new: Network) -> bool:
    """Whether every price of :func:`price_template` is the same on ``new`` as on ``old``.

    True when the networks differ at most in the capacities, notes and sources of links,
    transfers and facilities — what a sweep of capacities changes from sample to sample — so that
    a model can keep its prices instead of computing them again. Any other difference (fleets
    included: their sailings set the ferries' waiting times) gives False.

    Examples
    --------
    >>> import dataclasses
    >>> from corridor import data
    >>> net = data.load().network
    >>> same_prices(net, net.replace("dostyk-gauge-in", capacity_mtpa=1.0).replace("aktau-port", capacity_teu=0.0))
    True
    >>> same_prices(net, net.replace("dostyk-gauge-in", time_h=99.0))
    False
    >>> fleet = net.fleets[0]
    >>> same_prices(net, net.with_records(fleets=[dataclasses.replace(fleet, vessels=fleet.vessels + 1)]))
    False
    """
    if old is new:
        return True
    for name in ("nodes", "commodities", "fleets"):
        if getattr(old, name) != getattr(new, name):
            return False
    if old.tariffs is not new.tariffs and old.tariffs != new.tariffs:
        return False
    for a, b in ((old.links, new.links), (old.transfers, new.transfers), (old.facilities, new.facilities)):
        if len(a) != len(b) or any(x is not y and _priced_fields(x) != _priced_fields(y)
                                   for x, y in zip(a, b, strict=True)):
            return False
    return True


def price_template(network: Network, comp: CompiledNetwork, template: TemplateArcs, commodities: Iterable[str],
                   prices: Mapping[str, float], country_risk: Mapping[str, float] | None = None,
                   ) -> dict[str, CommodityPricing]:
    """Price the template arcs for each commodity in ``commodities`` (in the network's order).

    Parameters
    ----------
    network, comp
        The network and its compiled form.
    template
        The template arcs of ``network``.
    commodities
        Pricing keys (:func:`price_keys`: commodity ids, with the countries of the ends where tariff
        classes matter) to price.
    prices
        ``value_of_time``, ``carbon_price`` and ``risk_price`` (see :class:`~corridor.model.costs.RouteOptions`).
    country_risk
        Risk score per country (default: those of :class:`~corridor.model.costs.RouteOptions`).

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> graph = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).graph
    >>> pricing = price_template(net, graph.compiled, graph.template, ["coal"], graph.prices)
    >>> coal_prices = pricing["coal"]
    >>> coal_prices.unit, coal_prices.tonnes_per_unit, coal_prices.usd_per_t[:6].tolist()
    ('t', 1.0, [10.0, 8.0, 10.0, 7.0, 8.0, 7.0])
    """
    risk = dict(DEFAULT_COUNTRY_RISK if country_risk is None else country_risk)
    by_unit: dict[tuple[str, float], np.ndarray] = {}
    out: dict[str, CommodityPricing] = {}
    nodes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    order = {c.id: i for i, c in enumerate(network.commodities)}
    for key in sorted(set(commodities), key=lambda k: (order.get(_parse_key(k)[0], -1), k)):
        cid, od = _parse_key(key)
        ro = RouteOptions(commodity=cid, value_of_time=prices["value_of_time"],
                          carbon_price=prices["carbon_price"], risk_price=prices["risk_price"], country_risk=risk,
                          od_countries=od)
        # time, CO2e and risk per unit depend on the commodity only through its unit: price them once
        # per unit; money depends on the commodity and the tariff class (the countries of the ends)
        unit = unit_of(network, cid)
        if unit not in by_unit:
            by_unit[unit] = arc_costs(network, comp, ro).vectors
        vectors = by_unit[unit].copy()
        vectors[:, 0] = link_money(network, cid, od)[0][comp.arc_link]
        if cid not in nodes:  # transfers do not depend on the tariff class
            nodes[cid] = _node_part(network, comp, template, cid)
        out[key] = _price_commodity(network, template, ro, vectors, nodes[cid])
    return out
