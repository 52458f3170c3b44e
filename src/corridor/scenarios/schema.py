"""The JSON Schema of a scenario file, built from the tables the scenario reader checks against.

Change kinds and their fields (:data:`~corridor.scenarios.spec.CHANGE_KINDS`), required and
one-of fields, selectors, number bounds and engine options come from :mod:`corridor.scenarios.spec`
itself, so the schema and the reader cannot drift apart. The reader checks more than a schema can
(ids that exist in the network, references to uncertain parameters that are declared, sources
that are cited); the schema is for editors and for people learning the format.
"""

from __future__ import annotations

from typing import Any

from corridor.scenarios.spec import (
    _LIST,
    _NUMBERS,
    _ONE_OF,
    _REQUIRED,
    _TOP,
    CHANGE_KINDS,
    DEMAND_SELECT,
    ENGINE_CHOICES,
    ENGINE_OPTIONS,
    NETWORK_SELECT,
    TARIFF_SELECT,
)

__all__ = ["scenario_schema"]

_REF = {"type": "string", "pattern": r"^\$[A-Za-z_][A-Za-z0-9_]*$",
        "description": "$name of an uncertain parameter (drawn in sweeps, its nominal value otherwise)"}
_IDS = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
_NAMES = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
          "description": "a value or a list (empty: all)"}


def _number(name: str) -> dict[str, Any]:
    b = _NUMBERS.get(name, {})
    n: dict[str, Any] = {"type": "number"}
    if "low" in b:
        n["exclusiveMinimum" if b.get("low_open") else "minimum"] = b["low"]
    if "high" in b:
        n["maximum"] = b["high"]
    return {"anyOf": [n, _REF]}


def _selector(kind: str) -> dict[str, Any]:
    keys = DEMAND_SELECT if kind in ("grow_demand", "move_demand") else \
        (*NETWORK_SELECT, *TARIFF_SELECT) if kind == "change_tariff" else NETWORK_SELECT
    props: dict[str, Any] = dict.fromkeys(keys, _IDS)
    if "records" in props:
        props["records"] = {"enum": ["links", "transfers", "facilities"]}
    return {"type": "object", "properties": props, "additionalProperties": False,
            "description": "selects records: every key must match (AND); each takes a value or a list"}


def _change(kind: str) -> dict[str, Any]:
    fields = CHANGE_KINDS[kind]
    if fields == (_LIST,):
        body: dict[str, Any] = {**_IDS, "description": "an id or a list of ids"}
    elif fields == ("record",):
        body = {"type": "object", "description": "a record with the columns of the network table (see the "
                "network tables' schema), and `source` and `status` for its figures"}
    else:
        props: dict[str, Any] = {}
        for f in fields:
            if f == "select":
                props[f] = _selector(kind)
            elif f == "ids":
                props[f] = _IDS
            elif f in ("countries", "commodities", "markets"):
                props[f] = _NAMES
            elif f in ("country", "line", "origin", "destination"):
                props[f] = {"type": "string"}
            else:
                props[f] = _number(f)
        body = {"type": "object", "properties": props, "additionalProperties": False}
        if kind in _REQUIRED:
            body["required"] = list(_REQUIRED[kind])
        if kind in _ONE_OF:
            body["anyOf"] = [{"required": [f]} for f in _ONE_OF[kind]]
    return {"type": "object", "required": [kind], "additionalProperties": False,
            "properties": {kind: body, "note": {"type": "string"}, "when": _REF}}


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file (YAML or JSON).

    Returns
    -------
    dict
        Top-level keys ``name``, ``description``, ``base``, ``sources``, ``changes`` (one object
        per change, keyed by its kind, with an optional ``note`` and ``when``), ``engine`` and
        ``uncertain``.

    Examples
    --------
    >>> s = scenario_schema()
    >>> sorted(s["properties"])[:4]
    ['base', 'baseline', 'changes', 'description']
    >>> len(s["properties"]["changes"]["items"]["oneOf"]) == len(CHANGE_KINDS)
    True
    """
    engine: dict[str, dict[str, Any]] = {
        k: ({"type": "number"} if kind == "number" else {"type": "string"}) for k, (_, kind) in ENGINE_OPTIONS.items()}
    engine |= {k: {"enum": list(v)} for k, v in ENGINE_CHOICES.items()}
    props: dict[str, Any] = {
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "base": {"anyOf": [{"type": "string"}, {"type": "object", "additionalProperties": False, "properties": {
            "dataset": {"type": "string", "description": "a built-in dataset (eurasia) or a path to a network"},
            "year": {"type": "integer", "minimum": 1900, "maximum": 2100}}}]},
        "sources": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "source key → citation, for the figures the changes introduce"},
        "changes": {"type": "array", "items": {"oneOf": [_change(k) for k in CHANGE_KINDS]}},
        "engine": {"type": "object", "properties": engine, "additionalProperties": False},
        "uncertain": {"type": "object", "description": "name → a distribution (`dist:` and its parameters) with "
                      "optional nominal, description, source, status, unit; used by sweeps",
                      "additionalProperties": {"type": "object"}},
        "baseline": {"description": "reserved"},
    }
    assert set(props) == set(_TOP), set(props) ^ set(_TOP)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "corridor scenario",
            "type": "object", "required": ["name"], "properties": props, "additionalProperties": False}
