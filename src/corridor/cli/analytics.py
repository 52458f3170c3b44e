"""``corridor analytics``: corridor performance from shipment logs (CAREC CPMM, UNESCAP TCD), vs the model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, print_json

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
) -> None:
    """CAREC CPMM indicators: TFI1/TFI2 per border crossing, SWD/SWOD/TFI3 per trip, with percentiles."""
    from corridor.analytics import cpmm

    result = cpmm(read_log(logs, network))
    payload = result.to_dict()
    if as_json:
        print_json(payload)
    else:
        _show_cpmm(payload)


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


# -- calibrate --------------------------------------------------------------------------------------


# -- synth ------------------------------------------------------------------------------------------
