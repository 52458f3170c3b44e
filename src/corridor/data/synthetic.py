"""Synthetic large networks, for measuring how the engines scale.

:func:`rail_grid` makes an "imported-style" rail network of any size: what an OpenStreetMap rail
import of Central Asia and Europe would give (many plain junctions, two gauges, several countries
with border stations, a few seaports), with demand between ``zones`` stations; see its docstring.

:func:`tiled` copies a dataset ``tiles`` times and joins the copies into a ring by cross links, so
that a network of ``tiles × 74`` nodes keeps the built-in network's structure: the same modes,
transfers, border crossings, facilities, fleets and tariffs in every copy. Copy ``k`` (from 1) gets
every id suffixed ``@k``; copy 0 keeps the original ids, so scenarios written for the built-in
network still apply to it.

Demand either stays inside each copy (``demand="inside"``: the dataset's rows once per copy) or
crosses copies (``demand="across"``: every row from its origin in copy ``i`` to its destination in
copy ``j``, for every ``i`` and ``j``, with ``tonnes / tiles`` each, so the total is ``tiles`` times
the dataset's either way).

Nothing here is data about the world: the cross links, and every figure of :func:`rail_grid` except
the tariffs it takes from the dataset it is given, are assumptions of the generator (source keys
``SYNTH-TILES`` and ``SYNTH-GRID``), labelled as such, and the network's ``meta`` says it is synthetic.

>>> from corridor import data
>>> from corridor.data.synthetic import tiled
>>> ds = tiled(data.load(), 3, demand="across")
>>> len(ds.network.nodes) == 3 * len(data.load().network.nodes)
True
>>> len(ds.demand.rows) == 9 * len(data.load().demand.rows)
True
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from corridor.model import Dataset, Demand, DemandRow, Link, Network, Node, Source, Transfer
from corridor.model.provenance import Provenance, Status
from corridor.model.tariffs import TariffTable

__all__ = ["GRID_SOURCE_KEY", "SOURCE_KEY", "rail_grid", "tiled"]

SOURCE_KEY = "SYNTH-TILES"
"""The source key of every figure the generator makes up (the cross links)."""

_SOURCE = Source(SOURCE_KEY, "corridor's synthetic tiled network (corridor.data.synthetic.tiled)",
                 publisher="corridor", kind="assumption",
                 note="generator assumption, not data about the world: cross links joining copies of a network, "
                      "for benchmarks")

CROSS_KM = 800.0
"""Length of a cross link (an assumption of the generator: a day's run by rail)."""


def _suffix(k: int) -> Callable[[str], str]:
    return (lambda s: s) if k == 0 else (lambda s: f"{s}@{k}")


def _copy(net: Network, k: int) -> Network:
    s = _suffix(k)
    nodes = tuple(dataclasses.replace(n, id=s(n.id)) for n in net.nodes)
    links = tuple(dataclasses.replace(lk, id=s(lk.id), a=s(lk.a), b=s(lk.b),
                                      facility=frozenset(s(f) for f in lk.facility)) for lk in net.links)
    transfers = tuple(dataclasses.replace(t, id=s(t.id), node=s(t.node), facility=frozenset(s(f) for f in t.facility))
                      for t in net.transfers)
    facilities = tuple(dataclasses.replace(f, id=s(f.id), node=s(f.node)) for f in net.facilities)
    fleets = tuple(dataclasses.replace(f, id=s(f.id), fleet=s(f.fleet), lines=frozenset(s(x) for x in f.lines))
                   for f in net.fleets)
    return dataclasses.replace(net, nodes=nodes, links=links, transfers=transfers, facilities=facilities,
                               fleets=fleets)


def _hubs(net: Network, mode: str, count: int) -> list[str]:
    """The ``count`` nodes with most links of ``mode`` (ties by id): where copies are joined."""
    degree: Counter[str] = Counter()
    for lk in net.links:
        if lk.mode == mode:
            degree[lk.a] += 1
            degree[lk.b] += 1
    return [n for n, _ in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]


def tiled(dataset: Dataset, tiles: int, *, demand: Literal["inside", "across"] = "inside",
          cross_links: int = 3, mode: str = "rail-1520") -> Dataset:
    """Copy ``dataset`` ``tiles`` times and join the copies into a ring.

    Parameters
    ----------
    dataset
        The network and demand to copy (e.g. ``corridor.data.load()``).
    tiles
        How many copies (at least 1).
    demand
        ``"inside"``: each copy gets the dataset's demand rows between its own nodes;
        ``"across"``: rows from every copy to every copy, ``tonnes / tiles`` each.
    cross_links
        Links from each copy to the next one (and the last to the first), between copies of the
        same node: the ``cross_links`` nodes with most links of ``mode``.
    mode
        Mode of the cross links.

    Returns
    -------
    Dataset
        ``tiles × len(nodes)`` nodes; ``meta["synthetic"]`` describes how it was made.

    Examples
    --------
    >>> from corridor import data
    >>> ds = tiled(data.load(), 2)
    >>> net = ds.network
    >>> net.meta["synthetic"]
    'tiled: 2 copies of eurasia, demand inside, 3 cross links per pair'
    >>> [lk.id for lk in net.links if lk.provenance.get("distance_km") and
    ...  lk.provenance["distance_km"].source == "SYNTH-TILES"][:1]
    ['tile-0-1-astana']
    """
    if tiles < 1:
        msg = f"tiles must be at least 1, got {tiles}"
        raise ValueError(msg)
    if demand not in ("inside", "across"):
        msg = f"demand must be 'inside' or 'across', got {demand!r}"
        raise ValueError(msg)
    base = dataset.network
    copies = [_copy(base, k) for k in range(tiles)]
    hubs = _hubs(base, mode, cross_links)
    country = {n.id: n.country for n in base.nodes}
    speeds = sorted(lk.speed_kmh for lk in base.links if lk.mode == mode and lk.speed_kmh)
    speed = speeds[len(speeds) // 2] if speeds else 40.0
    cross: list[Link] = []
    pairs = [(k, (k + 1) % tiles) for k in range(tiles)] if tiles > 2 else [(0, 1)] if tiles == 2 else []
    for i, j in pairs:
        for h in hubs:
            cross.append(Link(
                id=f"tile-{i}-{j}-{h}", a=_suffix(i)(h), b=_suffix(j)(h), mode=mode, corridor="other",
                country=country[h], name=f"synthetic cross link {h} copy {i} - copy {j}", distance_km=CROSS_KM,
                speed_kmh=speed, note="generator assumption (corridor.data.synthetic); speed: the median of the "
                                      f"network's {mode} links",
                provenance={"distance_km": Provenance(SOURCE_KEY, Status.ASSUMPTION),
                            "speed_kmh": Provenance(SOURCE_KEY, Status.DERIVED)}))
    tariff_rows = list(base.tariffs.rows)
    for k in range(1, tiles):
        tariff_rows += [dataclasses.replace(t, id=f"{t.id}@{k}", links=f"{t.links}@{k}")
                        for t in base.tariffs.rows if t.links]
    net = dataclasses.replace(
        base,
        name=f"{base.name}-x{tiles}",
        nodes=tuple(n for c in copies for n in c.nodes),
        links=tuple(lk for c in copies for lk in c.links) + tuple(cross),
        transfers=tuple(t for c in copies for t in c.transfers),
        facilities=tuple(f for c in copies for f in c.facilities),
        fleets=tuple(f for c in copies for f in c.fleets),
        tariffs=TariffTable(tuple(tariff_rows), base.tariffs.adjustments),
        sources={**base.sources, SOURCE_KEY: _SOURCE},
        meta={**base.meta, "synthetic": f"tiled: {tiles} copies of {base.name}, demand {demand}, "
                                        f"{cross_links} cross links per pair"},
    )
    rows = []
    for r in dataset.demand.rows:
        if demand == "inside":
            rows += [dataclasses.replace(r, id=_suffix(k)(r.id), origin=_suffix(k)(r.origin),
                                         destination=_suffix(k)(r.destination)) for k in range(tiles)]
        else:
            rows += [dataclasses.replace(r, id=f"{r.id}@{i}-{j}", origin=_suffix(i)(r.origin),
                                         destination=_suffix(j)(r.destination), tonnes=r.tonnes / tiles,
                                         teu=None if r.teu is None else r.teu / tiles)
                     for i in range(tiles) for j in range(tiles)]
    return Dataset(net, Demand(tuple(rows)))


# --- rail_grid: an imported-style rail network of any size ---------------------------------------------------------
GRID_SOURCE_KEY = "SYNTH-GRID"
"""The source key of every figure :func:`rail_grid` makes up (all but the tariffs)."""

_GRID_SOURCE = Source(GRID_SOURCE_KEY, "corridor's synthetic rail grid (corridor.data.synthetic.rail_grid)",
                      publisher="corridor", kind="assumption",
                      note="generator assumption, not data about the world: a seeded random rail network, its "
                           "coordinates, lengths, speeds, capacities, transfer times and charges, and its demand, "
                           "for benchmarks")

GAUGES: dict[str, str] = {"DE": "rail-1435", "PL": "rail-1435", "BY": "rail-1520", "RU": "rail-1520",
                          "KZ": "rail-1520", "CN": "rail-1435"}
"""The countries :func:`rail_grid` can use, west to east, and the gauge of their lines in the generator."""

_LON, _LAT = (10.0, 120.0), (38.0, 56.0)  # the box the nodes lie in (Central Europe to China)
_CIRCUITY = 1.15  # rail length over the great-circle distance
_SEA_CIRCUITY = 1.6  # sea route over the great-circle distance (around the continent)
_SPEED_KMH = {"rail": 40.0, "sea": 25.0}
_EXTRA_LINKS = 0.25  # share of the mesh's links beyond a spanning tree that are kept (the rest "removed")
_CAPACITY_SHARE = 0.1  # share of rail links given a capacity
_CAPACITY_MTPA = (0.5, 5.0)
_TONNES = (5e4, 1e6)  # per demand row
# (time h, cost USD/t) of the transfers
_TRANSFER = {"gauge-change": (4.0, 5.0), "border-clearance": (24.0, 10.0), "port-handling": (36.0, 8.0)}
_PORT_CAPACITY_MTPA = 20.0


def _assumed(*fields: str, derived: Sequence[str] = ()) -> dict[str, Provenance]:
    out = {f: Provenance(GRID_SOURCE_KEY, Status.ASSUMPTION) for f in fields}
    out.update({f: Provenance(GRID_SOURCE_KEY, Status.DERIVED) for f in derived})
    return out


def _km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle kilometres."""
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def _mesh(nodes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jittered grid points (lon, lat) and the links kept of its triangulated mesh (pairs of indices)."""
    aspect = (_LON[1] - _LON[0]) / (_LAT[1] - _LAT[0])
    cols = max(1, math.ceil(math.sqrt(nodes * aspect)))
    rows = math.ceil(nodes / cols)
    idx = np.arange(nodes)
    r, c = idx // cols, idx % cols
    dx, dy = (_LON[1] - _LON[0]) / cols, (_LAT[1] - _LAT[0]) / max(rows, 1)
    lon = _LON[0] + (c + 0.5 + rng.uniform(-0.35, 0.35, nodes)) * dx
    lat = _LAT[0] + (r + 0.5 + rng.uniform(-0.35, 0.35, nodes)) * dy
    right = idx[(c + 1 < cols) & (idx + 1 < nodes)]
    down = idx[idx + cols < nodes]
    diag = idx[(c + 1 < cols) & (idx + cols + 1 < nodes)]
    flip = rng.random(diag.size) < 0.5  # one diagonal per cell, either way: a triangulation
    edges = np.concatenate([
        np.stack([right, right + 1], 1), np.stack([down, down + cols], 1),
        np.stack([np.where(flip, diag + 1, diag), np.where(flip, diag + cols, diag + cols + 1)], 1),
    ])
    edges = edges[rng.permutation(len(edges))]
    parent = list(range(nodes))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    tree = np.zeros(len(edges), dtype=bool)
    for k, (a, b) in enumerate(edges.tolist()):  # a random spanning tree keeps the network connected
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
            tree[k] = True
    keep = tree | (rng.random(len(edges)) < _EXTRA_LINKS)
    kept = edges[keep]
    return lon, lat, kept[np.lexsort((kept[:, 1], kept[:, 0]))]


def _zone_country(lon: np.ndarray, countries: Sequence[str]) -> np.ndarray:
    """Each node's country: equal bands of longitude, west to east."""
    band = ((lon - _LON[0]) / (_LON[1] - _LON[0]) * len(countries)).astype(int)
    return np.clip(band, 0, len(countries) - 1)


def rail_grid(dataset: Dataset, *, nodes: int = 10_000, zones: int = 1_000,
              countries: Sequence[str] = ("DE", "PL", "BY", "RU", "KZ", "CN"), ports: int = 4,
              year: int = 2021, seed: int = 0) -> Dataset:
    """A seeded random rail network like an OpenStreetMap import, with demand between ``zones`` stations.

    The nodes are a jittered grid over Central Europe to China (lon 10-120, lat 38-56); the links a
    triangulated mesh of them with most links removed (a random spanning tree is kept, so the
    network is connected; about a quarter of the other links stay). Each country is a band of
    longitude, west to east, with the gauge of :data:`GAUGES`; a link lies in the country and gauge of
    its first end, so its other end is a border station (a ``border-clearance`` transfer for every way
    through it) where the countries differ, and a break of gauge (``gauge-change`` transfers both ways)
    where the gauges differ. The ``ports`` westernmost and easternmost nodes (half each) are seaports
    joined west to east by sea links, with ``port-handling`` transfers between rail and sea. A tenth of
    the rail links get a capacity of 0.5-5 Mt/yr, so that the LP binds. Each zone (a ``rail-terminal``)
    sends one demand row, 0.05-1 Mt/yr of a commodity of ``dataset``, to another zone.

    Links are priced by ``dataset``'s tariffs (by mode and country; rows for named links are left
    out); every other figure is an assumption of the generator, under source key
    :data:`GRID_SOURCE_KEY`.

    Parameters
    ----------
    dataset
        Where the commodities, tariffs and their sources come from (e.g. ``corridor.data.load()``).
    nodes, zones
        How many nodes (at least 4), and how many of them are zones (2 … ``nodes - ports``).
    countries
        Country codes, west to east, from :data:`GAUGES`.
    ports
        How many seaports (an even number, 0 for none).
    year
        The year of the demand rows.
    seed
        The same seed gives the same network and demand.

    Returns
    -------
    Dataset
        ``meta["synthetic"]`` says how it was made.

    Raises
    ------
    ValueError
        Sizes out of bounds or an unknown country.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.model import validate_network
    >>> ds = rail_grid(data.load(), nodes=300, zones=20, seed=1)
    >>> len(ds.network.nodes), len(ds.demand.rows), ds.network.meta["synthetic"]
    (300, 20, 'rail_grid: 300 nodes, 20 zones, countries DE PL BY RU KZ CN, 4 ports, seed 1')
    >>> sorted({t.kind for t in ds.network.transfers})
    ['border-clearance', 'gauge-change', 'port-handling']
    >>> _ = validate_network(ds.network, ds.demand)  # raises if the network breaks a rule
    """
    unknown = [c for c in countries if c not in GAUGES]
    if unknown or not countries:
        msg = f"countries must be some of {', '.join(GAUGES)}, got {list(countries)!r}"
        raise ValueError(msg)
    if ports < 0 or ports % 2 or nodes < max(4, 2 * ports):
        msg = f"need an even number of ports and at least 4 nodes and twice as many as ports, got {nodes=}, {ports=}"
        raise ValueError(msg)
    if not 2 <= zones <= nodes - ports:
        msg = f"zones must be from 2 to nodes - ports ({nodes - ports}), got {zones}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    lon, lat, edges = _mesh(nodes, rng)
    country_of = np.asarray(countries)[_zone_country(lon, countries)]
    gauge_of = np.asarray([GAUGES[c] for c in country_of])
    ids = [f"n{i}" for i in range(nodes)]
    by_lon = np.argsort(lon, kind="stable")
    port_idx = set(by_lon[: ports // 2].tolist()) | set(by_lon[nodes - ports // 2:].tolist()) if ports else set()
    others = np.asarray(sorted(set(range(nodes)) - port_idx))
    zone_idx = np.sort(rng.choice(others, size=zones, replace=False))
    links = _grid_links(ids, lon, lat, edges, country_of, gauge_of, rng)
    west, east = sorted(by_lon[: ports // 2].tolist()), sorted(by_lon[nodes - ports // 2:].tolist())
    links += _sea_links(ids, lon, lat, west, east)
    transfers = _grid_transfers(ids, country_of, links, set(west + east))
    zone_set = set(zone_idx.tolist())
    kinds = {i: "seaport" if i in port_idx else "rail-terminal" if i in zone_set else "junction"
             for i in range(nodes)}
    border_nodes = {t.node for t in transfers if t.kind == "border-clearance"}
    node_recs = tuple(
        Node(ids[i], f"{'station' if kinds[i] == 'rail-terminal' else kinds[i]} {i}", str(country_of[i]),
             "border" if kinds[i] == "junction" and ids[i] in border_nodes else kinds[i],
             round(float(lon[i]), 5), round(float(lat[i]), 5), provenance=_assumed("coords"))
        for i in range(nodes))
    base = dataset.network
    net = Network(
        f"rail-grid-{nodes}", node_recs, tuple(links), tuple(transfers), base.commodities,
        sources={**base.sources, GRID_SOURCE_KEY: _GRID_SOURCE},
        meta={"synthetic": f"rail_grid: {nodes} nodes, {zones} zones, countries {' '.join(countries)}, "
                           f"{ports} ports, seed {seed}", "path": f"synthetic:rail-grid-{nodes}"},
        tariffs=TariffTable(tuple(t for t in base.tariffs.rows if not t.links), base.tariffs.adjustments))
    commodities = sorted(c.id for c in base.commodities if {"rail-1520", "rail-1435"} <= c.modes)
    dest = rng.integers(0, zones - 1, size=zones)
    dest = np.where(dest >= np.arange(zones), dest + 1, dest)  # any zone but itself
    which = rng.integers(0, len(commodities), size=zones)
    tonnes = np.round(rng.uniform(*_TONNES, size=zones), -3)
    rows = tuple(
        DemandRow(f"d{k}", ids[zone_idx[k]], ids[zone_idx[dest[k]]], commodities[which[k]], year, float(tonnes[k]),
                  group="synthetic", provenance=_assumed("tonnes"))
        for k in range(zones))
    return Dataset(net, Demand(rows))


def _grid_links(ids: list[str], lon: np.ndarray, lat: np.ndarray, edges: np.ndarray, country_of: np.ndarray,
                gauge_of: np.ndarray, rng: np.random.Generator) -> list[Link]:
    a, b = edges[:, 0], edges[:, 1]
    km = np.round(_km(lon[a], lat[a], lon[b], lat[b]) * _CIRCUITY, 1)
    capped = rng.random(len(edges)) < _CAPACITY_SHARE
    caps = np.round(rng.uniform(*_CAPACITY_MTPA, size=len(edges)), 2)
    out = []
    for k, (i, j) in enumerate(edges.tolist()):
        cap = float(caps[k]) if capped[k] else None
        out.append(Link(
            f"l{k}", ids[i], ids[j], str(gauge_of[i]), country=str(country_of[i]), distance_km=max(float(km[k]), 0.1),
            speed_kmh=_SPEED_KMH["rail"], capacity_mtpa=cap,
            provenance=_assumed("speed_kmh", *(("capacity_mtpa",) if cap is not None else ()),
                                derived=("distance_km",))))
    return out


def _sea_links(ids: list[str], lon: np.ndarray, lat: np.ndarray, west: list[int], east: list[int]) -> list[Link]:
    out = []
    for i in west:
        for j in east:
            km = float(_km(lon[i], lat[i], lon[j], lat[j])) * _SEA_CIRCUITY
            out.append(Link(f"sea-{ids[i]}-{ids[j]}", ids[i], ids[j], "sea", corridor="maritime",
                            distance_km=round(km, 1), speed_kmh=_SPEED_KMH["sea"],
                            provenance=_assumed("speed_kmh", derived=("distance_km",))))
    return out


def _incident(ids: list[str], links: list[Link]) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """The modes, and the countries of the land links, at each node (by index)."""
    index = {n: i for i, n in enumerate(ids)}
    modes: dict[int, set[str]] = {}
    lands: dict[int, set[str]] = {}
    for lk in links:
        for end in (index[lk.a], index[lk.b]):
            modes.setdefault(end, set()).add(lk.mode)
            if lk.country:
                lands.setdefault(end, set()).add(lk.country)
    return modes, lands


def _grid_transfers(ids: list[str], country_of: np.ndarray, links: list[Link], ports: set[int]) -> list[Transfer]:
    """Border clearance where countries meet, gauge changes where gauges meet, port handling at the ports."""
    modes, lands = _incident(ids, links)
    out = []

    def transfer(tid: str, node: int, kind: str, src: frozenset[str], dst: frozenset[str], cap: float | None) -> None:
        time_h, cost = _TRANSFER[kind]
        out.append(Transfer(tid, ids[node], kind, src, dst, time_h=time_h, cost_usd_per_t=cost, capacity_mtpa=cap,
                            provenance=_assumed("time_h", "cost_usd_per_t",
                                                *(("capacity_mtpa",) if cap is not None else ()))))

    for i in sorted(modes):
        if lands.get(i, set()) - {str(country_of[i])}:
            transfer(f"{ids[i]}-border", i, "border-clearance", frozenset(), frozenset(), None)
        rail = sorted(m for m in modes[i] if m.startswith("rail"))
        if len(rail) == 2:
            for m, n in (rail, rail[::-1]):
                transfer(f"{ids[i]}-gauge-{n[5:]}", i, "gauge-change", frozenset({m}), frozenset({n}), None)
        if i in ports:
            for m in rail:
                transfer(f"{ids[i]}-port-out-{m[5:]}", i, "port-handling", frozenset({m}), frozenset({"sea"}),
                         _PORT_CAPACITY_MTPA)
                transfer(f"{ids[i]}-port-in-{m[5:]}", i, "port-handling", frozenset({"sea"}), frozenset({m}),
                         _PORT_CAPACITY_MTPA)
    return out
