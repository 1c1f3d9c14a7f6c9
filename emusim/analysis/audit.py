"""A statistical audit of a scheme on data: what actually drives the ranking (issue 13).

What COINr's ``get_corr`` / ``get_cronbach`` and the JRC COIN tool's "importance vs nominal
weight" give composite-indicator builders, for an emulation scheme:

* **Variance shares** — for each group of the point table (I…VII), for the bonus (B) and the
  deductions (C): its share of the variance of the totals, by the covariance decomposition

      share_g = cov(x_g, total) / var(total),   Σ_g share_g = 1  (total = Σ_g x_g)

  set against its *nominal* share of points (the group maximum over the base maximum; the
  plan's "điểm tối đa"). A group whose maximum is 15 % of the points but which explains 2 %
  of the spread of totals barely decides who is ranked first; uncapped bonus and deductions
  ("Theo nhiệm vụ phát sinh", "Không hạn chế") can decide more than any group. For a
  standards scheme the ranking reads the number of standards met: each standard's 0/1 is a
  component of ``n_met`` and its nominal share is 1/k.
* **Correlations** between criteria (Pearson on points; pairs above :data:`HIGH_CORRELATION`
  measure the same thing twice) and Cronbach's α of each group.
* **Saturated** criteria (every unit has full points: they add to everyone and rank nobody)
  and **dead** ones (nobody scores).
* **Inputs**: skew and far-out values (Tukey's fences at 3 × IQR) of every indicator read.

Everything is a table on :class:`Audit`; ``.summary(lang)`` gives the headline sentences and
``.warnings`` what an analyst must know before reading the ranking.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import Message, fmt_percent, t
from .labels import indicator_label

__all__ = ["Audit", "audit", "variance_shares", "HIGH_CORRELATION", "OUTLIER_FENCE"]

#: Criteria pairs with |r| at least this are reported as measuring the same thing.
HIGH_CORRELATION = 0.8
#: Tukey's far-out fence: beyond Q1 − k·IQR or Q3 + k·IQR.
OUTLIER_FENCE = 3.0
_EPS = 1e-9


def variance_shares(components: pd.DataFrame, total: pd.Series | None = None) -> pd.Series:
    """Each column's share of the variance of ``total`` (default: the row sums).

    ``cov(x_g, total) / var(total)``; the shares sum to 1 when ``total`` is the sum of the
    columns. NaN when the total does not vary.

    >>> x = pd.DataFrame({"a": [0, 2, 4, 6], "b": [1, 1, 2, 2], "c": [0, 0, 0, 0]})
    >>> variance_shares(x).round(4).to_dict()
    {'a': 0.8276, 'b': 0.1724, 'c': 0.0}
    """
    x = components.astype(float)
    tot = x.sum(axis=1) if total is None else total.astype(float)
    dev = tot - tot.mean()
    var = float((dev ** 2).mean())
    if var <= _EPS:
        return pd.Series(np.nan, index=x.columns)
    cov = ((x - x.mean()).mul(dev, axis=0)).mean()
    return cov / var


def _components(scheme, st: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """(components, the total they sum to, one row per component: label, part, nominal)."""
    rows = []
    cols = {}
    if scheme.kind == "points":
        base_groups = [g for g in scheme.groups if g.part == "A"]
        base_max = sum(float(g.max or 0) for g in base_groups) or float(scheme.base_max or 0) or np.nan
        for g in base_groups:
            if f"group.{g.id}" in st:
                cols[g.id] = st[f"group.{g.id}"]
                rows.append({"component": g.id, "part": "A", "label": g.label, "label_en": g.label_en,
                             "nominal_points": float(g.max or 0),
                             "nominal_share": float(g.max or 0) / base_max})
        covered = sum(cols.values()) if cols else pd.Series(0.0, index=st.index)
        rest = st["base"] - covered
        if (rest.abs() > 1e-6).any():  # base criteria outside any group
            cols["A.other"] = rest
            rows.append({"component": "A.other", "part": "A", "label": "", "label_en": "",
                         "nominal_points": np.nan, "nominal_share": np.nan})
        for part, col in (("B", "bonus"), ("C", "deduction")):
            crits = [c for c in scheme.criteria if c.part == part]
            if not crits:
                continue
            caps = [c.max for c in crits]
            capped = all(m is not None for m in caps)
            pts = float(sum(caps)) if capped else np.nan
            cols[col] = st[col]
            rows.append({"component": col, "part": part, "label": "", "label_en": "",
                         "nominal_points": pts if part == "B" else np.nan,
                         "nominal_share": pts / base_max if part == "B" and capped else np.nan})
        total = st["total"]
    else:
        k = len([c for c in scheme.criteria if f"met.{c.id}" in st])
        for c in scheme.criteria:
            if f"met.{c.id}" in st:
                cols[c.id] = st[f"met.{c.id}"].astype(float)
                rows.append({"component": c.id, "part": "S", "label": c.label, "label_en": c.label_en,
                             "nominal_points": 1.0, "nominal_share": 1.0 / k if k else np.nan})
        total = st["n_met"].astype(float) if "n_met" in st else pd.DataFrame(cols).sum(axis=1)
    comp = pd.DataFrame(cols, index=st.index).astype(float)
    residual = total.astype(float) - comp.sum(axis=1)
    if (residual.abs() > 1e-6).any():
        comp["residual"] = residual
        rows.append({"component": "residual", "part": "", "label": "", "label_en": "",
                     "nominal_points": np.nan, "nominal_share": np.nan})
    return comp, total.astype(float), pd.DataFrame(rows).set_index("component")


def _criterion_points(scheme, st: pd.DataFrame) -> pd.DataFrame:
    cols = {}
    for c in scheme.criteria:
        col = f"points.{c.id}" if f"points.{c.id}" in st else f"met.{c.id}" if f"met.{c.id}" in st else None
        if col is not None:
            cols[c.id] = st[col].astype(float)
    return pd.DataFrame(cols, index=st.index)


def _criteria_table(scheme, pts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for c in scheme.criteria:
        if c.id not in pts:
            continue
        x = pts[c.id]
        if scheme.kind == "standards":
            full = 1.0
        elif c.rule in ("bonus", "deduction"):
            full = None
        else:
            full = float(c.max if c.max is not None else (c.points or 0))
            if c.rule == "binary" and c.points is not None:
                full = float(c.points)
        share_full = float((x >= full - _EPS).mean()) if full is not None and full > 0 else np.nan
        share_zero = float((x.abs() <= _EPS).mean())
        if share_zero >= 1.0:
            status = "dead"
        elif share_full >= 1.0:
            status = "saturated"
        else:
            status = "discriminating"
        rows.append({"criterion": c.id, "group": c.group or "", "rule": c.rule, "max": full,
                     "mean": float(x.mean()), "sd": float(x.std(ddof=0)), "share_full": share_full,
                     "share_zero": share_zero, "status": status, "label": c.label, "label_en": c.label_en})
    return pd.DataFrame(rows).set_index("criterion") if rows else pd.DataFrame(
        columns=["group", "rule", "max", "mean", "sd", "share_full", "share_zero", "status", "label", "label_en"])


def _correlations(pts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    varying = pts.loc[:, pts.std(ddof=0) > _EPS]
    corr = varying.corr() if varying.shape[1] else pd.DataFrame()
    pairs = []
    cols = list(corr.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            r = float(corr.at[a, b])
            if abs(r) >= HIGH_CORRELATION:
                pairs.append({"a": a, "b": b, "r": r})
    return corr, pd.DataFrame(pairs, columns=["a", "b", "r"]).sort_values("r", key=abs, ascending=False)


def _cronbach(scheme, pts: pd.DataFrame) -> pd.DataFrame:
    """Cronbach's α of each group: k/(k−1) · (1 − Σ var(item) / var(Σ items))."""
    rows = []
    for g in scheme.groups:
        items = [c.id for c in scheme.criteria if c.group == g.id and c.id in pts]
        if len(items) < 2:
            continue
        x = pts[items]
        var_sum = float(x.sum(axis=1).var(ddof=1))
        k = len(items)
        alpha = k / (k - 1) * (1 - float(x.var(ddof=1).sum()) / var_sum) if var_sum > _EPS else np.nan
        rows.append({"group": g.id, "items": k, "alpha": alpha})
    return pd.DataFrame(rows, columns=["group", "items", "alpha"]).set_index("group")


def _inputs(scheme, values: pd.DataFrame, index) -> pd.DataFrame:
    """Per indicator: n, missing, mean, median, sd, skew, share at the maximum, far-out values."""
    from scipy.stats import skew

    inds = [i for i in scheme.indicators if i in values.columns]
    if not inds:
        return pd.DataFrame()
    X = values.reindex(index)[inds].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    ids = np.asarray(index.astype(str))
    ok = ~np.isnan(X)
    n_ok = ok.sum(axis=0)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q1, med, q3 = np.nanquantile(X, [0.25, 0.5, 0.75], axis=0)
        mean = np.nanmean(X, axis=0)
        sd = np.nanstd(X, axis=0)
        mx = np.nanmax(X, axis=0)
        sk = np.where((n_ok > 2) & (sd > _EPS), skew(X, axis=0, bias=False, nan_policy="omit"), 0.0)
    iqr = q3 - q1
    lo, hi = q1 - OUTLIER_FENCE * iqr, q3 + OUTLIER_FENCE * iqr
    far = ok & (iqr > _EPS)[None, :] & ((X < lo[None, :]) | (X > hi[None, :]))
    rows = []
    for k, ind in enumerate(inds):
        if not n_ok[k]:
            rows.append({"indicator": ind, "n": 0, "missing": int(len(ids))})
            continue
        where = np.flatnonzero(far[:, k])
        order = where[np.argsort(-np.abs(X[where, k] - med[k]))][:5]
        rows.append({"indicator": ind, "n": int(n_ok[k]), "missing": int(len(ids) - n_ok[k]), "mean": float(mean[k]),
                     "median": float(med[k]), "sd": float(sd[k]), "skew": float(np.asarray(sk)[k]),
                     "share_max": float((X[ok[:, k], k] >= mx[k] - _EPS).mean()), "outliers": int(len(where)),
                     "outlier_units": ", ".join(f"{ids[r]} ({X[r, k]:g})" for r in order)})
    return pd.DataFrame(rows).set_index("indicator")


@dataclass
class Audit:
    """What :func:`audit` found (all tables indexed by component / criterion / indicator)."""

    scheme_name: str
    kind: str
    shares: pd.DataFrame           # component: part, label, nominal_points, nominal_share, variance_share, sd
    criteria: pd.DataFrame         # criterion: rule, max, mean, share_full, share_zero, status
    correlations: pd.DataFrame     # criterion × criterion (Pearson, varying criteria only)
    high_correlations: pd.DataFrame  # a, b, r with |r| ≥ HIGH_CORRELATION
    cronbach: pd.DataFrame         # group: items, alpha
    inputs: pd.DataFrame           # indicator: n, missing, mean, median, sd, skew, outliers …
    total_sd: float = float("nan")
    warnings: list = field(default_factory=list)

    @property
    def saturated(self) -> list[str]:
        return list(self.criteria.index[self.criteria["status"] == "saturated"])

    @property
    def dead(self) -> list[str]:
        return list(self.criteria.index[self.criteria["status"] == "dead"])

    def summary(self, lang: str | None = None) -> list[str]:
        """Headline sentences: what drives the ranking, what does nothing, what is odd."""
        out = []
        sh = self.shares.dropna(subset=["variance_share"])
        if sh.empty:
            out.append(t("analysis.audit_no_variation", lang))
        else:
            extra = sh[sh.index.isin(["bonus", "deduction"])]
            if len(extra):
                out.append(t("analysis.audit_bonus_deduction", lang,
                             share=fmt_percent(float(extra["variance_share"].sum()), lang, 0)))
            base = sh[sh["nominal_share"].notna()]
            if len(base):
                ratio = (base["variance_share"] / base["nominal_share"]).sort_values()
                low = ratio.index[0]
                high = ratio.index[-1]
                key = "analysis.audit_over_under" if self.kind == "points" else "analysis.audit_over_under_standards"
                out.append(t(key, lang, high=high,
                             high_share=fmt_percent(float(base.at[high, "variance_share"]), lang, 0),
                             high_nominal=fmt_percent(float(base.at[high, "nominal_share"]), lang, 0),
                             low=low, low_share=fmt_percent(float(base.at[low, "variance_share"]), lang, 0),
                             low_nominal=fmt_percent(float(base.at[low, "nominal_share"]), lang, 0)))
        if self.saturated or self.dead:
            out.append(t("analysis.audit_saturated_dead", lang, n_sat=len(self.saturated),
                         saturated=", ".join(self.saturated[:8]) or "—", n_dead=len(self.dead),
                         dead=", ".join(self.dead[:8]) or "—"))
        if len(self.high_correlations):
            r = self.high_correlations.iloc[0]
            out.append(t("analysis.audit_correlated", lang, n=len(self.high_correlations), a=r["a"], b=r["b"],
                         r=round(float(r["r"]), 2)))
        if len(self.inputs) and "outliers" in self.inputs:
            odd = self.inputs[self.inputs["outliers"] > 0].sort_values("outliers", ascending=False)
            if len(odd):
                out.append(t("analysis.audit_outliers", lang, n=len(odd),
                             items=", ".join(f"{indicator_label(i, None, lang, 50)} ({int(k)})"
                                             for i, k in odd["outliers"].head(4).items())))
        return out

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<li>{escape(s)}</li>" for s in self.summary())
        shares = self.shares[["nominal_share", "variance_share"]].round(3)
        shares = shares.rename(columns={"nominal_share": t("analysis.chart_nominal"),
                                        "variance_share": t("analysis.chart_variance")})
        return (f"<div><b>{escape(t('analysis.audit_html_head'))}</b> — {escape(self.scheme_name)}<ul>{head}</ul>"
                f"{shares.to_html()}</div>")

    def __repr__(self) -> str:
        return f"<Audit {self.scheme_name}: {len(self.shares)} components, {len(self.saturated)} saturated, " \
               f"{len(self.dead)} dead criteria>"


def audit(scheme, values: pd.DataFrame, registry: pd.DataFrame | None = None, st: pd.DataFrame | None = None) -> Audit:
    """The statistical audit of ``scheme`` scored on ``values`` (see the module docstring)."""
    from ..engine import score
    from ..errors import InputError, Problem
    from .labels import SchemeTitle

    if scheme.kind == "tasks":
        raise InputError([Problem(Message("analysis.tasks_no_audit", scheme=SchemeTitle(scheme)))])
    if st is None:
        st = score(scheme, values, registry)
    comp, total, info = _components(scheme, st)
    shares = info.copy()
    shares["variance_share"] = variance_shares(comp, total).reindex(shares.index)
    shares["sd"] = comp.std(ddof=0).reindex(shares.index)
    shares["mean"] = comp.mean().reindex(shares.index)
    pts = _criterion_points(scheme, st)
    corr, high = _correlations(pts)
    result = Audit(scheme_name=scheme.name, kind=scheme.kind, shares=shares, criteria=_criteria_table(scheme, pts),
                   correlations=corr, high_correlations=high.reset_index(drop=True), cronbach=_cronbach(scheme, pts),
                   inputs=_inputs(scheme, values, st.index), total_sd=float(total.std(ddof=0)))
    warnings: list[Any] = []
    if shares["variance_share"].isna().all():
        warnings.append(Message("analysis.audit_no_variation"))
    else:
        extra = shares.loc[shares.index.isin(["bonus", "deduction"]), "variance_share"].sum()
        if extra >= 0.3:
            warnings.append(Message("analysis.audit_bonus_deduction", share=Message(
                "analysis.percent", value=round(100 * float(extra)))))
    result.warnings = warnings
    return result
