"""The data-entry template round trip, and self-score checks that find planted over-claims (issue 11)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import emusim as es
from emusim.errors import InputError
from emusim.template import DATA_SHEET, INSTRUCTIONS_SHEET, write_template
from emusim.verify import verify_self_scores

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def values(scheme, reg, catalog):
    """Values for every commune, rounded as officials write them (percentages to 2 decimals)."""
    rng = np.random.default_rng(7)
    ids = sorted(reg.index[reg["level"] == "commune"])
    cols = {}
    for ind in scheme.indicators:
        unit = catalog[ind].unit
        if unit == "ratio":
            cols[ind] = np.round(rng.uniform(0.5, 1.0, len(ids)), 4)
        elif unit == "bool":
            cols[ind] = (rng.random(len(ids)) < 0.7).astype(float)
        elif unit == "count":
            cols[ind] = rng.integers(0, 9, len(ids)).astype(float)
        else:
            cols[ind] = rng.choice([0.0, 2.5, 5.0], len(ids))
    return pd.DataFrame(cols, index=pd.Index(ids, name="locality_id"))


def _fill(path, values, catalog, self_scores=None):
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    heads = [c.value for c in ws[2]]
    for r in range(3, ws.max_row + 1):
        lid = ws.cell(r, 1).value
        for j, h in enumerate(heads, start=1):
            if h and h.endswith("]"):
                ind = h[h.rindex("[") + 1:-1]
                v = values.at[lid, ind]
                unit = catalog[ind].unit
                ws.cell(r, j).value = (round(v * 100, 6) if unit == "ratio" else
                                       ("có" if v else "không") if unit == "bool" else v)
            elif h and h.startswith("Tự chấm điểm") and self_scores is not None:
                cid = h.split()[-1]
                if lid in self_scores.index and cid in self_scores.columns:
                    ws.cell(r, j).value = self_scores.at[lid, cid]
    wb.save(path)


def test_template_has_units_columns_validation_and_instructions(tmp_path, scheme, reg):
    path = write_template(scheme, reg, tmp_path / "t.xlsx", period="2023-11")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [DATA_SHEET, INSTRUCTIONS_SHEET]
    ws = wb[DATA_SHEET]
    assert "THÁNG 11/2023" in ws.cell(1, 1).value
    heads = [c.value for c in ws[2]]
    assert heads[:3] == ["Mã ĐVHC", "Tên đơn vị", "Huyện"]
    assert sum(h.endswith("]") for h in heads[3:]) == len(scheme.indicators)
    assert sum(h.startswith("Tự chấm điểm") for h in heads[3:]) == len(scheme.criteria)
    ids = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    assert len(ids) == 193 and "00715" in ids                                   # text, zeros kept
    row = ids.index("00715") + 3
    assert ws.cell(row, 2).value == "Xã Lũng Cú" and ws.cell(row, 3).value == "Huyện Đồng Văn"
    a_iv_2 = next(h for h in heads if h.endswith("[eid_registration_rate]"))
    assert a_iv_2.startswith("A.IV.2. Thu nhận hồ sơ ĐDĐT") and "(%)" in a_iv_2   # the plan's words and unit
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"decimal", "whole", "list"} <= kinds
    assert any('"có,không' in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    assert "không áp dụng" in " ".join(str(c.value) for c in wb[INSTRUCTIONS_SHEET]["A"])


def test_filled_template_reads_back_and_scores_exactly_like_the_canonical_csv(tmp_path, scheme, reg, values, catalog):
    path = write_template(scheme, reg, tmp_path / "t.xlsx", period="2023-11")
    _fill(path, values, catalog)
    csv = tmp_path / "canonical.csv"
    values.to_csv(csv)
    from_template = es.read_observations(path, registry=reg, scheme=scheme)   # no mapping, no period
    from_csv = es.read_observations(csv, registry=reg, scheme=scheme, period="2023-11")
    b = from_csv.at("2023-11")
    a = from_template.at("2023-11").reindex(index=b.index, columns=b.columns)   # the template is by district
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(es.score(scheme, a, reg), es.score(scheme, b, reg), check_exact=True)
    assert from_template.report.period_from == "title"
    assert all(how == "bracket_id" for _, _, ind, how in from_template.report.columns if ind)


def test_verify_finds_planted_over_claims(tmp_path, scheme, reg, values, catalog):
    v = values.copy()
    table = es.score(scheme, v, reg)
    honest = pd.DataFrame({c.id: table[f"points.{c.id}"] for c in scheme.criteria}, index=table.index)
    claims = honest.copy()
    no_plan = v.index[v["de_an_06_plan_issued"] == 0][0]                  # A.I.1, a yes/no row, not done
    claims.at[no_plan, "A.I.1"] = 5.0
    city = reg.index[(reg["level"] == "commune") & (reg["urban_class"] == "city")][0]
    v.at[city, "eid_registration_rate"] = 0.80                             # above 75 %, below the city's 90 %
    table2 = es.score(scheme, v, reg)
    honest2 = pd.DataFrame({c.id: table2[f"points.{c.id}"] for c in scheme.criteria}, index=table2.index)
    claims.loc[city] = honest2.loc[city]
    claims.at[city, "A.IV.2"] = 11.0                                        # as if the target were 75 %
    posts = v.index[v["social_media_posts"] >= 1][0]
    v.at[posts, "social_media_posts"] = 12
    claims.at[posts, "A.VI.5"] = 12.0                                       # 1 point per post, max 8
    path = write_template(scheme, reg, tmp_path / "t.xlsx", period="2023-11")
    _fill(path, v, catalog, self_scores=claims)
    panel = es.read_observations(path, registry=reg, scheme=scheme)
    found = verify_self_scores(scheme, panel.at("2023-11"), panel.meta["self_scores"], reg, lang="en")
    got = {(r.locality_id, r.criterion): r.cause for r in found.itertuples()}
    assert got == {(no_plan, "A.I.1"): "over_claimed_binary", (city, "A.IV.2"): "target_without_uplift",
                   (posts, "A.VI.5"): "uncapped_per_unit"}
    assert found.attrs["summary"]["units_with_gaps"] == len({no_plan, city, posts})
    assert "yes/no" in found.set_index("criterion").at["A.I.1", "reason"]


def test_verify_refuses_unknown_criteria(scheme, values, reg):
    with pytest.raises(InputError) as info:
        verify_self_scores(scheme, values, pd.DataFrame({"Z.9": [1.0]}, index=[values.index[0]]), reg)
    assert info.value.problems[0].column == "Z.9"


def test_cli_template_and_verify(tmp_path, scheme, reg, values, catalog, capsys):
    from emusim.cli import main

    out = tmp_path / "bieu.xlsx"
    assert main(["template", "--plan", "ha_giang_186_2023", "--level", "commune", "--out", str(out),
                 "--lang", "en"]) == 0
    table = es.score(scheme, values, reg)
    claims = pd.DataFrame({c.id: table[f"points.{c.id}"] for c in scheme.criteria}, index=table.index)
    no_plan = values.index[values["de_an_06_plan_issued"] == 0][:2]
    claims.loc[no_plan, "A.I.1"] = 5.0
    _fill(out, values, catalog, self_scores=claims)
    before = out.read_bytes()
    gaps = tmp_path / "gaps.xlsx"
    assert main(["verify", "--plan", "ha_giang_186_2023", "--level", "commune", "--data", str(out),
                 "--out", str(gaps), "--lang", "en"]) == 0
    text = capsys.readouterr()
    assert "2 gaps in 2 units" in text.out and "Import report" in text.err
    got = pd.read_excel(gaps, dtype={"locality_id": str})
    assert sorted(got["locality_id"]) == sorted(no_plan) and set(got["cause"]) == {"over_claimed_binary"}
    assert out.read_bytes() == before
