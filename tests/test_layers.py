"""The layers of DESIGN.md: a module imports only from lower layers, or from its own package.

Inside a layer the packages are ordered too (``model`` before ``io`` before ``data``; ``_kernels``
before ``routing`` before ``assignment``): a package may import one of lower rank, never one of the
same rank (sideways) or higher. ``from corridor import x`` counts as an import of ``x`` when ``x``
is a package or module, and of the top-level Python API otherwise.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "corridor"
RANK = {
    # layer 0: pure data
    "exceptions": 0, "_version": 0,
    "validation": 1, "parallel": 1,
    "model": 2,
    "io": 4,
    "data": 5,
    # layer 1: engines
    "_kernels": 10,
    "routing": 11, "hub": 11,
    "assignment": 12,
    # layer 2: composing engines
    "scenarios": 20, "analytics": 20,
    # layer 3: reports
    "report": 30,
    # layer 3½: the Python API (corridor.load, route, assign ...)
    "results": 34,
    "_toplevel": 35,
    "__init__": 36,
    # layer 4: interfaces; the dashboard (web) is mounted by the REST API (api), so it ranks just below it
    "web": 39,
    "cli": 40, "api": 40,
}


def _package(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py") if rel.parts else ""


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, package)`` of every import of corridor in ``path``, lazy ones inside functions too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("corridor."):
                out.append((node.lineno, node.module.split(".")[1]))
            elif node.module == "corridor":
                out += [(node.lineno, a.name if a.name in RANK else "__init__") for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name.split(".")[1] if "." in a.name else "__init__")
                    for a in node.names if a.name == "corridor" or a.name.startswith("corridor.")]
    return out


MODULES = sorted(p for p in SRC.rglob("*.py") if _package(p) in RANK)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_go_down(path: Path) -> None:
    own = _package(path)
    for line, target in _imports(path):
        if target == own:
            continue
        assert target in RANK, f"line {line}: imports corridor.{target}, which has no place in the layer table"
        assert RANK[target] < RANK[own], (
            f"line {line}: {own} (rank {RANK[own]}) imports {target} (rank {RANK[target]}): "
            + ("sideways" if RANK[target] == RANK[own] else "upwards"))


def test_every_package_has_a_layer() -> None:
    names = {p.name.removesuffix(".py") for p in SRC.iterdir()
             if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py")}
    assert names <= set(RANK), names - set(RANK)


@pytest.mark.parametrize(("source", "expect"), [
    ("from corridor import data\n", [(1, "data")]),
    ("from corridor import __version__\n", [(1, "__init__")]),
    ("import corridor\n", [(1, "__init__")]),
    ("def f():\n    from corridor.scenarios.run import x\n", [(2, "scenarios")]),
])
def test_import_parser_sees_every_form(tmp_path: Path, source: str, expect: list[tuple[int, str]]) -> None:
    f = tmp_path / "m.py"
    f.write_text(source, encoding="utf-8")
    assert _imports(f) == expect


def test_import_has_no_side_effects() -> None:
    """``import corridor`` warns about nothing and imports no engine (the CLI starts fast)."""
    code = ("import sys, corridor; heavy = sorted(m for m in ('numba', 'highspy', 'simpy', 'duckdb', 'distributed') "
            "if m in sys.modules); print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"import corridor loads {out.stdout.strip()}"
