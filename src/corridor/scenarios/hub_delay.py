"""The simulated Aktau hub in the network model: its delay curve on the port's transfers.

``corridor hub curve`` fits the time a container spends in the hub against the hub's annual
throughput (Davidson's form, :mod:`corridor.hub.curve`) and ships the fit for the main
configuration. Here it replaces the default delay at the Aktau port's container transfers:

- in the equilibrium (``engine: {method: equilibrium, hub_delay: simulated}``), both directions of
  the port (rail→ship and ship→rail) become one facility whose delay follows the curve at their
  combined container throughput (the curve's capacity replaces the container capacity of the
  port's facility, :mod:`corridor.model.facility`);
- in the route planner (``corridor route --hub-throughput TEU``), the dwell at Aktau becomes the
  curve's time at that annual throughput.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from corridor.exceptions import InputError, Problem

if TYPE_CHECKING:
    from corridor.assignment.freight_eq import TransferCurve
    from corridor.model import Network

__all__ = ["HUB_NODE", "hub_transfers", "simulated_hub", "with_hub_dwell"]

HUB_NODE = "aktau"
_GROUP = "aktau-hub"


def hub_transfers(network: Network) -> list[str]:
    """Ids of the port-handling transfers at the hub's node.

    Examples
    --------
    >>> from corridor import data
    >>> sorted(hub_transfers(data.load().network))
    ['aktau-port-in', 'aktau-port-out']
    """
    ids = [t.id for t in network.transfers if t.node == HUB_NODE and t.kind == "port-handling"]
    if not ids:
        raise InputError(Problem("engine", "hub_delay", f"the network has no port-handling transfer at "
                                 f"{HUB_NODE!r} to attach the simulated hub to"))
    return ids


def simulated_hub(network: Network, name: str = "aktau-hub") -> tuple[Network, dict[str, TransferCurve]]:
    """The network with the hub's no-load time at Aktau, and the curves for :class:`FreightDelays`.

    Examples
    --------
    >>> from corridor import data
    >>> network, curves = simulated_hub(data.load().network)
    >>> sorted(curves)
    ['aktau-port-in', 'aktau-port-out']
    >>> curve = curves["aktau-port-out"]
    >>> curve.unit, curve.group, round(curve.t0_h, 1)
    ('TEU/yr', 'aktau-hub', 79.9)
    """
    from corridor.assignment.freight_eq import TransferCurve
    from corridor.hub import load_curve

    curve = load_curve(name)
    if getattr(curve, "j", None) is None:
        raise InputError(Problem(f"hub curve {name}", "form", "the equilibrium needs a Davidson curve; refit it "
                                 "with corridor hub curve --form davidson"))
    ids = hub_transfers(network)
    net = network
    for tid in ids:  # the curve's capacity becomes the port's container capacity (one group over both directions)
        net = net.replace(tid, time_h=float(curve.t0_h), capacity_teu=float(curve.capacity_teu_per_yr))
    for fid in sorted({f for t in network.transfers if t.id in ids for f in t.facility}):
        net = net.replace(fid, capacity_teu=None)
    curves = {tid: TransferCurve(t0_h=float(curve.t0_h), capacity=float(curve.capacity_teu_per_yr), j=float(curve.j),
                                 unit="TEU/yr", mu=float(curve.mu), group=_GROUP,
                                 source=f"simulated: {curve.source}") for tid in ids}
    return net, curves


def with_hub_dwell(network: Network, throughput_teu_per_yr: float, name: str = "aktau-hub") -> Network:
    """The network with the Aktau dwell set to the simulated time in the hub at this annual throughput.

    Examples
    --------
    >>> from corridor import data
    >>> net = with_hub_dwell(data.load().network, 100_000)
    >>> sorted((t.id, round(t.time_h, 1)) for t in net.transfers if t.id in hub_transfers(net))
    [('aktau-port-in', 82.1), ('aktau-port-out', 82.1)]
    """
    from corridor.hub import load_curve

    if not (isinstance(throughput_teu_per_yr, int | float) and throughput_teu_per_yr >= 0):
        raise InputError(Problem("--hub-throughput", "", f"must be a number of TEU per year >= 0, "
                                 f"got {throughput_teu_per_yr!r}"))
    hours = float(load_curve(name).evaluate(float(throughput_teu_per_yr)))
    transfers = tuple(dataclasses.replace(t, time_h=hours) if t.id in set(hub_transfers(network)) else t
                      for t in network.transfers)
    return dataclasses.replace(network, transfers=transfers)
