"""Decide who gets which award, and say why not (DESIGN §3.5).

Steps, as the plans prescribe:

1. **Eligibility** — every hard gate holds (and, for standards schemes, the standards).
2. **Nomination** inside each parent unit (Hà Giang IV.2.3: "mỗi huyện, thành phố lựa
   chọn 01 tập thể … thuộc cấp xã đạt tiêu chí và có kết quả cao nhất"; districts with
   many communes one more; IV.2.4: two villages per district). The group is the scheme's
   ``awards.nomination.group`` (:mod:`emusim.clusters`): the parent level, an emulation
   cluster, the former district, or the whole province (no nomination step). Without a
   nomination rule every eligible unit is a nominee.
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
``nominee_rank``, ``flags`` (soft gates failed) and ``tie``. ``parent_id`` is the unit's
nomination group (a cluster or former-district id under those groupings).

Reasons, flags and tie notes come from the message catalogue
(``emusim/i18n/messages/allocate.yaml``), Vietnamese unless ``lang="en"`` or the i18n
context says otherwise; tiers are named by their Vietnamese label. The same reason in
structured form is in ``reason_code`` (not_eligible, not_nominated, below_cutoff,
below_cutoff_tie, awarded, no_tier, no_award_left, pool_cut) and ``reason_params`` (JSON), so tools
render it in any language (:func:`reasons`) without parsing text.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .clusters import nomination_grouping
from .engine import rank_order, ranking_keys
from .i18n import catalogue, check_lang, t
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


def nomination_slots(nomination: Nomination, parents, registry: pd.DataFrame | None, unit_level: str,
                     sizes: np.ndarray | None = None) -> np.ndarray:
    """For each entry of ``parents``: how many nominees that parent (or group) may put forward.

    Hà Giang IV.2.3: "mỗi huyện, thành phố lựa chọn 01 tập thể …; những huyện có nhiều xã …
    sẽ được khen thưởng thêm 01" — ``per_parent``, plus ``extra_per_parent`` for a group
    with at least ``extra_min_children`` units of the level. ``sizes`` (units per group, as
    :func:`emusim.clusters.nomination_grouping` counts them) replaces the parent count for
    clusters and former districts.
    """
    slots = np.full(len(parents), nomination.per_parent, dtype=int)
    if nomination.extra_per_parent and nomination.extra_min_children is not None:
        if sizes is None:
            sizes = parent_sizes(parents, registry, unit_level, nomination.parent_level)
        slots += np.where(sizes >= nomination.extra_min_children, nomination.extra_per_parent, 0)
    return slots


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _describe_tie(a: pd.Series, b: pd.Series, kind: str) -> str:
    """Which key of the chain separated two rows equal on the first key."""
    for col, _ in ranking_keys(kind)[1:]:
        if abs(float(a[col]) - float(b[col])) > 1e-9:
            return col
    return "locality_id"


# ------------------------------------------------------------------------------ reasons
def _tier_name(scheme: Scheme | None, tier_id: str, lang: str) -> str:
    """A tier as people read it: the plan's label (``label_en`` in English when the plan gives
    one), never an id like ``chairman`` alone; the id when the scheme is not known."""
    if scheme is not None:
        try:
            tier = scheme.awards.tier(tier_id)
        except KeyError:
            return tier_id
        return ((tier.label_en or tier.label) if lang == "en" else tier.label) or tier_id
    return tier_id


def _group_name(params: dict, lang: str) -> str:
    kind, name = params.get("group_kind"), params.get("group_name")
    if kind in ("cluster", "former_district"):
        return t(f"clusters.name_{kind}", lang, name=name)
    return str(name)


def _key_name(key: str, lang: str) -> str:
    return t(f"allocate.key_{key}", lang) if f"allocate.key_{key}" in catalogue() else key


def _tie_text(tie: dict | None, scheme: Scheme | None, lang: str) -> str:
    if not tie:
        return ""
    where = (t("allocate.where_nomination", lang, group=_group_name(tie, lang)) if tie["where"] == "nomination"
             else t("allocate.where_cutoff", lang, tier=_tier_name(scheme, tie["tier"], lang)))
    return t("allocate.tie", lang, what=_key_name(tie["key"], lang), where=where,
             decided=_key_name(tie["decided"], lang))


def reason_text(code: str, params: dict | str | None, scheme: Scheme | None = None, lang: str | None = None) -> str:
    """The reason of an award-table row from its ``reason_code`` and ``reason_params``, in ``lang``.

    >>> reason_text("below_cutoff", {"gap": 3.5, "unit": "points"}, lang="vi")
    'thấp hơn ngưỡng khen thưởng 3,5 điểm'
    >>> reason_text("not_nominated", {"group_kind": "cluster", "group_name": "Cụm 2", "position": 2, "slots": 1}, lang="en")
    'not nominated by emulation cluster Cụm 2: ranked 2 among its eligible units; it nominates 1'
    """
    lang = check_lang(lang)
    if isinstance(params, str):
        params = json.loads(params) if params else {}
    params = params or {}
    if code == "not_eligible":
        parts = [t("allocate.gate_failed", lang, items=params["gates"])] if params.get("gates") else []
        if params.get("standards"):
            parts.append(t("allocate.standards_not_met", lang, items=params["standards"]))
        return "; ".join(parts) or t("allocate.not_eligible", lang)
    if code == "not_nominated":
        return t("allocate.not_nominated", lang, group=_group_name(params, lang), position=params["position"],
                 slots=params["slots"])
    if code == "below_cutoff":
        return t("allocate.below_cutoff", lang, gap=float(params["gap"]),
                 unit=t(f"allocate.unit_{params['unit']}", lang))
    if code == "below_cutoff_tie":
        tie = _tie_text(params.get("tie"), scheme, lang) or t("allocate.equal", lang, what=_key_name(params["key"], lang))
        return t("allocate.below_cutoff_tie", lang, tie=tie)
    if code == "awarded":
        return t("allocate.awarded", lang, tier=_tier_name(scheme, params["tier"], lang), position=params["position"],
                 n=params["n"])
    if code == "pool_cut":  # emusim.pools: the shared cap ran out before this unit
        return t("pools.cut", lang, tier=_tier_name(scheme, params["tier"], lang), cap=params["cap"],
                 levels=params["levels"], rank=params["rank"])
    if code in ("no_tier", "no_award_left"):
        return t(f"allocate.{code}", lang)
    return ""


def reasons(award_table: pd.DataFrame, scheme: Scheme | None = None, lang: str | None = None) -> pd.Series:
    """Every row's reason in ``lang`` (from the structured columns; the ``reason`` text when they are absent)."""
    if "reason_code" not in award_table:
        return award_table["reason"].astype(object)
    memo: dict = {}
    out = []
    for code, params in zip(award_table["reason_code"], award_table["reason_params"]):
        key = (code, params)
        if key not in memo:
            memo[key] = reason_text(code, params, scheme, lang)
        out.append(memo[key])
    return pd.Series(out, index=award_table.index, dtype=object)


def allocate(score_table: pd.DataFrame, scheme: Scheme, registry: pd.DataFrame | None = None,
             lang: str | None = None) -> pd.DataFrame:
    """The award table for ``score_table`` under ``scheme``'s award rules.

    Reasons are written in ``lang`` (default: the current language, Vietnamese unless set);
    ``reason_code`` and ``reason_params`` (JSON) hold them in structured form.
    """
    lang = check_lang(lang)
    kind = scheme.kind if scheme.kind in ("points", "standards") else "points"
    st = score_table
    n = len(st)
    ids = st.index.astype(str).to_numpy()
    order = rank_order(st, kind)
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(1, n + 1)
    eligible = st["eligible"].to_numpy(dtype=bool)
    ties: list[dict] = []
    tie_info: list = [None] * n
    first_key = ranking_keys(kind)[0][0]
    primary = st[first_key].to_numpy(dtype=float)

    def note_tie(win: int, lose: int, where: dict):
        if abs(primary[win] - primary[lose]) <= 1e-9:
            decided = _describe_tie(st.iloc[win], st.iloc[lose], kind)
            ties.append({"where": where.get("tier") or where.get("group_name"), "winner": ids[win], "loser": ids[lose],
                         first_key: primary[win], "decided_by": decided})
            tie_info[win] = tie_info[lose] = {"key": first_key, "decided": decided, **where}

    # --- nomination groups ---------------------------------------------------------------
    nom = scheme.awards.nomination
    grouping = nomination_grouping(nom, ids, registry, scheme.unit_level, st) if nom is not None else None
    parent = np.full(n, None, dtype=object)
    if grouping is not None:
        parent = grouping.keys
    elif "parent_id" in st:
        parent = st["parent_id"].to_numpy(dtype=object)

    nominated = eligible.copy()
    slots_of_unit = np.zeros(n, dtype=int)
    position_in_parent = np.zeros(n, dtype=int)
    if grouping is not None and grouping.nominates:
        codes, _ = pd.factorize(pd.Series(parent, dtype=object), use_na_sentinel=False)
        slots_of_unit = nomination_slots(nom, parent, registry, scheme.unit_level, sizes=grouping.sizes)
        # rank of each eligible unit inside its group, following the provincial order
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
                note_tie(win, lose, {"where": "nomination", "group_kind": grouping.kind,
                                     "group_name": grouping.name(parent[lose])})

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
                note_tie(nominee_order[cursor + take - 1], nominee_order[cursor + take],
                         {"where": "cutoff", "tier": tier.id})
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
    soft_text = {p: t("allocate.soft_failed", lang, items=p) for p in set(soft_failed) if p}
    flags = np.array([soft_text.get(p, "") for p in soft_failed], dtype=object)

    code = np.full(n, "", dtype=object)
    params: list = [None] * n
    for pos in np.flatnonzero(~eligible):
        code[pos] = "not_eligible"
        params[pos] = {"gates": failed_hard[pos], "standards": failed_std[pos]}
    for pos in np.flatnonzero(eligible & ~nominated):
        code[pos] = "not_nominated"
        params[pos] = {"group_kind": grouping.kind, "group": parent[pos], "group_name": grouping.name(parent[pos]),
                       "position": int(position_in_parent[pos]), "slots": int(slots_of_unit[pos])}
    cut_value = primary[cutoff_pos] if cutoff_pos is not None else None
    unit_word = "points" if kind == "points" else "standards"
    for pos in np.flatnonzero(nominated & (award == None)):  # noqa: E711 - elementwise on an object array
        if not tiers:
            code[pos] = "no_tier"
        elif cut_value is None:
            code[pos] = "no_award_left"
        else:
            gap = cut_value - primary[pos]
            if gap > 1e-9:
                code[pos], params[pos] = "below_cutoff", {"gap": float(_fmt(gap)), "unit": unit_word}
            else:
                code[pos], params[pos] = "below_cutoff_tie", {"key": first_key, "tie": tie_info[pos]}
    for pos in np.flatnonzero(award != None):  # noqa: E711
        code[pos] = "awarded"
        params[pos] = {"tier": award[pos], "position": int(nominee_rank[pos]), "n": int(len(nominee_order))}
    params_json = np.array([json.dumps(p, ensure_ascii=False, sort_keys=True) if p else "" for p in params], dtype=object)
    memo: dict = {}
    reason = np.empty(n, dtype=object)
    for pos in range(n):
        key = (code[pos], params_json[pos])
        if key not in memo:
            memo[key] = reason_text(code[pos], params[pos], scheme, lang)
        reason[pos] = memo[key]
    tie_note = np.array([_tie_text(x, scheme, lang) for x in tie_info], dtype=object)
    table = pd.DataFrame(
        {
            "award": pd.Series(award, dtype=object, index=st.index),
            "rank": rank,
            "nominated": nominated,
            "reason": reason,
            "reason_code": code,
            "reason_params": params_json,
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
    table.attrs["nomination_group"] = grouping.kind if grouping is not None else None
    table.attrs["lang"] = lang
    table.attrs["awards_given"] = {t.id: int((award == t.id).sum()) for t in tiers}
    return table
