from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.hub import Distribution
from corridor.model.distributions import Distribution as Vocabulary

FAMILY = st.sampled_from(["deterministic", "exponential", "erlang", "gamma", "lognormal", "discrete"])


def test_the_hub_uses_the_one_vocabulary():
    assert Distribution is Vocabulary


def _make(family: str, mean: float, shape: float) -> Distribution:
    if family == "deterministic":
        return Distribution.deterministic(mean)
    if family == "exponential":
        return Distribution.exponential(mean)
    if family == "erlang":
        return Distribution.erlang(mean, max(1, round(shape)))
    if family == "gamma":
        return Distribution.gamma(mean, shape)
    if family == "lognormal":
        return Distribution.lognormal(mean, 1.0 / shape)
    return Distribution.discrete([0.5 * mean, mean, 1.5 * mean], [1, 2, 1])


@settings(max_examples=40)
@given(family=FAMILY, mean=st.floats(0.1, 1000.0), shape=st.floats(0.5, 8.0), seed=st.integers(0, 2**32 - 1))
def test_sample_mean_and_roundtrip(family, mean, shape, seed):
    d = _make(family, mean, shape)
    x = d.sample(np.random.default_rng(seed), 40_000)
    assert (x >= 0).all()
    se = max(d.variance, 1e-12) ** 0.5 / 200  # 40,000 draws: standard error = sd / 200
    assert abs(x.mean() - d.mean) <= 6 * se + 1e-9 * mean
    assert Distribution.from_dict(d.to_dict()) == d
    scaled = d.with_mean(2 * mean)
    assert scaled.mean == pytest.approx(2 * mean)
    assert scaled.cv == pytest.approx(d.cv)


def test_moments():
    assert Distribution.erlang(3.0, 3).cv == pytest.approx(1 / 3**0.5)
    assert Distribution.deterministic(2.0).second_moment == 4.0
    assert Distribution.exponential(2.0).second_moment == 8.0
    assert Distribution.lognormal(10.0, 0.5, shift=4.0).variance == pytest.approx(9.0)


@pytest.mark.parametrize("bad", [
    lambda: Distribution("empirical", (("values", (1.0,)),)),
    lambda: Distribution.exponential(-1.0),
    lambda: Distribution.erlang(1.0, 0),
    lambda: Distribution.gamma(1.0, 0.0),
    lambda: Distribution.lognormal(1.0, 0.5, shift=2.0),
    lambda: Distribution.discrete([], []),
])
def test_invalid(bad):
    with pytest.raises(ValueError, match=r"."):
        bad()
