"""``emusim tasks``: KH 21/2025 progress — on-time shares, overdue and due-soon lists, reports.

::

    emusim tasks --plan scenarios/tuyen_quang_kh21_2025.yaml --status data/samples/tuyen_quang_kh21_status.csv --at 2025-12-01
    emusim tasks --plan … --status per_commune.csv --at 2025-12-01 --registry tuyen_quang_2025 --out communes.xlsx
"""
from __future__ import annotations


def register(subparsers) -> None:
    p = subparsers.add_parser("tasks", help="task progress of a tasks plan (KH 21/2025): on-time shares, overdue, "
                                            "due soon, reporting calendar")
    p.add_argument("--plan", required=True, help="scenario file or plan id")
    p.add_argument("--level", help="the plan's tasks level (default: the first tasks level)")
    p.add_argument("--status", required=True, help="task-status table (CSV or XLSX: task_id, unit, period, completed_on)")
    p.add_argument("--at", required=True, help="evaluation date YYYY-MM-DD")
    p.add_argument("--registry", help="registry for per-commune rows of 'UBND cấp xã' tasks (default: the plan's)")
    p.add_argument("--days", type=int, default=30, help="horizon of the due-soon list (default 30)")
    p.add_argument("--start", help="first month whose report is judged (default: the month after the plan's issue)")
    p.add_argument("--out", help="per-unit table (.csv or .xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.set_defaults(handler=run_tasks)


def run_tasks(args) -> int:
    from ..errors import InputError, Problem
    from ..i18n import t, using_lang
    from ..loader import load_plan
    from ..registry import load_registry
    from ..taskreport import task_report

    with using_lang(args.lang):
        if args.out:
            from ..io import check_output

            check_output(args.out, args.force)
        plan = load_plan(args.plan)
        levels = [lv for lv, s in plan.schemes.items() if s.kind == "tasks"]
        level = args.level or (levels[0] if levels else None)
        if level not in levels:
            raise InputError([Problem(f"no tasks level {level!r} in the plan (tasks levels: "
                                      f"{', '.join(levels) or 'none'})", file=plan.file, path="--level")])
        scheme = plan.scheme(level)
        reg_name = args.registry or plan.registry
        registry = load_registry(reg_name) if reg_name else None
        if args.days < 0:
            raise InputError([Problem("--days must be 0 or more", path="--days")])
        report = task_report(scheme, args.status, args.at, registry=registry, days=args.days, start=args.start)
        print(report.text(args.lang), end="")
        if args.out:
            from ..io import write_table

            write_table(report.scores, args.out, force=args.force, sheet_name=f"{level} {report.at.isoformat()}")
            print(t("tasks.wrote", n=len(report.scores), path=args.out))
    return 0
