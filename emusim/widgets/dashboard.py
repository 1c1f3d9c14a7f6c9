"""The whole page (``notebooks/explorer.ipynb`` under Voilà): choose a province/plan, a level
and a month from menus; simulated data (the default, labelled) or your own workbook; every
change a step with undo/redo; the scenario saved to a small YAML file and kept in the page's
URL so a link reopens the same view; the award page, the A/B comparison and the downloads as
tabs; tasks plans (KH 21) get their own view.

    d = Dashboard(query="plan=lao_cai_cds_2022&level=commune")   # what a link opens
    d.scenario            # the Scenario on screen; d.undo(), d.redo()
    d.widget              # the ipywidgets page (displayed by ``d``)
"""
from __future__ import annotations

import dataclasses
import functools
import os
import unicodedata
from pathlib import Path

from ..errors import EmusimError
from ..i18n import using_lang
from . import sources
from .compare import PLAN, compare_html
from .layout import PageMixin
from .scenario import TABS, History, Scenario
from .text import _esc, _t

ROOT = Path(__file__).resolve().parent.parent.parent
FIRST = "ha_giang_186_2023"


@functools.lru_cache(maxsize=1)
def all_plans() -> dict:
    """Every plan of ``scenarios/*.yaml`` by id (Hà Giang first)."""
    from ..loader import load_plan

    plans = {}
    for f in sorted((ROOT / "scenarios").glob("*.yaml"), key=lambda f: (f.stem != FIRST, f.stem)):
        plan = load_plan(f)
        plans[plan.id] = plan
    return plans


def default_level(plan) -> str:
    if "commune" in plan.schemes and plan.schemes["commune"].kind in ("points", "standards"):
        return "commune"
    return next(lv for lv, s in plan.schemes.items() if s.kind in ("points", "standards", "tasks"))


def warm() -> None:
    """Everything a visit needs that does not depend on the visitor: run by Voilà's preheated
    kernel before anyone asks (plans, the default registry and panel, the widget library)."""
    import ipywidgets  # noqa: F401

    plan = all_plans()[FIRST]
    sources.simulated_panel(plan.registry, 1)


def page_query() -> str:
    """The URL query of the visit: Voilà hands the request to the kernel (``QUERY_STRING``;
    a preheated kernel waits for it with :func:`voila.utils.get_query_string`)."""
    try:
        from voila.utils import get_query_string
    except ImportError:
        return os.environ.get("QUERY_STRING", "")
    return get_query_string() or ""


class Dashboard(PageMixin):
    def __init__(self, query: str | None = None, scenario: Scenario | None = None, build: bool = True):
        self.plans = all_plans()
        first = scenario if scenario is not None else Scenario.from_query(query) if query else Scenario()
        self.notice = ""
        self.history = History(self._valid(first))
        self._uploads: dict[str, object] = {}
        self._pages: dict[tuple, object] = {}
        self.page = None
        self.widget = None
        self._syncing = False
        self._last_gesture: tuple = (None, 0.0)
        self._shown = self.history.current
        if build:
            self._build()
        self._show(self.history.current)
        self.history.replace(self._state())   # the first step as shown (month filled in)

    # ------------------------------------------------------------------ state
    @property
    def scenario(self) -> Scenario:
        return self.history.current

    @property
    def explorer(self):
        from .explorer import Explorer

        return self.page if isinstance(self.page, Explorer) else None

    def _valid(self, s: Scenario) -> Scenario:
        if s.plan not in self.plans:
            s = Scenario(lang=s.lang)
        plan = self.plans[s.plan]
        if s.level is None:
            s = s.replace(level=default_level(plan))
        elif s.level not in plan.schemes or plan.schemes[s.level].kind not in ("points", "standards", "tasks"):
            s = s.replace(level=default_level(plan), adjust={})   # another plan's level: its changes do not apply
        return s

    def _state(self) -> Scenario:
        cur = self._shown
        page = self.page
        if page is None:
            return cur
        adjust = page.changes if hasattr(page, "changes") else {}
        period = page.period if hasattr(page, "period") else page.at
        tab = TABS[self._w_tabs.selected_index or 0] if self.widget is not None and self.explorer else cur.tab
        name = self._w_name.value.strip() if self.widget is not None else cur.name
        return cur.replace(period=period, lang=page.lang, adjust=adjust, name=name, tab=tab)

    def open(self, query: str) -> "Dashboard":
        """Show what a URL query names (a link someone shared); recorded as a step."""
        if query:
            self._go(self._valid(Scenario.from_query(query, self.scenario)))
        return self

    def _go(self, s: Scenario) -> None:
        self._show(s)
        self.history.push(self._state())
        self._refresh_chrome()

    def undo(self) -> "Dashboard":
        s = self.history.undo()
        if s is not None:
            self._show(s)
        return self

    def redo(self) -> "Dashboard":
        s = self.history.redo()
        if s is not None:
            self._show(s)
        return self

    #: changes of one control closer together than this are one step (a slider moved with the
    #: arrow keys sends a value per key press; undo takes back the whole gesture)
    GESTURE_SECONDS = 2.0

    def _record(self, _page=None) -> None:
        import time

        new, cur = self._state(), self.history.current
        moved = {k for k in set(new.adjust) | set(cur.adjust) if new.adjust.get(k, "∅") != cur.adjust.get(k, "∅")}
        same = dataclasses.replace(new, adjust={}, name="") == dataclasses.replace(cur, adjust={}, name="")
        now = time.monotonic()
        last_path, last_t = self._last_gesture
        if (same and len(moved) == 1 and moved == {last_path} and now - last_t < self.GESTURE_SECONDS
                and self.history.can_undo):
            self.history.replace(new)
            pushed = True
        else:
            pushed = self.history.push(new)
        self._last_gesture = (next(iter(moved)) if same and len(moved) == 1 else None, now)
        if pushed:
            self._refresh_chrome()
        if self.widget is not None and self.explorer is not None and self._w_tabs.selected_index == 1:
            self._render_compare()

    # ------------------------------------------------------------------ pages
    def _panel(self, s: Scenario, plan):
        if s.data.startswith("file:"):
            panel = self._uploads.get(s.data)
            if panel is not None:
                return panel, s
            self.notice = _t("upload_needs_file", s.lang)
            s = s.replace(data="simulated")
        return sources.simulated_panel(plan.registry, s.seed), s

    def _show(self, s: Scenario) -> None:
        """Put scenario ``s`` on screen (no step recorded)."""
        from .explorer import Explorer
        from .tasks_view import TasksView

        s = self._valid(s)
        plan = self.plans[s.plan]
        scheme = plan.schemes[s.level]
        if scheme.kind == "tasks":
            key = (s.plan, s.level, s.data)
            page = self._pages.get(key)
            if page is None:
                status = self._uploads.get(s.data)
                page = TasksView(plan, s.level, status=status, status_label=s.data[5:] if status is not None else None,
                                 at=s.period if s.period and len(s.period) == 10 else None, lang=s.lang,
                                 build=self.widget is not None)
                page.on_change(self._record)
                self._pages[key] = page
            else:
                page.at = s.period if s.period and len(s.period) == 10 else page.at
                page.set_lang(s.lang)
        else:
            panel, s = self._panel(s, plan)
            key = (s.plan, s.level, s.data, s.seed)
            page = self._pages.get(key)
            if page is None:
                registry = panel.registry if panel.registry is not None else sources.cached_registry(plan.registry)
                periods = [str(p) for p in panel.periods]
                period = s.period if s.period in periods else None
                page = Explorer(plan, panel, level=s.level, registry=registry, period=period, lang=s.lang,
                                seed=s.seed if s.data == "simulated" else None, build=self.widget is not None,
                                embedded=True, lazy=True)
                page.on_change(self._record)
                self._pages[key] = page
            try:
                page.restore(s.adjust, s.period if s.period in page.periods else None, s.lang)
            except EmusimError as exc:
                page.restore({}, None, s.lang)
                self.notice = str(exc)
        self.page = page
        self._shown = s
        if self.widget is not None:
            self._place(s)

    # ------------------------------------------------------------------ callbacks
    def _on_plan(self, ch) -> None:
        if self._syncing or ch["new"] is None:
            return
        plan = self.plans[ch["new"]]
        self.notice = ""
        self._go(Scenario(plan=plan.id, level=default_level(plan), lang=self.scenario.lang))

    def _on_level(self, ch) -> None:
        if self._syncing or ch["new"] is None:
            return
        self.notice = ""
        self._go(self.scenario.replace(level=ch["new"], adjust={}, period=None, tab="awards"))

    def _on_lang(self, ch) -> None:
        if not self._syncing:
            self._go(self._state().replace(lang=ch["new"]))

    def _on_source(self, ch) -> None:
        if self._syncing:
            return
        self._w_databox.layout.display = None if ch["new"] == "file" else "none"
        if ch["new"] == "simulated" and self.scenario.data != "simulated":
            self._go(self._state().replace(data="simulated", adjust={}))
        elif ch["new"] == "file":
            self._upload_pending = True
            self._w_report.value = f"<div class='emusim-x'><div class='sub'>{_t('upload', self.scenario.lang)}</div></div>"

    def _on_tab(self, ch) -> None:
        if self._syncing:
            return
        self.history.replace(self._state())   # the tab is part of the link, not an undo step
        if ch["new"] == 1:
            self._render_compare()
        self._refresh_chrome()

    def _render_compare(self) -> None:
        if self.explorer is not None:
            self._w_compare.value = compare_html(self.explorer, self.plans, self._w_against.value or PLAN)

    def _on_upload(self, ch) -> None:
        files = ch["new"]
        if not files:
            return
        f = files[0]
        name, content = f["name"], bytes(f["content"])
        s = self.scenario
        L = s.lang
        plan = self.plans[s.plan]
        scheme = plan.schemes[s.level]
        try:
            if scheme.kind == "tasks":
                status = sources.status_from_upload(content, name)
                self._uploads["file:" + name] = status
                self._pages.pop((s.plan, s.level, "file:" + name), None)
                report = ""
            else:
                panel = sources.read_upload(content, name, sources.cached_registry(plan.registry), scheme,
                                            period=s.period or plan.evaluation_period)
                self._uploads["file:" + name] = panel
                self._pages.pop((s.plan, s.level, "file:" + name, s.seed), None)
                report = sources.report_html(panel, L)
                n_units = len(panel.localities)
                ok = _t("upload_ok", L, file=name, units=n_units, months=len(panel.periods))
                report = f"<div class='emusim-x'><div class='ok'>✔ {_esc(ok)}</div></div>" + report
        except Exception as exc:  # InputError: the reader's own list of problems, named by row and column
            with using_lang(L):  # the reader's problems, in the page's language
                problems = unicodedata.normalize("NFC", str(exc))
            self._w_report.value = (f"<div class='emusim-x'><div class='err'>{_esc(_t('upload_failed', L, file=name))}"
                                    f"\n{_esc(problems)}</div></div>")
            return
        self._upload_pending = False
        self.notice = ""
        self._go(self._state().replace(data="file:" + name, adjust={}))
        self._w_report.value = report

    def _on_template(self) -> None:
        from .downloads import XLSX, link

        s = self.scenario
        plan = self.plans[s.plan]
        name = f"mau_nhap_lieu_{s.plan}_{s.level}.xlsx"
        try:
            data = sources.template_bytes(plan.schemes[s.level], sources.cached_registry(plan.registry), name)
        except Exception as exc:
            self._w_template_link.value = f"<div class='emusim-x'><div class='err'>{_esc(exc)}</div></div>"
            return
        self._w_template_link.value = "<div class='emusim-x'>" + link(data, name, XLSX, name, "emusim-template-link") + "</div>"

    def _on_load(self, ch) -> None:
        files = ch["new"]
        if not files:
            return
        f = files[0]
        L = self.scenario.lang
        try:
            s = Scenario.from_yaml(bytes(f["content"]), file=f["name"])
        except EmusimError as exc:
            self.notice = str(exc)
            self._refresh_chrome()
            return
        self.notice = ""
        self._go(self._valid(s))
        self._w_report.value = f"<div class='emusim-x'><div class='ok'>{_esc(_t('scenario_loaded', L, name=s.name or f['name']))}</div></div>"

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
