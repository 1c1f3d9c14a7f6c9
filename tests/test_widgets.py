"""The Explorer widget: controls drive the scheme, the award table follows (DESIGN §7, §8).

Callbacks are exercised directly: setting a control's ``value`` runs the same observer a
browser slider runs (the browser path itself is in ``test_dashboard.py``).
"""
from __future__ import annotations

import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

import emusim as es

pytest.importorskip("ipywidgets")
from emusim.widgets import Explorer, format_value, ranking_svg, translate_reason  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hg_panel(hg_registry):
    return es.simulate(hg_registry, seed=1)


@pytest.fixture()
def ex(hg_plan, hg_panel, hg_registry):
    return Explorer(hg_plan, hg_panel, level="commune", registry=hg_registry)


def chairman_order(aw: pd.DataFrame) -> list[str]:
    won = aw[aw["award"] == "chairman"]
    return list(won.sort_values("nominee_rank").index)


def test_plan_as_written(ex):
    aw = ex.award_table
    assert len(aw) == 193
    assert (aw["award"] == "chairman").sum() == 5
    assert (aw["award"] == "police_director").sum() == 9
    assert ex.changes == {}
    assert ex.diff.empty
    assert {"award", "rank", "total", "reason", "failed_gates", "change", "baseline_award"} <= set(aw.columns)
    # every unit without an award and not eligible names the gates it failed
    bad = aw[~aw["eligible"]]
    assert (bad["failed_gates"] != "").all()


def test_controls_are_built_from_the_scheme(ex):
    params = ex.base_scheme.parameters()
    for path in ("uplift.city", "uplift.district_town", "awards.chairman.quota", "awards.police_director.quota",
                 "proportional_basis", "gates.G3.mode", "gates.G3.target", "criteria.A.II.1.target",
                 "groups.II.max", "period", "lang"):
        assert path in ex._controls, path
    target_paths = [p for p in params if p.startswith("criteria.") and p.endswith(".target")]
    assert all(p in ex._controls for p in target_paths)
    assert ex._controls["uplift.city"].value == pytest.approx(0.15)


def test_city_uplift_slider_never_adds_eligible_city_wards(ex):
    aw0 = ex.award_table
    city0 = set(aw0.index[(aw0["urban_class"] == "city") & aw0["eligible"]])
    before_html = ex._w_table.value
    ex._controls["uplift.city"].value = 0.30          # as the browser slider does
    aw1 = ex.award_table
    city1 = set(aw1.index[(aw1["urban_class"] == "city") & aw1["eligible"]])
    assert city1 <= city0
    assert city1 < city0                               # this month, the higher target bites
    assert ex.changes == {"uplift.city": 0.3}
    assert ex._w_table.value != before_html            # the table was redrawn
    assert "uplift.city=0.3" in ex._w_diff.value
    # and for every step of the slider, other classes untouched
    non_city0 = aw0.loc[aw0["urban_class"] != "city", "eligible"]
    for v in (0.16, 0.2, 0.25, 0.4, 0.5):
        ex._controls["uplift.city"].value = v
        aw = ex.award_table
        assert set(aw.index[(aw["urban_class"] == "city") & aw["eligible"]]) <= city0
        pd.testing.assert_series_equal(aw.loc[aw["urban_class"] != "city", "eligible"], non_city0)


def test_quota_slider_removes_exactly_the_fourth_and_fifth_chairman_awards(ex):
    before = chairman_order(ex.award_table)
    assert len(before) == 5
    ex._controls["awards.chairman.quota"][0].value = 3
    after = chairman_order(ex.award_table)
    assert after == before[:3]
    assert ex.changes == {"awards.chairman.quota": 3}
    # the diff says so: the 4th and 5th change tier (they move down to the Police Director's
    # Giấy khen), nobody else changes tier upwards
    tier_changed = set(ex.diff.index[ex.diff["change"] == "tier"])
    assert set(before[3:]) <= tier_changed
    assert (ex.award_table.loc[before[3:], "award"] == "police_director").all()


def test_set_syncs_the_control_and_reset_restores_the_plan(ex):
    ex.set("uplift.city", 0.3)
    assert ex._controls["uplift.city"].value == pytest.approx(0.3)
    ex.set("gates.G3.mode", "soft")
    assert ex._controls["gates.G3.mode"].value == "soft"
    assert ex.changes == {"uplift.city": 0.3, "gates.G3.mode": "soft"}
    ex.reset()
    assert ex.changes == {}
    assert ex._controls["uplift.city"].value == pytest.approx(0.15)
    assert ex._controls["gates.G3.mode"].value == "hard"
    assert (ex.award_table["award"] == "chairman").sum() == 5
    # setting a value back to the plan's drops it from the changes
    ex.set("uplift.city", 0.2)
    ex.set("uplift.city", 0.15)
    assert ex.changes == {}


def test_soft_gate_widens_eligibility_and_is_flagged(ex):
    n0 = int(ex.award_table["eligible"].sum())
    ex._controls["gates.G3.mode"].value = "soft"
    aw = ex.award_table
    assert int(aw["eligible"].sum()) >= n0
    assert aw["failed_gates"].str.contains(r"G3 \(soft\)").any()
    assert "(mềm)" in ex._w_table.value


def test_bad_values_raise_and_change_nothing(ex):
    aw0 = ex.award_table.copy()
    with pytest.raises(es.AdjustError, match="nằm ngoài"):  # the number rules' words (emusim/validate.py)
        ex.set("uplift.city", 3)
    with pytest.raises(es.AdjustError, match="no criterion"):
        ex.set("criteria.NOPE.target", 0.5)
    with pytest.raises(es.AdjustError, match="outside the panel"):
        ex.set("period", "1999-01")
    assert ex.changes == {}
    pd.testing.assert_frame_equal(ex.award_table, aw0)
    # from a control the message is shown, not raised
    ex._on_control("awards.police_director.quota", 9)  # fine
    ex._apply("groups.II.max", -5, raise_errors=False)
    assert ex.error and "groups" not in ex.changes
    assert "⚠" in ex._w_head.value


def test_other_controls(ex):
    base_total = ex.award_table["total"].copy()
    ex._controls["groups.II.max"].value = 100.0
    assert ex.changes == {"groups.II.max": 100}
    assert (ex.award_table["total"] >= base_total - 1e-9).all()
    ex._controls["proportional_basis"].value = "threshold"
    assert ex.changes["proportional_basis"] == "threshold"
    ex._controls["criteria.A.II.1.target"].value = 0.9
    assert ex.changes["criteria.A.II.1.target"] == 0.9
    ex._controls["awards.nomination.per_parent"].value = 2
    assert int(ex.award_table["nominated"].sum()) > 14
    ex._controls["awards.chairman.quota"][1].value = True      # "no cap"
    assert ex.changes["awards.chairman.quota"] is None
    assert (ex.award_table["award"] == "chairman").sum() == ex.award_table["nominated"].sum()


def test_month_and_language(ex):
    t0 = ex._w_table.value
    ex._controls["period"].value = "2023-06"
    assert ex.period == "2023-06"
    assert ex._w_table.value != t0
    assert "--period 2023-06" in ex.cli_command()
    assert "không đạt chỉ tiêu bắt buộc" in ex._w_table.value
    ex._controls["lang"].value = "en"
    html = ex._w_table.value
    assert "gate failed" in html and "Failed gates" in html
    assert "Xã" in html  # names keep their diacritics
    assert "Urban uplift" in ex._accordion.get_title(0)


def test_cli_command_reproduces_the_award_list(ex, tmp_path):
    ex.set("uplift.city", 0.3)
    ex.set("awards.chairman.quota", 3)
    ex.set("gates.G5.mode", "soft")
    cmd = ex.cli_command(out=str(tmp_path / "awards.csv"))
    assert cmd.startswith("emusim award --plan scenarios/ha_giang_186_2023.yaml --level commune --seed 1 --period 2023-11")
    assert "--set uplift.city=0.3 --set awards.chairman.quota=3 --set gates.G5.mode=soft" in cmd
    argv = shlex.split(cmd)
    proc = subprocess.run([sys.executable, "-m", "emusim.cli", *argv[1:]], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    got = pd.read_csv(tmp_path / "awards.csv", dtype={"locality_id": str}, encoding="utf-8-sig").set_index("locality_id")
    mine = ex.award_table["award"]
    theirs = got["award"].reindex(mine.index)
    assert (mine.fillna("-") == theirs.fillna("-")).all()


def test_export(ex, tmp_path):
    ex.set("uplift.city", 0.3)
    out = ex.export(tmp_path / "a.xlsx")
    table = pd.read_excel(out, dtype={"locality_id": str}).set_index("locality_id")
    assert len(table) == 193
    assert (table["award"] == "chairman").sum() == 5
    assert {"failed_gates", "change", "total", "reason"} <= set(table.columns)
    with pytest.raises(es.InputError, match="--force"):   # exists: the message names --force in vi and en
        ex.export(tmp_path / "a.xlsx")
    ex.export(tmp_path / "a.xlsx", force=True)
    # the page itself never writes on the server: no export button (downloads go through the browser)
    assert not hasattr(ex, "_w_export")


def test_standards_scheme_without_quota(tmp_path):
    plan = es.load_plan("tuyen_quang_da06_2022")
    reg = es.load_registry(plan.registry)
    panel = es.simulate(reg, seed=1)
    ex = Explorer(plan, panel, level="commune", registry=reg, period="2025-06")
    w, nocap = ex._controls["awards.chairman.quota"]
    assert nocap.value and w.disabled                     # "theo thẩm quyền": no cap
    nocap.value = False
    w.value = 5
    assert ex.changes == {"awards.chairman.quota": 5}
    assert (ex.award_table["award"] == "chairman").sum() <= 5
    assert "--set awards.chairman.quota=5" in ex.cli_command()


def test_chart_svg_is_well_formed_and_marks_changes(ex):
    ex.set("uplift.city", 0.3)
    svg = ex.chart_svg()
    start, end = svg.index("<svg"), svg.index("</svg>") + len("</svg>")
    root = ET.fromstring(svg[start:end])
    assert root.tag.endswith("svg")
    assert "Ngưỡng" in svg and "▼" in svg
    aw = ex.award_table
    for lid in aw.index[aw["award"].notna()]:
        assert f"{aw.loc[lid, 'name']}" in svg  # every award winner is on the chart
    fig = ex.figure()
    assert fig.axes


def test_headless_explorer_and_helpers(hg_plan, hg_panel, hg_registry):
    ex = Explorer(hg_plan, hg_panel, registry=hg_registry, build=False)
    assert ex.widget is None and ex.level == "commune"
    ex.update_many({"uplift.city": 0.25, "awards.police_director.quota": 4})
    assert (ex.award_table["award"] == "police_director").sum() <= 4
    assert format_value(0.1 + 0.2) == "0.3"
    assert translate_reason("not nominated by Huyện Bắc Mê: ranked 2 among its eligible units; it nominates 1") \
        == "không được Huyện Bắc Mê đề cử: xếp thứ 2 trong các đơn vị đủ điều kiện; chỉ đề cử 1"
    assert ranking_svg(ex.award_table, ex.scheme, "en").count("<rect") > 10
    with pytest.raises(es.InputError, match="tasks"):
        Explorer(hg_plan, hg_panel, level="agency_tasks", registry=hg_registry, build=False)


# --------------------------------------------------------------------------- the whole page
from emusim.widgets.dashboard import Dashboard  # noqa: E402
from emusim.widgets.scenario import History, Scenario  # noqa: E402

SAMPLES = ROOT / "data" / "samples"


def upload(d, path: Path) -> None:
    """What the FileUpload widget hands the page when a file is chosen."""
    d._on_upload({"new": ({"name": path.name, "content": memoryview(path.read_bytes())},)})


def test_a_link_reopens_the_view_it_names():
    q = "plan=lao_cai_cds_2022&level=commune&set=awards.chairman.quota%3D3&name=Th%E1%BB%AD+3&tab=compare"
    d = Dashboard(query=q)
    s = d.scenario
    assert (s.plan, s.level, s.period, s.name, s.tab) == ("lao_cai_cds_2022", "commune", "2025-06", "Thử 3", "compare")
    assert d.explorer.changes == {"awards.chairman.quota": 3}
    assert (d.explorer.award_table["award"] == "chairman").sum() <= 3
    assert d._w_tabs.selected_index == 1 and "So sánh hai kịch bản" in d._w_compare.value
    assert Scenario.from_query(s.to_query()) == s
    assert "set=awards.chairman.quota%3D3" in d._w_link.value
    # a value the plan does not allow: the plan as written, and the page says why
    d2 = Dashboard(query="plan=ha_giang_186_2023&set=uplift.city%3D3")
    assert d2.explorer.changes == {} and "nằm ngoài" in d2._w_notice.value


def test_every_change_is_a_step_and_undo_walks_back():
    d = Dashboard()
    d.explorer._controls["uplift.city"].value = 0.3
    d._w_plan.value = "lao_cai_cds_2022"
    assert d.scenario.plan == "lao_cai_cds_2022" and d.scenario.adjust == {}
    d.undo()
    assert d.scenario.plan == "ha_giang_186_2023" and d.explorer.changes == {"uplift.city": 0.3}
    assert d._w_plan.value == "ha_giang_186_2023"
    assert d.explorer._controls["uplift.city"].value == pytest.approx(0.3)
    d.undo()
    assert d.explorer.changes == {} and (d.explorer.award_table["award"] == "chairman").sum() == 5
    assert d._w_undo.disabled and not d._w_redo.disabled
    d.redo().redo()
    assert d.scenario.plan == "lao_cai_cds_2022"
    # a new change drops the steps that could be redone
    h = History(Scenario())
    h.push(Scenario(adjust={"a": 1}))
    h.undo()
    h.push(Scenario(adjust={"b": 2}))
    assert not h.can_redo and [s.adjust for s in h.steps] == [{}, {"b": 2}]


def test_scenario_file_round_trip_and_a_bad_file_changes_nothing():
    d = Dashboard()
    d.explorer.set("gates.G3.mode", "soft")
    text = d.scenario.to_yaml()
    assert "gates.G3.mode: soft" in text
    d2 = Dashboard()
    d2._on_load({"new": ({"name": "ks.yaml", "content": memoryview(text.encode())},)})
    assert d2.explorer.changes == {"gates.G3.mode": "soft"}
    with pytest.raises(es.InputError, match="ks.yaml"):
        Scenario.from_yaml("plan: [", file="ks.yaml")
    with pytest.raises(es.InputError):
        Scenario.from_yaml("format: emusim-scenario/1\nplan: x\nadjust: [1, 2]\n")
    before = d2.scenario
    d2._on_load({"new": ({"name": "bad.yaml", "content": memoryview(b"just text")},)})
    assert d2.scenario == before and "bad.yaml" in d2._w_notice.value


def test_their_own_workbook_replaces_the_simulation_and_a_bad_one_says_where():
    d = Dashboard(query="plan=lao_cai_cds_2022&level=commune")
    assert "mô phỏng" in d.explorer.title_html()
    upload(d, SAMPLES / "lao_cai_communes_2025-06_long.xlsx")
    assert d.scenario.data == "file:lao_cai_communes_2025-06_long.xlsx"
    assert len(d.explorer.award_table) == 5                       # the file's five communes
    assert "Đã đọc" in d._w_report.value and "mô phỏng" not in d.explorer.title_html()
    assert "--data lao_cai_communes_2025-06_long.xlsx" in d.explorer.cli_command()
    before = d.scenario
    upload(d, SAMPLES / "bad" / "out_of_range.csv")
    assert d.scenario == before
    assert "Không đọc được out_of_range.csv" in d._w_report.value
    assert "out_of_range.csv, dòng 2" in d._w_report.value and "emusim-upload-" not in d._w_report.value
    d._w_source.value = "simulated"
    assert d.scenario.data == "simulated" and len(d.explorer.award_table) > 5


def test_tasks_plan_gets_its_own_view():
    d = Dashboard(query="plan=tuyen_quang_kh21_2025")
    plan = es.load_plan("tuyen_quang_kh21_2025")
    st = es.score_tasks(plan.scheme("tasks"), SAMPLES / "tuyen_quang_kh21_status.csv", "2025-12-01")
    od = es.overdue(plan.scheme("tasks"), SAMPLES / "tuyen_quang_kh21_status.csv", "2025-12-01")
    html = d.page._w_body.value
    assert f"{int(st['n_due'].sum())} nghĩa vụ đã đến hạn" in html
    assert f"Nhiệm vụ quá hạn ({len(od)})" in html and "dữ liệu mẫu" in html
    d._w_lang.value = "en"
    assert "On-time share" in d.page._w_body.value


def test_ab_says_who_loses_and_why(hg_plan):
    d = Dashboard()
    d.explorer.set("uplift.city", 0.3)
    d._w_tabs.selected_index = 1
    html = d._w_compare.value
    lost = d.explorer.losses
    assert lost and d.explorer.award_table.loc[lost[0], "name"] in html
    assert "Ai mất" in html and "không đạt chỉ tiêu bắt buộc" in html
    # the same communes under Tuyên Quang's standards
    d._w_against.value = "tuyen_quang_cds_2022"
    assert "bảng tiêu chí của Tuyên Quang" in d._w_compare.value


def test_downloads_go_through_the_browser_named_after_the_scenario(tmp_path):
    import base64
    import io
    import re

    import openpyxl

    d = Dashboard(query="plan=ha_giang_186_2023&level=commune&period=2024-11&set=uplift.city%3D0.3&name=Phương+án+A")
    d._downloads.prepare()
    html = d._downloads._w_links.value
    names = re.findall(r"download='([^']+)'", html)
    assert names == ["ha_giang_186_2023_commune_2024-11_Phuong-an-A.xlsx", "ha_giang_186_2023_commune_2024-11_Phuong-an-A.png"]
    data = base64.b64decode(re.search(r"href='data:[^;]+;base64,([^']+)'", html).group(1))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[-1] == "Điều chỉnh"
    rows = list(wb["Điều chỉnh"].iter_rows(values_only=True))
    assert ("uplift.city", "0.15", "0.3") in rows
    assert any(r and str(r[0]).startswith("emusim award") and "--period 2024-11" in str(r[0]) for r in rows)
    assert not list(Path(ROOT / "notebooks").glob("*.xlsx"))        # nothing written on the server
