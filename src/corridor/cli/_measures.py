"""Terminal tables of the physical measures (:mod:`corridor.assignment.measures`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["MEASURE_ROWS", "measures_diff_table", "measures_tables"]

MEASURE_ROWS: tuple[tuple[str, str, float, int], ...] = (
    ("served_t", "served, Mt/yr", 1e6, 2),
    ("russia_t", "through Russia, Mt/yr", 1e6, 2),
    ("titr_t", "Trans-Caspian (TITR) dry cargo and containers, Mt/yr", 1e6, 2),
    ("titr_teu", "Trans-Caspian (TITR) containers, TEU/yr", 1.0, 0),
    ("caspian_oil_t", "oil across the Caspian by tanker, Mt/yr", 1e6, 2),
    ("kz_transit_teu", "containers in transit through Kazakhstan, TEU/yr", 1.0, 0),
)
"""``(key, label with its unit, divisor, decimals)`` of the scalar measures tables show."""


def _table(title: str, columns: tuple[str, ...], left: tuple[str, ...]) -> Any:
    from rich.table import Table

    t = Table(title=title, title_justify="left", box=None)
    for c in columns:
        t.add_column(c, justify="left" if c in left else "right", overflow="fold")
    return t


def measures_tables(m: Mapping[str, Any], *, borders: int = 8) -> list[Any]:
    """Tables of one result's measures: the scalars, the route corridors, the busiest border crossings."""
    from corridor.assignment.measures import COUNTS

    if not m:
        return []
    s = _table("what the routes do (physical measures)", ("measure", "value", "counts"), ("measure", "counts"))
    for key, label, div, dec in MEASURE_ROWS:
        s.add_row(label, f"{float(m.get(key) or 0.0) / div:,.{dec}f}", COUNTS.get(key, ""))
    c = _table("served tonnes by route corridor (rows add up to served)", ("corridor", "Mt/yr", "TEU/yr", "counts"),
               ("corridor", "counts"))
    for r in m.get("by_corridor", []):
        c.add_row(r["corridor"], f"{r['tonnes'] / 1e6:,.2f}", f"{r['teu']:,.0f}", r.get("counts", ""))
    out = [s, c]
    rows = m.get("by_border", [])[:borders]
    if rows:
        b = _table("busiest border crossings (routes crossing a border at the node)", ("node", "country", "Mt/yr",
                                                                                        "TEU/yr"), ("node", "country"))
        for r in rows:
            b.add_row(r["node"], r["country"], f"{r['tonnes'] / 1e6:,.2f}", f"{r['teu']:,.0f}")
        out.append(b)
    return out


def measures_diff_table(measures: Mapping[str, Any], by_corridor: Mapping[str, Any]) -> Any:
    """One table of a comparison's measures and route corridors: baseline, scenario, change."""
    t = _table("what the routes do (physical measures)", ("", "baseline", "scenario", "change"), ("",))
    for key, label, div, dec in MEASURE_ROWS:
        d = measures.get(key)
        if d is not None:
            t.add_row(label, f"{d['baseline'] / div:,.{dec}f}", f"{d['scenario'] / div:,.{dec}f}",
                      f"{d['change'] / div:+,.{dec}f}")
    for name, v in by_corridor.items():
        d = v.get("tonnes")
        if d is not None:
            t.add_row(f"routes by corridor: {name}, Mt/yr", f"{d['baseline'] / 1e6:,.2f}",
                      f"{d['scenario'] / 1e6:,.2f}", f"{d['change'] / 1e6:+,.2f}")
    return t
