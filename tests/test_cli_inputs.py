"""The command line as a new user meets it: flags, first use, and bad input found in issue 10."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer.main

from corridor.cli import app, main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for name, cmd in getattr(group, "commands", {}).items():
        full = f"{prefix} {name}".strip()
        if hasattr(cmd, "commands"):
            out += _commands(cmd, full)
        else:
            out.append((full, cmd))
    return out


def _options(cmd: Any) -> list[Any]:
    return [p for p in cmd.params if getattr(p, "param_type_name", "") == "option"]


def test_a_flag_means_the_same_everywhere() -> None:
    meaning: dict[str, tuple[str, str]] = {}
    commands = _commands(typer.main.get_command(app))
    assert len(commands) >= 15
    for name, cmd in commands:
        for p in _options(cmd):
            longs = sorted(o for o in p.opts if o.startswith("--"))
            for short in (o for o in p.opts if not o.startswith("--")):
                seen = meaning.setdefault(short, (longs[0], name))
                assert seen[0] == longs[0], f"{short} is {seen[0]} in `{seen[1]}` but {longs[0]} in `{name}`"


NO_RESULTS = {"serve"}
"""Commands that print no results (``serve`` answers HTTP requests, in JSON)."""


def test_json_wherever_a_command_prints_results() -> None:
    for name, cmd in _commands(typer.main.get_command(app)):
        if name in NO_RESULTS:
            continue
        assert "--json" in {o for p in _options(cmd) for o in p.opts}, name


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from corridor import __version__

    code, out, err = run(capsys, "--version")
    assert (code, out.strip(), err) == (0, f"corridor {__version__}", "")


@pytest.mark.parametrize(("args", "expect"), [
    (("route", "Dostyk", "Poti", "--pareto", "--k", "3"), "--k: a Pareto set"),
    (("route", "Dostyk", "Poti", "--avoid-country", "XX"), "--avoid-country: unknown country code 'XX'"),
    (("route", "Xian", "Duisburg", "--by", "generalized", "--carbon-price", "1e308"), "--carbon-price"),
    (("assign", "--method", "lp", "--algorithm", "fw"), "--algorithm: applies to the equilibrium method only"),
    (("assign", "--method", "lp", "--gap", "1e-3"), "--gap: applies to the equilibrium method only"),
    (("runs", "list", "--kind", "nonsense"), "nonsense"),
    (("runs", "list", "--store", "/proc/x/runs.duckdb"), "/proc/x/runs.duckdb"),
    (("scenario", "run", "northern-route-closd"), "northern-route-closed"),
    (("scenario", "run", "examples/northern-route-closed.yaml", "--store", "x.duckdb", "--no-store"), "--no-store"),
])
def test_bad_input_exits_2_naming_what_the_user_gave(capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                                                     expect: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2, err
    assert expect in err
    assert "Traceback" not in err and "internal error" not in err
    assert out == ""


@pytest.mark.parametrize("args", [
    ("network", "export", "{out}.geojson"),
    ("network", "export", "--format", "csv", "{out}"),
    ("route", "Aktau", "Baku", "--geojson", "{out}.geojson"),
    ("route", "Aktau", "Baku", "--report", "{out}.html"),
    ("assign", "--method", "lp", "--out", "{out}"),
    ("scenario", "run", "northern-route-closed", "--no-store", "--report", "{out}.html"),
    ("hub", "simulate", "--days", "10", "--replications", "2", "--no-store", "--report", "{out}.html"),
])
def test_unwritable_outputs_name_the_path_given(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    out = "/proc/corridor-test/out"
    code, _, err = run(capsys, *(a.format(out=out) for a in args))
    assert code == 2, err
    assert out in err and ".tmp" not in err


def test_demo_report_to_an_unwritable_place(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "demo", "--report", "/proc/corridor-test/demo.html", "--store",
                       str(tmp_path / "runs.duckdb"))
    assert code == 2 and "/proc/corridor-test/demo.html" in err and ".tmp" not in err


def test_builtin_scenario_name_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "scenario", "run", "northern-route-closed", "--json", "--store",
                         str(tmp_path / "runs.duckdb"))
    assert code == 0, err
    d = json.loads(out)
    assert d["scenario"]["name"] == "northern-route-closed"


def test_hub_runs_are_recorded(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = str(tmp_path / "runs.duckdb")
    code, out, err = run(capsys, "hub", "simulate", "--days", "10", "--replications", "2", "--seed", "4", "--store",
                         store)
    assert code == 0, err
    run_id = err.split("recorded as run ")[1].split()[0]
    code, out, err = run(capsys, "runs", "list", "--kind", "hub", "--json", "--store", store)
    assert code == 0, err
    runs = json.loads(out)["runs"]
    assert [(r["run_id"], r["seed"], r["status"]) for r in runs] == [(run_id, 4, "done")]


def test_long_waits_are_said_even_without_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "assign", "--method", "lp")
    assert code == 0
    assert err.splitlines()[:2] == ["LP: building the LP", "LP: solving with HiGHS"]


def test_table_headers_say_the_unit_of_their_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "assign", "--method", "lp")
    assert code == 0
    header = next(line for line in out.splitlines() if "corridor" in line and "t·km" in line)
    assert "Mt CO2e" in header and "co2e_kg" not in header and "bn t·km" in header
    routes = next(line for line in out.splitlines() if "corridor" in line and "TEU" in line)
    assert "Mt/yr" in routes and "TEU/yr" in routes


def test_runs_show_headers_say_the_unit_of_their_values(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = str(tmp_path / "runs.duckdb")
    code, out, err = run(capsys, "scenario", "run", "northern-route-closed", "--json", "--store", store)
    assert code == 0, err
    code, out, err = run(capsys, "runs", "show", json.loads(out)["scenario"]["run_id"], "--store", store)
    assert code == 0, err
    assert "co2e (Mt CO2e)" in out and "co2e_kg (" not in out


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (("route", "Xian", "Duisburg", "--carbon-price", "1e308"), ("route",), ("nonsense",),
                 ("runs", "list", "--kind", "nonsense"), ("assign", "--method", "simplex")):
        code, out, err = run(capsys, *args)
        assert code == 2 and out == ""
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith("error: ") and "--help)" in err


def test_run_kinds_of_the_cli_are_the_store_kinds() -> None:
    from corridor.cli.runs import Kind
    from corridor.scenarios.store import KINDS

    assert tuple(k.value for k in Kind) == KINDS
