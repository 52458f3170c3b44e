"""Capacities counted in wagons: each commodity loads them by its tonnes per wagon."""

from __future__ import annotations

import dataclasses

import pytest

from corridor.assignment import FreightEquilibriumOptions, freight_equilibrium
from corridor.assignment.lp import FreightLP, solve_lp
from corridor.io import read_dataset
from corridor.io.geojson import write_geojson
from corridor.io.tables import write_csv_dataset
from corridor.model import Commodity, Dataset, Demand, DemandRow, Link, Network, Node, Transfer, validate_network

RAIL = "rail-1520"


def _net(capacity_wagons: float = 100_000.0, *, on_transfer: bool = False) -> tuple[Network, Demand]:
    nodes = tuple(Node(i, i, "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate("oxd"))
    links = (
        Link("short", "o", "d", RAIL, distance_km=100, time_h=10.0, cost_usd_per_t=5.0,
             capacity_wagons=None if on_transfer else capacity_wagons),
        Link("o-x", "o", "x", RAIL, distance_km=100, time_h=10.0, cost_usd_per_t=5.0),
        Link("x-d", "x", "d", RAIL, distance_km=100, time_h=10.0, cost_usd_per_t=5.0),
    )
    transfers = (Transfer("gate", "d", "border", capacity_wagons=capacity_wagons),) if on_transfer else ()
    coms = (Commodity("coal", "Coal", "t", t_per_wagon=60.0, modes=frozenset({RAIL})),
            Commodity("grain", "Grain", "t", t_per_wagon=50.0, modes=frozenset({RAIL})))
    demand = Demand((DemandRow("c", "o", "d", "coal", 2021, 4e6), DemandRow("g", "o", "d", "grain", 2021, 3e6)))
    return Network("wagons", nodes, links, transfers, coms), demand


def _wagons_on_short(res) -> float:
    return sum(f["tonnes"] / (60.0 if f["commodity"] == "coal" else 50.0)
               for f in res.link_flows if f["link"] == "short")


def test_wagon_capacity_binds_and_is_priced() -> None:
    net, dem = _net()
    res = solve_lp(net, dem)
    assert _wagons_on_short(res) == pytest.approx(100_000.0, rel=1e-9)
    assert res.unserved_t == 0.0
    b = next(b for b in res.bottlenecks if b["unit"] == "wagons/yr")
    # coal fills the short link first (60 t a wagon save 5 USD/t each); the marginal wagon carries
    # grain, 50 t saving 5 USD/t: 250 USD per wagon a year, 5 USD per tonne of the marginal cargo
    assert b["usd_per_unit"] == pytest.approx(250.0, rel=1e-6)
    assert b["usd_per_t_yr"] == pytest.approx(5.0, rel=1e-6)
    coal_short = sum(f["tonnes"] for f in res.link_flows if f["link"] == "short" and f["commodity"] == "coal")
    assert coal_short == pytest.approx(4e6, rel=1e-9)


def test_wagon_capacity_warm_update_equals_cold() -> None:
    net, dem = _net()
    lp = FreightLP.build(net, dem)
    lp.solve()
    wider = dataclasses.replace(net, links=tuple(dataclasses.replace(lk, capacity_wagons=150_000.0)
                                                 if lk.id == "short" else lk for lk in net.links))
    assert lp.update_network(wider)
    warm = lp.solve()
    cold = solve_lp(wider, dem)
    assert warm.total_cost == pytest.approx(cold.total_cost, rel=1e-12)
    assert _wagons_on_short(warm) == pytest.approx(min(150_000.0, 4e6 / 60 + 3e6 / 50), rel=1e-9)


def test_wagon_capacity_on_a_transfer_and_in_the_equilibrium() -> None:
    net, dem = _net(50_000.0, on_transfer=True)
    res = solve_lp(net, dem)
    assert res.unserved_t > 0  # every route ends through the gate
    wagons = sum(o["served_t"] / (60.0 if o["commodity"] == "coal" else 50.0) for o in res.by_od)
    assert wagons == pytest.approx(50_000.0, rel=1e-9)
    eq = freight_equilibrium(net, dem, FreightEquilibriumOptions(value_of_time=0.5, gap=1e-8, max_iter=2000))
    gate = next(r for r in eq.congestion if r["id"] == "gate")
    assert gate["unit"] == "wagons/yr" and gate["flow"] > 50_000.0 and gate["delay_h"] == 0.0  # no dwell, no delay


def test_wagon_fields_round_trip_and_validate(tmp_path) -> None:
    net, dem = _net(on_transfer=True)
    write_csv_dataset(Dataset(net, dem), tmp_path / "csv")
    write_geojson(Dataset(net, dem), tmp_path / "net.geojson")
    for back in (read_dataset(tmp_path / "csv"), read_dataset(tmp_path / "net.geojson")):
        assert back.network.transfers[0].capacity_wagons == 100_000.0
        assert back.network.commodity_index["coal"].t_per_wagon == 60.0
    no_tpw = dataclasses.replace(net, commodities=(Commodity("coal", "Coal", "t", modes=frozenset({RAIL})),
                                                  net.commodities[1]))
    problems = validate_network(no_tpw, strict=False, require_sources=False)
    assert any(p.field == "t_per_wagon" and p.severity == "warning" for p in problems)
    bad = dataclasses.replace(net, links=(dataclasses.replace(net.links[0], capacity_wagons=-1.0), *net.links[1:]))
    assert any(p.field == "capacity_wagons" and p.severity == "error"
               for p in validate_network(bad, strict=False, require_sources=False))
