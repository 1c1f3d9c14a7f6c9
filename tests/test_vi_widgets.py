"""Issue 14 for the dashboard: every label, option, title and HTML text of the page is Vietnamese
(``english_leaks == []``), English on the language switch; reasons from the engine's reason_code,
adjustments with the plan's wording beside the path, the import report in NFC.

The page is walked as a widget tree (what the browser draws): ``description``, ``placeholder``,
``tooltip``, option labels, tab and accordion titles, and the visible text of every HTML value.
What is shown on purpose as code — the command line that reproduces the scenario and the link's
query — is left out, as is the language switch's own "English".
"""
from __future__ import annotations

import html as H
import re
import unicodedata
from pathlib import Path

import pytest

import emusim as es
from emusim.i18n import catalogue, placeholders, t, using_lang
from emusim.i18n.leaks import english_leaks, words_of

pytest.importorskip("ipywidgets")
from emusim.widgets.dashboard import Dashboard  # noqa: E402
from emusim.widgets.sources import report_html  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def texts(w, seen=None):
    """Every string of the widget tree that a person reads."""
    seen = set() if seen is None else seen
    if id(w) in seen:
        return
    seen.add(id(w))
    for attr in ("description", "placeholder", "tooltip"):
        v = getattr(w, attr, None)
        if isinstance(v, str) and v.strip("\u200b "):
            yield v
    v = getattr(w, "value", None)
    if isinstance(v, str) and v and not hasattr(w, "_options_labels"):   # a menu's value is an id; its label is read
        yield v
    labels = list(getattr(w, "_options_labels", ()) or ())
    if labels != ["Tiếng Việt", "English"]:
        yield from labels
    yield from (x for x in (getattr(w, "titles", ()) or ()) if x)
    for c in getattr(w, "children", ()) or ():
        yield from texts(c, seen)


def visible(s: str) -> str:
    s = re.sub(r"<style.*?</style>|<script.*?</script>", " ", s, flags=re.S)
    s = re.sub(r"<div class='emusim-cli'>.*?</div>|<a class='emusim-url'[^>]*>.*?</a>", " ", s, flags=re.S)
    s = re.sub(r"\s(?:href|title|download|class|style|data-id)='[^']*'", " ", s)
    # "(proportional_basis=rate)": the path beside its wording (leaks only skips dotted paths)
    s = re.sub(r"\((?:[a-z_]+)=[^)\s]*\)", " ", s)
    return " ".join(H.unescape(re.sub(r"<[^>]+>", " ", s)).split())


@pytest.fixture(scope="module")
def allow():
    names = set()
    for r in ("ha_giang_2023", "lao_cai_2023", "tuyen_quang_2023"):
        names |= set(es.load_registry(r)["name"].astype(str))
    return frozenset(w for n in names for w in words_of(n))


def leaks(d, allow):
    return [(english_leaks(visible(s), allow), visible(s)[:200]) for s in texts(d.widget)
            if english_leaks(visible(s), allow)]


@pytest.mark.parametrize("query", [
    "plan=ha_giang_186_2023&level=commune",
    "plan=ha_giang_186_2023&level=commune&set=uplift.city%3D0.3&set=gates.G3.mode%3Dsoft&set=proportional_basis%3Drate",
    "plan=lao_cai_cds_2022&level=commune&set=awards.chairman.quota%3D3",
    "plan=tuyen_quang_kh21_2025",
])
def test_every_text_of_the_page_is_vietnamese(query, allow):
    d = Dashboard(query=query)
    if d.explorer is not None:
        d._w_tabs.selected_index = 1          # the A/B panel too
        d._render_compare()
    assert leaks(d, allow) == []
    assert sum(1 for _ in texts(d.widget)) > 20


def test_adjustments_show_the_plan_wording_beside_the_path():
    d = Dashboard(query="plan=ha_giang_186_2023&level=commune&set=uplift.city%3D0.3&set=gates.G3.mode%3Dsoft")
    d._w_tabs.selected_index = 1
    d._render_compare()
    want = "Mức nâng chỉ tiêu — phường, xã của thành phố: +30 điểm % (uplift.city=0.3)"
    assert want in H.unescape(d._w_compare.value) and want in H.unescape(d.explorer.diff_html())
    assert ": chỉ cảnh báo (gates.G3.mode=soft)" in H.unescape(d._w_compare.value)
    table = visible(d.explorer.table_html())
    assert "(mềm)" in table and "(soft)" not in table and "không đạt chỉ tiêu bắt buộc" in table
    # English on the switch: the same page, in English, reasons included
    d._w_lang.value = "en"
    d._render_compare()
    assert "Target uplift — wards/communes of the city: +30 pp (uplift.city=0.3)" in H.unescape(d._w_compare.value)
    table = visible(d.explorer.table_html())
    assert "gate failed" in table and "không đạt" not in table
    strings = [visible(s) for s in texts(d.widget)]
    assert "Back to the plan" in strings and "Versus the plan as written" in " ".join(strings)


def test_months_are_written_the_readers_way():
    d = Dashboard(query="plan=ha_giang_186_2023&level=commune")
    menu = d.explorer._controls["period"]
    assert ("11/2023", "2023-11") in list(zip(menu._options_labels, menu._options_values))
    d._w_lang.value = "en"
    assert "2023-11" in d.explorer._controls["period"]._options_labels and d.explorer._controls["period"].value == "2023-11"


def test_import_report_is_nfc_and_vietnamese(allow):
    d = Dashboard(query="plan=lao_cai_cds_2022&level=commune")
    path = SAMPLES / "lao_cai_communes_2025-06_long.xlsx"
    d._on_upload({"new": ({"name": path.name, "content": memoryview(path.read_bytes())},)})
    value = d._w_report.value
    assert unicodedata.is_normalized("NFC", value) and "font-family:monospace" not in value
    assert "Độ phủ" in visible(value) and "coverage" not in visible(value)
    assert english_leaks(visible(value), allow) == []
    panel = d._uploads["file:" + path.name]
    decomposed = unicodedata.normalize("NFD", "Đã đọc")
    assert decomposed not in report_html(panel, "vi")
    assert "Coverage" in report_html(panel, "en")


def test_explorer_errors_are_vietnamese(hg_plan, hg_registry):
    from emusim.widgets import Explorer

    with pytest.raises(es.InputError) as exc:
        Explorer(hg_plan, es.simulate(hg_registry, seed=1), level="agency_tasks", registry=hg_registry, build=False)
    assert "theo dõi nhiệm vụ" in str(exc.value) and english_leaks(str(exc.value)) == []
    with using_lang("en"):
        assert "tasks scheme" in str(exc.value)


def test_every_message_of_the_dashboard_is_vietnamese_and_english():
    msgs = {k: v for k, v in catalogue().items() if k.startswith("widgets.")}
    for key, texts_ in msgs.items():
        assert texts_.get("vi") and texts_.get("en"), key
        assert placeholders(texts_["vi"]) == placeholders(texts_["en"]), key
        vi = t(key, "vi", **{p: "X" for p in placeholders(texts_["vi"])})
        assert english_leaks(vi) == [], (key, vi)


def test_vietnamese_text_is_never_set_in_a_monospace_face():
    """DejaVu Sans Mono has no ố, ể, ề: Chromium draws their marks detached (the chips of the
    adjustments, the failed-gates column and the import report are Vietnamese text)."""
    from emusim.widgets.text import CSS

    for rule in ("chip", "td.fail"):
        css = next(line for line in CSS.splitlines() if rule in line and "{" in line)
        block = CSS[CSS.index(css):].split("}")[0]
        assert "Mono" not in block and "monospace" not in block, rule
