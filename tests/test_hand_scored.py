"""Scores and awards worked out by hand from KH 186/KH-UBND (Hà Giang, 2023).

Phụ lục 3 (communes) and Phụ lục 2 (districts): every rule (binary with literal points,
proportional on the attainment/rate/threshold bases, per-unit with its cap, capped and
uncapped bonus, uncapped deductions), the urban uplift, each gate, and the awards of a
small province.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import emusim as es

from conftest import perfect_values


def commune_X() -> dict:
    """A rural commune. Hand score (Phụ lục 3), item by item:

    I   A.I.1 plan issued → 5; A.I.2 0.8 × 7 = 5.6; A.I.3 3 documents × 1 = 3;
        A.I.4 budget: "Có được 5đ" (max 6) → 5; A.I.5 no directive → 0          = 18.6
    II  A.II.1 20 × 0.56/0.70 = 16; A.II.2 10 × 0.9 = 9; A.II.3 10; A.II.4 10 × 0.5 = 5 = 40
    III A.III.1 8 × 0.35/0.70 = 4; A.III.2 8; A.III.3 8 × 0.25/0.5 = 4;
        A.III.4 min(0.6/0.5, 1) × 8 = 8; A.III.5 8; A.III.6 10 × 0.5 = 5        = 37
    IV  A.IV.1 12; A.IV.2 11 × 0.60/0.75 = 8.8; A.IV.3 min(0.9/0.75, 1) × 11 = 11;
        A.IV.4 6                                                                = 37.8
    V   A.V.1 10 × 0.9 = 9; A.V.2 7; V.3 7; V.4–V.8 6 each = 30; A.V.9 6 × 0.5 = 3 = 56
    VI  A.VI.1 8; A.VI.3 0; A.VI.4 8; A.VI.5 min(12 × 1, 8) = 8; A.VI.8 10; A.VI.10 2 = 36
    VII A.VII.2 10; A.VII.3 10                                                  = 20
    base = 245.4
    B   B.1 2 datasets × 5 = 10 (uncapped); B.2 1 × 5 + 2 × 10 = 25 → cap 20;
        B.3 1 × 3 + 1 × 5 = 8 (cap 10); B.4 5; B.5 7 points (uncapped)           = 50
    C   C.1 2 × (−1) + 1 × (−2) + 1 × (−5) = −9; C.4 1 × (−5); C.5 2 × (−3) = −6  = −20
    total = 245.4 + 50 − 20 = 275.4
    Gates: G2 registration 0.60 is not "trên 75%"; G4 cleaning 0.9 is not 100 %.
    """
    return {
        "de_an_06_plan_issued": 1, "higher_directives_implemented_rate": 0.8, "problem_solving_directives": 3,
        "de_an_06_budget_allocated": 1, "cadre_eid_directive_issued": 0,
        "dvc_online_rate": 0.56, "dvc_quality_rate": 0.9, "dvc_points_established_rate": 1.0, "accommodation_vneid_rate": 0.5,
        "cccd_health_insurance_use_rate": 0.35, "social_insurance_sync_rate": 1.0, "school_cashless_rate": 0.25,
        "school_cashless_transaction_rate": 0.6, "merit_data_provided_rate": 1.0, "welfare_account_data_rate": 0.5,
        "cccd_application_rate": 1.0, "eid_registration_rate": 0.60, "eid_activation_rate": 0.90, "cadre_eid_rate": 1.0,
        "population_data_cleaned_rate": 0.9, "child_data_cleaned_rate": 1.0, "social_assistance_data_rate": 1.0,
        "poor_household_data_rate": 1.0, "vaccination_data_rate": 1.0, "elderly_association_data_rate": 1.0,
        "farmers_association_data_rate": 1.0, "veterans_association_data_rate": 0.5,
        "emulation_plan_disseminated": 1, "fm_propaganda_directive_issued": 0, "meeting_propaganda_directive_issued": 1,
        "social_media_posts": 12, "commune_centre_pano_rate": 1.0, "other_propaganda_forms": 2,
        "working_group_strengthened": 1, "working_group_trained": 1,
        "other_sector_datasets_cleaned": 2, "central_praise_count": 1, "central_replication_count": 2,
        "province_praise_count": 1, "province_replication_count": 1, "own_de_an_06_commendations_given": 1,
        "arising_task_points": 7,
        "report_late_1_2_days": 2, "report_late_3plus_days": 1, "report_missing": 1, "security_incidents": 0,
        "criticism_central": 0, "criticism_province": 1, "criticism_department": 2,
        "dvc_de_an_06_rate": 0.8, "de_an_06_models_implemented": 1,
    }


def _pick(registry, unit_type, urban_class, level="commune"):
    rows = registry[(registry.level == level) & (registry.unit_type == unit_type) & (registry.urban_class == urban_class)]
    return rows.index[0]


@pytest.fixture(scope="module")
def communes(hg_registry):
    x = _pick(hg_registry, "xã", "rural")
    y = _pick(hg_registry, "thị trấn", "district_town")
    z = _pick(hg_registry, "phường", "city")
    base = commune_X()
    # Y: a township (+10 pp): registration 0.80, activation 0.85, cleaning 100 %
    y_vals = {**base, "eid_registration_rate": 0.80, "eid_activation_rate": 0.85, "population_data_cleaned_rate": 1.0}
    # Z: a city ward (+15 pp): registration 0.95, activation 0.91, cleaning 100 %
    z_vals = {**base, "eid_registration_rate": 0.95, "eid_activation_rate": 0.91, "population_data_cleaned_rate": 1.0}
    values = pd.DataFrame([base, y_vals, z_vals], index=pd.Index([x, y, z], name="locality_id"))
    return x, y, z, values


def test_rural_commune_every_rule(hg_plan, hg_registry, communes):
    x, _, _, values = communes
    st = es.score(hg_plan.scheme("commune"), values, hg_registry)
    row = st.loc[x]
    expected_points = {
        "A.I.1": 5, "A.I.2": 5.6, "A.I.3": 3, "A.I.4": 5, "A.I.5": 0,
        "A.II.1": 16, "A.II.2": 9, "A.II.3": 10, "A.II.4": 5,
        "A.III.1": 4, "A.III.3": 4, "A.III.4": 8, "A.III.6": 5,
        "A.IV.2": 8.8, "A.IV.3": 11, "A.V.1": 9, "A.V.9": 3,
        "A.VI.3": 0, "A.VI.5": 8, "A.VI.10": 2,
        "B.1": 10, "B.2": 20, "B.3": 8, "B.4": 5, "B.5": 7,
        "C.1": -9, "C.2": 0, "C.4": -5, "C.5": -6,
    }
    for cid, pts in expected_points.items():
        assert row[f"points.{cid}"] == pytest.approx(pts, abs=1e-9), cid
    groups = {"I": 18.6, "II": 40, "III": 37, "IV": 37.8, "V": 56, "VI": 36, "VII": 20}
    for g, pts in groups.items():
        assert row[f"group.{g}"] == pytest.approx(pts, abs=1e-9), g
    assert row["base"] == pytest.approx(245.4)
    assert row["bonus"] == pytest.approx(50)
    assert row["deduction"] == pytest.approx(-20)
    assert row["total"] == pytest.approx(275.4)
    assert row["target.A.IV.2"] == pytest.approx(0.75)
    assert not row["gate.G2"] and not row["gate.G4"]
    assert row["gate.G1"] and row["gate.G3"] and row["gate.G5"] and row["gate.G.cadres"] and row["gate.G.model"]
    assert not row["eligible"]


def test_uplift_township_and_city(hg_plan, hg_registry, communes):
    _, y, z, values = communes
    st = es.score(hg_plan.scheme("commune"), values, hg_registry)
    # township: 75 % + 10 pp = 85 %; A.IV.2 = 11 × 0.80/0.85; activation 0.85 meets 85 % in points…
    assert st.loc[y, "target.A.IV.2"] == pytest.approx(0.85)
    assert st.loc[y, "points.A.IV.2"] == pytest.approx(11 * 0.80 / 0.85)
    assert st.loc[y, "points.A.IV.3"] == pytest.approx(11)
    # … but is not "trên 85 %": the strict gate G3 fails at exactly 85 %
    assert not st.loc[y, "gate.G3"] and not st.loc[y, "gate.G2"]
    assert st.loc[y, "total"] == pytest.approx(245.4 + (11 * 0.80 / 0.85 - 8.8) + 1 + 50 - 20)
    # city ward: 75 % + 15 pp = 90 %; 0.95 and 0.91 are above 90 %: eligible
    assert st.loc[z, "gate_target.G2"] == pytest.approx(0.90)
    assert st.loc[z, "gate.G2"] and st.loc[z, "gate.G3"] and st.loc[z, "eligible"]
    assert st.loc[z, "total"] == pytest.approx(245.4 + 2.2 + 1 + 50 - 20)


def test_tolerance_at_the_gate(hg_plan, hg_registry, communes):
    _, _, z, values = communes
    scheme = hg_plan.scheme("commune")
    just_above = values.loc[[z]].assign(eid_activation_rate=0.90 + 1e-12)
    assert not es.score(scheme, just_above, hg_registry).loc[z, "gate.G3"]  # 0.9 + 1e-12 is not above 90 %
    clearly_above = values.loc[[z]].assign(eid_activation_rate=0.90 + 1e-6)
    assert es.score(scheme, clearly_above, hg_registry).loc[z, "gate.G3"]
    # "Hoàn thành 100%" is >=: 1 − 1e-12 counts as 100 %
    nearly_full = values.loc[[z]].assign(cccd_application_rate=1 - 1e-12)
    assert es.score(scheme, nearly_full, hg_registry).loc[z, "gate.G1"]


def test_basis_rate_and_threshold(hg_plan, hg_registry, communes):
    x, _, _, values = communes
    scheme = hg_plan.scheme("commune")
    rate = es.score(scheme.adjust({"proportional_basis": "rate"}), values, hg_registry).loc[x]
    assert rate["points.A.II.1"] == pytest.approx(20 * 0.56)
    assert rate["points.A.IV.3"] == pytest.approx(11 * 0.90)
    threshold = es.score(scheme.adjust({"proportional_basis": "threshold"}), values, hg_registry).loc[x]
    assert threshold["points.A.II.1"] == 0          # 56 % is not above 70 %
    assert threshold["points.A.IV.3"] == 11         # 90 % is above 75 %
    assert threshold["points.A.I.2"] == 0           # 80 % is not 100 %
    # one criterion may keep its own basis
    mixed = es.score(scheme.adjust({"proportional_basis": "rate", "criteria.A.II.1.basis": "attainment"}), values, hg_registry).loc[x]
    assert mixed["points.A.II.1"] == pytest.approx(16) and mixed["points.A.IV.3"] == pytest.approx(9.9)


def test_district_city_target_is_85(hg_plan, hg_registry, catalog):
    """Phụ lục 2 A.IV.2: "Trên 70% … (Thành phố đạt trên 85%)"."""
    districts = hg_registry[hg_registry.level == "district"]
    city = districts[districts.unit_type == "thành phố"].index[0]
    rural = districts[districts.unit_type == "huyện"].index[0]
    scheme = hg_plan.scheme("district")
    values = perfect_values(scheme, [city, rural], catalog)
    values["eid_registration_rate"] = 0.80
    st = es.score(scheme, values, hg_registry)
    assert st.loc[city, "target.A.IV.2"] == pytest.approx(0.85)
    assert st.loc[rural, "target.A.IV.2"] == pytest.approx(0.70)
    assert st.loc[city, "points.A.IV.2"] == pytest.approx(10 * 0.80 / 0.85)
    assert st.loc[rural, "points.A.IV.2"] == pytest.approx(10)
    assert st.loc[rural, "eligible"] and not st.loc[city, "eligible"]  # the city misses "trên 85 %"
    # district deductions differ from communes': −10 per missing report, −100 per incident
    values.loc[rural, ["report_missing", "security_incidents"]] = [1, 1]
    st = es.score(scheme, values, hg_registry)
    assert st.loc[rural, "deduction"] == pytest.approx(-110)
    assert st.loc[rural, "base"] == pytest.approx(300)


def test_perfect_units_score_300(hg_plan, hg_registry, catalog):
    for level in ("district", "commune"):
        scheme = hg_plan.scheme(level)
        ids = hg_registry[hg_registry.level == level].index[:3]
        st = es.score(scheme, perfect_values(scheme, ids, catalog), hg_registry)
        # Phụ lục 3 A.I.4 gives 5 of its 6 points ("Có được 5đ"): 299 for communes
        expected = 299 if level == "commune" else 300
        assert st["base"].tolist() == pytest.approx([expected] * 3)
        assert st["eligible"].all()


# --- awards of a small province ------------------------------------------------------------
def small_province():
    """A province with four districts: D1 has 21 communes (≥ 20 → one extra nominee)."""
    rows = [("P", "Tỉnh Nhỏ", "province", "", "")]
    rows += [("D1", "Thành phố Một", "district", "P", "city"), ("D2", "Huyện Hai", "district", "P", "rural"),
             ("D3", "Huyện Ba", "district", "P", "rural"), ("D4", "Huyện Bốn", "district", "P", "rural")]
    rows += [(f"h{i}", f"Phường {i}", "commune", "D1", "city") for i in range(1, 22)]
    rows += [("a", "Xã A", "commune", "D2", "rural"), ("b", "Xã B", "commune", "D2", "rural"), ("c", "Xã C", "commune", "D2", "rural"),
             ("d", "Xã D", "commune", "D3", "rural"), ("e", "Xã E", "commune", "D3", "rural"),
             ("f", "Xã F", "commune", "D4", "rural"), ("g", "Xã G", "commune", "D4", "rural")]
    reg = pd.DataFrame(rows, columns=["locality_id", "name", "level", "parent_id", "urban_class"]).set_index("locality_id")
    return reg


@pytest.fixture(scope="module")
def small_awards(hg_plan, catalog):
    registry = small_province()
    scheme = hg_plan.scheme("commune").adjust({"awards.chairman.quota": 2, "awards.police_director.quota": 1})
    ids = registry[registry.level == "commune"].index
    values = perfect_values(scheme, ids, catalog)
    # totals = 299 (perfect base) + B.5 points: a 350-ish … chosen so the hand ranking is clear
    extra = {"a": 51, "b": 41, "c": 6, "d": 11, "e": 2, "f": 36, "g": 60, "h1": 31, "h2": 26}
    for k, v in extra.items():
        values.loc[k, "arising_task_points"] = v
    values.loc["g", "cadre_eid_rate"] = 0.97          # g fails the 100 % cadres gate
    values.loc["f", "working_group_trained"] = 0      # f: base 289, total 289 + 36 = 325 = h2's 299 + 26
    st = es.score(scheme, values, registry)
    return registry, scheme, st, es.allocate(st, scheme, registry, lang="en")  # reasons checked word for word below


def test_small_province_awards(small_awards):
    """Nominees: D1 (21 communes) h1 330, h2 325; D2 a 350; D3 d 310; D4 f 325 (g failed a gate).

    Provincial ranking of nominees: a 350, h1 330, h2 325 (base 299), f 325 (base 289), d 310.
    Chairman ≤ 2: a, h1. Police Director ≤ 1: h2 — it ties f on total and wins on base points.
    """
    _, _, st, aw = small_awards
    assert st.loc["a", "total"] == pytest.approx(350) and st.loc["f", "total"] == pytest.approx(325)
    assert aw.loc[["a", "h1"], "award"].tolist() == ["chairman", "chairman"]
    assert aw.loc["h2", "award"] == "police_director"
    assert aw["award"].notna().sum() == 3
    assert set(aw.index[aw.nominated]) == {"a", "h1", "h2", "d", "f"}
    # b (340) is better than the nominees d and f but is D2's second: not nominated, and told why
    assert not aw.loc["b", "nominated"] and aw.loc["b", "award"] is None
    assert "not nominated by Huyện Hai" in aw.loc["b", "reason"]
    assert aw.loc["d", "nominated"] and "below cut-off by 15 points" in aw.loc["d", "reason"]
    assert aw.loc["g", "reason"] == "gate failed: G.cadres"
    assert aw.loc["g", "rank"] == 1 and aw.loc["a", "rank"] == 2     # provincial rank by total, eligible or not
    ties = aw.attrs["ties"]
    assert any(t["winner"] == "h2" and t["loser"] == "f" and t["decided_by"] == "base" for t in ties)
    assert "tie" in aw.loc["f", "reason"] or aw.loc["f", "tie"]


def test_fewer_eligible_means_fewer_awards(small_awards, catalog):
    registry, scheme, _, _ = small_awards
    ids = ["a", "b", "d"]
    values = perfect_values(scheme, ids, catalog)
    st = es.score(scheme.adjust({"awards.chairman.quota": 5}), values, registry)
    aw = es.allocate(st, scheme.adjust({"awards.chairman.quota": 5}), registry)
    assert aw["award"].notna().sum() == 2                # a or b for D2, and d for D3
    assert aw.attrs["awards_given"] == {"chairman": 2, "police_director": 0}


def test_scoring_never_changes_the_input(hg_plan, hg_registry, communes):
    _, _, _, values = communes
    values = values.copy()
    values.iloc[0, 0] = float("nan")
    before = values.copy()
    es.allocate(es.score(hg_plan.scheme("commune"), values, hg_registry), hg_plan.scheme("commune"), hg_registry)
    pd.testing.assert_frame_equal(values, before)
