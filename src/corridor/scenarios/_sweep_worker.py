"""The worker side of a sweep: the model built once per worker, the samples solved, the time each stage took.

Each worker process (a local pool's, a Dask worker's, or this process with one worker) keeps:

- the base dataset of the scenario, loaded by :func:`prepare_worker` (the executor's initializer,
  which runs once per worker: a Dask worker plugin on a cluster) — never shipped with a task;
- the transfer-expanded graph of the LP (the costly part of a build) — for a model of the path
  formulation, the model itself unsolved (:meth:`~corridor.assignment.lp_paths.PathLP.fresh`) —
  built once per worker and model structure: by :func:`prepare_worker` for the scenario at its
  nominal values, and on first need for another structure (a closure drawn on, say). A chunk of
  samples starts from a fresh HiGHS model of that graph brought to its first sample's figures,
  which is the very model a build from that sample would make (same columns, same capacity rows
  in the same order, same costs and bounds; otherwise it is built anew), so a chunk's results
  never depend on what the worker solved before; later samples of the chunk re-solve warm.

Each chunk reports how long its stages took and how many models it built (:func:`chunk_timing`);
the driver sums them per worker (:mod:`corridor.scenarios._sweep_timing`).
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from corridor.scenarios.run import base_of, load_base

if TYPE_CHECKING:
    from corridor.assignment.lp import FreightLP
    from corridor.scenarios.changes import Applied
    from corridor.scenarios.spec import ScenarioSpec

__all__ = ["Item", "chunk_timing", "prepare_worker", "solve_chunk", "worker_stats"]

Item = tuple[int, int, dict[str, float]]
"""A sample to solve: its index, its child seed as an integer, and its parameter values."""

_CACHE: dict[str, Any] = {}
"""Per worker process: base datasets and built LP graphs (never changed once made)."""
_BUILD_LOCK = threading.Lock()  # threads of one Dask worker build a graph once between them
_THREAD = threading.local()
_STATS: dict[str, float] = {"model_builds": 0, "model_reuses": 0, "init_s": 0.0, "base_s": 0.0}
"""Per worker process: LP graphs built and reused, seconds in the initializer and loading bases."""


def worker_stats() -> dict[str, float | None]:
    """Counts of this process so far: ``model_builds``, ``model_reuses``, ``init_s``, ``base_s``, and its peak memory.

    ``maxrss_mb`` is the peak resident memory of the process in MiB (where the platform reports it).

    Examples
    --------
    >>> sorted(worker_stats())
    ['base_s', 'init_s', 'maxrss_mb', 'model_builds', 'model_reuses']
    """
    return {**_STATS, "maxrss_mb": _peak_mb()}


def _peak_mb() -> float | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def _worker_id() -> str:
    """Which worker this is: the Dask worker's address, else ``host:pid``."""
    if "distributed" in sys.modules:  # never import Dask in a local worker just to ask
        from distributed import get_worker

        try:
            return str(get_worker().address)
        except ValueError:  # not in a Dask worker
            pass
    return f"{socket.gethostname()}:{os.getpid()}"


def _models() -> dict[str, tuple[Any, Any]]:
    """Per thread: the LP models of the chunk being solved, ``{key: (structure, model)}``.

    A warm solve changes its model in place, so threads of one Dask worker never share one.
    """
    models: dict[str, tuple[Any, Any]] | None = getattr(_THREAD, "models", None)
    if models is None:
        models = _THREAD.models = {}
    return models


def _structure(applied: Applied) -> tuple[Any, ...]:
    net = applied.network
    return (
        tuple(lk.id for lk in net.links),
        tuple(t.id for t in net.transfers),
        applied.no_transit,
        tuple((r.id, r.origin, r.destination, r.tonnes) for r in applied.demand.rows),
        None if applied.country_risk is None else tuple(sorted(applied.country_risk.items())),
    )


def _base(spec: ScenarioSpec) -> Any:
    key = f"base:{spec.dataset}:{spec.year}"
    if key not in _CACHE:
        t0 = time.perf_counter()
        _CACHE[key] = base_of(spec)
        _STATS["base_s"] += time.perf_counter() - t0
    return _CACHE[key]


def _applied(spec: ScenarioSpec, params: Mapping[str, float]) -> Applied:
    from corridor.scenarios.changes import apply_changes
    from corridor.scenarios.run import base_demand

    ds = _base(spec)
    return apply_changes(spec, ds.network, base_demand(spec, ds), params)


def _fresh_model(key: str, network: Any, applied: Applied, spec: ScenarioSpec) -> FreightLP:
    """A model of ``network`` as a build would make it: from the worker's graph when it fits, else built."""
    from corridor.assignment.lp import FreightLP
    from corridor.assignment.lp_paths import PathLP
    from corridor.scenarios.run import engine_kwargs

    graph = _CACHE.get(key)
    if graph is not None and (lp := _reused(graph, network)) is not None:
        return lp
    with _BUILD_LOCK:
        newer = _CACHE.get(key)  # another thread of this worker may have built it meanwhile
        if newer is not None and newer is not graph and (lp := _reused(newer, network)) is not None:
            return lp
        lp = FreightLP.build(network, applied.demand, **engine_kwargs(spec, applied))
        # the template of later chunks: an arc model's graph; a path model unsolved (its graph grows with routes)
        _CACHE[key] = lp.fresh() if isinstance(lp, PathLP) else lp.graph
        _STATS["model_builds"] += 1
    return lp


def _reused(template: Any, network: Any) -> FreightLP | None:
    """A new model from ``template`` brought to ``network``'s figures, if it is the model a build would make.

    ``template`` is an arc model's graph, or an unsolved path model (:meth:`PathLP.fresh` copies it).
    """
    from corridor.assignment.lp import FreightLP
    from corridor.assignment.lp_paths import PathLP

    lp: FreightLP
    if isinstance(template, PathLP):
        lp, n_rows = template.fresh(), template.state.n_rows
    else:
        lp, n_rows = FreightLP(template), template.n_rows
    if (lp.update_network(network) and lp.state.n_rows == n_rows
            and all(row.current < float("inf") for row in lp.state.capacities.values())):
        _STATS["model_reuses"] += 1  # the same capacity rows as a build: the same model
        return lp
    return None


def _model_key(spec: ScenarioSpec, struct: tuple[Any, ...]) -> str:
    return f"lp:{spec.content_hash({})}:{hash(struct)}"  # one graph per structure (e.g. closure on/off)


def _solve_one(spec: ScenarioSpec, params: Mapping[str, float], clock: dict[str, float] | None = None
               ) -> dict[str, Any]:
    """Solve one sample, warm when this chunk's model for its structure is at hand; add stage times to ``clock``."""
    from corridor.assignment.measures import SCALAR_MEASURES
    from corridor.scenarios.run import engine_network, solve_model

    clock = {} if clock is None else clock
    t0 = time.perf_counter()
    applied = _applied(spec, params)
    network = engine_network(spec, applied)
    struct = _structure(applied)
    key = _model_key(spec, struct)
    t1 = time.perf_counter()
    cached = _models().get(key)
    warm = cached is not None and cached[0] == struct and cached[1].update_network(network)
    if cached is not None and warm:
        lp = cached[1]
    else:
        lp = _fresh_model(key, network, applied, spec)
        _models()[key] = (struct, lp)
    t2 = time.perf_counter()
    res, extra, hours = solve_model(spec, network, applied, lp)
    t3 = time.perf_counter()
    for stage, s in (("apply_s", t1 - t0), ("model_s", t2 - t1), ("solve_s", t3 - t2)):
        clock[stage] = clock.get(stage, 0.0) + s
    out = {"unserved_t": res.unserved_t, "served_t": res.served_t, "demand_t": res.demand_t,
           "total_cost_usd": res.total_cost, "tonne_km": res.tonne_km, "co2e_kg": res.co2e_kg, "hours_t": hours,
           "by_corridor_t": {r["corridor"]: r["tonnes"] for r in res.measures["by_corridor"]},
           "by_gateway_t": {r["node"]: r["tonnes"] for r in res.measures.get("by_gateway", ())},
           **{k: res.measures[k] for k in SCALAR_MEASURES if k != "served_t"},
           "binding": ";".join(sorted({f"{b['kind']}:{b['id']}" for b in res.bottlenecks})),
           "warm": bool(warm), "status": res.status}
    if "gap" in extra:
        out.update(gap=extra["gap"], converged=extra["converged"])
    return out


def _solve_rows(spec: ScenarioSpec, items: list[Item], clock: dict[str, float]) -> list[dict[str, Any]]:
    _models().clear()  # every chunk starts cold: results never depend on which chunks this worker solved before
    rows = []
    for idx, seed, params in items:
        t0 = time.perf_counter()
        summary = _solve_one(spec, params, clock)
        rows.append(
            {"idx": idx, "seed": seed, "params": params, "summary": summary, "elapsed_s": time.perf_counter() - t0}
        )
    return rows


def solve_chunk(spec: ScenarioSpec, items: list[Item]) -> list[dict[str, Any]]:
    """Solve a chunk of samples (runs in a worker process); returns one store row per sample.

    Examples
    --------
    One sample solved in this process (a sweep sends chunks like this to its workers):

    >>> from corridor.scenarios import load_scenario
    >>> from corridor.scenarios.sweep import draw_params
    >>> spec = load_scenario("caspian-storm-season")
    >>> [row] = solve_chunk(spec, draw_params(spec, seed=1, n=1))
    >>> row["idx"], sorted(row["params"]), row["summary"]["served_t"]
    (0, ['open_share'], 164628600.0)
    """
    return _solve_rows(spec, items, {})


def chunk_timing(spec: ScenarioSpec, items: list[Item]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """:func:`solve_chunk`, and where the chunk's time went in the worker.

    Returns
    -------
    tuple
        The rows, and ``{"worker", "samples", "chunk_s", "apply_s", "model_s", "solve_s", "models_built",
        **worker_stats()}``: the worker that solved it, seconds in the chunk, in applying the changes,
        in building or resetting the model and in solving, the models this chunk built, and the worker
        process's totals so far.

    Examples
    --------
    >>> from corridor.scenarios import load_scenario
    >>> from corridor.scenarios.sweep import draw_params
    >>> spec = load_scenario("caspian-storm-season")
    >>> rows, timing = chunk_timing(spec, draw_params(spec, seed=1, n=2))
    >>> len(rows), timing["samples"], timing["solve_s"] > 0, timing["models_built"] in (0, 1)
    (2, 2, True, True)
    """
    clock: dict[str, float] = {}
    builds = _STATS["model_builds"]
    t0 = time.perf_counter()
    rows = _solve_rows(spec, items, clock)
    timing = {"worker": _worker_id(), "samples": len(rows), "chunk_s": time.perf_counter() - t0,
              "apply_s": clock.get("apply_s", 0.0), "model_s": clock.get("model_s", 0.0),
              "solve_s": clock.get("solve_s", 0.0), "models_built": int(_STATS["model_builds"] - builds),
              **worker_stats()}
    return rows, timing


def _solve_task(task: tuple[ScenarioSpec, list[Item]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    return chunk_timing(*task)


def prepare_worker(dataset: str, relative_to: str | None = None, year: int | None = None,
                   spec: ScenarioSpec | None = None) -> None:
    """Load the base dataset (as of ``year``) and the solver into a worker's cache before its first sample.

    With ``spec``, also build the scenario's model at its nominal values, once, for every chunk this
    worker will solve.

    Examples
    --------
    >>> prepare_worker("eurasia", year=2021)  # later samples of this process reuse the loaded base
    """
    t0 = time.perf_counter()
    from corridor.assignment.lp import FreightLP  # noqa: F401 - import HiGHS now, not in the first sample

    key = f"base:{dataset}:{year}"
    if key not in _CACHE:
        _CACHE[key] = load_base(dataset, relative_to=relative_to, year=year)
        _STATS["base_s"] += time.perf_counter() - t0
    if spec is not None:
        from corridor.scenarios.run import engine_network

        applied = _applied(spec, spec.nominal())
        key = _model_key(spec, _structure(applied))
        if key not in _CACHE:
            _fresh_model(key, engine_network(spec, applied), applied, spec)
    _STATS["init_s"] += time.perf_counter() - t0
