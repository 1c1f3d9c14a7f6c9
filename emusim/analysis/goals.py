"""Goals and free parameters of a scheme-design study, as data (issue 16).

A *goal* is a named metric of an award list with a bound or a direction; a *free parameter*
is an adjust path with the range (or the choices) the study may try. Both are validated in
full before any candidate is evaluated: every problem is reported at once, naming the path.

Metrics (each computed on one candidate scheme's award list, :mod:`emusim.analysis.design`):

==================  ==========================================================================
``groups_awarded``  how many parent units (districts) — or clusters, with ``by: cluster`` or
                    any registry column — have at least one awarded unit
``urban_gap``       | urban share of awards − urban share of units (``against: population``:
                    of population) |, as a fraction (0.05 = 5 percentage points)
``robustness``      expected overlap of the award list with itself under measurement noise
                    (``noise_sd``, additive on ratio indicators; the batch Monte Carlo)
``not_eligible``    units that fail a hard gate (points) or the standards (standards)
``awards``          awards given
``distance``        distance from the plan as written: Σ |Δ| / range over numeric paths,
                    + 1 per changed choice
``n_changed``       parameters changed
==================  ==========================================================================

>>> g = goals_from_dict([{"metric": "groups_awarded", "at_least": 8}, {"metric": "distance", "minimize": True}])
>>> [(x.metric, x.bound, x.sense) for x in g]
[('groups_awarded', 8.0, 'at_least'), ('distance', None, 'minimize')]
>>> free_from_dict({"uplift.city": [0.10, 0.30], "proportional_basis": ["attainment", "rate"]},
...                {"uplift.city": 0.15, "proportional_basis": "attainment"})[0]
FreeParameter(path='uplift.city', kind='real', low=0.1, high=0.3, step=0.005, choices=())
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..errors import InputError, Problem
from ..i18n import Message

METRICS = ("groups_awarded", "urban_gap", "robustness", "not_eligible", "awards", "distance", "n_changed")
#: metrics where more is better when a goal says only "optimise"
HIGHER_IS_BETTER = {"groups_awarded", "robustness", "awards"}
_INTEGER_FIELDS = ("quota", "quota_individuals", "per_parent", "extra_per_parent", "extra_min_children")
_GOAL_KEYS = {"metric", "at_least", "at_most", "minimize", "maximize", "by", "against", "noise_sd", "label", "label_en"}

__all__ = ["Goal", "FreeParameter", "goals_from_dict", "free_from_dict", "METRICS"]


@dataclass(frozen=True)
class Goal:
    """One goal: ``metric`` with ``sense`` ∈ at_least | at_most | minimize | maximize."""

    metric: str
    sense: str
    bound: float | None = None
    by: str = "parent"
    against: str = "units"
    noise_sd: float = 0.02
    label: str = ""

    @property
    def is_constraint(self) -> bool:
        return self.sense in ("at_least", "at_most")

    def violation(self, value: float) -> float:
        """How far ``value`` is from meeting the bound (≤ 0 when met)."""
        if self.sense == "at_least":
            return self.bound - value
        if self.sense == "at_most":
            return value - self.bound
        return 0.0

    def objective(self, value: float) -> float:
        """The value to minimise (directions only)."""
        return -value if self.sense == "maximize" else value


@dataclass(frozen=True)
class FreeParameter:
    """An adjust path the study may change: a real range (with a step), integers, or choices."""

    path: str
    kind: str  # real | integer | choice
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple = ()

    def snap(self, x):
        """A raw optimiser value → the value the reform uses (on the step grid, inside the range).

        >>> FreeParameter("uplift.city", "real", 0.1, 0.3, 0.005).snap(0.20374)
        0.205
        """
        if self.kind == "choice":
            return x
        if self.kind == "integer":
            return int(min(max(round(float(x)), self.low), self.high))
        k = round((float(x) - self.low) / self.step)
        return round(min(max(self.low + k * self.step, self.low), self.high), 10)

    def span(self) -> float:
        return float(self.high - self.low) if self.kind != "choice" and self.high > self.low else 1.0


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v))


def goals_from_dict(spec: Sequence[Mapping[str, Any]] | Mapping[str, Any], file: str | None = None) -> list[Goal]:
    """Goals from a list of mappings (a ``goals:`` list of a YAML file); all problems at once."""
    if isinstance(spec, Mapping):
        spec = [dict(v or {}, metric=k) if isinstance(v, Mapping) else {"metric": k, "at_least": v} for k, v in spec.items()]
    problems: list[Problem] = []
    goals: list[Goal] = []
    for k, item in enumerate(spec or []):
        where = f"goals[{k}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(Message("design.goal_not_mapping"), file=file, path=where))
            continue
        unknown = sorted(set(item) - _GOAL_KEYS)
        if unknown:
            problems.append(Problem(Message("design.goal_unknown_keys", keys=", ".join(map(repr, unknown)),
                                            allowed=", ".join(map(repr, sorted(_GOAL_KEYS)))), file=file, path=where))
        metric = item.get("metric")
        if metric not in METRICS:
            problems.append(Problem(Message("design.unknown_metric", metric=str(metric), metrics=", ".join(map(repr, METRICS))),
                                    file=file, path=where))
            continue
        senses = [s for s in ("at_least", "at_most", "minimize", "maximize") if item.get(s) not in (None, False)]
        if len(senses) != 1:
            problems.append(Problem(Message("design.one_sense", metric=metric), file=file, path=where))
            continue
        sense = senses[0]
        bound = item.get(sense) if sense in ("at_least", "at_most") else None
        if bound is not None and not _number(bound):
            problems.append(Problem(Message("design.bad_bound", metric=metric, value=repr(bound)), file=file, path=where))
            continue
        sd = item.get("noise_sd", 0.02)
        if not _number(sd) or not 0 < float(sd) <= 0.5:
            problems.append(Problem(Message("design.bad_noise", value=repr(sd)), file=file, path=where))
            continue
        against = item.get("against", "units")
        if against not in ("units", "population"):
            problems.append(Problem(Message("design.bad_against", value=repr(against)), file=file, path=where))
            continue
        goals.append(Goal(metric, sense, None if bound is None else float(bound), by=str(item.get("by", "parent")),
                          against=against, noise_sd=float(sd), label=str(item.get("label", ""))))
    if not goals and not problems:
        problems.append(Problem(Message("design.no_goals"), file=file))
    if problems:
        raise InputError(problems)
    return goals


def free_from_dict(spec: Mapping[str, Any], current: Mapping[str, Any], file: str | None = None) -> list[FreeParameter]:
    """Free parameters from ``{path: [low, high] | {low, high, step} | [choice, …]}``.

    ``current`` is ``scheme.parameters()``: a path it lacks is an error, so is a range that
    does not contain numbers, or choices of one value.
    """
    problems: list[Problem] = []
    out: list[FreeParameter] = []
    for path, rng in (spec or {}).items():
        if path not in current:
            problems.append(Problem(Message("design.unknown_path", path=path), file=file, path=path))
            continue
        step = None
        if isinstance(rng, Mapping):
            if "choices" in rng:
                rng = list(rng["choices"])
            else:
                step = rng.get("step")
                rng = [rng.get("low"), rng.get("high")]
        if not isinstance(rng, (list, tuple)) or len(rng) < 2:
            problems.append(Problem(Message("design.bad_range", path=path), file=file, path=path))
            continue
        if all(_number(v) for v in rng) and len(rng) == 2 and not isinstance(current[path], str):
            lo, hi = float(rng[0]), float(rng[1])
            if lo > hi:
                problems.append(Problem(Message("design.low_above_high", path=path), file=file, path=path))
                continue
            integer = path.rsplit(".", 1)[-1] in _INTEGER_FIELDS or path == "min_met"
            if integer:
                out.append(FreeParameter(path, "integer", math.ceil(lo), math.floor(hi)))
            else:
                if step is not None and (not _number(step) or step <= 0):
                    problems.append(Problem(Message("design.bad_step", path=path), file=file, path=path))
                    continue
                out.append(FreeParameter(path, "real", lo, hi, float(step) if step else 0.005))
        else:
            choices = tuple(rng)
            if len(set(map(repr, choices))) < 2:
                problems.append(Problem(Message("design.one_choice", path=path), file=file, path=path))
                continue
            out.append(FreeParameter(path, "choice", choices=choices))
    if not out and not problems:
        problems.append(Problem(Message("design.nothing_free")))
    if problems:
        raise InputError(problems)
    return out
