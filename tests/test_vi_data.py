"""Issue 14 for the data stages: every error, warning, reason, note and header they produce
is Vietnamese by default (no English word of the catalogue in it) and English on a switch.

Exercised on the real inputs: the sample and official files, the bad files of
data/samples/bad/, the registries, the KH 21/2025 status files, a bad clusters CSV, bad
registry CSVs and a bad calibration file. Identifiers the user wrote or must write (indicator
ids, column names, the keys of the calibration file) are data, not English text: their words
are passed as ``allow``.
"""
from __future__ import annotations

import json
import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import pytest

import emusim as es
from emusim.allocate import reason_text
from emusim.errors import InputError
from emusim.i18n import catalogue, placeholders, t, using_lang
from emusim.i18n.leaks import english_leaks, words_of

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
BAD = SAMPLES / "bad"

#: the catalogue domains of the data stages (this part of issue 14)
DOMAINS = ("panel", "forecast", "engine", "sim", "simulate", "tasks", "registry", "io", "observations", "clusters",
           "allocate", "missing", "pools", "diff", "readings", "template", "verify", "deadlines", "common")


def _ids_words() -> set[str]:
    """Words of identifiers the outputs show on purpose: indicator and scheme ids, file columns."""
    cat = es.load_catalog()
    words = set()
    for ind in cat.indicators if hasattr(cat, "indicators") else cat:
        words.update(words_of(str(getattr(ind, "id", ind))))
    # columns of the input files, and the Python API's argument names that errors name as their place
    words.update(words_of("locality_id parent_id unit_type urban_class population_14plus synthetic value indicator "
                          "period task_id unit completed_on cluster cluster_name old_id new_id population_weight "
                          "start end levels localities target deadline outcomes weights n_draws registry"))
    return words


ALLOW = frozenset(_ids_words())


def vi_clean(text, allow=frozenset()) -> bool:
    leaks = english_leaks(str(text), ALLOW | set(allow))
    assert leaks == [], f"English in the Vietnamese text {leaks}: {text}"
    return True


def en_english(text) -> bool:
    assert english_leaks(str(text)), f"no English word in the English text: {text}"
    return True


# ------------------------------------------------------------------------------ the catalogue
def _domain_keys():
    return sorted(k for k in catalogue() if k.split(".")[0] in DOMAINS)


def test_every_data_message_has_both_languages_and_the_same_placeholders():
    keys = _domain_keys()
    assert len(keys) > 300
    for key in keys:
        texts = catalogue()[key]
        assert texts.get("vi") and texts.get("en"), key
        assert placeholders(texts["vi"]) == placeholders(texts["en"]), key
        assert unicodedata.is_normalized("NFC", texts["vi"]), key


@pytest.mark.parametrize("domain", ["panel", "forecast", "engine", "sim", "tasks", "registry", "io"])
def test_new_messages_render_vietnamese_without_english(domain):
    for key in [k for k in _domain_keys() if k.startswith(domain + ".")]:
        values = {p: "X" for p in placeholders(catalogue()[key]["vi"])}
        vi_clean(t(key, "vi", **values))


# ------------------------------------------------------------------------------ bad files
BAD_FILES = sorted(p.name for p in BAD.glob("*.csv"))


@pytest.fixture(scope="module")
def lc_scheme():
    return es.load_plan(ROOT / "scenarios/lao_cai_cds_2022.yaml").scheme("commune").adjust({"gates.G1.mode": "hard"})


@pytest.fixture(scope="module")
def hg_scheme():
    return es.load_plan(ROOT / "scenarios/ha_giang_186_2023.yaml").scheme("commune")


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_raise_vietnamese_errors_naming_file_row_column(name, lc_scheme):
    with pytest.raises(InputError) as info:
        es.read_observations(BAD / name, registry="lao_cai_2023", scheme=lc_scheme, period="2025-06")
    err = info.value
    for p in err.problems:
        assert p.file and p.file.endswith(name) and p.row is not None and p.column, repr(p)
    text = str(err)
    assert "dòng" in text and "cột" in text and name in text
    vi_clean(text)
    with using_lang("en"):
        en = str(err)
    assert "row" in en and "column" in en and en != text
    en_english(en)


def test_bare_ratio_suggests_the_fraction_in_vietnamese_form(lc_scheme):
    with pytest.raises(InputError) as info:
        es.read_observations(BAD / "bare_ratio_85.csv", registry="lao_cai_2023", period="2025-06")
    (p,) = [p for p in info.value.problems if p.row == 3]
    assert "0,85" in p.text("vi") and "(tỷ lệ)" in p.text("vi")
    assert "0.85" in p.text("en") and "(ratio)" in p.text("en")


# ------------------------------------------------------------------------------ samples: score and award
SAMPLE_CASES = [
    ("ha_giang_communes_2023-11_wide.csv", "hg", "2023-11"),
    ("lao_cai_communes_2025-06_long.xlsx", "lc", None),
    *[(f"official/{p.name}", "hg", "2023-11" if p.name.startswith(("02", "03")) else None)
      for p in sorted((SAMPLES / "official").iterdir())],
]


@pytest.mark.parametrize("name, which, period", SAMPLE_CASES)
def test_samples_score_and_award_in_vietnamese(name, which, period, hg_scheme, lc_scheme):
    scheme, reg_name = (hg_scheme, "ha_giang_2023") if which == "hg" else (lc_scheme, "lao_cai_2023")
    registry = es.load_registry(reg_name)
    sheet = "Số liệu" if name.startswith("official/06") else None
    panel = es.read_observations(SAMPLES / name, registry=registry, scheme=scheme, period=period, sheet=sheet)
    report = panel.report.text()
    assert unicodedata.is_normalized("NFC", report)
    vi_clean(report)
    en_english(panel.report.text("en"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = es.score(scheme, panel.at(panel.periods[-1]), registry)
        awards = es.allocate(table, scheme, registry)
    for w in caught:
        vi_clean(w.message)
    for text in list(table.attrs.get("warnings", [])) + list(awards.attrs.get("warnings", [])):
        vi_clean(text)
    if "missing_note" in table.attrs:
        vi_clean(table.attrs["missing_note"])
    for r in set(awards["reason"].astype(str)):
        vi_clean(r)
    en = es.allocate(table, scheme, registry, lang="en")
    assert set(en["reason_code"]) == set(awards["reason_code"])


def test_windows_1258_report_is_composed():
    panel = es.read_observations(SAMPLES / "official/03_windows_1258_cham_phay.csv", registry="ha_giang_2023",
                                 period="2023-11")
    text = panel.report.text(detail=True)
    assert unicodedata.is_normalized("NFC", text)
    assert not any(unicodedata.combining(c) for c in text)


# ------------------------------------------------------------------------------ reasons
TIE_CUTOFF = {"where": "cutoff", "tier": "chairman", "key": "n_met", "decided": "margin"}
TIE_NOMINATION = {"where": "nomination", "group_kind": "cluster", "group_name": "Cụm 3", "key": "total",
                  "decided": "locality_id"}
REASONS = [
    ("not_eligible", {"gates": "G1, G2", "standards": "c.1"}),
    ("not_eligible", {}),
    ("not_nominated", {"group_kind": "former_district", "group_name": "Mèo Vạc", "position": 3, "slots": 2}),
    ("below_cutoff", {"gap": 2.5, "unit": "points"}),
    ("below_cutoff", {"gap": 1, "unit": "standards"}),
    ("below_cutoff_tie", {"key": "n_met"}),
    ("below_cutoff_tie", {"key": "n_met", "tie": TIE_CUTOFF}),
    ("below_cutoff_tie", {"key": "total", "tie": TIE_NOMINATION}),
    ("awarded", {"tier": "chairman", "position": 2, "n": 21}),
    ("no_tier", {}),
    ("no_award_left", {}),
]


@pytest.mark.parametrize("code, params", REASONS)
def test_every_reason_in_both_languages(code, params):
    scheme = es.load_plan(ROOT / "scenarios/lao_cai_cds_2022.yaml").scheme("commune")
    vi = reason_text(code, json.dumps(params), scheme, "vi")
    en = reason_text(code, params, scheme, "en")
    assert vi and en and vi != en
    vi_clean(vi)
    assert "n_met" not in vi and "chairman" not in vi
    en_english(en)


def test_tie_reason_names_the_tier_by_its_label():
    scheme = es.load_plan(ROOT / "scenarios/lao_cai_cds_2022.yaml").scheme("commune")
    vi = reason_text("below_cutoff_tie", {"key": "n_met", "tie": TIE_CUTOFF}, scheme, "vi")
    assert scheme.awards.tier("chairman").label in vi and "số tiêu chuẩn đạt" in vi
    assert reason_text("below_cutoff_tie", {"key": "n_met"}, scheme, "vi") == \
        "bằng ngưỡng khen thưởng, xếp sau theo thứ tự phân định (bằng nhau về số tiêu chuẩn đạt)"


@pytest.mark.parametrize("plan", ["ha_giang_186_2023", "lao_cai_cds_2022", "tuyen_quang_da06_2022"])
def test_simulated_awards_have_vietnamese_reasons(plan):
    p = es.load_plan(ROOT / f"scenarios/{plan}.yaml")
    panel = es.simulate(p.registry, "2023-06", p.evaluation_period, seed=4)
    scheme = p.scheme("commune")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = es.score(scheme, panel.at(p.evaluation_period), panel.registry)
    awards = es.allocate(table, scheme, panel.registry)
    for r in set(awards["reason"].astype(str)):
        vi_clean(r)


# ------------------------------------------------------------------------------ registries, simulate
def _raise(fn, *args, **kw) -> InputError:
    with pytest.raises(InputError) as info:
        fn(*args, **kw)
    return info.value


def test_unknown_registry_and_bad_registry_csv(tmp_path):
    err = _raise(es.load_registry, "atlantis_2023")
    vi_clean(err) and en_english(err.problems[0].text("en"))
    assert "atlantis_2023" in str(err) and "ha_giang_2023" in str(err)
    bad = tmp_path / "reg.csv"
    bad.write_text("locality_id,name\n1,a,b,c\n", encoding="utf-8")
    err = _raise(es.load_registry, bad)
    assert "thiếu cột bắt buộc" in str(err)
    vi_clean(err)
    bad.write_bytes("locality_id,name\nđ,x\n".encode("utf-16"))
    vi_clean(_raise(es.load_registry, bad))


def test_simulate_errors_are_vietnamese():
    tiny = es.load_registry("ha_giang_2023").head(4)
    for err in (_raise(es.simulate, "atlantis_2023"),
                _raise(es.simulate, "ha_giang_2023", start="2023-05", end="2023-01"),
                _raise(es.simulate, "ha_giang_2023", start="tháng sau"),
                _raise(es.simulate, tiny, "2023-01", "2023-02", levels=["agency"]),
                _raise(es.simulate, 42)):
        vi_clean(err)
        with using_lang("en"):
            en_english(str(err))


def test_bad_calibration_config_is_vietnamese(tmp_path):
    f = tmp_path / "cal.yaml"
    f.write_text(
        "model:\n  epoch: soon\n  speed: 1\n  province_offsets:\n    Hà Giang: much\n"
        "defaults:\n  ratio:\n    speeed: 1\n    window: week\n    midpoint: later\n  colour: {}\n"
        "patterns:\n  - match: '(['\n"
        "anchors:\n  - id: x\n    indicator: y\n    use: reference\n    colour: red\n"
        "  - id: x\n    indicator: y\n    province: P\n    period: nope\n    value: 1\n    tolerance: 0\n"
        "    use: maybe\n    source: s\n  - 3\n"
        "rankings:\n  - id: r\n"
        "extra: 1\n", encoding="utf-8")
    err = _raise(es.load_calibration, f)
    assert len(err.problems) >= 14
    file_words = set(words_of(f.read_text(encoding="utf-8")))
    format_words = set(words_of("model defaults patterns indicators anchors rankings epoch speed_prior_sd "
                                "province_offsets source assumption reason use reference calibrate year month all "
                                "window period value tolerance ranks id ratio bool count points date"))
    assert sum(1 for p in err.problems if not p.line) <= 1  # "- 3", a bare number, has no line of its own
    for p in err.problems:
        assert p.file == str(f)
        vi_clean(p.text("vi"), file_words | format_words)
        en_english(p.text("en"))


# ------------------------------------------------------------------------------ clusters, panel, forecast, engine
def test_bad_clusters_csv(tmp_path):
    reg = es.load_registry("tuyen_quang_2025")
    cases = {"missing.csv": "id,clu\n1,2\n", "ids.csv": "locality_id,cluster\n99999,A\n,B\n",
             "ragged.csv": "locality_id,cluster\n1,2,3,4\n"}
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        err = _raise(es.assign_clusters, reg, path)
        assert name in str(err)
        vi_clean(err)
        with using_lang("en"):
            en_english(str(err))
    assert "trống" in str(_raise(es.assign_clusters, reg, tmp_path / "ids.csv"))
    vi_clean(_raise(es.assign_clusters, reg, tmp_path / "nope.csv"))


def test_panel_forecast_engine_errors(hg_scheme):
    panel = es.simulate("ha_giang_2023", "2023-01", "2023-06", seed=1)
    errs = [_raise(panel.at, "2024-01"), _raise(panel.series, "zz"), _raise(panel.subset, localities=["nope"]),
            _raise(es.Panel.from_long, pd.DataFrame({"locality_id": ["a"], "period": ["x"]})),
            _raise(es.forecast, panel, "eid_activation_rate", 75, "2023-11"),
            _raise(es.forecast, panel, "eid_activation_rate", 0.75, "2023-01", as_of="2023-05"),
            _raise(es.score, hg_scheme, "not a table"),
            _raise(es.score, hg_scheme, pd.DataFrame({"x": [1]}, index=["nope"]), panel.registry),
            _raise(es.score, hg_scheme, pd.DataFrame({"x": [1, 2]}, index=["a", "a"]))]
    values = panel.at("2023-06")
    ids = values.index[panel.registry.reindex(values.index)["level"] == "commune"]
    errs.append(_raise(es.score, hg_scheme, values.loc[ids].drop(columns=[hg_scheme.indicators[0]]), panel.registry))
    for err in errs:
        vi_clean(err)
        with using_lang("en"):
            en_english(str(err))


# ------------------------------------------------------------------------------ tasks (KH 21/2025)
@pytest.fixture(scope="module")
def kh21():
    return es.load_plan(ROOT / "scenarios/tuyen_quang_kh21_2025.yaml").scheme("tasks")


@pytest.mark.parametrize("status", ["tuyen_quang_kh21_status.csv", "tuyen_quang_kh21_status_communes.csv"])
def test_task_report_is_vietnamese(kh21, status):
    from emusim.taskreport import task_report

    reg = es.load_registry("tuyen_quang_2025")
    report = task_report(kh21, SAMPLES / status, "2025-12-01", registry=reg)
    names = set(words_of(" ".join(map(str, reg["name"]))))
    vi_clean(report.text(), names)
    en_english(report.text("en"))
    table = report.scores_table()
    assert table.index.name == "Đơn vị chủ trì" and "Tỷ lệ đúng hạn" in table.columns
    vi_clean(" ".join(table.columns))
    assert "On-time share" in report.scores_table("en").columns


def test_bad_task_status_is_vietnamese(kh21, tmp_path):
    first = kh21.tasks[0]
    bad = pd.DataFrame([("9.99", "", None, "2025-09-01"), ("", "", None, ""),
                        (first.id, "Sở Không Có", None, "2025-09-01"), (first.id, "", None, "30/09/2025")],
                       columns=["task_id", "unit", "period", "completed_on"])
    err = _raise(es.tasks.read_status, bad, kh21)
    assert len(err.problems) == 4
    vi_clean(err)
    with using_lang("en"):
        en_english(str(err))
    path = tmp_path / "s.csv"
    path.write_text("task_id,completed_on\n1.1,2025-09-01\n", encoding="utf-8")
    vi_clean(_raise(es.score_tasks, kh21, path, "2025-12-01"))
    vi_clean(_raise(es.score_tasks, kh21, tmp_path / "nope.csv", "2025-12-01"))
    vi_clean(_raise(es.score_tasks, kh21, path, "mai"))


def test_tasks_scheme_required():
    scheme = es.load_plan(ROOT / "scenarios/ha_giang_186_2023.yaml").scheme("commune")
    err = _raise(es.score_tasks, scheme, pd.DataFrame(), "2025-12-01")
    assert "không phải kế hoạch nhiệm vụ" in str(err) and "bảng điểm" in str(err)
    vi_clean(err)


def test_shared_cap_reason_names_the_tier_by_label_in_both_languages():
    from conftest import agencies_and_enterprises
    from emusim.allocate import reasons

    plan = es.load_plan(ROOT / "scenarios/ha_giang_186_2023.yaml")
    agency, enterprise, scored_agencies, scored_enterprises = agencies_and_enterprises(plan)
    out = es.allocate_plan(plan, {"agency": scored_agencies, "enterprise": scored_enterprises})
    cut = out["agency"].loc["A2"]
    assert cut["reason_code"] == "pool_cut"
    vi_clean(cut["reason"], {"agency", "enterprise"})
    assert agency.awards.tier("chairman").label in cut["reason"] and "chairman" not in cut["reason"]
    en = reasons(out["agency"], agency, "en")["A2"]
    assert en.startswith("no place left for Certificate of merit") and "agency + enterprise" in en


def test_diff_table_writes_tiers_and_reasons_in_the_language_asked():
    plan = es.load_plan(ROOT / "scenarios/ha_giang_186_2023.yaml")
    scheme = plan.scheme("commune")
    panel = es.simulate(plan.registry, "2023-06", "2023-11", seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = panel.at("2023-11")
        other = scheme.adjust({"uplift.city": 0.3})
        a = es.allocate(es.score(scheme, values, panel.registry), scheme, panel.registry)
        b = es.allocate(es.score(other, values, panel.registry), other, panel.registry)
    d = es.diff(a, b, scheme=scheme)
    assert len(d)
    vi, en = d.labelled(), d.labelled("en")
    assert vi.index.name == "Mã ĐVHC" and en.index.name == "Locality code"
    tiers = {tier.id for tier in scheme.awards.tiers}
    assert not (set(vi["Khen thưởng (A)"]) | set(vi["Khen thưởng (B)"])) & tiers
    vi_clean(vi.to_string(), set(words_of(" ".join(map(str, panel.registry["name"])))))
    assert any("nominees" in r or "gate failed" in r for r in en["Reason (B)"].tolist() + en["Reason (A)"].tolist())
