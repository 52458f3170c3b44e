"""Facilities: one capacity shared by several links and transfers (a port, a border station).

A published port capacity ("Aktau 11 Mt/yr") is one figure for everything the port handles,
loading and unloading together. A :class:`Facility` holds that figure once; links and transfers
join it through their ``facility`` field. Engines turn each facility into one constraint per
unit over the flow of all its members, in both directions together unless ``per_direction``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corridor.model.provenance import Provenance

__all__ = ["FACILITY_FIGURES", "Facility"]

FACILITY_FIGURES: tuple[str, ...] = ("capacity_mtpa", "capacity_teu", "capacity_wagons")
"""The figures of a facility that carry provenance."""


def _provenance() -> dict[str, Provenance]:
    return {}


@dataclass(frozen=True)
class Facility:
    """A capacity shared by the links and transfers that name it in their ``facility`` field.

    Parameters
    ----------
    id
        Unique slug, e.g. ``aktau-port``.
    node
        The node the facility stands at; its member transfers stand there and its member links
        touch it.
    name
        Readable name.
    capacity_mtpa, capacity_teu, capacity_wagons
        Capacity in Mt per year, TEU per year and wagons per year (``None``: not limited in that
        unit). Cargo counts in the units it has (TEU for containers, wagons by the commodity's
        ``t_per_wagon``), as for link capacities.
    per_direction
        ``False`` (the default): one limit over the flow of all members in both directions.
        ``True``: the limit holds separately for flow arriving at ``node`` and flow leaving it, over
        the member links (a transfer has no direction, so it cannot be a member).
    note
        Free text.
    provenance
        Source and status per figure.
    origin
        Where the record was read (``facilities.csv:4``); not part of equality.
    valid_from, valid_to
        First and last year (inclusive) of the figures; ``None`` is open (see :mod:`corridor.model.validity`).

    Examples
    --------
    >>> from corridor import data
    >>> port = next(f for f in data.load().network.facilities if f.id == "aktau-port")
    >>> port.node, port.capacity_mtpa, port.capacity_teu
    ('aktau', 11.0, 40000.0)
    """

    id: str
    node: str
    name: str = ""
    capacity_mtpa: float | None = None
    capacity_teu: float | None = None
    capacity_wagons: float | None = None
    per_direction: bool = False
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=_provenance, compare=False, hash=False)
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)
    valid_from: int | None = None
    valid_to: int | None = None
