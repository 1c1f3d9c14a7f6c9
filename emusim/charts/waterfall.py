"""Waterfall: why one unit's score changed between two schemes (per-criterion deltas)."""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from . import style
from ._common import shorten


@style.styled
def waterfall(score_a: pd.DataFrame, score_b: pd.DataFrame, unit: str, scheme_a, scheme_b=None, *,
              names: tuple[str, str] | None = None, award_a: pd.DataFrame | None = None,
              award_b: pd.DataFrame | None = None, max_items: int = 12, lang: str | None = None,
              source: str | None = None, title: str | None = None, subtitle: str | None = None):
    """How ``unit``'s total moves from scheme A to scheme B, criterion by criterion.

    ``score_a`` / ``score_b``: score tables (:func:`emusim.score`) of the same units under
    two schemes (e.g. the plan and ``scheme.adjust({"uplift.city": 0.2})``), with ``total``
    and ``points.<criterion id>`` (points schemes) or ``met.<id>`` (standards: ±1 per
    standard); optional ``name``. ``award_a`` / ``award_b`` (optional award tables) add the
    rank and award before and after to the subtitle. ``names``: what to call the two schemes.

    The axis does not start at zero (the note says so): the deltas are a few points on
    totals of hundreds. Criteria whose points do not change are left out (counted in the
    subtitle); beyond ``max_items`` the smallest changes are pooled.
    """
    scheme_b = scheme_b or scheme_a
    names = names or (t("charts.waterfall_baseline", lang), t("charts.waterfall_alternative", lang))
    a, b = score_a.loc[unit], score_b.loc[unit]
    is_std = scheme_a.kind == "standards"
    prefix = "met." if is_std else "points."
    ids = [c.id for c in scheme_a.criteria if f"{prefix}{c.id}" in score_a.columns]
    for c in scheme_b.criteria:
        if c.id not in ids and f"{prefix}{c.id}" in score_b.columns:
            ids.append(c.id)
    deltas = []
    for cid in ids:
        va = float(a.get(f"{prefix}{cid}", 0.0) or 0.0)
        vb = float(b.get(f"{prefix}{cid}", 0.0) or 0.0)
        if abs(vb - va) > 1e-9:
            try:
                obj = scheme_b.criterion(cid)
            except KeyError:
                obj = scheme_a.criterion(cid)
            deltas.append((cid, style.label_of(obj, lang), vb - va))
    n_same = len(ids) - len(deltas)
    deltas.sort(key=lambda d: -abs(d[2]))
    if len(deltas) > max_items:
        rest = deltas[max_items - 1:]
        deltas = deltas[: max_items - 1] + [("…", t("charts.waterfall_other", lang, n=len(rest)), sum(d[2] for d in rest))]
    total_a, total_b = float(a["total"]), float(b["total"])
    rows = [(names[0], None, total_a)] + deltas + [(names[1], None, total_b)]
    n = len(rows)
    fig = style.new_figure(2.4 + 0.34 * n)
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    running = total_a
    levels = [total_a, total_b]
    bars = []
    for k, (cid, label, v) in enumerate(rows):
        if k == 0 or k == n - 1:
            bars.append((k, 0.0, v, style.ACCENT))
            continue
        start = running
        running += v
        levels += [start, running]
        bars.append((k, start, v, style.PASS if v > 0 else style.FAIL))
    lo, hi = min(levels), max(levels)
    span = max(hi - lo, 1.0 if is_std else 2.0)
    x0 = 0.0 if is_std else max(0.0, lo - span * 0.6)
    x1 = hi + span * 0.35
    for k, start, v, color in bars:
        if k in (0, n - 1):
            ax.barh(k, v - x0, left=x0, color=color, height=0.6)
            ax.text(v + span * 0.02, k, style.num(v, lang, 1), va="center", ha="left", fontsize=8, fontweight="bold")
        else:
            ax.barh(k, v, left=start, color=color, height=0.6)
            end = start + v
            txt = ("+" if v > 0 else "") + style.num(v, lang, 2)
            ax.text(max(start, end) + span * 0.02, k, txt, va="center", ha="left", fontsize=8,
                    color=style.PASS if v > 0 else style.FAIL)
            ax.plot([start, start], [k - 1.3, k - 0.3], color=style.MUTED, linewidth=0.5)
    labels = []
    for cid, label, v in rows:
        labels.append(cid if label is None else f"{cid} · {shorten(label, 46)}")
    ax.set_yticks(range(n), labels)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(x0, x1)
    ax.tick_params(axis="y", length=0)
    unit_label = t("charts.waterfall_standards_met" if is_std else "charts.points", lang)
    ax.set_xlabel(t("charts.total_axis", lang, unit=unit_label) + ("" if x0 == 0 else t("charts.waterfall_not_zero", lang)))
    name = style.nfc(a["name"] if "name" in score_a.columns else unit)
    title = title or t("charts.waterfall_title", lang, name=name)
    if subtitle is None:
        parts = [f"{names[0]} → {names[1]}: {'+' if total_b >= total_a else ''}{style.num(total_b - total_a, lang, 2)} {unit_label}"]
        if award_a is not None and award_b is not None:
            def aw(table):
                x = table.at[unit, "award"]
                if isinstance(x, str):
                    return style.tier_label(scheme_a if table is award_a else scheme_b, x, lang)
                return t("charts.no_award", lang)
            parts.append(t("charts.waterfall_rank", lang, a=int(award_a.at[unit, "rank"]), b=int(award_b.at[unit, "rank"])))
            parts.append(f"{aw(award_a)} → {aw(award_b)}")
        gates_changed = [g.id for g in scheme_b.gates
                         if f"gate.{g.id}" in score_a.columns and f"gate.{g.id}" in score_b.columns
                         and bool(a[f"gate.{g.id}"]) != bool(b[f"gate.{g.id}"])]
        if gates_changed:
            parts.append(t("charts.waterfall_gates", lang, items=", ".join(gates_changed)))
        parts.append(t("charts.waterfall_unchanged", lang, n=n_same))
        subtitle = "; ".join(parts) + "."
    return style.finish(fig, title, subtitle, source or style.default_source(scheme_a, lang))
