"""Borders and mode changes in the built-in eurasia data (issue 11: "borders can be skipped")."""

from __future__ import annotations

import itertools

import pytest

from corridor import data
from corridor.model import Network, Status
from corridor.model.passage import border_gaps
from corridor.routing import plan_routes

LAND = ["rail-1435", "rail-1520", "road", "rail-ferry", "feeder"]
KZ_CN = {"dostyk", "altynkol", "nur-zholy"}


@pytest.fixture(scope="module")
def net() -> Network:
    return data.load("eurasia").network


@pytest.mark.parametrize("by", ["time", "cost"])
@pytest.mark.parametrize(("origin", "dest"), [("xian", "duisburg"), ("xian", "istanbul"), ("duisburg", "xian")])
def test_best_china_europe_routes_pass_the_gauge_change_and_the_kazakh_border(net: Network, by: str, origin: str,
                                                                               dest: str) -> None:
    routes = plan_routes(net, origin, dest, by=by, k=3, modes=LAND).routes
    best = {(s.node, s.kind) for s in routes[0].stops}
    assert any({(n, "gauge-change"), (n, "border-clearance")} <= best for n in ("dostyk", "altynkol"))
    for route in routes:  # and none of the next ones enters Kazakhstan without a border process
        stops = {(s.node, s.kind) for s in route.stops}
        assert {n for n, kind in stops if kind == "border-clearance"} & KZ_CN
        if ("nur-zholy", "border-clearance") in stops:  # by truck: unloaded and reloaded on both sides
            assert {("khorgos", "transshipment"), ("altynkol", "transshipment")} <= stops


@pytest.mark.parametrize("by", ["time", "cost"])
def test_the_khorgos_road_is_no_free_change_of_gauge(net: Network, by: str) -> None:
    """Ürümqi to Karaganda avoiding Dostyk: by rail or by truck, the gauge changes at Altynkol with a transfer."""
    route = plan_routes(net, "urumqi", "karaganda", by=by, modes=["rail-1435", "rail-1520", "road"],
                        avoid_nodes=["dostyk"]).routes[0]
    for i, (a, b) in enumerate(itertools.pairwise(route.legs)):
        if a.mode != b.mode:
            assert {s.kind for s in route.stops if s.after_leg == i} & {"gauge-change", "transshipment"}
    assert {(s.node, s.kind) for s in route.stops} & {("altynkol", "gauge-change"), ("altynkol", "transshipment")}


def test_every_crossing_in_the_data_has_its_clearance(net: Network) -> None:
    ds = data.load("eurasia")
    ends = {n for r in ds.demand.rows for n in (r.origin, r.destination)}
    assert list(border_gaps(net, ends)) == []


@pytest.mark.parametrize("node", ["petukhovo", "troitsk", "iletsk", "aksaraiskaya"])
def test_kazakh_russian_rail_borders_take_time_from_the_carec_average(net: Network, node: str) -> None:
    (t,) = [t for t in net.transfers_at[node] if t.kind == "border-clearance"]
    assert t.time_h == pytest.approx(57.2)
    assert t.provenance["time_h"].status is Status.ESTIMATE  # an average applied to one crossing
    assert not t.from_modes and not t.to_modes
    countries = {lk.country for lk in net.links if node in (lk.a, lk.b)}
    assert countries == {"KZ", "RU"}  # the border node joins a Kazakh and a Russian link


def test_the_khorgos_road_crossing_has_a_clearance_and_a_capacity(net: Network) -> None:
    (t,) = net.transfers_at["nur-zholy"]
    assert t.kind == "border-clearance" and t.time_h > 0
    assert t.capacity_teu == pytest.approx(50 * 365 * 2)  # 50 trucks a day in 2021 (INM21), one FEU each
    assert {lk.country for lk in net.links if "nur-zholy" in (lk.a, lk.b)} == {"CN", "KZ"}


def test_azerbaijan_georgia_border_takes_time(net: Network) -> None:
    (t,) = [t for t in net.transfers_at["beyuk-kesik"] if t.kind == "border-clearance"]
    assert t.time_h > 0
    route = plan_routes(net, "baku", "tbilisi", by="time").routes[0]
    assert ("beyuk-kesik", "border-clearance") in {(s.node, s.kind) for s in route.stops}
