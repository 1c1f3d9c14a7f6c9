"""Scheme design: find the rules that meet the province's stated goals (issue 16).

Every peer stops at "what if". The emulation board's question is the inverse: *which
targets, uplifts, group maxima and quotas give an award list spread over the districts, fair
between wards and rural communes, robust to ±2 pp of measurement error, and as close as
possible to the plan we already published?* ::

    result = design(scheme, values, registry,
                    free={"uplift.city": [0.0, 0.30], "awards.chairman.quota": [3, 8],
                          "proportional_basis": ["attainment", "rate"]},
                    goals=[{"metric": "groups_awarded", "at_least": 9},
                           {"metric": "robustness", "at_least": 0.8, "noise_sd": 0.02},
                           {"metric": "distance", "minimize": True}],
                    budget=20_000, seed=1)
    result.table        # the Pareto set: one reform per row, its adjust dict and every metric
    result.proposal     # the reform closest to the plan that meets every bound

How
---
* The optimiser is pymoo's NSGA-II for mixed variables (``MixedVariableGA`` with rank-and-
  crowding survival): real ranges on a step grid, integers, and discrete choices (basis,
  gate modes, nomination group) are first-class. Bounds are constraints; every goal's metric
  is also an objective in its natural direction, and ``distance`` from the plan is always one
  ("as close as possible to the plan we already published"), so the Pareto set shows what a
  wider margin on a goal costs in changes to the plan.
* Each generation is evaluated in one call of the batch engine
  (:class:`~emusim.analysis.batch.BatchModel`), ``K + 1`` replications per candidate: the
  candidate as is, and under ``K`` measurement-noise draws shared by every candidate (common
  random numbers, so candidates are compared on the same errors, and the study is
  deterministic for a seed). The search uses ``noise_draws`` (8); the reforms returned, and
  the plan itself, are measured again with ``final_draws`` (64) fresh draws, and whether a
  reform meets the goals is decided on that second measurement. Chunks of candidates may run through any
  ``concurrent.futures.Executor`` (a dask ``Client`` included) with identical results.
* Noise goes on the scheme's ratio indicators except those tested at an effective 100 % target
  ("hoàn thành 100 %" items are completion events, reported exactly: noise there would measure
  an artefact, not the scheme) — :func:`emusim.analysis.noise.default_noise_factors`, the rule
  the brief's Monte Carlo uses.
* Every reform returned is verified with the plain engine (``scheme.adjust`` → ``score`` →
  ``allocate``): the award list must equal the batch engine's, else an error is raised.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..i18n import Message, check_lang, t
from .batch import BatchModel
from .factors import Factor
from .goals import HIGHER_IS_BETTER, FreeParameter, Goal, free_from_dict, goals_from_dict

__all__ = ["design", "DesignResult", "noise_indicators", "goal_column"]

MAX_BUDGET = 1_000_000
MAX_NOISE_DRAWS = 256


def noise_indicators(scheme, values: pd.DataFrame, registry=None, catalog=None) -> list[str]:
    """Ratio indicators measurement noise may go on: the brief's and Monte Carlo's rule
    (:func:`emusim.analysis.noise.default_noise_factors`, without the yes/no flips)."""
    from .noise import default_noise_factors

    return [f.split(".", 1)[1] for f in default_noise_factors(scheme, values, flip=0, registry=registry, catalog=catalog)]


@dataclass
class _Study:
    """What every chunk of candidates shares (pickled once per chunk for an executor)."""

    model: BatchModel
    free: list[FreeParameter]
    goals: list[Goal]
    base: dict
    noise: dict                       # indicator → (K, n) noisy values
    k: int
    groups: dict                      # goal.by → (n,) int codes of the grouping
    urban: np.ndarray
    unit_weight: dict                 # goal.against → (n,) weights

    def metrics(self, candidates: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
        """Every metric of each candidate (arrays of len(candidates))."""
        p, k1, n = len(candidates), self.k + 1, self.model.n
        params = {f.path: np.repeat(np.asarray([c[f.path] for c in candidates], dtype=object), k1) for f in self.free}
        for f in self.free:
            if f.kind != "choice":
                params[f.path] = params[f.path].astype(float)
        noise = {}
        for ind, draws in self.noise.items():
            stack = np.concatenate([self.model.raw[ind][None, :], draws], axis=0)      # (K+1, n)
            noise[ind] = np.tile(stack, (p, 1))
        res = self.model.evaluate(params, noise, m=p * k1, full=True)
        award = (res.award >= 0).reshape(p, k1, n)
        nominal = award[:, 0, :]
        n_awards = nominal.sum(axis=1)
        out: dict[str, np.ndarray] = {"awards": n_awards.astype(float)}
        out["not_eligible"] = (~res.eligible.reshape(p, k1, n)[:, 0, :]).sum(axis=1).astype(float)
        if self.k:
            hit = (award[:, 1:, :] & nominal[:, None, :]).sum(axis=2)
            with np.errstate(invalid="ignore", divide="ignore"):
                overlap = np.where(n_awards[:, None] > 0, hit / np.maximum(n_awards[:, None], 1), 1.0)
            out["robustness"] = overlap.mean(axis=1)
        for by, codes in self.groups.items():
            reached = np.zeros(p)
            for r in range(p):
                reached[r] = len(np.unique(codes[nominal[r] & (codes >= 0)]))
            out[f"groups_awarded:{by}"] = reached
        for against, w in self.unit_weight.items():
            share_units = float(w[self.urban].sum() / w.sum()) if w.sum() else 0.0
            with np.errstate(invalid="ignore", divide="ignore"):
                share_awards = np.where(n_awards > 0, (nominal & self.urban).sum(axis=1) / np.maximum(n_awards, 1), share_units)
            out[f"urban_gap:{against}"] = np.abs(share_awards - share_units)
        dist = np.zeros(p)
        changed = np.zeros(p)
        for f in self.free:
            x0 = self.base[f.path]
            for r, c in enumerate(candidates):
                if f.kind == "choice":
                    d = float(c[f.path] != x0)
                else:
                    d = abs(float(c[f.path]) - float(x0 if x0 is not None else c[f.path])) / f.span()
                dist[r] += d
                changed[r] += float(d > 1e-12)
        out["distance"] = dist
        out["n_changed"] = changed
        return out

    def value(self, goal: Goal, m: dict) -> np.ndarray:
        if goal.metric == "groups_awarded":
            return m[f"groups_awarded:{goal.by}"]
        if goal.metric == "urban_gap":
            return m[f"urban_gap:{goal.against}"]
        return m[goal.metric]


def _metrics_chunk(study: _Study, candidates: list) -> dict:
    return study.metrics(candidates)


@dataclass
class DesignResult:
    """The Pareto set of reforms (``table``), the plan's own metrics and the proposal."""

    table: pd.DataFrame
    plan: dict
    goals: list[Goal]
    free: list[FreeParameter]
    n_evaluated: int
    seed: int
    warnings: list = field(default_factory=list)
    #: every distinct candidate evaluated during the search, with its metrics (search draws)
    evaluated: pd.DataFrame | None = None

    @property
    def reforms(self) -> list[dict]:
        return [dict(r) for r in self.table["adjust"]]

    @property
    def feasible(self) -> pd.DataFrame:
        return self.table[self.table["meets_goals"]]

    @property
    def proposal(self) -> dict | None:
        """The adjust dict of the reform closest to the plan that meets every bound (None if none does)."""
        ok = self.feasible
        if ok.empty:
            return None
        return dict(ok.sort_values(["distance", "n_changed"]).iloc[0]["adjust"])

    def summary(self, lang: str | None = None) -> str:
        lang = check_lang(lang)
        best = self.proposal
        if best is None:
            return t("design.summary_none", lang, n=self.n_evaluated, pareto=len(self.table))
        from ..i18n.paths import describe_setting

        changes = "; ".join(describe_setting(p, v, lang=lang) for p, v in best.items()) or t("design.no_change", lang)
        return t("design.summary", lang, n=self.n_evaluated, pareto=len(self.table), feasible=len(self.feasible), changes=changes)

    def _repr_html_(self) -> str:
        return f"<p><b>{self.summary()}</b></p>" + self.table.drop(columns=["adjust"]).to_html(na_rep="—")

    def __repr__(self) -> str:
        return f"<DesignResult {len(self.table)} reforms on the Pareto front of {self.n_evaluated} candidates>"


def _groupings(goals: list[Goal], model: BatchModel, registry) -> dict:
    from ..registry import ancestor_ids

    out = {}
    for g in goals:
        if g.metric != "groups_awarded" or g.by in out:
            continue
        if g.by == "parent":
            parents = model.parent
            if all(p is None for p in parents):  # no nomination step: the unit's own parent
                if "parent_id" in model.info:
                    parents = model.info["parent_id"].to_numpy(dtype=object)
                elif registry is not None and "parent_id" in registry:
                    parents = registry["parent_id"].reindex(model.ids).to_numpy(dtype=object)
            missing = np.asarray([p is None or (isinstance(p, float) and math.isnan(p)) or p == "" for p in parents])
            codes = pd.factorize(pd.Series(parents, dtype=object))[0]
            codes[missing] = -1
        elif registry is not None and g.by in registry.columns:
            labels = registry[g.by].reindex(model.ids).to_numpy(dtype=object)
            codes = pd.factorize(pd.Series(labels, dtype=object))[0]
        elif registry is not None and "level" in registry and g.by in set(registry["level"]):
            labels = ancestor_ids(registry, model.ids, g.by)
            codes = pd.factorize(pd.Series(labels, dtype=object))[0]
        else:
            options = ["parent"] + ([] if registry is None else sorted(set(registry["level"]) | set(registry.columns)))
            raise InputError([Problem(Message("design.unknown_grouping", by=g.by, options=", ".join(options)))])
        out[g.by] = codes
    return out


def _weights(goals: list[Goal], model: BatchModel, registry) -> dict:
    out = {}
    for g in goals:
        if g.metric != "urban_gap" or g.against in out:
            continue
        if g.against == "population":
            if registry is None or "population" not in registry:
                raise InputError([Problem(Message("design.no_population"))])
            w = pd.to_numeric(registry["population"].reindex(model.ids), errors="coerce").fillna(0).to_numpy(float)
        else:
            w = np.ones(model.n)
        out[g.against] = w
    return out


def _verify(scheme, values, registry, reform: dict, batch_award: np.ndarray, model: BatchModel) -> None:
    from ..allocate import allocate
    from ..engine import score

    adjusted = scheme.adjust(reform) if reform else scheme
    aw = allocate(score(adjusted, values, registry), adjusted, registry)
    plain = aw["award"].reindex(model.index).notna().to_numpy()
    if not np.array_equal(plain, batch_award):
        raise RuntimeError(f"design: the batch engine and the plain engine disagree on reform {reform}")


def design(scheme, values: pd.DataFrame, registry: pd.DataFrame | None = None, *, free: Mapping[str, Any],
           goals: Sequence[Mapping[str, Any]] | Mapping[str, Any], budget: int = 20_000, pop_size: int = 200,
           seed: int = 0, noise_draws: int = 8, final_draws: int = 64, executor=None, chunks: int | None = None, catalog=None,
           file: str | None = None) -> DesignResult:
    """Search the reforms of ``free`` for those that meet ``goals`` (see the module docstring)."""
    from pymoo.algorithms.moo.nsga2 import RankAndCrowding
    from pymoo.core.mixed import MixedVariableGA
    from pymoo.core.problem import Problem as MooProblem
    from pymoo.core.variable import Choice, Integer, Real
    from pymoo.optimize import minimize

    problems = []
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or not 1 <= budget <= MAX_BUDGET:
        problems.append(Problem(Message("design.bad_budget", value=repr(budget), max=MAX_BUDGET)))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        problems.append(Problem(Message("design.bad_seed", value=repr(seed))))
    if not isinstance(noise_draws, (int, np.integer)) or not 0 <= noise_draws <= MAX_NOISE_DRAWS:
        problems.append(Problem(Message("design.bad_draws", value=repr(noise_draws), max=MAX_NOISE_DRAWS)))
    if problems:
        raise InputError(problems)
    current = scheme.parameters()
    free_params = free_from_dict(free, current, file=file)
    goal_list = goals_from_dict(goals, file=file)
    # validate every value the study may try before evaluating any (ParamTools' rule)
    trial_problems = []
    for f in free_params:
        for v in (f.choices if f.kind == "choice" else (f.low, f.high)):
            try:
                scheme.adjust({f.path: v})
            except InputError as exc:
                trial_problems.extend(exc.problems)
    if trial_problems:
        raise InputError(trial_problems)
    model = BatchModel(scheme, values, registry)
    base = {f.path: current[f.path] for f in free_params}
    robust = [g for g in goal_list if g.metric == "robustness"]
    k = noise_draws if robust else 0
    noise = {}
    if k:
        sd = robust[0].noise_sd
        rng = np.random.default_rng(np.random.SeedSequence([seed, 16]))
        for ind in noise_indicators(scheme, values, registry, catalog):
            noise[ind] = Factor(f"noise.{ind}", "normal", sd=sd).perturb(model.raw[ind], rng, k, "ratio")
    urban = np.array([str(c) != "rural" for c in model.urban])
    study = _Study(model, free_params, goal_list, base, noise, k, _groupings(goal_list, model, registry), urban,
                   _weights(goal_list, model, registry))
    # directions are objectives; a bounded metric is a constraint and also an objective in its
    # natural direction (more robust, more districts, smaller gap), so the front shows the
    # trade-off between meeting the goals by a wider margin and staying close to the plan
    objectives = [g for g in goal_list if not g.is_constraint]
    for g in goal_list:
        if g.is_constraint and not any(o.metric == g.metric and o.by == g.by and o.against == g.against for o in objectives):
            objectives.append(Goal(g.metric, "maximize" if g.metric in HIGHER_IS_BETTER else "minimize",
                                   by=g.by, against=g.against, noise_sd=g.noise_sd))
    if not any(g.metric == "distance" for g in objectives):
        objectives.append(Goal("distance", "minimize"))
    constraints = [g for g in goal_list if g.is_constraint]
    archive: list[tuple[dict, dict]] = []

    def evaluate(candidates: list[dict]) -> dict:
        if executor is None or len(candidates) < 2:
            return study.metrics(candidates)
        width = chunks or 4
        parts = np.array_split(np.arange(len(candidates)), min(width, len(candidates)))
        futures = [executor.submit(_metrics_chunk, study, [candidates[i] for i in idx]) for idx in parts if len(idx)]
        results = [f.result() for f in futures]
        return {key: np.concatenate([r[key] for r in results]) for key in results[0]}

    def snap(x: Mapping[str, Any]) -> dict:
        return {f.path: f.snap(x[f.path]) for f in free_params}

    class _Problem(MooProblem):
        def __init__(self):
            variables = {}
            for f in free_params:
                if f.kind == "real":
                    variables[f.path] = Real(bounds=(f.low, f.high))
                elif f.kind == "integer":
                    variables[f.path] = Integer(bounds=(int(f.low), int(f.high)))
                else:
                    variables[f.path] = Choice(options=list(f.choices))
            super().__init__(vars=variables, n_obj=len(objectives), n_ieq_constr=len(constraints))

        def _evaluate(self, X, out, *args, **kwargs):
            cands = [snap(x) for x in X]
            m = evaluate(cands)
            for r, c in enumerate(cands):
                archive.append((c, {key: float(v[r]) for key, v in m.items()}))
            out["F"] = np.column_stack([g.objective(study.value(g, m)) for g in objectives])
            if constraints:
                out["G"] = np.column_stack([g.violation(study.value(g, m)) for g in constraints])

    # the plan as written is a candidate too (distance 0): if it meets every goal, it is the proposal
    plan_m = study.metrics([dict(base)])
    archive.append((dict(base), {key: float(v[0]) for key, v in plan_m.items()}))
    algorithm = MixedVariableGA(pop_size=min(pop_size, budget), survival=RankAndCrowding())
    minimize(_Problem(), algorithm, ("n_evals", budget), seed=int(seed), verbose=False)

    table, evaluated = _pareto_table(archive, study, objectives, constraints, base)
    # the front and the plan itself, measured again with more noise draws (the search used k)
    if k and final_draws > k:
        rng = np.random.default_rng(np.random.SeedSequence([seed, 64]))
        study.noise = {ind: Factor(f"noise.{ind}", "normal", sd=robust[0].noise_sd).perturb(model.raw[ind], rng, final_draws, "ratio")
                       for ind in study.noise}
        study.k = final_draws
    cands = [{**base, **dict(zip([f.path for f in free_params], [row[f.path] for f in free_params]))}
             for _, row in table.iterrows()]
    final = study.metrics(cands + [dict(base)])
    plan_metrics = {key: float(v[-1]) for key, v in final.items()}
    for g in goal_list:
        table[goal_column(g)] = study.value(g, final)[:-1]
    for key in ("distance", "n_changed", "awards", "not_eligible"):
        table[key] = final[key][:-1]
    if constraints:
        ok = np.column_stack([study.value(g, final)[:-1] for g in constraints])
        table["meets_goals"] = np.all([g.violation(ok[:, j]) <= 1e-12 for j, g in enumerate(constraints)], axis=0)
    table = table.loc[:, ~table.columns.duplicated()]
    table = table.sort_values(["meets_goals", "distance"], ascending=[False, True]).reset_index(drop=True)
    for reform in table["adjust"]:
        nominal = study.model.evaluate({p: [v] for p, v in reform.items()}, m=1).award[0] >= 0 if reform else \
            study.model.evaluate(m=1).award[0] >= 0
        _verify(scheme, values, registry, reform, nominal, model)
    table["verified"] = True
    warnings = []
    if not table["meets_goals"].any():
        warnings.append(Message("design.no_feasible"))
    plan_metrics.update({goal_column(g): float(study.value(g, {k: np.array([v]) for k, v in plan_metrics.items()})[0])
                         for g in goal_list})
    return DesignResult(table, plan_metrics, goal_list, free_params, len(archive) - 1, int(seed), warnings, evaluated)


def _pareto_table(archive, study: _Study, objectives, constraints, base) -> pd.DataFrame:
    """Non-dominated reforms among every distinct candidate evaluated (feasible ones, when any)."""
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    seen: dict = {}
    for cand, m in archive:
        key = tuple((p, v if isinstance(v, str) else float(v)) for p, v in sorted(cand.items()))
        seen.setdefault(key, (cand, m))
    cands = [c for c, _ in seen.values()]
    metrics = {k: np.array([m[k] for _, m in seen.values()]) for k in archive[0][1]}
    F = np.column_stack([g.objective(study.value(g, metrics)) for g in objectives])
    V = (np.column_stack([np.maximum(0.0, g.violation(study.value(g, metrics))) for g in constraints])
         if constraints else np.zeros((len(cands), 0)))
    feasible = (V <= 1e-12).all(axis=1)
    pool = np.flatnonzero(feasible) if feasible.any() else np.argsort(V.sum(axis=1), kind="stable")[:20]
    front = pool[NonDominatedSorting().do(F[pool], only_non_dominated_front=True)]
    rows = []
    for i in front:
        reform = {p: v for p, v in cands[i].items() if (v != base[p] if isinstance(v, str) or base[p] is None
                                                       else abs(float(v) - float(base[p])) > 1e-12)}
        row = {"adjust": reform, "meets_goals": bool(feasible[i])}
        row.update({p: cands[i][p] for p in sorted(cands[i])})
        rows.append(row)
    evaluated = pd.DataFrame({goal_column(g): study.value(g, metrics) for g in study.goals})
    for key in ("distance", "n_changed", "awards"):
        evaluated[key] = metrics[key]
    evaluated["meets_goals"] = feasible
    return pd.DataFrame(rows), evaluated.loc[:, ~evaluated.columns.duplicated()]


def goal_column(g: Goal) -> str:
    """The result-table column of a goal's metric (``groups_awarded:cluster`` for a non-default grouping)."""
    if g.metric == "groups_awarded" and g.by != "parent":
        return f"groups_awarded:{g.by}"
    if g.metric == "urban_gap" and g.against != "units":
        return f"urban_gap:{g.against}"
    return g.metric


def proposal_report(scheme, values: pd.DataFrame, registry, spec: Mapping[str, Any], *, lang: str | None = None,
                    budget: int | None = None) -> dict:
    """What the brief's "phương án đề xuất" section shows, from a goals file's content ``spec``.

    Returns ``result`` (:class:`DesignResult`), ``proposal`` (adjust dict or None), ``diff``
    (:class:`emusim.diff.AwardDiff` against the plan as written, or None), ``sentences``
    (the section's text in ``lang``) and ``set_line`` (the ``--set`` options).
    """
    from ..allocate import allocate
    from ..diff import diff
    from ..engine import score

    lang = check_lang(lang)
    result = design(scheme, values, registry, free=spec.get("free") or {}, goals=spec.get("goals") or [],
                    budget=budget or spec.get("budget", 20_000), pop_size=spec.get("pop_size", 200),
                    seed=spec.get("seed", 0), noise_draws=spec.get("noise_draws", 8))
    best = result.proposal
    sentences = [result.summary(lang)]
    changes = None
    if best:
        base = allocate(score(scheme, values, registry), scheme, registry)
        option = scheme.adjust(best)
        changes = diff(base, allocate(score(option, values, registry), option, registry), scheme=scheme, lang=lang)
        sentences.append(changes.summary(lang))
    goals_text = []
    for g in result.goals:
        if g.bound is None:
            continue
        col = goal_column(g)
        goals_text.append(t("design.brief_goal", lang, goal=t(f"design.metric_{g.metric}", lang),
                            plan=_fmt_metric(col, result.plan.get(col), lang),
                            bound=_fmt_metric(col, g.bound, lang) if g.bound is not None else "—"))
    sentences.append(t("design.brief_goals", lang, goals="; ".join(goals_text)))
    return {"result": result, "proposal": best, "diff": changes, "sentences": sentences,
            "set_line": " ".join(f"--set {p}={v}" for p, v in (best or {}).items())}


def _fmt_metric(column: str, value, lang: str) -> str:
    from ..i18n import fmt_number, fmt_percent

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if column.startswith(("robustness", "urban_gap")):
        return fmt_percent(value, lang)
    return fmt_number(value, lang, 2)
