"""The plans' judgment calls as data: each reading cited, chosen, adjustable — and what it changes.

Where the plan's words allow two readings that can change who wins, the scenario file encodes
one (the default) and this module records the call: the plan's words and reference, the
reading chosen, the alternative as a ``Scheme.adjust`` dict, and why. The texts (chosen,
alternative, why) are in the message catalogue (``emusim/i18n/messages/readings.yaml``), so
they read in Vietnamese or English.

:func:`reading_effects` scores and allocates a scheme under the plan as read and under each
reading's alternative, and counts the awards that change; ``emusim compare --readings --plan F
--level L --seed N`` prints it.

>>> [r.id for r in readings_for("ha_giang_186_2023", "commune")]
['proportional_basis', 'deadline_scoring']
>>> reading("repeated_standard").adjust
{'standards.count_repeated': True}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .i18n import t
from .model import Scheme

__all__ = ["Reading", "READINGS", "reading", "readings_for", "readings_table", "reading_effects"]


@dataclass(frozen=True)
class Reading:
    """One judgment call: the plan's words, the reading chosen (``default``) and the alternative."""

    id: str
    plan: str
    levels: tuple[str, ...]
    ref: str
    text: str
    default: Mapping[str, Any] = field(default_factory=dict)
    adjust: Mapping[str, Any] = field(default_factory=dict)

    def chosen(self, lang: str | None = None) -> str:
        """The reading the scenario file encodes (the default)."""
        return t(f"readings.{self.id}_chosen", lang=lang)

    def alternative(self, lang: str | None = None) -> str:
        """The other reading, obtained with ``scheme.adjust(self.adjust)``."""
        return t(f"readings.{self.id}_alternative", lang=lang)

    def why(self, lang: str | None = None) -> str:
        return t(f"readings.{self.id}_why", lang=lang)

    def applies_to(self, scheme: Scheme) -> bool:
        return scheme.plan_id == self.plan and scheme.level in self.levels


READINGS: tuple[Reading, ...] = (
    Reading(
        id="proportional_basis", plan="ha_giang_186_2023", levels=("district", "commune"),
        ref="Phụ lục 2 và Phụ lục 3, cột cách tính điểm (A.I.6, A.II.1 …)",
        text="Điểm= Tỷ lệ x điểm tối đa",
        default={"proportional_basis": "attainment"}, adjust={"proportional_basis": "rate"},
    ),
    Reading(
        id="deadline_scoring", plan="ha_giang_186_2023", levels=("district", "commune"),
        ref="Phụ lục 3, A.V.2–A.V.5; Phụ lục 2, A.III.1–2, A.V.13",
        text="(xong trong tháng 4/2023) … hoàn thành trong tháng 6/2023 … (hoàn thành tháng 6/2023)",
        default={"deadline_scoring": True}, adjust={"deadline_scoring": False},
    ),
    Reading(
        id="lao_cai_commune_registration", plan="lao_cai_cds_2022", levels=("commune",),
        ref="IV.1",
        text=("Các sở, ban, ngành, đoàn thể tỉnh, UBND các huyện, thị xã, thành phố, và các doanh nghiệp, căn cứ "
              "Kế hoạch này xây dựng kế hoạch, đăng ký thi đua … trước ngày 20/02 hàng năm"),
        default={"gates.G1.mode": "off"}, adjust={"gates.G1.mode": "hard"},
    ),
    Reading(
        id="repeated_standard", plan="lao_cai_cds_2022", levels=("agency",),
        ref="IV.2, 2.1.a, gạch đầu dòng 3 và 4",
        text=("Trên 90% báo cáo định kỳ (không bao gồm nội dung mật) được gửi, nhận qua hệ thống thông tin báo "
              "cáo của tỉnh, kết nối với hệ thống báo cáo quốc gia. (in hai lần)"),
        default={"standards.count_repeated": False}, adjust={"standards.count_repeated": True},
    ),
)


def reading(reading_id: str) -> Reading:
    for r in READINGS:
        if r.id == reading_id:
            return r
    raise KeyError(t("readings.unknown", reading=repr(reading_id), readings=", ".join(r.id for r in READINGS)))


def readings_for(plan_id: str | None = None, level: str | None = None) -> list[Reading]:
    """The readings of one plan (and level), in the order of :data:`READINGS`."""
    return [r for r in READINGS if (plan_id is None or r.plan == plan_id) and (level is None or level in r.levels)]


def _changes(changes: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} = {str(v).lower() if isinstance(v, bool) else v}" for k, v in changes.items())


def readings_table(plan_id: str | None = None, lang: str | None = None) -> pd.DataFrame:
    """Every reading as a table (for notebooks and the README): words, choice, alternative, why."""
    rows = [{"reading": r.id, "plan": r.plan, "levels": ", ".join(r.levels), "ref": r.ref, "text": r.text,
             "chosen": r.chosen(lang), "default": _changes(r.default), "alternative": r.alternative(lang),
             "adjust": _changes(r.adjust), "why": r.why(lang)} for r in readings_for(plan_id)]
    return pd.DataFrame(rows)


def _awards(scheme: Scheme, values, registry, history) -> pd.Series:
    from .allocate import allocate
    from .engine import score

    table = score(scheme, values, registry, history=history)
    aw = allocate(table, scheme, registry)
    return pd.DataFrame({"award": aw["award"].astype(object).where(aw["award"].notna(), None), "rank": aw["rank"]})


def reading_effects(scheme: Scheme, values: pd.DataFrame, registry: pd.DataFrame | None = None,
                    history=None, lang: str | None = None) -> pd.DataFrame:
    """Per reading of ``scheme``'s plan and level: how many awards change under the alternative.

    Both sides are scored (``history`` gives dated rows their deadline values) and allocated;
    the award sets are compared unit by unit: ``changed`` units whose award differs,
    ``gains`` (no award → an award), ``losses`` (an award → none), ``moves`` (another tier).
    ``awards_plan`` / ``awards_alternative`` count the awards given on each side, and
    ``rank_changed`` the units whose provincial rank moves (awards or not).
    """
    base = _awards(scheme, values, registry, history)
    rows = []
    for r in readings_for(scheme.plan_id, scheme.level):
        alt = _awards(scheme.adjust(dict(r.adjust)), values, registry, history).reindex(base.index)
        a = base["award"].to_numpy(dtype=object)
        b = alt["award"].to_numpy(dtype=object)
        has_a = np.array([x is not None for x in a])
        has_b = np.array([x is not None for x in b])
        differs = np.array([x != y for x, y in zip(a, b)])
        rows.append({
            "reading": r.id, "ref": r.ref, "text": r.text, "chosen": r.chosen(lang), "alternative": r.alternative(lang),
            "adjust": _changes(r.adjust), "awards_plan": int(has_a.sum()), "awards_alternative": int(has_b.sum()),
            "changed": int(differs.sum()), "gains": int((~has_a & has_b).sum()), "losses": int((has_a & ~has_b).sum()),
            "moves": int((has_a & has_b & differs).sum()),
            "rank_changed": int((base["rank"].to_numpy() != alt["rank"].to_numpy()).sum()),
        })
    out = pd.DataFrame(rows, columns=["reading", "ref", "text", "chosen", "alternative", "adjust", "awards_plan",
                                      "awards_alternative", "changed", "gains", "losses", "moves", "rank_changed"])
    out.attrs["scheme"] = scheme.name
    return out
