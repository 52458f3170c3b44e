"""The example scenarios in examples/ are real files, equal to the built-in ones, and work when copied."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corridor import data
from corridor.scenarios import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_examples_are_the_builtin_scenarios() -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert [f.stem for f in files] == data.scenarios()
    for f in files:
        assert not f.is_symlink(), f"{f.name} is a link: it breaks when examples/ is copied"
        assert f.read_bytes() == data.scenario_path(f.stem).read_bytes(), (
            f"examples/{f.name} differs from src/corridor/data/scenarios/{f.name}: copy one over the other")


@pytest.mark.parametrize("name", ["northern-route-closed", "northern-risk-premium"])
def test_a_copied_example_loads(tmp_path: Path, name: str) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    spec = load_scenario(tmp_path / "examples" / f"{name}.yaml")
    assert spec.name == name
