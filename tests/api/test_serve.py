"""``corridor serve`` in a subprocess on a free loopback port; refusal to bind elsewhere without a token."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from corridor.cli import main

CMD = [sys.executable, "-c", "import sys; from corridor.cli import main; sys.exit(main(sys.argv[1:]))"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("CORRIDOR_API_TOKEN", None)
    proc = subprocess.Popen([*CMD, "serve", "--host", "127.0.0.1", "--port", str(port), "--store",
                             str(tmp_path / "runs.duckdb")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited") from None
                time.sleep(0.25)
        else:
            raise AssertionError("corridor serve did not answer within 30 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


def test_serve_answers_openapi_and_refuses_malformed_json(server: str) -> None:
    with urllib.request.urlopen(server + "/openapi.json", timeout=5) as r:
        spec = json.load(r)
    assert len(spec["paths"]) >= 8
    req = urllib.request.Request(server + "/api/routes", data=b'{"origin": [1,', method="POST",
                                 headers={"content-type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    with e.value:
        assert e.value.code == 400
        assert json.loads(e.value.read())["error"]["status"] == 400
    with urllib.request.urlopen(server + "/docs", timeout=5) as r:
        docs = r.read().decode()
    assert "/static/swagger-ui/swagger-ui-bundle.js" in docs


def test_serve_refuses_non_loopback_without_token(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CORRIDOR_API_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "CORRIDOR_API_TOKEN" in err
    assert "Traceback" not in err
