"""Scenario files: parsing, validation with file:line, distributions, the shipped examples."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor import data
from corridor.exceptions import InputError
from corridor.scenarios import load_scenario, run_spec, scenario_from_text
from corridor.scenarios.compare import compare_runs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _bad(text: str) -> str:
    with pytest.raises(InputError) as err:
        scenario_from_text(text, "s.yaml")
    return str(err.value)


@pytest.mark.parametrize(("text", "expect"), [
    ("name: x\nchanges:\n  - close_links: [a]\n",
     "s.yaml:3: close_links: unknown change 'close_links'; did you mean 'close_link'?"),
    ("name: x\nchange: []\n", "s.yaml:2: change: unknown key 'change'; did you mean 'changes'?"),
    ("name: x\nchanges:\n  - scale_capacity: {select: {id: a}, factr: 2}\n", "scale_capacity.factr: unknown field"),
    ("name: x\nchanges:\n  - scale_capacity: {select: {id: a}, factor: -1}\n", "s.yaml:3: scale_capacity.factor: "
     "must be ≥ 0, not -1"),
    ("name: x\nchanges:\n  - scale_capacity: {select: {colour: a}, factor: 1}\n", "unknown selector 'colour'"),
    ("name: x\nengine: {method: magic}\n", "engine.method: must be 'lp' or 'equilibrium'"),
    ("name: x\nengine: {value_of_tim: 1}\n", "did you mean 'value_of_time'"),
    ("name: x\nengine: {max_iter: 1e12}\n", "engine.max_iter: must be ≤ 100,000"),
    ("name: x\nuncertain:\n  a: {dist: triangle, low: 0, mode: 1, high: 2}\n", "did you mean 'triangular'"),
    ("name: x\nuncertain:\n  a: {dist: triangular, low: 3, mode: 1, high: 2}\n", "needs low ≤ mode ≤ high"),
    ("name: x\nuncertain:\n  a: {dist: uniform, low: 0}\n", "uncertain.a.high: is required"),
    ("name: x\nuncertain:\n  a: {dist: bernoulli, p: 1.5}\n", "uncertain.a.p: must be ≤ 1, not 1.5"),
    ("name: x\nuncertain:\n  a: {dist: normal, mean: 0, sd: -1}\n", "uncertain.a.sd: must be ≥ 0, not -1"),
    ("name: x\nuncertain:\n  a: {dist: lognormal, median: 0, sigma: 1}\n", "uncertain.a.median: must be > 0, not 0"),
    ("name: x\nuncertain:\n  a: {dist: discrete, values: [1, 2], p: [0.5, 0.6]}\n",
     "uncertain.a.p: unknown field 'p'; did you mean 'weights'?"),
    ("name: x\nuncertain:\n  a: {dist: discrete, values: [1, 2], weights: [0.5]}\n", "give one weight per value"),
    ("name: x\nuncertain:\n  a: {dist: uniform, low: 0, high: 1, nominal: [1]}\n",
     "uncertain.a.nominal: must be a number, not [1]"),
    ("name: x\nchanges:\n  - scale_capacity: {select: {id: a}, factor: $nope}\n", "not under 'uncertain'"),
    ("name: x\nchanges: [\n", "s.yaml:3: malformed YAML"),
    ("- just a list\n", "must be a YAML mapping"),
    ("name: x\nname: y\n", "s.yaml:2: name: duplicate key"),
    ("name: x\ndescription: [a, b]\n", "s.yaml:2: description: must be text, not a list"),
    ("name: x\nbase: [a]\n", "s.yaml:2: base: must be a dataset (a built-in name or a path) or a mapping"),
    ("name: x\nbase: ./no-such-net/\n", "s.yaml:2: base.dataset: './no-such-net/' is neither a built-in dataset"),
    ("name: x\nbase:\n  dataset: eurasa\n", "s.yaml:3: base.dataset: 'eurasa' is neither a built-in dataset "
     "(eurasia) nor a network file or folder; did you mean 'eurasia'?"),
    ("name: x\nbase:\n  dataset: eurasia\n  year: 1800\n", "s.yaml:4: base.year: must be a year, got 1800"),
    ("name: x\nbase: {dataset: eurasia, yaer: 2021}\n", "s.yaml:2: base.yaer: unknown key 'yaer'; did you mean "
     "'year'?"),
])
def test_bad_files_name_the_line_and_field(text: str, expect: str) -> None:
    assert expect in _bad(text)


def test_every_problem_is_reported_at_once() -> None:
    msg = _bad("name: x\nchange: []\nengine: {method: magic}\nuncertain:\n  a: {dist: nope}\n")
    assert len(msg.splitlines()) == 3


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_examples_load_run_and_cite_sources(path: Path) -> None:
    from corridor.scenarios.spec import CHANGE_KINDS

    assert "set_risk" in CHANGE_KINDS
    spec = load_scenario(path)
    assert spec.description.strip()
    text = path.read_text(encoding="utf-8")
    if spec.changes:
        assert spec.sources, "a scenario with changes lists the sources of its numbers"
        for key in spec.sources:
            assert key in text
    for u in spec.uncertain.values():
        assert u.status in ("assumption", "derived", "estimate", "plan", "official", "measured"), u.name
        assert u.description
    out = run_spec(spec, base=data.load(spec.dataset))
    # the LP reports "optimal", the stochastic equilibrium (method: sue) "equilibrium"
    assert out.summary["status"] == ("equilibrium" if spec.engine.get("method") == "sue" else "optimal")
    assert out.summary["totals"]["served_t"] + out.summary["totals"]["unserved_t"] == pytest.approx(
        out.summary["totals"]["demand_t"])


def test_examples_are_the_built_in_scenarios() -> None:
    assert {p.stem for p in EXAMPLES.glob("*.yaml")} == set(data.scenarios())
    for name in ("baseline-2021", "northern-route-closed", "northern-risk-premium", "aktau-hub",
                 "caspian-storm-season", "middle-corridor-2030"):
        assert name in data.scenarios()


def test_compare_northern_route_closed() -> None:
    ds = data.load("eurasia")
    spec = load_scenario(EXAMPLES / "northern-route-closed.yaml")
    base = run_spec(spec.without_changes(), base=ds)
    scen = run_spec(spec, base=ds)
    d = compare_runs({"summary": base.summary, "tables": base.tables},
                     {"summary": scen.summary, "tables": scen.tables})
    assert d["by_corridor"]["northern"]["tonnes"]["change"] < 0
    assert d["by_corridor"]["trans-caspian"]["tonnes"]["change"] > 0
    assert d["totals"]["total_cost_usd"]["change"] > 0
    # the link changes add up: Σ change over links = scenario total - baseline total (the list leaves out
    # changes below a millionth of a link's flow, which the equilibrium's spread flows have)
    tot = sum(r["change_t"] for r in d["links"])
    assert tot == pytest.approx(scen.tables["link_flows"]["tonnes"].sum() - base.tables["link_flows"]["tonnes"].sum(),
                                rel=1e-8)
    # with the Northern route closed, the Caspian ferries from Kazakhstan and Turkmenistan are full westbound
    assert {("fleet", "asco-kazakhstan"), ("fleet", "asco-turkmenistan")} <= {
        (b["kind"], b["id"]) for b in scen.summary["bottlenecks"]}
    assert d["bottlenecks"]["new"]


def test_content_hash_ignores_names_and_notes() -> None:
    a = scenario_from_text("name: a\ndescription: one\nchanges:\n  - close_link: x\n    note: why\n")
    b = scenario_from_text("name: b\nchanges:\n  - close_link: x\n")
    c = scenario_from_text("name: a\nchanges:\n  - close_link: y\n")
    assert a.content_hash() == b.content_hash() != c.content_hash()


@given(st.integers(0, 2**32 - 1))
def test_samples_respect_their_distributions(seed: int) -> None:
    spec = scenario_from_text("""name: x
uncertain:
  u: {dist: uniform, low: 1, high: 2}
  t: {dist: triangular, low: 0, mode: 0.2, high: 1}
  n: {dist: normal, mean: 5, sd: 1, low: 4, high: 6}
  l: {dist: lognormal, median: 2, sigma: 0.5}
  d: {dist: discrete, values: [1, 5, 9], weights: [0.2, 0.3, 0.5]}
  b: {dist: bernoulli, p: 0.3}
""")
    rng = np.random.default_rng(seed)
    s = {k: u.sample(rng) for k, u in spec.uncertain.items()}
    assert 1 <= s["u"] <= 2 and 0 <= s["t"] <= 1 and 4 <= s["n"] <= 6 and s["l"] > 0
    assert s["d"] in (1, 5, 9) and s["b"] in (0.0, 1.0)
    assert spec.nominal() == {"u": 1.5, "t": 0.2, "n": 5.0, "l": 2.0, "d": 9.0, "b": 0.0}


def test_bernoulli_frequency() -> None:
    spec = scenario_from_text("name: x\nuncertain:\n  b: {dist: bernoulli, p: 0.3}\n")
    rng = np.random.default_rng(1)
    share = np.mean([spec.uncertain["b"].sample(rng) for _ in range(20_000)])
    assert math.isclose(share, 0.3, abs_tol=0.015)


@pytest.mark.parametrize("entry", [
    "{dist: uniform, low: 3, high: 2}", "{dist: normal, mean: 0, sd: -1}", "{dist: bernoulli, p: 1.5}",
    "{dist: weibull, shape: 2}", "{dist: triangular, low: 0, mode: 3, high: 2}", "[1, 2]",
])
def test_a_bad_distribution_is_reported_once(entry: str) -> None:
    """Not also as "refers to '$p', which is not under 'uncertain'" where a change uses it."""
    msg = _bad(f"name: x\nuncertain:\n  p: {entry}\nchanges:\n  - scale_capacity: {{select: {{id: a}}, factor: $p}}\n"
               "    when: $p\n")
    assert len(msg.splitlines()) == 1 and msg.startswith("s.yaml:3: uncertain.p") and "not under" not in msg


def test_same_vocabulary_as_the_hub() -> None:
    spec = scenario_from_text("""name: x
uncertain:
  dwell: {dist: lognormal, mean: 48, cv: 1}
  dwell2: {dist: lognormal, median: 33.94112549695428, sigma: 0.8325546111576977}
  g: {dist: gamma, mean: 2, cv: 0.5}
  e: {dist: exponential, mean: 3, shift: 1}
  k: {dist: erlang, mean: 2, k: 4}
  v: {dist: deterministic, value: 7}
  n: {dist: normal, mean: 5, sd: 1, low: 4.5}
  d: {dist: discrete, values: [1, 5, 9]}
""")
    u = spec.uncertain
    assert u["dwell"].distribution.mean == 48 and u["dwell2"].distribution.mean == pytest.approx(48)
    assert u["dwell"].nominal == pytest.approx(u["dwell2"].nominal) == pytest.approx(48 / math.sqrt(2))
    assert spec.nominal() | {"dwell": 0, "dwell2": 0} == {"dwell": 0, "dwell2": 0, "g": 2.0, "e": 3.0, "k": 2.0,
                                                          "v": 7.0, "n": 5.0, "d": 1.0}
    assert u["n"].sample(np.random.default_rng(1)) >= 4.5  # truncated, not clipped
    assert u["g"].to_dict()["dist"] == "gamma" and u["g"].dist == "gamma" and u["g"].params == {"mean": 2, "cv": 0.5}


def test_base_may_be_just_the_dataset(tmp_path: Path) -> None:
    (tmp_path / "my-net").mkdir()
    f = tmp_path / "s.yaml"
    f.write_text("name: mine\nbase: ./my-net/\n", encoding="utf-8")
    spec = load_scenario(f)
    assert spec.dataset == "./my-net/" and spec.year is None and spec.base_where == f"{f}:2"
    assert scenario_from_text("name: x\nbase: eurasia\n").dataset == "eurasia"


def test_built_in_scenarios_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = load_scenario("northern-route-closed")
    assert spec.name == "northern-route-closed" and spec.changes
    assert load_scenario("northern-route-closed.yaml") == spec
    with pytest.raises(InputError) as e:
        load_scenario("northern-route-closd")
    assert "northern-route-closd: file not found, and no built-in scenario has that name; did you mean " \
           "'northern-route-closed'? (built-in: aktau-hub, baseline-2021," in str(e.value)
    (tmp_path / "northern-route-closed").mkdir()  # a file or folder of that name comes first
    with pytest.raises(InputError, match="is a directory"):
        load_scenario("northern-route-closed")


def test_alias_bomb_in_description_refused() -> None:
    bomb = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'lol'] * 9)}]\n" for i in range(9))
    msg = _bad(f"name: x\nsources:\n  {bomb.replace(chr(10), chr(10) + '  ')}\ndescription: *l8\n")
    assert "the file expands to more than 1,000,000 values" in msg and msg.startswith("s.yaml:")


def test_yaml_1_2_numbers_and_norway() -> None:
    spec = scenario_from_text("name: x\nchanges:\n  - close_country: [NO]\n  - scale_capacity: {select: {id: a}, "
                              "factor: 2e0}\n  - grow_demand: {select: {id: a}, factor: 1.5e-1}\n")
    assert spec.changes[0].args == {"ids": ["NO"]}  # not [False], as YAML 1.1 read it
    assert spec.changes[1].args["factor"] == 2.0 and spec.changes[2].args["factor"] == 0.15
