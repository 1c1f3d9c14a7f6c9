"""A deliberately plain, per-locality implementation of scoring and awards (the test oracle).

This module follows the plan text line by line, one locality at a time, with Python loops
and plain floats. It does not import :mod:`emusim.engine`, :mod:`emusim.rules` or
:mod:`emusim.allocate`: it is written from the plan (Hà Giang KH 186/KH-UBND, seed
``003_49e3d13dcca6eaaf.txt``) and DESIGN §3, so that the property tests in
``tests/test_properties.py`` can check the vectorised engine against it, and the benchmarks
can measure how much the vectorisation buys.

The rules, in the plan's words
------------------------------

Base points (part A, "Điểm cơ bản"), one row of the point table at a time:

* ``proportional`` — "Điểm = Tỷ lệ x điểm tối đa" (Phụ lục 3, A.I.6 and others).
  ``basis: attainment`` (default): points = max × clip(value / target, 0, 1), where the
  target is the row's target after urban uplift (1.0 when the row names none; a target of
  0 is attained by any value ≥ 0). ``basis: rate``: points = max × clip(value, 0, 1).
  ``basis: threshold``: points = max when the value meets the target (with the row's
  operator), else 0.
* ``binary`` — "Có được 3đ; không có được 0đ": the row's literal points when the indicator
  holds (value ≥ 0.5), else 0. The literal points are kept even when they differ from the
  row maximum ("tối đa 6" but "Có được 5đ"); the linter reports that, the score does not
  correct it.
* ``per_unit`` — "mỗi văn bản cộng 01 điểm" / "Điểm = số VB x 1": min(count × unit, max),
  negative counts counting as 0.

Bonus points (part B, "Điểm cộng"): per event, summed over the row's kinds of event, capped
at the row's maximum where the row has one, uncapped when its maximum is null ("Theo nhiệm
vụ phát sinh"). Deductions (part C, "Điểm trừ"): per event, negative, never capped —
"Không hạn chế" ("mỗi lần chậm: từ 1-2 ngày trừ 01 điểm/VB; từ 3 ngày trở lên trừ 02
điểm/VB; không báo cáo trừ 10 điểm/VB"). A bonus or deduction row written with a single
``indicator`` instead of ``events`` counts that indicator at ``unit`` points per event
(1 when the row gives no unit), negative for deductions. Counts below 0 count as 0.

Total = base + bonus + deduction, ranked "tính tổng điểm từ cao xuống thấp" (III.1.2,
III.1.3). ``group.<g>`` is the sum of the base points of group g's rows; group maxima are
not applied as caps (each row is capped by its own maximum; the linter checks that the
row maxima add up to the group's).

Targets (DESIGN §3.3): operators are exact — "Trên 70 %" is ``>``, "Hoàn thành 100 %" is
``>=`` — with the scheme's tolerance (1e-9): ``v > t`` means ``v > t + tol``; ``v >= t``
means ``v >= t − tol``; ``v < t`` means ``v < t − tol``; ``v <= t`` means ``v <= t + tol``;
``v == t`` means ``|v − t| <= tol``. Urban uplift ("Địa bàn thị trấn của các huyện tăng
thêm 10%; địa bàn các xã, phường của thành phố tăng thêm 15%") is added in percentage
points to the targets of rows and gates marked ``uplift``, and the result is capped at
1.0 (100 %). A class the plan does not name gets no uplift.

Gates ("Riêng các chỉ tiêu sau phải phấn đấu hoàn thành"): each gate is a target; a unit
failing a *hard* gate is not eligible for any award; a *soft* gate is only reported.

Standards schemes (Tuyên Quang, Lào Cai): each standard is met when ``value op target``
(same tolerance and uplift). A unit meets the scheme when every standard is met, or at least
``min_met`` of them. ``n_met`` counts the standards met; ``margin`` is the mean over the
standards of (value − target) for ``>``, ``>=``, ``==`` and (target − value) for ``<``,
``<=``. Total = base = n_met, bonus = deduction = 0.

Missing values (NaN, or text that is not a number) count as 0: "no data, no points".

Standards printed twice (Lào Cai a.3/a.4, "Trên 90% báo cáo định kỳ…"): a standard with the
same indicator and words (case and spaces ignored; a standard without words is never a
repeat) as an earlier one is shown (``met.<id>``) but counts neither in ``n_met``, nor in the margin, nor in the number
of standards to meet — unless the scheme sets ``standards.count_repeated: true``.

Gates with ``mode: off`` (Lào Cai's registration for communes, whom IV.1 does not name) are
neither applied nor read.

Deadlines inside rows ("xong trong tháng 4/2023", Phụ lục 3 A.V.2–A.V.4): with
``deadline_scoring`` on (the default), a row with a ``deadline`` is scored on its
indicator's value in the deadline's month — read from the column ``<indicator>@<YYYY-MM>``
when the values have it, else from ``history`` (a panel) at that month; without either, on
the evaluation-month value, with a warning in ``attrs["warnings"]``.

Awards (Hà Giang IV.2)
----------------------

1. Eligible: every hard gate holds (standards schemes: and the standards hold).
2. Nomination inside each parent unit: "mỗi huyện, thành phố lựa chọn 01 tập thể, 01 cá
   nhân thuộc cấp xã đạt tiêu chí và có kết quả cao nhất. Đối với những huyện có nhiều xã
   và hoàn thành xuất sắc các chỉ tiêu sẽ được khen thưởng thêm 01 tập thể hoặc cá nhân"
   (IV.2.3); villages: "mỗi huyện, thành phố lựa chọn 02 tập thể" (IV.2.4). Each parent
   nominates its best ``per_parent`` eligible units, plus ``extra.per_parent`` when it has
   at least ``extra.min_children`` units of the scored level in the registry (without a
   registry: rows of the score table with that parent). The parent is the unit's ancestor
   at ``parent_level`` in the registry (without a registry, the score table's
   ``parent_id``). Without a nomination rule every eligible unit is a nominee.
3. Provincial ranking of nominees, "tính tổng điểm từ cao xuống thấp".
4. Tiers filled in order of precedence; each quota is a cap ("không quá"): fewer nominees
   mean fewer awards; a quota of None recognises every remaining nominee; tiers marked
   ``allocate: false`` are skipped.

Ranking and ties: points schemes rank by total, then base points, then fewer deduction
points (a higher, i.e. less negative, ``deduction``), then locality code ascending;
standards schemes by standards met, then mean margin, then locality code. Scores are
compared after rounding to 9 decimals, so float noise is never a winner. ``rank`` ranks
every unit of the score table (eligible or not); ``nominee_rank`` ranks the nominees.

>>> from emusim.loader import scheme_from_dict
>>> s = scheme_from_dict({"kind": "points", "criteria": [
...     {"id": "A.1", "rule": "proportional", "indicator": "x", "max": 20, "target": 0.7}]})
>>> score_unit(s, {"x": 0.35}, "rural")["total"]
10.0
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .errors import InputError, Problem
from .model import Criterion, Scheme

__all__ = ["holds", "effective_target", "score_unit", "score", "allocate", "sort_key"]


# --------------------------------------------------------------------------- one value
def number(x: Any) -> float:
    """A value as a plain float; missing or unreadable values are 0 ("no data, no points")."""
    if x is None:
        return 0.0
    try:
        v = float(x)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(v):
        return 0.0
    return v


def holds(value: float, op: str, target: float, tol: float) -> bool:
    """``value op target`` with the tolerance of DESIGN §3.3.

    >>> holds(0.7 + 1e-12, ">", 0.7, 1e-9), holds(0.75 - 1e-12, ">=", 0.75, 1e-9)
    (False, True)
    """
    if op == ">":
        return value > target + tol
    if op == ">=":
        return value >= target - tol
    if op == "<":
        return value < target - tol
    if op == "<=":
        return value <= target + tol
    if op == "==":
        return abs(value - target) <= tol
    raise ValueError(f"unknown operator {op!r}")


def effective_target(target: float, uplifted: bool, uplift: float) -> float:
    """The target after the additive urban uplift, capped at 100 %.

    >>> effective_target(0.75, True, 0.15), effective_target(0.95, True, 0.15), effective_target(0.75, False, 0.15)
    (0.9, 1.0, 0.75)
    """
    if not uplifted:
        return target
    if target > 1.0:
        return target  # a count target ("ít nhất 01 mô hình"): percentage points do not apply
    raised = target + uplift
    if raised > 1.0:
        return 1.0
    return raised


def _clip01(x: float) -> float:
    if x < 0.0:
        return 0.0
    if x > 1.0:
        return 1.0
    return x


def _proportional(value: float, maximum: float, target: float, basis: str, op: str, tol: float) -> float:
    """"Điểm = Tỷ lệ x điểm tối đa"."""
    if basis == "attainment":
        if target > 0:
            share = value / target
        else:  # a 0 % target is attained by anything that is not negative
            share = 1.0 if value >= 0 else 0.0
        return maximum * _clip01(share)
    if basis == "rate":
        return maximum * _clip01(value)
    if basis == "threshold":
        return maximum if holds(value, op, target, tol) else 0.0
    raise ValueError(f"unknown proportional basis {basis!r}")


def _events_points(c: Criterion, values: dict) -> float:
    """Bonus (capped where the row has a maximum) or deduction (never capped) points."""
    if c.events:
        kinds = [(values.get(e.indicator), e.points) for e in c.events]
    else:
        per = 1.0 if c.unit is None else c.unit
        kinds = [(values.get(c.indicator), per if c.rule == "bonus" else -per)]
    total = 0.0
    for count, pts in kinds:
        n = number(count)
        if n < 0:
            n = 0.0
        total = total + n * pts
    if c.rule == "bonus" and c.max is not None and total > c.max:
        total = c.max
    return total


# --------------------------------------------------------------------------- one unit
def _value_of(c: Criterion, values: dict):
    """The row's value: at its deadline month when it has one and the values carry it."""
    if c.deadline is not None and values.get("__deadline_scoring__", False):
        key = c.indicator + "@" + c.deadline.strftime("%Y-%m")
        if key in values:
            return values[key]
    return values.get(c.indicator)


def _repeats(scheme: Scheme) -> set:
    """Ids of standards repeating an earlier one (same indicator and same words; no words: none)."""
    seen = []
    repeated = set()
    for c in scheme.criteria:
        words = " ".join((c.source.text or c.label or "").lower().split())
        if not words:
            continue
        key = (c.indicator, words, c.deadline)  # a dated copy reads another month's value
        if key in seen:
            repeated.add(c.id)
        else:
            seen.append(key)
    return repeated


def score_unit(scheme: Scheme, values: dict, urban_class: str) -> dict:
    """Every score-table column for one locality (without the descriptive columns).

    ``values`` maps indicator id to value (missing or NaN = 0); ``urban_class`` selects the
    uplift. A dated row reads ``values["<indicator>@<YYYY-MM>"]`` when
    ``values["__deadline_scoring__"]`` is true and the key is there.
    """
    if scheme.kind not in ("points", "standards"):
        raise ValueError(f"the reference scores points and standards schemes, not {scheme.kind!r}")
    tol = scheme.tolerance
    up = scheme.uplift_value(urban_class)
    row: dict[str, Any] = {}
    per_crit: dict[str, Any] = {}
    groups: dict[str, float] = {}

    if scheme.kind == "points":
        base = 0.0
        bonus = 0.0
        deduction = 0.0
        for c in scheme.criteria:
            if c.rule == "proportional":
                target = effective_target(1.0 if c.target is None else c.target, c.uplift, up)
                basis = c.basis or scheme.proportional_basis
                pts = _proportional(number(_value_of(c, values)), c.max, target, basis, c.op, tol)
                per_crit[f"target.{c.id}"] = target
            elif c.rule == "binary":
                literal = c.max if c.points is None else c.points
                pts = float(literal) if number(_value_of(c, values)) >= 0.5 else 0.0
            elif c.rule == "per_unit":
                count = number(_value_of(c, values))
                if count < 0:
                    count = 0.0
                pts = count * c.unit
                if pts > c.max:
                    pts = c.max
            elif c.rule in ("bonus", "deduction"):
                pts = _events_points(c, values)
            else:
                raise ValueError(f"rule {c.rule!r} cannot be scored in a points scheme")
            per_crit[f"points.{c.id}"] = pts
            if c.rule == "bonus":
                bonus = bonus + pts
            elif c.rule == "deduction":
                deduction = deduction + pts
            else:
                base = base + pts
                if c.group is not None:
                    groups[c.group] = groups.get(c.group, 0.0) + pts
        row["total"] = base + bonus + deduction
        row["base"] = base
        row["bonus"] = bonus
        row["deduction"] = deduction
        standards_ok = True
        extra: dict[str, Any] = {}
    else:
        extra = {}
        n_met = 0
        margins = []
        repeated = set() if scheme.count_repeated else _repeats(scheme)
        for c in scheme.criteria:
            target = effective_target(c.target, c.uplift, up)
            v = number(_value_of(c, values))
            met = holds(v, c.op, target, tol)
            extra[f"met.{c.id}"] = met
            per_crit[f"target.{c.id}"] = target
            if c.id in repeated:
                continue  # printed twice by the plan: shown, counted once
            if met:
                n_met += 1
            margins.append(v - target if c.op in (">", ">=", "==") else target - v)
        need = len(scheme.criteria) - len(repeated) if scheme.min_met is None else scheme.min_met
        standards_ok = n_met >= need
        extra["n_met"] = n_met
        extra["margin"] = sum(margins) / len(margins) if margins else 0.0
        row["total"] = float(n_met)
        row["base"] = float(n_met)
        row["bonus"] = 0.0
        row["deduction"] = 0.0

    gate_cols: dict[str, Any] = {}
    hard_ok = True
    for g in scheme.gates:
        if g.mode == "off":
            continue
        target = effective_target(g.target, g.uplift, up)
        ok = holds(number(values.get(g.indicator)), g.op, target, tol)
        gate_cols[f"gate.{g.id}"] = ok
        gate_cols[f"gate_target.{g.id}"] = target
        if g.mode == "hard" and not ok:
            hard_ok = False
    row["eligible"] = hard_ok and standards_ok
    row.update(extra)
    for gid, pts in groups.items():
        row[f"group.{gid}"] = pts
    row.update(per_crit)
    row.update(gate_cols)
    return row


def _columns(scheme: Scheme) -> list[str]:
    """The score columns in table order (also for a table with no rows)."""
    cols = ["total", "base", "bonus", "deduction", "eligible"]
    per: list[str] = []
    if scheme.kind == "standards":
        cols += [f"met.{c.id}" for c in scheme.criteria] + ["n_met", "margin"]
        per = [f"target.{c.id}" for c in scheme.criteria]
    else:
        seen = []
        for c in scheme.criteria:
            if c.rule not in ("bonus", "deduction") and c.group is not None and c.group not in seen:
                seen.append(c.group)
            if c.rule == "proportional":
                per.append(f"target.{c.id}")
            per.append(f"points.{c.id}")
        cols += [f"group.{g}" for g in seen]
    cols += per
    for g in scheme.gates:
        if g.mode != "off":
            cols += [f"gate.{g.id}", f"gate_target.{g.id}"]
    return cols


def score(scheme: Scheme, values_df: pd.DataFrame, registry: pd.DataFrame | None = None,
          history=None) -> pd.DataFrame:
    """The score table, one locality at a time (same columns and index as ``emusim.score``).

    ``history`` (a panel with ``periods``, ``indicators`` and ``at(month)``) gives a dated row
    its value in the deadline's month when the values have no ``<indicator>@<YYYY-MM>`` column.

    With a registry, only the rows whose registry ``level`` is the scheme's ``unit_level``
    are scored, and each unit's ``urban_class`` comes from the registry (empty = rural);
    ``name``, ``parent_id`` and ``unit_type`` are copied from it. Without one, the urban class
    is the values' ``urban_class`` column or ``rural``.
    """
    if not isinstance(values_df, pd.DataFrame):
        raise InputError("values must be a DataFrame indexed by locality_id with one column per indicator")
    ids = [str(i) for i in values_df.index]
    if len(set(ids)) != len(ids):
        raise InputError("values: a locality_id appears more than once")
    missing = [i for i in scheme.indicators if i not in values_df.columns]
    if missing:
        raise InputError([Problem(f"missing indicator column '{m}' needed by {scheme.name}", column=m) for m in missing])
    records = values_df.to_dict("records")

    # dated rows: the value in the deadline's month, from a column or from the history
    dated: dict[str, dict] = {}  # "<indicator>@<YYYY-MM>" -> {locality: value}
    warnings: list[str] = []
    deadlines: dict[str, dict] = {}
    if scheme.deadline_scoring:
        for c in scheme.criteria:
            if c.deadline is None or not c.indicator:
                continue
            month = c.deadline.strftime("%Y-%m")
            key = c.indicator + "@" + month
            checked = key in values_df.columns
            if not checked and history is not None:
                periods = [str(p) for p in history.periods]
                if month in periods and c.indicator in history.indicators:
                    at = history.at(month)
                    dated[key] = {str(i): v for i, v in zip(at.index, at[c.indicator])}
                    checked = True
            deadlines[c.id] = {"deadline": c.deadline.isoformat(), "column": key, "checked": checked}
            if not checked:
                warnings.append(f"{c.id}: deadline not checked")

    reg_rows: dict[str, dict] = {}
    if registry is not None:
        for rid, rrow in zip(registry.index, registry.to_dict("records")):
            reg_rows[str(rid)] = rrow
        unknown = [i for i in ids if i not in reg_rows]
        if unknown:
            raise InputError(f"values: {len(unknown)} locality id(s) not in the registry: {', '.join(unknown[:10])}")

    out_ids: list[str] = []
    rows: list[dict] = []
    for lid, rec in zip(ids, records):
        info: dict[str, Any] = {}
        if registry is not None:
            reg = reg_rows[lid]
            if "level" in registry.columns and reg["level"] != scheme.unit_level:
                continue  # not a unit of this scheme's level
            for col in ("name", "parent_id", "unit_type"):
                if col in registry.columns:
                    info[col] = reg[col]
            cls = reg.get("urban_class") if "urban_class" in registry.columns else None
            if cls is None or (isinstance(cls, float) and math.isnan(cls)):
                cls = "rural"
        else:
            for col in ("name", "parent_id"):
                if col in values_df.columns:
                    info[col] = rec[col]
            cls = rec["urban_class"] if "urban_class" in values_df.columns else "rural"
        cls = str(cls)
        info["urban_class"] = cls
        values = {ind: rec.get(ind) for ind in scheme.indicators}
        for key in deadlines.values():
            col = key["column"]
            if col in values_df.columns:
                values[col] = rec.get(col)
            elif col in dated:
                values[col] = dated[col].get(lid)
        values["__deadline_scoring__"] = scheme.deadline_scoring
        rows.append({**info, **score_unit(scheme, values, cls)})
        out_ids.append(lid)
    if registry is not None and not out_ids:
        raise InputError(f"values: no locality of level '{scheme.unit_level}' to score with {scheme.name}")
    table = pd.DataFrame(rows, index=pd.Index(out_ids, name="locality_id", dtype=object))
    if not rows:
        table = pd.DataFrame(columns=["urban_class"] + _columns(scheme), index=table.index)
    table.attrs["scheme"] = scheme.name
    table.attrs["kind"] = scheme.kind
    if deadlines:
        table.attrs["deadlines"] = deadlines
    if warnings:
        table.attrs["warnings"] = warnings
    return table


# --------------------------------------------------------------------------- awards
def _r9(x) -> float:
    return round(float(x), 9)


def sort_key(row: dict, locality_id: str, kind: str) -> tuple:
    """The tie-break chain as a sort key (smaller = better).

    Points: higher total, higher base, fewer deduction points (higher ``deduction``),
    then locality code ascending. Standards: more standards met, higher margin, code.
    """
    if kind == "standards":
        return (-_r9(row["n_met"]), -_r9(row["margin"]), str(locality_id))
    return (-_r9(row["total"]), -_r9(row["base"]), -_r9(row["deduction"]), str(locality_id))


def _ancestor(lid, level: str, parent_of: dict, level_of: dict):
    """The unit's ancestor at ``level`` in the registry (itself if it is at that level)."""
    cur = lid
    steps = 0
    while cur is not None and level_of.get(cur) != level and steps < 10:
        p = parent_of.get(cur)
        cur = p if p else None
        steps += 1
    if cur is not None and level_of.get(cur) == level:
        return cur
    return None


def allocate(score_table: pd.DataFrame, scheme: Scheme, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who gets which award (columns ``award``, ``rank``, ``nominated``, ``nominee_rank``,
    ``parent_id``, ``eligible``, ``total``, ``reason``), one unit at a time."""
    kind = "standards" if scheme.kind == "standards" else "points"
    ids = [str(i) for i in score_table.index]
    rows = score_table.to_dict("records")
    unit = {lid: row for lid, row in zip(ids, rows)}

    # 3. ranking of every unit (rank 1 = best)
    ordered = sorted(ids, key=lambda lid: sort_key(unit[lid], lid, kind))
    rank = {lid: k + 1 for k, lid in enumerate(ordered)}
    eligible = {lid: bool(unit[lid]["eligible"]) for lid in ids}

    # 2. parents
    nom = scheme.awards.nomination
    parent: dict[str, Any] = {lid: None for lid in ids}
    parent_of: dict = {}
    level_of: dict = {}
    if registry is not None:
        for rid, rrow in zip(registry.index, registry.to_dict("records")):
            p = rrow.get("parent_id")
            if p is None or (isinstance(p, float) and math.isnan(p)) or p == "":
                p = None
            parent_of[str(rid)] = None if p is None else str(p)
            level_of[str(rid)] = rrow.get("level")
    if nom is not None and registry is not None:
        for lid in ids:
            parent[lid] = _ancestor(lid, nom.parent_level, parent_of, level_of)
    elif "parent_id" in score_table.columns:
        for lid in ids:
            parent[lid] = unit[lid]["parent_id"]

    nominated = {lid: False for lid in ids}
    slots_of: dict = {}
    # "province": no nomination step, every eligible unit competes province-wide
    if nom is not None and getattr(nom, "group", "parent") == "province":
        parent = {lid: None for lid in ids}
    if nom is None or getattr(nom, "group", "parent") == "province":
        for lid in ids:
            nominated[lid] = eligible[lid]
    else:
        use_extra = bool(nom.extra_per_parent) and nom.extra_min_children is not None
        children: dict = {}
        if use_extra and registry is not None:
            # "huyện có nhiều xã": units of the scored level in the registry, per parent
            for rid in parent_of:
                if level_of.get(rid) == scheme.unit_level:
                    p = _ancestor(rid, nom.parent_level, parent_of, level_of)
                    if p is not None:
                        children[p] = children.get(p, 0) + 1
        else:
            for lid in ids:
                if parent[lid] is not None:
                    children[parent[lid]] = children.get(parent[lid], 0) + 1
        taken: dict = {}
        for lid in ordered:  # best first
            if not eligible[lid]:
                continue
            p = parent[lid]
            slots = nom.per_parent
            if use_extra and children.get(p, 0) >= nom.extra_min_children:
                slots += nom.extra_per_parent
            slots_of[p] = slots
            if taken.get(p, 0) < slots:
                nominated[lid] = True
            taken[p] = taken.get(p, 0) + 1

    # 4. tiers in order, quotas as caps
    nominees = [lid for lid in ordered if nominated[lid]]
    nominee_rank = {lid: k + 1 for k, lid in enumerate(nominees)}
    award: dict[str, Any] = {lid: None for lid in ids}
    next_up = 0
    for tier in scheme.awards.tiers:
        if not tier.allocate:
            continue
        given = 0
        while next_up < len(nominees) and (tier.quota is None or given < tier.quota):
            award[nominees[next_up]] = tier.id
            next_up += 1
            given += 1

    reason: dict[str, str] = {}
    for lid in ids:
        if award[lid] is not None:
            reason[lid] = f"{award[lid]}: {nominee_rank[lid]} of {len(nominees)} nominees"
        elif not eligible[lid]:
            failed = [g.id for g in scheme.gates if g.mode == "hard" and not bool(unit[lid][f"gate.{g.id}"])]
            reason[lid] = "gate failed: " + ", ".join(failed) if failed else "not eligible"
            if kind == "standards":
                unmet = [c.id for c in scheme.criteria if not bool(unit[lid][f"met.{c.id}"])]
                if unmet:
                    reason[lid] = ("" if not failed else reason[lid] + "; ") + "standards not met: " + ", ".join(unmet)
        elif not nominated[lid]:
            reason[lid] = f"not nominated by {parent[lid]}"
        elif not scheme.awards.allocated_tiers:
            reason[lid] = "no award tier is allocated by this scheme"
        elif next_up == 0:
            reason[lid] = "no award left (every quota is 0)"
        else:
            reason[lid] = "below cut-off"

    table = pd.DataFrame(
        {
            "award": pd.Series([award[lid] for lid in ids], dtype=object, index=ids),
            "rank": [rank[lid] for lid in ids],
            "nominated": [nominated[lid] for lid in ids],
            "reason": pd.Series([reason[lid] for lid in ids], dtype=object, index=ids),
            "total": [float(unit[lid]["total"]) for lid in ids],
            "eligible": [eligible[lid] for lid in ids],
            "parent_id": pd.Series([parent[lid] for lid in ids], dtype=object, index=ids),
            "nominee_rank": [float(nominee_rank[lid]) if lid in nominee_rank else math.nan for lid in ids],
        },
        index=pd.Index(ids, name="locality_id", dtype=object),
    )
    table.attrs["scheme"] = scheme.name
    table.attrs["awards_given"] = {t.id: sum(1 for lid in ids if award[lid] == t.id) for t in scheme.awards.allocated_tiers}
    return table
