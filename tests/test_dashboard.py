"""The Voilà dashboard (notebooks/explorer.ipynb) driven in a real headless Chromium.

Starts ``voila notebooks/explorer.ipynb`` on a free port, opens it with Playwright using
Debian's ``/usr/bin/chromium`` (Playwright's own browser download is not used), moves the
city-uplift slider with the keyboard, and checks that the award table and the headline
change. A screenshot is saved in ``tmp_path`` and copied to ``/tmp/emusim_dashboard.png``.
"""
from __future__ import annotations

import shutil
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
REVIEW_COPY = Path("/tmp/emusim_dashboard.png")

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
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
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


def test_moving_the_city_uplift_slider_changes_the_award_table(voila_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1500, "height": 1900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(voila_url, timeout=120_000)
    page.wait_for_selector(".emusim-award-table table tbody tr", timeout=120_000)
    table = page.locator(".emusim-award-table")
    before = table.inner_text()
    head_before = page.locator(".emusim-headline").inner_text()
    assert "Bằng khen CT UBND tỉnh: 5" in head_before
    assert "Xã" in before and "Phường" in before      # Vietnamese names, diacritics intact
    readout = page.locator(".emusim-uplift-city .widget-readout")
    assert readout.inner_text().strip() == "0.15"

    # move the slider with the keyboard: 15 steps of 0.01 → 0.30
    handle = page.locator(".emusim-uplift-city .noUi-handle")
    handle.focus()
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "b => document.querySelector('.emusim-award-table').innerText !== b", arg=before, timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('.emusim-uplift-city .widget-readout').innerText.trim() === '0.30'",
        timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('.emusim-cli-box').innerText.includes('uplift.city=0.3')", timeout=30_000)
    after = table.inner_text()
    head_after = page.locator(".emusim-headline").inner_text()
    assert after != before
    assert "so với kế hoạch" in head_after             # the diff against the plan is shown
    assert "▼" in after or "▲" in after or "◆" in after
    assert "--set uplift.city=0.3" in page.locator(".emusim-cli-box").inner_text()
    assert not errors, errors

    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copyfile(shot, REVIEW_COPY)
    print(f"dashboard screenshot: {shot} (copy: {REVIEW_COPY})")
    page.close()
