"""The pure-queue mode against queueing theory (Erlang C, Pollaczek–Khinchine) and the SimPy reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.hub import Distribution, QueueSpec, load_config, simulate
from corridor.hub.config import HubConfig
from corridor.hub.queue import fcfs_waits, fcfs_waits_simpy


def _queue(servers: int, rho: float, service: Distribution) -> HubConfig:
    spec = QueueSpec(servers, Distribution.exponential(service.mean / (servers * rho)), service)
    return HubConfig(name=f"q{servers}-{rho}", mode="queue", queue=spec)


@settings(max_examples=25)
@given(servers=st.integers(1, 5), n=st.integers(1, 300), seed=st.integers(0, 2**32 - 1),
       rho=st.floats(0.2, 1.3))
def test_kernel_equals_simpy_reference(servers, n, seed, rho):
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1.0, n))
    service = rng.exponential(servers * rho, n)
    np.testing.assert_allclose(fcfs_waits(arrivals, service, servers), fcfs_waits_simpy(arrivals, service, servers),
                               rtol=0, atol=1e-9)


def test_simulate_engines_agree():
    cfg = _queue(2, 0.8, Distribution.exponential(1.0))
    a = simulate(cfg, days=200, warmup_days=5, replications=2, seed=3)
    b = simulate(cfg, days=200, warmup_days=5, replications=2, seed=3, engine="simpy")
    assert a.kpis["wait_mean_h"].values == pytest.approx(b.kpis["wait_mean_h"].values, abs=1e-9)


# Fast versions (default suite): about 10^5 customers per replication.
@pytest.mark.parametrize(("servers", "rho"), [(1, 0.5), (2, 0.8), (3, 0.9)])
def test_mmc_matches_erlang_c(servers, rho):
    cfg = _queue(servers, rho, Distribution.exponential(1.0))
    res = simulate(cfg, days=8000, warmup_days=100, replications=10, seed=1)
    th = res.theory
    assert th is not None and th["formula"].startswith("Erlang C")
    assert res.kpis["wait_mean_h"].contains(th["wait_mean_h"]), (res.kpis["wait_mean_h"], th)
    assert res.kpis["utilisation"].mean == pytest.approx(rho, rel=0.02)


@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_md1_matches_pollaczek_khinchine(rho):
    cfg = _queue(1, rho, Distribution.deterministic(1.0))
    res = simulate(cfg, days=8000, warmup_days=100, replications=10, seed=1)
    assert "M/D/1" in res.theory["formula"]
    assert res.kpis["wait_mean_h"].contains(res.theory["wait_mean_h"])


# Long versions: heavy traffic needs long runs (relaxation time ~ 1/(1 − √ρ)² service times).
@pytest.mark.slow
@pytest.mark.parametrize(("servers", "rho"), [(1, 0.3), (1, 0.9), (1, 0.95), (2, 0.95), (4, 0.9), (6, 0.97)])
def test_mmc_matches_erlang_c_long(servers, rho):
    cfg = _queue(servers, rho, Distribution.exponential(1.0))
    res = simulate(cfg, days=40_000, warmup_days=1_000, replications=20, seed=7, workers=2)
    assert res.kpis["wait_mean_h"].contains(res.theory["wait_mean_h"])
    assert res.kpis["wait_mean_h"].half_width < 0.05 * res.theory["wait_mean_h"]


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.3, 0.8, 0.95])
def test_md1_and_mg1_long(rho):
    for service in (Distribution.deterministic(1.0), Distribution.erlang(1.0, 3), Distribution.lognormal(1.0, 2.0)):
        cfg = _queue(1, rho, service)
        res = simulate(cfg, days=40_000, warmup_days=1_000, replications=20, seed=9, workers=2)
        assert res.kpis["wait_mean_h"].contains(res.theory["wait_mean_h"]), (service, res.kpis["wait_mean_h"])


def test_shipped_queue_example():
    res = simulate(load_config("mm2-example"), days=20_000, warmup_days=200, replications=8, seed=1)
    assert res.theory["wait_mean_h"] / 24.0 == pytest.approx(1.778, abs=1e-3)
    assert res.theory["within_ci"]


@pytest.mark.slow
def test_ci_coverage_over_seeds():
    """A 95 % interval should cover the exact value for most seeds (≥ 15 of 20: P(fail) < 0.3 % if unbiased)."""
    cfg = _queue(3, 0.9, Distribution.exponential(1.0))
    hits = sum(simulate(cfg, days=8000, warmup_days=100, replications=10, seed=s, workers=2).theory["within_ci"]
               for s in range(20))
    assert hits >= 15
