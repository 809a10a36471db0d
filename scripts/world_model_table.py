"""Regenerate docs/world-model.md's table: the baseline's headline figures beside published ones.

    python scripts/world_model_table.py [--samples 3000] [--seed 0]

Prints a Markdown table; every recloop figure is a median (or share) over the baseline's worlds
with no halt, with its 95% interval (order statistics for medians, Wilson for shares).
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from recloop.engine import simulate
from recloop.policy import load_policy
from recloop.scenario import load_scenario


def wilson(k, n, z=1.96):
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return p, c - h, c + h


def median_ci(x):
    x = np.sort(x[np.isfinite(x)])
    n = x.size
    if n < 10:
        return float("nan"), float("nan"), float("nan")
    lo, hi = int(math.floor(n / 2 - 1.96 * math.sqrt(n) / 2)), int(math.ceil(n / 2 + 1.96 * math.sqrt(n) / 2))
    return float(np.median(x)), float(x[max(lo, 0)]), float(x[min(hi, n - 1)])


def at_year(r, var, year, start):
    k = int(round((year - start) / (r.times[1] - r.times[0])))
    return r.trajectories[var][:, k].astype(float)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    sc = load_scenario("baseline")
    r = simulate(sc, load_policy("none"), samples=a.samples, seed=a.seed)
    O, y0, n = r.outcomes, sc.start_year, a.samples
    rows = []

    def med(label, x, fmt, published, source):
        m, lo, hi = median_ci(np.asarray(x, float))
        share = np.mean(np.isfinite(np.asarray(x, float)))
        reach = "" if share > 0.999 else f" ({share:.0%} of worlds)"
        rows.append((label, f"{fmt(m)} ({fmt(lo)}-{fmt(hi)}){reach}", published, source))

    def shr(label, k, published, source):
        p, lo, hi = wilson(int(np.sum(k)), n)
        rows.append((label, f"{p:.1%} ({lo:.1%}-{hi:.1%})", published, source))

    year = lambda v: f"{y0 + v:.1f}"  # noqa: E731
    med("usable compute of the frontier developer in 2030, FLOP/s", at_year(r, "compute_flops", 2030, y0), lambda v: f"1e{v:.1f}",
        "~2e29 FLOP training runs feasible by 2030 (~1e22-1e23 FLOP/s)", "Sevilla et al. 2024 (Epoch AI)")
    med("power drawn by the frontier developer in 2030, GW", at_year(r, "power_gw", 2030, y0), lambda v: f"{v:.0f}",
        "1-5 GW single campus, 2-45 GW distributed", "Sevilla et al. 2024 (Epoch AI)")
    med("peak power drawn, GW (all 30 years)", O["peak_power_gw"], lambda v: f"{v:.0f}",
        "world generation ~3,400 GW (2024)", "IEA 2025")
    med("peak spending on hardware, share of world output", O["peak_spend_share"], lambda v: f"{v:.2%}",
        "AI capex of all hyperscalers ~0.3% of world output (2025)", "company filings; IMF WEO 2024")
    med("METR 50% horizon at the start (2027.0), hours", r.trajectories["horizon_p50_hours"][:, 0].astype(float), lambda v: f"{v:.1f}",
        "~1 h early 2025, doubling every 4-7 months", "METR 2025; Time Horizon 1.1")
    med("date of a 1-work-month 50% horizon", O["t_horizon_work_month"], year,
        "AI Futures Model (Dec 2025): automated coder ~2030-2032 (median)", "AI Futures Project 2025")
    med("date of 20% R&D automation", O["t_automation_20"], year, "2036 (ftm best guess, all tasks)", "Davidson 2023; ftm presets.js")
    med("date of 99.9% R&D automation", O["t_automation_100"], year, "2040 (ftm best guess, 100%)", "Davidson 2023; ftm presets.js")
    med("20% -> 99.9% automation, years", O["t_automation_100"] - O["t_automation_20"], lambda v: f"{v:.1f}",
        "3.8 years (ftm best guess)", "Davidson 2023; recloop's ccf reproduction of ftm")
    med("takeoff: 90% automation to +5 OOM, years", O["takeoff_years"], lambda v: f"{v:.2f}",
        "SIE: median ~1-3 years of compute-equivalent progress compressed", "Davidson & Houlden 2025")
    shr("P(more than 3 years of progress in one year)", O["years_in_one_year"] > 3,
        "~60%", "Davidson & Houlden 2025 (software intelligence explosion)")
    shr("P(more than 10 years of progress in one year)", O["years_in_one_year"] > 10,
        "~20%", "Davidson & Houlden 2025")
    shr("P(catastrophe by 2057), no halt", O["catastrophe"],
        "median respondent 5% (extinction-level outcomes); means higher", "Grace et al. 2024 (2,778 AI researchers)")
    shr("P(unverified takeoff), no halt", O["unverified_takeoff"], "no published estimate", "assumption-driven")
    print(f"Baseline, no halt, {n:,} worlds, seed {a.seed} (`python scripts/world_model_table.py --samples {n}`); "
          "95% intervals: order statistics for medians, Wilson for shares.\n")
    print("| quantity | recloop baseline | published estimate | source |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
