"""Reading user files safely and writing outputs atomically.

Reading refuses what cannot be a text file of reasonable size (:func:`read_text`) and JSON nested
deeper than :data:`MAX_JSON_DEPTH` (:func:`read_json`), so that no user file can end in a
``RecursionError`` or exhaust memory. Writing goes through a temporary file or folder beside the
target (:func:`atomic_file`, :func:`atomic_dir`): the target appears whole or not at all, and a
path that cannot be written is an :class:`~corridor.exceptions.InputError` naming the path the
user gave, never the temporary one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from corridor.exceptions import InputError, Problem

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MAX_INPUT_BYTES", "MAX_JSON_DEPTH", "atomic_dir", "atomic_file", "read_json", "read_text", "write_json",
           "write_text"]

MAX_INPUT_BYTES = int(float(os.environ.get("CORRIDOR_MAX_INPUT_MB", "512")) * 1024 * 1024)
"""Input files larger than this are refused (set ``CORRIDOR_MAX_INPUT_MB`` to change it)."""

MAX_JSON_DEPTH = 64
"""JSON nested deeper than this many arrays and objects is refused.

A GeoJSON network needs 8 at most (a MultiPolygon's coordinates in a feature of a collection);
Python's parser would end in ``RecursionError`` somewhere past several hundred.
"""


def read_text(path: Path, *, max_bytes: int | None = None) -> str:
    """Read a UTF-8 text file, refusing missing, empty, binary and oversized files.

    Raises
    ------
    InputError
        Naming the file and what is wrong with it.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "note.txt"
    >>> _ = p.write_text("hello")
    >>> read_text(p)
    'hello'
    >>> _ = p.write_text("   ")
    >>> try:
    ...     read_text(p)
    ... except InputError as e:
    ...     print(e.problems[0].message)
    file is empty
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


# --- JSON -----------------------------------------------------------------------------------------

# A JSON string with its escapes; an unterminated one runs to the end of the data, so that every
# '"' starts a match and scanning stays linear on any input (used only to name where JSON is too deep).
_STRING = rb'"([^"\\]*(?:\\.[^"\\]*)*)(?:"|\\?\Z)'
# A string (group 2 set when it is an object's key), a bracket or a comma.
_TOKEN_RE = re.compile(_STRING + rb"(\s*:)?|[\[\]{},]", re.DOTALL)
_PATH_SCAN_BYTES = 32 * 1024 * 1024
"""How far into a file :func:`read_json` looks to name the path of a value nested too deep."""


def read_json(path: Path, *, max_depth: int = MAX_JSON_DEPTH, max_bytes: int | None = None) -> Any:
    """Read a JSON file, refusing nesting deeper than ``max_depth`` before parsing it.

    Parameters
    ----------
    path
        The file.
    max_depth
        The deepest nesting of arrays and objects accepted (the top-level value is level 1).
    max_bytes
        Size limit (default :data:`MAX_INPUT_BYTES`).

    Returns
    -------
    Any
        The parsed document.

    Raises
    ------
    InputError
        For everything :func:`read_text` refuses; for JSON nested too deep, naming the line and
        the path to the deep value (``features[3].properties.note``) as the field; and for text
        that is not JSON, naming line and column.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "deep.json"
    >>> _ = p.write_text('{"a": [[[1]]]}')
    >>> read_json(p)
    {'a': [[[1]]]}
    >>> try:
    ...     read_json(p, max_depth=3)
    ... except InputError as e:
    ...     print(e.problems[0].field)
    a[0][0]
    """
    where = str(path)
    text = read_text(path, max_bytes=max_bytes)
    data = text.encode("utf-8")
    line = _too_deep(data, max_depth)
    if line is not None:
        raise InputError(Problem(f"{where}:{line}", _deep_path(data, max_depth), (
            f"nested more than {max_depth} levels deep (corridor reads JSON up to {max_depth} levels "
            "of [ ] and { })")))
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(Problem(f"{where}:{e.lineno}", "", f"not valid JSON: {e.msg} (column {e.colno})")) from None
    except ValueError as e:  # an integer of more than sys.get_int_max_str_digits() digits
        raise InputError(Problem(where, "", f"not valid JSON: {e}")) from None


def _too_deep(data: bytes, max_depth: int) -> int | None:
    """The line of the first ``[`` or ``{`` nested deeper than ``max_depth``, or None.

    Vectorised, so that a large file costs a fraction of its parsing: brackets inside strings are
    dropped, then the depth is the running sum of +1 per opening and -1 per closing bracket.
    """
    import numpy as np

    chars = np.frombuffer(data, dtype=np.uint8)
    opens = (chars == ord("[")) | (chars == ord("{"))
    at = np.flatnonzero(opens | (chars == ord("]")) | (chars == ord("}")))
    if at.size <= max_depth:
        return None
    quotes = _string_quotes(chars)
    if quotes.size:
        at = at[np.searchsorted(quotes, at) % 2 == 0]  # an odd number of quotes before: in a string
    depth = np.cumsum(np.where(opens[at], 1, -1), dtype=np.int32)
    over = np.flatnonzero(depth > max_depth)
    if over.size == 0:
        return None
    return data.count(b"\n", 0, int(at[over[0]])) + 1


def _string_quotes(chars: np.ndarray) -> np.ndarray:
    """Positions of the ``"`` that open or close strings: those not escaped by an odd run of backslashes."""
    import numpy as np

    quotes = np.flatnonzero(chars == ord('"'))
    after_slash = quotes[(quotes > 0) & (chars[np.maximum(quotes - 1, 0)] == ord("\\"))]
    if after_slash.size == 0:
        return quotes
    slashes = np.flatnonzero(chars == ord("\\"))
    starts = np.ones(slashes.size, dtype=bool)
    starts[1:] = np.diff(slashes) != 1
    run_start = np.maximum.accumulate(np.where(starts, np.arange(slashes.size), 0))
    last = np.searchsorted(slashes, after_slash) - 1  # the backslash just before each of those quotes
    escaped = after_slash[(last - run_start[last] + 1) % 2 == 1]
    return np.setdiff1d(quotes, escaped, assume_unique=True)


def _deep_path(data: bytes, max_depth: int) -> str:
    """``features[3].geometry.coordinates…``: where ``data`` first nests deeper than ``max_depth``.

    Empty if that is not within the first :data:`_PATH_SCAN_BYTES` (a token-by-token scan).
    """
    stack: list[list[Any]] = []  # per open container: [is_object, its current key or index]
    for m in _TOKEN_RE.finditer(data, 0, _PATH_SCAN_BYTES):
        c = data[m.start()]
        if c in b"[{":
            stack.append([c == ord("{"), None if c == ord("{") else 0])
            if len(stack) > max_depth:
                return _json_path([frame[1] for frame in stack[:-1]])
        elif c in b"]}":
            if stack:
                stack.pop()
        elif c == ord(","):
            if stack and not stack[-1][0]:
                stack[-1][1] += 1
        elif m.group(2) and stack and stack[-1][0]:
            stack[-1][1] = _key(m.group(1))
    return ""


def _key(raw: bytes) -> str:
    try:
        key = str(json.loads(b'"' + raw + b'"'))
    except ValueError:
        key = raw.decode("utf-8", "replace")
    return key if len(key) <= 40 else key[:39] + "…"


def _json_path(keys: list[str | int | None], shown: int = 4) -> str:
    """``features[3].properties.note`` from the keys and indices of the first ``shown`` levels."""
    parts = [f"[{k}]" if isinstance(k, int) else f".{'?' if k is None else k}" for k in keys[:shown]]
    return "".join(parts).lstrip(".") + ("…" if len(keys) > shown else "")


# --- atomic writing -------------------------------------------------------------------------------


def _cannot_write(path: Path, error: OSError) -> NoReturn:
    """Raise the InputError for ``error`` met while writing ``path`` (the path the user gave)."""
    reason = error.strerror or str(error) or type(error).__name__
    if isinstance(error, FileExistsError | NotADirectoryError):
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            reason = f"{str(blocker)!r} is a file, not a folder"
    raise InputError(Problem(str(path), "", f"cannot write: {reason}")) from None


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        _cannot_write(path, e)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it into place only if the block succeeds.

    The folder of ``path`` is created if needed. The temporary file is removed whatever happens.

    Raises
    ------
    InputError
        ``"<path>: cannot write: <reason>"`` for an ``OSError`` met creating the folder or the
        temporary file, in the block (writing), or moving the file into place.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "sub" / "result.txt"
    >>> with atomic_file(out) as tmp:
    ...     _ = tmp.write_text("done")
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('done', ['result.txt'])

    If the block fails, nothing is written:

    >>> try:
    ...     with atomic_file(out.parent / "other.txt") as tmp:
    ...         _ = tmp.write_text("half")
    ...         raise RuntimeError("stop")
    ... except RuntimeError:
    ...     pass
    >>> sorted(p.name for p in out.parent.iterdir())
    ['result.txt']
    """
    path = Path(path)
    _make_parent(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as e:
        _cannot_write(path, e)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        _readable(tmp_path)
        tmp_path.replace(path)
    except OSError as e:
        _cannot_write(path, e)
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield a temporary directory; on success its files replace those in ``path``.

    A new ``path`` appears whole (one rename). In an existing folder the files are replaced one by
    one, after checking that none of them is a folder; other files there are left alone.

    Raises
    ------
    InputError
        If ``path`` exists and is not a folder, or one of the files to write is a folder there;
        ``"<path>: cannot write: <reason>"`` for an ``OSError`` met creating the folders, in the
        block (writing), or moving the files into place.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "tables"
    >>> with atomic_dir(out) as tmp:
    ...     _ = (tmp / "a.csv").write_text("x")
    ...     _ = (tmp / "b.csv").write_text("y")
    >>> sorted(p.name for p in out.iterdir())
    ['a.csv', 'b.csv']
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(Problem(str(path), "", "exists and is not a directory"))
    _make_parent(path)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as e:
        _cannot_write(path, e)
    try:
        yield tmp
        for f in (tmp, *tmp.rglob("*")):
            _readable(f)
        _move_into(tmp, path)
    except OSError as e:
        _cannot_write(path, e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _readable(p: Path) -> None:
    """Give a temporary file (0600) or folder (0700) the usual modes of outputs (0644, 0755).

    A mode the caller set on purpose is left alone.
    """
    mode = p.stat().st_mode & 0o777
    if p.is_dir() and mode == 0o700:
        p.chmod(0o755)
    elif not p.is_dir() and mode == 0o600:
        p.chmod(0o644)


def _move_into(tmp: Path, path: Path) -> None:
    if not path.exists():
        tmp.rename(path)
        return
    if not path.is_dir():
        raise InputError(Problem(str(path), "", "exists and is not a directory"))
    files = sorted(tmp.iterdir())
    for f in files:
        if (path / f.name).is_dir():
            raise InputError(Problem(str(path / f.name), "", "is a folder; cannot replace it with a file"))
    for f in files:
        f.replace(path / f.name)


def write_text(path: str | os.PathLike[str], text: str, *, mode: int = 0o644) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, readable by others (``mode``); returns the path.

    Examples
    --------
    >>> import tempfile
    >>> p = write_text(Path(tempfile.mkdtemp()) / "out" / "note.txt", "hi")
    >>> p.read_text(), oct(p.stat().st_mode & 0o777)
    ('hi', '0o644')
    """
    out = Path(path)
    with atomic_file(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(mode)
    return out


def write_json(path: str | os.PathLike[str], doc: Any, *, indent: int | None = None) -> Path:
    """Write ``doc`` as JSON (UTF-8, NaN refused) to ``path`` atomically; returns the path.

    Examples
    --------
    >>> import tempfile
    >>> p = write_json(Path(tempfile.mkdtemp()) / "doc.json", {"name": "Aktau", "tonnes": 2.5})
    >>> print(p.read_text(), end="")
    {"name": "Aktau", "tonnes": 2.5}
    >>> try:
    ...     write_json(p, {"x": float("nan")})
    ... except ValueError as e:
    ...     print("refused:", e)
    refused: Out of range float values are not JSON compliant
    """
    return write_text(path, json.dumps(doc, ensure_ascii=False, indent=indent, allow_nan=False) + "\n")
