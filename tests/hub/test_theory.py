from __future__ import annotations

import pytest

from corridor.hub import Distribution, QueueSpec, erlang_c, mg1_wait, mmc_wait, theoretical_wait

# hub-and-cpmm-reference.md A8: Wq/S for M/M/c (rows c, columns ρ)
A8 = {1: {0.3: 0.429, 0.5: 1.000, 0.8: 4.000}, 2: {0.3: 0.099, 0.6: 0.562, 0.8: 1.778},
      3: {0.4: 0.078, 0.7: 0.547, 0.8: 1.079}, 6: {0.5: 0.033, 0.8: 0.431}}


@pytest.mark.parametrize(("c", "rho", "ratio"), [(c, r, v) for c, row in A8.items() for r, v in row.items()])
def test_erlang_c_matches_reference_table(c, rho, ratio):
    s = 1.0
    lam = rho * c / s
    assert mmc_wait(c, arrival_rate=lam, service_mean=s) / s == pytest.approx(ratio, abs=6e-4)


def test_erlang_c_limits():
    assert erlang_c(1, 0.3) == pytest.approx(0.3)
    assert erlang_c(50, 1e-9) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="steady state"):
        erlang_c(2, 2.0)


def test_pollaczek_khinchine():
    # M/D/1: Wq = ρ S / (2 (1 − ρ)); M/M/1 is the special case with E[S²] = 2 S².
    assert mg1_wait(arrival_rate=0.9, service_mean=1.0, service_second_moment=1.0) == pytest.approx(4.5)
    assert mg1_wait(arrival_rate=0.5, service_mean=1.0, service_second_moment=2.0) == pytest.approx(
        mmc_wait(1, arrival_rate=0.5, service_mean=1.0))


def test_theoretical_wait_dispatch():
    exp = Distribution.exponential
    assert theoretical_wait(QueueSpec(2, exp(1.0), exp(1.6)))[1].startswith("Erlang C")
    assert "M/D/1" in theoretical_wait(QueueSpec(1, exp(1.0), Distribution.deterministic(0.5)))[1]
    assert theoretical_wait(QueueSpec(2, exp(1.0), Distribution.deterministic(0.5))) is None
    assert theoretical_wait(QueueSpec(1, Distribution.deterministic(1.0), exp(0.5))) is None
