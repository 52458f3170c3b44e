"""Layer 0: built-in datasets shipped with corridor.

>>> from corridor import data
>>> ds = data.load("eurasia")
>>> len(ds.network.nodes) >= 40
True
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from importlib import resources
from pathlib import Path

from corridor.model import Commodity, Dataset, Source

__all__ = ["available", "load", "path", "scenario_path", "scenarios", "standard_commodities"]


def available() -> list[str]:
    """Names of the built-in datasets.

    Examples
    --------
    >>> from corridor import data
    >>> data.available()
    ['eurasia']
    """
    root = resources.files(__name__)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "nodes.csv").is_file())


def path(name: str = "eurasia") -> Path:
    """The folder of a built-in dataset.

    Raises
    ------
    KeyError
        If there is no such dataset.

    Examples
    --------
    >>> from corridor import data
    >>> folder = data.path("eurasia")
    >>> folder.name, (folder / "nodes.csv").is_file()
    ('eurasia', True)
    """
    if name not in available():
        msg = f"no built-in dataset {name!r}; available: {', '.join(available())}"
        raise KeyError(msg)
    return Path(str(resources.files(__name__) / name))


def load(source: str | Path = "eurasia", *, validate: bool = True, year: int | None = None) -> Dataset:
    """Load a built-in dataset by name, or a network from a file or folder.

    Parameters
    ----------
    source
        A built-in dataset (see :func:`available`), or a path: a ``.geojson`` file, a folder of
        CSV tables or a TNTP folder (see :func:`corridor.io.read_dataset`). A network without its
        own commodity table gets the standard commodities of the built-in data.
    validate
        Check the network and demand with :func:`corridor.model.validate_network` (strict; sources
        not required) so that engines never see a bad network. Built-in datasets are checked by
        the test suite and not again here.
    year
        Keep the nodes, links and transfers that existed in this year (their ``valid_from`` /
        ``valid_to``); by default the year of the dataset's demand (2021 for ``eurasia``), see
        :func:`corridor.model.validity.dataset_as_of`. Demand rows of every year are kept.

    Raises
    ------
    InputError
        A path that does not exist, a bad file, or a network that breaks a rule; each problem
        names the file, line or record and field.

    Examples
    --------
    >>> from corridor import data
    >>> ds = data.load()
    >>> ds.network.name, ds.network.meta["path"]
    ('eurasia', 'builtin:eurasia')
    >>> len(ds.network.nodes) > 0 and len(ds.network.links) > 0 and len(ds.demand.rows) > 0
    True

    A folder of CSV tables loads the same way, e.g. the built-in one by its path:

    >>> data.load(data.path("eurasia")).network.meta["format"]
    'csv'
    """
    from corridor.model.validity import dataset_as_of

    if isinstance(source, str) and source in available():
        return dataset_as_of(_builtin(source), year)
    from corridor.io import read_dataset
    from corridor.model import validate_network

    ds = read_dataset(Path(source), default_commodities=standard_commodities())
    if validate:
        validate_network(ds.network, ds.demand, strict=True, require_sources=False)
    return dataset_as_of(ds, year)


@lru_cache(maxsize=4)
def _builtin(name: str) -> Dataset:
    from corridor.io.tables import read_csv_dataset

    ds = read_csv_dataset(path(name))
    net = ds.network
    meta = {**net.meta, "format": "builtin", "path": f"builtin:{name}"}
    return Dataset(dataclasses.replace(net, name=name, meta=meta), ds.demand)


@lru_cache(maxsize=1)
def standard_commodities() -> tuple[list[Commodity], dict[str, Source]]:
    """The standard commodity groups of the built-in data, with the sources they cite.

    Examples
    --------
    >>> from corridor import data
    >>> commodities, sources = data.standard_commodities()
    >>> "container" in [c.id for c in commodities]
    True
    """
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
    """Names of the built-in example scenarios (``examples/`` of the repository links to them).

    Examples
    --------
    >>> from corridor import data
    >>> "northern-route-closed" in data.scenarios()
    True
    """
    root = resources.files(__name__) / "scenarios"
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def scenario_path(name: str) -> Path:
    """The YAML file of a built-in example scenario.

    Raises
    ------
    KeyError
        If there is no such scenario.

    Examples
    --------
    >>> from corridor import data
    >>> data.scenario_path("northern-route-closed").name
    'northern-route-closed.yaml'
    """
    if name not in scenarios():
        msg = f"no built-in scenario {name!r}; available: {', '.join(scenarios())}"
        raise KeyError(msg)
    return Path(str(resources.files(__name__) / "scenarios" / f"{name}.yaml"))
