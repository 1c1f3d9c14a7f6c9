"""The brief's output folder: validated before any work, built aside, published at the end.

Publishing (manifest, lock, exclusive rename or swap, recovery of an interrupted run) lives in
:mod:`emusim.io.folders`; this module only says what a brief's own files look like, so that a
folder an older emusim wrote (before manifests) may still be replaced with ``--force``.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .. import io
from .xlsx import XLSX_NAME

_BRIEF_FILE = re.compile(r"(\d\d_[a-z_]+\.(png|pdf|svg)|summary\.(md|json)|" + re.escape(XLSX_NAME) + ")")


def _is_legacy_brief(folder: Path) -> bool:
    """A briefing folder an emusim older than the manifest wrote: only the files a brief
    writes, and a ``summary.json`` that is a brief's (so ``--force`` may replace it)."""
    try:
        names = [p.name for p in folder.iterdir()]
        facts = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(facts, dict) and {"scheme", "headlines"} <= set(facts)
            and all(_BRIEF_FILE.fullmatch(n) for n in names))


def check_out_dir(out: str | os.PathLike, force: bool = False, protect=()) -> Path:
    """Validate the output folder before any work is done (:func:`emusim.io.check_out_dir`)."""
    return io.check_out_dir(out, force, inputs=protect, legacy=_is_legacy_brief)


def new_folder(out: Path) -> Path:
    """The hidden folder the brief is built in, next to ``out``."""
    return io.new_temp_dir(out)


def publish(tmp: Path, out: Path, force: bool, protect) -> None:
    """Publish the finished folder (exclusively, or replacing only what emusim wrote)."""
    io.publish_dir(tmp, out, force=force, inputs=protect, legacy=_is_legacy_brief)


def discard(tmp: Path | None) -> None:
    io.discard_temp(tmp)
