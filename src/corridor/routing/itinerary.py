"""Itineraries: a found path turned into legs, transfers, borders, totals and a profile.

The profile is UNESCAP's time/cost–distance (TCD) profile: cumulative time and cost against
cumulative distance, with vertical steps where cargo waits at borders and ports.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from corridor.routing.search import Path
    from corridor.routing.space import SearchSpace

__all__ = ["Leg", "Route", "Stop", "build_route"]


@dataclass(frozen=True)
class Leg:
    """One link travelled.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.routing import plan_routes
    >>> leg = plan_routes(data.load().network, "Dostyk", "Poti", by="time").routes[0].legs[0]
    >>> leg.link, leg.mode, leg.country, leg.distance_km, round(leg.time_h, 1)
    ('dostyk-aktogay', 'rail-1520', 'KZ', 314.0, 6.9)
    """

    link: str
    start: str
    end: str
    mode: str
    country: str
    corridor: str
    distance_km: float
    time_h: float
    cost_usd: float
    co2e_kg: float
    risk: float


@dataclass(frozen=True)
class Stop:
    """A transfer applied at a node: gauge change, border clearance, port handling.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.routing import plan_routes
    >>> route = plan_routes(data.load().network, "Dostyk", "Poti", by="time").routes[0]
    >>> [(s.node, s.kind, s.time_h) for s in route.stops[:2]]
    [('aktau', 'port-handling', 92.15), ('baku-alat', 'port-handling', 24.0)]
    """

    transfer: str
    node: str
    kind: str
    time_h: float
    cost_usd: float
    after_leg: int
    """Index of the leg the stop follows (-1: at the origin)."""


@dataclass(frozen=True)
class Route:
    """A route with its legs, stops and totals (per unit of cargo).

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.routing import plan_routes
    >>> route = plan_routes(data.load().network, "Dostyk", "Poti", by="time").routes[0]
    >>> route.unit, round(route.distance_km), round(route.time_h / 24, 1), round(route.cost_usd)
    ('TEU', 4529, 12.1, 2003)
    >>> route.countries, route.modes
    (['KZ', 'AZ', 'GE'], ['rail-1520', 'rail-ferry', 'rail-1520'])
    >>> route.border_crossings[0]
    {'node': 'baku-alat', 'from': 'KZ', 'to': 'AZ'}
    >>> route.to_frame()[["kind", "at", "cum_distance_km"]].head(2)
      kind                 at  cum_distance_km
    0  leg   dostyk → aktogay            314.0
    1  leg  aktogay → moyynty            836.0
    """

    nodes: tuple[str, ...]
    legs: tuple[Leg, ...]
    stops: tuple[Stop, ...]
    unit: str
    tonnes_per_unit: float
    generalized_cost: float
    positions: dict[str, list[float]] = field(default_factory=dict, compare=False, repr=False)
    """Node coordinates ``[lon, lat]`` for maps."""
    node_countries: tuple[str, ...] = ()
    """Country of each node in ``nodes``."""

    @property
    def distance_km(self) -> float:
        """Total distance."""
        return float(sum(leg.distance_km for leg in self.legs))

    @property
    def time_h(self) -> float:
        """Door-to-door time: running plus every stop."""
        return float(sum(leg.time_h for leg in self.legs) + sum(s.time_h for s in self.stops))

    @property
    def cost_usd(self) -> float:
        """Tariffs plus transfer charges."""
        return float(sum(leg.cost_usd for leg in self.legs) + sum(s.cost_usd for s in self.stops))

    @property
    def co2e_kg(self) -> float:
        """Emissions of the legs."""
        return float(sum(leg.co2e_kg for leg in self.legs))

    @property
    def risk(self) -> float:
        """Risk exposure."""
        return float(sum(leg.risk for leg in self.legs))

    def _places(self) -> list[tuple[str, str]]:
        """(place, country) along the route: each node, and each land leg between its nodes."""
        out = [(self.nodes[0], self.node_countries[0] if self.node_countries else "")]
        for i, leg in enumerate(self.legs):
            if leg.country:
                out.append((leg.start, leg.country))
            out.append((leg.end, self.node_countries[i + 1] if self.node_countries else leg.country))
        return [(p, c) for p, c in out if c]

    @property
    def countries(self) -> list[str]:
        """Countries passed, in order (nodes and land legs; the sea belongs to none)."""
        out: list[str] = []
        for _, country in self._places():
            if not out or out[-1] != country:
                out.append(country)
        return out

    @property
    def border_crossings(self) -> list[dict[str, str]]:
        """Every change of country along the route, with the place where it happens.

        A crossing by sea counts at the port of arrival.
        """
        out = []
        places = self._places()
        for (_, c0), (place, c1) in itertools.pairwise(places):
            if c0 != c1:
                out.append({"node": place, "from": c0, "to": c1})
        return out

    @property
    def gauge_changes(self) -> list[str]:
        """Nodes where the rail gauge changes."""
        return [s.node for s in self.stops if s.kind == "gauge-change"]

    @property
    def modes(self) -> list[str]:
        """Modes used, in order."""
        out: list[str] = []
        for leg in self.legs:
            if not out or out[-1] != leg.mode:
                out.append(leg.mode)
        return out

    def profile(self) -> list[dict[str, Any]]:
        """The time/cost–distance profile: one point after every leg and every stop."""
        pts = [{"distance_km": 0.0, "time_h": 0.0, "cost_usd": 0.0, "event": "start", "at": self.nodes[0]}]
        d = t = c = 0.0
        by_leg: dict[int, list[Stop]] = {}
        for s in self.stops:
            by_leg.setdefault(s.after_leg, []).append(s)

        def stops_after(i: int) -> None:
            nonlocal t, c
            for s in by_leg.get(i, []):
                t, c = t + s.time_h, c + s.cost_usd
                pts.append({"distance_km": d, "time_h": t, "cost_usd": c, "event": s.kind, "at": s.node})

        stops_after(-1)
        for i, leg in enumerate(self.legs):
            d, t, c = d + leg.distance_km, t + leg.time_h, c + leg.cost_usd
            pts.append({"distance_km": d, "time_h": t, "cost_usd": c, "event": leg.mode, "at": leg.end})
            stops_after(i)
        return pts

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary with legs, stops and the TCD profile."""
        return self._summary() | {
            "legs": [leg.__dict__ | {k: round(v, 4) for k, v in leg.__dict__.items() if isinstance(v, float)}
                     for leg in self.legs],
            "stops": [s.__dict__ for s in self.stops],
            "profile": self.profile(),
        }

    def _summary(self) -> dict[str, Any]:
        """The figures of :meth:`to_dict` without legs, stops and profile."""
        return {
            "nodes": list(self.nodes),
            "unit": self.unit,
            "distance_km": round(self.distance_km, 3),
            "time_h": round(self.time_h, 3),
            "time_days": round(self.time_h / 24.0, 2),
            "cost_usd": round(self.cost_usd, 2),
            "co2e_kg": round(self.co2e_kg, 3),
            "risk": round(self.risk, 4),
            "generalized_cost": round(self.generalized_cost, 2),
            "countries": self.countries,
            "modes": self.modes,
            "border_crossings": len(self.border_crossings),
            "borders": self.border_crossings,
            "gauge_changes": self.gauge_changes,
        }

    def to_frame(self) -> pd.DataFrame:
        """Legs and stops in travel order, one row each, with cumulative distance, time and cost."""
        import pandas as pd

        rows: list[dict[str, Any]] = []
        by_leg: dict[int, list[Stop]] = {}
        for s in self.stops:
            by_leg.setdefault(s.after_leg, []).append(s)
        for s in by_leg.get(-1, []):
            rows.append({"kind": s.kind, "at": s.node, "time_h": s.time_h, "cost_usd": s.cost_usd})
        for i, leg in enumerate(self.legs):
            rows.append({"kind": "leg", "at": f"{leg.start} → {leg.end}", **{
                k: getattr(leg, k) for k in ("link", "mode", "country", "distance_km", "time_h", "cost_usd",
                                             "co2e_kg", "risk")}})
            rows.extend({"kind": s.kind, "at": s.node, "time_h": s.time_h, "cost_usd": s.cost_usd}
                        for s in by_leg.get(i, []))
        df = pd.DataFrame(rows).fillna({"distance_km": 0.0, "co2e_kg": 0.0, "risk": 0.0})
        for col in ("distance_km", "time_h", "cost_usd"):
            df[f"cum_{col}"] = df[col].cumsum()
        return df

    def to_geojson(self) -> dict[str, Any]:
        """The route as a GeoJSON FeatureCollection: one LineString per leg, Points at stops."""
        pos = self.positions
        feats: list[dict[str, Any]] = [
            {"type": "Feature",
             "geometry": {"type": "LineString", "coordinates": [pos.get(leg.start), pos.get(leg.end)]},
             "properties": {"record": "leg", "seq": i, **leg.__dict__}}
            for i, leg in enumerate(self.legs)
        ]
        feats += [{"type": "Feature", "geometry": {"type": "Point", "coordinates": pos.get(s.node)},
                   "properties": {"record": "stop", **s.__dict__}} for s in self.stops]
        return {"type": "FeatureCollection", "features": feats, "properties": self._summary()}


def build_route(space: SearchSpace, path: Path, weights: np.ndarray) -> Route:
    """Replay ``path`` in ``space`` to list its legs and the transfers it pays.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.routing import RouteOptions, SearchSpace
    >>> from corridor.routing.search import best_path
    >>> space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    >>> path = best_path(space, "dostyk", "poti", [0, 1, 0, 0])  # fastest: weight on time only
    >>> route = build_route(space, path, [0, 1, 0, 0])
    >>> route.nodes[0], route.nodes[-1], round(route.time_h)
    ('dostyk', 'poti', 290)
    """
    c, net = space.compiled, space.network
    nodes = [c.node_ids[int(c.tail[path.arcs[0]])]] + [c.node_ids[int(c.head[a])] for a in path.arcs]
    legs = []
    for a in path.arcs:
        lk = net.links[int(c.arc_link[a])]
        money, hours, co2, risk = (float(x) for x in space.costs.vectors[a])
        legs.append(Leg(lk.id, c.node_ids[int(c.tail[a])], c.node_ids[int(c.head[a])], lk.mode, lk.country,
                        lk.corridor, lk.distance_km, hours, money, co2, risk))
    stops: list[Stop] = []
    modes = [None, *(space.modes[a] for a in path.arcs), None]
    unit, tpu = space.costs.unit, space.costs.tonnes_per_unit
    for i, node in enumerate(nodes):
        for t in net.transfers_at.get(node, ()):
            if t.applies(modes[i], modes[i + 1]):
                if unit == "TEU" and t.cost_usd_per_teu is not None:
                    money = t.cost_usd_per_teu
                else:
                    money = (t.cost_usd_per_t or 0.0) * tpu
                stops.append(Stop(t.id, node, t.kind, t.time_h, float(money), i - 1))
    on_route = set(nodes)
    return Route(tuple(nodes), tuple(legs), tuple(stops), unit, tpu, float(weights @ np.asarray(path.vector)),
                 {n.id: [n.lon, n.lat] for n in net.nodes if n.id in on_route},
                 tuple(net.node(n).country for n in nodes))
