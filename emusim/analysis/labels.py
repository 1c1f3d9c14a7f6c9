"""How the analyses name things for people (issue 14): schemes, indicators, lists of them.

Each helper gives a :class:`~emusim.i18n.Message` that renders in the reader's language when
the message holding it is rendered, so errors and warnings built once read right in both.

>>> str(LangText(lambda lang: {"vi": "xã", "en": "commune"}[lang]))
'xã'
>>> LangText(lambda lang: lang).text("en")
'en'
"""
from __future__ import annotations

from typing import Callable

from ..i18n import Message, catalogue, check_lang, t

__all__ = ["LangText", "scheme_title", "SchemeTitle", "indicator_label", "IndicatorLabel", "joined"]


class LangText(Message):
    """A placeholder value written per language by ``fn(lang)``."""

    def __init__(self, fn: Callable[[str], str], key: str = "analysis.percent"):
        super().__init__(key)
        self.fn = fn

    def text(self, lang: str | None = None) -> str:
        return self.fn(check_lang(lang))

    def __eq__(self, other) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


def scheme_title(scheme, lang: str | None = None, name: str | None = None) -> str:
    """``ha_giang_186_2023 (cấp xã)`` in Vietnamese, the scheme's name (``plan:level``) in English."""
    lang = check_lang(lang)
    name = name or scheme.name
    if lang == "en" or not getattr(scheme, "plan_id", None):
        return name
    key = f"analysis.level_{scheme.level}"
    level = t(key, lang) if key in catalogue() else scheme.level
    suffix = name[len(scheme.name):] if name.startswith(scheme.name) else ""
    return f"{scheme.plan_id}{suffix} ({level})"


def SchemeTitle(scheme, name: str | None = None) -> LangText:  # noqa: N802 - reads like a class
    return LangText(lambda lang: scheme_title(scheme, lang, name))


def indicator_label(indicator: str, catalog=None, lang: str | None = None, width: int = 60) -> str:
    """The catalog's label of an indicator (its id when the catalog lacks it)."""
    lang = check_lang(lang)
    if catalog is None:
        from ..catalog import load_catalog

        try:
            catalog = load_catalog()
        except Exception:  # noqa: BLE001 - fall back to the id
            return indicator
    if indicator not in catalog:
        return indicator
    text = catalog.label(indicator, lang)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def IndicatorLabel(indicator: str, catalog=None) -> LangText:  # noqa: N802
    return LangText(lambda lang: indicator_label(indicator, catalog, lang))


def joined(items, render: Callable[[object, str], str], sep: str = ", ") -> LangText:
    """A list written per language, one ``render(item, lang)`` each."""
    items = list(items)
    return LangText(lambda lang: sep.join(render(i, lang) for i in items))


def factor_label(f, scheme=None, catalog=None, lang: str | None = None) -> str:
    """A Monte Carlo / Sobol' factor as people read it: its own ``label``, else the plan's wording
    of its path (noise factors: the indicator's catalog label)."""
    lang = check_lang(lang)
    if f.label:
        return f.label
    if f.is_noise:
        return t("sobol.noise_label", lang, indicator=indicator_label(f.indicator, catalog, lang))
    from ..i18n.paths import path_label

    return path_label(f.path, scheme, lang)
