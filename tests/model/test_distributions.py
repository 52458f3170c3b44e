"""The one distribution vocabulary: moments from theory, the same draws as NumPy, one parser with file:line."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.io.yaml import loads_yaml
from corridor.model.distributions import FAMILIES, Distribution, parse_distribution
from corridor.validation import Problems

D = Distribution


@pytest.mark.parametrize(("dist", "mean", "variance"), [
    # closed forms from any probability text; shifted families: mean includes the shift, spread is above it
    (D.deterministic(3.0), 3.0, 0.0),
    (D.uniform(2.0, 8.0), 5.0, 36.0 / 12),
    (D.triangular(0.0, 1.0, 4.0), 5.0 / 3, (0 + 1 + 16 - 0 - 0 - 4) / 18),
    (D.normal(5.0, 2.0), 5.0, 4.0),
    (D.normal(0.0, 1.0, low=0.0), math.sqrt(2 / math.pi), 1 - 2 / math.pi),  # half-normal
    (D.exponential(3.0), 3.0, 9.0),
    (D.exponential(3.0, shift=1.0), 3.0, 4.0),
    (D.erlang(6.0, 3), 6.0, 12.0),
    (D.gamma(4.0, 2.0), 4.0, 8.0),
    (D.gamma(4.0, cv=0.5), 4.0, 4.0),
    (D.lognormal(10.0, 0.5), 10.0, 25.0),
    (D.lognormal(10.0, 0.5, shift=4.0), 10.0, 9.0),
    (D.lognormal(median=2.0, sigma=0.5), 2.0 * math.exp(0.125), 4.0 * (math.exp(0.25) - 1) * math.exp(0.25)),
    (D.discrete([1.0, 5.0, 9.0], [0.2, 0.3, 0.5]), 6.2, 0.2 * 1 + 0.3 * 25 + 0.5 * 81 - 6.2**2),
    (D.discrete([108.0, 120.0, 168.0]), 132.0, (24**2 + 12**2 + 36**2) / 3),
    (D.bernoulli(0.3), 0.3, 0.21),
])
def test_moments(dist, mean, variance):
    assert dist.mean == pytest.approx(mean, rel=1e-12)
    assert dist.variance == pytest.approx(variance, rel=1e-9, abs=1e-12)
    assert dist.second_moment == pytest.approx(variance + mean**2, rel=1e-9)


def test_lognormal_by_mean_and_cv_is_lognormal_by_median_and_sigma():
    a = D.lognormal(mean=48.0, cv=1.0)
    b = D.lognormal(median=48.0 / math.sqrt(2.0), sigma=math.sqrt(math.log(2.0)))
    assert a.family == b.family == "lognormal"
    for q in (0.05, 0.5, 0.95):
        assert a.ppf(q) == pytest.approx(b.ppf(q), rel=1e-12)
    assert a.nominal == pytest.approx(b.nominal) == pytest.approx(48.0 / math.sqrt(2.0))


def test_quantiles_and_support():
    assert D.exponential(2.0).ppf(0.5) == pytest.approx(2.0 * math.log(2.0))
    assert D.uniform(1.0, 3.0).ppf(0.25) == pytest.approx(1.5)
    assert D.exponential(2.0, shift=0.5).support == (0.5, math.inf)
    assert D.normal(0.0, 1.0).support == (-math.inf, math.inf)
    assert D.discrete([3.0, 1.0, 2.0]).support == (1.0, 3.0)


@pytest.mark.parametrize(("dist", "nominal"), [
    (D.uniform(1.0, 2.0), 1.5), (D.triangular(0.0, 0.2, 1.0), 0.2), (D.normal(5.0, 1.0, low=4.0, high=6.0), 5.0),
    (D.normal(5.0, 1.0, high=4.5), 4.5), (D.lognormal(median=2.0, sigma=0.5), 2.0),
    (D.discrete([1.0, 5.0, 9.0], [0.2, 0.3, 0.5]), 9.0), (D.discrete([4.0, 7.0]), 4.0), (D.bernoulli(0.5), 1.0),
    (D.bernoulli(0.49), 0.0), (D.exponential(3.0), 3.0), (D.deterministic(7.0), 7.0),
])
def test_nominal_values(dist, nominal):
    assert dist.nominal == pytest.approx(nominal)


def _rng(seed: int = 11) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize(("dist", "numpy_draws"), [
    (D.exponential(3.0), lambda r, n: r.exponential(3.0, n)),
    (D.exponential(3.0, shift=1.0), lambda r, n: r.exponential(2.0, n) + 1.0),
    (D.erlang(6.0, 3), lambda r, n: r.gamma(3.0, 2.0, n)),
    (D.gamma(4.0, 2.5), lambda r, n: r.gamma(2.5, 1.6, n)),
    (D.uniform(1.0, 3.0), lambda r, n: r.uniform(1.0, 3.0, n)),
    (D.normal(5.0, 2.0), lambda r, n: r.normal(5.0, 2.0, n)),
    (D.discrete([108.0, 120.0, 168.0]), lambda r, n: r.choice([108.0, 120.0, 168.0], size=n, p=[1 / 3] * 3)),
    (D.bernoulli(0.3), lambda r, n: (r.random(n) < 0.3).astype(float)),
])
def test_draws_are_numpys(dist, numpy_draws):
    """The hub's and the sweeps' random streams are those NumPy's methods drew before scipy.stats."""
    np.testing.assert_array_equal(dist.sample(_rng(), 1000), numpy_draws(_rng(), 1000))


def test_lognormal_and_triangular_draws_are_numpys_to_the_last_bits():
    """scipy computes exp(σz)·e^μ where NumPy computed exp(μ + σz) (and the triangle's inverse CDF in another
    order): the same uniform and normal draws, last bits apart."""
    s2 = math.log(2.0)
    np.testing.assert_allclose(D.lognormal(48.0, 1.0).sample(_rng(), 1000),
                               _rng().lognormal(math.log(48.0) - s2 / 2, math.sqrt(s2), 1000), rtol=1e-14)
    np.testing.assert_allclose(D.triangular(0.4, 0.6, 0.8).sample(_rng(), 1000),
                               _rng().triangular(0.4, 0.6, 0.8, 1000), rtol=1e-14)
    assert D.lognormal(median=2.0, sigma=0.5).draw(_rng()) == 2.0 * math.exp(_rng().normal(0.0, 0.5))


@settings(max_examples=40)
@given(st.sampled_from(["exponential", "erlang", "gamma", "lognormal", "uniform", "triangular", "normal",
                        "discrete"]),
       st.floats(0.1, 1000.0), st.floats(0.3, 8.0), st.integers(0, 2**32 - 1))
def test_sample_means_and_scaling(family, mean, shape, seed):
    dist = {
        "exponential": lambda: D.exponential(mean, shift=mean / (1 + shape)),
        "erlang": lambda: D.erlang(mean, max(1, round(shape))),
        "gamma": lambda: D.gamma(mean, shape),
        "lognormal": lambda: D.lognormal(mean, 1.0 / shape),
        "uniform": lambda: D.uniform(mean / (1 + shape), mean * (1 + shape)),
        "triangular": lambda: D.triangular(0.0, mean, mean * (1 + shape)),
        "normal": lambda: D.normal(mean, mean / shape, low=0.0),
        "discrete": lambda: D.discrete([0.5 * mean, mean, 1.5 * mean], [1, shape, 1]),
    }[family]()
    x = dist.sample(np.random.default_rng(seed), 40_000)
    assert (x >= dist.support[0]).all() and (x <= dist.support[1]).all()
    assert abs(x.mean() - dist.mean) <= 6 * math.sqrt(dist.variance) / 200 + 1e-9 * mean  # 6 standard errors
    scaled = dist.with_mean(2 * mean)
    assert scaled.family == dist.family
    assert scaled.mean == pytest.approx(2 * mean, rel=1e-9)
    assert scaled.cv == pytest.approx(dist.cv, rel=1e-9)
    assert D.from_dict(dist.to_dict()) == dist


@pytest.mark.parametrize("bad", [
    lambda: D("weibull", (("mean", 1.0),)),
    lambda: D.exponential(-1.0),
    lambda: D.exponential(1.0, shift=2.0),
    lambda: D.erlang(1.0, 0),
    lambda: D.erlang(1.0, 2.5),
    lambda: D.gamma(1.0, 0.0),
    lambda: D.gamma(1.0, 2.0, cv=0.5),
    lambda: D.lognormal(1.0, 0.5, shift=2.0),
    lambda: D.lognormal(median=2.0, sigma=100.0),  # no finite mean
    lambda: D.uniform(3.0, 2.0),
    lambda: D.triangular(0.0, 3.0, 2.0),
    lambda: D.normal(0.0, -1.0),
    lambda: D.discrete([]),
    lambda: D.discrete([1.0, 2.0], [1.0]),
    lambda: D.discrete([1.0, 2.0], [0.0, 0.0]),
    lambda: D.bernoulli(1.5),
    lambda: D.bernoulli(0.5).with_mean(2.0),
])
def test_invalid(bad):
    with pytest.raises(ValueError, match=r"."):
        bad()


def _parse(text: str, **kw) -> tuple[Distribution | None, list[str]]:
    problems = Problems("d.yaml")
    dist = parse_distribution(loads_yaml(text, "d.yaml")["x"], field="x", problems=problems, **kw)
    return dist, [str(p) for p in problems]


@pytest.mark.parametrize(("text", "expect"), [
    ("x: {dist: empirical, values: [1, 2]}\n", "d.yaml:1: x.dist: unknown distribution 'empirical'; "
     "did you mean 'discrete'?"),
    ("x:\n  dist: discrete\n  values: [1, 2]\n  p: [0.5, 0.5]\n", "d.yaml:4: x.p: unknown field 'p'; "
     "did you mean 'weights'?"),
    ("x:\n  dist: uniform\n  low: 3\n  high: 2\n", "d.yaml:2: x: low (3) must not exceed high (2)"),
    ("x:\n  dist: normal\n  mean: 0\n  sd: -1\n", "d.yaml:4: x.sd: must be ≥ 0, not -1"),
    ("x:\n  dist: bernoulli\n  p: 1.5\n", "d.yaml:3: x.p: must be ≤ 1, not 1.5"),
    ("x: {dist: triangular, low: 0, mode: 3, high: 2}\n", "d.yaml:1: x: needs low ≤ mode ≤ high, not 0, 3, 2"),
    ("x: {dist: lognormal, mean: 2}\n", "d.yaml:1: x: a lognormal distribution needs mean and cv or median and sigma"),
    ("x: {dist: lognormal, mean: 2, cv: 1, median: 1, sigma: 1}\n", "give mean and cv or median and sigma, not both"),
    ("x: {dist: gamma, mean: 2, shape: '3'}\n", "d.yaml:1: x.shape: must be a number, not '3'"),
    ("x: {dist: erlang, mean: 2, k: 1.5}\n", "x.k: must be a whole number, not 1.5"),
    ("x: {dist: exponential, mean: 2, shift: 3}\n", "x: shift (3) must be below the mean (2)"),
    ("x: {dist: uniform, low: 0, high: 2, shift: 1}\n", "x.shift: unknown field 'shift'"),
    ("x: [1, 2]\n", "x: must be a distribution like {dist: exponential, mean: 12}, not [1, 2]"),
])
def test_parse_errors_name_line_and_field(text, expect):
    dist, problems = _parse(text)
    assert dist is None
    assert len(problems) == 1 and expect in problems[0]


def test_parse_reads_every_family_and_keeps_the_spelling():
    for text in ("{dist: deterministic, value: 2}", "{dist: uniform, low: 0, high: 2e5}",
                 "{dist: exponential, mean: 15e0}",
                 "{dist: lognormal, median: 2, sigma: 0.5, shift: 1}", "{dist: gamma, mean: 2, cv: 0.5}",
                 "{dist: discrete, values: [1, 2], weights: [3, 1]}", "{dist: bernoulli, p: 0.2}",
                 "{dist: normal, mean: 1, sd: 1, low: 0}", "{dist: triangular, low: 0, mode: 1, high: 2}",
                 "{dist: erlang, mean: 2, k: 3}"):
        dist, problems = _parse(f"x: {text}\n")
        assert problems == [] and dist is not None
        assert dist.to_dict() == loads_yaml(text)
    assert set(FAMILIES) == {"deterministic", "uniform", "triangular", "normal", "lognormal", "exponential", "erlang",
                             "gamma", "discrete", "bernoulli"}


def test_hub_refuses_what_can_draw_negative_times():
    dist, problems = _parse("x: {dist: normal, mean: 5, sd: 1}\n", nonnegative=True)
    assert dist is None and "can draw negative values (from -inf)" in problems[0] and "give low: 0" in problems[0]
    assert _parse("x: {dist: normal, mean: 5, sd: 1, low: 0}\n", nonnegative=True)[0] is not None
    assert _parse("x: {dist: uniform, low: -1, high: 1}\n", nonnegative=True)[0] is None


def test_scale_free_leaves_the_mean_to_the_caller():
    dist, problems = _parse("x: {dist: erlang, k: 2}\n", scale_free=True)
    assert problems == [] and dist is not None and dist.mean == 1.0 and dist.with_mean(12.0).cv == pytest.approx(
        1 / math.sqrt(2))
    assert "is required" in _parse("x: {dist: erlang, k: 2}\n")[1][0]


def test_extra_keys_belong_to_the_caller():
    dist, problems = _parse("x: {dist: bernoulli, p: 0.2, description: storm, nominal: 1}\n",
                            extra=("description", "nominal"))
    assert problems == [] and dist == D.bernoulli(0.2)
