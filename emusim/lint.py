"""Lint a plan: inconsistencies in the plan itself and gaps in its encoding (DESIGN §3.7).

Findings are data (level, location, message) so a notebook can show them as a table and
the command line can print them. Levels: ``error`` (the numbers do not add up, an
indicator is unknown), ``warning`` (the plan contradicts itself or skips numbers; a row
lacks a source), ``info`` (confirmations and notes, e.g. "groups sum to 300").
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .catalog import Catalog, load_catalog
from .errors import Bilingual
from .i18n import Message, t
from .model import URBAN_CLASSES, Plan, Scheme, level_label

#: machine ids of the finding levels (``Finding.level``); shown as "lỗi", "cảnh báo", "ghi chú"
LEVELS = ("error", "warning", "info")


class _Place(Message):
    """``file:line [cấp xã A.I.4]``: the file's place, then the level's name and the item."""

    __slots__ = ("where", "parts")

    def __init__(self, where: str, parts):
        super().__init__("lint.level_info")
        self.where, self.parts = where, [p for p in parts if p]

    def text(self, lang: str | None = None) -> str:
        parts = [p.text(lang) if isinstance(p, Message) else str(p) for p in self.parts]
        return self.where + (f" [{' '.join(parts)}]" if parts else "")


@dataclass(frozen=True)
class Finding:
    """One finding: ``level`` and ``code`` are machine ids; the text renders per language.

    ``message`` and ``location`` may be given as :class:`~emusim.i18n.Message`: they are then
    kept (``text(lang)``, ``where(lang)``) and stored as text in the current language too.
    ``str(finding)`` is the line ``emusim lint`` prints, in the current language.
    """

    level: str
    location: str
    message: str
    code: str = ""
    file: str | None = None
    line: int | None = None
    item: str | None = None
    text_of: Any = field(default=None, repr=False, compare=False)
    where_of: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if isinstance(self.message, Message):
            object.__setattr__(self, "text_of", self.message)
            object.__setattr__(self, "message", self.message.text())
        if isinstance(self.location, Message):
            object.__setattr__(self, "where_of", self.location)
            object.__setattr__(self, "location", self.location.text())

    def text(self, lang: str | None = None) -> str:
        """The finding's message in ``lang`` (default: the current language)."""
        return self.text_of.text(lang) if self.text_of is not None else self.message

    def where(self, lang: str | None = None) -> str:
        return self.where_of.text(lang) if self.where_of is not None else self.location

    def level_text(self, lang: str | None = None) -> str:
        return t(f"lint.level_{self.level}", lang) if self.level in LEVELS else self.level

    def line_text(self, lang: str | None = None) -> str:
        return f"{self.where(lang)}: {self.level_text(lang)}: {self.text(lang)}"

    def __str__(self) -> str:
        return self.line_text()


class _Collector:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.findings: list[Finding] = []

    def add(self, level, code, message: Message, scheme: Scheme | None = None, item: str | None = None,
            line: int | None = None, shown=None):
        """``item`` is the machine id kept in ``Finding.item``; ``shown`` how the location writes it."""
        file = self.plan.file or self.plan.id
        where = f"{file}:{line}" if line else file
        place = _Place(where, [level_label(scheme.level) if scheme else None, shown if shown is not None else item])
        self.findings.append(Finding(level, place, message, code, file, line, item))


def _m(which: str, **values) -> Message:
    return Message(f"lint.{which}", **values)


def _g(x: float) -> float:
    """A number for a message: written the reader's way when rendered (7,5 in Vietnamese)."""
    return float(x)


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


def summary(file: str, findings, lang: str | None = None) -> str:
    """The count line after a file's findings: "x.yaml: 0 lỗi, 8 cảnh báo, 21 ghi chú".

    >>> summary("x.yaml", [], "en")
    'x.yaml: 0 errors, 0 warnings, 0 notes'
    """
    counts = {lvl: sum(1 for f in findings if f.level == lvl) for lvl in LEVELS}
    return t("lint.summary", lang, file=file, errors=counts["error"], warnings=counts["warning"], notes=counts["info"])


def findings_frame(findings):
    """Findings as a pandas DataFrame (for notebooks)."""
    import pandas as pd

    return pd.DataFrame([{**f.__dict__, "message": f.text(), "location": f.where()} for f in findings], columns=["level", "location", "message", "code", "file", "line", "item"])


# --- checks -------------------------------------------------------------------------------
def _sources(out: _Collector, s: Scheme) -> None:
    for c in s.criteria:
        if not c.source.cited:
            out.add("warning", "no-source", _m("no_source_criterion"), s, c.id, c.line)
    for g in s.gates + s.gates_off:
        if not g.source.cited:
            out.add("warning", "no-source", _m("no_source_gate"), s, g.id, g.line)
    for t in s.awards.tiers:
        if not t.source.cited:
            out.add("warning", "no-source", _m("no_source_tier"), s, t.id, t.line, shown=_tier_name(t.id, t.label))
    for cls, e in s.uplift.items():
        if not e.source.cited:
            out.add("warning", "no-source", _m("no_source_uplift", cls=cls), s, f"uplift.{cls}", e.line)


def _indicators(out: _Collector, s: Scheme, catalog: Catalog) -> None:
    used = list(s.indicators) + [t.indicator for t in s.targets if t.indicator]
    for ind in dict.fromkeys(used):
        if ind not in catalog:
            out.add("error", "unknown-indicator", _m("unknown_indicator", id=ind), s, ind, s.line)


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
            out.add("error", "group-sum", _m("group_sum", id=g.id, label=_label(g), max=_g(g.max), got=_g(got)),
                    s, f"group {g.id}", g.line, shown=_m("item_group", id=g.id))
        else:
            out.add("info", "group-sum-ok", _m("group_sum_ok", id=g.id, max=_g(g.max)), s, f"group {g.id}", g.line,
                    shown=_m("item_group", id=g.id))
    if s.base_max is not None and base_groups:
        total_groups = sum(g.max or 0.0 for g in base_groups)
        total_items = sum(by_group.values())
        if abs(total_groups - s.base_max) > 1e-9 or abs(total_items - s.base_max) > 1e-9:
            out.add("error", "base-sum", _m("base_sum", stated=_g(s.base_max), groups=_g(total_groups), items=_g(total_items)),
                    s, "A", s.line, shown=_m("item_base"))
        else:
            out.add("info", "base-sum-ok", _m("base_sum_ok", stated=_g(s.base_max)), s, "A", s.line, shown=_m("item_base"))


def _literal_points(out: _Collector, s: Scheme) -> None:
    for c in s.criteria:
        if c.rule == "binary" and c.points is not None and c.max is not None and abs(c.points - c.max) > 1e-9:
            out.add("warning", "literal-points", _m("literal_points", max=_g(c.max), points=_g(c.points), text=c.source.text or ""),
                    s, c.id, c.line)


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
            shown = label if prefix.rstrip(".") else _m("criteria")
            out.add("warning", "numbering-gap",
                    _m("numbering_gap_one" if len(missing) == 1 else "numbering_gap_many", label=shown,
                       present=", ".join(map(str, present)), missing=", ".join(map(str, missing))),
                    s, label, line, shown=shown)


def _uplift(out: _Collector, s: Scheme) -> None:
    uses = [c.id for c in s.criteria if c.uplift] + [g.id for g in s.gates if g.uplift]
    if uses and not s.uplift:
        out.add("warning", "uplift-missing", _m("uplift_missing", ids=", ".join(uses)), s, "uplift", s.line,
                shown="'uplift'")
    if uses:
        for cls in URBAN_CLASSES:
            if cls not in s.uplift and cls != "rural":
                out.add("info", "uplift-class", _m("uplift_class", cls=cls, name=_m(f"urban_{cls}")), s, f"uplift.{cls}", s.line)


def _reach(out: _Collector, s: Scheme, catalog: Catalog) -> None:
    """Targets nobody can reach, gates that can never fail (:func:`emusim.validate.reach_findings`)."""
    from .validate import reach_findings

    for level, code, message, item, line in reach_findings(s, catalog):
        out.add(level, code, message, s, item, line)


def _duplicate_standards(out: _Collector, s: Scheme) -> None:
    from .repeats import repeated_standards

    counted = _m("counted_every_time") if s.count_repeated else _m("counted_once")
    repeats = repeated_standards(s)
    for c in s.criteria:
        first = repeats.get(c.id)
        if first is not None:
            out.add("warning", "duplicate-standard", _m("duplicate_standard", first=first,
                                                        text=(c.source.text or c.label)[:90], counted=counted), s, c.id, c.line)


def _tasks(out: _Collector, s: Scheme) -> None:
    undated = [t.id for t in s.tasks if t.deadline is None]
    recurring = [t.id for t in s.tasks if t.recurring]
    out.add("info", "tasks", _m("tasks", n=len(s.tasks), groups=len(s.task_groups), recurring=len(recurring),
                                undated=len(undated)), s, "tasks", s.line, shown="")
    for task in s.tasks:
        if task.deadline is None and not task.deadline_text:
            out.add("warning", "task-deadline", _m("task_deadline"), s, task.id, task.line)
        if not task.lead:
            out.add("warning", "task-lead", _m("task_lead"), s, task.id, task.line)


def _quota_totals(out: _Collector, plan: Plan) -> None:
    for total in plan.award_totals:
        coll = indiv = 0
        seen_pools: set[str] = set()
        rows: list[tuple[str, str]] = []
        label = ""
        for s in plan.schemes.values():
            for tier in s.awards.tiers:
                if tier.id != total.tier:
                    continue
                label = label or tier.label
                if not tier.allocate:
                    continue
                if tier.pool:
                    if tier.pool in seen_pools:
                        continue
                    seen_pools.add(tier.pool)
                coll += tier.quota or 0
                indiv += tier.quota_individuals or 0
                counts = f"{tier.quota or 0}/{tier.quota_individuals or 0}"
                rows.append((f"{level_label(s.level).text('vi')} {counts}", f"{s.level} {counts}"))
        detail = Bilingual(" + ".join(v for v, _ in rows), " + ".join(e for _, e in rows)) if rows else _m("no_level_awards")
        name = _tier_name(total.tier, label)
        for what, got, stated in (("collectives", coll, total.collectives), ("individuals", indiv, total.individuals)):
            if stated is None:
                continue
            key = "quota_total" if got != stated else "quota_total_ok"
            out.add("error" if got != stated else "info", key.replace("_", "-"),
                    _m(key, tier=name, got=got, what=_m(f"what_{what}"), detail=detail, stated=stated),
                    None, total.tier, total.line, shown=name)


# --- issue 10: readings recorded, deadlines dated ------------------------------------------
_MONTH_DEADLINE = re.compile(r"(xong|hoàn thành)( trong)? tháng \d{1,2}/\d{4}", re.IGNORECASE)


def _basis_source(out: _Collector, s: Scheme) -> None:
    """"Điểm = Tỷ lệ x điểm tối đa" is a judgment call: the file must say how it reads it."""
    if not any(c.rule == "proportional" for c in s.criteria):
        return
    if not s.proportional_basis_source.cited:
        basis = s.proportional_basis
        out.add("warning", "basis-source",
                _m("basis_source", basis=Bilingual(t(f"paths.choice_{basis}", "vi"), f"'{basis}'")),
                s, "proportional_basis", s.line)


def _dated_rows(out: _Collector, s: Scheme) -> None:
    for c in s.criteria:
        words = f"{c.label} {c.source.text or ''}"
        if c.deadline is not None and not c.deadline_text:
            out.add("warning", "deadline-text", _m("deadline_text"), s, c.id, c.line)
        elif c.deadline is None and _MONTH_DEADLINE.search(words):
            out.add("warning", "undated-deadline", _m("undated_deadline", words=_MONTH_DEADLINE.search(words).group(0)),
                    s, c.id, c.line)


def _timeline_before(out: _Collector, plan: Plan) -> None:
    """"trước ngày X" is before X: the entry needs ``inclusive: false`` (its last day is X − 1)."""
    file = plan.file or plan.id
    for e in plan.timeline:
        words = f"{e.label} {e.source.text or ''}".lower()
        if e.inclusive and "trước ngày" in words:
            out.findings.append(Finding("warning", _Place(file, [_m("item_timeline", id=e.id)]), _m("timeline_before"),
                                        "timeline-before", file, None, e.id))


def _label(obj) -> Bilingual:
    vi, en = getattr(obj, "label", "") or "", getattr(obj, "label_en", "") or ""
    return Bilingual(vi or en, en or vi)


def _tier_name(tier_id: str, label: str) -> Bilingual:
    """A tier as officials read it: its label in Vietnamese (an id like 'chairman' is English)."""
    return Bilingual(label or f"'{tier_id}'", tier_id)


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
                out.add("warning", "assumption-vi", Message("lint_assumptions.missing_vi"), scheme, item, line)
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
