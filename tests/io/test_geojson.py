from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import datasets

from corridor.cli import main
from corridor.exceptions import InputError, Problem
from corridor.io import dataset_to_geojson, read_dataset, read_geojson, write_geojson
from corridor.model import Dataset, Link, Network, validate_network
from corridor.model.validate import READ_WARNINGS


def test_round_trip(tiny_dataset: Dataset, tmp_path: Path) -> None:
    out = write_geojson(tiny_dataset, tmp_path / "net.geojson")
    again = read_dataset(out)
    assert again.network.nodes == tiny_dataset.network.nodes
    assert again.network.links == tiny_dataset.network.links
    assert again.network.transfers == tiny_dataset.network.transfers
    assert again.network.sources == tiny_dataset.network.sources
    assert again.demand.rows == tiny_dataset.demand.rows


def test_is_plain_geojson(tiny_dataset: Dataset) -> None:
    doc = dataset_to_geojson(tiny_dataset)
    assert doc["type"] == "FeatureCollection"
    kinds = {f["properties"]["record"]: f["geometry"]["type"] for f in doc["features"]}
    assert kinds == {"node": "Point", "link": "LineString", "transfer": "Point"}
    link = next(f for f in doc["features"] if f["id"] == "west-mid")
    assert link["geometry"]["coordinates"] == [[51.0, 43.0], [60.0, 45.0]]
    assert link["properties"]["distance_km_source"] == "T1"
    json.dumps(doc, allow_nan=False)  # strict JSON: no NaN/Infinity


@given(datasets())
def test_round_trip_random(tmp_path_factory: pytest.TempPathFactory, ds: Dataset) -> None:
    path = tmp_path_factory.mktemp("gj") / "net.geojson"
    write_geojson(ds, path)
    again = read_geojson(path)
    assert again.network.nodes == ds.network.nodes
    assert again.network.links == ds.network.links
    assert again.demand.rows == ds.demand.rows
    assert [lk.provenance for lk in again.network.links] == [lk.provenance for lk in ds.network.links]


def _error(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "bad.geojson"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    with pytest.raises(InputError) as err:
        read_geojson(path)
    return str(err.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("", "bad.geojson: file is empty"),
    ('{"type": "FeatureCollection",\n "features": [\n', "bad.geojson:3: not valid JSON"),
    ('{"type": "Feature"}', "bad.geojson: type: expected a GeoJSON FeatureCollection, got 'Feature'"),
    ("[1, 2]", "expected a GeoJSON FeatureCollection, got 'list'"),
    ('{"type": "FeatureCollection", "features": 3}', "features: must be a list"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null}]}',
     "bad.geojson:features[0]: properties: feature without a properties object"),
])
def test_malformed(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in _error(tmp_path, text)


def test_bad_feature_names_index_id_and_property(tiny_dataset: Dataset, tmp_path: Path) -> None:
    doc = dataset_to_geojson(tiny_dataset)
    link = next(i for i, f in enumerate(doc["features"]) if f["id"] == "mid-border")
    doc["features"][link]["properties"]["capacity_mtpa"] = "lots"
    doc["features"][link]["properties"]["colour"] = "red"
    text = _error(tmp_path, json.dumps(doc))
    assert f"bad.geojson:features[{link}] (link mid-border): capacity_mtpa: expected a number, got 'lots'" in text
    assert f"bad.geojson:features[{link}] (link mid-border): colour: unknown property" in text


def test_binary(tmp_path: Path) -> None:
    assert "is a binary file" in _error(tmp_path, b"\x89PNG\x00\x00" * 100)


def test_nodes_take_coordinates_from_geometry(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [51.2, 43.6]},
         "properties": {"record": "node", "id": "p", "name": "P", "country": "KZ", "kind": "seaport"}},
    ]}
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps(doc))
    node = read_geojson(path).network.nodes[0]
    assert (node.lon, node.lat) == (51.2, 43.6)


# --- nesting, geometry, and what a GIS edit looks like -------------------------------------------


CLI = "import sys; from corridor.cli import main; sys.exit(main(sys.argv[1:]))"


def _doc(ds: Dataset) -> dict[str, Any]:
    return dataset_to_geojson(ds)


def _index(doc: dict[str, Any], fid: str) -> int:
    return next(i for i, f in enumerate(doc["features"]) if f["id"] == fid)


def _read(tmp_path: Path, doc: dict[str, Any]) -> Dataset:
    path = tmp_path / "net.geojson"
    path.write_text(json.dumps(doc))
    return read_geojson(path)


def _problems(tmp_path: Path, doc: dict[str, Any] | str) -> list[Problem]:
    path = tmp_path / "net.geojson"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    with pytest.raises(InputError) as err:
        read_geojson(path)
    return err.value.problems


def _warnings(ds: Dataset) -> list[Problem]:
    problems = validate_network(ds.network, ds.demand, strict=False)
    assert all(p.severity == "warning" for p in problems)
    return problems


@pytest.mark.parametrize("where", ["geometry", "property"])
def test_deep_nesting_is_refused(tiny_dataset: Dataset, tmp_path: Path, where: str) -> None:
    doc = _doc(tiny_dataset)
    i = _index(doc, "mid")
    if where == "geometry":
        doc["features"][i]["geometry"]["coordinates"] = "MARK"
    else:
        doc["features"][i]["properties"]["note"] = "MARK"
    text = json.dumps(doc, indent=1)
    line = text[: text.index('"MARK"')].count("\n") + 1
    (p,) = _problems(tmp_path, text.replace('"MARK"', "[" * 100_000 + "]" * 100_000))
    assert p.where == f"{tmp_path / 'net.geojson'}:{line}"
    expected = "features[1].geometry.coordinates…" if where == "geometry" else "features[1].properties.note…"
    assert p.field == expected
    assert p.message.startswith("nested more than 64 levels deep")


def test_deep_nesting_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "deep.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [' + "[" * 100_000 + "]" * 100_000 + "]}")
    p = subprocess.run([sys.executable, "-c", CLI, "network", "validate", str(path)], capture_output=True, text=True)
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [f"{path}:1: features[0][0][0]…: nested more than 64 levels deep "
                                             "(corridor reads JSON up to 64 levels of [ ] and { })"]


@pytest.mark.parametrize(("geometry", "message"), [
    ({"type": "Polygon", "coordinates": [[[60, 45], [61, 45], [61, 46], [60, 45]]]},
     "a node's geometry must be a Point, got 'Polygon'"),
    ({"type": "Point", "coordinates": ["60.0", "45.0"]},
     "a position must be [lon, lat], two finite numbers, got ['60.0', '45.0']"),
    ({"type": "Point", "coordinates": [60.0]}, "a position must be [lon, lat], two finite numbers, got [60.0]"),
    ({"type": "Point", "coordinates": [60.0, True]},
     "a position must be [lon, lat], two finite numbers, got [60.0, True]"),
    ({"type": "Point", "coordinates": [60.0, 1e999]},
     "a position must be [lon, lat], two finite numbers, got [60.0, inf]"),
    ({"type": "Point"}, "a position must be [lon, lat], two finite numbers, got None"),
    (None, "a node needs a Point geometry [lon, lat], got null"),
    ("POINT (60 45)", "a node's geometry must be a Point, got 'POINT (60 45)'"),
])
def test_node_geometry_must_be_a_point(tiny_dataset: Dataset, tmp_path: Path, geometry: Any, message: str) -> None:
    doc = _doc(tiny_dataset)
    i = _index(doc, "mid")
    doc["features"][i]["geometry"] = geometry
    (p,) = _problems(tmp_path, doc)
    assert (p.where, p.field, p.message) == (f"{tmp_path / 'net.geojson'}:features[{i}] (node mid)", "geometry",
                                             message)


def test_moved_node_takes_the_point_and_warns(tiny_dataset: Dataset, tmp_path: Path) -> None:
    doc = _doc(tiny_dataset)
    i = _index(doc, "mid")
    doc["features"][i]["geometry"]["coordinates"] = [61.5, 44.25]  # dragged in QGIS; lon/lat stay 60, 45
    ds = _read(tmp_path, doc)
    node = ds.network.node("mid")
    assert (node.lon, node.lat) == (61.5, 44.25)
    (w,) = _warnings(ds)
    assert (w.where, w.field) == (f"{tmp_path / 'net.geojson'}:features[{i}] (node mid)", "geometry")
    assert w.message == ("the Point is at [61.5, 44.25] but the lon/lat properties say [60.0, 45.0]; "
                         "using the Point (the position a GIS edits)")
    # the links at 'mid' still end at its old place: not redrawn, so no warning of their own


def test_moved_node_through_the_cli(tiny_dataset: Dataset, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    doc = _doc(tiny_dataset)
    doc["features"][_index(doc, "mid")]["geometry"]["coordinates"] = [61.5, 44.25]
    path = tmp_path / "net.geojson"
    path.write_text(json.dumps(doc))
    assert main(["network", "validate", str(path)]) == 0
    out = capsys.readouterr()
    assert f"{path}:features[1] (node mid): geometry: warning: the Point is at [61.5, 44.25]" in out.err
    assert "1 warning(s)" in out.out


@pytest.mark.parametrize("delta", [4e-6, -9.9e-6])
def test_rounding_is_not_a_move(tiny_dataset: Dataset, tmp_path: Path, delta: float) -> None:
    doc = _doc(tiny_dataset)
    i = _index(doc, "mid")
    doc["features"][i]["geometry"]["coordinates"] = [60.0 + delta, 45.0 - delta]
    ds = _read(tmp_path, doc)
    assert _warnings(ds) == []
    assert ds.network.node("mid").lon == 60.0 + delta


def test_lon_lat_properties_may_be_missing_or_text(tiny_dataset: Dataset, tmp_path: Path) -> None:
    doc = _doc(tiny_dataset)
    props = doc["features"][_index(doc, "mid")]["properties"]
    del props["lon"]
    props["lat"] = "45.0"
    ds = _read(tmp_path, doc)
    assert (ds.network.node("mid").lon, ds.network.node("mid").lat) == (60.0, 45.0)
    assert _warnings(ds) == []
    props["lat"] = "north"
    (p,) = _problems(tmp_path, doc)
    assert (p.field, p.message) == ("lat", "expected a number, got 'north'")


def test_link_away_from_its_nodes_warns(tiny_dataset: Dataset, tmp_path: Path) -> None:
    doc = _doc(tiny_dataset)
    i = _index(doc, "west-mid")
    doc["features"][i]["geometry"]["coordinates"] = [[51.0, 43.0], [55.0, 44.0], [59.0, 45.5]]
    ds = _read(tmp_path, doc)
    (w,) = _warnings(ds)
    assert (w.where, w.field) == (f"{tmp_path / 'net.geojson'}:features[{i}] (link west-mid)", "geometry")
    assert w.message == ("the LineString runs from [51.0, 43.0] to [59.0, 45.5] but node 'west' is at "
                         "[51.0, 43.0] and node 'mid' at [60.0, 45.0]; a link is drawn from its nodes, so its "
                         "line is not used")
    assert ds.network.link("west-mid") == tiny_dataset.network.link("west-mid")


@pytest.mark.parametrize("geometry", [
    None,
    {"type": "LineString", "coordinates": [[51.0, 43.0], [55.5, 44.1, 120.0], [60.0, 45.0]]},
    {"type": "MultiLineString", "coordinates": [[[51.0, 43.0], [55.0, 44.0]], [[55.0, 44.0], [60.0, 45.0]]]},
])
def test_link_geometries_that_fit(tiny_dataset: Dataset, tmp_path: Path, geometry: Any) -> None:
    doc = _doc(tiny_dataset)
    doc["features"][_index(doc, "west-mid")]["geometry"] = geometry
    assert _warnings(_read(tmp_path, doc)) == []


@pytest.mark.parametrize(("geometry", "message"), [
    ({"type": "Point", "coordinates": [51.0, 43.0]},
     "a link's geometry must be a LineString or MultiLineString, got 'Point'"),
    ({"type": "LineString", "coordinates": [[51.0, 43.0]]},
     "a LineString needs at least two positions per line, got [[51.0, 43.0]]"),
    ({"type": "LineString", "coordinates": [[51.0, 43.0], ["60", "45"]]},
     "a position must be [lon, lat], two finite numbers, got ['60', '45']"),
])
def test_bad_link_geometry(tiny_dataset: Dataset, tmp_path: Path, geometry: Any, message: str) -> None:
    doc = _doc(tiny_dataset)
    i = _index(doc, "west-mid")
    doc["features"][i]["geometry"] = geometry
    (p,) = _problems(tmp_path, doc)
    assert (p.where, p.field, p.message) == (f"{tmp_path / 'net.geojson'}:features[{i}] (link west-mid)",
                                             "geometry", message)


def test_transfer_point_away_from_its_node(tiny_dataset: Dataset, tmp_path: Path) -> None:
    doc = _doc(tiny_dataset)
    i = _index(doc, "border-gauge")
    doc["features"][i]["geometry"]["coordinates"] = [80.5, 45.0]
    (w,) = _warnings(_read(tmp_path, doc))
    assert w.where == f"{tmp_path / 'net.geojson'}:features[{i}] (transfer border-gauge)"
    assert w.message == ("the Point [80.5, 45.0] is not at node 'border' [80.0, 45.0]; a transfer is placed at "
                         "its node")
    doc["features"][i]["geometry"] = {"type": "LineString", "coordinates": [[80, 45], [81, 45]]}
    (p,) = _problems(tmp_path, doc)
    assert (p.field, p.message) == ("geometry", "a transfer's geometry must be a Point, got 'LineString'")


def test_warnings_do_not_travel_into_an_export(tiny_dataset: Dataset, tmp_path: Path) -> None:
    doc = _doc(tiny_dataset)
    doc["features"][_index(doc, "mid")]["geometry"]["coordinates"] = [61.5, 44.25]
    ds = _read(tmp_path, doc)
    assert READ_WARNINGS in ds.network.meta
    again = dataset_to_geojson(ds)
    assert READ_WARNINGS not in again["corridor"]["meta"]
    again["corridor"]["meta"][READ_WARNINGS] = json.dumps([["x", "y", "stale"]])
    back = _read(tmp_path, again)
    assert _warnings(back) == []
    assert back.network.node("mid").lon == 61.5


def test_unknown_node_gets_no_geometry(tiny_network: Network) -> None:
    net = tiny_network.with_links([Link("ghost", "mid", "nowhere", "road", distance_km=1.0, speed_kmh=1.0)])
    doc = dataset_to_geojson(net)
    assert doc["features"][_index(doc, "ghost")]["geometry"] is None
    json.dumps(doc, allow_nan=False)


@settings(max_examples=30)
@given(datasets(), st.data())
def test_moving_any_node_moves_it(tmp_path_factory: pytest.TempPathFactory, ds: Dataset, data: st.DataObject) -> None:
    doc = _doc(ds)
    node = data.draw(st.sampled_from(ds.network.nodes))
    d = data.draw(st.floats(-1.0, 1.0).filter(lambda x: abs(x) > 2e-5))
    i = _index(doc, node.id)
    doc["features"][i]["geometry"]["coordinates"] = [node.lon + d, node.lat - d]
    path = tmp_path_factory.mktemp("gj") / "net.geojson"
    path.write_text(json.dumps(doc))
    back = read_geojson(path)
    moved = back.network.node(node.id)
    assert (moved.lon, moved.lat) == (node.lon + d, node.lat - d)
    warnings = [p for p in validate_network(back.network, strict=False, require_sources=False)
                if p.field == "geometry"]
    assert [w.where for w in warnings] == [f"{path}:features[{i}] (node {node.id})"]
    assert all(n == m for n, m in zip(ds.network.nodes, back.network.nodes, strict=True) if n.id != node.id)
