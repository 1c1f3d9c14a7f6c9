"""The scheme model: plans, schemes, criteria, gates, awards and tasks as immutable data.

A :class:`Plan` is one source plan (one scenario file). It holds one :class:`Scheme` per
level (district, commune, village, agency, enterprise, tasks). Objects are frozen
dataclasses: ``Scheme.adjust`` returns a new scheme and never changes the old one.

Every rule-bearing object carries its :class:`Source` (the plan's reference and Vietnamese
words, or the assumption made where the plan is silent), in the spirit of OpenFisca's
parameter files.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Mapping

KINDS = ("points", "standards", "tasks")
RULES = ("proportional", "binary", "per_unit", "bonus", "deduction", "standard")
OPS = (">", ">=", "<", "<=", "==")
BASES = ("attainment", "rate", "threshold")
GATE_MODES = ("hard", "soft")
GATE_OFF = "off"  # a gate kept in the file as an option, not applied (Scheme.gates_off)
URBAN_CLASSES = ("rural", "district_town", "city", "town")
#: Urban classes of the two-level registries (from 1 July 2025; see emusim.clusters.two_level_classes):
#: a phường, a xã made from a former city's communes, a xã that took in a former thị trấn.
TWO_LEVEL_CLASSES = ("ward", "former_city", "former_township")
ALL_URBAN_CLASSES = URBAN_CLASSES + TWO_LEVEL_CLASSES
#: Where a nomination runs (``awards.nomination.group``; emusim.clusters).
NOMINATION_GROUPS = ("parent", "cluster", "former_district", "province")
UNIT_LEVELS = ("province", "agency", "district", "commune", "village", "enterprise")
DEFAULT_TOLERANCE = 1e-9
#: level names with their own words in the catalogue (emusim/i18n/messages/model.yaml)
_NAMED_LEVELS = UNIT_LEVELS + ("tasks", "agency_tasks")


def level_label(level: str):
    """The level's name as officials say it ("cấp xã" for ``commune``), a :class:`~emusim.i18n.Message`.

    >>> level_label("commune").text("vi"), level_label("commune").text("en")
    ('cấp xã', 'commune')
    >>> level_label("hamlet").text("vi")
    "cấp 'hamlet'"
    """
    from .i18n import Message

    if level in _NAMED_LEVELS:
        return Message(f"model.level_{level}")
    return Message("model.level_other", level=level)


def labelled(items, labels=None):
    """Ids to type, each with its name in the reader's language: "chairman (Bằng khen của Chủ tịch …)".

    ``items`` are ids or objects with ``id`` and ``label``; ``labels(item)`` may give the name
    instead. English shows the ids alone (they are English words already).
    """
    from .errors import Bilingual
    from .i18n import Message

    items = list(items)
    if not items:
        return Message("model.none")
    vi, en = [], []
    for item in items:
        ident = getattr(item, "id", item)
        lv = _short(labels(item) if labels else (getattr(item, "label", "") or ""))
        vi.append(f"'{ident}' ({lv})" if lv and lv != ident else f"'{ident}'")
        en.append(str(ident))
    return Bilingual(", ".join(vi), ", ".join(en))


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _not_found(key: str, known, **values):
    """A KeyError whose text is the catalogue's (rendered in the reader's language)."""
    from .errors import NotFoundError
    from .i18n import Message

    known = list(known)
    text = ", ".join(known) if known else Message("model.none")
    return NotFoundError(Message(key, known=text, **values))


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: the plan's reference and words, or an explicit assumption."""

    ref: str | None = None
    text: str | None = None
    assumption: str | None = None
    assumption_vi: str | None = None

    def assumption_text(self, lang: str | None = None) -> str | None:
        """The assumption in ``lang`` (None: the current language): the Vietnamese text in vi
        when the plan gives one, else the English text (nothing lost); None without assumption.

        >>> s = Source(assumption="Month only.", assumption_vi="Chỉ ghi tháng.")
        >>> s.assumption_text("vi"), s.assumption_text("en"), Source(assumption="x").assumption_text("vi")
        ('Chỉ ghi tháng.', 'Month only.', 'x')
        """
        from .i18n import check_lang
        if check_lang(lang) == "vi" and self.assumption_vi:
            return self.assumption_vi
        return self.assumption or self.assumption_vi

    @property
    def cited(self) -> bool:
        return bool(self.ref and self.text) or bool(self.assumption)

    def short(self, lang: str | None = None) -> str:
        """The reference, or "giả định" (assumption) where the plan is silent."""
        from .i18n import t

        if self.ref:
            return t("model.ref_assumed", lang, ref=self.ref) if self.assumption else self.ref
        return t("model.assumption", lang) if self.assumption else "—"


@dataclass(frozen=True)
class Event:
    """One kind of countable event in a bonus or deduction row (points per event)."""

    indicator: str
    points: float
    label: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class Criterion:
    """One row of a point table, or one pass/fail standard.

    ``rule`` is one of ``proportional``, ``binary``, ``per_unit``, ``bonus``, ``deduction``
    (points schemes) or ``standard`` (standards schemes). See DESIGN §3.2.
    """

    id: str
    rule: str
    group: str | None = None
    label: str = ""
    label_en: str = ""
    indicator: str | None = None
    max: float | None = None
    points: float | None = None
    unit: float | None = None
    target: float | None = None
    op: str = ">="
    uplift: bool = False
    basis: str | None = None
    events: tuple[Event, ...] = ()
    deadline: _dt.date | None = None
    deadline_text: str = ""
    source: Source = field(default_factory=Source)
    line: int | None = None
    #: how a "không áp dụng" value is scored: "exclude" (left out of the count) or "met"
    not_applicable: str = "exclude"

    @property
    def indicators(self) -> tuple[str, ...]:
        """Every indicator the criterion reads (events included)."""
        if self.events:
            return tuple(e.indicator for e in self.events)
        return (self.indicator,) if self.indicator else ()

    @property
    def has_target(self) -> bool:
        return self.rule in ("proportional", "standard")

    @property
    def part(self) -> str:
        """A (base), B (bonus) or C (deduction)."""
        if self.rule == "bonus":
            return "B"
        if self.rule == "deduction":
            return "C"
        return "A"


@dataclass(frozen=True)
class Gate:
    """A mandatory target ("phải phấn đấu hoàn thành"); hard gates decide eligibility.

    ``mode``: ``hard`` (a unit failing it gets no award), ``soft`` (only reported) or
    ``off`` (not applied and not read: kept in the file as a documented, adjustable option,
    e.g. Lào Cai's registration gate for communes, whom IV.1 does not ask to register). A gate
    that is off sits in ``Scheme.gates_off``, not ``Scheme.gates``; ``adjust`` moves it back
    with ``gates.<id>.mode: hard``.
    """

    id: str
    indicator: str
    op: str = ">="
    target: float = 1.0
    uplift: bool = False
    mode: str = "hard"
    label: str = ""
    label_en: str = ""
    source: Source = field(default_factory=Source)
    line: int | None = None


@dataclass(frozen=True)
class Group:
    """A group of criteria (I … VII, B, C) with its stated maximum."""

    id: str
    label: str = ""
    label_en: str = ""
    max: float | None = None
    part: str = "A"
    source: Source = field(default_factory=Source)
    line: int | None = None


@dataclass(frozen=True)
class UpliftEntry:
    """Additive uplift (percentage points as a fraction) for one urban class."""

    urban_class: str
    value: float
    source: Source = field(default_factory=Source)
    line: int | None = None


@dataclass(frozen=True)
class Tier:
    """One award tier; ``quota`` is a cap on collectives ("không quá"), None = no cap."""

    id: str
    label: str = ""
    label_en: str = ""
    quota: int | None = None
    quota_individuals: int | None = None
    pool: str | None = None
    allocate: bool = True
    level_scope: str | None = None
    source: Source = field(default_factory=Source)
    line: int | None = None


@dataclass(frozen=True)
class Nomination:
    """Nomination inside each parent unit before the provincial ranking."""

    parent_level: str
    per_parent: int = 1
    #: parent (the parent level), cluster, former_district or province (no nomination step)
    group: str = "parent"
    individuals_per_parent: int | None = None
    extra_per_parent: int = 0
    extra_min_children: int | None = None
    extra_source: Source = field(default_factory=Source)
    source: Source = field(default_factory=Source)
    line: int | None = None


@dataclass(frozen=True)
class Awards:
    tiers: tuple[Tier, ...] = ()
    nomination: Nomination | None = None
    ranking: str | None = None

    @property
    def allocated_tiers(self) -> tuple[Tier, ...]:
        return tuple(t for t in self.tiers if t.allocate)

    @property
    def pooled(self) -> bool:
        """Whether a tier shares its cap with other levels (``pool``; :mod:`emusim.pools`)."""
        return any(t.pool for t in self.allocated_tiers)

    def tier(self, tier_id: str) -> Tier:
        for t in self.tiers:
            if t.id == tier_id:
                return t
        from .errors import NotFoundError
        from .i18n import Message

        raise NotFoundError(Message("model.no_tier", id=tier_id, known=labelled(self.tiers)))


@dataclass(frozen=True)
class Task:
    """One task of a tasks scheme (KH 21/2025): lead unit, partners, result and deadline.

    ``deadline`` is a date, the string ``"recurring"`` ("Thực hiện thường xuyên"), or None
    when the plan ties it to outside direction.
    """

    id: str
    group: str | None = None
    label: str = ""
    label_en: str = ""
    lead: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    result: str = ""
    deadline: _dt.date | str | None = None
    deadline_text: str = ""
    #: "Hoàn thành … và duy trì (thực hiện) thường xuyên": after the deadline, kept up month by
    #: month (judged from the monthly reports where the status table has them; emusim.tasks)
    maintain: bool = False
    source: Source = field(default_factory=Source)
    line: int | None = None

    @property
    def recurring(self) -> bool:
        return self.deadline == "recurring"


@dataclass(frozen=True)
class ReportingEntry:
    id: str
    day: int | None = None
    window_start_day: int | None = None
    window_end_day: int | None = None
    date: _dt.date | None = None
    inclusive: bool = True
    label: str = ""
    label_en: str = ""
    source: Source = field(default_factory=Source)

    @property
    def last_day_offset(self) -> int:
        """0 when the report may arrive on the stated day; −1 for "Gửi trước ngày …" (before it)."""
        return 0 if self.inclusive else -1


@dataclass(frozen=True)
class Target:
    """A province-wide target with a deadline (tasks schemes)."""

    id: str
    indicator: str | None = None
    op: str = ">="
    target: float | None = None
    deadline: _dt.date | None = None
    label: str = ""
    label_en: str = ""
    source: Source = field(default_factory=Source)


@dataclass(frozen=True)
class TimelineEntry:
    """A dated step of the plan. ``inclusive`` is False for "trước ngày X" (before X): the
    step must be done by X − 1, which :attr:`last_day` gives (same rule as tasks and reporting).

    >>> TimelineEntry("dossiers", _dt.date(2023, 12, 5), inclusive=False).last_day
    datetime.date(2023, 12, 4)
    >>> TimelineEntry("launch_end", _dt.date(2023, 11, 30)).last_day
    datetime.date(2023, 11, 30)
    """

    id: str
    date: _dt.date | None = None
    label: str = ""
    label_en: str = ""
    inclusive: bool = True
    source: Source = field(default_factory=Source)

    @property
    def last_day(self) -> _dt.date | None:
        """The last day on which the step is on time (the date itself, or the day before)."""
        if self.date is None or self.inclusive:
            return self.date
        return self.date - _dt.timedelta(days=1)


@dataclass(frozen=True)
class Scheme:
    """How one level of a plan is scored and awarded (DESIGN §3)."""

    level: str
    kind: str
    unit_level: str
    label: str = ""
    label_en: str = ""
    source: Source = field(default_factory=Source)
    proportional_basis: str = "attainment"
    proportional_basis_source: Source = field(default_factory=Source)
    deadline_scoring: bool = True
    count_repeated: bool = False
    tolerance: float = DEFAULT_TOLERANCE
    uplift: Mapping[str, UpliftEntry] = field(default_factory=dict)
    groups: tuple[Group, ...] = ()
    base_max: float | None = None
    criteria: tuple[Criterion, ...] = ()
    gates: tuple[Gate, ...] = ()
    gates_off: tuple[Gate, ...] = ()
    min_met: int | None = None
    awards: Awards = field(default_factory=Awards)
    tasks: tuple[Task, ...] = ()
    task_groups: tuple[Group, ...] = ()
    reporting: tuple[ReportingEntry, ...] = ()
    targets: tuple[Target, ...] = ()
    plan_id: str | None = None
    file: str | None = None
    line: int | None = None
    changes: tuple[tuple[str, Any], ...] = ()
    #: missing-data policy (zero | exclude | previous | median; None = not chosen: "zero", and
    #: read_observations(scheme=…) refuses missing values); see emusim.missing
    missing: str | None = None

    # --- lookups -----------------------------------------------------------------
    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise _not_found("model.no_criterion", [c.id for c in self.criteria], id=criterion_id, scheme=self.name)

    def gate(self, gate_id: str) -> Gate:
        for g in self.gates + self.gates_off:
            if g.id == gate_id:
                return g
        raise _not_found("model.no_gate", [g.id for g in self.gates + self.gates_off], id=gate_id, scheme=self.name)

    def group(self, group_id: str) -> Group:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise _not_found("model.no_group", [g.id for g in self.groups], id=group_id, scheme=self.name)

    def uplift_value(self, urban_class: str) -> float:
        """The additive uplift for an urban class (0 for a class the plan does not name)."""
        entry = self.uplift.get(urban_class)
        return entry.value if entry else 0.0

    @property
    def indicators(self) -> tuple[str, ...]:
        """Every indicator the scheme reads, in order of first use."""
        seen: dict[str, None] = {}
        for c in self.criteria:
            for i in c.indicators:
                seen.setdefault(i)
        for g in self.gates:
            seen.setdefault(g.indicator)
        return tuple(seen)

    @property
    def name(self) -> str:
        return f"{self.plan_id}:{self.level}" if self.plan_id else self.level

    def effective_basis(self, criterion: Criterion) -> str:
        return criterion.basis or self.proportional_basis

    # --- reforms as data -----------------------------------------------------------
    def adjust(self, changes: Mapping[str, Any]) -> "Scheme":
        """A new scheme with ``changes`` applied; see :mod:`emusim.adjust` (DESIGN §3.6)."""
        from .adjust import adjust_scheme

        return adjust_scheme(self, changes)

    def parameters(self) -> dict[str, Any]:
        """Every adjustable path and its current value (what widgets and Monte Carlo vary)."""
        from .adjust import parameters

        return parameters(self)

    # --- display ---------------------------------------------------------------------
    def _repr_html_(self) -> str:
        from .render import scheme_html

        return scheme_html(self)

    def __repr__(self) -> str:
        n = len(self.tasks) if self.kind == "tasks" else len(self.criteria)
        what = "tasks" if self.kind == "tasks" else "criteria"
        return (
            f"<Scheme {self.name} kind={self.kind} unit_level={self.unit_level} "
            f"{n} {what}, {len(self.gates)} gates, tiers={[t.id for t in self.awards.allocated_tiers]}>"
        )


@dataclass(frozen=True)
class AwardTotal:
    tier: str
    collectives: int | None = None
    individuals: int | None = None
    source: Source = field(default_factory=Source)
    line: int | None = None


@dataclass(frozen=True)
class Plan:
    """One source plan: metadata, timeline, plan-wide award totals and a scheme per level."""

    id: str
    schemes: Mapping[str, Scheme]
    document: str = ""
    title: str = ""
    title_en: str = ""
    province: str = ""
    issued: _dt.date | None = None
    source_file: str = ""
    registry: str | None = None
    evaluation_period: str | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    award_totals: tuple[AwardTotal, ...] = ()
    notes: str = ""
    file: str | None = None

    @property
    def levels(self) -> list[str]:
        """The plan's level names, in file order."""
        return list(self.schemes)

    def scheme(self, level: str) -> Scheme:
        try:
            return self.schemes[level]
        except KeyError:
            from .errors import NotFoundError
            from .i18n import Message

            names = labelled(self.levels, lambda lv: level_label(lv).text("vi"))
            raise NotFoundError(Message("model.no_level", plan=self.id, level=level, levels=names)) from None

    def _repr_html_(self) -> str:
        from .render import plan_html

        return plan_html(self)

    def __repr__(self) -> str:
        return f"<Plan {self.id} ({self.document}, {self.province}) levels={self.levels}>"
