"""The tiled synthetic network: valid, and k copies of the built-in network solve to k times its LP."""

from __future__ import annotations

import pytest

from corridor import data
from corridor.assignment.lp import solve_lp
from corridor.data.synthetic import SOURCE_KEY, tiled
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
