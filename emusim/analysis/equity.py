"""Who gets the awards: shares by urban class and parent unit (DESIGN §6).

Method
------
:func:`equity` groups the scored units of an award table (by ``urban_class``, by parent
unit, or by any registry column) and sets each group's **share of awards** against its
**share of units** and **share of population** (``population`` from the registry):

* ``ratio = award_share / unit_share`` — 1 means the group wins awards in proportion to
  its number of units; above 1 it is over-represented, 0 it wins nothing;
* ``ratio_population = award_share / population_share``;
* ``award_rate = awards / units`` (the chance a unit of the group wins);
* ``awards.<tier>`` per tier. With no award at all, shares and ratios are NaN (0/0).

"parent" means each unit's direct parent in the registry (the district of a commune).

:func:`equity_under_uplift` re-scores a scheme under several values of one class's urban
uplift (``scheme.adjust({"uplift.city": u})``) and reports, per value, the award and
eligibility rates of two classes (rural communes against the units of the city, by
default) and their ratio — the question "does +15 pp for the city cost its wards their
awards?".
"""
from __future__ import annotations

from html import escape
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..i18n import Message, catalogue, check_lang, t
from ..model import Scheme

__all__ = ["equity", "equity_under_uplift", "Equity"]


class Equity:
    """Equity tables by grouping key (``result.by_urban_class``, ``result["parent"]``, …)."""

    def __init__(self, tables: dict[str, pd.DataFrame], tier: str | None = None):
        self.tables = tables
        self.tier = tier
        for key, table in tables.items():
            setattr(self, f"by_{key}", table)

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.tables[key]

    def __iter__(self):
        return iter(self.tables)

    def labelled(self, key: str, lang: str | None = None, scheme: Scheme | None = None) -> pd.DataFrame:
        """The table of grouping ``key`` for people: headers and urban classes in ``lang``,
        ``awards.<tier>`` columns by the tier's label when ``scheme`` is given. The machine
        tables keep their column names for code."""
        lang = check_lang(lang)
        out = self.tables[key].copy()
        if key == "urban_class":
            from ..charts.style import urban_label

            out.index = [urban_label(str(c), lang) if c else c for c in out.index]
        out.index.name = t(f"equity.group_{key}", lang) if f"equity.group_{key}" in catalogue() else key
        names = {}
        for col in out.columns:
            if col.startswith("awards."):
                names[col] = t("equity.col_awards_tier", lang, tier=_tier_label(scheme, col.split(".", 1)[1], lang))
            elif f"equity.col_{col}" in catalogue():
                names[col] = t(f"equity.col_{col}", lang)
        return out.rename(columns=names)

    def __repr__(self) -> str:
        return f"<Equity by {', '.join(self.tables)}>"

    def _repr_html_(self) -> str:
        parts = []
        for key in self.tables:
            label = self.labelled(key)
            parts.append(f"<h5>{escape(str(label.index.name))}</h5>" + label.to_html(float_format=lambda x: f"{x:.3f}"))
        return "<div>" + "".join(parts) + "</div>"


def _tier_label(scheme, tier_id: str, lang: str) -> str:
    try:
        tier = scheme.awards.tier(tier_id)
    except (AttributeError, KeyError):
        return tier_id
    return ((tier.label_en or tier.label) if lang == "en" else (tier.label or tier.label_en)) or tier_id


def _group_keys(award_table: pd.DataFrame, registry: pd.DataFrame | None, key: str) -> tuple[pd.Series, pd.Series | None]:
    """The group of each unit and, for parents, their names."""
    ids = award_table.index.astype(str)
    if key == "urban_class":
        if "urban_class" in award_table:
            return pd.Series(award_table["urban_class"].to_numpy(), index=ids), None
        if registry is None:
            raise InputError([Problem(Message("equity.no_urban"))])
        return registry["urban_class"].reindex(ids), None
    if key == "parent":
        if registry is not None:
            parents = registry["parent_id"].reindex(ids)
            names = registry["name"] if "name" in registry else None
            return parents, names
        if "parent_id" in award_table:
            return pd.Series(award_table["parent_id"].to_numpy(), index=ids), None
        raise InputError([Problem(Message("equity.no_parent"))])
    if registry is not None and key in registry:
        return registry[key].reindex(ids), None
    if key in award_table:
        return pd.Series(award_table[key].to_numpy(), index=ids), None
    raise InputError([Problem(Message("equity.unknown_grouping", grouping=key), path=key)])


def equity(award_table: pd.DataFrame, registry: pd.DataFrame | None = None,
           by: Sequence[str] | str = ("urban_class", "parent"), tier: str | None = None) -> Equity:
    """Award share against unit and population share, per group (see the module docstring).

    ``tier`` counts only that tier's awards (None: any award).
    """
    if "award" not in award_table:
        raise InputError([Problem(Message("equity.not_award_table"))])
    if isinstance(by, str):
        by = (by,)
    ids = award_table.index.astype(str)
    award = award_table["award"].astype(object).where(award_table["award"].notna(), None).set_axis(ids)
    won = award.notna() if tier is None else (award == tier)
    if registry is not None and "population" in registry:
        pop = pd.to_numeric(registry["population"].reindex(ids), errors="coerce").fillna(0.0)
    else:
        pop = pd.Series(np.nan, index=ids)
    tiers = [t for t in dict.fromkeys(award.dropna().tolist())]
    tables = {}
    for key in by:
        groups, names = _group_keys(award_table, registry, key)
        groups = groups.fillna("").astype(str)
        frame = pd.DataFrame({"group": groups.to_numpy(), "won": won.to_numpy(), "population": pop.to_numpy()},
                             index=ids)
        for t in tiers:
            frame[f"awards.{t}"] = (award == t).to_numpy()
        g = frame.groupby("group", sort=True)
        out = pd.DataFrame({"units": g.size(), "awards": g["won"].sum().astype(int), "population": g["population"].sum()})
        for t in tiers:
            out[f"awards.{t}"] = g[f"awards.{t}"].sum().astype(int)
        n_units, n_awards, n_pop = out["units"].sum(), out["awards"].sum(), out["population"].sum()
        out["unit_share"] = out["units"] / n_units
        out["population_share"] = out["population"] / n_pop if n_pop else np.nan
        out["award_share"] = out["awards"] / n_awards if n_awards else np.nan
        out["ratio"] = out["award_share"] / out["unit_share"]
        out["ratio_population"] = out["award_share"] / out["population_share"]
        out["award_rate"] = out["awards"] / out["units"]
        if names is not None:
            out.insert(0, "name", names.reindex(out.index).to_numpy())
        out.index.name = key
        out.attrs.update({"awards": int(n_awards), "units": int(n_units), "tier": tier})
        tables[key] = out
    return Equity(tables, tier)


def equity_under_uplift(scheme: Scheme, values: pd.DataFrame, registry: pd.DataFrame, uplifts: Iterable[float],
                        urban_class: str = "city", groups: Sequence[str] = ("rural", "city")) -> pd.DataFrame:
    """Award chance of two urban classes under each uplift value of one class.

    Returns one row per uplift value (index ``uplift.<class>``) with, per class ``g`` of
    ``groups``: ``units.g``, ``eligible.g``, ``awards.g``, ``eligible_rate.g``,
    ``award_rate.g`` (awards / units: the chance a unit of the class wins), then
    ``rate_ratio`` = award_rate of the first class / award_rate of the second (NaN when
    the second wins nothing).

    >>> # equity_under_uplift(scheme, values, registry, [0, 0.10, 0.15, 0.20])
    """
    from .sweep import run_awards

    uplifts = list(uplifts)
    if len(groups) != 2:
        raise InputError([Problem(Message("equity.two_groups"))])
    path = f"uplift.{urban_class}"
    schemes = [scheme.adjust({path: u}) for u in uplifts]  # validates every value first
    rows = []
    for u, s in zip(uplifts, schemes):
        aw = run_awards(s, values, registry)
        cls = aw["urban_class"].astype(str) if "urban_class" in aw else pd.Series("rural", index=aw.index)
        row = {path: u}
        for g in groups:
            mask = (cls == g).to_numpy()
            n = int(mask.sum())
            elig = int(aw["eligible"].to_numpy()[mask].sum())
            won = int(aw["award"].notna().to_numpy()[mask].sum())
            row.update({f"units.{g}": n, f"eligible.{g}": elig, f"awards.{g}": won,
                        f"eligible_rate.{g}": elig / n if n else np.nan, f"award_rate.{g}": won / n if n else np.nan})
        a, b = row[f"award_rate.{groups[0]}"], row[f"award_rate.{groups[1]}"]
        row["rate_ratio"] = a / b if b else np.nan
        rows.append(row)
    out = pd.DataFrame(rows).set_index(path)
    out.attrs.update({"scheme": scheme.name, "groups": tuple(groups)})
    return out
