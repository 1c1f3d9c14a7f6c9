"""Self-assessment checks (issue 11): the units' own scores ("tự chấm điểm") against the plan's.

The plans ask every unit to score itself and the province to re-score. For every unit and
criterion, :func:`verify_self_scores` compares the self-score with the score the plan gives
for the reported values, and names the likely cause of a gap:

``over_claimed_binary``   a yes/no row (``binary``) claimed in full while the data say "not done";
``target_without_uplift`` the self-score is what the row gives with the rural target: the
                          unit forgot the urban uplift ("tăng thêm 10 % / 15 %");
``uncapped_per_unit``     a per-unit row (points per item) counted beyond its maximum;
``rate_reading``          a proportional row scored as rate × maximum ("Điểm = Tỷ lệ x điểm
                          tối đa" read literally) where the scheme reads attainment;
``above_max``             more than the row's maximum;
``standard_claimed``      a pass/fail standard claimed as met that the data do not meet;
``over_claimed`` / ``under_claimed``  any other gap.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .i18n import Message, t

__all__ = ["verify_self_scores", "CAUSES"]

CAUSES = ("over_claimed_binary", "target_without_uplift", "uncapped_per_unit", "rate_reading", "above_max",
          "standard_claimed", "over_claimed", "under_claimed")
TOL = 1e-6


def _max(c) -> float:
    if c.rule == "binary":
        return float(c.points if c.points is not None else c.max or 0.0)
    if c.rule == "standard":
        return 1.0
    return float(c.max or 0.0)


def verify_self_scores(scheme, values: pd.DataFrame, self_scores: pd.DataFrame, registry=None, *,
                       lang: str | None = None, all_rows: bool = False) -> pd.DataFrame:
    """One row per (unit, criterion) whose self-score differs from the plan's score.

    ``self_scores``: index ``locality_id``, one column per criterion id (points; for a
    standard 1 = met, 0 = not met). ``all_rows=True`` keeps the rows that agree too.
    Columns: ``locality_id, name, criterion, self_score, plan_score, difference, cause, reason``;
    ``attrs["summary"]`` counts units and gaps by cause.
    """
    from .engine import score

    if scheme.kind == "tasks":
        raise InputError([Problem(Message("verify.tasks_scheme", scheme=scheme.name))])
    if not isinstance(self_scores, pd.DataFrame) or self_scores.empty:
        raise InputError([Problem(Message("verify.no_self_scores"))])
    known = {c.id: c for c in scheme.criteria}
    unknown = [str(c) for c in self_scores.columns if str(c) not in known]
    if unknown:
        raise InputError([Problem(Message("verify.unknown_criterion", criterion=c, scheme=scheme.name), column=c)
                          for c in unknown])
    table = score(scheme, values, registry)
    no_uplift = scheme.adjust({f"uplift.{cls}": 0.0 for cls in scheme.uplift}) if scheme.uplift else scheme
    plain = score(no_uplift, values, registry)
    rate = score(scheme.adjust({"proportional_basis": "rate"}), values, registry) if scheme.kind == "points" else None
    raw = _raw_values(scheme, values, table.index)
    rows = []
    for lid in self_scores.index.astype(str):
        if lid not in table.index:
            continue
        for cid in self_scores.columns:
            claimed = self_scores.at[lid, cid] if lid in self_scores.index else np.nan
            if pd.isna(claimed):
                continue
            c = known[str(cid)]
            col = f"met.{c.id}" if scheme.kind == "standards" else f"points.{c.id}"
            plan = float(table.at[lid, col])
            diff = float(claimed) - plan
            if abs(diff) <= TOL and not all_rows:
                continue
            cause = _cause(c, float(claimed), plan, lid, plain, rate, raw, scheme) if abs(diff) > TOL else ""
            rows.append({"locality_id": lid, "name": table.at[lid, "name"] if "name" in table else "",
                         "criterion": c.id, "self_score": float(claimed), "plan_score": plan,
                         "difference": diff, "cause": cause,
                         "reason": t(f"verify.cause_{cause}", lang, criterion=c.id, max=_max(c)) if cause else ""})
    out = pd.DataFrame(rows, columns=["locality_id", "name", "criterion", "self_score", "plan_score", "difference",
                                      "cause", "reason"])
    gaps = out[out["cause"] != ""]
    out.attrs["summary"] = {"units_checked": int(len(self_scores.index.intersection(table.index))),
                            "gaps": int(len(gaps)), "units_with_gaps": int(gaps["locality_id"].nunique()),
                            "over_claimed_points": float(gaps.loc[gaps["difference"] > 0, "difference"].sum()),
                            "by_cause": gaps["cause"].value_counts().to_dict()}
    out.attrs["scheme"] = scheme.name
    return out


def _raw_values(scheme, values, index) -> pd.DataFrame:
    needed = [i for i in scheme.indicators if i in values.columns]
    frame = values.copy()
    frame.index = frame.index.astype(str)
    return frame.reindex(index)[needed].apply(pd.to_numeric, errors="coerce")


def _cause(c, claimed, plan, lid, plain, rate, raw, scheme) -> str:
    top = _max(c)
    if claimed > plan:
        if c.rule == "binary" and abs(claimed - top) <= TOL and plan <= TOL:
            return "over_claimed_binary"
        if c.rule == "standard":
            if abs(float(plain.at[lid, f"met.{c.id}"]) - claimed) <= TOL and c.uplift:
                return "target_without_uplift"
            return "standard_claimed"
        if claimed > top + TOL:
            if c.rule == "per_unit" and c.indicator in raw and c.unit is not None:
                if abs(float(raw.at[lid, c.indicator]) * c.unit - claimed) <= TOL:
                    return "uncapped_per_unit"
            return "above_max"
        if c.rule == "proportional":
            if c.uplift and abs(float(plain.at[lid, f"points.{c.id}"]) - claimed) <= TOL:
                return "target_without_uplift"
        return "over_claimed"
    if c.rule == "proportional" and rate is not None and abs(float(rate.at[lid, f"points.{c.id}"]) - claimed) <= TOL:
        return "rate_reading"
    return "under_claimed"
