"""The validation toolkit: one way to say what is wrong with user input, and where.

Every reader of user input (hub configs, scenario files, distributions, node look-ups) builds its
messages here, so that they read alike and name the offending value:

- :func:`did_you_mean` and :func:`unknown`: the one place that looks for close matches;
- :func:`check_number`: finite numbers in bounds, whole where they must be, never booleans or text;
- :class:`Problems`: collects :class:`~corridor.exceptions.Problem` records located with
  :func:`where` (``file:line`` from the YAML loader) and raises them all as one
  :class:`~corridor.exceptions.InputError`.

>>> problems = Problems("hub.yaml")
>>> problems.check_keys({"count": 1, "cont": 2}, ("count",), field="berths")
>>> problems.number("two", field="rail.tracks", integer=True, low=1)
>>> print(problems.error())
hub.yaml: berths.cont: unknown field 'cont'; did you mean 'count'?
hub.yaml: rail.tracks: must be a number, not 'two'
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol, TypedDict, runtime_checkable

from corridor.exceptions import InputError, Problem

__all__ = [
    "Bounds",
    "Located",
    "Problems",
    "check_keys",
    "check_number",
    "close_matches",
    "describe",
    "did_you_mean",
    "is_loopback",
    "unknown",
    "where",
]


@runtime_checkable
class Located(Protocol):
    """A container that knows where its entries were written (the YAML loader's mappings and lists).

    Examples
    --------
    Any object with a ``where(key)`` method qualifies; a plain dict does not:

    >>> class Lines(dict):
    ...     def where(self, key=None):
    ...         return "hub.yaml:3" if key == "berths" else "hub.yaml:1"
    >>> isinstance(Lines(berths=2), Located), isinstance({"berths": 2}, Located)
    (True, False)
    >>> where(Lines(berths=2), "berths")
    'hub.yaml:3'
    """

    def where(self, key: Any = None) -> str:
        """``file:line`` of the entry ``key``, or of the container itself when ``key`` is None."""
        ...


def where(node: Any, key: Any = None, default: str = "<input>") -> str:
    """``file:line`` of ``key`` in ``node`` when the node knows its lines, else ``default``.

    Examples
    --------
    >>> where({"a": 1}, "a", "s.yaml")
    's.yaml'
    """
    return node.where(key) if isinstance(node, Located) else default


def close_matches(name: str, known: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` entries of ``known`` that look like ``name``, best first.

    Examples
    --------
    >>> close_matches("lognormul", ["lognormal", "normal"])
    ['lognormal']
    """
    return difflib.get_close_matches(str(name), [str(k) for k in known], n=n, cutoff=cutoff)


def did_you_mean(
    name: str,
    known: Iterable[str],
    *,
    n: int = 1,
    cutoff: float = 0.6,
    renamed: Mapping[str, str] | None = None,
    list_known: bool = True,
) -> str:
    """A hint for an unknown ``name``: ``"; did you mean 'x'?"`` or ``"; expected one of a, b, c"``.

    Parameters
    ----------
    name
        What the user wrote.
    known
        The names that would have been accepted.
    n, cutoff
        How many suggestions at most, and how close they must be (0 to 1, see :mod:`difflib`).
    renamed
        Old names and their new ones: an old name is always answered with its new one.
    list_known
        Without a close match, list the known names (else return ``""``).

    Examples
    --------
    >>> did_you_mean("empirical", ["discrete", "normal"], renamed={"empirical": "discrete"})
    "; did you mean 'discrete'?"
    >>> did_you_mean("zzz", ["b", "a"])
    '; expected one of a, b'
    >>> did_you_mean("zzz", ["b", "a"], list_known=False)
    ''
    """
    known = sorted(str(k) for k in known)
    if renamed and name in renamed:
        return f"; did you mean {renamed[name]!r}?"
    close = close_matches(name, known, n=n, cutoff=cutoff)
    if close:
        return f"; did you mean {', '.join(repr(c) for c in close)}?"
    return f"; expected one of {', '.join(known)}" if list_known and known else ""


def unknown(what: str, name: Any, known: Iterable[str], **hint: Any) -> str:
    """``"unknown <what> <name!r><hint>"``; ``hint`` takes the options of :func:`did_you_mean`.

    Examples
    --------
    >>> unknown("mode", "rail-1530", ["rail-1520", "road"])
    "unknown mode 'rail-1530'; did you mean 'rail-1520'?"
    """
    return f"unknown {what} {name!r}{did_you_mean(str(name), known, **hint)}"


def describe(value: Any) -> str:
    """What kind of value the user gave, in words: ``"a list"``, ``"a mapping"``, ``"text"`` ...

    Examples
    --------
    >>> describe([1, 2]), describe({"a": 1}), describe(True), describe(None)
    ('a list', 'a mapping', 'true/false', 'nothing')
    """
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    return "a list" if isinstance(value, list | tuple) else type(value).__name__


class Bounds(TypedDict, total=False):
    """The keyword options of :func:`check_number`, as one value (``check_number(x, **bounds)``).

    Examples
    --------
    >>> share: Bounds = {"low": 0, "high": 1, "low_open": True}
    >>> check_number(0.4, **share) is None, check_number(0, **share)
    (True, 'must be > 0, not 0')
    """

    low: float
    high: float
    low_open: bool
    high_open: bool
    integer: bool
    reason: str


def _fmt(x: float) -> str:
    return f"{int(x):,}" if x == int(x) and abs(x) < 1e15 else f"{x:g}"


def check_number(
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
    reason: str = "",
) -> str | None:
    """What is wrong with ``value`` as a number, or None if nothing is.

    Parameters
    ----------
    value
        The value as read (a YAML scalar, a CSV cell converted to a number ...).
    low, high
        Bounds, inclusive unless ``low_open`` / ``high_open``.
    integer
        The number must be whole (``2.0`` is accepted).
    reason
        Why the upper bound is what it is, said when a value passes it.

    Examples
    --------
    >>> check_number(True)
    'must be a number, not True'
    >>> check_number(float("nan"))
    'must be a finite number, not nan'
    >>> check_number(2.5, integer=True)
    'must be a whole number, not 2.5'
    >>> check_number(0, low=0, low_open=True)
    'must be > 0, not 0'
    >>> check_number(1e12, high=1000, reason="no terminal has more")
    'must be ≤ 1,000 (no terminal has more), not 1000000000000.0'
    >>> check_number(3, low=1) is None
    True
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number, not {value!r}"
    if not math.isfinite(value):
        return f"must be a finite number, not {value!r}"
    if integer and value != int(value):
        return f"must be a whole number, not {value!r}"
    if low is not None and (value <= low if low_open else value < low):
        return f"must be {'>' if low_open else '≥'} {_fmt(low)}, not {value!r}"
    why = f" ({reason})" if reason else ""
    if high is not None and (value >= high if high_open else value > high):
        return f"must be {'<' if high_open else '≤'} {_fmt(high)}{why}, not {value!r}"
    return None


def check_keys(mapping: Mapping[Any, Any], allowed: Iterable[str], *, what: str = "field",
               renamed: Mapping[str, str] | None = None) -> list[tuple[Any, str]]:
    """``(key, message)`` for every key of ``mapping`` that is not ``allowed``.

    Examples
    --------
    >>> check_keys({"factr": 2, "factor": 1}, ["factor", "select"])
    [('factr', "unknown field 'factr'; did you mean 'factor'?")]
    """
    allowed = sorted(allowed)
    return [(k, unknown(what, k, allowed, renamed=renamed)) for k in mapping if k not in allowed]


class Problems:
    """Collects problems in user input, each with its location, and raises them all at once.

    Parameters
    ----------
    file
        Where a problem is when nothing more precise is known (the file the user gave).

    Examples
    --------
    >>> p = Problems("s.yaml")
    >>> p.add("engine.gap", "must be ≥ 0, not -1", where="s.yaml:4")
    >>> len(p), bool(p)
    (1, True)
    >>> p.raise_if_any()
    Traceback (most recent call last):
    ...
    corridor.exceptions.InputError: s.yaml:4: engine.gap: must be ≥ 0, not -1
    """

    def __init__(self, file: str = "<input>") -> None:
        self.file = file
        self.problems: list[Problem] = []

    def __len__(self) -> int:
        return len(self.problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def where(self, node: Any = None, key: Any = None) -> str:
        """``file:line`` of ``key`` in ``node`` (see :func:`where`), else the file."""
        return where(node, key, self.file)

    def add(self, field: str, message: str, *, where: str | None = None) -> None:
        """Record one problem of ``field`` at ``where`` (default: the file)."""
        self.problems.append(Problem(where or self.file, field, message))

    def at(self, node: Any, key: Any, field: str, message: str, *, default: str | None = None) -> None:
        """Record a problem located at ``key`` of ``node`` (or at ``default`` when it has no lines)."""
        self.add(field, message, where=where(node, key, default or self.file))

    def number(self, value: Any, *, field: str, where: str | None = None, **bounds: Any) -> float | None:
        """``value`` as a float (an int when ``integer=True``) if :func:`check_number` accepts it, else None.

        A refused value is recorded as a problem of ``field`` at ``where``.
        """
        message = check_number(value, **bounds)
        if message is not None:
            self.add(field, message, where=where)
            return None
        return int(value) if bounds.get("integer") else float(value)

    def check_keys(self, mapping: Mapping[Any, Any], allowed: Iterable[str], *, field: str = "",
                   what: str = "field", renamed: Mapping[str, str] | None = None, default: str | None = None) -> None:
        """Record every key of ``mapping`` that is not ``allowed``, at its own line."""
        for key, message in check_keys(mapping, allowed, what=what, renamed=renamed):
            self.at(mapping, key, f"{field}.{key}" if field else str(key), message, default=default)

    def error(self) -> InputError:
        """One :class:`~corridor.exceptions.InputError` listing every problem."""
        return InputError(list(self.problems))

    def raise_if_any(self) -> None:
        """Raise :meth:`error` if any problem was recorded.

        Raises
        ------
        InputError
            Listing every problem, in the order found.
        """
        if self.problems:
            raise self.error()


def is_loopback(host: str) -> bool:
    """True for a bind address that only accepts local connections: ``localhost``, 127.0.0.0/8, ``::1``.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("[::1]"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    import ipaddress

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False
