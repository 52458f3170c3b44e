"""Reading an OpenStreetMap extract with pyosmium: rail ways, candidate places, national boundaries.

Only what the import needs is kept: the rail ways that carry freight (with the coordinates of their
nodes), the places that can become network nodes (stations, yards, ports, border points) and the
outer and inner rings of the national (``admin_level=2``) boundaries, assembled by osmium's area
handler. The rules are listed in :mod:`corridor.io.osm`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corridor.exceptions import InputError, Problem

__all__: list[str] = []

DEAD = frozenset({"abandoned", "disused", "razed", "construction", "proposed", "dismantled"})
"""Lifecycle values that take a way out of service (as ``railway=*`` or as a ``*=yes`` tag)."""

SERVICE_TRACKS = frozenset({"yard", "siding", "spur", "crossover"})
"""``service=*`` values of tracks that are not through lines."""

KEEP_USAGE = frozenset({"", "main", "branch", "industrial"})
"""``usage=*`` values of freight lines (no tag counts as a line)."""

TRACKS = DEAD | {"rail", "narrow_gauge", "light_rail", "subway", "tram", "monorail", "funicular", "preserved",
                 "miniature"}
"""``railway=*`` values of tracks: only ``rail`` is kept; the others are counted as skipped."""

PLACE_KINDS = {"station": "station", "yard": "yard"}
"""``railway=*`` values that make a candidate node (halts are passenger stops and are not kept)."""

AREA_TAGS = (("boundary", "administrative"), ("railway", "station"), ("railway", "yard"), ("landuse", "port"),
             ("industrial", "port"), ("harbour", "yes"))
"""Tags of the relations that osmium assembles into areas (national boundaries, stations, yards, ports)."""

FILE_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.xml", ".osm.bz2", ".osm.gz", ".osc")
"""File names osmium reads (the format is chosen from the suffix)."""


@dataclass(frozen=True)
class RailWay:
    """One kept ``railway=rail`` way: its OSM id, node ids and tags."""

    id: int
    refs: tuple[int, ...]
    tags: dict[str, str]


@dataclass(frozen=True)
class Place:
    """A candidate node: a station, yard, port or border point, at a point with a snapping radius."""

    osm: str
    kind: str
    name: str
    names: tuple[str, ...]
    lon: float
    lat: float
    radius_km: float = 0.0


@dataclass
class Scan:
    """What an extract holds for the import."""

    ways: list[RailWay] = field(default_factory=list)
    coords: dict[int, tuple[float, float]] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    boundaries: dict[str, list[tuple[np.ndarray, list[np.ndarray]]]] = field(default_factory=dict)
    border_nodes: set[int] = field(default_factory=set)
    skipped: Counter[str] = field(default_factory=Counter)
    timestamp: str = ""


def _names(tags: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """The display name (``name:en`` first, then ``name``) and every other name the tags give."""
    keys = ("name:en", "name", "int_name", "name:ru", "name:kk", "name:zh", "old_name", "alt_name", "official_name")
    found: list[str] = []
    for k in keys:
        for v in tags.get(k, "").split(";"):
            if v.strip() and v.strip() not in found:
                found.append(v.strip())
    return (found[0] if found else ""), tuple(found[1:])


def rail_way_problem(tags: dict[str, str], *, keep_service: bool) -> str:
    """Why a ``railway=*`` way is not a freight line (``""`` if it is one)."""
    railway = tags.get("railway", "")
    if railway in DEAD:
        return f"railway={railway}"
    if railway != "rail":
        return f"railway={railway}" if railway else "no railway tag"
    for life in DEAD:
        if tags.get(life) == "yes":
            return f"{life}=yes"
    usage = tags.get("usage", "")
    if usage not in KEEP_USAGE:
        return f"usage={usage}"
    service = tags.get("service", "")
    if service in SERVICE_TRACKS and not keep_service:
        return f"service={service}"
    return ""


def _place_kind(tags: dict[str, str]) -> str:
    railway = tags.get("railway", "")
    if railway in PLACE_KINDS:
        return PLACE_KINDS[railway]
    if tags.get("landuse") == "port" or tags.get("industrial") == "port" or tags.get("harbour") == "yes":
        return "port"
    return ""


def _country(tags: dict[str, str]) -> str:
    for key in ("ISO3166-1", "ISO3166-1:alpha2", "country_code"):
        code = tags.get(key, "").strip().upper()
        if len(code) == 2 and code.isalpha():
            return code
    return ""


def check_file(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` is an existing file whose name osmium reads."""
    if not path.exists():
        raise InputError(Problem(str(path), "", "no such file (download an extract first, see docs/how-to/osm.md)"))
    if not path.is_file():
        raise InputError(Problem(str(path), "", "not a file: expected an OSM extract (.osm.pbf or .osm)"))
    if not path.name.lower().endswith(FILE_SUFFIXES):
        raise InputError(Problem(str(path), "", f"not an OSM file: the name must end with one of "
                                 f"{', '.join(FILE_SUFFIXES)}"))


def scan(path: Path, *, keep_service: bool = False) -> Scan:
    """Read the parts of the extract at ``path`` that the import uses.

    Raises
    ------
    InputError
        If the file does not exist or osmium cannot read it.
    """
    import osmium

    check_file(path)
    out = Scan()
    try:
        reader = osmium.io.Reader(str(path), osmium.osm.NOTHING)
        out.timestamp = reader.header().get("osmosis_replication_timestamp", "")
        reader.close()
        processor = (osmium.FileProcessor(str(path))
                     .with_locations()
                     .with_filter(osmium.filter.KeyFilter("railway", "landuse", "industrial", "harbour", "barrier",
                                                          "boundary"))
                     .with_areas(osmium.filter.TagFilter(*AREA_TAGS)))
        for obj in processor:
            if isinstance(obj, osmium.osm.Changeset):
                continue
            tags = dict(obj.tags)
            if obj.is_node():
                _node(out, obj, tags)
            elif obj.is_way():
                _way(out, obj, tags, keep_service)
            elif obj.is_area():
                _area(out, obj, tags)
    except InputError:
        raise
    except (RuntimeError, ValueError, OSError) as e:
        raise InputError(Problem(str(path), "", f"osmium cannot read it as OSM data: {e}")) from None
    return out


def _node(out: Scan, obj: object, tags: dict[str, str]) -> None:
    import osmium

    assert isinstance(obj, osmium.osm.Node)
    if tags.get("railway") == "border" or tags.get("barrier") == "border_control":
        out.border_nodes.add(obj.id)
    kind = _place_kind(tags)
    if kind and obj.location.valid():
        name, others = _names(tags)
        out.places.append(Place(f"n{obj.id}", kind, name, others, obj.location.lon, obj.location.lat))


def _way(out: Scan, obj: object, tags: dict[str, str], keep_service: bool) -> None:
    import osmium

    assert isinstance(obj, osmium.osm.Way)
    if tags.get("railway") not in TRACKS:
        return
    why = rail_way_problem(tags, keep_service=keep_service)
    if why:
        out.skipped[why] += 1
        return
    refs = []
    for n in obj.nodes:
        if n.location.valid():
            out.coords[n.ref] = (n.location.lon, n.location.lat)
            refs.append(n.ref)
    if len(refs) < 2:
        out.skipped["way without two located nodes"] += 1
        return
    out.ways.append(RailWay(obj.id, tuple(refs), tags))


def _area(out: Scan, obj: object, tags: dict[str, str]) -> None:
    import osmium

    assert isinstance(obj, osmium.osm.Area)
    code = _country(tags)
    boundary = tags.get("boundary") == "administrative" and tags.get("admin_level") == "2" and bool(code)
    kind = "" if boundary else _place_kind(tags)
    if not (boundary or kind):
        return
    rings: list[tuple[np.ndarray, list[np.ndarray]]] = []
    for outer in obj.outer_rings():
        ring = np.array([(n.lon, n.lat) for n in outer], dtype=float)
        inners = [np.array([(n.lon, n.lat) for n in inner], dtype=float) for inner in obj.inner_rings(outer)]
        rings.append((ring, inners))
    if not rings:
        return
    if boundary:
        out.boundaries.setdefault(code, []).extend(rings)
        return
    pts = np.concatenate([r for r, _ in rings])
    lon, lat = float(pts[:, 0].mean()), float(pts[:, 1].mean())
    from corridor.io._osm_geo import haversine_km

    radius = float(np.max(haversine_km(lon, lat, pts[:, 0], pts[:, 1])))
    name, others = _names(tags)
    osm = f"{'w' if obj.from_way() else 'r'}{obj.orig_id()}"
    out.places.append(Place(osm, kind, name, others, lon, lat, radius))
