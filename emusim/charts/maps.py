"""A point map of communes on lat/lon coloured by award (no basemap: district hulls and labels)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

from ..i18n import t
from . import style
from ._common import legend_below, tier_ids


def _hull(points: np.ndarray) -> np.ndarray | None:
    if len(points) < 3:
        return None
    try:
        from scipy.spatial import ConvexHull

        h = ConvexHull(points)
        return points[h.vertices]
    except Exception:  # noqa: BLE001 - collinear points: no hull
        return None


def _strip(name: str) -> str:
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Quận "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


@style.styled
def award_map(award_table: pd.DataFrame, registry: pd.DataFrame, scheme=None, *, label_awarded: bool = True,
              hulls: bool = True, lang: str | None = None, source: str | None = None, title: str | None = None,
              subtitle: str | None = None):
    """Communes as points on longitude/latitude, coloured by award.

    ``award_table`` (index locality_id): ``award`` (tier id or None), ``eligible``; optional
    ``name``. ``registry`` (:func:`emusim.load_registry`): ``lat``, ``lon``, ``parent_id``,
    ``name``, optionally ``coords_synthetic``. Districts are drawn as the convex hull of their
    communes' points (an approximation, not a boundary) with their name at the centroid.
    Equal-area aspect (1/cos latitude), north up.
    """
    aw = award_table
    reg = registry.reindex(aw.index.astype(str))
    lat = reg["lat"].to_numpy(dtype=float)
    lon = reg["lon"].to_numpy(dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    tiers = tier_ids(scheme, aw["award"])
    cmap = style.tier_colors(tiers)
    lat0 = float(np.nanmean(lat[ok])) if ok.any() else 0.0
    aspect = 1.0 / np.cos(np.radians(lat0))
    dx = np.nanmax(lon[ok]) - np.nanmin(lon[ok]) if ok.any() else 1
    dy = np.nanmax(lat[ok]) - np.nanmin(lat[ok]) if ok.any() else 1
    height = min(9.0, max(4.5, 6.4 * dy * aspect / max(dx, 1e-6) + 1.6))
    fig = style.new_figure(height)
    ax = fig.add_subplot()
    pastel = ("#f3f6f9", "#eaf0f5")
    if hulls and "parent_id" in reg:
        parents = reg["parent_id"].astype(str)
        for k, (p, idx) in enumerate(parents.groupby(parents).groups.items()):
            pts = np.column_stack([reg.loc[idx, "lon"].to_numpy(dtype=float), reg.loc[idx, "lat"].to_numpy(dtype=float)])
            pts = pts[np.isfinite(pts).all(axis=1)]
            h = _hull(pts)
            if h is not None:
                ax.add_patch(Polygon(h, closed=True, facecolor=pastel[k % 2], edgecolor="#aab4be", linewidth=0.7,
                                     linestyle=(0, (3, 2)), zorder=0))
            if len(pts):
                name = registry["name"].get(p, p) if "name" in registry else p
                cx, cy = pts.mean(axis=0)
                ax.text(cx, cy, _strip(style.nfc(name)).upper(), ha="center", va="center", fontsize=7,
                        color="#8794a1", fontweight="bold", zorder=1, alpha=0.9)
    award = aw["award"]
    elig = aw["eligible"].astype(bool).to_numpy()
    won = award.map(lambda a: isinstance(a, str)).to_numpy()
    m0 = ok & ~elig & ~won
    m1 = ok & elig & ~won
    ax.scatter(lon[m0], lat[m0], s=10, color="#c4ccd4", edgecolor="none", zorder=2)
    ax.scatter(lon[m1], lat[m1], s=22, color=style.ELIGIBLE, edgecolor="white", linewidth=0.4, zorder=3)
    handles = []
    for tier in reversed(tiers):
        m = ok & (award.to_numpy() == tier)
        ax.scatter(lon[m], lat[m], s=70 if tier == tiers[0] else 48, color=cmap[tier], edgecolor=style.INK, linewidth=0.6,
                   zorder=5, marker="*" if tier == tiers[0] else "o")
    for tier in tiers:
        first = tier == tiers[0]
        handles.append(Line2D([], [], linestyle="", marker="*" if first else "o", markersize=10 if first else 7,
                              markerfacecolor=cmap[tier], markeredgecolor=style.INK, label=style.tier_label(scheme, tier, lang)))
    handles.append(Line2D([], [], linestyle="", marker="o", markersize=5, markerfacecolor=style.ELIGIBLE, markeredgecolor="white",
                          label=t("charts.legend_no_award", lang)))
    std = scheme is not None and scheme.kind == "standards"
    handles.append(Line2D([], [], linestyle="", marker="o", markersize=4, markerfacecolor="#c4ccd4", markeredgecolor="none",
                          label=t("charts.legend_not_eligible_std" if std else "charts.legend_not_eligible", lang)))
    if label_awarded:
        names = aw["name"] if "name" in aw.columns else reg["name"]
        for i in np.flatnonzero(ok & won):
            ax.annotate(style.nfc(names.iloc[i]), (lon[i], lat[i]), xytext=(5, 4), textcoords="offset points", fontsize=7,
                        color=style.INK, zorder=6,
                        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.75))
    ax.set_aspect(aspect)
    pad = 0.04 * max(dx, dy)
    ax.set_xlim(np.nanmin(lon[ok]) - pad, np.nanmax(lon[ok]) + pad)
    ax.set_ylim(np.nanmin(lat[ok]) - pad, np.nanmax(lat[ok]) + pad)
    ax.set_xlabel(t("charts.map_lon", lang))
    ax.set_ylabel(t("charts.map_lat", lang))
    ax.xaxis.set_major_formatter(style.number_formatter(lang, 2))
    ax.yaxis.set_major_formatter(style.number_formatter(lang, 2))
    ax.tick_params(labelsize=7.5)
    for s in ("top", "right"):
        ax.spines[s].set_visible(True)
    # north arrow and a 10 km scale bar
    ax.annotate(t("charts.map_north", lang), xy=(0.965, 0.97), xytext=(0.965, 0.88), xycoords="axes fraction",
                ha="center", va="center", fontsize=9, fontweight="bold",
                arrowprops=dict(arrowstyle="-|>", color=style.INK, linewidth=1.2))
    km = 10.0
    deg = km / (111.32 * np.cos(np.radians(lat0)))
    x0 = ax.get_xlim()[0] + 0.04 * (ax.get_xlim()[1] - ax.get_xlim()[0])
    y0 = ax.get_ylim()[0] + 0.04 * (ax.get_ylim()[1] - ax.get_ylim()[0])
    ax.plot([x0, x0 + deg], [y0, y0], color=style.INK, linewidth=2, solid_capstyle="butt")
    ax.text(x0 + deg / 2, y0, t("charts.map_scale", lang, km=int(km)) + "\n", ha="center", va="bottom", fontsize=7)
    legend_below(ax, handles, ncol=2, offset=-0.09)
    synthetic = bool(reg.get("coords_synthetic", pd.Series(False, index=reg.index)).fillna(False).astype(bool).any())
    title = title or t("charts.map_title", lang)
    if subtitle is None:
        subtitle = t("charts.map_subtitle", lang) + (t("charts.map_synthetic", lang) if synthetic else "")
    return style.finish(fig, title, subtitle, source or style.default_source(scheme, lang))
