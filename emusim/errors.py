"""Errors that are data: every problem names its place (file:line, row, column, path).

Modelled on ParamTools: validation collects *all* problems first and raises one error
listing them, so an analyst fixes a file in one pass.

>>> err = InputError([Problem("unknown key 'maxx'", file="x.yaml", line=12)])
>>> print(err)
x.yaml:12: unknown key 'maxx'

A problem's message may be an :class:`emusim.i18n.Message`: it is then rendered in the
current language (Vietnamese unless the caller chose English), and so is the place:

>>> from emusim.i18n import using_lang
>>> p = Problem("bad value", file="a.csv", row=3, column="x")
>>> str(p)
"a.csv, dòng 3, cột 'x': bad value"
>>> with using_lang("en"):
...     str(p)
"a.csv, row 3, column 'x': bad value"
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .i18n import Message, t


@dataclass(frozen=True)
class Problem:
    """One problem with user input, and where it is."""

    message: "str | Message"
    file: str | None = None
    line: int | None = None
    row: int | None = None
    column: str | None = None
    path: str | None = None

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        if self.row is not None:
            parts.append(t("errors.row", row=str(self.row)))
        if self.column:
            parts.append(t("errors.column", column=self.column))
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)

    def text(self, lang: str | None = None) -> str:
        """The message alone, in ``lang`` (default: the current language)."""
        return self.message.text(lang) if isinstance(self.message, Message) else str(self.message)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.text()}" if where else self.text()


class EmusimError(Exception):
    """Base class of emusim's own errors."""


class InputError(EmusimError, ValueError):
    """Bad user input (a file, a table, an option). Carries every problem found.

    The command line prints it and exits with status 2.
    """

    def __init__(self, problems: Iterable[Problem] | str, **where):
        if isinstance(problems, str):
            problems = [Problem(problems, **where)]
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class AdjustError(InputError):
    """One or more bad paths or values given to ``Scheme.adjust``; nothing was changed."""


class NotFoundError(EmusimError, KeyError):
    """A lookup by id that found nothing (``plan.scheme("hamlet")``, ``scheme.criterion("x")``).

    Still a :class:`KeyError`; ``args[0]`` is the :class:`~emusim.i18n.Message` and ``str()``
    renders it in the current language (a plain KeyError would show its quoted repr).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class Bilingual(Message):
    """A placeholder value already written in each language (a list of ids with their labels).

    >>> from emusim.i18n import t
    >>> t("model.no_level", "en", plan="p", level="x", levels=Bilingual("commune (cấp xã)", "commune"))
    "plan 'p' has no level 'x'; the levels it defines: commune"
    """

    __slots__ = ("vi", "en")

    def __init__(self, vi: str, en: str):
        super().__init__("common.none")
        self.vi, self.en = vi, en

    def text(self, lang: str | None = None) -> str:
        from .i18n import check_lang

        return self.en if check_lang(lang) == "en" else self.vi

    def __repr__(self) -> str:
        return f"Bilingual({self.vi!r}, {self.en!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Bilingual) and (self.vi, self.en) == (other.vi, other.en)

    __hash__ = Message.__hash__
