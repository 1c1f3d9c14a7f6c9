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
    assert "ha_giang_186_2023.yaml" in out and "[commune A.I.4]" in out and "maximum is 6 but the formula gives 5" in out
    assert "[commune A.VI]" in out and "[commune A.VII]" in out
    assert "lao_cai_cds_2022.yaml" in out and "standard repeats a.3" in out
    assert "add up to the stated 300" in out and "18 collectives" in out


def test_help_lists_commands():
    proc = run("--help")
    assert proc.returncode == 0
    for cmd in ("lint", "simulate", "score", "award"):
        assert cmd in proc.stdout


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
    assert proc.returncode == 2 and "no level 'hamlet'" in proc.stderr
