"""Layer 4: the REST API (FastAPI) over corridor's Python API.

>>> from corridor.api import create_app
>>> app = create_app()
>>> "/api/routes" in app.openapi()["paths"]
True
"""

from __future__ import annotations

from corridor.api.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
