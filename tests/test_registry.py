"""Tests of the locality registries (data/localities) and emusim.registry."""
from __future__ import annotations

import importlib.util
import re

import pandas as pd
import pytest
import yaml

from emusim import registry as R
from emusim.i18n import using_lang
from emusim.i18n.leaks import english_leaks
from emusim.registry import RegistryError, ancestors, children_count, load_registry

LOC = R.LOCALITY_DIR
POPS = yaml.safe_load((LOC / "populations.yaml").read_text(encoding="utf-8"))

# name: (districts, communes, province code) — every unit of the file, i.e. those of 2023
# (Vân Sơn and Tà Chải, dissolved in late 2024, included; see the dated tests below)
COUNTS_2023 = {"ha_giang_2023": (11, 193, "02"), "tuyen_quang_2023": (7, 138, "08"),
               "lao_cai_2023": (9, 152, "10")}
COUNTS_2025 = {"tuyen_quang_2025": (124, "08"), "lao_cai_2025": (99, "15")}


@pytest.fixture(scope="module")
def regs() -> dict[str, pd.DataFrame]:
    names = [*COUNTS_2023, *COUNTS_2025, "national_2023"]
    return {n: load_registry(n) for n in names}


@pytest.fixture(scope="module")
def merger() -> pd.DataFrame:
    return pd.read_csv(LOC / "merger_2025.csv", dtype={"old_id": str, "new_id": str,
                                                      "old_district_id": str})


def level(reg: pd.DataFrame, name: str) -> pd.DataFrame:
    return reg[reg["level"] == name]


# ----------------------------------------------------------------------- counts
@pytest.mark.parametrize("name", COUNTS_2023)
def test_counts_2023(regs, name):
    n_district, n_commune, code = COUNTS_2023[name]
    reg = regs[name]
    assert list(level(reg, "province").index) == [code]
    assert len(level(reg, "district")) == n_district
    assert len(level(reg, "commune")) == n_commune
    assert len(level(reg, "village")) == POPS["provinces"][code]["villages"]["total"]


@pytest.mark.parametrize("name", COUNTS_2025)
def test_counts_2025(regs, name):
    n_commune, code = COUNTS_2025[name]
    reg = regs[name]
    assert list(level(reg, "province").index) == [code]
    assert len(level(reg, "commune")) == n_commune
    assert set(reg["level"]) == {"province", "commune"}
    assert (level(reg, "commune")["parent_id"] == code).all()


def test_ha_giang_unit_types(regs):
    reg = regs["ha_giang_2023"]
    assert level(reg, "commune")["unit_type"].value_counts().to_dict() == \
        {"xã": 175, "thị trấn": 13, "phường": 5}
    assert level(reg, "district")["unit_type"].value_counts().to_dict() == \
        {"huyện": 10, "thành phố": 1}
    assert reg.loc["024", "name"] == "Thành phố Hà Giang"


def test_lao_cai_city_and_town(regs):
    districts = level(regs["lao_cai_2023"], "district")
    assert districts.loc[districts["unit_type"] == "thành phố", "name"].tolist() == \
        ["Thành phố Lào Cai"]
    assert districts.loc[districts["unit_type"] == "thị xã", "name"].tolist() == ["Thị xã Sa Pa"]


def test_national_counts(regs):
    counts = regs["national_2023"]["level"].value_counts().to_dict()
    # the package's 10,035 legacy communes + the two dissolved in 2024 (Vân Sơn, Tà Chải)
    assert counts == {"province": 63, "district": 696, "commune": 10037}


# ----------------------------------------------------------------------- codes, parents
@pytest.mark.parametrize("name", [*COUNTS_2023, *COUNTS_2025, "national_2023"])
def test_code_formats(regs, name):
    reg = regs[name]
    pattern = {"province": r"\d{2}", "district": r"\d{3}", "commune": r"\d{5}",
               "village": r"\d{5}-T\d{2}"}
    for lvl, pat in pattern.items():
        ids = level(reg, lvl).index
        assert all(re.fullmatch(pat, i) for i in ids), (name, lvl)
    assert reg.index.is_unique


@pytest.mark.parametrize("name", COUNTS_2023)
def test_parents_follow_the_hierarchy(regs, name):
    reg = regs[name]
    above = {"district": "province", "commune": "district", "village": "commune"}
    for lvl, parent_level in above.items():
        parents = level(reg, lvl)["parent_id"]
        assert (reg.loc[parents, "level"] == parent_level).all()
    villages = level(reg, "village")
    assert (villages.index.str[:5] == villages["parent_id"]).all()


def test_ancestors_and_children_count(regs):
    reg = regs["ha_giang_2023"]
    to_district = ancestors(reg, "district")
    assert to_district["00688-T01"] == "024" and to_district["024"] == "024"
    assert to_district["02"] is None
    per_district = children_count(reg, "commune", "district")
    assert per_district.sum() == 193 and per_district["024"] == 8
    assert children_count(reg, "village", "province").to_dict() == {"02": 2070}
    assert (children_count(reg, "village", "commune") >= 1).all()


# ----------------------------------------------------------------------- classes
@pytest.mark.parametrize("name", COUNTS_2023)
def test_urban_classes_2023(regs, name):
    reg = regs[name]
    communes = level(reg, "commune")
    district_type = reg.loc[communes["parent_id"], "unit_type"].to_numpy()
    expected = pd.Series(district_type, index=communes.index).map(
        {"huyện": "rural", "thành phố": "city", "thị xã": "town"})
    expected[communes["unit_type"] == "thị trấn"] = "district_town"
    assert (communes["urban_class"] == expected).all()
    districts = level(reg, "district")
    assert (districts["urban_class"] == districts["unit_type"].map(
        {"huyện": "rural", "thành phố": "city", "thị xã": "town"})).all()
    villages = level(reg, "village")
    assert (villages["urban_class"] == reg.loc[villages["parent_id"], "urban_class"].to_numpy()).all()


def test_sa_pa_is_town_and_thi_tran_district_town(regs):
    reg = regs["lao_cai_2023"]
    sapa = level(reg, "commune").query("parent_id == '088'")
    assert len(sapa) == 16 and set(sapa["urban_class"]) == {"town"}
    assert set(reg.loc[reg["unit_type"] == "thị trấn", "urban_class"]) == {"district_town"}


@pytest.mark.parametrize("name", COUNTS_2025)
def test_urban_classes_2025(regs, name):
    communes = level(regs[name], "commune")
    assert (communes["urban_class"] == communes["unit_type"].map(
        {"phường": "city", "xã": "rural"})).all()


def test_registry_classes_match_model():
    model = pytest.importorskip("emusim.model")
    assert set(R.URBAN_CLASSES) == set(model.URBAN_CLASSES)
    assert set(R.LEVELS) == set(model.UNIT_LEVELS)


# ----------------------------------------------------------------------- populations
@pytest.mark.parametrize("name", [*COUNTS_2023, *COUNTS_2025])
def test_populations_add_up(regs, name):
    reg = regs[name]
    for lvl in ("commune", "district", "village"):
        rows = level(reg, lvl)
        if rows.empty:
            continue
        sums = rows.groupby("parent_id")[["population", "population_14plus"]].sum()
        parents = reg.loc[sums.index, ["population", "population_14plus"]]
        pd.testing.assert_frame_equal(sums, parents, check_names=False)
    communes = level(reg, "commune")
    share = communes["population_14plus"] / communes["population"]
    assert share.between(0.715, 0.785).all()
    assert communes["population"].min() > 500


@pytest.mark.parametrize("name", COUNTS_2023)
def test_province_total_is_the_published_figure(regs, name):
    code = COUNTS_2023[name][2]
    assert regs[name].loc[code, "population"] == POPS["provinces"][code]["population"]


def test_national_agrees_with_provincial(regs):
    nat = regs["national_2023"]
    for name in COUNTS_2023:
        reg = regs[name][regs[name]["level"] != "village"]
        pd.testing.assert_frame_equal(nat.loc[reg.index, reg.columns], reg)
    assert nat.loc[level(nat, "province").index, "population"].sum() == \
        POPS["national"]["population"]


def test_synthetic_flags(regs):
    reg = regs["ha_giang_2023"]
    villages = level(reg, "village")
    assert villages["row_synthetic"].all() and villages["synthetic"].all()
    assert not level(reg, "commune")["row_synthetic"].any()
    flags = reg[["row_synthetic", "population_synthetic", "coords_synthetic"]].any(axis=1)
    assert (reg["synthetic"] == flags).all()


# ----------------------------------------------------------------------- merger
@pytest.mark.parametrize("old_codes, new_name", [(("02", "08"), "tuyen_quang_2025"),
                                                (("10", "15"), "lao_cai_2025")])
def test_merger_covers_every_old_commune(regs, merger, old_codes, new_name):
    nat = R.in_force(regs["national_2023"], "2025-06-30")   # the units the merger maps
    districts = level(nat, "district").query("parent_id in @old_codes").index
    old = set(level(nat, "commune").query("parent_id in @districts").index)
    new = regs[new_name]
    rows = merger[merger["old_id"].isin(old)]
    assert set(rows["old_id"]) == old
    assert set(rows["new_id"]) == set(level(new, "commune").index)
    parts = rows.groupby("new_id")["population_part"].sum()
    assert (parts == new.loc[parts.index, "population"]).all()


def test_merger_weights(merger):
    sums = merger.groupby("old_id")["population_weight"].sum()
    assert ((sums - 1).abs() < 1e-5).all()
    split = merger[merger["split"]]
    assert split["old_id"].nunique() == 5
    assert (split.groupby("old_id")["is_default"].sum() == 1).all()
    assert not merger.loc[~merger["split"], "weight_synthetic"].any()
    assert len(merger) == 330 + 319 + 5


# ----------------------------------------------------------------------- loading
def test_load_by_name_equals_load_by_path():
    by_name = load_registry("lao_cai_2025")
    by_path = load_registry(LOC / "lao_cai_2025.csv")
    pd.testing.assert_frame_equal(by_name, by_path)
    assert load_registry("lao_cai_2025.csv").equals(by_name)


def test_dtypes():
    reg = load_registry("tuyen_quang_2023")
    assert reg.index.name == "locality_id"
    assert pd.api.types.is_string_dtype(reg.index) and pd.api.types.is_string_dtype(reg["parent_id"])
    assert reg.loc["08", "parent_id"] == "" and reg.loc["08", "urban_class"] == ""
    assert reg["population"].dtype == "int64" and reg["synthetic"].dtype == bool


GOOD = (
    "locality_id,name,level,parent_id,unit_type,urban_class,lat,lon,population,"
    "population_14plus,synthetic\n"
    "02,Tỉnh A,province,,tỉnh,,22.0,105.0,300,220,False\n"
    "024,Huyện B,district,02,huyện,rural,22.1,105.1,300,220,True\n"
    "00700,Xã C,commune,024,xã,rural,22.2,105.2,300,220,True\n"
)


def write(tmp_path, text, name="bad.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_minimal_file(tmp_path):
    reg = load_registry(write(tmp_path, GOOD, "ok.csv"))
    assert list(reg.index) == ["02", "024", "00700"]


@pytest.mark.parametrize("old, new, where", [
    ("00700,Xã C,commune,024", "024,Xã C,commune,024", ["bad.csv:4", "'locality_id'", "mã đơn vị trùng"]),
    ("00700,Xã C,commune,024", "00700,Xã C,commune,999", ["bad.csv:4", "'parent_id'", "'999'"]),
    ("xã,rural,22.2", "xã,suburban,22.2", ["bad.csv:4", "'urban_class'", "suburban"]),
    ("xã,rural,22.2", "xã,,22.2", ["bad.csv:4", "'urban_class'", "trống"]),
    ("22.2,105.2,300", "north,105.2,300", ["bad.csv:4", "'lat'", "north"]),
    ("300,220,True\n00700", "300,220,maybe\n00700", ["bad.csv:3", "'synthetic'"]),
    (",commune,024", ",hamlet,024", ["bad.csv:4", "'level'", "hamlet"]),
    ("300,220,True\n00700", "200,220,True\n00700", ["bad.csv:3", "population_14plus"]),
    ("00700,Xã C,commune,024", "00700,Xã C,district,024", ["bad.csv:4", "không phải cấp trên"]),
])
def test_bad_rows_are_reported(tmp_path, old, new, where):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    message = str(info.value)
    for part in where:
        assert part in message
    assert english_leaks(message, allow={"hamlet", "suburban", "north", "maybe", "parent", "true", "false", "synthetic"}) == []
    with using_lang("en"):
        assert "locality_id" in str(info.value) and english_leaks(str(info.value))


def test_missing_column(tmp_path):
    text = GOOD.replace(",urban_class", "", 1)
    with pytest.raises(RegistryError, match="thiếu cột bắt buộc 'urban_class'"):
        load_registry(write(tmp_path, text))
    with using_lang("en"), pytest.raises(RegistryError, match="missing required column 'urban_class'"):
        load_registry(write(tmp_path, text))


def test_all_problems_reported_at_once(tmp_path):
    text = GOOD.replace("rural,22.2", "nowhere,22.2").replace("02,huyện", "99,huyện")
    with pytest.raises(RegistryError) as info:
        load_registry(write(tmp_path, text))
    assert len(info.value.problems) == 2


def test_unknown_name_and_missing_file(tmp_path):
    with pytest.raises(RegistryError, match="không có danh mục đơn vị tên 'atlantis_2023'.*ha_giang_2023"):
        load_registry("atlantis_2023")
    with using_lang("en"), pytest.raises(RegistryError, match="no registry named 'atlantis_2023'"):
        load_registry("atlantis_2023")
    with pytest.raises(RegistryError, match="không tìm thấy tệp danh mục đơn vị"):
        load_registry(tmp_path / "nope.csv")
    assert issubclass(RegistryError, ValueError)


# ----------------------------------------------------------------------- dated registries
@pytest.mark.parametrize("name, as_of, n_commune", [
    ("ha_giang_2023", "2023-11", 193), ("tuyen_quang_2023", "2023-11", 138),
    ("lao_cai_2023", "2023-11", 152), ("tuyen_quang_2023", "2024-12", 137),
    ("lao_cai_2023", "2024-12", 151), ("tuyen_quang_2025", "2025-09", 124),
    ("lao_cai_2025", "2025-09", 99)])
def test_units_in_force_on_a_date(name, as_of, n_commune):
    reg = load_registry(name, as_of=as_of)
    assert int((reg["level"] == "commune").sum()) == n_commune
    # populations still add up after a dissolved unit passed to its successor
    for lvl in ("village", "commune", "district"):
        rows = level(reg, lvl)
        if len(rows):
            sums = rows.groupby("parent_id")["population"].sum()
            assert (sums == reg.loc[sums.index, "population"]).all()


def test_van_son_hong_lac_and_ta_chai():
    """Issue 12: Xã Vân Sơn (02593, Sơn Dương 076) until the 2024 rearrangement, Xã Hồng Lạc
    (02608) renamed Hồng Sơn then (NQ 1106/NQ-UBTVQH15, from 01/09/2024); Xã Tà Chải (02872,
    Bắc Hà 085) into Thị trấn Bắc Hà from 01/11/2024 (NQ 1197/NQ-UBTVQH15)."""
    tq23 = load_registry("tuyen_quang_2023", as_of="2023-11")
    assert tq23.loc["02593", ["name", "parent_id"]].tolist() == ["Xã Vân Sơn", "076"]
    assert tq23.loc["02608", "name"] == "Xã Hồng Lạc"
    tq24 = load_registry("tuyen_quang_2023", as_of="2024-09-01")
    assert "02593" not in tq24.index
    assert tq24.loc["02608", "name"] == "Xã Hồng Sơn"
    assert tq24.loc["02608", "former_names"] == "Xã Hồng Lạc"
    assert tq24.loc["02608", "population"] == \
        tq23.loc["02608", "population"] + tq23.loc["02593", "population"]
    assert "02872" in load_registry("lao_cai_2023", as_of="2024-10-31").index
    assert "02872" not in load_registry("lao_cai_2023", as_of="2024-11-01").index
    full = load_registry("tuyen_quang_2023")
    assert "1106/NQ-UBTVQH15" in full.loc["02593", "change_ref"]


def test_no_unit_in_force_names_the_registries_that_are(tmp_path):
    with pytest.raises(RegistryError, match="tuyen_quang_2025"):
        load_registry("tuyen_quang_2023", as_of="2025-09")
    with pytest.raises(RegistryError, match="as_of"):
        load_registry("tuyen_quang_2023", as_of="November")


def test_bad_dated_columns_are_reported(tmp_path):
    reg = load_registry("ha_giang_2023").reset_index().head(3).astype(str)
    reg["valid_to"] = ["2025-06-30", "2025-13-01", "2025-06-30"]
    reg["successor_id"] = ["", "", "99999"]
    reg["former_names"] = reg["renamed_on"] = reg["valid_from"] = reg["change_ref"] = ""
    reg.loc[0, "renamed_on"] = "2024-09-01"
    path = tmp_path / "dated.csv"
    reg.to_csv(path, index=False)
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    text = str(err.value)
    assert "2025-13-01" in text and "99999" in text and "renamed_on" in text


# ----------------------------------------------------------------------- reproducibility
def test_committed_files_match_the_build_script():
    """Rebuilding from the package gives exactly the committed CSVs."""
    pytest.importorskip("vietnamadminunits")
    script = R.DATA_DIR.parent / "scripts" / "build_registries.py"
    spec = importlib.util.spec_from_file_location("build_registries", script)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for name, df in build.build_all().items():
        expected = (LOC / f"{name}.csv").read_text(encoding="utf-8")
        assert df.to_csv(index=False, lineterminator="\n") == expected, name
