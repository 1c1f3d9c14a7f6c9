"""The brief's optional sections: the proposed reform (``--goals``), the grouping study of a
merged province, and the calibration annex (how far to trust the simulated data).

Each adds its chart through the brief's ``add`` and its sentences to the headlines, in both
languages; a section that cannot be made says why in the brief's notes instead.
"""
from __future__ import annotations

from typing import Any, Mapping


def extra_sections(add, headlines: dict, facts: dict, notes: list, *, plan, scheme, values, registry, seed,
                   lang: str, source: str, goals: Mapping | None, goals_budget: int | None,
                   calibration: bool, grouping: Mapping | None) -> None:
    from .. import charts
    from ..i18n import t

    if goals:  # issue 16: "phương án đề xuất" — the reform closest to the plan that meets the goals
        from ..analysis.design import proposal_report
        from ..charts.design import design_tradeoff

        reports = {lg: None for lg in ("vi", "en")}
        report = proposal_report(scheme, values, registry, goals, lang="vi", budget=goals_budget)
        reports["vi"] = report["sentences"]
        reports["en"] = _sentences_en(report)
        for lg in ("vi", "en"):
            headlines[lg] = list(headlines[lg]) + [t("brief.proposal_heading", lg) + " " + " ".join(reports[lg])]
        facts["proposal"] = {"adjust": report["proposal"], "set": report["set_line"],
                             "n_evaluated": report["result"].n_evaluated}
        add("17_proposal", lambda: design_tradeoff(report["result"], scheme=scheme, lang=lang, source=source))
    if grouping is not None:  # issue 12: who wins under each nomination grouping of the merged province
        from ..analysis.grouping import grouping_study

        study = grouping_study(plan=plan, level=scheme.level, values=values, lang=lang, **dict(grouping))
        facts["grouping"] = study.summary.reset_index().to_dict(orient="records")
        add("18_grouping", lambda: charts.grouping(study, lang=lang, source=source))
    if calibration and seed is not None:  # issue 19: each anchor vs the simulated province mean
        from ..sim.report import calibration_report

        cal = calibration_report(seed)
        for lg in ("vi", "en"):
            headlines[lg] = list(headlines[lg]) + [cal.summary(lg)]
        add("19_calibration", lambda: charts.calibration(cal, lang=lang, source=source))
        add("20_calibration_residuals", lambda: charts.calibration_residuals(cal, lang=lang, source=source))
    elif calibration:
        from .sections import left_out

        notes.append(left_out("calibration_not_simulated"))


def _sentences_en(report: Mapping[str, Any]) -> list[str]:
    result, d = report["result"], report["diff"]
    out = [result.summary("en")]
    if d is not None:
        out.append(d.summary("en"))
    return out
