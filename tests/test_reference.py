"""Unit tests of the plain reference (emusim.reference) on tiny hand-made schemes.

One test per rule of DESIGN §3 / KH 186/KH-UBND, with the arithmetic worked out in the
comments. These pin the oracle itself, so that the property tests (engine == reference)
check the engine against the plan and not against a copy of its own mistakes.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from emusim import reference as R
from emusim.loader import scheme_from_dict

SRC = {"assumption": "unit test"}


def points(criteria, **kw):
    return scheme_from_dict({"kind": "points", "criteria": criteria, **kw})


def one(scheme, urban="rural", **values):
    return R.score_unit(scheme, values, urban)


# --------------------------------------------------------------------------- proportional
def test_proportional_attainment():
    # "Điểm = Tỷ lệ x điểm tối đa", basis attainment: 20 × clip(v / 0.7, 0, 1)
    s = points([{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 20, "target": 0.7}])
    assert one(s, x=0.35)["points.A.1"] == pytest.approx(10.0)   # 20 × 0.5
    assert one(s, x=0.70)["points.A.1"] == pytest.approx(20.0)   # 20 × 1
    assert one(s, x=0.90)["points.A.1"] == pytest.approx(20.0)   # clipped at 1
    assert one(s, x=-0.1)["points.A.1"] == 0.0                   # clipped at 0
    assert one(s, x=0.35)["target.A.1"] == 0.7


def test_proportional_default_target_is_100_percent():
    # no target in the row: target 1.0, so attainment = the rate itself: 10 × 0.42 = 4.2
    s = points([{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 10}])
    assert one(s, x=0.42)["points.A.1"] == pytest.approx(4.2)
    assert one(s, x=0.42)["target.A.1"] == 1.0


def test_proportional_zero_target_is_attained_by_anything():
    s = points([{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 10, "target": 0.0}])
    assert one(s, x=0.0)["points.A.1"] == 10.0


def test_proportional_rate_basis():
    # basis rate: 20 × clip(v, 0, 1) = 20 × 0.35 = 7, whatever the target
    s = points([{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 20, "target": 0.7}],
               proportional_basis="rate")
    assert one(s, x=0.35)["points.A.1"] == pytest.approx(7.0)
    assert one(s, x=1.5)["points.A.1"] == pytest.approx(20.0)


def test_proportional_threshold_basis_and_tolerance():
    # "Trên 70 %" (>): 0.7 + 1e-12 is not above 70 % (within tolerance 1e-9); 0.70001 is
    s = points([{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 20, "target": 0.7,
                 "op": ">", "basis": "threshold"}])
    assert one(s, x=0.7 + 1e-12)["points.A.1"] == 0.0
    assert one(s, x=0.70001)["points.A.1"] == 20.0
    # "đạt 75 %" (>=): 0.75 − 1e-12 is at least 75 %; 0.7499 is not
    s = points([{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 20, "target": 0.75,
                 "op": ">=", "basis": "threshold"}])
    assert one(s, x=0.75 - 1e-12)["points.A.1"] == 20.0
    assert one(s, x=0.7499)["points.A.1"] == 0.0


def test_urban_uplift_is_additive_and_capped():
    # commune 75 % → thị trấn 85 % (+10 pp), thành phố 90 % (+15 pp); 95 % + 15 pp → 100 %
    up = {"district_town": {"value": 0.10, **SRC}, "city": {"value": 0.15, **SRC}}
    s = points([{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 10, "target": 0.75, "uplift": True},
                {"id": "A.2", "rule": "proportional", "indicator": "x", "max": 10, "target": 0.95, "uplift": True},
                {"id": "A.3", "rule": "proportional", "indicator": "x", "max": 10, "target": 0.75}], uplift=up)
    rural, town, city = one(s, "rural", x=0.85), one(s, "district_town", x=0.85), one(s, "city", x=0.85)
    assert rural["target.A.1"] == 0.75 and town["target.A.1"] == pytest.approx(0.85) and city["target.A.1"] == pytest.approx(0.90)
    assert rural["points.A.1"] == 10.0                           # 0.85 / 0.75 > 1 → 10
    assert town["points.A.1"] == pytest.approx(10.0)             # 0.85 / 0.85 = 1 → 10
    assert city["points.A.1"] == pytest.approx(10 * 0.85 / 0.90)  # 9.444…
    assert city["target.A.2"] == 1.0                             # min(0.95 + 0.15, 1)
    assert city["target.A.3"] == 0.75                            # row not marked uplift
    assert one(s, "town", x=0.85)["target.A.1"] == 0.75          # class not named: +0


# --------------------------------------------------------------------------- binary, per unit
def test_binary_keeps_the_literal_points():
    # Annex 3 A.I.4: max 6 but "Có được 5đ; không có được 0đ" → 5 when true
    s = points([{"id": "A.1", "rule": "binary", "indicator": "b", "max": 6, "points": 5},
                {"id": "A.2", "rule": "binary", "indicator": "b", "max": 3}])   # "Có được 3đ"
    assert one(s, b=1)["points.A.1"] == 5.0
    assert one(s, b=1)["points.A.2"] == 3.0
    assert one(s, b=0)["points.A.1"] == 0.0
    assert one(s, b=0.5)["points.A.1"] == 5.0                     # true means ≥ 0.5
    assert one(s, b=0.49)["points.A.1"] == 0.0


def test_per_unit_capped_at_row_maximum():
    # "mỗi văn bản cộng 01 điểm", max 5: 3 documents → 3, 7 → 5; "Số DVC x 0,5đ": 12 × 0.5 = 6 → 5
    s = points([{"id": "A.1", "rule": "per_unit", "indicator": "docs", "max": 5, "unit": 1},
                {"id": "A.2", "rule": "per_unit", "indicator": "dvc", "max": 5, "unit": 0.5}])
    assert one(s, docs=3, dvc=4)["points.A.1"] == 3.0
    assert one(s, docs=3, dvc=4)["points.A.2"] == 2.0
    assert one(s, docs=7, dvc=12)["points.A.1"] == 5.0
    assert one(s, docs=7, dvc=12)["points.A.2"] == 5.0
    assert one(s, docs=-2, dvc=0)["points.A.1"] == 0.0


# --------------------------------------------------------------------------- bonus, deduction, total
def test_bonus_events_capped_and_uncapped():
    # B: 5 per central commendation, 10 per replication; capped at 20, or uncapped
    events = [{"indicator": "commend", "points": 5}, {"indicator": "replic", "points": 10}]
    s = points([{"id": "B.1", "rule": "bonus", "events": events, "max": 20},
                {"id": "B.2", "rule": "bonus", "events": events}])          # "Theo nhiệm vụ phát sinh"
    r = one(s, commend=1, replic=1)
    assert r["points.B.1"] == 15.0 and r["points.B.2"] == 15.0              # 5 + 10
    r = one(s, commend=1, replic=3)
    assert r["points.B.1"] == 20.0 and r["points.B.2"] == 35.0              # 5 + 30, capped / not
    assert r["bonus"] == 55.0 and r["base"] == 0.0


def test_deduction_is_never_capped():
    # C.1 "chậm từ 1-2 ngày trừ 01 điểm/VB; từ 3 ngày trở lên trừ 02 điểm/VB; không báo cáo trừ
    # 10 điểm/VB" — "Không hạn chế": 2 × −1 + 1 × −2 + 1 × −10 = −14; 200 missing → −2000
    s = points([{"id": "C.1", "rule": "deduction", "events": [
        {"indicator": "late12", "points": -1}, {"indicator": "late3", "points": -2},
        {"indicator": "missing", "points": -10}]}])
    assert one(s, late12=2, late3=1, missing=1)["deduction"] == -14.0
    assert one(s, late12=0, late3=0, missing=200)["deduction"] == -2000.0


def test_total_is_base_plus_bonus_plus_deduction_with_group_subtotals():
    s = scheme_from_dict({
        "kind": "points",
        "groups": [{"id": "I", "max": 10, **SRC}, {"id": "II", "max": 10, **SRC},
                   {"id": "B", "part": "B", **SRC}, {"id": "C", "part": "C", **SRC}],
        "criteria": [
            {"id": "A.I.1", "group": "I", "rule": "binary", "indicator": "b", "max": 3},           # 3
            {"id": "A.I.2", "group": "I", "rule": "proportional", "indicator": "x", "max": 7},    # 7 × 0.5 = 3.5
            {"id": "A.II.1", "group": "II", "rule": "per_unit", "indicator": "n", "max": 10, "unit": 2},  # 2 × 2 = 4
            {"id": "B.1", "group": "B", "rule": "bonus", "events": [{"indicator": "e", "points": 5}]},     # 5
            {"id": "C.1", "group": "C", "rule": "deduction", "events": [{"indicator": "d", "points": -2}]},  # −2
        ]})
    r = one(s, b=1, x=0.5, n=2, e=1, d=1)
    assert r["group.I"] == pytest.approx(6.5) and r["group.II"] == 4.0
    assert "group.B" not in r and "group.C" not in r      # subtotals of base points only
    assert r["base"] == pytest.approx(10.5) and r["bonus"] == 5.0 and r["deduction"] == -2.0
    assert r["total"] == pytest.approx(13.5)              # 10.5 + 5 − 2


def test_missing_values_earn_nothing():
    s = points([{"id": "A.1", "rule": "binary", "indicator": "b", "max": 3},
                {"id": "A.2", "rule": "proportional", "indicator": "x", "max": 10},
                {"id": "C.1", "rule": "deduction", "events": [{"indicator": "d", "points": -5}]}],
               gates=[{"id": "G1", "indicator": "x", "op": ">=", "target": 0.0, **SRC}])
    r = one(s, b=float("nan"), x=None, d=float("nan"))
    assert r["total"] == 0.0 and r["gate.G1"] is True     # NaN → 0, and 0 ≥ 0 %


# --------------------------------------------------------------------------- gates, standards
def test_hard_and_soft_gates():
    # (2) "Trên 75% công dân … đăng ký tài khoản ĐDĐT" (hard, uplifted), a soft gate only flags
    s = points([{"id": "A.1", "rule": "binary", "indicator": "b", "max": 3}],
               uplift={"city": {"value": 0.15, **SRC}},
               gates=[{"id": "G2", "indicator": "eid", "op": ">", "target": 0.75, "uplift": True, **SRC},
                      {"id": "G9", "indicator": "model", "op": ">=", "target": 1, "mode": "soft", **SRC}])
    r = one(s, "rural", b=1, eid=0.80, model=0)
    assert r["gate.G2"] is True and r["gate.G9"] is False and r["eligible"] is True
    r = one(s, "city", b=1, eid=0.80, model=1)            # city target 90 %: 80 % fails
    assert r["gate_target.G2"] == pytest.approx(0.90) and r["gate.G2"] is False and r["eligible"] is False
    r = one(s, "rural", b=1, eid=0.75 + 1e-12, model=1)   # not *above* 75 %
    assert r["gate.G2"] is False


def test_standards_count_margin_and_min_met():
    crit = [{"id": "a.1", "rule": "standard", "indicator": "x", "op": ">=", "target": 0.8, **SRC},
            {"id": "a.2", "rule": "standard", "indicator": "y", "op": ">", "target": 0.5, **SRC},
            {"id": "a.3", "rule": "standard", "indicator": "z", "op": "<=", "target": 0.1, **SRC}]
    s = scheme_from_dict({"kind": "standards", "criteria": crit})
    r = one(s, x=0.9, y=0.4, z=0.05)
    # met: 0.9 ≥ 0.8 yes, 0.4 > 0.5 no, 0.05 ≤ 0.1 yes → 2; margins 0.1, −0.1, 0.05 → mean 0.05/3
    assert (r["met.a.1"], r["met.a.2"], r["met.a.3"]) == (True, False, True)
    assert r["n_met"] == 2 and r["total"] == 2.0 and r["base"] == 2.0
    assert r["margin"] == pytest.approx(0.05 / 3)
    assert r["eligible"] is False                          # all must hold
    s2 = scheme_from_dict({"kind": "standards", "criteria": crit, "min_met": 2})
    assert one(s2, x=0.9, y=0.4, z=0.05)["eligible"] is True


# --------------------------------------------------------------------------- score(), allocate()
def _registry():
    rows = [("P", "Tỉnh", "province", None, None),
            ("D1", "Thành phố", "district", "P", "city"), ("D2", "Huyện A", "district", "P", "rural"),
            ("101", "Phường 1", "commune", "D1", "city"), ("102", "Phường 2", "commune", "D1", "city"),
            ("103", "Xã 3", "commune", "D1", None),
            ("201", "Xã 4", "commune", "D2", "rural"), ("202", "Thị trấn", "commune", "D2", "district_town")]
    return pd.DataFrame(rows, columns=["locality_id", "name", "level", "parent_id", "urban_class"]).set_index("locality_id")


def test_score_selects_the_scheme_level_and_reads_urban_class():
    s = points([{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 10, "target": 0.75, "uplift": True}],
               unit_level="commune", uplift={"city": {"value": 0.15, **SRC}})
    vals = pd.DataFrame({"x": [0.9, 0.9, 0.9, 0.9]}, index=["101", "103", "D1", "P"])
    t = R.score(s, vals, _registry())
    assert list(t.index) == ["101", "103"]                 # districts and province skipped
    assert t.loc["101", "urban_class"] == "city" and t.loc["103", "urban_class"] == "rural"  # empty → rural
    assert t.loc["101", "target.A.1"] == pytest.approx(0.90) and t.loc["103", "target.A.1"] == 0.75
    assert t.loc["101", "parent_id"] == "D1"


def _table(rows):
    """A score table from (id, total, base, deduction, eligible) rows."""
    df = pd.DataFrame(rows, columns=["locality_id", "total", "base", "deduction", "eligible"]).set_index("locality_id")
    df["bonus"] = df["total"] - df["base"] - df["deduction"]
    return df


def _awards(tiers, nomination=None):
    aw = {"tiers": [{"id": t, "quota": q, **SRC} for t, q in tiers]}
    if nomination:
        aw["nomination"] = nomination
    return points([{"id": "A.1", "rule": "binary", "indicator": "b", "max": 3}], unit_level="commune", awards=aw)


def test_tie_break_chain():
    # all total 50: 103 has more base points; 101 and 102 equal base, 102 fewer deductions
    # (−1 > −3); 201 and 202 equal on everything → code order 201 < 202
    st = _table([("101", 50, 45, -3, True), ("102", 50, 45, -1, True), ("103", 50, 48, 0, True),
                 ("202", 50, 40, 0, True), ("201", 50, 40, 0, True)])
    aw = R.allocate(st, _awards([("chairman", 2), ("police", 2)]))
    assert aw["rank"].to_dict() == {"101": 3, "102": 2, "103": 1, "202": 5, "201": 4}
    assert aw["award"].to_dict() == {"101": "police", "102": "chairman", "103": "chairman",
                                     "202": None, "201": "police"}


def test_quotas_are_caps_and_none_takes_the_rest():
    st = _table([("101", 90, 90, 0, True), ("102", 80, 80, 0, False), ("103", 70, 70, 0, True),
                 ("201", 60, 60, 0, True), ("202", 50, 50, 0, True)])
    # quota 5 but only 4 eligible → 4 awards ("không quá" is a cap)
    aw = R.allocate(st, _awards([("chairman", 5)]))
    assert aw["award"].notna().sum() == 4 and aw.loc["102", "award"] is None
    assert aw.loc["102", "reason"] == "not eligible"
    # quota 0 then None: the first tier gives nothing, the second everyone left
    aw = R.allocate(st, _awards([("chairman", 0), ("police", None)]))
    assert aw["award"].dropna().tolist() == ["police"] * 4
    # 1 then 1: the rest are below the cut-off
    aw = R.allocate(st, _awards([("chairman", 1), ("police", 1)]))
    assert aw["award"].to_dict() == {"101": "chairman", "102": None, "103": "police", "201": None, "202": None}
    assert aw.loc["201", "reason"] == "below cut-off"


def test_nomination_per_parent_with_extra_for_large_parents():
    # "mỗi huyện, thành phố lựa chọn 01 tập thể …; huyện có nhiều xã … thêm 01":
    # D1 has 3 communes in the registry (≥ 3 → 2 nominees), D2 has 2 (→ 1 nominee)
    reg = _registry()
    st = _table([("101", 90, 90, 0, True), ("102", 80, 80, 0, True), ("103", 95, 95, 0, False),
                 ("201", 70, 70, 0, True), ("202", 85, 85, 0, True)])
    nom = {"parent_level": "district", "per_parent": 1, "extra": {"per_parent": 1, "min_children": 3, **SRC}, **SRC}
    aw = R.allocate(st, _awards([("chairman", 2), ("police", None)], nom), reg)
    # D1: 103 is not eligible; 101 and 102 are nominated. D2: 202 (85) beats 201 (70).
    assert aw["nominated"].to_dict() == {"101": True, "102": True, "103": False, "201": False, "202": True}
    assert aw["parent_id"].to_dict() == {"101": "D1", "102": "D1", "103": "D1", "201": "D2", "202": "D2"}
    # nominees ranked 101 (90), 202 (85), 102 (80): chairman ×2, then police
    assert aw["award"].to_dict() == {"101": "chairman", "102": "police", "103": None, "201": None, "202": "chairman"}
    assert aw.loc["201", "reason"] == "not nominated by D2"
    assert aw["nominee_rank"].to_dict()["202"] == 2.0 and math.isnan(aw["nominee_rank"].to_dict()["201"])
