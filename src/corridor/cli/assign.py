"""``corridor assign``: put a whole demand table onto the network."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli._common import console, load_dataset, network_option, print_json

if TYPE_CHECKING:
    import pandas as pd

    from corridor.model import Dataset


class Method(StrEnum):
    """Assignment methods."""

    lp = "lp"
    equilibrium = "equilibrium"


def assign(
    method: Method = typer.Option(Method.lp, "--method", "-m",
                                  help="lp: capacity-constrained min-cost flow; equilibrium: user equilibrium."),
    network: Path | None = network_option(),
    tntp: Path | None = typer.Option(None, "--tntp", help="A TNTP research network (folder or _net.tntp file)."),
    demand: Path | None = typer.Option(None, "--demand",
                                       help="Demand CSV (columns of demand.csv) replacing the network's."),
    gap: float = typer.Option(1e-4, "--gap", min=0.0, help="Equilibrium: target relative gap."),
    max_iter: int = typer.Option(500, "--max-iter", min=1, help="Equilibrium: most iterations."),
    algorithm: str = typer.Option("bfw", "--algorithm",
                                  help="Equilibrium algorithm: bfw (default), cfw, fw, msa, or gp for tight gaps."),
    toll_factor: float = typer.Option(0.0, "--toll-factor", help="Equilibrium: weight of link tolls in the cost."),
    distance_factor: float = typer.Option(0.0, "--distance-factor", help="Equilibrium: weight of link length."),
    strict: bool = typer.Option(False, "--strict", help="Equilibrium: exit 1 if the gap is not reached."),
    value_of_time: float | None = typer.Option(
        None, "--value-of-time", help="USD per tonne-hour. LP default 0 (tariffs only); freight equilibrium default "
        "0.15 (calibrated to the 2021 rail/sea choice of China–Europe transit)."),
    carbon_price: float = typer.Option(0.0, "--carbon-price", help="USD per tonne CO2e in the objective."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for programs."),
    out: Path | None = typer.Option(None, "--out", help="Write link flows (CSV, Parquet, GeoJSON) into this folder."),
) -> None:
    """Assign demand to the network: system optimum with capacities (lp) or user equilibrium."""
    from corridor.exceptions import InputError, Problem

    if network is not None and tntp is not None:
        raise InputError(Problem("--tntp", "", "give --network or --tntp, not both"))
    ds = load_dataset(tntp if tntp is not None else network)
    if demand is not None:
        from corridor.io import read_demand_csv
        from corridor.model import Dataset, validate_network

        ds = Dataset(ds.network, read_demand_csv(demand))
        validate_network(ds.network, ds.demand, strict=True, require_sources=False)
    if not ds.demand.rows:
        where = str(tntp or network or "eurasia")
        raise InputError(Problem(where, "demand", "the network has no demand; give --demand"))
    if method is Method.lp:
        result = _run_lp(ds, value_of_time or 0.0, carbon_price, quiet=as_json)
    elif tntp is not None or not _is_freight(ds):
        if not any(lk.vdf_capacity for lk in ds.network.links):
            console(stderr=True).print(
                "note: no link of this network has a volume-delay function (vdf_alpha, vdf_beta, vdf_capacity) "
                "and it has no freight capacities, so the equilibrium is an all-or-nothing assignment at "
                "free-flow times", style="yellow")
        result = _run_equilibrium(ds, gap, max_iter, algorithm, toll_factor, distance_factor, quiet=as_json)
    else:
        result = _run_freight_equilibrium(ds, gap, max_iter, algorithm, value_of_time, carbon_price, quiet=as_json)
    payload = result.to_dict()
    if out is not None:
        _write_out(ds, result.links_frame(), out)
    if as_json:
        print_json(payload)
    else:
        _show(payload)
    if method is Method.equilibrium and strict and not payload["converged"]:
        raise typer.Exit(1)


def _run_lp(ds: Dataset, value_of_time: float, carbon_price: float, *, quiet: bool) -> Any:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from corridor.assignment.lp import FreightLP

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True, disable=quiet) as bar:
        task = bar.add_task("building the LP", total=None)
        model = FreightLP.build(ds.network, ds.demand, value_of_time=value_of_time, carbon_price=carbon_price)
        bar.update(task, description="solving with HiGHS")
        return model.solve()


def _is_freight(ds: Dataset) -> bool:
    """A freight network: capacities in Mt/yr or TEU/yr on links or transfers (delays come from them)."""
    net = ds.network
    return bool(net.transfers) or any(lk.capacity_mtpa is not None or lk.capacity_teu is not None
                                      or lk.capacity_wagons is not None
                                      for lk in net.links)


def _equilibrium_bar(algorithm: str, max_iter: int, *, quiet: bool) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("equilibrium ({task.fields[method]})"), BarColumn(),
                   TextColumn("iteration {task.completed:.0f}  gap {task.fields[gap]:.2e}"), TimeElapsedColumn(),
                   console=console(stderr=True), transient=True, disable=quiet)
    task = bar.add_task("", total=max_iter, gap=float("nan"), method=algorithm)

    def progress(p: Any) -> None:
        bar.update(task, completed=p.iteration, gap=p.gap)

    return bar, progress


def _run_freight_equilibrium(ds: Dataset, gap: float, max_iter: int, algorithm: str, value_of_time: float | None,
                             carbon_price: float, *, quiet: bool) -> Any:
    import warnings

    from corridor.assignment.freight_eq import (
        DEFAULT_VALUE_OF_TIME,
        FreightEquilibriumOptions,
        freight_equilibrium,
    )

    options = FreightEquilibriumOptions(
        method=algorithm, gap=gap, max_iter=max_iter, carbon_price=carbon_price,
        value_of_time=DEFAULT_VALUE_OF_TIME if value_of_time is None else value_of_time)
    bar, progress = _equilibrium_bar(algorithm, max_iter, quiet=quiet)
    with bar, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the result says whether it converged; --strict makes it fail
        return freight_equilibrium(ds.network, ds.demand, options, progress=progress)


def _run_equilibrium(ds: Dataset, gap: float, max_iter: int, algorithm: str, toll_factor: float,
                     distance_factor: float, *, quiet: bool) -> Any:
    import warnings

    from corridor.assignment.equilibrium import EquilibriumOptions, equilibrium

    options = EquilibriumOptions(method=algorithm, gap=gap, max_iter=max_iter, toll_factor=toll_factor,
                                 distance_factor=distance_factor)
    bar, progress = _equilibrium_bar(algorithm, max_iter, quiet=quiet)
    with bar, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the result says whether it converged; --strict makes it fail
        return equilibrium(ds.network, ds.demand, options, progress=progress)


def _write_out(ds: Dataset, frame: pd.DataFrame, out: Path) -> None:
    from corridor.io.files import atomic_dir

    net = ds.network
    pos = {n.id: [n.lon, n.lat] for n in net.nodes}
    ends = {lk.id: (lk.a, lk.b) for lk in net.links}
    feats = []
    for row in frame.to_dict(orient="records"):
        a, b = ends.get(str(row.get("link", row.get("id", ""))), (row.get("a"), row.get("b")))
        props = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        feats.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [pos.get(a), pos.get(b)]},
                      "properties": props})
    with atomic_dir(out) as tmp:
        frame.to_csv(tmp / "link_flows.csv", index=False)
        frame.to_parquet(tmp / "link_flows.parquet", index=False)
        (tmp / "link_flows.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                                                           default=float), encoding="utf-8")
    console(stderr=True).print(f"wrote {out}/link_flows.csv, .parquet and .geojson")


def _show(d: dict[str, Any]) -> None:
    from rich.table import Table

    out = console()
    freight = "by_corridor" in d
    if d.get("method") != "lp":
        state = "converged" if d["converged"] else "NOT converged"
        unit = f" {d['total_travel_time_unit']}" if "total_travel_time_unit" in d else ""
        out.print(f"[bold]equilibrium ({d.get('algorithm', d['method'])})[/]: {state}, relative gap {d['gap']:.2e} "
                  f"after {d['iterations']} iterations; total travel time {d['total_travel_time']:,.1f}{unit}")
    if not freight:
        return
    out.print(f"[bold]{'LP assignment' if d.get('method') == 'lp' else 'flows'}[/]: total cost "
              f"{d['total_cost'] / 1e9:,.2f} bn USD/yr; served {_t(d['served'])}, unserved {_t(d['unserved'])}; "
              f"{d['tonne_km'] / 1e9:,.1f} bn t·km, {d['co2e_kg'] / 1e9:,.2f} Mt CO2e")
    t = Table(title="by corridor (Mt, TEU, bn t·km, Mt CO2e)", title_justify="left", box=None)
    by = d.get("by_corridor") or {}
    present = {k for v in by.values() for k in v}
    cols = [c for c in ("tonnes", "teu", "tonne_km", "co2e_kg") if c in present]
    t.add_column("corridor")
    for c in cols:
        t.add_column(c, justify="right")
    scale = {"tonnes": 1e6, "tonne_km": 1e9, "co2e_kg": 1e9, "teu": 1.0}
    for name, row in by.items():
        t.add_row(name, *(f"{row.get(c, 0) / scale.get(c, 1.0):,.2f}" if c != "teu" else f"{row.get(c, 0):,.0f}"
                          for c in cols))
    out.print(t)
    if d.get("method") == "lp":
        b = Table(title="binding capacities (value of one more unit)", title_justify="left", box=None)
        for col in ("kind", "record", "USD/yr per t/yr", "USD/yr per TEU/yr"):
            b.add_column(col, justify="right" if "USD" in col else "left")
        for row in (d.get("bottlenecks") or [])[:15]:
            where = f" {row['from']}→{row['to']}" if row.get("from") else ""
            b.add_row(str(row.get("kind", "")), f"{row.get('id', '')}{where}",
                      _num(row.get("usd_per_t_yr")), _num(row.get("usd_per_teu_yr")))
        if not d.get("bottlenecks"):
            out.print("no capacity binds")
        out.print(b)
        return
    c = Table(title="most congested capacities", title_justify="left", box=None)
    for col in ("kind", "record", "unit", "utilisation", "free time h", "delay h"):
        c.add_column(col, justify="left" if col in ("kind", "record", "unit") else "right")
    for row in [r for r in d.get("congestion", []) if r["delay_h"] > 0][:12]:
        where = f" {row['from']}→{row['to']}" if row.get("from") else ""
        util = row.get("utilisation")
        c.add_row(row["kind"], f"{row['id']}{where}", row["unit"], "" if util is None else f"{util:.0%}",
                  _num(row["free_time_h"]), _num(row["delay_h"]))
    out.print(c)


def _t(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("total", sum(v for v in value.values() if isinstance(v, int | float)))
    return f"{float(value) / 1e6:,.2f} Mt/yr"


def _num(value: Any) -> str:
    return "" if value is None else f"{float(value):,.2f}"
