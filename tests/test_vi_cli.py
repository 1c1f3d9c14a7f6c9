"""The command line in Vietnamese (default) and English (``--lang en``, before or after the
command, or ``EMUSIM_LANG``): help, argparse's own errors, headings, table headers and values,
summaries. What the library modules word (reasons, errors, lint findings, analysis sentences)
is checked by their own tests; here the English the command line itself would add."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from emusim.cli import argv_lang, main
from emusim.i18n import catalogue, t
from emusim.i18n.leaks import english_leaks

ROOT = Path(__file__).resolve().parent.parent
HG = ["--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune", "--seed", "1", "--period", "2023-11"]
HG_DATA = str(ROOT / "data" / "samples" / "ha_giang_communes_2023-11_wide.csv")
LC_XLSX = str(ROOT / "data" / "samples" / "lao_cai_communes_2025-06_long.xlsx")
# words of the data (locality names) that look English
DATA_WORDS = {"long"}
# the command names the help lists: identifiers the user types
COMMANDS = ("lint", "simulate", "score", "award", "audit", "brief", "calibration", "compare", "design", "tasks",
            "template", "verify", "uncertainty", "sweep", "tornado", "improve", "equity")


@pytest.fixture(autouse=True)
def _root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("EMUSIM_LANG", raising=False)


def cli(capsys, *argv):
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as exc:   # argparse: help (0) or a usage error (2)
        rc = exc.code
    out, err = capsys.readouterr()
    return rc, out, err


def own_messages(domain: str):
    return sorted(k for k in catalogue() if k.startswith(domain + "."))


@pytest.mark.parametrize("key", own_messages("cli") + own_messages("commands"))
def test_every_cli_message_is_vietnamese(key):
    vi = catalogue()[key]["vi"]
    text = re.sub(r"\{[^{}]*\}|%\(\w+\)[sr]", " ", vi)   # str.format and argparse's placeholders
    assert english_leaks(text) == [], (key, vi)


def test_lang_is_read_before_the_parser_is_built(monkeypatch):
    assert argv_lang(["award", "--plan", "p"]) == "vi"
    assert argv_lang(["--lang", "en", "award"]) == argv_lang(["award", "--lang=en"]) == "en"
    monkeypatch.setenv("EMUSIM_LANG", "en")
    assert argv_lang(["award"]) == "en" and argv_lang(["award", "--lang", "vi"]) == "vi"


def test_help_in_both_languages(capsys):
    rc, out, _ = cli(capsys, "--help")
    assert rc == 0 and "cách dùng: emusim" in out and "chấm điểm và xét khen thưởng" in out
    assert english_leaks(out, allow=set(COMMANDS)) == []
    rc, out, _ = cli(capsys, "award", "--help")
    assert rc == 0 and "tệp kịch bản" in out and english_leaks(out) == []
    rc, out, _ = cli(capsys, "award", "--help", "--lang", "en")
    assert rc == 0 and "usage: emusim award" in out and "scenario file" in out
    for command in COMMANDS:
        rc, out, _ = cli(capsys, command, "--help")
        assert rc == 0 and "--lang" in out, command
        assert english_leaks(out, allow=set(COMMANDS)) == [], (command, english_leaks(out, allow=set(COMMANDS)))


def test_argparse_errors_follow_the_language(capsys, monkeypatch):
    rc, _, err = cli(capsys, "award", "--plan", "x")
    assert rc == 2 and "lỗi: thiếu các tuỳ chọn bắt buộc: --level" in err and english_leaks(err) == []
    rc, _, err = cli(capsys, "award", "--plan", "x", "--lang", "en")
    assert rc == 2 and "error: the following arguments are required: --level" in err
    rc, _, err = cli(capsys, "--lang", "en", "award", "--plan", "x")
    assert rc == 2 and "the following arguments are required" in err
    rc, _, err = cli(capsys, "award", *HG, "--lang", "fr")
    assert rc == 2 and "giá trị không hợp lệ: 'fr'" in err
    monkeypatch.setenv("EMUSIM_LANG", "en")
    rc, _, err = cli(capsys, "award", "--plan", "x")
    assert rc == 2 and "the following arguments are required" in err


def test_award_table_in_vietnamese_and_english(capsys):
    rc, out, _ = cli(capsys, "award", *HG)
    assert rc == 0
    assert "ha_giang_186_2023 (cấp xã) tại kỳ 11/2023: 193 đơn vị, 37 đủ điều kiện" in out   # the plan, its level in words
    header = next(line for line in out.splitlines() if "Tên đơn vị" in line)
    for word in ("Khen thưởng", "Hạng", "Tổng điểm", "Đủ điều kiện", "Lý do"):
        assert word in header
    assert "Bằng khen của Chủ tịch UBND tỉnh" in out and "370,16" in out and " có " in out and "—" in out
    assert "chairman" not in out.replace("chairman:", "")   # the tier by its plan label
    assert english_leaks(out) == []
    rc, out, _ = cli(capsys, "--lang", "en", "award", *HG)
    assert rc == 0 and "ha_giang_186_2023:commune at 2023-11: 193 units, 37 eligible" in out
    assert "Certificate of merit" in out and "370.16" in out and "Eligible" in out and " yes " in out


def test_score_out_and_explain(capsys, tmp_path):
    out_file = tmp_path / "s.csv"
    rc, out, _ = cli(capsys, "score", *HG, "--out", out_file)
    assert rc == 0 and f"đã ghi 193 dòng vào {out_file}" in out and english_leaks(out) == []
    assert "total" in out_file.read_text(encoding="utf-8-sig").splitlines()[0]   # the file keeps its columns
    rc, out, _ = cli(capsys, "award", "--plan", "scenarios/lao_cai_cds_2022.yaml", "--level", "commune",
                     "--data", LC_XLSX, "--set", "awards.chairman.quota=2")
    assert rc == 0 and "5 đơn vị" in out and english_leaks(out, allow=DATA_WORDS) == []


def test_errors_are_prefixed_and_worded(capsys, tmp_path):
    rc, _, err = cli(capsys, "award", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "hamlet", "--seed", "1")
    assert rc == 2 and "emusim award:" in err
    rc, _, err = cli(capsys, "tornado", *HG, "--range", "uplift.city=0.3", "--out", tmp_path / "t.csv")
    assert rc == 2 and "--range cần dạng THAM_SỐ=THẤP:CAO" in err and english_leaks(err) == []
    rc, _, err = cli(capsys, "tornado", *HG, "--range", "uplift.city=0.3", "--out", tmp_path / "t.csv", "--lang", "en")
    assert rc == 2 and "--range expects PATH=LOW:HIGH" in err


def test_internal_error_line(capsys, monkeypatch):
    import emusim.cli as cli_module

    def boom(args):
        raise RuntimeError("x")

    monkeypatch.setattr(cli_module, "cmd_lint", boom)
    monkeypatch.delenv("EMUSIM_DEBUG", raising=False)
    rc, _, err = cli(capsys, "lint", "scenarios/ha_giang_186_2023.yaml")
    assert rc == 1 and "lỗi nội bộ: RuntimeError: x" in err and "EMUSIM_DEBUG=1" in err
    rc, _, err = cli(capsys, "lint", "scenarios/ha_giang_186_2023.yaml", "--lang", "en")
    assert rc == 1 and "internal error: RuntimeError: x" in err


def test_lint_summary(capsys):
    rc, out, _ = cli(capsys, "lint", "scenarios/lao_cai_cds_2022.yaml", "--min-level", "error")
    assert rc == 0 and "scenarios/lao_cai_cds_2022.yaml: 0 lỗi, 1 cảnh báo, 0 ghi chú" in out
    assert english_leaks(out) == []
    rc, out, _ = cli(capsys, "--lang", "en", "lint", "scenarios/lao_cai_cds_2022.yaml", "--min-level", "error")
    assert "0 errors, 1 warnings, 0 notes" in out


def test_whatif_commands(capsys, tmp_path):
    rc, out, _ = cli(capsys, "sweep", *HG, "--path", "uplift.city", "--grid", "0", "0.15", "0.3", "--out", tmp_path / "s.csv")
    assert rc == 0 and "Mức nâng chỉ tiêu" in out and "Thay đổi" in out and "mất giải" in out
    assert english_leaks(out) == []
    rc, out, _ = cli(capsys, "tornado", *HG, "--range", "uplift.city=0:0.3", "--range", "proportional_basis",
                     "--out", tmp_path / "t.csv")
    assert rc == 0 and "Tác động" in out and "theo ngưỡng" in out and english_leaks(out) == []
    rc, out, _ = cli(capsys, "tornado", *HG, "--range", "proportional_basis", "--out", tmp_path / "t.csv",
                     "--force", "--lang", "en")
    assert rc == 0 and "Effect" in out and "threshold" in out
    rc, out, _ = cli(capsys, "equity", *HG)
    assert rc == 0 and "theo loại đô thị" in out and "Xã nông thôn" in out and "Tỷ lệ giải / đơn vị" in out
    assert english_leaks(out) == []
    rc, out, _ = cli(capsys, "equity", *HG, "--lang", "en")
    assert rc == 0 and "by urban class" in out and "Share of awards" in out
    rc, out, _ = cli(capsys, "improve", *HG, "--unit", "00934", "--tier", "chairman")
    assert rc == 0 and "đã được khen thưởng" in out and english_leaks(out) == []


def test_uncertainty_summary(capsys, tmp_path):
    rc, out, _ = cli(capsys, "uncertainty", *HG, "--factors", "data/samples/factors_ha_giang.yaml", "--n", "40",
                     "--out", tmp_path / "u.csv")
    assert rc == 0 and "40 lần lặp" in out and "trung vị" in out and "Số giải: Bằng khen" in out
    assert english_leaks(out) == []
    rc, out, _ = cli(capsys, "uncertainty", *HG, "--factors", "data/samples/factors_ha_giang.yaml", "--n", "40",
                     "--out", tmp_path / "u.csv", "--force", "--lang", "en")
    assert rc == 0 and "40 replications" in out and "overlap with nominal awards" in out


def test_tasks_template_simulate(capsys, tmp_path):
    rc, out, _ = cli(capsys, "tasks", "--plan", "scenarios/tuyen_quang_kh21_2025.yaml", "--status",
                     "data/samples/tuyen_quang_kh21_status.csv", "--at", "2025-12-01", "--days", "-1")
    assert rc == 2
    rc, out, _ = cli(capsys, "template", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune",
                     "--out", tmp_path / "t.xlsx")
    assert rc == 0 and english_leaks(out) == []
    rc, out, _ = cli(capsys, "simulate", "--registry", "lao_cai_2023", "--start", "2025-01", "--end", "2025-02",
                     "--out", tmp_path / "sim.csv")
    assert rc == 0 and "đã ghi" in out and "đơn vị" in out and english_leaks(out) == []
    rc, out, _ = cli(capsys, "simulate", "--registry", "lao_cai_2023", "--start", "2025-01", "--end", "2025-02",
                     "--out", tmp_path / "sim2.csv", "--lang", "en")
    assert rc == 0 and "observations" in out and "localities" in out


def test_option_errors_of_the_commands(capsys, tmp_path, monkeypatch):
    rc, _, err = cli(capsys, "compare", "--plans", "ha_giang_186_2023", "--seed", "1", "--out", tmp_path / "c.csv")
    assert rc == 2 and "--plans cần dạng TỆP:CẤP" in err and english_leaks(err) == []
    rc, _, err = cli(capsys, "compare", "--seed", "1", "--lang", "en")
    assert rc == 2 and "compare needs --plans" in err
    tasks = ["tasks", "--plan", "scenarios/tuyen_quang_kh21_2025.yaml", "--status",
             "data/samples/tuyen_quang_kh21_status.csv", "--at", "2025-12-01", "--days", "-1"]
    rc, _, err = cli(capsys, *tasks)
    assert rc == 2 and "--days phải từ 0 trở lên" in err and english_leaks(err) == []
    rc, _, err = cli(capsys, *tasks, "--lang", "en")
    assert rc == 2 and "--days must be 0 or more" in err
    rc, _, err = cli(capsys, "brief", *HG, "--out", tmp_path / "b", "--formats", "gif")
    assert rc == 2 and "định dạng không hỗ trợ gif" in err
    monkeypatch.setenv("EMUSIM_LANG", "fr")
    rc, _, err = cli(capsys, "lint", "scenarios/lao_cai_cds_2022.yaml", "--min-level", "error")
    assert rc == 0 and "EMUSIM_LANG=fr không hợp lệ" in err


def test_audit_tables(capsys):
    rc, out, _ = cli(capsys, "audit", *HG, "--no-alternatives")
    assert rc == 0 and "ha_giang_186_2023 (cấp xã) — 11/2023" in out
    assert "Tỷ trọng phương sai" in out and "Điểm cộng" in out and "Điểm rẻ nhất" in out and "có/không" in out
    own = [line for line in out.splitlines() if not line.startswith("  • ")]   # the findings are emusim.analysis's
    assert english_leaks("\n".join(own)) == []
    rc, out, _ = cli(capsys, "audit", *HG, "--no-alternatives", "--lang", "en")
    assert rc == 0 and "Variance share" in out and "Bonus" in out and "yes/no" in out


def test_compare_needs_its_options_in_vietnamese_placeholders(capsys):
    rc, _, err = cli(capsys, "compare", "--seed", "1")
    assert rc == 2 and "--plans TỆP:CẤP" in err and "--level CẤP" in err and "FILE" not in err
    assert english_leaks(err) == []
    rc, _, err = cli(capsys, "compare", "--seed", "1", "--lang", "en")
    assert rc == 2 and "--plans FILE:LEVEL" in err and "--level LEVEL" in err
    rc, out, _ = cli(capsys, "compare", "--help")
    assert rc == 0 and "--plans TỆP:CẤP" in out and "[K:]HÌNH_THỨC=N" in out


def test_headings_name_the_plan_and_its_level(capsys, tmp_path):
    rc, out, _ = cli(capsys, "tornado", *HG, "--range", "uplift.city=0:0.3")   # printed without --out
    assert rc == 0 and "ha_giang_186_2023 (cấp xã) tại kỳ 11/2023: 1 tham số" in out and english_leaks(out) == []
    assert ":commune" not in out
    rc, out, _ = cli(capsys, "tornado", *HG, "--range", "uplift.city=0:0.3", "--lang", "en")
    assert rc == 0 and "ha_giang_186_2023:commune at 2023-11: 1 parameters" in out


def test_improve_prints_the_labelled_changes(capsys, tmp_path):
    rc, out, _ = cli(capsys, "improve", *HG, "--unit", "00703", "--out", tmp_path / "i.csv")
    assert rc == 0 and english_leaks(out) == []
    header = next(line for line in out.splitlines() if "Nội dung" in line)
    assert all(w in header for w in ("Đơn vị đo", "Hiện tại", "Cần đạt", "Thay đổi", "Chi phí"))
    assert "số lượng" in out and "indicator" not in header
    import pandas as pd

    assert "indicator" in pd.read_csv(tmp_path / "i.csv").columns   # the file keeps its machine columns
    rc, out, _ = cli(capsys, "improve", *HG, "--unit", "00703", "--lang", "en")
    assert rc == 0 and "Label" in out and "Unit" in out and "count" in out


def test_people_sheets_beside_the_machine_sheets(capsys, tmp_path):
    import pandas as pd

    plans = ["--plans", "scenarios/ha_giang_186_2023.yaml:commune", "scenarios/tuyen_quang_da06_2022.yaml:commune"]
    rc, out, _ = cli(capsys, "compare", *plans, "--seed", "1", "--registry", "ha_giang_2023", "--period", "2023-11",
                     "--out", tmp_path / "c.xlsx")
    assert rc == 0 and "ha_giang_186_2023 (cấp xã) so với tuyen_quang_da06_2022 (cấp xã)" in out
    sheets = pd.read_excel(tmp_path / "c.xlsx", sheet_name=None)
    assert {"pairs", "units", "differences", "notes", "So sánh từng cặp", "Theo đơn vị", "Khác biệt"} <= set(sheets)
    assert "awarded_a" in sheets["pairs"] and "Được khen theo A" in sheets["So sánh từng cặp"]
    assert english_leaks(" ".join(map(str, sheets["Khác biệt"].columns))) == []
    rc, out, _ = cli(capsys, "equity", *HG, "--out", tmp_path / "e.xlsx")
    sheets = pd.read_excel(tmp_path / "e.xlsx", sheet_name=None)
    assert rc == 0 and {"by urban_class", "by parent", "Theo loại đô thị", "Theo đơn vị cấp trên"} <= set(sheets)
    assert "Tỷ trọng giải" in sheets["Theo loại đô thị"] and "award_share" in sheets["by urban_class"]
    rc, out, _ = cli(capsys, "uncertainty", *HG, "--factors", "data/samples/factors_ha_giang.yaml", "--n", "20",
                     "--sobol", "4", "--out", tmp_path / "u.xlsx")
    sheets = pd.read_excel(tmp_path / "u.xlsx", sheet_name=None)
    assert rc == 0 and {"per_unit", "summary", "sobol", "Xác suất theo đơn vị", "Chỉ số Sobol"} <= set(sheets)
    assert "p_any" in sheets["per_unit"] and "Xác suất được khen" in sheets["Xác suất theo đơn vị"]
    assert "ST" in sheets["sobol"] and "Yếu tố" in sheets["Chỉ số Sobol"]
    assert "mức trùng với danh sách khen thưởng" in out and english_leaks(out) == []
