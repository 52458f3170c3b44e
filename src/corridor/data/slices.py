"""Time-slice sets of the built-in datasets and of CSV networks (see :mod:`corridor.io.slices`).

>>> ss = builtin_slice_set("eurasia", "monthly")
>>> len(ss.slices), round(sum(s.share for s in ss.slices), 9)
(12, 1.0)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from corridor.exceptions import InputError, Problem
from corridor.io.slices import pick_slice_set, read_slice_sets
from corridor.model.slices import SliceSet

__all__ = ["builtin_slice_set", "slice_set_for"]


@lru_cache(maxsize=8)
def builtin_slice_set(dataset: str, name: str) -> SliceSet:
    """The slice set ``name`` of a built-in dataset (``monthly`` of ``eurasia``).

    Raises
    ------
    InputError
        If the dataset has no slice table or no such set.

    Examples
    --------
    >>> ss = builtin_slice_set("eurasia", "monthly")
    >>> ss.name, [s.id for s in ss.slices][:3]
    ('monthly', ['jan', 'feb', 'mar'])
    """
    from corridor import data

    try:
        path = data.path(dataset) / "slices.csv"
    except KeyError as e:
        raise InputError(Problem("slices", "dataset", str(e.args[0]))) from None
    if not path.exists():
        raise InputError(Problem(str(path), "slices", f"the built-in dataset {dataset!r} has no time slices"))
    return pick_slice_set(read_slice_sets(path), name, str(path))


def slice_set_for(meta: dict[str, str], spec: str | Path, *, where: str = "slices") -> SliceSet:
    """Resolve a slice set by path or by name.

    ``spec`` is a path to a ``slices.csv`` (its only set, or ``file.csv#set``), or the name of a set
    of the network's own dataset (``meta["path"]``: ``builtin:eurasia`` or a folder of tables).

    Raises
    ------
    InputError
        Nothing found under that name, or a bad table; located at ``where``.

    Examples
    --------
    >>> from corridor import data
    >>> ss = slice_set_for({"path": "builtin:eurasia"}, "monthly")
    >>> len(ss.slices)
    12
    >>> slice_set_for({}, str(data.path("eurasia") / "slices.csv") + "#monthly").name
    'monthly'
    """
    text = str(spec)
    file, _, set_name = text.partition("#")
    if file.endswith(".csv"):
        if not Path(file).is_file():
            raise InputError(Problem(where, "slices", f"no slice table {file!r}"))
        return pick_slice_set(read_slice_sets(Path(file)), set_name or None, file)
    origin = meta.get("path", "")
    if origin.startswith("builtin:"):
        return builtin_slice_set(origin.removeprefix("builtin:"), text)
    table = Path(origin) / "slices.csv" if origin else None
    if table is None or not table.is_file():
        raise InputError(Problem(where, "slices", f"{text!r} is not a slices CSV file and the network has no "
                                 "slices.csv beside its tables"))
    return pick_slice_set(read_slice_sets(table), text, str(table))
