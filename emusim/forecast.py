"""Will a unit reach its target by the deadline? (``forecast``, ``reliability_table``)

Model. For each unit, the last ``window`` months of history up to ``as_of`` are put on the
log-odds scale, ``z = logit(clip(y, ε, 1 − ε))`` with ε = 0.005, and a straight line
``z = a + b·(t − as_of)`` is fitted by ordinary least squares (closed form, vectorised over
units). The predictive distribution of ``z`` at the deadline, ``H`` months ahead, is a
Student t (n − 2 degrees of freedom) centred on ``a + damping·b·H`` with scale

    sqrt(s² · (1 + 1/n + (H − t̄)² / Sxx) + (drift · H)²)

where ``s`` is the residual sd. ``damping`` (default 0.75) shrinks the extrapolated slope,
because adoption curves bend towards their ceiling so a straight log-odds line is too
optimistic; ``drift`` (default 0.04 log-odds per month ahead) adds the uncertainty the line
cannot see (campaign pushes before deadlines, stalls). For cumulative indicators a draw never falls below the
current value. ``n_draws`` Monte Carlo draws (seeded) give the probability of reaching the
effective target, the expected value and a 5–95 % band.

Targets: ``target`` plus the unit's urban uplift (``uplift`` maps urban_class → additive
points, e.g. ``{"district_town": 0.10, "city": 0.15}``), capped at 1.0. A draw meets the
target when ``value ≥ target − 1e-9``; for a target of 100 %, a draw at or above
``1 − ε`` (99.5 %) counts as reaching it, because reported 100 % is a completion event the
logit line can only approach.

``damping`` and ``drift`` were chosen on simulated Hà Giang histories (seed 0; communes and
villages; eID, cadre, data-cleaning and online-dossier targets, 6–11 months ahead) and
checked on seeds 1–2 (``tests/test_forecast.py``): every probability bin is within ≈ 0.12 of
the observed share (units given 60–70 % reached in 70 % of cases), Brier 0.087 vs 0.244
for climatology. They are properties of the simulator; re-check them on real histories.

>>> import numpy as np
>>> logit_line(np.array([[0.2, 0.3, 0.4, 0.5]]))[1].round(3)   # slope per month (log-odds)
array([0.46])
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from .errors import InputError, Problem
from .i18n import Message
from .panel import Panel, to_period


def _error(key: str, path: str | None = None, **values) -> InputError:
    """An InputError carrying the catalogue message ``forecast.<key>``."""
    return InputError([Problem(Message(f"forecast.{key}", **values), path=path)])


__all__ = ["forecast", "reliability_table", "brier_score", "logit_line"]

EPS = 0.005
DEFAULT_DRIFT = 0.04
DEFAULT_CEILINGS = (1.0,)
DEFAULT_DAMPING = 0.75


def logit_line(y: np.ndarray, eps: float = EPS):
    """Least-squares line on the log-odds scale, per row of ``y`` (units × months).

    Time is measured in months relative to the last column (so the intercept is the
    fitted log-odds at the last observed month). NaNs are skipped. Returns
    ``(intercept, slope, resid_sd, n, tbar, sxx)`` arrays.
    """
    y = np.asarray(y, dtype=float)
    h = y.shape[1]
    t = np.arange(h, dtype=float) - (h - 1)
    ok = ~np.isnan(y)
    z = np.where(ok, logit(np.clip(np.where(ok, y, 0.5), eps, 1 - eps)), 0.0)
    n = ok.sum(axis=1).astype(float)
    tt = np.where(ok, t[None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tbar = tt.sum(axis=1) / n
        zbar = z.sum(axis=1) / n
        dt = np.where(ok, t[None, :] - tbar[:, None], 0.0)
        sxx = (dt ** 2).sum(axis=1)
        slope = np.where(sxx > 0, (dt * (z - zbar[:, None])).sum(axis=1) / sxx, 0.0)
        intercept = zbar - slope * tbar
        resid = np.where(ok, z - (intercept[:, None] + slope[:, None] * t[None, :]), 0.0)
        dof = np.maximum(n - 2, 1)
        sd = np.sqrt((resid ** 2).sum(axis=1) / dof)
    return intercept, slope, sd, n, tbar, sxx


def fit_trend(y: np.ndarray, ceilings=DEFAULT_CEILINGS, eps: float = EPS):
    """Fit ``y ≈ c · expit(a + b t)`` per row, choosing the ceiling ``c`` from a grid.

    For each candidate ``c`` (at least the row's maximum) the log-odds line of ``y / c`` is
    fitted by :func:`logit_line`; the ``c`` with the smallest squared error in ``y`` wins.
    Returns ``(intercept, slope, resid_sd, n, tbar, sxx, ceiling)``.
    """
    y = np.asarray(y, dtype=float)
    h = y.shape[1]
    t = np.arange(h, dtype=float) - (h - 1)
    ymax = np.nanmax(np.where(np.isnan(y), -np.inf, y), axis=1)
    best = None
    for c in ceilings:
        fit = logit_line(y / c, eps)
        a, b = fit[0], fit[1]
        yhat = c * expit(a[:, None] + b[:, None] * t[None, :])
        sse = np.nansum((y - yhat) ** 2, axis=1)
        sse = np.where(ymax <= c + 1e-12, sse, np.inf)
        if best is None:
            best = [*fit, np.full(len(y), float(c)), sse]
            continue
        better = sse < best[-1] - 1e-12
        for k in range(6):
            best[k] = np.where(better, fit[k], best[k])
        best[6] = np.where(better, float(c), best[6])
        best[7] = np.where(better, sse, best[7])
    return tuple(best[:7])


def forecast(panel: Panel, indicator: str, target: float, deadline, as_of=None,
             uplift: Mapping[str, float] | None = None, registry: pd.DataFrame | None = None,
             n_draws: int = 2000, window: int = 12, drift: float = DEFAULT_DRIFT,
             localities=None, level: str | None = None, seed: int = 0,
             full_at: float = 0.98, ceilings=DEFAULT_CEILINGS,
             damping: float = DEFAULT_DAMPING) -> pd.DataFrame:
    """Probability that each unit reaches ``target`` by ``deadline``.

    Parameters
    ----------
    panel : the history; indicator : a ratio indicator of the panel; target : fraction;
    deadline, as_of : months ('YYYY-MM'); as_of defaults to the panel's last month and must
    be inside the panel (the deadline may lie beyond it); uplift : urban_class → additive
    points (needs a registry with ``urban_class``); registry : defaults to
    ``panel.registry``; window : months of history fitted; drift : extra log-odds sd per
    month ahead; localities / level : which units (default: every unit with data at as_of);
    seed : for the Monte Carlo draws.

    Returns a DataFrame indexed by locality_id with columns ``current``, ``target``
    (effective, after uplift), ``intercept``, ``slope`` (log-odds per month), ``resid_sd``,
    ``n_obs``, ``horizon`` (months), ``p_reach``, ``expected``, ``q05``, ``q95``,
    ``at_risk`` (p_reach < 0.5) and ``urban_class`` when known.
    """
    if not 0.0 <= float(target) <= 1.0:
        raise _error("bad_target", "target", target=float(target))
    if n_draws < 10:
        raise _error("few_draws", "n_draws")
    j = panel._indicator_pos(indicator)
    t_now = panel._period_pos(as_of) if as_of is not None else len(panel.periods) - 1
    p_now = panel.periods[t_now]
    p_dead = to_period(deadline, "deadline")
    if p_dead < p_now:
        raise _error("deadline_before", "deadline", deadline=str(p_dead), as_of=str(p_now))
    H = float(p_dead.ordinal - p_now.ordinal)
    registry = registry if registry is not None else panel.registry
    rows = np.arange(len(panel.localities))
    if localities is not None:
        rows = panel.localities.get_indexer([str(x) for x in localities])
        if (rows < 0).any():
            bad = [str(x) for x, r in zip(localities, rows) if r < 0][:5]
            raise _error("unknown_localities", "localities", ids=", ".join(bad))
    if level is not None:
        if registry is None or "level" not in registry:
            raise _error("level_needs_registry", "level")
        lv = registry["level"].reindex(panel.localities[rows]).to_numpy()
        rows = rows[lv == level]
    cur = panel.values[rows, t_now, j]
    has = ~np.isnan(cur)
    rows, cur = rows[has], cur[has]
    ids = panel.localities[rows]
    lo = max(0, t_now - window + 1)
    hist = panel.values[rows, lo:t_now + 1, j]

    # effective targets
    tgt = np.full(len(rows), float(target))
    classes = None
    if registry is not None and "urban_class" in registry:
        classes = registry["urban_class"].reindex(ids).fillna("").to_numpy()
    if uplift:
        if classes is None:
            raise _error("uplift_needs_registry", "uplift")
        add = np.array([float(uplift.get(c, 0.0)) for c in classes])
        tgt = np.minimum(1.0, tgt + add)

    a, b, s, n, tbar, sxx, ceil = fit_trend(hist, ceilings)
    s = np.where(np.isfinite(s), s, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        lever = np.where(sxx > 0, (H - tbar) ** 2 / sxx, 0.0)
    scale = np.sqrt(s ** 2 * (1 + 1 / np.maximum(n, 1) + lever) + (drift * H) ** 2)
    mu = a + damping * b * H
    dof = np.maximum(n - 2, 1)
    rng = np.random.default_rng(np.random.SeedSequence(int(seed)))
    tdraw = rng.standard_t(dof[:, None], size=(len(rows), n_draws))
    draws = np.minimum(1.0, ceil[:, None] * expit(mu[:, None] + scale[:, None] * tdraw))
    cat = panel.catalog
    cumulative = bool(cat is not None and indicator in cat and cat[indicator].cumulative)
    if cumulative:
        draws = np.maximum(draws, cur[:, None])
    # a draw that reaches ``full_at`` counts as a reported 100 % (completion push)
    draws = np.where(draws >= full_at, 1.0, draws)
    reach = draws >= (tgt[:, None] - 1e-9)
    already = cur >= tgt - 1e-9
    if cumulative:
        reach[already] = True
    p = reach.mean(axis=1)
    out = pd.DataFrame({
        "current": cur, "target": tgt, "ceiling": ceil, "intercept": a, "slope": b, "resid_sd": s,
        "n_obs": n.astype(int), "horizon": int(H), "p_reach": p,
        "expected": draws.mean(axis=1),
        "q05": np.quantile(draws, 0.05, axis=1), "q95": np.quantile(draws, 0.95, axis=1),
    }, index=pd.Index(ids, name="locality_id"))
    out["at_risk"] = out["p_reach"] < 0.5
    if classes is not None:
        out["urban_class"] = classes
    out.attrs.update({"indicator": indicator, "as_of": str(p_now), "deadline": str(p_dead),
                      "target": float(target), "uplift": dict(uplift or {})})
    return out


def reliability_table(forecast_df: pd.DataFrame, outcomes, bins: int = 10) -> pd.DataFrame:
    """Calibration of forecast probabilities against what happened.

    ``outcomes``: a boolean Series by locality_id (did the unit reach its target?), or a
    Panel, in which case the outcome is ``value at the deadline ≥ the effective target``.
    Returns one row per probability bin: ``bin`` (interval), ``mean_predicted``,
    ``observed``, ``n``.

    >>> f = pd.DataFrame({"p_reach": [0.05, 0.1, 0.9, 0.95]}, index=list("abcd"))
    >>> reliability_table(f, pd.Series([False, False, True, True], index=list("abcd")), bins=2)
              bin  mean_predicted  observed  n
    0  [0.0, 0.5)           0.075       0.0  2
    1  [0.5, 1.0]           0.925       1.0  2
    """
    y = _outcomes(forecast_df, outcomes)
    p = forecast_df["p_reach"].reindex(y.index).to_numpy(dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    k = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    rows = []
    for i in range(bins):
        sel = k == i
        if not sel.any():
            continue
        label = f"[{edges[i]:.1f}, {edges[i + 1]:.1f}{']' if i == bins - 1 else ')'}"
        rows.append({"bin": label, "mean_predicted": float(p[sel].mean()),
                     "observed": float(y.to_numpy()[sel].mean()), "n": int(sel.sum())})
    return pd.DataFrame(rows)


def brier_score(forecast_df: pd.DataFrame, outcomes) -> tuple[float, float]:
    """(Brier score of the forecast, Brier score of climatology = always the base rate)."""
    outcome = _outcomes(forecast_df, outcomes)
    y = outcome.to_numpy(dtype=float)
    p = forecast_df["p_reach"].reindex(outcome.index).to_numpy(dtype=float)
    base = y.mean()
    return float(np.mean((p - y) ** 2)), float(np.mean((base - y) ** 2))


def _outcomes(forecast_df: pd.DataFrame, outcomes) -> pd.Series:
    if isinstance(outcomes, Panel):
        ind = forecast_df.attrs.get("indicator")
        dead = forecast_df.attrs.get("deadline")
        if ind is None or dead is None:
            raise _error("panel_outcomes", "outcomes")
        v = outcomes.at(dead)[ind].reindex(forecast_df.index)
        return (v >= forecast_df["target"] - 1e-9) & v.notna()
    y = pd.Series(outcomes).reindex(forecast_df.index)
    if y.isna().any():
        missing = list(y.index[y.isna()][:5])
        raise _error("outcomes_missing", "outcomes", ids=", ".join(map(str, missing)))
    return y.astype(bool)
