"""``emusim audit``: what actually drives a scheme's ranking, where points are cheapest, and
how much of the award list is the plan's design (issue 13).

::

    emusim audit --plan ha_giang_186_2023 --level commune --seed 1 --period 2023-11 --out audit.xlsx
    emusim audit --plan lao_cai_cds_2022 --level commune --seed 1 --lang en

Prints the headline sentences of :func:`emusim.analysis.audit` (variance shares vs nominal
points, saturated and dead criteria, correlated pairs, far-out inputs),
:func:`emusim.analysis.gaming_risk` (the cheapest points, the winners who rest on
self-declared claims) and :func:`emusim.analysis.alternatives` (leave one out, equal group
maxima, basis, gate mode, missing-data policy). ``--out`` (``.xlsx``) writes every table on
its own sheet; ``--no-alternatives`` skips the slowest part.
"""
from __future__ import annotations


def register(subparsers) -> None:
    from ..cli import add_scheme_options
    from ..i18n import t

    p = subparsers.add_parser("audit", help=t("commands.help_audit"), description=t("commands.help_audit"))
    add_scheme_options(p)
    p.add_argument("--out", help=t("commands.help_audit_out"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))
    p.add_argument("--no-alternatives", action="store_true", help=t("commands.help_no_alternatives"))
    p.set_defaults(handler=run)


def run(args) -> int:
    import pandas as pd

    from ..analysis import alternatives, audit, gaming_risk
    from ..cli import load_scheme, load_values
    from ..i18n import t
    from ..io import check_output, write_sheets
    from ._display import period_text, scheme_shown, show, values_shown

    out = check_output(args.out, args.force, suffixes=(".xlsx",)) if args.out else None
    plan, scheme = load_scheme(args)
    registry, values, period = load_values(args, plan, scheme)
    a = audit(scheme, values, registry)
    g = gaming_risk(scheme, values, registry)
    alts = None if args.no_alternatives else alternatives(scheme, values, registry)
    L = args.lang
    print(f"{scheme_shown(scheme, L)} — {period_text(period, L)}")
    for title, lines in ((t("brief.audit_heading", L), a.summary(L)), (t("brief.gaming_heading", L), g.summary(L)),
                         (t("brief.alternatives_heading", L), alts.summary(L) if alts is not None else [])):
        if lines:
            print(f"\n{title}")
            for line in lines:
                print(f"  • {line}")

    with pd.option_context("display.width", 200, "display.max_colwidth", 50):
        print(f"\n{t('commands.audit_shares_heading', L)}")
        print(show(a.shares[["nominal_share", "variance_share"]], L, scheme, digits=3,
                   index_labels={"bonus": t("commands.row_bonus", L), "deduction": t("commands.row_deduction", L)}))
        cheapest = values_shown(g.cheapest.head(10), L)
        print(f"\n{t('commands.audit_cheapest_heading', L)}")
        print(show(cheapest, L, scheme, digits=3, index=False))
    warnings = a.warnings + g.warnings + (alts.warnings if alts is not None else [])
    if warnings:
        import sys

        print(f"\n⚠ {t('analysis.warnings_heading', L)}:", file=sys.stderr)
        for w in warnings:
            print(f"  • {w.text(L)}", file=sys.stderr)
    if out is not None:
        sheets = {"variance_shares": a.shares, "criteria": a.criteria, "correlated_pairs": a.high_correlations,
                  "inputs": a.inputs, "cheapest_points": g.cheapest, "claims": g.claims}
        if alts is not None:   # the machine table, then the alternatives for people in L
            sheets["alternatives"] = alts.table
            sheets[t("commands.sheet_alternatives_people", L)] = alts.labelled(L)
        write_sheets(sheets, out, force=args.force, no_index=("correlated_pairs", "cheapest_points"))
        print(f"\n{t('cli.wrote_file', L, path=str(out))}")
    return 0
