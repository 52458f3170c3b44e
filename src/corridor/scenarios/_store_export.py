"""Writing a run's result tables as Parquet, CSV or a GeoJSON map of link flows."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem
from corridor.scenarios._store_codec import plain_json

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EXPORT_FORMATS", "link_flows_geojson", "write_export"]

EXPORT_FORMATS = ("parquet", "csv", "geojson")
"""Formats of :meth:`corridor.scenarios.store.RunStore.export`."""

_GEOMETRY_COLUMNS = ("link", "lon_from", "lat_from", "lon_to", "lat_to")


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
    """
    from corridor.io.files import atomic_dir, atomic_file

    if fmt not in EXPORT_FORMATS:
        raise InputError(Problem("--format", "", f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}"))
    if fmt == "geojson":
        doc = json.dumps(link_flows_geojson(run_id, tables), ensure_ascii=False)
        if out.suffix.lower() in (".geojson", ".json"):
            with atomic_file(out) as tmp:
                tmp.write_text(doc, encoding="utf-8")
            return [out]
        with atomic_dir(out) as tmp:
            (tmp / "link_flows.geojson").write_text(doc, encoding="utf-8")
        return [out / "link_flows.geojson"]
    if not tables:
        raise InputError(Problem(f"run {run_id}", "", "has no result tables to export"))
    written = []
    with atomic_dir(out) as tmp:
        for name, frame in tables.items():
            if fmt == "parquet":
                frame.to_parquet(tmp / f"{name}.parquet", engine="pyarrow")
            else:
                _flat(frame).to_csv(tmp / f"{name}.csv", index=False)
            written.append(out / f"{name}.{fmt}")
    return written


def link_flows_geojson(run_id: str, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """A FeatureCollection of the run's ``link_flows`` drawn with its ``geometry`` table.

    Each row of ``link_flows`` becomes a LineString from its ``from`` node to its ``to`` node, drawn
    from the geometry row of the same ``link``, ``from`` and ``to`` (or of the same ``link``,
    reversed when the flow runs the other way), with the row's columns as properties. A link without
    geometry gets a null geometry.

    Raises
    ------
    InputError
        If either table is missing or lacks a column.
    """
    where = f"run {run_id}"
    for name, needed in (("link_flows", ("link",)), ("geometry", _GEOMETRY_COLUMNS)):
        if name not in tables:
            have = ", ".join(sorted(tables)) or "none"
            msg = f"has no {name} table, so it cannot be drawn as GeoJSON (tables: {have}); export parquet or csv"
            raise InputError(Problem(where, "", msg))
        missing = [c for c in needed if c not in tables[name].columns]
        if missing:
            raise InputError(Problem(f"{where} table {name}", missing[0], "column missing"))
    by_link: dict[str, dict[str, Any]] = {}
    by_direction: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in _flat(tables["geometry"]).to_dict(orient="records"):
        by_link.setdefault(str(row["link"]), row)
        by_direction.setdefault((str(row["link"]), str(row.get("from")), str(row.get("to"))), row)
    features = []
    for row in _flat(tables["link_flows"]).to_dict(orient="records"):
        key = (str(row["link"]), str(row.get("from")), str(row.get("to")))
        g = by_direction.get(key) or by_link.get(key[0])
        features.append({"type": "Feature", "geometry": _line(row, g), "properties": plain_json(row)})
    return {"type": "FeatureCollection", "name": f"link flows of run {run_id}", "features": features}


def _line(flow: dict[str, Any], g: dict[str, Any] | None) -> dict[str, Any] | None:
    if g is None:
        return None
    a, b = [_num(g["lon_from"]), _num(g["lat_from"])], [_num(g["lon_to"]), _num(g["lat_to"])]
    if None in a or None in b:
        return None
    reverse = ("from" in flow and "from" in g and "to" in g and str(flow["from"]) == str(g["to"])
               and str(flow["from"]) != str(g["from"]))
    return {"type": "LineString", "coordinates": [b, a] if reverse else [a, b]}


def _num(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a meaningful index turned back into columns."""
    import pandas as pd

    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None:
        return frame
    return frame.reset_index()
