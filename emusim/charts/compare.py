"""Scheme comparison: slopegraph of ranks and overlap of the award sets."""
from __future__ import annotations

from itertools import combinations
from typing import Mapping

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..i18n import t
from . import style
from ._common import legend_below, names_for, wrap

KEPT, LOST, GAINED, NEITHER = "#1f4e79", "#c0392b", "#2a9d8f", "#b8c2cc"


def _won(x) -> bool:
    return isinstance(x, str) and x not in ("", "None")


@style.styled
def slopegraph(compare_df: pd.DataFrame, *, labels: tuple[str, str] = ("A", "B"), top: int = 15,
               names=None, scheme=None, lang: str | None = None, source: str | None = None,
               title: str | None = None, subtitle: str | None = None):
    """Ranks of the same units under two schemes, joined by lines.

    ``compare_df`` (index locality_id): ``rank_a``, ``rank_b``; optional ``award_a``,
    ``award_b`` (tier id or None) and ``name``. Units shown: the ``top`` best under either
    scheme plus every award winner under either. Ranks below ``top + 3`` are drawn at the
    bottom edge with their real rank printed. Line colour: award kept, lost, gained, or no
    award under either.
    """
    df = compare_df.copy()
    has_aw = "award_a" in df.columns and "award_b" in df.columns
    sel = (df["rank_a"] <= top) | (df["rank_b"] <= top)
    if has_aw:
        sel |= df["award_a"].map(_won) | df["award_b"].map(_won)
    df = df[sel]
    floor = top + 3
    fig = style.new_figure(2.2 + 0.24 * (floor + 1), WIDTH_SLOPE)
    ax = fig.add_subplot()
    xa, xb = 0.0, 1.0
    label_of = dict(zip(df.index, names_for(df.index, df, names)))
    counts = {"kept": 0, "lost": 0, "gained": 0}
    used_a, used_b = {}, {}
    for idx, r in df.sort_values("rank_a").iterrows():
        ra, rb = float(r["rank_a"]), float(r["rank_b"])
        ya, yb = min(ra, floor), min(rb, floor)
        if has_aw:
            wa, wb = _won(r["award_a"]), _won(r["award_b"])
            color = KEPT if wa and wb else LOST if wa else GAINED if wb else NEITHER
            if wa or wb:
                counts["kept" if wa and wb else "lost" if wa else "gained"] += 1
        else:
            color = KEPT if rb < ra else LOST if rb > ra else NEITHER
        lw = 2.0 if color != NEITHER else 1.0
        ax.plot([xa, xb], [ya, yb], color=color, linewidth=lw, alpha=0.9, zorder=3 if color != NEITHER else 2,
                marker="o", markersize=3.5)
        # labels, nudged when ranks collide at the floor
        ka = used_a.get(ya, 0)
        kb = used_b.get(yb, 0)
        used_a[ya], used_b[yb] = ka + 1, kb + 1
        ta = f"{label_of[idx]}  {int(ra)}"
        tb = f"{int(rb)}  {label_of[idx]}"
        ax.text(xa - 0.03, ya + 0.55 * ka, ta, ha="right", va="center", fontsize=7.5, color=color if color != NEITHER else style.MUTED)
        ax.text(xb + 0.03, yb + 0.55 * kb, tb, ha="left", va="center", fontsize=7.5, color=color if color != NEITHER else style.MUTED)
    ax.set_xlim(-0.9, 1.9)
    bottom = floor + 0.6 * max(max(used_a.values(), default=1), max(used_b.values(), default=1)) + 0.5
    ax.set_ylim(bottom, 0.2)
    ax.axhline(floor - 0.5, color=style.GRID, linewidth=0.8)
    ax.text(0.5, floor - 0.6, t("charts.slope_below", lang, n=floor - 1),
            ha="center", va="bottom", fontsize=7.5, color=style.MUTED)
    ax.text(xa, -0.2, style.nfc(labels[0]), ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.text(xb, -0.2, style.nfc(labels[1]), ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.axis("off")
    handles = []
    if has_aw:
        handles = [Line2D([], [], color=KEPT, linewidth=2, label=t("charts.slope_both", lang)),
                   Line2D([], [], color=LOST, linewidth=2, label=t("charts.slope_only", lang, label=style.nfc(labels[0]))),
                   Line2D([], [], color=GAINED, linewidth=2, label=t("charts.slope_only", lang, label=style.nfc(labels[1]))),
                   Line2D([], [], color=NEITHER, linewidth=1, label=t("charts.no_award", lang))]
        legend_below(ax, handles, ncol=2, offset=0.0)
    title = title or t("charts.slope_title", lang)
    if subtitle is None and has_aw:
        subtitle = t("charts.slope_subtitle", lang, a=style.nfc(labels[0]), b=style.nfc(labels[1]), **counts)
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))


WIDTH_SLOPE = 7.5


@style.styled
def overlap(sets: Mapping[str, object], *, names=None, scheme=None, lang: str | None = None, source: str | None = None,
            title: str | None = None, subtitle: str | None = None, max_names: int = 8):
    """Overlap of award sets: how many units win under each combination of schemes.

    ``sets``: scheme label → the locality ids awarded under it (any iterable), for 2–4
    schemes. ``names``: locality_id → display name (the names of the units in each
    combination are printed next to its bar, up to ``max_names``).
    """
    labels = [style.nfc(x) for x in sets]
    members = {style.nfc(k): set(map(str, v)) for k, v in sets.items()}
    everyone = set().union(*members.values()) if members else set()
    combos = []
    for r in range(len(labels), 0, -1):
        for combo in combinations(labels, r):
            inside = set.intersection(*(members[c] for c in combo))
            outside = set().union(*(members[c] for c in labels if c not in combo)) if len(combo) < len(labels) else set()
            units = sorted(inside - outside)
            combos.append((combo, units))
    texts = []
    for combo, units in combos:
        nm = names_for(units, None, names or {})
        txt = ", ".join(nm[:max_names]) + (t("charts.overlap_more", lang, n=len(nm) - max_names) if len(nm) > max_names else "")
        texts.append(wrap(txt, 50) if txt else "–")
    lines = [t.count("\n") + 1 for t in texts]
    heights = [max(0.42, 0.17 * k + 0.16) for k in lines]
    fig = style.new_figure(1.9 + sum(heights))
    gs = fig.add_gridspec(1, 2, width_ratios=[1.0, 1.25])  # no wspace: it would turn tight_layout off
    ax = fig.add_subplot(gs[0])
    ax_names = fig.add_subplot(gs[1], sharey=ax)
    ax_names.axis("off")
    style.style_axis(ax, "x")
    centers = np.cumsum(heights) - np.array(heights) / 2
    sizes = [len(u) for _, u in combos]
    colors = [KEPT if len(c) == len(labels) else (LOST if labels[0] in c else GAINED) for c, _ in combos]
    ax.barh(centers, sizes, color=colors, height=0.3)
    mx = max(sizes + [1])
    for yc, size, txt in zip(centers, sizes, texts):
        ax.text(size + mx * 0.02, yc, str(size), va="center", ha="left", fontsize=8.5, fontweight="bold")
        ax_names.text(0.02, yc, txt, va="center", ha="left", fontsize=7.5, transform=ax_names.get_yaxis_transform())
    y = centers
    ylabels = []
    for combo, _ in combos:
        if len(combo) == len(labels):
            ylabels.append(t("charts.overlap_all", lang, labels=style.join(labels, lang)) if len(labels) > 2 else
                           t("charts.overlap_both", lang, a=labels[0], b=labels[1]))
        else:
            ylabels.append(t("charts.overlap_only", lang, labels=style.join(combo, lang)))
    ax.set_yticks(y, ylabels)
    ax.set_ylim(float(sum(heights)), 0.0)
    ax.set_xlim(0, mx * 1.15)
    ax.xaxis.set_major_locator(__import__("matplotlib.ticker", fromlist=["MaxNLocator"]).MaxNLocator(integer=True))
    ax.set_xlabel(t("charts.overlap_axis", lang))
    ax.tick_params(axis="y", length=0)
    title = title or t("charts.overlap_title", lang)
    if subtitle is None:
        subtitle = t("charts.overlap_subtitle", lang, n=len(everyone), both=sizes[0])
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))
