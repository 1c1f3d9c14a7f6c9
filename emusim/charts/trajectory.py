"""Trajectories of an indicator against (uplifted) targets, with forecast bands."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..i18n import t
from . import style
from ._common import legend_below

UNIT_COLORS = ("#1f4e79", "#c0392b", "#2a9d8f", "#e0a31a", "#7b5ea7", "#6d4c41")


def _series(panel_or_series, indicator):
    if isinstance(panel_or_series, pd.DataFrame):
        return panel_or_series
    return panel_or_series.series(indicator)


@style.styled
def trajectories(panel_or_series, indicator: str, units, *, target: float | None = None,
                 uplift: dict | None = None, registry: pd.DataFrame | None = None,
                 forecast: pd.DataFrame | None = None, deadline=None, as_of=None,
                 context=None, catalog=None, names=None, lang: str | None = None,
                 source: str | None = None, title: str | None = None, subtitle: str | None = None):
    """Monthly trajectories of ``indicator`` for a few ``units`` against their targets.

    ``panel_or_series``: a :class:`emusim.Panel` or ``panel.series(indicator)`` (rows
    locality_id, columns monthly periods). ``target`` (fraction) plus ``uplift`` (urban
    class → additive points; needs ``registry`` with ``urban_class``) give each unit's
    effective target, drawn dashed in its colour. ``forecast`` (optional, the output of
    :func:`emusim.forecast`: ``expected``, ``q05``, ``q95``, ``p_reach``, ``target``, with
    ``attrs['as_of']`` / ``attrs['deadline']``) draws a 5–95 % band from ``as_of`` to the
    deadline and puts the probability of reaching the target in the legend. ``context``:
    locality ids drawn as thin grey lines for comparison (e.g. every commune).
    """
    ser = _series(panel_or_series, indicator)
    ser = ser.copy()
    ser.columns = pd.PeriodIndex(ser.columns, freq="M")
    units = [str(u) for u in units][: len(UNIT_COLORS)]
    as_of = pd.Period(as_of or (forecast.attrs.get("as_of") if forecast is not None else ser.columns[-1]), freq="M")
    deadline = pd.Period(deadline or (forecast.attrs.get("deadline") if forecast is not None else as_of), freq="M")
    start = ser.columns[0]
    shown = ser.loc[:, (ser.columns >= start) & (ser.columns <= as_of)]
    x = shown.columns.to_timestamp()
    fig = style.new_figure(4.3 + 0.19 * (len(units) + 3))
    ax = fig.add_subplot()
    style.style_axis(ax, "y")
    if context is not None:
        ctx = shown.reindex([str(c) for c in context]).dropna(how="all")
        if len(ctx) > 400:
            ctx = ctx.sample(400, random_state=0)
        for _, row in ctx.iterrows():
            ax.plot(x, row.to_numpy(dtype=float), color="#c9d1d9", linewidth=0.5, alpha=0.6, zorder=1)
        med = ctx.median(axis=0)
        ax.plot(x, med.to_numpy(dtype=float), color=style.MUTED, linewidth=1.6, linestyle="-", zorder=2)
    cls = {}
    if registry is not None and "urban_class" in registry:
        cls = registry["urban_class"].reindex(units).fillna("rural").to_dict()
    if names is None and registry is not None and "name" in registry:
        names = registry["name"].to_dict()
    handles = []
    t_end = deadline.to_timestamp()
    if forecast is not None:  # the months of the forecast band, the same for every unit
        months = pd.period_range(as_of, deadline, freq="M")
        fx = months.to_timestamp()
        w = np.linspace(0, 1, len(months))
    for k, u in enumerate(units):
        color = UNIT_COLORS[k]
        y = shown.loc[u].to_numpy(dtype=float) if u in shown.index else np.full(len(x), np.nan)
        ax.plot(x, y, color=color, linewidth=2.0, zorder=4)
        eff = None
        if target is not None:
            eff = min(1.0, float(target) + float((uplift or {}).get(cls.get(u, "rural"), 0.0)))
        if forecast is not None and u in forecast.index:
            f = forecast.loc[u]
            eff = float(f["target"]) if "target" in f else eff
            cur = float(f["current"]) if "current" in f else y[-1]
            lo = cur + (float(f["q05"]) - cur) * w
            hi = cur + (float(f["q95"]) - cur) * w
            mid = cur + (float(f["expected"]) - cur) * w
            ax.fill_between(fx, lo, hi, color=color, alpha=0.16, linewidth=0, zorder=3)
            ax.plot(fx, mid, color=color, linewidth=1.4, linestyle=(0, (2, 1.5)), zorder=4)
        if eff is not None:
            ax.hlines(eff, x[0], t_end, color=color, linewidth=1.0, linestyle=(0, (6, 3)), alpha=0.9, zorder=3)
        name = style.nfc((names or {}).get(u, u))
        label = name
        if eff is not None:
            label += t("charts.traj_target", lang, value=style.pct(eff, lang))
        if forecast is not None and u in forecast.index:
            label += t("charts.traj_chance", lang, value=style.pct(forecast.at[u, "p_reach"], lang))
        handles.append(Line2D([], [], color=color, linewidth=2, label=label))
    ax.axvline(as_of.to_timestamp(), color=style.MUTED, linewidth=0.8, linestyle=":")
    ax.text(as_of.to_timestamp(), 1.02, t("charts.traj_data_to", lang, month=style.month(as_of, lang)),
            ha="right", va="bottom", fontsize=7.5, color=style.MUTED, transform=ax.get_xaxis_transform())
    if deadline > as_of:
        ax.axvline(t_end, color=style.INK, linewidth=0.8)
        ax.text(t_end, 1.02, t("charts.traj_deadline", lang, month=style.month(deadline, lang)), ha="left",
                va="bottom", fontsize=7.5, color=style.INK, transform=ax.get_xaxis_transform())
    ax.set_ylim(0, 1.04)
    ax.set_xlim(x[0], max(t_end, x[-1]) + pd.Timedelta(days=75))
    ax.yaxis.set_major_formatter(style.percent_formatter(lang))
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y" if lang == "vi" else "%Y-%m"))
    label = indicator
    if catalog is None and not isinstance(panel_or_series, pd.DataFrame):
        catalog = getattr(panel_or_series, "catalog", None)
    if catalog is not None:
        label = catalog.label(indicator, lang)
    ax.set_ylabel(t("charts.traj_axis", lang))
    extra = []
    if forecast is not None:
        extra.append(Patch(color=style.MUTED, alpha=0.25, label=t("charts.traj_forecast_legend", lang)))
    extra.append(Line2D([], [], color=style.MUTED, linestyle=(0, (6, 3)), label=t("charts.traj_target_legend", lang)))
    if context is not None:
        extra.append(Line2D([], [], color=style.MUTED, linewidth=1.6,
                            label=t("charts.traj_context_legend", lang)))
    legend_below(ax, handles + extra, ncol=1, offset=-0.12)
    title = title or style.nfc(label)
    if subtitle is None:
        subtitle = t("charts.traj_subtitle_forecast" if forecast is not None else "charts.traj_subtitle", lang)
    return style.finish(fig, title, subtitle, source or style.default_source(None, lang))
