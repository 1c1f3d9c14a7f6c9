"""KH 21/2025 in full (issue 12, issue 10's KH 21 items): `emusim tasks`, communes, upkeep, calendar."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import emusim as es
from emusim.cli import main
from emusim.taskreport import reporting_calendar, task_report

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "scenarios" / "tuyen_quang_kh21_2025.yaml"
SAMPLE = ROOT / "data" / "samples" / "tuyen_quang_kh21_status.csv"
COMMUNES = ROOT / "data" / "samples" / "tuyen_quang_kh21_status_communes.csv"
D = dt.date


@pytest.fixture(scope="module")
def kh21():
    return es.load_plan(PLAN).scheme("tasks")


def test_emusim_tasks_on_the_sample_status_file(capsys):
    assert main(["tasks", "--plan", str(PLAN), "--status", str(SAMPLE), "--at", "2025-12-01"]) == 0
    out = capsys.readouterr().out
    assert "Công an tỉnh: 20,8 % (5/24 đúng hạn; 4 trễ hạn; 15 quá hạn chưa xong)" in out
    # "Báo cáo tháng: Gửi trước ngày mùng 9 … từ ngày mùng 8 của tháng trước, đến ngày mùng 7"
    assert "Báo cáo tháng 2025-09: gửi chậm nhất ngày 08/09/2025 (số liệu từ 08/08/2025 đến 07/09/2025)" in out
    # "Báo cáo năm: Gửi trước ngày 09/12/2025"
    assert "Báo cáo năm 2025: gửi chậm nhất ngày 08/12/2025" in out
    assert "Công an tỉnh, tháng 2025-11: chưa gửi" in out          # 6.27/11 has no date sent
    assert "Quá hạn chưa hoàn thành" in out and "Sắp đến hạn trong 30 ngày" in out


def test_emusim_tasks_on_a_per_commune_status_file(capsys, tmp_path):
    out_file = tmp_path / "communes.csv"
    assert main(["tasks", "--plan", str(PLAN), "--status", str(COMMUNES), "--at", "2025-12-01",
                 "--registry", "tuyen_quang_2025", "--out", str(out_file), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Ranking of the 124 communes" in out
    table = pd.read_csv(out_file, encoding="utf-8-sig", dtype={"locality_id": str})
    communes = table[table["is_commune"]]
    assert len(communes) == 124 and communes["locality_id"].notna().all()
    # each commune: 1.6 (due 31/7) + 6.6 (due 30/6) + 6.6's upkeep reports of 08–11 = 6 obligations
    assert (communes["n_due"] == 6).all() and (communes["n_maintain_due"] == 4).all()
    # 1.6 and 6.6 are judged per commune; only the undated 1.3 (no per-commune rows) stays aggregate
    agg = table.set_index("unit").loc["UBND cấp xã"]
    assert agg["n_due"] == 0 and agg["no_date_tasks"] == "1.3"


def test_commune_expansion_and_upkeep_by_hand():
    """Task X "Hoàn thành trong tháng 09/2025 và duy trì thường xuyên", lead "UBND cấp xã", due
    30/9; monthly reports due before the 9th. Registry: C1, C2, C3. Status: C1 done 20/9 and
    its October upkeep report sent 08/10 (the last day: on time) and November's 09/11 (late);
    C2 done 05/10 (late), no report; C3 has no row. At 2025-11-20, due: X (30/9) and the
    upkeep of 10 and 11 (due 08/10, 08/11; the September report, due 08/09, falls before X's
    deadline and is not upkeep). C1: on time X, 10; late 11 → 2/3. C2: late X, missing 10, 11
    → 0/3 with 1 late, 2 overdue. C3: all 3 overdue → 0/3."""
    scheme = es.scheme_from_dict({
        "kind": "tasks",
        "tasks": [{"id": "X", "group": "1", "label": "x", "lead": ["UBND cấp xã"], "deadline": "2025-09-30",
                   "maintain": True}],
        "reporting": [{"id": "monthly", "day": 9, "window_start_day": 8, "window_end_day": 7, "inclusive": False}],
    }, level="tasks")
    reg = pd.DataFrame({"name": ["Tỉnh", "Xã Một", "Xã Hai", "Xã Ba"], "level": ["province"] + ["commune"] * 3,
                        "parent_id": ["", "P", "P", "P"]}, index=pd.Index(["P", "C1", "C2", "C3"], name="locality_id"))
    status = pd.DataFrame([("X", "Xã Một", "", "2025-09-20"), ("X", "C1", "2025-10", "2025-10-08"),
                           ("X", "Xã Một", "2025-11", "2025-11-09"), ("X", "xã hai", "", "2025-10-05")],
                          columns=["task_id", "unit", "period", "completed_on"])
    st = es.score_tasks(scheme, status, "2025-11-20", registry=reg, start="2025-09")
    assert list(st.index) == ["Xã Một", "Xã Hai", "Xã Ba"]
    assert st.loc["Xã Một", ["n_due", "n_on_time", "n_late", "n_overdue"]].tolist() == [3, 2, 1, 0]
    assert st.loc["Xã Hai", ["n_due", "n_on_time", "n_late", "n_overdue"]].tolist() == [3, 0, 1, 2]
    assert st.loc["Xã Ba", ["n_due", "n_on_time", "n_late", "n_overdue"]].tolist() == [3, 0, 0, 3]
    assert st["locality_id"].tolist() == ["C1", "C2", "C3"]
    rep = task_report(scheme, status, "2025-11-20", registry=reg, start="2025-09")
    late = rep.reports[rep.reports["lead"] == "Xã Một"].set_index("period")["state"].to_dict()
    assert late == {"2025-10": "on_time", "2025-11": "late", "2025-12": "pending"}


def test_award_on_a_tasks_level_says_which_command(capsys):
    assert main(["award", "--plan", str(PLAN), "--level", "tasks", "--seed", "1"]) == 2
    err = capsys.readouterr().err
    assert "emusim tasks --plan" in err and "Traceback" not in err and "internal error" not in err


def test_reporting_calendar(kh21):
    cal = reporting_calendar(kh21, "2025-12-31").set_index(["report", "period"])
    assert cal.loc[("monthly", "2025-08"), "last_day"] == D(2025, 8, 8)
    assert cal.loc[("monthly", "2025-09"), ["window_start", "window_end"]].tolist() == [D(2025, 8, 8), D(2025, 9, 7)]
    assert cal.loc[("yearly", "2025"), "last_day"] == D(2025, 12, 8)


def test_kh21_readings_of_issue_10(kh21):
    plan = es.load_plan(PLAN)
    tasks = {t.id: t for t in kh21.tasks}
    # "Thực hiện thường xuyên theo chỉ đạo … Trung ương": no date (scenarios/README.md rule)
    central = {"5.2", "6.3", "6.15", "6.23", "6.24", "7.1"}
    assert all(tasks[i].deadline is None and "Trung ương" in tasks[i].deadline_text for i in central)
    assert not [t.id for t in kh21.tasks if t.recurring and "Trung ương" in t.deadline_text]
    # "Hoàn thành … và duy trì (thực hiện) thường xuyên": completion date + upkeep
    upkeep = {t.id for t in kh21.tasks if "duy trì" in t.deadline_text}
    assert upkeep == {"2.3", "2.8", "2.9", "5.1", "6.2", "6.6", "6.7", "6.8", "6.10"}
    assert all(tasks[i].maintain and isinstance(tasks[i].deadline, dt.date) for i in upkeep)
    # T12 "Hoàn thành trước ngày 30/6/2025" is task 6.10's target: the same last day
    t12 = next(t for t in kh21.targets if t.id == "T12")
    assert t12.deadline == tasks["6.10"].deadline == D(2025, 6, 29)
    # "Kế hoạch của các cơ quan, đơn vị hoàn thành trước ngày 10/8/2025": before the 10th
    entry = next(e for e in plan.timeline if e.id == "unit_plans_due")
    assert entry.date == D(2025, 8, 10) and entry.inclusive is False


def test_upkeep_is_judged_where_the_status_has_it(kh21):
    """Sample: 2.8 (Sở KHCN, "Hoàn thành trong tháng 06/2025 và duy trì thực hiện thường xuyên")
    done 25/6 (on time); upkeep reports 08 sent 06/8 (on time), 09 sent 10/9 (late), 10 sent
    08/10 (on time), 11 missing. Other upkeep tasks have no monthly rows: not judged."""
    j = es.tasks.judge(kh21, SAMPLE, "2025-12-01")
    m = j[j["kind"] == "maintain"]
    assert set(m["task_id"]) == {"2.8"}
    assert m.set_index("period")["state"].to_dict() == {"2025-08": "on_time", "2025-09": "late",
                                                         "2025-10": "on_time", "2025-11": "overdue",
                                                         "2025-12": "pending"} or \
        m.set_index("period")["state"].to_dict() == {"2025-08": "on_time", "2025-09": "late",
                                                     "2025-10": "on_time", "2025-11": "overdue"}
