"""``corridor hub``: the discrete-event simulation of the Aktau container hub."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, emit, print_json, progress_bar, wrote

if TYPE_CHECKING:
    from corridor.hub import HubConfig

app = typer.Typer(help="Simulate the Aktau container hub (SimPy): KPIs, design sweeps, delay curve.",
                  no_args_is_help=True)


class Form(StrEnum):
    """Forms of the fitted delay curve."""

    auto = "auto"
    davidson = "davidson"
    bpr = "bpr"


class Engine(StrEnum):
    """Engines of pure-queue runs."""

    kernel = "kernel"
    simpy = "simpy"


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
    """A bar for the engines' ``progress(done, total)`` callbacks."""
    from corridor import Progress

    with progress_bar(label, quiet=quiet) as update:
        yield lambda done, total: update(Progress(label, done, total))


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
    config: str = options.config(),
    days: int = options.days(),
    warmup_days: int = options.warmup_days(),
    replications: int = options.replications(5),
    seed: int = options.seed(),
    workers: int = options.workers(1, "Local worker processes for the replications."),
    scheduler: str | None = options.scheduler(),
    engine: Engine = typer.Option(Engine.kernel, "--engine",
                                  help="Pure queues only: kernel (compiled) or simpy (the reference)."),
    store: Path | None = options.store(),
    no_store: bool = options.no_store(),
    as_json: bool = options.as_json(),
    report: Path | None = options.report("the simulation (KPI table, daily yard and queue charts)"),
) -> None:
    """Simulate the hub over seeded replications: waits, utilisation, yard, dwell, with 95 % CIs."""
    import corridor

    cfg = _load(config)
    with progress_bar("replications", quiet=as_json) as tick, _warnings_to_stderr():
        result = corridor.simulate_hub(cfg, days=days, warmup_days=warmup_days, replications=replications,
                                       seed=seed, workers=workers, scheduler=scheduler, engine=engine.value,
                                       store=None if no_store else corridor.open_store(store), progress=tick)
    emit(result, as_json=as_json, show=_show_simulation, report=report)
    if result.run_id and not as_json:
        console(stderr=True).print(f"recorded as run {result.run_id} (corridor runs show {result.run_id})",
                                   markup=False, highlight=False)


def _ci(d: dict[str, Any], fmt: str, *, share: bool = False) -> str:
    """A KPI's 95 % interval for display: every KPI is ≥ 0 and shares are ≤ 1, so a t-interval is clipped."""
    ci = d.get("ci")
    if not ci:
        return "–"
    high = min(ci[1], 1.0) if share else ci[1]
    return f"{max(ci[0], 0.0):{fmt}} – {high:{fmt}}"


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
        t.add_row("utilisation", f"{d['utilisation']['mean']:.4f}", _ci(d["utilisation"], ".4f", share=True), "")
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
        share = key.endswith(("utilisation", "occupancy"))
        t.add_row(name, f"{v['mean']:{fmt}}", _ci(v, fmt, share=share), p95)

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
    config: str = options.config(),
    berths: str | None = typer.Option(None, "--berths", help="Berth counts, e.g. 1,2,3."),
    cranes: str | None = typer.Option(None, "--cranes", help="Crane counts, e.g. 2,4."),
    yard_slots: str | None = typer.Option(None, "--yard-slots", help="Yard ground slots, e.g. 690,900,1200."),
    tracks: str | None = typer.Option(None, "--tracks", help="Rail loading tracks, e.g. 2,3,4."),
    demand_teu: str | None = typer.Option(None, "--demand-teu", help="Demand levels in TEU/yr, e.g. 200000,240000."),
    target_wait_h: float = typer.Option(12.0, "--target-wait-h", help="Target: mean vessel wait below this (h)."),
    target_yard_p95: float = typer.Option(0.85, "--target-yard-p95", help="Target: yard p95 occupancy below this."),
    days: int = options.days(),
    warmup_days: int = options.warmup_days(),
    replications: int = options.replications(3, "Replications per design."),
    seed: int = options.seed("Seed (the same seeds for every design)."),
    workers: int = options.workers(1),
    scheduler: str | None = options.scheduler(),
    as_json: bool = options.as_json(),
) -> None:
    """Grid over berths × cranes × yard slots × tracks × demand; the smallest design meeting the target."""
    from corridor.hub import sweep

    cfg = _load(config)
    with _progress("designs × replications", quiet=as_json) as tick, _warnings_to_stderr():
        result = sweep(cfg, berths=_ints(berths, "--berths"), cranes=_ints(cranes, "--cranes"),
                       yard_slots=_ints(yard_slots, "--yard-slots"), tracks=_ints(tracks, "--tracks"),
                       demand_teu_per_yr=_floats(demand_teu, "--demand-teu"), target_wait_h=target_wait_h,
                       target_yard_p95=target_yard_p95, days=days,
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
    config: str = options.config(),
    levels: str | None = typer.Option(None, "--levels",
                                      help="Throughput levels in TEU/yr (default 30 %–115 % of design capacity)."),
    days: int = options.days(),
    warmup_days: int = options.warmup_days(),
    replications: int = options.replications(5, "Replications per level."),
    seed: int = options.seed("Seed (the same seeds at every level)."),
    workers: int = options.workers(1),
    scheduler: str | None = options.scheduler(),
    form: Form = typer.Option(Form.auto, "--form", help="auto (Davidson if inside every CI), davidson, bpr."),
    out: Path | None = options.out("Write the fitted curve as JSON (corridor.hub.load_curve reads it)."),
    as_json: bool = options.as_json(),
) -> None:
    """Fit the hub's delay curve (time in hub vs annual throughput) from simulations at several levels."""
    from corridor.hub import fit_delay_curve
    from corridor.io.files import write_json

    cfg = _load(config)
    with _progress("levels × replications", quiet=as_json) as tick, _warnings_to_stderr():
        curve = fit_delay_curve(cfg, levels=_floats(levels, "--levels"), days=days, warmup_days=warmup_days,
                                replications=replications, seed=seed, workers=workers, scheduler=scheduler,
                                form=form.value, progress=tick)
    payload = curve.to_dict()
    if out is not None:
        write_json(out, payload, indent=2)
        wrote(out, quiet=as_json)
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
                  f"{max(p.ci_low, 0.0):.1f} – {p.ci_high:.1f}", f"{curve.evaluate(p.demand_teu_per_yr):.1f}")
    c.print(t)
    c.print(curve.method, markup=False, highlight=False)
