"""``make bench``: run every benchmark in one process, print one table, write RESULTS.md.

Each ``benchmarks/bench_*.py`` exposes ``run() -> list[dict]`` with keys figure, value,
target, ratio (and optionally ok: bool). Figures are ratios measured in one run on this
machine, never timed tests.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def machine() -> str:
    try:
        import numpy
        import pandas
        libs = f"numpy {numpy.__version__}, pandas {pandas.__version__}"
    except ImportError:  # pragma: no cover
        libs = ""
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            kb = int(fh.readline().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    return (f"{os.cpu_count()} cores ({cpu}){mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; {libs}")


def normalise(rows: list[dict]) -> list[dict]:
    """Rows with a separate ``unit`` get it folded into value and target; a numeric value with
    a numeric target gets ``ok`` (value ≤ target) when the bench did not say."""
    out = []
    for r in rows:
        r = dict(r)
        unit = r.pop("unit", None)
        value, target = r.get("value"), r.get("target")
        if "ok" not in r and isinstance(value, (int, float)) and isinstance(target, (int, float)):
            r["ok"] = value <= target
        if unit:
            if isinstance(value, float):
                value = f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
            r["value"] = f"{value} {unit}"
            r["target"] = f"≤ {target} {unit}" if isinstance(target, (int, float)) else (target or "")
        if r.get("ratio") is None:
            r["ratio"] = ""
        elif isinstance(r["ratio"], float):
            r["ratio"] = f"{r['ratio']:.3f}"
        out.append(r)
    return out


def print_table(rows: list[dict]) -> str:
    rows = normalise(rows)
    cols = ["figure", "value", "target", "ratio"]
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in cols}
    lines = [" | ".join(c.ljust(widths[c]) for c in cols), "-+-".join("-" * widths[c] for c in cols)]
    for r in rows:
        mark = "" if r.get("ok", True) else "  ← target missed"
        lines.append(" | ".join(str(r.get(c, "")).ljust(widths[c]) for c in cols) + mark)
    text = "\n".join(lines)
    print(text)
    return text


def main() -> int:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if len(sys.argv) > 1:
        names = [n for n in names if any(a in n for a in sys.argv[1:])]
    all_rows, sections = [], []
    for name in names:
        print(f"\n== {name}", flush=True)
        rows = normalise(importlib.import_module(name).run())
        print_table(rows)
        all_rows += rows
        sections.append((name, rows))
    md = ["# Benchmark results", "", f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on: {machine()}", "",
          "Ratios are measured in one run (`make bench`); see each `benchmarks/bench_*.py` for the method.", ""]
    for name, rows in sections:
        md += [f"## {name}", "", "| figure | value | target | ratio |", "|---|---|---|---|"]
        md += [f"| {r.get('figure', '')} | {r.get('value', '')} | {r.get('target', '')} | {r.get('ratio', '')}"
               f"{'' if r.get('ok', True) else ' **missed**'} |" for r in rows]
        md.append("")
    (HERE / "RESULTS.md").write_text("\n".join(md), encoding="utf-8")
    missed = [r["figure"] for r in all_rows if r.get("ok") is False]
    print(f"\nwrote {HERE / 'RESULTS.md'}" + (f"; targets missed: {missed}" if missed else "; every target met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
