"""One set of rules for every number a scheme holds, and a check of the values table at ``score``.

A number can enter a scheme four ways: the scenario file (:mod:`emusim.loader`),
``--set PATH=VALUE`` and ``Scheme.adjust`` (:mod:`emusim.adjust`), and the draws of a
Monte Carlo or Sobol' factor (:mod:`emusim.analysis.factors`, which checks every value a
distribution can take with ``adjust.validate``). All of them ask :func:`field_problem`, so a
``max: .nan`` in a file, ``--set criteria.A.IV.3.max=.inf`` and ``adjust({"uplift.city":
float("nan")})`` get the same refusal.

========================  =====================================================================
field                     rule
========================  =====================================================================
``target``                finite; by the indicator's catalog unit: ratio and yes/no in [0, 1]
                          ("đạt 75 %" → 0.75), count and points ≥ 0, date any
``max`` ``points``        finite, ≥ 0 (the points of one row, a group's or the base maximum)
``unit`` ``group_max``
``base_max``
``event_points``          finite (a deduction event's points are negative)
``uplift``                finite, in [0, 1] (percentage points: +15 % → 0.15)
``tolerance``             finite, in [0, 1]
``quota`` ``min_met`` …   a whole number in [0, 10⁹], or None (no cap)
``per_parent`` …          a whole number in [0, 10⁹]
========================  =====================================================================

>>> from emusim.i18n import using_lang
>>> with using_lang("en"):
...     print(field_problem("target", 85, unit="ratio"))
...     print(field_problem("uplift", float("nan")))
...     print(field_problem("quota", 2.5))
85 is outside [0, 1] (a target on a ratio or yes/no indicator is a fraction: 75 % → 0.75)
nan is not a finite number
must be a whole number from 0 to 1,000,000,000 or null (no cap), not 2.5
>>> field_problem("target", 3, unit="count") is None, field_problem("quota", np.int64(3)) is None
(True, True)
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .i18n import Message
from .limits import MAX_COUNT

INF = math.inf
#: the values an indicator of each catalog unit can take (dates: days since 1970-01-01)
UNIT_RANGE = {"ratio": (0.0, 1.0), "bool": (0.0, 1.0), "count": (0.0, INF), "points": (0.0, INF),
              "date": (-INF, INF)}
_NONNEG = ("max", "points", "unit", "group_max", "base_max")
_COUNT_OR_NONE = ("quota", "quota_individuals", "min_met", "extra_min_children", "individuals_per_parent",
                  "collectives", "individuals")
_COUNT = ("per_parent", "extra_per_parent")
#: rounding slack when checking observed values against their unit's range
VALUE_SLACK = 1e-9


def _show(value) -> str:
    if isinstance(value, float) or isinstance(value, np.floating):
        return f"{float(value):g}"
    return repr(value) if isinstance(value, str) else str(value)


def is_number(value) -> bool:
    """A real number (numpy's too), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_count(value) -> bool:
    """A whole number (numpy's too), not a bool, not a float."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def target_range(unit: str | None, rule: str | None = None) -> tuple[float, float]:
    """The values a target may take: by the indicator's unit; without a unit, a
    proportional row's target is a fraction and any other target non-negative."""
    if unit in UNIT_RANGE:
        return UNIT_RANGE[unit]
    return (0.0, 1.0) if rule == "proportional" else (0.0, INF)


def _range_problem(value: float, lo: float, hi: float, hint: str | None = None) -> Message | None:
    if lo <= value <= hi:
        return None
    hi_text = "∞" if hi == INF else _show(hi)
    lo_text = "−∞" if lo == -INF else _show(lo)
    return Message("validate.outside", value=_show(value), lo=lo_text, hi=hi_text,
                   hint=Message(hint) if hint else "")


def field_problem(field: str, value: Any, *, unit: str | None = None, rule: str | None = None) -> Message | None:
    """The problem with ``value`` for ``field`` (see the table above), or None when it is fine.

    ``unit``: the catalog unit of the indicator a target is on; ``rule``: the criterion's rule.
    """
    if field in _COUNT_OR_NONE or field in _COUNT:
        if value is None and field in _COUNT_OR_NONE:
            return None
        if not is_count(value) or not 0 <= int(value) <= MAX_COUNT:
            key = "validate.not_count_or_none" if field in _COUNT_OR_NONE else "validate.not_count"
            return Message(key, value=_show(value), limit=MAX_COUNT)
        return None
    if not is_number(value):
        return Message("validate.not_a_number", value=_show(value))
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        return Message("validate.not_finite", value=_show(value))
    if field == "target":
        lo, hi = target_range(unit, rule)
        return _range_problem(value, lo, hi, "validate.hint_fraction" if hi == 1.0 else None)
    if field == "uplift":
        return _range_problem(value, 0.0, 1.0, "validate.hint_uplift")
    if field == "tolerance":
        return _range_problem(value, 0.0, 1.0)
    if field in _NONNEG:
        return _range_problem(value, 0.0, INF)
    if field == "event_points":
        return None
    raise KeyError(f"no rule for field {field!r}")  # pragma: no cover - a programming error


def is_count_problem(message) -> bool:
    """Whether a problem says "must be a whole number" (factors add a hint on how to draw one)."""
    if not isinstance(message, Message):
        return False
    return message.key in ("validate.not_count", "validate.not_count_or_none") or any(
        is_count_problem(v) for v in message.values.values())


# ------------------------------------------------------------------ units from the catalog
def indicator_units(indicators: Iterable[str], catalog=None) -> list[str | None]:
    """The catalog unit of each indicator (None when unknown); the package catalog by default."""
    if catalog is None:
        try:
            from .catalog import load_catalog

            catalog = load_catalog()
        except Exception:  # noqa: BLE001 - without a catalog, only finiteness is checked
            return [None for _ in indicators]
    indicators = tuple(indicators)
    key = (id(catalog), indicators)
    units = _UNITS.get(key)
    if units is None or units[0] is not catalog:
        if len(_UNITS) > 64:
            _UNITS.clear()
        units = _UNITS[key] = (catalog, [catalog[i].unit if i in catalog else None for i in indicators])
    return list(units[1])


#: units per (catalog, indicators): score is called thousands of times in sweeps and widgets
_UNITS: dict[tuple, tuple] = {}


def indicator_unit(indicator: str | None, catalog=None) -> str | None:
    return indicator_units([indicator], catalog)[0] if indicator else None


# ------------------------------------------------------------------ the values table at score
MAX_LISTED = 10


def check_values(indicators: list[str], matrix: np.ndarray, index, catalog=None, source: str | None = None) -> None:
    """Refuse values no indicator can take: a ratio of 85 or −0.1, a negative count,
    ±infinity. ``matrix`` is (units × indicators), NaN = missing (allowed: "no data, no
    points"). One vectorised pass; the first ``MAX_LISTED`` bad cells are named (locality and
    column), with the number of the others.

    >>> m = np.array([[0.5, 3.0], [85.0, -1.0], [np.nan, 2.0]])
    >>> check_values(["eid_activation_rate", "report_missing"], m, ["C1", "C2", "C3"])
    Traceback (most recent call last):
    ...
    emusim.errors.InputError: cột 'eid_activation_rate': đơn vị C2: 85 nằm ngoài [0, 1] (chỉ tiêu tỷ lệ)
    cột 'report_missing': đơn vị C2: -1 nằm ngoài [0, ∞] (chỉ tiêu đếm)
    """
    if matrix.size == 0:
        return
    units = indicator_units(indicators, catalog)
    lo = np.array([UNIT_RANGE.get(u, (-INF, INF))[0] for u in units]) - VALUE_SLACK
    hi = np.array([UNIT_RANGE.get(u, (-INF, INF))[1] for u in units]) + VALUE_SLACK
    with np.errstate(invalid="ignore"):
        bad = np.isinf(matrix) | (matrix < lo) | (matrix > hi)
    if not bad.any():
        return
    rows, cols = np.nonzero(bad)
    order = np.lexsort((rows, cols))
    rows, cols = rows[order], cols[order]
    index = list(index)
    problems = []
    for r, c in zip(rows[:MAX_LISTED], cols[:MAX_LISTED]):
        u = units[c]
        low, high = UNIT_RANGE.get(u, (-INF, INF))
        problems.append(Problem(Message(
            "validate.value_outside", locality=str(index[r]), value=_show(matrix[r, c]),
            lo="−∞" if low == -INF else _show(low), hi="∞" if high == INF else _show(high),
            unit=Message(f"validate.unit_{u}") if u in UNIT_RANGE else ""),
            file=source, column=indicators[c]))
    if len(rows) > MAX_LISTED:
        problems.append(Problem(Message("validate.more_values", n=len(rows) - MAX_LISTED), file=source))
    raise InputError(problems)


def check_numeric(frame: pd.DataFrame, source: str | None = None) -> None:
    """Refuse text in a values table (``"85%"``, ``"có"``): the engine would read it as
    missing and score it 0. Only called on columns that are not already numeric."""
    problems = []
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            continue
        num = pd.to_numeric(s, errors="coerce")
        text = num.isna() & s.notna() & (s.astype(str).str.strip() != "")
        for loc, raw in s[text].head(MAX_LISTED).items():
            problems.append(Problem(Message("validate.value_not_number", locality=str(loc), value=repr(raw)),
                                    file=source, column=str(col)))
    if problems:
        raise InputError(problems)


# ------------------------------------------------------------------ lint: reach of targets and gates
def _never(op: str, t: float, lo: float, hi: float, tol: float) -> bool:
    """No value in [lo, hi] meets ``value op t`` (with the engine's tolerance)."""
    return {">=": t - tol > hi, ">": t + tol >= hi, "<=": t + tol < lo, "<": t - tol <= lo,
            "==": t < lo - tol or t > hi + tol}.get(op, False)


def _always(op: str, t: float, lo: float, hi: float, tol: float) -> bool:
    """Every value in [lo, hi] meets ``value op t``."""
    return {">=": t - tol <= lo, ">": t + tol < lo, "<=": t + tol >= hi, "<": t - tol > hi}.get(op, False)


def reach_findings(scheme, catalog=None) -> list[tuple[str, str, Message, str, int | None]]:
    """Targets nobody can reach and gates that can never fail, as lint findings
    ``(level, code, message, item, line)``.

    By the indicator's catalog unit (ratio and yes/no in [0, 1], counts and points ≥ 0) and
    after the urban uplift of every class the scheme names: a standard or gate no unit can
    meet is an ``error`` (for some classes only: a ``warning``); a gate every unit meets —
    ``<= 1.5`` on a ratio, ``>= 0`` on a count — is a ``warning``; so is ``min_met`` above
    the number of standards (an ``error``: nobody is eligible).

    >>> from emusim.loader import scheme_from_dict
    >>> s = scheme_from_dict({"kind": "points", "criteria": [{"id": "A.1", "rule": "binary",
    ...     "indicator": "emulation_registered", "max": 5, "assumption": "x"}],
    ...     "gates": [{"id": "G1", "indicator": "eid_activation_rate", "op": "<=", "target": 1.0},
    ...               {"id": "G2", "indicator": "report_missing", "op": "<", "target": 0}]})
    >>> [(level, code, item) for level, code, _, item, _ in reach_findings(s)]
    [('warning', 'gate-never-fails', 'G1'), ('error', 'target-unreachable', 'G2')]
    """
    from .rules import uplifted_target

    out: list = []
    tol = scheme.tolerance
    classes = ["rural"] + [c for c in scheme.uplift if c != "rural"]
    items = [(c, "what_target") for c in scheme.criteria if c.rule in ("proportional", "standard")]
    items += [(g, "what_gate") for g in scheme.gates]
    units = indicator_units([getattr(x, "indicator", None) or "" for x, _ in items], catalog)
    for (item, what), unit in zip(items, units):
        if unit not in ("ratio", "bool", "count", "points") or item.target is None:
            continue
        lo, hi = UNIT_RANGE[unit]
        targets = {cls: float(uplifted_target(item.target, scheme.uplift_value(cls))) if item.uplift
                   else float(item.target) for cls in classes}
        never = [cls for cls, t in targets.items() if _never(item.op, t, lo, hi, tol)]
        values = dict(what=Message(f"validate.{what}"), op=item.op, indicator=item.indicator,
                      unit_name=Message(f"validate.name_{unit}"), lo=_show(lo), hi="∞" if hi == INF else _show(hi))
        if never:
            some = len(never) < len(targets)
            shown = targets[never[0]]
            out.append(("warning" if some else "error", "target-unreachable",
                        Message("validate.unreachable", target=_show(shown), **values,
                                classes=Message("validate.for_classes", classes=_class_names(never)) if some else ""),
                        item.id, item.line))
        elif what == "what_gate" and all(_always(item.op, t, lo, hi, tol) for t in targets.values()):
            out.append(("warning", "gate-never-fails", Message("validate.always_met", target=_show(item.target),
                                                                **values), item.id, item.line))
    if scheme.kind == "standards" and scheme.min_met is not None and scheme.min_met > len(scheme.criteria):
        out.append(("error", "min-met-unreachable", Message("validate.min_met_unreachable", value=scheme.min_met,
                                                             n=len(scheme.criteria)), "min_met", scheme.line))
    return out


def _class_names(classes) -> Message:
    """Urban classes by their Vietnamese names ("thành phố, thị xã"), their ids in English."""
    from .errors import Bilingual
    from .i18n import t

    def vi(cls: str) -> str:
        try:
            return t(f"render.urban_{cls}", "vi")
        except KeyError:
            return cls

    return Bilingual(", ".join(vi(c) for c in classes), ", ".join(classes))
