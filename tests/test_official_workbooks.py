"""Officials' own workbooks (issue 11) and the observation-reading items of issue 17.

Every realistic workbook in data/samples/official/ holds the canonical sample's values; each
reads to exactly those values. Bad ones fail with the row and column named; no input file is
ever changed.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import emusim as es
from emusim.errors import InputError
from emusim.observations import parse_value, read_observations

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
OFFICIAL = sorted((SAMPLES / "official").glob("0*"))


@pytest.fixture(scope="module")
def canonical(scheme, reg):
    panel = read_observations(SAMPLES / "ha_giang_communes_2023-11_wide.csv", registry=reg, scheme=scheme,
                              period="2023-11")
    return panel.at("2023-11")[list(scheme.indicators)]


def _read(path, reg, scheme, **kw):
    kw.setdefault("sheet", "Số liệu" if path.name.startswith("06") else None)
    if path.name.startswith("02"):
        kw.setdefault("period", "2023-11")   # no title, no period column: the caller says
    return read_observations(path, registry=reg, scheme=scheme, **kw)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_there_are_at_least_six_realistic_workbooks():
    assert len(OFFICIAL) >= 6
    assert {p.suffix for p in OFFICIAL} == {".csv", ".xlsx"}


@pytest.mark.parametrize("path", OFFICIAL, ids=lambda p: p.name)
def test_each_workbook_reads_to_the_canonical_values(path, reg, scheme, canonical):
    before = _sha(path), path.stat().st_mtime_ns
    panel = _read(path, reg, scheme)
    values = panel.at("2023-11").reindex(index=canonical.index, columns=canonical.columns)
    pd.testing.assert_frame_equal(values, canonical, check_exact=False, atol=1e-12, rtol=0)
    assert (_sha(path), path.stat().st_mtime_ns) == before          # never written
    rep = panel.report
    assert isinstance(rep, es.observations.ImportReport)
    assert rep.period == "2023-11" and len(rep.coverage) == len(scheme.indicators)
    assert (rep.coverage["coverage"] == 1.0).all() and not rep.warnings
    assert "2023-11" in rep.text("en") and "<div" in rep._repr_html_()


def test_what_each_report_says(reg, scheme):
    by = {p.name[:2]: _read(p, reg, scheme).report for p in OFFICIAL}
    assert by["01"].header_row == 5 and by["01"].numbering_row == 6 and by["01"].period_from == "title"
    assert {r for _, r, _ in by["01"].skipped} == {"total", "note"}
    assert by["02"].encoding == "utf-8-bom" and set(by["02"].how_counts()) == {"padded"}
    assert any(how == "criterion" for _, _, _, how in by["02"].columns)
    assert by["03"].encoding == "cp1258" and by["03"].how_counts() == {"normalised_name": 6}
    assert by["04"].layout == "long" and by["04"].period_from == "column"
    assert [r for _, r, _ in by["06"].skipped].count("district_heading") == 5
    assert "dòng tổng" in by["01"].text("vi") and "totals row" in by["01"].text("en")


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("raw, expected", [("1.000", 1000.0), ("1.234.567", 1234567.0), (1000, 1000.0), ("3", 3.0)])
def test_counts_in_vietnamese_form(raw, expected):
    assert parse_value(raw, "count") == expected


def test_one_comma_thousand_is_ambiguous_in_a_count_column(tmp_path, reg):
    path = tmp_path / "c.csv"
    path.write_text("Mã ĐVHC,social_media_posts\n00715,\"1,000\"\n00721,\"1.000\"\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_observations(path, registry=reg, period="2023-11")
    (p,) = info.value.problems
    assert (p.row, p.column) == (2, "social_media_posts") and "two ways" in p.text("en")
    path.write_text("Mã ĐVHC,social_media_posts\n00721,\"1.000\"\n", encoding="utf-8")
    assert read_observations(path, registry=reg, period="2023-11").at("2023-11").iloc[0, 0] == 1000.0


def test_percent_headers_and_vietnamese_decimals():
    assert parse_value("85,5", "ratio", percent=True) == pytest.approx(0.855)
    assert parse_value(85, "ratio", percent=True) == pytest.approx(0.85)
    assert parse_value("1.234,5", "points") == 1234.5
    with pytest.raises(ValueError, match="out of range"):
        parse_value(120, "ratio", percent=True)


def test_official_dates():
    day = parse_value("15/11/2023", "date", official=True)
    assert day == parse_value("2023-11-15", "date") == parse_value(45245, "date", official=True)


def test_not_applicable_is_kept_apart_from_missing(tmp_path, reg):
    path = tmp_path / "na.csv"
    path.write_text("Mã ĐVHC,dvc_online_rate,cadre_eid_rate\n00715,Không áp dụng,90%\n00721,,KAD\n", encoding="utf-8")
    panel = read_observations(path, registry=reg, period="2023-11")
    v = panel.at("2023-11")
    na = v.attrs["not_applicable"]
    assert bool(na.loc["00715", "dvc_online_rate"]) and not bool(na.loc["00721", "dvc_online_rate"])
    assert np.isnan(v.loc["00715", "dvc_online_rate"]) and np.isnan(v.loc["00721", "dvc_online_rate"])
    path.write_text("Mã ĐVHC,dvc_online_rate\n00715,n/a\n00721,-\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_observations(path, registry=reg, period="2023-11")
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "dvc_online_rate"), (3, "dvc_online_rate")]
    assert "không áp dụng" in info.value.problems[0].text("en")


# ----------------------------------------------------------------------------- names
def test_names_prefixes_and_district_disambiguation(tmp_path, reg):
    path = tmp_path / "names.csv"
    path.write_text("Tên đơn vị,Huyện,de_an_06_plan_issued\nX. Lũng Cú,,có\nTả Lủng,Mèo Vạc,có\n"
                    "tả lủng,H. Đồng Văn,không\n", encoding="utf-8")
    panel = read_observations(path, registry=reg, period="2023-11")
    assert list(panel.localities) == ["00715", "00796", "00742"]


def test_ambiguous_and_unknown_names_list_the_closest(tmp_path, reg):
    path = tmp_path / "names.csv"
    path.write_text("Tên đơn vị,de_an_06_plan_issued\nTả Lủng,có\nXã Lũng Cù Xa,có\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_observations(path, registry=reg, period="2023-11")
    amb, unknown = info.value.problems
    assert (amb.row, amb.column) == (2, "Tên đơn vị") and "00742" in amb.text("en") and "00796" in amb.text("en")
    assert (unknown.row, unknown.column) == (3, "Tên đơn vị") and "Lũng Cú" in unknown.text("en")


def test_former_names_match(tmp_path, reg):
    reg2 = reg.copy()
    reg2["former_names"] = ""
    reg2.loc["00715", "former_names"] = "Xã Lũng Cú Cũ; Xã Cực Bắc"
    path = tmp_path / "old.csv"
    path.write_text("Tên đơn vị,de_an_06_plan_issued\nXã Cực Bắc,có\n", encoding="utf-8")
    panel = read_observations(path, registry=reg2, period="2023-11")
    assert list(panel.localities) == ["00715"] and panel.report.how_counts() == {"former_name": 1}


def test_unmapped_columns_are_listed_never_guessed(tmp_path, reg):
    path = tmp_path / "u.csv"
    path.write_text("Mã ĐVHC,Số người dân hài lòng,de_an_06_plan_issued\n00715,12,có\n", encoding="utf-8")
    panel = read_observations(path, registry=reg, period="2023-11")
    assert panel.indicators == ["de_an_06_plan_issued"]
    assert panel.report.unmapped == ["Số người dân hài lòng"] and panel.report.warnings


# ----------------------------------------------------------------------------- XLSX hazards
def test_a_cell_merged_across_two_units_is_an_error(tmp_path, reg):
    path = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã ĐVHC", "de_an_06_plan_issued"])
    ws.append(["00715", "có"])
    ws.append(["00721", None])
    ws.merge_cells("B2:B3")
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_observations(path, registry=reg, period="2023-11")
    (p,) = info.value.problems
    assert (p.row, p.column) == (3, "de_an_06_plan_issued") and "merged" in p.text("en")


def test_a_formula_without_a_cached_value_is_an_error_not_a_no(tmp_path, reg):
    path = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã ĐVHC", "de_an_06_plan_issued", "social_media_posts"])
    ws.append(["00715", "=1", "=2+3"])   # openpyxl saves formulas without cached values
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_observations(path, registry=reg, period="2023-11")
    assert {(p.row, p.column) for p in info.value.problems} == {(2, "de_an_06_plan_issued"), (2, "social_media_posts")}
    assert all("formula" in p.text("en") for p in info.value.problems)


def test_sheet_index_out_of_range_and_directories_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="trang số 5"):
        read_observations(SAMPLES / "lao_cai_communes_2025-06_long.xlsx", sheet=5)
    with pytest.raises(InputError) as info:
        read_observations(tmp_path)
    assert "folder" in info.value.problems[0].text("en")


def test_a_huge_cell_is_bounded(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("locality_id,period,indicator,value\n02635,2025-06,work_files_online_rate," + "9" * 200_000 + "\n")
    with pytest.raises(InputError) as info:
        read_observations(path)
    (p,) = info.value.problems
    assert p.row == 2 and "200" in p.text("en")


def test_periods_that_skip_the_evaluation_month_are_loud(tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("locality_id,period,indicator,value\n02635,2025-05,work_files_online_rate,0.5\n"
                    "02635,2025-07,work_files_online_rate,0.6\n")
    panel = read_observations(path)
    with pytest.raises(InputError) as info:
        panel.at("2025-06")
    assert "2025-05" in info.value.problems[0].text("en")
    filled = panel.at("2025-06", missing="previous")
    assert filled.iloc[0, 0] == 0.5 and len(filled.attrs["filled"]) == 1


# ----------------------------------------------------------------------------- robustness
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes_give_a_result_or_an_input_error(tmp_path, data):
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"r{suffix}"
        path.write_bytes(data)
        try:
            read_observations(path, period="2023-11")
        except InputError:
            pass


_cells = st.one_of(st.none(), st.text(max_size=12), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                   st.booleans(), st.sampled_from(["1.000", "1,000", "85,5 %", "không áp dụng", "n/a", "Tổng cộng",
                                                   "tháng 11/2023", "(1)", "Xã Lũng Cú"]))


_REG = es.load_registry("ha_giang_2023")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_cells, min_size=1, max_size=5), min_size=1, max_size=6))
def test_random_cells_give_a_result_or_an_input_error(rows):
    width = max(len(r) for r in rows)
    header = ["Mã ĐVHC", "Tên đơn vị", "de_an_06_plan_issued", "social_media_posts", "dvc_online_rate"][:width]
    frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], columns=header)
    for unit in ("ratio", "count", "bool", "points", "date"):
        for cell in frame.to_numpy().ravel():
            try:
                parse_value(cell, unit, official=True)
            except ValueError:
                pass
    try:
        read_observations(frame, registry=_REG, period="2023-11")
    except InputError:
        pass
