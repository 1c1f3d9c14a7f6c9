"""Parse values: one cell → a float in the Panel's convention (stage 4 of the reading flow).

Vietnamese number forms (the way officials type them, and the way Excel shows them in a
Vietnamese locale): the comma is the decimal separator and the dot groups thousands.

* ratios: ``0.85``, ``85%``, ``85 %``, ``85,5 %``, ``0,855``; in a column whose header says
  ``(%)`` (``Tỷ lệ (%)``) a bare number is a percentage (``85,5`` → 0.855);
* counts: ``3``, ``1.000`` and ``1.234.567`` (dots group thousands: 1000, 1234567);
  ``1,000`` cannot be read one way only (one thousand, or 1,0?) and is an error;
* points: ``2,5``, ``1.234,5``;
* dates: ISO ``YYYY-MM-DD``; in officials' files also ``dd/mm/yyyy`` and Excel serial numbers;
* "không áp dụng" (not applicable) is not a value and not a missing one: see
  :func:`is_not_applicable`. ``n/a`` and ``-`` are refused: they are used both for "no data"
  and for "not applicable", and the reader never guesses which.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import Message, catalogue, fmt_number

__all__ = ["parse_value", "is_not_applicable", "parse_period", "blank", "Bad", "NOT_APPLICABLE_WORDS"]

_TRUE = {"1", "true", "có", "co", "yes", "x", "đạt", "dat"}
_FALSE = {"0", "false", "không", "khong", "no", "", "chưa", "chua", "chưa đạt", "không đạt", "khong dat"}
#: cells meaning "không áp dụng" (not applicable), compared after lower-casing and trimming
NOT_APPLICABLE_WORDS = ("không áp dụng", "khong ap dung", "kad", "k.a.d", "not applicable", "không áp dụng.")
_EPOCH = _dt.date(1970, 1, 1)
_EXCEL_EPOCH = _dt.date(1899, 12, 30)
SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_GROUPED_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")     # 1.234.567 / 1.234,5
_GROUPED_COMMAS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")   # 1,234,567 / 1,234.5 (English)


class Bad(ValueError):
    """A value that cannot be read; ``kind`` is 'unparseable' or 'range'.

    ``str()`` is English (the low-level API); ``.msg`` renders in the caller's language.
    """

    def __init__(self, msg: Message, kind: str = "unparseable"):
        super().__init__(msg.text("en"))
        self.msg = msg
        self.kind = kind


Bad.__module__ = "emusim.observations"   # the name users see in tracebacks
Bad.__qualname__ = Bad.__name__ = "_Bad"


class Number(Message):
    """A number placeholder written in the reader's language with ``digits`` decimals (the catalogue's
    default is 2), rendered as late as the message holding it.

    >>> Number(0.855, 4).text("vi"), Number(0.855, 4).text("en")
    ('0,855', '0.855')
    """

    def __init__(self, value: float, digits: int = 4):
        super().__init__("common.none")
        self.values = {"value": float(value), "digits": int(digits)}

    def text(self, lang: str | None = None) -> str:
        return fmt_number(self.values["value"], lang, self.values["digits"])


class IndicatorLabel(Message):
    """" (the indicator's name)" in the reader's language, beside the indicator's id in an error.

    >>> IndicatorLabel("Tỷ lệ văn bản điện tử", "Share of e-documents").text("vi")
    ' (Tỷ lệ văn bản điện tử)'
    """

    def __init__(self, label: str, label_en: str = ""):
        super().__init__("common.none")
        self.values = {"vi": str(label or ""), "en": str(label_en or label or "")}

    def text(self, lang: str | None = None) -> str:
        from ..i18n import check_lang

        name = " ".join(self.values[check_lang(lang)].split())
        if len(name) > 60:  # a plan's label can be a sentence: its start names it well enough
            name = name[:59].rstrip() + "…"
        return f" ({name})" if name else ""


def unit_name(unit: str) -> Message | str:
    """The kind of value a catalog unit holds, in words (``ratio`` → "tỷ lệ" / "ratio")."""
    return Message(f"observations.unit_{unit}") if f"observations.unit_{unit}" in catalogue() else unit


def blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and not SPACES.sub("", raw)


def is_not_applicable(raw: Any) -> bool:
    """True for a cell that says "không áp dụng" (not applicable).

    >>> is_not_applicable("Không áp dụng"), is_not_applicable("KAD"), is_not_applicable("n/a")
    (True, True, False)
    """
    return isinstance(raw, str) and SPACES.sub(" ", raw).strip().casefold() in NOT_APPLICABLE_WORDS


def show(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return repr(raw) if isinstance(raw, str) else str(raw)


def _bad(key: str, raw: Any, kind: str = "unparseable", **more) -> Bad:
    return Bad(Message(f"observations.{key}", value=show(raw), **more), kind)


def number(text: str, unit: str | None = None) -> float:
    """A number written the Vietnamese (or plain) way; ValueError when it is not one.

    >>> number("85,5"), number("1.234,5"), number("1.000", "count"), number("1.000"), number("1.234.567")
    (85.5, 1234.5, 1000.0, 1.0, 1234567.0)
    """
    t = SPACES.sub("", text)
    if _GROUPED_DOTS.match(t) and (t.count(".") > 1 or "," in t or unit == "count"):
        return float(t.replace(".", "").replace(",", "."))
    if unit == "count" and _GROUPED_COMMAS.match(t) and "." not in t:
        raise _Ambiguous(text)
    if _GROUPED_COMMAS.match(t) and (t.count(",") > 1 or "." in t):
        raise _Ambiguous(text)   # English grouping: refuse rather than guess
    if not _PLAIN.match(t):
        raise ValueError(text)
    return float(t.replace(",", "."))


class _Ambiguous(ValueError):
    pass


def parse_value(raw: Any, unit: str, *, percent: bool = False, official: bool = False) -> float:
    """One cell as a float in the Panel's convention for ``unit`` (NaN = not observed).

    ``percent``: the column's header says "(%)", so a bare number is a percentage.
    ``official``: also accept officials' date forms (dd/mm/yyyy, Excel serial numbers).
    Raises ``ValueError`` (a ``_Bad``) with a message suggesting the fix.

    >>> parse_value("85,5 %", "ratio"), parse_value("0,855", "ratio"), parse_value(0.9, "ratio")
    (0.855, 0.855, 0.9)
    >>> parse_value("85,5", "ratio", percent=True), parse_value("1.000", "count")
    (0.855, 1000.0)
    >>> parse_value("có", "bool"), parse_value("", "bool"), parse_value("x", "bool")
    (1.0, 0.0, 1.0)
    >>> parse_value(85, "ratio")
    Traceback (most recent call last):
    ...
    emusim.observations._Bad: 85 is a bare number above 1 for a ratio: write 0.85 or 85%
    """
    if unit == "bool":
        return _parse_bool(raw)
    if blank(raw):
        return float("nan")
    if isinstance(raw, str) and SPACES.sub("", raw).casefold() in ("n/a", "na", "-", "--", "—", "#n/a"):
        raise _bad("na_ambiguous", raw)
    if unit == "ratio":
        return _parse_ratio(raw, percent)
    if unit == "count":
        return _parse_count(raw)
    if unit == "date":
        return _parse_date(raw, official)
    return _parse_float(raw, unit)  # points and anything else numeric


def _parse_float(raw: Any, unit: str | None = None) -> float:
    if isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, (int, float, np.integer, np.floating)):
        value = float(raw)
        if not math.isfinite(value):
            raise _bad("not_number", raw)
        return value
    if isinstance(raw, str):
        try:
            return number(raw, unit)
        except _Ambiguous:
            raise _bad("ambiguous_number", raw) from None
        except ValueError:
            pass
    raise _bad("not_number", raw)


def _parse_ratio(raw: Any, percent: bool) -> float:
    text = SPACES.sub("", raw) if isinstance(raw, str) else None
    if text is not None and text.endswith("%") or percent:
        body = text[:-1] if text is not None and text.endswith("%") else raw
        try:
            value = (number(body) if isinstance(body, str) else _parse_float(body)) / 100.0
        except (ValueError, Bad):
            raise _bad("not_percentage", raw) from None
        value = round(value, 12)
        if not 0.0 <= value <= 1.0:
            raise _bad("ratio_pct_range", raw, "range")
        return value
    try:
        value = _parse_float(raw)
    except Bad:
        raise _bad("not_ratio", raw) from None
    if value < 0:
        raise _bad("ratio_range", raw, "range")
    if value > 1:
        if value <= 100:
            raise _bad("bare_above_one", raw, "range", fraction=Number(value / 100, 4),
                       percent=show(raw).strip("'") + "%")
        raise _bad("ratio_range", raw, "range")
    return value


def _parse_count(raw: Any) -> float:
    try:
        value = _parse_float(raw, "count")
    except Bad as exc:
        if exc.msg.key == "observations.ambiguous_number":
            raise
        raise _bad("not_count", raw) from None
    if value != int(value):
        raise _bad("not_whole", raw)
    if value < 0:
        raise _bad("count_range", raw, "range")
    return float(value)


def _parse_bool(raw: Any) -> float:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return 0.0
    if isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, (int, float, np.integer, np.floating)):
        if raw in (0, 1):
            return float(raw)
        raise _bad("not_bool", raw)
    text = SPACES.sub(" ", str(raw)).strip().casefold()
    if text in _TRUE:
        return 1.0
    if text in _FALSE:
        return 0.0
    if text in ("n/a", "na", "-", "--", "—", "#n/a"):
        raise _bad("na_ambiguous", raw)
    try:
        value = number(text)
    except ValueError:
        value = None
    if value in (0.0, 1.0):
        return value
    raise _bad("not_bool", raw)


def _parse_date(raw: Any, official: bool) -> float:
    if isinstance(raw, _dt.datetime):
        raw = raw.date()
    if isinstance(raw, _dt.date):
        return float((raw - _EPOCH).days)
    if official and isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        if float(raw).is_integer() and 1 <= raw <= 2958465:   # Excel serial day (1900 system)
            return float((_EXCEL_EPOCH + _dt.timedelta(days=int(raw)) - _EPOCH).days)
    text = str(raw).strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}[ T]00:00(:00)?$", text):
        text = text[:10]
    if official:
        m = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", text)
        if m:
            text = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        elif re.match(r"^\d{5}$", text):
            return _parse_date(int(text), official)
    try:
        return float((_dt.date.fromisoformat(text) - _EPOCH).days)
    except ValueError:
        raise _bad("not_date_official" if official else "not_date", raw) from None


def parse_period(raw: Any) -> pd.Period:
    """A month: ``2023-11``, ``2023/11``, ``11/2023``, ``tháng 11/2023``, ``T11/2023``, a date.

    >>> str(parse_period("tháng 11/2023")), str(parse_period("11/2023")), str(parse_period("2023-11-30"))
    ('2023-11', '2023-11', '2023-11')
    """
    if isinstance(raw, (_dt.date, _dt.datetime, pd.Timestamp)):
        return pd.Period(raw, freq="M")
    if isinstance(raw, pd.Period):
        return raw.asfreq("M")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = SPACES.sub("", str(raw)).casefold()
    text = re.sub(r"^(tháng|thang|t)", "", text)
    m = re.match(r"^(\d{1,2})(?:[/.-]|năm|nam)(\d{4})$", text)  # 11/2023, Vietnamese order
    if m:
        text = f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.match(r"^(\d{4})[/.-](\d{1,2})([/.-]\d{1,2})?(00:00(:00)?)?$", text)
    if m:
        text = f"{m.group(1)}-{int(m.group(2)):02d}"
    if not re.match(r"^\d{4}-\d{2}$", text) or not 1 <= int(text[5:]) <= 12:
        raise _bad("not_month", raw)
    from ..limits import FIRST_MONTH, LAST_MONTH

    if not FIRST_MONTH.year <= int(text[:4]) <= LAST_MONTH.year:  # a month, but outside what emusim handles
        raise Bad(Message("limits.month_out_of_range", value=text, first=str(FIRST_MONTH), last=str(LAST_MONTH)),
                  "out_of_range")
    return pd.Period(text, freq="M")
