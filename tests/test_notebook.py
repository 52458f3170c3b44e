"""The example notebooks run from top to bottom with the Python API alone, and show their results.

Every ``examples/*.ipynb`` is executed here (nbclient, kernel ``python3``), so a notebook that breaks
with a change of the API fails CI instead of rotting. The notebooks are stored without outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
ALLOWED_IMPORTS = {"corridor", "tempfile", "pathlib", "pandas"}  # the Python API, and pandas for its tables
#: Maps or charts (an inline ``<svg``) each notebook must show at least; the others show one.
MIN_PICTURES = {"python-api.ipynb": 3}


def test_every_notebook_is_found() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert {"python-api.ipynb", "analyst-scenario-study.ipynb", "forwarder-route-comparison.ipynb",
            "hub-sizing-study.ipynb"} <= names, names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_clean(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} are stored with outputs; clear them (CI executes the notebook)"
    assert nb.cells[0].cell_type == "markdown", f"{path.name} starts with a markdown introduction"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "corridor." in code
    imports = {line.split()[1].split(".")[0] for line in code.splitlines() if line.startswith(("import ", "from "))}
    assert imports <= ALLOWED_IMPORTS, imports  # the Python API alone
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    pictures = sum("<svg" in h for h in html)
    assert pictures >= MIN_PICTURES.get(path.name, 1), f"{path.name} shows {pictures} maps or charts"
    assert not list(tmp_path.iterdir()), "a notebook writes into temporary folders only, not where it runs"
