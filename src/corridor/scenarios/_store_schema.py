"""The run store's tables (schema version 4), declared once.

The DDL, the writers, the readers and docs/STORE.md all follow these declarations.

Result tables come in as the DataFrames the engines produce (``link_flows``, ``od``, ``capacities``,
``transfers``, ``geometry``, ``hub_kpis``, ``hub_series``) and are stored in native tables whose
column names need no quoting in SQL (``from`` is ``from_node``, ``group`` is ``demand_group``). Each
declared column says its SQL name, its DuckDB type, its unit and, for the tables of
:meth:`RunStore.finish <corridor.scenarios.store.RunStore.finish>`, the column name on the Python side.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BY_PYTHON_NAME",
    "DATA_TABLES",
    "MEASURE_METRICS",
    "SAMPLE_GATEWAYS",
    "SAMPLE_METRICS",
    "SCHEMA_VERSION",
    "TABLES",
    "Column",
    "Table",
    "ddl",
    "schema_statements",
]

SCHEMA_VERSION = 4
"""Version of the tables below; stored in ``meta`` and checked on every connection. Version 3 added the
physical measures (:data:`MEASURE_METRICS`) to ``samples``; version 4 the tonnes by export gateway of
each sample (:data:`SAMPLE_GATEWAYS`)."""


@dataclass(frozen=True)
class Column:
    """One column of a store table.

    Parameters
    ----------
    name
        Its name in SQL.
    type
        Its DuckDB type.
    unit
        Unit of its values (``""`` for names and labels).
    doc
        What it holds, for docs/STORE.md.
    py
        Its name in the DataFrame given to and returned by the store (None: not a DataFrame column).
    required
        ``NOT NULL``.

    Examples
    --------
    >>> tonnes = [c for c in LINK_FLOWS.columns if c.name == "tonnes"][0]
    >>> tonnes.type, tonnes.unit, tonnes.py
    ('DOUBLE', 't/yr', 'tonnes')
    """

    name: str
    type: str
    unit: str = ""
    doc: str = ""
    py: str | None = None
    required: bool = False


@dataclass(frozen=True)
class Table:
    """One store table.

    Parameters
    ----------
    name
        Its name in SQL.
    doc
        What one row is.
    columns
        Its columns, in order.
    key
        Its primary key.
    py
        Its name in :meth:`RunStore.tables <corridor.scenarios.store.RunStore.tables>` (None: not a
        table given to ``finish``).
    order
        The column that keeps the order of the DataFrame's rows (``seq``, from 0), if any.
    check
        An extra table constraint.

    Examples
    --------
    >>> LINK_FLOWS.name, LINK_FLOWS.py, LINK_FLOWS.key
    ('link_flows', 'link_flows', ('run_id', 'seq'))
    """

    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    py: str | None = None
    order: str | None = None
    check: str = ""

    def column(self, name: str) -> Column:
        """The column of this SQL name."""
        return next(c for c in self.columns if c.name == name)

    @property
    def data_columns(self) -> tuple[Column, ...]:
        """The columns that come from a DataFrame."""
        return tuple(c for c in self.columns if c.py is not None)


def _c(name: str, type_: str, unit: str = "", doc: str = "", *, py: str | None = "", required: bool = False) -> Column:
    """A column; ``py=""`` means the same name on the Python side, ``py=None`` no Python column."""
    return Column(name, type_, unit, doc, name if py == "" else py, required)


_RUN = _c("run_id", "TEXT", "", "the run (``runs.run_id``)", py=None, required=True)
_SEQ = _c("seq", "INTEGER", "", "position of the row in the run's table, from 0", py=None, required=True)
_SWEEP = _c("sweep_id", "TEXT", "", "the sweep run (``runs.run_id``)", py=None, required=True)
_IDX = _c("idx", "INTEGER", "", "sample index, from 0", py=None, required=True)
_FROM = _c("from_node", "TEXT", "", "node the flow leaves (link direction)", py="from")
_TO = _c("to_node", "TEXT", "", "node the flow enters", py="to")
_CAPACITY_ROW = (
    _c("kind", "TEXT", "", "``link``, ``transfer``, ``facility`` or ``fleet``"),
    _c("capacity_id", "TEXT", "", "the link, transfer, facility or fleet id", py="id"),
    _c("from_node", "TEXT", "", "link or fleet direction's tail; empty for transfers", py="from"),
    _c("to_node", "TEXT", "", "link or fleet direction's head; empty for transfers", py="to"),
    _c("unit", "TEXT", "", "unit of ``capacity`` and ``flow``: ``t/yr``, ``TEU/yr`` or ``wagons/yr``"),
    _c("capacity", "DOUBLE", "unit", "capacity; null if unlimited"),
    _c("flow", "DOUBLE", "unit", "flow through it"),
    _c("utilisation", "DOUBLE", "share", "flow / capacity; null if the capacity is 0 or unlimited"),
)

META = Table("meta", "Facts about the store: ``schema_version``, ``created_by``, ``migrated_from``.", (
    _c("key", "TEXT", required=True, py=None, doc="the fact"),
    _c("value", "TEXT", required=True, py=None, doc="its value"),
), key=("key",))

RUNS = Table("runs", "One row per run (scenario, baseline, sweep or hub).", (
    _c("run_id", "TEXT", "", "``YYYYMMDD-HHMMSS.mmm-xxxxxx`` (UTC start time, random suffix)", py=None, required=True),
    _c("kind", "TEXT", "", "``scenario``, ``baseline``, ``sweep`` or ``hub``", py=None, required=True),
    _c("name", "TEXT", "", "the scenario's (or hub config's) name", py=None, required=True),
    _c("status", "TEXT", "", "``running``, ``done``, ``failed`` or ``interrupted``", py=None, required=True),
    _c("spec", "JSON", "", "what was run (the scenario spec, sweep settings, hub config)", py=None,
       required=True),
    _c("spec_hash", "TEXT", "", "SHA-256 of the canonical JSON of the spec (reuse of identical runs)", py=None,
       required=True),
    _c("code_version", "TEXT", "", "corridor version, ``+g<commit>`` from a git checkout", py=None, required=True),
    _c("seed", "UBIGINT", "", "the run's seed", py=None),
    _c("parent_id", "TEXT", "", "a related run (a scenario's baseline)", py=None),
    _c("created", "TIMESTAMP", "UTC", "when the run was recorded", py=None, required=True),
    _c("started", "TIMESTAMP", "UTC", "when it started", py=None),
    _c("finished", "TIMESTAMP", "UTC", "when it finished or failed", py=None),
    _c("elapsed_s", "DOUBLE", "s", "wall-clock time", py=None),
    _c("summary", "JSON", "", "the run's results as JSON (totals, by commodity and corridor, KPIs...)", py=None),
    _c("error", "TEXT", "", "what went wrong (failed and interrupted runs)", py=None),
), key=("run_id",), check="CHECK (status IN ('running', 'done', 'failed', 'interrupted'))")

RUN_TABLES = Table("run_tables", "One row per result table of a run: which native table holds it, and its "
                   "columns and pandas dtypes (so that it comes back exactly as given).", (
    _RUN,
    _c("name", "TEXT", "", "the table's name in Python (``link_flows``, ``od``...)", py=None, required=True),
    _c("sql_table", "TEXT", "", "the native table holding its rows", py=None, required=True),
    _c("n_rows", "BIGINT", "rows", "number of rows", py=None, required=True),
    _c("columns", "JSON", "", "``[[column, pandas dtype], ...]`` in the order given", py=None, required=True),
), key=("run_id", "name"))

LINK_FLOWS = Table("link_flows", "One row per run, link direction and commodity with a non-zero flow.", (
    _RUN, _SEQ,
    _c("link", "TEXT", "", "link id"),
    _FROM, _TO,
    _c("mode", "TEXT", "", "``rail-1520``, ``rail-1435``, ``road``, ``sea``, ``rail-ferry``, ``feeder``..."),
    _c("corridor", "TEXT", "", "corridor tag of the link (``northern``, ``trans-caspian``...)"),
    _c("commodity", "TEXT", "", "commodity id"),
    _c("tonnes", "DOUBLE", "t/yr", "flow"),
), key=("run_id", "seq"), py="link_flows", order="seq")

TRANSFER_FLOWS = Table("transfer_flows", "One row per run and transfer (port handling, gauge change, border "
                       "clearance...) with its throughput.", (
    _RUN, _SEQ,
    _c("transfer_id", "TEXT", "", "transfer id", py="id"),
    _c("kind", "TEXT", "", "``gauge-change``, ``transshipment``, ``border-clearance`` or ``port-handling``"),
    _c("node", "TEXT", "", "node it sits at"),
    _c("tonnes", "DOUBLE", "t/yr", "throughput"),
), key=("run_id", "seq"), py="transfers", order="seq")

OD_RESULTS = Table("od_results", "One row per run and demand row: what was asked for and what was served.", (
    _RUN, _SEQ,
    _c("demand_id", "TEXT", "", "demand row id", py="id"),
    _c("origin", "TEXT", "", "origin node"),
    _c("destination", "TEXT", "", "destination node"),
    _c("commodity", "TEXT", "", "commodity id"),
    _c("demand_group", "TEXT", "", "demand group (``kz-export-rail``...)", py="group"),
    _c("demand_t", "DOUBLE", "t/yr", "demand"),
    _c("served_t", "DOUBLE", "t/yr", "demand served"),
    _c("unserved_t", "DOUBLE", "t/yr", "demand left unserved (rows of one commodity, origin and destination "
       "share it in proportion to demand)"),
    _c("reason", "TEXT", "", "why unserved: ``\"\"`` (all served), ``capacity`` or ``no route``"),
    _c("usd_per_t", "DOUBLE", "USD/t", "generalised cost per served tonne; null until an engine reports it"),
    _c("hours_per_t", "DOUBLE", "h", "transit time of a served tonne; null until an engine reports it"),
), key=("run_id", "seq"), py="od", order="seq")

CAPACITIES = Table("capacities", "One row per run and capacity row (link direction, transfer, facility or fleet "
                   "direction, per unit).", (
    _RUN, _SEQ, *_CAPACITY_ROW,
    _c("usd_per_unit", "DOUBLE", "USD/yr per unit", "value of one more unit of capacity (LP dual; 0 when "
       "not binding and in equilibrium runs)"),
), key=("run_id", "seq"), py="capacities", order="seq")

BOTTLENECKS = Table("bottlenecks", "One row per run and binding (LP) or most delayed (equilibrium) capacity, "
                    "ranked; written from the run summary's ``bottlenecks`` (LP) or ``congestion`` "
                    "(equilibrium) when the run finishes.", (
    _RUN,
    _c("rank", "INTEGER", "", "1 = most valuable (LP) or most delayed (equilibrium)", py=None, required=True),
    _c("ranked_by", "TEXT", "", "``usd_per_t_yr`` (LP) or ``delay_h`` (equilibrium)", py=None),
    *_CAPACITY_ROW,
    _c("usd_per_unit", "DOUBLE", "USD/yr per unit", "value of one more unit of capacity (LP)"),
    _c("usd_per_t_yr", "DOUBLE", "USD/yr per t/yr", "the same per tonne per year of capacity (LP)"),
    _c("usd_per_mt_yr", "DOUBLE", "USD/yr per Mt/yr", "the same per million tonnes per year (LP)"),
    _c("usd_per_teu_yr", "DOUBLE", "USD/yr per TEU/yr", "the same per TEU per year (LP, TEU rows)"),
    _c("free_time_h", "DOUBLE", "h", "time through it with no flow (equilibrium)"),
    _c("delay_h", "DOUBLE", "h", "delay at the equilibrium flow (equilibrium)"),
), key=("run_id", "rank"))

LINK_GEOMETRY = Table("link_geometry", "One row per run and link direction: where it runs, so that link flows "
                      "can be drawn (GeoJSON export) from the store alone.", (
    _RUN, _SEQ,
    _c("link", "TEXT", "", "link id"),
    _FROM, _TO,
    _c("mode", "TEXT", "", "mode"),
    _c("corridor", "TEXT", "", "corridor tag"),
    _c("lon_from", "DOUBLE", "degrees", "longitude of ``from_node`` (WGS 84)"),
    _c("lat_from", "DOUBLE", "degrees", "latitude of ``from_node``"),
    _c("lon_to", "DOUBLE", "degrees", "longitude of ``to_node``"),
    _c("lat_to", "DOUBLE", "degrees", "latitude of ``to_node``"),
), key=("run_id", "seq"), py="geometry", order="seq")

_V2_METRICS = (
    _c("unserved_t", "DOUBLE", "t/yr", "demand left unserved"),
    _c("served_t", "DOUBLE", "t/yr", "demand served"),
    _c("demand_t", "DOUBLE", "t/yr", "demand"),
    _c("total_cost_usd", "DOUBLE", "USD/yr", "generalised cost of the served flow"),
    _c("tonne_km", "DOUBLE", "t·km/yr", "tonne-kilometres"),
    _c("co2e_kg", "DOUBLE", "kg CO2e/yr", "emissions"),
    _c("hours_t", "DOUBLE", "t·h/yr", "tonne-hours in transit"),
    _c("binding", "TEXT", "", "binding capacities as ``kind:id`` joined by ``;`` (also in ``sample_binding``)"),
    _c("warm", "BOOLEAN", "", "solved from the previous sample's basis"),
    _c("status", "TEXT", "", "solver status (``optimal``; equilibrium: ``equilibrium``/``not converged``)"),
    _c("gap", "DOUBLE", "share", "relative gap reached (equilibrium sweeps)"),
    _c("converged", "BOOLEAN", "", "the gap target was reached (equilibrium sweeps)"),
)
MEASURE_METRICS = (
    _c("served_teu", "DOUBLE", "TEU/yr", "containers served"),
    _c("russia_t", "DOUBLE", "t/yr", "served tonnes whose route touches Russia"),
    _c("russia_teu", "DOUBLE", "TEU/yr", "served TEU whose route touches Russia"),
    _c("titr_t", "DOUBLE", "t/yr", "dry cargo and containers across the Caspian between KZ/TM and AZ"),
    _c("titr_teu", "DOUBLE", "TEU/yr", "containers across the Caspian between KZ/TM and AZ"),
    _c("caspian_oil_t", "DOUBLE", "t/yr", "oil across the Caspian by tanker"),
    _c("kz_transit_teu", "DOUBLE", "TEU/yr", "containers with both ends outside Kazakhstan routed through it"),
)
"""The physical measures of a sample (:mod:`corridor.assignment.measures`), added in version 3; null in
samples recorded before."""
SAMPLE_METRICS = (*_V2_METRICS, *MEASURE_METRICS)
"""The metrics of a sweep sample, one typed column each (``by_corridor_t`` goes to ``sample_corridors``,
``by_gateway_t`` to ``sample_gateways``)."""

SAMPLES = Table("samples", "One row per sweep sample: its seed, time and metrics.", (
    _SWEEP, _IDX,
    _c("seed", "UBIGINT", "", "the sample's own seed (child ``idx`` of the sweep's SeedSequence)", py=None),
    _c("elapsed_s", "DOUBLE", "s", "time to solve it", py=None),
    *SAMPLE_METRICS,
), key=("sweep_id", "idx"), py="samples")

SAMPLE_PARAMS = Table("sample_params", "One row per sweep sample and uncertain parameter: the value drawn.", (
    _SWEEP, _IDX,
    _c("name", "TEXT", "", "parameter name (``$name`` in the scenario)", py=None, required=True),
    _c("value", "DOUBLE", "the parameter's", "value drawn", py=None),
), key=("sweep_id", "idx", "name"))

SAMPLE_CORRIDORS = Table("sample_corridors", "One row per sweep sample and corridor: tonnes served on routes the "
                         "corridor rule assigns to it (``by_corridor_t`` of the sample; before version 3: link "
                         "entries by corridor tag).", (
    _SWEEP, _IDX,
    _c("corridor", "TEXT", "", "corridor of the routes (see corridor.assignment.measures)", py=None, required=True),
    _c("tonnes", "DOUBLE", "t/yr", "tonnes served on those routes", py=None),
), key=("sweep_id", "idx", "corridor"))

SAMPLE_GATEWAYS = Table("sample_gateways", "One row per sweep sample and export gateway: Kazakh exports leaving "
                        "through it (``by_gateway_t`` of the sample; added in version 4, none for samples "
                        "recorded before).", (
    _SWEEP, _IDX,
    _c("gateway", "TEXT", "", "gateway node: the port of the route's last sea voyage, else the node where it "
       "leaves Kazakhstan (see corridor.assignment.measures)", py=None, required=True),
    _c("tonnes", "DOUBLE", "t/yr", "Kazakh exports (rows from KZ to outside) leaving through it", py=None),
), key=("sweep_id", "idx", "gateway"))

SAMPLE_BINDING = Table("sample_binding", "One row per sweep sample and capacity that binds in it.", (
    _SWEEP, _IDX,
    _c("pos", "INTEGER", "", "position in the sample's ``binding`` list, from 0", py=None, required=True),
    _c("kind", "TEXT", "", "``link``, ``transfer``, ``facility`` or ``fleet`` (null if the entry has no ``kind:``)",
       py=None),
    _c("capacity_id", "TEXT", "", "the link, transfer, facility or fleet id", py=None),
), key=("sweep_id", "idx", "pos"))

HUB_KPIS = Table("hub_kpis", "One row per hub run and KPI: its mean over replications with a 95 % interval.", (
    _RUN, _SEQ,
    _c("kpi", "TEXT", "", "KPI name; its suffix gives the unit: ``_h`` hours, ``_teu`` TEU (``throughput_teu`` "
       "TEU/yr), ``utilisation``/``occupancy``/``share`` a share of 1, ``_calls`` calls, ``days_closed`` days"),
    _c("mean", "DOUBLE", "the KPI's", "mean over replications"),
    _c("sd", "DOUBLE", "the KPI's", "standard deviation over replications (null with one)"),
    _c("ci_low", "DOUBLE", "the KPI's", "lower end of the confidence interval (null with one replication)"),
    _c("ci_high", "DOUBLE", "the KPI's", "upper end of the confidence interval"),
    _c("half_width", "DOUBLE", "the KPI's", "half-width of the interval"),
    _c("level", "DOUBLE", "share", "confidence level (0.95)"),
    _c("p95", "DOUBLE", "the KPI's", "mean of the KPI's 95th-percentile companion (``..._p95_h``), if any"),
    _c("unit", "TEXT", "", "unit of the KPI, when the recorder gives it"),
    _c("n", "INTEGER", "replications", "replications"),
), key=("run_id", "seq"), py="hub_kpis", order="seq")

HUB_SERIES = Table("hub_series", "One row per hub run, daily series and day: the mean over replications.", (
    _RUN, _SEQ,
    _c("series", "TEXT", "", "``yard_occupancy`` (share), ``ships_waiting``, ``trains_waiting`` (count), "
       "``closed_share`` (share of the day), ``teu_out`` (TEU); queue mode: ``wait_h``, ``arrivals``"),
    _c("day", "INTEGER", "day", "day of the measured period, from 1"),
    _c("value", "DOUBLE", "the series'", "mean over replications"),
), key=("run_id", "seq"), py="hub_series", order="seq")

DATA_TABLES = (LINK_FLOWS, TRANSFER_FLOWS, OD_RESULTS, CAPACITIES, LINK_GEOMETRY, HUB_KPIS, HUB_SERIES)
"""Tables that hold the DataFrames given to ``finish`` (except ``samples``)."""

TABLES = (META, RUNS, RUN_TABLES, LINK_FLOWS, TRANSFER_FLOWS, OD_RESULTS, CAPACITIES, BOTTLENECKS, LINK_GEOMETRY,
          SAMPLES, SAMPLE_PARAMS, SAMPLE_CORRIDORS, SAMPLE_GATEWAYS, SAMPLE_BINDING, HUB_KPIS, HUB_SERIES)
"""Every table of the store, in the order of docs/STORE.md."""

BY_PYTHON_NAME = {t.py: t for t in (*DATA_TABLES, SAMPLES) if t.py is not None}
"""Tables by their name on the Python side (``od`` → ``od_results``)."""

_INDEXES = ("CREATE INDEX runs_hash ON runs (spec_hash, kind, status)",)


def ddl(table: Table) -> str:
    """``CREATE TABLE`` for ``table``.

    Examples
    --------
    >>> print(ddl(META))
    CREATE TABLE meta (
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (key)
    )
    """
    cols = [f"{c.name} {c.type}{' NOT NULL' if c.required else ''}" for c in table.columns]
    if table.key:
        cols.append(f"PRIMARY KEY ({', '.join(table.key)})")
    if table.check:
        cols.append(table.check)
    return f"CREATE TABLE {table.name} (\n    " + ",\n    ".join(cols) + "\n)"


def schema_statements() -> list[str]:
    """Every statement that creates an empty store of the current version (tables, then indexes).

    Examples
    --------
    >>> statements = schema_statements()
    >>> statements[0].splitlines()[0], all(s.startswith("CREATE") for s in statements)
    ('CREATE TABLE meta (', True)
    """
    return [*(ddl(t) for t in TABLES), *_INDEXES]
