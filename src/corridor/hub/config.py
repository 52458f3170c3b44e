"""The hub configuration: a frozen record read from YAML, with the source and status of every figure.

A parameter in the YAML is either a bare value or a mapping ``{value, source, status, note}``;
shipped configs use the second form for every figure (statuses as in
:class:`corridor.model.Status`). Distributions are mappings ``{dist: lognormal, mean: 48, cv: 1}``.
See docs/HUB.md for the schema.
"""

from __future__ import annotations

import difflib
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem
from corridor.hub._yaml import read_yaml
from corridor.hub.distributions import FAMILIES, Distribution
from corridor.model import Provenance, Status

__all__ = [
    "DIRECTIONS",
    "KINDS",
    "HubConfig",
    "NoSteadyStateWarning",
    "QueueSpec",
    "Service",
    "builtin_configs",
    "config_from_dict",
    "config_path",
    "load_config",
]

KINDS = ("ferry", "train", "truck", "vessel")
"""Service kinds: ``vessel`` (container feeder: berth + cranes), ``ferry`` (rail ferry: ferry bridge),
``train`` (block train: rail loading track), ``truck`` (gate lane)."""
DIRECTIONS = ("east", "west")
HOURS_PER_YEAR = 8760.0


class NoSteadyStateWarning(UserWarning):
    """A queue whose offered load is at or above its capacity (utilisation ≥ 1): waits grow without bound."""


@dataclass(frozen=True, slots=True)
class Service:
    """One kind of call at the hub: a train, vessel, ferry or truck service.

    Every call of a service brings ("delivers") containers of one direction into the yard and takes
    ("collects") ready containers of the other direction, up to its capacity. The call frequency
    follows from demand: the larger of (delivered TEU ÷ TEU per call) and (collected TEU ÷
    (capacity × load factor)).

    Parameters
    ----------
    name, kind
        A label and one of :data:`KINDS`.
    arrivals
        Interarrival-time shape; its mean is set from demand (``deterministic`` = a timetable).
    deliver_direction, deliver_share, deliver_teu
        Which flow the call brings in, its share of that flow, and the TEU per call (shape and
        nominal mean).
    collect_direction, collect_share, capacity_teu, load_factor
        Which flow the call takes out, its share, the most TEU it can take, and the planned load
        factor that sets the frequency when collection binds.
    handling_h
        Handling time per call for ``train``, ``ferry`` and ``truck``; vessels use cranes instead.
    frequency
        ``"demand"``: calls per year follow demand (trains and trucks run when there is cargo);
        ``"design"``: calls per year are fixed at the design throughput and loads follow demand (a
        vessel timetable). Default: ``design`` for vessels and ferries, ``demand`` otherwise.
    """

    name: str
    kind: str
    arrivals: Distribution
    deliver_direction: str = "west"
    deliver_share: float = 0.0
    deliver_teu: Distribution = field(default_factory=lambda: Distribution.deterministic(0.0))
    collect_direction: str = "east"
    collect_share: float = 0.0
    capacity_teu: float = 0.0
    load_factor: float = 1.0
    handling_h: Distribution | None = None
    frequency: str = "demand"


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """A pure queue (``mode: queue``): c identical servers, FIFO, no yard, no storms.

    Parameters
    ----------
    servers
        Number of servers (berths) c.
    arrivals, service
        Interarrival and service time distributions (hours).
    """

    servers: int
    arrivals: Distribution
    service: Distribution

    @property
    def utilisation(self) -> float:
        """Offered load per server ρ = E[S] / (c E[A])."""
        return self.service.mean / (self.servers * self.arrivals.mean)


@dataclass(frozen=True, slots=True)
class HubConfig:
    """A hub (or pure-queue) configuration. Build it with :func:`load_config`.

    Change one figure with :meth:`replace` (sweeps do), which validates again.
    """

    name: str
    mode: str = "hub"
    description: str = ""
    capacity_teu_per_yr: float = 240_000.0
    capacity_basis: str = ""
    demand_teu_per_yr: float = 240_000.0
    westbound_share: float = 0.5
    teu_per_move: float = 1.5
    berths: int = 1
    cranes: int = 1
    cranes_per_vessel: int = 1
    crane_moves_per_h: float = 25.0
    ferry_bridges: int = 1
    tracks: int = 1
    gate_lanes: int = 1
    yard_slots: int = 690
    yard_tiers: int = 4
    yard_threshold: float = 0.85
    customs_dwell_h: Distribution = field(default_factory=lambda: Distribution.deterministic(0.0))
    storm_share_by_month: tuple[float, ...] = (0.0,) * 12
    storm_duration_h: Distribution = field(default_factory=lambda: Distribution.deterministic(120.0))
    services: tuple[Service, ...] = ()
    queue: QueueSpec | None = None
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)
    source_file: str = ""

    @property
    def yard_capacity_teu(self) -> int:
        """Physical yard capacity: ground slots × tiers (1 slot = 1 TEU)."""
        return self.yard_slots * self.yard_tiers

    def replace(self, **changes: Any) -> HubConfig:
        """A copy with some fields changed, validated again (e.g. ``berths=3``)."""
        new = replace(self, **changes)
        problems = _check(new, _Ctx(new.source_file or new.name, {}))
        if problems:
            raise InputError(problems)
        return new

    def to_dict(self) -> dict[str, Any]:
        """The figures (without provenance) as plain JSON-ready values."""
        if self.mode == "queue" and self.queue is not None:
            return {"name": self.name, "mode": "queue", "servers": self.queue.servers,
                    "arrivals": self.queue.arrivals.to_dict(), "service": self.queue.service.to_dict()}
        return {
            "name": self.name, "mode": self.mode, "capacity_teu_per_yr": self.capacity_teu_per_yr,
            "demand_teu_per_yr": self.demand_teu_per_yr, "berths": self.berths, "cranes": self.cranes,
            "tracks": self.tracks, "ferry_bridges": self.ferry_bridges, "gate_lanes": self.gate_lanes,
            "yard_slots": self.yard_slots, "yard_tiers": self.yard_tiers,
            "yard_capacity_teu": self.yard_capacity_teu,
        }


# -- reading ------------------------------------------------------------------------------------

_TOP = {"name", "description", "mode", "capacity", "demand", "teu_per_move", "berths", "cranes", "ferry_bridges",
        "rail", "gate", "yard", "customs_dwell_h", "storms", "services", "queue"}
_SECTIONS: dict[str, set[str]] = {
    "capacity": {"design_teu_per_yr", "basis"},
    "demand": {"teu_per_yr", "westbound_share"},
    "berths": {"count"},
    "cranes": {"count", "per_vessel", "moves_per_h"},
    "ferry_bridges": {"count"},
    "rail": {"tracks"},
    "gate": {"lanes"},
    "yard": {"ground_slots", "tiers", "threshold"},
    "storms": {"closure_share_by_month", "duration_h"},
    "queue": {"servers", "arrivals", "service"},
}
_SERVICE = {"name", "kind", "arrivals", "delivers", "collects", "handling_h", "frequency"}
_DELIVERS = {"direction", "share", "teu_per_call"}
_COLLECTS = {"direction", "share", "capacity_teu", "load_factor"}
_PARAM = {"value", "source", "status", "note"}
_DIST_KEYS = {"deterministic": {"value"}, "exponential": {"mean", "shift"}, "erlang": {"mean", "k", "shift"},
              "gamma": {"mean", "shape", "shift"}, "lognormal": {"mean", "cv", "shift"},
              "empirical": {"values", "weights"}}


class _Ctx:
    """Collects problems with file:line locations while reading a config."""

    def __init__(self, filename: str, lines: dict[str, int]) -> None:
        self.filename = filename
        self.lines = lines
        self.problems: list[Problem] = []
        self.provenance: dict[str, Provenance] = {}
        self.notes: dict[str, str] = {}

    def where(self, path: str) -> str:
        probe = path
        while probe:
            if probe in self.lines:
                return f"{self.filename}:{self.lines[probe]}"
            probe = probe.rsplit(".", 1)[0] if "." in probe else ""
        return self.filename

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.where(path), path, message))

    def keys(self, d: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in d:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(sorted(allowed))}"
                self.error(f"{path}.{key}" if path else str(key), f"unknown field {key!r}{hint}")


def builtin_configs() -> list[str]:
    """Names of the configs shipped with corridor (``aktau-hub`` ...)."""
    root = resources.files("corridor.hub") / "configs"
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def config_path(name: str) -> Path:
    """The path of a shipped config or curve file in ``corridor/hub/configs``."""
    return Path(str(resources.files("corridor.hub") / "configs" / name))


def load_config(source: str | Path = "aktau-hub") -> HubConfig:
    """Read a hub config from a YAML file, or a shipped config by name (``"aktau-hub"``).

    Raises
    ------
    InputError
        Missing file, malformed YAML, unknown fields (with a suggestion), unknown distribution
        names, non-positive rates or counts, shares that do not add up, impossible yard sizes. Each
        problem names the file, line and field.

    Warns
    -----
    NoSteadyStateWarning
        A pure queue with utilisation ≥ 1, or a hub resource whose offered load is ≥ 1.
    """
    path = Path(source)
    if path.suffix not in (".yaml", ".yml") and not path.exists():
        if str(source) in builtin_configs():
            path = config_path(f"{source}.yaml")
        else:
            known = ", ".join(builtin_configs())
            raise InputError(Problem(str(source), "", f"no such config file or built-in config (built-in: {known})"))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(Problem(str(path), "", f"cannot read: {e.strerror or e}")) from None
    data, lines = read_yaml(text, path.name)
    return config_from_dict(data, filename=path.name, lines=lines)


def config_from_dict(data: Any, *, filename: str = "config", lines: dict[str, int] | None = None) -> HubConfig:
    """Build and validate a :class:`HubConfig` from parsed YAML (see :func:`load_config`)."""
    ctx = _Ctx(filename, lines or {})
    if not isinstance(data, Mapping):
        raise InputError(Problem(filename, "", "a hub config must be a YAML mapping (name:, mode:, berths: ...)"))
    ctx.keys(data, _TOP, "")
    mode = str(data.get("mode", "hub"))
    if mode not in ("hub", "queue"):
        ctx.error("mode", f"mode must be 'hub' or 'queue', not {mode!r}")
    kw: dict[str, Any] = {"name": str(data.get("name") or Path(filename).stem), "mode": mode,
                          "description": str(data.get("description", "")).strip(), "source_file": filename}
    for section, allowed in _SECTIONS.items():
        if section in data and not isinstance(data[section], Mapping):
            ctx.error(section, f"{section} must be a mapping of fields ({', '.join(sorted(allowed))})")
        elif section in data:
            ctx.keys(data[section], allowed, section)
    if mode == "queue":
        _read_queue(data, ctx, kw)
    else:
        _read_hub(data, ctx, kw)
    if ctx.problems:
        raise InputError(ctx.problems)
    config = HubConfig(**kw, provenance=ctx.provenance, notes=ctx.notes)
    problems = _check(config, ctx)
    if problems:
        raise InputError(problems)
    _warn_load(config)
    return config


def _get(ctx: _Ctx, data: Mapping[str, Any], path: str, default: Any = None, *, required: bool = False) -> Any:
    """The raw value at dotted ``path`` (unwrapping ``{value, source, status}``), recording provenance."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            if required:
                ctx.error(path, "missing")
            return default
        node = node[part]
    return _unwrap(ctx, node, path)


def _unwrap(ctx: _Ctx, node: Any, path: str) -> Any:
    if isinstance(node, Mapping) and "value" in node and "dist" not in node:
        ctx.keys(node, _PARAM, path)
        if "source" in node or "status" in node:
            status = str(node.get("status", ""))
            try:
                ctx.provenance[path] = Provenance(str(node.get("source", "")), Status(status))
            except ValueError:
                ctx.error(f"{path}.status", f"unknown status {status!r}; use one of "
                          f"{', '.join(s.value for s in Status)}")
        if node.get("note"):
            ctx.notes[path] = str(node["note"]).strip()
        return node["value"]
    return node


def _number(ctx: _Ctx, value: Any, path: str, *, low: float = 0.0, strict: bool = True, integer: bool = False,
            high: float | None = None) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        ctx.error(path, f"must be a number, not {value!r}")
        return 1 if integer else 1.0
    if integer and value != int(value):
        ctx.error(path, f"must be a whole number, not {value!r}")
    bad = value <= low if strict else value < low
    if bad:
        ctx.error(path, f"must be {'>' if strict else '≥'} {low:g}, not {value!r}")
    if high is not None and value > high:
        ctx.error(path, f"must be ≤ {high:g}, not {value!r}")
    return int(value) if integer else float(value)


def _dist(ctx: _Ctx, node: Any, path: str, *, need_mean: bool = True) -> Distribution:  # noqa: PLR0911, PLR0912 - one rule per family
    """Parse ``{dist: ..., ...}``; a bare number means deterministic."""
    fallback = Distribution.deterministic(1.0)
    if isinstance(node, int | float) and not isinstance(node, bool):
        return Distribution.deterministic(_number(ctx, node, path, strict=False))
    if node is None:
        if not any(p.field == path for p in ctx.problems):
            ctx.error(path, "missing")
        return fallback
    if isinstance(node, str):
        node = {"dist": node}
    if not isinstance(node, Mapping) or "dist" not in node:
        ctx.error(path, f"must be a distribution like {{dist: exponential, mean: 12}}, not {node!r}")
        return fallback
    fam = str(node["dist"])
    if fam not in FAMILIES:
        close = difflib.get_close_matches(fam, FAMILIES, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        ctx.error(f"{path}.dist", f"unknown distribution {fam!r}{hint} (known: {', '.join(FAMILIES)})")
        return fallback
    ctx.keys(node, _DIST_KEYS[fam] | {"dist"}, path)
    n_before = len(ctx.problems)
    try:
        if fam == "empirical":
            vals = node.get("values")
            if not isinstance(vals, list) or not vals:
                ctx.error(f"{path}.values", "empirical needs a non-empty list of values")
                return fallback
            vals = [_number(ctx, v, f"{path}.values", strict=False) for v in vals]
            wts = node.get("weights")
            if wts is not None:
                if not isinstance(wts, list) or len(wts) != len(vals):
                    ctx.error(f"{path}.weights", "give one weight per value")
                    return fallback
                wts = [_number(ctx, w, f"{path}.weights", strict=False) for w in wts]
            return Distribution.empirical(vals, wts) if len(ctx.problems) == n_before else fallback
        if fam == "deterministic":
            if "value" not in node and not need_mean:
                return Distribution.deterministic(1.0)
            value = _number(ctx, node.get("value"), f"{path}.value", strict=False)
            return Distribution.deterministic(value)
        mean = node.get("mean")
        if mean is None and not need_mean:
            mean = 1.0
        mean = _number(ctx, mean, f"{path}.mean")
        shift = _number(ctx, node.get("shift", 0.0), f"{path}.shift", strict=False)
        if fam == "exponential":
            out = Distribution.exponential(mean, shift=shift) if shift < mean else fallback
        elif fam == "erlang":
            k = _number(ctx, node.get("k"), f"{path}.k", integer=True)
            out = Distribution.erlang(mean, k, shift=shift) if shift < mean else fallback
        elif fam == "gamma":
            out = Distribution.gamma(mean, _number(ctx, node.get("shape"), f"{path}.shape"), shift=shift) \
                if shift < mean else fallback
        else:
            out = Distribution.lognormal(mean, _number(ctx, node.get("cv"), f"{path}.cv"), shift=shift) \
                if shift < mean else fallback
        if shift >= mean and len(ctx.problems) == n_before:
            ctx.error(f"{path}.shift", f"shift ({shift:g}) must be below the mean ({mean:g})")
    except ValueError as e:
        ctx.error(path, str(e))
        return fallback
    return out if len(ctx.problems) == n_before else fallback


def _read_queue(data: Mapping[str, Any], ctx: _Ctx, kw: dict[str, Any]) -> None:
    q = data.get("queue")
    if not isinstance(q, Mapping):
        ctx.error("queue", "mode: queue needs a queue: section with servers, arrivals and service")
        return
    servers = _number(ctx, _get(ctx, data, "queue.servers", required=True), "queue.servers", integer=True)
    arrivals = _dist(ctx, _get(ctx, data, "queue.arrivals", required=True), "queue.arrivals")
    service = _dist(ctx, _get(ctx, data, "queue.service", required=True), "queue.service")
    for d, p in ((arrivals, "queue.arrivals"), (service, "queue.service")):
        if d.mean <= 0:
            ctx.error(p, "the mean time must be > 0 (a zero time is an infinite rate)")
    kw["queue"] = QueueSpec(servers, arrivals, service)
    extra = set(data) - {"name", "description", "mode", "queue"}
    for key in sorted(extra):
        ctx.error(key, f"mode: queue takes only name, description and queue:, not {key!r}")


def _read_hub(data: Mapping[str, Any], ctx: _Ctx, kw: dict[str, Any]) -> None:
    num = _number
    kw["capacity_teu_per_yr"] = num(ctx, _get(ctx, data, "capacity.design_teu_per_yr", 240_000.0),
                                    "capacity.design_teu_per_yr")
    kw["capacity_basis"] = str(_get(ctx, data, "capacity.basis", "") or "").strip()
    kw["demand_teu_per_yr"] = num(ctx, _get(ctx, data, "demand.teu_per_yr", required=True), "demand.teu_per_yr")
    kw["westbound_share"] = num(ctx, _get(ctx, data, "demand.westbound_share", 0.5), "demand.westbound_share",
                                strict=False, high=1.0)
    kw["teu_per_move"] = num(ctx, _get(ctx, data, "teu_per_move", 1.5), "teu_per_move")
    kw["berths"] = num(ctx, _get(ctx, data, "berths.count", 1), "berths.count", integer=True)
    kw["cranes"] = num(ctx, _get(ctx, data, "cranes.count", 1), "cranes.count", integer=True)
    kw["cranes_per_vessel"] = num(ctx, _get(ctx, data, "cranes.per_vessel", 1), "cranes.per_vessel", integer=True)
    kw["crane_moves_per_h"] = num(ctx, _get(ctx, data, "cranes.moves_per_h", 25.0), "cranes.moves_per_h")
    kw["ferry_bridges"] = num(ctx, _get(ctx, data, "ferry_bridges.count", 1), "ferry_bridges.count", integer=True)
    kw["tracks"] = num(ctx, _get(ctx, data, "rail.tracks", 1), "rail.tracks", integer=True)
    kw["gate_lanes"] = num(ctx, _get(ctx, data, "gate.lanes", 1), "gate.lanes", integer=True)
    kw["yard_slots"] = num(ctx, _get(ctx, data, "yard.ground_slots", required=True), "yard.ground_slots",
                           integer=True)
    kw["yard_tiers"] = num(ctx, _get(ctx, data, "yard.tiers", required=True), "yard.tiers", integer=True, high=6)
    kw["yard_threshold"] = num(ctx, _get(ctx, data, "yard.threshold", 0.85), "yard.threshold", high=1.0)
    kw["customs_dwell_h"] = _dist(ctx, _get(ctx, data, "customs_dwell_h", 0.0), "customs_dwell_h")
    shares = _get(ctx, data, "storms.closure_share_by_month", [0.0] * 12)
    if not isinstance(shares, list) or len(shares) != 12:
        ctx.error("storms.closure_share_by_month", "give 12 shares of time closed, January to December")
        shares = [0.0] * 12
    kw["storm_share_by_month"] = tuple(num(ctx, s, "storms.closure_share_by_month", strict=False, high=0.95)
                                       for s in shares)
    kw["storm_duration_h"] = _dist(ctx, _get(ctx, data, "storms.duration_h", 120.0), "storms.duration_h")
    raw = data.get("services")
    if not isinstance(raw, list) or not raw:
        ctx.error("services", "give a list of services (trains, vessels, ferries, trucks)")
        raw = []
    kw["services"] = tuple(_read_service(ctx, s, f"services[{i}]") for i, s in enumerate(raw))


def _read_service(ctx: _Ctx, s: Any, path: str) -> Service:  # noqa: PLR0912 - one rule per field
    if not isinstance(s, Mapping):
        ctx.error(path, "a service must be a mapping (name, kind, arrivals, delivers, collects)")
        return Service("?", "train", Distribution.exponential(1.0))
    ctx.keys(s, _SERVICE, path)
    kind = str(s.get("kind", ""))
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        ctx.error(f"{path}.kind", f"unknown kind {kind!r}{hint} (known: {', '.join(KINDS)})")
        kind = "train"
    name = str(s.get("name", f"{kind}-{path}"))
    arrivals = _dist(ctx, _unwrap(ctx, s.get("arrivals", "exponential"), f"{path}.arrivals"), f"{path}.arrivals",
                     need_mean=False)
    kw: dict[str, Any] = {}
    d, c = s.get("delivers"), s.get("collects")
    if d is None and c is None:
        ctx.error(path, "a service must deliver or collect containers (delivers:, collects:)")
    if d is not None:
        if not isinstance(d, Mapping):
            ctx.error(f"{path}.delivers", "must be a mapping (direction, share, teu_per_call)")
        else:
            ctx.keys(d, _DELIVERS, f"{path}.delivers")
            p = f"{path}.delivers"
            kw["deliver_direction"] = _direction(ctx, d.get("direction"), f"{p}.direction")
            kw["deliver_share"] = _number(ctx, _unwrap(ctx, d.get("share"), f"{p}.share"), f"{p}.share",
                                          strict=False, high=1.0)
            kw["deliver_teu"] = _dist(ctx, _unwrap(ctx, d.get("teu_per_call"), f"{p}.teu_per_call"),
                                      f"{p}.teu_per_call")
            if kw["deliver_teu"].mean <= 0:
                ctx.error(f"{p}.teu_per_call", "TEU per call must be > 0")
    if c is not None:
        if not isinstance(c, Mapping):
            ctx.error(f"{path}.collects", "must be a mapping (direction, share, capacity_teu, load_factor)")
        else:
            ctx.keys(c, _COLLECTS, f"{path}.collects")
            p = f"{path}.collects"
            kw["collect_direction"] = _direction(ctx, c.get("direction"), f"{p}.direction")
            kw["collect_share"] = _number(ctx, _unwrap(ctx, c.get("share"), f"{p}.share"), f"{p}.share",
                                          strict=False, high=1.0)
            kw["capacity_teu"] = _number(ctx, _unwrap(ctx, c.get("capacity_teu"), f"{p}.capacity_teu"),
                                         f"{p}.capacity_teu")
            kw["load_factor"] = _number(ctx, _unwrap(ctx, c.get("load_factor", 1.0), f"{p}.load_factor"),
                                        f"{p}.load_factor", high=1.0)
    if kind != "vessel":
        if "handling_h" not in s:
            ctx.error(f"{path}.handling_h", f"a {kind} service needs handling_h (hours per call)")
        else:
            kw["handling_h"] = _dist(ctx, _unwrap(ctx, s["handling_h"], f"{path}.handling_h"), f"{path}.handling_h")
    frequency = str(_unwrap(ctx, s.get("frequency", "design" if kind in ("vessel", "ferry") else "demand"),
                            f"{path}.frequency"))
    if frequency not in ("demand", "design"):
        ctx.error(f"{path}.frequency", f"frequency must be 'demand' or 'design', not {frequency!r}")
    return Service(name=name, kind=kind, arrivals=arrivals, frequency=frequency, **kw)


def _direction(ctx: _Ctx, value: Any, path: str) -> str:
    if value not in DIRECTIONS:
        ctx.error(path, f"direction must be 'west' or 'east', not {value!r}")
        return "west"
    return str(value)


def _check(cfg: HubConfig, ctx: _Ctx) -> list[Problem]:  # noqa: PLR0912 - one rule per field
    """Rules across fields (shares add up, the yard can hold a call ...)."""
    out: list[Problem] = []

    def bad(path: str, message: str) -> None:
        out.append(Problem(ctx.where(path), path, message))

    if cfg.mode == "queue":
        if cfg.queue is None or cfg.queue.servers < 1:
            bad("queue.servers", "must be ≥ 1")
        return out
    for attr, path in (("berths", "berths.count"), ("cranes", "cranes.count"), ("tracks", "rail.tracks"),
                       ("gate_lanes", "gate.lanes"), ("ferry_bridges", "ferry_bridges.count"),
                       ("cranes_per_vessel", "cranes.per_vessel"), ("yard_slots", "yard.ground_slots"),
                       ("yard_tiers", "yard.tiers")):
        if getattr(cfg, attr) < 1:
            bad(path, f"must be ≥ 1, not {getattr(cfg, attr)}")
    if cfg.demand_teu_per_yr <= 0:
        bad("demand.teu_per_yr", "must be > 0")
    if cfg.yard_tiers > 6:
        bad("yard.tiers", "more than 6 high is not possible with reach stackers or top-lifters (HYS11)")
    for role, attr in (("delivers", "deliver"), ("collects", "collect")):
        for direction in DIRECTIONS:
            flow = cfg.westbound_share if direction == "west" else 1.0 - cfg.westbound_share
            total = sum(getattr(s, f"{attr}_share") for s in cfg.services
                        if getattr(s, f"{attr}_direction") == direction and getattr(s, f"{attr}_share") > 0)
            if flow > 0 and abs(total - 1.0) > 1e-6:
                bad("services", f"the {role} shares of {direction}bound traffic add up to {total:g}, not 1")
    for i, s in enumerate(cfg.services):
        if s.deliver_share > 0 and s.deliver_teu.mean > cfg.yard_capacity_teu:
            bad(f"services[{i}].delivers.teu_per_call",
                f"one call brings {s.deliver_teu.mean:g} TEU but the yard holds only {cfg.yard_capacity_teu} "
                f"(yard.ground_slots × yard.tiers)")
        if s.deliver_share > 0 and s.deliver_direction == s.collect_direction and s.collect_share > 0:
            bad(f"services[{i}]", "a service cannot deliver and collect the same direction")
    kinds = {s.kind for s in cfg.services}
    if "vessel" in kinds and cfg.cranes_per_vessel > cfg.cranes:
        bad("cranes.per_vessel", f"{cfg.cranes_per_vessel} cranes per vessel but only {cfg.cranes} cranes")
    if cfg.capacity_teu_per_yr <= 0:
        bad("capacity.design_teu_per_yr", "must be > 0")
    return out


def _warn_load(cfg: HubConfig) -> None:
    """Warn when a queue has no steady state (utilisation ≥ 1)."""
    if cfg.mode == "queue" and cfg.queue is not None:
        rho = cfg.queue.utilisation
        if rho >= 1:
            warnings.warn(f"{cfg.source_file or cfg.name}: queue utilisation ρ = {rho:.3f} ≥ 1: no steady state, "
                          "waits grow with the run length", NoSteadyStateWarning, stacklevel=3)
        return
    from corridor.hub.model import offered_load

    for resource, rho in offered_load(cfg).items():
        if rho >= 1:
            warnings.warn(f"{cfg.source_file or cfg.name}: offered load on {resource} is {rho:.2f} ≥ 1 at "
                          f"{cfg.demand_teu_per_yr:,.0f} TEU/yr: no steady state", NoSteadyStateWarning,
                          stacklevel=3)
