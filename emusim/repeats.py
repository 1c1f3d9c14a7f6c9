"""Standards the plan prints twice (issue 10): count them once.

Lào Cai's agency standards a.3 and a.4 are the same sentence — "Trên 90% báo cáo định kỳ
(không bao gồm nội dung mật) được gửi, nhận qua hệ thống thông tin báo cáo của tỉnh, kết nối
với hệ thống báo cáo quốc gia" — printed twice (only the capital H of "Hệ thống" differs).
Counted twice, the one standard would weigh double in ``n_met`` and in the margin tie-break.
By default (``standards.count_repeated: false``) a standard that repeats an earlier one —
same indicator and the same words of the plan (``text``, else ``label``), compared case- and
space-insensitively — is shown (``met.a.4``) but not counted; ``standards.count_repeated:
true`` counts every copy. A standard with no words is never taken for a repeat. Targets and
operators are not compared: the words carry them ("Trên 90%"), and adjusting one copy's target
does not make it a different requirement of the plan.
The linter reports the repetition either way (``duplicate-standard``).

>>> from emusim.loader import scheme_from_dict
>>> row = {"rule": "standard", "indicator": "r", "op": ">", "target": 0.9, "text": "Trên 90% báo cáo", "ref": "a"}
>>> s = scheme_from_dict({"kind": "standards", "criteria": [{"id": "a.3", **row},
...     {"id": "a.4", **row, "text": "TRÊN 90%  báo cáo"}, {"id": "a.5", **row, "text": "Tối thiểu 60%"}]})
>>> repeated_standards(s)
{'a.4': 'a.3'}
>>> sorted(counted_standards(s)), sorted(counted_standards(s.adjust({"standards.count_repeated": True})))
(['a.3', 'a.5'], ['a.3', 'a.4', 'a.5'])
"""
from __future__ import annotations

import re

from .model import Criterion, Scheme

__all__ = ["standard_key", "repeated_standards", "counted_standards"]


def standard_key(c: Criterion) -> tuple | None:
    """What makes two standards the same: the indicator, the plan's words and the deadline the
    value is read at (a dated copy reads another month's value; None: no words)."""
    words = re.sub(r"\s+", " ", (c.source.text or c.label or "").strip().lower())
    return (c.indicator, words, c.deadline) if words else None


def repeated_standards(scheme: Scheme) -> dict[str, str]:
    """Standard id → the id of the earlier standard it repeats."""
    seen: dict[tuple, str] = {}
    out: dict[str, str] = {}
    for c in scheme.criteria:
        key = standard_key(c)
        if key is None:
            continue
        if key in seen:
            out[c.id] = seen[key]
        else:
            seen[key] = c.id
    return out


def counted_standards(scheme: Scheme) -> set[str]:
    """The ids that count in ``n_met`` and the margin (every id when ``count_repeated``)."""
    ids = {c.id for c in scheme.criteria}
    if scheme.count_repeated:
        return ids
    return ids - set(repeated_standards(scheme))
