"""The scheme audit, the gaming risk and the structural alternatives as charts (issue 13).

* :func:`audit_shares` — each group's (and the bonus', the deductions') share of the
  variance of totals against its nominal share of points;
* :func:`gaming_cheapest` — the cheapest points: points per unit of effort, self-declared
  yes/no rows marked, with the winners who rest on them;
* :func:`alternatives_chart` — award changes and rank correlation under each structural
  alternative to the plan as written.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ..i18n import fmt_number, fmt_percent, t
from ..i18n.paths import path_value
from . import style
from ._common import legend_below, shorten


def _label(row, lang: str, n: int = 46) -> str:
    text = row.get("label_en") if lang == "en" and row.get("label_en") else row.get("label")
    return shorten(style.nfc(text or ""), n)


def _indicator_labels(cheapest: pd.DataFrame, lang: str, n: int = 40) -> dict[tuple[str, str], str]:
    """(criterion, indicator) → the catalogue's name of the indicator, for the criteria that count
    several: the words they share are left out ("…biểu dương"), so the rows can be told apart."""
    import os

    from ..catalog import load_catalog

    cat = load_catalog()
    out = {}
    for crit, rows in cheapest.groupby("criterion"):
        inds = list(dict.fromkeys(rows["indicator"]))
        if len(inds) < 2:
            continue
        names = {i: style.nfc(cat.label(i, lang)) for i in inds}
        common = os.path.commonprefix([v.split() for v in names.values()])
        for i, v in names.items():
            rest = " ".join(v.split()[len(common):]) if len(common) >= 3 else v
            out[crit, i] = shorten(("…" + rest) if rest != v else v, n)
    return out


def _bar_figure(n: int, per_row: float):
    """A house-style figure with one horizontal bar axis for ``n`` rows: (fig, ax, rows, height)."""
    height = 2.6 + per_row * max(n, 2)
    fig = style.new_figure(height)
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    return fig, ax, np.arange(n), height


@style.styled
def audit_shares(audit, *, scheme=None, lang: str | None = None, source: str | None = None, title: str | None = None,
                 subtitle: str | None = None):
    """Nominal share of points vs share of the variance of totals, per component.

    ``audit``: an :class:`emusim.analysis.Audit`. Bonus and deductions have no nominal share
    when uncapped (marked "không giới hạn" / "uncapped").
    """
    sh = audit.shares
    n = len(sh)
    fig, ax, y, height = _bar_figure(n, 0.46)
    nominal = sh["nominal_share"].fillna(0).to_numpy(dtype=float)
    actual = sh["variance_share"].fillna(0).to_numpy(dtype=float)
    ax.barh(y - 0.19, nominal, height=0.36, color=style.GRID, edgecolor=style.MUTED, linewidth=0.5)
    colors = [style.BONUS_COLOR if c == "bonus" else style.DEDUCTION_COLOR if c == "deduction" else style.ACCENT
              for c in sh.index]
    ax.barh(y + 0.19, actual, height=0.36, color=colors)
    span = max(float(np.nanmax(np.r_[nominal, actual, 0.05])), 0.05)
    for yi, (comp, r) in zip(y, sh.iterrows()):
        nom = r["nominal_share"]
        ax.text((0 if np.isnan(nom) else nom) + span * 0.01, yi - 0.19,
                t("analysis.chart_uncapped", lang) if np.isnan(nom) else fmt_percent(nom, lang, 0),
                va="center", fontsize=7.5, color=style.MUTED)
        v = r["variance_share"]
        if not np.isnan(v):
            ax.text(max(v, 0) + span * 0.01, yi + 0.19, fmt_percent(v, lang, 0), va="center", fontsize=7.5,
                    color=style.INK, fontweight="bold")
    names = []
    for comp, r in sh.iterrows():
        if comp == "bonus":
            names.append(t("analysis.chart_bonus", lang))
        elif comp == "deduction":
            names.append(t("analysis.chart_deduction", lang))
        else:
            lab = _label(r, lang, 38)
            names.append(f"{comp}. {lab}" if lab else str(comp))
    ax.set_yticks(y, names, fontsize=8)
    ax.set_ylim(n - 0.5, -0.6)
    ax.set_xlim(min(0, float(np.nanmin(np.r_[actual, 0]))) * 1.2, span * 1.25)
    ax.axvline(0, color=style.INK, linewidth=0.8)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(lambda v, _: fmt_percent(v, lang, 0))
    legend_below(ax, [Patch(facecolor=style.GRID, edgecolor=style.MUTED, label=t("analysis.chart_nominal", lang)),
                      Patch(color=style.ACCENT, label=t("analysis.chart_variance", lang))],
                 ncol=1, offset=-0.5 / height - 0.06)
    std = audit.kind == "standards"
    title = title or t("analysis.chart_audit_title_standards" if std else "analysis.chart_audit_title", lang)
    if subtitle is None:
        subtitle = t("charts.audit_subtitle_standards" if std else "charts.audit_subtitle", lang, saturated=len(audit.saturated), dead=len(audit.dead),
                     correlated=len(audit.high_correlations))
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))


@style.styled
def gaming_cheapest(gaming, *, scheme=None, top: int = 14, lang: str | None = None, source: str | None = None,
                    title: str | None = None, subtitle: str | None = None):
    """The cheapest points of the scheme: median points per unit of effort, by criterion.

    ``gaming``: an :class:`emusim.analysis.GamingRisk`. Red bars: self-declared yes/no rows
    (where a reviewer should ask for evidence first).
    """
    df = gaming.cheapest.head(top)
    n = len(df)
    fig, ax, y, height = _bar_figure(n, 0.4)
    claim_c, other_c = style.FAIL, style.ELIGIBLE
    vals = df["points_per_cost"].to_numpy(dtype=float)
    ax.barh(y, vals, color=[claim_c if s else other_c for s in df["self_declared"]], height=0.62)
    span = float(vals.max()) if n else 1.0
    span = span or 1.0
    for yi, (_, r) in zip(y, df.iterrows()):
        txt = t("analysis.chart_gaming_bar", lang, points=fmt_number(r["points_per_step"], lang, 2),
                effort=t(f"analysis.effort_{r['effort']}", lang), units=int(r["units_can_gain"]))
        ax.text(r["points_per_cost"] + span * 0.01, yi, txt, va="center", fontsize=7.2, color=style.INK)
    several = _indicator_labels(gaming.cheapest, lang)
    ax.set_yticks(y, [f"{r['criterion']} · " + several.get((r["criterion"], r["indicator"]), _label(r, lang, 40))
                      for _, r in df.iterrows()], fontsize=7.8)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, span * 1.7)
    ax.tick_params(axis="y", length=0)
    unit = t("common.points" if gaming.kind == "points" else "analysis.standards_word", lang)
    ax.set_xlabel(t("analysis.chart_gaming_axis", lang, unit=unit), fontsize=8)
    legend_below(ax, [Patch(color=claim_c, label=t("analysis.chart_gaming_claim", lang)),
                      Patch(color=other_c, label=t("analysis.chart_gaming_other", lang))],
                 ncol=2, offset=-1.3 / height - 0.08)
    title = title or t("analysis.chart_gaming_title", lang)
    if subtitle is None:
        awarded = int(gaming.claims["award"].notna().sum()) if len(gaming.claims) else 0
        flags = gaming.flags
        if len(flags):
            subtitle = t("analysis.chart_gaming_subtitle", lang, flagged=len(flags), winners=awarded,
                         names=", ".join(str(x) for x in flags["name"].head(4)))
        else:
            subtitle = t("analysis.chart_gaming_subtitle_none", lang, winners=awarded)
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))


def _alt_label(name: str, lang, t_label) -> str:
    """An alternative's label on the chart; a missing-data policy is named in words, not by its id."""
    kind, _, arg = name.partition(":")
    if kind == "missing":
        return t("charts.alt_missing", lang, choice=path_value("missing", arg, lang))
    return t_label(name, lang)


@style.styled
def alternatives_chart(alts, *, scheme=None, top: int = 14, lang: str | None = None, source: str | None = None,
                       title: str | None = None, subtitle: str | None = None):
    """Award changes (gains + losses + tier moves) under each structural alternative.

    ``alts``: an :class:`emusim.analysis.Alternatives`. Every non-drop alternative is shown;
    the leave-one-out ones fill the rest of ``top``, most disruptive first.
    """
    from ..analysis.alternatives import t_label

    tab = alts.table.copy()
    structural = tab[tab["kind"] != "drop"]
    drops = tab[tab["kind"] == "drop"].sort_values(["award_changes", "mean_abs_rank_shift"], ascending=False)
    df = structural.sort_values("award_changes", ascending=False)
    df = pd.concat([df, drops.head(max(0, top - len(df)))])
    n = len(df)
    fig, ax, y, height = _bar_figure(n, 0.4)
    gains = df["gains"].to_numpy(dtype=float)
    losses = df["losses"].to_numpy(dtype=float)
    moves = df["tier_moves"].to_numpy(dtype=float)
    ax.barh(y, gains, color=style.PASS, height=0.62)
    ax.barh(y, losses, left=gains, color=style.FAIL, height=0.62)
    ax.barh(y, moves, left=gains + losses, color=style.TIER_COLORS[1], height=0.62)
    span = float((gains + losses + moves).max()) if n else 1.0
    span = span or 1.0
    for yi, (_, r) in zip(y, df.iterrows()):
        rho = r["spearman"]
        txt = t("analysis.chart_alt_bar", lang, rho=fmt_number(rho, lang, 2) if np.isfinite(rho) else "—",
                shift=fmt_number(r["mean_abs_rank_shift"], lang, 1))
        ax.text(r["award_changes"] + span * 0.01, yi, txt, va="center", fontsize=7.2, color=style.MUTED)
    ax.set_yticks(y, [shorten(_alt_label(name, lang, t_label), 48) for name in df.index], fontsize=7.8)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, span * 1.6)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(t("analysis.chart_alt_axis", lang))
    legend_below(ax, [Patch(color=style.PASS, label=t("analysis.chart_alt_gains", lang)),
                      Patch(color=style.FAIL, label=t("analysis.chart_alt_losses", lang)),
                      Patch(color=style.TIER_COLORS[1], label=t("analysis.chart_alt_moves", lang))],
                 ncol=3, offset=-1.3 / height - 0.08)
    title = title or t("analysis.chart_alt_title", lang)
    if subtitle is None:
        subtitle = t("analysis.chart_alt_subtitle", lang, n=len(tab),
                     changed=int((tab["award_changes"] > 0).sum()))
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))
