"""Read the data rows (stage 4 of the reading flow): unit, period and values of every row.

Collects every problem (file, row, column) instead of stopping at the first; records in the
report how each unit matched and why a row was skipped (totals, district sub-headings).
"""
from __future__ import annotations

import math

import pandas as pd

from ..errors import Problem
from ..i18n import Message
from .header import is_total_row, key
from .values import Bad, IndicatorLabel, blank, is_not_applicable, parse_period, parse_value, unit_name
from .units import UnitMatcher

NA = "not_applicable"   # the value recorded for a "không áp dụng" cell


class RowReader:
    """Row-level reading shared by the long and wide layouts."""

    def __init__(self, source, catalog, units: UnitMatcher, default_period, problems, report, grid):
        self.source = source
        self.catalog = catalog
        self.units = units
        self.default_period = default_period
        self.problems = problems
        self.report = report
        self.grid = grid
        self.bad_cells: set[tuple[str, str, str]] = set()
        self.self_scores: dict[str, dict[str, float]] = {}   # locality → criterion → self-score
        self.merged = {}      # (row, col) → top row of a merged-down range
        for top, bottom, col in grid.merged_down:
            for r in range(top + 1, bottom + 1):
                self.merged[(r, col)] = top
        self.formula_blank = set(grid.formulas_without_value)
        self.district_context: list[str] = []
        self.sheet_districts = units.district_ids(grid.sheet) if grid.sheet else []

    def problem(self, message, row, column):
        self.problems.append(Problem(message, file=self.source, row=row, column=column))

    # ------------------------------------------------------------------ keys
    def unit(self, n, cells, cols, names) -> str | None:
        jc, jn, jd = cols.get("code"), cols.get("name"), cols.get("district")
        code = _cell(cells, jc)
        if jc is not None and not blank(code):
            lid, how, cands = self.units.code(code)
            column = names[jc]
            if lid is not None:
                self.report.unit(n, code, lid, how)
                return lid
            if how == "ambiguous":
                self.problem(Message("observations.code_ambiguous", code=str(code).strip(),
                                     candidates=" / ".join(cands)), n, column)
            elif jn is None or blank(_cell(cells, jn)):
                self.problem(Message("observations.unknown_locality", code=_show_code(code),
                                     hint=_hint(cands)), n, column)
            if how == "ambiguous" or jn is None or blank(_cell(cells, jn)):
                return None
        if jn is None or blank(_cell(cells, jn)):
            self.problem(Message("observations.empty_locality"), n, names[jc] if jc is not None else "locality_id")
            return None
        raw = _cell(cells, jn)
        if self.units.registry is None:
            self.problem(Message("observations.names_need_registry"), n, names[jn])
            return None
        hint = []
        if jd is not None and not blank(_cell(cells, jd)):
            hint = self.units.district_ids(_cell(cells, jd))
        hint = hint or self.district_context or self.sheet_districts
        lid, how, cands = self.units.name(raw, hint)
        if lid is None:
            key_ = "observations.name_ambiguous" if how == "ambiguous" else "observations.unknown_name"
            self.problem(Message(key_, name=str(raw).strip(), candidates="; ".join(cands) or "—"), n, names[jn])
            return None
        self.report.unit(n, raw, lid, how)
        return lid

    def is_heading(self, n, cells, cols, value_cols) -> bool:
        """A totals row or a district sub-heading row (then remembered as context)."""
        texts = [_cell(cells, cols.get(r)) for r in ("stt", "code", "name")]
        if is_total_row([t for t in texts if isinstance(t, str)]):
            self.report.skip(n, "total", str(next(t for t in texts if isinstance(t, str) and key(t))))
            return True
        jn = cols.get("name")
        if any(not blank(_cell(cells, j)) for j in value_cols):
            return False
        filled = [c for c in cells if not blank(c)]
        if len(filled) == 1 and isinstance(filled[0], str) and _is_note(filled[0]):
            self.report.skip(n, "note", filled[0].strip()[:60])
            return True
        if jn is None or blank(_cell(cells, jn)) or not blank(_cell(cells, cols.get("code"))):
            return False
        districts = self.units.district_ids(_cell(cells, jn))
        if districts:
            self.district_context = districts
            self.report.skip(n, "district_heading", str(_cell(cells, jn)).strip())
            return True
        return False

    def period(self, raw, row, column) -> pd.Period | None:
        if blank(raw):
            if self.default_period is None:
                self.problem(Message("observations.empty_period"), row, column)
            return self.default_period
        try:
            return parse_period(raw)
        except Bad as exc:
            self.problem(exc.msg, row, column)
            return None

    def indicator(self, raw, row, column, mapper) -> str | None:
        name = str(raw if raw is not None else "").strip()
        if not name:
            self.problem(Message("observations.empty_indicator"), row, column)
            return None
        m = mapper.map(name)
        if m.indicator is not None:
            return m.indicator
        if m.how == "ambiguous":
            self.problem(Message("observations.indicator_ambiguous", name=name, candidates=", ".join(m.candidates)),
                         row, column)
        else:
            self.problem(Message("observations.unknown_indicator", name=name,
                                 hint=_hint(_closest(name, self.catalog.ids()))), row, column)
        return None

    def value(self, raw, indicator, row, j, column, key_, percent=False):
        """A float, NA, or None (a problem was recorded)."""
        if (row, j) in self.merged:
            self.problem(Message("observations.merged_cell", top=str(self.merged[(row, j)])), row, column)
            return None
        if (row, j) in self.formula_blank:
            self.problem(Message("observations.formula_without_value"), row, column)
            return None
        if is_not_applicable(raw):
            return NA
        unit = self.catalog[indicator].unit
        try:
            return parse_value(raw, unit, percent=percent, official=True)
        except Bad as exc:
            self.bad_cells.add((key_[0], key_[1], indicator))
            what = "observations.value_out_of_range" if exc.kind == "range" else "observations.value_unreadable"
            self.problem(Message(what, indicator=indicator, unit=unit_name(unit), detail=exc.msg), row, column)
            return None

    # ------------------------------------------------------------------ layouts
    def long(self, rows, cols, names, mapper) -> list:
        records, first = [], {}
        ji, jv, jp = cols["indicator"], cols["value"], cols.get("period")
        for n, cells in rows:
            if self.is_heading(n, cells, cols, [jv]):
                continue
            lid = self.unit(n, cells, cols, names)
            per = self.period(_cell(cells, jp), n, names[jp] if jp is not None else "period")
            ind = self.indicator(_cell(cells, ji), n, names[ji], mapper)
            if lid is None or per is None or ind is None:
                continue
            k = (lid, str(per), ind)
            if k in first:
                self.problem(Message("observations.duplicate_long", lid=lid, period=str(per), indicator=ind,
                                     first=str(first[k])), n, names[ji])
                continue
            first[k] = n
            head = str(_cell(cells, ji))
            value = self.value(_cell(cells, jv), ind, n, jv, names[jv], k, percent="%" in head)
            if value is not None:
                records.append((lid, str(per), ind, value, n))
            self.report.row_read()
        return records

    def wide(self, rows, cols, names, ind_cols, self_cols=()) -> list:
        records, first = [], {}
        jp = cols.get("period")
        value_cols = [j for j, _, _, _ in ind_cols]
        for n, cells in rows:
            cells = self._fill_down(n, cells, cols)
            if self.is_heading(n, cells, cols, value_cols):
                continue
            lid = self.unit(n, cells, cols, names)
            per = self.period(_cell(cells, jp), n, names[jp] if jp is not None else "period")
            if lid is None or per is None:
                continue
            k = (lid, str(per))
            if k in first:
                column = names[cols["code"]] if "code" in cols else names[cols["name"]]
                self.problem(Message("observations.duplicate_wide", lid=lid, period=str(per), first=str(first[k])),
                             n, column)
                continue
            first[k] = n
            for j, ind, name, percent in ind_cols:
                value = self.value(_cell(cells, j), ind, n, j, name, k, percent)
                if value is not None:
                    records.append((lid, str(per), ind, value, n))
            for j, crit, name in self_cols:
                raw = _cell(cells, j)
                if blank(raw):
                    continue
                try:
                    score = parse_value(raw, "points")
                except Bad:
                    try:
                        score = parse_value(raw, "bool")   # "đạt" / "không đạt" for a standard
                    except Bad as exc:
                        self.problem(Message("observations.value_unreadable", indicator=name, unit=unit_name("points"),
                                             detail=exc.msg), n, name)
                        continue
                self.self_scores.setdefault(lid, {})[crit] = score
            self.report.row_read()
        return records

    def _fill_down(self, n, cells, cols):
        """Descriptive cells merged down (a district name over its communes) belong to every row."""
        out = list(cells)
        for role in ("district", "name", "stt"):
            j = cols.get(role)
            if j is not None and (n, j) in self.merged:
                top = self.merged[(n, j)]
                top_cells = next((c for r, c in self.grid.rows if r == top), [])
                while len(out) <= j:
                    out.append(None)
                out[j] = _cell(top_cells, j)
        return out

    # ------------------------------------------------------------------ requirement
    def check_required(self, records, scheme, header_row, wide_columns, level_of) -> None:
        """Every indicator the scheme needs, for every (locality, period) of the file."""
        need = [i for i in scheme.indicators if i]
        if wide_columns is not None:
            for ind in need:
                if ind not in wide_columns:
                    self.problem(Message("observations.missing_indicator_column", indicator=ind,
                                         label=self._label(ind), scheme=scheme.name), header_row, ind)
            need = [i for i in need if i in wide_columns]
        have: dict[tuple[str, str], set] = {}
        first_row: dict[tuple[str, str], int] = {}
        for lid, per, ind, value, n in records:
            k = (lid, per)
            first_row.setdefault(k, n)
            if not (isinstance(value, float) and math.isnan(value)):
                have.setdefault(k, set()).add(ind)
        for k, n in first_row.items():
            if level_of(k[0]) not in (None, scheme.unit_level):
                continue
            for ind in need:
                if ind not in have.get(k, ()) and (k[0], k[1], ind) not in self.bad_cells:
                    column = wide_columns.get(ind, ind) if wide_columns is not None else "indicator"
                    key_ = "observations.missing_cell" if wide_columns is not None else "observations.missing_row"
                    self.problem(Message(key_, indicator=ind, label=self._label(ind), lid=k[0], period=k[1],
                                         scheme=scheme.name), n, column)

    def _label(self, indicator: str) -> "IndicatorLabel | str":
        """" (its name)" beside an indicator id, in the reader's language; "" if the catalog lacks it."""
        try:
            ind = self.catalog[indicator]
        except (KeyError, TypeError):
            return ""
        return IndicatorLabel(ind.label, ind.label_en)


_NOTE_WORDS = ("nguoi lap", "thu truong", "ghi chu", "nguon", "luu y", "xac nhan", "ky ten", "ngay ", "noi nhan",
               "ke toan", "lanh dao", "chu tich", "giam doc", "truong phong")


def _is_note(text: str) -> bool:
    """A signature or note line under a table ("Người lập biểu: …", "Ngày … tháng … năm …")."""
    k = key(text)
    return ":" in text or k.startswith(_NOTE_WORDS)


def _cell(cells, j):
    return cells[j] if j is not None and j < len(cells) else None


def _show_code(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _closest(name, choices) -> list[str]:
    from rapidfuzz import fuzz, process

    return [h[0] for h in process.extract(str(name), [str(c) for c in choices], scorer=fuzz.ratio, limit=3,
                                          score_cutoff=75)]


def _hint(cands) -> Message | str:
    return Message("observations.did_you_mean", names=", ".join(cands)) if cands else ""
