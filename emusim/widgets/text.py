"""Words, numbers and colours of the dashboard: every label goes through :mod:`emusim.i18n`
(``emusim/i18n/messages/widgets.yaml``), the palette is the brief's (:mod:`emusim.charts.style`).
"""
from __future__ import annotations

import html
import math
import re
from typing import Any

import numpy as np

from ..charts import style
from ..i18n import fmt_month as i18n_fmt_month, t

#: tier colours, as in the brief's charts
TIER_COLORS = list(style.TIER_COLORS)
COLOR_NOMINEE = style.ELIGIBLE
COLOR_ELIGIBLE = style.INELIGIBLE
COLOR_INELIGIBLE = "#f2d0d0"
INK, ACCENT, MUTED, GRID = style.INK, style.ACCENT, style.MUTED, style.GRID
GAIN, LOSS, TIER = style.PASS, style.FAIL, "#8a6a00"
URBAN_KEYS = ("rural", "district_town", "city", "town")
BASIS_KEYS = ("attainment", "rate", "threshold")


def _t(key: str, lang: str, **values) -> str:
    """The dashboard's message ``key`` (``widgets.<key>``) in ``lang``.

    >>> _t("reset", "vi"), _t("reset", "en")
    ('Về kế hoạch gốc', 'Back to the plan')
    """
    return t(f"widgets.{key}", lang, **values)


def urban_label(cls: str | None, lang: str) -> str:
    """>>> urban_label("city", "vi"), urban_label(None, "en")
    ('thành phố', '—')
    """
    return _t(f"urban_{cls}" if cls in URBAN_KEYS else "urban_none", lang)


def _esc(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _css_class(path: str) -> str:
    """The CSS class that marks a parameter's control (``uplift.city`` → ``emusim-uplift-city``).

    >>> _css_class("gates.G3.mode")
    'emusim-gates-G3-mode'
    """
    return "emusim-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def fmt_points(x: float, lang: str = "vi", digits: int = 2) -> str:
    """A score for reading: ``378,48`` in Vietnamese, ``378.48`` in English.

    >>> fmt_points(378.4796), fmt_points(12.0, "en"), fmt_points(float("nan"))
    ('378,48', '12', '')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang != "en" else s


def fmt_month(period: str, lang: str = "vi") -> str:
    """A month for reading: ``11/2023`` in Vietnamese, ``2023-11`` in English (:func:`emusim.i18n.fmt_month`).

    >>> fmt_month("2023-11"), fmt_month("2023-11", "en"), fmt_month("2025-12-01")
    ('11/2023', '2023-11', '2025-12-01')
    """
    return i18n_fmt_month(period, lang)


def format_value(value: Any) -> str:
    """A value as it is written after ``--set PATH=`` (YAML scalars, as :func:`parse_set` reads).

    >>> format_value(0.30000000000000004), format_value(5), format_value(None), format_value("soft")
    ('0.3', '5', 'null', 'soft')
    >>> format_value(True)
    'true'
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        v = round(value, 6)
        return str(int(v)) if v.is_integer() and abs(v) >= 2 else repr(v)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return abs(float(a) - float(b)) <= 1e-9
    return a == b


def _normalise(path: str, value: Any, current: Any = None) -> Any:
    """Slider floats rounded (0.30000000000000004 → 0.3); quotas as int; numpy scalars unwrapped.

    >>> _normalise("uplift.city", 0.1 + 0.2), _normalise("awards.chairman.quota", 3.0)
    (0.3, 3)
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if path.endswith(".quota") or path.startswith("awards.nomination.") or path == "min_met":
            if value.is_integer():
                return int(value)
        return round(value, 6)
    return value


def tier_short(tier, lang: str) -> str:
    """A short tier name for legends and badges ("Bằng khen CT UBND tỉnh")."""
    label = (tier.label_en if lang == "en" else tier.label) or tier.id
    if lang != "en":
        label = (label.replace("Chủ tịch", "CT").replace("Giám đốc", "GĐ").replace("Công an", "CA")
                 .replace(" của ", " ").replace("các huyện, thành phố", "huyện"))
    else:
        label = (label.replace("Certificate of merit of the ", "Merit, ")
                 .replace("Certificate of commendation of the ", "Commendation, "))
    return label


_tier_short = tier_short

# Vietnamese text never goes in a monospace face: DejaVu Sans Mono has no precomposed Vietnamese
# letters with two marks (ố, ể …), and Chromium then draws the marks detached from a fallback font.
CSS = f"""
<style>
.emusim-x {{font-family: 'DejaVu Sans', 'Noto Sans', Arial, sans-serif; color:{INK}}}
.emusim-x h2 {{font-size:19px; margin:2px 0 2px 0; color:{ACCENT}}}
.emusim-x .sub {{font-size:13px; color:{MUTED}}}
.emusim-x .sim {{display:inline-block; background:#fff3c4; border:1px solid #e5cf73; border-radius:3px; padding:0 6px}}
.emusim-x .head {{font-size:14px; line-height:1.45; background:#f3f6fa; border-left:4px solid {ACCENT};
                 padding:6px 10px; margin:2px 0}}
.emusim-x .err {{color:#a40000; font-size:13px; white-space:pre-wrap}}
.emusim-x .ok {{color:{GAIN}; font-size:13px}}
.emusim-x .box {{font-size:13px; line-height:1.4}}
.emusim-x .box h3 {{font-size:14px; margin:4px 0; color:{ACCENT}}}
.emusim-x .gain {{color:{GAIN}; font-weight:bold}} .emusim-x .loss {{color:{LOSS}; font-weight:bold}}
.emusim-x .tierc {{color:{TIER}; font-weight:bold}}
.emusim-x .chip {{display:inline-block; background:#fff3c4; border:1px solid #e5cf73; border-radius:3px;
                 padding:0 5px; margin:1px 2px; font-family:'DejaVu Sans', 'Noto Sans', Arial, sans-serif; font-size:12px}}
.emusim-x .lab {{font-size:12.5px; line-height:1.25}}
.emusim-x .lab b {{font-family:'DejaVu Sans Mono', monospace; font-weight:bold; color:{ACCENT}}}
.emusim-x a.dl {{display:inline-block; margin:3px 8px 3px 0; padding:4px 10px; background:{ACCENT}; color:#fff;
                text-decoration:none; border-radius:3px; font-size:13px}}
.emusim-scroll {{max-height:520px; overflow:auto; border:1px solid #ccd6e3}}
table.emusim-aw {{border-collapse:collapse; font-size:12.5px; width:100%; line-height:1.3;
                 font-family:'DejaVu Sans', 'Noto Sans', Arial, sans-serif}}
table.emusim-aw th {{position:sticky; top:0; background:{ACCENT}; color:#fff; text-align:left;
                    padding:5px 6px; font-weight:bold; z-index:1; vertical-align:bottom}}
table.emusim-aw td {{border-bottom:1px solid {GRID}; padding:3px 6px; vertical-align:top; white-space:nowrap}}
table.emusim-aw td.why {{white-space:normal; min-width:180px}}
table.emusim-aw td.par {{white-space:normal; min-width:90px}}
table.emusim-aw td.num {{text-align:right; font-variant-numeric:tabular-nums}}
table.emusim-aw tr:nth-child(even) td {{background:#f8fafc}}
table.emusim-aw tr.row-gain td.chg {{color:{GAIN}; font-weight:bold}}
table.emusim-aw tr.row-loss td.chg {{color:{LOSS}; font-weight:bold}}
table.emusim-aw tr.row-tier td.chg {{color:{TIER}; font-weight:bold}}
table.emusim-aw tr.row-loss td:first-child {{box-shadow: inset 4px 0 0 {LOSS}}}
table.emusim-aw tr.row-gain td:first-child {{box-shadow: inset 4px 0 0 {GAIN}}}
table.emusim-aw tr.row-tier td:first-child {{box-shadow: inset 4px 0 0 #c9a227}}
table.emusim-aw .badge {{display:inline-block; border-radius:3px; padding:1px 6px; color:#fff; font-size:11.5px;
                        white-space:nowrap; line-height:1.25}}
table.emusim-aw td.fail {{color:#a40000; font-size:11.5px;
                         white-space:normal}}
.emusim-cli {{font-family:'DejaVu Sans Mono', monospace; font-size:12px; background:#f4f4f4;
             border:1px solid #ddd; padding:6px; white-space:pre-wrap; word-break:break-all; user-select:all}}
.emusim-page .widget-button {{font-size:13px}}
table.emusim-tasks-t td {{white-space:normal}}
table.emusim-tasks-t {{table-layout:auto}}
</style>
"""
_CSS = CSS
