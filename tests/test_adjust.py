"""Reforms as data: validated before applied, new scheme returned, old one untouched."""
from __future__ import annotations

import pytest

import emusim as es
from emusim.adjust import parse_set
from emusim.i18n import using_lang


def test_good_paths_give_a_new_scheme(hg_plan):
    s = hg_plan.scheme("commune")
    s2 = s.adjust({"uplift.city": 0.20, "criteria.A.IV.2.target": 0.8, "groups.II.max": 70,
                   "awards.chairman.quota": 7, "proportional_basis": "rate", "gates.G1.mode": "soft"})
    assert s2 is not s
    assert s2.uplift_value("city") == 0.20 and s.uplift_value("city") == 0.15
    assert s2.criterion("A.IV.2").target == 0.8 and s.criterion("A.IV.2").target == 0.75
    assert s2.awards.tier("chairman").quota == 7 and s.awards.tier("chairman").quota == 5
    assert s2.proportional_basis == "rate" and s2.gate("G1").mode == "soft"
    # changing a group maximum rescales its criteria in proportion (50 → 70: × 1.4)
    assert s2.group("II").max == 70
    assert s2.criterion("A.II.1").max == pytest.approx(28)
    assert sum(c.max for c in s2.criteria if c.group == "II") == pytest.approx(70)
    assert s2.base_max == pytest.approx(320)
    # the table shows the change
    assert "changed" in s2._repr_html_()


def test_one_bad_path_among_good_ones_changes_nothing(hg_plan):
    s = hg_plan.scheme("commune")
    before = s.parameters()
    with pytest.raises(es.AdjustError) as info:
        s.adjust({"uplift.city": 0.2, "criteria.A.IV.2.target": 1.5, "criteria.A.X.9.target": 0.5,
                  "awards.chairman.quota": -1, "gates.G1.mode": "maybe", "uplift.suburb": 0.1, "nonsense": 1})
    with using_lang("en"):  # the number rules' messages come from the catalogue (emusim/validate.py)
        msg = str(info.value)
    for needle in ("criteria.A.IV.2.target", "outside [0, 1]", "no criterion 'A.X.9'", "awards.chairman.quota",
                   "must be a whole number from 0", "gates.G1.mode", "unknown urban class 'suburb'", "nonsense"):
        assert needle in msg, needle
    assert len(info.value.problems) == 6
    assert s.parameters() == before


def test_parameters_and_cli_values(hg_plan):
    params = hg_plan.scheme("commune").parameters()
    assert params["uplift.city"] == 0.15 and params["awards.police_director.quota"] == 9
    assert params["criteria.A.IV.2.target"] == 0.75
    assert parse_set("uplift.city=0.2") == ("uplift.city", 0.2)
    assert parse_set("criteria.A.IV.2.target=80%") == ("criteria.A.IV.2.target", 0.8)
    assert parse_set("awards.chairman.quota=null") == ("awards.chairman.quota", None)
    with pytest.raises(es.AdjustError):
        parse_set("uplift.city")


def test_quota_for_standards_scheme():
    s = es.load_plan("tuyen_quang_da06_2022").scheme("commune")
    assert s.awards.tier("chairman").quota is None
    assert s.adjust({"awards.chairman.quota": 5}).awards.tier("chairman").quota == 5
