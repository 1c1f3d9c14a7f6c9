"""An interactive explorer of one scheme: move a control, see who gets an award (DESIGN §7).

``Explorer(plan, panel, level=None, registry=None)`` builds its controls from
``scheme.parameters()`` — urban uplift per class, criterion and gate targets, group maxima,
award quotas and nomination slots, the proportional basis, gate modes — plus the evaluation
month and the display language (vi/en). Every change re-scores, re-allocates and redraws:

* a headline (units, eligible, nominated, awards given, gains and losses);
* the ranking chart with each tier's cut-off;
* the award table (rank, unit, district, class, total, award, failed gates, reason, change),
  an HTML table in Vietnamese or English;
* the diff against the plan as written (same month, unadjusted scheme): who gains, who
  loses an award, who changes tier;
* an export of the current award list (``.xlsx`` or ``.csv`` through
  :func:`emusim.io.write_table`) and the ``emusim award … --set …`` line that reproduces it.

Programmatic use (tests, notebooks)::

    ex = Explorer(plan, panel, level="commune")
    ex.set("uplift.city", 0.30)          # same as moving the slider
    ex.award_table                        # allocate() output + failed_gates, change
    ex.changes                            # {"uplift.city": 0.3}: the adjust() dict vs the plan
    ex.diff                               # units whose award differs from the plan as written
    ex.cli_command()                      # 'emusim award --plan … --set uplift.city=0.3 …'
    ex.export("awards.xlsx")
    ex.widget                             # the ipywidgets container (displayed by ``ex``)

``set`` also accepts ``"period"`` (``"2023-10"``) and ``"lang"`` (``"vi"``/``"en"``). A bad
value raises :class:`emusim.AdjustError` and leaves everything as it was; from a control, the
message is shown under the headline instead.

Decisions: the baseline of the diff is the unadjusted scheme *at the month being viewed*
(so the diff shows what the reform changes, not what a month changes). The command line
reproduces the view when the panel came from ``simulate(registry, seed=N)`` with its default
months (``--seed N``) or from ``read_observations(file)`` (``--data file``).
"""
from __future__ import annotations

import html
import math
import re
import shlex
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .allocate import allocate
from .engine import score
from .errors import AdjustError, EmusimError, InputError, Problem
from .allocate import reason_text as _reason_text, reasons as _reasons
from .model import URBAN_CLASSES, Plan, Scheme

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------- words
#: UI strings: key → (Vietnamese, English)
TEXT: dict[str, tuple[str, str]] = {
    "uplift": ("Nâng chỉ tiêu cho khu vực đô thị (điểm %, 0–1)", "Urban uplift (percentage points, 0–1)"),
    "awards": ("Khen thưởng: số lượng và đề cử", "Awards: quotas and nomination"),
    "gates": ("Chỉ tiêu bắt buộc (phải hoàn thành)", "Mandatory targets (gates)"),
    "targets": ("Chỉ tiêu của các tiêu chí (tỷ lệ 0–1)", "Criterion targets (fractions 0–1)"),
    "groups": ("Điểm tối đa của nhóm tiêu chí", "Group maxima (criteria rescaled)"),
    "basis": ("Cách tính điểm tỷ lệ", "Proportional basis"),
    "period": ("Tháng đánh giá", "Evaluation month"),
    "lang": ("Ngôn ngữ", "Language"),
    "reset": ("Về kế hoạch gốc", "Back to the plan"),
    "nocap": ("không giới hạn", "no cap"),
    "per_parent": ("Số đề cử mỗi đơn vị cấp trên", "Nominees per parent unit"),
    "extra_per_parent": ("Đề cử thêm (đơn vị có nhiều xã)", "Extra nominees (large parents)"),
    "extra_min_children": ("Số đơn vị con tối thiểu để đề cử thêm", "Children needed for the extra nominee"),
    "rank": ("Hạng", "Rank"),
    "unit": ("Đơn vị", "Unit"),
    "parent": ("Cấp trên", "Parent"),
    "class": ("Khu vực", "Class"),
    "total": ("Tổng điểm", "Total"),
    "total_std": ("Số tiêu chí đạt", "Standards met"),
    "award": ("Khen thưởng", "Award"),
    "failed": ("Không đạt (bắt buộc)", "Failed gates"),
    "reason": ("Lý do", "Reason"),
    "change": ("So với KH", "vs plan"),
    "gain": ("▲ được thêm", "▲ gains"),
    "loss": ("▼ mất", "▼ loses"),
    "tier_change": ("◆ đổi hạng", "◆ tier change"),
    "show": ("Hiển thị", "Show"),
    "show_all": ("tất cả", "all"),
    "show_awarded": ("được khen", "awarded"),
    "show_changed": ("thay đổi", "changed"),
    "show_eligible": ("đủ điều kiện", "eligible"),
    "export": ("Xuất danh sách", "Export award list"),
    "export_path": ("Tệp (.xlsx/.csv)", "File (.xlsx/.csv)"),
    "overwrite": ("ghi đè", "overwrite"),
    "cli": ("Dòng lệnh tái tạo kịch bản này", "Command line that reproduces this scenario"),
    "diff_title": ("So với kế hoạch như ban hành", "Versus the plan as written"),
    "no_change": ("Chưa điều chỉnh gì: đang xem kế hoạch như ban hành.",
                  "No adjustment: this is the plan as written."),
    "same_awards": ("Danh sách khen thưởng không đổi.", "The award list is unchanged."),
    "gains": ("Được thêm khen thưởng", "Gain an award"),
    "losses": ("Mất khen thưởng", "Lose an award"),
    "tier_changes": ("Đổi mức khen thưởng", "Change tier"),
    "adjusted": ("Điều chỉnh", "Adjustments"),
    "units": ("đơn vị", "units"),
    "eligible": ("đủ điều kiện", "eligible"),
    "nominated": ("được đề cử", "nominated"),
    "none": ("—", "—"),
    "soft": ("mềm", "soft"),
    "hard_opt": ("bắt buộc", "hard"),
    "soft_opt": ("chỉ cảnh báo", "soft"),
    "cutoff": ("Ngưỡng", "Cut-off"),
    "chart_x": ("Tổng điểm", "Total points"),
    "chart_x_std": ("Số tiêu chí đạt", "Standards met"),
    "not_eligible": ("không đủ điều kiện", "not eligible"),
    "not_nominated": ("đủ điều kiện, không được đề cử", "eligible, not nominated"),
    "nominee": ("được đề cử, không có khen thưởng", "nominated, no award"),
    "updated": ("cập nhật trong", "updated in"),
    "written": ("Đã ghi", "Wrote"),
    "rows": ("dòng", "rows"),
}

URBAN_LABELS = {
    "rural": ("nông thôn", "rural"),
    "district_town": ("thị trấn", "district town"),
    "city": ("thành phố", "city"),
    "town": ("thị xã", "town"),
    "": ("—", "—"),
}

BASIS_LABELS = {
    "attainment": ("tỷ lệ ÷ chỉ tiêu × điểm tối đa", "attainment: rate ÷ target × max"),
    "rate": ("tỷ lệ × điểm tối đa", "rate × max"),
    "threshold": ("đủ điểm khi đạt chỉ tiêu", "all or nothing at the target"),
}

TIER_COLORS = ["#b8860b", "#1f5fa8", "#2e8b57", "#7b4fa0", "#8b5a2b"]
COLOR_NOMINEE = "#a9bcd6"
COLOR_ELIGIBLE = "#d4d4d4"
COLOR_INELIGIBLE = "#f2d0d0"

_CSS = """
<style>
.emusim-x {font-family: 'DejaVu Sans', 'Noto Sans', Arial, sans-serif; color:#1d2733}
.emusim-x h2 {font-size:19px; margin:2px 0 2px 0; color:#1f3b63}
.emusim-x .sub {font-size:13px; color:#4a5a6e}
.emusim-x .head {font-size:14px; line-height:1.45; background:#f3f6fa; border-left:4px solid #1f3b63;
                 padding:6px 10px; margin:2px 0}
.emusim-x .err {color:#a40000; font-size:13px; white-space:pre-wrap}
.emusim-x .box {font-size:13px; line-height:1.4}
.emusim-x .box h3 {font-size:14px; margin:4px 0; color:#1f3b63}
.emusim-x .gain {color:#17702f; font-weight:bold} .emusim-x .loss {color:#b01c1c; font-weight:bold}
.emusim-x .tierc {color:#7a5a00; font-weight:bold}
.emusim-x .chip {display:inline-block; background:#fff3c4; border:1px solid #e5cf73; border-radius:3px;
                 padding:0 5px; margin:1px 2px; font-family:'DejaVu Sans Mono', monospace; font-size:12px}
.emusim-x .lab {font-size:12.5px; line-height:1.25}
.emusim-x .lab b {font-family:'DejaVu Sans Mono', monospace; font-weight:bold; color:#1f3b63}
.emusim-scroll {max-height:520px; overflow:auto; border:1px solid #ccd6e3}
table.emusim-aw {border-collapse:collapse; font-size:12.5px; width:100%; line-height:1.3;
                 font-family:'DejaVu Sans', 'Noto Sans', Arial, sans-serif}
table.emusim-aw th {position:sticky; top:0; background:#1f3b63; color:#fff; text-align:left;
                    padding:5px 6px; font-weight:bold; z-index:1; vertical-align:bottom}
table.emusim-aw td {border-bottom:1px solid #e3e8ef; padding:3px 6px; vertical-align:top; white-space:nowrap}
table.emusim-aw td.why {white-space:normal; min-width:200px}
table.emusim-aw td.par {white-space:normal; min-width:90px}
table.emusim-aw td.num {text-align:right; font-variant-numeric:tabular-nums}
table.emusim-aw tr:nth-child(even) td {background:#f8fafc}
table.emusim-aw tr.t0 td {background:#fbf1d3} table.emusim-aw tr.t1 td {background:#e2ecf8}
table.emusim-aw tr.t2 td {background:#e1f2e8}
table.emusim-aw tr.row-gain td.chg {color:#17702f; font-weight:bold}
table.emusim-aw tr.row-loss td.chg {color:#b01c1c; font-weight:bold}
table.emusim-aw tr.row-tier td.chg {color:#7a5a00; font-weight:bold}
table.emusim-aw tr.row-loss td:first-child {box-shadow: inset 4px 0 0 #b01c1c}
table.emusim-aw tr.row-gain td:first-child {box-shadow: inset 4px 0 0 #17702f}
table.emusim-aw tr.row-tier td:first-child {box-shadow: inset 4px 0 0 #c9a227}
table.emusim-aw .badge {display:inline-block; border-radius:3px; padding:1px 6px; color:#fff; font-size:11.5px;
                        white-space:nowrap; line-height:1.25}
table.emusim-aw td.fail {color:#a40000; font-family:'DejaVu Sans Mono', monospace; font-size:11.5px;
                         white-space:normal}
.emusim-cli {font-family:'DejaVu Sans Mono', monospace; font-size:12px; background:#f4f4f4;
             border:1px solid #ddd; padding:6px; white-space:pre-wrap; word-break:break-all; user-select:all}
</style>
"""


def _t(key: str, lang: str) -> str:
    vi, en = TEXT[key]
    return en if lang == "en" else vi


def _esc(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _css_class(path: str) -> str:
    """The CSS class that marks a parameter's control (``uplift.city`` → ``emusim-uplift-city``)."""
    return "emusim-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def fmt_points(x: float, lang: str = "vi", digits: int = 2) -> str:
    """A score for reading: ``378,48`` in Vietnamese, ``378.48`` in English.

    >>> fmt_points(378.4796), fmt_points(12.0, "en"), fmt_points(float("nan"))
    ('378,48', '12', '')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang != "en" else s


def format_value(value: Any) -> str:
    """A value as it is written after ``--set PATH=`` (YAML scalars, as :func:`parse_set` reads).

    >>> format_value(0.30000000000000004), format_value(5), format_value(None), format_value("soft")
    ('0.3', '5', 'null', 'soft')
    >>> format_value(True)
    'true'
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        v = round(value, 6)
        return str(int(v)) if v.is_integer() and abs(v) >= 2 else repr(v)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return abs(float(a) - float(b)) <= 1e-9
    return a == b


def _normalise(path: str, value: Any, current: Any) -> Any:
    """Slider floats rounded (0.30000000000000004 → 0.3); quotas as int; numpy scalars unwrapped."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if path.endswith(".quota") or path.startswith("awards.nomination.") or path == "min_met":
            if value.is_integer():
                return int(value)
        return round(value, 6)
    return value


# --------------------------------------------------------------------------- reasons
_REASONS = [
    (re.compile(r"^(?P<tier>[\w.]+): (?P<k>\d+) of (?P<n>\d+) nominees$"),
     lambda m, L: f"{L['tier'](m['tier'])}: thứ {m['k']}/{m['n']} đơn vị được đề cử"),
    (re.compile(r"^not nominated by (?P<p>.+): ranked (?P<k>\d+) among its eligible units; it nominates (?P<s>\d+)$"),
     lambda m, L: f"không được {m['p']} đề cử: xếp thứ {m['k']} trong các đơn vị đủ điều kiện; chỉ đề cử {m['s']}"),
    (re.compile(r"^below cut-off by (?P<g>[\d.]+) points$"),
     lambda m, L: f"thấp hơn ngưỡng {m['g'].replace('.', ',')} điểm"),
    (re.compile(r"^below cut-off by (?P<g>[\d.]+) standards met$"),
     lambda m, L: f"thấp hơn ngưỡng {m['g'].replace('.', ',')} tiêu chí đạt"),
    (re.compile(r"^below cut-off on the tie-break chain \((?P<x>.*)\)$"),
     lambda m, L: f"bằng điểm ở ngưỡng, xếp sau theo thứ tự phân định ({m['x']})"),
    (re.compile(r"^no award left \(every quota is 0\)$"), lambda m, L: "hết số lượng khen thưởng (mọi hạn mức bằng 0)"),
    (re.compile(r"^no award tier is allocated by this scheme$"), lambda m, L: "phương án không phân bổ khen thưởng"),
    (re.compile(r"^not eligible$"), lambda m, L: "không đủ điều kiện"),
]
_PART_RE = [
    (re.compile(r"^gate failed: (?P<x>.+)$"), "không đạt chỉ tiêu bắt buộc: {x}"),
    (re.compile(r"^standards not met: (?P<x>.+)$"), "chưa đạt tiêu chí: {x}"),
]


def translate_reason(reason: str, lang: str = "vi", tier_label=None) -> str:
    """The allocation reason in Vietnamese (``lang="vi"``), or as written (``"en"``).

    >>> translate_reason("gate failed: G3, G.cadres")
    'không đạt chỉ tiêu bắt buộc: G3, G.cadres'
    >>> translate_reason("below cut-off by 3.5 points")
    'thấp hơn ngưỡng 3,5 điểm'
    >>> translate_reason("chairman: 2 of 14 nominees", tier_label={"chairman": "Bằng khen"}.get)
    'Bằng khen: thứ 2/14 đơn vị được đề cử'
    """
    if lang == "en" or not reason:
        return reason
    labels = {"tier": tier_label or (lambda x: x)}
    for rx, fn in _REASONS:
        m = rx.match(reason)
        if m:
            return fn(m, labels)
    parts = []
    for part in reason.split("; "):
        for rx, fmt in _PART_RE:
            m = rx.match(part)
            if m:
                parts.append(fmt.format(**m.groupdict()))
                break
        else:
            parts.append(part)
    return "; ".join(parts)


# --------------------------------------------------------------------------- chart
def ranking_rows(award_table: pd.DataFrame, top: int = 30, keep=()) -> pd.DataFrame:
    """Rows the ranking chart shows: the best ``top`` units, every nominee and ``keep``, by rank."""
    aw = award_table.sort_values("rank")
    show = set(aw.index[:top]) | set(aw.index[aw["nominated"].to_numpy(dtype=bool)]) | set(keep)
    rows = aw[aw.index.isin(show)]
    return rows.head(max(top, 45))


def ranking_svg(award_table: pd.DataFrame, scheme: Scheme, lang: str = "vi", top: int = 30,
                changes: dict | None = None, width: int = 660) -> str:
    """The ranking chart as inline SVG (what the live dashboard draws: a few ms per redraw,
    where a matplotlib PNG of the same chart takes ~200 ms). Same content as
    :func:`emusim.charts.ranking`: best units and every nominee by rank, bars coloured by outcome,
    a dashed cut-off line per tier, ▲/▼/◆ marks for units whose award the scenario changes.
    """
    changes = changes or {}
    rows = ranking_rows(award_table, top, keep=changes)
    tiers = list(scheme.awards.allocated_tiers)
    tier_color = {t.id: TIER_COLORS[i % len(TIER_COLORS)] for i, t in enumerate(tiers)}
    cut = {}
    for t in tiers:
        won = award_table["total"][award_table["award"] == t.id]
        if len(won):
            cut[t.id] = float(won.min())
    n = len(rows)
    row_h, bar_h, label_w, right = 19, 14, 230, 54
    head_h = 8 + 17 * max(1, len(cut))
    ranks = rows["rank"].to_numpy(dtype=int)
    gaps = np.concatenate([[0], (np.diff(ranks) > 1).astype(int)]) if n else np.zeros(0, dtype=int)
    ys = head_h + np.arange(n) * row_h + np.cumsum(gaps) * 9
    plot_bottom = (ys[-1] + row_h if n else head_h + row_h) + 4
    height = plot_bottom + 34
    totals = rows["total"].to_numpy(dtype=float)
    lo = float(np.nanmin(totals)) if n else 0.0
    hi = float(np.nanmax(totals)) if n else 1.0
    span = max(hi - lo, 1.0)
    x0v = max(0.0, math.floor((lo - 0.25 * span) / 10) * 10) if scheme.kind == "points" else 0.0
    x1v = hi + 0.04 * span
    plot_w = width - label_w - right

    def X(v: float) -> float:
        return label_w + (min(max(v, x0v), x1v) - x0v) / (x1v - x0v) * plot_w

    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height:.0f}' "
           f"viewBox='0 0 {width} {height:.0f}' class='emusim-ranking' role='img' "
           f"font-family=\"'DejaVu Sans','Noto Sans',Arial,sans-serif\">",
           "<defs><pattern id='emusim-hatch' width='6' height='6' patternUnits='userSpaceOnUse' "
           "patternTransform='rotate(45)'><rect width='6' height='6' fill='" + COLOR_INELIGIBLE + "'/>"
           "<line x1='0' y1='0' x2='0' y2='6' stroke='#c98080' stroke-width='2'/></pattern></defs>"]
    # grid and x axis
    step = _nice_step((x1v - x0v) / 6)
    v = math.ceil(x0v / step) * step
    while v <= x1v + 1e-9:
        x = X(v)
        out.append(f"<line x1='{x:.1f}' y1='{head_h - 4}' x2='{x:.1f}' y2='{plot_bottom:.0f}' stroke='#e8e8e8'/>")
        out.append(f"<text x='{x:.1f}' y='{plot_bottom + 13:.0f}' font-size='11' fill='#555' text-anchor='middle'>"
                   f"{fmt_points(v, lang, 1)}</text>")
        v += step
    xlabel = _t("chart_x" if scheme.kind == "points" else "chart_x_std", lang)
    out.append(f"<text x='{label_w + plot_w / 2:.0f}' y='{plot_bottom + 28:.0f}' font-size='11.5' fill='#333' "
               f"text-anchor='middle'>{_esc(xlabel)}</text>")
    out.append(f"<line x1='{label_w}' y1='{head_h - 4}' x2='{label_w}' y2='{plot_bottom:.0f}' stroke='#888'/>")
    # bars
    names = rows["name"].astype(str).tolist() if "name" in rows else [str(i) for i in rows.index]
    for y, lid, name, r_award, nominated, eligible, total, rank in zip(
            ys, rows.index, names, rows["award"], rows["nominated"], rows["eligible"], totals, ranks):
        if r_award is not None and r_award in tier_color:
            fill, stroke = tier_color[r_award], "none"
        elif nominated:
            fill, stroke = COLOR_NOMINEE, "none"
        elif eligible:
            fill, stroke = COLOR_ELIGIBLE, "none"
        else:
            fill, stroke = "url(#emusim-hatch)", "#c07070"
        x = X(total)
        yb = y + (row_h - bar_h) / 2
        out.append(f"<rect x='{label_w}' y='{yb:.1f}' width='{max(x - label_w, 0):.1f}' height='{bar_h}' "
                   f"fill='{fill}' stroke='{stroke}' stroke-width='0.7'><title>{_esc(name)}: "
                   f"{fmt_points(total, lang)}</title></rect>")
        c = changes.get(lid, "")
        mark = {"gain": " ▲", "loss": " ▼", "tier": " ◆"}.get(c, "")
        color = {"gain": "#17702f", "loss": "#b01c1c", "tier": "#7a5a00"}.get(c, "#1d2733")
        weight = " font-weight='bold'" if c else ""
        label = f"{rank}. {name}"
        if len(label) > 30:
            label = label[:29] + "…"
        out.append(f"<text x='{label_w - 6}' y='{y + row_h / 2 + 4:.1f}' font-size='12' fill='{color}'{weight} "
                   f"text-anchor='end'>{_esc(label + mark)}</text>")
        out.append(f"<text x='{x + 4:.1f}' y='{y + row_h / 2 + 4:.1f}' font-size='10.5' fill='#555'>"
                   f"{fmt_points(total, lang, 1)}</text>")
    for y, g in zip(ys, gaps):
        if g:
            out.append(f"<text x='{label_w - 60}' y='{y - 1:.1f}' font-size='10' fill='#999'>⋮</text>")
    # cut-off lines, one legend line each at the top
    for k, (tid, value) in enumerate(cut.items()):
        x = X(value)
        col = tier_color[tid]
        out.append(f"<line x1='{x:.1f}' y1='{head_h - 4}' x2='{x:.1f}' y2='{plot_bottom:.0f}' stroke='{col}' "
                   f"stroke-width='1.6' stroke-dasharray='5,3'/>")
        ty = 13 + 17 * k
        tier = scheme.awards.tier(tid)
        out.append(f"<line x1='{label_w}' y1='{ty - 4}' x2='{label_w + 22}' y2='{ty - 4}' stroke='{col}' "
                   f"stroke-width='1.6' stroke-dasharray='5,3'/>")
        out.append(f"<text x='{label_w + 28}' y='{ty}' font-size='12' fill='{col}' font-weight='bold'>"
                   f"{_t('cutoff', lang)} {_esc(_tier_short(tier, lang))}: {fmt_points(value, lang, 2)}</text>")
    out.append("</svg>")
    legend = [(tier_color[t.id], _tier_short(t, lang), "") for t in tiers]
    legend += [(COLOR_NOMINEE, _t("nominee", lang), ""), (COLOR_ELIGIBLE, _t("not_nominated", lang), ""),
               (COLOR_INELIGIBLE, _t("not_eligible", lang), "repeating-linear-gradient(45deg,#f2d0d0 0 3px,#c98080 3px 4px)")]
    items = "".join(
        f"<span style='display:inline-block;margin:0 12px 2px 0;white-space:nowrap'><span style='display:inline-block;"
        f"width:12px;height:12px;vertical-align:-1px;background:{bg or col};margin-right:4px'></span>{_esc(lab)}</span>"
        for col, lab, bg in legend)
    return (f"<div class='emusim-x'>{''.join(out)}<div style='font-size:12px;max-width:{width}px;"
            f"padding-left:{label_w - 120}px'>{items}</div></div>")


def _nice_step(raw: float) -> float:
    """A round axis step (1, 2, 2.5, 5 × 10^k) near ``raw``.

    >>> _nice_step(23), _nice_step(0.7)
    (25.0, 1.0)
    """
    if raw <= 0:
        return 1.0
    k = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * k:
            return float(m * k)
    return float(10 * k)


def _tier_short(tier, lang: str) -> str:
    """A short tier name for legends and badges ("Bằng khen CT UBND tỉnh")."""
    label = (tier.label_en if lang == "en" else tier.label) or tier.id
    if lang != "en":
        label = (label.replace("Chủ tịch", "CT").replace("Giám đốc", "GĐ").replace("Công an", "CA")
                 .replace(" của ", " ").replace("các huyện, thành phố", "huyện"))
    else:
        label = (label.replace("Certificate of merit of the ", "Merit, ")
                 .replace("Certificate of commendation of the ", "Commendation, "))
    return label


# --------------------------------------------------------------------------- explorer
class Explorer:
    """Controls built from a scheme, a live award table and ranking chart (module docstring).

    Parameters
    ----------
    plan : a :class:`~emusim.Plan`, a scenario path or a plan id.
    panel : a :class:`~emusim.Panel` (``simulate`` or ``read_observations``), a DataFrame of
        values at one month (index locality_id), or None to simulate the plan's registry
        with ``seed`` (default 1).
    level : the plan level (default: ``commune`` when the plan has it, else its first
        points/standards level).
    registry : default: the panel's registry, else the plan's.
    period : evaluation month (default: the plan's evaluation period when the panel has it,
        else the panel's last month).
    lang : ``"vi"`` (default) or ``"en"``.
    top : units shown in the ranking chart besides the nominees.
    build : build the ipywidgets controls (False: a headless explorer for scripts and tests).
    """

    def __init__(self, plan, panel=None, level: str | None = None, registry=None, *,
                 period=None, seed: int | None = None, lang: str = "vi", top: int = 30,
                 build: bool = True):
        from .loader import load_plan
        from .registry import load_registry

        self.plan: Plan = plan if isinstance(plan, Plan) else load_plan(plan)
        if level is None:
            level = "commune" if "commune" in self.plan.levels else next(
                (lv for lv, s in self.plan.schemes.items() if s.kind in ("points", "standards")), None)
        self.level = level
        self.base_scheme: Scheme = self.plan.scheme(level)
        if self.base_scheme.kind not in ("points", "standards"):
            raise InputError(f"Explorer needs a points or standards scheme; {self.base_scheme.name} is '{self.base_scheme.kind}'")
        if registry is None:
            registry = getattr(panel, "registry", None)
        if registry is None:
            if not self.plan.registry:
                raise InputError("no registry: pass registry= (the plan names none)")
            registry = load_registry(self.plan.registry)
        elif isinstance(registry, (str, Path)):
            registry = load_registry(registry)
        self.registry: pd.DataFrame = registry
        if panel is None:
            from .simulate import simulate

            seed = 1 if seed is None else seed
            panel = simulate(registry, seed=seed)
        self.panel = panel
        self._seed = seed
        if isinstance(panel, pd.DataFrame):
            self.periods: list[str] = []
        else:
            self.periods = [str(p) for p in panel.periods]
        if period is None and self.periods:
            ev = self.plan.evaluation_period
            period = ev if ev in self.periods else self.periods[-1]
        self.period = None if period is None else str(pd.Period(period, freq="M"))
        if self.periods and self.period not in self.periods:
            raise InputError(f"period {self.period} is outside the panel ({self.periods[0]}…{self.periods[-1]})")
        if lang not in ("vi", "en"):
            raise InputError(f"lang must be 'vi' or 'en', not {lang!r}")
        self.lang = lang
        self.top = top
        self.params0: dict[str, Any] = self.base_scheme.parameters()
        self._changes: dict[str, Any] = {}
        self.scheme: Scheme = self.base_scheme
        self._values_cache: dict = {}
        self._baseline_cache: dict = {}
        self._controls: dict[str, Any] = {}
        self._labels: list[tuple[Any, str, Any]] = []
        self._syncing = False
        self.error: str | None = None
        self.timings: list[float] = []
        self.score_table: pd.DataFrame | None = None
        self._award_table: pd.DataFrame | None = None
        self.diff: pd.DataFrame = pd.DataFrame()
        self.widget = None
        unit_ids = registry.index[registry["level"] == self.base_scheme.unit_level]
        self._names = registry["name"].astype(str).to_dict() if "name" in registry else {}
        self._n_units = len(unit_ids)
        if build:
            self._build()
        self.update()

    # ------------------------------------------------------------------ public API
    @property
    def changes(self) -> dict[str, Any]:
        """The ``scheme.adjust`` dict of the current scenario (only what differs from the plan)."""
        return dict(self._changes)

    @property
    def award_table(self) -> pd.DataFrame:
        """The current award table: :func:`emusim.allocate` output plus ``failed_gates``
        (hard and soft gates not reached), ``parent_name``, ``baseline_award`` (the plan as
        written) and ``change`` ("gain", "loss", "tier" or "")."""
        return self._award_table

    @property
    def gains(self) -> list[str]:
        """Locality ids that get an award under the scenario but not under the plan."""
        return list(self.diff.index[self.diff["change"] == "gain"]) if len(self.diff) else []

    @property
    def losses(self) -> list[str]:
        """Locality ids that lose the award the plan as written gives them."""
        return list(self.diff.index[self.diff["change"] == "loss"]) if len(self.diff) else []

    def set(self, path: str, value: Any) -> "Explorer":
        """Change one parameter (as a control would) and redraw; returns the explorer.

        ``path`` is any path of ``scheme.parameters()``, or ``"period"`` or ``"lang"``.
        Raises :class:`emusim.AdjustError` for a bad path or value (nothing changes).
        """
        self._apply(path, value, raise_errors=True)
        self._sync_control(path)
        return self

    def update_many(self, changes: dict[str, Any]) -> "Explorer":
        """Apply several changes at once (one redraw)."""
        new = dict(self._changes)
        for path, value in changes.items():
            if path in ("period", "lang"):
                self._set_view(path, value)
                continue
            new[path] = _normalise(path, value, self.params0.get(path))
        self._commit(new, raise_errors=True)
        for path in changes:
            self._sync_control(path)
        return self

    def reset(self) -> "Explorer":
        """Back to the plan as written (month and language kept)."""
        self._changes = {}
        self.scheme = self.base_scheme
        self.error = None
        for path in self._controls:
            self._sync_control(path)
        self.update()
        return self

    def cli_command(self, out: str | None = None) -> str:
        """The ``emusim award`` command line that reproduces the current award list."""
        parts = ["emusim", "award", "--plan", self._plan_arg(), "--level", self.level]
        meta = getattr(self.panel, "meta", {}) or {}
        if meta.get("source"):
            parts += ["--data", str(meta["source"])]
        elif "seed" in meta or self._seed is not None:
            parts += ["--seed", str(meta.get("seed", self._seed))]
        else:
            parts += ["--data", "<observations.csv>"]
        if self.period:
            parts += ["--period", self.period]
        for path, value in self._changes.items():
            parts += ["--set", f"{path}={format_value(value)}"]
        if out:
            parts += ["--out", str(out)]
        return " ".join(shlex.quote(p) if p != "<observations.csv>" else p for p in parts)

    def export(self, path: str | Path, force: bool = False) -> Path:
        """Write the current award list (award table joined with the score table, by rank)
        to ``.xlsx`` or ``.csv`` with :func:`emusim.io.write_table` (never over an existing
        file unless ``force``)."""
        from .io import write_table

        table = self.export_table()
        return write_table(table, path, force=force, sheet_name=f"{self.level} {self.period or ''}".strip())

    def export_table(self) -> pd.DataFrame:
        """The table :meth:`export` writes: the same columns as ``emusim award --out``, plus
        ``failed_gates``, ``baseline_award`` and ``change``."""
        aw = self._award_table
        st = self.score_table
        table = aw.join(st.drop(columns=[c for c in st.columns if c in aw.columns]))
        return table.sort_values("rank")

    def _ipython_display_(self):
        from IPython.display import display

        if self.widget is None:
            self._build()
            self._render()
        display(self.widget)

    def __repr__(self) -> str:
        given = self._award_table.attrs.get("awards_given", {}) if self._award_table is not None else {}
        return (f"<Explorer {self.base_scheme.name} period={self.period} changes={self._changes} "
                f"awards={given}>")

    # ------------------------------------------------------------------ computing
    def _values(self) -> pd.DataFrame:
        key = self.period
        if key not in self._values_cache:
            if isinstance(self.panel, pd.DataFrame):
                values = self.panel
            else:
                values = self.panel.at(self.period)
            idx = values.index.astype(str)
            keep = self.registry["level"].reindex(idx).to_numpy() == self.base_scheme.unit_level
            cols = [c for c in self.base_scheme.indicators if c in values.columns]
            missing = [c for c in self.base_scheme.indicators if c not in values.columns]
            if missing:
                raise InputError([Problem(f"missing indicator column '{m}' needed by {self.base_scheme.name}", column=m)
                                  for m in missing])
            self._values_cache = {key: values.loc[keep, cols]}  # one month at a time: bounded memory
        return self._values_cache[key]

    def _baseline(self) -> pd.DataFrame:
        key = self.period
        if key not in self._baseline_cache:
            st = score(self.base_scheme, self._values(), self.registry)
            self._baseline_cache = {key: allocate(st, self.base_scheme, self.registry)}
        return self._baseline_cache[key]

    def _apply(self, path: str, value: Any, raise_errors: bool) -> bool:
        if path in ("period", "lang"):
            try:
                self._set_view(path, value)
            except EmusimError as exc:
                if raise_errors:
                    raise
                self._show_error(str(exc))
                return False
            self.update()
            return True
        new = dict(self._changes)
        new[path] = _normalise(path, value, self.params0.get(path))
        return self._commit(new, raise_errors)

    def _set_view(self, path: str, value: Any) -> None:
        if path == "lang":
            if value not in ("vi", "en"):
                raise AdjustError([Problem(f"lang must be 'vi' or 'en', not {value!r}", path="lang")])
            self.lang = value
            self._relabel()
        else:
            if not self.periods:
                raise AdjustError([Problem("the panel has a single month: no period to choose", path="period")])
            p = str(pd.Period(value, freq="M")) if value is not None else None
            if p not in self.periods:
                raise AdjustError([Problem(f"period {value} is outside the panel ({self.periods[0]}…{self.periods[-1]})",
                                           path="period")])
            self.period = p

    def _commit(self, new: dict, raise_errors: bool) -> bool:
        new = {k: v for k, v in new.items() if not (k in self.params0 and _same(v, self.params0[k]))}
        try:
            scheme = self.base_scheme.adjust(new) if new else self.base_scheme
        except AdjustError as exc:
            if raise_errors:
                raise
            self._show_error(str(exc))
            return False
        self._changes = new
        self.scheme = scheme
        self.error = None
        self.update()
        return True

    def update(self) -> None:
        """Re-score, re-allocate and redraw (called after every change)."""
        t0 = time.perf_counter()
        values = self._values()
        st = score(self.scheme, values, self.registry)
        aw = allocate(st, self.scheme, self.registry)
        base = self._baseline()
        gate_ids = [g.id for g in self.scheme.gates]
        soft = {g.id for g in self.scheme.gates if g.mode == "soft"}
        if gate_ids:
            ok = st[[f"gate.{g}" for g in gate_ids]].to_numpy(dtype=bool)
            failed = [", ".join(g + (" (soft)" if g in soft else "") for g, good in zip(gate_ids, row) if not good)
                      for row in ok]
        else:
            failed = [""] * len(st)
        aw["failed_gates"] = failed
        aw["parent_name"] = [self._names.get(p, p or "") if p is not None else "" for p in aw["parent_id"]]
        before = base["award"].reindex(aw.index)
        aw["baseline_award"] = before
        now_a = aw["award"].to_numpy(dtype=object)
        was_a = before.to_numpy(dtype=object)
        change = np.full(len(aw), "", dtype=object)
        for i, (a, b) in enumerate(zip(now_a, was_a)):
            if a is not None and b is None:
                change[i] = "gain"
            elif a is None and b is not None:
                change[i] = "loss"
            elif a != b:
                change[i] = "tier"
        aw["change"] = change
        self.score_table = st
        self._award_table = aw
        cols = [c for c in ("name", "parent_name", "urban_class", "baseline_award", "award", "change",
                            "rank", "total", "reason") if c in aw]
        self.diff = aw.loc[aw["change"] != "", cols].sort_values("rank")
        if self.widget is not None:
            self._render()
        self.timings.append((time.perf_counter() - t0) * 1000.0)
        if self.widget is not None:
            self._w_timing.value = (f"<span style='color:#8090a0;font-size:11px'>{_t('updated', self.lang)} "
                                    f"{self.timings[-1]:.0f} ms</span>")

    # ------------------------------------------------------------------ building
    def _plan_arg(self) -> str:
        f = Path(self.plan.file) if self.plan.file else None
        if f is None:
            return self.plan.id
        f = f.resolve()
        try:
            return str(f.relative_to(ROOT))  # run from the repository root, as in the README
        except ValueError:
            return str(f)

    def _label(self, key_or_pair, extra: str = "", width: str = "200px", tip: str = ""):
        import ipywidgets as W

        w = W.HTML(layout=W.Layout(width=width, min_width=width))
        self._labels.append((w, key_or_pair, (extra, tip)))
        self._set_label(w, key_or_pair, extra, tip)
        return w

    def _set_label(self, w, key_or_pair, extra, tip):
        if isinstance(key_or_pair, tuple):
            text = key_or_pair[1] if self.lang == "en" and key_or_pair[1] else key_or_pair[0]
        else:
            text = _t(key_or_pair, self.lang)
        title = f" title='{_esc(tip)}'" if tip else ""
        w.value = f"<div class='emusim-x'><div class='lab'{title}>{extra}{_esc(text)}</div></div>"

    def _relabel(self) -> None:
        if self.widget is None:
            return
        for w, key, (extra, tip) in self._labels:
            self._set_label(w, key, extra, tip)
        for i, key in enumerate(self._section_keys):
            self._accordion.set_title(i, _t(key, self.lang))
        for w, key in self._desc_widgets:
            w.description = _t(key, self.lang)
        self._w_export.description = _t("export", self.lang)
        self._w_force.description = _t("overwrite", self.lang)
        self._w_reset.description = _t("reset", self.lang)
        self._syncing = True
        try:
            cur = self._w_show.value
            self._w_show.options = [(_t(k, self.lang), v) for k, v in self._show_opts]
            self._w_show.value = cur
        finally:
            self._syncing = False

    def _slider(self, path: str, value: float, lo: float, hi: float, step: float, fmt: str = ".2f", cls: str = ""):
        import ipywidgets as W

        w = W.FloatSlider(value=value, min=lo, max=hi, step=step, readout_format=fmt, continuous_update=False,
                          layout=W.Layout(width="230px"), style={"description_width": "0px"})
        w.add_class("emusim-ctl")
        w.add_class(_css_class(path))
        self._controls[path] = w
        w.observe(lambda ch, p=path: self._on_control(p, ch["new"]), names="value")
        return w

    def _build(self) -> None:
        import ipywidgets as W

        s = self.base_scheme
        p0 = self.params0
        self._labels = []
        self._desc_widgets = []
        self._controls = {}
        # --- uplift
        uplift_rows = []
        for cls in URBAN_CLASSES:
            path = f"uplift.{cls}"
            if path not in p0:
                continue
            w = self._slider(path, float(p0[path]), 0.0, 0.5, 0.01)
            uplift_rows.append(W.HBox([self._label(URBAN_LABELS[cls], width="120px"), w]))
        # --- awards
        award_rows = []
        for t in s.awards.tiers:
            path = f"awards.{t.id}.quota"
            if path not in p0:
                continue
            q = p0[path]
            hi = int(max(30, 3 * (q or 0), min(self._n_units, 60)))
            w = W.IntSlider(value=int(q or 0), min=0, max=hi, step=1, continuous_update=False,
                            layout=W.Layout(width="190px"), style={"description_width": "0px"},
                            disabled=q is None)
            w.add_class("emusim-ctl")
            w.add_class(_css_class(path))
            nocap = W.Checkbox(value=q is None, indent=False, layout=W.Layout(width="110px"))
            self._desc_widgets.append((nocap, "nocap"))
            nocap.description = _t("nocap", self.lang)
            self._controls[path] = (w, nocap)
            w.observe(lambda ch, p=path: self._on_control(p, ch["new"]), names="value")
            nocap.observe(lambda ch, p=path, sl=None: self._on_nocap(p, ch["new"]), names="value")
            tip = (t.label or "") + (f" — {t.source.ref}" if t.source.ref else "")
            award_rows.append(W.VBox([self._label((_tier_short(t, "vi"), _tier_short(t, "en")), width="340px", tip=tip),
                                      W.HBox([w, nocap])]))
        for field in ("per_parent", "extra_per_parent", "extra_min_children"):
            path = f"awards.nomination.{field}"
            if path not in p0 or p0[path] is None:
                continue
            w = W.IntSlider(value=int(p0[path]), min=0, max=max(5, 2 * int(p0[path])), step=1,
                            continuous_update=False, layout=W.Layout(width="160px"),
                            style={"description_width": "0px"})
            w.add_class("emusim-ctl")
            self._controls[path] = w
            w.observe(lambda ch, p=path: self._on_control(p, ch["new"]), names="value")
            award_rows.append(W.HBox([self._label(field, width="180px"), w]))
        if "proportional_basis" in p0 and s.kind == "points":
            w = W.Dropdown(options=[(f"{k} — {v[0]}", k) for k, v in BASIS_LABELS.items()],
                           value=p0["proportional_basis"], layout=W.Layout(width="330px"))
            self._controls["proportional_basis"] = w
            w.observe(lambda ch: self._on_control("proportional_basis", ch["new"]), names="value")
            award_rows.append(W.VBox([self._label("basis", width="330px"), w]))
        # --- gates
        gate_rows = []
        for g in s.gates:
            rows = []
            tpath, mpath = f"gates.{g.id}.target", f"gates.{g.id}.mode"
            head = self._label((g.label, g.label_en or g.label), extra=f"<b>{_esc(g.id)}</b> ", width="340px",
                               tip=(g.source.ref or ""))
            if tpath in p0:
                rows.append(self._slider(tpath, float(p0[tpath]), 0.0, 1.0, 0.01))
            if mpath in p0:
                m = W.ToggleButtons(options=[("hard", "hard"), ("soft", "soft")], value=p0[mpath],
                                    style={"button_width": "52px"}, layout=W.Layout(width="120px"))
                m.add_class(_css_class(mpath))
                self._controls[mpath] = m
                m.observe(lambda ch, p=mpath: self._on_control(p, ch["new"]), names="value")
                rows.append(m)
            gate_rows.append(W.VBox([head, W.HBox(rows)], layout=W.Layout(margin="0 0 6px 0")))
        # --- criterion targets
        target_rows = []
        for c in s.criteria:
            path = f"criteria.{c.id}.target"
            if path not in p0:
                continue
            lab = (c.label or c.id, c.label_en or c.label or c.id)
            short = tuple(x if len(x) <= 60 else x[:58] + "…" for x in lab)
            target_rows.append(W.VBox([
                self._label(short, extra=f"<b>{_esc(c.id)}</b> ", width="340px", tip=c.label + (f" — {c.source.ref}" if c.source.ref else "")),
                self._slider(path, float(p0[path]), 0.0, 1.0, 0.01)], layout=W.Layout(margin="0 0 4px 0")))
        # --- groups
        group_rows = []
        for g in s.groups:
            path = f"groups.{g.id}.max"
            if path not in p0 or not p0[path]:
                continue
            mx = float(p0[path])
            w = self._slider(path, mx, 0.0, float(max(10.0, math.ceil(2 * mx / 10) * 10)), 1.0, fmt=".0f")
            lab = (g.label or g.id, g.label_en or g.label or g.id)
            short = tuple(x if len(x) <= 44 else x[:42] + "…" for x in lab)
            group_rows.append(W.VBox([self._label(short, extra=f"<b>{_esc(g.id)}</b> ", width="340px", tip=g.label), w]))

        sections = [("uplift", uplift_rows), ("awards", award_rows), ("gates", gate_rows),
                    ("targets", target_rows), ("groups", group_rows)]
        sections = [(k, rows) for k, rows in sections if rows]
        self._section_keys = [k for k, _ in sections]
        self._accordion = W.Accordion(children=[W.VBox(rows) for _, rows in sections],
                                      layout=W.Layout(width="378px"))
        for i, (k, _) in enumerate(sections):
            self._accordion.set_title(i, _t(k, self.lang))
        self._accordion.selected_index = 0

        # --- top bar: month, language, reset
        top = []
        if self.periods:
            w = W.Dropdown(options=self.periods, value=self.period, layout=W.Layout(width="110px"))
            w.add_class("emusim-period")
            self._controls["period"] = w
            w.observe(lambda ch: self._on_control("period", ch["new"]), names="value")
            top.append(W.HBox([self._label("period", width="120px"), w]))
        lang = W.ToggleButtons(options=[("Tiếng Việt", "vi"), ("English", "en")], value=self.lang,
                               style={"button_width": "86px"})
        self._controls["lang"] = lang
        lang.observe(lambda ch: self._on_control("lang", ch["new"]), names="value")
        self._w_reset = W.Button(description=_t("reset", self.lang), icon="undo", layout=W.Layout(width="180px"))
        self._w_reset.add_class("emusim-reset")
        self._w_reset.on_click(lambda _b: self.reset())
        controls = W.VBox([*top, lang, self._w_reset, self._accordion], layout=W.Layout(width="390px", min_width="390px"))

        # --- main area
        self._w_title = W.HTML()
        self._w_head = W.HTML()
        self._w_head.add_class("emusim-headline")
        self._w_timing = W.HTML()
        self._w_chart = W.HTML(layout=W.Layout(width="680px", min_width="560px"))
        self._w_chart.add_class("emusim-chart")
        self._w_diff = W.HTML(layout=W.Layout(width="auto", flex="1 1 320px", min_width="280px"))
        self._w_diff.add_class("emusim-diff")
        self._show_opts = [("show_all", "all"), ("show_awarded", "awarded"), ("show_changed", "changed"),
                           ("show_eligible", "eligible")]
        self._w_show = W.ToggleButtons(options=[(_t(k, self.lang), v) for k, v in self._show_opts], value="all",
                                       style={"button_width": "110px"})
        self._w_show.observe(lambda ch: (None if self._syncing else self._render_table()), names="value")
        self._w_table = W.HTML()
        self._w_table.add_class("emusim-award-table")
        default_out = f"awards_{self.plan.id}_{self.level}_{self.period or 'data'}.xlsx"
        self._w_path = W.Text(value=default_out, layout=W.Layout(width="380px"))
        self._w_path.add_class("emusim-export-path")
        self._w_force = W.Checkbox(value=False, description=_t("overwrite", self.lang), indent=False,
                                   layout=W.Layout(width="100px"))
        self._w_export = W.Button(description=_t("export", self.lang), icon="download", button_style="primary",
                                  layout=W.Layout(width="180px"))
        self._w_export.add_class("emusim-export")
        self._w_export.on_click(lambda _b: self._on_export())
        self._w_export_status = W.HTML()
        self._w_cli = W.HTML()
        self._w_cli.add_class("emusim-cli-box")
        export_box = W.VBox([
            W.HBox([self._label("export_path", width="120px"), self._w_path, self._w_force, self._w_export]),
            self._w_export_status,
            self._label("cli", width="600px"),
            self._w_cli,
        ], layout=W.Layout(margin="8px 0 0 0"))
        main = W.VBox([
            self._w_head, self._w_timing,
            W.HBox([self._w_chart, self._w_diff], layout=W.Layout(flex_flow="row wrap", align_items="flex-start")),
            W.HBox([self._label("show", width="80px"), self._w_show]),
            self._w_table,
            export_box,
        ], layout=W.Layout(flex="1 1 auto", padding="0 0 0 12px", min_width="600px"))
        self.widget = W.VBox([
            W.HTML(_CSS), self._w_title,
            W.HBox([controls, main], layout=W.Layout(align_items="flex-start", width="100%")),
        ], layout=W.Layout(width="100%"))
        self.widget.add_class("emusim-explorer")

    # ------------------------------------------------------------------ callbacks
    def _on_control(self, path: str, value) -> None:
        if self._syncing:
            return
        if path.startswith("awards.") and path.endswith(".quota"):
            w, nocap = self._controls[path]
            if nocap.value:
                return
        self._apply(path, value, raise_errors=False)

    def _on_nocap(self, path: str, checked: bool) -> None:
        if self._syncing:
            return
        w, _ = self._controls[path]
        w.disabled = checked
        self._apply(path, None if checked else int(w.value), raise_errors=False)

    def _current(self, path: str):
        if path == "period":
            return self.period
        if path == "lang":
            return self.lang
        return self._changes.get(path, self.params0.get(path))

    def _sync_control(self, path: str) -> None:
        """Make a control show the explorer's value (after ``set`` or ``reset``)."""
        ctl = self._controls.get(path)
        if ctl is None:
            return
        value = self._current(path)
        self._syncing = True
        try:
            if isinstance(ctl, tuple):
                w, nocap = ctl
                nocap.value = value is None
                w.disabled = value is None
                if value is not None:
                    w.max = max(w.max, int(value))
                    w.value = int(value)
            else:
                if hasattr(ctl, "max") and isinstance(value, (int, float)) and value > ctl.max:
                    ctl.max = value
                ctl.value = value
        finally:
            self._syncing = False

    def _show_error(self, message: str) -> None:
        self.error = message
        if self.widget is not None:
            self._render_head()

    def _on_export(self) -> None:
        path = self._w_path.value.strip()
        try:
            written = self.export(path, force=self._w_force.value)
        except (EmusimError, OSError) as exc:
            self._w_export_status.value = f"<div class='emusim-x'><div class='err'>{_esc(exc)}</div></div>"
            return
        self._w_export_status.value = (f"<div class='emusim-x'><div class='box'>{_t('written', self.lang)} "
                                       f"{len(self._award_table)} {_t('rows', self.lang)}: <code>{_esc(written)}</code>"
                                       f"</div></div>")
        self._w_cli.value = self._cli_html(out=path)

    # ------------------------------------------------------------------ rendering
    def _tier_label(self, tier_id, short: bool = True) -> str:
        if tier_id is None or (isinstance(tier_id, float) and math.isnan(tier_id)):
            return ""
        try:
            t = self.scheme.awards.tier(tier_id)
        except KeyError:
            return str(tier_id)
        if short:
            return _tier_short(t, self.lang)
        return (t.label_en if self.lang == "en" else t.label) or t.id

    def _render(self) -> None:
        self._render_head()
        self._render_chart()
        self._render_diff()
        self._render_table()
        self._w_cli.value = self._cli_html(out=self._w_path.value.strip() or None)

    def _cli_html(self, out=None) -> str:
        return f"<div class='emusim-x'><div class='emusim-cli'>{_esc(self.cli_command(out=out))}</div></div>"

    def _render_head(self) -> None:
        L = self.lang
        aw = self._award_table
        s = self.scheme
        title = (self.plan.title_en if L == "en" and self.plan.title_en else self.plan.title) or self.plan.id
        level = (s.label_en if L == "en" and s.label_en else s.label) or self.level
        src = getattr(self.panel, "meta", {}) or {}
        data = (f"dữ liệu: {src['source']}" if L == "vi" else f"data: {src['source']}") if src.get("source") else \
            (f"dữ liệu mô phỏng, seed {src.get('seed', self._seed)}" if L == "vi" else f"simulated data, seed {src.get('seed', self._seed)}")
        month = pd.Period(self.period, freq="M").strftime("%m/%Y") if self.period else ""
        self._w_title.value = (f"<div class='emusim-x'><h2>{_esc(self.plan.province)} — {_esc(level)} — {_esc(month)}</h2>"
                               f"<div class='sub'>{_esc(self.plan.document)}: {_esc(title)} · {_esc(data)}</div></div>")
        given = aw.attrs.get("awards_given", {})
        tiers = "; ".join(f"<b>{_esc(self._tier_label(t))}</b>: {n}" for t, n in given.items())
        n_gain, n_loss = len(self.gains), len(self.losses)
        n_tier = int((self.diff["change"] == "tier").sum()) if len(self.diff) else 0
        if self._changes:
            diff = (f" · <span class='gain'>+{n_gain}</span> / <span class='loss'>−{n_loss}</span>"
                    + (f" / <span class='tierc'>◆{n_tier}</span>" if n_tier else "")
                    + (" so với kế hoạch" if L == "vi" else " vs the plan"))
        else:
            diff = ""
        err = f"<div class='err'>⚠ {_esc(self.error)}</div>" if self.error else ""
        self._w_head.value = (
            f"<div class='emusim-x'><div class='head'>{len(aw)} {_t('units', L)} · "
            f"{int(aw['eligible'].sum())} {_t('eligible', L)} · {int(aw['nominated'].sum())} {_t('nominated', L)}"
            f" · {tiers}{diff}</div>{err}</div>")

    def _render_chart(self) -> None:
        self._w_chart.value = self.chart_svg()

    def chart_svg(self) -> str:
        """The ranking chart as the dashboard shows it (inline SVG)."""
        changes = dict(zip(self.diff.index, self.diff["change"])) if len(self.diff) else {}
        return ranking_svg(self._award_table, self.scheme, self.lang, self.top, changes=changes)

    def figure(self, **kw):
        """The ranking chart of the current scenario as a matplotlib Figure in the briefing
        house style (:func:`emusim.charts.ranking`), e.g. ``ex.figure().savefig("x.png")``.
        The live dashboard draws the same content as SVG (:func:`ranking_svg`), which is
        ~50× faster to redraw."""
        from . import charts

        kw.setdefault("title", self._chart_title())
        return charts.ranking(self._award_table, self.scheme, self.score_table, top=self.top, lang=self.lang, **kw)

    def _chart_title(self) -> str:
        level = (self.scheme.label_en if self.lang == "en" else self.scheme.label) or self.level
        return f"{self.plan.province} — {level} — {self.period or ''}"

    def _render_diff(self) -> None:
        L = self.lang
        parts = [f"<h3>{_t('diff_title', L)}</h3>"]
        if not self._changes:
            parts.append(f"<div>{_t('no_change', L)}</div>")
        else:
            chips = " ".join(f"<span class='chip'>{_esc(p)}={_esc(format_value(v))}</span>"
                             for p, v in self._changes.items())
            parts.append(f"<div>{_t('adjusted', L)}: {chips}</div>")
            d = self.diff
            if not len(d):
                parts.append(f"<div style='margin-top:6px'>{_t('same_awards', L)}</div>")
            for kind, key, cls in (("gain", "gains", "gain"), ("loss", "losses", "loss"), ("tier", "tier_changes", "tierc")):
                sub = d[d["change"] == kind]
                if not len(sub):
                    continue
                parts.append(f"<div style='margin-top:6px'><span class='{cls}'>{_t(key, L)} ({len(sub)})</span><ul style='margin:2px 0 0 0; padding-left:18px'>")
                for lid, r in sub.iterrows():
                    name = _esc(r.get("name", lid))
                    parent = f" <span style='color:#6a7a8c'>({_esc(r.get('parent_name', ''))})</span>" if r.get("parent_name") else ""
                    if kind == "gain":
                        what = f"→ {_esc(self._tier_label(r['award']))}"
                    elif kind == "loss":
                        why = translate_reason(_reason_text(r.get("reason_code"), r.get("reason_params"), self.scheme, L)
                                               if r.get("reason_code") else r["reason"], L, self._tier_label)
                        what = f"{_esc(self._tier_label(r['baseline_award']))} → ∅ <span style='color:#6a7a8c'>({_esc(why)})</span>"
                    else:
                        what = f"{_esc(self._tier_label(r['baseline_award']))} → {_esc(self._tier_label(r['award']))}"
                    parts.append(f"<li>{name}{parent} {what}</li>")
                parts.append("</ul></div>")
        self._w_diff.value = f"<div class='emusim-x'><div class='box'>{''.join(parts)}</div></div>"

    def _render_table(self) -> None:
        self._w_table.value = self.table_html(self._w_show.value if self.widget is not None else "all")

    def table_html(self, show: str = "all") -> str:
        """The award table as styled HTML (what the dashboard shows)."""
        L = self.lang
        aw = self._award_table.sort_values("rank")
        if show == "awarded":
            aw = aw[aw["award"].notna()]
        elif show == "changed":
            aw = aw[aw["change"] != ""]
        elif show == "eligible":
            aw = aw[aw["eligible"]]
        tiers = [t.id for t in self.scheme.awards.allocated_tiers]
        tier_idx = {t: i for i, t in enumerate(tiers)}
        total_key = "total" if self.scheme.kind == "points" else "total_std"
        heads = [("rank", "num"), ("unit", ""), ("parent", ""), ("class", ""), (total_key, "num"), ("award", ""),
                 ("change", ""), ("failed", ""), ("reason", "")]
        out = ["<div class='emusim-x'><div class='emusim-scroll'><table class='emusim-aw'><thead><tr>"]
        out += [f"<th>{_t(k, L)}</th>" for k, _ in heads]
        out.append("</tr></thead><tbody>")
        names = aw["name"].tolist() if "name" in aw else list(aw.index)
        chg_text = {"gain": _t("gain", L), "loss": _t("loss", L), "tier": _t("tier_change", L)}
        for lid, name, award, rank, total, ucls, parent, failed, reason, chg in zip(
                aw.index, names, aw["award"], aw["rank"], aw["total"], aw.get("urban_class", [""] * len(aw)),
                aw["parent_name"], aw["failed_gates"], _reasons(aw, self.scheme, L), aw["change"]):
            cls = []
            if award is not None and award in tier_idx:
                cls.append(f"t{tier_idx[award]}")
            if chg:
                cls.append("row-" + chg)
            badge = ""
            if award is not None:
                color = TIER_COLORS[tier_idx.get(award, 0) % len(TIER_COLORS)]
                badge = f"<span class='badge' style='background:{color}'>{_esc(self._tier_label(award))}</span>"
            if L == "vi":
                failed = failed.replace("(soft)", f"({_t('soft', L)})")
            ulab = URBAN_LABELS.get(ucls or "", (ucls, ucls))
            out.append(
                f"<tr class='{' '.join(cls)}' data-id='{_esc(lid)}'><td class='num'>{int(rank)}</td><td>{_esc(name)}</td>"
                f"<td class='par'>{_esc(parent)}</td><td>{_esc(ulab[1] if L == 'en' else ulab[0])}</td>"
                f"<td class='num'>{fmt_points(float(total), L)}</td><td>{badge}</td>"
                f"<td class='chg'>{chg_text.get(chg, '')}</td>"
                f"<td class='fail'>{_esc(failed)}</td><td class='why'>{_esc(translate_reason(reason, L, self._tier_label))}</td></tr>")
        out.append("</tbody></table></div></div>")
        return "".join(out)


def explore(plan, panel=None, **kw) -> Explorer:
    """Shorthand for :class:`Explorer` (``emusim.widgets.explore("ha_giang_186_2023")``)."""
    return Explorer(plan, panel, **kw)
