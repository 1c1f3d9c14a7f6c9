"""Why a CSV file could not be read, in the reader's words rather than pandas' (issue 14).

pandas explains a malformed file in English ("Error tokenizing data. C error: Expected 4
fields in line 11, saw 13"); :func:`csv_reason` turns the errors it raises into a catalogue
message, so the Vietnamese error names the line and the number of fields in Vietnamese.

>>> import pandas as pd
>>> exc = pd.errors.ParserError("Error tokenizing data. C error: Expected 4 fields in line 11, saw 13\\n")
>>> csv_reason(exc).text("vi")
'dòng 11 có 13 trường, trong khi dòng tiêu đề có 4 (thừa dấu phẩy, hoặc ô có dấu phẩy mà không đặt trong ngoặc kép?)'
>>> csv_reason(pd.errors.EmptyDataError("No columns to parse from file")).text("en")
'the file is empty (no header row)'
"""
from __future__ import annotations

import re

from ..i18n import Message

__all__ = ["csv_reason"]

_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def csv_reason(exc: BaseException) -> Message:
    """The catalogue message saying why ``pd.read_csv`` failed with ``exc``."""
    import pandas as pd

    if isinstance(exc, UnicodeDecodeError):
        return Message("io.csv_encoding")
    if isinstance(exc, pd.errors.EmptyDataError):
        return Message("io.csv_empty")
    m = _FIELDS.search(str(exc))
    if m:
        return Message("io.csv_fields", expected=m.group(1), line=m.group(2), saw=m.group(3))
    if isinstance(exc, OSError):
        return Message("io.csv_os", detail=str(exc.strerror or exc))
    return Message("io.csv_other", detail=str(exc).strip())
