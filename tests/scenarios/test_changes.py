"""Scenario changes alter exactly what they name."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor import data
from corridor.assignment.lp import solve_lp
from corridor.exceptions import InputError
from corridor.scenarios import apply_changes, scenario_from_text

DS = data.load("eurasia")
NET, DEMAND = DS.network, DS.demand
COUNTRIES = sorted({n.country for n in NET.nodes})
MODES = sorted({lk.mode for lk in NET.links})
CORRIDORS = sorted({lk.corridor for lk in NET.links})
LINK_IDS = [lk.id for lk in NET.links]
TRANSFER_IDS = [t.id for t in NET.transfers]


def _apply(yaml_changes: str, params: dict | None = None, uncertain: str = ""):
    spec = scenario_from_text(f"name: t\nchanges:\n{yaml_changes}\n{uncertain}")
    return apply_changes(spec, NET, DEMAND, params)


def _country_of(node: str) -> str:
    return NET.nodes[NET.node_index[node]].country


def _link_selected(lk, sel: dict) -> bool:
    if "mode" in sel and lk.mode not in sel["mode"]:
        return False
    if "corridor" in sel and lk.corridor not in sel["corridor"]:
        return False
    return "country" not in sel or bool({lk.country, _country_of(lk.a), _country_of(lk.b)} & set(sel["country"]))


selectors = st.fixed_dictionaries({}, optional={
    "mode": st.lists(st.sampled_from(MODES), min_size=1, max_size=2, unique=True),
    "corridor": st.lists(st.sampled_from(CORRIDORS), min_size=1, max_size=2, unique=True),
    "country": st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=2, unique=True),
}).filter(bool)


def _yaml_select(sel: dict) -> str:
    return "{" + ", ".join(f"{k}: [{', '.join(v)}]" for k, v in sel.items()) + "}"


@settings(max_examples=60, deadline=None)
@given(sel=selectors, factor=st.floats(0.0, 5.0))
def test_scale_capacity_touches_only_the_selection(sel: dict, factor: float) -> None:
    try:
        out = _apply(f"  - scale_capacity: {{select: {_yaml_select(sel)}, factor: {factor!r}}}")
    except InputError as e:
        assert "matches no link" in str(e)  # noqa: PT017 - some random selections match nothing
        return
    links_only = "mode" in sel or "corridor" in sel
    for old, new in zip(NET.links, out.network.links, strict=True):
        if _link_selected(old, sel):
            for f in ("capacity_mtpa", "capacity_teu"):
                a, b = getattr(old, f), getattr(new, f)
                assert (a is None and b is None) or b == pytest.approx(a * factor)
            assert dataclasses.replace(new, capacity_mtpa=old.capacity_mtpa, capacity_teu=old.capacity_teu) == old
        else:
            assert new == old
    for old, new in zip(NET.transfers, out.network.transfers, strict=True):
        picked = not links_only and _country_of(old.node) in sel.get("country", [])
        if not picked:
            assert new == old
    assert out.network.nodes == NET.nodes
    assert out.demand == DEMAND


def _charge(net, lk, commodity: str = "general", od: tuple[str, str] = ("KZ", "DE")) -> float | None:
    unit, tpu = ("TEU", 19.61) if commodity == "container" else ("t", 1.0)
    return net.tariffs.charge(lk, commodity, od, unit, tpu, 19.61)


@settings(max_examples=40, deadline=None)
@given(sel=selectors, add=st.floats(0.0, 100.0), factor=st.floats(0.5, 2.0))
def test_change_tariff_touches_only_the_selection(sel: dict, add: float, factor: float) -> None:
    try:
        out = _apply(f"  - change_tariff: {{select: {{records: links, {_yaml_select(sel)[1:-1]}}}, "
                     f"factor: {factor!r}, add_usd_per_t: {add!r}}}")
    except InputError as e:
        assert "matches no link" in str(e)  # noqa: PT017 - some random selections match nothing
        return
    assert out.network.links == NET.links  # the built-in links are priced by the tariff table
    for lk in NET.links:
        old, new = _charge(NET, lk), _charge(out.network, lk)
        if old is None:
            assert new is None
        elif _link_selected(lk, sel):
            assert new == pytest.approx(old * factor + add)
        else:
            assert new == old
    assert out.network.transfers == NET.transfers


@settings(max_examples=30, deadline=None)
@given(ids=st.lists(st.sampled_from(LINK_IDS), min_size=1, max_size=5, unique=True))
def test_close_link_removes_exactly_those(ids: list[str]) -> None:
    out = _apply(f"  - close_link: [{', '.join(ids)}]")
    assert {lk.id for lk in out.network.links} == set(LINK_IDS) - set(ids)
    assert out.network.transfers == NET.transfers
    assert out.network.nodes == NET.nodes


@settings(max_examples=20, deadline=None)
@given(ids=st.lists(st.sampled_from(TRANSFER_IDS), min_size=1, max_size=4, unique=True))
def test_close_transfer_zeroes_its_capacity(ids: list[str]) -> None:
    out = _apply(f"  - close_transfer: [{', '.join(ids)}]")
    for old, new in zip(NET.transfers, out.network.transfers, strict=True):
        if old.id in ids:
            assert (new.capacity_mtpa, new.capacity_teu) == (0.0, 0.0)
        else:
            assert new == old


@pytest.mark.parametrize("country", ["RU", "GE", "AZ", "CN"])
def test_closing_a_country_leaves_no_flow_through_it(country: str) -> None:
    out = _apply(f"  - close_country: {country}")
    inside = {n.id for n in NET.nodes if n.country == country}
    for lk in out.network.links:
        assert lk.country != country and lk.a not in inside and lk.b not in inside
    res = solve_lp(out.network, out.demand, value_of_time=0.062)
    for f in res.link_flows:
        assert f["from"] not in inside and f["to"] not in inside
    for o in res.by_od:
        if o["origin"] in inside or o["destination"] in inside:
            assert o["served_t"] == 0.0 and (o["demand_t"] == 0 or o["reason"] == "no route")


def test_closing_transit_keeps_bilateral_trade() -> None:
    out = _apply("  - close_transit: [RU, BY]")
    inside = {n.id for n in NET.nodes if n.country in ("RU", "BY")}
    # at 0.2 USD per t·h China–Europe containers take the land bridge through Russia and Belarus
    base = solve_lp(NET, DEMAND, value_of_time=0.2)
    assert any(f["commodity"] == "container" and f["from"] in inside for f in base.link_flows)
    res = solve_lp(out.network, out.demand, value_of_time=0.2, no_transit=sorted(out.no_transit))
    # every container row has neither end in RU/BY: none may pass through
    assert not any(f["commodity"] == "container" and (f["from"] in inside or f["to"] in inside)
                   for f in res.link_flows)
    # trade with Russia goes on: coal to Chelyabinsk is served in full
    assert any(o["id"] == "coal-ru" and o["served_t"] == o["demand_t"] for o in res.by_od)
    assert res.total_cost >= base.total_cost


@settings(max_examples=30, deadline=None)
@given(commodity=st.sampled_from(sorted({r.commodity for r in DEMAND})), factor=st.floats(0.0, 4.0))
def test_grow_demand_scales_only_the_selection(commodity: str, factor: float) -> None:
    out = _apply(f"  - grow_demand: {{select: {{commodity: {commodity}}}, factor: {factor!r}}}")
    for old, new in zip(DEMAND.rows, out.demand.rows, strict=True):
        if old.commodity == commodity:
            assert new.tonnes == pytest.approx(old.tonnes * factor)
        else:
            assert new == old
    assert out.network == NET


def test_move_demand_and_add_records() -> None:
    out = _apply("""  - move_demand: {select: {destination: world-sea}, destination: poti}
  - add_node: {id: new-port, name: New port, country: KZ, kind: seaport, lon: 51.0, lat: 43.0,
               coords_source: TEST, coords_status: assumption}
  - add_link: {id: new-link, a: aktau, b: new-port, mode: road, distance_km: 20, speed_kmh: 50,
               capacity_mtpa: 1, source: TEST, status: plan}
  - add_transfer: {id: new-gate, node: new-port, kind: port-handling, time_h: 5, capacity_teu: 1000,
                   source: TEST, status: plan}""")
    assert all(r.destination != "world-sea" for r in out.demand)
    assert sum(r.destination == "poti" for r in out.demand) > sum(r.destination == "poti" for r in DEMAND)
    lk = out.network.links[out.network.link_index["new-link"]]
    assert (lk.capacity_mtpa, lk.provenance["capacity_mtpa"].status.value) == (1.0, "plan")
    assert any(t.id == "new-gate" and t.capacity_teu == 1000 for t in out.network.transfers)
    assert len(out.network.links) == len(NET.links) + 1


def test_parameters_and_when() -> None:
    unc = """uncertain:
  f: {dist: uniform, low: 0.2, high: 0.4}
  closed: {dist: bernoulli, p: 0.3}"""
    changes = """  - scale_capacity: {select: {id: aktau-port}, factor: $f}
  - close_link: cpc-pipeline
    when: $closed"""
    out = _apply(changes, {"f": 0.25, "closed": 0.0}, unc)
    port = next(f for f in out.network.facilities if f.id == "aktau-port")
    assert (port.capacity_mtpa, port.capacity_teu) == (pytest.approx(11.0 * 0.25), pytest.approx(40000 * 0.25))
    assert "cpc-pipeline" in out.network.link_index
    out = _apply(changes, {"f": 0.25, "closed": 1.0}, unc)
    assert "cpc-pipeline" not in out.network.link_index


@pytest.mark.parametrize(("changes", "message"), [
    ("  - close_link: [aktau-alat-fery]", "did you mean 'aktau-alat-ferry'"),
    ("  - close_country: XX", "no node or link of the network is in 'XX'"),
    ("  - scale_capacity: {select: {mode: rail-1530}, factor: 2}", "unknown mode 'rail-1530'"),
    ("  - scale_capacity: {select: {id: dostyk-gauge-ot}, factor: 2}", "did you mean 'dostyk-gauge-out'"),
    ("  - grow_demand: {select: {commodity: coa}, factor: 2}", "did you mean 'coal'"),
    ("  - move_demand: {select: {id: coal-ru}, destination: atlantis}", "unknown node 'atlantis'"),
    ("  - add_link: {id: x, a: aktau, b: nowhere, mode: road, distance_km: 1, speed_kmh: 1, source: T, "
     "status: plan}", "unknown node 'nowhere'"),
    ("  - add_link: {id: x, a: aktau, b: kuryk, mode: road, distance_km: 1, speed_kmh: 1}", "needs a source"),
])
def test_bad_changes_name_the_line_and_field(changes: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        _apply(changes)
    text = str(err.value)
    assert message in text
    assert "<string>:3" in text


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_changes_on_random_networks_alter_exactly_what_they_name(data: st.DataObject) -> None:
    from tests.strategies import networks

    from corridor.model import Demand

    net = data.draw(networks(min_nodes=3, max_nodes=8))
    ids = [lk.id for lk in net.links]
    closed = data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
    scaled = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
    factor = data.draw(st.floats(0.0, 3.0))
    country = data.draw(st.sampled_from(sorted({n.country for n in net.nodes})))
    lines = [f"  - scale_capacity: {{select: {{id: [{', '.join(scaled)}]}}, factor: {factor!r}}}"]
    if closed:
        lines.append(f"  - close_link: [{', '.join(closed)}]")
    spec = scenario_from_text("name: t\nchanges:\n" + "\n".join(lines) + "\n")
    out = apply_changes(spec, net, Demand(()))
    kept = {lk.id: lk for lk in out.network.links}
    assert set(kept) == set(ids) - set(closed)
    for lk in net.links:
        if lk.id in closed:
            continue
        new = kept[lk.id]
        if lk.id in scaled:
            for f in ("capacity_mtpa", "capacity_teu"):
                a, b = getattr(lk, f), getattr(new, f)
                assert (a is None and b is None) or b == pytest.approx(a * factor)
        else:
            assert new == lk
    assert out.network.nodes == net.nodes
    spec = scenario_from_text(f"name: t\nchanges:\n  - close_country: {country}\n")
    inside = {n.id for n in net.nodes if n.country == country}
    out = apply_changes(spec, net, Demand(()))
    assert all(lk.a not in inside and lk.b not in inside and lk.country != country for lk in out.network.links)
    assert {lk.id for lk in out.network.links} == {
        lk.id for lk in net.links if lk.a not in inside and lk.b not in inside and lk.country != country}


def test_set_capacity_in_wagons() -> None:
    out = _apply("  - set_capacity: {select: {id: aktau-alat-ferry}, wagons: 95000}")
    lk = out.network.links[out.network.link_index["aktau-alat-ferry"]]
    assert lk.capacity_wagons == 95000.0
    out = _apply("  - set_capacity: {select: {id: aktau-alat-ferry}, wagons: 1000}\n"
                 "  - scale_capacity: {select: {id: aktau-alat-ferry}, factor: 0.5}")
    assert out.network.links[out.network.link_index["aktau-alat-ferry"]].capacity_wagons == 500.0


@pytest.mark.parametrize(("factor", "params", "shown"), [
    ("1e308", None, "1e+308 makes the tonnes of demand row coal-ru inf"),
    ("1e6", None, "1000000.0 makes the tonnes of demand row coal-ru 2.49e+13, over the 2,000,000,000 tonnes per year"),
    ("$f", {"f": 1e300}, "1e+300 makes the tonnes of demand row coal-ru 2.49e+307, over"),
])
def test_grow_demand_overflow_blames_the_factor(factor: str, params: dict | None, shown: str) -> None:
    """Not the package's demand.csv, as it did when the figures went non-finite downstream."""
    unc = "uncertain:\n  f: {dist: uniform, low: 1, high: 2}\n" if params else ""
    with pytest.raises(InputError) as err:
        _apply(f"  - grow_demand: {{select: {{commodity: coal}}, factor: {factor}}}", params, unc)
    (p,) = err.value.problems
    assert (p.where, p.field) == ("<string>:3", "grow_demand.factor") and p.message.startswith(shown)


def test_grow_demand_keeps_the_factor_within_bounds() -> None:
    out = _apply("  - grow_demand: {select: {commodity: coal}, factor: 2.5e0}")
    coal = [(a, b) for a, b in zip(DEMAND.rows, out.demand.rows, strict=True) if a.commodity == "coal"]
    assert coal and all(b.tonnes == pytest.approx(2.5 * a.tonnes) for a, b in coal)
