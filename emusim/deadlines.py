"""Deadlines inside point-table rows: "xong trong tháng 4/2023" (issue 10).

Hà Giang's Phụ lục 3 (communes) dates four rows — A.V.2–A.V.4 "(xong trong tháng 4/2023)",
A.V.5 "hoàn thành trong tháng 6/2023" — and Phụ lục 2 (districts) three — A.III.1–2
"(hoàn thành trong tháng 6/2023)", A.V.13 "(hoàn thành tháng 6/2023)". Such a row carries
``deadline:`` (the last day: "trong tháng 4/2023" → 2023-04-30) and ``deadline_text:`` (the
plan's words).

The rule. A dated row is scored on its indicator's value **at the deadline's month** (the
cumulative state reported for that month), not at the evaluation month: what was done by the
deadline earns the row's points ("Điểm = Tỷ lệ x điểm tối đa" on the rate reached by then),
work finished later does not. Full points therefore only when the target was reached by the
deadline. The switch ``deadline_scoring`` (a scheme path, default true) turns this off: every
row is then scored at the evaluation month.

Where the value at the deadline comes from, in this order:

1. a column ``<indicator>@<YYYY-MM>`` of the values table (:func:`dated_column`), e.g.
   ``child_data_cleaned_rate@2023-04`` — a wide observations file can carry it;
2. ``history=``: a :class:`~emusim.panel.Panel` given to ``score(scheme, values, registry,
   history=panel)``; its month is read with ``Panel.at`` (the CLI passes the panel it read).

When neither has it, the row is scored at the evaluation month and the score table says so
loudly: ``table.attrs["warnings"]`` (printed by the CLI) and ``attrs["deadlines"]`` (per row:
deadline, column, checked). Never silently full points.

>>> import datetime as dt
>>> from emusim.model import Criterion
>>> c = Criterion("A.V.3", "proportional", indicator="child_data_cleaned_rate", max=7,
...               deadline=dt.date(2023, 4, 30), deadline_text="xong trong tháng 4/2023")
>>> dated_column(c)
'child_data_cleaned_rate@2023-04'
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .i18n import fmt_date, t
from .model import Criterion, Scheme

__all__ = ["dated_criteria", "dated_column", "deadline_month", "apply_deadlines"]


def dated_criteria(scheme: Scheme) -> tuple[Criterion, ...]:
    """The rows of ``scheme`` that carry a deadline (rows reading one indicator)."""
    return tuple(c for c in scheme.criteria if c.deadline is not None and c.indicator)


def deadline_month(c: Criterion) -> pd.Period:
    """The month whose value decides a dated row (the month of its last day)."""
    return pd.Period(c.deadline, freq="M")


def dated_column(c: Criterion) -> str:
    """The values column holding the row's indicator at its deadline: ``<indicator>@<YYYY-MM>``."""
    return f"{c.indicator}@{deadline_month(c).strftime('%Y-%m')}"


def _from_history(history, month: pd.Period, indicator: str, index: pd.Index):
    """The indicator at ``month`` from a Panel, aligned to ``index``; None when it has no such value."""
    if history is None or not hasattr(history, "at"):
        return None
    periods = getattr(history, "periods", None)
    if periods is not None and (len(periods) == 0 or month < periods[0] or month > periods[-1]):
        return None
    if indicator not in getattr(history, "indicators", [indicator]):
        return None
    frame = history.at(month)
    return frame[indicator].reindex(index.astype(str)).to_numpy(dtype=float)


def apply_deadlines(scheme: Scheme, values: pd.DataFrame, history=None) -> tuple[Scheme, pd.DataFrame, dict]:
    """(scheme to score, values to score, attrs for the score table).

    With deadline scoring on, every dated row whose value at the deadline is available (a
    ``<indicator>@<YYYY-MM>`` column or ``history``) is pointed at that value; the others keep
    the evaluation-month value and get a warning. The caller's values are never changed (new
    columns go into a new frame). ``attrs``: ``deadlines`` (row id → deadline, column,
    checked) and ``warnings`` (texts in the current language).
    """
    rows = dated_criteria(scheme)
    if not rows or not scheme.deadline_scoring or not isinstance(values, pd.DataFrame):
        return scheme, values, {}
    new_columns: dict[str, object] = {}
    pointed: dict[str, Criterion] = {}
    info: dict[str, dict] = {}
    warnings: list[str] = []
    for c in rows:
        col = dated_column(c)
        month = deadline_month(c)
        checked = col in values.columns or col in new_columns
        if not checked:
            got = _from_history(history, month, c.indicator, values.index)
            if got is not None:
                new_columns[col] = got
                checked = True
        info[c.id] = {"deadline": c.deadline.isoformat(), "column": col, "checked": checked}
        if checked:
            pointed[c.id] = replace(c, indicator=col)
        else:
            warnings.append(t("deadlines.not_checked", criterion=c.id, text=c.deadline_text or "",
                              deadline=fmt_date(c.deadline), indicator=c.indicator,
                              month=month.strftime("%m/%Y"), column=col))
    if new_columns:
        values = pd.concat([values, pd.DataFrame(new_columns, index=values.index)], axis=1)
    if pointed:
        scheme = replace(scheme, criteria=tuple(pointed.get(c.id, c) for c in scheme.criteria))
    attrs: dict = {"deadlines": info}
    if warnings:
        attrs["warnings"] = warnings
    return scheme, values, attrs
