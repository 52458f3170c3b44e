"""Checks that a network (and its demand) is complete, consistent and in the right units."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from corridor.exceptions import NetworkValidationError, Problem
from corridor.model.commodity import MODES
from corridor.model.facility import FACILITY_FIGURES
from corridor.model.fleet import FLEET_FIGURES
from corridor.model.network import CORRIDORS, NODE_KINDS, TRANSFER_KINDS
from corridor.model.passage import MODE_CHANGE_KINDS, Way, border_gaps, mode_change_gaps

if TYPE_CHECKING:
    from corridor.model.demand import Demand
    from corridor.model.network import Network

__all__ = ["NUMERIC_RANGES", "READ_WARNINGS", "note_read_warnings", "validate_network"]

#: Plausible range per numeric field: (low, high, unit hint). Values outside are errors; the
#: hint says which unit was probably used instead.
NUMERIC_RANGES: dict[str, tuple[float, float, str]] = {
    "lon": (-180.0, 180.0, "degrees east (WGS 84)"),
    "lat": (-90.0, 90.0, "degrees north (WGS 84)"),
    "distance_km": (0.0, 25_000.0, "km (not m or miles)"),
    "speed_kmh": (0.0, 300.0, "km/h (not km/day)"),
    "time_h": (0.0, 5_000.0, "hours (not minutes)"),
    "time_sd_h": (0.0, 5_000.0, "hours"),
    "cost_usd_per_t": (0.0, 10_000.0, "USD per tonne"),
    "cost_usd_per_teu": (0.0, 50_000.0, "USD per TEU"),
    "capacity_mtpa": (0.0, 2_000.0, "million tonnes per year (not tonnes)"),
    "capacity_teu": (0.0, 100_000_000.0, "TEU per year"),
    "capacity_wagons": (0.0, 100_000_000.0, "wagons per year"),
    "t_per_teu": (0.0, 40.0, "tonnes per TEU"),
    "t_per_wagon": (0.0, 200.0, "tonnes per wagon"),
    "tonnes": (0.0, 2_000_000_000.0, "tonnes per year"),
    "teu": (0.0, 100_000_000.0, "TEU per year"),
    "departures_per_year": (0.0, 100_000.0, "departures each way per year (not per week)"),
    "vessels": (0.0, 10_000.0, "vessels"),
    "railcars": (0.0, 1_000.0, "railcars per vessel and sailing"),
    "trucks": (0.0, 1_000.0, "trucks per vessel and sailing"),
    "round_trip_h": (0.0, 10_000.0, "hours per round trip (not days)"),
    "voyages_per_year": (0.0, 10_000.0, "round trips per vessel and year"),
    "share": (0.0, 1.0, "a share of the year between 0 and 1 (not a percentage)"),
}

_COUNTRY = re.compile(r"^[A-Z]{2}$")
FIGURES = {
    "node": ("lon", "lat"),
    "link": ("distance_km", "speed_kmh", "time_h", "cost_usd_per_t", "cost_usd_per_teu",
             "capacity_mtpa", "capacity_teu", "capacity_wagons", "departures_per_year"),
    "transfer": ("time_h", "time_sd_h", "cost_usd_per_t", "cost_usd_per_teu", "capacity_mtpa",
                 "capacity_teu", "capacity_wagons"),
    "commodity": ("t_per_teu", "t_per_wagon"),
    "demand": ("tonnes", "teu"),
    "facility": FACILITY_FIGURES,
    "fleet": FLEET_FIGURES,
}
PROVENANCE_KEY = {"lon": "coords", "lat": "coords"}


def _where(kind: str, record: Any) -> str:
    origin = getattr(record, "origin_ref" if kind == "demand" else "origin", None)
    return origin or f"{kind} {record.id}"


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, kind: str, record: Any, field: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(_where(kind, record), field, message, severity))


def _check_numbers(c: _Collector, kind: str, record: Any) -> None:
    for name in FIGURES[kind]:
        value = getattr(record, name)
        if value is None:
            continue
        if not isinstance(value, int | float) or isinstance(value, bool):
            c.add(kind, record, name, f"must be a number, got {value!r}")
            continue
        if math.isnan(value) or math.isinf(value):
            c.add(kind, record, name, f"must be a finite number, got {value}")
            continue
        low, high, unit = NUMERIC_RANGES[name]
        if value < low:
            c.add(kind, record, name, f"must not be negative, got {value:g}")
        elif value > high:
            c.add(kind, record, name, f"{value:g} is out of range (at most {high:g}); expected {unit}")
        elif value == 0 and name in ("speed_kmh", "t_per_teu", "t_per_wagon"):
            c.add(kind, record, name, "must be greater than zero")


def _check_provenance(c: _Collector, net: Network, kind: str, record: Any, require: bool) -> None:
    prov = record.provenance
    for name in FIGURES[kind]:
        if getattr(record, name) is None:
            continue
        key = PROVENANCE_KEY.get(name, name)
        if key not in prov:
            if require:
                c.add(kind, record, name, f"has no source ({key}_source / {key}_status)", "warning")
            continue
        for src in prov[key].keys:
            if src not in net.sources:
                c.add(kind, record, f"{key}_source", f"source key {src!r} is not in the sources table")


def _duplicates(c: _Collector, kind: str, records: Iterable[Any]) -> None:
    from corridor.model.validity import overlaps

    seen: dict[str, list[Any]] = {}
    for r in records:
        if not r.id:
            c.add(kind, r, "id", "is empty")
        elif any(not hasattr(r, "valid_from") or overlaps(r, o) for o in seen.get(r.id, [])):
            c.add(kind, r, "id", f"duplicate id {r.id!r}")
        seen.setdefault(r.id, []).append(r)


def _check_modes(c: _Collector, kind: str, record: Any, field: str, modes: Iterable[str]) -> None:
    for m in modes:
        if m not in MODES:
            c.add(kind, record, field, f"unknown mode {m!r}; expected one of {', '.join(MODES)}")


def _components(net: Network) -> list[set[str]]:
    parent = {n.id: n.id for n in net.nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for lk in net.links:
        if lk.a in parent and lk.b in parent:
            parent[find(lk.a)] = find(lk.b)
    groups: dict[str, set[str]] = {}
    for nid in parent:
        groups.setdefault(find(nid), set()).add(nid)
    return sorted(groups.values(), key=len, reverse=True)



def _check_nodes(c: _Collector, net: Network, require_sources: bool) -> None:
    for n in net.nodes:
        if n.kind not in NODE_KINDS:
            c.add("node", n, "kind", f"unknown kind {n.kind!r}; expected one of {', '.join(NODE_KINDS)}")
        if n.country and not _COUNTRY.match(n.country):
            c.add("node", n, "country", f"{n.country!r} is not an ISO 3166-1 alpha-2 code (e.g. KZ)")
        _check_numbers(c, "node", n)
        _check_provenance(c, net, "node", n, require_sources)


def _check_links(c: _Collector, net: Network, require_sources: bool) -> None:
    nodes, commodities = net.node_index, net.commodity_index
    for lk in net.links:
        for end in ("a", "b"):
            ref = getattr(lk, end)
            if ref not in nodes:
                c.add("link", lk, end, f"unknown node {ref!r}")
        if lk.a == lk.b:
            c.add("link", lk, "b", "a link must join two different nodes")
        _check_modes(c, "link", lk, "mode", [lk.mode])
        if lk.corridor not in CORRIDORS:
            c.add("link", lk, "corridor", f"unknown corridor {lk.corridor!r}; expected one of {', '.join(CORRIDORS)}")
        if lk.country and not _COUNTRY.match(lk.country):
            c.add("link", lk, "country", f"{lk.country!r} is not an ISO 3166-1 alpha-2 code")
        for com in sorted(lk.commodities - set(commodities)):
            c.add("link", lk, "commodities", f"unknown commodity {com!r}")
        if lk.speed_kmh is None and lk.time_h is None:
            c.add("link", lk, "speed_kmh", "needs speed_kmh or time_h")
        _check_numbers(c, "link", lk)
        _check_provenance(c, net, "link", lk, require_sources)


def _check_transfers(c: _Collector, net: Network, require_sources: bool) -> None:
    for t in net.transfers:
        if t.node not in net.node_index:
            c.add("transfer", t, "node", f"unknown node {t.node!r}")
        if t.kind not in TRANSFER_KINDS:
            c.add("transfer", t, "kind", f"unknown kind {t.kind!r}; expected one of {', '.join(TRANSFER_KINDS)}")
        _check_modes(c, "transfer", t, "from_modes", sorted(t.from_modes))
        _check_modes(c, "transfer", t, "to_modes", sorted(t.to_modes))
        for com in sorted(t.commodities - set(net.commodity_index)):
            c.add("transfer", t, "commodities", f"unknown commodity {com!r}")
        _check_numbers(c, "transfer", t)
        _check_provenance(c, net, "transfer", t, require_sources)


def _check_commodities(c: _Collector, net: Network, require_sources: bool) -> None:
    wagon_modes = {r.mode for r in net.links if r.capacity_wagons is not None}
    if any(t.capacity_wagons is not None for t in net.transfers):
        wagon_modes |= {m for t in net.transfers for m in (*t.from_modes, *t.to_modes)} or set(MODES)
    for com in net.commodities:
        if com.unit not in ("t", "TEU"):
            c.add("commodity", com, "unit", f"unknown unit {com.unit!r}; expected t or TEU")
        if wagon_modes & set(com.modes) and com.t_per_wagon is None:
            c.add("commodity", com, "t_per_wagon", "is empty, so this cargo does not count against the wagon "
                  "capacities (capacity_wagons) of the network", "warning")
        _check_modes(c, "commodity", com, "modes", sorted(com.modes))
        _check_numbers(c, "commodity", com)
        _check_provenance(c, net, "commodity", com, require_sources)


def check_supply(c: _Collector, net: Network, require_sources: bool) -> None:
    """Facilities, fleet groups and the memberships that point at them.

    See :mod:`corridor.model.validate_supply`.
    """
    from corridor.model.validate_supply import check_facilities, check_fleets

    _duplicates(c, "facility", net.facilities)
    _duplicates(c, "fleet", net.fleets)
    for kind, records in (("facility", net.facilities), ("fleet", net.fleets)):
        for r in records:
            _check_numbers(c, kind, r)
            _check_provenance(c, net, kind, r, require_sources)
    check_facilities(c.add, net)
    check_fleets(c.add, net)


def _check_connected(c: _Collector, net: Network) -> None:
    for part in _components(net)[1:]:
        first = next(n for n in net.nodes if n.id in part)
        names = ", ".join(sorted(part)[:5]) + (" ..." if len(part) > 5 else "")
        c.add("node", first, "", f"not connected to the rest of the network ({len(part)} node(s): {names})")


def _check_borders(c: _Collector, net: Network, demand: Demand | None) -> None:
    ends = {n for r in demand.rows for n in (r.origin, r.destination)} if demand is not None else set()
    gaps: dict[str, list[Way]] = {}
    for way in border_gaps(net, ends):
        gaps.setdefault(way.node, []).append(way)
    for node_id, ways in gaps.items():
        node = net.nodes[net.node_index[node_id]]
        listed = "; ".join(w.describe() for w in ways[:3]) + (f"; and {len(ways) - 3} more" if len(ways) > 3 else "")
        c.add("node", node, "country", f"a route can cross a national border here without a border-clearance "
              f"transfer that applies to its way through: {listed}. Add a border-clearance transfer at node "
              f"{node_id!r} for these modes (empty from_modes and to_modes apply to every way), or split the "
              f"cross-border link at a border node")


def _check_mode_changes(c: _Collector, net: Network) -> None:
    """Warn once if modes meet at nodes but no transfer anywhere lets cargo change mode."""
    if any(t.kind in MODE_CHANGE_KINDS for t in net.transfers):
        return
    nodes: dict[str, Any] = {}
    for node, _a, _b in mode_change_gaps(net):
        nodes.setdefault(node.id, node)
    if not nodes:
        return
    first = next(iter(nodes.values()))
    names = ", ".join(list(nodes)[:5]) + (f" and {len(nodes) - 5} more" if len(nodes) > 5 else "")
    c.add("node", first, "", f"links of different modes meet at {len(nodes)} node(s) ({names}) but the network has "
          f"no transfer ({', '.join(sorted(MODE_CHANGE_KINDS))}), so no route can change mode (or gauge) "
          "anywhere; add transfers with from_modes/to_modes where cargo should change", "warning")


def _check_demand(c: _Collector, net: Network, demand: Demand, require_sources: bool) -> None:
    _duplicates(c, "demand", demand.rows)
    for r in demand.rows:
        for end in ("origin", "destination"):
            ref = getattr(r, end)
            if ref not in net.node_index:
                c.add("demand", r, end, f"unknown node {ref!r}")
        if r.origin == r.destination:
            c.add("demand", r, "destination", "origin and destination are the same node")
        if net.commodity_index and r.commodity not in net.commodity_index:
            c.add("demand", r, "commodity", f"unknown commodity {r.commodity!r}")
        _check_numbers(c, "demand", r)
        _check_provenance(c, net, "demand", r, require_sources)


def validate_network(
    net: Network,
    demand: Demand | None = None,
    *,
    strict: bool = True,
    require_sources: bool = True,
) -> list[Problem]:
    """Check a network, and optionally its demand, for errors a user must fix.

    Checks: duplicate and empty ids; references to nodes and commodities that do not exist;
    unknown modes, kinds and corridor tags; country codes; numbers that are NaN, negative or out
    of range for their unit (a capacity of 5,000,000 "Mt/yr" was almost surely given in tonnes);
    links without speed or time; facilities and fleets (see :func:`check_supply`); parts of the
    network not connected to the rest; a way through a node that crosses a national border without
    a border-clearance transfer (an error, see :mod:`corridor.model.passage`); a network whose modes
    meet at nodes but which has no transfer that lets cargo change mode (a warning: no route can
    change mode anywhere); figures without a source, and source keys missing from the sources
    table. Warnings that the reader of the network's file left in its ``meta`` (see
    :func:`note_read_warnings`) are reported too.

    Parameters
    ----------
    net
        The network.
    demand
        Demand to check against the network, if any.
    strict
        Raise :exc:`~corridor.exceptions.NetworkValidationError` when an error is found.
    require_sources
        Report figures that carry no source and status (as warnings).

    Returns
    -------
    list of Problem
        Every problem found, errors and warnings, in record order.

    Raises
    ------
    NetworkValidationError
        If ``strict`` and at least one problem is an error.

    Examples
    --------
    The built-in data passes (no errors, no warnings); a tiny network with a link to a node that
    does not exist, and no speed, does not (``strict=True`` would raise the errors instead):

    >>> from corridor import data
    >>> from corridor.model import Link, Network, Node
    >>> validate_network(data.load().network, strict=False)
    []
    >>> net = Network("tiny", nodes=(Node("a", "A", "KZ", "city", 70.0, 45.0),),
    ...               links=(Link("ab", "a", "b", "road", distance_km=80.0),))
    >>> for p in validate_network(net, strict=False, require_sources=False):
    ...     print(p)
    link ab: b: unknown node 'b'
    link ab: speed_kmh: needs speed_kmh or time_h
    """
    c = _Collector()
    _duplicates(c, "node", net.nodes)
    _duplicates(c, "link", net.links)
    _duplicates(c, "transfer", net.transfers)
    _duplicates(c, "commodity", net.commodities)
    _check_nodes(c, net, require_sources)
    _check_links(c, net, require_sources)
    _check_transfers(c, net, require_sources)
    _check_commodities(c, net, require_sources)
    check_supply(c, net, require_sources)
    _check_connected(c, net)
    _check_borders(c, net, demand)
    _check_mode_changes(c, net)
    _check_read_warnings(c, net)
    if demand is not None:
        _check_demand(c, net, demand, require_sources)
    problems = c.problems
    if strict and any(p.severity == "error" for p in problems):
        raise NetworkValidationError([p for p in problems if p.severity == "error"])
    return problems


# --- warnings left by a reader ---------------------------------------------------------------------

READ_WARNINGS = "read_warnings"
"""Key of ``Network.meta`` under which a reader leaves warnings about the file it read."""


def note_read_warnings(meta: dict[str, str], warnings: Sequence[Problem]) -> dict[str, str]:
    """``meta`` with ``warnings`` recorded for :func:`validate_network` to report.

    A reader that accepts a file but has something to say about it (a GeoJSON node whose Point was
    moved away from its ``lon``/``lat``) records it here, since the network keeps no other trace
    of the file. Any warnings recorded before are replaced; none leaves ``meta`` without the key.

    Examples
    --------
    >>> from corridor.exceptions import Problem
    >>> meta = note_read_warnings({"title": "t"}, [Problem("nodes.geojson:3", "geometry", "Point moved")])
    >>> sorted(meta)
    ['read_warnings', 'title']
    >>> note_read_warnings(meta, []) == {"title": "t"}
    True
    """
    out = {k: v for k, v in meta.items() if k != READ_WARNINGS}
    if warnings:
        out[READ_WARNINGS] = json.dumps([[w.where, w.field, w.message] for w in warnings], ensure_ascii=False)
    return out


def _check_read_warnings(c: _Collector, net: Network) -> None:
    try:
        notes = json.loads(net.meta.get(READ_WARNINGS) or "[]")
    except ValueError:
        notes = []
    for note in notes if isinstance(notes, list) else []:
        if isinstance(note, list) and len(note) == 3 and all(isinstance(x, str) for x in note):
            c.problems.append(Problem(note[0], note[1], note[2], "warning"))
