"""One unit's score, line by line against the plan (``emusim score --explain``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import score
from .errors import InputError, Problem
from .i18n import Message, check_lang, fmt_number, t
from .model import Scheme
from .render import fmt_num, fmt_pct, formula


def explain(scheme: Scheme, values: pd.DataFrame, registry: pd.DataFrame | None, locality: str,
            lang: str = "vi", history=None) -> pd.DataFrame:
    """A table with one row per criterion and gate: value, effective target, formula, points."""
    from .catalog import load_catalog

    lang = check_lang(lang)
    catalog = load_catalog()

    def fmt_target(op, target, indicator):
        unit = catalog[indicator].unit if indicator in catalog else "ratio"
        return f"{op} {fmt_pct(target, lang) if unit == 'ratio' else fmt_num(target, lang)}"

    table = score(scheme, values, registry, history=history)  # history: dated rows (emusim.deadlines)
    if locality not in table.index:
        raise InputError([Problem(Message("explain.unknown_locality", locality=locality, scheme=scheme.name))])
    row = table.loc[locality]
    vals = values.set_axis(values.index.astype(str)).loc[locality]
    rows = []
    for c in scheme.criteria:
        value = "; ".join(f"{e.indicator}={fmt_num(float(vals.get(e.indicator, 0)), lang)}" for e in c.events) if c.events \
            else vals.get(c.indicator)
        target = row.get(f"target.{c.id}")
        rows.append({
            "item": c.id,
            "criterion": c.label_en if lang == "en" else c.label,
            "value": value,
            "target": (fmt_target(c.op, target, c.indicator) if target is not None and not pd.isna(target) else ""),
            "formula": formula(c, scheme, lang),
            "points": (row[f"points.{c.id}"] if f"points.{c.id}" in row
                       else t("explain.met" if row.get(f"met.{c.id}") else "explain.not_met", lang)),
            "max": c.max,
            "source": c.source.ref or "",
        })
    for g in scheme.gates:
        rows.append({
            "item": g.id,
            "criterion": g.label_en if lang == "en" else g.label,
            "value": vals.get(g.indicator),
            "target": fmt_target(g.op, row[f"gate_target.{g.id}"], g.indicator),
            "formula": t("explain.gate", lang, mode=t(f"explain.mode_{g.mode}", lang)),
            "points": t("explain.passed" if row[f"gate.{g.id}"] else "explain.failed", lang),
            "max": None,
            "source": g.source.ref or "",
        })
    out = pd.DataFrame(rows)
    out.attrs["summary"] = {k: row[k] for k in ("total", "base", "bonus", "deduction", "eligible") if k in row}
    return out


def explain_text(scheme: Scheme, values, registry, locality: str, lang: str = "vi", history=None) -> str:
    lang = check_lang(lang)
    table = explain(scheme, values, registry, locality, lang, history=history)
    name = ""
    if registry is not None and locality in registry.index and "name" in registry:
        name = f" {registry.loc[locality, 'name']}"
    lines = [f"{locality}{name} — {scheme.name}"]
    shown = table.copy()
    shown["criterion"] = shown["criterion"].map(lambda t: t if len(t) <= 48 else t[:47] + "…")
    shown["value"] = shown["value"].map(lambda v: fmt_number(v, lang, 4) if isinstance(v, (int, float)) and v == v else v)
    shown["points"] = shown["points"].map(lambda v: fmt_number(v, lang, 2) if isinstance(v, float) else v)
    with pd.option_context("display.max_colwidth", 60, "display.width", 250):
        shown = shown.drop(columns=["max"]).rename(columns=lambda c: t(f"explain.col_{c}", lang))
        lines.append(shown.to_string(index=False))

    def shown_value(v):
        if isinstance(v, (bool, np.bool_)):
            return t("common.yes" if v else "common.no", lang)
        return fmt_number(float(v), lang) if isinstance(v, float) else str(v)

    lines.append("  ".join(f"{t('explain.' + k, lang)} = {shown_value(v)}" for k, v in table.attrs["summary"].items()))
    return "\n".join(lines)
