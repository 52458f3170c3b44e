"""The network: nodes, links, transfers at nodes, commodities and the sources behind every figure.

A :class:`Network` is an immutable value. Methods that edit it (:meth:`Network.replace`,
:meth:`Network.with_links`, :meth:`Network.without`) return a new network and leave the old
one as it was, so scenarios can share a base network safely.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from corridor.model.commodity import Commodity
from corridor.model.facility import Facility
from corridor.model.fleet import FleetGroup, line_departures, wait_h
from corridor.model.provenance import Provenance, Source
from corridor.model.tariffs import TariffTable

if TYPE_CHECKING:
    from corridor.model.compiled import CompiledNetwork

__all__ = ["CORRIDORS", "NODE_KINDS", "TRANSFER_KINDS", "Link", "Network", "Node", "Transfer"]

NODE_KINDS: tuple[str, ...] = (
    "city",
    "rail-terminal",
    "seaport",
    "border",
    "junction",
    "dry-port",
    "oil-terminal",
    "zone",
    "market",
)
"""Kinds of node. ``zone`` is a traffic zone of a research network (TNTP); ``market`` a destination market
(cargo ends there and does not pass through: ``thru`` false)."""

TRANSFER_KINDS: tuple[str, ...] = (
    "gauge-change",
    "transshipment",
    "border-clearance",
    "port-handling",
)

CORRIDORS: tuple[str, ...] = ("northern", "trans-caspian", "southern", "china-access", "maritime", "other")
"""Corridor tags of links; results are summed by these."""


def _provenance() -> dict[str, Provenance]:
    return {}


@dataclass(frozen=True)
class Node:
    """A place where links meet: a city, terminal, port, border crossing or junction.

    Parameters
    ----------
    id
        Short readable slug, e.g. ``aktau``, ``baku-alat``, ``dostyk``.
    name
        Readable name; users may type it instead of the id.
    country
        ISO 3166-1 alpha-2 code.
    kind
        One of :data:`NODE_KINDS`.
    lon, lat
        WGS 84 degrees.
    locode
        UN/LOCODE, if known.
    aliases
        Other names users may type (``Alyat``, ``Khorgos``).
    thru
        Whether flows may pass through (research networks forbid it for zones).
    provenance
        Source and status per figure; the key ``coords`` covers ``lon`` and ``lat``.
    origin
        Where the record was read (``nodes.csv:4``); not part of equality.
    valid_from, valid_to
        First and last year (inclusive) in which the record exists; ``None`` is open. Dated
        variants of one record share its id (see :mod:`corridor.model.validity`).

    Examples
    --------
    >>> from corridor import data
    >>> n = data.load().network.node("Aktau")
    >>> n.id, n.name, n.country, n.kind, round(n.lon, 2), round(n.lat, 2)
    ('aktau', 'Aktau', 'KZ', 'seaport', 51.15, 43.65)
    >>> Node("a", "A", "KZ", "city", 70.0, 45.0).thru
    True
    """

    id: str
    name: str
    country: str
    kind: str
    lon: float
    lat: float
    locode: str = ""
    aliases: tuple[str, ...] = ()
    thru: bool = True
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=_provenance, compare=False, hash=False)
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)
    valid_from: int | None = None
    valid_to: int | None = None


@dataclass(frozen=True)
class Link:
    """A transport link between two nodes, lying in one country (or at sea).

    Parameters
    ----------
    id
        Unique slug.
    a, b
        End node ids. Unless ``oneway``, the link runs both ways with the same figures in each
        direction (capacities are per direction).
    mode
        One of :data:`corridor.model.MODES`.
    corridor
        One of :data:`CORRIDORS`.
    country
        ISO code of the country the link lies in; ``""`` at sea.
    distance_km
        Length.
    speed_kmh, time_h
        Running speed, or a fixed running time that overrides it (ferry crossings).
    cost_usd_per_t, cost_usd_per_teu
        Charges for the whole link per tonne and per loaded TEU; containers use the per-TEU
        figure when given.
    capacity_mtpa, capacity_teu
        Capacity per direction in Mt per year and TEU per year (``None``: unlimited).
    capacity_wagons
        Capacity per direction in wagons per year (``None``: unlimited); cargo counts by its
        commodity's ``t_per_wagon``.
    commodities
        Commodity ids admitted; empty means every commodity that the mode can carry.
    oneway
        Only from ``a`` to ``b``.
    vdf_alpha, vdf_beta, vdf_capacity
        Volume-delay function ``t = t0 (1 + alpha (v / capacity) ** beta)``, with ``capacity``
        in the flow unit of the demand per period (research networks).
    toll
        Toll in the research network's unit.
    link_type
        Free label carried from the source (TNTP link type, road class).
    provenance
        Source and status per figure, keyed by field name.
    valid_from, valid_to
        First and last year (inclusive) of the link; ``None`` is open (see :mod:`corridor.model.validity`).
    facility
        Ids of the :class:`~corridor.model.facility.Facility` records whose shared capacity the
        link's flow counts against (both directions).
    departures_per_year
        Scheduled departures each way per year (a sea line); overrides what the fleets serving the
        line give. The wait for a departure (half the interval) is added to the link's time.

    Examples
    --------
    >>> from corridor import data
    >>> lk = data.load().network.link("dostyk-aktogay")
    >>> lk.a, lk.b, lk.mode, lk.country, lk.distance_km
    ('dostyk', 'aktogay', 'rail-1520', 'KZ', 314.0)
    >>> road = Link("ab", "a", "b", "road", distance_km=120.0, speed_kmh=60.0)
    >>> road.running_time_h
    2.0
    """

    id: str
    a: str
    b: str
    mode: str
    corridor: str = "other"
    country: str = ""
    name: str = ""
    distance_km: float = 0.0
    speed_kmh: float | None = None
    time_h: float | None = None
    cost_usd_per_t: float | None = None
    cost_usd_per_teu: float | None = None
    capacity_mtpa: float | None = None
    capacity_teu: float | None = None
    commodities: frozenset[str] = frozenset()
    oneway: bool = False
    vdf_alpha: float | None = None
    vdf_beta: float | None = None
    vdf_capacity: float | None = None
    toll: float = 0.0
    link_type: str = ""
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=_provenance, compare=False, hash=False)
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)
    capacity_wagons: float | None = None
    valid_from: int | None = None
    valid_to: int | None = None
    facility: frozenset[str] = frozenset()
    departures_per_year: float | None = None

    @property
    def running_time_h(self) -> float:
        """Running time in hours: ``time_h`` if given, else distance over speed (0 if neither)."""
        if self.time_h is not None:
            return self.time_h
        if self.speed_kmh:
            return self.distance_km / self.speed_kmh
        return 0.0


@dataclass(frozen=True)
class Transfer:
    """What happens at a node between two links: gauge change, transshipment, border, port.

    A transfer applies to a path that enters ``node`` by a link whose mode is in ``from_modes``
    and leaves it by a link whose mode is in ``to_modes`` (an empty set matches any mode). A
    border clearance with both sets empty applies to every path through the node.

    Parameters
    ----------
    id
        Unique slug.
    node
        The node id.
    kind
        One of :data:`TRANSFER_KINDS`.
    from_modes, to_modes
        Mode sets, see above.
    time_h, time_sd_h
        Mean dwell and its standard deviation in hours.
    cost_usd_per_t, cost_usd_per_teu
        Charges.
    capacity_mtpa, capacity_teu
        Capacity (``None``: unlimited).
    capacity_wagons
        Capacity in wagons per year (``None``: unlimited).
    commodities
        Commodity ids admitted (empty: all).
    provenance
        Source and status per figure.
    valid_from, valid_to
        First and last year (inclusive) of the transfer; ``None`` is open (see :mod:`corridor.model.validity`).
    facility
        Ids of the facilities whose shared capacity the transfer's flow counts against.

    Examples
    --------
    >>> from corridor import data
    >>> t = data.load().network.transfers_at["dostyk"][0]
    >>> t.id, t.kind, sorted(t.from_modes), sorted(t.to_modes), t.time_h
    ('dostyk-gauge-in', 'gauge-change', ['rail-1435'], ['rail-1520'], 4.25)
    >>> t.applies("rail-1435", "rail-1520"), t.applies("rail-1520", "rail-1435")
    (True, False)
    """

    id: str
    node: str
    kind: str
    from_modes: frozenset[str] = frozenset()
    to_modes: frozenset[str] = frozenset()
    name: str = ""
    time_h: float = 0.0
    time_sd_h: float | None = None
    cost_usd_per_t: float | None = None
    cost_usd_per_teu: float | None = None
    capacity_mtpa: float | None = None
    capacity_teu: float | None = None
    commodities: frozenset[str] = frozenset()
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=_provenance, compare=False, hash=False)
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)
    capacity_wagons: float | None = None
    valid_from: int | None = None
    valid_to: int | None = None
    facility: frozenset[str] = frozenset()

    def applies(self, mode_in: str | None, mode_out: str | None) -> bool:
        """Whether a path arriving by ``mode_in`` and leaving by ``mode_out`` incurs this transfer.

        ``None`` stands for the path's start or end at the node; a transfer with a mode set
        applies there only if the set is empty (border clearance, port handling at an origin).
        """
        ok_in = not self.from_modes or (mode_in is not None and mode_in in self.from_modes)
        ok_out = not self.to_modes or (mode_out is not None and mode_out in self.to_modes)
        return ok_in and ok_out


@dataclass(frozen=True)
class Network:
    """An immutable freight network.

    Parameters
    ----------
    name
        Name of the dataset (``eurasia``) or file.
    nodes, links, transfers, commodities
        The records, in a stable order.
    sources
        The sources table, keyed by source key.
    tariffs
        The tariff table that prices links without their own cost (:mod:`corridor.model.tariffs`).
    meta
        Free metadata (``{"year": "2021", "time_unit": "h"}``).
    facilities
        Shared capacities (ports, border stations), see :mod:`corridor.model.facility`.
    fleets
        The vessel groups of the sea lines' fleets, see :mod:`corridor.model.fleet`.

    Examples
    --------
    >>> from corridor.model import Link, Network, Node
    >>> net = Network("tiny", nodes=(Node("a", "A", "KZ", "city", 70.0, 45.0),
    ...                              Node("b", "B", "KZ", "city", 71.0, 45.0)),
    ...               links=(Link("ab", "a", "b", "road", distance_km=80.0),))
    >>> net.node("B").id
    'b'
    >>> net.replace("ab", distance_km=90.0).link("ab").distance_km
    90.0
    >>> net.link("ab").distance_km
    80.0
    """

    name: str
    nodes: tuple[Node, ...] = ()
    links: tuple[Link, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    commodities: tuple[Commodity, ...] = ()
    sources: dict[str, Source] = field(default_factory=dict, compare=False, hash=False)
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    tariffs: TariffTable = field(default_factory=TariffTable, compare=False, hash=False)
    facilities: tuple[Facility, ...] = ()
    fleets: tuple[FleetGroup, ...] = ()

    def __post_init__(self) -> None:
        for name in ("nodes", "links", "transfers", "commodities", "facilities", "fleets"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    # --- look-ups -------------------------------------------------------------------------
    @cached_property
    def node_index(self) -> dict[str, int]:
        """Map from node id to its position in :attr:`nodes`."""
        return {n.id: i for i, n in enumerate(self.nodes)}

    @cached_property
    def link_index(self) -> dict[str, int]:
        """Map from link id to its position in :attr:`links`."""
        return {lk.id: i for i, lk in enumerate(self.links)}

    @cached_property
    def transfers_at(self) -> dict[str, tuple[Transfer, ...]]:
        """Transfers grouped by node id."""
        out: dict[str, list[Transfer]] = {}
        for t in self.transfers:
            out.setdefault(t.node, []).append(t)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def line_waits_h(self) -> dict[str, float]:
        """Mean wait for a departure in hours of each scheduled line (fleets, ``departures_per_year``), by link id.

        A fleet's sailings go to those of its lines that the network has (a closed line's share
        goes to the others).
        """
        links = set(self.link_index)
        groups = [g if g.lines <= links else dataclasses.replace(g, lines=g.lines & links) for g in self.fleets]
        overrides = {lk.id: lk.departures_per_year for lk in self.links if lk.departures_per_year is not None}
        return {k: wait_h(v) for k, v in line_departures(groups, overrides).items()}

    def time_h(self, link: Link) -> float:
        """Time of a link for routing and assignment: running time plus the wait for a departure."""
        return link.running_time_h + self.line_waits_h.get(link.id, 0.0)

    @cached_property
    def name_table(self) -> dict[str, Node]:
        """Map from normalised id, name and alias to node (the first node wins a shared name)."""
        from corridor.model.lookup import normalise_name

        table: dict[str, Node] = {}
        for node in self.nodes:
            for name in (node.id, node.name, *node.aliases):
                table.setdefault(normalise_name(name), node)
        return table

    @cached_property
    def commodity_index(self) -> dict[str, Commodity]:
        """Map from commodity id to commodity."""
        return {c.id: c for c in self.commodities}

    def node(self, query: str) -> Node:
        """Find a node by id, name or alias, case-insensitive.

        Raises
        ------
        NodeNotFound
            With close matches as suggestions.
        """
        from corridor.model.lookup import find_node

        return find_node(self, query)

    def link(self, link_id: str) -> Link:
        """The link with this id.

        Raises
        ------
        KeyError
            If there is none.
        """
        return self.links[self.link_index[link_id]]

    @property
    def countries(self) -> list[str]:
        """Sorted country codes of the nodes."""
        return sorted({n.country for n in self.nodes if n.country})

    # --- edits (each returns a new network) ------------------------------------------------
    def replace(self, record_id: str, **changes: Any) -> Network:
        """Return a copy in which the node, link, transfer, facility or fleet group ``record_id`` has ``changes``.

        Raises
        ------
        KeyError
            If no record has that id.
        """
        for attr, index in (("links", self.link_index), ("nodes", self.node_index)):
            if record_id in index:
                items = list(getattr(self, attr))
                items[index[record_id]] = dataclasses.replace(items[index[record_id]], **changes)
                records: dict[str, Any] = {attr: tuple(items)}
                return dataclasses.replace(self, **records)
        for attr in ("transfers", "facilities", "fleets"):
            items = list(getattr(self, attr))
            for i, r in enumerate(items):
                if r.id == record_id:
                    items[i] = dataclasses.replace(r, **changes)
                    records = {attr: tuple(items)}
                    return dataclasses.replace(self, **records)
        raise KeyError(record_id)

    def with_records(
        self,
        *,
        nodes: Iterable[Node] = (),
        links: Iterable[Link] = (),
        transfers: Iterable[Transfer] = (),
        sources: Mapping[str, Source] | None = None,
        facilities: Iterable[Facility] = (),
        fleets: Iterable[FleetGroup] = (),
    ) -> Network:
        """Return a copy with these records added (a record with an existing id replaces it)."""

        def merge(old: tuple[Any, ...], new: Iterable[Any]) -> tuple[Any, ...]:
            new = list(new)
            ids = {r.id for r in new}
            return tuple(r for r in old if r.id not in ids) + tuple(new)

        return dataclasses.replace(
            self,
            nodes=merge(self.nodes, nodes),
            links=merge(self.links, links),
            transfers=merge(self.transfers, transfers),
            sources={**self.sources, **(sources or {})},
            facilities=merge(self.facilities, facilities),
            fleets=merge(self.fleets, fleets),
        )

    def with_links(self, links: Iterable[Link]) -> Network:
        """Return a copy with these links added or replaced."""
        return self.with_records(links=links)

    def without(self, ids: Iterable[str]) -> Network:
        """Return a copy without the named nodes, links and transfers.

        Removing a node also removes its links, transfers and facilities; fleet groups lose the
        removed lines.
        """
        drop = set(ids)
        nodes = tuple(n for n in self.nodes if n.id not in drop)
        kept = {n.id for n in nodes}
        links = tuple(
            lk for lk in self.links if lk.id not in drop and lk.a in kept and lk.b in kept
        )
        transfers = tuple(t for t in self.transfers if t.id not in drop and t.node in kept)
        facilities = tuple(f for f in self.facilities if f.id not in drop and f.node in kept)
        link_ids = {lk.id for lk in links}
        fleets = tuple(g if g.lines <= link_ids else dataclasses.replace(g, lines=g.lines & link_ids)
                       for g in self.fleets if g.id not in drop)
        return dataclasses.replace(self, nodes=nodes, links=links, transfers=transfers, facilities=facilities,
                                   fleets=fleets)

    def as_of(self, year: int | None) -> Network:
        """Return the network as it was in ``year``: the records (and dated variants) valid then.

        ``None`` keeps the records without an end year (the network as it is now). See
        :func:`corridor.model.validity.network_as_of`.
        """
        from corridor.model.validity import network_as_of

        return network_as_of(self, year)

    def compile(self) -> CompiledNetwork:
        """The array form engines use; see :class:`corridor.model.CompiledNetwork`.

        Built once per network (the network is immutable) with read-only arrays, so every engine
        and every request shares one copy.
        """
        return self._compiled

    @cached_property
    def _compiled(self) -> CompiledNetwork:
        from corridor.model.compiled import CompiledNetwork

        return CompiledNetwork.build(self).frozen()

    @cached_property
    def derived(self) -> dict[object, object]:
        """Values engines derive from this network and keep for the next call (keyed by the engine).

        The network is immutable, so nothing here goes stale; engines bound what they keep.
        """
        return {}
