"""Self-contained HTML views of every result: scenario comparisons, sweeps, routes, assignments, hub runs, CPMM.

Each ``render_*`` returns a whole page by default: one HTML file with inline CSS, inline SVG charts
and map, and a few lines of inline script (sortable tables). It loads nothing from the network, so
it opens offline and can be mailed as it is. With ``fragment=True`` it returns instead a
self-contained ``<div>`` for a notebook's ``_repr_html_()``: scoped CSS, a table and one small chart
or map, no script. Each ``write_*`` writes the page atomically (a temporary file, then a rename).
The output is deterministic: the same input gives the same bytes (no timestamp unless ``created``
is given).

Examples
--------
>>> from corridor.report import render_sweep
>>> text = render_sweep({"scenario": "demo", "n": 0, "samples": 0, "metrics": {}})
>>> text.startswith("<!DOCTYPE html>") and "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
True
>>> render_sweep({"scenario": "demo", "n": 0, "samples": 0, "metrics": {}}, fragment=True).startswith("<div")
True
"""

from __future__ import annotations

from corridor.report._analytics import render_cpmm, render_tcd, tcd_figures, write_cpmm, write_tcd
from corridor.report._assignment import render_assignment, write_assignment
from corridor.report._calibration import render_calibration
from corridor.report._comparison import render_comparisons, write_comparisons
from corridor.report._hub import render_hub, write_hub
from corridor.report._premium import render_premium, write_premium
from corridor.report._routes import render_routes, write_routes
from corridor.report._sweep import render_sweep, write_sweep

__all__ = [
    "render_assignment",
    "render_calibration",
    "render_comparisons",
    "render_cpmm",
    "render_hub",
    "render_premium",
    "render_routes",
    "render_sweep",
    "render_tcd",
    "tcd_figures",
    "write_assignment",
    "write_comparisons",
    "write_cpmm",
    "write_hub",
    "write_premium",
    "write_routes",
    "write_sweep",
    "write_tcd",
]
