"""Exceptions raised by corridor.

The tree::

    CorridorError
    ├── InputError (also a ValueError)      bad file or value given by a user
    │   └── NetworkValidationError          a network failed validate_network()
    └── NodeNotFound (also a KeyError)      a node id or name that is not in the network

    ConvergenceWarning (a UserWarning)      an iterative engine stopped before its target
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ConvergenceWarning", "CorridorError", "InputError", "NetworkValidationError", "NodeNotFound", "Problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in user input.

    Parameters
    ----------
    where
        The file and line (``links.csv:12``), or the record (``link aktau-baku``).
    field
        The field (column, property) at fault, or ``""`` for the whole record.
    message
        What is wrong, in words a user can act on.
    severity
        ``"error"`` (the input cannot be used) or ``"warning"`` (it can, but look at it).

    Examples
    --------
    >>> print(Problem("links.csv:12", "distance_km", "must be > 0, not -5"))
    links.csv:12: distance_km: must be > 0, not -5
    >>> print(Problem("link aktau-baku", "", "no tariff", severity="warning"))
    link aktau-baku: warning: no tariff
    """

    where: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        tag = "" if self.severity == "error" else f" {self.severity}:"
        return f"{self.where}:{field}{tag} {self.message}"


class CorridorError(Exception):
    """Root of every error that corridor raises on purpose.

    Examples
    --------
    Catch it to handle every error corridor raises about its input, and nothing else:

    >>> from corridor import data
    >>> try:
    ...     data.load().network.node("Atlantis")
    ... except CorridorError as e:
    ...     print(type(e).__name__)
    NodeNotFound
    """


class InputError(CorridorError, ValueError):
    """Bad input: a file, record or value that corridor cannot use.

    Parameters
    ----------
    problems
        One or more problems; a plain string becomes a single problem without location.

    Examples
    --------
    >>> err = InputError([Problem("s.yaml:4", "engine.gap", "must be ≥ 0, not -1"),
    ...                   Problem("s.yaml:9", "years", "must be a list, not 'all'")])
    >>> print(err)
    s.yaml:4: engine.gap: must be ≥ 0, not -1
    s.yaml:9: years: must be a list, not 'all'
    >>> [p.field for p in err.problems], isinstance(err, ValueError)
    (['engine.gap', 'years'], True)
    >>> print(InputError("no data"))
    input: no data
    """

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("input", "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem]]]:
        # rebuilt from its problems in another process (a sweep's worker), message and all
        return type(self), (self.problems,)


class NetworkValidationError(InputError):
    """A network that breaks the rules checked by :func:`corridor.model.validate_network`.

    Examples
    --------
    >>> err = NetworkValidationError(Problem("link ab", "to", "unknown node 'c'"))
    >>> print(err)
    link ab: to: unknown node 'c'
    >>> isinstance(err, InputError)
    True
    """


class NodeNotFound(CorridorError, KeyError):
    """A node id or name that the network does not hold.

    Parameters
    ----------
    query
        What the user typed.
    suggestions
        Close matches, best first.

    Examples
    --------
    >>> from corridor import data
    >>> try:
    ...     data.load().network.node("Dostik")
    ... except NodeNotFound as e:
    ...     print(e.query, e.suggestions)
    ...     print(e)
    Dostik ['dostyk']
    unknown node 'Dostik'; did you mean 'dostyk'?
    """

    def __init__(self, query: str, suggestions: list[str] | None = None) -> None:
        self.query = query
        self.suggestions = list(suggestions or [])
        hint = f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        self.message = f"unknown node {query!r}{hint}"
        super().__init__(self.message)

    def __reduce__(self) -> tuple[type[NodeNotFound], tuple[str, list[str]]]:
        return type(self), (self.query, self.suggestions)

    def __str__(self) -> str:
        return self.message


class ConvergenceWarning(UserWarning):
    """An iterative engine (equilibrium assignment) stopped before reaching its target gap.

    The result is still returned, flagged ``converged=False``.

    Examples
    --------
    Turn it into an error where a result that did not converge must not be used:

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", ConvergenceWarning)
    ...     try:
    ...         warnings.warn("gap 0.02 above target 0.0001 after 50 iterations", ConvergenceWarning)
    ...     except ConvergenceWarning as w:
    ...         print("stopped:", w)
    stopped: gap 0.02 above target 0.0001 after 50 iterations
    """
