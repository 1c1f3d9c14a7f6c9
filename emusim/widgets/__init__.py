"""The dashboard for people who don't code (issue 15), one module per part of the page:

* :mod:`.scenario` — what is on screen (plan, level, data source, month, the ``adjust`` dict,
  language), the undo/redo history, to and from a small YAML file and the URL query;
* :mod:`.sources` — the data: the simulated panel (cached on disk) or the user's workbook
  through :func:`emusim.read_observations`, with its import report;
* :mod:`.controls` — the sliders and menus built from ``scheme.parameters()``;
* :mod:`.views` and :mod:`.chart` — headline, ranking chart, award table, diff against the plan;
* :mod:`.compare` — two scenarios side by side (A/B) with :func:`emusim.diff`;
* :mod:`.tasks_view` — tasks plans (KH 21): on-time share by lead unit, overdue, due soon;
* :mod:`.downloads` — the annex XLSX, the chart PNG and the brief zip through the browser;
* :mod:`.explorer` — one scheme's award page (:class:`Explorer`), :mod:`.dashboard` — the page.

``Explorer(plan, panel)`` is the award page alone (tests, notebooks); ``Dashboard()`` is the
whole page that ``notebooks/explorer.ipynb`` serves with Voilà.
"""
from .chart import ranking_rows, ranking_svg
from .explorer import Explorer, explore
from .text import TIER_COLORS, fmt_points, format_value

__all__ = ["Explorer", "explore", "Dashboard", "Scenario", "format_value", "fmt_points", "ranking_svg",
           "ranking_rows", "TIER_COLORS"]


def __getattr__(name):  # the page and its state load on first use (the award page alone stays light)
    if name == "Dashboard":
        from .dashboard import Dashboard

        return Dashboard
    if name == "Scenario":
        from .scenario import Scenario

        return Scenario
    raise AttributeError(name)
