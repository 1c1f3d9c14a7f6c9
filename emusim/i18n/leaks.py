"""English that leaks into a Vietnamese text (issue 14's done-when check).

The vocabulary is every word of the catalogue's English side that no Vietnamese message uses
(so "XLSX", "Monte Carlo", "eID" or a plan number, which both sides write alike, are not
English leaks), less a few words of the data itself. A Vietnamese output that holds one of
them has an English sentence, heading or reason left in it.

>>> english_leaks("Xã Minh Sơn không được đề cử: xếp thứ 3")
[]
>>> english_leaks("Xã Minh Sơn: not nominated by Huyện Mèo Vạc")
['not', 'nominated']
>>> english_leaks("cột 'work_files_online_rate' (ratio)")   # ids are the data's, 'ratio' is a leak
['ratio']
>>> english_leaks("Mức nâng chỉ tiêu: +20 điểm % (uplift.city=0.2); tệp scenarios/ha_giang.yaml, --set, /tmp/brief/hg")
[]
>>> english_leaks("kết quả passed/failed")
['passed', 'failed']
"""
from __future__ import annotations

import functools
import re
import unicodedata

from . import catalogue

__all__ = ["english_vocabulary", "english_leaks", "words_of"]

# Words both languages write alike in our outputs although no Vietnamese message happens to
# hold them: file formats, product and method names, units.
_SHARED = {"csv", "xlsx", "xls", "yaml", "pdf", "png", "json", "md", "html", "eid", "vneid", "dvc", "cds",
           "ubnd", "nsga", "sobol", "saltelli", "monte", "carlo", "pareto", "voila", "jupyter", "excel",
           "utf", "bom", "windows", "emusim", "iso", "yyyy", "dd", "mm", "max", "min", "top", "gini", "kpi", "ok"}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# What an output quotes on purpose, beside its Vietnamese wording: adjust paths
# ("uplift.city=0.2"), command-line options ("--set"), file names and paths, web addresses,
# and snake_case ids of the data (an indicator's column 'work_files_online_rate').
_QUOTED = re.compile(r"https?://\S+|(?<![\w/])(?:~|\.{1,2})?/[\w./~-]+|--?[a-z][a-z-]*|[\w./\\-]+\.(?:csv|xlsx|xls|yaml|yml|json|md|png|pdf|html|ipynb)\b"
                     r"|\b[A-Za-z_][\w]*(?:\.[\w]+)+(?:=[^\s,;)]*)?|\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")
_WORD = re.compile(r"[^\W\d_]+")


def words_of(text: str) -> list[str]:
    """The lower-case words of ``text`` (letters only; ``_`` and digits split them).

    >>> words_of("Lý do: tie_break (n_met) 85,5 %")
    ['lý', 'do', 'tie', 'break', 'n', 'met']
    """
    return [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text))]


@functools.lru_cache(maxsize=1)
def english_vocabulary() -> frozenset[str]:
    """Words of three letters or more that only the catalogue's English side uses."""
    english: set[str] = set()
    vietnamese: set[str] = set()
    for texts in catalogue().values():
        english.update(words_of(_PLACEHOLDER.sub(" ", texts.get("en", ""))))
        vietnamese.update(words_of(_PLACEHOLDER.sub(" ", texts.get("vi", ""))))
    return frozenset(w for w in english - vietnamese - _SHARED if len(w) >= 3 and w.isascii())


def english_leaks(text: str, allow: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The English words of ``text``, in order of first appearance (``allow``: words of the data,
    e.g. a locality's name, that happen to look English)."""
    vocabulary = english_vocabulary()
    seen: dict[str, None] = {}
    for w in words_of(_QUOTED.sub(" ", text)):
        if w in vocabulary and w not in allow:
            seen.setdefault(w, None)
    return list(seen)
