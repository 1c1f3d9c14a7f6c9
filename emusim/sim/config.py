"""The calibration file (``data/calibration.yaml``): parameters by unit, patterns, overrides, anchors.

First stage of :func:`emusim.simulate`: read and validate the file (every problem with its
file:line), and the small deterministic helpers every later stage uses (stable keys, seeded
generators, folded province names).
"""
from __future__ import annotations

import math
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..catalog import Indicator
from ..errors import InputError, Problem
from ..i18n import Message
from ..panel import to_period
from ..yamlio import line_of, load_yaml

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
CALIBRATION_FILE = DATA_DIR / "calibration.yaml"
UNITS = ("ratio", "bool", "count", "points", "date")
_ANCHOR_KEYS = {"id", "indicator", "province", "period", "value", "tolerance", "source",
                "assumption", "use", "level", "reason"}
_MODEL_KEYS = {"epoch", "province_offsets", "speed_prior_sd"}
_PARAM_KEYS = {
    "midpoint", "speed", "speed_sd", "class_speed", "ceiling", "ceiling_sd", "ceiling_remoteness",
    "class_offset", "remoteness", "speed_remoteness", "size", "unit_sd", "capacity_loading",
    "province_sd", "increment_cv", "noise_sd", "noise_rho", "village_sd", "village_ceiling_sd",
    "complete_at_ceiling", "scale", "deadline", "spread", "class_lead", "never", "rate",
    "dispersion", "class_rate", "window", "points_per_event", "own_levels",
}


# =========================================================================== helpers
def stable_key(text: str) -> int:
    """A platform-independent 32-bit key of a string (zlib.crc32 of its UTF-8 bytes).

    >>> stable_key("eid_activation_rate") == stable_key("eid_activation_rate")
    True
    >>> stable_key("a")
    3904355907
    """
    return zlib.crc32(str(text).encode("utf-8")) & 0xFFFFFFFF


def _rng(seed: int, *keys: str) -> np.random.Generator:
    ss = np.random.SeedSequence(int(seed), spawn_key=tuple(stable_key(k) for k in keys))
    return np.random.default_rng(ss)


def fold(name: str) -> str:
    """Lower-case ASCII form of a Vietnamese name, without 'tỉnh'/'thành phố' prefixes.

    >>> fold("Tỉnh Hà Giang"), fold("ha giang"), fold("Lào Cai")
    ('ha giang', 'ha giang', 'lao cai')
    """
    text = str(name).strip().lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    text = re.sub(r"^(tinh|thanh pho)\s+", "", text)
    return re.sub(r"\s+", " ", text)


def _month_index(period: pd.Period, origin: pd.Period) -> int:
    return int(period.ordinal - origin.ordinal)


# =========================================================================== calibration file
@dataclass(frozen=True)
class Anchor:
    """A public figure (or stated assumption) a province mean must hit."""

    id: str
    indicator: str
    province: str
    period: pd.Period
    value: float
    tolerance: float
    use: str = "calibrate"
    level: str | None = None
    source: Any = None
    assumption: str | None = None
    line: int | None = None
    reason: str | None = None

    @property
    def national(self) -> bool:
        return fold(self.province) == "national"

    @property
    def sourced(self) -> bool:
        """True when the anchor cites a published figure (``source``), not only an assumption."""
        return bool(self.source)


@dataclass
class Calibration:
    """Parsed ``data/calibration.yaml``: defaults by unit, patterns, overrides, anchors."""

    epoch: pd.Period
    defaults: dict[str, dict]
    patterns: list[tuple[re.Pattern, dict]]
    indicators: dict[str, dict]
    anchors: list[Anchor] = field(default_factory=list)
    source: str = "<calibration>"
    #: logit offsets by folded province name (``model.province_offsets``): where a province is
    #: fitted to a *national* anchor, its target is ``expit(logit(value) + offset)``.
    province_offsets: dict[str, float] = field(default_factory=dict)
    #: sd of the prior on the log speed multiplier of a fit with two or more anchors.
    speed_prior_sd: float = 1.0
    #: anchors to leave out of the fit (hold-out checks); ids.
    exclude: frozenset = frozenset()
    #: published rankings (``rankings``: DTI) the simulated ordering should agree with.
    rankings: list = field(default_factory=list)

    def params(self, indicator: Indicator) -> dict:
        """Simulation parameters of one indicator (defaults ← patterns ← overrides)."""
        unit = indicator.unit if indicator.unit in self.defaults else "ratio"
        out = _merge({}, self.defaults.get(unit, {}))
        for pattern, params in self.patterns:
            if pattern.search(indicator.id):
                out = _merge(out, params)
        return _merge(out, self.indicators.get(indicator.id, {}))

    def anchors_for(self, indicator_id: str, use: str = "calibrate") -> list[Anchor]:
        return [a for a in self.anchors if a.indicator == indicator_id and a.use == use
                and a.id not in self.exclude]

    def target(self, anchor: Anchor, province: str) -> float:
        """The province mean an anchor asks of ``province``: the value itself for the
        province's own anchor; for a *published* national figure, the value moved by the
        province's offset on the logit scale (``model.province_offsets``). A national
        anchor that is only our assumption already stands for a typical province of these
        plans and is not moved (moving it would stack one assumption on another)."""
        off = 0.0 if not (anchor.national and anchor.sourced) else \
            self.province_offsets.get(fold(province), 0.0)
        if off == 0.0 or not 0.0 < anchor.value < 1.0:
            return anchor.value
        z = math.log(anchor.value / (1.0 - anchor.value)) + off
        return 1.0 / (1.0 + math.exp(-z))

    def without(self, anchor_id: str) -> "Calibration":
        """The same calibration with one anchor left out of every fit (hold-out check)."""
        from dataclasses import replace
        return replace(self, exclude=self.exclude | {anchor_id})


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


def load_calibration(path: str | Path | None = None) -> Calibration:
    """Load and validate a calibration file (default ``data/calibration.yaml``).

    >>> cal = load_calibration()
    >>> a = [a for a in cal.anchors if a.id == "national_dossiers_fully_online_2025_06"][0]
    >>> (a.value, str(a.period), a.national)
    (0.395, '2025-06', True)
    """
    path = Path(path) if path is not None else CALIBRATION_FILE
    doc = load_yaml(path)
    src = str(path)
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        raise InputError([Problem(Message("sim.cal_not_mapping", keys="model, defaults, patterns, indicators, anchors"),
                                  file=src, line=1)])
    top = ("model", "defaults", "patterns", "indicators", "anchors", "rankings")
    for key in doc:
        if key not in top:
            problems.append(Problem(Message("sim.cal_unknown_top", name=str(key), keys=", ".join(top)),
                                    file=src, line=line_of(doc, key)))
    model = doc.get("model") or {}
    for key in model:
        if key not in _MODEL_KEYS:
            problems.append(Problem(Message("sim.cal_unknown_model_key", where="model", name=str(key)),
                                    file=src, line=line_of(model, key)))
    offsets = {}
    for name, value in (model.get("province_offsets") or {}).items():
        try:
            offsets[fold(name)] = float(value)
        except (TypeError, ValueError):
            problems.append(Problem(Message("sim.cal_not_number", where=f"model.province_offsets.{name}"),
                                    file=src, line=line_of(model["province_offsets"], name)))
    try:
        epoch = to_period(model.get("epoch", "2020-01"), "model.epoch")
    except InputError as exc:
        problems.extend(Problem(p.message, file=src, line=line_of(model, "epoch")) for p in exc.problems)
        epoch = pd.Period("2020-01", freq="M")

    def check_params(node, where):
        if not isinstance(node, dict):
            problems.append(Problem(Message("sim.cal_not_params", where=where), file=src,
                                    line=line_of(node)))
            return {}
        for k in node:
            if k not in _PARAM_KEYS:
                problems.append(Problem(Message("sim.cal_unknown_param", where=where, name=str(k)), file=src,
                                        line=line_of(node, k)))
        for k in ("midpoint", "deadline"):
            if k in node:
                try:
                    to_period(node[k])
                except InputError:
                    problems.append(Problem(Message("sim.cal_not_month", where=where, name=k, value=repr(node[k])),
                                            file=src, line=line_of(node, k)))
        if "window" in node and node["window"] not in ("year", "month", "all"):
            problems.append(Problem(Message("sim.cal_window", where=where, name="window", values="year, month, all"),
                                    file=src,
                                    line=line_of(node, "window")))
        return dict(node)

    defaults = {}
    for unit, node in (doc.get("defaults") or {}).items():
        if unit not in UNITS:
            problems.append(Problem(Message("sim.cal_unknown_unit", where="defaults", unit=str(unit),
                                            units=", ".join(UNITS)), file=src,
                                    line=line_of(doc["defaults"], unit)))
        defaults[unit] = check_params(node, f"defaults.{unit}")
    patterns = []
    for item in doc.get("patterns") or []:
        try:
            pattern = re.compile(str(item.get("match")))
        except AttributeError:
            problems.append(Problem(Message("sim.cal_bad_pattern", where="patterns"), file=src, line=line_of(item)))
            continue
        except re.error as exc:
            problems.append(Problem(Message("sim.cal_bad_regex", where="patterns", pattern=str(item.get("match")),
                                            pos=(exc.pos or 0) + 1, error=exc.msg), file=src, line=line_of(item)))
            continue
        patterns.append((pattern, check_params(item.get("params") or {}, f"patterns '{item['match']}'")))
    indicators = {k: check_params(v, f"indicators.{k}") for k, v in (doc.get("indicators") or {}).items()}
    anchors = []
    seen = set()
    for item in doc.get("anchors") or []:
        line = line_of(item)
        if not isinstance(item, dict):
            problems.append(Problem(Message("sim.cal_anchor_not_mapping", where="anchors"), file=src, line=line))
            continue
        aid = str(item.get("id", "?"))
        for k in item:
            if k not in _ANCHOR_KEYS:
                problems.append(Problem(Message("sim.cal_anchor_unknown_key", anchor=aid, name=str(k)), file=src,
                                        line=line_of(item, k)))
        for k in ("id", "indicator", "province", "period", "value", "tolerance"):
            if k not in item:
                problems.append(Problem(Message("sim.cal_anchor_missing", anchor=aid, name=k), file=src, line=line))
        if not (item.get("source") or item.get("assumption")):
            problems.append(Problem(Message("sim.cal_anchor_basis", anchor=aid, source="source", assumption="assumption"),
                                    file=src, line=line))
        if item.get("use") == "reference" and not item.get("reason"):
            problems.append(Problem(Message("sim.cal_anchor_reason", anchor=aid, use="use: reference", reason="reason"),
                                    file=src, line=line))
        if aid in seen:
            problems.append(Problem(Message("sim.cal_anchor_twice", anchor=aid), file=src, line=line))
        seen.add(aid)
        use = item.get("use", "calibrate")
        if use not in ("calibrate", "reference"):
            problems.append(Problem(Message("sim.cal_anchor_use", anchor=aid, name="use", values="calibrate, reference"),
                                    file=src, line=line_of(item, "use")))
        try:
            period = to_period(item.get("period"), f"anchor {aid}")
            value = float(item.get("value"))
            tol = float(item.get("tolerance"))
        except (InputError, TypeError, ValueError):
            problems.append(Problem(Message("sim.cal_anchor_values", anchor=aid, period="period", value="value",
                                            tolerance="tolerance"),
                                    file=src, line=line))
            continue
        anchors.append(Anchor(aid, str(item.get("indicator")), str(item.get("province")), period,
                              value, tol, use, item.get("level"), item.get("source"),
                              item.get("assumption"), line, item.get("reason")))
    rankings = []
    for item in doc.get("rankings") or []:
        if not isinstance(item, dict) or not isinstance(item.get("ranks"), dict) or not item.get("source"):
            problems.append(Problem(Message("sim.cal_ranking", where="rankings", keys="'id', 'period', 'ranks', 'source'",
                                            ranks="'ranks'"),
                                    file=src, line=line_of(item)))
            continue
        rankings.append(dict(item))
    if problems:
        raise InputError(problems)
    return Calibration(epoch, defaults, patterns, indicators, anchors, src, offsets,
                       float(model.get("speed_prior_sd", 1.0)), rankings=rankings)

