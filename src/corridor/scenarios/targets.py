"""Calibration targets: the published aggregates of a base year against what a run carries.

A dataset may ship ``targets.csv`` (the built-in ``eurasia`` does: the 2021 Trans-Caspian volume,
China–Europe transit through Kazakhstan, port throughput, crude by pipeline). Each target names the
model figure it is compared with: a scalar of the physical measures (``titr_t``, ``kz_transit_teu``,
… see :mod:`corridor.assignment.measures`), ``facility:<id>:<unit>`` (the flow through a facility's
capacity row in that unit), ``pipeline:<link-id>:t`` (tonnes on a link, from the run's link flows),
``market:<node-id>:t`` (tonnes served to a market node from origins in Kazakhstan, from the run's
demand rows) or ``gateway:<node-id>:t`` (tonnes of Kazakh exports whose export gateway is the node: the
``by_gateway`` measure); several joined by ``+`` are summed. A target
with ``fit`` false is compared but not fitted.

>>> t = Target("x", "titr_t", 100.0, "t", 2021, "SRC", "measured")
>>> compare_targets([t], {"titr_t": 120.0}, [])[0]["within"]
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError
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

    Examples
    --------
    >>> from corridor import data
    >>> targets = load_targets(data.path())
    >>> targets[0].id, targets[0].measure, targets[0].unit, targets[0].year
    ('titr-tonnes', 'titr_t', 't', 2021)
    """
    from corridor.io.tables import read_status_table

    targets, problems = read_status_table(path, "targets", "targets.csv")
    if problems:
        raise InputError(problems)
    return tuple(targets)


def _keyed_value(measure: str, measures: Mapping[str, Any], link_flows: Sequence[Mapping[str, Any]],
                 od: Sequence[Mapping[str, Any]], countries: Mapping[str, str] | None) -> float | None:
    """The figure of a ``pipeline:``, ``market:`` or ``gateway:`` target.

    ``pipeline:<link>:t`` from the link flows, ``market:<node>:t`` from the demand rows (those from
    Kazakhstan when ``countries`` is given), ``gateway:<node>:t`` (or ``:TEU``) from ``by_gateway``.
    """
    kind, key, unit = measure.split(":", 2)
    if kind == "pipeline":
        return sum(float(r["tonnes"]) for r in link_flows if r.get("link") == key) if link_flows else None
    if kind == "gateway":
        if "by_gateway" not in measures:
            return None
        col = "teu" if unit.lower() == "teu" else "tonnes"
        return sum(float(r[col]) for r in measures["by_gateway"] if r.get("node") == key)
    rows = od or measures.get("by_od", ())
    if not rows:
        return None
    return sum(float(r["served_t"]) for r in rows if r.get("destination") == key
               and (countries is None or countries.get(str(r.get("origin"))) == "KZ"))


def _model_value(measure: str, measures: Mapping[str, Any], capacities: Iterable[Mapping[str, Any]],
                 link_flows: Sequence[Mapping[str, Any]] = (), od: Sequence[Mapping[str, Any]] = (),
                 countries: Mapping[str, str] | None = None) -> float | None:
    if "+" in measure:
        parts = [_model_value(m.strip(), measures, capacities, link_flows, od, countries) for m in measure.split("+")]
        return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
    if measure.startswith(("pipeline:", "market:", "gateway:")):
        return _keyed_value(measure, measures, link_flows, od, countries)
    if measure.startswith("facility:"):
        _, fid, unit = measure.split(":", 2)
        flows = [float(c["flow"]) for c in capacities if c.get("kind") == "facility" and c.get("id") == fid
                 and c.get("unit") == unit]
        return sum(flows) if flows else None
    value = measures.get(measure)  # a scalar measure, or gateway:<node>:t once the engines carry it
    return None if value is None else float(value)


def compare_targets(targets: Sequence[Target], measures: Mapping[str, Any],
                    capacities: Iterable[Mapping[str, Any]], *, link_flows: Iterable[Mapping[str, Any]] = (),
                    od: Iterable[Mapping[str, Any]] = (),
                    countries: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One record per target: observed, model, ratio and whether it lies within :data:`TOLERANCE`.

    ``measures`` are a run's physical measures (``to_dict()["measures"]``); ``capacities`` its
    capacity rows (``kind``, ``id``, ``unit``, ``flow``), for facility targets; ``link_flows``
    its link flow rows (``link``, ``tonnes``), for pipeline targets; ``od`` its demand rows
    (``origin``, ``destination``, ``served_t``) and ``countries`` the country of each node, for
    market targets. A target whose figure the run does not have gets ``model`` None.

    Examples
    --------
    The first built-in target (tonnes on the Trans-Caspian route in 2021) against a made-up model figure:

    >>> from corridor import data
    >>> target = load_targets(data.path())[0]
    >>> [row] = compare_targets([target], {"titr_t": 600_000.0}, [])
    >>> row["name"], row["observed"], row["model"], round(row["ratio"], 3), row["within"]
    ('titr-tonnes', 586000.0, 600000.0, 1.024, True)
    """
    caps, flows, rows = list(capacities), list(link_flows), list(od)
    out = []
    for t in targets:
        model = _model_value(t.measure, measures, caps, flows, rows, countries)
        ratio = None if model is None or t.observed == 0 else model / t.observed
        out.append({**asdict(t), "name": t.id, "model": model, "ratio": ratio,
                    "within": ratio is not None and abs(ratio - 1.0) <= TOLERANCE})
    return out
