"""``corridor network info | validate | export``."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, load_dataset, print_json, wrote

if TYPE_CHECKING:
    from corridor.model import Dataset

app = typer.Typer(help="Inspect, check and convert networks.", no_args_is_help=True)

MAX_WARNINGS = 10
"""Warnings listed by ``network validate`` before it summarises the rest."""


def summarise(ds: Dataset) -> dict[str, Any]:
    """Counts of a dataset for ``network info`` (JSON-serialisable)."""
    from corridor.model import figure_statuses

    net, dem = ds.network, ds.demand
    by_group: dict[str, float] = {}
    for r in dem.rows:
        by_group[r.group or "-"] = by_group.get(r.group or "-", 0.0) + r.tonnes
    return {
        "name": net.name,
        "nodes": len(net.nodes),
        "links": len(net.links),
        "transfers": len(net.transfers),
        "facilities": len(net.facilities),
        "fleets": len({g.fleet for g in net.fleets}),
        "vessels": sum(g.vessels for g in net.fleets),
        "countries": dict(sorted(Counter(n.country for n in net.nodes if n.country).items())),
        "modes": dict(sorted(Counter(lk.mode for lk in net.links).items())),
        "corridors": dict(sorted(Counter(lk.corridor for lk in net.links).items())),
        "node_kinds": dict(sorted(Counter(n.kind for n in net.nodes).items())),
        "transfer_kinds": dict(sorted(Counter(t.kind for t in net.transfers).items())),
        "commodities": [c.id for c in net.commodities],
        "sources": len(net.sources),
        "demand": {
            "rows": len(dem),
            "total_t": dem.total_tonnes(),
            "total_teu": dem.total_teu(),
            "by_commodity_t": dict(sorted(dem.by_commodity().items())),
            "by_group_t": dict(sorted(by_group.items())),
        },
        "figures_by_status": figure_statuses(ds),
    }


def _table(title: str, rows: dict[str, Any], digits: int = 0) -> Any:
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    t.add_column()
    t.add_column(justify="right")
    for k, v in rows.items():
        t.add_row(str(k), f"{v:,.{digits}f}" if isinstance(v, int | float) else str(v))
    return t


@app.command("info")
def info(
    network: Path | None = options.network(),
    as_json: bool = options.as_json(),
) -> None:
    """Summarise a network: nodes, links, transfers by mode and country, demand, sources."""
    ds = load_dataset(network)
    s = summarise(ds)
    if as_json:
        print_json(s)
        return
    from rich.columns import Columns

    out = console()
    out.print(f"[bold]{s['name']}[/]: {s['nodes']} nodes, {s['links']} links, {s['transfers']} transfers, "
              f"{s['facilities']} facilities, {s['fleets']} fleets ({s['vessels']:g} vessels), "
              f"{len(s['countries'])} countries, {s['sources']} sources")
    out.print(Columns([_table("links by mode", s["modes"]), _table("links by corridor", s["corridors"]),
                       _table("nodes by country", s["countries"]),
                       _table("transfers by kind", s["transfer_kinds"])], padding=(0, 4)))
    d = s["demand"]
    out.print(f"\n[bold]demand[/]: {d['rows']} OD rows, {d['total_t'] / 1e6:,.1f} Mt/yr, {d['total_teu']:,.0f} TEU/yr")
    out.print(Columns([
        _table("Mt/yr by commodity", {k: v / 1e6 for k, v in d["by_commodity_t"].items()}, digits=2),
        _table("Mt/yr by group", {k: v / 1e6 for k, v in d["by_group_t"].items()}, digits=2),
        _table("figures by status", s["figures_by_status"]),
    ], padding=(0, 4)))


@app.command("validate")
def validate(
    path: Path = typer.Argument(..., help="Network file or folder to check."),
    as_json: bool = options.as_json(),
) -> None:
    """Check a network file; exit 0 if valid, 2 with one line per problem otherwise."""
    from corridor.exceptions import InputError
    from corridor.io import read_dataset
    from corridor.model import validate_network

    try:
        ds = read_dataset(path)
        problems = validate_network(ds.network, ds.demand, strict=False,
                                    require_sources=ds.network.meta.get("format") != "tntp")
    except InputError as e:
        problems = list(e.problems)
        ds = None
    errors = [p for p in problems if p.severity == "error"]
    if as_json:
        print_json({"path": str(path), "valid": not errors,
                    "problems": [{"where": p.where, "field": p.field, "message": p.message,
                                  "severity": p.severity} for p in problems]})
    else:
        out = console(stderr=True)
        for p in errors:
            out.print(str(p), markup=False, style="red", soft_wrap=True)
        warnings = [p for p in problems if p.severity != "error"]
        for p in warnings[:MAX_WARNINGS]:
            out.print(str(p), markup=False, style="yellow", soft_wrap=True)
        if len(warnings) > MAX_WARNINGS:
            out.print(f"... and {len(warnings) - MAX_WARNINGS} more warning(s); --json lists them all",
                      style="yellow")
        if not errors and ds is not None:
            console().print(f"{path}: valid ({len(ds.network.nodes)} nodes, {len(ds.network.links)} links, "
                            f"{len(problems)} warning(s))")
    if errors:
        raise typer.Exit(2)


class ExportFormat(StrEnum):
    """Formats ``network export`` writes."""

    geojson = "geojson"
    csv = "csv"


@app.command("export")
def export(
    out: Path = typer.Argument(..., help="Output file (.geojson) or folder (csv)."),
    fmt: ExportFormat | None = typer.Option(None, "--format", "-f",
                                            help="Output format (default: geojson for a .geojson or .json path, "
                                                 "else csv tables in a folder)."),
    network: Path | None = options.network(),
    as_json: bool = options.as_json(),
) -> None:
    """Write the network (and its demand) as GeoJSON or as CSV tables, atomically."""
    from corridor.io import write_csv_dataset, write_geojson

    if fmt is None:
        fmt = ExportFormat.geojson if out.suffix.lower() in (".geojson", ".json") else ExportFormat.csv
    ds = load_dataset(network)
    if fmt is ExportFormat.geojson:
        write_geojson(ds, out)
    else:
        write_csv_dataset(ds, out)
    counts = {"nodes": len(ds.network.nodes), "links": len(ds.network.links), "transfers": len(ds.network.transfers),
              "demand_rows": len(ds.demand)}
    if as_json:
        print_json({"path": str(out), "format": fmt.value, **counts})
        return
    wrote(f"{out} ({fmt.value}: {counts['nodes']} nodes, {counts['links']} links, {counts['demand_rows']} demand rows)")
