"""Uncertain input factors as data: what Monte Carlo and Sobol analyses vary (DESIGN §6).

A :class:`Factor` is one uncertain input and the distribution it is drawn from, in the
sense of the OECD/JRC *Handbook on Constructing Composite Indicators* (2008, step 7,
"uncertainty and sensitivity analysis"): measurement error on the indicators, the weights
(group maxima), the targets, the urban uplift, the quotas and the discrete modelling
choices (proportional basis, gate mode).

Two kinds of path:

* ``noise.<indicator>`` — measurement noise, drawn independently for every unit and
  replication and added to (or multiplied into) the observed value. Ratios are kept inside
  [0, 1], counts stay non-negative whole numbers, and a missing value stays missing.
  Yes/no indicators take ``{"flip": p}``: each answer is misreported with probability p.
* any path of :func:`emusim.adjust.validate` (``uplift.city``, ``groups.II.max``,
  ``criteria.A.IV.2.target``, ``awards.chairman.quota``, ``proportional_basis``,
  ``gates.G1.mode`` …) — one value per replication, applied like ``scheme.adjust``.

Distributions (one key per factor)::

    {"uniform": [low, high]}                     low + U·(high − low)
    {"sd": 0.02}  /  {"normal": {"sd": 0.02}}    additive normal around the observed/scheme value
    {"sd": 0.1, "relative": true}                multiplicative: value · (1 + N(0, sd))
    {"integers": [4, 6]}                         4, 5 or 6 with equal probability (inclusive)
    {"choice": ["hard", "soft"], "p": [.7, .3]}  a discrete choice (equal weights without p)
    {"flip": 0.05}                               noise on yes/no indicators only

Every distribution is also a map from a uniform number u in [0, 1) to a value
(:meth:`Factor.from_unit`), which is how SALib's Sobol' samples drive discrete and normal
factors. A noise factor maps u to the seed of one whole noise realisation (a "macro
parameter": the vector of per-unit errors is one factor).

>>> fs = factors_from_dict({"uplift.city": {"uniform": [0.10, 0.20]},
...                         "proportional_basis": {"choice": ["attainment", "rate"]}})
>>> [f.path for f in fs]
['uplift.city', 'proportional_basis']
>>> fs[0].from_unit([0.0, 0.5]).tolist()
[0.1, 0.15000000000000002]
>>> fs[1].from_unit([0.2, 0.7]).tolist()
['attainment', 'rate']
>>> factors_from_dict({"uplift.city": {"uniform": [0.3, 0.1]}})
Traceback (most recent call last):
...
emusim.errors.InputError: uplift.city: `uniform`: giá trị thấp 0,3 lớn hơn giá trị cao 0,1
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..errors import InputError, Problem
from ..i18n import Message, check_lang, fmt_number, t

DISTRIBUTIONS = ("uniform", "normal", "integers", "choice", "flip")
_KEYS = {"uniform", "normal", "sd", "relative", "integers", "choice", "p", "flip", "mean", "clip", "label"}


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


@dataclass(frozen=True)
class Factor:
    """One uncertain input: a path and its distribution.

    ``dist`` is one of ``uniform`` (``low``, ``high``), ``normal`` (``sd``, ``relative``,
    optional ``mean`` for a plain named factor), ``integers`` (``low``, ``high``
    inclusive), ``choice`` (``options``, ``p``) or ``flip`` (``p``: probability of
    misreporting a yes/no indicator; noise only).

    >>> Factor("awards.chairman.quota", "integers", low=4, high=6).from_unit([0.0, 0.34, 0.99]).tolist()
    [4, 5, 6]
    >>> Factor("noise.x", "normal", sd=0.02).is_noise, Factor("noise.x", "normal", sd=0.02).indicator
    (True, 'x')
    """

    path: str
    dist: str
    low: float | None = None
    high: float | None = None
    sd: float | None = None
    mean: float | None = None
    relative: bool = False
    options: tuple = ()
    p: tuple[float, ...] | None = None
    clip: tuple[float, float] | None = None
    label: str = ""

    # ------------------------------------------------------------------ what it is
    @property
    def is_noise(self) -> bool:
        return self.path.startswith("noise.")

    @property
    def indicator(self) -> str | None:
        return self.path[len("noise."):] if self.is_noise else None

    @property
    def discrete(self) -> bool:
        return self.dist in ("integers", "choice")

    def describe(self, lang: str | None = None) -> str:
        """A short text for tables, in ``lang``: ``uniform[0.1, 0.2]``, ``N(0, 0.02)``…

        >>> Factor("noise.x", "normal", sd=0.02, relative=True).describe("en")
        '×(1 + N(0, 0.02))'
        >>> Factor("uplift.city", "uniform", low=0.1, high=0.25).describe("vi")
        'phân phối đều trên [0,1; 0,25]'
        """
        lang = check_lang(lang)

        def num(x) -> str:
            return f"{x:g}" if lang == "en" else fmt_number(x, lang, digits=6)

        sep = ", " if lang == "en" else "; "
        if self.dist == "uniform":
            return t("factors.desc_uniform", lang, low=num(self.low), high=num(self.high))
        if self.dist == "integers":
            return t("factors.desc_integers", lang, low=num(int(self.low)), high=num(int(self.high)))
        if self.dist == "choice":
            from ..i18n.paths import path_value

            opts = sep.join(path_value(self.path, o, lang) if isinstance(o, str) else num(o) for o in self.options)
            p = t("factors.desc_p", lang, p="[" + sep.join(map(num, self.p)) + "]") if self.p else ""
            return t("factors.desc_choice", lang, options=opts, p=p)
        if self.dist == "flip":
            return t("factors.desc_flip", lang, p=num(self.p[0]))
        centre = "" if self.mean is None else f"{num(self.mean)} "
        return f"×(1 + N(0{sep}{num(self.sd)}))" if self.relative else f"{centre}+ N(0{sep}{num(self.sd)})"

    # ------------------------------------------------------------------ drawing values
    def _shift(self, base, z):
        """Apply a standard-normal draw ``z`` to ``base`` (additive or relative)."""
        centre = self.mean if self.mean is not None else base
        if centre is None:
            centre = 0.0
        out = centre * (1.0 + self.sd * z) if self.relative else centre + self.sd * z
        if self.clip is not None:
            out = np.clip(out, self.clip[0], self.clip[1])
        return out

    def sample(self, rng: np.random.Generator, size: int, base=None) -> np.ndarray:
        """``size`` values of a parameter factor (``base``: the scheme's current value)."""
        if self.dist == "uniform":
            out = rng.uniform(self.low, self.high, size)
            return np.clip(out, *self.clip) if self.clip is not None else out
        if self.dist == "integers":
            return rng.integers(int(self.low), int(self.high) + 1, size)
        if self.dist == "choice":
            idx = rng.choice(len(self.options), size=size, p=self.p)
            return _options_array(self.options)[idx]
        if self.dist == "normal":
            return np.asarray(self._shift(base, rng.standard_normal(size)), dtype=float)
        raise ValueError(f"{self.path}: '{self.dist}' draws noise, not a parameter")  # pragma: no cover

    def from_unit(self, u, base=None) -> np.ndarray:
        """Map uniform numbers ``u`` in [0, 1) to values (Sobol' samples → factor values)."""
        u = np.asarray(u, dtype=float)
        if self.dist == "uniform":
            out = self.low + u * (self.high - self.low)
            return np.clip(out, *self.clip) if self.clip is not None else out
        if self.dist == "integers":
            k = int(self.high) - int(self.low) + 1
            return int(self.low) + np.minimum((u * k).astype(int), k - 1)
        if self.dist == "choice":
            cum = np.cumsum(self.p if self.p else np.full(len(self.options), 1.0 / len(self.options)))
            idx = np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(self.options) - 1)
            return _options_array(self.options)[idx]
        if self.dist == "normal" and not self.is_noise:
            from scipy.stats import norm

            z = norm.ppf(np.clip(u, 1e-12, 1 - 1e-12))
            return np.asarray(self._shift(base, z), dtype=float)
        raise ValueError(f"{self.path}: a noise factor maps u to a noise seed; use noise_seeds")  # pragma: no cover

    def perturb(self, values: np.ndarray, rng: np.random.Generator, size: int, unit: str = "ratio") -> np.ndarray:
        """``size`` noisy copies (shape ``(size, n)``) of one indicator's ``values`` (shape ``(n,)``).

        Ratios stay in [0, 1]; counts stay non-negative whole numbers; yes/no answers are
        flipped with probability p; missing values (NaN) stay missing.

        >>> f = Factor("noise.r", "normal", sd=0.5)
        >>> out = f.perturb(np.array([0.0, 1.0, np.nan]), np.random.default_rng(0), 4)
        >>> out.shape, bool(((out[:, :2] >= 0) & (out[:, :2] <= 1)).all()), bool(np.isnan(out[:, 2]).all())
        ((4, 3), True, True)
        """
        values = np.asarray(values, dtype=float)
        n = values.shape[0]
        if self.dist == "flip":
            flip = rng.random((size, n)) < self.p[0]
            truth = values >= 0.5
            return np.where(np.isnan(values), np.nan, (truth ^ flip).astype(float))
        if self.dist == "uniform":
            e = rng.uniform(self.low, self.high, (size, n))
            out = values * (1.0 + e) if self.relative else values + e
        else:  # normal
            z = rng.standard_normal((size, n))
            out = values * (1.0 + self.sd * z) if self.relative else values + self.sd * z
        if unit == "ratio":
            out = np.clip(out, 0.0, 1.0)
        elif unit == "count":
            out = np.maximum(np.rint(out), 0.0)
        elif unit in ("points",):
            out = np.maximum(out, 0.0)
        if self.clip is not None:
            out = np.clip(out, *self.clip)
        return out


def _options_array(options) -> np.ndarray:
    arr = np.empty(len(options), dtype=object)
    arr[:] = list(options)
    if all(_num(o) for o in options):
        return np.asarray(list(options))
    return arr


def noise_seeds(u, seed: int, index: int) -> list[np.random.SeedSequence]:
    """Map Sobol' numbers ``u`` of a noise factor to seeds of whole noise realisations.

    The same u always gives the same realisation (independently of the run), so the
    factor is a deterministic — if very rough — function of u, as the estimator needs.

    >>> a = noise_seeds([0.25, 0.25, 0.5], seed=1, index=0)
    >>> bool(a[0].generate_state(1)[0] == a[1].generate_state(1)[0])
    True
    >>> bool(a[0].generate_state(1)[0] == a[2].generate_state(1)[0])
    False
    """
    u = np.asarray(u, dtype=float)
    return [np.random.SeedSequence([int(seed), int(index), int(x * 2**32)]) for x in u]


# ---------------------------------------------------------------------- from a dict

def _parse_one(path: str, spec: Any, problems: list[Problem], file: str | None) -> Factor | None:
    def bad(key: str, **values):
        problems.append(Problem(Message(f"factors.{key}", **values), path=path, file=file))

    if not isinstance(spec, Mapping):
        bad("not_mapping", value=repr(spec))
        return None
    unknown = set(spec) - _KEYS
    if unknown:
        bad("unknown_keys", keys=", ".join(repr(k) for k in sorted(map(str, unknown))))
        return None
    kinds = [k for k in ("uniform", "normal", "sd", "integers", "choice", "flip") if k in spec]
    if "normal" in spec and "sd" in spec:
        kinds.remove("sd")
    if len(kinds) != 1:
        bad("one_distribution", got=Message("factors.got", kinds=", ".join(f"`{k}`" for k in kinds)) if kinds else "")
        return None
    kind = kinds[0]
    label = str(spec.get("label", ""))
    relative = spec.get("relative", False)
    if not isinstance(relative, bool):
        bad("bad_relative", value=repr(relative))
        return None
    clip = spec.get("clip")
    if clip is not None:
        if not (isinstance(clip, Sequence) and len(clip) == 2 and all(_num(x) for x in clip) and clip[0] <= clip[1]):
            bad("bad_clip", value=repr(clip))
            return None
        clip = (float(clip[0]), float(clip[1]))
    if kind == "uniform":
        v = spec["uniform"]
        if not (isinstance(v, Sequence) and not isinstance(v, str) and len(v) == 2 and all(_num(x) for x in v)):
            bad("bad_uniform", value=repr(v))
            return None
        if v[0] > v[1]:
            bad("uniform_order", low=v[0], high=v[1])
            return None
        return Factor(path, "uniform", low=float(v[0]), high=float(v[1]), relative=relative, clip=clip, label=label)
    if kind in ("normal", "sd"):
        v = spec["normal"] if kind == "normal" else {"sd": spec["sd"], **({"mean": spec["mean"]} if "mean" in spec else {})}
        if _num(v):
            v = {"sd": v}
        if not isinstance(v, Mapping) or "sd" not in v:
            bad("bad_normal", value=repr(v))
            return None
        sd, mean = v.get("sd"), v.get("mean")
        relative = v.get("relative", relative)
        if not _num(sd) or sd < 0:
            bad("bad_sd", value=repr(sd))
            return None
        if mean is not None and not _num(mean):
            bad("bad_mean", value=repr(mean))
            return None
        return Factor(path, "normal", sd=float(sd), mean=None if mean is None else float(mean),
                      relative=bool(relative), clip=clip, label=label)
    if kind == "integers":
        v = spec["integers"]
        if not (isinstance(v, Sequence) and not isinstance(v, str) and len(v) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in v)):
            bad("bad_integers", value=repr(v))
            return None
        if v[0] > v[1]:
            bad("integers_order", low=v[0], high=v[1])
            return None
        return Factor(path, "integers", low=v[0], high=v[1], label=label)
    if kind == "choice":
        v = spec["choice"]
        if not (isinstance(v, Sequence) and not isinstance(v, str) and len(v) >= 1):
            bad("bad_choice", value=repr(v))
            return None
        p = spec.get("p")
        if p is not None:
            if not (isinstance(p, Sequence) and len(p) == len(v) and all(_num(x) and x >= 0 for x in p)):
                bad("bad_p", n=len(v), value=repr(p))
                return None
            if abs(sum(p) - 1.0) > 1e-6:
                bad("p_sum", total=float(sum(p)))
                return None
            p = tuple(float(x) for x in p)
        return Factor(path, "choice", options=tuple(v), p=p, label=label)
    v = spec["flip"]
    if not _num(v) or not 0 <= v <= 1:
        bad("bad_flip", value=repr(v))
        return None
    return Factor(path, "flip", p=(float(v),), label=label)


def _values_to_check(f: Factor) -> list:
    if f.dist == "uniform":
        return [f.low, f.high]
    if f.dist == "integers":
        return [int(f.low), int(f.high)]
    if f.dist == "choice":
        return list(f.options)
    return []


def factors_from_dict(spec: Mapping[str, Any] | Iterable[Factor], scheme=None, catalog=None,
                      file: str | None = None) -> list[Factor]:
    """Parse and validate ``{path: distribution}``; every problem is listed in one error.

    With a ``scheme``, adjust paths are checked with :func:`emusim.adjust.validate` at
    every value the distribution can take (both ends of a range, every option) and noise
    paths must name an indicator the scheme reads (a yes/no indicator takes ``flip``).
    Without a scheme only the distributions are checked (plain named factors, e.g. for
    :func:`emusim.analysis.sobol.sobol_function`).
    A list of :class:`Factor` objects is accepted too (and validated the same way).
    """
    problems: list[Problem] = []
    out: list[Factor] = []
    if isinstance(spec, Mapping):
        for path, item in spec.items():
            if not isinstance(path, str) or not path:
                problems.append(Problem(Message("factors.bad_path", value=repr(path)), file=file))
                continue
            f = _parse_one(path, item, problems, file)
            if f is not None:
                out.append(f)
    else:
        for f in spec:
            if not isinstance(f, Factor):
                raise InputError([Problem(Message("factors.bad_list", value=repr(f)))])
            out.append(f)
        seen: set[str] = set()
        for f in out:
            if f.path in seen:
                problems.append(Problem(Message("factors.duplicate"), path=f.path, file=file))
            seen.add(f.path)
    if scheme is not None:
        problems.extend(_check_against_scheme(out, scheme, catalog, file))
    if problems:
        raise InputError(problems)
    return [_default_clip(f) for f in out]


def _default_clip(f: Factor) -> Factor:
    """Keep normal draws of an adjust path inside its valid range (targets and uplift in
    [0, 1], maxima, points and units non-negative) unless the factor gives its own clip.

    >>> _default_clip(Factor("criteria.A.1.target", "normal", sd=0.1)).clip
    (0.0, 1.0)
    >>> _default_clip(Factor("groups.II.max", "normal", sd=5.0)).clip
    (0.0, inf)
    """
    from dataclasses import replace

    if f.dist != "normal" or f.is_noise or f.clip is not None:
        return f
    field = f.path.rsplit(".", 1)[-1]
    if f.path.startswith("uplift.") or field == "target":
        return replace(f, clip=(0.0, 1.0))
    if field in ("max", "points", "unit") or f.path == "tolerance":
        return replace(f, clip=(0.0, math.inf))
    return f


@functools.lru_cache(maxsize=1)
def default_catalog():
    """The package's indicator catalog, read once (units decide how noise is kept in range)."""
    from ..catalog import load_catalog

    return load_catalog()


def _check_against_scheme(factors: list[Factor], scheme, catalog, file) -> list[Problem]:
    from .labels import SchemeTitle
    from ..adjust import validate
    from ..validate import is_count_problem

    problems: list[Problem] = []
    if scheme.kind == "tasks":
        return [Problem(Message("factors.tasks_scheme", scheme=SchemeTitle(scheme)), file=file)]
    needed = set(scheme.indicators)
    params = scheme.parameters()
    if catalog is None:
        try:
            catalog = default_catalog()
        except Exception:  # noqa: BLE001 - the catalog only refines noise checks
            catalog = None
    for f in factors:
        if f.is_noise:
            ind = f.indicator
            if ind not in needed:
                problems.append(Problem(Message("factors.unread_indicator", scheme=SchemeTitle(scheme), indicator=ind),
                                        path=f.path, file=file))
                continue
            unit = catalog[ind].unit if catalog is not None and ind in catalog else "ratio"
            if f.dist in ("integers", "choice"):
                problems.append(Problem(Message("factors.noise_dist", dist=f.dist), path=f.path, file=file))
            elif unit == "bool" and f.dist != "flip":
                problems.append(Problem(Message("factors.bool_needs_flip", indicator=ind), path=f.path, file=file))
            elif unit != "bool" and f.dist == "flip":
                unit_word = Message(f"factors.unit_{unit}") if unit in ("ratio", "count", "points", "bool") else unit
                problems.append(Problem(Message("factors.flip_not_bool", indicator=ind, unit=unit_word),
                                        path=f.path, file=file))
            continue
        if f.dist == "flip":
            problems.append(Problem(Message("factors.flip_param"), path=f.path, file=file))
            continue
        if f.dist == "normal":
            current = params.get(f.path)
            if f.mean is None and not _num(current):
                problems.append(Problem(Message("factors.normal_no_current", path=_path_text(f.path, scheme),
                                                current=repr(current)),
                                        path=f.path, file=file))
                continue
            centre = f.mean if f.mean is not None else current
            probe = [float(centre)]  # normal draws are never whole numbers: quotas take integers
        else:
            probe = _values_to_check(f)
        for value in probe:
            found = validate(scheme, {f.path: value})
            if found:
                hint = f.dist in ("uniform", "normal") and is_count_problem(found[0].message)
                problems.extend(Problem(Message("validate.draw_integers", problem=p.message) if hint else p.message,
                                        path=f.path, file=file) for p in found)
                break
    return problems


def _path_text(path: str, scheme):
    """An adjust path by the plan's wording, in the reader's language."""
    from ..i18n.paths import path_label
    from .labels import LangText

    return LangText(lambda lang: path_label(path, scheme, lang))


def load_factors(path, scheme=None, catalog=None) -> list[Factor]:
    """Read a factors YAML file (``{path: distribution}``) and validate it like :func:`factors_from_dict`."""
    from ..yamlio import load_yaml, line_of

    doc = load_yaml(path)
    if doc is None:
        raise InputError([Problem(Message("factors.file_empty"), file=str(path))])
    if isinstance(doc, Mapping) and "factors" in doc and isinstance(doc["factors"], Mapping):
        doc = doc["factors"]
    if not isinstance(doc, Mapping):
        raise InputError([Problem(Message("factors.file_not_mapping"), file=str(path))])
    try:
        return factors_from_dict(doc, scheme=scheme, catalog=catalog, file=str(path))
    except InputError as exc:
        lines = [Problem(p.message, file=p.file, line=line_of(doc, p.path) if p.path in doc else p.line,
                         path=p.path) for p in exc.problems]
        raise InputError(lines) from None
