"""Lint finds what is wrong with the plans, and confirms what is right."""
from __future__ import annotations

import emusim as es


def _messages(plan, level=None):
    return [f for f in es.lint(plan) if level is None or f.level == level]


def test_ha_giang_findings(hg_plan):
    findings = es.lint(hg_plan)
    text = [str(f) for f in findings]
    a14 = [f for f in findings if f.code == "literal-points" and f.item == "A.I.4"]
    assert a14 and "ha_giang_186_2023.yaml" in a14[0].location and "maximum is 6 but the formula gives 5" in a14[0].text("en")
    assert "điểm tối đa là 6 nhưng cách tính cho 5 điểm" in a14[0].message and "[cấp xã A.I.4]" in str(a14[0])
    gaps = {f.item: f.text("en") for f in findings if f.code == "numbering-gap"}
    assert "2, 6, 7, 9 are missing" in gaps["A.VI"] and "1 is missing" in gaps["A.VII"]
    # confirmations, not flags
    ok = [f for f in findings if f.code == "base-sum-ok"]
    assert len(ok) == 2 and all("300" in f.message for f in ok)
    assert all(f.level == "info" and ": ghi chú: " in str(f) for f in ok)
    assert not [f for f in findings if f.code in ("base-sum", "group-sum", "quota-total")]
    quota = [f.text("en") for f in findings if f.code == "quota-total-ok"]
    for needle in ("18 collectives", "23 individuals", "26 collectives", "27 individuals"):
        assert any(needle in m for m in quota), needle
    assert not [t for t in text if ": error:" in t]


def test_lao_cai_duplicate_standard():
    plan = es.load_plan("lao_cai_cds_2022")
    dup = [f for f in es.lint(plan) if f.code == "duplicate-standard"]
    assert len(dup) == 1 and "Trên 90% báo cáo định kỳ" in dup[0].message and "agency" in dup[0].where("en")
    assert "[khối sở, ban, ngành a.4]" in dup[0].location and "chỉ tính một lần" in dup[0].message


def test_lint_reports_inconsistent_sums_and_sources(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("""
plan: {id: bad}
award_totals:
  - {tier: chairman, collectives: 10, ref: IV, text: "không quá 10 tập thể"}
levels:
  commune:
    kind: points
    base_max: 30
    groups:
      - {id: I, max: 20, ref: x, text: y}
    criteria:
      - {id: A.I.1, group: I, rule: binary, indicator: emulation_registered, max: 5, points: 5}
      - {id: A.I.2, group: I, rule: proportional, indicator: eid_activation_rate, max: 10, uplift: true, ref: x, text: y}
    awards:
      tiers:
        - {id: chairman, quota: 3, ref: x, text: y}
""", encoding="utf-8")
    codes = {f.code: f for f in es.lint(es.load_plan(bad))}
    assert "group-sum" in codes and "adds up to 15" not in codes["group-sum"].text("en")
    assert "items add up to 15" in codes["group-sum"].text("en")
    assert "các tiêu chí của nhóm cộng lại được 15" in codes["group-sum"].message
    assert "base-sum" in codes and "no-source" in codes and "quota-total" in codes and "uplift-missing" in codes
    assert codes["no-source"].item == "A.I.1" and "bad.yaml:12" in codes["no-source"].location
