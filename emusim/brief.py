"""A briefing folder for provincial leaders: charts, the annex-style award list, a summary.

``make_brief(plan, scheme, values, registry, out)`` writes into ``out``:

==============================  ===========================================================
``summary.md``                  headline sentences in Vietnamese, then English, generated
                                from the numbers (eligibility, gates that fail most, awards
                                and their spread by urban class, a what-if, forecast, Monte
                                Carlo stability), the assumptions made, the file list
``summary.json``                the same numbers as data (for notebooks and tests)
``danh_sach_khen_thuong.xlsx``  the award list in the layout of the plan's annex: STT, đơn
                                vị, points per item (headed by the plan's item numbers) with
                                group subtotals, total, rank, award, reason; sheet 2: the
                                criteria, gates, uplift and award tiers with their sources
``NN_<chart>.png`` / ``.pdf``   the charts (:mod:`emusim.charts`), in ``lang``
==============================  ===========================================================

The folder is built next to ``out`` under a hidden name (each file written atomically)
and published at the end by :func:`emusim.io.publish_dir`: an existing non-empty ``out`` is
refused unless ``force=True``, and even then replaced only if emusim wrote everything in it
(its ``emusim_manifest.json`` lists every file, unchanged). A folder that contains one of
the inputs is never replaced.

**What-if.** The brief computes one reform with ``scheme.adjust`` and reports who gains and
who loses an award: by default, where the scheme has urban uplift, the city's uplift raised
by 5 percentage points (Hà Giang: +15 % → +20 %); otherwise the target of the standard (or
mandatory target) that the fewest units meet lowered by 5 points. ``whatif=`` overrides it.

**Uncertainty.** Monte Carlo (:func:`emusim.analysis.montecarlo`) with measurement noise of
2 percentage points (sd) on every ratio indicator and 2 % misreported yes/no answers,
``mc_n`` replications (default 200), seeded.
"""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .allocate import allocate, reasons as _allocate_reasons
from .charts import style
from .engine import score
from .errors import InputError, Problem
from . import io
from .io import atomic_write

XLSX_NAME = "danh_sach_khen_thuong.xlsx"
NOISE_SD = 0.02
FLIP_P = 0.02


@dataclass
class Brief:
    """What :func:`make_brief` wrote and found."""

    out: Path
    files: list[str]
    headlines: dict[str, list[str]]
    facts: dict[str, Any]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<Brief {self.out} ({len(self.files)} files)>"


# ----------------------------------------------------------------------------- folder handling
# Publishing the folder (manifest, lock, exclusive rename or swap, recovery) lives in emusim.io.folders.
_BRIEF_FILE = re.compile(r"(\d\d_[a-z_]+\.(png|pdf|svg)|summary\.(md|json)|" + re.escape(XLSX_NAME) + ")")


def _is_legacy_brief(folder: Path) -> bool:
    """A briefing folder an emusim older than the manifest wrote: only the files a brief
    writes, and a ``summary.json`` that is a brief's (so ``--force`` may replace it)."""
    try:
        names = [p.name for p in folder.iterdir()]
        facts = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(facts, dict) and {"scheme", "headlines"} <= set(facts)
            and all(_BRIEF_FILE.fullmatch(n) for n in names))


def check_out_dir(out: str | os.PathLike, force: bool = False, protect=()) -> Path:
    """Validate the output folder before any work is done (:func:`emusim.io.check_out_dir`)."""
    return io.check_out_dir(out, force, inputs=protect, legacy=_is_legacy_brief)


# ----------------------------------------------------------------------------- helpers
def _tier_label(scheme, tier_id, lang="vi") -> str:
    return style.tier_label(scheme, tier_id, lang) if isinstance(tier_id, str) else ""


_PLURAL_EN = {"rural": "rural communes", "district_town": "district townships", "town": "wards/communes of towns",
              "city": "wards/communes of the city"}


def _urban_vi(c: str, lang: str) -> str:
    """The urban class in running text: Vietnamese as is, English in the plural."""
    if lang == "en":
        return _PLURAL_EN.get(c, c)
    return style.urban_label(c, lang).lower()


def reason_text(reason: str, scheme, lang: str = "vi", names: Mapping | None = None) -> str:
    """The allocate reason in Vietnamese (``lang="vi"``) or as it is (``"en"``)."""
    import re

    if lang == "en" or not isinstance(reason, str):
        return reason if isinstance(reason, str) else ""
    parts = []
    for part in reason.split("; "):
        m = re.match(r"gate failed: (.*)", part)
        if m:
            parts.append(f"Không đạt chỉ tiêu bắt buộc: {m.group(1)}")
            continue
        m = re.match(r"standards not met: (.*)", part)
        if m:
            parts.append(f"Chưa đạt tiêu chuẩn: {m.group(1)}")
            continue
        m = re.match(r"not nominated by (.*): ranked (\d+) among its eligible units; it nominates (\d+)", part)
        if m:
            parts.append(f"Không được {m.group(1)} đề cử: xếp thứ {m.group(2)} trong các đơn vị đủ điều kiện của huyện "
                         f"(huyện đề cử {m.group(3)})")
            continue
        m = re.match(r"below cut-off by ([\d.]+) (points|standards met)", part)
        if m:
            unit = "điểm" if m.group(2) == "points" else "tiêu chuẩn"
            parts.append(f"Thấp hơn ngưỡng khen thưởng {m.group(1).replace('.', ',')} {unit}")
            continue
        m = re.match(r"(\S+): (\d+) of (\d+) nominees", part)
        if m:
            parts.append(f"{_tier_label(scheme, m.group(1))}: thứ {m.group(2)}/{m.group(3)} đơn vị được đề cử")
            continue
        if part.startswith("below cut-off on the tie-break chain"):
            parts.append("Bằng điểm ở ngưỡng, xếp sau theo tiêu chí phụ (" + part.split("(", 1)[-1])
            continue
        if part == "no award left (every quota is 0)":
            parts.append("Hết chỉ tiêu khen thưởng")
            continue
        parts.append(part)
    return "; ".join(parts)


def _uses_uplift(scheme) -> bool:
    return any(c.uplift for c in scheme.criteria) or any(g.uplift for g in scheme.gates)


def _pm5(v: float) -> tuple[float, float]:
    """``v`` ± 5 points, clipped to [0, 1]."""
    return round(max(0.0, v - 0.05), 4), round(min(1.0, v + 0.05), 4)


def default_whatif(scheme, st: pd.DataFrame) -> dict:
    """The reform the brief tries: +5 pp city uplift where the scheme has uplift, else the
    least-met standard / mandatory target lowered by 5 points."""
    if _uses_uplift(scheme) and scheme.uplift_value("city") < 1.0:
        return {"uplift.city": round(min(1.0, scheme.uplift_value("city") + 0.05), 4)}
    rates = []
    for c in scheme.criteria:
        if f"met.{c.id}" in st and c.target is not None:
            rates.append((float(st[f"met.{c.id}"].mean()), f"criteria.{c.id}.target", c.target))
    for g in scheme.gates:
        if f"gate.{g.id}" in st and g.mode == "hard" and g.target is not None:
            rates.append((float(st[f"gate.{g.id}"].mean()), f"gates.{g.id}.target", g.target))
    if not rates:
        return {}
    rates.sort(key=lambda r: r[0])
    _, path, t = rates[0]
    return {path: round(max(0.0, t - 0.05), 4)}


def describe_change(path: str, value, scheme, lang: str) -> str:
    from .charts._common import parameter_label, parameter_value

    cur = scheme.parameters().get(path)
    if path.startswith("uplift."):
        cls = path.split(".", 1)[1]
        return style.pick(f"mức tăng thêm {style.pp(value, 'vi')} cho {_urban_vi(cls, 'vi')} (hiện hành {style.pp(cur or 0, 'vi')})",
                          f"a {style.pp(value, 'en')} uplift for {_urban_vi(cls, 'en')} (now {style.pp(cur or 0, 'en')})", lang)
    return (f"{parameter_label(path, scheme, lang)} = {parameter_value(path, value, lang)}"
            + style.pick(f" (hiện hành {parameter_value(path, cur, lang)})", f" (now {parameter_value(path, cur, lang)})", lang))


def _join(items: list[str], lang: str) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + style.pick(" và ", " and ", lang) + items[-1]


def _tornado_ranges(scheme, st) -> dict:
    ranges: dict[str, tuple | None] = {}
    if _uses_uplift(scheme):
        for cls in ("city", "district_town", "town"):
            if cls in scheme.uplift and (st["urban_class"] == cls).any():
                ranges[f"uplift.{cls}"] = _pm5(scheme.uplift_value(cls))
    for g in scheme.gates:
        if g.mode == "hard" and g.target is not None:
            ranges[f"gates.{g.id}.target"] = _pm5(g.target)
    if scheme.kind == "standards":
        for c in scheme.criteria:
            if c.target is not None:
                ranges[f"criteria.{c.id}.target"] = _pm5(c.target)
    else:
        ranges["proportional_basis"] = None
        for g in scheme.groups:
            if g.part == "A" and g.max:
                ranges[f"groups.{g.id}.max"] = (g.max * 0.8, g.max * 1.2)
    for t in scheme.awards.allocated_tiers:
        if t.quota is not None:
            ranges[f"awards.{t.id}.quota"] = (max(0, t.quota - 2), t.quota + 2)
    return ranges


def _run_tornado(scheme, values, registry, ranges) -> pd.DataFrame | None:
    """:func:`emusim.analysis.tornado` with the chart's column names (None: nothing to vary)."""
    from .analysis import tornado

    if not ranges:
        return None
    tor = tornado(scheme, values, ranges, registry=registry)
    return pd.DataFrame({"parameter": tor["path"], "low": tor["low"], "high": tor["high"],
                         "effect_low": tor["changed_low"], "effect_high": tor["changed_high"]})


def _run_montecarlo(scheme, values, registry, n, seed):
    from .analysis import montecarlo
    from .catalog import load_catalog

    cat = load_catalog()
    # "complete 100 %" items (gates/standards with a 100 % target) are completion events,
    # reported exactly: noise on them would fail every unit at 100 % half of the time
    exact = {g.indicator for g in scheme.gates if g.target is not None and g.target >= 0.999}
    exact |= {c.indicator for c in scheme.criteria if c.rule == "standard" and c.target is not None and c.target >= 0.999}
    factors = {}
    for ind in scheme.indicators:
        if ind not in cat or ind not in values.columns or ind in exact:
            continue
        unit = cat[ind].unit
        if unit == "ratio":
            factors[f"noise.{ind}"] = {"sd": NOISE_SD}
        elif unit == "bool":
            factors[f"noise.{ind}"] = {"flip": FLIP_P}
    if not factors:
        return None
    return montecarlo(scheme, values, factors, n=n, seed=seed, registry=registry, progress=False)


# ----------------------------------------------------------------------------- the XLSX
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


# ----------------------------------------------------------------------------- the brief
def make_brief(plan, scheme, values: pd.DataFrame, registry: pd.DataFrame, out, *, panel=None, period=None,
               seed: int | None = None, data_label: str | None = None, lang: str = "vi", force: bool = False,
               whatif: Mapping | None = None, changes: Mapping | None = None, assumptions: list[str] | None = None,
               mc_n: int = 200, formats=("png", "pdf"), protect=(), charts_wanted=None) -> Brief:
    """Write a briefing folder for ``scheme`` scored on ``values`` (see the module docstring).

    ``plan``: the :class:`~emusim.model.Plan` (document name, province). ``panel``: the
    history, for the trajectory chart and forecast (optional). ``seed``: the simulation
    seed, for the source notes (``data_label`` describes real data instead). ``changes``:
    the adjustments already applied to ``scheme`` (reported); ``assumptions``: sentences
    added to the summary (e.g. why a quota was set). ``whatif``: the reform to try.
    """
    from . import charts

    t0 = time.perf_counter()
    style.check_lang(lang)
    out = check_out_dir(out, force, protect)
    if scheme.kind == "tasks":
        raise InputError(f"{scheme.name}: tasks schemes have no award list; brief needs a points or standards scheme")
    period = str(period) if period is not None else None
    st = score(scheme, values, registry)
    aw = allocate(st, scheme, registry)
    if "urban_class" not in aw:
        aw["urban_class"] = "rural"
    whatif = dict(whatif) if whatif is not None else default_whatif(scheme, st)
    s2 = scheme.adjust(whatif) if whatif else scheme
    st2 = score(s2, values, registry)
    aw2 = allocate(st2, s2, registry)
    names = aw["name"].to_dict() if "name" in aw else {i: i for i in aw.index}
    tiers = [t.id for t in scheme.awards.allocated_tiers]
    facts: dict[str, Any] = {"plan": plan.id if plan is not None else None, "level": scheme.level, "scheme": scheme.name,
                             "period": period, "seed": seed, "data": data_label, "changes": dict(changes or {}),
                             "whatif": whatif}

    notes: list[str] = []
    # ---------------------------------------------------------------- numbers
    n_units = len(st)
    n_elig = int(st["eligible"].sum())
    facts.update(units=n_units, eligible=n_elig, nominated=int(aw["nominated"].sum()))
    awards_given = {t: int((aw["award"] == t).sum()) for t in tiers}
    facts["awards"] = awards_given
    facts["quotas"] = {t.id: t.quota for t in scheme.awards.allocated_tiers}
    gate_fail = []
    for g in scheme.gates:
        if f"gate.{g.id}" in st and g.mode == "hard":
            gate_fail.append((int((~st[f"gate.{g.id}"].astype(bool)).sum()), g))
    for c in scheme.criteria:
        if f"met.{c.id}" in st:
            gate_fail.append((int((~st[f"met.{c.id}"].astype(bool)).sum()), c))
    gate_fail.sort(key=lambda x: -x[0])
    facts["failures"] = {obj.id: k for k, obj in gate_fail}
    # units that fail exactly one gate/standard and would otherwise rank among the award winners
    fail_cols = [f"gate.{g.id}" for g in scheme.gates if g.mode == "hard" and f"gate.{g.id}" in st] + \
                [f"met.{c.id}" for c in scheme.criteria if f"met.{c.id}" in st]
    n_failed = (~st[fail_cols].astype(bool)).sum(axis=1) if fail_cols else pd.Series(0, index=st.index)
    won = aw["award"].map(lambda a: isinstance(a, str))
    top_won = aw["award"] == (tiers[0] if tiers else None)
    lowest_top = float(aw.loc[top_won, "total"].min()) if top_won.any() else np.inf
    if scheme.kind == "standards":
        near = aw.loc[st.index[n_failed == 1]].sort_values("rank").index
    else:
        near = aw.loc[st.index[(n_failed == 1) & (st["total"] >= lowest_top)]].sort_values("rank").index
    facts["near_misses"] = [str(i) for i in near]
    facts["lowest_top_tier_total"] = None if not np.isfinite(lowest_top) else lowest_top
    by_class = aw.groupby("urban_class")["award"].apply(lambda s: int(s.map(lambda a: isinstance(a, str)).sum()))
    units_class = aw.groupby("urban_class").size()
    facts["awards_by_class"] = {k: int(v) for k, v in by_class.items()}
    facts["units_by_class"] = {k: int(v) for k, v in units_class.items()}
    # what-if changes
    a0 = aw["award"].where(won, None)
    won2 = aw2["award"].map(lambda a: isinstance(a, str))
    a1 = aw2["award"].where(won2, None)
    gained = [i for i in aw.index if not won[i] and won2[i]]
    lost = [i for i in aw.index if won[i] and not won2[i]]
    moved = [i for i in aw.index if won[i] and won2[i] and a0[i] != a1[i]]
    facts["whatif_gained"], facts["whatif_lost"], facts["whatif_tier_changed"] = gained, lost, moved
    top_tier = tiers[0] if tiers else None
    if top_tier:
        c0 = aw.loc[aw["award"] == top_tier, "urban_class"].value_counts()
        c1 = aw2.loc[aw2["award"] == top_tier, "urban_class"].value_counts()
        facts["whatif_top_tier_by_class"] = {"before": {k: int(v) for k, v in c0.items()},
                                             "after": {k: int(v) for k, v in c1.items()}}
    rank_change = (aw2["rank"] - aw["rank"])
    changed_award = set(gained) | set(lost) | set(moved)
    if changed_award:
        mover = max(changed_award, key=lambda i: (abs(rank_change[i]), -aw.at[i, "rank"]))
    elif (rank_change != 0).any():
        mover = rank_change.abs().idxmax()
    else:
        mover = (st2["total"] - st["total"]).abs().idxmax()
    facts["biggest_mover"] = {"id": str(mover), "name": names.get(mover, mover), "rank_before": int(aw.at[mover, "rank"]),
                              "rank_after": int(aw2.at[mover, "rank"]), "total_before": float(st.at[mover, "total"]),
                              "total_after": float(st2.at[mover, "total"])}

    # ---------------------------------------------------------------- analyses
    path = next(iter(whatif)) if whatif else None
    sw = None
    if path is not None:
        cur = scheme.parameters().get(path)
        if path.startswith("uplift."):
            grid = sorted(set(np.round(np.arange(0, 0.301, 0.05), 4).tolist() + [round(float(cur or 0), 4)]))
        else:
            base = float(cur if cur is not None else 1.0)
            grid = sorted(set(round(min(1.0, max(0.0, base + d)), 4) for d in (-0.15, -0.1, -0.05, 0.0, 0.05)))
        from .analysis import sweep

        sw = sweep(scheme, values, path, grid, registry=registry)
        facts["sweep"] = {"path": path, "grid": grid,
                          "awards": {str(v): int(sw[(sw["value"] == v)]["award"].map(lambda a: isinstance(a, str)).sum()) for v in grid}}
    tor = _run_tornado(scheme, values, registry, _tornado_ranges(scheme, st))
    if tor is not None and len(tor):
        tor = tor.assign(_s=np.maximum(tor["effect_low"].abs(), tor["effect_high"].abs())).sort_values("_s", ascending=False)
        facts["tornado_top"] = {"parameter": str(tor.iloc[0]["parameter"]), "effect_low": int(tor.iloc[0]["effect_low"]),
                                "effect_high": int(tor.iloc[0]["effect_high"])}
        tor = tor.drop(columns="_s")
    mc = None
    try:
        mc = _run_montecarlo(scheme, values, registry, mc_n, seed if seed is not None else 0) if mc_n else None
    except Exception as exc:  # noqa: BLE001 - the brief goes on without the uncertainty charts
        notes.append(f"Monte Carlo skipped: {type(exc).__name__}: {exc}")
    if mc is not None:
        pu = mc.per_unit.rename(columns={"nominal_award": "award"})
        winners = pu[pu["award"].map(lambda a: isinstance(a, str))]
        stable = int((winners["p_any"] >= 0.8).sum())
        facts["montecarlo"] = {"n": mc.n, "winners": len(winners), "stable_winners": stable,
                               "mean_overlap": float(np.nanmean(mc.overlap)) if len(mc.overlap) else None,
                               "contenders": int(((pu["p_any"] >= 0.2) & ~pu["award"].map(lambda a: isinstance(a, str))).sum())}
    fc = None
    traj_units: list[str] = []
    traj_ind = None
    if panel is not None and period is not None and len(panel.periods) >= 4:
        cand = [(k, obj) for k, obj in gate_fail if k > 0 and getattr(obj, "indicator", None) in panel.indicators]
        cat = getattr(panel, "catalog", None)
        cand = [(k, o) for k, o in cand if cat is None or o.indicator not in cat or cat[o.indicator].unit == "ratio"]
        if cand:
            _, obj = cand[0]
            traj_ind = obj.indicator
            p_now = pd.Period(period, freq="M")
            deadline = min(p_now + 6, panel.periods[-1])
            if deadline > p_now and p_now in panel.periods:
                uplift = {c: scheme.uplift_value(c) for c in scheme.uplift} if getattr(obj, "uplift", False) else None
                units = list(st.index.astype(str))
                try:
                    from .forecast import forecast

                    fc = forecast(
                        panel, traj_ind, obj.target, str(deadline), as_of=period, uplift=uplift,
                        registry=registry, localities=units, seed=seed or 0)
                except Exception as exc:  # noqa: BLE001
                    notes.append(f"forecast skipped: {type(exc).__name__}: {exc}")
                    fc = None
                col = f"gate.{obj.id}" if f"gate.{obj.id}" in st else f"met.{obj.id}"
                failing = st.index[~st[col].astype(bool)]
                if fc is not None:
                    f_fail = fc.reindex(failing).dropna(subset=["p_reach"])
                    facts["forecast"] = {"indicator": traj_ind, "item": obj.id, "deadline": str(deadline),
                                         "failing": int(len(f_fail)), "likely": int((f_fail["p_reach"] >= 0.5).sum())}
                # three units: the best-ranked failing unit, a winner, and a mid-table failing unit
                ranked_fail = aw.loc[failing].sort_values("rank").index.tolist()
                winners_ids = aw.index[won].tolist()
                pick = ranked_fail[:1] + winners_ids[:1] + ranked_fail[len(ranked_fail) // 2: len(ranked_fail) // 2 + 1]
                traj_units = list(dict.fromkeys(pick))
                facts["trajectory_units"] = traj_units
                facts["trajectory_target"] = obj.target
                facts["trajectory_uplift"] = uplift

    # ---------------------------------------------------------------- headlines
    headlines = {lg: _headlines(lg, scheme, plan, facts, gate_fail, names, tiers, whatif, aw, aw2, changes) for lg in ("vi", "en")}

    # ---------------------------------------------------------------- write
    tmp = io.new_temp_dir(out)
    files: list[str] = []
    try:
        L = lang
        source = style.source_note(plan=plan, scheme=scheme, seed=seed, period=period, data=data_label, lang=L)
        label_a = style.pick("Hiện hành", "Current", L)
        label_b = style.pick("Phương án", "Option", L) + (f" ({_short_whatif(whatif, scheme, L)})" if whatif else "")
        made: list[tuple[str, Any]] = []

        def add(name, fn):
            if charts_wanted is not None and name.split("_", 1)[1] not in charts_wanted:
                return
            try:
                made.append((name, fn()))
            except Exception as exc:  # noqa: BLE001 - one failed chart must not lose the brief
                notes.append(f"chart {name} skipped: {type(exc).__name__}: {exc}")

        add("01_ranking", lambda: charts.ranking(aw, scheme, st, lang=L, source=source))
        add("02_decomposition", lambda: charts.decomposition(st, scheme, aw, lang=L, source=source, values=values))
        add("03_gates", lambda: charts.gate_pass_rates(st, scheme, lang=L, source=source))
        if registry is not None and {"lat", "lon"} <= set(registry.columns):
            add("04_map", lambda: charts.award_map(aw, registry, scheme, lang=L, source=source))
        add("05_equity", lambda: charts.equity(aw, scheme=scheme, registry=registry, lang=L, source=source))
        if whatif:
            cdf = pd.DataFrame({"rank_a": aw["rank"], "rank_b": aw2["rank"], "award_a": a0, "award_b": a1,
                                "name": aw["name"] if "name" in aw else aw.index})
            add("06_whatif_ranks", lambda: charts.slopegraph(cdf, labels=(label_a, label_b), scheme=scheme, lang=L, source=source,
                                                             title=style.pick("Phương án điều chỉnh: ai được, ai mất?",
                                                                              "The option: who gains, who loses?", L)))
            add("07_whatif_overlap", lambda: charts.overlap({label_a: aw.index[won], label_b: aw2.index[won2]}, names=names,
                                                            scheme=scheme, lang=L, source=source))
            add("08_whatif_waterfall", lambda: charts.waterfall(st, st2, mover, scheme, s2, names=(label_a, label_b),
                                                                award_a=aw, award_b=aw2, lang=L, source=source))
        if sw is not None:
            add("09_sweep", lambda: charts.sweep(sw, parameter=path, scheme=scheme, baseline=scheme.parameters().get(path),
                                                 lang=L, source=source))
        if tor is not None and len(tor):
            add("10_tornado", lambda: charts.tornado(tor, scheme=scheme, metric=style.pick(
                "Số đơn vị thay đổi kết quả khen thưởng (← mức thấp | mức cao →)",
                "Units whose award changes (← low end | high end →)", L), lang=L, source=source))
        if mc is not None:
            extra = style.pick(f"nhiễu đo lường ±{int(NOISE_SD * 100)} điểm %", f"measurement noise sd {int(NOISE_SD * 100)} pp", L)
            add("11_rank_intervals", lambda: charts.rank_intervals(pu, scheme=scheme, n_draws=mc.n, lang=L,
                                                                   source=source + "; " + extra))
            add("12_award_probability", lambda: charts.award_probability(pu, scheme=scheme, n_draws=mc.n, lang=L,
                                                                         source=source + "; " + extra))
        if traj_units:
            add("13_trajectory", lambda: charts.trajectories(panel, traj_ind, traj_units, target=facts["trajectory_target"],
                                                             uplift=facts["trajectory_uplift"], registry=registry, forecast=fc,
                                                             context=list(st.index.astype(str)), lang=L, source=source))
        for name, fig in made:
            for p in style.save(fig, tmp / name, formats):
                files.append(p.name)
        write_award_xlsx(tmp / XLSX_NAME, plan, scheme, st, aw, registry, period=period,
                         data_label=data_label or (f"dữ liệu mô phỏng, seed {seed}" if seed is not None else ""),
                         values=values, lang=lang, changes=changes)
        files.append(XLSX_NAME)
        facts["charts"] = [n for n, _ in made]
        facts["notes"] = notes
        summary = _summary_md(plan, scheme, facts, headlines, files, assumptions or [], period, seed, data_label, notes)
        atomic_write(tmp / "summary.md", lambda p: p.write_text(summary, encoding="utf-8"))
        files.append("summary.md")
        facts_json = json.dumps({**facts, "headlines": headlines}, ensure_ascii=False, indent=2, default=_json_default)
        atomic_write(tmp / "summary.json", lambda p: p.write_text(facts_json, encoding="utf-8"))
        files.append("summary.json")
        io.publish_dir(tmp, out, force=force, inputs=protect, legacy=_is_legacy_brief)
    finally:
        io.discard_temp(tmp)
    return Brief(out=out, files=sorted(files), headlines=headlines, facts=facts, seconds=time.perf_counter() - t0, notes=notes)


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, (np.bool_,)):
        return bool(o)
    return str(o)


def _short_whatif(whatif: Mapping, scheme, lang: str) -> str:
    path, value = next(iter(whatif.items()))
    if path.startswith("uplift."):
        cls = path.split(".", 1)[1]
        return f"{style.pp(value, lang)} " + style.pick("cho ", "for ", lang) + (
            style.pick("thành phố", "the city", lang) if cls == "city" else _urban_vi(cls, lang))
    from .charts._common import parameter_value

    ident = path.split(".", 1)[1].rsplit(".", 1)[0]
    return f"{ident} {parameter_value(path, value, lang)}"


def _headlines(lang, scheme, plan, facts, gate_fail, names, tiers, whatif, aw, aw2, changes) -> list[str]:
    P = lambda vi, en: style.pick(vi, en, lang)  # noqa: E731
    out = []
    n, e = facts["units"], facts["eligible"]
    unit_word = P("đơn vị", "units")
    if scheme.kind == "points":
        out.append(P(f"Trong {n} {unit_word}, {e} ({style.pct(e / n if n else 0, lang)}) đạt mọi chỉ tiêu bắt buộc và đủ điều kiện xét khen thưởng.",
                     f"Of {n} units, {e} ({style.pct(e / n if n else 0, lang)}) meet every mandatory target and are eligible for an award."))
    else:
        out.append(P(f"Trong {n} {unit_word}, {e} ({style.pct(e / n if n else 0, lang)}) đạt đủ {len(scheme.criteria)} tiêu chuẩn"
                     + (" và điều kiện bắt buộc" if scheme.gates else "") + ".",
                     f"Of {n} units, {e} ({style.pct(e / n if n else 0, lang)}) meet all {len(scheme.criteria)} standards"
                     + (" and the mandatory conditions" if scheme.gates else "") + "."))
    worst = [(k, o) for k, o in gate_fail if k > 0][:2]
    if worst:
        def item(k, o):
            label = style.nfc(o.label_en if lang == "en" and o.label_en else o.label)
            label = f"{label[:70].rstrip()}…" if len(label) > 70 else label
            return f"{o.id} ({k} {unit_word}: {label})"

        items = [item(k, o) for k, o in worst]
        out.append(P("Chỉ tiêu loại nhiều đơn vị nhất: ", "The targets that rule out most units: ") + _join(items, lang) + ".")
    given = []
    for t in scheme.awards.allocated_tiers:
        k = facts["awards"].get(t.id, 0)
        q = t.quota
        lab = style.label_of(t, lang)
        given.append(f"{k} {lab}" + (P(f" (tối đa {q})", f" (cap {q})") if q is not None else P(" (không giới hạn số lượng)", " (no cap)")))
    out.append(P("Kết quả: ", "Result: ") + _join(given, lang) + "."
               + (P(f" Chỉ {facts['nominated']} đơn vị được huyện đề cử.", f" Only {facts['nominated']} units were nominated by their districts.")
                  if scheme.awards.nomination is not None and sum(facts["awards"].values()) < sum(q or 0 for q in facts["quotas"].values()) else ""))
    total_awards = sum(facts["awards"].values())
    if total_awards:
        parts = []
        for c in style.URBAN_ORDER:
            if c in facts["units_by_class"]:
                k = facts["awards_by_class"].get(c, 0)
                parts.append(P(f"{_urban_vi(c, 'vi')} {k}/{total_awards} giải ({style.pct(k / total_awards, 'vi')}) so với "
                               f"{style.pct(facts['units_by_class'][c] / n, 'vi')} số đơn vị",
                               f"{_urban_vi(c, 'en')} {k}/{total_awards} awards ({style.pct(k / total_awards, 'en')}) vs "
                               f"{style.pct(facts['units_by_class'][c] / n, 'en')} of units"))
        out.append(P("Theo loại địa bàn: ", "By kind of locality: ") + "; ".join(parts) + ".")
    if facts["near_misses"]:
        nm = [names.get(i, i) for i in facts["near_misses"][:4]]
        k = len(facts["near_misses"])
        top_lab = style.tier_label(scheme, tiers[0], lang) if tiers else ""
        low = facts.get("lowest_top_tier_total")
        if scheme.kind == "points" and low is not None:
            out.append(P(f"{k} đơn vị có tổng điểm từ {style.num(low, 'vi', 1)} trở lên (mức thấp nhất được {top_lab}) nhưng trượt đúng "
                         f"1 chỉ tiêu bắt buộc, ví dụ {_join(nm, 'vi')}.",
                         f"{k} units score at least {style.num(low, 'en', 1)} (the lowest total awarded a {top_lab}) but miss exactly "
                         f"one mandatory target, e.g. {_join(nm, 'en')}."))
        elif scheme.kind == "standards":
            out.append(P(f"{k} đơn vị chỉ thiếu đúng 1 tiêu chuẩn/điều kiện, ví dụ {_join(nm, 'vi')}.",
                         f"{k} units miss exactly one standard or condition, e.g. {_join(nm, 'en')}."))
    if whatif:
        path, value = next(iter(whatif.items()))
        desc = describe_change(path, value, scheme, lang)
        g, l, m = facts["whatif_gained"], facts["whatif_lost"], facts["whatif_tier_changed"]
        if not (g or l or m):
            out.append(P(f"Với {desc}, danh sách khen thưởng không thay đổi.", f"With {desc}, the award list does not change."))
        else:
            bits = []
            if l:
                bits.append(P(f"{len(l)} đơn vị mất giải ({_join([names.get(i, i) for i in l[:3]], 'vi')})",
                              f"{len(l)} lose their award ({_join([names.get(i, i) for i in l[:3]], 'en')})"))
            if g:
                bits.append(P(f"{len(g)} đơn vị được thêm ({_join([names.get(i, i) for i in g[:3]], 'vi')})",
                              f"{len(g)} gain one ({_join([names.get(i, i) for i in g[:3]], 'en')})"))
            if m:
                bits.append(P(f"{len(m)} đơn vị đổi hình thức ({_join([names.get(i, i) for i in m[:3]], 'vi')})",
                              f"{len(m)} change tier ({_join([names.get(i, i) for i in m[:3]], 'en')})"))
            sentence = P(f"Với {desc}: ", f"With {desc}: ") + _join(bits, lang) + "."
            tt = facts.get("whatif_top_tier_by_class")
            if tt and tiers:
                quota = facts["awards"].get(tiers[0], 0)
                for cls in ("city", "district_town", "town"):
                    d = tt["before"].get(cls, 0) - tt["after"].get(cls, 0)
                    if d > 0:
                        gainers = [c for c in style.URBAN_ORDER if tt["after"].get(c, 0) > tt["before"].get(c, 0)]
                        to = _join([_urban_vi(c, lang) for c in gainers], lang) or P("đơn vị khác", "other units")
                        tier_lab = style.tier_label(scheme, tiers[0], lang)
                        sentence += P(f" {d} trong {quota} {tier_lab} chuyển từ {_urban_vi(cls, 'vi')} sang {to}.",
                                      f" {d} of the {quota} awards of the top tier ({tier_lab}) move from {_urban_vi(cls, 'en')} to {to}.")
            out.append(sentence)
    tt = facts.get("tornado_top")
    if tt:
        from .charts._common import parameter_label

        out.append(P(f"Tham số ảnh hưởng nhiều nhất (mỗi lần thay đổi một tham số): {parameter_label(tt['parameter'], scheme, 'vi')} — "
                     f"{max(abs(tt['effect_low']), abs(tt['effect_high']))} đơn vị thay đổi kết quả.",
                     f"The most influential parameter (one at a time): {parameter_label(tt['parameter'], scheme, 'en')} — "
                     f"{max(abs(tt['effect_low']), abs(tt['effect_high']))} units change their award."))
    mcf = facts.get("montecarlo")
    if mcf and mcf["winners"]:
        out.append(P(f"Với sai số đo lường ±{int(NOISE_SD * 100)} điểm % trên các chỉ số tỷ lệ (trừ các chỉ tiêu hoàn thành 100 %), {mcf['stable_winners']}/{mcf['winners']} đơn vị được khen "
                     f"giữ giải trong ít nhất 80 % số lần mô phỏng ({mcf['n']} lần); {mcf['contenders']} đơn vị khác có khả năng được khen từ 20 % trở lên.",
                     f"With measurement noise of {int(NOISE_SD * 100)} pp on the ratio indicators (not on 100 % completion targets), {mcf['stable_winners']}/{mcf['winners']} award winners keep an award "
                     f"in at least 80% of {mcf['n']} draws; {mcf['contenders']} other units win in 20% of draws or more."))
    fc = facts.get("forecast")
    if fc and fc["failing"]:
        dl = pd.Period(fc["deadline"], freq="M")
        out.append(P(f"Dự báo theo xu hướng: {fc['likely']}/{fc['failing']} đơn vị đang chưa đạt {fc['item']} có khả năng ≥ 50 % đạt trước {dl.strftime('%m/%Y')}.",
                     f"Trend forecast: {fc['likely']}/{fc['failing']} units now missing {fc['item']} have a ≥ 50% chance of meeting it by {dl}."))
    return out


def _summary_bullets(lang, scheme, facts, headlines, assumptions) -> list[str]:
    """One language's half of ``summary.md``: the headlines, the adjustments and assumptions,
    and a note for each tier without a quota."""
    P = lambda vi, en: en if lang == "en" else vi  # noqa: E731
    lines = [f"- {h}" for h in headlines[lang]]
    if facts.get("changes") or assumptions:
        lines += ["", P("### Giả định và điều chỉnh", "### Assumptions and adjustments"), ""]
        lines += [P("- Điều chỉnh so với kế hoạch: ", "- Adjusted from the plan: ") + f"`{k} = {v}`"
                  for k, v in facts.get("changes", {}).items()]
        lines += [f"- {a}" for a in assumptions]
    for t in scheme.awards.allocated_tiers:
        if t.quota is None:
            lines.append(f"- {style.label_of(t, lang)}: " + P(
                "kế hoạch không quy định số lượng (theo thẩm quyền) — mọi đơn vị đạt chuẩn đều được đề nghị; "
                "đặt một mức bằng ",
                "the plan sets no number (\"theo thẩm quyền\"), so every unit that meets the standard is proposed; "
                "set one with ") + f"`--set awards.{t.id}.quota=N`.")
    return lines


def _summary_md(plan, scheme, facts, headlines, files, assumptions, period, seed, data_label, notes) -> str:
    doc_vi = style.document_name(plan, scheme, "vi")
    doc_en = style.document_name(plan, scheme, "en")
    data_vi = data_label or (f"dữ liệu mô phỏng (emusim), seed {seed}" if seed is not None else "")
    data_en = data_label or (f"simulated data (emusim), seed {seed}" if seed is not None else "")
    lines = [f"# {style.nfc(scheme.label)} — {doc_vi}", ""]
    lines.append(f"*Kỳ đánh giá {period}; {data_vi}.*" if period else f"*{data_vi}*")
    lines += ["", "## Tóm tắt", ""]
    lines += _summary_bullets("vi", scheme, facts, headlines, assumptions)
    lines += ["", f"## Summary ({style.nfc(scheme.label_en or scheme.label)} — {doc_en})", ""]
    lines.append(f"*Evaluation month {period}; {data_en}.*" if period else f"*{data_en}*")
    lines.append("")
    lines += _summary_bullets("en", scheme, facts, headlines, assumptions)
    lines += ["", "## Tệp / Files", ""]
    captions = {
        "01_ranking": ("Xếp hạng, ngưỡng và hình thức khen thưởng", "Ranking, cut-off and awards"),
        "02_decomposition": ("Cơ cấu điểm theo nhóm tiêu chí / kết quả từng tiêu chuẩn", "Score by group / result per standard"),
        "03_gates": ("Tỷ lệ đạt từng chỉ tiêu bắt buộc", "Pass rate of each mandatory target"),
        "04_map": ("Bản đồ điểm các đơn vị được khen", "Map of award winners"),
        "05_equity": ("Phân bổ giải theo loại địa bàn", "Awards by kind of locality"),
        "06_whatif_ranks": ("Phương án điều chỉnh: thứ hạng", "The option: ranks"),
        "07_whatif_overlap": ("Phương án điều chỉnh: trùng lặp danh sách", "The option: overlap of award lists"),
        "08_whatif_waterfall": ("Vì sao điểm của đơn vị thay đổi nhiều nhất", "Why the biggest mover's score changes"),
        "09_sweep": ("Ai được khen theo từng mức tham số", "Who wins at each value of the parameter"),
        "10_tornado": ("Tham số ảnh hưởng nhiều nhất", "Most influential parameters"),
        "11_rank_intervals": ("Độ chắc chắn của thứ hạng", "How certain the ranks are"),
        "12_award_probability": ("Khả năng được khen", "Chance of an award"),
        "13_trajectory": ("Diễn biến và dự báo chỉ tiêu", "Trajectory and forecast of a target"),
    }
    for name in facts.get("charts", []):
        vi, en = captions.get(name, (name, name))
        lines.append(f"- `{name}.png` / `.pdf` — {vi} / {en}")
    lines.append(f"- `{XLSX_NAME}` — danh sách kết quả theo mẫu phụ lục của kế hoạch; trang 2: tiêu chí và nguồn / "
                 "the award list in the layout of the plan's annex; sheet 2: criteria and sources")
    lines.append("- `summary.json` — các số liệu của bản tóm tắt / the numbers behind this summary")
    if notes:
        lines += ["", "## Ghi chú kỹ thuật / Technical notes", ""] + [f"- {n}" for n in notes]
    lines.append("")
    return "\n".join(lines)
