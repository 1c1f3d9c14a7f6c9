"""Words of the brief: tier and urban-class labels, reasons in Vietnamese, what-if descriptions."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from ..charts import style


def _tier_label(scheme, tier_id, lang="vi") -> str:
    return style.tier_label(scheme, tier_id, lang) if isinstance(tier_id, str) else ""


_PLURAL_EN = {"rural": "rural communes", "district_town": "district townships", "town": "wards/communes of towns",
              "city": "wards/communes of the city"}


def _urban_vi(c: str, lang: str) -> str:
    """The urban class in running text: Vietnamese as is, English in the plural."""
    if lang == "en":
        return _PLURAL_EN.get(c, c)
    return style.urban_label(c, lang).lower()


def reason_text(reason: str, scheme, lang: str = "vi", names: Mapping | None = None) -> str:
    """The allocate reason in Vietnamese (``lang="vi"``) or as it is (``"en"``)."""
    import re

    if lang == "en" or not isinstance(reason, str):
        return reason if isinstance(reason, str) else ""
    parts = []
    for part in reason.split("; "):
        m = re.match(r"gate failed: (.*)", part)
        if m:
            parts.append(f"Không đạt chỉ tiêu bắt buộc: {m.group(1)}")
            continue
        m = re.match(r"standards not met: (.*)", part)
        if m:
            parts.append(f"Chưa đạt tiêu chuẩn: {m.group(1)}")
            continue
        m = re.match(r"not nominated by (.*): ranked (\d+) among its eligible units; it nominates (\d+)", part)
        if m:
            parts.append(f"Không được {m.group(1)} đề cử: xếp thứ {m.group(2)} trong các đơn vị đủ điều kiện của huyện "
                         f"(huyện đề cử {m.group(3)})")
            continue
        m = re.match(r"below cut-off by ([\d.]+) (points|standards met)", part)
        if m:
            unit = "điểm" if m.group(2) == "points" else "tiêu chuẩn"
            parts.append(f"Thấp hơn ngưỡng khen thưởng {m.group(1).replace('.', ',')} {unit}")
            continue
        m = re.match(r"(\S+): (\d+) of (\d+) nominees", part)
        if m:
            parts.append(f"{_tier_label(scheme, m.group(1))}: thứ {m.group(2)}/{m.group(3)} đơn vị được đề cử")
            continue
        if part.startswith("below cut-off on the tie-break chain"):
            parts.append("Bằng điểm ở ngưỡng, xếp sau theo tiêu chí phụ (" + part.split("(", 1)[-1])
            continue
        if part == "no award left (every quota is 0)":
            parts.append("Hết chỉ tiêu khen thưởng")
            continue
        parts.append(part)
    return "; ".join(parts)



def describe_change(path: str, value, scheme, lang: str, reference: str = "plan") -> str:
    """"a +20 pp uplift for the city (the plan: +15 pp)": the option against its reference —
    the plan as written (``reference="plan"``) or the scheme as adjusted (``"adjusted"``)."""
    from ..charts._common import parameter_label, parameter_value
    from ..i18n import t

    cur = scheme.parameters().get(path)
    ref = t("brief.ref_plan" if reference == "plan" else "brief.ref_adjusted", lang)
    if path.startswith("uplift."):
        cls = path.split(".", 1)[1]
        return style.pick(f"mức tăng thêm {style.pp(value, 'vi')} cho {_urban_vi(cls, 'vi')} ({ref} {style.pp(cur or 0, 'vi')})",
                          f"a {style.pp(value, 'en')} uplift for {_urban_vi(cls, 'en')} ({ref} {style.pp(cur or 0, 'en')})", lang)
    return f"{parameter_label(path, scheme, lang)} = {parameter_value(path, value, lang)} ({ref} {parameter_value(path, cur, lang)})"


def _join(items: list[str], lang: str) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + style.pick(" và ", " and ", lang) + items[-1]


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, (np.bool_,)):
        return bool(o)
    return str(o)


def _short_whatif(whatif: Mapping, scheme, lang: str) -> str:
    path, value = next(iter(whatif.items()))
    if path.startswith("uplift."):
        cls = path.split(".", 1)[1]
        return f"{style.pp(value, lang)} " + style.pick("cho ", "for ", lang) + (
            style.pick("thành phố", "the city", lang) if cls == "city" else _urban_vi(cls, lang))
    from ..charts._common import parameter_value

    ident = path.split(".", 1)[1].rsplit(".", 1)[0]
    return f"{ident} {parameter_value(path, value, lang)}"

