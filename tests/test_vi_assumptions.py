"""Issue 14 for the plans' assumptions: every ``assumption`` of scenarios/*.yaml has its
``assumption_vi``; the Vietnamese text is Vietnamese (no English left but ids, adjust paths
and options); the brief's Vietnamese annex shows it, the
English annex the English text; lint flags an assumption with no Vietnamese text.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata

import openpyxl
import pytest
import yaml

import emusim as es
from emusim.brief import XLSX_NAME, make_brief
from emusim.i18n import t, using_lang
from emusim.i18n.leaks import english_leaks
from emusim.lint import lint
from emusim.loader import SCENARIO_DIR, load_plan
from emusim.model import Source

PLANS = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
COMMANDS: frozenset[str] = frozenset()    # no English word allowed: ids, paths and options are ignored by english_leaks


def _sources(obj, seen=None):
    """Every Source reachable from ``obj`` (a plan, a scheme, …)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Source):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _sources(x, seen)
    elif isinstance(obj, dict):
        for x in obj.values():
            yield from _sources(x, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _sources(getattr(obj, f.name), seen)


def _yaml_assumptions(node):
    """(assumption, assumption_vi) of every mapping of the YAML data that has an assumption."""
    if isinstance(node, dict):
        if node.get("assumption") is not None:
            yield node["assumption"], node.get("assumption_vi")
        for v in node.values():
            yield from _yaml_assumptions(v)
    elif isinstance(node, list):
        for v in node:
            yield from _yaml_assumptions(v)


@pytest.mark.parametrize("plan_id", PLANS)
def test_every_assumption_has_its_vietnamese_text(plan_id):
    raw = list(_yaml_assumptions(yaml.safe_load((SCENARIO_DIR / f"{plan_id}.yaml").read_text(encoding="utf-8"))))
    assert raw and all(vi for _, vi in raw), [en for en, vi in raw if not vi]
    plan = load_plan(plan_id)
    sources = [s for s in _sources(plan) if s.assumption]
    assert sources
    for s in sources:
        assert s.assumption_vi, s.assumption
        assert s.assumption_vi == unicodedata.normalize("NFC", s.assumption_vi)
        assert english_leaks(s.assumption_vi, COMMANDS) == [], s.assumption_vi
        assert s.assumption_text("vi") == s.assumption_vi and s.assumption_text("en") == s.assumption
        with using_lang("en"):
            assert s.assumption_text() == s.assumption
    assert [f for f in lint(plan) if f.code == "assumption-vi"] == []


@pytest.mark.parametrize("plan_id", PLANS)
def test_translations_keep_the_plans_quotations_and_dates(plan_id):
    """The plan's Vietnamese quotations, the dates and the adjust paths of the English text are in the Vietnamese."""
    for en, vi in _yaml_assumptions(yaml.safe_load((SCENARIO_DIR / f"{plan_id}.yaml").read_text(encoding="utf-8"))):
        for q in re.findall(r"'([^']*[^\x00-\x7f][^']*)'", en):
            if "'" not in q and " (" not in q:
                assert q in vi, (q, vi)
        for d in re.findall(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b|\b[a-z_]+\.[\w.]*[a-z]\b", en):
            if d not in ("i.e",):
                assert d in vi, (d, vi)


def test_fallback_is_english_nothing_lost():
    s = Source(assumption="Month only: the last day of the month is used.")
    assert s.assumption_text("vi") == s.assumption_text("en") == s.assumption
    assert Source().assumption_text("vi") is None
    assert Source(assumption_vi="Chỉ ghi tháng.").assumption_text("en") == "Chỉ ghi tháng."


def test_lint_flags_an_assumption_without_vietnamese(tmp_path):
    text = (SCENARIO_DIR / "tuyen_quang_da06_2022.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    dropped = next(i for i, line in enumerate(lines) if line.lstrip().startswith("assumption_vi:"))
    path = tmp_path / "da06_no_vi.yaml"
    path.write_text("".join(lines[:dropped] + lines[dropped + 1:]), encoding="utf-8")
    found = [f for f in lint(load_plan(path)) if f.code == "assumption-vi"]
    assert len(found) == 1 and found[0].level == "warning"
    assert found[0].message == t("lint_assumptions.missing_vi", "vi")
    assert english_leaks(found[0].message) == []
    assert "assumption_vi" in t("lint_assumptions.missing_vi", "en") and "Vietnamese" in t("lint_assumptions.missing_vi", "en")


@pytest.fixture(scope="module")
def annexes(tmp_path_factory, hg_plan, hg_registry):
    """Hà Giang commune point table: the criteria sheet of the annex in Vietnamese and in English."""
    values = es.simulate(hg_registry, seed=1).at("2023-11")
    scheme = hg_plan.scheme("commune")
    root = tmp_path_factory.mktemp("assume")
    kw = dict(period="2023-11", seed=1, mc_n=20, formats=("png",), checks=False, charts_wanted=("ranking",))
    out = {}
    for lang in ("vi", "en"):
        b = make_brief(hg_plan, scheme, values, hg_registry, root / lang, lang=lang, **kw)
        ws = openpyxl.load_workbook(b.out / XLSX_NAME).worksheets[1]
        heads = [c.value for c in ws[1]]
        col = heads.index(t("brief_xlsx.h_assumption", lang)) + 1
        out[lang] = [ws.cell(r, col).value for r in range(2, ws.max_row + 1)]
    return scheme, out


def test_vi_annex_shows_the_assumptions_in_vietnamese(annexes):
    scheme, cells = annexes
    vi = [c for c in cells["vi"] if c]
    assumed = [c.source for c in scheme.criteria if c.source.assumption]
    assert assumed and len(vi) >= len(assumed)
    assert not any("xem bản tiếng Anh" in c for c in vi)
    for s in assumed:
        assert s.assumption_vi in vi
        assert s.assumption in cells["en"]
    for c in vi:
        assert english_leaks(c, COMMANDS) == [], c
