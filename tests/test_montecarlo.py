"""Monte Carlo, factors and the batch engine (DESIGN §6; issue: uncertainty analysis)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import emusim as es
from emusim.analysis import Factor, MonteCarloResult, factors_from_dict, montecarlo
from emusim.analysis.batch import BatchModel
from emusim.analysis.montecarlo import _setup, run_chunk

SAMPLE_FACTORS = str(Path(__file__).resolve().parent.parent / "data" / "samples" / "factors_ha_giang.yaml")
FACTORS = {
    "noise.eid_activation_rate": {"sd": 0.02},
    "noise.eid_registration_rate": {"sd": 0.02},
    "noise.dvc_online_rate": {"sd": 0.03},
    "uplift.city": {"uniform": [0.10, 0.20]},
    "groups.II.max": {"uniform": [40, 60]},
    "awards.chairman.quota": {"integers": [4, 6]},
    "proportional_basis": {"choice": ["attainment", "rate"]},
    "gates.G1.mode": {"choice": ["hard", "soft"]},
}


@pytest.fixture(scope="module")
def hg():
    plan = es.load_plan("ha_giang_186_2023")
    reg = es.load_registry("ha_giang_2023")
    values = es.simulate(reg, seed=1).at("2023-11")
    return plan.scheme("commune"), values, reg


@pytest.fixture(scope="module")
def mc2000(hg):
    scheme, values, reg = hg
    return montecarlo(scheme, values, FACTORS, n=2000, seed=7, registry=reg, progress=False, chunk_size=500)


# ---------------------------------------------------------------------------- batch == engine

def _engine(scheme, values, reg):
    st = es.score(scheme, values, reg)
    return st, es.allocate(st, scheme, reg)


def _random_change(rng, scheme, r):
    """A random adjust dict touching every vectorised kind of path (and one structural one)."""
    params = scheme.parameters()
    ch = {}
    for cls in ("city", "district_town"):
        if rng.random() < 0.6:
            ch[f"uplift.{cls}"] = float(rng.choice([0.0, 0.05, 0.1, 0.15, 0.3]))
    groups = [p for p in params if p.startswith("groups.")]
    for p in rng.choice(groups, size=min(2, len(groups)), replace=False) if groups else []:
        ch[str(p)] = float(rng.choice([10.0, 40.0, 55.5, 80.0]))
    targets = [p for p in params if p.endswith(".target")]
    for p in rng.choice(targets, size=min(3, len(targets)), replace=False) if targets else []:
        ch[str(p)] = float(rng.choice([0.5, 0.7, 0.75, 0.9, 1.0]))
    maxima = [p for p in params if p.startswith("criteria.") and p.endswith(".max")]
    if maxima and rng.random() < 0.5:
        ch[str(rng.choice(maxima))] = float(rng.choice([0.0, 3.0, 12.5]))
    if rng.random() < 0.5:
        ch["proportional_basis"] = str(rng.choice(["attainment", "rate", "threshold"]))
    for g in scheme.gates:
        if rng.random() < 0.3:
            ch[f"gates.{g.id}.mode"] = str(rng.choice(["hard", "soft"]))
    for t in scheme.awards.allocated_tiers:
        if rng.random() < 0.6:
            ch[f"awards.{t.id}.quota"] = [None, 0, 1, 3, 7, 40][rng.integers(6)]
    if scheme.awards.nomination is not None and rng.random() < 0.4:
        ch["awards.nomination.per_parent"] = int(rng.integers(0, 4))
    if scheme.awards.nomination is not None and rng.random() < 0.3:
        ch["awards.nomination.extra_min_children"] = int(rng.choice([5, 15, 30]))
    if scheme.kind == "standards" and rng.random() < 0.4:
        ch["min_met"] = int(rng.integers(0, len(scheme.criteria) + 1))
    ops = [c for c in scheme.criteria if c.has_target]
    if ops and r % 4 == 0:  # a structural path: grouped, not vectorised
        ch[f"criteria.{ops[0].id}.op"] = ">" if r % 8 == 0 else ">="
    return ch


def _noisy(rng, scheme, values, model, coarse: bool):
    """Random values for the scheme's indicators; with ``coarse``, ratios on a 25 % grid and
    some units copied onto others of the same urban class, so totals tie exactly."""
    cat = es.load_catalog()
    noise = {}
    for ind in scheme.indicators:
        base = model.raw[ind]
        if rng.random() < 0.5 and not coarse:
            continue
        unit = cat[ind].unit if ind in cat else "ratio"
        if unit == "ratio":
            v = np.clip(base + rng.normal(0, 0.1, base.shape), 0, 1)
            if coarse:
                v = np.round(v * 4) / 4
        elif unit == "bool":
            v = (rng.random(base.shape) < 0.7).astype(float)
        else:
            v = np.maximum(np.rint(base + rng.normal(0, 1, base.shape)), 0)
        v[rng.random(base.shape) < 0.02] = np.nan  # a few missing reports
        noise[ind] = v
    if coarse:
        for _ in range(60):
            a, b = rng.integers(model.n, size=2)
            if model.urban[a] == model.urban[b]:
                for v in noise.values():
                    v[b] = v[a]
    out = values.loc[model.index].copy()
    for ind, v in noise.items():
        out[ind] = v
    return out, noise


def _check_batch_equals_engine(scheme, values, reg, seed, m=12, coarse=True):
    rng = np.random.default_rng(seed)
    model = BatchModel(scheme, values, reg)
    changes = [_random_change(rng, scheme, r) for r in range(m)]
    worlds = [_noisy(rng, scheme, values, model, coarse) for _ in range(m)]
    paths = sorted({p for ch in changes for p in ch})
    params = {}
    current = scheme.parameters()
    for p in paths:
        col = []
        for ch in changes:
            if p in ch:
                col.append(ch[p])
            elif p.endswith(".op"):
                col.append(scheme.criterion(p.split(".", 1)[1].rsplit(".", 1)[0]).op)
            elif p == "awards.nomination.extra_min_children":
                col.append(scheme.awards.nomination.extra_min_children)
            else:
                col.append(current[p])
        params[p] = col
    inds = sorted({k for _, nz in worlds for k in nz})
    noise = {ind: np.stack([nz.get(ind, model.raw[ind]) for _, nz in worlds]) for ind in inds}
    res = model.evaluate(params, noise, m=m, full=True)
    ties = 0
    for r in range(m):
        adjusted = scheme.adjust({p: params[p][r] for p in paths})
        st, aw = _engine(adjusted, worlds[r][0], reg)
        got = model.award_table(res, r)
        assert (aw["award"].fillna("-").to_numpy() == got["award"].fillna("-").to_numpy()).all(), (r, changes[r])
        assert (aw["rank"].to_numpy() == got["rank"].to_numpy()).all(), (r, changes[r])
        assert (aw["nominated"].to_numpy() == got["nominated"].to_numpy()).all(), (r, changes[r])
        assert (st["eligible"].to_numpy() == got["eligible"].to_numpy()).all(), (r, changes[r])
        assert np.array_equal(st["total"].to_numpy(), got["total"].to_numpy()), (r, changes[r])
        ties += len(aw.attrs.get("ties", []))
    return ties


def test_batch_equals_engine_on_random_adjusted_schemes(hg):
    scheme, values, reg = hg
    ties = sum(_check_batch_equals_engine(scheme, values, reg, seed, m=10) for seed in range(5))
    assert ties > 0, "the coarse values were meant to create ties at cut-offs"


def test_batch_equals_engine_on_a_standards_scheme():
    plan = es.load_plan("tuyen_quang_da06_2022")
    reg = es.load_registry(plan.registry)
    values = es.simulate(reg, seed=2).at("2024-06")
    _check_batch_equals_engine(plan.scheme("commune"), values, reg, seed=11, m=10)


def test_batch_without_registry_uses_the_values_columns(hg):
    scheme, values, reg = hg
    communes = reg.index[reg["level"] == "commune"]
    v = values.loc[communes].copy()
    v["urban_class"] = reg.loc[communes, "urban_class"]
    v["parent_id"] = reg.loc[communes, "parent_id"]
    _check_batch_equals_engine(scheme, v, None, seed=5, m=8)


def test_batch_nominal_equals_engine(hg):
    scheme, values, reg = hg
    res = BatchModel(scheme, values, reg).evaluate(m=1)
    _, aw = _engine(scheme, values, reg)
    tiers = np.array(list(res.tiers) + [None], dtype=object)
    assert list(tiers[res.award[0]]) == list(aw["award"].to_numpy())
    assert (res.rank[0] == aw["rank"].to_numpy()).all()


# ---------------------------------------------------------------------------- Monte Carlo

def test_probabilities_add_up_to_awards_per_replication(mc2000):
    mc = mc2000
    assert isinstance(mc, MonteCarloResult)
    assert mc.awards_per_replication.shape == (2000, 2)
    for t in ("chairman", "police_director"):
        assert mc.per_unit[f"p_{t}"].sum() == pytest.approx(mc.awards_per_replication[t].mean(), abs=1e-12)
    assert mc.per_unit["p_any"].sum() == pytest.approx(mc.awards_per_replication.sum(axis=1).mean(), abs=1e-12)
    assert (mc.awards_per_replication["chairman"] <= 6).all()
    assert (mc.awards_per_replication["police_director"] <= 9).all()
    pu = mc.per_unit
    assert ((pu["rank_q05"] <= pu["median_rank"]) & (pu["median_rank"] <= pu["rank_q95"])).all()
    assert pu["median_rank"].between(1, len(pu)).all()
    assert {"p_chairman", "p_police_director", "p_any", "median_rank", "rank_q05", "rank_q95",
            "nominal_award"} <= set(pu.columns)
    assert len(pu) == 193 and pu["nominal_award"].notna().sum() == 14
    assert mc.overlap.shape == (2000,) and np.nanmin(mc.overlap) >= 0 and np.nanmax(mc.overlap) <= 1
    assert 0 < np.nanmean(mc.overlap) < 1  # uncertain, not chaotic
    assert np.nanmin(mc.urban_share) >= 0 and np.nanmax(mc.urban_share) <= 1
    s = mc.summary()
    assert mc.summary(lang="en").loc["overlap with nominal awards", "mean"] == pytest.approx(np.nanmean(mc.overlap))
    html = mc._repr_html_()
    assert "Monte Carlo" in html and "Xác suất được khen" in html   # headers for people, in Vietnamese
    from emusim.i18n import using_lang

    with using_lang("en"):
        assert "P(any award)" in mc._repr_html_()


def test_rank_quantiles_are_exact(hg):
    scheme, values, reg = hg
    mc = montecarlo(scheme, values, FACTORS, n=300, seed=3, registry=reg, progress=False, chunk_size=300)
    job, _, _ = _setup(scheme, values, FACTORS, reg, None)
    out = run_chunk(job, np.random.SeedSequence(3).spawn(1)[0], 300)
    ranks = out["rank"].astype(float)
    for q, col in ((0.05, "rank_q05"), (0.5, "rank_q50"), (0.95, "rank_q95")):
        col = "median_rank" if q == 0.5 else col
        assert np.allclose(mc.per_unit[col].to_numpy(), np.quantile(ranks, q, axis=0))


def test_same_seed_same_result_and_executor_equals_serial(hg):
    scheme, values, reg = hg
    kw = dict(n=600, registry=reg, progress=False, chunk_size=100)
    a = montecarlo(scheme, values, FACTORS, seed=11, **kw)
    b = montecarlo(scheme, values, FACTORS, seed=11, **kw)
    with ThreadPoolExecutor(max_workers=2) as ex:
        c = montecarlo(scheme, values, FACTORS, seed=11, executor=ex, **kw)
    d = montecarlo(scheme, values, FACTORS, seed=12, **kw)
    for other in (b, c):
        pd.testing.assert_frame_equal(a.per_unit, other.per_unit)
        assert np.array_equal(a.overlap, other.overlap, equal_nan=True)
        assert np.array_equal(a.urban_share, other.urban_share, equal_nan=True)
        pd.testing.assert_frame_equal(a.awards_per_replication, other.awards_per_replication)
    assert not np.array_equal(a.overlap, d.overlap, equal_nan=True)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def test_dask_cluster_gives_identical_results(hg, mc2000, dask_client):
    scheme, values, reg = hg
    mc = montecarlo(scheme, values, FACTORS, n=2000, seed=7, registry=reg, progress=False, chunk_size=500,
                    executor=dask_client)
    pd.testing.assert_frame_equal(mc.per_unit, mc2000.per_unit)
    assert np.array_equal(mc.overlap, mc2000.overlap, equal_nan=True)
    assert np.array_equal(mc.urban_share, mc2000.urban_share, equal_nan=True)
    pd.testing.assert_frame_equal(mc.awards_per_replication, mc2000.awards_per_replication)


def test_noise_keeps_ratios_in_range_and_missing_missing():
    f = factors_from_dict({"noise.r": {"sd": 0.3}})[0]
    v = np.array([0.0, 0.5, 1.0, np.nan])
    out = f.perturb(v, np.random.default_rng(0), 500, "ratio")
    assert np.nanmin(out) >= 0 and np.nanmax(out) <= 1 and np.isnan(out[:, 3]).all()
    counts = Factor("noise.c", "normal", sd=2.0).perturb(np.array([0.0, 3.0]), np.random.default_rng(1), 200, "count")
    assert (counts >= 0).all() and (counts == np.rint(counts)).all()
    flips = Factor("noise.b", "flip", p=(0.25,)).perturb(np.ones(1000), np.random.default_rng(2), 1, "bool")
    assert 0.2 < 1 - flips.mean() < 0.3


# ---------------------------------------------------------------------------- factors as data

def test_every_bad_factor_is_listed_in_one_error(hg):
    scheme, _, _ = hg
    bad = {
        "uplift.metropolis": {"uniform": [0.1, 0.2]},
        "groups.XX.max": {"uniform": [40, 60]},
        "awards.chairman.quota": {"integers": [-1, 3]},
        "proportional_basis": {"choice": ["attainment", "median"]},
        "gates.G1.mode": {"choice": ["hard", "optional"]},
        "criteria.A.IV.2.target": {"uniform": [0.5, 1.5]},
        "noise.not_an_indicator": {"sd": 0.02},
        "noise.de_an_06_plan_issued": {"sd": 0.1},
        "uplift.city": {"uniform": [0.3, 0.1]},
        "groups.II.max": {"gamma": 2},
        "awards.police_director.quota": {"choice": [1, 2], "p": [0.5, 0.6]},
    }
    with pytest.raises(es.InputError) as exc:
        factors_from_dict(bad, scheme=scheme)
    paths = {p.path for p in exc.value.problems}
    assert paths == set(bad)
    text = str(exc.value)
    assert "metropolis" in text and "flip" in text and "median" in text


def test_good_factors_parse(hg):
    scheme, _, _ = hg
    fs = factors_from_dict({**FACTORS, "noise.de_an_06_plan_issued": {"flip": 0.05},
                            "criteria.A.IV.2.target": {"sd": 0.02, "clip": [0, 1]},
                            "noise.social_media_posts": {"sd": 0.1, "relative": True}}, scheme=scheme)
    by = {f.path: f for f in fs}
    assert by["awards.chairman.quota"].dist == "integers" and by["uplift.city"].dist == "uniform"
    assert by["noise.social_media_posts"].relative
    assert by["criteria.A.IV.2.target"].sample(np.random.default_rng(0), 1000, 0.75).std() == pytest.approx(0.02, rel=0.1)
    with pytest.raises(es.InputError, match="n: phải là số nguyên từ 1"):
        montecarlo(scheme, pd.DataFrame(), {}, n=0)


# ---------------------------------------------------------------------------- command line

def test_cli_uncertainty(tmp_path, capsys):
    from emusim.cli import main

    out = tmp_path / "mc.csv"
    rc = main(["uncertainty", "--plan", "ha_giang_186_2023", "--level", "commune", "--seed", "1",
               "--period", "2023-11", "--factors", SAMPLE_FACTORS, "--n", "200",
               "--mc-seed", "4", "--out", str(out)])
    assert rc == 0
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"locality_id": str}).set_index("locality_id")
    assert len(table) == 193 and "p_any" in table
    assert table["p_chairman"].sum() > 0
    assert main(["uncertainty", "--plan", "ha_giang_186_2023", "--level", "commune", "--seed", "1",
                 "--period", "2023-11", "--factors", SAMPLE_FACTORS, "--n", "20",
                 "--out", str(out)]) == 2  # exists, no --force
    bad = tmp_path / "bad.yaml"
    bad.write_text("uplift.city: {uniform: [0.3, 0.1]}\ngroups.ZZ.max: {uniform: [1, 2]}\n", encoding="utf-8")
    capsys.readouterr()
    rc = main(["uncertainty", "--plan", "ha_giang_186_2023", "--level", "commune", "--seed", "1",
               "--factors", str(bad), "--n", "10", "--out", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert rc == 2 and "uplift.city" in err and "groups.ZZ.max" in err and "bad.yaml:2" in err
