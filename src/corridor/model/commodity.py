"""Commodities: what is carried, in which unit, and which modes may carry it."""

from __future__ import annotations

from dataclasses import dataclass, field

from corridor.model.provenance import Provenance

__all__ = ["MODES", "Commodity"]

MODES: tuple[str, ...] = (
    "rail-1520",
    "rail-1435",
    "road",
    "sea",
    "rail-ferry",
    "feeder",
    "pipeline",
)
"""The transport modes a link may have. ``rail-1520`` is broad gauge (former USSR), ``rail-1435``
standard gauge; ``rail-ferry`` carries rail wagons, ``feeder`` containers by ship on short sea."""


@dataclass(frozen=True)
class Commodity:
    """A commodity group.

    Parameters
    ----------
    id
        Slug: ``container``, ``grain``, ``coal``, ``metals``, ``oil``, ``general``.
    name
        Readable name.
    unit
        The unit demand is counted in: ``"t"`` or ``"TEU"``.
    t_per_teu
        Cargo tonnes per loaded TEU; used to turn TEU into tonnes (containers only).
    t_per_wagon
        Cargo tonnes per loaded wagon, for capacities counted in wagons (``None``: the commodity
        does not load wagon capacities).
    modes
        The modes that may carry it.
    provenance
        Source and status per figure (``t_per_teu``, ``t_per_wagon``).

    Examples
    --------
    >>> from corridor import data
    >>> c = data.load().network.commodity_index["container"]
    >>> c.name, c.unit, c.t_per_teu, "pipeline" in c.modes
    ('Containers', 'TEU', 19.61, False)
    """

    id: str
    name: str
    unit: str = "t"
    t_per_teu: float | None = None
    modes: frozenset[str] = field(default_factory=lambda: frozenset(MODES))
    note: str = ""
    provenance: dict[str, Provenance] = field(default_factory=dict, compare=False, hash=False)
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)
    t_per_wagon: float | None = None
