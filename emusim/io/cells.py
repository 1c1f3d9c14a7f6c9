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


def _map_text(df: pd.DataFrame, needs, fix) -> pd.DataFrame:
    """A copy of ``df`` with ``fix`` applied to every text cell, index label and header for
    which ``needs`` holds (columns by position, so repeated headers are fine)."""
    out = df.copy()
    for j in range(out.shape[1]):
        col = out.iloc[:, j]
        if col.dtype == object or isinstance(col.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            col = col.astype(object)
            if col.map(needs).any():
                out.isetitem(j, col.map(lambda v: fix(v) if needs(v) else v))
    return out.rename(index=lambda v: fix(v) if needs(v) else v, columns=lambda v: fix(v) if needs(v) else v)


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every formula-like text cell, index label and header escaped for
    CSV (see :func:`escape_text`); ``df`` itself is not changed."""
    return _map_text(df, is_formula_like, lambda v: "'" + v)


def _illegal(v) -> bool:
    return isinstance(v, str) and bool(_ILLEGAL_XML.search(v))


def xlsx_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the control characters an XLSX file cannot hold replaced by U+FFFD (so a
    hostile cell is shown, not a crash). Formula-like text is handled by :func:`neutralise_workbook`."""
    return _map_text(df, _illegal, lambda v: _ILLEGAL_XML.sub("\ufffd", v))


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
