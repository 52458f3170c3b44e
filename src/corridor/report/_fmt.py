"""Numbers for people: tonnes in Mt, money in bn USD, emissions in kt CO2e."""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = [
    "MINUS",
    "co2e_kg",
    "count",
    "formatter",
    "hours_t",
    "label",
    "metric",
    "nice_ticks",
    "num",
    "number",
    "pct",
    "share",
    "tonne_km",
    "tonnes",
    "unit_scale",
    "usd",
]

MINUS = "\u2212"
"""The typographic minus sign, used for negative numbers."""

_SCALES = ((1e9, "bn "), (1e6, "M "), (1e3, "k "))

_LABELS = {
    "demand_t": "Demand",
    "served_t": "Served",
    "unserved_t": "Unserved",
    "total_cost_usd": "Generalised cost (money + time + risk)",
    "money_usd": "Freight charges",
    "tonne_km": "Tonne-kilometres",
    "co2e_kg": "CO₂e emissions",
    "hours_t": "Tonne-hours in transit",
    "border_crossings_t": "Tonnes crossing borders",
    "served_teu": "Containers served",
    "russia_t": "Tonnes routed via Russia",
    "russia_teu": "Containers routed via Russia",
    "titr_t": "Trans-Caspian (TITR) dry cargo and containers",
    "titr_teu": "Trans-Caspian (TITR) containers",
    "caspian_oil_t": "Oil across the Caspian by tanker",
    "kz_transit_teu": "Container transit through Kazakhstan",
    "tonnes": "Tonnes",
    "teu": "TEU",
}


def num(x: object) -> float | None:
    """``x`` as a float if it is a finite number (not a bool), else ``None``.

    Examples
    --------
    >>> num(3), num(float("nan")), num("3"), num(True)
    (3.0, None, None, None)
    """
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        return None
    return float(x)


def _finite(x: float | None) -> bool:
    return x is not None and isinstance(x, int | float) and math.isfinite(x)


def _sign(x: float, signed: bool) -> str:
    if x < 0:
        return MINUS
    return "+" if signed and x > 0 else ""


def number(x: float | None, digits: int = 0, *, signed: bool = False) -> str:
    """A number with thousands separators, a real minus sign and ``–`` for a missing value.

    Examples
    --------
    >>> number(1234567.8)
    '1,234,568'
    >>> number(-0.5, 1, signed=True)
    '−0.5'
    """
    if not _finite(x):
        return "–"
    assert x is not None  # for the type checker: _finite says so
    text = f"{abs(x):,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return _sign(x, signed) + text


def _scaled(x: float | None, unit: str, *, signed: bool, base: tuple[tuple[float, str], ...] = _SCALES) -> str:
    if not _finite(x):
        return "–"
    assert x is not None  # for the type checker: _finite says so
    a = abs(x)
    if a == 0:
        return f"0 {unit}"
    factor, prefix = next(((f, p) for f, p in base if a >= f * 0.9995), (1.0, ""))
    v = a / factor
    digits = 2 if v < 10 else 1 if v < 1000 else 0
    if v < 0.01:
        digits = 3
    return f"{_sign(x, signed)}{v:,.{digits}f} {prefix}{unit}".replace("  ", " ")


def tonnes(x: float | None, *, signed: bool = False) -> str:
    """Tonnes as ``164.6 Mt``, ``450.0 kt`` or ``950.0 t``.

    Examples
    --------
    >>> tonnes(164628600.0)
    '164.6 Mt'
    >>> tonnes(-8e6, signed=True)
    '−8.00 Mt'
    """
    return _scaled(x, "t", signed=signed, base=((1e6, "M"), (1e3, "k")))


def usd(x: float | None, *, signed: bool = False) -> str:
    """US dollars as ``21.4 bn USD``, ``350.0 M USD`` or ``12.0 k USD``.

    Examples
    --------
    >>> usd(1155646917.3, signed=True)
    '+1.16 bn USD'
    """
    return _scaled(x, "USD", signed=signed)


def co2e_kg(x: float | None, *, signed: bool = False) -> str:
    """Emissions given in kg, shown in tonnes of CO₂e: ``9.89 Mt CO₂e``, ``450.0 kt CO₂e``.

    Examples
    --------
    >>> co2e_kg(9893092070.0)
    '9.89 Mt CO₂e'
    """
    if not _finite(x):
        return "–"
    assert x is not None  # for the type checker: _finite says so
    return tonnes(x / 1000.0, signed=signed) + " CO₂e"


def tonne_km(x: float | None, *, signed: bool = False) -> str:
    """Tonne-kilometres as ``548.0 bn t·km``.

    Examples
    --------
    >>> tonne_km(548003512429.6)
    '548.0 bn t·km'
    """
    return _scaled(x, "t·km", signed=signed)


def hours_t(x: float | None, *, signed: bool = False) -> str:
    """Tonne-hours as ``38.06 bn t·h``.

    Examples
    --------
    >>> hours_t(38.06e9), hours_t(-1.2e6, signed=True)
    ('38.1 bn t·h', '−1.20 M t·h')
    """
    return _scaled(x, "t·h", signed=signed)


def count(x: float | None, unit: str = "", *, signed: bool = False) -> str:
    """A whole count with separators and an optional unit: ``685,200 TEU``.

    Examples
    --------
    >>> count(685_200, "TEU"), count(1234.6, signed=True)
    ('685,200 TEU', '+1,235')
    """
    text = number(x, 0, signed=signed)
    return f"{text} {unit}".rstrip() if text != "–" else text


def pct(x: float | None, *, signed: bool = True, digits: int = 1) -> str:
    """A percentage change: ``+5.7 %``; ``–`` when it is undefined (a change from zero).

    Examples
    --------
    >>> pct(5.7075)
    '+5.7 %'
    >>> pct(None)
    '–'
    """
    if not _finite(x):
        return "–"
    return number(x, digits, signed=signed) + " %"


def share(x: float | None, digits: int = 0) -> str:
    """A share in 0..1 as a percentage: ``18 %``.

    Examples
    --------
    >>> share(0.18), share(0.1834, 1), share(None)
    ('18 %', '18.3 %', '–')
    """
    if not _finite(x):
        return "–"
    assert x is not None  # for the type checker: _finite says so
    return pct(100.0 * x, signed=False, digits=digits)


def formatter(key: str) -> Callable[..., str]:
    """The formatting function for a metric, chosen by its name (``unserved_t``, ``co2e_kg`` ...).

    Examples
    --------
    >>> formatter("money_usd")(2.5e9)
    '2.50 bn USD'
    """
    for suffix, func in _BY_SUFFIX:
        if key == suffix.lstrip("_") or key.endswith(suffix):
            return func
    return lambda x, *, signed=False: number(x, 2, signed=signed)


def _teu(x: float | None, *, signed: bool = False) -> str:
    return count(x, "TEU", signed=signed)


# the first suffix that a metric's name ends with (or equals, without its underscore) picks its formatter
_BY_SUFFIX: tuple[tuple[str, Callable[..., str]], ...] = (
    ("tonne_km", tonne_km), ("co2e_kg", co2e_kg), ("hours_t", hours_t), ("_usd", usd), ("_t", tonnes),
    ("_tonnes", tonnes), ("_teu", _teu),
)


def metric(key: str, x: float | None, *, signed: bool = False) -> str:
    """Format ``x`` as the metric ``key``.

    Examples
    --------
    >>> metric("unserved_t", 2.5e6, signed=True)
    '+2.50 Mt'
    """
    return formatter(key)(x, signed=signed)


def label(key: str) -> str:
    """A human label for a metric name.

    Examples
    --------
    >>> label("co2e_kg")
    'CO₂e emissions'
    >>> label("p_delay_h")
    'P delay h'
    """
    return _LABELS.get(key, key.replace("_", " ").capitalize())


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering ``lo``..``hi`` (about ``n`` of them).

    Examples
    --------
    >>> nice_ticks(0, 164.6)
    [0.0, 50.0, 100.0, 150.0, 200.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    t = start
    while t < hi + step * 0.999:
        ticks.append(round(t, 12) + 0.0)
        t += step
    return ticks


def unit_scale(key: str, values: list[float]) -> tuple[float, str]:
    """A common divisor and unit for a column of the metric ``key``, chosen by its largest value.

    Examples
    --------
    >>> unit_scale("total_cost_usd", [2.03e10, 2.48e10])
    (1000000000.0, 'bn USD')
    >>> unit_scale("co2e_kg", [8.8e9])
    (1000000000.0, 'Mt CO₂e')
    """
    big = max((abs(v) for v in values if _finite(v)), default=0.0)
    if key.endswith("co2e_kg"):
        steps = ((1e9, "Mt CO₂e"), (1e6, "kt CO₂e"), (1e3, "t CO₂e"))
        return next(((f, u) for f, u in steps if big >= f), (1e3, "t CO₂e"))
    if key.endswith("tonne_km"):
        unit = "t·km"
    elif key.endswith("hours_t"):
        unit = "t·h"
    elif key.endswith("_usd"):
        unit = "USD"
    elif key.endswith("_t") or key == "tonnes":
        return next(((f, u) for f, u in ((1e6, "Mt"), (1e3, "kt")) if big >= f), (1.0, "t"))
    else:
        return 1.0, ""
    return next(((f, f"{p} {unit}") for f, p in ((1e9, "bn"), (1e6, "M"), (1e3, "k")) if big >= f), (1.0, unit))
