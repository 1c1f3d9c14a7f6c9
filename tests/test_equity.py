"""equity and equity_under_uplift on the real Hà Giang commune scheme (simulated, seed 1)."""
from __future__ import annotations

import numpy as np
import pytest

import emusim as es
from emusim.analysis import equity
from emusim.analysis.equity import equity_under_uplift
from emusim.errors import InputError


@pytest.fixture(scope="module")
def hg(hg_plan, hg_registry):
    values = es.simulate(hg_registry, seed=1).at("2023-11")
    scheme = hg_plan.scheme("commune")
    aw = es.allocate(es.score(scheme, values, hg_registry), scheme, hg_registry)
    return scheme, values, aw


def test_shares_and_ratios(hg, hg_registry):
    scheme, values, aw = hg
    eq = equity(aw, hg_registry)
    for key in ("urban_class", "parent"):
        t = eq[key]
        assert t["units"].sum() == 193
        assert t["awards"].sum() == aw["award"].notna().sum() == 14
        assert t["unit_share"].sum() == pytest.approx(1.0)
        assert t["award_share"].sum() == pytest.approx(1.0)
        assert t["population_share"].sum() == pytest.approx(1.0)
        assert np.allclose(t["ratio"], t["award_share"] / t["unit_share"])
        assert np.allclose(t["ratio_population"], t["award_share"] / t["population_share"])
        assert np.allclose(t["award_rate"], t["awards"] / t["units"])
        assert t[[c for c in t.columns if c.startswith("awards.")]].sum(axis=1).equals(t["awards"])
    assert set(eq.by_urban_class.index) == {"rural", "district_town", "city"}
    communes = hg_registry[hg_registry["level"] == "commune"]
    pop = communes.groupby("urban_class")["population"].sum()
    assert eq.by_urban_class["population"].to_dict() == pytest.approx(pop.to_dict())
    assert len(eq.by_parent) == 11 and eq.by_parent["name"].str.contains("Huyện|Thành phố").all()
    assert "<table" in eq._repr_html_()


def test_tier_and_other_keys(hg, hg_registry):
    scheme, values, aw = hg
    eq = equity(aw, hg_registry, by="unit_type", tier="chairman")
    assert eq.by_unit_type["awards"].sum() == 5
    with pytest.raises(InputError, match="nope"):
        equity(aw, hg_registry, by="nope")


def test_no_awards_gives_nan_shares(hg, hg_registry):
    scheme, values, _ = hg
    s = scheme.adjust({"awards.chairman.quota": 0, "awards.police_director.quota": 0})
    aw = es.allocate(es.score(s, values, hg_registry), s, hg_registry)
    t = equity(aw, hg_registry).by_urban_class
    assert t["awards"].sum() == 0 and t["ratio"].isna().all()


def test_equity_under_uplift(hg, hg_registry):
    scheme, values, _ = hg
    table = equity_under_uplift(scheme, values, hg_registry, [0.0, 0.10, 0.15, 0.20, 0.30])
    assert list(table.index) == [0.0, 0.10, 0.15, 0.20, 0.30]
    assert (table["units.city"] == 8).all() and (table["units.rural"] == 172).all()
    # a higher city uplift never makes more city units eligible, and leaves rural communes alone
    assert table["eligible.city"].is_monotonic_decreasing
    assert table["eligible.rural"].nunique() == 1
    assert np.allclose(table["award_rate.city"], table["awards.city"] / 8)
    ok = table["award_rate.city"] > 0
    assert np.allclose(table.loc[ok, "rate_ratio"], table.loc[ok, "award_rate.rural"] / table.loc[ok, "award_rate.city"])
    with pytest.raises(InputError):
        equity_under_uplift(scheme, values, hg_registry, [0.1, 2.0])
