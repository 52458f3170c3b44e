"""A dataset: a network together with its demand."""

from __future__ import annotations

from dataclasses import dataclass, field

from corridor.model.demand import Demand
from corridor.model.network import Network

__all__ = ["Dataset", "figure_statuses"]


@dataclass(frozen=True)
class Dataset:
    """A network and the demand that goes with it (possibly empty).

    Parameters
    ----------
    network
        The network.
    demand
        OD demand on it.

    Examples
    --------
    >>> from corridor import data
    >>> ds = data.load()
    >>> ds.name, len(ds.network.nodes), len(ds.network.links), len(ds.demand.rows)
    ('eurasia', 94, 144, 24)
    """

    network: Network
    demand: Demand = field(default_factory=Demand)

    @property
    def name(self) -> str:
        """The network's name."""
        return self.network.name


def figure_statuses(dataset: Dataset) -> dict[str, int]:
    """Count the dataset's figures by status (``"none"`` for figures without provenance).

    A figure is one numeric field of one record that has a value: a node's coordinates, a link's
    distance, a transfer's time, a demand row's tonnes, and so on.

    Examples
    --------
    >>> from corridor import data
    >>> counts = figure_statuses(data.load())
    >>> sorted(counts)
    ['assumption', 'derived', 'estimate', 'indicative', 'measured', 'official', 'official capacity']
    """
    from corridor.model.validate import FIGURES, PROVENANCE_KEY

    counts: dict[str, int] = {}
    net = dataset.network
    groups = (("node", net.nodes), ("link", net.links), ("transfer", net.transfers),
              ("commodity", net.commodities), ("demand", dataset.demand.rows), ("facility", net.facilities),
              ("fleet", net.fleets))
    for kind, records in groups:
        for r in records:
            keys = {PROVENANCE_KEY.get(f, f) for f in FIGURES[kind] if getattr(r, f) is not None}
            for key in keys:
                p = r.provenance.get(key)
                status = p.status.value if p else "none"
                counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))
