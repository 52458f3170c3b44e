"""Route prices: the weights of the generalised cost are bounded so that no route's cost overflows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor import data
from corridor.exceptions import InputError
from corridor.model import Network
from corridor.model.costs import PRICE_LIMITS, unit_of
from corridor.routing import RouteOptions, plan_routes

PRICES = ("value_of_time", "carbon_price", "risk_price")
TOO_BIG = [math.inf, -math.inf, math.nan, 1e308, 10**400, -1.0]


@pytest.fixture(scope="module")
def net() -> Network:
    return data.load("eurasia").network


@pytest.mark.parametrize("name", PRICES)
@pytest.mark.parametrize("value", [*TOO_BIG, PRICE_LIMITS["carbon_price"][0] * (1 + 1e-9)])
def test_route_options_refuse_non_finite_and_huge_prices(name: str, value: float) -> None:
    with pytest.raises(InputError) as err:
        RouteOptions(**{name: value})
    (problem,) = err.value.problems
    assert problem.field == name
    assert repr(value) in problem.message
    assert "1,000,000" in problem.message  # the stated bound


@pytest.mark.parametrize("kind", ["country_risk", "link_risk"])
def test_risk_scores_are_bounded_too(kind: str) -> None:
    with pytest.raises(InputError) as err:
        RouteOptions(**{kind: {"RU": 1e308}})
    assert err.value.problems[0].field == f"{kind}[RU]"
    assert "1,000" in err.value.problems[0].message


def test_every_bad_price_is_reported_at_once() -> None:
    with pytest.raises(InputError) as err:
        RouteOptions(value_of_time=math.nan, carbon_price=1e308, risk_price=-1.0)
    assert [p.field for p in err.value.problems] == list(PRICES)


@given(st.sampled_from(PRICES), st.floats(allow_nan=True, allow_infinity=True) | st.integers())
def test_a_price_is_refused_or_its_weights_are_finite(name: str, value: float) -> None:
    limit = PRICE_LIMITS[name][0]
    if 0 <= value <= limit:
        assert np.isfinite(RouteOptions(**{name: value}).weights(40.0)).all()
    else:
        with pytest.raises(InputError) as err:
            RouteOptions(**{name: value})
        assert err.value.problems[0].field == name


def test_carbon_price_of_1e308_names_the_price_not_the_cargo(net: Network) -> None:
    """It used to overflow every cost to inf and end in "no chain of links and terminals that admit container"."""
    with pytest.raises(InputError, match="carbon_price"):
        plan_routes(net, "Xian", "Duisburg", by="generalized", carbon_price=1e308)


def test_prices_at_their_limits_give_a_finite_route(net: Network) -> None:
    top = {name: PRICE_LIMITS[name][0] for name in PRICES}
    risk = PRICE_LIMITS["risk_score"][0]
    rs = plan_routes(net, "Xian", "Duisburg", by="generalized", country_risk={"RU": risk, "KZ": risk}, **top)
    route = rs.routes[0]
    _, t_per_teu = unit_of(net, "container")
    # the definition: money + value of time × tonnes × hours + carbon price × kg / 1,000 + risk price × tonnes × risk
    expected = (route.cost_usd + top["value_of_time"] * t_per_teu * route.time_h
                + top["carbon_price"] * route.co2e_kg / 1000 + top["risk_price"] * t_per_teu * route.risk)
    assert math.isfinite(route.generalized_cost)
    assert route.generalized_cost == pytest.approx(expected, rel=1e-9)
