"""``corridor runs list | show | export | diff``: the runs recorded in the run store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from corridor.cli import _options as options
from corridor.cli._common import console, print_json

if TYPE_CHECKING:
    from rich.console import Console

    from corridor.scenarios.store import RunStore

app = typer.Typer(help="List, show, export and compare the runs in the run store.", no_args_is_help=True)

MAX_ROWS = 15
"""Rows of a nested summary table (bottlenecks, changed figures) shown before '... more'."""

_STATUS_STYLE = {"done": "green", "running": "yellow", "failed": "red", "interrupted": "magenta"}
# Units for people: (suffix of a summary key, divisor, unit).
_UNITS = (("tonne_km", 1e9, "bn t·km"), ("co2e_kg", 1e9, "Mt CO2e"), ("hours_t", 1e9, "bn t·h"),
          ("_usd", 1e9, "bn USD"), ("_t", 1e6, "Mt"), ("tonnes", 1e6, "Mt"), ("teu", 1.0, "TEU"))


class Kind(StrEnum):
    """Kinds of run (``corridor.scenarios.store.KINDS``)."""

    scenario = "scenario"
    baseline = "baseline"
    sweep = "sweep"
    hub = "hub"


class Format(StrEnum):
    """Export formats."""

    parquet = "parquet"
    csv = "csv"
    geojson = "geojson"


def _store_option() -> Any:
    return options.store()


def _open(path: Path | None) -> RunStore:
    import corridor

    return corridor.open_store(path)


@app.command("list")
def list_runs(
    kind: Kind | None = typer.Option(None, "--kind", help="Only runs of this kind."),
    limit: int = typer.Option(50, "--limit", min=1, max=100_000, help="Show at most this many runs, newest first."),
    store: Path | None = _store_option(),
    as_json: bool = options.as_json(),
) -> None:
    """List recorded runs, newest first."""
    s = _open(store)
    runs = s.list_runs(kind=None if kind is None else kind.value, limit=limit + 1)
    more = len(runs) > limit
    runs = runs[:limit]
    if as_json:
        print_json({"store": str(s.path), "runs": runs, "more": more})
        return
    out = console()
    if not runs:
        what = f"{kind.value} runs" if kind else "runs"
        out.print(f"no {what} in {s.path} yet; `corridor scenario run FILE` records one")
        return
    from rich.table import Table

    t = Table(title=f"runs in {s.path}", title_justify="left", box=None, padding=(0, 1))
    sweeps = any(r["samples"] for r in runs)
    for col in ("id", "kind", "name", "status", "created (UTC)", "elapsed", "seed", "unserved Mt",
                *(("samples",) if sweeps else ())):
        t.add_column(col, justify="right" if col in ("elapsed", "seed", "unserved Mt", "samples") else "left",
                     no_wrap=col == "id")
    for r in runs:
        status = f"[{_STATUS_STYLE.get(r['status'], 'white')}]{r['status']}[/]"
        t.add_row(r["run_id"], r["kind"], r["name"], status, _when(r["created"]), _elapsed(r["elapsed_s"]),
                  _seed(r["seed"]), "" if r["unserved_t"] is None else f"{r['unserved_t'] / 1e6:,.2f}",
                  *((f"{r['samples']:,}" if r["samples"] else "",) if sweeps else ()))
    out.print(t)
    if more:
        out.print(f"showing the newest {limit}; --limit N shows more")


@app.command("show")
def show(
    run_id: str = typer.Argument(..., help="Run id, or a unique prefix or suffix of it."),
    store: Path | None = _store_option(),
    as_json: bool = options.as_json(),
) -> None:
    """Show one run: its status, timings and summary."""
    s = _open(store)
    run = s.get(run_id)
    if as_json:
        print_json({"store": str(s.path), **run})
        return
    out = console()
    out.print(f"[bold]{run['name']}[/] ({run['kind']}) run {run['run_id']}")
    status = f"[{_STATUS_STYLE.get(run['status'], 'white')}]{run['status']}[/]"
    facts = {
        "status": status, "created": _when(run["created"]), "finished": _when(run["finished"]),
        "elapsed": _elapsed(run["elapsed_s"]), "seed": "" if run["seed"] is None else str(run["seed"]),
        "parent": run["parent_id"] or "", "code version": run["code_version"], "spec hash": run["spec_hash"][:16],
        "tables": ", ".join(f"{k} ({v:,} rows)" for k, v in run["tables"].items()),
        "samples": f"{run['samples']:,}" if run["samples"] else "",
    }
    for key, value in facts.items():
        if value:
            out.print(f"  {key:<13} {value}")
    if run["error"]:
        out.print(f"[red]error:[/] {run['error']}")
    if run["summary"]:
        _print_tree(out, run["summary"])
    if run["samples"]:
        _print_samples(out, s.samples(run["run_id"]))
    if "hub_kpis" in run["tables"]:
        _print_hub_kpis(out, s.table(run["run_id"], "hub_kpis"))


@app.command("sql")
def sql(
    query: str = typer.Argument(..., help="One SELECT (or WITH, DESCRIBE, SHOW, SUMMARIZE) query; see docs/STORE.md."),
    store: Path | None = _store_option(),
    as_json: bool = options.as_json(),
) -> None:
    """Query the run store in SQL (read-only): runs, link_flows, od_results, bottlenecks, samples, hub_kpis ..."""
    s = _open(store)
    frame = s.sql(query)
    if as_json:
        print_json({"store": str(s.path), "columns": [str(c) for c in frame.columns],
                    "rows": _jsonable(frame.to_dict(orient="records"))})
        return
    from rich.table import Table

    t = Table(box=None)
    for c in frame.columns:
        t.add_column(str(c), justify="right" if frame[c].dtype.kind in "iuf" else "left")
    for row in frame.head(MAX_ROWS * 20).itertuples(index=False):
        t.add_row(*("" if v is None else _num(v) if isinstance(v, float) else str(v) for v in row))
    out = console()
    out.print(t)
    if len(frame) > MAX_ROWS * 20:
        out.print(f"... {len(frame) - MAX_ROWS * 20:,} more rows (--json gives them all)")


@app.command("export")
def export(
    run_id: str = typer.Argument(..., help="Run id, or a unique prefix or suffix of it."),
    fmt: Format = typer.Option(Format.parquet, "--format", "-f",
                               help="parquet or csv: one file per table; geojson: link flows as lines."),
    out: Path = options.out("Folder to write into (geojson: a .geojson file or a folder).", required=True),
    store: Path | None = _store_option(),
    as_json: bool = options.as_json(),
) -> None:
    """Write a run's result tables as Parquet, CSV or GeoJSON."""
    s = _open(store)
    full = s.resolve(run_id)
    files = s.export(full, fmt.value, out)
    if as_json:
        print_json({"store": str(s.path), "run_id": full, "format": fmt.value, "files": [str(f) for f in files]})
        return
    con = console()
    for f in files:
        con.print(f"wrote {f}")


@app.command("diff")
def diff(
    base_id: str = typer.Argument(..., help="The baseline run."),
    scen_id: str = typer.Argument(..., help="The run to compare with it."),
    store: Path | None = _store_option(),
    as_json: bool = options.as_json(),
) -> None:
    """Compare two runs: what changes from the first to the second."""
    from corridor.exceptions import InputError, Problem

    s = _open(store)
    runs = []
    for rid in (base_id, scen_id):
        run = s.get(rid)
        if run["status"] != "done" or not run["summary"]:
            msg = f"is {run['status']}; only finished runs have results to compare"
            raise InputError(Problem(f"run {run['run_id']}", "status", msg))
        if not isinstance(run["summary"].get("totals"), dict):
            msg = f"is a {run['kind']} run without totals; diff compares scenario and baseline runs"
            raise InputError(Problem(f"run {run['run_id']}", "summary", msg))
        runs.append(run)
    base, scen = ({"summary": r["summary"], "tables": s.tables(r["run_id"])} for r in runs)
    from corridor.scenarios.compare import compare_runs

    result = compare_runs(base, scen)
    if as_json:
        print_json({"store": str(s.path), "base": runs[0]["run_id"], "scenario": runs[1]["run_id"],
                    "diff": _jsonable(result)})
        return
    out = console()
    out.print(f"[bold]{runs[1]['name']}[/] ({runs[1]['run_id']}) against [bold]{runs[0]['name']}[/] "
              f"({runs[0]['run_id']})")
    _print_changes(out, result)


# -- comparing ---------------------------------------------------------------------------------


def _print_changes(out: Console, result: dict[str, Any]) -> None:
    """Tables of the figures that changed: ``{name: {baseline, scenario, change, change_pct}}`` sections."""
    from rich.table import Table

    shown = False
    for section in ("totals", "measures", "by_commodity", "by_corridor", "by_corridor_tag", "border_crossings"):
        rows = _delta_rows(result.get(section) or {})
        rows = [(k, d) for k, d in rows if d.get("change")]
        if not rows:
            continue
        shown = True
        t = Table(title=f"{section.replace('_', ' ')}: changed figures", title_justify="left", box=None)
        for col in ("figure", "baseline", "scenario", "change", "change %", "unit"):
            t.add_column(col, justify="left" if col in ("figure", "unit") else "right")
        for key, d in rows[:MAX_ROWS * 2]:
            div, unit = _unit(key if section != "border_crossings" else "_t")
            t.add_row(key, *(_num(d.get(c), div) for c in ("baseline", "scenario", "change")),
                      "" if d.get("change_pct") is None else f"{d['change_pct']:+,.1f}", unit)
        out.print(t)
        if len(rows) > MAX_ROWS * 2:
            out.print(f"... and {len(rows) - MAX_ROWS * 2} more (--json shows all)")
    b = result.get("bottlenecks") or {}
    for label, key in (("new bottlenecks", "new"), ("relieved bottlenecks", "relieved")):
        if b.get(key):
            out.print(f"[bold]{label}[/]: " + "; ".join(str(x) for x in b[key][:MAX_ROWS]))
            shown = True
    links = result.get("links") or []
    if links and isinstance(links[0], dict):
        _print_records(out, "largest changes in link flows", links)
        shown = True
    if not shown:
        out.print("no figure changed")


def _delta_rows(section: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Flatten ``{a: {b: {baseline, scenario, ...}}}`` to ``[("a.b", {...})]``."""
    rows = []
    for key, value in section.items():
        if isinstance(value, dict) and "change" in value and "baseline" in value:
            rows.append((f"{prefix}{key}", value))
        elif isinstance(value, dict):
            rows += _delta_rows(value, f"{prefix}{key}.")
    return rows


# -- printing ----------------------------------------------------------------------------------


def _print_tree(out: Console, summary: dict[str, Any]) -> None:
    """A summary for people: scalars on lines, dicts of figures and lists of records as tables."""
    from rich.table import Table

    scalars = {k: v for k, v in summary.items() if not isinstance(v, dict | list)}
    if scalars:
        out.print("  " + "; ".join(f"{k} {_fmt(k, v)}" for k, v in scalars.items()))
    for key, value in summary.items():
        if isinstance(value, dict) and any(isinstance(v, list) for v in value.values()):
            _print_nested(out, key, value)
        elif isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            _print_rows(out, key, value)
        elif isinstance(value, dict) and value:
            t = Table(title=key.replace("_", " "), title_justify="left", box=None, show_header=False)
            t.add_column("")
            t.add_column("", justify="right")
            unit_key = "_t" if key == "border_crossings" else None
            for name, v in list(value.items())[:MAX_ROWS * 2]:
                t.add_row(str(name), _fmt(unit_key or str(name), v))
            out.print(t)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            _print_records(out, key.replace("_", " "), value)
        elif isinstance(value, list) and value:
            more = f" and {len(value) - MAX_ROWS} more" if len(value) > MAX_ROWS else ""
            out.print(f"[bold]{key.replace('_', ' ')}[/]: " + "; ".join(map(str, value[:MAX_ROWS])) + more)


def _print_rows(out: Console, key: str, value: dict[str, dict[str, Any]]) -> None:
    """A dict of dicts of figures as a table: one row per key."""
    from rich.table import Table

    cols = list(dict.fromkeys(c for v in value.values() for c in v))
    by_column = any(_unit(c)[1] for c in cols)  # by corridor: tonnes, teu...; else by row: metrics
    t = Table(title=key.replace("_", " "), title_justify="left", box=None)
    t.add_column("")
    for c in cols:
        t.add_column(_header(c), justify="right")
    for name, row in list(value.items())[:MAX_ROWS * 2]:
        unit = "" if by_column or not _unit(str(name))[1] else f" ({_unit(str(name))[1]})"
        t.add_row(f"{name}{unit}", *(_fmt(c if by_column else str(name), row.get(c), unit=False) for c in cols))
    out.print(t)


def _print_nested(out: Console, key: str, value: dict[str, Any]) -> None:
    """A section holding figures and lists of records (the physical measures): one table of figures, then each list."""
    from rich.table import Table

    t = Table(title=key.replace("_", " "), title_justify="left", box=None, show_header=False)
    t.add_column("")
    t.add_column("", justify="right")
    for name, v in value.items():
        if not isinstance(v, dict | list):
            t.add_row(str(name), _fmt(str(name), v))
    out.print(t)
    for name, v in value.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            _print_records(out, f"{key} {name}".replace("_", " "), v)


def _print_hub_kpis(out: Console, frame: Any) -> None:
    """A hub run's KPIs: mean, 95 % interval (shown from 0, shares up to 1), p95 and unit."""
    from rich.table import Table

    t = Table(title="KPIs", title_justify="left", box=None)
    for col in ("KPI", "mean", "95 % CI", "p95", "unit"):
        t.add_column(col, justify="left" if col in ("KPI", "unit") else "right")
    for r in frame.to_dict(orient="records"):
        if r["kpi"].endswith("_p95_h") or r["kpi"].endswith("_p95"):
            continue
        ci = ""
        if r["ci_low"] is not None and r["ci_low"] == r["ci_low"]:
            high = min(r["ci_high"], 1.0) if r["unit"] == "share" else r["ci_high"]
            ci = f"{_num(max(r['ci_low'], 0.0))} – {_num(high)}"
        p95 = "" if r["p95"] is None or r["p95"] != r["p95"] else _num(r["p95"])
        t.add_row(r["kpi"], _num(r["mean"]), ci, p95, r["unit"] or "")
    out.print(t)


def _print_samples(out: Console, frame: Any) -> None:
    """Quantiles of each numeric column of a sweep's samples."""
    from rich.table import Table

    t = Table(title=f"{len(frame):,} samples", title_justify="left", box=None)
    for col in ("", "mean", "p5", "p50", "p95", "unit"):
        t.add_column(col, justify="left" if col in ("", "unit") else "right")
    for name in frame.columns:
        col = frame[name]
        if name in ("idx", "seed") or col.dtype.kind not in "iuf":
            continue
        div, unit = _unit(str(name))
        q = col.quantile([0.05, 0.5, 0.95]).tolist()
        t.add_row(str(name), _num(col.mean(), div), *(_num(x, div) for x in q), unit)
    out.print(t)


def _print_records(out: Console, title: str, rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    cols = [c for c in dict.fromkeys(c for r in rows[:MAX_ROWS] for c in r)
            if any(not isinstance(r.get(c), dict | list) for r in rows[:MAX_ROWS])]
    t = Table(title=title, title_justify="left", box=None)
    for c in cols:
        t.add_column(c, justify="right" if isinstance(rows[0].get(c), int | float) else "left")
    for r in rows[:MAX_ROWS]:
        t.add_row(*(_fmt(c, r.get(c), unit=False, scale=False) for c in cols))
    out.print(t)
    if len(rows) > MAX_ROWS:
        out.print(f"... and {len(rows) - MAX_ROWS} more (--json shows all)")


def _header(key: str) -> str:
    """A column header in the unit its values are shown in: ``co2e_kg`` shown in Mt is "co2e (Mt CO2e)"."""
    unit = _unit(key)[1]
    if not unit:
        return key
    name = key.removesuffix("_kg").removesuffix("_usd").removesuffix("_t") if key not in ("tonne_km",) else key
    return f"{name} ({unit})"


def _unit(key: str) -> tuple[float, str]:
    for part in reversed(key.split(".")):  # by_corridor_t.northern: the unit of by_corridor_t
        if "_per_" in part:  # a rate (usd_per_t_yr): shown as is
            return 1.0, ""
        for suffix, div, unit in _UNITS:
            if part.endswith(suffix):
                return div, unit
    return 1.0, ""


def _fmt(key: str, value: Any, *, unit: bool = True, scale: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    div, name = _unit(key) if scale else (1.0, "")
    text = _num(value, div)
    return f"{text} {name}" if unit and name else text


def _num(value: Any, div: float = 1.0) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and div == 1.0:
        return f"{value:,}"
    x = float(value) / div
    if x == 0 or abs(x) >= 1e4:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) < 1 else f"{x:,.2f}"


def _when(iso: str | None) -> str:
    return "" if not iso else iso.replace("T", " ")[:19]


def _elapsed(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds:,.1f} s" if seconds < 120 else f"{seconds / 60:,.1f} min"


def _seed(seed: int | None) -> str:
    if seed is None:
        return ""
    text = str(seed)
    return text if len(text) <= 12 else text[:10] + "…"


def _jsonable(value: Any) -> Any:
    """``value`` as JSON data: DataFrames as lists of records, NumPy scalars as Python, NaN as null."""
    import math

    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return _jsonable(value.to_dict(orient="records"))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str):  # NumPy scalars and arrays
        value = value.tolist()
        if isinstance(value, list):
            return _jsonable(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
