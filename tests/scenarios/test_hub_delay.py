"""The simulated hub's delay curve in the equilibrium and the route planner (hub_delay: simulated)."""

from __future__ import annotations

import json

import pytest

from corridor import data
from corridor.cli import main
from corridor.exceptions import InputError
from corridor.hub import load_curve
from corridor.scenarios import run_spec, scenario_from_text
from corridor.scenarios.hub_delay import hub_transfers, simulated_hub, with_hub_dwell

CURVE = load_curve("aktau-hub")
NET = data.load("eurasia").network


def test_equilibrium_uses_the_simulated_curve_at_aktau() -> None:
    spec = scenario_from_text("""name: hub-eq
changes:
  - grow_demand: {select: {group: transit-china-europe}, factor: 1.2}
  - close_transit: [RU, BY]
  - close_link: [lianyungang-constanta, lianyungang-rotterdam, lianyungang-mersin]
engine: {method: equilibrium, hub_delay: simulated, gap: 1.0e-4, value_of_time: 0.5}
""")  # the sea route closed too: with the ferries' waits and the port shared both ways, it wins otherwise
    out = run_spec(spec)
    assert out.summary["converged"]
    rows = [r for r in out.summary["congestion"] if r["id"] == "aktau-hub"]
    assert len(rows) == 1, "containers cross Aktau in this case, so the hub is delayed"
    hub = rows[0]
    assert hub["flow"] > 0
    assert hub["unit"] == "TEU/yr" and hub["capacity"] == pytest.approx(CURVE.capacity_teu_per_yr)
    assert hub["free_time_h"] == pytest.approx(CURVE.t0_h)
    assert hub["free_time_h"] + hub["delay_h"] == pytest.approx(CURVE.evaluate(hub["flow"]), rel=1e-9)


def test_simulated_hub_merges_both_directions() -> None:
    net, curves = simulated_hub(NET)
    ids = hub_transfers(NET)
    assert set(curves) == set(ids) and len(ids) == 2
    assert {c.group for c in curves.values()} == {"aktau-hub"}
    for t in net.transfers:
        if t.id in ids:
            assert t.time_h == pytest.approx(CURVE.t0_h)


def test_simulated_delay_needs_the_equilibrium() -> None:
    spec = scenario_from_text("name: x\nengine: {method: lp, hub_delay: simulated}\n")
    with pytest.raises(InputError, match=r"needs engine\.method: equilibrium"):
        run_spec(spec)


@pytest.mark.parametrize("teu", [50_000, 240_000, 280_000])
def test_route_dwell_follows_the_curve(teu: float) -> None:
    net = with_hub_dwell(NET, teu)
    for t in net.transfers:
        if t.id in hub_transfers(NET):
            assert t.time_h == pytest.approx(CURVE.evaluate(teu))
        else:
            assert t == NET.transfers[[x.id for x in NET.transfers].index(t.id)]


def test_route_cli_hub_throughput(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["route", "Beyneu", "Baku", "--mode", "rail-1520,rail-ferry", "--avoid-node", "kuryk",
            "--avoid-country", "TM", "--json"]
    assert main(args) == 0
    base = json.loads(capsys.readouterr().out)["routes"][0]
    assert main([*args, "--hub-throughput", "270000"]) == 0
    busy = json.loads(capsys.readouterr().out)["routes"][0]
    assert busy["nodes"] == base["nodes"] == ["beyneu", "aktau", "baku-alat", "baku"]
    aktau = next(t for t in NET.transfers if t.id == "aktau-port-out")
    assert busy["time_h"] - base["time_h"] == pytest.approx(CURVE.evaluate(270_000) - aktau.time_h, abs=2e-3)
    assert main(["route", "Beyneu", "Baku", "--hub-throughput", "-5"]) == 2
