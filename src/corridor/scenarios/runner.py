"""Running a scenario against its baseline, reusing identical runs from the store.

This is the logic behind ``corridor scenario run``, ``corridor demo``, :func:`corridor.run_scenario`
and (later) the web API: all of them get the same answer from the same call.

A run is identified by :meth:`ScenarioSpec.content_hash` (base, changes, engine and parameter values;
not the name or notes). A finished run with the same hash is reused from the store, whether it was
recorded as a scenario or as a baseline: a scenario that changes nothing is its own baseline and is
stored once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError
from corridor.scenarios.changes import apply_changes
from corridor.scenarios.compare import compare_runs
from corridor.scenarios.run import base_demand, base_of, run_spec
from corridor.scenarios.spec import ScenarioSpec

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from corridor.model import Dataset
    from corridor.scenarios.store import RunStore

__all__ = ["Comparison", "StoredRun", "check_runnable", "compare_scenarios", "run_or_reuse"]

_REUSABLE = ("scenario", "baseline")
"""Kinds of run whose results one another may reuse: the same spec hash gives the same results."""


@dataclass(frozen=True, eq=False)
class StoredRun:
    r"""One run of a scenario, fresh or reused from the store.

    Attributes
    ----------
    run_id
        The id in the store, ``""`` when no store was used.
    reused
        True when an identical finished run was found in the store and not run again.
    spec_hash
        The scenario's content hash.
    summary
        Plain values (see :class:`corridor.scenarios.RunOutcome`).
    tables
        Result tables by name (``link_flows``, ``od``, ``capacities``, ``transfers``, ``geometry``).

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> run = run_or_reuse(spec, None)
    >>> run.spec_hash == spec.content_hash(), sorted(run.tables)[:2]
    (True, ['capacities', 'geometry'])
    """

    run_id: str
    reused: bool
    spec_hash: str
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(repr=False)


@dataclass(frozen=True, eq=False)
class Comparison:
    r"""A scenario, its baseline, both runs and what changed between them.

    :meth:`to_dict` is the payload of ``corridor scenario run --json`` (keys ``scenario``,
    ``baseline``, ``result``, ``diff``) and the input of :func:`corridor.report.render_comparisons`.

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> comparison = compare_scenarios(spec)
    >>> list(comparison.to_dict())
    ['scenario', 'baseline', 'result', 'diff']
    """

    scenario: ScenarioSpec
    baseline: ScenarioSpec
    scenario_run: StoredRun
    baseline_run: StoredRun
    diff: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain values: ``scenario`` (spec and run), ``baseline`` (spec, run and summary), ``result``, ``diff``."""
        spec, base = self.scenario, self.baseline
        s, b = self.scenario_run, self.baseline_run
        return {
            "scenario": {
                "name": spec.name, "description": spec.description, "file": spec.path,
                "changes": [c.to_dict() for c in spec.changes], "sources": dict(spec.sources),
                "run_id": s.run_id, "spec_hash": s.spec_hash, "reused": s.reused,
            },
            "baseline": {
                "name": base.name, "file": base.path, "run_id": b.run_id, "spec_hash": b.spec_hash,
                "reused": b.reused, **b.summary,
            },
            "result": s.summary,
            "diff": self.diff,
        }


def run_or_reuse(spec: ScenarioSpec, store: RunStore | None, *, base: Dataset | None = None,
                 kind: str = "scenario", parent_id: str | None = None) -> StoredRun:
    r"""Run ``spec`` at its nominal values, or reuse an identical finished run from ``store``.

    Parameters
    ----------
    spec
        The scenario.
    store
        Where runs are recorded and looked up; None runs without recording.
    base
        The base dataset, if already loaded.
    kind
        ``"scenario"`` or ``"baseline"``: how a new run is recorded.
    parent_id
        The baseline run of a scenario run.

    Returns
    -------
    StoredRun

    Raises
    ------
    InputError
        Bad changes or demand; nothing is left in the store.

    Examples
    --------
    Without a store (``None``) the run is made and not recorded:

    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> run = run_or_reuse(spec, None)
    >>> run.run_id, run.reused, run.summary["status"]
    ('', False, 'optimal')
    """
    spec_hash = spec.content_hash()
    if store is None:
        out = run_spec(spec, base=base)
        return StoredRun("", False, spec_hash, out.summary, out.tables)
    found = _find_reusable(store, spec_hash)
    summary = store.get(found)["summary"] if found is not None else {}
    if found is not None and "measures" in summary:  # a run recorded before the physical measures runs again
        return StoredRun(found, True, spec_hash, summary, store.tables(found))
    run_id = store.start(kind, spec.name, spec.to_dict(), spec_hash, parent_id=parent_id or None)
    try:
        out = run_spec(spec, base=base)
    except InputError:
        store.delete(run_id)  # bad input leaves nothing in the store
        raise
    except BaseException as e:
        store.fail(run_id, f"{type(e).__name__}: {e}", interrupted=isinstance(e, KeyboardInterrupt))
        raise
    store.finish(run_id, summary=out.summary, tables=out.tables, elapsed_s=out.elapsed_s)
    return StoredRun(run_id, False, spec_hash, out.summary, out.tables)


def _find_reusable(store: RunStore, spec_hash: str) -> str | None:
    for kind in _REUSABLE:
        found = store.find_done(spec_hash, kind)
        if found is not None:
            return found
    return None


def check_runnable(*specs: ScenarioSpec, base: Dataset | None = None) -> None:
    r"""Apply every spec's changes to its base without solving, so that bad input fails before any run.

    ``base`` is used for the specs whose base dataset is that of the first spec.

    Raises
    ------
    InputError
        The first spec with a bad base, year or change.

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> check_runnable(spec)  # fine: nothing is solved, nothing returned
    >>> bad = scenario_from_text("name: bad\nchanges:\n  - close_link: [no-such-link]\n", "bad.yaml")
    >>> try:
    ...     check_runnable(spec, bad)
    ... except InputError as e:
    ...     print(e)
    bad.yaml:3: close_link.ids: unknown link 'no-such-link'
    """
    for s in specs:
        ds = base if base is not None and s.dataset == specs[0].dataset else base_of(s)
        apply_changes(s, ds.network, base_demand(s, ds))


def compare_scenarios(spec: ScenarioSpec, baseline: ScenarioSpec | None = None, *, store: RunStore | None = None,
                      base: Dataset | None = None,
                      progress: Callable[[str, int, int], None] | None = None) -> Comparison:
    r"""Run (or reuse) a scenario and its baseline and compare them.

    Parameters
    ----------
    spec
        The scenario.
    baseline
        Its baseline; by default the same base and engine with no changes
        (:meth:`ScenarioSpec.without_changes`).
    store
        Where the runs are recorded and identical ones reused; None runs without recording.
    base
        The base dataset of ``spec``, if already loaded.
    progress
        Called with ``(stage, done, total)`` before each of the three steps: the baseline, the
        scenario, the comparison.

    Returns
    -------
    Comparison

    Raises
    ------
    InputError
        Bad input in either spec, found before anything is run or stored.

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> comparison = compare_scenarios(spec)
    >>> comparison.scenario.name, comparison.baseline.name
    ('no-northern-transit', 'eurasia-2021')
    >>> totals = comparison.diff["totals"]
    >>> totals["demand_t"]["change"], totals["tonne_km"]["change"] > 0
    (0.0, True)
    """
    baseline = baseline if baseline is not None else spec.without_changes()
    if base is None:
        base = base_of(spec)
    check_runnable(spec, baseline, base=base)

    def say(stage: str, done: int) -> None:
        if progress is not None:
            progress(stage, done, 3)

    same_base = baseline.dataset == spec.dataset
    say("baseline", 0)
    b = run_or_reuse(baseline, store, base=base if same_base else None, kind="baseline")
    say("scenario", 1)
    s = run_or_reuse(spec, store, base=base, parent_id=b.run_id)
    say("comparing", 2)
    diff = compare_runs({"summary": b.summary, "tables": b.tables}, {"summary": s.summary, "tables": s.tables})
    return Comparison(spec, baseline, s, b, diff)
