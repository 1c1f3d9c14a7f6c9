"""Trajectories: adoption curves (ratios, points), completion events (bools, dates), counts.

Third stage of :func:`emusim.simulate` (the model is described in :mod:`emusim.simulate`).
Each generator draws its units' parameters from seeded generators, asks
:func:`emusim.sim.fit.calibrate` for the per-group shifts that bring the province means onto
the anchors, and realises the monthly values.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit

from ..catalog import Indicator
from ..registry import ancestor_ids
from .config import _month_index, _rng, fold
from .fit import Ctx, calibrate
from .units import _by_class

_TERRITORIAL = ("province", "district", "commune", "village")


def _province_effect(ctx: Ctx, ind: Indicator, rows: np.ndarray, sd: float) -> np.ndarray:
    provs = ctx.geo["province"].to_numpy()[rows]
    out = np.zeros(len(rows))
    for p in np.unique(provs):
        out[provs == p] = sd * _rng(ctx.seed, ind.id, "province", fold(p)).standard_normal()
    return out


# --------------------------------------------------------------------------- ratio
class _Curves:
    """Adoption curves of a set of units plus their noise draws."""

    def __init__(self, t, k, c, a, cumulative, p, noise_rng, m: float = 0.0):
        self.t, self.k, self.c, self.a, self.m = t, k, c, a, m
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

    def realize(self, delta, upto: int | None = None, cols=None, speed=None) -> np.ndarray:
        """Values (T, n) for per-unit shifts ``delta`` and speed multipliers ``speed`` (the
        curve pivots on the midpoint ``m``); optionally only the first months/cols."""
        T = len(self.t) if upto is None else upto + 1
        sel = slice(None) if cols is None else cols
        k, c, a = self.k[sel], self.c[sel], self.a[sel]
        if speed is not None:
            speed = np.broadcast_to(np.asarray(speed, dtype=float), k.shape)
            a = a + k * self.m * (1.0 - speed)
            k = k * speed
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


def _unit_params(ctx: Ctx, ind: Indicator, p: dict, rows: np.ndarray, rng):
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
    return k, c, a, m


def _sim_ratio(ctx: Ctx, ind: Indicator, p: dict, lv: list[str]):
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
    curves, delta, speed = _ratio_group(ctx, ind, p, rows, base, cumulative, log)
    vals = curves.realize(delta, speed=speed)
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
                         _rng(ctx.seed, ind.id, "village-noise"), curves.m)
            out[vrows] = vc.realize(delta[pos], speed=speed[pos]).T
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
        c2, d2, s2 = _ratio_group(ctx, ind, p, r2, level, cumulative, log)
        out[r2] = c2.realize(d2, speed=s2).T
    return out * scale, log


def _ratio_group(ctx, ind, p, rows, level, cumulative, log):
    """Curves of one level's units, with the fitted shifts and speed multipliers."""
    k, c, a, m = _unit_params(ctx, ind, p, rows, _rng(ctx.seed, ind.id, level, "params"))
    curves = _Curves(ctx.t, k, c, a, cumulative, p, _rng(ctx.seed, ind.id, level, "noise"), m)
    delta = _province_effect(ctx, ind, rows, float(p.get("province_sd", 0.3)))
    speed = np.ones(len(rows))

    def mean_at(theta, times, cols):
        x = curves.realize(delta[cols] + theta[0], upto=int(times.max()), cols=cols,
                           speed=np.exp(theta[1]))
        return x[times]

    for cols, theta in calibrate(ctx, ind, rows, level, log, mean_at, "curve"):
        delta[cols] = delta[cols] + theta[0]
        speed[cols] = np.exp(theta[1])
    return curves, delta, speed



# --------------------------------------------------------------------------- bool / date
def _sim_event(ctx: Ctx, ind: Indicator, p: dict, lv: list[str]):
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
            def mean_at(theta, times, cols):
                return (times[:, None] >= np.ceil(tau[cols] + theta[0])[None, :]).astype(float)

            for cols, theta in calibrate(ctx, ind, rows, level, log, mean_at, "event"):
                delta[cols] = theta[0]
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
def _sim_count(ctx: Ctx, ind: Indicator, p: dict, lv: list[str]):
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
            def mean_at(theta, times, cols):
                span = np.array([_window_months(window, months, t_a, ctx.origin) for t_a in times])
                return rate[cols][None, :] * np.exp(theta[0]) * span[:, None]

            for cols, theta in calibrate(ctx, ind, rows, level, log, mean_at, "count"):
                mult[cols] = np.exp(theta[0])
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

