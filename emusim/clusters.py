"""Where a nomination runs, after the two-level reform (issue 12).

Since 1 July 2025 there is no district level: a plan written for the old geography ("mỗi
huyện, thành phố lựa chọn 01 tập thể … thuộc cấp xã", Hà Giang 186/KH-UBND IV.2.3) has no
parent to nominate in. A scheme's ``awards.nomination.group`` says where it runs:

``parent``           the parent level of ``nomination.parent_level`` (today's behaviour);
``cluster``          the emulation cluster ("cụm thi đua"): registry column ``cluster``, filled
                     from a CSV the province keeps by :func:`assign_clusters`;
``former_district``  the district a unit belonged to before 1 July 2025: registry column
                     ``former_district_id`` when present, else derived from
                     ``data/localities/merger_2025.csv`` (:func:`former_districts`);
``province``         no nomination step: every eligible unit competes province-wide.

Per-group slot rules (``per_parent``, the "nhiều xã" extra for a group with at least
``extra_min_children`` units) apply to every grouping but ``province``. A grouping the
registry does not have is an :class:`~emusim.errors.InputError` naming the options, never
a single province-wide nominee.

The module also gives the urban classes of a two-level registry
(:func:`two_level_classes`: phường, the former city's xã, the former townships) and the
linter's check that a scheme maps every class of the registry it is used on
(:func:`registry_findings`).
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .i18n import Message
from .io.readerrors import csv_reason
from .model import NOMINATION_GROUPS, TWO_LEVEL_CLASSES, Nomination

MERGER_FILE = Path(__file__).resolve().parent.parent / "data" / "localities" / "merger_2025.csv"

__all__ = ["NOMINATION_GROUPS", "Grouping", "nomination_grouping", "assign_clusters", "former_districts",
           "with_former_districts", "two_level_classes", "registry_findings"]


@dataclass(frozen=True)
class Grouping:
    """Where each unit is nominated: ``keys`` (group id per unit; all None for ``province``),
    ``sizes`` (units of the scheme's level in the group, counted in the registry) and the
    groups' ``names`` (as the registry writes them; the reason adds "cụm thi đua …" / "… (cũ)")."""

    kind: str
    keys: np.ndarray
    sizes: np.ndarray
    names: Mapping = field(default_factory=dict)

    @property
    def nominates(self) -> bool:
        """False for ``province``: every eligible unit is a nominee."""
        return self.kind != "province"

    def name(self, key) -> str:
        return str(self.names.get(key, key))


# ------------------------------------------------------------------------------ grouping
def _missing_error(nomination: Nomination, unit_level: str, registry_name: str, missing: list[str],
                   column: str, hint: str) -> InputError:
    return InputError([Problem(Message("clusters.group_missing", group=nomination.group, what=hint,
                                       registry=registry_name, n=len(missing),
                                       examples=", ".join(missing[:5]) + (" …" if len(missing) > 5 else ""),
                                       options=" | ".join(NOMINATION_GROUPS)),
                               path="awards.nomination.group", column=column if column != hint else None)])


def _registry_name(registry) -> str:
    if registry is None:
        return "—"
    name = registry.attrs.get("name") or registry.attrs.get("file")
    if not name and "province" in registry and len(registry):
        name = str(registry["province"].dropna().astype(str).iloc[0])
    return str(name or "registry")


def _sizes_of(keys: np.ndarray, registry: pd.DataFrame | None, column_values: pd.Series | None) -> np.ndarray:
    """Units of the level per group: counted over ``column_values`` (the registry's units of the
    level) when given, else among ``keys``."""
    keys_s = pd.Series(keys, dtype=object)
    counts = (column_values if column_values is not None else keys_s).value_counts()
    return keys_s.map(counts).fillna(0).to_numpy(dtype=int)


def nomination_grouping(nomination: Nomination, ids, registry: pd.DataFrame | None, unit_level: str,
                        table: pd.DataFrame | None = None) -> Grouping:
    """The nomination group of every unit of ``ids`` (one mechanism for ``allocate`` and the batch engine).

    ``table``: the score table (or the batch engine's unit info), read for ``parent_id`` or
    ``cluster`` when there is no registry.

    >>> reg = pd.DataFrame({"level": ["province", "commune", "commune", "commune"],
    ...                     "parent_id": ["", "P", "P", "P"], "cluster": ["", "K1", "K1", "K2"]},
    ...                    index=["P", "C1", "C2", "C3"])
    >>> g = nomination_grouping(Nomination("district", group="cluster"), ["C1", "C2", "C3"], reg, "commune")
    >>> g.keys.tolist(), g.sizes.tolist()
    (['K1', 'K1', 'K2'], [2, 2, 1])
    >>> nomination_grouping(Nomination("district"), ["C1"], reg, "commune")
    Traceback (most recent call last):
    ...
    emusim.errors.InputError: cột 'parent_id', awards.nomination.group: nhóm đề cử 'parent' (đơn vị cấp district bên trên) không có trong danh mục registry cho 1 đơn vị (C1). Chọn awards.nomination.group = parent | cluster | former_district | province (cluster cần --clusters FILE hoặc es.assign_clusters; đặt bằng --set awards.nomination.group=…)
    """
    ids = np.asarray(ids, dtype=str)
    n = len(ids)
    kind = nomination.group
    level_units = None
    if registry is not None and "level" in registry:
        level_units = registry.index.astype(str)[registry["level"].astype(str) == unit_level]
    if kind == "province":
        return Grouping(kind, np.full(n, None, dtype=object), np.full(n, n, dtype=int))
    if kind == "parent":
        from .allocate import parent_sizes
        from .registry import ancestor_ids

        if registry is not None:
            keys = ancestor_ids(registry, ids, nomination.parent_level)
            names = _LazyNames(registry, "name")
        elif table is not None and "parent_id" in table:
            keys = table["parent_id"].to_numpy(dtype=object)
            keys = np.where(pd.isna(keys) | (keys == ""), None, keys).astype(object)
            names = {}
        else:
            keys = np.full(n, None, dtype=object)
            names = {}
        missing = [i for i, k in zip(ids, keys) if k is None]
        if missing:
            raise _missing_error(nomination, unit_level, _registry_name(registry), missing, "parent_id",
                                 Message("clusters.what_parent", level=nomination.parent_level))
        sizes = parent_sizes(keys, registry, unit_level, nomination.parent_level)
        return Grouping(kind, keys, sizes, names)
    if kind == "former_district":
        if registry is not None and ("former_district_id" not in registry or "former_district" not in registry):
            registry = with_former_districts(registry)
        column, name_col = "former_district_id", "former_district"
    else:
        column, name_col = "cluster", "cluster_name"
    source = registry if registry is not None and column in registry else table
    if source is None or column not in source:
        raise _missing_error(nomination, unit_level, _registry_name(registry), list(ids), column, column)
    col = source[column].astype(object)
    col = col.where(col.notna() & (col.astype(str).str.strip() != ""), None)
    col.index = col.index.astype(str)
    keys = col.reindex(ids).to_numpy(dtype=object)
    keys = np.where(pd.isna(keys), None, keys).astype(object)
    missing = [i for i, k in zip(ids, keys) if k is None]
    if missing:
        raise _missing_error(nomination, unit_level, _registry_name(registry), missing, column, column)
    in_level = col.reindex(level_units).dropna() if level_units is not None and source is registry else None
    names = {}
    if name_col in source:
        names = dict(zip(col.dropna().to_numpy(), source.loc[col.notna().to_numpy(), name_col].astype(str)))
    names = {k: v for k, v in names.items() if v} or {k: k for k in set(keys)}
    return Grouping(kind, keys, _sizes_of(keys, registry, in_level), names)


class _LazyNames:
    """Names of parent units, looked up only for the few a reason mentions."""

    def __init__(self, registry: pd.DataFrame, column: str):
        self._names = registry[column] if column in registry else None

    def get(self, key, default=None):
        try:
            return str(self._names.loc[key]) if self._names is not None else default
        except KeyError:
            return default


# ------------------------------------------------------------------------------ clusters
def assign_clusters(registry: pd.DataFrame, path) -> pd.DataFrame:
    """A copy of ``registry`` with the column ``cluster`` (and ``cluster_name``) read from ``path``.

    The CSV (UTF-8, header row) has ``locality_id`` and ``cluster`` and optionally
    ``cluster_name`` (and ``name``, for people; not read). Every id must be a unit of the
    registry, listed once, with a cluster; every unit of a level the file covers must be in
    it (a province keeps all its communes in clusters). All problems are reported together.
    Units of other levels get an empty cluster. The registry passed in is not changed.
    """
    source = str(path)
    if not Path(os.fspath(path)).is_file():
        raise InputError([Problem(Message("clusters.file_not_found"), file=source)])
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError([Problem(Message("clusters.unreadable", error=csv_reason(exc)), file=source)]) from None
    raw.columns = [str(c).strip().casefold() for c in raw.columns]
    problems = [Problem(Message("clusters.missing_column", column=c), file=source, row=1, column=c)
                for c in ("locality_id", "cluster") if c not in raw.columns]
    if problems:
        raise InputError(problems)
    reg_ids = pd.Index(registry.index.astype(str))
    seen: dict[str, int] = {}
    for k, r in enumerate(raw.itertuples(index=False), start=2):
        lid, cl = str(r.locality_id).strip(), str(r.cluster).strip()
        if not lid:
            problems.append(Problem(Message("clusters.empty_unit"), file=source, row=k, column="locality_id"))
        elif lid not in reg_ids:
            problems.append(Problem(Message("clusters.unknown_unit", unit=lid), file=source, row=k, column="locality_id"))
        elif lid in seen:
            problems.append(Problem(Message("clusters.duplicate", unit=lid, first=seen[lid]), file=source, row=k,
                                    column="locality_id"))
        else:
            seen[lid] = k
        if not cl:
            problems.append(Problem(Message("clusters.empty_cluster", unit=lid), file=source, row=k, column="cluster"))
    if not problems and "level" in registry:
        levels = registry["level"].astype(str)
        levels.index = reg_ids
        covered = set(levels.reindex(list(seen)))
        left_out = [i for i in reg_ids[levels.isin(covered).to_numpy()] if i not in seen]
        if left_out:
            problems.append(Problem(Message("clusters.left_out", n=len(left_out), levels=", ".join(sorted(covered)),
                                            examples=", ".join(left_out[:8]) + (" …" if len(left_out) > 8 else "")),
                                    file=source, column="locality_id"))
    if problems:
        raise InputError(problems)
    out = registry.copy()
    ids = raw["locality_id"].str.strip()
    by_id = dict(zip(ids, raw["cluster"].str.strip()))
    out["cluster"] = [by_id.get(i, "") for i in reg_ids]
    if "cluster_name" in raw.columns:
        names = dict(zip(ids, raw["cluster_name"].str.strip()))
        out["cluster_name"] = [names.get(i, "") for i in reg_ids]
    out.attrs = dict(registry.attrs, clusters=source)
    return out


# ------------------------------------------------------------------------------ former districts
@functools.lru_cache(maxsize=2)
def _merger(path: str = str(MERGER_FILE)) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"old_id": str, "old_district_id": str, "new_id": str})


def _merger_rows(registry: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``merger_2025.csv`` for the new units of ``registry`` (matched on id and province)."""
    m = _merger()
    if "province" in registry:
        provinces = set(registry["province"].dropna().astype(str))
        m = m[m["new_province"].isin(provinces)]
    return m[m["new_id"].isin(registry.index.astype(str))]


def former_districts(registry: pd.DataFrame) -> pd.DataFrame:
    """Per new unit: the former district it mostly came from (``former_district_id``, ``former_district``).

    Read from ``merger_2025.csv``: a new xã or phường made of communes of several former
    districts belongs to the one that gave it the largest population share
    (``population_part``; ties: the lowest district code). Units the file does not list are
    left out of the result.
    """
    m = _merger_rows(registry)
    if m.empty:
        return pd.DataFrame(columns=["former_district_id", "former_district"])
    share = m.groupby(["new_id", "old_district_id", "old_district"], as_index=False)["population_part"].sum()
    share = share.sort_values(["new_id", "population_part", "old_district_id"], ascending=[True, False, True],
                              kind="mergesort")
    top = share.drop_duplicates("new_id").set_index("new_id")
    top.index.name = "locality_id"
    return top.rename(columns={"old_district_id": "former_district_id", "old_district": "former_district"})[
        ["former_district_id", "former_district"]]


def with_former_districts(registry: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``registry`` with ``former_district_id`` / ``former_district`` (empty where unknown).

    A registry that already has ``former_district_id`` (the merged registries the build script
    writes) keeps it; only the district names are added, from ``merger_2025.csv``.
    """
    out = registry.copy()
    ids = registry.index.astype(str)
    if "former_district_id" in registry:
        m = _merger()
        names = dict(zip(m["old_district_id"].astype(str), m["old_district"].astype(str)))
        fd_ids = registry["former_district_id"].fillna("").astype(str)
        out["former_district"] = fd_ids.map(names).fillna("").to_numpy()
    else:
        fd = former_districts(registry)
        out["former_district_id"] = fd["former_district_id"].reindex(ids).fillna("").to_numpy()
        out["former_district"] = fd["former_district"].reindex(ids).fillna("").to_numpy()
    out.attrs = dict(registry.attrs)
    return out


# ------------------------------------------------------------------------------ urban classes
_OLD_REGISTRY = {"Hà Giang": "ha_giang_2023", "Tuyên Quang": "tuyen_quang_2023", "Lào Cai": "lao_cai_2023"}
_FORMER = {"city": "former_city", "town": "former_city", "district_town": "former_township", "rural": "rural"}


def two_level_classes(registry: pd.DataFrame) -> pd.DataFrame:
    """A copy of a two-level ``registry`` whose ``urban_class`` says what each unit was.

    The registries of 1 July 2025 have only phường (class ``city``) and xã (``rural``): the
    former townships ("thị trấn", +10 pp in Hà Giang III.1.3) and the former city's xã (+15 pp)
    lose their class. Here: a phường is ``ward``; a xã takes the class of the former commune
    that gave it the largest population share (``merger_2025.csv``, old classes from the 2023
    registries): a former city's or thị xã's commune → ``former_city``, a thị trấn →
    ``former_township``, else ``rural``. Where the old class is unknown (Yên Bái has no
    2023 registry here) the unit keeps ``rural``. The registry's own class is kept in
    ``urban_class_registry``. A scheme must map ``ward``, ``former_city`` and
    ``former_township`` explicitly (``uplift.<class>``); the linter says so
    (:func:`registry_findings`).
    """
    from .registry import load_registry

    out = registry.copy()
    out.attrs = dict(registry.attrs)
    ids = registry.index.astype(str)
    m = _merger_rows(registry)
    old_class: dict[str, str] = {}
    for prov, name in _OLD_REGISTRY.items():
        if prov in set(m["old_province"]):
            old = load_registry(name)
            old_class.update(zip(old.index.astype(str), old["urban_class"].fillna("rural").astype(str)))
    m = m.assign(old_class=m["old_id"].map(old_class))
    m = m.sort_values(["new_id", "population_part", "old_id"], ascending=[True, False, True], kind="mergesort")
    core = m.drop_duplicates("new_id").set_index("new_id")["old_class"]
    current = registry["urban_class"].astype(object) if "urban_class" in registry else pd.Series("rural", index=registry.index)
    unit_type = registry["unit_type"].astype(str) if "unit_type" in registry else pd.Series("", index=registry.index)
    new = []
    for lid, cls, ut in zip(ids, current.to_numpy(), unit_type.to_numpy()):
        if pd.isna(cls) or cls == "":
            new.append(cls)
        elif ut == "phường":
            new.append("ward")
        else:
            oc = core.get(lid)
            new.append(_FORMER.get(oc, "rural") if isinstance(oc, str) else "rural")
    out["urban_class_registry"] = current.to_numpy()
    out["urban_class"] = new
    return out


def is_two_level(registry: pd.DataFrame) -> bool:
    """A registry of the two-level government: communes but no district level, listed in ``merger_2025.csv``."""
    if "level" not in registry or "urban_class" not in registry:
        return False
    levels = set(registry["level"].astype(str))
    return "commune" in levels and "district" not in levels and not _merger_rows(registry).empty


def registry_findings(scheme, registry: pd.DataFrame, registry_name: str | None = None) -> list:
    """Linter findings for ``scheme`` used on ``registry``: urban classes of the registry's units
    of the scheme's level that the scheme does not map (they get no uplift), and a grouping the
    registry lacks (the nomination would fail)."""
    from .lint import Finding

    name = registry_name or _registry_name(registry)
    where = f"{scheme.file or scheme.name} [{scheme.level}] × {name}"
    out = []
    if is_two_level(registry) and not set(registry["urban_class"].astype(str)) & set(TWO_LEVEL_CLASSES):
        registry = two_level_classes(registry)  # what the units were: the plan's classes need mapping to them
    if "urban_class" in registry and "level" in registry:
        classes = registry.loc[registry["level"].astype(str) == scheme.unit_level, "urban_class"].dropna().astype(str)
        uses = any(c.uplift for c in scheme.criteria) or any(g.uplift for g in scheme.gates)
        for cls in sorted(set(classes) - set(scheme.uplift) - {""}):
            if uses and cls != "rural":
                out.append(Finding("warning", where, Message("clusters.unmapped_class", cls=cls,
                                                              n=int((classes == cls).sum())).text(),
                                   "uplift-class-registry", scheme.file, None, f"uplift.{cls}"))
    nom = scheme.awards.nomination
    if nom is not None:
        try:
            nomination_grouping(nom, registry.index[registry["level"].astype(str) == scheme.unit_level]
                                if "level" in registry else registry.index, registry, scheme.unit_level)
        except InputError as exc:
            out.append(Finding("warning", where, exc.problems[0].text(), "nomination-group", scheme.file, None,
                               "awards.nomination.group"))
    return out


def plan_registry_findings(plan, registry, clusters=None) -> list:
    """:func:`registry_findings` for every points or standards scheme of ``plan`` on ``registry``
    (a name, a path or a DataFrame; ``clusters``: a cluster CSV applied first)."""
    from .registry import load_registry

    name = registry if isinstance(registry, str) else None
    reg = load_registry(registry) if not isinstance(registry, pd.DataFrame) else registry
    if clusters:
        reg = assign_clusters(reg, clusters)
    levels = set(reg["level"].astype(str)) if "level" in reg else set()
    out = []
    for scheme in plan.schemes.values():
        if scheme.kind in ("points", "standards") and scheme.unit_level in levels:
            out.extend(registry_findings(scheme, reg, name))
    return out
