"""Layer 1: the route planner — multi-criteria routes with exact constraints and itineraries.

>>> from corridor import data
>>> from corridor.routing import plan_routes
>>> rs = plan_routes(data.load().network, "Almaty", "Duisburg", avoid_countries=["RU"])
>>> "RU" in rs.routes[0].countries
False
"""

from __future__ import annotations

from corridor.model.costs import CRITERIA, DEFAULT_COUNTRY_RISK, RouteOptions
from corridor.routing.itinerary import Leg, Route, Stop
from corridor.routing.planner import BY, NoRoute, RouteSet, plan_routes
from corridor.routing.shortest import ShortestPathTree, shortest_path, shortest_path_tree
from corridor.routing.space import Constraints, SearchSpace

__all__ = [
    "BY",
    "CRITERIA",
    "DEFAULT_COUNTRY_RISK",
    "Constraints",
    "Leg",
    "NoRoute",
    "Route",
    "RouteOptions",
    "RouteSet",
    "SearchSpace",
    "ShortestPathTree",
    "Stop",
    "plan_routes",
    "shortest_path",
    "shortest_path_tree",
]
