"""Small helpers shared by the chart modules (not part of the public interface)."""
from __future__ import annotations

import pandas as pd

from . import style


def tier_ids(scheme=None, awards: pd.Series | None = None) -> list[str]:
    """Award tiers in order of precedence: the scheme's allocated tiers, else order of appearance."""
    if scheme is not None:
        ids = [t.id for t in scheme.awards.allocated_tiers]
        if awards is not None:
            extra = [a for a in pd.unique(awards.dropna()) if a not in ids]
            ids += list(extra)
        return ids
    if awards is None:
        return []
    return [a for a in pd.unique(awards.dropna())]


def award_colors(awards: pd.Series, eligible: pd.Series | None, tiers: list[str]) -> list[str]:
    cmap = style.tier_colors(tiers)
    out = []
    for i, a in enumerate(awards.to_numpy()):
        if a is not None and a == a and a in cmap:
            out.append(cmap[a])
        elif eligible is not None and not bool(eligible.iloc[i]):
            out.append(style.INELIGIBLE)
        else:
            out.append(style.ELIGIBLE)
    return out


def names_for(index, table: pd.DataFrame | None = None, names=None) -> list[str]:
    """Display names for locality ids: ``names`` mapping, else the table's ``name`` column, else the id."""
    out = []
    for i in index:
        n = None
        if names is not None:
            n = names.get(i) if hasattr(names, "get") else None
        if n is None and table is not None and "name" in table.columns and i in table.index:
            n = table.at[i, "name"]
        out.append(style.nfc(n if isinstance(n, str) and n else i))
    return out


def shorten(text: str, n: int = 48) -> str:
    text = style.nfc(" ".join(str(text).split()))
    return text if len(text) <= n else text[: n - 1].rstrip(" ,;:-") + "…"


def wrap(text: str, n: int = 28) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(style.nfc(text), n)) or ""


def parameter_label(path: str, scheme=None, lang: str | None = None) -> str:
    """Readable name of an adjust path, in the plan's wording (one mechanism: :mod:`emusim.i18n.paths`)."""
    from ..i18n.paths import path_label

    return path_label(path, scheme, lang)


def parameter_value(path: str, value, lang: str | None = None) -> str:
    """A path's value the reader's way (:func:`emusim.i18n.paths.path_value`)."""
    from ..i18n.paths import path_value

    return path_value(path, value, lang)


def legend_below(ax, handles, ncol: int = 2, offset: float = -0.02):
    return ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, offset), ncol=ncol,
                     frameon=False, borderaxespad=0.0, handlelength=1.4, columnspacing=1.6,
                     bbox_transform=ax.transAxes)


def legend_top(ax, handles, ncol: int = 3):
    """A legend in one row just above the plot area (under the subtitle)."""
    return ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=ncol,
                     frameon=False, borderaxespad=0.0, handlelength=1.2, columnspacing=1.2,
                     bbox_transform=ax.transAxes)
