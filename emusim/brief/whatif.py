"""The brief's what-if: the option tried, and who gains or loses (via :func:`emusim.diff`)."""
from __future__ import annotations

import pandas as pd


def _uses_uplift(scheme) -> bool:
    return any(c.uplift for c in scheme.criteria) or any(g.uplift for g in scheme.gates)


def _pm5(v: float) -> tuple[float, float]:
    """``v`` ± 5 points, clipped to [0, 1]."""
    return round(max(0.0, v - 0.05), 4), round(min(1.0, v + 0.05), 4)


def default_whatif(scheme, st: pd.DataFrame) -> dict:
    """The reform the brief tries: +5 pp city uplift where the scheme has uplift, else the
    least-met standard / mandatory target lowered by 5 points."""
    if _uses_uplift(scheme) and scheme.uplift_value("city") < 1.0:
        return {"uplift.city": round(min(1.0, scheme.uplift_value("city") + 0.05), 4)}
    rates = []
    for c in scheme.criteria:
        if f"met.{c.id}" in st and c.target is not None:
            rates.append((float(st[f"met.{c.id}"].mean()), f"criteria.{c.id}.target", c.target))
    for g in scheme.gates:
        if f"gate.{g.id}" in st and g.mode == "hard" and g.target is not None:
            rates.append((float(st[f"gate.{g.id}"].mean()), f"gates.{g.id}.target", g.target))
    if not rates:
        return {}
    rates.sort(key=lambda r: r[0])
    _, path, t = rates[0]
    return {path: round(max(0.0, t - 0.05), 4)}

