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
    """Arcs, their costs and the allowed transitions for one commodity and set of constraints."""

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

    @classmethod
    def build(cls, network: Network, options: RouteOptions, constraints: Constraints | None = None,
              compiled: CompiledNetwork | None = None) -> SearchSpace:
        """Price the arcs and list the transitions that the constraints allow."""
        constraints = constraints or Constraints()
        compiled = compiled or network.compile()
        costs = arc_costs(network, compiled, options)
        nodes = network.nodes
        banned_node = np.array([n.id in constraints.avoid_nodes or n.country in constraints.avoid_countries
                                for n in nodes])
        links = [network.links[i] for i in compiled.arc_link]
        modes = [lk.mode for lk in links]
        allowed = costs.admissible.copy()
        for a, lk in enumerate(links):
            if (lk.id in constraints.avoid_links or lk.mode in constraints.avoid_modes
                    or lk.country in constraints.avoid_countries
                    or banned_node[compiled.tail[a]] or banned_node[compiled.head[a]]):
                allowed[a] = False
        succ: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(compiled.n_arcs)]
        transfers_at = network.transfers_at
        for e in range(compiled.n_arcs):
            if not allowed[e]:
                continue
            v = int(compiled.head[e])
            here = transfers_at.get(compiled.node_ids[v], ())
            for f in compiled.out_arcs(v):
                if not allowed[f] or compiled.arc_link[f] == compiled.arc_link[e]:
                    continue
                vec = transfer_vector(here, modes[e], modes[f], options.commodity, costs.unit, costs.tonnes_per_unit)
                if vec is not None:
                    succ[e].append((f, vec + costs.vectors[f]))
        adjacency: list[list[int]] = [[] for _ in range(compiled.n_nodes)]
        for arc in np.flatnonzero(allowed):
            adjacency[int(compiled.tail[arc])].append(int(compiled.head[arc]))
        return cls(network, compiled, options, constraints, costs, allowed, modes, succ,
                   [1 << i for i in range(compiled.n_nodes)], adjacency)

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
