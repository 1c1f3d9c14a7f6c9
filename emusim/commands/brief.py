"""``emusim brief``: a briefing folder (charts as PNG and PDF, the annex-style award list as
XLSX, a Vietnamese and English summary) for one level of a plan.

    emusim brief --plan scenarios/ha_giang_186_2023.yaml --level commune --seed 1 --out brief/hg
    emusim brief --plan lao_cai_cds_2022 --level commune --seed 1 --set awards.chairman.quota=5 --out brief/lc --lang en
    emusim brief --plan ha_giang_186_2023 --level commune --seed 1 --set uplift.city=0.2 --out brief/hg_city20
    emusim brief --plan ha_giang_186_2023 --level commune --seed 1 --whatif gates.G3.target=0.7 --out brief/hg_g3

``--set PATH=VALUE`` adjusts the scheme: every section is computed under the adjustment, and
the option section ("phương án điều chỉnh", charts 06–09) compares it with the plan as
written — who gains and who loses an award — with nothing added on top.
``--whatif PATH=VALUE`` (repeatable) names the reform the option section tries instead, on top
of the scheme as given (adjusted by ``--set`` or not; the summary says which). Without either,
the option is +5 pp city uplift where the scheme has uplift, else the least-met target −5 pp.
Sections that cannot be drawn (no history for a trajectory, no indicator that can carry
measurement noise, ``--mc 0``) are listed at the end of the summary with the reason.
"""
from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    from ..cli import add_lang_option, add_scheme_options
    from ..i18n import t

    p = subparsers.add_parser("brief", help=t("commands.help_brief"), description=t("commands.help_brief"))
    add_scheme_options(p, data_required=True)
    p.add_argument("--out", required=True, help=t("commands.help_brief_out"))
    p.add_argument("--force", action="store_true", help=t("commands.help_brief_force"))
    add_lang_option(p)
    p._actions[-1].help = t("commands.help_brief_lang")
    p.add_argument("--whatif", action="append", default=[], metavar=t("cli.metavar_set"), help=t("commands.help_whatif"))
    p.add_argument("--mc", type=int, default=200, metavar="N", help=t("commands.help_mc"))
    p.add_argument("--formats", default="png,pdf", help=t("commands.help_formats"))
    p.add_argument("--no-checks", action="store_true", help=t("commands.help_no_checks"))
    p.add_argument("--goals", metavar=t("commands.metavar_goals"), help=t("commands.help_goals"))
    p.add_argument("--goals-budget", type=int, default=None, help=t("commands.help_goals_budget"))
    p.add_argument("--calibration", action="store_true", help=t("commands.help_brief_calibration"))
    p.add_argument("--grouping", action="store_true", help=t("commands.help_grouping"))
    p.set_defaults(handler=run)


def run(args) -> int:
    from ..adjust import parse_set
    from ..brief import check_out_dir, make_brief
    from ..cli import load_panel, load_scheme
    from ..errors import InputError, Problem
    from ..i18n import Message, t

    protect = [args.data] if args.data else []
    plan, scheme = load_scheme(args)
    if plan.file:
        protect.append(plan.file)
    check_out_dir(args.out, args.force, protect)
    from ..limits import check_replications

    check_replications(args.mc, "--mc", low=0)  # bounded up front, before any file is written
    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in ("png", "pdf", "svg")]
    if bad or not formats:
        raise InputError([Problem(Message("commands.bad_formats", formats=", ".join(bad) or t("commands.formats_none")))])
    # one panel gives both the evaluation month and, when simulated, the history for trajectories
    registry, panel, period = load_panel(args, args.registry or plan.registry, args.period or plan.evaluation_period,
                                         scheme)
    values = panel.at(period)
    if args.data:
        panel = None
    changes = dict(parse_set(s) for s in args.set)
    whatif = dict(parse_set(s) for s in args.whatif) or None
    goals = None
    if args.goals:
        from .design import read_goals_file

        goals = read_goals_file(args.goals)
    two_level = "level" in registry and not (registry["level"] == "district").any()
    grouping = {"registry": registry} if (args.grouping or two_level) and scheme.awards.nomination is not None \
        and scheme.kind != "tasks" else None
    b = make_brief(plan, scheme, values, registry, Path(args.out), panel=panel, period=period,
                   seed=None if args.data else (0 if args.seed is None else args.seed),
                   data_label=t("commands.data_label", name=Path(args.data).name) if args.data else None,
                   lang=args.lang, force=args.force, whatif=whatif, changes=changes, mc_n=args.mc, protect=protect,
                   formats=formats, checks=not args.no_checks, goals=goals, goals_budget=args.goals_budget,
                   calibration=args.calibration, grouping=grouping)
    print(t("commands.brief_wrote", n=len(b.files), path=str(b.out), seconds=round(b.seconds, 1)))
    for h in b.headlines[args.lang]:
        print(f"  • {h}")
    return 0
