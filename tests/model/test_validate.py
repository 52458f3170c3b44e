"""One test per class of bad network content; each checks the record and field are named."""

from __future__ import annotations

import dataclasses

import pytest

from corridor.exceptions import NetworkValidationError, Problem
from corridor.model import Dataset, Link, Network, Node, Provenance, Status, validate_network
from corridor.model.validate import READ_WARNINGS, note_read_warnings


def _errors(net: Network, **kw: object) -> list[str]:
    return [str(p) for p in validate_network(net, strict=False, **kw) if p.severity == "error"]


def _edit_link(net: Network, **changes: object) -> Network:
    return net.replace("west-mid", **changes)


def test_valid_network_has_no_problems(tiny_dataset: Dataset) -> None:
    assert validate_network(tiny_dataset.network, tiny_dataset.demand) == []


def test_strict_raises_with_all_errors(tiny_network: Network) -> None:
    bad = _edit_link(tiny_network, capacity_mtpa=-1.0, mode="hovercraft")
    with pytest.raises(NetworkValidationError) as err:
        validate_network(bad)
    text = str(err.value)
    assert "link west-mid: capacity_mtpa: must not be negative" in text
    assert "link west-mid: mode: unknown mode 'hovercraft'" in text


def test_duplicate_ids(tiny_network: Network) -> None:
    dup = dataclasses.replace(tiny_network.links[1], id="west-mid")
    net = dataclasses.replace(tiny_network, links=(*tiny_network.links, dup))
    assert any("duplicate id 'west-mid'" in e for e in _errors(net))


def test_unknown_node_reference(tiny_network: Network) -> None:
    net = _edit_link(tiny_network, b="atlantis")
    assert "link west-mid: b: unknown node 'atlantis'" in _errors(net)


def test_self_loop(tiny_network: Network) -> None:
    net = _edit_link(tiny_network, b="west")
    assert any("two different nodes" in e for e in _errors(net))


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_nan_or_infinite_figures(tiny_network: Network, value: float) -> None:
    errors = _errors(_edit_link(tiny_network, capacity_mtpa=value))
    assert any("capacity_mtpa: must be a finite number" in e for e in errors)


def test_negative_figures(tiny_network: Network) -> None:
    net = _edit_link(tiny_network, distance_km=-5.0)
    assert "link west-mid: distance_km: must not be negative, got -5" in _errors(net)


@pytest.mark.parametrize(("field", "value", "hint"), [
    ("capacity_mtpa", 10_000_000.0, "not tonnes"),
    ("distance_km", 800_000.0, "not m or miles"),
    ("speed_kmh", 960.0, "not km/day"),
])
def test_wrong_units(tiny_network: Network, field: str, value: float, hint: str) -> None:
    errors = _errors(_edit_link(tiny_network, **{field: value}))
    assert any(field in e and hint in e for e in errors), errors


def test_bad_coordinates_and_country(tiny_network: Network) -> None:
    net = tiny_network.replace("mid", lat=123.0, country="Kazakhstan", kind="town")
    errors = _errors(net)
    assert any("node mid: lat:" in e for e in errors)
    assert any("node mid: country:" in e for e in errors)
    assert any("node mid: kind: unknown kind 'town'" in e for e in errors)


def test_link_needs_speed_or_time(tiny_network: Network) -> None:
    assert "link west-mid: speed_kmh: needs speed_kmh or time_h" in _errors(_edit_link(tiny_network, speed_kmh=None))


def test_unknown_corridor_and_commodity(tiny_network: Network) -> None:
    errors = _errors(_edit_link(tiny_network, corridor="silk", commodities=frozenset({"gold"})))
    assert any("corridor: unknown corridor 'silk'" in e for e in errors)
    assert any("commodities: unknown commodity 'gold'" in e for e in errors)


def test_transfer_at_unknown_node(tiny_network: Network) -> None:
    net = tiny_network.replace("border-gauge", node="nowhere", from_modes=frozenset({"rail-9999"}))
    errors = _errors(net)
    assert "transfer border-gauge: node: unknown node 'nowhere'" in errors
    assert any("from_modes: unknown mode 'rail-9999'" in e for e in errors)


def test_disconnected_part(tiny_network: Network) -> None:
    island = (Node("i1", "Island 1", "AZ", "city", 50.0, 40.0), Node("i2", "Island 2", "AZ", "city", 50.1, 40.0))
    net = tiny_network.with_records(nodes=island, links=[Link("i1-i2", "i1", "i2", "road", distance_km=9.0,
                                                             speed_kmh=50.0)])
    errors = _errors(net, require_sources=False)
    assert any("not connected to the rest of the network (2 node(s): i1, i2)" in e for e in errors)


def test_missing_sources(tiny_network: Network) -> None:
    net = tiny_network.replace("west-mid", provenance={"distance_km": Provenance("NOPE", Status.MEASURED)})
    problems = validate_network(net, strict=False)
    assert "link west-mid: distance_km_source: source key 'NOPE' is not in the sources table" in map(str, problems)
    warnings = [str(p) for p in problems if p.severity == "warning"]
    assert "link west-mid: speed_kmh: warning: has no source (speed_kmh_source / speed_kmh_status)" in warnings
    assert not [p for p in validate_network(net, strict=False, require_sources=False) if p.severity == "warning"]


def test_demand_references(tiny_dataset: Dataset) -> None:
    row = dataclasses.replace(tiny_dataset.demand.rows[0], destination="mars", commodity="gold", tonnes=-1.0)
    demand = dataclasses.replace(tiny_dataset.demand, rows=(row,))
    errors = [str(p) for p in validate_network(tiny_dataset.network, demand, strict=False)]
    assert "demand d1: destination: unknown node 'mars'" in errors
    assert "demand d1: commodity: unknown commodity 'gold'" in errors
    assert "demand d1: tonnes: must not be negative, got -1" in errors


def test_reader_warnings_are_reported(tiny_network: Network) -> None:
    notes = [Problem("net.geojson:features[1] (node mid)", "geometry", "the Point moved"),
             Problem("net.geojson:features[5] (link x)", "geometry", "the line does not fit")]
    net = dataclasses.replace(tiny_network, meta=note_read_warnings({"format": "geojson"}, notes))
    assert net.meta["format"] == "geojson"
    got = validate_network(net)  # strict: warnings do not raise
    assert got == [dataclasses.replace(p, severity="warning") for p in notes]
    assert str(got[0]) == "net.geojson:features[1] (node mid): geometry: warning: the Point moved"
    again = note_read_warnings(net.meta, [])
    assert READ_WARNINGS not in again
    assert validate_network(dataclasses.replace(net, meta=again)) == []


@pytest.mark.parametrize("raw", ["not json", "{}", '[["a", "b"]]', "[[1, 2, 3]]"])
def test_malformed_reader_warnings_are_ignored(tiny_network: Network, raw: str) -> None:
    assert validate_network(dataclasses.replace(tiny_network, meta={READ_WARNINGS: raw})) == []
