"""The shippers' choice parameters a dataset ships (``choice.csv``), read and written.

A dataset folder may hold ``choice.csv``: one row per parameter of
:class:`~corridor.model.choice.ChoiceParameters` with its value, standard error, unit, status
(``calibrated`` for the fitted ones) and method. ``corridor calibrate`` writes it; the stochastic
equilibrium (``engine.method: sue``) reads it. A dataset without one runs with the defaults of
:class:`~corridor.model.choice.ChoiceParameters`, which are assumptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from corridor.exceptions import InputError, Problem
from corridor.model.choice import ChoiceParameters, Parameter

__all__ = ["choice_file", "choice_for", "load_choice", "write_choice"]

FILE = "choice.csv"


def choice_file(meta_path: str) -> Path | None:
    """``choice.csv`` of the dataset a network was read from (``meta["path"]``), if there is one.

    Examples
    --------
    >>> choice_file("builtin:eurasia").name
    'choice.csv'
    >>> choice_file("") is None
    True
    """
    from corridor import data

    if meta_path.startswith("builtin:"):
        folder = data.path(meta_path.split(":", 1)[1])
    else:
        folder = Path(meta_path)
        if folder.is_file():
            folder = folder.parent
    file = folder / FILE
    return file if file.exists() else None


def load_choice(path: str | Path) -> tuple[Parameter, ...]:
    """Read ``choice.csv`` (a file, or a folder holding one; none there gives ``()``).

    Raises
    ------
    InputError
        A row with a missing or malformed field, an unknown parameter or status, naming file, line and field.

    Examples
    --------
    >>> from corridor import data
    >>> params = load_choice(data.path())
    >>> params[0].name, params[0].status
    ('theta', 'calibrated')
    """
    from corridor.io.tables import read_status_table

    params, problems = read_status_table(path, "choice", FILE)
    for p in params:
        try:
            ChoiceParameters().with_values({p.name: p.value})
        except InputError as e:
            problems += [Problem(p.origin or str(path), "name" if "unknown" in q.message else "value", q.message)
                         for q in e.problems]
    if problems:
        raise InputError(problems)
    return tuple(params)


def choice_for(meta: dict[str, object] | None) -> ChoiceParameters:
    """The choice parameters of the dataset a network comes from (defaults if it ships none).

    Examples
    --------
    >>> from corridor import data
    >>> choice = choice_for(data.load().network.meta)
    >>> choice.vot_median, choice.segments
    (0.12, 3)
    """
    file = choice_file(str((meta or {}).get("path", "")))
    return ChoiceParameters.from_parameters(list(load_choice(file))) if file is not None else ChoiceParameters()


def write_choice(path: str | Path, params: Iterable[Parameter]) -> Path:
    """Write ``choice.csv`` (to a file path, or into a folder), atomically.

    Examples
    --------
    >>> import tempfile
    >>> from corridor import data
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_choice(folder, load_choice(data.path()))
    >>> [p.name for p in folder.iterdir()], load_choice(folder) == load_choice(data.path())
    (['choice.csv'], True)
    """
    from corridor.io.files import atomic_file
    from corridor.io.schema import TABLES
    from corridor.io.tables import csv_text

    file = Path(path)
    if file.is_dir():
        file = file / FILE
    with atomic_file(file) as tmp:
        tmp.write_text(csv_text(TABLES["choice"], list(params)), encoding="utf-8")
    return file
