"""score_tasks / overdue / due_soon on a hand-made plan (numbers worked out) and on KH 21/2025."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

import emusim as es
from emusim.errors import InputError
from emusim.tasks import (due_soon, normalise_unit, obligations, overdue, read_status,
                          report_window, score_tasks)

ROOT = Path(__file__).resolve().parent.parent
D = dt.date


@pytest.fixture(scope="module")
def small():
    """Two units A and B; a monthly report due on the 9th covering the 8th to the 7th."""
    return es.scheme_from_dict({
        "kind": "tasks",
        "tasks": [
            {"id": "T1", "group": "1", "label": "one", "lead": ["Unit A"], "deadline": "2025-09-30"},
            {"id": "T2", "group": "1", "label": "two", "lead": ["Unit A", "Unit B"], "deadline": "2025-10-31"},
            {"id": "T3", "group": "2", "label": "three", "lead": ["Unit B"], "deadline": "2025-12-31"},
            {"id": "R1", "group": "2", "label": "monthly", "lead": ["Unit A"], "deadline": "recurring"},
            {"id": "N1", "group": "2", "label": "undated", "lead": ["unit  b"], "deadline": None},
        ],
        "reporting": [{"id": "monthly", "day": 9, "window_start_day": 8, "window_end_day": 7,
                       "text": "Báo cáo tháng: Gửi trước ngày mùng 9 của tháng báo cáo"}],
    }, level="tasks")


@pytest.fixture
def status():
    return pd.DataFrame([
        ("T1", "Unit A", None, "2025-09-25"),     # on time
        ("T2", "unit a", None, "2025-11-05"),     # late (deadline 31/10)
        ("T2", "Unit B", None, ""),               # not done
        ("T3", "Unit B", None, "2025-10-15"),     # done early
        ("R1", "Unit A", "2025-08", "2025-08-09"),  # on time (due 09/08)
        ("R1", "Unit A", "2025-09", "2025-09-12"),  # late (due 09/09)
        ("R1", "Unit A", "2025-10", "2025-10-08"),  # on time
        ("R1", "Unit A", "2025-12", "2025-12-09"),  # on time; 2025-11 missing
        ("N1", "", None, "2025-09-01"),            # undated: not judged
    ], columns=["task_id", "unit", "period", "completed_on"])


START = "2025-08"


def test_report_window(small):
    assert report_window(small, "2025-09") == (D(2025, 8, 8), D(2025, 9, 7), D(2025, 9, 9))
    assert report_window(small, "2026-01") == (D(2025, 12, 8), D(2026, 1, 7), D(2026, 1, 9))


def test_obligations_expand_leads_and_months(small):
    ob = obligations(small, "2025-10-15", start=START)
    assert len(ob[ob.task_id == "T2"]) == 2                       # one per lead unit
    assert ob[ob.task_id == "R1"]["period"].tolist() == ["2025-08", "2025-09", "2025-10"]
    assert ob.loc[ob.task_id == "N1", "deadline"].isna().all()
    assert set(ob["lead"]) == {"Unit A", "Unit B"}                 # "unit  b" is Unit B


def test_score_at_mid_october(small, status):
    st = score_tasks(small, status, "2025-10-15", start=START)
    a, b = st.loc["Unit A"], st.loc["Unit B"]
    # A: T1 on time; R1 08 on time, 09 late, 10 on time; T2 not yet due (done 05/11, after `at`)
    assert (a.n_due, a.n_on_time, a.n_late, a.n_overdue) == (4, 3, 1, 0)
    assert a.share_on_time == pytest.approx(0.75) and a.total == a.share_on_time
    assert (a.n_pending, a.n_done_early, a.n_recurring_due) == (1, 0, 3)
    # B: nothing due; T3 done early, N1 undated
    assert b.n_due == 0 and math.isnan(b.share_on_time)
    assert (b.n_done_early, b.n_pending, b.n_no_date, b.no_date_tasks) == (1, 1, 1, "N1")
    assert list(st.index) == ["Unit A", "Unit B"]
    assert (st["bonus"] == 0).all() and (st["deduction"] == 0).all() and st["eligible"].all()
    assert (st["base"].fillna(-1) == st["total"].fillna(-1)).all()


def test_score_at_mid_november(small, status):
    st = score_tasks(small, status, "2025-11-15", start=START)
    a, b = st.loc["Unit A"], st.loc["Unit B"]
    # A: T1 on time, T2 late, R1 08 on time, 09 late, 10 on time, 11 overdue → 3 of 6
    assert (a.n_due, a.n_on_time, a.n_late, a.n_overdue) == (6, 3, 2, 1)
    assert a.share_on_time == pytest.approx(0.5)
    # B: T2 overdue → 0 of 1
    assert (b.n_due, b.n_on_time, b.n_overdue, b.share_on_time) == (1, 0, 1, 0.0)
    assert st.attrs["at"] == "2025-11-15" and st.attrs["first_month"] == "2025-08"


def test_overdue_list(small, status):
    od = overdue(small, status, "2025-11-15", start=START)
    assert od[["task_id", "lead", "period", "days_overdue"]].values.tolist() == [
        ["T2", "Unit B", None, 15], ["R1", "Unit A", "2025-11", 6]]
    assert od.loc[0, "deadline"] == D(2025, 10, 31) and od.loc[0, "group"] == "1"
    assert od.loc[1, "label"] == "monthly"


def test_due_soon_list(small, status):
    ds = due_soon(small, status, "2025-11-15", days=30, start=START)
    # R1's December report (due 09/12) is done only on 09/12: still to do on 15/11
    assert ds[["task_id", "lead", "period", "days_left"]].values.tolist() == [
        ["R1", "Unit A", "2025-12", 24]]
    # over 50 days T3 (31/12) is in the window but was done early: not listed
    ds50 = due_soon(small, status, "2025-11-15", days=50, start=START)
    assert ds50["task_id"].tolist() == ["R1"]
    ds_oct = due_soon(small, status, "2025-10-01", days=31, start=START)
    assert ds_oct[["task_id", "lead", "days_left"]].values.tolist() == [
        ["R1", "Unit A", 8], ["T2", "Unit A", 30], ["T2", "Unit B", 30]]


def test_recurring_months_counted_to_the_evaluation_date(small, status):
    # on 08/12 the December report is not yet due; on 09/12 it is (and was sent that day)
    st8 = score_tasks(small, status, "2025-12-08", start=START).loc["Unit A"]
    st9 = score_tasks(small, status, "2025-12-09", start=START).loc["Unit A"]
    assert (st8.n_recurring_due, st9.n_recurring_due) == (4, 5)
    assert st9.n_on_time == st8.n_on_time + 1


def test_status_errors_name_row_and_column(small):
    bad = pd.DataFrame([
        ("T9", "Unit A", None, "2025-09-01"),       # row 2: unknown task
        ("T1", "Unit C", None, "2025-09-01"),       # row 3: not a lead unit
        ("R1", "Unit A", None, "2025-09-01"),       # row 4: recurring without period
        ("T1", "Unit A", None, "30/09/2025"),       # row 5: not ISO
        ("T3", "Unit B", "2025-09", "2025-09-01"),  # row 6: period on a dated task
        ("T2", "Unit A", None, ""),
        ("T2", "Unit A", None, "2025-10-01"),       # row 8: duplicate of row 7
    ], columns=["task_id", "unit", "period", "completed_on"])
    with pytest.raises(InputError) as info:
        read_status(bad, small)
    where = [(p.row, p.column) for p in info.value.problems]
    assert where == [(2, "task_id"), (3, "unit"), (4, "period"), (5, "completed_on"),
                     (6, "period"), (8, "task_id")]
    msgs = [p.text() for p in info.value.problems]
    assert "không có nhiệm vụ 'T9'" in msgs[0] and "Unit A" in msgs[1] and "lần đầu ở dòng 7" in msgs[5]
    en = [p.text("en") for p in info.value.problems]
    assert "unknown task 'T9'" in en[0] and "Unit A" in en[1] and "first on row 7" in en[5]


def test_status_file_missing_column(tmp_path, small):
    p = tmp_path / "s.csv"
    p.write_text("task_id,completed_on\nT1,2025-09-01\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        score_tasks(small, p, "2025-10-01", start=START)
    (prob,) = info.value.problems
    assert (prob.file, prob.row, prob.column) == (str(p), 1, "unit")


def test_unit_names_are_normalised():
    assert normalise_unit("Văn Phòng  UBND tỉnh") == normalise_unit("Văn phòng UBND tỉnh")
    assert normalise_unit("Sở Khoa học và công nghệ") == normalise_unit("Sở Khoa học và Công nghệ")
    assert normalise_unit("Văn phòng UBND") == normalise_unit("Văn phòng UBND tỉnh")


# ------------------------------------------------------------------ the real plan
@pytest.fixture(scope="module")
def kh21():
    return es.load_plan(ROOT / "scenarios/tuyen_quang_kh21_2025.yaml").scheme("tasks")


SAMPLE = ROOT / "data" / "samples" / "tuyen_quang_kh21_status.csv"


def test_kh21_sample_status(kh21):
    before = (SAMPLE.read_bytes(), SAMPLE.stat().st_mtime_ns)
    st = score_tasks(kh21, SAMPLE, "2025-12-01")
    assert (SAMPLE.read_bytes(), SAMPLE.stat().st_mtime_ns) == before
    assert st.attrs["first_month"] == "2025-08"                 # plan issued 31/7/2025
    assert "mùng 9" in st.attrs["calendar"]
    assert "Văn phòng UBND tỉnh" in st.index and "Văn phòng UBND" not in st.index
    assert "Sở Khoa học và công nghệ" not in st.index
    vp = st.loc["Văn phòng UBND tỉnh"]
    assert vp.n_tasks == 21                                       # 20 + task 1.7 "Văn phòng UBND"
    # "Hoàn thành trước 01/07/2025" read to the letter: due 30/6. 3.5 done 01/7 is late by a day;
    # 3.6 ("Văn Phòng  UBND tỉnh", 15/7) late too
    assert vp.n_on_time == 0 and vp.n_late == 2
    ca = st.loc["Công an tỉnh"]
    # Công an: 5 recurring tasks × 4 months (08–11) + dated 2.3, 3.4, 6.20, 6.30 = 24 due
    assert ca.n_due == 24 and ca.n_recurring_due == 20
    # "Gửi trước ngày mùng 9": a report dated the 9th is late.
    # on time: 2.3, 3.4 (29/8 for "trước 30/08"), 3.1 × 3 (08, 10, 11) = 5;
    # late: 3.1/09 and 6.27/08, 6.27/10 (sent on the 9th), 6.27/09 (12th) = 4; overdue: the rest
    assert (ca.n_on_time, ca.n_late, ca.n_overdue) == (5, 4, 15)
    assert ca.n_no_date == 2 and ca.no_date_tasks == "6.1, 6.18"
    assert st["total"].dropna().is_monotonic_decreasing
    assert (st["n_due"] == st["n_on_time"] + st["n_late"] + st["n_overdue"]).all()
    total_no_date = sum(len(t.lead) for t in kh21.tasks if t.deadline is None)
    assert st["n_no_date"].sum() == total_no_date


def test_kh21_lists(kh21):
    od = overdue(kh21, SAMPLE, "2025-12-01")
    assert (od["days_overdue"] > 0).all()
    assert od["days_overdue"].is_monotonic_decreasing
    assert not ((od.task_id == "3.1") & (od.lead == "Công an tỉnh")).any()    # all sent (one late)
    row = od[(od.task_id == "6.27") & (od.period == "2025-11")].iloc[0]
    assert row.deadline == D(2025, 11, 8) and row.days_overdue == 23        # before the 9th: by the 8th
    ds = due_soon(kh21, SAMPLE, "2025-12-01", days=30)
    assert set(ds.loc[ds.period.isna(), "task_id"]) == {"4.3", "5.4"}        # before 20/12 (19/12), 31/12
    assert (ds.loc[ds.period.notna(), "deadline"] == D(2025, 12, 8)).all()     # "trước ngày mùng 9"
    assert ds["days_left"].is_monotonic_increasing


def test_allocate_can_rank_a_task_table(kh21):
    st = score_tasks(kh21, SAMPLE, "2025-12-01")
    aw = es.allocate(st, kh21)
    assert aw.loc[st.index[0], "rank"] == 1
    nan_units = st.index[st["total"].isna()]
    assert (aw.loc[nan_units, "rank"] > len(st) - len(nan_units)).all()


def test_public_name():
    assert es.score_tasks is score_tasks
