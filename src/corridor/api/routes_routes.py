"""``POST /api/routes``: the route planner (:func:`corridor.route`)."""

from __future__ import annotations

from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Response

from corridor.api._deps import dataset, json_response
from corridor.api.errors import ApiError, responses
from corridor.api.schemas import RouteRequest, RoutesResponse
from corridor.model import Dataset

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["routes"])


def _unknown_node(req: RouteRequest, query: str, message: str) -> ApiError:
    """A 422 naming the request field that holds the unknown place."""
    fields = [("origin", [req.origin]), ("destination", [req.destination]), ("via", req.via),
              ("avoid_nodes", req.avoid_nodes)]
    field = next((name for name, values in fields if query in values), "")
    return ApiError(422, f"{field or 'node'}: {message}", [("body", field, message)])


PLANNERS = 2
"""Route searches that run at once; the others wait their turn, first come first served."""
_planners = anyio.CapacityLimiter(PLANNERS)


@router.post("/routes", response_model=RoutesResponse, responses=responses(400, 413, 415, 422))
async def routes(req: RouteRequest, ds: Annotated[Dataset, Depends(dataset)]) -> Response:
    """Routes from origin to destination: the best one, ``k`` alternatives or the Pareto set.

    The options are those of ``corridor route``; constraints are exact (a route that cannot avoid a
    country is refused with 422, naming the constraint).
    """
    # Searches hold the GIL: a few threads in a queue answer many clients faster and more evenly
    # than one thread each (which is what a plain ``def`` endpoint would get).
    return await anyio.to_thread.run_sync(_plan, req, ds, limiter=_planners)


def _plan(req: RouteRequest, ds: Dataset) -> Response:
    import corridor
    from corridor.exceptions import NodeNotFound

    try:
        rs = corridor.route(ds, req.origin, req.destination, by=req.by, pareto=req.pareto, k=req.k,
                            avoid_countries=req.avoid_countries, avoid_nodes=req.avoid_nodes,
                            avoid_links=req.avoid_links, via=req.via, modes=req.modes, cargo=req.cargo,
                            max_transfers=req.max_transfers, value_of_time=req.value_of_time,
                            carbon_price=req.carbon_price, risk_price=req.risk_price,
                            country_risk=req.country_risk, hub_throughput=req.hub_throughput,
                            max_labels=req.max_labels)
    except NodeNotFound as e:
        raise _unknown_node(req, e.query, e.message) from None
    result = rs.to_dict()
    return json_response({"origin": rs.result.origin, "destination": rs.result.destination,
                          "routes": result.get("routes", []), "result": result, "geojson": rs.to_geojson()})
