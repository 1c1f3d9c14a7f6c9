"""The indicator catalog (``data/indicators.yaml``): ids, labels, units, cumulativeness.

Every scenario criterion, gate, event and target names an indicator in the catalog; the
linter reports the ones it lacks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, Problem
from .i18n import Message
from .yamlio import load_yaml, line_of

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
UNITS = ("ratio", "bool", "count", "points", "date")
_KEYS = {"id", "label", "label_en", "unit", "cumulative", "levels", "used_by", "note"}


@dataclass(frozen=True)
class Indicator:
    """One indicator: what is measured, in what unit, and whether it can fall."""

    id: str
    label: str
    label_en: str
    unit: str
    cumulative: bool = False
    levels: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()

    @property
    def is_ratio(self) -> bool:
        return self.unit == "ratio"


@dataclass
class Catalog:
    """All indicators by id (ordered as in the file)."""

    indicators: dict[str, Indicator] = field(default_factory=dict)
    source: str | None = None

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self.indicators

    def __getitem__(self, indicator_id: str) -> Indicator:
        return self.indicators[indicator_id]

    def __iter__(self):
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)

    def ids(self, unit: str | None = None, level: str | None = None) -> list[str]:
        """Indicator ids, optionally only of one unit and/or observed at one level."""
        return [
            i.id
            for i in self
            if (unit is None or i.unit == unit) and (level is None or level in i.levels)
        ]

    def label(self, indicator_id: str, lang: str = "vi") -> str:
        ind = self.indicators.get(indicator_id)
        if ind is None:
            return indicator_id
        return ind.label_en if lang == "en" else ind.label

    def _repr_html_(self) -> str:
        from .i18n import t

        rows = "".join(
            f"<tr><td><code>{i.id}</code></td><td>{i.label}</td><td>{i.label_en}</td>"
            f"<td>{i.unit}</td><td>{'✓' if i.cumulative else ''}</td></tr>"
            for i in self
        )
        heads = "".join(f"<th>{t('catalog.' + k)}</th>" for k in ("col_label", "col_label_en", "col_unit", "col_cumulative"))
        return (
            f"<table><caption>{t('catalog.caption', n=len(self))}</caption><thead><tr><th>id</th>"
            f"{heads}</tr></thead><tbody>{rows}</tbody></table>"
        )


#: the last catalog read, keyed by file, modification time and size: every ``load_plan`` and
#: ``lint`` needs it, and parsing the file with line numbers costs more than scoring a province
_CACHE: dict[tuple, Catalog] = {}


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load the indicator catalog; by default the package's ``data/indicators.yaml``.

    >>> cat = load_catalog()
    >>> cat["eid_activation_rate"].unit
    'ratio'
    """
    path = Path(path) if path is not None else DATA_DIR / "indicators.yaml"
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None  # let the reader report the missing file
    if key is not None and key in _CACHE:
        return _CACHE[key]
    problems: list[Problem] = []
    catalog = Catalog(source=str(path))
    _read_into(catalog, path, problems)
    if problems:
        raise InputError(problems)
    if key is not None:
        _CACHE.clear()  # one catalog file in use at a time; an edited file gets a new key
        _CACHE[key] = catalog
    return catalog


def _read_into(catalog: Catalog, path: Path, problems: list[Problem]) -> None:
    doc = load_yaml(path)
    items = doc.get("indicators") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        problems.append(Problem(Message("catalog.no_list"), file=str(path), line=1))
        return
    for item in items:
        line = line_of(item)
        if not isinstance(item, dict) or "id" not in item:
            problems.append(Problem(Message("catalog.needs_id"), file=str(path), line=line))
            continue
        unknown = set(item) - _KEYS
        for key in sorted(unknown):
            problems.append(Problem(Message("catalog.unknown_key", id=item["id"], name=key), file=str(path),
                                    line=line_of(item, key)))
        unit = item.get("unit")
        if unit not in UNITS:
            problems.append(Problem(Message("catalog.bad_unit", id=item["id"], value=repr(unit)), file=str(path),
                                    line=line_of(item, "unit")))
        if item["id"] in catalog.indicators:
            problems.append(Problem(Message("catalog.defined_twice", id=item["id"]), file=str(path), line=line))
        catalog.indicators[item["id"]] = Indicator(
            id=str(item["id"]),
            label=str(item.get("label", item["id"])),
            label_en=str(item.get("label_en", item["id"])),
            unit=str(unit),
            cumulative=bool(item.get("cumulative", False)),
            levels=tuple(item.get("levels") or ()),
            used_by=tuple(item.get("used_by") or ()),
        )
