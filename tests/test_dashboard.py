"""The Voilà dashboard (notebooks/explorer.ipynb) driven in a real headless Chromium, 1024 px wide.

Starts ``voila notebooks/explorer.ipynb`` on a free port (with the repository's voila.json and
its offline template, as ``make dashboard`` does), opens it with Playwright using Debian's
``/usr/bin/chromium`` (Playwright's own browser download is not used) and walks through what
an official does: switch to the KH 21 tasks view and to Lào Cai, upload a Vietnamese workbook
and read its import report, move the city-uplift slider and undo it, save the scenario, reload
the page from its URL and find the same view, open the A/B comparison, and download the annex
XLSX (read back with openpyxl). No request leaves the machine. Screenshots:
``/tmp/emusim_dashboard_*.png``.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]
SHOTS = Path("/tmp")

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[browser]')")
    voila = Path(sys.executable).with_name("voila")
    if not voila.exists():
        pytest.skip("voila is not installed (pip install -e '.[notebooks]')")
    port = _free_port()
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [str(voila), str(ROOT / "notebooks" / "explorer.ipynb"), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1", "--Voila.open_browser=False"],
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
            env={**os.environ, "JUPYTER_PATH": str(ROOT / "share" / "jupyter"), "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"voila exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:  # listening? (a GET of the page itself would start a kernel for nothing)
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline:
                    pytest.fail(f"voila did not serve {url} within 60 s:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def lao_cai_workbook(path: Path) -> Path:
    """What a commune official sends: a wide sheet named in Vietnamese, Vietnamese descriptive
    columns (tên, huyện), ratios written "87,5 %" / "0,93" / 0.9, yes/no as có / không / x."""
    import numpy as np
    import openpyxl

    import emusim as es

    reg = es.load_registry("lao_cai_2023")
    communes = reg[reg["level"] == "commune"].head(24)
    rng = np.random.default_rng(7)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu tháng 6-2025"
    ws.append(["locality_id", "tên", "huyện", "work_files_online_rate", "electronic_documents_rate",
               "socioeconomic_reports_via_system_rate", "emulation_registered"])
    for k, (lid, row) in enumerate(communes.iterrows()):
        a, b, c = rng.uniform(0.55, 0.99, 3)
        if k % 3 == 0:
            a, b, c = 1.0, 1.0, 1.0
        parent = reg.at[row["parent_id"], "name"] if row["parent_id"] in reg.index else ""
        ws.append([lid, row["name"], parent, f"{a * 100:.1f} %".replace(".", ","), round(float(b), 2),
                   f"{c:.2f}".replace(".", ","), "có" if k % 3 == 0 else ["không", "x", "có"][k % 3]])
    wb.save(path)
    return path


def pick(page, css: str, starts: str) -> None:
    """Choose the menu item of ``css`` whose text starts with ``starts``."""
    sel = page.locator(f"{css} select")
    labels = sel.evaluate("s => Array.from(s.options).map(o => o.textContent.replace(/\\u00a0/g, ' '))")
    index = next(i for i, lab in enumerate(labels) if lab.startswith(starts))
    sel.select_option(index=index)


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"emusim_dashboard_{name}.png"), full_page=True)


def test_an_official_uses_the_dashboard(voila_url, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1024, "height": 1400}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
    page.goto(voila_url, timeout=120_000)
    page.wait_for_selector(".emusim-award-table table tbody tr", timeout=120_000)
    head = page.locator(".emusim-headline")
    assert "Bằng khen CT UBND tỉnh: 5" in head.inner_text()
    assert "dữ liệu mô phỏng" in page.locator(".emusim-data-label").inner_text()   # simulated, and says so
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024 + 2     # fits 1024 px
    shot(page, "1_ha_giang")

    # --- the KH 21 tasks view
    pick(page, ".emusim-plan", "Tuyên Quang — Kế hoạch triển khai")
    page.wait_for_selector(".emusim-tasks-units tbody tr", timeout=60_000)
    tasks = page.locator(".emusim-tasks").inner_text()
    assert "Tỷ lệ đúng hạn" in tasks and "Nhiệm vụ quá hạn" in tasks and "Sắp đến hạn" in tasks
    assert "Văn phòng UBND tỉnh" in tasks
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024 + 2
    shot(page, "2_kh21")

    # --- Lào Cai, then their own workbook
    pick(page, ".emusim-plan", "Lào Cai")
    page.wait_for_function("() => document.querySelector('.emusim-explorer h2')?.innerText.includes('Lào Cai')",
                           timeout=60_000)
    page.locator(".emusim-source button", has_text="Tệp của đơn vị").click()
    book = lao_cai_workbook(tmp_path / "so_lieu_lao_cai_2025-06.xlsx")
    with page.expect_file_chooser() as chooser:
        page.locator(".emusim-upload").click()
    chooser.value.set_files(str(book))
    page.wait_for_function("() => document.querySelector('.emusim-report').innerText.includes('Đã đọc')",
                           timeout=60_000)
    assert "24 đơn vị" in page.locator(".emusim-report").inner_text()
    page.wait_for_function("() => document.querySelector('.emusim-data-label').innerText.includes('so_lieu_lao_cai')",
                           timeout=30_000)
    assert "24 đơn vị" in page.locator(".emusim-headline").inner_text()
    shot(page, "3_lao_cai_upload")

    # --- back to Hà Giang; move the city uplift, undo it
    pick(page, ".emusim-plan", "Hà Giang")
    page.wait_for_function("() => document.querySelector('.emusim-headline').innerText.includes('193')", timeout=60_000)
    table = page.locator(".emusim-award-table")
    before = table.inner_text()
    readout = page.locator(".emusim-uplift-city-readout")
    assert readout.inner_text().strip() == "+15 điểm %"      # the value written the Vietnamese way
    handle = page.locator(".emusim-uplift-city .noUi-handle")
    handle.focus()
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.emusim-cli-box').innerText.includes('uplift.city=0.3')",
                           timeout=30_000)
    assert table.inner_text() != before and "so với kế hoạch" in head.inner_text()
    page.locator(".emusim-undo").click()
    page.wait_for_function("() => document.querySelector('.emusim-uplift-city-readout').innerText.trim() === '+15 điểm %'",
                           timeout=30_000)
    page.wait_for_function("b => document.querySelector('.emusim-award-table').innerText === b", arg=before,
                           timeout=30_000)
    assert "uplift.city" not in page.locator(".emusim-cli-box").inner_text()

    # --- a scenario worth keeping: uplift 0.30 again (redo), named; saved as YAML
    page.locator(".emusim-redo").click()
    page.wait_for_function("() => document.querySelector('.emusim-cli-box').innerText.includes('uplift.city=0.3')",
                           timeout=30_000)
    name = page.locator(".emusim-scenario-name input")
    name.fill("Phương án 20")
    name.press("Enter")
    page.wait_for_function("() => location.search.includes('name=')", timeout=30_000)
    with page.expect_download() as dl:
        page.locator(".emusim-save-link").click()
    saved = dl.value
    assert saved.suggested_filename == "ha_giang_186_2023_commune_2023-11_Phuong-an-20.yaml"
    import yaml

    doc = yaml.safe_load(Path(saved.path()).read_text(encoding="utf-8"))
    assert doc["adjust"] == {"uplift.city": 0.3} and doc["plan"] == "ha_giang_186_2023" and doc["name"] == "Phương án 20"
    shot(page, "4_scenario")

    # --- the link reopens the same view
    url = page.url
    assert "set=uplift.city%3D0.3" in url
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".emusim-award-table table tbody tr", timeout=120_000)
    assert page.locator(".emusim-uplift-city-readout").inner_text().strip() == "+30 điểm %"
    assert "--set uplift.city=0.3" in page.locator(".emusim-cli-box").inner_text()
    assert page.locator(".emusim-scenario-name input").input_value() == "Phương án 20"
    assert "Hà Giang" in page.locator(".emusim-explorer h2").inner_text()

    # --- A/B: the plan as written vs this scenario
    page.locator(".emusim-tabs .lm-TabBar-tab", has_text="So sánh A/B").click()
    page.wait_for_selector(".emusim-ab-summary", timeout=60_000)
    ab = page.locator(".emusim-compare").inner_text()
    assert "kế hoạch như ban hành" in ab and "Ai mất" in ab        # who loses, and why
    assert "không đạt chỉ tiêu bắt buộc" in ab
    shot(page, "5_ab")

    # --- the annex XLSX through the browser
    page.locator(".emusim-tabs .lm-TabBar-tab", has_text="Tải về").click()
    page.locator(".emusim-prepare").click()
    page.wait_for_selector(".emusim-dl-xlsx", timeout=120_000)
    with page.expect_download() as dl:
        page.locator(".emusim-dl-xlsx").click()
    got = dl.value
    assert got.suggested_filename == "ha_giang_186_2023_commune_2023-11_Phuong-an-20.xlsx"
    import openpyxl

    xlsx = tmp_path / got.suggested_filename
    got.save_as(xlsx)
    wb = openpyxl.load_workbook(xlsx)
    assert "Điều chỉnh" in wb.sheetnames
    rows = [tuple(r) for r in wb["Điều chỉnh"].iter_rows(values_only=True)]
    assert any(r[:3] == ("uplift.city", "0.15", "0.3") and "Mức nâng chỉ tiêu" in (r[3] or "") for r in rows)
    first = wb[wb.sheetnames[0]]
    text = " ".join(str(c) for row in first.iter_rows(max_row=12, values_only=True) for c in row if c)
    assert "Bằng khen" in text or "Khen thưởng" in text
    shot(page, "6_downloads")

    assert not outside, outside       # nothing from outside the machine (no CDN)
    assert not errors, errors
    context.close()
