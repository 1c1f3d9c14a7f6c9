"""The text of :func:`~.improve.min_improvement` for people: what a unit needs, why nothing
would do, in the reader's language (issue 14)."""
from __future__ import annotations

from typing import Any, Mapping

from ..allocate import reason_text
from ..i18n import Message, check_lang, t
from ..model import Scheme
from .labels import IndicatorLabel, indicator_label, joined

def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _join(parts: list[str], lang: str) -> str:
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + t("improve.and", lang) + parts[-1]


_KEEP_CASE = ("Project", "Decision", "VNeID", "Đề", "CCCD")


def _lower_first(s: str) -> str:
    """Lower-case a label's first letter unless it starts with a name or an acronym."""
    first = s.split(" ", 1)[0] if s else ""
    if not s or first.startswith(_KEEP_CASE) or (len(first) > 1 and first[:2].isupper()):
        return s
    return s[:1].lower() + s[1:]


def _pp(delta: float) -> str:
    """A ratio change in percentage points: '+6', '+0.1', '−2.5'."""
    pp = round(delta * 100, 1)
    txt = f"{abs(pp):.1f}".rstrip("0").rstrip(".")
    return ("+" if pp >= 0 else "−") + txt


_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _describe_change(ch: Mapping[str, Any], lang: str) -> str:
    unit, delta, label = ch["unit"], ch["delta"], ch["label_vi" if lang == "vi" else "label_en"]
    label = _lower_first(label)
    if unit == "ratio":
        txt = _pp(delta)
        if lang == "vi":
            txt = txt.replace(".", ",")
        return t("improve.change_ratio", lang, delta=txt, label=label)
    if unit == "bool":
        return t("improve.change_done" if delta > 0 else "improve.change_drop", lang, label=label)
    n = int(round(abs(delta))) if abs(delta - round(delta)) < 1e-9 else abs(delta)
    word = (_NUMBER_WORDS.get(n, str(n)) if isinstance(n, int) else f"{n:g}") if lang == "en" else n
    return t("improve.change_more" if delta > 0 else "improve.change_fewer", lang, n=word, label=label)


def _why_infeasible(scheme: Scheme, row, cur, bounds, units, ref, margin, frozen=()) -> Message:
    """Why the program has no solution: an impossible gate or standard, or not enough reachable points."""
    from .bounds import op_bound as _op_bound

    tol = scheme.tolerance
    bad = []
    checks = [(g.id, g.indicator, g.op, float(row[f"gate_target.{g.id}"])) for g in scheme.gates if g.mode == "hard"]
    if scheme.kind == "standards" and scheme.min_met is None:
        checks += [(c.id, c.indicator, c.op, float(row[f"target.{c.id}"])) for c in scheme.criteria]
    for gid, ind, op, target in checks:
        lo, hi = _op_bound(op, target, tol, margin, units[ind] in ("bool", "count"))
        blo, bhi = bounds[ind]
        if max(lo, blo) > min(hi, bhi) + 1e-12:
            bad.append(Message("improve.bound_impossible", id=gid, indicator=IndicatorLabel(ind), op=op, target=float(target),
                               low=float(blo), high=float(bhi)))
    if bad:
        return _Joined(bad)
    note = Message("improve.frozen_note", items=joined(sorted(frozen), lambda i, lg: indicator_label(i, None, lg, 40))) \
        if frozen else ""
    if ref is not None and scheme.kind == "points":
        return Message("improve.cut_off_total", total=round(float(ref["total"]), 2), ref=ref.get("name", ref.name),
                       note=note)
    if ref is not None:
        return Message("improve.cannot_beat", ref=ref.get("name", ref.name))
    return Message("improve.no_solution")


class _Joined(Message):
    """Several messages read as one ("…; …")."""

    def __init__(self, parts: list[Message]):
        super().__init__("improve.no_solution")
        self.parts = parts

    def text(self, lang: str | None = None) -> str:
        return "; ".join(p.text(lang) for p in self.parts)


class _Reason(Message):
    """An allocation reason rendered in the language of the message holding it."""

    def __init__(self, code, params, scheme):
        super().__init__("improve.no_solution", code=code)
        self.code, self.params, self.scheme = code, params, scheme

    def text(self, lang: str | None = None) -> str:
        return reason_text(self.code, self.params, self.scheme, check_lang(lang))


class _TierName(Message):
    def __init__(self, tier):
        super().__init__("improve.no_solution", tier=tier.id)
        self.tier = tier

    def text(self, lang: str | None = None) -> str:
        return _tier(self.tier, check_lang(lang))


def _tier(tier, lang: str) -> str:
    """A tier's name as the plan writes it (never the bare id when a label exists)."""
    return ((tier.label_en or tier.label) if lang == "en" else (tier.label or tier.label_en)) or tier.id


def _level_word(level: str):
    from ..i18n import catalogue

    return Message(f"improve.level_{level}") if f"improve.level_{level}" in catalogue() else level


def _parent_name(registry, parent) -> str:
    if registry is not None and "name" in registry and parent in registry.index:
        return f"{registry.at[parent, 'name']} ({parent})"
    return str(parent)
