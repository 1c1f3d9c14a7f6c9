"""The data-entry workbook an official sends to the units (issue 11): ``es.write_template``.

``write_template(scheme, registry, path, period=None)`` writes an XLSX with

* a sheet **Số liệu** (data): a title naming the plan and the month (so the file says its own
  period), then one row per unit of the scheme's level, pre-filled (``Mã ĐVHC`` as text so the
  zeros stay, ``Tên đơn vị``, ``Huyện``), one column per indicator the scheme needs — headed
  with the plan's Vietnamese wording (the first criterion or gate that reads it, else the
  catalog label), its unit in brackets and the indicator id in square brackets, e.g.
  ``A.IV.2. Thu nhận hồ sơ ĐDĐT mức 1 hoặc mức 2 … (%) [eid_registration_rate]`` — and a
  self-score column per criterion (``Tự chấm điểm A.IV.2``; "tự chấm điểm", what the plans
  ask units to do);
* data validation on every cell: 0–100 for percentages, whole numbers ≥ 0 for counts, a
  ``có / không`` list for yes/no, 0…max for self-scores (warnings, not stops, so "không áp
  dụng" can still be written where a standard does not apply);
* a sheet **Hướng dẫn** (instructions): how to fill each kind of cell, and every indicator
  with its id, wording, unit and the criteria that read it.

A filled template reads back with :func:`emusim.read_observations` with no mapping at all
(the bracketed ids name the columns, the title names the month), and scores exactly like the
same values written in the canonical wide CSV.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import InputError, Problem
from .i18n import Message, t

__all__ = ["write_template", "DATA_SHEET", "INSTRUCTIONS_SHEET"]

DATA_SHEET = "Số liệu"
INSTRUCTIONS_SHEET = "Hướng dẫn"
_UNIT_WORD = {"ratio": "%", "count": "số lượng", "bool": "có/không", "points": "điểm", "date": "ngày"}


def _wording(scheme, catalog, ind: str) -> tuple[str, list[str]]:
    """The plan's words for an indicator (first criterion or gate reading it) and the criteria."""
    crits = [c for c in scheme.criteria if ind in c.indicators]
    first = crits[0] if crits else None
    if first is not None and len(set(first.indicators)) == 1 and first.label:
        words = f"{first.id}. {first.label}"
    else:
        event = next((e for c in crits for e in c.events if e.indicator == ind and e.label), None)
        gate = next((g for g in scheme.gates if g.indicator == ind and g.label), None)
        words = (event.label if event else gate.label if gate else catalog.label(ind))
        if first is not None:
            words = f"{first.id}. {words}"
    return " ".join(words.split()), [c.id for c in crits]


def _max_points(c) -> float | None:
    if c.rule == "binary":
        return c.points if c.points is not None else c.max
    if c.rule == "standard":
        return 1.0
    return c.max


def write_template(scheme, registry, path, *, period=None, catalog=None, force: bool = False) -> Path:
    """Write the data-entry workbook for ``scheme``'s units in ``registry`` to ``path`` (.xlsx)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .catalog import load_catalog
    from .io import check_output, save_workbook
    from .registry import load_registry

    if scheme.kind == "tasks":
        raise InputError([Problem(Message("template.tasks_scheme", scheme=scheme.name))])
    path = check_output(path, force, suffixes=(".xlsx",))
    if isinstance(registry, (str, Path)):
        registry = load_registry(registry)
    catalog = catalog or load_catalog()
    units = registry[registry["level"] == scheme.unit_level] if "level" in registry else registry
    if units.empty:
        raise InputError([Problem(Message("template.no_units", level=scheme.unit_level))])
    names = registry["name"] if "name" in registry else pd.Series(registry.index, index=registry.index)
    parents = units["parent_id"].astype(str) if "parent_id" in units else pd.Series("", index=units.index)
    order = sorted(units.index.astype(str), key=lambda lid: (parents.get(lid, ""), lid))
    needed = [i for i in scheme.indicators if i]
    per = None
    if period is not None:
        from .observations.values import parse_period

        per = parse_period(period)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    title = t("template.title", "vi", plan=scheme.label or scheme.name,
              month=(f"THÁNG {per.month:02d}/{per.year}" if per is not None else "THÁNG …/…"))
    ws.append([title])
    heads = ["Mã ĐVHC", "Tên đơn vị", "Huyện"]
    kinds = []
    for ind in needed:
        unit = catalog[ind].unit if ind in catalog else "points"
        words, _ = _wording(scheme, catalog, ind)
        heads.append(f"{words} ({_UNIT_WORD.get(unit, unit)}) [{ind}]")
        kinds.append(("indicator", ind, unit))
    for c in scheme.criteria:
        heads.append(f"Tự chấm điểm {c.id}")
        kinds.append(("self", c.id, _max_points(c)))
    ws.append(heads)
    for lid in order:
        parent = parents.get(lid, "")
        ws.append([lid, names.get(lid, lid), names.get(parent, parent) if parent else ""])
    for r in range(3, ws.max_row + 1):
        ws.cell(r, 1).number_format = "@"   # codes are text: the zeros stay
    last = ws.max_row
    bold = Font(bold=True)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    for j in range(1, len(heads) + 1):
        cell = ws.cell(2, j)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = 14 if j > 3 else (10, 28, 22)[j - 1]
    ws.row_dimensions[2].height = 150
    ws.freeze_panes = "D3"
    self_fill = PatternFill("solid", fgColor="FFF2CC")
    validations = {
        "ratio": DataValidation(type="decimal", operator="between", formula1="0", formula2="100", errorStyle="warning",
                                error=t("template.v_ratio", "vi"), prompt=t("template.v_ratio", "vi")),
        "count": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", errorStyle="warning",
                                error=t("template.v_count", "vi"), prompt=t("template.v_count", "vi")),
        "bool": DataValidation(type="list", formula1='"có,không,không áp dụng"', errorStyle="warning",
                               error=t("template.v_bool", "vi"), prompt=t("template.v_bool", "vi")),
        "points": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="-1000", errorStyle="warning"),
    }
    for dv in validations.values():
        ws.add_data_validation(dv)
    for j, (kind, ident, extra) in enumerate(kinds, start=4):
        letter = get_column_letter(j)
        rng = f"{letter}3:{letter}{last}"
        if kind == "indicator":
            dv = validations.get(extra)
            if dv is not None:
                dv.add(rng)
        else:
            if extra is not None:
                dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=repr(float(extra)),
                                    errorStyle="warning", error=t("template.v_self", "vi", max=float(extra)))
                ws.add_data_validation(dv)
                dv.add(rng)
            for r in range(2, last + 1):
                ws.cell(r, j).fill = self_fill

    guide = wb.create_sheet(INSTRUCTIONS_SHEET)
    for key in ("g_title", "g_1", "g_2", "g_3", "g_4", "g_5", "g_6", "g_7"):
        guide.append([t(f"template.{key}", "vi", plan=scheme.label or scheme.name, level=scheme.unit_level)])
    guide.append([])
    guide.append(["Mã chỉ tiêu", "Nội dung (theo kế hoạch)", "Đơn vị", "Tiêu chí sử dụng", "Indicator (English)"])
    for ind in needed:
        words, crits = _wording(scheme, catalog, ind)
        unit = catalog[ind].unit if ind in catalog else "points"
        guide.append([ind, words, _UNIT_WORD.get(unit, unit), ", ".join(crits) or "—",
                      catalog.label(ind, "en")])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 90
    guide.cell(1, 1).font = Font(bold=True, size=13)
    return save_workbook(wb, path, force=force)
