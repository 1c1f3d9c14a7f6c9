"""simulate: determinism, invariants, calibration anchors, merger, errors, speed."""
import time

import numpy as np
import pandas as pd
import pytest

from emusim.catalog import load_catalog
from emusim.errors import InputError
from emusim.i18n import using_lang
from emusim.simulate import apply_merger, load_calibration, load_merger, simulate

CAT = load_catalog()


@pytest.fixture(scope="module")
def hg():
    return simulate("ha_giang_2023", start="2021-01", end="2025-12", seed=0)


def _ids(panel, unit, cumulative=None):
    return [i for i in panel.indicators if CAT[i].unit == unit
            and (cumulative is None or CAT[i].cumulative == cumulative)]


def _tiny_registry():
    return pd.DataFrame({
        "locality_id": ["P", "D1", "D2", "C1", "C2", "C3", "V1"],
        "level": ["province", "district", "district", "commune", "commune", "commune", "village"],
        "parent_id": ["", "P", "P", "D1", "D2", "D2", "C1"],
        "unit_type": ["tỉnh", "thành phố", "huyện", "phường", "xã", "thị trấn", "tổ dân phố"],
        "urban_class": ["", "city", "rural", "city", "rural", "district_town", "city"],
        "province": ["Hà Giang"] * 7,
        "lat": [22.8, 22.8, 23.1, 22.81, 23.2, 23.0, 22.81],
        "lon": [105.0, 105.0, 105.3, 105.01, 105.4, 105.2, 105.01],
        "population": [30000, 12000, 18000, 12000, 10000, 8000, 500],
        "population_14plus": [22000, 9000, 13000, 9000, 7000, 6000, 380],
    }).set_index("locality_id")


def test_same_seed_same_panel_and_row_order_irrelevant():
    reg = _tiny_registry()
    a = simulate(reg, "2022-01", "2023-12", seed=3)
    b = simulate(reg.iloc[::-1], "2022-01", "2023-12", seed=3)
    np.testing.assert_array_equal(a.values, b.values)
    c = simulate(reg, "2022-01", "2023-12", seed=4)
    assert not np.allclose(np.nan_to_num(a.values), np.nan_to_num(c.values))


def test_extending_end_keeps_earlier_months():
    reg = _tiny_registry()
    a = simulate(reg, "2022-01", "2023-12", seed=5)
    b = simulate(reg, "2022-01", "2024-06", seed=5)
    np.testing.assert_array_equal(a.values, b.values[:, :24, :])


def test_invariants(hg):
    v = hg.values
    idx = {i: j for j, i in enumerate(hg.indicators)}
    for i in _ids(hg, "ratio"):
        x = v[:, :, idx[i]]
        x = x[~np.isnan(x)]
        assert ((x >= 0) & (x <= 1)).all(), i
    for i in _ids(hg, "ratio", cumulative=True):
        d = np.diff(v[:, :, idx[i]], axis=1)
        assert np.nanmin(d) >= 0, f"{i} falls"
    for i in _ids(hg, "bool"):
        x = v[:, :, idx[i]]
        x = x[~np.isnan(x).any(axis=1)]
        assert set(np.unique(x)) <= {0.0, 1.0}, i
        assert (np.diff(x, axis=1) >= 0).all(), f"{i} reverts"
    for i in _ids(hg, "count"):
        x = v[:, :, idx[i]]
        x = x[~np.isnan(x)]
        assert (x >= 0).all() and (x == np.round(x)).all(), i
    for i in _ids(hg, "count", cumulative=True):
        assert np.nanmin(np.diff(v[:, :, idx[i]], axis=1)) >= 0, i


def test_calibration_anchors_hit(hg):
    """Every fitted anchor that applies to Hà Giang (its own, else the national ones moved by
    its DTI offset) is hit by the simulated province mean within the anchor's tolerance."""
    cal = load_calibration()
    checked = 0
    for a in cal.anchors:
        if a.use != "calibrate" or a.indicator not in hg.indicators or a.level == "agency":
            continue
        mine = [x for x in cal.anchors_for(a.indicator) if not x.national]
        if a.national and any(x.province == "Hà Giang" for x in mine):
            continue  # Hà Giang has its own anchor for this indicator
        got = hg.province_means(a.indicator)[a.period]
        assert abs(got - cal.target(a, "Hà Giang")) <= a.tolerance, (a.id, got)
        checked += 1
    assert checked >= 15


@pytest.mark.slow
def test_anchors_hit_for_other_seeds_and_provinces():
    cal = load_calibration()
    for name, seed in [("tuyen_quang_2023", 1), ("lao_cai_2023", 2)]:
        p = simulate(name, start="2021-01", end="2025-12", seed=seed, levels=["province", "district", "commune"])
        province = p.registry.loc[p.registry["level"] == "province", "province"].iloc[0]
        for a in cal.anchors:
            if a.use == "calibrate" and a.national and a.indicator in p.indicators:
                got = p.province_means(a.indicator)[a.period]
                assert abs(got - cal.target(a, province)) <= a.tolerance, a.id


def test_hundred_percent_gates_reachable_by_some_not_all(hg):
    reg = hg.registry
    communes = reg.index[reg["level"] == "commune"]
    v = hg.at("2023-11").loc[communes]
    for ind in ("cccd_application_rate", "cadre_eid_rate", "population_data_cleaned_rate"):
        share = (v[ind] >= 1.0).mean()
        assert 0.1 <= share <= 0.9, (ind, share)
    assert 0.05 <= (v["eid_activation_rate"] > 0.75).mean() <= 0.8


def test_rare_events_mostly_zero(hg):
    reg = hg.registry
    v = hg.at("2023-11").loc[reg.index[reg["level"] == "commune"]]
    for ind in ("report_missing", "security_incidents", "criticism_central"):
        assert (v[ind] == 0).mean() >= 0.75, ind


def test_aggregation_district_is_weighted_mean_of_communes(hg):
    reg = hg.registry
    d = reg.index[reg["level"] == "district"][0]
    kids = reg.index[(reg["parent_id"] == d) & (reg["level"] == "commune")]
    v = hg.at("2023-06")
    w = reg.loc[kids, "population_14plus"].astype(float)
    expected = np.average(v.loc[kids, "eid_activation_rate"], weights=w)
    assert v.loc[d, "eid_activation_rate"] == pytest.approx(expected)


def test_speed_ha_giang():
    t = time.perf_counter()
    simulate("ha_giang_2023", seed=11)
    assert time.perf_counter() - t < 10


def test_merger_every_new_unit_has_values_and_weights_respected():
    p = simulate("tuyen_quang_2025", start="2023-01", end="2025-12", seed=0)
    reg = p.registry
    communes = reg.index[reg["level"] == "commune"]
    v = p.at("2025-06").loc[communes]
    assert v["eid_activation_rate"].notna().all()
    assert v["emulation_registered"].isin([0.0, 1.0]).all()
    m = load_merger()
    assert set(communes) <= set(m["new_id"])
    assert p.meta["merger"]["new_units"] == len(communes)
    assert p.at("2025-06").loc["08"].notna().sum() > 10      # the new province row


def test_merged_panels_reach_the_present():
    """Issue 12: the merged provinces' panels run through 2026-12 by default."""
    p = simulate("lao_cai_2025", seed=0, levels=["province", "commune"])
    assert str(p.periods[-1]) == "2026-12"
    assert p.at("2026-12").notna().any(axis=None)
    assert str(simulate(_tiny_registry(), seed=0).periods[-1]) == "2025-12"


def test_apply_merger_refuses_a_partial_panel():
    """Issue 12: one old province cannot build the merged Tuyên Quang silently."""
    full = simulate("ha_giang_2023", start="2025-01", end="2025-06", seed=0,
                    levels=["province", "district", "commune"])
    with pytest.raises(InputError, match="allow_partial=True") as err:
        apply_merger(full, None, "tuyen_quang_2025")
    text = str(err.value)
    assert "lacks" in text or "thiếu" in text
    with pytest.warns(UserWarning, match="coverage"):
        out = apply_merger(full, None, "tuyen_quang_2025", allow_partial=True)
    cov = out.meta["merger"]["coverage"]
    assert len(cov) == 124
    # old Hà Giang's 193 communes make 73 new ones; the 51 of old Tuyên Quang get nothing
    assert cov["complete"].sum() == 73 and (cov["n_present"] == 0).sum() == 51
    assert cov.loc[cov["complete"], "population_share"].eq(1.0).all()


def test_apply_merger_weights_by_hand():
    old_reg = pd.DataFrame({
        "level": ["commune"] * 3, "parent_id": [""] * 3, "urban_class": ["rural"] * 3,
        "population_14plus": [100, 300, 200]}, index=pd.Index(["A", "B", "C"], name="locality_id"))
    from emusim.panel import Panel
    vals = np.zeros((3, 1, 3))
    vals[:, 0, 0] = [0.2, 0.6, 1.0]     # ratio
    vals[:, 0, 1] = [2, 5, 7]           # count
    vals[:, 0, 2] = [1, 0, 1]           # bool
    panel = Panel(vals, ["A", "B", "C"], pd.period_range("2025-06", periods=1, freq="M"),
                  ["eid_activation_rate", "report_missing", "emulation_registered"], registry=old_reg)
    mapping = pd.DataFrame({"old_id": ["A", "B", "C", "C"], "new_id": ["N1", "N1", "N1", "N2"],
                            "population_weight": [1.0, 1.0, 0.25, 0.75],
                            "is_default": [True, True, False, True]})
    new_reg = pd.DataFrame({"level": ["province", "commune", "commune"], "parent_id": ["", "P", "P"],
                            "urban_class": ["", "rural", "rural"], "lat": [0, 0, 0], "lon": [0, 0, 0],
                            "population": [1, 1, 1], "population_14plus": [600, 450, 150]},
                           index=pd.Index(["P", "N1", "N2"], name="locality_id"))
    out = apply_merger(panel, mapping, new_reg).at("2025-06")
    w = np.array([100, 300, 50])
    assert out.loc["N1", "eid_activation_rate"] == pytest.approx(np.dot(w, [0.2, 0.6, 1.0]) / w.sum())
    assert out.loc["N2", "eid_activation_rate"] == pytest.approx(1.0)
    assert out.loc["N1", "report_missing"] == 7 and out.loc["N2", "report_missing"] == 7
    assert out.loc["N1", "emulation_registered"] == 0.0      # (100 + 50) / 450 < 0.5
    assert out.loc["N2", "emulation_registered"] == 1.0
    assert out.loc["P", "report_missing"] == 14
    assert out.loc["P", "eid_activation_rate"] == pytest.approx(
        (450 * out.loc["N1", "eid_activation_rate"] + 150 * 1.0) / 600)


def test_bad_inputs():
    with pytest.raises(InputError, match="không có danh mục đơn vị tên 'atlantis_2023'"):
        simulate("atlantis_2023")
    with using_lang("en"), pytest.raises(InputError, match="no registry named 'atlantis_2023'"):
        simulate("atlantis_2023")
    with pytest.raises(InputError, match="tháng kết thúc 2022-01 trước tháng bắt đầu 2023-01"):
        simulate(_tiny_registry(), start="2023-01", end="2022-01")
    with using_lang("en"), pytest.raises(InputError, match="end 2022-01 is before start 2023-01"):
        simulate(_tiny_registry(), start="2023-01", end="2022-01")
    with pytest.raises(InputError, match="không đọc được 'soon'"):
        simulate(_tiny_registry(), start="soon")
    p = simulate(_tiny_registry(), "2022-01", "2022-06")
    with pytest.raises(InputError, match="nằm ngoài khoảng thời gian của bảng số liệu"):
        p.at("2025-01")
    with pytest.raises(InputError, match="cấp 'agency' không có trong danh mục"):
        simulate(_tiny_registry(), levels=["agency"])


def test_unreachable_anchor_is_reported(tmp_path):
    text = (load_calibration().source and open(load_calibration().source, encoding="utf-8").read())
    # the tiny registry is in Hà Giang, which has its own anchor for this indicator
    text = text.replace("value: 0.5576", "value: 0.9999")
    f = tmp_path / "cal.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="ha_giang_dossiers_fully_online_2024_12.*không đạt được"):
        simulate(_tiny_registry(), calibration=str(f))
    with using_lang("en"), pytest.raises(InputError, match="ha_giang_dossiers_fully_online_2024_12.*cannot be reached"):
        simulate(_tiny_registry(), calibration=str(f))


def test_calibration_file_errors(tmp_path):
    f = tmp_path / "cal.yaml"
    f.write_text("defaults:\n  ratio:\n    speeed: 1\nanchors:\n  - id: x\n    indicator: y\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_calibration(f)
    msg = str(exc.value)
    assert "cal.yaml:3: defaults.ratio: tham số không hợp lệ 'speeed'" in msg
    assert "mốc 'x': thiếu khóa 'period'" in msg and "cần khóa 'source' (nguồn công bố) hoặc 'assumption'" in msg
    with using_lang("en"):
        msg = str(exc.value)
    assert "cal.yaml:3: defaults.ratio: unknown parameter 'speeed'" in msg
    assert "anchor 'x': missing 'period'" in msg and "needs a 'source' or an 'assumption'" in msg
