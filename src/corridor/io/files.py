"""Reading user files safely and writing outputs atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem

__all__ = ["MAX_INPUT_BYTES", "atomic_dir", "atomic_file", "read_text", "write_json", "write_text"]

MAX_INPUT_BYTES = int(float(os.environ.get("CORRIDOR_MAX_INPUT_MB", "512")) * 1024 * 1024)
"""Input files larger than this are refused (set ``CORRIDOR_MAX_INPUT_MB`` to change it)."""


def read_text(path: Path, *, max_bytes: int | None = None) -> str:
    """Read a UTF-8 text file, refusing missing, empty, binary and oversized files.

    Raises
    ------
    InputError
        Naming the file and what is wrong with it.
    """
    limit = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    where = str(path)
    if not path.exists():
        raise InputError(Problem(where, "", "file not found"))
    if path.is_dir():
        raise InputError(Problem(where, "", "is a directory, expected a file"))
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            Problem(where, "", f"file is {size / 1e6:,.1f} MB, over the {limit / 1e6:,.0f} MB limit "
                    "(set CORRIDOR_MAX_INPUT_MB to raise it)")
        )
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise InputError(Problem(where, "", "is a binary file, expected UTF-8 text"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(Problem(f"{where}:{line}", "", "is not valid UTF-8 text")) from None
    if not text.strip():
        raise InputError(Problem(where, "", "file is empty"))
    return text


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it into place only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        tmp_path.replace(path)
    finally:
        tmp_path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield a temporary directory; on success its files replace those in ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        if not path.exists():
            tmp.rename(path)
        else:
            if not path.is_dir():
                raise InputError(Problem(str(path), "", "exists and is not a directory"))
            for f in tmp.iterdir():
                f.replace(path / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_text(path: str | os.PathLike[str], text: str, *, mode: int = 0o644) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, readable by others (``mode``); returns the path."""
    out = Path(path)
    with atomic_file(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(mode)
    return out


def write_json(path: str | os.PathLike[str], doc: Any, *, indent: int | None = None) -> Path:
    """Write ``doc`` as JSON (UTF-8, NaN refused) to ``path`` atomically; returns the path."""
    import json

    return write_text(path, json.dumps(doc, ensure_ascii=False, indent=indent, allow_nan=False) + "\n")
