"""Adjustment paths as people read them (issue 14): the plan's wording beside the path itself.

``uplift.city = 0.2`` is shown as "Mức nâng chỉ tiêu — phường, xã của thành phố: +20 điểm %
(uplift.city=0.2)"; ``criteria.A.IV.2.target`` with the criterion's own label from the plan.
Charts, the brief, the CLI and the dashboard all use these three functions.

>>> path_value("uplift.city", 0.2, lang="vi"), path_value("uplift.city", 0.2, lang="en")
('+20 điểm %', '+20 pp')
>>> path_value("proportional_basis", "rate", lang="vi")
'theo tỷ lệ'
>>> describe_setting("uplift.city", 0.2, lang="vi")
'Mức nâng chỉ tiêu — phường, xã của thành phố: +20 điểm % (uplift.city=0.2)'
>>> describe_setting("awards.chairman.quota", None, lang="en", with_path=False)
'Quota of chairman: no cap'
"""
from __future__ import annotations

import numbers

from . import check_lang, fmt_number, fmt_percent, t

__all__ = ["path_label", "path_value", "describe_setting"]

_URBAN = {"rural": ("xã nông thôn", "rural communes"), "district_town": ("thị trấn huyện lỵ", "district townships"),
          "town": ("phường, xã của thị xã", "wards/communes of a town"),
          "city": ("phường, xã của thành phố", "wards/communes of the city"),
          "ward": ("phường", "wards"), "commune": ("xã", "communes")}
_SCALARS = {"proportional_basis": "proportional_basis", "min_met": "min_met", "tolerance": "tolerance",
            "missing": "missing", "deadline_scoring": "deadline_scoring",
            "awards.nomination.group": "nomination_group", "standards.count_repeated": "count_repeated"}
_CHOICES = {"attainment", "rate", "threshold", "hard", "soft", "zero", "exclude", "previous", "median",
            "parent", "cluster", "former_district", "province"}


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _label_of(obj, lang: str) -> str:
    vi, en = getattr(obj, "label", "") or "", getattr(obj, "label_en", "") or ""
    return ((en or vi) if lang == "en" else (vi or en)) or getattr(obj, "id", "")


def path_label(path: str, scheme=None, lang: str | None = None, width: int = 44) -> str:
    """The readable name of an adjust path, with the plan's label of the item it changes."""
    lang = check_lang(lang)
    if path in _SCALARS:
        return t(f"paths.{_SCALARS[path]}", lang)
    head, _, rest = path.partition(".")
    if head == "uplift":
        vi, en = _URBAN.get(rest, (rest, rest))
        return t("paths.uplift", lang, what=en if lang == "en" else vi)
    if head in ("criteria", "gates", "groups", "awards"):
        ident, _, field = rest.rpartition(".")
        obj = None
        if scheme is not None:
            look = {"criteria": scheme.criterion, "gates": scheme.gate, "groups": scheme.group,
                    "awards": scheme.awards.tier}[head]
            try:
                obj = look(ident)
            except (KeyError, AttributeError):
                obj = None
        try:
            name = t(f"paths.field_{field}", lang)
        except KeyError:
            name = field
        if head == "awards":
            return f"{name} {_label_of(obj, lang) if obj is not None else ident}"
        if head == "groups":
            label = f": {_shorten(_label_of(obj, lang), width - 4)}" if obj is not None else ""
            return f"{name} {t('paths.group', lang)} {ident}{label}"
        return f"{name} {ident}" + (f": {_shorten(_label_of(obj, lang), width)}" if obj is not None else "")
    return path


def path_value(path: str, value, lang: str | None = None) -> str:
    """A path's value written the reader's way (percentages, points, choices in words)."""
    lang = check_lang(lang)
    if value is None:
        return t("paths.no_cap", lang)
    if isinstance(value, bool):
        return t("paths.true" if value else "paths.false", lang)
    if isinstance(value, numbers.Real):
        v = float(value)
        if path.startswith("uplift."):
            return t("paths.points_pp", lang, sign="+" if v > 0 else "", value=fmt_number(100 * v, lang, 1))
        if path.endswith(".target") and 0 <= v <= 1:
            return fmt_percent(v, lang)
        return fmt_number(v, lang, 2)
    if isinstance(value, str) and value in _CHOICES:
        return t(f"paths.choice_{value}", lang)
    return str(value)


def describe_setting(path: str, value, scheme=None, lang: str | None = None, with_path: bool = True) -> str:
    """"<plan wording>: <value> (<path>=<raw value>)" — what a person reads beside a setting."""
    lang = check_lang(lang)
    label, shown = path_label(path, scheme, lang), path_value(path, value, lang)
    if not with_path:
        return t("paths.setting", lang, label=label, value=shown)
    return t("paths.setting_with_path", lang, label=label, value=shown, path=path, raw=str(value))
