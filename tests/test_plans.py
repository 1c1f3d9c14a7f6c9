"""The five plans load, add up, and say what the plans say."""
from __future__ import annotations

import datetime as dt

import pytest

import emusim as es
from conftest import SCENARIOS


def test_all_five_plans_load():
    ids = {es.load_plan(p).id for p in SCENARIOS}
    assert ids == {"ha_giang_186_2023", "tuyen_quang_da06_2022", "tuyen_quang_cds_2022",
                   "tuyen_quang_kh21_2025", "lao_cai_cds_2022"}


@pytest.mark.parametrize("level", ["district", "commune"])
def test_ha_giang_point_tables_sum_to_300(hg_plan, level):
    scheme = hg_plan.scheme(level)
    assert scheme.kind == "points" and scheme.base_max == 300
    base = [c for c in scheme.criteria if c.part == "A"]
    assert sum(c.max for c in base) == pytest.approx(300)
    stated = {"I": 30, "II": 50, "III": 50, "IV": 40, "V": 60, "VI": 50, "VII": 20}
    for g, mx in stated.items():
        assert scheme.group(g).max == mx
        assert sum(c.max for c in base if c.group == g) == pytest.approx(mx)


def test_ha_giang_levels_and_rules(hg_plan):
    assert {"district", "commune", "village", "agency", "enterprise"} <= set(hg_plan.levels)
    commune = hg_plan.scheme("commune")
    a14 = commune.criterion("A.I.4")
    assert (a14.rule, a14.max, a14.points) == ("binary", 6, 5)   # "max 6 … Có được 5đ", kept as written
    assert [c.id for c in commune.criteria if c.group == "VI"] == ["A.VI.1", "A.VI.3", "A.VI.4", "A.VI.5", "A.VI.8", "A.VI.10"]
    assert commune.uplift_value("district_town") == pytest.approx(0.10)
    assert commune.uplift_value("city") == pytest.approx(0.15)
    assert hg_plan.scheme("district").uplift_value("city") == pytest.approx(0.15)
    # deductions differ by level: −10 vs −5 per missing report, −100 vs −50 per incident; B.3 cap 15 vs 10
    def event_points(level, cid, ind):
        return next(e.points for e in hg_plan.scheme(level).criterion(cid).events if e.indicator == ind)
    assert event_points("district", "C.1", "report_missing") == -10
    assert event_points("commune", "C.1", "report_missing") == -5
    assert event_points("district", "C.2", "security_incidents") == -100
    assert event_points("commune", "C.2", "security_incidents") == -50
    assert hg_plan.scheme("district").criterion("B.3").max == 15
    assert hg_plan.scheme("commune").criterion("B.3").max == 10
    assert hg_plan.scheme("commune").criterion("B.1").max is None          # "Theo nhiệm vụ phát sinh"


def test_ha_giang_awards(hg_plan):
    commune = hg_plan.scheme("commune").awards
    assert [(t.id, t.quota, t.quota_individuals) for t in commune.allocated_tiers] == [("chairman", 5, 5), ("police_director", 9, 10)]
    assert commune.nomination.per_parent == 1 and commune.nomination.extra_per_parent == 1
    assert commune.nomination.extra_min_children == 20 and commune.nomination.extra_source.assumption
    village = hg_plan.scheme("village").awards
    assert [(t.id, t.quota) for t in village.allocated_tiers] == [("chairman", 5), ("police_director", 17)]
    assert village.nomination.per_parent == 2 and village.nomination.parent_level == "district"
    assert {(t.tier, t.collectives, t.individuals) for t in hg_plan.award_totals} == {("chairman", 18, 23), ("police_director", 26, 27)}
    dates = {t.date for t in hg_plan.timeline}
    assert {dt.date(2023, 11, 30), dt.date(2023, 12, 5), dt.date(2023, 12, 15)} <= dates


def test_ha_giang_gates(hg_plan):
    district = hg_plan.scheme("district")
    g2 = district.gate("G2")
    assert (g2.op, g2.target, g2.uplift, g2.mode) == (">", 0.70, True, "hard")
    assert {"G.cadres", "G.model"} <= {g.id for g in district.gates}
    assert len([g for g in district.gates if g.id.startswith("G") and g.id[1:].isdigit()]) == 7
    assert len([g for g in hg_plan.scheme("commune").gates if g.id[1:].isdigit()]) == 5


def test_kh21_has_70_tasks_with_deadlines():
    plan = es.load_plan("tuyen_quang_kh21_2025")
    tasks = plan.scheme("tasks")
    assert tasks.kind == "tasks"
    per_group = {}
    for t in tasks.tasks:
        per_group[t.group] = per_group.get(t.group, 0) + 1
    assert [per_group[g.id] for g in tasks.task_groups] == [10, 10, 6, 6, 7, 30, 1]
    for t in tasks.tasks:
        assert t.deadline is None or t.deadline == "recurring" or isinstance(t.deadline, dt.date)
        assert t.lead, t.id
    july = [t for t in tasks.tasks if "07/2025" in t.deadline_text and "Hoàn thành trong tháng" in t.deadline_text]
    assert july and all(t.deadline == dt.date(2025, 7, 31) for t in july)
    assert any(t.recurring for t in tasks.tasks)
    assert any(t.deadline is None and "Trung ương" in t.deadline_text for t in tasks.tasks)
    monthly = next(r for r in tasks.reporting if r.id == "monthly")
    assert (monthly.day, monthly.window_start_day, monthly.window_end_day) == (9, 8, 7)
    assert not monthly.inclusive                         # "Gửi trước ngày mùng 9": before the 9th
    yearly = next(r for r in tasks.reporting if r.id == "yearly")
    assert yearly.date == dt.date(2025, 12, 9) and not yearly.inclusive
    assert any(t.target == 0.8 for t in tasks.targets) and any(t.target == 0.4 for t in tasks.targets)


def test_standards_plans_have_thresholds_and_no_quota():
    tq = es.load_plan("tuyen_quang_da06_2022")
    agency = tq.scheme("agency")
    assert agency.kind == "standards"
    targets = sorted({c.target for c in agency.criteria})
    assert {0.2, 0.5, 1.0} <= set(targets)
    assert all(t.quota is None for t in agency.awards.allocated_tiers)
    cds = es.load_plan("tuyen_quang_cds_2022")
    assert any(c.target == 0.6 for c in cds.scheme("commune").criteria)       # 60 % of commune work files online
    assert any(c.target == 0.8 for c in cds.scheme("agency").criteria)
    lc = es.load_plan("lao_cai_cds_2022")
    # IV.1: "Các sở, ban, ngành, đoàn thể tỉnh, UBND các huyện, thị xã, thành phố, và các doanh
    # nghiệp … đăng ký thi đua": those levels must register; communes are not in the list, so
    # their registration gate is kept as an option, off by default (issue 10).
    for level in lc.levels:
        gates = lc.scheme(level).gates + lc.scheme(level).gates_off
        mode = "off" if level == "commune" else "hard"
        assert any(g.indicator == "emulation_registered" and g.mode == mode for g in gates), level
    assert {t.date for t in lc.timeline} >= {dt.date(2022, 4, 1)}


def test_every_criterion_cites_its_source():
    for path in SCENARIOS:
        plan = es.load_plan(path)
        for s in plan.schemes.values():
            for c in s.criteria:
                assert c.source.cited, (plan.id, s.level, c.id)
            for g in s.gates:
                assert g.source.cited, (plan.id, s.level, g.id)


def test_scheme_table_in_notebook(hg_plan):
    html = hg_plan.scheme("commune")._repr_html_()
    assert "Điểm tối đa" in html and "A.IV.2" in html and "Phụ lục 3" in html and "&gt; 75%" in html
    assert "<table" in hg_plan._repr_html_()
    assert "<table" in es.load_plan("tuyen_quang_kh21_2025").scheme("tasks")._repr_html_()
