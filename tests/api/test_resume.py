"""Jobs survive the server: a sweep whose ``corridor serve`` is killed (SIGKILL) resumes when it starts again.

The server journals its sweep jobs beside the run store (:mod:`corridor.api.journal`); the store
keeps every chunk of samples already solved. After the kill a new server on the same store queues
the sweep again and resumes it: at the end the store holds each sample exactly once.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb

CMD = [sys.executable, "-c", "import sys; from corridor.cli import main; sys.exit(main(sys.argv[1:]))"]
SAMPLES = 48


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("CORRIDOR_API_TOKEN", None)
    proc = subprocess.Popen([*CMD, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=store.parent,
                            start_new_session=True)  # its own process group: the server and its workers
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=2):
                return proc, base
        except OSError:
            assert proc.poll() is None, "corridor serve exited"
            time.sleep(0.25)
    _kill_group(proc)
    raise AssertionError("corridor serve did not answer within 60 s")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server's whole process group, as a service manager stopping it hard would.

    Killing the server alone leaves its worker pool's forkserver and workers running, orphaned,
    after the test.
    """
    with contextlib.suppress(ProcessLookupError):  # (no process of the group left)
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _json(url: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"content-type": "application/json"} if data else {},
                                 method="POST" if data else "GET")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def _samples(store: Path) -> list[int]:
    with duckdb.connect(str(store), read_only=True) as con:
        return [int(r[0]) for r in con.execute("SELECT idx FROM samples ORDER BY idx").fetchall()]


def test_a_killed_servers_sweep_resumes_without_losing_or_repeating_a_sample(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    proc, base = _serve(store)
    try:
        job = _json(base + "/api/sweeps", {"scenario": "northern-risk-premium", "samples": SAMPLES, "seed": 3})["job"]
        deadline = time.monotonic() + 300
        while _json(f"{base}/api/jobs/{job}")["progress"]["done"] < 1:  # some chunks solved, not all
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.2)
        state = _json(f"{base}/api/jobs/{job}")
        assert state["status"] == "running", state
    finally:
        _kill_group(proc)
    assert (tmp_path / "runs.duckdb.jobs.json").exists()  # the journal outlives the server
    proc, base = _serve(store)
    try:
        jobs = _json(base + "/api/jobs")["jobs"]
        assert [j["kind"] for j in jobs] == ["sweep"]  # queued again at start-up
        job = jobs[0]["id"]
        deadline = time.monotonic() + 600
        while (state := _json(f"{base}/api/jobs/{job}"))["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, "the resumed sweep did not finish"
            time.sleep(0.5)
        assert state["status"] == "done", state
        result = _json(f"{base}/api/jobs/{job}/result")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        _kill_group(proc)  # workers the server left
    assert _samples(store) == list(range(SAMPLES))  # every sample once: none lost, none repeated
    assert result["n"] == SAMPLES and 0 < result["solved_now"] < SAMPLES  # resumed, not started again
    assert not (tmp_path / "runs.duckdb.jobs.json").exists()  # the job ended: the journal is empty
