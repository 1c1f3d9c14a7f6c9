"""``emusim design``: find the reforms that meet the province's stated goals (issue 16).

::

    emusim design --plan scenarios/ha_giang_186_2023.yaml --level commune --seed 1 \\
        --period 2023-11 --goals data/samples/design_ha_giang.yaml --out pareto.xlsx

The goals file holds ``free`` (paths and ranges), ``goals`` and optionally ``budget``,
``pop_size`` and ``seed`` (see ``data/samples/design_ha_giang.yaml``). Writes the Pareto
table (XLSX: one reform per row, its ``--set`` line and every metric; a second sheet with the
goals) and, with ``--chart F.png``, the trade-off chart. Prints the proposal: the reform
closest to the plan that meets every goal, and who gains and loses under it (``es.diff``).
"""
from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    from ..cli import add_scheme_options
    from ..i18n import t

    p = subparsers.add_parser("design", help=t("commands.help_design"), description=t("commands.help_design"))
    add_scheme_options(p)
    p.add_argument("--goals", required=True, metavar=t("commands.metavar_goals"), help=t("commands.help_design_goals"))
    p.add_argument("--budget", type=int, default=None, help=t("commands.help_budget"))
    p.add_argument("--design-seed", type=int, default=None, help=t("commands.help_design_seed"))
    p.add_argument("--out", required=True, help=t("commands.help_design_out"))
    p.add_argument("--chart", help=t("commands.help_design_chart"))
    p.add_argument("--force", action="store_true", help=t("commands.help_force_out_chart"))
    p.set_defaults(handler=run)


def read_goals_file(path) -> dict:
    from ..errors import InputError, Problem
    from ..i18n import Message
    from ..yamlio import load_yaml

    doc = load_yaml(path)
    if not isinstance(doc, dict):
        raise InputError([Problem(Message("design.file_not_mapping"), file=str(path))])
    unknown = sorted(set(doc) - {"free", "goals", "budget", "pop_size", "seed", "noise_draws", "notes"})
    if unknown:
        raise InputError([Problem(Message("design.file_unknown_keys", keys=", ".join(unknown)), file=str(path))])
    return doc


def setting_line(reform: dict) -> str:
    """The ``--set`` options that reproduce a reform."""
    return " ".join(f"--set {p}={v}" for p, v in reform.items())


def run(args) -> int:
    import pandas as pd

    from ..allocate import allocate
    from ..analysis.design import design
    from ..cli import load_scheme, load_values
    from ..diff import diff
    from ..engine import score
    from ..i18n import set_lang, t
    from ..io import check_output, write_sheets, write_table
    from ._display import period_text, scheme_shown

    set_lang(args.lang)
    out = check_output(args.out, args.force)
    if args.chart:
        check_output(args.chart, args.force, suffixes=(".png", ".pdf"))
    spec = read_goals_file(args.goals)
    plan, scheme = load_scheme(args)
    registry, values, period = load_values(args, plan, scheme)
    result = design(scheme, values, registry, free=spec.get("free") or {}, goals=spec.get("goals") or [],
                    budget=args.budget or spec.get("budget", 20_000), pop_size=spec.get("pop_size", 200),
                    seed=args.design_seed if args.design_seed is not None else spec.get("seed", 0),
                    noise_draws=spec.get("noise_draws", 8), file=str(args.goals))
    table = result.table.copy()
    table.insert(0, "set", [setting_line(r) for r in table["adjust"]])
    table = table.drop(columns=["adjust"])
    goals = pd.DataFrame([{"metric": g.metric, "sense": g.sense, "bound": g.bound, "by": g.by, "against": g.against,
                           "noise_sd": g.noise_sd, "plan_as_written": result.plan.get(
                               g.metric if g.metric not in ("groups_awarded", "urban_gap") else
                               (f"groups_awarded:{g.by}" if g.metric == "groups_awarded" else f"urban_gap:{g.against}"))}
                          for g in result.goals])
    if out.suffix.lower() == ".xlsx":
        write_sheets({"pareto": table, "goals": goals}, out, force=args.force, no_index=("pareto", "goals"))
    else:
        write_table(table, out, force=args.force)
    if args.chart:
        from ..charts import save
        from ..charts.design import design_tradeoff

        save(design_tradeoff(result, scheme=scheme, lang=args.lang), args.chart, formats=(Path(args.chart).suffix[1:],))
    print(t("commands.design_heading", args.lang, scheme=scheme_shown(scheme, args.lang), period=period_text(period, args.lang),
            summary=result.summary(args.lang)))
    best = result.proposal
    if best:
        base_aw = allocate(score(scheme, values, registry), scheme, registry)
        option = scheme.adjust(best)
        d = diff(base_aw, allocate(score(option, values, registry), option, registry), scheme=scheme)
        print(t("design.proposal_line", args.lang, line=setting_line(best)))
        print(d.summary(args.lang))
        with pd.option_context("display.width", 200, "display.max_colwidth", 60):
            if len(d.table):
                print(d.labelled(args.lang).head(20).to_string())
    print(t("design.wrote", args.lang, n=len(table), path=str(out)))
    return 0
