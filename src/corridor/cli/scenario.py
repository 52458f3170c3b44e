"""``corridor scenario``: run a scenario against its baseline, or sweep its uncertain parameters."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli._common import console, print_json

if TYPE_CHECKING:
    from corridor.scenarios.run import RunOutcome
    from corridor.scenarios.spec import ScenarioSpec

app = typer.Typer(
    help="What-if scenarios: run one against its baseline, or sweep its uncertain parameters.", no_args_is_help=True
)

STORE_HELP = "Run store (DuckDB file); default $CORRIDOR_HOME/runs.duckdb or ./corridor-runs.duckdb."


def _store(path: Path | None) -> Any:
    from corridor.scenarios.store import RunStore

    return RunStore(path)


def run_or_reuse(spec: ScenarioSpec, store: Any, *, base: Any = None, kind: str = "scenario",
                 parent_id: str | None = None) -> dict[str, Any]:
    """Run ``spec`` (or reuse an identical finished run from ``store``): ``{run_id, reused, summary, tables}``."""
    from corridor.exceptions import InputError
    from corridor.scenarios.run import run_spec

    spec_hash = spec.content_hash()
    if store is not None:
        found = store.find_done(spec_hash, kind)
        if found is not None:
            run = store.get(found)
            return {
                "run_id": found,
                "reused": True,
                "summary": run["summary"],
                "tables": store.tables(found),
                "spec_hash": spec_hash,
            }
        run_id = store.start(kind, spec.name, spec.to_dict(), spec_hash, parent_id=parent_id or None)
        try:
            out: RunOutcome = run_spec(spec, base=base)
        except InputError:
            store.delete(run_id)  # bad input leaves nothing in the store
            raise
        except BaseException as e:
            store.fail(run_id, f"{type(e).__name__}: {e}", interrupted=isinstance(e, KeyboardInterrupt))
            raise
        store.finish(run_id, summary=out.summary, tables=out.tables, elapsed_s=out.elapsed_s)
        return {"run_id": run_id, "reused": False, "summary": out.summary, "tables": out.tables, "spec_hash": spec_hash}
    out = run_spec(spec, base=base)
    return {"run_id": "", "reused": False, "summary": out.summary, "tables": out.tables, "spec_hash": spec_hash}


def compare_specs(spec: ScenarioSpec, baseline: ScenarioSpec, store: Any, *, base: Any = None) -> dict[str, Any]:
    """Run (or reuse) baseline and scenario and compare them: the ``scenario run --json`` payload."""
    from corridor.scenarios.changes import apply_changes
    from corridor.scenarios.compare import compare_runs
    from corridor.scenarios.run import base_demand, load_base

    if base is None:
        base = load_base(spec.dataset, relative_to=spec.path)
    for s in (baseline, spec):  # bad input fails here, before anything is run or stored
        ds = base if s.dataset == spec.dataset else load_base(s.dataset, relative_to=s.path)
        apply_changes(s, ds.network, base_demand(s, ds))
    b = run_or_reuse(baseline, store, base=base if baseline.dataset == spec.dataset else None, kind="baseline")
    s = run_or_reuse(spec, store, base=base, parent_id=b["run_id"])
    diff = compare_runs(b, s)
    return {
        "scenario": {
            "name": spec.name,
            "description": spec.description,
            "file": spec.path,
            "changes": [c.to_dict() for c in spec.changes],
            "sources": dict(spec.sources),
            "run_id": s["run_id"],
            "spec_hash": s["spec_hash"],
            "reused": s["reused"],
        },
        "baseline": {
            "name": baseline.name,
            "file": baseline.path,
            "run_id": b["run_id"],
            "spec_hash": b["spec_hash"],
            "reused": b["reused"],
            **b["summary"],
        },
        "result": s["summary"],
        "diff": diff,
    }


@app.command("run")
def run(
    file: Path = typer.Argument(..., help="Scenario file (YAML)."),
    baseline: Path | None = typer.Option(
        None, "--baseline", help="Baseline scenario (default: the same base, no changes)."
    ),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    no_store: bool = typer.Option(False, "--no-store", help="Do not record the runs."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for programs."),
    report: Path | None = typer.Option(None, "--report", help="Write a self-contained HTML report here."),
) -> None:
    """Run a scenario and its baseline and show what changes."""
    from corridor.scenarios.spec import load_scenario

    spec = load_scenario(file)
    base_spec = load_scenario(baseline) if baseline is not None else spec.without_changes()
    rs = None if no_store else _store(store)
    with _spinner(f"running {spec.name} and its baseline", quiet=as_json):
        payload = compare_specs(spec, base_spec, rs)
    if report is not None:
        _write_report(report, [payload], spec.dataset, f"corridor: {spec.name}", quiet=as_json)
    if as_json:
        print_json(payload)
    else:
        show_comparison(payload)


@app.command("sweep")
def sweep(
    file: Path = typer.Argument(..., help="Scenario file (YAML) with 'uncertain' parameters."),
    samples: int = typer.Option(100, "--samples", "-n", min=1, help="Number of samples."),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, help="Local worker processes (default: one per core)."
    ),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Run on a Dask cluster: tcp://HOST:PORT."),
    seed: int = typer.Option(0, "--seed", min=0, help="Root seed; sample i uses child i of SeedSequence(seed)."),
    resume: str | None = typer.Option(None, "--resume", help="Finish an interrupted sweep (its run id)."),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for programs."),
    report: Path | None = typer.Option(None, "--report", help="Write a self-contained HTML report here."),
) -> None:
    """Monte Carlo sweep: draw the uncertain parameters, solve every sample, report distributions."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from corridor.exceptions import InputError, Problem
    from corridor.io.yaml import load_yaml
    from corridor.scenarios.spec import parse_scenario
    from corridor.scenarios.sweep import run_sweep

    if workers is not None and scheduler is not None:
        raise InputError(Problem("--scheduler", "", "give --workers or --scheduler, not both"))
    doc = load_yaml(file)
    spec = parse_scenario(doc, str(file))
    rs = _store(store)
    bar = Progress(
        TextColumn(f"sweep {spec.name}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} samples/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=True,
        disable=as_json,
    )
    with bar:
        task = bar.add_task("", total=samples, rate="-")

        def progress(p: Any) -> None:
            rate = f"{(p.done - start_done[0]) / p.elapsed:,.1f}" if p.elapsed > 0 else "-"
            bar.update(task, completed=p.done, rate=rate)

        start_done = [len(rs.sample_indices(rs.resolve(resume))) if resume else 0]
        bar.update(task, completed=start_done[0])
        result = run_sweep(
            spec,
            doc,
            samples,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            store=rs,
            resume=resume,
            progress=progress,
        )
    payload = result.to_dict()
    payload["store"] = str(rs.path)
    payload["uncertain"] = {k: u.to_dict() for k, u in spec.uncertain.items()}
    if report is not None:
        from corridor.report import write_sweep

        write_sweep(report, payload, result.frame, title=f"corridor sweep: {spec.name}")
        if not as_json:
            console(stderr=True).print(f"wrote {report}")
    if as_json:
        print_json(payload)
    else:
        show_sweep(payload)


def _spinner(text: str, *, quiet: bool) -> Any:
    """A spinner on stderr while ``text`` goes on (nothing with ``--json``)."""
    from contextlib import nullcontext

    return nullcontext() if quiet else console(stderr=True).status(text)


def _write_report(path: Path, comparisons: list[dict[str, Any]], dataset: str, title: str, *, quiet: bool) -> None:
    from corridor.report import write_comparisons
    from corridor.scenarios.run import load_base

    network = load_base(dataset).network
    write_comparisons(path, comparisons, network, title=title, created=time.strftime("%Y-%m-%d %H:%M"))
    if not quiet:
        console(stderr=True).print(f"wrote {path}")


def _mt(v: float | None) -> str:
    return "" if v is None else f"{v / 1e6:,.2f}"


def _pct(v: float | None) -> str:
    return "" if v is None else f"{v:+.1f}%"


def show_comparison(d: dict[str, Any]) -> None:  # noqa: PLR0912 - one table per part
    """Tables for people: totals, commodities, corridors, bottlenecks, largest link changes."""
    from rich.table import Table

    out = console()
    sc, diff = d["scenario"], d["diff"]
    reused = " (reused stored runs)" if sc.get("reused") and d["baseline"].get("reused") else ""
    out.print(f"[bold]{sc['name']}[/] vs [bold]{d['baseline']['name']}[/]{reused}")
    if sc.get("description"):
        out.print(sc["description"].strip(), style="dim")
    t = Table(title="totals", title_justify="left", box=None)
    for c in ("", "baseline", "scenario", "change", "%"):
        t.add_column(c, justify="left" if not c else "right")
    scale = {
        "demand_t": (1e6, "demand, Mt/yr"),
        "served_t": (1e6, "served, Mt/yr"),
        "unserved_t": (1e6, "unserved, Mt/yr"),
        "total_cost_usd": (1e9, "generalised cost, bn USD/yr"),
        "money_usd": (1e9, "tariffs, bn USD/yr"),
        "tonne_km": (1e9, "tonne-km, bn"),
        "co2e_kg": (1e9, "CO2e, Mt"),
        "hours_t": (1e9, "tonne-hours, bn"),
        "border_crossings_t": (1e6, "border crossings, Mt"),
    }
    for k, (f, label) in scale.items():
        v = diff["totals"].get(k)
        if v is None:
            continue
        t.add_row(
            label,
            f"{v['baseline'] / f:,.2f}",
            f"{v['scenario'] / f:,.2f}",
            f"{v['change'] / f:+,.2f}",
            _pct(v["change_pct"]),
        )
    out.print(t)
    c = Table(title="by commodity (Mt/yr)", title_justify="left", box=None)
    for col in ("commodity", "served", "Δ served", "unserved", "Δ unserved"):
        c.add_column(col, justify="left" if col == "commodity" else "right")
    for name, v in diff["by_commodity"].items():
        c.add_row(
            name,
            _mt(v["served_t"]["scenario"]),
            _mt(v["served_t"]["change"]),
            _mt(v["unserved_t"]["scenario"]),
            _mt(v["unserved_t"]["change"]),
        )
    out.print(c)
    k = Table(title="by corridor (Mt entering, TEU)", title_justify="left", box=None)
    for col in ("corridor", "baseline Mt", "scenario Mt", "Δ Mt", "baseline TEU", "scenario TEU"):
        k.add_column(col, justify="left" if col == "corridor" else "right")
    for name, v in diff["by_corridor"].items():
        k.add_row(
            name,
            _mt(v["tonnes"]["baseline"]),
            _mt(v["tonnes"]["scenario"]),
            _mt(v["tonnes"]["change"]),
            f"{v['teu']['baseline']:,.0f}",
            f"{v['teu']['scenario']:,.0f}",
        )
    out.print(k)
    b = Table(title="binding capacities in the scenario", title_justify="left", box=None)
    for col in ("", "capacity", "USD/yr per t/yr"):
        b.add_column(col, justify="left" if not col else "right")
    new = set(diff["bottlenecks"]["new"])
    for row in d["result"].get("bottlenecks", [])[:12]:
        where = f" {row['from']}→{row['to']}" if row.get("from") else ""
        key = f"{row.get('kind')} {row.get('id')}{where} ({row.get('unit')})"
        b.add_row(
            ("[bold]new[/] " if key in new else "") + f"{row['kind']} {row['id']}{where}",
            f"{row.get('capacity') or 0:,.0f} {row.get('unit', '')}",
            f"{row.get('usd_per_t_yr') or 0:,.2f}",
        )
    if d["result"].get("bottlenecks"):
        out.print(b)
    else:
        out.print("no capacity binds in the scenario")
    if diff["bottlenecks"]["relieved"]:
        out.print("relieved: " + "; ".join(diff["bottlenecks"]["relieved"]))
    _show_congestion(d["result"])
    lk = Table(title="largest changes in link flows (Mt/yr)", title_justify="left", box=None)
    for col in ("link", "direction", "baseline", "scenario", "change"):
        lk.add_column(col, justify="left" if col in ("link", "direction") else "right")
    for row in diff["links"][:10]:
        lk.add_row(
            row["link"],
            f"{row['from']}→{row['to']}",
            _mt(row["baseline_t"]),
            _mt(row["scenario_t"]),
            f"{row['change_t'] / 1e6:+,.2f}",
        )
    out.print(lk)
    if diff["unserved_od"]:
        u = Table(title="unserved demand", title_justify="left", box=None)
        for col in ("row", "origin → destination", "commodity", "Mt/yr", "why"):
            u.add_column(col, justify="right" if col == "Mt/yr" else "left")
        for row in diff["unserved_od"][:12]:
            u.add_row(
                row["id"],
                f"{row['origin']} → {row['destination']}",
                row["commodity"],
                _mt(row["unserved_t"]),
                row.get("reason", ""),
            )
        out.print(u)


def _show_congestion(result: dict[str, Any]) -> None:
    """The equilibrium's most delayed capacities (absent for LP runs)."""
    from rich.table import Table

    rows = [r for r in result.get("congestion") or [] if r["delay_h"] >= 0.05]
    if "gap" not in result:
        return
    console().print(f"equilibrium: relative gap {result.get('gap', float('nan')):.2e} after "
                    f"{result.get('iterations')} iterations" + ("" if result.get("converged") else " (NOT converged)"))
    t = Table(title="most delayed capacities in the scenario", title_justify="left", box=None)
    for col in ("", "unit", "utilisation", "free time h", "delay h"):
        t.add_column(col, justify="left" if col in ("", "unit") else "right")
    for r in rows[:10]:
        where = f" {r['from']}→{r['to']}" if r.get("from") else ""
        util = r.get("utilisation")
        t.add_row(f"{r['kind']} {r['id']}{where}", r["unit"], "" if util is None else f"{util:.0%}",
                  f"{r['free_time_h']:,.1f}", f"{r['delay_h']:,.1f}")
    console().print(t)


def show_sweep(d: dict[str, Any]) -> None:
    """Tables for people: quantiles, exceedance, bottleneck frequency, tornado."""
    from rich.table import Table

    out = console()
    rate = d.get("samples_per_s")
    out.print(
        f"[bold]sweep {d['scenario']}[/]: {d['n']} of {d['samples']} samples (seed {d['seed']}), run "
        f"{d['sweep_id']} in {d['store']}" + (f"; {rate:,.1f} samples/s" if rate else "")
    )
    t = Table(title="distributions", title_justify="left", box=None)
    for col in ("metric", "mean", "p5", "p50", "p95"):
        t.add_column(col, justify="left" if col == "metric" else "right")
    scale = {"unserved_t": 1e6, "served_t": 1e6, "total_cost_usd": 1e9, "tonne_km": 1e9, "co2e_kg": 1e9, "hours_t": 1e9}
    units = {
        "unserved_t": "Mt/yr",
        "served_t": "Mt/yr",
        "total_cost_usd": "bn USD/yr",
        "tonne_km": "bn t·km",
        "co2e_kg": "Mt CO2e",
        "hours_t": "bn t·h",
    }
    for m, q in d["metrics"].items():
        f = scale.get(m, 1.0)
        t.add_row(f"{m} ({units.get(m, '')})", *(f"{(q[k] or 0) / f:,.3f}" for k in ("mean", "p5", "p50", "p95")))
    out.print(t)
    if d.get("p_unserved_above"):
        out.print(
            "P(unserved > x): " + ", ".join(f"{float(k) / 1e6:g} Mt: {v:.0%}" for k, v in d["p_unserved_above"].items())
        )
    if d.get("bottleneck_frequency"):
        out.print("binds in: " + ", ".join(f"{k} {v:.0%}" for k, v in list(d["bottleneck_frequency"].items())[:8]))
    tt = Table(
        title="what matters (tornado: mean in the top vs bottom fifth of each parameter)",
        title_justify="left",
        box=None,
    )
    for col in ("metric", "parameter", "Spearman", "swing"):
        tt.add_column(col, justify="left" if col in ("metric", "parameter") else "right")
    for r in d.get("tornado", []):
        f = scale.get(r["metric"], 1.0)
        tt.add_row(
            r["metric"],
            r["parameter"],
            f"{r['spearman']:+.2f}",
            "" if r["swing"] is None else f"{r['swing'] / f:+,.3f}",
        )
    out.print(tt)
