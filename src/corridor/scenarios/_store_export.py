"""Writing a run's result tables as Parquet, CSV or a GeoJSON map of link flows (:mod:`corridor.io.flows`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from corridor.exceptions import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EXPORT_FORMATS", "write_export"]

EXPORT_FORMATS = ("parquet", "csv", "geojson")
"""Formats of :meth:`corridor.scenarios.store.RunStore.export`."""


def write_export(run_id: str, tables: dict[str, pd.DataFrame], fmt: str, out: Path) -> list[Path]:
    """Write ``tables`` of run ``run_id`` to ``out`` atomically and return the files written.

    ``parquet`` and ``csv`` write one file per table into the folder ``out``; ``geojson`` writes
    ``out`` itself if it ends in ``.geojson`` or ``.json``, else ``link_flows.geojson`` in the
    folder ``out``. Nothing is written if anything fails.

    Raises
    ------
    InputError
        For an unknown format, a run without tables, or a GeoJSON export of a run without
        ``link_flows`` or ``geometry``.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> tables = {"link_flows": pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "tonnes": [2.5e6]})}
    >>> out = Path(tempfile.mkdtemp()) / "export"
    >>> [p.name for p in write_export("20260101-000000.000-abcdef", tables, "csv", out)]
    ['link_flows.csv']
    >>> print(pd.read_csv(out / "link_flows.csv").to_string(index=False))
    link from to    tonnes
      ab    a  b 2500000.0
    """
    from corridor.io.files import atomic_dir

    if fmt not in EXPORT_FORMATS:
        raise InputError(Problem("--format", "", f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}"))
    if fmt == "geojson":
        return [_write_geojson(run_id, tables, out)]
    if not tables:
        raise InputError(Problem(f"run {run_id}", "", "has no result tables to export"))
    written = []
    with atomic_dir(out) as tmp:
        for name, frame in tables.items():
            if fmt == "parquet":
                frame.to_parquet(tmp / f"{name}.parquet", engine="pyarrow")
            else:
                frame.to_csv(tmp / f"{name}.csv", index=False)
            written.append(out / f"{name}.{fmt}")
    return written


def _write_geojson(run_id: str, tables: dict[str, pd.DataFrame], out: Path) -> Path:
    from corridor.io.flows import link_flows_geojson, write_flows_geojson

    for name in ("link_flows", "geometry"):
        if name not in tables:
            have = ", ".join(sorted(tables)) or "none"
            msg = f"has no {name} table, so it cannot be drawn as GeoJSON (tables: {have}); export parquet or csv"
            raise InputError(Problem(f"run {run_id}", "", msg))
    doc = link_flows_geojson(tables["link_flows"], tables["geometry"], name=f"link flows of run {run_id}",
                             where=f"run {run_id}")
    path = out if out.suffix.lower() in (".geojson", ".json") else out / "link_flows.geojson"
    return write_flows_geojson(doc, path)
