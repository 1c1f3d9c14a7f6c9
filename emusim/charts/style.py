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
* **Language**: every chart takes ``lang="vi"`` (default; labels as in the plan) or
  ``"en"`` (the scenario files' ``label_en``). Numbers are written the Vietnamese way in
  ``vi`` (``282,3``; ``13 %``) and the English way in ``en``.
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

FONT = "DejaVu Sans"
WIDTH = 7.5                       # inches: A4 width minus margins
DPI = 200
LANGS = ("vi", "en")

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
WORDS = {
    "source": ("Nguồn", "Source"),
    "simulated": ("dữ liệu mô phỏng", "simulated data"),
    "observed": ("dữ liệu báo cáo", "reported data"),
    "seed": ("seed", "seed"),
    "period": ("kỳ đánh giá", "evaluation month"),
    "points": ("điểm", "points"),
    "total": ("Tổng điểm", "Total score"),
    "rank": ("Thứ hạng", "Rank"),
    "no_award": ("Đủ điều kiện, không được khen", "Eligible, no award"),
    "not_eligible": ("Không đủ điều kiện (trượt chỉ tiêu bắt buộc)", "Not eligible (failed a mandatory target)"),
    "not_eligible_std": ("Chưa đạt tiêu chuẩn", "Standard not met"),
    "cutoff": ("Điểm thấp nhất được", "Lowest total awarded"),
    "bonus": ("Điểm cộng", "Bonus"),
    "deduction": ("Điểm trừ", "Deductions"),
    "units": ("đơn vị", "units"),
    "plan": ("Kế hoạch", "Plan"),
}

URBAN_LABELS = {
    "rural": ("Xã nông thôn", "Rural commune"),
    "district_town": ("Thị trấn huyện lỵ", "District township"),
    "town": ("Phường, xã của thị xã", "Ward/commune of a town"),
    "city": ("Phường, xã của thành phố", "Ward/commune of the city"),
    "former_township": ("Xã có thị trấn cũ", "Xã with a former township"),
    "former_city": ("Xã thuộc thành phố cũ", "Xã of the former city"),
    "ward": ("Phường", "Ward (phường)"),
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    return lang


def nfc(text) -> str:
    """Text in Unicode NFC (precomposed Vietnamese letters, one glyph each)."""
    return unicodedata.normalize("NFC", str(text)) if text is not None else ""


def pick(vi: str, en: str, lang: str) -> str:
    return nfc(en if lang == "en" else vi)


def word(key: str, lang: str) -> str:
    vi, en = WORDS[key]
    return pick(vi, en, lang)


def label_of(obj, lang: str, fallback: str = "") -> str:
    """``obj.label`` (vi) or ``obj.label_en`` (en), falling back to the other, then to the id."""
    vi = getattr(obj, "label", "") or ""
    en = getattr(obj, "label_en", "") or ""
    text = (en or vi) if lang == "en" else (vi or en)
    return nfc(text or fallback or getattr(obj, "id", ""))


def urban_label(urban_class: str, lang: str) -> str:
    vi, en = URBAN_LABELS.get(urban_class, (urban_class, urban_class))
    return pick(vi, en, lang)


def num(x, lang: str = "vi", nd: int = 1) -> str:
    """A number the reader's way: ``282,3`` (vi) or ``282.3`` (en); thousands with ``.``/``,``."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if v != v:
        return "–"
    text = f"{v:,.{nd}f}"
    if nd > 0:
        text = text.rstrip("0").rstrip(".") if "." in text else text
    if lang == "vi":
        text = text.replace(",", "\u0001").replace(".", ",").replace("\u0001", ".")
    return text.replace("-", "−")


def _hundredths(x, lang: str, nd: int, sign: bool) -> str:
    """``x × 100`` written with :func:`num`, with a ``+`` when ``sign`` and positive."""
    v = float(x) * 100
    text = num(v, lang, nd)
    return "+" + text if sign and v > 0 else text


def pct(x, lang: str = "vi", nd: int = 0, sign: bool = False) -> str:
    """A fraction as a percentage: ``13 %`` (vi, with the customary space) or ``13%`` (en)."""
    text = _hundredths(x, lang, nd, sign)
    return f"{text} %" if lang == "vi" else f"{text}%"


def pp(x, lang: str = "vi", nd: int = 0, sign: bool = True) -> str:
    """Percentage points: ``+5 %`` in vi (the plans' own wording, "tăng thêm 5 %"), ``+5 pp`` in en."""
    text = _hundredths(x, lang, nd, sign)
    return f"{text} %" if lang == "vi" else f"{text} pp"


OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def op(symbol: str) -> str:
    return OPS.get(symbol, symbol)


def tier_colors(tier_ids: Iterable[str]) -> dict[str, str]:
    return {t: TIER_COLORS[i % len(TIER_COLORS)] for i, t in enumerate(tier_ids)}


def tier_label(scheme, tier_id, lang: str) -> str:
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


def document_name(plan=None, scheme=None, lang: str = "vi") -> str:
    """The plan's document, as a reader cites it ("Kế hoạch 186/KH-UBND (Hà Giang)")."""
    if plan is not None:
        doc, province = plan.document or plan.id, plan.province
    elif scheme is not None and scheme.plan_id:
        doc, province = _plan_meta(scheme.plan_id)
    else:
        return ""
    doc = nfc(doc)
    # a Vietnamese title ("Kế hoạch …") is a proper name: kept as it is in en too
    if lang in LANGS and not doc.lower().startswith("kế hoạch"):
        doc = f"{'Plan' if lang == 'en' else 'Kế hoạch'} {doc}"
    return f"{doc} ({nfc(province)})" if province and nfc(province) not in doc else doc


def source_note(plan=None, scheme=None, seed=None, period=None, data: str | None = None,
                lang: str = "vi", extra: str | None = None) -> str:
    """The source line under a chart.

    >>> source_note(seed=7, period="2023-11", lang="en")
    'Source: simulated data (emusim), seed 7; evaluation month 2023-11'
    """
    parts = []
    doc = document_name(plan, scheme, lang)
    if doc:
        ref = getattr(getattr(scheme, "source", None), "ref", None)
        parts.append(doc + (f", {nfc(ref)}" if ref else ""))
    if data:
        parts.append(nfc(data))
    elif seed is not None:
        parts.append(f"{word('simulated', lang)} (emusim), seed {seed}")
    tail = []
    if period is not None:
        tail.append(f"{word('period', lang)} {period}")
    if extra:
        tail.append(nfc(extra))
    text = "; ".join(t for t in (", ".join(parts), *tail) if t)
    return f"{word('source', lang)}: {text}" if text else f"{word('source', lang)}: emusim"


def default_source(scheme=None, lang: str = "vi") -> str:
    return source_note(scheme=scheme, lang=lang, data="tính toán bằng emusim" if lang == "vi" else "computed with emusim")


# ----------------------------------------------------------------------------- figure helpers
def styled(func):
    """Run a chart function inside the house rc context, check ``lang``, apply the font."""

    @functools.wraps(func)
    def wrapper(*args, lang: str = "vi", **kwargs):
        check_lang(lang)
        with matplotlib.rc_context(RC):
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
    """Title and subtitle at the top left, source note at the bottom left, tight layout."""
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
