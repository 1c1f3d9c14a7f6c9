"""The command line on the real plans and a sample file."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "emusim.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_lint_all_scenarios():
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    proc = run("lint", *files)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "ha_giang_186_2023.yaml" in out and "[cấp xã A.I.4]: cảnh báo: điểm tối đa là 6 nhưng cách tính cho 5 điểm" in out
    assert "[cấp xã A.VI]" in out and "[cấp xã A.VII]" in out
    assert "lao_cai_cds_2022.yaml" in out and "tiêu chuẩn lặp lại a.3" in out
    assert "cộng lại đúng bằng 300" in out and "18 tập thể" in out


def test_help_lists_commands():
    proc = run("--help")
    assert proc.returncode == 0
    for cmd in ("lint", "simulate", "score", "award"):
        assert cmd in proc.stdout
    assert "chấm điểm và xét khen thưởng" in proc.stdout and "cách dùng:" in proc.stdout
    proc = run("--help", "--lang", "en")
    assert proc.returncode == 0 and "score and allocate the awards" in proc.stdout and "usage:" in proc.stdout


def test_score_refuses_to_overwrite_and_bad_set(tmp_path):
    out = tmp_path / "s.csv"
    out.write_text("keep me", encoding="utf-8")
    proc = run("score", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune", "--seed", "1", "--out", str(out))
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    proc = run("score", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune", "--seed", "1",
               "--set", "uplift.city=2", "--out", str(tmp_path / "t.csv"))
    assert proc.returncode == 2 and "uplift.city" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("score", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "hamlet", "--seed", "1")
    assert proc.returncode == 2 and "không có cấp 'hamlet'" in proc.stderr
    proc = run("score", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "hamlet", "--seed", "1", "--lang", "en")
    assert proc.returncode == 2 and "no level 'hamlet'" in proc.stderr


def test_score_and_award_on_sample_files(tmp_path):
    data = ROOT / "data" / "samples" / "ha_giang_communes_2023-11_wide.csv"
    before = data.read_bytes()
    out = tmp_path / "scores.xlsx"
    proc = run("score", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune", "--data", str(data), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    scores = pd.read_excel(out, index_col=0, dtype={"locality_id": str})
    assert {"total", "base", "bonus", "deduction", "eligible", "points.A.IV.2", "target.A.IV.2", "gate.G1"} <= set(scores.columns)
    awards_csv = tmp_path / "awards.csv"
    proc = run("award", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune", "--data", str(data),
               "--set", "uplift.city=0.2", "--out", str(awards_csv))
    assert proc.returncode == 0, proc.stderr
    awards = pd.read_csv(awards_csv, dtype={"locality_id": str}, encoding="utf-8-sig")
    assert {"award", "rank", "nominated", "reason"} <= set(awards.columns)
    assert awards["award"].notna().sum() >= 1
    assert data.read_bytes() == before
    xlsx = ROOT / "data" / "samples" / "lao_cai_communes_2025-06_long.xlsx"
    proc = run("award", "--plan", "scenarios/lao_cai_cds_2022.yaml", "--level", "commune", "--data", str(xlsx),
               "--set", "awards.chairman.quota=2")
    assert proc.returncode == 0, proc.stderr
    assert "lao_cai_cds_2022 (cấp xã) tại kỳ 06/2025: 5 đơn vị" in proc.stdout and "Tên đơn vị" in proc.stdout


@pytest.mark.parametrize("name, needle", [
    ("bare_ratio_85.csv", "write 0.85 or 85%"),
    ("unknown_locality.csv", "unknown locality '99999'"),
    ("unknown_indicator.csv", "unknown indicator 'electronic_document_rate'"),
    ("duplicate_row.csv", "duplicate row"),
    ("out_of_range.csv", "out of range"),
    ("missing_indicator.csv", "missing indicator 'emulation_registered'"),
])
def test_bad_observation_files_exit_2(tmp_path, name, needle):
    bad = ROOT / "data" / "samples" / "bad" / name
    before = bad.read_bytes()
    out = tmp_path / "x.csv"
    # the commune registration gate (off by default: IV.1 does not name communes) switched on,
    # so that emulation_registered is read and a file without it is refused
    proc = run("award", "--plan", "scenarios/lao_cai_cds_2022.yaml", "--level", "commune", "--data", str(bad),
               "--period", "2025-06", "--out", str(out), "--set", "gates.G1.mode=hard", "--lang", "en")   # messages are Vietnamese by default
    assert proc.returncode == 2
    assert needle in proc.stderr and name in proc.stderr and ("row" in proc.stderr)
    assert "Traceback" not in proc.stderr
    assert not out.exists() and bad.read_bytes() == before


def test_explain_prints_the_plan_line_by_line():
    data = ROOT / "data" / "samples" / "ha_giang_communes_2023-11_wide.csv"
    first = data.read_text(encoding="utf-8-sig").splitlines()[1].split(",")[0]
    proc = run("score", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune", "--data", str(data), "--explain", first)
    assert proc.returncode == 0, proc.stderr
    for needle in ("A.IV.2", "min(tỷ lệ / 75%, 1) × 11", "G.cadres", "tổng điểm = ", "Phụ lục 3"):
        assert needle in proc.stdout, needle


def test_whatif_commands(tmp_path):
    common = ["--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune", "--seed", "1"]
    proc = run("sweep", *common, "--path", "uplift.city", "--grid", "0", "0.15", "0.3", "--out", str(tmp_path / "sw.csv"))
    assert proc.returncode == 0, proc.stderr
    sw = pd.read_csv(tmp_path / "sw.csv", dtype={"locality_id": str}, encoding="utf-8-sig")
    assert sorted(sw["value"].unique().tolist()) == [0.0, 0.15, 0.3] and len(sw) == 3 * 193
    proc = run("tornado", *common, "--range", "uplift.city=0:0.3", "--range", "proportional_basis",
               "--out", str(tmp_path / "to.csv"))
    assert proc.returncode == 0, proc.stderr
    assert "uplift.city" in proc.stdout and "Mức nâng chỉ tiêu" in proc.stdout
    proc = run("equity", *common, "--out", str(tmp_path / "eq.xlsx"))
    assert proc.returncode == 0, proc.stderr
    assert "theo loại đô thị" in proc.stdout and (tmp_path / "eq.xlsx").exists()
    proc = run("improve", *common, "--unit", "99999")
    assert proc.returncode == 2 and "99999" in proc.stderr
    proc = run("tornado", *common, "--range", "uplift.city=0.3", "--out", str(tmp_path / "t2.csv"))
    assert proc.returncode == 2 and "THAM_SỐ=THẤP:CAO" in proc.stderr
