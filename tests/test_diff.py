"""es.diff on real award tables: counts worked out by listing both award sets."""
import pytest

import emusim as es
from emusim.errors import InputError


@pytest.fixture(scope="module")
def hg():
    plan = es.load_plan("ha_giang_186_2023")
    scheme = plan.scheme("commune")
    registry = es.load_registry("ha_giang_2023")
    values = es.simulate(registry, seed=1, end="2023-12").at("2023-11")
    return scheme, values, registry


def test_diff_counts_equal_the_set_differences(hg):
    scheme, values, registry = hg
    a = es.allocate(es.score(scheme, values, registry), scheme, registry)
    option = scheme.adjust({"uplift.city": 0.30})
    b = es.allocate(es.score(option, values, registry), option, registry)
    d = es.diff(a, b, scheme=scheme)
    won_a = set(a.index[a["award"].notna()])
    won_b = set(b.index[b["award"].notna()])
    assert d.counts["gains"] == len(won_b - won_a)
    assert d.counts["losses"] == len(won_a - won_b)
    both = won_a & won_b
    changed_tier = {i for i in both if a.at[i, "award"] != b.at[i, "award"]}
    assert d.counts["up"] + d.counts["down"] == len(changed_tier)
    assert len(d.table) == len(won_a ^ won_b) + len(changed_tier)   # rank-only moves are not listed
    assert sum(d.counts.values()) == len(a)


def test_diff_of_a_table_with_itself_is_empty(hg):
    scheme, values, registry = hg
    a = es.allocate(es.score(scheme, values, registry), scheme, registry)
    d = es.diff(a, a)
    assert d.table.empty and d.counts["unchanged"] == len(a)


def test_diff_refuses_tables_of_different_units(hg):
    scheme, values, registry = hg
    a = es.allocate(es.score(scheme, values, registry), scheme, registry)
    with pytest.raises(InputError, match="không cùng đơn vị"):
        es.diff(a, a.iloc[:-3])
