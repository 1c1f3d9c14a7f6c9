"""Variance-based (Sobol') sensitivity of award outcomes, with SALib (DESIGN §6).

Which uncertain input drives the award list? Following the OECD/JRC *Handbook on
Constructing Composite Indicators* (2008, step 7, "sensitivity analysis") we estimate, for
each :class:`~.factors.Factor`, the first-order index S1 (the share of the outcome's
variance it explains alone) and the total index ST (alone and in interaction with the
others), with bootstrap confidence intervals — using SALib's Saltelli/Sobol' sampler
(``SALib.sample.sobol.sample``, scrambled, ``N·(D+2)`` runs, or ``N·(2D+2)`` with second
order) and estimator (``SALib.analyze.sobol.analyze``, Saltelli 2010 / Jansen).

Every factor is sampled as a uniform number u in [0, 1) and mapped to its distribution by
:meth:`Factor.from_unit`: ranges linearly, normals through the inverse CDF, integers and
choices (proportional basis, gate mode, quotas) by cutting [0, 1) into equal (or
``p``-weighted) intervals. A noise factor maps u to the seed of one whole noise
realisation, so "measurement error on eID activation" is one factor however many units
there are.

Outcomes (one number per run): ``"overlap"`` with the nominal award set (default; as in
:func:`~.montecarlo.montecarlo`), ``"urban_share"`` of awards (0 when nothing is awarded),
``"unit:<locality_id>"`` (1 when that unit gets any award, else 0), ``"rank:<locality_id>"``
(its provincial rank), or any ``callable(award_table) -> float`` (a small award table per
run: ``award``, ``rank``, ``urban_class``, ``parent_id``, ``total``, ``eligible``,
``nominated``).

:func:`sobol_function` runs the same pipeline on a plain function; the test suite checks it
against the Ishigami function's analytic indices.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..i18n import Message, check_lang, t
from .labels import SchemeTitle, factor_label
from .factors import Factor, factors_from_dict, noise_seeds
from .noise import saturation_warnings

COLUMNS = ["factor", "S1", "S1_conf", "ST", "ST_conf"]


class SobolTable(pd.DataFrame):
    """The table of indices, with ``.warnings`` (:func:`~.noise.saturation_warnings`): a
    factor whose noise sits on an indicator saturated at a 100 % target gets a large ST for an
    artefact — read the warning before blaming that factor."""

    _metadata = ["warnings"]

    @property
    def _constructor(self):
        return SobolTable

    def labelled(self, lang: str | None = None) -> pd.DataFrame:
        """The indices for people: each factor by its plan wording (``label``), in ``lang``."""
        lang = check_lang(lang)
        out = pd.DataFrame(self).copy()
        labels = self.attrs.get("labels", {}).get(lang)
        if labels is not None and len(labels) == len(out):
            out["label"] = labels
        return out


def _problem(factors: Sequence[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.path for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def _analyse(factors: Sequence[Factor], evaluate: Callable[[np.ndarray], np.ndarray], N: int, seed,
             calc_second_order: bool, conf_level: float, num_resamples: int) -> pd.DataFrame:
    """Sample u with SALib, evaluate, analyse; the table of indices."""
    import warnings

    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if not factors:
        raise InputError([Problem(Message("sobol.no_factors"))])
    from ..limits import MAX_SOBOL_N, check_replications, check_seed

    N = check_replications(N, "N", limit=MAX_SOBOL_N, low=2)  # a power of 2 such as 256
    seed = check_seed(seed, "seed")
    problem = _problem(factors)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*power of 2.*")
        X = sobol_sample.sample(problem, int(N), calc_second_order=calc_second_order, scramble=True,
                                seed=None if seed is None else int(seed))
    Y = np.asarray(evaluate(X), dtype=float).reshape(-1)
    if Y.shape[0] != X.shape[0]:
        raise InputError([Problem(Message("sobol.bad_outcome_size", got=int(Y.shape[0]), runs=int(X.shape[0])))])
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        Si = sobol_analyze.analyze(problem, Y, calc_second_order=calc_second_order, num_resamples=num_resamples,
                                   conf_level=conf_level, seed=None if seed is None else int(seed))
    table = pd.DataFrame({
        "factor": problem["names"],
        "S1": np.asarray(Si["S1"], dtype=float), "S1_conf": np.asarray(Si["S1_conf"], dtype=float),
        "ST": np.asarray(Si["ST"], dtype=float), "ST_conf": np.asarray(Si["ST_conf"], dtype=float),
        "distribution": [f.describe() for f in factors],
    })
    table.attrs.update(N=int(N), seed=seed, runs=int(X.shape[0]), conf_level=conf_level,
                       outcome_mean=float(np.mean(Y)), outcome_var=float(np.var(Y)))
    if calc_second_order:
        table.attrs["S2"] = pd.DataFrame(Si["S2"], index=problem["names"], columns=problem["names"])
        table.attrs["S2_conf"] = pd.DataFrame(Si["S2_conf"], index=problem["names"], columns=problem["names"])
    return table


def sobol_function(func: Callable[[dict], Any], factors, N: int = 1024, seed: int | None = 0,
                   calc_second_order: bool = False, conf_level: float = 0.95,
                   num_resamples: int = 100) -> pd.DataFrame:
    """Sobol' indices of a plain function of named factors (the pipeline :func:`sobol` uses).

    ``func`` receives ``{factor path: array of values}`` for all runs at once and returns
    one number per run. ``factors``: ``{name: distribution}`` or :class:`Factor` objects.

    >>> f = {"a": {"uniform": [0, 1]}, "b": {"uniform": [0, 1]}}
    >>> t = sobol_function(lambda s: s["a"] + 0.1 * s["b"], f, N=256, seed=1)
    >>> t.set_index("factor")["S1"].round(1).to_dict()
    {'a': 1.0, 'b': 0.0}
    """
    factors = factors_from_dict(factors)

    def evaluate(X):
        samples = {}
        for j, f in enumerate(factors):
            samples[f.path] = X[:, j] if f.is_noise else f.from_unit(X[:, j])
        return func(samples)

    return _analyse(factors, evaluate, N, seed, calc_second_order, conf_level, num_resamples)


def _outcome_fn(outcome, model, nominal_any: np.ndarray, urban: np.ndarray):
    """``(result, rows) -> array`` for an outcome name or callable."""
    ids = list(model.ids)
    if callable(outcome):
        def fn(res):
            return np.array([float(outcome(model.award_table(res, r))) for r in range(len(res.award))])
        return fn, True
    if outcome in ("overlap", "urban_share"):
        def fn(res):
            got = res.award >= 0
            if outcome == "overlap":
                k = nominal_any.sum()
                return (got & nominal_any).sum(axis=1) / k if k else np.zeros(len(got))
            n_aw = got.sum(axis=1)
            return np.where(n_aw > 0, (got & urban).sum(axis=1) / np.maximum(n_aw, 1), 0.0)
        return fn, False
    if isinstance(outcome, str) and outcome.split(":", 1)[0] in ("unit", "rank") and ":" in outcome:
        what, uid = outcome.split(":", 1)
        if uid not in ids:
            raise InputError([Problem(Message("sobol.no_unit", outcome=outcome, unit=uid, scheme=SchemeTitle(model.scheme)))])
        j = ids.index(uid)
        if what == "unit":
            return (lambda res: (res.award[:, j] >= 0).astype(float)), False
        return (lambda res: res.rank[:, j].astype(float)), False
    raise InputError([Problem(Message("sobol.unknown_outcome", outcome=str(outcome)))])


def sobol(scheme, values: pd.DataFrame, factors: Mapping[str, Any] | Sequence[Factor], N: int = 256,
          seed: int | None = 0, outcome: str | Callable = "overlap", registry: pd.DataFrame | None = None,
          calc_second_order: bool = False, conf_level: float = 0.95, num_resamples: int = 100,
          chunk_size: int | None = None, catalog=None) -> pd.DataFrame:
    """First-order and total Sobol' indices of an award outcome of ``scheme`` (see module doc).

    Returns a :class:`SobolTable` (a DataFrame) with columns ``factor, S1, S1_conf, ST,
    ST_conf, distribution`` and ``.warnings`` (``attrs``: N, seed, runs, outcome, warnings,
    and ``S2``/``S2_conf`` with second order).
    """
    from .montecarlo import _setup, default_chunk_size

    job, _, factors = _setup(scheme, values, factors, registry, catalog)
    model, units, bases = job.model, job.units, job.bases
    fn, full = _outcome_fn(outcome, model, job.nominal_any, job.urban)
    step = chunk_size or default_chunk_size(model.n)
    base_seed = 0 if seed is None else int(seed)

    def evaluate(X):
        out = np.empty(len(X))
        for start in range(0, len(X), step):
            block = X[start:start + step]
            m = len(block)
            params, noise = {}, {}
            for j, f in enumerate(factors):
                if f.is_noise:
                    seeds = noise_seeds(block[:, j], base_seed, j)
                    src = noise.get(f.indicator, np.broadcast_to(model.raw[f.indicator], (m, model.n)))
                    noise[f.indicator] = np.stack([
                        f.perturb(src[r], np.random.default_rng(s), 1, units.get(f.indicator, "ratio"))[0]
                        for r, s in enumerate(seeds)])
                else:
                    params[f.path] = f.from_unit(block[:, j], bases.get(f.path))
            res = model.evaluate(params, noise, m=m, full=full)
            out[start:start + m] = fn(res)
        return out

    raw = _analyse(factors, evaluate, N, seed, calc_second_order, conf_level, num_resamples)
    table = SobolTable(raw)
    table.attrs.update(raw.attrs)
    table.warnings = saturation_warnings(scheme, values, factors, registry)
    table.attrs["warnings"] = list(table.warnings)
    table.attrs["outcome"] = outcome if isinstance(outcome, str) else getattr(outcome, "__name__", "custom")
    table.attrs["scheme"] = scheme.name
    if catalog is None:
        from .factors import default_catalog

        try:
            catalog = default_catalog()
        except Exception:  # noqa: BLE001 - labels fall back to indicator ids
            catalog = None
    table.attrs["labels"] = {lg: [factor_label(f, scheme, catalog, lg) for f in factors] for lg in ("vi", "en")}
    table["label"] = table.attrs["labels"][check_lang(None)]
    return table
