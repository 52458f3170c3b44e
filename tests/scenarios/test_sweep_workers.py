"""A sweep builds its model once per worker (not once per task) and says where its time went."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from corridor.report._sweep import render_sweep
from corridor.scenarios import RunStore, load_scenario, run_sweep
from corridor.scenarios import _store_db as db
from corridor.scenarios import _sweep_worker as sww
from corridor.scenarios._sweep_timing import timing_rows
from corridor.scenarios.sweep import draw_params

SPEC = "caspian-storm-season"  # one uncertain parameter, one model structure


def _check_once_per_worker(timing: dict, chunks: int) -> None:
    workers = timing["workers"]
    assert workers and sum(w["chunks"] for w in workers) == chunks
    for w in workers:
        assert w["process_model_builds"] == 1  # in the initializer, before the first chunk
        assert w["models_built"] == 0  # ... and never again by a chunk
        assert w["process_model_reuses"] >= w["chunks"]  # every chunk starts from the worker's model
    assert timing["totals"]["samples"] == sum(w["samples"] for w in workers)
    assert timing["totals"]["solve_s"] > 0 and timing["totals"]["init_s"] > 0


def test_a_local_pool_builds_the_model_once_per_worker(tmp_path: Path) -> None:
    spec = load_scenario(SPEC)
    sweep = run_sweep(spec, 60, seed=2, workers=2, store=RunStore(tmp_path / "s.duckdb"))
    timing = sweep.summary["timing"]
    _check_once_per_worker(timing, chunks=3)
    assert len(timing["workers"]) <= 2 and timing["slots"] == 2
    driver = timing["driver"]
    assert driver["cpu_s"] > 0 and driver["store_s"] > 0 and driver["wait_s"] > 0
    stored = RunStore(tmp_path / "s.duckdb").get(sweep.sweep_id)["summary"]["timing"]
    assert stored["totals"]["samples"] == 60  # the report reads it from the store
    html = render_sweep({"scenario": SPEC, "samples": 60, "seed": 2, **sweep.summary}, sweep.frame)
    assert "Where the time went" in html and "waiting for the workers" in html and "solving" in html
    rows = timing_rows(timing)
    assert {w for w, *_ in rows} == {"driver", "workers"}
    shares = [share for w, _, _, share in rows if w == "workers"]
    assert sum(shares) == pytest.approx(1.0, abs=0.05)  # the workers' rows add up to the slots' time


def test_a_dask_cluster_builds_the_model_once_per_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(sww, "_CACHE", {})  # workers in this process: start from an empty cache
    monkeypatch.setattr(sww, "_STATS", dict.fromkeys(sww._STATS, 0))
    spec = load_scenario(SPEC)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  protocol="tcp", host="127.0.0.1", dashboard_address=":0") as c:
        sweep = run_sweep(spec, 60, seed=2, scheduler=c.scheduler_address)
    timing = sweep.summary["timing"]
    assert sum(w["chunks"] for w in timing["workers"]) == 3
    # the two workers share this process, and with it the model: built once by the first worker's plugin
    assert sww._STATS["model_builds"] == 1
    assert all(w["models_built"] == 0 for w in timing["workers"])
    local = run_sweep(spec, 60, seed=2, workers=1)
    cols = ["idx", "param.open_share", "served_t", "total_cost_usd", "tonne_km"]
    pd.testing.assert_frame_equal(sweep.frame[cols].sort_values("idx").reset_index(drop=True),
                                  local.frame[cols].sort_values("idx").reset_index(drop=True), check_dtype=False)


def test_one_process_counts_one_build_for_many_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sww, "_CACHE", {})
    monkeypatch.setattr(sww, "_STATS", dict.fromkeys(sww._STATS, 0))
    sweep = run_sweep(load_scenario(SPEC), 40, seed=4, workers=1)
    _check_once_per_worker(sweep.summary["timing"], chunks=2)


def test_a_reused_model_solves_as_a_built_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk that starts from the worker's model gives what a chunk that builds its own gives."""
    spec = load_scenario(SPEC)
    items = draw_params(spec, 9, 6)
    monkeypatch.setattr(sww, "_CACHE", {})
    built = sww.solve_chunk(spec, items)
    reused = sww.solve_chunk(spec, items[::-1])[::-1]  # the second chunk starts from the first one's graph
    assert sww._STATS["model_reuses"] >= 1
    for a, b in zip(built[1:], reused[1:], strict=True):  # (warm solves after different first samples)
        assert a["summary"]["total_cost_usd"] == pytest.approx(b["summary"]["total_cost_usd"], rel=1e-9)
    assert built[0]["summary"] == sww.solve_chunk(spec, items[:1])[0]["summary"]  # the same first sample, cold


def test_the_store_holds_one_connection_for_many_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = []
    real = db._open_current

    def counting(*a, **k):
        opened.append(1)
        return real(*a, **k)

    monkeypatch.setattr(db, "_open_current", counting)
    monkeypatch.setattr(db, "HOLD_S", 600.0)  # however slow this machine is, the block below is quicker
    store = RunStore(tmp_path / "h.duckdb")
    with store.writing():
        run = store.start("sweep", "demo", {}, "hash", seed=1)
        for i in range(10):
            store.add_samples(run, [{"idx": i, "params": {}, "summary": {"served_t": float(i)}}])
        assert store.sample_indices(run) == set(range(10))  # reads in the block go through it too
    assert len(opened) == 1
    opened.clear()
    store.add_samples(run, [{"idx": 10, "params": {}, "summary": {"served_t": 1.0}}])
    assert len(opened) == 1  # outside the block: a connection per transaction, as before
    # the connection is handed back after hold_s, so other processes get their turn
    opened.clear()
    with db.holding(store.path, timeout=5.0, hold_s=0.0):
        for i in range(11, 14):
            store.add_samples(run, [{"idx": i, "params": {}, "summary": {"served_t": 1.0}}])
    assert len(opened) == 3
    # ... and when left idle that long, even without a further write
    with db.holding(store.path, timeout=5.0, hold_s=0.2) as held:
        store.add_samples(run, [{"idx": 14, "params": {}, "summary": {"served_t": 1.0}}])
        assert held.con is not None
        time.sleep(0.6)
        assert held.con is None
        # a user's SQL gets a read-only connection of its own, never the writer's
        store.add_samples(run, [{"idx": 15, "params": {}, "summary": {"served_t": 1.0}}])
        assert store.sql("select count(*) as n from samples")["n"].tolist() == [16]
        assert held.con is None


def test_path_models_are_built_once_per_worker_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the path formulation (every network counted as large) a worker keeps an unsolved model."""
    from corridor.assignment import lp as lp_module
    from corridor.assignment.lp_paths import PathLP

    spec = load_scenario(SPEC)
    monkeypatch.setattr(sww, "_CACHE", {})
    arcs = run_sweep(spec, 40, seed=4, workers=1)
    monkeypatch.setattr(sww, "_CACHE", {})
    monkeypatch.setattr(sww, "_STATS", dict.fromkeys(sww._STATS, 0))
    monkeypatch.setattr(lp_module, "AUTO_PATH_COLUMNS", 0)
    paths = run_sweep(spec, 40, seed=4, workers=1)
    _check_once_per_worker(paths.summary["timing"], chunks=2)
    assert any(isinstance(v, PathLP) and v.n_routes == 0 for v in sww._CACHE.values())  # kept unsolved
    a = arcs.frame.sort_values("idx")["total_cost_usd"].to_numpy()
    b = paths.frame.sort_values("idx")["total_cost_usd"].to_numpy()
    assert b == pytest.approx(a, rel=1e-7)


def test_a_fresh_path_model_solves_as_a_built_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk that starts from the worker's unsolved path model gives what a build gives, sample by sample."""
    from corridor.assignment import lp as lp_module

    monkeypatch.setattr(lp_module, "AUTO_PATH_COLUMNS", 0)
    spec = load_scenario(SPEC)
    items = draw_params(spec, 9, 6)
    monkeypatch.setattr(sww, "_CACHE", {})
    monkeypatch.setattr(sww, "_STATS", dict.fromkeys(sww._STATS, 0))
    built = [sww.solve_chunk(spec, [item])[0]["summary"] for item in items[:1]]
    reused = [sww.solve_chunk(spec, [item])[0]["summary"] for item in items]
    assert sww._STATS["model_builds"] == 1 and sww._STATS["model_reuses"] == len(items)
    assert reused[0] == built[0]  # the same first sample: the same cold solve
    monkeypatch.setattr(sww, "_CACHE", {})
    for item, got in zip(items, reused, strict=True):  # each against a model built for it
        sww._CACHE.clear()
        want = sww.solve_chunk(spec, [item])[0]["summary"]
        assert got["total_cost_usd"] == pytest.approx(want["total_cost_usd"], rel=1e-9)
        assert got["served_t"] == pytest.approx(want["served_t"], rel=1e-9)
