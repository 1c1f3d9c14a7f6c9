"""The same localities under several schemes (DESIGN §6): who wins where, and why.

Method
------
Every scheme is scored and allocated with the real engine on **the same values table and
registry** — for instance Hà Giang's 2023 communes scored under Hà Giang's own point table
(KH 186) *and* under Tuyên Quang's Đề án 06 commune standards. Applying a scheme to another
province's units is a **what-if**: "had Tuyên Quang's rules been used here, who would have
won?" The values table must hold every indicator each scheme reads; a simulated panel for
the registry (``simulate(registry).at(period)``) has every catalog indicator.

Quotas. Standards plans set no numeric quota ("theo thẩm quyền"), which would award every
eligible unit and make the comparison lopsided. A scheme lacking a quota (an allocated tier
with ``quota: null``) is therefore given one via ``scheme.adjust``: by default the first
scheme's total collective quota (Hà Giang commune: 5 + 9 = 14), put on its first uncapped
tier; or an explicit ``quotas={scheme: {tier: quota}}`` (keys: the scheme's name
``plan_id:level``, its position, its ``(plan_id, level)`` pair, or the Scheme itself). When
no scheme has a quota, uncapped tiers stay uncapped (every eligible unit is awarded). Every
such change is listed in ``result.notes``.

Outputs (:class:`Comparison`):

* ``pairs`` — per pair of schemes: awards under each, in both, only under one, Jaccard
  overlap of the awarded sets (|A∩B| / |A∪B|; two empty sets count as 1.0) and Kendall's
  tau of the provincial ranks (``scipy.stats.kendalltau``, tau-b) with its p-value;
* ``units`` — per locality: award, rank, total and eligibility under each scheme;
* ``differences`` — per pair, every unit awarded under one scheme and not the other, with
  **the criteria that explain it** under the scheme where it lost: failed hard gates and
  unmet standards (value vs target), or — when it was eligible — the criteria where it lost
  most points against the unit it had to beat (its parent's last nominee when it was not
  nominated, else the last awarded nominee); for standards schemes the standards with the
  smallest margin against that unit;
* ``sentences`` / ``sentences_vi`` — the same as readable sentences.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..model import Scheme
from .sweep import awarded_set, jaccard, run_awards

__all__ = ["compare", "Comparison", "resolve_scheme"]


@dataclass
class Comparison:
    """The result of :func:`compare` (DataFrames plus sentences; shows itself in a notebook)."""

    schemes: list[str]
    pairs: pd.DataFrame
    units: pd.DataFrame
    differences: pd.DataFrame
    sentences: list[str]
    sentences_vi: list[str]
    notes: list[str] = field(default_factory=list)
    award_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    scheme_objects: dict[str, Scheme] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"pairs": self.pairs, "units": self.units, "differences": self.differences}

    def summary(self, lang: str = "en") -> str:
        lines = []
        for _, p in self.pairs.iterrows():
            tau = "n/a" if pd.isna(p["kendall_tau"]) else f"{p['kendall_tau']:.2f}"
            if lang == "vi":
                lines.append(f"{p['a']} và {p['b']}: {p['awarded_a']} / {p['awarded_b']} đơn vị được khen, "
                             f"{p['both']} trùng (Jaccard {p['jaccard']:.2f}), tương quan hạng Kendall tau {tau}.")
            else:
                lines.append(f"{p['a']} vs {p['b']}: {p['awarded_a']} / {p['awarded_b']} awards, {p['both']} in "
                             f"both (Jaccard {p['jaccard']:.2f}), Kendall's tau of ranks {tau}.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Comparison {' vs '.join(self.schemes)}: {len(self.units)} units, {len(self.differences)} differences>"

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        sents = "".join(f"<li>{escape(s)}</li>" for s in self.sentences[:30])
        more = f"<p>… {len(self.sentences) - 30} more</p>" if len(self.sentences) > 30 else ""
        pairs = self.pairs.to_html(index=False, float_format=lambda x: f"{x:.3f}")
        return (f"<div><h4>{escape(' vs '.join(self.schemes))}</h4><p>{escape(self.summary())}</p>"
                f"{pairs}<ul>{notes}</ul><h5>Why the award sets differ</h5><ul>{sents}</ul>{more}</div>")


# --------------------------------------------------------------------------- inputs
def resolve_scheme(item) -> Scheme:
    """A Scheme, or a ``(plan_id or scenario path, level)`` pair loaded with ``load_plan``."""
    if isinstance(item, Scheme):
        return item
    if isinstance(item, (tuple, list)) and len(item) == 2:
        from ..loader import load_plan

        plan_ref, level = item
        plan = load_plan(plan_ref)
        try:
            return plan.scheme(str(level))
        except KeyError as exc:
            raise InputError(str(exc.args[0]), file=plan.file) from None
    raise InputError(f"compare: expected a Scheme or a (plan_id, level) pair, not {item!r}")


def _total_quota(s: Scheme) -> int | None:
    tiers = s.awards.allocated_tiers
    if not tiers or any(t.quota is None for t in tiers):
        return None
    return int(sum(t.quota for t in tiers))


def _lookup(quotas: Mapping, k: int, name: str, original, scheme: Scheme):
    for key in (name, k, scheme.plan_id):
        if key is not None and key in quotas:
            return quotas[key]
    if isinstance(original, (tuple, list)) and tuple(original) in quotas:
        return quotas[tuple(original)]
    for key, value in quotas.items():
        if isinstance(key, Scheme) and key is original:
            return value
    return None


# --------------------------------------------------------------------------- explanations
def _fmt_value(v: float, unit: str, lang: str = "en") -> str:
    text = f"{v * 100:.1f}%".replace(".0%", "%") if unit == "ratio" else f"{v:g}"
    return text.replace(".", ",") if lang == "vi" else text


def _why_not(unit: str, scheme: Scheme, aw: pd.DataFrame, values: pd.DataFrame, catalog, top: int = 3) -> dict:
    """Why ``unit`` got no award under ``scheme``: kind, criteria ids and phrases (en, vi)."""
    row = aw.loc[unit]
    vrow = values.loc[unit]

    def unit_of(ind):
        return catalog[ind].unit if catalog is not None and ind in catalog else "ratio"

    def lab(ind, lang="en"):
        if catalog is None or ind not in catalog:
            return ind
        text = catalog.label(ind, lang)
        text = text if len(text) <= 60 else text[:59] + "…"
        return text[:1].lower() + text[1:] if lang == "en" and not text[:2].isupper() else text

    def crit(c, lang="en"):
        text = (c.label_en if lang == "en" else c.label) or c.id
        text = text if len(text) <= 40 else text[:39] + "…"
        return f"{c.id} {text}"

    def val(ind):
        v = pd.to_numeric(vrow.get(ind, np.nan), errors="coerce")
        return 0.0 if pd.isna(v) else float(v)

    if not bool(row["eligible"]):
        items, en, vi = [], [], []
        for g in scheme.gates:
            if g.mode == "hard" and not bool(row[f"gate.{g.id}"]):
                t = float(row[f"gate_target.{g.id}"])
                u = unit_of(g.indicator)
                items.append(g.id)
                en.append(f"gate {g.id} ({lab(g.indicator)} {_fmt_value(val(g.indicator), u)}, needs {g.op} {_fmt_value(t, u)})")
                vi.append(f"chỉ tiêu bắt buộc {g.id} ({lab(g.indicator, 'vi')} {_fmt_value(val(g.indicator), u, 'vi')}, cần {g.op} {_fmt_value(t, u, 'vi')})")
        if scheme.kind == "standards":
            for c in scheme.criteria:
                if not bool(row[f"met.{c.id}"]):
                    t = float(row[f"target.{c.id}"])
                    u = unit_of(c.indicator)
                    items.append(c.id)
                    en.append(f"standard {c.id} ({lab(c.indicator)} {_fmt_value(val(c.indicator), u)}, needs {c.op} {_fmt_value(t, u)})")
                    vi.append(f"tiêu chuẩn {c.id} ({lab(c.indicator, 'vi')} {_fmt_value(val(c.indicator), u, 'vi')}, cần {c.op} {_fmt_value(t, u, 'vi')})")
        return {"kind": "not eligible", "criteria": items, "en": "fails " + "; ".join(en),
                "vi": "không đạt " + "; ".join(vi)}

    # eligible: who did it have to beat?
    if not bool(row["nominated"]):
        parent = row["parent_id"]
        mates = aw[(aw["parent_id"].astype(object) == parent) & aw["nominated"]]
        ref_id = mates.sort_values("rank").index[-1] if len(mates) else None
        kind = "not nominated"
    else:
        awarded = aw[aw["award"].notna()]
        ref_id = awarded.sort_values("rank").index[-1] if len(awarded) else None
        kind = "below cut-off"
    if ref_id is None:
        from ..allocate import reason_text  # the structured reason, in each language

        code, params = row.get("reason_code"), row.get("reason_params")
        texts = {lg: reason_text(code, params, scheme, lg) if code else str(row["reason"]) for lg in ("en", "vi")}
        return {"kind": kind, "criteria": [], **texts}
    ref = aw.loc[ref_id]
    ref_name = ref.get("name", ref_id)
    if scheme.kind == "points":
        gap = float(ref["total"]) - float(row["total"])
        deficits = []
        for c in scheme.criteria:
            d = float(ref[f"points.{c.id}"]) - float(row[f"points.{c.id}"])
            if d > 1e-9:
                deficits.append((d, c))
        deficits.sort(key=lambda x: -x[0])
        chosen = deficits[:top]
        en = ", ".join(f"{crit(c)} (−{d:.1f} pts)" for d, c in chosen)
        vi = ", ".join(f"{crit(c, 'vi')} (−{d:.1f} điểm)".replace(".", ",") for d, c in chosen)
        lead_en = (f"not nominated: {gap:.1f} points behind {ref_name}" if kind == "not nominated"
                   else f"{gap:.1f} points below the cut-off ({ref_name})")
        lead_vi = (f"không được đề nghị: kém {ref_name} {gap:.1f} điểm" if kind == "not nominated"
                   else f"thấp hơn điểm sàn ({ref_name}) {gap:.1f} điểm").replace(".", ",")
        return {"kind": kind, "criteria": [c.id for _, c in chosen],
                "en": lead_en + (f", mostly on {en}" if en else ""),
                "vi": lead_vi + (f", chủ yếu ở {vi}" if vi else "")}
    # standards: smallest margins against the reference
    gaps = []
    for c in scheme.criteria:
        sign = 1.0 if c.op in (">", ">=", "==") else -1.0
        mu = sign * (val(c.indicator) - float(row[f"target.{c.id}"]))
        mr = sign * (float(values.loc[ref_id].get(c.indicator, 0) or 0) - float(ref[f"target.{c.id}"]))
        if mr - mu > 1e-12:
            gaps.append((mr - mu, c))
    gaps.sort(key=lambda x: -x[0])
    chosen = gaps[:top]
    en = ", ".join(f"{c.id} {lab(c.indicator)} ({d * 100:.1f} pp less)" for d, c in chosen)
    vi = ", ".join(f"{c.id} {lab(c.indicator, 'vi')} (thấp hơn {d * 100:.1f} điểm %)".replace(".", ",") for d, c in chosen)
    lead_en = f"{'not nominated' if kind == 'not nominated' else 'below the cut-off'}: smaller margin than {ref_name}"
    lead_vi = f"{'không được đề nghị' if kind == 'not nominated' else 'dưới điểm sàn'}: mức vượt thấp hơn {ref_name}"
    return {"kind": kind, "criteria": [c.id for _, c in chosen], "en": lead_en + (f" on {en}" if en else ""),
            "vi": lead_vi + (f" ở {vi}" if vi else "")}


# --------------------------------------------------------------------------- compare
def compare(schemes: Sequence, values: pd.DataFrame, registry: pd.DataFrame | None = None,
            quotas: Mapping | None = None, catalog=None) -> Comparison:
    """Score the same localities under several schemes and explain where the awards differ.

    Parameters
    ----------
    schemes : two or more Schemes or ``(plan_id, level)`` pairs, e.g.
        ``[("ha_giang_186_2023", "commune"), ("tuyen_quang_da06_2022", "commune")]``.
    values : index ``locality_id``, a column for every indicator any scheme reads.
    registry : the registry the values belong to (urban classes, parents, names).
    quotas : ``{scheme: {tier: quota}}`` for schemes lacking one (see the module docstring).

    Returns a :class:`Comparison`.
    """
    if catalog is None:
        from ..catalog import load_catalog

        catalog = load_catalog()
    originals = list(schemes)
    if len(originals) < 2:
        raise InputError("compare: give at least two schemes")
    resolved = [resolve_scheme(s) for s in originals]
    problems = [Problem(f"{s.name} is a {s.kind} scheme; only points and standards schemes give awards", path=s.name)
                for s in resolved if s.kind not in ("points", "standards")]
    missing = {}
    for s in resolved:
        lacking = [i for i in s.indicators if i not in values.columns]
        if lacking:
            missing[s.name] = lacking
    for name, lacking in missing.items():
        problems.append(Problem(f"the values table lacks {len(lacking)} indicator(s) {name} needs: "
                                f"{', '.join(lacking[:8])}{' …' if len(lacking) > 8 else ''} (a simulated panel "
                                "for the same registry has every catalog indicator)", path=name))
    if problems:
        raise InputError(problems)

    names = []
    for s in resolved:
        base = s.name
        name, k = base, 2
        while name in names:
            name, k = f"{base}#{k}", k + 1
        names.append(name)

    # quotas
    notes = []
    quotas = dict(quotas or {})
    default_q = next((q for q in (_total_quota(s) for s in resolved) if q is not None), None)
    final: list[Scheme] = []
    for k, (name, s, orig) in enumerate(zip(names, resolved, originals)):
        explicit = _lookup(quotas, k, name, orig, s) if quotas else None
        if explicit:
            changes = {f"awards.{tier}.quota": q for tier, q in explicit.items()}
            s = s.adjust(changes)
            notes.append(f"{name}: quotas set to {explicit} (given).")
        elif any(t.quota is None for t in s.awards.allocated_tiers):
            if default_q is None:
                notes.append(f"{name}: no quota (\"theo thẩm quyền\") and no other scheme has one: every eligible "
                             "unit is awarded.")
            else:
                fixed = sum(t.quota for t in s.awards.allocated_tiers if t.quota is not None)
                changes, first = {}, True
                for t in s.awards.allocated_tiers:
                    if t.quota is None:
                        changes[f"awards.{t.id}.quota"] = max(default_q - fixed, 0) if first else 0
                        first = False
                s = s.adjust(changes)
                notes.append(f"{name}: the plan sets no quota; given {default_q} in total (the first scheme's "
                             f"collective quota) via adjust {changes}.")
        final.append(s)
    if registry is not None and "province" in registry:
        provinces = set(registry["province"].dropna().astype(str)) - {""}
        if provinces:
            notes.append(f"All schemes are applied to the same units ({', '.join(sorted(provinces))}); a scheme "
                         "from another province is a what-if, not that province's result.")

    values = values.set_axis(values.index.astype(str))
    tables = {name: run_awards(s, values, registry) for name, s in zip(names, final)}
    common = None
    for t in tables.values():
        common = t.index if common is None else common.intersection(t.index)
    if common is None or not len(common):
        raise InputError("compare: the schemes score no locality in common (different unit levels?)")
    first = tables[names[0]].loc[common]
    units = pd.DataFrame(index=common)
    for col in ("name", "urban_class", "parent_id"):
        if col in first:
            units[col] = first[col]
    for name in names:
        t = tables[name].loc[common]
        units[f"award[{name}]"] = t["award"].astype(object).where(t["award"].notna(), None)
        units[f"rank[{name}]"] = t["rank"]
        units[f"total[{name}]"] = t["total"]
        units[f"eligible[{name}]"] = t["eligible"]

    from scipy.stats import kendalltau

    pair_rows, diff_rows, sentences, sentences_vi = [], [], [], []
    explain_cache: dict[tuple[str, str], dict] = {}
    for a, b in combinations(names, 2):
        ta, tb = tables[a].loc[common], tables[b].loc[common]
        sa, sb = awarded_set(ta), awarded_set(tb)
        tau = kendalltau(ta["rank"].to_numpy(), tb["rank"].to_numpy())
        pair_rows.append({"a": a, "b": b, "units": len(common), "awarded_a": len(sa), "awarded_b": len(sb),
                          "both": len(sa & sb), "only_a": len(sa - sb), "only_b": len(sb - sa),
                          "jaccard": jaccard(sa, sb), "kendall_tau": float(tau.statistic),
                          "tau_pvalue": float(tau.pvalue)})
        for win, lose, only in ((a, b, sa - sb), (b, a, sb - sa)):
            tw, tl = tables[win], tables[lose]
            scheme_l = final[names.index(lose)]
            for lid in sorted(only, key=lambda i: int(tw.at[i, "rank"])):
                key = (lose, lid)
                if key not in explain_cache:
                    explain_cache[key] = _why_not(lid, scheme_l, tl, values, catalog)
                why = explain_cache[key]
                nm = tw.at[lid, "name"] if "name" in tw else lid
                award = tw.at[lid, "award"]
                tier = final[names.index(win)].awards.tier(award)
                en = f"{nm} wins a {tier.label_en or award} under {win} but nothing under {lose}: {why['en']}."
                vi = f"{nm} được {tier.label or award} theo {win} nhưng không được khen theo {lose}: {why['vi']}."
                sentences.append(en)
                sentences_vi.append(vi)
                diff_rows.append({"a": a, "b": b, "locality_id": lid, "name": nm,
                                  "urban_class": tw.at[lid, "urban_class"] if "urban_class" in tw else None,
                                  "awarded_under": win, "award": award, "not_under": lose,
                                  "rank_awarded": int(tw.at[lid, "rank"]), "rank_not": int(tl.at[lid, "rank"]),
                                  "why": why["kind"], "criteria": ", ".join(why["criteria"]),
                                  "reason": tl.at[lid, "reason"], "explanation": en, "explanation_vi": vi})
    pairs = pd.DataFrame(pair_rows)
    differences = pd.DataFrame(diff_rows, columns=["a", "b", "locality_id", "name", "urban_class", "awarded_under",
                                                   "award", "not_under", "rank_awarded", "rank_not", "why", "criteria",
                                                   "reason", "explanation", "explanation_vi"])
    expl = differences.groupby("locality_id")["explanation"].agg(" ".join) if len(differences) else pd.Series(dtype=object)
    units["explanation"] = expl.reindex(units.index).fillna("")
    units.index.name = "locality_id"
    return Comparison(schemes=names, pairs=pairs, units=units, differences=differences, sentences=sentences,
                      sentences_vi=sentences_vi, notes=notes, award_tables=tables,
                      scheme_objects=dict(zip(names, final)))
