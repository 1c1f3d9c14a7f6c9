"""The July 2025 merger: a pre-merger panel aggregated to the new communes (``apply_merger``).

Last stage of :func:`emusim.simulate` for a post-2025 registry: the old communes (from the
2023 registries, as in force on 30/06/2025) are simulated, then mapped with
``data/localities/merger_2025.csv``.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from ..catalog import Catalog, load_catalog
from ..errors import InputError, Problem
from ..i18n import Message, t
from ..panel import Panel
from ..registry import ancestors
from .config import DATA_DIR
from .units import _cached_registry, _check_registry, _resolve_registry

MERGER_FILE = DATA_DIR / "localities" / "merger_2025.csv"
_OLD_REGISTRIES = ("ha_giang_2023", "tuyen_quang_2023", "lao_cai_2023")
#: The day before the two-level local government (the units the merger maps).
LAST_DAY_BEFORE_MERGER = "2025-06-30"


# =========================================================================== merger
def load_merger(path: str | Path | None = None) -> pd.DataFrame:
    """The old → new commune mapping of July 2025 (``data/localities/merger_2025.csv``)."""
    path = Path(path) if path is not None else MERGER_FILE
    if not path.is_file():
        raise InputError([Problem(Message("sim.mapping_not_found"), file=str(path))])
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return _check_mapping(df, str(path))


def _check_mapping(df: pd.DataFrame, source: str = "<mapping>") -> pd.DataFrame:
    need = ["old_id", "new_id", "population_weight"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError([Problem(Message("sim.mapping_column", column=c), file=source, column=c) for c in missing])
    df = df.copy()
    df["old_id"] = df["old_id"].astype(str).str.strip()
    df["new_id"] = df["new_id"].astype(str).str.strip()
    w = pd.to_numeric(df["population_weight"], errors="coerce")
    bad = np.flatnonzero((w.isna() | (w < 0) | (w > 1)).to_numpy())
    if len(bad):
        raise InputError([Problem(Message("sim.mapping_weight"), file=source,
                                  row=int(r) + 2, column="population_weight") for r in bad[:20]])
    df["population_weight"] = w.astype(float)
    if "population_part" in df.columns:
        df["population_part"] = pd.to_numeric(df["population_part"], errors="coerce")
    if "is_default" in df.columns and df["is_default"].dtype == object:
        df["is_default"] = df["is_default"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
    return df


def _old_registry(mapping: pd.DataFrame) -> pd.DataFrame:
    """Pre-merger registry (provinces, districts, communes) holding the mapping's old ids."""
    want = set(mapping["old_id"])
    parts = []
    found: set[str] = set()
    for name in _OLD_REGISTRIES + ("national_2023",):
        if want <= found:
            break
        try:
            reg = _cached_registry(name, LAST_DAY_BEFORE_MERGER)
        except InputError:
            continue
        hit = reg.index.isin(list(want - found)) & (reg["level"] == "commune").to_numpy()
        if not hit.any():
            continue
        ids = set(reg.index[hit])
        prov = ancestors(reg, "province")
        dist = ancestors(reg, "district")
        keep = ids | set(dist[list(ids)].dropna()) | set(prov[list(ids)].dropna())
        parts.append(reg.loc[sorted(keep)])
        found |= ids
    missing = want - found
    if missing:
        raise InputError([Problem(Message("sim.mapping_unknown_old", n=len(missing), ids=", ".join(sorted(missing)[:5])),
                                  path="merger")])
    old = pd.concat(parts)
    old = old[~old.index.duplicated()]
    cols = [c for c in old.columns if c in ("name", "short_name", "level", "parent_id", "unit_type",
                                               "urban_class", "province", "lat", "lon", "population",
                                               "population_14plus", "synthetic")]
    return old[cols]


def apply_merger(panel: Panel, mapping: pd.DataFrame | str | Path | None, new_registry,
                 catalog: Catalog | None = None, allow_partial: bool = False) -> Panel:
    """Aggregate a pre-merger panel to the post-July-2025 units.

    For each new commune, over the old communes mapped to it (``merger_2025.csv``):

    * ratios and points: weighted mean, weight = ``population_weight`` (the share of the old
      commune's population that went to the new one) × the old commune's population_14plus
      (or ``population_part`` / the bare weight when the panel has no registry);
    * counts: sum over the old communes whose *default* destination (``is_default``, else the
      largest weight) is this new commune, so that every event is counted once;
    * bools: 1 when the weighted share of old units with value 1 is ≥ 0.5;
    * dates: the weighted median of the old completion dates.

    Non-commune rows of the new registry (the province) get the population_14plus-weighted
    mean of their new communes for ratios, the sum for counts and the ≥ 0.5 share rule for
    bools. A new unit that also exists unchanged in ``panel`` (same id, not in the mapping)
    keeps its values. Returns a Panel over the new registry's localities.

    **Coverage.** A new unit is built from *all* its old units or not at all: when the panel
    lacks some old unit of a new unit it would build (or has no row for a new commune at
    all), ``apply_merger`` raises an :class:`~emusim.errors.InputError` listing them — a
    mean over part of a new commune's territory is not that commune's value. With
    ``allow_partial=True`` it goes on, warns, and ``panel.meta["merger"]["coverage"]`` (a
    DataFrame by new unit: old units mapped, present, missing, share of the 14+ population
    present) says what each new value stands on.
    """
    if mapping is None or isinstance(mapping, (str, Path)):
        mapping = load_merger(mapping)
    mapping = _check_mapping(mapping)
    new_reg, _ = _resolve_registry(new_registry)
    new_reg = _check_registry(new_reg)
    catalog = catalog if catalog is not None else (panel.catalog or load_catalog())
    units = [catalog[i].unit if i in catalog else "ratio" for i in panel.indicators]
    old_pos = {loc: i for i, loc in enumerate(panel.localities)}
    coverage = merger_coverage(panel, mapping, new_reg)
    partial = coverage[~coverage["complete"]]
    if len(partial) and not allow_partial:
        examples = "; ".join(t("simulate.merger_missing_of", new=f"{nid} {row['name']}",
                               old=", ".join(row["missing"][:4]) + (" …" if len(row["missing"]) > 4 else ""))
                             for nid, row in partial.head(5).iterrows())
        raise InputError([Problem(Message("simulate.merger_partial", n_new=len(partial),
                                          n_old=int(partial["n_missing"].sum()), examples=examples),
                                  path="panel")])
    if len(partial):
        warnings.warn(t("simulate.merger_partial_warning", n_new=len(partial)), stacklevel=2)
    m = mapping[mapping["new_id"].isin(new_reg.index) & mapping["old_id"].isin(old_pos)].copy()
    if "is_default" not in m.columns or not m["is_default"].any():
        m["is_default"] = m["population_weight"] == m.groupby("old_id")["population_weight"].transform("max")
        m["is_default"] &= ~m.duplicated(["old_id", "is_default"])
    reg_old = panel.registry
    if reg_old is not None and "population_14plus" in reg_old:
        pop = m["old_id"].map(reg_old["population_14plus"].astype(float)).fillna(1.0)
        m["w"] = m["population_weight"] * pop
    elif "population_part" in m.columns and m["population_part"].notna().all():
        m["w"] = m["population_part"].astype(float)
    else:
        m["w"] = m["population_weight"]
    new_ids = new_reg.index
    n_new = len(new_ids)
    new_pos = {loc: i for i, loc in enumerate(new_ids)}
    ri = m["new_id"].map(new_pos).to_numpy()
    ci = m["old_id"].map(old_pos).to_numpy()
    W = sparse.csr_matrix((m["w"].to_numpy(), (ri, ci)), shape=(n_new, len(panel.localities)))
    dflt = m["is_default"].to_numpy().astype(bool)
    D = sparse.csr_matrix((np.ones(dflt.sum()), (ri[dflt], ci[dflt])), shape=(n_new, len(panel.localities)))
    n_l, T, n_i = panel.values.shape
    out = np.full((n_new, T, n_i), np.nan)
    mapped = np.zeros(n_new, dtype=bool)
    mapped[np.unique(ri)] = True
    for j, unit in enumerate(units):
        x = panel.values[:, :, j]
        ok = ~np.isnan(x)
        x0 = np.where(ok, x, 0.0)
        if unit in ("ratio", "points", "bool"):
            den = W @ ok.astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                v = (W @ x0) / den
            v[den == 0] = np.nan
            if unit == "bool":
                v = np.where(np.isnan(v), np.nan, (v >= 0.5 - 1e-12).astype(float))
        elif unit == "count":
            v = D @ x0
            v[(D @ ok.astype(float)) == 0] = np.nan
        else:  # date: weighted median of completion dates
            v = _weighted_median_rows(W, np.where(ok, x, np.inf))
        out[mapped, :, j] = v[mapped]
    # unchanged ids carried over
    for loc in new_ids[~mapped]:
        if loc in old_pos and new_reg.loc[loc, "level"] != "province":
            out[new_pos[loc]] = panel.values[old_pos[loc]]
    # province (and any other non-commune) rows: aggregate their new communes
    anc = ancestors(new_reg, "province")
    for level in ("province", "district"):
        for loc in new_ids[(new_reg["level"] == level).to_numpy()]:
            kids = np.flatnonzero(((anc == loc) & (new_reg["level"] == "commune")).to_numpy()) \
                if level == "province" else \
                np.flatnonzero((new_reg["parent_id"] == loc).to_numpy())
            if not len(kids):
                continue
            w = new_reg["population_14plus"].to_numpy(dtype=float)[kids]
            old_src = _old_rows_of(panel, m, set(new_ids[kids]), level)
            for j, unit in enumerate(units):
                x = out[kids, :, j]
                ok = ~np.isnan(x)
                if not ok.any():
                    # indicator only at this level: combine the old rows at the same level
                    if len(old_src) == 0:
                        continue
                    x = panel.values[old_src, :, j]
                    ok = ~np.isnan(x)
                    if not ok.any():
                        continue
                    w_old = (reg_old["population_14plus"].reindex(panel.localities[old_src])
                             .to_numpy(dtype=float) if reg_old is not None else np.ones(len(old_src)))
                    out[new_pos[loc], :, j] = _combine(x, ok, w_old, unit)
                elif unit != "date":  # dates of the new communes are not combined upwards
                    out[new_pos[loc], :, j] = _combine(x, ok, w, unit)
    meta = dict(panel.meta)
    meta["merger"] = {"old_units": int(len(set(m["old_id"]))), "new_units": int(mapped.sum()),
                      "coverage": coverage, "partial": int(len(partial))}
    return Panel(out, new_ids, panel.periods, panel.indicators, registry=new_reg,
                 catalog=catalog, meta=meta)


def merger_coverage(panel: Panel, mapping: pd.DataFrame, new_registry: pd.DataFrame) -> pd.DataFrame:
    """For every commune of ``new_registry``: its old units in ``mapping``, which the panel
    has, which it lacks, and the share of their population aged 14+ present.

    A new commune neither mapped nor in the panel counts as missing itself. Indexed by the
    new ``locality_id``; columns ``name``, ``n_old``, ``n_present``, ``n_missing``,
    ``missing`` (list of old ids), ``population_share``, ``complete``.
    """
    present = set(panel.localities)
    communes = new_registry.index[new_registry["level"] == "commune"]
    m = mapping[mapping["new_id"].isin(communes)]
    reg_old = panel.registry
    pop = (reg_old["population_14plus"].astype(float) if reg_old is not None and
           "population_14plus" in reg_old else None)
    parts = m["population_part"] if "population_part" in m.columns else m["population_weight"]
    rows = {}
    groups = m.groupby("new_id")
    for nid in communes:
        if nid in groups.groups:
            g = m.loc[groups.groups[nid]]
            olds = list(dict.fromkeys(g["old_id"]))
            w = parts.loc[g.index].astype(float).to_numpy()
            if pop is not None:
                w = g["population_weight"].to_numpy() * pop.reindex(g["old_id"]).fillna(0.0).to_numpy()
            has = g["old_id"].isin(present).to_numpy()
            share = float(w[has].sum() / w.sum()) if w.sum() > 0 else float(has.mean())
        else:
            olds, has = [nid], np.array([nid in present])
            share = float(has[0])
        missing = [o for o, h in zip(olds, has) if not h] if nid in groups.groups else \
            ([] if has[0] else [nid])
        rows[nid] = {"name": new_registry.at[nid, "name"] if "name" in new_registry.columns else nid,
                     "n_old": len(olds), "n_present": len(olds) - len(missing),
                     "n_missing": len(missing), "missing": missing,
                     "population_share": round(share, 6), "complete": not missing}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "locality_id"
    return out


def _old_rows_of(panel: Panel, m: pd.DataFrame, new_kids: set, level: str) -> np.ndarray:
    """Positions of the old rows at ``level`` above the old communes mapped into ``new_kids``."""
    reg_old = panel.registry
    if reg_old is None:
        return np.array([], dtype=int)
    olds = m.loc[m["new_id"].isin(new_kids), "old_id"].unique()
    anc = ancestors(reg_old, level)
    pos = panel.localities.get_indexer(sorted(set(anc.reindex(olds).dropna())))
    return pos[pos >= 0]


def _combine(x: np.ndarray, ok: np.ndarray, w: np.ndarray, unit: str) -> np.ndarray:
    if unit == "count":
        return np.where(ok, x, 0).sum(axis=0)
    if unit == "date":
        return np.nanmin(np.where(ok, x, np.nan), axis=0)
    ww = np.where(ok, w[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = (np.where(ok, x, 0) * ww).sum(axis=0) / ww.sum(axis=0)
    if unit == "bool":
        v = np.where(np.isnan(v), np.nan, (v >= 0.5 - 1e-12).astype(float))
    return v


def _weighted_median_rows(W: sparse.csr_matrix, x: np.ndarray) -> np.ndarray:
    out = np.full((W.shape[0], x.shape[1]), np.nan)
    for r in range(W.shape[0]):
        lo, hi = W.indptr[r], W.indptr[r + 1]
        if lo == hi:
            continue
        cols, w = W.indices[lo:hi], W.data[lo:hi]
        v = x[cols]
        order = np.argsort(v, axis=0, kind="stable")
        vs = np.take_along_axis(v, order, axis=0)
        cw = np.cumsum(w[order], axis=0) / w.sum()
        idx = (cw >= 0.5).argmax(axis=0)
        med = vs[idx, np.arange(x.shape[1])]
        out[r] = np.where(np.isfinite(med), med, np.nan)
    return out

