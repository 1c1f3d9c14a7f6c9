"""The ranking chart as inline SVG: what the live page redraws after every change (a few ms,
where a matplotlib PNG of the same chart takes ~200 ms; the PNG download uses
:func:`emusim.charts.ranking`)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..model import Scheme
from .text import (COLOR_ELIGIBLE, COLOR_INELIGIBLE, COLOR_NOMINEE, GAIN, LOSS, TIER, TIER_COLORS, _esc, _t,
                   fmt_points, tier_short as _tier_short)


def ranking_rows(award_table: pd.DataFrame, top: int = 30, keep=()) -> pd.DataFrame:
    """Rows the ranking chart shows: the best ``top`` units, every nominee and ``keep``, by rank."""
    aw = award_table.sort_values("rank")
    show = set(aw.index[:top]) | set(aw.index[aw["nominated"].to_numpy(dtype=bool)]) | set(keep)
    rows = aw[aw.index.isin(show)]
    return rows.head(max(top, 45))


def ranking_svg(award_table: pd.DataFrame, scheme: Scheme, lang: str = "vi", top: int = 30,
                changes: dict | None = None, width: int = 660) -> str:
    """The ranking chart as inline SVG (what the live dashboard draws: a few ms per redraw,
    where a matplotlib PNG of the same chart takes ~200 ms). Same content as
    :func:`emusim.charts.ranking`: best units and every nominee by rank, bars coloured by outcome,
    a dashed cut-off line per tier, ▲/▼/◆ marks for units whose award the scenario changes.
    """
    changes = changes or {}
    rows = ranking_rows(award_table, top, keep=changes)
    tiers = list(scheme.awards.allocated_tiers)
    tier_color = {t.id: TIER_COLORS[i % len(TIER_COLORS)] for i, t in enumerate(tiers)}
    cut = {}
    for t in tiers:
        won = award_table["total"][award_table["award"] == t.id]
        if len(won):
            cut[t.id] = float(won.min())
    n = len(rows)
    row_h, bar_h, label_w, right = 19, 14, 230, 54
    head_h = 8 + 17 * max(1, len(cut))
    ranks = rows["rank"].to_numpy(dtype=int)
    gaps = np.concatenate([[0], (np.diff(ranks) > 1).astype(int)]) if n else np.zeros(0, dtype=int)
    ys = head_h + np.arange(n) * row_h + np.cumsum(gaps) * 9
    plot_bottom = (ys[-1] + row_h if n else head_h + row_h) + 4
    height = plot_bottom + 34
    totals = rows["total"].to_numpy(dtype=float)
    lo = float(np.nanmin(totals)) if n else 0.0
    hi = float(np.nanmax(totals)) if n else 1.0
    span = max(hi - lo, 1.0)
    x0v = max(0.0, math.floor((lo - 0.25 * span) / 10) * 10) if scheme.kind == "points" else 0.0
    x1v = hi + 0.04 * span
    plot_w = width - label_w - right

    def X(v: float) -> float:
        return label_w + (min(max(v, x0v), x1v) - x0v) / (x1v - x0v) * plot_w

    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height:.0f}' "
           f"viewBox='0 0 {width} {height:.0f}' class='emusim-ranking' role='img' style='max-width:100%;height:auto' "
           f"font-family=\"'DejaVu Sans','Noto Sans',Arial,sans-serif\">",
           "<defs><pattern id='emusim-hatch' width='6' height='6' patternUnits='userSpaceOnUse' "
           "patternTransform='rotate(45)'><rect width='6' height='6' fill='" + COLOR_INELIGIBLE + "'/>"
           "<line x1='0' y1='0' x2='0' y2='6' stroke='#c98080' stroke-width='2'/></pattern></defs>"]
    # grid and x axis
    step = _nice_step((x1v - x0v) / 6)
    v = math.ceil(x0v / step) * step
    while v <= x1v + 1e-9:
        x = X(v)
        out.append(f"<line x1='{x:.1f}' y1='{head_h - 4}' x2='{x:.1f}' y2='{plot_bottom:.0f}' stroke='#e8e8e8'/>")
        out.append(f"<text x='{x:.1f}' y='{plot_bottom + 13:.0f}' font-size='11' fill='#555' text-anchor='middle'>"
                   f"{fmt_points(v, lang, 1)}</text>")
        v += step
    xlabel = _t("chart_x" if scheme.kind == "points" else "chart_x_std", lang)
    out.append(f"<text x='{label_w + plot_w / 2:.0f}' y='{plot_bottom + 28:.0f}' font-size='11.5' fill='#333' "
               f"text-anchor='middle'>{_esc(xlabel)}</text>")
    out.append(f"<line x1='{label_w}' y1='{head_h - 4}' x2='{label_w}' y2='{plot_bottom:.0f}' stroke='#888'/>")
    # bars
    names = rows["name"].astype(str).tolist() if "name" in rows else [str(i) for i in rows.index]
    for y, lid, name, r_award, nominated, eligible, total, rank in zip(
            ys, rows.index, names, rows["award"], rows["nominated"], rows["eligible"], totals, ranks):
        if r_award is not None and r_award in tier_color:
            fill, stroke = tier_color[r_award], "none"
        elif nominated:
            fill, stroke = COLOR_NOMINEE, "none"
        elif eligible:
            fill, stroke = COLOR_ELIGIBLE, "none"
        else:
            fill, stroke = "url(#emusim-hatch)", "#c07070"
        x = X(total)
        yb = y + (row_h - bar_h) / 2
        out.append(f"<rect x='{label_w}' y='{yb:.1f}' width='{max(x - label_w, 0):.1f}' height='{bar_h}' "
                   f"fill='{fill}' stroke='{stroke}' stroke-width='0.7'><title>{_esc(name)}: "
                   f"{fmt_points(total, lang)}</title></rect>")
        c = changes.get(lid, "")
        mark = {"gain": " ▲", "loss": " ▼", "tier": " ◆"}.get(c, "")
        color = {"gain": GAIN, "loss": LOSS, "tier": TIER}.get(c, "#1d2733")
        weight = " font-weight='bold'" if c else ""
        label = f"{rank}. {name}"
        if len(label) > 30:
            label = label[:29] + "…"
        out.append(f"<text x='{label_w - 6}' y='{y + row_h / 2 + 4:.1f}' font-size='12' fill='{color}'{weight} "
                   f"text-anchor='end'>{_esc(label + mark)}</text>")
        out.append(f"<text x='{x + 4:.1f}' y='{y + row_h / 2 + 4:.1f}' font-size='10.5' fill='#555'>"
                   f"{fmt_points(total, lang, 1)}</text>")
    for y, g in zip(ys, gaps):
        if g:
            out.append(f"<text x='{label_w - 60}' y='{y - 1:.1f}' font-size='10' fill='#999'>⋮</text>")
    # cut-off lines, one legend line each at the top
    for k, (tid, value) in enumerate(cut.items()):
        x = X(value)
        col = tier_color[tid]
        out.append(f"<line x1='{x:.1f}' y1='{head_h - 4}' x2='{x:.1f}' y2='{plot_bottom:.0f}' stroke='{col}' "
                   f"stroke-width='1.6' stroke-dasharray='5,3'/>")
        ty = 13 + 17 * k
        tier = scheme.awards.tier(tid)
        out.append(f"<line x1='{label_w}' y1='{ty - 4}' x2='{label_w + 22}' y2='{ty - 4}' stroke='{col}' "
                   f"stroke-width='1.6' stroke-dasharray='5,3'/>")
        out.append(f"<text x='{label_w + 28}' y='{ty}' font-size='12' fill='{col}' font-weight='bold'>"
                   f"{_t('cutoff', lang)} {_esc(_tier_short(tier, lang))}: {fmt_points(value, lang, 2)}</text>")
    out.append("</svg>")
    legend = [(tier_color[t.id], _tier_short(t, lang), "") for t in tiers]
    legend += [(COLOR_NOMINEE, _t("nominee", lang), ""), (COLOR_ELIGIBLE, _t("not_nominated", lang), ""),
               (COLOR_INELIGIBLE, _t("not_eligible", lang), "repeating-linear-gradient(45deg,#f2d0d0 0 3px,#c98080 3px 4px)")]
    items = "".join(
        f"<span style='display:inline-block;margin:0 12px 2px 0;white-space:nowrap'><span style='display:inline-block;"
        f"width:12px;height:12px;vertical-align:-1px;background:{bg or col};margin-right:4px'></span>{_esc(lab)}</span>"
        for col, lab, bg in legend)
    return (f"<div class='emusim-x'>{''.join(out)}<div style='font-size:12px;max-width:{width}px;"
            f"padding-left:{label_w - 120}px'>{items}</div></div>")


def _nice_step(raw: float) -> float:
    """A round axis step (1, 2, 2.5, 5 × 10^k) near ``raw``.

    >>> _nice_step(23), _nice_step(0.7)
    (25.0, 1.0)
    """
    if raw <= 0:
        return 1.0
    k = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * k:
            return float(m * k)
    return float(10 * k)

