"""Comparing two runs: what a scenario changes against its baseline."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["bottleneck_key", "compare_runs", "delta", "shares"]

_LINK_KEYS = ["link", "from", "to", "mode", "corridor"]


def delta(base: float | None, scen: float | None) -> dict[str, float | None]:
    """``{baseline, scenario, change, change_pct}`` (``change_pct`` None when the baseline is 0).

    Examples
    --------
    >>> delta(100.0, 120.0)
    {'baseline': 100.0, 'scenario': 120.0, 'change': 20.0, 'change_pct': 20.0}
    >>> delta(0.0, 5.0)["change_pct"] is None
    True
    """
    b = float(base or 0.0)
    s = float(scen or 0.0)
    pct = None if b == 0 else 100.0 * (s - b) / abs(b)
    return {"baseline": b, "scenario": s, "change": s - b, "change_pct": pct}


def _nested(base: Mapping[str, Mapping[str, float]], scen: Mapping[str, Mapping[str, float]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in sorted(set(base) | set(scen)):
        b, s = base.get(key, {}), scen.get(key, {})
        out[key] = {
            m: delta(b.get(m), s.get(m))
            for m in sorted(set(b) | set(s))
            if isinstance(b.get(m, 0.0), int | float) and isinstance(s.get(m, 0.0), int | float)
        }
    return out


def _measure_rows(m: Mapping[str, Any], table: str, *keys: str) -> dict[str, Mapping[str, float]]:
    """``{name: {tonnes, teu}}`` of one table of measures, each row named by its ``keys`` joined by ``→``."""
    return {"→".join(str(r[k]) for k in keys): {"tonnes": r["tonnes"], "teu": r["teu"]} for r in m.get(table, [])}


def _measures(base: Mapping[str, Any], scen: Mapping[str, Any]) -> dict[str, Any]:
    """The physical measures of two summaries as deltas.

    Each scalar, and the tonnes and TEU of each row of ``by_corridor`` (by corridor), ``by_border``,
    ``by_gauge_change`` and ``by_gateway`` (by node) and ``caspian_by_port_pair`` (``from→to``).

    A summary without measures (a run recorded before they existed) counts as zeros.
    """
    from corridor.assignment.measures import SCALAR_MEASURES

    bm, sm = base.get("measures") or {}, scen.get("measures") or {}
    out: dict[str, Any] = {k: delta(bm.get(k), sm.get(k)) for k in SCALAR_MEASURES}
    for table, keys in (("by_corridor", ("corridor",)), ("by_border", ("node",)), ("by_gauge_change", ("node",)),
                        ("by_gateway", ("node",)), ("caspian_by_port_pair", ("from", "to"))):
        out[table] = _nested(_measure_rows(bm, table, *keys), _measure_rows(sm, table, *keys))
    return out


def _tonnes(m: Mapping[str, Any], table: str, key: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in m.get(table) or []:
        out[str(r[key])] = out.get(str(r[key]), 0.0) + float(r.get("tonnes") or 0.0)
    return out


def shares(base: Mapping[str, float], scen: Mapping[str, float]) -> dict[str, dict[str, float | None]]:
    """Tonnes and shares of their total, baseline against scenario, largest in the scenario first.

    Each name gets ``baseline_t``, ``scenario_t``, ``change_t``, ``baseline_share``, ``scenario_share``
    (of the total of its side; None when that total is 0) and ``change_pp`` (percentage points).

    >>> shares({"a": 3.0, "b": 1.0}, {"a": 2.0, "b": 2.0})["b"]["change_pp"]
    25.0

    Examples
    --------
    >>> s = shares({"north": 60.0, "middle": 40.0}, {"north": 30.0, "middle": 70.0})
    >>> list(s), s["middle"]["scenario_share"], round(s["middle"]["change_pp"], 6)
    (['middle', 'north'], 0.7, 30.0)
    """
    tb, ts = math.fsum(base.values()), math.fsum(scen.values())
    out: dict[str, dict[str, float | None]] = {}
    for k in sorted(set(base) | set(scen), key=lambda k: (-scen.get(k, 0.0), -base.get(k, 0.0), k)):
        b, s = float(base.get(k, 0.0)), float(scen.get(k, 0.0))
        bs = b / tb if tb > 0 else None
        ss = s / ts if ts > 0 else None
        out[k] = {"baseline_t": b, "scenario_t": s, "change_t": s - b, "baseline_share": bs, "scenario_share": ss,
                  "change_pp": None if bs is None or ss is None else 100.0 * (ss - bs)}
    return out


def bottleneck_key(b: Mapping[str, Any]) -> str:
    """How a capacity is named in comparisons: ``"transfer aktau-port-out (t/yr)"``, with the direction of links.

    Examples
    --------
    >>> bottleneck_key({"kind": "transfer", "id": "aktau-port-out", "unit": "t/yr"})
    'transfer aktau-port-out (t/yr)'
    >>> bottleneck_key({"kind": "link", "id": "aktau-baku", "from": "aktau", "to": "baku", "unit": "t/yr"})
    'link aktau-baku aktau→baku (t/yr)'
    """
    where = f" {b.get('from')}→{b.get('to')}" if b.get("from") else ""
    return f"{b.get('kind')} {b.get('id')}{where} ({b.get('unit')})"


def _links(base: Any, scen: Any) -> list[dict[str, Any]]:
    import pandas as pd

    def total(frame: Any) -> pd.DataFrame:
        if frame is None or len(frame) == 0:
            return pd.DataFrame(columns=[*_LINK_KEYS, "tonnes"])
        return frame.groupby(_LINK_KEYS, as_index=False, dropna=False)["tonnes"].sum()

    merged = total(base).merge(total(scen), on=_LINK_KEYS, how="outer", suffixes=("_baseline", "_scenario"))
    merged = merged.fillna({"tonnes_baseline": 0.0, "tonnes_scenario": 0.0})
    merged["change_t"] = merged["tonnes_scenario"] - merged["tonnes_baseline"]
    merged = merged[
        merged["change_t"].abs() > 1e-6 * merged[["tonnes_baseline", "tonnes_scenario"]].max(axis=1).clip(lower=1.0)
    ]
    merged = merged.reindex(merged["change_t"].abs().sort_values(ascending=False, kind="stable").index)
    return [
        {
            "link": r["link"],
            "from": r["from"],
            "to": r["to"],
            "mode": r["mode"],
            "corridor": r["corridor"],
            "baseline_t": float(r["tonnes_baseline"]),
            "scenario_t": float(r["tonnes_scenario"]),
            "change_t": float(r["change_t"]),
        }
        for r in merged.to_dict(orient="records")
    ]


def compare_runs(base: Mapping[str, Any], scen: Mapping[str, Any]) -> dict[str, Any]:
    r"""The difference of two runs.

    Parameters
    ----------
    base, scen
        ``{"summary": <summary dict of a run>, "tables": {"link_flows": DataFrame, ...}}``.

    Returns
    -------
    dict
        ``totals``, ``by_commodity``, ``measures`` (the physical measures of
        :mod:`corridor.assignment.measures`: each scalar, and ``by_border``, ``by_gauge_change`` and
        ``caspian_by_port_pair`` by node or ``from→to``), ``by_corridor`` (tonnes and TEU of the routes each
        corridor rule takes) and ``by_corridor_tag`` (tonne-km and CO2e of the links by corridor
        tag) — each figure as ``{baseline, scenario, change, change_pct}`` —, ``shares``
        (``by_gateway``: Kazakh exports by export gateway node, ``by_corridor``: served tonnes by route
        corridor; each name with tonnes and shares of the total on each side, see :func:`shares`),
        ``border_crossings``, ``bottlenecks``
        (``baseline``/``scenario`` lists and the ``new`` and ``relieved`` keys), ``unserved_od``
        of the scenario, and ``links``: every link direction whose flow changed, largest change first.

    Examples
    --------
    >>> from corridor.scenarios import run_spec, scenario_from_text
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> base, scen = run_spec(spec.without_changes()), run_spec(spec)
    >>> diff = compare_runs({"summary": base.summary, "tables": base.tables},
    ...                     {"summary": scen.summary, "tables": scen.tables})
    >>> diff["totals"]["demand_t"]["change"], diff["totals"]["tonne_km"]["change"] > 0
    (0.0, True)
    """
    bs, ss = base["summary"], scen["summary"]
    totals = {k: delta(bs["totals"].get(k), ss["totals"].get(k)) for k in sorted(set(bs["totals"]) | set(ss["totals"]))}
    bb = {bottleneck_key(b): b for b in bs.get("bottlenecks", [])}
    sb = {bottleneck_key(b): b for b in ss.get("bottlenecks", [])}
    borders = {
        k: delta(bs.get("border_crossings", {}).get(k), ss.get("border_crossings", {}).get(k))
        for k in sorted(set(bs.get("border_crossings", {})) | set(ss.get("border_crossings", {})))
    }
    through = {
        k: delta(bs.get("transfers", {}).get(k), ss.get("transfers", {}).get(k))
        for k in sorted(set(bs.get("transfers", {})) | set(ss.get("transfers", {})))
    }
    links = _links(base.get("tables", {}).get("link_flows"), scen.get("tables", {}).get("link_flows"))
    measures = _measures(bs, ss)
    out = {
        "totals": totals,
        "by_commodity": _nested(bs.get("by_commodity", {}), ss.get("by_commodity", {})),
        "measures": {k: v for k, v in measures.items() if k != "by_corridor"},
        "by_corridor": measures["by_corridor"],
        "by_corridor_tag": _nested(bs.get("by_corridor_tag", {}), ss.get("by_corridor_tag", {})),
        "shares": {table: shares(_tonnes(bs.get("measures") or {}, table, key), _tonnes(ss.get("measures") or {},
                                                                                        table, key))
                   for table, key in (("by_gateway", "node"), ("by_corridor", "corridor"))},
        "border_crossings": borders,
        "transfers": through,
        "bottlenecks": {
            "baseline": list(bb.values()),
            "scenario": list(sb.values()),
            "new": [k for k in sb if k not in bb],
            "relieved": [k for k in bb if k not in sb],
        },
        "unserved_od": list(ss.get("unserved_od", [])),
        "links": links,
    }
    tc = totals.get("total_cost_usd", {})
    pct = tc.get("change_pct")
    out["headline"] = {
        "unserved_t": totals.get("unserved_t", {}).get("scenario"),
        "unserved_change_t": totals.get("unserved_t", {}).get("change"),
        "cost_change_usd": tc.get("change"),
        "cost_change_pct": pct if pct is not None and math.isfinite(pct) else None,
    }
    return out
