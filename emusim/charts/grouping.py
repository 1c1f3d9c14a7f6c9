"""Who wins under each nomination grouping, by former district (the after-the-merger study)."""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch

from ..i18n import t
from . import style
from ._common import legend_below

_COLORS = {"former_district": "#1f4e79", "cluster": "#e0a31a", "province": "#57a773", "parent": "#b4436c"}


@style.styled
def grouping(study, *, lang: str | None = None, source: str | None = None, title: str | None = None,
             subtitle: str | None = None):
    """Bars of awards per former district, one bar per grouping (:func:`emusim.analysis.grouping.grouping_study`).

    Reads ``study.awards`` (``former_district`` and ``award.<grouping>`` columns).
    """
    aw = study.awards
    groupings = [c.split(".", 1)[1] for c in aw.columns if c.startswith("award.")]
    counts = {g: aw[f"award.{g}"].notna().groupby(aw["former_district"]).sum() for g in groupings}
    districts = sorted(set(aw["former_district"].dropna()), key=lambda d: (-sum(counts[g].get(d, 0) for g in groupings), d))
    n, k = len(districts), len(groupings)
    fig = style.new_figure(1.9 + n * 0.36)
    ax = fig.add_subplot()
    style.style_axis(ax, "x")
    h = 0.8 / k
    for j, g in enumerate(groupings):
        vals = [int(counts[g].get(d, 0)) for d in districts]
        ys = np.arange(n) + (j - (k - 1) / 2) * h
        ax.barh(ys, vals, height=h * 0.9, color=_COLORS.get(g, style.MUTED))
        for y, v in zip(ys, vals):
            if v:
                ax.text(v + 0.05, y, str(v), va="center", fontsize=7, color=style.MUTED)
    ax.set_yticks(range(n), [style.nfc(t("clusters.name_former_district", lang, name=d)) for d in districts])
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0, labelsize=8)
    ax.set_xlabel(t("grouping.axis_awards", lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    handles = [Patch(color=_COLORS.get(g, style.MUTED), label=t(f"grouping.group_{g}", lang)) for g in groupings]
    legend_below(ax, handles, ncol=k, offset=-0.35 / (1.9 + n * 0.36) - 0.04)
    title = title or t("grouping.chart_title", lang)
    subtitle = subtitle if subtitle is not None else t("grouping.chart_subtitle", lang, n=len(study.changes))
    notes = " ".join(study.assumptions)
    return style.finish(fig, title, subtitle, source or (notes + " " + style.default_source(study.scheme, lang)).strip())
