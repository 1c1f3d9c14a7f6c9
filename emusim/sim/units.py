"""The registry as the simulation sees it: checked, sorted, with each unit's geography.

Second stage of :func:`emusim.simulate`: province of every row, distance to the provincial
centre, z-score of log population within its level, urban class and weight
(population aged 14+).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..i18n import Message
from ..registry import ancestors


@lru_cache(maxsize=16)
def _cached_registry(name: str, as_of: str | None = None) -> pd.DataFrame:
    from ..registry import load_registry
    return load_registry(name, as_of=as_of)


def _resolve_registry(registry) -> tuple[pd.DataFrame, str | None]:
    if isinstance(registry, pd.DataFrame):
        return registry, None
    if isinstance(registry, (str, Path)):
        from ..registry import load_registry
        try:
            return load_registry(registry), str(registry)
        except InputError as exc:
            raise InputError([Problem(p.message, file=p.file, line=p.line, row=p.row,
                                      column=p.column, path=p.path or "registry")
                              for p in exc.problems]) from None
    raise InputError([Problem(Message("sim.registry_type", kind=type(registry).__name__), path="registry")])


def _check_registry(reg: pd.DataFrame) -> pd.DataFrame:
    need = ["level", "parent_id", "urban_class", "lat", "lon", "population", "population_14plus"]
    missing = [c for c in need if c not in reg.columns]
    if missing:
        raise InputError([Problem(Message("sim.registry_column", column=c), column=c) for c in missing])
    reg = reg.copy()
    reg.index = reg.index.astype(str)
    reg.index.name = "locality_id"
    if reg.index.has_duplicates:
        raise InputError([Problem(Message("sim.registry_duplicates",
                                          ids=", ".join(reg.index[reg.index.duplicated()][:5])))])
    reg["parent_id"] = reg["parent_id"].fillna("").astype(str)
    reg["urban_class"] = reg["urban_class"].fillna("").astype(str)
    return reg.sort_index()


def _geography(reg: pd.DataFrame) -> pd.DataFrame:
    """Province name, distance to the provincial centre (km), z of log population, class."""
    prov_id = ancestors(reg, "province")
    if "province" in reg.columns:
        prov = reg["province"].astype(str)
    else:
        names = reg["name"] if "name" in reg.columns else pd.Series(reg.index, index=reg.index)
        prov = prov_id.map(names).fillna("")
    prov = prov.where(prov.astype(bool), prov_id.fillna("").astype(str))
    lat = reg["lat"].astype(float)
    lon = reg["lon"].astype(float)
    centre = {}
    for p, rows in reg.groupby(prov, sort=True).groups.items():
        sub = reg.loc[rows]
        city = sub[(sub["level"] == "district") & (sub.get("unit_type", "") == "thành phố")]
        if len(city):
            centre[p] = (city["lat"].iloc[0], city["lon"].iloc[0])
            continue
        prow = sub[sub["level"] == "province"]
        if len(prow) and np.isfinite(prow["lat"].iloc[0]):
            centre[p] = (prow["lat"].iloc[0], prow["lon"].iloc[0])
        else:
            w = sub["population"].astype(float).clip(lower=1)
            centre[p] = (np.average(sub["lat"].fillna(sub["lat"].mean()), weights=w),
                         np.average(sub["lon"].fillna(sub["lon"].mean()), weights=w))
    clat = prov.map(lambda p: centre[p][0]).astype(float)
    clon = prov.map(lambda p: centre[p][1]).astype(float)
    r = 6371.0
    dlat = np.radians(lat - clat)
    dlon = np.radians(lon - clon)
    h = np.sin(dlat / 2) ** 2 + np.cos(np.radians(lat)) * np.cos(np.radians(clat)) * np.sin(dlon / 2) ** 2
    dist = (2 * r * np.arcsin(np.sqrt(np.clip(h, 0, 1)))).fillna(0.0)
    logpop = np.log(reg["population"].astype(float).clip(lower=1))
    z = logpop.groupby(reg["level"]).transform(lambda s: (s - s.mean()) / (s.std() or 1.0)).fillna(0.0)
    uc = reg["urban_class"].where(reg["urban_class"].astype(bool), "rural")
    return pd.DataFrame({"province": prov, "dist": dist, "size_z": z, "urban_class": uc,
                         "w": reg["population_14plus"].astype(float).clip(lower=0)})


def _by_class(param, classes: np.ndarray, default: float) -> np.ndarray:
    if isinstance(param, dict):
        return np.array([float(param.get(c, param.get("rural", default))) for c in classes])
    return np.full(len(classes), float(param if param is not None else default))

