"""Synthetic large networks built from the built-in one, for measuring how the engines scale.

:func:`tiled` copies a dataset ``tiles`` times and joins the copies into a ring by cross links, so
that a network of ``tiles × 74`` nodes keeps the built-in network's structure: the same modes,
transfers, border crossings, facilities, fleets and tariffs in every copy. Copy ``k`` (from 1) gets
every id suffixed ``@k``; copy 0 keeps the original ids, so scenarios written for the built-in
network still apply to it.

Demand either stays inside each copy (``demand="inside"``: the dataset's rows once per copy) or
crosses copies (``demand="across"``: every row from its origin in copy ``i`` to its destination in
copy ``j``, for every ``i`` and ``j``, with ``tonnes / tiles`` each, so the total is ``tiles`` times
the dataset's either way).

Nothing here is data about the world: the cross links are assumptions of the generator (source key
``SYNTH-TILES``), labelled as such, and the network's ``meta`` says it is synthetic.

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
from collections import Counter
from collections.abc import Callable
from typing import Literal

from corridor.model import Dataset, Demand, Link, Network, Source
from corridor.model.provenance import Provenance, Status
from corridor.model.tariffs import TariffTable

__all__ = ["SOURCE_KEY", "tiled"]

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
