"""The hostile-input catalogue (issue 17: silent wrong answers, wrong status, raw exceptions,
runaway inputs), kept as tests so it stays closed.

Every case runs the command line in-process (``emusim.cli.main``) and checks: the exit status
(2 = bad input), the place the message names (file:line, path, column), the input file's hash
unchanged and no output left behind. The API cases check that the promised ``InputError`` is
raised, never another exception; hypothesis feeds random YAML, text and bytes to the readers.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emusim as es
from emusim import limits
from emusim.analysis.factors import factors_from_dict, load_factors
from emusim.cli import main
from emusim.i18n import using_lang

ROOT = Path(__file__).resolve().parent.parent
HG = str(ROOT / "scenarios" / "ha_giang_186_2023.yaml")
FACTORS = str(ROOT / "data" / "samples" / "factors_ha_giang.yaml")
SRC = "ref: r, text: t"

#: a small valid plan: one points level (a ratio gate), one standards level; {slots} are edited per case
PLAN = f"""plan: {{id: t, issued: 2023-06-01}}
levels:
  commune:
    kind: points
    uplift: {{city: {{value: 0.15, {SRC}}}}}
    groups:
      - {{id: I, max: 10, {SRC}}}
    criteria:
      - {{id: A.1, group: I, rule: proportional, indicator: eid_activation_rate, max: 10, target: 0.8, {SRC}}}
    gates:
      - {{id: G1, indicator: eid_registration_rate, op: ">=", target: 0.5, {SRC}}}
    awards:
      tiers:
        - {{id: chairman, quota: 3, {SRC}}}
  village:
    kind: standards
    criteria:
      - {{id: "1", rule: standard, indicator: eid_activation_rate, target: 0.7, {SRC}}}
      - {{id: "2", rule: standard, indicator: emulation_registered, target: 1, {SRC}}}
    awards:
      tiers:
        - {{id: chairman, quota: 2, {SRC}}}
"""
#: line numbers in PLAN
L_UPLIFT, L_MAX, L_A1, L_G1, L_TIER, L_STD1 = 5, 7, 9, 11, 14, 18


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def cli(capsys, *argv):
    """(exit status, stdout, stderr) of ``emusim argv`` run in-process."""
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse refuses an option: status 2
        rc = exc.code
    out, err = capsys.readouterr()
    return rc, out, err


def edit(old: str, new: str, text: str = PLAN) -> str:
    assert old in text, old
    return text.replace(old, new)


# ---------------------------------------------------------------------------------- plan files
#: case → (plan text, line named, words of the message (Vietnamese, the default language))
PLAN_CASES = {
    "standard_ratio_target_85": (edit("target: 0.7,", "target: 85,"), L_STD1, "85 nằm ngoài [0, 1]"),
    "gate_target_50": (edit('target: 0.5,', 'target: 50,'), L_G1, "50 nằm ngoài [0, 1]"),
    "max_nan": (edit("max: 10, target", "max: .nan, target"), L_A1, "nan không phải là một số hữu hạn"),
    "max_inf": (edit("max: 10, target", "max: .inf, target"), L_A1, "inf không phải là một số hữu hạn"),
    "group_max_nan": (edit("{id: I, max: 10,", "{id: I, max: .nan,"), L_MAX, "nan không phải là một số hữu hạn"),
    "uplift_nan": (edit("value: 0.15,", "value: .nan,"), L_UPLIFT, "nan không phải là một số hữu hạn"),
    "tolerance_nan": (edit("    kind: points\n", "    kind: points\n    tolerance: .nan\n"), 5,
                      "nan không phải là một số hữu hạn"),
    "duplicate_gate_id": (edit("    awards:\n      tiers:\n        - {id: chairman, quota: 3",
                               f"      - {{id: G1, indicator: eid_activation_rate, target: 0.3, {SRC}}}\n"
                               "    awards:\n      tiers:\n        - {id: chairman, quota: 3"),
                          L_G1 + 1, "mã điều kiện bắt buộc 'G1' được dùng hai lần (lần đầu ở dòng 11)"),
    "duplicate_tier_id": (edit("        - {id: chairman, quota: 3, ref: r, text: t}\n",
                               "        - {id: chairman, quota: 2, ref: r, text: t}\n"
                               "        - {id: chairman, quota: 1, ref: r, text: t}\n"),
                          L_TIER + 1, "mã hình thức khen thưởng 'chairman' được dùng hai lần"),
    "min_met_on_points": (edit("    kind: points\n", "    kind: points\n    min_met: 2\n"), 5,
                          "'min_met' chỉ dùng cho bộ tiêu chuẩn"),
    "issued_month_13": (edit("issued: 2023-06-01", 'issued: "2023-13-45"'), 1, "'issued' phải là một ngày có thật"),
    "impossible_date": (edit("issued: 2023-06-01", "issued: 2023-02-30"), 1, "'2023-02-30' không phải là một ngày có thật"),
    "quota_fraction": (edit("quota: 3,", "quota: 2.5,"), L_TIER, "'quota' (số lượng khen thưởng tối đa): phải là số nguyên từ 0"),
    "unhashable_key": (PLAN + "notes: {[a, b]: 1}\n", 23, "khóa của ánh xạ phải là một giá trị đơn"),
    "yaml_bomb_in_notes": (PLAN.replace("plan: {id: t,", "plan: {id: t, notes: &a0 [x, x, x, x, x, x, x, x, x],", 1)
                           + "".join(f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9))
                           + "notes: *a8\n", None, "các bí danh (alias *…) bung ra quá"),
    "recursive_alias": (PLAN + "notes: &n [*n]\n", 23, "tham chiếu đến chính nó"),
    "nesting_20000": (PLAN + "notes: " + "[" * 20000 + "]" * 20000 + "\n", 23, "lồng nhau quá 100 tầng"),
}


@pytest.mark.parametrize("case", sorted(PLAN_CASES))
def test_hostile_plan_file_exits_2_naming_file_and_line(tmp_path, capsys, case):
    text, line, words = PLAN_CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    before = sha(path)
    out = tmp_path / "out.csv"
    rc, _, err = cli(capsys, "score", "--plan", path, "--level", "commune", "--seed", 1, "--out", out)
    assert rc == 2, err
    assert words in err
    assert (f"{path}:{line}" if line else str(path)) in err
    assert "Traceback" not in err and "internal error" not in err
    assert sha(path) == before and not out.exists()
    # the API raises the same InputError
    with pytest.raises(es.InputError):
        es.load_plan(path)


def test_good_plan_of_the_catalogue_loads_and_scores(tmp_path, capsys):
    path = tmp_path / "good.yaml"
    path.write_text(PLAN, encoding="utf-8")
    assert cli(capsys, "lint", path)[0] == 0
    plan = es.load_plan(path)
    assert plan.issued.isoformat() == "2023-06-01"


def test_numbers_are_read_as_written(tmp_path):
    """``quota: 010`` is ten (never YAML 1.1's octal 8); ``1e-9`` is a number; ``1:30`` is text."""
    path = tmp_path / "octal.yaml"
    path.write_text(edit("quota: 3,", "quota: 010,").replace("    kind: points\n", "    kind: points\n    tolerance: 1e-6\n"),
                    encoding="utf-8")
    s = es.load_plan(path).scheme("commune")
    assert s.awards.tier("chairman").quota == 10 and s.tolerance == 1e-6
    path.write_text(edit("quota: 3,", "quota: 1:30,"), encoding="utf-8")
    with pytest.raises(es.InputError, match="'1:30'"):
        es.load_plan(path)


# ---------------------------------------------------------------------------------- --set
SET_CASES = {
    "uplift.city=.nan": "nan không phải là một số hữu hạn",
    "criteria.A.IV.3.max=.inf": "inf không phải là một số hữu hạn",
    "criteria.A.IV.3.target=85": "85 nằm ngoài [0, 1]",
    "gates.G1.target=50": "50 nằm ngoài [0, 1]",
    "tolerance=.nan": "nan không phải là một số hữu hạn",
    "groups.IV.max=.nan": "nan không phải là một số hữu hạn",
    "min_met=2": "'min_met' chỉ dùng cho bộ tiêu chuẩn",
    "awards.chairman.quota=-1": "phải là số nguyên từ 0",
}


@pytest.mark.parametrize("option", sorted(SET_CASES))
def test_hostile_set_exits_2_naming_the_path(tmp_path, capsys, option):
    out = tmp_path / "out.csv"
    before = sha(HG)
    rc, _, err = cli(capsys, "score", "--plan", HG, "--level", "commune", "--seed", 1, "--set", option, "--out", out)
    assert rc == 2, err
    assert option.split("=")[0] in err and SET_CASES[option] in err
    assert sha(HG) == before and not out.exists()


def test_set_reads_numbers_as_files_do(hg_plan):
    from emusim.adjust import parse_set

    assert parse_set("awards.chairman.quota=010") == ("awards.chairman.quota", 10)
    assert hg_plan.scheme("commune").adjust(dict([parse_set("awards.chairman.quota=010")])).awards.tier(
        "chairman").quota == 10


# ---------------------------------------------------------------------------------- the API: adjust
@pytest.mark.parametrize("change", [
    {"uplift.city": float("nan")}, {"uplift.city": float("inf")}, {"criteria.A.IV.3.max": float("inf")},
    {"criteria.A.IV.3.target": 85}, {"gates.G1.target": 50}, {"tolerance": float("nan")},
    {"groups.IV.max": float("nan")}, {"min_met": 2}, {"awards.chairman.quota": 10**12},
])
def test_adjust_refuses_what_the_file_refuses(hg_plan, change):
    s = hg_plan.scheme("commune")
    with pytest.raises(es.AdjustError) as info:
        s.adjust(change)
    assert next(iter(change)) in str(info.value)


def test_adjust_accepts_numpy_whole_numbers_and_count_targets(hg_plan):
    s = hg_plan.scheme("commune").adjust({"awards.chairman.quota": np.int64(3), "gates.G.model.target": 3})
    assert s.awards.tier("chairman").quota == 3 and type(s.awards.tier("chairman").quota) is int
    assert s.gate("G.model").target == 3.0


def test_monte_carlo_factors_use_the_same_rules(hg_plan):
    s = hg_plan.scheme("commune")
    for spec in ({"uplift.city": {"uniform": [0.1, 1.5]}}, {"criteria.A.IV.3.target": {"uniform": [0.5, 85]}},
                 {"gates.G1.target": {"choice": [0.5, 50]}}, {"awards.chairman.quota": {"uniform": [2, 4]}}):
        with pytest.raises(es.InputError) as info:
            factors_from_dict(spec, scheme=s)
        assert next(iter(spec)) in str(info.value)
    with using_lang("en"), pytest.raises(es.InputError, match="draw whole numbers"):
        factors_from_dict({"awards.chairman.quota": {"uniform": [2, 4]}}, scheme=s)


# ---------------------------------------------------------------------------------- the API: score
@pytest.fixture(scope="module")
def lc_values():
    reg = es.load_registry("lao_cai_2025")
    values = es.simulate(reg, "2025-01", "2025-06", seed=1, levels=["province", "commune"]).at("2025-06")
    scheme = es.load_plan("lao_cai_cds_2022").scheme("commune")
    return scheme, values, reg


@pytest.mark.parametrize("bad", [85.0, -0.1, np.inf])
def test_score_refuses_a_ratio_no_unit_can_have(lc_values, bad):
    scheme, values, reg = lc_values
    ratio = next(i for i in scheme.indicators if es.load_catalog()[i].unit == "ratio")
    uid = values.index[values["level"] == "commune"][0] if "level" in values else reg.index[reg["level"] == "commune"][0]
    v = values.copy()
    v.loc[uid, ratio] = bad
    with pytest.raises(es.InputError) as info:
        es.score(scheme, v, reg)
    p = info.value.problems[0]
    assert p.column == ratio and uid in p.text()
    with pytest.raises(es.InputError):  # the batch (Monte Carlo) engine checks the user's values too
        from emusim.analysis.montecarlo import montecarlo

        montecarlo(scheme, v, {"uplift.city": {"uniform": [0.1, 0.2]}}, n=2, registry=reg)


def test_score_refuses_text_in_a_values_column(lc_values):
    scheme, values, reg = lc_values
    ratio = next(i for i in scheme.indicators if es.load_catalog()[i].unit == "ratio")
    v = values.copy().astype({ratio: object})
    uid = v.index[~v[ratio].isna()][0]
    v.loc[uid, ratio] = "85%"
    with pytest.raises(es.InputError) as info:
        es.score(scheme, v, reg)
    assert info.value.problems[0].column == ratio and "'85%'" in info.value.problems[0].text()


# ---------------------------------------------------------------------------------- exit status
def _registry_with(tmp_path, column, value) -> Path:
    src = (ROOT / "data" / "localities" / "lao_cai_2025.csv").read_text(encoding="utf-8").splitlines()
    head = src[0].split(",")
    row = src[2].split(",")
    row[head.index(column)] = value
    path = tmp_path / "reg.csv"
    path.write_text("\n".join([src[0], src[1], ",".join(row), *src[3:]]) + "\n", encoding="utf-8")
    return path


def _long_file_spanning(tmp_path) -> Path:
    """A ~98 KB long observations file spanning 1000-01 … 9999-12 (7.9 GiB once gridded)."""
    rows = ["locality_id,period,indicator,value"]
    years = np.linspace(1000, 9999, 700).astype(int)
    for ind in es.load_plan("lao_cai_cds_2022").scheme("commune").indicators:  # every column the scheme reads
        rows += [f"02647,{y:04d}-{(k % 12) + 1:02d},{ind},1" for k, y in enumerate(years)]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


STATUS_CASES = {
    # name: (argv builder, words that must be in the message)
    "seed_-1": (lambda t: ["score", "--plan", HG, "--level", "commune", "--seed", -1], "seed"),
    "period_0000-01": (lambda t: ["score", "--plan", HG, "--level", "commune", "--seed", 1, "--period", "0000-01"],
                       "0000-01"),
    "simulate_1000_to_9999": (lambda t: ["simulate", "--registry", "lao_cai_2025", "--start", "1000-01", "--end",
                                         "9999-12", "--out", t / "out.csv"], "1000-01"),
    "simulate_1900_to_2100": (lambda t: ["simulate", "--registry", "lao_cai_2025", "--start", "1900-01", "--end",
                                         "2100-12", "--out", t / "out.csv"], "600"),
    "plan_is_a_directory": (lambda t: ["score", "--plan", t, "--level", "commune", "--seed", 1], "thư mục"),
    "registry_is_a_directory": (lambda t: ["score", "--plan", HG, "--level", "commune", "--seed", 1, "--registry", t],
                                "thư mục"),
    "factors_is_a_directory": (lambda t: ["uncertainty", "--plan", HG, "--level", "commune", "--seed", 1, "--factors",
                                          t, "--out", t / "out.csv"], "thư mục"),
    "n_1e10_text": (lambda t: ["uncertainty", "--plan", HG, "--level", "commune", "--seed", 1, "--factors", FACTORS,
                               "--n", "1e10", "--out", t / "out.csv"], "--n"),
    "n_10_billion": (lambda t: ["uncertainty", "--plan", HG, "--level", "commune", "--seed", 1, "--factors", FACTORS,
                                "--n", 10**10, "--out", t / "out.csv"], "--n"),
    "mc_seed_-1": (lambda t: ["uncertainty", "--plan", HG, "--level", "commune", "--seed", 1, "--factors", FACTORS,
                              "--mc-seed", -1, "--out", t / "out.csv"], "--mc-seed"),
    "population_inf": (lambda t: ["score", "--plan", "lao_cai_cds_2022", "--level", "commune", "--seed", 1,
                                  "--registry", _registry_with(t, "population", "inf")], "population"),
    "long_file_1000_to_9999": (lambda t: ["score", "--plan", "lao_cai_cds_2022", "--level", "commune",
                                          "--registry", "lao_cai_2025", "--data", _long_file_spanning(t),
                                          "--period", "2025-06"], "tháng 1000-01 nằm ngoài khoảng"),
}


@pytest.mark.parametrize("case", sorted(STATUS_CASES))
def test_bad_input_exits_2_not_1(tmp_path, capsys, case):
    build, words = STATUS_CASES[case]
    argv = build(tmp_path)
    inputs = [Path(a) for a in map(str, argv) if Path(a).is_file()]
    before = [sha(p) for p in inputs]
    rc, _, err = cli(capsys, *argv)
    assert rc == 2, err
    assert words in err and "internal error" not in err and "Traceback" not in err
    assert [sha(p) for p in inputs] == before
    assert not (tmp_path / "out.csv").exists()


def test_lint_exits_2_when_it_reports_errors(tmp_path, capsys):
    path = tmp_path / "sum.yaml"
    path.write_text(edit("{id: I, max: 10,", "{id: I, max: 12,"), encoding="utf-8")  # items add up to 10
    rc, out, _ = cli(capsys, "lint", path)
    assert rc == 2 and "1 lỗi" in out


def test_lint_finds_gates_that_cannot_fail_and_targets_nobody_reaches(tmp_path, capsys):
    text = edit('op: ">=", target: 0.5,', 'op: "<=", target: 1.0,')  # a ratio is always ≤ 1
    path = tmp_path / "never_fails.yaml"
    path.write_text(text, encoding="utf-8")
    rc, out, _ = cli(capsys, "lint", path)
    assert rc == 0 and f"{path}:{L_G1} [cấp xã G1]: cảnh báo:" in out and "không bao giờ trượt" in out
    path.write_text(edit('op: ">=", target: 0.5,', 'op: ">", target: 1.0,'), encoding="utf-8")  # above 100 %
    rc, out, _ = cli(capsys, "lint", path)
    assert rc == 2 and f"{path}:{L_G1} [cấp xã G1]: lỗi:" in out and "không đơn vị nào đạt được" in out


def test_api_raises_input_error_where_it_promised(tmp_path):
    reg = es.load_registry("lao_cai_2025")
    for call in (lambda: es.load_plan(tmp_path), lambda: load_factors(tmp_path), lambda: es.load_registry(tmp_path),
                 lambda: es.simulate(reg, "2025-01", "2025-02", seed=-1),
                 lambda: es.simulate(reg, "1000-01", "9999-12")):
        with pytest.raises(es.InputError):
            call()


def test_bounds_are_far_above_real_inputs(hg_plan):
    """The shipped plans sit well inside every bound (so a bound never refuses real work)."""
    from emusim.yamlio import _LineLoader, check_expansion

    loader = _LineLoader(Path(HG).read_text(encoding="utf-8"))
    assert check_expansion(loader.get_single_node()) < limits.MAX_YAML_NODES // 20
    assert Path(HG).stat().st_size < limits.MAX_YAML_BYTES // 20


# ---------------------------------------------------------------------------------- hypothesis
_ALLOWED = sorted({"plan", "levels", "kind", "criteria", "gates", "awards", "tiers", "id", "rule", "indicator", "max",
                   "target", "op", "uplift", "value", "quota", "groups", "min_met", "tolerance", "notes", "issued",
                   "nomination", "per_parent", "events", "points", "tasks", "deadline", "commune", "city"})
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                     st.sampled_from(["points", "standards", "tasks", "proportional", "binary", "standard", ">=", "<",
                                      "eid_activation_rate", "2023-13-45", "010", ".nan", "commune"]),
                     st.text(max_size=8))
_yaml_docs = st.recursive(_scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.sampled_from(_ALLOWED), kids, max_size=5)), max_leaves=30)
_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])


def _result_or_input_error(call):
    try:
        call()
    except es.InputError:
        pass


@_SETTINGS
@given(doc=_yaml_docs)
def test_random_yaml_plans_give_a_plan_or_an_input_error(tmp_path, doc):
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump({"plan": {"id": "r"}, "levels": {"commune": doc}}, allow_unicode=True),
                    encoding="utf-8")
    _result_or_input_error(lambda: es.load_plan(path))


@_SETTINGS
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda s: s.encode("utf-8"))))
def test_random_bytes_give_a_result_or_an_input_error(tmp_path, data):
    path = tmp_path / "random.yaml"
    path.write_bytes(data)
    _result_or_input_error(lambda: es.load_plan(path))
    _result_or_input_error(lambda: load_factors(path))
    csv = tmp_path / "random.csv"
    csv.write_bytes(data)
    _result_or_input_error(lambda: es.load_registry(csv))


_HEADER = ",".join(es.registry.REQUIRED_COLUMNS)
_cells = st.one_of(st.sampled_from(["", "inf", "-1", "nan", "1e400", "P", "D", "commune", "province", "city", "x",
                                    "1.5", "true", '"a,b"', "0"]), st.text(max_size=5))


@_SETTINGS
@given(rows=st.lists(st.lists(_cells, min_size=0, max_size=13), max_size=5))
def test_random_registry_cells_give_a_registry_or_an_input_error(tmp_path, rows):
    csv = tmp_path / "reg.csv"
    csv.write_text(_HEADER + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    _result_or_input_error(lambda: es.load_registry(csv))


@_SETTINGS
@given(spec=st.dictionaries(st.sampled_from(["uplift.city", "criteria.A.IV.3.target", "awards.chairman.quota",
                                             "noise.eid_activation_rate", "gates.G1.mode", "x"]),
                            st.dictionaries(st.sampled_from(["uniform", "sd", "integers", "choice", "p", "flip",
                                                             "relative", "clip", "mean"]),
                                            st.one_of(_scalars, st.lists(_scalars, max_size=3)), max_size=3),
                            max_size=3))
def test_random_factor_files_give_factors_or_an_input_error(tmp_path, hg_plan, spec):
    path = tmp_path / "factors.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    _result_or_input_error(lambda: load_factors(path, scheme=hg_plan.scheme("commune")))
