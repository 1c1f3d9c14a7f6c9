"""Sweep (who wins as one parameter moves) and tornado (which parameters matter most)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch, Rectangle

from ..i18n import catalogue, t
from . import style
from ._common import legend_below, names_for, parameter_label, parameter_value, tier_ids, wrap


@style.styled
def sweep(sweep_df: pd.DataFrame, *, parameter: str | None = None, scheme=None, baseline=None,
          names=None, max_units: int = 30, lang: str | None = None, source: str | None = None,
          title: str | None = None, subtitle: str | None = None):
    """Who gets which award for each value of one parameter: a grid of units × values.

    ``sweep_df``: long table with columns ``value`` (the parameter's value), ``locality_id``,
    ``award`` (tier id or None/NaN), ``rank``, ``total``; optional ``name``, ``parameter``.
    Rows are the units that win an award at some value (at most ``max_units``), ordered by
    the first value at which they win, then by rank; a cell is coloured by tier and shows the
    unit's rank. ``baseline``: the scheme's current value (its column is outlined).
    """
    df = sweep_df.copy()
    df["locality_id"] = df["locality_id"].astype(str)
    if parameter is None and "parameter" in df.columns:
        parameter = str(df["parameter"].iloc[0])
    values = sorted(pd.unique(df["value"]), key=lambda v: (isinstance(v, str), v))
    tiers = tier_ids(scheme, df["award"])
    cmap = style.tier_colors(tiers)
    won = df[df["award"].notna() & (df["award"].astype(str) != "None")]
    first = won.groupby("locality_id")["value"].agg(lambda s: min(values.index(v) for v in s))
    best_rank = won.groupby("locality_id")["rank"].min()
    order = sorted(first.index, key=lambda u: (first[u], best_rank[u]))[:max_units]
    n, m = len(order), len(values)
    name_map = names
    if name_map is None and "name" in df.columns:
        name_map = df.drop_duplicates("locality_id").set_index("locality_id")["name"].to_dict()
    fig = style.new_figure(2.5 + 0.25 * max(n, 3))
    ax = fig.add_subplot()
    grid = df.set_index(["locality_id", "value"])
    for i, u in enumerate(order):
        for j, v in enumerate(values):
            if (u, v) not in grid.index:
                continue
            r = grid.loc[(u, v)]
            a = r["award"]
            color = cmap.get(a, "#f1f3f5") if isinstance(a, str) else "#f1f3f5"
            ax.add_patch(Rectangle((j - 0.46, i - 0.42), 0.92, 0.84, facecolor=color, edgecolor="none"))
            ax.text(j, i, str(int(r["rank"])), ha="center", va="center", fontsize=7,
                    color="white" if isinstance(a, str) else style.MUTED)
    if baseline is not None and baseline in values:
        j = values.index(baseline)
        ax.add_patch(Rectangle((j - 0.5, -0.5), 1.0, n, facecolor="none", edgecolor=style.INK, linewidth=1.3))
    ax.set_xlim(-0.5, m - 0.5)
    ax.set_ylim(max(n, 1) - 0.5, -0.5)
    xt = [parameter_value(parameter or "", v, lang) for v in values]
    if baseline is not None and baseline in values:
        xt[values.index(baseline)] += "\n" + t("charts.sweep_current", lang)
    ax.set_xticks(range(m), xt)
    ax.set_yticks(range(n), names_for(order, None, name_map or {}))
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xlabel(parameter_label(parameter or "", scheme, lang))
    handles = [Patch(color=cmap[x], label=style.tier_label(scheme, x, lang)) for x in tiers]
    handles.append(Patch(color="#f1f3f5", label=t("charts.sweep_no_award", lang)))
    legend_below(ax, handles, ncol=1, offset=-0.55 / (2.5 + 0.25 * max(n, 3)) - 0.06)
    counts = won.groupby("value").size().reindex(values).fillna(0).astype(int)
    title = title or t("charts.sweep_title", lang)
    if subtitle is None:
        subtitle = t("charts.sweep_subtitle", lang, parameter=parameter_label(parameter or "", scheme, lang), n=len(order),
                     counts=", ".join(str(c) for c in counts))
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))


def _from_analysis(df: pd.DataFrame, metric: str | None) -> tuple[pd.DataFrame, str | None]:
    """Map ``emusim.analysis.tornado`` columns onto the chart's (parameter, effect_low, effect_high);
    also the key of the column pair used (``changed``, ``gained``, …), if any."""
    df = df.copy()
    if "parameter" not in df.columns and "path" in df.columns:
        df["parameter"] = df["path"]
    key = None
    if "effect_low" not in df.columns:
        key = metric if metric and f"{metric}_low" in df.columns else "changed"
        if f"{key}_low" not in df.columns:
            raise ValueError(t("charts.tornado_bad_columns", columns="effect_low, effect_high"))
        df["effect_low"], df["effect_high"] = df[f"{key}_low"], df[f"{key}_high"]
    return df, key


def _metric_axis(metric: str | None, key: str | None, lang: str) -> str:
    """The axis label: the metric's readable name when it is one of emusim.analysis.tornado's
    column pairs, else ``metric`` itself (a label given by the caller), else a generic one."""
    for name in (metric, key):
        if name and f"charts.tornado_metric_{name}" in catalogue():
            return t(f"charts.tornado_metric_{name}", lang)
    return metric or t("charts.tornado_axis", lang)


@style.styled
def tornado(tornado_df: pd.DataFrame, *, scheme=None, metric: str | None = None, baseline_value=None,
            max_rows: int = 12, mirror: bool | None = None, lang: str | None = None, source: str | None = None, title: str | None = None,
            subtitle: str | None = None):
    """Which parameters move the result most: bars of the effect at each end of a range.

    ``tornado_df``: one row per parameter, columns ``parameter`` (an adjust path such as
    ``uplift.city``), ``low``, ``high`` (the values tried), ``effect_low``, ``effect_high``
    (the change of the outcome metric from the baseline, e.g. the number of award winners
    that change); optional ``label``. ``metric``: what the effect measures (axis label).
    ``mirror``: draw the low-end effects to the left and the high-end ones to the right
    (for a non-negative metric such as "awards that change"); default: when no effect is
    negative.

    The output of :func:`emusim.analysis.tornado` is accepted as it is (``path`` →
    ``parameter``, ``changed_low``/``changed_high`` → the effects, or the ``<metric>_low``
    / ``<metric>_high`` columns when ``metric`` names one of them).
    """
    df, key = _from_analysis(tornado_df, metric)
    if mirror is None:
        mirror = bool((df["effect_low"] >= 0).all() and (df["effect_high"] >= 0).all())
    if mirror:
        df["effect_low"] = -df["effect_low"].abs()
        df["effect_high"] = df["effect_high"].abs()
    df["_size"] = np.maximum(df["effect_low"].abs(), df["effect_high"].abs())
    df = df.sort_values("_size", ascending=False).head(max_rows)
    n = len(df)
    fig = style.new_figure(2.4 + 0.42 * max(n, 2))
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    y = np.arange(n)
    lo_c, hi_c = "#2e86ab", "#c0392b"
    ax.barh(y, df["effect_low"], color=lo_c, height=0.62)
    ax.barh(y, df["effect_high"], color=hi_c, height=0.62)
    span = float(df[["effect_low", "effect_high"]].abs().to_numpy().max()) if n else 1.0
    span = span or 1.0
    for yi, (_, r) in zip(y, df.iterrows()):
        for side, eff, val, c in ((-1, r["effect_low"], r["low"], lo_c), (1, r["effect_high"], r["high"], hi_c)):
            shown = abs(eff) if mirror else eff
            txt = f"{parameter_value(r['parameter'], val, lang)} → {'+' if shown > 0 and not mirror else ''}{style.num(shown, lang, 1)}"
            right = eff > 0 or (eff == 0 and side > 0) if not mirror else side > 0
            ha = "left" if right else "right"
            ax.text(eff + (span * 0.02 if right else -span * 0.02), yi, txt, va="center", ha=ha, fontsize=7.5, color=c)
    labels = [wrap(r["label"] if "label" in df.columns and isinstance(r.get("label"), str) and r.get("label")
                   else parameter_label(r["parameter"], scheme, lang), 40) for _, r in df.iterrows()]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(-span * 1.45, span * 1.45)
    ax.axvline(0, color=style.INK, linewidth=0.8)
    ax.tick_params(axis="y", length=0)
    if mirror:
        ax.xaxis.set_major_formatter(lambda v, _: style.num(abs(v), lang, 1))
    ax.set_xlabel(_metric_axis(metric, key, lang))
    legend_below(ax, [Patch(color=lo_c, label=t("charts.tornado_low", lang)),
                      Patch(color=hi_c, label=t("charts.tornado_high", lang))],
                 ncol=2, offset=-0.5 / (2.4 + 0.42 * max(n, 2)) - 0.08)
    title = title or t("charts.tornado_title", lang)
    if subtitle is None and baseline_value is not None:
        subtitle = t("charts.tornado_subtitle_baseline", lang, value=style.num(baseline_value, lang, 1))
    elif subtitle is None:
        subtitle = t("charts.tornado_subtitle", lang)
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))
