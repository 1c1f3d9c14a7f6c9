"""Notebook display of plans and schemes as the plan's own tables (``_repr_html_``)."""
from __future__ import annotations

from html import escape

from .model import Criterion, Plan, Scheme

_STYLE = (
    "<style>.emusim-t{border-collapse:collapse;font-size:12px;font-family:'DejaVu Sans',Arial,sans-serif}"
    ".emusim-t th,.emusim-t td{border:1px solid #ccd;padding:3px 6px;vertical-align:top}"
    ".emusim-t th{background:#1f3b63;color:#fff}.emusim-t tr.grp td{background:#e8eef7;font-weight:bold}"
    ".emusim-t td.num{text-align:right}.emusim-t caption{font-weight:bold;text-align:left;padding:4px 0}"
    ".emusim-t tr.changed td{background:#fff3c4}</style>"
)


def fmt_pct(x: float | None) -> str:
    """A fraction as a Vietnamese-style percentage.

    >>> fmt_pct(0.75), fmt_pct(0.855), fmt_pct(None)
    ('75%', '85,5%', '')
    """
    if x is None:
        return ""
    s = f"{x * 100:.1f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") + "%"


def fmt_num(x: float | None) -> str:
    """>>> fmt_num(5.0), fmt_num(0.5), fmt_num(None)
    ('5', '0,5', '')
    """
    if x is None:
        return ""
    return f"{x:g}".replace(".", ",")


def formula(c: Criterion, scheme: Scheme, lang: str = "vi") -> str:
    """The scoring formula of a criterion in words, e.g. ``Điểm = tỷ lệ/70% × 20``."""
    mx = fmt_num(c.max)
    if c.rule == "proportional":
        basis = scheme.effective_basis(c)
        if basis == "attainment":
            tgt = fmt_pct(c.target)
            return (f"min(tỷ lệ / {tgt}, 1) × {mx}" if lang == "vi" else f"min(rate / {tgt}, 1) × {mx}") if c.target not in (None, 1.0) else (f"tỷ lệ × {mx}" if lang == "vi" else f"rate × {mx}")
        if basis == "rate":
            return f"tỷ lệ × {mx}" if lang == "vi" else f"rate × {mx}"
        return f"{mx} nếu tỷ lệ {c.op} {fmt_pct(c.target)}" if lang == "vi" else f"{mx} if rate {c.op} {fmt_pct(c.target)}"
    if c.rule == "binary":
        return f"Có: {fmt_num(c.points)}đ; không: 0" if lang == "vi" else f"yes: {fmt_num(c.points)} pts; no: 0"
    if c.rule == "per_unit":
        return f"min(số lượng × {fmt_num(c.unit)}, {mx})" if lang == "vi" else f"min(count × {fmt_num(c.unit)}, {mx})"
    if c.rule in ("bonus", "deduction"):
        parts = [f"{fmt_num(e.points)}/{e.label or e.indicator}" for e in c.events]
        cap = (f" (tối đa {mx})" if lang == "vi" else f" (max {mx})") if c.max is not None else (" (không hạn chế)" if lang == "vi" else " (uncapped)")
        return "; ".join(parts) + cap
    if c.rule == "standard":
        return f"đạt khi {c.op} {fmt_pct(c.target) if c.target is not None and c.target <= 1 else fmt_num(c.target)}" if lang == "vi" else f"met when {c.op} {fmt_pct(c.target)}"
    return c.rule


def _uplift_note(scheme: Scheme, flagged: bool) -> str:
    if not flagged:
        return ""
    parts = [f"{cls} +{fmt_pct(e.value)}" for cls, e in scheme.uplift.items() if e.value]
    return ", ".join(parts) or "✓"


def scheme_html(scheme: Scheme) -> str:
    changed = {p.split(".", 1)[1].rsplit(".", 1)[0] for p, _ in scheme.changes if p.startswith("criteria.")}
    changed_groups = {p.split(".")[1] for p, _ in scheme.changes if p.startswith("groups.")}
    head = (f"<caption>{escape(scheme.label)} — {escape(scheme.label_en)} "
            f"<small>({escape(scheme.name)}, {scheme.kind}, basis: {scheme.proportional_basis})</small></caption>")
    out = [_STYLE, "<table class='emusim-t'>", head]
    if scheme.kind == "tasks":
        out.append("<tr><th>TT</th><th>Nhiệm vụ</th><th>Chủ trì</th><th>Phối hợp</th><th>Kết quả</th><th>Thời hạn</th></tr>")
        groups = {g.id: g for g in scheme.task_groups}
        current = None
        for t in scheme.tasks:
            if t.group != current:
                current = t.group
                g = groups.get(current)
                out.append(f"<tr class='grp'><td>{escape(str(current))}</td><td colspan=5>{escape(g.label if g else '')}</td></tr>")
            dl = t.deadline.isoformat() if hasattr(t.deadline, "isoformat") else ("thường xuyên" if t.recurring else "—")
            out.append(f"<tr><td>{escape(t.id)}</td><td>{escape(t.label)}</td><td>{escape(', '.join(t.lead))}</td>"
                       f"<td>{escape(', '.join(t.partners))}</td><td>{escape(t.result)}</td>"
                       f"<td title='{escape(t.deadline_text)}'>{dl}</td></tr>")
        out.append("</table>")
        return "".join(out)
    out.append("<tr><th>TT</th><th>Chỉ tiêu, nhiệm vụ</th><th>Điểm tối đa</th><th>Cách tính điểm</th>"
               "<th>Chỉ tiêu</th><th>Tăng thêm</th><th>Nguồn</th></tr>")
    groups = {g.id: g for g in scheme.groups}
    current = object()
    for c in scheme.criteria:
        if c.group != current:
            current = c.group
            g = groups.get(c.group) if c.group is not None else None
            if g is not None:
                cls = "grp changed" if g.id in changed_groups else "grp"
                out.append(f"<tr class='{cls}'><td>{escape(g.id)}</td><td>{escape(g.label)}<br><i>{escape(g.label_en)}</i></td>"
                           f"<td class='num'>{fmt_num(g.max)}</td><td colspan=4></td></tr>")
        target = f"{c.op} {fmt_pct(c.target)}" if c.has_target and c.target is not None else ""
        row_cls = " class='changed'" if c.id in changed else ""
        out.append(
            f"<tr{row_cls}><td>{escape(c.id)}</td><td>{escape(c.label)}<br><i>{escape(c.label_en)}</i></td>"
            f"<td class='num'>{fmt_num(c.max)}</td><td>{escape(formula(c, scheme))}</td><td>{escape(target)}</td>"
            f"<td>{escape(_uplift_note(scheme, c.uplift))}</td>"
            f"<td title='{escape(c.source.text or c.source.assumption_text() or '')}'>{escape(c.source.short())}</td></tr>"
        )
    if scheme.base_max is not None:
        out.append(f"<tr class='grp'><td>A</td><td>Điểm cơ bản / base points</td><td class='num'>{fmt_num(scheme.base_max)}</td><td colspan=4></td></tr>")
    out.append("</table>")
    if scheme.gates:
        out.append("<table class='emusim-t'><caption>Chỉ tiêu bắt buộc (gates)</caption><tr><th>id</th><th>Chỉ tiêu</th>"
                   "<th>Ngưỡng</th><th>Tăng thêm</th><th>Loại</th><th>Nguồn</th></tr>")
        for g in scheme.gates:
            out.append(f"<tr><td>{escape(g.id)}</td><td>{escape(g.label)}<br><i>{escape(g.label_en)}</i></td>"
                       f"<td>{g.op} {fmt_pct(g.target)}</td><td>{escape(_uplift_note(scheme, g.uplift))}</td>"
                       f"<td>{g.mode}</td><td title='{escape(g.source.text or g.source.assumption_text() or '')}'>{escape(g.source.short())}</td></tr>")
        out.append("</table>")
    if scheme.awards.tiers:
        out.append("<table class='emusim-t'><caption>Khen thưởng (awards)</caption><tr><th>id</th><th>Hình thức</th>"
                   "<th>Tập thể</th><th>Cá nhân</th><th>Nguồn</th></tr>")
        for t in scheme.awards.tiers:
            q = "theo thẩm quyền" if t.quota is None else f"≤ {t.quota}"
            if not t.allocate:
                q = "(không xét theo tiêu chí này)"
            out.append(f"<tr><td>{escape(t.id)}</td><td>{escape(t.label)}<br><i>{escape(t.label_en)}</i></td><td>{q}</td>"
                       f"<td>{'' if t.quota_individuals is None else t.quota_individuals}</td><td>{escape(t.source.short())}</td></tr>")
        n = scheme.awards.nomination
        if n is not None:
            extra = f"; +{n.extra_per_parent} nếu ≥ {n.extra_min_children} đơn vị" if n.extra_per_parent else ""
            out.append(f"<tr><td colspan=5>Đề cử: mỗi {n.parent_level} {n.per_parent}{extra} ({escape(n.source.short())})</td></tr>")
        out.append("</table>")
    return "".join(out)


def plan_html(plan: Plan) -> str:
    rows = "".join(
        f"<tr><td>{escape(level)}</td><td>{s.kind}</td><td>{escape(s.label)}</td>"
        f"<td class='num'>{len(s.tasks) if s.kind == 'tasks' else len(s.criteria)}</td><td class='num'>{len(s.gates)}</td>"
        f"<td>{escape(', '.join(f'{t.id} ≤ {t.quota}' if t.quota is not None else t.id for t in s.awards.allocated_tiers))}</td></tr>"
        for level, s in plan.schemes.items()
    )
    return (f"{_STYLE}<table class='emusim-t'><caption>{escape(plan.document)} — {escape(plan.title)}<br>"
            f"<i>{escape(plan.title_en)}</i> ({escape(plan.province)}, {plan.issued})</caption>"
            "<tr><th>level</th><th>kind</th><th>đối tượng</th><th>items</th><th>gates</th><th>awards</th></tr>"
            f"{rows}</table>")
