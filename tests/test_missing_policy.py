"""Missing data as a policy (scheme path ``missing``) and "không áp dụng" as a value (issues 10, 11)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import emusim as es
from emusim.errors import AdjustError, InputError
from emusim.loader import scheme_from_dict

ROOT = Path(__file__).resolve().parent.parent


def _points():
    return scheme_from_dict({"kind": "points", "base_max": 30, "criteria": [
        {"id": "A.1", "rule": "binary", "indicator": "de_an_06_plan_issued", "max": 10, "assumption": "x"},
        {"id": "A.2", "rule": "proportional", "indicator": "dvc_online_rate", "max": 20, "target": 0.8,
         "assumption": "x"}]})


def _values(**cols):
    return pd.DataFrame(cols, index=pd.Index(["U1", "U2", "U3"], name="locality_id"))


def test_default_is_zero_and_it_is_stated():
    st = es.score(_points(), _values(de_an_06_plan_issued=[1.0, 1.0, 1.0], dvc_online_rate=[0.8, np.nan, 0.4]))
    assert st["total"].tolist() == [30.0, 10.0, 20.0]
    assert st.attrs["missing"] == "zero" and st.attrs["missing_cells"] == 1
    assert "1 missing values scored 0" in st.attrs["missing_note"].text("en")


def test_exclude_rescales_to_the_full_maximum():
    s = _points().adjust({"missing": "exclude"})
    st = es.score(s, _values(de_an_06_plan_issued=[1.0, 1.0, 0.0], dvc_online_rate=[0.8, np.nan, np.nan]))
    # U2 has only A.1 (10 of 10) → 30 of 30; U3 has only A.1 (0 of 10) → 0
    assert st["total"].tolist() == [30.0, 30.0, 0.0]
    assert st.loc["U2", "excluded"] == "A.2" and st.loc["U2", "rescale"] == 3.0


def test_median_fills_with_the_province_median():
    s = _points().adjust({"missing": "median"})
    st = es.score(s, _values(de_an_06_plan_issued=[1.0, 1.0, 1.0], dvc_online_rate=[0.8, np.nan, 0.4]))
    # median of 0.8 and 0.4 is 0.6 → 20 × 0.6 / 0.8 = 15
    assert st.loc["U2", "points.A.2"] == pytest.approx(15.0)
    assert "median" in st.attrs["missing_note"].text("en")


def test_previous_needs_history_and_says_so():
    s = _points().adjust({"missing": "previous"})
    st = es.score(s, _values(de_an_06_plan_issued=[1.0, 1.0, 1.0], dvc_online_rate=[0.8, np.nan, 0.4]))
    assert st.loc["U2", "points.A.2"] == 0.0 and "history" in st.attrs["missing_note"].text("en")
    panel = es.Panel.from_long(pd.DataFrame({
        "locality_id": ["U1", "U2", "U2"], "period": ["2023-11", "2023-09", "2023-11"],
        "indicator": ["dvc_online_rate", "dvc_online_rate", "de_an_06_plan_issued"], "value": [0.8, 0.4, 1.0]}))
    v = panel.at("2023-11", missing="previous")
    assert v.loc["U2", "dvc_online_rate"] == 0.4
    assert v.attrs["filled"].to_dict("records")[0]["from_period"] == "2023-09"


def test_missing_is_an_adjustable_path_seen_by_parameters_and_factors():
    s = _points()
    assert s.parameters()["missing"] == "zero"
    assert s.adjust({"missing": "median"}).parameters()["missing"] == "median"
    with pytest.raises(AdjustError, match=r"'zero' \(không có số liệu thì không có điểm\), 'exclude'") as info:
        s.adjust({"missing": "mean"})
    assert "zero, exclude, previous, median" in info.value.problems[0].text("en")
    from emusim.adjust import parse_set
    assert parse_set("missing=median") == ("missing", "median")
    from emusim.analysis.factors import factors_from_dict
    (f,) = factors_from_dict({"missing": {"choice": ["zero", "exclude", "median"]}}, scheme=s)
    assert f.from_unit([0.1, 0.5, 0.9]).tolist() == ["zero", "exclude", "median"]
    with pytest.raises(InputError):
        factors_from_dict({"missing": {"choice": ["zero", "guess"]}}, scheme=s)


def test_missing_in_a_scenario_file_and_read_observations_allows_gaps_then(tmp_path):
    plan = es.load_plan(ROOT / "scenarios/lao_cai_cds_2022.yaml")
    s = plan.scheme("commune")
    path = tmp_path / "w.csv"
    path.write_text("locality_id,work_files_online_rate,electronic_documents_rate,"
                    "socioeconomic_reports_via_system_rate,emulation_registered\n"
                    "02635,70%,1,1,có\n02683,,1,1,có\n", encoding="utf-8")
    with pytest.raises(InputError):
        es.read_observations(path, registry="lao_cai_2023", scheme=s, period="2025-06")
    panel = es.read_observations(path, registry="lao_cai_2023", scheme=s.adjust({"missing": "exclude"}),
                                 period="2025-06")
    cov = panel.report.coverage
    assert cov.loc["work_files_online_rate", "coverage"] == 0.5
    assert any("work_files_online_rate" in w.text("en") for w in panel.report.warnings)   # below 65 %


def test_cli_states_the_policy(tmp_path, capsys):
    from emusim.cli import main

    data = ROOT / "data/samples/ha_giang_communes_2023-11_wide.csv"
    assert main(["score", "--plan", "ha_giang_186_2023", "--level", "commune", "--data", str(data),
                 "--period", "2023-11", "--set", "missing=median", "--lang", "en"]) == 0
    assert "policy 'median'" in capsys.readouterr().out


# ----------------------------------------------------------------------------- not applicable
def _standards():
    return scheme_from_dict({"kind": "standards", "criteria": [
        {"id": "a.6", "rule": "standard", "indicator": "dvc_online_rate", "target": 0.8, "assumption": "x"},
        {"id": "a.7", "rule": "standard", "indicator": "dvc_quality_rate", "target": 0.9, "assumption": "x",
         "not_applicable": "met"},
        {"id": "a.8", "rule": "standard", "indicator": "cadre_eid_rate", "target": 0.9, "assumption": "x"}]})


def test_not_applicable_is_excluded_from_the_count_or_met_as_the_criterion_says():
    v = _values(dvc_online_rate=[np.nan, np.nan, 0.9], dvc_quality_rate=[0.95, np.nan, np.nan],
                cadre_eid_rate=[0.95, 0.95, 0.95])
    na = pd.DataFrame(False, index=v.index, columns=v.columns)
    na.loc["U1", "dvc_online_rate"] = True      # "không áp dụng": left out of U1's count
    na.loc["U3", "dvc_quality_rate"] = True     # a.7 says met
    v.attrs["not_applicable"] = na
    st = es.score(_standards(), v)
    assert st["eligible"].tolist() == [True, False, True]     # U2's a.6 and a.7 are missing, not N/A
    assert st.loc["U1", "n_met"] == 2 and st.loc["U1", "n_applicable"] == 2
    assert bool(st.loc["U1", "na.a.6"]) and bool(st.loc["U3", "na.a.7"]) and bool(st.loc["U3", "met.a.7"])
    assert st.loc["U1", "excluded"] == "a.6" and st.loc["U2", "excluded"] == ""


def test_not_applicable_through_a_file(tmp_path):
    s = es.load_plan(ROOT / "scenarios/lao_cai_cds_2022.yaml").scheme("commune")
    path = tmp_path / "na.csv"
    path.write_text("locality_id,work_files_online_rate,electronic_documents_rate,"
                    "socioeconomic_reports_via_system_rate,emulation_registered\n"
                    "02635,70%,không áp dụng,1,có\n", encoding="utf-8")
    panel = es.read_observations(path, registry="lao_cai_2023", scheme=s, period="2025-06")
    assert panel.report.coverage.loc["electronic_documents_rate", "not_applicable"] == 1
    st = es.score(s, panel.at("2025-06"), es.load_registry("lao_cai_2023"))
    crit = next(c.id for c in s.criteria if c.indicator == "electronic_documents_rate")
    assert bool(st.loc["02635", f"na.{crit}"]) and st.loc["02635", "n_applicable"] == len(s.criteria) - 1


def test_monte_carlo_takes_missing_as_a_factor():
    from emusim.analysis.montecarlo import montecarlo

    s = es.load_plan(ROOT / "scenarios/ha_giang_186_2023.yaml").scheme("commune")
    reg = es.load_registry("ha_giang_2023")
    v = es.read_observations(ROOT / "data/samples/ha_giang_communes_2023-11_wide.csv", registry=reg,
                             period="2023-11").at("2023-11")
    v.loc["00715", "eid_activation_rate"] = np.nan
    mc = montecarlo(s, v, factors={"missing": {"choice": ["zero", "median"]}}, n=20, seed=1, registry=reg,
                    progress=False)
    assert mc.n == 20
    with pytest.raises(InputError, match="exclude"):
        montecarlo(s, v, factors={"missing": {"choice": ["zero", "exclude"]}}, n=20, seed=1, registry=reg,
                   progress=False)
