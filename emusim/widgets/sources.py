"""Where the page's numbers come from: the simulated panel (the default, clearly labelled) or
the user's own workbook through :func:`emusim.read_observations`, with its import report.

Simulating a province takes about a second per registry; the page would pay it on every
visit. :func:`simulated_panel` keeps each (registry, seed) panel on disk
(``$EMUSIM_CACHE``, else ``~/.cache/emusim/panels``; never the notebooks folder), keyed by
the registry file, the catalog, the calibration and the simulator's own source, so a change
to any of them simulates afresh. The cached values are memory-mapped (read-only, shared
between kernels by the OS).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE_STATUS = ROOT / "data" / "samples" / "tuyen_quang_kh21_status.csv"


def cache_dir() -> Path:
    d = os.environ.get("EMUSIM_CACHE")
    return Path(d) if d else Path.home() / ".cache" / "emusim" / "panels"


@functools.lru_cache(maxsize=8)
def cached_registry(registry_name: str) -> pd.DataFrame:
    """``emusim.load_registry(registry_name)``, kept on disk after the first (validated) read:
    checking 2,000 rows takes seconds, and the file rarely changes (the key is its content and
    the reader's source)."""
    import pickle

    from ..registry import load_registry, resolve_registry

    try:
        src = Path(resolve_registry(registry_name))
        h = hashlib.sha256(src.read_bytes() + (ROOT / "emusim" / "registry.py").read_bytes()).hexdigest()[:20]
        f = cache_dir() / f"registry-{src.stem}-{h}.pkl"
        if f.is_file():
            with open(f, "rb") as fh:
                return pickle.load(fh)
    except (OSError, ValueError, pickle.UnpicklingError, EOFError):
        f = None
    registry = load_registry(registry_name)
    if f is not None:
        try:
            _mkdir(f.parent)
            tmp = f.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(registry, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, f)
        except OSError:
            pass
    return registry


def _fingerprint(registry_name: str, seed: int) -> str:
    from ..registry import resolve_registry

    h = hashlib.sha256(f"{registry_name}|{seed}".encode())
    pkg = ROOT / "emusim"
    files = [Path(resolve_registry(registry_name)), ROOT / "data" / "indicators.yaml", ROOT / "data" / "calibration.yaml",
             *sorted(pkg.glob("simulate*.py")), *sorted((pkg / "simulate").glob("*.py")), pkg / "panel.py",
             *sorted((ROOT / "data" / "localities").glob("*.yaml"))]
    for f in files:
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:20]


@functools.lru_cache(maxsize=4)
def simulated_panel(registry_name: str, seed: int = 1):
    """``emusim.simulate(load_registry(registry_name), seed=seed)``, cached on disk (see above)."""
    from ..panel import Panel
    from ..simulate import simulate

    registry = cached_registry(registry_name)
    try:
        key = _fingerprint(registry_name, seed)
        d = cache_dir() / f"{registry_name}-seed{seed}-{key}"
        meta_file, values_file = d / "meta.json", d / "values.npy"
        if meta_file.is_file() and values_file.is_file():
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            values = np.load(values_file, mmap_mode="r")
            return Panel(values, meta["localities"], meta["periods"], meta["indicators"], registry=registry,
                         catalog=None, meta=meta["meta"])
    except (OSError, ValueError, KeyError):
        d = None
    panel = simulate(registry, seed=seed)
    if d is not None:
        try:
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=_mkdir(d.parent)))
            np.save(tmp / "values.npy", np.ascontiguousarray(panel.values))
            (tmp / "meta.json").write_text(json.dumps({
                "localities": list(panel.localities), "periods": [str(p) for p in panel.periods],
                "indicators": list(panel.indicators),
                "meta": json.loads(json.dumps(panel.meta, default=str))}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, d)   # atomic: a concurrent kernel sees all of it or none
        except OSError:
            pass
    return panel


def _mkdir(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    return d


def read_upload(content: bytes, filename: str, registry, scheme, period=None):
    """The user's workbook as a Panel (through :func:`emusim.read_observations`): written to a
    private temporary file (not the notebooks folder), read, deleted. Raises InputError."""
    from ..observations import read_observations

    base = Path(str(filename).replace("\\", "/")).name or "upload.xlsx"   # the user's name, never a path
    if not Path(base).suffix:
        base += ".xlsx"
    with tempfile.TemporaryDirectory(prefix="emusim-upload-") as tmp:
        path = Path(tmp) / base
        path.write_bytes(content)
        try:
            panel = read_observations(path, registry=registry, scheme=scheme, period=period)
        except Exception as exc:  # InputError names the temp file: name the user's file instead
            _rename_problems(exc, str(path), base)
            raise
    panel.meta["source"] = filename
    panel.meta["label"] = filename
    report = getattr(panel, "report", None)
    if report is not None and hasattr(report, "source"):
        try:
            report.source = filename
        except AttributeError:
            pass
    return panel


def _rename_problems(exc: Exception, temp: str, name: str) -> None:
    """Problems name the user's file, not the private temporary copy."""
    import dataclasses

    problems = getattr(exc, "problems", None)
    if not problems:
        return
    folder = str(Path(temp).parent)
    out = []
    for p in problems:
        f = getattr(p, "file", None)
        if isinstance(f, str) and f.startswith(folder) and dataclasses.is_dataclass(p):
            p = dataclasses.replace(p, file=name)
        out.append(p)
    try:
        exc.problems = out
        exc.args = (str(exc),)
    except AttributeError:
        pass


def report_html(panel, lang: str | None = None) -> str:
    """The import report of an uploaded panel (``panel.report``, when the reader gives one) in
    ``lang``, written in NFC (Chromium draws the decomposed diacritics of a monospace font
    detached from their letters) with the page's own font; the coverage table with its
    headers in ``lang`` and the catalog's label of each indicator (its id in the tooltip)."""
    import html
    import unicodedata

    from ..i18n import check_lang, fmt_percent
    from .text import _t

    lang = check_lang(lang)
    report = getattr(panel, "report", None)
    if report is None or not hasattr(report, "text"):
        return ""
    nfc = lambda x: unicodedata.normalize("NFC", str(x))  # noqa: E731
    lines = nfc(report.text(lang, detail=True)).splitlines()
    body = "<br>".join(html.escape(line).replace("  ", "&nbsp;&nbsp;") for line in lines)
    cov = getattr(report, "coverage", None)
    table = ""
    if cov is not None and len(cov):
        cat = _catalog()
        cols = [c for c in ("units", "values", "not_applicable", "missing", "coverage") if c in cov.columns]
        head = "".join(f"<th>{html.escape(_t('cov_' + c, lang))}</th>" for c in ["indicator"] + cols)
        rows = []
        for ind, r in cov.iterrows():
            label = cat.label(ind, lang) if cat is not None and ind in cat else ind
            cells = "".join(f"<td class='num'>{html.escape(fmt_percent(r[c], lang) if c == 'coverage' else str(int(r[c])))}</td>"
                            for c in cols)
            rows.append(f"<tr><td title='{html.escape(str(ind))}'>{html.escape(nfc(label))}</td>{cells}</tr>")
        table = f"<table class='emusim-aw'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f"<div class='emusim-x'><div class='box emusim-import-report'>{body}</div>{table}</div>"


def _catalog():
    from ..catalog import load_catalog

    try:
        return load_catalog()
    except Exception:  # noqa: BLE001 - the ids are shown instead
        return None


def template_writer():
    """``es.write_template`` when this version has it (else None: the button is hidden)."""
    try:
        from .. import write_template  # type: ignore[attr-defined]
    except ImportError:
        return None
    return write_template


def template_bytes(scheme, registry, filename: str) -> bytes:
    """The blank data-entry template for ``scheme`` as bytes (written in a temporary folder)."""
    write = template_writer()
    with tempfile.TemporaryDirectory(prefix="emusim-template-") as tmp:
        path = Path(tmp) / filename
        out = write(scheme, registry, path)
        return Path(out if out is not None else path).read_bytes()


def status_from_upload(content: bytes, filename: str) -> pd.DataFrame:
    """A task-status table the user uploaded (CSV or XLSX) as a DataFrame of text."""
    import io

    if Path(filename).suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(io.BytesIO(content), dtype=str).fillna("")
    return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")
