from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.cli import main
from corridor.hub.config import config_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["hub", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_simulate_json_keys_and_determinism(capsys):
    args = ("simulate", "--days", "40", "--warmup-days", "2", "--replications", "2", "--seed", "7", "--json")
    code, out, err = run(capsys, *args)
    assert code == 0, err
    d = json.loads(out)
    for key in ("throughput_teu", "vessel_wait_h", "berth_utilisation", "yard_occupancy", "dwell_h", "replications",
                "seed", "train_wait_h", "crane_utilisation", "track_utilisation", "backlog_teu", "days_closed",
                "series"):
        assert key in d, key
    assert set(d["vessel_wait_h"]) >= {"mean", "p95", "ci"}
    assert d["replications"] == 2 and d["seed"] == 7
    code, out2, _ = run(capsys, *args)
    d2 = json.loads(out2)
    d.pop("elapsed_s")
    d2.pop("elapsed_s")
    assert d == d2


def test_simulate_table_and_report(capsys, tmp_path: Path):
    report = tmp_path / "hub.html"
    code, out, err = run(capsys, "simulate", "--days", "30", "--replications", "2", "--report", str(report))
    assert code == 0, err
    assert "throughput (TEU/yr)" in out and "vessel & ferry wait (h)" in out
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 3
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_simulate_queue_mode(capsys):
    code, out, err = run(capsys, "simulate", "--config", "mm2-example", "--days", "2000", "--replications", "4")
    assert code == 0, err
    assert "Erlang C" in out


def test_queue_warns_without_steady_state(capsys, write_yaml, queue_yaml):
    path = write_yaml(queue_yaml(1, 1.0, "exponential", "mean", 1.2))
    code, _, err = run(capsys, "simulate", "--config", str(path), "--days", "20", "--replications", "1")
    assert code == 0
    assert "warning:" in err and "no steady state" in err


def test_sweep_and_curve_json(capsys, tmp_path: Path):
    code, out, err = run(capsys, "sweep", "--berths", "1,2", "--days", "30", "--replications", "1", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert len(d["points"]) == 2 and "best" in d
    code, out, err = run(capsys, "sweep", "--berths", "1,2", "--days", "30", "--replications", "1")
    assert code == 0, err
    assert "smallest design" in out or "no design" in out
    dest = tmp_path / "curve.json"
    code, out, err = run(capsys, "curve", "--levels", "60000,120000,180000", "--days", "60", "--replications", "2",
                         "--out", str(dest), "--json")
    assert code == 0, err
    assert json.loads(out)["form"] in ("davidson", "bpr")
    from corridor.hub import load_curve

    assert load_curve(str(dest)).points[0].demand_teu_per_yr == 60000


SHIPPED = config_path("aktau-hub.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "text"), [
    (("simulate", "--config", "/no/such/file.yaml"), "file not found"),
    (("simulate", "--days", "0"), "days"),
    (("simulate", "--replications", "0"), "replications"),
    (("sweep", "--berths", "1,x"), "--berths"),
    (("sweep", "--berths", "0,1"), "--berths"),
    (("curve", "--levels", "1,2"), "three"),
])
def test_bad_input_exit_2(capsys, args, text):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert text in err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(("old", "new", "text"), [
    ("  ground_slots:", "  groundslots:", "did you mean 'ground_slots'"),
    ("{dist: lognormal, mean: 48, cv: 1.0}", "{dist: weibull, mean: 48}", "unknown distribution 'weibull'"),
    ("moves_per_h:\n    value: 24", "moves_per_h:\n    value: -1", "cranes.moves_per_h"),
    ("tiers:\n    value: 4", "tiers:\n    value: 0", "yard.tiers"),
    ("name: aktau-hub\n", "name: aktau-hub\n  bad: [\n", "malformed YAML"),
])
def test_bad_config_exit_2(capsys, write_yaml, old, new, text):
    path = write_yaml(SHIPPED.replace(old, new, 1))
    code, _, err = run(capsys, "simulate", "--config", str(path), "--days", "5")
    assert code == 2
    assert text in err and "hub.yaml:" in err
    assert "Traceback" not in err
