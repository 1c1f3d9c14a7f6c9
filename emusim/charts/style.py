"""House style for every emusim chart: fonts, colours, language switch, title and source note.

Decisions
---------
* **Font**: DejaVu Sans. It ships with matplotlib (so it is present on every machine that
  can draw a chart) and covers the whole Vietnamese alphabet, stacked diacritics included
  ("Bằng khen", "Nguyễn Trãi", "Lũng Cú"). Every text object of a chart is given this
  family explicitly; :func:`missing_glyphs` checks a figure's text against the font's
  character map.
* **No global state**: charts are :class:`matplotlib.figure.Figure` objects made without
  pyplot, inside :func:`matplotlib.rc_context` — the caller's ``rcParams`` are untouched
  and nothing accumulates in pyplot's figure manager.
* **Size**: 7.5 in wide (fits an A4 page with 2 cm margins at 100 %); text 8.5–13 pt;
  PNG at 200 dpi.
* **Language**: every chart takes ``lang="vi"`` (the default language; labels as in the
  plan) or ``"en"`` (the scenario files' ``label_en``); ``None`` follows
  :func:`emusim.i18n.using_lang`. Every word is a message of ``messages/charts.yaml``.
  Numbers, ticks included, are written the Vietnamese way in ``vi`` (``282,3``; ``13 %``;
  ``11/2023``) and the English way in ``en``.
* **Layout**: title (bold, top left), optional subtitle (grey), the plot, and a source note
  at the bottom left ("Nguồn: …; dữ liệu mô phỏng, seed …").
"""
from __future__ import annotations

import functools
import textwrap
import unicodedata
import warnings
from pathlib import Path
from typing import Iterable

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

from ..i18n import LANGS, catalogue, check_lang as _check_lang, fmt_month, fmt_number, get_lang, t, using_lang

FONT = "DejaVu Sans"
WIDTH = 7.5                       # inches: A4 width minus margins
DPI = 200

INK = "#1d2733"
MUTED = "#5f6b78"
GRID = "#e3e7ec"
ACCENT = "#1f4e79"
ELIGIBLE = "#8da2b5"              # eligible, no award
INELIGIBLE = "#d5dbe1"            # failed a hard gate / standard
FAIL = "#b03a2e"                  # failed-gate markers
PASS = "#3a8a5c"
TIER_COLORS = ("#c0392b", "#e0a31a", "#7b5ea7", "#2e86ab", "#6d4c41")
GROUP_COLORS = ("#1f4e79", "#2e86ab", "#57a773", "#a7c957", "#f2c14e", "#f78154",
                "#b4436c", "#5d576b", "#9bc1bc", "#6d4c41")
BONUS_COLOR = "#2a9d8f"
DEDUCTION_COLOR = "#c0392b"
URBAN_COLORS = {"rural": "#57a773", "district_town": "#e0a31a", "town": "#b4436c", "city": "#1f4e79",
                "former_township": "#e0a31a", "former_city": "#5b7fa6", "ward": "#1f4e79"}
URBAN_ORDER = ("rural", "district_town", "town", "city", "former_township", "former_city", "ward")

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.edgecolor": "#9aa5b1",
    "axes.labelcolor": INK,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "text.color": INK,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "pdf.fonttype": 3,            # glyph subsets as Type 3: exact Vietnamese glyphs, half the time of Type 42
    "svg.fonttype": "none",
}

# ----------------------------------------------------------------------------- words
# Every text of a chart is a message of emusim/i18n/messages/charts.yaml, rendered with t().


def check_lang(lang: str | None) -> str:
    """``lang`` if it is ``vi`` or ``en``; ``None``: the current language (:func:`emusim.i18n.using_lang`)."""
    return _check_lang(lang)


def nfc(text) -> str:
    """Text in Unicode NFC (precomposed Vietnamese letters, one glyph each)."""
    return unicodedata.normalize("NFC", str(text)) if text is not None else ""


def pick(vi: str, en: str, lang: str | None = None) -> str:
    """Deprecated: inline (vi, en) pairs; put the text in the message catalogue and use :func:`emusim.i18n.t`."""
    warnings.warn("emusim.charts.style.pick is deprecated: use emusim.i18n.t with a catalogue message",
                  DeprecationWarning, stacklevel=2)
    return nfc(en if check_lang(lang) == "en" else vi)


def label_of(obj, lang: str | None = None, fallback: str = "") -> str:
    """``obj.label`` (vi) or ``obj.label_en`` (en), falling back to the other, then to the id."""
    vi = getattr(obj, "label", "") or ""
    en = getattr(obj, "label_en", "") or ""
    text = (en or vi) if check_lang(lang) == "en" else (vi or en)
    return nfc(text or fallback or getattr(obj, "id", ""))


def urban_label(urban_class: str, lang: str | None = None) -> str:
    """The name of an urban class (``city`` → "Phường, xã của thành phố").

    >>> urban_label("city", "vi"), urban_label("rural", "en"), urban_label("other", "vi")
    ('Phường, xã của thành phố', 'Rural commune', 'other')
    """
    key = f"charts.urban_{urban_class}"
    return nfc(t(key, lang)) if key in catalogue() else nfc(urban_class)


def join(items, lang: str | None = None) -> str:
    """"A, B và C" / "A, B and C".

    >>> join(["A", "B", "C"], "vi"), join(["A"], "en")
    ('A, B và C', 'A')
    """
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + t("charts.and", lang) + items[-1]


def num(x, lang: str | None = None, nd: int = 1) -> str:
    """A number the reader's way: ``282,3`` (vi) or ``282.3`` (en); thousands with ``.``/``,``;
    at most ``nd`` decimals, no trailing zeros (:func:`emusim.i18n.fmt_number`).

    >>> num(1234.5, "vi"), num(-2.25, "en", 2), num(float("nan"))
    ('1.234,5', '−2.25', '–')
    """
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if v != v:
        return "–"
    return fmt_number(v, check_lang(lang), nd).replace("-", "−")


def _hundredths(x, lang: str | None, nd: int, sign: bool) -> str:
    """``x × 100`` written with :func:`num`, with a ``+`` when ``sign`` and positive."""
    v = float(x) * 100
    text = num(v, lang, nd)
    return "+" + text if sign and v > 0 else text


def pct(x, lang: str | None = None, nd: int = 0, sign: bool = False) -> str:
    """A fraction as a percentage: ``13 %`` (vi, with the customary space) or ``13%`` (en)."""
    text = _hundredths(x, lang, nd, sign)
    return f"{text} %" if check_lang(lang) == "vi" else f"{text}%"


def pp(x, lang: str | None = None, nd: int = 0, sign: bool = True) -> str:
    """Percentage points: ``+5 %`` in vi (the plans' own wording, "tăng thêm 5 %"), ``+5 pp`` in en."""
    text = _hundredths(x, lang, nd, sign)
    return f"{text} %" if check_lang(lang) == "vi" else f"{text} pp"


def month(period, lang: str | None = None) -> str:
    """A month the reader's way: ``11/2023`` (vi) or ``2023-11`` (en); a date or period's month part.

    >>> month("2023-11", "vi"), month("2023-11", "en")
    ('11/2023', '2023-11')
    """
    head = str(period)[:7]
    if fmt_month(head, "vi") == head:   # not a month: as given
        return str(period)
    return fmt_month(head, lang)


def number_formatter(lang: str | None = None, nd: int = 3, suffix: str = ""):
    """A tick formatter writing numbers the reader's way (:func:`num`)."""
    from matplotlib.ticker import FuncFormatter

    lang = check_lang(lang)
    return FuncFormatter(lambda v, _pos: num(v, lang, nd) + suffix)


def percent_formatter(lang: str | None = None, nd: int = 0):
    """A tick formatter for fractions as percentages (:func:`pct`)."""
    from matplotlib.ticker import FuncFormatter

    lang = check_lang(lang)
    return FuncFormatter(lambda v, _pos: pct(v, lang, nd))


def localise_ticks(fig: Figure, lang: str | None = None) -> None:
    """Give every axis still on matplotlib's default number formatter the reader's one
    (``0,5`` and ``1.000`` in Vietnamese)."""
    from matplotlib.ticker import ScalarFormatter

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(number_formatter(lang))


OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def op(symbol: str) -> str:
    return OPS.get(symbol, symbol)


def tier_colors(tier_ids: Iterable[str]) -> dict[str, str]:
    return {t: TIER_COLORS[i % len(TIER_COLORS)] for i, t in enumerate(tier_ids)}


def tier_label(scheme, tier_id, lang: str | None = None) -> str:
    """The plan's name of an award tier (never its id, unless the scheme does not know it)."""
    if scheme is not None:
        for t in scheme.awards.tiers:
            if t.id == tier_id:
                return label_of(t, lang)
    return nfc(tier_id)


def short_name(name: str) -> str:
    return nfc(name)


# ----------------------------------------------------------------------------- source note
@functools.lru_cache(maxsize=32)
def _plan_meta(plan_id: str) -> tuple[str, str]:
    try:
        from ..loader import load_plan

        plan = load_plan(plan_id)
        return plan.document or plan_id, plan.province or ""
    except Exception:  # noqa: BLE001 - a note must never break a chart
        return plan_id, ""


def document_name(plan=None, scheme=None, lang: str | None = None) -> str:
    """The plan's document, as a reader cites it ("Kế hoạch 186/KH-UBND (Hà Giang)")."""
    if plan is not None:
        doc, province = plan.document or plan.id, plan.province
    elif scheme is not None and scheme.plan_id:
        doc, province = _plan_meta(scheme.plan_id)
    else:
        return ""
    doc = nfc(doc)
    # a Vietnamese title ("Kế hoạch …") is a proper name: kept as it is in en too
    if not doc.lower().startswith("kế hoạch"):
        doc = t("charts.plan_document", lang, doc=doc)
    return f"{doc} ({nfc(province)})" if province and nfc(province) not in doc else doc


def source_note(plan=None, scheme=None, seed=None, period=None, data: str | None = None,
                lang: str | None = None, extra: str | None = None) -> str:
    """The source line under a chart.

    >>> source_note(seed=7, period="2023-11", lang="en")
    'Source: simulated data (emusim), seed 7; evaluation month 2023-11'
    >>> source_note(seed=7, period="2023-11", lang="vi")
    'Nguồn: dữ liệu mô phỏng (emusim), seed 7; kỳ đánh giá 11/2023'
    """
    lang = check_lang(lang)
    parts = []
    doc = document_name(plan, scheme, lang)
    if doc:
        ref = getattr(getattr(scheme, "source", None), "ref", None)
        parts.append(doc + (f", {nfc(ref)}" if ref else ""))
    if data:
        parts.append(nfc(data))
    elif seed is not None:
        parts.append(t("charts.simulated", lang, seed=str(seed)))
    tail = []
    if period is not None:
        tail.append(t("charts.period", lang, period=month(period, lang)))
    if extra:
        tail.append(nfc(extra))
    text = "; ".join(x for x in (", ".join(parts), *tail) if x)
    return nfc(t("charts.source", lang, text=text) if text else t("charts.source_default", lang))


def default_source(scheme=None, lang: str | None = None) -> str:
    return source_note(scheme=scheme, lang=lang, data=t("charts.computed", lang))


# ----------------------------------------------------------------------------- figure helpers
def styled(func):
    """Run a chart function inside the house rc context and in its language (``lang=None``:
    the current one), apply the font."""

    @functools.wraps(func)
    def wrapper(*args, lang: str | None = None, **kwargs):
        lang = check_lang(lang)
        with matplotlib.rc_context(RC), using_lang(lang):
            fig = func(*args, lang=lang, **kwargs)
            apply_font(fig)
        fig._emusim_lang = lang
        return fig

    return wrapper


def new_figure(height: float, width: float = WIDTH) -> Figure:
    return Figure(figsize=(width, height), dpi=100)


def _wrap(text: str, width_in: float, size: float, bold: bool = False) -> str:
    chars = max(20, int(width_in * 72 / (size * (0.64 if bold else 0.56))))
    return "\n".join(textwrap.fill(line, chars) for line in nfc(text).split("\n"))


def finish(fig: Figure, title: str, subtitle: str | None = None, source: str | None = None,
           legend_below: bool = False) -> Figure:
    """Title and subtitle at the top left, source note at the bottom left, tight layout; numbers
    on the axes in the chart's language (:func:`localise_ticks`)."""
    localise_ticks(fig, get_lang())
    w, h = fig.get_size_inches()
    title = _wrap(title, w - 0.3, 12.5, bold=True)
    n_title = title.count("\n") + 1
    top_in = 0.12 + 0.23 * n_title
    fig.text(0.012, 1 - 0.1 / h, title, ha="left", va="top", fontsize=12.5, fontweight="bold", color=INK)
    if subtitle:
        subtitle = _wrap(subtitle, w - 0.3, 9)
        n_sub = subtitle.count("\n") + 1
        fig.text(0.012, 1 - top_in / h, subtitle, ha="left", va="top", fontsize=9, color=MUTED)
        top_in += 0.06 + 0.165 * n_sub
    bottom_in = 0.08
    if source:
        source = _wrap(source, w - 0.3, 7.5)
        n_src = source.count("\n") + 1
        fig.text(0.012, 0.06 / h, source, ha="left", va="bottom", fontsize=7.5, color=MUTED)
        bottom_in += 0.14 * n_src + 0.06
    rect = (0.0, bottom_in / h, 1.0, 1 - (top_in + 0.05) / h)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Tt]ight.?layout.*")
        fig.tight_layout(rect=rect, pad=0.6)
    fig._emusim_title = nfc(title.replace("\n", " "))
    return fig


def apply_font(fig: Figure, family: str = FONT) -> None:
    """Draw once (so ticks exist) and give every text object the house font family."""
    try:
        fig.draw_without_rendering()
    except Exception:  # noqa: BLE001 - drawing problems surface at save time
        pass
    for t in fig.findobj(Text):
        t.set_fontfamily(family)


def style_axis(ax, grid: str = "x") -> None:
    ax.set_axisbelow(True)
    if grid:
        ax.grid(axis=grid, color=GRID, linewidth=0.7)
    ax.tick_params(length=2.5, width=0.6)


def save(fig: Figure, path: str | Path, formats: Iterable[str] = ("png",), dpi: int = DPI,
         force: bool = False) -> list[Path]:
    """Save ``fig`` as ``path`` with each suffix in ``formats`` (atomically; an existing file
    is replaced only with ``force``); returns the paths."""
    from ..io import atomic_write

    path = Path(path)
    out = []
    with matplotlib.rc_context(RC):
        for fmt in formats:
            target = path.with_suffix("." + fmt)
            atomic_write(target, lambda p, fmt=fmt: fig.savefig(p, format=fmt, dpi=dpi, facecolor="white",
                                                                metadata=_metadata(fig, fmt)), force=force)
            out.append(target)
    return out


def _metadata(fig: Figure, fmt: str) -> dict:
    title = getattr(fig, "_emusim_title", "emusim")
    if fmt == "pdf":
        return {"Title": title, "Creator": "emusim"}
    if fmt == "png":
        return {"Title": title, "Software": "emusim"}
    return {}


# ----------------------------------------------------------------------------- glyph checks
@functools.lru_cache(maxsize=8)
def _charmap(family: str) -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    return frozenset(FT2Font(path).get_charmap())


def font_path(family: str = FONT) -> str:
    from matplotlib import font_manager

    return font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)


def missing_glyphs(fig_or_text, family: str = FONT) -> set[str]:
    """Characters of a figure's text (or of a string) that ``family`` cannot draw."""
    cmap = _charmap(family)
    if isinstance(fig_or_text, str):
        texts = [fig_or_text]
    else:
        texts = [t.get_text() for t in fig_or_text.findobj(Text)]
    return {ch for text in texts for ch in nfc(text) if not ch.isspace() and ord(ch) not in cmap}


def text_objects(fig: Figure) -> list[Text]:
    """The figure's visible, non-empty text objects."""
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
