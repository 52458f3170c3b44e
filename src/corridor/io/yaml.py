r"""The one YAML loader: every mapping and list knows the file and line of each entry.

Hub configs and scenario files are read here, so that both accept the same YAML and both report
``file:line: field: message``:

- mappings become :class:`LocatedDict` and sequences :class:`LocatedList`; ``where(key)`` gives
  ``file:line`` of an entry (see :class:`corridor.validation.Problems`);
- scalars follow the YAML 1.2 core schema: ``2e5``, ``15e0`` and ``1.5e-3`` are numbers, ``010`` is
  ten, ``yes``/``no``/``on``/``off`` and dates stay text (YAML 1.1 read ``NO``, Norway, as false);
- a key written twice is refused (a key merged in with ``<<:`` may be overridden);
- what a file may ask for is bounded: at most :data:`MAX_NODES` values once aliases are expanded
  (a "billion laughs" alias bomb is refused at the alias that passes the limit, before anything
  is built), no alias inside the node it refers to, at most :data:`MAX_DEPTH` levels of nesting,
  and the file size limit of :func:`corridor.io.files.read_text`.

>>> doc = loads_yaml("name: x\nsize: 2e5\nitems:\n  - a\n  - b\n", "s.yaml")
>>> doc["size"], doc.where("size"), doc["items"].where(1)
(200000.0, 's.yaml:2', 's.yaml:5')
>>> loads_yaml("a: &x [1, *x]\n", "r.yaml")
Traceback (most recent call last):
...
corridor.exceptions.InputError: r.yaml:1: alias *x is inside the node it refers to (a recursive alias)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from corridor.exceptions import InputError, Problem

__all__ = ["MAX_DEPTH", "MAX_NODES", "LocatedDict", "LocatedList", "load_yaml", "loads_yaml"]

MAX_NODES = 1_000_000
"""The most values (mappings, lists and scalars, counting every alias expanded) a YAML file may hold."""
MAX_DEPTH = 100
"""The deepest nesting of mappings and lists a YAML file may have."""

_MERGE = "tag:yaml.org,2002:merge"
#: The YAML 1.2 core schema (null, bool, int, float), plus ``<<`` merge keys and ``_`` between digits.
_SCHEMA = (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    ("float", r"[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", "-+.0123456789"),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("merge", r"<<", "<"),
)


class _Located:
    """What both containers know: the file, their own line and the line of each entry."""

    file: str
    line: int
    lines: dict[Any, int]

    def _locate(self, file: str, node: yaml.Node) -> None:
        self.file, self.line, self.lines = file, node.start_mark.line + 1, {}

    def where(self, key: Any = None) -> str:
        r"""``file:line`` of the entry ``key`` (a key, or an index of a list), else of the container.

        >>> loads_yaml("a: 1\nb: 2\n", "f.yaml").where("b")
        'f.yaml:2'
        """
        line = self.line if key is None else self.lines.get(key, self.line)
        return f"{self.file}:{line}"


class LocatedDict(dict[Any, Any], _Located):
    r"""A YAML mapping that knows the line of each key (``where(key)``).

    Examples
    --------
    >>> doc = loads_yaml("a: 1\nb: 2\n", "x.yaml")
    >>> isinstance(doc, LocatedDict), doc.where("b")
    (True, 'x.yaml:2')
    """


class LocatedList(list[Any], _Located):
    r"""A YAML sequence that knows the line of each item (``where(index)``).

    Examples
    --------
    >>> items = loads_yaml("- 1\n- 2\n", "x.yaml")
    >>> isinstance(items, LocatedList), items.where(1)
    (True, 'x.yaml:2')
    """


class _Refused(Exception):
    """The file asks for more than a loader gives (found while composing, before building)."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark, self.message = mark, message


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema, located containers and bounds."""

    def __init__(self, text: str, file: str, max_nodes: int, max_depth: int) -> None:
        super().__init__(text)
        self.file, self.max_nodes, self.max_depth = file, max_nodes, max_depth
        self.expanded = 0  # values so far, each alias counted as the size of what it refers to
        self.depth = 0
        self.open_anchors: set[str] = set()
        self.sizes: dict[str, int] = {}  # anchor → expanded size of its node

    def _grow(self, n: int, mark: Any) -> None:
        self.expanded += n
        if self.expanded > self.max_nodes:
            raise _Refused(mark, f"the file expands to more than {self.max_nodes:,} values (an alias bomb?); "
                           "write the values out or use fewer aliases")

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, counting what it expands to and refusing recursion and deep nesting."""
        event = self.peek_event()
        anchor = event.anchor  # every event that starts a node has one
        if isinstance(event, yaml.AliasEvent):
            if anchor in self.open_anchors:
                raise _Refused(event.start_mark, f"alias *{anchor} is inside the node it refers to (a recursive alias)")
            node = super().compose_node(parent, index)
            self._grow(self.sizes.get(anchor, 1), event.start_mark)
            return node
        self.depth += 1
        if self.depth > self.max_depth:
            raise _Refused(event.start_mark, f"nested more than {self.max_depth} levels deep")
        self._grow(1, event.start_mark)
        start = self.expanded
        if anchor is not None:
            self.open_anchors.add(anchor)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self.open_anchors.discard(anchor)
            self.sizes[anchor] = 1 + self.expanded - start
        self.depth -= 1
        return node


def _key(loader: _Loader, key_node: yaml.Node) -> Any:
    key = loader.construct_object(key_node, deep=True)
    if isinstance(key, bool) or not isinstance(key, str | int | float):
        where = f"{loader.file}:{key_node.start_mark.line + 1}"
        raise InputError(Problem(where, str(key), f"keys must be plain words or numbers, not {key!r}"))
    return key


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    out = LocatedDict()
    out._locate(loader.file, node)
    explicit = sum(1 for k, _ in node.value if k.tag != _MERGE)
    loader.flatten_mapping(node)
    merged_end = len(node.value) - explicit  # flatten_mapping puts merged pairs first
    merged: set[Any] = set()
    for i, (key_node, value_node) in enumerate(node.value):
        key = _key(loader, key_node)
        if key in out and (i < merged_end or key not in merged):
            if i < merged_end:
                continue  # of two merged mappings, the first wins
            where = f"{loader.file}:{key_node.start_mark.line + 1}"
            raise InputError(Problem(where, str(key), f"duplicate key (first on line {out.lines[key]})"))
        merged.discard(key)
        if i < merged_end:
            merged.add(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    out = LocatedList(loader.construct_object(v, deep=True) for v in node.value)
    out._locate(loader.file, node)
    out.lines = {i: v.start_mark.line + 1 for i, v in enumerate(node.value)}
    return out


def _int(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # YAML 1.2: a leading zero is not octal


_Loader.yaml_implicit_resolvers = {}  # not YAML 1.1's
for _tag, _pattern, _first in _SCHEMA:
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"), list(_first))
_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)


def _malformed(error: yaml.YAMLError, file: str) -> InputError:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        where = f"{file}:{mark.line + 1}" if mark is not None else file
        return InputError(Problem(where, "", f"malformed YAML: {error.problem or error}"))
    return InputError(Problem(file, "", f"malformed YAML: {error}"))


def loads_yaml(text: str, file: str = "<string>", *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> Any:
    r"""Parse YAML text into plain values, :class:`LocatedDict` and :class:`LocatedList`.

    Parameters
    ----------
    text
        The YAML document.
    file
        How messages name the source (the path the user gave).
    max_nodes, max_depth
        Bounds on the values the document expands to and on its nesting.

    Raises
    ------
    InputError
        Malformed YAML, a duplicate key, a key that is not a word or number, or a document that
        asks for more than the bounds; each names ``file:line``.

    Examples
    --------
    >>> doc = loads_yaml("name: test\nchanges:\n  - close: a\n  - close: b\n", "test.yaml")
    >>> doc
    {'name': 'test', 'changes': [{'close': 'a'}, {'close': 'b'}]}
    >>> doc.where("changes"), doc["changes"].where(1)
    ('test.yaml:2', 'test.yaml:4')
    """
    try:
        loader = _Loader(text, file, max_nodes, max_depth)  # checks the characters first (ReaderError)
    except yaml.YAMLError as e:
        raise _malformed(e, file) from None
    try:
        return loader.get_single_data()
    except _Refused as e:
        raise InputError(Problem(f"{file}:{e.mark.line + 1}", "", e.message)) from None
    except yaml.YAMLError as e:
        raise _malformed(e, file) from None
    except RecursionError:  # not expected within MAX_DEPTH; never let it escape on user input
        raise InputError(Problem(file, "", "nested too deeply")) from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file (see :func:`loads_yaml`); messages name ``path`` as given.

    Raises
    ------
    InputError
        A missing, empty, binary or oversized file (see :func:`corridor.io.files.read_text`), or
        any problem :func:`loads_yaml` finds.

    Examples
    --------
    >>> from corridor import data
    >>> spec = load_yaml(data.scenario_path("northern-route-closed"))
    >>> spec["name"]
    'northern-route-closed'
    """
    from corridor.io.files import read_text

    return loads_yaml(read_text(Path(path)), str(path))
