"""JSON Schemas of the network tables, built from the table definitions the readers use.

One schema per table (:data:`corridor.io.schema.TABLES`) describes a row as the GeoJSON format
holds it (a feature's ``properties``, or a row of a JSON table): numbers as numbers, sets as lists
of strings, an empty cell as ``null``. A CSV file holds the same values as text (an empty cell for
``null``, sets written ``a;b;c``). Enumerations (modes, node and transfer kinds, corridors,
statuses) and numeric ranges come from the model's validation (:mod:`corridor.model.validate`),
so the schemas and the checks cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from corridor.io.schema import TABLES, Column, Table
from corridor.model import CORRIDORS, TRANSFER_KINDS, Status
from corridor.model.commodity import MODES
from corridor.model.network import NODE_KINDS
from corridor.model.validate import NUMERIC_RANGES

__all__ = ["network_schema", "table_schema"]

_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("nodes", "kind"): NODE_KINDS,
    ("links", "mode"): MODES,
    ("links", "corridor"): CORRIDORS,
    ("transfers", "kind"): TRANSFER_KINDS,
    ("tariffs", "mode"): MODES,
}
_SETS_OF_MODES = {("commodities", "modes"), ("transfers", "from_modes"), ("transfers", "to_modes")}


def _column(table: str, c: Column) -> dict[str, Any]:
    number = {"float": "number", "ofloat": "number", "int": "integer", "oint": "integer"}.get(c.kind)
    out: dict[str, Any]
    if number is not None:
        out = {"type": number if c.required or c.kind in ("float", "int") else [number, "null"]}
        if c.name in NUMERIC_RANGES:
            low, high, unit = NUMERIC_RANGES[c.name]
            out |= {"minimum": low, "maximum": high}
            c = Column(c.name, c.kind, c.required, c.doc or unit)
    elif c.kind == "bool":
        out = {"type": ["boolean", "null"]}
    elif c.kind in ("set", "list"):
        items: dict[str, Any] = {"type": "string"}
        if (table, c.name) in _SETS_OF_MODES:
            items = {"enum": list(MODES)}
        out = {"type": ["array", "null"], "items": items}
    else:
        enum = _ENUMS.get((table, c.name))
        if c.name.endswith("_status") or (table in ("targets", "choice") and c.name == "status"):
            enum = tuple(s.value for s in Status)
        out = {"enum": [*enum, *([] if c.required else ["", None])]} if enum else \
            {"type": "string" if c.required else ["string", "null"]}
        if c.required and not enum:
            out["minLength"] = 1
    if c.doc:
        out["description"] = c.doc
    return out


def table_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one row of a network table.

    Parameters
    ----------
    name
        A table of :data:`corridor.io.schema.TABLES` (``nodes``, ``links``, ``transfers`` ...).

    Returns
    -------
    dict
        A JSON Schema (draft 2020-12) of an object: required columns, the type, range or
        enumeration of each, and a ``<figure>_source`` / ``<figure>_status`` pair per figure
        that carries provenance.

    Examples
    --------
    >>> s = table_schema("links")
    >>> s["required"][:4], s["properties"]["mode"]["enum"][:2]
    (['id', 'a', 'b', 'mode'], ['rail-1520', 'rail-1435'])
    """
    table: Table = TABLES[name]
    props = {c.name: _column(name, c) for c in table.columns}
    for fig in table.figures:
        for col in (Column(f"{fig}_source", doc=f"source keys of {fig}, joined by +"),
                    Column(f"{fig}_status", doc=f"status of {fig}")):
            props[col.name] = _column(name, col)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"corridor {name} row",
            "type": "object", "required": list(table.required), "properties": props,
            "additionalProperties": False}


def network_schema() -> dict[str, Any]:
    """JSON Schemas of every network table, keyed by table name (``$defs``).

    Returns
    -------
    dict
        ``{"$schema": ..., "$defs": {"nodes": {...}, "links": {...}, ...}}``.

    Examples
    --------
    >>> schema = network_schema()
    >>> sorted(schema["$defs"])[:4]
    ['choice', 'commodities', 'demand', 'facilities']
    """
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "corridor network tables",
            "description": "One row of each table, as GeoJSON properties or JSON; CSV cells hold the same "
                           "values as text (empty for null, sets as a;b;c).",
            "$defs": {name: table_schema(name) for name in TABLES}}
