"""The premium curve: raising a Russia premium moves volume to other gateways smoothly, without jumps."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from corridor.cli import main
from corridor.exceptions import InputError
from corridor.scenarios import load_scenario
from corridor.scenarios.premium import (
    PremiumCurveResult,
    PremiumStep,
    elasticities,
    first_binding,
    premium_curve,
    premium_ladder,
)

REL = 1e-6  # tolerance of the equilibrium (relative gap 1e-4 on capacities; measures agree to far better)
PREMIUM = {"RU", "BY"}
# No jump: a smooth curve spreads the change over a step across the whole step; a jump (a route or a
# gateway switching all at once, as in an LP) puts it at one premium inside the step. So the steepest
# step of each curve is run again at quarter steps, and no quarter may carry more than half of the
# step's change (a smooth curve gives about a quarter each, a jump all of it in one quarter). A bound
# on a step against the total change (say 25 %) does not work here: once a capacity on the
# crossing binds (alat-port, from 25 USD/t) the curve saturates, and its steep part is a large share
# of a small total without any jump.
MAX_QUARTER_SHARE = 0.5


@pytest.fixture(scope="module")
def curve() -> PremiumCurveResult:
    return premium_curve(load_scenario("baseline-2021"), countries="RU,BY", max_usd_per_t=100, step_usd_per_t=5,
                         keep_routes=True)


def _titr_via_premium_countries(routes: tuple[dict, ...]) -> float:
    """Tonnes of routes that cross the Caspian between AZ and KZ/TM *and* touch Russia or Belarus.

    They count in ``titr_t`` and pay the premium, so the premium rightly pushes them off; once the
    crossing's capacity binds, nothing can replace them, and ``titr_t`` may fall by as much as they.
    """
    return sum(r["tonnes"] for r in routes if r["tonnes"] > 0 and "AZ" in r["countries"]
               and {"KZ", "TM"} & set(r["countries"]) and PREMIUM & set(r["countries"]))


def _no_jump_in_steepest_step(curve: PremiumCurveResult, attr: str) -> None:
    values = [getattr(s, attr) for s in curve.steps]
    changes = [abs(b - a) for a, b in itertools.pairwise(values)]
    i = max(range(len(changes)), key=changes.__getitem__)
    a, b = curve.premiums[i], curve.premiums[i + 1]
    q = (b - a) / 4
    fine = premium_curve(load_scenario("baseline-2021"), premiums=[a + k * q for k in range(5)])
    got = [getattr(s, attr) for s in fine.steps]
    assert got[0] == pytest.approx(values[i], rel=1e-9) and got[-1] == pytest.approx(values[i + 1], rel=1e-9)
    quarters = [abs(y - x) for x, y in itertools.pairwise(got)]
    assert max(quarters) <= MAX_QUARTER_SHARE * changes[i], (attr, a, b, quarters)


def test_titr_rises_and_russia_falls_smoothly(curve: PremiumCurveResult) -> None:
    assert curve.premiums == [5.0 * i for i in range(21)]
    assert all(s.converged for s in curve.steps)
    titr = [s.titr_t for s in curve.steps]
    russia = [s.russia_t for s in curve.steps]
    for (a, b), routes in zip(itertools.pairwise(titr), curve.routes, strict=False):
        allowed = a * REL + _titr_via_premium_countries(routes)
        assert b >= a - allowed, "Trans-Caspian tonnes fall as the premium on Russia rises"
    for a, b in itertools.pairwise(russia):
        assert b <= a * (1 + REL), "tonnes via Russia rise as the premium on Russia rises"
    assert titr[-1] > titr[0] and russia[-1] < russia[0]  # the premium moves volume
    _no_jump_in_steepest_step(curve, "titr_t")
    _no_jump_in_steepest_step(curve, "russia_t")
    # what leaves Russia goes somewhere: demand stays served
    assert all(s.served_t == pytest.approx(curve.steps[0].served_t, rel=1e-6) for s in curve.steps)


def test_no_route_visits_a_country_twice(curve: PremiumCurveResult) -> None:
    assert len(curve.routes) == len(curve.steps)
    for step, routes in zip(curve.steps, curve.routes, strict=True):
        assert step.revisits == 0
        loaded = [r for r in routes if r["tonnes"] > 0]
        assert loaded
        for r in loaded:
            assert len(set(r["countries"])) == len(r["countries"]), (step.premium_usd_per_t, r["countries"])


def test_gateways_and_elasticity(curve: PremiumCurveResult) -> None:
    d = curve.to_dict()
    assert set(d) >= {"scenario", "countries", "premiums_usd_per_t", "steps", "elasticity", "first_binding",
                      "gateway_shares", "corridor_shares", "engine", "elapsed_s"}
    # the baseline runs the stochastic equilibrium already: nothing replaced
    assert d["countries"] == ["RU", "BY"] and d["engine"]["method"] == "sue" and d["engine"]["note"] == ""
    for g in d["gateway_shares"]:
        assert sum(v["share"] for v in g["gateways"].values()) == pytest.approx(1.0)
    # the premium moves volume away from Russia: the Northern corridor and its Kostanay gateway lose share,
    # the Trans-Caspian and the sea gain
    first, last = d["corridor_shares"][0]["corridors"], d["corridor_shares"][-1]["corridors"]
    assert last["northern"]["share"] < first["northern"]["share"]
    assert last["trans-caspian"]["share"] > first["trans-caspian"]["share"]
    assert last["maritime"]["share"] > first["maritime"]["share"]
    first, last = d["gateway_shares"][0]["gateways"], d["gateway_shares"][-1]["gateways"]
    assert last["kostanay"]["share"] < first["kostanay"]["share"]
    assert len(d["elasticity"]) == 20
    assert d["elasticity"][0]["elasticity"] is None  # from a premium of 0
    for e in d["elasticity"][1:]:
        expect = math.log(e["titr_to_t"] / e["titr_from_t"]) / math.log(e["to_usd_per_t"] / e["from_usd_per_t"])
        assert e["elasticity"] == pytest.approx(expect)
        assert e["russia_slope_t_per_usd"] <= 0
    json.dumps(d)  # plain values
    # which capacities bind first: ordered by the premium at which they start to bind
    firsts = [r["first_binds_usd_per_t"] for r in d["first_binding"]]
    assert firsts == sorted(firsts)
    binding = {b["capacity"] for s in curve.steps for b in s.binding}
    assert {r["capacity"] for r in d["first_binding"]} == binding
    # the next to bind: used at the top premium, not binding there, most used first
    nxt = d["next_to_bind"]
    assert nxt and all(0 < r["utilisation_at_max"] < 1 for r in nxt)
    assert [r["utilisation_at_max"] for r in nxt] == sorted((r["utilisation_at_max"] for r in nxt), reverse=True)
    top = {b["capacity"] for b in curve.steps[-1].binding}
    assert not top & {r["capacity"] for r in nxt if r["unit"] in {b["unit"] for b in curve.steps[-1].binding}}


def _step(p: float, titr: float, binding: tuple[str, ...]) -> PremiumStep:
    return PremiumStep(p, titr, 0.0, 100.0 - titr, 0.0, 100.0, 0.0, {}, {},
                       tuple({"capacity": f"transfer:{b}", "kind": "transfer", "id": b, "from": "", "to": "",
                              "unit": "t/yr", "usd_per_unit": 1.0 + p} for b in binding), True, 0.0, 1)


def test_elasticity_and_first_binding_by_hand() -> None:
    steps = [_step(0, 10.0, ()), _step(10, 11.0, ("a",)), _step(20, 12.1, ("a", "b")), _step(30, 12.1, ("b",))]
    el = elasticities(steps)
    assert el[0]["elasticity"] is None and el[0]["slope_t_per_usd"] == pytest.approx(0.1)
    assert el[1]["elasticity"] == pytest.approx(math.log(1.1) / math.log(2.0))
    assert el[1]["semi_elasticity_per_usd"] == pytest.approx(math.log(1.1) / 10)
    assert el[2]["elasticity"] == pytest.approx(0.0)
    fb = first_binding(steps)
    assert [(r["id"], r["first_binds_usd_per_t"], r["released_usd_per_t"], r["steps_binding"]) for r in fb] == [
        ("a", 10.0, 30.0, 2), ("b", 20.0, None, 2)]
    assert fb[0]["price_at_first"] == 11.0 and fb[0]["price_at_max"] == 0.0 and fb[1]["price_at_max"] == 31.0


def test_ladder() -> None:
    assert premium_ladder(100, 5) == [5.0 * i for i in range(21)]
    assert premium_ladder(12, 5) == [0.0, 5.0, 10.0, 12.0]
    assert premium_ladder(0, 5) == [0.0]
    for mx, st, field in ((100, 0, "--step"), (-1, 5, "--max"), (math.inf, 5, "--max"), (1e6, 1e-3, "--step")):
        with pytest.raises(InputError) as e:
            premium_ladder(mx, st)
        assert e.value.problems[0].where == field


def test_cli_json_report_and_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "premium.html"
    assert main(["scenario", "premium", "--max", "10", "--step", "5", "--json", "--report", str(out)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["premiums_usd_per_t"] == [0.0, 5.0, 10.0] and d["scenario"] == "baseline-2021"
    step = d["steps"][0]
    assert set(step) >= {"premium_usd_per_t", "titr_t", "titr_teu", "russia_t", "served_t", "by_corridor",
                         "by_gateway", "binding", "converged"}
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["scenario", "premium", "--max", "5", "--step", "5"]) == 0
    assert "capacities in the order they bind" in capsys.readouterr().out
    for args, field in ((["--countries", "RU,XX"], "XX"), (["--step", "0"], "--step"), (["--max", "-5"], "--max"),
                        (["--countries", ","], "--countries"), (["no-such-scenario"], "no-such-scenario")):
        assert main(["scenario", "premium", *args, "--max", "5", "--step", "5"] if "--max" not in args and
                    "--step" not in args else ["scenario", "premium", *args]) == 2
        assert field in capsys.readouterr().err


def test_an_lp_scenario_is_run_as_sue_and_says_so() -> None:
    d = premium_curve(load_scenario("caspian-storm-season"), max_usd_per_t=5, step_usd_per_t=5).to_dict()
    assert d["engine"]["method"] == "sue" and "replaced by 'sue'" in d["engine"]["note"]
