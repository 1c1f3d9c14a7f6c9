"""What is on screen, as data: a :class:`Scenario` (plan, level, data source, month, the
``adjust`` dict, language, which tab), a :class:`History` of them (every change is a step;
undo/redo), and two ways to keep one — a small YAML file and the page's URL query.

>>> s = Scenario(plan="ha_giang_186_2023", level="commune", period="2023-11",
...              adjust={"uplift.city": 0.3, "gates.G3.mode": "soft"}, name="thử 1")
>>> s.to_query()
'plan=ha_giang_186_2023&level=commune&period=2023-11&set=uplift.city%3D0.3&set=gates.G3.mode%3Dsoft&name=th%E1%BB%AD+1'
>>> Scenario.from_query(s.to_query()) == s
True
>>> Scenario.from_yaml(s.to_yaml()) == s
True
>>> h = History(Scenario(plan="a"))
>>> h.push(Scenario(plan="a", adjust={"x": 1})); h.push(Scenario(plan="a", adjust={"x": 2}))
True
True
>>> h.undo().adjust, h.undo().adjust, h.undo() is None, h.redo().adjust
({'x': 1}, {}, True, {'x': 1})
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..errors import InputError, Problem
from ..i18n import Message
from .text import format_value

FORMAT = "emusim-scenario/1"
TABS = ("awards", "compare", "downloads")
_SAFE_NAME = re.compile(r"[^0-9A-Za-z_.-]+")


@dataclasses.dataclass
class Scenario:
    """One view of the page. ``data``: ``"simulated"`` (with ``seed``) or ``"file:<name>"``
    (the user's upload: a link or file can name it, not carry it). ``adjust``: the
    ``scheme.adjust`` dict (only what differs from the plan), as ``--set`` writes it."""

    plan: str = "ha_giang_186_2023"
    level: str | None = None
    data: str = "simulated"
    seed: int = 1
    period: str | None = None
    lang: str = "vi"
    adjust: dict[str, Any] = dataclasses.field(default_factory=dict)
    name: str = ""
    tab: str = "awards"

    def replace(self, **kw) -> "Scenario":
        if "adjust" in kw:
            kw["adjust"] = dict(kw["adjust"])
        return dataclasses.replace(self, **kw)

    # ------------------------------------------------------------------ names
    def slug(self) -> str:
        """A file name part: plan, level, month and scenario name.

        >>> Scenario(plan="lao_cai_cds_2022", level="commune", period="2025-06", name="Phương án 2").slug()
        'lao_cai_cds_2022_commune_2025-06_Phuong-an-2'
        """
        name = _SAFE_NAME.sub("-", ascii_name(self.name or "")).strip("-")
        parts = [self.plan, self.level or "", self.period or "", name or ("ke-hoach" if not self.adjust else "kich-ban")]
        return "_".join(p for p in parts if p)

    # ------------------------------------------------------------------ URL query
    def to_query(self) -> str:
        """The URL query that reopens this view (``?plan=…&level=…&set=PATH%3DVALUE…``)."""
        items: list[tuple[str, str]] = [("plan", self.plan)]
        if self.level:
            items.append(("level", self.level))
        if self.data != "simulated":
            items.append(("data", self.data))
        if self.seed != 1:
            items.append(("seed", str(self.seed)))
        if self.period:
            items.append(("period", self.period))
        if self.lang != "vi":
            items.append(("lang", self.lang))
        items += [("set", f"{k}={format_value(v)}") for k, v in self.adjust.items()]
        if self.name:
            items.append(("name", self.name))
        if self.tab != "awards":
            items.append(("tab", self.tab))
        return urlencode(items)

    @classmethod
    def from_query(cls, query: str | None, default: "Scenario | None" = None) -> "Scenario":
        """The scenario a URL query names (unknown keys are ignored, as a browser would)."""
        from ..adjust import parse_set

        base = default or cls()
        kw: dict[str, Any] = {}
        adjust: dict[str, Any] = {}
        for key, value in parse_qsl((query or "").lstrip("?"), keep_blank_values=False):
            if key == "set":
                path, v = parse_set(value)
                adjust[path] = v
            elif key == "seed":
                try:
                    kw["seed"] = int(value)
                except ValueError:
                    pass
            elif key in ("plan", "level", "data", "period", "lang", "name", "tab"):
                kw[key] = value
        if "plan" in kw and kw["plan"] != base.plan:
            base = cls(plan=kw["plan"])
        out = base.replace(**kw, adjust=adjust or ({} if "plan" in kw else base.adjust))
        if out.lang not in ("vi", "en"):
            out.lang = "vi"
        if out.tab not in TABS:
            out.tab = "awards"
        return out

    # ------------------------------------------------------------------ YAML file
    def to_yaml(self) -> str:
        import yaml

        doc = {"format": FORMAT, "name": self.name, "plan": self.plan, "level": self.level, "data": self.data,
               "seed": self.seed, "period": self.period, "lang": self.lang, "adjust": dict(self.adjust)}
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)

    @classmethod
    def from_yaml(cls, text: str | bytes, file: str = "<scenario>") -> "Scenario":
        """Read a scenario file; anything else is an :class:`InputError` naming the file."""
        import yaml

        if isinstance(text, bytes):
            text = text.decode("utf-8-sig", errors="replace")
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError([Problem(Message("widgets.scenario_bad", error=str(exc).splitlines()[0]), file=file)])
        problems = []
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            problems.append(Problem(Message("widgets.scenario_bad", error=f"format: {FORMAT}?"), file=file))
            raise InputError(problems)
        fields = {f.name for f in dataclasses.fields(cls)}
        extra = sorted(set(doc) - fields - {"format"})
        if extra:
            problems.append(Problem(Message("widgets.scenario_bad", error=", ".join(map(str, extra))), file=file))
        if not isinstance(doc.get("plan"), str):
            problems.append(Problem(Message("widgets.scenario_bad", error="plan"), file=file, path="plan"))
        adjust = doc.get("adjust") or {}
        if not isinstance(adjust, dict) or not all(isinstance(k, str) for k in adjust):
            problems.append(Problem(Message("widgets.scenario_bad", error="adjust"), file=file, path="adjust"))
        if doc.get("lang", "vi") not in ("vi", "en"):
            problems.append(Problem(Message("widgets.scenario_bad", error="lang"), file=file, path="lang"))
        if problems:
            raise InputError(problems)
        kw = {k: v for k, v in doc.items() if k in fields and v is not None}
        kw["adjust"] = dict(adjust)
        if "period" in kw:
            kw["period"] = str(kw["period"])
        kw["name"] = str(kw.get("name", ""))
        return cls(**kw)


def ascii_name(text: str) -> str:
    """Vietnamese letters without their marks, for file names.

    >>> ascii_name("Phương án Đồng Văn")
    'Phuong an Dong Van'
    """
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


class History:
    """Every accepted change is a step; :meth:`undo` and :meth:`redo` walk the steps."""

    def __init__(self, first: Scenario, limit: int = 200):
        self.steps: list[Scenario] = [first]
        self.pos = 0
        self.limit = limit

    @property
    def current(self) -> Scenario:
        return self.steps[self.pos]

    def push(self, s: Scenario) -> bool:
        """Record a new step (dropping any redo steps); False when nothing changed."""
        if s == self.current:
            return False
        del self.steps[self.pos + 1:]
        self.steps.append(s)
        if len(self.steps) > self.limit:
            del self.steps[0]
        self.pos = len(self.steps) - 1
        return True

    def replace(self, s: Scenario) -> None:
        """Change the current step in place (e.g. the tab shown: not worth an undo step)."""
        self.steps[self.pos] = s

    def undo(self) -> Scenario | None:
        if self.pos == 0:
            return None
        self.pos -= 1
        return self.current

    def redo(self) -> Scenario | None:
        if self.pos >= len(self.steps) - 1:
            return None
        self.pos += 1
        return self.current

    @property
    def can_undo(self) -> bool:
        return self.pos > 0

    @property
    def can_redo(self) -> bool:
        return self.pos < len(self.steps) - 1
