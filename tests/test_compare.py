"""compare: the same simulated localities under several schemes; the compare command."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import emusim as es
from emusim.analysis import compare
from emusim.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hg_values(hg_registry):
    return es.simulate(hg_registry, seed=1).at("2023-11")


@pytest.fixture(scope="module")
def tq():
    reg = es.load_registry("tuyen_quang_2023")
    return reg, es.simulate(reg, seed=1).at("2025-06")


def _check_tables(res, n_units):
    assert len(res.units) == n_units
    for name in res.schemes:
        assert {f"award[{name}]", f"rank[{name}]", f"total[{name}]", f"eligible[{name}]"} <= set(res.units.columns)
    p = res.pairs.iloc[0]
    assert 0.0 <= p["jaccard"] <= 1.0 and -1.0 <= p["kendall_tau"] <= 1.0
    assert p["only_a"] + p["only_b"] == len(res.differences) == len(res.sentences) == len(res.sentences_vi)
    assert p["both"] + p["only_a"] == p["awarded_a"] and p["both"] + p["only_b"] == p["awarded_b"]
    assert "<table" in res._repr_html_()


def test_ha_giang_points_vs_tuyen_quang_da06_standards(hg_values, hg_registry):
    res = compare([("ha_giang_186_2023", "commune"), ("tuyen_quang_da06_2022", "commune")], hg_values, hg_registry)
    _check_tables(res, 193)
    a, b = res.schemes
    # the standards plan sets no quota: it gets Hà Giang's 5 + 9 = 14 through adjust
    assert res.scheme_objects[b].awards.tier("chairman").quota == 14
    assert any("14" in n for n in res.notes) and any("giả định" in n for n in res.notes)  # vi by default
    assert any("what-if" in n for n in res.notes_in("en"))
    p = res.pairs.iloc[0]
    assert p["awarded_a"] == 14 and p["awarded_b"] <= 14
    # every unit awarded by Hà Giang and not by Tuyên Quang is explained by Tuyên Quang's unmet standards
    only_a = res.differences[res.differences["awarded_under"] == a]
    assert len(only_a) == p["only_a"] > 0
    for _, d in only_a.iterrows():
        assert d["why"] == "not eligible" and d["criteria"]
        unmet = [c for c in d["criteria"].split(", ")]
        row = res.award_tables[b].loc[d["locality_id"]]
        assert all(not row[f"met.{c}"] for c in unmet)
        assert "fails standard" in d["explanation"] and "không đạt" in d["explanation_vi"]


def test_explanations_for_a_points_scheme_name_lost_points(hg_registry):
    values = es.simulate(hg_registry, seed=1).at("2025-06")
    res = compare([("tuyen_quang_da06_2022", "commune"), ("ha_giang_186_2023", "commune")], values, hg_registry,
                  quotas={0: {"chairman": 14}})
    d = res.differences[res.differences["not_under"] == res.schemes[1]]
    assert len(d) > 0
    for _, row in d.iterrows():
        assert row["why"] in ("not eligible", "not nominated", "below cut-off")
        if row["why"] != "not eligible":
            assert "pts" in row["explanation"] and row["criteria"]
        else:
            assert "gate" in row["explanation"]


def test_tuyen_quang_vs_lao_cai_digital_transformation(tq):
    reg, values = tq
    res = compare([("tuyen_quang_cds_2022", "commune"), ("lao_cai_cds_2022", "commune")], values, reg,
                  quotas={"tuyen_quang_cds_2022": {"chairman": 10}, "lao_cai_cds_2022": {"chairman": 10}})
    _check_tables(res, int((reg["level"] == "commune").sum()))
    for name in res.schemes:
        assert res.scheme_objects[name].awards.tier("chairman").quota == 10
    assert res.pairs.iloc[0]["kendall_tau"] == pytest.approx(
        __import__("scipy.stats", fromlist=["kendalltau"]).kendalltau(
            res.units[f"rank[{res.schemes[0]}]"], res.units[f"rank[{res.schemes[1]}]"]).statistic)


def test_three_schemes_and_scheme_objects(hg_values, hg_registry, hg_plan):
    schemes = [hg_plan.scheme("commune"), ("tuyen_quang_cds_2022", "commune"), ("lao_cai_cds_2022", "commune")]
    res = compare(schemes, hg_values, hg_registry)
    assert len(res.pairs) == 3
    assert all(res.scheme_objects[n].awards.tier("chairman").quota == 14 for n in res.schemes[1:])


def test_bad_inputs(hg_values, hg_registry):
    with pytest.raises(InputError, match="ít nhất hai kế hoạch"):
        compare([("ha_giang_186_2023", "commune")], hg_values, hg_registry)
    with pytest.raises(InputError, match="không có cấp 'ward'"):
        compare([("ha_giang_186_2023", "commune"), ("tuyen_quang_da06_2022", "ward")], hg_values, hg_registry)
    with pytest.raises(InputError, match="dossier_digitisation_rate"):
        compare([("ha_giang_186_2023", "commune"), ("tuyen_quang_da06_2022", "commune")],
                hg_values.drop(columns=["dossier_digitisation_rate"]), hg_registry)


class _Proc:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def _cli(capsys, monkeypatch):
    """Run ``emusim …`` in-process (the same ``main`` as the console script)."""
    from emusim.cli import main

    monkeypatch.chdir(ROOT)

    def run(*args):
        code = main(list(args))
        captured = capsys.readouterr()
        return _Proc(code, captured.out, captured.err)

    return run


def test_help_lists_compare():
    proc = subprocess.run([sys.executable, "-m", "emusim.cli", "compare", "--help"], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0 and "--plans" in proc.stdout and "--quota" in proc.stdout


def test_compare_command(tmp_path, _cli):
    out = tmp_path / "cmp.xlsx"
    proc = _cli("compare", "--plans", "scenarios/ha_giang_186_2023.yaml:commune",
                "scenarios/tuyen_quang_da06_2022.yaml:commune", "--seed", "1", "--registry", "ha_giang_2023",
                "--period", "2023-11", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Jaccard" in proc.stdout and "Kendall" in proc.stdout
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"pairs", "units", "differences", "notes"} <= set(sheets)
    assert len(sheets["units"]) == 193
    # never over an existing file without --force; bad quota option → exit 2
    proc = _cli("compare", "--plans", "tuyen_quang_cds_2022:commune", "lao_cai_cds_2022:commune", "--seed", "1",
                "--out", str(out))
    assert proc.returncode == 2 and "--force" in proc.stderr
    csv = tmp_path / "cmp.csv"
    proc = _cli("compare", "--plans", "tuyen_quang_cds_2022:commune", "lao_cai_cds_2022:commune", "--seed", "1",
                "--quota", "chairman=x", "--out", str(csv))
    assert proc.returncode == 2 and "--quota" in proc.stderr
    proc = _cli("compare", "--plans", "tuyen_quang_cds_2022:commune", "lao_cai_cds_2022:commune", "--seed", "1",
                "--quota", "2:chairman=5", "--out", str(csv))
    assert proc.returncode == 0, proc.stderr
    units = pd.read_csv(csv, encoding="utf-8-sig", dtype={"locality_id": str})
    assert "award[lao_cai_cds_2022:commune]" in units.columns and units["award[lao_cai_cds_2022:commune]"].notna().sum() <= 5
