"""Helpers shared by the CLI commands: loading the network, printing JSON and tables."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from corridor.model import Dataset

NETWORK_HELP = "Network to use: a .geojson file, a folder of CSV tables or a TNTP folder (default: built-in eurasia)."


def network_option() -> Any:
    """The ``--network PATH`` option shared by commands."""
    return typer.Option(None, "--network", "-n", help=NETWORK_HELP, show_default=False)


def load_dataset(path: Path | None) -> Dataset:
    """The dataset at ``path``, validated, or the built-in ``eurasia`` when ``path`` is None."""
    from corridor import data

    return data.load("eurasia" if path is None else path)


def console(*, stderr: bool = False) -> Console:
    """A Rich console (on stderr for progress and messages that must not mix with JSON)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def print_json(payload: Any) -> None:
    """Print ``payload`` as JSON on stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
