"""The import report (stage 5 of the reading flow): what was read, how, and what is missing.

``panel.report`` after :func:`emusim.read_observations`: rows read and skipped (and why), how
each unit matched (code, code with its zeros restored, exact name, normalised name, former
name), how each column mapped (indicator id, criterion id, label; unmapped columns listed,
never guessed), and **coverage**: per indicator and per unit, what is there and what is not.
Below 65 % coverage of an indicator the scheme needs it warns — the rule of thumb of the JRC
COIN composite-indicator tool ("Missing data … indicators with less than 65 % coverage").
"""
from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..i18n import Message, check_lang, fmt_month, fmt_percent, t

COVERAGE_WARNING = 0.65


@dataclass
class ImportReport:
    """What :func:`emusim.read_observations` did with a file."""

    source: str
    sheet: str | None = None
    encoding: str | None = None
    layout: str = "wide"
    header_row: int | None = None
    numbering_row: int | None = None
    period: str | None = None
    period_from: str | None = None           # argument | column | title | title_year
    rows_read: int = 0
    skipped: list[tuple[int, str, str]] = field(default_factory=list)    # (row, reason, text)
    units: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, as written, id, how)
    columns: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # (column, header, indicator, how)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    unit_coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[Message] = field(default_factory=list)

    # -------------------------------------------------------------- recording
    def row_read(self) -> None:
        self.rows_read += 1

    def skip(self, row: int, reason: str, text: str = "") -> None:
        self.skipped.append((row, reason, text))

    def unit(self, row: int, raw, lid: str, how: str) -> None:
        self.units.append((row, str(raw).strip(), lid, how))

    def warn(self, key: str, **values) -> None:
        self.warnings.append(Message(f"observations.{key}", **values))

    @property
    def unmapped(self) -> list[str]:
        return [h for _, h, ind, how in self.columns if how in ("unmapped",)]

    # -------------------------------------------------------------- coverage
    def compute_coverage(self, panel, needed, level_ids) -> None:
        """Coverage at the report's period of ``needed`` indicators over ``level_ids``."""
        if self.period is None or not len(panel.periods):
            return
        try:
            t_ = int(panel.periods.get_loc(pd.Period(self.period, freq="M")))
        except KeyError:
            return
        ids = [i for i in level_ids if i in panel._loc_pos]
        rows = [panel._loc_pos[i] for i in ids]
        inds = [i for i in needed]
        have = np.zeros((len(rows), len(inds)), dtype=bool)
        na = np.zeros_like(have)
        for j, ind in enumerate(inds):
            if ind in panel._ind_pos:
                col = panel.values[rows, t_, panel._ind_pos[ind]]
                have[:, j] = ~np.isnan(col)
                if panel.not_applicable is not None:
                    na[:, j] = panel.not_applicable[rows, t_, panel._ind_pos[ind]]
        covered = have | na
        n = max(len(rows), 1)
        self.coverage = pd.DataFrame({
            "units": len(rows), "values": have.sum(axis=0), "not_applicable": na.sum(axis=0),
            "missing": (~covered).sum(axis=0), "coverage": covered.sum(axis=0) / n,
        }, index=pd.Index(inds, name="indicator"))
        self.unit_coverage = pd.DataFrame({
            "values": have.sum(axis=1), "not_applicable": na.sum(axis=1), "missing": (~covered).sum(axis=1),
            "coverage": covered.sum(axis=1) / max(len(inds), 1),
            "missing_indicators": [", ".join(ind for ind, c in zip(inds, row) if not c) for row in covered],
        }, index=pd.Index(ids, name="locality_id"))
        for ind, cov in self.coverage["coverage"].items():
            if cov < COVERAGE_WARNING:
                self.warn("low_coverage", indicator=ind, percent=round(100.0 * float(cov), 1))

    # -------------------------------------------------------------- display
    def how_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, _, _, how in self.units:
            out[how] = out.get(how, 0) + 1
        return out

    def text(self, lang: str | None = None, detail: bool = False) -> str:
        """The report as plain text (what the command line prints); ``detail`` lists every column."""
        lang = check_lang(lang)
        lines = [t("observations.report_title", lang, source=self.source)]
        if self.sheet:
            lines.append("  " + t("observations.report_sheet", lang, sheet=self.sheet))
        if self.encoding:
            lines.append("  " + t("observations.report_encoding", lang, encoding=self.encoding))
        lines.append("  " + t("observations.report_layout", lang, layout=t(f"observations.layout_{self.layout}", lang),
                              row=self.header_row or 1))
        if self.numbering_row:
            lines.append("  " + t("observations.report_numbering", lang, row=self.numbering_row))
        if self.period:
            lines.append("  " + t("observations.report_period", lang, period=fmt_month(self.period, lang),
                                  how=t(f"observations.period_from_{self.period_from}", lang)))
        lines.append("  " + t("observations.report_rows", lang, read=self.rows_read, skipped=len(self.skipped)))
        for row, reason, text in self.skipped[:20]:
            lines.append("    " + t("observations.report_skipped", lang, row=row,
                                    reason=t(f"observations.skip_{reason}", lang), text=text))
        counts = self.how_counts()
        if counts:
            parts = ", ".join(f"{n} {t(f'observations.how_{how}', lang)}" for how, n in counts.items())
            lines.append("  " + t("observations.report_units", lang, n=len(self.units), how=parts))
            for row, raw, lid, how in self.units:
                if how not in ("code", "exact_name"):
                    lines.append(f"    {row}: '{raw}' → {lid} ({t(f'observations.how_{how}', lang)})")
        mapped = [c for c in self.columns if c[2]]
        by_how: dict[str, int] = {}
        for c in mapped:
            by_how[c[3]] = by_how.get(c[3], 0) + 1
        lines.append("  " + t("observations.report_columns", lang, n=len(mapped)) + " "
                     + ", ".join(f"{n} {t(f'observations.map_{how}', lang)}" for how, n in by_how.items()))
        for col, header, ind, how in self.columns:
            if ind and how != "id" and detail:
                lines.append(f"    {col} '{_short(header)}' → {ind} ({t(f'observations.map_{how}', lang)})")
            elif not ind:
                lines.append(f"    {col} '{_short(header)}': {t(f'observations.map_{how}', lang)}")
        if len(self.coverage):
            low = self.coverage[self.coverage["coverage"] < 1.0]
            lines.append("  " + t("observations.report_coverage", lang, n=len(self.coverage),
                                  full=int((self.coverage["coverage"] >= 1.0).sum())))
            for ind, r in low.iterrows():
                lines.append(f"    {ind}: {fmt_percent(r['coverage'], lang)} "
                             f"({int(r['missing'])}/{int(r['units'])} {t('observations.missing_word', lang)})")
        for w in self.warnings:
            lines.append("  ! " + w.text(lang))
        # a Windows-1258 file writes tone marks as combining characters: composed (NFC) here, so
        # quoted headers and names show "Lũng Cú", not a letter with a detached mark
        return unicodedata.normalize("NFC", "\n".join(lines))

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        body = "<br>".join(html.escape(line).replace("  ", "&nbsp;&nbsp;")
                           for line in self.text(detail=True).splitlines())
        cov = ""
        if len(self.coverage):
            table = self.coverage.copy()
            table["coverage"] = table["coverage"].map(lambda v: fmt_percent(v))
            cov = table.to_html(border=0)
        return f"<div style='font-family:monospace'>{body}</div>{cov}"


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"
