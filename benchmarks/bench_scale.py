"""Scale: a Sobol' study in under a minute, and Monte Carlo on a dask cluster (issue 7).

Figures, measured in one run on this machine (not timed tests):

* ``sobol`` on the Hà Giang commune scheme (193 communes, simulated November 2023) with
  8 factors and N = 512 — ``N·(D+2)`` = 5,120 runs: wall time against the issue's target
  of one minute. The factors: measurement error on four ratio indicators (eID
  registration and activation, online public services, CCCD applications), the city and
  township uplift, the group II maximum and the Chairman's quota.
* A larger Monte Carlo study — the national registry (≈ 10,000 communes), n = 3,000, the
  same 8 factors — serially and through ``dask.distributed`` on a local cluster of two
  worker processes with one thread each. The benchmark checks that the two runs agree
  exactly (``per_unit``, ``overlap``, ``urban_share``, ``awards_per_replication``) and
  reports both times and the speed-up. The cluster's start-up (and a small warm-up study
  that imports emusim on the workers) is excluded from the dask time; the national panel
  is simulated once beforehand and not counted either. On a 2-core machine the main
  process (which folds the chunks' results) shares the cores with the two workers, so the
  speed-up stays well below 2.

Run standalone (``python benchmarks/bench_scale.py``) or through ``benchmarks/run.py scale``.
dask starts its workers with ``spawn``, which re-imports the ``__main__`` module: keep the
``if __name__ == "__main__"`` guard.
"""
from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: 8 factors: indicator noise on four ratio indicators, the urban uplift, one group maximum, a quota
FACTORS = {
    "noise.eid_registration_rate": {"sd": 0.02},
    "noise.eid_activation_rate": {"sd": 0.02},
    "noise.dvc_online_rate": {"sd": 0.02},
    "noise.cccd_application_rate": {"sd": 0.01},
    "uplift.city": {"uniform": [0.10, 0.20]},
    "uplift.district_town": {"uniform": [0.05, 0.15]},
    "groups.II.max": {"uniform": [40, 60]},
    "awards.chairman.quota": {"integers": [4, 6]},
}
SOBOL_N = 512
SOBOL_TARGET = 60.0  # seconds (issue 7)
MC_N = 3_000  # national replications for the serial / dask comparison
MC_SEED = 1


def _timed(fn):
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _same(a, b) -> dict[str, bool]:
    """Which parts of two MonteCarloResults are exactly equal (NaN equal to NaN)."""
    import numpy as np

    return {
        "per_unit": a.per_unit.equals(b.per_unit),
        "overlap": bool(np.array_equal(a.overlap, b.overlap, equal_nan=True)),
        "urban_share": bool(np.array_equal(a.urban_share, b.urban_share, equal_nan=True)),
        "awards_per_replication": a.awards_per_replication.equals(b.awards_per_replication),
    }


def run() -> list[dict]:
    from emusim.analysis import montecarlo, sobol

    rows: list[dict] = []
    from inputs import hg_commune_scheme, study

    scheme = hg_commune_scheme()

    # 1. Sobol', 8 factors, N = 512, Hà Giang communes
    reg, values, _ = study("ha_giang_2023")
    n_hg = int((reg["level"] == "commune").sum())
    table, t_sobol = _timed(lambda: sobol(scheme, values, FACTORS, N=SOBOL_N, seed=0, registry=reg))
    runs = table.attrs["runs"]
    rows.append({"figure": f"sobol, {len(FACTORS)} factors, N={SOBOL_N} ({runs:,} runs), Hà Giang {n_hg} communes",
                 "value": f"{t_sobol:.1f} s", "target": f"< {SOBOL_TARGET:.0f} s",
                 "ratio": f"{t_sobol / SOBOL_TARGET:.3f}", "ok": t_sobol < SOBOL_TARGET})
    top = table.sort_values("ST", ascending=False).iloc[0]
    rows.append({"figure": "sobol: factor with the largest total index (outcome: overlap)",
                 "value": f"{top['factor']} (ST {top['ST']:.2f}, S1 {top['S1']:.2f})", "target": "", "ratio": ""})

    # 2. Monte Carlo, national, serial vs a local two-worker dask cluster
    from dask.distributed import Client, LocalCluster

    nreg, nvalues, t_sim = study("national_2023")
    n_nat = int((nreg["level"] == "commune").sum())

    def study(executor=None, n=MC_N):
        return montecarlo(scheme, nvalues, FACTORS, n=n, seed=MC_SEED, registry=nreg, executor=executor,
                          progress=False)

    serial, t_serial = _timed(study)
    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        study(client, n=100)  # warm-up: import emusim on the workers (start-up, not counted)
        t_start = time.perf_counter() - t0
        dist, t_dask = _timed(lambda: study(client))
    same = _same(serial, dist)
    speedup = t_serial / t_dask
    label = f"national {n_nat:,} communes, Monte Carlo n={MC_N:,}, {len(FACTORS)} factors"
    rows += [
        {"figure": f"{label}: serial", "value": f"{t_serial:.1f} s", "target": "", "ratio": ""},
        {"figure": f"{label}: dask LocalCluster 2 workers × 1 thread (start-up excluded)",
         "value": f"{t_dask:.1f} s", "target": "", "ratio": ""},
        {"figure": "dask speed-up over serial (2-core machine: main process shares the cores; ratio = speed-up / 2)",
         "value": f"{speedup:.2f}×", "target": "< 2× on 2 cores", "ratio": f"{speedup / 2:.2f}"},
        {"figure": "dask result identical to serial (per_unit, overlap, urban_share, awards per replication)",
         "value": "yes" if all(same.values()) else "NO: " + ", ".join(k for k, v in same.items() if not v),
         "target": "identical", "ratio": "", "ok": all(same.values())},
        {"figure": "dask cluster start-up + warm-up (not counted)", "value": f"{t_start:.1f} s", "target": "", "ratio": ""},
        {"figure": "national panel simulation (once, not counted)", "value": f"{t_sim:.1f} s", "target": "", "ratio": ""},
    ]
    return rows


if __name__ == "__main__":
    from run import print_table

    print_table(run())
