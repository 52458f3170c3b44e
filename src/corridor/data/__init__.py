"""Layer 0: built-in datasets shipped with corridor.

>>> from corridor import data
>>> ds = data.load("eurasia")
>>> len(ds.network.nodes) >= 40
True
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from corridor.model import Commodity, Dataset, Source

__all__ = ["available", "load", "path", "scenario_path", "scenarios", "standard_commodities"]


def available() -> list[str]:
    """Names of the built-in datasets."""
    root = resources.files(__name__)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "nodes.csv").is_file())


def path(name: str = "eurasia") -> Path:
    """The folder of a built-in dataset.

    Raises
    ------
    KeyError
        If there is no such dataset.
    """
    if name not in available():
        msg = f"no built-in dataset {name!r}; available: {', '.join(available())}"
        raise KeyError(msg)
    return Path(str(resources.files(__name__) / name))


@lru_cache(maxsize=4)
def load(name: str = "eurasia") -> Dataset:
    """Load a built-in dataset (network and demand).

    Parameters
    ----------
    name
        Dataset name; see :func:`available`.
    """
    from corridor.io.tables import read_csv_dataset

    ds = read_csv_dataset(path(name))
    net = ds.network
    meta = {**net.meta, "format": "builtin", "path": f"builtin:{name}"}
    return Dataset(type(net)(name, net.nodes, net.links, net.transfers, net.commodities, net.sources, meta),
                   ds.demand)


def standard_commodities() -> tuple[list[Commodity], dict[str, Source]]:
    """The standard commodity groups of the built-in data, with the sources they cite."""
    from corridor.exceptions import Problem
    from corridor.io.schema import TABLES
    from corridor.io.tables import read_table

    folder = path("eurasia")
    problems: list[Problem] = []
    commodities = read_table(folder / "commodities.csv", TABLES["commodities"], problems)
    sources = read_table(folder / "sources.csv", TABLES["sources"], problems)
    keys = {p.source for c in commodities for p in c.provenance.values()}
    wanted = {k for s in keys for k in s.split("+")}
    return commodities, {s.key: s for s in sources if s.key in wanted}


def scenarios() -> list[str]:
    """Names of the built-in example scenarios (``examples/`` of the repository links to them)."""
    root = resources.files(__name__) / "scenarios"
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def scenario_path(name: str) -> Path:
    """The YAML file of a built-in example scenario.

    Raises
    ------
    KeyError
        If there is no such scenario.
    """
    if name not in scenarios():
        msg = f"no built-in scenario {name!r}; available: {', '.join(scenarios())}"
        raise KeyError(msg)
    return Path(str(resources.files(__name__) / "scenarios" / f"{name}.yaml"))
