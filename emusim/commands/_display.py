"""How the command line prints a table: headers from the catalogue (``cli.col_<column>``),
award tiers by their plan label, booleans as có/không, missing values as "—" and numbers
the language's way (370,16 in Vietnamese). Files written with ``--out`` keep their machine
columns; this is only what people read on the terminal.

>>> import pandas as pd
>>> df = pd.DataFrame({"name": ["Xã A"], "eligible": [True], "total": [370.1597], "award": [None]})
>>> print(show(df, lang="vi", index=False))
Tên đơn vị Đủ điều kiện Tổng điểm Khen thưởng
      Xã A           có    370,16           —
>>> print(show(df, lang="en", index=False))
Name Eligible  Total Award
Xã A      yes 370.16     —
"""
from __future__ import annotations

import math
import numbers
from typing import Any

from ..i18n import catalogue, check_lang, fmt_month, fmt_number, t

DASH = "—"
AWARD_COLUMNS = ("award", "award_reference", "nominal_award", "tier")


def header(column: Any, lang: str | None = None, scheme=None) -> str:
    """The printed header of ``column``: its catalogue wording when there is one, else as is
    (``awards.<tier>`` becomes "Số giải: <tier label>")."""
    lang = check_lang(lang)
    name = str(column)
    if f"cli.col_{name}" in catalogue():
        return t(f"cli.col_{name}", lang)
    if name.startswith("awards.") and name.count(".") == 1:
        return t("cli.col_awards_tier", lang, tier=tier_label(scheme, name.split(".", 1)[1], lang))
    return name


def tier_label(scheme, tier_id, lang: str | None = None) -> str:
    """The plan's wording of an award tier (``label`` / ``label_en``), the id when it has none."""
    lang = check_lang(lang)
    if tier_id is None or (isinstance(tier_id, float) and math.isnan(tier_id)):
        return DASH
    for tier in getattr(getattr(scheme, "awards", None), "tiers", ()) or ():
        if tier.id == tier_id:
            text = tier.label_en if lang == "en" and tier.label_en else (tier.label or tier.label_en)
            return text or str(tier_id)
    return str(tier_id)


def cell(value: Any, lang: str | None = None, digits: int = 2) -> Any:
    """One printed value: booleans có/không, None/NaN "—", numbers the language's way."""
    lang = check_lang(lang)
    if value is None:
        return DASH
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return t("common.yes" if bool(value) else "common.no", lang)
    if isinstance(value, numbers.Integral):
        return fmt_number(int(value), lang, 0)
    if isinstance(value, numbers.Real):
        return DASH if math.isnan(float(value)) else fmt_number(float(value), lang, digits)
    try:
        import pandas as pd

        if pd.isna(value):
            return DASH
    except (TypeError, ValueError):
        pass
    return value


def localise(df, lang: str | None = None, scheme=None, digits: int = 2, index_labels: dict | None = None):
    """A copy of ``df`` for printing: headers, tiers, booleans, numbers (see the module)."""
    lang = check_lang(lang)
    out = df.copy()
    for col in out.columns:
        if str(col) in AWARD_COLUMNS:
            out[col] = [tier_label(scheme, v, lang) for v in out[col]]
        else:
            out[col] = [cell(v, lang, digits) for v in out[col]]
    out.columns = [header(c, lang, scheme) for c in out.columns]
    if index_labels is not None:
        out.index = [index_labels.get(i, i) for i in out.index]
    elif out.index.dtype.kind in "biuf":
        pass
    else:
        out.index = [tier_label(scheme, v, lang) if v is not None and any(
            getattr(tr, "id", None) == v for tr in getattr(getattr(scheme, "awards", None), "tiers", ()) or ())
            else v for v in out.index]
    names = [header(n, lang, scheme) if n is not None else None for n in df.index.names]
    if len(names) == 1:
        out.index.name = names[0]
    return out


def show(df, lang: str | None = None, scheme=None, digits: int = 2, index: bool = True,
         index_labels: dict | None = None) -> str:
    """``df`` as printed text (``DataFrame.to_string``) in ``lang``."""
    return localise(df, lang, scheme, digits, index_labels).to_string(index=index)


# columns whose values are ids with a catalogue wording: column → message key prefix
_VALUE_KEYS = {"rule": "commands.rule_", "effort": "commands.effort_", "change": "commands.change_",
               "urban_class": "commands.urban_", "status": "commands.status_"}


def value_text(column: str, value: Any, lang: str | None = None) -> Any:
    """The wording of an id value of ``column`` (rule ``binary`` → "có/không"), else the value."""
    prefix = _VALUE_KEYS.get(column)
    if prefix and isinstance(value, str) and f"{prefix}{value}" in catalogue():
        return t(f"{prefix}{value}", lang)
    return value


def values_shown(df, lang: str | None = None):
    """A copy of ``df`` with id values worded (see :func:`value_text`) and, where the table
    carries an indicator's labels (``label``/``label_vi``/``label_en``), the indicator shown by
    its label in ``lang`` instead of its id."""
    lang = check_lang(lang)
    out = df.copy()
    for col in out.columns:
        if str(col) in _VALUE_KEYS:
            out[col] = [value_text(str(col), v, lang) for v in out[col]]
    labels = [c for c in ("label", "label_vi", "label_en") if c in out.columns]
    if labels:
        own = "label_en" if lang == "en" and "label_en" in out.columns else (
            "label_vi" if "label_vi" in out.columns else "label")
        if own in out.columns and "indicator" in out.columns:
            shown = [lb if isinstance(lb, str) and lb else ind for lb, ind in zip(out[own], out["indicator"])]
            out["indicator"] = [s if len(s) <= 48 else s[:47] + "…" for s in map(str, shown)]
        out = out.drop(columns=labels)
    return out


def path_shown(path: str, scheme=None, lang: str | None = None) -> str:
    """An adjust path with its plan wording (:func:`emusim.i18n.paths.path_label`): "wording
    (path)"; in Vietnamese a path that is one English word pair (``proportional_basis``, no dot)
    is shown by its wording alone."""
    lang = check_lang(lang)
    try:
        from ..i18n.paths import path_label

        label = path_label(str(path), scheme, lang)
    except Exception:  # noqa: BLE001 - a path the wording does not know is shown as is
        return str(path)
    if not label or label == path:
        return str(path)
    if lang == "vi" and "." not in str(path):
        return label
    return f"{label} ({path})"


def period_text(period, lang: str | None = None) -> str:
    """An evaluation month the language's way: "11/2023" in Vietnamese, "2023-11" in English.

    >>> period_text("2023-11", "vi"), period_text("2023-11", "en")
    ('11/2023', '2023-11')
    """
    return fmt_month(period, lang)

def scheme_shown(scheme, lang: str | None = None) -> str:
    """A scheme as people read it in headings: "ha_giang_186_2023 (cấp xã)" in Vietnamese
    (the plan and its level's name, :func:`emusim.analysis.labels.scheme_title`), the scheme's
    name (``plan:level``) in English."""
    from ..analysis.labels import scheme_title

    return scheme_title(scheme, lang)
