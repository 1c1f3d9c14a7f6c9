"""A briefing folder for provincial leaders: charts, the annex-style award list, a summary.

``make_brief(plan, scheme, values, registry, out)`` writes into ``out``:

==============================  ===========================================================
``summary.md``                  one document in ``lang``, then one in the other language, generated
                                from the numbers (eligibility, gates that fail most, awards
                                and their spread by urban class, a what-if, forecast, Monte
                                Carlo stability), the assumptions made, the file list
``summary.json``                the same numbers as data (for notebooks and tests)
``danh_sach_khen_thuong.xlsx``  the award list in the layout of the plan's annex: STT, đơn
                                vị, points per item (headed by the plan's item numbers) with
                                group subtotals, total, rank, award, reason; sheet 2: the
                                criteria, gates, uplift and award tiers with their sources —
                                all in ``lang`` (headers, tier labels, yes/no, months, and the
                                reasons rendered from the engine's ``reason_code``)
``NN_<chart>.png`` / ``.pdf``   the charts (:mod:`emusim.charts`), in ``lang``
==============================  ===========================================================

The folder is built next to ``out`` under a temporary name (each file written atomically)
and moved into place at the end; an existing non-empty ``out`` is refused unless
``force=True``, and then replaced as a whole. A folder that contains one of the inputs is
never replaced.

**What-if.** With ``--set`` (``changes=``) and no ``--whatif``, the option *is* the
adjusted scheme: the brief compares it with the plan as written (who gains and who loses an
award, by :func:`emusim.diff`), nothing added on top. Otherwise the brief tries one reform
with ``scheme.adjust``: ``--whatif PATH=VALUE`` (``whatif=``; tried on top of the scheme as
given, adjusted or not — the summary says which), or by default, where the scheme has
urban uplift, the city's uplift raised by 5 percentage points (Hà Giang: +15 % → +20 %);
otherwise the target of the standard (or mandatory target) that the fewest units meet
lowered by 5 points.

**Uncertainty.** Monte Carlo (:func:`emusim.analysis.montecarlo`) under
:func:`emusim.analysis.default_noise_factors`: measurement noise of 2 percentage points
(sd) on every ratio indicator and 2 % misreported yes/no answers, except the indicators
tested at a 100 % target ("hoàn thành 100 %": completion events, reported exactly; noise
there would only knock out the units at 100 %). ``mc_n`` replications (default 200), seeded.

**Scheme checks.** :func:`emusim.analysis.audit` (what drives the ranking),
:func:`emusim.analysis.gaming_risk` (the cheapest points, the winners resting on
self-declared claims) and :func:`emusim.analysis.alternatives` (structural alternatives),
charts ``14_audit``, ``15_gaming``, ``16_alternatives`` and a section each in the summary.

**What it did.** Every section left out (no history for a trajectory, no indicator that can
carry noise, ``--mc 0`` …) is listed at the end of the summary with the reason.

Modules, one per stage: :mod:`.folder` (the output folder: ``check_out_dir``,
publishing through :mod:`emusim.io`), :mod:`.xlsx` (the annex-style workbook), :mod:`.whatif`,
:mod:`.uncertainty` (tornado, Monte Carlo), :mod:`.sections` (audit, gaming, alternatives;
sections left out), :mod:`.text` and :mod:`.summary` (words and ``summary.md``),
:mod:`.make` (the orchestrator, :func:`make_brief`).
"""
from __future__ import annotations

from .folder import check_out_dir
from .make import Brief, make_brief
from .text import describe_change
from .uncertainty import FLIP_P, NOISE_SD
from .whatif import default_whatif
from .xlsx import XLSX_NAME, write_award_xlsx

__all__ = ["Brief", "FLIP_P", "NOISE_SD", "XLSX_NAME", "check_out_dir", "default_whatif", "describe_change",
           "make_brief", "write_award_xlsx"]
