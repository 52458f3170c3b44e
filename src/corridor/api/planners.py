"""Route searches for ``POST /api/routes``: in worker processes, or on a few threads of the server.

A route search is pure Python and NumPy between short compiled kernels: it holds the GIL. One
server process therefore answers routes on one core however many clients wait. With
``planners=N`` (``corridor serve --planners N``) the searches run in ``N`` worker processes, each
with the built-in dataset loaded once; the server's own process only parses requests and sends
the JSON bytes the workers return. With ``planners=0`` they run on :data:`THREADS` threads of the
server, first come first served (the apps of the API's tests).

Either way the answer is the same bytes: :func:`answer` builds it, and an error is raised (in the
worker: carried back and raised again) as the :class:`~corridor.api.errors.ApiError` that
:func:`~corridor.api.errors.as_api_error` makes of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import signal
import socket
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
NICE = 2
"""How much the planners yield the CPU to the server process (``nice``): the server reads requests
and sends answers in short steps, and each that waits for a core delays every answer behind it."""


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
                            max_labels=req.max_labels, epsilon=req.epsilon, max_seconds=req.max_seconds)
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


def _send(sock: socket.socket, data: bytes) -> None:
    sock.sendall(len(data).to_bytes(8, "big") + data)


def _recv(sock: socket.socket) -> bytes:
    """One message (8-byte length, then the bytes); EOFError when the other end is gone."""
    size = int.from_bytes(_exactly(sock, 8), "big")
    return _exactly(sock, size)


def _exactly(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def _worker_main(sock: socket.socket) -> None:
    """A planner process: load the dataset, say ready, then answer requests until the server hangs up."""
    import corridor

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    if hasattr(os, "nice"):  # POSIX
        os.nice(NICE)
    ds = corridor.load()
    corridor.route(ds, ds.network.nodes[0].id, ds.network.nodes[1].id)  # loads the compiled kernels
    # What is loaded now lives as long as the worker: keep it out of the garbage collector's
    # full collections, which would otherwise walk the whole dataset every few hundred requests.
    gc.collect()
    gc.freeze()
    _send(sock, b"ready")
    while True:
        try:
            fields = pickle.loads(_recv(sock))
        except (EOFError, OSError):
            return
        req = RouteRequest.model_construct(**fields)  # validated by the server already
        try:
            reply: tuple[int, bytes | str, list[tuple[str, str, str]]] = (200, answer(req, ds), [])
        except ApiError as e:
            reply = (e.status, e.message, e.problems)
        except Exception as e:  # a bug: the server answers 500 and logs it; the worker goes on
            reply = (500, f"internal error ({type(e).__name__}: {e}); this is a bug, please report it", [])
        _send(sock, pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


class _Worker:
    """One planner process and the server's end of its socket pair (asyncio streams once attached)."""

    def __init__(self, context: Any) -> None:
        self.sock, child = socket.socketpair()
        self.process = context.Process(target=_worker_main, args=(child,), daemon=True, name="corridor-planner")
        self.process.start()
        child.close()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker has loaded the dataset."""
        self.sock.settimeout(timeout)
        try:
            ready = _recv(self.sock)
        except (OSError, EOFError):
            ready = b""
        if ready != b"ready":
            msg = f"a route planner process did not start within {timeout:.0f} s"
            raise RuntimeError(msg)
        self.sock.settimeout(None)

    async def attach(self) -> None:
        """Talk to the worker through the running event loop from now on."""
        self.reader, self.writer = await asyncio.open_unix_connection(sock=self.sock)

    async def ask(self, data: bytes) -> bytes:
        """Send one request, read one answer."""
        assert self.reader is not None
        assert self.writer is not None
        self.writer.write(len(data).to_bytes(8, "big") + data)
        await self.writer.drain()
        size = int.from_bytes(await self.reader.readexactly(8), "big")
        return await self.reader.readexactly(size)

    def stop(self) -> None:
        """Hang up (the worker reads EOF and returns) and wait for it; kill it if it does not."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # now, not when the event loop next runs
        if self.writer is not None:
            self.writer.close()
        else:
            self.sock.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)


def _start_worker() -> _Worker:
    from corridor.parallel import start_method

    return _Worker(multiprocessing.get_context(start_method()))


class Planners:
    """Where route searches run: ``processes`` worker processes, or (0) the server's threads.

    Each worker has a pipe of its own that the server's event loop watches, and takes one request
    at a time; requests wait for a free worker first come, first served. (A process pool of the
    standard library would add a thread and two queues to every request.)

    Parameters
    ----------
    processes
        Worker processes; 0 runs searches on :data:`THREADS` threads of this process.
    """

    def __init__(self, processes: int = 0) -> None:
        self.processes = processes
        self._limiter = anyio.CapacityLimiter(THREADS)
        self._workers: list[_Worker] = []
        self._free: asyncio.Queue[_Worker] | None = None

    async def start(self) -> None:
        """Start the worker processes and wait until each has loaded the dataset; nothing with ``processes=0``."""
        if not self.processes or self._workers:
            return
        self._workers = [_start_worker() for _ in range(self.processes)]
        for w in self._workers:
            await asyncio.get_running_loop().run_in_executor(None, w.wait_ready, 300)
            await w.attach()
        self._free = asyncio.Queue()
        for w in self._workers:
            self._free.put_nowait(w)

    def shutdown(self) -> None:
        """Stop the worker processes."""
        workers, self._workers, self._free = self._workers, [], None
        for w in workers:
            w.stop()

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers (none with ``processes=0``)."""
        return [int(w.process.pid) for w in self._workers if w.process.pid is not None]

    async def plan(self, req: RouteRequest, ds: Dataset) -> bytes:
        """The answer's JSON bytes (:func:`answer`), computed where this object says.

        Raises
        ------
        ApiError
            As :func:`answer`; 503 if the worker died (it is replaced).
        """
        if self._free is None:
            return await anyio.to_thread.run_sync(answer, req, ds, limiter=self._limiter)
        free = self._free
        worker = await free.get()
        # The exchange finishes even if this request is cancelled (its client went away): the
        # worker's answer must be read before the worker serves anyone else.
        status, body, problems = await asyncio.shield(asyncio.ensure_future(self._exchange(worker, free, dict(req))))
        if status != 200:
            assert isinstance(body, str)
            if status == 500:
                log.error("route planner: %s", body)
            raise ApiError(status, body, problems, headers={"Retry-After": "1"} if status == 503 else None)
        assert isinstance(body, bytes)
        return body

    async def _exchange(self, worker: _Worker, free: asyncio.Queue[_Worker],
                        fields: dict[str, Any]) -> tuple[int, bytes | str, list[tuple[str, str, str]]]:
        try:
            answer = await worker.ask(pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL))
            reply: tuple[int, bytes | str, list[tuple[str, str, str]]] = pickle.loads(answer)
        except (EOFError, OSError, asyncio.IncompleteReadError) as e:
            log.error("a route planner process died (%r); starting another", e)
            index = self._workers.index(worker) if worker in self._workers else -1
            worker.stop()
            worker = _start_worker()
            await asyncio.get_running_loop().run_in_executor(None, worker.wait_ready, 300)
            await worker.attach()
            if index >= 0:
                self._workers[index] = worker
            reply = (503, "the route planner restarted; try again", [("server", "planners", "restarted")])
        free.put_nowait(worker)
        return reply
