"""Safe YAML loading that remembers where every mapping and key came from.

``load_yaml`` uses PyYAML's ``SafeLoader`` (no arbitrary tags) and returns plain-looking
dicts and lists that also know their line numbers, so errors can say ``file:line``.

>>> doc = loads_yaml("a: 1\\nb:\\n  c: 2\\n")
>>> line_of(doc, "b"), line_of(doc["b"], "c")
(2, 3)
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import InputError, Problem


class LineDict(dict):
    """A dict that remembers its own line and each key's line (1-based)."""

    __slots__ = ("line", "key_lines")


class LineList(list):
    """A list that remembers its line (1-based)."""

    __slots__ = ("line",)


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader, node, deep=False):
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def loads_yaml(text: str, filename: str = "<string>"):
    """Parse YAML text safely; a syntax error becomes an ``InputError`` with file:line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        # an unclosed bracket is detected lines later: point at where it was opened
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x) or str(exc)
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            msg += f" (noticed at line {exc.problem_mark.line + 1})"
        raise InputError([Problem(f"malformed YAML: {msg}", file=filename, line=line)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(f"malformed YAML: {exc}", file=filename)]) from None


def load_yaml(path: str | Path):
    """Read and safely parse a YAML file (UTF-8)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem("file not found", file=str(path))]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(f"not UTF-8 text ({exc.reason})", file=str(path))]) from None
    return loads_yaml(text, filename=str(path))


def line_of(obj, key=None) -> int | None:
    """The line of a mapping/list, or of one of its keys, when known."""
    if key is not None and isinstance(obj, LineDict):
        return obj.key_lines.get(key, obj.line)
    return getattr(obj, "line", None)
