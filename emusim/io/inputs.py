"""The inputs of a run, so that no output ever lands on one (issue 17, "Data loss").

The command line collects every path its parsed arguments name (:func:`inputs_of`: the plan,
``--data``, ``--registry``, ``--factors``, a plan id or registry name resolved to its file …)
and runs the command inside :func:`guarding_inputs`; code that opens a file the arguments do
not name (the plan's own registry) adds it with :func:`note_input`. Every output check in
:mod:`emusim.io` then refuses an output that *is* one of these files — the same path after
resolving symbolic links, or the same file through a hard link (same device and inode) —
with ``--force`` or without.

>>> import tempfile, os
>>> d = Path(tempfile.mkdtemp()); data = d / "data.csv"; _ = data.write_text("x")
>>> os.link(data, d / "link.csv")
>>> same_file(d / "link.csv", data), same_file(d / "other.csv", data)
(True, False)
"""
from __future__ import annotations

import contextlib
import contextvars
import os
from pathlib import Path
from typing import Iterable, Iterator

_inputs: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar("emusim_inputs", default=())

#: parsed-argument names that are outputs or options, never inputs
NOT_INPUTS = frozenset({"out", "force", "handler", "command", "lang", "chart"})


def _file_of(text: str) -> Path | None:
    """The existing file (or folder) a command-line value names, if any: the path itself,
    a plan id (``scenarios/<id>.yaml``) or a registry name (``data/localities/<name>.csv``)."""
    if not text or len(text) > 4096 or "\0" in text:
        return None
    path = Path(text).expanduser()
    try:
        if path.exists():
            return path
        if len(path.parts) == 1:
            from ..loader import SCENARIO_DIR
            from ..registry import LOCALITY_DIR

            for candidate in (SCENARIO_DIR / f"{path.name}.yaml",
                              LOCALITY_DIR / (path.name if path.suffix == ".csv" else f"{path.name}.csv")):
                if candidate.is_file():
                    return candidate
    except (OSError, ValueError):
        return None
    return None


def inputs_of(args) -> list[Path]:
    """Every existing file the parsed arguments name, except the outputs.

    Values are read as paths (``--data d.csv``), as ``FILE:LEVEL`` (``compare --plans``), as
    plan ids and registry names; lists are read item by item.
    """
    found: list[Path] = []
    for key, value in sorted(vars(args).items()):
        if key in NOT_INPUTS or key.startswith("_"):
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if not isinstance(v, (str, os.PathLike)):
                continue
            text = os.fspath(v)
            for candidate in (text, text.rpartition(":")[0]):
                path = _file_of(candidate)
                if path is not None:
                    found.append(path)
    return found


@contextlib.contextmanager
def guarding_inputs(paths: Iterable[str | os.PathLike] = ()) -> Iterator[None]:
    """Within the block, every output :mod:`emusim.io` writes is refused if it is one of
    ``paths`` (or a file added later with :func:`note_input`)."""
    token = _inputs.set(tuple(Path(p) for p in paths))
    try:
        yield
    finally:
        _inputs.reset(token)


def note_input(path: str | os.PathLike | None) -> None:
    """Add a file the run reads (a plan id or registry name is resolved to its file)."""
    if path is None:
        return
    found = _file_of(os.fspath(path))
    if found is not None:
        _inputs.set(_inputs.get() + (found,))


def current_inputs(extra: Iterable = ()) -> list[Path]:
    """The guarded inputs plus ``extra`` (``None`` entries skipped)."""
    return list(_inputs.get()) + [Path(p) for p in extra if p is not None]


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """``a`` and ``b`` are one file: the same path once links are resolved, or the same
    device and inode (a hard link)."""
    a, b = Path(a), Path(b)
    try:
        if a.resolve() == b.resolve():
            return True
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def input_at(target: str | os.PathLike, inputs: Iterable = ()) -> Path | None:
    """The input that ``target`` (a file about to be written) is, or ``None``."""
    for p in current_inputs(inputs):
        if same_file(target, p):
            return p
    return None


def input_inside(folder: str | os.PathLike, inputs: Iterable = ()) -> Path | None:
    """The input that lies in ``folder`` (or is ``folder``), by path or by inode, or ``None``."""
    folder = Path(folder)
    target = folder.resolve()
    ids = {}
    for p in current_inputs(inputs):
        rp = p.resolve()
        if rp == target or target in rp.parents:
            return p
        try:
            st = os.stat(p)
            ids[(st.st_dev, st.st_ino)] = p
        except OSError:
            pass
    if ids and folder.is_dir():
        for root, dirs, files in os.walk(folder):
            for name in files + dirs:
                try:
                    st = os.stat(os.path.join(root, name), follow_symlinks=False)
                except OSError:
                    continue
                if (st.st_dev, st.st_ino) in ids:
                    return ids[(st.st_dev, st.st_ino)]
    return None
