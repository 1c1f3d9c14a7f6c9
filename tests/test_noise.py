"""Measurement noise that cannot mislead: the saturation warning fires on the saturated case
and not on the clean one; the default noise factors leave 100 % items out (issue 13)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import emusim as es
from emusim.analysis import default_noise_factors, montecarlo, saturated_targets, saturation_warnings, sobol

TINY = {
    "kind": "points",
    "unit_level": "commune",
    "criteria": [
        {"id": "A.1", "rule": "proportional", "indicator": "eid_activation_rate", "max": 10, "target": 0.8,
         "op": ">", "assumption": "test"},
        {"id": "A.2", "rule": "proportional", "indicator": "cadre_eid_rate", "max": 5, "target": 1.0,
         "assumption": "test"},
    ],
    "gates": [{"id": "G.cadres", "indicator": "cadre_eid_rate", "op": ">=", "target": 1.0, "assumption": "test"},
              {"id": "G.eid", "indicator": "eid_activation_rate", "op": ">", "target": 0.5, "assumption": "test"}],
    "awards": {"tiers": [{"id": "gold", "quota": 3, "assumption": "test"}]},
}
# ten units: 6 report cadre_eid_rate exactly 1.0 (saturated), eID activation spread out
CADRE = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.97, 0.9, 0.8, 0.95]
EID = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.58, 0.9]


@pytest.fixture(scope="module")
def tiny():
    scheme = es.scheme_from_dict(TINY, level="commune")
    values = pd.DataFrame({"cadre_eid_rate": CADRE, "eid_activation_rate": EID,
                           "parent_id": "D1", "urban_class": "rural"},
                          index=pd.Index([f"u{i:02d}" for i in range(10)], name="locality_id"))
    return scheme, values


def test_saturated_targets_counts_units_exactly_at_a_100_percent_gate(tiny):
    scheme, values = tiny
    sat = saturated_targets(scheme, values)
    # only G.cadres is a pass/fail test at 100 %; 6 of the 10 units sit exactly on it
    assert sat[["item", "indicator", "units_at_target", "units"]].values.tolist() == [
        ["G.cadres", "cadre_eid_rate", 6, 10]]


def test_the_warning_fires_on_the_saturated_case_and_not_on_the_clean_one(tiny):
    scheme, values = tiny
    saturated = {"noise.cadre_eid_rate": {"sd": 0.02}, "noise.eid_activation_rate": {"sd": 0.02}}
    clean = {"noise.eid_activation_rate": {"sd": 0.02}}
    w = saturation_warnings(scheme, values, saturated)
    assert [m.key for m in w] == ["analysis.saturated_noise"]
    assert w[0].values["indicator"] == "cadre_eid_rate" and w[0].values["units"] == 6
    assert "6/10" in w[0].text("en") and "artefact" in w[0].text("en") and "data-quality" in w[0].text("en")
    assert "6/10" in w[0].text("vi") and "chất lượng dữ liệu" in w[0].text("vi")
    assert saturation_warnings(scheme, values, clean) == []
    mc = montecarlo(scheme, values, saturated, n=200, seed=1, progress=False)
    assert [m.values["indicator"] for m in mc.warnings] == ["cadre_eid_rate"]
    assert mc.per_unit.attrs["warnings"] == mc.warnings and "warning" in repr(mc)
    # and the artefact it warns about is real: the saturated units lose the award about half the time
    nominal = set(mc.nominal.index[mc.nominal["award"].notna()])
    assert nominal == {"u00", "u01", "u02"}
    assert 0.35 < float(np.mean(mc.overlap)) < 0.65
    mc_clean = montecarlo(scheme, values, clean, n=200, seed=1, progress=False)
    assert mc_clean.warnings == [] and float(np.mean(mc_clean.overlap)) > 0.9


def test_a_flip_on_a_yes_no_indicator_is_not_a_saturation_artefact(tiny):
    scheme, values = tiny
    assert saturation_warnings(scheme, values, {"noise.cadre_eid_rate": {"flip": 0.1}}) == []


def test_too_few_saturated_units_do_not_warn(tiny):
    scheme, values = tiny
    v = values.copy()
    v.loc[["u00", "u01", "u02", "u03", "u04"], "cadre_eid_rate"] = 0.99   # one unit left at 100 %
    assert saturation_warnings(scheme, v, {"noise.cadre_eid_rate": {"sd": 0.02}}) == []


def test_default_noise_factors_leave_the_100_percent_items_out(tiny):
    scheme, values = tiny
    f = default_noise_factors(scheme, values, sd=0.03)
    assert dict(f) == {"noise.eid_activation_rate": {"sd": 0.03}}
    assert list(f.excluded) == ["cadre_eid_rate"] and "G.cadres" in f.excluded["cadre_eid_rate"].text("en")
    assert saturation_warnings(scheme, values, f) == []


def test_sobol_table_carries_the_warning(tiny):
    scheme, values = tiny
    S = sobol(scheme, values, {"noise.cadre_eid_rate": {"sd": 0.02}, "awards.gold.quota": {"integers": [2, 4]}},
              N=16, seed=1)
    assert [m.values["indicator"] for m in S.warnings] == ["cadre_eid_rate"]
    assert S.sort_values("ST").warnings == S.warnings     # survives pandas operations
    assert S.attrs["warnings"] == S.warnings


def test_uncertainty_charts_put_the_warning_in_their_caption(tiny):
    from emusim import charts
    from emusim.charts.style import text_objects

    scheme, values = tiny
    mc = montecarlo(scheme, values, {"noise.cadre_eid_rate": {"sd": 0.02}}, n=50, seed=1, progress=False)
    for fig in (charts.rank_intervals(mc.per_unit, scheme=scheme, lang="en"),
                charts.award_probability(mc.per_unit, scheme=scheme, lang="vi")):
        text = " ".join(t.get_text() for t in text_objects(fig))
        assert "cadre_eid_rate" in text and "⚠" in text


def test_ha_giang_two_pp_on_every_ratio_misleads_and_the_default_does_not():
    """The issue's reproduction: ±2 pp on every ratio vs the default rule."""
    from emusim.analysis.factors import default_catalog

    reg = es.load_registry("ha_giang_2023")
    scheme = es.load_plan("ha_giang_186_2023").scheme("commune")
    values = es.simulate(reg, seed=1).at("2023-11")
    cat = default_catalog()
    every = {f"noise.{i}": {"sd": 0.02} for i in scheme.indicators
             if i in cat and cat[i].unit == "ratio" and i in values}
    mc = montecarlo(scheme, values, every, n=100, seed=0, registry=reg, progress=False)
    assert {m.values["indicator"] for m in mc.warnings} == {"cccd_application_rate", "population_data_cleaned_rate",
                                                           "cadre_eid_rate"}
    assert float(np.nanmean(mc.overlap)) < 0.3
    default = default_noise_factors(scheme, values, registry=reg)
    mc2 = montecarlo(scheme, values, default, n=100, seed=0, registry=reg, progress=False)
    assert mc2.warnings == [] and float(np.nanmean(mc2.overlap)) > 0.75


def test_the_sample_factors_file_teaches_no_artefact():
    from pathlib import Path

    from emusim.analysis import load_factors

    reg = es.load_registry("ha_giang_2023")
    scheme = es.load_plan("ha_giang_186_2023").scheme("commune")
    values = es.simulate(reg, seed=1).at("2023-11")
    path = Path(__file__).resolve().parent.parent / "data" / "samples" / "factors_ha_giang.yaml"
    factors = load_factors(path, scheme=scheme)
    assert saturation_warnings(scheme, values, factors, reg) == []


def test_cli_uncertainty_prints_the_warning(tmp_path, capsys):
    from emusim.cli import main

    f = tmp_path / "f.yaml"
    f.write_text("noise.cccd_application_rate: {sd: 0.01}\nuplift.city: {uniform: [0.1, 0.2]}\n", encoding="utf-8")
    rc = main(["uncertainty", "--plan", "ha_giang_186_2023", "--level", "commune", "--seed", "1", "--period", "2023-11",
               "--factors", str(f), "--n", "20", "--out", str(tmp_path / "u.csv"), "--lang", "en"])
    err = capsys.readouterr().err
    assert rc == 0 and "noise.cccd_application_rate" in err and "G1" in err and "artefact" in err
