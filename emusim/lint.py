"""Lint a plan: inconsistencies in the plan itself and gaps in its encoding (DESIGN §3.7).

Findings are data (level, location, message) so a notebook can show them as a table and
the command line can print them. Levels: ``error`` (the numbers do not add up, an
indicator is unknown), ``warning`` (the plan contradicts itself or skips numbers; a row
lacks a source), ``info`` (confirmations and notes, e.g. "groups sum to 300").
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .catalog import Catalog, load_catalog
from .model import URBAN_CLASSES, Plan, Scheme

LEVELS = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    level: str
    location: str
    message: str
    code: str = ""
    file: str | None = None
    line: int | None = None
    item: str | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.level}: {self.message}"


class _Collector:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.findings: list[Finding] = []

    def add(self, level, code, message, scheme: Scheme | None = None, item: str | None = None,
            line: int | None = None):
        file = self.plan.file or self.plan.id
        where = f"{file}:{line}" if line else file
        parts = [p for p in (scheme.level if scheme else None, item) if p]
        location = where + (f" [{' '.join(parts)}]" if parts else "")
        self.findings.append(Finding(level, location, message, code, file, line, item))


def lint(plan: Plan, catalog: Catalog | None = None) -> list[Finding]:
    """All findings for ``plan``, errors first."""
    catalog = catalog if catalog is not None else load_catalog()
    out = _Collector(plan)
    for scheme in plan.schemes.values():
        _sources(out, scheme)
        _indicators(out, scheme, catalog)
        if scheme.kind == "points":
            _group_sums(out, scheme)
            _literal_points(out, scheme)
            _basis_source(out, scheme)
        if scheme.kind in ("points", "standards"):
            _dated_rows(out, scheme)
        if scheme.kind in ("points", "standards"):
            _numbering(out, scheme)
            _uplift(out, scheme)
        if scheme.kind == "standards":
            _duplicate_standards(out, scheme)
        if scheme.kind in ("points", "standards"):
            _reach(out, scheme, catalog)
        if scheme.kind == "tasks":
            _tasks(out, scheme)
    _quota_totals(out, plan)
    _timeline_before(out, plan)
    _assumptions_vi(out, plan)
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    return sorted(out.findings, key=lambda f: order[f.level])


def findings_frame(findings):
    """Findings as a pandas DataFrame (for notebooks)."""
    import pandas as pd

    return pd.DataFrame([f.__dict__ for f in findings], columns=["level", "location", "message", "code", "file", "line", "item"])


# --- checks -------------------------------------------------------------------------------
def _sources(out: _Collector, s: Scheme) -> None:
    for c in s.criteria:
        if not c.source.cited:
            out.add("warning", "no-source", "criterion has neither a source reference (ref + text) nor an assumption", s, c.id, c.line)
    for g in s.gates + s.gates_off:
        if not g.source.cited:
            out.add("warning", "no-source", "gate has neither a source reference nor an assumption", s, g.id, g.line)
    for t in s.awards.tiers:
        if not t.source.cited:
            out.add("warning", "no-source", "award tier has neither a source reference nor an assumption", s, t.id, t.line)
    for cls, e in s.uplift.items():
        if not e.source.cited:
            out.add("warning", "no-source", f"uplift for '{cls}' has neither a source reference nor an assumption", s, f"uplift.{cls}", e.line)


def _indicators(out: _Collector, s: Scheme, catalog: Catalog) -> None:
    used = list(s.indicators) + [t.indicator for t in s.targets if t.indicator]
    for ind in dict.fromkeys(used):
        if ind not in catalog:
            out.add("error", "unknown-indicator", f"indicator '{ind}' is not in the catalog", s, ind, s.line)


def _group_sums(out: _Collector, s: Scheme) -> None:
    by_group = defaultdict(float)
    for c in s.criteria:
        if c.part == "A" and c.group is not None and c.max is not None:
            by_group[c.group] += c.max
    base_groups = [g for g in s.groups if g.part == "A"]
    for g in base_groups:
        got = by_group.get(g.id, 0.0)
        if g.max is None:
            continue
        if abs(got - g.max) > 1e-9:
            out.add("error", "group-sum", f"group {g.id} ({g.label}) states a maximum of {g.max:g} but its items add up to {got:g}", s, f"group {g.id}", g.line)
        else:
            out.add("info", "group-sum-ok", f"group {g.id} items add up to its maximum {g.max:g}", s, f"group {g.id}", g.line)
    if s.base_max is not None and base_groups:
        total_groups = sum(g.max or 0.0 for g in base_groups)
        total_items = sum(by_group.values())
        if abs(total_groups - s.base_max) > 1e-9 or abs(total_items - s.base_max) > 1e-9:
            out.add("error", "base-sum", f"base points: stated {s.base_max:g}, groups add up to {total_groups:g}, items to {total_items:g}", s, "A", s.line)
        else:
            out.add("info", "base-sum-ok", f"base points: groups and items add up to the stated {s.base_max:g}", s, "A", s.line)


def _literal_points(out: _Collector, s: Scheme) -> None:
    for c in s.criteria:
        if c.rule == "binary" and c.points is not None and c.max is not None and abs(c.points - c.max) > 1e-9:
            out.add("warning", "literal-points", f"maximum is {c.max:g} but the formula gives {c.points:g} points ('{c.source.text or ''}'); scored as written ({c.points:g})", s, c.id, c.line)


_NUM = re.compile(r"^(?P<prefix>.*?)(?P<num>\d+)$")


def _numbering(out: _Collector, s: Scheme) -> None:
    series: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    for c in s.criteria:
        m = _NUM.match(c.id)
        if m:
            series[m.group("prefix")].append((int(m.group("num")), c.line))
    for prefix, nums in series.items():
        present = sorted(n for n, _ in nums)
        missing = sorted(set(range(1, present[-1] + 1)) - set(present))
        if missing:
            line = min((ln for _, ln in nums if ln), default=None)
            label = prefix.rstrip(".") or "criteria"
            out.add("warning", "numbering-gap",
                    f"items of {label} are numbered {', '.join(map(str, present))}: "
                    f"{', '.join(map(str, missing))} {'is' if len(missing) == 1 else 'are'} missing (kept as in the source)",
                    s, label, line)


def _uplift(out: _Collector, s: Scheme) -> None:
    uses = [c.id for c in s.criteria if c.uplift] + [g.id for g in s.gates if g.uplift]
    if uses and not s.uplift:
        out.add("warning", "uplift-missing", f"{', '.join(uses)} are marked uplift but the scheme gives no uplift per class", s, "uplift", s.line)
    if uses:
        for cls in URBAN_CLASSES:
            if cls not in s.uplift and cls != "rural":
                out.add("info", "uplift-class", f"urban class '{cls}' is not named by the plan: it gets no uplift", s, f"uplift.{cls}", s.line)


def _reach(out: _Collector, s: Scheme, catalog: Catalog) -> None:
    """Targets nobody can reach, gates that can never fail (:func:`emusim.validate.reach_findings`)."""
    from .validate import reach_findings

    for level, code, message, item, line in reach_findings(s, catalog):
        out.add(level, code, message.text(), s, item, line)


def _duplicate_standards(out: _Collector, s: Scheme) -> None:
    from .repeats import repeated_standards

    counted = "counted every time (standards.count_repeated: true)" if s.count_repeated else \
        "counted once (standards.count_repeated: false)"
    repeats = repeated_standards(s)
    for c in s.criteria:
        first = repeats.get(c.id)
        if first is not None:
            out.add("warning", "duplicate-standard", f"standard repeats {first} ('{(c.source.text or c.label)[:90]}'); "
                    f"{counted}", s, c.id, c.line)


def _tasks(out: _Collector, s: Scheme) -> None:
    undated = [t.id for t in s.tasks if t.deadline is None]
    recurring = [t.id for t in s.tasks if t.recurring]
    out.add("info", "tasks", f"{len(s.tasks)} tasks in {len(s.task_groups)} groups; {len(recurring)} recurring; "
            f"{len(undated)} without a fixed date", s, "tasks", s.line)
    for t in s.tasks:
        if t.deadline is None and not t.deadline_text:
            out.add("warning", "task-deadline", "task has no deadline and no deadline wording", s, t.id, t.line)
        if not t.lead:
            out.add("warning", "task-lead", "task has no lead unit", s, t.id, t.line)


def _quota_totals(out: _Collector, plan: Plan) -> None:
    for total in plan.award_totals:
        coll = indiv = 0
        seen_pools: set[str] = set()
        rows = []
        for s in plan.schemes.values():
            for t in s.awards.tiers:
                if t.id != total.tier or not t.allocate:
                    continue
                if t.pool:
                    if t.pool in seen_pools:
                        continue
                    seen_pools.add(t.pool)
                coll += t.quota or 0
                indiv += t.quota_individuals or 0
                rows.append(f"{s.level} {t.quota or 0}/{t.quota_individuals or 0}")
        detail = " + ".join(rows) or "no level awards this tier"
        for what, got, stated in (("collectives", coll, total.collectives), ("individuals", indiv, total.individuals)):
            if stated is None:
                continue
            if got != stated:
                out.add("error", "quota-total", f"tier '{total.tier}': level quotas give {got} {what} ({detail}) but the plan states at most {stated}", None, total.tier, total.line)
            else:
                out.add("info", "quota-total-ok", f"tier '{total.tier}': level quotas add up to the stated {stated} {what} ({detail})", None, total.tier, total.line)


# --- issue 10: readings recorded, deadlines dated ------------------------------------------
_MONTH_DEADLINE = re.compile(r"(xong|hoàn thành)( trong)? tháng \d{1,2}/\d{4}", re.IGNORECASE)


def _basis_source(out: _Collector, s: Scheme) -> None:
    """"Điểm = Tỷ lệ x điểm tối đa" is a judgment call: the file must say how it reads it."""
    if not any(c.rule == "proportional" for c in s.criteria):
        return
    if not s.proportional_basis_source.cited:
        out.add("warning", "basis-source", f"proportional rows are scored as '{s.proportional_basis}' but the file "
                "gives no source or assumption for that reading (proportional_basis: {value, ref, text, assumption})",
                s, "proportional_basis", s.line)


def _dated_rows(out: _Collector, s: Scheme) -> None:
    for c in s.criteria:
        words = f"{c.label} {c.source.text or ''}"
        if c.deadline is not None and not c.deadline_text:
            out.add("warning", "deadline-text", "criterion has a deadline but no deadline_text (the plan's words)", s, c.id, c.line)
        elif c.deadline is None and _MONTH_DEADLINE.search(words):
            out.add("warning", "undated-deadline", f"the row names a deadline ('{_MONTH_DEADLINE.search(words).group(0)}') "
                    "but has no 'deadline:'; it is scored as if undated", s, c.id, c.line)


def _timeline_before(out: _Collector, plan: Plan) -> None:
    """"trước ngày X" is before X: the entry needs ``inclusive: false`` (its last day is X − 1)."""
    file = plan.file or plan.id
    for e in plan.timeline:
        words = f"{e.label} {e.source.text or ''}".lower()
        if e.inclusive and "trước ngày" in words:
            out.findings.append(Finding("warning", f"{file} [timeline {e.id}]", "the plan says 'trước ngày' (before) "
                                        "but the entry is inclusive; set inclusive: false (last day = date − 1)",
                                        "timeline-before", file, None, e.id))


def _assumptions_vi(out: _Collector, plan: Plan) -> None:
    """An ``assumption`` with no ``assumption_vi``: the Vietnamese outputs would show it in English."""
    import dataclasses

    from .i18n import Message
    from .model import Source

    seen: set[int] = set()

    def walk(obj, scheme, item, line):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, Source):
            if obj.assumption and not obj.assumption_vi:
                out.add("warning", "assumption-vi", Message("lint_assumptions.missing_vi").text(), scheme, item, line)
            return
        if isinstance(obj, (list, tuple)):
            children = obj
        elif isinstance(obj, dict):
            children = obj.values()
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            item = getattr(obj, "id", None) or item
            line = getattr(obj, "line", None) or line
            children = [getattr(obj, f.name) for f in dataclasses.fields(obj)]
        else:
            return
        for child in children:
            walk(child, scheme, item, line)

    walk([v for k, v in vars(plan).items() if k != "schemes"], None, None, None)
    for scheme in plan.schemes.values():
        walk(scheme, scheme, None, scheme.line)
