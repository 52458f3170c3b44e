"""The OpenStreetMap import: every rule on small extracts written with pyosmium's writer."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.io.osm_pbf import TIMESTAMP, scene, write_pbf

from corridor.exceptions import InputError
from corridor.io._osm_geo import haversine_km, polyline_km
from corridor.io._osm_graph import simplify
from corridor.io.osm import OsmImport, OsmOptions, import_osm
from corridor.io.osm_merge import merge_osm
from corridor.model import Dataset, Link, Network, Node, validate_network

KZ = OsmOptions(countries=("KZ",))


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scene(tmp_path_factory.mktemp("osm") / "scene.osm.pbf")


@pytest.fixture(scope="module")
def both(extract: Path) -> OsmImport:
    return import_osm(extract)


@pytest.fixture(scope="module")
def kz(extract: Path) -> OsmImport:
    return import_osm(extract, KZ)


def _link(net: Network, a: str, b: str) -> Link:
    return next(lk for lk in net.links if {lk.a, lk.b} == {a, b})


def test_gauge_gives_mode(both: OsmImport) -> None:
    net = both.dataset.network
    assert _link(net, "alpha", "osm-n3").mode == "rail-1520"
    assert _link(net, "border-kz-cn-w12", "gamma").mode == "rail-1435"
    assert both.gauges_km["1067 (skipped)"] == pytest.approx(float(haversine_km(71.0, 48.5, 71.5, 48.5)), abs=1e-3)


def test_dual_and_untagged_gauge(tmp_path: Path) -> None:
    nodes = {1: (70.0, 45.0, {"railway": "station", "name": "A"}), 2: (70.5, 45.0, {}),
             3: (71.0, 45.0, {"railway": "station", "name": "B"})}
    ways = {10: ([1, 2], {"railway": "rail", "gauge": "1435;1520"}), 11: ([2, 3], {"railway": "rail"})}
    path = write_pbf(tmp_path / "dual.osm.pbf", nodes, ways)
    net = import_osm(path, OsmOptions(countries=("KZ",), default_gauge="1435")).dataset.network
    dual = sorted(lk.mode for lk in net.links if "a" in (lk.a, lk.b))
    assert dual == ["rail-1435", "rail-1520"]
    assert [lk.mode for lk in net.links if "b" in (lk.a, lk.b)] == ["rail-1435"]
    # the 1520 of the dual track ends at the junction where the untagged (1435) way begins
    assert {t.kind for t in net.transfers} == {"gauge-change"}


def test_electrification_and_tracks_in_note(both: OsmImport) -> None:
    net = both.dataset.network
    electric = _link(net, "alpha", "osm-n3")
    assert "electrified=contact_line 158.7 km" in electric.note and "tracks=2 158.7 km" in electric.note
    assert "voltage=25000" in electric.note and electric.link_type == "rail usage=main"
    plain = _link(net, "osm-n3", "epsilon")
    assert "electrified=no" in plain.note and "tracks=1" in plain.note
    assert _link(net, "osm-n3", "delta-port").link_type == "rail usage=branch"


def test_maxspeed_lowers_the_assumed_speed(tmp_path: Path) -> None:
    """A stretch tagged below the assumed freight speed runs at its maxspeed; time is summed stretch by stretch."""
    nodes = {1: (70.0, 45.0, {"railway": "station", "name": "A"}), 2: (70.5, 45.0, {}), 3: (71.0, 45.0, {}),
             4: (71.5, 45.0, {"railway": "station", "name": "B"}),
             5: (70.0, 46.0, {"railway": "station", "name": "C"}), 6: (70.0, 46.5, {"railway": "station", "name": "D"})}
    ways = {10: ([1, 2], {"railway": "rail", "maxspeed": "40"}), 11: ([2, 3], {"railway": "rail", "maxspeed": "120"}),
            12: ([3, 4], {"railway": "rail", "maxspeed": "25 mph"}), 13: ([1, 5], {"railway": "rail"}),
            14: ([5, 6], {"railway": "rail", "maxspeed": "signals"})}
    result = import_osm(write_pbf(tmp_path / "speed.osm.pbf", nodes, ways), KZ)
    net = result.dataset.network
    ab = _link(net, "a", "b")
    legs = [float(haversine_km(70.0 + k / 2, 45.0, 70.5 + k / 2, 45.0)) for k in range(3)]
    hours = legs[0] / 40.0 + legs[1] / KZ.speed_kmh + legs[2] / (25 * 1.609344)
    assert ab.speed_kmh == pytest.approx(sum(legs) / hours, abs=1e-3)
    assert ab.provenance["speed_kmh"].status.value == "derived"
    assert "maxspeed=40" in ab.note and "maxspeed=25 mph" in ab.note
    for plain in (_link(net, "a", "c"), _link(net, "c", "d")):  # untagged, or not a number: the assumption
        assert plain.speed_kmh == KZ.speed_kmh and plain.provenance["speed_kmh"].status.value == "assumption"
    assert validate_network(net, strict=False) == []
    assert net.sources["M-OSM-SPEED"].kind == "method"


def test_places_become_nodes(both: OsmImport) -> None:
    net = both.dataset.network
    kinds = {n.id: n.kind for n in net.nodes}
    assert kinds["alpha"] == kinds["beta"] == kinds["gamma"] == kinds["epsilon"] == "rail-terminal"
    assert kinds["delta-port"] == "seaport" and kinds["osm-n3"] == "junction"
    alpha = net.node("Alpha")
    assert alpha.name == "Alpha" and set(alpha.aliases) == {"Алфа", "Alpha Yard"}  # name:en first, yard merged
    assert (net.node("epsilon").lon, net.node("epsilon").lat) == (76.0, 45.0072)  # off the track, snapped
    assert "halt-two" not in kinds and not any("Halt" in n.name for n in net.nodes)
    assert [u["name"] for u in both.unplaced] == ["Far Away"]


def test_skipped_ways_counted(both: OsmImport) -> None:
    assert both.skipped_ways == {"railway=abandoned": 1, "service=siding": 1, "usage=tourism": 1, "disused=yes": 1}


def test_service_tracks_kept_on_request(extract: Path) -> None:
    kept = import_osm(extract, OsmOptions(keep_service=True))
    assert "service=siding" not in kept.skipped_ways
    assert len(kept.dataset.network.links) > len(import_osm(extract).dataset.network.links)


def test_chains_merged_with_length_kept(both: OsmImport) -> None:
    net = both.dataset.network
    assert not any(n.id in ("osm-n2", "osm-n4", "osm-n20") for n in net.nodes)  # degree-2 vertices are gone
    pts = [(72.0, 45.0), (73.0, 45.1), (74.0, 45.0)]
    assert _link(net, "alpha", "osm-n3").distance_km == pytest.approx(polyline_km(pts), abs=1e-3)
    assert sum(lk.distance_km for lk in net.links) == pytest.approx(both.stats["track_km"], abs=0.01)
    assert both.stats["track_km"] == pytest.approx(both.gauges_km["1520"] + both.gauges_km["1435"], abs=0.01)


def test_junction_kept(both: OsmImport) -> None:
    net = both.dataset.network
    degree = sum(1 for lk in net.links if "osm-n3" in (lk.a, lk.b))
    assert degree == 3


def test_border_crossing_on_boundary(both: OsmImport) -> None:
    net = both.dataset.network
    border = net.node("border-kz-cn-w12")
    assert border.kind == "border" and border.lon == pytest.approx(80.0, abs=1e-6) and border.lat == 45.0
    assert border.provenance["coords"].source == "OSM+M-OSM-BORDER"
    assert [t.kind for t in net.transfers_at[border.id]] == ["border-clearance"]
    assert both.stats["border_crossings"] == 1


def test_countries_assigned(both: OsmImport) -> None:
    net = both.dataset.network
    assert net.node("gamma").country == "CN" and net.node("beta").country == "KZ"
    assert _link(net, "border-kz-cn-w12", "gamma").country == "CN"
    assert _link(net, "beta", "border-kz-cn-w12").country == "KZ"


def test_country_option_cuts_at_border(kz: OsmImport) -> None:
    net = kz.dataset.network
    assert {n.country for n in net.nodes} == {"KZ"} and "gamma" not in net.node_index
    assert net.node("border-kz-cn-w12").kind == "border"


def test_gauge_change_where_a_gauge_ends(both: OsmImport) -> None:
    at_beta = both.dataset.network.transfers_at["beta"]
    assert sorted((sorted(t.from_modes), sorted(t.to_modes)) for t in at_beta) == [
        (["rail-1435"], ["rail-1520"]), (["rail-1520"], ["rail-1435"])]


def test_valid_with_sources(both: OsmImport, kz: OsmImport) -> None:
    for result in (both, kz):
        net = result.dataset.network
        assert validate_network(net, strict=False) == []
    net = both.dataset.network
    assert TIMESTAMP in net.sources["OSM"].note and "ODbL" in net.sources["OSM"].note
    lk = net.links[0]
    assert lk.provenance["distance_km"].status.value == "measured"
    assert lk.provenance["speed_kmh"].source == "ASSUME-OSM-SPEED"
    assert net.sources["ASSUME-OSM-SPEED"].kind == "assumption"


def test_fallback_border_nodes_without_boundaries(tmp_path: Path) -> None:
    result = import_osm(scene(tmp_path / "noboundary.osm.pbf", boundaries=False), KZ)
    net = result.dataset.network
    border = net.node("border-n6")
    assert border.kind == "border" and net.transfers_at["border-n6"][0].kind == "border-clearance"
    assert {n.country for n in net.nodes} == {"KZ"} and result.stats["border_crossings"] == 0
    assert validate_network(net, strict=False) == []


def test_loop_line_split(tmp_path: Path) -> None:
    nodes = {i: (70.0 + np.cos(i) / 10, 45.0 + np.sin(i) / 10, {}) for i in range(1, 7)}
    ways = {10: ([1, 2, 3, 4, 5, 6, 1], {"railway": "rail"})}
    net = import_osm(write_pbf(tmp_path / "loop.osm.pbf", nodes, ways), KZ).dataset.network
    assert len(net.links) == 2 and all(lk.a != lk.b for lk in net.links)
    ring = [(70.0 + np.cos(i) / 10, 45.0 + np.sin(i) / 10) for i in (1, 2, 3, 4, 5, 6, 1)]
    assert sum(lk.distance_km for lk in net.links) == pytest.approx(polyline_km(ring), abs=1e-3)


def test_disconnected_parts_reported(tmp_path: Path) -> None:
    nodes = {1: (70.0, 45.0, {}), 2: (70.5, 45.0, {}), 3: (70.9, 45.0, {}), 4: (75.0, 45.0, {}), 5: (75.1, 45.0, {})}
    ways = {10: ([1, 2, 3], {"railway": "rail"}), 11: ([4, 5], {"railway": "rail"})}
    result = import_osm(write_pbf(tmp_path / "parts.osm.pbf", nodes, ways), KZ)
    assert result.dropped_parts == [["osm-n4", "osm-n5"]]
    assert validate_network(result.dataset.network, strict=False) == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.osm.pbf", None, "no such file"),
    ("notes.txt", b"hello", "not an OSM file"),
    ("garbage.osm.pbf", b"not a pbf at all", "osmium cannot read it"),
])
def test_bad_files(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message) as e:
        import_osm(path)
    assert e.value.problems[0].where == str(path)


def test_no_rail(tmp_path: Path) -> None:
    path = write_pbf(tmp_path / "road.osm.pbf", {1: (70.0, 45.0, {}), 2: (71.0, 45.0, {})},
                     {10: ([1, 2], {"highway": "primary"}), 11: ([1, 2], {"railway": "abandoned"})})
    with pytest.raises(InputError, match=r"no railway=rail way .*railway=abandoned: 1") as e:
        import_osm(path)
    assert e.value.problems[0].field == "railway"


def test_bad_country(extract: Path) -> None:
    with pytest.raises(InputError, match="not an ISO 3166-1"):
        OsmOptions(countries=("Kazakhstan",))
    with pytest.raises(InputError, match=r"no track of the extract lies in UZ \(countries found: CN, KZ\)"):
        import_osm(extract, OsmOptions(countries=("UZ",)))


def test_merge_by_name_and_distance(kz: OsmImport) -> None:
    base = Network("base", nodes=(
        Node("alfa", "Alfa station", "KZ", "rail-terminal", 72.01, 45.01, aliases=("ALPHA",)),  # name and 1.4 km
        Node("beta", "Beta", "KZ", "rail-terminal", 78.0, 46.0),  # the name, but 111 km away
        Node("omega", "Omega", "KZ", "city", 90.0, 45.0),
    ), links=(Link("alfa-omega", "alfa", "omega", "rail-1520", distance_km=1500.0, speed_kmh=50.0),
              Link("beta-omega", "beta", "omega", "rail-1520", distance_km=1000.0, speed_kmh=50.0)))
    merged = merge_osm(Dataset(base), kz.dataset, within_km=10.0)
    assert [(m["osm"], m["base"]) for m in merged.matched] == [("alpha", "alfa")]
    why = {u["osm"]: u["reason"] for u in merged.unmatched}
    assert "'beta', lies 111.2 km away" in why["beta"]
    assert {u["osm"]: u["id"] for u in merged.unmatched}["beta"] == "osm-beta"  # the base has a 'beta' already
    assert why["delta-port"] == "no base node has any of its names"
    net = merged.dataset.network
    assert "alpha" not in net.node_index and _link(net, "alfa", "osm-n3").mode == "rail-1520"
    assert net.node("osm-beta").name == "Beta" and "OSM" in net.sources
    assert validate_network(net, strict=False, require_sources=False) == []


def test_merge_into_builtin_data(tmp_path: Path) -> None:
    from corridor import data

    nodes = {1: (82.5, 45.2, {"railway": "station", "name": "Достык", "name:en": "Dostyk"}), 2: (82.0, 45.5, {}),
             3: (81.5, 45.9, {"railway": "station", "name": "Nowhere"})}
    path = write_pbf(tmp_path / "dostyk.osm.pbf", nodes, {10: ([1, 2, 3], {"railway": "rail", "gauge": "1520"})})
    merged = merge_osm(data.load(), import_osm(path, KZ).dataset)
    assert [m["base"] for m in merged.matched] == ["dostyk"]
    assert [u["osm"] for u in merged.unmatched] == ["nowhere"]
    assert validate_network(merged.dataset.network, strict=False) == []


@st.composite
def chain_graphs(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[float], set[int]]:
    """Random graphs made of chains between a few hubs, with random lengths and kept vertices."""
    hubs = draw(st.integers(2, 5))
    edges: list[tuple[int, int]] = []
    nxt = hubs
    for _ in range(draw(st.integers(1, 8))):
        a, b = draw(st.integers(0, hubs - 1)), draw(st.integers(0, hubs - 1))
        inner = list(range(nxt, nxt + draw(st.integers(0 if a != b else 2, 6))))
        nxt += len(inner)
        path = [a, *inner, b]
        edges += list(itertools.pairwise(path))
    lengths = draw(st.lists(st.floats(0.01, 100.0), min_size=len(edges), max_size=len(edges)))
    keep = set(draw(st.lists(st.integers(0, nxt), max_size=4)))
    return edges, lengths, keep


def _parts(pairs: list[tuple[int, int]]) -> set[frozenset[int]]:
    import networkx as nx

    g = nx.MultiGraph(pairs)
    return {frozenset(c) for c in nx.connected_components(g)}


@settings(max_examples=80, deadline=None)
@given(chain_graphs())
def test_simplify_keeps_length_and_connectivity(graph: tuple[list[tuple[int, int]], list[float], set[int]]) -> None:
    edges, lengths, keep = graph
    chains = simplify(edges, ["rail"] * len(edges), keep)
    assert sorted(e for ch in chains for e in ch.edges) == list(range(len(edges)))  # every edge once
    assert sum(lengths[e] for ch in chains for e in ch.edges) == pytest.approx(sum(lengths))
    assert all(ch.a != ch.b for ch in chains)
    ends = {x for ch in chains for x in (ch.a, ch.b)}
    for ch in chains:  # consecutive edges, inner vertices of degree 2 that are not kept
        assert ch.vertices[0] == ch.a and ch.vertices[-1] == ch.b
        assert not (set(ch.vertices[1:-1]) & (keep | ends))
    before = {p & ends for p in _parts(edges)}
    assert before == _parts([(ch.a, ch.b) for ch in chains])


@pytest.mark.parametrize("chunk", [50, 4_000_000])
def test_point_in_polygon_matches_brute_force(chunk: int) -> None:
    from corridor.io._osm_geo import _inside_ring, countries_at

    rng = np.random.default_rng(1)
    t = np.linspace(0, 2 * np.pi, 301)
    r = 1 + 0.5 * np.sin(7 * t)
    ring = np.column_stack([r * np.cos(t), r * np.sin(t)])
    ring[-1] = ring[0]
    x, y = rng.uniform(-2, 2, 2000), rng.uniform(-2, 2, 2000)
    brute = np.zeros(len(x), dtype=bool)
    for (ax, ay), (bx, by) in itertools.pairwise(ring):
        with np.errstate(divide="ignore", invalid="ignore"):
            brute ^= ((ay > y) != (by > y)) & (x < ax + (y - ay) * (bx - ax) / (by - ay))
    assert (_inside_ring(ring, x, y, chunk=chunk) == brute).all() and 0 < brute.sum() < len(x)
    hole = ring * 0.3
    codes = countries_at({"KZ": [(ring, [hole])]}, x, y, default="XX")
    in_hole = _inside_ring(hole, x, y)
    assert set(codes[brute & ~in_hole]) == {"KZ"} and set(codes[~brute | in_hole]) == {"XX"}


def test_xml_extract_reads_the_same(tmp_path: Path, both: OsmImport) -> None:
    xml = import_osm(scene(tmp_path / "scene.osm")).dataset.network
    net = both.dataset.network
    assert [(lk.id, lk.distance_km) for lk in xml.links] == [(lk.id, lk.distance_km) for lk in net.links]


def test_station_and_port_areas(tmp_path: Path) -> None:
    nodes = {1: (70.0, 45.0, {}), 2: (70.5, 45.0, {}), 3: (71.0, 45.0, {}),
             **{10 + k: (70.0 + dx, 45.0 + dy, {}) for k, (dx, dy) in enumerate(
                 [(-0.01, -0.01), (0.01, -0.01), (0.01, 0.01), (-0.01, 0.01)])},
             **{20 + k: (71.0 + dx, 45.0 + dy, {}) for k, (dx, dy) in enumerate(
                 [(0.005, -0.02), (0.03, -0.02), (0.03, 0.02), (0.005, 0.02)])}}
    ways = {5: ([1, 2, 3], {"railway": "rail"}), 6: ([10, 11, 12, 13, 10], {"railway": "station", "name": "Area St"}),
            7: ([20, 21, 22, 23, 20], {})}
    relations = {9: ([("w", 7, "outer")], {"type": "multipolygon", "harbour": "yes", "name": "Relation Port"})}
    net = import_osm(write_pbf(tmp_path / "areas.osm.pbf", nodes, ways, relations), KZ).dataset.network
    assert {n.name: n.kind for n in net.nodes} == {"Area St": "rail-terminal", "Relation Port": "seaport"}
    assert net.node("Area St").note.startswith("OSM w6") and net.node("Relation Port").note.startswith("OSM r9")


def test_two_terminals_matched_to_one_base_node(tmp_path: Path) -> None:
    nodes = {1: (70.0, 45.0, {"railway": "station", "name": "Alpha"}), 2: (70.1, 45.0, {}),
             3: (70.2, 45.0, {"railway": "yard", "name": "Alpha"}), 4: (71.0, 45.0, {})}
    ways = {10: ([1, 2, 3], {"railway": "rail"}), 11: ([3, 4], {"railway": "rail"})}
    imported = import_osm(write_pbf(tmp_path / "twice.osm.pbf", nodes, ways), KZ).dataset
    base = Network("base", nodes=(Node("alpha", "Alpha", "KZ", "city", 70.1, 45.0),))
    merged = merge_osm(Dataset(base), imported)
    assert [m["base"] for m in merged.matched] == ["alpha", "alpha"]
    net = merged.dataset.network
    assert all(lk.a != lk.b for lk in net.links) and len(net.links) == 1
    assert validate_network(net, strict=False, require_sources=False) == []


def test_only_own_boundary_in_extract(tmp_path: Path) -> None:
    """A Geofabrik country extract: the KZ boundary only; the line leaves it into no country."""
    from tests.io.osm_pbf import country_relations

    nodes = {1: (78.0, 45.0, {"railway": "station", "name": "Beta"}), 2: (79.5, 45.0, {}), 3: (80.5, 45.0, {}),
             4: (82.0, 45.0, {"railway": "station", "name": "Gamma"})}
    ways = {10: ([1, 2, 3, 4], {"railway": "rail"})}
    relations = country_relations(nodes, ways)
    del relations[3002]
    path = write_pbf(tmp_path / "kz-only.osm.pbf", nodes, ways, relations)
    kz = import_osm(path, KZ).dataset.network
    assert [n.id for n in kz.nodes] == ["border-kz-w10", "beta"] and kz.node("border-kz-w10").lon == pytest.approx(80)
    assert kz.node("border-kz-w10").name == "KZ-outside border (OSM way 10)"
    everything = import_osm(path).dataset.network
    assert everything.node("gamma").country == "" and validate_network(everything, strict=False) == []
