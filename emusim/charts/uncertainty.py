"""Uncertainty: median rank with 5–95 % intervals; award-probability heatmap."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from ..i18n import t
from . import style
from ._common import legend_below, names_for, tier_ids, wrap


def warning_caption(mc_df: pd.DataFrame, warnings=None, lang: str | None = None) -> str:
    """A one-line caption for the Monte Carlo warnings (``mc_df.attrs["warnings"]`` by default):
    noise on indicators saturated at a 100 % target, which the chart mostly reflects."""
    warnings = mc_df.attrs.get("warnings", []) if warnings is None else warnings
    inds = [w.values.get("indicator") for w in warnings if getattr(w, "key", "") == "analysis.saturated_noise"]
    if not inds:
        return ""
    return t("analysis.saturated_caption", lang, indicators=", ".join(inds))


def _with_warning(subtitle: str, mc_df, warnings, lang) -> str:
    cap = warning_caption(mc_df, warnings, lang)
    return f"{subtitle} {cap}" if cap else subtitle


def _prob_cols(mc_df: pd.DataFrame, scheme=None) -> list[str]:
    cols = [c for c in mc_df.columns if c.startswith("p_") and c not in ("p_any", "p_none", "p_reach")]
    if scheme is not None:
        order = [f"p_{t.id}" for t in scheme.awards.allocated_tiers]
        cols = [c for c in order if c in cols] + [c for c in cols if c not in order]
    return cols


@style.styled
def rank_intervals(mc_df: pd.DataFrame, *, scheme=None, top: int = 30, names=None, n_draws: int | None = None,
                   lang: str | None = None, source: str | None = None, title: str | None = None,
                   subtitle: str | None = None, warnings=None):
    """Median rank and its 5–95 % interval for the best units across Monte Carlo draws.

    ``mc_df``: per-unit Monte Carlo result (index locality_id) with ``median_rank``,
    ``rank_q05``, ``rank_q95``; optional ``name``, ``award`` (the nominal award, for the dot
    colour) and ``p_<tier>`` columns (the dot colour follows the most likely tier otherwise).
    ``warnings``: the Monte Carlo warnings (default ``mc_df.attrs["warnings"]``), added to the caption.
    """
    df = mc_df.sort_values(["median_rank", "rank_q05"]).head(top)
    n = len(df)
    tiers = tier_ids(scheme, df["award"] if "award" in df.columns else None)
    pcols = _prob_cols(df, scheme)
    if not tiers:
        tiers = [c[2:] for c in pcols]
    cmap = style.tier_colors(tiers)
    fig = style.new_figure(2.2 + 0.21 * n)
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    y = np.arange(n)
    for yi, (idx, r) in zip(y, df.iterrows()):
        if "award" in df.columns:
            a = r["award"]
        elif pcols:
            best = max(pcols, key=lambda c: r[c])
            a = best[2:] if r[best] >= 0.5 else None
        else:
            a = None
        color = cmap.get(a, style.ELIGIBLE) if isinstance(a, str) else style.ELIGIBLE
        ax.hlines(yi, r["rank_q05"], r["rank_q95"], color=color, linewidth=2.2, alpha=0.55)
        ax.plot([r["median_rank"]], [yi], "o", color=color, markersize=5.5, markeredgecolor="white", markeredgewidth=0.6)
    ax.set_yticks(y, names_for(df.index, df, names))
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, max(float(df["rank_q95"].max()) * 1.05, 5) if n else 10)
    ax.set_xlabel(t("charts.ri_axis", lang))
    ax.tick_params(axis="y", length=0)
    label_src = t("charts.ri_nominal" if "award" in df.columns else "charts.ri_likely", lang)
    handles = [Line2D([], [], marker="o", color=cmap[x], linewidth=2.2, label=f"{style.tier_label(scheme, x, lang)} ({label_src})")
               for x in tiers]
    handles.append(Line2D([], [], marker="o", color=style.ELIGIBLE, linewidth=2.2, label=t("charts.no_award", lang)))
    legend_below(ax, handles, ncol=1, offset=-0.5 / (2.2 + 0.21 * n) - 0.05)
    title = title or t("charts.ri_title", lang)
    if subtitle is None:
        subtitle = t("charts.ri_subtitle_draws" if n_draws else "charts.ri_subtitle", lang, n=n, draws=n_draws or 0)
    subtitle = _with_warning(subtitle, mc_df, warnings, lang)
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))


@style.styled
def award_probability(mc_df: pd.DataFrame, *, scheme=None, top: int = 25, names=None, n_draws: int | None = None,
                      lang: str | None = None, source: str | None = None, title: str | None = None,
                      subtitle: str | None = None, warnings=None):
    """Heatmap of each unit's probability of each award tier across Monte Carlo draws.

    ``mc_df``: per-unit Monte Carlo result with ``p_<tier id>`` columns (probability in
    [0, 1]) and optional ``name``, ``award`` (nominal, marked ★), ``median_rank``. Rows:
    the ``top`` units with the highest probability of any award. ``warnings``: as in
    :func:`rank_intervals`.
    """
    pcols = _prob_cols(mc_df, scheme)
    df = mc_df.copy()
    df["_any"] = df[pcols].sum(axis=1)
    sort = ["_any"] + (["median_rank"] if "median_rank" in df.columns else [])
    df = df[df["_any"] > 0].sort_values(sort, ascending=[False] + [True] * (len(sort) - 1)).head(top)
    n, m = len(df), len(pcols) + 1
    fig = style.new_figure(2.6 + 0.23 * max(n, 3))
    ax = fig.add_subplot()
    from matplotlib import colormaps

    cm = colormaps["YlOrRd"]
    cols = pcols + ["_any"]
    for i, (idx, r) in enumerate(df.iterrows()):
        for j, c in enumerate(cols):
            p = float(r[c])
            ax.add_patch(Rectangle((j - 0.47, i - 0.42), 0.94, 0.84, facecolor=cm(0.05 + 0.9 * p) if p > 0 else "#f5f6f7",
                                   edgecolor="white" if j < m - 1 else style.MUTED, linewidth=0.6))
            ax.text(j, i, style.pct(p, lang) if p > 0 else "–", ha="center", va="center", fontsize=7.5,
                    color="white" if p > 0.6 else style.INK)
    ax.set_xlim(-0.5, m - 0.5)
    ax.set_ylim(max(n, 1) - 0.5, -0.5)
    heads = [wrap(style.tier_label(scheme, c[2:], lang), 24) for c in pcols] + [t("charts.ap_any", lang)]
    ax.set_xticks(range(m), heads, fontsize=8)
    ax.xaxis.tick_top()
    labels = names_for(df.index, df, names)
    if "award" in df.columns:
        labels = [lab + (" ★" if isinstance(a, str) else "") for lab, a in zip(labels, df["award"])]
    ax.set_yticks(range(n), labels)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    title = title or t("charts.ap_title", lang)
    if subtitle is None:
        subtitle = t("charts.ap_subtitle_draws" if n_draws else "charts.ap_subtitle", lang, draws=n_draws or 0)
    subtitle = _with_warning(subtitle, mc_df, warnings, lang)
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))
