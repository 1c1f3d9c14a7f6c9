"""Add ``assumption_vi`` beside every ``assumption`` of the plan files (issue 14).

Edits the YAML text in place (comments, order and layout kept): a flow mapping
``{ …, assumption: "…" }`` gets ``, assumption_vi: "…"`` after the value; a block mapping
gets a line ``assumption_vi: "…"`` under the ``assumption`` entry, at its indentation.
The translations are scripts/assumption_vi.json (English text → Vietnamese text), one per
distinct English text. An entry that already has ``assumption_vi`` is left alone.

    python scripts/add_assumption_vi.py scenarios/*.yaml
"""
from __future__ import annotations

import json
import pathlib
import sys
import unicodedata

import yaml

HERE = pathlib.Path(__file__).resolve().parent


def _quote(text: str) -> str:
    return json.dumps(unicodedata.normalize("NFC", text), ensure_ascii=False)


def _sites(node, out):
    """(key node, value node, mapping is flow) of every ``assumption`` lacking ``assumption_vi``."""
    if isinstance(node, yaml.MappingNode):
        keys = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        for k, v in node.value:
            if (isinstance(k, yaml.ScalarNode) and k.value == "assumption" and isinstance(v, yaml.ScalarNode)
                    and v.tag != "tag:yaml.org,2002:null" and "assumption_vi" not in keys):
                out.append((k, v, node.flow_style))
            _sites(v, out)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _sites(v, out)
    return out


def add(text: str, vi: dict[str, str]) -> tuple[str, list[str]]:
    """``text`` with the ``assumption_vi`` entries added, and the English texts with no translation."""
    missing, edits = [], []
    for k, v, flow in _sites(yaml.compose(text), []):
        if v.value not in vi:
            missing.append(v.value)
            continue
        q = _quote(vi[v.value])
        if flow:
            edits.append((v.end_mark.index, f", assumption_vi: {q}"))
        else:
            eol = text.find("\n", v.end_mark.index)
            eol = len(text) if eol < 0 else eol
            edits.append((eol, "\n" + " " * k.start_mark.column + f"assumption_vi: {q}"))
    for at, insert in sorted(edits, reverse=True):
        text = text[:at] + insert + text[at:]
    return text, missing


def main(paths: list[str]) -> int:
    vi = json.loads((HERE / "assumption_vi.json").read_text(encoding="utf-8"))
    status = 0
    for p in paths:
        path = pathlib.Path(p)
        new, missing = add(path.read_text(encoding="utf-8"), vi)
        for m in missing:
            print(f"{p}: no translation for: {m}", file=sys.stderr)
            status = 1
        path.write_text(new, encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
