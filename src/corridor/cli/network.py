"""``corridor network info | validate | export | import-osm``."""

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


@app.command("import-osm")
def import_osm(
    file: Path = typer.Argument(..., help="OpenStreetMap extract (.osm.pbf or .osm), e.g. kazakhstan-latest.osm.pbf "
                                "from download.geofabrik.de."),
    country: str = typer.Option("", "--country", help="ISO code(s) to keep, comma-separated (KZ or KZ,CN); the "
                                "first is the country of every node when the extract holds no national "
                                "boundary. Empty keeps all."),
    out: Path | None = typer.Option(None, "--out", help="Output folder of CSV tables (default: <file name>-network).",
                                    show_default=False),
    merge: str | None = typer.Option(None, "--merge", help="Merge into this dataset: 'eurasia' or a network folder "
                                     "or file; terminals are matched by name and distance.", show_default=False),
    within_km: float = typer.Option(25.0, "--within-km", min=0.0, help="Farthest a terminal may lie from the base "
                                    "node of its name to be matched (with --merge)."),
    snap_km: float = typer.Option(2.0, "--snap-km", min=0.0, help="Farthest a station, yard or port may lie from a "
                                  "track to join the network."),
    default_gauge: str = typer.Option("1520", "--default-gauge", help="Gauge of ways without a gauge tag (1520 or "
                                      "1435)."),
    keep_service: bool = typer.Option(False, "--keep-service", help="Keep service tracks (yards, sidings, spurs)."),
    as_json: bool = options.as_json(),
) -> None:
    """Build a freight rail network from an OpenStreetMap extract and write it as CSV tables.

    Lines, gauges, stations, yards, ports, junctions and border crossings come from the extract
    (rules: docs/how-to/osm.md); the result is validated before it is written, and with --merge it
    is joined to another dataset and the terminals that found no match are listed.
    """
    from corridor import Progress
    from corridor.cli._common import load_dataset, progress_bar
    from corridor.exceptions import InputError
    from corridor.io import write_csv_dataset
    from corridor.io.osm import OsmOptions
    from corridor.io.osm import import_osm as run_import
    from corridor.io.osm_merge import merge_osm
    from corridor.model import validate_network

    codes = tuple(c.strip().upper() for c in country.split(",") if c.strip())
    opts = OsmOptions(countries=codes, default_gauge=default_gauge, snap_km=snap_km, keep_service=keep_service)
    with progress_bar("import-osm", quiet=as_json) as tick:
        result = run_import(file, opts, progress=lambda stage: tick(Progress(stage)))
        ds, report = with_standard_commodities(result.dataset), result.summary()
        if merge is not None:
            tick(Progress(f"merging into {merge}"))
            merged = merge_osm(load_dataset(None if merge == "eurasia" else Path(merge)), ds, within_km=within_km)
            ds = merged.dataset
            report["merge"] = {"into": merge, **merged.summary(), "matched_terminals": merged.matched,
                               "unmatched_terminals": merged.unmatched}
        tick(Progress("validating"))
        problems = validate_network(ds.network, ds.demand, strict=False)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    folder = out if out is not None else Path(f"{ds.network.name.split('+')[-1]}-network")
    write_csv_dataset(ds, folder)
    report.update({"path": str(folder), "warnings": [str(p) for p in problems]})
    if as_json:
        print_json(report)
        return
    _show_import(report)
    wrote(f"{folder} (csv: {len(ds.network.nodes)} nodes, {len(ds.network.links)} links)")


def with_standard_commodities(ds: Dataset) -> Dataset:
    """``ds`` with the standard commodities of the built-in data (and their sources) if it has none."""
    import dataclasses

    from corridor.data import standard_commodities
    from corridor.model import Dataset

    if ds.network.commodities:
        return ds
    commodities, sources = standard_commodities()
    net = dataclasses.replace(ds.network, commodities=tuple(commodities), sources={**sources, **ds.network.sources})
    return Dataset(net, ds.demand)


def _show_import(r: dict[str, Any]) -> None:
    from rich.columns import Columns
    from rich.table import Table

    out = console()
    out.print(f"[bold]{r['name']}[/]: {r['rail_ways']} rail ways, {r['track_km']:,.1f} km of track -> "
              f"{r['nodes']} nodes, {r['links']} links ({r['km']:,.1f} km), {r['transfers']} transfers, "
              f"{r['border_crossings']} border crossing(s)")
    out.print(Columns([_table("nodes by kind", r["node_kinds"]), _table("links by mode", r["modes"]),
                       _table("km by gauge tag", r["gauges_km"], digits=1),
                       _table("skipped ways", r["skipped_ways"] or {"none": 0})], padding=(0, 4)))
    if r["unplaced"]:
        out.print(f"{len(r['unplaced'])} place(s) farther than --snap-km from any track (not in the network)")
    if r["dropped_parts"]:
        out.print(f"{len(r['dropped_parts'])} part(s) not connected to the largest were left out "
                  f"({sum(r['dropped_parts'])} node(s))")
    m = r.get("merge")
    if m:
        out.print(f"\n[bold]merge into {m['into']}[/]: {m['matched']} terminal(s) matched, {m['unmatched']} not")
        if m["unmatched_terminals"]:
            t = Table("osm node", "name", "kind", "why not matched", "nearest base node", title_justify="left",
                      title="unmatched terminals")
            for u in m["unmatched_terminals"]:
                t.add_row(u["osm"], u["name"], u["kind"], u["reason"], f"{u['nearest']} ({u['nearest_km']:.1f} km)"
                          if u["nearest"] else "-")
            out.print(t)
    for w in r["warnings"][:MAX_WARNINGS]:
        console(stderr=True).print(w, markup=False, style="yellow", soft_wrap=True)
