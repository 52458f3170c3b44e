"""``POST /api/routes``: the route planner (:func:`corridor.route`), run by :mod:`corridor.api.planners`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from corridor.api._deps import dataset
from corridor.api.errors import responses
from corridor.api.schemas import RouteRequest, RoutesResponse
from corridor.model import Dataset

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["routes"])


@router.post("/routes", response_model=RoutesResponse, responses=responses(400, 413, 415, 422, 503))
async def routes(req: RouteRequest, request: Request, ds: Annotated[Dataset, Depends(dataset)]) -> Response:
    """Routes from origin to destination: the best one, ``k`` alternatives or the Pareto set.

    The options are those of ``corridor route``; constraints are exact (a route that cannot avoid a
    country is refused with 422, naming the constraint).
    """
    body = await request.app.state.planners.plan(req, ds)
    return Response(body, media_type="application/json")
