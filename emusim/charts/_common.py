"""Small helpers shared by the chart modules (not part of the public interface)."""
from __future__ import annotations

import numpy as np
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


FIELDS = {
    "target": ("Chỉ tiêu", "Target of"), "max": ("Điểm tối đa", "Maximum of"),
    "quota": ("Số lượng tối đa", "Quota of"), "mode": ("Chế độ", "Mode of"),
    "points": ("Điểm", "Points of"), "unit": ("Điểm mỗi đơn vị", "Points per unit of"),
    "op": ("Phép so sánh", "Comparison of"), "uplift": ("Áp dụng tăng thêm", "Uplift applies to"),
    "basis": ("Cách tính", "Basis of"), "quota_individuals": ("Số cá nhân tối đa", "Individual quota of"),
}
CHOICES = {
    "attainment": ("theo mức đạt chỉ tiêu", "attainment"), "rate": ("theo tỷ lệ", "rate"),
    "threshold": ("đạt/không đạt", "threshold"), "hard": ("bắt buộc", "hard"), "soft": ("chỉ cảnh báo", "soft"),
}


def parameter_label(path: str, scheme=None, lang: str = "vi") -> str:
    """Readable name of an adjust path (``uplift.city`` → "Mức tăng thêm chỉ tiêu: phường, xã của thành phố")."""
    head, _, rest = path.partition(".")
    if head == "uplift":
        return style.pick("Mức tăng thêm chỉ tiêu: ", "Target uplift: ", lang) + style.urban_label(rest, lang).lower()
    if head in ("criteria", "gates", "groups", "awards"):
        ident, _, field = rest.rpartition(".")
        obj = None
        if scheme is not None:
            try:
                obj = {"criteria": scheme.criterion, "gates": scheme.gate, "groups": scheme.group,
                       "awards": scheme.awards.tier}[head](ident)
            except (KeyError, AttributeError):
                obj = None
        f = style.pick(*FIELDS.get(field, (field, field)), lang)
        if head == "awards" and obj is not None:
            return f"{f}: {style.label_of(obj, lang)}"
        if head == "groups":
            return f"{f} " + style.pick("nhóm ", "group ", lang) + ident + (f": {shorten(style.label_of(obj, lang), 40)}" if obj else "")
        if obj is not None:
            return f"{f} {ident}: {shorten(style.label_of(obj, lang), 44)}"
        return f"{f} {ident}"
    if path == "proportional_basis":
        return style.pick("Cách tính điểm tỷ lệ", "Proportional basis", lang)
    if path == "min_met":
        return style.pick("Số tiêu chuẩn tối thiểu phải đạt", "Minimum standards met", lang)
    return path


def parameter_value(path: str, value, lang: str = "vi") -> str:
    if isinstance(value, (int, float, np.floating)) and not isinstance(value, bool):
        if path.startswith("uplift."):
            return style.pp(value, lang)
        if path.endswith(".target"):
            return style.pct(value, lang)
        return style.num(value, lang)
    if value is None:
        return style.pick("không giới hạn", "no cap", lang)
    if isinstance(value, str) and value in CHOICES:
        return style.pick(*CHOICES[value], lang)
    return str(value)


def legend_below(ax, handles, ncol: int = 2, offset: float = -0.02):
    return ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, offset), ncol=ncol,
                     frameon=False, borderaxespad=0.0, handlelength=1.4, columnspacing=1.6,
                     bbox_transform=ax.transAxes)


def legend_top(ax, handles, ncol: int = 3):
    """A legend in one row just above the plot area (under the subtitle)."""
    return ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=ncol,
                     frameon=False, borderaxespad=0.0, handlelength=1.2, columnspacing=1.2,
                     bbox_transform=ax.transAxes)
