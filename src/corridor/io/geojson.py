"""Networks as GeoJSON: one FeatureCollection that opens in QGIS.

Nodes are ``Point`` features, links ``LineString`` features from ``a`` to ``b``, transfers
``Point`` features at their node; the property ``record`` says which. Properties use the column
names of :mod:`corridor.io.schema`. Commodities, sources and demand, which have no geometry,
travel in the foreign member ``"corridor"`` of the collection.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem
from corridor.io.files import atomic_file, read_text
from corridor.io.schema import TABLES, Catalogue, record_to_row, row_to_record
from corridor.model import Dataset, Demand, Network

__all__ = ["dataset_to_geojson", "read_geojson", "write_geojson"]

_RECORD_TABLE = {"node": "nodes", "link": "links", "transfer": "transfers"}


def dataset_to_geojson(dataset: Dataset | Network) -> dict[str, Any]:
    """The dataset as a GeoJSON FeatureCollection (a plain dict)."""
    if isinstance(dataset, Network):
        dataset = Dataset(dataset)
    net = dataset.network
    pos = {n.id: [n.lon, n.lat] for n in net.nodes}
    features: list[dict[str, Any]] = []
    for n in net.nodes:
        props = {"record": "node", **record_to_row(TABLES["nodes"], n, text=False)}
        features.append({"type": "Feature", "id": n.id, "geometry": {"type": "Point", "coordinates": pos[n.id]},
                         "properties": props})
    for lk in net.links:
        props = {"record": "link", **record_to_row(TABLES["links"], lk, text=False)}
        geom = {"type": "LineString", "coordinates": [pos.get(lk.a), pos.get(lk.b)]}
        features.append({"type": "Feature", "id": lk.id, "geometry": geom, "properties": props})
    for t in net.transfers:
        props = {"record": "transfer", **record_to_row(TABLES["transfers"], t, text=False)}
        features.append({"type": "Feature", "id": t.id,
                         "geometry": {"type": "Point", "coordinates": pos.get(t.node)}, "properties": props})
    return {
        "type": "FeatureCollection",
        "name": net.name,
        "features": features,
        "corridor": {
            "format": 1,
            "name": net.name,
            "meta": dict(net.meta),
            "commodities": [record_to_row(TABLES["commodities"], c, text=False) for c in net.commodities],
            "sources": [record_to_row(TABLES["sources"], s, text=False) for s in net.sources.values()],
            "demand": [record_to_row(TABLES["demand"], r, text=False) for r in dataset.demand.rows],
        },
    }


def write_geojson(dataset: Dataset | Network, path: Path) -> Path:
    """Write the dataset as GeoJSON to ``path``, atomically."""
    path = Path(path)
    text = json.dumps(dataset_to_geojson(dataset), ensure_ascii=False, indent=1)
    with atomic_file(path) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")
    return path



def _load_collection(path: Path) -> dict[str, Any]:
    name = str(path)
    text = read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(Problem(f"{name}:{e.lineno}", "", f"not valid JSON: {e.msg} (column {e.colno})")) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise InputError(Problem(name, "type", f"expected a GeoJSON FeatureCollection, got {got!r}"))
    if not isinstance(doc.get("features"), list):
        raise InputError(Problem(name, "features", "must be a list of features"))
    return doc


def _read_feature(f: Any, where: str, problems: list[Problem]) -> tuple[str, Any] | None:
    if not isinstance(f, dict) or not isinstance(f.get("properties"), dict):
        problems.append(Problem(where, "properties", "feature without a properties object"))
        return None
    props = dict(f["properties"])
    geometry = f.get("geometry") if isinstance(f.get("geometry"), dict) else {}
    kind = props.pop("record", None) or ("node" if geometry.get("type") == "Point" else "link")
    if kind not in _RECORD_TABLE:
        problems.append(Problem(where, "record", f"unknown record {kind!r}; expected node, link or transfer"))
        return None
    if "id" in props:
        where = f"{where} ({kind} {props['id']})"
    table = TABLES[_RECORD_TABLE[kind]]
    coords = geometry.get("coordinates")
    if kind == "node" and isinstance(coords, list) and len(coords) >= 2:
        props.setdefault("lon", coords[0])
        props.setdefault("lat", coords[1])
    problems.extend(Problem(where, k, "unknown property") for k in props if k not in table.names)
    rec = row_to_record(table, props, where, problems)
    return None if rec is None else (table.name, rec)


def _read_extra(doc: dict[str, Any], name: str, problems: list[Problem]) -> dict[str, list[Any]]:
    extra = doc.get("corridor") or {}
    other: dict[str, list[Any]] = {"commodities": [], "sources": [], "demand": []}
    if not isinstance(extra, dict):
        problems.append(Problem(name, "corridor", "must be an object"))
        return other
    for tname, records in other.items():
        rows = extra.get(tname) or []
        if not isinstance(rows, list):
            problems.append(Problem(name, f"corridor.{tname}", "must be a list"))
            continue
        for i, row in enumerate(rows):
            where = f"{name}:corridor.{tname}[{i}]"
            if not isinstance(row, dict):
                problems.append(Problem(where, "", "must be an object"))
                continue
            rec = row_to_record(TABLES[tname], row, where, problems)
            if rec is not None:
                records.append(rec)
    return other


def read_geojson(path: Path, *, default_commodities: Catalogue | None = None) -> Dataset:
    """Read a dataset from a GeoJSON FeatureCollection written by corridor (or by hand, or QGIS).

    Without commodities in the file the network gets ``default_commodities`` (see
    :func:`corridor.io.read_csv_dataset`), or none.

    Raises
    ------
    InputError
        Naming the file, the feature (index and id) and the property at fault.
    """
    path = Path(path)
    name = str(path)
    doc = _load_collection(path)
    problems: list[Problem] = []
    records: dict[str, list[Any]] = {"nodes": [], "links": [], "transfers": []}
    for i, f in enumerate(doc["features"]):
        got = _read_feature(f, f"{name}:features[{i}]", problems)
        if got is not None:
            records[got[0]].append(got[1])
        if len(problems) > 200:
            break
    other = _read_extra(doc, name, problems)
    if problems:
        raise InputError(problems)
    sources = {s.key: s for s in other["sources"]}
    commodities = other["commodities"]
    if not commodities and default_commodities is not None:
        commodities, std_sources = list(default_commodities[0]), dict(default_commodities[1])
        sources = {**std_sources, **sources}
    extra = doc.get("corridor") or {}
    meta = extra.get("meta") if isinstance(extra.get("meta"), dict) else {}
    net = Network(
        name=str(extra.get("name") or doc.get("name") or path.stem),
        nodes=tuple(records["nodes"]),
        links=tuple(records["links"]),
        transfers=tuple(records["transfers"]),
        commodities=tuple(commodities),
        sources=sources,
        meta={**{str(k): str(v) for k, v in meta.items()}, "format": "geojson", "path": str(path)},
    )
    return Dataset(net, Demand(tuple(other["demand"])))
