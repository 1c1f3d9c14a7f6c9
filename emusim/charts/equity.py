"""Equity: award share vs unit share by urban class (or by district)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

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
    for t in tiers:
        out[f"awards.{t}"] = (aw["award"] == t).groupby(aw[by], sort=False).sum().astype(int)
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


@style.styled
def equity(award_table: pd.DataFrame, *, by: str = "urban_class", scheme=None, registry: pd.DataFrame | None = None,
           lang: str = "vi", source: str | None = None, title: str | None = None, subtitle: str | None = None):
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
    for i, gname in enumerate(groups):
        r = tab.loc[gname]
        base = i
        ax.barh(base - h, r["unit_share"], height=h * 0.9, color="#aab4be")
        ax.text(r["unit_share"] + 0.01, base - h, f"{style.pct(r['unit_share'], lang)} ({int(r['units'])} {style.word('units', lang)})",
                va="center", fontsize=7.5, color=style.MUTED)
        left = 0.0
        for t in tiers:
            share = r[f"awards.{t}"] / total_awards if total_awards else 0.0
            ax.barh(base, share, left=left, height=h * 0.9, color=cmap[t])
            left += share
        ax.text(left + 0.01, base, f"{style.pct(r['award_share'], lang)} ({int(r['awards'])}/{total_awards} "
                + style.pick("giải", "awards", lang) + ")", va="center", fontsize=7.5, fontweight="bold")
        if has_pop:
            ax.barh(base + h, r["population_share"], height=h * 0.9, color="#dfe4e9", hatch="....", edgecolor="#aab4be", linewidth=0)
            ax.text(r["population_share"] + 0.01, base + h, style.pick(f"{style.pct(r['population_share'], lang)} dân số",
                                                                      f"{style.pct(r['population_share'], lang)} of population", lang),
                    va="center", fontsize=7.5, color=style.MUTED)
    if by == "urban_class":
        labels = [style.urban_label(g, lang) for g in groups]
    elif registry is not None and "name" in registry:
        labels = [style.nfc(registry["name"].get(str(g), g)) for g in groups]
    else:
        labels = [str(g) for g in groups]
    ax.set_yticks(range(n), labels)
    ax.set_ylim(n - 0.5, -0.5 - h)
    xmax = float(np.nanmax(tab[["unit_share", "award_share"] + (["population_share"] if has_pop else [])].to_numpy()))
    ax.set_xlim(0, min(1.0, xmax) * 1.4 + 0.02)
    ax.set_xticks([t for t in np.arange(0, 1.01, 0.2) if t <= min(1.0, xmax) * 1.4 + 0.02])
    ax.xaxis.set_major_formatter(lambda v, _: style.pct(v, lang))
    ax.set_xlabel(style.pick("Tỷ trọng", "Share", lang))
    ax.tick_params(axis="y", length=0)
    handles = [Patch(color="#aab4be", label=style.pick("tỷ trọng số đơn vị", "share of units", lang))]
    handles += [Patch(color=cmap[t], label=style.pick("tỷ trọng giải: ", "share of awards: ", lang) + style.tier_label(scheme, t, lang)) for t in tiers]
    if has_pop:
        handles.append(Patch(facecolor="#dfe4e9", hatch="....", edgecolor="#aab4be", label=style.pick("tỷ trọng dân số", "share of population", lang)))
    legend_below(ax, handles, ncol=1, offset=-0.5 / (2.4 + n * (0.25 * k + 0.3)) - 0.05)
    title = title or style.pick("Giải thưởng có chia đều giữa các loại địa bàn?", "Are awards shared fairly across kinds of locality?", lang)
    if subtitle is None:
        ratios = []
        for g in groups:
            r = tab.loc[g]
            if r["unit_share"] > 0:
                ratios.append((r["award_share"] / r["unit_share"], g))
        if ratios and total_awards:
            hi = max(ratios)
            name = style.urban_label(hi[1], lang) if by == "urban_class" else str(hi[1])
            subtitle = style.pick(f"{total_awards} giải. Nhóm được khen nhiều nhất so với số đơn vị: {name.lower()} "
                                  f"(gấp {style.num(hi[0], lang, 1)} lần tỷ trọng số đơn vị).",
                                  f"{total_awards} awards. Most awarded relative to its number of units: {name.lower()} "
                                  f"({style.num(hi[0], lang, 1)}× its share of units).", lang)
        else:
            subtitle = style.pick("Chưa có giải nào được trao.", "No award was given.", lang)
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))
