"""Ranking with cut-off and tiers; score decomposition by group; pass rates of gates/standards."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.lines import Line2D

from ..i18n import t
from . import style
from ._common import award_colors, legend_below, names_for, shorten, tier_ids, wrap


def _gate_failures(row: pd.Series, scheme, score_table: pd.DataFrame | None) -> list[str]:
    if score_table is None or scheme is None or row.name not in score_table.index:
        return []
    st = score_table.loc[row.name]
    failed = [g.id for g in scheme.gates if g.mode == "hard" and f"gate.{g.id}" in st and not bool(st[f"gate.{g.id}"])]
    if scheme.kind == "standards":
        failed += [c.id for c in scheme.criteria if f"met.{c.id}" in st and not bool(st[f"met.{c.id}"])]
    return failed


@style.styled
def ranking(award_table: pd.DataFrame, scheme=None, score_table: pd.DataFrame | None = None, *,
            top: int = 30, lang: str | None = None, source: str | None = None, title: str | None = None,
            subtitle: str | None = None):
    """Horizontal bars of the best units' totals, coloured by award tier, with the cut-off.

    ``award_table``: the output of :func:`emusim.allocate` — columns ``award`` (tier id or
    None), ``rank`` (1 = best), ``total``, ``eligible``; optional ``name``, ``nominated``.
    ``score_table`` (optional, :func:`emusim.score`): ``gate.<id>`` / ``met.<id>`` columns, to
    mark the failed gates (✗ G3, G.cadres) of units that are not eligible; for standards
    schemes also ``n_met`` and ``margin``.

    Shows the ``top`` best-ranked units, plus every award winner ranked below them (after a
    "…" row), since nomination inside districts can give an award to a unit far down the
    provincial ranking. The dashed lines are the lowest total that won each tier.
    """
    aw = award_table.sort_values("rank")
    tiers = tier_ids(scheme, aw["award"])
    is_std = scheme is not None and scheme.kind == "standards"
    head = aw[aw["rank"] <= top]
    tail = aw[(aw["rank"] > top) & aw["award"].notna()]
    rows = pd.concat([head, tail])
    gap = len(tail) > 0
    n = len(rows) + (1 if gap else 0)
    y = np.arange(len(head)).tolist() + [len(head) + 1 + k for k in range(len(tail))]
    fig = style.new_figure(1.9 + 0.205 * n)
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    values = rows["total"].to_numpy(dtype=float)
    colors = award_colors(rows["award"], rows["eligible"], tiers)
    ax.barh(y, values, color=colors, height=0.72, edgecolor="white", linewidth=0.4)
    names = names_for(rows.index, rows)
    ax.set_yticks(y, [f"{int(r)}. {nm}" for r, nm in zip(rows["rank"], names)])
    if gap:
        ax.text(0, len(head), "  ⋮", va="center", ha="left", color=style.MUTED, fontsize=11)
    ax.set_ylim(max(y) + 0.7, -0.7)
    vmax = float(np.nanmax(values)) if len(values) else 1.0
    pad = vmax * 0.012
    for yi, (idx, row) in zip(y, rows.iterrows()):
        if is_std and score_table is not None and idx in score_table.index:
            st = score_table.loc[idx]
            label = f"{int(st['n_met'])}/{len(scheme.criteria)} · {style.pp(st['margin'], lang, 1)}"
        else:
            label = style.num(row["total"], lang, 1)
        failed = _gate_failures(row, scheme, score_table) if not bool(row["eligible"]) else []
        ax.text(row["total"] + pad, yi, label, va="center", ha="left", fontsize=7.5, color=style.INK)
        if failed:
            extra = ", ".join(failed[:4]) + ("…" if len(failed) > 4 else "")
            ax.text(row["total"] + pad + vmax * (0.085 if not is_std else 0.215), yi, f"✗ {extra}", va="center",
                    ha="left", fontsize=7.5, color=style.FAIL)
    # cut-offs: the lowest total among each tier's winners
    cut_handles = []
    cmap = style.tier_colors(tiers)
    if not is_std:
        for tier in tiers:
            won = aw.loc[aw["award"] == tier, "total"]
            if len(won):
                cut = float(won.min())
                ax.axvline(cut, color=cmap[tier], linestyle=(0, (4, 2)), linewidth=1.1, zorder=3)
                cut_handles.append(Line2D([], [], color=cmap[tier], linestyle=(0, (4, 2)), linewidth=1.1,
                                          label=t("charts.ranking_cutoff", lang, tier=style.tier_label(scheme, tier, lang),
                                                  value=style.num(cut, lang, 1))))
    ax.set_xlim(0, vmax * (1.42 if is_std else 1.22))
    if is_std:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(t("charts.ranking_axis_std", lang) if is_std else t("charts.total_axis", lang, unit=t("charts.points", lang)))
    ax.tick_params(axis="y", length=0)
    handles = [Patch(color=cmap[x], label=style.tier_label(scheme, x, lang)) for x in tiers if (aw["award"] == x).any()]
    handles.append(Patch(color=style.ELIGIBLE, label=t("charts.legend_no_award", lang)))
    handles.append(Patch(color=style.INELIGIBLE, label=t("charts.legend_not_eligible_std" if is_std else "charts.legend_not_eligible", lang)
                         + ("" if is_std else " ✗")))
    legend_below(ax, handles + cut_handles, ncol=1, offset=-0.5 / (1.9 + 0.205 * n))
    n_units = len(aw)
    n_elig = int(aw["eligible"].sum())
    given = ", ".join(t("charts.ranking_given", lang, n=int((aw["award"] == x).sum()), tier=style.tier_label(scheme, x, lang))
                      for x in tiers)
    title = title or t("charts.ranking_title", lang)
    if subtitle is None:
        subtitle = t("charts.ranking_subtitle_gap" if gap else "charts.ranking_subtitle", lang,
                     units=n_units, eligible=n_elig, given=given, top=len(head))
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))


@style.styled
def decomposition(score_table: pd.DataFrame, scheme, award_table: pd.DataFrame | None = None, *,
                  units=None, top: int = 20, lang: str | None = None, source: str | None = None,
                  title: str | None = None, subtitle: str | None = None, values: pd.DataFrame | None = None):
    """Score decomposition by group: stacked bars of ``group.<g>`` + bonus, deductions to the left.

    ``score_table`` (:func:`emusim.score`): ``total``, ``bonus``, ``deduction`` (≤ 0),
    ``group.<g>`` per group of a points scheme; optional ``name``. ``award_table`` (optional):
    ``award`` and ``rank`` to order the units and mark the winners. ``units``: locality ids
    to show (default: the ``top`` best by total).

    Standards schemes have no points: the chart is then a grid of units × standards (✓ met,
    ✗ not met; the value when ``values`` — the indicator table — is given).
    """
    if scheme.kind == "standards":
        return _standards_grid(score_table, scheme, award_table, units=units, top=top, lang=lang,
                               source=source, title=title, subtitle=subtitle, values=values)
    st = score_table
    if units is None:
        order = award_table.sort_values("rank").index if award_table is not None else st.sort_values("total", ascending=False).index
        units = list(order[:top])
    rows = st.loc[list(units)]
    groups = [g for g in scheme.groups if g.part == "A" and f"group.{g.id}" in st]
    n = len(rows)
    fig = style.new_figure(2.3 + 0.24 * n + 0.17 * ((len(groups) + 3) // 2))
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    y = np.arange(n)
    left = np.zeros(n)
    handles = []
    for k, g in enumerate(groups):
        v = rows[f"group.{g.id}"].to_numpy(dtype=float)
        color = style.GROUP_COLORS[k % len(style.GROUP_COLORS)]
        ax.barh(y, v, left=left, color=color, height=0.7, edgecolor="white", linewidth=0.5)
        left += v
        mx = f" ({style.num(g.max, lang, 0)})" if g.max else ""
        handles.append(Patch(color=color, label=f"{g.id}. {shorten(style.label_of(g, lang), 40)}{mx}"))
    bonus = rows["bonus"].to_numpy(dtype=float)
    ded = rows["deduction"].to_numpy(dtype=float)
    ax.barh(y, bonus, left=left, color=style.BONUS_COLOR, height=0.7, edgecolor="white", linewidth=0.5, hatch="//", alpha=0.85)
    ax.barh(y, ded, left=0, color=style.DEDUCTION_COLOR, height=0.7, edgecolor="white", linewidth=0.5)
    handles.append(Patch(facecolor=style.BONUS_COLOR, alpha=0.85, hatch="//", edgecolor="white", label=t("charts.legend_bonus", lang)))
    handles.append(Patch(color=style.DEDUCTION_COLOR, label=t("charts.legend_deduction", lang)))
    totals = rows["total"].to_numpy(dtype=float)
    tiers = tier_ids(scheme, award_table["award"] if award_table is not None else None)
    cmap = style.tier_colors(tiers)
    labels = names_for(rows.index, rows)
    if award_table is not None:
        labels = [f"{int(award_table.at[i, 'rank'])}. {nm}" for i, nm in zip(rows.index, labels)]
    ax.set_yticks(y, labels)
    xmax = float(np.nanmax(left + bonus)) if n else 1.0
    for yi, idx in zip(y, rows.index):
        mark = ""
        color = style.INK
        if award_table is not None:
            a = award_table.at[idx, "award"]
            if isinstance(a, str):
                mark, color = " ★", cmap.get(a, style.INK)
            elif not bool(award_table.at[idx, "eligible"]):
                mark, color = " ✗", style.MUTED
        ax.text(left[yi] + bonus[yi] + xmax * 0.01, yi, style.num(totals[yi], lang, 1) + mark, va="center", ha="left",
                fontsize=7.5, color=color)
    if scheme.base_max:
        ax.axvline(scheme.base_max, color=style.MUTED, linewidth=0.8, linestyle=":")
        ax.text(scheme.base_max, -0.9, t("charts.part_a_max", lang, value=style.num(scheme.base_max, lang, 0)),
                ha="right", va="bottom", fontsize=7.5, color=style.MUTED)
    ax.set_ylim(n - 0.4, -1.2)
    ax.set_xlim(min(0.0, float(np.nanmin(ded)) * 1.15 if n else 0.0), max(xmax, scheme.base_max or 0) * 1.1)
    ax.axvline(0, color=style.INK, linewidth=0.6)
    ax.set_xlabel(t("charts.decomposition_axis", lang))
    ax.tick_params(axis="y", length=0)
    notes = []
    if award_table is not None:
        notes = [t("charts.mark_awarded", lang), t("charts.mark_not_eligible", lang)]
    legend_below(ax, handles, ncol=2, offset=-0.55 / (2.3 + 0.24 * n))
    title = title or t("charts.decomposition_title", lang)
    if subtitle is None:
        subtitle = t("charts.decomposition_subtitle", lang, n=n, last=groups[-1].id if groups else "",
                     notes="; ".join(notes)).strip()
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))


def _standards_grid(score_table, scheme, award_table, *, units, top, lang, source, title, subtitle, values):
    st = score_table
    if units is None:
        order = award_table.sort_values("rank").index if award_table is not None else st.sort_values(["n_met", "margin"], ascending=False).index
        units = list(order[:top])
    rows = st.loc[list(units)]
    crits = list(scheme.criteria)
    gates = [g for g in scheme.gates if f"gate.{g.id}" in st]
    cols = [("met", c) for c in crits] + [("gate", g) for g in gates]
    n, m = len(rows), len(cols)
    fig = style.new_figure(2.6 + 0.24 * n)
    ax = fig.add_subplot()
    for i, idx in enumerate(rows.index):
        for j, (kind, obj) in enumerate(cols):
            ok = bool(rows.at[idx, f"{kind}.{obj.id}"])
            ax.add_patch(_cell(j, i, style.PASS if ok else style.FAIL, 0.85 if ok else 0.8))
            text = "✓" if ok else "✗"
            if values is not None and kind == "met" and obj.indicator in values.columns and idx in values.index:
                v = float(values.at[idx, obj.indicator])
                text = style.pct(v, lang, 1 if (0.99 < v < 1.0 or (not ok and round(v, 2) == obj.target)) else 0)
            ax.text(j, i, text, ha="center", va="center", fontsize=7.5, color="white", fontweight="bold")
    ax.set_xlim(-0.5, m - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    headers = []
    for kind, obj in cols:
        tgt = f" ({style.op(obj.op)} {style.pct(obj.target, lang)})" if getattr(obj, "target", None) is not None else ""
        headers.append(wrap(f"{obj.id}{tgt}: {shorten(style.label_of(obj, lang), 60)}", max(14, int(62 / max(m, 1)))))
    ax.set_xticks(range(m), headers, fontsize=7)
    ax.xaxis.tick_top()
    labels = names_for(rows.index, rows)
    if award_table is not None:
        labels = [f"{int(award_table.at[i, 'rank'])}. {nm}" + (" ★" if isinstance(award_table.at[i, "award"], str) else "")
                  for i, nm in zip(rows.index, labels)]
    ax.set_yticks(range(n), labels)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    title = title or t("charts.grid_title", lang)
    if subtitle is None:
        subtitle = t("charts.grid_subtitle", lang, n=n, cell=t("charts.grid_cell_values", lang) if values is not None else "")
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))


def _cell(x, y, color, alpha):
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch((x - 0.45, y - 0.4), 0.9, 0.8, boxstyle="round,pad=0,rounding_size=0.08",
                          facecolor=color, alpha=alpha, edgecolor="none")


@style.styled
def gate_pass_rates(score_table: pd.DataFrame, scheme, *, lang: str | None = None, source: str | None = None,
                    title: str | None = None, subtitle: str | None = None):
    """Share of units passing each mandatory target (gate) and each standard, worst first.

    ``score_table`` (:func:`emusim.score`): ``gate.<id>`` (bool) per gate, ``met.<id>`` per
    standard (standards schemes), ``eligible``. The last bar is the share that passes all of
    them (= eligible).
    """
    st = score_table
    items = []
    for c in scheme.criteria:
        if f"met.{c.id}" in st:
            items.append((c, st[f"met.{c.id}"].astype(bool), "hard"))
    for g in scheme.gates:
        if f"gate.{g.id}" in st:
            items.append((g, st[f"gate.{g.id}"].astype(bool), g.mode))
    items.sort(key=lambda item: item[1].mean())
    n_units = len(st)
    labels, rates, counts, colors = [], [], [], []
    for obj, ok, kind in items:
        tgt = ""
        if getattr(obj, "target", None) is not None:
            tgt = f" {style.op(obj.op)} {style.pct(obj.target, lang)}"
            if getattr(obj, "uplift", False):
                tgt += t("charts.gates_plus_uplift", lang)
        if kind != "hard":
            tgt += t("charts.gates_soft", lang)
        labels.append(wrap(f"{obj.id} · {shorten(style.label_of(obj, lang), 70)}{tgt}", 52))
        rates.append(ok.mean())
        counts.append(int(ok.sum()))
        colors.append(style.ACCENT if getattr(obj, "mode", "hard") == "hard" else style.ELIGIBLE)
    labels.append(t("charts.gates_all_met", lang))
    elig = st["eligible"].astype(bool)
    rates.append(elig.mean())
    counts.append(int(elig.sum()))
    colors.append(style.TIER_COLORS[0])
    n = len(labels)
    height = 1.9 + sum(0.16 * (lab.count("\n") + 1) + 0.14 for lab in labels)
    fig = style.new_figure(height)
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    y = np.arange(n)
    ax.barh(y, [1.0] * n, color=style.GRID, height=0.66)
    ax.barh(y, rates, color=colors, height=0.66)
    for yi, r, c in zip(y, rates, counts):
        ax.text(min(r, 1.0) + 0.01 if r < 0.8 else r - 0.01, yi, f"{c}/{n_units} ({style.pct(r, lang)})",
                va="center", ha="left" if r < 0.8 else "right", fontsize=7.5,
                color=style.INK if r < 0.8 else "white", fontweight="bold" if r >= 0.8 else "normal")
    ax.set_yticks(y, labels, fontsize=7.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(style.percent_formatter(lang))
    ax.set_xlabel(t("charts.gates_axis", lang))
    ax.tick_params(axis="y", length=0)
    title = title or t("charts.gates_title", lang)
    if subtitle is None:
        worst = items[0] if items else None
        subtitle = t("charts.gates_subtitle", lang, n=n_units)
        if worst:
            item = f"{worst[0].id} · {shorten(style.label_of(worst[0], lang), 60)}"
            subtitle += " " + t("charts.gates_lowest", lang, item=item, share=style.pct(worst[1].mean(), lang))
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))
