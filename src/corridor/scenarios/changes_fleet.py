"""Scenario changes to fleets, line departures and facilities (registered in :mod:`corridor.scenarios.changes`).

``change_fleet``
    ``ids``: fleet ids or vessel group ids (a fleet id reaches all its groups). ``add_vessels``
    adds (or, negative, removes) vessels to each group; ``vessels`` sets the number;
    ``round_trip_h`` sets the round trip (and drops ``voyages_per_year``, which would override it);
    ``share`` sets the operating share; ``share_factor`` multiplies it. Capacity and departures
    follow (:mod:`corridor.model.fleet`).
``set_departures``
    ``line``: link id(s); ``per_year``: departures each way a year, which sets the wait for a
    departure on those lines whatever their fleets sail.

Facilities are reached by ``scale_capacity`` and ``set_capacity`` through the ``id``, ``node`` and
``country`` selectors (or ``records: facilities``); :func:`facility_matches` says which.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from corridor.model import FleetGroup, Network
from corridor.validation import unknown

if TYPE_CHECKING:
    from corridor.scenarios.spec import Change

__all__ = ["FLEET_CHANGES", "facility_ids", "facility_matches"]


class _Context(Protocol):
    """What these changes need of the change context of :mod:`corridor.scenarios.changes`."""

    net: Network
    log: list[str]

    def value(self, v: Any) -> Any: ...

    def bad(self, ch: Change, field_: str, message: str) -> None: ...


def facility_ids(net: Network) -> list[str]:
    """Ids of the facilities, which selectors' ``id`` may name.

    Examples
    --------
    >>> from corridor import data
    >>> "aktau-port" in facility_ids(data.load().network)
    True
    """
    return [f.id for f in net.facilities]


def facility_matches(net: Network, sel: Mapping[str, Any]) -> list[int]:
    """Indices of the facilities a (checked) selector picks: by ``id``, ``node`` and ``country``.

    Selectors of links or transfers only (``mode``, ``corridor``, ``kind``) and ``records`` other
    than ``facilities`` or ``both`` pick none.

    Examples
    --------
    >>> from corridor import data
    >>> net = data.load().network
    >>> [net.facilities[i].id for i in facility_matches(net, {"id": ["aktau-port"]})]
    ['aktau-port']
    >>> facility_matches(net, {"mode": "road"})
    []
    """
    if sel.get("records", "both") not in ("facilities", "both") or {"mode", "corridor", "kind"} & set(sel):
        return []
    country = {n.id: n.country for n in net.nodes}
    return [i for i, f in enumerate(net.facilities)
            if ("id" not in sel or f.id in sel["id"]) and ("node" not in sel or f.node in sel["node"])
            and ("country" not in sel or country.get(f.node) in sel["country"])]


def _ids(v: Any) -> list[str]:
    return [str(x) for x in (v if isinstance(v, list | tuple) else [v])]


def _groups(ctx: _Context, ch: Change) -> list[int]:
    """Indices of the fleet groups named by ``ids`` (group or fleet ids); an error for each unknown id."""
    fleets = ctx.net.fleets
    known = {g.id for g in fleets} | {g.fleet for g in fleets}
    wanted = set(_ids(ch.args.get("ids", [])))
    for i in sorted(wanted - known):
        ctx.bad(ch, "ids", unknown("fleet or vessel group", i, known, list_known=False))
    return [k for k, g in enumerate(fleets) if g.id in wanted or g.fleet in wanted]


def _changed_group(ctx: _Context, ch: Change, g: FleetGroup) -> tuple[dict[str, Any], str]:
    """The new fields of one group, and the change's field that made them wrong ("" if none)."""
    a = {k: float(ctx.value(v)) for k, v in ch.args.items() if k != "ids"}
    new: dict[str, Any] = {}
    if "vessels" in a:
        new["vessels"] = a["vessels"]
    if "add_vessels" in a:
        new["vessels"] = new.get("vessels", g.vessels) + a["add_vessels"]
    if "round_trip_h" in a:
        new.update(round_trip_h=a["round_trip_h"], voyages_per_year=None)
    if "share" in a:
        new["share"] = a["share"]
    if "share_factor" in a:
        new["share"] = new.get("share", g.share) * a["share_factor"]
    checks = (("vessels", "add_vessels" if "add_vessels" in a else "vessels", lambda v: v >= 0),
              ("round_trip_h", "round_trip_h", lambda v: v > 0),
              ("share", "share_factor" if "share_factor" in a else "share", lambda v: 0 <= v <= 1))
    for name, arg, ok in checks:
        if name in new and not (math.isfinite(new[name]) and ok(new[name])):
            return new, arg
    return new, ""


_RANGE = {"vessels": ">= 0", "round_trip_h": "> 0", "share": "between 0 and 1"}


def change_fleet(ctx: _Context, ch: Change) -> None:
    """Apply a ``change_fleet`` change (see the module docstring)."""
    idx = _groups(ctx, ch)
    groups = list(ctx.net.fleets)
    for k in idx:
        new, wrong = _changed_group(ctx, ch, groups[k])
        if wrong:
            name = next(n for n in _RANGE if wrong.startswith(n) or wrong == f"add_{n}")
            ctx.bad(ch, wrong, f"makes the {name} of vessel group {groups[k].id} {new[name]:g}; it must be "
                               f"{_RANGE[name]}")
            return
        groups[k] = dataclasses.replace(groups[k], **new)
    ctx.net = dataclasses.replace(ctx.net, fleets=tuple(groups))
    ctx.log.append(f"change_fleet: {len(idx)} vessel groups")


def set_departures(ctx: _Context, ch: Change) -> None:
    """Apply a ``set_departures`` change (see the module docstring)."""
    net = ctx.net
    lines = _ids(ch.args.get("line", []))
    for line in lines:
        if line not in net.link_index:
            ctx.bad(ch, "line", unknown("link", line, net.link_index, list_known=False))
    per_year = float(ctx.value(ch.args["per_year"]))
    if not (math.isfinite(per_year) and per_year >= 0):
        ctx.bad(ch, "per_year", f"must be a number >= 0, got {per_year!r}")
        return
    chosen = set(lines) & set(net.link_index)
    ctx.net = dataclasses.replace(net, links=tuple(
        dataclasses.replace(lk, departures_per_year=per_year) if lk.id in chosen else lk for lk in net.links))
    ctx.log.append(f"set_departures: {len(chosen)} lines, {per_year:g} a year each way")


FLEET_CHANGES: dict[str, Callable[[Any, Change], None]] = {
    "change_fleet": change_fleet,
    "set_departures": set_departures,
}
"""Change kind → how it is applied; :mod:`corridor.scenarios.changes` registers these."""
