"""Strict HTML parsing and the checks every report page and notebook fragment must pass."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
REMOTE = re.compile(r"https?://", re.IGNORECASE)
SVG_NS = "http://www.w3.org/2000/svg"
FRAGMENT_MAX_BYTES = 100_000


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
        self.roots = 0  # elements at the top level

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.stack:
            self.roots += 1
        self.tags.append((tag, dict(attrs)))
        if tag in {"style", "script"}:
            self.in_raw = tag
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.stack:
            self.roots += 1
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

    def count(self, tag: str, **attrs: str) -> int:
        """How many ``tag`` elements have all these attribute values (``class_`` for ``class``)."""
        want = {k.rstrip("_"): v for k, v in attrs.items()}
        return sum(1 for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in want.items()))


def parse(html: str) -> StrictParser:
    p = StrictParser()
    p.feed(html)
    p.close()
    return p


def assert_well_formed(html: str) -> StrictParser:
    page = parse(html)
    assert page.errors == [], page.errors[:5]
    assert page.stack == [], page.stack
    assert "nan" not in re.findall(r"\bnan\b", html.lower()), "a NaN reached the output"
    return page


def assert_offline(page: StrictParser, html: str) -> None:
    """No element, attribute, style or script refers to anything outside the file."""
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name == "xmlns":
                assert value == SVG_NS
                continue
            assert not REMOTE.search(value or ""), (tag, name, value)
            if name in {"src", "href"}:
                assert (value or "").startswith("#"), (tag, name, value)
        assert tag not in {"link", "img", "iframe", "object", "embed", "image", "use"}, tag
        if tag == "script":
            assert "src" not in attrs
    for block in page.raw["style"] + page.raw["script"]:
        assert not REMOTE.search(block)
        assert "@import" not in block
        assert "url(" not in block
    assert "@font-face" not in html
    assert not REMOTE.search(html.replace(f'xmlns="{SVG_NS}"', ""))


def assert_page(html: str) -> StrictParser:
    """A whole, well-formed, offline HTML document."""
    assert html.startswith("<!DOCTYPE html>")
    page = assert_well_formed(html)
    assert_offline(page, html)
    return page


def assert_fragment(html: str) -> StrictParser:
    """A notebook fragment: one ``<div>``, scoped style, no script, offline, small."""
    assert len(html.encode("utf-8")) <= FRAGMENT_MAX_BYTES, len(html.encode("utf-8"))
    page = assert_well_formed(html)
    assert_offline(page, html)
    assert page.roots == 1
    assert page.tags[0][0] == "div"
    cls = page.tags[0][1]["class"]
    assert cls and cls.startswith("corridor-")
    assert page.count("script") == 0
    assert page.count("style") == 1
    assert page.count("html") == page.count("body") == page.count("head") == 0
    css = "".join(page.raw["style"])
    selectors = [s.strip() for block in re.findall(r"([^{}]+)\{", css) for s in block.split(",")]
    assert selectors, css
    for sel in selectors:
        assert sel.startswith(f".{cls}"), sel
    return page
