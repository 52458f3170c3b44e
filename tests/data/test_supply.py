"""The built-in Caspian fleets and facilities: figures traced to the fact sheets, and what they limit."""

from __future__ import annotations

import pytest

from corridor import data
from corridor.assignment.lp import solve_lp
from corridor.model.fleet import fleet_capacities

DS = data.load("eurasia")
NET = DS.network


def test_every_facility_and_fleet_figure_has_a_source() -> None:
    from corridor.model.validate import FIGURES

    for kind, records in (("facility", NET.facilities), ("fleet", NET.fleets)):
        for r in records:
            for name in FIGURES[kind]:
                if getattr(r, name) is not None:
                    p = r.provenance[name]
                    assert all(k in NET.sources for k in p.keys), (r.id, name)


def test_port_capacities_are_held_once_not_per_direction() -> None:
    members = {t.id for t in NET.transfers if t.facility}
    assert {"aktau-port-in", "aktau-port-out", "alat-port-in", "alat-port-out", "kuryk-port-in",
            "kuryk-port-out", "dostyk-gauge-in", "dostyk-gauge-out"} <= members
    for t in NET.transfers:
        if t.facility:
            assert (t.capacity_mtpa, t.capacity_teu, t.capacity_wagons) == (None, None, None), t.id
    ports = {f.id: (f.capacity_mtpa, f.capacity_teu) for f in NET.facilities}
    assert ports["aktau-port"] == (11.0, 40000.0)  # AT24, KZI22b
    assert ports["alat-port"] == (15.0, 100000.0)  # TRD23a: 15 Mt including 100,000 TEU


def test_the_kazakh_ferry_fleet_by_hand() -> None:
    # 6 Dagestan-class ferries of 27 railcars (RUSSHIP, EUTR) + Azerbaijan of 56 (TRD21); Zarifa
    # Aliyeva (56, SEA22) sails from 2022, so not in the 2021 network; round trip = mean over the two
    # lines of 2 x (crossing + 7 h port cycle): (2 x (22 + 7) + 2 x (21 + 7)) / 2 = 57 h
    rt = sum(2 * (NET.link(line).running_time_h + 7.0) for line in ("aktau-alat-ferry", "kuryk-alat-ferry")) / 2
    assert all(g.round_trip_h == pytest.approx(rt) for g in NET.fleets if g.fleet == "asco-kazakhstan")
    caps = fleet_capacities(NET.fleets)
    kz = caps["asco-kazakhstan"]
    assert kz.lines == ("aktau-alat-ferry", "kuryk-alat-ferry")
    assert kz.wagons == pytest.approx((6 * 27 + 56) * 8760 / rt)
    assert kz.sailings == pytest.approx(7 * 8760 / rt)
    # the sailings split over the two lines: a departure every 2 x rt / 7 h, half that the wait
    assert NET.line_waits_h["aktau-alat-ferry"] == pytest.approx(2 * rt / 7 / 2)
    # from 2022 the Zarifa Aliyeva adds 56 railcars and one vessel's sailings
    net22 = data.load("eurasia", year=2022).network
    kz22 = fleet_capacities(net22.fleets)["asco-kazakhstan"]
    assert kz22.wagons == pytest.approx((6 * 27 + 2 * 56) * 8760 / rt)
    assert net22.line_waits_h["aktau-alat-ferry"] == pytest.approx(2 * rt / 8 / 2)
    # feeders: Turkestan 225 TEU and the ADY feeder 120 TEU, weekly each (UIC19, TRD20)
    assert caps["caspian-feeders"].teu == pytest.approx(52 * (225 + 120))
    assert NET.line_waits_h["aktau-alat-feeder"] == pytest.approx(8760 / 104 / 2)
    # PEM estimates 95,000 wagons a year for the whole Caspian ferry fleet: the two ASCO fleets
    # give 82,000 each way, the same order
    both = caps["asco-kazakhstan"].wagons + caps["asco-turkmenistan"].wagons
    assert 0.5 * 95_000 < both < 1.5 * 95_000


def test_the_lp_baseline_is_limited_by_the_kazakh_share_of_the_cpc() -> None:
    # With markets (DATA.md, Markets and gateways) the crude row fills the CPC capacity left to Kazakh
    # oil and the rest takes Atyrau-Samara; the dry exports, free to choose their gateway, leave through
    # Russia at one value of time, so the Caspian ferries carry only the titr-other row (before the
    # markets, metals fixed to Novorossiysk filled the ferry fleet)
    res = solve_lp(NET, DS.demand)
    top = res.bottlenecks[0]
    assert (top["kind"], top["id"], top["from"], top["to"], top["unit"]) == (
        "link", "cpc-pipeline", "atyrau", "novorossiysk", "t/yr")
    assert top["flow"] == pytest.approx(top["capacity"], rel=1e-9)
    assert top["capacity"] == pytest.approx(67e6 - (58.7e6 - 52.2e6))  # KMG20 less ZB23's other shippers
    ferry_t = sum(f["tonnes"] for f in res.link_flows
                  if f["link"] in ("aktau-alat-ferry", "kuryk-alat-ferry") and f["from"] in ("aktau", "kuryk"))
    titr_other = next(r.tonnes for r in DS.demand if r.id == "titr-other")
    assert ferry_t == pytest.approx(titr_other, rel=1e-6)
