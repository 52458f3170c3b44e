from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.test_parallel import dask_cluster

from corridor.exceptions import InputError
from corridor.hub import CurvePoint, HubDelayCurve, fit_curve, fit_delay_curve, load_curve, simulate, sweep
from corridor.hub.model import run_hub_replication
from corridor.hub.simulate import MAX_DAYS, MAX_RUNS


def test_sweep_finds_smallest_design(aktau):
    res = sweep(aktau, berths=[1, 2], yard_slots=[690, 1400], days=120, warmup_days=5, replications=2, seed=1,
                target_wait_h=1000.0, target_yard_p95=0.99)
    assert len(res.points) == 4
    best = res.best()
    assert best is not None
    ok = [p for p in res.points if p.meets_target]
    assert best.size == min(p.size for p in ok)
    d = res.to_dict()
    assert d["best"][f"{aktau.demand_teu_per_yr:.0f}"]["berths"] == best.berths
    json.dumps(d)


def test_sweep_same_result_serial_and_parallel(aktau):
    kw = {"berths": [1, 2], "days": 40, "warmup_days": 2, "replications": 2, "seed": 9}
    assert sweep(aktau, **kw).to_dict() == sweep(aktau, workers=2, **kw).to_dict()


def test_sweep_reports_none_when_target_unreachable(aktau):
    res = sweep(aktau, tracks=[3], days=30, warmup_days=2, replications=1, target_wait_h=1e-6)
    assert res.best() is None
    assert res.to_dict()["best"] == {"240000": None}


def test_sweep_rejects_bad_grid(aktau):
    with pytest.raises(InputError, match="berths"):
        sweep(aktau, berths=[0, 1], days=10, replications=1)


@pytest.mark.slow
def test_hub_results_do_not_depend_on_workers_or_scheduler(aktau, tmp_path: Path) -> None:
    """One process, a local pool of 2 and a real Dask cluster give identical KPIs, series and best designs."""
    run = {"days": 40, "warmup_days": 2, "replications": 3, "seed": 5}
    grid = {"berths": [1, 2], "days": 30, "warmup_days": 2, "replications": 2, "seed": 5}
    curve = {"levels": [80_000, 160_000, 220_000], "days": 30, "warmup_days": 2, "replications": 2, "seed": 5}

    def everything(**backend) -> tuple:
        sim = simulate(aktau, **run, **backend).to_dict()
        sim.pop("elapsed_s")
        return (sim, sweep(aktau, **grid, **backend).to_dict(), fit_delay_curve(aktau, **curve, **backend).to_dict())

    one = everything(workers=1)
    assert everything(workers=2) == one
    with dask_cluster(tmp_path) as cluster:
        assert everything(scheduler=cluster.address) == one


def test_replication_r_draws_from_child_r_of_the_seed(aktau) -> None:
    """As documented: replication r uses child r of SeedSequence(seed), whatever else runs."""
    res = simulate(aktau, days=20, warmup_days=2, replications=3, seed=41)
    children = np.random.SeedSequence(41).spawn(3)
    for r in (0, 2):
        alone = run_hub_replication(aktau, days=20, warmup_days=2, seed=children[r])
        assert res.replicates[r] == alone["scalars"]


def test_runs_are_bounded(aktau) -> None:
    with pytest.raises(InputError, match=rf"--replications: replications: at most {MAX_RUNS:,} simulation runs"):
        simulate(aktau, replications=MAX_RUNS + 1)
    with pytest.raises(InputError, match="not 1,000 × 10,000 designs"):  # refused before a design is built
        sweep(aktau, berths=range(1, 11), cranes=range(1, 11), yard_slots=range(1, 11), tracks=range(1, 11),
              replications=1_000)
    with pytest.raises(InputError, match="not 1,000,000 × 3 designs"):
        fit_delay_curve(aktau, levels=[1e5, 2e5, 3e5], replications=1_000_000)
    with pytest.raises(InputError, match=rf"--days: days: must be from 1 to {MAX_DAYS:,}, not 1000000000"):
        simulate(aktau, days=10**9)
    with pytest.raises(InputError, match="--workers: workers: must be a whole number from 1 to 256, not 0"):
        simulate(aktau, workers=0)


def _points(t0=80.0, j=0.1, cap=300_000.0):
    out = []
    for v in (60_000, 120_000, 180_000, 240_000, 270_000):
        t = t0 * (1 + j * (v / cap) / (1 - v / cap))
        out.append(CurvePoint(v, v, t, t - 2.0, t + 2.0, 5))
    return out


def test_fit_recovers_davidson():
    c = fit_curve(_points(), name="t", capacity_teu_per_yr=240_000)
    assert c.form == "davidson"
    assert c.t0_h == pytest.approx(80.0, rel=1e-3)
    assert c.capacity_teu_per_yr == pytest.approx(300_000, rel=1e-2)
    assert c.evaluate(0.0) == pytest.approx(80.0, rel=1e-3)
    assert c.evaluate(10_000_000) < float("inf")  # tangent beyond x = 0.95
    assert HubDelayCurve.from_dict(json.loads(json.dumps(c.to_dict()))) == c


def test_fit_needs_three_points():
    with pytest.raises(InputError, match="three"):
        fit_curve(_points()[:2], name="t", capacity_teu_per_yr=1.0)


def test_shipped_curve_reproduces_its_simulated_points():
    """The shipped curve (made by `corridor hub curve`) lies inside the 95 % CI of every simulated point."""
    curve = load_curve("aktau-hub")
    assert curve.name == "aktau-hub" and curve.capacity_teu_per_yr > 0 and len(curve.points) >= 5
    for p in curve.points:
        assert p.ci_low <= curve.evaluate(p.demand_teu_per_yr) <= p.ci_high, p
    assert curve.evaluate(240_000) > curve.evaluate(100_000) >= curve.t0_h * 0.999
    assert "LYG25" not in curve.method  # the method text describes the fit, the source names the config
    assert "aktau-hub.yaml" in curve.source


def test_fitted_curve_reproduces_fresh_simulation(aktau):
    curve = fit_delay_curve(aktau, levels=[80_000, 160_000, 220_000, 250_000], days=365, warmup_days=14,
                            replications=3, seed=2)
    for p in curve.points:
        assert p.ci_low <= curve.evaluate(p.demand_teu_per_yr) <= p.ci_high, (p, curve.evaluate(p.demand_teu_per_yr))


def test_load_curve_errors(tmp_path):
    with pytest.raises(InputError, match="no delay curve"):
        load_curve("nowhere")
    bad = tmp_path / "c.json"
    bad.write_text("{}")
    with pytest.raises(InputError, match="not a hub delay curve"):
        load_curve(str(bad))


def test_forced_form_and_davidson_accessors():
    pts = _points()
    bpr = fit_curve(pts, name="t", capacity_teu_per_yr=240_000, form="bpr")
    assert bpr.form == "bpr" and "alpha" in bpr.parameters
    with pytest.raises(ValueError, match="no Davidson J"):
        _ = bpr.j
    dav = fit_curve(pts, name="t", capacity_teu_per_yr=240_000)
    assert dav.j == pytest.approx(0.1, rel=1e-2) and dav.mu == 0.95
    assert dav.fit["bpr_weighted_sse"] >= 0 and "bpr_alpha" in dav.fit
    with pytest.raises(InputError, match="form"):
        fit_curve(pts, name="t", capacity_teu_per_yr=1.0, form="conical")


def test_a_pure_queue_may_run_long_but_not_draw_without_bound() -> None:
    from corridor.hub import QueueSpec, simulate
    from corridor.hub.config import HubConfig
    from corridor.hub.simulate import MAX_QUEUE_CUSTOMERS
    from corridor.model.distributions import Distribution

    exp = Distribution.exponential
    queue = HubConfig("q", mode="queue", queue=QueueSpec(1, exp(24.0), exp(12.0)))
    res = simulate(queue, days=40_000, warmup_days=100, replications=1, seed=1)  # heavy-traffic checks run this long
    assert res.kpis["customers_per_yr"].mean > 0
    busy = HubConfig("q", mode="queue", queue=QueueSpec(1, exp(0.01), exp(0.005)))
    with pytest.raises(InputError, match=f"over the {MAX_QUEUE_CUSTOMERS:,} a run may hold"):
        simulate(busy, days=40_000, warmup_days=0, replications=1)
