"""A pre-merger plan on the merged province: who wins under each nomination grouping (issue 12).

The study asks what happens when the Hà Giang 2023 commune scheme (186/KH-UBND, Phụ lục 2)
is used on merged Tuyên Quang (registry ``tuyen_quang_2025``: 124 xã and phường, no district
level). Three things in the plan no longer have a referent and must be chosen explicitly:

1. **Urban classes.** The plan's uplift ("Địa bàn thành phố tăng thêm 15%", thị trấn +10 %,
   III.1.2–III.1.3) names a city and townships that no longer exist. The study uses the
   two-level classes of :func:`emusim.clusters.two_level_classes` (``ward`` = phường,
   ``former_city`` = a xã made mostly of a former city's communes, ``former_township`` = a xã
   whose core was a thị trấn) and maps them — an **assumption**, listed in
   ``study.assumptions`` — to the plan's +15 / +15 / +10 pp (:data:`UPLIFT_2025`). Without a
   mapping they would get 0; the linter says so (``emusim lint --registry``).
2. **Where nomination runs.** "mỗi huyện, thành phố lựa chọn 01 tập thể" (IV.2.3) has no
   huyện: the study runs ``former_district`` (the 18 former districts of both provinces),
   ``cluster`` (an emulation-cluster file; the sample one is **synthetic**) and ``province``
   (no nomination step), each with the plan's per-group slots (1, +1 for ≥ 20 communes).
3. **Quotas** ("không quá 05 tập thể", "không quá 09 tập thể") were set for 193 communes;
   ``quotas=`` changes them (e.g. scaled to 124 communes).

:func:`grouping_study` returns a :class:`GroupingStudy` of tables: ``awards`` (every unit's
award under each grouping), ``summary`` (nominees, awards by tier, how many former
districts and clusters win anything, the largest share going to one former district, the
award rate of phường against xã), ``equity`` (:func:`emusim.analysis.equity.equity` by urban
class, former district and cluster, per grouping) and ``changes`` (units whose award depends
on the grouping). The chart is :func:`emusim.charts.grouping.grouping`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..i18n import check_lang, t
from .equity import equity

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CLUSTERS = ROOT / "data" / "samples" / "clusters_tuyen_quang_2025.csv"
GROUPINGS = ("former_district", "cluster", "province")

#: The plan's uplift mapped to the two-level classes (an assumption of the study):
#: phường and the former city's xã as the city (+15 pp), a former township's xã +10 pp.
UPLIFT_2025 = {"ward": 0.15, "former_city": 0.15, "former_township": 0.10}

__all__ = ["GroupingStudy", "grouping_study", "GROUPINGS", "UPLIFT_2025", "SAMPLE_CLUSTERS"]


@dataclass
class GroupingStudy:
    """The tables of :func:`grouping_study` (see the module docstring)."""

    awards: pd.DataFrame
    summary: pd.DataFrame
    equity: dict
    changes: pd.DataFrame
    award_tables: dict
    registry: pd.DataFrame
    scheme: object
    assumptions: list = field(default_factory=list)
    lang: str = "vi"

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{a}</li>" for a in self.assumptions)
        return (f"<div><ul>{notes}</ul>{self.summary.to_html(float_format=lambda x: f'{x:.3f}')}</div>")


def prepare_registry(registry="tuyen_quang_2025", clusters=SAMPLE_CLUSTERS) -> pd.DataFrame:
    """The merged registry with two-level urban classes, former districts and (if given) clusters."""
    from ..clusters import assign_clusters, two_level_classes, with_former_districts
    from ..registry import load_registry

    reg = registry if isinstance(registry, pd.DataFrame) else load_registry(registry)
    if "former_district_id" not in reg or "former_district" not in reg:
        reg = with_former_districts(reg)
    reg = two_level_classes(reg)
    if clusters is not None:
        reg = assign_clusters(reg, clusters)
    return reg


def _summary_row(aw: pd.DataFrame, reg: pd.DataFrame, tiers, lang: str) -> dict:
    won = aw["award"].notna()
    row = {"nominees": int(aw["nominated"].sum()), "awards": int(won.sum())}
    for tier in tiers:
        row[f"awards.{tier}"] = int((aw["award"] == tier).sum())
    fd = reg["former_district_id"].reindex(aw.index.astype(str))
    row["former_districts_awarded"] = int(fd[won.to_numpy()].nunique())
    row["former_districts"] = int(fd.nunique())
    if "cluster" in reg:
        cl = reg["cluster"].reindex(aw.index.astype(str))
        row["clusters_awarded"] = int(cl[won.to_numpy()].nunique())
        row["clusters"] = int(cl.nunique())
    per_fd = won.groupby(fd.to_numpy()).sum()
    row["max_share_one_former_district"] = float(per_fd.max() / won.sum()) if won.sum() else np.nan
    cls = aw["urban_class"].astype(str)
    ward_rate = won[cls == "ward"].mean() if (cls == "ward").any() else np.nan
    rural_rate = won[cls == "rural"].mean() if (cls == "rural").any() else np.nan
    row["award_rate_ward"] = float(ward_rate)
    row["award_rate_rural"] = float(rural_rate)
    return row


def grouping_study(plan="ha_giang_186_2023", level: str = "commune", registry="tuyen_quang_2025",
                   clusters=SAMPLE_CLUSTERS, values: pd.DataFrame | None = None, seed: int = 1,
                   period: str = "2025-09", groupings: Sequence[str] = GROUPINGS,
                   quotas: Mapping[str, int | None] | None = None,
                   uplift: Mapping[str, float] | None = None, lang: str | None = None) -> GroupingStudy:
    """Score ``plan``'s ``level`` scheme on the merged ``registry`` and allocate it under each grouping.

    ``values``: indicator values at the evaluation month (default: simulated with ``seed`` at
    ``period``); ``quotas``: ``{tier: quota}`` replacing the plan's; ``uplift``: the mapping of
    the two-level classes (default :data:`UPLIFT_2025`; ``{}`` keeps the plan's, so those
    classes get 0).
    """
    from ..allocate import allocate
    from ..engine import score
    from ..loader import load_plan
    from ..model import TWO_LEVEL_CLASSES

    lang = check_lang(lang)
    plan = load_plan(plan) if not hasattr(plan, "schemes") else plan
    scheme = plan.scheme(level)
    reg = prepare_registry(registry, clusters if "cluster" in groupings else None)
    uplift = dict(UPLIFT_2025 if uplift is None else uplift)
    changes = {f"uplift.{cls}": v for cls, v in uplift.items()}
    changes.update({f"awards.{tier}.quota": q for tier, q in (quotas or {}).items()})
    if changes:
        scheme = scheme.adjust(changes)
    simulated = values is None
    if simulated:
        from ..simulate import simulate

        values = simulate(reg, seed=seed).at(period)
    st = score(scheme, values, reg)
    tiers = [tr.id for tr in scheme.awards.allocated_tiers]
    tables, summary, eq = {}, {}, {}
    for g in groupings:
        sg = scheme.adjust({"awards.nomination.group": g}) if scheme.awards.nomination is not None else scheme
        aw = allocate(st, sg, reg, lang=lang)
        tables[g] = aw
        summary[g] = _summary_row(aw, reg, tiers, lang)
        by = ["urban_class", "former_district_id"] + (["cluster"] if "cluster" in reg else [])
        eq[g] = equity(aw, reg, by=by)
    ids = st.index.astype(str)
    awards = pd.DataFrame({
        "name": reg["name"].reindex(ids).to_numpy(),
        "urban_class": reg["urban_class"].reindex(ids).to_numpy(),
        "former_district": reg["former_district"].reindex(ids).to_numpy(),
        "total": st["total"].to_numpy(), "eligible": st["eligible"].to_numpy(),
    }, index=pd.Index(ids, name="locality_id"))
    if "cluster" in reg:
        awards.insert(3, "cluster", reg["cluster_name"].reindex(ids).to_numpy() if "cluster_name" in reg
                      else reg["cluster"].reindex(ids).to_numpy())
    for g, aw in tables.items():
        awards[f"award.{g}"] = aw["award"].reindex(ids).to_numpy()
        awards[f"reason.{g}"] = aw["reason"].reindex(ids).to_numpy()
    award_cols = [f"award.{g}" for g in tables]
    differs = awards[award_cols].astype(object).fillna("—").nunique(axis=1) > 1
    changes_tab = awards.loc[differs, ["name", "urban_class", "former_district", "total"] + award_cols]
    summary_tab = pd.DataFrame(summary).T
    summary_tab.index.name = "grouping"
    assumptions = [t("grouping.assume_uplift", lang, mapping=", ".join(f"{c} +{round(v * 100)} pp" for c, v in uplift.items()))
                   if uplift else t("grouping.assume_no_uplift", lang, classes=", ".join(TWO_LEVEL_CLASSES))]
    if "cluster" in groupings and clusters is not None:
        assumptions.append(t("grouping.assume_clusters", lang, file=Path(str(clusters)).name))
    assumptions.append(t("grouping.assume_quotas", lang, quotas=", ".join(
        f"{tr.id} ≤ {tr.quota if tr.quota is not None else '∞'}" for tr in scheme.awards.allocated_tiers)))
    assumptions.append(t("grouping.assume_values", lang, seed=seed, period=period) if simulated else "")
    return GroupingStudy(awards.sort_values("total", ascending=False), summary_tab, eq, changes_tab.sort_values("total", ascending=False),
                         tables, reg, scheme, [a for a in assumptions if a], lang)
