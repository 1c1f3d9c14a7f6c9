"""``emusim compare``: the same localities under several schemes (DESIGN §6, §9).

::

    emusim compare --plans scenarios/ha_giang_186_2023.yaml:commune \\
                           scenarios/tuyen_quang_da06_2022.yaml:commune \\
                   --seed 1 --registry ha_giang_2023 --period 2023-11 --out compare.xlsx

``--plans`` takes ``FILE:LEVEL`` (or ``PLAN_ID:LEVEL``). Values come from ``--data`` (an
observations file) or are simulated for the registry with ``--seed``. ``--quota TIER=N``
gives every scheme whose tier ``TIER`` has no quota that quota; ``--quota K:TIER=N`` (K = the
plan id or the 1-based position in ``--plans``) sets it for one scheme. Without ``--quota``
a scheme lacking a quota gets the first scheme's total collective quota (see
:mod:`emusim.analysis.compare`).

Output: ``.xlsx`` — sheets ``pairs``, ``units``, ``differences``, ``notes`` (machine columns, read
back by code), then the same three tables for people in the chosen language
(:meth:`~emusim.analysis.compare.Comparison.labelled`: "So sánh từng cặp", "Theo đơn vị",
"Khác biệt"); ``.csv`` — the
units table (award, rank, total, eligibility under each scheme and the explanation of any
difference). The pair summary and the first explanations are printed.

``--readings`` compares one scheme with itself under each recorded reading of its plan
(:mod:`emusim.readings`: "Điểm = Tỷ lệ x điểm tối đa" as attainment or rate, deadline scoring
on or off, …) and prints how many awards change::

    emusim compare --readings --plan scenarios/ha_giang_186_2023.yaml --level commune --seed 2023
"""
from __future__ import annotations

import argparse

from ..errors import InputError, Problem
from ..i18n import Message, t
from ._display import period_text, scheme_shown


def register(subparsers) -> None:
    from ..cli import add_sheet_option

    p = subparsers.add_parser("compare", help=t("commands.help_compare"), description=t("commands.help_compare"))
    p.add_argument("--plans", nargs="+", metavar=t("commands.metavar_plans"), help=t("commands.help_plans"))
    p.add_argument("--readings", action="store_true", help=t("commands.help_readings"))
    p.add_argument("--plan", help=t("commands.help_compare_plan"))
    p.add_argument("--level", help=t("commands.help_compare_level"))
    p.add_argument("--set", action="append", default=[], metavar=t("cli.metavar_set"), help=t("commands.help_compare_set"))
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", help=t("cli.help_data"))
    src.add_argument("--seed", type=int, help=t("commands.help_compare_seed"))
    add_sheet_option(p)
    p.add_argument("--registry", help=t("commands.help_compare_registry"))
    p.add_argument("--period", help=t("commands.help_compare_period"))
    p.add_argument("--quota", action="append", default=[], metavar=t("commands.metavar_quota"), help=t("commands.help_quota"))
    p.add_argument("--out", help=t("commands.help_compare_out"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))
    p.set_defaults(handler=run)


def _parse_plans(items: list[str]):
    from ..loader import load_plan

    problems, plans, schemes = [], [], []
    for item in items:
        ref, sep, level = item.rpartition(":")
        if not sep or not ref or not level:
            problems.append(Problem(Message("commands.plans_format", item=item)))
            continue
        try:
            plan = load_plan(ref)
            schemes.append(plan.scheme(level))
            plans.append(plan)
        except KeyError as exc:
            problems.append(Problem(str(exc.args[0]), file=ref))
        except InputError as exc:
            problems.extend(exc.problems)
    if len(items) < 2 and not problems:
        problems.append(Problem(Message("commands.plans_two")))
    if problems:
        raise InputError(problems)
    return plans, schemes


def _parse_quotas(options: list[str], plans, schemes) -> dict:
    quotas: dict[int, dict[str, int]] = {}
    problems = []
    for opt in options:
        left, sep, raw = opt.partition("=")
        try:
            n = int(raw)
            if n < 0:
                raise ValueError
        except ValueError:
            problems.append(Problem(Message("commands.quota_number", opt=opt)))
            continue
        who, colon, tier = left.rpartition(":")
        if not sep or not tier:
            problems.append(Problem(Message("commands.quota_format", opt=opt)))
            continue
        if colon:
            targets = [k for k, p in enumerate(plans) if p.id == who or str(k + 1) == who]
            if not targets:
                problems.append(Problem(Message("commands.quota_no_scheme", opt=opt, who=who)))
                continue
        else:
            targets = [k for k, s in enumerate(schemes)
                       if any(tr.id == tier and tr.quota is None for tr in s.awards.allocated_tiers)]
            if not targets:
                problems.append(Problem(Message("commands.quota_no_tier_without", opt=opt, tier=tier)))
                continue
        for k in targets:
            if tier not in {tr.id for tr in schemes[k].awards.tiers}:
                problems.append(Problem(Message("commands.quota_no_tier", opt=opt, scheme=schemes[k].name, tier=tier,
                                                tiers=", ".join(tr.id for tr in schemes[k].awards.tiers))))
                continue
            quotas.setdefault(k, {})[tier] = n
    if problems:
        raise InputError(problems)
    return quotas


def run(args: argparse.Namespace) -> int:
    from ..analysis.compare import compare
    from ..cli import load_panel
    from ..io import check_output, write_sheets, write_table

    if args.readings:
        return run_readings(args)
    if not args.plans or not args.out:
        raise InputError([Problem(Message("commands.compare_needs"))])
    out = check_output(args.out, args.force)
    plans, schemes = _parse_plans(args.plans)
    quotas = _parse_quotas(args.quota, plans, schemes)
    registry, panel, period = load_panel(args, args.registry or plans[0].registry,
                                         args.period or plans[0].evaluation_period,
                                         owner=Message("cli.owner_first_plan"))
    values = panel.at(period)
    result = compare(schemes, values, registry, quotas=quotas or None)

    if out.suffix.lower() == ".xlsx":
        import pandas as pd

        # the machine sheets other code reads back, then the same tables for people in the chosen language
        sheets = {"pairs": result.pairs, "units": result.units, "differences": result.differences,
                  "notes": pd.DataFrame({"note": result.notes_in(args.lang)})}
        people = {t(f"commands.sheet_compare_{table}", args.lang): result.labelled(table, args.lang)
                  for table in ("pairs", "units", "differences")}
        write_sheets({**sheets, **people}, out, force=args.force, no_index=("pairs", "differences", "notes", *people))
    else:
        write_table(result.units, out, force=args.force, sheet_name="compare")
    L = args.lang
    print(t("commands.compare_heading", L, schemes=t("commands.compare_vs", L).join(result.title(s, L) for s in result.schemes),
            period=period_text(period, L), units=len(result.units)))
    for note in result.notes_in(L):
        print(t("commands.compare_note", L, note=note))
    print(result.summary(L))
    sentences = result.sentences_in(L)
    for s in sentences[:10]:
        print(f"  - {s}")
    if len(sentences) > 10:
        print(t("commands.compare_more", L, n=len(sentences) - 10, path=str(out)))
    print(t("cli.wrote_file", path=str(out)))
    return 0


def run_readings(args: argparse.Namespace) -> int:
    """``emusim compare --readings --plan F --level L (--seed N | --data D)``: per reading of the
    plan (emusim.readings), how many awards change against the plan as read."""
    from ..cli import load_panel, load_scheme
    from ..i18n import using_lang
    from ..readings import reading_effects

    if not args.plan or not args.level:
        raise InputError([Problem(Message("commands.readings_needs"))])
    plan, scheme = load_scheme(args)
    registry, panel, period = load_panel(args, args.registry or plan.registry,
                                         args.period or plan.evaluation_period, scheme)
    with using_lang(args.lang):
        effects = reading_effects(scheme, panel.at(period), registry, history=panel)
        source = f"--seed {args.seed}" if args.data is None else args.data
        if effects.empty:
            print(t("readings.none", scheme=scheme_shown(scheme)))
        else:
            print(t("readings.header", scheme=t("commands.scheme_at", scheme=scheme_shown(scheme), period=period_text(period)), source=source))
            for row in effects.to_dict("records"):
                print("- " + t("readings.line", **row))
    if args.out:
        from ..io import check_output, write_table

        check_output(args.out, args.force)
        write_table(effects.set_index("reading"), args.out, force=args.force, sheet_name="readings")
        print(t("cli.wrote_file", path=str(args.out)))
    return 0
