"""The LP per time slice: capacities x share x factor x (1 - closure), demand x share, year = sum of slices."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.assignment.lp import FreightLP
from corridor.assignment.slices import solve_slices
from corridor.exceptions import InputError
from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
from corridor.model.slices import SliceFactor, SliceSet, TimeSlice

COMS = (Commodity("grain", "Grain", "t", None, frozenset({"road"})),
        Commodity("coal", "Coal", "t", None, frozenset({"road"})))


def _net(cap: float = 100.0) -> Network:
    nodes = (Node("a", "A", "KZ", "city", 70.0, 45.0), Node("b", "B", "KZ", "city", 71.0, 45.0))
    links = (Link("ab", "a", "b", "road", distance_km=100.0, speed_kmh=50.0, cost_usd_per_t=10.0,
                  capacity_mtpa=cap / 1e6, oneway=True),)
    return Network("t", nodes, links, commodities=COMS)


def _demand(grain: float = 80.0, coal: float = 0.0) -> Demand:
    rows = [DemandRow("g", "a", "b", "grain", 2021, grain)]
    if coal:
        rows.append(DemandRow("c", "a", "b", "coal", 2021, coal))
    return Demand(tuple(rows))


def _halves(closure: float = 0.5, grain: tuple[float, float] | None = None) -> SliceSet:
    f2: tuple[SliceFactor, ...] = (SliceFactor("closure", "id=ab", closure),)
    f1: tuple[SliceFactor, ...] = ()
    if grain is not None:
        f1 += (SliceFactor("demand", "grain", grain[0]),)
        f2 += (SliceFactor("demand", "grain", grain[1]),)
    return SliceSet("halves", (TimeSlice("h1", "H1", (1, 2, 3, 4, 5, 6), 0.5, f1),
                               TimeSlice("h2", "H2", (7, 8, 9, 10, 11, 12), 0.5, f2)))


def _cap(res: object, slice_index: int) -> float:
    rows = res.slices[slice_index].result.capacities  # type: ignore[attr-defined]
    return next(c["capacity"] for c in rows if c["id"] == "ab" and c["unit"] == "t/yr")


def test_a_closure_probability_of_half_halves_the_slice_capacity() -> None:
    # 100 t/yr; each half year gets 50 t; the closed half 50 x (1 - 0.5) = 25 t. Demand 80 t/yr: 40 t a half.
    res = solve_slices(_net(), _demand(), _halves())
    assert _cap(res, 0) == pytest.approx(50.0)
    assert _cap(res, 1) == pytest.approx(25.0)
    assert res.slices[0].result.served_t == pytest.approx(40.0)
    assert res.slices[1].result.served_t == pytest.approx(25.0)
    assert res.slices[1].result.unserved_t == pytest.approx(15.0)
    assert res.served_t == pytest.approx(65.0)
    assert res.unserved_t == pytest.approx(15.0)
    year = next(c for c in res.capacities if c["id"] == "ab" and c["unit"] == "t/yr")
    assert year["capacity"] == pytest.approx(75.0)
    assert year["flow"] == pytest.approx(65.0)


def test_year_value_of_capacity_weighs_each_slice() -> None:
    # Only the closed half binds: one more t/yr of annual capacity gives it 0.5 x 0.5 t, each worth
    # the unserved penalty less the route's 10 USD/t.
    res = solve_slices(_net(), _demand(), _halves(), unserved_penalty_usd_per_t=1000.0)
    dual_h2 = next(c["usd_per_unit"] for c in res.slices[1].result.capacities if c["unit"] == "t/yr")
    assert dual_h2 == pytest.approx(990.0)
    year = next(c for c in res.capacities if c["unit"] == "t/yr")
    assert year["usd_per_unit"] == pytest.approx(990.0 * 0.25)
    assert res.bottlenecks[0]["id"] == "ab"


def test_demand_shares_by_commodity() -> None:
    # grain moves 20 % in H1 and 80 % in H2; coal evenly
    res = solve_slices(_net(1e9), _demand(100.0, 60.0), _halves(0.0, (0.2, 0.8)))
    h1, h2 = (s.result.by_commodity for s in res.slices)
    assert h1["grain"]["demand_t"] == pytest.approx(20.0)
    assert h2["grain"]["demand_t"] == pytest.approx(80.0)
    assert h1["coal"]["demand_t"] == pytest.approx(30.0)
    assert res.by_commodity["grain"]["served_t"] == pytest.approx(100.0)
    assert res.link_flow("ab") == pytest.approx(160.0)


def test_demand_shares_must_sum_to_one() -> None:
    with pytest.raises(InputError) as e:
        solve_slices(_net(), _demand(), _halves(0.0, (0.2, 0.7)))
    assert "grain" in str(e.value)
    assert any(p.field == "value" for p in e.value.problems)


def test_unknown_commodity_and_empty_selector_are_errors() -> None:
    bad = SliceSet("s", (TimeSlice("y", "Year", (1,), 1.0, (SliceFactor("demand", "sand", 1.0),
                                                             SliceFactor("closure", "mode=feeder", 0.1))),))
    with pytest.raises(InputError) as e:
        solve_slices(_net(), _demand(), bad)
    fields = sorted(p.field for p in e.value.problems)
    assert fields == ["select", "select"]


def test_model_is_left_as_found() -> None:
    lp = FreightLP.build(_net(), _demand())
    before = lp.solve()
    solve_slices(_net(), _demand(), _halves(), lp=lp)
    after = lp.solve()
    assert after.served_t == pytest.approx(before.served_t) == pytest.approx(80.0)
    assert next(c["capacity"] for c in after.capacities if c["unit"] == "t/yr") == pytest.approx(100.0)


@settings(max_examples=25, deadline=None)
@given(shares=st.lists(st.integers(1, 20), min_size=1, max_size=5),
       closures=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
       cap=st.floats(1.0, 500.0), grain=st.floats(0.0, 400.0), coal=st.floats(0.0, 400.0))
def test_year_is_the_sum_of_the_slices(shares: list[int], closures: list[float], cap: float, grain: float,
                                       coal: float) -> None:
    total = sum(shares)
    slices = SliceSet("s", tuple(TimeSlice(f"s{i}", f"S{i}", (1,), w / total,
                                           (SliceFactor("closure", "mode=road", closures[i]),))
                                 for i, w in enumerate(shares)))
    res = solve_slices(_net(cap), _demand(grain, coal), slices)
    for key in ("demand_t", "served_t", "unserved_t", "total_cost", "tonne_km"):
        assert getattr(res, key) == pytest.approx(math.fsum(getattr(s.result, key) for s in res.slices), abs=1e-6)
    assert res.demand_t == pytest.approx(grain + coal, abs=1e-6)
    for i, s in enumerate(res.slices):
        limit = cap * s.share * (1 - closures[i])
        assert s.result.link_flow("ab") <= limit + 1e-6
        assert s.result.served_t == pytest.approx(min(limit, (grain + coal) * s.share), abs=1e-6)


def test_the_year_sums_the_physical_measures_of_its_slices() -> None:
    import corridor

    a = corridor.assign(corridor.load(), slices="monthly", value_of_time=0.12)
    year = a.to_dict()["measures"]
    slices = [s.result.measures for s in a.result.slices]
    for k in ("served_t", "titr_t", "russia_t", "kz_transit_teu"):
        assert year[k] == pytest.approx(sum(m[k] for m in slices))
        assert 0.0 <= year[k] <= year["served_t"] * (1 + 1e-9) or k == "kz_transit_teu"
    assert sum(r["tonnes"] for r in year["by_corridor"]) == pytest.approx(year["served_t"])
