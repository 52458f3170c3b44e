"""The choice model of the stochastic user equilibrium on cases worked by hand (issue 12, item 2).

Every expected number here comes from the logit formula written out in the test (or, for the
first case, typed in from it), never from the engine: ``U_k = -theta C_k / C_ref + beta ln PS_k``
with ``C_ref`` the cheapest route's generalised cost for the (row, segment) at free flow.
"""

from __future__ import annotations

import math

import pytest
from tests.assignment.sue_nets import PENALTY, demand, logit, network, one_segment, shares, solve, tonnes

from corridor.model.choice import ChoiceParameters
from corridor.model.passage import border_gaps
from corridor.model.risk import RiskEntry, RiskModel
from corridor.model.validate import validate_network

R1 = ("o", "a", "d")  # money 20 USD/t, 50 h
R2 = ("o", "b", "d")  # money 25 USD/t, 30 h


def _two_routes(capacities: dict[str, float] | None = None):
    """Two disjoint routes from o (KZ) to d (CN), one through a (RU), one through b (AZ)."""
    return network([("o", "a", 12.0, 30.0, 1000.0), ("a", "d", 8.0, 20.0, 900.0),
                    ("o", "b", 15.0, 20.0, 800.0), ("b", "d", 10.0, 10.0, 700.0)],
                   countries={"a": "RU", "b": "AZ", "d": "CN"}, capacities=capacities)


def test_the_small_networks_obey_the_passage_rules() -> None:
    net = _two_routes()
    assert list(border_gaps(net, ("o", "d"))) == []
    assert [p for p in validate_network(net, demand(("o", "d", 1e6)), require_sources=False)
            if p.severity == "error"] == []


# ---------------------------------------------------------------------------------------------------------------
# 1. Two routes, known logit shares
# ---------------------------------------------------------------------------------------------------------------

# (theta, value of time, share of R1): c1 = 20 + 50 vot, c2 = 25 + 30 vot,
# share1 = 1 / (1 + exp(-theta (c2 - c1) / min(c1, c2)))
HAND = [
    (4.0, 0.5, 0.3775406687981454),   # c1 = 45, c2 = 40: 1 / (1 + e^0.5)
    (10.0, 0.5, 0.22270013882530884),  # 1 / (1 + e^1.25)
    (4.0, 0.0, 0.7310585786300049),   # c1 = 20, c2 = 25: 1 / (1 + e^-1)
    (4.0, 2.0, 0.16150685429648454),  # c1 = 120, c2 = 85: 1 / (1 + e^(140/85))
    (0.5, 0.5, 0.4843800842769844),   # 1 / (1 + e^0.0625)
]


@pytest.mark.parametrize(("theta", "vot", "expected"), HAND)
def test_two_disjoint_routes_split_by_the_binary_logit(theta: float, vot: float, expected: float) -> None:
    c1, c2 = 20.0 + 50.0 * vot, 25.0 + 30.0 * vot
    assert expected == pytest.approx(1.0 / (1.0 + math.exp(-theta * (c2 - c1) / min(c1, c2))), abs=1e-15)
    res = solve(_two_routes(), demand(("o", "d", 10e6)), one_segment(theta, vot))
    s = shares(res)
    assert set(s) == {R1, R2}
    # the unserved alternative at 10,000 USD/t is there, but weighs e^(-theta (10000 - C_ref) / C_ref) ≈ 0
    assert s[R1] == pytest.approx(expected, abs=1e-6)
    assert s[R2] == pytest.approx(1.0 - expected, abs=1e-6)
    t = tonnes(res)
    assert t[R1] == pytest.approx(10e6 * expected, rel=1e-6)
    assert res.flows.link_flow("o-a") == pytest.approx(10e6 * expected, rel=1e-6)
    recs = {tuple(r["nodes"]): r for r in res.routes}
    assert (recs[R1]["money_usd_per_t"], recs[R1]["hours"]) == pytest.approx((20.0, 50.0))
    assert (recs[R2]["money_usd_per_t"], recs[R2]["hours"]) == pytest.approx((25.0, 30.0))
    assert recs[R1]["countries"] == ["KZ", "RU", "CN"]
    assert recs[R2]["countries"] == ["KZ", "AZ", "CN"]
    assert res.prices == ()
    # total generalised cost, capacity prices excluded
    assert res.total_cost == pytest.approx(10e6 * (expected * c1 + (1 - expected) * c2), rel=1e-6)


def test_theta_is_relative_to_the_cheapest_route() -> None:
    """Scaling every cost by 10 leaves the shares alone (theta is dimensionless)."""
    cheap = network([("o", "a", 2.0, 0.0, 1.0), ("a", "d", 2.0, 0.0, 1.0),
                     ("o", "b", 2.5, 0.0, 1.0), ("b", "d", 2.5, 0.0, 1.0)])
    dear = network([("o", "a", 20.0, 0.0, 1.0), ("a", "d", 20.0, 0.0, 1.0),
                    ("o", "b", 25.0, 0.0, 1.0), ("b", "d", 25.0, 0.0, 1.0)])
    expected = 1.0 / (1.0 + math.exp(-3.0 * (5.0 - 4.0) / 4.0))
    for net in (cheap, dear):
        s = shares(solve(net, demand(("o", "d", 1e6)), one_segment(3.0, 0.0)))
        assert s[R1] == pytest.approx(expected, abs=1e-6)


def test_the_unserved_alternative_is_part_of_the_logit() -> None:
    """With a low penalty the unserved alternative takes its logit share."""
    from corridor.assignment.sue import SUEOptions, stochastic_equilibrium

    net, dem = _two_routes(), demand(("o", "d", 1e6))
    res = stochastic_equilibrium(net, dem, SUEOptions(choice=one_segment(2.0, 0.0), unserved_penalty_usd_per_t=30.0,
                                                      gap=1e-9))
    assert res.converged
    expected = logit([20.0, 25.0], 2.0, penalty=30.0)  # [0.5761, 0.3494, 0.0744]
    s = shares(res)
    assert s[R1] == pytest.approx(expected[0], abs=1e-6)
    assert s[R2] == pytest.approx(expected[1], abs=1e-6)
    assert res.unserved == pytest.approx(1e6 * expected[2], rel=1e-6)
    od = res.flows.by_od[0]
    assert od["served_t"] + od["unserved_t"] == pytest.approx(1e6)


# ---------------------------------------------------------------------------------------------------------------
# 2. Overlapping routes: path size
# ---------------------------------------------------------------------------------------------------------------

PX, PY, PZ = ("o", "m", "x", "d"), ("o", "m", "y", "d"), ("o", "z", "d")


def _overlap():
    """Routes via x and via y share o-m (60 km); the route via z shares nothing.

    ========  ================  =========  ====  ====================================
    route     links (km)        USD/t      L_k   PS_k = Σ_a (l_a / L_k) / N_a
    ========  ================  =========  ====  ====================================
    via x     o-m 60, m-x 20,   6+2+2=10   100   60/100/2 + 20/100 + 20/100 = 0.70
              x-d 20
    via y     o-m 60, m-y 30,   6+3+3=12   120   60/120/2 + 30/120 + 30/120 = 0.75
              y-d 30
    via z     o-z 40, z-d 40    5+5=10      80   1
    ========  ================  =========  ====  ====================================
    """
    return network([("o", "m", 6.0, 0.0, 60.0), ("m", "x", 2.0, 0.0, 20.0), ("x", "d", 2.0, 0.0, 20.0),
                    ("m", "y", 3.0, 0.0, 30.0), ("y", "d", 3.0, 0.0, 30.0),
                    ("o", "z", 5.0, 0.0, 40.0), ("z", "d", 5.0, 0.0, 40.0)])


@pytest.mark.parametrize("beta", [0.0, 1.0, 2.0])
def test_path_size_of_overlapping_routes(beta: float) -> None:
    ps = [0.7, 0.75, 1.0]
    assert ps[0] == pytest.approx(60 / 100 / 2 + 20 / 100 + 20 / 100)
    assert ps[1] == pytest.approx(60 / 120 / 2 + 30 / 120 + 30 / 120)
    res = solve(_overlap(), demand(("o", "d", 1e6)), one_segment(5.0, 0.0, path_size=beta))
    s = shares(res)
    assert set(s) == {PX, PY, PZ}
    # U = -5 C / 10 + beta ln PS
    e = [ps[0] ** beta * math.exp(-5.0), ps[1] ** beta * math.exp(-6.0), math.exp(-5.0)]
    expected = [x / sum(e) for x in e]
    assert expected == pytest.approx(logit([10.0, 12.0, 10.0], 5.0, ps, beta)[:3], abs=1e-12)
    if beta == 1.0:  # written out: 0.7, 0.75/e, 1 over their sum
        assert expected == pytest.approx([0.35427, 0.13964, 0.50610], abs=1e-5)
    for route, want in zip((PX, PY, PZ), expected, strict=True):
        assert s[route] == pytest.approx(want, abs=1e-6)
    # the shared link carries both overlapping routes
    assert res.flows.link_flow("o-m") == pytest.approx(1e6 * (expected[0] + expected[1]), rel=1e-6)


def test_two_equally_cheap_routes_in_one_country_split_evenly() -> None:
    """Distinct routes of equal cost are both in the choice set (no country ban can tell them apart)."""
    net = network([("o", "p", 5.0, 10.0, 100.0), ("p", "d", 5.0, 10.0, 100.0),
                   ("o", "q", 5.0, 10.0, 100.0), ("q", "d", 5.0, 10.0, 100.0)])
    s = shares(solve(net, demand(("o", "d", 1e6)), one_segment(4.0, 0.5)))
    assert s == pytest.approx({("o", "p", "d"): 0.5, ("o", "q", "d"): 0.5}, abs=1e-6)


# ---------------------------------------------------------------------------------------------------------------
# 3. A capacity that binds, and one that does not
# ---------------------------------------------------------------------------------------------------------------

def test_a_binding_capacity_is_full_and_priced_as_the_closed_form() -> None:
    """theta 4, value of time 0.5: C1 = 45, C2 = 40 (C_ref = 40); R2 would take 62.2 % of 10 Mt.

    With o-b capped at K = 4 Mt and price p on it, the logit must give R2 exactly K:
    K / d = 1 / (1 + exp(-(theta / C_ref)(C1 - C2 - p)))  ⇒  p = C1 - C2 + (C_ref / theta) ln((d - K) / K)
    = 5 + 10 ln 1.5 = 9.0546510810816…  (C_ref stays the free-flow 40: the price is not part of it).
    """
    d, cap = 10e6, 4e6
    p = 45.0 - 40.0 + (40.0 / 4.0) * math.log((d - cap) / cap)
    assert p == pytest.approx(9.054651081081644, abs=1e-12)
    gap = 1e-9
    res = solve(_two_routes({"o-b": cap / 1e6}), demand(("o", "d", d)), one_segment(4.0, 0.5), gap=gap)
    t = tonnes(res)
    assert t[R2] <= cap * (1 + gap) + 1e-6
    assert t[R2] == pytest.approx(cap, rel=1e-6)
    assert t[R1] == pytest.approx(d - cap, rel=1e-6)
    assert len(res.prices) == 1
    price = res.prices[0]
    assert (price["kind"], price["id"], price["unit"]) == ("link", "o-b", "t/yr")
    assert price["usd_per_unit"] == pytest.approx(p, rel=1e-5)
    # the same price is the bottleneck's dual in the flow tables
    (neck,) = [b for b in res.flows.bottlenecks if b["id"] == "o-b"]
    assert neck["usd_per_t_yr"] == pytest.approx(p, rel=1e-5)
    assert neck["utilisation"] == pytest.approx(1.0, abs=1e-6)
    # the logit at C2 + p reproduces the split
    th = 4.0 / 40.0
    assert 1.0 / (1.0 + math.exp(-th * (45.0 - 40.0 - p))) == pytest.approx(cap / d, abs=1e-12)
    # the total generalised cost leaves the price out
    assert res.total_cost == pytest.approx(cap * 40.0 + (d - cap) * 45.0, rel=1e-6)


def test_a_capacity_that_does_not_bind_has_no_price() -> None:
    d = 10e6
    free = shares(solve(_two_routes(), demand(("o", "d", d)), one_segment(4.0, 0.5)))
    res = solve(_two_routes({"o-b": 8.0}), demand(("o", "d", d)), one_segment(4.0, 0.5))
    assert res.prices == ()
    assert shares(res) == pytest.approx(free, abs=1e-9)
    assert shares(res)[R2] == pytest.approx(1.0 - 0.3775406687981454, abs=1e-6)  # 6.2 Mt under 8 Mt
    caps = {c["id"]: c for c in res.flows.capacities}
    assert caps["o-b"]["usd_per_unit"] == 0.0


def test_capacities_on_both_routes_leave_the_rest_unserved() -> None:
    """6 Mt of 10 fit: both capacities full, 4 Mt unserved, priced near the penalty.

    Gap 1e-8: with prices near the 10,000 USD/t penalty, 1e-9 is a few hundredths of a tonne on 3 Mt,
    at the limit of what L-BFGS-B's double precision reaches; it did on one machine, stopped at
    1.2e-9 on another (a different CPU, hence different BLAS kernels).
    """
    res = solve(_two_routes({"o-a": 3.0, "o-b": 3.0}), demand(("o", "d", 10e6)), one_segment(4.0, 0.5), gap=1e-8)
    t = tonnes(res)
    assert t[R1] == pytest.approx(3e6, rel=1e-6)
    assert t[R2] == pytest.approx(3e6, rel=1e-6)
    assert res.unserved == pytest.approx(4e6, rel=1e-6)
    # the closed form again, now against the unserved alternative (C_ref = 40):
    # f_k / f_U = exp(-(theta / C_ref)(C_k + p_k - PENALTY))  ⇒  p_k = PENALTY - C_k + (C_ref / theta) ln(f_U / f_k)
    want = {"o-a": PENALTY - 45.0 + 10.0 * math.log(4 / 3), "o-b": PENALTY - 40.0 + 10.0 * math.log(4 / 3)}
    got = {p["id"]: p["usd_per_unit"] for p in res.prices}
    assert got == pytest.approx(want, rel=1e-6)


# ---------------------------------------------------------------------------------------------------------------
# 4. Value-of-time segments: a mixture of logits
# ---------------------------------------------------------------------------------------------------------------

def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


@pytest.mark.parametrize(("median", "sigma"), [(0.5, 1.0), (0.3, 0.4)])
def test_two_segments_mix_two_logits(median: float, sigma: float) -> None:
    """Two halves of a lognormal value of time split at the median, each at its conditional mean.

    E[V | V < m] = 2 m e^(σ²/2) Φ(-σ), E[V | V > m] = 2 m e^(σ²/2) Φ(σ); each half has its own C_ref.
    """
    lo = 2 * median * math.exp(sigma ** 2 / 2) * _phi(-sigma)
    hi = 2 * median * math.exp(sigma ** 2 / 2) * _phi(sigma)
    if (median, sigma) == (0.5, 1.0):
        assert (lo, hi) == pytest.approx((0.261578, 1.387143), abs=1e-6)
    theta = 4.0
    expected = 0.0
    for v in (lo, hi):
        c1, c2 = 20.0 + 50.0 * v, 25.0 + 30.0 * v
        expected += 0.5 / (1.0 + math.exp(-theta * (c2 - c1) / min(c1, c2)))
    choice = ChoiceParameters(theta=theta, vot_median=median, vot_sigma=sigma, segments=2)
    assert [s.value_of_time for s in choice.segments_for("coal")] == pytest.approx([lo, hi], rel=1e-9)
    res = solve(_two_routes(), demand(("o", "d", 10e6)), choice)
    assert shares(res)[R1] == pytest.approx(expected, abs=1e-6)
    # not the logit at the mean value of time
    mean = median * math.exp(sigma ** 2 / 2)
    c1, c2 = 20.0 + 50.0 * mean, 25.0 + 30.0 * mean
    assert abs(expected - 1.0 / (1.0 + math.exp(-theta * (c2 - c1) / min(c1, c2)))) > 1e-3


def test_segments_share_a_binding_capacity() -> None:
    """Both segments pay the same price; the mixture of the priced logits fills the capacity exactly."""
    choice = ChoiceParameters(theta=4.0, vot_median=0.5, vot_sigma=1.0, segments=2)
    d, cap = 10e6, 4e6
    res = solve(_two_routes({"o-b": cap / 1e6}), demand(("o", "d", d)), choice)
    assert tonnes(res)[R2] == pytest.approx(cap, rel=1e-6)
    (price,) = res.prices
    p = price["usd_per_unit"]
    share2 = 0.0
    for seg in choice.segments_for("coal"):
        v = seg.value_of_time
        c1, c2 = 20.0 + 50.0 * v, 25.0 + 30.0 * v
        share2 += seg.share / (1.0 + math.exp(-4.0 * (c1 - c2 - p) / min(c1, c2)))
    assert share2 == pytest.approx(cap / d, abs=1e-6)


# ---------------------------------------------------------------------------------------------------------------
# 5. Risk per shipment
# ---------------------------------------------------------------------------------------------------------------

RA = ("o", "r1", "r2", "r3", "d")  # through Russia on three links: money 20, 50 h
RB = ("o", "m", "t", "d")  # through Russia on one link, then Türkiye: money 24, 40 h


def _risky():
    return network([("o", "r1", 5.0, 10.0, 100.0), ("r1", "r2", 5.0, 10.0, 100.0), ("r2", "r3", 5.0, 10.0, 100.0),
                    ("r3", "d", 5.0, 20.0, 100.0),
                    ("o", "m", 8.0, 10.0, 100.0), ("m", "t", 8.0, 15.0, 100.0), ("t", "d", 8.0, 15.0, 100.0)],
                   countries={"r1": "RU", "r2": "RU", "r3": "RU", "m": "RU", "t": "TR", "d": "CN"})


RISK = RiskModel((
    RiskEntry(("RU",), premium_usd_per_t=10.0, p_seizure=0.01, seizure_usd_per_t=500.0),  # 15 USD/t, once
    RiskEntry(("TR",), p_delay=0.2, delay_h=100.0),  # 20 h expected, sd sqrt(0.2 x 0.8) x 100 = 40 h
    RiskEntry(("RU",), commodities=("container",), premium_usd_per_t=1000.0),  # not coal
    RiskEntry(("TR",), markets=("elsewhere",), premium_usd_per_t=1000.0),  # not this market
))


@pytest.mark.parametrize("rel", [0.0, 1.0, 2.5])
def test_risk_is_paid_once_per_route(rel: float) -> None:
    """vot 0.5: C_A = 20 + 0.5·50 + 15 = 60; C_B = 24 + 0.5·40 + 15 + 0.5·20 + rel·0.5·40 = 69 + 20 rel."""
    vot, theta = 0.5, 2.0
    ca = 20.0 + vot * 50.0 + 15.0
    cb = 24.0 + vot * 40.0 + 15.0 + vot * 0.2 * 100.0 + rel * vot * math.sqrt(0.2 * 0.8) * 100.0
    assert (ca, cb) == pytest.approx((60.0, 69.0 + 20.0 * rel))
    res = solve(_risky(), demand(("o", "d", 1e6)), one_segment(theta, vot, reliability_ratio=rel), risk=RISK)
    recs = {tuple(r["nodes"]): r for r in res.routes}
    assert set(recs) == {RA, RB}
    assert recs[RA]["risk_usd_per_t"] == pytest.approx(15.0)  # three Russian links, one premium
    assert recs[RB]["risk_usd_per_t"] == pytest.approx(15.0)
    assert (recs[RA]["risk_delay_h"], recs[RB]["risk_delay_h"]) == pytest.approx((0.0, 20.0))
    expected = 1.0 / (1.0 + math.exp(-theta * (cb - ca) / min(ca, cb)))
    assert shares(res)[RA] == pytest.approx(expected, abs=1e-6)


def test_without_risk_the_other_route_is_cheaper() -> None:
    res = solve(_risky(), demand(("o", "d", 1e6)), one_segment(2.0, 0.5))
    # C_A = 45, C_B = 44: B is the cheaper one now
    assert shares(res)[RB] == pytest.approx(1.0 / (1.0 + math.exp(-2.0 * (45.0 - 44.0) / 44.0)), abs=1e-6)
    assert all(r["risk_usd_per_t"] == 0.0 for r in res.routes)


# ---------------------------------------------------------------------------------------------------------------
# 8. The built-in data
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def eurasia():
    from corridor import data

    return data.load("eurasia")


def test_the_built_in_data_reaches_equilibrium(eurasia) -> None:
    from corridor.assignment.sue import stochastic_equilibrium

    res = stochastic_equilibrium(eurasia.network, eurasia.demand)
    assert res.converged
    assert res.gap <= 1e-4
    for od in res.flows.by_od:
        assert od["served_t"] + od["unserved_t"] == pytest.approx(od["demand_t"], rel=1e-9)
    for c in res.flows.capacities:
        assert c["flow"] <= c["capacity"] * (1 + 1e-4) + 1e-6


def test_the_system_optimum_costs_no_more_than_the_equilibrium(eurasia) -> None:
    """One segment at the LP's value of time: the LP (system optimum) is a lower bound on the SUE's cost."""
    from corridor.assignment.lp import solve_lp
    from corridor.assignment.sue import SUEOptions, stochastic_equilibrium

    choice = ChoiceParameters(segments=1, vot_sigma=0.0)
    vot = choice.segments_for("container")[0].value_of_time
    res = stochastic_equilibrium(eurasia.network, eurasia.demand, SUEOptions(choice=choice))
    lp = solve_lp(eurasia.network, eurasia.demand, value_of_time=vot)
    assert res.converged
    # capacity allows all of it in both
    assert lp.unserved_t == 0.0
    assert res.served == pytest.approx(lp.served_t, rel=1e-6)
    lp_rows = {od["id"]: od for od in lp.by_od}
    for od in res.flows.by_od:
        assert od["served_t"] == pytest.approx(lp_rows[od["id"]]["served_t"], rel=1e-6)
    # the SUE's flows fit the LP's capacities (to the gap), so they cost at least the optimum
    assert lp.objective <= res.total_cost * (1 + 1e-4)


def test_no_demand_is_an_empty_equilibrium() -> None:
    """No demand row (or none the model keeps): nothing to choose, nothing served, no crash."""
    from corridor.assignment.sue import stochastic_equilibrium
    from corridor.model import Demand

    res = stochastic_equilibrium(_two_routes(), Demand(()))
    assert res.converged
    assert (res.served, res.unserved, res.routes, res.prices) == (0.0, 0.0, (), ())


def test_a_binding_capacity_brings_back_a_pruned_route() -> None:
    """The capped route costs 2 USD/t, the other 30 (over 3 x the cheapest, pruned from the first set), theta 10.

    Column generation must bring the dear route back once the price makes it the cheapest:
    p = C2 - C1 + (C_ref / theta) ln((d - K) / K) = 28 + 0.2 ln(1/11) = 27.52042…  (it used to stay out:
    1 Mt unserved at a price of 9,997.5 USD/t against the unserved alternative).
    """
    net = network([("o", "a", 1.0, 0.0, 1.0), ("a", "d", 1.0, 0.0, 1.0),
                   ("o", "b", 15.0, 0.0, 1.0), ("b", "d", 15.0, 0.0, 1.0)], capacities={"o-a": 11.0})
    d, cap = 12e6, 11e6
    p = 28.0 + (2.0 / 10.0) * math.log((d - cap) / cap)
    res = solve(net, demand(("o", "d", d)), one_segment(10.0, 0.0), gap=1e-5)
    t = tonnes(res)
    assert t[R1] == pytest.approx(cap, rel=1e-5)
    assert t[R2] == pytest.approx(d - cap, rel=1e-4)
    assert res.unserved == pytest.approx(0.0, abs=1.0)
    (price,) = res.prices
    assert price["usd_per_unit"] == pytest.approx(p, rel=1e-4)


def test_prices_far_above_the_cheapest_cost_are_reached() -> None:
    """Found by Hypothesis. A (2 USD/t, capped 11 Mt) is the cheap route; B and C cross Russia and pay risk.

    Risk (value of time 0.1, reliability ratio 1): 20 + 0.1 x 0.3 x 72 + 0.1 x sqrt(0.21) x 72 = 25.4595 USD/t,
    so C_A = 2, C_B = 3 + 25.4595, C_C = 4 + 25.4595; theta 10 on C_ref = 2. Of 12.372125 Mt, A carries 11
    (full), B 1 (its o-n00 cap, full) and C the rest, 0.372125. C is unpriced, so against it:
    p_A = C_C - C_A + (C_ref / theta) ln(f_C / f_A) = 27.4595 + 0.2 ln(0.372125 / 11) = 26.7822,
    p_B = C_C - C_B + 0.2 ln(f_C / f_B) = 1 + 0.2 ln 0.372125 = 0.8023.
    The dual is linear in p_A over most of that way: the line search used to give up at p_A = 0.33,
    with A overflowed by 12 % (a ConvergenceWarning).
    """
    net = network([("o", "n00", 1.0, 0.0, 1.0), ("n00", "n01", 1.0, 0.0, 1.0), ("n01", "d", 1.0, 0.0, 1.0),
                   ("o", "n10", 1.0, 0.0, 1.0), ("n10", "d", 1.0, 0.0, 1.0),
                   ("o", "n20", 1.0, 0.0, 1.0), ("n20", "n21", 1.0, 0.0, 1.0), ("n21", "n22", 1.0, 0.0, 1.0),
                   ("n22", "d", 1.0, 0.0, 1.0)],
                  countries={"d": "CN", "n01": "RU", "n22": "RU"}, capacities={"n10-d": 11.0, "o-n00": 1.0})
    risk = RiskModel((RiskEntry(("RU",), premium_usd_per_t=20.0, p_delay=0.3, delay_h=72.0),))
    r = 20.0 + 0.1 * 0.3 * 72.0 + 0.1 * math.sqrt(0.3 * 0.7) * 72.0
    d = 12_372_125.0
    f = {"A": 11e6, "B": 1e6, "C": d - 12e6}
    c = {"A": 2.0, "B": 3.0 + r, "C": 4.0 + r}
    p_a = c["C"] - c["A"] + 0.2 * math.log(f["C"] / f["A"])
    p_b = c["C"] - c["B"] + 0.2 * math.log(f["C"] / f["B"])
    assert (p_a, p_b) == pytest.approx((26.7822, 0.8023), abs=1e-4)
    res = solve(net, demand(("o", "d", d)), one_segment(10.0, 0.1, reliability_ratio=1.0), risk=risk, gap=1e-6)
    t = tonnes(res)
    assert t[("o", "n10", "d")] == pytest.approx(f["A"], rel=1e-5)
    assert t[("o", "n00", "n01", "d")] == pytest.approx(f["B"], rel=1e-5)
    assert t[("o", "n20", "n21", "n22", "d")] == pytest.approx(f["C"], rel=1e-4)
    got = {q["id"]: q["usd_per_unit"] for q in res.prices}
    assert got == pytest.approx({"n10-d": p_a, "o-n00": p_b}, rel=1e-4)


def test_a_cost_common_to_every_route_flattens_the_logit() -> None:
    """theta is relative to the cheapest cost: a cost every route pays narrows the relative differences.

    Routes o-n-x-d (3 USD/t) and o-n-d (2), theta 0.5: share of the dearer 1 / (1 + e^(0.5 x 1/2)) = 0.43782;
    add 1 USD/t on o-n, which both use: 1 / (1 + e^(0.5 x 1/3)) = 0.45843 — the dearer route gains
    (by design; an absolute-scale logit would not move).
    """
    def net(first: float):
        return network([("o", "n", first, 0.0, 1.0), ("n", "x", 1.0, 0.0, 1.0), ("x", "d", 1.0, 0.0, 1.0),
                        ("n", "d", 1.0, 0.0, 1.0)])

    dear = ("o", "n", "x", "d")
    before = shares(solve(net(1.0), demand(("o", "d", 1e5)), one_segment(0.5, 0.0, path_size=0.0)))[dear]
    after = shares(solve(net(2.0), demand(("o", "d", 1e5)), one_segment(0.5, 0.0, path_size=0.0)))[dear]
    assert before == pytest.approx(1.0 / (1.0 + math.exp(0.5 / 2.0)), abs=1e-6)
    assert after == pytest.approx(1.0 / (1.0 + math.exp(0.5 / 3.0)), abs=1e-6)
    assert after > before
