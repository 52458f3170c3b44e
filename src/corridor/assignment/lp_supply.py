"""Capacity rows of the freight LP for facilities and fleets: one limit shared by several records.

A facility (:mod:`corridor.model.facility`) gives one row per unit over the flow of all its
members: the pass arcs of its member transfers and both directions of its member links (or, per
direction, the link arcs arriving at its node and those leaving it). A tonne that passes two members
of one facility in one passage (two transfers that apply to the same pass) counts once.

A fleet (:mod:`corridor.model.fleet`) gives one row per direction and unit over the lines it
sails: ``a`` to ``b`` of every line (forward) and back. Railcars make a wagons/yr row, TEU a TEU/yr
row, as :func:`~corridor.model.fleet.fleet_capacities` gives them.

Keys (:data:`~corridor.assignment.lp_matrix.CapKey`): ``("facility", id, from, to, unit)`` with
``from`` the node for flow leaving it and ``to`` the node for flow arriving (both empty for a
two-way facility); ``("fleet", id, from, to, unit)`` with ``from`` and ``to`` the line ends on
each side joined by ``+`` (``aktau+kuryk`` to ``baku-alat``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from corridor.assignment.lp_graph import LINK
from corridor.model.fleet import fleet_capacities

if TYPE_CHECKING:
    from corridor.assignment.lp_matrix import CapKey, ExpandedGraph
    from corridor.model import Network

__all__ = ["FACILITY_DIRECTIONS", "facility_capacity", "fleet_capacity", "fleet_directions", "free_time_h",
           "supply_specs", "supply_structure", "supply_updates"]

FACILITY_DIRECTIONS = ("", "out", "in")
"""Directions of a facility row: both (``""``), leaving its node, arriving at it."""


def _unit_coefs(graph: ExpandedGraph, cols: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray]:
    from corridor.assignment.lp_matrix import _unit_coefs

    return _unit_coefs(np.unique(cols), unit, graph.teu_per_t, graph.wagons_per_t)


def _link_arcs(graph: ExpandedGraph, link_ids: set[str], node: str, direction: str) -> np.ndarray:
    """Template link arcs of the links in ``link_ids``: all, or those leaving / arriving at ``node``."""
    comp, t = graph.compiled, graph.template
    li = np.asarray([i for i, lk in enumerate(graph.network.links) if lk.id in link_ids], dtype=np.int64)
    is_link = t.kind == LINK
    arcs = np.where(is_link, t.arc, 0)
    mask = is_link & np.isin(comp.arc_link[arcs], li)
    if direction:
        end = comp.tail if direction == "out" else comp.head
        mask &= end[arcs] == comp.node_index.get(node, -1)
    return np.flatnonzero(mask)


def facility_capacity(graph: ExpandedGraph, facility_id: str, direction: str, unit: str
                      ) -> tuple[CapKey, np.ndarray, np.ndarray]:
    """Key, columns and units per tonne of a facility's row in ``unit``.

    ``direction`` is one of :data:`FACILITY_DIRECTIONS`.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.assignment import FreightLP
    >>> ds = data.load()
    >>> graph = FreightLP.build(ds.network, ds.demand).graph
    >>> key, cols, per_t = facility_capacity(graph, "aktau-port", FACILITY_DIRECTIONS[0], "t/yr")
    >>> key, len(cols) == len(per_t) > 0
    (('facility', 'aktau-port', '', '', 't/yr'), True)
    """
    net = graph.network
    f = next(f for f in net.facilities if f.id == facility_id)
    members = {lk.id for lk in net.links if facility_id in lk.facility}
    parts = [graph.columns_of(_link_arcs(graph, members, f.node, direction))]
    if not direction:
        parts += [graph.columns_of(graph.template.transfer_arcs[ti])
                  for ti, tr in enumerate(net.transfers) if facility_id in tr.facility]
    cols, coefs = _unit_coefs(graph, np.concatenate(parts), unit)
    key = ("facility", f.id, f.node if direction == "out" else "", f.node if direction == "in" else "", unit)
    return key, cols, coefs


def fleet_directions(graph: ExpandedGraph, fleet_id: str) -> list[tuple[bool, str, str]]:
    """``(reverse, from, to)`` of each direction a fleet's lines run (one if all are one-way).

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.assignment import FreightLP
    >>> ds = data.load()
    >>> graph = FreightLP.build(ds.network, ds.demand).graph
    >>> fleet_directions(graph, "asco-kz-ferries")  # one row for both directions
    [(False, '', '')]
    """
    ids = set().union(*(g.lines for g in graph.network.fleets if g.fleet == fleet_id))
    lines = [lk for lk in graph.network.links if lk.id in ids]
    side_a = "+".join(sorted({lk.a for lk in lines}))
    side_b = "+".join(sorted({lk.b for lk in lines}))
    out = [(False, side_a, side_b)]
    if not all(lk.oneway for lk in lines):
        out.append((True, side_b, side_a))
    return out


def fleet_capacity(graph: ExpandedGraph, fleet_id: str, reverse: bool, unit: str
                   ) -> tuple[CapKey, np.ndarray, np.ndarray]:
    """Key, columns and units per tonne of one direction of a fleet's row in ``unit``.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.assignment import FreightLP
    >>> ds = data.load()
    >>> graph = FreightLP.build(ds.network, ds.demand).graph
    >>> key, cols, per_t = fleet_capacity(graph, "asco-kz-ferries", False, "t/yr")
    >>> key
    ('fleet', 'asco-kz-ferries', '', '', 't/yr')
    """
    net = graph.network
    lines = set().union(*(g.lines for g in net.fleets if g.fleet == fleet_id))
    parts = [graph.link_template_arcs(i, reverse) for i, lk in enumerate(net.links)
             if lk.id in lines and not (reverse and lk.oneway)]
    arcs = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    _, a, b = next(d for d in fleet_directions(graph, fleet_id) if d[0] == reverse)
    cols, coefs = _unit_coefs(graph, graph.columns_of(arcs), unit)
    return ("fleet", fleet_id, a, b, unit), cols, coefs


def supply_specs(graph: ExpandedGraph) -> Iterator[tuple[CapKey, np.ndarray, np.ndarray, float]]:
    """Every facility and fleet capacity: key, columns, units per tonne and capacity in the unit.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.assignment import FreightLP
    >>> ds = data.load()
    >>> graph = FreightLP.build(ds.network, ds.demand).graph
    >>> specs = list(supply_specs(graph))
    >>> specs[0][0]
    ('facility', 'aktau-port', '', '', 't/yr')
    >>> sorted({key[0] for key, *_ in specs})
    ['facility', 'fleet']
    """
    from corridor.assignment.lp_matrix import capacity_units

    for f in graph.network.facilities:
        for direction in (("out", "in") if f.per_direction else ("",)):
            for unit, cap in capacity_units(f.capacity_mtpa, f.capacity_teu, f.capacity_wagons):
                yield (*facility_capacity(graph, f.id, direction, unit), cap)
    for fid, fc in fleet_capacities(graph.network.fleets).items():
        for reverse, _a, _b in fleet_directions(graph, fid):
            for unit, cap in capacity_units(None, fc.teu, fc.wagons):
                yield (*fleet_capacity(graph, fid, reverse, unit), cap)


def free_time_h(network: Network, kind: str, record_id: str) -> float:
    """Hours a facility or fleet row adds at no load, which its delay curve scales as it fills.

    A fleet: the mean wait for a departure over its lines. A facility: the longest dwell of its
    member transfers (0 if it has none), the time its congestion lengthens.

    Examples
    --------
    >>> from corridor import data
    >>> round(free_time_h(data.load().network, "facility", "aktau-port"), 2)  # the longest dwell of its transfers
    92.15
    """
    if kind == "fleet":
        lines = set().union(*(g.lines for g in network.fleets if g.fleet == record_id))
        waits = [network.line_waits_h.get(line, 0.0) for line in sorted(lines)]
        return float(np.mean(waits)) if waits else 0.0
    return max((float(t.time_h or 0.0) for t in network.transfers if record_id in t.facility), default=0.0)


def supply_structure(network: Network) -> tuple[object, ...]:
    """What a built model's facility and fleet rows depend on besides their figures.

    Two networks with the same structure differ only in capacities (and so in bounds of existing
    rows, or rows added or lifted), which :meth:`FreightLP.update_network` changes in place.

    Examples
    --------
    >>> from corridor import data
    >>> net = data.load().network
    >>> supply_structure(net) == supply_structure(net.replace("aktau-port", capacity_mtpa=5.0))  # capacities only
    True
    """
    return (tuple((f.id, f.node, f.per_direction) for f in network.facilities),
            tuple((g.id, g.fleet, g.lines) for g in network.fleets),
            tuple(lk.facility for lk in network.links), tuple(t.facility for t in network.transfers))


def supply_updates(graph: ExpandedGraph, current: Mapping[CapKey, float]
                   ) -> Iterator[tuple[CapKey, float, Callable[[], tuple[CapKey, np.ndarray, np.ndarray]]]]:
    """Facility and fleet rows whose capacity in ``graph.network`` differs from ``current`` (by key).

    Yields the key, the new capacity (``inf``: no longer limited) and how to build the row if the
    model lacks it.

    Examples
    --------
    Nothing differs from the capacities the graph itself gives:

    >>> from corridor import data
    >>> from corridor.assignment import FreightLP
    >>> ds = data.load()
    >>> graph = FreightLP.build(ds.network, ds.demand).graph
    >>> current = {key: cap for key, _, _, cap in supply_specs(graph)}
    >>> list(supply_updates(graph, current))
    []

    A model that holds another capacity for the Aktau port, and a row for a fleet the network no
    longer has (which becomes unlimited):

    >>> port = ("facility", "aktau-port", "", "", "t/yr")
    >>> current[port] = 1.0
    >>> current[("fleet", "gone", "a", "b", "TEU/yr")] = 5.0
    >>> [(key, cap) for key, cap, _ in supply_updates(graph, current)]
    [(('facility', 'aktau-port', '', '', 't/yr'), 11000000.0), (('fleet', 'gone', 'a', 'b', 'TEU/yr'), inf)]
    >>> key, cap, build = next(supply_updates(graph, current))
    >>> key, cols, coefs = build()  # the row: its columns (arcs) and tonnes counted per tonne of flow
    >>> len(cols), coefs[:3].tolist()
    (70, [1.0, 1.0, 1.0])
    """
    seen: set[CapKey] = set()
    for key, cols, coefs, cap in supply_specs(graph):
        seen.add(key)
        if current.get(key, math.inf) != cap:
            yield key, cap, partial(_spec, key, cols, coefs)
    for key, cap in current.items():
        if key[0] in ("facility", "fleet") and key not in seen and math.isfinite(cap):
            yield key, math.inf, partial(_spec, key, np.zeros(0, np.int64), np.zeros(0))


def _spec(key: CapKey, cols: np.ndarray, coefs: np.ndarray) -> tuple[CapKey, np.ndarray, np.ndarray]:
    return key, cols, coefs
