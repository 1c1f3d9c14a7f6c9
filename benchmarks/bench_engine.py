"""Vectorised engine vs the plain reference, and vs a single numpy pass (issue 7).

Hà Giang commune scheme (Phụ lục 3) on the national legacy registry (≈ 10,000 communes,
simulated November 2023). Reported as ratios measured in one run:

* ``reference / vectorised``: ``emusim.reference.score + allocate`` against
  ``emusim.score + emusim.allocate`` on the same input (target ≥ 30×);
* ``score / numpy floor``: one scoring pass against one numpy pass reading the same bytes
  (the indicator columns the scheme needs, as float64) — how close scoring comes to the
  memory-bound floor.

    python benchmarks/bench_engine.py
"""
from __future__ import annotations

import statistics
import time

import numpy as np


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run() -> list[dict]:
    import emusim as es
    from emusim import reference

    from inputs import hg_commune_scheme, study

    registry, values, _ = study("national_2023")
    scheme = hg_commune_scheme()
    n = int((registry["level"] == "commune").sum())

    def vectorised():
        es.allocate(es.score(scheme, values, registry), scheme, registry)

    def plain():
        reference.allocate(reference.score(scheme, values, registry), scheme, registry)

    vectorised()  # warm caches
    t_vec = _median_time(vectorised, 7)
    t_score = _median_time(lambda: es.score(scheme, values, registry), 7)
    t_ref = _median_time(plain, 2)
    communes = values.loc[registry.index[registry["level"] == "commune"], list(scheme.indicators)]
    matrix = np.ascontiguousarray(communes.to_numpy(dtype=float))
    t_floor = _median_time(lambda: matrix.sum(axis=0), 21)
    return [
        {"figure": f"score + allocate, {n:,} communes (vectorised)", "value": f"{t_vec * 1000:.1f} ms", "target": "", "ratio": ""},
        {"figure": "score + allocate (emusim.reference)", "value": f"{t_ref * 1000:.0f} ms", "target": "", "ratio": ""},
        {"figure": "reference / vectorised", "value": f"{t_ref / t_vec:.0f}×", "target": "≥ 30×",
         "ratio": f"{t_ref / t_vec / 30:.2f}", "ok": t_ref / t_vec >= 30},
        {"figure": f"one scoring pass / one numpy pass over the same {matrix.nbytes / 1e6:.1f} MB",
         "value": f"{t_score * 1000:.1f} ms / {t_floor * 1000:.2f} ms", "target": "(memory-bound floor)",
         "ratio": f"{t_score / t_floor:.0f}×"},
    ]


if __name__ == "__main__":
    from run import print_table

    print_table(run())
