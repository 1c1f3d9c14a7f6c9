"""``make demo``: the main job on the embedded default data.

First a short summary of every plan (levels, criteria, quotas, lint findings), and the import
report of an official's workbook read as it arrives (:data:`OFFICIAL_WORKBOOK`). Then, for
each of the three provinces, simulated data (fixed seed) at the plan's evaluation month,
scored and awarded under the province's commune scheme, written as a briefing folder
(:mod:`emusim.brief`) under ``brief/``: ``brief/ha_giang/`` (KH 186/KH-UBND, point table,
2023-11), ``brief/tuyen_quang/`` (Đề án 06 commune standards, 2025-06) and
``brief/lao_cai/`` (digital-transformation commune standards, 2025-06). The standards
plans set no quota ("theo thẩm quyền"): the demo sets 5 with ``adjust`` and the summary
says so. The demo owns ``brief/`` (git-ignored): each run replaces its own folders.
The three briefs are built in parallel processes.

    python -m emusim.demo [--seed N] [--out DIR] [--workers N]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .i18n import Message, fmt_number, get_lang, set_lang, t, using_lang
from .lint import lint
from .loader import load_plan
from .registry import load_registry

ROOT = Path(__file__).resolve().parent.parent

def _rule(title: str) -> None:
    print("\n" + title)
    print("=" * len(title))


def _d(key: str, **values) -> str:
    """The demo's message ``key`` (``demo.yaml``) in the current language."""
    return t(f"demo.{key}", **values)


def plan_summaries() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        plan = load_plan(path)
        findings = lint(plan)
        counts = {lvl: sum(f.level == lvl for f in findings) for lvl in ("error", "warning", "info")}
        en = get_lang() == "en"
        _rule(f"{plan.document} — {plan.province} ({path.name})")
        print((plan.title_en if en and plan.title_en else plan.title) or plan.id)
        for level, s in plan.schemes.items():
            n = len(s.tasks) if s.kind == "tasks" else len(s.criteria)
            what = "tasks" if s.kind == "tasks" else ("standards" if s.kind == "standards" else "criteria")
            tiers = ", ".join(_d("tier_quota", tier=_tier(t_), quota=t_.quota) if t_.quota is not None
                              else _d("tier_no_quota", tier=_tier(t_)) for t_ in s.awards.allocated_tiers)
            label = ((s.label_en or s.label) if en else (s.label or s.label_en)) or level
            print(_d("scheme_line", level=label, kind=_d(f"kind_{s.kind}"), n=str(n), what=_d(f"what_{what}"),
                     gates=str(len(s.gates)), tiers=tiers or "—"))
        print(_d("lint_counts", errors=counts["error"], warnings=counts["warning"], infos=counts["info"]))
        for f in findings:
            if f.level != "info":
                print(f"    {_d('lint_' + f.level)}: {f.location.split(' ', 1)[-1]} {str(f.message)[:110]}")


def _tier(tier) -> str:
    """A tier's label in the current language (never its id alone)."""
    en = get_lang() == "en"
    return ((tier.label_en or tier.label) if en else (tier.label or tier.label_en)) or tier.id


#: An official's workbook the demo reads (title rows, names, "(%)" headers, totals row)
OFFICIAL_WORKBOOK = ROOT / "data" / "samples" / "official" / "01_bieu_tong_hop_thang_11_2023.xlsx"


def import_report() -> None:
    """Read an official's workbook as it arrives, print its import report, score it."""
    from .engine import score
    from .observations import read_observations

    plan = load_plan("ha_giang_186_2023")
    scheme = plan.scheme("commune")
    registry = load_registry(plan.registry)
    _rule(_d("import_heading", file=OFFICIAL_WORKBOOK.name))
    panel = read_observations(OFFICIAL_WORKBOOK, registry=registry, scheme=scheme)
    print(panel.report.text(get_lang()))
    table = score(scheme, panel.at(panel.report.period), registry)
    print(table.attrs["missing_note"].text(get_lang()))
    for lid, r in table.sort_values("total", ascending=False).iterrows():
        print(_d("unit_points", id=lid, name=r["name"], total=fmt_number(r["total"], digits=2),
                 note="" if r["eligible"] else _d("not_eligible")))


#: The briefing folders of ``make demo``: (folder, plan id, level, adjustments, why).
#: Evaluation month: the plan's ``evaluation_period`` (Hà Giang 2023-11; Tuyên Quang and
#: Lào Cai 2025-06, the last month of the pre-merger provinces).
_QUOTA_NOTE = [Message("demo.quota_note")]
_MERGED_NOTE = [Message("demo.merged_note")]

#: (folder, plan, level, adjustments assumed, assumptions, extra make_brief options)
BRIEFS = [
    ("ha_giang", "ha_giang_186_2023", "commune", {}, [],
     {"goals_file": "data/samples/design_ha_giang.yaml", "goals_budget": 1200, "calibration": True}),
    ("tuyen_quang", "tuyen_quang_da06_2022", "commune", {"awards.chairman.quota": 5}, _QUOTA_NOTE, {}),
    ("lao_cai", "lao_cai_cds_2022", "commune", {"awards.chairman.quota": 5}, _QUOTA_NOTE, {}),
    ("tuyen_quang_2025", "ha_giang_186_2023", "commune", {"awards.nomination.group": "former_district"}, _MERGED_NOTE,
     {"registry": "tuyen_quang_2025", "period": "2025-09", "grouping": True}),
]


def _one_brief(job) -> dict:
    """Build one province's briefing folder (runs in a worker process)."""
    folder, plan_id, level, changes, assumptions, extra, seed, out_root, lang = job
    import matplotlib

    matplotlib.use("Agg")
    from .brief import make_brief
    from .simulate import simulate

    plan = load_plan(plan_id)
    scheme = plan.scheme(level)
    scheme = scheme.adjust(changes) if changes else scheme
    registry = load_registry(extra.get("registry") or plan.registry)
    if changes.get("awards.nomination.group") == "former_district":
        from .clusters import with_former_districts

        registry = with_former_districts(registry)
    panel = simulate(registry, seed=seed)
    period = extra.get("period") or plan.evaluation_period or str(panel.periods[-1])
    options = {}
    if extra.get("goals_file"):
        from .commands.design import read_goals_file

        options.update(goals=read_goals_file(ROOT / extra["goals_file"]), goals_budget=extra.get("goals_budget"))
    if extra.get("calibration"):
        options["calibration"] = True
    if extra.get("grouping"):
        options["grouping"] = {"registry": registry}
    b = make_brief(plan, scheme, panel.at(period), registry, Path(out_root) / folder, panel=panel, period=period,
                   seed=seed, force=True, assumed=changes, assumptions=assumptions, lang=lang, **options)
    with using_lang(lang):
        label = (scheme.label_en if lang == "en" else scheme.label) or scheme.label or level
        from .brief.xlsx import _period_text

        title = _d("brief_title", province=plan.province, scheme=label, period=_period_text(period, lang))
    return {"folder": str(b.out), "files": len(b.files), "seconds": b.seconds, "headlines": b.headlines,
            "title": title, "notes": b.notes}


def briefs(seed: int, out_root: Path, workers: int | None = None) -> None:
    """Write ``brief/<province>/`` for the three provinces (replacing the demo's own output)."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    out_root.mkdir(parents=True, exist_ok=True)
    lang = get_lang()
    jobs = [(folder, plan_id, level, changes, assumptions, extra, seed, str(out_root), lang)
            for folder, plan_id, level, changes, assumptions, extra in BRIEFS]
    workers = workers if workers is not None else min(len(jobs), max(1, (os.cpu_count() or 1)))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            results = list(ex.map(_one_brief, jobs))
    else:
        results = [_one_brief(j) for j in jobs]
    for r in results:
        _rule(_d("brief_heading", title=r["title"], seed=str(seed)))
        print(_d("brief_wrote", files=r["files"], folder=r["folder"], seconds=round(r["seconds"])))
        for h in r["headlines"][lang]:
            print(f"  • {h}")
        for n in r["notes"]:
            print(_d("note", note=n))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--out", default=str(ROOT / "brief"), help="folder of the briefing folders (default: brief/)")
    ap.add_argument("--workers", type=int, default=None, help="processes (default: one per CPU, at most 3)")
    ap.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the output (default: vi)")
    args = ap.parse_args(argv)
    set_lang(args.lang)
    plan_summaries()
    import_report()
    briefs(args.seed, Path(args.out), args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
