"""``corridor hub``: the discrete-event simulation of the Aktau container hub."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli._common import console, print_json

if TYPE_CHECKING:
    from corridor.hub import HubConfig

app = typer.Typer(help="Simulate the Aktau container hub (SimPy): KPIs, design sweeps, delay curve.",
                  no_args_is_help=True)

CONFIG_HELP = "Hub config: a YAML file or a built-in name (default: aktau-hub, the 240,000 TEU/yr design)."


def _config_option() -> Any:
    return typer.Option("aktau-hub", "--config", "-c", help=CONFIG_HELP)


def _load(config: str) -> HubConfig:
    from corridor.hub import load_config

    with _warnings_to_stderr():
        return load_config(config)


@contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    """Print warnings raised inside (no steady state ...) as ``warning: ...`` lines on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    err = console(stderr=True)
    for w in caught:
        err.print(f"warning: {w.message}", style="yellow", markup=False, soft_wrap=True)


@contextmanager
def _progress(label: str, *, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True, disable=quiet) as bar:
        task = bar.add_task(label, total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


def _ints(text: str | None, option: str) -> list[int] | None:
    return [int(v) for v in _floats(text, option, integer=True) or []] or None


def _floats(text: str | None, option: str, *, integer: bool = False) -> list[float] | None:
    from corridor.exceptions import InputError, Problem

    if text is None or not text.strip():
        return None
    out = []
    for part in text.split(","):
        try:
            v = float(part.strip().replace("_", ""))
        except ValueError:
            raise InputError(Problem(option, "", f"not a number: {part.strip()!r} (give a comma-separated list)")) \
                from None
        if integer and v != int(v):
            raise InputError(Problem(option, "", f"not a whole number: {part.strip()!r}"))
        if v <= 0:
            raise InputError(Problem(option, "", f"values must be > 0, not {part.strip()}"))
        out.append(v)
    return out


@app.command("simulate")
def simulate_cmd(
    config: str = _config_option(),
    days: int = typer.Option(365, "--days", help="Simulated days measured (after the warm-up)."),
    warmup_days: int = typer.Option(14, "--warmup-days", help="Days simulated first and discarded."),
    replications: int = typer.Option(5, "--replications", "-r", help="Independent seeded replications."),
    seed: int = typer.Option(0, "--seed", help="Seed: the same seed gives the same output."),
    workers: int = typer.Option(1, "--workers", "-w", help="Local worker processes for the replications."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:port)."),
    engine: str = typer.Option("kernel", "--engine", help="Queue mode: kernel (compiled) or simpy (reference)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for programs."),
    report: Path | None = typer.Option(None, "--report", help="Write a self-contained HTML report (SVG charts)."),
) -> None:
    """Simulate the hub over seeded replications: waits, utilisation, yard, dwell, with 95 % CIs."""
    from corridor.hub import simulate

    cfg = _load(config)
    with _progress("replications", quiet=as_json) as tick, _warnings_to_stderr():
        result = simulate(cfg, days=days, warmup_days=warmup_days, replications=replications, seed=seed,
                          workers=workers, scheduler=scheduler, engine=engine, progress=tick)
    payload = result.to_dict()
    if report is not None:
        from corridor.report import write_hub

        write_hub(report, payload, title=f"Hub simulation: {cfg.name}")
        console(stderr=True).print(f"wrote {report}")
    if as_json:
        print_json(payload)
    else:
        _show_simulation(payload)


def _ci(d: dict[str, Any], fmt: str) -> str:
    ci = d.get("ci")  # every KPI is ≥ 0: a t-interval reaching below 0 is shown from 0
    return f"{max(ci[0], 0.0):{fmt}} – {ci[1]:{fmt}}" if ci else "–"


def _show_simulation(d: dict[str, Any]) -> None:
    from rich.table import Table

    out = console()
    if d["mode"] == "queue":
        w = d["wait_h"]
        out.print(f"[bold]{d['config']}[/]: queue with {d['servers']} servers, ρ = {d['utilisation_offered']:.3f}; "
                  f"{d['replications']} replications × {d['days']} days, seed {d['seed']}")
        t = Table(box=None)
        for col in ("KPI", "mean", "95 % CI", "p95"):
            t.add_column(col, justify="left" if col == "KPI" else "right")
        t.add_row("wait in queue (h)", f"{w['mean']:.4g}", _ci(w, ".4g"), f"{w['p95']:.4g}")
        t.add_row("utilisation", f"{d['utilisation']['mean']:.4f}", _ci(d["utilisation"], ".4f"), "")
        t.add_row("customers per year", f"{d['customers_per_yr']['mean']:,.0f}", "", "")
        out.print(t)
        th = d.get("theory")
        if th:
            verdict = "inside" if th["within_ci"] else "OUTSIDE"
            out.print(f"theory ({th['formula']}): Wq = {th['wait_mean_h']:.4g} h, {verdict} the 95 % CI")
        return
    out.print(f"[bold]{d['config']}[/] at {d['demand_teu_per_yr']:,.0f} TEU/yr offered: {d['replications']} "
              f"replications × {d['days']} days (+{d['warmup_days']} warm-up), seed {d['seed']}")
    t = Table(box=None)
    for col in ("KPI", "mean", "95 % CI", "p95"):
        t.add_column(col, justify="left" if col == "KPI" else "right")

    def row(name: str, key: str, fmt: str = ".1f") -> None:
        v = d[key]
        p95 = f"{v['p95']:{fmt}}" if "p95" in v else ""
        t.add_row(name, f"{v['mean']:{fmt}}", _ci(v, fmt), p95)

    row("throughput (TEU/yr)", "throughput_teu", ",.0f")
    row("vessel & ferry wait (h)", "vessel_wait_h")
    row("train wait (h)", "train_wait_h")
    row("truck wait at gate (h)", "truck_wait_h", ".2f")
    row("berth utilisation", "berth_utilisation", ".3f")
    row("crane utilisation", "crane_utilisation", ".3f")
    row("rail track utilisation", "track_utilisation", ".3f")
    row("ferry bridge utilisation", "ferry_bridge_utilisation", ".3f")
    row("yard occupancy", "yard_occupancy", ".3f")
    row("yard dwell (h)", "dwell_h")
    row("time in hub (h)", "time_in_hub_h")
    row("backlog at end (TEU)", "backlog_teu", ",.0f")
    row("days closed by storms", "days_closed")
    out.print(t)
    y = d["yard_occupancy"]
    out.print(f"yard {y['capacity_teu']:,} TEU: above {y['threshold']:.0%} for {y['share_over_threshold']:.1%} of "
              f"the time, max {y['max']:.1%}; vessel wait from storms "
              f"{d['vessel_wait_h']['weather_mean']:.1f} h on average")


@app.command("sweep")
def sweep_cmd(
    config: str = _config_option(),
    berths: str | None = typer.Option(None, "--berths", help="Berth counts, e.g. 1,2,3."),
    cranes: str | None = typer.Option(None, "--cranes", help="Crane counts, e.g. 2,4."),
    yard_slots: str | None = typer.Option(None, "--yard-slots", help="Yard ground slots, e.g. 690,900,1200."),
    tracks: str | None = typer.Option(None, "--tracks", help="Rail loading tracks, e.g. 2,3,4."),
    demand_teu: str | None = typer.Option(None, "--demand-teu", help="Demand levels in TEU/yr, e.g. 200000,240000."),
    target_wait_h: float = typer.Option(12.0, "--target-wait-h", help="Target: mean vessel wait below this (h)."),
    target_yard_p95: float = typer.Option(0.85, "--target-yard-p95", help="Target: yard p95 occupancy below this."),
    days: int = typer.Option(365, "--days", help="Simulated days per run."),
    warmup_days: int = typer.Option(14, "--warmup-days", help="Warm-up days per run."),
    replications: int = typer.Option(3, "--replications", "-r", help="Replications per design."),
    seed: int = typer.Option(0, "--seed", help="Seed (the same seeds for every design)."),
    workers: int = typer.Option(1, "--workers", "-w", help="Local worker processes."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:port)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for programs."),
) -> None:
    """Grid over berths × cranes × yard slots × tracks × demand; the smallest design meeting the target."""
    from corridor.hub import sweep

    cfg = _load(config)
    grid = {"berths": _ints(berths, "--berths"), "cranes": _ints(cranes, "--cranes"),
            "yard_slots": _ints(yard_slots, "--yard-slots"), "tracks": _ints(tracks, "--tracks"),
            "demand_teu_per_yr": _floats(demand_teu, "--demand-teu")}
    with _progress("designs × replications", quiet=as_json) as tick, _warnings_to_stderr():
        result = sweep(cfg, **grid, target_wait_h=target_wait_h, target_yard_p95=target_yard_p95, days=days,
                       warmup_days=warmup_days, replications=replications, seed=seed, workers=workers,
                       scheduler=scheduler, progress=tick)
    payload = result.to_dict()
    if as_json:
        print_json(payload)
        return
    from rich.table import Table

    out = console()
    t = Table(title=f"{cfg.name}: target mean vessel wait < {target_wait_h:g} h and yard p95 < {target_yard_p95:.0%} "
              f"({replications} replications × {days} days)", title_justify="left", box=None)
    for col in ("demand TEU/yr", "berths", "tracks", "cranes", "yard slots", "vessel wait h", "yard p95",
                "time in hub h", "meets"):
        t.add_column(col, justify="right")
    for p in payload["points"]:
        t.add_row(f"{p['demand_teu_per_yr']:,.0f}", str(p["berths"]), str(p["tracks"]), str(p["cranes"]),
                  str(p["yard_slots"]), f"{p['vessel_wait_h']['mean']:.1f}", f"{p['yard_p95']['mean']:.3f}",
                  f"{p['time_in_hub_h']['mean']:.1f}", "yes" if p["meets_target"] else "no")
    out.print(t)
    for level, best in payload["best"].items():
        if best is None:
            out.print(f"at {float(level):,.0f} TEU/yr: no design in the grid meets the target")
        else:
            out.print(f"at {float(level):,.0f} TEU/yr the smallest design meeting the target: "
                      f"{best['berths']} berth(s), {best['tracks']} track(s), {best['cranes']} crane(s), "
                      f"{best['yard_slots']} ground slots "
                      f"(vessel wait {best['vessel_wait_h']['mean']:.1f} h, yard p95 {best['yard_p95']['mean']:.1%})")


@app.command("curve")
def curve_cmd(
    config: str = _config_option(),
    levels: str | None = typer.Option(None, "--levels",
                                      help="Throughput levels in TEU/yr (default 30 %–115 % of design capacity)."),
    days: int = typer.Option(365, "--days", help="Simulated days per run."),
    warmup_days: int = typer.Option(14, "--warmup-days", help="Warm-up days per run."),
    replications: int = typer.Option(5, "--replications", "-r", help="Replications per level."),
    seed: int = typer.Option(0, "--seed", help="Seed (the same seeds at every level)."),
    workers: int = typer.Option(1, "--workers", "-w", help="Local worker processes."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:port)."),
    form: str = typer.Option("auto", "--form", help="auto (Davidson if inside every CI), davidson, bpr."),
    out: Path | None = typer.Option(None, "--out", help="Write the fitted curve as JSON (load_curve reads it)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for programs."),
) -> None:
    """Fit the hub's delay curve (time in hub vs annual throughput) from simulations at several levels."""
    import json

    from corridor.hub import fit_delay_curve

    cfg = _load(config)
    with _progress("levels × replications", quiet=as_json) as tick, _warnings_to_stderr():
        curve = fit_delay_curve(cfg, levels=_floats(levels, "--levels"), days=days, warmup_days=warmup_days,
                                replications=replications, seed=seed, workers=workers, scheduler=scheduler,
                                form=form, progress=tick)
    payload = curve.to_dict()
    if out is not None:
        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        console(stderr=True).print(f"wrote {out}")
    if as_json:
        print_json(payload)
        return
    from rich.table import Table

    c = console()
    params = ", ".join(f"{k} = {v:.4g}" for k, v in curve.parameters.items())
    c.print(f"[bold]{curve.name}[/]: {curve.form} curve, t0 = {curve.t0_h:.1f} h, capacity "
            f"{curve.capacity_teu_per_yr:,.0f} TEU/yr, {params}")
    t = Table(box=None)
    for col in ("offered TEU/yr", "served TEU/yr", "time in hub h", "95 % CI", "curve h"):
        t.add_column(col, justify="right")
    for p in curve.points:
        t.add_row(f"{p.demand_teu_per_yr:,.0f}", f"{p.throughput_teu_per_yr:,.0f}", f"{p.time_in_hub_h:.1f}",
                  f"{p.ci_low:.1f} – {p.ci_high:.1f}", f"{curve.evaluate(p.demand_teu_per_yr):.1f}")
    c.print(t)
    c.print(curve.method, markup=False, highlight=False)
