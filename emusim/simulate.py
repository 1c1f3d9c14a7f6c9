"""Synthetic monthly trajectories for every locality and indicator (``simulate``).

The model, per indicator unit (parameters in ``data/calibration.yaml``; every catalog
indicator is simulated, with defaults by unit for indicators the file does not list):

**ratio** (cumulative or not). Each base unit *i* has an adoption curve
``f_i(t) = min(1, c_i · expit(k_i · (t − m) + a_i + δ_p))`` with ``t`` in months,
``m`` the indicator's midpoint, and

* ceiling ``c_i`` = ceiling[urban_class] − ceiling_remoteness · d_i/50 + N(0, ceiling_sd);
  ceilings above 1 are what lets a unit reach exactly 100 % (after clipping);
* speed ``k_i`` = speed · class_speed[urban_class] · exp(−speed_remoteness · d_i/50 + N(0, speed_sd));
* head start ``a_i`` = class_offset[urban_class] − remoteness · d_i/50 + size · z(log population)
  + capacity_loading · κ_i + N(0, unit_sd), where ``κ_i`` is a per-locality "capacity"
  factor shared by all indicators (good units tend to be good at everything) and ``d_i``
  the distance (km) to the provincial centre (the provincial city's coordinates, else the
  province row's);
* ``δ_p`` a province shift solved by ``scipy.optimize.brentq`` so that the
  population_14plus-weighted province mean hits the calibration anchor at its month.

Cumulative ratios (registrations, activations, cleaned records) are built from the curve's
non-negative monthly increments multiplied by mean-one gamma noise (``increment_cv``), summed
and clipped to 1, so the reported series never falls; a unit whose latent curve reaches 1
reports exactly 1.0 from then on (``complete_at_ceiling``: the "100 % chỉ tiêu" events).
Non-cumulative ratios (online dossier shares, satisfaction) are the curve plus AR(1) noise
(``noise_sd``, ``noise_rho``), clipped to [0, 1].

Base units are communes when the indicator is observed at commune level; villages then vary
around their commune (``village_sd``), and districts / the province row are the
population_14plus-weighted means of their communes. Indicators without a commune level are
simulated directly at their finest level.

**bool**: a unit completes (0 → 1, never back) in the month ``deadline − class_lead +
remoteness · d/50 − capacity_loading · κ + N(0, spread) + δ``; a share ``never`` does not
complete within the horizon. **date**: the same event, reported as the completion date
(days since 1970-01-01 of the month's first day; NaN before). **points**: a non-cumulative
ratio times ``scale``.

**count**: Poisson per month with a unit rate ``rate · class_rate · exp(capacity_loading · κ)
· Gamma(dispersion)`` (rare events — late or missing reports, security incidents,
criticisms — have rates around 0.02 a month, so most units have 0). The value at a month is,
by ``window``: ``year`` (default, non-cumulative counts) — events since January of the same
year, i.e. the count over the evaluation year up to that month, which is how the plans count
"documents issued", "news items", late reports over the movement's year; ``month`` — events
in that month only; ``all`` (and every ``cumulative: true`` count) — events since the
panel's first month.

Calibration anchors (``data/calibration.yaml``, each with its source or assumption):
national share of dossiers processed fully online 39.5 % in 06/2025; Hà Giang chip-ID
applications ≈ 0.89 of the 14+ population by 10/2021 (552,708 applications, Báo Hà Giang
12/10/2021); activated eID accounts ≈ 0.82 of the 14+ population nationally by 09/2025
(65 million / 79.2 million); and stated assumptions for the other ratios.

Determinism: all randomness comes from ``numpy.random.default_rng`` seeded with
``SeedSequence(seed, spawn_key=(crc32(indicator id), crc32(component)))``; adding an
indicator to the catalog does not change the others, draws are laid out month-major so that
extending ``end`` does not change earlier months, and localities are processed in sorted id
order so the input row order does not matter.

The July 2025 merger: a post-2025 registry (``tuyen_quang_2025``, ``lao_cai_2025``) is
simulated on the pre-merger communes (from the 2023 registries) and aggregated to the new
units with ``merger_2025.csv`` (see :func:`apply_merger`).
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, sparse
from scipy.special import expit

from .registry import ancestor_ids, ancestors
from .catalog import Catalog, Indicator, load_catalog
from .errors import InputError, Problem
from .limits import check_month_span, check_seed
from .panel import Panel, to_period
from .yamlio import line_of, load_yaml

__all__ = ["simulate", "apply_merger", "load_calibration", "load_merger", "Calibration",
           "Anchor", "stable_key"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CALIBRATION_FILE = DATA_DIR / "calibration.yaml"
MERGER_FILE = DATA_DIR / "localities" / "merger_2025.csv"
UNITS = ("ratio", "bool", "count", "points", "date")
_TERRITORIAL = ("province", "district", "commune", "village")
_BASE_ORDER = ("commune", "district", "province", "village", "agency", "enterprise")
_OLD_REGISTRIES = ("ha_giang_2023", "tuyen_quang_2023", "lao_cai_2023")
_ANCHOR_KEYS = {"id", "indicator", "province", "period", "value", "tolerance", "source",
                "assumption", "use", "level"}
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

    @property
    def national(self) -> bool:
        return fold(self.province) == "national"


@dataclass
class Calibration:
    """Parsed ``data/calibration.yaml``: defaults by unit, patterns, overrides, anchors."""

    epoch: pd.Period
    defaults: dict[str, dict]
    patterns: list[tuple[re.Pattern, dict]]
    indicators: dict[str, dict]
    anchors: list[Anchor] = field(default_factory=list)
    source: str = "<calibration>"

    def params(self, indicator: Indicator) -> dict:
        """Simulation parameters of one indicator (defaults ← patterns ← overrides)."""
        unit = indicator.unit if indicator.unit in self.defaults else "ratio"
        out = _merge({}, self.defaults.get(unit, {}))
        for pattern, params in self.patterns:
            if pattern.search(indicator.id):
                out = _merge(out, params)
        return _merge(out, self.indicators.get(indicator.id, {}))

    def anchors_for(self, indicator_id: str, use: str = "calibrate") -> list[Anchor]:
        return [a for a in self.anchors if a.indicator == indicator_id and a.use == use]


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
        raise InputError("expected a mapping with model/defaults/patterns/indicators/anchors",
                         file=src, line=1)
    for key in doc:
        if key not in ("model", "defaults", "patterns", "indicators", "anchors"):
            problems.append(Problem(f"unknown top-level key '{key}'", file=src, line=line_of(doc, key)))
    model = doc.get("model") or {}
    try:
        epoch = to_period(model.get("epoch", "2020-01"), "model.epoch")
    except InputError as exc:
        problems.extend(Problem(p.message, file=src, line=line_of(model, "epoch")) for p in exc.problems)
        epoch = pd.Period("2020-01", freq="M")

    def check_params(node, where):
        if not isinstance(node, dict):
            problems.append(Problem(f"{where}: expected a mapping of parameters", file=src,
                                    line=line_of(node)))
            return {}
        for k in node:
            if k not in _PARAM_KEYS:
                problems.append(Problem(f"{where}: unknown parameter '{k}'", file=src,
                                        line=line_of(node, k)))
        for k in ("midpoint", "deadline"):
            if k in node:
                try:
                    to_period(node[k])
                except InputError:
                    problems.append(Problem(f"{where}: {k} {node[k]!r} is not a month (YYYY-MM)",
                                            file=src, line=line_of(node, k)))
        if "window" in node and node["window"] not in ("year", "month", "all"):
            problems.append(Problem(f"{where}: window must be year, month or all", file=src,
                                    line=line_of(node, "window")))
        return dict(node)

    defaults = {}
    for unit, node in (doc.get("defaults") or {}).items():
        if unit not in UNITS:
            problems.append(Problem(f"defaults: unknown unit '{unit}'", file=src,
                                    line=line_of(doc["defaults"], unit)))
        defaults[unit] = check_params(node, f"defaults.{unit}")
    patterns = []
    for item in doc.get("patterns") or []:
        try:
            pattern = re.compile(str(item.get("match")))
        except (re.error, AttributeError) as exc:
            problems.append(Problem(f"patterns: bad regular expression ({exc})", file=src,
                                    line=line_of(item)))
            continue
        patterns.append((pattern, check_params(item.get("params") or {}, f"patterns '{item['match']}'")))
    indicators = {k: check_params(v, f"indicators.{k}") for k, v in (doc.get("indicators") or {}).items()}
    anchors = []
    seen = set()
    for item in doc.get("anchors") or []:
        line = line_of(item)
        if not isinstance(item, dict):
            problems.append(Problem("each anchor must be a mapping", file=src, line=line))
            continue
        aid = str(item.get("id", "?"))
        for k in item:
            if k not in _ANCHOR_KEYS:
                problems.append(Problem(f"anchor '{aid}': unknown key '{k}'", file=src,
                                        line=line_of(item, k)))
        for k in ("id", "indicator", "province", "period", "value", "tolerance"):
            if k not in item:
                problems.append(Problem(f"anchor '{aid}': missing '{k}'", file=src, line=line))
        if not (item.get("source") or item.get("assumption")):
            problems.append(Problem(f"anchor '{aid}': needs a 'source' or an 'assumption'",
                                    file=src, line=line))
        if aid in seen:
            problems.append(Problem(f"anchor '{aid}' is defined twice", file=src, line=line))
        seen.add(aid)
        use = item.get("use", "calibrate")
        if use not in ("calibrate", "reference"):
            problems.append(Problem(f"anchor '{aid}': use must be calibrate or reference",
                                    file=src, line=line_of(item, "use")))
        try:
            period = to_period(item.get("period"), f"anchor {aid}")
            value = float(item.get("value"))
            tol = float(item.get("tolerance"))
        except (InputError, TypeError, ValueError):
            problems.append(Problem(f"anchor '{aid}': period must be YYYY-MM and value/tolerance numbers",
                                    file=src, line=line))
            continue
        anchors.append(Anchor(aid, str(item.get("indicator")), str(item.get("province")), period,
                              value, tol, use, item.get("level"), item.get("source"),
                              item.get("assumption"), line))
    keyed = {}
    for a in anchors:
        if a.use != "calibrate":
            continue
        key = (a.indicator, fold(a.province))
        if key in keyed:
            problems.append(Problem(f"anchor '{a.id}': indicator {a.indicator} already has a "
                                    f"calibrating anchor for {a.province} ('{keyed[key]}'); "
                                    "mark one 'use: reference'", file=src, line=a.line))
        keyed[key] = a.id
    if problems:
        raise InputError(problems)
    return Calibration(epoch, defaults, patterns, indicators, anchors, src)


# =========================================================================== registries
@lru_cache(maxsize=16)
def _cached_registry(name: str) -> pd.DataFrame:
    from .registry import load_registry
    return load_registry(name)


def _resolve_registry(registry) -> tuple[pd.DataFrame, str | None]:
    if isinstance(registry, pd.DataFrame):
        return registry, None
    if isinstance(registry, (str, Path)):
        from .registry import load_registry
        try:
            return load_registry(registry), str(registry)
        except InputError as exc:
            raise InputError([Problem(p.message, file=p.file, line=p.line, row=p.row,
                                      column=p.column, path=p.path or "registry")
                              for p in exc.problems]) from None
    raise InputError(f"registry must be a DataFrame or a registry name, not {type(registry).__name__}",
                     path="registry")


def _check_registry(reg: pd.DataFrame) -> pd.DataFrame:
    need = ["level", "parent_id", "urban_class", "lat", "lon", "population", "population_14plus"]
    missing = [c for c in need if c not in reg.columns]
    if missing:
        raise InputError([Problem(f"registry lacks column '{c}'", column=c) for c in missing])
    reg = reg.copy()
    reg.index = reg.index.astype(str)
    reg.index.name = "locality_id"
    if reg.index.has_duplicates:
        raise InputError(f"registry has duplicate locality ids: "
                         f"{', '.join(reg.index[reg.index.duplicated()][:5])}")
    reg["parent_id"] = reg["parent_id"].fillna("").astype(str)
    reg["urban_class"] = reg["urban_class"].fillna("").astype(str)
    return reg.sort_index()


def _geography(reg: pd.DataFrame) -> pd.DataFrame:
    """Province name, distance to the provincial centre (km), z of log population, class."""
    prov_id = ancestors(reg, "province")
    if "province" in reg.columns:
        prov = reg["province"].astype(str)
    else:
        names = reg["name"] if "name" in reg.columns else pd.Series(reg.index, index=reg.index)
        prov = prov_id.map(names).fillna("")
    prov = prov.where(prov.astype(bool), prov_id.fillna("").astype(str))
    lat = reg["lat"].astype(float)
    lon = reg["lon"].astype(float)
    centre = {}
    for p, rows in reg.groupby(prov, sort=True).groups.items():
        sub = reg.loc[rows]
        city = sub[(sub["level"] == "district") & (sub.get("unit_type", "") == "thành phố")]
        if len(city):
            centre[p] = (city["lat"].iloc[0], city["lon"].iloc[0])
            continue
        prow = sub[sub["level"] == "province"]
        if len(prow) and np.isfinite(prow["lat"].iloc[0]):
            centre[p] = (prow["lat"].iloc[0], prow["lon"].iloc[0])
        else:
            w = sub["population"].astype(float).clip(lower=1)
            centre[p] = (np.average(sub["lat"].fillna(sub["lat"].mean()), weights=w),
                         np.average(sub["lon"].fillna(sub["lon"].mean()), weights=w))
    clat = prov.map(lambda p: centre[p][0]).astype(float)
    clon = prov.map(lambda p: centre[p][1]).astype(float)
    r = 6371.0
    dlat = np.radians(lat - clat)
    dlon = np.radians(lon - clon)
    h = np.sin(dlat / 2) ** 2 + np.cos(np.radians(lat)) * np.cos(np.radians(clat)) * np.sin(dlon / 2) ** 2
    dist = (2 * r * np.arcsin(np.sqrt(np.clip(h, 0, 1)))).fillna(0.0)
    logpop = np.log(reg["population"].astype(float).clip(lower=1))
    z = logpop.groupby(reg["level"]).transform(lambda s: (s - s.mean()) / (s.std() or 1.0)).fillna(0.0)
    uc = reg["urban_class"].where(reg["urban_class"].astype(bool), "rural")
    return pd.DataFrame({"province": prov, "dist": dist, "size_z": z, "urban_class": uc,
                         "w": reg["population_14plus"].astype(float).clip(lower=0)})


def _by_class(param, classes: np.ndarray, default: float) -> np.ndarray:
    if isinstance(param, dict):
        return np.array([float(param.get(c, param.get("rural", default))) for c in classes])
    return np.full(len(classes), float(param if param is not None else default))


# =========================================================================== simulate
def simulate(registry, start="2022-01", end="2025-12", seed: int = 0, catalog: Catalog | None = None,
             levels=None, calibration: Calibration | str | Path | None = None,
             merger="auto", count_origin=None) -> Panel:
    """Simulate a monthly panel for every locality of ``registry`` and catalog indicator.

    Parameters
    ----------
    registry : DataFrame indexed by locality_id, or a registry name / path.
    start, end : first and last month ('YYYY-MM').
    seed : int; the same seed gives the same panel on every machine.
    catalog : indicator catalog (default ``data/indicators.yaml``).
    levels : restrict to these registry levels (e.g. ``["commune"]``); default all.
    calibration : a :class:`Calibration` or a path (default ``data/calibration.yaml``).
    count_origin : month from which cumulative counts are summed (default ``start``; e.g.
        the movement's launch month). Non-cumulative counts are always year-to-date.
    merger : ``"auto"`` (a registry without districts whose communes are the new units of
        ``merger_2025.csv`` is simulated on the old communes, then merged), ``None``/False
        (simulate the registry as given) or a mapping DataFrame.

    Returns a :class:`Panel` with the registry attached; ``panel.meta["calibration"]``
    lists every anchor used, the shift solved and the simulated mean at the anchor month.

    >>> import pandas as pd
    >>> reg = pd.DataFrame({"locality_id": ["P", "D", "C1", "C2"],
    ...     "level": ["province", "district", "commune", "commune"], "parent_id": ["", "P", "D", "D"],
    ...     "unit_type": ["tỉnh", "thành phố", "phường", "xã"], "urban_class": ["", "city", "city", "rural"],
    ...     "lat": [22.8, 22.8, 22.81, 22.9], "lon": [105.0, 105.0, 105.01, 105.2],
    ...     "population": [20000, 20000, 12000, 8000], "population_14plus": [15000, 15000, 9000, 6000]
    ...     }).set_index("locality_id")
    >>> p = simulate(reg, "2023-01", "2023-12", seed=1)
    >>> p.shape[:2], float(p.at("2023-06").loc["C1", "eid_activation_rate"]) <= 1
    ((4, 12), True)
    """
    reg, name = _resolve_registry(registry)
    p0, p1 = to_period(start, "start"), to_period(end, "end")
    if p1 < p0:
        raise InputError(f"end {p1} is before start {p0}", path="end")
    catalog = catalog if catalog is not None else load_catalog()
    if not isinstance(calibration, Calibration):
        calibration = load_calibration(calibration)
    origin = to_period(count_origin, "count_origin") if count_origin is not None else p0
    seed = check_seed(seed, "seed")
    reg = _check_registry(reg)
    # the simulation grid runs from the calibration epoch (or start) to the end: bounded up front
    check_month_span(min(p0, origin, calibration.epoch), p1, "start…end", len(reg), len(catalog))
    if levels is not None:
        levels = [levels] if isinstance(levels, str) else list(levels)
        unknown = [lv for lv in levels if lv not in set(reg["level"])]
        if unknown:
            raise InputError(f"levels {', '.join(map(repr, unknown))} are not in the registry "
                             f"(it has {', '.join(sorted(set(reg['level'])))})", path="levels")

    mapping = None
    if isinstance(merger, pd.DataFrame):
        mapping = merger
    elif merger == "auto" and not (reg["level"] == "district").any():
        m = load_merger()
        communes = reg.index[reg["level"] == "commune"]
        if len(communes) and m["new_id"].isin(communes).sum() and \
                communes.isin(m["new_id"]).mean() > 0.5:
            mapping = m
    if mapping is not None:
        mapping = _check_mapping(mapping)
        old = _old_registry(mapping[mapping["new_id"].isin(reg.index)])
        old_panel = _simulate_core(old, p0, p1, seed, catalog, calibration,
                                   ["province", "district", "commune"], origin)
        panel = apply_merger(old_panel, mapping, reg, catalog=catalog)
        panel.meta.update({k: v for k, v in old_panel.meta.items() if k != "merger"})
        panel.meta["merged_from"] = len(old[old["level"] == "commune"])
        new_levels = set(reg["level"])
        keep_ind = [i for i in panel.indicators if i not in catalog or set(catalog[i].levels) & new_levels]
        if len(keep_ind) < len(panel.indicators):
            panel = panel.subset(indicators=keep_ind)
        if levels is not None:
            keep = set(panel.registry.index[panel.registry["level"].isin(levels)])
            panel = panel.subset(localities=[x for x in panel.localities if x in keep])
        return panel
    return _simulate_core(reg, p0, p1, seed, catalog, calibration, levels, origin)


def _simulate_core(reg, p0, p1, seed, catalog, cal: Calibration, levels, origin=None) -> Panel:
    origin = p0 if origin is None else origin
    if levels is not None:
        reg = reg[reg["level"].isin(levels)]
    geo = _geography(reg)
    present = set(reg["level"])
    # grid: from the epoch (or start) to the end (or the last anchor month)
    g0 = min(p0, origin, cal.epoch)
    g1 = p1
    for a in cal.anchors:
        if a.use == "calibrate" and a.indicator in catalog:
            g1 = max(g1, a.period)
    T = _month_index(g1, g0) + 1
    tgrid = np.arange(T, dtype=float)  # months since g0
    cap_all = _rng(seed, "__capacity__").standard_normal(len(reg))
    cap = pd.Series(cap_all, index=reg.index)
    n_loc = len(reg)
    ind_list = [i for i in catalog if set(i.levels) & present]
    values = np.full((n_loc, _month_index(p1, p0) + 1, len(ind_list)), np.nan)
    t_lo = _month_index(p0, g0)
    calib_log = []
    ctx = _Ctx(reg, geo, cap, g0, T, tgrid, seed, cal, origin)
    for j, ind in enumerate(ind_list):
        params = cal.params(ind)
        lv = [x for x in _BASE_ORDER if x in ind.levels and x in present]
        if ind.unit == "points" and params.get("points_per_event"):
            # points awarded per rare event (e.g. B.5 "05-15 điểm theo tính chất nhiệm vụ")
            block, log = _sim_count(ctx, ind, params, lv)
            block = block * float(params["points_per_event"])
        elif ind.unit in ("ratio", "points"):
            block, log = _sim_ratio(ctx, ind, params, lv)
        elif ind.unit in ("bool", "date"):
            block, log = _sim_event(ctx, ind, params, lv)
        else:
            block, log = _sim_count(ctx, ind, params, lv)
        values[:, :, j] = block[:, t_lo:t_lo + values.shape[1]]
        calib_log.extend(log)
    periods = pd.period_range(p0, p1, freq="M")
    meta = {"seed": seed, "count_origin": str(origin), "calibration": calib_log, "calibration_file": cal.source,
            "grid": (str(g0), str(g1))}
    panel = Panel(values, reg.index, periods, [i.id for i in ind_list], registry=reg,
                  catalog=catalog, meta=meta)
    return panel


@dataclass
class _Ctx:
    reg: pd.DataFrame
    geo: pd.DataFrame
    cap: pd.Series
    g0: pd.Period
    T: int
    t: np.ndarray
    seed: int
    cal: Calibration
    origin: pd.Period  # cumulative counts start here

    def rows(self, level: str) -> np.ndarray:
        return np.flatnonzero(self.reg["level"].to_numpy() == level)

    def month(self, value) -> float:
        return float(_month_index(to_period(value), self.g0))

    @cached_property
    def province_key(self) -> np.ndarray:
        """``fold`` of every row's province (folded once per province, not per row and indicator)."""
        prov = self.geo["province"].to_numpy()
        keys = {p: fold(p) for p in set(prov)}
        return np.array([keys[p] for p in prov])


def _anchor_groups(ctx: _Ctx, ind: Indicator, rows: np.ndarray):
    """Split base rows into calibration groups: [(anchor or None, row positions)]."""
    anchors = ctx.cal.anchors_for(ind.id)
    folded = ctx.province_key[rows]
    national = [a for a in anchors if a.national]
    specific = {fold(a.province): a for a in anchors if not a.national}
    groups = []
    rest = np.ones(len(rows), dtype=bool)
    for key, a in specific.items():
        sel = folded == key
        if sel.any():
            groups.append((a, rows[sel]))
            rest &= ~sel
    if rest.any():
        groups.append((national[0] if national else None, rows[rest]))
    return groups


def _calibrate(ctx: _Ctx, ind: Indicator, rows: np.ndarray, level: str, log: list, mean_at,
               **solve_kw) -> list[tuple[np.ndarray, float]]:
    """Solve the shift of every anchor group of ``rows`` that calibrates ``level``.

    ``mean_at(d, t_a, cols)`` gives the values at month ``t_a`` of the units at positions
    ``cols`` of ``rows`` under the shift ``d``. Logs each anchor; returns ``[(cols, d)]``
    (the groups are disjoint, so the caller applies the shifts afterwards).
    """
    pos_of = {r: i for i, r in enumerate(rows)}
    solved = []
    for anchor, grows in _anchor_groups(ctx, ind, rows):
        if anchor is None or (anchor.level and anchor.level != level):
            continue
        cols = np.array([pos_of[r] for r in grows])

        def group_mean(d, t_a, cols=cols):
            return mean_at(d, t_a, cols)

        d, got = _solve(ctx, anchor, grows, group_mean, **solve_kw)
        log.append(_log_entry(anchor, ctx, grows, d, got, level))
        solved.append((cols, d))
    return solved


def _solve(ctx: _Ctx, anchor, rows: np.ndarray, mean_at, lo=-25.0, hi=25.0, xtol=1e-6):
    """Solve mean_at(delta) == anchor.value by brentq; return (delta, achieved mean)."""
    t_a = _month_index(anchor.period, ctx.g0)
    w = ctx.geo["w"].to_numpy()[rows]
    if w.sum() <= 0:
        w = np.ones_like(w)

    def h(d):
        return float(np.average(mean_at(d, t_a), weights=w)) - anchor.value

    f_lo, f_hi = h(lo), h(hi)
    if f_lo * f_hi > 0:
        raise InputError(
            f"anchor '{anchor.id}' ({anchor.indicator} = {anchor.value} in {anchor.period}) "
            f"cannot be reached: the simulated mean ranges from {f_lo + anchor.value:.3f} to "
            f"{f_hi + anchor.value:.3f}; change the indicator's parameters or the anchor",
            file=ctx.cal.source, line=anchor.line)
    d = optimize.brentq(h, lo, hi, xtol=xtol)
    return d, h(d) + anchor.value


def _province_effect(ctx: _Ctx, ind: Indicator, rows: np.ndarray, sd: float) -> np.ndarray:
    provs = ctx.geo["province"].to_numpy()[rows]
    out = np.zeros(len(rows))
    for p in np.unique(provs):
        out[provs == p] = sd * _rng(ctx.seed, ind.id, "province", fold(p)).standard_normal()
    return out


# --------------------------------------------------------------------------- ratio
class _Curves:
    """Adoption curves of a set of units plus their noise draws."""

    def __init__(self, t, k, c, a, cumulative, p, noise_rng):
        self.t, self.k, self.c, self.a = t, k, c, a
        self.cum = cumulative
        self.p = p
        T, n = len(t), len(k)
        if cumulative:
            cv = float(p.get("increment_cv", 0.35))
            shape = 1.0 / max(cv, 1e-6) ** 2
            self.g = noise_rng.gamma(shape, 1.0 / shape, size=(max(T - 1, 0), n))
        else:
            rho = float(p.get("noise_rho", 0.5))
            sd = float(p.get("noise_sd", 0.03))
            eps = noise_rng.standard_normal((T, n))
            e = np.empty((T, n))
            e[0] = eps[0] * sd
            s = sd * np.sqrt(max(1 - rho ** 2, 0.0))
            for i in range(1, T):  # loop over months only (vectorised over units)
                e[i] = rho * e[i - 1] + s * eps[i]
            self.e = e

    def realize(self, delta, upto: int | None = None, cols=None) -> np.ndarray:
        """Values (T, n) for per-unit shifts ``delta``; optionally only the first months/cols."""
        T = len(self.t) if upto is None else upto + 1
        sel = slice(None) if cols is None else cols
        k, c, a = self.k[sel], self.c[sel], self.a[sel]
        z = k[None, :] * self.t[:T, None] + a[None, :] + np.asarray(delta, dtype=float)
        f = c[None, :] * expit(z)
        fc = np.minimum(f, 1.0)
        if self.cum:
            inc = np.diff(fc, axis=0) * self.g[:T - 1, sel]
            x = np.empty_like(fc)
            x[0] = fc[0]
            if T > 1:
                x[1:] = fc[0] + np.cumsum(inc, axis=0)
            x = np.minimum(x, 1.0)
            if self.p.get("complete_at_ceiling", True):
                x = np.where(f >= 1.0, 1.0, x)
            return np.maximum.accumulate(x, axis=0)
        return np.clip(fc + self.e[:T, sel], 0.0, 1.0)


def _unit_params(ctx: _Ctx, ind: Indicator, p: dict, rows: np.ndarray, rng):
    g = ctx.geo.iloc[rows]
    cls = g["urban_class"].to_numpy()
    d50 = g["dist"].to_numpy() / 50.0
    z = rng.standard_normal((3, len(rows)))
    c = (_by_class(p.get("ceiling"), cls, 0.95) - float(p.get("ceiling_remoteness", 0.0)) * d50
         + float(p.get("ceiling_sd", 0.04)) * z[0])
    c = np.maximum(c, 0.05)
    k = (float(p.get("speed", 0.12)) * _by_class(p.get("class_speed"), cls, 1.0)
         * np.exp(-float(p.get("speed_remoteness", 0.0)) * d50 + float(p.get("speed_sd", 0.25)) * z[1]))
    m = ctx.month(p.get("midpoint", "2023-06"))
    a = (_by_class(p.get("class_offset"), cls, 0.0) - float(p.get("remoteness", 0.3)) * d50
         + float(p.get("size", 0.1)) * g["size_z"].to_numpy()
         + float(p.get("capacity_loading", 0.4)) * ctx.cap.to_numpy()[rows]
         + float(p.get("unit_sd", 0.4)) * z[2])
    a = a - k * m  # so that z = k (t - m) + offset
    return k, c, a


def _sim_ratio(ctx: _Ctx, ind: Indicator, p: dict, lv: list[str]):
    n_loc, T = len(ctx.reg), ctx.T
    out = np.full((n_loc, T), np.nan)
    log = []
    if not lv:
        return out, log
    scale = float(p.get("scale", 100.0)) if ind.unit == "points" else 1.0
    cumulative = bool(ind.cumulative) and ind.unit == "ratio"
    base = lv[0]
    done = {base}
    rows = ctx.rows(base)
    curves, delta = _ratio_group(ctx, ind, p, rows, base, cumulative, log)
    vals = curves.realize(delta)
    out[rows] = vals.T
    # villages around their commune
    if base == "commune" and "village" in lv:
        done.add("village")
        vrows = ctx.rows("village")
        parent = ancestor_ids(ctx.reg, ctx.reg.index[vrows], "commune")
        pos = pd.Index(ctx.reg.index[rows]).get_indexer(parent)
        ok = pos >= 0
        vrows, pos = vrows[ok], pos[ok]
        if len(vrows):
            rng = _rng(ctx.seed, ind.id, "village-params")
            z = rng.standard_normal((2, len(vrows)))
            c = np.maximum(curves.c[pos] + float(p.get("village_ceiling_sd", 0.02)) * z[0], 0.05)
            a = curves.a[pos] + float(p.get("village_sd", 0.35)) * z[1]
            vc = _Curves(ctx.t, curves.k[pos], c, a, cumulative, p,
                         _rng(ctx.seed, ind.id, "village-noise"))
            out[vrows] = vc.realize(delta[pos]).T
    # coarser levels: weighted means of the base units, unless the indicator measures the
    # level's own staff or work (``own_levels``), which is then simulated on its own below
    own = set(p.get("own_levels") or ())
    for level in ("district", "province"):
        coarser = base in _TERRITORIAL and _TERRITORIAL.index(level) < _TERRITORIAL.index(base)
        if level in lv and coarser and level not in own:
            done.add(level)
            arows = ctx.rows(level)
            anc = ancestor_ids(ctx.reg, ctx.reg.index[rows], level)
            target = pd.Index(ctx.reg.index[arows]).get_indexer(anc)
            ok = target >= 0
            w = ctx.geo["w"].to_numpy()[rows][ok]
            w = np.where(w > 0, w, 1e-9)
            A = sparse.csr_matrix((w, (target[ok], np.flatnonzero(ok))), shape=(len(arows), len(rows)))
            den = np.asarray(A.sum(axis=1)).ravel()
            with np.errstate(invalid="ignore", divide="ignore"):
                agg = (A @ vals.T) / den[:, None]
            out[arows] = agg
    # any other level simulated directly
    for level in lv:
        if level in done:
            continue
        r2 = ctx.rows(level)
        c2, d2 = _ratio_group(ctx, ind, p, r2, level, cumulative, log)
        out[r2] = c2.realize(d2).T
    return out * scale, log


def _ratio_group(ctx, ind, p, rows, level, cumulative, log):
    k, c, a = _unit_params(ctx, ind, p, rows, _rng(ctx.seed, ind.id, level, "params"))
    curves = _Curves(ctx.t, k, c, a, cumulative, p, _rng(ctx.seed, ind.id, level, "noise"))
    delta = _province_effect(ctx, ind, rows, float(p.get("province_sd", 0.3)))

    def mean_at(d, t_a, cols):
        return curves.realize(delta[cols] + d, upto=t_a, cols=cols)[t_a]

    for cols, d in _calibrate(ctx, ind, rows, level, log, mean_at):
        delta[cols] = delta[cols] + d
    return curves, delta


def _log_entry(anchor, ctx, rows, d, got, level):
    provs = sorted(set(ctx.geo["province"].to_numpy()[rows]))
    return {"anchor": anchor.id, "indicator": anchor.indicator, "province": anchor.province,
            "applied_to": ", ".join(provs), "period": str(anchor.period), "value": anchor.value,
            "simulated": round(float(got), 6), "tolerance": anchor.tolerance,
            "shift": round(float(d), 6), "level": level, "n_units": len(rows)}


# --------------------------------------------------------------------------- bool / date
def _sim_event(ctx: _Ctx, ind: Indicator, p: dict, lv: list[str]):
    n_loc, T = len(ctx.reg), ctx.T
    out = np.full((n_loc, T), np.nan)
    log = []
    for level in lv:
        rows = ctx.rows(level)
        g = ctx.geo.iloc[rows]
        rng = _rng(ctx.seed, ind.id, level, "event")
        z = rng.standard_normal(len(rows))
        never = rng.random(len(rows)) < float(p.get("never", 0.0))
        tau = (ctx.month(p.get("deadline", "2023-06"))
               - _by_class(p.get("class_lead"), g["urban_class"].to_numpy(), 0.0)
               + float(p.get("remoteness", 0.0)) * g["dist"].to_numpy() / 50.0
               - float(p.get("capacity_loading", 0.0)) * ctx.cap.to_numpy()[rows]
               + float(p.get("spread", 2.5)) * z)
        tau = np.where(never, np.inf, tau)
        delta = np.zeros(len(rows))
        if level == lv[0]:
            def mean_at(d, t_a, cols):
                return (t_a >= np.ceil(tau[cols] + d)).astype(float)

            for cols, d in _calibrate(ctx, ind, rows, level, log, mean_at, lo=-240, hi=240, xtol=1e-3):
                delta[cols] = d
        done_month = np.ceil(tau + delta)  # first month index with value 1
        flag = ctx.t[None, :] >= done_month[:, None]
        if ind.unit == "bool":
            out[rows] = flag.astype(float)
        else:
            months = pd.period_range(ctx.g0, periods=T, freq="M")
            days = (months.to_timestamp().to_numpy().astype("datetime64[D]").astype(np.int64))
            dm = np.clip(done_month, 0, T - 1).astype(int)
            vals = np.where(flag, days[dm][:, None].astype(float), np.nan)
            out[rows] = vals
    return out, log


# --------------------------------------------------------------------------- counts
def _sim_count(ctx: _Ctx, ind: Indicator, p: dict, lv: list[str]):
    n_loc, T = len(ctx.reg), ctx.T
    out = np.full((n_loc, T), np.nan)
    log = []
    window = "all" if ind.cumulative else str(p.get("window", "year"))
    months = pd.period_range(ctx.g0, periods=T, freq="M")
    for level in lv:
        rows = ctx.rows(level)
        g = ctx.geo.iloc[rows]
        rng = _rng(ctx.seed, ind.id, level, "rates")
        disp = float(p.get("dispersion", 2.0))
        rate = (float(p.get("rate", 0.5)) * _by_class(p.get("class_rate"), g["urban_class"].to_numpy(), 1.0)
                * np.exp(float(p.get("capacity_loading", 0.0)) * ctx.cap.to_numpy()[rows])
                * rng.gamma(disp, 1.0 / disp, size=len(rows)))
        mult = np.ones(len(rows))
        if level == lv[0]:
            def mean_at(d, t_a, cols):
                return rate[cols] * np.exp(d) * _window_months(window, months, t_a, ctx.origin)

            for cols, d in _calibrate(ctx, ind, rows, level, log, mean_at, lo=-20, hi=20):
                mult[cols] = np.exp(d)
        lam = rate * mult
        draws = _rng(ctx.seed, ind.id, level, "events").poisson(np.broadcast_to(lam, (T, len(rows))))
        draws = draws.astype(float)
        if window == "month":
            vals = draws
        elif window == "year":
            years = months.year.to_numpy()
            vals = np.empty_like(draws)
            for y in np.unique(years):
                sel = years == y
                vals[sel] = np.cumsum(draws[sel], axis=0)
        else:
            vals = np.cumsum(draws, axis=0)
            t_lo = _month_index(ctx.origin, ctx.g0)
            if t_lo > 0:
                vals = vals - vals[t_lo - 1]
                vals[:t_lo] = 0.0
        out[rows] = vals.T
    return out, log


def _window_months(window, months, t_a, p0) -> float:
    if window == "month":
        return 1.0
    if window == "year":
        return float(months[t_a].month)
    return float(max(t_a - (p0.ordinal - months[0].ordinal) + 1, 1))


# =========================================================================== merger
def load_merger(path: str | Path | None = None) -> pd.DataFrame:
    """The old → new commune mapping of July 2025 (``data/localities/merger_2025.csv``)."""
    path = Path(path) if path is not None else MERGER_FILE
    if not path.is_file():
        raise InputError("merger mapping file not found", file=str(path))
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return _check_mapping(df, str(path))


def _check_mapping(df: pd.DataFrame, source: str = "<mapping>") -> pd.DataFrame:
    need = ["old_id", "new_id", "population_weight"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError([Problem(f"mapping lacks column '{c}'", file=source, column=c) for c in missing])
    df = df.copy()
    df["old_id"] = df["old_id"].astype(str).str.strip()
    df["new_id"] = df["new_id"].astype(str).str.strip()
    w = pd.to_numeric(df["population_weight"], errors="coerce")
    bad = np.flatnonzero((w.isna() | (w < 0) | (w > 1)).to_numpy())
    if len(bad):
        raise InputError([Problem("population_weight must be a number in [0, 1]", file=source,
                                  row=int(r) + 2, column="population_weight") for r in bad[:20]])
    df["population_weight"] = w.astype(float)
    if "population_part" in df.columns:
        df["population_part"] = pd.to_numeric(df["population_part"], errors="coerce")
    if "is_default" in df.columns and df["is_default"].dtype == object:
        df["is_default"] = df["is_default"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
    return df


def _old_registry(mapping: pd.DataFrame) -> pd.DataFrame:
    """Pre-merger registry (provinces, districts, communes) holding the mapping's old ids."""
    want = set(mapping["old_id"])
    parts = []
    found: set[str] = set()
    for name in _OLD_REGISTRIES + ("national_2023",):
        if want <= found:
            break
        try:
            reg = _cached_registry(name)
        except InputError:
            continue
        hit = reg.index.isin(list(want - found)) & (reg["level"] == "commune").to_numpy()
        if not hit.any():
            continue
        ids = set(reg.index[hit])
        prov = ancestors(reg, "province")
        dist = ancestors(reg, "district")
        keep = ids | set(dist[list(ids)].dropna()) | set(prov[list(ids)].dropna())
        parts.append(reg.loc[sorted(keep)])
        found |= ids
    missing = want - found
    if missing:
        raise InputError(f"{len(missing)} pre-merger communes of the mapping are in no registry "
                         f"(e.g. {', '.join(sorted(missing)[:5])})", path="merger")
    old = pd.concat(parts)
    old = old[~old.index.duplicated()]
    cols = [c for c in old.columns if c in ("name", "short_name", "level", "parent_id", "unit_type",
                                               "urban_class", "province", "lat", "lon", "population",
                                               "population_14plus", "synthetic")]
    return old[cols]


def apply_merger(panel: Panel, mapping: pd.DataFrame | str | Path | None, new_registry,
                 catalog: Catalog | None = None) -> Panel:
    """Aggregate a pre-merger panel to the post-July-2025 units.

    For each new commune, over the old communes mapped to it (``merger_2025.csv``):

    * ratios and points: weighted mean, weight = ``population_weight`` (the share of the old
      commune's population that went to the new one) × the old commune's population_14plus
      (or ``population_part`` / the bare weight when the panel has no registry);
    * counts: sum over the old communes whose *default* destination (``is_default``, else the
      largest weight) is this new commune, so that every event is counted once;
    * bools: 1 when the weighted share of old units with value 1 is ≥ 0.5;
    * dates: the weighted median of the old completion dates.

    Non-commune rows of the new registry (the province) get the population_14plus-weighted
    mean of their new communes for ratios, the sum for counts and the ≥ 0.5 share rule for
    bools. A new unit that also exists unchanged in ``panel`` (same id, not in the mapping)
    keeps its values. Returns a Panel over the new registry's localities.
    """
    if mapping is None or isinstance(mapping, (str, Path)):
        mapping = load_merger(mapping)
    mapping = _check_mapping(mapping)
    new_reg, _ = _resolve_registry(new_registry)
    new_reg = _check_registry(new_reg)
    catalog = catalog if catalog is not None else (panel.catalog or load_catalog())
    units = [catalog[i].unit if i in catalog else "ratio" for i in panel.indicators]
    old_pos = {loc: i for i, loc in enumerate(panel.localities)}
    m = mapping[mapping["new_id"].isin(new_reg.index) & mapping["old_id"].isin(old_pos)].copy()
    if "is_default" not in m.columns or not m["is_default"].any():
        m["is_default"] = m["population_weight"] == m.groupby("old_id")["population_weight"].transform("max")
        m["is_default"] &= ~m.duplicated(["old_id", "is_default"])
    reg_old = panel.registry
    if reg_old is not None and "population_14plus" in reg_old:
        pop = m["old_id"].map(reg_old["population_14plus"].astype(float)).fillna(1.0)
        m["w"] = m["population_weight"] * pop
    elif "population_part" in m.columns and m["population_part"].notna().all():
        m["w"] = m["population_part"].astype(float)
    else:
        m["w"] = m["population_weight"]
    new_ids = new_reg.index
    n_new = len(new_ids)
    new_pos = {loc: i for i, loc in enumerate(new_ids)}
    ri = m["new_id"].map(new_pos).to_numpy()
    ci = m["old_id"].map(old_pos).to_numpy()
    W = sparse.csr_matrix((m["w"].to_numpy(), (ri, ci)), shape=(n_new, len(panel.localities)))
    dflt = m["is_default"].to_numpy().astype(bool)
    D = sparse.csr_matrix((np.ones(dflt.sum()), (ri[dflt], ci[dflt])), shape=(n_new, len(panel.localities)))
    n_l, T, n_i = panel.values.shape
    out = np.full((n_new, T, n_i), np.nan)
    mapped = np.zeros(n_new, dtype=bool)
    mapped[np.unique(ri)] = True
    for j, unit in enumerate(units):
        x = panel.values[:, :, j]
        ok = ~np.isnan(x)
        x0 = np.where(ok, x, 0.0)
        if unit in ("ratio", "points", "bool"):
            den = W @ ok.astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                v = (W @ x0) / den
            v[den == 0] = np.nan
            if unit == "bool":
                v = np.where(np.isnan(v), np.nan, (v >= 0.5 - 1e-12).astype(float))
        elif unit == "count":
            v = D @ x0
            v[(D @ ok.astype(float)) == 0] = np.nan
        else:  # date: weighted median of completion dates
            v = _weighted_median_rows(W, np.where(ok, x, np.inf))
        out[mapped, :, j] = v[mapped]
    # unchanged ids carried over
    for loc in new_ids[~mapped]:
        if loc in old_pos and new_reg.loc[loc, "level"] != "province":
            out[new_pos[loc]] = panel.values[old_pos[loc]]
    # province (and any other non-commune) rows: aggregate their new communes
    anc = ancestors(new_reg, "province")
    for level in ("province", "district"):
        for loc in new_ids[(new_reg["level"] == level).to_numpy()]:
            kids = np.flatnonzero(((anc == loc) & (new_reg["level"] == "commune")).to_numpy()) \
                if level == "province" else \
                np.flatnonzero((new_reg["parent_id"] == loc).to_numpy())
            if not len(kids):
                continue
            w = new_reg["population_14plus"].to_numpy(dtype=float)[kids]
            old_src = _old_rows_of(panel, m, set(new_ids[kids]), level)
            for j, unit in enumerate(units):
                x = out[kids, :, j]
                ok = ~np.isnan(x)
                if not ok.any():
                    # indicator only at this level: combine the old rows at the same level
                    if len(old_src) == 0:
                        continue
                    x = panel.values[old_src, :, j]
                    ok = ~np.isnan(x)
                    if not ok.any():
                        continue
                    w_old = (reg_old["population_14plus"].reindex(panel.localities[old_src])
                             .to_numpy(dtype=float) if reg_old is not None else np.ones(len(old_src)))
                    out[new_pos[loc], :, j] = _combine(x, ok, w_old, unit)
                elif unit != "date":  # dates of the new communes are not combined upwards
                    out[new_pos[loc], :, j] = _combine(x, ok, w, unit)
    meta = dict(panel.meta)
    meta["merger"] = {"old_units": int(len(set(m["old_id"]))), "new_units": int(mapped.sum())}
    return Panel(out, new_ids, panel.periods, panel.indicators, registry=new_reg,
                 catalog=catalog, meta=meta)


def _old_rows_of(panel: Panel, m: pd.DataFrame, new_kids: set, level: str) -> np.ndarray:
    """Positions of the old rows at ``level`` above the old communes mapped into ``new_kids``."""
    reg_old = panel.registry
    if reg_old is None:
        return np.array([], dtype=int)
    olds = m.loc[m["new_id"].isin(new_kids), "old_id"].unique()
    anc = ancestors(reg_old, level)
    pos = panel.localities.get_indexer(sorted(set(anc.reindex(olds).dropna())))
    return pos[pos >= 0]


def _combine(x: np.ndarray, ok: np.ndarray, w: np.ndarray, unit: str) -> np.ndarray:
    if unit == "count":
        return np.where(ok, x, 0).sum(axis=0)
    if unit == "date":
        return np.nanmin(np.where(ok, x, np.nan), axis=0)
    ww = np.where(ok, w[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = (np.where(ok, x, 0) * ww).sum(axis=0) / ww.sum(axis=0)
    if unit == "bool":
        v = np.where(np.isnan(v), np.nan, (v >= 0.5 - 1e-12).astype(float))
    return v


def _weighted_median_rows(W: sparse.csr_matrix, x: np.ndarray) -> np.ndarray:
    out = np.full((W.shape[0], x.shape[1]), np.nan)
    for r in range(W.shape[0]):
        lo, hi = W.indptr[r], W.indptr[r + 1]
        if lo == hi:
            continue
        cols, w = W.indices[lo:hi], W.data[lo:hi]
        v = x[cols]
        order = np.argsort(v, axis=0, kind="stable")
        vs = np.take_along_axis(v, order, axis=0)
        cw = np.cumsum(w[order], axis=0) / w.sum()
        idx = (cw >= 0.5).argmax(axis=0)
        med = vs[idx, np.arange(x.shape[1])]
        out[r] = np.where(np.isfinite(med), med, np.nan)
    return out
