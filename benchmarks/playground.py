"""Playground latency: time from a slider change to the redrawn charts, in a real browser.

Starts the playground on a free loopback port, opens it in Debian's chromium (headless, through
Playwright), and moves the 'returns to software R&D' slider to --moves new positions, one at a
time. The page itself records, for each change, the time from the input event to the end of
Plotly.react on every figure (window.recloop.timings); this script reads them, and also times
the engine alone on the same inputs for comparison.

    /work/venv/bin/python benchmarks/playground.py [--samples 2000] [--years 30]
        [--policy tripwire-pause] [--moves 10] [--json OUT.json]

Target (issue 8): under 1 s for 2,000 samples.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time


def main() -> None:
    from playwright.sync_api import sync_playwright

    from recloop.engine import simulate
    from recloop.policy import load_policy
    from recloop.scenario import load_scenario
    from recloop.web.app import BackgroundServer, create_app

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--years", type=float, default=30.0)
    ap.add_argument("--preset", default="baseline")
    ap.add_argument("--policy", default="tripwire-pause")
    ap.add_argument("--moves", type=int, default=10)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--json", default=None, help="write the measurements here")
    args = ap.parse_args()

    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
    positions = [300 + round(i * 600 / max(args.moves - 1, 1)) for i in range(args.moves)]
    with BackgroundServer(create_app()) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=flags)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        t0 = time.perf_counter()
        page.goto(f"{server.url}/#preset={args.preset}&policy={args.policy}&samples={args.samples}&years={args.years:g}")
        page.wait_for_function("Number(document.body.dataset.draws || 0) >= 1", timeout=120_000)
        first = time.perf_counter() - t0
        for i, pos in enumerate(positions):
            page.locator("#u-software-returns").fill(str(pos))
            page.wait_for_function(f"window.recloop.timings.length >= {i + 1}", timeout=120_000)
        # move back to a position already drawn: the server's result cache answers
        page.locator("#u-software-returns").fill(str(positions[0]))
        page.wait_for_function(f"window.recloop.timings.length >= {len(positions) + 1}", timeout=120_000)
        timings = page.evaluate("window.recloop.timings")
        browser.close()

    fresh = [t["ms"] / 1000 for t in timings[:-1]]
    server_s = [t["server_s"] for t in timings[:-1]]
    scenario, policy = load_scenario(args.preset), load_policy(args.policy)
    engine = []
    for _ in range(3):
        t = time.perf_counter()
        simulate(scenario, policy, samples=args.samples, years=args.years, seed=0)
        engine.append(time.perf_counter() - t)

    def q(xs, p):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, round(p * (len(xs) - 1)))]

    out = {
        "samples": args.samples, "years": args.years, "preset": args.preset, "policy": args.policy,
        "cpus": os.cpu_count(), "loadavg_1min": os.getloadavg()[0],
        "first_draw_s": round(first, 3),
        "slider_to_redraw_s": {"median": round(statistics.median(fresh), 3), "p90": round(q(fresh, 0.9), 3),
                               "min": round(min(fresh), 3), "max": round(max(fresh), 3), "n": len(fresh)},
        "server_s_median": round(statistics.median(server_s), 3),
        "cached_slider_to_redraw_s": round(timings[-1]["ms"] / 1000, 3),
        "engine_only_s_median": round(statistics.median(engine), 3),
    }
    print(f"playground, {args.samples:,} samples x {args.years:g} years, {args.preset} / {args.policy}, "
          f"{out['cpus']} CPUs, load {out['loadavg_1min']:.1f}")
    s = out["slider_to_redraw_s"]
    print(f"  slider change -> redrawn charts: median {s['median']:.3f} s, p90 {s['p90']:.3f} s "
          f"(min {s['min']:.3f}, max {s['max']:.3f}, n={s['n']}); target < 1 s")
    print(f"  of which server (simulate + figures + JSON): median {out['server_s_median']:.3f} s; "
          f"engine alone: median {out['engine_only_s_median']:.3f} s")
    print(f"  back to a position already drawn (cached): {out['cached_slider_to_redraw_s']:.3f} s; "
          f"first page load to charts: {out['first_draw_s']:.3f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
