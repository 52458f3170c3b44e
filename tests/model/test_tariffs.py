"""Tariff tables: row selection, bases, classes, and pricing by class in the router and the LP (hand-worked)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.assignment.lp import solve_lp
from corridor.assignment.lp_graph import price_keys
from corridor.exceptions import InputError
from corridor.io.tables import read_csv_dataset, write_csv_dataset
from corridor.model import Commodity, Dataset, Demand, DemandRow, Link, Network, Node
from corridor.model.tariffs import CLASSES, Tariff, TariffAdjustment, TariffTable, tariff_class, tariff_problems
from corridor.routing.planner import plan_routes

RAIL = "rail-1520"
COAL = Commodity("coal", "Coal", "t", modes=frozenset({RAIL}))
BOX = Commodity("container", "Containers", "TEU", 20.0, modes=frozenset({RAIL}))

# x (RU) -- a (KZ) -- b (KZ) -- c (CN); every link 100 km
NODES = (Node("x", "X", "RU", "city", 50.0, 50.0), Node("a", "A", "KZ", "city", 60.0, 45.0),
         Node("b", "B", "KZ", "city", 61.0, 45.0), Node("c", "C", "CN", "city", 62.0, 45.0))
LINKS = (Link("xa", "x", "a", RAIL, country="RU", distance_km=100.0, speed_kmh=50.0),
         Link("ab", "a", "b", RAIL, country="KZ", distance_km=100.0, speed_kmh=50.0),
         Link("bc", "b", "c", RAIL, country="CN", distance_km=100.0, speed_kmh=50.0))
ROWS = (
    Tariff("kz-export", RAIL, 0.10, country="KZ", tariff_class="export"),
    Tariff("kz-transit", RAIL, 0.05, country="KZ", tariff_class="transit"),
    Tariff("kz", RAIL, 0.08, country="KZ"),
    Tariff("any", RAIL, 0.02),
    Tariff("box", RAIL, 30.0, basis="usd_per_teu", commodity="container"),
)


def _net(rows: tuple[Tariff, ...] = ROWS) -> Network:
    return Network("t", NODES, LINKS, (), (COAL, BOX), tariffs=TariffTable(rows))


def test_class_of_an_od_pair() -> None:
    assert [tariff_class("KZ", o, d) for o, d in [("KZ", "KZ"), ("KZ", "CN"), ("CN", "KZ"), ("RU", "CN")]] == [
        "domestic", "export", "import", "transit"]
    assert tariff_class("", "KZ", "CN") == ""  # at sea: no class


def test_the_most_specific_row_wins_and_ties_go_to_the_first() -> None:
    net = _net()
    ab = LINKS[1]
    assert net.tariffs.row_for(ab, "coal", "export").id == "kz-export"
    assert net.tariffs.row_for(ab, "coal", "domestic").id == "kz"  # no domestic row: the country's
    assert net.tariffs.row_for(LINKS[2], "coal", "export").id == "any"
    assert net.tariffs.row_for(ab, "container", "export").id == "kz-export"  # country (4) beats commodity (2)
    tie = TariffTable((Tariff("first", RAIL, 1.0, country="KZ"), Tariff("second", RAIL, 2.0, country="KZ")))
    assert tie.row_for(ab, "coal", "").id == "first"
    pattern = TariffTable((Tariff("kz", RAIL, 1.0, country="KZ"), Tariff("ab", RAIL, 2.0, links="a*")))
    assert pattern.row_for(ab, "coal", "").id == "ab"


def test_bases_and_empty_return_by_hand() -> None:
    # 100 km; a TEU of 20 t; the container TEU has 20 t
    assert Tariff("r", RAIL, 0.1).usd_per_unit(100, "t", 1.0, 20) == pytest.approx(10.0)
    assert Tariff("r", RAIL, 0.1).usd_per_unit(100, "TEU", 20.0, 20) == pytest.approx(200.0)
    assert Tariff("r", RAIL, 5.0, basis="usd_per_t").usd_per_unit(100, "t", 1.0, 20) == pytest.approx(5.0)
    assert Tariff("r", RAIL, 2.0, basis="usd_per_teu_km").usd_per_unit(100, "TEU", 20.0, 20) == pytest.approx(200.0)
    assert Tariff("r", RAIL, 2.0, basis="usd_per_teu_km").usd_per_unit(100, "t", 1.0, 20) == pytest.approx(10.0)
    assert Tariff("r", RAIL, 0.1, empty_return=1.0).usd_per_unit(100, "t", 1.0, 20) == pytest.approx(20.0)
    assert Tariff("r", RAIL, 0.1, empty_return=0.5).usd_per_unit(100, "t", 1.0, 20) == pytest.approx(15.0)
    wagon = Tariff("r", RAIL, 3.0, basis="usd_per_wagon_km")  # a wagon of 60 t
    assert wagon.usd_per_unit(100, "t", 1.0, 20, 60.0) == pytest.approx(5.0)
    assert wagon.usd_per_unit(100, "TEU", 20.0, 20, 60.0) == pytest.approx(100.0)
    assert wagon.usd_per_unit(100, "t", 1.0, 20, None) is None  # no wagon load: not priced
    assert Tariff("r", RAIL, 600.0, basis="usd_per_wagon").usd_per_unit(100, "t", 1.0, 20, 60.0) == pytest.approx(10)


def test_router_prices_an_export_and_a_transit_on_the_same_link_apart() -> None:
    net = _net()
    export = plan_routes(net, "a", "c", cargo="coal", by="cost").routes[0]
    transit = plan_routes(net, "x", "c", cargo="coal", by="cost").routes[0]
    # export: ab 100 km x 0.10 + bc 100 km x 0.02 = 12; transit: xa 2 + ab 5 + bc 2 = 9
    assert export.cost_usd == pytest.approx(12.0)
    assert transit.cost_usd == pytest.approx(9.0)
    box = plan_routes(net, "x", "c", cargo="container", by="cost").routes[0]
    assert box.cost_usd == pytest.approx(30 + 0.05 * 100 * 20 + 30)  # the KZ transit row beats the container row


def test_lp_prices_each_row_by_its_class() -> None:
    net = _net()
    demand = Demand((DemandRow("e", "a", "c", "coal", 2021, 1000.0), DemandRow("t", "x", "c", "coal", 2021, 500.0),
                     DemandRow("d", "a", "b", "coal", 2021, 200.0)))
    res = solve_lp(net, demand)
    # export 1000 t x 12 + transit 500 t x 9 + domestic 200 t x (100 km x 0.08) = 12,000 + 4,500 + 1,600
    assert res.money_usd == pytest.approx(18_100.0)
    assert res.total_cost == pytest.approx(18_100.0)
    keys = price_keys(net, demand.rows)
    assert len(set(keys)) == 3 and all(k.startswith("coal@") for k in keys)


def test_adjustments_narrow_by_commodity_and_class() -> None:
    net = _net()
    adj = TariffAdjustment(frozenset({"ab"}), frozenset({"coal"}), frozenset({"transit"}), 2.0, 1.0, 0.0)
    table = net.tariffs.with_adjustment(adj)
    ab = LINKS[1]
    assert table.charge(ab, "coal", ("RU", "CN"), "t", 1.0, 20) == pytest.approx(5.0 * 2 + 1)
    assert table.charge(ab, "coal", ("KZ", "CN"), "t", 1.0, 20) == pytest.approx(10.0)  # export untouched
    assert table.charge(ab, "container", ("RU", "CN"), "TEU", 20.0, 20) == pytest.approx(100.0)  # other commodity
    assert table.class_countries() is None  # an adjustment by class: every country's class matters
    assert table.class_countries("container") == ("KZ",)  # but only for the commodity it names


def test_links_with_their_own_cost_ignore_the_table() -> None:
    links = (LINKS[0], Link("ab", "a", "b", RAIL, country="KZ", distance_km=100.0, speed_kmh=50.0,
                            cost_usd_per_t=1.0), LINKS[2])
    net = Network("t", NODES, links, (), (COAL, BOX), tariffs=TariffTable(ROWS))
    assert plan_routes(net, "a", "c", cargo="coal", by="cost").routes[0].cost_usd == pytest.approx(1.0 + 2.0)


@settings(max_examples=50, deadline=None)
@given(o=st.sampled_from(["KZ", "RU", "CN", "DE"]), d=st.sampled_from(["KZ", "RU", "CN", "DE"]))
def test_signature_groups_pairs_that_pay_alike(o: str, d: str) -> None:
    table = _net().tariffs
    assert table.class_countries() == ("KZ",)
    sig = table.signature(o, d, ["KZ", "RU", "CN"])
    assert sig == (tariff_class("KZ", o, d),)
    for link in LINKS:  # same signature, same charge on every link
        for o2, d2 in [("KZ", "KZ"), ("KZ", "CN"), ("CN", "KZ"), ("RU", "CN")]:
            if table.signature(o2, d2, []) == sig:
                here = table.charge(link, "coal", (o2, d2), "t", 1, 20)
                assert here == table.charge(link, "coal", (o, d), "t", 1, 20)


def test_tariffs_csv_round_trip(tmp_path) -> None:
    rows = (Tariff("kz", RAIL, 0.08, country="KZ", tariff_class="export", empty_return=1.0, note="n"),)
    write_csv_dataset(Dataset(_net(rows)), tmp_path / "net")
    back = read_csv_dataset(tmp_path / "net").network
    assert back.tariffs.rows == rows
    assert back.tariffs.rows[0].origin == f"{tmp_path / 'net' / 'tariffs.csv'}:2"


def _write(tmp_path, body: str):
    folder = tmp_path / "net"
    write_csv_dataset(Dataset(_net(())), folder)
    (folder / "tariffs.csv").write_text("id,mode,basis,rate,tariff_class,commodity,empty_return\n" + body,
                                        encoding="utf-8")
    return folder


@pytest.mark.parametrize(("body", "field", "message"), [
    ("r,rail-1520,usd_per_km,1,,,\n", "basis", "unknown basis"),
    ("r,rail-1520,usd_per_t,1,exprt,,\n", "tariff_class", "unknown class"),
    ("r,rail,usd_per_t,1,,,\n", "mode", "unknown mode"),
    ("r,rail-1520,usd_per_t,-1,,,\n", "rate", "must be from 0"),
    ("r,rail-1520,usd_per_t,1,,wheat,\n", "commodity", "unknown commodity"),
    ("r,rail-1520,usd_per_t,1,,,3\n", "empty_return", "must be a share"),
    ("r,rail-1520,usd_per_t,x,,,\n", "rate", ""),
    ("r,rail-1520,usd_per_t,1,,,\nr,rail-1520,usd_per_t,2,,,\n", "id", "repeated id"),
])
def test_loader_errors_name_file_line_and_field(tmp_path, body: str, field: str, message: str) -> None:
    folder = _write(tmp_path, body)
    with pytest.raises(InputError) as e:
        read_csv_dataset(folder)
    p = next(p for p in e.value.problems if p.field == field)
    assert p.where.startswith(str(folder / "tariffs.csv") + ":")
    assert p.where.endswith(":3" if field == "id" else ":2")
    assert message in p.message


def test_problems_of_rows_built_in_code() -> None:
    bad = Tariff("r", RAIL, float("nan"), tariff_class="all")
    fields = {p.field for p in tariff_problems([bad], {"coal": COAL})}
    assert fields == {"rate", "tariff_class"}
    assert set(CLASSES) == {"export", "import", "transit", "domestic"}


def test_update_network_rebuilds_when_classes_matter_in_more_countries() -> None:
    from corridor.assignment.lp import FreightLP

    net = _net()
    demand = Demand((DemandRow("to-cn", "a", "c", "coal", 2021, 100.0),
                     DemandRow("to-ru", "a", "x", "coal", 2021, 100.0)))
    keys = price_keys(net, demand.rows)
    assert keys[0] == keys[1]  # both are exports from Kazakhstan, where alone classes matter
    lp = FreightLP.build(net, demand)
    cheaper = TariffAdjustment(frozenset({"xa"}), frozenset(), frozenset({"import"}), 0.5)
    adjusted = Network("t", NODES, LINKS, (), (COAL, BOX), tariffs=net.tariffs.with_adjustment(cheaper))
    assert price_keys(adjusted, demand.rows)[0] != price_keys(adjusted, demand.rows)[1]
    assert not lp.update_network(adjusted)  # the blocks must be split: a new build
    res = FreightLP.build(adjusted, demand).solve()
    # to-cn: ab 10 + bc 2 per t; to-ru: xa 100 km x 0.02 x 0.5 = 1 per t (an import into Russia)
    assert res.money_usd == pytest.approx(100 * 12 + 100 * 1)
    same = Network("t", NODES, LINKS, (), (COAL, BOX),
                   tariffs=TariffTable((*ROWS[:4], Tariff("b", RAIL, 1.0, "usd_per_t", links="bc"))))
    assert lp.update_network(same)
