"""Reforms as data: ``scheme.adjust({path: value, ...})`` (DESIGN §3.6).

Like PolicyEngine's ``Reform.from_dict`` and ParamTools' ``adjust``: every path and value is
validated before anything changes — numbers by the one rule set of :mod:`emusim.validate`, as
the loader and Monte Carlo factors check them (no NaN, no infinity, targets in their unit's
range); bad ones raise one :class:`~emusim.errors.AdjustError`
listing each problem with the parameter's label; good ones give a *new* scheme.

Paths (ids may contain dots; the last component is the field):

=====================================  ===========================================
``uplift.<class>``                      additive uplift in [0, 1] (city, district_town, town, rural)
``criteria.<id>.target``                by the indicator's unit: ratio, yes/no in [0, 1]; count ≥ 0
``criteria.<id>.max|points|unit``       non-negative number
``criteria.<id>.op``                    ``>``, ``>=``, ``<``, ``<=``, ``==``
``criteria.<id>.uplift``                true/false
``criteria.<id>.basis``                 attainment, rate, threshold
``groups.<id>.max``                     new group maximum; its criteria are rescaled in proportion
``gates.<id>.mode|target|op|uplift``    hard/soft, number, operator, true/false
``awards.<tier>.quota``                 non-negative integer or None (no cap)
``awards.<tier>.quota_individuals``     non-negative integer or None
``awards.nomination.per_parent``        non-negative integer (also extra_per_parent, extra_min_children)
``awards.nomination.group``             parent, cluster, former_district or province (emusim.clusters)
``proportional_basis``                  attainment, rate, threshold
``min_met``                             standards schemes only: whole number or None
``tolerance``                           number in [0, 1]
``deadline_scoring``                    true/false: dated rows scored at their deadline (:mod:`emusim.deadlines`)
``standards.count_repeated``            true/false: a standard printed twice counts twice (:mod:`emusim.repeats`)
``missing``                             zero, exclude, previous, median (:mod:`emusim.missing`)
=====================================  ===========================================

>>> from emusim.loader import scheme_from_dict
>>> s = scheme_from_dict({"kind": "points", "uplift": {"city": {"value": 0.15, "assumption": "x"}},
...     "criteria": [{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 10, "target": 0.7}]})
>>> s.adjust({"uplift.city": 0.2, "criteria.A.1.target": 0.8}).criterion("A.1").target
0.8
>>> s.criterion("A.1").target   # the original is untouched
0.7
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

import difflib
import numbers

from .errors import AdjustError, Bilingual, Problem
from .i18n import Message
from .validate import field_problem, indicator_unit
from .yamlio import load_scalar
from .model import (ALL_URBAN_CLASSES, BASES, GATE_MODES, GATE_OFF, NOMINATION_GROUPS, OPS, URBAN_CLASSES, Awards, Scheme,
                    Source, UpliftEntry, _short, labelled)

_CRIT_FIELDS = {"target", "max", "points", "unit", "op", "uplift", "basis"}
_GATE_FIELDS = {"mode", "target", "op", "uplift"}
_TIER_FIELDS = {"quota", "quota_individuals", "allocate"}
#: scheme-wide paths → Scheme field
_TOP_PATHS = {"proportional_basis": "proportional_basis", "min_met": "min_met", "tolerance": "tolerance",
              "deadline_scoring": "deadline_scoring", "standards.count_repeated": "count_repeated",
              "missing": "missing"}
_NOM_FIELDS = {"per_parent", "extra_per_parent", "extra_min_children", "individuals_per_parent", "group"}


#: adjust path field → the rule of :mod:`emusim.validate` it is checked with
_RULE_OF = {"target": "target", "max": "max", "points": "points", "unit": "unit", "uplift_value": "uplift",
            "tolerance": "tolerance", "group_max": "group_max", "quota": "quota",
            "quota_individuals": "quota_individuals", "min_met": "min_met",
            "extra_min_children": "extra_min_children", "per_parent": "per_parent",
            "extra_per_parent": "extra_per_parent", "individuals_per_parent": "individuals_per_parent"}


def _check_value(field: str, value, obj=None, scheme: Scheme | None = None):
    """The problem with a value of ``field`` (a :class:`~emusim.i18n.Message` or text), or None.

    Numbers go through the one rule set of :mod:`emusim.validate` (the loader's and the
    Monte Carlo factors' too); a target is checked by its indicator's catalog unit.
    """
    if field in _RULE_OF:
        rule = {}
        if field == "target" and obj is not None:
            rule = {"unit": indicator_unit(getattr(obj, "indicator", None)), "rule": getattr(obj, "rule", None)}
        return field_problem(_RULE_OF[field], value, **rule)
    if field in ("uplift", "allocate", "deadline_scoring", "standards.count_repeated"):
        if not isinstance(value, bool):
            return Message("adjust.not_bool", value=repr(value))
        return None
    choices = _CHOICES_OF.get(field)
    if choices is not None:
        allowed, name = choices()
        if value not in allowed:
            return Message("adjust.not_one_of", choices=Message(f"loader.choices_{name}"), value=repr(value))
    return None


def _policies():
    from .missing import POLICIES

    return POLICIES, "missing"


#: fields with a fixed set of values → (the values, their catalogue list ``loader.choices_<name>``)
_CHOICES_OF = {"op": lambda: (OPS, "op"), "basis": lambda: (BASES, "basis"),
               "proportional_basis": lambda: (BASES, "basis"), "group": lambda: (NOMINATION_GROUPS, "nomination_group"),
               "missing": _policies, "mode": lambda: (GATE_MODES + (GATE_OFF,), "mode")}


def _check_min_met(scheme: Scheme, value):
    """``min_met`` belongs to standards schemes (a points scheme would silently ignore it)."""
    if scheme.kind != "standards":
        return Message("adjust.min_met_not_standards", scheme=scheme.name, kind=scheme.kind)
    return _check_value("min_met", value)


def _named(obj) -> "Bilingual | str":
    """" (its label)" after an id, the label in the reader's language."""
    vi, en = getattr(obj, "label", "") or "", getattr(obj, "label_en", "") or ""
    if not (vi or en):
        return ""
    return Bilingual(f" ({_short(vi or en, 60)})", f" ({en or vi})")


class _PathLabel(Message):
    """The readable name of an adjust path (:func:`emusim.i18n.paths.path_label`), in the reader's language."""

    __slots__ = ("path", "scheme")

    def __init__(self, path: str, scheme: Scheme):
        super().__init__("adjust.labelled")
        self.path, self.scheme = path, scheme

    def text(self, lang: str | None = None) -> str:
        from .i18n.paths import path_label

        return path_label(self.path, self.scheme, lang)


def _split(path: str, prefix: str) -> tuple[str, str]:
    rest = path[len(prefix) + 1:]
    ident, _, field = rest.rpartition(".")
    return ident, field


def _collections(scheme: Scheme) -> dict[str, tuple[str, dict, set[str]]]:
    """Path prefix → (what it is called, objects by id, adjustable fields)."""
    return {
        "criteria": (Message("adjust.what_criterion"), {c.id: c for c in scheme.criteria}, _CRIT_FIELDS),
        "groups": (Message("adjust.what_group"), {g.id: g for g in scheme.groups}, {"max"}),
        "gates": (Message("adjust.what_gate"), {g.id: g for g in scheme.gates + scheme.gates_off}, _GATE_FIELDS),
        "awards": (Message("adjust.what_tier"), {t.id: t for t in scheme.awards.tiers}, _TIER_FIELDS),
    }


def _check_item(scheme: Scheme, path: str, value, collections) -> Message | None:
    """The problem with one ``<collection>.<id>.<field>`` change, or None."""
    prefix = path.split(".", 1)[0]
    what, objects, fields = collections[prefix]
    ident, field = _split(path, prefix)
    obj = objects.get(ident)
    if obj is None:
        known = labelled(objects.values()) if prefix == "awards" else labelled(objects)
        return Message("adjust.no_item", what=what, id=ident, scheme=scheme.name, prefix=prefix, known=known)
    if field not in fields:
        return Message("adjust.no_field", what=what, id=ident, named=_named(obj), field=field,
                       fields=Message(f"adjust.fields_{prefix}"))
    msg = _check_value("group_max" if prefix == "groups" else field, value, obj)
    if msg:
        return Message("adjust.item_problem", what=what, id=ident, named=_named(obj), problem=msg)
    if prefix == "groups" and not obj.max:
        return Message("adjust.no_max", id=ident)
    return None


def _hint(path: str, scheme: Scheme) -> "Message | str":
    guess = difflib.get_close_matches(path, list(parameters(scheme)), n=1, cutoff=0.75)
    return Message("adjust.did_you_mean", guess=guess[0]) if guess else ""


def validate(scheme: Scheme, changes: Mapping[str, Any]) -> list[Problem]:
    """Every problem with ``changes`` for ``scheme`` (empty when all are valid)."""
    problems: list[Problem] = []
    collections = _collections(scheme)
    for path, value in changes.items():
        msg = None
        if not isinstance(path, str):
            msg, path = Message("adjust.path_not_text"), str(path)
        elif path == "min_met":
            msg = _check_min_met(scheme, value)
        elif path in _TOP_PATHS:
            msg = _labelled(path, scheme, _check_value(path, value))
        elif path.startswith("uplift."):
            cls = path.split(".", 1)[1]
            msg = (Message("adjust.unknown_class", cls=cls, classes=Message("loader.choices_urban"), hint=_hint(path, scheme))
                   if cls not in ALL_URBAN_CLASSES else _labelled(path, scheme, _check_value("uplift_value", value)))
        elif path.startswith("awards.nomination."):
            field = path.rsplit(".", 1)[1]
            if scheme.awards.nomination is None:
                msg = Message("adjust.no_nomination", scheme=scheme.name)
            elif field not in _NOM_FIELDS:
                msg = Message("adjust.no_nomination_field", field=field, fields=Message("adjust.fields_nomination"))
            else:
                msg = _check_value(field, value)
        elif path.split(".", 1)[0] in collections and "." in path:
            msg = _check_item(scheme, path, value, collections)
        else:
            msg = Message("adjust.unknown_path", hint=_hint(path, scheme))
        if msg:
            problems.append(Problem(msg, path=path, file=scheme.file))
    return problems


def _labelled(path: str, scheme: Scheme, problem):
    """A value problem of a scheme-wide path, after the plan's wording of the path."""
    return Message("adjust.labelled", label=_PathLabel(path, scheme), problem=problem) if problem else None


def adjust_scheme(scheme: Scheme, changes: Mapping[str, Any]) -> Scheme:
    """Validate every change, then apply them all to a copy of ``scheme``."""
    problems = validate(scheme, changes)
    if problems:
        raise AdjustError(problems)
    if not changes:
        return scheme
    # group rescaling first, so explicit criterion changes in the same dict win
    ordered = sorted(changes.items(), key=lambda kv: 0 if kv[0].startswith("groups.") else 1)
    criteria = {c.id: c for c in scheme.criteria}
    gates = {g.id: g for g in scheme.gates + scheme.gates_off}  # a gate switched off/on changes side
    groups = {g.id: g for g in scheme.groups}
    tiers = {t.id: t for t in scheme.awards.tiers}
    nomination = scheme.awards.nomination
    uplift = dict(scheme.uplift)
    top: dict[str, Any] = {}
    for path, value in ordered:
        if path in _TOP_PATHS:
            top[_TOP_PATHS[path]] = float(value) if path == "tolerance" else _plain(value)
        elif path.startswith("uplift."):
            cls = path.split(".", 1)[1]
            old = uplift.get(cls)
            uplift[cls] = UpliftEntry(cls, float(value), old.source if old else Source(assumption="set by adjust"))
        elif path.startswith("criteria."):
            cid, field = _split(path, "criteria")
            v = float(value) if field in ("target", "max", "points", "unit") else value
            criteria[cid] = replace(criteria[cid], **{field: v})
        elif path.startswith("groups."):
            gid, _ = _split(path, "groups")
            old_max = groups[gid].max
            factor = float(value) / old_max
            groups[gid] = replace(groups[gid], max=float(value))
            for cid, c in criteria.items():
                if c.group == gid:
                    criteria[cid] = replace(
                        c,
                        max=None if c.max is None else c.max * factor,
                        points=None if c.points is None else c.points * factor,
                        unit=None if c.unit is None else c.unit * factor,
                    )
        elif path.startswith("gates."):
            gid, field = _split(path, "gates")
            v = float(value) if field == "target" else value
            gates[gid] = replace(gates[gid], **{field: v})
        elif path.startswith("awards.nomination."):
            field = path.rsplit(".", 1)[1]
            nomination = replace(nomination, **{field: _plain(value)})
        elif path.startswith("awards."):
            tid, field = _split(path, "awards")
            tiers[tid] = replace(tiers[tid], **{field: _plain(value)})
    new_groups = tuple(groups[g.id] for g in scheme.groups)
    base_max = scheme.base_max
    if any(p.startswith("groups.") for p in changes) and base_max is not None:
        base_max = sum(g.max or 0.0 for g in new_groups if g.part == "A")
    return replace(
        scheme,
        criteria=tuple(criteria[c.id] for c in scheme.criteria),
        gates=tuple(g for g in gates.values() if g.mode != GATE_OFF),
        gates_off=tuple(g for g in gates.values() if g.mode == GATE_OFF),
        groups=new_groups,
        base_max=base_max,
        uplift=uplift,
        awards=Awards(tiers=tuple(tiers[t.id] for t in scheme.awards.tiers), nomination=nomination,
                      ranking=scheme.awards.ranking),
        changes=scheme.changes + tuple(changes.items()),
        **top,
    )


def _plain(value):
    """numpy's whole numbers as Python ints (a quota drawn by Monte Carlo is a ``numpy.int64``)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return value


def parameters(scheme: Scheme) -> dict[str, Any]:
    """Every adjustable path of ``scheme`` with its current value.

    The same paths drive widgets, ``--set`` on the command line and Monte Carlo factors.
    """
    out: dict[str, Any] = {"proportional_basis": scheme.proportional_basis,
                           "missing": scheme.missing or "zero"}
    if scheme.kind == "standards":
        out["min_met"] = scheme.min_met
    if any(c.deadline is not None for c in scheme.criteria):
        out["deadline_scoring"] = scheme.deadline_scoring
    if scheme.kind == "standards":
        from .repeats import repeated_standards

        if repeated_standards(scheme):
            out["standards.count_repeated"] = scheme.count_repeated
    for cls in URBAN_CLASSES + tuple(c for c in ALL_URBAN_CLASSES if c in scheme.uplift and c not in URBAN_CLASSES):
        out[f"uplift.{cls}"] = scheme.uplift_value(cls)
    for g in scheme.groups:
        if g.max and g.part == "A":
            out[f"groups.{g.id}.max"] = g.max
    for c in scheme.criteria:
        if c.has_target:
            out[f"criteria.{c.id}.target"] = c.target
        if c.max is not None:
            out[f"criteria.{c.id}.max"] = c.max
    for g in scheme.gates:
        out[f"gates.{g.id}.target"] = g.target
        out[f"gates.{g.id}.mode"] = g.mode
    for g in scheme.gates_off:  # kept as an option (mode off): same paths, so a switch keeps them
        out[f"gates.{g.id}.target"] = g.target
        out[f"gates.{g.id}.mode"] = g.mode
    for t in scheme.awards.allocated_tiers:
        out[f"awards.{t.id}.quota"] = t.quota
    if scheme.awards.nomination is not None:
        out["awards.nomination.per_parent"] = scheme.awards.nomination.per_parent
        out["awards.nomination.group"] = scheme.awards.nomination.group
    return out


def parse_set(option: str) -> tuple[str, Any]:
    """Parse a command-line ``--set PATH=VALUE`` (values as YAML scalars).

    >>> parse_set("uplift.city=0.2")
    ('uplift.city', 0.2)
    >>> parse_set("awards.chairman.quota=null")
    ('awards.chairman.quota', None)
    >>> parse_set("gates.G1.mode=soft")
    ('gates.G1.mode', 'soft')
    """
    path, sep, raw = option.partition("=")
    if not sep or not path.strip():
        raise AdjustError([Problem(Message("adjust.bad_set", option=repr(option)))])
    raw = raw.strip()
    if raw.endswith("%"):
        try:
            return path.strip(), float(raw[:-1].replace(",", ".")) / 100.0
        except ValueError:
            pass
    return path.strip(), (load_scalar(raw) if raw else None)
