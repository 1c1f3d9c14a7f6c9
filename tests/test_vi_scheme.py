"""Issue 14 for scenario files, adjustments and the catalog: every problem in Vietnamese by
default (no English word left), in English with lang en."""
from __future__ import annotations

import pytest

import emusim as es
from emusim.adjust import parse_set
from emusim.catalog import load_catalog
from emusim.errors import InputError
from emusim.explain import explain_text
from emusim.i18n import using_lang
from emusim.i18n.leaks import english_leaks
from emusim.lint import lint
from emusim.render import plan_html, scheme_html

GOOD = ("plan: {id: t}\nlevels:\n  commune:\n    kind: points\n    criteria:\n"
        "      - {id: A.1, rule: binary, indicator: emulation_registered, max: 5, points: 5, ref: r, text: t}\n"
        "    awards:\n      tiers:\n        - {id: chairman, label: Bằng khen, quota: 3, ref: r, text: t}\n")

#: name → (file text, Vietnamese words, English words)
BAD_FILES = {
    "malformed": (GOOD.replace("kind: points", "kind: [points"), "YAML sai cú pháp: khi đọc", "malformed YAML: while parsing"),
    "unknown_key": (GOOD.replace("max: 5,", "maxx: 5, max: 5,"), "khóa 'maxx' không thuộc định dạng kịch bản",
                    "unknown key 'maxx' (allowed:"),
    "unknown_rule": (GOOD.replace("rule: binary", "rule: quadratic"), "quy tắc chấm 'quadratic' không có",
                     "unknown rule 'quadratic'"),
    "unknown_indicator": (GOOD.replace("indicator: emulation_registered", "indicator: moon_phase"),
                          "chỉ tiêu 'moon_phase' không có trong danh mục", "indicator 'moon_phase' is not in the catalog"),
    "negative_quota": (GOOD.replace("quota: 3", "quota: -3"), "'quota' (số lượng khen thưởng tối đa): phải là số nguyên",
                       "'quota': must be a whole number"),
    "duplicate_key": (GOOD.replace("kind: points", "kind: points\n    kind: standards"), "khóa 'kind' xuất hiện hai lần",
                      "duplicate key 'kind'"),
    "not_a_mapping": ("- just\n- a list\n", "tệp kịch bản phải là một ánh xạ", "a scenario file must be a mapping"),
    "unknown_kind": (GOOD.replace("kind: points", "kind: lottery"), "'kind' phải là một trong các giá trị 'points' (bảng điểm)",
                     "'kind' must be one of points, standards, tasks, not 'lottery'"),
    "bad_min_met": (GOOD.replace("kind: points", "kind: points\n    min_met: 3"), "chỉ dùng cho bộ tiêu chuẩn",
                    "belongs to standards schemes"),
    "bad_date": (GOOD.replace("plan: {id: t}", "plan: {id: t, issued: 2023-02-30}"), "không phải là một ngày có thật",
                 "is not a real date"),
    "wrong_type": (GOOD.replace("    kind: points", "    kind: points\n    groups: {a: 1}"),
                   "cấp xã, 'groups': cần một danh sách", "level 'commune' groups: expected a list"),
    "not_bool": (GOOD.replace("points: 5,", "points: 5, uplift: 3,"), "'uplift' phải là 'true' (có) hoặc 'false' (không)",
                 "'uplift' must be true or false, not 3"),
    "duplicate_tier": (GOOD + "        - {id: chairman, quota: 1, ref: r, text: t}\n",
                       "mã hình thức khen thưởng 'chairman' được dùng hai lần", "award tier id 'chairman' is used twice"),
    "no_levels": ("plan: {id: t}\n", "'levels' phải là một ánh xạ không rỗng", "'levels' must be a non-empty mapping"),
    "deduction": (GOOD.replace("rule: binary, indicator: emulation_registered, max: 5, points: 5",
                               "rule: deduction, events: [{indicator: emulation_registered, points: 2}]"),
                  "điểm trừ phải là số âm", "deduction points must be negative"),
}


def _problems(path) -> InputError:
    with pytest.raises(InputError) as info:
        es.load_plan(path)
    return info.value


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_scenario_file_in_vietnamese_and_english(tmp_path, name):
    text, vi, en = BAD_FILES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    err = _problems(path)
    shown = str(err)
    assert vi in shown and f"{name}.yaml" in shown, shown
    assert english_leaks(shown) == [], shown
    with using_lang("en"):
        assert en in str(err), str(err)


def test_lint_of_every_plan_is_vietnamese_with_machine_ids():
    import glob

    for file in sorted(glob.glob(str(es.loader.SCENARIO_DIR / "*.yaml"))):
        for f in lint(es.load_plan(file)):
            assert f.level in ("error", "warning", "info") and f.code
            line = str(f)
            assert english_leaks(line) == [], line
            assert f.line_text("en").split("]: ", 1)[-1].startswith(f.level + ": ") or f"]: {f.level}: " in f.line_text("en")


def test_lint_location_names_the_level_in_vietnamese(hg_plan):
    a14 = next(f for f in lint(hg_plan) if f.code == "literal-points")
    assert "[cấp xã A.I.4]: cảnh báo: điểm tối đa là 6" in str(a14)
    assert "[commune A.I.4]: warning: maximum is 6" in a14.line_text("en")
    with using_lang("en"):
        assert str(a14) == a14.line_text("en")
    ok = next(f for f in lint(hg_plan) if f.code == "quota-total-ok")
    assert "Bằng khen của Chủ tịch UBND tỉnh" in str(ok) and "chairman" not in str(ok)
    assert "tier 'chairman'" in ok.text("en")


ADJUSTMENTS = [
    ({"uplift.city": 2}, "Mức nâng chỉ tiêu", "Target uplift"),
    ({"uplift.metropolis": 0.1}, "loại đô thị 'metropolis' không có", "unknown urban class 'metropolis'"),
    ({"uplift.citty": 0.1}, "có phải là 'uplift.city'?", "did you mean 'uplift.city'?"),
    ({"criteria.A.X.9.target": 0.5}, "không có tiêu chí 'A.X.9'", "no criterion 'A.X.9'"),
    ({"criteria.A.I.4.colour": 1}, "không có trường điều chỉnh được 'colour'", "has no adjustable field 'colour'"),
    ({"gates.G1.mode": "strict"}, "'hard' (bắt buộc), 'soft' (chỉ cảnh báo)", "must be one of hard, soft, off"),
    ({"awards.xyz.quota": 1}, "'chairman' (Bằng khen của Chủ tịch UBND tỉnh)", "no tier 'xyz'"),
    ({"awards.chairman.quota": -1}, "hình thức khen thưởng 'chairman' (Bằng khen", "tier 'chairman'"),
    ({"proportional_basis": "tyle"}, "'attainment' (theo mức đạt chỉ tiêu)", "must be one of attainment, rate, threshold"),
    ({"deadline_scoring": 3}, "phải là 'true' (có) hoặc 'false' (không)", "must be true or false"),
    ({"awards.nomination.color": 1}, "quy tắc đề cử không có trường", "nomination has no adjustable field"),
    ({"foo": 1}, "đường dẫn không có", "unknown path"),
    ({"min_met": 2}, "chỉ dùng cho bộ tiêu chuẩn", "belongs to standards schemes"),
    ({3: 1}, "đường dẫn phải là một chuỗi", "a path must be a string"),
]


@pytest.mark.parametrize("changes,vi,en", ADJUSTMENTS, ids=[str(next(iter(c))) for c, _, _ in ADJUSTMENTS])
def test_bad_adjustment_in_vietnamese_and_english(hg_plan, changes, vi, en):
    with pytest.raises(es.AdjustError) as info:
        hg_plan.scheme("commune").adjust(changes)
    shown = str(info.value)
    assert vi in shown and english_leaks(shown) == [], shown
    with using_lang("en"):
        assert en in str(info.value), str(info.value)


def test_parse_set_and_lookups(hg_plan):
    with pytest.raises(es.AdjustError) as info:
        parse_set("uplift.city")
    assert "--set cần dạng ĐƯỜNG_DẪN=GIÁ_TRỊ" in str(info.value) and english_leaks(str(info.value)) == []
    assert "--set expects PATH=VALUE" in info.value.problems[0].text("en")
    lookups = [(lambda: hg_plan.scheme("hamlet"), "không có cấp 'hamlet'", "has no level 'hamlet'"),
               (lambda: hg_plan.scheme("commune").criterion("x"), "không có tiêu chí 'x'", "has no criterion 'x'"),
               (lambda: hg_plan.scheme("commune").gate("x"), "không có điều kiện bắt buộc 'x'", "has no gate 'x'"),
               (lambda: hg_plan.scheme("commune").group("x"), "không có nhóm tiêu chí 'x'", "has no group 'x'"),
               (lambda: hg_plan.scheme("commune").awards.tier("x"), "không có hình thức khen thưởng 'x'", "no award tier 'x'")]
    for call, vi, en in lookups:
        with pytest.raises(KeyError) as info:  # still a KeyError for callers that catch one
            call()
        assert vi in str(info.value) and english_leaks(str(info.value)) == [], str(info.value)
        with using_lang("en"):
            assert en in str(info.value)


def test_bad_catalog(tmp_path):
    path = tmp_path / "cat.yaml"
    path.write_text("indicators:\n  - {id: a, unit: ratio, colour: red}\n  - {id: a, unit: percent}\n  - {label: x}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_catalog(path)
    shown = str(info.value)
    for words in ("khóa 'colour' không hợp lệ", "'unit' phải là một trong các giá trị 'ratio' (tỷ lệ)",
                  "được khai báo hai lần", "mỗi chỉ tiêu cần có 'id'"):
        assert words in shown
    assert english_leaks(shown) == []
    with using_lang("en"):
        assert "unknown key 'colour'" in str(info.value) and "is defined twice" in str(info.value)


def _visible(html: str) -> str:
    import re

    html = re.sub(r"<style>.*?</style>", "", html)
    html = re.sub(r"<i>.*?</i>", "", html)  # the other language's label, on purpose
    return re.sub(r"<[^>]+>", " ", html)


def test_notebook_tables_speak_the_language(hg_plan):
    s = hg_plan.scheme("commune")
    catalog_head = load_catalog()._repr_html_().split("<tbody>")[0]  # rows hold each indicator's English label
    vi = _visible(scheme_html(s)) + _visible(plan_html(hg_plan)) + _visible(catalog_head)
    assert "Cách tính điểm" in vi and "Chỉ tiêu bắt buộc" in vi and "Danh mục chỉ tiêu" in vi
    assert english_leaks(vi) == []
    en = _visible(scheme_html(s, "en")) + _visible(plan_html(hg_plan, "en"))
    assert "Formula" in en and "Mandatory targets" in en and "Cách tính điểm" not in en


def test_explain_text_has_no_english_in_vietnamese(hg_plan, hg_registry):
    from emusim.observations import read_observations

    s = hg_plan.scheme("commune")
    path = es.loader.SCENARIO_DIR.parent / "data" / "samples" / "ha_giang_communes_2023-11_wide.csv"
    panel = read_observations(path, registry=hg_registry, period="2023-11")
    values = panel.at("2023-11")
    text = explain_text(s, values, hg_registry, "00715")
    words = {w for name in hg_registry["name"].dropna() for w in name.split()}
    assert "tổng điểm" in text and english_leaks(text, allow={w.lower() for w in words}) == []
    assert "total" in explain_text(s, values, hg_registry, "00715", lang="en")


def test_unreadable_files_say_why(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("plan: {id: x, title: Hà Giang}\n".encode("cp1258"))
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    cases = [(latin, "không phải văn bản UTF-8 (mã 0x", "not UTF-8 text (byte 0x"),
             (folder, "đây là một thư mục", "this is a folder"),
             (tmp_path / "nope.yaml", "không tìm thấy tệp", "file not found")]
    for path, vi, en in cases:
        err = _problems(path)
        assert vi in str(err) and english_leaks(str(err)) == [], str(err)
        assert en in err.problems[0].text("en")


def test_pyyaml_words_in_vietnamese():
    from emusim.yamlio import yaml_words

    said = {"while parsing a flow mapping": "khi đọc một ánh xạ trong ngoặc { },",
            "mapping values are not allowed here": "không được viết 'khóa: giá trị' ở chỗ này",
            "found character '\\t' that cannot start any token": "không dùng phím tab",
            "expected <block end>, but found '<block sequence start>'": "cần chỗ hết khối",
            "could not find expected ':'": "không thấy dấu ':'"}
    for english, vi in said.items():
        msg = yaml_words(english)
        assert vi in msg.text("vi") and english_leaks(msg.text("vi")) == [], msg.text("vi")
        assert msg.text("en") == english
    assert yaml_words("something new") == "something new"  # unknown wording is kept


def test_lint_summary_line():
    from emusim.lint import summary

    assert summary("a.yaml", []) == "a.yaml: 0 lỗi, 0 cảnh báo, 0 ghi chú"
    assert summary("a.yaml", [], "en") == "a.yaml: 0 errors, 0 warnings, 0 notes"
