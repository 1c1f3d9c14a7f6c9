"""Who gains, who loses, who changes tier between two award tables — one mechanism for the
notebooks, the Explorer and the brief (DESIGN §11: ``es.diff``).

``diff(award_a, award_b)`` compares the award table of a reference (``a``: the plan as
written, say) with another (``b``: an option). Units are matched by ``locality_id``; a unit in
only one of the tables is an error, not a silent gain or loss.

* ``gain``: no award under ``a``, an award under ``b``;
* ``loss``: an award under ``a``, none under ``b``;
* ``up`` / ``down``: an award under both, a higher / lower tier under ``b`` (tier order from
  the scheme, or from the award tables' own ``awards_given`` order);
* ``rank``: same award (or none under both), rank moved — listed only with ``ranks=True``.

>>> import pandas as pd
>>> a = pd.DataFrame({"award": ["chairman", "police", None, None], "rank": [1, 2, 3, 4],
...                   "reason": ["", "", "below cut-off by 2 points", "gate failed: G1"]},
...                  index=pd.Index(["01", "02", "03", "04"], name="locality_id"))
>>> b = pd.DataFrame({"award": ["police", "chairman", "police", None], "rank": [2, 1, 3, 4],
...                   "reason": ["", "", "", "gate failed: G1"]}, index=a.index)
>>> d = diff(a, b, tiers=["chairman", "police"])
>>> d.counts
{'gains': 1, 'losses': 0, 'up': 1, 'down': 1, 'rank_moves': 0, 'unchanged': 1}
>>> dict(sorted(d.table["change"].items()))
{'01': 'down', '02': 'up', '03': 'gain'}
>>> d.summary("en")
'Units gaining an award: 1; losing one: 0; moving up a tier: 1; moving down: 1.'
>>> d.summary("vi")
'1 đơn vị được thêm khen thưởng, 0 đơn vị mất khen thưởng, 1 lên hạng, 1 xuống hạng.'
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .i18n import Message, check_lang, t

__all__ = ["AwardDiff", "diff"]

CHANGES = ("gain", "loss", "up", "down", "rank")


def _awards(table: pd.DataFrame) -> pd.Series:
    aw = table["award"].astype(object)
    return aw.where(aw.notna() & (aw.astype(str) != "") & (aw.astype(str) != "None"), None)


def _tier_order(award_a: pd.DataFrame, award_b: pd.DataFrame, tiers, scheme) -> list[str]:
    if tiers is not None:
        return [str(x) for x in tiers]
    if scheme is not None:
        return [tier.id for tier in scheme.awards.tiers]
    order: list[str] = []
    for table in (award_a, award_b):
        for tier_id in (table.attrs.get("awards_given") or {}):
            if tier_id not in order:
                order.append(tier_id)
    for aw in (_awards(award_a), _awards(award_b)):
        for tier_id in aw.dropna().unique():
            if tier_id not in order:
                order.append(str(tier_id))
    return order


class AwardDiff:
    """The difference between two award tables: ``.table``, ``.counts``, ``.summary(lang)``."""

    def __init__(self, table: pd.DataFrame, counts: dict, tier_labels: dict, scheme=None,
                 why: pd.DataFrame | None = None):
        self.table = table
        self.counts = counts
        self.tier_labels = tier_labels
        #: the scheme (tier labels in either language) and each side's reason_code / reason_params,
        #: so :meth:`labelled` writes tiers and reasons in the language asked for
        self.scheme = scheme
        self._why = why

    # one unit per id, by change
    def ids(self, change: str) -> list[str]:
        return list(self.table.index[self.table["change"] == change])

    @property
    def gains(self) -> list[str]:
        return self.ids("gain")

    @property
    def losses(self) -> list[str]:
        return self.ids("loss")

    def summary(self, lang: str | None = None) -> str:
        c = self.counts
        return t("diff.summary", lang, gains=c["gains"], losses=c["losses"], up=c["up"], down=c["down"])

    def labelled(self, lang: str | None = None) -> pd.DataFrame:
        """The table with Vietnamese (or English) headers, tier labels and change words."""
        lang = check_lang(lang)
        out = self.table.copy()
        labels = _tier_labels(self.scheme, lang) or self.tier_labels
        for col in ("award_a", "award_b"):
            out[col] = out[col].map(lambda x: t("diff.no_award", lang) if x is None or (isinstance(x, float) and x != x)
                                    else labels.get(x, x))
        if self._why is not None and len(out):
            from .allocate import reason_text

            for side in ("a", "b"):
                codes, params = self._why[f"code_{side}"], self._why[f"params_{side}"]
                out[f"reason_{side}"] = [reason_text(c, p, self.scheme, lang) if isinstance(c, str) and c else r
                                         for c, p, r in zip(codes.reindex(out.index), params.reindex(out.index),
                                                            out[f"reason_{side}"])]
        out.index = out.index.rename(t("diff.col_locality_id", lang))
        if "urban_class" in out:
            from .charts.style import urban_label

            out["urban_class"] = out["urban_class"].map(lambda c: urban_label(str(c), lang))
        out["change"] = out["change"].map(lambda c: t(f"diff.change_{c}", lang))
        return out.rename(columns={col: t(f"diff.col_{col}", lang) for col in out.columns})

    def _repr_html_(self) -> str:
        head = f"<p><b>{self.summary()}</b></p>"
        if self.table.empty:
            return head
        return head + self.labelled().to_html(na_rep="—", escape=True)

    def __repr__(self) -> str:
        return f"<AwardDiff {self.counts}>"

    def __len__(self) -> int:
        return len(self.table)


def diff(award_a: pd.DataFrame, award_b: pd.DataFrame, *, scheme=None, tiers: Sequence[str] | None = None,
         ranks: bool = False, lang: str | None = None) -> AwardDiff:
    """Compare award table ``award_b`` with the reference ``award_a`` (see the module docstring).

    ``reason_a`` / ``reason_b`` carry each table's reason, so "why" is one column away: a loss
    is explained by ``reason_b`` (e.g. "gate failed: G2"), a gain by ``reason_a``.
    """
    lang = check_lang(lang)
    problems = []
    for name, table in (("award_a", award_a), ("award_b", award_b)):
        if not isinstance(table, pd.DataFrame) or "award" not in table or "rank" not in table:
            problems.append(Problem(Message("diff.not_award_table", name=name)))
    if problems:
        raise InputError(problems)
    ids_a = award_a.index.astype(str)
    ids_b = award_b.index.astype(str)
    only_a = ids_a.difference(ids_b)
    only_b = ids_b.difference(ids_a)
    if len(only_a) or len(only_b):
        raise InputError([Problem(Message("diff.different_units", only_a=", ".join(only_a[:10]) or "—",
                                          only_b=", ".join(only_b[:10]) or "—"))])
    a = award_a.copy()
    a.index = ids_a
    b = award_b.copy()
    b.index = ids_b
    b = b.loc[a.index]
    order = _tier_order(award_a, award_b, tiers, scheme)
    precedence = {tier_id: k for k, tier_id in enumerate(order)}
    aw_a, aw_b = _awards(a), _awards(b)
    has_a, has_b = aw_a.notna().to_numpy(), aw_b.notna().to_numpy()
    pa = aw_a.map(lambda x: precedence.get(x, len(order))).to_numpy()
    pb = aw_b.map(lambda x: precedence.get(x, len(order))).to_numpy()
    rank_a = a["rank"].to_numpy(dtype=float)
    rank_b = b["rank"].to_numpy(dtype=float)
    change = np.full(len(a), "", dtype=object)
    change[~has_a & has_b] = "gain"
    change[has_a & ~has_b] = "loss"
    both = has_a & has_b
    change[both & (pb < pa)] = "up"
    change[both & (pb > pa)] = "down"
    same_award = (change == "")
    moved = same_award & (rank_a != rank_b)
    if ranks:
        change[moved] = "rank"
    counts = {"gains": int((change == "gain").sum()), "losses": int((change == "loss").sum()),
              "up": int((change == "up").sum()), "down": int((change == "down").sum()),
              "rank_moves": int(moved.sum()), "unchanged": int((same_award & ~moved).sum())}
    table = pd.DataFrame({
        "award_a": aw_a.to_numpy(), "award_b": aw_b.to_numpy(),
        "rank_a": rank_a, "rank_b": rank_b, "rank_move": rank_a - rank_b, "change": change,
        "reason_a": a["reason"].to_numpy() if "reason" in a else "",
        "reason_b": b["reason"].to_numpy() if "reason" in b else "",
    }, index=pd.Index(a.index, name="locality_id"))
    for col in ("urban_class", "name"):
        if col in b:
            table.insert(0, col, b[col].to_numpy())
        elif col in a:
            table.insert(0, col, a[col].to_numpy())
    table = table[table["change"] != ""]
    key = table["change"].map({c: k for k, c in enumerate(CHANGES)})
    table = table.assign(_k=key).sort_values(["_k", "rank_b"]).drop(columns="_k")
    why = None
    if "reason_code" in a and "reason_code" in b:
        why = pd.DataFrame({"code_a": a["reason_code"], "params_a": a.get("reason_params"),
                            "code_b": b["reason_code"], "params_b": b.get("reason_params")}).loc[table.index]
    return AwardDiff(table, counts, _tier_labels(scheme, lang), scheme, why)


def _tier_labels(scheme, lang: str) -> dict:
    """Tier id → the plan's label in ``lang`` (Vietnamese label; English label, else Vietnamese)."""
    if scheme is None:
        return {}
    return {tier.id: (tier.label_en or tier.label) if lang == "en" else (tier.label or tier.id)
            for tier in scheme.awards.tiers}


def changed_ids(d: AwardDiff, changes: Iterable[str] = ("gain", "loss", "up", "down")) -> list[str]:
    """Ids whose award changed (any of ``changes``)."""
    keep = set(changes)
    return [i for i, c in d.table["change"].items() if c in keep]
