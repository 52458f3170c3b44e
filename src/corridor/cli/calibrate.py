"""``corridor calibrate``: fit the shippers' choice to the base year's observations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, emit, progress_bar, wrote


def calibrate(
    dataset: str = typer.Option("eurasia", "--dataset", help="A built-in dataset or a dataset folder with "
                                "targets.csv."),
    year: int = typer.Option(2021, "--year", min=1900, max=2100, help="The base year the targets describe."),
    fit: str | None = typer.Option(None, "--fit", help="Parameters to fit, comma-separated (default: theta, "
                                   "constant:trans-caspian, constant:maritime)."),
    profile: bool = typer.Option(True, "--profile/--no-profile", help="Profile each fitted parameter."),
    max_evaluations: int = typer.Option(60, "--max-evaluations", min=1, max=10_000,
                                        help="Most equilibria the least-squares search may run."),
    write_parameters: Path | None = typer.Option(None, "--write-parameters",
                                                 help="Write the parameters as choice.csv (a file or a folder)."),
    table: Path | None = typer.Option(None, "--table", help="Write the targets table (target, observed, model, "
                                      "ratio, source) as CSV."),
    as_json: bool = options.as_json(),
    report: Path | None = options.report("the calibration (targets, parameters, profiles)"),
) -> None:
    """Calibrate the stochastic equilibrium's choice parameters on the base year (2021) and print target vs model."""
    import corridor

    names = [f.strip() for f in fit.split(",") if f.strip()] if fit else None
    with progress_bar("calibrate", quiet=as_json) as tick:
        result = corridor.calibrate(dataset, year=year, fit=names, profile=profile, max_evaluations=max_evaluations,
                                    progress=tick)
    if write_parameters is not None:
        wrote(result.write_parameters(write_parameters), quiet=as_json)
    if table is not None:
        from corridor.io.files import write_text

        wrote(write_text(table, result.to_frame().to_csv(index=False)), quiet=as_json)
    emit(result, as_json=as_json, show=_show, report=report, title="corridor: calibration")


def _show(d: dict[str, Any]) -> None:
    from rich.table import Table

    out = console()
    t = Table(title=f"Targets {d.get('year', '')}: observed vs calibrated model (met: within "
              f"{d['tolerance']:.0%}, fitted targets)")
    for c in ("target", "observed", "model", "model/obs", "fit", "source"):
        t.add_column(c, justify="right" if c in ("observed", "model", "model/obs") else "left")
    for r in d["targets"]:
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.2f}"
        verdict = ("met" if r["within"] else "missed") if r["fit"] else "not fitted"
        t.add_row(r["name"], f"{r['observed']:,.0f} {r['unit']}",
                  "–" if r["model"] is None else f"{r['model']:,.0f} {r['unit']}", ratio, verdict, r["source"])
    out.print(t)
    p = Table(title="Parameters")
    for c in ("parameter", "value", "std. error", "status"):
        p.add_column(c, justify="right" if c in ("value", "std. error") else "left")
    for r in d["parameters"]:
        p.add_row(r["name"], f"{r['value']:.4g}", "–" if r["se"] is None else f"{r['se']:.3g}", r["status"])
    out.print(p)
    out.print(f"objective {d['objective']:.4g} (start {d['start_objective']:.4g}), {d['evaluations']} equilibria, "
              f"{d['seconds']:.0f} s; {d['message']}")
