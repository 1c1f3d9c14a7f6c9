"""Measurement noise that cannot mislead: the default noise factors and the saturation warning.

**The trap.** The plans write many mandatory targets as "hoàn thành 100 %" or "đạt 100 %"
(Hà Giang KH 186, Annex 3, "Riêng các chỉ tiêu sau phải phấn đấu hoàn thành": 100 % of
eligible citizens' CCCD applications received, 100 % of population data cleaned, 100 % of
cadres with a level-2 eID). In the simulated Hà Giang 2023-11 data, 82 % of communes report
exactly 1.0 on ``cccd_application_rate``. Additive noise of any size on such an indicator
pushes about half of those units below 100 % in every draw (values are clipped at 1.0, so
the noise can only go down from there); a *hard* gate then rules them out. "±2 pp on every
ratio" gives a mean overlap with the awarded list of about 0.12; the same noise without the
indicators tested at 100 % gives about 0.85. Nothing in the result said why.

**The rule** (what :func:`emusim.brief` has always done, now public):
:func:`default_noise_factors` puts ``{"sd": sd}`` on every ratio indicator the scheme reads
and ``{"flip": flip}`` on every yes/no one, *except* the indicators tested pass/fail (a gate,
a standard, or a criterion scored on the ``threshold`` basis) at an effective target of
100 % for some unit: "complete 100 %" items are completion events, reported exactly.

**The warning.** :func:`saturation_warnings` checks any set of factors: a noise factor on an
indicator where at least :data:`SATURATED_SHARE` of the units (and at least
:data:`SATURATED_MIN_UNITS`) sit exactly at a 100 % pass/fail target gets one
:class:`~emusim.i18n.Message` saying so and how to read it. ``montecarlo`` and ``sobol``
attach these to their results (``result.warnings``), ``emusim uncertainty`` prints them and
the uncertainty charts add them to their captions.

How to read the warning: if those 100 % values are exact (every application counted), the
noise is an **artefact** — leave the indicator out, as the default rule does. If they are
rounded or self-reported (99.6 % written as 100 %), the result is a real **data-quality
question**: the award list hinges on whether those units truly reached 100 % — check their
records before trusting it.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..i18n import Message
from .labels import IndicatorLabel

__all__ = ["NoiseFactors", "default_noise_factors", "saturated_targets", "saturation_warnings",
           "SATURATED_SHARE", "SATURATED_MIN_UNITS", "NOISE_SD", "FLIP_P"]

#: Default measurement noise: sd of 2 percentage points on ratios, 2 % misreported yes/no.
NOISE_SD = 0.02
FLIP_P = 0.02
#: A noise factor warns when at least this share of units sits exactly at a 100 % target…
SATURATED_SHARE = 0.10
#: … and at least this many units.
SATURATED_MIN_UNITS = 3
_FULL = 1.0 - 1e-9


class NoiseFactors(dict):
    """``{"noise.<indicator>": distribution}`` plus ``.excluded``: ``{indicator: reason}``."""

    def __init__(self, *args, excluded: Mapping[str, Message] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.excluded = dict(excluded or {})


def _pass_fail_items(scheme, st: pd.DataFrame):
    """(item id, kind, indicator, effective target per unit) of every pass/fail test."""
    for g in scheme.gates:
        if g.target is None or g.indicator is None or g.op != ">=":
            continue
        col = f"gate_target.{g.id}"
        target = st[col] if col in st else pd.Series(float(g.target), index=st.index)
        yield g.id, "gate", g.indicator, target
    for c in scheme.criteria:
        if c.target is None or c.indicator is None or c.op != ">=":
            continue
        if c.rule == "standard" or (c.rule == "proportional" and scheme.effective_basis(c) == "threshold"):
            col = f"target.{c.id}"
            target = st[col] if col in st else pd.Series(float(c.target), index=st.index)
            yield c.id, "standard" if c.rule == "standard" else "criterion", c.indicator, target


def saturated_targets(scheme, values: pd.DataFrame, registry: pd.DataFrame | None = None,
                      st: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every pass/fail test at an effective 100 % target, and how many units sit exactly on it.

    One row per (item, indicator): ``item``, ``kind`` (gate / standard / criterion),
    ``indicator``, ``units_at_full_target`` (units whose effective target is 100 %),
    ``units_at_target`` (of those, units whose value is exactly 100 %), ``units``,
    ``share_at_target`` (``units_at_target / units``).
    """
    from ..engine import score

    if st is None:
        st = score(scheme, values, registry)
    rows = []
    for item, kind, ind, target in _pass_fail_items(scheme, st):
        full = target.to_numpy(dtype=float) >= _FULL
        if not full.any():
            continue
        if ind in values.columns:
            v = pd.to_numeric(values[ind].reindex(st.index), errors="coerce").to_numpy(dtype=float)
        else:
            v = np.full(len(st), np.nan)
        at = full & (v >= _FULL)
        rows.append({"item": item, "kind": kind, "indicator": ind, "units_at_full_target": int(full.sum()),
                     "units_at_target": int(at.sum()), "units": len(st),
                     "share_at_target": float(at.sum() / len(st)) if len(st) else 0.0})
    return pd.DataFrame(rows, columns=["item", "kind", "indicator", "units_at_full_target", "units_at_target",
                                       "units", "share_at_target"])


def default_noise_factors(scheme, values: pd.DataFrame, sd: float = NOISE_SD, flip: float = FLIP_P,
                          registry: pd.DataFrame | None = None, catalog=None) -> NoiseFactors:
    """The measurement noise an analyst can trust: ``sd`` on ratios, ``flip`` on yes/no answers.

    Every indicator the scheme reads that ``values`` has and the catalog knows, except those
    tested pass/fail at an effective 100 % target (see the module docstring): these are in
    ``.excluded`` with the reason. ``sd=0`` or ``flip=0`` leaves that kind out.

    >>> import emusim as es
    >>> reg = es.load_registry("ha_giang_2023")
    >>> scheme = es.load_plan("ha_giang_186_2023").scheme("commune")
    >>> values = es.simulate(reg, seed=1, end="2023-12").at("2023-11")
    >>> f = default_noise_factors(scheme, values, registry=reg)
    >>> f["noise.eid_activation_rate"], "noise.cccd_application_rate" in f
    ({'sd': 0.02}, False)
    >>> sorted(f.excluded)
    ['cadre_eid_rate', 'cccd_application_rate', 'population_data_cleaned_rate']
    """
    from .factors import default_catalog

    cat = catalog if catalog is not None else default_catalog()
    sat = saturated_targets(scheme, values, registry)
    exact: dict[str, list[str]] = {}
    for _, r in sat.iterrows():
        exact.setdefault(r["indicator"], []).append(r["item"])
    factors = NoiseFactors()
    for ind in scheme.indicators:
        if ind not in cat or ind not in values.columns:
            continue
        unit = cat[ind].unit
        if unit not in ("ratio", "bool"):
            continue
        if ind in exact:
            factors.excluded[ind] = Message("analysis.noise_excluded", indicator=IndicatorLabel(ind), items=", ".join(exact[ind]))
            continue
        if unit == "ratio" and sd:
            factors[f"noise.{ind}"] = {"sd": sd}
        elif unit == "bool" and flip:
            factors[f"noise.{ind}"] = {"flip": flip}
    return factors


def _is_noise(f) -> bool:
    return getattr(f, "is_noise", False) if not isinstance(f, str) else f.startswith("noise.")


def saturation_warnings(scheme, values: pd.DataFrame, factors: Sequence[Any] | Mapping[str, Any],
                        registry: pd.DataFrame | None = None, st: pd.DataFrame | None = None) -> list[Message]:
    """One warning per noise factor on an indicator saturated at a 100 % pass/fail target.

    ``factors``: :class:`~.factors.Factor` objects or a ``{path: distribution}`` dict. A
    ``flip`` factor (yes/no) is not a saturation artefact and is never flagged.
    """
    if isinstance(factors, Mapping):
        items = [(p, d) for p, d in factors.items()]
        noise = [(p[len("noise."):], (d or {}).get("flip") is not None if isinstance(d, Mapping) else False)
                 for p, d in items if str(p).startswith("noise.")]
    else:
        noise = [(f.indicator, f.dist == "flip") for f in factors if _is_noise(f)]
    noise = [ind for ind, is_flip in noise if not is_flip]
    if not noise:
        return []
    sat = saturated_targets(scheme, values, registry, st)
    out = []
    for ind in dict.fromkeys(noise):
        rows = sat[sat["indicator"] == ind]
        if rows.empty:
            continue
        k = int(rows["units_at_target"].max())
        n = int(rows["units"].max())
        if k < SATURATED_MIN_UNITS or k / max(n, 1) < SATURATED_SHARE:
            continue
        out.append(Message("analysis.saturated_noise", factor=f"noise.{ind}", indicator=ind, units=k, total=n,
                           share=Message("analysis.percent", value=round(100 * k / n, 1)),
                           items=", ".join(rows["item"])))
    return out
