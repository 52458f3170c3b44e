"""Route searches for ``POST /api/routes``: in worker processes, or on a few threads of the server.

A route search is pure Python and NumPy between short compiled kernels: it holds the GIL. One
server process therefore answers routes on one core however many clients wait. With
``planners=N`` (``corridor serve --planners N``) the searches run in ``N`` worker processes, each
with the built-in dataset loaded once; the server's own process only parses requests and sends
the JSON bytes the workers return. With ``planners=0`` they run on :data:`THREADS` threads of the
server, first come first served (tests, and machines with one core).

Either way the answer is the same bytes: :func:`answer` builds it, and an error is raised (in the
worker: carried back and raised again) as the :class:`~corridor.api.errors.ApiError` that
:func:`~corridor.api.errors.as_api_error` makes of it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from corridor.api._deps import json_bytes
from corridor.api.errors import ApiError, as_api_error
from corridor.api.schemas import RouteRequest

if TYPE_CHECKING:
    from corridor.model import Dataset

__all__ = ["THREADS", "Planners", "answer"]

log = logging.getLogger(__name__)

THREADS = 2
"""Searches at once on the server's threads (``planners=0``); the others wait their turn."""

_WORKER: dict[str, Any] = {}  # in a worker process: its dataset


def answer(req: RouteRequest, ds: Dataset) -> bytes:
    """The JSON of ``POST /api/routes`` for ``req`` on ``ds``.

    Raises
    ------
    ApiError
        An unknown place (422, naming the request field), bad options (400) or no route (422).
    """
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
    except Exception as e:
        err = as_api_error(e)
        if err is None:
            raise
        raise err from None
    result = rs.to_dict()
    return json_bytes({"origin": rs.result.origin, "destination": rs.result.destination,
                       "routes": result.get("routes", []), "result": result, "geojson": rs.to_geojson()})


def _unknown_node(req: RouteRequest, query: str, message: str) -> ApiError:
    """A 422 naming the request field that holds the unknown place."""
    fields = [("origin", [req.origin]), ("destination", [req.destination]), ("via", req.via),
              ("avoid_nodes", req.avoid_nodes)]
    field = next((name for name, values in fields if query in values), "")
    return ApiError(422, f"{field or 'node'}: {message}", [("body", field, message)])


def _worker_init() -> None:
    """First thing in a worker: load the dataset and plan one route (loads the compiled kernels)."""
    import corridor

    _WORKER["dataset"] = ds = corridor.load()
    corridor.route(ds, ds.network.nodes[0].id, ds.network.nodes[1].id)


def _in_worker(fields: dict[str, Any]) -> tuple[int, bytes | str, list[tuple[str, str, str]]]:
    """:func:`answer` in a worker: ``(200, json, [])`` or ``(status, message, problems)`` of its ApiError."""
    req = RouteRequest.model_construct(**fields)  # validated by the server already
    try:
        return 200, answer(req, _WORKER["dataset"]), []
    except ApiError as e:
        return e.status, e.message, e.problems


class Planners:
    """Where route searches run: ``processes`` worker processes, or (0) the server's threads.

    Parameters
    ----------
    processes
        Worker processes; 0 runs searches on :data:`THREADS` threads of this process.
    """

    def __init__(self, processes: int = 0) -> None:
        self.processes = processes
        self._limiter = anyio.CapacityLimiter(THREADS)
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the worker processes and wait until each has loaded the dataset; nothing with ``processes=0``.

        (A pool starts processes as work arrives: one task per process, submitted at once, starts
        them all now rather than in the middle of the first busy second.)
        """
        if self.processes and self._pool is None:
            from corridor.parallel import start_method

            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context(start_method()),
                                             initializer=_worker_init)
            ready = [self._pool.submit(os.getpid) for _ in range(self.processes)]
            concurrent.futures.wait(ready, timeout=300)

    def shutdown(self) -> None:
        """Stop the worker processes."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    async def plan(self, req: RouteRequest, ds: Dataset) -> bytes:
        """The answer's JSON bytes (:func:`answer`), computed where this object says.

        Raises
        ------
        ApiError
            As :func:`answer`; 503 if a worker process died (the pool is started again).
        """
        if self._pool is None:
            return await anyio.to_thread.run_sync(answer, req, ds, limiter=self._limiter)
        try:
            status, body, problems = await asyncio.wrap_future(self._pool.submit(_in_worker, dict(req)))
        except BrokenProcessPool:
            log.error("a route planner process died; starting the planners again")
            self.shutdown()
            self.start()
            raise ApiError(503, "the route planner restarted; try again", [("server", "planners", "restarted")],
                           headers={"Retry-After": "1"}) from None
        if status != 200:
            assert isinstance(body, str)
            raise ApiError(status, body, problems)
        assert isinstance(body, bytes)
        return body
