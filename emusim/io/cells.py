"""Text cells that a spreadsheet would run as a formula, made inert (issue 18).

A registry or observations name such as ``=HYPERLINK("http://…","x")`` must not become a live
formula in a file an official opens in Excel. A *text* cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return (or their full-width forms, which some Excel
locales read the same way) is:

* in XLSX: written as a text cell with Excel's "quote prefix" flag — the text is kept exactly,
  Excel shows it as text and does not run it, even when the cell is edited;
* in CSV: prefixed with an apostrophe ``'`` (the OWASP advice), which Excel hides and which
  stops it reading the cell as a formula.

Numbers stay numbers: ``-5`` (a number) is untouched, ``"-5"`` (text) is escaped.

>>> escape_text('=HYPERLINK("http://x","y")'), escape_text("-5"), escape_text(-5), escape_text("Xã Ngũ Chỉ Sơn")
('\\'=HYPERLINK("http://x","y")', "'-5", -5, 'Xã Ngũ Chỉ Sơn')
>>> import pandas as pd
>>> escape_frame(pd.DataFrame({"name": ["@SUM(1)", "ok"], "total": [-1.5, 2.0]})).to_dict("list")
{'name': ["'@SUM(1)", 'ok'], 'total': [-1.5, 2.0]}
"""
from __future__ import annotations

import re

import pandas as pd

#: first characters that make a spreadsheet read a text cell as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# control characters an XLSX file cannot hold (openpyxl refuses them)
_ILLEGAL_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def is_formula_like(value) -> bool:
    """A text value a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def escape_text(value):
    """The CSV form of one cell: ``'`` before formula-like text; anything else unchanged."""
    return "'" + value if is_formula_like(value) else value


def _text_columns(df: pd.DataFrame) -> list:
    return [c for c in df.columns if df[c].dtype == object or isinstance(df[c].dtype, (pd.StringDtype, pd.CategoricalDtype))]


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every formula-like text cell, index label and header escaped for
    CSV (see :func:`escape_text`); ``df`` itself is not changed."""
    out = df.copy()
    for c in _text_columns(out):
        col = out[c].astype(object) if isinstance(out[c].dtype, pd.CategoricalDtype) else out[c]
        if col.map(is_formula_like).any():
            out[c] = col.map(escape_text)
    return out.rename(index=escape_text, columns=escape_text)


def xlsx_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the control characters an XLSX file cannot hold replaced by U+FFFD (so a
    hostile cell is shown, not a crash). Formula-like text is handled by :func:`neutralise_workbook`."""
    def clean(v):
        return _ILLEGAL_XML.sub("\ufffd", v) if isinstance(v, str) else v

    cols = [c for c in _text_columns(df) if df[c].map(lambda v: isinstance(v, str) and bool(_ILLEGAL_XML.search(v))).any()]
    if not cols and not any(isinstance(v, str) and _ILLEGAL_XML.search(v) for v in list(df.index) + list(df.columns)):
        return df
    out = df.copy()
    for c in cols:
        out[c] = out[c].astype(object).map(clean)
    return out.rename(index=clean, columns=clean)


def neutralise_workbook(wb) -> int:
    """Make every formula-like text cell of an openpyxl workbook a plain text cell with the
    quote prefix (the text is kept exactly). emusim writes no formulas, so a cell openpyxl
    took for one (``data_type == "f"``, from text beginning with ``=``) is text too.
    Returns the number of cells changed."""
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if is_formula_like(v):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed
