"""Scenario files: what a scenario changes, how it is run, and what is uncertain.

A scenario is a YAML file::

    name: northern-route-closed
    description: No transit through Russia or Belarus.
    base: {dataset: eurasia, year: 2021}
    sources: {KEY: "what the key refers to"}      # optional notes on the figures used
    changes:
      - close_transit: [RU, BY]
      - scale_capacity: {select: {mode: rail-ferry}, factor: $ferry_factor}
        when: $storm                               # applied only when the parameter is true (non-zero)
        note: why, with the source key
    engine: {method: lp, value_of_time: 0.062}
    uncertain:
      ferry_factor: {dist: triangular, low: 0.4, mode: 0.6, high: 0.8, source: KEY, status: estimate}
      storm: {dist: bernoulli, p: 0.5}

``base`` may also be just the dataset (``base: ./my-net/``). Numbers in ``changes`` may be ``$name``
of an uncertain parameter; ``uncertain`` entries use the distribution vocabulary of
:mod:`corridor.model.distributions` (the same as hub configs) plus ``nominal``, ``description``,
``source``, ``status`` and ``unit``. :func:`load_scenario` reads a file, or a built-in scenario by
name (``northern-route-closed``), with the one YAML loader (:mod:`corridor.io.yaml`) and checks the
file's structure (unknown keys, change kinds, fields, distributions, engine options, the base
dataset) with ``file:line`` in every message; :func:`corridor.scenarios.apply_changes` checks ids,
countries and modes against the network.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from corridor.exceptions import InputError, Problem
from corridor.io.yaml import load_yaml, loads_yaml
from corridor.model.distributions import Distribution, parse_distribution
from corridor.validation import Bounds, Problems, check_number, describe, did_you_mean, unknown, where

__all__ = [
    "CHANGE_KINDS", "ENGINE_CHOICES", "ENGINE_OPTIONS", "Change", "ScenarioSpec", "Uncertain", "load_scenario",
    "parse_scenario", "scenario_file", "scenario_from_text",
]

_LIST = "list"  # the value is an id or a list of ids
#: Change kind → its fields (``select`` is a selector mapping; ``_LIST`` takes a bare value).
CHANGE_KINDS: dict[str, tuple[str, ...]] = {
    "close_link": (_LIST,),
    "close_node": (_LIST,),
    "close_transfer": (_LIST,),
    "close_country": (_LIST,),
    "close_transit": (_LIST,),
    "scale_capacity": ("select", "factor"),
    "set_capacity": ("select", "mtpa", "teu", "wagons"),
    "change_tariff": ("select", "factor", "add_usd_per_t", "add_usd_per_teu"),
    "change_time": ("select", "factor", "add_h"),
    "change_risk": ("country", "score"),
    "grow_demand": ("select", "factor"),
    "move_demand": ("select", "origin", "destination"),
    "add_node": ("record",),
    "add_link": ("record",),
    "add_transfer": ("record",),
    "change_fleet": ("ids", "add_vessels", "vessels", "round_trip_h", "share", "share_factor"),
    "set_departures": ("line", "per_year"),
    "set_risk": ("countries", "commodities", "markets", "premium_usd_per_t", "p_delay", "delay_h", "p_seizure",
                 "seizure_usd_per_t"),
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "scale_capacity": ("factor",),
    "grow_demand": ("factor",),
    "change_risk": ("country", "score"),
    "change_fleet": ("ids",),
    "set_departures": ("line", "per_year"),
    "set_risk": ("countries",),
}
_ONE_OF: dict[str, tuple[str, ...]] = {
    "set_capacity": ("mtpa", "teu", "wagons"),
    "change_tariff": ("factor", "add_usd_per_t", "add_usd_per_teu"),
    "change_time": ("factor", "add_h"),
    "move_demand": ("origin", "destination"),
    "change_fleet": ("add_vessels", "vessels", "round_trip_h", "share", "share_factor"),
}
NETWORK_SELECT = ("id", "mode", "country", "corridor", "kind", "node", "records")
TARIFF_SELECT = ("commodity", "class")
DEMAND_SELECT = ("id", "commodity", "group", "origin", "destination")

#: Engine option → (default, kind).
ENGINE_OPTIONS: dict[str, tuple[Any, str]] = {
    "method": ("lp", "str"),
    "value_of_time": (None, "number"),
    "carbon_price": (0.0, "number"),
    "risk_price": (0.0, "number"),
    "unserved_penalty_usd_per_t": (10_000.0, "number"),
    "gap": (1e-4, "number"),
    "max_iter": (500, "number"),
    "hub_delay": ("none", "str"),
    "slices": (None, "str"),
}
#: Engine options that take one of a few words.
ENGINE_CHOICES: dict[str, tuple[str, ...]] = {"method": ("lp", "equilibrium", "sue"),
                                              "hub_delay": ("none", "simulated")}
_ENGINE_BOUNDS: dict[str, Bounds] = {
    "max_iter": {"low": 1, "high": 100_000, "integer": True, "reason": "equilibrium converges in hundreds"},
}
_TOP = ("name", "description", "base", "sources", "changes", "engine", "uncertain", "baseline")
_DOC_KEYS = ("nominal", "description", "source", "status", "unit")
_NUMBERS: dict[str, Bounds] = {"factor": {"low": 0}, "mtpa": {"low": 0}, "teu": {"low": 0}, "wagons": {"low": 0},
                               "score": {"low": 0}, "add_usd_per_t": {}, "add_usd_per_teu": {}, "add_h": {},
                               "add_vessels": {}, "vessels": {"low": 0}, "round_trip_h": {"low": 0, "low_open": True},
                               "share": {"low": 0, "high": 1}, "share_factor": {"low": 0}, "per_year": {"low": 0},
                               "premium_usd_per_t": {"low": 0}, "delay_h": {"low": 0},
                               "seizure_usd_per_t": {"low": 0}, "p_delay": {"low": 0, "high": 1},
                               "p_seizure": {"low": 0, "high": 1}}


@dataclass(frozen=True)
class Uncertain:
    """One uncertain parameter: a :class:`~corridor.model.distributions.Distribution` and what documents it.

    Parameters
    ----------
    name
        How changes refer to it (``$name``).
    distribution
        What it is drawn from.
    nominal
        The value of a single (non-sweep) run: given, else the distribution's nominal value
        (midpoint, mode, clipped mean, median, most likely value; 1 for a Bernoulli with p ≥ 0.5).
    description, source, status, unit
        Documentation carried into reports.
    where
        ``file:line`` of the entry.

    Examples
    --------
    >>> u = load_scenario("caspian-storm-season").uncertain["open_share"]
    >>> u.distribution.family, dict(u.distribution.args), u.nominal, u.status
    ('triangular', {'low': 0.35, 'mode': 0.5, 'high': 0.65}, 0.5, 'assumption')
    """

    name: str
    distribution: Distribution
    nominal: float
    description: str = ""
    source: str = ""
    status: str = ""
    unit: str = ""
    where: str = field(default="", compare=False)

    @property
    def dist(self) -> str:
        """The family name (``triangular`` ...)."""
        return self.distribution.family

    @property
    def params(self) -> dict[str, Any]:
        """The distribution's parameters as written."""
        return self.distribution.params

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value."""
        return self.distribution.draw(rng)

    def to_dict(self) -> dict[str, Any]:
        """Plain values: name, the distribution (``dist`` and its parameters), nominal value and documentation."""
        return {"name": self.name, **self.distribution.to_dict(), "nominal": self.nominal,
                "description": self.description, "source": self.source, "status": self.status, "unit": self.unit}


@dataclass(frozen=True)
class Change:
    """One change of a scenario.

    Parameters
    ----------
    kind
        One of :data:`CHANGE_KINDS`.
    args
        Its fields; numbers may still be ``"$name"`` references to uncertain parameters.
    when
        ``"$name"``: apply only when that parameter is non-zero; ``None``: always.
    note
        Free text (why, with sources).
    where
        ``file:line`` of the change.

    Examples
    --------
    >>> change = load_scenario("caspian-storm-season").changes[0]
    >>> change.kind, change.args
    ('scale_capacity', {'select': {'id': ['aktau-port', 'kuryk-port']}, 'factor': '$open_share'})
    """

    kind: str
    args: Mapping[str, Any]
    when: str | None = None
    note: str = ""
    where: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (for JSON and hashing)."""
        out: dict[str, Any] = {"kind": self.kind, **_plain(self.args)}
        if self.when is not None:
            out["when"] = self.when
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class ScenarioSpec:
    """A parsed scenario file.

    Attributes
    ----------
    name, description
        As written.
    dataset, year
        The base: a built-in dataset name (``eurasia``) or a path to a network, and the year.
    changes
        In the order written (later changes see earlier ones).
    engine
        Engine options, defaults filled in (see :data:`ENGINE_OPTIONS`).
    uncertain
        Name → :class:`Uncertain`.
    sources
        Notes on the source keys used in the file.
    path
        The file, if read from one.
    base_where
        ``file:line`` of the base dataset (for messages about it; not part of the scenario).

    Examples
    --------
    >>> spec = load_scenario("northern-route-closed")
    >>> spec.dataset, spec.year, len(spec.changes)
    ('eurasia', 2021, 2)
    >>> baseline = spec.without_changes()
    >>> baseline.name, baseline.changes, baseline.engine == spec.engine
    ('eurasia-2021', (), True)
    """

    name: str
    description: str = ""
    dataset: str = "eurasia"
    year: int | None = None
    changes: tuple[Change, ...] = ()
    engine: Mapping[str, Any] = field(default_factory=dict)
    uncertain: Mapping[str, Uncertain] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    path: str = ""
    base_where: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return {
            "name": self.name,
            "description": self.description,
            "base": {"dataset": self.dataset, "year": self.year},
            "changes": [c.to_dict() for c in self.changes],
            "engine": dict(self.engine),
            "uncertain": {k: u.to_dict() for k, u in self.uncertain.items()},
            "sources": dict(self.sources),
            "path": self.path,
        }

    def content_hash(self, params: Mapping[str, float] | None = None, *, extra: str = "") -> str:
        """SHA-256 of what decides the result: base, changes, engine and the parameter values.

        ``name``, ``description``, notes and sources do not count, so renaming a file reuses its runs.
        """
        from corridor._version import __version__

        payload = {
            "base": {"dataset": self.dataset, "year": self.year},
            "changes": [{k: v for k, v in c.to_dict().items() if k != "note"} for c in self.changes],
            "engine": dict(self.engine),
            "params": dict(sorted((params or self.nominal()).items())),
            "version": __version__,
            "extra": extra,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    def nominal(self) -> dict[str, float]:
        """The uncertain parameters at their nominal values."""
        return {k: u.nominal for k, u in self.uncertain.items()}

    def without_changes(self, name: str = "") -> ScenarioSpec:
        """The same base and engine with no changes: the natural baseline."""
        return ScenarioSpec(
            name or f"{self.dataset}-{self.year or 'base'}",
            "baseline (no changes)",
            self.dataset,
            self.year,
            (),
            dict(self.engine),
            {},
            {},
            self.path,  # a relative base dataset is found next to the scenario file
            self.base_where,
        )


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _is_ref(v: Any) -> bool:
    return isinstance(v, str) and v.startswith("$")


def _text(node: Mapping[str, Any], key: str, field_: str, problems: Problems, default: str | None = None) -> str:
    """A free-text entry (description, note, source ...): text or a number, never a list or mapping."""
    value = node.get(key)
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    problems.at(node, key, field_, f"must be text, not {describe(value)}", default=default)
    return ""


def _check_refs(value: Any, declared: set[str], where_: str, field_: str, problems: Problems) -> None:
    if _is_ref(value):
        if value[1:] not in declared:
            hint = did_you_mean(value[1:], declared, list_known=False) if declared else ""
            problems.add(field_, f"refers to {value!r}, which is not under 'uncertain'{hint}", where=where_)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _check_refs(v, declared, where_, f"{field_}.{k}", problems)
    elif isinstance(value, list):
        for v in value:
            _check_refs(v, declared, where_, field_, problems)


# -- changes ---------------------------------------------------------------------------------------


def _change_kind(item: Any, where_: str, problems: Problems) -> str | None:
    if not isinstance(item, Mapping):
        problems.add("changes", "each change must be a mapping like '- close_link: [id]'", where=where_)
        return None
    kinds = [k for k in item if k not in ("when", "note")]
    if len(kinds) != 1:
        problems.add("changes", f"a change has exactly one kind, found {', '.join(map(str, kinds)) or 'none'}",
                     where=where_)
        return None
    kind = str(kinds[0])
    if kind not in CHANGE_KINDS:
        problems.at(item, kind, kind, unknown("change", kind, CHANGE_KINDS), default=where_)
        return None
    return kind


def _ids_args(kind: str, value: Any, loc: str, problems: Problems) -> dict[str, Any] | None:
    ids = [value] if isinstance(value, str | int) else value
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str | int) and not isinstance(i, bool)
                                                       for i in ids):
        problems.add(kind, "must be an id or a non-empty list of ids", where=loc)
        return None
    return {"ids": [str(i) for i in ids]}


def _record_args(kind: str, value: Any, loc: str, problems: Problems) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        problems.add(kind, "must be a mapping of the record's fields (as in the CSV tables)", where=loc)
        return None
    return {"record": _plain(value)}


def _check_select(kind: str, sel: Any, loc: str, problems: Problems) -> None:
    allowed: tuple[str, ...] = DEMAND_SELECT if kind in ("grow_demand", "move_demand") else NETWORK_SELECT
    if kind == "change_tariff":
        allowed = (*NETWORK_SELECT, *TARIFF_SELECT)
    if not isinstance(sel, Mapping) or not sel:
        problems.add(f"{kind}.select", f"must be a mapping of {', '.join(allowed)}", where=loc)
        return
    problems.check_keys(sel, allowed, field=f"{kind}.select", what="selector", default=loc)


def _field_args(kind: str, value: Any, loc: str, problems: Problems) -> dict[str, Any] | None:
    fields = CHANGE_KINDS[kind]
    if not isinstance(value, Mapping):
        problems.add(kind, f"must be a mapping with {', '.join(fields)}", where=loc)
        return None
    problems.check_keys(value, fields, field=kind, default=loc)
    args = {str(k): _plain(v) for k, v in value.items() if k in fields}
    for k in _REQUIRED.get(kind, ()):
        if k not in args:
            problems.add(f"{kind}.{k}", "is required", where=loc)
    one = _ONE_OF.get(kind)
    if one and not args.keys() & set(one):
        problems.add(kind, f"needs one of {', '.join(one)}", where=loc)
    if value.get("select") is not None:
        _check_select(kind, value["select"], where(value, "select", loc), problems)
    for key, bounds in _NUMBERS.items():
        if key in args and not _is_ref(args[key]) and (message := check_number(args[key], **bounds)):
            problems.at(value, key, f"{kind}.{key}", message, default=loc)
    return args


def _read_when(item: Mapping[str, Any], where_: str, declared: set[str], problems: Problems) -> str | None:
    when = item.get("when")
    if when is None:
        return None
    loc = where(item, "when", where_)
    if not _is_ref(when):
        problems.add("when", f"must be '$name' of an uncertain parameter, got {when!r}", where=loc)
        return None
    _check_refs(when, declared, loc, "when", problems)
    return str(when)


def _parse_change(item: Any, where_: str, declared: set[str], problems: Problems) -> Change | None:
    kind = _change_kind(item, where_, problems)
    if kind is None:
        return None
    loc = where(item, kind, where_)
    shape = CHANGE_KINDS[kind]
    read = _ids_args if shape == (_LIST,) else _record_args if shape == ("record",) else _field_args
    args = read(kind, item[kind], loc, problems)
    if args is None:
        return None
    when = _read_when(item, where_, declared, problems)
    _check_refs(args, declared, loc, kind, problems)
    return Change(kind, args, when, _text(item, "note", "note", problems, where_), loc)


def _read_changes(doc: Mapping[str, Any], declared: set[str], problems: Problems) -> tuple[Change, ...]:
    raw = doc.get("changes")
    if raw is None:
        return ()
    loc = problems.where(doc, "changes")
    if not isinstance(raw, list):
        problems.add("changes", "must be a list of changes", where=loc)
        return ()
    changes = (_parse_change(item, where(raw, i, loc), declared, problems) for i, item in enumerate(raw))
    return tuple(ch for ch in changes if ch is not None)


# -- the other sections ----------------------------------------------------------------------------


def _read_uncertain_entry(name: str, entry: Any, problems: Problems, loc: str) -> Uncertain | None:
    field_ = f"uncertain.{name}"
    dist = parse_distribution(entry, field=field_, problems=problems, where=loc, extra=_DOC_KEYS)
    if dist is None:
        return None
    nominal = entry.get("nominal", dist.nominal)
    message = check_number(nominal)
    if message:
        problems.at(entry, "nominal", f"{field_}.nominal", message, default=loc)
        return None
    docs = {k: _text(entry, k, f"{field_}.{k}", problems, loc) for k in ("description", "source", "status", "unit")}
    return Uncertain(name, dist, float(nominal), where=loc, **docs)


def _read_uncertain(doc: Mapping[str, Any], problems: Problems) -> tuple[dict[str, Uncertain], set[str]]:
    """The parameters that parse, and the names of all declared (so that a bad one is reported once)."""
    section = doc.get("uncertain")
    if section is None:
        return {}, set()
    loc = problems.where(doc, "uncertain")
    if not isinstance(section, Mapping):
        problems.add("uncertain", "must be a mapping of name: {dist: ..., ...}", where=loc)
        return {}, set()
    out: dict[str, Uncertain] = {}
    for name, entry in section.items():
        u = _read_uncertain_entry(str(name), entry, problems, where(section, name, loc))
        if u is not None:
            out[str(name)] = u
    return out, {str(k) for k in section}


def _read_engine(doc: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    out = {k: d for k, (d, _) in ENGINE_OPTIONS.items()}
    section = doc.get("engine")
    if section is None:
        return out
    loc = problems.where(doc, "engine")
    if not isinstance(section, Mapping):
        problems.add("engine", "must be a mapping", where=loc)
        return out
    problems.check_keys(section, ENGINE_OPTIONS, field="engine", what="option", default=loc)
    for k, v in section.items():
        if k not in ENGINE_OPTIONS:
            continue
        bounds: Bounds = _ENGINE_BOUNDS.get(k, {"low": 0})
        message = check_number(v, **bounds) if ENGINE_OPTIONS[k][1] == "number" else None
        if message:
            problems.at(section, k, f"engine.{k}", message, default=loc)
            continue
        out[str(k)] = v
    _check_slices(out, section, loc, problems)
    if out.get("method") == "sue" and out.get("value_of_time") is not None:
        problems.at(section, "value_of_time", "engine.value_of_time", "the stochastic equilibrium (method: sue) "
                    "takes its values of time from the shippers' segments (the dataset's choice.csv); "
                    "drop engine.value_of_time", default=loc)
    for key, allowed in ENGINE_CHOICES.items():
        if out[key] not in allowed:
            problems.at(section, key, f"engine.{key}", f"must be {' or '.join(map(repr, allowed))}, got {out[key]!r}",
                        default=loc)
    return out


def _check_slices(out: dict[str, Any], section: Mapping[str, Any], loc: str, problems: Problems) -> None:
    """``engine.slices``: a slice set name or a ``slices.csv`` path, LP only; dropped when not given."""
    value = out.pop("slices", None)
    if value is None:
        return
    if not isinstance(value, str) or not value.strip():
        problems.at(section, "slices", "engine.slices", f"must be a slice set name (monthly) or a slices.csv path, "
                    f"got {value!r}", default=loc)
    elif out.get("method") in ("equilibrium", "sue"):
        problems.at(section, "slices", "engine.slices", "time slices are solved with the LP only (method: lp)",
                    default=loc)
    else:
        out["slices"] = value


def _check_dataset(dataset: str, file: str, loc: str, problems: Problems) -> None:
    """A built-in dataset, or a file or folder next to the scenario file or in the working directory."""
    from corridor import data

    known = data.available()
    if dataset in known or (Path(file).parent / dataset).exists() or Path(dataset).exists():
        return
    problems.add("base.dataset", f"{dataset!r} is neither a built-in dataset ({', '.join(known)}) nor a network "
                 f"file or folder{did_you_mean(dataset, known, list_known=False)}", where=loc)


def _read_base(doc: Mapping[str, Any], problems: Problems) -> tuple[str, int | None, str]:
    """``(dataset, year, file:line of the dataset)``; a bare string is the dataset."""
    base = doc.get("base")
    loc = problems.where(doc, "base")
    if isinstance(base, str):
        base = {"dataset": base}
    if base is None:
        return "eurasia", None, loc
    if not isinstance(base, Mapping):
        problems.add("base", f"must be a dataset (a built-in name or a path) or a mapping {{dataset: ..., year: ...}}, "
                     f"not {base!r}", where=loc)
        return "eurasia", None, loc
    problems.check_keys(base, ("dataset", "year"), field="base", what="key", default=loc)
    dataset, year, ds_loc = base.get("dataset", "eurasia"), base.get("year"), where(base, "dataset", loc)
    if not isinstance(dataset, str) or not dataset.strip():
        problems.add("base.dataset", f"must be a built-in dataset name or a path, not {dataset!r}", where=ds_loc)
        dataset = "eurasia"
    else:
        _check_dataset(dataset, problems.file, ds_loc, problems)
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100):
        problems.at(base, "year", "base.year", f"must be a year, got {year!r}", default=loc)
        year = None
    return dataset, year, ds_loc


def _read_name(doc: Mapping[str, Any], problems: Problems) -> str:
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.add("name", "is required (a short name)", where=problems.where(doc, "name" if "name" in doc else None))
        return Path(problems.file).stem
    return name


def _read_sources(doc: Mapping[str, Any], problems: Problems) -> dict[str, str]:
    sources = doc.get("sources")
    if sources is None:
        return {}
    if not isinstance(sources, Mapping):
        problems.add("sources", "must be a mapping of KEY: description", where=problems.where(doc, "sources"))
        return {}
    return {str(k): _text(sources, k, f"sources.{k}", problems) for k in sources}


def parse_scenario(doc: Any, file: str = "<scenario>") -> ScenarioSpec:
    r"""Build a :class:`ScenarioSpec` from parsed YAML, collecting every problem before raising.

    Raises
    ------
    InputError
        One problem per bad key, change, option, distribution or base, each with ``file:line``.

    Examples
    --------
    >>> from corridor.io import loads_yaml
    >>> doc = loads_yaml("name: slower-ports\nchanges:\n  - scale_capacity: {select: {id: aktau-port}, factor: 0.5}\n",
    ...                  "slower-ports.yaml")
    >>> spec = parse_scenario(doc, "slower-ports.yaml")
    >>> spec.name, spec.changes[0].kind, spec.changes[0].where
    ('slower-ports', 'scale_capacity', 'slower-ports.yaml:3')
    """
    if not isinstance(doc, Mapping):
        raise InputError(Problem(file, "", "a scenario file must be a YAML mapping (name:, changes:, ...)"))
    problems = Problems(file)
    problems.check_keys(doc, _TOP, what="key")
    name = _read_name(doc, problems)
    dataset, year, base_where = _read_base(doc, problems)
    uncertain, declared = _read_uncertain(doc, problems)
    changes = _read_changes(doc, declared, problems)
    engine = _read_engine(doc, problems)
    sources = _read_sources(doc, problems)
    description = _text(doc, "description", "description", problems)
    problems.raise_if_any()
    return ScenarioSpec(name, description, dataset, year, changes, engine, uncertain, sources, file, base_where)


def scenario_file(source: str | Path) -> Path:
    """The file of a scenario: ``source`` if it exists, else the built-in scenario of that name.

    Raises
    ------
    InputError
        Neither a file nor a built-in scenario (the message lists the built-in ones).

    Examples
    --------
    >>> scenario_file("northern-route-closed").name
    'northern-route-closed.yaml'
    >>> try:
    ...     scenario_file("no-such-scenario")
    ... except InputError as e:
    ...     print("northern-route-closed" in e.problems[0].message)
    True
    """
    from corridor import data

    path = Path(source)
    if path.exists():
        return path
    known = data.scenarios()
    name = path.name.removesuffix(".yaml")
    if path.parent == Path() and name in known:
        return data.scenario_path(name)
    raise InputError(Problem(str(source), "", f"file not found, and no built-in scenario has that name"
                             f"{did_you_mean(name, known, list_known=False)} (built-in: {', '.join(known)})"))


def load_scenario(path: Path | str) -> ScenarioSpec:
    """Read and check a scenario file, or a built-in scenario by name (``"northern-route-closed"``).

    Raises
    ------
    InputError
        The file is missing, not YAML, or breaks a rule (see :func:`parse_scenario`).

    Examples
    --------
    >>> spec = load_scenario("caspian-storm-season")
    >>> spec.name, [c.kind for c in spec.changes], sorted(spec.uncertain)
    ('caspian-storm-season', ['scale_capacity', 'change_fleet'], ['open_share'])
    """
    path = scenario_file(path)
    return parse_scenario(load_yaml(path), str(path))


def scenario_from_text(text: str, file: str = "<string>") -> ScenarioSpec:
    r"""Parse a scenario from YAML text (for tests and the API).

    Examples
    --------
    >>> spec = scenario_from_text('''
    ... name: no-northern-transit
    ... base: {dataset: eurasia, year: 2021}
    ... changes:
    ...   - close_transit: [RU, BY]
    ... engine: {method: lp}
    ... ''')
    >>> spec.name, spec.dataset, spec.year, spec.engine["method"]
    ('no-northern-transit', 'eurasia', 2021, 'lp')
    >>> [(c.kind, c.args) for c in spec.changes]
    [('close_transit', {'ids': ['RU', 'BY']})]

    A bad change is refused with its line:

    >>> try:
    ...     scenario_from_text("name: x\nchanges:\n  - close_everything: true\n", "x.yaml")
    ... except InputError as e:
    ...     print(e.problems[0].where)
    x.yaml:3
    """
    return parse_scenario(loads_yaml(text, file), file)
