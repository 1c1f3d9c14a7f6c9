"""Decide who gets which award, and say why not (DESIGN §3.5).

Steps, as the plans prescribe:

1. **Eligibility** — every hard gate holds (and, for standards schemes, the standards).
2. **Nomination** inside each parent unit (Hà Giang IV.2.3: "mỗi huyện, thành phố lựa
   chọn 01 tập thể … thuộc cấp xã đạt tiêu chí và có kết quả cao nhất"; districts with
   many communes one more; IV.2.4: two villages per district). Without a nomination rule
   every eligible unit is a nominee.
3. **Provincial ranking** of nominees ("tính tổng điểm từ cao xuống thấp").
4. **Tiers filled in order** (Bằng khen of the Chairman, then Giấy khen of the Police
   Director); each quota is a cap ("không quá"): fewer nominees, fewer awards. A tier with
   no quota ("theo thẩm quyền") recognises every remaining nominee.

Ties are broken by the chain of :func:`emusim.engine.ranking_keys` (total, base points,
fewer deduction points, locality code); every tie decided that way at a nomination or
award cut-off is reported in ``award_table.attrs["ties"]`` and in the ``tie`` column.

The award table has, for every unit: ``award`` (tier id or None), ``rank`` (1 = best in
the province by the ranking chain), ``nominated``, ``reason`` (why it got nothing, or
which tier it won and how), plus ``total``, ``eligible``, ``parent_id``,
``nominee_rank``, ``flags`` (soft gates failed) and ``tie``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import rank_order, ranking_keys
from .model import Scheme


def ancestor_ids(registry: pd.DataFrame, ids, level: str) -> np.ndarray:
    """The id of each locality's ancestor at ``level`` (itself if already at that level).

    >>> reg = pd.DataFrame({"level": ["province", "district", "commune", "village"],
    ...                     "parent_id": ["", "P", "D", "C"]}, index=["P", "D", "C", "V"])
    >>> ancestor_ids(reg, ["V", "C"], "district").tolist()
    ['D', 'D']
    """
    parent = registry["parent_id"].astype(object).where(registry["parent_id"].notna(), None).to_dict()
    lvl = registry["level"].to_dict()
    out = []
    for i in ids:
        cur, seen = i, 0
        while cur is not None and lvl.get(cur) != level and seen < 10:
            cur = parent.get(cur) or None
            seen += 1
        out.append(cur if cur is not None and lvl.get(cur) == level else None)
    return np.array(out, dtype=object)


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _describe_tie(a: pd.Series, b: pd.Series, kind: str) -> str:
    """Which key of the chain separated two rows equal on the first key."""
    for col, _ in ranking_keys(None, kind)[1:]:
        if abs(float(a[col]) - float(b[col])) > 1e-9:
            return col
    return "locality_id"


def allocate(score_table: pd.DataFrame, scheme: Scheme, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """The award table for ``score_table`` under ``scheme``'s award rules."""
    kind = scheme.kind if scheme.kind in ("points", "standards") else "points"
    st = score_table
    n = len(st)
    ids = st.index.astype(str).to_numpy()
    order = rank_order(st, kind)
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(1, n + 1)
    eligible = st["eligible"].to_numpy(dtype=bool)
    ties: list[dict] = []
    tie_note = np.full(n, "", dtype=object)
    first_key = ranking_keys(st, kind)[0][0]
    primary = st[first_key].to_numpy(dtype=float)

    def note_tie(win: int, lose: int, where: str):
        if abs(primary[win] - primary[lose]) <= 1e-9:
            decided = _describe_tie(st.iloc[win], st.iloc[lose], kind)
            ties.append({"where": where, "winner": ids[win], "loser": ids[lose], first_key: primary[win], "decided_by": decided})
            msg = f"tie on {first_key} at {where} broken by {decided}"
            tie_note[win] = tie_note[lose] = msg

    # --- parents and nomination ---------------------------------------------------------
    nom = scheme.awards.nomination
    parent = np.full(n, None, dtype=object)
    parent_name: dict = {}
    if nom is not None:
        if registry is not None:
            parent = ancestor_ids(registry, ids, nom.parent_level)
            if "name" in registry:
                parent_name = registry["name"].to_dict()
        elif "parent_id" in st:
            parent = st["parent_id"].to_numpy(dtype=object)
    elif "parent_id" in st:
        parent = st["parent_id"].to_numpy(dtype=object)

    nominated = eligible.copy()
    nominee_slots: dict = {}
    position_in_parent = np.zeros(n, dtype=int)
    if nom is not None:
        nominated[:] = False
        if registry is not None and nom.extra_per_parent and nom.extra_min_children is not None:
            same_level = registry[registry["level"] == scheme.unit_level]
            child_parent = ancestor_ids(registry, same_level.index.astype(str), nom.parent_level)
            children = pd.Series(child_parent).value_counts().to_dict()
        else:
            children = pd.Series(parent).value_counts().to_dict()
        seen: dict = {}
        last_in: dict = {}
        for pos in order:
            p = parent[pos]
            if not eligible[pos]:
                continue
            slots = nom.per_parent
            if nom.extra_per_parent and nom.extra_min_children is not None and children.get(p, 0) >= nom.extra_min_children:
                slots += nom.extra_per_parent
            nominee_slots[p] = slots
            k = seen.get(p, 0)
            position_in_parent[pos] = k + 1
            if k < slots:
                nominated[pos] = True
                last_in[p] = pos
            elif k == slots and p in last_in:
                note_tie(last_in[p], pos, f"nomination in {parent_name.get(p, p)}")
            seen[p] = k + 1

    # --- tiers ---------------------------------------------------------------------------
    award = np.full(n, None, dtype=object)
    nominee_order = [pos for pos in order if nominated[pos]]
    nominee_rank = np.zeros(n, dtype=int)
    for k, pos in enumerate(nominee_order):
        nominee_rank[pos] = k + 1
    cursor = 0
    cutoff_pos = None
    tiers = scheme.awards.allocated_tiers
    for tier in tiers:
        remaining = len(nominee_order) - cursor
        take = remaining if tier.quota is None else min(tier.quota, remaining)
        for pos in nominee_order[cursor:cursor + take]:
            award[pos] = tier.id
        if take:
            cutoff_pos = nominee_order[cursor + take - 1]
        if cursor + take < len(nominee_order) and take:
            note_tie(nominee_order[cursor + take - 1], nominee_order[cursor + take], f"cut-off of {tier.id}")
        cursor += take

    # --- reasons -------------------------------------------------------------------------
    hard = [g for g in scheme.gates if g.mode == "hard"]
    soft = [g for g in scheme.gates if g.mode == "soft"]
    met_cols = [c for c in st.columns if c.startswith("met.")]
    reason = np.full(n, "", dtype=object)
    flags = np.full(n, "", dtype=object)
    cut_value = primary[cutoff_pos] if cutoff_pos is not None else None
    for pos in range(n):
        row = st.iloc[pos]
        failed_soft = [g.id for g in soft if not bool(row[f"gate.{g.id}"])]
        if failed_soft:
            flags[pos] = "soft gate failed: " + ", ".join(failed_soft)
        if award[pos] is not None:
            tier = next(t for t in tiers if t.id == award[pos])
            reason[pos] = f"{tier.id}: {nominee_rank[pos]} of {len(nominee_order)} nominees"
            continue
        if not eligible[pos]:
            failed = [g.id for g in hard if not bool(row[f"gate.{g.id}"])]
            unmet = [c.split(".", 1)[1] for c in met_cols if not bool(row[c])]
            parts = []
            if failed:
                parts.append("gate failed: " + ", ".join(failed))
            if unmet and kind == "standards":
                parts.append("standards not met: " + ", ".join(unmet))
            reason[pos] = "; ".join(parts) or "not eligible"
        elif not nominated[pos]:
            p = parent[pos]
            slots = nominee_slots.get(p, nom.per_parent if nom else 0)
            reason[pos] = (f"not nominated by {parent_name.get(p, p)}: ranked {position_in_parent[pos]} "
                           f"among its eligible units; it nominates {slots}")
        elif not tiers:
            reason[pos] = "no award tier is allocated by this scheme"
        else:
            if cut_value is None:
                reason[pos] = "no award left (every quota is 0)"
            else:
                gap = cut_value - primary[pos]
                unit = "points" if kind == "points" else "standards met"
                reason[pos] = (f"below cut-off by {_fmt(gap)} {unit}" if gap > 1e-9
                               else f"below cut-off on the tie-break chain ({tie_note[pos] or 'equal ' + first_key})")
    table = pd.DataFrame(
        {
            "award": pd.Series(award, dtype=object, index=st.index),
            "rank": rank,
            "nominated": nominated,
            "reason": reason,
            "total": st["total"].to_numpy(),
            "eligible": eligible,
            "parent_id": parent,
            "nominee_rank": np.where(nominee_rank > 0, nominee_rank, np.nan),
            "flags": flags,
            "tie": tie_note,
        },
        index=st.index.rename("locality_id"),
    )
    for col in ("urban_class", "name"):
        if col in st:
            table.insert(0, col, st[col].to_numpy())
    table.attrs["ties"] = ties
    table.attrs["scheme"] = scheme.name
    table.attrs["awards_given"] = {t.id: int((award == t.id).sum()) for t in tiers}
    return table


def award_summary(award_table: pd.DataFrame) -> pd.Series:
    """Number of awards per tier (None excluded)."""
    return award_table["award"].dropna().value_counts()
