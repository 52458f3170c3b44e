"""Invariants of the stochastic user equilibrium on random small networks (issue 12, item 2)."""

from __future__ import annotations

import warnings
from collections import defaultdict

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.assignment.sue_nets import demand, network
from tests.strategies import datasets

from corridor.assignment.lp_graph import TOL
from corridor.assignment.sue import SUEOptions, stochastic_equilibrium
from corridor.exceptions import ConvergenceWarning
from corridor.model import Demand
from corridor.model.choice import ChoiceParameters
from corridor.model.risk import RiskEntry, RiskModel

GAP = 1e-4  # the default target
COUNTRIES = ["KZ", "RU", "AZ", "GE", "CN"]


@st.composite
def ladders(draw: st.DrawFn) -> tuple[list, dict[str, str], dict[str, float], Demand]:
    """Parallel chains from o (KZ) to d (CN) through random countries, a few cross links, random capacities.

    A chain may leave a country and come back (such routes must not be used).
    """
    money = st.floats(0.5, 50.0)
    hours = st.floats(0.0, 100.0)
    km = st.floats(1.0, 1000.0)
    links: list = []
    countries = {"o": "KZ", "d": "CN"}
    inner: list[str] = []
    for c in range(draw(st.integers(1, 4))):
        prev = "o"
        for k in range(draw(st.integers(1, 3))):
            n = f"n{c}{k}"
            countries[n] = draw(st.sampled_from(COUNTRIES))
            inner.append(n)
            links.append((prev, n, draw(money), draw(hours), draw(km)))
            prev = n
        links.append((prev, "d", draw(money), draw(hours), draw(km)))
    seen = {(a, b) for a, b, *_ in links}
    for a, b in draw(st.lists(st.tuples(st.sampled_from(inner), st.sampled_from(inner)), max_size=3)):
        if a != b and (a, b) not in seen and (b, a) not in seen:
            seen.add((a, b))
            links.append((a, b, draw(money), draw(hours), draw(km)))
    capped = draw(st.sets(st.sampled_from([f"{a}-{b}" for a, b, *_ in links]), max_size=3))
    caps = {lid: draw(st.floats(0.5, 20.0)) for lid in sorted(capped)}
    rows = [("o", "d", draw(st.floats(1e5, 3e7)))]
    if draw(st.booleans()):
        rows.append((draw(st.sampled_from(inner)), "d", draw(st.floats(1e5, 3e7))))
    return links, countries, caps, demand(*rows)


choices = st.builds(ChoiceParameters, theta=st.sampled_from([0.5, 3.0, 10.0, 40.0]),
                    path_size=st.sampled_from([0.0, 1.0]), vot_median=st.sampled_from([0.0, 0.1, 1.0]),
                    vot_sigma=st.sampled_from([0.0, 1.0]), segments=st.integers(1, 3),
                    reliability_ratio=st.sampled_from([0.0, 1.0]))
risks = st.sampled_from([RiskModel(), RiskModel((RiskEntry(("RU",), premium_usd_per_t=20.0, p_delay=0.3,
                                                           delay_h=72.0),))])


def _check_invariants(res, dem: Demand, gap: float) -> None:
    by_row = {r.id: r.tonnes for r in dem.rows}
    for od in res.flows.by_od:
        assert od["served_t"] + od["unserved_t"] == pytest.approx(by_row[od["id"]], rel=1e-9, abs=1e-6)
    assert res.served + res.unserved == pytest.approx(sum(by_row.values()), rel=1e-9, abs=1e-6)
    for c in res.flows.capacities:
        assert c["flow"] <= c["capacity"] * (1 + gap) + 1e-6, c
    share = defaultdict(float)
    served = defaultdict(float)
    for r in res.routes:
        assert r["tonnes"] >= 0.0
        if r["tonnes"] > 1e-9:
            assert len(set(r["countries"])) == len(r["countries"]), r["countries"]
            assert len(set(r["nodes"])) == len(r["nodes"]), r["nodes"]
        share[r["row"]] += r["share"]
        served[r["row"]] += r["tonnes"]
    for od in res.flows.by_od:
        # routes' shares and the unserved tonnes make up the row (the flow tables round unserved tonnes
        # under TOL x max(1, demand) off to 0, hence the tolerance)
        dem = od["demand_t"]
        assert share[od["id"]] * dem + od["unserved_t"] == pytest.approx(dem, abs=2 * TOL * max(1.0, dem))
        assert served[od["id"]] == pytest.approx(od["served_t"], abs=2 * TOL * max(1.0, dem))
        assert share[od["id"]] <= 1.0 + 1e-12


@given(ladders(), choices, risks)
def test_invariants_on_random_ladders(case, choice: ChoiceParameters, risk: RiskModel) -> None:
    links, countries, caps, dem = case
    res = stochastic_equilibrium(network(links, countries, caps), dem, SUEOptions(choice=choice, risk=risk, gap=GAP))
    assert res.converged, res.history
    assert res.gap <= GAP
    _check_invariants(res, dem, GAP)


@given(datasets())
def test_invariants_on_random_datasets(ds) -> None:
    """The generic random networks (any mode, tiny capacities, unreachable rows) keep the accounting."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = stochastic_equilibrium(ds.network, ds.demand, SUEOptions(gap=1e-4, max_rounds=10))
    if res.converged:
        _check_invariants(res, ds.demand, 1e-4)
    else:
        by_row = {r.id: r.tonnes for r in ds.demand.rows}
        for od in res.flows.by_od:
            assert od["served_t"] + od["unserved_t"] == pytest.approx(by_row[od["id"]], rel=1e-9, abs=1e-6)


def _raise_one_link(links: list, data: st.DataObject) -> tuple[list, str]:
    k = data.draw(st.integers(0, len(links) - 1))
    a, b, money, hrs, length = links[k]
    dearer = list(links)
    dearer[k] = (a, b, money + data.draw(st.floats(0.1, 100.0)), hrs, length)
    return dearer, f"{a}-{b}"


def _through(res, lid: str) -> dict:
    a, b = lid.split("-")
    return {(r["row"], tuple(r["nodes"])): r["tonnes"] for r in res.routes
            if any(x == a and y == b for x, y in zip(r["nodes"], r["nodes"][1:], strict=False))}


def _route_sets(res) -> dict[str, set[tuple[str, ...]]]:
    out: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for r in res.routes:
        out[r["row"]].add(tuple(r["nodes"]))
    return out


@given(ladders(), choices, st.data())
def test_a_dearer_route_never_gains_share(case, choice: ChoiceParameters, data: st.DataObject) -> None:
    """No capacity: raise the money cost of a link that only one route of a row uses; that route does not gain.

    Each (row, segment) is its own logit, U_k = -theta C_k / C_ref: raising C_k alone lowers k's share even
    when k is the cheapest route (C_ref rises with it, but (C_j - C_k) / C_k still falls). A link that
    several routes of the row share is another matter: see test_sue.py, a cost common to all routes
    flattens the logit.
    """
    links, countries, _caps, dem = case
    opts = SUEOptions(choice=choice, gap=1e-6)
    base = stochastic_equilibrium(network(links, countries), dem, opts)
    dearer, lid = _raise_one_link(links, data)
    res = stochastic_equilibrium(network(dearer, countries), dem, opts)
    before, after = _through(base, lid), _through(res, lid)
    sets0, sets1 = _route_sets(base), _route_sets(res)
    for row in sets0.keys() & sets1.keys():
        mine = [key for key in before if key[0] == row]
        if sets0[row] != sets1[row] or len(mine) != 1:
            continue
        (key,) = mine
        assert after[key] <= before[key] * (1 + 1e-9) + 1e-6, key


@given(ladders(), choices.map(lambda c: c.with_values({"segments": 1})), st.data())
def test_a_dearer_link_never_gains_flow_under_capacities(case, choice: ChoiceParameters,
                                                         data: st.DataObject) -> None:
    """One row, one segment, hard capacities: raising a link's cost never raises its flow."""
    links, countries, caps, dem = case
    dem = Demand(dem.rows[:1])
    opts = SUEOptions(choice=choice, gap=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        base = stochastic_equilibrium(network(links, countries, caps), dem, opts)
        dearer, lid = _raise_one_link(links, data)
        res = stochastic_equilibrium(network(dearer, countries, caps), dem, opts)
    assume(base.converged and res.converged)
    tol = 1e-5 * dem.rows[0].tonnes
    assert res.flows.link_flow(lid) <= base.flows.link_flow(lid) + tol
