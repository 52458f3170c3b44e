"""Monte Carlo sweeps: determinism, warm = cold, a real Dask cluster, kill and resume, bounds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.test_parallel import dask_cluster

from corridor.exceptions import InputError
from corridor.parallel import SCHEDULER_TIMEOUT_ENV
from corridor.scenarios import RunStore, load_scenario, run_sweep
from corridor.scenarios import _sweep_worker as sww
from corridor.scenarios import sweep as sw

ROOT = Path(__file__).resolve().parents[2]
RISK = ROOT / "examples" / "northern-risk-premium.yaml"
CLI = [sys.executable, "-c", "import sys; from corridor.cli import main; sys.exit(main(sys.argv[1:]))"]
COLS = ["idx", "seed", "param.ru_risk_premium_usd_per_t", "param.ru_transit_closed", "param.caspian_capacity",
        "unserved_t", "total_cost_usd", "tonne_km", "co2e_kg", "hours_t"]


def _spec():
    return load_scenario(RISK)


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[COLS].sort_values("idx").reset_index(drop=True)


def test_samples_depend_only_on_seed_and_index() -> None:
    spec = _spec()
    all_ = sw.draw_params(spec, 7, 50)
    some = sw.draw_params(spec, 7, 50, [3, 41])
    assert some == [all_[3], all_[41]]
    assert sw.draw_params(spec, 8, 50)[3] != all_[3]


def test_warm_solves_equal_cold_builds() -> None:
    spec = _spec()
    items = sw.draw_params(spec, 3, 12)
    sww._models().clear()
    warm = sw.solve_chunk(spec, items)
    assert sum(r["summary"]["warm"] for r in warm) >= 6
    for item, w in zip(items, warm, strict=True):
        sww._models().clear()
        cold = sw.solve_chunk(spec, [item])[0]
        assert not cold["summary"]["warm"]
        for k in ("total_cost_usd", "unserved_t", "tonne_km"):
            assert w["summary"][k] == pytest.approx(cold["summary"][k], rel=1e-9, abs=1e-6)


def test_local_sweep_same_seed_same_result_for_any_worker_count(tmp_path: Path) -> None:
    spec = _spec()
    a = run_sweep(spec, 16, seed=5, workers=1, store=RunStore(tmp_path / "a.duckdb"))
    b = run_sweep(spec, 16, seed=5, workers=2, store=RunStore(tmp_path / "b.duckdb"))
    pd.testing.assert_frame_equal(_values(a.frame), _values(b.frame), check_dtype=False)
    assert a.summary["metrics"] == b.summary["metrics"]
    assert len(a.frame) == 16
    run = RunStore(tmp_path / "a.duckdb").get(a.sweep_id)
    assert run["status"] == "done"
    # the summary: premium raises cost (the tornado ranks it first for cost; the chance of delay also
    # raises it, so the rank correlation over 16 samples is moderate)
    top = next(r for r in a.summary["tornado"] if r["metric"] == "total_cost_usd")
    assert top["parameter"] == "ru_risk_premium_usd_per_t" and top["spearman"] > 0.5
    # shares by export gateway and corridor, with their spread over the samples
    for key in ("gateway_shares", "corridor_shares"):
        shares = a.summary[key]
        assert shares == b.summary[key] and shares
        assert sum(v["share"]["mean"] for v in shares.values()) == pytest.approx(1.0)
        for v in shares.values():
            q = v["share"]
            assert 0 <= q["min"] <= q["p5"] <= q["p50"] <= q["p95"] <= q["max"] <= 1
    assert "aktau" in a.summary["gateway_shares"] and "northern" in a.summary["corridor_shares"]
    assert any(c.startswith("by_gateway_t.") for c in a.frame.columns)


def test_sweep_needs_uncertain_parameters() -> None:
    spec = load_scenario(ROOT / "examples" / "baseline-2021.yaml")
    with pytest.raises(InputError, match="no uncertain parameters"):
        run_sweep(spec, 5)


def test_unanswered_scheduler_leaves_nothing_in_the_store(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    p = subprocess.run([*CLI, "scenario", "sweep", str(RISK), "--samples", "4", "--scheduler",
                        "tcp://127.0.0.1:9", "--store", str(store)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, SCHEDULER_TIMEOUT_ENV: "1"})
    assert p.returncode == 2, p.stderr
    assert p.stderr.strip().startswith("error: --scheduler: no Dask scheduler answers at 'tcp://127.0.0.1:9' "
                                       f"within 1 s ({SCHEDULER_TIMEOUT_ENV})"), p.stderr
    assert "Traceback" not in p.stderr
    if store.exists():
        assert RunStore(store).list_runs() == []


def test_hub_and_scenario_sweeps_give_the_same_scheduler_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from corridor.hub import fit_delay_curve, load_config, simulate
    from corridor.hub import sweep as hub_sweep

    monkeypatch.setenv(SCHEDULER_TIMEOUT_ENV, "1")
    address = "tcp://127.0.0.1:9"
    spec = _spec()
    hub = load_config("aktau-hub")
    calls = [lambda: run_sweep(spec, 4, scheduler=address),
             lambda: simulate(hub, days=5, replications=2, scheduler=address),
             lambda: hub_sweep(hub, berths=[1, 2], days=5, replications=2, scheduler=address),
             lambda: fit_delay_curve(hub, levels=[1e5, 2e5, 3e5], days=5, replications=2, scheduler=address)]
    messages = set()
    for call in calls:
        with pytest.raises(InputError) as err:
            call()
        assert [(p.where, p.field) for p in err.value.problems] == [("--scheduler", "")]
        messages.add(str(err.value))
    assert len(messages) == 1
    assert messages.pop().startswith(f"--scheduler: no Dask scheduler answers at {address!r} within 1 s")


@pytest.mark.slow
def test_a_real_dask_cluster_gives_the_local_result(tmp_path: Path) -> None:
    spec = _spec()
    one = run_sweep(spec, 45, seed=11, workers=1)
    two = run_sweep(spec, 45, seed=11, workers=2)
    with dask_cluster(tmp_path, threads=2) as cluster:  # two chunks may share a worker process
        on_dask = run_sweep(spec, 45, seed=11, scheduler=cluster.address)
        p = subprocess.run([*CLI, "scenario", "sweep", str(RISK), "--samples", "45", "--seed", "11", "--scheduler",
                            cluster.address, "--store", str(tmp_path / "d.duckdb"), "--json"],
                           capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    from_cli = RunStore(tmp_path / "d.duckdb").samples(json.loads(p.stdout)["sweep_id"])
    for other in (two.frame, on_dask.frame, from_cli):
        pd.testing.assert_frame_equal(_values(other), _values(one.frame), check_dtype=False)
    assert one.summary["metrics"] == two.summary["metrics"] == on_dask.summary["metrics"]
    assert one.summary["warm_share"] == two.summary["warm_share"] == on_dask.summary["warm_share"]


_KILLED = """\
import os, signal, sys
from corridor.scenarios import RunStore, load_scenario, run_sweep

def crash(p):
    if p.done >= 40:  # two chunks are in the store: die at once, workers and all (as a power cut would)
        os.killpg(0, signal.SIGKILL)

if __name__ == "__main__":
    spec = load_scenario(sys.argv[1])
    run_sweep(spec, 120, seed=2, workers=2, store=RunStore(sys.argv[2]), progress=crash)
"""


@pytest.mark.slow
def test_killed_sweep_resumes_without_losing_or_repeating(tmp_path: Path) -> None:
    store = tmp_path / "k.duckdb"
    script = tmp_path / "killed.py"
    script.write_text(_KILLED, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), str(RISK), str(store)], capture_output=True, timeout=600,
                          start_new_session=True, check=False)
    assert proc.returncode == -9, proc.stderr[-2000:]
    rs = RunStore(store)
    (run,) = rs.list_runs(kind="sweep")
    sweep_id = run["run_id"]
    before = sorted(rs.sample_indices(sweep_id))
    assert len(before) == 40 and run["status"] != "done"
    assert all(len([i for i in before if i // 20 == c]) == 20 for c in {i // 20 for i in before})  # whole chunks
    args = ["scenario", "sweep", str(RISK), "--samples", "120", "--seed", "2", "--workers", "1", "--store", str(store)]
    p = subprocess.run([*CLI, *args, "--resume", sweep_id, "--json"], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout)["solved_now"] == 80
    frame = rs.samples(sweep_id)
    assert sorted(frame["idx"]) == list(range(120))
    assert rs.get(sweep_id)["status"] == "done"
    spec = _spec()
    fresh = run_sweep(spec, 120, seed=2, workers=2)
    pd.testing.assert_frame_equal(_values(frame), _values(fresh.frame), check_dtype=False)


def test_sample_i_draws_from_child_i_of_the_seed() -> None:
    """As documented: sample i draws from default_rng(SeedSequence(seed).spawn(n)[i]), names sorted."""
    spec = _spec()
    children = np.random.SeedSequence(13).spawn(30)
    for idx, seed, params in sw.draw_params(spec, 13, 30, [0, 7, 29]):
        rng = np.random.default_rng(children[idx])
        assert params == {k: spec.uncertain[k].sample(rng) for k in sorted(spec.uncertain)}
        assert seed == int(children[idx].generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


@pytest.mark.parametrize("samples", [0, -5, sw.MAX_SAMPLES + 1, 10**12, 2.5, True])
def test_samples_are_bounded(samples: object) -> None:
    spec = _spec()
    with pytest.raises(InputError, match=rf"--samples: samples: must be a whole number from 1 to 10,000,000, not "
                                         rf"{samples!r}"):
        run_sweep(spec, samples)  # type: ignore[arg-type]


def test_a_trillion_samples_is_refused_at_the_command_line(tmp_path: Path) -> None:
    store = tmp_path / "t.duckdb"
    p = subprocess.run([*CLI, "scenario", "sweep", str(RISK), "--samples", "1000000000000", "--store", str(store)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, p.stderr
    assert p.stderr.strip() == ("error: --samples: must be a whole number from 1 to 10,000,000, "
                                "not 1000000000000")
    if store.exists():
        assert RunStore(store).list_runs() == []


def test_the_largest_sweep_starts_without_drawing_every_sample_first(tmp_path: Path) -> None:
    """A sweep of MAX_SAMPLES draws and solves chunk by chunk: stopped after its first chunk, it has
    taken a few MB (ten million seeds and parameter sets drawn up front would take gigabytes)."""
    spec = _spec()
    store = RunStore(tmp_path / "big.duckdb")

    def stop(p: sw.SweepProgress) -> None:
        raise KeyboardInterrupt

    tracemalloc.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_sweep(spec, sw.MAX_SAMPLES, seed=4, workers=1, store=store, progress=stop)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200e6
    (run,) = store.list_runs(kind="sweep")
    assert run["status"] == "interrupted"
    assert sorted(store.sample_indices(run["run_id"])) == list(range(20))
    first = next(sw._chunks(spec, 4, sw.MAX_SAMPLES, set()))
    assert first == sw.draw_params(spec, 4, sw.MAX_SAMPLES, range(20))


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

    sww._models().clear()
    rows = sw.solve_chunk(spec, sw.draw_params(spec, 1, 4))
    assert all(r["summary"]["converged"] and r["summary"]["gap"] <= 1e-6 for r in rows)
    # the equilibrium prices delays: its generalised cost is never below the LP's free-flow optimum
    # (the LP's hard capacities relaxed: the equilibrium may exceed a capacity at a delay)
    relaxed = text.replace("method: equilibrium", "method: lp").replace("changes:\n", (
        "changes:\n  - scale_capacity: {select: {records: facilities}, factor: 100}\n"
        "  - scale_capacity: {select: {records: links}, factor: 100}\n"
        "  - change_fleet: {ids: [asco-kazakhstan, asco-turkmenistan, caspian-feeders], add_vessels: 1000}\n"))
    for r in rows:
        lp_spec = scenario_from_text(relaxed, "lp.yaml")
        sww._models().clear()
        lp = sww._solve_one(lp_spec, r["params"])
        assert "gap" not in lp
        assert r["summary"]["total_cost_usd"] >= lp["total_cost_usd"] * (1 - 1e-9)


def test_an_identical_sweep_is_reused(tmp_path: Path) -> None:
    spec = _spec()
    store = RunStore(tmp_path / "r.duckdb")
    first = run_sweep(spec, 6, seed=9, workers=1, store=store)
    again = run_sweep(spec, 6, seed=9, workers=1, store=store)
    assert again.sweep_id == first.sweep_id and again.summary["reused"] and again.summary["solved_now"] == 0
    pd.testing.assert_frame_equal(_values(again.frame), _values(first.frame), check_dtype=False)
    other = run_sweep(spec, 6, seed=10, workers=1, store=store)
    assert other.sweep_id != first.sweep_id
    assert len(store.list_runs(kind="sweep")) == 2


def test_resume_checks_the_sweep(tmp_path: Path) -> None:
    spec = _spec()
    store = RunStore(tmp_path / "r.duckdb")
    first = run_sweep(spec, 4, seed=1, workers=1, store=store)
    with pytest.raises(InputError, match="is not a sweep of this scenario"):
        run_sweep(spec, 4, seed=2, workers=1, store=store, resume=first.sweep_id)
    with pytest.raises(InputError, match="needs a run store"):
        run_sweep(spec, 4, seed=1, resume=first.sweep_id)
    with pytest.raises(InputError):
        run_sweep(spec, 4, seed=1, store=store, resume="no-such-run")
