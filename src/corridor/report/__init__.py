"""Self-contained HTML reports: scenario comparisons and Monte Carlo sweeps.

A report is one HTML file with inline CSS, inline SVG charts and map, and a few lines of inline
script (sortable tables). It loads nothing from the network, so it opens offline and can be
mailed as it is. The output is deterministic: the same input gives the same bytes (no timestamp
unless ``created`` is given).

Examples
--------
>>> from corridor.report import render_sweep
>>> text = render_sweep({"scenario": "demo", "n": 0, "samples": 0, "metrics": {}})
>>> text.startswith("<!DOCTYPE html>") and "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.io.files import atomic_file
from corridor.report._comparison import render_comparisons as _render_comparisons
from corridor.report._sweep import render_sweep as _render_sweep

if TYPE_CHECKING:
    import pandas as pd

    from corridor.model import Network

__all__ = ["render_comparisons", "render_sweep", "write_comparisons", "write_sweep"]


def render_comparisons(
    comparisons: Sequence[Mapping[str, Any]],
    network: Network,
    *,
    title: str = "Freight corridor scenarios",
    created: str | None = None,
) -> str:
    """The HTML report of scenario comparisons.

    Parameters
    ----------
    comparisons
        Comparisons as ``corridor scenario run --json`` prints them: each with ``scenario``,
        ``baseline``, ``result`` and ``diff``. With several, the report opens with a summary table.
    network
        The network the runs used; its node coordinates draw the map of flow changes.
    title
        The page title.
    created
        A date or time to show under the title; none by default, so that the output depends on
        the input only.

    Returns
    -------
    str
        A whole HTML document.

    See Also
    --------
    write_comparisons : the same, written to a file.
    """
    return _render_comparisons(comparisons, network, title=title, created=created)


def render_sweep(
    sweep: Mapping[str, Any],
    samples: pd.DataFrame | None = None,
    *,
    title: str = "Monte Carlo sweep",
    created: str | None = None,
) -> str:
    """The HTML report of a Monte Carlo sweep.

    Parameters
    ----------
    sweep
        A sweep summary as ``corridor scenario sweep --json`` prints it (``metrics``,
        ``p_unserved_above``, ``bottleneck_frequency``, ``tornado``, ``uncertain`` ...).
    samples
        One row per sample with the metrics as columns; with it the report draws histograms,
        without it quantile ranges.
    title
        The page title.
    created
        A date or time to show under the title (none by default).

    Returns
    -------
    str
        A whole HTML document.

    See Also
    --------
    write_sweep : the same, written to a file.
    """
    return _render_sweep(sweep, samples, title=title, created=created)


def _write(path: str | Path, text: str) -> Path:
    path = Path(path)
    with atomic_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)  # a report is for reading: not the 0600 of a fresh temporary file
    return path


def write_comparisons(
    path: str | Path,
    comparisons: Sequence[Mapping[str, Any]],
    network: Network,
    *,
    title: str = "Freight corridor scenarios",
    created: str | None = None,
) -> Path:
    """Write the report of :func:`render_comparisons` to ``path`` atomically (a temporary file, then a rename).

    Returns
    -------
    Path
        The path written.
    """
    return _write(path, render_comparisons(comparisons, network, title=title, created=created))


def write_sweep(
    path: str | Path,
    sweep: Mapping[str, Any],
    samples: pd.DataFrame | None = None,
    *,
    title: str = "Monte Carlo sweep",
    created: str | None = None,
) -> Path:
    """Write the report of :func:`render_sweep` to ``path`` atomically (a temporary file, then a rename).

    Returns
    -------
    Path
        The path written.
    """
    return _write(path, render_sweep(sweep, samples, title=title, created=created))
