"""The page of a tasks plan (KH 21/2025): who finished their tasks on time, what is overdue,
what falls due soon — :func:`emusim.score_tasks`, :func:`emusim.overdue`, :func:`emusim.due_soon`
on a task-status table (the sample table by default, clearly labelled; or the user's upload).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ..i18n import fmt_date, fmt_percent
from .sources import SAMPLE_STATUS
from .text import ACCENT, GAIN, LOSS, _esc, _t

DEFAULT_AT = "2025-12-01"


def _table(rows: list[list[str]], heads: list[str], cls: str = "") -> str:
    out = [f"<div class='emusim-scroll' style='max-height:360px'><table class='emusim-aw emusim-tasks-t {cls}'><thead><tr>"]
    out += [f"<th>{_esc(h)}</th>" for h in heads]
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>" + "".join(f"<td{' class=num' if i and str(c)[:1].isdigit() else ''}>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


class TasksView:
    """On-time share by lead unit, overdue tasks and tasks due soon, at an evaluation date."""

    def __init__(self, plan, level: str = "tasks", status=None, status_label: str | None = None,
                 at: str | None = None, lang: str = "vi", build: bool = True):
        self.plan = plan
        self.level = level
        self.scheme = plan.scheme(level)
        self.status = status if status is not None else SAMPLE_STATUS
        self.status_label = status_label or SAMPLE_STATUS.name
        self.sample = status is None
        self.at = str(at or DEFAULT_AT)
        self.lang = lang
        self.widget = None
        self._listeners: list = []
        if build:
            self._build()
        self.update()

    def on_change(self, cb) -> None:
        self._listeners.append(cb)

    # ------------------------------------------------------------------ computing
    def compute(self):
        from ..tasks import due_soon, overdue, score_tasks

        at = dt.date.fromisoformat(self.at[:10])
        return (score_tasks(self.scheme, self.status, at), overdue(self.scheme, self.status, at),
                due_soon(self.scheme, self.status, at, days=30))

    def html(self) -> str:
        L = self.lang
        try:
            st, od, soon = self.compute()
        except Exception as exc:  # an InputError from the status table: show it, do not crash
            return f"<div class='emusim-x'><div class='err'>⚠ {_esc(exc)}</div></div>"
        title = (self.plan.title_en if L == "en" and self.plan.title_en else self.plan.title) or self.plan.id
        data = _t("data_sample" if self.sample else "data_file", L, source=self.status_label)
        data = f"<span class='sim'>{_esc(data)}</span>" if self.sample else _esc(data)
        head = _t("tasks_headline", L, units=len(st), due=int(st["n_due"].sum()), on_time=int(st["n_on_time"].sum()),
                  overdue=int(st["n_overdue"].sum()))
        rows = []
        for unit, r in st.iterrows():
            share = r["share_on_time"]
            bar = ""
            if pd.notna(share):
                bar = (f"<span style='display:inline-block;width:{int(120 * share)}px;height:10px;"
                       f"background:{GAIN if share >= 0.8 else ACCENT if share >= 0.5 else LOSS}'></span> ")
            rows.append([_esc(unit), str(int(r["n_due"])), str(int(r["n_on_time"])), str(int(r["n_late"])),
                         str(int(r["n_overdue"])), bar + (fmt_percent(share, L, 0).replace(" ", "\u00a0") if pd.notna(share) else "—")])
        units = _table(rows, [_t(k, L) for k in ("tasks_unit", "tasks_due", "tasks_on_time", "tasks_late",
                                                  "tasks_overdue", "tasks_share")], "emusim-tasks-units")

        def listing(df: pd.DataFrame, days_col: str, days_key: str) -> str:
            if df.empty:
                return f"<div>{_t('tasks_nothing', L)}</div>"
            rows = [[_esc(r["task_id"]), _esc(r["lead"]), _esc(fmt_date(r["deadline"], L) if r["deadline"] else ""),
                     _esc(r["period"] or ""), str(int(r[days_col])), _esc(str(r["label"])[:140])]
                    for _, r in df.iterrows()]
            return _table(rows, [_t(k, L) for k in ("tasks_task", "tasks_unit", "tasks_deadline", "tasks_month")]
                          + [_t(days_key, L), _t("tasks_task", L)])

        return (f"<div class='emusim-x'><h2>{_esc(self.plan.province)} — {_esc(self.plan.document)} — "
                f"{_esc(fmt_date(self.at[:10], L))}</h2><div class='sub emusim-data-label'>{_esc(title)} · {data}</div>"
                f"<div class='head emusim-tasks-head'>{_esc(head)}</div>"
                f"<div class='box'>{units}<h3>{_t('tasks_overdue_h', L)} ({len(od)})</h3>"
                f"{listing(od, 'days_overdue', 'tasks_days_over')}"
                f"<h3>{_t('tasks_soon_h', L)} ({len(soon)})</h3>{listing(soon, 'days_left', 'tasks_days_left')}</div></div>")

    # ------------------------------------------------------------------ widgets
    def _build(self) -> None:
        import ipywidgets as W

        self._w_at = W.DatePicker(value=dt.date.fromisoformat(self.at[:10]), layout=W.Layout(width="160px"))
        self._w_at.add_class("emusim-tasks-at")
        self._w_at_label = W.HTML()
        self._w_at.observe(self._on_date, names="value")
        self._w_body = W.HTML(layout=W.Layout(width="100%"))
        self._w_body.add_class("emusim-tasks")
        self.widget = W.VBox([W.HBox([self._w_at_label, self._w_at]), self._w_body], layout=W.Layout(width="100%"))

    def _on_date(self, change) -> None:
        if change["new"] is None:
            return
        self.at = change["new"].isoformat()
        self.update()
        for cb in self._listeners:
            cb(self)

    def set_status(self, status, label: str) -> None:
        self.status, self.status_label, self.sample = status, label, False
        self.update()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.update()

    def update(self) -> None:
        if self.widget is not None:
            self._w_at_label.value = f"<div class='emusim-x'><div class='lab'>{_t('tasks_at', self.lang)}</div></div>"
            self._w_body.value = self.html()
