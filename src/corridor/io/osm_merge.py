"""Merging an imported OpenStreetMap network into another dataset (the built-in ``eurasia``, a CSV folder).

An imported terminal (a ``rail-terminal``, ``seaport`` or ``border`` node) is *matched* to a node
of the base dataset when one of its names (its ``name``, ``name:en``, ``name:ru`` ... kept as
aliases) equals one of the base node's id, name or aliases after case, accents and punctuation
are dropped (:func:`corridor.model.lookup.normalise_name`) **and** the two lie within
``within_km`` of each other; the nearest such node wins. A matched node takes the base node's id,
position and transfers (imported transfers of a kind the base node already has are dropped); a
link between two terminals matched to the same base node is dropped.
Terminals without a match are reported with the reason and the nearest base node; they enter the
merged network under their own id (prefixed ``osm-`` if the base uses it already).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from corridor.io._osm_geo import haversine_km
from corridor.model import Dataset, Network, Node
from corridor.model.lookup import normalise_name

__all__ = ["TERMINAL_KINDS", "OsmMerge", "merge_osm"]

TERMINAL_KINDS = ("rail-terminal", "seaport", "border")
"""Kinds of imported node that are matched against the base dataset."""


@dataclass
class OsmMerge:
    """The merged dataset and the match report.

    Examples
    --------
    >>> OsmMerge(Dataset(Network("x"))).summary()
    {'matched': 0, 'unmatched': 0}
    """

    dataset: Dataset
    matched: list[dict[str, object]] = field(default_factory=list)
    unmatched: list[dict[str, object]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        """How many imported terminals were matched and how many were not."""
        return {"matched": len(self.matched), "unmatched": len(self.unmatched)}


def _names(node: Node) -> set[str]:
    return {normalise_name(n) for n in (node.id, node.name, *node.aliases) if normalise_name(n)}


def merge_osm(base: Dataset, imported: Dataset, *, within_km: float = 25.0) -> OsmMerge:
    """Merge ``imported`` into ``base``, matching terminals by name and distance (see the module docstring).

    Examples
    --------
    >>> from corridor.model import Link, Node
    >>> base = Network("base", nodes=(Node("aktogay", "Aktogay", "KZ", "rail-terminal", 79.62, 46.95),))
    >>> osm = Network("osm", nodes=(Node("aktogai", "Актогай", "KZ", "rail-terminal", 79.63, 46.96,
    ...                                  aliases=("Aktogay",)),
    ...                             Node("ayagoz", "Ayagoz", "KZ", "rail-terminal", 80.43, 47.96)),
    ...               links=(Link("l1", "aktogai", "ayagoz", "rail-1520", distance_km=130.0, speed_kmh=50.0),))
    >>> m = merge_osm(Dataset(base), Dataset(osm))
    >>> [(r["osm"], r["base"]) for r in m.matched], [r["osm"] for r in m.unmatched]
    ([('aktogai', 'aktogay')], ['ayagoz'])
    >>> [(lk.a, lk.b) for lk in m.dataset.network.links]
    [('aktogay', 'ayagoz')]
    """
    bnet, onet = base.network, imported.network
    table: dict[str, list[int]] = {}
    for i, n in enumerate(bnet.nodes):
        for key in _names(n):
            table.setdefault(key, []).append(i)
    rename: dict[str, str] = {}
    matched: list[dict[str, object]] = []
    unmatched: list[dict[str, object]] = []
    for n in onet.nodes:
        if n.kind not in TERMINAL_KINDS:
            continue
        same = sorted({i for key in _names(n) for i in table.get(key, [])})
        dists = [(float(haversine_km(n.lon, n.lat, bnet.nodes[i].lon, bnet.nodes[i].lat)), bnet.nodes[i].id)
                 for i in same]
        near = [d for d in dists if d[0] <= within_km]
        if near:
            km, bid = min(near)
            rename[n.id] = bid
            matched.append({"osm": n.id, "name": n.name, "base": bid, "km": round(km, 3)})
            continue
        if dists:
            km, bid = min(dists)
            why = f"a base node of that name, {bid!r}, lies {km:.1f} km away (more than {within_km:g} km)"
        else:
            why = "no base node has any of its names"
        unmatched.append({"osm": n.id, "name": n.name, "kind": n.kind, "lon": n.lon, "lat": n.lat, "reason": why,
                          **_nearest(bnet, n.lon, n.lat)})
    merged = _merged(base, imported, rename)
    for u in unmatched:
        u["id"] = rename[str(u["osm"])]
    return OsmMerge(merged, matched, unmatched)


def _nearest(net: Network, lon: float, lat: float) -> dict[str, object]:
    if not net.nodes:
        return {"nearest": None, "nearest_km": None}
    km, nid = min((float(haversine_km(lon, lat, n.lon, n.lat)), n.id) for n in net.nodes)
    return {"nearest": nid, "nearest_km": round(km, 3)}


def _merged(base: Dataset, imported: Dataset, rename: dict[str, str]) -> Dataset:
    bnet, onet = base.network, imported.network
    taken = set(bnet.node_index) | {lk.id for lk in bnet.links} | {t.id for t in bnet.transfers}

    def fresh(rid: str) -> str:
        out, k = rid, 2
        while out in taken:
            out, k = (f"osm-{rid}" if k == 2 else f"osm-{rid}-{k}"), k + 1
        taken.add(out)
        return out

    for n in onet.nodes:
        if n.id not in rename:
            rename[n.id] = fresh(n.id)
    nodes = [dataclasses.replace(n, id=rename[n.id]) for n in onet.nodes if rename[n.id] not in bnet.node_index]
    # two imported terminals matched to one base node: the link between them would be a loop
    links = [dataclasses.replace(lk, id=fresh(lk.id), a=rename[lk.a], b=rename[lk.b]) for lk in onet.links
             if rename[lk.a] != rename[lk.b]]
    base_kinds = {(t.node, t.kind) for t in bnet.transfers}
    transfers = [dataclasses.replace(t, id=fresh(t.id), node=rename[t.node]) for t in onet.transfers
                 if (rename[t.node], t.kind) not in base_kinds]
    net = bnet.with_records(nodes=nodes, links=links, transfers=transfers, sources=onet.sources)
    net = dataclasses.replace(net, name=f"{bnet.name}+{onet.name}", meta={**bnet.meta, "merged_osm": onet.name})
    return Dataset(net, base.demand)
