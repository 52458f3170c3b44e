"""``corridor analytics``: corridor performance from shipment logs (CAREC CPMM, UNESCAP TCD), vs the model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, emit, print_json

if TYPE_CHECKING:
    from corridor.analytics import ShipmentLog

app = typer.Typer(help="Corridor performance from shipment logs: CPMM indicators, time/cost-distance charts, "
                  "observed vs model, synthetic logs.", no_args_is_help=True)

LOGS_HELP = "Shipment log: a .csv or .parquet file (format: docs/ANALYTICS.md)."
CHECK_NETWORK_HELP = ("Check node ids against this network (a .geojson file, a CSV folder or 'eurasia' for the "
                      "built-in one); default: no check.")


def read_log(path: Path, network: str | None) -> ShipmentLog:
    """The validated log at ``path``; node ids checked against ``network`` when one is named."""
    from corridor.analytics import read_shipment_log

    net = None
    if network is not None:
        import corridor

        net = corridor.load(None if network == "eurasia" else network).network
    return read_shipment_log(path, net)


# -- cpmm -------------------------------------------------------------------------------------------


@app.command("cpmm")
def cpmm_cmd(
    logs: Path = typer.Argument(..., help=LOGS_HELP, show_default=False),
    network: str | None = typer.Option(None, "--network", help=CHECK_NETWORK_HELP, show_default=False),
    as_json: bool = options.as_json(),
    report: Path | None = options.report("the indicators, with a time/cost-distance chart per section"),
) -> None:
    """CAREC CPMM indicators: TFI1/TFI2 per border crossing, SWD/SWOD/TFI3 per trip, with percentiles."""
    import corridor

    result = corridor.cpmm(read_log(logs, network))
    if as_json or report is not None:
        emit(result, as_json=as_json, show=_show_cpmm, report=report)
    if not as_json:  # the tables alone: the per-crossing and per-trip rows are for --json and the report
        from corridor.analytics.cpmm import _records

        _show_cpmm({"border_by_bcp": _records(result.result.border("bcp")),
                    "travel_by_section": _records(result.result.travel("section"))})


#: Indicators shown on a terminal, with their short labels (``--json`` and the report have them all).
_SHOWN = {"tfi1_h": "TFI1 h", "tfi2_usd": "TFI2 USD", "swd_kmh": "SWD km/h", "swod_kmh": "SWOD km/h",
          "delay_share": "delay share", "tfi3_usd": "TFI3 USD"}


def _num(v: float | None, indicator: str) -> str:
    if v is None:
        return "–"
    return f"{v:.2f}" if indicator == "delay_share" else f"{v:,.1f}" if abs(v) < 1000 else f"{v:,.0f}"


def _show_cpmm(d: dict[str, Any]) -> None:
    if "crossings" in d:
        return  # emit() after a report: the tables follow
    from rich.table import Table

    out = console()
    for key, title, by in (("border_by_bcp", "Border crossings: TFI1 time to clear (h), TFI2 cost (USD)", "bcp"),
                           ("travel_by_section", "Trips by section: speed with delay (SWD = TFI4), without (SWOD), "
                            "TFI3 USD per 500 km per 20 t", "section")):
        t = Table(title=title)
        wide = min(max((len(str(r[by])) for r in d[key]), default=4), 16)
        for c in (by, "indicator", "n", "mean", "p10", "p50", "p90", "max"):
            t.add_column(c, justify="left" if c in (by, "indicator") else "right", no_wrap=c == "indicator",
                         min_width=wide if c == by else None)
        for r in d[key]:
            if r["indicator"] not in _SHOWN:
                continue
            t.add_row(str(r[by]), _SHOWN[r["indicator"]], f"{r['count']:,}",
                      *(_num(r[c], r["indicator"]) for c in ("mean", "p10", "p50", "p90", "max")))
        out.print(t)


# -- tcd --------------------------------------------------------------------------------------------


@app.command("tcd")
def tcd_cmd(
    logs: Path = typer.Argument(..., help=LOGS_HELP, show_default=False),
    shipment: list[str] = typer.Option([], "--shipment", help="Only this shipment (repeat for more).",
                                       show_default=False),
    section: list[str] = typer.Option([], "--section", help="Only this section, 'A → B' or 'A -> B' (repeat for "
                                      "more).", show_default=False),
    by: list[str] = typer.Option(["section"], "--by", help="Group the corridors by section, mode, direction, "
                                 "commodity or month (repeat to combine)."),
    network: str | None = typer.Option(None, "--network", help=CHECK_NETWORK_HELP, show_default=False),
    as_json: bool = options.as_json(),
    report: Path | None = options.report("the time/cost-distance charts"),
) -> None:
    """UNESCAP time/cost-distance: cumulative time and cost against distance, per trip and per section."""
    from corridor.analytics import tcd
    from corridor.results import TimeCostDistance

    result = TimeCostDistance(tcd(read_log(logs, network), by=tuple(by), shipments=shipment, sections=section))
    emit(result, as_json=as_json, show=_show_tcd, report=report)


def _show_tcd(d: dict[str, Any]) -> None:
    from rich.table import Table

    out = console()
    by = [str(b) for b in d["by"]]
    if d.get("synthetic"):
        out.print("synthetic log: generated trips, not observations", style="yellow", markup=False)
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in d["corridors"]:
        if r["method"] == "grid" and r["point"] % 10:
            continue  # every tenth distance step is enough on a terminal
        groups.setdefault(" · ".join(str(r.get(b) or "") for b in by), []).append(r)
    for name, rows in groups.items():
        how = "at each waypoint" if rows[0]["method"] == "waypoints" else "on distance steps"
        t = Table(title=f"{name}: median {how} ({rows[0]['trips']} trips)")
        for c in ("waypoint", "km", "hours", "p10-p90 h", "USD", "p10-p90 USD"):
            t.add_column(c, justify="left" if c == "waypoint" else "right")
        for r in rows:
            t.add_row(str(r["label"] or r["point"]), f"{r['distance_km']:,.0f}", f"{r['elapsed_h_p50']:,.1f}",
                      f"{r['elapsed_h_p10']:,.1f}-{r['elapsed_h_p90']:,.1f}", f"{r['cumulative_usd_p50']:,.0f}",
                      f"{r['cumulative_usd_p10']:,.0f}-{r['cumulative_usd_p90']:,.0f}")
        out.print(t)


# -- calibrate --------------------------------------------------------------------------------------


@app.command("calibrate")
def calibrate_cmd(
    logs: Path = typer.Argument(..., help=LOGS_HELP, show_default=False),
    network: Path | None = options.network(),
    out: Path | None = options.out("Write the suggested recalibration here (a scenario YAML file)."),
    top: int | None = typer.Option(None, "--top", min=1, help="At most this many changes in the scenario "
                                   "(worst first); default: every disagreeing transfer.", show_default=False),
    min_observations: int = typer.Option(3, "--min-observations", min=1,
                                         help="Least observations of a transfer or leg to rank and recalibrate it."),
    by: str = typer.Option("generalized", "--by", help="How the planner ranks the model route: generalized, "
                           "cost, time, co2 or risk (as in corridor route)."),
    statistic: str = typer.Option("mean", "--statistic", help="Observed statistic compared and written to the "
                                  "scenario: mean (the dataset's times are averages) or p50 (the median)."),
    as_json: bool = options.as_json(),
) -> None:
    """Observed vs model: the transfer and leg times that disagree most with the log, and a recalibration."""
    from corridor.analytics import compare, read_shipment_log
    from corridor.analytics.compare import STATISTICS, scenario_base
    from corridor.cli._common import load_dataset, wrote
    from corridor.exceptions import InputError, Problem
    from corridor.routing import BY

    if by not in BY:
        raise InputError(Problem("--by", "", f"unknown criterion {by!r}; expected one of {', '.join(BY)}"))
    if statistic not in STATISTICS:
        raise InputError(Problem("--statistic", "", f"unknown statistic {statistic!r}; expected one of "
                                                    f"{', '.join(STATISTICS)}"))
    net = load_dataset(network).network
    result = compare(read_shipment_log(logs, net), net, min_observations=min_observations, statistic=statistic,
                     route_options={"by": by})
    if out is not None:
        result.write_scenario(out, top, **scenario_base(None if network is None else str(network.resolve())))
        wrote(out)
    if as_json:
        print_json(result.to_dict(top))
    else:
        _show_calibrate(result.to_dict(top), top)


def _show_calibrate(d: dict[str, Any], top: int | None) -> None:
    from rich.table import Table

    out = console()
    stat = d["statistic"]
    t = Table(title=f"Observed {stat} vs model: worst disagreement first (n ≥ {d['min_observations']}; "
                    f"score = |ln(observed {stat} / model)|)")
    rows = d["ranking"][:top] if top else d["ranking"]
    t.add_column("what")
    t.add_column("id", no_wrap=True, min_width=max((len(r["id"]) for r in rows), default=2))
    for c in ("n", f"observed {stat} h", "model h", "difference h", "ratio", "score"):
        t.add_column(c, justify="right")
    for r in rows:
        t.add_row(r["what"], r["id"], f"{r['n']:,}", f"{r['observed_h']:,.1f}", f"{r['model_h']:,.1f}",
                  f"{r['difference_h']:+,.1f}", "–" if r["ratio"] is None else f"{r['ratio']:.3f}",
                  "∞" if r["score"] is None else f"{r['score']:.3f}")
    out.print(t)
    trips = [r for r in d["trips"] if r["model_path"] is not None]
    counts = {p: sum(1 for r in trips if r["model_path"] == p) for p in ("observed", "via", "best")}
    on_best = sum(1 for r in d["trips"] if r["on_best_route"])
    out.print(f"{len(trips)} of {len(d['trips'])} trips compared: {counts['observed']} along their observed path, "
              f"{counts['via']} through their observed nodes (sparse log), {counts['best']} on the planner's best "
              f"route (path not plannable); {on_best} of {len(d['trips'])} trips took the best route (their nodes "
              "lie on it, in its order).",
              markup=False, highlight=False)
    if d["unmatched"]:
        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for r in d["unmatched"]:
            groups.setdefault((r["what"], r["item"], r["reason"]), []).append(r)
        u = Table(title=f"Not compared: {len(d['unmatched'])} trips, stops and legs")
        for c in ("what", "item", "n", "first row", "reason"):
            u.add_column(c, justify="right" if c == "n" else "left")
        for (what, item, reason), rs in groups.items():
            u.add_row(what, item, str(len(rs)), f"{rs[0]['where']} ({rs[0]['shipment']})", reason)
        out.print(u)


# -- synth ------------------------------------------------------------------------------------------


SYNTH_FLAGS = {"shipments": "--shipments", "days": "--days", "start": "--start", "seed": "--seed"}


def _parse_pairs(texts: list[str]) -> list[tuple[str, str, str]]:
    from corridor.exceptions import InputError, Problem

    out, problems = [], []
    for text in texts:
        parts = [p.strip() for p in text.split(":")]
        if len(parts) != 3 or not all(parts):
            problems.append(Problem("--pair", "", f"expected ORIGIN:DEST:COMMODITY, not {text!r}"))
        else:
            out.append((parts[0], parts[1], parts[2]))
    if problems:
        raise InputError(problems)
    return out


@app.command("synth")
def synth_cmd(
    out: Path = options.out("Write the log here: a .csv or .parquet file.", required=True),
    shipments: int = typer.Option(200, "--shipments", help="Number of trips."),
    seed: int = options.seed("Seed of every draw: the same seed writes the same log."),
    days: float = typer.Option(365.0, "--days", help="Departures spread uniformly over this many days."),
    start: str = typer.Option("2024-01-01", "--start", help="First possible departure (a date; UTC)."),
    network: Path | None = options.network(),
    pair: list[str] | None = typer.Option(None, "--pair", show_default=False,
                                          help="ORIGIN:DEST:COMMODITY (repeat it); default: built-in corridors."),
    as_json: bool = options.as_json(),
) -> None:
    """Synthetic shipment log from the route planner and the hub simulation (labelled synthetic on every row)."""
    from corridor._toplevel import Progress
    from corridor.analytics import synthesize, write_shipment_log
    from corridor.cli._common import load_dataset, progress_bar, wrote
    from corridor.exceptions import InputError, Problem

    pairs = _parse_pairs(pair) if pair else None
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(Problem("--out", "", f"the file must end in .csv or .parquet, not {out.name!r}"))
    net = load_dataset(network).network
    with progress_bar("synth", quiet=as_json) as tick:
        try:
            frame = synthesize(net, shipments=shipments, seed=seed, pairs=pairs, start=start, days=days,
                               progress=lambda stage, done, total: tick(Progress(stage, done, total)))
        except InputError as e:
            raise InputError([Problem(_synth_flag(p.where, pair or []), p.field, p.message)
                              for p in e.problems]) from None
    write_shipment_log(frame, out)
    summary = {"file": str(out), "rows": len(frame), "shipments": int(frame["shipment"].nunique()), "seed": seed,
               "source": str(frame["source"].iloc[0])}
    if as_json:
        print_json(summary)
    else:
        wrote(out)
        console().print(f"{summary['shipments']:,} synthetic shipments, {summary['rows']:,} events (seed {seed}) "
                        f"→ {out}", markup=False, highlight=False, soft_wrap=True)


def _synth_flag(where: str, pairs: list[str]) -> str:
    """The flag a problem of :func:`corridor.analytics.synthesize` comes from."""
    if where.startswith("pairs[") and where.endswith("]") and where[6:-1].isdigit() and int(where[6:-1]) < len(pairs):
        return f"--pair {pairs[int(where[6:-1])]}"
    return SYNTH_FLAGS.get(where, where)
