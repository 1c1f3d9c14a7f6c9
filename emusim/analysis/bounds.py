"""The bounds on a value that make ``value op target`` true under the engine's tolerance
(shared by the improve search and its sentences)."""
from __future__ import annotations

import numpy as np


def op_bound(op: str, target: float, tol: float, eps: float, integer: bool) -> tuple[float, float]:
    """(low, high) bounds on x that make ``x op target`` true under the engine's tolerance."""
    if op == ">":
        lo = target + tol + eps
        return (float(np.floor(target + tol) + 1) if integer else lo, np.inf)
    if op == ">=":
        return (float(np.ceil(target - tol)) if integer else target - tol, np.inf)
    if op == "<":
        return (-np.inf, float(np.ceil(target - tol) - 1) if integer else target - tol - eps)
    if op == "<=":
        return (-np.inf, float(np.floor(target + tol)) if integer else target + tol)
    if op == "==":
        return (target, target)
    raise ValueError(op)
