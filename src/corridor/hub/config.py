"""The hub configuration: a frozen record read from YAML, with the source and status of every figure.

A parameter in the YAML is either a bare value or a mapping ``{value, source, status, note}``;
shipped configs use the second form for every figure (statuses as in
:class:`corridor.model.Status`). Distributions are mappings ``{dist: lognormal, mean: 48, cv: 1}`` in
the vocabulary of :mod:`corridor.model.distributions`; hub times and sizes refuse those that can draw
negative values. Counts and sizes are bounded (:data:`MAX_COUNT` ...) so that no file asks for a terminal
that cannot exist or a simulation that cannot run. See docs/HUB.md for the schema.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem
from corridor.model import Provenance, Status
from corridor.model.distributions import Distribution, parse_distribution
from corridor.validation import Bounds, Problems, check_number, describe, did_you_mean, unknown, where

__all__ = [
    "DIRECTIONS",
    "KINDS",
    "MAX_CALLS_PER_YR",
    "MAX_COUNT",
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
    """A queue whose offered load is at or above its capacity (utilisation ≥ 1): waits grow without bound.

    Examples
    --------
    A pure queue with more work than its servers can do (utilisation 1.6) warns when read:

    >>> import warnings
    >>> from corridor.hub.config import config_from_dict
    >>> data = {"name": "overloaded", "mode": "queue",
    ...         "queue": {"servers": 1, "arrivals": {"dist": "exponential", "mean": 15.0},
    ...                   "service": {"dist": "exponential", "mean": 24.0}}}
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     cfg = config_from_dict(data)
    >>> [w.category.__name__ for w in caught]
    ['NoSteadyStateWarning']
    """


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

    Examples
    --------
    >>> from corridor.hub import load_config
    >>> s = load_config("aktau-hub").services[0]
    >>> s.name, s.kind, s.deliver_direction, s.collect_direction, s.capacity_teu
    ('block-train', 'train', 'west', 'east', 110.0)
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

    Examples
    --------
    The M/M/2 validation case shipped with corridor, at 80 % utilisation:

    >>> from corridor.hub import load_config
    >>> q = load_config("mm2-example").queue
    >>> q.servers, q.arrivals.mean, q.service.mean, round(q.utilisation, 3)
    (2, 15.0, 24.0, 0.8)
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

    Examples
    --------
    >>> cfg = load_config("aktau-hub")
    >>> cfg.name, cfg.mode, cfg.berths, cfg.tracks, cfg.capacity_teu_per_yr
    ('aktau-hub', 'hub', 2, 3, 240000.0)
    >>> cfg.replace(berths=3).berths
    3
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
        problems = _check(new, lambda path: new.source_file or new.name)
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


# -- bounds -------------------------------------------------------------------------------------

MAX_COUNT = 1_000
"""The most berths, cranes, ferry bridges, tracks, gate lanes, queue servers or services a config may have."""
MAX_CALLS_PER_YR = 5_000_000.0
"""The most calls (or queue customers) a year: the simulation runs each as a process (one every 6 s)."""
_TEU_PER_YR: Bounds = {"low": 0, "low_open": True, "high": 100_000_000,
               "reason": "the busiest port, Shanghai, handled about 49 million TEU in 2023"}
_TEU_PER_CALL: Bounds = {"low": 0, "low_open": True, "high": 30_000,
                 "reason": "the largest container ships carry about 24,000 TEU"}
_COUNT: Bounds = {"low": 1, "high": MAX_COUNT, "integer": True,
          "reason": "no terminal has more; the largest have about 100 berths and 16 gate lanes"}
_SHARE: Bounds = {"low": 0, "high": 1}
#: HubConfig attribute → (path in the YAML, default or None when required, bounds of check_number).
_FIELDS: dict[str, tuple[str, Any, Bounds]] = {
    "capacity_teu_per_yr": ("capacity.design_teu_per_yr", 240_000.0, _TEU_PER_YR),
    "demand_teu_per_yr": ("demand.teu_per_yr", None, _TEU_PER_YR),
    "westbound_share": ("demand.westbound_share", 0.5, _SHARE),
    "teu_per_move": ("teu_per_move", 1.5, {"low": 0, "low_open": True, "high": 4,
                                           "reason": "a crane lifts at most two 40-foot boxes at once"}),
    "berths": ("berths.count", 1, _COUNT),
    "cranes": ("cranes.count", 1, _COUNT),
    "cranes_per_vessel": ("cranes.per_vessel", 1, _COUNT),
    "crane_moves_per_h": ("cranes.moves_per_h", 25.0, {"low": 0, "low_open": True}),
    "ferry_bridges": ("ferry_bridges.count", 1, _COUNT),
    "tracks": ("rail.tracks", 1, _COUNT),
    "gate_lanes": ("gate.lanes", 1, _COUNT),
    "yard_slots": ("yard.ground_slots", None, {"low": 1, "high": 1_000_000, "integer": True,
                                               "reason": "a million ground slots is beyond any terminal"}),
    "yard_tiers": ("yard.tiers", None, {"low": 1, "high": 6, "integer": True, "reason": "more than 6 high is not "
                                        "possible with reach stackers or top-lifters (HYS11)"}),
    "yard_threshold": ("yard.threshold", 0.85, {"low": 0, "low_open": True, "high": 1}),
}
_MIN_STORM_H = 1.0

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
_DELIVERS = ("direction", "share", "teu_per_call")
_COLLECTS = ("direction", "share", "capacity_teu", "load_factor")
_PARAM = {"value", "source", "status", "note"}
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_FALLBACK = Distribution.deterministic(1.0)


def _locate(root: Any, path: str, default: str) -> str:
    """``file:line`` of a dotted path (``services[0].delivers.share``), or of the deepest part of it found."""
    best, node = default, root
    for name, index in _PATH_PART.findall(path):
        key: Any = int(index) if index else name
        try:
            child = node[key]
        except (KeyError, IndexError, TypeError):
            break
        best, node = where(node, key, best), child
    return best


class _Reader(Problems):
    """The problems, provenance and notes found while reading one config."""

    def __init__(self, file: str, root: Any) -> None:
        super().__init__(file)
        self.root = root
        self.provenance: dict[str, Provenance] = {}
        self.notes: dict[str, str] = {}

    def locate(self, path: str) -> str:
        return _locate(self.root, path, self.file)

    def bad(self, path: str, message: str) -> None:
        self.add(path, message, where=self.locate(path))

    def num(self, value: Any, path: str, **bounds: Any) -> Any:
        """The number, or a stand-in (1) after recording what is wrong with it."""
        out = self.number(value, field=path, where=self.locate(path), **bounds)
        return (1 if bounds.get("integer") else 1.0) if out is None else out


def builtin_configs() -> list[str]:
    """Names of the configs shipped with corridor (``aktau-hub`` ...).

    Examples
    --------
    >>> builtin_configs()
    ['aktau-hub', 'aktau-hub-200k', 'mm2-example']
    """
    root = resources.files("corridor.hub") / "configs"
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def config_path(name: str) -> Path:
    """The path of a shipped config or curve file in ``corridor/hub/configs``.

    Examples
    --------
    >>> p = config_path("mm2-example.yaml")
    >>> p.name, p.exists()
    ('mm2-example.yaml', True)
    """
    return Path(str(resources.files("corridor.hub") / "configs" / name))


def load_config(source: str | Path = "aktau-hub") -> HubConfig:
    """Read a hub config from a YAML file, or a shipped config by name (``"aktau-hub"``).

    Raises
    ------
    InputError
        Missing file, malformed YAML, unknown fields (with a suggestion), unknown distribution
        names, non-positive rates or counts, counts and sizes beyond any terminal, shares that do
        not add up, impossible yard sizes. Each problem names the file, line and field.

    Warns
    -----
    NoSteadyStateWarning
        A pure queue with utilisation ≥ 1, or a hub resource whose offered load is ≥ 1.

    Examples
    --------
    >>> cfg = load_config("mm2-example")
    >>> cfg.mode, cfg.queue.servers
    ('queue', 2)
    >>> try:
    ...     load_config("aktau-hubb")
    ... except InputError as e:
    ...     print(e.problems[0].message.split(" (built-in")[0])
    no such config file or built-in config; did you mean 'aktau-hub'?
    """
    from corridor.io.files import read_text
    from corridor.io.yaml import loads_yaml

    path, shown = Path(source), str(source)
    if path.suffix not in (".yaml", ".yml") and not path.exists():
        if shown not in builtin_configs():
            raise InputError(Problem(shown, "", f"no such config file or built-in config{_builtin_hint(shown)}"))
        path = config_path(f"{source}.yaml")
        shown = path.name
    return config_from_dict(loads_yaml(read_text(path), shown), filename=shown)


def _builtin_hint(name: str) -> str:
    known = builtin_configs()
    return f"{did_you_mean(name, known, list_known=False)} (built-in: {', '.join(known)})"


def config_from_dict(data: Any, *, filename: str = "config") -> HubConfig:
    """Build and validate a :class:`HubConfig` from parsed YAML (see :func:`load_config`).

    ``data`` read by :func:`corridor.io.yaml.load_yaml` gives every problem its line.

    Examples
    --------
    >>> cfg = config_from_dict({"name": "mm1", "mode": "queue",
    ...                         "queue": {"servers": 1, "arrivals": {"dist": "exponential", "mean": 10.0},
    ...                                   "service": {"dist": "exponential", "mean": 8.0}}})
    >>> cfg.name, round(cfg.queue.utilisation, 2)
    ('mm1', 0.8)
    >>> try:
    ...     config_from_dict({"name": "x", "mode": "queue", "queue": {"server": 1}}, filename="x.yaml")
    ... except InputError as e:
    ...     print(e)
    x.yaml: queue.server: unknown field 'server'; did you mean 'servers'?
    x.yaml: queue.servers: missing
    x.yaml: queue.servers: must be a number, not None
    x.yaml: queue.arrivals: missing
    x.yaml: queue.service: missing
    """
    if not isinstance(data, Mapping):
        raise InputError(Problem(filename, "", "a hub config must be a YAML mapping (name:, mode:, berths: ...)"))
    r = _Reader(filename, data)
    r.check_keys(data, _TOP)
    mode = str(data.get("mode", "hub"))
    if mode not in ("hub", "queue"):
        r.bad("mode", f"mode must be 'hub' or 'queue', not {mode!r}")
    kw: dict[str, Any] = {"name": _text(r, data, "name", Path(filename).stem), "mode": mode,
                          "description": _text(r, data, "description", "").strip(), "source_file": filename}
    for section, allowed in _SECTIONS.items():
        if section in data and not isinstance(data[section], Mapping):
            r.bad(section, f"{section} must be a mapping of fields ({', '.join(sorted(allowed))})")
        elif section in data:
            r.check_keys(data[section], allowed, field=section)
    if mode == "queue":
        _read_queue(data, r, kw)
    else:
        _read_hub(data, r, kw)
    r.raise_if_any()
    config = HubConfig(**kw, provenance=r.provenance, notes=r.notes)
    problems = _check(config, r.locate)
    if problems:
        raise InputError(problems)
    _warn_load(config)
    return config


def _text(r: _Reader, data: Mapping[str, Any], key: str, default: str) -> str:
    value = data.get(key) or default
    if not isinstance(value, str):
        r.bad(key, f"must be text, not {describe(value)}")
        return default
    return value


def _get(r: _Reader, data: Mapping[str, Any], path: str, default: Any = None, *, required: bool = False) -> Any:
    """The raw value at dotted ``path`` (unwrapping ``{value, source, status}``), recording provenance."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            if required:
                r.bad(path, "missing")
            return default
        node = node[part]
    return _unwrap(r, node, path)


def _unwrap(r: _Reader, node: Any, path: str) -> Any:
    if not (isinstance(node, Mapping) and "value" in node and "dist" not in node):
        return node
    r.check_keys(node, _PARAM, field=path)
    if "source" in node or "status" in node:
        status = str(node.get("status", ""))
        try:
            r.provenance[path] = Provenance(str(node.get("source", "")), Status(status))
        except ValueError:
            r.at(node, "status", f"{path}.status", unknown("status", status, [s.value for s in Status]))
    if node.get("note"):
        r.notes[path] = str(node["note"]).strip()
    return node["value"]


def _dist(r: _Reader, node: Any, path: str, *, need_mean: bool = True) -> Distribution:
    """A time or size: ``{dist: ..., ...}``, a family name (when ``need_mean`` is False) or a bare number."""
    if isinstance(node, int | float) and not isinstance(node, bool):
        return Distribution.deterministic(r.num(node, path, low=0))
    if node is None:
        if not any(p.field == path for p in r):
            r.bad(path, "missing")
        return _FALLBACK
    if isinstance(node, str):
        node = {"dist": node}
    out = parse_distribution(node, field=path, problems=r, where=r.locate(path), nonnegative=True,
                             scale_free=not need_mean)
    return _FALLBACK if out is None else out


def _read_queue(data: Mapping[str, Any], r: _Reader, kw: dict[str, Any]) -> None:
    if not isinstance(data.get("queue"), Mapping):
        r.bad("queue", "mode: queue needs a queue: section with servers, arrivals and service")
        return
    servers = r.num(_get(r, data, "queue.servers", required=True), "queue.servers", **_COUNT)
    arrivals = _dist(r, _get(r, data, "queue.arrivals", required=True), "queue.arrivals")
    service = _dist(r, _get(r, data, "queue.service", required=True), "queue.service")
    for d, p in ((arrivals, "queue.arrivals"), (service, "queue.service")):
        if d.mean <= 0:
            r.bad(p, "the mean time must be > 0 (a zero time is an infinite rate)")
    kw["queue"] = QueueSpec(servers, arrivals, service)
    for key in sorted(set(data) - {"name", "description", "mode", "queue"}):
        r.at(data, key, str(key), f"mode: queue takes only name, description and queue:, not {key!r}")


def _read_hub(data: Mapping[str, Any], r: _Reader, kw: dict[str, Any]) -> None:
    for attr, (path, default, bounds) in _FIELDS.items():
        kw[attr] = r.num(_get(r, data, path, default, required=default is None), path, **bounds)
    kw["capacity_basis"] = str(_get(r, data, "capacity.basis", "") or "").strip()
    kw["customs_dwell_h"] = _dist(r, _get(r, data, "customs_dwell_h", 0.0), "customs_dwell_h")
    path = "storms.closure_share_by_month"
    shares = _get(r, data, path, [0.0] * 12)
    if not isinstance(shares, list) or len(shares) != 12:
        r.bad(path, "give 12 shares of time closed, January to December")
        shares = [0.0] * 12
    kw["storm_share_by_month"] = tuple(r.num(s, path, low=0, high=0.95, reason="the port must open between storms")
                                       for s in shares)
    kw["storm_duration_h"] = _dist(r, _get(r, data, "storms.duration_h", 120.0), "storms.duration_h")
    raw = data.get("services")
    if not isinstance(raw, list) or not raw:
        r.bad("services", "give a list of services (trains, vessels, ferries, trucks)")
        raw = []
    elif len(raw) > MAX_COUNT:
        r.bad("services", f"give at most {MAX_COUNT:,} services, not {len(raw):,}")
        raw = []
    kw["services"] = tuple(_read_service(r, s, f"services[{i}]") for i, s in enumerate(raw))


def _read_service(r: _Reader, s: Any, path: str) -> Service:
    if not isinstance(s, Mapping):
        r.bad(path, "a service must be a mapping (name, kind, arrivals, delivers, collects)")
        return Service("?", "train", Distribution.exponential(1.0))
    r.check_keys(s, _SERVICE, field=path)
    kind = str(s.get("kind", ""))
    if kind not in KINDS:
        r.bad(f"{path}.kind", unknown("kind", kind, KINDS))
        kind = "train"
    arrivals = _dist(r, _unwrap(r, s.get("arrivals", "exponential"), f"{path}.arrivals"), f"{path}.arrivals",
                     need_mean=False)
    if s.get("delivers") is None and s.get("collects") is None:
        r.bad(path, "a service must deliver or collect containers (delivers:, collects:)")
    kw = {**_read_delivers(r, s.get("delivers"), f"{path}.delivers"),
          **_read_collects(r, s.get("collects"), f"{path}.collects"), **_read_handling(r, s, kind, path)}
    frequency = str(_unwrap(r, s.get("frequency", "design" if kind in ("vessel", "ferry") else "demand"),
                            f"{path}.frequency"))
    if frequency not in ("demand", "design"):
        r.bad(f"{path}.frequency", f"frequency must be 'demand' or 'design', not {frequency!r}")
    return Service(name=str(s.get("name", f"{kind}-{path}")), kind=kind, arrivals=arrivals, frequency=frequency, **kw)


def _section(r: _Reader, node: Any, p: str, allowed: tuple[str, ...]) -> Mapping[str, Any] | None:
    """A sub-mapping of a service (``delivers``, ``collects``) with known keys, or None."""
    if node is None:
        return None
    if not isinstance(node, Mapping):
        r.bad(p, f"must be a mapping ({', '.join(allowed)})")
        return None
    r.check_keys(node, allowed, field=p)
    return node


def _flow_of(r: _Reader, node: Mapping[str, Any], p: str) -> tuple[str, float]:
    """The direction and share of a ``delivers`` or ``collects`` mapping."""
    return (_direction(r, node.get("direction"), f"{p}.direction"),
            r.num(_unwrap(r, node.get("share"), f"{p}.share"), f"{p}.share", **_SHARE))


def _read_delivers(r: _Reader, node: Any, p: str) -> dict[str, Any]:
    d = _section(r, node, p, _DELIVERS)
    if d is None:
        return {}
    teu = _dist(r, _unwrap(r, d.get("teu_per_call"), f"{p}.teu_per_call"), f"{p}.teu_per_call")
    message = check_number(teu.mean, **_TEU_PER_CALL)
    if message:
        r.bad(f"{p}.teu_per_call", f"the mean TEU per call {message}")
    direction, share = _flow_of(r, d, p)
    return {"deliver_direction": direction, "deliver_share": share, "deliver_teu": teu}


def _read_collects(r: _Reader, node: Any, p: str) -> dict[str, Any]:
    c = _section(r, node, p, _COLLECTS)
    if c is None:
        return {}
    direction, share = _flow_of(r, c, p)
    return {"collect_direction": direction, "collect_share": share,
            "capacity_teu": r.num(_unwrap(r, c.get("capacity_teu"), f"{p}.capacity_teu"), f"{p}.capacity_teu",
                                  **_TEU_PER_CALL),
            "load_factor": r.num(_unwrap(r, c.get("load_factor", 1.0), f"{p}.load_factor"), f"{p}.load_factor",
                                 low=0, low_open=True, high=1)}


def _read_handling(r: _Reader, s: Mapping[str, Any], kind: str, path: str) -> dict[str, Any]:
    if kind == "vessel":
        return {}  # vessels are handled by cranes
    if "handling_h" not in s:
        r.bad(f"{path}.handling_h", f"a {kind} service needs handling_h (hours per call)")
        return {}
    return {"handling_h": _dist(r, _unwrap(r, s["handling_h"], f"{path}.handling_h"), f"{path}.handling_h")}


def _direction(r: _Reader, value: Any, path: str) -> str:
    if value not in DIRECTIONS:
        r.bad(path, f"direction must be 'west' or 'east', not {value!r}")
        return "west"
    return str(value)


# -- rules across fields (also checked by HubConfig.replace) -------------------------------------

_Bad = Callable[[str, str], None]


def _check(cfg: HubConfig, locate: Callable[[str], str]) -> list[Problem]:
    """Bounds, and rules across fields (shares add up, the yard can hold a call ...)."""
    out: list[Problem] = []

    def bad(path: str, message: str) -> None:
        out.append(Problem(locate(path), path, message))

    if cfg.mode == "queue":
        _check_queue(cfg.queue, bad)
        return out
    _check_fields(cfg, bad)
    if not out:
        _check_shares(cfg, bad)
        _check_services(cfg, bad)
    if not out:
        _check_calls(cfg, bad)
    return out


def _check_queue(q: QueueSpec | None, bad: _Bad) -> None:
    if q is None:
        bad("queue", "missing")
        return
    message = check_number(q.servers, **_COUNT)
    if message:
        bad("queue.servers", message)
    if q.arrivals.mean > 0 and HOURS_PER_YEAR / q.arrivals.mean > MAX_CALLS_PER_YR:
        bad("queue.arrivals", f"a mean of {q.arrivals.mean:g} h between arrivals makes "
            f"{HOURS_PER_YEAR / q.arrivals.mean:,.0f} customers a year; at most {MAX_CALLS_PER_YR:,.0f} "
            f"(a mean of {HOURS_PER_YEAR / MAX_CALLS_PER_YR:g} h or more)")


def _check_fields(cfg: HubConfig, bad: _Bad) -> None:
    for attr, (path, _, bounds) in _FIELDS.items():
        message = check_number(getattr(cfg, attr), **bounds)
        if message:
            bad(path, message)
    if any(cfg.storm_share_by_month) and cfg.storm_duration_h.mean < _MIN_STORM_H:
        bad("storms.duration_h", f"storms must last {_MIN_STORM_H:g} h or more on average, not "
            f"{cfg.storm_duration_h.mean:g} h")


def _check_shares(cfg: HubConfig, bad: _Bad) -> None:
    for role, attr in (("delivers", "deliver"), ("collects", "collect")):
        for direction in DIRECTIONS:
            flow = cfg.westbound_share if direction == "west" else 1.0 - cfg.westbound_share
            total = sum(getattr(s, f"{attr}_share") for s in cfg.services
                        if getattr(s, f"{attr}_direction") == direction and getattr(s, f"{attr}_share") > 0)
            if flow > 0 and abs(total - 1.0) > 1e-6:
                bad("services", f"the {role} shares of {direction}bound traffic add up to {total:g}, not 1")


def _check_services(cfg: HubConfig, bad: _Bad) -> None:
    for i, s in enumerate(cfg.services):
        if s.deliver_share > 0 and s.deliver_teu.mean > cfg.yard_capacity_teu:
            bad(f"services[{i}].delivers.teu_per_call",
                f"one call brings {s.deliver_teu.mean:g} TEU but the yard holds only {cfg.yard_capacity_teu} "
                f"(yard.ground_slots × yard.tiers)")
        if s.deliver_share > 0 and s.deliver_direction == s.collect_direction and s.collect_share > 0:
            bad(f"services[{i}]", "a service cannot deliver and collect the same direction")
    if any(s.kind == "vessel" for s in cfg.services) and cfg.cranes_per_vessel > cfg.cranes:
        bad("cranes.per_vessel", f"{cfg.cranes_per_vessel} cranes per vessel but only {cfg.cranes} cranes")


def _check_calls(cfg: HubConfig, bad: _Bad) -> None:
    from corridor.hub.model import call_plans

    calls = sum(p.calls_per_yr for p in call_plans(cfg))
    if calls > MAX_CALLS_PER_YR:
        bad("services", f"these services make {calls:,.0f} calls a year at {cfg.demand_teu_per_yr:,.0f} TEU/yr; "
            f"the simulation runs each call as a process and takes at most {MAX_CALLS_PER_YR:,.0f} a year")


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
