"""The FastAPI app: ``create_app(store=..., token=..., bind_host=...)``.

Endpoints are under ``/api/`` (see the OpenAPI spec at ``/openapi.json`` and Swagger UI at
``/docs``, served from the ``swagger-ui-bundle`` package, no CDN). The dashboard
(:mod:`corridor.web`) is mounted at ``/`` when it is installed.
"""

from __future__ import annotations

import gc
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from corridor.api._deps import load_dataset
from corridor.api.errors import install_handlers, responses
from corridor.api.jobs import JobManager
from corridor.api.journal import Journal, journal_path
from corridor.api.planners import Planners
from corridor.api.security import DEFAULT_MAX_BODY, BodyLimits
from corridor.validation import is_loopback

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

__all__ = ["DEFAULT_MAX_SAMPLES", "app_from_env", "create_app"]

log = logging.getLogger(__name__)

DEFAULT_MAX_SAMPLES = 1000
"""Most samples one sweep job may ask for."""


def create_app(
    *,
    store: str | Path | None = None,
    token: str | None = None,
    bind_host: str = "127.0.0.1",
    max_body: int = DEFAULT_MAX_BODY,
    max_samples: int = DEFAULT_MAX_SAMPLES,
    job_workers: int = 1,
    cors_origins: Sequence[str] = (),
    planners: int = 0,
) -> FastAPI:
    """Build the REST API.

    Parameters
    ----------
    store
        The run store (DuckDB file) that runs, sweeps and hub simulations are recorded in; default
        as the CLI's (``$CORRIDOR_HOME/runs.duckdb``, else ``./corridor-runs.duckdb``).
    token
        Bearer token that endpoints starting jobs or writing ask for; None: no token asked for.
    bind_host
        The address the server listens on; any but a loopback one needs a ``token``.
    max_body
        Largest request body in bytes (413 beyond).
    max_samples
        Most samples of one sweep.
    job_workers
        Background jobs that run at once.
    cors_origins
        Origins allowed by CORS; none by default (no CORS middleware at all).
    planners
        Worker processes for route searches, started with the app's lifespan; 0 runs them on a
        few threads of the server (see :mod:`corridor.api.planners`).

    Returns
    -------
    FastAPI
        The app; its background jobs stop with its lifespan, and at its start it resumes the sweep
        jobs a killed server left (:mod:`corridor.api.journal`).

    Raises
    ------
    ValueError
        A non-loopback ``bind_host`` without a token.
    """
    if not is_loopback(bind_host) and not token:
        msg = f"binding to {bind_host!r} (not loopback) needs a token: set CORRIDOR_API_TOKEN"
        raise ValueError(msg)
    from corridor import __version__

    manager = JobManager(workers=job_workers)
    pool = Planners(planners)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from corridor.api.routes_jobs import resume_journaled

        await pool.start()
        load_dataset(app.state)
        resume_journaled(app)  # sweeps a killed server left unfinished
        # The app and its modules live as long as the server: keep them out of the garbage
        # collector's full collections (pauses of tens of ms under load otherwise).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            manager.shutdown()
            pool.shutdown()

    app = FastAPI(title="corridor", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Freight-corridor planning: network, routes, scenarios, sweeps and hub simulations.")
    app.state.store = None if store is None else str(store)
    app.state.token = token or None
    app.state.max_samples = max_samples
    app.state.jobs = manager
    app.state.planners = pool
    app.state.journal = Journal(journal_path(store))
    app.state.dataset = None
    install_handlers(app)
    _routers(app)
    _static(app)
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(BodyLimits, max_body=max_body)
    _dashboard(app)
    return app


def _routers(app: FastAPI) -> None:
    from corridor.api import routes_analytics, routes_jobs, routes_meta, routes_network, routes_routes, routes_scenarios

    for module in (routes_meta, routes_network, routes_routes, routes_scenarios, routes_jobs, routes_analytics):
        app.include_router(module.router)


def _static(app: FastAPI) -> None:
    """Swagger UI's files from the ``swagger-ui-bundle`` package."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/static/swagger-ui", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")


def _dashboard(app: FastAPI) -> None:
    """Mount :mod:`corridor.web` at ``/`` if it is there; else ``/`` points at the docs."""
    try:
        from corridor.web import mount  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError as e:
        if e.name not in ("corridor.web", "corridor"):
            raise  # the dashboard is there but broken: say so rather than serve without it

        @app.get("/", include_in_schema=False, responses=responses())
        def root() -> dict[str, Any]:
            return {"name": "corridor", "docs": "/docs", "openapi": "/openapi.json", "api": "/api/"}

        return
    mount(app)


def app_from_env() -> FastAPI:
    """The app as ``corridor serve`` configures it, from ``CORRIDOR_API_*`` variables (uvicorn's factory).

    ``CORRIDOR_API_STORE``, ``CORRIDOR_API_TOKEN``, ``CORRIDOR_API_HOST``, ``CORRIDOR_API_CORS``
    (comma-separated origins) and ``CORRIDOR_API_PLANNERS`` (route planner processes, default 0).
    """
    cors = [o.strip() for o in os.environ.get("CORRIDOR_API_CORS", "").split(",") if o.strip()]
    return create_app(store=os.environ.get("CORRIDOR_API_STORE") or None,
                      token=os.environ.get("CORRIDOR_API_TOKEN") or None,
                      bind_host=os.environ.get("CORRIDOR_API_HOST", "127.0.0.1"), cors_origins=cors,
                      planners=int(os.environ.get("CORRIDOR_API_PLANNERS") or 0))
