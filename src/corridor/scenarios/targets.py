"""Calibration targets: the published aggregates of a base year against what a run carries.

A dataset may ship ``targets.csv`` (the built-in ``eurasia`` does: the 2021 Trans-Caspian volume,
China–Europe transit through Kazakhstan, port throughput). Each target names the model figure it
is compared with: a scalar of the physical measures (``titr_t``, ``kz_transit_teu``, … see
:mod:`corridor.assignment.measures`) or ``facility:<id>:<unit>``, the flow through a facility's
capacity row in that unit.

>>> t = Target("x", "titr_t", 100.0, "t", 2021, "SRC", "measured")
>>> compare_targets([t], {"titr_t": 120.0}, [])[0]["within"]
True
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem

__all__ = ["TOLERANCE", "Target", "compare_targets", "load_targets"]

TOLERANCE = 0.25
"""A model figure within this share of the observed one meets its target (issue 11: 25 %)."""


@dataclass(frozen=True)
class Target:
    """One published aggregate and the model figure it is compared with.

    Attributes
    ----------
    id
        Short slug.
    measure
        A scalar of the physical measures, or ``facility:<id>:<unit>``.
    observed
        The published figure, in ``unit``.
    unit
        ``t`` or ``TEU`` (per year).
    year
        The year the figure describes.
    source, status
        Source keys (joined by ``+``) and status, as for every figure of the dataset.
    note
        What the figure counts, and how its scope differs from the model's where it does.
    """

    id: str
    measure: str
    observed: float
    unit: str
    year: int
    source: str
    status: str
    note: str = ""


def load_targets(path: str | Path) -> tuple[Target, ...]:
    """Read ``targets.csv`` (a file, or a dataset folder holding one; none there gives ``()``).

    Raises
    ------
    InputError
        A row with a missing or non-numeric field, naming the file, line and field.
    """
    file = Path(path)
    if file.is_dir():
        file = file / "targets.csv"
        if not file.exists():
            return ()
    problems: list[Problem] = []
    out: list[Target] = []
    with file.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            target = _target(row, f"{file}:{line}", problems)
            if target is not None:
                out.append(target)
    if problems:
        raise InputError(problems)
    return tuple(out)


def _target(row: Mapping[str, str | None], where: str, problems: list[Problem]) -> Target | None:
    text = {k: (row.get(k) or "").strip() for k in ("id", "measure", "observed", "unit", "year", "source",
                                                     "status", "note")}
    missing = [k for k in ("id", "measure", "observed", "unit", "year", "source", "status") if not text[k]]
    for k in missing:
        problems.append(Problem(where, k, "missing"))
    if missing:
        return None
    try:
        observed = float(text["observed"])
    except ValueError:
        problems.append(Problem(where, "observed", f"{text['observed']!r} is not a number"))
        return None
    if not text["year"].isdigit():
        problems.append(Problem(where, "year", f"{text['year']!r} is not a year"))
        return None
    return Target(text["id"], text["measure"], observed, text["unit"], int(text["year"]), text["source"],
                  text["status"], text["note"])


def _model_value(measure: str, measures: Mapping[str, Any], capacities: Iterable[Mapping[str, Any]]) -> float | None:
    if measure.startswith("facility:"):
        _, fid, unit = measure.split(":", 2)
        flows = [float(c["flow"]) for c in capacities if c.get("kind") == "facility" and c.get("id") == fid
                 and c.get("unit") == unit]
        return sum(flows) if flows else None
    value = measures.get(measure)
    return None if value is None else float(value)


def compare_targets(targets: Sequence[Target], measures: Mapping[str, Any],
                    capacities: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One record per target: observed, model, ratio and whether it lies within :data:`TOLERANCE`.

    ``measures`` are a run's physical measures (``to_dict()["measures"]``); ``capacities`` its
    capacity rows (``kind``, ``id``, ``unit``, ``flow``), for facility targets. A target whose
    figure the run does not have gets ``model`` None.
    """
    caps = list(capacities)
    out = []
    for t in targets:
        model = _model_value(t.measure, measures, caps)
        ratio = None if model is None or t.observed == 0 else model / t.observed
        out.append({**asdict(t), "name": t.id, "model": model, "ratio": ratio,
                    "within": ratio is not None and abs(ratio - 1.0) <= TOLERANCE})
    return out
