"""``emusim calibration``: how close the simulated panels come to the published record.

::

    emusim calibration --seed 0 [--out calibration.xlsx] [--chart calibration.png] [--lang en]

Simulates Hà Giang, Tuyên Quang and Lào Cai (and the merged provinces to 2026-12) with the
seed, and prints, for every anchor of ``data/calibration.yaml``: the figure, the province's
target, the simulated province mean at its month, the residual, the tolerance, and the
hold-out prediction (the fit without that anchor). ``--out`` writes the table (.csv/.xlsx);
``--chart`` the two charts (anchors vs trajectories, and residuals) as PNG (``-residuals``
added to the second file's name). See :func:`emusim.sim.report.calibration_report`.
"""
from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    from ..i18n import t

    p = subparsers.add_parser("calibration", help=t("commands.help_calibration"), description=t("commands.help_calibration"))
    p.add_argument("--seed", type=int, default=0, help=t("cli.help_seed_sim"))
    p.add_argument("--calibration", help=t("commands.help_calibration_file"))
    p.add_argument("--out", help=t("commands.help_calibration_out"))
    p.add_argument("--chart", help=t("commands.help_calibration_chart"))
    p.add_argument("--no-holdout", action="store_true", help=t("commands.help_no_holdout"))
    p.add_argument("--force", action="store_true", help=t("commands.help_force_out_chart"))
    p.set_defaults(handler=run)


def run(args) -> int:
    import warnings

    import pandas as pd

    from ..i18n import t, using_lang
    from ..io import check_output, write_table
    from ..sim.report import calibration_report

    if args.out:
        check_output(args.out, args.force)
    charts = []
    if args.chart:
        first = Path(args.chart)
        charts = [first, first.with_name(first.stem + "-residuals" + first.suffix)]
        for c in charts:
            check_output(c, args.force, suffixes=(".png",))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # misses are in the table and the summary
        report = calibration_report(seed=args.seed, calibration=args.calibration,
                                    holdout=not args.no_holdout)
    with using_lang(args.lang):
        table = report.display(args.lang)
        print(report.summary(args.lang))
        print()
        with pd.option_context("display.width", 220, "display.max_rows", 200, "display.max_colwidth", 44):
            cols = [c for i, c in enumerate(table.columns) if list(report.table.columns)[i] not in ("label", "indicator")]
            print(table[cols].to_string(index=False))
        if args.out:
            write_table(table.set_index(table.columns[0]), args.out, force=args.force, sheet_name="calibration")
            print(f"\n{t('cli.wrote_file', path=str(args.out))}")
        if charts:
            from ..charts import save
            from ..charts.calibration import calibration, calibration_residuals

            for fig, path in zip((calibration(report, lang=args.lang),
                                  calibration_residuals(report, lang=args.lang)), charts):
                save(fig, path)
                print(t("cli.wrote_file", path=str(path)))
    return 0
