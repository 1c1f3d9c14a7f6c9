"""forecast: output shape, uplift, errors, and calibration (reliability table)."""
import numpy as np
import pandas as pd
import pytest

from emusim.errors import InputError
from emusim.i18n import using_lang
from emusim.forecast import brier_score, forecast, reliability_table
from emusim.simulate import simulate

UPLIFT = {"district_town": 0.10, "city": 0.15}


@pytest.fixture(scope="module")
def hg():
    return simulate("ha_giang_2023", start="2022-01", end="2025-12", seed=7)


def test_forecast_columns_and_uplift(hg):
    f = forecast(hg, "eid_activation_rate", 0.75, "2023-11", as_of="2023-05", uplift=UPLIFT,
                 level="commune")
    for col in ("current", "target", "intercept", "slope", "p_reach", "expected", "q05", "q95", "at_risk"):
        assert col in f
    assert len(f) == 193
    reg = hg.registry
    city = f.index[reg.loc[f.index, "urban_class"] == "city"]
    assert np.allclose(f.loc[city, "target"], 0.90)
    assert (f["q05"] <= f["q95"]).all() and f["expected"].between(0, 1).all()
    assert (f["q05"] >= f["current"] - 1e-12).all()          # cumulative: never below today
    assert (f["at_risk"] == (f["p_reach"] < 0.5)).all()


def test_forecast_errors(hg):
    with pytest.raises(InputError, match="chỉ tiêu 75 phải là tỷ lệ"):
        forecast(hg, "eid_activation_rate", 75, "2023-11", as_of="2023-05")
    with using_lang("en"), pytest.raises(InputError, match="target 75 must be a fraction"):
        forecast(hg, "eid_activation_rate", 75, "2023-11", as_of="2023-05")
    with using_lang("en"), pytest.raises(InputError, match="deadline 2023-01 is before as_of 2023-05"):
        forecast(hg, "eid_activation_rate", 0.75, "2023-01", as_of="2023-05")
    with pytest.raises(InputError, match="nằm ngoài khoảng thời gian của bảng số liệu"):
        forecast(hg, "eid_activation_rate", 0.75, "2031-01", as_of="2030-01")


@pytest.mark.slow
def test_forecast_is_calibrated():
    """Simulated histories cut at a date: predicted probabilities match observed shares."""
    cases = [("eid_activation_rate", 0.75, "2023-05", "2023-11"),
             ("eid_registration_rate", 0.75, "2023-05", "2023-11"),
             ("cadre_eid_rate", 1.0, "2023-05", "2023-11"),
             ("dvc_online_rate", 0.6, "2023-05", "2023-11"),
             ("population_data_cleaned_rate", 1.0, "2023-03", "2023-11"),
             ("eid_activation_rate", 0.8, "2024-01", "2024-12")]
    fs, ys = [], []
    for seed in (1, 2):          # the defaults were chosen on seed 0
        p = simulate("ha_giang_2023", seed=seed)
        units = p.registry.index[p.registry["level"].isin(["commune", "village"])]
        for ind, target, as_of, deadline in cases:
            f = forecast(p, ind, target, deadline, as_of=as_of, uplift=UPLIFT, localities=units)
            v = p.at(deadline)[ind].reindex(f.index)
            y = v >= f["target"] - 1e-9
            key = f"|{seed}|{ind}|{target}"
            f.index = f.index + key
            y.index = f.index
            fs.append(f[["p_reach", "target"]])
            ys.append(y)
    F, Y = pd.concat(fs), pd.concat(ys)
    table = reliability_table(F, Y, bins=10)
    print("\n" + table.to_string())
    brier, clim = brier_score(F, Y)
    print(f"Brier {brier:.3f} vs climatology {clim:.3f}, n = {len(F)}")
    assert brier < 0.6 * clim
    full = table[table["n"] >= 200]
    assert len(full) >= 6
    assert (abs(full["observed"] - full["mean_predicted"]) <= 0.15).all()
    seventy = table[table["bin"].str.startswith("[0.7")]
    assert abs(seventy["observed"].iloc[0] - seventy["mean_predicted"].iloc[0]) <= 0.15
