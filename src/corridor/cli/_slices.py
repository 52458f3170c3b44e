"""The per-slice table of ``corridor assign --slices``."""

from __future__ import annotations

from typing import Any

__all__ = ["affected", "slices_table"]

_MOST_LINES = 8


def affected(slices: list[dict[str, Any]]) -> list[str]:
    """Links with a capacity factor or closure in some slice, in order of first appearance."""
    seen: dict[str, None] = {}
    for s in slices:
        for f in s.get("capacity_factors", []):
            if f["kind"] == "link":
                seen.setdefault(f["id"])
    return list(seen)


def _flows(s: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for f in s["link_flows"]:
        out[f["link"]] = out.get(f["link"], 0.0) + f["tonnes"]
    return out


def slices_table(slices: list[dict[str, Any]]) -> Any:
    """A column per slice: served Mt, then per line whose capacity changes by slice its flow (kt) and factor."""
    from rich.table import Table

    lines = affected(slices)[:_MOST_LINES]
    t = Table(title="by time slice: lines with closures or capacity factors (kt in the slice; x capacity open)",
              title_justify="left", box=None)
    t.add_column("")
    for s in slices:
        t.add_column(s["id"], justify="right")
    t.add_row("served Mt", *(f"{s['served_t'] / 1e6:,.1f}" for s in slices))
    flows = [_flows(s) for s in slices]
    factors = [{f["id"]: f["factor"] for f in s.get("capacity_factors", []) if f["kind"] == "link"} for s in slices]
    for lk in lines:
        t.add_row(f"{lk} kt", *(f"{fl.get(lk, 0.0) / 1e3:,.0f}" for fl in flows))
        t.add_row("  x open", *(f"{fa.get(lk, 1.0):.2f}" for fa in factors))
    return t
