"""Issue 14 for the analyses: every error, warning, note, reason and table header they give
people is Vietnamese by default (no English word of the catalogue) and English with lang="en"."""
from __future__ import annotations

import re
import string

import pytest
import yaml

import emusim as es
from emusim.errors import InputError
from emusim.i18n import catalogue, t, using_lang
from emusim.i18n.leaks import english_leaks
from emusim.analysis import (compare, equity, factors_from_dict, load_factors, min_improvement, montecarlo,
                             sobol, sweep, tornado)
from emusim.analysis.sweep import award_changes

DOMAINS = ("factors", "sweep", "equity", "sobol", "montecarlo", "compare", "improve")
#: identifiers a user types in code (costs= keys, tornado metrics) that the messages list on purpose
API_WORDS = {"ratio", "bool", "count", "points", "eligible", "jaccard"}
SAMPLE_FACTORS = "data/samples/factors_ha_giang.yaml"


def vi_clean(text: str) -> None:
    assert text and english_leaks(text, allow=API_WORDS) == [], text


def problems_vi_en(exc: InputError) -> tuple[list[str], list[str]]:
    """Each problem's message alone (the place holds the user's own paths), in vi and en."""
    return [p.text("vi") for p in exc.problems], [p.text("en") for p in exc.problems]


@pytest.fixture(scope="module")
def hg():
    reg = es.load_registry("ha_giang_2023")
    scheme = es.load_plan("ha_giang_186_2023").scheme("commune")
    values = es.simulate(reg, seed=1).at("2023-11")
    aw = es.allocate(es.score(scheme, values, reg), scheme, reg)
    return scheme, values, reg, aw


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_of_the_analyses_renders_in_vietnamese_without_english(domain):
    keys = [k for k in catalogue() if k.startswith(domain + ".")]
    assert keys
    for key in keys:
        names = {n.split(".")[0] for _, n, _, _ in string.Formatter().parse(catalogue()[key]["vi"]) if n}
        filled = {n: "Xã Minh Sơn" for n in names}
        vi_clean(t(key, "vi", **filled)) if t(key, "vi", **filled).strip() else None


def test_a_broken_factors_file_is_reported_in_vietnamese_and_english(tmp_path, hg):
    scheme = hg[0]
    doc = yaml.safe_load(open(SAMPLE_FACTORS, encoding="utf-8"))
    doc.update({"noise.eid_registration_rate": {"sd": -1}, "groups.II.max": {"uniform": [60, 40]},
                "awards.chairman.quota": {"integers": [4.5, 6]}, "noise.working_group_trained": {"sd": 0.1},
                "noise.eid_activation_rate": {"flip": 0.1}, "gates.G3.mode": {"wat": 1},
                "uplift.city": {"uniform": [0.1, 0.2], "sd": 0.1}, "noise.khong_co": {"sd": 0.1},
                "groups.IV.max": {"flip": 0.3}, "noise.dvc_online_rate": {"integers": [1, 2]},
                "proportional_basis": {"choice": ["attainment", "rate"], "p": [0.5, 0.6]},
                "noise.dvc_de_an_06_rate": 5})
    path = tmp_path / "factors_bad.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_factors(path, scheme=scheme)
    vi, en = problems_vi_en(exc.value)
    assert len(vi) >= 11
    for text in vi:
        vi_clean(text)
    assert any("sd phải là số không âm" in v for v in vi) and any("non-negative" in e for e in en)
    assert any("có/không" in v for v in vi) and any("yes/no" in e for e in en)
    assert all(p.line for p in exc.value.problems)  # each problem names its line
    for bad, key in ((None, "file_empty"), (["a", "b"], "file_not_mapping")):
        p = tmp_path / f"{key}.yaml"
        p.write_text("" if bad is None else yaml.safe_dump(bad), encoding="utf-8")
        with pytest.raises(InputError) as exc:
            load_factors(p, scheme=scheme)
        assert str(exc.value).endswith(t(f"factors.{key}", "vi"))
        with using_lang("en"):
            assert str(exc.value).endswith(t(f"factors.{key}", "en"))
    with pytest.raises(InputError) as exc:
        factors_from_dict({"proportional_basis": {"sd": 0.1}}, scheme=scheme)
    vi_clean(exc.value.problems[0].text("vi"))


def test_improve_sentences_reasons_and_errors(hg):
    scheme, values, reg, aw = hg
    losers = aw[aw["award"].isna()].sort_values("rank").index[:3]
    ok = min_improvement(scheme, values, losers[0], reg)
    assert ok.status == "ok"
    vi_clean(ok.sentence()) and vi_clean(ok.message)
    assert "sẽ" in ok.sentence() and "would" in ok.sentence("en")
    assert ok.sentence("vi") == ok.sentence_vi and ok.sentence("en") == ok.sentence_en
    labelled = ok.labelled()
    assert list(labelled.columns) == [t(f"improve.col_{c}", "vi") for c in ("label", "unit", "from", "to", "delta", "cost")]
    vi_clean(" ".join(labelled.columns) + " " + " ".join(labelled.iloc[:, 1].astype(str)))
    assert "Indicator" in ok.labelled("en").columns
    vi_clean(re.sub(r"<[^>]+>", " ", ok._repr_html_()))
    # an infeasible target: the cadre gate frozen at 0
    bad = min_improvement(scheme, values, losers[0], reg, target_tier="chairman", feasible={"cadre_eid_rate": (0, 0)})
    assert bad.status == "infeasible"
    vi_clean(bad.sentence())
    vi_clean(bad.message)
    assert bad.sentence().startswith("Không có thay đổi khả thi") and bad.sentence("en").startswith("No feasible change")
    assert "can only be in" in bad.message_in("en")
    already = min_improvement(scheme, values, aw[aw["award"].notna()].index[0], reg)
    vi_clean(already.sentence()) and vi_clean(already.message)
    for kwargs in ({"target_tier": "bronze"}, {"feasible": {"nope": None}, "costs": {"zz": 1}},
                   {"feasible": {"cadre_eid_rate": (0.9, 0.1)}}, {"feasible": {"cadre_eid_rate": 3}}):
        with pytest.raises(InputError) as exc:
            min_improvement(scheme, values, losers[1], reg, **kwargs)
        vi, en = problems_vi_en(exc.value)
        for text in vi:
            vi_clean(text)
        assert all(e.startswith(("min_improvement", "feasible", "costs")) for e in en)
    with pytest.raises(InputError) as exc:
        min_improvement(scheme, values, "zzz", reg)
    vi_clean(exc.value.problems[0].text("vi"))
    assert "cấp xã" in str(exc.value) and "commune" in exc.value.problems[0].text("en")


def test_sweep_tornado_and_equity_errors(hg):
    scheme, values, reg, aw = hg
    cases = [lambda: sweep(scheme, values, "uplift.city", [], reg),
             lambda: sweep("not a scheme", values, "uplift.city", [0], reg),
             lambda: tornado(scheme, values, {"uplift.city": (0.1, 0.2)}, reg, metric="nope"),
             lambda: tornado(scheme, values, {"uplift.city": None, "groups.II.max": 5}, reg),
             lambda: equity(aw, reg, by="nope"), lambda: equity(aw.drop(columns="award"), reg),
             lambda: es.analysis.equity_under_uplift(scheme, values, reg, [0, 0.1], groups=("rural",))]
    for case in cases:
        with pytest.raises(InputError) as exc:
            case()
        vi, en = problems_vi_en(exc.value)
        for text in vi:
            vi_clean(text)
        assert vi != en
    table = sweep(scheme, values, "uplift.city", [0, 0.1], reg)
    with pytest.raises(InputError) as exc:
        award_changes(table, reference=0.5)
    vi_clean(exc.value.problems[0].text("vi"))
    assert "not a grid value" in exc.value.problems[0].text("en")


def test_compare_sentences_notes_and_labelled_tables(hg):
    _, values, reg, _ = hg
    res = compare([("ha_giang_186_2023", "commune"), ("tuyen_quang_da06_2022", "commune")], values, reg)
    assert res.sentences and res.notes
    for text in [res.summary(), *res.notes, *res.sentences]:
        vi_clean(text)
    assert "what-if" in " ".join(res.notes_in("en")) and " vs " in res.summary("en")
    assert res.sentences == res.sentences_vi and res.sentences_in("en") == res.sentences_en
    for table in ("pairs", "units", "differences"):
        lab = res.labelled(table)
        shown = lab.drop(columns=[c for c in lab.columns if c in (t("compare.col_locality_id", "vi"),
                                                                  t("compare.col_name", "vi"))])
        vi_clean(" ".join(map(str, shown.columns)))
        vi_clean(shown.astype(str).head(40).to_string())
        assert set(res.labelled(table, lang="en").columns) != set(lab.columns)
    assert {"awarded_under", "not_under", "why"} <= set(res.differences.columns)  # code still reads these
    vi_clean(re.sub(r"<[^>]+>", " ", res._repr_html_()))
    for case in (lambda: compare([("ha_giang_186_2023", "commune")], values, reg),
                 lambda: compare([("ha_giang_186_2023", "commune"), 5], values, reg),
                 lambda: compare([("ha_giang_186_2023", "commune"), ("tuyen_quang_da06_2022", "commune")],
                                 values.drop(columns=["dossier_digitisation_rate"]), reg)):
        with pytest.raises(InputError) as exc:
            case()
        vi_clean(exc.value.problems[0].text("vi"))


def test_monte_carlo_summary_warnings_and_sobol_labels(hg):
    scheme, values, reg, _ = hg
    factors = load_factors(SAMPLE_FACTORS, scheme=scheme)
    mc = montecarlo(scheme, values, factors, n=20, seed=1, registry=reg, progress=False)
    summary = mc.summary()
    vi_clean(" ".join(summary.index) + " " + " ".join(summary.columns))
    assert "overlap with nominal awards" in mc.summary(lang="en").index
    vi_clean(" ".join(mc.labelled().columns))
    vi_clean(re.sub(r"<[^>]+>", " ", mc._repr_html_()))
    noisy = montecarlo(scheme, values, {"noise.cccd_application_rate": {"sd": 0.01}}, n=5, seed=1,
                       registry=reg, progress=False)
    assert noisy.warnings
    for w in noisy.warnings:
        vi_clean(w.text("vi"))
        assert "Warning" in w.text("en")
    with pytest.raises(InputError) as exc:
        montecarlo(scheme, values, factors, n=5, seed=1, registry=reg, progress=False, chunk_size=0)
    vi_clean(exc.value.problems[0].text("vi"))
    table = sobol(scheme, values, {"uplift.city": {"uniform": [0.1, 0.2]}, "noise.eid_activation_rate": {"sd": 0.02},
                                   "groups.II.max": {"uniform": [40, 60]}}, N=8, registry=reg)
    for label in table["label"]:
        vi_clean(label)
    assert table.labelled("en")["label"].tolist()[0].startswith("Uplift") or table.labelled("en")["label"].tolist() \
        != table["label"].tolist()
    for outcome in ("nope", "unit:zz"):
        with pytest.raises(InputError) as exc:
            sobol(scheme, values, factors[:1], N=8, registry=reg, outcome=outcome)
        vi_clean(exc.value.problems[0].text("vi"))
    with pytest.raises(InputError) as exc:
        sobol(scheme, values, [], N=8, registry=reg)
    assert str(exc.value) == t("sobol.no_factors", "vi")


def test_equity_tables_for_people(hg):
    scheme, _, reg, aw = hg
    eq = equity(aw, reg)
    lab = eq.labelled("urban_class", scheme=scheme)
    vi_clean(" ".join(lab.columns) + " " + str(lab.index.name) + " " + " ".join(map(str, lab.index)))
    assert "Share of awards" in eq.labelled("urban_class", lang="en").columns
    assert "award_share" in eq.by_urban_class.columns  # code still reads the machine table
