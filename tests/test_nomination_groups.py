"""Nomination groups after the two-level reform (issue 12): parent | cluster | former_district | province."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import emusim as es
from emusim.analysis.batch import BatchModel
from emusim.clusters import assign_clusters, former_districts, two_level_classes
from emusim.loader import scheme_from_dict

SRC = {"assumption": "unit test"}


def two_level_registry() -> pd.DataFrame:
    """Province P and six communes, no district level (as after 1 July 2025)."""
    rows = [("P", "Tỉnh", "province", "", ""),
            ("C1", "Xã Một", "commune", "P", "rural"), ("C2", "Xã Hai", "commune", "P", "rural"),
            ("C3", "Xã Ba", "commune", "P", "rural"), ("C4", "Xã Bốn", "commune", "P", "rural"),
            ("C5", "Xã Năm", "commune", "P", "rural"), ("C6", "Phường Sáu", "commune", "P", "city")]
    reg = pd.DataFrame(rows, columns=["locality_id", "name", "level", "parent_id", "urban_class"]).set_index("locality_id")
    reg["cluster"] = ["", "K1", "K1", "K1", "K2", "K2", "K3"]
    reg["cluster_name"] = ["", "Cụm Một", "Cụm Một", "Cụm Một", "Cụm Hai", "Cụm Hai", "Cụm Ba"]
    reg["former_district_id"] = ["", "D1", "D2", "D2", "D1", "D2", "D2"]
    reg["former_district"] = ["", "Huyện Đông", "Huyện Tây", "Huyện Tây", "Huyện Đông", "Huyện Tây", "Huyện Tây"]
    return reg


def small_scheme(group: str):
    """One criterion worth 100 × rate; chairman ≤ 2, police ≤ 2; 1 nominee per group, +1 for ≥ 3 units."""
    return scheme_from_dict({
        "kind": "points", "unit_level": "commune",
        "criteria": [{"id": "A.1", "rule": "proportional", "indicator": "x", "max": 100, "target": 1.0, **SRC}],
        "awards": {"tiers": [{"id": "chairman", "label": "Bằng khen của Chủ tịch UBND tỉnh", "quota": 2, **SRC},
                             {"id": "police", "label": "Giấy khen của Giám đốc Công an tỉnh", "quota": 2, **SRC}],
                   "nomination": {"parent_level": "district", "group": group, "per_parent": 1,
                                  "extra": {"per_parent": 1, "min_children": 3, **SRC}, **SRC}},
    })


VALUES = pd.DataFrame({"x": [0.90, 0.80, 0.70, 0.85, 0.60, 0.50]}, index=["C1", "C2", "C3", "C4", "C5", "C6"])


def awards(group: str, registry=None, lang="vi"):
    registry = two_level_registry() if registry is None else registry
    scheme = small_scheme(group)
    st = es.score(scheme, VALUES, registry)
    return es.allocate(st, scheme, registry, lang=lang)


def test_province_group_everyone_competes():
    """Totals: C1 90, C4 85, C2 80, C3 70, C5 60, C6 50 (100 × rate). No nomination step:
    chairman C1, C4; police C2, C3; C5 and C6 below the police cut-off (70) by 10 and 20 points."""
    aw = awards("province")
    assert aw["award"].to_dict() == {"C1": "chairman", "C2": "police", "C3": "police", "C4": "chairman",
                                     "C5": None, "C6": None}
    assert aw["nominated"].all()
    assert aw.loc["C5", "reason"] == "thấp hơn ngưỡng khen thưởng 10 điểm"
    assert aw.loc["C1", "reason"] == "Bằng khen của Chủ tịch UBND tỉnh: thứ 1/6 đơn vị được đề cử"


def test_cluster_group_by_hand():
    """Clusters K1 = {C1 90, C2 80, C3 70} (3 units ≥ 3: 1 + 1 = 2 slots), K2 = {C4 85, C5 60}
    (1 slot), K3 = {C6 50} (1 slot). Nominees C1, C2 (K1), C4 (K2), C6 (K3); ranked C1 90,
    C4 85, C2 80, C6 50: chairman C1, C4; police C2, C6. C3 is K1's third: not nominated,
    though 70 beats C6's 50."""
    aw = awards("cluster")
    assert aw["award"].to_dict() == {"C1": "chairman", "C2": "police", "C3": None, "C4": "chairman",
                                     "C5": None, "C6": "police"}
    assert aw["parent_id"].to_dict() == {"C1": "K1", "C2": "K1", "C3": "K1", "C4": "K2", "C5": "K2", "C6": "K3"}
    assert aw.loc["C3", "reason"] == ("không được cụm thi đua Cụm Một đề cử: xếp thứ 3 trong số các đơn vị "
                                      "đủ điều kiện; được đề cử 2")
    assert aw.loc["C3", "reason_code"] == "not_nominated"
    assert json.loads(aw.loc["C3", "reason_params"])["slots"] == 2


def test_former_district_group_by_hand():
    """Former districts D1 = {C1 90, C4 85} (2 units: 1 slot), D2 = {C2 80, C3 70, C5 60, C6 50}
    (4 units ≥ 3: 2 slots). Nominees C1 (D1), C2, C3 (D2); chairman C1, C2; police C3 (one
    police award left unused: quotas are caps). C4, the province's second best, is D1's
    second and gets nothing."""
    aw = awards("former_district", lang="en")
    assert aw["award"].to_dict() == {"C1": "chairman", "C2": "chairman", "C3": "police", "C4": None,
                                     "C5": None, "C6": None}
    assert aw.loc["C4", "reason"] == ("not nominated by former Huyện Đông: ranked 2 among its eligible units; "
                                      "it nominates 1")
    assert aw.attrs["nomination_group"] == "former_district"


def test_parent_group_missing_is_an_error_naming_the_options():
    """The collapse of issue 12: no district level, so 'parent' has nowhere to nominate. It must
    fail loudly (not one nominee for the whole province, not 'None' in a reason)."""
    with pytest.raises(es.InputError) as exc:
        awards("parent")
    text = str(exc.value)
    for option in ("parent", "cluster", "former_district", "province"):
        assert option in text
    assert "None" not in text
    reg = two_level_registry().drop(columns=["cluster", "cluster_name"])
    with pytest.raises(es.InputError, match="cluster"):
        awards("cluster", registry=reg)


def test_merged_province_cli_collapse_is_gone(capsys):
    """`emusim award … --registry tuyen_quang_2025` used to nominate 1 unit for 124 communes."""
    from emusim.cli import main

    args = ["award", "--plan", "scenarios/ha_giang_186_2023.yaml", "--level", "commune",
            "--registry", "tuyen_quang_2025", "--seed", "1", "--period", "2025-09"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "former_district" in err and "province" in err and "--clusters" in err
    assert main(args + ["--set", "awards.nomination.group=cluster",
                        "--clusters", "data/samples/clusters_tuyen_quang_2025.csv"]) == 0
    reg = assign_clusters(es.load_registry("tuyen_quang_2025"), "data/samples/clusters_tuyen_quang_2025.csv")
    scheme = es.load_plan("scenarios/ha_giang_186_2023.yaml").scheme("commune").adjust(
        {"awards.nomination.group": "cluster"})
    aw = es.allocate(es.score(scheme, es.simulate(reg, seed=1).at("2025-09"), reg), scheme, reg)
    assert aw["nominated"].sum() > 1 and not aw["reason"].str.contains("None").any()
    assert aw.groupby("parent_id")["nominated"].sum().max() <= 2      # 1 per cluster, +1 for ≥ 20 communes


@pytest.mark.parametrize("group", ["cluster", "former_district", "province"])
def test_batch_engine_follows_the_grouping(group):
    """The batch engine (Monte Carlo, Sobol) nominates in the same groups as allocate."""
    reg = two_level_registry()
    scheme = small_scheme("cluster")
    model = BatchModel(scheme, VALUES, reg)
    out = model.evaluate({"awards.nomination.group": [group, group]}, m=2)
    tiers = np.array(list(out.tiers) + [None], dtype=object)
    expected = awards(group)["award"]
    assert tiers[out.award[0]].tolist() == expected.tolist()


def test_group_is_an_adjustable_discrete_parameter():
    scheme = small_scheme("parent")
    assert scheme.parameters()["awards.nomination.group"] == "parent"
    assert scheme.adjust({"awards.nomination.group": "province"}).awards.nomination.group == "province"
    with pytest.raises(es.AdjustError, match="former_district"):
        scheme.adjust({"awards.nomination.group": "huyện"})
    from emusim.analysis.factors import factors_from_dict

    fs = factors_from_dict({"awards.nomination.group": {"choice": ["cluster", "province"]}}, scheme=scheme)
    assert fs[0].discrete


def test_assign_clusters_reads_the_province_file(tmp_path):
    reg = es.load_registry("tuyen_quang_2025")
    out = assign_clusters(reg, "data/samples/clusters_tuyen_quang_2025.csv")
    communes = out[out["level"] == "commune"]
    assert (communes["cluster"] != "").all() and communes["cluster"].nunique() == 9
    assert "cluster" not in reg  # the caller's registry is untouched
    bad = tmp_path / "bad.csv"
    bad.write_text("locality_id,cluster\n00691,K1\n99999,K2\n00691,K3\n", encoding="utf-8")
    with pytest.raises(es.InputError) as exc:
        assign_clusters(reg, bad)
    msgs = [str(p) for p in exc.value.problems]
    assert any("99999" in m and "dòng 3" in m for m in msgs)
    assert any("00691" in m and "dòng 4" in m for m in msgs)
    partial = tmp_path / "partial.csv"
    partial.write_text("locality_id,cluster\n00691,K1\n", encoding="utf-8")
    with pytest.raises(es.InputError, match="123"):
        assign_clusters(reg, partial)   # 123 communes left out, listed


def test_former_districts_and_two_level_classes_of_merged_tuyen_quang():
    reg = es.load_registry("tuyen_quang_2025")
    fd = former_districts(reg)
    communes = reg.index[reg["level"] == "commune"]
    assert set(communes) <= set(fd.index)
    assert fd.loc["00691", "former_district"] == "Thành phố Hà Giang"
    assert fd["former_district_id"].nunique() == 18      # 11 of Hà Giang + 7 of Tuyên Quang
    classes = two_level_classes(reg)
    cc = classes.loc[communes, "urban_class"]
    assert (cc[reg.loc[communes, "unit_type"] == "phường"] == "ward").all()
    assert (cc == "former_township").sum() >= 10
    assert (classes.loc[communes, "urban_class_registry"] == reg.loc[communes, "urban_class"]).all()


def test_lint_reports_unmapped_two_level_classes(capsys):
    from emusim.cli import main

    main(["lint", "scenarios/ha_giang_186_2023.yaml", "--registry", "tuyen_quang_2025", "--min-level", "warning"])
    out = capsys.readouterr().out
    assert "uplift.ward" in out and "uplift.former_township" in out


def test_monte_carlo_takes_the_grouping_as_a_discrete_factor():
    from emusim.analysis.montecarlo import montecarlo

    reg = two_level_registry()
    scheme = small_scheme("cluster")
    mc = montecarlo(scheme, VALUES, {"awards.nomination.group": {"choice": ["cluster", "province"]}}, n=40,
                    registry=reg, seed=3)
    # C3 (70) wins police province-wide and is not nominated in its cluster (3rd of K1, 2 slots);
    # C6 (50) wins police only as K3's nominee: in every replication exactly one of them wins
    p = mc.per_unit["p_any"]
    assert 0 < p["C3"] < 1 and p["C3"] + p["C6"] == pytest.approx(1.0) and p["C1"] == 1


def test_grouping_study_on_merged_tuyen_quang():
    """The study: same scores, three groupings; province-wide every eligible unit is a nominee."""
    from emusim import charts
    from emusim.analysis.grouping import grouping_study

    study = grouping_study(seed=1, period="2025-09")
    assert list(study.summary.index) == ["former_district", "cluster", "province"]
    eligible = int(study.award_tables["province"]["eligible"].sum())
    assert study.summary.loc["province", "nominees"] == eligible
    assert study.summary.loc["former_district", "former_districts"] == 18
    assert (study.summary["awards"] <= 14).all()                           # 5 + 9 caps
    assert any("GIẢ LẬP" in a for a in study.assumptions)                  # the cluster file is synthetic
    assert len(study.changes) > 0
    assert set(study.equity["cluster"].by_urban_class.index) >= {"ward", "rural"}
    for lang in ("vi", "en"):
        fig = charts.grouping(study, lang=lang)
        assert not charts.missing_glyphs(fig)
