"""Tests of the TNTP reader: small networks written here, and the shared research networks."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import corridor.io
from corridor.exceptions import InputError
from corridor.io.tntp import read_tntp
from corridor.model import Dataset, Link, Provenance, Status, validate_network

TAB = "\t"


def net_text(rows: list[str], *, zones: int, links: int | None = None, first_thru: int = 1,
             nodes: int = 4, end: bool = True) -> str:
    head = [
        f"<NUMBER OF ZONES> {zones}",
        f"<NUMBER OF NODES> {nodes}",
        f"<FIRST THRU NODE> {first_thru}\t\t\t",
        f"<NUMBER OF LINKS> {len(rows) if links is None else links}",
        "<ORIGINAL HEADER>~ Tail Head Capacity ... ;",
    ]
    if end:
        head.append("<END OF METADATA>")
    cols = "~\tinit_node\tterm_node\tcapacity\tlength\tfree_flow_time\tb\tpower\tspeed\ttoll\tlink_type\t;"
    return "\n".join([*head, "", "", cols, *rows, ""])


def trips_text(body: list[str], *, zones: int, total: float) -> str:
    return "\n".join([f"<NUMBER OF ZONES> {zones}", f"<TOTAL OD FLOW>   {total}", "<END OF METADATA>",
                      "", *body, ""])


def row(*values: object, end: str = "\t;") -> str:
    return "\t" + TAB.join(str(v) for v in values) + end


# A Braess-style network of our own: zones 1 and 2, junctions 3 and 4, the 3-4 shortcut.
BRAESS_LINKS = [
    row(1, 3, 10, 4, 0.5, 20, 1, 0, 0, 1),
    row(1, 4, 50, 8, 9, 0.15, 4, 0, 1.5, 1),
    row(3, 2, 50, 8, 9, 0.15, 4, 0, 0, 1),
    row(3, 4, 100, 1, 1, 0.15, 4, 0, 0, 2),
    row(4, 2, 10, 4, 0.5, 20, 1, 0, 0, 1, end=";"),  # no blank before ';'
]
BRAESS_TRIPS = ["Origin \t1 ", "    1 :      0.0;     2 :     6.0;", "", "Origin 2", "  1 : 0.0;  2 : 0.0;"]


@pytest.fixture
def braess(tmp_path: Path) -> Path:
    folder = tmp_path / "braess"
    folder.mkdir()
    (folder / "Braess_net.tntp").write_text(net_text(BRAESS_LINKS, zones=2))
    (folder / "Braess_trips.tntp").write_text(trips_text(BRAESS_TRIPS, zones=2, total=6.0))
    return folder


def test_braess(braess: Path) -> None:
    ds = read_tntp(braess)
    net = ds.network
    assert net.name == "Braess"
    assert [n.id for n in net.nodes] == ["1", "2", "3", "4"]
    assert [n.kind for n in net.nodes] == ["zone", "zone", "junction", "junction"]
    assert all(n.thru for n in net.nodes)  # first thru node 1
    assert all((n.lon, n.lat) == (0.0, 0.0) for n in net.nodes)
    assert [lk.id for lk in net.links] == ["1-3", "1-4", "3-2", "3-4", "4-2"]
    lk = net.link("1-4")
    assert (lk.a, lk.b, lk.mode, lk.oneway, lk.corridor) == ("1", "4", "road", True, "other")
    assert (lk.vdf_alpha, lk.vdf_beta, lk.vdf_capacity) == (0.15, 4.0, 50.0)
    assert (lk.time_h, lk.distance_km, lk.speed_kmh, lk.toll, lk.link_type) == (9.0, 8.0, None, 1.5, "1")
    assert lk.provenance["time_h"] == Provenance("TNTP", Status.ESTIMATE)
    assert lk.provenance["distance_km"] == Provenance("TNTP", Status.ESTIMATE)
    assert net.link("4-2").vdf_alpha == 20.0
    assert net.link("3-4").link_type == "2"
    assert [c.id for c in net.commodities] == ["trips"]
    assert set(net.sources) == {"TNTP"}
    assert net.meta["zones"] == "2"
    assert net.meta["first_thru_node"] == "1"
    assert net.meta["format"] == "tntp"
    assert "total_od_flow_mismatch" not in net.meta
    assert [(r.id, r.origin, r.destination, r.tonnes) for r in ds.demand] == [("1-2", "1", "2", 6.0)]
    row0 = ds.demand.rows[0]
    assert (row0.commodity, row0.year, row0.group) == ("trips", 0, "tntp")
    assert row0.provenance["tonnes"] == Provenance("TNTP", Status.ESTIMATE)
    assert ds.demand.total_tonnes() == 6.0
    validate_network(net, ds.demand, strict=True, require_sources=True)


def test_net_file_path_and_read_dataset(braess: Path) -> None:
    by_file = read_tntp(braess / "Braess_net.tntp")
    assert len(by_file.network.links) == 5
    assert len(by_file.demand) == 1
    ds = corridor.io.read_dataset(braess)
    assert len(ds.network.nodes) == 4
    assert ds.demand.total_tonnes() == 6.0


def test_no_trips_file(tmp_path: Path) -> None:
    (tmp_path / "X_net.tntp").write_text(net_text(BRAESS_LINKS, zones=2))
    ds = read_tntp(tmp_path)
    assert len(ds.demand) == 0
    assert len(ds.network.links) == 5


def test_irregular_network(tmp_path: Path) -> None:
    links = [
        row(1, 10, 100, 2, 1, 0.15, 4, 0, 0, 1),
        row(10, 20, 100, 2, 1, 0.15, 4, 0, 0, 1),
        row(10, 20, 200, 3, 2, 0.15, 4, 0, 0, 1),  # parallel to the one above
        row(20, 35, 100, 2, 1, 0, 0, 0, 0, 3),  # B = 0, power = 0
        row(35, 2, 100, 2, 0, 0.15, 4, 0, 0, 1),  # zero free-flow time
        "~ a comment line",
        "",
        "  2  1  100  2  1  0.15  4  0  0  1",  # spaces, no ';'
        row(10, 20, 50, 1, 1, 0.15, 4, 0, 0, 1),  # third parallel
    ]
    (tmp_path / "Odd_net.tntp").write_text(net_text(links, zones=2, first_thru=3, links=7, nodes=5))
    trips = ["Origin 1", "1 : 5.0; 2 : 7.5;", "~ comment", "Origin\t2", "\t1:2.5;\t2 :\t0;"]
    (tmp_path / "Odd_trips.tntp").write_text(trips_text(trips, zones=2, total=15.0))
    ds = read_tntp(tmp_path / "Odd_net.tntp")
    net = ds.network
    assert [n.id for n in net.nodes] == ["1", "2", "10", "20", "35"]
    kinds = {n.id: (n.kind, n.thru) for n in net.nodes}
    assert kinds == {"1": ("zone", False), "2": ("zone", False), "10": ("junction", True),
                     "20": ("junction", True), "35": ("junction", True)}
    assert [lk.id for lk in net.links] == ["1-10", "10-20", "10-20-2", "20-35", "35-2", "2-1", "10-20-3"]
    assert net.link("10-20-2").vdf_capacity == 200.0
    assert (net.link("20-35").vdf_alpha, net.link("20-35").vdf_beta) == (0.0, 0.0)
    assert net.link("20-35").link_type == "3"
    assert net.link("35-2").time_h == 0.0
    assert net.meta["first_thru_node"] == "3"
    assert net.meta["intrazonal_ignored"] == "1"
    assert float(net.meta["intrazonal_flow"]) == 5.0
    assert "total_od_flow_mismatch" not in net.meta
    assert {(r.id, r.tonnes) for r in ds.demand} == {("1-2", 7.5), ("2-1", 2.5)}
    validate_network(net, ds.demand, strict=True, require_sources=False)


def test_total_od_flow_mismatch_is_a_note(braess: Path) -> None:
    (braess / "Braess_trips.tntp").write_text(trips_text(BRAESS_TRIPS, zones=2, total=6.5))
    ds = read_tntp(braess)
    assert "6.5" in ds.network.meta["total_od_flow_mismatch"]
    assert ds.demand.total_tonnes() == 6.0


def test_overrides_and_node_coordinates(braess: Path, tmp_path: Path) -> None:
    lonlat = tmp_path / "lonlat.tntp"
    lonlat.write_text("Node\tX\tY\t;\n1\t-96.7\t43.6\t;\n2\t-96.6\t43.5\t;\n"
                      "3\t-96.8\t43.4\t;\n4 -96.9 43.3\n")
    other = tmp_path / "other_trips.tntp"
    other.write_text(trips_text(["Origin 2", "1 : 3.0;"], zones=2, total=3.0))
    ds = read_tntp(braess, trips=other, nodes=lonlat)
    assert ds.network.meta["coords"] == "from node file"
    assert (ds.network.node("3").lon, ds.network.node("3").lat) == (-96.8, 43.4)
    assert "coords" in ds.network.node("3").provenance
    assert [(r.origin, r.destination, r.tonnes) for r in ds.demand] == [("2", "1", 3.0)]

    projected = braess / "Braess_node.tntp"
    projected.write_text("Node X Y ;\n1 50000 1000 ;\n2 51000 1000 ;\n3 50500 2000 ;\n4 50500 0 ;\n")
    ds = read_tntp(braess)
    assert ds.network.meta["coords"].startswith("none")
    assert all((n.lon, n.lat) == (0.0, 0.0) for n in ds.network.nodes)


def _round_trip(ds: Dataset, folder: Path) -> Dataset:
    return corridor.io.read_csv_dataset(corridor.io.write_csv_dataset(ds, folder))


def test_round_trip_csv(braess: Path, tmp_path: Path) -> None:
    ds = read_tntp(braess)
    back = _round_trip(ds, tmp_path / "csv")
    assert back.network.links == ds.network.links
    assert all(isinstance(lk, Link) for lk in back.network.links)
    assert [lk.provenance for lk in back.network.links] == [lk.provenance for lk in ds.network.links]
    assert back.network.nodes == ds.network.nodes
    assert back.network.commodities == ds.network.commodities
    assert back.demand.rows == ds.demand.rows
    assert [r.provenance for r in back.demand] == [r.provenance for r in ds.demand]


def test_round_trip_geojson(braess: Path, tmp_path: Path) -> None:
    ds = read_tntp(braess)
    back = corridor.io.read_geojson(corridor.io.write_geojson(ds, tmp_path / "b.geojson"))
    assert back.network.nodes == ds.network.nodes
    assert back.network.links == ds.network.links
    assert back.demand.rows == ds.demand.rows


# --- bad input ----------------------------------------------------------------------------------


def _error(path: Path, **kw: Path) -> str:
    with pytest.raises(InputError) as info:
        read_tntp(path, **kw)
    return str(info.value)


def _line_of(path: Path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (row(1, 3, 10, 4), ""),  # 4 columns: no free-flow time
        (row(1, 3, 10, 4, 0.5, 20, 1, 0, 0, 1, 7), ""),  # 11 columns
        (row(1, 3, "ten", 4, 0.5, 20, 1, 0, 0, 1), "capacity"),
        (row(1, 3, -10, 4, 0.5, 20, 1, 0, 0, 1), "capacity"),
        (row(1, 3, 10, -4, 0.5, 20, 1, 0, 0, 1), "length"),
        (row(1, 3, 10, 4, -0.5, 20, 1, 0, 0, 1), "free_flow_time"),
        (row(1, 3, 10, 4, 0.5, "NaN", 1, 0, 0, 1), "b"),
        (row(1, 3, 10, 4, 0.5, 20, "inf", 0, 0, 1), "power"),
        (row(1, 3, 10, 4, 0.5, 20, 1, 0, "x", 1), "toll"),
        (row("1.5", 3, 10, 4, 0.5, 20, 1, 0, 0, 1), "init_node"),
        (row(1, 0, 10, 4, 0.5, 20, 1, 0, 0, 1), "term_node"),
        (row(3, 3, 10, 4, 0.5, 20, 1, 0, 0, 1), "term_node"),
        (row(1, 3, 10, 4, 0.5, 20, 1, 0, 0, 1, end=";;"), ""),
    ],
)
def test_bad_link_row(tmp_path: Path, bad: str, field: str) -> None:
    path = tmp_path / "Bad_net.tntp"
    path.write_text(net_text([*BRAESS_LINKS[1:], bad], zones=2))
    message = _error(path)
    assert f"Bad_net.tntp:{_line_of(path, bad)}:" in message
    if field:
        assert f" {field}:" in message


def test_link_count_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "Bad_net.tntp"
    path.write_text(net_text(BRAESS_LINKS, zones=2, links=6))
    assert f"Bad_net.tntp:{_line_of(path, '<NUMBER OF LINKS> 6')}: NUMBER OF LINKS:" in _error(path)


def test_missing_metadata(tmp_path: Path) -> None:
    path = tmp_path / "Bad_net.tntp"
    path.write_text(net_text(BRAESS_LINKS, zones=2, end=False))
    message = _error(path)
    assert f"Bad_net.tntp:{_line_of(path, BRAESS_LINKS[0])}: metadata:" in message
    assert "END OF METADATA" in message
    path.write_text("<NUMBER OF ZONES> 2\n<NUMBER OF LINKS> 0\n")
    assert "Bad_net.tntp:2: metadata:" in _error(path)
    path.write_text("<NUMBER OF ZONES> 2\n<END OF METADATA>\n" + BRAESS_LINKS[0] + "\n")
    assert "Bad_net.tntp:1: NUMBER OF LINKS: missing" in _error(path)
    path.write_text("<NUMBER OF ZONES> two\n<NUMBER OF LINKS> 1\n<END OF METADATA>\n" + BRAESS_LINKS[0])
    assert "Bad_net.tntp:1: NUMBER OF ZONES: expected a whole number (a count), got 'two'" in _error(path)


@pytest.mark.parametrize(
    ("body", "bad", "field"),
    [
        (["Origin 1", "2 : 6.0; 9 : 1.0;"], "2 : 6.0; 9 : 1.0;", "destination"),
        (["Origin 7", "2 : 6.0;"], "Origin 7", "origin"),
        (["Origin 1", "2 : six;"], "2 : six;", "flow"),
        (["Origin 1", "2 : -6.0;"], "2 : -6.0;", "flow"),
        (["Origin 1", "2 : nan;"], "2 : nan;", "flow"),
        (["Origin 1", "2 : 6.0; 2 : 1.0;"], "2 : 6.0; 2 : 1.0;", "destination"),
        (["2 : 6.0;", "Origin 1"], "2 : 6.0;", "origin"),
        (["Origin 1", "2 = 6.0;"], "2 = 6.0;", ""),
    ],
)
def test_bad_trips(braess: Path, body: list[str], bad: str, field: str) -> None:
    path = braess / "Braess_trips.tntp"
    path.write_text(trips_text(body, zones=2, total=6.0))
    message = _error(braess)
    assert f"Braess_trips.tntp:{_line_of(path, bad)}:" in message
    if field:
        assert f" {field}:" in message


def test_trips_zone_count_mismatch(braess: Path) -> None:
    (braess / "Braess_trips.tntp").write_text(trips_text(BRAESS_TRIPS, zones=3, total=6.0))
    assert "Braess_trips.tntp:1: NUMBER OF ZONES:" in _error(braess)


def test_missing_and_ambiguous_net_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no *_net.tntp" in _error(empty)
    assert str(empty) in _error(empty)
    assert "no such file" in _error(tmp_path / "nothing_net.tntp")
    (empty / "notes.txt").write_text("x")
    assert "_net.tntp" in _error(empty / "notes.txt")
    two = tmp_path / "two"
    two.mkdir()
    for name in ("A_net.tntp", "B_net.tntp"):
        (two / name).write_text(net_text(BRAESS_LINKS, zones=2))
    message = _error(two)
    assert "A_net.tntp" in message
    assert "B_net.tntp" in message


def test_binary_and_empty_files(braess: Path) -> None:
    net = braess / "Braess_net.tntp"
    net.write_bytes(b"\x00\x01binary")
    assert "binary" in _error(braess)
    net.write_text("  \n\n")
    assert "empty" in _error(braess)
    net.write_text(net_text(BRAESS_LINKS, zones=2))
    (braess / "Braess_trips.tntp").write_bytes(b"")
    assert "Braess_trips.tntp" in _error(braess)
    assert "does_not_exist" in _error(braess, nodes=braess / "does_not_exist.tntp")


# --- the shared research networks -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("folder", "n_nodes", "n_links", "n_zones"),
    [("SiouxFalls", 24, 76, 24), ("Anaheim", 416, 914, 38)],
)
def test_research_networks(tntp_dir: Path, folder: str, n_nodes: int, n_links: int, n_zones: int) -> None:
    path = tntp_dir / folder
    if not path.is_dir():
        pytest.skip(f"{folder} is not in CORRIDOR_TNTP_DIR")
    ds = read_tntp(path)
    net = ds.network
    assert (len(net.nodes), len(net.links)) == (n_nodes, n_links)
    assert sum(n.kind == "zone" for n in net.nodes) == n_zones
    assert net.meta["zones"] == str(n_zones)
    expected = float(net.meta["total_od_flow"]) - float(net.meta["intrazonal_flow"])
    assert math.isclose(ds.demand.total_tonnes(), expected, rel_tol=1e-6)
    assert "total_od_flow_mismatch" not in net.meta
    validate_network(net, ds.demand, strict=True, require_sources=False)
    again = corridor.io.read_dataset(path)
    assert (len(again.network.nodes), len(again.network.links)) == (n_nodes, n_links)
    assert len(again.demand) == len(ds.demand)


# --- metadata counts and capacity 0 -----------------------------------------------------------------


@pytest.mark.parametrize(("tag", "value"), [
    ("NUMBER OF NODES", "four"),
    ("NUMBER OF NODES", "4.5"),
    ("NUMBER OF NODES", "4.0"),
    ("NUMBER OF NODES", "-4"),
    ("NUMBER OF NODES", "1e3"),
    ("NUMBER OF NODES", "9" * 5000),
    ("NUMBER OF ZONES", "2 zones"),
    ("FIRST THRU NODE", "first"),
    ("NUMBER OF LINKS", ""),
])
def test_metadata_counts_are_whole_numbers(tmp_path: Path, tag: str, value: str) -> None:
    path = tmp_path / "Bad_net.tntp"
    text = net_text(BRAESS_LINKS, zones=2)
    line = next(ln for ln in text.splitlines() if ln.startswith(f"<{tag}>"))
    path.write_text(text.replace(line, f"<{tag}> {value}"))
    with pytest.raises(InputError) as err:
        read_tntp(path)
    (p,) = err.value.problems
    assert p.where == f"{path}:{_line_of(path, f'<{tag}> {value}')}"
    assert p.field == tag
    shown = value if len(value) <= 40 else "9" * 39 + "…"
    assert p.message == f"expected a whole number (a count), got {shown!r}"


def test_trips_metadata_count(braess: Path) -> None:
    path = braess / "Braess_trips.tntp"
    text = trips_text(BRAESS_TRIPS, zones=2, total=6.0)
    path.write_text(text.replace("<NUMBER OF ZONES> 2", "<NUMBER OF ZONES> two"))
    assert "Braess_trips.tntp:1: NUMBER OF ZONES: expected a whole number (a count), got 'two'" in _error(braess)


def test_capacity_zero_with_b_is_read_without_delay_and_noted(tmp_path: Path) -> None:
    """Capacity 0 with b > 0 (the BPR delay has no value): read, without a delay term, and counted in the meta."""
    from corridor.assignment.equilibrium import EquilibriumOptions, equilibrium

    path = tmp_path / "Zero_net.tntp"
    path.write_text(net_text([*BRAESS_LINKS[:3], row(3, 4, 0, 1, 1, 0.15, 4, 0, 0, 2), BRAESS_LINKS[4]], zones=2))
    (tmp_path / "Zero_trips.tntp").write_text(trips_text(BRAESS_TRIPS, zones=2, total=6.0))
    ds = read_tntp(path)
    lk = ds.network.link("3-4")
    assert (lk.vdf_capacity, lk.vdf_alpha) == (0.0, 0.15)
    assert ds.network.meta["links_capacity_zero"].startswith("1 links have capacity 0 and b > 0")
    for method in ("bfw", "b"):
        res = equilibrium(ds.network, ds.demand, EquilibriumOptions(method=method, gap=1e-8, max_iter=5000))
        assert res.converged
        assert res.costs[[lk.id for lk in ds.network.links].index("3-4")] == 1.0  # free flow at any flow


def test_capacity_zero_with_b_zero_is_free_flow(tmp_path: Path) -> None:
    from corridor.assignment.vdf import bpr

    path = tmp_path / "Free_net.tntp"
    path.write_text(net_text([*BRAESS_LINKS[:3], row(3, 4, 0, 1, 2.5, 0, 4, 0, 0, 2), BRAESS_LINKS[4]], zones=2))
    lk = read_tntp(path).network.link("3-4")
    assert (lk.vdf_capacity, lk.vdf_alpha, lk.time_h) == (0.0, 0.0, 2.5)
    # t = fft (1 + 0 * ...) = fft at any flow: the capacity plays no part
    assert bpr(np.array([0.0, 7.0, 1e6]), lk.time_h, lk.vdf_alpha, lk.vdf_beta, lk.vdf_capacity).tolist() == [2.5] * 3


def test_capacity_zero_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from corridor.cli import main

    folder = tmp_path / "Bad"
    folder.mkdir()
    bad = row(3, 4, 0, 1, 1, 0.15, 4, 0, 0, 2)
    (folder / "Bad_net.tntp").write_text(net_text([*BRAESS_LINKS[:3], bad, BRAESS_LINKS[4]], zones=2))
    (folder / "Bad_net.tntp").write_text((folder / "Bad_net.tntp").read_text().replace(
        "<NUMBER OF NODES> 4", "<NUMBER OF NODES> four"))
    assert main(["network", "validate", str(folder)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"{folder / 'Bad_net.tntp'}:2: NUMBER OF NODES: expected a whole number (a count), got 'four'"]


# --- format variations of the collection's files ----------------------------------------------------


def test_format_variations(tmp_path: Path) -> None:
    """Metadata in another order and case, comments, no ';', blank lines, spaces, short rows, many pairs per line."""
    net = "\n".join([
        "~ a network in the style of the older files",
        "<NUMBER OF LINKS> 5",
        "<first thru node> 3",
        "<NUMBER OF NODES> 4 ~ four",
        "<NUMBER OF ZONES> 2",
        "<END OF METADATA>",
        "",
        "~ Init node  Term node  Capacity  Length  Free Flow Time  B  Power  Speed  Toll",
        "1 3 10 4 0.5 20 1 0 0",  # 9 columns, spaces, no ';'
        "  1\t4  50 8 9 0.15 4 0 1.5 ;",
        "",
        "3 2 50 8 9",  # 5 columns: b and power default to 0.15 and 4
        "3 4 100 1 1 0.15 4 0 0 2;  ~ a shortcut",
        "\t4\t2\t10\t4\t0.5\t20\t1\t0\t0\t1\t;",
        "",
    ])
    trips = "\n".join([
        "<TOTAL OD FLOW> 9.0",
        "<NUMBER OF ZONES> 2",
        "<END OF METADATA>",
        "~ destinations",
        "Origin 1",
        "1 : 0.0;  2 : 6.0;",
        "",
        "Origin\t2;",
        "    1:3.0;    2 :0",
    ])
    (tmp_path / "Old_net.tntp").write_text(net)
    (tmp_path / "Old_trips.tntp").write_text(trips)
    ds = read_tntp(tmp_path)
    links = {lk.id: lk for lk in ds.network.links}
    assert (links["1-3"].vdf_alpha, links["1-3"].toll, links["1-3"].link_type) == (20.0, 0.0, "1")
    assert (links["3-2"].vdf_alpha, links["3-2"].vdf_beta, links["3-2"].time_h) == (0.15, 4.0, 9.0)
    assert links["1-4"].toll == 1.5
    assert ds.network.meta["links_missing_columns"].startswith("3 link rows have fewer than 10 columns")
    assert sorted((r.origin, r.destination, r.tonnes) for r in ds.demand.rows) == [("1", "2", 6.0), ("2", "1", 3.0)]
    assert [nd.thru for nd in ds.network.nodes] == [False, False, True, True]  # zones below the first thru node


def test_many_pairs_per_line_and_crlf(tmp_path: Path) -> None:
    rows = [row(i, j, 100, 1, 1, 0.15, 4, 0, 0, 1) for i in (1, 2, 3) for j in (1, 2, 3) if i != j]
    (tmp_path / "Tri_net.tntp").write_text(net_text(rows, zones=3, nodes=3).replace("\n", "\r\n"))
    body = ["Origin 1", "2 : 1.5; 3 : 2.5; ", "Origin 2", "1 : 1; 3 : 2; 2 : 0;", "Origin 3", "1:4;2:5;"]
    (tmp_path / "Tri_trips.tntp").write_text(trips_text(body, zones=3, total=16.0).replace("\n", "\r\n"))
    ds = read_tntp(tmp_path)
    assert len(ds.network.links) == 6 and len(ds.demand.rows) == 6
    assert sum(r.tonnes for r in ds.demand.rows) == 16.0
    assert "total_od_flow_mismatch" not in ds.network.meta
