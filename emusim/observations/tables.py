"""Read a file into a grid of cells (stage 1 of the reading flow): CSV or XLSX, nothing interpreted yet.

* CSV: UTF-8 (with or without a byte-order mark) or Windows-1258 (the Vietnamese Windows code
  page, what Excel writes as "CSV" on a Vietnamese Windows); comma, semicolon or tab separated
  (whichever the first lines use most). Text is normalised to Unicode NFC (Windows-1258 writes
  some tone marks as combining characters).
* XLSX: the first sheet, or ``sheet=`` (a name or a 0-based index). Values as Excel saved them
  (cached formula results); a formula Excel never computed is an error, not a blank. A cell
  merged down across several rows is reported (its value belongs to one row only); the reader
  decides per column whether that is allowed. Percent-formatted number cells become
  ``"85.5%"`` text, so a column in percent is read the same whatever its header says.

Bounds, checked before anything is parsed: file size, number of rows, characters in a cell.
"""
from __future__ import annotations

import csv
import io
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..i18n import Message
from .values import blank

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELL_CHARS = 10_000


@dataclass
class Grid:
    """Rows of raw cells, numbered as the spreadsheet shows them (row 1 = first line)."""

    rows: list[tuple[int, list]]
    source: str
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    #: (first row, last row, column index 0-based) of cells merged down across rows
    merged_down: list[tuple[int, int, int]] = field(default_factory=list)
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)


def read_grid(path: Path, sheet, source: str) -> Grid:
    if path.is_dir():
        raise InputError([Problem(Message("observations.is_directory"), file=source)])
    if not path.is_file():
        raise InputError([Problem(Message("observations.file_not_found"), file=source)])
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError([Problem(Message("observations.file_too_big", size=size, limit=MAX_FILE_BYTES),
                                  file=source)])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        grid = _read_xlsx(path, sheet, source)
    elif suffix in (".csv", ".txt", ".tsv"):
        if sheet not in (None, 0):
            raise InputError([Problem(Message("observations.sheet_of_csv", sheet=str(sheet)), file=source)])
        grid = _read_csv(path, source)
    else:
        raise InputError([Problem(Message("observations.unsupported_type", suffix=path.suffix or "?"),
                                  file=source)])
    _check_cells(grid)
    return grid


def _check_cells(grid: Grid) -> None:
    problems = []
    for n, cells in grid.rows:
        for j, c in enumerate(cells):
            if isinstance(c, str) and len(c) > MAX_CELL_CHARS:
                problems.append(Problem(Message("observations.cell_too_long", chars=len(c), limit=MAX_CELL_CHARS),
                                        file=grid.source, row=n, column=column_letter(j)))
    if problems:
        raise InputError(problems[:20])


def column_letter(j: int) -> str:
    """0 → 'A', 27 → 'AB' (how a spreadsheet names the column).

    >>> column_letter(0), column_letter(27)
    ('A', 'AB')
    """
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _decode(raw: bytes, source: str) -> tuple[str, str]:
    for enc in ("utf-8-sig", "cp1258"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return unicodedata.normalize("NFC", text), ("utf-8" if enc == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf")
                                                    else "utf-8-bom" if enc == "utf-8-sig" else enc)
    raise InputError([Problem(Message("observations.not_text"), file=source)])


def _read_csv(path: Path, source: str) -> Grid:
    text, encoding = _decode(path.read_bytes(), source)
    head = text[:20000].splitlines()[:30]
    counts = {d: sum(line.count(d) for line in head) for d in (",", ";", "\t")}
    delim = max(counts, key=counts.get)
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, MAX_CELL_CHARS * 50))
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        for n, record in enumerate(reader, start=1):
            if n > MAX_ROWS:
                raise InputError([Problem(Message("observations.too_many_rows", limit=MAX_ROWS), file=source)])
            if all(not c.strip() for c in record):
                continue
            rows.append((n, record))
    except csv.Error as exc:
        raise InputError([Problem(Message("observations.csv_error", detail=str(exc)), file=source,
                                  row=reader.line_num)]) from None
    finally:
        csv.field_size_limit(old)
    if not rows:
        raise InputError([Problem(Message("observations.empty_file"), file=source, row=1)])
    return Grid(rows, source, encoding=encoding, delimiter=delim)


def _read_xlsx(path: Path, sheet, source: str) -> Grid:
    import openpyxl
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=True)
            formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - zipfile.BadZipFile, KeyError, InvalidFileException…
        raise InputError([Problem(Message("observations.cannot_open", detail=f"{type(exc).__name__}: {exc}"),
                                  file=source)]) from None
    names = tuple(wb.sheetnames)
    if sheet is None:
        ws = wb.worksheets[0]
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise InputError([Problem(Message("observations.no_sheet_index", sheet=sheet, n=len(names),
                                              sheets=", ".join(names)), file=source)])
        ws = wb.worksheets[sheet]
    elif isinstance(sheet, str) and sheet in names:
        ws = wb[sheet]
    else:
        raise InputError([Problem(Message("observations.no_sheet", sheet=str(sheet), sheets=", ".join(names)),
                                  file=source)])
    if ws.max_row > MAX_ROWS:
        raise InputError([Problem(Message("observations.too_many_rows", limit=MAX_ROWS), file=source)])
    fws = formulas[ws.title]
    grid = Grid([], source, sheet=ws.title, sheets=names)
    merged = {}
    for rng in ws.merged_cells.ranges:
        if rng.max_row > rng.min_row:
            for col in range(rng.min_col, rng.max_col + 1):
                grid.merged_down.append((rng.min_row, rng.max_row, col - 1))
        merged[(rng.min_row, rng.min_col)] = rng
    for r, row in enumerate(ws.iter_rows(), start=1):
        cells = []
        for cell in row:
            v = cell.value
            if v is None:
                f = fws.cell(r, cell.column).value
                if isinstance(f, str) and f.startswith("="):
                    grid.formulas_without_value.append((r, cell.column - 1))
            elif isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in (cell.number_format or ""):
                v = f"{v * 100!r}%"
            elif isinstance(v, str):
                v = unicodedata.normalize("NFC", v)
            cells.append(v)
        while cells and blank(cells[-1]):
            cells.pop()
        if cells:
            grid.rows.append((r, cells))
    wb.close()
    formulas.close()
    if not grid.rows:
        raise InputError([Problem(Message("observations.empty_sheet", sheet=ws.title), file=source, row=1)])
    return grid


def grid_from_frame(data) -> Grid:
    """A DataFrame as a grid: its columns are row 1, its rows 2, 3, …"""
    rows = [(1, [str(c) for c in data.columns])]
    rows += [(i + 2, list(r)) for i, r in enumerate(data.itertuples(index=False, name=None))]
    return Grid(rows, "<DataFrame>")


def source_path(path) -> tuple[Path | None, str]:
    p = Path(os.fspath(path))
    return p, str(p)
