"""Field observations (CSV or XLSX) → :class:`emusim.panel.Panel` (DESIGN §5, §11).

Real data takes the same path as simulated data: ``read_observations`` returns a Panel, and
``panel.at("2023-11")`` is the values table ``emusim.score`` takes. The panel carries
``panel.report``, an :class:`ImportReport` (what was read, how, coverage).

The reading flow, one module per stage: :mod:`.tables` (file → cells) → :mod:`.header`
(title rows, header, numbering row, totals) → :mod:`.units` and :mod:`.columns` (units and
columns mapped) → :mod:`.values` and :mod:`.rows` (values parsed) → :mod:`.report`.

Layouts
-------
*long*  columns ``locality_id, period, indicator, value`` (one row per value) — or their
        Vietnamese names ``Mã ĐVHC, Kỳ báo cáo, Chỉ tiêu, Giá trị``;
*wide*  one row per locality (and month): ``locality_id`` (or ``Mã ĐVHC``, ``Mã xã``, or a
        name column ``Tên đơn vị``), optionally ``period``, and one column per indicator.

A file is *long* when its header has an ``indicator`` or a ``value`` column, else *wide*.
Header names are matched after trimming spaces and ignoring case and diacritics. Descriptive
columns (``name``, ``short_name``, ``tên``, ``parent_id``, ``district``, ``STT``, ``note``,
``ghi_chú``, ``ghi chú``, and any column whose name starts with ``#`` or ``_``) are ignored;
``ignore_columns=`` adds more. The header need not be the first row (title rows above it
and a numbering row "(1) (2) …" under it are skipped), totals rows ("Tổng cộng", "Cộng",
"Toàn tỉnh") are skipped, units may be given by name (:mod:`.units`), and columns may be
named by indicator id, criterion id or label (:mod:`.columns`). A wide column written like an
indicator id that is not one is an error; any other header that names nothing is listed in
the report as unmapped. A ``period`` cell may read ``2023-11``, ``2023/11``, ``11/2023``,
``tháng 11/2023`` or be an Excel date; an empty period cell, or a file without a ``period``
column, takes the ``period=`` argument, else the month in the title ("tháng 11/2023"; "năm
2023" reads as 12/2023, said in the report).

Values, by the indicator's catalog unit (:mod:`.values`)
--------------------------------------------------------
* ``ratio``: ``0.85``, ``85%``, ``85 %``, ``85,5 %`` (comma decimal), ``0,855``. A bare number
  above 1 (``85``) is an error that says "write 0.85 or 85%": the reader never guesses — unless
  the header says "(%)". After parsing a ratio must lie in [0, 1].
* ``bool``: ``1``/``0``, ``true``/``false``, ``có``/``không`` (also ``co``/``khong``,
  ``yes``/``no``), ``x``/blank → 1/0. A blank bool cell is 0 ("not done").
* ``count``: a non-negative whole number (``3``, ``3.0``, ``1.000`` = one thousand);
  ``1,000`` is ambiguous and an error.
* ``points``: any number (comma decimal allowed).
* ``date``: ISO ``YYYY-MM-DD``, ``dd/mm/yyyy``, an Excel date cell or serial number; stored as
  days since 1970-01-01, the Panel's convention.
* ``không áp dụng`` / ``KAD`` / ``not applicable``: not applicable, distinct from missing
  (``panel.not_applicable``; ``values.attrs["not_applicable"]``); ``n/a`` and ``-`` are errors
  (they mean "no data" as often as "not applicable").
A blank cell of any other unit means "not observed" (no value).

Errors
------
Every problem is collected and raised together as one :class:`emusim.errors.InputError`;
each :class:`~emusim.errors.Problem` names the file, the row as a spreadsheet shows it (the
header is row 1 of a plain file) and the column: missing required columns, unknown locality
(not in the registry), unknown or ambiguous name, unknown indicator (not in the catalog),
duplicate (locality, period, indicator), unparseable value, value out of range, a cell merged
across units, a formula without a saved value, and an indicator the ``scheme`` needs that a
locality lacks (unless the scheme sets a ``missing`` policy: then coverage is reported).
Problems about a whole column are reported on the header row.

Locality ids are read as text, so zero-padded GSO codes survive. When a CSV was saved by a
program that dropped the leading zeros (``2635`` for ``02635``) and a registry is given,
the id is matched to the registry by zero-padding, silently, but only when exactly one
registry id matches; the mapping is kept in ``panel.meta["padded_ids"]``.

The input file is only ever read, never written.

>>> from pathlib import Path
>>> root = Path(__file__).resolve().parent.parent.parent
>>> p = read_observations(root / "data/samples/ha_giang_communes_2023-11_wide.csv",
...                       registry="ha_giang_2023", period="2023-11")
>>> round(float(p.at("2023-11").loc["00715", "eid_activation_rate"]), 3)
0.855
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from ..catalog import Catalog, load_catalog
from ..errors import InputError, Problem
from ..i18n import Message, t
from .columns import ColumnMapper, looks_like_id
from .header import find_header, is_numbering_row, key, period_in_text, role_of
from .report import ImportReport
from .rows import NA, RowReader, _closest, _hint
from .tables import column_letter, grid_from_frame, read_grid
from .units import UnitMatcher
from .values import Bad, blank, parse_period, parse_value

_Bad = Bad
__all__ = ["read_observations", "parse_value", "IGNORED_COLUMNS", "ImportReport"]

#: Descriptive columns a wide (or long) file may carry; they are not indicators.
IGNORED_COLUMNS = ("name", "short_name", "tên", "ten", "parent_id", "district", "huyện",
                   "note", "notes", "ghi_chú", "ghi chú", "ghi_chu", "unit_type", "level")


def read_observations(path, registry=None, catalog: Catalog | None = None, scheme=None,
                      period=None, *, sheet=None, ignore_columns: Iterable[str] = ()):
    """Read observations from a CSV or XLSX file (long or wide) into a :class:`Panel`.

    Parameters
    ----------
    path : a ``.csv`` / ``.xlsx`` file (or a DataFrame, rows numbered as if row 1 were
        its header).
    registry : a registry DataFrame, or a registry name / path for
        :func:`emusim.load_registry`; localities must be in it. Attached to the panel.
        Needed to match units by name.
    catalog : the indicator catalog (default: :func:`emusim.load_catalog`).
    scheme : a :class:`emusim.model.Scheme`; its labels and criterion ids name columns too, and
        every indicator in ``scheme.indicators`` must have a value for every (locality, month) of
        the file at ``scheme.unit_level`` — unless the scheme sets ``missing`` (then the report
        gives the coverage and warns below 65 %).
    period : the month ('YYYY-MM') of a file without a ``period`` column, and of any empty
        period cell (it wins over a month in the title).
    sheet : XLSX sheet name or 0-based index (default: the first sheet).
    ignore_columns : further descriptive columns to skip.

    Raises
    ------
    InputError listing every problem (file, row, column), see the module docstring.
    """
    from ..panel import Panel

    data = path if isinstance(path, pd.DataFrame) else None
    if data is None:
        try:
            fpath = Path(os.fspath(path))
        except TypeError:
            raise InputError([Problem(Message("observations.bad_path", path=repr(path)))]) from None
        source = str(fpath)
    else:
        fpath, source = None, t("observations.data_frame")
    if isinstance(registry, (str, os.PathLike)):
        from ..registry import load_registry

        registry = load_registry(registry)
    if catalog is None:
        catalog = load_catalog()
    default_period = None
    if period is not None:
        try:
            default_period = parse_period(period)
        except Bad as exc:
            raise InputError([Problem(Message("observations.period_argument", detail=exc.msg), path="period")]) from None

    grid = grid_from_frame(data) if data is not None else read_grid(fpath, sheet, source)
    mapper = ColumnMapper(catalog, scheme)
    pos = 0 if data is not None else find_header(grid.rows, lambda c: mapper.map(c).indicator is not None)
    if pos is None and sheet is None and len(grid.sheets) > 1:
        # the first sheet is a cover or instructions page ("Hướng dẫn"): name the sheets that hold a
        # header and let the user choose one; never read another sheet unasked (it may be another month)
        with_header = []
        for other in range(1, len(grid.sheets)):
            try:
                candidate = read_grid(fpath, other, source)
            except InputError:
                continue
            if find_header(candidate.rows, lambda c: mapper.map(c).indicator is not None) is not None:
                with_header.append(candidate.sheet)
        if with_header:
            raise InputError([Problem(Message("observations.first_sheet_no_header", first=grid.sheet,
                                              sheets=", ".join(f"'{name}'" for name in with_header),
                                              example=with_header[0]), file=source)])
    report = ImportReport(source=source, sheet=grid.sheet, encoding=grid.encoding)
    rows = grid.rows
    if pos is None:
        pos = 0
    hrow, header = rows[pos]
    report.header_row = hrow
    title_period = None
    for _, cells in rows[:pos]:
        for c in cells:
            found = period_in_text(c)
            if found:
                title_period = title_period or found
    body = rows[pos + 1:]
    if body and is_numbering_row(body[0][1]):
        report.numbering_row = body[0][0]
        body = body[1:]

    problems: list[Problem] = []
    ignored = {key(c) for c in IGNORED_COLUMNS} | {key(c) for c in ignore_columns}
    names = ["" if blank(h) else " ".join(str(h).split()) for h in header]
    cols: dict[str, int] = {}
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        k = name.casefold()
        if not k:
            continue
        if k in seen:
            problems.append(Problem(Message("observations.column_twice", column=name, first=str(seen[k] + 1),
                                            second=str(j + 1)), file=source, row=hrow, column=name))
            continue
        seen[k] = j
        role = role_of(name)
        if role == "code" and k not in ("locality_id",) and "code" in cols and names[cols["code"]].casefold() == "locality_id":
            continue
        if role in ("code", "name", "district", "period", "indicator", "value", "stt") and role not in cols:
            cols[role] = j
    long = "indicator" in cols or "value" in cols
    unit_col = "code" in cols or ("name" in cols and registry is not None)
    if not unit_col:
        problems.append(Problem(Message("observations.missing_unit_column", layout=Message(
            f"observations.layout_{'long' if long else 'wide'}")), file=source, row=hrow, column="locality_id"))
    if long:
        for need in ("indicator", "value"):
            if need not in cols:
                problems.append(Problem(Message("observations.missing_long_column", column=need),
                                        file=source, row=hrow, column=need))
    if "period" in cols:
        report.period_from = "column"
    elif default_period is not None:
        report.period_from = "argument"
        if title_period and title_period[0] != default_period:
            report.warn("title_period_differs", title=str(title_period[0]), period=str(default_period))
    elif title_period is not None:
        default_period = title_period[0]
        report.period_from = "title" if title_period[1] == "month" else "title_year"
    else:
        problems.append(Problem(Message("observations.missing_period"), file=source, row=hrow, column="period"))
    if problems:
        raise InputError(problems)
    if default_period is not None:
        report.period = str(default_period)

    level = scheme.unit_level if scheme is not None else None
    units = UnitMatcher(registry, level)
    reader = RowReader(source, catalog, units, default_period, problems, report, grid)
    role_cols = set(cols.values())
    self_scores: dict[str, tuple[int, str]] = {}
    wide_columns: dict[str, str] = {}
    if long:
        report.layout = "long"
        for j, name in enumerate(names):
            if name:
                report.columns.append((column_letter(j), name, None, "role_" + (role_of(name) or "ignore")
                                       if j in role_cols or role_of(name) else "unmapped"))
        records = reader.long(body, cols, names, mapper)
    else:
        ind_cols = []
        used: dict[str, str] = {}
        for j, name in enumerate(names):
            if not name or j in role_cols:
                continue
            k = key(name)
            if role_of(name) is not None or k in ignored or name.startswith(("#", "_")) \
                    or name.casefold().startswith("unnamed:"):
                report.columns.append((column_letter(j), name, None, "ignored"))
                continue
            m = mapper.map(name)
            if m.how == "self_score":
                report.columns.append((column_letter(j), name, None, "self_score"))
                if m.criterion:
                    self_scores[m.criterion] = (j, name)
                continue
            if m.indicator is None:
                if m.how == "ambiguous":
                    problems.append(Problem(Message("observations.indicator_ambiguous", name=name,
                                                    candidates=", ".join(m.candidates)),
                                            file=source, row=hrow, column=name))
                elif looks_like_id(name):
                    problems.append(Problem(Message("observations.unknown_indicator", name=name,
                                                    hint=_hint(_closest(name, catalog.ids()))),
                                            file=source, row=hrow, column=name))
                else:
                    report.columns.append((column_letter(j), name, None, "unmapped"))
                    report.warn("unmapped_column", column=name)
                continue
            if m.indicator in used:
                problems.append(Problem(Message("observations.indicator_twice", indicator=m.indicator,
                                                first=used[m.indicator], second=name),
                                        file=source, row=hrow, column=name))
                continue
            used[m.indicator] = name
            wide_columns[m.indicator] = name
            report.columns.append((column_letter(j), name, m.indicator, m.how))
            ind_cols.append((j, m.indicator, name, m.percent))
        records = reader.wide(body, cols, names, ind_cols,
                              [(j, crit, name) for crit, (j, name) in self_scores.items()])
    level_of = _level_of(registry)
    if scheme is not None and getattr(scheme, "missing", None) is None:
        reader.check_required(records, scheme, hrow, None if long else wide_columns, level_of)
    if problems:
        raise InputError(problems)

    df = pd.DataFrame(records, columns=["locality_id", "period", "indicator", "value", "row"])
    is_na = df["value"].map(lambda v: isinstance(v, str) and v == NA)
    values = df["value"].where(~is_na, np.nan).astype(float)
    keep = ~values.isna() | is_na
    df = df[keep]
    if df.empty and not reader.self_scores:
        raise InputError([Problem(Message("observations.no_values"), file=source)])
    long_df = pd.DataFrame({"locality_id": df["locality_id"], "period": df["period"],
                            "indicator": df["indicator"], "value": values[keep]})
    panel = Panel.from_long(long_df, registry=registry, catalog=catalog, source=source)
    if is_na.any():
        mask = np.zeros(panel.values.shape, dtype=bool)
        sub = df[is_na[keep].to_numpy()]
        li = panel.localities.get_indexer(sub["locality_id"])
        ti = pd.PeriodIndex(sub["period"], freq="M").asi8 - panel.periods[0].ordinal
        ii = pd.Index(panel.indicators).get_indexer(sub["indicator"])
        mask[li, ti, ii] = True
        panel.not_applicable = mask
    panel.meta.update({"source": source, "layout": "long" if long else "wide",
                       "padded_ids": dict(units.padded),
                       "self_score_columns": {c: name for c, (_, name) in self_scores.items()}})
    if reader.self_scores:
        panel.meta["self_scores"] = pd.DataFrame.from_dict(reader.self_scores, orient="index").rename_axis("locality_id")
    if report.period is None and len(panel.periods):
        report.period = str(panel.periods[-1])
    if scheme is not None:
        ids = [lid for lid in panel.localities if level_of(lid) in (None, scheme.unit_level)]
        report.compute_coverage(panel, [i for i in scheme.indicators if i], ids)
    panel.report = report
    return panel


def _level_of(registry):
    if registry is None or "level" not in registry:
        return lambda lid: None
    levels = registry["level"]
    return lambda lid: levels.get(lid)


def _read_table(path, data, sheet, source):
    """Header, (row number, cells) of every non-blank data row, header row — the plain first-row
    reading other readers share (``emusim.tasks.read_status``)."""
    grid = grid_from_frame(data) if data is not None else read_grid(Path(path), sheet, source)
    (hrow, header), rows = grid.rows[0], grid.rows[1:]
    header = ["" if blank(c) else str(c) for c in header]
    while header and not header[-1].strip():
        header.pop()
    return header, rows, hrow
