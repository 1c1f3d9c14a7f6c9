"""The award list in the layout of the plan's annex (sheet 1) and the criteria with their sources (sheet 2)."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..charts import style
from .. import io
from ..allocate import reasons as _allocate_reasons
from .text import _tier_label, reason_text

XLSX_NAME = "danh_sach_khen_thuong.xlsx"


def write_award_xlsx(path: Path, plan, scheme, st: pd.DataFrame, aw: pd.DataFrame, registry, *, period=None,
                     data_label: str = "", values: pd.DataFrame | None = None, lang: str = "vi",
                     changes: Mapping | None = None) -> Path:
    """The award list in the layout of the plan's annex (sheet 1) and the criteria with their
    sources (sheet 2), formatted with openpyxl (bold header, widths, frozen panes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

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

    # columns: (group header, column header, getter, number format, width, kind)
    cols: list[tuple] = []
    fixed = [("STT", lambda i, k: k, "0", 5), ("Đơn vị", lambda i, k: aw.at[i, "name"] if "name" in aw else i, None, 24),
             ("Mã ĐVHC", lambda i, k: str(i), "@", 9),
             ("Huyện, thành phố", lambda i, k: parent_names.get(str(aw.at[i, "parent_id"]) if "parent_id" in aw else "", "")
              or parent_names.get(str(registry.at[i, "parent_id"]) if registry is not None and i in registry.index else "", ""), None, 18),
             ("Loại địa bàn", lambda i, k: style.urban_label(aw.at[i, "urban_class"], "vi") if "urban_class" in aw else "", None, 16)]
    for h, get, fmt, w in fixed:
        cols.append(("", h, get, fmt, w, "fixed"))
    if scheme.kind == "points":
        for part, part_label in (("A", "A. Điểm cơ bản"), ("B", "B. Điểm cộng"), ("C", "C. Điểm trừ")):
            for g in [g for g in scheme.groups if g.part == part]:
                crits = [c for c in scheme.criteria if c.group == g.id and f"points.{c.id}" in st]
                if not crits:
                    continue
                gname = f"{g.id}. {style.nfc(g.label)}" + (f" ({style.num(g.max, 'vi', 0)} điểm)" if g.max else "")
                if part != "A":
                    gname = part_label
                for c in crits:
                    mx = c.max if c.max is not None else c.points
                    cols.append((gname, c.id + (f"\n(tối đa {style.num(mx, 'vi', 1)})" if mx is not None and part == "A" else ""),
                                 lambda i, k, c=c: float(st.at[i, f"points.{c.id}"]), "0.00", 9, "item"))
                sub = f"group.{g.id}" if f"group.{g.id}" in st else ("bonus" if part == "B" else "deduction" if part == "C" else None)
                if sub:
                    cols.append((gname, f"Cộng {g.id}" if part == "A" else ("Cộng điểm cộng" if part == "B" else "Cộng điểm trừ"),
                                 lambda i, k, sub=sub: float(st.at[i, sub]), "0.00", 10, "sub"))
            if part == "A":
                cols.append(("A. Điểm cơ bản", "Cộng phần A", lambda i, k: float(st.at[i, "base"]), "0.00", 10, "sub"))
        cols.append(("Kết quả", "Tổng điểm", lambda i, k: float(st.at[i, "total"]), "0.00", 10, "total"))
    else:
        for c in scheme.criteria:
            tgt = f"{style.op(c.op)} {style.pct(c.target, 'vi')}" if c.target is not None else ""
            getter = (lambda i, k, c=c: float(values.at[i, c.indicator])) if values is not None and c.indicator in values.columns \
                else (lambda i, k, c=c: "Đạt" if bool(st.at[i, f"met.{c.id}"]) else "Chưa đạt")
            cols.append(("Tiêu chuẩn (giá trị đạt được; xanh: đạt, đỏ: chưa đạt)", f"{c.id}\n({tgt})", getter,
                         "0.0%" if values is not None else None, 11, f"met.{c.id}"))
        cols.append(("Kết quả", "Số tiêu chuẩn đạt", lambda i, k: int(st.at[i, "n_met"]), "0", 10, "total"))
        cols.append(("Kết quả", "Chênh lệch bình quân so với chỉ tiêu", lambda i, k: float(st.at[i, "margin"]), "+0.0%;-0.0%;0.0%", 13, "sub"))
    cols.append(("Kết quả", "Xếp hạng", lambda i, k: int(aw.at[i, "rank"]), "0", 8, "fixed"))
    for g in scheme.gates:
        cols.append(("Chỉ tiêu bắt buộc" + (" (phải phấn đấu hoàn thành)" if scheme.kind == "points" else ""),
                     f"{g.id}\n({style.op(g.op)} {style.pct(g.target, 'vi')}{'*' if g.uplift else ''})",
                     lambda i, k, g=g: "Đạt" if bool(st.at[i, f"gate.{g.id}"]) else "Không đạt", None, 10, f"gate.{g.id}"))
    cols.append(("Khen thưởng", "Đủ điều kiện", lambda i, k: "Có" if bool(aw.at[i, "eligible"]) else "Không", None, 9, "fixed"))
    if scheme.awards.nomination is not None:
        cols.append(("Khen thưởng", "Được huyện đề cử", lambda i, k: "Có" if bool(aw.at[i, "nominated"]) else "", None, 9, "fixed"))
    cols.append(("Khen thưởng", "Hình thức khen thưởng", lambda i, k: _tier_label(scheme, aw.at[i, "award"], "vi"), None, 26, "award"))
    why = {lg: _allocate_reasons(aw, scheme, lg) for lg in ("vi", "en")}  # from reason_code/params: no text parsing
    cols.append(("Khen thưởng", "Lý do", lambda i, k: reason_text(why["vi"][i], scheme, "vi"), None, 46, "reason"))
    cols.append(("Khen thưởng", "Reason (EN)", lambda i, k: reason_text(why["en"][i], scheme, "en"), None, 40, "reason"))

    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    ncol = len(cols)
    title = (f"DANH SÁCH KẾT QUẢ {'CHẤM ĐIỂM' if scheme.kind == 'points' else 'ĐÁNH GIÁ'} VÀ KHEN THƯỞNG — "
             f"{style.nfc(scheme.label).upper()}")
    ws.cell(1, 1, title).font = Font(bold=True, size=13)
    ref = scheme.source.ref or ""
    ws.cell(2, 1, style.nfc(f"{style.document_name(plan, scheme, 'vi')}" + (f", {ref}" if ref else "")
                            + (f"; kỳ đánh giá {period}" if period else "") + (f"; {data_label}" if data_label else "")
                            + (f"; điều chỉnh: {', '.join(f'{k} = {v}' for k, v in changes.items())}" if changes else "")))
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
    notes = ["Ghi chú: các cột điểm ghi số thứ tự mục theo phụ lục của kế hoạch; 'Cộng …' là điểm cộng dồn của nhóm."
             if scheme.kind == "points" else "Ghi chú: mỗi cột tiêu chuẩn ghi giá trị đạt được; chỉ tiêu ghi ở tiêu đề cột.",
             "* chỉ tiêu tăng thêm theo địa bàn (thị trấn, phường/xã của thành phố) theo kế hoạch.",
             "Xếp hạng: tổng điểm từ cao xuống thấp; bằng điểm thì xét điểm cơ bản, ít điểm trừ hơn, mã đơn vị."
             if scheme.kind == "points" else "Xếp hạng: số tiêu chuẩn đạt, rồi chênh lệch bình quân so với chỉ tiêu, rồi mã đơn vị."]
    for k, text in enumerate(notes):
        ws.cell(note_row + k, 1, text).font = Font(italic=True, color="5F6B78")

    # --- sheet 2: criteria and sources
    ws2 = wb.create_sheet("Tiêu chí và nguồn")
    heads = ["Loại", "Mã", "Nhóm", "Nội dung (theo kế hoạch)", "Content (English)", "Cách tính", "Điểm tối đa / điểm",
             "Chỉ tiêu", "Phép so sánh", "Tăng thêm theo địa bàn", "Chỉ số dữ liệu", "Căn cứ (mục của kế hoạch)",
             "Trích dẫn kế hoạch", "Giả định (khi kế hoạch không quy định)"]
    widths = [14, 10, 8, 60, 45, 12, 10, 9, 8, 10, 30, 22, 60, 50]
    for j, (h, w) in enumerate(zip(heads, widths), start=1):
        c = ws2.cell(1, j, h)
        c.font = bold
        c.fill = head_fill
        c.border = border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws2.column_dimensions[get_column_letter(j)].width = w
    rows = []
    kind_vi = "Tiêu chuẩn" if scheme.kind == "standards" else "Tiêu chí"
    rule_vi = {"proportional": "tỷ lệ", "binary": "có/không", "per_unit": "theo số lượng", "bonus": "điểm cộng",
               "deduction": "điểm trừ", "standard": "đạt/không đạt"}
    for c in scheme.criteria:
        mx = c.max if c.max is not None else c.points
        rows.append([kind_vi, c.id, c.group or "", style.nfc(c.label), c.label_en, rule_vi.get(c.rule, c.rule), mx,
                     c.target if c.has_target else None, style.op(c.op) if c.has_target else "", "Có" if c.uplift else "",
                     ", ".join(c.indicators), c.source.ref or "", style.nfc(c.source.text or ""), c.source.assumption or ""])
    for g in scheme.gates:
        rows.append(["Chỉ tiêu bắt buộc", g.id, "", style.nfc(g.label), g.label_en,
                     "bắt buộc" if g.mode == "hard" else "chỉ cảnh báo", None, g.target, style.op(g.op), "Có" if g.uplift else "",
                     g.indicator, g.source.ref or "", style.nfc(g.source.text or ""), g.source.assumption or ""])
    for cls, e in scheme.uplift.items():
        rows.append(["Tăng thêm chỉ tiêu", cls, "", style.urban_label(cls, "vi"), style.urban_label(cls, "en"), "cộng thêm",
                     None, e.value, "+", "", "", e.source.ref or "", style.nfc(e.source.text or ""), e.source.assumption or ""])
    for t in scheme.awards.tiers:
        rows.append(["Khen thưởng", t.id, "", style.nfc(t.label), t.label_en,
                     "xét theo kết quả" if t.allocate else "ngoài phạm vi mô phỏng",
                     t.quota, None, "≤" if t.quota is not None else "", "", "", t.source.ref or "", style.nfc(t.source.text or ""),
                     (t.source.assumption or "") + ("" if t.quota is not None else " Kế hoạch không quy định số lượng (theo thẩm quyền).")])
    for r, row in enumerate(rows, start=2):
        for j, v in enumerate(row, start=1):
            c = ws2.cell(r, j, v)
            c.border = border
            c.alignment = Alignment(vertical="top", wrap_text=j in (4, 5, 13, 14))
            if j == 8 and isinstance(v, float):
                c.number_format = "0%"
    ws2.freeze_panes = "C2"
    ws2.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{len(rows) + 1}"

    return io.save_workbook(wb, path)

