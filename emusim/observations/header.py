"""Locate the header (stage 2 of the reading flow): title rows, the header row, the numbering row.

Officials' sheets open with title and note rows ("BIỂU TỔNG HỢP KẾT QUẢ … THÁNG 11/2023",
"Đơn vị báo cáo: …"), then the header ("STT | Tên đơn vị | Huyện | Tỷ lệ … (%) | …"), often a
numbering row under it ("(1) (2) (3) …"), then one row per unit, sometimes district sub-heading
rows ("I | Huyện Đồng Văn") and a totals row ("Tổng cộng", "Cộng", "Toàn tỉnh"). The header is
the first of the top rows in which the most cells are recognised (a unit column, a period,
an indicator); the title rows above it are searched for the month ("tháng 11/2023", "năm 2023").
"""
from __future__ import annotations

import functools
import re

import pandas as pd
from unidecode import unidecode

from .values import blank

__all__ = ["key", "role_of", "find_header", "is_numbering_row", "period_in_text", "is_total_row"]

_ROLES = {
    "code": ("locality id", "ma dvhc", "ma xa", "ma don vi", "ma", "ma so", "code", "id", "ma dvhc xa",
             "ma xa phuong", "ma dia ban", "ma don vi hanh chinh", "ma dvhc cap xa", "locality"),
    "name": ("ten don vi", "ten", "don vi", "ten xa", "xa phuong thi tran", "ten xa phuong thi tran", "name",
             "short name", "dia phuong", "don vi hanh chinh", "ten dvhc", "ten co quan don vi", "co quan don vi",
             "ten dia phuong", "xa", "ten xa phuong", "don vi cap xa"),
    "district": ("huyen", "huyen thanh pho", "huyen thi xa thanh pho", "district", "don vi cap huyen",
                 "ten huyen", "thuoc huyen", "parent id", "huyen tp", "huyen thi xa"),
    "period": ("period", "ky", "ky bao cao", "thang", "thoi gian", "thang bao cao", "ky danh gia", "thang nam"),
    "indicator": ("indicator", "chi tieu", "ma chi tieu", "ten chi tieu", "tieu chi", "noi dung", "noi dung chi tieu"),
    "value": ("value", "gia tri", "ket qua", "so lieu", "ket qua thuc hien"),
    "stt": ("stt", "so tt", "tt", "so thu tu"),
    "ignore": ("note", "notes", "ghi chu", "unit type", "level", "don vi tinh", "dvt", "loai", "nguoi bao cao",
               "nguon", "urban class"),
}
_ROLE_OF = {alias: role for role, aliases in _ROLES.items() for alias in aliases}
_NON_WORD = re.compile(r"[^0-9a-z%]+")


@functools.lru_cache(maxsize=65536)
def _key(text: str) -> str:
    t = unidecode(text).casefold().replace("đ", "d")
    return _NON_WORD.sub(" ", t).strip()


def key(text) -> str:
    """A header or name reduced for comparison: no diacritics, lower case, words only.

    >>> key("  Mã  ĐVHC "), key("Tỷ lệ (%)"), key("locality_id")
    ('ma dvhc', 'ty le %', 'locality id')
    """
    if blank(text):
        return ""
    return _key(str(text))


def role_of(header) -> str | None:
    """The role of a descriptive column, or None (maybe an indicator).

    >>> role_of("Mã ĐVHC"), role_of("Tên đơn vị"), role_of("Huyện, thành phố"), role_of("Ghi chú")
    ('code', 'name', 'district', 'ignore')
    """
    k = key(header)
    if k.startswith(("#", "_")) or str(header).strip().startswith(("#", "_")):
        return "ignore"
    return _ROLE_OF.get(k)


def is_numbering_row(cells) -> bool:
    """A row "(1) (2) (3) …" or "1 2 3 …" or "A B 1 2" under the header.

    >>> is_numbering_row(["(1)", "(2)", "(3)", None, "(4)"]), is_numbering_row(["1", "Xã A", "0.5"])
    (True, False)
    """
    filled = [str(c).strip() for c in cells if not blank(c)]
    if len(filled) < 2:
        return False
    ok = sum(bool(re.fullmatch(r"\(?(\d{1,3}|[A-Za-z])\)?(=[\d()+\-*/x ]+)?", c)) for c in filled)
    return ok == len(filled)


_TOTAL = ("tong cong", "cong", "toan tinh", "tong", "tong so", "toan huyen", "tong cong toan tinh", "chung",
          "total", "trung binh", "binh quan")


def is_total_row(texts) -> bool:
    """A totals / summary row ("Tổng cộng", "Cộng", "Toàn tỉnh", "Tổng số").

    >>> is_total_row(["", "Tổng cộng"]), is_total_row(["Toàn tỉnh"]), is_total_row(["Xã Cộng Hòa"])
    (True, True, False)
    """
    for t in texts:
        k = key(t)
        if k and (k in _TOTAL or k.startswith(("tong cong", "toan tinh", "cong toan"))):
            return True
    return False


_MONTH = re.compile(r"(?:th[aá]ng|t)\s*(\d{1,2})\s*(?:[/.-]|n[aă]m)\s*(\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"n[aă]m\s*(\d{4})", re.IGNORECASE)


def period_in_text(text) -> tuple[pd.Period, str] | None:
    """The month a title names, and how it was read ('month' or 'year').

    >>> period_in_text("KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06 THÁNG 11/2023")
    (Period('2023-11', 'M'), 'month')
    >>> period_in_text("Biểu tổng hợp năm 2023")
    (Period('2023-12', 'M'), 'year')
    """
    if blank(text):
        return None
    s = str(text)
    m = _MONTH.search(s)
    if m and 1 <= int(m.group(1)) <= 12 and int(m.group(2)) >= 1900:
        return pd.Period(f"{m.group(2)}-{int(m.group(1)):02d}", freq="M"), "month"
    m = _YEAR.search(s)
    if m and int(m.group(1)) >= 1900:
        return pd.Period(f"{m.group(1)}-12", freq="M"), "year"
    return None


def find_header(rows, recognise, scan: int = 40) -> int | None:
    """Position in ``rows`` of the header row: the first of the top ``scan`` rows with the most
    recognised cells (``recognise(cell) -> bool``), at least one of them a unit column."""
    best, best_score = None, 0
    for pos, (_, cells) in enumerate(rows[:scan]):
        roles = [role_of(c) for c in cells if not blank(c)]
        if not any(r in ("code", "name") for r in roles):
            continue
        score = sum(1 for c in cells if not blank(c) and (role_of(c) is not None or recognise(c)))
        if score > best_score:
            best, best_score = pos, score
    return best
