"""Shared fixtures: the real plans, registries and a 'perfect unit' builder."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import emusim as es

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="session")
def catalog():
    return es.load_catalog()


@pytest.fixture(scope="session")
def hg_plan():
    return es.load_plan(ROOT / "scenarios" / "ha_giang_186_2023.yaml")


@pytest.fixture(scope="session")
def hg_registry():
    return es.load_registry("ha_giang_2023")


@pytest.fixture(scope="module")
def scheme(hg_plan):
    """Hà Giang's commune scheme (Phụ lục 3), as the officials' workbooks are filled for it."""
    return hg_plan.scheme("commune")


@pytest.fixture(scope="module")
def reg(hg_registry):
    return hg_registry


def perfect_values(scheme, ids, catalog) -> pd.DataFrame:
    """Values with which every base row earns its maximum, no bonus, no deduction, all gates pass."""
    cols = {}
    bonus_or_deduction = {e.indicator for c in scheme.criteria if c.rule in ("bonus", "deduction") for e in c.events}
    for ind in scheme.indicators:
        unit = catalog[ind].unit
        if ind in bonus_or_deduction:
            value = 0.0
        elif unit in ("count", "points"):
            value = 100.0
        else:
            value = 1.0
        cols[ind] = np.full(len(ids), value)
    return pd.DataFrame(cols, index=pd.Index([str(i) for i in ids], name="locality_id"))


def agencies_and_enterprises(hg_plan):
    """6 eligible departments and 6 eligible enterprises (every standard and gate met)."""
    agency, enterprise = hg_plan.scheme("agency"), hg_plan.scheme("enterprise")
    va = pd.DataFrame({"emulation_movement_launched": 1.0, "advisory_initiatives_recognised": 1.0,
                       "annex1_tasks_completed_rate": [0.80, 0.84, 0.88, 0.92, 0.96, 1.0], "cadre_eid_rate": 1.0},
                      index=pd.Index([f"A{i}" for i in range(6)], name="locality_id"))
    ve = pd.DataFrame({"enterprise_support_provided": 1.0, "population_db_applied": 1.0, "cadre_eid_rate": 1.0},
                      index=pd.Index([f"E{i}" for i in range(6)], name="locality_id"))
    return agency, enterprise, es.score(agency, va), es.score(enterprise, ve)
