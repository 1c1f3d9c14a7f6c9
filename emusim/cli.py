"""Command line: ``emusim lint | simulate | score | award | …`` (DESIGN §9).

Exit status 0 on success, 2 on bad input (the message on stderr, no traceback), 1 on an
internal error. Set ``EMUSIM_DEBUG=1`` to see tracebacks.
"""
from __future__ import annotations

import argparse
import os
import sys

from .errors import InputError, Problem


def add_scheme_options(p: argparse.ArgumentParser, data_required: bool = False) -> None:
    p.add_argument("--plan", required=True, help="scenario file (scenarios/*.yaml) or plan id")
    p.add_argument("--level", required=True, help="level of the plan to score (district, commune, …)")
    src = p.add_mutually_exclusive_group(required=data_required)
    src.add_argument("--data", help="observations file (CSV or XLSX, long or wide)")
    src.add_argument("--seed", type=int, help="score simulated data with this seed instead of --data")
    add_sheet_option(p)
    p.add_argument("--registry", help="registry name or CSV (default: the plan's)")
    p.add_argument("--period", help="evaluation month YYYY-MM (default: the plan's evaluation period)")
    p.add_argument("--clusters", metavar="CSV", help="emulation clusters (locality_id,cluster): registry column "
                   "'cluster' for --set awards.nomination.group=cluster")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="adjust the scheme, e.g. --set uplift.city=0.2 (repeatable)")


def add_sheet_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sheet", help="the sheet of an XLSX --data file to read (default: the first)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="emusim", description="Simulate, score and award Vietnamese provincial emulation movements.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("lint", help="check scenario files: sums, sources, numbering, quotas")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--min-level", choices=("error", "warning", "info"), default="info",
                   help="show findings of this level and above (default: all)")
    p.add_argument("--registry", help="also check each scheme against this registry (urban classes, nomination groups)")
    p.add_argument("--clusters", metavar="CSV", help="emulation clusters for --registry")

    p = sub.add_parser("simulate", help="simulate monthly indicator trajectories for a registry")
    p.add_argument("--registry", required=True)
    p.add_argument("--start", default="2022-01")
    p.add_argument("--end", default=None, help="last month (default: 2026-12 for a registry still in force, "
                                               "e.g. the merged provinces; 2025-12 otherwise)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="long observations table (.csv or .xlsx)")
    p.add_argument("--force", action="store_true")

    for name, helptext in (("score", "score localities against a plan's scheme"),
                           ("award", "score and allocate the awards")):
        p = sub.add_parser(name, help=helptext)
        add_scheme_options(p)
        p.add_argument("--out", help="result table (.csv or .xlsx); without it, print a summary")
        p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
        p.add_argument("--explain", metavar="LOCALITY", help="print one unit's score line by line")
        p.add_argument("--lang", choices=("vi", "en"), default="vi")
    _register_plugins(sub)
    return parser


def _register_plugins(sub) -> None:
    """Commands in ``emusim/commands/*.py``: each module has ``register(subparsers)`` that adds
    its parser and sets ``handler=function(args) -> exit status``."""
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)


def load_scheme(args):
    from .adjust import parse_set
    from .io import note_input
    from .loader import load_plan

    plan = load_plan(args.plan)
    note_input(plan.file)
    try:
        scheme = plan.scheme(args.level)
    except KeyError as exc:
        raise InputError([Problem(str(exc.args[0]), file=plan.file)]) from None
    changes = dict(parse_set(s) for s in args.set)
    if changes:
        scheme = scheme.adjust(changes)
    return plan, scheme


def load_panel(args, registry_name, period, scheme=None, owner: str = "the plan"):
    """(registry, panel, evaluation month) from ``--data`` (observations, checked against
    ``scheme`` when given) or ``--seed`` (simulated). The month defaults to the panel's last."""
    from .io import note_input
    from .registry import load_registry

    if not registry_name:
        raise InputError(f"no registry: give --registry ({owner} names none)")
    note_input(registry_name)
    registry = load_registry(registry_name, as_of=period, fallback=True)   # the units in force that month
    if getattr(args, "clusters", None):
        from .clusters import assign_clusters

        registry = assign_clusters(registry, args.clusters)
    if args.data:
        from .observations import read_observations

        panel = read_observations(args.data, registry=registry, scheme=scheme, period=period,
                                  sheet=getattr(args, "sheet", None))
        if panel.report is not None:   # how the file was read: units, columns, coverage (stderr)
            print(panel.report.text(getattr(args, "lang", None)), file=sys.stderr)
    else:
        from .simulate import simulate

        panel = simulate(registry, seed=0 if args.seed is None else args.seed)
    return registry, panel, period or str(panel.periods[-1])


def load_values(args, plan, scheme):
    """(registry, values at the evaluation month, month) for one plan's scheme."""
    registry, panel, period = load_panel(args, args.registry or plan.registry,
                                         args.period or plan.evaluation_period, scheme)
    return registry, panel.at(period, missing=getattr(scheme, "missing", None)), period


def cmd_lint(args) -> int:
    from .lint import LEVELS, lint
    from .loader import load_plan

    bad_input = False
    show = LEVELS[: LEVELS.index(args.min_level) + 1]
    for f in args.files:
        try:
            plan = load_plan(f)
        except InputError as exc:
            bad_input = True
            for p in exc.problems:
                print(f"{p.where() or f}: error: {p.text()}", file=sys.stderr)
            continue
        findings = lint(plan)
        if args.registry:
            from .clusters import plan_registry_findings

            findings = findings + plan_registry_findings(plan, args.registry, args.clusters)
        counts = {lvl: sum(1 for x in findings if x.level == lvl) for lvl in LEVELS}
        for x in findings:
            if x.level in show:
                print(x)
        print(f"{f}: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes")
        bad_input = bad_input or counts["error"] > 0  # a lint that found errors is not a success
    return 2 if bad_input else 0


def cmd_simulate(args) -> int:
    from .io import check_output, write_table
    from .registry import load_registry
    from .simulate import simulate

    out = check_output(args.out, args.force)
    panel = simulate(load_registry(args.registry), start=args.start, end=args.end, seed=args.seed)
    long = panel.to_long()
    write_table(long.set_index("locality_id"), out, force=args.force, sheet_name="observations")
    print(f"wrote {len(long):,} observations ({len(panel.localities)} localities × {len(panel.periods)} months × "
          f"{len(panel.indicators)} indicators) to {out}")
    return 0


def cmd_score(args, award: bool = False) -> int:
    from .allocate import allocate
    from .engine import score
    from .io import check_output, write_table

    if args.out:
        check_output(args.out, args.force)
    plan, scheme = load_scheme(args)
    if scheme.kind == "tasks":
        from .tasks import not_scored_here

        raise not_scored_here(plan, scheme, "award" if award else "score")
    registry, panel, period = load_panel(args, args.registry or plan.registry,
                                         args.period or plan.evaluation_period, scheme)
    values = panel.at(period)
    if args.explain:
        from .explain import explain_text

        print(explain_text(scheme, values, registry, args.explain, lang=args.lang, history=panel))
        if not args.out:
            return 0
    table = score(scheme, values, registry, history=panel)  # history: values at row deadlines
    for warning in table.attrs.get("warnings", []):
        print(f"emusim {args.command}: {warning}", file=sys.stderr)
    if table.attrs.get("missing_note") is not None:   # the missing-data policy used, always stated
        print(table.attrs["missing_note"].text(args.lang))
    if award:
        from .pools import allocate_level

        aw = allocate_level(plan, scheme, table, registry, panel=panel, period=period) \
            if scheme.awards.pooled else allocate(table, scheme, registry, lang=getattr(args, "lang", None))
        table = aw.join(table.drop(columns=[c for c in table.columns if c in aw.columns]))
        table = table.sort_values("rank")
    if args.out:
        write_table(table, args.out, force=args.force, sheet_name=f"{scheme.level} {period}")
        print(f"wrote {len(table)} rows to {args.out}")
    else:
        cols = [c for c in ("name", "award", "rank", "total", "eligible", "reason") if c in table.columns]
        print(f"{scheme.name} at {period}: {len(table)} units, {int(table['eligible'].sum())} eligible")
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_colwidth", 70):
            print(table.sort_values("total", ascending=False)[cols].head(25).to_string())
    return 0


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    handlers = {
        "lint": cmd_lint,
        "simulate": cmd_simulate,
        "score": lambda a: cmd_score(a, award=False),
        "award": lambda a: cmd_score(a, award=True),
    }
    handler = getattr(args, "handler", None) or handlers[args.command]
    from .i18n import using_lang
    from .io import guarding_inputs, inputs_of

    lang = getattr(args, "lang", None)
    try:
        # an output is never one of the inputs the arguments name (emusim.io.inputs)
        with using_lang(lang), guarding_inputs(inputs_of(args)):
            return handler(args)
    except InputError as exc:
        with using_lang(lang):
            print(f"emusim {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stderr.close()
        return 0
    except Exception as exc:  # noqa: BLE001 - last-resort report for an internal error
        if os.environ.get("EMUSIM_DEBUG"):
            raise
        print(f"emusim {args.command}: internal error: {type(exc).__name__}: {exc}\n"
              "(set EMUSIM_DEBUG=1 for the traceback; please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
