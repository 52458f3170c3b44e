"""The layers of DESIGN.md: a module imports only from its own layer or below."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "corridor"
LAYER = {
    "exceptions": 0, "model": 0, "io": 0, "data": 0, "emissions": 0,
    "routing": 1, "assignment": 1, "hub": 1, "_kernels": 1,
    "scenarios": 2, "analytics": 2,
    "report": 3,
    "cli": 4, "api": 4, "web": 4,
}


def _package(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py") if rel.parts else ""


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("corridor."):
            out.append(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out += [a.name.split(".")[1] for a in node.names if a.name.startswith("corridor.")]
    return out


MODULES = sorted(p for p in SRC.rglob("*.py") if _package(p) in LAYER)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_go_down(path: Path) -> None:
    own = _package(path)
    for target in _imports(path):
        if target not in LAYER or target == own:
            continue
        assert LAYER[target] <= LAYER[own], f"{own} (layer {LAYER[own]}) imports {target} (layer {LAYER[target]})"
        assert {own, target} != {"cli", "api"}, "cli and api never import each other"


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert packages <= set(LAYER), packages - set(LAYER)
