"""Options shared by the commands: the same flag means the same thing everywhere.

Short forms are given only where they cannot be mistaken: ``-o`` is always ``--out``, ``-w``
``--workers``, ``-r`` ``--replications``, ``-f`` ``--format``, ``-m`` ``--method``. Each function
returns a fresh ``typer.Option`` to use as a parameter's default.
"""

from __future__ import annotations

from typing import Any

import typer

NETWORK_HELP = "Network to use: a .geojson file, a folder of CSV tables or a TNTP folder (default: built-in eurasia)."
STORE_HELP = "Run store (DuckDB file); default $CORRIDOR_HOME/runs.duckdb, else ./corridor-runs.duckdb."
CONFIG_HELP = "Hub config: a YAML file or a built-in name (default: aktau-hub, the 240,000 TEU/yr design)."
MAX_WORKERS = 256
"""Most local worker processes a command accepts."""


def network() -> Any:
    """``--network PATH``."""
    return typer.Option(None, "--network", help=NETWORK_HELP, show_default=False)


def as_json() -> Any:
    """``--json``."""
    return typer.Option(False, "--json", help="Print JSON for programs (nothing else on stdout).")


def report(what: str = "the result") -> Any:
    """``--report PATH``."""
    return typer.Option(None, "--report", help=f"Write a self-contained HTML report of {what} here (opens offline).")


def out(help_text: str, *, required: bool = False) -> Any:
    """``--out PATH`` / ``-o``."""
    return typer.Option(... if required else None, "--out", "-o", help=help_text)


def store() -> Any:
    """``--store PATH``."""
    return typer.Option(None, "--store", help=STORE_HELP)


def no_store() -> Any:
    """``--no-store``."""
    return typer.Option(False, "--no-store", help="Do not record the run(s) in the run store.")


def workers(default: int | None, help_text: str = "Local worker processes.") -> Any:
    """``--workers N`` / ``-w``."""
    return typer.Option(default, "--workers", "-w", min=1, max=MAX_WORKERS, help=help_text)


def scheduler() -> Any:
    """``--scheduler ADDRESS``."""
    return typer.Option(None, "--scheduler", help="Run on a Dask cluster instead: its scheduler's tcp://HOST:PORT.")


def seed(help_text: str = "Seed: the same seed gives the same result.") -> Any:
    """``--seed N``."""
    return typer.Option(0, "--seed", min=0, max=2**63 - 1, help=help_text)


def replications(default: int, help_text: str = "Independent seeded replications.") -> Any:
    """``--replications N`` / ``-r``."""
    return typer.Option(default, "--replications", "-r", min=1, max=10_000, help=help_text)


def days(default: int = 365) -> Any:
    """``--days N``."""
    return typer.Option(default, "--days", min=1, help="Simulated days measured (after the warm-up).")


def warmup_days() -> Any:
    """``--warmup-days N``."""
    return typer.Option(14, "--warmup-days", min=0, help="Days simulated first and discarded.")


def config() -> Any:
    """``--config NAME|PATH`` (no short form: ``-c`` would be ambiguous with other commands)."""
    return typer.Option("aktau-hub", "--config", help=CONFIG_HELP)


def price(flag: str, help_text: str, default: float | None = 0.0) -> Any:
    """A price or weight in the generalised cost: finite, ≥ 0 and bounded, so that costs never overflow."""
    return typer.Option(default, flag, min=0.0, max=1e6, help=help_text)
