"""The web dashboard: an offline map, a route planner and a scenario runner, served by the REST API.

:func:`mount` adds the dashboard to a FastAPI app (the API lives under ``/api/``):

- ``/`` — the page (``static/index.html``), or, if the JavaScript libraries are not installed, a
  page that says which files are missing and how to install them (status 503);
- ``/web/…`` — the dashboard's own scripts and styles (``static/``);
- ``/vendor/leaflet/…``, ``/vendor/topojson-client/…``, ``/vendor/world-atlas/…`` — the map
  libraries and the Natural Earth country outlines, from npm (``web/package.json`` of the
  repository, installed by ``make web``: ``npm ci --prefix web``), never from a CDN.

The npm packages are found in ``$CORRIDOR_WEB_VENDOR`` (a ``node_modules`` folder) or else in
``web/node_modules`` of the source tree this package sits in.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["STATIC", "VENDOR", "missing_vendor_files", "mount", "vendor_dir"]

STATIC = Path(__file__).resolve().parent / "static"
"""The dashboard's own files: index.html, JavaScript modules, CSS."""

VENDOR: dict[str, tuple[str, tuple[str, ...]]] = {
    "leaflet": ("leaflet/dist", ("leaflet.js", "leaflet.css")),
    "topojson-client": ("topojson-client/dist", ("topojson-client.min.js",)),
    "world-atlas": ("world-atlas", ("countries-110m.json",)),
}
"""URL folder under ``/vendor/`` → (folder inside ``node_modules``, the files the page needs)."""

_INSTALL = "make web  (or: npm ci --prefix web, from the repository root)"


def vendor_dir() -> Path:
    """The ``node_modules`` folder the npm packages are served from.

    ``$CORRIDOR_WEB_VENDOR`` if set, else ``web/node_modules`` of the repository (three levels above
    this package: ``<repo>/src/corridor/web``).
    """
    env = os.environ.get("CORRIDOR_WEB_VENDOR")
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parents[3] / "web" / "node_modules"


def missing_vendor_files(root: Path | None = None) -> list[str]:
    """The vendor files the page needs that are not installed under ``root`` (default :func:`vendor_dir`)."""
    base = vendor_dir() if root is None else root
    return [f"{folder}/{name}" for folder, names in VENDOR.values() for name in names
            if not (base / folder / name).is_file()]


def _missing_page(root: Path, missing: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(m)}</code></li>" for m in missing)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>corridor: map libraries missing</title></head>
<body style="font-family: sans-serif; max-width: 50em; margin: 2em auto">
<h1>corridor dashboard: the map libraries are not installed</h1>
<p role="alert">The dashboard needs Leaflet, topojson-client and the Natural Earth outlines of world-atlas
from npm, looked for in <code>{html.escape(str(root))}</code> (set <code>CORRIDOR_WEB_VENDOR</code> to a
<code>node_modules</code> folder to look elsewhere). Missing:</p>
<ul>{items}</ul>
<p>Install them with <code>{html.escape(_INSTALL)}</code> and reload. The REST API under
<a href="/api/">/api/</a> works without them.</p>
</body></html>
"""


def mount(app: FastAPI) -> None:
    """Serve the dashboard from ``app``: ``/``, ``/web/…`` and ``/vendor/…`` (routes under ``/api/`` untouched).

    Parameters
    ----------
    app
        The FastAPI application of the REST API.
    """
    from fastapi.responses import FileResponse, HTMLResponse, Response
    from fastapi.staticfiles import StaticFiles

    root = vendor_dir()

    def index() -> Response:
        missing = missing_vendor_files(root)
        if missing:
            return HTMLResponse(_missing_page(root, missing), status_code=503)
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.add_api_route("/", index, methods=["GET"], include_in_schema=False)
    app.mount("/web", StaticFiles(directory=STATIC), name="web")
    for url, (folder, _) in VENDOR.items():
        # check_dir=False: the app starts without the packages; "/" then says what is missing.
        app.mount(f"/vendor/{url}", StaticFiles(directory=root / folder, check_dir=False), name=f"vendor-{url}")
