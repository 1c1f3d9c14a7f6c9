"""The award list in the layout of the plan's annex (sheet 1) and the criteria with their sources (sheet 2)."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..charts import style
from .. import io
from ..allocate import reasons as _allocate_reasons
from ..i18n import catalogue, check_lang, fmt_month, t
from ..i18n.paths import describe_setting
from .text import _tier_label

XLSX_NAME = "danh_sach_khen_thuong.xlsx"


def write_award_xlsx(path: Path, plan, scheme, st: pd.DataFrame, aw: pd.DataFrame, registry, *, period=None,
                     data_label: str = "", values: pd.DataFrame | None = None, lang: str | None = None,
                     changes: Mapping | None = None) -> Path:
    """The award list in the layout of the plan's annex (sheet 1) and the criteria with their
    sources (sheet 2), formatted with openpyxl (bold header, widths, frozen panes), every
    header, word, number and reason in ``lang`` (Vietnamese by default)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    lang = check_lang(lang)
    order = aw.sort_values("rank").index
    parent_names = registry["name"].to_dict() if registry is not None and "name" in registry else {}
    head_fill = PatternFill("solid", fgColor="DDE6EE")
    group_fill = PatternFill("solid", fgColor="C9D6E3")
    sub_fill = PatternFill("solid", fgColor="EEF2F6")
    green = PatternFill("solid", fgColor="D8EFDF")
    red = PatternFill("solid", fgColor="F6D5D1")
    tier_fill = {t.id: PatternFill("solid", fgColor=c)
                 for t, c in zip(scheme.awards.allocated_tiers, ("F5C6C0", "FBE3B0", "DCD0EC", "C8E2EE", "E0D4CF"))}
    thin = Side(style="thin", color="B8C2CC")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)

    X = lambda key, **v: t(f"brief_xlsx.{key}", lang, **v)  # noqa: E731
    yes, no = X("yes"), X("no")
    # columns: (group header, column header, getter, number format, width, kind)
    cols: list[tuple] = []
    fixed = [(X("stt"), lambda i, k: k, "0", 5), (X("unit"), lambda i, k: aw.at[i, "name"] if "name" in aw else i, None, 24),
             (X("code"), lambda i, k: str(i), "@", 9),
             (X("parent"), lambda i, k: parent_names.get(str(aw.at[i, "parent_id"]) if "parent_id" in aw else "", "")
              or parent_names.get(str(registry.at[i, "parent_id"]) if registry is not None and i in registry.index else "", ""), None, 18),
             (X("urban"), lambda i, k: style.urban_label(aw.at[i, "urban_class"], lang) if "urban_class" in aw else "", None, 16)]
    for h, get, fmt, w in fixed:
        cols.append(("", h, get, fmt, w, "fixed"))
    if scheme.kind == "points":
        for part in ("A", "B", "C"):
            part_label = X(f"part_{part}")
            for g in [g for g in scheme.groups if g.part == part]:
                crits = [c for c in scheme.criteria if c.group == g.id and f"points.{c.id}" in st]
                if not crits:
                    continue
                glabel = style.label_of(g, lang)
                gname = X("group_points", id=g.id, label=glabel, points=style.num(g.max, lang, 0)) if g.max \
                    else X("group_plain", id=g.id, label=glabel)
                if part != "A":
                    gname = part_label
                for c in crits:
                    mx = c.max if c.max is not None else c.points
                    cols.append((gname, c.id + ("\n" + X("item_max", max=style.num(mx, lang, 1)) if mx is not None and part == "A" else ""),
                                 lambda i, k, c=c: float(st.at[i, f"points.{c.id}"]), "0.00", 9, "item"))
                sub = f"group.{g.id}" if f"group.{g.id}" in st else ("bonus" if part == "B" else "deduction" if part == "C" else None)
                if sub:
                    cols.append((gname, X("sum_group", id=g.id) if part == "A" else X("sum_bonus" if part == "B" else "sum_deduction"),
                                 lambda i, k, sub=sub: float(st.at[i, sub]), "0.00", 10, "sub"))
            if part == "A":
                cols.append((part_label, X("sum_base"), lambda i, k: float(st.at[i, "base"]), "0.00", 10, "sub"))
        cols.append((X("results"), X("total"), lambda i, k: float(st.at[i, "total"]), "0.00", 10, "total"))
    else:
        for c in scheme.criteria:
            tgt = f"{style.op(c.op)} {style.pct(c.target, lang)}" if c.target is not None else ""
            getter = (lambda i, k, c=c: float(values.at[i, c.indicator])) if values is not None and c.indicator in values.columns \
                else (lambda i, k, c=c: X("met") if bool(st.at[i, f"met.{c.id}"]) else X("not_met"))
            cols.append((X("standards_group"), f"{c.id}\n({tgt})", getter,
                         "0.0%" if values is not None else None, 11, f"met.{c.id}"))
        cols.append((X("results"), X("n_met"), lambda i, k: int(st.at[i, "n_met"]), "0", 10, "total"))
        cols.append((X("results"), X("margin"), lambda i, k: float(st.at[i, "margin"]), "+0.0%;-0.0%;0.0%", 13, "sub"))
    cols.append((X("results"), X("rank"), lambda i, k: int(aw.at[i, "rank"]), "0", 8, "fixed"))
    for g in scheme.gates:
        cols.append((X("gates_points" if scheme.kind == "points" else "gates"),
                     f"{g.id}\n({style.op(g.op)} {style.pct(g.target, lang)}{'*' if g.uplift else ''})",
                     lambda i, k, g=g: X("met") if bool(st.at[i, f"gate.{g.id}"]) else X("gate_failed"), None, 10, f"gate.{g.id}"))
    cols.append((X("awards"), X("eligible"), lambda i, k: yes if bool(aw.at[i, "eligible"]) else no, None, 9, "fixed"))
    if scheme.awards.nomination is not None:
        cols.append((X("awards"), X("nominated"), lambda i, k: yes if bool(aw.at[i, "nominated"]) else "", None, 9, "fixed"))
    cols.append((X("awards"), X("award"), lambda i, k: _tier_label(scheme, aw.at[i, "award"], lang), None, 26, "award"))
    why = _allocate_reasons(aw, scheme, lang)  # from reason_code/params, in the workbook's language
    cols.append((X("awards"), X("reason"), lambda i, k: why[i] if isinstance(why[i], str) else "", None, 46, "reason"))

    wb = Workbook()
    ws = wb.active
    ws.title = X("sheet_results")
    ncol = len(cols)
    title = X("title_points" if scheme.kind == "points" else "title_standards", scheme=style.label_of(scheme, lang).upper())
    ws.cell(1, 1, title).font = Font(bold=True, size=13)
    ref = scheme.source.ref or ""
    bits = [style.document_name(plan, scheme, lang) + (f", {ref}" if ref else "")]
    if period:
        bits.append(X("sub_period", period=_period_text(period, lang)))
    if data_label:
        bits.append(data_label)
    if changes:
        bits.append(X("sub_changes", changes=", ".join(describe_setting(k, v, scheme, lang) for k, v in changes.items())))
    ws.cell(2, 1, style.nfc("; ".join(bits)))
    ws.cell(2, 1).font = Font(italic=True, color="5F6B78")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=min(ncol, 14))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=min(ncol, 14))
    HR, CR = 3, 4      # group header row, column header row
    # group header cells (merged over runs of the same group); fixed columns span both rows
    j = 0
    while j < ncol:
        if not cols[j][0]:
            j += 1
            continue
        k = j
        while k + 1 < ncol and cols[k + 1][0] == cols[j][0]:
            k += 1
        cell = ws.cell(HR, j + 1, cols[j][0])
        for jj in range(j, k + 1):
            ws.cell(HR, jj + 1).fill = group_fill
            ws.cell(HR, jj + 1).border = border
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if k > j:
            ws.merge_cells(start_row=HR, start_column=j + 1, end_row=HR, end_column=k + 1)
        j = k + 1
    for j, (grp, head, get, fmt, width, kind) in enumerate(cols):
        ws.column_dimensions[get_column_letter(j + 1)].width = width
        for r in ((HR, CR) if not grp else (CR,)):
            c = ws.cell(r, j + 1)
            c.fill = head_fill
            c.border = border
        c = ws.cell(HR if not grp else CR, j + 1, head)
        c.font = bold
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if not grp:
            ws.merge_cells(start_row=HR, start_column=j + 1, end_row=CR, end_column=j + 1)
    ws.row_dimensions[HR].height = 32
    ws.row_dimensions[CR].height = 44
    for k, i in enumerate(order, start=1):
        r = CR + k
        award = aw.at[i, "award"]
        for j, (grp, head, get, fmt, width, kind) in enumerate(cols):
            v = get(i, k)
            if isinstance(v, float) and not np.isfinite(v):
                v = None
            c = ws.cell(r, j + 1, v)
            c.border = border
            if fmt:
                c.number_format = fmt
            if kind in ("sub", "total"):
                c.fill = sub_fill
                if kind == "total":
                    c.font = bold
            elif kind.startswith("met.") or kind.startswith("gate."):
                ok = bool(st.at[i, kind])
                c.fill = green if ok else red
                c.alignment = Alignment(horizontal="center")
            elif kind == "award" and isinstance(award, str):
                c.fill = tier_fill.get(award, sub_fill)
                c.font = bold
            elif kind == "reason":
                c.alignment = Alignment(wrap_text=False)
    ws.freeze_panes = ws.cell(CR + 1, 3)
    ws.auto_filter.ref = f"A{CR}:{get_column_letter(ncol)}{CR + len(order)}"
    note_row = CR + len(order) + 2
    notes = [X("note_points" if scheme.kind == "points" else "note_standards"), X("note_uplift"),
             X("note_rank_points" if scheme.kind == "points" else "note_rank_standards")]
    for k, text in enumerate(notes):
        ws.cell(note_row + k, 1, text).font = Font(italic=True, color="5F6B78")

    # --- sheet 2: criteria and sources
    ws2 = wb.create_sheet(X("sheet_criteria"))
    en = lang == "en"
    heads = [X("h_kind"), X("h_code"), X("h_group"), X("h_content")] + ([X("h_content_plan")] if en else []) + \
        [X("h_rule"), X("h_points"), X("h_target"), X("h_op"), X("h_uplift"), X("h_indicator"), X("h_ref"), X("h_quote"),
         X("h_assumption")]
    widths = [14, 10, 8, 60] + ([45] if en else []) + [12, 10, 9, 8, 10, 30, 22, 60, 50]
    wrap = {4, 5, 13, 14} if en else {4, 12, 13}
    target_col = 8 if en else 7
    for j, (h, w) in enumerate(zip(heads, widths), start=1):
        c = ws2.cell(1, j, h)
        c.font = bold
        c.fill = head_fill
        c.border = border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws2.column_dimensions[get_column_letter(j)].width = w
    catalog = _catalog()

    def content(obj, fallback=""):
        vi = style.nfc(getattr(obj, "label", "") or fallback)
        return [style.label_of(obj, "en", fallback), vi] if en else [vi]

    def assumption(src, extra=""):
        return (style.nfc(src.assumption_text(lang) or "") + extra).strip()

    def indicator(ids):
        if en or catalog is None:
            return ", ".join(ids)
        return "; ".join(style.nfc(catalog.label(i, "vi")) if i in catalog else i for i in ids)

    rows = []
    kind = X("kind_standard" if scheme.kind == "standards" else "kind_criterion")
    for c in scheme.criteria:
        mx = c.max if c.max is not None else c.points
        rule = X(f"rule_{c.rule}") if f"brief_xlsx.rule_{c.rule}" in catalogue() else c.rule
        rows.append([kind, c.id, c.group or ""] + content(c) + [rule, mx,
                     c.target if c.has_target else None, style.op(c.op) if c.has_target else "", yes if c.uplift else "",
                     indicator(c.indicators), c.source.ref or "", style.nfc(c.source.text or ""), assumption(c.source)])
    for g in scheme.gates:
        rows.append([X("kind_gate"), g.id, ""] + content(g) + [X(f"mode_{g.mode}"), None, g.target, style.op(g.op),
                     yes if g.uplift else "", indicator([g.indicator]), g.source.ref or "", style.nfc(g.source.text or ""),
                     assumption(g.source)])
    for cls, e in scheme.uplift.items():
        label = [style.urban_label(cls, "en"), style.urban_label(cls, "vi")] if en else [style.urban_label(cls, "vi")]
        rows.append([X("kind_uplift"), f"uplift.{cls}", ""] + label + [X("uplift_added"),
                     None, e.value, "+", "", "", e.source.ref or "", style.nfc(e.source.text or ""), assumption(e.source)])
    for tier in scheme.awards.tiers:
        rows.append([X("kind_tier"), f"awards.{tier.id}", ""] + content(tier) +
                    [X("tier_allocated" if tier.allocate else "tier_outside"),
                     tier.quota, None, "≤" if tier.quota is not None else "", "", "", tier.source.ref or "",
                     style.nfc(tier.source.text or ""),
                     assumption(tier.source, "" if tier.quota is not None else " " + X("tier_no_quota"))])
    for r, row in enumerate(rows, start=2):
        for j, v in enumerate(row, start=1):
            c = ws2.cell(r, j, v)
            c.border = border
            c.alignment = Alignment(vertical="top", wrap_text=j in wrap)
            if j == target_col and isinstance(v, float):
                c.number_format = "0%"
    ws2.freeze_panes = "C2"
    ws2.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{len(rows) + 1}"

    return io.save_workbook(wb, path)


def _period_text(period, lang: str) -> str:
    """"2023-11" as the reader writes a month: 11/2023 (vi), 2023-11 (en)."""
    return fmt_month(period, lang)

def _catalog():
    from ..catalog import load_catalog

    try:
        return load_catalog()
    except Exception:  # noqa: BLE001 - without the catalog the ids are shown
        return None

