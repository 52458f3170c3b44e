r"""Shipment logs: one row per event of a shipment, read from CSV or Parquet and validated.

The format (see ``docs/ANALYTICS.md`` and ``shipment-log.schema.json`` beside this module):

=============  ========  ===============================================================
column         required  meaning
=============  ========  ===============================================================
shipment       yes       shipment (trip) id
commodity      yes       commodity carried
mode           yes       mode of the leg the event belongs to, one of :data:`MODES`
event          yes       one of :data:`EVENTS`
time           yes       ISO 8601 with a time zone (``2024-03-01T08:00:00+05:00``, ``...Z``)
node           \*        node id; \* each row needs ``node`` or both ``lon`` and ``lat``
lon, lat       \*        position in degrees (WGS 84)
km             no        cumulative distance marker from the origin, km
tonnes         no        load of the shipment, t (needed for TFI3)
cost_type      no        what a cost item pays for (``customs``, ``freight``, ``unofficial``)
cost_usd       no        amount of the cost item, USD
cost_amount    no        amount in ``currency`` (instead of ``cost_usd``)
currency       no        currency of ``cost_amount`` (ISO 4217: ``USD``, ``KZT``, ``CNY`` ...)
usd_per_unit   no        exchange rate of the row: USD per one unit of ``currency`` (needed unless USD)
direction      no        ``outbound`` or ``inbound``
bcp            no        border-crossing point id of a border event; defaults to ``node``
source         no        where the row comes from (a data provider; ``synthetic ...`` for generated logs)
=============  ========  ===============================================================

Stops are pairs of events, ``<kind>_start`` … ``<kind>_end`` (:data:`STOP_PAIRS`); a border
crossing is the pair ``border_entry`` … ``border_exit``. A trip is the span from its one
``departure`` to its one ``arrival``. ``position`` marks a point passed without stopping (a km
marker, a toll).

Assumptions (documented, not from CPMM): the speed limits of :data:`MAX_SPEED_KMH` above which
two consecutive km markers are reported as impossible.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.exceptions import InputError, Problem
from corridor.model import Network

__all__ = [
    "COLUMNS", "DIRECTIONS", "EVENTS", "MAX_PROBLEMS", "MAX_SPEED_KMH", "MODES", "REQUIRED", "STOP_PAIRS",
    "ShipmentLog", "parse_shipment_log", "read_shipment_log", "shipment_log", "write_shipment_log",
]

#: Stop kinds and their (start, end) events; the time between them is a stop (CPMM "time at stops").
STOP_PAIRS: dict[str, tuple[str, str]] = {
    "border": ("border_entry", "border_exit"),
    "transshipment": ("transshipment_start", "transshipment_end"),
    "inspection": ("inspection_start", "inspection_end"),
    "waiting": ("waiting_start", "waiting_end"),
    "port_call": ("port_call_start", "port_call_end"),
    "loading": ("loading_start", "loading_end"),
    "unloading": ("unloading_start", "unloading_end"),
}
#: Every event type a log may hold.
EVENTS: tuple[str, ...] = ("departure", "arrival", "position",
                           *(e for pair in STOP_PAIRS.values() for e in pair))
#: Assumed top speeds (km/h) between two consecutive km markers; faster is reported as impossible.
MAX_SPEED_KMH: dict[str, float] = {
    "road": 120.0, "rail": 120.0, "sea": 60.0, "rail-ferry": 60.0, "ferry": 60.0, "river": 60.0, "air": 1000.0,
}
#: Modes a log may name.
MODES: tuple[str, ...] = tuple(MAX_SPEED_KMH)
#: Directions a log may name (or leave empty).
DIRECTIONS: tuple[str, ...] = ("outbound", "inbound")
#: Columns that must be present.
REQUIRED: tuple[str, ...] = ("shipment", "commodity", "mode", "event", "time")
#: Every column a log may hold.
COLUMNS: tuple[str, ...] = (*REQUIRED, "node", "lon", "lat", "km", "tonnes", "cost_type", "cost_usd",
                            "cost_amount", "currency", "usd_per_unit", "direction", "bcp", "source")
#: At most this many problems are reported.
MAX_PROBLEMS = 200

_TEXT = ("shipment", "commodity", "mode", "event", "time", "node", "cost_type", "currency", "direction", "bcp",
         "source")
_NUMBERS = ("lon", "lat", "km", "tonnes", "cost_usd", "cost_amount", "usd_per_unit")
_ISO_TZ = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


@dataclass(frozen=True, eq=False)
class ShipmentLog:
    """A validated shipment log.

    Parameters
    ----------
    frame
        One row per event, sorted by shipment then time (file order breaks ties), with the columns
        of :data:`COLUMNS` less ``cost_amount``/``currency`` (folded into ``cost_usd``, 0 when
        absent), ``time`` as UTC timestamps, and ``where`` (``file:line`` of the row).
    source
        The file (or name) the log was read from.

    Examples
    --------
    A made-up one-trip log (rail, Ürümqi to Almaty through Khorgos):

    >>> import pandas as pd
    >>> from corridor.analytics import shipment_log
    >>> rows = [("S1", "departure", "urumqi", "2024-03-01T08:00Z", 0, 0),
    ...         ("S1", "border_entry", "khorgos", "2024-03-02T10:00Z", 670, 0),
    ...         ("S1", "border_exit", "khorgos", "2024-03-02T16:30Z", 670, 150),
    ...         ("S1", "arrival", "almaty", "2024-03-04T08:00Z", 1050, 0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km", "cost_usd"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail", tonnes=20))
    >>> log.shipments, log.source, len(log.frame)
    (['S1'], 'log', 4)
    >>> log.frame[["event", "node", "km"]].head(2)
              event     node     km
    0     departure   urumqi    0.0
    1  border_entry  khorgos  670.0
    """

    frame: pd.DataFrame = field(repr=False)
    source: str = "log"

    @property
    def shipments(self) -> list[str]:
        """The shipment ids, in order."""
        return list(pd.unique(self.frame["shipment"]))


def read_shipment_log(path: str | Path, network: Network | None = None) -> ShipmentLog:
    """Read and validate a shipment log from a ``.csv`` or ``.parquet`` file.

    Parameters
    ----------
    path
        The file; CSV lines are numbered from the header (line 1), Parquet rows from 1.
    network
        When given, every ``node`` must be one of its node ids.

    Returns
    -------
    ShipmentLog
        The validated log.

    Raises
    ------
    InputError
        Listing every problem found (up to :data:`MAX_PROBLEMS`), each with file, line and column.

    Examples
    --------
    Write a log to a temporary folder and read it back:

    >>> import os, tempfile
    >>> import pandas as pd
    >>> df = pd.DataFrame({"shipment": "S1", "commodity": "grain", "mode": "rail",
    ...                    "event": ["departure", "arrival"], "node": ["astana", "aktau"],
    ...                    "time": ["2024-05-01T06:00+05:00", "2024-05-04T18:00+05:00"]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_shipment_log(df, os.path.join(folder, "log.csv"))
    ...     log = read_shipment_log(path)
    >>> log.shipments, log.frame["time"].dt.strftime("%Y-%m-%d %H:%M").tolist()
    (['S1'], ['2024-05-01 01:00', '2024-05-04 13:00'])
    """
    p = Path(path)
    if not p.exists():
        raise InputError(Problem(str(p), "", "no such file"))
    return parse_shipment_log(p, "parquet" if p.suffix.lower() == ".parquet" else "csv", str(p), network)


def parse_shipment_log(source: Path | bytes, kind: str, name: str, network: Network | None = None) -> ShipmentLog:
    """Read and validate a shipment log from a file or from the bytes of one (an upload).

    Parameters
    ----------
    source
        The file, or its content.
    kind
        ``"csv"`` or ``"parquet"``.
    name
        How problems name the log (``upload.csv`` gives ``upload.csv:3``).
    network
        When given, every ``node`` must be one of its node ids.

    Returns
    -------
    ShipmentLog
        The validated log.

    Raises
    ------
    InputError
        Every problem of the log, or that it cannot be read (naming ``name``).

    Examples
    --------
    The bytes of an uploaded CSV file; problems name the upload and its lines:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"shipment": "S1", "commodity": "container", "mode": "road",
    ...                    "event": ["departure", "arrival"], "node": ["almaty", "tashkent"],
    ...                    "time": ["2024-03-01T08:00Z", "2024-03-02T20:00Z"]})
    >>> csv = df.to_csv(index=False).encode()
    >>> parse_shipment_log(csv, "csv", "upload.csv").shipments
    ['S1']
    >>> try:
    ...     parse_shipment_log(csv.replace(b"2024-03-02", b"tomorrow"), "csv", "upload.csv")
    ... except InputError as e:
    ...     print(e)
    upload.csv:3: time: not an ISO 8601 timestamp with time zone
    """
    import pyarrow as pa

    if isinstance(source, bytes) and not source.strip():
        raise InputError(Problem(name, "", "empty: no header and no rows"))
    try:
        if kind == "parquet":
            df = pd.read_parquet(io.BytesIO(source) if isinstance(source, bytes) else source)
            return shipment_log(df, name, network, first_line=1, line_word="row ")
        df = _read_csv(source)
    except InputError:
        raise
    except (OSError, ValueError, pa.ArrowException) as e:  # UnicodeDecodeError and the parsers' errors too
        hint = " (is it a CSV file?)" if kind == "parquet" else ""
        raise InputError(Problem(name, "", f"cannot read the file{hint}: {e}")) from None
    return shipment_log(df, name, network)


def _read_csv(source: Path | bytes) -> pd.DataFrame:
    """Every cell as text; Arrow's reader (multi-threaded), or pandas' C reader for its line-numbered errors."""
    try:
        return pd.read_csv(io.BytesIO(source) if isinstance(source, bytes) else source, dtype=str,
                           keep_default_na=False, engine="pyarrow")
    except (ValueError, OSError):  # pyarrow's errors do not give the line: read again
        return pd.read_csv(io.BytesIO(source) if isinstance(source, bytes) else source, dtype=str,
                           keep_default_na=False, skipinitialspace=True)


def shipment_log(df: pd.DataFrame, name: str = "log", network: Network | None = None, *,
                 first_line: int = 2, line_word: str = "") -> ShipmentLog:
    """Validate a frame of events (as read from a file) and return it as a :class:`ShipmentLog`.

    Parameters
    ----------
    df
        The rows, one per event, in file order.
    name
        The file name used in problems.
    network
        When given, every ``node`` must be one of its node ids.
    first_line
        The line number of the first row (2 for a CSV with a header).
    line_word
        Put before the line number (``"row "`` for Parquet).

    Returns
    -------
    ShipmentLog
        The validated log.

    Raises
    ------
    InputError
        Listing every problem found (up to :data:`MAX_PROBLEMS`).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"shipment": "S1", "commodity": "grain", "mode": "rail",
    ...                    "event": ["departure", "arrival"], "node": ["astana", "aktau"],
    ...                    "time": ["2024-05-01T06:00Z", "2024-05-04T18:00Z"]})
    >>> shipment_log(df, "log.csv").frame[["event", "node"]].to_dict("records")
    [{'event': 'departure', 'node': 'astana'}, {'event': 'arrival', 'node': 'aktau'}]
    >>> try:
    ...     shipment_log(df.assign(mode="camel"), "log.csv")
    ... except InputError as e:
    ...     print(e.problems[0])
    log.csv:2: mode: unknown mode, expected one of ('road', 'rail', 'sea', 'rail-ferry', 'ferry', 'river', 'air')
    """
    df = df.reset_index(drop=True)
    where = (f"{name}:{line_word}" + pd.Series(np.arange(first_line, first_line + len(df))).astype(str)).astype(object)
    header = f"{name}:{line_word}1" if not line_word else name
    problems: list[tuple[int, Problem]] = []
    unknown = [c for c in df.columns if c not in COLUMNS]
    missing = [c for c in REQUIRED if c not in df.columns]
    problems += [(-1, Problem(header, str(c), "unknown column")) for c in unknown]
    if missing:
        problems.append((-1, Problem(header, ",".join(missing), "required column(s) missing")))
        _raise(problems)
    frame = _normalise(df, where, problems)
    _check_rows(frame, network, problems)
    _check_order(frame, problems)
    _raise(problems)
    frame = frame.sort_values(["shipment", "time", "_row"], kind="stable").reset_index(drop=True)
    frame = frame.drop(columns=["cost_amount", "currency", "usd_per_unit", "_row"])
    return ShipmentLog(frame, name)


def _raise(problems: list[tuple[int, Problem]]) -> None:
    if problems:
        ordered = sorted(problems, key=lambda rp: rp[0])
        shown = [p for _, p in ordered[:MAX_PROBLEMS]]
        if len(ordered) > MAX_PROBLEMS:
            shown.append(Problem("log", "", f"{len(ordered) - MAX_PROBLEMS} more problems not shown"))
        raise InputError(shown)


def _add(problems: list[tuple[int, Problem]], frame: pd.DataFrame, mask: pd.Series | np.ndarray,
         column: str, message: str | Callable[[np.ndarray], Sequence[str]]) -> None:
    """One problem per row where ``mask`` holds (a loop over problems, not over events).

    ``message`` is one text for all, or a function of the flagged row positions giving one text each,
    so that a message quoting the row's values is formatted for the flagged rows only.
    """
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))[:MAX_PROBLEMS + 1]
    if not len(idx):
        return
    texts = [message] * len(idx) if isinstance(message, str) else list(message(idx))
    where = frame["where"].to_numpy()
    for i, text in zip(idx, texts, strict=True):
        problems.append((int(i), Problem(str(where[i]), column, str(text))))


def _normalise(df: pd.DataFrame, where: pd.Series, problems: list[tuple[int, Problem]]) -> pd.DataFrame:
    """Text columns stripped, numbers parsed, times parsed to UTC, costs folded into ``cost_usd``."""
    out = pd.DataFrame({"where": where, "_row": np.arange(len(df))})
    for c in _TEXT:
        if c == "time":
            continue
        col = df[c] if c in df.columns else pd.Series([""] * len(df))
        out[c] = col.fillna("").astype(str).str.strip().reset_index(drop=True)
    for c in _NUMBERS:
        raw = df[c] if c in df.columns else pd.Series([np.nan] * len(df))
        if pd.api.types.is_numeric_dtype(raw):
            out[c] = raw.astype(float).to_numpy()
            continue
        text = raw.fillna("").astype(str).str.strip()
        num = pd.to_numeric(text.where(text != ""), errors="coerce")
        out[c] = num.to_numpy(dtype=float)
        _add(problems, out, (text != "").to_numpy() & np.isnan(out[c].to_numpy()), c, "not a number")
    out["time"] = _times(df["time"], out, problems)
    return out


def _times(raw: pd.Series, out: pd.DataFrame, problems: list[tuple[int, Problem]]) -> pd.Series:
    """Timestamps as UTC; naive or unparsable ones are problems."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        if getattr(raw.dt, "tz", None) is None:
            _add(problems, out, np.ones(len(raw), dtype=bool), "time", "timestamp has no time zone")
            return pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
        return raw.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").reset_index(drop=True)
    text = raw.fillna("").astype(str).str.strip().reset_index(drop=True)
    shaped = text.str.match(_ISO_TZ)
    parsed = pd.to_datetime(text.where(shaped), utc=True, errors="coerce", format="ISO8601")
    empty = text == ""
    _add(problems, out, empty, "time", "timestamp missing")
    naive = ~empty & ~shaped & pd.to_datetime(text.where(~shaped & ~empty), errors="coerce",
                                               format="ISO8601").notna()
    _add(problems, out, naive, "time", "timestamp has no time zone (write Z or +05:00)")
    _add(problems, out, ~empty & ~naive & parsed.isna(), "time", "not an ISO 8601 timestamp with time zone")
    return parsed.astype("datetime64[ns, UTC]")


def _check_rows(f: pd.DataFrame, network: Network | None, problems: list[tuple[int, Problem]]) -> None:
    """Checks that look at one row at a time (done on whole columns)."""
    for c in ("shipment", "commodity", "mode", "event"):
        _add(problems, f, f[c] == "", c, "value missing")
    _add(problems, f, (f["mode"] != "") & ~f["mode"].isin(MODES), "mode", f"unknown mode, expected one of {MODES}")
    _add(problems, f, (f["event"] != "") & ~f["event"].isin(EVENTS), "event",
         f"unknown event type, expected one of {EVENTS}")
    _add(problems, f, (f["direction"] != "") & ~f["direction"].isin(DIRECTIONS), "direction",
         "expected outbound, inbound or empty")
    _add(problems, f, (f["node"] == "") & (f["lon"].isna() | f["lat"].isna()), "node",
         "neither a node id nor both lon and lat")
    _add(problems, f, f["lon"].abs() > 180, "lon", "outside -180..180")
    _add(problems, f, f["lat"].abs() > 90, "lat", "outside -90..90")
    if network is not None:
        known = set(network.node_index)
        _add(problems, f, (f["node"] != "") & ~f["node"].isin(known), "node", f"unknown node (not in {network.name})")
    for c in ("km", "cost_usd", "cost_amount"):
        _add(problems, f, f[c] < 0, c, "negative")
    _add(problems, f, f["tonnes"] <= 0, "tonnes", "must be positive")
    has_amount = f["cost_amount"].notna()
    currency = f["currency"].str.upper()
    is_usd = currency == "USD"
    _add(problems, f, has_amount & (currency == ""), "currency", "cost_amount without its currency")
    _add(problems, f, has_amount & (currency != "") & ~currency.str.fullmatch(r"[A-Z]{3}"), "currency",
         "not an ISO 4217 currency code (three letters: USD, KZT, CNY ...)")
    rate = f["usd_per_unit"].where(~is_usd, 1.0)
    _add(problems, f, has_amount & (currency != "") & ~is_usd & f["usd_per_unit"].isna(), "usd_per_unit",
         "cost_amount in another currency than USD needs usd_per_unit (USD per one unit of the currency, "
         "at the rate of the day)")
    _add(problems, f, f["usd_per_unit"] <= 0, "usd_per_unit", "must be positive")
    _add(problems, f, has_amount & f["cost_usd"].notna(), "cost_amount", "give cost_usd or cost_amount, not both")
    usd = has_amount & f["cost_usd"].isna() & (rate > 0)
    f.loc[usd, "cost_usd"] = f.loc[usd, "cost_amount"] * rate[usd]
    f["cost_usd"] = f["cost_usd"].fillna(0.0)
    border = f["event"].isin(STOP_PAIRS["border"])
    f.loc[border & (f["bcp"] == ""), "bcp"] = f.loc[border & (f["bcp"] == ""), "node"]
    _add(problems, f, border & (f["bcp"] == ""), "bcp", "border event without bcp or node")


def _check_order(f: pd.DataFrame, problems: list[tuple[int, Problem]]) -> None:
    """Checks within a shipment: time order, trip ends, stop pairs, km markers and speeds."""
    g = f.groupby("shipment", sort=False)
    prev = g["time"].shift()
    _add(problems, f, f["time"] < prev, "time",
         lambda idx: [f"earlier than the shipment's previous event ({prev.iloc[i]})" for i in idx])
    for ev in ("departure", "arrival"):
        n = f["event"].eq(ev).groupby(f["shipment"]).transform("sum")
        first = ~f.duplicated("shipment")
        _add(problems, f, first & (n == 0) & (f["shipment"] != ""), "event", f"shipment has no {ev}")
        _add(problems, f, f["event"].eq(ev) & (n > 1), "event", f"shipment has more than one {ev}")
    _check_pairs(f, problems)
    _check_speeds(f, problems)


def _check_pairs(f: pd.DataFrame, problems: list[tuple[int, Problem]]) -> None:
    """Every end has its start before it, no stop of a kind opens twice, every start is closed."""
    for kind, (start, end) in STOP_PAIRS.items():
        step = np.where(f["event"] == start, 1, np.where(f["event"] == end, -1, 0))
        s = pd.Series(step, index=f.index)
        opened = s.groupby(f["shipment"]).cumsum()
        _add(problems, f, (s == -1) & (opened < 0), "event", f"{end} without its {start} before it")
        _add(problems, f, (s == 1) & (opened > 1), "event", f"{start} while the previous {kind} is still open")
        last_open = opened.groupby(f["shipment"]).transform("last")
        starts = f.index[s == 1]
        later = f.loc[starts].duplicated("shipment", keep="last").to_numpy()
        is_last_start = f.index.isin(starts[~later])
        _add(problems, f, is_last_start & (last_open > 0), "event", f"{start} without its {end}")
        if kind == "border":
            k = s.abs().groupby(f["shipment"]).cumsum()
            pair = ((k + 1) // 2).where(s != 0)
            entry_bcp = f["bcp"].where(s == 1).groupby([f["shipment"], pair]).transform("first")
            _add(problems, f, (s == -1) & entry_bcp.notna() & (f["bcp"] != entry_bcp), "bcp",
                 partial(_other_bcp, entry_bcp))


def _other_bcp(entry_bcp: pd.Series, idx: np.ndarray) -> list[str]:
    return [f"border_exit at another bcp than its border_entry ({entry_bcp.iloc[i]})" for i in idx]


def _check_speeds(f: pd.DataFrame, problems: list[tuple[int, Problem]]) -> None:
    """Consecutive km markers of a shipment: never decreasing, never faster than the mode allows."""
    k = f[f["km"].notna()]
    g = k.groupby("shipment", sort=False)
    dkm = k["km"] - g["km"].shift()
    dt_h = (k["time"] - g["time"].shift()).dt.total_seconds() / 3600.0
    limit = k["mode"].map(MAX_SPEED_KMH).astype(float)
    back = dkm < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = dkm / dt_h.where(dt_h > 0, 0.0)
    fast = (dkm > 0) & (dt_h >= 0) & (speed > limit)
    rows = f.index.get_indexer(k.index)
    mask_back = np.zeros(len(f), dtype=bool)
    mask_back[rows] = back.to_numpy()
    mask_fast = np.zeros(len(f), dtype=bool)
    mask_fast[rows] = fast.to_numpy()
    speed_at = np.full(len(f), np.nan)
    speed_at[rows] = speed.to_numpy()
    mode_at = f["mode"].to_numpy()

    def msg(idx: np.ndarray) -> list[str]:
        return [f"impossible speed {speed_at[i]:.1f} km/h since the previous km marker (above the assumed "
                f"{MAX_SPEED_KMH[mode_at[i]]} km/h for {mode_at[i]})" for i in idx]

    _add(problems, f, mask_back, "km", "smaller than the shipment's previous km marker")
    _add(problems, f, mask_fast, "km", msg)


def write_shipment_log(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a log frame to a ``.csv`` or ``.parquet`` file, atomically (whole or not at all).

    Parameters
    ----------
    frame
        One row per event, with the columns of :data:`COLUMNS` (as :func:`corridor.analytics.synthesize`
        returns); written as it is, without the index.
    path
        The file; its suffix (``.csv`` or ``.parquet``) chooses the format. Folders are created.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        Another suffix, columns that are not in :data:`COLUMNS`, or a file that cannot be written.

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> df = pd.DataFrame({"shipment": "S1", "commodity": "grain", "mode": "rail",
    ...                    "event": ["departure", "arrival"], "node": ["astana", "aktau"],
    ...                    "time": ["2024-05-01T06:00Z", "2024-05-04T18:00Z"]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_shipment_log(df, os.path.join(folder, "logs", "may.parquet"))
    ...     print(path.name, read_shipment_log(path).shipments)
    may.parquet ['S1']
    """
    from corridor.io.files import atomic_file

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(Problem(str(p), "", "the file must end in .csv or .parquet"))
    unknown = [str(c) for c in frame.columns if c not in COLUMNS]
    if unknown:
        raise InputError(Problem(str(p), ",".join(unknown), "not shipment-log column(s)"))
    with atomic_file(p) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, lineterminator="\n")
        else:
            frame.to_parquet(tmp, index=False)
    return p
