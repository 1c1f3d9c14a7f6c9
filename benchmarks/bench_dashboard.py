"""The dashboard as a visitor meets it, measured in Debian's Chromium (a benchmark, not a test).

Serves ``notebooks/explorer.ipynb`` with Voilà exactly as ``make dashboard`` does (the
repository's ``voila.json``: the offline template and one preheated kernel), then with Playwright:

* **cold load**: from ``page.goto`` to an interactive page (the award table of Hà Giang's
  193 communes drawn and the city-uplift slider present), for a fresh browser context each
  visit; the preheated kernel is given time to refill between visits, as between visitors.
  Also measured once with preheating off (the kernel started on request), for comparison.
* **browser round trip**: a key press on the city-uplift slider (in the page, via a synthetic
  ``keydown``) until the redrawn command line is in the DOM (a MutationObserver), so it
  includes the widget message to the kernel, the re-score, the redraw and the update back.

Targets (issue 15): cold load < 3 s; round trip < 150 ms median.

    python benchmarks/bench_dashboard.py
"""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]
LOAD_TARGET_S = 3.0
ROUND_TRIP_TARGET_MS = 150.0

_ROUND_TRIP_JS = """
async (n) => {
  const handle = document.querySelector('.emusim-uplift-city .noUi-handle');
  const cli = document.querySelector('.emusim-cli-box');
  const out = [];
  for (let k = 0; k < n; k++) {
    const key = (k % 20) < 10 ? 'ArrowRight' : 'ArrowLeft';
    const before = cli.innerText;
    const t0 = performance.now();
    const done = new Promise(resolve => {
      const obs = new MutationObserver(() => {
        if (cli.innerText !== before) { obs.disconnect(); resolve(performance.now() - t0); }
      });
      obs.observe(cli, {subtree: true, childList: true, characterData: true});
    });
    handle.dispatchEvent(new KeyboardEvent('keydown', {key: key, code: key, keyCode: key === 'ArrowRight' ? 39 : 37,
                                                        which: key === 'ArrowRight' ? 39 : 37, bubbles: true}));
    out.push(await done);
    await new Promise(r => setTimeout(r, 60));
  }
  return out;
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Voila:
    def __init__(self, preheat: bool = True):
        self.port = _free_port()
        voila = Path(sys.executable).with_name("voila")
        argv = [str(voila), str(ROOT / "notebooks" / "explorer.ipynb"), "--no-browser", f"--port={self.port}",
                "--Voila.ip=127.0.0.1"]
        if not preheat:
            argv.append("--VoilaConfiguration.preheat_kernel=False")
        env = {**os.environ, "JUPYTER_PATH": str(ROOT / "share" / "jupyter"), "PYTHONPATH": str(ROOT)}
        self.log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"emusim_bench_voila_{self.port}.log", "w")
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.time() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("voila did not start")
                time.sleep(0.3)

    def fills(self) -> int:
        return Path(self.log.name).read_text(errors="replace").count("is filled with")

    def wait_pool(self, after: int = 0, timeout: float = 180) -> None:
        """Until the pool has been filled more than ``after`` times, then a while longer: the
        preheated kernel runs the notebook up to the visitor's request (imports, ``warm()``)."""
        deadline = time.time() + timeout
        while time.time() < deadline and self.fills() <= after:
            time.sleep(0.5)
        time.sleep(float(os.environ.get("EMUSIM_BENCH_SETTLE", "8")))

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _load(browser, url: str) -> tuple[float, object, object]:
    context = browser.new_context(viewport={"width": 1024, "height": 1400})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".emusim-award-table table tbody tr", timeout=120_000)
    page.wait_for_selector(".emusim-uplift-city .noUi-handle", timeout=120_000)
    return time.perf_counter() - t0, page, context


def measure(visits: int = 3, trips: int = 30) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            server = Voila(preheat=True)
            try:
                server.wait_pool()
                loads = []
                for k in range(visits):
                    filled = server.fills()
                    seconds, page, context = _load(browser, server.url)
                    loads.append(seconds)
                    if k == visits - 1:
                        time.sleep(1.0)
                        out["trips"] = page.evaluate(_ROUND_TRIP_JS, trips)
                    context.close()
                    if k < visits - 1:
                        server.wait_pool(after=filled)
                out["loads"] = loads
            finally:
                server.close()
            server = Voila(preheat=False)
            try:
                seconds, page, context = _load(browser, server.url)
                out["load_no_preheat"] = seconds
                context.close()
            finally:
                server.close()
        finally:
            browser.close()
    return out


def run() -> list[dict]:
    if not Path(CHROMIUM).exists():
        return [{"figure": "dashboard in Chromium", "value": "skipped", "target": "/usr/bin/chromium missing", "ratio": ""}]
    m = measure()
    load = statistics.median(m["loads"])
    trips = sorted(m["trips"])
    trip = statistics.median(trips)
    p95 = trips[int(0.95 * (len(trips) - 1))]
    return [
        {"figure": f"dashboard cold load → interactive, Hà Giang communes (Chromium, median of {len(m['loads'])})",
         "value": f"{load:.2f} s", "target": f"< {LOAD_TARGET_S:.0f} s",
         "ratio": f"{load / LOAD_TARGET_S:.2f} of target", "ok": load < LOAD_TARGET_S},
        {"figure": "dashboard cold load, kernel started on request (no preheat)", "value": f"{m['load_no_preheat']:.2f} s",
         "target": "(for comparison)", "ratio": ""},
        {"figure": f"browser round trip: slider key → redrawn page (median of {len(trips)})", "value": f"{trip:.0f} ms",
         "target": f"< {ROUND_TRIP_TARGET_MS:.0f} ms", "ratio": f"{trip / ROUND_TRIP_TARGET_MS:.2f} of target",
         "ok": trip < ROUND_TRIP_TARGET_MS},
        {"figure": "browser round trip: p95", "value": f"{p95:.0f} ms", "target": "", "ratio": ""},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']:<90} {row['value']:>10}  {row['target']:<18} {row['ratio']}")
