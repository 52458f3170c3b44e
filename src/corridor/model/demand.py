"""Demand: origin–destination flows by commodity and year, each with its source."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corridor.model.provenance import Provenance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Demand", "DemandRow"]


@dataclass(frozen=True)
class DemandRow:
    """One OD flow.

    Parameters
    ----------
    id
        Unique slug of the row.
    origin, destination
        Node ids.
    commodity
        Commodity id.
    year
        Year the flow refers to.
    tonnes
        Tonnes per year.
    teu
        TEU per year (containers), if known.
    group
        What the flow belongs to, for summing: ``kz-export``, ``transit``, ``import``...
    note
        How the figure was built.
    provenance
        Source and status of ``tonnes`` and ``teu``.

    Examples
    --------
    >>> from corridor import data
    >>> row = data.load().demand.rows[0]
    >>> row.origin, row.destination, row.commodity, row.year, row.tonnes
    ('ekibastuz', 'chelyabinsk', 'coal', 2021, 24900000.0)
    """

    id: str
    origin: str
    destination: str
    commodity: str
    year: int
    tonnes: float
    teu: float | None = None
    group: str = ""
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=dict, compare=False, hash=False)
    origin_ref: str | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Demand:
    """An immutable table of OD flows.

    Examples
    --------
    >>> d = Demand((DemandRow("r1", "a", "b", "coal", 2021, 5e6),
    ...             DemandRow("r2", "a", "c", "grain", 2021, 1e6)))
    >>> d.total_tonnes()
    6000000.0
    >>> d.filter(commodity="coal").total_tonnes()
    5000000.0
    """

    rows: tuple[DemandRow, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.rows, tuple):
            object.__setattr__(self, "rows", tuple(self.rows))

    def __iter__(self) -> Iterator[DemandRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def filter(
        self,
        *,
        commodity: str | Iterable[str] | None = None,
        group: str | Iterable[str] | None = None,
        year: int | None = None,
    ) -> Demand:
        """Rows that match every given criterion."""

        def as_set(v: str | Iterable[str] | None) -> set[str] | None:
            if v is None:
                return None
            return {v} if isinstance(v, str) else set(v)

        cs, gs = as_set(commodity), as_set(group)
        return Demand(
            tuple(
                r
                for r in self.rows
                if (cs is None or r.commodity in cs)
                and (gs is None or r.group in gs)
                and (year is None or r.year == year)
            )
        )

    def total_tonnes(self) -> float:
        """Sum of tonnes per year."""
        return float(sum(r.tonnes for r in self.rows))

    def total_teu(self) -> float:
        """Sum of TEU per year over the rows that give TEU."""
        return float(sum(r.teu or 0.0 for r in self.rows))

    def by_commodity(self) -> dict[str, float]:
        """Tonnes per year by commodity id."""
        out: dict[str, float] = {}
        for r in self.rows:
            out[r.commodity] = out.get(r.commodity, 0.0) + r.tonnes
        return out

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, one column per field plus ``source`` and ``status``."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "id": r.id,
                    "origin": r.origin,
                    "destination": r.destination,
                    "commodity": r.commodity,
                    "year": r.year,
                    "tonnes": r.tonnes,
                    "teu": r.teu,
                    "group": r.group,
                    "source": r.provenance["tonnes"].source if "tonnes" in r.provenance else "",
                    "status": str(r.provenance["tonnes"].status) if "tonnes" in r.provenance else "",
                    "note": r.note,
                }
                for r in self.rows
            ]
        )
