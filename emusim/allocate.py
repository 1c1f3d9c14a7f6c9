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
from .model import Nomination, Scheme
from .registry import ancestor_ids


def parent_sizes(parents, registry: pd.DataFrame | None, unit_level: str, parent_level: str) -> np.ndarray:
    """For each entry of ``parents``: how many units of ``unit_level`` that parent has.

    Counted in the registry when there is one (every commune of a district, scored or not),
    else among ``parents`` itself. A missing parent has 0.

    >>> reg = pd.DataFrame({"level": ["district", "commune", "commune", "commune"],
    ...                     "parent_id": ["", "D", "D", "D"]}, index=["D", "C1", "C2", "C3"])
    >>> parent_sizes(["D", None], reg, "commune", "district").tolist()
    [3, 0]
    >>> parent_sizes(["D", "D", "E"], None, "commune", "district").tolist()
    [2, 2, 1]
    """
    parents = pd.Series(np.asarray(parents, dtype=object), dtype=object)
    if registry is not None and "level" in registry:
        same_level = registry.index[registry["level"] == unit_level]
        counts = pd.Series(ancestor_ids(registry, same_level, parent_level)).value_counts()
    else:
        counts = parents.value_counts()
    return parents.map(counts).fillna(0).to_numpy(dtype=int)


def nomination_slots(nomination: Nomination, parents, registry: pd.DataFrame | None, unit_level: str) -> np.ndarray:
    """For each entry of ``parents``: how many nominees that parent may put forward.

    Hà Giang IV.2.3: "mỗi huyện, thành phố lựa chọn 01 tập thể …; những huyện có nhiều xã …
    sẽ được khen thưởng thêm 01" — ``per_parent``, plus ``extra_per_parent`` for a parent
    with at least ``extra_min_children`` units of the level.
    """
    slots = np.full(len(parents), nomination.per_parent, dtype=int)
    if nomination.extra_per_parent and nomination.extra_min_children is not None:
        sizes = parent_sizes(parents, registry, unit_level, nomination.parent_level)
        slots += np.where(sizes >= nomination.extra_min_children, nomination.extra_per_parent, 0)
    return slots


class _LazyNames:
    """Names of parent units, looked up only for the few parents a reason mentions."""

    def __init__(self, registry: pd.DataFrame):
        self._names = registry["name"]

    def get(self, key, default=None):
        try:
            return str(self._names.loc[key])
        except KeyError:
            return default


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _describe_tie(a: pd.Series, b: pd.Series, kind: str) -> str:
    """Which key of the chain separated two rows equal on the first key."""
    for col, _ in ranking_keys(kind)[1:]:
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
    first_key = ranking_keys(kind)[0][0]
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
    if nom is not None and registry is not None:
        parent = ancestor_ids(registry, ids, nom.parent_level)
        if "name" in registry:
            parent_name = _LazyNames(registry)
    elif "parent_id" in st:
        parent = st["parent_id"].to_numpy(dtype=object)

    nominated = eligible.copy()
    slots_of_unit = np.zeros(n, dtype=int)
    position_in_parent = np.zeros(n, dtype=int)
    if nom is not None:
        codes, _ = pd.factorize(pd.Series(parent, dtype=object), use_na_sentinel=False)
        slots_of_unit = nomination_slots(nom, parent, registry, scheme.unit_level)
        # rank of each eligible unit inside its parent, following the provincial order
        elig_order = order[eligible[order]]
        by_parent = elig_order[np.argsort(codes[elig_order], kind="stable")]
        grp = codes[by_parent]
        starts = np.r_[0, np.flatnonzero(np.diff(grp)) + 1]
        first = np.repeat(starts, np.diff(np.r_[starts, len(grp)]))
        position_in_parent[by_parent] = np.arange(len(grp)) - first + 1
        nominated = eligible & (position_in_parent <= slots_of_unit)
        # a tie decided at a nomination cut: last nominee vs first unit left out
        cut = by_parent[(position_in_parent[by_parent] == slots_of_unit[by_parent] + 1)]
        for lose in cut:
            k = np.flatnonzero((codes[by_parent] == codes[lose]) & (position_in_parent[by_parent] == slots_of_unit[lose]))
            if len(k):
                win = by_parent[k[0]]
                note_tie(win, lose, f"nomination in {parent_name.get(parent[lose], parent[lose])}")

    # --- tiers ---------------------------------------------------------------------------
    award = np.full(n, None, dtype=object)
    nominee_order = order[nominated[order]]
    nominee_rank = np.zeros(n, dtype=int)
    nominee_rank[nominee_order] = np.arange(1, len(nominee_order) + 1)
    cursor = 0
    cutoff_pos = None
    tiers = scheme.awards.allocated_tiers
    for tier in tiers:
        remaining = len(nominee_order) - cursor
        take = remaining if tier.quota is None else min(tier.quota, remaining)
        award[nominee_order[cursor:cursor + take]] = tier.id
        if take:
            cutoff_pos = nominee_order[cursor + take - 1]
            if cursor + take < len(nominee_order):
                note_tie(nominee_order[cursor + take - 1], nominee_order[cursor + take], f"cut-off of {tier.id}")
        cursor += take

    # --- reasons (vectorised over units) -------------------------------------------------
    def join_failed(columns: list[tuple[str, np.ndarray]]) -> np.ndarray:
        """'G2, G4' per unit: one string per distinct failure pattern, not per unit."""
        out = np.full(n, "", dtype=object)
        if not columns or n == 0:
            return out
        labels = [label for label, _ in columns]
        code = np.zeros(n, dtype=object if len(columns) > 62 else np.int64)
        for k, (_, failed) in enumerate(columns):
            code = code + failed.astype(np.int64) * (1 << k)
        patterns, inverse = np.unique(code, return_inverse=True)
        text = np.array([", ".join(lb for k, lb in enumerate(labels) if (int(c) >> k) & 1) for c in patterns], dtype=object)
        return text[inverse.ravel()]

    hard = [(g.id, ~st[f"gate.{g.id}"].to_numpy(dtype=bool)) for g in scheme.gates if g.mode == "hard"]
    soft = [(g.id, ~st[f"gate.{g.id}"].to_numpy(dtype=bool)) for g in scheme.gates if g.mode == "soft"]
    unmet = [(c.split(".", 1)[1], ~st[c].to_numpy(dtype=bool)) for c in st.columns if c.startswith("met.")] if kind == "standards" else []
    failed_hard = join_failed(hard)
    failed_std = join_failed(unmet)
    soft_failed = join_failed(soft)
    flags = np.where(soft_failed != "", "soft gate failed: " + soft_failed, "").astype(object)

    reason = np.full(n, "", dtype=object)
    gate_part = np.where(failed_hard != "", "gate failed: " + failed_hard, "")
    std_part = np.where(failed_std != "", "standards not met: " + failed_std, "")
    both = np.where((gate_part != "") & (std_part != ""), gate_part + "; " + std_part, gate_part + std_part)
    reason = np.where(~eligible, np.where(both != "", both, "not eligible"), reason).astype(object)

    for pos in np.flatnonzero(eligible & ~nominated):
        p = parent[pos]
        reason[pos] = (f"not nominated by {parent_name.get(p, p)}: ranked {position_in_parent[pos]} "
                       f"among its eligible units; it nominates {slots_of_unit[pos]}")
    cut_value = primary[cutoff_pos] if cutoff_pos is not None else None
    unit_word = "points" if kind == "points" else "standards met"
    for pos in np.flatnonzero(nominated & (award == None)):  # noqa: E711 - elementwise on an object array
        if not tiers:
            reason[pos] = "no award tier is allocated by this scheme"
        elif cut_value is None:
            reason[pos] = "no award left (every quota is 0)"
        else:
            gap = cut_value - primary[pos]
            reason[pos] = (f"below cut-off by {_fmt(gap)} {unit_word}" if gap > 1e-9
                           else f"below cut-off on the tie-break chain ({tie_note[pos] or 'equal ' + first_key})")
    for pos in np.flatnonzero(award != None):  # noqa: E711
        reason[pos] = f"{award[pos]}: {nominee_rank[pos]} of {len(nominee_order)} nominees"
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
