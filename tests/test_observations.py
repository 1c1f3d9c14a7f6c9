"""read_observations: formats, layouts, every error kind (file, row, column), no writes."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import emusim as es
from emusim.errors import InputError
from emusim.observations import parse_value, read_observations

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
BAD = SAMPLES / "bad"


@pytest.fixture(scope="module")
def hg_scheme():
    return es.load_plan(ROOT / "scenarios/ha_giang_186_2023.yaml").scheme("commune")


@pytest.fixture(scope="module")
def lc_scheme():
    # with the registration gate switched on (off by default: IV.1 does not name communes), so the
    # scheme reads emulation_registered as these samples expect
    return es.load_plan(ROOT / "scenarios/lao_cai_cds_2022.yaml").scheme("commune").adjust({"gates.G1.mode": "hard"})


@pytest.fixture(scope="module")
def lc_registry():
    return es.load_registry("lao_cai_2023")


def _errors(path, **kw) -> InputError:
    with pytest.raises(InputError) as info:
        read_observations(path, **kw)
    return info.value


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ----------------------------------------------------------------------------- values
@pytest.mark.parametrize("raw, expected", [
    (0.85, 0.85), ("0.85", 0.85), ("85%", 0.85), ("85 %", 0.85), ("85,5 %", 0.855),
    ("85,5%", 0.855), ("0,855", 0.855), ("85.5%", 0.855), ("100%", 1.0), ("0", 0.0), (1, 1.0),
    ("1", 1.0), ("85\u00a0%", 0.85),
])
def test_ratio_formats(raw, expected):
    assert parse_value(raw, "ratio") == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("raw", [85, "85", "85,5", 99.5])
def test_bare_number_above_one_suggests_the_fix(raw):
    with pytest.raises(ValueError, match=r"bare number above 1 for a ratio: write 0\.\d+ or .*%"):
        parse_value(raw, "ratio")


@pytest.mark.parametrize("raw", ["120%", "-0.1", -5, 150, "-3 %"])
def test_ratio_out_of_range(raw):
    with pytest.raises(ValueError, match="out of range"):
        parse_value(raw, "ratio")


@pytest.mark.parametrize("raw, expected", [
    (1, 1.0), (0, 0.0), ("1", 1.0), ("0", 0.0), ("true", 1.0), ("False", 0.0), ("có", 1.0),
    ("Có", 1.0), ("không", 0.0), ("KHÔNG", 0.0), ("x", 1.0), ("X", 1.0), ("", 0.0), (None, 0.0),
    (True, 1.0), (False, 0.0),
])
def test_bool_formats(raw, expected):
    assert parse_value(raw, "bool") == expected


def test_counts_points_dates():
    assert parse_value("3", "count") == 3.0 and parse_value(4.0, "count") == 4.0
    with pytest.raises(ValueError, match="out of range"):
        parse_value("-1", "count")
    with pytest.raises(ValueError, match="whole number"):
        parse_value("2.5", "count")
    assert parse_value("2,5", "points") == 2.5
    assert parse_value("2023-11-15", "date") == (dt.date(2023, 11, 15) - dt.date(1970, 1, 1)).days
    assert parse_value(dt.datetime(2023, 11, 15), "date") == parse_value("2023-11-15", "date")
    with pytest.raises(ValueError, match="ISO date"):
        parse_value("15/11/2023", "date")
    assert math.isnan(parse_value("", "ratio")) and math.isnan(parse_value(None, "count"))


# ----------------------------------------------------------------------------- samples
def test_ha_giang_wide_sample(hg_scheme):
    path = SAMPLES / "ha_giang_communes_2023-11_wide.csv"
    reg = es.load_registry("ha_giang_2023")
    panel = read_observations(path, registry=reg, scheme=hg_scheme, period="2023-11")
    values = panel.at("2023-11")
    assert list(values.index) == ["00688", "00715", "00721", "00769", "00982", "01153"]
    assert set(hg_scheme.indicators) <= set(values.columns)
    assert values.loc["00715", "eid_activation_rate"] == pytest.approx(0.855)
    assert panel.registry is reg
    assert panel.meta["layout"] == "wide"
    # mixed styles in the file: "74,0 %", "87%", "0.93" all become fractions
    cat = es.load_catalog()
    ratios = [c for c in values.columns if cat[c].unit == "ratio"]
    assert ((values[ratios] >= 0) & (values[ratios] <= 1)).all().all()
    text = path.read_text(encoding="utf-8")
    assert "%" in text and '"85,5 %"' in text and ",0.9" in text


def test_wide_without_period_needs_the_argument():
    err = _errors(SAMPLES / "ha_giang_communes_2023-11_wide.csv", registry="ha_giang_2023")
    (p,) = err.problems
    assert p.column == "period" and p.row == 1 and p.file.endswith("_wide.csv")
    assert "period='YYYY-MM'" in p.text("en")


def test_lao_cai_long_xlsx_sample(lc_scheme, lc_registry):
    panel = read_observations(SAMPLES / "lao_cai_communes_2025-06_long.xlsx", registry=lc_registry,
                              scheme=lc_scheme)
    values = panel.at("2025-06")
    assert list(values.index) == ["02635", "02683", "02752", "02839", "03001"]
    assert list(values.columns) == list(lc_scheme.indicators)
    assert values.loc["02635", "work_files_online_rate"] == pytest.approx(0.60)  # a "0%" number cell
    assert values.loc["02683", "emulation_registered"] == 0.0                    # "không"
    assert panel.meta["layout"] == "long"
    # it scores
    st = es.score(lc_scheme, values, lc_registry)
    assert len(st) == 5


# ----------------------------------------------------------------------------- bad files
def test_bad_bare_85(lc_registry):
    err = _errors(BAD / "bare_ratio_85.csv", registry=lc_registry, period="2025-06")
    (p,) = err.problems
    assert p.file == str(BAD / "bare_ratio_85.csv") and p.row == 3
    assert p.column == "work_files_online_rate"
    assert "write 0.85 or 85%" in p.text("en")
    assert "bare_ratio_85.csv, dòng 3, cột 'work_files_online_rate'" in str(err)


def test_bad_unknown_locality(lc_registry):
    err = _errors(BAD / "unknown_locality.csv", registry=lc_registry)
    (p,) = err.problems
    assert (p.row, p.column) == (3, "locality_id") and p.file.endswith("unknown_locality.csv")
    assert "unknown locality '99999'" in p.text("en")


def test_bad_unknown_indicator_suggests(lc_registry):
    err = _errors(BAD / "unknown_indicator.csv", registry=lc_registry, period="2025-06")
    (p,) = err.problems
    assert (p.row, p.column) == (1, "electronic_document_rate")
    assert "unknown indicator" in p.text("en") and "electronic_documents_rate" in p.text("en")


def test_bad_duplicate(lc_registry):
    err = _errors(BAD / "duplicate_row.csv", registry=lc_registry)
    (p,) = err.problems
    assert p.row == 4 and p.column == "indicator" and p.file.endswith("duplicate_row.csv")
    assert "duplicate" in p.text("en") and "first on row 2" in p.text("en") and "02635" in p.text("en")


def test_bad_out_of_range_lists_both(lc_registry):
    err = _errors(BAD / "out_of_range.csv", registry=lc_registry, period="2025-06")
    got = {(p.row, p.column) for p in err.problems}
    assert got == {(2, "work_files_online_rate"), (4, "electronic_documents_rate")}
    assert all("out of range" in p.text("en") for p in err.problems)
    assert any("'120%'" in p.text("en") for p in err.problems)


def test_bad_missing_indicator(lc_registry, lc_scheme):
    path = BAD / "missing_indicator.csv"
    read_observations(path, registry=lc_registry, period="2025-06")  # fine without a scheme
    err = _errors(path, registry=lc_registry, period="2025-06", scheme=lc_scheme)
    (p,) = err.problems
    assert (p.row, p.column) == (1, "emulation_registered") and p.file.endswith("missing_indicator.csv")
    assert "missing indicator" in p.text("en") and "lao_cai_cds_2022:commune" in p.text("en")


def test_bad_unparseable(lc_registry):
    err = _errors(BAD / "unparseable.csv", registry=lc_registry)
    assert [(p.row, p.column) for p in err.problems] == [(2, "value"), (3, "value")]
    assert "'n/a'" in err.problems[0].text("en") and "'maybe'" in err.problems[1].text("en")


def test_bad_missing_column():
    err = _errors(BAD / "missing_column.csv")
    (p,) = err.problems
    assert (p.row, p.column) == (1, "value") and "missing required column" in p.text("en")


def test_all_problems_are_collected_together(tmp_path, lc_registry, lc_scheme):
    path = _write(tmp_path, "many.csv",
                  "locality_id,period,indicator,value\n"
                  "02635,2025-06,work_files_online_rate,85\n"         # bare 85
                  "77777,2025-06,work_files_online_rate,0.8\n"        # unknown locality
                  "02635,2025-06,no_such_indicator,1\n"               # unknown indicator
                  "02635,2025-06,work_files_online_rate,0.8\n"        # duplicate of row 2
                  "02635,2025-06,electronic_documents_rate,abc\n"     # unparseable
                  "02635,2025-06,emulation_registered,có\n"
                  "02683,2025-06,work_files_online_rate,0.7\n")       # lacks 3 indicators
    err = _errors(path, registry=lc_registry, scheme=lc_scheme)
    where = [(p.row, p.column) for p in err.problems]
    assert (2, "value") in where and (3, "locality_id") in where and (4, "indicator") in where
    assert (5, "indicator") in where and (6, "value") in where
    missing = [p for p in err.problems if p.text("en").startswith("missing indicator")]
    # 02635 lacks socioeconomic_reports_via_system_rate; 02683 lacks three
    assert len(missing) == 4 and all(p.file == str(path) for p in err.problems)


def test_scheme_requirement_with_empty_wide_cell(tmp_path, lc_registry, lc_scheme):
    path = _write(tmp_path, "w.csv",
                  "locality_id,work_files_online_rate,electronic_documents_rate,"
                  "socioeconomic_reports_via_system_rate,emulation_registered\n"
                  "02635,70%,1,1,có\n02683,,1,1,\n")
    err = _errors(path, registry=lc_registry, scheme=lc_scheme, period="2025-06")
    (p,) = err.problems  # the empty bool is "không", the empty ratio is missing
    assert (p.row, p.column) == (3, "work_files_online_rate") and "02683" in p.text("en")


# ----------------------------------------------------------------------------- layouts
def test_long_csv_semicolons_and_periods(tmp_path, lc_registry):
    path = _write(tmp_path, "semi.csv",
                  "Locality_ID;Period;Indicator;Value;ghi chú\n"
                  "02635;06/2025;work_files_online_rate;85,5 %;x\n"
                  "02635;2025/07;work_files_online_rate;0,9;\n"
                  "02683;;work_files_online_rate;72%;\n")
    panel = read_observations(path, registry=lc_registry, period="2025-06")
    assert [str(p) for p in panel.periods] == ["2025-06", "2025-07"]
    assert panel.at("2025-06").loc["02635", "work_files_online_rate"] == pytest.approx(0.855)
    assert panel.at("2025-07").loc["02635", "work_files_online_rate"] == pytest.approx(0.9)
    assert panel.at("2025-06").loc["02683", "work_files_online_rate"] == pytest.approx(0.72)


def test_wide_xlsx_with_period_column_and_sheet(tmp_path, lc_registry):
    path = tmp_path / "wide.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["not this sheet"])
    ws = wb.create_sheet("data")
    ws.append(["locality_id", "period", "work_files_online_rate", "emulation_registered"])
    ws.append(["02635", dt.datetime(2025, 6, 1), 0.75, "có"])
    ws.append([2683, "2025-06", "85,5 %", None])             # number id lost its zero
    ws.append(["02752", "2025-06", 85, True])                  # bare 85 → error
    wb.save(path)
    err = _errors(path, registry=lc_registry, sheet="data")
    (p,) = err.problems
    assert (p.row, p.column) == (4, "work_files_online_rate") and "write 0.85 or 85%" in p.text("en")
    ws.cell(4, 3).value = "85%"
    wb.save(path)
    values = read_observations(path, registry=lc_registry, sheet="data").at("2025-06")
    assert list(values.index) == ["02635", "02683", "02752"]
    assert values["work_files_online_rate"].tolist() == pytest.approx([0.75, 0.855, 0.85])
    assert values["emulation_registered"].tolist() == [1.0, 0.0, 1.0]


def test_long_xlsx_roundtrip_matches_csv(tmp_path, lc_registry):
    rows = [["02635", "2025-06", "work_files_online_rate", "85,5 %"],
            ["02635", "2025-06", "emulation_registered", "có"],
            ["02683", "2025-06", "work_files_online_rate", "0.6"]]
    csv_path = _write(tmp_path, "l.csv", "locality_id,period,indicator,value\n" +
                      "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n")
    xlsx_path = tmp_path / "l.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["locality_id", "period", "indicator", "value"])
    for r in rows:
        wb.active.append(r)
    wb.save(xlsx_path)
    a = read_observations(csv_path, registry=lc_registry).at("2025-06")
    b = read_observations(xlsx_path, registry=lc_registry).at("2025-06")
    pd.testing.assert_frame_equal(a, b)


# ----------------------------------------------------------------------------- ids
def test_leading_zeros_preserved_and_restored(tmp_path, lc_registry):
    path = _write(tmp_path, "z.csv", "locality_id,period,indicator,value\n"
                  "02635,2025-06,work_files_online_rate,0.5\n"
                  "2641,2025-06,work_files_online_rate,0.6\n")
    panel = read_observations(path, registry=lc_registry)
    assert list(panel.localities) == ["02635", "02641"]
    assert panel.meta["padded_ids"] == {"2641": "02641"}
    # without a registry ids are kept exactly as written (text, zeros kept)
    assert list(read_observations(path).localities) == ["02635", "2641"]


def test_zero_padding_only_when_unambiguous(tmp_path):
    reg = pd.DataFrame({"name": ["a", "b", "c"]}, index=pd.Index(["0123", "00123", "00456"],
                                                                   name="locality_id"))
    path = _write(tmp_path, "amb.csv", "locality_id,period,indicator,value\n"
                  "123,2025-06,work_files_online_rate,0.5\n"
                  "456,2025-06,work_files_online_rate,0.6\n")
    err = _errors(path, registry=reg)
    (p,) = err.problems
    assert (p.row, p.column) == (2, "locality_id") and "ambiguous" in p.text("en")
    assert "0123" in p.text("en") and "00123" in p.text("en")


# ----------------------------------------------------------------------------- no writes
@pytest.mark.parametrize("name", ["ha_giang_communes_2023-11_wide.csv",
                                  "lao_cai_communes_2025-06_long.xlsx",
                                  "bad/bare_ratio_85.csv"])
def test_input_file_is_not_modified(name):
    path = SAMPLES / name
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    try:
        read_observations(path, registry="lao_cai_2023" if "lao" in name or "bad" in name
                          else "ha_giang_2023", period="2025-06" if "bad" in name else "2023-11")
    except InputError:
        pass
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_public_name():
    assert es.read_observations is read_observations
