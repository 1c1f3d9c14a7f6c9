"""Writing results: atomically, never over an existing file unless asked (DESIGN §8)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import InputError, Problem

TABLE_SUFFIXES = (".csv", ".xlsx")


def check_output(path: str | Path, force: bool = False, suffixes=TABLE_SUFFIXES) -> Path:
    """Validate an output path before any work is done."""
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise InputError([Problem(f"output must end in {' or '.join(suffixes)}", file=str(path))])
    if path.exists() and not force:
        raise InputError([Problem("output file exists; use --force to overwrite it", file=str(path))])
    if not path.parent.exists():
        raise InputError([Problem("the output folder does not exist", file=str(path))])
    return path


def atomic_write(path: str | Path, writer) -> Path:
    """Call ``writer(tmp_path)`` then move the temporary file into place in one step."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        # mkstemp creates 0600 files: give the result the permissions a normal file would get
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_table(table: pd.DataFrame, path: str | Path, force: bool = False, sheet_name: str = "emusim") -> Path:
    """Write a table as CSV (UTF-8 with BOM so Excel shows Vietnamese) or XLSX, atomically.

    >>> import tempfile, pandas as pd
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_table(pd.DataFrame({"a": [1]}), d / "x.csv")
    >>> write_table(pd.DataFrame({"a": [2]}), d / "x.csv")
    Traceback (most recent call last):
    ...
    emusim.errors.InputError: .../x.csv: output file exists; use --force to overwrite it
    """
    path = check_output(path, force)
    if path.suffix.lower() == ".xlsx":
        return atomic_write(path, lambda p: table.to_excel(p, sheet_name=sheet_name[:31]))
    return atomic_write(path, lambda p: table.to_csv(p, encoding="utf-8-sig"))
