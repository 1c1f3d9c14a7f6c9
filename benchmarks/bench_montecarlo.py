"""Monte Carlo throughput and memory against the issue's targets (DESIGN §8; not a timed test).

Figures, measured in one run on this machine:

* Hà Giang communes (193), n = 10,000, indicator noise + group maxima + uplift varying:
  wall time (target < 5 s) and peak memory (target < 1 GiB);
* the same at n = 2,000: peak memory barely moves with n (bounded by the chunk size);
* national registry (≈ 10,000 communes), n = 1,000: wall time (< 60 s) and peak memory
  (< 1 GiB); the panel is simulated once beforehand (≈ 13 s, not counted);
* speed-up of the batch engine over ``score`` + ``allocate`` once per replication.

Peak memory is measured with :mod:`tracemalloc` (numpy reports its array buffers to it):
the peak of memory allocated *during* the call, above what was held before. Times are
measured separately, without tracemalloc running.

Run standalone (``python benchmarks/bench_montecarlo.py``) or call :func:`run` to get the
rows as a list of dicts (figure, value, unit, target, ratio = value / target).
"""
from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import emusim as es  # noqa: E402
from emusim.analysis.montecarlo import montecarlo  # noqa: E402

#: the issue's case: indicator noise, weights and uplift varying
FACTORS = {
    "noise.eid_registration_rate": {"sd": 0.02},
    "noise.eid_activation_rate": {"sd": 0.02},
    "noise.dvc_online_rate": {"sd": 0.02},
    "noise.cccd_application_rate": {"sd": 0.01},
    "groups.II.max": {"uniform": [40, 60]},
    "groups.IV.max": {"uniform": [30, 50]},
    "groups.V.max": {"uniform": [50, 70]},
    "uplift.city": {"uniform": [0.10, 0.20]},
    "uplift.district_town": {"uniform": [0.05, 0.15]},
}
MIB = 2 ** 20


def _timed(fn):
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _peak(fn) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def _row(figure, value, unit, target=None):
    return {"figure": figure, "value": round(value, 3), "unit": unit, "target": target,
            "ratio": None if not target else round(value / target, 3)}


def run(national: bool = True) -> list[dict]:
    rows = []
    from inputs import hg_commune_scheme, study

    scheme = hg_commune_scheme()
    reg, values, _ = study("ha_giang_2023")

    def hg(n):
        return montecarlo(scheme, values, FACTORS, n=n, seed=1, registry=reg, progress=False)

    hg(20)  # warm-up: imports, the catalog
    _, t = _timed(lambda: hg(10_000))
    rows.append(_row("Hà Giang 193 communes, n=10,000: time", t, "s", 5.0))
    rows.append(_row("Hà Giang n=10,000: peak memory (tracemalloc)", _peak(lambda: hg(10_000)), "MiB", 1024.0))
    rows.append(_row("Hà Giang n=2,000: peak memory (tracemalloc)", _peak(lambda: hg(2_000)), "MiB", 1024.0))
    rows.append(_row("Hà Giang throughput", 10_000 / t, "replications/s"))

    # the per-replication path: adjust + score + allocate, as sweep/tornado do
    import numpy as np

    rng = np.random.default_rng(0)
    k = 20

    def engine_loop():
        for _ in range(k):
            s2 = scheme.adjust({"uplift.city": float(rng.uniform(0.1, 0.2)), "groups.II.max": float(rng.uniform(40, 60))})
            es.allocate(es.score(s2, values, reg), s2, reg)

    _, te = _timed(engine_loop)
    rows.append(_row("engine score+allocate per replication", te / k * 1000, "ms"))
    rows.append(_row("speed-up of the batch engine over the per-replication engine", (te / k) / (t / 10_000), "×"))

    if national:
        nreg, nvalues, ts = study("national_2023")
        n_units = int((nreg["level"] == "commune").sum())

        def nat():
            return montecarlo(scheme, nvalues, FACTORS, n=1_000, seed=1, registry=nreg, progress=False)

        _, tn = _timed(nat)
        rows.append(_row(f"national {n_units:,} communes, n=1,000: time", tn, "s", 60.0))
        rows.append(_row("national n=1,000: peak memory (tracemalloc)", _peak(nat), "MiB", 1024.0))
        rows.append(_row("national panel simulation (once, not counted)", ts, "s"))
    return rows


def _print(rows) -> None:
    w = max(len(r["figure"]) for r in rows)
    print(f"{'figure':<{w}}  {'value':>10}  {'unit':<15} {'target':>8}  {'ratio':>6}")
    for r in rows:
        target = "" if r["target"] is None else f"{r['target']:g}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        print(f"{r['figure']:<{w}}  {r['value']:>10,.3f}  {r['unit']:<15} {target:>8}  {ratio:>6}")


if __name__ == "__main__":
    _print(run(national="--no-national" not in sys.argv))
