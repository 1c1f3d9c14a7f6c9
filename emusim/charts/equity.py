"""Equity: award share vs unit share by urban class (or by district)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ..i18n import t
from . import style
from ._common import legend_below, tier_ids


def equity_table(award_table: pd.DataFrame, by: str = "urban_class", registry: pd.DataFrame | None = None,
                 tiers: list[str] | None = None) -> pd.DataFrame:
    """Units, awards (per tier and in all) and their shares per group of ``by``.

    >>> aw = pd.DataFrame({"urban_class": ["rural", "rural", "city"], "award": ["a", None, "a"]})
    >>> equity_table(aw)[["units", "awards", "unit_share", "award_share"]]
                 units  awards  unit_share  award_share
    urban_class                                        
    rural            2       1    0.666667          0.5
    city             1       1    0.333333          0.5
    """
    aw = award_table.copy()
    if by not in aw.columns and registry is not None and by in registry:
        aw[by] = registry[by].reindex(aw.index.astype(str)).to_numpy()
    tiers = tiers or tier_ids(None, aw["award"])
    won = aw["award"].map(lambda a: isinstance(a, str))
    g = aw.groupby(by, sort=False)
    out = pd.DataFrame({"units": g.size(), "awards": won.groupby(aw[by], sort=False).sum().astype(int)})
    for tier in tiers:
        out[f"awards.{tier}"] = (aw["award"] == tier).groupby(aw[by], sort=False).sum().astype(int)
    if registry is not None and "population" in registry:
        pop = registry["population"].reindex(aw.index.astype(str)).astype(float)
        out["population"] = pop.groupby(aw[by].to_numpy()).sum()
        out["population_share"] = out["population"] / out["population"].sum()
    out["unit_share"] = out["units"] / out["units"].sum()
    total = out["awards"].sum()
    out["award_share"] = out["awards"] / total if total else 0.0
    if by == "urban_class":
        out = out.reindex([c for c in style.URBAN_ORDER if c in out.index] + [c for c in out.index if c not in style.URBAN_ORDER])
    return out


def _group_name(group, by: str, registry, lang: str) -> str:
    """An urban class's name, or a district's name from the registry, or the id itself."""
    if by == "urban_class":
        return style.urban_label(group, lang)
    if registry is not None and "name" in registry:
        return style.nfc(registry["name"].get(str(group), group))
    return str(group)


@style.styled
def equity(award_table: pd.DataFrame, *, by: str = "urban_class", scheme=None, registry: pd.DataFrame | None = None,
           lang: str | None = None, source: str | None = None, title: str | None = None, subtitle: str | None = None):
    """For each urban class (or district, ``by="parent_id"`` with a registry for names): its
    share of units, its share of awards (stacked by tier) and, with a registry, of population.

    ``award_table`` (:func:`emusim.allocate`): ``award`` and ``urban_class`` (or the ``by``
    column; else taken from ``registry``).
    """
    tiers = tier_ids(scheme, award_table["award"])
    tab = equity_table(award_table, by, registry, tiers)
    cmap = style.tier_colors(tiers)
    groups = list(tab.index)
    n = len(groups)
    has_pop = "population_share" in tab.columns
    k = 3 if has_pop else 2
    fig = style.new_figure(2.4 + n * (0.25 * k + 0.3))
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    h = 0.8 / k
    total_awards = int(tab["awards"].sum())
    xmax = float(np.nanmax(tab[["unit_share", "award_share"] + (["population_share"] if has_pop else [])].to_numpy()))
    x_right = min(1.0, xmax) * 1.4 + 0.02
    pad = x_right * 0.012
    for i, gname in enumerate(groups):
        r = tab.loc[gname]
        base = i
        ax.barh(base - h, r["unit_share"], height=h * 0.9, color="#aab4be")
        ax.text(r["unit_share"] + pad, base - h, t("charts.equity_units", lang, share=style.pct(r["unit_share"], lang), n=int(r["units"])),
                va="center", fontsize=7.5, color=style.MUTED)
        left = 0.0
        for tier in tiers:
            share = r[f"awards.{tier}"] / total_awards if total_awards else 0.0
            ax.barh(base, share, left=left, height=h * 0.9, color=cmap[tier])
            left += share
        ax.text(left + pad, base, t("charts.equity_awards", lang, share=style.pct(r["award_share"], lang), n=int(r["awards"]),
                                     total=total_awards), va="center", fontsize=7.5, fontweight="bold")
        if has_pop:
            ax.barh(base + h, r["population_share"], height=h * 0.9, color="#dfe4e9", hatch="....", edgecolor="#aab4be", linewidth=0)
            ax.text(r["population_share"] + pad, base + h, t("charts.equity_population", lang,
                                                              share=style.pct(r["population_share"], lang)),
                    va="center", fontsize=7.5, color=style.MUTED)
    labels = [_group_name(g, by, registry, lang) for g in groups]
    ax.set_yticks(range(n), labels)
    ax.set_ylim(n - 0.5, -0.5 - h)
    ax.set_xlim(0, x_right)
    step = 0.2 if x_right > 0.5 else 0.05
    ax.set_xticks([x for x in np.arange(0, 1.01, step) if x <= x_right])
    ax.xaxis.set_major_formatter(style.percent_formatter(lang))
    ax.set_xlabel(t("charts.equity_axis", lang))
    ax.tick_params(axis="y", length=0)
    handles = [Patch(color="#aab4be", label=t("charts.equity_legend_units", lang))]
    handles += [Patch(color=cmap[x], label=t("charts.equity_legend_awards", lang, tier=style.tier_label(scheme, x, lang))) for x in tiers]
    if has_pop:
        handles.append(Patch(facecolor="#dfe4e9", hatch="....", edgecolor="#aab4be", label=t("charts.equity_legend_population", lang)))
    legend_below(ax, handles, ncol=1, offset=-0.5 / (2.4 + n * (0.25 * k + 0.3)) - 0.05)
    title = title or t("charts.equity_title" if by == "urban_class" else "charts.equity_title_district", lang)
    if subtitle is None:
        ratios = []
        for g in groups:
            r = tab.loc[g]
            if r["unit_share"] > 0:
                ratios.append((r["award_share"] / r["unit_share"], g))
        if ratios and total_awards:
            hi = max(ratios)
            name = _group_name(hi[1], by, registry, lang)
            subtitle = t("charts.equity_subtitle", lang, n=total_awards, name=name.lower() if by == "urban_class" else name,
                         ratio=style.num(hi[0], lang, 1))
        else:
            subtitle = t("charts.equity_none", lang)
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))
