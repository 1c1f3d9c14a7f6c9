"""Issue 14 for the charts: every chart, drawn in Vietnamese, holds no English word of the
catalogue in any of its texts (titles, axes, ticks, legends, annotations, source note), and
its numbers are written the Vietnamese way; drawn in English, it is English.

``python tests/test_vi_charts.py /tmp/charts_vi`` saves every chart of both languages as PNG.
"""
from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

import emusim as es
from emusim import charts
from emusim.charts import style
from emusim.charts.design import design_tradeoff
from emusim.i18n import catalogue, t, using_lang
from emusim.i18n.leaks import english_leaks, words_of

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_charts import _calibration_report, _chart_setup  # noqa: E402


def _data():
    plan = es.load_plan(ROOT / "scenarios" / "ha_giang_186_2023.yaml")
    reg = es.load_registry("ha_giang_2023")
    scheme = plan.scheme("commune")
    panel = es.simulate(reg, seed=5)
    values = panel.at("2023-11")
    st = es.score(scheme, values, reg)
    aw = es.allocate(st, scheme, reg)
    s2 = scheme.adjust({"uplift.city": 0.2})
    st2 = es.score(s2, values, reg)
    aw2 = es.allocate(st2, s2, reg)
    from emusim.analysis import alternatives, audit, design, gaming_risk
    from emusim.analysis.grouping import grouping_study

    lc_plan = es.load_plan("lao_cai_cds_2022")
    lc_scheme = lc_plan.scheme("commune").adjust({"awards.chairman.quota": 5})
    lc_reg = es.load_registry("lao_cai_2023")
    lc_values = es.simulate(lc_reg, seed=3).at("2025-06")
    lc_st = es.score(lc_scheme, lc_values, lc_reg)
    lc_aw = es.allocate(lc_st, lc_scheme, lc_reg)
    result = design(scheme, values, reg, free={"uplift.city": [0.0, 0.3], "awards.chairman.quota": [3, 7]},
                    goals=[{"metric": "groups_awarded", "at_least": 10}, {"metric": "distance", "minimize": True}],
                    budget=40, pop_size=10, seed=1, noise_draws=2, final_draws=4)
    return dict(plan=plan, scheme=scheme, panel=panel, values=values, st=st, aw=aw, s2=s2, st2=st2, aw2=aw2,
                registry=reg, audit=audit(scheme, values, reg, st=st), gaming=gaming_risk(scheme, values, reg),
                alts=alternatives(scheme, values, reg, include_drops=False),
                lc=dict(plan=lc_plan, scheme=lc_scheme, reg=lc_reg, values=lc_values, st=lc_st, aw=lc_aw),
                design=result, study=grouping_study(seed=1, period="2025-09"))


def cases(d, lang):
    """name → a function drawing that chart in ``lang`` (every chart function, both kinds of scheme)."""
    s, st, aw = d["scheme"], d["st"], d["aw"]
    setup = _chart_setup(d, lang)
    sweep_df, tornado_df, mc, cdf = setup["inputs"]
    src, ids, fc, mover = setup["src"], setup["ids"], setup["fc"], setup["mover"]
    lc = d["lc"]
    tor_real = pd.DataFrame({"path": ["uplift.city", "awards.chairman.quota", "gates.G3.target"],
                             "low": [0.0, 3, 0.6], "high": [0.3, 7, 0.9], "changed_low": [3, 2, 8],
                             "changed_high": [4, 2, 11]})
    return {
        "ranking": lambda: charts.ranking(aw, s, st, lang=lang, source=src),
        "ranking_standards": lambda: charts.ranking(lc["aw"], lc["scheme"], lc["st"], lang=lang),
        "decomposition": lambda: charts.decomposition(st, s, aw, lang=lang, source=src),
        "standards_grid": lambda: charts.decomposition(lc["st"], lc["scheme"], lc["aw"], values=lc["values"], lang=lang),
        "gate_pass_rates": lambda: charts.gate_pass_rates(st, s, lang=lang, source=src),
        "gate_pass_rates_standards": lambda: charts.gate_pass_rates(lc["st"], lc["scheme"], lang=lang),
        "waterfall": lambda: charts.waterfall(st, d["st2"], mover, s, d["s2"], award_a=aw, award_b=d["aw2"], lang=lang),
        "waterfall_standards": lambda: charts.waterfall(lc["st"], lc["st"], lc["st"].index[0], lc["scheme"], lang=lang),
        "trajectories": lambda: charts.trajectories(d["panel"], "eid_activation_rate", ids, target=0.75,
                                                    uplift={"district_town": 0.1, "city": 0.15}, registry=d["registry"],
                                                    forecast=fc, context=list(st.index), lang=lang),
        "sweep": lambda: charts.sweep(sweep_df, parameter="uplift.city", scheme=s, baseline=0.15, lang=lang),
        "tornado": lambda: charts.tornado(tornado_df, scheme=s, lang=lang, baseline_value=12),
        "tornado_analysis": lambda: charts.tornado(tor_real, scheme=s, lang=lang),
        "rank_intervals": lambda: charts.rank_intervals(mc, scheme=s, n_draws=200, lang=lang),
        "award_probability": lambda: charts.award_probability(mc, scheme=s, n_draws=200, lang=lang),
        "slopegraph": lambda: charts.slopegraph(cdf, labels=("+15 %", "+20 %"), scheme=s, lang=lang),
        "overlap": lambda: charts.overlap({"+15 %": aw.index[aw["award"].notna()], "+20 %": d["aw2"].index[d["aw2"]["award"].notna()]},
                                          names=aw["name"].to_dict(), scheme=s, max_names=3, lang=lang),
        "award_map": lambda: charts.award_map(aw, d["registry"], s, lang=lang, source=src),
        "award_map_standards": lambda: charts.award_map(lc["aw"], lc["reg"], lc["scheme"], lang=lang),
        "equity": lambda: charts.equity(aw, scheme=s, registry=d["registry"], lang=lang),
        "equity_district": lambda: charts.equity(aw, by="parent_id", scheme=s, registry=d["registry"], lang=lang),
        "calibration": lambda: charts.calibration(_calibration_report(), lang=lang),
        "calibration_residuals": lambda: charts.calibration_residuals(_calibration_report(), lang=lang),
        "audit_shares": lambda: charts.audit_shares(d["audit"], scheme=s, lang=lang),
        "gaming_cheapest": lambda: charts.gaming_cheapest(d["gaming"], scheme=s, lang=lang),
        "alternatives_chart": lambda: charts.alternatives_chart(d["alts"], scheme=s, lang=lang),
        "design": lambda: design_tradeoff(d["design"], scheme=s, lang=lang),
        # the study's own notes (emusim.analysis.grouping) are left out of the source line here: they
        # are that module's text, tested with it
        "grouping": lambda: charts.grouping(d["study"], lang=lang, source=style.default_source(d["study"].scheme, lang)),
    }


def data_words() -> frozenset[str]:
    """Words of the places' names (Xã Ngọc Long): data, not English."""
    names = []
    for reg in ("ha_giang_2023", "lao_cai_2023", "tuyen_quang_2025"):
        r = es.load_registry(reg)
        names += [str(x) for x in r["name"]] + [str(x) for x in r["former_names"].dropna()] if "former_names" in r else [str(x) for x in r["name"]]
    return frozenset(words_of(" ".join(names)))


def texts_of(fig) -> list[str]:
    """Every text artist of the figure (ticks, legends, annotations included)."""
    return [x.get_text() for x in fig.findobj(Text) if x.get_text().strip()]


@pytest.fixture(scope="module")
def data():
    return _data()


@pytest.fixture(scope="module")
def drawn(data):
    out = {}
    for lang in ("vi", "en"):
        for name, make in cases(data, lang).items():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                fig = make()
                fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
            out[name, lang] = (fig, [str(w.message) for w in caught if "Glyph" in str(w.message)])
    return out


def test_every_chart_function_is_exercised(data):
    names = set(cases(data, "vi"))
    for func in charts.CHARTS + ("design", "grouping"):
        assert func in names or any(n.startswith(func) for n in names), func


def test_vietnamese_charts_have_no_english(drawn):
    allow = data_words()
    bad = {}
    for (name, lang), (fig, glyph) in drawn.items():
        if lang != "vi":
            continue
        assert not glyph, f"{name}: {glyph}"
        assert style.missing_glyphs(fig) == set(), name
        leaks = {txt: english_leaks(txt, allow=allow) for txt in texts_of(fig)}
        leaks = {k: v for k, v in leaks.items() if v}
        if leaks:
            bad[name] = leaks
    assert bad == {}


def test_vietnamese_numbers_are_written_the_vietnamese_way(drawn):
    """No decimal point in a Vietnamese chart (85,5 not 85.5), apart from ids like A.I.1 or dates."""
    decimal_point = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
    for (name, lang), (fig, _) in drawn.items():
        if lang != "vi":
            continue
        for txt in texts_of(fig):
            found = [m for m in decimal_point.findall(txt) if not re.fullmatch(r"\d{1,3}\.\d{3}", m)]
            assert not found, f"{name}: {txt!r}"


def test_english_charts_are_english(drawn):
    vi_only = re.compile(r"\b(và|đơn vị|điểm|tỷ lệ|được khen|không|thứ hạng|Nguồn)\b", re.IGNORECASE)
    for (name, lang), (fig, glyph) in drawn.items():
        if lang != "en":
            continue
        assert not glyph, f"{name}: {glyph}"
        joined = " ".join(texts_of(fig))
        assert "Source:" in joined, name
        assert not vi_only.search(_without_data(joined)), f"{name}: {vi_only.search(_without_data(joined))}"


def _without_data(text: str) -> str:
    """Remove what is Vietnamese in an English chart on purpose: names of places and plan documents
    (the source line cites the plan by its Vietnamese title)."""
    text = text.split("Source:")[0]
    return re.sub(r"(Kế hoạch|Xã|Phường|Thị trấn|Huyện|Thành phố)[^;,()\n]*", "", text)


def test_tier_ids_are_not_shown(drawn):
    for (name, lang), (fig, _) in drawn.items():
        for txt in texts_of(fig):
            assert not re.search(r"\b(chairman|police_director|district_chairman)\b", txt), f"{name}/{lang}: {txt!r}"


def test_chart_messages_exist_in_both_languages():
    keys = [k for k in catalogue() if k.startswith("charts")]
    assert len(keys) > 60
    for k in keys:
        vi, en = catalogue()[k].get("vi"), catalogue()[k].get("en")
        assert vi and en, k
        assert english_leaks(re.sub(r"\{[^{}]*\}", " ", vi)) == [], (k, vi)


def test_a_bad_tornado_table_is_told_in_vietnamese():
    with pytest.raises(ValueError, match="bảng cần có các cột effect_low, effect_high"):
        charts.tornado(pd.DataFrame({"parameter": ["uplift.city"], "low": [0.1], "high": [0.2]}))
    with using_lang("en"), pytest.raises(ValueError, match="expected columns effect_low, effect_high"):
        charts.tornado(pd.DataFrame({"parameter": ["uplift.city"], "low": [0.1], "high": [0.2]}))


def test_pick_is_a_deprecated_shim():
    with pytest.warns(DeprecationWarning):
        assert style.pick("có", "yes", "en") == "yes"


def test_charts_follow_the_context_language(data):
    with using_lang("en"):
        fig = charts.gate_pass_rates(data["st"], data["scheme"])
    assert fig._emusim_lang == "en"
    assert t("charts.gates_title", "en") in " ".join(texts_of(fig))


def main(folder: str) -> None:  # pragma: no cover - the exercise of issue 14: look at the PNGs
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    d = _data()
    for lang in ("vi", "en"):
        for name, make in cases(d, lang).items():
            fig = make()
            style.save(fig, out / f"{name}_{lang}", ("png",), dpi=110, force=True)
            if lang == "vi":
                leaks = {txt: english_leaks(txt, allow=data_words()) for txt in texts_of(fig)}
                print(name, {k: v for k, v in leaks.items() if v} or "ok")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/charts_vi")
