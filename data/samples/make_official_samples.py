"""Write ``data/samples/official/``: the canonical Hà Giang sample as officials would send it.

Every workbook holds the same values as ``ha_giang_communes_2023-11_wide.csv`` (the tests
assert it), written the way provincial and district offices write their sheets: title rows,
Vietnamese headers, names instead of codes, codes without their leading zeros, "(%)"
headers, a numbering row, totals rows, district sub-headings, merged district cells, the
long form with Vietnamese headers, Windows-1258 and UTF-8-BOM CSVs, semicolon CSVs.

Run from the repository root: ``python data/samples/make_official_samples.py``. Deterministic.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "official"
sys.path.insert(0, str(ROOT))

import emusim  # noqa: E402

TITLE = "BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA ĐỀ ÁN 06 THÁNG 11/2023"
NAMES = {"00688": "P. Quang Trung", "00715": "Xã Lũng Cú", "00721": "TT Đồng Văn",
         "00769": "TT. Mèo Vạc", "00982": "xã Minh Sơn", "01153": "Thị trấn Việt Quang"}
PLAIN = {"00688": "phuong Quang Trung", "00715": "xa Lung Cu", "00721": "thi tran Dong Van",
         "00769": "Thi tran Meo Vac", "00982": "Xa Minh Son", "01153": "TT Viet Quang"}


def canonical():
    plan = emusim.load_plan(ROOT / "scenarios/ha_giang_186_2023.yaml")
    scheme = plan.scheme("commune")
    reg = emusim.load_registry("ha_giang_2023")
    panel = emusim.read_observations(HERE / "ha_giang_communes_2023-11_wide.csv", registry=reg,
                                     scheme=scheme, period="2023-11")
    return scheme, reg, panel.at("2023-11")[list(scheme.indicators)], emusim.load_catalog()


def vn(x: float) -> str:
    """A number the Vietnamese way: 85,5 / 1.000."""
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", ".")
    return f"{x:.6g}".replace(".", ",")


def cell(value, unit, style):
    """One value as an official writes it. style: 'pct_number' (a (%) column), 'text'."""
    if unit == "bool":
        return "có" if value >= 0.5 else "không"
    if unit == "ratio":
        pct = round(value * 100, 6)
        return pct if style == "pct_number" else vn(pct)
    if unit == "count":
        return int(value) if style == "pct_number" else vn(value)
    return value if style == "pct_number" else vn(value)


def header(cat, ind, lang="vi"):
    label = cat[ind].label if lang == "vi" else cat[ind].label_en
    return f"{label} (%)" if cat[ind].unit == "ratio" else label


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: letters it lacks precomposed are written base (+ vowel mark) + tone mark."""
    import unicodedata

    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        vowel = "".join(m for m in parts[1:] if m in "\u0302\u0306\u031b")   # â ê ô ă ơ ư
        tones = "".join(m for m in parts[1:] if m not in vowel)
        out += unicodedata.normalize("NFC", parts[0] + vowel).encode("cp1258") + tones.encode("cp1258")
    return out


def _csv(path, rows, encoding, delimiter):
    import io

    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buf.getvalue()
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))


def districts(reg, lid):
    return reg.at[reg.at[lid, "parent_id"], "name"]


def title_workbook(scheme, reg, values, cat):
    """1. Title rows, STT | Tên đơn vị | Huyện | catalog labels "(%)", numbering row, totals row."""
    import openpyxl

    inds = list(values.columns)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu 01"
    n = 3 + len(inds)
    ws.append(["UBND TỈNH HÀ GIANG"])
    ws.append([TITLE])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws.append(["(Kèm theo Kế hoạch số 186/KH-UBND ngày 14/6/2023)"])
    ws.append([])
    ws.append(["STT", "Tên đơn vị", "Huyện, thành phố"] + [header(cat, i) for i in inds])
    ws.append([f"({k})" for k in range(1, n + 1)])
    for k, (lid, row) in enumerate(values.iterrows(), start=1):
        ws.append([k, NAMES[lid], districts(reg, lid)] + [cell(row[i], cat[i].unit, "pct_number") for i in inds])
    ws.append(["", "Tổng cộng", ""] + [None] * len(inds))
    ws.append(["", "Người lập biểu: Nguyễn Văn A"])
    wb.save(OUT / "01_bieu_tong_hop_thang_11_2023.xlsx")


def codes_csv(scheme, reg, values, cat):
    """2. UTF-8 with BOM (Excel's "CSV UTF-8"); Mã ĐVHC without leading zeros; criterion-id headers."""
    inds = list(values.columns)
    by_ind = {}
    for c in scheme.criteria:
        if len(set(c.indicators)) == 1:
            by_ind.setdefault(c.indicators[0], c.id)
    heads = [(f"{by_ind[i]} {c_label(scheme, by_ind[i])}" if i in by_ind else i) for i in inds]
    rows = [["Mã ĐVHC", "Tên đơn vị"] + heads]
    for lid, row in values.iterrows():
        rows.append([str(int(lid)), reg.at[lid, "name"]] + [cell(row[i], cat[i].unit, "text") + ("%" if cat[i].unit == "ratio" else "")
                                                         for i in inds])
    _csv(OUT / "02_ma_dvhc_khong_so_0_utf8_bom.csv", rows, "utf-8-sig", ",")


def c_label(scheme, cid):
    return scheme.criterion(cid).label[:40].strip()


def cp1258_csv(scheme, reg, values, cat):
    """3. Windows-1258, semicolons, a title row, names without diacritics, Vietnamese "(%)" headers."""
    inds = list(values.columns)
    rows = [[TITLE], ["STT", "Tên xã, phường, thị trấn"] + [header(cat, i) for i in inds]]
    for k, (lid, row) in enumerate(values.iterrows(), start=1):
        rows.append([str(k), PLAIN[lid]] + [cell(row[i], cat[i].unit, "text") for i in inds])
    rows.append(["", "Cộng"] + [""] * len(inds))
    _csv(OUT / "03_windows_1258_cham_phay.csv", rows, "cp1258", ";")


def long_workbook(scheme, reg, values, cat):
    """4. Long form with Vietnamese headers: Mã xã | Tên xã | Kỳ báo cáo | Chỉ tiêu | Giá trị."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "So lieu"
    ws.append(["Mã xã", "Tên xã", "Kỳ báo cáo", "Chỉ tiêu", "Giá trị", "Đơn vị tính"])
    for lid, row in values.iterrows():
        for ind in values.columns:
            unit = cat[ind].unit
            v = row[ind]
            shown = f"{vn(round(v * 100, 6))} %" if unit == "ratio" else cell(v, unit, "text")
            ws.append([lid, reg.at[lid, "name"], "11/2023", cat[ind].label, shown,
                       {"ratio": "%", "bool": "có/không", "count": "số lượng", "points": "điểm"}[unit]])
    wb.save(OUT / "04_dang_dai_tieu_de_tieng_viet.xlsx")


def semicolon_csv(scheme, reg, values, cat):
    """5. UTF-8 (no BOM), semicolons, English labels, a period column "tháng 11/2023", totals row."""
    inds = list(values.columns)
    rows = [["Tên đơn vị", "Huyện", "Kỳ báo cáo"] + [header(cat, i, "en") for i in inds]]
    for lid, row in values.iterrows():
        rows.append([NAMES[lid], districts(reg, lid), "tháng 11/2023"] + [cell(row[i], cat[i].unit, "text") for i in inds])
    rows.append(["Toàn tỉnh", "", ""] + [""] * len(inds))
    _csv(OUT / "05_utf8_cham_phay_nhan_tieng_anh.csv", rows, "utf-8", ";")


def district_workbook(scheme, reg, values, cat):
    """6. District sub-heading rows ("I | Huyện Đồng Văn"), names without prefix, merged district
    cells, a blank column, percent-formatted cells under plain headers, a second sheet of notes."""
    import openpyxl

    inds = list(values.columns)
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Hướng dẫn"
    notes.append(["Số liệu ở trang 'Số liệu'"])
    ws = wb.create_sheet("Số liệu")
    ws.append(["KẾT QUẢ ĐỀ ÁN 06 CẤP XÃ - THÁNG 11/2023"])
    ws.append([])
    ws.append(["STT", "Huyện", "Đơn vị", None] + [cat[i].label for i in inds] + ["Ghi chú"])
    order = sorted(values.index, key=lambda lid: (districts(reg, lid), lid))
    current, start = None, None
    roman = iter(["I", "II", "III", "IV", "V", "VI", "VII"])
    for lid in order:
        d = districts(reg, lid)
        if d != current:
            if start is not None and ws.max_row > start:
                ws.merge_cells(start_row=start, start_column=2, end_row=ws.max_row, end_column=2)
            ws.append([next(roman), None, d])
            current, start = d, ws.max_row + 1
        row = values.loc[lid]
        ws.append([None, d, reg.at[lid, "short_name"], None] + [
            float(row[i]) if cat[i].unit == "ratio" else cell(row[i], cat[i].unit, "pct_number") for i in inds] + [""])
        for j, i in enumerate(inds):
            if cat[i].unit == "ratio":
                ws.cell(ws.max_row, 5 + j).number_format = "0.0%"
    if start is not None and ws.max_row > start:
        ws.merge_cells(start_row=start, start_column=2, end_row=ws.max_row, end_column=2)
    ws.append([None, None, "Tổng số"] + [None] * len(inds))
    wb.save(OUT / "06_theo_huyen_o_gop.xlsx")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    args = canonical()
    for make in (title_workbook, codes_csv, cp1258_csv, long_workbook, semicolon_csv, district_workbook):
        make(*args)
    print("wrote", ", ".join(sorted(p.name for p in OUT.iterdir())))
