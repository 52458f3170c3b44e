"""Reading YAML with the line of every key, so that errors can say ``hub.yaml:12``."""

from __future__ import annotations

from typing import Any

import yaml

from corridor.exceptions import InputError, Problem

__all__ = ["read_yaml"]


def read_yaml(text: str, filename: str) -> tuple[Any, dict[str, int]]:
    """Parse ``text``; return the data and a map from dotted path (``services[0].share``) to line.

    Raises
    ------
    InputError
        If the text is not valid YAML (the message gives the line and column).
    """
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark is not None else filename
        problem = getattr(e, "problem", None) or str(e)
        col = f" (column {mark.column + 1})" if mark is not None else ""
        raise InputError(Problem(where, "", f"malformed YAML: {problem}{col}")) from None
    lines: dict[str, int] = {}
    if root is not None:
        _walk(root, "", lines)
    return data, lines


def _walk(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            lines[sub] = key.start_mark.line + 1
            _walk(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = f"{path}[{i}]"
            lines[sub] = item.start_mark.line + 1
            _walk(item, sub, lines)
