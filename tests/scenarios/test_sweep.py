"""Monte Carlo sweeps: determinism, warm = cold, a real Dask cluster, kill and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from corridor.exceptions import InputError
from corridor.io.yaml import load_yaml
from corridor.scenarios import RunStore, load_scenario, run_sweep
from corridor.scenarios import sweep as sw

ROOT = Path(__file__).resolve().parents[2]
RISK = ROOT / "examples" / "northern-risk-premium.yaml"
CLI = [sys.executable, "-c", "import sys; from corridor.cli import main; sys.exit(main(sys.argv[1:]))"]
COLS = ["idx", "seed", "param.ru_risk_premium_usd_per_t", "param.ru_transit_closed", "param.caspian_capacity",
        "unserved_t", "total_cost_usd", "tonne_km", "co2e_kg", "hours_t"]


def _spec():
    return load_scenario(RISK), load_yaml(RISK)


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[COLS].sort_values("idx").reset_index(drop=True)


def test_samples_depend_only_on_seed_and_index() -> None:
    spec, _ = _spec()
    all_ = sw.draw_params(spec, 7, 50)
    some = sw.draw_params(spec, 7, 50, [3, 41])
    assert some == [all_[3], all_[41]]
    assert sw.draw_params(spec, 8, 50)[3] != all_[3]


def test_warm_solves_equal_cold_builds() -> None:
    spec, doc = _spec()
    items = sw.draw_params(spec, 3, 12)
    sw._CACHE.clear()
    warm = sw.solve_chunk({"doc": doc, "file": str(RISK)}, items)
    assert sum(r["summary"]["warm"] for r in warm) >= 6
    for item, w in zip(items, warm, strict=True):
        sw._CACHE.clear()
        cold = sw.solve_chunk({"doc": doc, "file": str(RISK)}, [item])[0]
        assert not cold["summary"]["warm"]
        for k in ("total_cost_usd", "unserved_t", "tonne_km"):
            assert w["summary"][k] == pytest.approx(cold["summary"][k], rel=1e-9, abs=1e-6)


def test_local_sweep_same_seed_same_result_for_any_worker_count(tmp_path: Path) -> None:
    spec, doc = _spec()
    a = run_sweep(spec, doc, 16, seed=5, workers=1, store=RunStore(tmp_path / "a.duckdb"))
    b = run_sweep(spec, doc, 16, seed=5, workers=2, store=RunStore(tmp_path / "b.duckdb"))
    pd.testing.assert_frame_equal(_values(a.frame), _values(b.frame), check_dtype=False)
    assert a.summary["metrics"] == b.summary["metrics"]
    assert len(a.frame) == 16
    run = RunStore(tmp_path / "a.duckdb").get(a.sweep_id)
    assert run["status"] == "done"
    # the summary: premium raises cost (the tornado ranks it first for cost)
    top = next(r for r in a.summary["tornado"] if r["metric"] == "total_cost_usd")
    assert top["parameter"] == "ru_risk_premium_usd_per_t" and top["spearman"] > 0.8


def test_sweep_needs_uncertain_parameters() -> None:
    spec = load_scenario(ROOT / "examples" / "baseline-2021.yaml")
    with pytest.raises(InputError, match="no uncertain parameters"):
        run_sweep(spec, {}, 5)


def test_unanswered_scheduler_leaves_nothing_in_the_store(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    p = subprocess.run([*CLI, "scenario", "sweep", str(RISK), "--samples", "4", "--scheduler",
                        "tcp://127.0.0.1:9", "--store", str(store)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, p.stderr
    assert "no Dask scheduler answers" in p.stderr and "Traceback" not in p.stderr
    if store.exists():
        assert RunStore(store).list_runs() == []


def _dask(*args: str) -> subprocess.Popen:
    """A ``dask`` command of this environment, in its own process group."""
    return subprocess.Popen([str(Path(sys.executable).parent / "dask"), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def test_a_real_dask_cluster_gives_the_local_result(tmp_path: Path) -> None:
    sched_file = tmp_path / "scheduler.json"
    procs = [_dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                   "--scheduler-file", str(sched_file))]
    try:
        deadline = time.time() + 60
        while not sched_file.exists() and time.time() < deadline:
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        procs += [_dask("worker", address, "--nthreads", "1", "--no-dashboard") for _ in range(2)]
        from distributed import Client

        with Client(address, timeout="30s") as c:
            c.wait_for_workers(2, timeout=60)
        p = subprocess.run([*CLI, "scenario", "sweep", str(RISK), "--samples", "20", "--seed", "11", "--scheduler",
                            address, "--store", str(tmp_path / "d.duckdb"), "--json"],
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr[-2000:]
        spec, doc = _spec()
        local = run_sweep(spec, doc, 20, seed=11, workers=2)
        remote = RunStore(tmp_path / "d.duckdb").samples(json.loads(p.stdout)["sweep_id"])
        pd.testing.assert_frame_equal(_values(remote), _values(local.frame), check_dtype=False)
    finally:
        for pr in procs:
            os.killpg(pr.pid, signal.SIGTERM)
        for pr in procs:
            pr.wait(timeout=30)


def test_killed_sweep_resumes_without_losing_or_repeating(tmp_path: Path) -> None:
    store = tmp_path / "k.duckdb"
    args = ["scenario", "sweep", str(RISK), "--samples", "120", "--seed", "2", "--workers", "1",
            "--store", str(store)]
    proc = subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    rs = RunStore(store)
    deadline = time.time() + 120
    sweep_id = None
    while time.time() < deadline:
        time.sleep(0.3)
        try:
            runs = rs.list_runs(kind="sweep")
        except Exception:
            continue
        if runs:
            sweep_id = runs[0]["run_id"]
            if len(rs.sample_indices(sweep_id)) >= 10:
                break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert sweep_id is not None
    before = rs.sample_indices(sweep_id)
    assert 0 < len(before) < 120, "kill the sweep mid-run"
    p = subprocess.run([*CLI, *args, "--resume", sweep_id, "--json"], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    frame = rs.samples(sweep_id)
    assert sorted(frame["idx"]) == list(range(120))
    assert rs.get(sweep_id)["status"] == "done"
    spec, doc = _spec()
    fresh = run_sweep(spec, doc, 120, seed=2, workers=2)
    pd.testing.assert_frame_equal(_values(frame), _values(fresh.frame), check_dtype=False)


def test_equilibrium_scenarios_sweep_with_their_engine() -> None:
    from corridor.scenarios import scenario_from_text

    text = """name: eq-sweep
changes:
  - grow_demand: {select: {group: kz-export-rail}, factor: $growth}
engine: {method: equilibrium, gap: 1.0e-6, value_of_time: 0.15}
uncertain:
  growth: {dist: uniform, low: 1.0, high: 2.5}
"""
    spec = scenario_from_text(text, "eq.yaml")
    from corridor.io.yaml import loads_yaml

    sw._CACHE.clear()
    rows = sw.solve_chunk({"doc": loads_yaml(text, "eq.yaml"), "file": "eq.yaml"}, sw.draw_params(spec, 1, 4))
    assert all(r["summary"]["converged"] and r["summary"]["gap"] <= 1e-6 for r in rows)
    # the equilibrium prices delays: its generalised cost is never below the LP's free-flow optimum
    for r in rows:
        lp_spec = scenario_from_text(text.replace("method: equilibrium", "method: lp"), "lp.yaml")
        sw._CACHE.clear()
        lp = sw._solve_one(lp_spec, r["params"])
        assert "gap" not in lp
        assert r["summary"]["total_cost_usd"] >= lp["total_cost_usd"] * (1 - 1e-9)


def test_an_identical_sweep_is_reused(tmp_path: Path) -> None:
    spec, doc = _spec()
    store = RunStore(tmp_path / "r.duckdb")
    first = run_sweep(spec, doc, 6, seed=9, workers=1, store=store)
    again = run_sweep(spec, doc, 6, seed=9, workers=1, store=store)
    assert again.sweep_id == first.sweep_id and again.summary["reused"] and again.summary["solved_now"] == 0
    pd.testing.assert_frame_equal(_values(again.frame), _values(first.frame), check_dtype=False)
    other = run_sweep(spec, doc, 6, seed=10, workers=1, store=store)
    assert other.sweep_id != first.sweep_id
    assert len(store.list_runs(kind="sweep")) == 2


def test_resume_checks_the_sweep(tmp_path: Path) -> None:
    spec, doc = _spec()
    store = RunStore(tmp_path / "r.duckdb")
    first = run_sweep(spec, doc, 4, seed=1, workers=1, store=store)
    with pytest.raises(InputError, match="is not a sweep of this scenario"):
        run_sweep(spec, doc, 4, seed=2, workers=1, store=store, resume=first.sweep_id)
    with pytest.raises(InputError, match="needs a run store"):
        run_sweep(spec, doc, 4, seed=1, resume=first.sweep_id)
    with pytest.raises(InputError):
        run_sweep(spec, doc, 4, seed=1, store=store, resume="no-such-run")
