"""What the award page shows, drawn from an :class:`~emusim.widgets.explorer.Explorer`'s state:
the title and headline (units, eligible, nominated, awards, gains and losses), the ranking
chart, the diff against the plan as written and the award table (mixin of the Explorer)."""
from __future__ import annotations

import math

import pandas as pd

from .chart import ranking_svg
from ..allocate import reason_text as _reason_text, reasons as _reasons
from ..i18n.paths import describe_setting
from .text import TIER_COLORS, _esc, _t, fmt_points, tier_short, urban_label


def data_label(panel, seed, lang: str) -> tuple[str, bool]:
    """What the data is, for the page's subtitle, and whether it is simulated.

    >>> data_label(None, 1, "vi")
    ('dữ liệu mô phỏng (seed 1) — không phải số liệu thật', True)
    """
    meta = getattr(panel, "meta", {}) or {}
    if meta.get("source"):
        from pathlib import Path

        return _t("data_file", lang, source=meta.get("label") or Path(str(meta["source"])).name), False
    return _t("data_simulated", lang, seed=str(meta.get("seed", seed if seed is not None else 1))), True


def setting_chip(path: str, value, scheme, lang: str) -> str:
    """An adjustment as the page shows it: the plan's wording, then the path itself
    ("Mức nâng chỉ tiêu — phường, xã của thành phố: +30 điểm % (uplift.city=0.3)")."""
    return f"<span class='chip'>{_esc(describe_setting(path, value, scheme, lang))}</span>"


class ViewsMixin:
    def _tier_label(self, tier_id, short: bool = True) -> str:
        if tier_id is None or (isinstance(tier_id, float) and math.isnan(tier_id)):
            return ""
        try:
            t = self.scheme.awards.tier(tier_id)
        except KeyError:
            return str(tier_id)
        if short:
            return tier_short(t, self.lang)
        return (t.label_en if self.lang == "en" else t.label) or t.id

    def _render(self) -> None:
        self._render_head()
        self._render_chart()
        self._render_diff()
        self._render_table()
        self._w_cli.value = self._cli_html()

    def _cli_html(self, out=None) -> str:
        return f"<div class='emusim-x'><div class='emusim-cli'>{_esc(self.cli_command(out=out))}</div></div>"

    def title_html(self) -> str:
        L = self.lang
        s = self.scheme
        title = (self.plan.title_en if L == "en" and self.plan.title_en else self.plan.title) or self.plan.id
        level = (s.label_en if L == "en" and s.label_en else s.label) or self.level
        data, simulated = data_label(self.panel, self._seed, L)
        data = f"<span class='sim'>{_esc(data)}</span>" if simulated else _esc(data)
        month = pd.Period(self.period, freq="M").strftime("%m/%Y") if self.period else ""
        return (f"<div class='emusim-x'><h2>{_esc(self.plan.province)} — {_esc(level)} — {_esc(month)}</h2>"
                f"<div class='sub emusim-data-label'>{_esc(self.plan.document)}: {_esc(title)} · {data}</div></div>")

    def _render_head(self) -> None:
        L = self.lang
        aw = self._award_table
        self._w_title.value = self.title_html()
        given = aw.attrs.get("awards_given", {})
        tiers = "; ".join(f"<b>{_esc(self._tier_label(t))}</b>: {n}" for t, n in given.items())
        n_gain, n_loss = len(self.gains), len(self.losses)
        n_tier = int((self.diff["change"] == "tier").sum()) if len(self.diff) else 0
        diff = ""
        if self._changes:
            diff = (f" · <span class='gain'>+{n_gain}</span> / <span class='loss'>−{n_loss}</span>"
                    + (f" / <span class='tierc'>◆{n_tier}</span>" if n_tier else "") + " " + _t("vs_plan", L))
        err = f"<div class='err'>⚠ {_esc(self.error)}</div>" if self.error else ""
        self._w_head.value = (
            f"<div class='emusim-x'><div class='head'>{len(aw)} {_t('units', L)} · "
            f"{int(aw['eligible'].sum())} {_t('eligible', L)} · {int(aw['nominated'].sum())} {_t('nominated', L)}"
            f" · {tiers}{diff}</div>{err}</div>")

    def _render_chart(self) -> None:
        self._w_chart.value = self.chart_svg()

    def chart_svg(self) -> str:
        """The ranking chart as the dashboard shows it (inline SVG)."""
        changes = dict(zip(self.diff.index, self.diff["change"])) if len(self.diff) else {}
        return ranking_svg(self._award_table, self.scheme, self.lang, self.top, changes=changes)

    def figure(self, **kw):
        """The ranking chart of the current scenario as a matplotlib Figure in the briefing
        house style (:func:`emusim.charts.ranking`), e.g. ``ex.figure().savefig("x.png")``."""
        from .. import charts

        kw.setdefault("title", self._chart_title())
        return charts.ranking(self._award_table, self.scheme, self.score_table, top=self.top, lang=self.lang, **kw)

    def _chart_title(self) -> str:
        level = (self.scheme.label_en if self.lang == "en" else self.scheme.label) or self.level
        return f"{self.plan.province} — {level} — {self.period or ''}"

    def diff_html(self) -> str:
        L = self.lang
        parts = [f"<h3>{_t('diff_title', L)}</h3>"]
        if not self._changes:
            parts.append(f"<div>{_t('no_change', L)}</div>")
        else:
            chips = " ".join(setting_chip(p, v, self.base_scheme, L) for p, v in self._changes.items())
            parts.append(f"<div>{_t('adjusted', L)}: {chips}</div>")
            d = self.diff
            if not len(d):
                parts.append(f"<div style='margin-top:6px'>{_t('same_awards', L)}</div>")
            for kind, key, cls in (("gain", "gains", "gain"), ("loss", "losses", "loss"), ("tier", "tier_changes", "tierc")):
                sub = d[d["change"] == kind]
                if not len(sub):
                    continue
                parts.append(f"<div style='margin-top:6px'><span class='{cls}'>{_t(key, L)} ({len(sub)})</span>"
                             "<ul style='margin:2px 0 0 0; padding-left:18px'>")
                for lid, r in sub.iterrows():
                    name = _esc(r.get("name", lid))
                    parent = (f" <span style='color:#6a7a8c'>({_esc(r.get('parent_name', ''))})</span>"
                              if r.get("parent_name") else "")
                    if kind == "gain":
                        what = f"→ {_esc(self._tier_label(r['award']))}"
                    elif kind == "loss":
                        why = (_reason_text(r.get("reason_code"), r.get("reason_params"), self.scheme, L)
                               if r.get("reason_code") else str(r["reason"]))
                        what = (f"{_esc(self._tier_label(r['baseline_award']))} → ∅ "
                                f"<span style='color:#6a7a8c'>({_esc(why)})</span>")
                    else:
                        what = f"{_esc(self._tier_label(r['baseline_award']))} → {_esc(self._tier_label(r['award']))}"
                    parts.append(f"<li>{name}{parent} {what}</li>")
                parts.append("</ul></div>")
        return f"<div class='emusim-x'><div class='box'>{''.join(parts)}</div></div>"

    def _render_diff(self) -> None:
        self._w_diff.value = self.diff_html()

    def _render_table(self) -> None:
        self._w_table.value = self.table_html(self._w_show.value if self.widget is not None else "all")

    def table_html(self, show: str = "all") -> str:
        """The award table as styled HTML (what the dashboard shows)."""
        L = self.lang
        aw = self._award_table.sort_values("rank")
        if show == "awarded":
            aw = aw[aw["award"].notna()]
        elif show == "changed":
            aw = aw[aw["change"] != ""]
        elif show == "eligible":
            aw = aw[aw["eligible"]]
        tiers = [t.id for t in self.scheme.awards.allocated_tiers]
        tier_idx = {t: i for i, t in enumerate(tiers)}
        total_key = "total" if self.scheme.kind == "points" else "total_std"
        heads = [("rank", "num"), ("unit", ""), ("parent", ""), ("class", ""), (total_key, "num"), ("award", ""),
                 ("change", ""), ("failed", ""), ("reason", "")]
        out = ["<div class='emusim-x'><div class='emusim-scroll'><table class='emusim-aw'><thead><tr>"]
        out += [f"<th>{_t(k, L)}</th>" for k, _ in heads]
        out.append("</tr></thead><tbody>")
        names = aw["name"].tolist() if "name" in aw else list(aw.index)
        chg_text = {"gain": _t("gain", L), "loss": _t("loss", L), "tier": _t("tier_change", L)}
        soft = f"({_t('soft', L)})"
        for lid, name, award, rank, total, ucls, parent, failed, reason, chg in zip(
                aw.index, names, aw["award"], aw["rank"], aw["total"], aw.get("urban_class", [""] * len(aw)),
                aw["parent_name"], aw["failed_gates"],
                _reasons(aw, self.scheme, L) if "reason_code" in aw else aw["reason"], aw["change"]):
            cls = []
            if award is not None and award in tier_idx:
                cls.append(f"t{tier_idx[award]}")
            if chg:
                cls.append("row-" + chg)
            badge = ""
            if award is not None:
                color = TIER_COLORS[tier_idx.get(award, 0) % len(TIER_COLORS)]
                badge = f"<span class='badge' style='background:{color}'>{_esc(self._tier_label(award))}</span>"
            out.append(
                f"<tr class='{' '.join(cls)}' data-id='{_esc(lid)}'><td class='num'>{int(rank)}</td><td>{_esc(name)}</td>"
                f"<td class='par'>{_esc(parent)}</td><td>{_esc(urban_label(ucls, L))}</td>"
                f"<td class='num'>{fmt_points(float(total), L)}</td><td>{badge}</td>"
                f"<td class='chg'>{chg_text.get(chg, '')}</td>"
                f"<td class='fail'>{_esc(failed.replace('(soft)', soft))}</td>"
                f"<td class='why'>{_esc(reason if isinstance(reason, str) else '')}</td></tr>")
        out.append("</tbody></table></div></div>")
        return "".join(out)
