"""Link flows drawn as GeoJSON: one LineString feature per row of a link-flow table.

The one GeoJSON link-flow writer of corridor: the run store's export, ``corridor assign --out`` and
the reports draw flows with it. A link-flow table has a ``link`` column and usually ``from`` and
``to`` (the direction of the flow) plus any others (mode, commodity, tonnes...), which become the
feature's properties. Coordinates come from a geometry table (``link, from, to, lon_from, lat_from,
lon_to, lat_to``, as the run store keeps it) or from a :class:`~corridor.model.Network`'s nodes.

Examples
--------
>>> import pandas as pd
>>> flows = pd.DataFrame({"link": ["ab"], "from": ["b"], "to": ["a"], "tonnes": [2.5e6]})
>>> geometry = pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "lon_from": [51.2], "lat_from": [43.6],
...                          "lon_to": [49.9], "lat_to": [40.4]})
>>> doc = link_flows_geojson(flows, geometry)
>>> doc["features"][0]["geometry"]["coordinates"], doc["features"][0]["properties"]["tonnes"]
([[49.9, 40.4], [51.2, 43.6]], 2500000.0)
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from corridor.model import Network

__all__ = ["link_flows_geojson", "write_flows_geojson"]

GEOMETRY_COLUMNS = ("link", "lon_from", "lat_from", "lon_to", "lat_to")
"""Columns a geometry table must have (``from`` and ``to`` tell a link's direction when present)."""

_Point = list[float]


def link_flows_geojson(flows: pd.DataFrame, geometry: pd.DataFrame | Network, *, name: str = "link flows",
                       where: str = "") -> dict[str, Any]:
    """A GeoJSON FeatureCollection of link flows: a LineString per row, its columns as properties.

    A row runs from its ``from`` node to its ``to`` node. With a geometry table, the line is the
    geometry row of the same ``link``, ``from`` and ``to``, or of the same ``link`` reversed when the
    flow runs the other way; with a network, it joins the two nodes' coordinates (without ``from``/``to``
    columns: the link's own ends). A row whose link or nodes have no coordinates gets a null geometry.

    Parameters
    ----------
    flows
        The link-flow table (columns ``link``, usually ``from`` and ``to``, and any others).
    geometry
        What draws the lines: a geometry table by link direction (``link, from, to, lon_from,
        lat_from, lon_to, lat_to``, as a run stores it), or the :class:`~corridor.model.Network` the
        flows ran on (its node coordinates).
    name
        The collection's ``name``.
    where
        What the tables belong to, for messages (``"run 2026..."``).

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "name": ..., "features": [...]}``, plain JSON values (NaN and
        infinities as null).

    Raises
    ------
    InputError
        If a table lacks a column, or ``geometry`` is neither a table nor a network.

    See Also
    --------
    write_flows_geojson : Write the document atomically.

    Examples
    --------
    With the geometry of a network's nodes:

    >>> import pandas as pd
    >>> from corridor import data
    >>> net = data.load().network
    >>> link = net.links[0]
    >>> flows = pd.DataFrame({"link": [link.id], "from": [link.a], "to": [link.b], "tonnes": [1000.0]})
    >>> doc = link_flows_geojson(flows, net)
    >>> feature = doc["features"][0]
    >>> feature["geometry"]["type"], feature["properties"]["link"] == link.id
    ('LineString', True)
    """
    import pandas as pd

    from corridor.model import Network

    rows = _records(flows, ("link",), f"{where} table link_flows".strip())
    if isinstance(geometry, pd.DataFrame):
        lines = _lines_from_table(rows, _records(geometry, GEOMETRY_COLUMNS, f"{where} table geometry".strip()))
    elif isinstance(geometry, Network):
        lines = _lines_from_network(rows, geometry)
    else:
        msg = f"expected a geometry table or a Network to draw the flows with, got {type(geometry).__name__}"
        raise InputError(Problem(where or "link flows", "geometry", msg))
    features = [_feature(row, line) for row, line in zip(rows, lines, strict=True)]
    return {"type": "FeatureCollection", "name": name, "features": features}


def write_flows_geojson(doc: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write a GeoJSON document (from :func:`link_flows_geojson`) to ``path`` atomically.

    The file appears whole or not at all; its folder is created if need be.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        If the document has no JSON form, or the path cannot be written, naming ``path``.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> flows = pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "tonnes": [2.5e6]})
    >>> geometry = pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "lon_from": [51.2], "lat_from": [43.6],
    ...                          "lon_to": [49.9], "lat_to": [40.4]})
    >>> out = write_flows_geojson(link_flows_geojson(flows, geometry), Path(tempfile.mkdtemp()) / "flows.geojson")
    >>> json.loads(out.read_text())["features"][0]["properties"]["tonnes"]
    2500000.0
    """
    from corridor.io.files import atomic_file

    out = Path(path)
    try:
        text = json.dumps(doc, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InputError(Problem(str(out), "", f"cannot be written as GeoJSON: {e}")) from None
    with atomic_file(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out


def _feature(row: dict[str, Any], line: list[_Point] | None) -> dict[str, Any]:
    geometry = None if line is None else {"type": "LineString", "coordinates": line}
    return {"type": "Feature", "geometry": geometry, "properties": {k: _plain(v) for k, v in row.items()}}


def _records(frame: pd.DataFrame, needed: tuple[str, ...], where: str) -> list[dict[str, Any]]:
    """Rows as dicts, with a named index turned back into columns, after checking the ``needed`` columns."""
    flat = frame.reset_index() if any(n is not None for n in frame.index.names) else frame
    missing = [c for c in needed if c not in flat.columns]
    if missing:
        raise InputError(Problem(where, missing[0], "column missing"))
    return [{str(k): v for k, v in r.items()} for r in flat.to_dict("records")]


def _lines_from_table(rows: list[dict[str, Any]], geometry: list[dict[str, Any]]) -> list[list[_Point] | None]:
    by_link: dict[str, dict[str, Any]] = {}
    by_direction: dict[tuple[str, str, str], dict[str, Any]] = {}
    for g in geometry:
        by_link.setdefault(str(g["link"]), g)
        by_direction.setdefault((str(g["link"]), str(g.get("from")), str(g.get("to"))), g)
    out: list[list[_Point] | None] = []
    for row in rows:
        key = (str(row["link"]), str(row.get("from")), str(row.get("to")))
        found = by_direction.get(key) or by_link.get(key[0])
        out.append(None if found is None else _segment(row, found))
    return out


def _segment(flow: dict[str, Any], g: dict[str, Any]) -> list[_Point] | None:
    a, b = _point(g["lon_from"], g["lat_from"]), _point(g["lon_to"], g["lat_to"])
    if a is None or b is None:
        return None
    reverse = ("from" in flow and "from" in g and "to" in g and str(flow["from"]) == str(g["to"])
               and str(flow["from"]) != str(g["from"]))
    return [b, a] if reverse else [a, b]


def _lines_from_network(rows: list[dict[str, Any]], network: Network) -> list[list[_Point] | None]:
    pos = {n.id: _point(n.lon, n.lat) for n in network.nodes}
    ends = {lk.id: (lk.a, lk.b) for lk in network.links}
    out: list[list[_Point] | None] = []
    for row in rows:
        a, b = (row.get("from"), row.get("to")) if "from" in row and "to" in row else ends.get(str(row["link"]),
                                                                                               (None, None))
        start, end = pos.get(str(a)), pos.get(str(b))
        out.append(None if start is None or end is None else [start, end])
    return out


def _point(lon: Any, lat: Any) -> _Point | None:
    x, y = _finite(lon), _finite(lat)
    return None if x is None or y is None else [x, y]


def _finite(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return x if math.isfinite(x) else None


def _plain(value: Any) -> Any:
    """A table cell as a JSON value: NumPy scalars as Python ones, missing and non-finite numbers as None."""
    if hasattr(value, "item") and not isinstance(value, str):  # NumPy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return None if _missing(value) else str(value)


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
