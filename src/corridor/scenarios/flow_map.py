"""The map of a scenario run: link flows of both runs, capacities and utilisation, closed elements.

:func:`flow_map_geojson` is what :meth:`corridor.ScenarioRun.to_geojson` returns (and the REST API's
``GET /api/jobs/{id}/result.geojson`` of a scenario run): everything comes from the two runs' result
tables (``link_flows``, ``capacities``, ``geometry``), so a run reused from the store draws the same.

- One LineString per link direction that carries flow in either run or that the scenario closed:
  ``link, from, to, mode, corridor``, ``baseline_t``, ``scenario_t``, ``change_t`` (t/yr, all
  commodities), ``closed`` (in the baseline's network, not in the scenario's: ``close_link``,
  ``close_node``, ``close_country``), and, only where the scenario's run has a capacity on the link
  (``capacities`` rows of kind ``link``): ``capacity``, ``capacity_unit`` (``t/yr`` or ``TEU/yr``),
  ``capacity_flow`` (the flow in that unit) and ``utilisation`` (``capacity_flow / capacity``, the unit
  with the highest share when a link has two); elsewhere these are null.
- One Point per transfer (border, port handling, gauge change) or facility (port, station) with a
  capacity in the scenario's run, at its node: ``element`` (``transfer`` or ``facility``), ``id``,
  ``node`` and the same capacity fields; a capacity of 0 (``close_transfer``) is ``closed`` with no
  utilisation. Fleets (ferry lines) are left out: they have no single place.
- One Point per node that has links in the baseline and none in the scenario (``element: node``,
  ``closed: true``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from corridor.model import Network
    from corridor.scenarios.runner import Comparison

__all__ = ["flow_map_geojson"]

_CAPACITY_FIELDS = ("capacity", "capacity_unit", "capacity_flow", "utilisation")


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _tonnes(table: pd.DataFrame | None) -> dict[tuple[str, str, str], float]:
    """Tonnes per year by (link, from, to), summed over commodities."""
    if table is None or table.empty:
        return {}
    sums = table.groupby(["link", "from", "to"], sort=False)["tonnes"].sum()
    return {(str(a), str(b), str(c)): float(v) for (a, b, c), v in zip(sums.index, sums.to_numpy(), strict=True)}


def _binding(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The capacity fields of the row with the highest utilisation (closed when every capacity is 0)."""
    best: dict[str, Any] | None = None
    for r in rows:
        cap, flow = _finite(r.get("capacity")), _finite(r.get("flow"))
        if cap is None or flow is None or cap <= 0:
            continue
        share = flow / cap
        if best is None or share > best["utilisation"]:
            best = {"capacity": cap, "capacity_unit": str(r.get("unit", "")), "capacity_flow": flow,
                    "utilisation": share}
    if best is not None:
        return {**best, "closed": False}
    closed = bool(rows) and all(_finite(r.get("capacity")) == 0 for r in rows)
    return {**dict.fromkeys(_CAPACITY_FIELDS), "closed": closed}


def _capacities(table: pd.DataFrame | None) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Capacity rows by (kind, id)."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if table is None or table.empty:
        return out
    for rec in table.to_dict("records"):
        r = {str(k): v for k, v in rec.items()}
        out.setdefault((str(r["kind"]), str(r["id"])), []).append(r)
    return out


def _link_capacity(rows: list[dict[str, Any]], a: str, b: str) -> dict[str, Any]:
    """The capacity fields of a link direction: its own rows, else rows without a direction."""
    own = [r for r in rows if str(r.get("from")) == a and str(r.get("to")) == b]
    shared = [r for r in rows if not r.get("from") and not r.get("to")]
    found = _binding(own or shared)
    found.pop("closed")
    return found


def _geometry(table: pd.DataFrame | None) -> dict[tuple[str, str, str], dict[str, Any]]:
    if table is None or table.empty:
        return {}
    rows = [{str(k): v for k, v in g.items()} for g in table.to_dict("records")]
    return {(str(g["link"]), str(g["from"]), str(g["to"])): g for g in rows}


def _point(feature_props: dict[str, Any], lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": feature_props}


def flow_map_geojson(comparison: Comparison, network: Network, *, name: str = "") -> dict[str, Any]:
    r"""Link flows of a scenario and its baseline, with capacities, utilisation and closures (see the module).

    Parameters
    ----------
    comparison
        The scenario run and its baseline run (their result tables).
    network
        The base network: node coordinates and where transfers and facilities are.
    name
        The collection's ``name``.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection with plain JSON values (no NaN).

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> from corridor import data
    >>> from corridor.scenarios.runner import compare_scenarios
    >>> doc = flow_map_geojson(compare_scenarios(spec), data.load().network)
    >>> props = doc["features"][0]["properties"]
    >>> doc["type"], sorted(props)[:4]
    ('FeatureCollection', ['baseline_t', 'capacity', 'capacity_flow', 'capacity_unit'])
    """
    from corridor.io import link_flows_geojson

    s_tables, b_tables = comparison.scenario_run.tables, comparison.baseline_run.tables
    base_t, scen_t = _tonnes(b_tables.get("link_flows")), _tonnes(s_tables.get("link_flows"))
    g_base, g_scen = _geometry(b_tables.get("geometry")), _geometry(s_tables.get("geometry"))
    scen_links = {k[0] for k in g_scen}
    closed_links = {k[0] for k in g_base} - scen_links if g_scen else set()
    caps = _capacities(s_tables.get("capacities"))
    rows = []
    for key in dict.fromkeys([*g_base, *g_scen, *base_t, *scen_t]):
        link, a, b = key
        bt, st = base_t.get(key, 0.0), scen_t.get(key, 0.0)
        closed = link in closed_links
        if not (bt > 0 or st > 0 or closed):
            continue
        g = g_scen.get(key) or g_base.get(key) or {}
        rows.append({"link": link, "from": a, "to": b, "mode": g.get("mode"), "corridor": g.get("corridor"),
                     "baseline_t": bt, "scenario_t": st, "change_t": st - bt, "closed": closed,
                     **_link_capacity(caps.get(("link", link), []), a, b)})
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["link", "from", "to", "mode", "corridor", "baseline_t", "scenario_t",
                                        "change_t", "closed", *_CAPACITY_FIELDS])
    geometry = pd.DataFrame(list({**g_scen, **g_base}.values())) if g_base or g_scen else network
    doc = link_flows_geojson(frame, geometry, name=name or f"{comparison.scenario.name}: link flows")
    doc["features"] += _node_features(network, caps, g_base, scen_links)
    return doc


def _node_features(network: Network, caps: dict[tuple[str, str], list[dict[str, Any]]],
                   g_base: dict[tuple[str, str, str], dict[str, Any]], scen_links: set[str]) -> list[dict[str, Any]]:
    """Points: transfers and facilities with a capacity in the scenario's run, and nodes the scenario cut off."""
    pos = {n.id: (n.lon, n.lat) for n in network.nodes}
    where = {("transfer", t.id): t.node for t in network.transfers}
    where.update({("facility", f.id): f.node for f in network.facilities})
    out = []
    for (kind, id_), rows in caps.items():
        node = where.get((kind, id_))
        if node is None or node not in pos:
            continue
        out.append(_point({"element": kind, "id": id_, "node": node, **_binding(rows)}, *pos[node]))
    before: dict[str, set[str]] = {}
    for link, a, b in g_base:
        before.setdefault(a, set()).add(link)
        before.setdefault(b, set()).add(link)
    for node, links in before.items():
        if node in pos and links and not links & scen_links and scen_links:
            out.append(_point({"element": "node", "id": node, "node": node, **dict.fromkeys(_CAPACITY_FIELDS),
                               "closed": True}, *pos[node]))
    return out
