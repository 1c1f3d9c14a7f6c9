"""Write data/samples/clusters_tuyen_quang_2025.csv: a SYNTHETIC emulation-cluster file.

Merged Tuyên Quang has not published its "cụm thi đua" of communes here; this example puts
the 7 phường in one cluster (many provinces keep a cluster of wards) and splits the 117 xã
into 8 clusters of neighbours (k-means on latitude/longitude, seeded), named after the xã
nearest each centre. Deterministic: rerunning writes the same file. Every row says
``synthetic=True``.

    python scripts/make_clusters_sample.py
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.cluster.vq import kmeans2

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "samples" / "clusters_tuyen_quang_2025.csv"


def main() -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    from emusim.registry import load_registry

    reg = load_registry("tuyen_quang_2025")
    com = reg[reg["level"] == "commune"].copy()
    wards = com[com["unit_type"] == "phường"]
    xa = com[com["unit_type"] != "phường"]
    xy = xa[["lat", "lon"]].to_numpy(dtype=float)
    centres, label = kmeans2(xy, 8, seed=np.random.default_rng(20250701), minit="++", iter=50)
    # number clusters north to south, so ids read like a map
    order = np.argsort(-centres[:, 0])
    rank = np.empty(8, dtype=int)
    rank[order] = np.arange(1, 9)
    rows = [{"locality_id": lid, "name": r["name"], "cluster": "K0", "cluster_name": "Cụm các phường",
             "synthetic": True} for lid, r in wards.iterrows()]
    for k in range(8):
        members = xa[label == k]
        d = ((members[["lat", "lon"]].to_numpy(dtype=float) - centres[k]) ** 2).sum(axis=1)
        core = members.iloc[int(np.argmin(d))]["short_name"]
        for lid, r in members.iterrows():
            rows.append({"locality_id": lid, "name": r["name"], "cluster": f"K{rank[k]}",
                         "cluster_name": f"Cụm {rank[k]} ({core})", "synthetic": True})
    out = pd.DataFrame(rows).sort_values(["cluster", "locality_id"])
    out.to_csv(OUT, index=False, encoding="utf-8")
    print(f"wrote {len(out)} rows, {out['cluster'].nunique()} clusters to {OUT}")
    print(out.groupby(["cluster", "cluster_name"]).size().to_string())


if __name__ == "__main__":
    main()
