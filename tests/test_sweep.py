"""sweep and tornado on the real Hà Giang commune scheme with a simulated panel (seed 1)."""
from __future__ import annotations

import pytest

import emusim as es
from emusim.analysis import sweep, tornado
from emusim.analysis.sweep import award_changes, award_matrix, default_ranges, jaccard
from emusim.errors import InputError


@pytest.fixture(scope="module")
def hg(hg_plan, hg_registry):
    values = es.simulate(hg_registry, seed=1).at("2023-11")
    return hg_plan.scheme("commune"), values


def test_sweep_is_tidy_and_matches_the_pipeline(hg, hg_registry):
    scheme, values = hg
    grid = [0.0, 0.15, 0.30]
    sw = sweep(scheme, values, "uplift.city", grid, hg_registry)
    assert list(sw.columns[:6]) == ["value", "locality_id", "award", "rank", "total", "eligible"]
    assert len(sw) == 3 * 193 and sw.attrs["nominal"] == 0.15
    for v in grid:
        s = scheme.adjust({"uplift.city": v})
        aw = es.allocate(es.score(s, values, hg_registry), s, hg_registry)
        part = sw[sw["value"] == v].set_index("locality_id")
        assert part["award"].fillna("-").equals(aw["award"].fillna("-").reindex(part.index))
        assert (part["rank"] == aw["rank"].reindex(part.index)).all()


def test_raising_city_uplift_never_adds_eligible_city_units(hg, hg_registry):
    scheme, values = hg
    sw = sweep(scheme, values, "uplift.city", [0.15, 0.20, 0.25, 0.30], hg_registry)
    city = sw[sw["urban_class"] == "city"].groupby("value")["eligible"].sum()
    assert list(city.index) == [0.15, 0.20, 0.25, 0.30]
    assert city.is_monotonic_decreasing
    assert city.loc[0.30] <= city.loc[0.15]
    rural = sw[sw["urban_class"] == "rural"].groupby("value")["eligible"].sum()
    assert rural.nunique() == 1   # the city uplift does not touch rural communes


def test_pivot_and_changes(hg, hg_registry):
    scheme, values = hg
    sw = sweep(scheme, values, "awards.police_director.quota", [9, 4, 0], hg_registry)
    wide = award_matrix(sw)
    assert list(wide.columns) == ["name", "9", "4", "0"] and len(wide) == 193
    ch = award_changes(sw)          # reference: the nominal quota 9
    assert ch.attrs["reference"] == 9
    lost = ch[ch["value"] == 0]
    assert (lost["change"] == "lost").all() and len(lost) == 9
    assert set(ch.loc[ch["value"] == 4, "award_reference"]) == {"police_director"}
    assert ch.loc[ch["value"] == 4, "award"].isna().all()


def test_sweep_validates_every_value(hg, hg_registry):
    scheme, values = hg
    with pytest.raises(InputError) as err:
        sweep(scheme, values, "uplift.city", [0.1, 1.5, -2], hg_registry)
    assert str(err.value).count("uplift.city") == 2
    with pytest.raises(InputError, match="đường dẫn không có") as info:
        sweep(scheme, values, "uplift_city", [0.1], hg_registry)
    assert "unknown path" in info.value.problems[0].text("en") and "uplift.city" in str(info.value)  # did you mean


def test_tornado_ranks_quota_and_uplift_effects(hg, hg_registry):
    scheme, values = hg
    ranges = {
        "uplift.city": (0.0, 0.30),
        "uplift.district_town": (0.0, 0.20),
        "awards.chairman.quota": (3, 7),
        "awards.police_director.quota": (5, 13),
        "proportional_basis": None,          # discrete: rate / threshold
        "gates.G3.mode": None,               # discrete: hard / soft
        "criteria.A.I.1.max": (4.0, 6.0),
    }
    tr = tornado(scheme, values, ranges, hg_registry)
    assert set(tr["path"]) == set(ranges)
    assert tr["effect"].is_monotonic_decreasing
    eff = tr.set_index("path")["effect"]
    for p in ("uplift.city", "uplift.district_town", "awards.chairman.quota", "awards.police_director.quota"):
        assert eff[p] > 0, p
    row = tr.set_index("path").loc["proportional_basis"]
    assert (row["low"], row["high"]) == ("rate", "threshold")
    row = tr.set_index("path").loc["gates.G3.mode"]
    assert (row["low"], row["high"]) == ("hard", "soft") and row["changed_low"] == 0
    # a larger police-director quota only adds awards
    q = tr.set_index("path").loc["awards.police_director.quota"]
    assert q["lost_high"] == 0 and q["gained_low"] == 0
    assert 0 <= q["jaccard_low"] <= 1


def test_tornado_metrics_and_defaults(hg, hg_registry):
    scheme, values = hg
    ranges = default_ranges(scheme, include=("uplift.", "awards."))
    assert ranges["uplift.city"] == pytest.approx((0.10, 0.20))
    assert ranges["awards.chairman.quota"] == (3, 7)
    tj = tornado(scheme, values, ranges, hg_registry, metric="jaccard")
    assert (tj["effect"] >= 0).all() and tj["effect"].is_monotonic_decreasing
    te = tornado(scheme, values, {"gates.G3.target": (0.65, 0.85)}, hg_registry, metric="eligible")
    assert te.iloc[0]["effect"] > 0
    with pytest.raises(InputError, match="thước đo"):
        tornado(scheme, values, ranges, hg_registry, metric="nope")
    with pytest.raises(InputError, match="tham số rời rạc"):
        tornado(scheme, values, {"uplift.city": None}, hg_registry)


def test_jaccard():
    assert jaccard(set(), set()) == 1.0
    assert jaccard({1}, {2}) == 0.0
    assert jaccard({1, 2}, {2, 3}) == pytest.approx(1 / 3)
