"""Networks as CSV tables.

A network is a folder with ``nodes.csv``, ``links.csv`` and optional ``transfers.csv``,
``commodities.csv``, ``sources.csv``, ``tariffs.csv``, ``demand.csv``, ``facilities.csv`` (shared
capacities) and ``fleets.csv`` (the vessels of sea lines).

Columns are described in :mod:`corridor.io.schema`. Unknown columns are errors (a column
``distance_mi`` is a unit that corridor does not read); errors name ``file:line`` and the column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem
from corridor.io.files import atomic_dir, read_text
from corridor.io.schema import TABLES, Catalogue, Table, record_to_row, row_to_record
from corridor.model import Commodity, Dataset, Demand, Network, Source
from corridor.model.tariffs import TariffTable, tariff_problems
from corridor.model.validity import period_problems

__all__ = ["csv_text", "read_csv_dataset", "read_demand_csv", "read_status_table", "read_table", "write_csv_dataset"]

REQUIRED_FILES = ("nodes", "links")
OPTIONAL_FILES = ("transfers", "commodities", "sources", "tariffs", "demand", "facilities", "fleets")


def read_table(path: Path, table: Table, problems: list[Problem]) -> list[Any]:
    """Read one CSV table into records, adding any problems to ``problems``.

    Raises
    ------
    InputError
        If the file cannot be read as text (see :func:`corridor.io.files.read_text`) or its header
        cannot be parsed; every other problem goes to ``problems``, each with file, line and column.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.io.schema import TABLES
    >>> problems = []
    >>> nodes = read_table(data.path() / "nodes.csv", TABLES["nodes"], problems)
    >>> nodes[0].id, problems
    ('xian', [])
    """
    text = read_text(path)
    name = str(path)
    csv.field_size_limit(10_000_000)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as e:
        raise InputError(Problem(f"{name}:1", "", f"cannot parse the header: {e}")) from None
    if not _check_header(header, table, f"{name}:1", problems) or len(problems) > 200:
        return []
    records: list[Any] = []
    try:
        for values in reader:
            rec = _read_row(values, header, table, f"{name}:{reader.line_num}", problems)
            if rec is not None:
                records.append(rec)
            if len(problems) > 200:
                break
    except csv.Error as e:
        problems.append(Problem(f"{name}:{reader.line_num}", "", f"malformed CSV: {e}"))
    return records


def _check_header(header: list[str], table: Table, where: str, problems: list[Problem]) -> bool:
    """Report repeated, unknown and missing columns; False if a required column is missing."""
    known = set(table.names)
    seen: set[str] = set()
    for h in header:
        if h in seen:
            problems.append(Problem(where, h, "column appears twice"))
        seen.add(h)
        if h not in known:
            problems.append(Problem(where, h, f"unknown column{_unit_hint(h, known)}"))
    missing = [c for c in table.required if c not in seen]
    if missing:
        problems.append(Problem(where, ",".join(missing), "required column(s) missing"))
    return not missing


def _read_row(values: list[str], header: list[str], table: Table, where: str, problems: list[Problem]) -> Any:
    """One data row as a record, or None (a blank row, or one with problems)."""
    if not values or all(not v.strip() for v in values):
        return None
    if len(values) != len(header):
        problems.append(Problem(where, "", f"has {len(values)} fields, the header has {len(header)}"))
        return None
    return row_to_record(table, dict(zip(header, values, strict=True)), where, problems)


def _unit_hint(column: str, known: set[str]) -> str:
    stem = column.rsplit("_", 1)[0]
    close = sorted(k for k in known if k.startswith(stem + "_") and not k.endswith(("_source", "_status")))
    if close:
        return f" (expected {', '.join(close)}: corridor reads these units only)"
    return ""


def read_csv_dataset(folder: Path, *, default_commodities: Catalogue | None = None) -> Dataset:
    """Read a network (and demand, if ``demand.csv`` exists) from a folder of CSV tables.

    Dated variants of a record (``valid_from``/``valid_to``) are all kept; two variants of one id
    valid in the same year are an error. Select a year with :meth:`corridor.model.Network.as_of`.

    Without ``commodities.csv`` the network gets ``default_commodities`` (commodities and the
    sources they cite; :func:`corridor.data.load` passes the standard ones of the built-in data),
    or none.

    Raises
    ------
    InputError
        Listing every problem found, each with file, line and column.

    Examples
    --------
    >>> from corridor import data
    >>> ds = read_csv_dataset(data.path("eurasia"))
    >>> ds.network.meta["format"], len(ds.network.nodes) == len(data.load().network.nodes)
    ('csv', True)
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(Problem(str(folder), "", "not a folder of CSV tables"))
    problems: list[Problem] = []
    tables: dict[str, list[Any]] = {}
    for name in REQUIRED_FILES + OPTIONAL_FILES:
        path = folder / f"{name}.csv"
        if not path.exists():
            if name in REQUIRED_FILES:
                problems.append(Problem(str(path), "", "file not found (a CSV network needs nodes.csv and links.csv)"))
            continue
        tables[name] = read_table(path, TABLES[name], problems)
    for name, kind in (("nodes", "node"), ("links", "link"), ("transfers", "transfer"), ("facilities", "facility"),
                       ("fleets", "vessel group")):
        problems += period_problems(tables.get(name, []), kind)
    if problems:
        raise InputError(problems)
    sources: dict[str, Source] = {s.key: s for s in tables.get("sources", [])}
    commodities: list[Commodity] = tables.get("commodities", [])
    if "commodities" not in tables and default_commodities is not None:
        commodities, std_sources = list(default_commodities[0]), dict(default_commodities[1])
        sources = {**std_sources, **sources}
    tariff_rows = tables.get("tariffs", [])
    problems = tariff_problems(tariff_rows, {c.id: c for c in commodities})
    if problems:
        raise InputError(problems)
    net = Network(
        name=folder.name,
        nodes=tuple(tables["nodes"]),
        links=tuple(tables["links"]),
        transfers=tuple(tables.get("transfers", [])),
        commodities=tuple(commodities),
        sources=sources,
        meta={"format": "csv", "path": str(folder)},
        tariffs=TariffTable(tuple(tariff_rows)),
        facilities=tuple(tables.get("facilities", [])),
        fleets=tuple(tables.get("fleets", [])),
    )
    return Dataset(net, Demand(tuple(tables.get("demand", []))))


def read_demand_csv(path: Path) -> Demand:
    """Read a demand table (the columns of ``demand.csv``) from one CSV file.

    Raises
    ------
    InputError
        Naming file, line and column for every problem.

    Examples
    --------
    >>> from corridor import data
    >>> demand = read_demand_csv(data.path() / "demand.csv")
    >>> row = demand.rows[0]
    >>> row.origin, row.destination, row.commodity, row.tonnes
    ('ekibastuz', 'chelyabinsk', 'coal', 24900000.0)
    """
    problems: list[Problem] = []
    rows = read_table(Path(path), TABLES["demand"], problems)
    if problems:
        raise InputError(problems)
    return Demand(tuple(rows))


def csv_text(table: Table, records: list[Any]) -> str:
    """The records as the text of a CSV file of ``table`` (header first).

    Examples
    --------
    >>> from corridor import data
    >>> text = csv_text(TABLES["nodes"], data.load().network.nodes[:2])
    >>> len(text.splitlines()), text.split(",")[:3]
    (3, ['id', 'name', 'country'])
    """
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(table.names), lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow(record_to_row(table, r, text=True))
    return buf.getvalue()


def write_csv_dataset(dataset: Dataset | Network, folder: Path) -> Path:
    """Write a dataset as CSV tables into ``folder`` (created if needed), atomically.

    Raises
    ------
    InputError
        If ``folder`` exists and is not a folder, or cannot be written (naming it and the reason).

    Examples
    --------
    >>> import tempfile
    >>> from corridor import data
    >>> folder = write_csv_dataset(data.load(), Path(tempfile.mkdtemp()) / "net")
    >>> sorted(p.name for p in folder.iterdir())[:4]
    ['commodities.csv', 'demand.csv', 'facilities.csv', 'fleets.csv']
    >>> len(read_csv_dataset(folder).network.links) == len(data.load().network.links)
    True
    """
    if isinstance(dataset, Network):
        dataset = Dataset(dataset)
    net = dataset.network
    content: dict[str, list[Any]] = {
        "nodes": list(net.nodes),
        "links": list(net.links),
        "transfers": list(net.transfers),
        "commodities": list(net.commodities),
        "sources": list(net.sources.values()),
        "demand": list(dataset.demand.rows),
    }
    if net.tariffs.rows:
        content["tariffs"] = list(net.tariffs.rows)
    content.update({name: list(getattr(net, name)) for name in ("facilities", "fleets") if getattr(net, name)})
    folder = Path(folder)
    with atomic_dir(folder) as tmp:
        for name, records in content.items():
            (tmp / f"{name}.csv").write_text(csv_text(TABLES[name], records), encoding="utf-8")
    return folder


def read_status_table(path: str | Path, name: str, file_name: str) -> tuple[list[Any], list[Problem]]:
    """Read a table whose rows carry a ``status`` (``targets.csv``, ``choice.csv``): records and problems.

    ``path`` is the file, or a dataset folder holding ``file_name`` (none there gives no records).
    A problem names the file and line of each malformed field and each unknown status.

    Examples
    --------
    >>> from corridor import data
    >>> targets, problems = read_status_table(data.path(), "targets", "targets.csv")
    >>> targets[0].measure, targets[0].status, problems
    ('titr_t', 'measured', [])
    """
    from corridor.model.provenance import Status

    file = Path(path)
    if file.is_dir():
        file = file / file_name
        if not file.exists():
            return [], []
    problems: list[Problem] = []
    records = read_table(file, TABLES[name], problems)
    statuses = {s.value for s in Status}
    problems += [Problem(r.origin or str(file), "status", f"unknown status {r.status!r}")
                 for r in records if r.status not in statuses]
    return records, problems
