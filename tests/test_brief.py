"""``emusim brief``: the folder, the annex-style XLSX, the generated summary, --force."""
from __future__ import annotations

import json

import openpyxl
import pytest

import emusim as es
from emusim.brief import XLSX_NAME, make_brief
from emusim.cli import main
from emusim.errors import InputError


@pytest.fixture(scope="module")
def hg_brief(tmp_path_factory, hg_plan, hg_registry):
    scheme = hg_plan.scheme("commune")
    panel = es.simulate(hg_registry, seed=7)
    values = panel.at("2023-11")
    out = tmp_path_factory.mktemp("b") / "hg"
    b = make_brief(hg_plan, scheme, values, hg_registry, out, panel=panel, period="2023-11", seed=7, mc_n=60,
                   formats=("png", "pdf"))
    st = es.score(scheme, values, hg_registry)
    aw = es.allocate(st, scheme, hg_registry)
    return b, scheme, st, aw


def test_brief_writes_expected_files(hg_brief):
    b, *_ = hg_brief
    names = {p.name for p in b.out.iterdir()}
    for stem in ("01_ranking", "02_decomposition", "03_gates", "04_map", "05_equity", "06_whatif_ranks",
                 "08_whatif_waterfall", "09_sweep", "10_tornado", "13_trajectory"):
        assert f"{stem}.png" in names and f"{stem}.pdf" in names, stem
    assert {XLSX_NAME, "summary.md", "summary.json"} <= names
    assert not [n for n in names if n.startswith(".")]


def test_xlsx_matches_award_table(hg_brief):
    b, scheme, st, aw = hg_brief
    wb = openpyxl.load_workbook(b.out / XLSX_NAME)
    assert wb.sheetnames[:2] == ["Kết quả", "Tiêu chí và nguồn"]
    ws = wb["Kết quả"]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "STT") + 1
    headers = {}
    for c in range(1, ws.max_column + 1):
        for r in (header_row - 1, header_row):
            v = ws.cell(r, c).value
            if isinstance(v, str):
                headers.setdefault(v.split("\n")[0], c)
    for h in ("STT", "Đơn vị", "Mã ĐVHC", "Tổng điểm", "Xếp hạng", "Hình thức khen thưởng", "Lý do", "A.IV.2", "Cộng IV", "B.1", "C.1"):
        assert h in headers, h
    assert ws.freeze_panes == f"C{header_row + 1}"
    assert ws.cell(header_row - 1, 1).font.bold
    labels = {t.id: t.label for t in scheme.awards.tiers}
    n = 0
    r = header_row + 1
    while ws.cell(r, 1).value is not None and isinstance(ws.cell(r, 1).value, int):
        lid = ws.cell(r, headers["Mã ĐVHC"]).value
        assert abs(ws.cell(r, headers["Tổng điểm"]).value - st.at[lid, "total"]) < 1e-9
        assert ws.cell(r, headers["Xếp hạng"]).value == aw.at[lid, "rank"]
        expected = labels[aw.at[lid, "award"]] if isinstance(aw.at[lid, "award"], str) else None
        assert (ws.cell(r, headers["Hình thức khen thưởng"]).value or None) == expected
        n += 1
        r += 1
    assert n == len(aw)
    crit = wb["Tiêu chí và nguồn"]
    ids = {crit.cell(i, 2).value for i in range(2, crit.max_row + 1)}
    assert {c.id for c in scheme.criteria} <= ids and "G1" in ids


def test_summary_has_generated_numbers(hg_brief):
    b, scheme, st, aw = hg_brief
    text = (b.out / "summary.md").read_text(encoding="utf-8")
    n_elig = int(st["eligible"].sum())
    assert f"Trong {len(st)} đơn vị, {n_elig} (" in text
    assert f"Of {len(st)} units, {n_elig} (" in text
    n_chair = int((aw["award"] == "chairman").sum())
    assert f"{n_chair} Bằng khen của Chủ tịch UBND tỉnh" in text
    assert "+20 %" in text and "+20 pp" in text          # the what-if: city uplift +15 → +20
    facts = json.loads((b.out / "summary.json").read_text(encoding="utf-8"))
    assert facts["eligible"] == n_elig and facts["awards"]["chairman"] == n_chair


def test_force_semantics(tmp_path, hg_plan, hg_registry):
    out = tmp_path / "brief"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    argv = ["brief", "--plan", "ha_giang_186_2023", "--level", "commune", "--seed", "1", "--out", str(out), "--mc", "0",
            "--formats", "png"]
    assert main(argv) == 2                       # refuses a non-empty folder
    assert (out / "keep.txt").read_text() == "mine"
    # --force only replaces a folder emusim wrote: this one holds the user's file
    assert main(argv + ["--force", "--lang", "en"]) == 2
    assert (out / "keep.txt").read_text() == "mine" and not (out / XLSX_NAME).exists()
    (out / "keep.txt").unlink()
    out.rmdir()
    assert main(argv) == 0
    assert main(argv + ["--force", "--lang", "en"]) == 0   # emusim's own folder is replaced
    assert (out / XLSX_NAME).exists()
    # an input inside the output folder is never replaced
    data = out / "input.csv"
    data.write_text("x")
    with pytest.raises(InputError):
        make_brief(hg_plan, hg_plan.scheme("commune"), es.simulate(hg_registry, seed=1).at("2023-11"), hg_registry, out,
                   force=True, protect=[data], mc_n=0)
    assert data.exists()
    # an empty existing folder is fine without --force
    empty = tmp_path / "empty"
    empty.mkdir()
    lc = es.load_plan("lao_cai_cds_2022")
    reg = es.load_registry("lao_cai_2023")
    changes = {"awards.chairman.quota": 5}
    make_brief(lc, lc.scheme("commune").adjust(changes), es.simulate(reg, seed=1).at("2025-06"), reg, empty,
               period="2025-06", seed=1, changes=changes, mc_n=0, formats=("png",), charts_wanted=("ranking", "gates"))
    assert (empty / "01_ranking.png").exists() and (empty / XLSX_NAME).exists()
    text = (empty / "summary.md").read_text(encoding="utf-8")
    assert "(awards.chairman.quota=5)" in text


def test_brief_has_the_audit_gaming_and_alternatives_sections(hg_brief):
    b, *_ = hg_brief
    names = {p.name for p in b.out.iterdir()}
    for stem in ("14_audit", "15_gaming", "16_alternatives"):
        assert f"{stem}.png" in names, stem
    text = (b.out / "summary.md").read_text(encoding="utf-8")
    for heading in ("### Kiểm định thống kê phương án chấm điểm", "### Statistical audit of the scheme",
                    "### Rủi ro \"làm đẹp\" số liệu: điểm rẻ nhất", "### Gaming risk: the cheapest points",
                    "### Các phương án cấu trúc khác", "### Structural alternatives"):
        assert heading in text, heading
    facts = json.loads((b.out / "summary.json").read_text(encoding="utf-8"))
    shares = facts["audit"]["variance_shares"]
    assert abs(sum(v for v in shares.values() if v is not None) - 1) < 1e-9
    assert facts["gaming"]["cheapest"][0]["self_declared"] is True


def test_brief_with_set_compares_the_option_with_the_plan_as_written(tmp_path, hg_plan, hg_registry):
    scheme = hg_plan.scheme("commune")
    values = es.simulate(hg_registry, seed=1).at("2023-11")
    changes = {"uplift.city": 0.30}
    b = make_brief(hg_plan, scheme.adjust(changes), values, hg_registry, tmp_path / "b", period="2023-11", seed=1,
                   changes=changes, mc_n=0, formats=("png",), checks=False,
                   charts_wanted=("whatif_ranks", "whatif_overlap"))
    a = es.allocate(es.score(scheme, values, hg_registry), scheme, hg_registry)
    s2 = scheme.adjust(changes)
    a2 = es.allocate(es.score(s2, values, hg_registry), s2, hg_registry)
    d = es.diff(a, a2, scheme=scheme)
    # the option is +30 % for the city against the plan's +15 %, nothing added on top (not +35 %)
    assert b.facts["whatif"] == changes and b.facts["whatif_reference"] == "plan"
    assert sorted(b.facts["whatif_lost"]) == sorted(d.losses) and sorted(b.facts["whatif_gained"]) == sorted(d.gains)
    text = (b.out / "summary.md").read_text(encoding="utf-8")
    assert "+30 %" in text and "theo kế hoạch: +15 %" in text and "the plan: +15 pp" in text
    assert "hiện hành" not in text and "+35" not in text
    assert "so sánh phương án trên (--set) với kế hoạch như đã ban hành" in text


def test_brief_says_why_a_section_is_left_out(tmp_path):
    """Tuyên Quang's commune standards are all "100 %" items: no measurement noise, and the summary says so."""
    plan = es.load_plan("tuyen_quang_da06_2022")
    reg = es.load_registry(plan.registry)
    assumed = {"awards.chairman.quota": 5}
    scheme = plan.scheme("commune").adjust(assumed)
    values = es.simulate(reg, seed=1).at("2025-06")
    b = make_brief(plan, scheme, values, reg, tmp_path / "tq", period="2025-06", seed=1, assumed=assumed, mc_n=50,
                   formats=("png",), checks=False, charts_wanted=("ranking",))
    keys = [x["key"] for x in b.facts["left_out"]]
    assert "brief.left_out_mc_no_noise" in keys and "brief.left_out_trajectory_no_history" in keys
    assert "brief.left_out_checks_off" in keys
    text = (b.out / "summary.md").read_text(encoding="utf-8")
    assert "### Phần không có trong bản tóm tắt (và lý do)" in text and "### Sections left out (and why)" in text
    assert "dossier_digitisation_rate" in text and "completion events, reported exactly" in text
    assert "(awards.chairman.quota=5)" in text and b.facts["whatif_reference"] == "plan"


def test_brief_proposal_and_grouping_sections(tmp_path):
    """--goals adds "phương án đề xuất" (the reform closest to the plan that meets the goals);
    a registry without districts (merged Tuyên Quang) adds the nomination-grouping study."""
    plan = es.load_plan("ha_giang_186_2023")
    scheme = plan.scheme("commune")
    registry = es.load_registry("ha_giang_2023")
    values = es.simulate(registry, seed=1, end="2023-12").at("2023-11")
    goals = {"free": {"uplift.city": [0.0, 0.3]}, "goals": [{"metric": "groups_awarded", "at_least": 11}], "seed": 1}
    b = make_brief(plan, scheme, values, registry, tmp_path / "p", period="2023-11", seed=1, mc_n=0, checks=False,
                   formats=("png",), charts_wanted={"proposal"}, goals=goals, goals_budget=60)
    assert "17_proposal.png" in b.files
    assert any(h.startswith("Phương án đề xuất:") for h in b.headlines["vi"])
    assert b.facts["proposal"]["n_evaluated"] == 60

    merged = es.load_registry("tuyen_quang_2025")
    option = scheme.adjust({"awards.nomination.group": "province"})
    values = es.simulate(merged, seed=1, end="2025-09").at("2025-09")
    b = make_brief(plan, option, values, merged, tmp_path / "g", period="2025-09", seed=1, mc_n=0, checks=False,
                   formats=("png",), charts_wanted={"grouping"}, grouping={"registry": merged},
                   assumed={"awards.nomination.group": "province"})
    assert "18_grouping.png" in b.files
    assert len(b.facts["grouping"]) == 3   # former district, cluster, province
