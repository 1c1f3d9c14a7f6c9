#!/usr/bin/env python
"""Build the locality registries in ``data/localities/`` from ``vietnamadminunits``.

Run ``python scripts/build_registries.py`` (needs the ``registries`` extra:
``pip install vietnamadminunits``). The script is deterministic: every random draw comes
from a generator seeded by a CRC-32 of a purpose tag and a GSO code, so the same package
version gives byte-identical CSVs on every run.

Outputs (see ``data/localities/README.md`` for the columns):

* ``ha_giang_2023.csv``, ``tuyen_quang_2023.csv``, ``lao_cai_2023.csv``: province,
  district, commune (real names/codes, legacy 63-province geography) and synthetic
  village rows;
* ``tuyen_quang_2025.csv``, ``lao_cai_2025.csv``: the merged provinces of 1 July 2025
  (province and commune rows, no district level);
* ``merger_2025.csv``: old commune -> new commune mapping with population weights;
* ``national_2023.csv``: every legacy province, district and commune.

Populations: province totals from ``populations.yaml``; district totals from the 2019
census figures where that file has them for every district (Hà Giang), else district shares
from the figures it has (published 2015 yearbook, or approximate); communes, villages and
``population_14plus`` are synthetic (see the README).

Dates. The package's legacy table is the geography *last* in force before 1 July 2025 and
knows no dates: a commune dissolved in the 2023–2025 rearrangement survives only as a
keyword of its successor (``wardAlias``: Hồng Sơn lists ``xahonglac``, ``xavanson``; Thị
trấn Bắc Hà lists ``xatachai``), without code, population or date. The changes in force in
the three provinces between 2023 and the 2025 merger are therefore written here, in
``REARRANGEMENT_2023_2025``, each with the Standing Committee resolution it comes from;
every row gets ``valid_from`` / ``valid_to`` (the legacy geography ends on 30/06/2025, the
merged one starts on 01/07/2025), and the dissolved and renamed units ``successor_id``,
``former_names`` and ``renamed_on``.
"""
from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
OUT_DIR = REPO / "data" / "localities"
POPULATIONS_YAML = OUT_DIR / "populations.yaml"

#: Pre-2025 provincial registries: file stem -> GSO province code.
PROVINCIAL_2023 = {"ha_giang_2023": "02", "tuyen_quang_2023": "08", "lao_cai_2023": "10"}
#: Post-2025 merged registries: file stem -> GSO code of the new province.
MERGED_2025 = {"tuyen_quang_2025": "08", "lao_cai_2025": "15"}

COLUMNS = [
    "locality_id", "name", "short_name", "level", "parent_id", "unit_type", "urban_class",
    "province", "lat", "lon", "population", "population_14plus",
    "synthetic", "row_synthetic", "population_synthetic", "coords_synthetic",
    "valid_from", "valid_to", "former_names", "renamed_on", "successor_id", "change_ref",
]

#: Last day of the legacy (63-province, three-level) geography; first day of the merged one.
LEGACY_VALID_TO = "2025-06-30"
MERGED_VALID_FROM = "2025-07-01"
#: The provincial merger and the 2025 commune arrangement of the two merged provinces.
MERGER_REFS = {
    "tuyen_quang_2025": "Nghị quyết 202/2025/QH15 ngày 12/06/2025 (sắp xếp ĐVHC cấp tỉnh; số và ngày "
                        "chưa kiểm chứng); Nghị quyết 1684/NQ-UBTVQH15 ngày 16/06/2025 (sắp xếp ĐVHC cấp "
                        "xã của tỉnh Tuyên Quang năm 2025)",
    "lao_cai_2025": "Nghị quyết 202/2025/QH15 ngày 12/06/2025 (sắp xếp ĐVHC cấp tỉnh; số và ngày chưa "
                    "kiểm chứng); nghị quyết UBTVQH ngày 16/06/2025 về sắp xếp ĐVHC cấp xã của tỉnh Lào "
                    "Cai năm 2025 (số chưa kiểm chứng)",
}
#: Commune changes of the 2023–2025 rearrangement in the three provinces (the package has the
#: state after them). ``share`` = the dissolved unit's share of the merged population
#: (31/12/2022 figures quoted in the resolution), used to split the merged unit's synthetic
#: population between the two rows.
REARRANGEMENT_2023_2025 = [
    {   # Tuyên Quang, Sơn Dương: Hồng Lạc (6,038) + Vân Sơn (3,538) -> Xã Hồng Sơn (9,576)
        "dissolved": {"id": "02593", "name": "Xã Vân Sơn", "short_name": "Vân Sơn", "type": "Xã",
                      "district": "076"},
        "successor": "02608", "successor_former_name": "Xã Hồng Lạc",
        "valid_to": "2024-08-31", "renamed_on": "2024-09-01", "share": 3538 / 9576,
        "ref": "Nghị quyết 1106/NQ-UBTVQH15 ngày 23/07/2024 của Ủy ban Thường vụ Quốc hội (sắp xếp "
               "ĐVHC cấp xã tỉnh Tuyên Quang giai đoạn 2023–2025), hiệu lực 01/09/2024: thành lập xã "
               "Hồng Sơn trên cơ sở nhập xã Hồng Lạc và xã Vân Sơn",
    },
    {   # Lào Cai, Bắc Hà: Tà Chải (3,342) into Thị trấn Bắc Hà (12,203 after)
        "dissolved": {"id": "02872", "name": "Xã Tà Chải", "short_name": "Tà Chải", "type": "Xã",
                      "district": "085"},
        "successor": "02839", "successor_former_name": None,
        "valid_to": "2024-10-31", "renamed_on": None, "share": 3342 / 12203,
        "ref": "Nghị quyết 1197/NQ-UBTVQH15 của Ủy ban Thường vụ Quốc hội (sắp xếp ĐVHC cấp xã tỉnh "
               "Lào Cai giai đoạn 2023–2025; công bố 08/10/2024, ngày ký chưa kiểm chứng), hiệu lực "
               "01/11/2024: nhập xã Tà Chải vào thị trấn Bắc Hà",
    },
]
MERGER_COLUMNS = [
    "old_id", "old_name", "old_district_id", "old_district", "old_province",
    "new_id", "new_name", "new_province", "population_weight", "population_part",
    "is_default", "split", "weight_synthetic",
]

#: Relative commune size by commune type (used as a weight, then scaled to district totals).
COMMUNE_SIZE = {"Xã": 1.0, "Thị trấn": 1.5, "Phường": 1.7}
#: Extra size factor for the wards of a quận (urban district of a centrally-run city).
URBAN_DISTRICT_FACTOR = 1.5
#: Spread (sigma of the log) of the lognormal noise on commune sizes.
COMMUNE_SIZE_SIGMA = 0.35
#: Share of the population aged 14+: uniform range by commune type.
SHARE_14PLUS = {"Xã": (0.72, 0.75), "Thị trấn": (0.75, 0.78), "Phường": (0.75, 0.78)}
#: A commune point is replaced by a jittered district centroid if it is farther than this
#: (degrees) from the district centroid.
MAX_DEGREES_FROM_DISTRICT = 0.75
COMMUNE_JITTER_DEG = 0.03
VILLAGE_JITTER_DEG = 0.012
#: Split communes (one old commune -> several new ones): share of the package's default
#: new ward and of each other new ward, before normalisation.
SPLIT_SHARES = {True: 2.0, False: 1.0}

UNIT_TYPE = {
    "Tỉnh": "tỉnh", "Thành phố": "thành phố", "Huyện": "huyện", "Thị xã": "thị xã",
    "Quận": "quận", "Xã": "xã", "Phường": "phường", "Thị trấn": "thị trấn",
}
DISTRICT_CLASS = {"Huyện": "rural", "Thành phố": "city", "Thị xã": "town", "Quận": "city"}
WARD_CLASS_2025 = {"Phường": "city", "Xã": "rural"}


# --------------------------------------------------------------------------- helpers
def rng_for(tag: str, code: str) -> np.random.Generator:
    """Return a generator seeded by ``crc32(tag:code)`` (stable across runs and machines).

    >>> float(rng_for("pop", "00688").random()) == float(rng_for("pop", "00688").random())
    True
    """
    return np.random.default_rng(zlib.crc32(f"{tag}:{code}".encode("utf-8")))


def apportion(total: int, weights, minimum: int = 0) -> np.ndarray:
    """Split the integer ``total`` proportionally to ``weights`` (largest remainder).

    Every share is at least ``minimum``; ties go to the earlier position.

    >>> apportion(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    >>> apportion(5, [100, 1, 1], minimum=1).tolist()
    [3, 1, 1]
    >>> int(apportion(1000, [0.2, 0.5, 0.3]).sum())
    1000
    """
    w = np.asarray(weights, dtype=float)
    n = len(w)
    if n == 0:
        return np.zeros(0, dtype=int)
    if total < minimum * n:
        raise ValueError(f"cannot give {n} shares of at least {minimum} from {total}")
    free = total - minimum * n
    quota = free * w / w.sum() if w.sum() > 0 else np.full(n, free / n)
    share = np.floor(quota).astype(int)
    left = free - int(share.sum())
    order = np.argsort(-(quota - share), kind="stable")
    share[order[:left]] += 1
    return share + minimum


def unit_type(raw_type: str) -> str:
    """Lower-case Vietnamese unit type (``"Thị trấn"`` -> ``"thị trấn"``)."""
    return UNIT_TYPE[raw_type]


def commune_class(ward_type: str, district_type: str) -> str:
    """Urban class of a legacy commune (DESIGN §3.3).

    >>> commune_class("Thị trấn", "Huyện"), commune_class("Xã", "Thành phố")
    ('district_town', 'city')
    >>> commune_class("Phường", "Thị xã"), commune_class("Xã", "Huyện")
    ('town', 'rural')
    """
    if ward_type == "Thị trấn":
        return "district_town"
    return DISTRICT_CLASS[district_type]


# --------------------------------------------------------------------------- sources
def package_data_dir() -> Path:
    """Directory of the data files shipped by ``vietnamadminunits``."""
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data"


def read_legacy() -> pd.DataFrame:
    """All rows of the package's legacy (63-province) table, sorted by codes."""
    from vietnamadminunits.database import query

    df = with_dissolved(pd.DataFrame(query("SELECT * FROM admin_units_legacy")))
    return df.sort_values(["provinceCode", "districtCode", "wardCode"], na_position="first",
                          kind="stable").reset_index(drop=True)


def with_dissolved(legacy: pd.DataFrame) -> pd.DataFrame:
    """The legacy table plus one row per commune dissolved in 2023–2025 (not in the package).

    The row copies its successor's district and province columns; its own point is unknown
    (NaN: a jittered district centroid is used, ``coords_synthetic``).
    """
    rows = []
    for change in REARRANGEMENT_2023_2025:
        unit = change["dissolved"]
        if (legacy["wardCode"] == unit["id"]).any():
            raise RuntimeError(f"{unit['id']} is already in the package: drop it from the table")
        succ = legacy[legacy["wardCode"] == change["successor"]]
        if len(succ) != 1 or succ["districtCode"].iloc[0] != unit["district"]:
            raise RuntimeError(f"successor {change['successor']} of {unit['id']} is not in district "
                               f"{unit['district']} of the package")
        row = succ.iloc[0].copy()
        row["wardCode"], row["ward"], row["wardShort"] = unit["id"], unit["name"], unit["short_name"]
        row["wardType"] = unit["type"]
        row["wardLat"] = row["wardLon"] = np.nan
        row["wardKey"] = row["wardShortKey"] = row["wardAlias"] = None
        rows.append(row)
    return pd.concat([legacy, pd.DataFrame(rows)], ignore_index=True) if rows else legacy


def read_2025() -> pd.DataFrame:
    """All rows of the package's 34-province table (from 1 July 2025)."""
    from vietnamadminunits.database import query

    df = pd.DataFrame(query("SELECT * FROM admin_units"))
    return df.sort_values(["provinceCode", "wardCode"], kind="stable").reset_index(drop=True)


def read_converter() -> dict:
    """The package's old -> new conversion tables (``converter_2025.json``)."""
    with open(package_data_dir() / "converter_2025.json", encoding="utf-8") as fh:
        return json.load(fh)


def read_populations() -> dict:
    """The population figures of ``data/localities/populations.yaml``."""
    with open(POPULATIONS_YAML, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# --------------------------------------------------------------------------- legacy tree
def legacy_tree(legacy: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Split the legacy table into province, district and commune frames (real data only)."""
    prov = legacy.drop_duplicates("provinceCode")[
        ["provinceCode", "province", "provinceShort", "provinceLat", "provinceLon"]]
    dist = legacy.drop_duplicates("districtCode")[
        ["districtCode", "district", "districtShort", "districtType", "provinceCode",
         "provinceShort", "districtLat", "districtLon"]]
    comm = legacy[legacy["wardCode"].notna()][
        ["wardCode", "ward", "wardShort", "wardType", "districtCode", "districtType",
         "provinceCode", "provinceShort", "wardLat", "wardLon", "districtLat", "districtLon"]]
    return {"province": prov.reset_index(drop=True), "district": dist.reset_index(drop=True),
            "commune": comm.reset_index(drop=True)}


def commune_coordinates(comm: pd.DataFrame) -> pd.DataFrame:
    """Commune lat/lon with unreliable points replaced by a jittered district centroid.

    A point is unreliable when missing, equal to its district centroid, shared with another
    commune of the same province (a geocoder fallback), or farther than
    ``MAX_DEGREES_FROM_DISTRICT`` from the district centroid.
    """
    lat, lon = comm["wardLat"], comm["wardLon"]
    missing = lat.isna() | lon.isna()
    at_centroid = (lat - comm["districtLat"]).abs().lt(1e-6) & \
        (lon - comm["districtLon"]).abs().lt(1e-6)
    shared = comm.assign(la=lat.round(6), lo=lon.round(6)).duplicated(
        ["provinceCode", "la", "lo"], keep=False) & ~missing
    far = np.hypot(lat - comm["districtLat"], lon - comm["districtLon"]) > MAX_DEGREES_FROM_DISTRICT
    bad = missing | at_centroid | shared | far
    out = pd.DataFrame({"lat": lat, "lon": lon, "coords_synthetic": bad.to_numpy()},
                       index=comm.index)
    for i in comm.index[bad]:
        dlat, dlon = rng_for("coords", comm.at[i, "wardCode"]).normal(0, COMMUNE_JITTER_DEG, 2)
        out.at[i, "lat"] = comm.at[i, "districtLat"] + dlat
        out.at[i, "lon"] = comm.at[i, "districtLon"] + dlon
    return out


def commune_weights(comm: pd.DataFrame) -> np.ndarray:
    """Relative commune sizes: type factor x lognormal noise seeded by the commune code.

    Wards of an urban district (quận) get an extra ``URBAN_DISTRICT_FACTOR``.
    A unit dissolved in 2023–2025 and its successor split the successor's weight by the
    resolution's population shares (``REARRANGEMENT_2023_2025``).
    """
    split = {}
    for change in REARRANGEMENT_2023_2025:
        split[change["dissolved"]["id"]] = (change["successor"], change["share"])
        split[change["successor"]] = (change["successor"], 1.0 - change["share"])
    codes = comm["wardCode"].to_numpy()
    noise = np.array([rng_for("pop", split.get(c, (c, 1.0))[0]).lognormal(0.0, COMMUNE_SIZE_SIGMA)
                      * split.get(c, (c, 1.0))[1] for c in codes])
    types = np.array([comm["wardType"].to_numpy()[list(codes).index(split[c][0])]
                      if c in split and split[c][0] in codes else t
                      for c, t in zip(codes, comm["wardType"].to_numpy())])
    urban = np.where(comm["districtType"] == "Quận", URBAN_DISTRICT_FACTOR, 1.0)
    return pd.Series(types).map(COMMUNE_SIZE).to_numpy() * urban * noise


def province_totals(pops: dict) -> dict[str, int]:
    """Province populations: ``provinces`` figures where given, else a share of the rest.

    Provinces without their own entry share what is left of the national total in
    proportion to ``national.provinces_2022_thousands``.
    """
    known = {code: cfg["population"] for code, cfg in pops["provinces"].items()}
    weights = {code: w for code, w in pops["national"]["provinces_2022_thousands"].items()
               if code not in known}
    rest = apportion(pops["national"]["population"] - sum(known.values()),
                     list(weights.values()))
    return {**known, **dict(zip(weights, (int(r) for r in rest)))}


def district_totals(tree: dict, pops: dict) -> pd.Series:
    """Population of every district, adding up to the province totals.

    Districts listed in populations.yaml get shares from their 2019 figures; island
    districts without communes get their ``district_overrides`` figure; other districts
    share the rest of their province by the sum of their communes' weights.
    """
    dist, comm = tree["district"], tree["commune"]
    weights = pd.Series(commune_weights(comm), index=comm["wardCode"].to_numpy())
    by_district = weights.groupby(comm["districtCode"].to_numpy()).sum()
    overrides = {k: v["population"] for k, v in pops["national"]["district_overrides"].items()}
    totals = pd.Series(0, index=dist["districtCode"].to_numpy(), dtype=int)
    for code, total in province_totals(pops).items():
        codes = dist.loc[dist["provinceCode"] == code, "districtCode"].to_list()
        fixed = [c for c in codes if c in overrides]
        free = [c for c in codes if c not in overrides]
        cfg = pops["provinces"].get(code)
        if cfg and cfg.get("district_figures") == "exact":
            figures = {c: cfg["districts"][c]["population"] for c in free}
            if sum(figures.values()) != total - sum(overrides[c] for c in fixed):
                raise ValueError(f"district figures of province {code} do not add up to {total}")
            totals[free] = [figures[c] for c in free]
            continue
        w = ([cfg["districts"][c]["population"] for c in free] if cfg
             else by_district.reindex(free).to_numpy())
        totals[free] = apportion(total - sum(overrides[c] for c in fixed), w)
        for c in fixed:
            totals[c] = overrides[c]
    return totals


def commune_populations(tree: dict, totals: pd.Series) -> pd.DataFrame:
    """Commune population and population_14plus (synthetic) adding up to district totals."""
    comm = tree["commune"]
    weights = commune_weights(comm)
    pop = np.zeros(len(comm), dtype=int)
    for code, idx in comm.groupby("districtCode").indices.items():
        pop[idx] = apportion(int(totals[code]), weights[idx])
    share = np.array([rng_for("age", c).uniform(*SHARE_14PLUS[t])
                      for c, t in zip(comm["wardCode"], comm["wardType"])])
    return pd.DataFrame({"population": pop, "population_14plus": np.rint(pop * share).astype(int)},
                        index=comm.index)


def legacy_frames(legacy: pd.DataFrame, pops: dict) -> pd.DataFrame:
    """Province, district and commune rows of the whole legacy geography, in COLUMNS form."""
    tree = legacy_tree(legacy)
    prov, dist, comm = tree["province"], tree["district"], tree["commune"]
    coords = commune_coordinates(comm)
    totals = district_totals(tree, pops)
    cpop = commune_populations(tree, totals)
    communes = pd.DataFrame({
        "locality_id": comm["wardCode"], "name": comm["ward"], "short_name": comm["wardShort"],
        "level": "commune", "parent_id": comm["districtCode"],
        "unit_type": comm["wardType"].map(unit_type),
        "urban_class": [commune_class(w, d) for w, d in zip(comm["wardType"], comm["districtType"])],
        "province": comm["provinceShort"], "lat": coords["lat"], "lon": coords["lon"],
        "population": cpop["population"], "population_14plus": cpop["population_14plus"],
        "row_synthetic": False, "population_synthetic": True,
        "coords_synthetic": coords["coords_synthetic"],
    })
    dsum = communes.groupby("parent_id")[["population", "population_14plus"]].sum()
    dpop = dsum.reindex(dist["districtCode"]).fillna(0).astype(int)
    empty = ~dist["districtCode"].isin(dsum.index).to_numpy()  # island districts
    dpop.loc[empty, "population"] = totals[dist["districtCode"][empty]].to_numpy()
    dpop.loc[empty, "population_14plus"] = np.rint(dpop.loc[empty, "population"] * 0.75).astype(int)
    districts = pd.DataFrame({
        "locality_id": dist["districtCode"], "name": dist["district"],
        "short_name": dist["districtShort"], "level": "district",
        "parent_id": dist["provinceCode"], "unit_type": dist["districtType"].map(unit_type),
        "urban_class": dist["districtType"].map(DISTRICT_CLASS),
        "province": dist["provinceShort"], "lat": dist["districtLat"], "lon": dist["districtLon"],
        "population": dpop["population"].to_numpy(),
        "population_14plus": dpop["population_14plus"].to_numpy(),
        "row_synthetic": False, "population_synthetic": True, "coords_synthetic": False,
    })
    psum = districts.groupby("parent_id")[["population", "population_14plus"]].sum()
    provinces = pd.DataFrame({
        "locality_id": prov["provinceCode"], "name": prov["province"],
        "short_name": prov["provinceShort"], "level": "province", "parent_id": "",
        "unit_type": prov["province"].str.split().str[0].map(
            lambda s: "tỉnh" if s == "Tỉnh" else "thành phố"),
        "urban_class": "", "province": prov["provinceShort"],
        "lat": prov["provinceLat"], "lon": prov["provinceLon"],
        "population": psum["population"].reindex(prov["provinceCode"]).to_numpy(),
        "population_14plus": psum["population_14plus"].reindex(prov["provinceCode"]).to_numpy(),
        "row_synthetic": False, "population_synthetic": True, "coords_synthetic": False,
    })
    return pd.concat([provinces, districts, communes], ignore_index=True)


# --------------------------------------------------------------------------- villages
def villages_for(communes: pd.DataFrame, total: int) -> pd.DataFrame:
    """Synthetic village rows (thôn / tổ dân phố), ``total`` of them over ``communes``.

    Counts are proportional to commune population (at least one per commune); each
    village's population splits its commune's with gamma(4) weights seeded by the code.
    """
    counts = apportion(total, communes["population"].to_numpy(), minimum=1)
    rows = []
    for (_, c), n in zip(communes.iterrows(), counts):
        if n > 99:
            raise ValueError(f"{c.locality_id}: {n} villages do not fit a two-digit suffix")
        rng = rng_for("village", c.locality_id)
        w = rng.gamma(4.0, 1.0, n)
        pop = apportion(int(c.population), w)
        pop14 = apportion(int(c.population_14plus), pop)
        jitter = rng.normal(0.0, VILLAGE_JITTER_DEG, (n, 2))
        urban = c.unit_type in ("phường", "thị trấn")
        label, kind = ("Tổ dân phố", "tổ dân phố") if urban else ("Thôn", "thôn")
        for k in range(n):
            rows.append({
                "locality_id": f"{c.locality_id}-T{k + 1:02d}", "name": f"{label} {k + 1}",
                "short_name": f"{label} {k + 1}", "level": "village",
                "parent_id": c.locality_id, "unit_type": kind, "urban_class": c.urban_class,
                "province": c.province, "lat": c.lat + jitter[k, 0], "lon": c.lon + jitter[k, 1],
                "population": int(pop[k]), "population_14plus": int(pop14[k]),
                "row_synthetic": True, "population_synthetic": True, "coords_synthetic": True,
                # a village outlives a dissolved commune (it passes to the successor)
                "valid_from": "", "valid_to": LEGACY_VALID_TO, "former_names": "",
                "renamed_on": "", "successor_id": "", "change_ref": "",
            })
    return pd.DataFrame(rows)


def provincial_2023(national: pd.DataFrame, code: str, pops: dict) -> pd.DataFrame:
    """One province of the legacy geography with synthetic villages added."""
    districts = national[(national["level"] == "district") & (national["parent_id"] == code)]
    communes = national[(national["level"] == "commune")
                        & national["parent_id"].isin(districts["locality_id"])]
    villages = villages_for(communes, pops["provinces"][code]["villages"]["total"])
    province = national[(national["level"] == "province") & (national["locality_id"] == code)]
    return pd.concat([province, districts, communes, villages], ignore_index=True)


# --------------------------------------------------------------------------- 2025
def old_key_index(legacy: pd.DataFrame) -> pd.Series:
    """Map the converter's ``province_district_ward`` keys to legacy commune codes."""
    rows = legacy[legacy["wardCode"].notna() & legacy["wardKey"].notna()]
    keys = rows["provinceKey"] + "_" + rows["districtKey"] + "_" + rows["wardKey"]
    return pd.Series(rows["wardCode"].to_numpy(), index=keys.to_numpy())


def merger_pairs(conv: dict, new_province_key: str) -> list[tuple[str, str, bool]]:
    """(old key, new ward key, is_default) for every old commune of a new province."""
    pairs = [(old, new, True)
             for new, olds in conv["DICT_PROVINCE_WARD_NO_DIVIDED"][new_province_key].items()
             for old in olds]
    for old, targets in conv["DICT_PROVINCE_WARD_DIVIDED"].get(new_province_key, {}).items():
        pairs += [(old, t["newWardKey"], bool(t["isDefaultNewWard"])) for t in targets]
    return pairs


def merger_for(new_code: str, legacy: pd.DataFrame, new: pd.DataFrame, conv: dict,
               national: pd.DataFrame) -> pd.DataFrame:
    """Old -> new commune rows for the new province ``new_code`` (weights sum to 1)."""
    wards = new[new["provinceCode"] == new_code].set_index("wardKey")
    pairs = pd.DataFrame(merger_pairs(conv, wards["provinceKey"].iloc[0]),
                         columns=["old_key", "new_key", "is_default"])
    pairs["old_id"] = pairs["old_key"].map(old_key_index(legacy))
    if pairs["old_id"].isna().any() or not pairs["new_key"].isin(wards.index).all():
        raise RuntimeError(f"converter keys of province {new_code} do not resolve")
    old = national.set_index("locality_id")
    pairs["share"] = pairs["is_default"].map(SPLIT_SHARES)
    pairs["split"] = pairs.groupby("old_id")["new_key"].transform("size") > 1
    pairs["share"] = pairs["share"].where(pairs["split"], 1.0)
    pairs["population_weight"] = pairs["share"] / pairs.groupby("old_id")["share"].transform("sum")
    pairs["population_part"] = 0
    for old_id, idx in pairs.groupby("old_id").indices.items():
        pairs.loc[pairs.index[idx], "population_part"] = apportion(
            int(old.at[old_id, "population"]), pairs["population_weight"].iloc[idx])
    districts = old.loc[pairs["old_id"], "parent_id"].to_numpy()
    out = pd.DataFrame({
        "old_id": pairs["old_id"], "old_name": old.loc[pairs["old_id"], "name"].to_numpy(),
        "old_district_id": districts, "old_district": old.loc[districts, "name"].to_numpy(),
        "old_province": old.loc[pairs["old_id"], "province"].to_numpy(),
        "new_id": wards.loc[pairs["new_key"], "wardCode"].to_numpy(),
        "new_name": wards.loc[pairs["new_key"], "ward"].to_numpy(),
        "new_province": wards.loc[pairs["new_key"], "provinceShort"].to_numpy(),
        "population_weight": pairs["population_weight"].round(6),
        "population_part": pairs["population_part"].astype(int),
        "is_default": pairs["is_default"], "split": pairs["split"],
        "weight_synthetic": pairs["split"],
    })
    return out.sort_values(["old_id", "new_id"], kind="stable").reset_index(drop=True)


def former_district(m: pd.DataFrame) -> pd.Series:
    """The pre-2025 district that gave each new commune the largest part of its population
    (ties: the lower district code); indexed by new commune id."""
    parts = m.groupby(["new_id", "old_district_id"])["population_part"].sum().reset_index()
    parts = parts.sort_values(["new_id", "population_part", "old_district_id"],
                              ascending=[True, False, True], kind="stable")
    return parts.drop_duplicates("new_id").set_index("new_id")["old_district_id"]


def merged_2025(new_code: str, new: pd.DataFrame, merger: pd.DataFrame,
                national: pd.DataFrame) -> pd.DataFrame:
    """Province and commune rows of a merged province of 1 July 2025."""
    wards = new[new["provinceCode"] == new_code]
    old = national.set_index("locality_id")
    m = merger[merger["new_province"] == wards["provinceShort"].iloc[0]].copy()
    m["part14"] = 0
    for old_id, idx in m.groupby("old_id").indices.items():
        m.loc[m.index[idx], "part14"] = apportion(int(old.at[old_id, "population_14plus"]),
                                                  m["population_weight"].iloc[idx])
    pop = m.groupby("new_id")[["population_part", "part14"]].sum()
    communes = pd.DataFrame({
        "locality_id": wards["wardCode"], "name": wards["ward"], "short_name": wards["wardShort"],
        "level": "commune", "parent_id": new_code, "unit_type": wards["wardType"].map(unit_type),
        "urban_class": wards["wardType"].map(WARD_CLASS_2025),
        "province": wards["provinceShort"], "lat": wards["wardLat"], "lon": wards["wardLon"],
        "population": pop["population_part"].reindex(wards["wardCode"]).to_numpy(),
        "population_14plus": pop["part14"].reindex(wards["wardCode"]).to_numpy(),
        "row_synthetic": False, "population_synthetic": True, "coords_synthetic": False,
        "former_district_id": former_district(m).reindex(wards["wardCode"]).to_numpy(),
    })
    first = wards.iloc[0]
    province = pd.DataFrame([{
        "locality_id": new_code, "name": first["province"], "short_name": first["provinceShort"],
        "level": "province", "parent_id": "", "unit_type": "tỉnh", "urban_class": "",
        "province": first["provinceShort"], "lat": first["provinceLat"],
        "lon": first["provinceLon"], "population": int(communes["population"].sum()),
        "population_14plus": int(communes["population_14plus"].sum()),
        "row_synthetic": False, "population_synthetic": True, "coords_synthetic": False,
    }])
    return pd.concat([province, communes], ignore_index=True)


# --------------------------------------------------------------------------- dates
def dated_legacy(df: pd.DataFrame) -> pd.DataFrame:
    """Add the dated columns to legacy rows: every unit ends on 30/06/2025; the units of
    ``REARRANGEMENT_2023_2025`` get their end, successor, former name and resolution."""
    df = df.copy()
    df["valid_from"], df["valid_to"] = "", LEGACY_VALID_TO
    for col in ("former_names", "renamed_on", "successor_id", "change_ref"):
        df[col] = ""
    at = {lid: i for i, lid in zip(df.index, df["locality_id"])}
    for change in REARRANGEMENT_2023_2025:
        gone, succ = at[change["dissolved"]["id"]], at[change["successor"]]
        df.loc[gone, ["valid_to", "successor_id", "change_ref"]] = \
            [change["valid_to"], change["successor"], change["ref"]]
        df.loc[succ, "change_ref"] = change["ref"]
        if change["successor_former_name"]:
            df.loc[succ, ["former_names", "renamed_on"]] = \
                [change["successor_former_name"], change["renamed_on"]]
    return df


def as_of(df: pd.DataFrame, day: str) -> pd.DataFrame:
    """The rows of a built frame in force on ``day`` (emusim.registry.in_force on text columns)."""
    from emusim.registry import in_force

    typed = df.set_index("locality_id", drop=False).copy()
    for col in ("valid_from", "valid_to", "renamed_on"):
        typed[col] = pd.to_datetime(typed[col].where(typed[col] != ""), format="%Y-%m-%d")
    out = in_force(typed, day)
    for col in ("valid_from", "valid_to", "renamed_on"):
        out[col] = out[col].dt.strftime("%Y-%m-%d").fillna("")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- output
def finish(df: pd.DataFrame, extra: list[str] = ()) -> pd.DataFrame:
    """Add the summary ``synthetic`` flag, round coordinates and order the columns
    (``extra`` columns last)."""
    df = df.copy()
    df["synthetic"] = df["row_synthetic"] | df["population_synthetic"] | df["coords_synthetic"]
    df["lat"] = df["lat"].astype(float).round(6)
    df["lon"] = df["lon"].astype(float).round(6)
    for col in ("population", "population_14plus"):
        df[col] = df[col].astype(int)
    return df[COLUMNS + list(extra)]


def write_csv(df: pd.DataFrame, name: str) -> Path:
    """Write ``df`` to ``data/localities/<name>.csv`` (UTF-8, LF line ends)."""
    path = OUT_DIR / f"{name}.csv"
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def build_all() -> dict[str, pd.DataFrame]:
    """Build every registry and the merger table; return them by file stem."""
    legacy, new, conv, pops = read_legacy(), read_2025(), read_converter(), read_populations()
    national = finish(dated_legacy(legacy_frames(legacy, pops)))
    out = {"national_2023": national}
    for name, code in PROVINCIAL_2023.items():
        out[name] = finish(provincial_2023(national, code, pops))
    # the merger maps the units of 30/06/2025 (dissolved communes have passed to their successors)
    last_day = as_of(national, LEGACY_VALID_TO)
    mergers = [merger_for(code, legacy, new, conv, last_day) for code in MERGED_2025.values()]
    out["merger_2025"] = pd.concat(mergers, ignore_index=True)[MERGER_COLUMNS]
    for name, code in MERGED_2025.items():
        merged = merged_2025(code, new, out["merger_2025"], last_day)
        merged["valid_from"], merged["valid_to"] = MERGED_VALID_FROM, ""
        merged["former_names"] = merged["renamed_on"] = merged["successor_id"] = ""
        merged["change_ref"] = MERGER_REFS[name]
        merged["former_district_id"] = merged["former_district_id"].fillna("")
        out[name] = finish(merged, extra=["former_district_id"])
    return out


def main() -> int:
    """Build, write and validate every file; print a count summary."""
    from emusim.registry import load_registry

    for name, df in build_all().items():
        path = write_csv(df, name)
        if name == "merger_2025":
            print(f"{path.name}: {len(df)} rows, {df['old_id'].nunique()} old communes, "
                  f"{df['new_id'].nunique()} new communes")
            continue
        reg = load_registry(path)
        counts = reg["level"].value_counts().reindex(
            ["province", "district", "commune", "village"]).fillna(0).astype(int)
        print(f"{path.name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
