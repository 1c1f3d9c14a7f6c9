"""Locality registries: who is scored (provinces, districts, communes, villages).

A registry is a CSV file in ``data/localities/`` (columns in ``data/localities/README.md``)
loaded into a pandas DataFrame indexed by ``locality_id``. Loading is strict: every
problem (missing column, duplicate id, unknown parent, unknown urban class, a value that
is not a number…) is collected with its file, line and column and raised as one
:class:`RegistryError`.

>>> reg = load_registry("ha_giang_2023")
>>> int((reg["level"] == "commune").sum())
193
>>> reg.loc["00688", "name"], reg.loc["00688", "urban_class"]
('Phường Quang Trung', 'city')

Registries are **dated** (optional columns, see ``data/localities/README.md``):
``valid_from`` / ``valid_to`` (ISO dates, empty = open), ``former_names`` (earlier names,
most recent first, separated by ``"; "``), ``renamed_on`` (the day the current name took
effect), ``successor_id`` (the unit that absorbed this one after ``valid_to``) and
``change_ref`` (the resolution). ``load_registry(name, as_of=date)`` gives the units in
force on that date, with the names and populations of that date:

>>> int((load_registry("tuyen_quang_2023", as_of="2023-11")["level"] == "commune").sum())
138
>>> load_registry("tuyen_quang_2023", as_of="2023-11").loc["02608", "name"]
'Xã Hồng Lạc'
>>> int((load_registry("tuyen_quang_2023", as_of="2024-12")["level"] == "commune").sum())
137
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import warnings
import weakref
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .i18n import Message, t
from .io.readerrors import csv_reason

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LOCALITY_DIR = DATA_DIR / "localities"

#: Columns every registry must have (DESIGN §4).
REQUIRED_COLUMNS = ("locality_id", "name", "level", "parent_id", "unit_type", "urban_class",
                    "lat", "lon", "population", "population_14plus", "synthetic")
#: Urban classes of DESIGN §3.3 (same as ``emusim.model.URBAN_CLASSES``).
URBAN_CLASSES = ("rural", "district_town", "city", "town")
TWO_LEVEL_CLASSES = ("ward", "former_city", "former_township")  # emusim.clusters.two_level_classes
#: Allowed values of ``level`` (same as ``emusim.model.UNIT_LEVELS``).
LEVELS = ("province", "agency", "district", "commune", "village", "enterprise")
#: Territorial levels, coarsest first: a parent must be coarser than its child.
TERRITORIAL = ("province", "district", "commune", "village")
#: Levels whose rows may leave ``urban_class`` empty.
CLASSLESS_LEVELS = ("province", "agency", "enterprise")
_NUMERIC = ("lat", "lon", "population", "population_14plus")
#: Optional dated columns (DESIGN §4; TEAM contract: ``former_names`` separated by "; ").
DATE_COLUMNS = ("valid_from", "valid_to", "renamed_on")
NAME_SEPARATOR = "; "
_BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


class RegistryError(InputError):
    """A registry file is missing or malformed (a ``ValueError``; lists every problem)."""


# --------------------------------------------------------------------------- paths
def available_registries() -> list[str]:
    """Names of the registries shipped in ``data/localities/`` (without ``.csv``).

    >>> "lao_cai_2023" in available_registries()
    True
    """
    skip = {"merger_2025"}
    return sorted(p.stem for p in LOCALITY_DIR.glob("*.csv") if p.stem not in skip)


def resolve_registry(path_or_name: str | os.PathLike) -> Path:
    """Return the file for a path, or for a bare name such as ``"ha_giang_2023"``.

    A bare name (no directory part, with or without ``.csv``) that is not an existing
    file is looked up in ``data/localities/``.

    >>> resolve_registry("tuyen_quang_2025").name
    'tuyen_quang_2025.csv'
    """
    path = Path(path_or_name)
    if path.is_file():
        return path
    if path.is_dir():
        raise RegistryError([Problem(Message("yamlio.is_directory"), file=str(path))])
    if len(path.parts) == 1:
        candidate = LOCALITY_DIR / (path.name if path.suffix == ".csv" else f"{path.name}.csv")
        if candidate.is_file():
            return candidate
        raise RegistryError([Problem(Message("registry.unknown_name", name=str(path_or_name),
                                             known=", ".join(available_registries())))])
    raise RegistryError([Problem(Message("registry.file_not_found"), file=str(path))])


# --------------------------------------------------------------------------- loading
def load_registry(path_or_name: str | os.PathLike, as_of=None, fallback: bool = False) -> pd.DataFrame:
    """Load and validate a registry; return a DataFrame indexed by ``locality_id``.

    ``as_of`` (a date, ``"YYYY-MM-DD"``, or a month ``"YYYY-MM"`` meaning its last day):
    keep only the units in force that day (:func:`in_force`). Without it, every row of the
    file (all units in force at some time of the registry's span, names as last in force).
    When no unit is in force on ``as_of`` it raises, naming the registries that are; with
    ``fallback=True`` (the command line's evaluation month) it warns and returns every row
    (e.g. the merged 2025 communes scored on a 2023 month: a counterfactual study).

    ``locality_id`` and ``parent_id`` are strings (``parent_id`` is ``""`` for a root),
    ``urban_class`` is ``""`` where a level has none, ``population`` and
    ``population_14plus`` are integers, the ``*synthetic`` columns are booleans.

    >>> reg = load_registry("lao_cai_2025")
    >>> reg.index.name, int((reg["level"] == "commune").sum())
    ('locality_id', 99)
    """
    path = resolve_registry(path_or_name)
    try:
        with warnings.catch_warnings():  # a row longer than the header is an error, not a shifted index
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", index_col=False)
    except pd.errors.ParserWarning:
        header = pd.read_csv(path, dtype=str, nrows=0, encoding="utf-8-sig").columns
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        raise RegistryError([Problem(Message("registry.missing_column", column=c), file=str(path), column=c)
                             for c in missing]
                            or [Problem(Message("registry.row_too_long"), file=str(path))]) from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise RegistryError([Problem(Message("registry.unreadable", error=csv_reason(exc)), file=str(path))]) from None
    except OSError as exc:  # a folder, no permission …
        raise RegistryError([Problem(Message("registry.unreadable", error=csv_reason(exc)), file=str(path))]) from None
    raw = raw.fillna("")  # a short row leaves NaN even with keep_default_na=False
    problems = validate(raw, str(path))
    if problems:
        raise RegistryError(problems)
    reg = _typed(raw).set_index("locality_id")
    if as_of is None:
        return reg
    day = as_of_date(as_of)
    out = in_force(reg, day)
    if not len(out):
        problem = Problem(Message(
            "registry.none_in_force", name=path.stem, date=day, span=_span(reg),
            others=", ".join(registries_in_force(day)) or t("registry.none_known")), file=str(path))
        if not fallback:
            raise RegistryError([problem])
        warnings.warn(f"{problem}; {t('registry.using_all_rows')}", stacklevel=2)
        return reg
    return out


def as_of_date(value) -> _dt.date:
    """The day meant by ``as_of``: a date as is, a month (``"2023-11"``) its last day.

    >>> as_of_date("2023-11"), as_of_date("2024-09-01")
    (datetime.date(2023, 11, 30), datetime.date(2024, 9, 1))
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, pd.Period):
        return value.asfreq("M").end_time.date()
    text = str(value).strip().replace("/", "-")
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}", text):
            return pd.Period(text, freq="M").end_time.date()
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return _dt.date.fromisoformat("-".join(f"{int(x):02d}" if i else x
                                                    for i, x in enumerate(text.split("-"))))
    except ValueError:
        pass
    raise RegistryError([Problem(Message("registry.bad_as_of", value=str(value)), path="as_of")])


def in_force(registry: pd.DataFrame, as_of) -> pd.DataFrame:
    """The units of a (dated) registry in force on ``as_of``, as they were that day.

    * rows with ``valid_from`` after, or ``valid_to`` before, the day are dropped;
    * a dropped unit's population moves to its ``successor_id`` (when that one is kept), and
      its children (villages) are re-attached to the successor;
    * a unit renamed after the day (``renamed_on``) carries its former name (the first of
      ``former_names``); the later name moves to the front of ``former_names``.

    A registry without the dated columns is returned unchanged.

    >>> reg = pd.DataFrame({"name": ["Xã B", "Xã A", "Thôn 1"], "level": ["commune", "commune", "village"],
    ...     "parent_id": ["", "", "A"], "population": [10, 5, 5], "population_14plus": [8, 4, 4],
    ...     "valid_from": [pd.NaT, pd.NaT, pd.NaT], "valid_to": [pd.NaT, pd.Timestamp("2024-08-31"), pd.NaT],
    ...     "successor_id": ["", "B", ""], "former_names": ["Xã C", "", ""],
    ...     "renamed_on": [pd.Timestamp("2024-09-01"), pd.NaT, pd.NaT]}, index=["B", "A", "A-T01"])
    >>> in_force(reg, "2024-09")[["name", "parent_id", "population"]].to_dict("index")
    {'B': {'name': 'Xã B', 'parent_id': '', 'population': 15}, 'A-T01': {'name': 'Thôn 1', 'parent_id': 'B', 'population': 5}}
    >>> in_force(reg, "2023-11").loc["B", ["name", "former_names"]].tolist()
    ['Xã C', 'Xã B']
    """
    if not any(c in registry.columns for c in ("valid_from", "valid_to")):
        return registry
    day = pd.Timestamp(as_of_date(as_of))
    start = registry["valid_from"] if "valid_from" in registry else pd.Series(pd.NaT, index=registry.index)
    end = registry["valid_to"] if "valid_to" in registry else pd.Series(pd.NaT, index=registry.index)
    keep = (start.isna() | (start <= day)) & (end.isna() | (end >= day))
    out = registry.loc[keep].copy()
    gone = registry.loc[~keep]
    if "successor_id" in registry.columns and len(gone):
        for lid, row in gone.iterrows():
            succ = _final_successor(registry, lid, keep)
            if succ is None:
                continue
            for col in ("population", "population_14plus"):
                if col in out.columns:
                    out.loc[succ, col] += int(row[col])
            out.loc[out["parent_id"] == lid, "parent_id"] = succ
    if "renamed_on" in out.columns and "former_names" in out.columns:
        later = out["renamed_on"].notna() & (out["renamed_on"] > day)
        for lid in out.index[later]:
            former = [x for x in str(out.at[lid, "former_names"]).split(NAME_SEPARATOR) if x]
            current = out.at[lid, "name"]
            out.at[lid, "name"] = former[0]
            if "short_name" in out.columns:
                out.at[lid, "short_name"] = _strip_type(former[0])
            out.at[lid, "former_names"] = NAME_SEPARATOR.join([current, *former[1:]])
    return out


def _final_successor(registry: pd.DataFrame, lid: str, keep: pd.Series) -> str | None:
    """Follow ``successor_id`` from ``lid`` to a unit that is kept (None if there is none)."""
    seen = {lid}
    succ = str(registry.at[lid, "successor_id"] or "")
    while succ and succ in registry.index and not keep[succ] and succ not in seen:
        seen.add(succ)
        succ = str(registry.at[succ, "successor_id"] or "")
    return succ if succ and succ in registry.index and keep[succ] else None


_TYPE_PREFIXES = ("Thành phố ", "Thị xã ", "Thị trấn ", "Huyện ", "Phường ", "Xã ", "Quận ", "Tỉnh ")


def _strip_type(name: str) -> str:
    """A name without its unit-type prefix (``"Xã Hồng Lạc"`` → ``"Hồng Lạc"``)."""
    for prefix in _TYPE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def validity(registry: pd.DataFrame) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """(first, last) day a registry's units are in force (None = open)."""
    start = registry["valid_from"] if "valid_from" in registry else pd.Series(pd.NaT, index=registry.index)
    end = registry["valid_to"] if "valid_to" in registry else pd.Series(pd.NaT, index=registry.index)
    first = None if start.isna().any() else start.min()
    last = None if end.isna().any() else end.max()
    return first, last


def _span(registry: pd.DataFrame) -> str:
    first, last = validity(registry)
    return f"{first.date().isoformat() if first is not None else '…'} – " \
           f"{last.date().isoformat() if last is not None else '…'}"


def registries_in_force(as_of) -> list[str]:
    """Names of the shipped registries (``national_2023`` aside) with units in force on ``as_of``.

    >>> registries_in_force("2025-09")
    ['lao_cai_2025', 'tuyen_quang_2025']
    """
    day = pd.Timestamp(as_of_date(as_of))
    names = []
    for name in available_registries():
        if name.startswith("national"):
            continue
        head = pd.read_csv(LOCALITY_DIR / f"{name}.csv", dtype=str, keep_default_na=False,
                           usecols=lambda c: c in ("valid_from", "valid_to"), encoding="utf-8-sig")
        start = pd.to_datetime(head.get("valid_from", pd.Series([""])), errors="coerce", format="%Y-%m-%d")
        end = pd.to_datetime(head.get("valid_to", pd.Series([""])), errors="coerce", format="%Y-%m-%d")
        if ((start.isna() | (start <= day)) & (end.isna() | (end >= day))).any():
            names.append(name)
    return names


def validate(raw: pd.DataFrame, file: str = "<registry>") -> list[Problem]:
    """Every problem of a registry read as text (all columns ``str``); empty if valid.

    Lines are CSV lines (the header is line 1).

    >>> bad = pd.DataFrame({c: ["x"] for c in REQUIRED_COLUMNS if c != "lat"})
    >>> [p.text("en") for p in validate(bad, "t.csv")], [p.text("vi") for p in validate(bad, "t.csv")]
    (["missing required column 'lat'"], ["thiếu cột bắt buộc 'lat'"])
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        return [Problem(Message("registry.missing_column", column=c), file=file, column=c) for c in missing]
    problems: list[Problem] = []
    ids = raw["locality_id"].str.strip()
    levels = dict(zip(ids, raw["level"]))
    first_line: dict[str, int] = {}
    for i, row in raw.iterrows():
        line, lid = int(i) + 2, row["locality_id"].strip()

        def report(message, column: str, _lid=lid, _line=line, **values) -> None:
            """``message``: a Message, or the key of a ``registry.*`` one that names the row's locality_id."""
            if not isinstance(message, Message):
                message = Message(f"registry.{message}", lid=_lid, **values)
            problems.append(Problem(message, file=file, line=_line, column=column))

        if not lid:
            report(Message("registry.empty_id"), "locality_id")
        elif lid in first_line:
            report("duplicate_id", "locality_id", first=str(first_line[lid]))
        else:
            first_line[lid] = line
        _check_row(row, levels, report)
    return problems


def _level(level: str) -> Message | str:
    """A level id with its Vietnamese name beside it (``registry.level_commune``)."""
    return Message(f"registry.level_{level}") if level in LEVELS else level


def _check_row(row: pd.Series, levels: dict, report) -> None:
    """Check one row's level, parent, urban class, numbers and flags (via ``report``)."""
    level, parent, cls = row["level"], row["parent_id"].strip(), row["urban_class"].strip()
    if level not in LEVELS:
        report("unknown_level", "level", level=level, levels=Message("registry.levels"))
    if parent and parent not in levels:
        report("parent_missing", "parent_id", parent=parent)
    elif parent and level in TERRITORIAL and levels[parent] in TERRITORIAL and \
            TERRITORIAL.index(levels[parent]) >= TERRITORIAL.index(level):
        report("parent_not_above", "parent_id", parent=parent, parent_level=_level(levels[parent]), level=_level(level))
    if cls and cls not in URBAN_CLASSES + TWO_LEVEL_CLASSES:
        report("unknown_class", "urban_class", cls=cls, classes=Message("registry.classes"))
    elif not cls and level not in CLASSLESS_LEVELS and level in LEVELS:
        report("empty_class", "urban_class", level=_level(level))
    numbers = {}
    for col in _NUMERIC:
        value = pd.to_numeric(row[col], errors="coerce")
        if pd.isna(value):
            report("not_number", col, value=row[col])
        elif not np.isfinite(value):  # 'inf' is a float to pandas, not a population
            report("not_finite", col, value=repr(row[col]))
            value = np.nan
        numbers[col] = value
    for col in ("population", "population_14plus"):
        if not pd.isna(numbers[col]) and (numbers[col] < 0 or numbers[col] != int(numbers[col])):
            report("not_count", col, field=col, value=row[col])
    if numbers["population_14plus"] > numbers["population"]:
        report("adults_exceed", "population_14plus")
    for col in [c for c in row.index if c == "synthetic" or c.endswith("_synthetic")]:
        if row[col].strip().lower() not in _BOOL_TEXT:
            report("not_bool", col, value=row[col], allowed="true/false, 1/0")
    _check_dates(row, levels, report)


def _check_dates(row: pd.Series, levels: dict, report) -> None:
    """Check the optional dated columns of one row (ISO dates, order, successor, rename)."""
    days = {}
    for col in DATE_COLUMNS:
        text = str(row.get(col, "") or "").strip()
        if not text:
            continue
        try:
            days[col] = _dt.date.fromisoformat(text)
        except ValueError:
            report(Message("registry.bad_date", value=text), col)
    lid = row["locality_id"].strip()
    if "valid_from" in days and "valid_to" in days and days["valid_from"] > days["valid_to"]:
        report(Message("registry.valid_order", start=days["valid_from"].isoformat(),
                       end=days["valid_to"].isoformat(), lid=lid), "valid_from")
    succ = str(row.get("successor_id", "") or "").strip()
    if succ and succ not in levels:
        report(Message("registry.successor_missing", successor=succ, lid=lid), "successor_id")
    if succ and not str(row.get("valid_to", "") or "").strip():
        report(Message("registry.successor_needs_end", lid=lid), "successor_id")
    if str(row.get("renamed_on", "") or "").strip() and not str(row.get("former_names", "") or "").strip():
        report(Message("registry.renamed_needs_former", lid=lid), "renamed_on")


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    """Convert a validated text registry to its column types."""
    df = raw.copy()
    for col in ("locality_id", "parent_id", "urban_class"):
        df[col] = df[col].str.strip()
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    for col in ("population", "population_14plus"):
        df[col] = pd.to_numeric(df[col]).astype("int64")
    for col in [c for c in df.columns if c == "synthetic" or c.endswith("_synthetic")]:
        df[col] = df[col].str.strip().str.lower().map(_BOOL_TEXT).astype(bool)
    for col in [c for c in DATE_COLUMNS if c in df.columns]:
        df[col] = pd.to_datetime(df[col].str.strip().where(df[col].str.strip() != ""), format="%Y-%m-%d").astype("datetime64[ns]")
    for col in [c for c in ("former_names", "successor_id", "change_ref") if c in df.columns]:
        df[col] = df[col].str.strip()
    return df


# --------------------------------------------------------------------------- helpers
_TREES: dict[int, tuple] = {}


def _tree(registry: pd.DataFrame):
    """(ids, position of each unit's parent, levels) of a registry, cached per registry object
    (an award table is allocated many times on the same registry in sweeps and widgets)."""
    key = (id(registry.index), len(registry), id(registry["parent_id"].array), id(registry["level"].array))
    cached = _TREES.get(id(registry))
    if cached is not None and cached[0]() is registry and cached[1] == key:
        return cached[2]
    reg_ids = registry.index.astype(str)
    parent = registry["parent_id"].astype(object).where(registry["parent_id"].notna(), "").astype(str).to_numpy()
    tree = (reg_ids, reg_ids.get_indexer(parent), registry["level"].astype(str).to_numpy())
    if len(_TREES) > 32:
        _TREES.clear()
    _TREES[id(registry)] = (weakref.ref(registry), key, tree)
    return tree


def ancestor_ids(registry: pd.DataFrame, ids, level: str) -> np.ndarray:
    """The id of each locality's ancestor at ``level`` (itself if already at that level).

    Vectorised: at most a handful of hops up the ``parent_id`` chain, all units at once.

    >>> reg = pd.DataFrame({"level": ["province", "district", "commune", "village"],
    ...                     "parent_id": ["", "P", "D", "C"]}, index=["P", "D", "C", "V"])
    >>> ancestor_ids(reg, ["V", "C", "X"], "district").tolist()
    ['D', 'D', None]
    """
    reg_ids, parent_pos, levels = _tree(registry)
    pos = reg_ids.get_indexer(pd.Index(ids).astype(str))
    for _ in range(8):
        ok = pos >= 0
        climb = ok & (levels[np.where(ok, pos, 0)] != level)
        if not climb.any():
            break
        pos = np.where(climb, parent_pos[np.where(ok, pos, 0)], pos)
    ok = (pos >= 0) & (levels[np.where(pos >= 0, pos, 0)] == level)
    return np.where(ok, reg_ids.to_numpy()[np.where(ok, pos, 0)], None).astype(object)


def ancestors(registry: pd.DataFrame, level: str) -> pd.Series:
    """Map every locality to its ancestor at ``level`` (itself if it is at that level).

    Localities above ``level``, or with no ancestor there, map to ``None``.

    >>> reg = _tiny()
    >>> ancestors(reg, "district").to_dict()
    {'P': None, 'D1': 'D1', 'D2': 'D2', 'C1': 'D1', 'C2': 'D2', 'C1-T01': 'D1'}
    """
    return pd.Series(ancestor_ids(registry, registry.index, level), index=registry.index, dtype=object)


def children_count(registry: pd.DataFrame, level: str, parent_level: str) -> pd.Series:
    """Number of localities at ``level`` under each locality at ``parent_level``.

    Indexed by every ``parent_level`` locality (0 where none), named ``n_<level>``.

    >>> children_count(_tiny(), "commune", "province").to_dict()
    {'P': 2}
    >>> children_count(_tiny(), "village", "district").to_dict()
    {'D1': 1, 'D2': 0}
    """
    parents = registry.index[registry["level"] == parent_level]
    up = ancestors(registry, parent_level)[registry["level"] == level]
    counts = up.value_counts().reindex(parents, fill_value=0).astype(int)
    counts.index.name = "locality_id"
    return counts.rename(f"n_{level}")


def _tiny() -> pd.DataFrame:
    """A six-row registry for the examples."""
    return pd.DataFrame({
        "locality_id": ["P", "D1", "D2", "C1", "C2", "C1-T01"],
        "level": ["province", "district", "district", "commune", "commune", "village"],
        "parent_id": ["", "P", "P", "D1", "D2", "C1"],
    }).set_index("locality_id")
