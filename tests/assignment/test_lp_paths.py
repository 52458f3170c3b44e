"""The path formulation of the freight LP (column generation) against the arc formulation, the reference."""

from __future__ import annotations

import functools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import data
from corridor.assignment import lp_paths
from corridor.assignment.lp import FreightLP, solve_lp
from corridor.assignment.lp_paths import PathLP
from corridor.data.synthetic import rail_grid, tiled
from corridor.exceptions import InputError
from corridor.model import Dataset, Network

REL = 1e-6


@functools.cache
def _builtin() -> Dataset:
    return data.load()


@functools.cache
def _tiles(n: int) -> Dataset:
    return tiled(data.load(), n, demand="across")


def _capped(net: Network) -> list[str]:
    return [lk.id for lk in net.links if lk.capacity_mtpa is not None]


def _with_capacities(net: Network, factors: dict[str, float]) -> Network:
    for lid, f in factors.items():
        net = net.replace(lid, capacity_mtpa=net.link(lid).capacity_mtpa * f)
    return net


def _both(net: Network, demand: object, **kw: object) -> tuple[object, object]:
    arcs = FreightLP.build(net, demand, formulation="arcs", **kw).solve()  # type: ignore[arg-type]
    paths = FreightLP.build(net, demand, formulation="paths", **kw).solve()  # type: ignore[arg-type]
    return arcs, paths


def _same_result(arcs: object, paths: object) -> None:
    a, p = arcs, paths
    assert p.meta["formulation"] == "paths"  # type: ignore[attr-defined]
    assert p.status == a.status == "optimal"  # type: ignore[attr-defined]
    assert p.objective == pytest.approx(a.objective, rel=REL)  # type: ignore[attr-defined]
    assert p.unserved_t == pytest.approx(a.unserved_t, rel=REL, abs=1.0)  # type: ignore[attr-defined]
    assert p.served_t == pytest.approx(a.served_t, rel=REL, abs=1.0)  # type: ignore[attr-defined]


@st.composite
def capacity_factors(draw: st.DrawFn, net: Network) -> dict[str, float]:
    links = _capped(net)
    chosen = draw(st.lists(st.sampled_from(links), min_size=1, max_size=8, unique=True))
    return {lid: draw(st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.8, 1.5])) for lid in chosen}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), scale=st.sampled_from([0.5, 1.0, 2.0, 3.0]), vot=st.sampled_from([0.0, 0.5]))
def test_same_objective_as_arcs_on_the_builtin_network(data: st.DataObject, scale: float, vot: float) -> None:
    ds = _builtin()
    net = _with_capacities(ds.network, data.draw(capacity_factors(ds.network)))
    a_model = FreightLP.build(net, ds.demand, value_of_time=vot)
    p_model = FreightLP.build(net, ds.demand, value_of_time=vot, formulation="paths")
    assert isinstance(p_model, PathLP)
    a_model.set_demand_scale(scale)
    p_model.set_demand_scale(scale)
    _same_result(a_model.solve(), p_model.solve())


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), tiles=st.sampled_from([2, 3]))
def test_same_objective_as_arcs_on_tiled_networks(data: st.DataObject, tiles: int) -> None:
    ds = _tiles(tiles)
    net = _with_capacities(ds.network, data.draw(capacity_factors(ds.network)))
    _same_result(*_both(net, ds.demand))


def test_bottlenecks_agree_where_duals_are_unique() -> None:
    # The built-in network at twice its demand: the CPC, the Aktau port and the Caspian ferries bind
    # with distinct values, and the arc LP's duals are unique there (checked against finite
    # differences in test_lp.py).
    ds = _builtin()
    results = []
    for f in ("arcs", "paths"):
        model = FreightLP.build(ds.network, ds.demand, formulation=f)
        model.set_demand_scale(2.0)
        results.append(model.solve())
    a, p = results
    assert a.bottlenecks
    assert [(b["kind"], b["id"], b["from"], b["unit"]) for b in p.bottlenecks] == [
        (b["kind"], b["id"], b["from"], b["unit"]) for b in a.bottlenecks]
    for x, y in zip(a.bottlenecks, p.bottlenecks, strict=True):
        assert y["usd_per_t_yr"] == pytest.approx(x["usd_per_t_yr"], rel=REL, abs=1e-6)
        assert y["flow"] == pytest.approx(x["flow"], rel=REL, abs=1.0)


def test_flows_and_tables_agree() -> None:
    ds = _builtin()
    a, p = _both(ds.network, ds.demand)
    flows_a = {(r["link"], r["from"], r["commodity"]): r["tonnes"] for r in a.link_flows}  # type: ignore[attr-defined]
    flows_p = {(r["link"], r["from"], r["commodity"]): r["tonnes"] for r in p.link_flows}  # type: ignore[attr-defined]
    assert flows_p.keys() == flows_a.keys()
    for key, t in flows_a.items():
        assert flows_p[key] == pytest.approx(t, rel=REL)
    assert p.tonne_km == pytest.approx(a.tonne_km, rel=REL)  # type: ignore[attr-defined]
    assert p.co2e_kg == pytest.approx(a.co2e_kg, rel=REL)  # type: ignore[attr-defined]
    for name, figures in a.by_corridor.items():  # type: ignore[attr-defined]
        assert p.by_corridor[name] == pytest.approx(figures, rel=REL, abs=1e-3)  # type: ignore[attr-defined]
    assert p.transfer_throughput == pytest.approx(a.transfer_throughput, rel=REL, abs=1.0)  # type: ignore[attr-defined]
    assert p.measures["served_t"] == pytest.approx(a.measures["served_t"], rel=REL)  # type: ignore[attr-defined]
    assert [c["id"] for c in p.capacities] == [c["id"] for c in a.capacities]  # type: ignore[attr-defined]


def test_closed_links_and_transit_bans() -> None:
    ds = _builtin()
    net = ds.network
    for lid in ("cpc-pipeline", "kartsakhi-kars", "dostyk-alashankou"):
        if lid in net.link_index:
            net = net.replace(lid, capacity_mtpa=0.0)
    _same_result(*_both(net, ds.demand))
    _same_result(*_both(ds.network, ds.demand, no_transit=["RU"]))


def test_no_route_and_capacity_cuts_are_told_apart() -> None:
    ds = _builtin()
    net = ds.network
    for lk in net.links:
        net = net.replace(lk.id, capacity_mtpa=0.0)
    res = FreightLP.build(net, ds.demand, formulation="paths").solve()
    assert res.served_t == pytest.approx(0.0, abs=1e-3)
    assert {od["reason"] for od in res.by_od} == {"capacity"}


def test_warm_resolves_keep_the_routes_and_match_cold_builds() -> None:
    ds = _builtin()
    net = ds.network
    model = FreightLP.build(net, ds.demand, formulation="paths")
    model.set_demand_scale(2.0)
    first = model.solve()
    routes = first.meta["n_routes"]
    steps = [
        (lambda m: m.set_link_capacity("kartsakhi-kars", mtpa=0.5),
         net.replace("kartsakhi-kars", capacity_mtpa=0.5)),
        (lambda m: m.set_link_capacity("aktau-alat-feeder", mtpa=0.1),  # a row the network did not have
         net.replace("kartsakhi-kars", capacity_mtpa=0.5).replace("aktau-alat-feeder", capacity_mtpa=0.1)),
    ]
    for change, cold_net in steps:
        change(model)
        warm = model.solve()
        assert warm.meta["warm_start"]
        assert warm.meta["n_routes"] >= routes
        cold = FreightLP.build(cold_net, ds.demand)
        cold.set_demand_scale(2.0)
        assert warm.objective == pytest.approx(cold.solve().objective, rel=REL)
    model.set_link_cost_factor("kartsakhi-kars", 2.0)
    model.scale_capacity(0.5, transfer_ids=["saryagash-border"])
    model.set_commodity_scales({"oil": 0.5})
    warm = model.solve()
    ref = FreightLP.build(steps[-1][1], ds.demand)
    ref.set_demand_scale(2.0)
    ref.set_link_cost_factor("kartsakhi-kars", 2.0)
    ref.scale_capacity(0.5, transfer_ids=["saryagash-border"])
    ref.set_commodity_scales({"oil": 0.5})
    assert warm.objective == pytest.approx(ref.solve().objective, rel=REL)


@functools.cache
def _grid(n: int) -> Dataset:
    return rail_grid(data.load(), nodes=n, zones=n // 10, seed=0)


def test_goal_directed_pricing_is_exact_and_follows_cost_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A* pricing (one destination per block) gives the arc LP's optimum, before and after link costs change."""
    ds = _grid(400)
    arcs = FreightLP.build(ds.network, ds.demand, formulation="arcs")
    model = FreightLP.build(ds.network, ds.demand, formulation="paths")
    assert isinstance(model, PathLP)
    _same_result(arcs.solve(), model.solve())
    assert model._potentials.kept  # the blocks were priced by A*
    # Cheaper links make the potentials at the old prices too high: they must be computed again.
    links = [lk.id for lk in ds.network.links][::3]
    for factor in (0.0, 3.0):
        for lid in links:
            arcs.set_link_cost_factor(lid, factor)
            model.set_link_cost_factor(lid, factor)
        _same_result(arcs.solve(), model.solve())
    cold = FreightLP.build(ds.network, ds.demand, formulation="arcs").solve().objective
    monkeypatch.setattr(lp_paths, "POTENTIAL_BUDGET", 1)  # one potential, the other destinations by Dijkstra
    budget = FreightLP.build(ds.network, ds.demand, formulation="paths")
    assert budget.solve().objective == pytest.approx(cold, rel=REL)
    assert len(budget._potentials.kept) == 1  # type: ignore[attr-defined]
    monkeypatch.setattr(lp_paths, "GOAL_DIRECTED", False)
    dijkstra = FreightLP.build(ds.network, ds.demand, formulation="paths")
    assert dijkstra.solve().objective == pytest.approx(cold, rel=REL)
    assert not dijkstra._potentials.kept  # type: ignore[attr-defined]


def test_update_network_reprices_the_routes() -> None:
    ds = _builtin()
    model = FreightLP.build(ds.network, ds.demand, formulation="paths")
    model.solve()
    lk = ds.network.link("cpc-pipeline")
    new = ds.network.replace("cpc-pipeline", capacity_mtpa=lk.capacity_mtpa * 0.5)
    new = new.replace("kartsakhi-kars", cost_usd_per_t=50.0)
    assert model.update_network(new)
    warm = model.solve()
    assert warm.objective == pytest.approx(FreightLP.build(new, ds.demand).solve().objective, rel=REL)


def test_auto_takes_paths_only_when_the_arc_form_is_large() -> None:
    ds = _builtin()
    assert solve_lp(ds.network, ds.demand).meta["formulation"] == "arcs"
    assert type(FreightLP.build(ds.network, ds.demand, formulation="auto")) is FreightLP


def test_unknown_formulation_or_solver_is_refused() -> None:
    ds = _builtin()
    for kw in ({"formulation": "trees"}, {"solver": "barrier"}):
        with pytest.raises(InputError) as err:
            FreightLP.build(ds.network, ds.demand, **kw)  # type: ignore[arg-type]
        assert err.value.problems[0].field == next(iter(kw))


def test_interior_point_gives_the_same_optimum() -> None:
    ds = _builtin()
    model = FreightLP.build(ds.network, ds.demand, solver="ipm")
    model.set_demand_scale(2.0)
    ref = FreightLP.build(ds.network, ds.demand)
    ref.set_demand_scale(2.0)
    assert model.solve().objective == pytest.approx(ref.solve().objective, rel=REL)
    assert math.isfinite(model.solve().objective)  # a warm re-solve after the interior point


def test_the_stochastic_equilibrium_refuses_a_path_model() -> None:
    """The SUE needs the arc graph; the freight equilibrium takes a path model (test_freight_routes)."""
    from corridor.assignment.sue import stochastic_equilibrium

    ds = _builtin()
    model = FreightLP.build(ds.network, ds.demand, formulation="paths")
    with pytest.raises(InputError) as err:
        stochastic_equilibrium(ds.network, ds.demand, lp=model)
    assert err.value.problems[0].field == "formulation"
