"""The tiled synthetic network: valid, and k copies of the built-in network solve to k times its LP."""

from __future__ import annotations

import pytest

from corridor import data
from corridor.assignment.lp import solve_lp
from corridor.data.synthetic import GRID_SOURCE_KEY, SOURCE_KEY, rail_grid, tiled
from corridor.model import validate_network


@pytest.fixture(scope="module")
def base():
    return data.load()


@pytest.mark.parametrize("demand", ["inside", "across"])
def test_tiled_network_is_valid_and_sized(base, demand):
    ds = tiled(base, 4, demand=demand)
    validate_network(ds.network, ds.demand)
    n = len(base.network.nodes)
    assert len(ds.network.nodes) == 4 * n
    assert len({x.id for x in ds.network.nodes}) == 4 * n
    assert len(ds.network.links) == 4 * len(base.network.links) + 4 * 3
    rows = len(base.demand.rows) * (4 if demand == "inside" else 16)
    assert len(ds.demand.rows) == rows
    assert sum(r.tonnes for r in ds.demand.rows) == pytest.approx(4 * sum(r.tonnes for r in base.demand.rows))
    cross = [lk for lk in ds.network.links if lk.provenance.get("distance_km")
             and lk.provenance["distance_km"].source == SOURCE_KEY]
    assert len(cross) == 12 and SOURCE_KEY in ds.network.sources


def test_copies_with_inside_demand_cost_k_times_the_original(base):
    one = solve_lp(base.network, base.demand)
    ds = tiled(base, 3)
    three = solve_lp(ds.network, ds.demand)
    assert three.objective == pytest.approx(3 * one.objective, rel=1e-9)


def test_bad_arguments(base):
    with pytest.raises(ValueError, match="tiles"):
        tiled(base, 0)
    with pytest.raises(ValueError, match="demand"):
        tiled(base, 2, demand="everywhere")  # type: ignore[arg-type]


# --- rail_grid ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("nodes", "zones", "seed"), [(120, 12, 0), (400, 40, 3)])
def test_rail_grid_is_valid_sized_and_labelled(base, nodes, zones, seed):
    ds = rail_grid(base, nodes=nodes, zones=zones, seed=seed)
    net = ds.network
    assert validate_network(net, ds.demand, strict=False) == []  # no errors, no warnings (sources included)
    assert len(net.nodes) == nodes and len({n.id for n in net.nodes}) == nodes
    assert len(ds.demand.rows) == zones
    assert len({r.origin for r in ds.demand.rows}) == zones  # every zone sends
    assert {r.origin for r in ds.demand.rows} >= {r.destination for r in ds.demand.rows}
    assert {r.commodity for r in ds.demand.rows} <= {c.id for c in base.network.commodities}
    assert {lk.mode for lk in net.links} == {"rail-1520", "rail-1435", "sea"}
    assert {t.kind for t in net.transfers} == {"border-clearance", "gauge-change", "port-handling"}
    assert sum(n.kind == "seaport" for n in net.nodes) == 4
    assert len({n.country for n in net.nodes}) == 6
    assert net.meta["synthetic"].startswith("rail_grid:")
    for rec in (*net.links, *net.transfers, *net.nodes, *ds.demand.rows):  # every figure made up is labelled so
        assert all(p.source in (GRID_SOURCE_KEY,) for p in rec.provenance.values()), rec.id
    assert any(lk.capacity_mtpa for lk in net.links)


def test_rail_grid_is_seeded(base):
    one, two = (rail_grid(base, nodes=150, zones=10, seed=5) for _ in range(2))
    assert one.network == two.network and one.demand == two.demand
    other = rail_grid(base, nodes=150, zones=10, seed=6)
    assert other.network.links != one.network.links


def test_rail_grid_lp_solves_and_binds(base):
    ds = rail_grid(base, nodes=300, zones=30, seed=0)
    res = solve_lp(ds.network, ds.demand)
    assert res.status == "optimal"
    assert res.served_t == pytest.approx(sum(r.tonnes for r in ds.demand.rows))
    assert res.bottlenecks  # some capacity binds
    assert res.total_cost > 0  # the links are priced by the tariffs


@pytest.mark.parametrize("kw", [{"countries": ("XX",)}, {"countries": ()}, {"ports": 3}, {"nodes": 3, "ports": 0},
                                {"zones": 1}, {"nodes": 20, "zones": 18}])
def test_rail_grid_bad_arguments(base, kw):
    args = {"nodes": 20, "zones": 5, **kw}
    with pytest.raises(ValueError, match=r"countries|ports|zones"):
        rail_grid(base, **args)
