"""The award page's engine: one scheme, one panel, one scenario (the ``adjust`` dict, the month,
the language); every change re-scores, re-allocates and redraws (DESIGN §7).

``Explorer(plan, panel, level=None, registry=None)`` builds its controls from
``scheme.parameters()`` (:mod:`.controls`) and draws the headline, the ranking chart, the
diff against the plan as written and the award table (:mod:`.views`). Programmatic use::

    ex = Explorer(plan, panel, level="commune")
    ex.set("uplift.city", 0.30)          # same as moving the slider
    ex.award_table                        # allocate() output + failed_gates, change
    ex.changes                            # {"uplift.city": 0.3}: the adjust() dict vs the plan
    ex.diff                               # units whose award differs from the plan as written
    ex.cli_command()                      # 'emusim award --plan … --set uplift.city=0.3 …'
    ex.widget                             # the ipywidgets container (displayed by ``ex``)

``set`` also accepts ``"period"`` (``"2023-10"``) and ``"lang"`` (``"vi"``/``"en"``). A bad
value raises :class:`emusim.AdjustError` and leaves everything as it was; from a control, the
message is shown under the headline instead. ``on_change(callback)`` registers a function
called with the explorer after every accepted change (the dashboard records it as a step).

Decisions: the baseline of the diff is the unadjusted scheme *at the month being viewed*
(so the diff shows what the reform changes, not what a month changes). The command line
reproduces the view when the panel came from ``simulate(registry, seed=N)`` with its default
months (``--seed N``) or from ``read_observations(file)`` (``--data file``).
"""
from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..allocate import allocate
from ..engine import score
from ..errors import AdjustError, EmusimError, InputError, Problem
from ..i18n import Message
from ..model import Plan, Scheme
from .controls import ControlsMixin
from .text import _normalise, _same, _t, format_value
from .views import ViewsMixin

ROOT = Path(__file__).resolve().parent.parent.parent


class Explorer(ControlsMixin, ViewsMixin):
    """Controls built from a scheme, a live award table and ranking chart (module docstring).

    Parameters
    ----------
    plan : a :class:`~emusim.Plan`, a scenario path or a plan id.
    panel : a :class:`~emusim.Panel` (``simulate`` or ``read_observations``), a DataFrame of
        values at one month (index locality_id), or None to simulate the plan's registry
        with ``seed`` (default 1).
    level : the plan level (default: ``commune`` when the plan has it, else its first
        points/standards level).
    registry : default: the panel's registry, else the plan's.
    period : evaluation month (default: the plan's evaluation period when the panel has it,
        else the panel's last month).
    lang : ``"vi"`` (default) or ``"en"``.
    top : units shown in the ranking chart besides the nominees.
    build : build the ipywidgets controls (False: a headless explorer for scripts and tests).
    embedded : inside the dashboard (which has its own language switch).
    lazy : build the controls of a closed section when it is first opened (fewer widgets for
        the browser to load; ``build_all_sections()`` builds them all).
    """

    def __init__(self, plan, panel=None, level: str | None = None, registry=None, *,
                 period=None, seed: int | None = None, lang: str = "vi", top: int = 30,
                 build: bool = True, embedded: bool = False, lazy: bool = False):
        from ..loader import load_plan
        from ..registry import load_registry

        self.plan: Plan = plan if isinstance(plan, Plan) else load_plan(plan)
        if level is None:
            level = "commune" if "commune" in self.plan.levels else next(
                (lv for lv, s in self.plan.schemes.items() if s.kind in ("points", "standards")), None)
        self.level = level
        self.base_scheme: Scheme = self.plan.scheme(level)
        if self.base_scheme.kind not in ("points", "standards"):
            raise InputError([Problem(Message("widgets.err_kind", scheme=self.base_scheme.label or self.base_scheme.name))])
        if registry is None:
            registry = getattr(panel, "registry", None)
        if registry is None:
            if not self.plan.registry:
                raise InputError([Problem(Message("widgets.err_no_registry"))])
            registry = load_registry(self.plan.registry)
        elif isinstance(registry, (str, Path)):
            registry = load_registry(registry)
        self.registry: pd.DataFrame = registry
        if panel is None:
            from ..simulate import simulate

            seed = 1 if seed is None else seed
            panel = simulate(registry, seed=seed)
        self.panel = panel
        self._seed = seed
        if isinstance(panel, pd.DataFrame):
            self.periods: list[str] = []
        else:
            self.periods = [str(p) for p in panel.periods]
        if period is None and self.periods:
            ev = self.plan.evaluation_period
            period = ev if ev in self.periods else self.periods[-1]
        self.period = None if period is None else str(pd.Period(period, freq="M"))
        if self.periods and self.period not in self.periods:
            raise InputError([Problem(Message("widgets.err_period", period=self.period, first=self.periods[0], last=self.periods[-1]))])
        if lang not in ("vi", "en"):
            raise InputError([Problem(Message("widgets.err_lang", value=repr(lang)))])
        self.lang = lang
        self.top = top
        self.params0: dict[str, Any] = self.base_scheme.parameters()
        self._changes: dict[str, Any] = {}
        self.scheme: Scheme = self.base_scheme
        self._values_cache: dict = {}
        self._baseline_cache: dict = {}
        self._controls: dict[str, Any] = {}
        self._labels: list[tuple[Any, str, Any]] = []
        self._syncing = False
        self.error: str | None = None
        self.timings: list[float] = []
        self.score_table: pd.DataFrame | None = None
        self._award_table: pd.DataFrame | None = None
        self.diff: pd.DataFrame = pd.DataFrame()
        self.widget = None
        self.embedded = embedded
        self.lazy = lazy
        self._listeners: list[Callable] = []
        self._quiet = False
        unit_ids = registry.index[registry["level"] == self.base_scheme.unit_level]
        self._names = registry["name"].astype(str).to_dict() if "name" in registry else {}
        self._n_units = len(unit_ids)
        if build:
            self._build()
        self.update()

    # ------------------------------------------------------------------ public API
    @property
    def changes(self) -> dict[str, Any]:
        """The ``scheme.adjust`` dict of the current scenario (only what differs from the plan)."""
        return dict(self._changes)

    @property
    def award_table(self) -> pd.DataFrame:
        """The current award table: :func:`emusim.allocate` output plus ``failed_gates``
        (hard and soft gates not reached), ``parent_name``, ``baseline_award`` (the plan as
        written) and ``change`` ("gain", "loss", "tier" or "")."""
        return self._award_table

    @property
    def gains(self) -> list[str]:
        """Locality ids that get an award under the scenario but not under the plan."""
        return list(self.diff.index[self.diff["change"] == "gain"]) if len(self.diff) else []

    @property
    def losses(self) -> list[str]:
        """Locality ids that lose the award the plan as written gives them."""
        return list(self.diff.index[self.diff["change"] == "loss"]) if len(self.diff) else []

    def set(self, path: str, value: Any) -> "Explorer":
        """Change one parameter (as a control would) and redraw; returns the explorer.

        ``path`` is any path of ``scheme.parameters()``, or ``"period"`` or ``"lang"``.
        Raises :class:`emusim.AdjustError` for a bad path or value (nothing changes).
        """
        self._apply(path, value, raise_errors=True)
        self._sync_control(path)
        return self

    def update_many(self, changes: dict[str, Any]) -> "Explorer":
        """Apply several changes at once (one redraw)."""
        new = dict(self._changes)
        for path, value in changes.items():
            if path in ("period", "lang"):
                self._set_view(path, value)
                continue
            new[path] = _normalise(path, value, self.params0.get(path))
        self._commit(new, raise_errors=True)
        for path in changes:
            self._sync_control(path)
        return self

    def reset(self) -> "Explorer":
        """Back to the plan as written (month and language kept)."""
        self._changes = {}
        self.scheme = self.base_scheme
        self.error = None
        for path in self._controls:
            self._sync_control(path)
        self.update()
        self._notify()
        return self

    def cli_command(self, out: str | None = None) -> str:
        """The ``emusim award`` command line that reproduces the current award list."""
        parts = ["emusim", "award", "--plan", self._plan_arg(), "--level", self.level]
        meta = getattr(self.panel, "meta", {}) or {}
        if meta.get("source"):
            parts += ["--data", str(meta["source"])]
        elif "seed" in meta or self._seed is not None:
            parts += ["--seed", str(meta.get("seed", self._seed))]
        else:
            parts += ["--data", "<observations.csv>"]
        if self.period:
            parts += ["--period", self.period]
        for path, value in self._changes.items():
            parts += ["--set", f"{path}={format_value(value)}"]
        if out:
            parts += ["--out", str(out)]
        return " ".join(shlex.quote(p) if p != "<observations.csv>" else p for p in parts)

    def export(self, path: str | Path, force: bool = False) -> Path:
        """Write the current award list (award table joined with the score table, by rank)
        to ``.xlsx`` or ``.csv`` with :func:`emusim.io.write_table` (never over an existing
        file unless ``force``)."""
        from ..io import write_table

        table = self.export_table()
        return write_table(table, path, force=force, sheet_name=f"{self.level} {self.period or ''}".strip())

    def export_table(self) -> pd.DataFrame:
        """The table :meth:`export` writes: the same columns as ``emusim award --out``, plus
        ``failed_gates``, ``baseline_award`` and ``change``."""
        aw = self._award_table
        st = self.score_table
        table = aw.join(st.drop(columns=[c for c in st.columns if c in aw.columns]))
        return table.sort_values("rank")

    def _ipython_display_(self):
        from IPython.display import display

        if self.widget is None:
            self._build()
            self._render()
        display(self.widget)

    def __repr__(self) -> str:
        given = self._award_table.attrs.get("awards_given", {}) if self._award_table is not None else {}
        return (f"<Explorer {self.base_scheme.name} period={self.period} changes={self._changes} "
                f"awards={given}>")


    # ------------------------------------------------------------------ scenario state
    def on_change(self, callback: Callable) -> None:
        """Call ``callback(explorer)`` after every accepted change (not after :meth:`restore`)."""
        self._listeners.append(callback)

    def _notify(self) -> None:
        if self._quiet:
            return
        for cb in list(self._listeners):
            cb(self)

    def restore(self, adjust: dict, period: str | None = None, lang: str | None = None) -> "Explorer":
        """Show exactly this scenario (an undo/redo step, a loaded file): the ``adjust`` dict
        replaces the current one; listeners are not called. Raises AdjustError (nothing changes)."""
        scheme = self.base_scheme.adjust(adjust) if adjust else self.base_scheme
        if period is not None and self.periods:
            p = str(pd.Period(period, freq="M"))
            if p not in self.periods:
                raise AdjustError([Problem(Message("widgets.err_period", period=period, first=self.periods[0],
                                                   last=self.periods[-1]), path="period")])
            self.period = p
        if lang is not None and lang != self.lang:
            self._set_view("lang", lang)
        self._changes = {k: v for k, v in dict(adjust or {}).items()
                         if not (k in self.params0 and _same(v, self.params0[k]))}
        self.scheme = scheme
        self.error = None
        for path in self._controls:
            self._sync_control(path)
        self.update()
        return self

    # ------------------------------------------------------------------ computing
    def _values(self) -> pd.DataFrame:
        key = self.period
        if key not in self._values_cache:
            if isinstance(self.panel, pd.DataFrame):
                values = self.panel
            else:
                values = self.panel.at(self.period)
            idx = values.index.astype(str)
            keep = self.registry["level"].reindex(idx).to_numpy() == self.base_scheme.unit_level
            cols = [c for c in self.base_scheme.indicators if c in values.columns]
            missing = [c for c in self.base_scheme.indicators if c not in values.columns]
            if missing:
                raise InputError([Problem(Message("widgets.err_missing_column", column=m,
                                                  scheme=self.base_scheme.label or self.base_scheme.name), column=m)
                                  for m in missing])
            self._values_cache = {key: values.loc[keep, cols]}  # one month at a time: bounded memory
        return self._values_cache[key]

    def _baseline(self) -> pd.DataFrame:
        key = self.period
        if key not in self._baseline_cache:
            st = score(self.base_scheme, self._values(), self.registry)
            self._baseline_cache = {key: allocate(st, self.base_scheme, self.registry)}
        return self._baseline_cache[key]

    def _apply(self, path: str, value: Any, raise_errors: bool) -> bool:
        if path in ("period", "lang"):
            try:
                self._set_view(path, value)
            except EmusimError as exc:
                if raise_errors:
                    raise
                self._show_error(str(exc))
                return False
            self.update()
            self._notify()
            return True
        new = dict(self._changes)
        new[path] = _normalise(path, value, self.params0.get(path))
        return self._commit(new, raise_errors)

    def _set_view(self, path: str, value: Any) -> None:
        if path == "lang":
            if value not in ("vi", "en"):
                raise AdjustError([Problem(Message("widgets.err_lang", value=repr(value)), path="lang")])
            self.lang = value
            self._relabel()
        else:
            if not self.periods:
                raise AdjustError([Problem(Message("widgets.err_single_month"), path="period")])
            p = str(pd.Period(value, freq="M")) if value is not None else None
            if p not in self.periods:
                raise AdjustError([Problem(Message("widgets.err_period", period=value, first=self.periods[0],
                                                   last=self.periods[-1]), path="period")])
            self.period = p

    def _commit(self, new: dict, raise_errors: bool) -> bool:
        new = {k: v for k, v in new.items() if not (k in self.params0 and _same(v, self.params0[k]))}
        try:
            scheme = self.base_scheme.adjust(new) if new else self.base_scheme
        except AdjustError as exc:
            if raise_errors:
                raise
            self._show_error(str(exc))
            return False
        self._changes = new
        self.scheme = scheme
        self.error = None
        self.update()
        self._notify()
        return True

    def update(self) -> None:
        """Re-score, re-allocate and redraw (called after every change)."""
        t0 = time.perf_counter()
        values = self._values()
        st = score(self.scheme, values, self.registry)
        aw = allocate(st, self.scheme, self.registry)
        base = self._baseline()
        gate_ids = [g.id for g in self.scheme.gates]
        soft = {g.id for g in self.scheme.gates if g.mode == "soft"}
        if gate_ids:
            ok = st[[f"gate.{g}" for g in gate_ids]].to_numpy(dtype=bool)
            failed = [", ".join(g + (" (soft)" if g in soft else "") for g, good in zip(gate_ids, row) if not good)
                      for row in ok]
        else:
            failed = [""] * len(st)
        aw["failed_gates"] = failed
        aw["parent_name"] = [self._names.get(p, p or "") if p is not None else "" for p in aw["parent_id"]]
        before = base["award"].reindex(aw.index)
        aw["baseline_award"] = before
        now_a = aw["award"].to_numpy(dtype=object)
        was_a = before.to_numpy(dtype=object)
        change = np.full(len(aw), "", dtype=object)
        for i, (a, b) in enumerate(zip(now_a, was_a)):
            if a is not None and b is None:
                change[i] = "gain"
            elif a is None and b is not None:
                change[i] = "loss"
            elif a != b:
                change[i] = "tier"
        aw["change"] = change
        self.score_table = st
        self._award_table = aw
        cols = [c for c in ("name", "parent_name", "urban_class", "baseline_award", "award", "change",
                            "rank", "total", "reason") if c in aw]
        self.diff = aw.loc[aw["change"] != "", cols].sort_values("rank")
        if self.widget is not None:
            self._render()
        self.timings.append((time.perf_counter() - t0) * 1000.0)
        if self.widget is not None:
            self._w_timing.value = (f"<span style='color:#8090a0;font-size:11px'>"
                                    f"{_t('updated', self.lang, ms=round(self.timings[-1]))}</span>")

    def _plan_arg(self) -> str:
        f = Path(self.plan.file) if self.plan.file else None
        if f is None:
            return self.plan.id
        f = f.resolve()
        try:
            return str(f.relative_to(ROOT))  # run from the repository root, as in the README
        except ValueError:
            return str(f)


def explore(plan, panel=None, **kw) -> Explorer:
    """Shorthand for :class:`Explorer` (``emusim.widgets.explore("ha_giang_186_2023")``)."""
    return Explorer(plan, panel, **kw)
