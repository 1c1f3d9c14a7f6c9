"""Command line: ``emusim lint | simulate | score | award | …`` (DESIGN §9).

Exit status 0 on success, 2 on bad input (the message on stderr, no traceback), 1 on an
internal error. Set ``EMUSIM_DEBUG=1`` to see tracebacks.

Every text it prints is Vietnamese by default and English with ``--lang en`` (before the
command, ``emusim --lang en award …``, or after it, ``emusim award … --lang en``) or
``EMUSIM_LANG=en``: the help, argparse's own usage errors, headings, printed tables (headers
from ``messages/cli.yaml``, tiers by their plan label, có/không, 370,16), summaries and the
error lines. Files written with ``--out`` keep their machine column names.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys

from .errors import InputError, Problem
from .i18n import DEFAULT_LANG, LANGS, Message, t


def add_scheme_options(p: argparse.ArgumentParser, data_required: bool = False) -> None:
    p.add_argument("--plan", required=True, help=t("cli.help_plan"))
    p.add_argument("--level", required=True, help=t("cli.help_level"))
    src = p.add_mutually_exclusive_group(required=data_required)
    src.add_argument("--data", help=t("cli.help_data"))
    src.add_argument("--seed", type=int, help=t("cli.help_seed"))
    add_sheet_option(p)
    p.add_argument("--registry", help=t("cli.help_registry"))
    p.add_argument("--period", metavar="YYYY-MM", help=t("cli.help_period"))
    p.add_argument("--clusters", metavar="CSV", help=t("cli.help_clusters"))
    p.add_argument("--set", action="append", default=[], metavar=t("cli.metavar_set"), help=t("cli.help_set"))


def add_sheet_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sheet", metavar=t("cli.metavar_sheet"), help=t("cli.help_sheet"))


def add_lang_option(p: argparse.ArgumentParser, default=argparse.SUPPRESS) -> None:
    """``--lang vi|en`` on ``p``; on a sub-command it leaves the value given before it alone."""
    p.add_argument("--lang", choices=LANGS, default=default, help=t("cli.help_lang"))


def argv_lang(argv) -> str:
    """The language ``argv`` asks for (``--lang X`` or ``--lang=X`` anywhere before ``--``), else
    ``EMUSIM_LANG``, else Vietnamese: read before the parser is built, so that its help and its
    own error messages are in that language too.

    >>> argv_lang(["award", "--plan", "p", "--lang", "en"]), argv_lang(["--lang=vi", "lint", "f"])
    ('en', 'vi')
    """
    lang = env_lang()
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            lang = argv[i + 1]
        elif arg.startswith("--lang=") and arg[7:] in LANGS:
            lang = arg[7:]
    return lang


def env_lang() -> str:
    value = os.environ.get("EMUSIM_LANG", "").strip().lower()
    return value if value in LANGS else DEFAULT_LANG


# Python's argparse texts (its gettext msgids) and their catalogue keys
_ARGPARSE = {
    "usage: ": "usage", "positional arguments": "positionals", "options": "options",
    "show this help message and exit": "help", "%(prog)s: error: %(message)s\n": "error",
    "the following arguments are required: %s": "required", "unrecognized arguments: %s": "unrecognized",
    "argument %(argument_name)s: %(message)s": "argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "invalid %(type)s value: %(value)r": "invalid_value", "expected one argument": "expected_one",
    "expected at least one argument": "expected_at_least_one", "expected at most one argument": "expected_at_most_one",
    "not allowed with argument %s": "not_allowed_with", "one of the arguments %s is required": "one_of_required",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "ignored explicit argument %r": "ignored_explicit",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "unknown_parser",
    "expected %s argument": "expected_1", "expected %s arguments": "expected_n",
}


@contextlib.contextmanager
def argparse_in(lang: str):
    """argparse's own texts (usage, "the following arguments are required" …) in ``lang``."""
    if lang == "en":
        yield
        return

    def gettext(msg):
        key = _ARGPARSE.get(msg)
        return t(f"cli.argparse_{key}", lang) if key else msg

    old = argparse._, argparse.ngettext
    argparse._ = gettext
    argparse.ngettext = lambda singular, plural, n: gettext(singular if n == 1 else plural)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = old


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The parser, its help in ``lang`` (default: the current language)."""
    from .i18n import using_lang

    with using_lang(lang), argparse_in(lang or _current_lang()):
        return _build_parser()


def _current_lang() -> str:
    from .i18n import get_lang

    return get_lang()


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="emusim", description=t("cli.description"))
    add_lang_option(parser, default=_current_lang())
    sub = parser.add_subparsers(dest="command", metavar=t("cli.metavar_command"), title=t("cli.commands_title"))

    p = sub.add_parser("lint", help=t("cli.help_lint"), description=t("cli.help_lint"))
    p.add_argument("files", nargs="+", metavar=t("commands.metavar_file"), help=t("cli.help_lint_files"))
    p.add_argument("--min-level", choices=("error", "warning", "info"), default="info", help=t("cli.help_min_level"))
    p.add_argument("--registry", help=t("cli.help_lint_registry"))
    p.add_argument("--clusters", metavar="CSV", help=t("cli.help_lint_clusters"))

    p = sub.add_parser("simulate", help=t("cli.help_simulate"), description=t("cli.help_simulate"))
    p.add_argument("--registry", required=True, help=t("cli.help_sim_registry"))
    p.add_argument("--start", default="2022-01", metavar="YYYY-MM", help=t("cli.help_start"))
    p.add_argument("--end", default=None, metavar="YYYY-MM", help=t("cli.help_end"))
    p.add_argument("--seed", type=int, default=0, help=t("cli.help_seed_sim"))
    p.add_argument("--out", required=True, help=t("cli.help_sim_out"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))

    for name in ("score", "award"):
        p = sub.add_parser(name, help=t(f"cli.help_{name}"), description=t(f"cli.help_{name}"))
        add_scheme_options(p)
        p.add_argument("--out", help=t("cli.help_score_out"))
        p.add_argument("--force", action="store_true", help=t("cli.help_force"))
        p.add_argument("--explain", metavar=t("commands.metavar_unit"), help=t("cli.help_explain"))
    _register_plugins(sub)
    for p in sub.choices.values():   # every command takes --lang, after its name too
        if not any("--lang" in a.option_strings for a in p._actions):
            add_lang_option(p)
        _word_metavars(p)
    return parser


def _word_metavars(p: argparse.ArgumentParser) -> None:
    """Option values shown in the help by a placeholder in the language (``--plan KẾ_HOẠCH``),
    ``cli.metavar_<option>``, instead of argparse's upper-case English option name."""
    from .i18n import catalogue

    for action in p._actions:
        key = f"cli.metavar_{action.dest}"
        if action.option_strings and action.nargs != 0 and action.metavar is None and key in catalogue():
            action.metavar = t(key)


def _register_plugins(sub) -> None:
    """Commands in ``emusim/commands/*.py``: each module has ``register(subparsers)`` that adds
    its parser and sets ``handler=function(args) -> exit status``."""
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):   # helpers, not commands
            continue
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


def load_panel(args, registry_name, period, scheme=None, owner: str | None = None):
    """(registry, panel, evaluation month) from ``--data`` (observations, checked against
    ``scheme`` when given) or ``--seed`` (simulated). The month defaults to the panel's last."""
    from .io import note_input
    from .registry import load_registry

    if not registry_name:
        raise InputError([Problem(Message("cli.no_registry", owner=owner or Message("cli.owner_plan")))])
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
                print(t("cli.lint_load_error", where=p.where() or f, text=p.text()), file=sys.stderr)
            continue
        findings = lint(plan)
        if args.registry:
            from .clusters import plan_registry_findings

            findings = findings + plan_registry_findings(plan, args.registry, args.clusters)
        counts = {lvl: sum(1 for x in findings if x.level == lvl) for lvl in LEVELS}
        for x in findings:
            if x.level in show:
                print(x)
        print(t("cli.lint_counts", file=f, errors=counts["error"], warnings=counts["warning"], notes=counts["info"]))
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
    print(t("cli.simulate_wrote", rows=len(long), units=len(panel.localities), months=len(panel.periods),
            indicators=len(panel.indicators), path=str(out)))
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
        print(t("cli.wrote_rows", n=len(table), path=str(args.out)))
    else:
        import pandas as pd

        from .commands._display import period_text, scheme_shown, show

        cols = [c for c in ("name", "award", "rank", "total", "eligible", "reason") if c in table.columns]
        print(t("cli.score_heading", scheme=scheme_shown(scheme, args.lang), period=period_text(period), units=len(table),
                eligible=int(table["eligible"].sum())))
        with pd.option_context("display.width", 200, "display.max_colwidth", 70):
            print(show(table.sort_values("total", ascending=False)[cols].head(25), scheme=scheme))
    return 0


def main(argv=None) -> int:
    from .i18n import using_lang
    from .io import guarding_inputs, inputs_of

    argv = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    lang = argv_lang(argv)
    with using_lang(lang), argparse_in(lang):   # argparse's errors (SystemExit 2) in that language too
        bad_env = os.environ.get("EMUSIM_LANG", "").strip()
        if bad_env and bad_env.lower() not in LANGS:
            print(f"emusim: {t('cli.bad_env_lang', value=bad_env)}", file=sys.stderr)
        parser = build_parser(lang)
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return 0
    lang = args.lang
    handlers = {
        "lint": cmd_lint,
        "simulate": cmd_simulate,
        "score": lambda a: cmd_score(a, award=False),
        "award": lambda a: cmd_score(a, award=True),
    }
    handler = getattr(args, "handler", None) or handlers[args.command]
    with using_lang(lang):
        try:
            # an output is never one of the inputs the arguments name (emusim.io.inputs)
            with guarding_inputs(inputs_of(args)):
                return handler(args)
        except InputError as exc:
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
            print(f"emusim {args.command}: {t('cli.internal_error', error=f'{type(exc).__name__}: {exc}')}\n"
                  f"{t('cli.internal_error_hint')}", file=sys.stderr)
            return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
