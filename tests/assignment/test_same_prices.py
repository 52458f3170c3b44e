"""A model keeps its prices when only capacities change (a sweep's samples): never when a price would move."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import data
from corridor.assignment.lp import FreightLP
from corridor.assignment.lp_graph import price_template, same_prices

DS = data.load()
NET = DS.network
LINKS = [lk.id for lk in NET.links]
TRANSFERS = [t.id for t in NET.transfers]
FACILITIES = [f.id for f in NET.facilities]

change = st.one_of(
    st.tuples(st.just("capacity"), st.sampled_from(LINKS + TRANSFERS + FACILITIES), st.floats(0.0, 5e7)),
    st.tuples(st.just("time"), st.sampled_from(LINKS + TRANSFERS), st.floats(0.5, 200.0)),
    st.tuples(st.just("cost"), st.sampled_from(LINKS), st.floats(0.0, 90.0)),
    st.tuples(st.just("fleet"), st.sampled_from([g.id for g in NET.fleets]), st.floats(0.0, 30.0)),
)


def _apply(net, kind: str, rid: str, value: float):
    if kind == "capacity":
        return net.replace(rid, capacity_mtpa=value, note="changed")
    if kind == "time":
        return net.replace(rid, time_h=value)
    if kind == "cost":
        return net.replace(rid, cost_usd_per_t=value)
    group = next(g for g in net.fleets if g.id == rid)
    return net.with_records(fleets=[dataclasses.replace(group, vessels=value)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(change, min_size=1, max_size=4))
def test_same_prices_means_the_same_prices(changes) -> None:
    lp = FreightLP.build(NET, DS.demand)
    g = lp.graph
    new = NET
    for c in changes:
        new = _apply(new, *c)
    fresh = price_template(new, new.compile(), g.template, g.pricing, g.prices, g.country_risk)
    moved = any(not np.array_equal(g.pricing[k].usd_per_t, fresh[k].usd_per_t)
                or not np.array_equal(g.pricing[k].hours, fresh[k].hours) for k in g.pricing)
    if same_prices(NET, new):
        assert not moved
    if all(kind == "capacity" for kind, *_ in changes):
        assert same_prices(NET, new)


def test_a_capacity_sweep_keeps_prices_and_solves_as_a_build() -> None:
    """Warm updates that skip re-pricing give the optimum of a model built for the same network."""
    for formulation in ("arcs", "paths"):
        lp = FreightLP.build(NET, DS.demand, formulation=formulation)
        lp.solve()
        for factor in (0.5, 0.8, 1.3):
            net = NET
            for lk in NET.links:
                if lk.capacity_mtpa:
                    net = net.replace(lk.id, capacity_mtpa=factor * lk.capacity_mtpa)
            assert same_prices(NET, net)
            assert lp.update_network(net)
            want = FreightLP.build(net, DS.demand, formulation=formulation).solve().objective
            assert abs(lp.solve().objective - want) <= 1e-7 * abs(want)
