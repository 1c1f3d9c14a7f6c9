"""Study inputs shared by the benchmarks: each registry is simulated once per ``make bench``.

``run.py`` imports every ``bench_*.py`` into one process; without this, the national panel
(≈ 10 s) was simulated by three benchmarks in turn. The first simulation's wall time is kept
so the benchmarks can still report it ("not counted").
"""
from __future__ import annotations

import time
from functools import lru_cache


@lru_cache(maxsize=None)
def study(registry_name: str, seed: int = 1, period: str = "2023-11"):
    """(registry, values at ``period``, seconds the simulation took) for a registry name."""
    import emusim as es

    registry = es.load_registry(registry_name)
    t0 = time.perf_counter()
    values = es.simulate(registry, seed=seed).at(period)
    return registry, values, time.perf_counter() - t0


@lru_cache(maxsize=None)
def hg_commune_scheme():
    import emusim as es

    return es.load_plan("ha_giang_186_2023").scheme("commune")
