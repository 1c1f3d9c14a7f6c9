"""Calibration: fit each province's curves to all of its anchors at once (least squares).

Stage between drawing the units' parameters and realising their trajectories. For one
indicator, the base units are split into **groups** (:func:`anchor_groups`): the units of a
province with anchors of its own for the indicator, and the rest, which follow the
*national* anchors. Each group gets the parameters θ that bring its population_14plus-
weighted mean onto **every** anchor of the group at the anchor's month:

* ratios and points: θ = (logit shift δ, log speed multiplier s) — the adoption curve
  ``c·expit(k·e^s·(t − m) + a + δ)`` moves earlier/later and steeper/flatter; with one anchor
  only δ is fitted (s = 0);
* bools and dates: θ = a shift (months) of every completion date;
* counts: θ = a log-rate multiplier.

The fit is ``scipy.optimize.least_squares`` on residuals ``(mean_j(θ) − target_j) /
tolerance_j`` (one per anchor) plus a weak prior ``s / speed_prior_sd`` (so two anchors fix
δ and s, and more anchors than parameters are fitted as well as the curve allows). For a
national anchor, a province's target is the national value moved by the province's
``model.province_offsets`` on the logit scale (its DTI standing: Lào Cai ahead of Tuyên
Quang ahead of Hà Giang). Completion events are step functions of θ: one anchor is solved
exactly by ``brentq``; several by a grid over θ.

**Hold-out** (``Ctx.holdout``): each anchor is also predicted by the group's fit *without*
it (with no anchor left, θ = 0: the uncalibrated model); the report shows that prediction
next to the anchor (:func:`emusim.sim.report.calibration_report`).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import optimize

from ..catalog import Indicator
from ..errors import InputError, Problem
from ..i18n import Message, t
from ..observations.values import Number
from ..panel import to_period
from .config import Anchor, Calibration, _month_index, fold

#: Bounds of θ by kind: (shift, log speed) for smooth curves, shift in months for events,
#: log-rate for counts.
BOUNDS = {"curve": ((-25.0, 25.0), (-2.0, 2.0)), "event": ((-240.0, 240.0),),
          "count": ((-20.0, 20.0),)}


@dataclass
class Ctx:
    """What every trajectory generator needs: registry, geography, capacity, time grid, seed."""

    reg: pd.DataFrame
    geo: pd.DataFrame
    cap: pd.Series
    g0: pd.Period
    T: int
    t: np.ndarray
    seed: int
    cal: Calibration
    origin: pd.Period  # cumulative counts start here
    holdout: bool = False

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


def anchor_groups(ctx: Ctx, ind: Indicator, rows: np.ndarray) -> list[tuple[list[Anchor], np.ndarray]]:
    """Split base rows into calibration groups: [(anchors, row positions)].

    A province with anchors of its own for the indicator is one group; so is a province with
    an offset (``model.province_offsets``), fitted to the national anchors moved by its
    offset. All other provinces share one group fitted to the national anchors (one θ for
    them all, so their random province effects survive, e.g. in ``national_2023``).
    """
    anchors = ctx.cal.anchors_for(ind.id)
    folded = ctx.province_key[rows]
    national = [a for a in anchors if a.national]
    specific: dict[str, list[Anchor]] = {}
    for a in anchors:
        if not a.national:
            specific.setdefault(fold(a.province), []).append(a)
    groups = []
    rest = np.zeros(len(rows), bool)
    for key in sorted(set(folded)):
        sel = folded == key
        if key in specific:
            groups.append((specific[key], rows[sel]))
        elif key in ctx.cal.province_offsets:
            groups.append((national, rows[sel]))
        else:
            rest |= sel
    if rest.any():
        groups.append((national, rows[rest]))
    return groups


def calibrate(ctx: Ctx, ind: Indicator, rows: np.ndarray, level: str, log: list, mean_at,
              kind: str = "curve") -> list[tuple[np.ndarray, np.ndarray]]:
    """Fit θ for every anchor group of ``rows`` that calibrates ``level``; log every anchor.

    ``mean_at(theta, times, cols)`` gives the values (len(times), len(cols)) at the grid
    months ``times`` of the units at positions ``cols`` of ``rows`` under parameters
    ``theta``. Returns ``[(cols, theta)]``; the groups are disjoint, so the caller applies
    them afterwards.
    """
    pos_of = {r: i for i, r in enumerate(rows)}
    solved = []
    w_all = ctx.geo["w"].to_numpy()
    for anchors, grows in anchor_groups(ctx, ind, rows):
        anchors = [a for a in anchors if not a.level or a.level == level]
        if not anchors:
            continue
        cols = np.array([pos_of[r] for r in grows])
        w = w_all[grows]
        w = w if w.sum() > 0 else np.ones_like(w)
        province = str(ctx.geo["province"].to_numpy()[grows[0]]) if len(
            set(ctx.province_key[grows])) == 1 else "national"
        targets = np.array([ctx.cal.target(a, province) for a in anchors])
        times = np.array([_month_index(a.period, ctx.g0) for a in anchors])

        def means(theta, times=times, cols=cols, w=w):
            return np.average(mean_at(np.asarray(theta, float), times, cols), axis=1, weights=w)

        _check_reachable(ctx, anchors, targets, means, kind)
        theta = _fit(ctx, anchors, targets, means, kind)
        got = means(theta)
        held = _holdouts(ctx, anchors, targets, means, kind) if ctx.holdout else [None] * len(anchors)
        for a, tgt, g, h in zip(anchors, targets, got, held):
            log.append(_log_entry(a, ctx, grows, theta, g, tgt, level, len(anchors), h))
            if abs(g - tgt) > a.tolerance + 1e-9:
                warnings.warn(t("sim.cal_missed", anchor=a.id, simulated=Number(g, 4), province=province,
                                target=Number(tgt, 4), tolerance=Number(a.tolerance, 4)),
                              stacklevel=2)
        solved.append((cols, theta))
    return solved


def _n_params(kind: str, n_anchors: int) -> int:
    return min(len(BOUNDS[kind]), max(n_anchors, 1))


def _fit(ctx: Ctx, anchors, targets, means, kind: str, use=None) -> np.ndarray:
    """θ fitted to the anchors selected by ``use`` (a boolean mask; default all)."""
    use = np.ones(len(anchors), bool) if use is None else use
    full = np.zeros(len(BOUNDS[kind]))
    if not use.any():
        return full
    tol = np.array([a.tolerance for a in anchors])
    n = _n_params(kind, int(use.sum()))
    if kind == "event":
        if use.sum() == 1:
            j = int(np.flatnonzero(use)[0])
            lo, hi = BOUNDS[kind][0]
            full[0] = optimize.brentq(lambda d: means([d])[j] - targets[j], lo, hi, xtol=1e-3)
            return full
        grid = np.arange(BOUNDS[kind][0][0], BOUNDS[kind][0][1], 0.25)
        sse = [np.sum(((means([d]) - targets)[use] / tol[use]) ** 2) for d in grid]
        full[0] = grid[int(np.argmin(sse))]
        return full
    prior = ctx.cal.speed_prior_sd

    def residuals(x):
        theta = np.zeros(len(BOUNDS[kind]))
        theta[:n] = x
        r = (means(theta) - targets)[use] / tol[use]
        return np.append(r, x[1:] / prior) if n > 1 else r

    lo = [b[0] for b in BOUNDS[kind][:n]]
    hi = [b[1] for b in BOUNDS[kind][:n]]
    x0 = np.zeros(n)
    if kind == "curve" or kind == "count":  # start from the exact one-anchor shift
        j = int(np.flatnonzero(use)[0])
        f = lambda d: means(np.r_[d, np.zeros(len(BOUNDS[kind]) - 1)])[j] - targets[j]  # noqa: E731
        if f(lo[0]) * f(hi[0]) < 0:
            x0[0] = optimize.brentq(f, lo[0], hi[0], xtol=1e-8)
    if n == 1 and abs(residuals(x0)[0]) < 1e-6:
        full[0] = x0[0]
        return full
    res = optimize.least_squares(residuals, x0, bounds=(lo, hi), xtol=1e-10, ftol=1e-10,
                                 diff_step=1e-6)
    full[:n] = res.x
    return full


def _check_reachable(ctx: Ctx, anchors, targets, means, kind: str) -> None:
    """Raise when an anchor's target lies outside what the shift alone can reach."""
    lo, hi = BOUNDS[kind][0]
    pad = np.zeros(len(BOUNDS[kind]) - 1)
    at_lo, at_hi = means(np.r_[lo, pad]), means(np.r_[hi, pad])
    for j, a in enumerate(anchors):
        low, high = min(at_lo[j], at_hi[j]), max(at_lo[j], at_hi[j])
        if not (low - 1e-9 <= targets[j] <= high + 1e-9):
            raise InputError([Problem(Message(
                "sim.cal_unreachable", anchor=a.id, indicator=a.indicator, target=Number(targets[j], 4),
                period=str(a.period), low=Number(low, 3), high=Number(high, 3)),
                file=ctx.cal.source, line=a.line)])


def _holdouts(ctx: Ctx, anchors, targets, means, kind: str) -> list[float]:
    """Each anchor predicted by the fit to the group's other anchors (θ = 0 if none)."""
    out = []
    for j in range(len(anchors)):
        use = np.ones(len(anchors), bool)
        use[j] = False
        out.append(float(means(_fit(ctx, anchors, targets, means, kind, use))[j]))
    return out


def _log_entry(anchor: Anchor, ctx: Ctx, rows, theta, got, target, level, n_anchors, held):
    provs = sorted(set(ctx.geo["province"].to_numpy()[rows]))
    entry = {"anchor": anchor.id, "indicator": anchor.indicator, "province": anchor.province,
             "applied_to": ", ".join(provs), "period": str(anchor.period), "value": anchor.value,
             "target": round(float(target), 6), "simulated": round(float(got), 6),
             "residual": round(float(got - target), 6), "tolerance": anchor.tolerance,
             "hit": bool(abs(got - target) <= anchor.tolerance + 1e-9),
             "shift": round(float(theta[0]), 6),
             "log_speed": round(float(theta[1]), 6) if len(theta) > 1 else 0.0,
             "level": level, "n_units": len(rows), "n_anchors": n_anchors,
             "sourced": anchor.sourced}
    if held is not None:
        entry["holdout"] = round(held, 6)
        entry["holdout_error"] = round(held - float(target), 6)
    return entry
