"""Scheme design speed (issue 16; not a timed test): candidate schemes evaluated per second.

Figures, measured in one run on this machine, Hà Giang communes (193), the study of
``data/samples/design_ha_giang.yaml`` (uplifts, a quota, a group maximum, the scoring basis and
a gate mode free; districts reached, urban gap and robustness to ±2 pp as goals):

* a full design run of 20,000 candidates (NSGA-II for mixed variables, each candidate scored,
  allocated and measured under 8 noise draws, the Pareto set re-measured with 64 and verified
  with the plain engine): wall time, target < 60 s on 2 cores;
* candidates per second, and the ratio of one candidate's cost in the design run to one plain
  ``score`` + ``allocate`` (which alone, without any robustness draw, would take the time of
  20,000 × one engine pass).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import emusim as es  # noqa: E402
from emusim.analysis.design import design  # noqa: E402
from emusim.commands.design import read_goals_file  # noqa: E402
from inputs import hg_commune_scheme, study  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 20_000


def run() -> list[dict]:
    registry, values, _ = study("ha_giang_2023")
    scheme = hg_commune_scheme()
    spec = read_goals_file(ROOT / "data" / "samples" / "design_ha_giang.yaml")
    t0 = time.perf_counter()
    for _ in range(5):
        es.allocate(es.score(scheme, values, registry), scheme, registry)
    engine = (time.perf_counter() - t0) / 5
    t0 = time.perf_counter()
    result = design(scheme, values, registry, free=spec["free"], goals=spec["goals"], budget=BUDGET,
                    pop_size=spec.get("pop_size", 200), seed=spec.get("seed", 1))
    wall = time.perf_counter() - t0
    per_candidate = wall / result.n_evaluated
    return [
        {"figure": f"design run, {result.n_evaluated:,} candidates (Hà Giang communes, 6 free parameters, 4 goals)",
         "value": wall, "unit": "s", "target": 60.0, "ratio": wall / 60.0},
        {"figure": "candidate schemes evaluated per second (score + allocate + 8 noise draws each)",
         "value": f"{result.n_evaluated / wall:,.0f} /s", "target": f"≥ {BUDGET / 60:,.0f} /s",
         "ok": result.n_evaluated / wall >= BUDGET / 60},
        {"figure": "one candidate in the design run vs one plain score + allocate",
         "value": f"{per_candidate * 1e3:.2f} ms vs {engine * 1e3:.1f} ms", "target": "reported",
         "ratio": per_candidate / engine},
    ]


if __name__ == "__main__":
    from run import print_table

    print_table(run())
