"""Words of the brief: tier and urban-class labels, what-if descriptions, lists in running text.

Every word comes from the catalogue (``emusim/i18n/messages/brief.yaml``); the reasons of
the award list come from the engine's ``reason_code`` (:func:`emusim.allocate.reasons`).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ..charts import style
from ..i18n import t

_URBAN_KEYS = ("rural", "district_town", "town", "city")


def _tier_label(scheme, tier_id, lang="vi") -> str:
    return style.tier_label(scheme, tier_id, lang) if isinstance(tier_id, str) else ""


def _urban_vi(c: str, lang: str) -> str:
    """The urban class in running text ("phường, xã của thành phố" / "wards/communes of the city").

    >>> _urban_vi("city", "vi"), _urban_vi("rural", "en")
    ('phường, xã của thành phố', 'rural communes')
    """
    if c in _URBAN_KEYS:
        return t(f"brief.urban_{c}", lang)
    return style.urban_label(c, lang).lower()


def describe_change(path: str, value, scheme, lang: str, reference: str = "plan") -> str:
    """"a +20 pp uplift for the city (the plan: +15 pp)": the option against its reference —
    the plan as written (``reference="plan"``) or the scheme as adjusted (``"adjusted"``)."""
    from ..charts._common import parameter_label, parameter_value

    cur = scheme.parameters().get(path)
    ref = t("brief.ref_plan" if reference == "plan" else "brief.ref_adjusted", lang)
    if path.startswith("uplift."):
        cls = path.split(".", 1)[1]
        return t("brief.change_uplift", lang, value=style.pp(value, lang), cls=_urban_vi(cls, lang), ref=ref,
                 current=style.pp(cur or 0, lang))
    return t("brief.change_other", lang, label=parameter_label(path, scheme, lang),
             value=parameter_value(path, value, lang), ref=ref, current=parameter_value(path, cur, lang))


def _join(items: list[str], lang: str) -> str:
    """>>> _join(["a", "b", "c"], "vi"), _join(["a", "b"], "en")
    ('a, b và c', 'a and b')
    """
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('common.and', lang)} " + items[-1]


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
        return t("brief.short_uplift", lang, value=style.pp(value, lang),
                 cls=t("brief.short_city", lang) if cls == "city" else _urban_vi(cls, lang))
    from ..charts._common import parameter_value

    ident = path.split(".", 1)[1].rsplit(".", 1)[0]
    return f"{ident} {parameter_value(path, value, lang)}"
