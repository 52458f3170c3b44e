"""The installed version of corridor, read from the package metadata (layer 0: imports nothing of corridor).

``__version__`` is read on first use: :mod:`importlib.metadata` costs a few hundredths of a second
that a command which never shows the version need not pay.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

__all__ = ["__version__", "version"]

if TYPE_CHECKING:
    __version__: str


@cache
def version() -> str:
    """The installed version of corridor (``"0+unknown"`` from a source tree never installed).

    Examples
    --------
    >>> import corridor
    >>> version() == corridor.__version__
    True
    """
    from importlib import metadata

    try:
        return metadata.version("corridor")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return version()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
