"""Size bounds on input, checked up front with a message (never a MemoryError an hour later).

Every bound is a module constant here, so the README, the messages and the tests quote the
same numbers. A bound is far above any real plan, registry or analysis: the biggest shipped
scenario file is ~200 KB with ~20,000 YAML nodes, the national registry ~10,800 units, and
the plans run from 2022 to 2026.

>>> check_seed(7, "seed")
7
>>> check_seed(-1, "--seed")
Traceback (most recent call last):
...
emusim.errors.InputError: --seed: hạt giống phải là số nguyên từ 0 đến 4.294.967.295, không phải -1
>>> check_month_span(pd.Period("2022-01", "M"), pd.Period("2025-12", "M"), "simulate")
48
"""
from __future__ import annotations

import numbers

import pandas as pd

from .errors import InputError, Problem
from .i18n import Message

#: YAML files (plans, catalog, calibration, factors): bytes, nesting depth, expanded nodes
MAX_YAML_BYTES = 16 * 1024 * 1024
MAX_YAML_DEPTH = 100
MAX_YAML_NODES = 1_000_000
#: months: the earliest and latest month emusim reads, and the longest panel it builds
FIRST_MONTH = pd.Period("1900-01", freq="M")
LAST_MONTH = pd.Period("2100-12", freq="M")
MAX_MONTHS = 600
#: values in one panel (units × months × indicators; 8 bytes each): 1.6 GB
MAX_PANEL_CELLS = 200_000_000
#: Monte Carlo replications, Sobol' base samples
MAX_REPLICATIONS = 1_000_000
MAX_SOBOL_N = 65_536
#: seeds: numpy's SeedSequence takes non-negative integers; we keep them to 32 bits
MAX_SEED = 2**32 - 1
#: counts in a plan (quotas, per-parent nominations, min_met)
MAX_COUNT = 1_000_000_000


def _refuse(key: str, what: str | None = None, **values) -> InputError:
    return InputError([Problem(Message(key, **values), path=what)])


def check_seed(seed, what: str = "seed"):
    """A seed is a whole number in [0, 2³² − 1] (or None where the caller allows it)."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= int(seed) <= MAX_SEED:
        raise _refuse("limits.bad_seed", what, value=repr(seed), limit=MAX_SEED)
    return int(seed)


def check_replications(n, what: str = "n", limit: int = MAX_REPLICATIONS, low: int = 1) -> int:
    """A number of replications (or samples) is a whole number in [low, limit]."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not low <= int(n) <= limit:
        raise _refuse("limits.bad_replications", what, value=repr(n), low=low, limit=limit)
    return int(n)


def check_month(period: pd.Period, what: str = "period") -> pd.Period:
    """A month between ``FIRST_MONTH`` and ``LAST_MONTH`` (1900-01 … 2100-12)."""
    if not FIRST_MONTH <= period <= LAST_MONTH:
        raise _refuse("limits.month_out_of_range", what, value=str(period), first=str(FIRST_MONTH),
                      last=str(LAST_MONTH))
    return period


def check_month_span(first: pd.Period, last: pd.Period, what: str = "period", units: int = 0,
                     indicators: int = 0) -> int:
    """The number of months from ``first`` to ``last``; refused above ``MAX_MONTHS`` or when
    ``units × months × indicators`` exceeds ``MAX_PANEL_CELLS``."""
    months = int(last.ordinal - first.ordinal) + 1
    if months > MAX_MONTHS:
        raise _refuse("limits.too_many_months", what, first=str(first), last=str(last), months=months,
                      limit=MAX_MONTHS)
    cells = months * max(units, 1) * max(indicators, 1)
    if cells > MAX_PANEL_CELLS:
        raise _refuse("limits.panel_too_big", what, units=units, months=months, indicators=indicators,
                      cells=cells, limit=MAX_PANEL_CELLS)
    return months
