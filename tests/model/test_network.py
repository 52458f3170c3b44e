from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from corridor.exceptions import NodeNotFound
from corridor.model import Link, Network, Transfer


def test_network_is_immutable(tiny_network: Network) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny_network.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny_network.links[0].distance_km = 1.0  # type: ignore[misc]


def test_replace_returns_new_network(tiny_network: Network) -> None:
    edited = tiny_network.replace("west-mid", capacity_mtpa=1.0)
    assert edited.link("west-mid").capacity_mtpa == 1.0
    assert tiny_network.link("west-mid").capacity_mtpa == 10.0
    assert edited.replace("border-gauge", time_h=1.0).transfers[0].time_h == 1.0
    assert edited.replace("mid", name="Centre").node("Centre").id == "mid"
    with pytest.raises(KeyError):
        tiny_network.replace("nope", name="x")


def test_without_node_drops_its_links_and_transfers(tiny_network: Network) -> None:
    cut = tiny_network.without(["border"])
    assert "border" not in cut.node_index
    assert {lk.id for lk in cut.links} == {"west-mid", "mid-east-road"}
    assert {t.id for t in cut.transfers} == {"east-road-clear", "mid-rail-road"}  # those at other nodes stay
    assert len(tiny_network.links) == 4


def test_with_records_adds_and_replaces(tiny_network: Network) -> None:
    new = Link("west-east-sea", "west", "east", "sea", distance_km=5000.0, speed_kmh=25.0)
    net = tiny_network.with_links([new, dataclasses.replace(tiny_network.link("west-mid"), distance_km=1.0)])
    assert len(net.links) == 5
    assert net.link("west-mid").distance_km == 1.0


@pytest.mark.parametrize(("query", "expected"), [
    ("west", "west"), ("WEST PORT", "west"), ("westhaven", "west"), ("East City", "east"),
    ("ēast-city", "east"), ("border station", "border"),
])
def test_node_lookup_by_id_name_alias(tiny_network: Network, query: str, expected: str) -> None:
    assert tiny_network.node(query).id == expected


def test_unknown_node_suggests(tiny_network: Network) -> None:
    with pytest.raises(NodeNotFound) as err:
        tiny_network.node("Wets Port")
    assert err.value.suggestions[0] == "west"
    assert "did you mean" in str(err.value)
    with pytest.raises(NodeNotFound) as err:
        tiny_network.node("Atlantis")
    assert err.value.suggestions == []


def test_transfer_applies() -> None:
    gauge = Transfer("g", "n", "gauge-change", frozenset({"rail-1435"}), frozenset({"rail-1520"}))
    assert gauge.applies("rail-1435", "rail-1520")
    assert not gauge.applies("rail-1520", "rail-1520")
    assert not gauge.applies(None, "rail-1520")
    border = Transfer("b", "n", "border-clearance")
    assert border.applies("road", "road") and border.applies(None, None)


def test_compiled_arrays(tiny_network: Network) -> None:
    c = tiny_network.compile()
    assert c.n_nodes == 4
    assert c.n_arcs == 7  # three two-way links and one one-way road
    assert np.all(np.diff(c.tail) >= 0)
    for i in range(c.n_nodes):
        assert all(c.tail[a] == i for a in c.out_arcs(i))
    for a in range(c.n_arcs):
        lk = tiny_network.links[c.arc_link[a]]
        ends = (lk.b, lk.a) if c.arc_reverse[a] else (lk.a, lk.b)
        assert (c.node_ids[c.tail[a]], c.node_ids[c.head[a]]) == ends
        assert c.time_h[a] == pytest.approx(lk.distance_km / lk.speed_kmh)
    road = [a for a in range(c.n_arcs) if tiny_network.links[c.arc_link[a]].id == "mid-east-road"]
    assert len(road) == 1
    assert np.isinf(c.capacity_mtpa[road[0]])
    assert np.isnan(c.cost_usd_per_t).all()


def test_compiled_csr_matches_networkx(tiny_network: Network) -> None:
    nx = pytest.importorskip("networkx")
    from scipy.sparse.csgraph import dijkstra

    c = tiny_network.compile()
    dist = dijkstra(c.to_csr(c.distance_km), directed=True)
    g = nx.DiGraph()
    for a in range(c.n_arcs):
        u, v, w = c.node_ids[c.tail[a]], c.node_ids[c.head[a]], c.distance_km[a]
        if not g.has_edge(u, v) or g[u][v]["w"] > w:
            g.add_edge(u, v, w=w)
    ref = dict(nx.all_pairs_dijkstra_path_length(g, weight="w"))
    for i, u in enumerate(c.node_ids):
        for j, v in enumerate(c.node_ids):
            assert dist[i, j] == pytest.approx(ref[u].get(v, np.inf))


def test_network_pickles(tiny_network: Network) -> None:
    _ = tiny_network.node_index  # cached property present in __dict__
    again = pickle.loads(pickle.dumps(tiny_network))
    assert again == tiny_network
    assert again.link("west-mid").provenance == tiny_network.link("west-mid").provenance
