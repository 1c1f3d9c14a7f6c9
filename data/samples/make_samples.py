"""Write the sample observation and task-status files of ``data/samples/``.

Run from the repository root: ``python data/samples/make_samples.py``. The values are made
up (plausible, not real); the locality ids, indicators and tasks are real (registries,
catalog, scenarios). Deterministic: no random draws. The XLSX file differs between runs
only in its internal timestamps.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

import emusim  # noqa: E402


def _write_csv(path: Path, header: list, rows: list) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# ---------------------------------------------------------------- Hà Giang, wide CSV
HG_COMMUNES = [  # (id, name) from data/localities/ha_giang_2023.csv
    ("00688", "Phường Quang Trung"),      # city
    ("00715", "Xã Lũng Cú"),              # rural, Đồng Văn
    ("00721", "Thị trấn Đồng Văn"),       # district_town
    ("00769", "Thị trấn Mèo Vạc"),        # district_town
    ("00982", "Xã Minh Sơn"),             # rural, Bắc Mê
    ("01153", "Thị trấn Việt Quang"),     # district_town, Bắc Quang
]
# the gate indicators (Annex 3 "phải phấn đấu hoàn thành", III.1.x): values that pass
GATE_VALUES = {"cccd_application_rate": 1.0, "population_data_cleaned_rate": 1.0,
               "cadre_eid_rate": 1.0, "eid_registration_rate": 0.96,
               "eid_activation_rate": 0.93, "dvc_de_an_06_rate": 0.82}
# three ratio styles in turn: "85%", "0.9", "85,5 %"
_STYLES = ("pct", "dot", "comma_pct")


def _ratio(value: float, style: str) -> str:
    if style == "pct":
        return f"{value * 100:g}%"
    if style == "dot":
        return f"{value:g}"
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def ha_giang_wide() -> None:
    scheme = emusim.load_plan(ROOT / "scenarios/ha_giang_186_2023.yaml").scheme("commune")
    cat = emusim.load_catalog()
    inds = list(scheme.indicators)
    header = ["locality_id", "name"] + inds
    rows = []
    for k, (lid, name) in enumerate(HG_COMMUNES):
        row = [lid, name]
        for j, ind in enumerate(inds):
            unit = cat[ind].unit
            if unit == "ratio":
                # deterministic plausible values between 0.55 and 1.0
                v = 0.55 + ((k * 7 + j * 13) % 46) / 100
                if ind == "eid_activation_rate" and lid == "00715":
                    v = 0.855  # written "85,5 %" (the module docstring reads it back)
                    row.append("85,5 %")
                    continue
                if ind in GATE_VALUES:  # communes 1-3 reach every mandatory target
                    v = GATE_VALUES[ind] if k in (1, 2, 3) else round(GATE_VALUES[ind] - 0.04, 2)
                row.append(_ratio(round(v, 3), _STYLES[(k + j) % 3]))
            elif unit == "bool":
                row.append(("có", "1", "x", "không", "", "true")[(k + j) % 6])
            elif unit == "count":
                if ind == "security_incidents":
                    row.append("0")
                elif ind.startswith(("report_", "criticism_", "central_", "province_")):
                    row.append("1" if (k + j) % 5 == 0 else "0")   # rare events
                else:
                    row.append(str((k * 3 + j) % 9 + (1 if ind == "de_an_06_models_implemented" else 0)))
            else:  # points
                row.append(("0", "2,5", "5")[k % 3])
        rows.append(row)
    _write_csv(HERE / "ha_giang_communes_2023-11_wide.csv", header, rows)


# ---------------------------------------------------------------- Lào Cai, long XLSX
LC_COMMUNES = [("02635", "Phường Duyên Hải"), ("02683", "Thị trấn Bát Xát"),
               ("02752", "Xã Pha Long"), ("02839", "Thị trấn Bắc Hà"), ("03001", "Phường Sa Pa")]


def lao_cai_long() -> None:
    import openpyxl

    scheme = emusim.load_plan(ROOT / "scenarios/lao_cai_cds_2022.yaml").scheme("commune")
    cat = emusim.load_catalog()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(["locality_id", "name", "period", "indicator", "value"])
    for k, (lid, name) in enumerate(LC_COMMUNES):
        for j, ind in enumerate(scheme.indicators):
            unit = cat[ind].unit
            if unit == "ratio":
                v = round(0.6 + ((k * 11 + j * 17) % 41) / 100, 2)
                if (k + j) % 3 == 0:
                    ws.append([lid, name, "2025-06", ind, v])        # a number cell …
                    ws.cell(ws.max_row, 5).number_format = "0%"      # … shown as a percentage
                elif (k + j) % 3 == 1:
                    ws.append([lid, name, "2025-06", ind, f"{v * 100:g}%"])
                else:
                    ws.append([lid, name, "2025-06", ind, f"{v:g}".replace(".", ",")])
            else:
                ws.append([lid, name, "2025-06", ind, ("có", "không", "x", 1, 0)[k % 5]])
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["D"].width = 38
    wb.save(HERE / "lao_cai_communes_2025-06_long.xlsx")


# ---------------------------------------------------------------- bad files
LC_IDS = [lid for lid, _ in LC_COMMUNES[:3]]
LC_HEADER = ["locality_id", "work_files_online_rate", "electronic_documents_rate",
             "socioeconomic_reports_via_system_rate", "emulation_registered"]


def bad_files() -> None:
    bad = HERE / "bad"
    bad.mkdir(exist_ok=True)
    ok = [["0.7", "100%", "100 %", "có"], ["65%", "0,95", "1", "x"], ["80,5 %", "1", "90%", "1"]]

    rows = [[lid] + list(v) for lid, v in zip(LC_IDS, ok)]
    rows[1][1] = "85"                                         # row 3, a bare 85 for a ratio
    _write_csv(bad / "bare_ratio_85.csv", LC_HEADER, rows)

    rows = [[lid] + list(v) for lid, v in zip(LC_IDS, ok)]
    rows[2][2] = "120%"                                       # row 4: above 100 %
    rows[0][1] = "-0.1"                                       # row 2: negative ratio
    _write_csv(bad / "out_of_range.csv", LC_HEADER, rows)

    header = ["locality_id", "work_files_online_rate", "electronic_document_rate",   # typo
              "socioeconomic_reports_via_system_rate", "emulation_registered"]
    _write_csv(bad / "unknown_indicator.csv", header, [[lid] + list(v) for lid, v in zip(LC_IDS, ok)])

    _write_csv(bad / "missing_indicator.csv", LC_HEADER[:-1],               # no emulation_registered
               [[lid] + list(v[:-1]) for lid, v in zip(LC_IDS, ok)])

    long_header = ["locality_id", "period", "indicator", "value"]
    _write_csv(bad / "unknown_locality.csv", long_header, [
        ["02635", "2025-06", "work_files_online_rate", "0.7"],
        ["99999", "2025-06", "work_files_online_rate", "0.8"],          # row 3
    ])
    _write_csv(bad / "duplicate_row.csv", long_header, [
        ["02635", "2025-06", "work_files_online_rate", "0.7"],
        ["02683", "2025-06", "work_files_online_rate", "0.8"],
        ["02635", "2025-06", "work_files_online_rate", "72%"],          # row 4 repeats row 2
    ])
    _write_csv(bad / "unparseable.csv", long_header, [
        ["02635", "2025-06", "work_files_online_rate", "n/a"],          # row 2
        ["02635", "2025-06", "emulation_registered", "maybe"],          # row 3
    ])
    _write_csv(bad / "missing_column.csv", ["locality_id", "period", "indicator"], [
        ["02635", "2025-06", "work_files_online_rate"],
    ])


# ---------------------------------------------------------------- KH 21 task status
def task_status() -> None:
    """A status table for some KH 21/2025 tasks as of early December 2025 (made up)."""
    rows = [
        # dated tasks: task_id, unit, period, completed_on
        ("1.4", "Các cơ quan chuyên môn thuộc UBND tỉnh", "", "2025-09-26"),
        ("1.4", "cơ quan chủ trì soạn thảo trình ban hành văn bản", "", "2025-10-06"),
        ("1.6", "Các cơ quan chuyên môn thuộc UBND tỉnh", "", "2025-07-30"),
        ("1.6", "UBND cấp xã", "", "2025-08-12"),
        ("1.8", "Sở Khoa học và Công nghệ", "", "2025-07-09"),
        ("1.9", "Sở Tài chính", "", ""),
        ("2.1", "Sở Khoa học và Công nghệ", "", "2025-07-31"),
        ("2.3", "Sở Khoa học và Công nghệ", "", "2025-06-27"),
        ("2.3", "Công an tỉnh", "", "2025-06-30"),
        ("2.5", "Sở Khoa học và Công nghệ", "", ""),
        ("3.4", "Công an tỉnh", "", "2025-08-29"),
        ("3.5", "Văn phòng UBND tỉnh", "", "2025-07-01"),
        ("3.6", "Văn Phòng  UBND tỉnh", "", "2025-07-15"),   # spelling variant, late
        ("4.3", "Văn phòng UBND tỉnh", "", ""),
        ("5.3", "Sở Nội vụ", "", "2025-08-28"),
        ("5.4", "Sở Khoa học và Công nghệ", "", ""),
        ("6.19", "Sở Y tế", "", "2025-10-03"),
        ("6.30", "Tòa án nhân dân tỉnh", "", "2025-09-30"),
        ("6.30", "Sở Tư pháp", "", "2025-09-29"),
        ("6.30", "Công an tỉnh", "", ""),
        ("1.2", "Văn phòng UBND tỉnh", "", "2025-08-20"),   # no deadline: listed, not judged
    ]
    # recurring tasks: one row per monthly report (period = the report's month)
    recurring = {
        "3.1": ("Công an tỉnh", ["2025-08-08", "2025-09-09", "2025-10-08", "2025-11-07"]),
        "6.27": ("Công an tỉnh", ["2025-08-09", "2025-09-12", "2025-10-09", ""]),
        "2.2": ("Sở Khoa học và Công nghệ", ["2025-08-07", "2025-09-09", "2025-10-10", "2025-11-09"]),
        "6.28": ("Sở Y tế", ["2025-08-09", "2025-09-09", "2025-10-09", "2025-11-09"]),
    }
    for tid, (unit, dates) in recurring.items():
        for month, done in zip(("2025-08", "2025-09", "2025-10", "2025-11"), dates):
            rows.append((tid, unit, month, done))
    # 2.8 "Hoàn thành trong tháng 06/2025 và duy trì thực hiện thường xuyên" (maintain: true): done
    # in June, then monthly upkeep reports 08 (on time), 09 (late), 10 (on time), 11 missing
    rows += [("2.8", "Sở Khoa học và Công nghệ", "", "2025-06-25"),
             ("2.8", "Sở Khoa học và Công nghệ", "2025-08", "2025-08-06"),
             ("2.8", "Sở Khoa học và Công nghệ", "2025-09", "2025-09-10"),
             ("2.8", "Sở Khoa học và Công nghệ", "2025-10", "2025-10-08")]
    _write_csv(HERE / "tuyen_quang_kh21_status.csv", ["task_id", "unit", "period", "completed_on"],
               [list(r) for r in rows])


if __name__ == "__main__":
    ha_giang_wide()
    lao_cai_long()
    bad_files()
    task_status()
    print("wrote", ", ".join(sorted(p.name for p in HERE.glob("*.*") if p.suffix in (".csv", ".xlsx"))))
