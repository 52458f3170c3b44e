"""``corridor serve``: the REST API (and the dashboard, when installed) on uvicorn.

The command line never imports :mod:`corridor.api` (DESIGN.md: ``cli`` and ``api`` do not import
each other): uvicorn loads the app by its import string, ``corridor.api:app_from_env``, which reads
the settings this command puts in ``CORRIDOR_API_*`` variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from corridor.cli import _options as options
from corridor.exceptions import InputError, Problem
from corridor.validation import is_loopback

APP = "corridor.api:app_from_env"
"""The app factory uvicorn imports."""
PLANNERS = max(1, min((os.cpu_count() or 1) - 1, 8))
"""Default route planner processes: one per core but one (left to the server process), at least 1, at
most 8. On 2 cores, 1 planner kept p99 under 100 ms where 2 did not (benchmarks/RESULTS.md)."""


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; not loopback: CORRIDOR_API_TOKEN "
                             "must be set, and writes need it as a bearer token."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    store: Path | None = options.store(),
    cors_origin: list[str] = typer.Option(None, "--cors-origin",
                                          help="Allow cross-origin requests from this origin (repeat); none by "
                                          "default."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn's log level."),
    planners: int = typer.Option(PLANNERS, "--planners", min=0, max=16,
                                 help="Worker processes for route searches (0: threads of the server)."),
) -> None:
    """Serve the REST API (OpenAPI at /openapi.json, docs at /docs) until interrupted."""
    token = os.environ.get("CORRIDOR_API_TOKEN", "")
    if not is_loopback(host) and not token:
        raise InputError(Problem("--host", "host", f"{host!r} is not a loopback address: set CORRIDOR_API_TOKEN "
                                 "first (jobs and writes will ask for it as 'Authorization: Bearer ...')"))
    try:
        import uvicorn
    except ImportError:
        raise InputError(Problem("serve", "", "needs uvicorn and fastapi: pip install 'corridor[api]'")) from None
    os.environ["CORRIDOR_API_HOST"] = host
    os.environ["CORRIDOR_API_STORE"] = "" if store is None else str(store.resolve())
    os.environ["CORRIDOR_API_CORS"] = ",".join(cors_origin or [])
    os.environ["CORRIDOR_API_PLANNERS"] = str(planners)
    uvicorn.run(APP, factory=True, host=host, port=port, log_level=log_level, access_log=False)
