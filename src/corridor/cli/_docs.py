"""The command line as a click command, for the user guide's generated reference (``mkdocs-click``)."""

from __future__ import annotations

import typer

from corridor.cli import app

cli = typer.main.get_command(app)
"""The ``corridor`` command (a click group), as Typer builds it."""
