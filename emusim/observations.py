"""Field observations (CSV or XLSX) → :class:`emusim.panel.Panel` (DESIGN §5).

Real data takes the same path as simulated data: ``read_observations`` returns a Panel, and
``panel.at("2023-11")`` is the values table ``emusim.score`` takes.

Layouts
-------
*long*  columns ``locality_id, period, indicator, value`` (one row per value);
*wide*  one row per locality (and month): ``locality_id``, optionally ``period``, and one
        column per indicator id.

A file is *long* when its header has an ``indicator`` or a ``value`` column, else *wide*.
Header names are matched after trimming spaces and ignoring case. Descriptive columns
(``name``, ``short_name``, ``tên``, ``parent_id``, ``district``, ``note``, ``ghi_chú``, ``ghi chú``,
and any column whose name starts with ``#`` or ``_``) are ignored; ``ignore_columns=`` adds more.
Every other column of a wide file must be an indicator of the catalog. A ``period`` cell may
read ``2023-11``, ``2023/11``, ``11/2023`` or be an Excel date; an empty period cell, or a file
without a ``period`` column, takes the ``period=`` argument (required then).

Values, by the indicator's catalog unit
---------------------------------------
* ``ratio``: ``0.85``, ``85%``, ``85 %``, ``85,5 %`` (comma decimal), ``0,855``. A bare number
  above 1 (``85``) is an error that says "write 0.85 or 85%": the reader never guesses.
  After parsing a ratio must lie in [0, 1].
* ``bool``: ``1``/``0``, ``true``/``false``, ``có``/``không`` (also ``co``/``khong``,
  ``yes``/``no``), ``x``/blank → 1/0. A blank bool cell is 0 ("not done").
* ``count``: a non-negative whole number (``3``, ``3.0``); no thousands separators.
* ``points``: any number (comma decimal allowed).
* ``date``: ISO ``YYYY-MM-DD`` (or an Excel date cell); stored as days since 1970-01-01,
  the Panel's convention.
A blank cell of any other unit means "not observed" (no value).

Errors
------
Every problem is collected and raised together as one :class:`emusim.errors.InputError`;
each :class:`~emusim.errors.Problem` names the file, the row as a spreadsheet shows it (the
header is row 1) and the column: missing required columns, unknown locality (not in the
registry), unknown indicator (not in the catalog), duplicate (locality, period, indicator),
unparseable value, value out of range, and an indicator the ``scheme`` needs that a
locality lacks. Problems about a whole column (a missing one, an unknown indicator column
of a wide file) are reported on row 1, the header.

Locality ids are read as text, so zero-padded GSO codes survive. When a CSV was saved by a
program that dropped the leading zeros (``2635`` for ``02635``) and a registry is given,
the id is matched to the registry by zero-padding, silently, but only when exactly one
registry id matches; the mapping is kept in ``panel.meta["padded_ids"]``.

The input file is only ever read, never written.

>>> from pathlib import Path
>>> root = Path(__file__).resolve().parent.parent
>>> p = read_observations(root / "data/samples/ha_giang_communes_2023-11_wide.csv",
...                       registry="ha_giang_2023", period="2023-11")
>>> round(float(p.at("2023-11").loc["00715", "eid_activation_rate"]), 3)
0.855
"""
from __future__ import annotations

import csv
import datetime as _dt
import difflib
import io
import math
import os
import re
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .catalog import Catalog, load_catalog
from .errors import InputError, Problem

__all__ = ["read_observations", "parse_value", "IGNORED_COLUMNS"]

#: Descriptive columns a wide (or long) file may carry; they are not indicators.
IGNORED_COLUMNS = ("name", "short_name", "tên", "ten", "parent_id", "district", "huyện",
                   "note", "notes", "ghi_chú", "ghi chú", "ghi_chu", "unit_type", "level")
_LONG_COLUMNS = ("locality_id", "period", "indicator", "value")
_TRUE = {"1", "true", "có", "co", "yes", "x", "đạt"}
_FALSE = {"0", "false", "không", "khong", "no", "", "chưa", "chưa đạt", "không đạt"}
_EPOCH = _dt.date(1970, 1, 1)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class _Bad(ValueError):
    """A value that cannot be read (kind: 'unparseable' or 'range')."""

    def __init__(self, message: str, kind: str = "unparseable"):
        super().__init__(message)
        self.kind = kind


# ------------------------------------------------------------------------------ values
def _blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and not _SPACES.sub("", raw)


def _number(text: str) -> float:
    """A decimal number written with a dot or a comma as decimal separator."""
    t = _SPACES.sub("", text)
    if not _NUMBER.match(t):
        raise ValueError(text)
    return float(t.replace(",", "."))


def parse_value(raw: Any, unit: str) -> float:
    """One cell as a float in the Panel's convention for ``unit`` (NaN = not observed).

    Raises ``ValueError`` (a ``_Bad``) with a message suggesting the fix.

    >>> parse_value("85,5 %", "ratio"), parse_value("0,855", "ratio"), parse_value(0.9, "ratio")
    (0.855, 0.855, 0.9)
    >>> parse_value("có", "bool"), parse_value("", "bool"), parse_value("x", "bool")
    (1.0, 0.0, 1.0)
    >>> parse_value(85, "ratio")
    Traceback (most recent call last):
    ...
    emusim.observations._Bad: 85 is a bare number above 1 for a ratio: write 0.85 or 85%
    """
    if unit == "bool":
        return _parse_bool(raw)
    if _blank(raw):
        return float("nan")
    if unit == "ratio":
        return _parse_ratio(raw)
    if unit == "count":
        return _parse_count(raw)
    if unit == "date":
        return _parse_date(raw)
    return _parse_float(raw)  # points and anything else numeric


def _show(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return repr(raw) if isinstance(raw, str) else str(raw)


def _parse_float(raw: Any) -> float:
    if isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, (int, float, np.integer, np.floating)):
        return float(raw)
    if isinstance(raw, str):
        try:
            return _number(raw)
        except ValueError:
            pass
    raise _Bad(f"{_show(raw)} is not a number")


def _parse_ratio(raw: Any) -> float:
    if isinstance(raw, str) and _SPACES.sub("", raw).endswith("%"):
        body = _SPACES.sub("", raw)[:-1]
        try:
            value = _number(body) / 100.0
        except ValueError:
            raise _Bad(f"{_show(raw)} is not a percentage (write e.g. 85% or 85,5 %)") from None
        value = round(value, 12)
        if not 0.0 <= value <= 1.0:
            raise _Bad(f"{_show(raw)} is out of range: a ratio must lie between 0% and 100%",
                       "range")
        return value
    try:
        value = _parse_float(raw)
    except _Bad:
        raise _Bad(f"{_show(raw)} is not a ratio (write 0.85, 85% or 85,5 %)") from None
    if value < 0:
        raise _Bad(f"{_show(raw)} is out of range: a ratio must lie between 0 and 1", "range")
    if value > 1:
        if value <= 100:
            fix = _show(raw).strip("'")
            as_fraction = f"{value / 100:.4g}"
            raise _Bad(f"{_show(raw)} is a bare number above 1 for a ratio: write "
                       f"{as_fraction} or {fix}%", "range")
        raise _Bad(f"{_show(raw)} is out of range: a ratio must lie between 0 and 1", "range")
    return value


def _parse_count(raw: Any) -> float:
    try:
        value = _parse_float(raw)
    except _Bad:
        raise _Bad(f"{_show(raw)} is not a whole number (a count)") from None
    if value != int(value):
        raise _Bad(f"{_show(raw)} is not a whole number (a count; write counts without "
                   "thousands separators)")
    if value < 0:
        raise _Bad(f"{_show(raw)} is out of range: a count cannot be negative", "range")
    return float(value)


def _parse_bool(raw: Any) -> float:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return 0.0
    if isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, (int, float, np.integer, np.floating)):
        if raw in (0, 1):
            return float(raw)
        raise _Bad(f"{_show(raw)} is not a yes/no value (write 1/0, có/không, x or leave blank)")
    text = _SPACES.sub(" ", str(raw)).strip().casefold()
    if text in _TRUE:
        return 1.0
    if text in _FALSE:
        return 0.0
    try:
        number = _number(text)
    except ValueError:
        number = None
    if number in (0.0, 1.0):
        return number
    raise _Bad(f"{_show(raw)} is not a yes/no value (write 1/0, có/không, x or leave blank)")


def _parse_date(raw: Any) -> float:
    if isinstance(raw, _dt.datetime):
        raw = raw.date()
    if isinstance(raw, _dt.date):
        return float((raw - _EPOCH).days)
    text = str(raw).strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}[ T]00:00(:00)?$", text):
        text = text[:10]
    try:
        return float((_dt.date.fromisoformat(text) - _EPOCH).days)
    except ValueError:
        raise _Bad(f"{_show(raw)} is not an ISO date (write YYYY-MM-DD, e.g. 2023-11-15)") from None


def _parse_period(raw: Any) -> pd.Period:
    if isinstance(raw, (_dt.date, _dt.datetime, pd.Timestamp)):
        return pd.Period(raw, freq="M")
    if isinstance(raw, pd.Period):
        return raw.asfreq("M")
    text = _SPACES.sub("", str(raw))
    m = re.match(r"^(\d{1,2})[/.-](\d{4})$", text)  # 11/2023, Vietnamese order
    if m:
        text = f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.match(r"^(\d{4})[/.-](\d{1,2})([/.-]\d{1,2})?( 00:00(:00)?)?$", str(raw).strip())
    if m:
        text = f"{m.group(1)}-{int(m.group(2)):02d}"
    if not re.match(r"^\d{4}-\d{2}$", text) or not 1 <= int(text[5:]) <= 12:
        raise _Bad(f"{_show(raw)} is not a month (write YYYY-MM, e.g. 2023-11)")
    return pd.Period(text, freq="M")


def _locality_text(raw: Any) -> str:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return _SPACES.sub("", str(raw))


# ------------------------------------------------------------------------------ reading
def _read_table(path: Path | None, data, sheet, source: str):
    """Header, (spreadsheet row number, cells) of every non-blank data row, header row."""
    if data is not None:
        header = [str(c) for c in data.columns]
        rows = [(i + 2, list(r)) for i, r in enumerate(data.itertuples(index=False, name=None))]
        return header, rows, 1
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, source)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, source)
    raise InputError([Problem(f"unsupported file type '{path.suffix}' (use .csv or .xlsx)",
                              file=source)])


def _read_csv(path: Path, source: str):
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                  "save it as 'CSV UTF-8' or as .xlsx", file=source)]) from None
    first = text.split("\n", 1)[0]
    delim = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header: list | None = None
    rows = []
    for n, record in enumerate(reader, start=1):
        if header is None:
            header = record
            continue
        if all(not c.strip() for c in record):
            continue
        rows.append((n, record))
    if header is None:
        raise InputError([Problem("the file is empty (no header row)", file=source, row=1)])
    return header, rows, 1


def _read_xlsx(path: Path, sheet, source: str):
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise InputError([Problem("reading .xlsx needs openpyxl (pip install openpyxl)",
                                  file=source)]) from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException…
        raise InputError([Problem(f"cannot open the workbook: {exc}", file=source)]) from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError([Problem(f"no sheet named {sheet!r} (sheets: "
                                      f"{', '.join(wb.sheetnames)})", file=source)])
        header: list | None = None
        rows = []
        for n, record in enumerate(ws.iter_rows(values_only=True), start=1):
            record = list(record)
            if header is None:
                if all(_blank(c) for c in record):
                    continue  # leading blank rows: the header is the first non-blank row
                header = ["" if c is None else str(c) for c in record]
                header_row = n
                continue
            if all(_blank(c) for c in record):
                continue
            rows.append((n, record))
    finally:
        wb.close()
    if header is None:
        raise InputError([Problem("the sheet is empty (no header row)", file=source, row=1)])
    while header and not header[-1].strip():
        header.pop()
    return header, rows, header_row


# ------------------------------------------------------------------------------ public
def read_observations(path, registry=None, catalog: Catalog | None = None, scheme=None,
                      period=None, *, sheet=None, ignore_columns: Iterable[str] = ()):
    """Read observations from a CSV or XLSX file (long or wide) into a :class:`Panel`.

    Parameters
    ----------
    path : a ``.csv`` / ``.xlsx`` file (or a DataFrame, rows numbered as if row 1 were
        its header).
    registry : a registry DataFrame, or a registry name / path for
        :func:`emusim.load_registry`; localities must be in it. Attached to the panel.
    catalog : the indicator catalog (default: :func:`emusim.load_catalog`).
    scheme : a :class:`emusim.model.Scheme`; every indicator in ``scheme.indicators`` must
        have a value for every (locality, month) of the file. With a registry, only the
        localities at ``scheme.unit_level`` are held to this.
    period : the month ('YYYY-MM') of a wide file without a ``period`` column, and of any
        empty period cell.
    sheet : XLSX sheet name or 0-based index (default: the first sheet).
    ignore_columns : further descriptive columns to skip.

    Raises
    ------
    InputError listing every problem (file, row, column), see the module docstring.
    """
    from .panel import Panel

    data = path if isinstance(path, pd.DataFrame) else None
    fpath = None if data is not None else Path(os.fspath(path))
    source = "<DataFrame>" if data is not None else str(fpath)
    if fpath is not None and not fpath.is_file():
        raise InputError([Problem("file not found", file=source)])
    if isinstance(registry, (str, os.PathLike)):
        from .registry import load_registry

        registry = load_registry(registry)
    if catalog is None:
        catalog = load_catalog()

    default_period = None
    if period is not None:
        try:
            default_period = _parse_period(period)
        except _Bad as exc:
            raise InputError([Problem(f"period argument: {exc}", path="period")]) from None

    header, rows, hrow = _read_table(fpath, data, sheet, source)
    problems: list[Problem] = []
    ignored = {c.casefold() for c in IGNORED_COLUMNS} | {str(c).strip().casefold()
                                                         for c in ignore_columns}
    names = [_SPACES.sub(" ", str(h)).strip() for h in header]
    keys = [n.casefold() for n in names]
    seen: dict[str, int] = {}
    for j, k in enumerate(keys):
        if not k:
            continue
        if k in seen:
            problems.append(Problem(f"column '{names[j]}' appears twice (columns {seen[k] + 1} "
                                    f"and {j + 1})", file=source, row=hrow, column=names[j]))
        else:
            seen[k] = j
    long = "indicator" in seen or "value" in seen
    for need in (("locality_id", "indicator", "value") if long else ("locality_id",)):
        if need not in seen:
            problems.append(Problem(f"missing required column '{need}' (a {'long' if long else 'wide'} "
                                    f"file needs {', '.join(_LONG_COLUMNS) if long else 'locality_id and one column per indicator'})",
                                    file=source, row=hrow, column=need))
    if "period" not in seen and default_period is None:
        problems.append(Problem("missing column 'period': add it, or pass period='YYYY-MM'",
                                file=source, row=hrow, column="period"))
    if problems:
        raise InputError(problems)

    reader = _Reader(source, registry, catalog, default_period, problems)
    if long:
        records = reader.long(rows, seen, names)
    else:
        ind_cols = []
        for j, (name, key) in enumerate(zip(names, keys)):
            if not key or key in ("locality_id", "period") or key in ignored \
                    or key.startswith(("#", "_")) or key.startswith("unnamed:"):
                continue
            ind = reader.indicator(name, row=hrow, column=name, long=False)
            if ind is not None:
                ind_cols.append((j, ind, name))
        records = reader.wide(rows, seen, ind_cols)
    if scheme is not None:
        reader.check_required(records, scheme, hrow,
                              None if long else {ind for _, ind, _ in ind_cols})
    if problems:
        raise InputError(problems)

    df = pd.DataFrame(records, columns=["locality_id", "period", "indicator", "value", "row"])
    df = df[~df["value"].isna()]
    if df.empty:
        raise InputError([Problem("the file has no values", file=source)])
    panel = Panel.from_long(df[["locality_id", "period", "indicator", "value"]],
                            registry=registry, catalog=catalog, source=source)
    panel.meta.update({"source": source, "layout": "long" if long else "wide",
                       "padded_ids": dict(reader.padded)})
    return panel


class _Reader:
    """Row-level checks shared by the long and wide layouts (collects problems)."""

    def __init__(self, source, registry, catalog, default_period, problems):
        self.source = source
        self.registry = registry
        self.catalog = catalog
        self.default_period = default_period
        self.problems = problems
        self.padded: dict[str, str] = {}
        self._unpadded: dict[str, list[str]] | None = None
        self._bad_indicators: set[str] = set()
        self.bad_cells: set[tuple[str, str, str]] = set()  # (locality, period, indicator)

    def problem(self, message, row, column):
        self.problems.append(Problem(message, file=self.source, row=row, column=column))

    # --- keys --------------------------------------------------------------------
    def locality(self, raw, row) -> str | None:
        lid = _locality_text(raw)
        if not lid:
            self.problem("empty locality_id", row, "locality_id")
            return None
        reg = self.registry
        if reg is None or lid in reg.index:
            return lid
        if lid.isdigit():
            if self._unpadded is None:
                self._unpadded = {}
                for rid in reg.index:
                    rid = str(rid)
                    if rid.isdigit():
                        self._unpadded.setdefault(rid.lstrip("0"), []).append(rid)
            cands = [r for r in self._unpadded.get(lid.lstrip("0"), []) if r.endswith(lid)]
            if len(cands) == 1:
                self.padded[lid] = cands[0]
                return cands[0]
            if len(cands) > 1:
                self.problem(f"locality_id '{lid}' is ambiguous: it may be "
                             f"{' or '.join(sorted(cands))} with the leading zeros restored; "
                             "write the full code", row, "locality_id")
                return None
        self.problem(f"unknown locality '{lid}': not in the registry{self._hint(lid, reg.index)}",
                     row, "locality_id")
        return None

    def indicator(self, raw, row, column, long=True) -> str | None:
        name = _SPACES.sub(" ", str(raw if raw is not None else "")).strip()
        if not name:
            self.problem("empty indicator" if long else "column without a name", row, column)
            return None
        if name in self.catalog:
            return name
        low = name.casefold().replace(" ", "_")
        if low in self.catalog:
            return low
        if not long and low in self._bad_indicators:
            return None
        self._bad_indicators.add(low)
        self.problem(f"unknown indicator '{name}': not in the catalog"
                     f"{self._hint(name, self.catalog.ids())}", row, column)
        return None

    def period(self, raw, row) -> pd.Period | None:
        if _blank(raw):
            if self.default_period is None:
                self.problem("empty period (write YYYY-MM, or pass period='YYYY-MM')", row, "period")
            return self.default_period
        try:
            return _parse_period(raw)
        except _Bad as exc:
            self.problem(str(exc), row, "period")
            return None

    def value(self, raw, indicator, row, column, key) -> float | None:
        unit = self.catalog[indicator].unit
        try:
            return parse_value(raw, unit)
        except _Bad as exc:
            self.bad_cells.add((key[0], key[1], indicator))
            what = "value out of range" if exc.kind == "range" else "unreadable value"
            self.problem(f"{what} for {indicator} ({unit}): {exc}", row, column)
            return None

    @staticmethod
    def _hint(name, choices) -> str:
        close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=3, cutoff=0.75)
        return f" (did you mean {', '.join(close)}?)" if close else ""

    # --- layouts -----------------------------------------------------------------
    def long(self, rows, cols, names) -> list:
        records, first = [], {}
        jl, ji, jv = cols["locality_id"], cols["indicator"], cols["value"]
        jp = cols.get("period")
        for n, cells in rows:
            cell = lambda j: cells[j] if j is not None and j < len(cells) else None  # noqa: E731
            lid = self.locality(cell(jl), n)
            per = self.period(cell(jp), n)
            ind = self.indicator(cell(ji), n, names[ji])
            if lid is None or per is None or ind is None:
                continue
            key = (lid, str(per), ind)
            if key in first:
                self.problem(f"duplicate row for locality {lid}, period {per}, indicator {ind} "
                             f"(first on row {first[key]})", n, names[ji])
                continue
            first[key] = n
            value = self.value(cell(jv), ind, n, names[jv], key)
            if value is not None:
                records.append((lid, str(per), ind, value, n))
        return records

    def wide(self, rows, cols, ind_cols) -> list:
        records, first = [], {}
        jl, jp = cols["locality_id"], cols.get("period")
        for n, cells in rows:
            cell = lambda j: cells[j] if j is not None and j < len(cells) else None  # noqa: E731
            lid = self.locality(cell(jl), n)
            per = self.period(cell(jp), n)
            if lid is None or per is None:
                continue
            key = (lid, str(per))
            if key in first:
                self.problem(f"duplicate row for locality {lid}, period {per} (first on row "
                             f"{first[key]})", n, "locality_id")
                continue
            first[key] = n
            for j, ind, name in ind_cols:
                value = self.value(cell(j), ind, n, name, key)
                if value is not None:
                    records.append((lid, str(per), ind, value, n))
        return records

    def check_required(self, records, scheme, header_row, wide_columns) -> None:
        """Every indicator the scheme needs, for every (locality, period) of the file."""
        need = [i for i in scheme.indicators if i]
        what = f"scheme {scheme.name}"
        if wide_columns is not None:
            for ind in need:
                if ind not in wide_columns:
                    self.problem(f"missing indicator '{ind}': {what} needs a column for it",
                                 header_row, ind)
            need = [i for i in need if i in wide_columns]
        have: dict[tuple[str, str], set] = {}
        first_row: dict[tuple[str, str], int] = {}
        for lid, per, ind, value, n in records:
            key = (lid, per)
            first_row.setdefault(key, n)
            if not (isinstance(value, float) and math.isnan(value)):
                have.setdefault(key, set()).add(ind)
        reg = self.registry
        for key, n in first_row.items():
            if reg is not None and "level" in reg and key[0] in reg.index \
                    and reg.at[key[0], "level"] != scheme.unit_level:
                continue
            for ind in need:
                if ind not in have.get(key, ()) and (key[0], key[1], ind) not in self.bad_cells:
                    column = ind if wide_columns is not None else "indicator"
                    row = n
                    if wide_columns is None:
                        msg = (f"missing indicator '{ind}' for locality {key[0]}, period {key[1]}: "
                               f"{what} needs it (no row with a value; the locality's first row is shown)")
                    else:
                        msg = (f"missing indicator '{ind}' for locality {key[0]}, period {key[1]}: "
                               f"{what} needs it (the cell is empty)")
                    self.problem(msg, row, column)
