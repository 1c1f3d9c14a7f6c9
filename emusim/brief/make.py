"""The orchestrator: numbers, sections, charts, files (see :mod:`emusim.brief`)."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..allocate import allocate
from ..charts import style
from ..engine import score
from ..errors import InputError, Problem
from ..diff import diff
from ..i18n import Message, check_lang, t
from ..io import atomic_write
from .folder import check_out_dir, discard, new_folder, publish
from .sections import left_out, scheme_checks
from .annex import extra_sections
from .summary import _headlines, _summary_md, _text
from .text import _json_default, _short_whatif
from .uncertainty import NOISE_SD, _run_montecarlo, _run_tornado, _tornado_ranges
from .whatif import default_whatif
from .xlsx import XLSX_NAME, write_award_xlsx


@dataclass
class Brief:
    """What :func:`make_brief` wrote and found."""

    out: Path
    files: list[str]
    headlines: dict[str, list[str]]
    facts: dict[str, Any]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<Brief {self.out} ({len(self.files)} files)>"


# ----------------------------------------------------------------------------- the brief
def make_brief(plan, scheme, values: pd.DataFrame, registry: pd.DataFrame, out, *, panel=None, period=None,
               seed: int | None = None, data_label: str | None = None, lang: str | None = None, force: bool = False,
               whatif: Mapping | None = None, changes: Mapping | None = None, assumptions: list[str] | None = None,
               mc_n: int = 200, formats=("png", "pdf"), protect=(), charts_wanted=None, assumed: Mapping | None = None,
               alternatives_extra: Mapping | None = None, checks: bool = True, goals: Mapping | None = None,
               goals_budget: int | None = None, calibration: bool = False, grouping: Mapping | None = None) -> Brief:
    """Write a briefing folder for ``scheme`` scored on ``values`` (see the module docstring).

    ``plan``: the :class:`~emusim.model.Plan` (document name, province). ``panel``: the
    history, for the trajectory chart and forecast (optional). ``seed``: the simulation
    seed, for the source notes (``data_label`` describes real data instead).

    ``changes``: the adjustments already applied to ``scheme`` (``--set``). They are the
    *option*: without ``whatif`` the what-if section compares the plan as written
    (``plan.scheme(level)``) with ``scheme``, nothing added on top. ``whatif``: a further
    reform to try against ``scheme`` as adjusted. ``assumed``: adjustments applied to
    ``scheme`` that are assumptions of the baseline rather than an option (the demo's quota
    where the plan sets none) — reported, not compared. ``assumptions``: sentences added to
    the summary. ``alternatives_extra``: ``{name: adjust dict}`` added to the structural
    alternatives (e.g. plan readings). ``checks=False`` skips the audit, gaming and
    alternatives sections. Every section left out is listed in the summary with the reason.
    """
    from .. import charts

    t0 = time.perf_counter()
    lang = check_lang(lang)   # None: the current language (Vietnamese unless set)
    out = check_out_dir(out, force, protect)
    if scheme.kind == "tasks":
        raise InputError([Problem(Message("brief.tasks_scheme", scheme=style.nfc(scheme.label or scheme.name)))])
    period = str(period) if period is not None else None
    st = score(scheme, values, registry)
    aw = allocate(st, scheme, registry)
    if "urban_class" not in aw:
        aw["urban_class"] = "rural"
    changes = dict(changes or {})
    left: list[dict] = []
    # the what-if: reference (A) and option (B). With --set and no --whatif, A is the plan as
    # written and B the adjusted scheme; otherwise A is the scheme given and B = A + whatif.
    as_written = None
    if changes and whatif is None and plan is not None and scheme.level in getattr(plan, "schemes", {}):
        as_written = plan.scheme(scheme.level)
        if assumed:
            as_written = as_written.adjust(dict(assumed))
    if as_written is not None:
        ref_scheme, ref_st = as_written, score(as_written, values, registry)
        ref_aw = allocate(ref_st, as_written, registry)
        if "urban_class" not in ref_aw:
            ref_aw["urban_class"] = "rural"
        whatif = dict(changes)
        s2, st2, aw2 = scheme, st, aw
    else:
        ref_scheme, ref_st, ref_aw = scheme, st, aw
        whatif = dict(whatif) if whatif is not None else default_whatif(scheme, st)
        s2 = scheme.adjust(whatif) if whatif else scheme
        st2 = score(s2, values, registry)
        aw2 = allocate(st2, s2, registry)
        if not whatif:
            left.append(left_out("left_out_whatif"))
    reference = "plan" if as_written is not None or not changes else "adjusted"
    names = aw["name"].to_dict() if "name" in aw else {i: i for i in aw.index}
    tiers = [t.id for t in scheme.awards.allocated_tiers]
    facts: dict[str, Any] = {"plan": plan.id if plan is not None else None, "level": scheme.level, "scheme": scheme.name,
                             "period": period, "seed": seed, "data": data_label, "changes": changes,
                             "assumed": dict(assumed or {}), "whatif": whatif, "whatif_reference": reference}

    notes: list[dict] = []   # {"key", "values"} items (sections.left_out), rendered per language
    # ---------------------------------------------------------------- numbers
    n_units = len(st)
    n_elig = int(st["eligible"].sum())
    facts.update(units=n_units, eligible=n_elig, nominated=int(aw["nominated"].sum()))
    awards_given = {t: int((aw["award"] == t).sum()) for t in tiers}
    facts["awards"] = awards_given
    facts["quotas"] = {t.id: t.quota for t in scheme.awards.allocated_tiers}
    gate_fail = []
    for g in scheme.gates:
        if f"gate.{g.id}" in st and g.mode == "hard":
            gate_fail.append((int((~st[f"gate.{g.id}"].astype(bool)).sum()), g))
    for c in scheme.criteria:
        if f"met.{c.id}" in st:
            gate_fail.append((int((~st[f"met.{c.id}"].astype(bool)).sum()), c))
    gate_fail.sort(key=lambda x: -x[0])
    facts["failures"] = {obj.id: k for k, obj in gate_fail}
    # units that fail exactly one gate/standard and would otherwise rank among the award winners
    fail_cols = [f"gate.{g.id}" for g in scheme.gates if g.mode == "hard" and f"gate.{g.id}" in st] + \
                [f"met.{c.id}" for c in scheme.criteria if f"met.{c.id}" in st]
    n_failed = (~st[fail_cols].astype(bool)).sum(axis=1) if fail_cols else pd.Series(0, index=st.index)
    won = aw["award"].map(lambda a: isinstance(a, str))
    top_won = aw["award"] == (tiers[0] if tiers else None)
    lowest_top = float(aw.loc[top_won, "total"].min()) if top_won.any() else np.inf
    if scheme.kind == "standards":
        near = aw.loc[st.index[n_failed == 1]].sort_values("rank").index
    else:
        near = aw.loc[st.index[(n_failed == 1) & (st["total"] >= lowest_top)]].sort_values("rank").index
    facts["near_misses"] = [str(i) for i in near]
    facts["lowest_top_tier_total"] = None if not np.isfinite(lowest_top) else lowest_top
    by_class = aw.groupby("urban_class")["award"].apply(lambda s: int(s.map(lambda a: isinstance(a, str)).sum()))
    units_class = aw.groupby("urban_class").size()
    facts["awards_by_class"] = {k: int(v) for k, v in by_class.items()}
    facts["units_by_class"] = {k: int(v) for k, v in units_class.items()}
    # what-if changes: who gains, loses or changes tier, by es.diff (one mechanism)
    ref_won = ref_aw["award"].map(lambda a: isinstance(a, str))
    a0 = ref_aw["award"].where(ref_won, None)
    won2 = aw2["award"].map(lambda a: isinstance(a, str))
    a1 = aw2["award"].where(won2, None)
    wd = diff(ref_aw, aw2, scheme=ref_scheme)
    gained, lost = wd.gains, wd.losses
    moved = wd.ids("up") + wd.ids("down")
    facts["whatif_gained"], facts["whatif_lost"], facts["whatif_tier_changed"] = gained, lost, moved
    facts["whatif_counts"] = dict(wd.counts)
    top_tier = tiers[0] if tiers else None
    if top_tier:
        c0 = ref_aw.loc[ref_aw["award"] == top_tier, "urban_class"].value_counts()
        c1 = aw2.loc[aw2["award"] == top_tier, "urban_class"].value_counts()
        facts["whatif_top_tier_by_class"] = {"before": {k: int(v) for k, v in c0.items()},
                                             "after": {k: int(v) for k, v in c1.items()}}
    rank_change = (aw2["rank"] - ref_aw["rank"])
    changed_award = set(gained) | set(lost) | set(moved)
    if changed_award:
        mover = max(changed_award, key=lambda i: (abs(rank_change[i]), -ref_aw.at[i, "rank"]))
    elif (rank_change != 0).any():
        mover = rank_change.abs().idxmax()
    else:
        mover = (st2["total"] - ref_st["total"]).abs().idxmax()
    facts["biggest_mover"] = {"id": str(mover), "name": names.get(mover, mover), "rank_before": int(ref_aw.at[mover, "rank"]),
                              "rank_after": int(aw2.at[mover, "rank"]), "total_before": float(ref_st.at[mover, "total"]),
                              "total_after": float(st2.at[mover, "total"])}

    # ---------------------------------------------------------------- analyses
    path = next(iter(whatif)) if whatif else None
    sw = None
    cur = ref_scheme.parameters().get(path) if path is not None else None
    option_value = whatif.get(path) if path is not None else None
    if path is not None and not (isinstance(cur, (int, float)) and not isinstance(cur, bool)
                                 and (path.startswith("uplift.") or path.endswith(".target"))):
        left.append(left_out("left_out_sweep", path=path))
    elif path is not None:
        if path.startswith("uplift."):
            grid = sorted(set(np.round(np.arange(0, 0.301, 0.05), 4).tolist() + [round(float(cur or 0), 4)]))
        else:
            base = float(cur if cur is not None else 1.0)
            grid = sorted(set(round(min(1.0, max(0.0, base + d)), 4) for d in (-0.15, -0.1, -0.05, 0.0, 0.05)))
        if isinstance(option_value, (int, float)) and not isinstance(option_value, bool):
            grid = sorted(set(grid) | {round(float(option_value), 4)})
        from ..analysis import sweep

        sw = sweep(ref_scheme, values, path, grid, registry=registry)
        facts["sweep"] = {"path": path, "grid": grid,
                          "awards": {str(v): int(sw[(sw["value"] == v)]["award"].map(lambda a: isinstance(a, str)).sum()) for v in grid}}
    tor = _run_tornado(scheme, values, registry, _tornado_ranges(scheme, st))
    if tor is not None and len(tor):
        tor = tor.assign(_s=np.maximum(tor["effect_low"].abs(), tor["effect_high"].abs())).sort_values("_s", ascending=False)
        facts["tornado_top"] = {"parameter": str(tor.iloc[0]["parameter"]), "effect_low": int(tor.iloc[0]["effect_low"]),
                                "effect_high": int(tor.iloc[0]["effect_high"])}
        tor = tor.drop(columns="_s")
    else:
        left.append(left_out("left_out_tornado"))
    mc = None
    if not mc_n:
        left.append(left_out("left_out_mc_off"))
    else:
        try:
            mc, noise = _run_montecarlo(scheme, values, registry, mc_n, seed if seed is not None else 0)
            if mc is None:
                left.append(left_out("left_out_mc_no_noise", items=", ".join(noise.excluded) or "—"))
            elif noise.excluded:
                facts["montecarlo_excluded"] = sorted(noise.excluded)
        except Exception as exc:  # noqa: BLE001 - the brief goes on without the uncertainty charts, and says so
            left.append(left_out("left_out_failed", section=Message("brief.section_montecarlo"), error=f"{type(exc).__name__}: {exc}"))
    if mc is not None:
        pu = mc.per_unit.rename(columns={"nominal_award": "award"})
        winners = pu[pu["award"].map(lambda a: isinstance(a, str))]
        stable = int((winners["p_any"] >= 0.8).sum())
        facts["montecarlo"] = {"n": mc.n, "winners": len(winners), "stable_winners": stable,
                               "mean_overlap": float(np.nanmean(mc.overlap)) if len(mc.overlap) else None,
                               "contenders": int(((pu["p_any"] >= 0.2) & ~pu["award"].map(lambda a: isinstance(a, str))).sum())}
    fc = None
    traj_units: list[str] = []
    traj_ind = None
    if panel is None or period is None:
        left.append(left_out("left_out_trajectory_no_history"))
    elif len(panel.periods) < 4:
        left.append(left_out("left_out_trajectory_short", months=len(panel.periods)))
    if panel is not None and period is not None and len(panel.periods) >= 4:
        cand = [(k, obj) for k, obj in gate_fail if k > 0 and getattr(obj, "indicator", None) in panel.indicators]
        cat = getattr(panel, "catalog", None)
        cand = [(k, o) for k, o in cand if cat is None or o.indicator not in cat or cat[o.indicator].unit == "ratio"]
        if cand:
            _, obj = cand[0]
            traj_ind = obj.indicator
            p_now = pd.Period(period, freq="M")
            deadline = min(p_now + 6, panel.periods[-1])
            if deadline > p_now and p_now in panel.periods:
                uplift = {c: scheme.uplift_value(c) for c in scheme.uplift} if getattr(obj, "uplift", False) else None
                units = list(st.index.astype(str))
                try:
                    from ..forecast import forecast

                    fc = forecast(
                        panel, traj_ind, obj.target, str(deadline), as_of=period, uplift=uplift,
                        registry=registry, localities=units, seed=seed or 0)
                except Exception as exc:  # noqa: BLE001
                    notes.append(left_out("note_forecast_failed", error=f"{type(exc).__name__}: {exc}"))
                    fc = None
                col = f"gate.{obj.id}" if f"gate.{obj.id}" in st else f"met.{obj.id}"
                failing = st.index[~st[col].astype(bool)]
                if fc is not None:
                    f_fail = fc.reindex(failing).dropna(subset=["p_reach"])
                    facts["forecast"] = {"indicator": traj_ind, "item": obj.id, "deadline": str(deadline),
                                         "failing": int(len(f_fail)), "likely": int((f_fail["p_reach"] >= 0.5).sum())}
                # three units: the best-ranked failing unit, a winner, and a mid-table failing unit
                ranked_fail = aw.loc[failing].sort_values("rank").index.tolist()
                winners_ids = aw.index[won].tolist()
                pick = ranked_fail[:1] + winners_ids[:1] + ranked_fail[len(ranked_fail) // 2: len(ranked_fail) // 2 + 1]
                traj_units = list(dict.fromkeys(pick))
                facts["trajectory_units"] = traj_units
                facts["trajectory_target"] = obj.target
                facts["trajectory_uplift"] = uplift
        if not traj_units:
            left.append(left_out("left_out_trajectory_no_target"))
    if registry is None or not {"lat", "lon"} <= set(registry.columns):
        left.append(left_out("left_out_map"))
    checked = scheme_checks(scheme, values, registry, st, extra=alternatives_extra) if checks else None
    if checked is not None:
        facts.update(checked["facts"])
        left += checked["left_out"]
    else:
        left.append(left_out("left_out_checks_off"))
    facts["left_out"] = left

    # ---------------------------------------------------------------- headlines
    headlines = {lg: _headlines(lg, scheme, plan, facts, gate_fail, names, tiers, whatif, aw, aw2, changes,
                                ref_scheme=ref_scheme) for lg in ("vi", "en")}

    # ---------------------------------------------------------------- write
    tmp = new_folder(out)
    files: list[str] = []
    try:
        L = lang
        source = style.source_note(plan=plan, scheme=scheme, seed=seed, period=period, data=data_label, lang=L)
        label_a = t("brief.label_as_written" if reference == "plan" else "brief.label_as_adjusted", L)
        label_b = t("brief.option_label", L) + (f" ({_short_whatif(whatif, ref_scheme, L)})" if whatif else "")
        made: list[tuple[str, Any]] = []

        def add(name, fn):
            if charts_wanted is not None and name.split("_", 1)[1] not in charts_wanted:
                return
            try:
                made.append((name, fn()))
            except Exception as exc:  # noqa: BLE001 - one failed chart must not lose the brief
                notes.append(left_out("note_chart_failed", name=name, error=f"{type(exc).__name__}: {exc}"))

        add("01_ranking", lambda: charts.ranking(aw, scheme, st, lang=L, source=source))
        add("02_decomposition", lambda: charts.decomposition(st, scheme, aw, lang=L, source=source, values=values))
        add("03_gates", lambda: charts.gate_pass_rates(st, scheme, lang=L, source=source))
        if registry is not None and {"lat", "lon"} <= set(registry.columns):
            add("04_map", lambda: charts.award_map(aw, registry, scheme, lang=L, source=source))
        add("05_equity", lambda: charts.equity(aw, scheme=scheme, registry=registry, lang=L, source=source))
        if whatif:
            cdf = pd.DataFrame({"rank_a": ref_aw["rank"], "rank_b": aw2["rank"], "award_a": a0, "award_b": a1,
                                "name": aw["name"] if "name" in aw else aw.index})
            add("06_whatif_ranks", lambda: charts.slopegraph(cdf, labels=(label_a, label_b), scheme=scheme, lang=L, source=source,
                                                             title=t("brief.whatif_title", L)))
            add("07_whatif_overlap", lambda: charts.overlap({label_a: ref_aw.index[ref_won], label_b: aw2.index[won2]},
                                                            names=names, scheme=scheme, lang=L, source=source))
            add("08_whatif_waterfall", lambda: charts.waterfall(ref_st, st2, mover, ref_scheme, s2, names=(label_a, label_b),
                                                                award_a=ref_aw, award_b=aw2, lang=L, source=source))
        if sw is not None:
            add("09_sweep", lambda: charts.sweep(sw, parameter=path, scheme=ref_scheme, baseline=cur,
                                                 lang=L, source=source))
        if tor is not None and len(tor):
            add("10_tornado", lambda: charts.tornado(tor, scheme=scheme, metric=t("brief.tornado_metric", L), lang=L, source=source))
        if mc is not None:
            extra = t("brief.mc_noise_note", L, sd=int(NOISE_SD * 100))
            add("11_rank_intervals", lambda: charts.rank_intervals(pu, scheme=scheme, n_draws=mc.n, lang=L,
                                                                   source=source + "; " + extra))
            add("12_award_probability", lambda: charts.award_probability(pu, scheme=scheme, n_draws=mc.n, lang=L,
                                                                         source=source + "; " + extra))
        if traj_units:
            add("13_trajectory", lambda: charts.trajectories(panel, traj_ind, traj_units, target=facts["trajectory_target"],
                                                             uplift=facts["trajectory_uplift"], registry=registry, forecast=fc,
                                                             context=list(st.index.astype(str)), lang=L, source=source))
        if checked is not None:
            if checked["audit"] is not None and not checked["audit"].shares["variance_share"].isna().all():
                add("14_audit", lambda: charts.audit_shares(checked["audit"], scheme=scheme, lang=L, source=source))
            if checked["gaming"] is not None and len(checked["gaming"].cheapest):
                add("15_gaming", lambda: charts.gaming_cheapest(checked["gaming"], scheme=scheme, lang=L, source=source))
            if checked["alternatives"] is not None and len(checked["alternatives"].table):
                add("16_alternatives", lambda: charts.alternatives_chart(checked["alternatives"], scheme=scheme, lang=L,
                                                                         source=source))
        extra_sections(add, headlines, facts, notes, plan=plan, scheme=scheme, values=values, registry=registry,
                       seed=seed, lang=L, source=source, goals=goals, goals_budget=goals_budget,
                       calibration=calibration, grouping=grouping)
        for name, fig in made:
            for p in style.save(fig, tmp / name, formats):
                files.append(p.name)
        write_award_xlsx(tmp / XLSX_NAME, plan, scheme, st, aw, registry, period=period,
                         data_label=data_label or (t("brief_xlsx.data_simulated", lang, seed=str(seed)) if seed is not None else ""),
                         values=values, lang=lang, changes={**dict(assumed or {}), **changes})
        files.append(XLSX_NAME)
        facts["charts"] = [n for n, _ in made]
        facts["notes"] = notes
        summary = _summary_md(plan, scheme, facts, headlines, files, assumptions or [], period, seed, data_label, notes, lang=lang)
        atomic_write(tmp / "summary.md", lambda p: p.write_text(summary, encoding="utf-8"))
        files.append("summary.md")
        facts_json = json.dumps({**facts, "headlines": headlines, "assumptions": {lg: [_text(a, lg) for a in assumptions or []]
                                                                                    for lg in ("vi", "en")}}, ensure_ascii=False, indent=2, default=_json_default)
        atomic_write(tmp / "summary.json", lambda p: p.write_text(facts_json, encoding="utf-8"))
        files.append("summary.json")
        publish(tmp, out, force, protect)
    finally:
        discard(tmp)
    return Brief(out=out, files=sorted(files), headlines=headlines, facts=facts, seconds=time.perf_counter() - t0,
                 notes=[_text(n, lang) for n in notes])

