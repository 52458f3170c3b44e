"""Running the installed ``corridor`` console script as a user does: a subprocess from the repository root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CORRIDOR = Path(sys.executable).parent / "corridor"
"""The console script next to the Python that runs the tests (the package installed in this venv)."""


def run_cli(*args: str | Path, home: Path, timeout: float = 600) -> str:
    """Run ``corridor ARGS`` from the repository root; its standard output (it must exit 0)."""
    env = {**os.environ, "CORRIDOR_HOME": str(home), "COLUMNS": "120", "NO_COLOR": "1"}
    p = subprocess.run([str(CORRIDOR), *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=timeout, check=False)
    assert p.returncode == 0, f"corridor {' '.join(map(str, args))} exited {p.returncode}:\n{p.stderr[-3000:]}"
    return p.stdout
