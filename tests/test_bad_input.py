"""Bad scenario files get one clear message with file and line; the CLI exits 2, no traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

import emusim as es

GOOD = """plan: {id: t}
levels:
  commune:
    kind: points
    criteria:
      - {id: A.1, rule: binary, indicator: emulation_registered, max: 5, points: 5, ref: r, text: t}
    awards:
      tiers:
        - {id: chairman, quota: 3, ref: r, text: t}
"""

CASES = {
    "malformed": (GOOD.replace("kind: points", "kind: [points"), "YAML sai cú pháp", 4),
    "unknown_key": (GOOD.replace("max: 5,", "maxx: 5, max: 5,"), "khóa 'maxx' không thuộc định dạng kịch bản", 6),
    "unknown_rule": (GOOD.replace("rule: binary", "rule: quadratic"), "quy tắc chấm 'quadratic' không có", 6),
    "unknown_indicator": (GOOD.replace("indicator: emulation_registered", "indicator: moon_phase"),
                          "chỉ tiêu 'moon_phase' không có trong danh mục chỉ tiêu", 6),
    "negative_quota": (GOOD.replace("quota: 3", "quota: -3"), "'quota' (số lượng khen thưởng tối đa): phải là số nguyên từ 0", 9),
    "fractional_quota": (GOOD.replace("quota: 3", "quota: 2.5"), "'quota' (số lượng khen thưởng tối đa): phải là số nguyên từ 0", 9),
    "duplicate_key": (GOOD.replace("kind: points", "kind: points\n    kind: standards"), "khóa 'kind' xuất hiện hai lần", 5),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_message_names_file_and_line(tmp_path, case):
    text, needle, line = CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(es.InputError) as info:
        es.load_plan(path)
    msg = str(info.value)
    assert needle in msg
    assert f"{path}:{line}" in msg
    assert path.read_bytes() == before


@pytest.mark.parametrize("case", ["malformed", "unknown_rule", "unknown_indicator", "negative_quota"])
def test_cli_lint_bad_file_exits_2_without_traceback(tmp_path, case):
    text, needle, _ = CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "emusim.cli", "lint", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert needle in proc.stderr and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_all_problems_reported_at_once(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text(GOOD.replace("rule: binary", "rule: quadratic").replace("quota: 3", "quota: -1"), encoding="utf-8")
    with pytest.raises(es.InputError) as info:
        es.load_plan(path)
    assert len(info.value.problems) == 2


def test_unsafe_yaml_tags_are_refused(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("plan: !!python/object/apply:os.system ['echo hi']\nlevels: {}\n", encoding="utf-8")
    with pytest.raises(es.InputError):
        es.load_plan(path)
