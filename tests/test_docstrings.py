"""Every public function and class of ``corridor`` has a numpydoc docstring with runnable examples.

The rule of issue 15: docstrings on every public function and class, numpydoc style, with examples
that CI runs (``--doctest-modules`` in pyproject.toml runs them; this test makes sure they exist).
"""

from __future__ import annotations

import doctest
import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest

import corridor

_HEADER = re.compile(r"^(\w[\w ]*)\n-{3,}\n", re.MULTILINE)


def _public() -> list[str]:
    return sorted(n for n in corridor.__all__ if inspect.isfunction(getattr(corridor, n))
                  or inspect.isclass(getattr(corridor, n)))


def _sections(doc: str) -> dict[str, str]:
    """numpydoc sections of a docstring: header -> body."""
    found = list(_HEADER.finditer(doc))
    return {m.group(1): doc[m.end():found[i + 1].start() if i + 1 < len(found) else len(doc)]
            for i, m in enumerate(found)}


def _documented(body: str) -> set[str]:
    """Parameter names of a Parameters section (``origin, dest`` documents two)."""
    names: set[str] = set()
    for line in body.splitlines():
        if line and not line[0].isspace():
            names.update(part.strip().lstrip("*").split(":")[0].strip() for part in line.split(","))
    return names


def test_the_python_api_is_all_checked() -> None:
    assert len(_public()) >= 30


@pytest.mark.parametrize("name", _public())
def test_docstring_has_parameters_and_examples(name: str) -> None:
    obj = getattr(corridor, name)
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"corridor.{name} has no docstring"
    assert doc.splitlines()[0].strip().endswith((".", ":")), f"corridor.{name}: a one-line summary first"
    sections = _sections(doc)
    assert "Examples" in sections, f"corridor.{name}: no numpydoc Examples section"
    examples = [e for t in doctest.DocTestFinder(recurse=False).find(obj, name) for e in t.examples]
    assert examples, f"corridor.{name}: the Examples section has no doctest (>>> lines) for CI to run"
    assert not any("+SKIP" in e.source or doctest.SKIP in e.options for e in examples), \
        f"corridor.{name}: an example is skipped; examples must run"
    if inspect.isfunction(obj):
        _check_parameters(name, obj, sections)


def _check_parameters(name: str, fn: Callable[..., Any], sections: dict[str, str]) -> None:
    params = [p for p in inspect.signature(fn).parameters if p not in ("self", "cls")]
    if not params:
        return
    assert "Parameters" in sections, f"corridor.{name} takes {params} but has no numpydoc Parameters section"
    missing = set(params) - _documented(sections["Parameters"])
    assert not missing, f"corridor.{name}: parameters not documented: {sorted(missing)}"


def test_the_section_parser() -> None:
    doc = "Summary.\n\nParameters\n----------\na, b\n    Two.\n*args\n    More.\n\nExamples\n--------\n>>> 1\n1\n"
    sections = _sections(doc)
    assert list(sections) == ["Parameters", "Examples"]
    assert _documented(sections["Parameters"]) == {"a", "b", "args"}


def _package_objects() -> list[str]:
    """Every public function and class of the public modules (names in each ``__all__``), once.

    Private modules (a ``_`` in the dotted name) are internal; what they offer publicly is re-exported
    by a public package, and is checked there.
    """
    import importlib
    import pkgutil

    names, seen = [], set()
    for info in pkgutil.walk_packages(corridor.__path__, "corridor."):
        if info.name.startswith(("corridor.cli", "corridor.api", "corridor.web")) or "._" in info.name:
            continue  # interfaces (documented by the CLI and OpenAPI references) and private modules
        module = importlib.import_module(info.name)
        for n in getattr(module, "__all__", []):
            obj = getattr(module, n, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj) or hasattr(obj, "py_func")) or id(obj) in seen:
                continue
            seen.add(id(obj))
            names.append(f"{info.name}:{n}")
    return names


@pytest.mark.parametrize("name", _package_objects())
def test_every_public_object_has_a_runnable_example(name: str) -> None:
    module, attr = name.split(":")
    import importlib

    obj = getattr(importlib.import_module(module), attr)
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{name}: no docstring"
    if "Examples" not in _sections(doc) and hasattr(obj, "py_func"):
        doc = inspect.getdoc(obj.py_func) or ""  # a compiled kernel: its Python function's docstring
    assert "Examples" in doc, f"{name}: no Examples section"
    assert ">>>" in doc, f"{name}: the Examples section runs nothing"
    assert "+SKIP" not in doc, f"{name}: a skipped example"
