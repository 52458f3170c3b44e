"""Small OpenStreetMap files for the import tests, written with pyosmium's writer.

:func:`scene` writes a made-up extract with two countries (KZ: lon 70-80, CN: lon 80-90, lat
40-50) and one of every feature the import rules treat:

- way 10 Alpha-v2-v3, gauge 1520, electrified, 2 tracks; way 11 v3-v4-Beta, gauge 1520, not
  electrified, 1 track; way 12 Beta-v6-v7-Gamma, gauge 1435, crossing the KZ/CN boundary between
  v6 (lon 79.5) and v7 (lon 80.5); way 13 v3-v20-v21, a branch to the Delta port area;
- stations Alpha (n1, on the track, with a yard "Alpha Yard" at the same node), Beta (n5),
  Gamma (n8), Epsilon (n50, off the track 0.8 km from v4), Far Away (n51, nowhere near a track),
  a halt on v2, the port area "Delta Port" (closed way 60);
- skipped ways: abandoned, a siding, usage=tourism, disused=yes and a 1067 mm way.
"""

from __future__ import annotations

from pathlib import Path

import osmium
from osmium.osm.mutable import Node, Relation, Way

NodeSpec = tuple[float, float, dict[str, str]]

TIMESTAMP = "2026-11-30T21:21:02Z"


def write_pbf(path: Path, nodes: dict[int, NodeSpec], ways: dict[int, tuple[list[int], dict[str, str]]],
              relations: dict[int, tuple[list[tuple[str, int, str]], dict[str, str]]] | None = None) -> Path:
    """Write nodes, ways and relations (sorted by id, as osmium expects) to ``path``."""
    header = osmium.io.Header()
    header.set("osmosis_replication_timestamp", TIMESTAMP)
    if path.exists():
        path.unlink()
    writer = osmium.SimpleWriter(str(path), 0, header)
    try:
        for nid in sorted(nodes):
            lon, lat, tags = nodes[nid]
            writer.add_node(Node(id=nid, location=(lon, lat), tags=tags, version=1))
        for wid in sorted(ways):
            refs, tags = ways[wid]
            writer.add_way(Way(id=wid, nodes=refs, tags=tags, version=1))
        for rid in sorted(relations or {}):
            members, tags = (relations or {})[rid]
            writer.add_relation(Relation(id=rid, members=members, tags=tags, version=1))
    finally:
        writer.close()
    return path


def country_relations(nodes: dict[int, NodeSpec], ways: dict[int, tuple[list[int], dict[str, str]]],
                      ) -> dict[int, tuple[list[tuple[str, int, str]], dict[str, str]]]:
    """Add the KZ and CN boundary rings to ``nodes``/``ways``; return their relations."""
    for nid, lon, lat in ((1001, 70, 40), (1002, 80, 40), (1003, 80, 50), (1004, 70, 50), (1005, 90, 40),
                          (1006, 90, 50)):
        nodes[nid] = (lon, lat, {})
    ways[2001] = ([1001, 1002, 1003, 1004, 1001], {})
    ways[2002] = ([1002, 1005, 1006, 1003, 1002], {})
    admin = {"type": "boundary", "boundary": "administrative", "admin_level": "2"}
    return {3001: ([("w", 2001, "outer")], {**admin, "ISO3166-1": "KZ", "name": "Kazakhstan"}),
            3002: ([("w", 2002, "outer")], {**admin, "ISO3166-1": "CN", "name": "China"})}


def scene(path: Path, *, boundaries: bool = True) -> Path:
    """Write the test extract described in the module docstring."""
    nodes: dict[int, NodeSpec] = {
        1: (72.0, 45.0, {"railway": "station", "name": "Алфа", "name:en": "Alpha"}),
        2: (73.0, 45.1, {"railway": "halt", "name": "Halt Two"}),
        3: (74.0, 45.0, {}),
        4: (76.0, 45.0, {}),
        5: (78.0, 45.0, {"railway": "station", "name": "Beta"}),
        6: (79.5, 45.0, {"railway": "border"}),
        7: (80.5, 45.0, {}),
        8: (82.0, 45.0, {"railway": "station", "name": "Gamma"}),
        20: (74.0, 44.0, {}),
        21: (74.0, 43.02, {}),
        30: (73.99, 42.99, {}), 31: (74.01, 42.99, {}), 32: (74.01, 43.01, {}), 33: (73.99, 43.01, {}),
        40: (73.0, 46.0, {}), 41: (73.5, 46.5, {}), 42: (73.05, 45.2, {}), 43: (70.5, 48.0, {}),
        44: (70.8, 48.0, {}), 45: (71.0, 48.5, {}), 46: (71.5, 48.5, {}),
        50: (76.0, 45.0072, {"railway": "station", "name": "Epsilon"}),
        51: (71.0, 41.0, {"railway": "station", "name": "Far Away"}),
        52: (72.0001, 45.0, {"railway": "yard", "name": "Alpha Yard"}),
    }
    ways: dict[int, tuple[list[int], dict[str, str]]] = {
        10: ([1, 2, 3], {"railway": "rail", "gauge": "1520", "usage": "main", "electrified": "contact_line",
                         "voltage": "25000", "tracks": "2"}),
        11: ([3, 4, 5], {"railway": "rail", "gauge": "1520", "usage": "main", "electrified": "no", "tracks": "1"}),
        12: ([5, 6, 7, 8], {"railway": "rail", "gauge": "1435", "usage": "main"}),
        13: ([3, 20, 21], {"railway": "rail", "gauge": "1520", "usage": "branch"}),
        60: ([30, 31, 32, 33, 30], {"landuse": "port", "name": "Delta Port"}),
        70: ([40, 41], {"railway": "abandoned"}),
        71: ([2, 42], {"railway": "rail", "service": "siding", "gauge": "1520"}),
        72: ([43, 44], {"railway": "rail", "usage": "tourism", "gauge": "1520"}),
        73: ([44, 45], {"railway": "rail", "disused": "yes", "gauge": "1520"}),
        74: ([45, 46], {"railway": "rail", "gauge": "1067"}),
    }
    relations = country_relations(nodes, ways) if boundaries else {}
    return write_pbf(path, nodes, ways, relations)
