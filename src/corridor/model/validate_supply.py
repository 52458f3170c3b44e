"""Checks of facilities, fleet groups and the links and transfers that point at them.

Part of :func:`corridor.model.validate_network`; each check reports through ``add(kind, record,
field, message)``, so problems name the record's file and line (``facilities.csv:3``) and field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corridor.model.facility import Facility
    from corridor.model.network import Network

__all__ = ["check_facilities", "check_fleets"]

Add = Callable[[str, Any, str, str], None]


def check_facilities(add: Add, net: Network) -> None:
    """Facility nodes exist; members name known facilities and stand at (links: touch) their node.

    Examples
    --------
    ``add`` receives every problem found (the built-in data has none):

    >>> from corridor import data
    >>> found = []
    >>> check_facilities(lambda *problem: found.append(problem), data.load().network)
    >>> found
    []
    """
    for f in net.facilities:
        if f.node not in net.node_index:
            add("facility", f, "node", f"unknown node {f.node!r}")
        if f.capacity_mtpa is None and f.capacity_teu is None and f.capacity_wagons is None:
            add("facility", f, "capacity_mtpa", "gives no capacity (capacity_mtpa, capacity_teu or capacity_wagons)")
    by_id = {f.id: f for f in net.facilities}
    for lk in net.links:
        for fid in sorted(lk.facility):
            message = _membership(by_id.get(fid), fid, (lk.a, lk.b), "this link does not touch")
            if message:
                add("link", lk, "facility", message)
    for t in net.transfers:
        for fid in sorted(t.facility):
            message = _membership(by_id.get(fid), fid, (t.node,), f"not at {t.node!r}", transfer=True)
            if message:
                add("transfer", t, "facility", message)


def _membership(f: Facility | None, fid: str, nodes: tuple[str, ...], where: str, *, transfer: bool = False) -> str:
    """Why a record at ``nodes`` cannot be a member of facility ``fid`` (``""``: it can)."""
    if f is None:
        return f"unknown facility {fid!r}"
    if f.node not in nodes:
        return f"facility {fid!r} stands at {f.node!r}, {where}"
    if transfer and f.per_direction:
        return f"facility {fid!r} is per direction; a transfer has no direction"
    return ""


def check_fleets(add: Add, net: Network) -> None:
    """Fleet groups sail known lines, and say how often (round trip or voyages).

    Examples
    --------
    >>> from corridor import data
    >>> found = []
    >>> check_fleets(lambda *problem: found.append(problem), data.load().network)
    >>> found
    []
    """
    for g in net.fleets:
        if not g.fleet:
            add("fleet", g, "fleet", "is empty")
        if not g.lines:
            add("fleet", g, "lines", "names no line")
        for line in sorted(g.lines - set(net.link_index)):
            add("fleet", g, "lines", f"unknown link {line!r}")
        if g.round_trip_h is None and g.voyages_per_year is None:
            add("fleet", g, "round_trip_h", "needs round_trip_h or voyages_per_year")
        elif g.voyages_per_year is None and g.round_trip_h is not None and g.round_trip_h <= 0:
            add("fleet", g, "round_trip_h", "must be greater than zero")
        if g.railcars is None and g.teu is None and g.trucks is None:
            add("fleet", g, "railcars", "gives no load per vessel (railcars, teu or trucks)")
