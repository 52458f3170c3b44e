"""Fixtures of the report tests: real outputs of the command line, made fresh for each test session.

Every input of the report tests comes from running the installed ``corridor`` console script in a
subprocess on the built-in data, into a run store in a temporary folder: ``scenario run --json``
(two scenarios against the 2021 baseline), ``scenario sweep --json`` and ``runs export`` (40 samples
of northern-risk-premium), ``route --json``, ``assign --json --out`` (LP and equilibrium) and
``hub simulate --json`` (the Aktau hub and the M/M/2 example). The command line's JSON is the stable
contract between the engines and the views, so the fixtures never go stale. Three of these commands
also write their HTML report (``--report``) into :func:`reports`, for the end-to-end tests.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.report.console import EXAMPLES, run_cli
from tests.report.html_checks import parse

from corridor import data
from corridor.model import Network


@pytest.fixture(scope="session")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the run store and the exported tables of this session."""
    return tmp_path_factory.mktemp("corridor-home")


@pytest.fixture(scope="session")
def cli(cli_home: Path) -> Callable[..., str]:
    """``cli(*args)`` runs the console script with ``CORRIDOR_HOME`` in the session's folder."""

    def call(*args: str | Path, timeout: float = 600) -> str:
        return run_cli(*args, home=cli_home, timeout=timeout)

    return call


@pytest.fixture(scope="session")
def store(cli_home: Path) -> Path:
    """The run store the fixtures record their runs in (``demo`` and ``scenario run`` reuse them)."""
    return cli_home / "runs.duckdb"


@pytest.fixture(scope="session")
def network() -> Network:
    return data.load("eurasia").network


@pytest.fixture(scope="session")
def reports(cli_home: Path) -> Path:
    """The folder of the reports that the fixtures' commands write with ``--report`` (for the end-to-end tests)."""
    folder = cli_home / "reports"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def _comparisons(cli: Callable[..., str], store: Path, reports: Path) -> list[dict[str, Any]]:
    out = []
    for name in ("northern-route-closed", "aktau-hub"):
        report = ("--report", reports / f"run-{name}.html") if name == "northern-route-closed" else ()
        out.append(json.loads(cli("scenario", "run", EXAMPLES / f"{name}.yaml", "--baseline",
                                  EXAMPLES / "baseline-2021.yaml", "--json", "--store", store, *report)))
    return out


@pytest.fixture
def comparisons(_comparisons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return copy.deepcopy(_comparisons)


@pytest.fixture(scope="session")
def _sweep(cli: Callable[..., str], store: Path, cli_home: Path, reports: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    sweep = json.loads(cli("scenario", "sweep", EXAMPLES / "northern-risk-premium.yaml", "--samples", "40",
                           "--seed", "1", "--workers", "1", "--json", "--store", store,
                           "--report", reports / "sweep.html"))
    out = cli_home / "sweep-export"
    exported = json.loads(cli("runs", "export", sweep["sweep_id"], "--format", "csv", "--out", out, "--store", store,
                              "--json"))
    (samples,) = [Path(f) for f in exported["files"] if Path(f).name == "samples.csv"]
    return sweep, pd.read_csv(samples)


@pytest.fixture
def sweep(_sweep: tuple[dict[str, Any], pd.DataFrame]) -> dict[str, Any]:
    return copy.deepcopy(_sweep[0])


@pytest.fixture(scope="session")
def samples(_sweep: tuple[dict[str, Any], pd.DataFrame]) -> pd.DataFrame:
    return _sweep[1]


@pytest.fixture(scope="session")
def _routes(cli: Callable[..., str]) -> dict[str, Any]:
    return json.loads(cli("route", "almaty", "duisburg", "--k", "3", "--json"))


@pytest.fixture
def routes(_routes: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(_routes)


def _assign(cli: Callable[..., str], home: Path, method: str, *extra: str) -> tuple[dict[str, Any], pd.DataFrame]:
    out = home / f"assign-{method}"
    result = json.loads(cli("assign", "--method", method, "--json", "--out", out, *extra))
    return result, pd.read_csv(out / "link_flows.csv")


@pytest.fixture(scope="session")
def lp(cli: Callable[..., str], cli_home: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """``assign --method lp`` at the calibrated value of time (capacities bind): JSON and link flows."""
    return _assign(cli, cli_home, "lp", "--value-of-time", "0.1")


@pytest.fixture(scope="session")
def equilibrium(cli: Callable[..., str], cli_home: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """``assign --method equilibrium``: the freight equilibrium's JSON and its link flows."""
    return _assign(cli, cli_home, "equilibrium")


@pytest.fixture(scope="session")
def hub(cli: Callable[..., str], reports: Path) -> dict[str, Any]:
    """The Aktau hub: 60 days × 2 replications (short; its intervals reach below 0 and above 1)."""
    return json.loads(cli("hub", "simulate", "--days", "60", "--replications", "2", "--seed", "3", "--json",
                          "--report", reports / "hub.html"))


@pytest.fixture(scope="session")
def queue(cli: Callable[..., str]) -> dict[str, Any]:
    """The M/M/2 example, long enough for the Erlang C formula to fall inside the interval."""
    return json.loads(cli("hub", "simulate", "--config", "mm2-example", "--days", "200", "--replications", "3",
                          "--json"))


@pytest.fixture(scope="session")
def html_parse() -> Any:
    """The function that parses a page with :class:`~tests.report.html_checks.StrictParser`."""
    return parse
