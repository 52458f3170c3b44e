"""Validity periods: which nodes, links and transfers existed in a given year.

A record may carry ``valid_from`` and ``valid_to``, the first and last year (inclusive) in which
it exists; an empty bound is open. Dated *variants* of one record share its id: two rows
``aktau-port-out`` valid ``to 2022`` and ``from 2023`` describe the port before and after an
expansion. Two variants of one id must not both be valid in any year; :func:`period_problems`
reports such overlaps with the file and line of the later row.

:func:`network_as_of` keeps what existed in a year; :func:`dataset_as_of` does the same for a
dataset and picks the year of its demand when none is given.

>>> from corridor.model import Link, Network, Node
>>> net = Network("t", nodes=(Node("a", "A", "KZ", "city", 70.0, 45.0), Node("b", "B", "KZ", "city", 71.0, 45.0)),
...               links=(Link("ab", "a", "b", "road", distance_km=80.0, valid_to=2022),
...                      Link("ab", "a", "b", "road", distance_km=60.0, valid_from=2023)))
>>> net.as_of(2021).link("ab").distance_km
80.0
>>> net.as_of(2024).link("ab").distance_km
60.0
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from corridor.exceptions import Problem

if TYPE_CHECKING:
    from corridor.model.dataset import Dataset
    from corridor.model.network import Network

__all__ = [
    "dataset_as_of",
    "default_year",
    "has_periods",
    "network_as_of",
    "overlaps",
    "period_problems",
    "valid_in",
]


def valid_in(record: Any, year: int | None) -> bool:
    """Whether ``record`` exists in ``year`` (``None``: now, i.e. it has no end year).

    Examples
    --------
    >>> from corridor.model import Link, Network, Node
    >>> old = Link("ab", "a", "b", "road", distance_km=80.0, speed_kmh=60.0, valid_to=2022)
    >>> new = Link("ab", "a", "b", "road", distance_km=60.0, speed_kmh=60.0, valid_from=2023)
    >>> valid_in(old, 2021), valid_in(old, 2023), valid_in(new, 2023), valid_in(new, None)
    (True, False, True, True)
    """
    lo, hi = getattr(record, "valid_from", None), getattr(record, "valid_to", None)
    if year is None:
        return hi is None
    return (lo is None or lo <= year) and (hi is None or year <= hi)


def overlaps(a: Any, b: Any) -> bool:
    """Whether two records' validity periods share at least one year.

    Examples
    --------
    >>> from corridor.model import Link, Network, Node
    >>> old = Link("ab", "a", "b", "road", distance_km=80.0, speed_kmh=60.0, valid_to=2022)
    >>> new = Link("ab", "a", "b", "road", distance_km=60.0, speed_kmh=60.0, valid_from=2023)
    >>> overlaps(old, new), overlaps(old, old)
    (False, True)
    """
    lo = max(x for x in (a.valid_from, b.valid_from, -10**9) if x is not None)
    hi = min(x for x in (a.valid_to, b.valid_to, 10**9) if x is not None)
    return lo <= hi


def has_periods(records: Iterable[Any]) -> bool:
    """Whether any record has a validity bound.

    Examples
    --------
    >>> from corridor.model import Link, Network, Node
    >>> old = Link("ab", "a", "b", "road", distance_km=80.0, speed_kmh=60.0, valid_to=2022)
    >>> new = Link("ab", "a", "b", "road", distance_km=60.0, speed_kmh=60.0, valid_from=2023)
    >>> has_periods([old, new]), has_periods([Link("cd", "c", "d", "road", distance_km=5.0)])
    (True, False)
    """
    return any(getattr(r, "valid_from", None) is not None or getattr(r, "valid_to", None) is not None
               for r in records)


def period_problems(records: Sequence[Any], kind: str) -> list[Problem]:
    """Problems of the validity periods of one table.

    ``valid_to`` before ``valid_from``, and variants of one id valid in the same year (located at
    the later row's ``file:line``).

    Examples
    --------
    >>> from corridor.model import Link, Network, Node
    >>> old = Link("ab", "a", "b", "road", distance_km=80.0, speed_kmh=60.0, valid_to=2022)
    >>> new = Link("ab", "a", "b", "road", distance_km=60.0, speed_kmh=60.0, valid_from=2023)
    >>> period_problems([old, new], "link")
    []
    >>> clash = Link("ab", "a", "b", "road", distance_km=70.0, speed_kmh=60.0, valid_from=2020)
    >>> for p in period_problems([old, clash], "link"):
    ...     print(p.field, "|", p.message)
    valid_from | link 'ab' is also valid in 2020-2022 in an earlier row; dated variants of one id must not overlap
    """
    problems: list[Problem] = []
    by_id: dict[str, list[Any]] = {}
    for r in records:
        where = r.origin or f"{kind} {r.id}"
        if r.valid_from is not None and r.valid_to is not None and r.valid_to < r.valid_from:
            problems.append(Problem(where, "valid_to", f"{r.valid_to} is before valid_from {r.valid_from}"))
            continue
        for other in by_id.get(r.id, []):
            if overlaps(r, other):
                problems.append(Problem(where, "valid_from", f"{kind} {r.id!r} is also valid in {_span(r, other)} in "
                                        f"{other.origin or 'an earlier row'}; dated variants of one id must not "
                                        "overlap"))
                break
        by_id.setdefault(r.id, []).append(r)
    return problems


def _span(a: Any, b: Any) -> str:
    lo = max((x for x in (a.valid_from, b.valid_from) if x is not None), default=None)
    hi = min((x for x in (a.valid_to, b.valid_to) if x is not None), default=None)
    if lo is None and hi is None:
        return "every year"
    if lo == hi:
        return str(lo)
    return f"{'...' if lo is None else lo}-{'...' if hi is None else hi}"


def network_as_of(net: Network, year: int | None) -> Network:
    """The network in ``year``: records valid then; links, transfers and facilities of kept nodes only.

    ``None`` keeps every record without an end year. A network without validity bounds is returned as it is.

    Examples
    --------
    >>> from corridor.model import Link, Network, Node
    >>> old = Link("ab", "a", "b", "road", distance_km=80.0, speed_kmh=60.0, valid_to=2022)
    >>> new = Link("ab", "a", "b", "road", distance_km=60.0, speed_kmh=60.0, valid_from=2023)
    >>> net = Network("t", nodes=(Node("a", "A", "KZ", "city", 70.0, 45.0), Node("b", "B", "KZ", "city", 71.0, 45.0)),
    ...               links=(old, new))
    >>> network_as_of(net, 2020).link("ab").distance_km, network_as_of(net, 2030).link("ab").distance_km
    (80.0, 60.0)
    """
    if not any(has_periods(records) for records in (net.nodes, net.links, net.transfers, net.facilities, net.fleets)):
        return net
    nodes = tuple(n for n in net.nodes if valid_in(n, year))
    kept = {n.id for n in nodes}
    links = tuple(lk for lk in net.links if valid_in(lk, year) and lk.a in kept and lk.b in kept)
    transfers = tuple(t for t in net.transfers if valid_in(t, year) and t.node in kept)
    facilities = tuple(f for f in net.facilities if valid_in(f, year) and f.node in kept)
    kept_links = {lk.id for lk in links}
    fleets = tuple(dataclasses.replace(g, lines=g.lines & kept_links) for g in net.fleets
                   if valid_in(g, year) and g.lines & kept_links)
    meta = {**net.meta, "as_of": "now" if year is None else str(year)}
    return dataclasses.replace(net, nodes=nodes, links=links, transfers=transfers, facilities=facilities,
                               fleets=fleets, meta=meta)


def default_year(dataset: Dataset) -> int | None:
    """The year a dataset stands for: the latest year of its demand (``None`` without demand).

    Examples
    --------
    >>> from corridor import data
    >>> default_year(data.load())
    2021
    """
    return max((r.year for r in dataset.demand.rows), default=None)


def dataset_as_of(dataset: Dataset, year: int | None = None) -> Dataset:
    """The dataset in ``year`` (default :func:`default_year`); the demand is kept as it is.

    Examples
    --------
    >>> from corridor import data
    >>> ds = data.load()
    >>> len(dataset_as_of(ds, 2019).network.links), len(dataset_as_of(ds, 2025).network.links)
    (144, 142)
    """
    from corridor.model.dataset import Dataset

    chosen = default_year(dataset) if year is None else year
    net = network_as_of(dataset.network, chosen)
    return dataset if net is dataset.network else Dataset(net, dataset.demand)
