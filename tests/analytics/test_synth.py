"""Synthetic shipment logs: valid, labelled, seeded, and exactly the planner's trip without noise.

Hand-computed case (built-in network, ``src/corridor/data/eurasia``): grain Shymkent → Tashkent runs
on the links shymkent-saryagash (127.2 km) and saryagash-tashkent (27.9 km), both rail-1520 at
45.833 km/h, with the border clearance ``saryagash-border`` (11.4 h, 15.4 USD/t) between them. So
D = 155.1 km, T = 155.1 / 45.833 + 11.4 = 3.384024 + 11.4 = 14.784024 h, TFI1 = 11.4 h, and a
shipment of 10 wagons × 47.37 t = 473.7 t pays 15.4 × 473.7 = 7,294.98 USD at the border.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor import data
from corridor.analytics import (
    border_crossings,
    read_shipment_log,
    shipment_log,
    synthesize,
    trips,
    write_shipment_log,
)
from corridor.cli import main
from corridor.exceptions import InputError
from corridor.model import Network
from corridor.routing import plan_routes

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shipment-log-synthetic.csv"
PAIR = [("shymkent", "tashkent", "grain")]
ONE_SECOND_H = 1 / 3600
T_HAND_H = 155.1 / 45.833 + 11.4


@pytest.fixture(scope="module")
def net() -> Network:
    return data.load().network


@pytest.fixture(scope="module")
def default_log(net: Network) -> pd.DataFrame:
    return synthesize(net, shipments=60, seed=3)


def test_default_log_validates_and_is_labelled(net: Network, default_log: pd.DataFrame) -> None:
    log = shipment_log(default_log, "synthetic", net)
    assert len(log.shipments) == 60
    assert (default_log["source"] == "synthetic: corridor analytics synth, seed 3").all()
    assert set(default_log["mode"]) <= {"rail", "rail-ferry", "sea"}
    # every border entry has its exit at the same bcp, every trip one departure and one arrival
    assert (default_log["event"] == "departure").sum() == (default_log["event"] == "arrival").sum() == 60
    assert len(border_crossings(log)) == (default_log["event"] == "border_entry").sum()


def test_same_seed_same_frame_other_seed_differs(net: Network, default_log: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(synthesize(net, shipments=60, seed=3), default_log)
    other = synthesize(net, shipments=60, seed=4)
    assert not other.equals(default_log)
    assert (other["source"] == "synthetic: corridor analytics synth, seed 4").all()


def test_hand_computed_trip_without_noise(net: Network) -> None:
    f = synthesize(net, shipments=5, seed=0, pairs=PAIR, noise=False)
    log = shipment_log(f, "synthetic", net)
    t = trips(log)
    assert t["distance_km"].to_numpy() == pytest.approx([155.1] * 5, abs=1e-9)
    assert t["time_h"].to_numpy() == pytest.approx([T_HAND_H] * 5, abs=ONE_SECOND_H)
    assert t["tonnes"].to_numpy() == pytest.approx([473.7] * 5)
    x = border_crossings(log)
    assert list(x["bcp"]) == ["saryagash"] * 5
    assert x["tfi1_h"].to_numpy() == pytest.approx([11.4] * 5, abs=ONE_SECOND_H)
    assert x["tfi2_usd"].to_numpy() == pytest.approx([7294.98] * 5, abs=0.01)
    assert list(f["event"].iloc[:5]) == ["departure", "position", "border_entry", "border_exit", "arrival"]
    # Kazakhstan and Uzbekistan both at +05:00 (assumed offsets)
    assert f["time"].str.endswith("+05:00").all()


def test_departures_within_the_window(net: Network) -> None:
    f = synthesize(net, shipments=40, seed=9, pairs=PAIR, start="2025-03-01", days=2, noise=False)
    dep = pd.to_datetime(f.loc[f["event"] == "departure", "time"], utc=True, format="ISO8601")
    assert dep.min() >= pd.Timestamp("2025-03-01", tz="UTC")
    assert dep.max() < pd.Timestamp("2025-03-03", tz="UTC")


def test_time_factor_doubles_the_border_exactly(net: Network) -> None:
    f = synthesize(net, shipments=3, seed=0, pairs=PAIR, noise=False, time_factors={"saryagash-border": 2.0})
    log = shipment_log(f, "synthetic", net)
    assert border_crossings(log)["tfi1_h"].to_numpy() == pytest.approx([22.8] * 3, abs=ONE_SECOND_H)
    assert trips(log)["time_h"].to_numpy() == pytest.approx([T_HAND_H + 11.4] * 3, abs=ONE_SECOND_H)


def test_default_corridors_without_noise_match_the_planner(net: Network) -> None:
    f = synthesize(net, shipments=30, seed=1, noise=False)
    t = trips(shipment_log(f, "synthetic", net))
    from corridor.analytics.synth import DEFAULT_CORRIDORS, PLANNER_MODES

    for c in DEFAULT_CORRIDORS:
        mine = t[(t["origin"] == c.origin) & (t["destination"] == c.destination)]
        if mine.empty:
            continue
        r = plan_routes(net, c.origin, c.destination, cargo=c.commodity, via=c.via,
                        avoid_countries=c.avoid_countries, modes=list(c.modes or PLANNER_MODES)).routes[0]
        assert mine["time_h"].to_numpy() == pytest.approx(np.full(len(mine), r.time_h), abs=ONE_SECOND_H)
        assert mine["distance_km"].to_numpy() == pytest.approx(np.full(len(mine), r.distance_km), abs=1e-2)


def test_containers_are_40ft_boxes(default_log: pd.DataFrame) -> None:
    # 2 TEU × 19.61 t per TEU (commodities.csv)
    assert set(default_log.loc[default_log["commodity"] == "container", "tonnes"]) == {39.22}


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_noisy_logs_stay_valid(seed: int) -> None:
    net = data.load().network
    f = synthesize(net, shipments=8, seed=seed, pairs=PAIR)
    t = trips(shipment_log(f, "synthetic", net))
    assert (t["time_h"] > 0).all()
    assert (t["swd_kmh"] <= t["swod_kmh"] + 1e-9).all()
    assert t["distance_km"].to_numpy() == pytest.approx([155.1] * 8, abs=1e-9)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"shipments": 0}, "shipments"),
    ({"days": -1}, "days"),
    ({"start": "not a date"}, "start"),
    ({"seed": -1}, "seed"),
    ({"time_factors": {"no-such-border": 2.0}}, "no-such-border"),
    ({"time_factors": {"saryagash-border": 0.0}}, "saryagash-border"),
    ({"pairs": [("shymkent", "tashkent")]}, "pair"),
    ({"pairs": [("shymkent", "nowhere", "grain")]}, "pair"),
])
def test_bad_arguments(net: Network, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as e:
        synthesize(net, **{"shipments": 2, "pairs": PAIR, **kwargs})  # type: ignore[arg-type]
    assert any(p.field == field for p in e.value.problems)


def test_write_parquet_and_csv_round_trip(net: Network, tmp_path: Path) -> None:
    f = synthesize(net, shipments=4, seed=2, pairs=PAIR)
    for name in ("log.csv", "sub/log.parquet"):
        p = write_shipment_log(f, tmp_path / name)
        back = read_shipment_log(p, net)
        assert len(back.frame) == len(f)
    with pytest.raises(InputError):
        write_shipment_log(f, tmp_path / "log.txt")


def test_cli_writes_a_log_that_cpmm_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "syn.csv"
    code = main(["analytics", "synth", "--out", str(out), "--shipments", "6", "--seed", "5",
                 "--pair", "shymkent:tashkent:grain", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    # 5 events a trip (departure, position, border entry and exit, arrival), plus 2 per wait drawn
    assert summary["rows"] >= 30 and summary["rows"] % 2 == 0
    assert {k: summary[k] for k in ("file", "shipments", "seed", "source")} == {
        "file": str(out), "shipments": 6, "seed": 5, "source": "synthetic: corridor analytics synth, seed 5"}
    code = main(["analytics", "cpmm", str(out), "--json", "--network", "eurasia"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(payload["trips"]) == 6


@pytest.mark.parametrize("pair", ["shymkent:tashkent", "shymkent:nowhere:grain", "shymkent:tashkent:unobtainium"])
def test_cli_refuses_bad_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str], pair: str) -> None:
    code = main(["analytics", "synth", "--out", str(tmp_path / "x.csv"), "--pair", pair])
    err = capsys.readouterr().err
    assert code == 2
    assert "error: --pair" in err and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


def test_shipped_example_revalidates(net: Network) -> None:
    log = read_shipment_log(EXAMPLE, net)
    f = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    assert (f["source"] == "synthetic: corridor analytics synth, seed 1").all()
    assert 120 <= len(log.shipments) <= 200
    assert EXAMPLE.stat().st_size < 1_500_000
