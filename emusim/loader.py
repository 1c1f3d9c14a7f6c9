"""Load a scenario file (one source plan) into a :class:`~emusim.model.Plan`.

The format is documented in ``scenarios/README.md``. Loading is strict: every problem in
the file (unknown key, unknown rule, a quota that is not a non-negative integer, an
indicator missing from the catalog, …) is collected with its ``file:line`` and raised as
one :class:`~emusim.errors.InputError`.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from .catalog import Catalog, load_catalog
import difflib

from .errors import Bilingual, InputError, Problem
from .i18n import Message, catalogue, t as _t
from .validate import field_problem, indicator_unit
from .model import (
    ALL_URBAN_CLASSES, BASES, GATE_MODES, GATE_OFF, KINDS, NOMINATION_GROUPS, OPS, RULES, UNIT_LEVELS, URBAN_CLASSES,
    AwardTotal, Awards, Criterion, Event, Gate, Group, Nomination, Plan, ReportingEntry,
    Scheme, Source, Target, Task, Tier, TimelineEntry, UpliftEntry, level_label,
)
from .yamlio import LineDict, line_of, load_yaml

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"

_SOURCE_KEYS = {"ref", "text", "assumption", "assumption_vi"}
_TOP_KEYS = {"plan", "timeline", "award_totals", "levels", "notes"}
_PLAN_KEYS = {"id", "document", "title", "title_en", "province", "issued", "source",
              "registry", "evaluation_period", "notes"} | _SOURCE_KEYS
_SCHEME_KEYS = {"kind", "unit_level", "label", "label_en", "proportional_basis", "deadline_scoring",
                "standards", "tolerance",
                "uplift", "groups", "base_max", "criteria", "gates", "min_met", "awards",
                "tasks", "reporting", "targets", "notes", "missing"} | _SOURCE_KEYS
_GROUP_KEYS = {"id", "part", "label", "label_en", "max", "notes"} | _SOURCE_KEYS
_CRIT_KEYS = {"id", "group", "label", "label_en", "rule", "indicator", "max", "points", "unit",
              "target", "op", "uplift", "basis", "events", "deadline", "deadline_text",
              "notes", "not_applicable"} | _SOURCE_KEYS
_EVENT_KEYS = {"indicator", "points", "label", "label_en"} | _SOURCE_KEYS
_GATE_KEYS = {"id", "label", "label_en", "indicator", "op", "target", "uplift", "mode",
              "notes"} | _SOURCE_KEYS
_UPLIFT_KEYS = {"value", "notes"} | _SOURCE_KEYS
_AWARDS_KEYS = {"tiers", "nomination", "ranking", "notes"} | _SOURCE_KEYS
_TIER_KEYS = {"id", "label", "label_en", "quota", "quota_individuals", "pool", "allocate",
              "level_scope", "notes"} | _SOURCE_KEYS
_NOM_KEYS = {"parent_level", "group", "per_parent", "individuals_per_parent", "extra", "notes"} | _SOURCE_KEYS
_EXTRA_KEYS = {"per_parent", "min_children", "individuals_per_parent", "notes"} | _SOURCE_KEYS
_TASK_KEYS = {"id", "group", "label", "label_en", "lead", "partners", "result", "deadline",
              "deadline_text", "maintain", "notes"} | _SOURCE_KEYS
_REPORT_KEYS = {"id", "day", "window_start_day", "window_end_day", "date", "inclusive", "label",
                "label_en", "notes"} | _SOURCE_KEYS
_TARGET_KEYS = {"id", "indicator", "op", "target", "deadline", "label", "label_en",
                "notes"} | _SOURCE_KEYS
_TIMELINE_KEYS = {"id", "date", "inclusive", "label", "label_en", "notes"} | _SOURCE_KEYS
_BASIS_KEYS = {"value", "notes"} | _SOURCE_KEYS
_STANDARDS_KEYS = {"count_repeated", "notes"} | _SOURCE_KEYS
_TOTAL_KEYS = {"tier", "collectives", "individuals", "notes"} | _SOURCE_KEYS


#: the allowed values of a key → their catalogue message (the words written with their meaning)
_CHOICE_NAMES = {KINDS: "kind", UNIT_LEVELS: "unit_level", BASES: "basis", OPS: "op",
                 GATE_MODES + (GATE_OFF,): "mode", NOMINATION_GROUPS: "nomination_group",
                 ("zero", "exclude", "previous", "median"): "missing", ("A", "B", "C"): "part",
                 ("exclude", "met"): "not_applicable", ALL_URBAN_CLASSES: "urban", RULES: "rule"}


def _m(which: str, **values) -> Message:
    return Message(f"loader.{which}", **values)


def _w(which: str, **values) -> Message:
    """A place in the file ("tiêu chí 'A.I.4'" / "criterion 'A.I.4'")."""
    return Message(f"loader.w_{which}", **values)


def _sub(outer, inner) -> Message:
    """A place inside a place: "cấp xã, tiêu chí 'A.I.4'" / "level 'commune' criterion 'A.I.4'"."""
    return Message("loader.sub", outer=outer, inner=inner)


def _key(name: str) -> Message:
    return _w("key", name=name)


def _type_of(value) -> Message:
    name = type(value).__name__
    key = f"loader.type_{name}"
    return Message(key) if key in catalogue() else _m("type_other", name=name)


def _choices(choices) -> "Message | str":
    name = _CHOICE_NAMES.get(tuple(choices))
    return _m(f"choices_{name}") if name else ", ".join(map(str, choices))


class _Reader:
    """Collects problems while converting the YAML tree; raises them all at the end."""

    def __init__(self, file: str, catalog: Catalog | None):
        self.file = file
        self.catalog = catalog
        self.problems: list[Problem] = []

    # --- reporting -------------------------------------------------------------------
    def problem(self, message: Message, node=None, key=None) -> None:
        self.problems.append(Problem(message, file=self.file, line=line_of(node, key)))

    def mapping(self, node, what: Message, allowed: set[str], parent=None, key=None) -> dict:
        if not isinstance(node, dict):
            self.problem(_m("not_mapping", what=what, got=_type_of(node)), parent, key)
            return {}
        for k in node:
            if k not in allowed:
                guess = difflib.get_close_matches(str(k), sorted(allowed), n=1)
                listed = Bilingual(_t("loader.keys_see_readme", "vi"), ", ".join(sorted(allowed)))
                self.problem(_m("unknown_key", what=what, name=k, allowed=listed,
                                hint=_m("did_you_mean", guess=guess[0]) if guess else ""), node, k)
        return node

    def items(self, node, what: Message, parent=None, key=None) -> list:
        if node is None:
            return []
        if not isinstance(node, list):
            self.problem(_m("not_list", what=what), parent, key)
            return []
        return node

    # --- typed fields ----------------------------------------------------------------
    def field(self, value, node, key, what, field, **rule) -> bool:
        """Check ``value`` (of ``node[key]``) with the one rule for ``field`` (:mod:`emusim.validate`)."""
        msg = field_problem(field, value, **rule)
        if msg is not None:
            label = _m(f"key_{key}") if f"loader.key_{key}" in catalogue() else _m("key_other", name=key)
            self.problem(Message("loader.field_problem", what=what, name=label, problem=msg), node, key)
            return False
        return True

    def number(self, node, key, what, field, *, default=None, allow_none=True, **rule):
        """A finite number checked by the rule of ``field`` (``target``, ``max``, ``uplift`` …)."""
        value = node.get(key, default) if isinstance(node, dict) else default
        if value is None:
            if not allow_none:
                self.problem(Message("loader.required", what=what, name=key), node, key)
            return None
        if not self.field(value, node, key, what, field, **rule):
            return None
        return float(value)

    def unit_of(self, indicator) -> str | None:
        """The catalog unit of an indicator (the package catalog when none was given)."""
        return indicator_unit(indicator, self.catalog) if isinstance(indicator, str) else None

    def count(self, node, key, what, default=None, field="quota"):
        """A whole number in [0, 10⁹] (quotas, per-parent counts) or None."""
        value = node.get(key, default) if isinstance(node, dict) else default
        if value is None:
            return None
        if not self.field(value, node, key, what, field):
            return None
        return int(value)

    def choice(self, node, key, what, choices, default=None):
        value = node.get(key, default)
        if value is None:
            return default
        if value not in choices:
            self.problem(_m("not_one_of", what=what, name=key, choices=_choices(choices), value=repr(value)), node, key)
            return default
        return value

    def flag(self, node, key, what, default=False) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.problem(_m("not_bool", what=what, name=key, value=repr(value)), node, key)
            return default
        return value

    def text(self, node, key, default="") -> str:
        value = node.get(key, default)
        return "" if value is None else str(value)

    def date(self, node, key, what):
        value = node.get(key)
        if value is None or isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(Message("loader.bad_date", what=what, name=key, value=repr(value)), node, key)
            return None

    def source(self, node) -> Source:
        return Source(
            ref=str(node["ref"]) if node.get("ref") is not None else None,
            text=str(node["text"]) if node.get("text") is not None else None,
            assumption=str(node["assumption"]) if node.get("assumption") is not None else None,
            assumption_vi=str(node["assumption_vi"]) if node.get("assumption_vi") is not None else None,
        )

    def indicator(self, node, key, what) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        value = str(value)
        if self.catalog is not None and value not in self.catalog:
            self.problem(_m("not_in_catalog", what=what, value=value), node, key)
        return value


def load_plan(path: str | Path, catalog: Catalog | None = None, *, check_indicators: bool = True) -> Plan:
    """Load and validate one scenario file.

    ``path`` may be a file path or a bare plan id (``"ha_giang_186_2023"``), resolved in the
    package's ``scenarios/`` folder. Every problem is reported at once, with ``file:line``.
    """
    path = Path(path)
    if not path.suffix and not path.exists():
        path = SCENARIO_DIR / f"{path.name}.yaml"
    if catalog is None and check_indicators:
        catalog = load_catalog()
    doc = load_yaml(path)
    r = _Reader(str(path), catalog if check_indicators else None)
    if not isinstance(doc, dict):
        raise InputError([Problem(_m("file_not_mapping"), file=str(path), line=1)])
    r.mapping(doc, _w("top"), _TOP_KEYS)
    meta = r.mapping(doc.get("plan", LineDict()), _w("plan"), _PLAN_KEYS, doc, "plan")
    if "plan" not in doc:
        r.problem(_m("missing_plan"), doc)
    plan_id = str(meta.get("id") or path.stem)

    timeline = tuple(_timeline_entry(r, t) for t in r.items(doc.get("timeline"), _key("timeline"), doc, "timeline"))
    totals = tuple(_award_total(r, t) for t in r.items(doc.get("award_totals"), _key("award_totals"), doc, "award_totals"))

    levels_node = doc.get("levels")
    schemes: dict[str, Scheme] = {}
    if not isinstance(levels_node, dict) or not levels_node:
        r.problem(_m("bad_levels"), doc, "levels")
    else:
        for level, node in levels_node.items():
            schemes[str(level)] = _scheme(r, str(level), node, levels_node, plan_id)

    issued = r.date(meta, "issued", _w("plan")) if meta else None  # checked before the raise: never dropped
    if r.problems:
        raise InputError(r.problems)
    return Plan(
        id=plan_id,
        schemes=schemes,
        document=r.text(meta, "document"),
        title=r.text(meta, "title"),
        title_en=r.text(meta, "title_en"),
        province=r.text(meta, "province"),
        issued=issued,
        source_file=r.text(meta, "source"),
        registry=meta.get("registry"),
        evaluation_period=str(meta["evaluation_period"]) if meta.get("evaluation_period") else None,
        timeline=timeline,
        award_totals=totals,
        notes=str(doc.get("notes") or ""),
        file=str(path),
    )


# --- sections ----------------------------------------------------------------------------
def _timeline_entry(r: _Reader, node) -> TimelineEntry:
    node = r.mapping(node, _w("timeline_entry"), _TIMELINE_KEYS)
    what = _w("timeline", id=node.get("id"))
    return TimelineEntry(id=r.text(node, "id"), date=r.date(node, "date", what),
                         label=r.text(node, "label"), label_en=r.text(node, "label_en"),
                         inclusive=r.flag(node, "inclusive", what, default=True), source=r.source(node))


def _basis(r: _Reader, node, what) -> tuple[str, Source]:
    """``proportional_basis: attainment`` or ``{value: attainment, ref, text, assumption}``."""
    value = node.get("proportional_basis")
    if isinstance(value, dict):
        entry = r.mapping(value, _sub(what, _key("proportional_basis")), _BASIS_KEYS, node, "proportional_basis")
        return r.choice(entry, "value", _sub(what, _key("proportional_basis")), BASES, default="attainment"), r.source(entry)
    return r.choice(node, "proportional_basis", what, BASES, default="attainment"), Source()


def _standards_options(r: _Reader, node, what) -> bool:
    """``standards: {count_repeated: false}`` — a standard printed twice counts once (default)."""
    value = node.get("standards")
    if value is None:
        return False
    entry = r.mapping(value, _sub(what, _key("standards")), _STANDARDS_KEYS, node, "standards")
    return r.flag(entry, "count_repeated", _sub(what, _key("standards")), default=False) if entry else False


def _award_total(r: _Reader, node) -> AwardTotal:
    node = r.mapping(node, _w("total_entry"), _TOTAL_KEYS)
    what = _w("total", id=node.get("tier"))
    return AwardTotal(tier=r.text(node, "tier"), collectives=r.count(node, "collectives", what, field="collectives"),
                      individuals=r.count(node, "individuals", what, field="individuals"), source=r.source(node), line=line_of(node))


def _scheme(r: _Reader, level: str, node, parent, plan_id: str) -> Scheme:
    what = _w("level", name=level_label(level))
    node = r.mapping(node, what, _SCHEME_KEYS, parent, level)
    kind = r.choice(node, "kind", what, KINDS, default=None)
    if "kind" not in node:
        r.problem(_m("kind_required", what=what, kinds=_choices(KINDS)), node)
    unit_level = r.choice(node, "unit_level", what, UNIT_LEVELS, default=level if level in UNIT_LEVELS else "agency")

    uplift: dict[str, UpliftEntry] = {}
    up_node = node.get("uplift") or {}
    if not isinstance(up_node, dict):
        r.problem(_m("uplift_not_mapping", what=what), node, "uplift")
        up_node = {}
    for cls, entry in up_node.items():
        if cls not in ALL_URBAN_CLASSES:
            r.problem(_m("uplift_class", what=what, cls=cls, classes=_choices(ALL_URBAN_CLASSES)), up_node, cls)
            continue
        if isinstance(entry, (int, float)) and not isinstance(entry, bool):
            entry = LineDict(value=entry)
            entry.line, entry.key_lines = line_of(up_node, cls), {}
        entry = r.mapping(entry, _sub(what, _w("uplift", id=cls)), _UPLIFT_KEYS, up_node, cls)
        value = r.number(entry, "value", _sub(what, _w("uplift", id=cls)), "uplift", allow_none=False)
        uplift[cls] = UpliftEntry(cls, value or 0.0, r.source(entry), line_of(up_node, cls))

    groups = tuple(_group(r, g, what) for g in r.items(node.get("groups"), _sub(what, _key("groups")), node, "groups"))
    group_ids = {g.id for g in groups}
    criteria = []
    for c in r.items(node.get("criteria"), _sub(what, _key("criteria")), node, "criteria"):
        crit = _criterion(r, c, what, kind, group_ids)
        if crit is not None:
            criteria.append(crit)
    seen: set[str] = set()
    for c in criteria:
        if c.id in seen:
            r.problem(_m("criterion_twice", what=what, id=c.id), None)
        seen.add(c.id)
    gates = tuple(_gate(r, g, what) for g in r.items(node.get("gates"), _sub(what, _key("gates")), node, "gates"))

    awards = _awards(r, node.get("awards"), what, node)
    _unique_ids(r, what, "gate", gates)
    _unique_ids(r, what, "tier", awards.tiers)
    _unique_ids(r, what, "group", groups)
    tasks = tuple(_task(r, t, what) for t in r.items(node.get("tasks"), _sub(what, _key("tasks")), node, "tasks"))
    reporting = tuple(_reporting(r, e, what) for e in r.items(node.get("reporting"), _sub(what, _key("reporting")), node, "reporting"))
    targets = tuple(_target(r, t, what) for t in r.items(node.get("targets"), _sub(what, _key("targets")), node, "targets"))
    if kind == "tasks" and not tasks:
        r.problem(_m("needs_tasks", what=what), node)
    if kind in ("points", "standards") and not node.get("criteria"):
        r.problem(_m("needs_criteria", what=what, kind=kind), node)

    basis, basis_source = _basis(r, node, what)
    return Scheme(
        level=level,
        kind=kind or "points",
        unit_level=unit_level,
        label=r.text(node, "label"),
        label_en=r.text(node, "label_en"),
        source=r.source(node),
        proportional_basis=basis,
        proportional_basis_source=basis_source,
        deadline_scoring=r.flag(node, "deadline_scoring", what, default=True),
        count_repeated=_standards_options(r, node, what),
        tolerance=_or_default(r.number(node, "tolerance", what, "tolerance", default=1e-9), 1e-9),
        uplift=uplift,
        groups=groups if kind != "tasks" else (),
        base_max=r.number(node, "base_max", what, "base_max"),
        criteria=tuple(criteria),
        gates=tuple(g for g in gates if g.mode != GATE_OFF),
        gates_off=tuple(g for g in gates if g.mode == GATE_OFF),
        min_met=_min_met(r, node, what, kind, criteria),
        missing=r.choice(node, "missing", what, ("zero", "exclude", "previous", "median"), default=None),
        awards=awards,
        tasks=tasks,
        task_groups=groups if kind == "tasks" else (),
        reporting=reporting,
        targets=targets,
        plan_id=plan_id,
        file=r.file,
        line=line_of(parent, level),
    )


def _or_default(value, default):
    return default if value is None else value


def _unique_ids(r: _Reader, what: str, kind: str, items) -> None:
    """Two gates (tiers, groups) with one id: "gate failed: G1, G1", or three Chairman awards
    from two tiers with quotas 2 and 1 — an error, with both lines."""
    first: dict[str, int | None] = {}
    for item in items:
        if item.id in first:
            r.problems.append(Problem(Message("loader.duplicate_id", what=what, kind=Message(f"loader.kind_{kind}"),
                                              id=item.id, first=str(first[item.id] or "?")),
                                      file=r.file, line=item.line))
        else:
            first[item.id] = item.line


def _min_met(r: _Reader, node, what: str, kind, criteria) -> int | None:
    """``min_met``: how many standards a unit must meet (standards schemes only; more than
    their number leaves every unit ineligible: a lint finding)."""
    value = r.count(node, "min_met", what, field="min_met")
    if "min_met" in node and kind != "standards":
        r.problem(Message("loader.min_met_not_standards", what=what, kind=str(kind)), node, "min_met")
        return None
    return value


def _group(r: _Reader, node, what) -> Group:
    node = r.mapping(node, _sub(what, _w("group")), _GROUP_KEYS)
    gid = r.text(node, "id")
    if not gid:
        r.problem(_m("needs_id", what=what, item=_m("item_group")), node)
    gw = _sub(what, _w("group_id", id=gid))
    return Group(id=gid, label=r.text(node, "label"), label_en=r.text(node, "label_en"),
                 max=r.number(node, "max", gw, "group_max"),
                 part=r.choice(node, "part", gw, ("A", "B", "C"), default="A"),
                 source=r.source(node), line=line_of(node))


def _criterion(r: _Reader, node, what, kind, group_ids) -> Criterion | None:
    node = r.mapping(node, _sub(what, _w("criterion")), _CRIT_KEYS)
    if not node:
        return None
    cid = r.text(node, "id")
    cw = _sub(what, _w("criterion_id", id=cid))
    if not cid:
        r.problem(_m("needs_id", what=what, item=_m("item_criterion")), node)
    rule = node.get("rule")
    if rule not in RULES:
        r.problem(_m("unknown_rule", what=cw, rule=repr(rule), rules=_choices(RULES)), node, "rule" if "rule" in node else None)
        return None
    if kind == "standards" and rule != "standard":
        r.problem(_m("standards_rule", what=cw, rule=rule), node, "rule")
    if kind == "points" and rule == "standard":
        r.problem(_m("standard_in_points", what=cw), node, "rule")
    group = node.get("group")
    if group is not None and group_ids and str(group) not in group_ids:
        r.problem(_m("unknown_group", what=cw, group=group), node, "group")
    rule_name = _m(f"rule_{rule}") if rule in ("bonus", "deduction") else rule
    events = []
    ew = _sub(cw, _w("event"))
    for e in r.items(node.get("events"), _sub(cw, _w("events")), node, "events"):
        e = r.mapping(e, ew, _EVENT_KEYS)
        ind = r.indicator(e, "indicator", ew)
        pts = r.number(e, "points", ew, "event_points", allow_none=False)
        if ind and pts is not None:
            if rule == "deduction" and pts > 0:
                r.problem(_m("deduction_positive", what=cw, points=pts), e, "points")
            events.append(Event(ind, pts, r.text(e, "label"), r.text(e, "label_en")))
    indicator = r.indicator(node, "indicator", cw)
    if rule in ("bonus", "deduction"):
        if not events and indicator is None:
            r.problem(_m("needs_events", what=cw, rule_name=rule_name), node)
    elif indicator is None:
        r.problem(_m("required_for_rule", what=cw, name="indicator", rule=rule), node)
    mx = r.number(node, "max", cw, "max")
    if rule in ("proportional", "binary", "per_unit") and mx is None:
        r.problem(_m("required_for_rule", what=cw, name="max", rule=rule), node)
    points = r.number(node, "points", cw, "points")
    if rule == "binary" and points is None:
        points = mx
    unit = r.number(node, "unit", cw, "unit")
    if rule == "per_unit" and unit is None:
        r.problem(_m("unit_required", what=cw), node)
    target = r.number(node, "target", cw, "target", unit=r.unit_of(indicator), rule=rule)
    if rule == "standard" and target is None:
        r.problem(_m("target_required", what=cw), node)
    if node.get("deadline") is not None and rule in ("bonus", "deduction"):
        r.problem(_m("events_no_deadline", what=cw, rule_name=rule_name), node, "deadline")
    return Criterion(
        id=cid, rule=rule, group=str(group) if group is not None else None,
        label=r.text(node, "label"), label_en=r.text(node, "label_en"),
        indicator=indicator, max=mx, points=points, unit=unit,
        target=target if target is not None else (1.0 if rule == "proportional" else None),
        op=r.choice(node, "op", cw, OPS, default=">="),
        uplift=r.flag(node, "uplift", cw),
        basis=r.choice(node, "basis", cw, BASES, default=None),
        events=tuple(events), deadline=r.date(node, "deadline", cw),
        deadline_text=r.text(node, "deadline_text"), source=r.source(node), line=line_of(node),
        not_applicable=r.choice(node, "not_applicable", cw, ("exclude", "met"), default="exclude"),
    )


def _gate(r: _Reader, node, what) -> Gate:
    node = r.mapping(node, _sub(what, _w("gate")), _GATE_KEYS)
    gid = r.text(node, "id")
    gw = _sub(what, _w("gate_id", id=gid))
    indicator = r.indicator(node, "indicator", gw)
    if indicator is None:
        r.problem(Message("loader.required", what=gw, name="indicator"), node)
    return Gate(id=gid, indicator=indicator or "", op=r.choice(node, "op", gw, OPS, default=">="),
                target=_or_default(r.number(node, "target", gw, "target", default=1.0, unit=r.unit_of(indicator)), 0.0),
                uplift=r.flag(node, "uplift", gw), mode=r.choice(node, "mode", gw, GATE_MODES + (GATE_OFF,), default="hard"),
                label=r.text(node, "label"), label_en=r.text(node, "label_en"),
                source=r.source(node), line=line_of(node))


def _awards(r: _Reader, node, what, parent) -> Awards:
    if node is None:
        return Awards()
    node = r.mapping(node, _sub(what, _key("awards")), _AWARDS_KEYS, parent, "awards")
    tiers = []
    for t in r.items(node.get("tiers"), _sub(what, _w("award_tiers")), node, "tiers"):
        t = r.mapping(t, _sub(what, _w("tier")), _TIER_KEYS)
        tid = r.text(t, "id")
        tw = _sub(what, _w("tier_id", id=tid))
        tiers.append(Tier(id=tid, label=r.text(t, "label"), label_en=r.text(t, "label_en"),
                          quota=r.count(t, "quota", tw), quota_individuals=r.count(t, "quota_individuals", tw, field="quota_individuals"),
                          pool=t.get("pool"), allocate=r.flag(t, "allocate", tw, default=True),
                          level_scope=t.get("level_scope"), source=r.source(t), line=line_of(t)))
    nomination = None
    if node.get("nomination") is not None:
        nw = _sub(what, _w("nomination"))
        n = r.mapping(node["nomination"], nw, _NOM_KEYS, node, "nomination")
        xw = _sub(nw, _w("extra"))
        extra = r.mapping(n.get("extra") or {}, xw, _EXTRA_KEYS, n, "extra")
        parent_level = r.choice(n, "parent_level", nw, UNIT_LEVELS, default="district")
        nomination = Nomination(
            parent_level=parent_level,
            per_parent=r.count(n, "per_parent", nw, default=1, field="per_parent") or 0,
            group=r.choice(n, "group", nw, NOMINATION_GROUPS, default="parent"),
            individuals_per_parent=r.count(n, "individuals_per_parent", nw, field="individuals_per_parent"),
            extra_per_parent=(r.count(extra, "per_parent", xw, default=0, field="extra_per_parent") or 0)
            if extra else 0,
            extra_min_children=r.count(extra, "min_children", xw, field="extra_min_children")
            if extra else None,
            extra_source=r.source(extra) if extra else Source(),
            source=r.source(n), line=line_of(n),
        )
    return Awards(tiers=tuple(tiers), nomination=nomination, ranking=node.get("ranking"))


def _deadline(r: _Reader, node, what):
    value = node.get("deadline")
    if value is None or isinstance(value, _dt.date):
        return value
    if value == "recurring":
        return "recurring"
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        r.problem(_m("bad_deadline", what=what, value=repr(value)), node, "deadline")
        return None


def _names(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _task(r: _Reader, node, what) -> Task:
    node = r.mapping(node, _sub(what, _w("task")), _TASK_KEYS)
    tid = r.text(node, "id")
    tw = _sub(what, _w("task_id", id=tid))
    return Task(id=tid, group=str(node["group"]) if node.get("group") is not None else None,
                label=r.text(node, "label"), label_en=r.text(node, "label_en"),
                lead=_names(node.get("lead")), partners=_names(node.get("partners")),
                result=r.text(node, "result"), deadline=_deadline(r, node, tw),
                deadline_text=r.text(node, "deadline_text"), maintain=r.flag(node, "maintain", tw),
                source=r.source(node), line=line_of(node))


def _reporting(r: _Reader, node, what) -> ReportingEntry:
    node = r.mapping(node, _sub(what, _w("reporting_entry")), _REPORT_KEYS)
    ew = _sub(what, _w("reporting_id", id=node.get("id")))
    day = lambda k: (int(node[k]) if isinstance(node.get(k), int) else None)  # noqa: E731
    return ReportingEntry(id=r.text(node, "id"), day=day("day"), window_start_day=day("window_start_day"),
                          window_end_day=day("window_end_day"), date=r.date(node, "date", ew),
                          inclusive=r.flag(node, "inclusive", ew, default=True),
                          label=r.text(node, "label"), label_en=r.text(node, "label_en"), source=r.source(node))


def _target(r: _Reader, node, what) -> Target:
    node = r.mapping(node, _sub(what, _w("target")), _TARGET_KEYS)
    tw = _sub(what, _w("target_id", id=node.get("id")))
    return Target(id=r.text(node, "id"), indicator=r.indicator(node, "indicator", tw),
                  op=r.choice(node, "op", tw, OPS, default=">="), target=r.number(node, "target", tw, "target", unit=r.unit_of(node.get("indicator"))),
                  deadline=r.date(node, "deadline", tw), label=r.text(node, "label"),
                  label_en=r.text(node, "label_en"), source=r.source(node))


def scheme_from_dict(doc: dict[str, Any], level: str = "test", catalog: Catalog | None = None,
                     plan_id: str = "inline") -> Scheme:
    """Build a scheme from a plain dict (tests, notebooks): same validation as files."""
    r = _Reader("<dict>", catalog)
    scheme = _scheme(r, level, doc, {level: doc}, plan_id)
    if r.problems:
        raise InputError(r.problems)
    return scheme
