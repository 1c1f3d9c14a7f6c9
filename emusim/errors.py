"""Errors that are data: every problem names its place (file:line, row, column, path).

Modelled on ParamTools: validation collects *all* problems first and raises one error
listing them, so an analyst fixes a file in one pass.

>>> err = InputError([Problem("unknown key 'maxx'", file="x.yaml", line=12)])
>>> print(err)
x.yaml:12: unknown key 'maxx'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Problem:
    """One problem with user input, and where it is."""

    message: str
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
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


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
