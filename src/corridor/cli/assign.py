"""``corridor assign``: put a whole demand table onto the network."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, emit, load_dataset, progress_bar, wrote
from corridor.cli._measures import measures_tables

if TYPE_CHECKING:
    from corridor import Assignment
    from corridor.model import Dataset


class Method(StrEnum):
    """Assignment methods: one way to choose the engine."""

    lp = "lp"
    equilibrium = "equilibrium"
    sue = "sue"


class Algorithm(StrEnum):
    """Equilibrium algorithms."""

    bfw = "bfw"
    cfw = "cfw"
    fw = "fw"
    msa = "msa"
    gp = "gp"
    b = "b"


def assign(
    method: Method = typer.Option(Method.lp, "--method", "-m",
                                  help="lp: capacity-constrained min-cost flow; equilibrium: user equilibrium; "
                                       "sue: shippers who choose (stochastic equilibrium, calibrated)."),
    network: Path | None = options.network(),
    tntp: Path | None = typer.Option(None, "--tntp", help="A TNTP research network (folder or _net.tntp file)."),
    demand: Path | None = typer.Option(None, "--demand",
                                       help="Demand CSV (columns of demand.csv) replacing the network's."),
    gap: float | None = typer.Option(None, "--gap", min=0.0, max=1.0,
                                     help="Equilibrium: target relative gap (default 1e-4)."),
    max_iter: int | None = typer.Option(None, "--max-iter", min=1, max=1_000_000,
                                        help="Equilibrium: most iterations (default 500)."),
    algorithm: Algorithm | None = typer.Option(None, "--algorithm",
                                               help="Equilibrium: bfw (default), cfw, fw, msa; gp or b (Algorithm B, "
                                                    "bush-based: the fastest to tight gaps, 1e-8 and below)."),
    toll_factor: float | None = typer.Option(None, "--toll-factor", min=0.0, max=1e6,
                                             help="Equilibrium on TNTP networks: weight of link tolls."),
    distance_factor: float | None = typer.Option(None, "--distance-factor", min=0.0, max=1e6,
                                                 help="Equilibrium on TNTP networks: weight of link length."),
    strict: bool = typer.Option(False, "--strict", help="Equilibrium: exit 1 if the gap is not reached."),
    value_of_time: float | None = options.price(
        "--value-of-time", "USD per tonne-hour. LP default 0 (tariffs only); freight equilibrium default 0.12 "
        "(calibrated to the 2021 rail/sea choice of China–Europe transit).", default=None),
    carbon_price: float = options.price("--carbon-price", "USD per tonne CO2e in the objective."),
    as_json: bool = options.as_json(),
    out: Path | None = options.out("Write link flows (CSV, Parquet, GeoJSON) into this folder."),
    report: Path | None = options.report("the assignment (totals, corridors, bottlenecks, flow map)"),
    slices: str | None = typer.Option(None, "--slices", help="LP: solve per time slice and sum to the year: a slice "
                                      "set of the dataset (monthly) or a slices.csv file."),
) -> None:
    """Assign demand to the network: system optimum with capacities (lp) or user equilibrium."""
    import corridor
    from corridor.exceptions import InputError, Problem

    if network is not None and tntp is not None:
        raise InputError(Problem("--tntp", "", "give --network or --tntp, not both"))
    ds = load_dataset(tntp if tntp is not None else network)
    if method is Method.equilibrium and not _has_delays(ds):
        console(stderr=True).print(
            "note: no link of this network has a volume-delay function (vdf_alpha, vdf_beta, vdf_capacity) "
            "and it has no freight capacities, so the equilibrium is an all-or-nothing assignment at "
            "free-flow times", style="yellow")
    label = {Method.lp: "LP", Method.sue: "stochastic equilibrium"}.get(
        method, f"equilibrium ({(algorithm or Algorithm.bfw).value})")
    with progress_bar(label, quiet=as_json) as tick:
        result = corridor.assign(
            ds, demand, method=method.value, value_of_time=value_of_time, carbon_price=carbon_price,
            algorithm=None if algorithm is None else algorithm.value, gap=gap, max_iter=max_iter,
            toll_factor=toll_factor, distance_factor=distance_factor, progress=tick, slices=slices)
    if out is not None:
        _write_out(result, out, quiet=as_json)
    payload = emit(result, as_json=as_json, show=_show, report=report)
    if method is Method.equilibrium and strict and not payload["converged"]:
        raise typer.Exit(1)


def _has_delays(ds: Dataset) -> bool:
    """Capacities that turn into delays: freight capacities, transfers, or link volume-delay functions."""
    net = ds.network
    return bool(net.transfers) or any(
        lk.vdf_capacity or lk.capacity_mtpa is not None or lk.capacity_teu is not None
        or lk.capacity_wagons is not None for lk in net.links)


def _write_out(result: Assignment, out: Path, *, quiet: bool) -> None:
    import json

    from corridor.io.files import atomic_dir

    frame = result.to_frame()
    doc = result.to_geojson()
    with atomic_dir(out) as tmp:
        frame.to_csv(tmp / "link_flows.csv", index=False)
        frame.to_parquet(tmp / "link_flows.parquet", index=False)
        (tmp / "link_flows.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    wrote(f"{out}/link_flows.csv, .parquet and .geojson", quiet=quiet)


def _show(d: dict[str, Any]) -> None:
    """Tables for people: the run, totals, corridors, then bottlenecks (LP) or delays (equilibrium)."""
    out = console()
    if d.get("method") == "sue":
        state = "converged" if d["converged"] else "NOT converged"
        out.print(f"[bold]stochastic equilibrium[/]: {state}, relative gap {d['gap']:.2e} after {d['iterations']} "
                  f"rounds; {d['options'].get('routes_considered', 0)} routes weighed")
    elif d.get("method") != "lp":
        state = "converged" if d["converged"] else "NOT converged"
        unit = f" {d['total_travel_time_unit']}" if "total_travel_time_unit" in d else ""
        out.print(f"[bold]equilibrium ({d.get('algorithm', d['method'])})[/]: {state}, relative gap {d['gap']:.2e} "
                  f"after {d['iterations']} iterations; total travel time {d['total_travel_time']:,.1f}{unit}")
    if "by_corridor" not in d:  # a research network: no tonnes, corridors or capacities
        return
    out.print(f"[bold]{'LP assignment' if d.get('method') == 'lp' else 'flows'}[/]: generalised cost "
              f"{d['total_cost'] / 1e9:,.2f} bn USD/yr; served {_t(d['served'])}, unserved {_t(d['unserved'])}; "
              f"{d['tonne_km'] / 1e9:,.1f} bn t·km, {d['co2e_kg'] / 1e9:,.2f} Mt CO2e")
    for table in measures_tables(d.get("measures") or {}):
        out.print(table)
    out.print(_corridors(d.get("by_corridor") or {}))
    if d.get("slices"):
        from corridor.cli._slices import slices_table

        out.print(slices_table(d["slices"]))
    if d.get("method") in ("lp", "sue"):
        if not d.get("bottlenecks"):
            out.print("no capacity binds")
        out.print(_bottlenecks(d.get("bottlenecks") or []))
    else:
        out.print(_congestion(d.get("congestion") or []))


# (key, header with its unit, divisor, decimals): headers say the unit the values are shown in. The link
# entries by corridor tag ("tonnes") are not shown: a route that leaves a tag and comes back counts twice.
_CORRIDOR_COLUMNS = (("tonne_km", "bn t·km", 1e9, 2), ("co2e_kg", "Mt CO2e", 1e9, 3))


def _corridors(by: dict[str, dict[str, float]]) -> Any:
    from rich.table import Table

    present = {k for v in by.values() for k in v}
    cols = [c for c in _CORRIDOR_COLUMNS if c[0] in present]
    t = Table(title="links by corridor tag", title_justify="left", box=None)
    t.add_column("corridor")
    for _, header, _, _ in cols:
        t.add_column(header, justify="right")
    for name, row in by.items():
        t.add_row(name, *(f"{row.get(key, 0) / div:,.{dec}f}" for key, _, div, dec in cols))
    return t


def _bottlenecks(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    b = Table(title="binding capacities (value of one more unit)", title_justify="left", box=None)
    for col in ("kind", "record", "USD/yr per t/yr", "USD/yr per TEU/yr"):
        b.add_column(col, justify="right" if "USD" in col else "left")
    for row in rows[:15]:
        where = f" {row['from']}→{row['to']}" if row.get("from") else ""
        b.add_row(str(row.get("kind", "")), f"{row.get('id', '')}{where}",
                  _num(row.get("usd_per_t_yr")), _num(row.get("usd_per_teu_yr")))
    return b


def _congestion(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    c = Table(title="most congested capacities", title_justify="left", box=None)
    for col in ("kind", "record", "unit", "utilisation", "free time h", "delay h"):
        c.add_column(col, justify="left" if col in ("kind", "record", "unit") else "right")
    for row in [r for r in rows if r["delay_h"] > 0][:12]:
        where = f" {row['from']}→{row['to']}" if row.get("from") else ""
        util = row.get("utilisation")
        c.add_row(row["kind"], f"{row['id']}{where}", row["unit"], "" if util is None else f"{util:.0%}",
                  _num(row["free_time_h"]), _num(row["delay_h"]))
    return c


def _t(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("total", sum(v for v in value.values() if isinstance(v, int | float)))
    return f"{float(value) / 1e6:,.2f} Mt/yr"


def _num(value: Any) -> str:
    return "" if value is None else f"{float(value):,.2f}"
