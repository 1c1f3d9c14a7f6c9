"""The brief's headline sentences and ``summary.md``."""
from __future__ import annotations

import pandas as pd

from ..charts import style
from ..i18n import t
from .sections import section_lines
from .text import _join, _urban_vi, describe_change
from .uncertainty import NOISE_SD
from .xlsx import XLSX_NAME


def _headlines(lang, scheme, plan, facts, gate_fail, names, tiers, whatif, aw, aw2, changes, ref_scheme=None) -> list[str]:
    P = lambda vi, en: style.pick(vi, en, lang)  # noqa: E731
    out = []
    n, e = facts["units"], facts["eligible"]
    unit_word = P("đơn vị", "units")
    if scheme.kind == "points":
        out.append(P(f"Trong {n} {unit_word}, {e} ({style.pct(e / n if n else 0, lang)}) đạt mọi chỉ tiêu bắt buộc và đủ điều kiện xét khen thưởng.",
                     f"Of {n} units, {e} ({style.pct(e / n if n else 0, lang)}) meet every mandatory target and are eligible for an award."))
    else:
        out.append(P(f"Trong {n} {unit_word}, {e} ({style.pct(e / n if n else 0, lang)}) đạt đủ {len(scheme.criteria)} tiêu chuẩn"
                     + (" và điều kiện bắt buộc" if scheme.gates else "") + ".",
                     f"Of {n} units, {e} ({style.pct(e / n if n else 0, lang)}) meet all {len(scheme.criteria)} standards"
                     + (" and the mandatory conditions" if scheme.gates else "") + "."))
    worst = [(k, o) for k, o in gate_fail if k > 0][:2]
    if worst:
        def item(k, o):
            label = style.nfc(o.label_en if lang == "en" and o.label_en else o.label)
            label = f"{label[:70].rstrip()}…" if len(label) > 70 else label
            return f"{o.id} ({k} {unit_word}: {label})"

        items = [item(k, o) for k, o in worst]
        out.append(P("Chỉ tiêu loại nhiều đơn vị nhất: ", "The targets that rule out most units: ") + _join(items, lang) + ".")
    given = []
    for tier in scheme.awards.allocated_tiers:
        k = facts["awards"].get(tier.id, 0)
        q = tier.quota
        lab = style.label_of(tier, lang)
        given.append(f"{k} {lab}" + (P(f" (tối đa {q})", f" (cap {q})") if q is not None else P(" (không giới hạn số lượng)", " (no cap)")))
    out.append(P("Kết quả: ", "Result: ") + _join(given, lang) + "."
               + (P(f" Chỉ {facts['nominated']} đơn vị được huyện đề cử.", f" Only {facts['nominated']} units were nominated by their districts.")
                  if scheme.awards.nomination is not None and sum(facts["awards"].values()) < sum(q or 0 for q in facts["quotas"].values()) else ""))
    total_awards = sum(facts["awards"].values())
    if total_awards:
        parts = []
        for c in style.URBAN_ORDER:
            if c in facts["units_by_class"]:
                k = facts["awards_by_class"].get(c, 0)
                parts.append(P(f"{_urban_vi(c, 'vi')} {k}/{total_awards} giải ({style.pct(k / total_awards, 'vi')}) so với "
                               f"{style.pct(facts['units_by_class'][c] / n, 'vi')} số đơn vị",
                               f"{_urban_vi(c, 'en')} {k}/{total_awards} awards ({style.pct(k / total_awards, 'en')}) vs "
                               f"{style.pct(facts['units_by_class'][c] / n, 'en')} of units"))
        out.append(P("Theo loại địa bàn: ", "By kind of locality: ") + "; ".join(parts) + ".")
    if facts["near_misses"]:
        nm = [names.get(i, i) for i in facts["near_misses"][:4]]
        k = len(facts["near_misses"])
        top_lab = style.tier_label(scheme, tiers[0], lang) if tiers else ""
        low = facts.get("lowest_top_tier_total")
        if scheme.kind == "points" and low is not None:
            out.append(P(f"{k} đơn vị có tổng điểm từ {style.num(low, 'vi', 1)} trở lên (mức thấp nhất được {top_lab}) nhưng trượt đúng "
                         f"1 chỉ tiêu bắt buộc, ví dụ {_join(nm, 'vi')}.",
                         f"{k} units score at least {style.num(low, 'en', 1)} (the lowest total awarded a {top_lab}) but miss exactly "
                         f"one mandatory target, e.g. {_join(nm, 'en')}."))
        elif scheme.kind == "standards":
            out.append(P(f"{k} đơn vị chỉ thiếu đúng 1 tiêu chuẩn/điều kiện, ví dụ {_join(nm, 'vi')}.",
                         f"{k} units miss exactly one standard or condition, e.g. {_join(nm, 'en')}."))
    if whatif:
        ref_scheme = ref_scheme or scheme
        desc = _join([describe_change(p, v, ref_scheme, lang, facts.get("whatif_reference", "plan"))
                      for p, v in whatif.items()], lang)
        g, l, m = facts["whatif_gained"], facts["whatif_lost"], facts["whatif_tier_changed"]
        if not (g or l or m):
            out.append(P(f"Với {desc}, danh sách khen thưởng không thay đổi.", f"With {desc}, the award list does not change."))
        else:
            bits = []
            if l:
                bits.append(P(f"{len(l)} đơn vị mất giải ({_join([names.get(i, i) for i in l[:3]], 'vi')})",
                              f"{len(l)} lose their award ({_join([names.get(i, i) for i in l[:3]], 'en')})"))
            if g:
                bits.append(P(f"{len(g)} đơn vị được thêm ({_join([names.get(i, i) for i in g[:3]], 'vi')})",
                              f"{len(g)} gain one ({_join([names.get(i, i) for i in g[:3]], 'en')})"))
            if m:
                bits.append(P(f"{len(m)} đơn vị đổi hình thức ({_join([names.get(i, i) for i in m[:3]], 'vi')})",
                              f"{len(m)} change tier ({_join([names.get(i, i) for i in m[:3]], 'en')})"))
            sentence = P(f"Với {desc}: ", f"With {desc}: ") + _join(bits, lang) + "."
            tt = facts.get("whatif_top_tier_by_class")
            if tt and tiers and sum(tt["before"].values()) == sum(tt["after"].values()):
                quota = facts["awards"].get(tiers[0], 0)
                for cls in ("city", "district_town", "town"):
                    d = tt["before"].get(cls, 0) - tt["after"].get(cls, 0)
                    if d > 0:
                        gainers = [c for c in style.URBAN_ORDER if tt["after"].get(c, 0) > tt["before"].get(c, 0)]
                        to = _join([_urban_vi(c, lang) for c in gainers], lang) or P("đơn vị khác", "other units")
                        tier_lab = style.tier_label(scheme, tiers[0], lang)
                        sentence += P(f" {d} trong {quota} {tier_lab} chuyển từ {_urban_vi(cls, 'vi')} sang {to}.",
                                      f" {d} of the {quota} awards of the top tier ({tier_lab}) move from {_urban_vi(cls, 'en')} to {to}.")
            out.append(sentence)
    tt = facts.get("tornado_top")
    if tt:
        from ..charts._common import parameter_label

        out.append(P(f"Tham số ảnh hưởng nhiều nhất (mỗi lần thay đổi một tham số): {parameter_label(tt['parameter'], scheme, 'vi')} — "
                     f"{max(abs(tt['effect_low']), abs(tt['effect_high']))} đơn vị thay đổi kết quả.",
                     f"The most influential parameter (one at a time): {parameter_label(tt['parameter'], scheme, 'en')} — "
                     f"{max(abs(tt['effect_low']), abs(tt['effect_high']))} units change their award."))
    mcf = facts.get("montecarlo")
    if mcf and mcf["winners"]:
        out.append(P(f"Với sai số đo lường ±{int(NOISE_SD * 100)} điểm % trên các chỉ số tỷ lệ (trừ các chỉ tiêu hoàn thành 100 %), {mcf['stable_winners']}/{mcf['winners']} đơn vị được khen "
                     f"giữ giải trong ít nhất 80 % số lần mô phỏng ({mcf['n']} lần); {mcf['contenders']} đơn vị khác có khả năng được khen từ 20 % trở lên.",
                     f"With measurement noise of {int(NOISE_SD * 100)} pp on the ratio indicators (not on 100 % completion targets), {mcf['stable_winners']}/{mcf['winners']} award winners keep an award "
                     f"in at least 80% of {mcf['n']} draws; {mcf['contenders']} other units win in 20% of draws or more."))
    fc = facts.get("forecast")
    if fc and fc["failing"]:
        dl = pd.Period(fc["deadline"], freq="M")
        out.append(P(f"Dự báo theo xu hướng: {fc['likely']}/{fc['failing']} đơn vị đang chưa đạt {fc['item']} có khả năng ≥ 50 % đạt trước {dl.strftime('%m/%Y')}.",
                     f"Trend forecast: {fc['likely']}/{fc['failing']} units now missing {fc['item']} have a ≥ 50% chance of meeting it by {dl}."))
    for name, pick in (("audit", 0), ("gaming", -1), ("alternatives", 1)):
        lines = (facts.get(name) or {}).get("summary", {}).get(lang) or []
        if len(lines) > (pick if pick >= 0 else -pick - 1):
            out.append(lines[pick])
    if facts.get("left_out"):
        out.append(t("brief.left_out_count", lang, n=len(facts["left_out"])))
    return out


def _summary_bullets(lang, scheme, facts, headlines, assumptions) -> list[str]:
    """One language's half of ``summary.md``: the headlines, the adjustments and assumptions,
    and a note for each tier without a quota."""
    P = lambda vi, en: en if lang == "en" else vi  # noqa: E731
    lines = [f"- {h}" for h in headlines[lang]]
    if facts.get("changes") or facts.get("assumed") or assumptions:
        lines += ["", P("### Giả định và điều chỉnh", "### Assumptions and adjustments"), ""]
        lines += [P("- Giả định (áp dụng cho mọi phần): ", "- Assumed (in every section): ") + f"`{k} = {v}`"
                  for k, v in facts.get("assumed", {}).items()]
        lines += [P("- Điều chỉnh so với kế hoạch: ", "- Adjusted from the plan: ") + f"`{k} = {v}`"
                  for k, v in facts.get("changes", {}).items()]
        if facts.get("changes"):
            lines.append("- " + t("brief.whatif_against_plan" if facts.get("whatif_reference") == "plan"
                                  else "brief.whatif_against_adjusted", lang))
        lines += [f"- {a}" for a in assumptions]
    for tier in scheme.awards.allocated_tiers:
        if tier.quota is None:
            lines.append(f"- {style.label_of(tier, lang)}: " + P(
                "kế hoạch không quy định số lượng (theo thẩm quyền) — mọi đơn vị đạt chuẩn đều được đề nghị; "
                "đặt một mức bằng ",
                "the plan sets no number (\"theo thẩm quyền\"), so every unit that meets the standard is proposed; "
                "set one with ") + f"`--set awards.{tier.id}.quota=N`.")
    lines += section_lines(facts, lang)
    return lines


def _summary_md(plan, scheme, facts, headlines, files, assumptions, period, seed, data_label, notes) -> str:
    doc_vi = style.document_name(plan, scheme, "vi")
    doc_en = style.document_name(plan, scheme, "en")
    data_vi = data_label or (f"dữ liệu mô phỏng (emusim), seed {seed}" if seed is not None else "")
    data_en = data_label or (f"simulated data (emusim), seed {seed}" if seed is not None else "")
    lines = [f"# {style.nfc(scheme.label)} — {doc_vi}", ""]
    lines.append(f"*Kỳ đánh giá {period}; {data_vi}.*" if period else f"*{data_vi}*")
    lines += ["", "## Tóm tắt", ""]
    lines += _summary_bullets("vi", scheme, facts, headlines, assumptions)
    lines += ["", f"## Summary ({style.nfc(scheme.label_en or scheme.label)} — {doc_en})", ""]
    lines.append(f"*Evaluation month {period}; {data_en}.*" if period else f"*{data_en}*")
    lines.append("")
    lines += _summary_bullets("en", scheme, facts, headlines, assumptions)
    lines += ["", "## Tệp / Files", ""]
    captions = {
        "01_ranking": ("Xếp hạng, ngưỡng và hình thức khen thưởng", "Ranking, cut-off and awards"),
        "02_decomposition": ("Cơ cấu điểm theo nhóm tiêu chí / kết quả từng tiêu chuẩn", "Score by group / result per standard"),
        "03_gates": ("Tỷ lệ đạt từng chỉ tiêu bắt buộc", "Pass rate of each mandatory target"),
        "04_map": ("Bản đồ điểm các đơn vị được khen", "Map of award winners"),
        "05_equity": ("Phân bổ giải theo loại địa bàn", "Awards by kind of locality"),
        "06_whatif_ranks": ("Phương án điều chỉnh: thứ hạng", "The option: ranks"),
        "07_whatif_overlap": ("Phương án điều chỉnh: trùng lặp danh sách", "The option: overlap of award lists"),
        "08_whatif_waterfall": ("Vì sao điểm của đơn vị thay đổi nhiều nhất", "Why the biggest mover's score changes"),
        "09_sweep": ("Ai được khen theo từng mức tham số", "Who wins at each value of the parameter"),
        "10_tornado": ("Tham số ảnh hưởng nhiều nhất", "Most influential parameters"),
        "11_rank_intervals": ("Độ chắc chắn của thứ hạng", "How certain the ranks are"),
        "12_award_probability": ("Khả năng được khen", "Chance of an award"),
        "13_trajectory": ("Diễn biến và dự báo chỉ tiêu", "Trajectory and forecast of a target"),
        "14_audit": (t("brief.caption_audit", "vi"), t("brief.caption_audit", "en")),
        "15_gaming": (t("brief.caption_gaming", "vi"), t("brief.caption_gaming", "en")),
        "16_alternatives": (t("brief.caption_alternatives", "vi"), t("brief.caption_alternatives", "en")),
        "17_proposal": (t("brief.caption_proposal", "vi"), t("brief.caption_proposal", "en")),
        "18_grouping": (t("brief.caption_grouping", "vi"), t("brief.caption_grouping", "en")),
        "19_calibration": (t("brief.caption_calibration", "vi"), t("brief.caption_calibration", "en")),
        "20_calibration_residuals": (t("brief.caption_calibration_residuals", "vi"),
                                     t("brief.caption_calibration_residuals", "en")),
    }
    for name in facts.get("charts", []):
        vi, en = captions.get(name, (name, name))
        lines.append(f"- `{name}.png` / `.pdf` — {vi} / {en}")
    lines.append(f"- `{XLSX_NAME}` — danh sách kết quả theo mẫu phụ lục của kế hoạch; trang 2: tiêu chí và nguồn / "
                 "the award list in the layout of the plan's annex; sheet 2: criteria and sources")
    lines.append("- `summary.json` — các số liệu của bản tóm tắt / the numbers behind this summary")
    if notes:
        lines += ["", "## Ghi chú kỹ thuật / Technical notes", ""] + [f"- {n}" for n in notes]
    lines.append("")
    return "\n".join(lines)
