"""Layer 0: reading and writing networks and demand (CSV tables, GeoJSON, TNTP), and the one YAML loader."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem

if TYPE_CHECKING:
    from corridor.io.flows import link_flows_geojson, write_flows_geojson
    from corridor.io.geojson import dataset_to_geojson, read_geojson, write_geojson
    from corridor.io.schema import Catalogue
    from corridor.io.tables import read_csv_dataset, read_demand_csv, write_csv_dataset
    from corridor.io.yaml import load_yaml, loads_yaml
    from corridor.model import Dataset

_LAZY = {"link_flows_geojson": "flows", "write_flows_geojson": "flows", "dataset_to_geojson": "geojson",
         "read_geojson": "geojson", "write_geojson": "geojson", "Catalogue": "schema", "read_csv_dataset": "tables",
         "read_demand_csv": "tables", "write_csv_dataset": "tables", "load_yaml": "yaml", "loads_yaml": "yaml"}


def __getattr__(name: str) -> Any:
    """Import the readers and writers on first use: reading a TNTP file needs neither YAML nor GeoJSON."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"corridor.io.{_LAZY[name]}"), name)
    msg = f"module 'corridor.io' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "Catalogue",
    "dataset_to_geojson",
    "link_flows_geojson",
    "load_yaml",
    "loads_yaml",
    "read_csv_dataset",
    "read_dataset",
    "read_demand_csv",
    "read_geojson",
    "write_csv_dataset",
    "write_flows_geojson",
    "write_geojson",
]


def read_dataset(path: str | Path, *, default_commodities: Catalogue | None = None) -> Dataset:
    """Read a dataset from ``path``, choosing the format from what the path is.

    A ``.geojson``/``.json`` file is GeoJSON; a folder with ``nodes.csv`` is CSV tables; a folder
    with a ``*_net.tntp`` file, or such a file itself, is a TNTP research network. A network
    without a commodity table gets ``default_commodities`` (:func:`corridor.data.load` passes the
    standard ones).

    Raises
    ------
    InputError
        If the path does not exist, its format is unknown, or the content is bad.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from corridor import data
    >>> from corridor.io import read_dataset, write_csv_dataset, write_geojson
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_csv_dataset(data.load(), folder / "net")
    >>> _ = write_geojson(data.load(), folder / "net.geojson")
    >>> read_dataset(folder / "net").network.meta["format"]
    'csv'
    >>> read_dataset(folder / "net.geojson").network.meta["format"]
    'geojson'
    """
    from corridor.io.geojson import read_geojson
    from corridor.io.tables import read_csv_dataset

    p = Path(path)
    if not p.exists():
        raise InputError(Problem(str(p), "", "no such file or folder"))
    if p.is_file() and p.suffix.lower() in (".geojson", ".json"):
        return read_geojson(p, default_commodities=default_commodities)
    if p.is_dir() and (p / "nodes.csv").exists():
        return read_csv_dataset(p, default_commodities=default_commodities)
    if (p.is_dir() and any(p.glob("*_net.tntp"))) or p.name.endswith("_net.tntp"):
        from corridor.io.tntp import read_tntp

        return read_tntp(p)
    raise InputError(
        Problem(str(p), "", "unknown network format: expected a .geojson file, a folder with "
                "nodes.csv and links.csv, or a TNTP folder / _net.tntp file")
    )
