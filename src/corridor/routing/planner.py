"""The route planner's public functions: best route, Pareto set and k alternatives.

Constraints are exact, and a request that no route satisfies gets a clear "no route" answer that
names the constraint that cut the last path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.exceptions import CorridorError, InputError, Problem
from corridor.model.costs import CRITERIA, RouteOptions
from corridor.routing.itinerary import Route, build_route
from corridor.routing.search import best_path, k_shortest, pareto_paths
from corridor.routing.space import Constraints, SearchSpace

if TYPE_CHECKING:
    import pandas as pd

    from corridor.model import CompiledNetwork, Network

__all__ = ["BY", "NoRoute", "RouteSet", "plan_routes"]

BY: tuple[str, ...] = ("generalized", *CRITERIA)
"""What a single best route or the k alternatives may be ranked by."""


class NoRoute(CorridorError):
    """No route satisfies the request.

    Attributes
    ----------
    constraint
        The name of the constraint that cut the last path (``"avoid_countries"``, ``"via"``,
        ``"cargo"``…), ``"transfers"`` when only a change of mode without a transfer would join
        the places, or ``""`` when they are not connected at all.

    Examples
    --------
    >>> from corridor import data
    >>> try:
    ...     plan_routes(data.load().network, "Dostyk", "Poti", avoid_countries=["KZ"])
    ... except NoRoute as e:
    ...     print(e.constraint, "|", e)
    avoid_countries | no route: the origin Dostyk lies in KZ, which is to be avoided
    """

    def __init__(self, message: str, constraint: str = "") -> None:
        self.constraint = constraint
        super().__init__(message)


@dataclass(frozen=True)
class RouteSet:
    """Routes found for one request, best first.

    Examples
    --------
    >>> from corridor import data
    >>> rs = plan_routes(data.load().network, "Dostyk", "Poti", by="time", k=3)
    >>> rs.origin, rs.destination, rs.unit, rs.by, rs.complete, len(rs.routes)
    ('dostyk', 'poti', 'TEU', 'time', True, 3)
    >>> rs.to_frame()[["route", "time_days", "countries"]].round(1)
       route  time_days countries
    0      1       12.1  KZ-AZ-GE
    1      2       12.5  KZ-AZ-GE
    2      3       12.6  KZ-AZ-GE
    >>> sorted(rs.to_dict())[:4]
    ['by', 'cargo', 'complete', 'constraints']
    """

    origin: str
    destination: str
    cargo: str
    unit: str
    by: str
    search: str
    routes: tuple[Route, ...]
    complete: bool = True
    message: str = ""
    constraints: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable result."""
        return self._header() | {"routes": [r.to_dict() for r in self.routes]}

    def _header(self) -> dict[str, Any]:
        return {"origin": self.origin, "destination": self.destination, "cargo": self.cargo, "unit": self.unit,
                "by": self.by, "search": self.search, "complete": self.complete, "message": self.message,
                "constraints": self.constraints}

    def to_frame(self) -> pd.DataFrame:
        """One row per route with its totals."""
        import pandas as pd

        keys = ("distance_km", "time_h", "cost_usd", "co2e_kg", "risk", "generalized_cost")
        return pd.DataFrame([{"route": i + 1, **{k: getattr(r, k) for k in keys}, "time_days": r.time_h / 24,
                              "border_crossings": len(r.border_crossings), "countries": "-".join(r.countries),
                              "via": " → ".join(r.nodes)} for i, r in enumerate(self.routes)])

    def to_geojson(self) -> dict[str, Any]:
        """All routes as one FeatureCollection (property ``route`` numbers them from 1)."""
        feats = []
        for i, r in enumerate(self.routes):
            for f in r.to_geojson()["features"]:
                f["properties"]["route"] = i + 1
                feats.append(f)
        return {"type": "FeatureCollection", "features": feats, "properties": self._header()}


def _weights(by: str, options: RouteOptions, tpu: float) -> np.ndarray:
    if by == "generalized":
        return options.weights(tpu)
    if by not in CRITERIA:
        raise InputError(Problem("options", "by", f"unknown criterion {by!r}; expected one of {', '.join(BY)}"))
    w = np.zeros(4)
    w[CRITERIA.index(by)] = 1.0
    # Break ties by generalised cost so that equal-time routes come out cheapest first.
    return w + 1e-9 * options.weights(tpu)


def plan_routes(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str = "container",
    by: str = "generalized",
    pareto: bool = False,
    criteria: Iterable[str] = CRITERIA,
    k: int = 1,
    avoid_countries: Iterable[str] = (),
    avoid_nodes: Iterable[str] = (),
    avoid_links: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    via: Iterable[str] = (),
    max_transfers: int | None = None,
    value_of_time: float = 0.0,
    carbon_price: float = 0.0,
    risk_price: float = 0.0,
    country_risk: Mapping[str, float] | None = None,
    max_overlap: float = 0.8,
    max_labels: int = 200_000,
    epsilon: float = 0.0,
    max_seconds: float | None = None,
    compiled: CompiledNetwork | None = None,
) -> RouteSet:
    """Find routes from ``origin`` to ``destination``.

    Parameters
    ----------
    network
        The network.
    origin, destination, via, avoid_nodes
        Node ids or names (case-insensitive; typos get suggestions).
    cargo
        Commodity id; decides the unit (TEU or t) and which links and terminals may be used.
    by
        Ranking of the best route and the alternatives: ``generalized`` or one of
        ``cost``, ``time``, ``co2``, ``risk``.
    pareto
        Return the Pareto set over ``criteria`` instead.
    k
        Number of alternatives (loopless; one sharing more than ``max_overlap`` of its length
        with a better one is skipped).
    avoid_countries, avoid_links
        Exact exclusions.
    modes
        Modes allowed (``None``: all).
    max_transfers
        Most mode changes (gauge changes count).
    value_of_time, carbon_price, risk_price, country_risk
        Weights of the generalised cost; see :class:`~corridor.model.costs.RouteOptions`.
    max_labels
        Cap on the labels of exact searches; a capped Pareto set says so in ``message``.
    epsilon
        Pareto sets only: ``0`` (default) the exact set; ``epsilon > 0`` an ε-Pareto set: every
        Pareto route is within ``1 + epsilon`` on every criterion of a route returned (see
        :func:`~corridor.routing.search.pareto_paths`).
    max_seconds
        Pareto sets only: time budget (``None``: none); a set stopped by it says so in
        ``message`` (``complete`` false).
    compiled
        The compiled network, if already at hand.

    Returns
    -------
    RouteSet
        The routes, best first (Pareto sets: by generalised cost).

    Raises
    ------
    NodeNotFound
        An unknown place.
    NoRoute
        Nothing satisfies the constraints; the message names the one that cut the last path.
    InputError
        Bad options (negative weights, unknown mode or criterion).

    Examples
    --------
    >>> from corridor import data
    >>> rs = plan_routes(data.load().network, "Dostyk", "Poti", cargo="container", by="time")
    >>> "baku-alat" in rs.routes[0].nodes
    True
    """
    from corridor.model import MODES

    o, d = network.node(origin).id, network.node(destination).id
    if o == d:
        raise InputError(Problem("request", "destination", "origin and destination are the same place"))
    allowed = set(MODES) if modes is None else set(modes)
    constraints = Constraints(
        avoid_countries=frozenset(avoid_countries), avoid_nodes=frozenset(network.node(n).id for n in avoid_nodes),
        avoid_links=frozenset(avoid_links), avoid_modes=frozenset(set(MODES) - allowed) if modes is not None else
        frozenset(), via=tuple(network.node(v).id for v in via), max_transfers=max_transfers)
    unknown = sorted(set(constraints.avoid_links) - set(network.link_index))
    if unknown:
        raise InputError(Problem("request", "avoid_links", f"unknown link(s) {', '.join(unknown)}"))
    if not allowed <= set(MODES):
        raise InputError(Problem("request", "modes", f"unknown mode(s) {', '.join(sorted(allowed - set(MODES)))}"))
    _check_limits(k, epsilon, max_seconds)
    options = RouteOptions(cargo, value_of_time, carbon_price, risk_price,
                           **({} if country_risk is None else {"country_risk": dict(country_risk)}),
                           od_countries=(network.node(o).country, network.node(d).country))
    compiled = compiled or network.compile()
    _check_ends(network, o, d, constraints)
    space = SearchSpace.build(network, options, constraints, compiled)
    tpu = space.costs.tonnes_per_unit
    w = _weights(by, options, tpu)
    gen = options.weights(tpu)
    complete, message, stop = True, "", "labels"
    if pareto:
        idx = [CRITERIA.index(c) for c in criteria]
        res = pareto_paths(space, o, d, idx, max_labels=max_labels, epsilon=epsilon, max_seconds=max_seconds)
        paths = sorted(res.paths, key=lambda p: float(gen @ np.asarray(p.vector)))
        complete, message, stop = res.complete, res.message, str(res.extra.get("stop", "labels"))
        search = "pareto"
    elif k > 1:
        res = k_shortest(space, o, d, w, k, max_overlap=max_overlap, max_labels=max_labels)
        paths, complete, message = res.paths, res.complete, res.message
        search = "alternatives"
    else:
        best = best_path(space, o, d, w, max_labels=max_labels)
        paths = [] if best is None else [best]
        search = "best"
    if not paths and not complete:
        where = f"no route found from {network.node(o).name} to {network.node(d).name} before the search"
        if stop == "time":
            raise NoRoute(f"{where} stopped after {max_seconds:g} s; raise max_seconds (--max-seconds)", "max_seconds")
        raise NoRoute(f"{where} stopped at {max_labels:,} labels; raise max_labels (--max-labels)", "max_labels")
    if not paths:
        raise _explain(network, o, d, constraints, options, compiled)
    routes = tuple(build_route(space, p, gen) for p in paths)
    return RouteSet(o, d, cargo, space.costs.unit, by, search, routes, complete, message, constraints.describe())


def _check_limits(k: int, epsilon: float, max_seconds: float | None) -> None:
    if k < 1:
        raise InputError(Problem("request", "k", "must be at least 1"))
    for name, value in (("epsilon", epsilon), ("max_seconds", max_seconds)):
        if value is not None and not value >= 0:
            raise InputError(Problem("request", name, f"must be a non-negative number, not {value!r}"))


def _check_ends(net: Network, o: str, d: str, cons: Constraints) -> None:
    for nid in cons.via:
        node = net.node(nid)
        if node.country in cons.avoid_countries or nid in cons.avoid_nodes:
            raise NoRoute(f"no route: the via node {node.name} ({node.country}) is itself to be avoided",
                          "avoid_countries" if node.country in cons.avoid_countries else "avoid_nodes")
        if nid in (o, d):
            raise NoRoute(f"no route: the via node {node.name} is the origin or the destination", "via")
    for role, nid in (("origin", o), ("destination", d)):
        node = net.node(nid)
        if node.country in cons.avoid_countries:
            raise NoRoute(f"no route: the {role} {node.name} lies in {node.country}, which is to be avoided",
                          "avoid_countries")
        if nid in cons.avoid_nodes:
            raise NoRoute(f"no route: the {role} {node.name} is itself a node to avoid", "avoid_nodes")


def _exists(net: Network, o: str, d: str, cons: Constraints, options: RouteOptions,
            compiled: CompiledNetwork) -> bool:
    space = SearchSpace.build(net, options, cons, compiled)
    return best_path(space, o, d, [0.0, 1.0, 0.0, 0.0], max_labels=20_000) is not None


def _explain(net: Network, o: str, d: str, cons: Constraints, options: RouteOptions,
             compiled: CompiledNetwork) -> NoRoute:
    a, b = net.node(o).name, net.node(d).name
    described = cons.describe()
    for name, text in described.items():
        if _exists(net, o, d, cons.without(name), options, compiled):
            return NoRoute(f"no route from {a} to {b} {text}: every remaining path breaks this constraint", name)
    if described and _exists(net, o, d, Constraints(), options, compiled):
        return NoRoute(f"no route from {a} to {b} {' and '.join(described.values())}: each constraint alone "
                       "leaves a path, together they cut them all", "combination")
    general = RouteOptions("general" if "general" in net.commodity_index else options.commodity)
    if options.commodity != general.commodity and _exists(net, o, d, Constraints(), general, compiled):
        return NoRoute(f"no route from {a} to {b} for {options.commodity} cargo: no chain of links and terminals "
                       f"that admit {options.commodity} joins them", "cargo")
    if _joined_by_links(SearchSpace.build(net, options, Constraints(), compiled), o, d):
        return NoRoute(f"no route from {a} to {b}: links join them only through changes of mode (or gauge) at nodes "
                       "where no transfer (gauge-change, transshipment, port-handling) lets the cargo change; add "
                       "one there", "transfers")
    return NoRoute(f"no route from {a} to {b}: the network does not connect them", "")


def _joined_by_links(space: SearchSpace, o: str, d: str) -> bool:
    """Whether ``d`` is reachable from ``o`` over the space's links, changing mode anywhere for free."""
    start, goal = space.compiled.node_index[o], space.compiled.node_index[d]
    seen, todo = {start}, [start]
    while todo:
        for v in space.adjacency[todo.pop()]:
            if v not in seen:
                seen.add(v)
                todo.append(v)
    return goal in seen
