"""``emusim tasks``: KH 21/2025 progress — on-time shares, overdue and due-soon lists, reports.

::

    emusim tasks --plan scenarios/tuyen_quang_kh21_2025.yaml --status data/samples/tuyen_quang_kh21_status.csv --at 2025-12-01
    emusim tasks --plan … --status per_commune.csv --at 2025-12-01 --registry tuyen_quang_2025 --out communes.xlsx
"""
from __future__ import annotations


def register(subparsers) -> None:
    from ..i18n import t

    p = subparsers.add_parser("tasks", help=t("commands.help_tasks"), description=t("commands.help_tasks"))
    p.add_argument("--plan", required=True, help=t("cli.help_plan"))
    p.add_argument("--level", help=t("commands.help_tasks_level"))
    p.add_argument("--status", required=True, help=t("commands.help_status"))
    p.add_argument("--at", required=True, help=t("commands.help_at"))
    p.add_argument("--registry", help=t("commands.help_tasks_registry"))
    p.add_argument("--days", type=int, default=30, help=t("commands.help_days"))
    p.add_argument("--start", help=t("commands.help_tasks_start"))
    p.add_argument("--out", help=t("commands.help_tasks_out"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))
    p.set_defaults(handler=run_tasks)


def run_tasks(args) -> int:
    from ..errors import InputError, Problem
    from ..i18n import Message, t, using_lang
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
            raise InputError([Problem(Message("commands.no_tasks_level", level=level,
                                              levels=", ".join(levels) or t("common.none")),
                                      file=plan.file, path="--level")])
        scheme = plan.scheme(level)
        reg_name = args.registry or plan.registry
        registry = load_registry(reg_name) if reg_name else None
        if args.days < 0:
            raise InputError([Problem(Message("commands.days_negative"), path="--days")])
        report = task_report(scheme, args.status, args.at, registry=registry, days=args.days, start=args.start)
        print(report.text(args.lang), end="")
        if args.out:
            from ..io import write_table

            write_table(report.scores, args.out, force=args.force, sheet_name=f"{level} {report.at.isoformat()}")
            print(t("tasks.wrote", n=len(report.scores), path=args.out))
    return 0
