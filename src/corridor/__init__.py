"""corridor: freight-corridor planning between China, Central Asia, the Caucasus, Türkiye and Europe."""

from __future__ import annotations

from corridor._version import __version__

__all__ = ["__version__"]
