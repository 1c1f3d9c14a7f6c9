"""The page's widgets and where they sit (mixin of :class:`~emusim.widgets.dashboard.Dashboard`):
the menus (plan, level, language, data source), undo/redo and the step counter, the data box
(upload, template, import report), the scenario row (name, save, open), the link that reopens
the view (also written into the address bar), and the tabs (awards, A/B, downloads). Fits a
1024 px wide screen: rows wrap.
"""
from __future__ import annotations

from . import sources
from .compare import PLAN, other_schemes
from .scenario import TABS, Scenario
from .text import CSS, _esc, _t


def _short(text: str, n: int) -> str:
    """>>> _short("Kế hoạch   phát động", 12)
    'Kế hoạch ph…'
    """
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


class PageMixin:
    def _build(self) -> None:
        import ipywidgets as W

        L = self.scenario.lang
        self._w_plan = W.Dropdown(layout=W.Layout(width="360px"))
        self._w_plan.add_class("emusim-plan")
        self._w_level = W.Dropdown(layout=W.Layout(width="260px"))
        self._w_level.add_class("emusim-level")
        self._w_source = W.ToggleButtons(style={"button_width": "180px"})
        self._w_source.add_class("emusim-source")
        self._w_lang = W.ToggleButtons(options=[("Tiếng Việt", "vi"), ("English", "en")], value=L,
                                       style={"button_width": "86px"})
        self._w_lang.add_class("emusim-lang")
        self._w_undo, self._w_redo = W.Button(layout=W.Layout(width="110px")), W.Button(layout=W.Layout(width="110px"))
        self._w_undo.add_class("emusim-undo")
        self._w_redo.add_class("emusim-redo")
        self._w_steps = W.HTML()
        self._w_name = W.Text(continuous_update=False, layout=W.Layout(width="200px"))
        self._w_name.add_class("emusim-scenario-name")
        self._w_save = W.HTML()
        self._w_save.add_class("emusim-save")
        self._w_load = W.FileUpload(accept=".yaml,.yml", multiple=False, layout=W.Layout(width="230px"))
        self._w_load.add_class("emusim-load")
        self._w_link = W.HTML()
        self._w_link.add_class("emusim-link")
        self._w_js = W.Output(layout=W.Layout(height="0px", overflow="hidden"))
        self._w_notice = W.HTML()
        self._w_notice.add_class("emusim-notice")
        self._w_labels = {k: W.HTML() for k in ("plan", "level", "data", "scenario_name")}
        # their own data
        self._w_upload = W.FileUpload(accept=".xlsx,.csv", multiple=False, layout=W.Layout(width="340px"))
        self._w_upload.add_class("emusim-upload")
        self._w_template = W.Button(layout=W.Layout(width="260px"))
        self._w_template.add_class("emusim-template")
        self._w_template.layout.display = None if sources.template_writer() else "none"
        self._w_template_link = W.HTML()
        self._w_report = W.HTML()
        self._w_report.add_class("emusim-report")
        self._w_databox = W.VBox([W.HBox([self._w_upload, self._w_template, self._w_template_link],
                                         layout=W.Layout(flex_flow="row wrap")), self._w_report])
        # tabs: award page, A/B, downloads
        from .downloads import DownloadsView

        self._w_against = W.Dropdown(layout=W.Layout(width="420px"))
        self._w_against.add_class("emusim-compare-with")
        self._w_compare = W.HTML()
        self._w_compare.add_class("emusim-compare")
        self._w_against_label = W.HTML()
        self._downloads = DownloadsView(self)
        self._w_page = W.Box(layout=W.Layout(width="100%"))
        self._w_tabs = W.Tab(layout=W.Layout(width="100%"))
        self._w_tabs.add_class("emusim-tabs")
        self._w_tabs.children = [self._w_page, W.VBox([W.HBox([self._w_against_label, self._w_against]),
                                                       self._w_compare]), self._downloads.widget]
        self._w_body = W.Box(layout=W.Layout(width="100%"))
        self._w_title = W.HTML()
        row = W.Layout(flex_flow="row wrap", align_items="center", width="100%")
        self.widget = W.VBox([
            W.HTML(CSS), self._w_title,
            W.HBox([self._w_labels["plan"], self._w_plan, self._w_labels["level"], self._w_level, self._w_lang],
                   layout=row),
            W.HBox([self._w_labels["data"], self._w_source, self._w_undo, self._w_redo, self._w_steps], layout=row),
            self._w_databox,
            W.HBox([self._w_labels["scenario_name"], self._w_name, self._w_save, self._w_load], layout=row),
            self._w_link, self._w_notice, self._w_body, self._w_js,
        ], layout=W.Layout(width="100%", max_width="1400px"))
        self.widget.add_class("emusim-page")
        self._w_plan.observe(self._on_plan, names="value")
        self._w_level.observe(self._on_level, names="value")
        self._w_lang.observe(self._on_lang, names="value")
        self._w_source.observe(self._on_source, names="value")
        self._w_undo.on_click(lambda _b: self.undo())
        self._w_redo.on_click(lambda _b: self.redo())
        self._w_name.observe(lambda ch: None if self._syncing else self._record(), names="value")
        self._w_upload.observe(self._on_upload, names="value")
        self._w_load.observe(self._on_load, names="value")
        self._w_template.on_click(lambda _b: self._on_template())
        self._w_tabs.observe(self._on_tab, names="selected_index")
        self._w_against.observe(lambda ch: None if self._syncing else self._render_compare(), names="value")

    def _place(self, s: Scenario) -> None:
        """Menus, labels and the page body for scenario ``s`` (after :meth:`_show`)."""
        L = s.lang
        plan = self.plans[s.plan]
        self._syncing = True
        try:
            self._w_plan.options = [(f"{p.province} — {_short(p.title, 48)}", pid) for pid, p in self.plans.items()]
            self._w_plan.value = s.plan
            self._w_level.options = [(_short((sc.label_en if L == "en" else sc.label) or lv, 70), lv)
                                     for lv, sc in plan.schemes.items() if sc.kind in ("points", "standards", "tasks")]
            self._w_level.value = s.level
            self._w_lang.value = L
            first = "source_sample" if plan.schemes[s.level].kind == "tasks" else "source_simulated"
            self._w_source.options = [(_t(first, L), "simulated"), (_t("source_upload", L), "file")]
            self._w_source.value = "file" if s.data.startswith("file:") else self._w_source.value or "simulated"
            if not s.data.startswith("file:") and self._w_source.value == "file" and not self._upload_pending:
                self._w_source.value = "simulated"
            self._w_name.value = s.name
            for k, w in self._w_labels.items():
                w.value = f"<div class='emusim-x'><div class='lab' style='margin:0 6px'>{_t(k, L)}</div></div>"
            self._w_undo.description, self._w_redo.description = _t("undo", L), _t("redo", L)
            self._w_template.description = _t("template", L)
            self._w_upload.description = _t("upload", L) if plan.schemes[s.level].kind != "tasks" else _t("tasks_upload", L)
            self._w_load.description = _t("load", L)
            self._w_against_label.value = f"<div class='emusim-x'><div class='lab'>{_t('compare_with', L)}</div></div>"
            for i, k in enumerate(("tab_explore", "tab_compare", "tab_download")):
                self._w_tabs.set_title(i, _t(k, L))
            tasks = plan.schemes[s.level].kind == "tasks"
            self._w_title.value = (f"<div class='emusim-x'><h2>{_t('page_title', L)}</h2>"
                                   f"<div class='sub emusim-help'>{_esc(_t('page_help', L))}</div></div>")
            if tasks:
                self._w_body.children = [self.page.widget]
            else:
                self._w_page.children = [self.page.widget]
                self._w_body.children = [self._w_tabs]
                self._w_against.options = [(_t("compare_plan", L), PLAN)] + other_schemes(self.plans, self.page)
                if self._w_against.value is None:
                    self._w_against.value = PLAN
                self._w_tabs.selected_index = TABS.index(s.tab) if s.tab in TABS else 0
            self._w_databox.layout.display = None if self._w_source.value == "file" else "none"
        finally:
            self._syncing = False
        if not tasks and self._w_tabs.selected_index == 1:
            self._render_compare()
        self._downloads.reset()
        self._refresh_chrome()

    _upload_pending = False

    def _refresh_chrome(self) -> None:
        if self.widget is None:
            return
        s = self._state()
        L = s.lang
        h = self.history
        self._w_undo.disabled, self._w_redo.disabled = not h.can_undo, not h.can_redo
        self._w_steps.value = (f"<div class='emusim-x'><span class='sub emusim-steps'>"
                               f"{_t('steps', L, k=h.pos + 1, n=len(h.steps))}</span></div>")
        from .downloads import link

        self._w_save.value = ("<div class='emusim-x'>" + link(s.to_yaml().encode("utf-8"), s.slug() + ".yaml",
                                                              "application/x-yaml", _t("save", L), "emusim-save-link")
                              + "</div>")
        q = s.to_query()
        self._w_link.value = (f"<div class='emusim-x'><div class='sub'>{_t('link', L)}: "
                              f"<a class='emusim-url' href='?{_esc(q)}'>?{_esc(q)}</a></div></div>")
        self._w_notice.value = (f"<div class='emusim-x'><div class='err'>⚠ {_esc(self.notice)}</div></div>"
                                if self.notice else "")
        self._write_url(q)

    def _write_url(self, query: str) -> None:
        """Keep the browser's address bar on this view (``history.replaceState``: no reload)."""
        import json

        from IPython.display import Javascript, display

        with self._w_js:
            self._w_js.clear_output(wait=True)
            display(Javascript(f"window.history.replaceState(null, '', '?' + {json.dumps(query)});"))

