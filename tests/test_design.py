"""Scheme design (issue 16): a planted goal whose answer is known, verified reforms, seeds, executors."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

import emusim as es
from emusim.analysis.design import design
from emusim.errors import InputError

SCHEME = {
    "kind": "points",
    "unit_level": "commune",
    "uplift": {"city": {"value": 0.10, "assumption": "test"}},
    "criteria": [{"id": "A.1", "rule": "proportional", "indicator": "dvc_online_rate", "max": 10, "basis": "rate",
                  "assumption": "test"}],
    "gates": [{"id": "G1", "indicator": "eid_activation_rate", "op": ">=", "target": 0.80, "uplift": True,
               "assumption": "test"}],
    "awards": {"tiers": [{"id": "gold", "quota": 3, "assumption": "test"}]},
}
# (eid_activation, dvc_online, district, urban class): ranking by points c1 > c2 > r1 > r2 > r1b
UNITS = {
    "c1": (0.95, 0.99, "D1", "city"),
    "c2": (0.94, 0.98, "D1", "city"),
    "r1": (0.85, 0.90, "D2", "rural"),
    "r2": (0.85, 0.80, "D3", "rural"),
    "r1b": (0.85, 0.70, "D2", "rural"),
}


@pytest.fixture(scope="module")
def tiny():
    """Hand-worked: the gate is 80 % + the city uplift. At +10 … +14 pp both city units pass, the
    three awards go to c1, c2, r1 (districts D1, D2); at +15 pp c2 (94 %) fails and the awards go
    to c1, r1, r2 — all three districts; from +16 pp both city units fail: r1, r2, r1b (D2, D3).
    So on a 1 pp grid only uplift.city = 0.15 spreads the awards over every district."""
    scheme = es.scheme_from_dict(SCHEME, level="commune")
    values = pd.DataFrame({k: {"eid_activation_rate": v[0], "dvc_online_rate": v[1], "parent_id": v[2], "urban_class": v[3]}
                           for k, v in UNITS.items()}).T
    values[["eid_activation_rate", "dvc_online_rate"]] = values[["eid_activation_rate", "dvc_online_rate"]].astype(float)
    values.index.name = "locality_id"
    return scheme, values


def districts_awarded(scheme, values) -> int:
    aw = es.allocate(es.score(scheme, values, None), scheme, None)
    return aw.loc[aw["award"].notna(), "parent_id"].nunique()


def test_the_hand_worked_answer_holds_in_the_plain_engine(tiny):
    scheme, values = tiny
    by_uplift = {round(u / 100, 2): districts_awarded(scheme.adjust({"uplift.city": u / 100}), values) for u in range(0, 31)}
    assert [u for u, k in by_uplift.items() if k == 3] == [0.15]
    assert districts_awarded(scheme, values) == 2


def test_design_finds_the_only_uplift_that_spreads_awards(tiny):
    scheme, values = tiny
    result = design(scheme, values, None, free={"uplift.city": {"low": 0.0, "high": 0.30, "step": 0.01}},
                    goals=[{"metric": "groups_awarded", "at_least": 3}], budget=400, pop_size=20, seed=3)
    assert result.proposal == {"uplift.city": 0.15}
    assert result.plan["groups_awarded"] == 2
    # every reform returned is re-scored by the plain engine, and really meets the goal
    assert result.table["verified"].all()
    for reform, ok in zip(result.reforms, result.table["meets_goals"]):
        assert (districts_awarded(scheme.adjust(reform), values) >= 3) == ok


def test_same_seed_same_result_and_through_an_executor(tiny):
    scheme, values = tiny
    kw = dict(free={"uplift.city": [0.0, 0.30], "awards.gold.quota": [1, 5], "proportional_basis": ["attainment", "rate"]},
              goals=[{"metric": "groups_awarded", "at_least": 3}, {"metric": "robustness", "at_least": 0.5, "noise_sd": 0.02},
                     {"metric": "urban_gap", "minimize": True}],
              budget=300, pop_size=30, seed=5)
    a = design(scheme, values, None, **kw)
    b = design(scheme, values, None, **kw)
    with ThreadPoolExecutor(2) as pool:
        c = design(scheme, values, None, executor=pool, chunks=3, **kw)
    cols = [col for col in a.table.columns if col != "adjust"]
    pd.testing.assert_frame_equal(a.table[cols], b.table[cols])
    pd.testing.assert_frame_equal(a.table[cols], c.table[cols])
    assert a.reforms == c.reforms


def test_bad_goals_and_ranges_are_reported_together(tiny):
    scheme, values = tiny
    with pytest.raises(InputError) as err:
        design(scheme, values, None, free={"uplift.nowhere": [0, 1], "uplift.city": [0.3, 0.1]},
               goals=[{"metric": "happiness", "at_least": 1}], budget=10)
    text = str(err.value)
    assert "uplift.nowhere" in text and "uplift.city" in text
    with pytest.raises(InputError, match="happiness"):
        design(scheme, values, None, free={"uplift.city": [0.0, 0.3]}, goals=[{"metric": "happiness", "at_least": 1}])


def test_emusim_design_writes_the_pareto_table_and_chart(tmp_path, capsys):
    from emusim.cli import main

    goals = tmp_path / "goals.yaml"
    goals.write_text("budget: 200\npop_size: 20\nseed: 1\nfree:\n  uplift.city: [0.0, 0.3]\n  awards.chairman.quota: [3, 7]\n"
                     "goals:\n  - {metric: groups_awarded, at_least: 10}\n  - {metric: distance, minimize: true}\n", encoding="utf-8")
    out, chart = tmp_path / "pareto.xlsx", tmp_path / "design.png"
    code = main(["design", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune", "--seed", "1",
                 "--period", "2023-11", "--goals", str(goals), "--out", str(out), "--chart", str(chart)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "phương án" in printed
    table = pd.read_excel(out, sheet_name="pareto")
    assert {"set", "meets_goals", "distance", "groups_awarded"} <= set(table.columns)
    assert chart.stat().st_size > 10_000
