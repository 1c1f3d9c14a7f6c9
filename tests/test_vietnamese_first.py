"""Issue 14, done when: everything a user reads is Vietnamese by default.

Every command is run the way an official would run it — on the five plans, the sample files,
the officials' own workbooks and every bad-input file — and whatever it prints, on stdout or
stderr, success or error, is searched for English words from the catalogue's English side
(:func:`emusim.i18n.leaks.english_leaks`). The same runs with ``--lang en`` must be English.
"""
from __future__ import annotations

import glob
from pathlib import Path

import pandas as pd
import pytest

import emusim as es
from emusim.cli import main
from emusim.i18n import catalogue
from emusim.i18n.leaks import english_leaks, english_vocabulary, words_of

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
HG, LC = "scenarios/ha_giang_186_2023.yaml", "scenarios/lao_cai_cds_2022.yaml"
TQ, KH21 = "scenarios/tuyen_quang_cds_2022.yaml", "scenarios/tuyen_quang_kh21_2025.yaml"


@pytest.fixture(scope="module")
def data_words() -> frozenset[str]:
    """Words of the localities' own names ("Long", "Can" …): the data, not a leak."""
    names: set[str] = set()
    for f in glob.glob(str(ROOT / "data" / "localities" / "*.csv")):
        table = pd.read_csv(f, dtype=str)
        for column in (c for c in table.columns if "name" in c):
            for name in table[column].dropna():
                names.update(words_of(name))
    return frozenset(names)


def run(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + "\n" + captured.err


def assert_vietnamese(text: str, allow, what: str) -> None:
    leaks = english_leaks(text, allow)
    lines = [line for line in text.splitlines() if english_leaks(line, allow)][:8]
    assert not leaks, f"{what}: English words {leaks} in the Vietnamese output:\n" + "\n".join(lines)


def _bad_plan(tmp_path: Path) -> list[Path]:
    good = ("plan: {id: t}\nlevels:\n  commune:\n    kind: points\n    criteria:\n"
            "      - {id: A.1, rule: binary, indicator: emulation_registered, max: 5, points: 5, ref: r, text: t}\n"
            "    awards:\n      tiers:\n        - {id: chairman, quota: 3, ref: r, text: t}\n")
    cases = {
        "malformed": good.replace("kind: points", "kind: [points"),
        "unknown_key": good.replace("max: 5,", "maxx: 5, max: 5,"),
        "unknown_rule": good.replace("rule: binary", "rule: quadratic"),
        "unknown_indicator": good.replace("indicator: emulation_registered", "indicator: moon_phase"),
        "negative_quota": good.replace("quota: 3", "quota: -3"),
        "duplicate_key": good.replace("kind: points", "kind: points\n    kind: standards"),
        "not_a_mapping": "- just\n- a list\n",
        "unknown_kind": good.replace("kind: points", "kind: lottery"),
        "bad_min_met": good.replace("kind: points", "kind: points\n    min_met: 3"),
    }
    paths = []
    for name, text in cases.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


RUNS = {
    "lint every plan": ["lint", *sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))],
    "award Hà Giang communes": ["award", "--plan", HG, "--level", "commune", "--seed", "1"],
    "award Hà Giang districts": ["award", "--plan", HG, "--level", "district", "--seed", "1"],
    "award Lào Cai communes": ["award", "--plan", LC, "--level", "commune", "--seed", "1"],
    "award Tuyên Quang districts": ["award", "--plan", TQ, "--level", "district", "--seed", "1"],
    "award on the wide sample": ["award", "--plan", HG, "--level", "commune",
                                 "--data", str(SAMPLES / "ha_giang_communes_2023-11_wide.csv")],
    "award on the long sample": ["award", "--plan", LC, "--level", "commune",
                                 "--data", str(SAMPLES / "lao_cai_communes_2025-06_long.xlsx")],
    "explain one commune": ["score", "--plan", HG, "--level", "commune",
                            "--data", str(SAMPLES / "ha_giang_communes_2023-11_wide.csv"), "--explain", "00715"],
    "tasks of KH 21": ["tasks", "--plan", KH21, "--status", str(SAMPLES / "tuyen_quang_kh21_status.csv"),
                       "--at", "2025-12-01"],
    "improve": ["improve", "--plan", HG, "--level", "commune", "--seed", "1", "--unit", "00691"],
    "equity": ["equity", "--plan", HG, "--level", "commune", "--seed", "1"],
    "tornado": ["tornado", "--plan", HG, "--level", "commune", "--seed", "1", "--range", "uplift.city=0:0.3",
                "--out", "{tmp}/tornado.csv"],
    "compare": ["compare", "--plans", HG, "scenarios/tuyen_quang_da06_2022.yaml", "--level", "commune", "--seed", "1"],
    # bad input: each must be refused, in Vietnamese
    "unknown level": ["award", "--plan", HG, "--level", "hamlet", "--seed", "1"],
    "bad --set value": ["award", "--plan", HG, "--level", "commune", "--seed", "1", "--set", "uplift.city=2"],
    "unknown --set path": ["award", "--plan", HG, "--level", "commune", "--seed", "1", "--set", "uplift.metropolis=0.1"],
    "missing plan file": ["award", "--plan", "scenarios/nope.yaml", "--level", "commune", "--seed", "1"],
    "unknown registry": ["award", "--plan", HG, "--level", "commune", "--seed", "1", "--registry", "atlantis_2023"],
    "award on a tasks plan": ["award", "--plan", KH21, "--level", "tasks", "--seed", "1"],
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_commands_speak_vietnamese(capsys, tmp_path, data_words, name):
    code, text = run(capsys, *(a.replace("{tmp}", str(tmp_path)) for a in RUNS[name]))
    assert text.strip(), name
    assert_vietnamese(text, data_words, name)
    assert "Traceback" not in text and "internal error" not in text and "lỗi nội bộ" not in text


@pytest.mark.parametrize("bad", sorted(p.name for p in (SAMPLES / "bad").glob("*")))
def test_bad_observation_files_are_refused_in_vietnamese(capsys, data_words, bad):
    code, text = run(capsys, "award", "--plan", LC, "--level", "commune", "--period", "2025-06",
                     "--data", str(SAMPLES / "bad" / bad), "--set", "gates.G1.mode=hard")
    assert code == 2 and bad in text
    assert_vietnamese(text, data_words, bad)


@pytest.mark.parametrize("official", sorted(p.name for p in (SAMPLES / "official").glob("*")))
def test_officials_workbooks_read_in_vietnamese(capsys, data_words, official):
    sheet = ["--sheet", "Số liệu"] if official.startswith("06_") else []   # after a notes sheet
    code, text = run(capsys, "score", "--plan", HG, "--level", "commune", "--period", "2023-11",
                     "--data", str(SAMPLES / "official" / official), *sheet)
    assert code == 0, text
    assert_vietnamese(text, data_words, official)


def test_a_workbook_whose_first_sheet_is_notes_names_its_data_sheet(capsys, data_words):
    code, text = run(capsys, "score", "--plan", HG, "--level", "commune", "--period", "2023-11",
                     "--data", str(SAMPLES / "official" / "06_theo_huyen_o_gop.xlsx"))
    assert code == 2 and "--sheet \"Số liệu\"" in text
    assert_vietnamese(text, data_words, "06 without --sheet")


def test_bad_scenario_files_are_refused_in_vietnamese(capsys, tmp_path, data_words):
    for path in _bad_plan(tmp_path):
        code, text = run(capsys, "lint", str(path))
        assert code == 2, (path.name, text)
        assert path.name in text
        assert_vietnamese(text, data_words, path.name)


def test_every_reason_of_every_plan_is_vietnamese(data_words):
    """The "Lý do" of every unit, at every level of every plan that awards, on simulated data."""
    for file in sorted((ROOT / "scenarios").glob("*.yaml")):
        plan = es.load_plan(file)
        registry = es.load_registry(plan.registry)
        panel = es.simulate(registry, seed=3)
        values = panel.at(plan.evaluation_period)
        for level in plan.levels:
            scheme = plan.scheme(level)
            if scheme.kind == "tasks" or not len(registry.units(level) if hasattr(registry, "units") else [1]):
                continue
            try:
                table = es.score(scheme, values, registry, history=panel)
            except es.InputError:
                continue   # a level this registry has no units for (agencies, enterprises)
            awards = es.allocate(table, scheme, registry)
            for reason in awards["reason"].dropna().unique():
                assert_vietnamese(str(reason), data_words, f"{plan.id}:{level}")


@pytest.mark.parametrize("name", ["award Hà Giang communes", "lint every plan", "unknown level", "tasks of KH 21"])
def test_the_english_switch_gives_english(capsys, name):
    """With --lang en the same runs are English: their words come from the catalogue's English side."""
    code, text = run(capsys, *RUNS[name], "--lang", "en")
    assert len(set(words_of(text)) & english_vocabulary()) >= 3, text[:2000]


def test_no_vietnamese_entry_is_a_copy_of_the_english_one():
    """A catalogue entry whose Vietnamese is its English, word for word, was never translated."""
    import re

    from emusim.i18n.leaks import _SHARED

    for key, texts in catalogue().items():
        vi = re.sub(r"\{[^{}]*\}", " ", texts["vi"])
        english = [w for w in words_of(vi) if len(w) >= 3 and w.isascii() and w not in _SHARED]
        assert not (texts["vi"] == texts["en"] and english), (key, texts["vi"])
