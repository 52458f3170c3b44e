"""The passage rules: a border clearance on every crossing, a transfer on every change of mode (validation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.io import read_csv_dataset, read_geojson, write_csv_dataset, write_geojson
from corridor.model import Commodity, Dataset, Demand, DemandRow, Link, Network, Node, Transfer, validate_network
from corridor.model.passage import border_gaps, mode_change_ok

RAIL, BROAD, ROAD = "rail-1435", "rail-1520", "road"
COAL = Commodity("coal", "Coal", "t", modes=frozenset({RAIL, BROAD, ROAD}))


def _node(nid: str, country: str, line: int) -> Node:
    return Node(nid, nid.upper(), country, "city", 70.0 + line, 45.0, origin=f"nodes.csv:{line}")


def _link(lid: str, a: str, b: str, mode: str, country: str, **kw: object) -> Link:
    return Link(lid, a, b, mode, country=country, distance_km=100.0, speed_kmh=50.0, **kw)  # type: ignore[arg-type]


def _net(links: tuple[Link, ...], transfers: tuple[Transfer, ...] = (), countries: str = "KZ KZ CN") -> Network:
    nodes = tuple(_node(n, c, i + 2) for i, (n, c) in enumerate(zip("xyz", countries.split(), strict=True)))
    return Network("t", nodes, links, transfers, (COAL,))


def _errors(net: Network, demand: Demand | None = None) -> list[str]:
    return [f"{p.where}: {p.message}" for p in validate_network(net, demand, strict=False, require_sources=False)
            if p.severity == "error"]


def _crossing(*transfers: Transfer) -> Network:
    """x (KZ) -broad gauge, KZ- y (KZ) -standard gauge, CN- z (CN): the border is at y."""
    gauge = (Transfer("y-gauge-w", "y", "gauge-change", frozenset({BROAD}), frozenset({RAIL})),
             Transfer("y-gauge-e", "y", "gauge-change", frozenset({RAIL}), frozenset({BROAD})))
    return _net((_link("xy", "x", "y", BROAD, "KZ"), _link("yz", "y", "z", RAIL, "CN")), gauge + transfers)


def test_a_border_with_a_clearance_for_every_way_is_valid() -> None:
    assert _errors(_crossing(Transfer("y-border", "y", "border-clearance"))) == []
    both_ways = (Transfer("y-out", "y", "border-clearance", frozenset({BROAD}), frozenset({RAIL})),
                 Transfer("y-in", "y", "border-clearance", frozenset({RAIL}), frozenset({BROAD})))
    assert _errors(_crossing(*both_ways)) == []


def test_a_border_without_clearance_names_the_node_record_and_the_links() -> None:
    (err,) = _errors(_crossing())
    assert err.startswith("nodes.csv:3: ")  # node y, on line 3 of its file
    assert "from link xy (rail-1520, KZ) to link yz (rail-1435, CN)" in err
    assert "from link yz (rail-1435, CN) to link xy (rail-1520, KZ)" in err
    assert "border-clearance" in err


def test_a_clearance_for_one_direction_leaves_the_other_open() -> None:
    (err,) = _errors(_crossing(Transfer("y-out", "y", "border-clearance", frozenset({BROAD}), frozenset({RAIL}))))
    assert "from link yz (rail-1435, CN) to link xy (rail-1520, KZ)" in err
    assert "from link xy" not in err


def test_a_clearance_of_another_kind_does_not_count() -> None:
    port = Transfer("y-port", "y", "port-handling")  # applies to every way, but is no border process
    assert len(_errors(_crossing(port))) == 1


def test_a_link_in_another_country_than_its_end_is_a_crossing_where_routes_start_or_end() -> None:
    # x (KZ) - y (KZ) in KZ, y - z (CN) in KZ: the border is at z, where routes can only end or start
    net = _net((_link("xy", "x", "y", BROAD, "KZ"), _link("yz", "y", "z", BROAD, "KZ")))
    assert _errors(net) == []  # no way from one link to another crosses
    demand = Demand((DemandRow("d", "x", "z", "coal", 2021, 1e6),))
    (err,) = _errors(net, demand)
    assert err.startswith("nodes.csv:4: ")
    assert "from link yz (rail-1520, KZ) to an end here (CN)" in err
    assert "from a start here (CN) to link yz (rail-1520, KZ)" in err
    inbound = net.with_records(transfers=[Transfer("z-border", "z", "border-clearance", frozenset({BROAD}))])
    assert "from a start here" in _errors(inbound, demand)[0]  # the clearance covers arriving only
    clear = net.with_records(transfers=[Transfer("z-border", "z", "border-clearance")])
    assert _errors(clear, demand) == []


def test_ways_that_change_mode_without_a_transfer_need_no_clearance() -> None:
    # without a gauge change no route can go from xy to yz, so no border is crossed there
    net = _net((_link("xy", "x", "y", BROAD, "KZ"), _link("yz", "y", "z", RAIL, "CN")))
    assert list(border_gaps(net)) == []


def test_sea_links_cross_no_land_border() -> None:
    net = _net((_link("xy", "x", "y", BROAD, "KZ"), _link("yz", "y", "z", "sea", "")),
               (Transfer("y-port", "y", "port-handling", frozenset({BROAD}), frozenset({"sea"})),
                Transfer("y-port-in", "y", "port-handling", frozenset({"sea"}), frozenset({BROAD}))))
    assert _errors(net, Demand((DemandRow("d", "x", "z", "coal", 2021, 1e6),))) == []


def test_mode_change_needs_a_transfer_of_a_mode_change_kind() -> None:
    border = Transfer("b", "y", "border-clearance")
    gauge = Transfer("g", "y", "gauge-change", frozenset({BROAD}), frozenset({RAIL}))
    assert mode_change_ok((), BROAD, BROAD)
    assert mode_change_ok((), None, ROAD)
    assert mode_change_ok((), ROAD, None)
    assert not mode_change_ok((border,), BROAD, RAIL)
    assert mode_change_ok((gauge,), BROAD, RAIL)
    assert not mode_change_ok((gauge,), RAIL, BROAD)


def _multimodal(transfers: tuple[Transfer, ...] = ()) -> Network:
    return _net((_link("xy", "x", "y", BROAD, "KZ"), _link("yz", "y", "z", ROAD, "KZ")), transfers, "KZ KZ KZ")


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_a_network_without_any_mode_change_transfer_is_warned_about(tmp_path: Path, fmt: str) -> None:
    """A user network (CSV or GeoJSON) whose modes meet without transfers gets a warning naming the record."""
    if fmt == "csv":
        write_csv_dataset(Dataset(_multimodal(), Demand(())), tmp_path)
        ds = read_csv_dataset(tmp_path)
    else:
        ds = read_geojson(write_geojson(Dataset(_multimodal(), Demand(())), tmp_path / "net.geojson"))
    (warning,) = [p for p in validate_network(ds.network, strict=False, require_sources=False)
                  if p.severity == "warning" and "change mode" in p.message]
    assert warning.where.endswith("nodes.csv:3" if fmt == "csv" else "net.geojson:features[1] (node y)")
    assert "1 node(s) (y)" in warning.message
    assert "no route can change mode" in warning.message


def test_no_warning_once_the_network_has_mode_change_transfers() -> None:
    tranship = Transfer("y-t", "y", "transshipment", frozenset({BROAD}), frozenset({ROAD}))
    problems = validate_network(_multimodal((tranship,)), strict=False, require_sources=False)
    assert not [p for p in problems if "change mode" in p.message]


@pytest.mark.parametrize("name", ["baseline-2021", "middle-corridor-2030", "northern-route-closed", "aktau-hub",
                                  "northern-closed-aktau-hub", "northern-risk-premium", "caspian-storm-season"])
def test_shipped_scenarios_pass_every_border(name: str) -> None:
    """Every shipped scenario's network, after its changes, has a clearance on every way across a border."""
    from corridor.scenarios.run import apply_changes, base_demand, base_of, engine_network
    from corridor.scenarios.spec import load_scenario

    spec = load_scenario(name)
    ds = base_of(spec)
    applied = apply_changes(spec, ds.network, base_demand(spec, ds), spec.nominal())
    net = engine_network(spec, applied)
    assert _errors(net, applied.demand) == []
    assert list(border_gaps(net, {n for r in applied.demand.rows for n in (r.origin, r.destination)})) == []
