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
>>> english_leaks("Mức nâng chỉ tiêu: +20 điểm % (uplift.city=0.2); tệp scenarios/ha_giang.yaml, --set, --level tasks, /tmp/brief/hg")
[]
>>> english_leaks("mã 'chairman' của hình thức khen thưởng")   # quoted: verbatim
[]
>>> english_leaks("kết quả passed/failed")
['passed', 'failed']
"""
from __future__ import annotations

import functools
import re
import unicodedata

from . import catalogue

__all__ = ["english_vocabulary", "english_leaks", "words_of", "is_syllable"]

# Words both languages write alike in our outputs although no Vietnamese message happens to
# hold them: file formats, product and method names, units.
_SHARED = {"csv", "xlsx", "xls", "zip", "yaml", "pdf", "png", "json", "md", "html", "eid", "vneid", "dvc", "cds",
           "ubnd", "nsga", "sobol", "saltelli", "monte", "carlo", "pareto", "voila", "jupyter", "excel",
           "utf", "bom", "windows", "emusim", "seed", "dataframe", "int", "svg", "spearman", "kendall", "pandas", "numpy", "python", "demo", "iso", "yyyy", "dd", "mm", "max", "min", "top", "gini", "kpi", "ok"}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# What an output quotes on purpose, beside its Vietnamese wording: adjust paths
# ("uplift.city=0.2"), command-line options ("--set"), file names and paths, web addresses,
# and snake_case ids of the data (an indicator's column 'work_files_online_rate').
_QUOTED = re.compile(r"https?://\S+|(?<![\w/])(?:~|\.{1,2})?/[\w./~-]+|--[a-z][a-z-]*(?:[ =][\w.:=/-]+)?|-[a-z]\b|[\w./\\-]+\.(?:csv|xlsx|xls|yaml|yml|json|md|png|pdf|html|ipynb)\b"
                     r"|\b[A-Za-z_][\w]*(?:\.[\w]+)+(?:=[^\s,;)]*)?|\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")
_WORD = re.compile(r"[^\W\d_]+")
# An ids-in-quotes segment ('chairman', `min_met`) is verbatim: what the user must type, or the data.
# So are the command a message comes from ("emusim award: …") and a scheme's code "plan_id:level".
_VERBATIM = re.compile(r"'[^'\n]{1,60}'|`[^`\n]{1,60}`|\bemusim [a-z-]+|\b[a-z0-9]+(?:_[a-z0-9]+)+:[a-z_]+\b")
# A word written without diacritics that could still be one Vietnamese syllable ("theo", "trong",
# "cho"); "commune", "plan" or "and" cannot, so a Vietnamese text that shows such an id does not
# make it Vietnamese.
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")


def is_syllable(word: str) -> bool:
    """Whether ``word`` could be one Vietnamese syllable written without its marks.

    >>> [w for w in ("theo", "trong", "nghieng", "commune", "plan", "and") if is_syllable(w)]
    ['theo', 'trong', 'nghieng']
    """
    return bool(_SYLLABLE.fullmatch(word))


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
        vi = _VERBATIM.sub(" ", _PLACEHOLDER.sub(" ", texts.get("vi", "")))
        vietnamese.update(w for w in words_of(vi) if not w.isascii() or is_syllable(w))
    return frozenset(w for w in english - vietnamese - _SHARED if len(w) >= 3 and w.isascii())


def english_leaks(text: str, allow: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The English words of ``text``, in order of first appearance (``allow``: words of the data,
    e.g. a locality's name, that happen to look English)."""
    vocabulary = english_vocabulary()
    seen: dict[str, None] = {}
    for w in words_of(_QUOTED.sub(" ", _VERBATIM.sub(" ", text))):
        if w in vocabulary and w not in allow:
            seen.setdefault(w, None)
    return list(seen)
