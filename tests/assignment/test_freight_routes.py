"""The freight equilibrium in route space (path models) against the arc form, the reference."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import data
from corridor.assignment.freight_eq import (
    DEFAULT_VALUE_OF_TIME,
    FreightDelays,
    FreightEquilibriumOptions,
    TransferCurve,
    freight_equilibrium,
)
from corridor.assignment.lp import FreightLP
from corridor.exceptions import ConvergenceWarning, InputError
from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node

EURASIA = data.load("eurasia")
CAPPED = sorted(lk.id for lk in EURASIA.network.links if lk.capacity_mtpa)


def _both(network, demand, opts: FreightEquilibriumOptions, change=None):
    out = []
    for form in ("arcs", "paths"):
        lp = FreightLP.build(network, demand, formulation=form, value_of_time=opts.value_of_time,
                             unserved_penalty_usd_per_t=opts.unserved_penalty_usd_per_t)
        if change is not None:
            change(lp)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            out.append(freight_equilibrium(network, demand, opts, lp=lp))
    return out


def _same(a, b) -> None:
    assert b.flows.meta["formulation"] == "paths"
    assert a.iterations == b.iterations
    assert b.beckmann == pytest.approx(a.beckmann, rel=1e-9)
    assert b.total_cost == pytest.approx(a.total_cost, rel=1e-9)
    assert b.total_travel_time == pytest.approx(a.total_travel_time, rel=1e-6)
    assert b.served == pytest.approx(a.served, rel=1e-9, abs=1e-3)
    fa = {(r["link"], r["from"]): float(r["tonnes"]) for r in a.links_frame().to_dict("records")}
    fb = {(r["link"], r["from"]): float(r["tonnes"]) for r in b.links_frame().to_dict("records")}
    top = max([1.0, *fa.values()])
    for key in fa.keys() | fb.keys():
        assert fb.get(key, 0.0) == pytest.approx(fa.get(key, 0.0), rel=1e-6, abs=1e-6 * top)
    ca = {(r["kind"], r["id"], r["from"], r["unit"]): r["flow"] for r in a.congestion}
    cb = {(r["kind"], r["id"], r["from"], r["unit"]): r["flow"] for r in b.congestion}
    assert ca.keys() == cb.keys()
    for key, v in ca.items():
        assert cb[key] == pytest.approx(v, rel=1e-6, abs=1.0)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(factors=st.lists(st.sampled_from([0.0, 0.3, 0.6, 1.0, 2.0]), min_size=len(CAPPED), max_size=len(CAPPED)),
       scale=st.sampled_from([0.5, 1.0, 1.6]), method=st.sampled_from(["fw", "cfw", "bfw"]))
def test_routes_give_the_arc_equilibrium_on_random_capacities(factors, scale, method) -> None:
    """The same iterates: the route form is the arc form with flows kept per route."""
    net = EURASIA.network

    def change(lp: FreightLP) -> None:
        for link, f in zip(CAPPED, factors, strict=True):
            lp.set_link_capacity(link, mtpa=f * float(net.links[net.link_index[link]].capacity_mtpa or 0.0))
        lp.set_demand_scale(scale)

    opts = FreightEquilibriumOptions(gap=1e-6, method=method, max_iter=60)
    a, b = _both(net, EURASIA.demand, opts, change)
    _same(a, b)


def test_grouped_curves_closed_crossings_and_conical_delays() -> None:
    ds = EURASIA
    aktau = [t for t in ds.network.transfers if t.capacity_teu]
    assert aktau, "the built-in network has container transfers with a TEU capacity"
    curves = {t.id: TransferCurve(t0_h=float(t.time_h or 0.0), capacity=float(t.capacity_teu), j=0.4, unit="TEU/yr",
                                  group="hubs", source="test") for t in aktau[:2]}
    for delays in (FreightDelays(transfer_curves=curves), FreightDelays(transfer_vdf="conical")):
        opts = FreightEquilibriumOptions(gap=1e-6, delays=delays)
        _same(*_both(ds.network, ds.demand, opts, lambda lp: lp.set_transfer_capacity(aktau[-1].id, teu=0.0)))


def test_unserved_and_unreachable_rows() -> None:
    """A row dearer than the penalty stays unserved; a row with no route says so."""
    coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "island"])]
    links = [Link("direct", "mine", "port", "rail-1520", time_h=10.0, cost_usd_per_t=10.0, capacity_mtpa=1.0)]
    net = Network("toy", nodes, links, commodities=[coal])
    dem = Demand([DemandRow("out", "mine", "port", "coal", 2021, 3e6),
                  DemandRow("away", "mine", "island", "coal", 2021, 1e6)])
    opts = FreightEquilibriumOptions(gap=1e-8, value_of_time=1.0, unserved_penalty_usd_per_t=40.0)
    a, b = _both(net, dem, opts)
    _same(a, b)
    assert 0 < b.flows.link_flow("direct") < 3e6  # the delays push the rest over the penalty
    reasons = {r["id"]: r["reason"] for r in b.to_dict()["by_od"]}
    assert reasons == {r["id"]: r["reason"] for r in a.to_dict()["by_od"]}
    assert reasons["away"] == "no route"
    assert reasons["out"] == "capacity"


def test_auto_takes_routes_on_a_large_network_and_keeps_memory_small() -> None:
    """On a 2,000-node synthetic rail network the size rule picks routes, and the equilibrium converges."""
    from corridor.data.synthetic import rail_grid

    ds = rail_grid(EURASIA, nodes=2000, zones=200, seed=3)
    res = freight_equilibrium(ds.network, ds.demand, FreightEquilibriumOptions(gap=1e-4))
    assert res.converged
    assert res.flows.meta["formulation"] == "paths"
    assert res.served + res.unserved == pytest.approx(sum(r.tonnes for r in ds.demand.rows), rel=1e-9)
    assert res.gap <= 1e-4


def test_the_formulation_option_is_checked() -> None:
    with pytest.raises(InputError, match="formulation"):
        FreightEquilibriumOptions(formulation="columns")
    assert FreightEquilibriumOptions().formulation == "auto"
    assert DEFAULT_VALUE_OF_TIME > 0
