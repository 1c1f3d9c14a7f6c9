"""Widget update latency (DESIGN §8; a benchmark, not a timed test).

One change of a control — the city-uplift slider or the Bằng khen quota — runs what a
browser slider runs: ``scheme.adjust`` → ``score`` → ``allocate`` → diff against the plan →
headline, ranking chart (SVG), award table (HTML) and command line redrawn. Measured on Hà
Giang communes (193, simulated, seed 1, 11/2023) twice: inside a real Jupyter kernel started
with ``jupyter_client`` (the Explorer displayed, ipywidgets comm messages sent), and in this
process by setting the control's value directly. The browser's rendering is not included.
Target: median under 200 ms.

Also reported, as a ratio: the same update with the chart drawn by matplotlib
(:func:`emusim.charts.ranking` rendered to PNG) — why the live chart is SVG.

    python benchmarks/bench_widgets.py
"""
from __future__ import annotations

import io
import statistics
import time

TARGET_MS = 200.0


def _stats(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return statistics.median(ms), p95


def measure(n: int = 40) -> dict:
    import emusim as es
    from emusim.widgets import Explorer

    plan = es.load_plan("ha_giang_186_2023")
    registry = es.load_registry(plan.registry)
    panel = es.simulate(registry, seed=1)
    ex = Explorer(plan, panel, level="commune", registry=registry)
    uplift = ex._controls["uplift.city"]
    quota = ex._controls["awards.chairman.quota"][0]
    values = [0.15 + 0.01 * (k % 16) for k in range(1, n + 1)]
    ms_uplift = []
    for v in values:
        t0 = time.perf_counter()
        uplift.value = round(v, 2) if abs(v - uplift.value) > 1e-9 else round(v + 0.01, 2)
        ms_uplift.append((time.perf_counter() - t0) * 1000)
    ms_quota = []
    for k in range(n):
        t0 = time.perf_counter()
        quota.value = 3 + k % 5 if quota.value != 3 + k % 5 else 8
        ms_quota.append((time.perf_counter() - t0) * 1000)

    # the same update with a matplotlib PNG of the ranking chart instead of the SVG
    from emusim import charts

    def mpl_update(v):
        ex.set("uplift.city", v)
        fig = charts.ranking(ex.award_table, ex.scheme, ex.score_table, top=ex.top)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=96)

    ms_mpl = []
    for v in (0.2, 0.25, 0.3, 0.22, 0.18):
        t0 = time.perf_counter()
        mpl_update(v)
        ms_mpl.append((time.perf_counter() - t0) * 1000)
    return {"uplift": _stats(ms_uplift), "quota": _stats(ms_quota), "mpl": _stats(ms_mpl), "n": n}


_KERNEL_CODE = """
import json, statistics, time
import emusim as es
from emusim.widgets import Explorer
plan = es.load_plan("ha_giang_186_2023")
registry = es.load_registry(plan.registry)
ex = Explorer(plan, es.simulate(registry, seed=1), level="commune", registry=registry)
display(ex.widget)
slider = ex._controls["uplift.city"]
ms = []
for k in range(1, N + 1):
    v = round(0.15 + 0.01 * (k % 16), 2)
    v = v if abs(v - slider.value) > 1e-9 else round(v + 0.01, 2)
    t0 = time.perf_counter()
    slider.value = v
    ms.append((time.perf_counter() - t0) * 1000)
print("RESULT" + json.dumps({"median": statistics.median(ms), "p95": sorted(ms)[int(0.95 * (len(ms) - 1))]}))
"""


def measure_in_kernel(n: int = 40) -> dict:
    """The same slider updates run inside a real IPython kernel (ipywidgets comms active)."""
    import json

    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        out: list[str] = []

        def collect(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append("ERROR " + "\n".join(msg["content"]["traceback"]))

        kc.execute_interactive(f"N = {n}\n" + _KERNEL_CODE, timeout=300, output_hook=collect)
        text = "".join(out)
        if "RESULT" not in text:
            raise RuntimeError(f"kernel benchmark failed: {text[-2000:]}")
        return json.loads(text.split("RESULT", 1)[1].strip().splitlines()[0])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run() -> list[dict]:
    k = measure_in_kernel()
    m = measure()
    (u_med, u_p95), (q_med, q_p95), (p_med, _) = m["uplift"], m["quota"], m["mpl"]
    return [
        {"figure": "in a Jupyter kernel: city-uplift slider → table and chart redrawn (193 communes): median",
         "value": f"{k['median']:.1f} ms", "target": f"< {TARGET_MS:.0f} ms",
         "ratio": f"{k['median'] / TARGET_MS:.2f} of target", "ok": k["median"] < TARGET_MS},
        {"figure": "in a Jupyter kernel: city-uplift slider: p95", "value": f"{k['p95']:.1f} ms", "target": "", "ratio": ""},
        {"figure": "widget update, city-uplift slider (193 communes): median", "value": f"{u_med:.1f} ms",
         "target": f"< {TARGET_MS:.0f} ms", "ratio": f"{u_med / TARGET_MS:.2f} of target", "ok": u_med < TARGET_MS},
        {"figure": "widget update, city-uplift slider: p95", "value": f"{u_p95:.1f} ms", "target": "",
         "ratio": ""},
        {"figure": "widget update, Bằng khen quota slider: median", "value": f"{q_med:.1f} ms",
         "target": f"< {TARGET_MS:.0f} ms", "ratio": f"{q_med / TARGET_MS:.2f} of target", "ok": q_med < TARGET_MS},
        {"figure": "widget update, Bằng khen quota slider: p95", "value": f"{q_p95:.1f} ms", "target": "",
         "ratio": ""},
        {"figure": "same update with a matplotlib PNG chart instead of SVG: median", "value": f"{p_med:.0f} ms",
         "target": "(why the live chart is SVG)", "ratio": f"{p_med / u_med:.1f}× the SVG update"},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']:<70} {row['value']:>10}  {row['target']:<28} {row['ratio']}")
