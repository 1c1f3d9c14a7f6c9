"""The calibration report as charts: anchors vs simulated province means, residuals, hold-out.

``calibration(report)``: small multiples, one per anchored indicator (the published figures
first): the simulated province means by month (the old provinces to 2025, the merged Tuyên
Quang and Lào Cai from 07/2025 to 12/2026, dashed), each anchor as a marker at its month
(filled: fitted; hollow: reference only), and the hold-out prediction (×: the fit without
that anchor). ``calibration_residuals(report)``: for every fitted anchor, the residual and
the hold-out error in percentage points, with the anchor's tolerance as a band.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..i18n import t
from . import style
from ._common import legend_top

PROVINCE_COLORS = {"Hà Giang": "#c0392b", "Tuyên Quang": "#1f4e79", "Lào Cai": "#2a9d8f",
                   "Tuyên Quang (2025)": "#1f4e79", "Lào Cai (2025)": "#2a9d8f"}
MERGED_FROM = "2025-07"


def _t(key: str, lang: str, **values) -> str:
    return t(f"charts.cal_{key}", lang, **values)


def _label(table: pd.DataFrame, indicator: str, lang: str) -> str:
    from ..catalog import load_catalog

    cat = load_catalog()
    if indicator in cat:
        ind = cat[indicator]
        text = ind.label if lang == "vi" else (getattr(ind, "label_en", "") or ind.label)
    else:
        text = indicator
    import textwrap

    lines = textwrap.wrap(style.nfc(text), 50)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def _short(indicator: str, lang: str, width: int = 46) -> str:
    text = _label(None, indicator, lang).replace("\n", " ").rstrip("…")
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@style.styled
def calibration(report, *, indicators=None, lang: str | None = None, source: str | None = None,
                title: str | None = None, subtitle: str | None = None, ncols: int = 2):
    """Small multiples: simulated province means vs the anchors (``report``: a
    :class:`emusim.sim.report.CalibrationReport`). ``indicators``: which to draw (default:
    those with a published, fitted anchor, then the others with a fitted anchor; at most 8)."""
    table, traj = report.table, report.trajectories
    shown = table[table["simulated"].notna()]
    if indicators is None:
        fitted = shown[shown["status"] == "fitted"]
        order = (fitted.assign(pub=fitted["basis"] == "source")
                 .groupby("indicator")["pub"].any().sort_values(ascending=False, kind="stable"))
        indicators = list(order.index[:8])
    n = len(indicators)
    nrows = int(np.ceil(n / ncols))
    fig = style.new_figure(1.6 + 2.25 * nrows)
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[1.0] * nrows + [0.32])
    axes = np.array([[fig.add_subplot(grid[i, j]) for j in range(ncols)] for i in range(nrows)])
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.set_visible(False)
            continue
        ind = indicators[k]
        style.style_axis(ax, "y")
        sub = traj[traj["indicator"] == ind]
        for prov, g in sub.groupby("province", sort=False):
            x = pd.PeriodIndex(g["period"], freq="M").to_timestamp()
            merged = prov.endswith("(2025)")
            ax.plot(x, g["mean"].to_numpy(float) * 100, color=PROVINCE_COLORS.get(prov, style.MUTED),
                    linewidth=1.0 if merged else 1.4, linestyle="--" if merged else "-")
        rows = shown[shown["indicator"] == ind]
        for _, r in rows.iterrows():
            x = pd.Period(r["period"], freq="M").to_timestamp()
            color = PROVINCE_COLORS.get(r["province"], style.MUTED)
            filled = r["status"] == "fitted"
            ax.plot([x], [r["target"] * 100], marker="o", markersize=5.5, linestyle="none",
                    markerfacecolor=color if filled else "white", markeredgecolor=color, zorder=4)
            if filled and pd.notna(r["holdout"]):
                ax.plot([x], [r["holdout"] * 100], marker="x", markersize=5, color=color,
                        linestyle="none", zorder=5)
        ax.set_ylim(0, 105)
        ax.set_title(_label(table, ind, lang), fontsize=8, loc="left", color=style.INK)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.tick_params(axis="y", labelsize=7.5)
        ax.yaxis.set_major_formatter(style.number_formatter(lang, 0, " %" if lang == "vi" else "%"))
    handles = [Line2D([], [], color=PROVINCE_COLORS[p], linewidth=1.4, label=p)
               for p in ("Hà Giang", "Tuyên Quang", "Lào Cai")]
    handles += [Line2D([], [], color=style.MUTED, linestyle="--", linewidth=1.0, label=_t("merged", lang, month=style.month(MERGED_FROM, lang))),
                Line2D([], [], marker="o", color=style.MUTED, linestyle="none", label=_t("fitted", lang)),
                Line2D([], [], marker="o", markerfacecolor="white", markeredgecolor=style.MUTED,
                       linestyle="none", label=_t("reference", lang)),
                Line2D([], [], marker="x", color=style.MUTED, linestyle="none", label=_t("holdout", lang))]
    leg = fig.add_subplot(grid[nrows, :])
    leg.axis("off")
    leg.legend(handles=handles, loc="center left", ncol=4, frameon=False, fontsize=7.5,
               handlelength=1.4, columnspacing=1.2)
    return style.finish(fig, title or _t("title", lang), subtitle or _t("subtitle", lang),
                        source or _t("source", lang, seed=str(report.seed)))


@style.styled
def calibration_residuals(report, *, lang: str | None = None, source: str | None = None,
                          title: str | None = None, subtitle: str | None = None, max_rows: int = 40):
    """Residual and hold-out error (percentage points) of every fitted anchor × province,
    with its tolerance band; published figures first, assumptions marked."""
    fit = report.table[report.table["status"] == "fitted"].copy()
    fit["pub"] = fit["basis"] == "source"
    fit = fit.sort_values(["pub", "indicator", "province"], ascending=[False, True, True], kind="stable")
    fit = fit.head(max_rows).iloc[::-1]
    fig = style.new_figure(1.6 + 0.19 * len(fit))
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    y = np.arange(len(fit))
    tol = fit["tolerance"].to_numpy(float) * 100
    ax.barh(y, 2 * tol, left=-tol, height=0.6, color="#e8edf2", zorder=1)
    colors = [PROVINCE_COLORS.get(p, style.MUTED) for p in fit["province"]]
    ax.scatter(fit["residual"].to_numpy(float) * 100, y, color=colors, s=16, zorder=3)
    held = fit["holdout_error"].to_numpy(float) * 100
    ax.scatter(held, y, color=colors, marker="x", s=18, zorder=3)
    ax.axvline(0, color=style.MUTED, linewidth=0.6)
    labels = [f"{_short(r['indicator'], lang)} · {r['province']} · {style.month(r['period'], lang)}"
              + ("" if r["pub"] else _t("assumption", lang)) for _, r in fit.iterrows()]
    ax.set_yticks(y, labels, fontsize=6.8)
    ax.set_xlabel(_t("axis", lang))
    lim = max(5.0, float(np.nanmax(np.abs(np.r_[held, tol]))) * 1.08)
    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_formatter(style.number_formatter(lang, 0))
    handles = [Line2D([], [], marker="o", color=style.MUTED, linestyle="none", label=_t("residual", lang)),
               Line2D([], [], marker="x", color=style.MUTED, linestyle="none", label=_t("held", lang))]
    handles += [Line2D([], [], color=PROVINCE_COLORS[p], linewidth=3, label=p)
                for p in ("Hà Giang", "Tuyên Quang", "Lào Cai")]
    for text in legend_top(ax, handles, ncol=3).get_texts():
        text.set_fontsize(7.5)
    return style.finish(fig, title or _t("res_title", lang), subtitle or _t("res_subtitle", lang),
                        source or _t("source", lang, seed=str(report.seed)))
