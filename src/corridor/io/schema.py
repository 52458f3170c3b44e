"""The table schema shared by the CSV and GeoJSON formats, and conversion of rows to records.

Every table is a list of columns. A figure that carries provenance has two companion columns,
``<figure>_source`` (source keys, joined by ``+``) and ``<figure>_status`` (a
:class:`~corridor.model.Status`). Node coordinates share one pair, ``coords_source`` and
``coords_status``. Sets (modes, commodities, aliases) are written ``a;b;c`` in CSV and as lists
in GeoJSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from corridor.exceptions import Problem
from corridor.model import (
    Commodity,
    DemandRow,
    Facility,
    FleetGroup,
    Link,
    Node,
    Provenance,
    Source,
    Status,
    Transfer,
)
from corridor.model.choice import Parameter
from corridor.model.facility import FACILITY_FIGURES
from corridor.model.fleet import FLEET_FIGURES
from corridor.model.targets import Target
from corridor.model.tariffs import Tariff

Catalogue = tuple[Sequence[Commodity], Mapping[str, Source]]
"""Commodities and the sources they cite: what a network without its own commodity table gets."""

__all__ = ["TABLES", "Column", "record_to_row", "row_to_record"]


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``kind`` is ``str``, ``float`` (required number), ``ofloat`` (number or empty), ``int``,
    ``oint`` (whole number or empty), ``bool``, ``set`` or ``list``.

    Examples
    --------
    >>> TABLES["nodes"].column("lon")
    Column(name='lon', kind='float', required=True, doc='degrees')
    """

    name: str
    kind: str = "str"
    required: bool = False
    doc: str = ""


def _cols(*specs: tuple[str, str, bool, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in specs)


_FIG_LINK = ("distance_km", "speed_kmh", "time_h", "cost_usd_per_t", "cost_usd_per_teu",
             "capacity_mtpa", "capacity_teu", "capacity_wagons")
_FIG_TRANSFER = ("time_h", "time_sd_h", "cost_usd_per_t", "cost_usd_per_teu", "capacity_mtpa",
                 "capacity_teu", "capacity_wagons")


_VALIDITY = (("valid_from", "oint", False, "first year the record exists (empty: always)"),
             ("valid_to", "oint", False, "last year the record exists (empty: still)"))


def _sourced(names: tuple[str, ...]) -> tuple[Column, ...]:
    out: list[Column] = []
    for n in names:
        out += [Column(f"{n}_source"), Column(f"{n}_status")]
    return tuple(out)


@dataclass(frozen=True)
class Table:
    """A table: its columns, which figures carry provenance, and the record class.

    Examples
    --------
    >>> nodes = TABLES["nodes"]
    >>> nodes.required
    ('id', 'name', 'kind', 'lon', 'lat')
    """

    name: str
    columns: tuple[Column, ...]
    figures: tuple[str, ...]
    record: type

    @property
    def names(self) -> tuple[str, ...]:
        """All column names, figures' companions included."""
        return tuple(c.name for c in self.columns) + tuple(
            c.name for c in _sourced(self.figures)
        )

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the columns that must be present and non-empty."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The column called ``name`` (companion columns are plain strings)."""
        for c in self.columns:
            if c.name == name:
                return c
        return Column(name)


TABLES: dict[str, Table] = {
    "sources": Table("sources", _cols(
        ("key", "str", True, "short key that figures cite"),
        ("title", "str", True, "title, or the method for a derivation"),
        ("publisher", "str", False, ""), ("year", "str", False, ""), ("url", "str", False, ""),
        ("kind", "str", False, "publication, method or assumption"), ("note", "str", False, ""),
    ), (), Source),
    "commodities": Table("commodities", _cols(
        ("id", "str", True, ""), ("name", "str", True, ""), ("unit", "str", False, "t or TEU"),
        ("t_per_teu", "ofloat", False, "tonnes per TEU"), ("t_per_wagon", "ofloat", False, "tonnes per wagon"),
        ("modes", "set", False, "modes allowed"), ("note", "str", False, ""),
    ), ("t_per_teu", "t_per_wagon"), Commodity),
    "nodes": Table("nodes", _cols(
        ("id", "str", True, ""), ("name", "str", True, ""), ("country", "str", False, "ISO alpha-2"),
        ("kind", "str", True, ""), ("lon", "float", True, "degrees"), ("lat", "float", True, "degrees"),
        ("locode", "str", False, ""), ("aliases", "set", False, ""), ("thru", "bool", False, ""),
        ("note", "str", False, ""), *_VALIDITY,
    ), ("coords",), Node),
    "links": Table("links", _cols(
        ("id", "str", True, ""), ("a", "str", True, "node id"), ("b", "str", True, "node id"),
        ("mode", "str", True, ""), ("corridor", "str", False, ""), ("country", "str", False, ""),
        ("name", "str", False, ""), ("oneway", "bool", False, ""),
        ("commodities", "set", False, "admitted commodity ids"),
        ("distance_km", "float", True, "km"), ("speed_kmh", "ofloat", False, "km/h"),
        ("time_h", "ofloat", False, "h"), ("cost_usd_per_t", "ofloat", False, "USD/t"),
        ("cost_usd_per_teu", "ofloat", False, "USD/TEU"), ("capacity_mtpa", "ofloat", False, "Mt/yr"),
        ("capacity_teu", "ofloat", False, "TEU/yr"), ("capacity_wagons", "ofloat", False, "wagons/yr"),
        ("vdf_alpha", "ofloat", False, ""),
        ("vdf_beta", "ofloat", False, ""), ("vdf_capacity", "ofloat", False, ""),
        ("toll", "ofloat", False, ""), ("link_type", "str", False, ""), ("note", "str", False, ""),
        ("facility", "set", False, "ids of the facilities whose shared capacity the link counts against"),
        ("departures_per_year", "ofloat", False, "scheduled departures each way per year (overrides the fleets')"),
        *_VALIDITY,
    ), (*_FIG_LINK, "departures_per_year"), Link),
    "transfers": Table("transfers", _cols(
        ("id", "str", True, ""), ("node", "str", True, "node id"), ("kind", "str", True, ""),
        ("from_modes", "set", False, ""), ("to_modes", "set", False, ""), ("name", "str", False, ""),
        ("commodities", "set", False, ""), ("time_h", "ofloat", False, "h"),
        ("time_sd_h", "ofloat", False, "h"), ("cost_usd_per_t", "ofloat", False, "USD/t"),
        ("cost_usd_per_teu", "ofloat", False, "USD/TEU"), ("capacity_mtpa", "ofloat", False, "Mt/yr"),
        ("capacity_teu", "ofloat", False, "TEU/yr"), ("capacity_wagons", "ofloat", False, "wagons/yr"),
        ("note", "str", False, ""),
        ("facility", "set", False, "ids of the facilities whose shared capacity the transfer counts against"),
        *_VALIDITY,
    ), _FIG_TRANSFER, Transfer),
    "facilities": Table("facilities", _cols(
        ("id", "str", True, ""), ("node", "str", True, "node id"), ("name", "str", False, ""),
        ("capacity_mtpa", "ofloat", False, "Mt/yr, all members together"),
        ("capacity_teu", "ofloat", False, "TEU/yr"), ("capacity_wagons", "ofloat", False, "wagons/yr"),
        ("per_direction", "bool", False, "the capacity holds each way separately (member links only)"),
        ("note", "str", False, ""), *_VALIDITY,
    ), FACILITY_FIGURES, Facility),
    "fleets": Table("fleets", _cols(
        ("id", "str", True, "vessel group id"), ("fleet", "str", True, "fleet id (groups share its capacity)"),
        ("lines", "set", True, "link ids sailed"), ("name", "str", False, ""), ("operator", "str", False, ""),
        ("vessels", "float", True, "number of vessels"), ("railcars", "ofloat", False, "railcars per sailing"),
        ("teu", "ofloat", False, "TEU per sailing"), ("trucks", "ofloat", False, "trucks per sailing"),
        ("round_trip_h", "ofloat", False, "h per round trip"),
        ("voyages_per_year", "ofloat", False, "round trips per vessel and year"),
        ("share", "ofloat", False, "operating share (default 1)"), ("note", "str", False, ""), *_VALIDITY,
    ), FLEET_FIGURES, FleetGroup),
    "targets": Table("targets", _cols(
        ("id", "str", True, ""), ("measure", "str", True, "a physical measure, or facility:<id>:<unit>"),
        ("observed", "float", True, "the published figure"), ("unit", "str", True, "t or TEU (per year)"),
        ("year", "int", True, ""), ("source", "str", True, "source keys joined by +"),
        ("status", "str", True, "status of the published figure"), ("note", "str", False, ""),
        ("fit", "bool", False, "whether calibration fits it (default true; false: compared only)"),
    ), (), Target),
    "choice": Table("choice", _cols(
        ("name", "str", True, "theta, path_size, vot_median, vot_sigma, segments, reliability_ratio or "
                              "constant:<corridor>"),
        ("value", "float", True, ""), ("se", "ofloat", False, "standard error (calibrated parameters)"),
        ("unit", "str", False, ""), ("status", "str", True, "calibrated, assumption, estimate ..."),
        ("method", "str", False, "how the value was obtained"), ("source", "str", False, "source keys joined by +"),
        ("note", "str", False, ""),
    ), (), Parameter),
    "demand": Table("demand", _cols(
        ("id", "str", True, ""), ("origin", "str", True, "node id"),
        ("destination", "str", True, "node id"), ("commodity", "str", True, ""),
        ("year", "int", True, ""), ("tonnes", "float", True, "t/yr"), ("teu", "ofloat", False, "TEU/yr"),
        ("group", "str", False, ""), ("note", "str", False, ""),
    ), ("tonnes", "teu"), DemandRow),
    "tariffs": Table("tariffs", _cols(
        ("id", "str", True, ""), ("mode", "str", True, "link mode priced"),
        ("country", "str", False, "ISO alpha-2 of the links priced (empty: any)"),
        ("links", "str", False, "shell pattern over link ids (empty: any)"),
        ("commodity", "str", False, "commodity id (empty: any)"),
        ("tariff_class", "str", False, "export, import, transit or domestic (empty: any)"),
        ("basis", "str", True, "usd_per_ + t_km, t, teu_km, teu, wagon_km or wagon"),
        ("rate", "float", True, "USD per basis unit"),
        ("empty_return", "ofloat", False, "share of the loaded charge added for the empty return"),
        ("note", "str", False, ""),
    ), ("rate", "empty_return"), Tariff),
}

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


class _Bad(Exception):
    pass


def _is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _to_number(kind: str, raw: Any) -> float | int | None:
    if _is_empty(raw):
        if kind in ("ofloat", "oint"):
            return None
        raise _Bad("is empty; a number is required")
    if isinstance(raw, bool):
        raise _Bad(f"expected a number, got {raw!r}")
    try:
        value = int(str(raw).strip()) if kind in ("int", "oint") else float(raw)
    except (TypeError, ValueError):
        what = "a whole number" if kind in ("int", "oint") else "a number"
        raise _Bad(f"expected {what}, got {raw!r}") from None
    if math.isnan(value):
        raise _Bad("is NaN; a number is required")
    return value


def _to_bool(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = "" if raw is None else str(raw).strip().lower()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Bad(f"expected true or false, got {raw!r}")


def _to_items(kind: str, raw: Any) -> frozenset[str] | tuple[str, ...]:
    if raw is None:
        items: list[str] = []
    elif isinstance(raw, list | tuple):
        items = [str(x).strip() for x in raw]
    else:
        items = [x.strip() for x in str(raw).split(";")]
    items = [x for x in items if x]
    return frozenset(items) if kind == "set" else tuple(items)


def _convert(kind: str, raw: Any) -> Any:
    if kind == "str":
        return "" if raw is None else str(raw).strip()
    if kind in ("float", "ofloat", "int", "oint"):
        return _to_number(kind, raw)
    if kind == "bool":
        return _to_bool(raw)
    return _to_items(kind, raw)


def row_to_record(
    table: Table, row: Mapping[str, Any], where: str, problems: list[Problem]
) -> Any | None:
    """Convert one row (strings from CSV, or JSON values) to a model record.

    Problems are appended to ``problems`` with ``where`` as the location; returns ``None`` if the
    row cannot become a record.

    Examples
    --------
    >>> problems = []
    >>> row = {"id": "aktau", "name": "Aktau", "country": "KZ", "kind": "port", "lon": "51.2", "lat": "43.6"}
    >>> node = row_to_record(TABLES["nodes"], row, "nodes.csv:2", problems)
    >>> node.id, node.lon, problems
    ('aktau', 51.2, [])
    >>> row_to_record(TABLES["nodes"], {**row, "lon": "east"}, "nodes.csv:3", problems) is None
    True
    >>> problems[0].where, problems[0].field, problems[0].message
    ('nodes.csv:3', 'lon', "expected a number, got 'east'")
    """
    values: dict[str, Any] = {}
    ok = True
    for col in table.columns:
        raw = row.get(col.name)
        if col.required and (raw is None or (isinstance(raw, str) and not raw.strip())):
            problems.append(Problem(where, col.name, "is required but empty"))
            ok = False
            continue
        try:
            values[col.name] = _convert(col.kind, raw)
        except _Bad as e:
            problems.append(Problem(where, col.name, str(e)))
            ok = False
    provenance: dict[str, Provenance] = {}
    for fig in table.figures:
        src = _convert("str", row.get(f"{fig}_source"))
        status = _convert("str", row.get(f"{fig}_status"))
        if not src and not status:
            continue
        if not src:
            problems.append(Problem(where, f"{fig}_source", "is empty but a status is given"))
            ok = False
            continue
        try:
            provenance[fig] = Provenance(src, Status(status))
        except ValueError:
            allowed = ", ".join(s.value for s in Status)
            problems.append(Problem(where, f"{fig}_status", f"unknown status {status!r}; expected one of {allowed}"))
            ok = False
    if not ok:
        return None
    return _build(table, values, provenance, where)


def _build(table: Table, v: dict[str, Any], prov: dict[str, Provenance], where: str) -> Any:
    if table.name == "sources":
        return Source(v["key"], v["title"], v["publisher"], v["year"], v["url"],
                      v["kind"] or "publication", v["note"])
    if table.name == "commodities":
        kw = {"modes": v["modes"]} if v["modes"] else {}
        return Commodity(v["id"], v["name"], v["unit"] or "t", v["t_per_teu"], note=v["note"],
                         t_per_wagon=v["t_per_wagon"],
                         provenance=prov, origin=where, **kw)
    if table.name == "nodes":
        thru = True if v["thru"] is None else v["thru"]
        return Node(v["id"], v["name"], v["country"].upper(), v["kind"], v["lon"], v["lat"],
                    v["locode"], tuple(sorted(v["aliases"])), thru, v["note"], prov, where,
                    valid_from=v["valid_from"], valid_to=v["valid_to"])
    if table.name == "links":
        return Link(
            v["id"], v["a"], v["b"], v["mode"], v["corridor"] or "other", v["country"].upper(),
            v["name"], v["distance_km"], v["speed_kmh"], v["time_h"], v["cost_usd_per_t"],
            v["cost_usd_per_teu"], v["capacity_mtpa"], v["capacity_teu"], v["commodities"],
            bool(v["oneway"]), v["vdf_alpha"], v["vdf_beta"], v["vdf_capacity"], v["toll"] or 0.0,
            v["link_type"], v["note"], prov, where, capacity_wagons=v["capacity_wagons"],
            valid_from=v["valid_from"], valid_to=v["valid_to"],
            facility=v["facility"], departures_per_year=v["departures_per_year"],
        )
    if table.name == "transfers":
        return Transfer(
            v["id"], v["node"], v["kind"], v["from_modes"], v["to_modes"], v["name"],
            v["time_h"] or 0.0, v["time_sd_h"], v["cost_usd_per_t"], v["cost_usd_per_teu"],
            v["capacity_mtpa"], v["capacity_teu"], v["commodities"], v["note"], prov, where,
            capacity_wagons=v["capacity_wagons"], facility=v["facility"],
            valid_from=v["valid_from"], valid_to=v["valid_to"],
        )
    return _build_rest(table.name, v, prov, where)


def _build_rest(name: str, v: dict[str, Any], prov: dict[str, Provenance], where: str) -> Any:
    if name == "demand":
        return DemandRow(v["id"], v["origin"], v["destination"], v["commodity"], v["year"],
                         v["tonnes"], v["teu"], v["group"], v["note"], prov, where)
    if name == "tariffs":
        return Tariff(v["id"], v["mode"], v["rate"], v["basis"], v["country"].upper(), v["links"], v["commodity"],
                      v["tariff_class"], v["empty_return"] or 0.0, v["note"], prov, where)
    if name == "choice":
        return Parameter(v["name"], v["value"], v["se"], v["unit"], v["status"], v["method"], v["source"], v["note"],
                         origin=where)
    if name == "targets":
        return Target(v["id"], v["measure"], v["observed"], v["unit"], v["year"], v["source"], v["status"],
                      v["note"], True if v["fit"] is None else v["fit"], origin=where)
    if name not in ("facilities", "fleets"):
        raise AssertionError(name)
    if name == "facilities":
        return Facility(v["id"], v["node"], v["name"], v["capacity_mtpa"], v["capacity_teu"], v["capacity_wagons"],
                        bool(v["per_direction"]), v["note"], prov, where,
                        valid_from=v["valid_from"], valid_to=v["valid_to"])
    share = 1.0 if v["share"] is None else v["share"]
    return FleetGroup(v["id"], v["fleet"], v["lines"], v["name"], v["operator"], v["vessels"], v["railcars"],
                      v["teu"], v["trucks"], v["round_trip_h"], v["voyages_per_year"], share, v["note"], prov, where,
                      valid_from=v["valid_from"], valid_to=v["valid_to"])


def _encode(kind: str, value: Any, *, text: bool) -> Any:
    if kind in ("set", "list"):
        items = sorted(value) if kind == "set" else list(value)
        return ";".join(items) if text else items
    if value is None:
        return "" if text else None
    if kind == "bool":
        return ("true" if value else "false") if text else bool(value)
    if kind in ("float", "ofloat"):
        return repr(float(value)) if text else float(value)
    return str(value) if text else value


def record_to_row(table: Table, record: Any, *, text: bool) -> dict[str, Any]:
    """Convert a record to a row: strings for CSV (``text=True``) or JSON values.

    Examples
    --------
    >>> row = {"id": "aktau", "name": "Aktau", "country": "KZ", "kind": "port", "lon": "51.2", "lat": "43.6"}
    >>> node = row_to_record(TABLES["nodes"], row, "nodes.csv:2", [])
    >>> out = record_to_row(TABLES["nodes"], node, text=True)
    >>> out["lon"], out["thru"]
    ('51.2', 'true')
    >>> record_to_row(TABLES["nodes"], node, text=False)["lon"]
    51.2
    """
    row: dict[str, Any] = {}
    for col in table.columns:
        value = getattr(record, col.name)
        if table.name == "commodities" and col.name == "modes":
            value = record.modes
        row[col.name] = _encode(col.kind, value, text=text)
    prov = getattr(record, "provenance", {})
    for fig in table.figures:
        p = prov.get(fig)
        row[f"{fig}_source"] = p.source if p else ("" if text else None)
        row[f"{fig}_status"] = p.status.value if p else ("" if text else None)
    return row
