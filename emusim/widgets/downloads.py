"""Files for the user's own computer, through the browser's download (a ``data:`` link with a
``download`` name): nothing is written into the server's notebooks folder. Work happens in a
private temporary folder, removed at once.

* the award list in the layout of the plan's annex (:func:`emusim.brief.write_award_xlsx`),
  plus a sheet listing the scenario's adjustments and the command line that reproduces it;
* the ranking chart as PNG (:func:`emusim.charts.ranking`, the brief's house style);
* the brief (:func:`emusim.brief.make_brief`) as a zip.

Every name says plan, level, month and scenario (:meth:`Scenario.slug`).
"""
from __future__ import annotations

import base64
import io
import tempfile
import zipfile
from pathlib import Path

from .text import _esc, _t, format_value

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def link(data: bytes, filename: str, mime: str, label: str, cls: str = "") -> str:
    """An ``<a download>`` link carrying ``data`` (base64).

    >>> link(b"hi", "a.txt", "text/plain", "A")
    "<a class='dl ' download='a.txt' href='data:text/plain;base64,aGk=' title='a.txt'>A</a>"
    """
    b64 = base64.b64encode(data).decode("ascii")
    return (f"<a class='dl {cls}' download='{_esc(filename)}' href='data:{mime};base64,{b64}' "
            f"title='{_esc(filename)}'>{_esc(label)}</a>")


def adjustments_rows(explorer) -> list[tuple[str, str, str, str]]:
    """(parameter, value in the plan, value in the scenario, the plan's wording of the change)
    for each adjustment — the path and values as typed after ``--set``, the wording in the page's language."""
    from ..i18n.paths import describe_setting

    return [(path, format_value(explorer.params0.get(path)), format_value(value),
             describe_setting(path, value, explorer.base_scheme, explorer.lang, with_path=False))
            for path, value in explorer.changes.items()]


def award_xlsx(explorer, data_label: str = "") -> bytes:
    """The annex-layout award list of the explorer's scenario, with an adjustments sheet."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from ..brief import write_award_xlsx

    L = explorer.lang
    with tempfile.TemporaryDirectory(prefix="emusim-dl-") as tmp:
        path = Path(tmp) / "awards.xlsx"
        write_award_xlsx(path, explorer.plan, explorer.scheme, explorer.score_table, explorer.award_table,
                         explorer.registry, period=explorer.period, data_label=data_label,
                         values=explorer._values(), lang=L, changes=explorer.changes)
        wb = load_workbook(path)
        ws = wb.create_sheet(_t("adjust_sheet", L)[:31])
        ws.append([_t("adjust_path", L), _t("adjust_plan", L), _t("adjust_value", L), _t("adjust_meaning", L)])
        for c in ws[1]:
            c.font = Font(bold=True)
        rows = adjustments_rows(explorer)
        for r in rows:
            ws.append(list(r))
        if not rows:
            ws.append([_t("adjust_none", L)])
        ws.append([])
        ws.append([_t("cli", L)])
        ws.append([explorer.cli_command()])
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 16
        ws.column_dimensions["C"].width = 16
        ws.column_dimensions["D"].width = 60
        from ..io import workbook_bytes

        return workbook_bytes(wb)   # formula-like names stay text (the same rule as every emusim writer)


def chart_png(explorer, dpi: int = 150) -> bytes:
    fig = explorer.figure()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def brief_zip(explorer, data_label: str = "", seed: int | None = None) -> bytes:
    """The brief folder of the scenario, zipped (charts as PNG only, a short Monte Carlo)."""
    from ..brief import make_brief

    with tempfile.TemporaryDirectory(prefix="emusim-brief-") as tmp:
        out = Path(tmp) / "brief"
        make_brief(explorer.plan, explorer.scheme, explorer._values(), explorer.registry, out,
                   panel=explorer.panel if explorer.periods else None, period=explorer.period, seed=seed,
                   data_label=data_label or None, lang=explorer.lang, changes=explorer.changes, mc_n=100,
                   formats=("png",))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(out.rglob("*")):
                if f.is_file():
                    z.write(f, f.relative_to(out.parent))
        return buf.getvalue()


class DownloadsView:
    """The downloads tab: one button prepares the XLSX and the PNG, another the brief (slower)."""

    def __init__(self, dashboard):
        import ipywidgets as W

        self.dashboard = dashboard
        self._w_prepare = W.Button(button_style="primary", layout=W.Layout(width="220px"))
        self._w_prepare.add_class("emusim-prepare")
        self._w_zip = W.Button(layout=W.Layout(width="220px"))
        self._w_zip.add_class("emusim-prepare-zip")
        self._w_links = W.HTML()
        self._w_links.add_class("emusim-downloads")
        self._w_zip_link = W.HTML()
        self._w_zip_link.add_class("emusim-zip")
        self._w_prepare.on_click(lambda _b: self.prepare())
        self._w_zip.on_click(lambda _b: self.prepare_zip())
        self.widget = W.VBox([W.HBox([self._w_prepare, self._w_links], layout=W.Layout(flex_flow="row wrap")),
                              W.HBox([self._w_zip, self._w_zip_link], layout=W.Layout(flex_flow="row wrap"))])

    def _context(self):
        from .views import data_label

        d = self.dashboard
        ex = d.explorer
        s = d._state()
        label, simulated = data_label(ex.panel, ex._seed, ex.lang)
        return ex, s, label, (s.seed if simulated else None)

    def reset(self) -> None:
        """The scenario changed: old files would not match it."""
        L = self.dashboard.scenario.lang
        self._w_prepare.description = _t("dl_prepare", L) + " (.xlsx, .png)"
        self._w_zip.description = _t("dl_prepare", L) + " (.zip)"
        self._w_links.value = ""
        self._w_zip_link.value = ""

    def prepare(self) -> None:
        ex, s, label, _seed = self._context()
        L = ex.lang
        self._w_links.value = f"<div class='emusim-x'><span class='sub'>{_t('dl_working', L)}</span></div>"
        out = [f"<span class='sub'>{_t('dl_ready', L)}</span> "]
        for make, ext, mime, key in ((lambda: award_xlsx(ex, label), "xlsx", XLSX, "dl_xlsx"),
                                     (lambda: chart_png(ex), "png", "image/png", "dl_png")):
            name = f"{s.slug()}.{ext}"
            try:
                out.append(link(make(), name, mime, _t(key, L), f"emusim-dl-{ext}"))
            except Exception as exc:  # say what failed; the other file may still be fine
                out.append(f"<div class='err'>{_esc(_t('dl_failed', L, file=name, error=str(exc)))}</div>")
        self._w_links.value = "<div class='emusim-x'>" + "".join(out) + "</div>"

    def prepare_zip(self) -> None:
        ex, s, label, seed = self._context()
        L = ex.lang
        name = f"{s.slug()}_brief.zip"
        self._w_zip_link.value = f"<div class='emusim-x'><span class='sub'>{_t('dl_working', L)}</span></div>"
        try:
            html = link(brief_zip(ex, label, seed), name, "application/zip", _t("dl_zip", L), "emusim-dl-zip")
        except Exception as exc:
            html = f"<div class='err'>{_esc(_t('dl_failed', L, file=name, error=str(exc)))}</div>"
        self._w_zip_link.value = "<div class='emusim-x'>" + html + "</div>"
