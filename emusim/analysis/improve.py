"""The smallest indicator changes that would win a unit an award (DESIGN §6).

Method
------
1. **Cut-off.** Score and allocate as usual. Then allocate again with the unit taken out of
   the competition (made ineligible) to see what it must beat:

   * its parent's last nominee, when the parent already fills its nomination slots without
     it (the unit would displace that nominee);
   * the last nominee inside the award quota — the *Q*-th best of the remaining nominees,
     *Q* being the sum of the quotas of the tiers up to ``target_tier`` (all tiers when
     ``target_tier`` is None). A tier without a quota ("theo thẩm quyền") means no cut-off.

   The tie-break chain is respected conservatively: the unit must be *strictly* above the
   reference, by a margin (1e-6 first): ``total ≥ reference total + margin`` for points
   schemes; for standards schemes more standards met, or as many with a mean margin above
   the reference's by the margin.

2. **Mixed-integer program** (``scipy.optimize.milp``, HiGHS) over the unit's own row. One
   variable per indicator the scheme reads (``x``), split into increase and decrease parts
   for the cost, one variable per criterion's points (``p``) and 0/1 switches where a
   row is a step. The score is piecewise linear and, for every rule but the steps, concave,
   so ``p`` is bounded above by each linear piece:

   * ``proportional`` (attainment): ``p ≤ max·x/target``, ``p ≤ max`` — linear up to the
     (uplifted) target, then flat; basis ``rate``: ``p ≤ max·x``, ``p ≤ max``; basis
     ``threshold``: ``p ≤ max·z``, with ``z = 1`` only when ``x op target`` holds;
   * ``binary``: ``p ≤ points·z``, ``z = 1`` only when ``x ≥ 0.5``; booleans are integer 0/1;
   * ``per_unit``: ``p ≤ unit·x``, ``p ≤ max``, counts integer;
   * ``bonus``: ``p ≤ Σ points·count``, ``p ≤ cap``; ``deduction``: ``p ≤ Σ points·count``
     (negative points; counts integer, can fall to 0);
   * hard gates ``x op target`` become bounds on ``x`` (soft gates only flag);
   * standards schemes: every standard (or ``min_met`` of them, with switches) holds, and the
     ranking margin is the exact linear mean of ``x − target``.

   Bounds — what is feasible: a ratio stays in [0, 1]; cumulative indicators (catalog
   ``cumulative: true``) cannot fall; counts are whole numbers ≥ 0; deduction counts can only
   fall, to 0 at best. Bonus rows are **frozen by default**: commendations, replications
   and arising-task points are granted by others, not a unit's own lever (allow one with
   ``feasible={indicator: (low, high)}``). ``feasible`` may also freeze an indicator
   (``{indicator: None}``) or narrow its bounds.

   Cost = Σ weight × |change|. Default weights (:data:`DEFAULT_COSTS`) per catalog unit:
   ``ratio`` 1 per percentage point, ``bool`` 5 per switch, ``count`` 2 per count,
   ``points`` 1 per point. Override per unit type or per indicator with ``costs=`` (ratio
   weights are given per percentage point).

3. **Verification.** The solution is written into a copy of the values table and
   re-scored and re-allocated with the real engine. If the unit does not get the award
   (a tie or float noise at a bound), the margin is raised ten-fold and the program solved
   again (up to 5 times); if it still fails the result says so (``status="unverified"``).
   If the program has no solution the result says why (``status="infeasible"``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..allocate import allocate, nomination_slots
from ..engine import score
from ..errors import InputError, Problem
from ..i18n import Message, check_lang, t
from .bounds import op_bound as _op_bound
from .improve_text import (_describe_change, _join, _level_word, _ordinal, _parent_name, _Reason, _TierName, _tier,
                           _why_infeasible)
from .labels import SchemeTitle, scheme_title
from ..model import Scheme

__all__ = ["min_improvement", "Improvement", "DEFAULT_COSTS"]

#: Default cost weights per catalog unit (ratio: per percentage point).
DEFAULT_COSTS = {"ratio": 1.0, "bool": 5.0, "count": 2.0, "points": 1.0}
_MARGINS = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2)
_BIG = 1e6


# --------------------------------------------------------------------------- result
@dataclass
class Improvement:
    """What ``min_improvement`` found for one unit."""

    unit: str
    name: str
    scheme: str
    target_tier: str | None
    status: str  # ok | already | infeasible | unverified
    changes: pd.DataFrame
    cost: float
    total_before: float
    total_after: float | None
    rank_before: int
    rank_after: int | None
    award_before: str | None
    award_after: str | None
    requirement: dict = field(default_factory=dict)
    #: why (a :class:`~emusim.i18n.Message`): verified, or why no change would do
    note: Any = None
    sentence_en: str = ""
    sentence_vi: str = ""
    new_values: pd.Series | None = None
    attempts: int = 0
    #: the scheme as people read it, per language
    titles: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "already")

    @property
    def message(self) -> str:
        """Why, in the current language (see :meth:`message_in`)."""
        return self.message_in()

    def message_in(self, lang: str | None = None) -> str:
        return self.note.text(lang) if isinstance(self.note, Message) else str(self.note or "")

    def sentence(self, lang: str | None = None) -> str:
        """What the unit needs, in ``lang`` (default: the current language)."""
        return self.sentence_vi if check_lang(lang) == "vi" else self.sentence_en

    def labelled(self, lang: str | None = None) -> pd.DataFrame:
        """The ``changes`` table for people: headers, labels and units in ``lang``."""
        lang = check_lang(lang)
        out = self.changes.copy()
        if "label_vi" in out:
            out["label"] = out["label_vi" if lang == "vi" else "label"]
            out = out.drop(columns=["label_vi"])
        if lang == "vi":  # the label says it; the id is for code
            out = out.drop(columns=["indicator"], errors="ignore")
        out["unit"] = out["unit"].map(lambda u: t(f"improve.unit_{u}", lang) if u in DEFAULT_COSTS else u)
        return out.rename(columns={c: t(f"improve.col_{c}", lang) for c in out.columns})

    def __repr__(self) -> str:
        return f"<Improvement {self.unit} {self.status} cost={self.cost:.3g}: {self.sentence()}>"

    def _repr_html_(self) -> str:
        table = self.labelled().to_html(index=False, float_format=lambda x: f"{x:.4g}") if len(self.changes) else ""
        head = t("improve.html_head", name=self.name or self.unit, scheme=self.titles.get(check_lang(None), self.scheme),
                 status=t(f"improve.status_{self.status}"), cost=self.cost)
        return f"<div><p><b>{escape(head)}</b></p><p>{escape(self.sentence())}</p>{table}</div>"


# --------------------------------------------------------------------------- MILP builder
class _Program:
    def __init__(self):
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.cost: list[float] = []
        self.integer: list[int] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, lb=0.0, ub=np.inf, cost=0.0, integer=False) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.cost.append(cost)
        self.integer.append(1 if integer else 0)
        return len(self.lb) - 1

    def row(self, coeffs: dict[int, float], lb=-np.inf, ub=np.inf) -> None:
        self.rows.append((coeffs, lb, ub))

    def solve(self):
        from scipy.optimize import Bounds, LinearConstraint, milp

        n = len(self.lb)
        constraints = []
        if self.rows:
            A = np.zeros((len(self.rows), n))
            lo = np.empty(len(self.rows))
            hi = np.empty(len(self.rows))
            for k, (coeffs, l, u) in enumerate(self.rows):
                for j, a in coeffs.items():
                    A[k, j] += a
                lo[k], hi[k] = l, u
            constraints.append(LinearConstraint(A, lo, hi))
        lb, ub = np.array(self.lb, float), np.array(self.ub, float)
        if np.any(lb > ub + 1e-12):
            return None
        res = milp(np.array(self.cost, float), constraints=constraints, integrality=np.array(self.integer),
                   bounds=Bounds(lb, np.maximum(ub, lb)), options={"mip_rel_gap": 1e-9, "presolve": True})
        return res.x if res.status == 0 and res.x is not None else None


# --------------------------------------------------------------------------- helpers
def _unit_of(indicator: str, scheme: Scheme, catalog) -> str:
    if catalog is not None and indicator in catalog:
        return catalog[indicator].unit
    for c in scheme.criteria:
        if indicator in c.indicators:
            if c.rule == "binary":
                return "bool"
            if c.rule in ("per_unit", "bonus", "deduction"):
                return "count"
    return "ratio"


def _cumulative(indicator: str, catalog) -> bool:
    return bool(catalog is not None and indicator in catalog and catalog[indicator].cumulative)


def _label(indicator: str, catalog, lang: str) -> str:
    if catalog is None or indicator not in catalog:
        return indicator
    return catalog.label(indicator, lang)


def _switch(prog: _Program, x: int, op: str, target: float, tol: float, eps: float, integer: bool,
            x_lb: float, x_ub: float) -> int:
    """A 0/1 variable z with z = 1 ⇒ (x op target)."""
    z = prog.var(0, 1, integer=True)
    lo, hi = _op_bound(op, target, tol, eps, integer)
    if np.isfinite(lo):  # x ≥ lo·z + x_lb·(1 − z)  ⇔  x − (lo − x_lb)·z ≥ x_lb
        base = x_lb if np.isfinite(x_lb) else -_BIG
        prog.row({x: 1.0, z: -(lo - base)}, lb=base)
    if np.isfinite(hi):  # x ≤ hi·z + x_ub·(1 − z)
        top = x_ub if np.isfinite(x_ub) else _BIG
        prog.row({x: 1.0, z: (top - hi)}, ub=top)
    return z


def _bonus_indicators(scheme: Scheme) -> set[str]:
    out = set()
    for c in scheme.criteria:
        if c.rule == "bonus":
            out.update(c.indicators)
    others = {i for c in scheme.criteria if c.rule != "bonus" for i in c.indicators} | {g.indicator for g in scheme.gates}
    return out - others


# --------------------------------------------------------------------------- the cut-off
def _requirement(scheme: Scheme, st: pd.DataFrame, aw: pd.DataFrame, unit: str, registry, tiers: list) -> dict:
    """What the unit must beat: reference unit ids (best one decides) or ``impossible``."""
    st_o = st.copy()
    st_o.loc[unit, "eligible"] = False
    aw_o = allocate(st_o, scheme, registry)
    refs: list[tuple[str, str]] = []
    displaced = None
    nominees = aw_o[aw_o["nominated"]]
    nom = scheme.awards.nomination
    parent = aw.at[unit, "parent_id"]
    if nom is not None and nom.group != "province":  # "province": no nomination step
        from ..clusters import nomination_grouping

        parents = aw["parent_id"].to_numpy(dtype=object)
        sizes = nomination_grouping(nom, aw.index, registry, scheme.unit_level, st).sizes  # clusters, former districts too
        slots = int(nomination_slots(nom, parents, registry, scheme.unit_level, sizes=sizes)[aw.index.get_loc(unit)])
        if slots <= 0:
            return {"impossible": Message("improve.parent_none", parent=_parent_name(registry, parent)), "refs": []}
        mine = nominees[nominees["parent_id"].astype(object) == parent].sort_values("rank")
        if len(mine) >= slots:
            displaced = mine.index[slots - 1]
            refs.append(("parent", displaced))
    pool = nominees.drop(index=[displaced]) if displaced is not None else nominees
    pool = pool.sort_values("rank")
    quotas = [t.quota for t in tiers]
    if any(q is None for q in quotas):
        q_total = None
    else:
        q_total = int(sum(quotas))
    if q_total is not None:
        if q_total <= 0:
            return {"impossible": Message("improve.quota_zero"), "refs": []}
        if len(pool) >= q_total:
            refs.append(("award", pool.index[q_total - 1]))
    return {"refs": refs, "quota": q_total, "parent": parent, "displaced": displaced}


# --------------------------------------------------------------------------- the program
def _build(scheme: Scheme, st_row: pd.Series, cur: dict[str, float], bounds: dict[str, tuple[float, float]],
           units: dict[str, str], weights: dict[str, float], ref: pd.Series | None, margin: float,
           mode: str = "beat") -> tuple[_Program, dict[str, int]]:
    """The program for one unit; ``mode`` 'beat' (points, or standards on margin) or 'more' (standards: n_met+1)."""
    prog = _Program()
    tol = scheme.tolerance
    eps = margin
    xs: dict[str, int] = {}
    for ind, value in cur.items():
        lo, hi = bounds[ind]
        integer = units[ind] in ("bool", "count")
        x = prog.var(lo, hi, integer=integer and lo != hi)
        w = weights[ind]
        dp = prog.var(0, np.inf, cost=w)
        dm = prog.var(0, np.inf, cost=w)
        prog.row({x: 1.0, dp: -1.0, dm: 1.0}, lb=value, ub=value)
        xs[ind] = x

    def is_int(ind):
        return units[ind] in ("bool", "count")

    # hard gates → bounds
    for g in scheme.gates:
        if g.mode != "hard":
            continue
        x = xs[g.indicator]
        t = float(st_row[f"gate_target.{g.id}"])
        lo, hi = _op_bound(g.op, t, tol, eps, is_int(g.indicator))
        prog.lb[x] = max(prog.lb[x], lo)
        prog.ub[x] = min(prog.ub[x], hi)

    if scheme.kind == "points":
        ps = []
        for c in scheme.criteria:
            if c.rule == "proportional":
                x = xs[c.indicator]
                p = prog.var(0, c.max)
                t = float(st_row[f"target.{c.id}"])
                basis = scheme.effective_basis(c)
                if basis == "attainment":
                    if t > 0:
                        prog.row({p: 1.0, x: -c.max / t}, ub=0.0)
                elif basis == "rate":
                    prog.row({p: 1.0, x: -c.max}, ub=0.0)
                else:  # threshold
                    z = _switch(prog, x, c.op, t, tol, eps, is_int(c.indicator), prog.lb[x], prog.ub[x])
                    prog.row({p: 1.0, z: -c.max}, ub=0.0)
            elif c.rule == "binary":
                x = xs[c.indicator]
                pts = c.points if c.points is not None else c.max
                p = prog.var(0, max(pts, 0.0))
                z = _switch(prog, x, ">=", 0.5, 0.0, 0.0, False, prog.lb[x], prog.ub[x])
                prog.row({p: 1.0, z: -pts}, ub=0.0)
            elif c.rule == "per_unit":
                x = xs[c.indicator]
                p = prog.var(0, c.max if c.max is not None else np.inf)
                prog.row({p: 1.0, x: -c.unit}, ub=0.0)
            elif c.rule in ("bonus", "deduction"):
                if c.events:
                    terms = [(e.indicator, e.points) for e in c.events]
                else:
                    sign = 1.0 if c.rule == "bonus" else -1.0
                    terms = [(c.indicator, sign * (1.0 if c.unit is None else c.unit))]
                cap = c.max if c.rule == "bonus" and c.max is not None else np.inf
                p = prog.var(0 if c.rule == "bonus" else -np.inf, cap)
                row = {p: 1.0}
                for ind, pts in terms:
                    row[xs[ind]] = row.get(xs[ind], 0.0) - pts
                prog.row(row, ub=0.0)
            else:  # pragma: no cover
                continue
            ps.append(p)
        if ref is not None:
            prog.row({p: 1.0 for p in ps}, lb=float(ref["total"]) + margin)
    else:  # standards
        n = len(scheme.criteria)
        need = n if scheme.min_met is None else scheme.min_met
        zs = []
        margin_row: dict[int, float] = {}
        const = 0.0
        for c in scheme.criteria:
            x = xs[c.indicator]
            t = float(st_row[f"target.{c.id}"])
            if scheme.min_met is None:
                lo, hi = _op_bound(c.op, t, tol, eps, is_int(c.indicator))
                prog.lb[x] = max(prog.lb[x], lo)
                prog.ub[x] = min(prog.ub[x], hi)
            else:
                zs.append(_switch(prog, x, c.op, t, tol, eps, is_int(c.indicator), prog.lb[x], prog.ub[x]))
            sign = 1.0 if c.op in (">", ">=", "==") else -1.0
            margin_row[x] = margin_row.get(x, 0.0) + sign / n
            const += -sign * t / n
        if zs:
            prog.row({z: 1.0 for z in zs}, lb=need)
        if ref is not None:
            ref_n = int(ref["n_met"])
            if mode == "more":  # more standards met than the reference (min_met schemes only)
                prog.row({z: 1.0 for z in zs}, lb=ref_n + 1)
            else:  # as many standards met, and a larger mean margin
                if zs:
                    prog.row({z: 1.0 for z in zs}, lb=ref_n)
                prog.row(margin_row, lb=float(ref["margin"]) + margin - const)
    return prog, xs


# --------------------------------------------------------------------------- main
def min_improvement(scheme: Scheme, values: pd.DataFrame, unit: str, registry: pd.DataFrame | None = None,
                    target_tier: str | None = None, feasible: Mapping[str, Any] | None = None,
                    costs: Mapping[str, float] | None = None, catalog=None) -> Improvement:
    """The cheapest indicator changes that would give ``unit`` an award (see module docstring).

    Parameters
    ----------
    unit : the locality id (must be scored by ``scheme``).
    target_tier : the tier to reach (or better); None = any allocated tier.
    feasible : ``{indicator: (low, high)}`` to set bounds (``None`` inside the pair keeps the
        default side), ``{indicator: None}`` (or False) to freeze an indicator.
    costs : weights overriding :data:`DEFAULT_COSTS`, keyed by unit type (``ratio``,
        ``bool``, ``count``, ``points``) or by indicator id; ratio weights are per
        percentage point.

    Returns
    -------
    :class:`Improvement` with ``changes`` (indicator, label, unit, from, to, delta, cost),
    the totals, ranks and awards before and after **re-scoring with the real engine**,
    and sentences in English and Vietnamese (``sentence_en``, ``sentence_vi``).
    """
    if scheme.kind not in ("points", "standards"):
        raise InputError([Problem(Message("improve.not_award_scheme", scheme=SchemeTitle(scheme),
                                          kind=Message(f"analysis.kind_{scheme.kind}")))])
    if catalog is None:
        from ..catalog import load_catalog

        catalog = load_catalog()
    unit = str(unit)
    values = values.set_axis(values.index.astype(str))
    st = score(scheme, values, registry)
    if unit not in st.index:
        raise InputError([Problem(Message("improve.unknown_unit", unit=unit, scheme=SchemeTitle(scheme),
                                          level=_level_word(scheme.unit_level)), path=unit)])
    aw = allocate(st, scheme, registry)
    tiers_all = list(scheme.awards.allocated_tiers)
    if not tiers_all:
        raise InputError([Problem(Message("improve.no_tier", scheme=SchemeTitle(scheme)), path=unit)])
    tier_ids = [t.id for t in tiers_all]
    if target_tier is not None and target_tier not in tier_ids:
        raise InputError([Problem(Message("improve.unknown_tier", tier=target_tier, tiers=", ".join(
            f"'{tr.id}' ({tr.label})" if tr.label else f"'{tr.id}'" for tr in tiers_all)), path=str(target_tier))])
    tiers = tiers_all[: tier_ids.index(target_tier) + 1] if target_tier else tiers_all
    acceptable = {t.id for t in tiers}
    name = str(st.at[unit, "name"]) if "name" in st else unit
    row = st.loc[unit]
    award_before = aw.at[unit, "award"]
    award_before = None if award_before is None or (isinstance(award_before, float) and np.isnan(award_before)) else award_before
    rank_before = int(aw.at[unit, "rank"])
    total_before = float(row["total"])
    empty = pd.DataFrame(columns=["indicator", "label", "unit", "from", "to", "delta", "cost"])
    tier_obj = {t.id: t for t in tiers_all}
    base = dict(unit=unit, name=name, scheme=scheme.name, target_tier=target_tier, total_before=total_before,
                rank_before=rank_before, award_before=award_before,
                titles={lg: scheme_title(scheme, lg) for lg in ("vi", "en")})
    if award_before in acceptable:
        tr = tier_obj[award_before]
        return Improvement(**base, status="already", changes=empty, cost=0.0, total_after=total_before,
                           rank_after=rank_before, award_after=award_before,
                           note=Message("improve.already_short", name=name, tier=_TierName(tr)),
                           sentence_en=t("improve.already", "en", name=name, tier=_tier(tr, "en"), rank=rank_before),
                           sentence_vi=t("improve.already", "vi", name=name, tier=_tier(tr, "vi"), rank=rank_before))

    # current values, bounds, units, weights
    indicators = list(scheme.indicators)
    vrow = values.loc[unit]
    cur = {i: float(np.nan_to_num(pd.to_numeric(vrow.get(i, np.nan), errors="coerce"), nan=0.0)) for i in indicators}
    units = {i: _unit_of(i, scheme, catalog) for i in indicators}
    frozen_default = _bonus_indicators(scheme)
    deduction_inds = {i for c in scheme.criteria if c.rule == "deduction" for i in c.indicators}
    feasible = dict(feasible or {})
    problems = [Problem(Message("improve.feasible_unread", indicator=k, scheme=SchemeTitle(scheme)), path=k)
                for k in feasible if k not in cur]
    weights: dict[str, float] = {}
    costs = dict(costs or {})
    for k in costs:
        if k not in cur and k not in DEFAULT_COSTS:
            problems.append(Problem(Message("improve.costs_unknown", name=k, scheme=SchemeTitle(scheme),
                                            units=", ".join(DEFAULT_COSTS)), path=k))
    if problems:
        raise InputError(problems)
    bounds: dict[str, tuple[float, float]] = {}
    for i in indicators:
        u, v = units[i], cur[i]
        lo = min(v, v if _cumulative(i, catalog) else 0.0)
        hi = {"ratio": max(1.0, v), "bool": max(1.0, v)}.get(u, np.inf)
        if i in deduction_inds:
            lo, hi = min(0.0, v), v  # deduction counts can only fall, to 0 at best
        if i in feasible:
            f = feasible[i]
            if f is None or f is False:
                lo = hi = v
            else:
                try:
                    flo, fhi = f
                except (TypeError, ValueError):
                    raise InputError([Problem(Message("improve.feasible_pair", indicator=i, value=repr(f)),
                                             path=i)]) from None
                lo = lo if flo is None else float(flo)
                hi = hi if fhi is None else float(fhi)
                if lo > hi:
                    raise InputError([Problem(Message("improve.feasible_order", low=lo, high=hi, indicator=i), path=i)])
        elif i in frozen_default:
            lo = hi = v
        bounds[i] = (lo, hi)
        w = costs.get(i, costs.get(u, DEFAULT_COSTS.get(u, 1.0)))
        weights[i] = float(w) * (100.0 if u == "ratio" else 1.0)

    req = _requirement(scheme, st, aw, unit, registry, tiers)
    ref_ids = [r[1] for r in req.get("refs", [])]
    ref = None
    if ref_ids:
        ranks = aw.loc[ref_ids, "rank"]
        ref = st.loc[ranks.idxmin()]
    requirement = {"references": {kind: rid for kind, rid in req.get("refs", [])},
                   "reference": None if ref is None else ref.name, "quota": req.get("quota"),
                   "displaced": req.get("displaced")}
    if ref is not None:
        requirement["reference_total"] = float(ref["total"])

    def fail(status, note, attempts=0):
        tr = tier_obj[tiers[-1].id]

        def sentence(lg):
            award = t("improve.an_award", lg) if target_tier is None else t("improve.a_tier", lg, tier=_tier(tr, lg))
            return t("improve.infeasible", lg, name=name, award=award, why=note.text(lg))

        return Improvement(**base, status=status, changes=empty, cost=float("nan"), total_after=None,
                           rank_after=None, award_after=None, requirement=requirement, note=note,
                           sentence_en=sentence("en"), sentence_vi=sentence("vi"), attempts=attempts)

    if "impossible" in req:
        return fail("infeasible", req["impossible"])

    attempts = 0
    last = Message("improve.no_solution")
    for margin in _MARGINS:
        attempts += 1
        modes = ["beat", "more"] if scheme.kind == "standards" and ref is not None and scheme.min_met is not None \
            else ["beat"]
        best = None
        for mode in modes:
            prog, xs = _build(scheme, row, cur, bounds, units, weights, ref, margin, mode)
            x = prog.solve()
            if x is None:
                continue
            c = float(np.dot(prog.cost, x))
            if best is None or c < best[0] - 1e-12:
                best = (c, x, xs)
        if best is None:
            frozen = {i for i in frozen_default if i not in feasible}
            last = _why_infeasible(scheme, row, cur, bounds, units, ref, margin, frozen)
            break
        _, sol, xs = best
        new = {}
        for ind, j in xs.items():
            v = float(sol[j])
            if units[ind] in ("bool", "count"):
                v = float(np.round(v))
            if units[ind] in ("ratio", "bool"):
                v = float(np.clip(v, bounds[ind][0], max(bounds[ind][1], bounds[ind][0])))
            if abs(v - cur[ind]) < 1e-12:
                v = cur[ind]
            new[ind] = v
        changed = {i: v for i, v in new.items() if v != cur[i]}
        values2 = values.copy()
        for i, v in changed.items():
            if values2[i].dtype.kind in "iub":
                values2[i] = values2[i].astype(float)
            values2.at[unit, i] = v
        st2 = score(scheme, values2, registry)
        aw2 = allocate(st2, scheme, registry)
        award_after = aw2.at[unit, "award"]
        award_after = None if award_after is None or (isinstance(award_after, float) and np.isnan(award_after)) else award_after
        if award_after in acceptable:
            rows = []
            for i, v in changed.items():
                d = v - cur[i]
                rows.append({"indicator": i, "label": _label(i, catalog, "en"), "label_vi": _label(i, catalog, "vi"),
                             "label_en": _label(i, catalog, "en"), "unit": units[i], "from": cur[i], "to": v,
                             "delta": d, "cost": abs(d) * weights[i]})
            table = pd.DataFrame(rows, columns=["indicator", "label", "label_vi", "label_en", "unit", "from", "to",
                                                "delta", "cost"])
            table = table.sort_values("cost", ascending=False, kind="mergesort").reset_index(drop=True)
            cost = float(table["cost"].sum()) if len(table) else 0.0
            rank_after = int(aw2.at[unit, "rank"])
            tr = tier_obj[award_after]
            recs = table.to_dict("records")
            said = {}
            for lg in ("en", "vi"):
                what = _join([_describe_change(r, lg) for r in recs], lg) or t("improve.no_change", lg)
                said[lg] = t("improve.lift" if rank_after != rank_before else "improve.keep", lg,
                             what=what[:1].upper() + what[1:], name=name, tier=_tier(tr, lg),
                             before=_ordinal(rank_before) if lg == "en" else rank_before,
                             after=_ordinal(rank_after) if lg == "en" else rank_after)
            requirement["margin"] = margin
            out_row = values2.loc[unit, indicators]
            return Improvement(**base, status="ok", changes=table.drop(columns=["label_en"]), cost=cost, total_after=float(st2.at[unit, "total"]), rank_after=rank_after,
                award_after=award_after, requirement=requirement, note=Message("improve.verified"),
                sentence_en=said["en"], sentence_vi=said["vi"], new_values=out_row, attempts=attempts)
        last = Message("improve.not_verified", reason=_Reason(aw2.at[unit, "reason_code"],
                                                              aw2.at[unit, "reason_params"], scheme),
                       margin=f"{margin:g}")
    status = "unverified" if last.key == "improve.not_verified" else "infeasible"
    return fail(status, last, attempts)
