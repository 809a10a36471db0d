"""Regenerate the monitoring tables of docs/governance.md (recloop's evidence assumptions against
the AI Futures Project's, for one covert project of the same size; cadence invariance).

    PYTHONPATH=src python scripts/monitoring_tables.py
"""

from __future__ import annotations

import numpy as np

from recloop.governance import covert, evidence, monitoring

SAMPLES, SEED, YEARS = 20_000, 0, 10.0
PROJECT = covert.CovertProject()  # 1e5 H100e diverted (10% of 1e6), 0.2 GW, 1 GW/yr concealed after 1 yr, 500 researchers
ACC = ("chip_accounting", "energy", "satellite", "sme", "leaks")
SETS = {
    # recloop: yearly independent re-estimates, accuse at P >= 0.8, national means + reporting
    "recloop, reporting regime": (evidence.Evidence(), evidence.Grants(channels={c: 0.0 for c in ACC}, check_years=0.25,
                                                                       threshold_probability=0.8)),
    "recloop, + telemetry (90% of chips)": (evidence.Evidence(), evidence.Grants(
        channels={c: 0.0 for c in evidence.CHANNELS}, check_years=0.25, threshold_probability=0.8, registered_share=0.9)),
    # the AI Futures model's assumptions: one static estimate of each stock, detection at LR 4
    # (posterior odds 1 at prior odds 0.25), no telemetry
    "AI Futures assumptions": (evidence.Evidence(estimates_per_year=0.0), evidence.Grants(
        channels={c: 0.0 for c in ACC}, check_years=0.25, threshold_probability=0.5)),
}


def fmt(v):
    return "never" if not np.isfinite(v) else f"{v:.2f}"


def main():
    print("| assumptions | channel | P(found within 1 yr) | P(found within 10 yr) | median yr | p90 yr | false accusations in 10 yr |")
    print("|---|---|---|---|---|---|---|")
    for name, (ev, g) in SETS.items():
        h1 = evidence.simulate_evidence(PROJECT, g, ev, years=YEARS, samples=SAMPLES, seed=SEED)
        h0 = evidence.simulate_evidence(PROJECT, g, ev, years=YEARS, samples=SAMPLES, seed=SEED, covert_present=False)
        for c in [c for c in evidence.CHANNELS if c in g.channels] + ["combined"]:
            q = h1.quantiles(c, qs=(0.5, 0.9))
            print(f"| {name} | {c} | {h1.p_detected(c, by=1.0):.3f} | {h1.p_detected(c):.3f} | {fmt(q[0])} | {fmt(q[1])} | "
                  f"{h0.p_detected(c):.3f} |")
    print()
    print("cadence (engine rate model): P(found within a year) for telemetry_tpr = 0.65, registered_share = 0.9")
    for cad in (0.05, 0.25, 1.0):
        mon = dict(registered_share=0.9, telemetry_tpr=0.65, accounting_rate_per_year=0.0, base_rate_per_year=0.0,
                   period_years=cad)
        p = monitoring.detection_per_period(1e20, **mon)
        print(f"  period {cad:g} yr: per check {p:.4f}, per year {1 - (1 - p) ** (1 / cad):.4f}")


if __name__ == "__main__":
    main()
