"""``emusim sweep | tornado | improve | equity``: the what-if analyses from the command line.

::

    emusim sweep   --plan F --level L --seed 1 --path uplift.city --grid 0 0.1 0.15 0.2 0.3 --out sweep.csv
    emusim tornado --plan F --level L --seed 1 [--range uplift.city=0:0.3 …] --out tornado.csv
    emusim improve --plan F --level L --seed 1 --unit 00703 [--tier police_director] [--lang vi]
    emusim equity  --plan F --level L --seed 1 [--out equity.xlsx]

All take the options of ``emusim score`` (``--data`` or ``--seed``, ``--registry``,
``--period``, ``--set PATH=VALUE``…): the analysis runs on the adjusted scheme.
"""
from __future__ import annotations

import pandas as pd

from ..errors import InputError, Problem


def _common(p, out_required: bool) -> None:
    from ..cli import add_scheme_options

    add_scheme_options(p)
    p.add_argument("--out", required=out_required, help="result table (.csv or .xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def register(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="awards and ranks as one adjust path varies over a grid")
    _common(p, out_required=True)
    p.add_argument("--path", required=True, help="adjust path, e.g. uplift.city or awards.chairman.quota")
    p.add_argument("--grid", nargs="+", required=True, metavar="VALUE", help="values to try (YAML scalars: 0.2, 5, rate, soft)")
    p.set_defaults(handler=run_sweep)

    p = subparsers.add_parser("tornado", help="which parameters move the award set most between their low and high values")
    _common(p, out_required=True)
    p.add_argument("--range", action="append", default=[], metavar="PATH=LOW:HIGH",
                   help="a parameter and its range (repeatable; PATH alone for a discrete choice); default: every "
                        "uplift, gate target, group maximum, quota, basis and gate mode")
    p.set_defaults(handler=run_tornado)

    p = subparsers.add_parser("improve", help="the smallest indicator changes that would win a unit an award")
    _common(p, out_required=False)
    p.add_argument("--unit", required=True, metavar="LOCALITY", help="locality id")
    p.add_argument("--tier", help="the award tier to aim for (default: the lowest that suffices)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.set_defaults(handler=run_improve)

    p = subparsers.add_parser("equity", help="award shares by urban class and parent unit vs their share of units and population")
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
    print(f"{scheme.name} at {period}: {args.path} over {', '.join(args.grid)} — wrote {len(table)} rows to {args.out}")
    with pd.option_context("display.width", 160, "display.max_colwidth", 60):
        print(changes.to_string() if len(changes) else "no award changes across the grid")
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
                problems.append(Problem(f"--range expects PATH=LOW:HIGH (or PATH alone), got {item!r}"))
                continue
            ranges[path.strip()] = (_scalar(low), _scalar(high))
        if problems:
            raise InputError(problems)
    scheme, registry, values, period = _prepare(args)
    table = tornado(scheme, values, ranges, registry)
    write_table(table.set_index("path"), args.out, force=args.force, sheet_name="tornado")
    cols = [c for c in ("path", "nominal", "low", "high", "changed_low", "changed_high", "effect") if c in table]
    print(f"{scheme.name} at {period}: wrote {len(table)} parameters to {args.out}")
    with pd.option_context("display.width", 160):
        print(table[cols].head(15).to_string(index=False))
    return 0


def run_improve(args) -> int:
    from ..analysis import min_improvement
    from ..io import write_table

    scheme, registry, values, period = _prepare(args)
    result = min_improvement(scheme, values, args.unit, registry=registry, target_tier=args.tier)
    print(f"{result.name or result.unit} — {scheme.name} at {period}: {result.status}")
    print(result.sentence(args.lang) or result.message)
    if len(result.changes):
        with pd.option_context("display.width", 160, "display.max_colwidth", 60):
            print(result.changes.to_string(index=False))
        if args.out:
            write_table(result.changes.set_index("indicator"), args.out, force=args.force, sheet_name="changes")
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
            print(f"\n{scheme.name} at {period} — by {key}")
            print(result[key].round(3).to_string())
    if args.out:
        out = check_output(args.out, args.force)
        if out.suffix.lower() == ".xlsx":
            write_sheets({f"by {key}": result[key] for key in result}, out, force=args.force)
        else:
            write_table(pd.concat([result[key].assign(by=key) for key in result]), out, force=args.force)
        print(f"wrote {args.out}")
    return 0
