"""Sweep jobs that outlive the server: a journal next to the run store, resumed at start-up.

A sweep streams its samples into the run store chunk by chunk, and the store can resume an
interrupted sweep without losing or repeating a sample (:func:`corridor.sweep` with ``resume``).
The server keeps a journal of the sweep jobs it accepted, ``<store>.jobs.json`` beside the store:
an entry is written before the job is queued and removed when the job ends — done, failed or
cancelled by a user. An entry still there when a server starts on the same store belongs to a sweep
whose server died (killed, power lost): the server queues it again, resuming the sweep recorded
under the same scenario, sample count and seed if the store has one, else starting it.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

__all__ = ["Journal", "journal_path"]

log = logging.getLogger(__name__)


def journal_path(store: str | Path | None) -> Path:
    """The journal of the run store ``store`` (the default store if None)."""
    from corridor.scenarios.store import default_store_path

    path = Path(store) if store is not None else default_store_path()
    return path.with_name(path.name + ".jobs.json")


class Journal:
    """The sweep jobs accepted and not yet ended, as ``{entry id: request}``, kept in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def pending(self) -> dict[str, dict[str, Any]]:
        """Entries left by a server that did not end its jobs; an unreadable journal counts as empty."""
        with self._lock:
            return self._read()

    def add(self, entry: str, request: dict[str, Any]) -> None:
        """Record a job's request before it is queued."""
        with self._lock:
            entries = self._read()
            entries[entry] = request
            self._write(entries)

    def remove(self, entry: str) -> None:
        """Forget a job that ended."""
        with self._lock:
            entries = self._read()
            if entries.pop(entry, None) is not None:
                self._write(entries)

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            log.warning("ignoring the unreadable job journal %s: %s", self.path, e)
            return {}
        return {str(k): v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}

    def _write(self, entries: dict[str, dict[str, Any]]) -> None:
        from corridor.io.files import atomic_file

        if not entries:
            self.path.unlink(missing_ok=True)
            return
        with atomic_file(self.path) as tmp:
            tmp.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
