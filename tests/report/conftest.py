"""Fixtures of the report tests: real outputs of `corridor scenario run --json` and `scenario sweep --json`.

The files under data/ were produced by the scenarios code on the built-in `eurasia` data
(baseline-2021 against northern-route-closed and aktau-hub; a 200-sample sweep of
northern-risk-premium) and are kept here so that the report tests do not depend on the solver.
"""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from corridor import data
from corridor.model import Network

DATA = Path(__file__).parent / "data"

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class StrictParser(HTMLParser):
    """Records every tag and attribute and checks that non-void elements nest and close properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.in_raw: str | None = None
        self.raw: dict[str, list[str]] = {"style": [], "script": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in {"style", "script"}:
            self.in_raw = tag
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.in_raw = None
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, text: str) -> None:
        if self.in_raw:
            self.raw[self.in_raw].append(text)
        else:
            self.text.append(text)


def parse(html: str) -> StrictParser:
    p = StrictParser()
    p.feed(html)
    p.close()
    return p


@pytest.fixture(scope="session")
def network() -> Network:
    return data.load("eurasia").network


@pytest.fixture(scope="session")
def _comparisons() -> list[dict[str, Any]]:
    return json.loads((DATA / "comparisons.json").read_text(encoding="utf-8"))


@pytest.fixture
def comparisons(_comparisons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return copy.deepcopy(_comparisons)


@pytest.fixture
def sweep() -> dict[str, Any]:
    return json.loads((DATA / "sweep.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def samples() -> pd.DataFrame:
    return pd.read_csv(DATA / "sweep-samples.csv")


@pytest.fixture(scope="session")
def html_parse() -> Any:
    """The function that parses a page with :class:`StrictParser`."""
    return parse
