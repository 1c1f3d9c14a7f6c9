"""The scoring rules as tiny vectorised helpers (numpy arrays in, arrays out).

Each helper is the plan's wording turned into one line of numpy, in the spirit of
OpenFisca's ``apply_thresholds``; ``emusim.engine`` composes them over a scheme.
"""
from __future__ import annotations

import numpy as np

DEFAULT_TOLERANCE = 1e-9


def compare(value, op: str, target, tol: float = DEFAULT_TOLERANCE):
    """Exact comparison with a tolerance (DESIGN §3.3).

    "Trên 70 %" is ``>``: 0.7 + 1e-12 is *not* above 70 %; "đạt 75 %" is ``>=``:
    0.75 − 1e-12 *is* at least 75 %.

    >>> compare(np.array([0.7 + 1e-12, 0.70001]), ">", 0.7).tolist()
    [False, True]
    >>> compare(np.array([0.75 - 1e-12, 0.7499]), ">=", 0.75).tolist()
    [True, False]
    """
    value = np.asarray(value, dtype=float)
    if op == ">":
        return value > target + tol
    if op == ">=":
        return value >= target - tol
    if op == "<":
        return value < target - tol
    if op == "<=":
        return value <= target + tol
    if op == "==":
        return np.abs(value - target) <= tol
    raise ValueError(f"unknown operator {op!r}")


def uplifted_target(target: float, uplift) -> np.ndarray:
    """Target raised by an additive uplift, capped at 100 %.

    >>> uplifted_target(0.75, np.array([0.0, 0.10, 0.15])).round(2).tolist()
    [0.75, 0.85, 0.9]
    >>> uplifted_target(0.95, np.array([0.15])).tolist()
    [1.0]

    A count target (> 1, e.g. "ít nhất 01 mô hình" written as 3) is not a percentage: the
    uplift leaves it as it is rather than capping it down to 1. Targets may be arrays too
    (one per Monte Carlo replication), broadcast against the uplift.

    >>> uplifted_target(3.0, np.array([0.15])).tolist()
    [3.0]
    >>> uplifted_target(np.array([[0.75], [3.0]]), np.array([0.0, 0.15])).tolist()
    [[0.75, 0.9], [3.0, 3.0]]
    """
    t = np.asarray(target, dtype=float)
    u = np.asarray(uplift, dtype=float)
    return np.where(t > 1.0, t + np.zeros_like(u), np.minimum(t + u, 1.0))


def proportional(value, maximum: float, target, basis: str = "attainment", op: str = ">=",
                 tol: float = DEFAULT_TOLERANCE):
    """"Điểm = Tỷ lệ x điểm tối đa" under the three bases of DESIGN §3.2.

    >>> v = np.array([0.35, 0.70, 0.90])
    >>> proportional(v, 20, 0.70).tolist()                       # attainment
    [10.0, 20.0, 20.0]
    >>> proportional(v, 20, 0.70, basis="rate").tolist()
    [7.0, 14.0, 18.0]
    >>> proportional(v, 20, 0.70, basis="threshold", op=">").tolist()
    [0.0, 0.0, 20.0]
    """
    value = np.asarray(value, dtype=float)
    target = np.asarray(target, dtype=float)
    if basis == "attainment":
        safe = np.where(target > 0, target, 1.0)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # tiny targets: clipped below
            ratio = np.where(target > 0, value / safe, np.where(value >= 0, 1.0, 0.0))
        return maximum * np.clip(ratio, 0.0, 1.0)
    if basis == "rate":
        return maximum * np.clip(value, 0.0, 1.0)
    if basis == "threshold":
        return maximum * compare(value, op, target, tol).astype(float)
    raise ValueError(f"unknown proportional basis {basis!r}")


def binary(value, points: float):
    """"Có được 5đ; không có được 0đ": the literal points when the indicator holds.

    >>> binary(np.array([0, 1, 1]), 5).tolist()
    [0.0, 5.0, 5.0]
    """
    return np.where(np.asarray(value, dtype=float) >= 0.5, float(points), 0.0)


def per_unit(count, unit: float, maximum: float):
    """"mỗi văn bản cộng 01 điểm" / "Số DVC x 0,5đ", capped at the row maximum.

    >>> per_unit(np.array([0, 3, 12]), 0.5, 5).tolist()
    [0.0, 1.5, 5.0]
    """
    return np.minimum(np.maximum(np.asarray(count, dtype=float), 0.0) * unit, maximum)


def events(counts: list, points: list, cap: float | None = None):
    """Bonus or deduction: points per event summed over event kinds, capped when the row has a cap.

    >>> events([np.array([1, 3]), np.array([1, 2])], [5, 10], cap=20).tolist()
    [15.0, 20.0]
    >>> events([np.array([2, 0]), np.array([1, 0])], [-1, -10]).tolist()
    [-12.0, 0.0]
    """
    total = np.zeros_like(np.asarray(counts[0], dtype=float)) if counts else np.zeros(0)
    for c, p in zip(counts, points):
        total = total + np.maximum(np.asarray(c, dtype=float), 0.0) * p
    if cap is not None:
        total = np.minimum(total, cap)
    return total
