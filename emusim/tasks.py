"""Tasks schemes (KH 21/2025): who finished their tasks on time (DESIGN §3.1).

A tasks scheme lists tasks with lead units (``lead``) and a ``deadline`` that is a date,
``"recurring"`` ("Thực hiện thường xuyên") or None (tied to outside direction). A
unit's score is the share of its due obligations that it completed on time by an
evaluation date ``at``.

What is judged
--------------
* **Dated tasks**: one obligation per lead unit, due on the deadline. A task with several
  lead units is an obligation of each of them (each is accountable for its part).
* **Recurring tasks** are judged by their monthly reports. The plan's calendar (KH 21/2025,
  III.1.5) says:

      "Báo cáo tháng: Gửi trước ngày mùng 9 của tháng báo cáo (thời gian chốt số liệu tính
      từ ngày mùng 8 của tháng trước, đến ngày mùng 7 của tháng báo cáo);"
      "Báo cáo năm: Gửi trước ngày 09/12/2025."

  so the report of month M covers the 8th of M−1 to the 7th of M and must arrive before the 9th of
  M (the scenario's ``reporting`` entry ``monthly``: ``day: 9``; its assumption reads
  "Gửi trước ngày mùng 9" to the letter: before the 9th, so the 8th is the last day:
  ``inclusive: false``). The first month judged is the
  one after the month the plan was issued (plan of 31/7/2025 → 08/2025). The yearly report
  (due 09/12/2025) falls on the same day as December's monthly report and is not counted
  a second time.
* **Tasks without a date** (``deadline: null``) are not judged: they are counted in
  ``n_no_date`` and listed in ``no_date_tasks``. That includes the tasks worded "Thực hiện
  thường xuyên theo chỉ đạo / hướng dẫn … Trung ương" (the centre sets the pace; the rule of
  scenarios/README.md).
* **"Hoàn thành … và duy trì thường xuyên"** (``maintain: true``): the completion is judged on
  the deadline, and the upkeep ("duy trì") month by month after it, on the monthly report's
  last day, for the tasks whose status rows include monthly rows (``period``); without them
  only the completion is judged.
* **"UBND cấp xã"** (every commune's people's committee): with a registry and status rows that
  name single communes (name, short name or code), the task becomes one obligation per
  commune of the registry (``commune:<locality_id>`` keys; a commune without a row has not
  done it), so the communes can be ranked; ``score_tasks`` then has one row per commune
  (``is_commune``, ``locality_id``).

An obligation due on or before ``at`` is *on time* when completed on or before its due
date, *late* when completed after it but by ``at``, *overdue* when not completed by ``at``.
A completion dated after ``at`` is treated as unknown at ``at`` (so one status table can
be evaluated at several dates). Obligations not yet due but already completed count in
``n_done_early`` and not in the share.

The task-status table
---------------------
A DataFrame, or a CSV / XLSX file, with columns ``task_id``, ``unit``, ``completed_on``
(ISO date, empty = not completed) and, for recurring tasks, ``period`` (``YYYY-MM``, the
report's month; ``completed_on`` is the date the report was sent). An empty ``unit``
applies the row to every lead unit of the task. Unknown tasks, units that do not lead the
task, missing periods of recurring rows, periods on dated tasks, duplicates and unreadable
dates are all reported together in one :class:`~emusim.errors.InputError` naming the row
(header = row 1) and column.

Unit names
----------
Lead units are compared after Unicode NFC normalisation, case folding and collapsing
whitespace, so "Văn Phòng  UBND tỉnh", "Văn phòng UBND tỉnh" and "Sở Khoa học và công nghệ"
/ "Sở Khoa học và Công nghệ" are one unit. One alias is added (:data:`UNIT_ALIASES`): the
plan writes "Văn phòng UBND" once (task 1.7) for the provincial office it elsewhere calls
"Văn phòng UBND tỉnh" (an assumption: in a provincial plan the unqualified office is the
province's). A unit is shown under the spelling the plan uses most often.

>>> import emusim as es
>>> scheme = es.load_plan("scenarios/tuyen_quang_kh21_2025.yaml").scheme("tasks")   # doctest: +SKIP
>>> st = score_tasks(scheme, "data/samples/tuyen_quang_kh21_status.csv", "2025-12-01")  # doctest: +SKIP
"""
from __future__ import annotations

import datetime as _dt
import functools
import math
import os
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .i18n import Message, t as _t

__all__ = ["score_tasks", "overdue", "due_soon", "obligations", "read_status",
           "normalise_unit", "report_window", "UNIT_ALIASES"]

#: Normalised spelling → normalised canonical spelling (see the module docstring).
UNIT_ALIASES = {"văn phòng ubnd": "văn phòng ubnd tỉnh"}

_OBLIGATION_COLUMNS = ["task_id", "group", "lead", "unit_key", "kind", "period", "deadline",
                       "window_start", "window_end", "label"]

#: The plan's lead "UBND cấp xã" (every commune's people's committee), as a comparison key.
COMMUNE_LEAD = "ubnd cấp xã"
#: Key prefix of one commune's share of a "UBND cấp xã" task (``commune:<locality_id>``).
COMMUNE_KEY = "commune:"


def _error(key: str, path: str | None = None, **values) -> InputError:
    """An InputError carrying the catalogue message ``tasks.<key>``."""
    return InputError([Problem(Message(f"tasks.{key}", **values), path=path)])


# ------------------------------------------------------------------------------ names
def normalise_unit(name) -> str:
    """The comparison key of a unit name (NFC, casefold, single spaces, aliases).

    >>> normalise_unit("Văn Phòng  UBND tỉnh") == normalise_unit("Văn phòng UBND tỉnh")
    True
    >>> normalise_unit("Văn phòng UBND")
    'văn phòng ubnd tỉnh'
    """
    key = unicodedata.normalize("NFC", str(name)).casefold()
    key = re.sub(r"\s+", " ", key).strip()
    return UNIT_ALIASES.get(key, key)


def _lead_keys(task) -> list[str]:
    """The task's lead units as comparison keys, in plan order, without repeats."""
    return list(dict.fromkeys(normalise_unit(u) for u in task.lead))


def _display_names(scheme) -> dict[str, str]:
    """Normalised key → the plan's most frequent spelling (ties: first seen)."""
    counts: dict[str, dict[str, int]] = {}
    for task in scheme.tasks:
        for name in task.lead:
            spellings = counts.setdefault(normalise_unit(name), {})
            spellings[name] = spellings.get(name, 0) + 1
    return {key: max(sp, key=lambda s: (sp[s], -list(sp).index(s))) for key, sp in counts.items()}


# ------------------------------------------------------------------------------ calendar
def _to_date(value, what="at") -> _dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _error("not_date", what, value=repr(value)) from None


def _monthly_entry(scheme):
    for entry in scheme.reporting:
        if entry.day is not None:
            return entry
    return None


def report_window(scheme, period) -> tuple[_dt.date, _dt.date, _dt.date]:
    """(window start, window end, due date) of the monthly report for ``period``.

    >>> import emusim as es
    >>> s = es.load_plan("scenarios/tuyen_quang_kh21_2025.yaml").scheme("tasks")   # doctest: +SKIP
    >>> report_window(s, "2025-09")                                               # doctest: +SKIP
    (datetime.date(2025, 8, 8), datetime.date(2025, 9, 7), datetime.date(2025, 9, 9))
    """
    entry = _monthly_entry(scheme)
    if entry is None:
        raise _error("no_monthly_entry", "reporting", scheme=scheme.name)
    p = pd.Period(str(period), freq="M")
    prev = p - 1
    due = _dt.date(p.year, p.month, min(entry.day, p.days_in_month)) + _dt.timedelta(days=entry.last_day_offset)
    start = _dt.date(prev.year, prev.month, min(entry.window_start_day or 1, prev.days_in_month)) \
        if entry.window_start_day else _dt.date(p.year, p.month, 1)
    end = _dt.date(p.year, p.month, min(entry.window_end_day, p.days_in_month)) \
        if entry.window_end_day else _dt.date(p.year, p.month, p.days_in_month)
    return start, end, due


@functools.lru_cache(maxsize=16)
def _issued_from_file(file: str) -> _dt.date | None:
    from .loader import load_plan

    return load_plan(file).issued


def first_month(scheme, start=None) -> pd.Period:
    """The first month whose report is judged: ``start``, else the month after the plan's issue."""
    if start is not None:
        return pd.Period(str(start), freq="M")
    issued = _issued_from_file(scheme.file) if scheme.file and Path(scheme.file).is_file() else None
    if issued is None:
        raise _error("issue_date_unknown", "start", scheme=scheme.name)
    return pd.Period(issued, freq="M") + 1


def obligations(scheme, until, start=None, expand=None, maintained=(), names=None) -> pd.DataFrame:
    """Every (task, lead unit[, month]) obligation with a due date, recurring months up to ``until``.

    Columns: task_id, group, lead (display name), unit_key, kind (``task``: the dated task;
    ``report``: a recurring task's monthly report; ``maintain``: the monthly report of a
    "Hoàn thành … và duy trì thường xuyên" task after its deadline), period ('YYYY-MM' or
    None), deadline (due date, None for undated tasks), window_start, window_end (monthly
    rows only), label.

    ``expand``: ``{task_id: [unit keys]}`` replacing the task's "UBND cấp xã" lead by one
    key per commune; ``maintained``: ids of ``maintain`` tasks whose months are judged;
    ``names``: extra display names (commune key → name).
    """
    _require_tasks(scheme)
    until = _to_date(until, "until")
    names = {**_display_names(scheme), **(names or {})}
    expand = expand or {}
    maintained = set(maintained)
    rows = []
    months: list[pd.Period] = []
    if any(t.recurring for t in scheme.tasks) or maintained:
        m0 = first_month(scheme, start)
        last = pd.Period(until, freq="M")
        months = list(pd.period_range(m0, last, freq="M")) if last >= m0 else []
    for task in scheme.tasks:
        keys = _lead_keys(task) or [_t("tasks.no_lead")]
        if task.id in expand:
            keys = [k for key in keys for k in (expand[task.id] if key == COMMUNE_LEAD else [key])]
        for key in keys:
            lead = names.get(key, key)
            base = dict(task_id=task.id, group=task.group, lead=lead, unit_key=key, label=task.label)
            if task.recurring:
                for m in months:
                    ws, we, due = report_window(scheme, m)
                    rows.append({**base, "kind": "report", "period": str(m), "deadline": due, "window_start": ws,
                                 "window_end": we})
                continue
            rows.append({**base, "kind": "task", "period": None, "deadline": task.deadline if task.deadline else None,
                         "window_start": None, "window_end": None})
            if task.id in maintained and isinstance(task.deadline, _dt.date):
                for m in months:
                    ws, we, due = report_window(scheme, m)
                    if due > task.deadline:
                        rows.append({**base, "kind": "maintain", "period": str(m), "deadline": due,
                                     "window_start": ws, "window_end": we})
    return pd.DataFrame(rows, columns=_OBLIGATION_COLUMNS)


def _require_tasks(scheme):
    if scheme.kind != "tasks":
        raise _error("not_tasks_scheme", scheme=scheme.name, kind=Message(f"tasks.kind_{scheme.kind}"))


# ------------------------------------------------------------------------------ status
def _commune_lookup(registry) -> dict[str, str]:
    """Normalised commune name, short name or id → locality_id (communes of ``registry``)."""
    if registry is None or "level" not in registry:
        return {}
    com = registry[registry["level"].astype(str) == "commune"]
    out: dict[str, str] = {}
    for col in ("short_name", "name"):
        if col in com:
            out.update({normalise_unit(v): str(i) for i, v in com[col].items() if str(v).strip()})
    out.update({normalise_unit(i): str(i) for i in com.index})
    return out


def read_status(status, scheme, registry=None) -> pd.DataFrame:
    """Validate a task-status table; return columns task_id, unit_key, period, completed_on, row.

    ``status`` is a DataFrame or a CSV / XLSX path. Rows with an empty ``unit`` are
    expanded to every lead unit of the task. With a ``registry``, a row of a task led by
    "UBND cấp xã" may name one commune (name, short name or code): its key is
    ``commune:<locality_id>``. A ``period`` on a task with ``maintain: true`` is that
    month's maintenance report ("duy trì thường xuyên").
    """
    from .observations import _read_table

    _require_tasks(scheme)
    if isinstance(status, pd.DataFrame):
        source = _t("tasks.status_table")
        header, rows, hrow = _read_table(None, status.reset_index(drop=True), None, source)
    else:
        path = Path(os.fspath(status))
        source = str(path)
        if not path.is_file():
            raise InputError([Problem(Message("tasks.file_not_found"), file=source)])
        header, rows, hrow = _read_table(path, None, None, source)
    cols = {str(h).strip().casefold(): j for j, h in enumerate(header)}
    problems = [Problem(Message("tasks.missing_column", column=c), file=source, row=hrow, column=c)
                for c in ("task_id", "unit", "completed_on") if c not in cols]
    if problems:
        raise InputError(problems)
    tasks = {t.id: t for t in scheme.tasks}
    leads_of = {t.id: _lead_keys(t) for t in scheme.tasks}
    names = _display_names(scheme)
    communes = _commune_lookup(registry)
    out, first = [], {}

    def cell(cells, name):
        j = cols.get(name)
        v = cells[j] if j is not None and j < len(cells) else None
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer() and name == "task_id":
            return str(int(v))
        return v if isinstance(v, (_dt.date, _dt.datetime, pd.Timestamp)) else str(v).strip()

    for n, cells in rows:
        def bad(key, column, **values):
            problems.append(Problem(Message(f"tasks.{key}", **values), file=source, row=n, column=column))

        tid = cell(cells, "task_id")
        task = tasks.get(tid)
        if task is None:
            if tid:
                bad("unknown_task", "task_id", task=tid, first=next(iter(tasks)), last=list(tasks)[-1])
            else:
                bad("empty_task", "task_id")
            continue
        leads = leads_of[tid]
        unit = cell(cells, "unit")
        if unit:
            key = normalise_unit(unit)
            if key not in leads and COMMUNE_LEAD in leads and key in communes:
                key = COMMUNE_KEY + communes[key]
            elif key not in leads:
                bad("not_lead", "unit", unit=unit, task=tid, leads="; ".join(names.get(k, k) for k in leads))
                continue
            keys = [key]
        else:
            keys = leads
        period = cell(cells, "period") if "period" in cols else ""
        if task.recurring:
            if not period:
                bad("recurring_needs_period", "period", task=tid)
                continue
            try:
                if isinstance(period, (_dt.date, _dt.datetime, pd.Timestamp)):
                    per = str(pd.Period(period, freq="M"))
                else:
                    if not re.match(r"^\d{4}-\d{1,2}$", period):
                        raise ValueError(period)
                    per = str(pd.Period(period, freq="M"))
            except ValueError:
                bad("not_month", "period", value=repr(period))
                continue
        elif period and task.maintain:
            try:
                if not isinstance(period, (_dt.date, _dt.datetime, pd.Timestamp)) and not re.match(r"^\d{4}-\d{1,2}$", period):
                    raise ValueError(period)
                per = str(pd.Period(period, freq="M"))
            except ValueError:
                bad("not_month", "period", value=repr(period))
                continue
        else:
            if period:
                bad("fixed_deadline", "period", task=tid, deadline=task.deadline or Message("tasks.no_deadline"))
                continue
            per = None
        done = cell(cells, "completed_on")
        if done == "":
            done_date = None
        else:
            try:
                done_date = _to_date(done, "completed_on")
            except InputError:
                bad("not_date_example", "completed_on", value=repr(done))
                continue
        for key in keys:
            k = (tid, key, per)
            if k in first:
                bad("duplicate_status", "task_id", task=tid, unit=names.get(key, key), first=str(first[k]),
                    period=Message("tasks.duplicate_period", period=per) if per else "")
                continue
            first[k] = n
            out.append({"task_id": tid, "unit_key": key, "period": per,
                        "completed_on": done_date, "row": n})
    if problems:
        raise InputError(problems)
    return pd.DataFrame(out, columns=["task_id", "unit_key", "period", "completed_on", "row"])


def _expansion(scheme, st: pd.DataFrame, registry) -> tuple[dict, set, dict]:
    """(expand, maintained, names) implied by a read status table (see :func:`obligations`)."""
    expand, names = {}, {}
    per_commune = st[st["unit_key"].str.startswith(COMMUNE_KEY)]
    if len(per_commune) and registry is not None:
        com = registry[registry["level"].astype(str) == "commune"]
        keys = [COMMUNE_KEY + str(i) for i in com.index]
        names = {COMMUNE_KEY + str(i): str(n) for i, n in (com["name"].items() if "name" in com else [])}
        expand = {tid: keys for tid in per_commune["task_id"].unique()}
    maintain_ids = {t.id for t in scheme.tasks if t.maintain}
    maintained = set(st.loc[st["period"].notna() & st["task_id"].isin(maintain_ids), "task_id"])
    return expand, maintained, names


def judge(scheme, status, at, start=None, horizon=None, registry=None) -> pd.DataFrame:
    """Every obligation with its status at ``at``.

    Adds to :func:`obligations` the columns completed_on (None when not completed by
    ``at``) and state: ``on_time``, ``late``, ``overdue``, ``done_early``, ``pending``
    (not yet due, not done) or ``no_date``. Recurring months run to ``horizon``
    (default: ``at``). With a ``registry``, tasks of "UBND cấp xã" with per-commune rows are
    judged for every commune of the registry (a commune without a row has not done it), and
    "duy trì" months of ``maintain`` tasks are judged where the table has monthly rows for the task.
    """
    at = _to_date(at)
    st = status if isinstance(status, pd.DataFrame) and "unit_key" in status.columns \
        else read_status(status, scheme, registry)
    expand, maintained, names = _expansion(scheme, st, registry)
    obl = obligations(scheme, horizon or at, start, expand=expand, maintained=maintained, names=names)
    done = {(r.task_id, r.unit_key, r.period): r.completed_on for r in st.itertuples()}
    completed, state = [], []
    for r in obl.itertuples():
        c = done.get((r.task_id, r.unit_key, r.period))
        if c is not None and c > at:
            c = None  # not known at `at`
        completed.append(c)
        if r.deadline is None:
            state.append("no_date")
        elif r.deadline <= at:
            state.append("overdue" if c is None else ("on_time" if c <= r.deadline else "late"))
        else:
            state.append("pending" if c is None else "done_early")
    obl["completed_on"] = completed
    obl["state"] = state
    return obl


# ------------------------------------------------------------------------------ scores
def score_tasks(scheme, status, at, registry=None, start=None) -> pd.DataFrame:
    """Per lead unit: tasks due by ``at`` and how many were done on time.

    Parameters
    ----------
    scheme : a tasks :class:`~emusim.model.Scheme` (e.g. ``tuyen_quang_kh21_2025`` "tasks").
    status : the task-status table (DataFrame or CSV/XLSX path; see the module docstring).
    at : the evaluation date (date or 'YYYY-MM-DD').
    registry : optional; when it has rows whose ``name`` matches a unit (normalised), their
        ``locality_id`` is added as a column.
    start : first month of recurring reports judged (default: the month after the plan's issue).

    Returns a DataFrame indexed by ``unit`` (the lead unit as the plan writes it) with
    columns ``n_tasks`` (tasks the unit leads), ``n_due`` (dated obligations due by ``at``
    plus monthly reports due by ``at``), ``n_on_time``, ``n_late``, ``n_overdue``,
    ``share_on_time`` (= ``n_on_time / n_due``; NaN when nothing is due), ``n_done_early``,
    ``n_pending`` (not yet due), ``n_no_date`` and ``no_date_tasks`` (undated tasks, not
    judged), ``n_recurring_due`` (the monthly reports among ``n_due``), and, so that
    :func:`emusim.allocate` can rank the units, ``total`` (= ``share_on_time``), ``base``
    (= ``total``), ``bonus`` = 0, ``deduction`` = 0, ``eligible`` = True. Units with nothing
    due have a NaN total and rank last. Sorted by total (best first), then unit name.
    ``attrs``: ``at``, ``first_month``, ``calendar`` (the plan's reporting wording).
    """
    at = _to_date(at)
    j = judge(scheme, status, at, start, registry=registry)
    names = {**_display_names(scheme), **dict(zip(j["unit_key"], j["lead"]))}
    keys = list(dict.fromkeys(j["unit_key"]))
    rows = []
    for key in keys:
        g = j[j["unit_key"] == key]
        counts = g["state"].value_counts()
        n = {s: int(counts.get(s, 0)) for s in ("on_time", "late", "overdue", "done_early",
                                                "pending", "no_date")}
        n_due = n["on_time"] + n["late"] + n["overdue"]
        due_rows = g["state"].isin(["on_time", "late", "overdue"])
        recurring_due = int(((g["kind"] == "report") & due_rows).sum())
        maintain_due = int(((g["kind"] == "maintain") & due_rows).sum())
        rows.append({
            "unit": names.get(key, key), "n_tasks": int(g["task_id"].nunique()), "n_due": n_due,
            "n_on_time": n["on_time"], "n_late": n["late"], "n_overdue": n["overdue"],
            "share_on_time": n["on_time"] / n_due if n_due else np.nan,
            "n_recurring_due": recurring_due, "n_maintain_due": maintain_due, "n_done_early": n["done_early"],
            "_key": key,
            "n_pending": n["pending"], "n_no_date": n["no_date"],
            "no_date_tasks": ", ".join(g.loc[g["state"] == "no_date", "task_id"]),
        })
    table = pd.DataFrame(rows).set_index("unit")
    table["total"] = table["share_on_time"]
    table["base"] = table["total"]
    table["bonus"] = 0.0
    table["deduction"] = 0.0
    table["eligible"] = True
    if registry is not None and "name" in registry:
        by_name = {normalise_unit(nm): lid for lid, nm in registry["name"].items()}
        table.insert(0, "locality_id", [k[len(COMMUNE_KEY):] if k.startswith(COMMUNE_KEY) else by_name.get(normalise_unit(u))
                                        for u, k in zip(table.index, table["_key"])])
        table.insert(1, "is_commune", table["_key"].str.startswith(COMMUNE_KEY).to_numpy())
    table = table.drop(columns="_key")
    table = table.assign(_t=table["total"].fillna(-1.0)).sort_values(
        ["_t", "n_due"], ascending=[False, False], kind="mergesort").drop(columns="_t")
    entry = _monthly_entry(scheme)
    table.attrs.update({
        "scheme": scheme.name, "kind": "tasks", "at": at.isoformat(),
        "first_month": str(first_month(scheme, start)) if any(t.recurring for t in scheme.tasks) else None,
        "calendar": " ".join(e.source.text for e in scheme.reporting if e.source.text) if entry else "",
    })
    return table


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Fresh index; None (not NaN) where a task has no report month."""
    df = df.reset_index(drop=True)
    df["period"] = pd.Series([p if isinstance(p, str) else None for p in df["period"]], dtype=object)
    return df


def _plan_order(scheme) -> dict[str, int]:
    return {t.id: i for i, t in enumerate(scheme.tasks)}


def overdue(scheme, status, at, start=None, registry=None) -> pd.DataFrame:
    """Obligations due by ``at`` and not completed by then, most overdue first.

    Columns: task_id, group, lead, kind, period (report month of recurring and maintained
    tasks, else None), deadline, days_overdue, label.
    """
    at = _to_date(at)
    j = judge(scheme, status, at, start, registry=registry)
    j = j[j["state"] == "overdue"].copy()
    j["days_overdue"] = [(at - d).days for d in j["deadline"]]
    j["_order"] = j["task_id"].map(_plan_order(scheme))
    j = j.sort_values(["days_overdue", "_order", "lead"], ascending=[False, True, True], kind="mergesort")
    return _tidy(j[["task_id", "group", "lead", "kind", "period", "deadline", "days_overdue", "label"]])


def due_soon(scheme, status, at, days: int = 30, start=None, registry=None) -> pd.DataFrame:
    """Obligations due within ``days`` after ``at`` (``at`` < due ≤ ``at + days``) not yet done.

    Includes the monthly reports of recurring tasks falling due in that window. Columns:
    task_id, group, lead, period, deadline, days_left, label; soonest first.
    """
    at = _to_date(at)
    end = at + _dt.timedelta(days=int(days))
    j = judge(scheme, status, at, start, horizon=end, registry=registry)
    j = j[(j["state"] == "pending") & j["deadline"].map(lambda d: d is not None and d <= end)].copy()
    j["days_left"] = [(d - at).days for d in j["deadline"]]
    j["_order"] = j["task_id"].map(_plan_order(scheme))
    j = j.sort_values(["days_left", "_order", "lead"], kind="mergesort")
    return _tidy(j[["task_id", "group", "lead", "kind", "period", "deadline", "days_left", "label"]])


def not_scored_here(plan, scheme, command: str = "award") -> InputError:
    """The error ``emusim award|score --level <tasks level>`` gets: tasks are judged by ``emusim tasks``."""
    return InputError([Problem(Message("tasks.use_tasks_command", command=command, level=scheme.level,
                                       plan=plan.file or plan.id), file=plan.file, path=f"--level {scheme.level}")])
