"""The brief's headline sentences and ``summary.md`` (every sentence from ``brief.yaml``).

``summary.md`` holds one whole document per language, the brief's ``lang`` first: title,
headlines, assumptions, the scheme checks, the sections left out, the file list and the
technical notes. The second document starts after the line :data:`LANG_MARK` (``<!-- lang: en -->``),
so a reader of one language never meets a sentence of the other in between.
"""
from __future__ import annotations


from ..charts import style
from ..i18n import Message, t
from ..i18n.paths import describe_setting
from .sections import render_left_out, section_lines
from .text import _join, _urban_vi, describe_change
from .uncertainty import NOISE_SD
from .xlsx import XLSX_NAME, _period_text

#: the line that starts the document of each language in ``summary.md``
LANG_MARK = "<!-- lang: {lang} -->"


def _headlines(lang, scheme, plan, facts, gate_fail, names, tiers, whatif, aw, aw2, changes, ref_scheme=None) -> list[str]:
    B = lambda key, **v: t(f"brief.{key}", lang, **v)  # noqa: E731
    out = []
    n, e = facts["units"], facts["eligible"]
    share = style.pct(e / n if n else 0, lang)
    if scheme.kind == "points":
        out.append(B("hl_eligible_points", n=n, e=e, share=share))
    else:
        out.append(B("hl_eligible_standards", n=n, e=e, share=share, k=len(scheme.criteria),
                     gates=B("hl_and_gates") if scheme.gates else ""))
    worst = [(k, o) for k, o in gate_fail if k > 0][:2]
    if worst:
        def item(k, o):
            label = style.label_of(o, lang)
            label = f"{label[:70].rstrip()}…" if len(label) > 70 else label
            return B("hl_worst_item", id=o.id, k=k, label=label)

        out.append(B("hl_worst", items=_join([item(k, o) for k, o in worst], lang)))
    given = []
    for tier in scheme.awards.allocated_tiers:
        k, q, lab = facts["awards"].get(tier.id, 0), tier.quota, style.label_of(tier, lang)
        given.append(B("hl_given_cap", k=k, tier=lab, q=q) if q is not None else B("hl_given_nocap", k=k, tier=lab))
    few = scheme.awards.nomination is not None and sum(facts["awards"].values()) < sum(q or 0 for q in facts["quotas"].values())
    out.append(B("hl_result", items=_join(given, lang)) + (B("hl_only_nominated", n=facts["nominated"]) if few else ""))
    total_awards = sum(facts["awards"].values())
    if total_awards:
        parts = []
        for c in style.URBAN_ORDER:
            if c in facts["units_by_class"]:
                k = facts["awards_by_class"].get(c, 0)
                parts.append(B("hl_class_item", cls=_urban_vi(c, lang), k=k, total=total_awards,
                               share=style.pct(k / total_awards, lang),
                               unit_share=style.pct(facts["units_by_class"][c] / n, lang)))
        out.append(B("hl_by_class", items="; ".join(parts)))
    if facts["near_misses"]:
        nm = _join([names.get(i, i) for i in facts["near_misses"][:4]], lang)
        k = len(facts["near_misses"])
        top_lab = style.tier_label(scheme, tiers[0], lang) if tiers else ""
        low = facts.get("lowest_top_tier_total")
        if scheme.kind == "points" and low is not None:
            out.append(B("hl_near_points", k=k, low=style.num(low, lang, 1), tier=top_lab, names=nm))
        elif scheme.kind == "standards":
            out.append(B("hl_near_standards", k=k, names=nm))
    if whatif:
        out.append(_whatif_sentence(B, lang, scheme, ref_scheme or scheme, facts, names, tiers, whatif))
    tt = facts.get("tornado_top")
    if tt:
        from ..charts._common import parameter_label

        out.append(B("hl_tornado", label=parameter_label(tt["parameter"], scheme, lang),
                     k=max(abs(tt["effect_low"]), abs(tt["effect_high"]))))
    mcf = facts.get("montecarlo")
    if mcf and mcf["winners"]:
        out.append(B("hl_montecarlo", sd=int(NOISE_SD * 100), stable=mcf["stable_winners"], winners=mcf["winners"],
                     n=mcf["n"], contenders=mcf["contenders"]))
    fc = facts.get("forecast")
    if fc and fc["failing"]:
        out.append(B("hl_forecast", likely=fc["likely"], failing=fc["failing"], item=fc["item"],
                     deadline=_period_text(fc["deadline"], lang)))
    for name, pick in (("audit", 0), ("gaming", -1), ("alternatives", 1)):
        lines = (facts.get(name) or {}).get("summary", {}).get(lang) or []
        if len(lines) > (pick if pick >= 0 else -pick - 1):
            out.append(lines[pick])
    if facts.get("left_out"):
        out.append(B("left_out_count", n=len(facts["left_out"])))
    return out


def _whatif_sentence(B, lang, scheme, ref_scheme, facts, names, tiers, whatif) -> str:
    desc = _join([describe_change(p, v, ref_scheme, lang, facts.get("whatif_reference", "plan"))
                  for p, v in whatif.items()], lang)
    g, l, m = facts["whatif_gained"], facts["whatif_lost"], facts["whatif_tier_changed"]
    if not (g or l or m):
        return B("hl_whatif_same", desc=desc)
    bits = []
    for ids, key in ((l, "hl_whatif_lost"), (g, "hl_whatif_gained"), (m, "hl_whatif_moved")):
        if ids:
            bits.append(B(key, n=len(ids), names=_join([names.get(i, i) for i in ids[:3]], lang)))
    sentence = B("hl_whatif", desc=desc, bits=_join(bits, lang))
    tt = facts.get("whatif_top_tier_by_class")
    if tt and tiers and sum(tt["before"].values()) == sum(tt["after"].values()):
        quota = facts["awards"].get(tiers[0], 0)
        for cls in ("city", "district_town", "town"):
            d = tt["before"].get(cls, 0) - tt["after"].get(cls, 0)
            if d > 0:
                gainers = [c for c in style.URBAN_ORDER if tt["after"].get(c, 0) > tt["before"].get(c, 0)]
                to = _join([_urban_vi(c, lang) for c in gainers], lang) or B("hl_other_units")
                sentence += B("hl_whatif_shift", d=d, quota=quota, tier=style.tier_label(scheme, tiers[0], lang),
                              source=_urban_vi(cls, lang), to=to)
    return sentence


def _text(item, lang: str) -> str:
    """An assumption or note: a :class:`Message`, a ``{"key", "values"}`` item, or plain text."""
    if isinstance(item, Message):
        return item.text(lang)
    if isinstance(item, dict) and "key" in item:
        return render_left_out(item, lang)
    return str(item)


def _summary_bullets(lang, scheme, facts, headlines, assumptions) -> list[str]:
    """One language's summary: the headlines, the adjustments and assumptions, and a note for
    each tier without a quota, then the scheme checks and the sections left out."""
    lines = [f"- {h}" for h in headlines[lang]]
    if facts.get("changes") or facts.get("assumed") or assumptions:
        lines += ["", f"### {t('brief.sum_assumptions_heading', lang)}", ""]
        lines += ["- " + t("brief.sum_assumed", lang, setting=f"`{describe_setting(k, v, scheme, lang)}`")
                  for k, v in facts.get("assumed", {}).items()]
        lines += ["- " + t("brief.sum_adjusted", lang, setting=f"`{describe_setting(k, v, scheme, lang)}`")
                  for k, v in facts.get("changes", {}).items()]
        if facts.get("changes"):
            lines.append("- " + t("brief.whatif_against_plan" if facts.get("whatif_reference") == "plan"
                                  else "brief.whatif_against_adjusted", lang))
        lines += [f"- {_text(a, lang)}" for a in assumptions]
    for tier in scheme.awards.allocated_tiers:
        if tier.quota is None:
            lines.append("- " + t("brief.sum_no_quota", lang, tier=style.label_of(tier, lang),
                                  option=f"`--set awards.{tier.id}.quota=N`"))
    lines += section_lines(facts, lang)
    return lines


_CAPTIONS = ("ranking", "decomposition", "gates", "map", "equity", "whatif_ranks", "whatif_overlap", "whatif_waterfall",
             "sweep", "tornado", "rank_intervals", "award_probability", "trajectory", "audit", "gaming", "alternatives",
             "proposal", "grouping", "calibration", "calibration_residuals")


def _caption(name: str, lang: str) -> str:
    stem = name.split("_", 1)[1] if "_" in name else name
    return t(f"brief.caption_{stem}", lang) if stem in _CAPTIONS else name


def _document(lang, plan, scheme, facts, headlines, assumptions, period, seed, data_label, notes) -> list[str]:
    """The whole summary in one language."""
    data = data_label or (t("brief.sum_data_simulated", lang, seed=str(seed)) if seed is not None else "")
    lines = [LANG_MARK.format(lang=lang), "",
             f"# {style.label_of(scheme, lang)} — {style.document_name(plan, scheme, lang)}", ""]
    bits = ([t("brief.sum_period", lang, period=_period_text(period, lang))] if period else []) + ([data] if data else [])
    if bits:
        lines += [f"*{'; '.join(bits)}.*", ""]
    lines += [f"## {t('brief.sum_heading', lang)}", ""]
    lines += _summary_bullets(lang, scheme, facts, headlines, assumptions)
    lines += ["", f"## {t('brief.sum_files_heading', lang)}", ""]
    lines += ["- " + t("brief.sum_file_chart", lang, name=name, caption=_caption(name, lang)) for name in facts.get("charts", [])]
    lines.append("- " + t("brief.sum_file_xlsx", lang, name=XLSX_NAME))
    lines.append("- " + t("brief.sum_file_json", lang))
    if notes:
        lines += ["", f"## {t('brief.sum_notes_heading', lang)}", ""] + [f"- {_text(n, lang)}" for n in notes]
    lines.append("")
    return lines


def _summary_md(plan, scheme, facts, headlines, files, assumptions, period, seed, data_label, notes, lang="vi") -> str:
    """``summary.md``: the document in ``lang``, then the one in the other language."""
    order = (lang, "en" if lang == "vi" else "vi")
    lines: list[str] = []
    for lg in order:
        lines += _document(lg, plan, scheme, facts, headlines, assumptions, period, seed, data_label, notes)
    return "\n".join(lines)


def split_summary(text: str) -> dict[str, str]:
    """``summary.md`` cut into its documents, by language.

    >>> split_summary("<!-- lang: vi -->\\nA\\n<!-- lang: en -->\\nB\\n")["en"]
    '\\nB\\n'
    """
    out: dict[str, str] = {}
    for lg in ("vi", "en"):
        mark = LANG_MARK.format(lang=lg)
        if mark in text:
            rest = text.split(mark, 1)[1]
            other = LANG_MARK.format(lang="en" if lg == "vi" else "vi")
            out[lg] = rest.split(other, 1)[0]
    return out


__all__ = ["LANG_MARK", "split_summary"]
