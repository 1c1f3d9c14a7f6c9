"""The trade-off of a scheme-design study: distance from the plan vs one goal's metric."""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from . import style
from ._common import legend_below, shorten
from ..i18n import t

METRIC_KEYS = {"groups_awarded": "design.metric_groups_awarded", "urban_gap": "design.metric_urban_gap",
               "robustness": "design.metric_robustness", "not_eligible": "design.metric_not_eligible",
               "awards": "design.metric_awards", "distance": "design.metric_distance", "n_changed": "design.metric_n_changed"}


def _metric_label(column: str, lang: str) -> str:
    return t(METRIC_KEYS.get(column.split(":")[0], "design.metric_distance"), lang) if column.split(":")[0] in METRIC_KEYS else column


@style.styled
def design_tradeoff(result, *, metric: str | None = None, scheme=None, lang: str | None = None, source: str | None = None,
                    title: str | None = None, subtitle: str | None = None):
    """Each reform of ``result.table`` (:func:`emusim.analysis.design`) as a point: distance from
    the plan as written (x) against ``metric`` (y; default the first goal that is not distance).
    Filled points meet every goal; the plan as written is the star at distance 0; the proposal
    (closest to the plan among those meeting every goal) is ringed and described."""
    from ..i18n.paths import describe_setting

    from ..analysis.design import goal_column

    table = result.table
    if metric is None:
        cols = [goal_column(g) for g in result.goals if g.metric != "distance"]
        preferred = [c for c in cols if c.startswith("robustness")] + [c for c in cols if c.startswith("urban_gap")] + cols
        metric = preferred[0] if preferred else "awards"
    fig = style.new_figure(4.6)
    ax = fig.add_subplot()
    style.style_axis(ax, "both")
    cloud = result.evaluated
    if cloud is not None and len(cloud):
        ax.scatter(cloud["distance"], cloud[metric], s=6, color="#c9d1da", alpha=0.5, linewidths=0, zorder=1, rasterized=True)
    ok = table["meets_goals"].to_numpy(dtype=bool)
    x, y = table["distance"].to_numpy(float), table[metric].to_numpy(float)
    ax.scatter(x[~ok], y[~ok], s=28, facecolors="white", edgecolors=style.MUTED, linewidths=1.0, zorder=3)
    ax.scatter(x[ok], y[ok], s=30, color=style.ACCENT, zorder=3)
    plan_y = result.plan.get(metric, np.nan)
    ax.scatter([0.0], [plan_y], marker="*", s=170, color=style.INK, zorder=4)
    best = result.proposal
    note = t("design.chart_no_proposal", lang)
    if best is not None:
        i = int(np.flatnonzero(ok)[np.argmin(x[ok])])
        ax.scatter([x[i]], [y[i]], s=170, facecolors="none", edgecolors=style.ACCENT, linewidths=1.8, zorder=5)
        changes = "; ".join(describe_setting(p, v, scheme, lang, with_path=False) for p, v in best.items())
        note = t("design.chart_proposal", lang, changes=shorten(changes, 150) if changes else t("design.no_change", lang))
    for g in result.goals:
        if g.is_constraint and goal_column(g) == metric:
            ax.axhline(g.bound, color=style.ACCENT, lw=0.9, ls="--", zorder=2)
            ax.annotate(t("design.chart_bound", lang), (1.0, g.bound), xycoords=("axes fraction", "data"), ha="right",
                        va="bottom", fontsize=7.5, color=style.ACCENT)
    ax.set_xlim(left=-0.02 * max(1e-9, float(np.nanmax(x)) if len(x) else 1.0))
    ax.xaxis.set_major_formatter(lambda v, _: style.num(v, lang, 2))
    ax.set_xlabel(_metric_label("distance", lang))
    ax.set_ylabel(_metric_label(metric, lang))
    if metric.startswith(("robustness", "urban_gap")):
        ax.yaxis.set_major_formatter(lambda v, _: style.pct(v, lang))
    handles = [Line2D([], [], marker="o", ls="", color="#c9d1da", label=t("design.chart_tried", lang)), Line2D([], [], marker="o", ls="", color=style.ACCENT, label=t("design.chart_meets", lang)),
               Line2D([], [], marker="o", ls="", markerfacecolor="white", markeredgecolor=style.MUTED, label=t("design.chart_misses", lang)),
               Line2D([], [], marker="*", ls="", color=style.INK, markersize=11, label=t("design.chart_plan", lang))]
    legend_below(ax, handles, ncol=4, offset=-0.16)
    title = title or t("design.chart_title", lang)
    subtitle = subtitle or (t("design.chart_subtitle", lang, n=result.n_evaluated, pareto=len(table)) + " " + note)
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))
