"""Why a unit won under one scheme and not under another, in both languages (issue 14):
the text :func:`~.compare.compare` gives people."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import fmt_number, fmt_percent, t
from ..model import Scheme

# --------------------------------------------------------------------------- explanations
def _fmt_value(v: float, unit: str, lang: str = "en") -> str:
    return fmt_percent(v, lang) if unit == "ratio" else fmt_number(v, lang, 3)


def _why_not(unit: str, scheme: Scheme, aw: pd.DataFrame, values: pd.DataFrame, catalog, top: int = 3) -> dict:
    """Why ``unit`` got no award under ``scheme``: kind, criteria ids and phrases (en, vi)."""
    row = aw.loc[unit]
    vrow = values.loc[unit]
    langs = ("en", "vi")

    def unit_of(ind):
        return catalog[ind].unit if catalog is not None and ind in catalog else "ratio"

    def lab(ind, lang):
        if catalog is None or ind not in catalog:
            return ind
        text = catalog.label(ind, lang)
        text = text if len(text) <= 60 else text[:59] + "…"
        return text[:1].lower() + text[1:] if lang == "en" and not text[:2].isupper() else text

    def crit(c, lang):
        text = (c.label_en or c.label if lang == "en" else c.label or c.label_en) or c.id
        text = text if len(text) <= 40 else text[:39] + "…"
        return f"{c.id} {text}"

    def val(ind):
        v = pd.to_numeric(vrow.get(ind, np.nan), errors="coerce")
        return 0.0 if pd.isna(v) else float(v)

    if not bool(row["eligible"]):
        items, parts = [], {lg: [] for lg in langs}
        checks = [("compare.gate_fail", g.id, g.indicator, g.op, float(row[f"gate_target.{g.id}"]))
                  for g in scheme.gates if g.mode == "hard" and not bool(row[f"gate.{g.id}"])]
        if scheme.kind == "standards":
            checks += [("compare.standard_fail", c.id, c.indicator, c.op, float(row[f"target.{c.id}"]))
                       for c in scheme.criteria if not bool(row[f"met.{c.id}"])]
        for key, ident, ind, op, target in checks:
            u = unit_of(ind)
            items.append(ident)
            for lg in langs:
                parts[lg].append(t(key, lg, id=ident, label=lab(ind, lg), value=_fmt_value(val(ind), u, lg), op=op,
                                   target=_fmt_value(target, u, lg)))
        return {"kind": "not eligible", "criteria": items,
                **{lg: t("compare.fails", lg, items="; ".join(parts[lg])) for lg in langs}}

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
        texts = {lg: reason_text(code, params, scheme, lg) if code else str(row["reason"]) for lg in langs}
        return {"kind": kind, "criteria": [], **texts}
    ref = aw.loc[ref_id]
    ref_name = ref.get("name", ref_id)
    out = {"kind": kind}
    if scheme.kind == "points":
        gap = float(ref["total"]) - float(row["total"])
        deficits = []
        for c in scheme.criteria:
            d = float(ref[f"points.{c.id}"]) - float(row[f"points.{c.id}"])
            if d > 1e-9:
                deficits.append((d, c))
        deficits.sort(key=lambda x: -x[0])
        chosen = deficits[:top]
        for lg in langs:
            items = ", ".join(t("compare.points_deficit", lg, criterion=crit(c, lg), points=round(d, 1)) for d, c in chosen)
            lead = t("compare.not_nominated_points" if kind == "not nominated" else "compare.below_points", lg,
                     ref=ref_name, gap=round(gap, 1))
            out[lg] = t("compare.mostly_on", lg, lead=lead, items=items) if items else lead
        out["criteria"] = [c.id for _, c in chosen]
        return out
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
    for lg in langs:
        items = ", ".join(t("compare.margin_deficit", lg, id=c.id, label=lab(c.indicator, lg), pp=round(d * 100, 1))
                          for d, c in chosen)
        lead = t("compare.not_nominated_margin" if kind == "not nominated" else "compare.below_margin", lg, ref=ref_name)
        out[lg] = t("compare.on_items", lg, lead=lead, items=items) if items else lead
    out["criteria"] = [c.id for _, c in chosen]
    return out


