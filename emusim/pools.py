"""Caps shared by several levels (``pool``): ``allocate_plan(plan, {level: score_table}, registry)``.

Hà Giang IV.2.1 gives the provincial departments *and* the enterprises one cap together:
"Tặng Bằng khen của Chủ tịch UBND tỉnh cho các sở, ban, ngành, đoàn thể tỉnh (hoặc các đơn vị
trực thuộc), các doanh nghiệp có thành tích xuất sắc …; số lượng không quá 5 tập thể và không
quá 8 cá nhân." The scenario tags the chairman tier of both levels ``pool: agency_enterprise``;
allocating each level on its own would give up to 5 + 5 = 10 certificates.

How the shared cap is filled (the rule chosen here, ``rule="standing"``)
-----------------------------------------------------------------------
The plan gives one cap and no split, and ranks the two groups by schemes that are not on one
scale: departments meet III.1.1's standards, enterprises III.1.5's (different standards, and
binary ones whose margin is always 0), so a single ranking by "standards met, then margin"
would always put departments first. IV.2.1 asks for units "có thành tích xuất sắc" in their
own field ("đạt các tiêu chí tại Mục 1, Mục 2 phần III"), so the pooled order is by
**standing within each level**:

1. each level is allocated by :func:`emusim.allocate.allocate` with the pooled tier uncapped:
   its winners, in its own order, are the level's candidates;
2. candidates are ranked by their position in their level (the best department and the best
   enterprise first, then the second of each, …); between equal positions, the higher share of
   the scheme achieved (standards met ÷ standards counted; points ÷ ``base_max``), then the
   higher mean margin (standards) or base points, then the level's order in the plan, then the
   locality code;
3. the first ``quota`` candidates share the cap; each level is then allocated again with the
   pooled tier's quota set to the places it won (so lower tiers, reasons and ties stay
   :func:`~emusim.allocate.allocate`'s own), and a candidate that lost its place says so.

``rule="total"`` ranks candidates by total, then base points, then fewer deductions, then
locality code: allowed only when every pooled level is a points scheme with the same
``base_max`` (one scale). When the pooled tiers state different quotas, the smallest is the
cap (the linter reports the difference).
"""
from __future__ import annotations

import json
from typing import Mapping

import numpy as np
import pandas as pd

from .allocate import allocate, reason_text
from .errors import InputError, Problem
from .i18n import Message, t
from .model import Plan, Scheme

__all__ = ["POOL_RULES", "pools_of", "allocate_plan", "allocate_level"]

POOL_RULES = ("standing", "total")


def pools_of(schemes: Mapping[str, Scheme]) -> dict[str, list[tuple[str, str]]]:
    """Pool id → [(level, tier id), …] for the allocated tiers that carry a ``pool``."""
    out: dict[str, list[tuple[str, str]]] = {}
    for level, s in schemes.items():
        for tier in s.awards.allocated_tiers:
            if tier.pool:
                out.setdefault(tier.pool, []).append((level, tier.id))
    return out


def _share(table: pd.DataFrame, scheme: Scheme) -> np.ndarray:
    """How much of its own scheme each unit achieved (comparable across schemes)."""
    if scheme.kind == "standards":
        from .repeats import counted_standards

        n = max(len(counted_standards(scheme)), 1)
        return table["n_met"].to_numpy(dtype=float) / n
    top = scheme.base_max or float(np.nanmax(table["total"].to_numpy(dtype=float), initial=1.0)) or 1.0
    return table["total"].to_numpy(dtype=float) / top


def _candidates(level: str, order: int, scheme: Scheme, table: pd.DataFrame, award: pd.DataFrame,
                tier_id: str) -> pd.DataFrame:
    won = award.index[award["award"].to_numpy(dtype=object) == tier_id]
    sub = table.loc[won]
    standing = award.loc[won, "nominee_rank"].rank(method="first").to_numpy(dtype=int)
    second = sub["margin"] if scheme.kind == "standards" else sub["base"]
    return pd.DataFrame({
        "level": level, "level_order": order, "locality_id": won.astype(str), "standing": standing,
        "share": np.round(_share(sub, scheme), 9), "second": np.round(second.to_numpy(dtype=float), 9),
        "total": sub["total"].to_numpy(dtype=float), "base": sub["base"].to_numpy(dtype=float),
        "deduction": sub["deduction"].to_numpy(dtype=float),
    })


def _check_rule(rule: str, schemes: list[Scheme]) -> None:
    if rule not in POOL_RULES:
        raise InputError([Problem(Message("pools.bad_rule", rule=rule, rules=", ".join(POOL_RULES)))])
    if rule == "total":
        scales = {(s.kind, s.base_max) for s in schemes}
        if len(scales) > 1 or next(iter(scales))[0] != "points":
            raise InputError([Problem(Message("pools.total_needs_one_scale",
                                              levels=", ".join(s.level for s in schemes)))])


def _order(cands: pd.DataFrame, rule: str) -> pd.DataFrame:
    if rule == "total":
        return cands.sort_values(["total", "base", "deduction", "locality_id"],
                                 ascending=[False, False, False, True], kind="stable")
    return cands.sort_values(["standing", "share", "second", "level_order", "locality_id"],
                             ascending=[True, False, False, True, True], kind="stable")


def allocate_plan(plan: Plan, score_tables: Mapping[str, pd.DataFrame], registry: pd.DataFrame | None = None,
                  *, schemes: Mapping[str, Scheme] | None = None, rule: str = "standing") -> dict[str, pd.DataFrame]:
    """``{level: award_table}`` for ``{level: score_table}``, honouring caps shared by levels.

    ``schemes`` (level → scheme) replaces the plan's scheme of a level (an adjusted one);
    ``rule`` is how a shared cap is filled (module docstring). A level without a pooled tier
    is allocated exactly as :func:`emusim.allocate.allocate` does. Each pooled award table
    carries ``attrs["pool"]``: pool id, cap, levels, rule and the pooled order.
    """
    unknown = [lvl for lvl in score_tables if lvl not in plan.schemes]
    if unknown:
        raise InputError([Problem(Message("pools.unknown_level", level=lvl, levels=", ".join(plan.levels)),
                                  file=plan.file) for lvl in unknown])
    use = {lvl: (schemes or {}).get(lvl) or plan.scheme(lvl) for lvl in score_tables}
    pools = pools_of(use)
    pooled_levels = {lvl for members in pools.values() for lvl, _ in members if len(members) > 1}
    out = {lvl: allocate(score_tables[lvl], use[lvl], registry) for lvl in score_tables if lvl not in pooled_levels}
    for pool_id, members in pools.items():
        if len(members) < 2:
            continue  # the pool's other levels are not being allocated: the level's own cap holds
        member_schemes = [use[lvl] for lvl, _ in members]
        _check_rule(rule, member_schemes)
        quotas = [use[lvl].awards.tier(tid).quota for lvl, tid in members]
        cap = min((q for q in quotas if q is not None), default=None)
        level_order = {lvl: k for k, lvl in enumerate(plan.levels)}
        open_tables = {}
        cands = []
        for lvl, tid in members:
            open_scheme = use[lvl].adjust({f"awards.{tid}.quota": None})
            open_tables[lvl] = allocate(score_tables[lvl], open_scheme, registry)
            cands.append(_candidates(lvl, level_order[lvl], use[lvl], score_tables[lvl], open_tables[lvl], tid))
        ranked = _order(pd.concat(cands, ignore_index=True), rule).reset_index(drop=True)
        ranked["pool_rank"] = np.arange(1, len(ranked) + 1)
        ranked["in_pool"] = ranked["pool_rank"] <= (len(ranked) if cap is None else cap)
        labels = " + ".join(lvl for lvl, _ in members)
        for lvl, tid in members:
            mine = ranked[ranked["level"] == lvl]
            places = int(mine["in_pool"].sum())
            final = allocate(score_tables[lvl], use[lvl].adjust({f"awards.{tid}.quota": places}), registry)
            pool_rank = pd.Series(mine["pool_rank"].to_numpy(), index=mine["locality_id"].to_numpy())
            final["pool_rank"] = pd.Series(final.index.astype(str), index=final.index).map(pool_rank).to_numpy()
            cut = mine.loc[~mine["in_pool"], "locality_id"]
            for lid in cut:
                pos = final.index.astype(str) == lid
                params = {"tier": tid, "cap": cap, "levels": labels, "rank": int(pool_rank[lid])}
                final.loc[pos, "reason"] = reason_text("pool_cut", params, use[lvl])
                if "reason_code" in final:
                    final.loc[pos, "reason_code"] = "pool_cut"
                    final.loc[pos, "reason_params"] = json.dumps(params, ensure_ascii=False)
            final.attrs["pool"] = {"id": pool_id, "tier": tid, "cap": cap, "levels": [m for m, _ in members],
                                   "rule": rule, "places": places,
                                   "order": ranked[["pool_rank", "level", "locality_id", "standing", "share",
                                                    "in_pool"]].to_dict("records")}
            out[lvl] = final
    return {lvl: out[lvl] for lvl in score_tables}


def allocate_level(plan: Plan, scheme: Scheme, score_table: pd.DataFrame, registry: pd.DataFrame | None,
                   *, panel=None, period=None, rule: str = "standing") -> pd.DataFrame:
    """The award table of one level whose tier is pooled (``emusim award``).

    The other levels of the pool are scored from the same panel at the same month with the
    plan's schemes; a partner level with no unit in the data is left out, and the award
    table's ``attrs["warnings"]`` says the cap then holds for this level alone.
    """
    from .engine import score

    tables = {scheme.level: score_table}
    warnings = []
    for pool_id, members in pools_of(plan.schemes).items():
        if scheme.level not in {lvl for lvl, _ in members}:
            continue
        for lvl, _ in members:
            if lvl == scheme.level or lvl in tables:
                continue
            partner = plan.scheme(lvl)
            has_units = panel is not None and (registry is None or "level" not in registry
                                               or (registry["level"] == partner.unit_level).any())
            if has_units:
                try:
                    tables[lvl] = score(partner, panel.at(period), registry, history=panel)
                    continue
                except InputError:
                    pass
            warnings.append(t("pools.partner_missing", level=lvl, pool=pool_id, own=scheme.level))
    awards = allocate_plan(plan, tables, registry, schemes={scheme.level: scheme}, rule=rule)[scheme.level]
    if warnings:
        awards.attrs["warnings"] = list(awards.attrs.get("warnings", [])) + warnings
    return awards
