"""The batch engine: score and allocate R replications × n units at once (numpy only).

Monte Carlo and Sobol analyses evaluate the same scheme thousands of times with slightly
different inputs. Building a :class:`~emusim.model.Scheme` with ``adjust``, a score table
with :func:`emusim.engine.score` and an award table with :func:`emusim.allocate.allocate`
for each replication costs ~30 ms; this module does the same arithmetic on ``(R, n)``
arrays and gives **exactly** the same awards and ranks (a seeded test compares them on many
random adjusted schemes, ties and quotas of 0 or None included):

* every parameter an analyst varies is an array over replications, broadcast against the
  units: ``uplift.<class>`` (→ a per-unit uplift through the unit's urban class),
  ``criteria.<id>.target|max|points|unit|basis``, ``groups.<id>.max`` (a linear rescaling
  of the group's criteria: ``max × new/old`` exactly as ``adjust`` does it),
  ``gates.<id>.target|mode``, ``awards.<tier>.quota``, ``awards.nomination.*``,
  ``proportional_basis`` and ``min_met``. Quantities that do not vary stay ``(n,)`` and are
  computed once per call;
* the formulas are those of :mod:`emusim.rules` called on broadcast arrays, in the same
  order as the engine, in float64, so totals agree to the last bit and the tie-break chain
  (total, base, fewer deduction points, locality code, values rounded to 1e-9) orders the
  units identically;
* allocation uses no pandas: one ``lexsort`` per chunk along the unit axis gives the
  provincial order; nomination inside each parent is a stable sort by parent of the
  eligible units, a within-group position and the parent's slots (``per_parent`` +
  ``extra`` for parents with at least ``extra_min_children`` units); the groups are those of
  ``awards.nomination.group`` (:func:`emusim.clusters.nomination_grouping`, as in
  ``allocate``; the path is structural, so replications sharing a grouping run together); tiers are filled by
  cumulative position among nominees against cumulative quotas;
* paths that change the scheme's structure in ways not worth vectorising (an operator, an
  uplift flag, the tolerance) are grouped: replications sharing those values are evaluated
  together on ``scheme.adjust(those values)``.

>>> import emusim as es
>>> plan = es.load_plan("ha_giang_186_2023"); reg = es.load_registry("ha_giang_2023")
>>> scheme = plan.scheme("commune")
>>> values = es.simulate(reg, seed=1).at("2023-11")
>>> model = BatchModel(scheme, values, reg)
>>> out = model.evaluate({"uplift.city": [0.15, 0.30]}, m=2)   # +30 pp: one city unit fails a gate
>>> out.award.shape, (out.award >= 0).sum(axis=1).tolist()
((2, 193), [14, 13])
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import rules
from ..errors import InputError, Problem
from ..i18n import Message
from .labels import SchemeTitle
from ..model import Scheme

#: Fields evaluated as arrays over replications; other adjust paths are grouped.
_VECTOR_CRITERION = {"target", "max", "points", "unit", "basis"}
_VECTOR_GATE = {"target", "mode"}
_VECTOR_NOMINATION = {"per_parent", "extra_per_parent", "extra_min_children"}
_INERT_TIER = {"quota_individuals"}  # counted in lint, not simulated (DESIGN §3.5)


def path_is_vectorised(path: str) -> bool:
    """Whether ``path`` is evaluated as an array over replications (else: grouped).

    >>> path_is_vectorised("groups.II.max"), path_is_vectorised("criteria.A.II.1.op")
    (True, False)
    """
    if path in ("proportional_basis", "min_met") or path.startswith("uplift.") or path.startswith("groups."):
        return True
    field = path.rsplit(".", 1)[-1]
    if path.startswith("criteria."):
        return field in _VECTOR_CRITERION
    if path.startswith("gates."):
        return field in _VECTOR_GATE
    if path.startswith("awards.nomination."):
        return field in _VECTOR_NOMINATION
    if path.startswith("awards."):
        return field == "quota" or field in _INERT_TIER
    return False


def _col(a, m: int) -> np.ndarray:
    """A float column (m, 1); None becomes NaN."""
    arr = np.asarray(a, dtype=object if _has_none(a) else None)
    if arr.dtype == object:
        arr = np.array([np.nan if x is None else float(x) for x in arr], dtype=float)
    return np.broadcast_to(arr.astype(float).reshape(-1, 1), (m, 1))


def _has_none(a) -> bool:
    return isinstance(a, (list, tuple)) and any(x is None for x in a) or (
        isinstance(a, np.ndarray) and a.dtype == object and any(x is None for x in a))


@dataclass
class BatchResult:
    """What :meth:`BatchModel.evaluate` returns, each array of shape ``(m, n)``.

    ``award``: tier index in ``tiers`` (−1 = none); ``rank``: 1 = best in the province by
    the tie-break chain (as ``allocate``'s ``rank``); with ``full=True`` also ``total``,
    ``eligible`` and ``nominated``.
    """

    award: np.ndarray
    rank: np.ndarray
    tiers: tuple[str, ...]
    total: np.ndarray | None = None
    eligible: np.ndarray | None = None
    nominated: np.ndarray | None = None


class BatchModel:
    """A scheme, the units' values and their hierarchy, ready for batch evaluation.

    ``scheme`` must be a points or standards scheme; ``values`` and ``registry`` are those
    of :func:`emusim.engine.score` (the same unit selection and order).
    """

    def __init__(self, scheme: Scheme, values: pd.DataFrame, registry: pd.DataFrame | None = None):
        from ..engine import _units

        if scheme.kind not in ("points", "standards"):
            raise InputError([Problem(Message("analysis.batch_kind", scheme=SchemeTitle(scheme),
                                                  kind=Message(f"analysis.kind_{scheme.kind}")))])
        self.scheme = scheme
        index, urban, info = _units(scheme, values, registry)
        self.index = pd.Index(index, name="locality_id")
        self.ids = np.asarray(index, dtype=str)
        self.n = n = len(index)
        needed = scheme.indicators
        missing = [i for i in needed if i not in values.columns]
        if missing:
            from ..engine import _matrix

            _matrix(scheme, values, index)  # raises the engine's error
        frame = values.set_axis(values.index.astype(str)).loc[index, list(needed)]
        #: raw values (NaN = missing) and the engine's cleaned values (NaN → 0)
        self.raw = {ind: pd.to_numeric(frame[ind], errors="coerce").to_numpy(dtype=float) for ind in needed}
        # the user's values are checked as engine.score checks them; the noise added later is
        # kept in range by Factor.perturb (ratios clipped to [0, 1], counts ≥ 0)
        from ..validate import check_values

        check_values(list(needed), np.column_stack([self.raw[i] for i in needed]) if needed else np.empty((n, 0)),
                     index)
        from ..missing import batch_data

        self._values = values
        self.data = batch_data(scheme, self.raw, values)  # the missing-data policy (emusim.missing)
        self.urban = np.asarray(urban, dtype=object)
        self.info = info
        self.classes = sorted(set(map(str, self.urban)))
        self.class_idx = np.array([self.classes.index(str(c)) for c in self.urban], dtype=np.intp)
        self.idrank = np.empty(n, dtype=np.int64)
        self.idrank[np.argsort(self.ids, kind="stable")] = np.arange(n)
        self.registry = registry
        self._set_groups(scheme)
        self._subs: dict = {}

    # ------------------------------------------------------------------ structure
    @property
    def tiers(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.scheme.awards.allocated_tiers)

    def _set_groups(self, scheme: Scheme) -> None:
        """Nomination groups exactly as ``allocate`` finds them (:func:`emusim.clusters.nomination_grouping`)."""
        from ..clusters import nomination_grouping

        nom = scheme.awards.nomination
        n = self.n
        parent = np.full(n, None, dtype=object)
        sizes = np.zeros(n, dtype=int)
        self.nominates = nom is not None
        if nom is not None:
            grouping = nomination_grouping(nom, self.ids, self.registry, scheme.unit_level, self.info)
            parent, sizes, self.nominates = grouping.keys, grouping.sizes, grouping.nominates
        elif "parent_id" in self.info:
            parent = self.info["parent_id"].to_numpy(dtype=object)
        self.parent = parent
        self.group_kind = nom.group if nom is not None else None
        codes: dict = {}
        self.parent_code = np.array([codes.setdefault(p, len(codes)) for p in parent], dtype=np.int64)
        self.n_parents = len(codes)
        self.children = np.zeros(self.n_parents, dtype=float)
        self.children[self.parent_code] = sizes

    def _with_scheme(self, scheme: Scheme) -> "BatchModel":
        sub = copy.copy(self)
        sub.scheme = scheme
        sub._subs = {}
        new_nom, old_nom = scheme.awards.nomination, self.scheme.awards.nomination
        if (new_nom.group if new_nom else None) != (old_nom.group if old_nom else None):
            sub._set_groups(scheme)  # a structural path: awards.nomination.group
        if getattr(scheme, "missing", None) != getattr(self.scheme, "missing", None):
            from ..missing import batch_data

            sub.data = batch_data(scheme, self.raw, self._values)
        return sub

    def evaluate(self, params: Mapping[str, Any] | None = None, noise: Mapping[str, np.ndarray] | None = None,
                 m: int | None = None, full: bool = False) -> BatchResult:
        """Awards and ranks of ``m`` replications.

        ``params``: ``{adjust path: sequence of m values}``; ``noise``: ``{indicator:
        array (m, n)}`` of replacement values (NaN = missing). Paths and values are assumed
        valid (see :func:`emusim.analysis.factors.factors_from_dict`).
        """
        params = {k: v for k, v in (params or {}).items()}
        noise = dict(noise or {})
        if m is None:
            sizes = [len(v) for v in params.values()] + [len(v) for v in noise.values()]
            m = sizes[0] if sizes else 1
        structural = [p for p in params if not path_is_vectorised(p)]
        if not structural:
            return self._evaluate(params, noise, m, full)
        keys = list(zip(*[list(params[p]) for p in structural]))
        groups: dict = {}
        for r, key in enumerate(keys):
            groups.setdefault(key, []).append(r)
        parts = {}
        for key, rows in groups.items():
            rows = np.asarray(rows)
            sub = self._subs.get(key)
            if sub is None:
                sub = self._subs[key] = self._with_scheme(self.scheme.adjust(dict(zip(structural, key))))
            sub_params = {p: np.asarray(v, dtype=object)[rows] for p, v in params.items() if p not in structural}
            sub_noise = {k: np.asarray(v)[rows] for k, v in noise.items()}
            parts[key] = (rows, sub._evaluate(sub_params, sub_noise, len(rows), full))
        out = BatchResult(np.empty((m, self.n), np.int8), np.empty((m, self.n), np.int32), self.tiers,
                          *(np.empty((m, self.n), dt) if full else None for dt in (float, bool, bool)))
        for rows, res in parts.values():
            for name in ("award", "rank", "total", "eligible", "nominated"):
                arr = getattr(out, name)
                if arr is not None:
                    arr[rows] = getattr(res, name)
        return out

    # ------------------------------------------------------------------ scoring
    def _evaluate(self, params: dict, noise: dict, m: int, full: bool) -> BatchResult:
        scheme, n = self.scheme, self.n
        tol = scheme.tolerance

        def P(path: str, default):
            return _col(params[path], m) if path in params else default

        def value(ind: str):
            if ind in noise:
                arr = np.asarray(noise[ind], dtype=float)
                return np.where(np.isnan(arr), 0.0, arr) if np.isnan(arr).any() else arr
            return self.data[ind]

        # per-unit uplift
        if any(p.startswith("uplift.") for p in params):
            table = np.empty((m, len(self.classes)))
            for k, cls in enumerate(self.classes):
                path = f"uplift.{cls}"
                table[:, k] = _col(params[path], m)[:, 0] if path in params else scheme.uplift_value(cls)
            uplift = table[:, self.class_idx]
        else:
            uplift = np.array([scheme.uplift_value(c) for c in self.urban], dtype=float) if n else np.zeros(0)

        def target_for(target, uplifted):
            return rules.uplifted_target(target, uplift) if uplifted else target

        def field(c, name: str):
            explicit = f"criteria.{c.id}.{name}"
            base = getattr(c, name)
            if explicit in params:
                return P(explicit, None)
            gpath = f"groups.{c.group}.max"
            if c.group is not None and gpath in params and base is not None:
                return base * (P(gpath, None) / scheme.group(c.group).max)
            return base

        def has(c, name: str) -> bool:
            return getattr(c, name) is not None or f"criteria.{c.id}.{name}" in params

        def basis_of(c):
            if f"criteria.{c.id}.basis" in params:
                return np.asarray(params[f"criteria.{c.id}.basis"], dtype=object)
            if c.basis is not None:
                return c.basis
            if "proportional_basis" in params:
                return np.asarray(params["proportional_basis"], dtype=object)
            return scheme.proportional_basis

        if scheme.kind == "points":
            base = np.zeros(n)
            bonus = np.zeros(n)
            deduction = np.zeros(n)
            for c in scheme.criteria:
                if c.rule == "proportional":
                    t = target_for(P(f"criteria.{c.id}.target", c.target if c.target is not None else 1.0), c.uplift)
                    mx = field(c, "max")
                    basis = basis_of(c)
                    v = value(c.indicator)
                    if isinstance(basis, str):
                        pts = rules.proportional(v, mx, t, basis, c.op, tol)
                    else:
                        pts = None
                        for b in dict.fromkeys(basis):
                            mask = (basis == b).reshape(-1, 1)
                            pb = rules.proportional(v, mx, t, b, c.op, tol)
                            pts = pb if pts is None else np.where(mask, pb, pts)
                        pts = np.broadcast_to(pts, np.broadcast_shapes(np.shape(pts), (m, n)))
                elif c.rule == "binary":
                    pv = field(c, "points") if has(c, "points") else field(c, "max")
                    pts = np.where(np.asarray(value(c.indicator), dtype=float) >= 0.5,
                                   pv if isinstance(pv, np.ndarray) else float(pv), 0.0)
                elif c.rule == "per_unit":
                    pts = rules.per_unit(value(c.indicator), field(c, "unit"), field(c, "max"))
                elif c.rule in ("bonus", "deduction"):
                    cap = field(c, "max") if c.rule == "bonus" else None
                    if c.events:
                        pts = rules.events([value(e.indicator) for e in c.events], [e.points for e in c.events], cap=cap)
                    else:
                        sign = 1.0 if c.rule == "bonus" else -1.0
                        unit = field(c, "unit")
                        pts = rules.events([value(c.indicator)], [sign * (1.0 if unit is None else unit)], cap=cap)
                else:  # pragma: no cover
                    raise InputError([Problem(Message("analysis.batch_rule", scheme=SchemeTitle(scheme), rule=c.rule))])
                if c.rule == "bonus":
                    bonus = bonus + pts
                elif c.rule == "deduction":
                    deduction = deduction + pts
                else:
                    base = base + pts
            total = base + bonus + deduction
            keys = (total, base, deduction)
            standards_ok = True
        else:
            mets, margins = [], []
            for c in scheme.criteria:
                t = target_for(P(f"criteria.{c.id}.target", c.target), c.uplift)
                v = value(c.indicator)
                mets.append(np.broadcast_to(rules.compare(v, c.op, t, tol), (m, n)))
                margins.append(np.broadcast_to(v - t if c.op in (">", ">=", "==") else t - v, (m, n)))
            n_met = np.sum(np.stack(mets), axis=0) if mets else np.zeros((m, n), dtype=int)
            margin = np.mean(np.stack(margins), axis=0) if margins else np.zeros((m, n))
            need = P("min_met", len(scheme.criteria) if scheme.min_met is None else scheme.min_met)
            if isinstance(need, np.ndarray):
                need = np.where(np.isnan(need), len(scheme.criteria), need)
            standards_ok = n_met >= need
            total = n_met.astype(float)
            keys = (total, margin)

        hard_ok = np.ones(n, dtype=bool)
        for g in scheme.gates:
            t = target_for(P(f"gates.{g.id}.target", g.target), g.uplift)
            ok = rules.compare(value(g.indicator), g.op, t, tol)
            mpath = f"gates.{g.id}.mode"
            if mpath in params:
                hard = (np.asarray(params[mpath], dtype=object) == "hard").reshape(-1, 1)
                hard_ok = hard_ok & (ok | ~hard)
            elif g.mode == "hard":
                hard_ok = hard_ok & ok
        eligible = np.broadcast_to(hard_ok & standards_ok, (m, n))
        return self._allocate(params, m, keys, eligible, np.broadcast_to(total, (m, n)), full)

    # ------------------------------------------------------------------ allocation
    def _allocate(self, params: dict, m: int, keys, eligible, total, full: bool) -> BatchResult:
        scheme, n = self.scheme, self.n
        sort_keys = [np.broadcast_to(self.idrank, (m, n))]
        for k in reversed(keys):
            sort_keys.append(-np.broadcast_to(np.round(k, 9), (m, n)))
        order = np.lexsort(sort_keys, axis=-1)
        rank = np.empty((m, n), dtype=np.int32)
        np.put_along_axis(rank, order, np.broadcast_to(np.arange(1, n + 1, dtype=np.int32), (m, n)), axis=1)
        elig_s = np.take_along_axis(eligible, order, axis=1)
        nom = scheme.awards.nomination
        if nom is None or not self.nominates:  # no rule, or group "province": every eligible unit
            nom_s = elig_s
        else:
            P = self.n_parents
            pk = np.where(elig_s, self.parent_code[order], P)
            s = np.argsort(pk, axis=1, kind="stable")
            pk_s = np.take_along_axis(pk, s, axis=1)
            pos = np.arange(n)
            start = np.ones((m, n), dtype=bool)
            start[:, 1:] = pk_s[:, 1:] != pk_s[:, :-1]
            within = pos - np.maximum.accumulate(np.where(start, pos, 0), axis=1)
            slots = self._slots(params, m, nom)
            ok_s = within < np.take_along_axis(slots, pk_s, axis=1)
            nom_s = np.empty((m, n), dtype=bool)
            np.put_along_axis(nom_s, s, ok_s, axis=1)
        tiers = scheme.awards.allocated_tiers
        quotas = np.empty((m, len(tiers)))
        for k, t in enumerate(tiers):
            q = _col(params[f"awards.{t.id}.quota"], m)[:, 0] if f"awards.{t.id}.quota" in params else (
                np.nan if t.quota is None else t.quota)
            quotas[:, k] = np.where(np.isnan(q), np.inf, q)
        cumq = np.cumsum(quotas, axis=1)
        position = np.cumsum(nom_s, axis=1) - 1
        tier_s = np.zeros((m, n), dtype=np.int8)
        for k in range(len(tiers)):
            tier_s += position >= cumq[:, k:k + 1]
        tier_s = np.where(nom_s & (tier_s < len(tiers)), tier_s, -1).astype(np.int8)
        award = np.empty((m, n), dtype=np.int8)
        np.put_along_axis(award, order, tier_s, axis=1)
        res = BatchResult(award, rank, tuple(t.id for t in tiers))
        if full:
            nominated = np.empty((m, n), dtype=bool)
            np.put_along_axis(nominated, order, nom_s, axis=1)
            res.total, res.eligible, res.nominated = np.array(total, dtype=float), np.array(eligible), nominated
        return res

    def _slots(self, params: dict, m: int, nom) -> np.ndarray:
        """Nomination slots per replication and parent code (last column: ineligible, 0)."""
        def get(name, default):
            p = f"awards.nomination.{name}"
            return _col(params[p], m) if p in params else np.full((m, 1), np.nan if default is None else float(default))

        per = get("per_parent", nom.per_parent)
        extra = get("extra_per_parent", nom.extra_per_parent)
        minc = get("extra_min_children", nom.extra_min_children)
        gets_extra = (np.nan_to_num(extra) != 0) & ~np.isnan(minc) & (self.children[None, :] >= np.nan_to_num(minc))
        slots = per + np.where(gets_extra, np.nan_to_num(extra), 0.0)
        return np.concatenate([slots, np.zeros((m, 1))], axis=1)

    # ------------------------------------------------------------------ a light award table
    def award_table(self, result: BatchResult, r: int) -> pd.DataFrame:
        """Replication ``r`` as a small award table (``award``, ``rank``, ``urban_class``,
        ``parent_id`` and, with ``full=True`` results, ``total``, ``eligible``, ``nominated``)."""
        codes = result.award[r]
        tiers = np.array(list(result.tiers) + [None], dtype=object)
        cols = {"award": tiers[codes], "rank": result.rank[r], "urban_class": self.urban, "parent_id": self.parent}
        if result.total is not None:
            cols.update(total=result.total[r], eligible=result.eligible[r], nominated=result.nominated[r])
        return pd.DataFrame(cols, index=self.index)
