"""Layer 0: the data model. Pure data, no solvers and no file formats."""

from __future__ import annotations

from corridor.model.commodity import MODES, Commodity
from corridor.model.compiled import CompiledNetwork
from corridor.model.dataset import Dataset, figure_statuses
from corridor.model.demand import Demand, DemandRow
from corridor.model.facility import Facility
from corridor.model.fleet import FleetGroup
from corridor.model.lookup import find_node, normalise_name
from corridor.model.network import CORRIDORS, NODE_KINDS, TRANSFER_KINDS, Link, Network, Node, Transfer
from corridor.model.provenance import Provenance, Source, Status
from corridor.model.tariffs import Tariff, TariffAdjustment, TariffTable
from corridor.model.validate import validate_network

__all__ = [
    "CORRIDORS",
    "MODES",
    "NODE_KINDS",
    "TRANSFER_KINDS",
    "Commodity",
    "CompiledNetwork",
    "Dataset",
    "Demand",
    "DemandRow",
    "Facility",
    "FleetGroup",
    "Link",
    "Network",
    "Node",
    "Provenance",
    "Source",
    "Status",
    "Tariff",
    "TariffAdjustment",
    "TariffTable",
    "Transfer",
    "figure_statuses",
    "find_node",
    "normalise_name",
    "validate_network",
]
