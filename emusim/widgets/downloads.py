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


def adjustments_rows(explorer) -> list[tuple[str, str, str]]:
    """(parameter, value in the plan, value in the scenario) for each adjustment."""
    return [(path, format_value(explorer.params0.get(path)), format_value(value))
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
        ws.append([_t("adjust_path", L), _t("adjust_plan", L), _t("adjust_value", L)])
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
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


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
