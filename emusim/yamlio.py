"""Safe YAML loading that remembers where every mapping and key came from.

``load_yaml`` uses PyYAML's ``SafeLoader`` (no arbitrary tags) and returns plain-looking
dicts and lists that also know their line numbers, so errors can say ``file:line``.

>>> doc = loads_yaml("a: 1\\nb:\\n  c: 2\\n")
>>> line_of(doc, "b"), line_of(doc["b"], "c")
(2, 3)

Hostile input is refused up front, with the line, before anything walks the tree
(every limit is in :mod:`emusim.limits`):

* a file larger than ``MAX_YAML_BYTES``; nesting deeper than ``MAX_YAML_DEPTH``;
* aliases that expand to more than ``MAX_YAML_NODES`` nodes (the "billion laughs":
  ``a: &a [x, x, …]``, ``b: &b [*a, *a, …]`` … ``notes: *i``) or refer to themselves;
* a mapping key that is a list or mapping ("unhashable"); a date that does not exist.

Numbers are read as written (YAML 1.2 core schema): ``010`` is ten, not YAML 1.1's octal
eight; ``1e-9`` is a number; ``1:30`` is text, not 90 (YAML 1.1's base 60).

>>> loads_yaml("quota: 010\\ntol: 1e-9\\nt: 1:30\\nh: 0x1F\\no: 0o17\\n")
{'quota': 10, 'tol': 1e-09, 't': '1:30', 'h': 31, 'o': 15}
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, SequenceNode

from . import limits
from .errors import InputError, Problem
from .i18n import Message

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
#: YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
_INT_RE = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


class LineDict(dict):
    """A dict that remembers its own line and each key's line (1-based)."""

    __slots__ = ("line", "key_lines")


class LineList(list):
    """A list that remembers its line (1-based)."""

    __slots__ = ("line",)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader with line numbers, YAML 1.2 numbers and a bound on nesting depth."""

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > limits.MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, Message("yamlio.too_deep", limit=limits.MAX_YAML_DEPTH), self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# numbers as written: drop YAML 1.1's int and float resolvers, add the YAML 1.2 core ones
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(_INT_TAG, _INT_RE, list("-+0123456789"))
_LineLoader.add_implicit_resolver(_FLOAT_TAG, _FLOAT_RE, list("-+.0123456789"))


def _construct_int(loader, node):
    """``010`` → 10 (as written), ``0o17`` → 15, ``0x1F`` → 31."""
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        raise yaml.constructor.ConstructorError(
            None, None, Message("yamlio.bad_date", value=node.value), node.start_mark) from None


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, Message("yamlio.unhashable_key"), key_node.start_mark) from None
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, Message("yamlio.duplicate_key", name=repr(key)), key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader, node, deep=False):
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor(_INT_TAG, _construct_int)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _children(node):
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return ()


def check_expansion(root, filename: str = "<string>") -> int:
    """The number of nodes ``root`` stands for once every alias is expanded (each shared node
    counted at every use); an :class:`InputError` when it exceeds ``MAX_YAML_NODES``, when
    the expanded nesting exceeds ``MAX_YAML_DEPTH`` or when an alias refers to itself.

    Linear in the number of distinct nodes (sizes are remembered per node), so a "billion
    laughs" document is refused in microseconds, before anything expands it.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack = [(root, False)]

    def refuse(key: str, node, **values):
        raise InputError([Problem(Message(key, **values), file=filename, line=node.start_mark.line + 1)])

    while stack:
        node, done = stack.pop()
        key = id(node)
        kids = _children(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in kids)
            depth[key] = 1 + max((depth[id(c)] for c in kids), default=0)
            if size[key] > limits.MAX_YAML_NODES:
                refuse("yamlio.too_many_nodes", node, limit=limits.MAX_YAML_NODES)
            if depth[key] > limits.MAX_YAML_DEPTH:
                refuse("yamlio.too_deep", node, limit=limits.MAX_YAML_DEPTH)
            continue
        if key in size:
            continue
        on_path.add(key)
        stack.append((node, True))
        for c in kids:
            if id(c) in on_path:
                refuse("yamlio.recursive_alias", c)
            if id(c) not in size:
                stack.append((c, False))
    return size.get(id(root), 0)


def _message_text(value) -> str:
    return value.text() if isinstance(value, Message) else str(value)


class _Joined(Message):
    """Several messages as one placeholder value, each rendered in the reader's language."""

    __slots__ = ("parts",)

    def __init__(self, parts):
        super().__init__("yamlio.other")
        self.parts = list(parts)

    def text(self, lang: str | None = None) -> str:
        return " ".join(p.text(lang) if isinstance(p, Message) else str(p) for p in self.parts)


_THINGS = ("flow sequence", "flow mapping", "block mapping", "block collection", "block node", "flow node",
           "simple key", "quoted scalar", "plain scalar", "block scalar", "alias", "anchor", "tag")
_TOKENS = {"<block end>": "block_end", "<stream end>": "stream_end", "<document start>": "document_start",
           "'<block sequence start>'": "block_sequence_start", "'<block mapping start>'": "block_mapping_start",
           "'<scalar>'": "scalar", "the node content": "node_content", "a comment or a line break": "comment"}
_FIXED = {"could not find expected ':'": "no_colon", "mapping values are not allowed here": "mapping_not_allowed",
          "found unexpected end of stream": "unexpected_end", "did not find expected key": "no_key",
          "did not find expected node content": "no_node", "did not find expected '-' indicator": "no_dash"}
_WHILE = re.compile(r"^while (?:parsing|scanning|constructing) an? (?P<thing>.+)$")
_EXPECTED = re.compile(r"^expected (?P<expected>.+?), but (?:found|got) (?P<found>.+)$")
_FOUND = re.compile(r"^found (?:character (?P<char>.+) that cannot start any token|undefined alias (?P<alias>.+)"
                    r"|unknown escape character (?P<escape>.+))$")


def _token(text: str):
    text = text.strip()
    if text in _TOKENS:
        return Message(f"yamlio.token_{_TOKENS[text]}")
    either = re.fullmatch(r"(.+?) or (.+)", text)
    if either:
        return Message("yamlio.or", a=_token(either.group(1)), b=_token(either.group(2)))
    return text


def yaml_words(text) -> "Message | str":
    """PyYAML's English context or problem ("while parsing a flow sequence", "expected ',' or ']',
    but got ':'") as a catalogue message; unknown wording is kept as it is.

    >>> yaml_words("expected ',' or ']', but got ':'").text("vi")
    "cần ',' hoặc ']' nhưng gặp ':'"
    >>> yaml_words("while parsing a block mapping").text("en")
    'while parsing a block mapping'
    """
    if isinstance(text, Message):
        return text
    text = str(text).strip()
    if text in _FIXED:
        return Message(f"yamlio.{_FIXED[text]}")
    m = _WHILE.match(text)
    if m and m.group("thing") in _THINGS:
        return Message("yamlio.while", thing=Message("yamlio.thing_" + m.group("thing").replace(" ", "_")))
    m = _EXPECTED.match(text)
    if m:
        return Message("yamlio.expected_but", expected=_token(m.group("expected")), found=_token(m.group("found")))
    m = _FOUND.match(text)
    if m:
        if m.group("char"):
            return Message("yamlio.bad_character", char=m.group("char"))
        if m.group("alias"):
            return Message("yamlio.undefined_alias", name=m.group("alias"))
        return Message("yamlio.bad_escape", char=m.group("escape"))
    return text


def loads_yaml(text: str, filename: str = "<string>"):
    """Parse YAML text safely; any problem becomes an ``InputError`` with file:line."""
    if len(text) > limits.MAX_YAML_BYTES:
        raise InputError([Problem(Message("yamlio.too_big", limit=limits.MAX_YAML_BYTES), file=filename)])
    loader = None
    try:
        loader = _LineLoader(text)
        root = loader.get_single_node()
        if root is None:
            return None
        check_expansion(root, filename)
        return loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        # an unclosed bracket is detected lines later: point at where it was opened
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else None
        if isinstance(exc.problem, Message) and not exc.context:  # ours: a bad date, a duplicate key
            raise InputError([Problem(exc.problem, file=filename, line=line)]) from None
        parts = [yaml_words(x) for x in (exc.context, exc.problem) if x]
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            parts.append(Message("yamlio.noticed_at", line=str(exc.problem_mark.line + 1)))
        detail = Message("yamlio.other", detail=_Joined(parts)) if parts else str(exc)
        raise InputError([Problem(Message("yamlio.malformed", detail=detail), file=filename, line=line)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(Message("yamlio.malformed", detail=str(exc)), file=filename)]) from None
    except RecursionError:  # pragma: no cover - the depth bound comes first
        raise InputError([Problem(Message("yamlio.too_deep", limit=limits.MAX_YAML_DEPTH), file=filename)]) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_text(path: str | Path, what: str = "file") -> str:
    """The UTF-8 text of a file; a missing file, a folder, an unreadable or oversized file or
    bytes that are not UTF-8 become an :class:`InputError` naming the path."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError([Problem(Message("yamlio.is_directory"), file=str(path))])
        size = path.stat().st_size
        if size > limits.MAX_YAML_BYTES:
            raise InputError([Problem(Message("yamlio.too_big", limit=limits.MAX_YAML_BYTES), file=str(path))])
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(Message("yamlio.not_found"), file=str(path))]) from None
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start:exc.start + 1].hex() if exc.object else "?"
        reason = Message("yamlio.bad_byte", byte=byte, pos=str(exc.start))
        raise InputError([Problem(Message("yamlio.not_utf8", reason=reason), file=str(path))]) from None
    except OSError as exc:  # permission denied, a device, a name too long …
        raise InputError([Problem(Message("yamlio.unreadable", reason=_os_reason(exc)), file=str(path))]) from None


def _os_reason(exc: OSError) -> Message:
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM):
        return Message("yamlio.no_permission")
    if exc.errno == errno.ENAMETOOLONG:
        return Message("yamlio.name_too_long")
    return Message("yamlio.os_error", code=str(exc.errno))


def load_yaml(path: str | Path):
    """Read and safely parse a YAML file (UTF-8)."""
    return loads_yaml(read_text(path), filename=str(path))


def load_scalar(text: str):
    """One YAML scalar read the same way as files (``--set PATH=VALUE``): ``010`` → 10,
    ``.nan`` → nan, ``null`` → None; text that is not valid YAML stays text.

    >>> load_scalar("010"), load_scalar("0.2"), load_scalar("soft"), load_scalar("null")
    (10, 0.2, 'soft', None)
    """
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader derives from SafeLoader
    except yaml.YAMLError:
        return text


def line_of(obj, key=None) -> int | None:
    """The line of a mapping/list, or of one of its keys, when known."""
    if key is not None and isinstance(obj, LineDict):
        return obj.key_lines.get(key, obj.line)
    return getattr(obj, "line", None)
