"""Monte Carlo uncertainty analysis of award outcomes (DESIGN §6).

Method, after the OECD/JRC *Handbook on Constructing Composite Indicators* (2008, §1.7 and
step 7: "uncertainty analysis"): every uncertain input — measurement error on the
indicators, the weights (group maxima), targets, the urban uplift, quotas, and discrete
modelling choices (proportional basis, gate mode) — is a :class:`~.factors.Factor` with a
distribution. Each replication draws all factors, scores every unit and allocates the
awards; over ``n`` replications we report, as COINr's ``get_sensitivity`` does for
composite-indicator ranks, per unit:

* ``p_<tier>`` — the probability of each award tier, and ``p_any``;
* ``median_rank`` with the 5–95 % interval (``rank_q05``, ``rank_q95``), the rank being
  the provincial rank by the tie-break chain (as ``allocate``'s ``rank``);
* ``nominal_award`` / ``nominal_rank`` — the result with the inputs as given;

a ``warnings`` list (:func:`~.noise.saturation_warnings`: noise on an indicator saturated at a
100 % pass/fail target — read the warning before the numbers), and per replication:

* ``overlap`` — the share of the nominal award set (any tier) that still gets an award,
  ``|A_r ∩ A_0| / |A_0|`` (NaN when the nominal scheme gives no award);
* ``urban_share`` — the share of the replication's awards that go to units whose urban
  class is not ``rural`` (NaN when nothing is awarded);
* ``awards_per_replication`` — awards given per tier (a quota is a cap, so fewer eligible
  nominees mean fewer awards).

By construction ``Σ_units p_tier`` equals the mean number of awards of that tier.

**Reproducible and parallel.** Replications are cut into chunks of ``chunk_size``; chunk
``i`` draws from ``numpy.random.SeedSequence(seed).spawn(n_chunks)[i]`` and nothing else,
so the same ``(seed, chunk_size)`` gives identical results serially or through any
:class:`concurrent.futures.Executor` — a ``dask.distributed.Client`` included (it has the
same ``submit``/``result`` interface). The default chunk size depends only on the number
of units, never on the executor.

**Memory** is bounded by the chunk size, not by ``n``: a chunk returns its awards and
ranks (``chunk_size × units`` small integers) and the caller folds them into per-unit tier
counts and a per-unit rank histogram (exact when the scheme has at most
:data:`EXACT_RANK_UNITS` units; above that ranks are binned in ``ceil(units / 1024)``-rank
bins and quantiles are read at the bin midpoints). Only the per-replication scalars grow
with ``n``. At most a few chunks are in flight at once.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..i18n import Message, catalogue, check_lang, t
from .labels import factor_label, scheme_title
from .batch import BatchModel
from .factors import Factor, default_catalog, factors_from_dict
from .noise import saturation_warnings

#: Up to this many units the rank histogram has one bin per rank (exact quantiles).
EXACT_RANK_UNITS = 2048
_RANK_BINS = 1024
#: Default chunk size aims at about this many unit-replications per chunk.
_CHUNK_CELLS = 400_000


def default_chunk_size(n_units: int) -> int:
    """Replications per chunk for ``n_units`` units (about 400,000 unit-replications).

    >>> default_chunk_size(193), default_chunk_size(10_000)
    (2000, 40)
    """
    return int(max(1, min(2000, _CHUNK_CELLS // max(n_units, 1))))


def hist_quantile(hist: np.ndarray, q: float, width: int = 1) -> np.ndarray:
    """Quantile ``q`` of each row's distribution of ranks from a histogram of rank bins.

    Bin ``b`` holds ranks ``b·width + 1 … (b+1)·width``. With ``width = 1`` this is exactly
    ``numpy.quantile`` (linear interpolation) of the ranks; with wider bins each rank is
    read at its bin's midpoint.

    >>> ranks = np.array([[3, 1, 2, 2, 5], [4, 4, 4, 1, 2]])
    >>> hist = np.stack([np.bincount(r - 1, minlength=5) for r in ranks])
    >>> [hist_quantile(hist, q).tolist() for q in (0.05, 0.5, 0.95)]
    [[1.2, 1.2], [2.0, 4.0], [4.6, 4.0]]
    >>> np.quantile(ranks, [0.05, 0.5, 0.95], axis=1).T.tolist()
    [[1.2, 2.0, 4.6], [1.2, 4.0, 4.0]]
    """
    hist = np.asarray(hist)
    cum = np.cumsum(hist, axis=1)
    total = cum[:, -1]
    h = (total - 1) * q
    lo = np.floor(h)
    hi = np.ceil(h)

    def at(k):
        b = (cum > k[:, None]).argmax(axis=1)
        return b * width + (width + 1) / 2.0

    x_lo, x_hi = at(lo), at(hi)
    out = x_lo + (h - lo) * (x_hi - x_lo)
    return np.where(total > 0, out, np.nan)


@dataclass
class _Job:
    """Everything a chunk needs (pickled once per worker through ``scatter`` when available)."""

    model: BatchModel
    factors: list
    units: dict
    bases: dict
    nominal_any: np.ndarray
    urban: np.ndarray


def _draw(job: _Job, rng: np.random.Generator, m: int) -> tuple[dict, dict]:
    """Draw one chunk of factor values, in the fixed order of ``job.factors``."""
    params: dict = {}
    noise: dict = {}
    for f in job.factors:
        if f.is_noise:
            ind = f.indicator
            src = noise.get(ind)
            if src is None:
                noise[ind] = f.perturb(job.model.raw[ind], rng, m, job.units.get(ind, "ratio"))
            else:  # two noise factors on one indicator compound row by row
                noise[ind] = np.stack([f.perturb(row, rng, 1, job.units.get(ind, "ratio"))[0] for row in src])
        else:
            params[f.path] = f.sample(rng, m, job.bases.get(f.path))
    return params, noise


def _outcomes(job: _Job, award: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Overlap with the nominal award set and urban share of awards, per replication."""
    got = award >= 0
    n_nominal = job.nominal_any.sum()
    overlap = (got & job.nominal_any).sum(axis=1) / n_nominal if n_nominal else np.full(len(award), np.nan)
    n_awards = got.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        urban = np.where(n_awards > 0, (got & job.urban).sum(axis=1) / np.maximum(n_awards, 1), np.nan)
    return overlap.astype(float), urban


def run_chunk(job: _Job, seed_seq: np.random.SeedSequence, m: int) -> dict:
    """One chunk of ``m`` replications: draw, score, allocate. Pure in (job, seed_seq, m)."""
    rng = np.random.default_rng(seed_seq)
    params, noise = _draw(job, rng, m)
    res = job.model.evaluate(params, noise, m=m)
    overlap, urban = _outcomes(job, res.award)
    rank_dtype = np.uint16 if job.model.n < 65535 else np.int32
    return {"award": res.award, "rank": res.rank.astype(rank_dtype), "overlap": overlap, "urban_share": urban}


def _executor_width(executor) -> int:
    for attr in ("_max_workers",):
        if isinstance(getattr(executor, attr, None), int):
            return max(1, getattr(executor, attr))
    try:  # dask.distributed.Client
        return max(1, sum(executor.nthreads().values()))
    except Exception:  # noqa: BLE001
        return 2


def _setup(scheme, values, factors, registry, catalog) -> tuple[_Job, pd.DataFrame, list[Factor]]:
    """Validate the factors and build what every replication shares (also used by Sobol)."""
    from ..allocate import allocate
    from ..engine import score

    if catalog is None:
        catalog = default_catalog()
    factors = factors_from_dict(factors, scheme=scheme, catalog=catalog)
    model = BatchModel(scheme, values, registry)
    nominal = allocate(score(scheme, values, registry), scheme, registry)
    units = {f.indicator: (catalog[f.indicator].unit if f.indicator in catalog else "ratio")
             for f in factors if f.is_noise}
    params = scheme.parameters()
    bases = {f.path: params.get(f.path) for f in factors if not f.is_noise}
    nominal_any = nominal["award"].reindex(model.index).notna().to_numpy()
    urban = np.array([str(c) != "rural" for c in model.urban])
    return _Job(model, factors, units, bases, nominal_any, urban), nominal, factors


def montecarlo(scheme, values: pd.DataFrame, factors: Mapping[str, Any] | Sequence[Factor], n: int = 1000,
               seed: int | None = 0, registry: pd.DataFrame | None = None, chunk_size: int | None = None,
               executor=None, progress: bool = True, catalog=None) -> "MonteCarloResult":
    """Award probabilities and rank intervals of every unit under uncertain inputs.

    ``factors``: ``{path: distribution}`` (see :mod:`emusim.analysis.factors`) or a list of
    :class:`Factor`. ``n`` replications, reproducible from ``seed`` (and ``chunk_size``).
    ``executor``: any ``concurrent.futures.Executor`` or a ``dask.distributed.Client``;
    results are identical to the serial run. ``progress``: a tqdm bar over replications.

    >>> import emusim as es
    >>> reg = es.load_registry("ha_giang_2023")
    >>> scheme = es.load_plan("ha_giang_186_2023").scheme("commune")
    >>> values = es.simulate(reg, seed=1).at("2023-11")
    >>> mc = montecarlo(scheme, values, {"uplift.city": {"uniform": [0.1, 0.2]}}, n=50, seed=3,
    ...                 registry=reg, progress=False)
    >>> round(float(mc.per_unit["p_chairman"].sum()), 6) == round(float(mc.awards_per_replication["chairman"].mean()), 6)
    True
    """
    from ..limits import check_replications, check_seed

    n = check_replications(n, "n")  # 1 … 1,000,000, refused up front
    seed = check_seed(seed, "seed")
    job, nominal, factors = _setup(scheme, values, factors, registry, catalog)
    warnings = saturation_warnings(scheme, values, factors, registry)
    model = job.model
    units, tiers = model.n, model.tiers
    if chunk_size is None:
        chunk_size = default_chunk_size(units)
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise InputError([Problem(Message("montecarlo.bad_chunk", value=repr(chunk_size)))])
    n_chunks = math.ceil(n / chunk_size)
    root = np.random.SeedSequence(seed)
    children = root.spawn(n_chunks)
    sizes = [min(chunk_size, n - i * chunk_size) for i in range(n_chunks)]

    width = 1 if units <= EXACT_RANK_UNITS else math.ceil(units / _RANK_BINS)
    n_bins = math.ceil(units / width)
    hist = np.zeros((units, n_bins), dtype=np.int64)
    counts = np.zeros((units, len(tiers)), dtype=np.int64)
    overlap = np.empty(n)
    urban_share = np.empty(n)
    per_rep = np.empty((n, len(tiers)), dtype=np.int64)
    unit_offsets = (np.arange(units, dtype=np.int64) * n_bins)[None, :]

    def fold(i: int, out: dict) -> None:
        start = i * chunk_size
        m = sizes[i]
        award = out["award"]
        for k in range(len(tiers)):
            hit = award == k
            counts[:, k] += hit.sum(axis=0)
            per_rep[start:start + m, k] = hit.sum(axis=1)
        b = (out["rank"].astype(np.int64) - 1) // width
        hist.ravel()[:] += np.bincount((unit_offsets + b).ravel(), minlength=units * n_bins)
        overlap[start:start + m] = out["overlap"]
        urban_share[start:start + m] = out["urban_share"]

    from tqdm.auto import tqdm

    bar = tqdm(total=n, disable=not progress, desc="Monte Carlo", unit="rep", leave=False)
    try:
        if executor is None:
            for i in range(n_chunks):
                fold(i, run_chunk(job, children[i], sizes[i]))
                bar.update(sizes[i])
        else:
            ref = executor.scatter(job, broadcast=True) if hasattr(executor, "scatter") else job
            window = 2 * _executor_width(executor)
            pending: deque = deque()
            nxt = 0
            while nxt < n_chunks or pending:
                while nxt < n_chunks and len(pending) < window:
                    pending.append((nxt, executor.submit(run_chunk, ref, children[nxt], sizes[nxt])))
                    nxt += 1
                i, fut = pending.popleft()
                fold(i, fut.result())
                bar.update(sizes[i])
    finally:
        bar.close()

    per_unit = pd.DataFrame(index=model.index)
    for col in ("name", "urban_class", "parent_id"):
        if col in model.info:
            per_unit[col] = model.info[col].to_numpy()
    nominal_r = nominal.reindex(model.index)
    per_unit["nominal_award"] = nominal_r["award"].to_numpy(dtype=object)
    per_unit["nominal_rank"] = nominal_r["rank"].to_numpy()
    for k, t in enumerate(tiers):
        per_unit[f"p_{t}"] = counts[:, k] / n
    per_unit["p_any"] = counts.sum(axis=1) / n
    per_unit["median_rank"] = hist_quantile(hist, 0.5, width)
    per_unit["rank_q05"] = hist_quantile(hist, 0.05, width)
    per_unit["rank_q95"] = hist_quantile(hist, 0.95, width)
    per_unit.attrs["warnings"] = list(warnings)   # the uncertainty charts add them to their captions

    return MonteCarloResult(
        per_unit=per_unit, overlap=overlap, urban_share=urban_share,
        awards_per_replication=pd.DataFrame(per_rep, columns=list(tiers)).rename_axis("replication"),
        nominal=nominal, factors=list(factors), n=int(n), seed=seed, chunk_size=int(chunk_size),
        tiers=tuple(tiers), rank_bin_width=width, scheme_name=scheme.name,
        entropy=root.entropy, warnings=list(warnings),
        titles={lg: scheme_title(scheme, lg) for lg in ("vi", "en")},
        tier_labels={tr.id: {"vi": tr.label or tr.label_en or tr.id, "en": tr.label_en or tr.label or tr.id}
                     for tr in scheme.awards.allocated_tiers},
        factor_labels={lg: [factor_label(f, scheme, lang=lg) for f in factors] for lg in ("vi", "en")},
    )


@dataclass
class MonteCarloResult:
    """What :func:`montecarlo` found: per-unit table, per-replication outcomes, a summary."""

    per_unit: pd.DataFrame
    overlap: np.ndarray
    urban_share: np.ndarray
    awards_per_replication: pd.DataFrame
    nominal: pd.DataFrame
    factors: list = field(default_factory=list)
    n: int = 0
    seed: Any = None
    chunk_size: int = 0
    tiers: tuple = ()
    rank_bin_width: int = 1
    scheme_name: str = ""
    entropy: Any = None
    #: :class:`~emusim.i18n.Message` objects: what could make this result mislead
    #: (see :func:`~.noise.saturation_warnings`); ``str(w)`` renders one in the current language.
    warnings: list = field(default_factory=list)
    #: ``{tier id: {"vi": label, "en": label_en}}``: how the summary names each tier
    tier_labels: dict = field(default_factory=dict)
    #: the scheme as people read it, per language
    titles: dict = field(default_factory=dict)
    #: ``{lang: [label of each factor]}``: the factors in the plan's wording (tiers by their labels)
    factor_labels: dict = field(default_factory=dict)

    @property
    def nominal_urban_share(self) -> float:
        got = self.nominal["award"].notna()
        return float((self.nominal.loc[got, "urban_class"] != "rural").mean()) if got.any() and \
            "urban_class" in self.nominal else float("nan")

    def summary(self, lang: str | None = None) -> pd.DataFrame:
        """Headline numbers: overlap and urban share (mean, 5 %, median, 95 %), awards per
        tier, and how many units have a fair chance (p_any ≥ 0.5) or any chance at all.

        Rows and columns are labelled for people, in ``lang`` (default: the current language)."""
        lang = check_lang(lang)
        def stats(x):
            x = np.asarray(x, dtype=float)
            x = x[~np.isnan(x)]
            if not len(x):
                return [np.nan] * 4
            return [float(x.mean()), *np.quantile(x, [0.05, 0.5, 0.95]).tolist()]

        labels = self.tier_labels or {}
        rows = {t("montecarlo.row_overlap", lang): stats(self.overlap),
                t("montecarlo.row_urban", lang): stats(self.urban_share)}
        for tier in self.tiers:
            rows[t("montecarlo.row_awards", lang, tier=labels.get(tier, {}).get(lang) or tier)] = \
                stats(self.awards_per_replication[tier])
        cols = [t(f"montecarlo.col_{c}", lang) for c in ("mean", "q05", "median", "q95")]
        table = pd.DataFrame(rows, index=cols).T
        table[t("montecarlo.col_nominal", lang)] = [
            1.0 if self.nominal["award"].notna().any() else np.nan, self.nominal_urban_share,
            *[float((self.nominal["award"] == tier).sum()) for tier in self.tiers]]
        p = self.per_unit["p_any"]
        extra = pd.DataFrame({cols[0]: [float((p >= 0.5).sum()), float((p > 0).sum())]},
                             index=[t("montecarlo.row_fair", lang), t("montecarlo.row_any", lang)])
        out = pd.concat([table, extra])
        out.attrs.update(n=self.n, seed=self.seed, scheme=self.scheme_name, warnings=list(self.warnings))
        return out

    def top(self, k: int = 20) -> pd.DataFrame:
        """The ``k`` units most likely to get an award (then by median rank)."""
        return self.per_unit.sort_values(["p_any", "median_rank"], ascending=[False, True]).head(k)

    def __repr__(self) -> str:
        ov = np.nanmean(self.overlap) if np.isfinite(self.overlap).any() else float("nan")
        warn = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        return (f"<MonteCarloResult {self.scheme_name}: n={self.n}, seed={self.seed}, {len(self.per_unit)} units, "
                f"{len(self.factors)} factors, mean overlap {ov:.2f}{warn}>")

    def _repr_html_(self) -> str:
        from html import escape


        labels = self.factor_labels.get(check_lang(None)) or [factor_label(f) for f in self.factors]
        factors = "".join(f"<li>{escape(lab)}: {escape(f.describe())}</li>" for lab, f in zip(labels, self.factors))
        cols = [c for c in ("name", "urban_class", "nominal_award", *[f"p_{t}" for t in self.tiers], "p_any",
                            "median_rank", "rank_q05", "rank_q95") if c in self.per_unit]
        warn = "".join(f"<p style='color:#a33'>⚠ {escape(str(w))}</p>" for w in self.warnings)
        head = t("montecarlo.html_head", scheme=self.titles.get(check_lang(None), self.scheme_name), n=self.n,
                 seed=str(self.seed))
        return (f"<div><b>Monte Carlo</b> — {escape(head)}"
                f"{warn}<ul>{factors}</ul>{self.summary().round(3).to_html()}"
                f"<p>{escape(t('montecarlo.html_top'))}</p>{self.labelled(self.top(15)[cols]).round(3).to_html()}</div>")

    def labelled(self, table: pd.DataFrame | None = None, lang: str | None = None) -> pd.DataFrame:
        """``per_unit`` (or a slice of it) for people: headers, tier labels and urban classes in ``lang``."""
        lang = check_lang(lang)
        out = (self.per_unit if table is None else table).copy()
        labels = self.tier_labels or {}

        def tier(x):
            if x is None or (isinstance(x, float) and x != x):
                return t("montecarlo.no_award", lang)
            return labels.get(x, {}).get(lang) or x

        if "nominal_award" in out:
            out["nominal_award"] = out["nominal_award"].map(tier)
        if "urban_class" in out:
            from ..charts.style import urban_label

            out["urban_class"] = out["urban_class"].map(lambda c: c if c is None or c != c else urban_label(str(c), lang))
        names = {}
        for col in out.columns:
            if col.startswith("p_") and col[2:] in labels:
                names[col] = t("montecarlo.col_p_tier", lang, tier=labels[col[2:]].get(lang) or col[2:])
            elif f"montecarlo.col_{col}" in catalogue():
                names[col] = t(f"montecarlo.col_{col}", lang)
        return out.rename(columns=names)
