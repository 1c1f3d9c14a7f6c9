"""The brief's output folder: validated before any work, built aside, swapped in at the end.

(Kept together in one module: helper ``outputs`` owns folder publishing.)
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import InputError, Problem


# ----------------------------------------------------------------------------- folder handling
def check_out_dir(out: str | os.PathLike, force: bool = False, protect=()) -> Path:
    """Validate the output folder before any work is done."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError([Problem("the output exists and is not a folder", file=str(out))])
    if out.exists() and any(out.iterdir()) and not force:
        raise InputError([Problem("the output folder exists and is not empty; use --force to replace it", file=str(out))])
    parent = out.resolve().parent
    if not parent.exists():
        raise InputError([Problem("the parent folder does not exist", file=str(out))])
    target = out.resolve()
    for p in protect:
        if p is None:
            continue
        p = Path(p).resolve()
        if p == target or target in p.parents:
            raise InputError([Problem(f"the output folder contains an input ({p.name}); choose another folder", file=str(out))])
    return out


def _swap_in(tmp: Path, out: Path) -> None:
    """Move the finished folder ``tmp`` to ``out`` (replacing ``out`` if it exists)."""
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.resolve().parent))
        os.rmdir(old)
        os.replace(out, old)
        try:
            os.replace(tmp, out)
        except OSError:
            os.replace(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)

