"""The validation toolkit: did-you-mean, numbers, keys, and a collector that raises every problem at once."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.exceptions import InputError
from corridor.io.yaml import loads_yaml
from corridor.validation import Problems, check_keys, check_number, describe, did_you_mean, unknown, where


@pytest.mark.parametrize(("name", "known", "kw", "expect"), [
    ("lognormul", ["lognormal", "normal", "uniform"], {}, "; did you mean 'lognormal'?"),
    ("zzz", ["b", "a"], {}, "; expected one of a, b"),
    ("zzz", ["b", "a"], {"list_known": False}, ""),
    ("empirical", ["discrete", "uniform"], {"renamed": {"empirical": "discrete"}}, "; did you mean 'discrete'?"),
    ("aktau-hb", ["aktau-hub", "aktau-hub-200k", "mm2-example"], {"n": 2},
     "; did you mean 'aktau-hub', 'aktau-hub-200k'?"),
])
def test_did_you_mean(name, known, kw, expect):
    assert did_you_mean(name, known, **kw) == expect


def test_unknown_names_the_value():
    assert unknown("mode", "rail-1530", ["rail-1520", "road"]) == "unknown mode 'rail-1530'; did you mean 'rail-1520'?"


@pytest.mark.parametrize(("value", "kw", "expect"), [
    (True, {}, "must be a number, not True"),
    ("2e5", {}, "must be a number, not '2e5'"),
    (None, {}, "must be a number, not None"),
    ([1], {}, "must be a number, not [1]"),
    (math.inf, {}, "must be a finite number, not inf"),
    (2.5, {"integer": True}, "must be a whole number, not 2.5"),
    (0, {"low": 0, "low_open": True}, "must be > 0, not 0"),
    (-1, {"low": 0}, "must be ≥ 0, not -1"),
    (1.5, {"high": 1}, "must be ≤ 1, not 1.5"),
    (1, {"high": 1, "high_open": True}, "must be < 1, not 1"),
    (10**12, {"low": 1, "high": 1000, "reason": "no terminal has more"}, "must be ≤ 1,000 (no terminal has more), "
     "not 1000000000000"),
])
def test_check_number_refuses(value, kw, expect):
    assert check_number(value, **kw) == expect


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_check_number_accepts_exactly_the_closed_interval(x, a, b):
    low, high = min(a, b), max(a, b)
    assert (check_number(x, low=low, high=high) is None) == (low <= x <= high)
    assert (check_number(x, low=low, low_open=True) is None) == (x > low)


@given(st.integers(-10**6, 10**6))
def test_whole_floats_are_whole_numbers(n):
    assert check_number(float(n), integer=True) is None
    assert check_number(n + 0.5, integer=True) is not None


def test_check_keys_and_describe():
    assert check_keys({"count": 1, "cont": 2}, ["count"]) == [("cont", "unknown field 'cont'; did you mean 'count'?")]
    assert [describe(v) for v in ([], {}, "x", 2.0, False, None)] == [
        "a list", "a mapping", "text", "a number", "true/false", "nothing"]


def test_problems_are_located_at_the_line_of_their_key():
    doc = loads_yaml("berths:\n  count: 2\n  cont: 3\nrail: {tracks: two}\n", "hub.yaml")
    problems = Problems("hub.yaml")
    problems.check_keys(doc["berths"], ["count"], field="berths")
    assert problems.number(doc["rail"]["tracks"], field="rail.tracks", where=where(doc["rail"], "tracks")) is None
    assert problems.number(3.0, field="x", integer=True) == 3
    assert len(problems) == 2
    with pytest.raises(InputError) as e:
        problems.raise_if_any()
    assert [str(p) for p in e.value.problems] == [
        "hub.yaml:3: berths.cont: unknown field 'cont'; did you mean 'count'?",
        "hub.yaml:4: rail.tracks: must be a number, not 'two'",
    ]


def test_no_problem_raises_nothing():
    problems = Problems("x.yaml")
    problems.raise_if_any()
    assert not problems
    assert where({"a": 1}, "a", "x.yaml") == "x.yaml"
