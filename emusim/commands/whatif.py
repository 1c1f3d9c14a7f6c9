"""``emusim sweep | tornado | improve | equity``: the what-if analyses from the command line.

::

    emusim sweep   --plan F --level L --seed 1 --path uplift.city --grid 0 0.1 0.15 0.2 0.3 --out sweep.csv
    emusim tornado --plan F --level L --seed 1 [--range uplift.city=0:0.3 …] [--out tornado.csv]
    emusim improve --plan F --level L --seed 1 --unit 00703 [--tier police_director] [--lang vi]
    emusim equity  --plan F --level L --seed 1 [--out equity.xlsx]

``improve`` prints the changes for people (:meth:`~emusim.analysis.improve.Improvement.labelled`);
``equity`` prints and, to an ``.xlsx``, writes beside the machine sheets ``by <key>`` the same
tables for people (:meth:`~emusim.analysis.equity.Equity.labelled`). All take the options of ``emusim score`` (``--data`` or ``--seed``, ``--registry``,
``--period``, ``--set PATH=VALUE``…): the analysis runs on the adjusted scheme.
"""
from __future__ import annotations

import pandas as pd

from ..errors import InputError, Problem
from ..i18n import Message, catalogue, t
from ._display import cell, path_shown as _path_shown, period_text, scheme_shown, show, values_shown


def _common(p, out_required: bool) -> None:
    from ..cli import add_scheme_options

    add_scheme_options(p)
    p.add_argument("--out", required=out_required, help=t("cli.help_out_table"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))


def register(subparsers) -> None:
    p = subparsers.add_parser("sweep", help=t("commands.help_sweep"), description=t("commands.help_sweep"))
    _common(p, out_required=True)
    p.add_argument("--path", required=True, help=t("commands.help_path"))
    p.add_argument("--grid", nargs="+", required=True, metavar=t("commands.metavar_value"), help=t("commands.help_grid"))
    p.set_defaults(handler=run_sweep)

    p = subparsers.add_parser("tornado", help=t("commands.help_tornado"), description=t("commands.help_tornado"))
    _common(p, out_required=False)   # without --out: printed only
    p.add_argument("--range", action="append", default=[], metavar=t("commands.metavar_range"), help=t("commands.help_range"))
    p.set_defaults(handler=run_tornado)

    p = subparsers.add_parser("improve", help=t("commands.help_improve"), description=t("commands.help_improve"))
    _common(p, out_required=False)
    p.add_argument("--unit", required=True, metavar=t("commands.metavar_unit"), help=t("commands.help_unit"))
    p.add_argument("--tier", help=t("commands.help_tier"))
    p.set_defaults(handler=run_improve)

    p = subparsers.add_parser("equity", help=t("commands.help_equity"), description=t("commands.help_equity"))
    _common(p, out_required=False)
    p.set_defaults(handler=run_equity)


def _prepare(args):
    from ..cli import load_scheme, load_values
    from ..io import check_output

    if args.out:
        check_output(args.out, args.force)
    plan, scheme = load_scheme(args)
    registry, values, period = load_values(args, plan, scheme)
    return scheme, registry, values, period


def _value_shown(path: str, value):
    """A tornado value: a basis or gate mode by its wording, else the value."""
    key = {"proportional_basis": "commands.basis_"}.get(path) or ("commands.mode_" if str(path).endswith(".mode") else None)
    if key and isinstance(value, str) and f"{key}{value}" in catalogue():
        return t(f"{key}{value}")
    return value


def _scalar(text: str):
    from ..adjust import parse_set

    return parse_set(f"x={text}")[1]


def run_sweep(args) -> int:
    from ..analysis import sweep
    from ..analysis.sweep import award_changes
    from ..io import write_table

    scheme, registry, values, period = _prepare(args)
    table = sweep(scheme, values, args.path, [_scalar(g) for g in args.grid], registry)
    write_table(table.set_index("locality_id"), args.out, force=args.force, sheet_name="sweep")
    changes = award_changes(table)
    print(t("commands.sweep_heading", scheme=scheme_shown(scheme, args.lang), period=period_text(period), path=_path_shown(args.path, scheme),
            grid=_grid_text(args.path, args.grid, args.lang), n=len(table), out=str(args.out)))
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(show(values_shown(changes), scheme=scheme, index=False) if len(changes)
              else t("commands.sweep_no_changes"))
    return 0


def run_tornado(args) -> int:
    from ..analysis import tornado
    from ..io import write_table

    ranges = None
    if args.range:
        ranges, problems = {}, []
        for item in args.range:
            path, sep, rng = item.partition("=")
            if not sep:
                ranges[path.strip()] = None
                continue
            low, colon, high = rng.partition(":")
            if not colon:
                problems.append(Problem(Message("commands.range_format", item=item)))
                continue
            ranges[path.strip()] = (_scalar(low), _scalar(high))
        if problems:
            raise InputError(problems)
    scheme, registry, values, period = _prepare(args)
    table = tornado(scheme, values, ranges, registry)
    if args.out:
        write_table(table.set_index("path"), args.out, force=args.force, sheet_name="tornado")
    cols = [c for c in ("path", "nominal", "low", "high", "changed_low", "changed_high", "effect") if c in table]
    print(t("commands.tornado_heading" if args.out else "commands.tornado_heading_shown",
            scheme=scheme_shown(scheme, args.lang), period=period_text(period), n=len(table), out=str(args.out)))
    shown = table[cols].head(15).copy()
    for col in ("nominal", "low", "high"):
        if col in shown:
            shown[col] = [_value_shown(p, v) for p, v in zip(shown["path"], shown[col])]
    shown["path"] = [_path_shown(p, scheme) for p in shown["path"]]
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(show(shown, scheme=scheme, index=False))
    return 0


def run_improve(args) -> int:
    from ..analysis import min_improvement
    from ..io import write_table

    scheme, registry, values, period = _prepare(args)
    result = min_improvement(scheme, values, args.unit, registry=registry, target_tier=args.tier)
    print(t("commands.improve_heading", unit=result.name or result.unit, scheme=scheme_shown(scheme, args.lang), period=period_text(period),
            status=t(f"commands.status_{result.status}")))
    print(result.sentence(args.lang) or result.message)
    if len(result.changes):
        with pd.option_context("display.width", 200, "display.max_colwidth", 60):
            print(show(result.labelled(args.lang), args.lang, scheme, digits=3, index=False))
        if args.out:
            write_table(result.changes.set_index("indicator"), args.out, force=args.force, sheet_name="changes")
            print(t("cli.wrote_file", path=str(args.out)))
    return 0 if result.status != "unverified" else 1


def run_equity(args) -> int:
    from ..allocate import allocate
    from ..analysis import equity
    from ..engine import score
    from ..io import check_output, write_sheets, write_table

    scheme, registry, values, period = _prepare(args)
    result = equity(allocate(score(scheme, values, registry), scheme, registry), registry)
    with pd.option_context("display.width", 160):
        for key in result:
            by = t(f"commands.by_{key}") if f"commands.by_{key}" in catalogue() else key
            print("\n" + t("commands.equity_heading", scheme=scheme_shown(scheme, args.lang), period=period_text(period), by=by))
            print(show(result.labelled(key, args.lang, scheme), args.lang, scheme, digits=3))
    if args.out:
        out = check_output(args.out, args.force)
        if out.suffix.lower() == ".xlsx":  # the machine sheets, then the same tables for people
            sheets = {f"by {key}": result[key] for key in result}
            for key in result:
                by = t(f"commands.by_{key}") if f"commands.by_{key}" in catalogue() else key
                sheets[_sheet_name(t("commands.sheet_equity_people", by=by), sheets)] = result.labelled(key, args.lang, scheme)
            write_sheets(sheets, out, force=args.force)
        else:
            write_table(pd.concat([result[key].assign(by=key) for key in result]), out, force=args.force)
        print(t("cli.wrote_file", path=str(args.out)))
    return 0


def _sheet_name(name: str, taken) -> str:
    """A worksheet name Excel accepts (at most 31 characters, none of ``[]:*?/\\``), unique in ``taken``."""
    clean = "".join("-" if c in '[]:*?/\\' else c for c in name)[:31]
    base, k = clean, 2
    while clean in taken:
        suffix = f" {k}"
        clean, k = base[:31 - len(suffix)] + suffix, k + 1
    return clean


def _grid_text(path, grid, lang) -> str:
    """The values of ``--grid`` the language's way: "0; 0,2; 0,3" in Vietnamese, "0, 0.2, 0.3" in English."""
    from ..i18n import check_lang

    shown = []
    for item in grid:
        value = _scalar(item)
        shown.append(str(cell(value, lang, digits=4)) if isinstance(value, (int, float)) and not isinstance(value, bool)
                     else str(_value_shown(path, value)))
    return ("; " if check_lang(lang) == "vi" else ", ").join(shown)
