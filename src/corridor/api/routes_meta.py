"""``/api/health``, ``/api/version``, the offline ``/docs`` and the root."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from corridor.api.errors import responses
from corridor.api.schemas import Health, Version

__all__ = ["router"]

router = APIRouter()


@router.get("/api/health", response_model=Health, tags=["meta"], responses=responses())
def health() -> Health:
    """The server answers."""
    return Health()


@router.get("/api/version", response_model=Version, tags=["meta"], responses=responses())
def version() -> Version:
    """Corridor's version and the API's."""
    from corridor import __version__

    return Version(version=__version__)


@router.get("/docs", include_in_schema=False)
def docs() -> HTMLResponse:
    """Swagger UI from the ``swagger-ui-bundle`` package's files (no CDN)."""
    return get_swagger_ui_html(openapi_url="/openapi.json", title="corridor API",
                               swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
                               swagger_css_url="/static/swagger-ui/swagger-ui.css",
                               swagger_favicon_url="/static/swagger-ui/favicon-32x32.png")
