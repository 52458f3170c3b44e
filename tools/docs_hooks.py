"""MkDocs hooks of the user guide (``mkdocs.yml``: ``hooks:``): keep the built site free of the network.

The dataset's documentation, ``DATA.md`` at the top of the repository (next to the data it
describes), becomes the page ``DATA.md`` of the guide too (:func:`on_files`), so that the guide can
link to its sections.

Material's ``offline`` plugin lets search work from ``file://`` through the ``iframe-worker`` shim,
which it would load from a CDN. ``mkdocs.yml`` names a local copy instead (``extra.polyfills``);
this hook copies it from the npm package (``web/package.json``, installed by ``make web``) into the
site, and refuses to finish a site whose pages still load a script or style sheet from the network.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
SHIM = ROOT / "web" / "node_modules" / "iframe-worker" / "shim" / "index.js"
TARGET = Path("assets") / "javascripts" / "iframe-worker-shim.js"
ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj|const):(?=<code>)")
REMOTE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE)


def on_files(files: Any, config: Any) -> Any:
    """Add the repository's ``DATA.md`` to the site as the page ``DATA.md``."""
    from mkdocs.structure.files import File

    files.append(File.generated(config, "DATA.md", abs_src_path=str(ROOT / "DATA.md")))
    return files


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Refuse a page that would load a script, style sheet, image or frame from the network.

    Also drops the Sphinx roles (``:func:``, ``:class:`` ...) the numpydoc docstrings use, which
    mkdocstrings leaves in front of the name as text.
    """
    output = ROLE.sub("", output)
    for m in REMOTE.finditer(output):
        tag = output[m.start():output.find(">", m.start()) + 1]
        if "<link" in tag.lower() and re.search(r"""rel=["']?(canonical|alternate)""", tag):
            continue  # a link for search engines and feeds, nothing is loaded
        raise PluginError(f"{page.file.src_path}: loads from the network: {tag[:200]}")
    return output


def on_post_build(config: Any) -> None:
    """Copy the iframe-worker shim next to the pages (offline search from ``file://``)."""
    if not SHIM.exists():
        raise PluginError(f"{SHIM} is missing: install the npm packages first (make web)")
    out = Path(config["site_dir"]) / TARGET
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SHIM, out)
