"""KH 21/2025 in full: what ``emusim tasks`` shows (issue 12).

:func:`task_report` gathers, at an evaluation date ``at``:

* ``scores`` — on-time share per lead unit (:func:`emusim.tasks.score_tasks`); the
  communes of the registry when the status table has per-commune rows for the tasks led by
  "UBND cấp xã" (``communes``: those rows only, ranked);
* ``overdue`` and ``due_soon`` — the lists of :mod:`emusim.tasks`;
* ``calendar`` — the reporting calendar of III.1.5: "Báo cáo tháng: Gửi trước ngày mùng 9 của
  tháng báo cáo (thời gian chốt số liệu tính từ ngày mùng 8 của tháng trước, đến ngày mùng 7
  của tháng báo cáo)"; "Báo cáo năm: Gửi trước ngày 09/12/2025" — one row per report with its
  window and last day;
* ``reports`` — every unit's monthly reports (its recurring tasks and the "duy trì" months of
  maintained tasks) with their state: ``on_time``, ``late``, ``missing`` (due, not sent) or
  ``pending``; the yearly report of a unit is its December report (same last day).

``TaskReport.text(lang)`` is what the command prints (Vietnamese by default).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import pandas as pd

from .i18n import check_lang, fmt_date, fmt_percent, t
from .tasks import _monthly_entry, _require_tasks, _to_date, first_month, judge, report_window, score_tasks

__all__ = ["TaskReport", "task_report", "reporting_calendar", "report_states", "labelled_scores"]


def reporting_calendar(scheme, until, start=None) -> pd.DataFrame:
    """The plan's reports due up to ``until``: report (``monthly`` / ``yearly``), period,
    window_start, window_end, last_day (the last day a report is on time), label."""
    _require_tasks(scheme)
    until = _to_date(until, "until")
    rows = []
    if _monthly_entry(scheme) is not None:
        m, last = first_month(scheme, start), pd.Period(until, freq="M")
        while m <= last:
            ws, we, due = report_window(scheme, m)
            rows.append({"report": "monthly", "period": str(m), "window_start": ws, "window_end": we,
                         "last_day": due, "label": _monthly_entry(scheme).label})
            m += 1
    for e in scheme.reporting:
        if e.date is not None:
            rows.append({"report": e.id, "period": str(e.date.year), "window_start": None, "window_end": None,
                         "last_day": e.date + _dt.timedelta(days=e.last_day_offset), "label": e.label})
    return pd.DataFrame(rows, columns=["report", "period", "window_start", "window_end", "last_day", "label"])


def report_states(judged: pd.DataFrame, at: _dt.date) -> pd.DataFrame:
    """Per unit and report month: reports due (one per recurring or maintained task), on time,
    late, missing, and the month's state (the worst of its reports; ``pending`` when not yet due)."""
    monthly = judged[judged["kind"].isin(["report", "maintain"])]
    if monthly.empty:
        return pd.DataFrame(columns=["lead", "period", "last_day", "n_reports", "n_on_time", "n_late",
                                     "n_missing", "state", "tasks_missing"])
    rows = []
    for (lead, period), g in monthly.groupby(["lead", "period"], sort=False):
        st = g["state"]
        n_miss = int((st == "overdue").sum())
        n_late = int((st == "late").sum())
        due = g["deadline"].iloc[0]
        state = ("pending" if due > at else "missing" if n_miss else "late" if n_late else "on_time")
        rows.append({"lead": lead, "period": period, "last_day": due, "n_reports": len(g),
                     "n_on_time": int((st == "on_time").sum()), "n_late": n_late, "n_missing": n_miss,
                     "state": state, "tasks_missing": ", ".join(g.loc[st == "overdue", "task_id"])})
    return pd.DataFrame(rows).sort_values(["lead", "period"], kind="mergesort").reset_index(drop=True)


@dataclass
class TaskReport:
    """What :func:`task_report` returns (see the module docstring)."""

    scheme_name: str
    at: _dt.date
    scores: pd.DataFrame
    overdue: pd.DataFrame
    due_soon: pd.DataFrame
    calendar: pd.DataFrame
    reports: pd.DataFrame
    communes: pd.DataFrame | None = None
    days: int = 30
    notes: list = field(default_factory=list)

    def text(self, lang: str | None = None, top: int = 15) -> str:
        """The report as the command line prints it."""
        lang = check_lang(lang)
        out = [t("tasks.head", lang, scheme=self.scheme_name, at=self.at)]
        out.append("")
        out.append(t("tasks.scores_head", lang))
        units = self.scores[~self.scores["is_commune"]] if "is_commune" in self.scores else self.scores
        for unit, r in units.iterrows():
            share = fmt_percent(r["share_on_time"], lang) if r["n_due"] else "—"
            out.append(t("tasks.score_line", lang, unit=unit, share=share, on_time=int(r["n_on_time"]),
                         due=int(r["n_due"]), late=int(r["n_late"]), overdue=int(r["n_overdue"])))
        if self.communes is not None and len(self.communes):
            c = self.communes
            out += ["", t("tasks.communes_head", lang, n=len(c))]
            for k, (unit, r) in enumerate(c.head(top).iterrows(), start=1):
                share = fmt_percent(r["share_on_time"], lang) if r["n_due"] else "—"
                out.append(t("tasks.commune_line", lang, rank=k, unit=unit, share=share, on_time=int(r["n_on_time"]),
                             due=int(r["n_due"])))
            if len(c) > top:
                out.append(t("tasks.more", lang, n=len(c) - top))
        out += ["", t("tasks.overdue_head", lang, n=len(self.overdue))]
        for r in self.overdue.head(top).itertuples():
            out.append(t("tasks.overdue_line", lang, task=r.task_id, lead=r.lead, deadline=r.deadline,
                         days=int(r.days_overdue), period=f" ({r.period})" if r.period else ""))
        if len(self.overdue) > top:
            out.append(t("tasks.more", lang, n=len(self.overdue) - top))
        out += ["", t("tasks.due_soon_head", lang, n=len(self.due_soon), days=self.days)]
        for r in self.due_soon.head(top).itertuples():
            out.append(t("tasks.due_soon_line", lang, task=r.task_id, lead=r.lead, deadline=r.deadline,
                         days=int(r.days_left), period=f" ({r.period})" if r.period else ""))
        out += ["", t("tasks.calendar_head", lang)]
        for r in self.calendar.itertuples():
            window = (t("tasks.window", lang, start=r.window_start, end=r.window_end)
                      if r.window_start is not None else "")
            out.append(t("tasks.calendar_line", lang, report=t(f"tasks.report_{'monthly' if r.report == 'monthly' else 'yearly'}", lang),
                         period=r.period, last=r.last_day, window=window))
        bad = self.reports[self.reports["state"].isin(["late", "missing"])] if len(self.reports) else self.reports
        out += ["", t("tasks.reports_head", lang, n=len(bad))]
        for r in bad.head(3 * top).itertuples():
            out.append(t(f"tasks.report_{r.state}", lang, lead=r.lead, period=r.period, last=r.last_day,
                         tasks=r.tasks_missing or "—"))
        if len(bad) > 3 * top:
            out.append(t("tasks.more", lang, n=len(bad) - 3 * top))
        out += [""] + [n.text(lang) for n in self.notes]
        return "\n".join(out).rstrip() + "\n"

    def __str__(self) -> str:
        return self.text()

    def scores_table(self, lang: str | None = None) -> pd.DataFrame:
        """``scores`` as people read it (what ``--out`` should write): columns named in ``lang``,
        yes/no written out, the ranking columns kept for tools (``total`` …) left out."""
        return labelled_scores(self.scores, lang)


#: the columns of a task score table as people read them (``tasks.col_<name>``), in this order
SCORE_COLUMNS = ("locality_id", "is_commune", "n_tasks", "n_due", "n_on_time", "n_late", "n_overdue",
                 "share_on_time", "n_recurring_due", "n_maintain_due", "n_done_early", "n_pending", "n_no_date",
                 "no_date_tasks")


def labelled_scores(scores: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """A :func:`emusim.score_tasks` table with headers in ``lang`` (default: the current language).

    >>> df = pd.DataFrame({"n_due": [2], "n_on_time": [1], "share_on_time": [0.5], "total": [0.5]},
    ...                   index=pd.Index(["Sở Y tế"], name="unit"))
    >>> list(labelled_scores(df, "vi").reset_index().columns)
    ['Đơn vị chủ trì', 'Số nhiệm vụ đến hạn', 'Số hoàn thành đúng hạn', 'Tỷ lệ đúng hạn']
    """
    lang = check_lang(lang)
    cols = [c for c in SCORE_COLUMNS if c in scores.columns]
    out = scores[cols].copy()
    if "is_commune" in out:
        out["is_commune"] = [t("common.yes" if v else "common.no", lang) for v in out["is_commune"]]
    out.columns = [t(f"tasks.col_{c}", lang) for c in cols]
    out.index = out.index.rename(t("tasks.col_unit", lang))
    return out


def task_report(scheme, status, at, registry=None, days: int = 30, start=None) -> TaskReport:
    """Everything ``emusim tasks`` shows for ``scheme`` (a tasks scheme) and a status table at ``at``."""
    from .i18n import Message
    from .tasks import due_soon, overdue

    at = _to_date(at)
    scores = score_tasks(scheme, status, at, registry=registry, start=start)
    judged = judge(scheme, status, at, start, horizon=max(at, _dt.date(at.year, 12, 31)), registry=registry)
    reports = report_states(judged, at)
    communes = None
    if "is_commune" in scores and scores["is_commune"].any():
        communes = scores[scores["is_commune"]].copy()
        communes.insert(0, "rank", range(1, len(communes) + 1))
    notes = []
    maintain_ids = [tk.id for tk in scheme.tasks if tk.maintain]
    judged_maint = sorted(set(judged.loc[judged["kind"] == "maintain", "task_id"]))
    if maintain_ids:
        notes.append(Message("tasks.maintain_note", n=len(maintain_ids), judged=", ".join(judged_maint) or "—"))
    no_date = [tk.id for tk in scheme.tasks if tk.deadline is None]
    if no_date:
        notes.append(Message("tasks.no_date_note", n=len(no_date), tasks=", ".join(no_date)))
    return TaskReport(scheme.name, at, scores, overdue(scheme, status, at, start, registry=registry),
                      due_soon(scheme, status, at, days=days, start=start, registry=registry),
                      reporting_calendar(scheme, _dt.date(at.year, 12, 31), start), reports, communes, days, notes)
