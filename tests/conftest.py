from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from corridor.model import (
    Commodity,
    Dataset,
    Demand,
    DemandRow,
    Link,
    Network,
    Node,
    Provenance,
    Source,
    Status,
    Transfer,
)

settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=600, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

P = Provenance("T1", Status.MEASURED)


@pytest.fixture(autouse=True)
def _own_run_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs recorded without --store go to a store of the test session, never to the working directory."""
    monkeypatch.setenv("CORRIDOR_HOME", str(tmp_path_factory.getbasetemp() / "corridor-home"))


@pytest.fixture
def tiny_network() -> Network:
    """Four nodes in two countries, a gauge change at the border, a ferry and a road."""
    nodes = (
        Node("west", "West Port", "KZ", "seaport", 51.0, 43.0, aliases=("Westhaven",), provenance={"coords": P}),
        Node("mid", "Middle", "KZ", "junction", 60.0, 45.0, provenance={"coords": P}),
        Node("border", "Border Station", "KZ", "border", 80.0, 45.0, provenance={"coords": P}),
        Node("east", "Ēast City", "CN", "city", 88.0, 44.0, provenance={"coords": P}),
    )
    prov = {"distance_km": P, "speed_kmh": P, "capacity_mtpa": P}
    links = (
        Link("west-mid", "west", "mid", "rail-1520", "trans-caspian", "KZ", distance_km=800.0, speed_kmh=40.0,
             capacity_mtpa=10.0, provenance=prov),
        Link("mid-border", "mid", "border", "rail-1520", "trans-caspian", "KZ", distance_km=1500.0,
             speed_kmh=40.0, capacity_mtpa=20.0, provenance=prov),
        Link("border-east", "border", "east", "rail-1435", "china-access", "CN", distance_km=700.0,
             speed_kmh=50.0, capacity_mtpa=30.0, provenance=prov),
        Link("mid-east-road", "mid", "east", "road", "other", "KZ", distance_km=2400.0, speed_kmh=60.0,
             oneway=True, provenance={"distance_km": P, "speed_kmh": P}),
    )
    transfers = (
        Transfer("border-gauge", "border", "gauge-change", frozenset({"rail-1520", "rail-1435"}),
                 frozenset({"rail-1520", "rail-1435"}), time_h=5.0, provenance={"time_h": P}),
        Transfer("border-clear", "border", "border-clearance", time_h=24.0, provenance={"time_h": P}),
        # the road crosses into China at East City and starts from the railway at Middle
        Transfer("east-road-clear", "east", "border-clearance", frozenset({"road"}), provenance={"time_h": P}),
        Transfer("mid-rail-road", "mid", "transshipment", frozenset({"rail-1520"}), frozenset({"road"}),
                 provenance={"time_h": P}),
    )
    commodities = (Commodity("container", "Containers", "TEU", 20.0, provenance={"t_per_teu": P}),
                   Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520", "rail-1435"})))
    return Network("tiny", nodes, links, transfers, commodities, {"T1": Source("T1", "Test source")})


@pytest.fixture
def tiny_dataset(tiny_network: Network) -> Dataset:
    rows = (DemandRow("d1", "mid", "east", "coal", 2021, 1e6, provenance={"tonnes": P}),
            DemandRow("d2", "west", "east", "container", 2021, 2e5, 1e4, provenance={"tonnes": P, "teu": P}))
    return Dataset(tiny_network, Demand(rows))


@pytest.fixture
def tntp_dir() -> Path:
    root = os.environ.get("CORRIDOR_TNTP_DIR")
    if not root or not Path(root).is_dir():
        pytest.skip("CORRIDOR_TNTP_DIR is not set (research networks are not redistributed)")
    return Path(root)
