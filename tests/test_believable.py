"""The Hà Giang commune scheme on a simulated November 2023 gives a believable award list."""
from __future__ import annotations

import pytest

import emusim as es


@pytest.mark.parametrize("seed", [2023, 7])
def test_simulated_november_2023_award_list(hg_plan, hg_registry, seed):
    panel = es.simulate(hg_registry, seed=seed)
    scheme = hg_plan.scheme("commune")
    st = es.score(scheme, panel.at("2023-11"), hg_registry)
    aw = es.allocate(st, scheme, hg_registry)
    winners = aw[aw["award"].notna()]
    # a believable share of communes passes every mandatory target, not none and not all
    assert 0.05 <= st["eligible"].mean() <= 0.6
    # the quotas are caps: at most 5 + 9, and most of them are used
    assert (winners["award"] == "chairman").sum() == 5
    assert 8 <= len(winners) <= 14
    # no single district takes every award
    assert winners["parent_id"].nunique() >= 4
    assert winners["parent_id"].value_counts().max() <= 2
    # the city's wards are not all disqualified
    city = st[st["urban_class"] == "city"]
    assert city["eligible"].any()
    # scores stay within the plan's scale (300 base; bonus and deductions rare)
    assert st["base"].max() <= 300 and st["base"].median() > 150
    assert (st["bonus"] <= 60).mean() > 0.9
