"""corridor: freight-corridor planning between China, Central Asia, the Caucasus, Türkiye and Europe."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
