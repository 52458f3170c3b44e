"""``corridor scenario``: run a scenario against its baseline, or sweep its uncertain parameters."""

from __future__ import annotations

from pathlib import Path

import typer

from corridor.cli import _options as options
from corridor.cli._common import emit, progress_bar
from corridor.cli._scenario_tables import show_comparison, show_premium, show_sweep

app = typer.Typer(
    help="What-if scenarios: run one against its baseline, or sweep its uncertain parameters.", no_args_is_help=True
)

SCENARIO_HELP = "Scenario: a YAML file, or a built-in scenario's name (northern-route-closed, aktau-hub ...)."


@app.command("run")
def run(
    file: str = typer.Argument(..., help=SCENARIO_HELP, metavar="FILE"),
    baseline: str | None = typer.Option(
        None, "--baseline", help="Baseline scenario, a file or a built-in name (default: the same base, no changes)."
    ),
    store: Path | None = options.store(),
    no_store: bool = options.no_store(),
    as_json: bool = options.as_json(),
    report: Path | None = options.report("the comparison (cards, tables, map of flow changes)"),
) -> None:
    """Run a scenario and its baseline and show what changes."""
    import corridor
    from corridor.exceptions import InputError, Problem

    if store is not None and no_store:
        raise InputError(Problem("--no-store", "", "give --store or --no-store, not both"))
    with progress_bar(f"running {file} and its baseline", quiet=as_json):
        result = corridor.run_scenario(file, baseline=baseline, store=None if no_store else corridor.open_store(store))
    emit(result, as_json=as_json, show=show_comparison, report=report, title=f"corridor: {result.name}")


@app.command("validate")
def validate(
    file: str = typer.Argument(..., help=SCENARIO_HELP, metavar="FILE"),
    as_json: bool = options.as_json(),
) -> None:
    """Check a scenario without solving: the file, its base, and every change applied to the base network.

    Exit 0 when it would run; exit 2 with one line per problem (file:line, field, message) otherwise.
    """
    from corridor.cli._common import console, print_json
    from corridor.scenarios import load_scenario
    from corridor.scenarios.changes import apply_changes
    from corridor.scenarios.run import base_demand, base_of

    spec = load_scenario(file)
    ds = base_of(spec)
    applied = apply_changes(spec, ds.network, base_demand(spec, ds))
    payload = {"name": spec.name, "file": spec.path, "base": {"dataset": spec.dataset, "year": spec.year},
               "engine": dict(spec.engine), "uncertain": sorted(spec.nominal()), "changes_applied": list(applied.log),
               "content_hash": spec.content_hash()}
    if as_json:
        print_json(payload)
        return
    out = console()
    year = f", {spec.year}" if spec.year else ""
    out.print(f"{spec.name}: valid — base {spec.dataset}{year}, engine {spec.engine.get('method', 'lp')}",
              markup=False)
    for line in payload["changes_applied"]:
        out.print(f"  {line}", markup=False)
    if payload["uncertain"]:
        out.print(f"  uncertain (nominal values used here): {', '.join(payload['uncertain'])}", markup=False)


@app.command("sweep")
def sweep(
    file: str = typer.Argument(..., help="Scenario with 'uncertain' parameters: a YAML file or a built-in name.",
                               metavar="FILE"),
    samples: int = typer.Option(100, "--samples", min=1, help="Number of samples."),
    workers: int | None = options.workers(None, "Local worker processes (default: one per core)."),
    scheduler: str | None = options.scheduler(),
    seed: int = options.seed("Root seed; sample i uses child i of SeedSequence(seed)."),
    resume: str | None = typer.Option(None, "--resume", help="Finish an interrupted sweep (its run id)."),
    store: Path | None = options.store(),
    as_json: bool = options.as_json(),
    report: Path | None = options.report("the sweep (distributions, tornado, bottleneck frequency)"),
) -> None:
    """Monte Carlo sweep: draw the uncertain parameters, solve every sample, report distributions."""
    import corridor
    from corridor.exceptions import InputError, Problem

    if workers is not None and scheduler is not None:
        raise InputError(Problem("--scheduler", "", "give --workers or --scheduler, not both"))
    with progress_bar(f"sweep {file}", quiet=as_json, rate="samples") as tick:
        result = corridor.sweep(file, samples=samples, seed=seed, workers=workers, scheduler=scheduler,
                                store=corridor.open_store(store), resume=resume, progress=tick)
    emit(result, as_json=as_json, show=show_sweep, report=report, title=f"corridor sweep: {result.result.scenario}")



@app.command("premium")
def premium(
    file: str = typer.Argument("baseline-2021", help=SCENARIO_HELP + " Default: baseline-2021.", metavar="[FILE]"),
    countries: str = typer.Option("RU,BY", "--countries", help="Countries the premium is charged on, comma-separated "
                                  "(once per shipment whose route touches one of them)."),
    max_usd: float = typer.Option(100.0, "--max", help="Highest premium, USD per tonne."),
    step_usd: float = typer.Option(5.0, "--step", help="Step between premiums, USD per tonne."),
    as_json: bool = options.as_json(),
    report: Path | None = options.report("the premium curve (volumes, elasticity, binding capacities, gateway "
                                         "shares)"),
) -> None:
    """Premium curve: the stochastic equilibrium at rising risk premiums on Russia (or other countries).

    Runs the scenario's stochastic user equilibrium (engine method sue) at premiums 0, STEP ... MAX
    USD/t added per shipment touching COUNTRIES, and reports Trans-Caspian tonnes and TEU, tonnes
    via Russia, tonnes by corridor and export gateway, the elasticity of Trans-Caspian tonnes to the
    premium and the capacities in the order they start to bind. JSON keys: scenario, countries,
    premiums_usd_per_t, steps (one per premium: premium_usd_per_t, titr_t, titr_teu, russia_t,
    russia_teu, served_t, unserved_t, by_corridor, by_gateway, binding, converged, gap, iterations,
    revisits, tight), elasticity, first_binding, next_to_bind, gateway_shares, corridor_shares,
    engine, elapsed_s.
    """
    import corridor

    with progress_bar(f"premium curve {file}", quiet=as_json) as tick:
        result = corridor.premium_curve(file, countries=countries, max_usd_per_t=max_usd, step_usd_per_t=step_usd,
                                        progress=tick)
    emit(result, as_json=as_json, show=show_premium, report=report,
         title=f"corridor premium curve: {result.result.scenario}")
