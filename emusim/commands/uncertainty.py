"""``emusim uncertainty``: Monte Carlo award probabilities (and optionally Sobol' indices).

::

    emusim uncertainty --plan ha_giang_186_2023 --level commune --seed 1 --period 2023-11 \\
        --factors data/samples/factors_ha_giang.yaml --n 2000 --mc-seed 7 --sobol 256 \\
        --out uncertainty.xlsx

Writes the per-unit table (``p_<tier>``, ``p_any``, ``median_rank``, ``rank_q05``,
``rank_q95``, ``nominal_award`` …). An ``.xlsx`` output also gets a ``summary`` sheet (in the
chosen language), the per-unit table for people ("Xác suất theo đơn vị") and, with
``--sobol N``, a ``sobol`` sheet and its people's version ("Chỉ số Sobol", each factor by its
plan wording); a ``.csv`` output gets the Sobol' table beside it as
``<name>.sobol.csv``. Nothing is overwritten without ``--force``; a bad factors file is
reported in full (every bad factor, with its line) and exits with status 2.

Noise on an indicator that many units report at exactly a 100 % pass/fail target (a gate or
standard "hoàn thành 100 %") is flagged on stderr with how to read it (an artefact when the
100 % values are exact; a data-quality question when they are rounded or self-declared); the
``summary`` sheet's attrs and the result's ``warnings`` carry the same text. Start from
:func:`emusim.analysis.default_noise_factors`, which leaves those indicators out.
"""
from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    from ..cli import add_scheme_options
    from ..i18n import t

    p = subparsers.add_parser("uncertainty", help=t("commands.help_uncertainty"), description=t("commands.help_uncertainty"))
    add_scheme_options(p)
    p.add_argument("--factors", required=True, metavar=t("commands.metavar_factors"), help=t("commands.help_factors"))
    p.add_argument("--n", type=int, default=2000, help=t("commands.help_n"))
    p.add_argument("--mc-seed", type=int, default=0, help=t("commands.help_mc_seed"))
    p.add_argument("--chunk-size", type=int, default=None, metavar="N", help=t("commands.help_chunk_size"))
    p.add_argument("--sobol", type=int, metavar="N", default=None, help=t("commands.help_sobol"))
    p.add_argument("--outcome", default="overlap", metavar=t("commands.metavar_outcome"), help=t("commands.help_outcome"))
    p.add_argument("--out", required=True, help=t("cli.help_out_table"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))
    p.add_argument("--progress", action="store_true", help=t("commands.help_progress"))
    p.set_defaults(handler=run)


def _sobol_path(out: Path) -> Path:
    return out.with_name(out.stem + ".sobol.csv")


def run(args) -> int:
    from ..cli import load_scheme, load_values
    from ..io import check_output, write_sheets, write_table
    from ..analysis.factors import load_factors
    from ..analysis.montecarlo import montecarlo
    from ..analysis.sobol import sobol

    out = check_output(args.out, args.force)
    xlsx = out.suffix.lower() == ".xlsx"
    if args.sobol is not None and not xlsx:
        check_output(_sobol_path(out), args.force)
    from ..limits import MAX_SOBOL_N, check_replications, check_seed

    check_replications(args.n, "--n")  # sizes bounded up front, with a message
    check_seed(args.mc_seed, "--mc-seed")
    if args.sobol is not None:
        check_replications(args.sobol, "--sobol", limit=MAX_SOBOL_N, low=2)
    plan, scheme = load_scheme(args)
    factors = load_factors(args.factors, scheme=scheme)
    registry, values, period = load_values(args, plan, scheme)
    mc = montecarlo(scheme, values, factors, n=args.n, seed=args.mc_seed, registry=registry,
                    chunk_size=args.chunk_size, progress=args.progress)
    table = mc.per_unit.sort_values(["p_any", "median_rank"], ascending=[False, True])
    summary = mc.summary(args.lang)
    indices = None
    if args.sobol is not None:
        indices = sobol(scheme, values, factors, N=args.sobol, seed=args.mc_seed, outcome=args.outcome,
                        registry=registry)
    import pandas as pd

    if xlsx:  # the machine sheets (per_unit, sobol), then the same for people in the chosen language
        from ..i18n import t as _t
        from ._display import header

        people = _t("commands.sheet_unc_people", args.lang)
        per_unit = mc.labelled(table, args.lang)
        per_unit.index.name = header(per_unit.index.name, args.lang) if per_unit.index.name else None
        sheets = {"per_unit": table, "summary": summary, people: per_unit}
        no_index = ["sobol"]
        if indices is not None:
            sheets["sobol"] = indices
            sobol_people = _t("commands.sheet_sobol_people", args.lang)
            sheets[sobol_people] = _sobol_people(indices, scheme, args.lang)
            no_index.append(sobol_people)
        write_sheets(sheets, out, force=args.force, no_index=no_index)
    else:
        write_table(table, out, force=args.force)
        if indices is not None:
            write_table(indices.set_index("factor"), _sobol_path(out), force=args.force)
    import sys

    from ..i18n import t
    from ._display import period_text, scheme_shown, show

    L = args.lang
    print(t("commands.unc_heading", L, scheme=scheme_shown(scheme, args.lang), period=period_text(period), n=mc.n, factors=len(mc.factors),
            seed=args.mc_seed))
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(show(summary, L, scheme, digits=3))   # rows and columns already in L (MonteCarloResult.summary)
        if indices is not None:
            print("\n" + t("commands.unc_sobol_heading", L, outcome=_outcome_text(args.outcome, L), n=args.sobol))
            print(show(_sobol_people(indices, scheme, L), L, scheme, digits=3, index=False))

    warnings = list(mc.warnings) + [w for w in (indices.warnings if indices is not None else []) if w not in mc.warnings]
    if warnings:
        print(f"\n⚠ {t('analysis.warnings_heading', args.lang)}:", file=sys.stderr)
        for w in warnings:
            print(f"  • {w.text(args.lang)}", file=sys.stderr)
    if indices is not None and not xlsx:
        print(t("commands.unc_wrote_sobol", L, n=len(table), path=str(out), sobol=str(_sobol_path(out))))
    else:
        print(t("commands.unc_wrote", L, n=len(table), path=str(out)))
    return 0


def _sobol_people(indices, scheme, lang):
    """The Sobol' indices for people: each factor by its plan wording (``SobolTable.labelled``,
    else :func:`~._display.path_shown`), headers in ``lang``; no distribution column."""
    from ._display import header, path_shown

    shown = indices.labelled(lang) if hasattr(indices, "labelled") else indices.copy()
    if "label" in shown:
        shown["factor"] = [lb if isinstance(lb, str) and lb else path_shown(f, scheme, lang)
                           for lb, f in zip(shown["label"], shown["factor"])]
        shown = shown.drop(columns="label")
    else:
        shown["factor"] = [path_shown(f, scheme, lang) for f in shown["factor"]]
    shown = shown.drop(columns="distribution", errors="ignore")
    return shown.rename(columns={c: header(c, lang, scheme) for c in shown.columns})


def _outcome_text(outcome: str, lang) -> str:
    """The Sobol' outcome in words (``overlap`` → "mức trùng …", ``rank:00703`` → "hạng của đơn vị 00703")."""
    from ..i18n import catalogue, t

    kind, sep, unit = str(outcome).partition(":")
    key = f"commands.outcome_{kind}"
    if key not in catalogue() or bool(sep) != (kind in ("unit", "rank")):
        return str(outcome)
    return t(key, lang, unit=unit) if sep else t(key, lang)
