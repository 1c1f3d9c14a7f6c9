"""Every notebook runs top to bottom (DESIGN §8), on a copy in tmp_path.

The committed notebooks stay output-free; each executed copy gets a few probe cells
appended that check its key results with the notebook's own variables (e.g. the quickstart
gives 5 Bằng khen). ``explorer.ipynb`` also moves a slider inside the kernel.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 240  # seconds per cell

PROBES = {
    "01_quickstart.ipynb": """
assert (aw["award"] == "chairman").sum() == 5, aw["award"].value_counts()
assert (aw["award"] == "police_director").sum() == 9
assert len(aw) == 193 and len(winners) == 14
# the diff's counts, worked out again from both award lists (never "None → None" rows)
won_a, won_b = set(aw.index[aw["award"].notna()]), set(aw2.index[aw2["award"].notna()])
both = aw2.reindex(aw.index)
same_award = aw["award"].fillna("-") == both["award"].fillna("-")
rank_moves = int((same_award & (aw["rank"] != both["rank"])).sum())
assert moved.counts["gains"] == len(won_b - won_a) and moved.counts["losses"] == len(won_a - won_b), moved.counts
assert moved.counts["rank_moves"] == rank_moves, moved.counts
assert len(moved.table) == len(won_a ^ won_b) + moved.counts["up"] + moved.counts["down"] + rank_moves
assert not (moved.table["change"] == "rank").any() or (moved.table.loc[moved.table["change"] == "rank", "rank_a"]
                                                       != moved.table.loc[moved.table["change"] == "rank", "rank_b"]).all()
assert abs(report.shares["variance_share"].sum() - 1) < 1e-9 and len(risk.flags) >= 1
""",
    "02_thresholds_and_uplift.ipynb": """
assert list(eligible_city.index) == sorted(UPLIFT_GRID)
assert eligible_city.is_monotonic_decreasing, eligible_city   # a higher target never adds eligible units
assert len(tor) >= 5
shown = matrix.loc[matrix.drop(columns="name").notna().any(axis=1)]
assert 0 < len(shown) < len(matrix)                  # the filter keeps only units awarded at some value
# +30 % for the city: one unit loses its award, one moves up a tier (the sweep agrees, by the same es.diff)
assert (d30.counts["gains"], d30.counts["losses"], d30.counts["up"], d30.counts["down"]) == (0, 1, 1, 0), d30.counts
at30 = changes[changes["value"] == 0.30]
assert sorted(at30["change"]) == ["lost", "tier"]
assert {"equal_groups", "basis:rate", "gates_soft"} <= set(alts.table.index)
""",
    "03_comparing_provinces.ipynb": """
assert list(summary.index) == list(PLANS)
assert (summary["Bằng khen (chairman)"] <= QUOTA).all()
assert len(cmp.pairs) == 3
""",
    "04_uncertainty.ipynb": """
assert mc.n == N_MC
assert abs(mc.per_unit["p_chairman"].sum() - mc.awards_per_replication["chairman"].mean()) < 1e-9
assert {"S1", "ST"} <= set(S.columns) and len(S) == len(FACTORS)
assert [w.values["indicator"] for w in mc_naive.warnings] == ["cccd_application_rate"] and not mc_default.warnings
assert mc_naive.overlap.mean() < mc_default.overlap.mean() - 0.2
assert not S.warnings
""",
    "05_trajectories_and_forecast.ipynb": """
assert 0 < len(at_risk) < len(fc)
assert (at_risk["p_reach"] < 0.5).all()
assert 0 <= brier <= 1
assert report.fitted["hit"].all() and report.fitted["holdout"].notna().all()
assert len(report.rankings) == 1
""",
    "06_briefing.ipynb": """
assert any(str(f).endswith(".xlsx") for f in files), files
assert any(str(f).endswith(".png") for f in files), files
text = summary.read_text(encoding="utf-8")
assert "theo kế hoạch: +15 %" in text and "hiện hành" not in text     # --set is compared with the plan as written
assert any(str(f).startswith("15_gaming") for f in files) and "### Structural alternatives" in text
""",
    "09_designing_the_next_plan.ipynb": """
assert result.n_evaluated == BUDGET and result.table["verified"].all()
assert proposal is not None and result.plan["groups_awarded"] <= 11
check = es.allocate(es.score(scheme.adjust(proposal), values, registry), scheme.adjust(proposal), registry)
assert check["award"].notna().sum() == reformed["award"].notna().sum()
assert changes.counts["gains"] == len(set(reformed.index[reformed["award"].notna()]) - set(base.index[base["award"].notna()]))
""",
    "07_after_the_merger.ipynb": """
assert collapse_error is not None and "former_district" in collapse_error and "None" not in collapse_error
assert list(study.summary.index) == ["former_district", "cluster", "province"]
assert study.summary.loc["province", "nominees"] == study.award_tables["province"]["eligible"].sum()
assert (study.summary["awards"] <= 14).all() and (scaled.summary["awards"] <= 9).all()
assert len(kh21.communes) == 124
""",
    "08_bringing_your_own_data.ipynb": """
assert report.period == "2023-11" and report.period_from == "title" and report.header_row == 5
assert len(panel.localities) == 6 and (report.coverage["coverage"] == 1.0).all()
assert {r for _, r, _ in report.skipped} == {"total", "note"}
assert list(gaps["cause"]) == ["over_claimed_binary"] and out.exists()
assert policies["exclude"]["total"] > policies["zero"]["total"]
""",
    "explorer.ipynb": """
assert (explorer.award_table["award"] == "chairman").sum() == 5
city0 = set(explorer.award_table.query("urban_class == 'city' and eligible").index)
explorer._controls["uplift.city"].value = 0.30          # the slider's observer, in the kernel
assert explorer.changes == {"uplift.city": 0.3}
assert set(explorer.award_table.query("urban_class == 'city' and eligible").index) <= city0
assert "--set uplift.city=0.3" in explorer.cli_command()
""",
}


def test_every_notebook_has_probes_and_is_committed_without_outputs():
    found = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert found == sorted(PROBES), "add a probe for each notebook"
    for name in found:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert nb.cells[0].cell_type == "markdown"
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{name}: clear the outputs before committing"


@pytest.mark.parametrize("name", sorted(PROBES))
def test_notebook_runs(name, tmp_path):
    copy = tmp_path / name
    shutil.copyfile(NOTEBOOKS / name, copy)
    nb = nbformat.read(copy, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBES[name].strip()))
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    nbformat.write(nb, copy)  # the executed copy, for a look when something is off
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
