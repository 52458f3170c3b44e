from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from tests.strategies import datasets

from corridor.exceptions import InputError
from corridor.io import dataset_to_geojson, read_dataset, read_geojson, write_geojson
from corridor.model import Dataset


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
