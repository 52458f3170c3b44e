"""The JSON Schemas of the file formats agree with the readers: the built-in data and scenarios pass, mistakes fail."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from corridor import data
from corridor.io.geojson import dataset_to_geojson
from corridor.io.jsonschema import network_schema, table_schema
from corridor.io.schema import TABLES
from corridor.scenarios.schema import scenario_schema
from corridor.scenarios.spec import CHANGE_KINDS

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "src" / "corridor" / "data" / "scenarios").glob("*.yaml"))
V = jsonschema.Draft202012Validator


def test_schemas_are_valid_json_schemas() -> None:
    V.check_schema(network_schema())
    V.check_schema(scenario_schema())
    assert set(network_schema()["$defs"]) == set(TABLES)


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    doc = dataset_to_geojson(data.load())
    out: dict[str, list[dict]] = {"nodes": [], "links": [], "transfers": []}
    for f in doc["features"]:
        props = dict(f["properties"])
        out[{"node": "nodes", "link": "links", "transfer": "transfers"}[props.pop("record")]].append(props)
    for t in ("commodities", "sources", "demand", "tariffs", "facilities", "fleets"):
        out[t] = doc["corridor"].get(t, [])
    return out


@pytest.mark.parametrize("table", ["nodes", "links", "transfers", "commodities", "sources", "demand", "tariffs",
                                   "facilities", "fleets"])
def test_the_built_in_data_matches_its_schema(rows: dict[str, list[dict]], table: str) -> None:
    v = V(table_schema(table))
    assert rows[table], table
    bad = [(r.get("id") or r.get("key"), e.message) for r in rows[table] for e in v.iter_errors(r)]
    assert not bad, bad[:5]


def test_mistakes_fail_the_link_schema(rows: dict[str, list[dict]]) -> None:
    v = V(table_schema("links"))
    link = dict(rows["links"][0])
    assert not list(v.iter_errors(link))
    for change in ({"mode": "rail-1600"}, {"distance_km": -3.0}, {"capacity_mtpa": 5e6}, {"speed": 80},
                   {"time_h_status": "guess"}):
        assert list(v.iter_errors({**link, **change})), change
    assert list(v.iter_errors({k: x for k, x in link.items() if k != "b"}))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_match_the_scenario_schema(path: Path) -> None:
    errors = [e.message for e in V(scenario_schema()).iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert not errors, errors[:3]


def test_mistakes_fail_the_scenario_schema() -> None:
    v = V(scenario_schema())
    good = {"name": "x", "changes": [{"scale_capacity": {"select": {"id": "aktau-port-out"}, "factor": 1.5}}]}
    assert not list(v.iter_errors(good))
    for bad in ({"name": "x", "changes": [{"scale_capacity": {"select": {"id": "a"}}}]},        # no factor
                {"name": "x", "changes": [{"scale_capacity": {"factor": -1}}]},                   # negative
                {"name": "x", "changes": [{"close_everything": ["a"]}]},                          # unknown kind
                {"name": "x", "changes": [{"change_time": {"select": {"id": "a"}}}]},            # factor or add_h
                {"name": "x", "engine": {"method": "magic"}},
                {"name": "x", "base": {"dataset": "eurasia", "year": 1066}},
                {"changes": []}):                                                                  # no name
        assert list(v.iter_errors(bad)), bad
    ref = {"name": "x", "changes": [{"grow_demand": {"factor": "$growth"}, "when": "$closed"}]}
    assert not list(v.iter_errors(ref))
    assert len(scenario_schema()["properties"]["changes"]["items"]["oneOf"]) == len(CHANGE_KINDS)
