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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem
from corridor.model.provenance import Status
from corridor.model.targets import Target

__all__ = ["TOLERANCE", "Target", "compare_targets", "load_targets"]  # Target: corridor.model.targets

TOLERANCE = 0.25
"""A model figure within this share of the observed one meets its target (issue 11: 25 %)."""


def load_targets(path: str | Path) -> tuple[Target, ...]:
    """Read ``targets.csv`` (a file, or a dataset folder holding one; none there gives ``()``).

    Raises
    ------
    InputError
        A row with a missing or malformed field or an unknown status, naming the file, line and field.
    """
    from corridor.io.schema import TABLES
    from corridor.io.tables import read_table

    file = Path(path)
    if file.is_dir():
        file = file / "targets.csv"
        if not file.exists():
            return ()
    problems: list[Problem] = []
    targets: list[Target] = read_table(file, TABLES["targets"], problems)
    statuses = {s.value for s in Status}
    problems += [Problem(t.origin or str(file), "status", f"unknown status {t.status!r}")
                 for t in targets if t.status not in statuses]
    if problems:
        raise InputError(problems)
    return tuple(targets)


def _node_value(kind: str, rest: str, measures: Mapping[str, Any]) -> float | None:
    """``gateway:<node>:<unit>`` or ``market:<node>:<unit>``."""
    node, _, unit = rest.rpartition(":")
    key = {"t": "tonnes", "TEU": "teu", "teu": "teu"}.get(unit)
    if not node or key is None:
        return None
    if kind == "gateway":
        return float(sum(r[key] for r in measures.get("by_gateway", ()) if r.get("node") == node))
    col = "served_t" if key == "tonnes" else "served_teu"
    return float(sum(r.get(col, 0.0) for r in measures.get("by_od", ()) if r.get("destination") == node))


def _model_value(measure: str, measures: Mapping[str, Any], capacities: Iterable[Mapping[str, Any]],
                 link_flows: Iterable[Mapping[str, Any]] = ()) -> float | None:
    kind, _, rest = measure.partition(":")
    if kind in ("gateway", "market") and rest:
        return _node_value(kind, rest, measures)
    if kind in ("link", "pipeline") and rest:
        link, _, unit = rest.rpartition(":")
        if unit != "t" or not link:
            return None
        return float(sum(r["tonnes"] for r in link_flows if r.get("link") == link))
    if measure.startswith("facility:"):
        _, fid, unit = measure.split(":", 2)
        flows = [float(c["flow"]) for c in capacities if c.get("kind") == "facility" and c.get("id") == fid
                 and c.get("unit") == unit]
        return sum(flows) if flows else None
    value = measures.get(measure)
    return None if value is None else float(value)


def compare_targets(targets: Sequence[Target], measures: Mapping[str, Any],
                    capacities: Iterable[Mapping[str, Any]],
                    link_flows: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """One record per target: observed, model, ratio and whether it lies within :data:`TOLERANCE`.

    ``measures`` are a run's physical measures (``to_dict()["measures"]``, with ``by_od`` for
    market targets); ``capacities`` its capacity rows (``kind``, ``id``, ``unit``, ``flow``), for
    facility targets; ``link_flows`` its link flows, for ``pipeline:<link>:t`` targets. A target
    whose figure the run does not have gets ``model`` None. Measures:

    - a scalar of the physical measures (``titr_t`` …);
    - ``facility:<id>:<unit>``: the flow through a facility's capacity row in that unit;
    - ``gateway:<node>:t`` (or ``:TEU``): Kazakh exports through an export gateway (``by_gateway``);
    - ``market:<node>:t`` (or ``:TEU``): tonnes served to rows ending at a market (or any destination);
    - ``pipeline:<link>:t`` (or ``link:<link>:t``): tonnes on a link, both directions.
    """
    caps = list(capacities)
    flows = list(link_flows)
    out = []
    for t in targets:
        model = _model_value(t.measure, measures, caps, flows)
        ratio = None if model is None or t.observed == 0 else model / t.observed
        out.append({**asdict(t), "name": t.id, "model": model, "ratio": ratio,
                    "within": ratio is not None and abs(ratio - 1.0) <= TOLERANCE})
    return out
