"""``change_tariff`` on the tariff table: selection by commodity and class, hand-worked charges, errors."""

from __future__ import annotations

import pytest

from corridor import data
from corridor.exceptions import InputError
from corridor.scenarios import apply_changes, scenario_from_text

DS = data.load("eurasia")
NET, DEMAND = DS.network, DS.demand
TPT = 19.61


def _apply(changes: str, file: str = "s.yaml"):
    return apply_changes(scenario_from_text(f"name: t\nchanges:\n{changes}\n", file), NET, DEMAND)


def _charge(net, link: str, commodity: str, od: tuple[str, str]) -> float:
    unit, tpu = ("TEU", TPT) if commodity == "container" else ("t", 1.0)
    out = net.tariffs.charge(net.link(link), commodity, od, unit, tpu, TPT)
    assert out is not None
    return out


def test_an_export_and_a_transit_row_on_the_same_link() -> None:
    out = _apply("  - change_tariff: {select: {country: KZ, mode: rail-1520, commodity: grain, class: transit}, "
                 "factor: 0.5}").network
    lk = "shymkent-kyzylorda"
    # grain transit: export rate 0.0924 x 4.13 / 5.37 x (1 + 1 empty return) per t-km, halved; export unchanged
    km = NET.link(lk).distance_km
    base = 0.0924 * 4.13 / 5.37 * 2 * km
    assert _charge(NET, lk, "grain", ("UZ", "AZ")) == pytest.approx(base, rel=1e-4)
    assert _charge(out, lk, "grain", ("UZ", "AZ")) == pytest.approx(base / 2, rel=1e-4)
    assert _charge(out, lk, "grain", ("KZ", "AZ")) == pytest.approx(base, rel=1e-4)
    assert _charge(out, lk, "coal", ("UZ", "AZ")) == _charge(NET, lk, "coal", ("UZ", "AZ"))
    assert NET.tariffs.adjustments == ()  # the base network is untouched


def test_ferry_and_port_charges() -> None:
    out = _apply("  - change_tariff: {select: {mode: rail-ferry, commodity: container}, add_usd_per_teu: 100}\n"
                 "  - change_tariff: {select: {node: aktau, kind: port-handling}, add_usd_per_t: 2.5}")
    net = out.network
    assert _charge(net, "aktau-alat-ferry", "container", ("CN", "DE")) == pytest.approx(
        _charge(NET, "aktau-alat-ferry", "container", ("CN", "DE")) + 100)
    assert _charge(net, "aktau-alat-ferry", "general", ("KZ", "AZ")) == _charge(NET, "aktau-alat-ferry", "general",
                                                                               ("KZ", "AZ"))
    ports = [t for t in net.transfers if t.node == "aktau" and t.kind == "port-handling"]
    assert ports and all(t.cost_usd_per_t == pytest.approx(2.5) for t in ports)
    assert any("tariff table" in line for line in out.log)


@pytest.mark.parametrize(("select", "field", "message"), [
    ("{commodity: wheat}", "change_tariff.select.commodity", "unknown commodity 'wheat'"),
    ("{class: exprt}", "change_tariff.select.class", "unknown tariff class 'exprt'"),
    ("{clas: export}", "change_tariff.select.clas", "unknown selector"),
    ("{node: aktau, commodity: grain}", "change_tariff.select", "matches no link"),
])
def test_errors_name_file_line_and_field(select: str, field: str, message: str) -> None:
    with pytest.raises(InputError) as e:
        _apply(f"  - change_tariff: {{select: {select}, factor: 2}}")
    p = e.value.problems[0]
    assert (p.where, p.field) == ("s.yaml:3", field), p
    assert message in p.message


def test_class_selector_only_for_change_tariff() -> None:
    with pytest.raises(InputError) as e:
        _apply("  - scale_capacity: {select: {class: export}, factor: 2}")
    assert e.value.problems[0].field == "scale_capacity.select.class"
