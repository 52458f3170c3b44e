"""The time-slice section of an assignment report: lines with seasonal capacity, by slice.

The lines shown are those whose capacity has a factor or a closure in some slice (on the
built-in data: the Caspian crossings from Aktau and Kuryk, closed by storms).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from corridor.report import _fmt
from corridor.report._page import Markup, join, table, tag
from corridor.report._svg import bar_chart

__all__ = ["slices_section"]

Json = Mapping[str, Any]
_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
_MOST_LINES = 8


def _lines(slices: Sequence[Json]) -> list[str]:
    seen: dict[str, None] = {}
    for s in slices:
        for f in s.get("capacity_factors", []):
            if f["kind"] == "link":
                seen.setdefault(f["id"])
    return list(seen)[:_MOST_LINES]


def _line_state(s: Json, link: str) -> tuple[float, float | None, float | None, float, float | None]:
    """Tonnes, t/yr capacity in the slice (both directions; None: unlimited), top utilisation, open share, wait.

    A line sailed by a fleet takes the fleet's capacity rows (shared with its other lines).
    """
    tonnes = sum(f["tonnes"] for f in s["link_flows"] if f["link"] == link)
    wait = next((w for w in s.get("line_waits", []) if w["link"] == link), None)
    if wait is not None and wait["fleet"]:
        rows = [c for c in s["capacities"] if c["kind"] == "fleet" and c["id"] == wait["fleet"]]
    else:
        rows = [c for c in s["capacities"] if c["kind"] == "link" and c["id"] == link]
    t_rows = [c for c in rows if c["unit"] == "t/yr"]
    cap = sum(c["capacity"] for c in t_rows) if t_rows else None
    utils = [c["utilisation"] for c in rows if c.get("utilisation") is not None]
    factor = next((f["factor"] for f in s.get("capacity_factors", []) if f["kind"] == "link" and f["id"] == link), 1.0)
    return tonnes, cap, max(utils) if utils else None, factor, None if wait is None else float(wait["wait_h"])


def slices_section(result: Json, *, level: int = 2) -> Markup:
    """Heading, a chart of the lines' flows by slice, and a table of flow, capacity, utilisation and open share.

    ``result`` is a sliced LP result's ``to_dict()`` or a scenario's summary (both hold ``slices``);
    ``level`` is the heading level of the section (its sub-heading is one deeper).

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.data.slices import builtin_slice_set
    >>> ds = data.load()
    >>> from corridor.assignment.slices import solve_slices
    >>> year = solve_slices(ds.network, ds.demand, builtin_slice_set("eurasia", "monthly"))
    >>> html = slices_section(year.to_dict())
    >>> html.startswith("<h2>By time slice (monthly)</h2>"), "<svg" in html
    (True, True)
    """
    slices = result.get("slices") or []
    if not slices:
        return Markup("")
    lines = _lines(slices)
    served = table(["slice", "months", "share of year", "served", "unserved"],
                   [[s["id"], ";".join(str(m) for m in s["months"]), _fmt.share(s["share"], 1),
                     _fmt.tonnes(s["served_t"]), _fmt.tonnes(s["unserved_t"])] for s in slices],
                   numeric=(2, 3, 4), caption="Tonnes served in each slice; the year is their sum.", sortable=False)
    name = (result.get("meta") or {}).get("slices") or (result.get("engine_options") or {}).get("slices")
    parts = [tag(f"h{level}", f"By time slice ({name})" if name else "By time slice"), served]
    if not lines:
        parts.append(Markup('<p class="note">No capacity changes between slices.</p>'))
        return join(parts)
    states = [[_line_state(s, lk) for lk in lines] for s in slices]
    chart = bar_chart([s["id"] for s in slices], [[tuple(st[0] for st in row)] for row in states],
                      [list(_PALETTE[: len(lines)])], title="Flows on the lines with seasonal capacity, by slice",
                      fmt=_fmt.tonnes, legend=[(lk, _PALETTE[i]) for i, lk in enumerate(lines)],
                      segment_names=lines)
    rows = []
    for s, row in zip(slices, states, strict=True):
        for lk, (tonnes, cap, util, factor, wait) in zip(lines, row, strict=True):
            rows.append([s["id"], lk, _fmt.tonnes(tonnes), "—" if cap is None else _fmt.tonnes(cap),
                         "" if util is None else _fmt.share(util), _fmt.share(factor),
                         "" if wait is None else f"{wait:,.1f}"])
    detail = table(["slice", "line", "flow", "capacity (t)", "utilisation", "open", "wait (h)"], rows,
                   numeric=(2, 3, 4, 5, 6),
                   caption="Per slice: tonnes on the line (both directions); its capacity in tonnes in the slice "
                           "(after closures; for a line sailed by a fleet, the fleet's rows, shared with its other "
                           "lines, are in wagons or TEU: see utilisation); the highest utilisation of its capacity "
                           "rows; the share of capacity open (factor x (1 - closure probability)); and the wait "
                           "for a departure that the fleet's sailings in the slice give.", sortable=False)
    parts += [tag(f"h{level + 1}", "Lines with seasonal capacity (storm closures)"), chart, detail]
    return join(parts)
