"""Charts: every function renders a PNG with Vietnamese text in a font that has the glyphs,
returns a Figure, honours ``lang``, and leaves pyplot / rcParams alone."""
from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import emusim as es
from emusim import charts
from emusim.charts import style

VI_SAMPLE = "Bằng khen của Chủ tịch UBND tỉnh — Phường Nguyễn Trãi, Thị trấn Yên Minh, Xã Lũng Cú"


@pytest.fixture(scope="module")
def hg(hg_plan, hg_registry):
    scheme = hg_plan.scheme("commune")
    panel = es.simulate(hg_registry, seed=5)
    values = panel.at("2023-11")
    st = es.score(scheme, values, hg_registry)
    aw = es.allocate(st, scheme, hg_registry)
    s2 = scheme.adjust({"uplift.city": 0.2})
    st2 = es.score(s2, values, hg_registry)
    aw2 = es.allocate(st2, s2, hg_registry)
    from emusim.analysis import alternatives, audit, gaming_risk

    return dict(plan=hg_plan, scheme=scheme, panel=panel, values=values, st=st, aw=aw, s2=s2, st2=st2, aw2=aw2,
                registry=hg_registry, audit=audit(scheme, values, hg_registry, st=st),
                gaming=gaming_risk(scheme, values, hg_registry),
                alts=alternatives(scheme, values, hg_registry, include_drops=False))


def _inputs(d):
    """Plain DataFrames of the documented shapes (independent of emusim.analysis)."""
    aw, aw2, s = d["aw"], d["aw2"], d["scheme"]
    rows = []
    for v, a in ((0.15, aw), (0.2, aw2)):
        rows.append(pd.DataFrame({"value": v, "locality_id": a.index, "award": a["award"].to_numpy(),
                                  "rank": a["rank"].to_numpy(), "total": a["total"].to_numpy(), "name": a["name"].to_numpy()}))
    sweep_df = pd.concat(rows, ignore_index=True)
    tornado_df = pd.DataFrame({"parameter": ["uplift.city", "gates.G3.target", "awards.chairman.quota"],
                               "low": [0.1, 0.7, 4], "high": [0.2, 0.8, 6], "effect_low": [2, 9, 1], "effect_high": [2, 9, 1]})
    rng = np.random.default_rng(0)
    mc = pd.DataFrame({"name": aw["name"], "award": aw["award"], "median_rank": aw["rank"].astype(float),
                       "rank_q05": np.maximum(1, aw["rank"] - rng.integers(0, 4, len(aw))),
                       "rank_q95": aw["rank"] + rng.integers(0, 6, len(aw))}, index=aw.index)
    for t in s.awards.allocated_tiers:
        mc[f"p_{t.id}"] = np.where(aw["award"] == t.id, 0.8, rng.uniform(0, 0.1, len(aw)))
    cdf = pd.DataFrame({"rank_a": aw["rank"], "rank_b": aw2["rank"], "award_a": aw["award"], "award_b": aw2["award"],
                        "name": aw["name"]})
    return sweep_df, tornado_df, mc, cdf


def _calibration_report():
    """A small CalibrationReport of the documented shape (the real one simulates three provinces)."""
    from emusim.sim.report import COLUMNS, CalibrationReport

    table = pd.DataFrame([
        {"anchor": "a1", "indicator": "eid_activation_rate", "label": "", "province": "Hà Giang",
         "period": "2023-11", "value": 0.78, "target": 0.78, "simulated": 0.781, "residual": 0.001,
         "tolerance": 0.02, "hit": True, "holdout": 0.65, "holdout_error": -0.13, "status": "fitted",
         "basis": "assumption"},
        {"anchor": "a2", "indicator": "eid_activation_rate", "label": "", "province": "Tuyên Quang",
         "period": "2025-04", "value": 0.783, "target": 0.783, "simulated": 0.78, "residual": -0.003,
         "tolerance": 0.03, "hit": True, "holdout": 0.77, "holdout_error": -0.013, "status": "fitted",
         "basis": "source"},
        {"anchor": "a3", "indicator": "eid_activation_rate", "label": "", "province": "Lào Cai",
         "period": "2022-11", "value": 0.018, "target": 0.02, "simulated": 0.28, "residual": 0.26,
         "tolerance": 0.01, "hit": False, "holdout": None, "holdout_error": None, "status": "reference",
         "basis": "source"}], columns=list(COLUMNS))
    months = pd.period_range("2022-01", "2026-12", freq="M").astype(str)
    traj = pd.concat([pd.DataFrame({"province": p, "registry": "x", "indicator": "eid_activation_rate",
                                    "period": months, "mean": np.linspace(lo, 0.9, len(months))})
                      for p, lo in (("Hà Giang", 0.3), ("Tuyên Quang", 0.1), ("Lào Cai", 0.12),
                                    ("Tuyên Quang (2025)", 0.2))], ignore_index=True)
    return CalibrationReport(table, pd.DataFrame(), traj, seed=5)


def _chart_setup(d, lang):
    """What every chart case draws from: the source note, the top three units and their forecast,
    a city ward to follow, and the analysis tables (shared with tests/test_vi_charts.py)."""
    aw = d["aw"]
    ids = list(aw.sort_values("rank").index[:3])
    fc = es.forecast(d["panel"], "eid_activation_rate", 0.75, "2024-03", as_of="2023-11",
                     uplift={"district_town": 0.1, "city": 0.15}, localities=ids)
    return dict(src=style.source_note(plan=d["plan"], scheme=d["scheme"], seed=5, period="2023-11", lang=lang),
                ids=ids, fc=fc, mover=aw.index[aw["urban_class"] == "city"][0], inputs=_inputs(d))


def _all_charts(d, lang):
    s, st, aw = d["scheme"], d["st"], d["aw"]
    setup = _chart_setup(d, lang)
    sweep_df, tornado_df, mc, cdf = setup["inputs"]
    src, ids, fc, mover = setup["src"], setup["ids"], setup["fc"], setup["mover"]
    return {
        "ranking": lambda: charts.ranking(aw, s, st, lang=lang, source=src),
        "decomposition": lambda: charts.decomposition(st, s, aw, lang=lang, source=src),
        "gate_pass_rates": lambda: charts.gate_pass_rates(st, s, lang=lang, source=src),
        "waterfall": lambda: charts.waterfall(st, d["st2"], mover, s, d["s2"], award_a=aw, award_b=d["aw2"], lang=lang, source=src),
        "trajectories": lambda: charts.trajectories(d["panel"], "eid_activation_rate", ids, target=0.75,
                                                    uplift={"district_town": 0.1, "city": 0.15}, registry=d["registry"],
                                                    forecast=fc, context=list(st.index), lang=lang, source=src),
        "sweep": lambda: charts.sweep(sweep_df, parameter="uplift.city", scheme=s, baseline=0.15, lang=lang, source=src),
        "tornado": lambda: charts.tornado(tornado_df, scheme=s, lang=lang, source=src),
        "rank_intervals": lambda: charts.rank_intervals(mc, scheme=s, lang=lang, source=src),
        "award_probability": lambda: charts.award_probability(mc, scheme=s, lang=lang, source=src),
        "slopegraph": lambda: charts.slopegraph(cdf, labels=("+15 %", "+20 %"), scheme=s, lang=lang, source=src),
        "overlap": lambda: charts.overlap({"+15 %": aw.index[aw["award"].notna()], "+20 %": d["aw2"].index[d["aw2"]["award"].notna()]},
                                          names=aw["name"].to_dict(), lang=lang, source=src),
        "award_map": lambda: charts.award_map(aw, d["registry"], s, lang=lang, source=src),
        "equity": lambda: charts.equity(aw, scheme=s, registry=d["registry"], lang=lang, source=src),
        "calibration": lambda: charts.calibration(_calibration_report(), lang=lang, source=src),
        "calibration_residuals": lambda: charts.calibration_residuals(_calibration_report(), lang=lang, source=src),
        "audit_shares": lambda: charts.audit_shares(d["audit"], scheme=s, lang=lang, source=src),
        "gaming_cheapest": lambda: charts.gaming_cheapest(d["gaming"], scheme=s, lang=lang, source=src),
        "alternatives_chart": lambda: charts.alternatives_chart(d["alts"], scheme=s, lang=lang, source=src),
    }


def test_font_covers_vietnamese():
    assert style.missing_glyphs(VI_SAMPLE) == set()
    fig = Figure(figsize=(6, 1))
    with matplotlib.rc_context(style.RC):
        fig.text(0.01, 0.5, VI_SAMPLE, fontfamily=style.FONT)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw() if hasattr(fig.canvas, "draw") else fig.savefig(__import__("io").BytesIO(), format="png")
    assert not [w for w in caught if "Glyph" in str(w.message) and "missing" in str(w.message)]


def test_every_chart_is_covered(hg):
    assert set(_all_charts(hg, "vi")) == set(charts.CHARTS)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_charts_render_with_vietnamese_glyphs(hg, tmp_path, lang):
    """Every chart, both languages (PNG at a lower dpi to keep the suite quick)."""
    rc_before = dict(matplotlib.rcParams)
    import matplotlib.pyplot as plt

    n_before = len(plt.get_fignums())
    for name, make in _all_charts(hg, lang).items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig = make()
            paths = charts.save(fig, tmp_path / f"{name}_{lang}", ("png",), dpi=80)
        glyph = [str(w.message) for w in caught if "Glyph" in str(w.message)]
        assert not glyph, f"{name}: {glyph}"
        assert isinstance(fig, Figure), name
        assert paths[0].stat().st_size > 5_000, name
        texts = style.text_objects(fig)
        assert texts, name
        for t in texts:
            assert style.FONT in t.get_fontfamily(), f"{name}: {t.get_text()!r} in {t.get_fontfamily()}"
        assert style.missing_glyphs(fig) == set(), name
        all_text = " ".join(t.get_text() for t in texts)
        assert ("Nguồn:" if lang == "vi" else "Source:") in all_text, name
        assert getattr(fig, "_emusim_lang") == lang
        # Vietnamese diacritics really are on the vi charts (names of units at least)
        if lang == "vi":
            assert any(ch in all_text for ch in "ằắẳẵặầấẩẫậềếểễệồốổỗộờớởỡợừứửữựđ"), name
    assert dict(matplotlib.rcParams) == rc_before
    assert len(plt.get_fignums()) == n_before


def test_lang_switch_changes_labels(hg):
    vi = charts.ranking(hg["aw"], hg["scheme"], hg["st"], lang="vi")
    en = charts.ranking(hg["aw"], hg["scheme"], hg["st"], lang="en")
    tv = " ".join(t.get_text() for t in style.text_objects(vi))
    te = " ".join(t.get_text() for t in style.text_objects(en))
    assert "Bằng khen của Chủ tịch UBND tỉnh" in tv and "Tổng điểm" in tv
    assert "Certificate of merit of the provincial Chairman" in te and "Total score" in te
    assert "Bằng khen của Chủ tịch UBND tỉnh" not in te
    with pytest.raises(ValueError):
        charts.ranking(hg["aw"], hg["scheme"], hg["st"], lang="fr")


def test_standards_scheme_charts(tmp_path):
    plan = es.load_plan("lao_cai_cds_2022")
    scheme = plan.scheme("commune").adjust({"awards.chairman.quota": 5})
    reg = es.load_registry("lao_cai_2023")
    values = es.simulate(reg, seed=3).at("2025-06")
    st = es.score(scheme, values, reg)
    aw = es.allocate(st, scheme, reg)
    for fig in (charts.ranking(aw, scheme, st), charts.decomposition(st, scheme, aw, values=values),
                charts.gate_pass_rates(st, scheme, lang="en"), charts.award_map(aw, reg, scheme)):
        assert isinstance(fig, Figure)
        assert style.missing_glyphs(fig) == set()
    charts.save(fig, tmp_path / "map", ("png", "pdf"))
    assert (tmp_path / "map.pdf").stat().st_size > 1000


def test_number_formats():
    assert style.num(282.25, "vi", 1) == "282,2" or style.num(282.25, "vi", 1) == "282,3"
    assert style.num(1234.5, "en", 1) == "1,234.5"
    assert style.pct(0.13, "vi") == "13 %" and style.pct(0.13, "en") == "13%"
    assert style.pp(0.05, "vi") == "+5 %" and style.pp(0.05, "en") == "+5 pp"
    assert style.num(1234.5, "vi", 1) == "1.234,5" and style.num(-0.5, "vi") == "−0,5"
    assert style.month("2023-11", "vi") == "11/2023" and style.month("2023-11", "en") == "2023-11"
    assert style.source_note(seed=7, period="2023-11", lang="vi") == "Nguồn: dữ liệu mô phỏng (emusim), seed 7; kỳ đánh giá 11/2023"
    assert style.urban_label("city", "vi") == "Phường, xã của thành phố" and style.urban_label("city", "en") == "Ward/commune of the city"


def test_tick_numbers_follow_the_language(hg):
    """Axes left on matplotlib's default formatter get the reader's: 264,5 in vi, 264.5 in en."""
    from emusim.i18n.leaks import english_leaks

    for lang, sep in (("vi", ","), ("en", ".")):
        fig = charts.award_map(hg["aw"], hg["registry"], hg["scheme"], lang=lang)
        ticks = [x.get_text() for ax in fig.axes for x in ax.get_xticklabels() + ax.get_yticklabels() if x.get_text()]
        assert any(sep in x for x in ticks), ticks
        assert not any(("." if lang == "vi" else ",") in x for x in ticks), ticks
    fig = charts.waterfall(hg["st"], hg["st2"], hg["aw"].index[hg["aw"]["urban_class"] == "city"][0], hg["scheme"], hg["s2"],
                           award_a=hg["aw"], award_b=hg["aw2"])
    texts = [x.get_text() for x in style.text_objects(fig)]
    assert not [x for x in texts if english_leaks(x)], texts
