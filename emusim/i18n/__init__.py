"""One message catalogue for every text a user reads (DESIGN §11): Vietnamese first, English on a switch.

Messages live in ``emusim/i18n/messages/<domain>.yaml``, one file per stage of the data
flow (``allocate.yaml``, ``observations.yaml``, ``cli.yaml`` …), each entry a key with its
Vietnamese and English text and ``str.format`` placeholders::

    not_nominated:
      vi: "không được {parent} đề cử: xếp thứ {position} trong số các đơn vị đủ điều kiện; được đề cử {slots}"
      en: "not nominated by {parent}: ranked {position} among its eligible units; it nominates {slots}"

``t("allocate.not_nominated", parent=…, position=…, slots=…)`` gives the text in the current
language (``vi`` unless :func:`set_lang` / :func:`using_lang` or ``lang=`` says otherwise).
Numbers and dates given as placeholders are written the language's way (85,5 and 30/11/2023 in
Vietnamese; 85.5 and 2023-11-30 in English), through Babel's CLDR data.

Translators who work in gettext tools get the same catalogue as ``.po``/``.mo`` files through
Babel (:mod:`emusim.i18n.po`: ``python -m emusim.i18n.po export build/locale``), and their
files come back checked, placeholders included.

Errors carry a :class:`Message` rather than a string, so the command line renders them in the
``--lang`` the user chose, and the Python API in the language of the caller's context.

>>> t("common.yes", lang="vi"), t("common.yes", lang="en")
('có', 'yes')
>>> fmt_number(1234.5, "vi"), fmt_number(1234.5, "en")
('1.234,5', '1,234.5')
>>> fmt_percent(0.855, "vi"), fmt_percent(0.855, "en")
('85,5 %', '85.5%')
>>> import datetime as dt
>>> fmt_date(dt.date(2023, 11, 30), "vi"), fmt_date(dt.date(2023, 11, 30), "en")
('30/11/2023', '2023-11-30')
>>> str(Message("common.yes"))
'có'
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import functools
import numbers
import re
import string
from pathlib import Path
from typing import Any, Iterator, Mapping

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
MESSAGE_DIR = Path(__file__).resolve().parent / "messages"

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("emusim_lang", default=DEFAULT_LANG)

__all__ = ["LANGS", "DEFAULT_LANG", "Message", "t", "get_lang", "set_lang", "using_lang", "check_lang",
           "catalogue", "fmt_number", "fmt_percent", "fmt_date", "fmt_month", "fmt_value", "placeholders"]


def check_lang(lang: str | None) -> str:
    """The language to use: ``lang`` if given (``vi`` or ``en``), else the current one."""
    if lang is None:
        return _current.get()
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def get_lang() -> str:
    return _current.get()


def set_lang(lang: str) -> None:
    """Set the language of this context (the CLI does it once from ``--lang``)."""
    _current.set(check_lang(lang))


@contextlib.contextmanager
def using_lang(lang: str | None) -> Iterator[str]:
    """``with using_lang("en"): …`` renders every message inside in English."""
    token = _current.set(check_lang(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Every message, ``"<domain>.<key>" → {"vi": …, "en": …}``, read once from ``messages/``."""
    import yaml

    out: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            if not isinstance(key, str):  # YAML 1.1 reads a bare yes/no/on/off key as a bool: quote it
                raise ValueError(f"{path.name}: message key {key!r} is not text; quote it")
            out[f"{path.stem}.{key}"] = dict(texts or {})
    return out


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a message text uses.

    >>> sorted(placeholders("{a} và {b:.1f} {{không}}"))
    ['a', 'b']
    """
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def fmt_number(x: float, lang: str | None = None, digits: int = 2) -> str:
    """A number written the language's way, at most ``digits`` decimals, no trailing zeros.

    >>> fmt_number(3.0, "vi"), fmt_number(-2.25, "vi"), fmt_number(1e6, "en")
    ('3', '-2,25', '1,000,000')
    """
    from babel.numbers import format_decimal

    lang = check_lang(lang)
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(round(float(x), digits) + 0.0, format=pattern, locale="vi_VN" if lang == "vi" else "en_US")


def fmt_percent(x: float, lang: str | None = None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.855 → "85,5 %" (vi) / "85.5%" (en)."""
    lang = check_lang(lang)
    text = fmt_number(100.0 * float(x), lang, digits)
    return text + (" %" if lang == "vi" else "%")


def fmt_date(d, lang: str | None = None) -> str:
    """A date as dd/mm/yyyy (vi) or ISO yyyy-mm-dd (en)."""
    lang = check_lang(lang)
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d[:10])
    if isinstance(d, _dt.datetime):
        d = d.date()
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()


def fmt_month(period, lang: str | None = None) -> str:
    """A month ``YYYY-MM`` as 11/2023 (vi) or 2023-11 (en); any other text unchanged.

    >>> fmt_month("2023-11", "vi"), fmt_month("2023-11", "en"), fmt_month("2025-12-01", "vi")
    ('11/2023', '2023-11', '2025-12-01')
    """
    text = str(period)
    match = _MONTH.fullmatch(text)
    if match is None or check_lang(lang) == "en":
        return text
    return f"{match.group(2)}/{match.group(1)}"


def fmt_value(v: Any, lang: str | None = None) -> Any:
    """How a placeholder value is written: numbers and dates the language's way, messages rendered."""
    if isinstance(v, Message):
        return v.text(lang)
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, numbers.Integral):
        return fmt_number(int(v), lang, 0)
    if isinstance(v, numbers.Real):
        return fmt_number(float(v), lang)
    if isinstance(v, (_dt.date, _dt.datetime)):
        return fmt_date(v, lang)
    return v


def t(key: str, lang: str | None = None, **values: Any) -> str:
    """The text of message ``key`` in ``lang`` (default: the current language), filled in."""
    lang = check_lang(lang)
    try:
        texts = catalogue()[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in emusim/i18n/messages/") from None
    text = texts.get(lang) or texts.get("vi" if lang == "en" else "en") or key
    return text.format(**{k: fmt_value(v, lang) for k, v in values.items()})


class Message:
    """A message to render later, in whichever language the reader asks for.

    >>> m = Message("common.yes")
    >>> m.text("en"), m.text("vi")
    ('yes', 'có')
    """

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values: Any):
        self.key = key
        self.values: Mapping[str, Any] = values

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {dict(self.values)!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, Message):
            return self.key == other.key and dict(self.values) == dict(other.values)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.key)
