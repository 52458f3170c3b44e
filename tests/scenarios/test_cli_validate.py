"""``corridor scenario validate``: the file, its base and every change checked without solving."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.cli import main


def test_a_shipped_scenario_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "validate", "northern-route-closed", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["name"] == "northern-route-closed"
    assert d["base"] == {"dataset": "eurasia", "year": 2021}
    assert d["changes_applied"][0] == "close_transit: RU, BY"


def test_an_unknown_link_is_named_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("name: bad\nchanges:\n  - close_link: [dostyk-aktogay]\n  - close_link: [nowhere-link]\n",
                 encoding="utf-8")
    assert main(["scenario", "validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"{f}:4" in err and "nowhere-link" in err and "Traceback" not in err


def test_a_valid_file_prints_what_each_change_touches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "ok.yaml"
    f.write_text("name: ok\nchanges:\n  - scale_capacity: {select: {id: aktau-port-out}, factor: 1.5}\n",
                 encoding="utf-8")
    assert main(["scenario", "validate", str(f)]) == 0
    out = capsys.readouterr().out
    assert "ok: valid" in out and "scale_capacity" in out
