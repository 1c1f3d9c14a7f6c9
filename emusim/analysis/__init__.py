"""Analysis: what changes if… and how sure are we (DESIGN §6).

* ``sweep``, ``tornado`` — one adjust path over a grid; which parameters move the award set most
* ``montecarlo`` — award probabilities and rank intervals under uncertain inputs
* ``default_noise_factors`` — measurement noise that cannot mislead (results carry ``.warnings``)
* ``sobol`` — first-order and total Sobol indices of award outcomes (SALib)
* ``compare`` — the same localities under several schemes
* ``min_improvement`` — the smallest indicator changes that would win a unit an award
* ``equity`` — award shares by urban class and parent unit
* ``audit`` — what drives the ranking: variance shares vs nominal points, correlations,
  saturated and dead criteria, skewed inputs
* ``alternatives`` — structural alternatives (leave one out, equal groups, basis, gate mode,
  missing-data policy, extra readings) with rank shifts and award changes (``es.diff``)
* ``gaming_risk`` — the cheapest points and the winners who rest on self-declared claims

Several submodules share their main function's name (``sweep``, ``compare``, ``equity``,
``montecarlo``, ``sobol``); the functions are imported here so that
``from emusim.analysis import sweep`` is always the function. ``import emusim`` itself does
not import this package.
"""
from __future__ import annotations

from .factors import Factor, factors_from_dict, load_factors
from .noise import NoiseFactors, default_noise_factors, saturated_targets, saturation_warnings
from .sweep import sweep, tornado
from .montecarlo import MonteCarloResult, montecarlo
from .sobol import SobolTable, sobol, sobol_function
from .compare import Comparison, compare
from .improve import Improvement, min_improvement
from .equity import Equity, equity, equity_under_uplift
from .design import DesignResult, design
from .audit import Audit, audit
from .alternatives import Alternatives, alternatives
from .gaming import GamingRisk, gaming_risk

__all__ = [
    "Alternatives", "Audit", "DesignResult", "GamingRisk", "alternatives", "audit", "design", "gaming_risk",
    "Comparison", "Equity", "Factor", "Improvement", "MonteCarloResult", "NoiseFactors", "SobolTable",
    "compare", "default_noise_factors", "equity", "saturated_targets", "saturation_warnings",
    "equity_under_uplift", "factors_from_dict", "load_factors", "min_improvement", "montecarlo",
    "sobol", "sobol_function", "sweep", "tornado",
]
