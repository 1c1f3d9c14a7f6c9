"""Structural alternatives in one call: how much of the award list is the plan's design?

The OECD/JRC *Handbook on Constructing Composite Indicators* (2008, step 7) asks, beyond
parameter noise, what the ranking would be under *other reasonable constructions*. For an
emulation scheme these are, each a named alternative against the plan as written:

* ``drop:<criterion>`` — leave one criterion (or standard) out (a scheme transform: the row
  removed, everything else as written);
* ``equal_groups`` — every base group (I…VII) given the same maximum, the mean of the
  plan's (``groups.<id>.max``: the criteria rescaled as ``adjust`` does);
* ``basis:<rate|attainment|threshold>`` — the other readings of "Điểm = Tỷ lệ x điểm tối đa"
  (``proportional_basis``);
* ``gates_soft`` / ``gates_hard`` — every mandatory target only flagged / every flagged one
  mandatory (``gates.<id>.mode``);
* ``missing:<policy>`` — the other missing-data policies, when the scheme has the path
  ``missing`` (zero | exclude | previous | median);
* any ``extra={name: adjust dict}`` (e.g. the plan "readings" of :mod:`emusim.readings`).

For each: Spearman's rank correlation with the plan's ranking, the mean and largest
absolute rank shift, and the award changes by :func:`emusim.diff` (gains, losses, tier
moves; one mechanism everywhere).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from ..i18n import Message, t

__all__ = ["Alternatives", "alternatives", "standard_alternatives"]

MISSING_POLICIES = ("zero", "exclude", "previous", "median")


def _drop(criterion_id: str) -> Callable:
    def transform(scheme):
        return dataclasses.replace(scheme, criteria=tuple(c for c in scheme.criteria if c.id != criterion_id),
                                   changes=tuple(scheme.changes) + ((f"drop:{criterion_id}", True),))
    return transform


def standard_alternatives(scheme, include_drops: bool = True) -> dict[str, tuple[str, Any]]:
    """``{name: (kind, adjust dict or transform)}``: the alternatives :func:`alternatives` tries."""
    params = scheme.parameters()
    out: dict[str, tuple[str, Any]] = {}
    if scheme.kind == "points":
        base = [g for g in scheme.groups if g.part == "A" and g.max]
        if len(base) > 1 and len({g.max for g in base}) > 1:
            mean = float(np.mean([g.max for g in base]))
            out["equal_groups"] = ("adjust", {f"groups.{g.id}.max": round(mean, 6) for g in base})
        if any(c.rule == "proportional" for c in scheme.criteria) and "proportional_basis" in params:
            for basis in ("rate", "attainment"):
                if basis != scheme.proportional_basis:
                    out[f"basis:{basis}"] = ("adjust", {"proportional_basis": basis})
    hard = [g for g in scheme.gates if g.mode == "hard"]
    soft = [g for g in scheme.gates if g.mode == "soft"]
    if hard:
        out["gates_soft"] = ("adjust", {f"gates.{g.id}.mode": "soft" for g in hard})
    if soft:
        out["gates_hard"] = ("adjust", {f"gates.{g.id}.mode": "hard" for g in soft})
    if "missing" in params:
        for policy in MISSING_POLICIES:
            if policy != params["missing"]:
                out[f"missing:{policy}"] = ("adjust", {"missing": policy})
    if include_drops:
        for c in scheme.criteria:
            out[f"drop:{c.id}"] = ("transform", _drop(c.id))
    return out


@dataclass
class Alternatives:
    """One row per alternative (``.table``) and, for each one that changes an award (and every
    ``extra``), its :class:`~emusim.diff.AwardDiff` (``.diffs``)."""

    scheme_name: str
    table: pd.DataFrame
    diffs: dict
    nominal: pd.DataFrame
    warnings: list = field(default_factory=list)
    #: the scheme as people read it, per language
    titles: dict = field(default_factory=dict)

    def summary(self, lang: str | None = None) -> list[str]:
        out = []
        tab = self.table.dropna(subset=["spearman"])
        if tab.empty:
            return out
        changed = tab[tab["award_changes"] > 0]
        out.append(t("analysis.alt_count", lang, n=len(tab), changed=len(changed)))
        structural = tab[tab["kind"] != "drop"].sort_values("award_changes", ascending=False)
        if len(structural) and structural.iloc[0]["award_changes"] > 0:
            r = structural.iloc[0]
            out.append(t("analysis.alt_biggest", lang, name=t_label(r.name, lang), gains=int(r["gains"]),
                         losses=int(r["losses"])))
        drops = tab[tab["kind"] == "drop"].sort_values(["award_changes", "mean_abs_rank_shift"], ascending=False)
        if len(drops) and drops.iloc[0]["award_changes"] > 0:
            r = drops.iloc[0]
            out.append(t("analysis.alt_drop_top", lang, criterion=r.name.split(":", 1)[1], changes=int(r["award_changes"])))
        return out

    def labelled(self, lang: str | None = None) -> pd.DataFrame:
        """``table`` for people: each alternative by name, the changes in the plan's wording,
        headers in ``lang`` (``table`` keeps its column names for code)."""
        from ..i18n import check_lang
        from ..i18n.paths import describe_setting

        lang = check_lang(lang)
        out = self.table.drop(columns=["kind"], errors="ignore").copy()

        def changes(text):
            parts = []
            for item in str(text or "").split(", "):
                path, eq, raw = item.partition("=")
                if not eq or path.startswith("drop:"):
                    continue
                try:
                    value = float(raw) if raw.replace(".", "", 1).replace("-", "", 1).isdigit() else raw
                except ValueError:  # pragma: no cover
                    value = raw
                parts.append(describe_setting(path, value, None, lang, with_path=False))
            return "; ".join(parts)

        if "changes" in out:
            out["changes"] = out["changes"].map(changes)
        out.index = [t_label(name, lang) for name in out.index]
        out.index.name = t("analysis.alt_col_alternative", lang)
        return out.rename(columns={c: t(f"analysis.alt_col_{c}", lang) for c in out.columns
                                   if f"analysis.alt_col_{c}" in _catalogue()})

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<li>{escape(s)}</li>" for s in self.summary())
        from ..i18n import check_lang

        title = self.titles.get(check_lang(None), self.scheme_name)
        return (f"<div><b>{escape(t('analysis.alt_html_head'))}</b> — {escape(title)}<ul>{head}</ul>"
                f"{self.labelled().round(3).to_html()}</div>")

    def __repr__(self) -> str:
        return f"<Alternatives {self.scheme_name}: {len(self.table)} alternatives>"


def _catalogue():
    from ..i18n import catalogue

    return catalogue()


def t_label(name: str, lang: str | None = None) -> str:
    """A readable label for an alternative's name (``drop:A.IV.2`` → "bỏ tiêu chí A.IV.2")."""
    kind, _, arg = name.partition(":")
    key = f"analysis.alt_{kind}"
    from ..i18n import catalogue

    if key in catalogue():
        if kind in ("basis", "missing") and f"analysis.{kind}_{arg}" in catalogue():
            arg = t(f"analysis.{kind}_{arg}", lang)
        return t(key, lang, arg=arg)
    return name


def alternatives(scheme, values: pd.DataFrame, registry: pd.DataFrame | None = None,
                 extra: Mapping[str, Mapping[str, Any]] | None = None, include_drops: bool = True) -> Alternatives:
    """Every structural alternative of ``scheme`` against the plan as written (module docstring).

    ``extra``: ``{name: adjust dict}`` added to the standard ones (validated like any adjust;
    a bad one is an :class:`~emusim.errors.InputError` naming it).
    """
    from scipy.stats import spearmanr

    from ..allocate import allocate
    from ..diff import diff
    from ..engine import score
    from ..errors import InputError, Problem
    from .labels import SchemeTitle

    if scheme.kind == "tasks":
        raise InputError([Problem(Message("analysis.tasks_no_awards", scheme=SchemeTitle(scheme)))])
    alts = standard_alternatives(scheme, include_drops)
    problems = []
    for name, changes in (extra or {}).items():
        try:
            scheme.adjust(dict(changes))
        except InputError as exc:
            problems += [Problem(Message("analysis.alt_bad_extra", name=name, problem=p.text())) for p in exc.problems]
            continue
        alts[str(name)] = ("extra", dict(changes))
    if problems:
        raise InputError(problems)
    st0 = score(scheme, values, registry)
    aw0 = allocate(st0, scheme, registry)
    rows, diffs, warnings = [], {}, []
    for name, (kind, how) in alts.items():
        try:
            s2 = how(scheme) if kind == "transform" else scheme.adjust(how)
            aw = allocate(score(s2, values, registry), s2, registry)
        except Exception as exc:  # noqa: BLE001 - one failing alternative is reported, not fatal
            warnings.append(Message("analysis.alt_failed", name=name, error=f"{type(exc).__name__}: {exc}"))
            continue
        same = [str(x) for x in aw0["award"]] == [str(x) for x in aw["award"].reindex(aw0.index)]
        d = diff(aw0, aw, scheme=scheme) if not same or name in (extra or {}) else None
        if d is not None:
            diffs[name] = d
        counts = d.counts if d is not None else {"gains": 0, "losses": 0, "up": 0, "down": 0}
        r0 = aw0["rank"].astype(float)
        r1 = aw["rank"].reindex(aw0.index).astype(float)
        rho = float(spearmanr(r0, r1).statistic) if r0.nunique() > 1 and r1.nunique() > 1 else np.nan
        shift = (r1 - r0).abs()
        rows.append({"alternative": name, "kind": "drop" if kind == "transform" else kind.split(":")[0],
                     "changes": "" if kind == "transform" else ", ".join(f"{k}={v}" for k, v in how.items()),
                     "spearman": rho, "mean_abs_rank_shift": float(shift.mean()), "max_abs_rank_shift": float(shift.max()),
                     "gains": counts["gains"], "losses": counts["losses"],
                     "tier_moves": counts["up"] + counts["down"],
                     "award_changes": counts["gains"] + counts["losses"] + counts["up"] + counts["down"]})
    table = pd.DataFrame(rows, columns=["alternative", "kind", "changes", "spearman", "mean_abs_rank_shift",
                                        "max_abs_rank_shift", "gains", "losses", "tier_moves", "award_changes"])
    table["kind"] = [("drop" if a.startswith("drop:") else "extra" if k == "extra" else a.split(":")[0])
                     for a, k in zip(table["alternative"], table["kind"])]
    from .labels import scheme_title

    return Alternatives(scheme.name, table.set_index("alternative"), diffs, aw0, warnings,
                        titles={lg: scheme_title(scheme, lg) for lg in ("vi", "en")})
