"""Reader for TNTP research networks ("Transportation Networks for Research").

A network is a ``<name>_net.tntp`` file of links, with a ``<name>_trips.tntp`` OD matrix and a
``<name>_node.tntp`` file of coordinates beside it if available. Files open with ``<TAG> value``
lines closed by ``<END OF METADATA>``; ``~`` starts a comment and rows may end with ``;``.
Figures keep the file's units (minutes, 0.01 h, feet...): a TNTP link's ``time_h`` and
``distance_km`` hold the file's values unchanged, as the network's ``meta`` says.

Counts in the metadata (``<NUMBER OF ...>``, ``<FIRST THRU NODE>``) must be whole numbers written
as digits. A link's cost follows BPR, ``fft * (1 + b * (flow / capacity) ** power)``; a link with
capacity 0 has no delay term (the equilibrium engines treat a capacity of 0 as "no delay", like a
missing one), and the network's ``meta["links_capacity_zero"]`` counts those where ``b > 0``, for
which the BPR formula has no value. AequilibraE refuses every capacity of 0 (``set_capacity_field``:
"zero or negative capacity").

Format variations of the collection's files that the reader takes: metadata tags in any order and
any case, ``~`` comments anywhere, rows with or without a closing ``;``, blank lines, tabs or
spaces, link rows of 5 to 10 columns (the missing trailing ones read as BPR ``b`` 0.15, ``power``
4, no toll, type 1, and ``meta["links_missing_columns"]`` says so), and trips files with any number
of ``destination : flow;`` pairs per line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from corridor.exceptions import InputError, Problem
from corridor.io.files import read_text
from corridor.model import Commodity, Dataset, Demand, DemandRow, Link, Network, Node
from corridor.model.provenance import Provenance, Source, Status

__all__ = ["read_tntp"]

_LINK_COLUMNS = ("init_node", "term_node", "capacity", "length", "free_flow_time", "b", "power",
                 "speed", "toll", "link_type")
_NON_NEGATIVE = frozenset({"capacity", "length", "free_flow_time", "b", "power"})
_REQUIRED = 5  # init_node ... free_flow_time; older files stop after toll (9 columns) or earlier
_DEFAULTS = {"b": 0.15, "power": 4.0, "speed": 0.0, "toll": 0.0, "link_type": 1.0}
_TAG = re.compile(r"^\s*<([^>]*)>(.*)$")
_COUNT = re.compile(r"\d{1,18}")
_SOURCE = Source("TNTP", "Transportation Networks for Research (bstabler/TransportationNetworks)",
                 "Transportation Networks for Research Core Team", "",
                 "https://github.com/bstabler/TransportationNetworks",
                 note="research data; academic use only")

_Rows = list[tuple[int, str]]
_Meta = dict[str, tuple[str, int]]


def _fail(where: str, field: str, message: str) -> NoReturn:
    raise InputError(Problem(where, field, message))


def _number(token: str, where: str, field: str, *, minimum: float | None = None,
            whole: bool = False) -> float:
    try:
        value = float(token)
    except ValueError:
        _fail(where, field, f"expected a number, got {token!r}")
    if not math.isfinite(value):
        _fail(where, field, f"expected a finite number, got {token!r}")
    if whole and not value.is_integer():
        _fail(where, field, f"expected a whole number, got {token!r}")
    if minimum is not None and value < minimum:
        bound = "must not be negative" if minimum == 0 else f"must be at least {minimum:g}"
        _fail(where, field, f"{bound}, got {token}")
    return value


def _node_id(token: str, where: str, field: str) -> str:
    return str(int(_number(token, where, field, minimum=1, whole=True)))


def _read(path: Path, *, metadata: bool = True) -> tuple[_Meta, _Rows]:
    """Return the metadata tags (value, line) and the data rows (line, text without comments)."""
    lines = read_text(path).splitlines()
    meta: _Meta = {}
    start = 0
    if metadata:
        for i, line in enumerate(lines, 1):
            m = _TAG.match(line)
            if m and m.group(1).strip().upper() == "END OF METADATA":
                start = i
                break
            if m:
                meta[m.group(1).strip().upper()] = (m.group(2).split("~", 1)[0].strip(), i)
            elif line.split("~", 1)[0].strip():
                _fail(f"{path}:{i}", "metadata", "data before <END OF METADATA>; a TNTP file "
                      "opens with <TAG> lines closed by <END OF METADATA>")
        else:
            _fail(f"{path}:{len(lines)}", "metadata", "no <END OF METADATA> line; is this a TNTP file?")
        _check_counts(meta, path)
    rows = [(i, line.split("~", 1)[0].strip()) for i, line in enumerate(lines[start:], start + 1)]
    return meta, [(i, text) for i, text in rows if text and not _TAG.match(text)]


def _is_count_tag(tag: str) -> bool:
    return tag.startswith("NUMBER OF ") or tag == "FIRST THRU NODE"


def _check_counts(meta: _Meta, path: Path) -> None:
    """Refuse a count in the metadata that is not a whole number written as digits."""
    for tag, (value, line) in meta.items():
        if _is_count_tag(tag):
            _count(value, f"{path}:{line}", tag)


def _count(value: str, where: str, tag: str) -> int:
    token = value.rstrip(";").strip()
    if not _COUNT.fullmatch(token):
        shown = token if len(token) <= 40 else token[:39] + "…"
        _fail(where, tag, f"expected a whole number (a count), got {shown!r}")
    return int(token)


def _meta_count(meta: _Meta, tag: str, path: Path, *, required: bool = True) -> int | None:
    if tag not in meta:
        if required:
            _fail(f"{path}:1", tag, "missing from the metadata block")
        return None
    value, line = meta[tag]
    return _count(value, f"{path}:{line}", tag)


def _meta_number(meta: _Meta, tag: str, path: Path) -> float | None:
    if tag not in meta:
        return None
    value, line = meta[tag]
    return _number(value.rstrip(";").strip(), f"{path}:{line}", tag, minimum=0)


def _link_values(tokens: list[str], where: str) -> dict[str, float]:
    """The numeric columns of one link row, checked; missing trailing columns take :data:`_DEFAULTS`."""
    v = dict(_DEFAULTS)
    v.update({c: _number(t, where, c, minimum=0 if c in _NON_NEGATIVE else None)
              for c, t in zip(_LINK_COLUMNS[2:], tokens[2:], strict=False)})
    return v


def _read_links(path: Path) -> tuple[list[Link], int, int, dict[str, str]]:
    """Links of a ``_net.tntp`` file, with its number of zones, first thru node and notes for the meta."""
    meta, rows = _read(path)
    zones = _meta_count(meta, "NUMBER OF ZONES", path) or 0
    first_thru = _meta_count(meta, "FIRST THRU NODE", path, required=False) or 1
    declared = _meta_count(meta, "NUMBER OF LINKS", path) or 0
    links: list[Link] = []
    seen: dict[str, int] = {}
    short = stuck = 0
    prov = {"time_h": Provenance("TNTP", Status.ESTIMATE), "distance_km": Provenance("TNTP", Status.ESTIMATE)}
    for line, text in rows:
        where = f"{path}:{line}"
        tokens = text.removesuffix(";").split()
        if not _REQUIRED <= len(tokens) <= len(_LINK_COLUMNS):
            _fail(where, "", f"has {len(tokens)} columns, expected {_REQUIRED} to {len(_LINK_COLUMNS)} "
                  f"({' '.join(_LINK_COLUMNS)}; missing trailing ones take BPR b 0.15, power 4, no toll)")
        short += len(tokens) < len(_LINK_COLUMNS)
        a, b = _node_id(tokens[0], where, "init_node"), _node_id(tokens[1], where, "term_node")
        if a == b:
            _fail(where, "term_node", f"link {a}-{b} starts and ends at the same node")
        v = _link_values(tokens, where)
        stuck += v["capacity"] == 0 and v["b"] > 0
        kind = v["link_type"]
        base = f"{a}-{b}"
        seen[base] = seen.get(base, 0) + 1
        links.append(Link(
            f"{base}-{seen[base]}" if seen[base] > 1 else base, a, b, "road", oneway=True,
            distance_km=v["length"], time_h=v["free_flow_time"], vdf_alpha=v["b"], vdf_beta=v["power"],
            vdf_capacity=v["capacity"], toll=v["toll"],
            link_type=str(int(kind)) if kind.is_integer() else tokens[9],
            provenance=dict(prov), origin=where,
        ))
    if len(links) != declared:
        _fail(f"{path}:{meta['NUMBER OF LINKS'][1]}", "NUMBER OF LINKS",
              f"the metadata says {declared} links but the file has {len(links)}")
    notes = {}
    if short:
        notes["links_missing_columns"] = (f"{short} link rows have fewer than {len(_LINK_COLUMNS)} columns; the "
                                          "missing trailing ones were read as b 0.15, power 4, speed 0, toll 0, type 1")
    if stuck:
        notes["links_capacity_zero"] = (f"{stuck} links have capacity 0 and b > 0: their BPR delay has no value, so "
                                        "they are read without a delay term (the free-flow time at any flow)")
    return links, zones, first_thru, notes


def _read_coords(path: Path, ids: set[str]) -> tuple[dict[str, tuple[float, float]], str]:
    """Coordinates of a ``_node.tntp`` file if they are lon/lat for every node, and a note."""
    _, rows = _read(path, metadata=False)
    coords: dict[str, tuple[float, float]] = {}
    for k, (line, text) in enumerate(rows):
        tokens = text.removesuffix(";").split()
        where = f"{path}:{line}"
        if not tokens or (k == 0 and not tokens[0].replace(".", "", 1).isdigit()):
            continue  # header "Node X Y ;"
        if len(tokens) < 3:
            _fail(where, "", f"has {len(tokens)} columns, expected node, X and Y")
        node = _node_id(tokens[0], where, "node")
        coords[node] = (_number(tokens[1], where, "X"), _number(tokens[2], where, "Y"))
    if not ids <= coords.keys():
        return {}, "none (the node file lacks some nodes)"
    if not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in coords.values()):
        return {}, "none (node file X/Y are not lon/lat degrees)"
    return coords, "from node file"


def _pairs(text: str, where: str) -> list[tuple[str, float]]:
    """Parse ``dest : flow;`` pairs of one line of a trips file."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        dest, sep, flow = part.partition(":")
        if not sep:
            _fail(where, "", f"expected 'destination : flow', got {part!r}")
        out.append((_node_id(dest.strip(), where, "destination"),
                    _number(flow.strip(), where, "flow", minimum=0)))
    return out


@dataclass
class _Trips:
    """OD rows read so far from a trips file, and the totals for the network's notes."""

    nodes: set[str]
    rows: list[DemandRow] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    origin: str | None = None
    total: float = 0.0
    intra_n: int = 0
    intra_flow: float = 0.0

    def set_origin(self, token: str, where: str) -> None:
        self.origin = _node_id(token, where, "origin")
        if self.origin not in self.nodes:
            _fail(where, "origin", f"unknown node {self.origin!r}: no link of the network touches it")

    def add(self, dest: str, flow: float, where: str) -> None:
        origin = self.origin
        if origin is None:
            _fail(where, "origin", "destination flows before the first 'Origin' line")
        if dest not in self.nodes:
            _fail(where, "destination", f"unknown node {dest!r}: no link of the network touches it")
        if (origin, dest) in self.seen:
            _fail(where, "destination", f"OD pair {origin}-{dest} appears twice")
        self.seen.add((origin, dest))
        self.total += flow
        if origin == dest:
            self.intra_n, self.intra_flow = self.intra_n + (flow > 0), self.intra_flow + flow
        elif flow > 0:
            self.rows.append(DemandRow(f"{origin}-{dest}", origin, dest, "trips", 0, flow, group="tntp",
                                       provenance={"tonnes": Provenance("TNTP", Status.ESTIMATE)},
                                       origin_ref=where))


def _read_trips(path: Path, nodes: set[str], zones: int) -> tuple[list[DemandRow], dict[str, str]]:
    """OD rows of a ``_trips.tntp`` file (no intrazonal trips) and notes for the network meta."""
    meta, rows = _read(path)
    declared_zones = _meta_count(meta, "NUMBER OF ZONES", path, required=False)
    if declared_zones is not None and declared_zones != zones:
        _fail(f"{path}:{meta['NUMBER OF ZONES'][1]}", "NUMBER OF ZONES",
              f"is {declared_zones} but the network file says {zones}")
    trips = _Trips(nodes)
    for line, text in rows:
        where = f"{path}:{line}"
        if text.lower().startswith("origin"):
            trips.set_origin(text[6:].strip().rstrip(";").strip(), where)
            continue
        for dest, flow in _pairs(text, where):
            trips.add(dest, flow, where)
    notes = {"intrazonal_ignored": str(trips.intra_n), "intrazonal_flow": repr(trips.intra_flow)}
    declared = _meta_number(meta, "TOTAL OD FLOW", path)
    if declared is not None:
        notes["total_od_flow"] = repr(declared)
        if not math.isclose(trips.total, declared, rel_tol=1e-6):
            notes["total_od_flow_mismatch"] = f"the metadata says {declared:g}, the OD rows sum to {trips.total:g}"
    return trips.rows, notes


def _locate(path: Path) -> Path:
    """Find the ``_net.tntp`` file at ``path`` (a folder holding exactly one, or the file itself)."""
    if path.is_dir():
        found = sorted(path.glob("*_net.tntp"))
        if not found:
            _fail(str(path), "", "no *_net.tntp file in this folder")
        if len(found) > 1:
            _fail(str(path), "", f"{len(found)} *_net.tntp files ({', '.join(f.name for f in found)}); "
                  "pass the one to read")
        return found[0]
    if not path.name.endswith("_net.tntp"):
        _fail(str(path), "", "expected a TNTP folder or a file named <name>_net.tntp")
    return path


def read_tntp(path: str | Path, *, trips: str | Path | None = None,
              nodes: str | Path | None = None) -> Dataset:
    r"""Read a TNTP research network and its OD demand.

    Parameters
    ----------
    path
        A folder holding exactly one ``*_net.tntp`` file, or such a file. The
        ``<name>_trips.tntp`` and ``<name>_node.tntp`` files beside it are read if present.
    trips, nodes
        Trips and node-coordinate files to read instead of the ones found beside the network.

    Returns
    -------
    Dataset
        Nodes ``"1"``, ``"2"``... (kind ``zone`` up to the number of zones, zones below the first
        thru node with ``thru=False``), one-way road links with their BPR parameters, and one
        demand row of commodity ``trips`` per OD pair with a positive flow. Units are the file's.

    Raises
    ------
    InputError
        For a missing or ambiguous network file and any bad row, naming file, line and column.

    Notes
    -----
    Node coordinates are kept only when every X/Y lies within lon/lat ranges (SiouxFalls);
    otherwise they are 0.0 and ``meta["coords"]`` says ``none``.

    Examples
    --------
    A one-link network with 7 trips from zone 1 to zone 2:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "Tiny_net.tntp").write_text(
    ...     "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 1\n"
    ...     "<END OF METADATA>\n\n"
    ...     "~ init_node term_node capacity length free_flow_time b power speed toll link_type ;\n"
    ...     "1 2 100 5 3 0.15 4 0 0 1 ;\n")
    >>> _ = (folder / "Tiny_trips.tntp").write_text(
    ...     "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 7.0\n<END OF METADATA>\n\nOrigin 1\n    2 : 7.0;\n")
    >>> ds = read_tntp(folder)
    >>> link = ds.network.links[0]
    >>> ds.network.name, link.id, link.time_h, link.vdf_capacity
    ('Tiny', '1-2', 3.0, 100.0)
    >>> [(r.origin, r.destination, r.tonnes) for r in ds.demand.rows]
    [('1', '2', 7.0)]
    """
    given = Path(path)
    if not given.exists():
        _fail(str(given), "", "no such file or folder")
    net_file = _locate(given)
    prefix = net_file.name[: -len("_net.tntp")]
    trips_file = Path(trips) if trips is not None else net_file.with_name(f"{prefix}_trips.tntp")
    node_file = Path(nodes) if nodes is not None else net_file.with_name(f"{prefix}_node.tntp")

    links, zones, first_thru, link_notes = _read_links(net_file)
    ids = sorted({lk.a for lk in links} | {lk.b for lk in links}, key=int)
    coords: dict[str, tuple[float, float]] = {}
    coords_note = "none"
    if nodes is not None or node_file.exists():
        coords, coords_note = _read_coords(node_file, set(ids))
    tntp = {"coords": Provenance("TNTP", Status.ESTIMATE)} if coords else {}
    net_nodes = tuple(
        Node(i, i, "", "zone" if int(i) <= zones else "junction", *coords.get(i, (0.0, 0.0)),
             thru=not (int(i) <= zones and int(i) < first_thru), provenance=dict(tntp))
        for i in ids
    )
    meta = {"format": "tntp", "path": str(given), "time_unit": "as in the file (TNTP free-flow time)",
            "demand_unit": "trips per period (TNTP)", "zones": str(zones),
            "first_thru_node": str(first_thru), "coords": coords_note, **link_notes}
    rows: list[DemandRow] = []
    if trips is not None or trips_file.exists():
        rows, notes = _read_trips(trips_file, set(ids), zones)
        meta.update(notes)
    network = Network(
        name=prefix, nodes=net_nodes, links=tuple(links),
        commodities=(Commodity("trips", "Trips (TNTP demand)", unit="t", modes=frozenset({"road"})),),
        sources={"TNTP": _SOURCE}, meta=meta,
    )
    return Dataset(network, Demand(tuple(rows)))
