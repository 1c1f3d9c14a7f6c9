"""The statistical audit, gaming risk and structural alternatives, on small cases worked out by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import emusim as es
from emusim.analysis import alternatives, audit, gaming_risk
from emusim.analysis.audit import variance_shares

# two groups and a bonus; four units. Group I: one proportional row (max 10, target 1.0, so
# points = 10 × rate); group II: a yes/no row worth 6; bonus: 2 points per event, cap 10.
TINY = {
    "kind": "points",
    "unit_level": "commune",
    "groups": [{"id": "I", "part": "A", "max": 10, "assumption": "test"},
               {"id": "II", "part": "A", "max": 6, "assumption": "test"},
               {"id": "III", "part": "A", "max": 4, "assumption": "test"},
               {"id": "B", "part": "B", "assumption": "test"}],
    "criteria": [
        {"id": "A.I.1", "group": "I", "rule": "proportional", "indicator": "eid_activation_rate", "max": 10,
         "target": 1.0, "assumption": "test"},
        {"id": "A.II.1", "group": "II", "rule": "binary", "indicator": "fm_propaganda_directive_issued", "max": 6,
         "points": 6, "assumption": "test"},
        {"id": "A.III.1", "group": "III", "rule": "binary", "indicator": "working_group_trained", "max": 4,
         "points": 4, "assumption": "test"},
        {"id": "B.1", "group": "B", "rule": "bonus", "max": 10, "assumption": "test",
         "events": [{"indicator": "province_praise_count", "points": 2}]},
    ],
    "awards": {"tiers": [{"id": "gold", "quota": 1, "assumption": "test"}]},
}
EID = [0.9, 0.6, 0.5, 0.3]
FM = [0, 1, 1, 0]
WG = [1, 1, 1, 1]          # everyone trained: A.III.1 is saturated
PRAISE = [0, 0, 2, 1]


@pytest.fixture(scope="module")
def tiny():
    scheme = es.scheme_from_dict(TINY, level="commune")
    values = pd.DataFrame({"eid_activation_rate": EID, "fm_propaganda_directive_issued": FM,
                           "working_group_trained": WG, "province_praise_count": PRAISE,
                           "parent_id": "D1", "urban_class": "rural"},
                          index=pd.Index(["u1", "u2", "u3", "u4"], name="locality_id"))
    return scheme, values


def test_variance_shares_sum_to_one_and_match_a_direct_computation(tiny):
    scheme, values = tiny
    a = audit(scheme, values)
    # by hand: group I = 9, 6, 5, 3; II = 0, 6, 6, 0; III = 4 each; bonus = 0, 0, 4, 2
    # totals 13, 16, 19, 9 (mean 14.25); var(total) = 13.6875
    # cov(I, total) = 1.8125 → 0.13242; cov(II, total) = 9.75 → 0.71233; cov(B, total) = 2.125 → 0.15525
    sh = a.shares["variance_share"]
    assert sh.sum() == pytest.approx(1.0)
    assert sh["I"] == pytest.approx(1.8125 / 13.6875)
    assert sh["II"] == pytest.approx(9.75 / 13.6875)
    assert sh["III"] == pytest.approx(0.0)
    assert sh["bonus"] == pytest.approx(2.125 / 13.6875)
    # nominal: the group maxima over the base points (10 + 6 + 4 = 20)
    assert a.shares["nominal_share"][["I", "II", "III"]].tolist() == pytest.approx([0.5, 0.3, 0.2])
    assert a.shares.at["bonus", "nominal_points"] == 10
    direct = pd.DataFrame({"I": [9, 6, 5, 3], "II": [0, 6, 6, 0], "III": [4] * 4, "bonus": [0, 0, 4, 2]})
    tot = direct.sum(axis=1)
    expect = {c: float(np.cov(direct[c], tot, ddof=0)[0, 1] / tot.var(ddof=0)) for c in direct}
    assert sh.to_dict() == pytest.approx(expect)


def test_saturated_and_dead_criteria(tiny):
    scheme, values = tiny
    v = values.assign(province_praise_count=0)
    a = audit(scheme, v)
    assert a.saturated == ["A.III.1"]           # everyone trained: 4 points to all
    assert a.dead == ["B.1"]                    # no praise anywhere
    assert "A.III.1" in " ".join(a.summary("en"))


def test_correlated_criteria_and_outliers():
    doc = dict(TINY, criteria=TINY["criteria"] + [
        {"id": "A.I.2", "group": "I", "rule": "proportional", "indicator": "eid_registration_rate", "max": 5,
         "target": 1.0, "assumption": "test"}])
    scheme = es.scheme_from_dict(doc, level="commune")
    n = 12
    eid = np.linspace(0.3, 0.9, n)
    values = pd.DataFrame({"eid_activation_rate": eid, "eid_registration_rate": eid * 0.9 + 0.05,
                           "fm_propaganda_directive_issued": [0, 1] * 6, "working_group_trained": 1,
                           "province_praise_count": [0, 1, 2, 1, 0, 2, 1, 3, 2, 1, 0, 40], "parent_id": "D1", "urban_class": "rural"},
                          index=pd.Index([f"u{i:02d}" for i in range(n)], name="locality_id"))
    a = audit(scheme, values)
    pair = a.high_correlations.iloc[0]
    assert {pair["a"], pair["b"]} == {"A.I.1", "A.I.2"} and pair["r"] == pytest.approx(1.0)
    assert a.inputs.at["province_praise_count", "outliers"] == 1
    assert "u11" in a.inputs.at["province_praise_count", "outlier_units"]


def test_variance_shares_doctest_helper():
    x = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]})
    assert variance_shares(x).isna().all()      # the total does not vary: no shares


def test_audit_on_ha_giang_bonus_and_deductions_drive_half_the_variance():
    reg = es.load_registry("ha_giang_2023")
    scheme = es.load_plan("ha_giang_186_2023").scheme("commune")
    values = es.simulate(reg, seed=1).at("2023-11")
    a = audit(scheme, values, reg)
    sh = a.shares["variance_share"]
    assert sh.sum() == pytest.approx(1.0)
    assert 0.40 <= sh["bonus"] + sh["deduction"] <= 0.60
    assert sh["IV"] < 0.05 and sh["VII"] < 0.05
    assert [w.key for w in a.warnings] == ["analysis.audit_bonus_deduction"]


def test_audit_of_a_standards_scheme_decomposes_the_standards_met():
    plan = es.load_plan("lao_cai_cds_2022")
    reg = es.load_registry(plan.registry)
    scheme = plan.scheme("commune")
    values = es.simulate(reg, seed=1).at(plan.evaluation_period)
    a = audit(scheme, values, reg)
    assert a.shares["variance_share"].sum() == pytest.approx(1.0)
    assert a.shares["nominal_share"].tolist() == pytest.approx([1 / len(a.shares)] * len(a.shares))


# ------------------------------------------------------------------ gaming risk
def test_gaming_ranks_a_planted_cheap_claim_first(tiny):
    scheme, values = tiny
    g = gaming_risk(scheme, values)
    top = g.cheapest.iloc[0]
    # a "yes" on fm_propaganda_directive_issued pays 6 points for one claim (cost 1): 6 per cost;
    # +1 pp on eID activation pays 0.1 point; one more praise pays 2 points for cost 2 (1 per cost)
    assert (top["criterion"], top["effort"], top["self_declared"]) == ("A.II.1", "claim", True)
    assert top["points_per_cost"] == pytest.approx(6.0) and top["units_can_gain"] == 2
    row = g.cheapest.set_index("criterion").loc["A.I.1"]
    assert row["points_per_step"] == pytest.approx(0.1) and row["effort"] == "pp"
    row = g.cheapest.set_index("criterion").loc["B.1"]
    assert row["points_per_step"] == pytest.approx(2.0) and row["points_per_cost"] == pytest.approx(1.0)
    assert "A.III.1" not in set(g.cheapest["criterion"])     # everyone already said yes: nothing to gain


def test_gaming_flags_a_winner_who_wins_only_through_claims(tiny):
    scheme, values = tiny
    g = gaming_risk(scheme, values)
    # u3 wins (19 points); without its two yes answers (6 + 4) it has 9 and u2 (16) wins instead
    assert g.claims.at["u3", "award"] == "gold" and g.claims.at["u3", "claim_points"] == 10
    assert g.claims.at["u3", "award_without_claims"] is None
    assert list(g.flags.index) == ["u3"] and [w.key for w in g.warnings] == ["analysis.gaming_flag"]
    assert "u3" not in set(g.claims.index[g.claims["award"].isna() & g.claims["depends_on_claims"]])


# ------------------------------------------------------------------ alternatives
def test_alternatives_name_each_option_and_count_award_changes_with_diff(tiny):
    scheme, values = tiny
    alts = alternatives(scheme, values, extra={"no_bonus_cap": {"criteria.B.1.max": 100}})
    tab = alts.table
    assert {"equal_groups", "basis:rate", "drop:A.I.1", "drop:A.II.1", "drop:A.III.1", "drop:B.1",
            "no_bonus_cap"} <= set(tab.index)
    # without A.II.1 (the claim): totals 13, 10, 13, 9 → u1 wins on the tie-break (base 13 vs 9)
    r = tab.loc["drop:A.II.1"]
    assert (r["gains"], r["losses"]) == (1, 1)
    d = alts.diffs["drop:A.II.1"]
    assert d.gains == ["u1"] and d.losses == ["u3"]
    # A.III.1 gives everyone 4 points: dropping it moves nothing
    assert tab.loc["drop:A.III.1", "award_changes"] == 0 and tab.loc["drop:A.III.1", "spearman"] == pytest.approx(1.0)
    assert tab.loc["drop:A.III.1", "mean_abs_rank_shift"] == 0
    assert tab.loc["no_bonus_cap", "kind"] == "extra"
    with pytest.raises(es.InputError, match="'bad'.*đường dẫn không có"):
        alternatives(scheme, values, extra={"bad": {"nonsense.path": 1}})


def test_alternatives_include_missing_policy_only_when_the_scheme_has_it(tiny):
    scheme, values = tiny
    names = set(alternatives(scheme, values, include_drops=False).table.index)
    assert not any(n.startswith("missing:") for n in names) or "missing" in scheme.parameters()


def test_cli_audit_prints_the_findings_and_writes_the_tables(tmp_path, capsys):
    import openpyxl

    from emusim.cli import main

    out = tmp_path / "audit.xlsx"
    rc = main(["audit", "--plan", "lao_cai_cds_2022", "--level", "commune", "--seed", "1", "--out", str(out),
               "--lang", "en"])
    text = capsys.readouterr().out
    assert rc == 0 and "Statistical audit of the scheme" in text and "Structural alternatives" in text
    wb = openpyxl.load_workbook(out)
    assert {"variance_shares", "criteria", "cheapest_points", "claims", "alternatives"} <= set(wb.sheetnames)
    assert main(["audit", "--plan", "lao_cai_cds_2022", "--level", "commune", "--seed", "1", "--out", str(out)]) == 2
    assert main(["audit", "--plan", "ha_giang_186_2023", "--level", "commune", "--seed", "1", "--period", "2023-11",
                 "--no-alternatives"]) == 0
    assert "Kiểm định thống kê" in capsys.readouterr().out


def test_gaming_scores_the_perturbed_copies_exactly_as_one_by_one():
    from emusim.analysis.gaming import _score_perturbed

    reg = es.load_registry("ha_giang_2023")
    scheme = es.load_plan("ha_giang_186_2023").scheme("commune")
    values = es.simulate(reg, seed=1).at("2023-11")
    st = es.score(scheme, values, reg)
    new = {"eid_activation_rate": (values.loc[st.index, "eid_activation_rate"] + 0.01).clip(upper=1.0),
           "de_an_06_plan_issued": pd.Series(1.0, index=st.index)}
    stacked = _score_perturbed(scheme, values, reg, st, new)
    for ind, col in new.items():
        v2 = values.copy()
        v2.loc[st.index, ind] = col.to_numpy()
        direct = es.score(scheme, v2, reg)
        cols = [c for c in direct.columns if c.startswith("points.") or c in ("total", "eligible")]
        pd.testing.assert_frame_equal(stacked[ind][cols], direct[cols], check_dtype=False)
