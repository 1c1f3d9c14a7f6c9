"""``emusim template | verify``: the data-entry workbook, and self-scores checked against the plan.

::

    emusim template --plan F --level L [--registry R] [--period 2023-11] --out bieu_nhap.xlsx
    emusim verify   --plan F --level L --data filled.xlsx [--self-scores S] [--registry R] [--out gaps.xlsx]

``verify`` reads the self-score columns ("Tự chấm điểm <criterion id>") of ``--data`` (a filled
template), or of ``--self-scores`` when they come in a separate file.
"""
from __future__ import annotations

import sys

from ..errors import InputError, Problem
from ..i18n import Message, t
from ._display import scheme_shown


def register(subparsers) -> None:
    p = subparsers.add_parser("template", help=t("commands.help_template"), description=t("commands.help_template"))
    p.add_argument("--plan", required=True, help=t("cli.help_plan"))
    p.add_argument("--level", required=True, help=t("cli.help_level"))
    p.add_argument("--registry", help=t("cli.help_registry"))
    p.add_argument("--period", help=t("commands.help_template_period"))
    p.add_argument("--set", action="append", default=[], metavar=t("cli.metavar_set"), help=t("cli.help_set"))
    p.add_argument("--out", required=True, help=t("commands.help_template_out"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))
    p.set_defaults(handler=run_template)

    p = subparsers.add_parser("verify", help=t("commands.help_verify"), description=t("commands.help_verify"))
    from ..cli import add_scheme_options

    add_scheme_options(p, data_required=True)
    p.add_argument("--self-scores", metavar=t("commands.metavar_file"), help=t("commands.help_self_scores"))
    p.add_argument("--out", help=t("commands.help_verify_out"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))
    p.set_defaults(handler=run_verify)


def run_template(args) -> int:
    from ..cli import load_scheme
    from ..io import check_output
    from ..template import write_template

    check_output(args.out, args.force, suffixes=(".xlsx",))
    plan, scheme = load_scheme(args)
    registry = args.registry or plan.registry
    if not registry:
        raise InputError([Problem(Message("cli.no_registry", owner=Message("cli.owner_plan")))])
    out = write_template(scheme, registry, args.out, period=args.period or plan.evaluation_period, force=args.force)
    print(t("template.wrote", args.lang, path=str(out), scheme=scheme_shown(scheme, args.lang)))
    return 0


def run_verify(args) -> int:
    from ..cli import load_panel, load_scheme
    from ..io import check_output, write_table
    from ..observations import read_observations
    from ..verify import verify_self_scores

    if args.out:
        check_output(args.out, args.force)
    plan, scheme = load_scheme(args)
    period = args.period or plan.evaluation_period
    registry, panel, period = load_panel(args, args.registry or plan.registry, period, scheme)
    source = panel
    if args.self_scores:
        source = read_observations(args.self_scores, registry=registry, period=period)
    self_scores = source.meta.get("self_scores")
    if self_scores is None:
        raise InputError([Problem(Message("verify.no_self_scores"), file=args.self_scores or args.data)])
    found = verify_self_scores(scheme, panel.at(period, missing=scheme.missing), self_scores, registry, lang=args.lang)
    s = found.attrs["summary"]
    print(t("verify.report", args.lang, scheme=scheme_shown(scheme, args.lang), units=s["units_checked"], gaps=s["gaps"],
            units_with_gaps=s["units_with_gaps"], over=s["over_claimed_points"]))
    for r in found.head(30).itertuples():
        print(t("commands.verify_line", args.lang, id=r.locality_id, name=r.name, reason=r.reason,
                self_score=float(r.self_score), plan_score=float(r.plan_score)))
    if args.out:
        write_table(found.set_index("locality_id"), args.out, force=args.force, sheet_name="tu_cham_diem")
        print(t("verify.wrote", args.lang, path=args.out, n=len(found)))
    return 0
