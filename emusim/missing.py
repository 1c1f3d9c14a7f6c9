"""Missing data as a policy, and "không áp dụng" (not applicable) as a value (issues 10, 11).

A report that did not arrive is not a zero by nature: the plans are silent on it, so how a
missing value is treated is a choice, made explicit as the scheme path ``missing`` (adjustable
like any other: ``scheme.adjust({"missing": "median"})``, ``--set missing=median``, a Monte
Carlo ``choice`` factor):

===========  ======================================================================
``zero``     "no data, no points" (the default): a missing value earns nothing and fails
             its target.
``exclude``  the criterion is left out for that unit and the unit's base points are
             rescaled to the full maximum (points schemes: base × Σ max / Σ max of the
             criteria it has data for); a standard without data is left out of the count.
``previous`` the unit's last observed value before the month (needs the panel's history:
             ``panel.at(period, missing="previous")``, which marks what it filled).
``median``   the median of the scored units (the province) for that indicator.
===========  ======================================================================

Under every policy a **mandatory target (gate) without data fails**: a unit cannot be shown
to have met "phải phấn đấu hoàn thành" without the number. Bonus and deduction counts
without data count no events.

Not applicable is not missing. A cell "không áp dụng" (``values.attrs["not_applicable"]``)
is treated as the criterion says — ``not_applicable: exclude`` (default: left out of the
count, or out of the point total with the rescaling above) or ``met`` (counts as met / full
points); a gate on a not-applicable indicator passes. The score table shows it: ``na.<id>``
columns, an ``excluded`` column naming the criteria left out, and
``attrs["missing"]`` / ``attrs["missing_note"]`` stating the policy used and what it changed.

>>> import pandas as pd
>>> from emusim.loader import scheme_from_dict
>>> s = scheme_from_dict({"kind": "standards", "criteria": [
...     {"id": "a.1", "rule": "standard", "indicator": "dvc_online_rate", "target": 0.8, "assumption": "x"},
...     {"id": "a.2", "rule": "standard", "indicator": "cadre_eid_rate", "target": 0.9, "assumption": "x"}]})
>>> v = pd.DataFrame({"dvc_online_rate": [0.9, None], "cadre_eid_rate": [0.95, 0.95]},
...                  index=pd.Index(["U1", "U2"], name="locality_id"))
>>> from emusim.engine import score
>>> score(s, v)["eligible"].tolist(), score(s.adjust({"missing": "exclude"}), v)["eligible"].tolist()
([True, False], [True, True])
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .i18n import Message

POLICIES = ("zero", "exclude", "previous", "median")
NA_CHOICES = ("exclude", "met")
__all__ = ["POLICIES", "NA_CHOICES", "policy", "prepare", "finish", "fill_previous"]


def policy(scheme) -> str:
    """The scheme's missing-data policy (``zero`` when it sets none)."""
    return getattr(scheme, "missing", None) or "zero"


def _na_frame(values: pd.DataFrame, index, columns) -> pd.DataFrame:
    na = values.attrs.get("not_applicable")
    out = pd.DataFrame(False, index=index, columns=list(columns))
    if isinstance(na, pd.DataFrame):
        na = na.reindex(index=index, columns=list(columns)).fillna(False).astype(bool)
        out |= na
    return out


def prepare(scheme, values: pd.DataFrame, index) -> pd.DataFrame:
    """The values the engine scores: filled by the ``median`` policy (a copy), else as given."""
    pol = policy(scheme)
    if pol != "median" or scheme.kind == "tasks":
        return values
    needed = [i for i in scheme.indicators if i in values.columns]
    frame = values.reindex(index)[needed].apply(pd.to_numeric, errors="coerce")
    na = _na_frame(values, index, needed)
    filled = {}
    out = values.copy()
    for ind in needed:
        col = frame[ind].where(~na[ind])
        med = col.median()
        gaps = col.isna() & ~na[ind]
        if gaps.any() and not np.isnan(med):
            pos = values.index.astype(str).get_indexer(index[gaps.to_numpy()])
            out.iloc[pos, out.columns.get_loc(ind)] = med
            filled[ind] = (int(gaps.sum()), float(med))
    out.attrs = dict(values.attrs)
    out.attrs["filled"] = filled
    out.attrs["_raw"] = values
    return out


def fill_previous(panel, t: int, df: pd.DataFrame) -> pd.DataFrame:
    """``panel.at(t)`` with each missing value replaced by the unit's last earlier value."""
    block = panel.values[:, : t + 1, :]
    na = panel.not_applicable[:, t, :] if panel.not_applicable is not None else np.zeros(df.shape, dtype=bool)
    current = block[:, -1, :]
    observed = ~np.isnan(block)
    # position of the last observed month ≤ t, per (unit, indicator)
    idx = np.where(observed, np.arange(block.shape[1])[None, :, None], -1).max(axis=1)
    take = np.isnan(current) & (idx >= 0) & ~na
    out = df.copy()
    if take.any():
        li, ii = np.nonzero(take)
        vals = block[li, idx[li, ii], ii]
        arr = out.to_numpy(copy=True)
        arr[li, ii] = vals
        out = pd.DataFrame(arr, index=df.index, columns=df.columns)
        out.attrs = dict(df.attrs)
        out.attrs["filled"] = pd.DataFrame({
            "locality_id": panel.localities[li], "indicator": [panel.indicators[i] for i in ii],
            "from_period": [str(panel.periods[idx[a, b]]) for a, b in zip(li, ii)], "value": vals})
    else:
        out.attrs["filled"] = pd.DataFrame(columns=["locality_id", "indicator", "from_period", "value"])
    out.attrs["missing_history"] = True
    return out


def _criterion_max(c) -> float:
    if c.rule == "binary":
        return float(c.points if c.points is not None else (c.max or 0.0))
    return float(c.max or 0.0)


def finish(scheme, values: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Apply the policy and the not-applicable choices to a score table; state them in ``attrs``."""
    if scheme.kind == "tasks":
        return table
    raw = values.attrs.get("_raw", values)
    pol = policy(scheme)
    index = table.index
    needed = [i for i in scheme.indicators if i in raw.columns]
    frame = raw.reindex(index)[needed].apply(pd.to_numeric, errors="coerce")
    na = _na_frame(raw, index, needed)
    missing = frame.isna() & ~na
    if pol == "previous" and "filled" in raw.attrs and raw.attrs.get("missing_history"):
        pass  # filled upstream by Panel.at(period, missing="previous"); still-missing cells remain
    n_missing = int(missing.to_numpy().sum())
    table.attrs["missing"] = pol
    table.attrs["missing_cells"] = n_missing
    table.attrs["not_applicable_cells"] = int(na.to_numpy().sum())
    if pol == "previous" and not raw.attrs.get("missing_history"):
        table.attrs["missing_note"] = Message("missing.previous_without_history", n=n_missing)
    elif pol == "median":
        filled = values.attrs.get("filled", {})
        table.attrs["missing_note"] = Message("missing.note_median", n=sum(n for n, _ in filled.values()))
    elif pol == "previous":
        filled = raw.attrs.get("filled")
        table.attrs["missing_note"] = Message("missing.note_previous", n=0 if filled is None else len(filled),
                                              left=n_missing)
    else:
        table.attrs["missing_note"] = Message(f"missing.note_{pol}", n=n_missing)
    if n_missing == 0 and not na.to_numpy().any():
        return table
    excluded = pd.DataFrame(False, index=index, columns=[c.id for c in scheme.criteria])
    met_na = pd.DataFrame(False, index=index, columns=[c.id for c in scheme.criteria])
    for c in scheme.criteria:
        if c.rule in ("bonus", "deduction"):
            continue
        inds = [i for i in c.indicators if i in needed]
        if not inds:
            continue
        c_na = na[inds].any(axis=1)
        c_missing = missing[inds].any(axis=1)
        if c_na.any():
            table[f"na.{c.id}"] = c_na.to_numpy()
            if getattr(c, "not_applicable", "exclude") == "met":
                met_na[c.id] = c_na
            else:
                excluded[c.id] |= c_na
        if pol == "exclude":
            excluded[c.id] |= c_missing & ~c_na
    for g in scheme.gates:   # a gate on a not-applicable indicator passes
        if g.indicator in na and na[g.indicator].any() and f"gate.{g.id}" in table:
            table[f"gate.{g.id}"] = table[f"gate.{g.id}"].to_numpy() | na[g.indicator].to_numpy()
    if not excluded.to_numpy().any() and not met_na.to_numpy().any():
        if na.to_numpy().any():
            _eligible(scheme, table)   # gates on not-applicable indicators passed
        return table
    if scheme.kind == "standards":
        _standards(scheme, table, excluded, met_na)
    else:
        _points(scheme, table, excluded, met_na)
    table["excluded"] = [", ".join(excluded.columns[row]) for row in excluded.to_numpy()]
    _eligible(scheme, table)
    return table


def _standards(scheme, table, excluded, met_na) -> None:
    met_cols = [f"met.{c.id}" for c in scheme.criteria]
    met = table[met_cols].to_numpy(dtype=bool) | met_na.to_numpy()
    ex = excluded.to_numpy()
    met = met & ~ex
    for j, col in enumerate(met_cols):
        table[col] = met[:, j]
    n_met = met.sum(axis=1)
    applicable = (~ex).sum(axis=1)
    table["n_met"] = n_met.astype(int)
    table["total"] = table["base"] = n_met.astype(float)
    table["n_applicable"] = applicable.astype(int)


def _points(scheme, table, excluded, met_na) -> None:
    base_rows = [c for c in scheme.criteria if c.rule not in ("bonus", "deduction")]
    full = sum(_criterion_max(c) for c in base_rows)
    n = len(table)
    available = np.full(n, full)
    for c in base_rows:
        col = f"points.{c.id}"
        if met_na[c.id].any():
            table[col] = np.where(met_na[c.id].to_numpy(), _criterion_max(c), table[col].to_numpy())
        ex = excluded[c.id].to_numpy()
        if ex.any():
            table[col] = np.where(ex, 0.0, table[col].to_numpy())
            available = available - np.where(ex, _criterion_max(c), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(available > 0, full / available, 0.0)
    groups: dict[str, np.ndarray] = {}
    base = np.zeros(n)
    for c in base_rows:
        col = f"points.{c.id}"
        pts = table[col].to_numpy(dtype=float) * factor
        table[col] = pts
        base += pts
        if c.group is not None:
            groups[c.group] = groups.get(c.group, np.zeros(n)) + pts
    for g, v in groups.items():
        if f"group.{g}" in table:
            table[f"group.{g}"] = v
    table["base"] = base
    table["total"] = base + table["bonus"].to_numpy() + table["deduction"].to_numpy()
    table["rescale"] = factor


def _eligible(scheme, table) -> None:
    hard = np.ones(len(table), dtype=bool)
    for g in scheme.gates:
        if g.mode == "hard" and f"gate.{g.id}" in table:
            hard &= table[f"gate.{g.id}"].to_numpy(dtype=bool)
    if scheme.kind == "standards":
        applicable = table["n_applicable"].to_numpy() if "n_applicable" in table else np.full(len(table), len(scheme.criteria))
        need = applicable if scheme.min_met is None else np.minimum(scheme.min_met, applicable)
        hard &= table["n_met"].to_numpy() >= need
    table["eligible"] = hard


def batch_data(scheme, raw: dict, values=None) -> dict:
    """The values the vectorised Monte Carlo kernel (:mod:`emusim.analysis.batch`) scores.

    ``zero`` and ``median`` are value fills and work there; ``exclude`` / ``previous`` and
    "không áp dụng" cells change the scoring itself, so with missing cells they are an error
    (never a silent "zero"): score those with :func:`emusim.score`.
    """
    from .errors import InputError, Problem

    pol = policy(scheme)
    gaps = any(np.isnan(v).any() for v in raw.values())
    na = values is not None and isinstance(values.attrs.get("not_applicable"), pd.DataFrame) \
        and bool(values.attrs["not_applicable"].to_numpy().any())
    if na:
        raise InputError([Problem(Message("missing.batch_not_applicable"), path="missing")])
    if pol == "median" and gaps:
        return {ind: np.where(np.isnan(v), np.nanmedian(v) if (~np.isnan(v)).any() else 0.0, v)
                for ind, v in raw.items()}
    if pol in ("exclude", "previous") and gaps:
        raise InputError([Problem(Message("missing.batch_unsupported", policy=pol), path="missing")])
    return {ind: np.nan_to_num(v, nan=0.0) for ind, v in raw.items()}
