"""The kernels' on-disk cache: a second process loads instead of compiling, a compile is announced,
and no cache problem ever breaks a run. Each case runs in a fresh interpreter (numba's cache is per
process), on a tiny kernel of its own so that nothing here depends on the state of the real ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corridor._kernels._jit import COMPILING, COMPILING_UNCACHED

KERNEL = """
from corridor._kernels._jit import jit


@jit(nogil=True)
def add(a, b):
    return a + b
"""

RUN = """
import json, logging, shutil, sys
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
sys.path.insert(0, sys.argv[1])
from corridor._kernels._jit import cache_enabled, compile_notice
import tinykernel
if len(sys.argv) > 2:  # the cache directory turns into a file after the kernel was decorated
    shutil.rmtree(sys.argv[2])
    open(sys.argv[2], "w").close()
seen = []
with compile_notice(seen.append):
    first = tinykernel.add(1, 2)
    second = tinykernel.add(3, 4)
print(json.dumps({"sums": [first, second], "seen": seen, "cache": cache_enabled()}))
"""


def _run(folder: Path, env: dict[str, str], *extra: str) -> tuple[dict, str]:
    out = subprocess.run([sys.executable, "-c", RUN, str(folder), *extra], capture_output=True, text=True,
                         env={**os.environ, **env}, check=True, timeout=300)
    return json.loads(out.stdout.splitlines()[-1]), out.stderr


def _kernel(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "tinykernel.py").write_text(KERNEL)
    return folder


def test_second_process_loads_the_cache_and_only_a_compile_is_announced(tmp_path: Path) -> None:
    folder = _kernel(tmp_path)
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    first, _ = _run(folder, env)
    assert first == {"sums": [3, 7], "seen": [COMPILING], "cache": True}
    assert list((tmp_path / "cache").rglob("tinykernel.add-*.nbi"))
    second, _ = _run(folder, env)
    assert second == {"sums": [3, 7], "seen": [], "cache": True}


def test_no_writable_cache_directory_compiles_without_one(tmp_path: Path) -> None:
    """A read-only install with no writable home: numba would refuse ``cache=True`` at import."""
    folder = _kernel(tmp_path)
    (folder / "__pycache__").write_text("not a directory")  # no cache next to the source ...
    blocked = tmp_path / "file"
    blocked.write_text("")
    env = {"NUMBA_CACHE_DIR": "", "XDG_CACHE_HOME": str(blocked / "x"), "HOME": str(blocked / "x")}  # ... nor home
    for _ in range(2):  # every run compiles, and says so
        res, log = _run(folder, env)
        assert res == {"sums": [3, 7], "seen": [COMPILING_UNCACHED], "cache": False}
        assert "no writable cache directory for add" in log


def test_a_cache_that_cannot_be_written_is_logged_not_raised(tmp_path: Path) -> None:
    folder = _kernel(tmp_path)
    cache = tmp_path / "cache"
    res, log = _run(folder, {"NUMBA_CACHE_DIR": str(cache)}, str(cache))
    assert res["sums"] == [3, 7]
    assert res["cache"] is False
    assert "could not write the cache of add" in log


ENGINE = """
import json, sys
from corridor import data
from corridor.assignment import FreightEquilibriumOptions, freight_equilibrium
ds = data.load("eurasia")
seen = []
res = freight_equilibrium(ds.network, ds.demand, FreightEquilibriumOptions(max_iter=3),
                          progress=lambda p: seen.append([p.iteration, p.stage]))
print(json.dumps(seen))
"""


@pytest.mark.slow
def test_freight_equilibrium_says_it_compiles_on_the_first_run_only(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}  # an empty cache: the first run on a machine
    runs = [json.loads(subprocess.run([sys.executable, "-W", "ignore", "-c", ENGINE], capture_output=True, text=True,
                                      env=env, check=True, timeout=600).stdout) for _ in range(2)]
    assert runs[0][0] == [0, COMPILING]
    assert [s for _, s in runs[0][1:]] == ["iterating"] * 3
    assert runs[1] == [[1, "iterating"], [2, "iterating"], [3, "iterating"]]
