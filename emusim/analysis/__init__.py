"""Analysis: what changes if… and how sure are we (DESIGN §6).

Functions are loaded on first use, so ``import emusim`` stays fast:

* ``sweep``, ``tornado`` — one adjust path over a grid; which parameters move the award set most
* ``montecarlo`` — award probabilities and rank intervals under uncertain inputs
* ``sobol`` — first-order and total Sobol indices of award outcomes (SALib)
* ``compare`` — the same localities under several schemes
* ``min_improvement`` — the smallest indicator changes that would win a unit an award
* ``equity`` — award shares by urban class and parent unit
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "sweep": "sweep", "tornado": "sweep",
    "Factor": "factors", "factors_from_dict": "factors",
    "montecarlo": "montecarlo", "MonteCarloResult": "montecarlo",
    "sobol": "sobol",
    "compare": "compare",
    "min_improvement": "improve",
    "equity": "equity",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'emusim.analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
