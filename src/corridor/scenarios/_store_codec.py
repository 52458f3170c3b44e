"""Values for the run store: JSON, ids, seeds, seconds and code versions."""

from __future__ import annotations

import json
import math
import re
import secrets
import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem

__all__ = [
    "MAX_SEED",
    "check_name",
    "check_seed",
    "code_version",
    "json_text",
    "new_run_id",
    "plain_json",
    "seconds",
]

MAX_SEED = 2**64 - 1
"""Largest seed stored (``UBIGINT``, which every DuckDB client reads as an integer)."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")


_issued_lock = threading.Lock()
_issued: dict[str, set[str]] = {}  # the suffixes issued in the current millisecond (one key)


def new_run_id() -> str:
    r"""A new run id: UTC time to the millisecond, then a random suffix.

    Ids sort in creation order (to the millisecond). Within a process no two ids are alike (a suffix
    is drawn again if this millisecond has issued it); across processes two ids of the same
    millisecond collide with a chance of one in 16.7 million.

    Returns
    -------
    str
        For example ``"20261129-105242.123-4f2a9c"``.

    Examples
    --------
    >>> import re
    >>> a, b = new_run_id(), new_run_id()
    >>> bool(re.fullmatch(r"\d{8}-\d{6}\.\d{3}-[0-9a-f]{6}", a)), a != b
    (True, True)
    """
    now = datetime.now(UTC)
    stamp = f"{now:%Y%m%d-%H%M%S}.{now.microsecond // 1000:03d}"
    with _issued_lock:
        if stamp not in _issued:
            _issued.clear()
        taken = _issued.setdefault(stamp, set())
        suffix = secrets.token_hex(3)
        while suffix in taken:
            suffix = secrets.token_hex(3)
        taken.add(suffix)
    return f"{stamp}-{suffix}"


def check_name(value: object, what: str) -> str:
    """``value`` if it is a safe id (letters, digits, ``_ . -``; at most 100), else InputError.

    Examples
    --------
    >>> check_name("baseline-2021", "name")
    'baseline-2021'
    >>> try:
    ...     check_name("a b", "name")
    ... except InputError as e:
    ...     print(e)
    run store: name: 'a b' is not a valid name: use letters, digits, '_', '.' and '-' (at most 100)
    """
    if not isinstance(value, str) or not _NAME.match(value):
        msg = f"{value!r} is not a valid {what}: use letters, digits, '_', '.' and '-' (at most 100)"
        raise InputError(Problem("run store", what, msg))
    return value


def check_seed(seed: object, where: str) -> int | None:
    """A seed as a plain int in ``[0, 2**64)``, or None.

    Examples
    --------
    >>> import numpy as np
    >>> check_seed(np.int64(7), "sweep"), check_seed(None, "sweep")
    (7, None)
    >>> try:
    ...     check_seed(-1, "sweep")
    ... except InputError as e:
    ...     print(e)
    sweep: seed: -1 is not an integer in [0, 2**64)
    """
    if seed is None:
        return None
    if hasattr(seed, "item") and not isinstance(seed, bool):  # NumPy integer scalars
        seed = seed.item()
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InputError(Problem(where, "seed", f"{seed!r} is not an integer in [0, 2**64)"))
    return seed


def plain_json(value: Any) -> Any:  # noqa: PLR0911 - one return per kind of value
    """``value`` as plain JSON data.

    NumPy scalars and arrays become Python values, tuples and sets lists, dates ISO strings,
    non-string keys strings, and NaN or infinite floats None.

    Raises
    ------
    TypeError
        For a value with no JSON form.

    Examples
    --------
    >>> import numpy as np
    >>> plain_json({"t": np.float64(1.5), "pair": (1, 2), "gap": float("nan"), "flows": np.array([3, 4])})
    {'t': 1.5, 'pair': [1, 2], 'gap': None, 'flows': [3, 4]}
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k) if not isinstance(k, str) else k: plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain_json(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "tolist"):  # NumPy scalars and arrays
        return plain_json(value.tolist())
    msg = f"{type(value).__name__} value {value!r} has no JSON form"
    raise TypeError(msg)


def json_text(value: Any, where: str, field: str) -> str:
    """``value`` as JSON text for a JSON column (see :func:`plain_json`).

    Raises
    ------
    InputError
        If the value has no JSON form, naming ``where`` and ``field``.

    Examples
    --------
    >>> json_text({"a": (1, 2), "b": float("inf")}, "run", "summary")
    '{"a": [1, 2], "b": null}'
    >>> try:
    ...     json_text({"x": object()}, "run", "summary")
    ... except InputError as e:
    ...     print(e.problems[0].field)
    summary
    """
    try:
        text = json.dumps(plain_json(value), ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except (TypeError, ValueError, RecursionError) as e:
        raise InputError(Problem(where, field, f"cannot be stored as JSON: {e}")) from None
    return text


def seconds(value: Any, where: str) -> float:
    """``value`` as a number of seconds >= 0.

    Raises
    ------
    InputError
        If it is not a finite number >= 0, naming ``where`` and ``elapsed_s``.

    Examples
    --------
    >>> seconds(2.5, "run")
    2.5
    >>> try:
    ...     seconds(-1, "run")
    ... except InputError as e:
    ...     print(e)
    run: elapsed_s: -1 is not a number of seconds >= 0
    """
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        x = math.nan
    if isinstance(value, bool) or not math.isfinite(x) or x < 0:
        raise InputError(Problem(where, "elapsed_s", f"{value!r} is not a number of seconds >= 0"))
    return x


def code_version() -> str:
    """``corridor.__version__``, plus ``+g<commit>`` when running from a git checkout.

    The commit is read from the ``.git`` folder (no subprocess); uncommitted changes are not seen.

    Examples
    --------
    >>> from corridor._version import __version__
    >>> code_version().startswith(__version__)
    True
    """
    from corridor._version import __version__

    commit = _git_commit(Path(__file__).resolve().parents[3])
    return f"{__version__}+g{commit[:10]}" if commit else __version__


def _git_commit(root: Path) -> str | None:
    git = root / ".git"
    try:
        if git.is_file():  # a worktree: "gitdir: <path>"
            git = Path(git.read_text(encoding="utf-8").split(":", 1)[1].strip())
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref:"):
            return head if re.fullmatch(r"[0-9a-f]{40}", head) else None
        ref = head[4:].strip()
        common = git / "commondir"
        base = (git / common.read_text(encoding="utf-8").strip()).resolve() if common.is_file() else git
        for folder in (git, base):
            if (folder / ref).is_file():
                return (folder / ref).read_text(encoding="utf-8").strip()
        packed = base / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8").splitlines():
                sha, _, name = line.partition(" ")
                if name == ref:
                    return sha
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    return None
