"""``make demo``: the main job on the embedded default data.

For each of the three provinces: the plan's summary and lint findings, then a simulated
evaluation month (fixed seed) scored and awarded under the province's own scheme, with
the award list and the reasons the runners-up got nothing.

    python -m emusim.demo [--seed N]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from .allocate import allocate
from .engine import score
from .lint import lint
from .loader import load_plan
from .registry import load_registry

ROOT = Path(__file__).resolve().parent.parent

#: (plan id, level, registry, period, adjustments an analyst makes before awarding)
DEMO_RUNS = [
    ("ha_giang_186_2023", "commune", "ha_giang_2023", "2023-11", {}),
    ("ha_giang_186_2023", "district", "ha_giang_2023", "2023-11", {}),
    # Tuyên Quang and Lào Cai set no numeric quota ("theo thẩm quyền"): the demo assumes 5
    ("tuyen_quang_da06_2022", "commune", "tuyen_quang_2023", "2025-06", {"awards.chairman.quota": 5}),
    ("lao_cai_cds_2022", "commune", "lao_cai_2023", "2025-06", {"awards.chairman.quota": 5}),
]


def _rule(title: str) -> None:
    print("\n" + title)
    print("=" * len(title))


def plan_summaries() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        plan = load_plan(path)
        findings = lint(plan)
        counts = {lvl: sum(f.level == lvl for f in findings) for lvl in ("error", "warning", "info")}
        _rule(f"{plan.document} — {plan.province} ({path.name})")
        print(plan.title)
        for level, s in plan.schemes.items():
            n = len(s.tasks) if s.kind == "tasks" else len(s.criteria)
            what = "tasks" if s.kind == "tasks" else ("standards" if s.kind == "standards" else "criteria")
            tiers = ", ".join(f"{t.id} ≤ {t.quota}" if t.quota is not None else f"{t.id} (no quota)" for t in s.awards.allocated_tiers)
            print(f"  {level:<14} {s.kind:<9} {n:>3} {what:<9} {len(s.gates)} gates  {tiers}")
        print(f"  lint: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes")
        for f in findings:
            if f.level != "info":
                print(f"    {f.level}: {f.location.split(' ', 1)[-1]} {f.message[:110]}")


def award_runs(seed: int) -> None:
    try:
        from .simulate import simulate
    except ImportError:  # pragma: no cover
        print("\n(simulation not available: skipping the award lists)")
        return
    panels: dict[str, object] = {}
    for plan_id, level, registry_name, period, changes in DEMO_RUNS:
        plan = load_plan(plan_id)
        scheme = plan.scheme(level).adjust(changes) if changes else plan.scheme(level)
        registry = load_registry(registry_name)
        if registry_name not in panels:
            panels[registry_name] = simulate(registry, seed=seed)
        values = panels[registry_name].at(period)
        st = score(scheme, values, registry)
        aw = allocate(st, scheme, registry)
        _rule(f"{plan.province} — {scheme.label_en or level} — simulated {period} (seed {seed})")
        given = ", ".join(f"{k}: {v}" for k, v in aw.attrs["awards_given"].items())
        print(f"{len(st)} units, {int(st['eligible'].sum())} eligible, {int(aw['nominated'].sum())} nominated; awards {given}")
        if changes:
            print(f"assumed: {changes}")
        shown = aw.sort_values("rank")
        winners = shown[shown["award"].notna()]
        cols = [c for c in ("name", "award", "rank", "total") if c in shown]
        with pd.option_context("display.width", 160, "display.max_colwidth", 80):
            if len(winners):
                print(winners[cols].to_string())
            runners = shown[shown["award"].isna()].head(4)
            print("first units without an award:")
            print(runners[cols[:1] + ["rank", "total", "reason"]].to_string())
        if aw.attrs["ties"]:
            print(f"ties broken by the chain: {len(aw.attrs['ties'])}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2023)
    args = ap.parse_args(argv)
    plan_summaries()
    award_runs(args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
