"""Networks as GeoJSON: one FeatureCollection that opens in QGIS.

Nodes are ``Point`` features, links ``LineString`` features from ``a`` to ``b``, transfers
``Point`` features at their node; the property ``record`` says which. Properties use the column
names of :mod:`corridor.io.schema`. Commodities, sources and demand, which have no geometry,
travel in the foreign member ``"corridor"`` of the collection.

Reading, a node's position is its ``Point`` (what a GIS edits): when the ``lon``/``lat``
properties left beside it differ by more than :data:`POSITION_TOLERANCE_DEG`, the Point wins and
:func:`~corridor.model.validate_network` warns, naming both positions. Links and transfers are
drawn from their nodes: a ``LineString`` whose ends are not at its nodes, or a transfer ``Point``
not at its node, gets the same warning (unless it is still where a moved node used to be). Their
geometry may also be ``null``; a node's may not.
"""

from __future__ import annotations

import json
import math
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem
from corridor.io.files import atomic_file, read_json
from corridor.io.schema import TABLES, Catalogue, record_to_row, row_to_record
from corridor.model import Dataset, Demand, Network
from corridor.model.tariffs import TariffTable, tariff_problems
from corridor.model.validate import READ_WARNINGS, note_read_warnings

__all__ = ["POSITION_TOLERANCE_DEG", "dataset_to_geojson", "read_geojson", "write_geojson"]

POSITION_TOLERANCE_DEG = 1e-5
"""Positions closer than this in both lon and lat (degrees; about 1 m) are the same place.

It absorbs coordinates rounded to 5 decimals (GDAL writes 7 for RFC 7946 GeoJSON); a node moved
by hand in a GIS moves much further.
"""

_RECORD_TABLE = {"node": "nodes", "link": "links", "transfer": "transfers"}
_GEOMETRY = {"node": ("Point",), "link": ("LineString", "MultiLineString"), "transfer": ("Point",)}
_Pos = tuple[float, float]


def _repr() -> reprlib.Repr:
    r = reprlib.Repr()  # keyword arguments need Python 3.12
    r.maxlevel, r.maxlist, r.maxdict, r.maxstring, r.maxother = 3, 4, 4, 40, 40
    return r


_short = _repr().repr
"""A short ``repr`` of a user's value, whatever its size (for messages)."""


def dataset_to_geojson(dataset: Dataset | Network) -> dict[str, Any]:
    """The dataset as a GeoJSON FeatureCollection (a plain dict).

    A link or transfer that refers to an unknown node gets a ``null`` geometry.

    Examples
    --------
    >>> from corridor import data
    >>> doc = dataset_to_geojson(data.load())
    >>> doc["type"], doc["features"][0]["properties"]["record"], doc["features"][0]["geometry"]["type"]
    ('FeatureCollection', 'node', 'Point')
    """
    if isinstance(dataset, Network):
        dataset = Dataset(dataset)
    net = dataset.network
    pos = {n.id: [n.lon, n.lat] for n in net.nodes}

    def feature(kind: str, record: Any, geometry: dict[str, Any] | None) -> dict[str, Any]:
        props = {"record": kind, **record_to_row(TABLES[_RECORD_TABLE[kind]], record, text=False)}
        return {"type": "Feature", "id": record.id, "geometry": geometry, "properties": props}

    def shape(kind: str, *refs: str) -> dict[str, Any] | None:
        if any(r not in pos for r in refs):
            return None
        return {"type": kind, "coordinates": pos[refs[0]] if kind == "Point" else [pos[r] for r in refs]}

    features = [feature("node", n, shape("Point", n.id)) for n in net.nodes]
    features += [feature("link", lk, shape("LineString", lk.a, lk.b)) for lk in net.links]
    features += [feature("transfer", t, shape("Point", t.node)) for t in net.transfers]
    return {
        "type": "FeatureCollection",
        "name": net.name,
        "features": features,
        "corridor": {
            "format": 1,
            "name": net.name,
            "meta": note_read_warnings(dict(net.meta), []),
            "commodities": [record_to_row(TABLES["commodities"], c, text=False) for c in net.commodities],
            "sources": [record_to_row(TABLES["sources"], s, text=False) for s in net.sources.values()],
            "demand": [record_to_row(TABLES["demand"], r, text=False) for r in dataset.demand.rows],
            "tariffs": [record_to_row(TABLES["tariffs"], r, text=False) for r in net.tariffs.rows],
            **{t: [record_to_row(TABLES[t], r, text=False) for r in getattr(net, t)]
               for t in ("facilities", "fleets") if getattr(net, t)},
        },
    }


def write_geojson(dataset: Dataset | Network, path: Path) -> Path:
    """Write the dataset as GeoJSON to ``path``, atomically.

    Raises
    ------
    InputError
        If ``path`` cannot be written (naming it and the reason).

    Examples
    --------
    >>> import tempfile
    >>> from corridor import data
    >>> out = write_geojson(data.load(), Path(tempfile.mkdtemp()) / "eurasia.geojson")
    >>> out.suffix, len(read_geojson(out).network.nodes) == len(data.load().network.nodes)
    ('.geojson', True)
    """
    path = Path(path)
    text = json.dumps(dataset_to_geojson(dataset), ensure_ascii=False, indent=1)
    with atomic_file(path) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")
    return path


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    """A link or transfer read with a geometry, to compare with its nodes once all are read."""

    kind: str
    where: str
    refs: tuple[str, str]
    ends: tuple[_Pos, _Pos]


@dataclass
class _Read:
    """What reading the features gave: records, problems, warnings and geometries to check."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    records: dict[str, list[Any]] = field(default_factory=lambda: {"nodes": [], "links": [], "transfers": []})
    placed: list[_Placed] = field(default_factory=list)
    moved: dict[str, _Pos] = field(default_factory=dict)  # node id: where lon/lat had it before its Point moved


def _load_collection(path: Path) -> dict[str, Any]:
    name = str(path)
    doc = read_json(path)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise InputError(Problem(name, "type", f"expected a GeoJSON FeatureCollection, got {_short(got)}"))
    if not isinstance(doc.get("features"), list):
        raise InputError(Problem(name, "features", "must be a list of features"))
    return doc


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _position(raw: Any) -> _Pos | None:
    """``(lon, lat)`` of a GeoJSON position (two finite numbers, and an optional altitude)."""
    if isinstance(raw, list) and len(raw) in (2, 3) and all(_finite(x) for x in raw):
        return float(raw[0]), float(raw[1])
    return None


def _vertices(gtype: str, coords: Any) -> list[Any] | None:
    """The positions of a Point, LineString or MultiLineString, in order; None if malformed."""
    if gtype == "Point":
        return [coords]
    lines = [coords] if gtype == "LineString" else coords
    if not isinstance(lines, list) or not lines:
        return None
    if not all(isinstance(line, list) and len(line) >= 2 for line in lines):
        return None
    return [p for line in lines for p in line]


def _geometry_ends(kind: str, geometry: Any, where: str, problems: list[Problem]) -> tuple[_Pos, _Pos] | None:
    """First and last position of a feature's geometry, checked for its kind of record."""
    allowed = _GEOMETRY[kind]
    if geometry is None:
        if kind == "node":
            problems.append(Problem(where, "geometry", "a node needs a Point geometry [lon, lat], got null"))
        return None
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    if gtype not in allowed:
        got = _short(gtype) if isinstance(geometry, dict) else _short(geometry)
        problems.append(Problem(where, "geometry", f"a {kind}'s geometry must be a {' or '.join(allowed)}, "
                                f"got {got}"))
        return None
    coords = geometry.get("coordinates")
    vertices = _vertices(gtype, coords)
    if vertices is None:
        problems.append(Problem(where, "geometry", f"a {gtype} needs at least two positions per line, "
                                f"got {_short(coords)}"))
        return None
    positions: list[_Pos] = []
    for v in vertices:
        pos = _position(v)
        if pos is None:
            problems.append(Problem(where, "geometry", f"a position must be [lon, lat], two finite numbers, "
                                    f"got {_short(v)}"))
            return None
        positions.append(pos)
    return positions[0], positions[-1]


def _as_number(raw: Any) -> float | None:
    """A property's value as a finite number, or None (empty, or not a number: the schema says so)."""
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _same(p: _Pos, q: _Pos) -> bool:
    return abs(p[0] - q[0]) <= POSITION_TOLERANCE_DEG and abs(p[1] - q[1]) <= POSITION_TOLERANCE_DEG


def _fmt(p: _Pos) -> str:
    return f"[{p[0]!r}, {p[1]!r}]"


def _take_point(props: dict[str, Any], point: _Pos, where: str, warnings: list[Problem]) -> _Pos | None:
    """Set a node's ``lon``/``lat`` from its Point, warning when the properties said otherwise.

    Returns the position the properties gave if the Point moved away from it, else None.
    """
    given = (_as_number(props.get("lon")), _as_number(props.get("lat")))
    moved = any(g is not None and abs(g - p) > POSITION_TOLERANCE_DEG for g, p in zip(given, point, strict=True))
    if moved:
        said = f"[{_short(props.get('lon'))}, {_short(props.get('lat'))}]"
        warnings.append(Problem(where, "geometry", f"the Point is at {_fmt(point)} but the lon/lat properties say "
                                f"{said}; using the Point (the position a GIS edits)", "warning"))
    for key, g, p in zip(("lon", "lat"), given, point, strict=True):
        raw = props.get(key)
        if g is not None or raw is None or (isinstance(raw, str) and not raw.strip()):
            props[key] = p
    return (given[0], given[1]) if moved and given[0] is not None and given[1] is not None else None


def _feature_kind(props: dict[str, Any], geometry: Any) -> Any:
    kind = props.pop("record", None)
    if kind is None or kind == "":
        return "node" if isinstance(geometry, dict) and geometry.get("type") == "Point" else "link"
    return kind


def _read_feature(f: Any, where: str, out: _Read) -> None:
    if not isinstance(f, dict) or not isinstance(f.get("properties"), dict):
        out.problems.append(Problem(where, "properties", "feature without a properties object"))
        return
    props = dict(f["properties"])
    geometry = f.get("geometry")
    kind = _feature_kind(props, geometry)
    if not isinstance(kind, str) or kind not in _RECORD_TABLE:
        out.problems.append(Problem(where, "record", f"unknown record {_short(kind)}; expected node, link or transfer"))
        return
    if "id" in props:
        ident = props["id"]
        if not (isinstance(ident, int) or (isinstance(ident, str) and len(ident) <= 80)):
            ident = _short(ident)
        where = f"{where} ({kind} {ident})"
    ends = _geometry_ends(kind, geometry, where, out.problems)
    was = _take_point(props, ends[0], where, out.warnings) if kind == "node" and ends is not None else None
    table = TABLES[_RECORD_TABLE[kind]]
    out.problems.extend(Problem(where, k, "unknown property") for k in props if k not in table.names)
    rec = row_to_record(table, props, where, out.problems)
    if rec is None:
        return
    out.records[table.name].append(rec)
    if was is not None:
        out.moved[rec.id] = was
    if kind != "node" and ends is not None:
        refs = (rec.a, rec.b) if kind == "link" else (rec.node, rec.node)
        out.placed.append(_Placed(kind, where, refs, ends))


def _placement_warnings(read: _Read) -> list[Problem]:
    """Warnings for link and transfer geometries that are not where their nodes are.

    An end still at the ``lon``/``lat`` of a node whose Point was moved is not one: that line was
    merely not redrawn, and the node's own warning says what changed.
    """
    nodes = {n.id: (n.lon, n.lat) for n in read.records["nodes"]}

    def at(end: _Pos, node: str) -> bool:
        was = read.moved.get(node)
        return _same(end, nodes[node]) or (was is not None and _same(end, was))

    out = []
    for p in read.placed:
        if p.refs[0] not in nodes or p.refs[1] not in nodes:
            continue  # an unknown node is validate_network's to report
        if at(p.ends[0], p.refs[0]) and at(p.ends[1], p.refs[1]):
            continue
        a, b = nodes[p.refs[0]], nodes[p.refs[1]]
        if p.kind == "link":
            message = (f"the LineString runs from {_fmt(p.ends[0])} to {_fmt(p.ends[1])} but node {p.refs[0]!r} is "
                       f"at {_fmt(a)} and node {p.refs[1]!r} at {_fmt(b)}; a link is drawn from its nodes, so "
                       "its line is not used")
        else:
            message = (f"the Point {_fmt(p.ends[0])} is not at node {p.refs[0]!r} {_fmt(a)}; a transfer is "
                       "placed at its node")
        out.append(Problem(p.where, "geometry", message, "warning"))
    return out


def _read_extra(doc: dict[str, Any], name: str, problems: list[Problem]) -> dict[str, list[Any]]:
    extra = doc.get("corridor") or {}
    other: dict[str, list[Any]] = {"commodities": [], "sources": [], "demand": [], "tariffs": [], "facilities": [],
                                   "fleets": []}
    if not isinstance(extra, dict):
        problems.append(Problem(name, "corridor", "must be an object"))
        return other
    if not isinstance(extra.get("meta") or {}, dict):
        problems.append(Problem(name, "corridor.meta", "must be an object"))
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
    :func:`corridor.io.read_csv_dataset`), or none. A node's position is its Point geometry;
    disagreements with its ``lon``/``lat`` properties, and link or transfer geometries away from
    their nodes, are recorded as warnings that :func:`~corridor.model.validate_network` reports.

    Raises
    ------
    InputError
        Naming the file, the feature (index and id) and the property at fault; for JSON nested
        deeper than :data:`corridor.io.files.MAX_JSON_DEPTH`, the line and the path to it; for a
        node without a Point of two finite numbers, or a link or transfer with a geometry of the
        wrong type or with bad coordinates, the field ``geometry``.

    Examples
    --------
    >>> import tempfile
    >>> from corridor import data
    >>> path = write_geojson(data.load(), Path(tempfile.mkdtemp()) / "eurasia.geojson")
    >>> ds = read_geojson(path)
    >>> ds.network.meta["format"], len(ds.network.links) == len(data.load().network.links)
    ('geojson', True)
    """
    path = Path(path)
    name = str(path)
    doc = _load_collection(path)
    read = _Read()
    for i, f in enumerate(doc["features"]):
        _read_feature(f, f"{name}:features[{i}]", read)
        if len(read.problems) > 200:
            break
    other = _read_extra(doc, name, read.problems)
    if read.problems:
        raise InputError(read.problems)
    warnings = read.warnings + _placement_warnings(read)
    sources = {s.key: s for s in other["sources"]}
    commodities = other["commodities"]
    if not commodities and default_commodities is not None:
        commodities, std_sources = list(default_commodities[0]), dict(default_commodities[1])
        sources = {**std_sources, **sources}
    bad_tariffs = tariff_problems(other["tariffs"], {c.id: c for c in commodities})
    if bad_tariffs:
        raise InputError(bad_tariffs)
    extra = doc.get("corridor") or {}
    meta = {str(k): str(v) for k, v in (extra.get("meta") or {}).items() if k != READ_WARNINGS}
    net = Network(
        name=str(extra.get("name") or doc.get("name") or path.stem),
        nodes=tuple(read.records["nodes"]),
        links=tuple(read.records["links"]),
        transfers=tuple(read.records["transfers"]),
        commodities=tuple(commodities),
        sources=sources,
        meta=note_read_warnings({**meta, "format": "geojson", "path": str(path)}, warnings),
        tariffs=TariffTable(tuple(other["tariffs"])),
        facilities=tuple(other["facilities"]),
        fleets=tuple(other["fleets"]),
    )
    return Dataset(net, Demand(tuple(other["demand"])))
