"""Two scenarios side by side (A/B): who gains, who loses, who changes tier — and why — with
:func:`emusim.diff`. B is the scenario on screen; A is either the plan as written at the same
month, or the same units under another plan's scheme for that level (e.g. Hà Giang's communes
under Tuyên Quang's standards), scored on the same values.
"""
from __future__ import annotations

import pandas as pd

from ..allocate import allocate
from ..engine import score
from ..allocate import reasons
from .text import GAIN, LOSS, TIER, _esc, _t, tier_short
from .views import setting_chip

PLAN = "plan"


def other_schemes(plans: dict, explorer) -> list[tuple[str, str]]:
    """(label, plan id) of the other plans with a points/standards scheme at the explorer's
    unit level whose indicators the panel holds."""
    out = []
    have = set(getattr(explorer.panel, "indicators", []) or [])
    for pid, plan in plans.items():
        if pid == explorer.plan.id:
            continue
        s = plan.schemes.get(explorer.level)
        if s is None or s.kind not in ("points", "standards") or s.unit_level != explorer.base_scheme.unit_level:
            continue
        if have and not set(s.indicators) <= have:
            continue
        title = " ".join(str(plan.title or plan.id).split())
        title = title if len(title) <= 60 else title[:59] + "…"
        out.append((_t("compare_other", explorer.lang, plan=f"{plan.province}: {title}"), pid))
    return out


def award_a(explorer, plans: dict, against: str) -> tuple[pd.DataFrame, object, str]:
    """The reference award table A, its scheme and its label."""
    L = explorer.lang
    if against == PLAN:
        return explorer._baseline(), explorer.base_scheme, _t("side_a", L)
    plan = plans[against]
    title = " ".join(str(plan.title or plan.id).split())
    scheme = plan.scheme(explorer.level)
    values = explorer.panel.at(explorer.period) if explorer.periods else explorer.panel
    values = values.loc[values.index.isin(explorer._values().index), [c for c in scheme.indicators]]
    st = score(scheme, values, explorer.registry)
    aw = allocate(st, scheme, explorer.registry)
    return aw, scheme, "A: " + _t("compare_other", L, plan=f"{plan.province}: {title}")


def compare_html(explorer, plans: dict, against: str = PLAN) -> str:
    """The A/B panel: awards given under each, the diff summary, and who gains / loses / moves."""
    from ..diff import diff

    L = explorer.lang
    try:
        aw_a, scheme_a, label_a = award_a(explorer, plans, against)
        aw_b = explorer.award_table
        tiers = [t.id for t in explorer.scheme.awards.tiers] + [t.id for t in scheme_a.awards.tiers
                                                               if t.id not in {x.id for x in explorer.scheme.awards.tiers}]
        d = diff(aw_a, aw_b, tiers=tiers, lang=L)
    except Exception as exc:  # not comparable (other units, missing indicators): say so
        return f"<div class='emusim-x'><div class='err'>{_esc(_t('compare_cannot', L, error=str(exc)))}</div></div>"

    def tier_name(scheme, tid):
        if tid is None or (isinstance(tid, float) and pd.isna(tid)):
            return "∅"
        for s in (scheme, explorer.scheme, scheme_a):
            try:
                return tier_short(s.awards.tier(tid), L)
            except KeyError:
                continue
        return str(tid)

    def given(aw, scheme):
        g = aw.attrs.get("awards_given", {}) or aw["award"].dropna().value_counts().to_dict()
        return "; ".join(f"<b>{_esc(tier_name(scheme, t))}</b>: {n}" for t, n in g.items()) or "—"

    changes = " ".join(setting_chip(p, v, explorer.base_scheme, L) for p, v in explorer.changes.items())
    why_a, why_b = reasons(aw_a, scheme_a, L), reasons(aw_b, explorer.scheme, L)
    parts = [f"<h3>{_t('compare_title', L)}</h3>",
             "<div style='display:flex;flex-wrap:wrap;gap:10px'>",
             f"<div class='head' style='flex:1 1 300px'><b>{_esc(label_a)}</b><br>{given(aw_a, scheme_a)}</div>",
             f"<div class='head' style='flex:1 1 300px'><b>{_t('side_b', L)}</b> {changes}<br>"
             f"{given(aw_b, explorer.scheme)}</div></div>",
             f"<p class='emusim-ab-summary'><b>{_esc(d.summary(L))}</b></p>"]
    table = d.table
    if table.empty:
        parts.append(f"<div>{_t('compare_none', L)}</div>")
    names = explorer._names
    for kinds, head, color in ((("gain",), "compare_gain_h", GAIN), (("loss",), "compare_loss_h", LOSS),
                               (("up", "down"), "compare_move_h", TIER)):
        sub = table[table["change"].isin(kinds)]
        if sub.empty:
            continue
        parts.append(f"<h3 style='color:{color}'>{_t(head, L)} ({len(sub)})</h3><div class='emusim-scroll' "
                     "style='max-height:300px'><table class='emusim-aw'><thead><tr>"
                     f"<th>{_t('unit', L)}</th><th>A</th><th>B</th><th>{_t('rank', L)} A→B</th>"
                     f"<th>{_t('reason', L)}</th></tr></thead><tbody>")
        for lid, r in sub.iterrows():
            why = (why_a if r["change"] == "gain" else why_b).get(lid, r["reason_a" if r["change"] == "gain" else "reason_b"])
            parent = names.get(str(explorer.registry.at[lid, "parent_id"])) if lid in explorer.registry.index else ""
            parts.append(f"<tr class='row-{'gain' if r['change'] in ('gain', 'up') else 'loss'}'>"
                         f"<td>{_esc(r.get('name', lid))} <span style='color:#6a7a8c'>{_esc(parent or '')}</span></td>"
                         f"<td>{_esc(tier_name(scheme_a, r['award_a']))}</td>"
                         f"<td>{_esc(tier_name(explorer.scheme, r['award_b']))}</td>"
                         f"<td class='num'>{int(r['rank_a'])} → {int(r['rank_b'])}</td>"
                         f"<td class='why'>{_esc(why)}</td></tr>")
        parts.append("</tbody></table></div>")
    return f"<div class='emusim-x'><div class='box emusim-ab'>{''.join(parts)}</div></div>"
