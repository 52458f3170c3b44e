"""``corridor demo``: the main job on the built-in data — baseline vs Northern route closed vs Aktau hub."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, print_json, progress_bar

DEMO = ("northern-route-closed", "aktau-hub")
"""The scenarios of the demo, run against ``baseline-2021`` (built-in scenario files)."""


def demo(
    report: Path = typer.Option(Path("corridor-demo.html"), "--report", help="Where to write the HTML report."),
    store: Path | None = options.store(),
    as_json: bool = options.as_json(),
) -> None:
    """Run the 2021 baseline, 'northern-route-closed' and 'aktau-hub' and compare them (table + HTML report)."""
    import corridor
    from corridor import Progress
    from corridor.report import write_comparisons

    rs = corridor.open_store(store)
    runs = []
    with progress_bar("scenarios", quiet=as_json) as tick:
        for i, name in enumerate(DEMO):
            tick(Progress(f"running {name}", i, len(DEMO)))
            runs.append(corridor.run_scenario(name, baseline="baseline-2021", store=rs))
        tick(Progress("writing the report", len(DEMO), len(DEMO)))
        comparisons = [r.to_dict() for r in runs]
        write_comparisons(report, comparisons, runs[0].network,
                          title="corridor demo: what if the Northern route closes?",
                          created=time.strftime("%Y-%m-%d %H:%M"))
    if as_json:
        print_json({"report": str(report), "store": str(rs.path), "comparisons": comparisons})
        return
    _table(comparisons)
    console().print(f"report: {report}   runs: {rs.path} (corridor runs list)", markup=False)


def _through(run: dict[str, Any], *transfers: str) -> float:
    """Tonnes per year through these transfers (ports, gauge changes) in a run summary."""
    return float(sum(run.get("transfers", {}).get(t, 0.0) for t in transfers))


def _measure(run: dict[str, Any], key: str) -> float:
    """A physical measure of a run summary (:mod:`corridor.assignment.measures`); 0 if it has none."""
    return float((run.get("measures") or {}).get(key) or 0.0)


def _table(comparisons: list[dict[str, Any]]) -> None:
    from rich.table import Table

    first = comparisons[0]
    t = Table(title="Kazakhstan's 2021 exports and China–Europe transit under three scenarios", title_justify="left")
    t.add_column("")
    t.add_column(first["baseline"]["name"], justify="right")
    for c in comparisons:
        t.add_column(c["scenario"]["name"], justify="right")
    runs = [first["baseline"], *(c["result"] for c in comparisons)]
    rows = [
        ("served, Mt/yr", lambda r: r["totals"]["served_t"] / 1e6),
        ("unserved, Mt/yr", lambda r: r["totals"]["unserved_t"] / 1e6),
        ("cost, bn USD/yr", lambda r: r["totals"]["total_cost_usd"] / 1e9),
        ("tonne-km, bn", lambda r: r["totals"]["tonne_km"] / 1e9),
        ("CO2e, Mt", lambda r: r["totals"]["co2e_kg"] / 1e9),
        ("via Russia, Mt", lambda r: _measure(r, "russia_t") / 1e6),
        ("TITR (Caspian dry cargo), Mt", lambda r: _measure(r, "titr_t") / 1e6),
        ("TITR containers, kTEU", lambda r: _measure(r, "titr_teu") / 1e3),
        ("Caspian oil by tanker, Mt", lambda r: _measure(r, "caspian_oil_t") / 1e6),
        ("KZ container transit, kTEU", lambda r: _measure(r, "kz_transit_teu") / 1e3),
        ("out through Aktau + Kuryk, Mt", lambda r: _through(r, "aktau-port-out", "kuryk-port-out") / 1e6),
        ("Małaszewicze gauge change, Mt", lambda r: _through(r, "malaszewicze-gauge") / 1e6),
    ]
    for label, f in rows:
        t.add_row(label, *(f"{f(r):,.2f}" for r in runs))
    t.add_row("binding capacities", *(", ".join(b["id"] for b in r.get("bottlenecks", [])[:3]) or "none" for r in runs))
    console().print(t)
