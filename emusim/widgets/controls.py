"""The controls of the award page, built from ``scheme.parameters()``: urban uplift per class,
award quotas and nomination slots, the proportional basis, gate targets and modes (hard/soft),
criterion targets, group maxima, the evaluation month and the language switch (mixin of the
Explorer). Every control calls ``Explorer._on_control(path, value)``."""
from __future__ import annotations

import math

from ..i18n.paths import path_value
from ..model import URBAN_CLASSES
from .text import BASIS_KEYS, CSS, _css_class, _esc, _t, fmt_month, tier_short as _tier_short, urban_label


class ControlsMixin:
    def _label(self, key_or_pair, extra: str = "", width: str = "200px", tip: str = ""):
        import ipywidgets as W

        w = W.HTML(layout=W.Layout(width=width, min_width=width))
        self._labels.append((w, key_or_pair, (extra, tip)))
        self._set_label(w, key_or_pair, extra, tip)
        return w

    def _set_label(self, w, key_or_pair, extra, tip):
        if isinstance(key_or_pair, tuple):
            text = key_or_pair[1] if self.lang == "en" and key_or_pair[1] else key_or_pair[0]
        else:
            text = _t(key_or_pair, self.lang)
        title = f" title='{_esc(tip)}'" if tip else ""
        w.value = f"<div class='emusim-x'><div class='lab'{title}>{extra}{_esc(text)}</div></div>"

    def _relabel(self) -> None:
        if self.widget is None:
            return
        for w, key, (extra, tip) in self._labels:
            self._set_label(w, key, extra, tip)
        for i, key in enumerate(self._section_keys):
            self._accordion.set_title(i, _t(key, self.lang))
        for w, key in self._desc_widgets:
            w.description = _t(key, self.lang)
        for readout, slider, path in self._readouts:
            self._set_readout(readout, slider, path)
        self._w_reset.description = _t("reset", self.lang)
        self._syncing = True
        try:
            cur = self._w_show.value
            self._w_show.options = [(_t(k, self.lang), v) for k, v in self._show_opts]
            self._w_show.value = cur
            for m in self._mode_widgets:
                cur = m.value
                m.options = self._mode_options()
                m.value = cur
            period = self._controls.get("period")
            if period is not None:
                cur = period.value
                period.options = self._period_options()
                period.value = cur
            basis = self._controls.get("proportional_basis")
            if basis is not None:
                cur = basis.value
                basis.options = self._basis_options()
                basis.value = cur
        finally:
            self._syncing = False

    def _period_options(self) -> list[tuple[str, str]]:
        """The months as the reader writes them (11/2023 in Vietnamese, 2023-11 in English)."""
        return [(fmt_month(p, self.lang), p) for p in self.periods]

    def _slider(self, path: str, value: float, lo: float, hi: float, step: float, fmt: str = ".2f", cls: str = "",
                width: str = "180px"):
        """A slider and its value written the reader's way ("+15 điểm %", "85 %", "50"); ipywidgets'
        own readout writes 0.15 in every language, so it is replaced."""
        import ipywidgets as W

        w = W.FloatSlider(value=value, min=lo, max=hi, step=step, readout=False, continuous_update=False,
                          layout=W.Layout(width=width), style={"description_width": "0px"})
        w.add_class("emusim-ctl")
        w.add_class(_css_class(path))
        readout = W.HTML(layout=W.Layout(width="84px", min_width="84px"))
        readout.add_class("emusim-readout")
        readout.add_class(_css_class(path) + "-readout")
        self._readouts.append((readout, w, path))
        self._set_readout(readout, w, path)
        self._controls[path] = w
        w.observe(lambda ch, p=path: self._on_control(p, ch["new"]), names="value")
        w.observe(lambda ch, r=readout, s=w, p=path: self._set_readout(r, s, p), names="value")
        return W.HBox([w, readout])

    def _set_readout(self, readout, slider, path: str) -> None:
        readout.value = f"<span class='emusim-x'>{_esc(path_value(path, slider.value, self.lang))}</span>"

    def _build(self) -> None:
        import ipywidgets as W

        self._labels = []
        self._desc_widgets = []
        self._readouts = []
        self._mode_widgets = []
        self._controls = {}
        present = self._sections_present()
        self._section_keys = [k for k in ("uplift", "awards", "gates", "targets", "groups") if present[k]]
        eager = not self.lazy
        children = []
        self._section_built = []
        for i, k in enumerate(self._section_keys):
            build = eager or i == 0
            children.append(W.VBox(getattr(self, f"_rows_{k}")() if build else []))
            self._section_built.append(build)
        self._accordion = W.Accordion(children=children, layout=W.Layout(width="300px"))
        for i, k in enumerate(self._section_keys):
            self._accordion.set_title(i, _t(k, self.lang))
        self._accordion.selected_index = 0
        self._accordion.observe(self._on_section, names="selected_index")

        # --- top bar: month, language, reset
        top = []
        if self.periods:
            w = W.Dropdown(options=self._period_options(), value=self.period, layout=W.Layout(width="110px"))
            w.add_class("emusim-period")
            self._controls["period"] = w
            w.observe(lambda ch: self._on_control("period", ch["new"]), names="value")
            top.append(W.HBox([self._label("period", width="120px"), w]))
        lang = W.ToggleButtons(options=[("Tiếng Việt", "vi"), ("English", "en")], value=self.lang,
                               style={"button_width": "86px"})
        lang.add_class("emusim-lang")
        self._controls["lang"] = lang
        lang.observe(lambda ch: self._on_control("lang", ch["new"]), names="value")
        self._w_reset = W.Button(description=_t("reset", self.lang), layout=W.Layout(width="180px"))
        self._w_reset.add_class("emusim-reset")
        self._w_reset.on_click(lambda _b: self.reset())
        head = [*top] if self.embedded else [*top, lang]
        controls = W.VBox([*head, self._w_reset, self._accordion],
                          layout=W.Layout(width="310px", min_width="310px"))

        # --- main area
        self._w_title = W.HTML()
        self._w_head = W.HTML()
        self._w_head.add_class("emusim-headline")
        self._w_timing = W.HTML()
        self._w_chart = W.HTML(layout=W.Layout(width="auto", flex="1 1 560px", min_width="420px", max_width="680px"))
        self._w_chart.add_class("emusim-chart")
        self._w_diff = W.HTML(layout=W.Layout(width="auto", flex="1 1 260px", min_width="240px"))
        self._w_diff.add_class("emusim-diff")
        self._show_opts = [("show_all", "all"), ("show_awarded", "awarded"), ("show_changed", "changed"),
                           ("show_eligible", "eligible")]
        self._w_show = W.ToggleButtons(options=[(_t(k, self.lang), v) for k, v in self._show_opts], value="all",
                                       style={"button_width": "100px"})
        self._w_show.observe(lambda ch: (None if self._syncing else self._render_table()), names="value")
        self._w_table = W.HTML()
        self._w_table.add_class("emusim-award-table")
        self._w_cli = W.HTML()
        self._w_cli.add_class("emusim-cli-box")
        cli_box = W.VBox([self._label("cli", width="600px"), self._w_cli], layout=W.Layout(margin="8px 0 0 0"))
        main = W.VBox([
            self._w_head, self._w_timing,
            W.HBox([self._w_chart, self._w_diff], layout=W.Layout(flex_flow="row wrap", align_items="flex-start")),
            W.HBox([self._label("show", width="80px"), self._w_show]),
            self._w_table,
            cli_box,
        ], layout=W.Layout(flex="1 1 auto", padding="0 0 0 10px", min_width="0", width="auto"))
        self.widget = W.VBox([
            W.HTML(CSS), self._w_title,
            W.HBox([controls, main], layout=W.Layout(align_items="flex-start", width="100%")),
        ], layout=W.Layout(width="100%"))
        self.widget.add_class("emusim-explorer")

    def _rows_uplift(self) -> list:
        import ipywidgets as W

        p0 = self.params0
        uplift_rows = []
        for cls in URBAN_CLASSES:
            path = f"uplift.{cls}"
            if path not in p0:
                continue
            w = self._slider(path, float(self._current(path)), 0.0, 0.5, 0.01, width="116px")
            uplift_rows.append(W.HBox([self._label((urban_label(cls, 'vi'), urban_label(cls, 'en')), width="100px"), w]))
        return uplift_rows

    def _rows_awards(self) -> list:
        import ipywidgets as W

        s = self.base_scheme
        p0 = self.params0
        award_rows = []
        for t in s.awards.tiers:
            path = f"awards.{t.id}.quota"
            if path not in p0:
                continue
            q = self._current(path)
            hi = int(max(30, 3 * (q or 0), min(self._n_units, 60)))
            w = W.IntSlider(value=int(q or 0), min=0, max=hi, step=1, continuous_update=False,
                            layout=W.Layout(width="160px"), style={"description_width": "0px"},
                            disabled=q is None)
            w.add_class("emusim-ctl")
            w.add_class(_css_class(path))
            nocap = W.Checkbox(value=q is None, indent=False, layout=W.Layout(width="110px"))
            self._desc_widgets.append((nocap, "nocap"))
            nocap.description = _t("nocap", self.lang)
            self._controls[path] = (w, nocap)
            w.observe(lambda ch, p=path: self._on_control(p, ch["new"]), names="value")
            nocap.observe(lambda ch, p=path, sl=None: self._on_nocap(p, ch["new"]), names="value")
            tip = (t.label or "") + (f" — {t.source.ref}" if t.source.ref else "")
            award_rows.append(W.VBox([self._label((_tier_short(t, "vi"), _tier_short(t, "en")), width="290px", tip=tip),
                                      W.HBox([w, nocap])]))
        for field in ("per_parent", "extra_per_parent", "extra_min_children"):
            path = f"awards.nomination.{field}"
            if path not in p0 or p0[path] is None:
                continue
            w = W.IntSlider(value=int(self._current(path)), min=0, max=max(5, 2 * int(p0[path]), int(self._current(path) or 0)), step=1,
                            continuous_update=False, layout=W.Layout(width="160px"),
                            style={"description_width": "0px"})
            w.add_class("emusim-ctl")
            self._controls[path] = w
            w.observe(lambda ch, p=path: self._on_control(p, ch["new"]), names="value")
            award_rows.append(W.HBox([self._label(field, width="180px"), w]))
        if "proportional_basis" in p0 and s.kind == "points":
            w = W.Dropdown(options=self._basis_options(),
                           value=self._current("proportional_basis"), layout=W.Layout(width="290px"))
            self._controls["proportional_basis"] = w
            w.observe(lambda ch: self._on_control("proportional_basis", ch["new"]), names="value")
            award_rows.append(W.VBox([self._label("basis", width="290px"), w]))
        return award_rows

    def _rows_gates(self) -> list:
        import ipywidgets as W

        s = self.base_scheme
        p0 = self.params0
        gate_rows = []
        for g in s.gates:
            rows = []
            tpath, mpath = f"gates.{g.id}.target", f"gates.{g.id}.mode"
            head = self._label((g.label, g.label_en or g.label), extra=f"<b>{_esc(g.id)}</b> ", width="290px",
                               tip=(g.source.ref or ""))
            if tpath in p0:
                rows.append(self._slider(tpath, float(self._current(tpath)), 0.0, 1.0, 0.01))
            if mpath in p0:
                m = W.ToggleButtons(options=self._mode_options(), value=self._current(mpath),
                                    style={"button_width": "80px"}, layout=W.Layout(width="170px"))
                self._mode_widgets.append(m)
                m.add_class(_css_class(mpath))
                self._controls[mpath] = m
                m.observe(lambda ch, p=mpath: self._on_control(p, ch["new"]), names="value")
                rows.append(m)
            gate_rows.append(W.VBox([head, W.HBox(rows)], layout=W.Layout(margin="0 0 6px 0")))
        return gate_rows

    def _rows_targets(self) -> list:
        import ipywidgets as W

        s = self.base_scheme
        p0 = self.params0
        target_rows = []
        for c in s.criteria:
            path = f"criteria.{c.id}.target"
            if path not in p0:
                continue
            lab = (c.label or c.id, c.label_en or c.label or c.id)
            short = tuple(x if len(x) <= 60 else x[:58] + "…" for x in lab)
            target_rows.append(W.VBox([
                self._label(short, extra=f"<b>{_esc(c.id)}</b> ", width="290px", tip=c.label + (f" — {c.source.ref}" if c.source.ref else "")),
                self._slider(path, float(self._current(path)), 0.0, 1.0, 0.01)], layout=W.Layout(margin="0 0 4px 0")))
        return target_rows

    def _rows_groups(self) -> list:
        import ipywidgets as W

        s = self.base_scheme
        p0 = self.params0
        group_rows = []
        for g in s.groups:
            path = f"groups.{g.id}.max"
            if path not in p0 or not p0[path]:
                continue
            mx = float(p0[path])
            w = self._slider(path, float(self._current(path)), 0.0, float(max(10.0, math.ceil(2 * mx / 10) * 10)), 1.0, fmt=".0f")
            lab = (g.label or g.id, g.label_en or g.label or g.id)
            short = tuple(x if len(x) <= 44 else x[:42] + "…" for x in lab)
            group_rows.append(W.VBox([self._label(short, extra=f"<b>{_esc(g.id)}</b> ", width="290px", tip=g.label), w]))
        return group_rows

    def _sections_present(self) -> dict[str, bool]:
        s, p0 = self.base_scheme, self.params0
        return {
            "uplift": any(f"uplift.{c}" in p0 for c in URBAN_CLASSES),
            "awards": any(f"awards.{t.id}.quota" in p0 for t in s.awards.tiers)
            or any(p0.get(f"awards.nomination.{f}") is not None for f in ("per_parent", "extra_per_parent", "extra_min_children"))
            or ("proportional_basis" in p0 and s.kind == "points"),
            "gates": bool(s.gates),
            "targets": any(f"criteria.{c.id}.target" in p0 for c in s.criteria),
            "groups": any(p0.get(f"groups.{g.id}.max") for g in s.groups),
        }

    def _on_section(self, change) -> None:
        """A section opened for the first time: build its controls now (fewer widgets at load)."""
        i = change["new"]
        if i is None or self._section_built[i]:
            return
        self._section_built[i] = True
        self._accordion.children[i].children = getattr(self, f"_rows_{self._section_keys[i]}")()

    def build_all_sections(self) -> None:
        for i in range(len(self._section_keys)):
            self._on_section({"new": i})

    def _basis_options(self) -> list[tuple[str, str]]:
        return [(_t("basis_" + k, self.lang), k) for k in BASIS_KEYS]

    def _mode_options(self) -> list[tuple[str, str]]:
        return [(_t("hard_opt", self.lang), "hard"), (_t("soft_opt", self.lang), "soft")]

    # ------------------------------------------------------------------ callbacks
    def _on_control(self, path: str, value) -> None:
        if self._syncing:
            return
        if path.startswith("awards.") and path.endswith(".quota"):
            w, nocap = self._controls[path]
            if nocap.value:
                return
        self._apply(path, value, raise_errors=False)

    def _on_nocap(self, path: str, checked: bool) -> None:
        if self._syncing:
            return
        w, _ = self._controls[path]
        w.disabled = checked
        self._apply(path, None if checked else int(w.value), raise_errors=False)

    def _current(self, path: str):
        if path == "period":
            return self.period
        if path == "lang":
            return self.lang
        return self._changes.get(path, self.params0.get(path))

    def _sync_control(self, path: str) -> None:
        """Make a control show the explorer's value (after ``set`` or ``reset``)."""
        ctl = self._controls.get(path)
        if ctl is None:
            return
        value = self._current(path)
        self._syncing = True
        try:
            if isinstance(ctl, tuple):
                w, nocap = ctl
                nocap.value = value is None
                w.disabled = value is None
                if value is not None:
                    w.max = max(w.max, int(value))
                    w.value = int(value)
            else:
                if hasattr(ctl, "max") and isinstance(value, (int, float)) and value > ctl.max:
                    ctl.max = value
                ctl.value = value
        finally:
            self._syncing = False

    def _show_error(self, message: str) -> None:
        self.error = message
        if self.widget is not None:
            self._render_head()
