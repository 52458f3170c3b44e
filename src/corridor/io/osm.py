"""Importing a freight rail network from an OpenStreetMap extract (``.osm.pbf``, ``.osm``).

The extract is read with pyosmium (:mod:`osmium`); no PBF is parsed by hand. The rules:

- **lines**: ways tagged ``railway=rail`` with ``usage`` main, branch, industrial or none. Ways
  tagged (or lifecycle-tagged ``*=yes``) abandoned, disused, razed, dismantled, construction or
  proposed are skipped, as are other track kinds (narrow_gauge, light_rail, subway, tram ...) and
  service tracks (``service=yard|siding|spur|crossover``) unless ``keep_service``. Every skipped way
  is counted by its reason.
- **gauge**: ``gauge=1520`` (also 1524, the Finnish gauge that runs through) gives mode
  ``rail-1520``; ``gauge=1435`` gives ``rail-1435``; a dual-gauge track (``1435;1520``) gives one
  link of each mode; a way without a gauge tag takes ``default_gauge``; other gauges (1067, 1000,
  750 ...) are skipped and reported with their length.
- **electrification and tracks**: ``electrified``, ``voltage`` and ``tracks`` are carried into the
  link's ``note`` as the length of line with each value (``electrified=contact_line 80.2 km``);
  the link's ``link_type`` is ``rail usage=<usage>`` of most of its length.
- **speed**: every link runs at the assumed freight speed ``speed_kmh``, except where its ways
  are tagged with a lower ``maxspeed`` (km/h, or ``mph``; other values such as ``signals`` are
  ignored): there the stretch runs at its ``maxspeed``, and the link's speed is its length over the
  time summed stretch by stretch (``derived``, method ``M-OSM-SPEED``). A line's ``maxspeed`` is its
  top speed, not a freight train's, so it only ever lowers the assumed speed.
- **candidate nodes**: ``railway=station`` and ``railway=yard`` (points or areas) become
  ``rail-terminal`` nodes; ports (``landuse=port``, ``industrial=port``, ``harbour=yes``) become
  ``seaport`` nodes. A place joins the network at the nearest track vertex within ``snap_km``
  (plus the radius of an area); places farther from any track are reported as not on the network.
  Halts (passenger stops) are not candidates. Several places at one vertex give one node (a port
  before a station before a yard) with the other names as aliases.
- **junctions**: a vertex where the degree of the track graph is not 2 (three or more way ends or
  branches, or a line end) becomes a ``junction`` node.
- **simplification**: chains of degree-2 vertices between kept vertices are merged into one link
  whose ``distance_km`` is the sum of great-circle (haversine) lengths of every segment of the ways.
- **borders and countries**: each vertex gets the country whose ``admin_level=2`` boundary
  (assembled by osmium's area handler; ``ISO3166-1`` tag) holds it. Where a track segment passes
  from one country to another, a ``border`` node is inserted at the crossing (found by bisection
  of the segment on the boundary) with a ``border-clearance`` transfer. Without boundaries in the
  extract, nodes tagged ``railway=border`` or ``barrier=border_control`` on a track become border
  nodes instead, and every node gets the first of ``countries``.
- **gauge breaks**: at a node where two modes meet and one of them ends, ``gauge-change`` transfers
  are added both ways.
- **countries**: ``countries`` (``["KZ"]``) keeps only the links lying in those countries (border
  nodes stay, cut at the border); empty keeps all. Track outside every boundary of the extract (a
  Geofabrik country extract holds its own boundary, not its neighbours') has no country and
  crosses into it at a border node; with no boundary at all in the extract, every vertex gets the
  first of ``countries``.
  The largest connected part is kept; smaller parts are reported.

Figures carry sources: coordinates and lengths ``OSM`` (``measured``); border points computed on
the boundary ``OSM+M-OSM-BORDER`` (``derived``); speeds capped by ``maxspeed``
``OSM+ASSUME-OSM-SPEED+M-OSM-SPEED`` (``derived``); other speeds, border and gauge-change times are
labelled assumptions (``ASSUME-OSM-SPEED``, ``ASSUME-BORDER``, ``ASSUME-GAUGE``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corridor.exceptions import InputError, Problem
from corridor.io import _osm_geo as geo
from corridor.io._osm_graph import Chain, simplify
from corridor.io._osm_scan import Place, Scan, scan
from corridor.model import Dataset, Link, Network, Node, Provenance, Source, Status, Transfer

__all__ = ["OsmImport", "OsmOptions", "import_osm"]

GAUGES = {"1520": "rail-1520", "1524": "rail-1520", "1435": "rail-1435"}
"""``gauge=*`` values and the modes they give."""

PLACE_ORDER = {"port": 0, "station": 1, "yard": 2}
PLACE_NODE_KIND = {"port": "seaport", "station": "rail-terminal", "yard": "rail-terminal"}

ASSUMPTIONS: dict[str, Source] = {
    "ASSUME-OSM-SPEED": Source("ASSUME-OSM-SPEED", "Rail speed of links imported from OpenStreetMap, which gives no "
                               "running speed: the CAREC all-corridor rail speed without delay, 53.9 km/h "
                               "(CPMM22-RAIL, 2022)", "corridor", kind="assumption"),
    "ASSUME-BORDER": Source("ASSUME-BORDER", "Rail border time where no figure was found: the CAREC all-corridor "
                            "rail TFI1, 40.6 h (CPMM22-RAIL, 2022)", "corridor", kind="assumption"),
    "ASSUME-GAUGE": Source("ASSUME-GAUGE", "Gauge change where no time was found takes as long as train processing "
                           "at Dostyk, 4 h 15 min (SRN16)", "corridor", kind="assumption"),
    "CPMM22-RAIL": Source("CPMM22-RAIL", "CAREC CPMM Annual Report 2022: rail TFIs", "ADB / CAREC", "2023",
                          "https://cpmm.carecprogram.org/?p=133 , https://cpmm.carecprogram.org/?p=130", "average"),
    "SRN16": Source("SRN16", "Alashankou–Dostyk passage", "Silkroadnews (Xinhua)", "22 Jul 2016",
                    "https://silkroadnews.org/en/news/more-than-3-mln-of-freights-transported-through-chinese-"
                    "kazakhstani-border-via-alashankou-dostyk-passage"),
    "M-OSM-SPEED": Source("M-OSM-SPEED", "Link speed: its length over the time summed stretch by stretch, each "
                          "stretch at the assumed freight speed or at its OpenStreetMap maxspeed where that is lower",
                          "corridor", kind="method"),
    "M-OSM-BORDER": Source("M-OSM-BORDER", "Border point: where an OpenStreetMap track segment crosses the national "
                           "boundary of the extract, found by bisection of the segment", "corridor", kind="method"),
}


@dataclass(frozen=True)
class OsmOptions:
    """How an extract becomes a network (see :mod:`corridor.io.osm` for the rules).

    Parameters
    ----------
    countries
        ISO codes to keep (empty: all); the first labels every vertex of an extract without boundaries.
    default_gauge
        Gauge of ways without a ``gauge`` tag (``"1520"`` or ``"1435"``).
    snap_km
        Farthest a station, yard or port may lie from a track to join the network.
    keep_service
        Keep service tracks (yards, sidings, spurs) as lines.
    speed_kmh, border_h, gauge_change_h
        The assumed speed of every link and the times of border and gauge-change transfers.

    Examples
    --------
    >>> OsmOptions(countries=("KZ",)).speed_kmh
    53.9
    """

    countries: tuple[str, ...] = ()
    default_gauge: str = "1520"
    snap_km: float = 2.0
    keep_service: bool = False
    speed_kmh: float = 53.9
    border_h: float = 40.6
    gauge_change_h: float = 4.25

    def __post_init__(self) -> None:
        for code in self.countries:
            if not re.fullmatch(r"[A-Z]{2}", code):
                msg = f"{code!r} is not an ISO 3166-1 alpha-2 country code (e.g. KZ)"
                raise InputError(Problem("--country", "country", msg))
        if self.default_gauge not in GAUGES:
            msg = f"{self.default_gauge!r} is not a gauge corridor models; expected one of {', '.join(GAUGES)}"
            raise InputError(Problem("--default-gauge", "gauge", msg))


@dataclass
class OsmImport:
    """The imported dataset and what the import did: counts, skipped ways and places, dropped parts.

    Examples
    --------
    >>> OsmImport(Dataset(Network("x"))).summary()["nodes"]
    0
    """

    dataset: Dataset
    stats: dict[str, float] = field(default_factory=dict)
    skipped_ways: dict[str, int] = field(default_factory=dict)
    gauges_km: dict[str, float] = field(default_factory=dict)
    unplaced: list[dict[str, object]] = field(default_factory=list)
    dropped_parts: list[list[str]] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """Counts and reports as plain JSON-ready values."""
        net = self.dataset.network
        return {"name": net.name, "nodes": len(net.nodes), "links": len(net.links), "transfers": len(net.transfers),
                "node_kinds": dict(Counter(n.kind for n in net.nodes)),
                "modes": dict(Counter(lk.mode for lk in net.links)),
                "countries": dict(Counter(n.country for n in net.nodes)),
                "km": round(sum(lk.distance_km for lk in net.links), 3),
                **self.stats, "skipped_ways": self.skipped_ways, "gauges_km": self.gauges_km,
                "unplaced": self.unplaced, "dropped_parts": [len(p) for p in self.dropped_parts]}


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _modes(tags: dict[str, str], default: str) -> tuple[str, ...] | str:
    """The modes of a way, or the gauge tag as a string when no mode fits."""
    raw = tags.get("gauge", "").strip() or default
    modes = tuple(sorted({GAUGES[g.strip()] for g in raw.split(";") if g.strip() in GAUGES}))
    return modes if modes else raw


class _Builder:
    """Turns a :class:`Scan` into network records."""

    def __init__(self, sc: Scan, opts: OsmOptions) -> None:
        self.sc, self.opts = sc, opts
        self.coords = dict(sc.coords)
        self.country: dict[int, str] = {}
        self.border: dict[int, tuple[str, str, int]] = {}
        self.edges: list[tuple[int, int]] = []
        self.edge_way: list[int] = []
        self.edge_modes: list[tuple[str, ...]] = []
        self.gauges_km: dict[str, float] = {}
        self.next_id = -1

    def edges_from_ways(self) -> None:
        for w_idx, way in enumerate(self.sc.ways):
            modes = _modes(way.tags, self.opts.default_gauge)
            km = geo.polyline_km([self.coords[r] for r in way.refs])
            key = f"{modes} (skipped)" if isinstance(modes, str) else way.tags.get(
                "gauge", f"{self.opts.default_gauge} (not tagged)")
            self.gauges_km[key] = self.gauges_km.get(key, 0.0) + km
            if isinstance(modes, str):
                continue
            for u, v in zip(way.refs[:-1], way.refs[1:], strict=True):
                self.edges.append((u, v))
                self.edge_way.append(w_idx)
                self.edge_modes.append(modes)

    def assign_countries(self) -> None:
        ids = sorted({x for e in self.edges for x in e})
        default = self.opts.countries[0] if self.opts.countries else ""
        if not self.sc.boundaries:
            self.country = dict.fromkeys(ids, default)
            return
        xy = np.array([self.coords[i] for i in ids], dtype=float).reshape(-1, 2)
        codes = geo.countries_at(self.sc.boundaries, xy[:, 0], xy[:, 1])  # outside every boundary: ""
        self.country = dict(zip(ids, (str(c) for c in codes), strict=True))

    def _country_at(self, lon: float, lat: float) -> str:
        return str(geo.countries_at(self.sc.boundaries, np.array([lon]), np.array([lat]))[0])

    def split_at_borders(self) -> None:
        """Insert a border vertex on every edge whose ends lie in different countries."""
        if not self.sc.boundaries:
            return
        for i in range(len(self.edges)):
            u, v = self.edges[i]
            cu, cv = self.country[u], self.country[v]
            if cu == cv:
                continue
            lon, lat = geo.border_point(self.coords[u], self.coords[v], self._country_at)
            x, self.next_id = self.next_id, self.next_id - 1
            self.coords[x] = (lon, lat)
            inside = [c for c in (cu, cv) if c in self.opts.countries]
            self.country[x] = inside[0] if inside else (cu or cv)
            self.border[x] = (cu, cv, self.sc.ways[self.edge_way[i]].id)
            self.edges[i] = (u, x)
            self.edges.append((x, v))
            self.edge_way.append(self.edge_way[i])
            self.edge_modes.append(self.edge_modes[i])

    def snap_places(self) -> tuple[dict[int, list[Place]], list[dict[str, object]]]:
        """Places by the vertex they join; places too far from every track."""
        from scipy.spatial import cKDTree

        # border points are where a line meets a boundary, never a station's vertex
        ids = np.array(sorted({x for e in self.edges for x in e} - set(self.border)), dtype=np.int64)
        xy = np.array([self.coords[int(i)] for i in ids], dtype=float).reshape(-1, 2)
        tree = cKDTree(geo.unit_vectors(xy[:, 0], xy[:, 1]))
        at: dict[int, list[Place]] = {}
        far: list[dict[str, object]] = []
        for p in self.sc.places:
            _, k = tree.query(geo.unit_vectors(np.array([p.lon]), np.array([p.lat]))[0])
            km = float(geo.haversine_km(p.lon, p.lat, xy[k, 0], xy[k, 1]))
            if km <= self.opts.snap_km + p.radius_km:
                at.setdefault(int(ids[k]), []).append(p)
            else:
                far.append({"osm": p.osm, "kind": p.kind, "name": p.name, "lon": p.lon, "lat": p.lat,
                            "km_to_track": round(km, 3)})
        return at, far


def maxspeed_kmh(value: str | None) -> float | None:
    """A ``maxspeed=*`` value in km/h (``"80"``, ``"80 km/h"``, ``"50 mph"``), or None if it is no number.

    Examples
    --------
    >>> maxspeed_kmh("80"), maxspeed_kmh("50 mph"), maxspeed_kmh("signals"), maxspeed_kmh("0")
    (80.0, 80.4672, None, None)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*", value or "")
    if m is None or float(m.group(1)) <= 0:
        return None
    return float(m.group(1)) * (1.609344 if m.group(2) == "mph" else 1.0)


def _speed(chain: Chain, b: _Builder, lengths: Sequence[float], assumed: float) -> tuple[float, Provenance]:
    """The link's speed: the assumed one, or, where ways have a lower ``maxspeed``, length over summed time."""
    hours = 0.0
    km = 0.0
    capped = False
    for e in chain.edges:
        top = maxspeed_kmh(b.sc.ways[b.edge_way[e]].tags.get("maxspeed"))
        v = assumed if top is None or top >= assumed else top
        capped |= v < assumed
        hours += lengths[e] / v
        km += lengths[e]
    if not capped or hours <= 0:
        return assumed, Provenance("ASSUME-OSM-SPEED", Status.ASSUMPTION)
    return round(km / hours, 3), Provenance("OSM+ASSUME-OSM-SPEED+M-OSM-SPEED", Status.DERIVED)


def _summarise_tags(chain: Chain, b: _Builder, lengths: Sequence[float]) -> tuple[str, str]:
    """The link's note (tags by length, the ways) and link_type (usage of most of its length)."""
    per_way: dict[int, float] = {}
    for e in chain.edges:
        w = b.edge_way[e]
        per_way[w] = per_way.get(w, 0.0) + lengths[e]
    by: dict[str, dict[str, float]] = {"electrified": {}, "voltage": {}, "tracks": {}, "maxspeed": {}, "usage": {}}
    for w, km in per_way.items():
        tags = b.sc.ways[w].tags
        for key, counter in by.items():
            value = tags.get(key, "untagged")
            counter[value] = counter.get(value, 0.0) + km
    parts = []
    for key in ("electrified", "voltage", "tracks", "maxspeed"):
        values = [f"{key}={v} {km:.1f} km" for v, km in sorted(by[key].items(), key=lambda kv: -kv[1])
                  if v != "untagged"]
        if values:
            parts.append(", ".join(values))
    ways = [b.sc.ways[w].id for w in per_way]
    shown = ",".join(str(w) for w in ways[:8]) + (f" and {len(ways) - 8} more" if len(ways) > 8 else "")
    parts.append(f"OSM ways {shown}")
    usage = max(by["usage"], key=lambda v: by["usage"][v])
    return "; ".join(parts), f"rail usage={'main' if usage == 'untagged' else usage}"


def _components(nodes: set[str], links: Sequence[Link]) -> list[set[str]]:
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for lk in links:
        parent[find(lk.a)] = find(lk.b)
    groups: dict[str, set[str]] = {}
    for n in nodes:
        groups.setdefault(find(n), set()).add(n)
    return sorted(groups.values(), key=lambda g: (-len(g), sorted(g)[0]))


class _Records:
    """Network records from the chains of a :class:`_Builder`."""

    def __init__(self, b: _Builder, places: dict[int, list[Place]], tagged_borders: set[int]) -> None:
        self.b, self.places, self.tagged = b, places, tagged_borders
        self.ids: dict[int, str] = {}
        self.used: set[str] = set()
        self.nodes: dict[str, Node] = {}

    def _unique(self, base: str) -> str:
        out, k = base or "osm", 2
        while out in self.used:
            out, k = f"{base}-{k}", k + 1
        self.used.add(out)
        return out

    def node(self, x: int) -> str:
        if x in self.ids:
            return self.ids[x]
        b, lon, lat = self.b, *self.b.coords[x]
        osm = Provenance("OSM", Status.MEASURED)
        country = b.country.get(x, "")
        if x in self.places:
            ps = sorted(self.places[x], key=lambda p: (PLACE_ORDER[p.kind], p.osm))
            p = ps[0]
            name = p.name or f"{p.kind} {p.osm}"
            aliases = tuple(dict.fromkeys(n for q in ps for n in (q.name, *q.names) if n and n != name))
            km = float(geo.haversine_km(p.lon, p.lat, lon, lat))
            nid = self._unique(_slug(name))
            node = Node(nid, name, country, PLACE_NODE_KIND[p.kind], p.lon, p.lat, aliases=aliases,
                        note=f"OSM {', '.join(q.osm for q in ps)}; joins the track at OSM node {x} ({km:.2f} km)",
                        provenance={"coords": osm})
        elif x in b.border:
            cu, cv, wid = b.border[x]
            name = f"{cu or 'outside'}-{cv or 'outside'} border (OSM way {wid})"
            nid = self._unique(_slug(f"border-{cu}-{cv}-w{wid}"))
            node = Node(nid, name, country, "border", lon, lat, note="where the track crosses the national boundary",
                        provenance={"coords": Provenance("OSM+M-OSM-BORDER", Status.DERIVED)})
        elif x in self.tagged:
            nid = self._unique(f"border-n{x}")
            node = Node(nid, f"border (OSM node {x})", country, "border", lon, lat,
                        note="tagged railway=border or barrier=border_control", provenance={"coords": osm})
        else:
            nid = self._unique(f"osm-n{x}")
            node = Node(nid, f"junction (OSM node {x})", country, "junction", lon, lat, provenance={"coords": osm})
        self.ids[x] = nid
        self.nodes[nid] = node
        return nid

    def links(self, chains: Sequence[Chain], edge_km: np.ndarray) -> list[Link]:
        b, opts = self.b, self.b.opts
        lengths: list[float] = edge_km.tolist()
        out: list[Link] = []
        for ch in chains:
            a, z = self.node(ch.a), self.node(ch.b)
            by_country: dict[str, float] = {}
            for e in ch.edges:
                u, v = b.edges[e]
                inner = v if u in b.border else u
                if inner in b.border:
                    mid = ((b.coords[u][0] + b.coords[v][0]) / 2, (b.coords[u][1] + b.coords[v][1]) / 2)
                    code = b._country_at(*mid) if b.sc.boundaries else b.country[u]
                else:
                    code = b.country[inner]
                by_country[code] = by_country.get(code, 0.0) + lengths[e]
            country = max(by_country, key=lambda c: by_country[c])
            note, link_type = _summarise_tags(ch, b, lengths)
            km = round(sum(lengths[e] for e in ch.edges), 3)
            modes = b.edge_modes[ch.edges[0]]
            speed, speed_from = _speed(ch, b, lengths, opts.speed_kmh)
            for mode in modes:
                lid = self._unique(f"{a}-{z}" + (f"-{mode[5:]}" if len(modes) > 1 else ""))
                out.append(Link(lid, a, z, mode, country=country, distance_km=km, speed_kmh=speed,
                                link_type=link_type, note=note,
                                provenance={"distance_km": Provenance("OSM", Status.MEASURED),
                                            "speed_kmh": speed_from}))
        return out


def _transfers(nodes: Sequence[Node], links: Sequence[Link], opts: OsmOptions) -> list[Transfer]:
    modes: dict[str, Counter[str]] = {}
    for lk in links:
        for end in (lk.a, lk.b):
            modes.setdefault(end, Counter())[lk.mode] += 1
    out: list[Transfer] = []
    for n in nodes:
        if n.kind == "border":
            out.append(Transfer(f"{n.id}-border", n.id, "border-clearance", time_h=opts.border_h,
                                note="assumed time: OpenStreetMap gives none",
                                provenance={"time_h": Provenance("ASSUME-BORDER", Status.ASSUMPTION)}))
        here = modes.get(n.id, Counter())
        if len(here) > 1 and min(here.values()) == 1:
            for m1 in sorted(here):
                for m2 in sorted(here):
                    if m1 != m2:
                        out.append(Transfer(f"{n.id}-gauge-{m1[5:]}-{m2[5:]}", n.id, "gauge-change",
                                            frozenset({m1}), frozenset({m2}), time_h=opts.gauge_change_h,
                                            note="a gauge ends here (OpenStreetMap gauge tags); assumed time",
                                            provenance={"time_h": Provenance("ASSUME-GAUGE", Status.ASSUMPTION)}))
    return out


def _osm_source(path: Path, timestamp: str) -> Source:
    return Source("OSM", f"OpenStreetMap extract {path.name}", "OpenStreetMap contributors", timestamp[:4],
                  "https://www.openstreetmap.org/copyright", "publication",
                  f"© OpenStreetMap contributors, ODbL 1.0; file {path.name}, replication timestamp "
                  f"{timestamp or 'not in the file header'}; lengths are great-circle (haversine) sums along the "
                  "ways' nodes; read with pyosmium")


def _network_name(path: Path) -> str:
    name = path.name
    for suffix in (".osm.pbf", ".pbf", ".osm.xml", ".osm.bz2", ".osm.gz", ".osm", ".osc"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] or name
    return name


def import_osm(path: str | Path, options: OsmOptions | None = None, *, name: str | None = None,
               progress: Callable[[str], None] | None = None) -> OsmImport:
    """Build a freight rail network from an OpenStreetMap extract (rules: :mod:`corridor.io.osm`).

    Parameters
    ----------
    path
        The extract: ``.osm.pbf``, ``.osm`` or another file osmium reads.
    options
        Countries to keep, default gauge, snapping distance and the assumed figures.
    name
        Name of the network (default: the file name without its suffix).
    progress
        Called with the name of each stage as it starts.

    Returns
    -------
    OsmImport
        The dataset and the report of the import.

    Raises
    ------
    InputError
        If the file is missing or not OSM data, holds no ``railway=rail`` way of a gauge corridor
        models, or no track lies in the countries asked for.

    Examples
    --------
    A line of three nodes with a station at each end, written with osmium's writer:

    >>> import tempfile, osmium
    >>> from osmium.osm.mutable import Node as N, Way as W
    >>> path = Path(tempfile.mkdtemp()) / "tiny.osm.pbf"
    >>> with osmium.SimpleWriter(str(path)) as w:
    ...     w.add_node(N(id=1, location=(70.0, 45.0), tags={"railway": "station", "name": "Alpha"}))
    ...     w.add_node(N(id=2, location=(70.5, 45.0)))
    ...     w.add_node(N(id=3, location=(71.0, 45.0), tags={"railway": "station", "name": "Beta"}))
    ...     w.add_way(W(id=10, nodes=[1, 2, 3], tags={"railway": "rail", "gauge": "1520"}))
    >>> result = import_osm(path, OsmOptions(countries=("KZ",)))
    >>> [(lk.a, lk.b, lk.mode, lk.distance_km) for lk in result.dataset.network.links]
    [('alpha', 'beta', 'rail-1520', 78.627)]
    """
    path = Path(path)
    opts = options or OsmOptions()
    say = progress or (lambda stage: None)
    say("reading the extract")
    sc = scan(path, keep_service=opts.keep_service)
    skipped = dict(sc.skipped.most_common())
    if not sc.ways:
        why = "; ".join(f"{k}: {v}" for k, v in skipped.items()) or "none tagged"
        raise InputError(Problem(str(path), "railway", f"no railway=rail way to import (skipped ways: {why})"))
    say("building the track graph")
    b = _Builder(sc, opts)
    b.edges_from_ways()
    if not b.edges:
        raise InputError(Problem(str(path), "gauge", "no railway=rail way has a gauge corridor models (1520, 1524, "
                                 f"1435): {dict(b.gauges_km)}"))
    say("countries and border crossings")
    b.assign_countries()
    b.split_at_borders()
    say("placing stations, yards and ports")
    places, far = b.snap_places()
    tagged = set() if sc.boundaries else {x for x in sc.border_nodes if x in b.country}
    xy = np.array([(b.coords[u], b.coords[v]) for u, v in b.edges], dtype=float)
    lengths = geo.haversine_km(xy[:, 0, 0], xy[:, 0, 1], xy[:, 1, 0], xy[:, 1, 1])
    say("merging degree-2 chains")
    chains = simplify(b.edges, b.edge_modes, set(places) | set(b.border) | tagged)
    rec = _Records(b, places, tagged)
    links = rec.links(chains, lengths)
    if opts.countries:
        links = [lk for lk in links if lk.country in opts.countries]
        if not links:
            found = ", ".join(sorted(set(b.country.values()) - {""})) or "none"
            raise InputError(Problem(str(path), "country", f"no track of the extract lies in "
                                     f"{','.join(opts.countries)} (countries found: {found})"))
    parts = _components({n for lk in links for n in (lk.a, lk.b)}, links)
    main = parts[0]
    links = [lk for lk in links if lk.a in main]
    nodes = [n for nid, n in rec.nodes.items() if nid in main]
    net = Network(name or _network_name(path), nodes=tuple(nodes), links=tuple(links),
                  transfers=tuple(_transfers(nodes, links, opts)),
                  sources={"OSM": _osm_source(path, sc.timestamp), **ASSUMPTIONS},
                  meta={"format": "osm", "path": str(path), "osm_timestamp": sc.timestamp})
    stats = {"rail_ways": len(sc.ways), "track_vertices": len(b.country), "track_km": round(float(lengths.sum()), 3),
             "border_crossings": len(b.border), "places": len(sc.places), "boundaries": len(sc.boundaries)}
    return OsmImport(Dataset(net), stats, skipped, {k: round(v, 3) for k, v in b.gauges_km.items()}, far,
                     [sorted(p) for p in parts[1:]])
