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

Numbers in ``changes`` may be ``$name`` of an uncertain parameter. :func:`load_scenario` checks the
file's structure (unknown keys, change kinds, fields, distributions, engine options) with
``file:line`` in every message; :func:`corridor.scenarios.apply_changes` checks ids, countries and
modes against the network.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem
from corridor.scenarios.distributions import Uncertain, parse_uncertain
from corridor.scenarios.yamlio import Located, load_yaml, loads_yaml

__all__ = ["CHANGE_KINDS", "ENGINE_OPTIONS", "Change", "ScenarioSpec", "load_scenario", "parse_scenario"]

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
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "scale_capacity": ("factor",),
    "grow_demand": ("factor",),
    "change_risk": ("country", "score"),
}
_ONE_OF: dict[str, tuple[str, ...]] = {
    "set_capacity": ("mtpa", "teu", "wagons"),
    "change_tariff": ("factor", "add_usd_per_t", "add_usd_per_teu"),
    "change_time": ("factor", "add_h"),
    "move_demand": ("origin", "destination"),
}
NETWORK_SELECT = ("id", "mode", "country", "corridor", "kind", "node", "records")
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
}
_TOP = ("name", "description", "base", "sources", "changes", "engine", "uncertain", "baseline")


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
        Name → :class:`~corridor.scenarios.distributions.Uncertain`.
    sources
        Notes on the source keys used in the file.
    path
        The file, if read from one.
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
        )


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _where(node: Any, key: Any, fallback: str) -> str:
    return node.where(key) if isinstance(node, Located) else fallback


def _unknown(name: str, known: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(known)}"


def _is_ref(v: Any) -> bool:
    return isinstance(v, str) and v.startswith("$")


def _check_refs(value: Any, names: Mapping[str, Uncertain], where: str, field_: str, problems: list[Problem]) -> None:
    if _is_ref(value):
        if value[1:] not in names:
            problems.append(
                Problem(
                    where,
                    field_,
                    f"refers to {value!r}, which is not under 'uncertain'"
                    + (_unknown(value[1:], list(names)) if names else ""),
                )
            )
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _check_refs(v, names, where, f"{field_}.{k}", problems)
    elif isinstance(value, list):
        for v in value:
            _check_refs(v, names, where, field_, problems)


def _number_fields(kind: str, args: Mapping[str, Any], where: str, problems: list[Problem]) -> None:
    for key in ("factor", "mtpa", "teu", "wagons", "add_usd_per_t", "add_usd_per_teu", "add_h", "score"):
        if key not in args or _is_ref(args[key]):
            continue
        v = args[key]
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        if ok and key in ("factor", "mtpa", "teu", "wagons", "score") and v < 0:
            ok = False
        if not ok:
            problems.append(
                Problem(
                    where,
                    f"{kind}.{key}",
                    f"must be a finite number{' >= 0' if key in ('factor', 'mtpa', 'teu', 'score') else ''}, got {v!r}",
                )
            )


def _parse_change(  # noqa: PLR0911, PLR0912 - one rule per shape of change
    item: Any, where: str, names: Mapping[str, Uncertain], problems: list[Problem]
) -> Change | None:
    if not isinstance(item, Mapping):
        problems.append(Problem(where, "changes", "each change must be a mapping like '- close_link: [id]'"))
        return None
    kinds = [k for k in item if k not in ("when", "note")]
    if len(kinds) != 1:
        extra = ", ".join(map(str, kinds)) or "none"
        problems.append(Problem(where, "changes", f"a change has exactly one kind, found {extra}"))
        return None
    kind = str(kinds[0])
    if kind not in CHANGE_KINDS:
        problems.append(Problem(_where(item, kind, where), kind, "unknown change" + _unknown(kind, list(CHANGE_KINDS))))
        return None
    value = item[kind]
    fields = CHANGE_KINDS[kind]
    loc = _where(item, kind, where)
    if fields == (_LIST,):
        ids = [value] if isinstance(value, str | int) else value
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str | int) for i in ids):
            problems.append(Problem(loc, kind, "must be an id or a non-empty list of ids"))
            return None
        args: dict[str, Any] = {"ids": [str(i) for i in ids]}
    elif fields == ("record",):
        if not isinstance(value, Mapping):
            problems.append(Problem(loc, kind, "must be a mapping of the record's fields (as in the CSV tables)"))
            return None
        args = {"record": _plain(value)}
    else:
        if not isinstance(value, Mapping):
            problems.append(Problem(loc, kind, f"must be a mapping with {', '.join(fields)}"))
            return None
        args = {}
        for k, v in value.items():
            if k not in fields:
                problems.append(
                    Problem(_where(value, k, loc), f"{kind}.{k}", "unknown field" + _unknown(str(k), fields))
                )
            else:
                args[str(k)] = _plain(v)
        for k in _REQUIRED.get(kind, ()):
            if k not in args:
                problems.append(Problem(loc, f"{kind}.{k}", "is required"))
        one = _ONE_OF.get(kind)
        if one and not any(k in args for k in one):
            problems.append(Problem(loc, kind, f"needs one of {', '.join(one)}"))
        sel = args.get("select")
        if sel is not None:
            allowed = DEMAND_SELECT if kind in ("grow_demand", "move_demand") else NETWORK_SELECT
            if not isinstance(sel, Mapping) or not sel:
                problems.append(Problem(loc, f"{kind}.select", f"must be a mapping of {', '.join(allowed)}"))
            else:
                for k in sel:
                    if k not in allowed:
                        problems.append(
                            Problem(loc, f"{kind}.select.{k}", "unknown selector" + _unknown(str(k), allowed))
                        )
        _number_fields(kind, args, loc, problems)
    when = item.get("when")
    if when is not None and not _is_ref(when):
        problems.append(
            Problem(_where(item, "when", where), "when", f"must be '$name' of an uncertain parameter, got {when!r}")
        )
        when = None
    _check_refs(args, names, loc, kind, problems)
    if when is not None:
        _check_refs(when, names, _where(item, "when", where), "when", problems)
    return Change(kind, args, when, str(item.get("note", "") or ""), loc)


def _parse_engine(section: Any, where: Any, problems: list[Problem]) -> dict[str, Any]:
    out = {k: d for k, (d, _) in ENGINE_OPTIONS.items()}
    if section is None:
        return out
    if not isinstance(section, Mapping):
        problems.append(Problem(where(None), "engine", "must be a mapping"))
        return out
    for k, v in section.items():
        loc = _where(section, k, where("engine"))
        if k not in ENGINE_OPTIONS:
            problems.append(Problem(loc, f"engine.{k}", "unknown option" + _unknown(str(k), list(ENGINE_OPTIONS))))
            continue
        kind = ENGINE_OPTIONS[k][1]
        if kind == "number" and not (
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
        ):
            problems.append(Problem(loc, f"engine.{k}", f"must be a finite number >= 0, got {v!r}"))
            continue
        out[str(k)] = v
    if out["method"] not in ("lp", "equilibrium"):
        problems.append(
            Problem(where("engine"), "engine.method", f"must be 'lp' or 'equilibrium', got {out['method']!r}")
        )
    if out["hub_delay"] not in ("none", "simulated"):
        problems.append(
            Problem(where("engine"), "engine.hub_delay", f"must be 'none' or 'simulated', got {out['hub_delay']!r}")
        )
    return out


def parse_scenario(doc: Any, file: str = "<scenario>") -> ScenarioSpec:  # noqa: PLR0912 - one rule per key
    """Build a :class:`ScenarioSpec` from parsed YAML, collecting every problem before raising.

    Raises
    ------
    InputError
        One problem per bad key, change, option or distribution, each with ``file:line``.
    """
    problems: list[Problem] = []
    if not isinstance(doc, Mapping):
        raise InputError(Problem(file, "", "a scenario file must be a YAML mapping (name:, changes:, ...)"))

    def where(key: Any) -> str:
        return _where(doc, key, file) if key is not None else f"{file}:{getattr(doc, 'line', 1)}"

    for k in doc:
        if k not in _TOP:
            problems.append(Problem(where(k), str(k), "unknown key" + _unknown(str(k), _TOP)))
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(where("name" if "name" in doc else None), "name", "is required (a short name)"))
        name = Path(file).stem
    base = doc.get("base") or {}
    dataset, year = "eurasia", None
    if not isinstance(base, Mapping):
        problems.append(Problem(where("base"), "base", "must be a mapping {dataset: ..., year: ...}"))
    else:
        for k in base:
            if k not in ("dataset", "year"):
                problems.append(
                    Problem(_where(base, k, where("base")), f"base.{k}", "unknown key; expected dataset, year")
                )
        dataset = str(base.get("dataset", "eurasia"))
        year = base.get("year")
        if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
            problems.append(Problem(_where(base, "year", where("base")), "base.year", f"must be a year, got {year!r}"))
            year = None
    uncertain, probs = parse_uncertain(
        doc.get("uncertain"), lambda k: _where(doc.get("uncertain"), k, where("uncertain"))
    )
    problems += probs
    changes: list[Change] = []
    raw = doc.get("changes") or []
    if not isinstance(raw, list):
        problems.append(Problem(where("changes"), "changes", "must be a list of changes"))
        raw = []
    for i, item in enumerate(raw):
        ch = _parse_change(item, _where(raw, i, where("changes")), uncertain, problems)
        if ch is not None:
            changes.append(ch)
    engine = _parse_engine(doc.get("engine"), where, problems)
    sources = doc.get("sources") or {}
    if not isinstance(sources, Mapping):
        problems.append(Problem(where("sources"), "sources", "must be a mapping of KEY: description"))
        sources = {}
    if problems:
        raise InputError(problems)
    return ScenarioSpec(
        str(name),
        str(doc.get("description", "") or ""),
        dataset,
        year,
        tuple(changes),
        engine,
        uncertain,
        {str(k): str(v) for k, v in sources.items()},
        file,
    )


def load_scenario(path: Path | str) -> ScenarioSpec:
    """Read and check a scenario file.

    Raises
    ------
    InputError
        The file is missing, not YAML, or breaks a rule (see :func:`parse_scenario`).
    """
    path = Path(path)
    return parse_scenario(load_yaml(path), str(path))


def scenario_from_text(text: str, file: str = "<string>") -> ScenarioSpec:
    """Parse a scenario from YAML text (for tests and the API)."""
    return parse_scenario(loads_yaml(text, file), file)
