"""Link flows as GeoJSON: from a geometry table or a network, and written atomically."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.exceptions import InputError
from corridor.io import link_flows_geojson, write_flows_geojson
from corridor.model import Network


def flows() -> pd.DataFrame:
    return pd.DataFrame({"link": ["ab", "ab", "bc", "zz"], "from": ["a", "b", "b", "x"], "to": ["b", "a", "c", "y"],
                         "commodity": ["coal", "grain", "coal", "coal"], "tonnes": [1.5e6, 2.0e5, np.nan, 1.0]})


def geometry() -> pd.DataFrame:
    return pd.DataFrame({"link": ["ab", "bc"], "from": ["a", "b"], "to": ["b", "c"], "lon_from": [50.0, 51.0],
                         "lat_from": [40.0, 41.0], "lon_to": [51.0, 52.0], "lat_to": [41.0, 42.5]})


def test_lines_follow_the_direction_of_each_flow() -> None:
    doc = link_flows_geojson(flows(), geometry(), name="flows of run x")
    assert doc["type"] == "FeatureCollection" and doc["name"] == "flows of run x"
    ab, ba, bc, zz = doc["features"]
    assert ab["geometry"] == {"type": "LineString", "coordinates": [[50.0, 40.0], [51.0, 41.0]]}
    assert ba["geometry"]["coordinates"] == [[51.0, 41.0], [50.0, 40.0]]  # b → a: the geometry reversed
    assert bc["properties"] == {"link": "bc", "from": "b", "to": "c", "commodity": "coal", "tonnes": None}
    assert zz["geometry"] is None  # a link without geometry
    json.dumps(doc, allow_nan=False)


def test_lines_from_a_network(tiny_network: Network) -> None:
    link = tiny_network.links[0]
    a, b = (tiny_network.node(link.a), tiny_network.node(link.b))
    both = pd.DataFrame({"link": [link.id, link.id, "nope"], "from": [link.a, link.b, "x"], "to": [link.b, link.a, "y"],
                         "tonnes": np.array([1, 2, 3], dtype=np.int64)})
    doc = link_flows_geojson(both, tiny_network)
    forward, back, unknown = doc["features"]
    assert forward["geometry"]["coordinates"] == [[a.lon, a.lat], [b.lon, b.lat]]
    assert back["geometry"]["coordinates"] == [[b.lon, b.lat], [a.lon, a.lat]]
    assert unknown["geometry"] is None and forward["properties"]["tonnes"] == 1
    assert isinstance(forward["properties"]["tonnes"], int)
    no_direction = link_flows_geojson(pd.DataFrame({"link": [link.id], "tonnes": [5.0]}), tiny_network)
    assert no_direction["features"][0]["geometry"]["coordinates"] == [[a.lon, a.lat], [b.lon, b.lat]]


def test_the_same_lines_from_a_network_or_its_geometry(tiny_network: Network) -> None:
    pos = {n.id: (n.lon, n.lat) for n in tiny_network.nodes}
    rows = [{"link": lk.id, "from": lk.a, "to": lk.b, "lon_from": pos[lk.a][0], "lat_from": pos[lk.a][1],
             "lon_to": pos[lk.b][0], "lat_to": pos[lk.b][1]} for lk in tiny_network.links]
    table = pd.DataFrame(rows)
    flows_ = table[["link", "to", "from"]].rename(columns={"to": "from", "from": "to"}).assign(tonnes=1.0)
    assert (link_flows_geojson(flows_, table) == link_flows_geojson(flows_, tiny_network))


@pytest.mark.parametrize(("geometry_", "match"), [
    (None, r"^run r: geometry: expected a geometry table or a Network to draw the flows with, got NoneType$"),
    ("network.geojson", "got str"),
    (geometry().drop(columns="lat_to"), r"^run r table geometry: lat_to: column missing$"),
])
def test_bad_calls(geometry_: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        link_flows_geojson(flows(), geometry_, where="run r")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^table link_flows: link: column missing$"):
        link_flows_geojson(flows().drop(columns="link"), geometry())


def test_odd_cells_become_json() -> None:
    odd = pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "when": pd.to_datetime(["2021-03-01"]),
                        "n": pd.array([None], dtype="Int64"), "inf": [math.inf], "flag": [np.bool_(True)],
                        "cat": pd.Categorical(["rail"])})
    props = link_flows_geojson(odd, geometry())["features"][0]["properties"]
    assert props == {"link": "ab", "from": "a", "to": "b", "when": "2021-03-01T00:00:00", "n": None, "inf": None,
                     "flag": True, "cat": "rail"}
    indexed = flows().set_index("link")  # a meaningful index is a column again
    assert link_flows_geojson(indexed, geometry())["features"][0]["properties"]["link"] == "ab"


def test_write_is_atomic_and_names_the_path(tmp_path: Path) -> None:
    doc = link_flows_geojson(flows(), geometry())
    out = write_flows_geojson(doc, tmp_path / "maps" / "flows.geojson")
    assert out == tmp_path / "maps" / "flows.geojson" and json.loads(out.read_text(encoding="utf-8")) == doc
    with pytest.raises(InputError, match=r"flows\.geojson: cannot be written as GeoJSON"):
        write_flows_geojson({"x": math.nan}, tmp_path / "bad" / "flows.geojson")
    assert not (tmp_path / "bad").exists()
    with pytest.raises((InputError, OSError)):
        write_flows_geojson(doc, Path("/proc/x/flows.geojson"))
    assert sorted(p.name for p in (tmp_path / "maps").iterdir()) == ["flows.geojson"]  # no temporary file left


_coord = st.floats(-180, 180, allow_nan=False)


@given(rows=st.lists(st.tuples(st.sampled_from(["ab", "bc", "cd"]), st.booleans(),
                               st.floats(0, 1e9, allow_nan=False)), max_size=20),
       ends=st.lists(_coord, min_size=12, max_size=12))
def test_every_flow_is_one_feature_between_its_own_nodes(rows: list[tuple[str, bool, float]],
                                                           ends: list[float]) -> None:
    nodes = {"ab": ("a", "b"), "bc": ("b", "c"), "cd": ("c", "d")}
    table = pd.DataFrame([{"link": k, "from": a, "to": b, "lon_from": ends[4 * i], "lat_from": ends[4 * i + 1] / 2,
                           "lon_to": ends[4 * i + 2], "lat_to": ends[4 * i + 3] / 2}
                          for i, (k, (a, b)) in enumerate(nodes.items())])
    frame = pd.DataFrame([{"link": k, "from": nodes[k][int(rev)], "to": nodes[k][1 - int(rev)], "tonnes": t}
                          for k, rev, t in rows], columns=["link", "from", "to", "tonnes"])
    doc = link_flows_geojson(frame, table)
    assert len(doc["features"]) == len(frame)
    by_link = {r["link"]: r for r in table.to_dict("records")}
    for f, (k, rev, t) in zip(doc["features"], rows, strict=True):
        g = by_link[k]
        start, end = [g["lon_from"], g["lat_from"]], [g["lon_to"], g["lat_to"]]
        assert f["geometry"]["coordinates"] == ([end, start] if rev else [start, end])
        assert f["properties"]["tonnes"] == t
