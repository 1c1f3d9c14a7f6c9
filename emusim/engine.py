"""Score localities against a scheme, vectorised over localities (DESIGN §3, §9).

``score(scheme, values, registry)`` returns the *score table*: one row per locality with

* ``total``, ``base``, ``bonus``, ``deduction`` (≤ 0), ``eligible`` (all hard gates hold,
  and for standards schemes all — or ``min_met`` — standards hold);
* ``group.<group id>`` subtotals, ``points.<criterion id>`` for every row of a point table;
* ``target.<criterion id>``: the effective target after the urban uplift;
* ``gate.<gate id>`` (bool), ``gate_target.<gate id>``;
* standards schemes: ``met.<standard id>`` (bool), ``n_met`` and ``margin`` (mean of
  value − target over the standards), with ``total = n_met``.

Missing values (NaN) earn nothing by default: "no data, no points" — a report that did not
arrive cannot pass a target; the scheme path ``missing`` chooses another policy, and "không
áp dụng" cells are treated as each criterion says (:mod:`emusim.missing`). Tasks schemes are scored by :func:`emusim.tasks.score_tasks`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .i18n import Message
from .model import Scheme
from . import missing, rules, validate


def _error(key: str, **values) -> InputError:
    """An InputError carrying the catalogue message ``engine.<key>``."""
    return InputError([Problem(Message(f"engine.{key}", **values))])


def _units(scheme: Scheme, values: pd.DataFrame, registry: pd.DataFrame | None) -> tuple[pd.Index, np.ndarray, pd.DataFrame]:
    """The localities to score, their urban classes and descriptive columns."""
    if not isinstance(values, pd.DataFrame):
        raise _error("not_frame")
    index = values.index.astype(str)
    if index.has_duplicates:
        dup = index[index.duplicated()].unique()[:10]
        raise _error("duplicate_ids", ids=", ".join(dup))
    info = pd.DataFrame(index=index)
    if registry is None:
        urban = values["urban_class"].astype(str).to_numpy() if "urban_class" in values else np.full(len(index), "rural", dtype=object)
        for col in ("name", "parent_id"):
            if col in values:
                info[col] = values[col].to_numpy()
        info["urban_class"] = urban
        return index, urban, info
    pos = registry.index.astype(str).get_indexer(index)
    if (pos < 0).any():
        unknown = index[pos < 0]
        raise _error("unknown_ids", n=len(unknown), ids=", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else ""))
    keep = registry["level"].to_numpy()[pos] == scheme.unit_level if "level" in registry else np.ones(len(index), dtype=bool)
    if not keep.any():
        raise _error("no_unit_of_level", level=scheme.unit_level, scheme=scheme.name)
    if not keep.all():
        index, pos = index[keep], pos[keep]
    info = pd.DataFrame(index=index)
    info.attrs["value_rows"] = np.flatnonzero(keep)
    for col in ("name", "parent_id", "unit_type"):
        if col in registry:
            info[col] = registry[col].to_numpy()[pos]
    if "urban_class" in registry:
        urban = registry["urban_class"].to_numpy(dtype=object)[pos]
        urban = np.where(pd.isna(urban), "rural", urban).astype(object)
    else:
        urban = np.full(len(index), "rural", dtype=object)
    info["urban_class"] = urban
    return index, urban, info


def _matrix(scheme: Scheme, values: pd.DataFrame, index: pd.Index, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
    needed = scheme.indicators
    missing = [i for i in needed if i not in values.columns]
    if missing:
        raise InputError([Problem(Message("engine.missing_indicator", indicator=m, scheme=scheme.name), column=m)
                          for m in missing])
    frame = values[list(needed)]
    if all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        matrix = frame.to_numpy(dtype=float, na_value=np.nan)
    else:
        validate.check_numeric(frame)  # text such as "85%" would otherwise score as missing
        matrix = np.column_stack([pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float) for c in needed])
    if rows is not None:
        matrix = matrix[rows] if len(rows) != len(matrix) else matrix
    elif not (len(frame) == len(index) and frame.index.equals(index)):
        matrix = matrix[values.index.astype(str).get_indexer(index)]
    matrix = np.array(matrix, dtype=float, order="F", copy=True)  # never write into the caller's data
    validate.check_values(list(needed), matrix, index)  # a ratio of 85 or −0.1 is an error, not 379.9 points
    matrix[np.isnan(matrix)] = 0.0  # "no data, no points"
    return {ind: matrix[:, j] for j, ind in enumerate(needed)}


def score(scheme: Scheme, values, registry: pd.DataFrame | None = None, history=None, **kwargs) -> pd.DataFrame:
    """Score every locality of ``values`` (index ``locality_id``, one column per indicator).

    ``history`` (a :class:`~emusim.panel.Panel`) gives dated rows their value at the deadline
    (:mod:`emusim.deadlines`); ``attrs["warnings"]`` says when a deadline could not be checked.
    """
    if scheme.kind == "tasks":
        from .tasks import score_tasks

        return score_tasks(scheme, values, **kwargs)
    from .deadlines import apply_deadlines
    from .repeats import counted_standards

    scheme, values, deadline_attrs = apply_deadlines(scheme, values, history)
    index, urban, info = _units(scheme, values, registry)
    values = missing.prepare(scheme, values, index)  # the missing-data policy (emusim.missing)
    data = _matrix(scheme, values, index, info.attrs.get("value_rows"))
    n = len(index)
    tol = scheme.tolerance
    uplift_map = {cls: entry.value for cls, entry in scheme.uplift.items()}
    uplift_by_unit = pd.Series(urban, dtype=object).map(uplift_map).fillna(0.0).to_numpy(dtype=float) if n else np.zeros(0)
    cols: dict[str, np.ndarray] = {}
    gate_cols: dict[str, np.ndarray] = {}

    def target_for(target: float, uplifted: bool) -> np.ndarray:
        return rules.uplifted_target(target, uplift_by_unit) if uplifted else np.full(n, target, dtype=float)

    if scheme.kind == "points":
        base = np.zeros(n)
        bonus = np.zeros(n)
        deduction = np.zeros(n)
        groups: dict[str, np.ndarray] = {}
        for c in scheme.criteria:
            if c.rule == "proportional":
                t = target_for(c.target if c.target is not None else 1.0, c.uplift)
                pts = rules.proportional(data[c.indicator], c.max, t, scheme.effective_basis(c), c.op, tol)
                cols[f"target.{c.id}"] = t
            elif c.rule == "binary":
                pts = rules.binary(data[c.indicator], c.points if c.points is not None else c.max)
            elif c.rule == "per_unit":
                pts = rules.per_unit(data[c.indicator], c.unit, c.max)
            elif c.rule in ("bonus", "deduction"):
                if c.events:
                    pts = rules.events([data[e.indicator] for e in c.events], [e.points for e in c.events],
                                       cap=c.max if c.rule == "bonus" else None)
                else:
                    sign = 1.0 if c.rule == "bonus" else -1.0
                    pts = rules.events([data[c.indicator]], [sign * (1.0 if c.unit is None else c.unit)], cap=c.max if c.rule == "bonus" else None)
            else:  # pragma: no cover - the loader refuses other rules here
                raise InputError(f"{scheme.name}: rule '{c.rule}' cannot be scored in a points scheme")
            cols[f"points.{c.id}"] = pts
            if c.rule == "bonus":
                bonus += pts
            elif c.rule == "deduction":
                deduction += pts
            else:
                base += pts
                if c.group is not None:
                    groups[c.group] = groups.get(c.group, np.zeros(n)) + pts
        total = base + bonus + deduction
        head = {"total": total, "base": base, "bonus": bonus, "deduction": deduction}
        group_cols = {f"group.{g}": v for g, v in groups.items()}
        standards_ok = np.ones(n, dtype=bool)
        extra: dict[str, np.ndarray] = {}
    else:  # standards
        met_cols: dict[str, np.ndarray] = {}
        margins = []
        for c in scheme.criteria:
            t = target_for(c.target, c.uplift)
            v = data[c.indicator]
            met = rules.compare(v, c.op, t, tol)
            met_cols[f"met.{c.id}"] = met
            cols[f"target.{c.id}"] = t
            margin = v - t if c.op in (">", ">=", "==") else t - v
            margins.append(margin)
        # a standard the plan prints twice counts once unless standards.count_repeated (issue 10)
        counted = counted_standards(scheme)
        keep = [k for k, c in enumerate(scheme.criteria) if c.id in counted]
        met_list = list(met_cols.values())
        n_met = np.sum(np.vstack([met_list[k] for k in keep]), axis=0) if keep else np.zeros(n)
        margin = np.mean(np.vstack([margins[k] for k in keep]), axis=0) if keep else np.zeros(n)
        need = len(keep) if scheme.min_met is None else scheme.min_met
        standards_ok = n_met >= need
        head = {"total": n_met.astype(float), "base": n_met.astype(float), "bonus": np.zeros(n), "deduction": np.zeros(n)}
        group_cols = {}
        extra = {**met_cols, "n_met": n_met.astype(int), "margin": margin}

    hard_ok = np.ones(n, dtype=bool)
    for g in scheme.gates:
        if g.mode == "off":  # kept in the file as an option, not applied (model.Gate)
            continue
        t = target_for(g.target, g.uplift)
        ok = rules.compare(data[g.indicator], g.op, t, tol)
        gate_cols[f"gate.{g.id}"] = ok
        gate_cols[f"gate_target.{g.id}"] = t
        if g.mode == "hard":
            hard_ok &= ok
    eligible = hard_ok & standards_ok
    table = pd.DataFrame(
        {**head, "eligible": eligible, **extra, **group_cols, **cols, **gate_cols},
        index=pd.Index(index, name="locality_id"),
    )
    for col in reversed(list(info.columns)):
        table.insert(0, col, info[col].to_numpy())
    table.attrs["scheme"] = scheme.name
    table.attrs["kind"] = scheme.kind
    for key, value in deadline_attrs.items():
        table.attrs[key] = list(table.attrs.get(key, [])) + value if key == "warnings" else value
    return missing.finish(scheme, values, table)


def ranking_keys(kind: str) -> list[tuple[str, bool]]:
    """The documented tie-break chain: (column, ascending) pairs, best first.

    Points schemes: total, then base points, then fewer deduction points, then locality
    code. Standards schemes: standards met, then mean margin, then locality code.
    """
    if kind == "standards":
        return [("n_met", False), ("margin", False)]
    return [("total", False), ("base", False), ("deduction", False)]


def rank_order(score_table: pd.DataFrame, kind: str) -> np.ndarray:
    """Positions of ``score_table`` rows from best to worst under the tie-break chain."""
    keys = ranking_keys(kind)
    # locality codes as integer ranks (lexsort on strings is slow); last key of the chain
    id_rank = np.empty(len(score_table), dtype=np.int64)
    id_rank[np.argsort(score_table.index.to_numpy(dtype=str), kind="stable")] = np.arange(len(score_table))
    # np.lexsort sorts by the last key first; values rounded to 1e-9 so float noise is not a winner
    sort_keys = [id_rank]
    for col, ascending in reversed(keys):
        v = np.round(score_table[col].to_numpy(dtype=float), 9)
        sort_keys.append(v if ascending else -v)
    return np.lexsort(sort_keys)
