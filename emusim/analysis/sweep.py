"""One parameter over a grid (``sweep``) and many parameters low/high (``tornado``) — DESIGN §6.

Method
------
Both functions re-run the real pipeline — ``scheme.adjust({path: value})`` →
:func:`emusim.engine.score` → :func:`emusim.allocate.allocate` — once per parameter value, on
the same values table. Nothing is approximated: a sweep row is exactly what the award table
would say had the scheme been written with that value.

* :func:`sweep` returns a *tidy* table, one row per (grid value, locality): ``value``,
  ``locality_id``, ``award``, ``rank``, ``total``, ``eligible`` (+ ``name``,
  ``urban_class``, ``nominated`` where known). :func:`award_matrix` pivots it (locality ×
  value) and :func:`award_changes` lists who gains or loses an award between a reference
  value and every other value.
* :func:`tornado` scores the nominal scheme and, for every ``path``, the scheme at its low
  and at its high value, and compares each award set with the nominal one: awards gained /
  lost, Jaccard overlap of the awarded sets (|A∩B| / |A∪B|; two empty sets count as
  identical, 1.0), units changing tier (awarded in both, different tier) and the change in
  the number of eligible units. Rows are sorted by ``effect`` (largest first).

Discrete parameters take their alternatives as low/high: give ``None`` as the range (or
let :func:`default_ranges` do it). A three-way choice (``proportional_basis``: attainment,
rate, threshold) uses the two alternatives to the nominal choice; a two-way choice (gate
``mode`` hard/soft, an ``uplift`` flag) uses the nominal value as *low* (no change) and the
alternative as *high*.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from ..allocate import allocate
from ..engine import score
from ..errors import InputError, Problem
from ..i18n import Message
from .labels import SchemeTitle
from ..model import BASES, GATE_MODES, OPS, Scheme

__all__ = ["sweep", "tornado", "award_matrix", "award_changes", "default_ranges", "jaccard",
           "run_awards"]

_TIDY = ("value", "locality_id", "award", "rank", "total", "eligible")


# --------------------------------------------------------------------------- helpers
def run_awards(scheme: Scheme, values: pd.DataFrame, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score and allocate: the award table with the score table's columns joined on."""
    st = score(scheme, values, registry)
    aw = allocate(st, scheme, registry)
    extra = st.drop(columns=[c for c in st.columns if c in aw.columns])
    out = aw.join(extra)
    out.attrs.update(aw.attrs)
    return out


def awarded_set(award_table: pd.DataFrame) -> set:
    """Ids of the units that won any award."""
    return set(award_table.index[award_table["award"].notna()].astype(str))


def jaccard(a: Iterable, b: Iterable) -> float:
    """|A∩B| / |A∪B|; two empty sets are identical (1.0).

    >>> jaccard({"x", "y"}, {"y", "z"})
    0.3333333333333333
    >>> jaccard(set(), set())
    1.0
    """
    a, b = set(a), set(b)
    union = a | b
    return 1.0 if not union else len(a & b) / len(union)


def _current_value(scheme: Scheme, path: str) -> Any:
    params = scheme.parameters()
    if path in params:
        return params[path]
    # paths not listed by parameters() but adjustable (ops, flags, per-criterion basis)
    for prefix, objects in (("criteria.", scheme.criteria), ("gates.", scheme.gates)):
        if path.startswith(prefix):
            ident, _, field = path[len(prefix):].rpartition(".")
            for o in objects:
                if o.id == ident and hasattr(o, field):
                    value = getattr(o, field)
                    if field == "basis" and value is None:
                        return scheme.proportional_basis
                    return value
    if path.startswith("awards.") and not path.startswith("awards.nomination."):
        ident, _, field = path[len("awards."):].rpartition(".")
        for t in scheme.awards.tiers:
            if t.id == ident:
                return getattr(t, field, None)
    if path.startswith("awards.nomination.") and scheme.awards.nomination is not None:
        return getattr(scheme.awards.nomination, path.rsplit(".", 1)[1], None)
    if path.startswith("uplift."):
        return scheme.uplift_value(path.split(".", 1)[1])
    return getattr(scheme, path, None)


def _alternatives(path: str, nominal: Any) -> tuple[Any, Any] | None:
    """Low/high for a discrete parameter, or None when the path is not discrete."""
    field = path.rsplit(".", 1)[-1]
    if field in ("basis", "proportional_basis"):
        options = BASES
    elif field == "mode":
        options = GATE_MODES
    elif field == "op":
        options = OPS
    elif field in ("uplift", "allocate"):
        options = (False, True)
    else:
        return None
    alts = [o for o in options if o != nominal]
    if len(alts) >= 2:
        if field == "op":  # the strict/non-strict twin is the meaningful alternative
            twin = {">": ">=", ">=": ">", "<": "<=", "<=": "<", "==": ">="}[nominal]
            return (nominal, twin)
        return (alts[0], alts[1])
    return (nominal, alts[0]) if alts else (nominal, nominal)


def _adjusted(scheme: Scheme, path: str, values: Iterable, problems: list[Problem]) -> list[Scheme]:
    """``scheme.adjust({path: v})`` for each value; the problems of bad values go to ``problems``."""
    out = []
    for v in values:
        try:
            out.append(scheme.adjust({path: v}))
        except InputError as exc:
            problems.extend(exc.problems)
    return out


def _check_scheme(scheme, where: str) -> None:
    if not isinstance(scheme, Scheme):
        raise InputError([Problem(Message("analysis.not_a_scheme", where=where, type=type(scheme).__name__))])
    if scheme.kind not in ("points", "standards"):
        raise InputError([Problem(Message("analysis.not_award_scheme", where=where, scheme=SchemeTitle(scheme),
                                          kind=Message(f"analysis.kind_{scheme.kind}")))])


# --------------------------------------------------------------------------- sweep
def sweep(scheme: Scheme, values: pd.DataFrame, path: str, grid: Iterable, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Awards and ranks for each value of one adjustable parameter.

    Parameters
    ----------
    scheme : the nominal scheme; ``path`` is any path accepted by ``scheme.adjust``
        (``uplift.city``, ``criteria.A.IV.2.target``, ``groups.II.max``,
        ``awards.chairman.quota``, ``proportional_basis``, ``gates.G1.mode``, …).
    values : index ``locality_id``, one column per indicator (e.g. ``panel.at("2023-11")``).
    grid : the values to try. All are validated before any scoring: a bad value raises one
        :class:`~emusim.errors.InputError` naming the path and every bad value.

    Returns
    -------
    A tidy DataFrame with columns ``value, locality_id, award, rank, total, eligible``,
    then ``nominated``, ``name``, ``urban_class`` where known; ``attrs["path"]``,
    ``attrs["grid"]`` and ``attrs["nominal"]`` (the scheme's own value).

    >>> # sweep(scheme, values, "uplift.city", [0, 0.1, 0.15, 0.2], registry)
    """
    _check_scheme(scheme, "sweep")
    grid = list(grid)
    if not grid:
        raise InputError([Problem(Message("sweep.empty_grid"), path=path)])
    problems: list[Problem] = []
    schemes = _adjusted(scheme, path, grid, problems)
    if problems:
        raise InputError(problems)
    frames = []
    for v, s in zip(grid, schemes):
        aw = run_awards(s, values, registry)
        cols = [c for c in ("award", "rank", "total", "eligible", "nominated", "name", "urban_class") if c in aw]
        f = aw[cols].reset_index()
        f.insert(0, "value", [v] * len(f))
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["award"] = out["award"].astype(object).where(out["award"].notna(), None)
    out.attrs.update({"path": path, "grid": grid, "nominal": _current_value(scheme, path), "scheme": scheme.name})
    return out


def _grid_labels(values: list) -> list[str]:
    return [str(v) for v in values]


def award_matrix(sweep_table: pd.DataFrame, column: str = "award") -> pd.DataFrame:
    """Pivot a sweep: one row per locality, one column per grid value (``column`` cells).

    Columns are the grid values as text, in grid order; a ``name`` column leads when known.
    """
    t = sweep_table.copy()
    grid = list(dict.fromkeys(t["value"].tolist()))
    labels = dict(zip(grid, _grid_labels(grid)))
    t["_v"] = t["value"].map(labels)
    wide = t.pivot(index="locality_id", columns="_v", values=column)
    wide = wide[[labels[g] for g in grid]]
    wide.columns.name = sweep_table.attrs.get("path", "value")
    if column == "award":
        wide = wide.astype(object).where(wide.notna(), None)
    if "name" in t:
        names = t.drop_duplicates("locality_id").set_index("locality_id")["name"]
        wide.insert(0, "name", names.reindex(wide.index))
    return wide


def award_changes(sweep_table: pd.DataFrame, reference=None) -> pd.DataFrame:
    """Who gains or loses an award (or changes tier) at each grid value vs ``reference``.

    ``reference`` defaults to the scheme's nominal value when it is on the grid, else the
    first grid value. One row per (value, locality) that differs: ``value``,
    ``locality_id``, ``name``, ``urban_class``, ``award_reference``, ``award``, ``change``
    (``gained``, ``lost`` or ``tier``), ``rank_reference``, ``rank``. Computed by
    :func:`emusim.diff` (the same mechanism as the notebooks and the brief).
    """
    grid = list(dict.fromkeys(sweep_table["value"].tolist()))
    if reference is None:
        nominal = sweep_table.attrs.get("nominal")
        reference = nominal if nominal in grid else grid[0]
    if reference not in grid:
        raise InputError([Problem(Message("sweep.bad_reference", reference=repr(reference),
                                          grid=", ".join(map(str, grid))), path=sweep_table.attrs.get("path"))])
    from ..diff import diff

    ref = sweep_table[sweep_table["value"] == reference].set_index("locality_id")
    kind = {"gain": "gained", "loss": "lost", "up": "tier", "down": "tier"}
    rows = []
    for v in grid:
        if v == reference:
            continue
        cur = sweep_table[sweep_table["value"] == v].set_index("locality_id").reindex(ref.index)
        d = diff(ref, cur)   # one mechanism for "who gains or loses" (es.diff)
        for lid, r in d.table.iterrows():
            rows.append({"value": v, "locality_id": lid, "name": cur.at[lid, "name"] if "name" in cur else None,
                         "urban_class": cur.at[lid, "urban_class"] if "urban_class" in cur else None,
                         "award_reference": r["award_a"], "award": r["award_b"], "change": kind[r["change"]],
                         "rank_reference": int(r["rank_a"]), "rank": int(r["rank_b"])})
    out = pd.DataFrame(rows, columns=["value", "locality_id", "name", "urban_class", "award_reference", "award",
                                      "change", "rank_reference", "rank"])
    for col in ("award_reference", "award"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    out.attrs.update({"reference": reference, "path": sweep_table.attrs.get("path")})
    return out


# --------------------------------------------------------------------------- tornado
def default_ranges(scheme: Scheme, *, uplift: float = 0.05, target: float = 0.10, group: float = 0.20,
                   quota: int = 2, include: Iterable[str] | None = None) -> dict[str, tuple]:
    """Low/high values for every parameter of ``scheme.parameters()``.

    Uplift ± ``uplift`` (clipped to [0, 1]), targets ± ``target`` (clipped), group and
    criterion maxima ± ``group`` (relative), quotas ± ``quota`` (≥ 0; a null quota is left
    out), nomination per parent ± 1, discrete choices (basis, gate mode) their alternatives.
    ``include`` keeps only paths starting with one of its prefixes (e.g. ``("uplift.",
    "awards.")``).
    """
    out: dict[str, tuple] = {}
    for path, nominal in scheme.parameters().items():
        if include is not None and not any(path.startswith(p) for p in include):
            continue
        alt = _alternatives(path, nominal)
        if alt is not None:
            out[path] = alt
        elif path.startswith("uplift."):
            out[path] = (max(0.0, nominal - uplift), min(1.0, nominal + uplift))
        elif path.endswith(".target"):
            out[path] = (max(0.0, nominal - target), min(1.0, nominal + target))
        elif path.endswith(".max"):
            if nominal:
                out[path] = (nominal * (1 - group), nominal * (1 + group))
        elif path.endswith(".quota") or path == "awards.nomination.per_parent":
            if nominal is not None:
                step = quota if path.endswith(".quota") else 1
                out[path] = (max(0, int(nominal) - step), int(nominal) + step)
        elif path == "min_met" and nominal is not None:
            out[path] = (max(0, nominal - 1), nominal + 1)
    return out


def _compare_sets(nominal: pd.DataFrame, other: pd.DataFrame) -> dict[str, float]:
    a, b = nominal["award"], other["award"].reindex(nominal.index)
    a_set, b_set = awarded_set(nominal), awarded_set(other)
    both = a.notna() & b.notna()
    return {
        "gained": len(b_set - a_set),
        "lost": len(a_set - b_set),
        "tier": int((both & (a.astype(object) != b.astype(object))).sum()),
        "jaccard": jaccard(a_set, b_set),
        "eligible": int(other["eligible"].sum()) - int(nominal["eligible"].sum()),
    }


_METRICS = ("award_changes", "jaccard", "eligible")


def tornado(scheme: Scheme, values: pd.DataFrame, ranges: Mapping[str, tuple | None] | None = None,
            registry: pd.DataFrame | None = None, metric: str | Callable = "award_changes") -> pd.DataFrame:
    """Which parameters move the award set most between their low and high values.

    Parameters
    ----------
    ranges : ``{path: (low, high)}``; ``None`` as a range takes a discrete parameter's
        alternatives; ``ranges=None`` uses :func:`default_ranges` for every parameter.
    metric : what ``effect`` (the sort key) measures —
        ``"award_changes"``: units whose award differs from the nominal (gained + lost +
        changed tier), at low plus at high; ``"jaccard"``: (1 − J_low) + (1 − J_high);
        ``"eligible"``: |Δ eligible at high − Δ eligible at low|; or a callable
        ``f(nominal_award_table, variant_award_table) -> float`` summed over low and high.

    Returns
    -------
    One row per path: ``path, nominal, low, high``, then for each side ``gained_*,
    lost_*, tier_*, changed_*`` (gained + lost + tier), ``jaccard_*``, ``eligible_*``
    (change in the number of eligible units), and ``effect``; sorted by ``effect``,
    largest first. ``attrs["nominal_awards"]`` is the number of nominal awards.
    """
    _check_scheme(scheme, "tornado")
    if not (callable(metric) or metric in _METRICS):
        raise InputError([Problem(Message("sweep.unknown_metric", metric=str(metric), known=", ".join(map(repr, _METRICS))))])
    if ranges is None:
        ranges = default_ranges(scheme)
    resolved: dict[str, tuple] = {}
    nominals: dict[str, Any] = {}
    problems: list[Problem] = []
    variants: dict[str, tuple[Scheme, Scheme]] = {}
    for path, rng in ranges.items():
        nominal = nominals[path] = _current_value(scheme, path)
        if rng is None:
            rng = _alternatives(path, nominal)
            if rng is None:
                problems.append(Problem(Message("sweep.none_range"), path=path))
                continue
        if not isinstance(rng, (tuple, list)) or len(rng) != 2:
            problems.append(Problem(Message("sweep.bad_range", value=repr(rng)), path=path))
            continue
        lo_hi = _adjusted(scheme, path, rng, problems)
        if len(lo_hi) == 2:
            variants[path] = (lo_hi[0], lo_hi[1])
            resolved[path] = tuple(rng)
    if problems:
        raise InputError(problems)
    nominal_aw = run_awards(scheme, values, registry)
    rows = []
    for path, (s_lo, s_hi) in variants.items():
        row: dict[str, Any] = {"path": path, "nominal": nominals[path],
                               "low": resolved[path][0], "high": resolved[path][1]}
        effect = 0.0
        for side, s in (("low", s_lo), ("high", s_hi)):
            aw = run_awards(s, values, registry)
            d = _compare_sets(nominal_aw, aw)
            row.update({f"gained_{side}": d["gained"], f"lost_{side}": d["lost"], f"tier_{side}": d["tier"],
                        f"changed_{side}": d["gained"] + d["lost"] + d["tier"],
                        f"jaccard_{side}": d["jaccard"], f"eligible_{side}": d["eligible"]})
            if callable(metric):
                effect += float(metric(nominal_aw, aw))
            elif metric == "award_changes":
                effect += d["gained"] + d["lost"] + d["tier"]
            elif metric == "jaccard":
                effect += 1.0 - d["jaccard"]
        if metric == "eligible":
            effect = abs(row["eligible_high"] - row["eligible_low"])
        row["effect"] = effect
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(out):
        out = out.sort_values(["effect", "path"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    out.attrs.update({"scheme": scheme.name, "metric": metric if isinstance(metric, str) else getattr(metric, "__name__", "custom"),
                      "nominal_awards": len(awarded_set(nominal_aw))})
    return out
