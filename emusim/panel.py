"""The monthly panel: locality × month × indicator.

A :class:`Panel` is what :func:`emusim.simulate` produces and what real observations are
turned into. Values are floats in one numpy array of shape
``(n_localities, n_periods, n_indicators)``; ``NaN`` means "not observed / not defined for
this locality" (e.g. a commune-only indicator on a district row).

Conventions
-----------
* ratios are fractions in [0, 1]; bools are 0.0 / 1.0; counts are whole numbers stored as
  floats (see :mod:`emusim.simulate` for the counting window); dates are days since
  1970-01-01 (``NaN`` before the event).
* ``panel.at("2023-11")`` is the values table that ``emusim.score`` takes: index
  ``locality_id``, one column per indicator.

>>> import numpy as np, pandas as pd
>>> p = Panel(np.arange(12, dtype=float).reshape(2, 3, 2) / 20, ["C1", "C2"],
...           pd.period_range("2023-01", periods=3, freq="M"), ["a", "b"])
>>> p
<Panel 2 localities × 3 months (2023-01…2023-03) × 2 indicators>
>>> p.at("2023-02").to_dict("index")
{'C1': {'a': 0.1, 'b': 0.15}, 'C2': {'a': 0.4, 'b': 0.45}}
>>> Panel.from_long(p.to_long()).at("2023-02").equals(p.at("2023-02"))
True
"""
from __future__ import annotations

import html
import re
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .i18n import Message, t as _t
from .limits import check_month, check_month_span

__all__ = ["Panel", "to_period"]

_BASE_LEVELS = ("commune", "district", "province", "village", "agency", "enterprise")


def _error(key: str, path: str | None = None, **values) -> InputError:
    """An InputError carrying the catalogue message ``panel.<key>``."""
    return InputError([Problem(Message(f"panel.{key}", **values), path=path)])


def to_period(value, what: str = "period") -> pd.Period:
    """Parse a month ('2023-11', '2023/11', a date, a Period) into a monthly ``Period``.

    >>> to_period("2023-11")
    Period('2023-11', 'M')
    >>> to_period("November")
    Traceback (most recent call last):
    ...
    emusim.errors.InputError: period: không đọc được 'November' là một tháng (viết YYYY-MM, ví dụ 2023-11)
    """
    if isinstance(value, pd.Period):
        return check_month(value.asfreq("M"), what)
    try:
        if isinstance(value, str):
            text = value.strip().replace("/", "-")
            if not re.match(r"^\d{4}-\d{1,2}(-\d{1,2})?$", text):
                raise ValueError(text)
            period = pd.Period(text, freq="M")
        else:
            period = pd.Period(value, freq="M")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        raise _error("not_month", what, value=repr(value)) from None
    return check_month(period, what)  # 0000-01, 1000-01 and 9999-12 are refused (emusim.limits)


class Panel:
    """Locality × month × indicator values (floats), with optional registry and catalog.

    Parameters
    ----------
    values : array (n_localities, n_periods, n_indicators)
    localities : ids (str), periods : monthly PeriodIndex (or anything convertible),
    indicators : indicator ids, registry : the registry DataFrame (kept as ``.registry``),
    catalog : the indicator catalog used (kept as ``.catalog``), meta : free dict
    (simulate stores seed, calibration results, …).
    """

    def __init__(self, values, localities, periods, indicators, registry=None, catalog=None,
                 meta: dict | None = None):
        values = np.asarray(values, dtype=float)
        self.localities = pd.Index([str(x) for x in localities], name="locality_id")
        if isinstance(periods, pd.PeriodIndex):
            self.periods = periods.asfreq("M")
        else:
            self.periods = pd.PeriodIndex([to_period(p) for p in periods], freq="M")
        self.periods.name = "period"
        self.indicators = [str(x) for x in indicators]
        shape = (len(self.localities), len(self.periods), len(self.indicators))
        if values.shape != shape:
            raise _error("bad_shape", shape=str(values.shape), expected=str(shape))
        if self.localities.has_duplicates:
            dup = self.localities[self.localities.duplicated()].unique()[:5]
            raise _error("duplicate_localities", ids=", ".join(dup))
        if len(set(self.indicators)) != len(self.indicators):
            raise _error("duplicate_indicators")
        self.values = values
        self.registry = registry
        self.catalog = catalog
        self.meta = dict(meta or {})
        #: boolean array like ``values``: True where the file said "không áp dụng" (not
        #: applicable; the value there is NaN). None when nothing is marked.
        self.not_applicable: np.ndarray | None = None
        #: the :class:`emusim.observations.ImportReport` of a panel read from a file
        self.report = None
        self._loc_pos = {loc: i for i, loc in enumerate(self.localities)}
        self._ind_pos = {ind: i for i, ind in enumerate(self.indicators)}

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        """Number of localities (rows of ``at(period)``)."""
        return len(self.localities)

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.values.shape

    @property
    def range(self) -> str:
        if len(self.periods) == 0:
            return "empty"
        return f"{self.periods[0]}…{self.periods[-1]}"

    def __repr__(self) -> str:
        return (f"<Panel {len(self.localities)} localities × {len(self.periods)} months "
                f"({self.range}) × {len(self.indicators)} indicators>")

    def _period_pos(self, period) -> int:
        p = to_period(period)
        if len(self.periods) == 0 or p < self.periods[0] or p > self.periods[-1]:
            raise _error("period_outside", "period", period=str(p),
                         span=self.range if len(self.periods) else Message("panel.empty_span"))
        return int(self.periods.get_loc(p))

    def _indicator_pos(self, indicator: str) -> int:
        if indicator not in self._ind_pos:
            close = [i for i in self.indicators if indicator.lower() in i.lower()][:5]
            hint = Message("panel.did_you_mean", names=", ".join(close)) if close else ""
            raise _error("unknown_indicator", "indicator", indicator=indicator, hint=hint)
        return self._ind_pos[indicator]

    # ------------------------------------------------------------------ views
    def at(self, period, missing: str | None = None) -> pd.DataFrame:
        """Values at one month: index ``locality_id``, one column per indicator.

        ``values.attrs["not_applicable"]`` (a boolean DataFrame like the values) marks the
        cells the file called "không áp dụng", when there are any. ``missing="previous"``
        fills each missing value with the unit's last observed value before ``period`` and
        lists what it filled in ``values.attrs["filled"]`` (see :mod:`emusim.missing`).

        A month without a single value in a panel that has values elsewhere is an error:
        scoring it would give every unit 0 ("observations whose periods skip the month").
        """
        t = self._period_pos(period)
        block = self.values[:, t, :]
        if missing != "previous" and self.values.size and np.isnan(block).all() \
                and not (self.not_applicable is not None and self.not_applicable[:, t, :].any()):
            observed = [str(p) for p, ok in zip(self.periods, ~np.isnan(self.values).all(axis=(0, 2))) if ok]
            if observed:

                raise InputError([Problem(Message("missing.empty_month", period=str(self.periods[t]),
                                                  observed=", ".join(observed[:12])), path="period")])
        df = pd.DataFrame(block, index=self.localities.copy(), columns=list(self.indicators))
        df.columns.name = None
        if self.not_applicable is not None and self.not_applicable[:, t, :].any():
            df.attrs["not_applicable"] = pd.DataFrame(self.not_applicable[:, t, :].copy(), index=df.index,
                                                      columns=df.columns)
        if missing == "previous":
            from .missing import fill_previous

            df = fill_previous(self, t, df)
        return df

    def series(self, indicator: str) -> pd.DataFrame:
        """One indicator: localities (rows) × periods (columns)."""
        j = self._indicator_pos(indicator)
        return pd.DataFrame(self.values[:, :, j], index=self.localities.copy(),
                            columns=self.periods.copy())

    def to_long(self, dropna: bool = True) -> pd.DataFrame:
        """Long table ``locality_id, period ('YYYY-MM'), indicator, value``."""
        n_l, n_t, n_i = self.values.shape
        loc = np.repeat(np.asarray(self.localities, dtype=object), n_t * n_i)
        per = np.tile(np.repeat(self.periods.strftime("%Y-%m").to_numpy(dtype=object), n_i), n_l)
        ind = np.tile(np.asarray(self.indicators, dtype=object), n_l * n_t)
        val = self.values.reshape(-1)
        df = pd.DataFrame({"locality_id": loc, "period": per, "indicator": ind, "value": val})
        if dropna:
            df = df[~np.isnan(val)].reset_index(drop=True)
        return df

    @classmethod
    def from_long(cls, df: pd.DataFrame, registry=None, catalog=None,
                  source: str | None = None) -> "Panel":
        """Build a panel from a long table (the inverse of :meth:`to_long`).

        Missing combinations become ``NaN``. Duplicated (locality, period, indicator) rows
        are an ``InputError`` naming the rows (1-based, as in a spreadsheet after the header).
        """
        source = source if source is not None else _t("panel.long_table")
        need = ["locality_id", "period", "indicator", "value"]
        missing = [c for c in need if c not in df.columns]
        if missing:
            raise InputError([Problem(Message("panel.missing_column", column=c, need=", ".join(need)),
                                      file=source, column=c) for c in missing])
        loc = df["locality_id"].astype(str).str.strip()
        ind = df["indicator"].astype(str).str.strip()
        problems = []
        periods = []
        for row, value in zip(range(len(df)), df["period"]):
            try:
                periods.append(to_period(value))
            except InputError as exc:
                periods.append(None)
                if len(problems) < 20:
                    problems.append(Problem(exc.problems[0].message, file=source, row=row + 2, column="period"))
        vals = pd.to_numeric(df["value"], errors="coerce")
        bad = vals.isna() & df["value"].notna()
        for row in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(Problem(Message("panel.not_number", value=repr(df['value'].iloc[row])),
                                    file=source, row=int(row) + 2, column="value"))
        if problems:
            raise InputError(problems)
        per = pd.PeriodIndex(periods, freq="M")
        key = pd.DataFrame({"l": loc.to_numpy(), "p": per.astype(str), "i": ind.to_numpy()})
        dup = key.duplicated(keep=False).to_numpy()
        if dup.any():
            rows = np.flatnonzero(dup)
            probs = [Problem(Message("panel.duplicate_entry", lid=key.l[r], period=key.p[r], indicator=key.i[r]),
                             file=source, row=int(r) + 2)
                     for r in rows[:20]]
            if len(rows) > 20:
                probs.append(Problem(Message("panel.more_duplicates", n=len(rows) - 20), file=source))
            raise InputError(probs)
        localities = pd.Index(pd.unique(loc.to_numpy()))
        indicators = list(pd.unique(ind.to_numpy()))
        if len(per):  # bounded before anything is allocated (emusim.limits)
            check_month_span(per.min(), per.max(), "period", len(localities), len(indicators))
            periods_idx = pd.period_range(per.min(), per.max(), freq="M")
        else:
            periods_idx = pd.PeriodIndex([], freq="M")
        values = np.full((len(localities), len(periods_idx), len(indicators)), np.nan)
        li = localities.get_indexer(loc.to_numpy())
        ti = (per.asi8 - periods_idx[0].ordinal) if len(per) else np.array([], dtype=int)
        ii = pd.Index(indicators).get_indexer(ind.to_numpy())
        values[li, ti, ii] = vals.to_numpy(dtype=float)
        return cls(values, localities, periods_idx, indicators, registry=registry, catalog=catalog)

    def subset(self, localities: Iterable[str] | None = None,
               indicators: Iterable[str] | None = None, periods=None) -> "Panel":
        """A new panel restricted to some localities / indicators / a (start, end) range."""
        li = np.arange(len(self.localities))
        if localities is not None:
            localities = [str(x) for x in localities]
            unknown = [x for x in localities if x not in self._loc_pos]
            if unknown:
                raise _error("unknown_localities", "localities", ids=", ".join(unknown[:10]))
            li = np.array([self._loc_pos[x] for x in localities], dtype=int)
        ii = np.arange(len(self.indicators))
        if indicators is not None:
            ii = np.array([self._indicator_pos(x) for x in indicators], dtype=int)
        ti = np.arange(len(self.periods))
        if periods is not None:
            start, end = periods
            t0, t1 = self._period_pos(start), self._period_pos(end)
            ti = np.arange(t0, t1 + 1)
        vals = self.values[np.ix_(li, ti, ii)]
        reg = self.registry
        if reg is not None:
            reg = reg.loc[reg.index.intersection(self.localities[li], sort=False)]
        out = Panel(vals, self.localities[li], self.periods[ti],
                    [self.indicators[i] for i in ii], registry=reg, catalog=self.catalog,
                    meta=self.meta)
        if self.not_applicable is not None:
            out.not_applicable = self.not_applicable[np.ix_(li, ti, ii)]
        return out

    # ------------------------------------------------------------------ summaries
    def _base_rows(self, j: int, province: str | None = None) -> np.ndarray:
        """Row positions over which a province mean is taken (finest non-village level)."""
        has = ~np.all(np.isnan(self.values[:, :, j]), axis=1)
        reg = self.registry
        if reg is None or "level" not in reg:
            return np.flatnonzero(has)
        lvl = reg["level"].reindex(self.localities).to_numpy()
        in_prov = np.ones(len(self.localities), dtype=bool)
        if province is not None and "province" in reg:
            in_prov = (reg["province"].reindex(self.localities) == province).to_numpy()
        for level in _BASE_LEVELS:
            rows = np.flatnonzero(has & (lvl == level) & in_prov)
            if len(rows):
                return rows
        return np.flatnonzero(has & in_prov)

    def province_means(self, indicator: str, weights=None, province: str | None = None) -> pd.Series:
        """Mean of ``indicator`` over the base units, for every month.

        The base units are the finest non-village level that carries the indicator
        (communes, else districts, …). Weights: ``population_14plus`` of the attached
        registry (if any), or ``weights`` (a Series by locality_id, or a registry column
        name); equal weights otherwise. NaNs are skipped. ``province`` restricts to the
        units whose registry ``province`` column equals it (national registries).
        """
        j = self._indicator_pos(indicator)
        rows = self._base_rows(j, province)
        w = self._weights(weights)[rows]
        x = self.values[rows, :, j]
        ok = ~np.isnan(x)
        ww = np.where(ok, w[:, None], 0.0)
        num = np.where(ok, x, 0.0) * ww
        den = ww.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = num.sum(axis=0) / den
        return pd.Series(mean, index=self.periods.copy(), name=indicator)

    def _weights(self, weights) -> np.ndarray:
        n = len(self.localities)
        if weights is None:
            reg = self.registry
            if reg is not None and "population_14plus" in reg:
                w = reg["population_14plus"].reindex(self.localities).to_numpy(dtype=float)
                return np.where(np.isnan(w), 0.0, w)
            return np.ones(n)
        if isinstance(weights, str):
            if self.registry is None or weights not in self.registry:
                raise _error("weights_column", "weights", column=weights)
            weights = self.registry[weights]
        if isinstance(weights, Mapping):
            weights = pd.Series(weights)
        if isinstance(weights, pd.Series):
            w = weights.reindex(self.localities).to_numpy(dtype=float)
            return np.where(np.isnan(w), 0.0, w)
        w = np.asarray(weights, dtype=float)
        if w.shape != (n,):
            raise _error("weights_shape", "weights", n=n, shape=str(w.shape))
        return w

    def summary(self, period=None) -> pd.DataFrame:
        """Province means of every indicator at ``period`` (default: the last month).

        One column per province when the registry has a ``province`` column, else one
        column ``mean``.
        """
        t = self._period_pos(period) if period is not None else len(self.periods) - 1
        p = self.periods[t]
        reg = self.registry
        provinces = [None]
        if reg is not None and "province" in reg:
            provs = reg["province"].reindex(self.localities).dropna()
            provinces = [x for x in pd.unique(provs) if x] or [None]
        out = {}
        for prov in provinces[:12]:
            out[prov or "mean"] = [self.province_means(i, province=prov)[p] for i in self.indicators]
        return pd.DataFrame(out, index=pd.Index(self.indicators, name="indicator"))

    def _repr_html_(self) -> str:
        if len(self.periods) == 0 or len(self.indicators) == 0:
            return html.escape(repr(self))
        levels = ""
        if self.registry is not None and "level" in self.registry:
            counts = self.registry["level"].reindex(self.localities).value_counts()
            levels = ", ".join(f"{n} {lv}" for lv, n in counts.items())
        table = self.summary().head(15).to_html(float_format=lambda v: f"{v:.3f}",
                                                na_rep="–", border=0)
        more = len(self.indicators) - 15
        tail = f"<p>… and {more} more indicators</p>" if more > 0 else ""
        return (f"<div><b>Panel</b>: {len(self.localities)} localities"
                f"{' (' + html.escape(levels) + ')' if levels else ''} × {len(self.periods)} months "
                f"({self.range}) × {len(self.indicators)} indicators"
                f"<br>Province means at {self.periods[-1]}:{table}{tail}</div>")
