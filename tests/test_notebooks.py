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
assert isinstance(moved, pd.DataFrame)
""",
    "02_thresholds_and_uplift.ipynb": """
assert list(eligible_city.index) == sorted(UPLIFT_GRID)
assert eligible_city.is_monotonic_decreasing, eligible_city   # a higher target never adds eligible units
assert len(tor) >= 5
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
""",
    "05_trajectories_and_forecast.ipynb": """
assert 0 < len(at_risk) < len(fc)
assert (at_risk["p_reach"] < 0.5).all()
assert 0 <= brier <= 1
""",
    "06_briefing.ipynb": """
assert any(str(f).endswith(".xlsx") for f in files), files
assert any(str(f).endswith(".png") for f in files), files
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
