"""Issue 14 for the brief: the annex XLSX and the summary are Vietnamese throughout in Vietnamese
(headers, tier labels, reasons from the engine's reason_code, yes/no, months), English on the switch.

Every text cell of every sheet and the Vietnamese document of ``summary.md`` go through
:func:`emusim.i18n.leaks.english_leaks`; the words of the localities' own names ("Xã Pha Long")
are data, allowed.
"""
from __future__ import annotations

import json
import re

import openpyxl
import pytest

import emusim as es
from emusim.brief import XLSX_NAME, make_brief
from emusim.brief.summary import split_summary
from emusim.errors import InputError
from emusim.i18n import catalogue, placeholders, t
from emusim.i18n.leaks import english_leaks, words_of


def _allow(registry) -> frozenset[str]:
    """The words of the place names (data, not English)."""
    return frozenset(w for name in registry["name"] for w in words_of(str(name)))


def _cells(path):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        yield ws.title, "(sheet)", ws.title
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    yield ws.title, c.coordinate, c.value


def _leaky_cells(path, allow):
    return [(sheet, ref, english_leaks(v, allow), v[:120]) for sheet, ref, v in _cells(path) if english_leaks(v, allow)]


@pytest.fixture(scope="module")
def lc(tmp_path_factory):
    """Lào Cai commune standards (no quota), as `emusim brief --plan lao_cai_cds_2022 --level commune --seed 1`."""
    plan = es.load_plan("lao_cai_cds_2022")
    reg = es.load_registry(plan.registry)
    panel = es.simulate(reg, seed=1)
    out = tmp_path_factory.mktemp("vi") / "lc"
    b = make_brief(plan, plan.scheme("commune"), panel.at("2025-06"), reg, out, panel=panel, period="2025-06", seed=1,
                   mc_n=20, formats=("png",), checks=False, charts_wanted=("ranking",))
    return b, reg


@pytest.fixture(scope="module")
def hg(tmp_path_factory, hg_plan, hg_registry):
    """Hà Giang commune point table with an adjustment (--set), in Vietnamese and in English."""
    values = es.simulate(hg_registry, seed=1).at("2023-11")
    changes = {"uplift.city": 0.3, "gates.G3.mode": "soft"}
    scheme = hg_plan.scheme("commune").adjust(changes)
    root = tmp_path_factory.mktemp("vi")
    kw = dict(period="2023-11", seed=1, changes=changes, mc_n=20, formats=("png",), checks=False,
              charts_wanted=("ranking",))
    vi = make_brief(hg_plan, scheme, values, hg_registry, root / "vi", **kw)
    en = make_brief(hg_plan, scheme, values, hg_registry, root / "en", lang="en", **kw)
    return vi, en


def test_lao_cai_annex_every_cell_is_vietnamese(lc):
    b, reg = lc
    assert _leaky_cells(b.out / XLSX_NAME, _allow(reg)) == []
    wb = openpyxl.load_workbook(b.out / XLSX_NAME)
    assert wb.sheetnames == ["Kết quả", "Tiêu chí và nguồn"]
    values = [v for _, _, v in _cells(b.out / XLSX_NAME)]
    assert "Reason (EN)" not in values and "Content (English)" not in values
    assert not any("chairman" in v and "awards.chairman" not in v for v in values)   # tier labels, never the id alone
    assert any(v.startswith("Bằng khen của Chủ tịch UBND tỉnh: thứ 1/") for v in values)       # reason of a winner
    assert any(v.startswith("chưa đạt tiêu chuẩn: c.") for v in values)                        # reason of a loser
    assert "kỳ đánh giá 06/2025" in values[2] or any("kỳ đánh giá 06/2025" in v for v in values)


def test_lao_cai_summary_is_vietnamese_then_english(lc):
    b, reg = lc
    text = (b.out / "summary.md").read_text(encoding="utf-8")
    docs = split_summary(text)
    assert set(docs) == {"vi", "en"} and text.index("<!-- lang: vi -->") < text.index("<!-- lang: en -->")
    allow = _allow(reg)
    assert [(line, english_leaks(line, allow)) for line in docs["vi"].splitlines() if english_leaks(line, allow)] == []
    assert "## Tóm tắt" in docs["vi"] and "## Tệp" in docs["vi"] and "Kỳ đánh giá 06/2025" in docs["vi"]
    assert "## Summary" in docs["en"] and "Evaluation month 2025-06" in docs["en"]
    assert re.search(r"- Of \d+ units, \d+ \(\d+%\) meet all 3 standards", docs["en"])
    facts = json.loads((b.out / "summary.json").read_text(encoding="utf-8"))
    assert all(english_leaks(h, allow) == [] for h in facts["headlines"]["vi"])


def test_hg_annex_and_summary_with_adjustments(hg, hg_registry):
    vi, en = hg
    allow = _allow(hg_registry)
    assert _leaky_cells(vi.out / XLSX_NAME, allow) == []
    values = [v for _, _, v in _cells(vi.out / XLSX_NAME)]
    # the adjustments with the plan's wording beside the path; soft gate and reasons in words
    sub = next(v for v in values if "điều chỉnh:" in v)
    assert "Mức nâng chỉ tiêu — phường, xã của thành phố: +30 điểm % (uplift.city=0.3)" in sub
    assert "chỉ cảnh báo (gates.G3.mode=soft)" in sub
    assert {"Có", "Không"} <= set(values) and "Không đạt" in values
    assert any(v.startswith("không đạt chỉ tiêu bắt buộc: ") for v in values)
    docs = split_summary((vi.out / "summary.md").read_text(encoding="utf-8"))
    assert [line for line in docs["vi"].splitlines() if english_leaks(line, allow)] == []
    assert "Điều chỉnh so với kế hoạch: `Mức nâng chỉ tiêu — phường, xã của thành phố: +30 điểm % (uplift.city=0.3)`" \
        in docs["vi"]
    assert "theo kế hoạch: +15 %" in docs["vi"]


def test_english_on_the_switch(hg):
    _, en = hg
    wb = openpyxl.load_workbook(en.out / XLSX_NAME)
    assert wb.sheetnames == ["Results", "Criteria and sources"]
    values = [v for _, _, v in _cells(en.out / XLSX_NAME)]
    for word in ("Unit", "Total points", "Rank", "Award", "Reason", "Content (English)", "Content (as in the plan)"):
        assert word in values, word
    assert any(v.startswith("gate failed: ") for v in values)
    assert any("Target uplift — wards/communes of the city: +30 pp (uplift.city=0.3)" in v for v in values)
    text = (en.out / "summary.md").read_text(encoding="utf-8")
    assert text.index("<!-- lang: en -->") < text.index("<!-- lang: vi -->")   # the brief's language first
    assert "Adjusted from the plan: `Target uplift" in split_summary(text)["en"]


def test_tasks_scheme_is_refused_in_vietnamese(tmp_path):
    plan = es.load_plan("tuyen_quang_kh21_2025")
    with pytest.raises(InputError) as exc:
        make_brief(plan, plan.scheme("tasks"), None, None, tmp_path / "x")
    assert "không có danh sách khen thưởng" in str(exc.value) and english_leaks(str(exc.value)) == []


@pytest.mark.parametrize("domain", ["brief", "brief_xlsx", "demo"])
def test_every_message_of_the_brief_and_demo_is_vietnamese_and_english(domain):
    msgs = {k: v for k, v in catalogue().items() if k.split(".", 1)[0] == domain}
    assert msgs
    for key, texts in msgs.items():
        assert texts.get("vi") and texts.get("en"), key
        assert placeholders(texts["vi"]) == placeholders(texts["en"]), key
        filled = {p: "X" for p in placeholders(texts["vi"])}
        vi = re.sub(r"`[^`]*`", " ", t(key, "vi", **filled))
        assert english_leaks(vi) == [], (key, vi)
