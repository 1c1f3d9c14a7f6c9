"""Tables out: CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX, through one path.

Every table emusim writes goes through :func:`write_table`, :func:`write_sheets` or
:func:`save_workbook`: formula-like text is made inert (:mod:`emusim.io.cells`), the file is
rendered in memory and published in one step (:func:`emusim.io.atomic.atomic_write`).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from ..errors import InputError, Problem
from ..i18n import Message
from .atomic import _new_temp, atomic_write, clear_leftovers, os_error, render
from .cells import escape_frame, neutralise_workbook, xlsx_safe_frame
from .inputs import input_at

TABLE_SUFFIXES = (".csv", ".xlsx")


def check_output(path: str | os.PathLike, force: bool = False, suffixes=TABLE_SUFFIXES, inputs: Iterable = ()) -> Path:
    """Validate an output file before any work is done; clear what interrupted runs left.

    Refused: a wrong suffix; a folder; an input of the run (``inputs`` and the guarded ones,
    :func:`emusim.io.guarding_inputs`) — even with ``force``; an existing file without
    ``force``; a missing or unwritable folder (tried by creating a hidden temporary file).
    """
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise InputError([Problem(Message("io.bad_suffix", suffixes=" | ".join(suffixes)), file=str(path))])
    if path.is_dir():
        raise InputError([Problem(Message("io.is_folder"), file=str(path))])
    hit = input_at(path, inputs)
    if hit is not None:
        raise InputError([Problem(Message("io.is_input", input=str(hit)), file=str(path))])
    if not path.parent.is_dir():
        raise InputError([Problem(Message("io.no_parent"), file=str(path))])
    clear_leftovers(path)
    if os.path.lexists(path) and not force:
        raise InputError([Problem(Message("io.exists"), file=str(path))])
    try:
        _new_temp(path).unlink()
    except OSError as exc:
        raise os_error(path, exc) from None
    return path


def _sheet_names(names) -> list[str]:
    """Names Excel accepts: no ``[]:*?/\\``, at most 31 characters, unique."""
    out: list[str] = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'")[:31] or "emusim"
        cand, k = base, 2
        while cand.lower() in {o.lower() for o in out}:
            cand = f"{base[:31 - len(str(k)) - 1]}~{k}"
            k += 1
        out.append(cand)
    return out


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], no_index: Iterable[str] = (), path="<xlsx>") -> bytes:
    """An XLSX workbook with one sheet per table, formula-like text inert, rendered in memory."""
    no_index = set(no_index)

    def fill(buf):
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            for (key, table), name in zip(sheets.items(), _sheet_names(sheets)):
                xlsx_safe_frame(table).to_excel(xw, sheet_name=name, index=key not in no_index)
            neutralise_workbook(xw.book)
            xw.book.properties.creator = "emusim"

    return render(path, fill)


def csv_bytes(table: pd.DataFrame, index: bool = True) -> bytes:
    """A CSV file (UTF-8 with BOM), formula-like text prefixed with ``'``."""
    return escape_frame(table).to_csv(index=index).encode("utf-8-sig")


def write_table(table: pd.DataFrame, path: str | os.PathLike, force: bool = False, sheet_name: str = "emusim",
                inputs: Iterable = (), index: bool = True) -> Path:
    """Write a table as CSV or XLSX, atomically, never over an existing file unless ``force``
    and never over an input.

    >>> import tempfile, pandas as pd
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_table(pd.DataFrame({"a": [1]}), d / "x.csv")
    >>> from emusim.i18n import using_lang
    >>> with using_lang("en"):
    ...     try:
    ...         write_table(pd.DataFrame({"a": [2]}), d / "x.csv")
    ...     except InputError as exc:
    ...         print(exc)
    /.../x.csv: the output exists; use --force to replace it
    """
    path = check_output(path, force, inputs=inputs)
    if path.suffix.lower() == ".xlsx":
        data = xlsx_bytes({sheet_name: table}, no_index=() if index else (sheet_name,), path=path)
    else:
        data = csv_bytes(table, index=index)
    return atomic_write(path, data, force=force, inputs=inputs)


def write_sheets(sheets: Mapping[str, pd.DataFrame], path: str | os.PathLike, force: bool = False,
                 no_index: Iterable[str] = (), inputs: Iterable = ()) -> Path:
    """Write several tables as the sheets of one ``.xlsx`` file (``no_index``: sheets written
    without their index), like :func:`write_table`."""
    path = check_output(path, force, suffixes=(".xlsx",), inputs=inputs)
    return atomic_write(path, xlsx_bytes(sheets, no_index, path=path), force=force, inputs=inputs)


def workbook_bytes(wb, name: str = "<download>") -> bytes:
    """An openpyxl workbook as the bytes of an ``.xlsx`` (a browser download), formula-like text inert."""
    neutralise_workbook(wb)
    if not wb.properties.creator or wb.properties.creator == "openpyxl":
        wb.properties.creator = "emusim"
    return render(name, wb.save)


def save_workbook(wb, path: str | os.PathLike, force: bool = False, inputs: Iterable = ()) -> Path:
    """Save an openpyxl workbook built by hand (the brief's award list), formula-like text
    inert, atomically."""
    path = Path(path)
    neutralise_workbook(wb)
    if not wb.properties.creator or wb.properties.creator == "openpyxl":
        wb.properties.creator = "emusim"
    return atomic_write(path, render(path, wb.save), force=force, inputs=inputs)
