"""Tables that several views share: unserved demand, congestion, binding capacities, link flows.

Each cell carries its own unit (``11.0 Mt/yr``, ``574,875 TEU/yr``, ``15.4 h``), or the header names
the unit of every value under it, so that no header says one unit over values in another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from corridor.report import _fmt
from corridor.report._page import Markup, table, tag

__all__ = ["bottleneck_table", "capacity_text", "congestion_table", "link_flow_table", "unserved_table", "where"]

Json = Mapping[str, Any]


def capacity_text(value: float | None, unit: str) -> str:
    """A capacity or flow in its unit: tonnes per year scaled (``11.0 Mt/yr``), other units as counts.

    Examples
    --------
    >>> capacity_text(1.1e7, "t/yr"), capacity_text(574875.0, "TEU/yr"), capacity_text(None, "t/yr")
    ('11.0 Mt/yr', '574,875 TEU/yr', 'unlimited')
    """
    if value is None:
        return "unlimited"
    if unit == "t/yr":
        return f"{_fmt.tonnes(value)}/yr"
    return _fmt.count(value, unit)


def where(rec: Json, names: Mapping[str, str]) -> str:
    """``from → to`` of a link direction by node names (empty for a transfer).

    Examples
    --------
    >>> where({"from": "aktau", "to": "baku"}, {"aktau": "Aktau", "baku": "Baku"})
    'Aktau → Baku'
    >>> where({"kind": "transfer", "id": "aktau-port-out"}, {})
    ''
    """
    a, b = str(rec.get("from") or ""), str(rec.get("to") or "")
    return f"{names.get(a, a)} → {names.get(b, b)}" if a else ""


def _drop_empty_where(head: list[str], rows: list[list[object]], col: int) -> tuple[list[str], list[list[object]]]:
    if any(r[col] for r in rows):
        return head, rows
    return head[:col] + head[col + 1:], [r[:col] + r[col + 1:] for r in rows]


def unserved_table(rows: Sequence[Json], names: Mapping[str, str], *, caption: str) -> Markup:
    """Demand rows left (partly) unserved: origin, destination, commodity, demand, unserved, why.

    Examples
    --------
    >>> rows = [{"id": "coal-out", "origin": "mine", "destination": "port", "commodity": "coal",
    ...          "demand_t": 1.5e6, "unserved_t": 5e5, "reason": "capacity"}]
    >>> html = unserved_table(rows, {"mine": "Mine", "port": "Port"}, caption="Unserved")
    >>> "Mine → Port" in html, "capacity" in html
    (True, True)
    """
    out = []
    for r in rows:
        d, u = _fmt.num(r.get("demand_t")), _fmt.num(r.get("unserved_t"))
        o, z = str(r.get("origin", "")), str(r.get("destination", ""))
        out.append([tag("code", r.get("id", "")), f"{names.get(o, o)} → {names.get(z, z)}", str(r.get("commodity", "")),
                    (f"{_fmt.tonnes(d)}/yr", d), (f"{_fmt.tonnes(u)}/yr", u), str(r.get("reason", "") or "")])
    return table(["Demand row", "Origin → destination", "Commodity", "Demand", "Unserved", "Why"], out,
                 numeric=(3, 4), caption=caption)


def congestion_table(rows: Sequence[Json], names: Mapping[str, str], *, caption: str, top: int = 15) -> Markup:
    """The capacities with the largest delays at equilibrium.

    Examples
    --------
    >>> rows = [{"kind": "link", "id": "direct", "from": "mine", "to": "port", "unit": "t/yr", "capacity": 1e6,
    ...          "flow": 1.5e6, "utilisation": 1.5, "free_time_h": 10.0, "delay_h": 7.6}]
    >>> html = congestion_table(rows, {"mine": "Mine", "port": "Port"}, caption="Delays")
    >>> "Mine → Port" in html, "7.6" in html
    (True, True)
    """
    out: list[list[object]] = []
    for r in list(rows)[:top]:
        cap, flow, util = _fmt.num(r.get("capacity")), _fmt.num(r.get("flow")), _fmt.num(r.get("utilisation"))
        free, delay = _fmt.num(r.get("free_time_h")), _fmt.num(r.get("delay_h"))
        unit = str(r.get("unit", ""))
        out.append([str(r.get("kind", "")), tag("code", r.get("id", "")), where(r, names),
                    (capacity_text(cap, unit), cap), (capacity_text(flow, unit), flow), (_fmt.share(util), util),
                    (_fmt.number(free, 1), free), (_fmt.number(delay, 1), delay)])
    head, out = _drop_empty_where(["Kind", "Element", "Where", "Capacity", "Flow", "Utilisation", "Free time (h)",
                                   "Delay (h)"], out, 2)
    n = len(head)
    return table(head, out, numeric=range(n - 5, n), caption=caption)


def bottleneck_table(rows: Sequence[Json], names: Mapping[str, str], *, caption: str) -> Markup:
    """Binding capacities of an LP with the value of one more unit of each.

    Examples
    --------
    >>> from corridor.assignment import solve_lp
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0 + k)
    ...          for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> result = solve_lp(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).to_dict()
    >>> names = {n.id: n.name for n in net.nodes}
    >>> html = bottleneck_table(result["bottlenecks"], names, caption="Binding capacities")
    >>> "<caption>Binding capacities</caption>" in html, "<code>direct</code>" in html
    (True, True)
    """
    out: list[list[object]] = []
    for r in rows:
        cap, util = _fmt.num(r.get("capacity")), _fmt.num(r.get("utilisation"))
        per_t, per_teu = _fmt.num(r.get("usd_per_t_yr")), _fmt.num(r.get("usd_per_teu_yr"))
        out.append([str(r.get("kind", "")), tag("code", r.get("id", "")), where(r, names),
                    (capacity_text(cap, str(r.get("unit", ""))), cap), (_fmt.share(util), util),
                    (_fmt.number(per_t, 2), per_t), (_fmt.number(per_teu, 2), per_teu)])
    head, out = _drop_empty_where(["Kind", "Element", "Where", "Capacity", "Utilisation", "USD/yr per t/yr",
                                   "USD/yr per TEU/yr"], out, 2)
    n = len(head)
    return table(head, out, numeric=range(n - 4, n), caption=caption)


def link_flow_table(rows: Sequence[Json], names: Mapping[str, str], *, caption: str) -> Markup:
    """Link directions with their flow in tonnes per year.

    Examples
    --------
    >>> from corridor.assignment import solve_lp
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0 + k)
    ...          for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> result = solve_lp(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).to_dict()
    >>> names = {n.id: n.name for n in net.nodes}
    >>> html = link_flow_table(result["link_flows"], names, caption="Link flows")
    >>> html.count("<tr>") - 1  # one row per link direction with flow, after the header
    3
    """
    out: list[list[object]] = []
    for i, r in enumerate(rows):
        t = _fmt.num(r.get("tonnes"))
        out.append([(str(i + 1), i + 1), tag("code", r.get("link", "")), where(r, names), str(r.get("mode", "")),
                    str(r.get("corridor", "")), (f"{_fmt.tonnes(t)}/yr", t)])
    return table(["#", "Link", "Direction", "Mode", "Corridor", "Flow"], out, numeric=(0, 5), caption=caption)
