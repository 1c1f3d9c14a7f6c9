"""Issue 10, fidelity second pass: each test quotes the plan's words it checks.

Shared caps, "trước ngày" in timelines, Tuyên Quang CĐS b.4's digital-signature part, Hà
Giang III.1.1's initiatives, items the plan states outright, deadlines inside point-table
rows, Lào Cai's registration and its standard printed twice, and the readings that change
who wins (emusim.readings).
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import emusim as es
from emusim import reference
from emusim.i18n import catalogue
from emusim.readings import READINGS, reading, reading_effects, readings_for, readings_table

from conftest import agencies_and_enterprises, perfect_values

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- shared cap
def test_shared_cap_6_agencies_and_6_enterprises_get_5_certificates(hg_plan):
    # IV.2.1: "Tặng Bằng khen của Chủ tịch UBND tỉnh cho các sở, ban, ngành, đoàn thể tỉnh …,
    # các doanh nghiệp …; số lượng không quá 5 tập thể và không quá 8 cá nhân."
    agency, enterprise, sa, se = agencies_and_enterprises(hg_plan)
    assert agency.awards.tier("chairman").pool == enterprise.awards.tier("chairman").pool == "agency_enterprise"
    alone = (es.allocate(sa, agency)["award"] == "chairman").sum() + (es.allocate(se, enterprise)["award"] == "chairman").sum()
    assert alone == 10  # each level on its own: the bug the issue reports
    out = es.allocate_plan(hg_plan, {"agency": sa, "enterprise": se})
    given = {lvl: int((aw["award"] == "chairman").sum()) for lvl, aw in out.items()}
    assert sum(given.values()) == 5
    # standing within each level: the best of each first, then the second of each, …
    assert given == {"agency": 3, "enterprise": 2}
    assert set(out["agency"].index[out["agency"]["award"] == "chairman"]) == {"A5", "A4", "A3"}
    assert set(out["enterprise"].index[out["enterprise"]["award"] == "chairman"]) == {"E0", "E1"}
    cut = out["agency"].loc["A2"]
    assert cut["award"] is None and "5" in cut["reason"] and "agency + enterprise" in cut["reason"]
    assert out["agency"].attrs["pool"]["cap"] == 5 and out["agency"].attrs["pool"]["rule"] == "standing"


def test_shared_cap_leaves_other_levels_alone_and_refuses_total_across_scales(hg_plan, hg_registry):
    agency, enterprise, sa, se = agencies_and_enterprises(hg_plan)
    with pytest.raises(es.InputError, match="base_max"):
        es.allocate_plan(hg_plan, {"agency": sa, "enterprise": se}, rule="total")
    alone = es.allocate_plan(hg_plan, {"agency": sa})["agency"]  # partner not allocated: own cap holds
    assert (alone["award"] == "chairman").sum() == 5


def test_emusim_award_uses_the_shared_cap(tmp_path):
    reg = ["locality_id,name,level,parent_id,unit_type,urban_class,lat,lon,population,population_14plus,synthetic",
           "P,Tỉnh Hà Giang,province,,tỉnh,,22.8,104.98,900000,650000,true"]
    reg += [f"A{i},Sở {i},agency,P,sở,,22.8,104.98,100,100,true" for i in range(6)]
    reg += [f"E{i},Doanh nghiệp {i},enterprise,P,doanh nghiệp,,22.8,104.98,100,100,true" for i in range(6)]
    obs = ["locality_id,period,indicator,value"]
    for i in range(6):
        obs += [f"A{i},2023-11,{k},{v}" for k, v in (("emulation_movement_launched", 1), ("advisory_initiatives_recognised", 1),
                                                    ("annex1_tasks_completed_rate", 0.8 + 0.03 * i), ("cadre_eid_rate", 1))]
        obs += [f"E{i},2023-11,{k},1" for k in ("enterprise_support_provided", "population_db_applied", "cadre_eid_rate")]
    (tmp_path / "reg.csv").write_text("\n".join(reg) + "\n", encoding="utf-8")
    (tmp_path / "obs.csv").write_text("\n".join(obs) + "\n", encoding="utf-8")
    got = {}
    for level in ("agency", "enterprise"):
        out = tmp_path / f"{level}.csv"
        proc = subprocess.run([sys.executable, "-m", "emusim.cli", "award", "--plan", "scenarios/ha_giang_186_2023.yaml",
                               "--level", level, "--registry", str(tmp_path / "reg.csv"), "--data", str(tmp_path / "obs.csv"),
                               "--period", "2023-11", "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        got[level] = int((pd.read_csv(out, encoding="utf-8-sig")["award"] == "chairman").sum())
    assert got == {"agency": 3, "enterprise": 2}


# --------------------------------------------------------------------------- timelines
def test_timeline_before_day_x_ends_the_day_before(hg_plan):
    # VI.1 "trước ngày 30/6/2023"; V.1 "trước ngày 05/12/2023", "trước ngày 15/12/2023"
    entries = {e.id: e for e in hg_plan.timeline}
    for eid, stated, last in (("report_dissemination", dt.date(2023, 6, 30), dt.date(2023, 6, 29)),
                              ("dossiers_police", dt.date(2023, 12, 5), dt.date(2023, 12, 4)),
                              ("dossiers_board", dt.date(2023, 12, 15), dt.date(2023, 12, 14))):
        e = entries[eid]
        assert "trước ngày" in e.source.text and e.date == stated and not e.inclusive and e.last_day == last
    # "Từ nay đến hết ngày 30/11/2023": up to and including the day
    assert entries["launch_end"].inclusive and entries["launch_end"].last_day == dt.date(2023, 11, 30)
    lc = {e.id: e for e in es.load_plan("lao_cai_cds_2022").timeline}
    assert lc["registration_2023"].last_day == dt.date(2023, 2, 19)  # "trước ngày 20/02 hàng năm"


# --------------------------------------------------------------------------- items of the plan
def test_tuyen_quang_cds_b4_tests_the_digital_signature_part():
    # II.2.1.b: "80% hồ sơ công việc cấp huyện được xử lý và ứng dụng chữ ký số trên môi trường mạng"
    s = es.load_plan("tuyen_quang_cds_2022").scheme("district")
    b4, sig = s.criterion("b.4"), s.criterion("b.19")
    assert "ứng dụng chữ ký số" in b4.source.text and sig.source.text == b4.source.text
    assert (sig.indicator, sig.op, sig.target) == ("work_files_signed_rate", ">=", 0.8)
    values = pd.DataFrame({i: [1.0, 1.0] for i in s.indicators}, index=pd.Index(["D1", "D2"], name="locality_id"))
    values["work_files_online_rate"] = 0.9
    values.loc["D2", "work_files_signed_rate"] = 0.5  # processed online, but half signed
    table = es.score(s, values)
    assert table.loc["D1", "eligible"] and table.loc["D2", "met.b.4"]
    assert not table.loc["D2", "met.b.19"] and not table.loc["D2", "eligible"]


def test_ha_giang_agency_initiatives_are_a_standard(hg_plan):
    # III.1.1: "… thiết thực hiệu quả; có nhiều sáng kiến, giải pháp trong tham mưu, chỉ đạo, …"
    s = hg_plan.scheme("agency")
    c = s.criterion("3")
    assert "có nhiều sáng kiến, giải pháp trong tham mưu, chỉ đạo" in c.source.text and c.source.assumption
    values = pd.DataFrame({"emulation_movement_launched": 1.0, "annex1_tasks_completed_rate": 0.9, "cadre_eid_rate": 1.0,
                           "advisory_initiatives_recognised": [1.0, 0.0]}, index=pd.Index(["A", "B"], name="locality_id"))
    table = es.score(s, values)
    assert table["eligible"].tolist() == [True, False]


def test_items_the_plan_states_outright_are_cited_not_assumed(hg_plan):
    d = hg_plan.scheme("district")
    # A.VI.6: "(16 DVC; mỗi DVC 0,5 điểm) | 8 | Điểm= Số DVC x 0,5đ"
    vi6 = d.criterion("A.VI.6")
    assert "16 DVC; mỗi DVC 0,5 điểm" in vi6.source.text and vi6.source.assumption is None
    assert (vi6.unit, vi6.max) == (0.5, 8.0)
    # A.IV.2: "(Thành phố đạt trên 85%)" — the plan's own number, not ours
    iv2 = d.criterion("A.IV.2")
    assert "Thành phố đạt trên 85%" in iv2.source.text and "85 % is the 70 % base" not in (iv2.source.assumption or "")
    assert d.uplift["city"].source.text.endswith("(Thành phố đạt trên 85%)")
    assert iv2.target + d.uplift_value("city") == pytest.approx(0.85)


# --------------------------------------------------------------------------- deadlines in rows
def _commune_case(hg_plan, catalog):
    s = hg_plan.scheme("commune")
    values = perfect_values(s, ["C1", "C2"], catalog)
    months = pd.period_range("2023-03", "2023-11", freq="M")
    inds = ["child_data_cleaned_rate", "merit_data_provided_rate", "social_assistance_data_rate", "poor_household_data_rate"]
    hist = np.ones((2, len(months), len(inds)))
    # C2 had cleaned half its child records by the end of April, all of them by November
    hist[1, : list(months).index(pd.Period("2023-05", "M")), 0] = 0.5
    return s, values, es.Panel(hist, ["C1", "C2"], months, inds)


def test_row_deadline_full_points_only_when_done_by_the_deadline(hg_plan, catalog):
    # Phụ lục 3, A.V.3: "Hoàn thành việc chuẩn hóa, làm sạch dữ liệu trẻ em (xong trong tháng 4/2023) | 7"
    s, values, panel = _commune_case(hg_plan, catalog)
    c = s.criterion("A.V.3")
    assert c.deadline == dt.date(2023, 4, 30) and c.deadline_text == "xong trong tháng 4/2023"
    assert {x.id: x.deadline for x in s.criteria if x.deadline} == {
        "A.V.2": dt.date(2023, 4, 30), "A.V.3": dt.date(2023, 4, 30), "A.V.4": dt.date(2023, 4, 30),
        "A.V.5": dt.date(2023, 6, 30)}  # A.V.5: "hoàn thành trong tháng 6/2023"
    table = es.score(s, values, history=panel)
    assert table.loc["C1", "points.A.V.3"] == 7.0
    assert table.loc["C2", "points.A.V.3"] == pytest.approx(3.5)  # 50 % by the deadline × 7
    assert table.loc["C1", "total"] - table.loc["C2", "total"] == pytest.approx(3.5)
    assert "warnings" not in table.attrs and all(v["checked"] for v in table.attrs["deadlines"].values())
    # the same from a dated column <indicator>@<YYYY-MM>
    dated = values.assign(**{"child_data_cleaned_rate@2023-04": [1.0, 0.5]})
    assert es.score(s, dated).loc["C2", "points.A.V.3"] == pytest.approx(3.5)
    # the switch: deadline scoring off → the evaluation-month value
    off = es.score(s.adjust({"deadline_scoring": False}), values, history=panel)
    assert off.loc["C2", "points.A.V.3"] == 7.0 and "deadlines" not in off.attrs
    # the reference oracle agrees
    ref = reference.score(s, values, history=panel)
    assert ref.loc["C2", "points.A.V.3"] == pytest.approx(3.5)
    assert np.allclose(ref["total"].to_numpy(dtype=float), table["total"].to_numpy(dtype=float))


def test_row_deadline_without_history_is_said_loudly(hg_plan, catalog):
    s, values, _ = _commune_case(hg_plan, catalog)
    table = es.score(s, values)
    warnings = table.attrs["warnings"]
    assert len(warnings) == 4 and any("A.V.3" in w and "xong trong tháng 4/2023" in w for w in warnings)
    assert not table.attrs["deadlines"]["A.V.3"]["checked"]


def test_district_rows_dated_june_2023(hg_plan):
    # Phụ lục 2, A.III.1–2 "(hoàn thành trong tháng 6/2023)"; A.V.13 "(hoàn thành tháng 6/2023)"
    d = hg_plan.scheme("district")
    got = {c.id: (c.deadline, c.deadline_text) for c in d.criteria if c.deadline}
    assert got == {"A.III.1": (dt.date(2023, 6, 30), "hoàn thành trong tháng 6/2023"),
                   "A.III.2": (dt.date(2023, 6, 30), "hoàn thành trong tháng 6/2023"),
                   "A.V.13": (dt.date(2023, 6, 30), "hoàn thành tháng 6/2023")}
    for cid, (_, words) in got.items():
        assert words in d.criterion(cid).source.text
    assert d.parameters()["deadline_scoring"] is True


# --------------------------------------------------------------------------- Lào Cai
def test_lao_cai_communes_need_not_register():
    # IV.1: "Các sở, ban, ngành, đoàn thể tỉnh, UBND các huyện, thị xã, thành phố, và các doanh
    # nghiệp, căn cứ Kế hoạch này xây dựng kế hoạch, đăng ký thi đua …" — no commune in the list
    s = es.load_plan("lao_cai_cds_2022").scheme("commune")
    g = s.gate("G1")
    assert g.mode == "off" and "UBND các huyện, thị xã, thành phố, và các doanh nghiệp" in g.source.text
    assert "emulation_registered" not in s.indicators and not s.gates  # not applied, not read
    assert s.parameters()["gates.G1.mode"] == "off"
    values = pd.DataFrame({"work_files_online_rate": 0.7, "electronic_documents_rate": 1.0,
                           "socioeconomic_reports_via_system_rate": 1.0, "emulation_registered": [1.0, 0.0]},
                          index=pd.Index(["X1", "X2"], name="locality_id"))
    assert es.score(s, values)["eligible"].tolist() == [True, True]
    gated = s.adjust(dict(reading("lao_cai_commune_registration").adjust))
    assert es.score(gated, values)["eligible"].tolist() == [True, False]


def _lao_cai_agencies():
    base = {"digital_signature_rate": 1.0, "work_files_online_rate": 0.95, "citizen_systems_connected_rate": 0.6,
            "dvc_level4_rate": 1.0, "dvc_redesigned_rate": 1.0, "user_satisfaction_rate": 0.96,
            "dossiers_fully_online_rate": 0.8, "procedures_cut_rate": 0.2, "citizen_systems_ndxp_connected_rate": 0.8,
            "digital_inspection_rate": 0.5, "emulation_registered": 1.0}
    a = dict(base, reports_via_system_rate=1.0)                              # margin 0.1 on the repeated standard
    b = dict(base, reports_via_system_rate=0.91, procedures_cut_rate=0.35)   # 0.01 there, 0.15 on a.10
    return pd.DataFrame([a, b], index=pd.Index(["SoA", "SoB"], name="locality_id"))


def test_lao_cai_standard_printed_twice_counts_once():
    # IV.2, 2.1.a, gạch đầu dòng 3 và 4: "Trên 90% báo cáo định kỳ (không bao gồm nội dung mật) được
    # gửi, nhận qua hệ thống thông tin báo cáo của tỉnh, kết nối với hệ thống báo cáo quốc gia." (twice)
    s = es.load_plan("lao_cai_cds_2022").scheme("agency").adjust({"awards.chairman.quota": 1})
    assert s.criterion("a.3").source.text.lower() == s.criterion("a.4").source.text.lower()
    values = _lao_cai_agencies()
    once = es.score(s, values)
    assert once["n_met"].tolist() == [11, 11] and once["met.a.4"].all()  # shown, counted once
    assert once.loc["SoA", "margin"] == pytest.approx((0.1 + 0.01) / 11)
    assert es.allocate(once, s).loc["SoB", "award"] == "chairman"
    twice_scheme = s.adjust({"standards.count_repeated": True})
    twice = es.score(twice_scheme, values)
    assert twice["n_met"].tolist() == [12, 12]
    assert es.allocate(twice, twice_scheme).loc["SoA", "award"] == "chairman"  # the winner changes
    for sch, table in ((s, once), (twice_scheme, twice)):  # the reference agrees
        ref = reference.score(sch, values)
        assert ref["n_met"].tolist() == table["n_met"].tolist()
        assert np.allclose(ref["margin"].to_numpy(dtype=float), table["margin"].to_numpy(dtype=float))
    dup = [f for f in es.lint(es.load_plan("lao_cai_cds_2022")) if f.code == "duplicate-standard"]
    assert len(dup) == 1 and "counted once" in dup[0].text("en")


# --------------------------------------------------------------------------- readings
def test_every_reading_is_cited_adjustable_and_in_both_languages():
    messages = catalogue()
    for r in READINGS:
        plan = es.load_plan(r.plan)
        assert r.ref and r.text and r.adjust and r.default
        for level in r.levels:
            scheme = plan.scheme(level)
            params = scheme.parameters()
            for path, value in r.default.items():  # the file encodes the chosen reading
                assert params[path] == value, (r.id, path)
            scheme.adjust(dict(r.adjust))  # the alternative is a valid adjustment
        for part in ("chosen", "alternative", "why"):
            assert set(messages[f"readings.{r.id}_{part}"]) >= {"vi", "en"}
    assert [r.id for r in readings_for("lao_cai_cds_2022")] == ["lao_cai_commune_registration", "repeated_standard"]
    table = readings_table(lang="en")
    assert {"reading", "text", "chosen", "alternative", "adjust", "why"} <= set(table.columns) and len(table) == len(READINGS)


def test_proportional_basis_reading_is_recorded_in_the_file(hg_plan):
    # "Điểm= Tỷ lệ x điểm tối đa": attainment, with the reasoning in the scenario file
    for level in ("district", "commune"):
        src = hg_plan.scheme(level).proportional_basis_source
        assert src.text == "Điểm= Tỷ lệ x điểm tối đa" and "attainment" in src.assumption and "rate" in src.assumption


def test_reading_effects_counts_the_awards_that_change(hg_plan):
    # A.II.1 "Tỷ lệ DVC trực tuyến … đạt trên 70% | 20 | Điểm= Tỷ lệ x điểm tối đa": X at 72 %
    # (target attained: 20 points as read, 14.4 literally) against Y at 100 % on that row
    # but 1 point short elsewhere; quota 1.
    s = es.scheme_from_dict({
        "kind": "points", "proportional_basis": {"value": "attainment", "assumption": "test"},
        "criteria": [{"id": "A.II.1", "rule": "proportional", "indicator": "dvc_online_rate", "max": 20, "target": 0.7,
                      "op": ">", "ref": "Phụ lục 3, A.II.1", "text": "Điểm= Tỷ lệ x điểm tối đa"},
                     {"id": "A.I.1", "rule": "binary", "indicator": "de_an_06_plan_issued", "max": 3, "points": 3,
                      "assumption": "test"}],
        "awards": {"tiers": [{"id": "chairman", "quota": 1, "assumption": "test"}]}}, level="commune",
        plan_id="ha_giang_186_2023")
    values = pd.DataFrame({"dvc_online_rate": [0.72, 1.0], "de_an_06_plan_issued": [1.0, 0.0]},
                          index=pd.Index(["X", "Y"], name="locality_id"))
    effects = reading_effects(s, values).set_index("reading")
    assert es.allocate(es.score(s, values), s).loc["X", "award"] == "chairman"  # 23 > 20
    row = effects.loc["proportional_basis"]
    assert (row["changed"], row["gains"], row["losses"], row["moves"]) == (2, 1, 1, 0)  # rate: 17.4 < 20
    assert effects.loc["deadline_scoring", "changed"] == 0  # no dated row here


def test_compare_readings_on_the_demo_data():
    proc = subprocess.run([sys.executable, "-m", "emusim.cli", "compare", "--readings", "--plan",
                           "scenarios/ha_giang_186_2023.yaml", "--level", "commune", "--seed", "2023", "--lang", "en"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "proportional_basis" in proc.stdout and "deadline_scoring" in proc.stdout
    assert proc.stdout.count("units change award") == 2 and "Điểm= Tỷ lệ x điểm tối đa" in proc.stdout
