"""Applying a scenario's changes to a network and its demand.

Each change alters exactly what it names and nothing else (tested property by property):

``close_link``, ``close_node``
    Remove the links (a closed node loses its links and transfers but stays, so that demand to
    or from it is reported unserved rather than rejected).
``close_transfer``
    The transfer's capacity becomes 0 t/yr (and 0 TEU/yr): nothing passes the crossing or port.
``close_country``
    Every link in the country or touching one of its nodes, and every transfer at its nodes, is
    removed: no flow enters, leaves or crosses it.
``close_transit``
    The countries are closed to transit: demand with neither end there may not pass through them;
    trade to and from them goes on (an engine option, see :meth:`FreightLP.build`).
``scale_capacity``, ``set_capacity``
    Capacities of the selected links and transfers (records without a capacity stay unlimited).
``change_tariff``
    ``factor`` multiplies the per-tonne and per-TEU tariffs; ``add_usd_per_t`` adds to the per-tonne
    tariff and, where a per-TEU tariff exists, the same per tonne of a loaded TEU to it;
    ``add_usd_per_teu`` adds to the per-TEU tariff. Links priced by the network's tariff table
    (:mod:`corridor.model.tariffs`) get the change on the table's charge for them, which the
    selectors ``commodity`` and ``class`` (export, import, transit, domestic) can narrow; links
    with their own cost columns and transfers (port, border charges) get it on those columns.
``change_time``
    ``factor`` multiplies running times (links) and dwell times (transfers); ``add_h`` adds hours.
``set_risk``
    A risk priced once per shipment that uses any of ``countries`` (for some ``commodities`` and
    ``markets``, default all): ``premium_usd_per_t``, ``p_delay`` × ``delay_h``, ``p_seizure`` ×
    ``seizure_usd_per_t`` — the stochastic equilibrium (``method: sue``) prices it per route.
``change_risk``
    Risk scores of countries (priced by ``engine.risk_price``).
``grow_demand``, ``move_demand``
    Scale the selected demand rows, or give them another origin or destination.
``add_node``, ``add_link``, ``add_transfer``
    A record with the fields of the CSV tables, and ``source`` and ``status`` for its figures.
``change_fleet``, ``set_departures``
    Vessels, round trips and operating shares of fleets, and a line's departures: see
    :mod:`corridor.scenarios.changes_fleet`.

Selectors (``select:``) combine with AND; each takes a value or a list. ``id`` and ``country`` select
links and transfers; ``mode`` and ``corridor`` links only; ``kind`` and ``node`` transfers only;
``records: links|transfers|facilities`` restricts further; ``commodity`` and ``class``
(``change_tariff`` only) select the charges of the tariff table. The capacity changes reach
facilities too, by ``id``, ``node`` and ``country``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from corridor.exceptions import InputError, Problem
from corridor.model import CORRIDORS, TRANSFER_KINDS, Demand, DemandRow, Facility, Link, Network, Node, Transfer
from corridor.model.commodity import MODES
from corridor.model.risk import RiskEntry, RiskModel
from corridor.model.validate import NUMERIC_RANGES
from corridor.scenarios.changes_fleet import FLEET_CHANGES, facility_ids, facility_matches
from corridor.scenarios.spec import Change, ScenarioSpec
from corridor.scenarios.tariff_changes import tariff_adjustment
from corridor.validation import did_you_mean, unknown

__all__ = ["Applied", "apply_changes"]


@dataclass(frozen=True, eq=False)
class Applied:
    """A network and demand after the changes, with the engine options the changes set.

    Attributes
    ----------
    network, demand
        The changed records.
    no_transit
        Countries closed to transit.
    country_risk
        Risk scores changed by ``change_risk`` (merged over the defaults), or None.
    risk
        Risk priced per shipment, set by ``set_risk`` (the stochastic equilibrium uses it).
    log
        One line per change applied: what it touched.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.scenarios import load_scenario
    >>> ds = data.load()
    >>> applied = apply_changes(load_scenario("northern-route-closed"), ds.network, ds.demand)
    >>> sorted(applied.no_transit), len(applied.log)
    (['BY', 'RU'], 2)
    """

    network: Network
    demand: Demand
    no_transit: frozenset[str] = frozenset()
    country_risk: Mapping[str, float] | None = None
    log: tuple[str, ...] = field(default=())
    risk: RiskModel = field(default_factory=RiskModel)


def _ids(v: Any) -> list[str]:
    return [str(x) for x in (v if isinstance(v, list | tuple) else [v])]


def _hint(value: str, known: Iterable[str]) -> str:
    return did_you_mean(value, known, list_known=False)


class _Ctx:
    def __init__(self, net: Network, demand: Demand, params: Mapping[str, float]) -> None:
        self.net, self.demand, self.params = net, demand, params
        self.no_transit: set[str] = set()
        self.risk: dict[str, float] | None = None
        self.risk_entries: list[RiskEntry] = []
        self.log: list[str] = []
        self.problems: list[Problem] = []

    def value(self, v: Any) -> Any:
        if isinstance(v, str) and v.startswith("$"):
            return self.params[v[1:]]
        return v

    def bad(self, ch: Change, field_: str, message: str) -> None:
        self.problems.append(Problem(ch.where, f"{ch.kind}.{field_}" if field_ else ch.kind, message))

    def countries(self) -> set[str]:
        return {n.country for n in self.net.nodes} | {lk.country for lk in self.net.links}

    def check_ids(self, ch: Change, ids: list[str], known: Iterable[str], what: str, field_: str = "ids") -> list[str]:
        """The ``ids`` that exist; an error for each other one, naming ``field_``."""
        known = set(known)
        ok = []
        for i in ids:
            if i in known:
                ok.append(i)
            else:
                self.bad(ch, field_, unknown(what, i, known, list_known=False))
        return ok


def _check_selectors(ctx: _Ctx, ch: Change, sel: dict[str, Any]) -> None:
    """Report selector values the network does not have; country codes become upper case."""
    net = ctx.net
    if "id" in sel:
        ctx.check_ids(ch, sel["id"], [*net.link_index, *(t.id for t in net.transfers), *facility_ids(net)],
                      "link, transfer or facility", "select.id")
    if "country" in sel:
        known = ctx.countries()
        for c in sel["country"]:
            if c.upper() not in known:
                ctx.bad(ch, "select.country", f"no node or link of the network is in {c!r}{_hint(c.upper(), known)}")
        sel["country"] = [c.upper() for c in sel["country"]]
    for key, values, what in (("mode", MODES, "mode"), ("corridor", CORRIDORS, "corridor"),
                              ("kind", TRANSFER_KINDS, "transfer kind")):
        for v in sel.get(key, []):
            if v not in values:
                ctx.bad(ch, f"select.{key}", unknown(what, v, values, list_known=False))
    if "node" in sel:
        ctx.check_ids(ch, sel["node"], net.node_index, "node", "select.node")
    if sel.get("records", "both") not in ("links", "transfers", "facilities", "both"):
        ctx.bad(ch, "select.records", f"must be links, transfers, facilities or both, got {sel['records']!r}")


def _link_matches(lk: Link, sel: Mapping[str, Any], country_of: Mapping[str, str]) -> bool:
    return (("id" not in sel or lk.id in sel["id"]) and ("mode" not in sel or lk.mode in sel["mode"])
            and ("corridor" not in sel or lk.corridor in sel["corridor"])
            and ("country" not in sel or bool({lk.country, country_of.get(lk.a), country_of.get(lk.b)}
                                               & set(sel["country"]))))


def _transfer_matches(t: Transfer, sel: Mapping[str, Any], country_of: Mapping[str, str]) -> bool:
    return (("id" not in sel or t.id in sel["id"]) and ("kind" not in sel or t.kind in sel["kind"])
            and ("node" not in sel or t.node in sel["node"])
            and ("country" not in sel or country_of.get(t.node) in sel["country"]))


def _select(ctx: _Ctx, ch: Change, *, facilities: bool = False) -> tuple[list[int], list[int], list[int]]:
    """Indices of the links, transfers and (if ``facilities``) facilities a selector picks."""
    net = ctx.net
    sel: dict[str, Any] = {k: _ids(v) if k != "records" else str(v) for k, v in (ch.args.get("select") or {}).items()}
    _check_selectors(ctx, ch, sel)
    records = sel.get("records", "both")
    country_of = {n.id: n.country for n in net.nodes}
    links, transfers = [], []
    if records in ("links", "both") and not ({"kind", "node"} & set(sel)):
        links = [i for i, lk in enumerate(net.links) if _link_matches(lk, sel, country_of)]
    if records in ("transfers", "both") and not ({"mode", "corridor"} & set(sel)):
        transfers = [i for i, t in enumerate(net.transfers) if _transfer_matches(t, sel, country_of)]
    chosen = facility_matches(net, sel) if facilities else []
    if not links and not transfers and not chosen and not ctx.problems:
        what = "link, transfer or facility" if facilities else "link or transfer"
        ctx.bad(ch, "select", f"matches no {what} of the network")
    return links, transfers, chosen


def _replace(ctx: _Ctx, links: dict[int, dict[str, Any]], transfers: dict[int, dict[str, Any]]) -> None:
    net = ctx.net
    new_links = tuple(dataclasses.replace(lk, **links[i]) if i in links else lk for i, lk in enumerate(net.links))
    new_tr = tuple(dataclasses.replace(t, **transfers[i]) if i in transfers else t for i, t in enumerate(net.transfers))
    ctx.net = dataclasses.replace(net, links=new_links, transfers=new_tr)


def _container_tpt(net: Network) -> float:
    for c in net.commodities:
        if c.unit == "TEU" and c.t_per_teu:
            return float(c.t_per_teu)
    return 1.0


def _capacity(ctx: _Ctx, ch: Change) -> None:
    li, ti, fi = _select(ctx, ch, facilities=True)
    net = ctx.net
    if ch.kind == "scale_capacity":
        f = float(ctx.value(ch.args["factor"]))

        def new(rec: Link | Transfer | Facility) -> dict[str, Any]:
            return {k: getattr(rec, k) * f for k in ("capacity_mtpa", "capacity_teu", "capacity_wagons")
                    if getattr(rec, k) is not None}
    else:
        vals = {
            k: float(ctx.value(ch.args[a]))
            for a, k in (("mtpa", "capacity_mtpa"), ("teu", "capacity_teu"), ("wagons", "capacity_wagons"))
            if a in ch.args
        }

        def new(rec: Link | Transfer | Facility) -> dict[str, Any]:
            return dict(vals)

    links = {i: new(net.links[i]) for i in li}
    transfers = {i: new(net.transfers[i]) for i in ti}
    facilities = {i: new(net.facilities[i]) for i in fi}
    unlimited = sum(1 for d in (*links.values(), *transfers.values(), *facilities.values()) if not d)
    _replace(ctx, links, transfers)
    ctx.net = dataclasses.replace(ctx.net, facilities=tuple(
        dataclasses.replace(f, **facilities[i]) if i in facilities else f for i, f in enumerate(net.facilities)))
    ctx.log.append(
        f"{ch.kind}: {len(li)} links, {len(ti)} transfers" + (f", {len(fi)} facilities" if fi else "")
        + (f" ({unlimited} without a capacity stay unlimited)" if unlimited else "")
    )


def _tariff(ctx: _Ctx, ch: Change) -> None:
    sel = dict(ch.args.get("select") or {})
    narrow = {k: _ids(sel.pop(k)) for k in ("commodity", "class") if k in sel}
    if narrow:
        sel["records"] = "links"
    li, ti, _ = _select(ctx, dataclasses.replace(ch, args={**ch.args, "select": sel}))
    net = ctx.net
    f = float(ctx.value(ch.args.get("factor", 1.0)))
    add_t = float(ctx.value(ch.args.get("add_usd_per_t", 0.0)))
    add_teu = float(ctx.value(ch.args.get("add_usd_per_teu", 0.0)))
    tpt = _container_tpt(net)
    table_links = [i for i in li if net.links[i].cost_usd_per_t is None and net.links[i].cost_usd_per_teu is None]
    if narrow or table_links:
        adj = tariff_adjustment(ctx, ch, narrow, [net.links[i].id for i in table_links], (f, add_t, add_teu))
        if adj is None:
            return
        net = ctx.net = dataclasses.replace(net, tariffs=net.tariffs.with_adjustment(adj))
        li = [i for i in li if i not in set(table_links)]

    def new(rec: Link | Transfer) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if rec.cost_usd_per_t is not None or add_t:
            out["cost_usd_per_t"] = (rec.cost_usd_per_t or 0.0) * f + add_t
        if rec.cost_usd_per_teu is not None:
            out["cost_usd_per_teu"] = rec.cost_usd_per_teu * f + add_teu + add_t * tpt
        elif add_teu:
            out["cost_usd_per_teu"] = add_teu
        return out

    _replace(ctx, {i: new(net.links[i]) for i in li}, {i: new(net.transfers[i]) for i in ti})
    ctx.log.append(f"change_tariff: {len(li)} links, {len(ti)} transfers"
                   + (f", the tariff table on {len(table_links)} links" if table_links else ""))


def _time(ctx: _Ctx, ch: Change) -> None:
    li, ti, _ = _select(ctx, ch)
    net = ctx.net
    f = float(ctx.value(ch.args.get("factor", 1.0)))
    add = float(ctx.value(ch.args.get("add_h", 0.0)))
    links = {i: {"time_h": net.links[i].running_time_h * f + add} for i in li}
    transfers = {i: {"time_h": (net.transfers[i].time_h or 0.0) * f + add} for i in ti}
    bad = [net.links[i].id for i, d in links.items() if d["time_h"] < 0]
    bad += [net.transfers[i].id for i, d in transfers.items() if d["time_h"] < 0]
    if bad:
        ctx.bad(ch, "add_h", f"makes times negative on {', '.join(bad[:5])}")
        return
    _replace(ctx, links, transfers)
    ctx.log.append(f"change_time: {len(li)} links, {len(ti)} transfers")


def _close(ctx: _Ctx, ch: Change) -> None:
    net = ctx.net
    ids = list(ch.args["ids"])
    if ch.kind == "close_link":  # links only: a node or transfer may share a link's id
        ids = ctx.check_ids(ch, ids, net.link_index, "link")
        drop = set(ids)
        ctx.net = dataclasses.replace(net, links=tuple(lk for lk in net.links if lk.id not in drop))
        ctx.log.append(f"close_link: {len(ids)} links")
    elif ch.kind == "close_node":  # the node stays (it has a place on the map); nothing reaches or leaves it
        ids = ctx.check_ids(ch, ids, net.node_index, "node")
        drop = set(ids)
        links = tuple(lk for lk in net.links if lk.a not in drop and lk.b not in drop)
        transfers = tuple(t for t in net.transfers if t.node not in drop)
        gone = len(net.links) - len(links) + len(net.transfers) - len(transfers)
        ctx.net = dataclasses.replace(net, links=links, transfers=transfers)
        ctx.log.append(f"close_node: {len(ids)} nodes ({gone} links and transfers)")
    elif ch.kind == "close_transfer":
        ids = ctx.check_ids(ch, ids, [t.id for t in net.transfers], "transfer")
        pos = {t.id: i for i, t in enumerate(net.transfers)}
        _replace(ctx, {}, {pos[i]: {"capacity_mtpa": 0.0, "capacity_teu": 0.0} for i in ids})
        ctx.log.append(f"close_transfer: {len(ids)} transfers")
    else:
        known = ctx.countries()
        codes = []
        for c in ids:
            if c.upper() in known:
                codes.append(c.upper())
            else:
                ctx.bad(ch, "ids", f"no node or link of the network is in {c!r}{_hint(c.upper(), known)}")
        if ch.kind == "close_transit":
            ctx.no_transit |= set(codes)
            ctx.log.append(f"close_transit: {', '.join(codes)}")
            return
        inside = {n.id for n in net.nodes if n.country in codes}
        links = tuple(lk for lk in net.links if lk.country not in codes and lk.a not in inside and lk.b not in inside)
        transfers = tuple(t for t in net.transfers if t.node not in inside)
        gone = len(net.links) - len(links) + len(net.transfers) - len(transfers)
        ctx.net = dataclasses.replace(net, links=links, transfers=transfers)
        ctx.log.append(f"close_country: {', '.join(codes)} ({gone} links and transfers)")


def _risk(ctx: _Ctx, ch: Change) -> None:
    from corridor.model.costs import DEFAULT_COUNTRY_RISK

    score = float(ctx.value(ch.args["score"]))
    known = ctx.countries()
    if ctx.risk is None:
        ctx.risk = dict(DEFAULT_COUNTRY_RISK)
    for c in _ids(ch.args["country"]):
        if c.upper() not in known:
            ctx.bad(ch, "country", f"no node or link of the network is in {c!r}{_hint(c.upper(), known)}")
        ctx.risk[c.upper()] = score
    ctx.log.append(f"change_risk: {', '.join(_ids(ch.args['country']))} = {score:g}")


def _set_risk(ctx: _Ctx, ch: Change) -> None:
    """``set_risk``: a risk priced once per shipment that uses one of the countries."""
    known = ctx.countries()
    countries = [c.upper() for c in _ids(ch.args["countries"])]
    for c in countries:
        if c not in known:
            ctx.bad(ch, "countries", f"no node or link of the network is in {c!r}{_hint(c, known)}")
    commodities = _ids(ch.args.get("commodities") or [])
    ctx.check_ids(ch, commodities, [c.id for c in ctx.net.commodities], "commodity", "commodities")
    markets = _ids(ch.args.get("markets") or [])
    ctx.check_ids(ch, markets, ctx.net.node_index, "market or destination node", "markets")
    figures = {k: float(ctx.value(ch.args.get(k, 0.0))) for k in
               ("premium_usd_per_t", "p_delay", "delay_h", "p_seizure", "seizure_usd_per_t")}
    try:
        entry = RiskEntry(tuple(countries), tuple(commodities), tuple(markets), note=ch.note or "", **figures)
    except InputError as e:
        for p in e.problems:
            ctx.bad(ch, p.field, p.message)
        return
    ctx.risk_entries.append(entry)
    ctx.log.append(f"set_risk: {'+'.join(countries)} {figures['premium_usd_per_t']:g} USD/t, "
                   f"p_delay {figures['p_delay']:g} x {figures['delay_h']:g} h, p_seizure {figures['p_seizure']:g}")


def _demand_rows(ctx: _Ctx, ch: Change) -> list[int]:
    sel = {k: _ids(v) for k, v in (ch.args.get("select") or {}).items()}
    rows = ctx.demand.rows
    for key, known, what in (
        ("id", [r.id for r in rows], "demand row"),
        ("commodity", [c.id for c in ctx.net.commodities], "commodity"),
        ("group", {r.group for r in rows}, "demand group"),
        ("origin", ctx.net.node_index, "node"),
        ("destination", ctx.net.node_index, "node"),
    ):
        if key in sel:
            ctx.check_ids(ch, sel[key], known, what, f"select.{key}")
    out = [i for i, r in enumerate(rows) if all(str(getattr(r, k)) in v for k, v in sel.items())]
    if not out and not ctx.problems:
        ctx.bad(ch, "select", "matches no demand row")
    return out


def _grown(row: DemandRow, f: float) -> tuple[DemandRow, str | None]:
    """The demand row grown by ``f``, and what is wrong with it (overflow, beyond any real demand) if anything."""
    new = dataclasses.replace(row, tonnes=row.tonnes * f, teu=None if row.teu is None else row.teu * f)
    for key in ("tonnes", "teu"):
        value, (_, high, unit) = getattr(new, key), NUMERIC_RANGES[key]
        if value is not None and not (math.isfinite(value) and value <= high):
            return new, f"{f!r} makes the {key} of demand row {row.id} {value:g}, over the {high:,.0f} {unit} allowed"
    return new, None


def _grow(ctx: _Ctx, ch: Change, rows: list[DemandRow], idx: set[int]) -> None:
    f = float(ctx.value(ch.args["factor"]))
    for i in sorted(idx):
        rows[i], problem = _grown(rows[i], f)
        if problem:
            ctx.bad(ch, "factor", problem)
            return


def _move(ctx: _Ctx, ch: Change, rows: list[DemandRow], idx: set[int]) -> None:
    ends = {k: str(ctx.value(ch.args[k])) for k in ("origin", "destination") if k in ch.args}
    for k, v in ends.items():
        if v not in ctx.net.node_index:
            ctx.bad(ch, k, unknown("node", v, ctx.net.node_index, list_known=False))
            return
    for i in idx:
        rows[i] = dataclasses.replace(rows[i], origin=ends.get("origin", rows[i].origin),
                                      destination=ends.get("destination", rows[i].destination))
        if rows[i].origin == rows[i].destination:
            ctx.bad(ch, "destination", f"row {rows[i].id} would start where it ends")


def _demand(ctx: _Ctx, ch: Change) -> None:
    idx = set(_demand_rows(ctx, ch))
    rows = list(ctx.demand.rows)
    (_grow if ch.kind == "grow_demand" else _move)(ctx, ch, rows, idx)
    ctx.demand = Demand(tuple(rows))
    ctx.log.append(f"{ch.kind}: {len(idx)} demand rows")


def _add_row(ctx: _Ctx, ch: Change, names: Iterable[str], figures: Iterable[str]) -> dict[str, Any]:
    """The record as a CSV row: lists joined, ``$name`` values filled in, ``source``/``status`` given to each figure."""
    row = dict(ch.args["record"])
    source, status = row.pop("source", None), row.pop("status", None)
    row = {k: (";".join(map(str, v)) if isinstance(v, list) else ctx.value(v)) for k, v in row.items()}
    for k in row:
        if k not in names:
            ctx.bad(ch, k, unknown("field", k, names, list_known=False))
    for fig in figures:
        if row.get(fig) is None or f"{fig}_source" in row:
            continue
        if source is None:
            ctx.bad(ch, f"{fig}_source",
                    f"every figure needs a source: give 'source' and 'status' (or {fig}_source and {fig}_status)")
        else:
            row[f"{fig}_source"], row[f"{fig}_status"] = source, status
    return row


def _missing_end(ctx: _Ctx, rec: Link | Transfer) -> tuple[str, str] | None:
    """``(field, node)`` of the first end of the record that the network lacks."""
    ends = (("a", rec.a), ("b", rec.b)) if isinstance(rec, Link) else (("node", rec.node),)
    return next(((k, n) for k, n in ends if n not in ctx.net.node_index), None)


def _add(ctx: _Ctx, ch: Change) -> None:
    from corridor.io.schema import TABLES, row_to_record

    table = TABLES[{"add_node": "nodes", "add_link": "links", "add_transfer": "transfers"}[ch.kind]]
    row = _add_row(ctx, ch, table.names, table.figures)
    if ctx.problems:
        return
    problems: list[Problem] = []
    rec = row_to_record(table, row, ch.where, problems)
    ctx.problems += [dataclasses.replace(p, field=f"{ch.kind}.{p.field}") for p in problems]
    if rec is None:
        return
    if isinstance(rec, Node):
        ctx.net = ctx.net.with_records(nodes=[rec])
    else:
        missing = _missing_end(ctx, rec)
        if missing is not None:
            ctx.bad(ch, missing[0], unknown("node", missing[1], ctx.net.node_index, list_known=False))
            return
        ctx.net = ctx.net.with_records(links=[rec]) if isinstance(rec, Link) else ctx.net.with_records(transfers=[rec])
    ctx.log.append(f"{ch.kind}: {rec.id}")


_APPLY = {
    "close_link": _close,
    "close_node": _close,
    "close_transfer": _close,
    "close_country": _close,
    "close_transit": _close,
    "scale_capacity": _capacity,
    "set_capacity": _capacity,
    "change_tariff": _tariff,
    "change_time": _time,
    "change_risk": _risk,
    "set_risk": _set_risk,
    "grow_demand": _demand,
    "move_demand": _demand,
    "add_node": _add,
    "add_link": _add,
    "add_transfer": _add,
    **FLEET_CHANGES,
}


def apply_changes(
    spec: ScenarioSpec, network: Network, demand: Demand, params: Mapping[str, float] | None = None
) -> Applied:
    """Apply ``spec.changes`` in order.

    Parameters
    ----------
    spec
        The scenario.
    network, demand
        The base.
    params
        Values of the uncertain parameters (default: their nominal values).

    Raises
    ------
    InputError
        Unknown ids, countries, modes or nodes, selections that match nothing, values that make a
        record invalid; each problem names the change's ``file:line`` and field.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.scenarios import load_scenario
    >>> ds = data.load()
    >>> spec = load_scenario("northern-route-closed")
    >>> applied = apply_changes(spec, ds.network, ds.demand)
    >>> sorted(applied.no_transit)
    ['BY', 'RU']
    >>> crude = [r for r in applied.demand.rows if r.id == "crude"][0]
    >>> crude.destination
    'novorossiysk'

    Uncertain parameters take their nominal values unless given:

    >>> storm = load_scenario("caspian-storm-season")
    >>> half = apply_changes(storm, ds.network, ds.demand, {"open_share": 0.5})
    >>> def capacity(net):
    ...     return [f.capacity_mtpa for f in net.facilities if f.id == "aktau-port"]
    >>> capacity(ds.network), capacity(half.network)
    ([11.0], [5.5])
    >>> half.log
    ('scale_capacity: 0 links, 0 transfers, 2 facilities', 'change_fleet: 4 vessel groups')
    """
    values = {**spec.nominal(), **(params or {})}
    ctx = _Ctx(network, demand, values)
    for ch in spec.changes:
        if ch.when is not None and not values[ch.when[1:]]:
            ctx.log.append(f"{ch.kind}: skipped ({ch.when} = 0)")
            continue
        before = len(ctx.problems)
        _APPLY[ch.kind](ctx, ch)
        if len(ctx.problems) > before:
            continue
    if ctx.problems:
        raise InputError(ctx.problems)
    return Applied(ctx.net, ctx.demand, frozenset(ctx.no_transit), ctx.risk, tuple(ctx.log),
                   RiskModel(tuple(ctx.risk_entries)))
