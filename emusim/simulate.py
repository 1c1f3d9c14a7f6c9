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
* ``δ_p`` a province shift and ``e^{s_p}`` a speed multiplier fitted by least squares
  (:mod:`emusim.sim.fit`) so that the population_14plus-weighted province mean hits every
  calibration anchor of the province (or the national ones) at its month.

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

Calibration anchors (``data/calibration.yaml``, each with its source and date, or marked as an
assumption): e.g. Hà Giang 55.76 % of dossiers fully online in 2024, national 39.5 % in
06/2025, national eID activations (1.4 million in 11/2022, 62 million in 04/2025); the
report of how close the simulation comes, with a hold-out check, is
:func:`emusim.sim.report.calibration_report` (``emusim calibration``).

Stages (one module each): :mod:`emusim.sim.config` (the calibration file),
:mod:`emusim.sim.units` (the registry's geography), :mod:`emusim.sim.fit` (the least-squares
fit to the anchors), :mod:`emusim.sim.curves` (trajectories), :mod:`emusim.sim.merger` (the
July 2025 merger), :mod:`emusim.sim.report` (calibration report).

Determinism: all randomness comes from ``numpy.random.default_rng`` seeded with
``SeedSequence(seed, spawn_key=(crc32(indicator id), crc32(component)))``; adding an
indicator to the catalog does not change the others, draws are laid out month-major so that
extending ``end`` does not change earlier months, and localities are processed in sorted id
order so the input row order does not matter.

The July 2025 merger: a post-2025 registry (``tuyen_quang_2025``, ``lao_cai_2025``) is
simulated on the pre-merger communes (the 2023 registries as in force on 30/06/2025) and
aggregated to the new units with ``merger_2025.csv`` (see :func:`apply_merger`); its panel
runs to the present (``end`` defaults to 2026-12 for a registry still in force, 2025-12
otherwise).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .catalog import Catalog, load_catalog
from .errors import InputError, Problem
from .i18n import Message
from .limits import check_month_span, check_seed
from .panel import Panel, to_period
from .sim.config import (CALIBRATION_FILE, Anchor, Calibration, _month_index, _rng, fold,
                         load_calibration, stable_key)
from .sim.curves import _sim_count, _sim_event, _sim_ratio
from .sim.fit import Ctx
from .sim.merger import _check_mapping, _old_registry, apply_merger, load_merger
from .sim.units import _check_registry, _geography, _resolve_registry

__all__ = ["simulate", "apply_merger", "load_calibration", "load_merger", "Calibration",
           "Anchor", "stable_key", "fold", "CALIBRATION_FILE", "PRESENT", "default_end"]

#: The last month of the panels of registries still in force ("today": 12/2026).
PRESENT = "2026-12"
#: The last month of the panels of the pre-merger registries (their plans ran to 2025).
LEGACY_END = "2025-12"
_BASE_ORDER = ("commune", "district", "province", "village", "agency", "enterprise")


def simulate(registry, start="2022-01", end=None, seed: int = 0, catalog: Catalog | None = None,
             levels=None, calibration: Calibration | str | Path | None = None,
             merger="auto", count_origin=None, holdout: bool = False) -> Panel:
    """Simulate a monthly panel for every locality of ``registry`` and catalog indicator.

    Parameters
    ----------
    registry : DataFrame indexed by locality_id, or a registry name / path.
    start, end : first and last month ('YYYY-MM'). ``end`` defaults to :data:`PRESENT`
        (2026-12) for a registry whose units are still in force (no ``valid_to``: the merged
        provinces of 1 July 2025), else to 2025-12 (the pre-merger registries, whose plans ran
        to 2025).
    seed : int; the same seed gives the same panel on every machine.
    catalog : indicator catalog (default ``data/indicators.yaml``).
    levels : restrict to these registry levels (e.g. ``["commune"]``); default all.
    calibration : a :class:`Calibration` or a path (default ``data/calibration.yaml``).
    count_origin : month from which cumulative counts are summed (default ``start``; e.g.
        the movement's launch month). Non-cumulative counts are always year-to-date.
    merger : ``"auto"`` (a registry without districts whose communes are the new units of
        ``merger_2025.csv`` is simulated on the old communes, then merged), ``None``/False
        (simulate the registry as given) or a mapping DataFrame.

    holdout : also predict every anchor from a fit without it (slower; for the report).

    Returns a :class:`Panel` with the registry attached; ``panel.meta["calibration"]``
    lists every anchor used, its target, the simulated mean at the anchor month, the
    residual, the fitted shift and speed (and the hold-out prediction when asked).

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
    p0, p1 = to_period(start, "start"), to_period(end if end is not None else default_end(reg), "end")
    if p1 < p0:
        raise InputError([Problem(Message("sim.end_before_start", end=str(p1), start=str(p0)), path="end")])
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
            raise InputError([Problem(Message("sim.unknown_levels", levels=", ".join(map(repr, unknown)),
                                              known=", ".join(sorted(set(reg["level"])))), path="levels")])

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
                                   ["province", "district", "commune"], origin, holdout)
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
    return _simulate_core(reg, p0, p1, seed, catalog, calibration, levels, origin, holdout)


def default_end(registry: pd.DataFrame) -> str:
    """The default last month of a panel: :data:`PRESENT` when the registry's units are
    still in force (no ``valid_to``), else :data:`LEGACY_END`.

    >>> from emusim.registry import load_registry
    >>> default_end(load_registry("tuyen_quang_2025")), default_end(load_registry("ha_giang_2023"))
    ('2026-12', '2025-12')
    """
    if "valid_to" in registry.columns and registry["valid_to"].notna().all() and len(registry):
        return LEGACY_END
    return PRESENT if "valid_from" in registry.columns else LEGACY_END


def _simulate_core(reg, p0, p1, seed, catalog, cal: Calibration, levels, origin=None,
                   holdout: bool = False) -> Panel:
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
    ctx = Ctx(reg, geo, cap, g0, T, tgrid, seed, cal, origin, holdout)
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


