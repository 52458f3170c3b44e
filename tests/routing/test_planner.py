from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from tests.strategies import networks

from corridor import data
from corridor.exceptions import InputError, NodeNotFound
from corridor.model import MODES, Network
from corridor.routing import NoRoute, plan_routes


@pytest.fixture(scope="module")
def net() -> Network:
    return data.load("eurasia").network


def _dominated(a: dict, b: dict, keys: tuple[str, ...]) -> bool:
    return all(b[k] <= a[k] for k in keys) and any(b[k] < a[k] for k in keys)


def test_pareto_set_is_non_dominated(net: Network) -> None:
    rs = plan_routes(net, "Xian", "Istanbul", pareto=True)
    assert len(rs.routes) > 1 and rs.complete
    keys = ("cost_usd", "time_h", "co2e_kg", "risk")
    rows = [{k: getattr(r, k) for k in keys} for r in rs.routes]
    for a in rows:
        assert not any(_dominated(a, b, keys) for b in rows if b is not a)
    assert list(rs.to_frame().columns[:4]) == ["route", "distance_km", "time_h", "cost_usd"]


def test_pareto_cap_is_reported(net: Network) -> None:
    full = plan_routes(net, "Xian", "Istanbul", pareto=True)
    rs = plan_routes(net, "Xian", "Istanbul", pareto=True, max_labels=60)
    assert not rs.complete
    assert "stopped after 60 labels" in rs.message
    assert 0 < len(rs.routes) <= len(full.routes)
    with pytest.raises(NoRoute, match="raise max_labels"):
        plan_routes(net, "Xian", "Istanbul", pareto=True, max_labels=1)
    with pytest.raises(NoRoute, match="raise max_seconds"):
        plan_routes(net, "Xian", "Istanbul", pareto=True, max_seconds=0.0)
    coarse = plan_routes(net, "Xian", "Istanbul", pareto=True, epsilon=0.1)
    assert coarse.complete and 0 < len(coarse.routes) < len(full.routes)
    with pytest.raises(InputError, match="epsilon"):
        plan_routes(net, "Xian", "Istanbul", pareto=True, epsilon=-1.0)


@pytest.mark.parametrize("country", ["RU", "KZ", "GE"])
def test_avoided_country_is_never_entered(net: Network, country: str) -> None:
    rs = plan_routes(net, "Xian", "Duisburg", k=3, avoid_countries=[country])
    for r in rs.routes:
        assert country not in r.countries
        assert all(net.node(n).country != country for n in r.nodes)


def test_avoid_nodes_links_modes_and_via(net: Network) -> None:
    rs = plan_routes(net, "Almaty", "Poti", avoid_nodes=["Kuryk"], avoid_links=["aktau-alat-ferry"],
                     modes=["rail-1520", "rail-1435", "feeder", "sea"], via=["Aktau", "Tbilisi"], by="time")
    r = rs.routes[0]
    assert "kuryk" not in r.nodes
    assert all(leg.link != "aktau-alat-ferry" for leg in r.legs)
    assert {leg.mode for leg in r.legs} <= {"rail-1520", "rail-1435", "feeder", "sea"}
    assert r.nodes.index("aktau") < r.nodes.index("tbilisi")
    assert "feeder" in r.modes


def test_max_transfers(net: Network) -> None:
    r = plan_routes(net, "Xian", "Duisburg", max_transfers=2).routes[0]
    changes = sum(a.mode != b.mode for a, b in zip(r.legs, r.legs[1:], strict=False))
    assert changes <= 2


def test_cargo_admissibility(net: Network) -> None:
    oil = plan_routes(net, "Atyrau", "Novorossiysk", cargo="oil", by="cost").routes[0]
    assert "pipeline" in oil.modes
    grain = plan_routes(net, "Atyrau", "Novorossiysk", cargo="grain", by="cost").routes[0]
    assert "pipeline" not in grain.modes
    with pytest.raises(NoRoute) as err:
        plan_routes(net, "Aktau", "Baku", cargo="coal", modes=["feeder"])
    assert "coal" in str(err.value) or err.value.constraint in ("avoid_modes", "cargo")


def test_no_route_names_the_constraint(net: Network) -> None:
    with pytest.raises(NoRoute) as err:
        plan_routes(net, "Almaty", "Istanbul", avoid_countries=["KZ"])
    assert err.value.constraint == "avoid_countries" and "Almaty" in str(err.value)
    with pytest.raises(NoRoute) as err:
        plan_routes(net, "Almaty", "Baku", modes=["road"])
    assert err.value.constraint == "avoid_modes"
    with pytest.raises(NoRoute) as err:
        plan_routes(net, "Almaty", "Istanbul", via=["Bandar Abbas"], avoid_countries=["IR"])
    assert err.value.constraint == "avoid_countries"


def test_k_alternatives_are_loopless_distinct_and_ordered(net: Network) -> None:
    rs = plan_routes(net, "Almaty", "Duisburg", k=4, by="time")
    times = [r.time_h for r in rs.routes]
    assert times == sorted(times)
    assert len({r.nodes for r in rs.routes}) == len(rs.routes) == 4
    for r in rs.routes:
        assert len(set(r.nodes)) == len(r.nodes)


def test_best_never_worse_than_dijkstra_on_walks(net: Network) -> None:
    """Without transfers, the best time equals scipy's Dijkstra; with them it can only be longer."""
    from scipy.sparse.csgraph import dijkstra

    c = net.compile()
    dist = dijkstra(c.to_csr(c.time_h), indices=c.node_index["altynkol"])
    r = plan_routes(net, "Altynkol", "Baku", by="time").routes[0]
    running = sum(leg.time_h for leg in r.legs)
    assert running >= dist[c.node_index["baku"]] - 1e-9


def test_itinerary_and_profile(net: Network) -> None:
    r = plan_routes(net, "Dostyk", "Poti", by="time").routes[0]
    d = r.to_dict()
    for key in ("nodes", "legs", "countries", "distance_km", "time_h", "cost_usd", "co2e_kg", "risk",
                "border_crossings", "profile", "stops"):
        assert key in d
    assert d["countries"] == ["KZ", "AZ", "GE"]
    assert d["time_h"] == pytest.approx(sum(x["time_h"] for x in d["legs"]) + sum(s["time_h"] for s in d["stops"]),
                                        abs=0.01)
    prof = d["profile"]
    assert prof[-1]["distance_km"] == pytest.approx(r.distance_km)
    assert prof[-1]["time_h"] == pytest.approx(r.time_h)
    assert all(b["time_h"] >= a["time_h"] and b["distance_km"] >= a["distance_km"]
               for a, b in itertools.pairwise(prof))
    steps = [p for p in prof if p["event"] in ("port-handling", "border-clearance")]
    assert steps, "waiting at ports and borders shows as vertical steps"
    frame = r.to_frame()
    assert frame["cum_time_h"].iloc[-1] == pytest.approx(r.time_h)
    gj = r.to_geojson()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == len(r.legs) + len(r.stops)
    json.dumps(gj, allow_nan=False)


def test_bad_requests(net: Network) -> None:
    with pytest.raises(NodeNotFound, match="did you mean 'aktau'"):
        plan_routes(net, "Aktu", "Poti")
    with pytest.raises(InputError, match="value_of_time"):
        plan_routes(net, "Aktau", "Poti", value_of_time=-1)
    with pytest.raises(InputError, match="unknown mode"):
        plan_routes(net, "Aktau", "Poti", modes=["hovercraft"])
    with pytest.raises(InputError, match="unknown commodity"):
        plan_routes(net, "Aktau", "Poti", cargo="gold")
    with pytest.raises(InputError, match="same place"):
        plan_routes(net, "Aktau", "aktau")
    with pytest.raises(InputError, match="criterion"):
        plan_routes(net, "Aktau", "Poti", by="beauty")


def test_generalized_cost_weights(net: Network) -> None:
    cheap = plan_routes(net, "Xian", "Duisburg", by="generalized").routes[0]
    fast = plan_routes(net, "Xian", "Duisburg", by="generalized", value_of_time=5.0).routes[0]
    assert fast.time_h < cheap.time_h
    tpu = cheap.tonnes_per_unit
    w = np.array([1.0, 5.0 * tpu, 0.0, 0.0])
    assert fast.generalized_cost == pytest.approx(float(w @ [fast.cost_usd, fast.time_h, 0, 0]), rel=1e-6)
    assert float(w @ [fast.cost_usd, fast.time_h, 0, 0]) <= float(w @ [cheap.cost_usd, cheap.time_h, 0, 0])


@st.composite
def _requests(draw: st.DrawFn) -> tuple[Network, str, str, dict]:
    network = draw(networks(min_nodes=3, max_nodes=8))
    ids = [n.id for n in network.nodes]
    o = draw(st.sampled_from(ids))
    d = draw(st.sampled_from([i for i in ids if i != o]))
    others = [i for i in ids if i not in (o, d)]
    kw = {
        "avoid_countries": draw(st.sets(st.sampled_from(["KZ", "AZ", "GE", "CN"]), max_size=1)),
        "avoid_nodes": draw(st.sets(st.sampled_from(others), max_size=1)) if others else set(),
        "modes": draw(st.none() | st.sets(st.sampled_from(MODES), min_size=1)),
        "via": draw(st.lists(st.sampled_from(others), max_size=1, unique=True)) if others else [],
        "max_transfers": draw(st.none() | st.integers(0, 2)),
        "k": draw(st.integers(1, 3)),
        "by": draw(st.sampled_from(["time", "cost", "generalized"])),
        "cargo": draw(st.sampled_from(["container", "container", "coal"])),
    }
    return network, o, d, kw


@given(_requests(), st.booleans())
def test_every_constraint_holds_on_every_route(request: tuple[Network, str, str, dict], pareto: bool) -> None:
    network, o, d, kw = request
    try:
        rs = plan_routes(network, o, d, pareto=pareto, **kw)
    except NoRoute:
        event("no route")
        return
    event("routes")
    for r in rs.routes:
        nodes = [network.node(n) for n in r.nodes]
        assert r.nodes[0] == o and r.nodes[-1] == d
        assert len(set(r.nodes)) == len(r.nodes)
        assert not {n.country for n in nodes} & set(kw["avoid_countries"])
        assert not {leg.country for leg in r.legs} & set(kw["avoid_countries"])
        assert not set(r.nodes) & set(kw["avoid_nodes"])
        if kw["modes"] is not None:
            assert {leg.mode for leg in r.legs} <= kw["modes"]
        assert {leg.mode for leg in r.legs} <= network.commodity_index[kw["cargo"]].modes
        for v in kw["via"]:
            assert v in r.nodes
        if kw["max_transfers"] is not None:
            assert sum(a.mode != b.mode for a, b in itertools.pairwise(r.legs)) <= kw["max_transfers"]
