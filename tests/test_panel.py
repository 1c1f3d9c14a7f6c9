"""Panel: views, long round-trip, errors, province means."""
import numpy as np
import pandas as pd
import pytest

from emusim.errors import InputError
from emusim.i18n import using_lang
from emusim.panel import Panel


def _panel(registry=None):
    vals = np.arange(2 * 3 * 2, dtype=float).reshape(2, 3, 2) / 20
    return Panel(vals, ["C1", "C2"], pd.period_range("2023-01", periods=3, freq="M"),
                 ["a", "b"], registry=registry)


def test_at_and_series():
    p = _panel()
    at = p.at("2023-02")
    assert list(at.columns) == ["a", "b"] and at.index.name == "locality_id"
    assert at.loc["C2", "b"] == pytest.approx(0.45)
    s = p.series("a")
    assert s.shape == (2, 3) and s.loc["C1", pd.Period("2023-03", "M")] == pytest.approx(0.2)
    assert len(p) == 2


def test_period_outside_panel_names_period_and_range():
    with pytest.raises(InputError, match=r"2024-01 nằm ngoài khoảng thời gian của bảng số liệu \(2023-01…2023-03\)"):
        _panel().at("2024-01")
    with using_lang("en"), pytest.raises(InputError, match=r"2024-01.*outside the panel \(2023-01…2023-03\)"):
        _panel().at("2024-01")
    with pytest.raises(InputError, match="không đọc được 'Jan' là một tháng"):
        _panel().at("Jan")


def test_long_round_trip():
    p = _panel()
    long = p.to_long()
    assert list(long.columns) == ["locality_id", "period", "indicator", "value"]
    assert long["period"].iloc[0] == "2023-01"
    q = Panel.from_long(long.sample(frac=1, random_state=1))
    q = q.subset(localities=["C1", "C2"], indicators=["a", "b"])
    np.testing.assert_array_equal(q.values, p.values)
    assert list(q.periods.astype(str)) == ["2023-01", "2023-02", "2023-03"]


def test_from_long_duplicates_are_an_error():
    long = _panel().to_long()
    long = pd.concat([long, long.iloc[[3]]])
    with pytest.raises(InputError, match="dòng trùng cho đơn vị"):
        Panel.from_long(long)


def test_subset_and_unknown_indicator():
    p = _panel()
    assert p.subset(indicators=["b"]).indicators == ["b"]
    with pytest.raises(InputError, match="chỉ tiêu 'zz' không có trong bảng số liệu"):
        p.series("zz")
    with using_lang("en"), pytest.raises(InputError, match="indicator 'zz' is not in the panel"):
        p.series("zz")


def test_province_means_weighted_by_registry():
    reg = pd.DataFrame({"level": ["commune", "commune"], "population_14plus": [300, 100],
                        "province": ["X", "X"]}, index=pd.Index(["C1", "C2"], name="locality_id"))
    p = _panel(reg)
    m = p.province_means("a")
    expected = (300 * 0.0 + 100 * 0.3) / 400
    assert m.iloc[0] == pytest.approx(expected)
    assert _panel().province_means("a").iloc[0] == pytest.approx(0.15)
    html = p._repr_html_()
    assert "Panel" in html and "2023-01…2023-03" in html
