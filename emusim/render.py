"""Notebook display of plans and schemes as the plan's own tables (``_repr_html_``).

Headings and formulas come from the catalogue (``emusim/i18n/messages/render.yaml``):
Vietnamese by default, English with ``lang="en"`` or :func:`emusim.i18n.using_lang`.
"""
from __future__ import annotations

from html import escape

from .i18n import check_lang, t
from .model import Criterion, Plan, Scheme, level_label

_STYLE = (
    "<style>.emusim-t{border-collapse:collapse;font-size:12px;font-family:'DejaVu Sans',Arial,sans-serif}"
    ".emusim-t th,.emusim-t td{border:1px solid #ccd;padding:3px 6px;vertical-align:top}"
    ".emusim-t th{background:#1f3b63;color:#fff}.emusim-t tr.grp td{background:#e8eef7;font-weight:bold}"
    ".emusim-t td.num{text-align:right}.emusim-t caption{font-weight:bold;text-align:left;padding:4px 0}"
    ".emusim-t tr.changed td{background:#fff3c4}</style>"
)


def fmt_pct(x: float | None, lang: str | None = None) -> str:
    """A fraction as a percentage, the language's way.

    >>> fmt_pct(0.75, "vi"), fmt_pct(0.855, "vi"), fmt_pct(None), fmt_pct(0.855, "en")
    ('75%', '85,5%', '', '85.5%')
    """
    if x is None:
        return ""
    s = f"{x * 100:.1f}".rstrip("0").rstrip(".")
    return (s if check_lang(lang) == "en" else s.replace(".", ",")) + "%"


def fmt_num(x: float | None, lang: str | None = None) -> str:
    """>>> fmt_num(5.0, "vi"), fmt_num(0.5, "vi"), fmt_num(None), fmt_num(0.5, "en")
    ('5', '0,5', '', '0.5')
    """
    if x is None:
        return ""
    s = f"{x:g}"
    return s if check_lang(lang) == "en" else s.replace(".", ",")


def formula(c: Criterion, scheme: Scheme, lang: str | None = None) -> str:
    """The scoring formula of a criterion in words, e.g. ``min(tỷ lệ / 70%, 1) × 20``."""
    lang = check_lang(lang)
    mx = fmt_num(c.max, lang)
    if c.rule == "proportional":
        basis = scheme.effective_basis(c)
        if basis == "attainment" and c.target not in (None, 1.0):
            return t("render.f_attainment", lang, target=fmt_pct(c.target, lang), max=mx)
        if basis in ("attainment", "rate"):
            return t("render.f_rate", lang, max=mx)
        return t("render.f_threshold", lang, max=mx, op=c.op, target=fmt_pct(c.target, lang))
    if c.rule == "binary":
        return t("render.f_binary", lang, points=fmt_num(c.points, lang))
    if c.rule == "per_unit":
        return t("render.f_per_unit", lang, unit=fmt_num(c.unit, lang), max=mx)
    if c.rule in ("bonus", "deduction"):
        parts = [f"{fmt_num(e.points, lang)}/{(e.label_en if lang == 'en' else e.label) or e.label or e.indicator}"
                 for e in c.events]
        cap = t("render.f_cap", lang, max=mx) if c.max is not None else t("render.f_uncapped", lang)
        return "; ".join(parts) + cap
    if c.rule == "standard":
        target = fmt_pct(c.target, lang) if c.target is not None and c.target <= 1 else fmt_num(c.target, lang)
        return t("render.f_standard", lang, op=c.op, target=target)
    return c.rule


def _label(obj, lang: str) -> str:
    vi, en = getattr(obj, "label", "") or "", getattr(obj, "label_en", "") or ""
    return (en or vi) if lang == "en" else (vi or en)


def _second(obj, lang: str) -> str:
    """The other language's label, shown in italics under the first."""
    other = obj.label if lang == "en" else obj.label_en
    return f"<br><i>{escape(other)}</i>" if other and other != _label(obj, lang) else ""


def _urban(cls: str, lang: str) -> str:
    try:
        return t(f"render.urban_{cls}", lang)
    except KeyError:
        return cls


def _uplift_note(scheme: Scheme, flagged: bool, lang: str) -> str:
    if not flagged:
        return ""
    parts = [f"{_urban(cls, lang)} +{fmt_pct(e.value, lang)}" for cls, e in scheme.uplift.items() if e.value]
    return ", ".join(parts) or "✓"


def _heads(*keys: str, lang: str) -> str:
    return "<tr>" + "".join(f"<th>{t('render.col_' + k, lang)}</th>" for k in keys) + "</tr>"


def _choice(value: str, lang: str) -> str:
    try:
        return t(f"paths.choice_{value}", lang)
    except KeyError:
        return value


def scheme_html(scheme: Scheme, lang: str | None = None) -> str:
    lang = check_lang(lang)
    changed = {p.split(".", 1)[1].rsplit(".", 1)[0] for p, _ in scheme.changes if p.startswith("criteria.")}
    changed_groups = {p.split(".")[1] for p, _ in scheme.changes if p.startswith("groups.")}
    head = "<caption>" + t("render.caption", lang, label=escape(_label(scheme, lang)), name=escape(scheme.name),
                           kind=t(f"render.kind_{scheme.kind}", lang),
                           basis=_choice(scheme.proportional_basis, lang)) + "</caption>"
    out = [_STYLE, "<table class='emusim-t'>", head]
    if scheme.kind == "tasks":
        out.append(_heads("no", "task", "lead", "partners", "result", "deadline", lang=lang))
        groups = {g.id: g for g in scheme.task_groups}
        current = None
        for task in scheme.tasks:
            if task.group != current:
                current = task.group
                g = groups.get(current)
                out.append(f"<tr class='grp'><td>{escape(str(current))}</td><td colspan=5>"
                           f"{escape(_label(g, lang) if g else '')}</td></tr>")
            if hasattr(task.deadline, "isoformat"):
                from .i18n import fmt_date

                dl = fmt_date(task.deadline, lang)
            else:
                dl = t("render.recurring", lang) if task.recurring else "—"
            out.append(f"<tr><td>{escape(task.id)}</td><td>{escape(_label(task, lang))}</td><td>{escape(', '.join(task.lead))}</td>"
                       f"<td>{escape(', '.join(task.partners))}</td><td>{escape(task.result)}</td>"
                       f"<td title='{escape(task.deadline_text)}'>{dl}</td></tr>")
        out.append("</table>")
        return "".join(out)
    out.append(_heads("no", "criterion", "max", "formula", "target", "uplift", "source", lang=lang))
    groups = {g.id: g for g in scheme.groups}
    current = object()
    for c in scheme.criteria:
        if c.group != current:
            current = c.group
            g = groups.get(c.group) if c.group is not None else None
            if g is not None:
                cls = "grp changed" if g.id in changed_groups else "grp"
                out.append(f"<tr class='{cls}'><td>{escape(g.id)}</td><td>{escape(_label(g, lang))}{_second(g, lang)}</td>"
                           f"<td class='num'>{fmt_num(g.max, lang)}</td><td colspan=4></td></tr>")
        target = f"{c.op} {fmt_pct(c.target, lang)}" if c.has_target and c.target is not None else ""
        row_cls = " class='changed'" if c.id in changed else ""
        out.append(
            f"<tr{row_cls}><td>{escape(c.id)}</td><td>{escape(_label(c, lang))}{_second(c, lang)}</td>"
            f"<td class='num'>{fmt_num(c.max, lang)}</td><td>{escape(formula(c, scheme, lang))}</td><td>{escape(target)}</td>"
            f"<td>{escape(_uplift_note(scheme, c.uplift, lang))}</td>"
            f"<td title='{escape(c.source.text or c.source.assumption_text(lang) or '')}'>{escape(c.source.short(lang))}</td></tr>"
        )
    if scheme.base_max is not None:
        out.append(f"<tr class='grp'><td>A</td><td>{t('render.base_points', lang)}</td>"
                   f"<td class='num'>{fmt_num(scheme.base_max, lang)}</td><td colspan=4></td></tr>")
    out.append("</table>")
    if scheme.gates:
        out.append(f"<table class='emusim-t'><caption>{t('render.gates_caption', lang)}</caption>"
                   + _heads("id", "target", "threshold", "uplift", "mode", "source", lang=lang))
        for g in scheme.gates:
            out.append(f"<tr><td>{escape(g.id)}</td><td>{escape(_label(g, lang))}{_second(g, lang)}</td>"
                       f"<td>{g.op} {fmt_pct(g.target, lang)}</td><td>{escape(_uplift_note(scheme, g.uplift, lang))}</td>"
                       f"<td>{_choice(g.mode, lang)}</td><td title='{escape(g.source.text or '')}'>"
                       f"{escape(g.source.short(lang))}</td></tr>")
        out.append("</table>")
    if scheme.awards.tiers:
        out.append(f"<table class='emusim-t'><caption>{t('render.awards_caption', lang)}</caption>"
                   + _heads("id", "tier", "collectives", "individuals", "source", lang=lang))
        for tier in scheme.awards.tiers:
            q = t("render.discretion", lang) if tier.quota is None else f"≤ {tier.quota}"
            if not tier.allocate:
                q = t("render.not_allocated", lang)
            tid = escape(tier.id) if lang == "en" else f"<code>'{escape(tier.id)}'</code>"  # an id the user types (awards.<id>.quota)
            out.append(f"<tr><td>{tid}</td><td>{escape(_label(tier, lang))}{_second(tier, lang)}</td><td>{q}</td>"
                       f"<td>{'' if tier.quota_individuals is None else tier.quota_individuals}</td>"
                       f"<td>{escape(tier.source.short(lang))}</td></tr>")
        n = scheme.awards.nomination
        if n is not None:
            extra = (t("render.nomination_extra", lang, n=n.extra_per_parent, m=n.extra_min_children)
                     if n.extra_per_parent else "")
            parent = level_label(n.parent_level).text(lang).replace("cấp ", "")
            out.append("<tr><td colspan=5>" + t("render.nomination", lang, parent=parent, n=n.per_parent, extra=extra,
                                                 source=escape(n.source.short(lang))) + "</td></tr>")
        out.append("</table>")
    return "".join(out)


def plan_html(plan: Plan, lang: str | None = None) -> str:
    lang = check_lang(lang)
    rows = "".join(
        f"<tr><td>{escape(level_label(level).text(lang))}</td><td>{t(f'render.kind_{s.kind}', lang)}</td>"
        f"<td>{escape(_label(s, lang))}</td>"
        f"<td class='num'>{len(s.tasks) if s.kind == 'tasks' else len(s.criteria)}</td><td class='num'>{len(s.gates)}</td>"
        f"<td>{escape(', '.join(f'{_label(tier, lang) or tier.id} ≤ {tier.quota}' if tier.quota is not None else (_label(tier, lang) or tier.id) for tier in s.awards.allocated_tiers))}</td></tr>"
        for level, s in plan.schemes.items()
    )
    from .i18n import fmt_date

    issued = fmt_date(plan.issued, lang) if plan.issued else ""
    title = plan.title_en if lang == "en" and plan.title_en else plan.title
    other = plan.title if lang == "en" else plan.title_en
    return (f"{_STYLE}<table class='emusim-t'><caption>{escape(plan.document)} — {escape(title)}<br>"
            f"<i>{escape(other)}</i> ({escape(plan.province)}, {issued})</caption>"
            + _heads("level", "kind", "scheme", "items", "gates", "awards", lang=lang)
            + f"{rows}</table>")
