"""``GET /api/network`` (GeoJSON, filtered) and ``GET /api/nodes?q=`` (fuzzy search)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Response

from corridor.api._deps import dataset, json_response
from corridor.api.errors import ApiError, responses
from corridor.api.schemas import FeatureCollection, NodeMatch, NodeMatches
from corridor.model import Dataset

if TYPE_CHECKING:
    from corridor.model import Node

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["network"])

Filter = Annotated[list[str] | None, Query(max_length=20)]


def _check(values: list[str] | None, known: set[str], field: str) -> set[str] | None:
    if not values:
        return None
    wanted = {v.strip() for item in values for v in item.split(",") if v.strip()}
    unknown = sorted(wanted - known)
    if unknown:
        raise ApiError(422, f"unknown {field} {unknown[0]!r}; known: {', '.join(sorted(known))}",
                       [("query", field, f"unknown value {u!r}") for u in unknown])
    return wanted


@router.get("/network", response_model=FeatureCollection, responses=responses(422))
def network(ds: Annotated[Dataset, Depends(dataset)], mode: Filter = None, country: Filter = None,
            corridor: Filter = None) -> Response:
    """The network's nodes, links and transfers as GeoJSON; filters may repeat or be comma-separated.

    ``mode`` and ``corridor`` keep the links of those modes or corridors and the nodes they touch;
    ``country`` keeps the nodes of those countries and the links within them.
    """
    from corridor.io.geojson import dataset_to_geojson

    net = ds.network
    modes = _check(mode, {lk.mode for lk in net.links}, "mode")
    countries = _check([c.upper() for c in country] if country else None,
                       {n.country for n in net.nodes if n.country}, "country")
    corridors = _check(corridor, {str(getattr(lk, "corridor", "")) for lk in net.links} - {""}, "corridor")
    doc = dataset_to_geojson(ds)
    where = {n.id: n.country for n in net.nodes}
    links = [f for f in doc["features"] if f["properties"]["record"] == "link"
             and (modes is None or f["properties"]["mode"] in modes)
             and (corridors is None or f["properties"].get("corridor") in corridors)
             and (countries is None or {where.get(f["properties"]["a"]), where.get(f["properties"]["b"])} <= countries)]
    touched = {f["properties"][e] for f in links for e in ("a", "b")}
    linked = modes is not None or corridors is not None
    nodes = [f for f in doc["features"] if f["properties"]["record"] == "node"
             and (countries is None or f["properties"]["country"] in countries)
             and (not linked or f["id"] in touched)]
    kept = {f["id"] for f in nodes}
    transfers = [f for f in doc["features"]
                 if f["properties"]["record"] == "transfer" and f["properties"]["node"] in kept]
    return json_response({"type": "FeatureCollection", "name": doc.get("name", ""),
                          "features": nodes + links + transfers})


def _match(node: Node, exact: bool) -> NodeMatch:
    return NodeMatch(id=node.id, name=node.name, country=node.country or "", kind=str(node.kind),
                     lon=float(node.lon), lat=float(node.lat), exact=exact)


@router.get("/nodes", response_model=NodeMatches, responses=responses(422))
def nodes(ds: Annotated[Dataset, Depends(dataset)],
          q: Annotated[str, Query(min_length=1, max_length=200, description="Id, name or alias.")],
          limit: Annotated[int, Query(ge=1, le=100)] = 10) -> NodeMatches:
    """Nodes by id, name or alias: the exact match (as ``corridor route`` finds it), else close ones.

    Names are case- and accent-insensitive; a prefix or part of a name matches too.
    """
    from corridor.exceptions import NodeNotFound
    from corridor.model.lookup import find_node, normalise_name

    net = ds.network
    found: list[NodeMatch] = []
    try:
        found.append(_match(find_node(net, q), exact=True))
    except NodeNotFound as e:
        found += [_match(net.node(s), exact=False) for s in e.suggestions]
    key = normalise_name(q)
    if key:
        for n in net.nodes:
            names = [normalise_name(x) for x in (n.id, n.name, *n.aliases)]
            if any(key in x for x in names) and all(m.id != n.id for m in found):
                found.append(_match(n, exact=False))
    return NodeMatches(query=q, nodes=found[:limit])
