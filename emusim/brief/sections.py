"""The brief's scheme checks — statistical audit, gaming risk, structural alternatives — and
the list of sections left out, each with the reason (issue 13: "the brief says what it did").

A section that is left out is a :class:`~emusim.i18n.Message` in ``facts["left_out"]``
(stored as ``{"key", "values"}`` so ``summary.json`` stays plain data), rendered in both
languages under "Phần không có trong bản tóm tắt / Sections left out".
"""
from __future__ import annotations

from typing import Any, Mapping

from ..i18n import Message, t


def left_out(key: str, **values) -> dict:
    """A section left out: the message key (in ``brief.yaml``) and its values."""
    return {"key": f"brief.{key}", "values": {k: _plain(v) for k, v in values.items()}}


def _plain(v):
    """A value as plain data: a :class:`Message` as ``{"key", "values"}`` (rendered per language)."""
    if isinstance(v, Message):
        return {"key": v.key, "values": {k: _plain(x) for k, x in v.values.items()}}
    return v if isinstance(v, (int, float, str)) else str(v)


def render_left_out(item: Mapping, lang: str) -> str:
    values = {k: (render_left_out(v, lang) if isinstance(v, dict) and "key" in v else v)
              for k, v in item.get("values", {}).items()}
    return t(item["key"], lang, **values)


def scheme_checks(scheme, values, registry, st, *, extra: Mapping | None = None, notes: list | None = None) -> dict[str, Any]:
    """Run :func:`~emusim.analysis.audit`, :func:`~emusim.analysis.gaming_risk` and
    :func:`~emusim.analysis.alternatives`; return the objects, their facts and what was left out."""
    from ..analysis import alternatives, audit, gaming_risk

    out: dict[str, Any] = {"audit": None, "gaming": None, "alternatives": None, "facts": {}, "left_out": []}
    notes = notes if notes is not None else []
    for name, run in (("audit", lambda: audit(scheme, values, registry, st=st)),
                      ("gaming", lambda: gaming_risk(scheme, values, registry)),
                      ("alternatives", lambda: alternatives(scheme, values, registry, extra=extra))):
        try:
            obj = run()
        except Exception as exc:  # noqa: BLE001 - the brief goes on, and says so
            out["left_out"].append(left_out("left_out_failed", section=Message(f"brief.section_{name}"), error=f"{type(exc).__name__}: {exc}"))
            continue
        out[name] = obj
        out["facts"][name] = {"summary": {lg: obj.summary(lg) for lg in ("vi", "en")},
                              "warnings": {lg: [w.text(lg) for w in obj.warnings] for lg in ("vi", "en")}}
    a, g, alts = out["audit"], out["gaming"], out["alternatives"]
    if a is not None:
        out["facts"]["audit"].update(
            variance_shares={k: (None if v != v else float(v)) for k, v in a.shares["variance_share"].items()},
            nominal_shares={k: (None if v != v else float(v)) for k, v in a.shares["nominal_share"].items()},
            saturated=a.saturated, dead=a.dead)
        if a.shares["variance_share"].isna().all():
            out["left_out"].append(left_out("left_out_audit_chart"))
    if g is not None:
        out["facts"]["gaming"].update(
            cheapest=g.cheapest.head(10)[["criterion", "indicator", "effort", "self_declared", "points_per_step",
                                          "points_per_cost", "units_can_gain"]].to_dict("records"),
            flagged=[str(i) for i in g.flags.index])
        if g.cheapest.empty:
            out["left_out"].append(left_out("left_out_gaming_chart"))
    if alts is not None:
        out["facts"]["alternatives"].update(table=alts.table.reset_index().to_dict("records"))
    return out


def section_lines(facts: Mapping, lang: str) -> list[str]:
    """The summary's audit / gaming / alternatives sections and the sections left out."""
    lines: list[str] = []
    for name, heading in (("audit", "brief.audit_heading"), ("gaming", "brief.gaming_heading"),
                          ("alternatives", "brief.alternatives_heading")):
        f = facts.get(name)
        if not f:
            continue
        body = f["summary"][lang] + [f"⚠ {w}" for w in f["warnings"][lang] if w not in f["summary"][lang]]
        if body:
            lines += ["", f"### {t(heading, lang)}", ""] + [f"- {x}" for x in body]
    if facts.get("left_out"):
        lines += ["", f"### {t('brief.left_out_heading', lang)}", ""]
        lines += [f"- {render_left_out(x, lang)}" for x in facts["left_out"]]
    return lines


__all__ = ["Message", "left_out", "render_left_out", "scheme_checks", "section_lines"]
