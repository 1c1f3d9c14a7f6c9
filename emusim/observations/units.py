"""Map units (stage 3a of the reading flow): a code or a name → the registry's ``locality_id``.

By code: the cell as text; a code that lost its leading zeros (``2635`` for ``02635``) is
re-padded when exactly one registry id matches.

By name, case-, diacritics- and prefix-insensitive: "Xã Bản Mế", "xa ban me", "X. Bản Mế",
"Bản Mế" are the same; so are "Phường"/"P."/"F.", "Thị trấn"/"TT"/"TT.", "Thị xã"/"TX",
"Thành phố"/"TP"/"TP.", "Huyện"/"H.". A prefix also says which kind of unit is meant (a
"Phường Quang Trung" is not a "Xã Quang Trung"). A name that fits several units is decided by
the district column, a district sub-heading row above it, or the sheet's name; else it is an
error listing the candidates. The registry's ``former_names`` column ("; "-separated) is read
when present, so a file written before a renaming still matches. An unknown name is an error
listing the closest registry names (rapidfuzz).
"""
from __future__ import annotations

import functools
import re

import pandas as pd
from rapidfuzz import fuzz, process

from .header import key

__all__ = ["UnitMatcher", "strip_prefix"]

_PREFIXES = [  # (normalised prefix words, unit_type)
    ("thi tran", "thị trấn"), ("tt", "thị trấn"),
    ("phuong", "phường"), ("p", "phường"), ("f", "phường"),
    ("xa", "xã"), ("x", "xã"),
    ("thi xa", "thị xã"), ("tx", "thị xã"),
    ("thanh pho", "thành phố"), ("tp", "thành phố"),
    ("huyen", "huyện"), ("h", "huyện"),
    ("tinh", "tỉnh"),
]
_PREFIXES.sort(key=lambda p: -len(p[0]))


def strip_prefix(name) -> tuple[str, str | None]:
    return _strip_prefix(key(name))


@functools.lru_cache(maxsize=65536)
def _strip_prefix(k: str) -> tuple[str, str | None]:
    """('ban me', 'xã') for "X. Bản Mế"; the name key without its unit-type prefix.

    >>> strip_prefix("X. Bản Mế"), strip_prefix("TT Vị Xuyên"), strip_prefix("P. Nguyễn Trãi")
    (('ban me', 'xã'), ('vi xuyen', 'thị trấn'), ('nguyen trai', 'phường'))
    >>> strip_prefix("Phường 1")
    ('phuong 1', 'phường')
    """
    for words, unit_type in _PREFIXES:
        if k.startswith(words + " ") and len(k) > len(words) + 1:
            rest = k[len(words) + 1:]
            if rest.isdigit():   # "Phường 1": the number is the name
                return k, unit_type
            return rest, unit_type
    return k, None


#: name indices by registry object (building one costs more than reading a small file)
_CACHE: dict[tuple, tuple] = {}


class UnitMatcher:
    """Registry lookups by code and by name, with a record of how each unit matched."""

    def __init__(self, registry: pd.DataFrame | None, level: str | None = None):
        self.registry = registry
        self.level = level
        self.padded: dict[str, str] = {}
        self._unpadded: dict[str, list[str]] | None = None
        self.by_name: dict[str, list[tuple[str, str]]] = {}   # name key → [(id, how)]
        self.exact: dict[str, str] = {}
        self.districts: dict[str, list[str]] = {}
        if registry is None:
            return
        cache_key = (id(registry), len(registry), tuple(registry.columns), level)
        hit = _CACHE.get(cache_key)
        if hit is not None and hit[0] is registry:
            self.by_name, self.exact, self.districts = hit[1]
            return
        self._build(registry, level)
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[cache_key] = (registry, (self.by_name, self.exact, self.districts))

    def _build(self, registry, level) -> None:
        reg = registry
        if level is not None and "level" in reg:   # the scheme's units, and districts for the hints
            reg = reg[reg["level"].isin([level, "district", "province"])]
        ids = reg.index.astype(str)
        cols = [c for c in ("name", "short_name") if c in reg]
        for c in cols:
            for lid, name in zip(ids, reg[c].astype(str)):
                if name and name != "nan":
                    self.exact.setdefault(name.strip().casefold(), lid)
                    self._index(name, lid, "name")
        if "former_names" in reg:
            for lid, former in zip(ids, reg["former_names"]):
                if isinstance(former, str) and former.strip():
                    for name in former.split(";"):
                        if name.strip():
                            self._index(name, lid, "former_name")
        if "level" in reg:
            lv = reg["level"].astype(str).to_numpy()
            short = reg["short_name"].astype(str).to_numpy() if "short_name" in reg else ids
            for lid, l_, name, sn in zip(ids, lv, reg["name"].astype(str) if "name" in reg else ids, short):
                if l_ == "district":
                    for k in {strip_prefix(name)[0], key(name), key(sn)}:
                        self.districts.setdefault(k, []).append(lid)

    def _index(self, name: str, lid: str, how: str) -> None:
        for k in {strip_prefix(name)[0], key(name)}:
            lst = self.by_name.setdefault(k, [])
            if (lid, how) not in lst and all(x != lid for x, _ in lst):
                lst.append((lid, how))

    # ----------------------------------------------------------------- by code
    def code(self, raw) -> tuple[str | None, str, list[str]]:
        """(id or None, how: code | padded | unknown | ambiguous | empty, candidates)."""
        lid = _code_text(raw)
        if not lid:
            return None, "empty", []
        reg = self.registry
        if reg is None or lid in reg.index:
            return lid, "code", []
        if lid.isdigit():
            if self._unpadded is None:
                self._unpadded = {}
                for rid in reg.index.astype(str):
                    if rid.isdigit():
                        self._unpadded.setdefault(rid.lstrip("0"), []).append(rid)
            cands = [r for r in self._unpadded.get(lid.lstrip("0"), []) if r.endswith(lid)]
            if len(cands) == 1:
                self.padded[lid] = cands[0]
                return cands[0], "padded", []
            if len(cands) > 1:
                return None, "ambiguous", sorted(cands)
        return None, "unknown", self.closest_codes(lid)

    def closest_codes(self, lid: str) -> list[str]:
        if self.registry is None:
            return []
        hits = process.extract(lid, list(self.registry.index.astype(str)), scorer=fuzz.ratio, limit=3,
                               score_cutoff=75)
        return [h[0] for h in hits]

    # ----------------------------------------------------------------- by name
    def district_ids(self, text) -> list[str]:
        """Registry district ids a district cell (or sheet name, or sub-heading) names."""
        if text is None or self.registry is None:
            return []
        s = str(text).strip()
        reg = self.registry
        if "level" in reg and s in reg.index and reg.at[s, "level"] == "district":
            return [s]
        k, unit_type = strip_prefix(s)
        if unit_type not in (None, "huyện", "thành phố", "thị xã"):
            return []   # "TT Đồng Văn" is the township, not Huyện Đồng Văn
        return list(dict.fromkeys(self.districts.get(k, []) + self.districts.get(key(s), [])))

    def name(self, raw, district_hint: list[str] | None = None) -> tuple[str | None, str, list[str]]:
        """(id or None, how: exact_name | normalised_name | former_name | ambiguous | unknown, candidates)."""
        text = re.sub(r"\s+", " ", str(raw)).strip()
        if not text or self.registry is None:
            return None, "unknown", []
        k, unit_type = strip_prefix(text)
        cands = list(self.by_name.get(k, []))
        if not cands:
            cands = list(self.by_name.get(key(text), []))
        reg = self.registry
        if unit_type and "unit_type" in reg and len(cands) > 1:
            typed = [c for c in cands if str(reg.at[c[0], "unit_type"]).casefold() == unit_type]
            cands = typed or cands
        if self.level and "level" in reg and len(cands) > 1:
            at_level = [c for c in cands if reg.at[c[0], "level"] == self.level]
            cands = at_level or cands
        if district_hint and "parent_id" in reg and len(cands) > 1:
            inside = [c for c in cands if str(reg.at[c[0], "parent_id"]) in district_hint]
            cands = inside or cands
        if len(cands) == 1:
            lid, how = cands[0]
            if how == "name":
                exact = self.exact.get(text.casefold()) == lid
                how = "exact_name" if exact else "normalised_name"
            return lid, how, []
        if len(cands) > 1:
            return None, "ambiguous", [self.describe(c[0]) for c in cands]
        return None, "unknown", self.closest_names(text)

    def describe(self, lid: str) -> str:
        reg = self.registry
        name = str(reg.at[lid, "name"]) if "name" in reg else lid
        parent = ""
        if "parent_id" in reg and str(reg.at[lid, "parent_id"]) in reg.index:
            p = str(reg.at[lid, "parent_id"])
            parent = f", {reg.at[p, 'name']}" if "name" in reg else f", {p}"
        return f"{name} ({lid}{parent})"

    def closest_names(self, text: str) -> list[str]:
        k, _ = strip_prefix(text)
        choices = {}
        for name_key, lst in self.by_name.items():
            for lid, _ in lst:
                if self.level is None or "level" not in self.registry or self.registry.at[lid, "level"] == self.level:
                    choices.setdefault(name_key, lid)
        hits = process.extract(k, list(choices), scorer=fuzz.WRatio, limit=3, score_cutoff=60)
        return [self.describe(choices[h[0]]) for h in hits]


def _code_text(raw) -> str:
    if raw is None or (isinstance(raw, float) and raw != raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return re.sub(r"[\s\u00a0\u202f]+", "", str(raw))
