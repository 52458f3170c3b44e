"""Reading YAML with line numbers, so that every error can name ``file:line``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from corridor.exceptions import InputError, Problem

__all__ = ["Located", "LocatedDict", "LocatedList", "load_yaml", "loads_yaml"]


class Located:
    """A YAML mapping or sequence that knows where it and its entries were written."""

    file: str = ""
    line: int = 0
    lines: dict[Any, int]

    def where(self, key: Any = None) -> str:
        """``file:line`` of ``key`` (an entry), or of the container itself."""
        line = self.lines.get(key, self.line) if key is not None else self.line
        return f"{self.file}:{line}"


class LocatedDict(dict, Located):
    """A mapping with the line of each key."""


class LocatedList(list, Located):
    """A sequence with the line of each item (keyed by index)."""


def _loader(file: str) -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LocatedDict:
        out = LocatedDict()
        out.file, out.line, out.lines = file, node.start_mark.line + 1, {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise InputError(
                    Problem(f"{file}:{key_node.start_mark.line + 1}", str(key), "keys must be plain words")
                )
            if key in out:
                raise InputError(Problem(f"{file}:{key_node.start_mark.line + 1}", str(key), "duplicate key"))
            out[key] = loader.construct_object(value_node, deep=True)
            out.lines[key] = key_node.start_mark.line + 1
        return out

    def sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LocatedList:
        out = LocatedList(loader.construct_object(v, deep=True) for v in node.value)
        out.file, out.line = file, node.start_mark.line + 1
        out.lines = {i: v.start_mark.line + 1 for i, v in enumerate(node.value)}
        return out

    # YAML 1.1 reads 1e6 and 2.5e-3 without a dot as strings; read them as numbers, as YAML 1.2 does
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
        list("-+0123456789."),
    )
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return Loader


def loads_yaml(text: str, file: str = "<string>") -> Any:
    """Parse YAML text; a syntax error becomes an :class:`InputError` naming the line."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader(file))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(Problem(f"{file}{line}", "", f"malformed YAML: {e.problem or e}")) from None
    except yaml.YAMLError as e:
        raise InputError(Problem(file, "", f"malformed YAML: {e}")) from None


def load_yaml(path: Path) -> Any:
    """Read and parse a YAML file (size and encoding checked as for every input file)."""
    from corridor.io.files import read_text

    return loads_yaml(read_text(Path(path)), str(path))
