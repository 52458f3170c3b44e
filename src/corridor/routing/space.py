"""The search space of routes: arcs as states.

Arcs are states so that transfers can depend on the modes on both sides of a node (a gauge
change only between 1435 and 1520 mm rail, port handling only between rail and ship).

A route is a sequence of arcs. Leaving arc ``e`` for arc ``f`` at node ``v`` costs ``f``'s own
figures plus those of every transfer at ``v`` that applies to ``(mode(e), mode(f))``. A route
also pays the transfers that apply at its origin (arriving by no mode) and destination (leaving
by none). Constraints are applied here, by removing arcs and transitions: what is not in the
space can never be in a route.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from corridor.exceptions import InputError, Problem
from corridor.model import MODES
from corridor.model.costs import ArcCosts, RouteOptions, arc_costs, transfer_vector

if TYPE_CHECKING:
    from corridor.model import CompiledNetwork, Network

__all__ = ["Constraints", "SearchSpace"]

_PRICED_KEEP = 64
"""Priced spaces kept per network (one per commodity, tariff class and risk scores asked for)."""
_priced_lock = threading.Lock()
Successors = list[list[tuple[int, np.ndarray]]]


@dataclass(frozen=True, eq=False)
class Transitions:
    """Every transition the commodity admits, in CSR form, for the compiled search kernel.

    The transitions after arc ``e`` are ``ptr[e]:ptr[e + 1]``: to arc ``to[t]``, with the
    (cost, time, co2, risk) vector ``vectors[t]`` (the next arc's figures plus the transfers at
    the node between); ``tail[t]`` is ``e``.
    """

    ptr: np.ndarray
    to: np.ndarray
    tail: np.ndarray
    vectors: np.ndarray

    @classmethod
    def of(cls, succ: Successors) -> Transitions:
        """The CSR form of successor lists (arrays read-only: they are shared)."""
        counts = np.fromiter((len(row) for row in succ), dtype=np.int64, count=len(succ))
        ptr = np.zeros(len(succ) + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        to = np.fromiter((f for row in succ for f, _ in row), dtype=np.int64, count=int(ptr[-1]))
        vectors = np.array([vec for row in succ for _, vec in row], dtype=float).reshape(-1, 4)
        tail = np.repeat(np.arange(len(succ), dtype=np.int64), counts)
        for arr in (ptr, to, tail, vectors):
            arr.flags.writeable = False
        return cls(ptr, to, tail, vectors)


@dataclass(frozen=True)
class Constraints:
    """Exact constraints on routes.

    Parameters
    ----------
    avoid_countries
        ISO codes: no node and no link of these countries.
    avoid_nodes, avoid_links
        Ids to stay away from.
    avoid_modes
        Modes not to use.
    via
        Node ids to pass, in this order.
    max_transfers
        Most mode changes allowed (a gauge change counts), or ``None``.

    Examples
    --------
    >>> c = Constraints(avoid_countries={"ru"}, via=("baku-alat",), max_transfers=3)
    >>> c.avoid_countries
    frozenset({'RU'})
    >>> c.describe()
    {'avoid_countries': 'avoiding country RU', 'via': 'via baku-alat', 'max_transfers': 'with at most 3 transfer(s)'}
    >>> c.without("via").via
    ()
    """

    avoid_countries: frozenset[str] = frozenset()
    avoid_nodes: frozenset[str] = frozenset()
    avoid_links: frozenset[str] = frozenset()
    avoid_modes: frozenset[str] = frozenset()
    via: tuple[str, ...] = ()
    max_transfers: int | None = None

    def __post_init__(self) -> None:
        for name in ("avoid_countries", "avoid_nodes", "avoid_links", "avoid_modes"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        object.__setattr__(self, "avoid_countries", frozenset(c.upper() for c in self.avoid_countries))
        object.__setattr__(self, "via", tuple(self.via))
        bad = sorted(self.avoid_modes - set(MODES))
        if bad:
            raise InputError(Problem("constraints", "avoid_modes", f"unknown mode(s) {', '.join(bad)}; "
                                     f"expected {', '.join(MODES)}"))
        if self.max_transfers is not None and self.max_transfers < 0:
            raise InputError(Problem("constraints", "max_transfers", "must not be negative"))

    def describe(self) -> dict[str, str]:
        """The constraints that are set, as readable text keyed by name."""
        out: dict[str, str] = {}
        if self.avoid_countries:
            out["avoid_countries"] = f"avoiding country {', '.join(sorted(self.avoid_countries))}"
        if self.avoid_nodes:
            out["avoid_nodes"] = f"avoiding node {', '.join(sorted(self.avoid_nodes))}"
        if self.avoid_links:
            out["avoid_links"] = f"avoiding link {', '.join(sorted(self.avoid_links))}"
        if self.avoid_modes:
            out["avoid_modes"] = f"avoiding mode {', '.join(sorted(self.avoid_modes))}"
        if self.via:
            out["via"] = f"via {' then '.join(self.via)}"
        if self.max_transfers is not None:
            out["max_transfers"] = f"with at most {self.max_transfers} transfer(s)"
        return out

    def without(self, name: str) -> Constraints:
        """A copy with constraint ``name`` lifted."""
        empty: object = {"via": (), "max_transfers": None}.get(name, frozenset())
        return Constraints(**{**self.__dict__, name: empty})


@dataclass(eq=False)
class SearchSpace:
    """Arcs, their costs and the allowed transitions for one commodity and set of constraints.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.routing import RouteOptions
    >>> net = data.load().network
    >>> space = SearchSpace.build(net, RouteOptions(commodity="container"), Constraints(avoid_countries={"RU"}))
    >>> space.costs.unit, len(space.allowed) == space.compiled.n_arcs
    ('TEU', True)
    >>> ru = [i for i, a in enumerate(space.compiled.arc_link) if net.links[a].country == "RU"]
    >>> bool(space.allowed[ru].any())
    False
    """

    network: Network
    compiled: CompiledNetwork
    options: RouteOptions
    constraints: Constraints
    costs: ArcCosts
    allowed: np.ndarray
    modes: list[str]
    succ: list[list[tuple[int, np.ndarray]]] = field(repr=False)
    node_bit: list[int] = field(repr=False)
    adjacency: list[list[int]] = field(default_factory=list, repr=False)
    """Node index -> neighbour node indices over allowed arcs."""
    transitions: Transitions | None = field(default=None, repr=False)
    """All transitions the commodity admits (before constraints: ``allowed`` masks them)."""

    @classmethod
    def build(cls, network: Network, options: RouteOptions, constraints: Constraints | None = None,
              compiled: CompiledNetwork | None = None) -> SearchSpace:
        """Price the arcs and list the transitions that the constraints allow."""
        constraints = constraints or Constraints()
        compiled = compiled or network.compile()
        priced = _priced(network, compiled, options)
        costs = priced.costs
        allowed = costs.admissible & ~_blocked(network, compiled, constraints)
        if np.array_equal(allowed, costs.admissible):
            succ, adjacency = priced.succ, priced.adjacency
        else:
            full = priced.succ
            succ = [[(f, vec) for f, vec in full[e] if allowed[f]] if allowed[e] else [] for e in range(len(full))]
            adjacency = _adjacency(compiled, allowed)
        return cls(network, compiled, options, constraints, costs, allowed, priced.modes, succ,
                   priced.node_bit, adjacency, priced.transitions)

    def node_transfer(self, node: int, mode_in: str | None, mode_out: str | None) -> np.ndarray | None:
        """Transfer vector at ``node`` for the given modes (``None`` if the cargo is refused)."""
        here = self.network.transfers_at.get(self.compiled.node_ids[node], ())
        return transfer_vector(here, mode_in, mode_out, self.options.commodity, self.costs.unit,
                               self.costs.tonnes_per_unit)

    def starts(self, origin: int) -> Iterable[tuple[int, np.ndarray]]:
        """First arcs out of ``origin`` with their vectors (origin transfers included)."""
        for a in self.compiled.out_arcs(origin):
            if self.allowed[a]:
                vec = self.node_transfer(origin, None, self.modes[a])
                if vec is not None:
                    yield a, vec + self.costs.vectors[a]


@dataclass(frozen=True, eq=False)
class _Priced:
    """What a search space shares with every other of the same pricing (all read-only)."""

    costs: ArcCosts
    succ: Successors
    transitions: Transitions
    modes: list[str]
    adjacency: list[list[int]]
    node_bit: list[int]


def _blocked(network: Network, compiled: CompiledNetwork, constraints: Constraints) -> np.ndarray:
    """Arcs the constraints rule out: avoided links, modes and countries, and arcs at avoided nodes."""
    out = np.zeros(compiled.n_arcs, dtype=bool)
    cons = constraints
    if cons.avoid_links or cons.avoid_modes or cons.avoid_countries:
        bad_link = np.array([lk.id in cons.avoid_links or lk.mode in cons.avoid_modes
                             or lk.country in cons.avoid_countries for lk in network.links], dtype=bool)
        out |= bad_link[compiled.arc_link]
    if cons.avoid_nodes or cons.avoid_countries:
        bad_node = np.array([n.id in cons.avoid_nodes or n.country in cons.avoid_countries for n in network.nodes],
                            dtype=bool)
        out |= bad_node[compiled.tail] | bad_node[compiled.head]
    return out


def _adjacency(compiled: CompiledNetwork, allowed: np.ndarray) -> list[list[int]]:
    """Node index -> neighbour node indices over the ``allowed`` arcs."""
    adjacency: list[list[int]] = [[] for _ in range(compiled.n_nodes)]
    for arc in np.flatnonzero(allowed).tolist():
        adjacency[int(compiled.tail[arc])].append(int(compiled.head[arc]))
    return adjacency


def _priced(network: Network, compiled: CompiledNetwork, options: RouteOptions) -> _Priced:
    """Arc costs and every transition the commodity admits, before constraints.

    They depend on the commodity, the tariff class (``od_countries``) and the risk scores only, so
    they are kept on the network (:attr:`Network.derived <corridor.model.Network.derived>`, the
    last :data:`_PRICED_KEEP`) and shared, read-only, by every search that asks the same. Pairs of
    countries whose tariff classes agree wherever classes matter share one entry.
    """
    od = options.od_countries
    everywhere = {lk.country for lk in network.links if lk.country}
    classes = None if od is None else network.tariffs.signature(*od, everywhere, options.commodity)
    key = (options.commodity, classes, tuple(sorted(options.country_risk.items())),
           tuple(sorted(options.link_risk.items())))
    shared = compiled is network.compile()
    kept = _kept(network)
    if shared:
        with _priced_lock:
            if key in kept:
                kept.move_to_end(key)
                hit: _Priced = kept[key]
                return hit
    costs = arc_costs(network, compiled, options)
    for arr in (costs.vectors, costs.admissible):
        arr.flags.writeable = False
    succ = _successors(network, compiled, options.commodity, costs)
    modes = [network.links[i].mode for i in compiled.arc_link.tolist()]
    priced = _Priced(costs, succ, Transitions.of(succ), modes, _adjacency(compiled, costs.admissible),
                     [1 << i for i in range(compiled.n_nodes)])
    if shared:
        with _priced_lock:
            kept[key] = priced
            while len(kept) > _PRICED_KEEP:
                kept.popitem(last=False)
    return priced


def _kept(network: Network) -> OrderedDict[object, _Priced]:
    """The priced spaces kept on ``network``, least recently used first."""
    with _priced_lock:
        kept = network.derived.setdefault("routing.space", OrderedDict())
    assert isinstance(kept, OrderedDict)
    return kept


def _successors(network: Network, compiled: CompiledNetwork, commodity: str, costs: ArcCosts) -> Successors:
    """For each admissible arc, the admissible arcs that may follow it and the vector of that step (read-only)."""
    links = [network.links[i] for i in compiled.arc_link]
    modes = [lk.mode for lk in links]
    succ: Successors = [[] for _ in range(compiled.n_arcs)]
    transfers_at = network.transfers_at
    for e in np.flatnonzero(costs.admissible).tolist():
        v = int(compiled.head[e])
        here = transfers_at.get(compiled.node_ids[v], ())
        for f in compiled.out_arcs(v):
            if not costs.admissible[f] or compiled.arc_link[f] == compiled.arc_link[e]:
                continue
            vec = transfer_vector(here, modes[e], modes[f], commodity, costs.unit, costs.tonnes_per_unit)
            if vec is not None:
                total = vec + costs.vectors[f]
                total.flags.writeable = False
                succ[e].append((f, total))
    return succ
