"""Charts for briefings, in one house style (DESIGN §7).

Every function returns a :class:`matplotlib.figure.Figure` (made without pyplot, so no
global state leaks between calls), takes ``lang="vi"`` or ``"en"`` for every label, title
and number (default ``None``: the current language, Vietnamese unless
:func:`emusim.i18n.using_lang` says otherwise; the texts are the messages of
``emusim/i18n/messages/charts.yaml``), draws Vietnamese text in DejaVu Sans, and ends with
a source note (``source=``; default: the plan and "tính toán bằng emusim"). Inputs are plain DataFrames
and emusim objects; each docstring lists the columns it reads. Save with
:func:`emusim.charts.save` (PNG/PDF, atomic).

=====================================  ====================================================
``ranking(award_table, scheme, st)``   bars of totals by award tier, cut-offs, failed gates
``decomposition(st, scheme, aw)``      stacked points by group + bonus − deductions
                                       (standards: grid of standards met)
``gate_pass_rates(st, scheme)``        share of units passing each gate / standard
``waterfall(st_a, st_b, unit, …)``     why a unit's score changes between two schemes
``trajectories(panel, ind, units)``    monthly trajectories vs (uplifted) targets, forecast bands
``sweep(sweep_df)``                    who wins at each value of one parameter
``tornado(tornado_df)``                which parameters move the result most
``rank_intervals(mc_df)``              median rank with 5–95 % intervals
``award_probability(mc_df)``           heatmap of award probabilities
``slopegraph(compare_df)``             ranks under two schemes
``overlap({label: ids})``              overlap of award sets
``award_map(award_table, registry)``   communes on lat/lon coloured by award
``equity(award_table)``                award share vs unit share by urban class
``grouping(study)``                    awards per former district under each nomination grouping
``calibration(report)``                simulated province means vs the calibration anchors
``calibration_residuals(report)``      residual and hold-out error of every fitted anchor
``audit_shares(audit)``                nominal share of points vs share of the variance of totals
``gaming_cheapest(gaming)``            points per unit of effort; self-declared claims marked
``alternatives_chart(alts)``           award changes under structural alternatives
=====================================  ====================================================
"""
from . import style
from .calibration import calibration, calibration_residuals
from .audit import alternatives_chart, audit_shares, gaming_cheapest
from .compare import overlap, slopegraph
from .equity import equity, equity_table
from .grouping import grouping
from .maps import award_map
from .ranking import decomposition, gate_pass_rates, ranking
from .sensitivity import sweep, tornado
from .style import missing_glyphs, save, source_note
from .trajectory import trajectories
from .uncertainty import award_probability, rank_intervals
from .waterfall import waterfall

CHARTS = ("ranking", "decomposition", "gate_pass_rates", "waterfall", "trajectories", "sweep", "tornado",
          "rank_intervals", "award_probability", "slopegraph", "overlap", "award_map", "equity",
          "calibration", "calibration_residuals", "audit_shares", "gaming_cheapest", "alternatives_chart")

__all__ = ["style", "save", "source_note", "missing_glyphs", "equity_table", *CHARTS]
