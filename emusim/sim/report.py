"""How close the simulation comes to the published record: the calibration report.

Last stage of the simulation flow, for readers: for every anchor of
``data/calibration.yaml`` and every shipped province it applies to, the simulated province
mean at the anchor's month next to the figure, the residual, the tolerance, and a
**hold-out** prediction (the same fit without that anchor; with no other anchor in the
group, the uncalibrated model) — so a reader sees how far to trust the simulated panels
where no figure pins them. Reference anchors (not fitted; each says why) are shown with
their residual too. The published DTI ranks (``rankings``) are checked against the
ordering of the provinces' simulated digital indicators.

>>> rep = calibration_report(seed=0)                      # doctest: +SKIP
>>> rep.table[["anchor", "province", "value", "simulated", "residual", "holdout"]]  # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..catalog import load_catalog
from ..i18n import check_lang, fmt_number, fmt_percent, t
from .config import Calibration, fold, load_calibration

#: The shipped pre-merger provincial registries the report simulates.
REPORT_REGISTRIES = ("ha_giang_2023", "tuyen_quang_2023", "lao_cai_2023")
#: The merged registries whose trajectories run on to the present.
MERGED_REGISTRIES = ("tuyen_quang_2025", "lao_cai_2025")
_LEVELS = ["province", "district", "commune"]
#: First month of the report's panels (the earliest anchor is Hà Giang's 10/2021).
START = "2021-01"
#: Columns of :attr:`CalibrationReport.table` and their message keys (headers in vi / en).
COLUMNS = {
    "anchor": "col_anchor", "indicator": "col_indicator", "label": "col_label",
    "province": "col_province", "period": "col_period", "value": "col_value",
    "target": "col_target", "simulated": "col_simulated", "residual": "col_residual",
    "tolerance": "col_tolerance", "hit": "col_hit", "holdout": "col_holdout",
    "holdout_error": "col_holdout_error", "status": "col_status", "basis": "col_basis",
}


@dataclass
class CalibrationReport:
    """The calibration report: ``table`` (one row per anchor × province), ``rankings``
    (DTI ranks vs simulated ordering), ``trajectories`` (province means by month, the merged
    provinces through 2026-12), ``seed``.

    ``summary(lang)`` gives the headline sentences; ``display(lang)`` the table with
    Vietnamese (or English) headers.
    """

    table: pd.DataFrame
    rankings: pd.DataFrame
    trajectories: pd.DataFrame
    seed: int
    meta: dict = field(default_factory=dict)

    @property
    def fitted(self) -> pd.DataFrame:
        return self.table[self.table["status"] == "fitted"]

    def holdout_error(self) -> float:
        """Median absolute hold-out error over the fitted anchors (fraction points)."""
        err = self.fitted["holdout_error"].abs().dropna()
        return float(err.median()) if len(err) else float("nan")

    def summary(self, lang: str | None = None) -> str:
        lang = check_lang(lang)
        fit = self.fitted
        sourced = fit[fit["basis"] == "source"]
        lines = [t("simulate.report_fitted", lang=lang, n=len(fit), hit=int(fit["hit"].sum()),
                   n_sourced=len(sourced), hit_sourced=int(sourced["hit"].sum()),
                   worst=fmt_number(100 * fit["residual"].abs().max(), lang, 2) if len(fit) else "0"),
                 t("simulate.report_holdout", lang=lang,
                   median=fmt_number(100 * self.holdout_error(), lang, 1),
                   worst=fmt_number(100 * fit["holdout_error"].abs().max(), lang, 1) if len(fit) else "0")]
        ref = self.table[self.table["status"] == "reference"]
        if len(ref):
            lines.append(t("simulate.report_reference", lang=lang, n=len(ref)))
        for _, r in self.rankings.iterrows():
            lines.append(t("simulate.report_ranking", lang=lang, ranking=r["ranking"],
                           published=r["published_order"], simulated=r["simulated_order"],
                           verdict=t("common.yes" if r["agrees"] else "common.no", lang=lang)))
        return "\n".join(lines)

    def display(self, lang: str | None = None) -> pd.DataFrame:
        """The table with headers and values written for a reader in ``lang``."""
        lang = check_lang(lang)
        out = self.table.copy()
        for col in ("value", "target", "simulated", "holdout"):
            out[col] = [fmt_percent(v, lang) if pd.notna(v) else "" for v in out[col]]
        for col in ("residual", "holdout_error", "tolerance"):
            out[col] = [fmt_number(100 * v, lang, 1) if pd.notna(v) else "" for v in out[col]]
        out["hit"] = [t("common.yes" if h else "common.no", lang=lang) if pd.notna(h) else ""
                      for h in out["hit"]]
        out["status"] = [t(f"simulate.status_{s}", lang=lang) for s in out["status"]]
        out["basis"] = [t(f"simulate.basis_{b}", lang=lang) for b in out["basis"]]
        return out.rename(columns={c: t(f"simulate.{k}", lang=lang) for c, k in COLUMNS.items()})

    def _repr_html_(self) -> str:
        return "<p>" + self.summary().replace("\n", "<br>") + "</p>" + self.display().to_html(index=False)


def calibration_report(seed: int = 0, calibration: Calibration | str | None = None,
                       registries=REPORT_REGISTRIES, merged=MERGED_REGISTRIES,
                       holdout: bool = True) -> CalibrationReport:
    """Simulate the shipped provinces with ``seed`` and compare them with every anchor.

    One row per anchor and province it applies to (a province's own anchors; the national
    anchors for the provinces without their own, at the province's target), plus the
    reference anchors of the shipped provinces (status ``reference``) and those of other
    provinces (status ``outside``: no simulated province to compare). ``status`` is
    ``fitted``, ``reference``, ``not_simulated`` (the indicator or level is not in the
    registries, e.g. agency rows) or ``outside``. ``basis`` is ``source`` (a published
    figure) or ``assumption`` (ours only). Residuals and hold-out errors are fractions
    (× 100 = percentage points).
    """
    from ..simulate import simulate

    cal = calibration if isinstance(calibration, Calibration) else load_calibration(calibration)
    catalog = load_catalog()
    panels = {name: simulate(name, start=START, seed=seed, calibration=cal, levels=_LEVELS,
                             holdout=holdout) for name in registries}
    rows = []
    seen = set()
    for name, panel in panels.items():
        province = _province_of(panel)
        for e in panel.meta["calibration"]:
            key = (e["anchor"], province)
            if key in seen:
                continue  # an indicator fitted at two levels: report the base level once
            seen.add(key)
            rows.append(_row(cal, catalog, e["anchor"], province, e, "fitted"))
    fitted_keys = {(r["anchor"], r["province"]) for r in rows}
    provinces = {_province_of(p): p for p in panels.values()}
    for a in cal.anchors:
        if a.use == "calibrate" and any((a.id, p) in fitted_keys for p in provinces):
            continue
        targets = provinces if a.national else {p: v for p, v in provinces.items() if fold(p) == fold(a.province)}
        if not targets:
            rows.append(_row(cal, catalog, a.id, a.province, None, "outside"))
            continue
        for prov, panel in targets.items():
            if a.use == "calibrate" and a.national and prov in {r["province"] for r in rows
                                                                 if r["indicator"] == a.indicator}:
                continue  # this province follows its own anchors for the indicator
            got = _mean_at(panel, a.indicator, a.period)
            status = "reference" if a.use == "reference" else "not_simulated"
            if got is None:
                status = "not_simulated" if a.use == "calibrate" else "reference"
            rows.append(_row(cal, catalog, a.id, prov, {"simulated": got}, status))
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["hit"] = table["hit"].astype("boolean")
    for col in ("simulated", "residual", "holdout", "holdout_error"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    table = table.sort_values(["status", "indicator", "province", "period"],
                              key=lambda s: s.map({"fitted": 0, "reference": 1, "not_simulated": 2,
                                                   "outside": 3}) if s.name == "status" else s,
                              kind="stable").reset_index(drop=True)
    merged_panels = {name: simulate(name, start=START, seed=seed, calibration=cal,
                                    levels=["province", "commune"]) for name in merged}
    traj = _trajectories(cal, panels, merged_panels)
    return CalibrationReport(table, _rankings(cal, panels), traj, seed,
                             {"registries": list(registries), "merged": list(merged),
                              "calibration_file": cal.source})


def _province_of(panel) -> str:
    reg = panel.registry
    prov = reg.loc[reg["level"] == "province"]
    return str(prov["province"].iloc[0] if "province" in prov else prov.index[0])


def _mean_at(panel, indicator: str, period) -> float | None:
    if indicator not in panel.indicators or period not in panel.periods:
        return None
    value = panel.province_means(indicator)[period]
    return None if pd.isna(value) else float(value)


def _row(cal: Calibration, catalog, anchor_id: str, province: str, entry: dict | None, status: str) -> dict:
    a = next(x for x in cal.anchors if x.id == anchor_id)
    target = cal.target(a, province) if status != "outside" else a.value
    sim = None if entry is None else entry.get("simulated")
    resid = None if sim is None else sim - target
    label = catalog[a.indicator].label if a.indicator in catalog else ""
    held = None if entry is None else entry.get("holdout")
    return {"anchor": a.id, "indicator": a.indicator, "label": label, "province": province,
            "period": str(a.period), "value": a.value, "target": round(target, 6),
            "simulated": None if sim is None else round(sim, 6),
            "residual": None if resid is None else round(resid, 6), "tolerance": a.tolerance,
            "hit": None if resid is None else bool(abs(resid) <= a.tolerance + 1e-9),
            "holdout": held, "holdout_error": None if held is None else round(held - target, 6),
            "status": status, "basis": "source" if a.sourced else "assumption"}


def _trajectories(cal: Calibration, panels: dict, merged: dict) -> pd.DataFrame:
    """Province means by month of every anchored indicator: old provinces to the end of
    their panels, merged provinces (named ``… (2025)``) from 07/2025 to 2026-12."""
    indicators = sorted({a.indicator for a in cal.anchors})
    frames = []
    for kind, group in (("old", panels), ("merged", merged)):
        for name, panel in group.items():
            province = _province_of(panel) + (" (2025)" if kind == "merged" else "")
            for ind in indicators:
                if ind not in panel.indicators:
                    continue
                s = panel.province_means(ind)
                if kind == "merged":
                    s = s[s.index >= pd.Period("2025-07", freq="M")]
                frames.append(pd.DataFrame({"province": province, "registry": name, "indicator": ind,
                                            "period": s.index.astype(str), "mean": s.to_numpy()}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["province", "registry", "indicator", "period", "mean"])


def _rankings(cal: Calibration, panels: dict) -> pd.DataFrame:
    """Published ranks vs the ordering of a simulated digital score (mean, over the ratio
    indicators every province simulates at commune level, of the province means)."""
    catalog = load_catalog()
    provinces = {_province_of(p): p for p in panels.values()}
    rows = []
    for r in cal.rankings:
        period = pd.Period(str(r["period"]), freq="M")
        ranked = {p: v for p, v in r["ranks"].items() if p in provinces}
        if len(ranked) < 2:
            continue
        shared = set.intersection(*[{i for i in provinces[p].indicators if i in catalog and
                                     catalog[i].unit == "ratio" and "commune" in catalog[i].levels}
                                    for p in ranked])
        score = {p: float(np.nanmean([provinces[p].province_means(i)[period] for i in sorted(shared)]))
                 for p in ranked}
        published = sorted(ranked, key=lambda p: ranked[p])
        simulated = sorted(ranked, key=lambda p: -score[p])
        rows.append({"ranking": r["id"], "period": str(period),
                     "published_order": " > ".join(published), "simulated_order": " > ".join(simulated),
                     "agrees": published == simulated, "n_indicators": len(shared),
                     **{f"score.{p}": round(score[p], 4) for p in ranked}})
    return pd.DataFrame(rows)
