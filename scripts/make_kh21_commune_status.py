"""Write data/samples/tuyen_quang_kh21_status_communes.csv: a SYNTHETIC per-commune KH 21 status file.

It is the sample status file (data/samples/tuyen_quang_kh21_status.csv) with the aggregate
"UBND cấp xã" rows replaced by one row per commune of merged Tuyên Quang (registry
``tuyen_quang_2025``, 124 xã and phường) for the two dated tasks the communes lead:
1.6 ("Hoàn thành trong tháng 07/2025") and 6.6 ("Hoàn thành trong tháng 06/2025 và duy trì
thường xuyên", with its monthly upkeep reports 2025-08 … 2025-11). Completion dates are
drawn with a fixed seed (about 60 % on time, 25 % late, 15 % not done; upkeep reports 80 %
by the 8th, 10 % late, 10 % missing). Every value is made up. Deterministic.

    python scripts/make_kh21_commune_status.py
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "tuyen_quang_kh21_status.csv"
OUT = ROOT / "data" / "samples" / "tuyen_quang_kh21_status_communes.csv"


def _done(rng, deadline: dt.date, on_time=0.60, late=0.25) -> str:
    u = rng.random()
    if u < on_time:
        return (deadline - dt.timedelta(days=int(rng.integers(0, 25)))).isoformat()
    if u < on_time + late:
        return (deadline + dt.timedelta(days=int(rng.integers(1, 60)))).isoformat()
    return ""


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from emusim.registry import load_registry

    reg = load_registry("tuyen_quang_2025")
    communes = reg[reg["level"] == "commune"]
    base = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    base = base[base["unit"] != "UBND cấp xã"]
    rng = np.random.default_rng(21_2025)
    rows = []
    for lid, r in communes.iterrows():
        unit = r["name"]
        rows.append({"task_id": "1.6", "unit": unit, "period": "", "completed_on": _done(rng, dt.date(2025, 7, 31))})
        rows.append({"task_id": "6.6", "unit": unit, "period": "", "completed_on": _done(rng, dt.date(2025, 6, 30))})
        for month in range(8, 12):
            u = rng.random()
            day = int(rng.integers(1, 9)) if u < 0.8 else int(rng.integers(9, 20)) if u < 0.9 else None
            rows.append({"task_id": "6.6", "unit": unit, "period": f"2025-{month:02d}",
                         "completed_on": dt.date(2025, month, day).isoformat() if day else ""})
    out = pd.concat([base, pd.DataFrame(rows)], ignore_index=True)
    out.to_csv(OUT, index=False, encoding="utf-8")
    print(f"wrote {len(out)} rows ({len(communes)} communes) to {OUT}")


if __name__ == "__main__":
    main()
