"""Map columns to indicators (stage 3b of the reading flow), never by guessing.

A header (or, in a long file, an indicator cell) names an indicator when, after
:func:`~emusim.observations.header.key` normalisation (case, spacing, diacritics), it is

1. an indicator id of the catalog (``eid_activation_rate``), or ends with one in brackets
   (``Tỷ lệ kích hoạt (%) [eid_activation_rate]``, how :func:`emusim.write_template` writes headers);
2. a criterion id of the scheme (``A.IV.2``), alone or opening the header ("A.IV.2. Thu nhận…"),
   when that criterion reads one indicator;
3. the Vietnamese or English label of a catalog indicator, of a scheme criterion or gate, or of
   a bonus/deduction event.

A trailing unit in brackets ("(%)", "(số lượng)", "(có/không)") is set aside first; "(%)"
or "Tỷ lệ (%)" says the column holds percentages. A name that leads to two indicators is an
error listing both; a header that names nothing is listed in the report as unmapped.
Self-score columns ("Tự chấm điểm A.IV.2", "Điểm tự chấm …") are recognised as such.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .header import key

__all__ = ["ColumnMapper", "Mapped"]

_ID_IN_BRACKETS = re.compile(r"\[([A-Za-z0-9_.]+)\]\s*$")
_TRAILING_UNIT = re.compile(r"\(([^()]*)\)\s*$")
_SELF = re.compile(r"^\s*(t[uự]\s*ch[aấ]m(\s*đi[eể]m)?|đi[eể]m\s*t[uự]\s*ch[aấ]m|self[\s_-]*score)\s*[:.\-]?\s*",
                   re.IGNORECASE)



@dataclass(frozen=True)
class Mapped:
    """How one header was read."""

    indicator: str | None      # the indicator id, or None
    how: str                   # id | bracket_id | criterion | label | self_score | ambiguous | unmapped
    percent: bool = False      # the header says "(%)"
    criterion: str | None = None  # for self-score columns: the criterion id
    candidates: tuple[str, ...] = ()


class ColumnMapper:
    """Header text → indicator id, from the catalog and (optionally) a scheme's labels."""

    def __init__(self, catalog, scheme=None):
        self.catalog = catalog
        self.scheme = scheme
        self.by_label: dict[str, set[str]] = {}
        self.by_criterion: dict[str, str | None] = {}
        self.ids = {i.id.casefold(): i.id for i in catalog}
        for ind in catalog:
            self._add(ind.label, ind.id)
            self._add(ind.label_en, ind.id)
        if scheme is not None:
            for c in scheme.criteria:
                inds = c.indicators
                self.by_criterion[c.id.casefold()] = inds[0] if len(set(inds)) == 1 else None
                if len(set(inds)) == 1:
                    self._add(c.label, inds[0])
                    self._add(c.label_en, inds[0])
                for e in c.events:
                    self._add(e.label, e.indicator)
                    self._add(e.label_en, e.indicator)
            for g in scheme.gates:
                self._add(g.label, g.indicator)
                self._add(g.label_en, g.indicator)

    def _add(self, label, indicator) -> None:
        for k in {key(label or ""), key(_strip_unit(label or "")[0])}:
            if k and k != key(indicator):
                self.by_label.setdefault(k, set()).add(indicator)

    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.scheme.criteria] if self.scheme is not None else []

    def map(self, header) -> Mapped:
        text = re.sub(r"\s+", " ", str(header if header is not None else "")).strip()
        if not text:
            return Mapped(None, "unmapped")
        m = _SELF.match(text)
        if m:
            rest = text[m.end():].strip()
            crit = self._criterion_in(rest)
            return Mapped(None, "self_score", criterion=crit)
        m = _ID_IN_BRACKETS.search(text)
        if m:
            inner = m.group(1)
            if inner.casefold() in self.ids:
                return Mapped(self.ids[inner.casefold()], "bracket_id", percent="%" in text)
            if inner.casefold() in self.by_criterion and self.by_criterion[inner.casefold()]:
                return Mapped(self.by_criterion[inner.casefold()], "criterion", percent="%" in text)
        body, unit = _strip_unit(text)
        percent = "%" in (unit or "") or bool(re.search(r"\(\s*%\s*\)", text))
        low = body.casefold().replace(" ", "_")
        if low in self.ids:
            return Mapped(self.ids[low], "id", percent)
        crit = self._criterion_in(body)
        if crit is not None:
            ind = self.by_criterion.get(crit.casefold())
            if ind:
                return Mapped(ind, "criterion", percent, criterion=crit)
        found = (self.by_label.get(key(body)) or self.by_label.get(key(text))
                 or self.by_label.get(key(_strip_unit(body)[0])))
        if found:
            if len(found) == 1:
                return Mapped(next(iter(found)), "label", percent)
            return Mapped(None, "ambiguous", percent, candidates=tuple(sorted(found)))
        if crit is not None:  # "A.IV.2 …" with the rest not a known label and the criterion has several indicators
            return Mapped(None, "unmapped", percent, criterion=crit)
        return Mapped(None, "unmapped", percent)

    def _criterion_in(self, text: str) -> str | None:
        if self.scheme is None:
            return None
        t = text.strip()
        known = {c.casefold(): c for c in self.criterion_ids()}
        if t.casefold().rstrip(".") in known:
            return known[t.casefold().rstrip(".")]
        first = re.split(r"[\s:)\-–]+", t, maxsplit=1)[0].rstrip(".")
        return known.get(first.casefold())


def _strip_unit(text: str) -> tuple[str, str | None]:
    """'Tỷ lệ kích hoạt (%)' → ('Tỷ lệ kích hoạt', '%'); the unit part kept apart."""
    m = _TRAILING_UNIT.search(text)
    if m:
        return text[:m.start()].strip(), m.group(1)
    return text, None


def looks_like_id(header) -> bool:
    """A header written like an indicator id (snake_case), so an unknown one is an error.

    >>> looks_like_id("electronic_document_rate"), looks_like_id("Ghi chú khác")
    (True, False)
    """
    return bool(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+", str(header).strip()))
