"""The brief's sensitivity sections: one-at-a-time (tornado) and Monte Carlo under default noise."""
from __future__ import annotations

import pandas as pd

from ..analysis.noise import FLIP_P, NOISE_SD
from .whatif import _pm5, _uses_uplift


def _tornado_ranges(scheme, st) -> dict:
    ranges: dict[str, tuple | None] = {}
    if _uses_uplift(scheme):
        for cls in ("city", "district_town", "town"):
            if cls in scheme.uplift and (st["urban_class"] == cls).any():
                ranges[f"uplift.{cls}"] = _pm5(scheme.uplift_value(cls))
    for g in scheme.gates:
        if g.mode == "hard" and g.target is not None:
            ranges[f"gates.{g.id}.target"] = _pm5(g.target)
    if scheme.kind == "standards":
        for c in scheme.criteria:
            if c.target is not None:
                ranges[f"criteria.{c.id}.target"] = _pm5(c.target)
    else:
        ranges["proportional_basis"] = None
        for g in scheme.groups:
            if g.part == "A" and g.max:
                ranges[f"groups.{g.id}.max"] = (g.max * 0.8, g.max * 1.2)
    for t in scheme.awards.allocated_tiers:
        if t.quota is not None:
            ranges[f"awards.{t.id}.quota"] = (max(0, t.quota - 2), t.quota + 2)
    return ranges


def _run_tornado(scheme, values, registry, ranges) -> pd.DataFrame | None:
    """:func:`emusim.analysis.tornado` with the chart's column names (None: nothing to vary)."""
    from ..analysis import tornado

    if not ranges:
        return None
    tor = tornado(scheme, values, ranges, registry=registry)
    return pd.DataFrame({"parameter": tor["path"], "low": tor["low"], "high": tor["high"],
                         "effect_low": tor["changed_low"], "effect_high": tor["changed_high"]})


def _run_montecarlo(scheme, values, registry, n, seed):
    """Monte Carlo under :func:`emusim.analysis.default_noise_factors` (``NOISE_SD`` on ratios,
    ``FLIP_P`` on yes/no answers, none on the "hoàn thành 100 %" items).

    Returns ``(result or None, factors)``: None when no indicator can carry noise (every one
    the scheme reads is tested at 100 %, say) — ``factors.excluded`` says which and why.
    """
    from ..analysis import default_noise_factors, montecarlo

    factors = default_noise_factors(scheme, values, sd=NOISE_SD, flip=FLIP_P, registry=registry)
    if not factors:
        return None, factors
    return montecarlo(scheme, values, factors, n=n, seed=seed, registry=registry, progress=False), factors
