"""Helpers shared by the CLI commands: loading the network, printing JSON, progress on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from corridor import Progress, Result
    from corridor.model import Dataset


def load_dataset(path: Path | None) -> Dataset:
    """The dataset at ``path``, validated, or the built-in ``eurasia`` when ``path`` is None."""
    import corridor

    return corridor.load(path)


def console(*, stderr: bool = False) -> Console:
    """A Rich console (on stderr for progress and messages that must not mix with JSON)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def print_json(payload: Any) -> None:
    """Print ``payload`` as JSON on stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")


def wrote(path: Path | str, *, quiet: bool = False) -> None:
    """Say on stderr that a file was written."""
    if not quiet:
        console(stderr=True).print(f"wrote {path}", markup=False, highlight=False)


def emit(result: Result, *, as_json: bool, show: Callable[[dict[str, Any]], None], report: Path | None = None,
         title: str | None = None) -> dict[str, Any]:
    """Write the result's ``--report`` (if asked), then print it: JSON for programs or ``show`` for people.

    Returns the printed payload (``result.to_dict()``).
    """
    if report is not None:
        result.write_report(report, title=title)
        wrote(report, quiet=as_json)
    payload = result.to_dict()
    if as_json:
        print_json(payload)
    else:
        show(payload)
    return payload


def _ignore(_: Progress) -> None:
    """A progress callback that does nothing."""


@contextmanager
def progress_bar(label: str, *, quiet: bool, rate: str | None = None) -> Iterator[Callable[[Progress], None]]:
    """A progress bar on stderr driven by :class:`corridor.Progress` callbacks (nothing when ``quiet``).

    Without a known total it spins and shows the stage; with one it shows done/total, elapsed and
    the time left. ``rate`` names the unit of a per-second rate to show (``"samples"``). Where
    stderr is not a terminal (a log, CI) there is no bar, but each new stage is said in one line
    (``assign: compiling kernels (first run only)``), so that a long wait is never silent.
    """
    if quiet:  # JSON for a program: nothing on stderr, and no Rich to import (a tenth of a second)
        yield _ignore
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), TimeRemainingColumn()]
    err = console(stderr=True)
    # only for a person at a terminal: elsewhere (logs, pipes, CI) a live bar leaves stray lines
    live = not quiet and err.is_terminal
    said: set[str] = set()
    with Bar(*columns, console=err, transient=True, disable=not live) as bar:
        task = bar.add_task(label, total=None, detail="")

        def update(p: Progress) -> None:
            if not live and not quiet and p.stage not in ("", label) and p.stage not in said:
                said.add(p.stage)
                err.print(f"{label}: {p.stage}", markup=False, highlight=False)
            detail = p.detail
            elapsed = bar.tasks[task].elapsed or 0.0
            if rate is not None and p.done and elapsed > 0:
                detail = f"{p.done / elapsed:,.1f} {rate}/s"
            description = label if p.stage in ("", label) else f"{label}: {p.stage}"
            bar.update(task, completed=p.done, total=p.total, description=description, detail=detail)

        yield update
