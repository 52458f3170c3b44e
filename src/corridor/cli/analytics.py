"""``corridor analytics``: corridor performance from shipment logs (CAREC CPMM, UNESCAP TCD), vs the model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, emit

if TYPE_CHECKING:
    from corridor.analytics import ShipmentLog

app = typer.Typer(help="Corridor performance from shipment logs: CPMM indicators, time/cost-distance charts, "
                  "observed vs model, synthetic logs.", no_args_is_help=True)

LOGS_HELP = "Shipment log: a .csv or .parquet file (format: docs/ANALYTICS.md)."
CHECK_NETWORK_HELP = ("Check node ids against this network (a .geojson file, a CSV folder or 'eurasia' for the "
                      "built-in one); default: no check.")


def read_log(path: Path, network: str | None) -> ShipmentLog:
    """The validated log at ``path``; node ids checked against ``network`` when one is named."""
    from corridor.analytics import read_shipment_log

    net = None
    if network is not None:
        import corridor

        net = corridor.load(None if network == "eurasia" else network).network
    return read_shipment_log(path, net)


# -- cpmm -------------------------------------------------------------------------------------------


@app.command("cpmm")
def cpmm_cmd(
    logs: Path = typer.Argument(..., help=LOGS_HELP, show_default=False),
    network: str | None = typer.Option(None, "--network", help=CHECK_NETWORK_HELP, show_default=False),
    as_json: bool = options.as_json(),
    report: Path | None = options.report("the indicators, with a time/cost-distance chart per section"),
) -> None:
    """CAREC CPMM indicators: TFI1/TFI2 per border crossing, SWD/SWOD/TFI3 per trip, with percentiles."""
    import corridor

    result = corridor.cpmm(read_log(logs, network))
    emit(result, as_json=as_json, show=_show_cpmm, report=report)


def _show_cpmm(d: dict[str, Any]) -> None:
    from rich.table import Table

    out = console()
    for key, title, by in (("border_by_bcp", "Border crossings (TFI1 h, TFI2 USD)", "bcp"),
                           ("travel_by_section", "Trips by section", "section")):
        t = Table(title=title)
        for c in (by, "indicator", "count", "mean", "p10", "p50", "p90", "max"):
            t.add_column(c, justify="left" if c in (by, "indicator") else "right")
        for r in d[key]:
            t.add_row(str(r[by]), r["indicator"], f"{r['count']:,}",
                      *("–" if r[c] is None else f"{r[c]:,.1f}" for c in ("mean", "p10", "p50", "p90", "max")))
        out.print(t)


# -- tcd --------------------------------------------------------------------------------------------


@app.command("tcd")
def tcd_cmd(
    logs: Path = typer.Argument(..., help=LOGS_HELP, show_default=False),
    shipment: list[str] = typer.Option([], "--shipment", help="Only this shipment (repeat for more).",
                                       show_default=False),
    section: list[str] = typer.Option([], "--section", help="Only this section, 'A → B' or 'A -> B' (repeat for "
                                      "more).", show_default=False),
    by: list[str] = typer.Option(["section"], "--by", help="Group the corridors by section, mode, direction, "
                                 "commodity or month (repeat to combine)."),
    network: str | None = typer.Option(None, "--network", help=CHECK_NETWORK_HELP, show_default=False),
    as_json: bool = options.as_json(),
    report: Path | None = options.report("the time/cost-distance charts"),
) -> None:
    """UNESCAP time/cost-distance: cumulative time and cost against distance, per trip and per section."""
    from corridor.analytics import tcd
    from corridor.results import TimeCostDistance

    result = TimeCostDistance(tcd(read_log(logs, network), by=tuple(by), shipments=shipment, sections=section))
    emit(result, as_json=as_json, show=_show_tcd, report=report)


def _show_tcd(d: dict[str, Any]) -> None:
    from rich.table import Table

    out = console()
    by = [str(b) for b in d["by"]]
    if d.get("synthetic"):
        out.print("synthetic log: generated trips, not observations", style="yellow", markup=False)
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in d["corridors"]:
        if r["method"] == "grid" and r["point"] % 10:
            continue  # every tenth distance step is enough on a terminal
        groups.setdefault(" · ".join(str(r.get(b) or "") for b in by), []).append(r)
    for name, rows in groups.items():
        how = "at each waypoint" if rows[0]["method"] == "waypoints" else "on distance steps"
        t = Table(title=f"{name}: median {how} ({rows[0]['trips']} trips)")
        for c in ("waypoint", "km", "hours", "p10-p90 h", "USD", "p10-p90 USD"):
            t.add_column(c, justify="left" if c == "waypoint" else "right")
        for r in rows:
            t.add_row(str(r["label"] or r["point"]), f"{r['distance_km']:,.0f}", f"{r['elapsed_h_p50']:,.1f}",
                      f"{r['elapsed_h_p10']:,.1f}-{r['elapsed_h_p90']:,.1f}", f"{r['cumulative_usd_p50']:,.0f}",
                      f"{r['cumulative_usd_p10']:,.0f}-{r['cumulative_usd_p90']:,.0f}")
        out.print(t)


# -- calibrate --------------------------------------------------------------------------------------


# -- synth ------------------------------------------------------------------------------------------
