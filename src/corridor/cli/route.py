"""``corridor route ORIGIN DEST``: the forwarder's question."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, emit, load_dataset, wrote

if TYPE_CHECKING:
    from corridor.routing import Route, RouteSet


class By(StrEnum):
    """What to rank routes by."""

    time = "time"
    cost = "cost"
    co2 = "co2"
    risk = "risk"
    generalized = "generalized"


def _split(values: list[str] | None) -> list[str]:
    """Accept repeated options and comma-separated lists: ``--avoid-country RU,BY``."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _risk(values: list[str] | None) -> dict[str, float] | None:
    from corridor.exceptions import InputError, Problem

    if not values:
        return None
    from corridor.routing import DEFAULT_COUNTRY_RISK

    out = dict(DEFAULT_COUNTRY_RISK)
    for item in _split(values):
        code, _, score = item.partition("=")
        try:
            out[code.strip().upper()] = float(score)
        except ValueError:
            raise InputError(Problem("--risk", "", f"expected CC=SCORE (e.g. RU=1.0), got {item!r}")) from None
    return out


def route(
    origin: str = typer.Argument(..., help="Start: node id or name (case-insensitive)."),
    dest: str = typer.Argument(..., help="Destination: node id or name."),
    cargo: str = typer.Option("container", "--cargo",
                              help="container, grain, coal, metals, oil or general (decides unit and terminals)."),
    by: By = typer.Option(By.time, "--by", help="Rank by time, cost, co2, risk or generalized cost."),
    pareto: bool = typer.Option(False, "--pareto",
                                help="Every route that no other beats on cost, time, CO2e and risk (not with --k)."),
    k: int = typer.Option(1, "--k", min=1, max=50, help="Number of alternatives (loopless, meaningfully different)."),
    avoid_country: list[str] = typer.Option(None, "--avoid-country",
                                            help="ISO code(s) to avoid; repeat or comma-separate."),
    avoid_node: list[str] = typer.Option(None, "--avoid-node", help="Node(s) to avoid."),
    avoid_link: list[str] = typer.Option(None, "--avoid-link", help="Link id(s) to avoid."),
    via: list[str] = typer.Option(None, "--via", help="Node(s) to pass, in order."),
    mode: list[str] = typer.Option(None, "--mode", help="Allowed mode(s) (default: all)."),
    max_transfers: int | None = typer.Option(None, "--max-transfers", min=0, max=100, help="Most mode changes."),
    value_of_time: float = options.price("--value-of-time", "USD per tonne-hour (generalized cost)."),
    carbon_price: float = options.price("--carbon-price", "USD per tonne CO2e (generalized cost)."),
    risk_price: float = options.price("--risk-price", "USD per tonne per unit of risk (generalized cost)."),
    risk: list[str] = typer.Option(None, "--risk", help="Country risk score CC=SCORE (default RU, BY, IR = 1)."),
    max_labels: int = typer.Option(200_000, "--max-labels", min=1, max=50_000_000,
                                   help="Cap on the exact searches' labels."),
    epsilon: float = typer.Option(0.0, "--epsilon", min=0.0, max=10.0,
                                  help="With --pareto: an epsilon-Pareto set (every Pareto route within 1+EPSILON "
                                       "on every criterion of one shown); 0 = exact."),
    max_seconds: float | None = typer.Option(None, "--max-seconds", min=0.001, max=3600.0,
                                             help="With --pareto: time budget; a set it stopped says so."),
    hub_throughput: float | None = typer.Option(
        None, "--hub-throughput", min=0.0, max=1e8,
        help="Dwell at Aktau from the simulated hub delay curve at this annual throughput (TEU/yr)."),
    network: Path | None = options.network(),
    as_json: bool = options.as_json(),
    geojson: Path | None = typer.Option(None, "--geojson", help="Write the route(s) as GeoJSON to this file."),
    report: Path | None = options.report("the routes (table, map, time/cost–distance chart)"),
) -> None:
    """Find routes from ORIGIN to DEST: best, Pareto set or k alternatives, with exact constraints."""
    import corridor

    ds = load_dataset(network)
    routes = corridor.route(
        ds, origin, dest, cargo=cargo, by=by.value, pareto=pareto, k=k, avoid_countries=_split(avoid_country),
        avoid_nodes=_split(avoid_node), avoid_links=_split(avoid_link), modes=_split(mode) or None, via=_split(via),
        max_transfers=max_transfers, value_of_time=value_of_time, carbon_price=carbon_price, risk_price=risk_price,
        country_risk=_risk(risk), hub_throughput=hub_throughput, max_labels=max_labels,
        epsilon=epsilon, max_seconds=max_seconds)
    if geojson is not None:
        from corridor.io.files import write_json

        write_json(geojson, routes.to_geojson())
        wrote(geojson, quiet=as_json)
    rs = routes.result
    emit(routes, as_json=as_json, report=report,
         show=lambda _: _show(rs, ds.network.node(rs.origin).name, ds.network.node(rs.destination).name))


def _money(route: Route) -> str:
    if route.unit == "TEU":
        return f"${route.cost_usd:,.0f}/TEU (${2 * route.cost_usd:,.0f}/FEU)"
    return f"${route.cost_usd:,.2f}/t"


def _show(rs: RouteSet, a: str, b: str) -> None:
    from rich.table import Table

    out = console()
    what = {"best": f"best by {rs.by}", "pareto": "Pareto set (cost, time, CO2e, risk)",
            "alternatives": f"{len(rs.routes)} alternatives by {rs.by}"}[rs.search]
    cons = "; ".join(rs.constraints.values())
    out.print(f"[bold]{a} → {b}[/], {rs.cargo} ({rs.unit}), {what}" + (f"; {cons}" if cons else ""))
    if rs.message:
        out.print(f"[yellow]{rs.message}[/]")
    if len(rs.routes) > 1:
        t = Table(box=None, padding=(0, 1), header_style="bold")
        for col in ("#", "days", "USD/" + rs.unit, "kg CO2e", "risk", "borders", "countries", "via"):
            text = col in ("countries", "via")
            t.add_column(col, justify="left" if text else "right", no_wrap=not text)
        for i, r in enumerate(rs.routes, 1):
            inner = list(r.nodes[1:-1])
            shown = " ".join(inner if len(inner) <= 4 else [*inner[:2], "…", *inner[-2:]])
            t.add_row(str(i), f"{r.time_h / 24:.1f}", f"{r.cost_usd:,.0f}", f"{r.co2e_kg:,.0f}", f"{r.risk:.2f}",
                      str(len(r.border_crossings)), "-".join(r.countries), shown)
        out.print(t)
        out.print("Route 1 in detail (--json gives every route):")
    _detail(out, rs.routes[0])


def _detail(out: Any, r: Route) -> None:
    from rich.table import Table

    from corridor.cli._charts import tcd_chart

    out.print(f"{r.time_h / 24:.1f} days, {_money(r)}, {r.co2e_kg:,.0f} kg CO2e, risk {r.risk:.2f}, "
              f"{r.distance_km:,.0f} km, {len(r.border_crossings)} border crossing(s)"
              + (f", gauge change at {', '.join(r.gauge_changes)}" if r.gauge_changes else ""))
    t = Table(box=None, padding=(0, 1), header_style="bold")
    for col in ("", "from → to / at", "mode", "country", "km", "hours", "USD", "kg CO2e"):
        t.add_column(col, justify="right" if col in ("km", "hours", "USD", "kg CO2e") else "left",
                     no_wrap=col in ("from → to / at", "mode"))
    stops: dict[int, list[Any]] = {}
    for s in r.stops:
        stops.setdefault(s.after_leg, []).append(s)

    def add_stops(i: int) -> None:
        for s in stops.get(i, []):
            t.add_row("", f"  at {s.node}", s.kind, "", "", f"{s.time_h:,.1f}", f"{s.cost_usd:,.0f}", "",
                      style="dim")

    add_stops(-1)
    for i, leg in enumerate(r.legs):
        t.add_row(str(i + 1), f"{leg.start} → {leg.end}", leg.mode, leg.country or "sea", f"{leg.distance_km:,.0f}",
                  f"{leg.time_h:,.1f}", f"{leg.cost_usd:,.0f}", f"{leg.co2e_kg:,.0f}")
        add_stops(i)
    out.print(t)
    out.print(tcd_chart(r.profile()), markup=False, highlight=False)
