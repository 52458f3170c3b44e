from __future__ import annotations

from pathlib import Path

import pytest

from corridor.hub import HubConfig, load_config

QUEUE_YAML = """\
name: mm2
mode: queue
queue:
  servers: {servers}
  arrivals: {{dist: exponential, mean: {a}}}
  service: {{dist: {service}, {param}: {s}}}
"""


@pytest.fixture
def queue_yaml():
    def make(servers: int, a: float, service: str, param: str, s: float) -> str:
        return QUEUE_YAML.format(servers=servers, a=a, service=service, param=param, s=s)

    return make


@pytest.fixture(scope="session")
def aktau() -> HubConfig:
    return load_config("aktau-hub")


@pytest.fixture
def write_yaml(tmp_path: Path):
    def write(text: str, name: str = "hub.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
