"""Gaming risk: where a point is cheapest to get, and who wins only through self-declared claims.

An emulation table pays points for very different efforts. "Có được 5đ; không có được 0đ"
(Hà Giang KH 186, Annex 3, A.I.1: "Ban hành kế hoạch thực hiện Đề án 06") pays 5 points for
a yes/no answer the commune gives about itself; "Điểm = Tỷ lệ x điểm tối đa" on eID
activation (A.IV.3, 11 points over a 75 % target) pays 0.15 point per percentage point of the
population. A reviewer with little time should ask for evidence first where points are
cheapest and where an award rests on such claims.

:func:`gaming_risk` measures, for each criterion and unit, at the current values:

* the **points gained per unit of effort**: +1 percentage point on a ratio, +1 event on a
  count, a "yes" on a yes/no indicator that is "no" today — each re-scored by the engine,
  the criterion's own points column before and after (uplift, basis and caps included);
* the **cost** of that effort, in the units of :data:`GAMING_COSTS` (a yes/no claim costs as
  much as one percentage point: a signature on a report), and the points per cost;
* which rows are **self-declared claims** (the criterion reads a yes/no indicator: the unit
  reports its own action), and for every awarded unit whether it **keeps its award without
  its claim points** (its yes/no answers to the point rows set to "no", every other unit as
  is, re-scored and re-allocated).

Deduction rows are left out: their events (late reports, incidents, criticism) are recorded
by others and already happened.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..i18n import Message, t

__all__ = ["GamingRisk", "gaming_risk", "GAMING_COSTS", "STEPS"]

#: Effort cost per step, by catalog unit: a yes/no claim costs as much as one percentage point.
GAMING_COSTS = {"ratio": 1.0, "bool": 1.0, "count": 2.0, "points": 1.0}
#: One step of effort, by catalog unit (a ratio step is one percentage point).
STEPS = {"ratio": 0.01, "bool": 1.0, "count": 1.0, "points": 1.0}
_EPS = 1e-9


def _unit_of(ind: str, values: pd.DataFrame, catalog) -> str:
    if catalog is not None and ind in catalog:
        return catalog[ind].unit
    x = pd.to_numeric(values[ind], errors="coerce").dropna()
    if len(x) and x.isin([0, 1]).all():
        return "bool"
    return "ratio" if len(x) and x.between(0, 1).all() else "count"


def _points_col(scheme, c) -> str:
    return f"points.{c.id}" if scheme.kind == "points" else f"met.{c.id}"


def _score_perturbed(scheme, values: pd.DataFrame, registry, st: pd.DataFrame, new: dict) -> dict:
    """``{indicator: score table with that indicator set to new[indicator]}`` (others as they are).

    Scoring is unit by unit (only allocation compares units), so all perturbed copies are
    scored in one call on a stacked table carrying each unit's urban class. When an input is
    missing (a missing-data policy may look across units) each copy is scored on its own.
    """
    from ..engine import score

    inds = [i for i in scheme.indicators if i in values.columns]
    base = values.reindex(st.index)[inds]
    clean = not base.apply(pd.to_numeric, errors="coerce").isna().to_numpy().any()
    out = {}
    if not clean or "urban_class" not in st:
        for ind, col in new.items():
            v2 = values.copy()
            v2.loc[st.index, ind] = col.to_numpy()
            out[ind] = score(scheme, v2, registry)
        return out
    frames = []
    for k, (ind, col) in enumerate(new.items()):
        f = base.copy()
        f[ind] = col.to_numpy()
        f.index = [f"{k}\x1f{i}" for i in st.index]
        frames.append(f)
    stacked = pd.concat(frames)
    stacked["urban_class"] = np.tile(st["urban_class"].astype(str).to_numpy(), len(new))
    stacked.index.name = "locality_id"
    big = score(scheme, stacked, None)
    n = len(st)
    for k, ind in enumerate(new):
        part = big.iloc[k * n:(k + 1) * n]
        out[ind] = part.set_axis(st.index)
    return out


@dataclass
class GamingRisk:
    """What :func:`gaming_risk` found."""

    scheme_name: str
    kind: str
    marginal: pd.DataFrame   # one row per (unit, criterion, indicator) that can still gain
    cheapest: pd.DataFrame   # one row per (criterion, indicator), cheapest points first
    claims: pd.DataFrame     # one row per unit: claim_points, award, award_without_claims, depends_on_claims
    warnings: list = field(default_factory=list)

    @property
    def flags(self) -> pd.DataFrame:
        """The awarded units that lose their award without their self-declared claims."""
        return self.claims[self.claims["depends_on_claims"]].sort_values("rank")

    def summary(self, lang: str | None = None) -> list[str]:
        out = []
        if len(self.cheapest):
            top = self.cheapest.iloc[0]
            out.append(t("analysis.gaming_cheapest", lang, criterion=top["criterion"],
                         unit=t("common.points" if self.kind == "points" else "analysis.standards_word", lang), effort=t(
                f"analysis.effort_{top['effort']}", lang), points=round(float(top["points_per_step"]), 2),
                units=int(top["units_can_gain"])))
        claim_rows = self.cheapest[self.cheapest["self_declared"]] if len(self.cheapest) else self.cheapest
        awarded = self.claims[self.claims["award"].notna()] if len(self.claims) else self.claims
        if len(awarded) and not len(self.flags):
            out.append(t("analysis.gaming_no_flags", lang, rows=len(claim_rows["criterion"].unique()) if len(claim_rows) else 0,
                         winners=len(awarded)))
        elif len(awarded):
            out.append(t("analysis.gaming_claim_share", lang, rows=len(claim_rows["criterion"].unique()) if len(claim_rows) else 0,
                         winners=len(awarded), flagged=len(self.flags),
                         names=", ".join(str(n) for n in self.flags["name"].head(5)) if len(self.flags) else "—"))
        return out

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<li>{escape(s)}</li>" for s in self.summary())
        return (f"<div><b>{escape(t('analysis.gaming_html_head'))}</b> — {escape(self.scheme_name)}<ul>{head}</ul>"
                f"{self.cheapest.head(12).to_html()}</div>")

    def __repr__(self) -> str:
        return f"<GamingRisk {self.scheme_name}: {len(self.cheapest)} rows, {len(self.flags)} flagged winners>"


def gaming_risk(scheme, values: pd.DataFrame, registry: pd.DataFrame | None = None, catalog=None,
                costs: dict | None = None) -> GamingRisk:
    """The cheapest points of ``scheme`` at ``values`` and the winners who rest on claims."""
    from ..allocate import allocate
    from ..engine import score
    from ..errors import InputError, Problem
    from .labels import SchemeTitle
    from .factors import default_catalog

    if scheme.kind == "tasks":
        raise InputError([Problem(Message("analysis.tasks_no_gaming", scheme=SchemeTitle(scheme)))])
    cat = catalog if catalog is not None else default_catalog()
    cost_of = {**GAMING_COSTS, **(costs or {})}
    st = score(scheme, values, registry)
    aw = allocate(st, scheme, registry)
    names = aw["name"] if "name" in aw else pd.Series(aw.index, index=aw.index)
    crits = [c for c in scheme.criteria if c.rule != "deduction" and _points_col(scheme, c) in st]
    by_indicator: dict[str, list] = {}
    for c in crits:
        for ind in c.indicators:
            if ind in values.columns:
                by_indicator.setdefault(ind, []).append(c)
    frames = []
    claim_inds: set[str] = set()
    steps = {}
    for ind in by_indicator:
        unit = _unit_of(ind, values, cat)
        step = STEPS.get(unit, 1.0)
        cur = pd.to_numeric(values[ind].reindex(st.index), errors="coerce").astype(float)
        if unit == "bool":
            claim_inds.add(ind)
            new, can = cur.where(cur >= 0.5, 1.0), cur < 0.5
        elif unit == "ratio":
            new, can = (cur + step).clip(upper=1.0), cur < 1.0 - _EPS
        else:
            new, can = cur + step, cur.notna()
        steps[ind] = (unit, step, cur, new, can)
    perturbed = _score_perturbed(scheme, values, registry, st, {ind: v[3] for ind, v in steps.items()})
    for ind, cs in by_indicator.items():
        unit, step, cur, new, can = steps[ind]
        st2 = perturbed[ind]
        effort = {"bool": "claim", "ratio": "pp", "count": "event"}.get(unit, "event")
        for c in cs:
            col = _points_col(scheme, c)
            gain = (st2[col].astype(float) - st[col].astype(float))
            keep = can & cur.notna()
            frames.append(pd.DataFrame({
                "locality_id": st.index[keep], "name": names.reindex(st.index[keep]).to_numpy(),
                "criterion": c.id, "group": c.group or "", "rule": c.rule, "indicator": ind, "effort": effort,
                "current": cur[keep].to_numpy(), "step": step, "points_per_step": gain[keep].to_numpy(),
                "cost": cost_of.get(unit, 1.0), "self_declared": unit == "bool",
            }))
    marginal = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["locality_id", "name", "criterion", "group", "rule", "indicator", "effort", "current", "step",
                 "points_per_step", "cost", "self_declared"])
    marginal["points_per_cost"] = marginal["points_per_step"] / marginal["cost"]
    marginal = marginal.sort_values(["points_per_cost", "criterion"], ascending=[False, True], kind="mergesort")
    labels = {c.id: (c.label, c.label_en) for c in scheme.criteria}
    rows = []
    for (cid, ind), g in marginal.groupby(["criterion", "indicator"], sort=False):
        gaining = g[g["points_per_step"] > _EPS]
        rows.append({"criterion": cid, "indicator": ind, "group": g["group"].iloc[0], "rule": g["rule"].iloc[0],
                     "effort": g["effort"].iloc[0], "self_declared": bool(g["self_declared"].iloc[0]),
                     "units_can_gain": int(len(gaining)),
                     "points_per_step": float(gaining["points_per_step"].median()) if len(gaining) else 0.0,
                     "cost": float(g["cost"].iloc[0]),
                     "points_per_cost": float(gaining["points_per_cost"].median()) if len(gaining) else 0.0,
                     "label": labels.get(cid, ("", ""))[0], "label_en": labels.get(cid, ("", ""))[1]})
    cheapest = pd.DataFrame(rows, columns=["criterion", "indicator", "group", "rule", "effort", "self_declared",
                                           "units_can_gain", "points_per_step", "cost", "points_per_cost", "label",
                                           "label_en"])
    cheapest = cheapest[cheapest["units_can_gain"] > 0].sort_values(
        ["points_per_cost", "units_can_gain", "criterion"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)
    # claim points per unit, and the counterfactual without them for each awarded unit
    claim_crits = [(c, ind) for c in crits for ind in c.indicators if ind in claim_inds]
    claim_points = pd.Series(0.0, index=st.index)
    for c in {c.id: c for c, _ in claim_crits}.values():
        claim_points += st[_points_col(scheme, c)].astype(float)
    claims = pd.DataFrame({"name": names.reindex(st.index).to_numpy(), "award": aw["award"].reindex(st.index).to_numpy(),
                           "rank": aw["rank"].reindex(st.index).to_numpy(), "claim_points": claim_points.to_numpy(),
                           "total": st["total"].to_numpy() if "total" in st else np.nan,
                           "award_without_claims": None, "rank_without_claims": np.nan,
                           "depends_on_claims": False}, index=st.index)
    claims["award"] = claims["award"].astype(object).where(claims["award"].notna(), None)
    inds = sorted({ind for _, ind in claim_crits})
    if inds:
        for uid in claims.index[claims["award"].notna()]:
            cur = pd.to_numeric(values.loc[uid, inds], errors="coerce")
            if not (cur >= 0.5).any():
                claims.at[uid, "award_without_claims"] = claims.at[uid, "award"]
                claims.at[uid, "rank_without_claims"] = claims.at[uid, "rank"]
                continue
            v2 = values.copy()
            v2.loc[uid, inds] = 0.0
            s2 = score(scheme, v2, registry)
            a2 = allocate(s2, scheme, registry)
            after = a2.at[uid, "award"]
            after = after if isinstance(after, str) else None
            claims.at[uid, "award_without_claims"] = after
            claims.at[uid, "rank_without_claims"] = a2.at[uid, "rank"]
            claims.at[uid, "depends_on_claims"] = after is None
    claims["depends_on_claims"] = claims["depends_on_claims"].astype(bool)
    result = GamingRisk(scheme.name, scheme.kind, marginal.reset_index(drop=True), cheapest, claims)
    if len(result.flags):
        result.warnings.append(Message("analysis.gaming_flag", n=len(result.flags),
                                       names=", ".join(str(n) for n in result.flags["name"].head(8))))
    return result
