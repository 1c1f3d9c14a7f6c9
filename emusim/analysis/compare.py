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

import pandas as pd

from ..errors import InputError, Problem
from ..i18n import Message, check_lang, fmt_number, t
from ..model import Scheme
from .compare_text import _why_not
from .labels import SchemeTitle, scheme_title
from .sweep import awarded_set, jaccard, run_awards

__all__ = ["compare", "Comparison", "resolve_scheme"]


def _settings(changes: Mapping, scheme: Scheme) -> str:
    """``{path: value}`` as people read it (the plan's wording beside each path)."""
    return _SettingsText(changes, scheme)


class _SettingsText:
    """Rendered in the reader's language when a note is (``fmt_value`` renders a Message only)."""

    def __init__(self, changes: Mapping, scheme: Scheme):
        self.changes, self.scheme = dict(changes), scheme

    def text(self, lang: str | None = None) -> str:
        from ..i18n.paths import describe_setting

        return "; ".join(describe_setting(p, v, self.scheme, lang) for p, v in self.changes.items())

    def __str__(self) -> str:
        return self.text()


@dataclass
class Comparison:
    """The result of :func:`compare` (DataFrames plus sentences; shows itself in a notebook).

    ``sentences`` and ``notes`` are in the current language (``sentences_en`` / ``sentences_vi``
    hold both); :meth:`labelled` gives a table with headers and values for people.
    """

    schemes: list[str]
    pairs: pd.DataFrame
    units: pd.DataFrame
    differences: pd.DataFrame
    sentences_en: list[str]
    sentences_vi: list[str]
    note_messages: list = field(default_factory=list)
    award_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    scheme_objects: dict[str, Scheme] = field(default_factory=dict)

    @property
    def sentences(self) -> list[str]:
        """Why the award sets differ, one sentence per unit, in the current language."""
        return self.sentences_in()

    def sentences_in(self, lang: str | None = None) -> list[str]:
        return list(self.sentences_vi if check_lang(lang) == "vi" else self.sentences_en)

    @property
    def notes(self) -> list[str]:
        """What was changed or assumed to compare (quotas given, what-ifs), in the current language."""
        return self.notes_in()

    def notes_in(self, lang: str | None = None) -> list[str]:
        return [_render(n, lang) for n in self.note_messages]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"pairs": self.pairs, "units": self.units, "differences": self.differences}

    def summary(self, lang: str | None = None) -> str:
        lang = check_lang(lang)
        lines = []
        for _, p in self.pairs.iterrows():
            tau = t("compare.tau_na", lang) if pd.isna(p["kendall_tau"]) else fmt_number(p["kendall_tau"], lang)
            lines.append(t("compare.summary", lang, a=self.title(p["a"], lang), b=self.title(p["b"], lang), awarded_a=int(p["awarded_a"]),
                           awarded_b=int(p["awarded_b"]), both=int(p["both"]), jaccard=fmt_number(p["jaccard"], lang),
                           tau=tau))
        return "\n".join(lines)

    def title(self, name: str, lang: str | None = None) -> str:
        """A scheme of this comparison as people read it (``plan (cấp xã)`` in Vietnamese)."""
        scheme = self.scheme_objects.get(name)
        return scheme_title(scheme, lang, name) if scheme is not None else name

    def labelled(self, table: str = "differences", lang: str | None = None) -> pd.DataFrame:
        """``pairs``, ``units`` or ``differences`` for people: headers, tier labels, yes/no and
        the reasons in ``lang`` (the machine tables keep their column names for code)."""
        lang = check_lang(lang)
        out = self.tables()[table].copy()

        def tier_label(scheme_name, x):
            if x is None or (isinstance(x, float) and x != x):
                return t("compare.no_award", lang)
            try:
                tier = self.scheme_objects[scheme_name].awards.tier(x)
            except (KeyError, AttributeError):
                return x
            return (tier.label_en or tier.label if lang == "en" else tier.label or tier.label_en) or x

        def yes_no(v):
            return v if v is None or (isinstance(v, float) and v != v) else t("compare.yes" if v else "compare.no", lang)

        if "urban_class" in out:
            from ..charts.style import urban_label

            out["urban_class"] = out["urban_class"].map(lambda c: c if c is None or c != c else urban_label(str(c), lang))
        names = {}
        for col in ("a", "b", "awarded_under", "not_under"):
            if col in out:
                out[col] = out[col].map(lambda n: self.title(n, lang))
        if table == "differences":
            out["award"] = [tier_label(s, x) for s, x in zip(self.differences["awarded_under"], out["award"])]
            out["why"] = out["why"].map(lambda k: t("compare.why_" + str(k).replace(" ", "_").replace("-", "_"), lang))
            out["explanation"] = out["explanation_vi" if lang == "vi" else "explanation"]
            out = out.drop(columns=["explanation_vi"])
        elif table == "units":
            out["explanation"] = out["explanation_vi" if lang == "vi" else "explanation"]
            out = out.drop(columns=["explanation_vi"])
            for s in self.schemes:
                out[f"award[{s}]"] = out[f"award[{s}]"].map(lambda x, s=s: tier_label(s, x))
                out[f"eligible[{s}]"] = out[f"eligible[{s}]"].map(yes_no)
                for what in ("award", "rank", "total", "eligible"):
                    names[f"{what}[{s}]"] = t(f"compare.col_{what}_of", lang, scheme=self.title(s, lang))
            out = out.reset_index()
        for col in out.columns:
            if col not in names:
                try:
                    names[col] = t(f"compare.col_{col}", lang)
                except KeyError:
                    names[col] = col
        return out.rename(columns=names)

    def __repr__(self) -> str:
        return f"<Comparison {' vs '.join(self.schemes)}: {len(self.units)} units, {len(self.differences)} differences>"

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        sentences = self.sentences
        sents = "".join(f"<li>{escape(s)}</li>" for s in sentences[:30])
        more = f"<p>{escape(t('compare.html_more', n=len(sentences) - 30))}</p>" if len(sentences) > 30 else ""
        pairs = self.labelled("pairs").to_html(index=False, float_format=lambda x: f"{x:.3f}")
        return (f"<div><h4>{escape(' — '.join(self.title(n) for n in self.schemes))}</h4><p>{escape(self.summary())}</p>"
                f"{pairs}<ul>{notes}</ul><h5>{escape(t('compare.html_why'))}</h5><ul>{sents}</ul>{more}</div>")


def _render(note, lang: str | None) -> str:
    if isinstance(note, Message):
        values = {k: (v.text(lang) if isinstance(v, _SettingsText) else v) for k, v in note.values.items()}
        return t(note.key, lang, **values)
    return str(note)


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
    raise InputError([Problem(Message("compare.bad_item", value=repr(item)))])


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
        raise InputError([Problem(Message("compare.two_schemes"))])
    resolved = [resolve_scheme(s) for s in originals]
    problems = [Problem(Message("analysis.not_award_scheme", where="compare", scheme=SchemeTitle(s),
                                kind=Message(f"analysis.kind_{s.kind}")), path=s.name)
                for s in resolved if s.kind not in ("points", "standards")]
    missing = {}
    for s in resolved:
        lacking = [i for i in s.indicators if i not in values.columns]
        if lacking:
            missing[s.name] = (s, lacking)
    for name, (s, lacking) in missing.items():
        problems.append(Problem(Message("compare.lacks_indicators", n=len(lacking), scheme=SchemeTitle(s),
                                        items=", ".join(lacking[:8]) + (" …" if len(lacking) > 8 else ""))))
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
            notes.append(Message("compare.note_given", scheme=SchemeTitle(s, name), quotas=_settings(changes, s)))
        elif any(tier.quota is None for tier in s.awards.allocated_tiers):
            if default_q is None:
                notes.append(Message("compare.note_uncapped", scheme=SchemeTitle(s, name)))
            else:
                fixed = sum(tier.quota for tier in s.awards.allocated_tiers if tier.quota is not None)
                changes, first = {}, True
                for tier in s.awards.allocated_tiers:
                    if tier.quota is None:
                        changes[f"awards.{tier.id}.quota"] = max(default_q - fixed, 0) if first else 0
                        first = False
                s = s.adjust(changes)
                notes.append(Message("compare.note_default_quota", scheme=SchemeTitle(s, name), quota=default_q,
                                     changes=_settings(changes, s)))
        final.append(s)
    if registry is not None and "province" in registry:
        provinces = set(registry["province"].dropna().astype(str)) - {""}
        if provinces:
            notes.append(Message("compare.note_what_if", provinces=", ".join(sorted(provinces))))

    values = values.set_axis(values.index.astype(str))
    tables = {name: run_awards(s, values, registry) for name, s in zip(names, final)}
    common = None
    for tab in tables.values():
        common = tab.index if common is None else common.intersection(tab.index)
    if common is None or not len(common):
        raise InputError([Problem(Message("compare.no_common"))])
    first = tables[names[0]].loc[common]
    units = pd.DataFrame(index=common)
    for col in ("name", "urban_class", "parent_id"):
        if col in first:
            units[col] = first[col]
    for name in names:
        tab = tables[name].loc[common]
        units[f"award[{name}]"] = tab["award"].astype(object).where(tab["award"].notna(), None)
        units[f"rank[{name}]"] = tab["rank"]
        units[f"total[{name}]"] = tab["total"]
        units[f"eligible[{name}]"] = tab["eligible"]

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
                sw, sl = final[names.index(win)], final[names.index(lose)]
                en = t("compare.sentence", "en", name=nm, tier=tier.label_en or tier.label or award, win=win,
                       lose=lose, why=why["en"])
                vi = t("compare.sentence", "vi", name=nm, tier=tier.label or tier.label_en or award,
                       win=scheme_title(sw, "vi", win), lose=scheme_title(sl, "vi", lose), why=why["vi"])
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
    expl_vi = differences.groupby("locality_id")["explanation_vi"].agg(" ".join) if len(differences) \
        else pd.Series(dtype=object)
    units["explanation_vi"] = expl_vi.reindex(units.index).fillna("")
    units.index.name = "locality_id"
    return Comparison(schemes=names, pairs=pairs, units=units, differences=differences, sentences_en=sentences,
                      sentences_vi=sentences_vi, note_messages=notes, award_tables=tables,
                      scheme_objects=dict(zip(names, final)))
