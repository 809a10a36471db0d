"""Compute monitoring in the engine: chip registration, reporting thresholds, compute caps, and
the rate per year at which a covert cluster or an open breach is found.

Detection is a rate per unit time (issue 16, item 5): evidence accrues while the covert effort
runs, and a check only realises what has accrued since the last one, so checks of any cadence
give the same detection per year. A covert cluster of C FLOP/s is found at the rate

    h(C) = -ln(1 - registered_share * telemetry_tpr) + accounting_rate * C / C_ref + base_rate   [1/yr]

* on-chip telemetry: ``registered_share`` of the world's accelerators are registered and report
  workload telemetry; a cluster on registered chips is flagged with probability
  ``telemetry_tpr`` *within a year*. Rahman & Tajdari 2026 (arXiv:2606.19262, NVML telemetry at
  1 Hz, 9 GPU models) classify training against inference and non-ML work with 98.2% accuracy,
  43-87% against unseen adversarial disguise: the presets use 0.65, the middle of the
  disguised range, because a covert actor disguises.
* supply-chain chip accounting (Shavit 2023, "What does it take to catch a Chinchilla?";
  Sastry, Heim et al. 2024): chips missing from the ledger are found at a rate proportional to
  the cluster's size in units of the reporting cluster threshold (EO 14110: 1e20 FLOP/s).
  Neither paper gives a numeric rate: the presets' rates are assumptions, stated as such.
* everything else (intelligence, whistle-blowers, power and cooling signatures): a base rate.

Over an exposure of ``y`` years the probability of being found is ``1 - exp(-h y)``
(:func:`detection_probability`); the engine accumulates ``h dt`` over its own steps and draws at
each check. The evidence model behind these rates (channels as likelihood ratios against prior
odds, false accusations counted) is :mod:`recloop.governance.evidence`;
:func:`recloop.governance.regimes.equivalent_rate_per_year` turns a run of it into a rate for the engine.

Defection from a pause weighs the expected sanction over the expected length of the pause in
force (:func:`expected_pause_years`): ``pause_years`` for a fixed pause, the time verification
needs to catch up (at most ``stop.max_pause_years``) for a pause until verified.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recloop.mechanisms.containment import detection_over_periods
from recloop.params import RecloopInputError

__all__ = ["ReportingThreshold", "REPORTING_THRESHOLDS", "REGIMES", "detection_rate_per_year",
           "detection_probability", "detection_per_period", "detection_over_periods", "expected_pause_years",
           "regime", "must_report"]


@dataclass(frozen=True)
class ReportingThreshold:
    """A legal reporting threshold on training compute and, optionally, on cluster size."""

    name: str
    training_flop: float
    cluster_flops: float | None
    source: str


REPORTING_THRESHOLDS: dict[str, ReportingThreshold] = {
    "eu-ai-act": ReportingThreshold(
        "eu-ai-act", 1e25, None,
        "EU AI Act (Regulation 2024/1689) Art. 51(2): general-purpose models trained with more than "
        "1e25 FLOP are presumed to carry systemic risk; notify the Commission within two weeks (Art. 52)"),
    "us-eo-14110": ReportingThreshold(
        "us-eo-14110", 1e26, 1e20,
        "US Executive Order 14110 s.4.2(b) (Oct 2023, revoked Jan 2025): report training runs above "
        "1e26 operations and co-located clusters above 1e20 operations/s with >100 Gbit/s networking"),
    "us-eo-14110-bio": ReportingThreshold(
        "us-eo-14110-bio", 1e23, 1e20,
        "US EO 14110 s.4.2(b)(i): 1e23 operations for models trained mainly on biological sequence data"),
}

#: Monitoring regimes as values of the policy's ``[monitoring]`` block.
REGIMES: dict[str, dict[str, float]] = {
    "none": dict(registered_share=0.0, telemetry_tpr=0.0, accounting_rate_per_year=0.0,
                 base_rate_per_year=0.05, period_years=0.25),
    "reporting": dict(registered_share=0.0, telemetry_tpr=0.0, accounting_rate_per_year=0.2,
                      base_rate_per_year=0.1, period_years=0.25),
    "chip-accounting": dict(registered_share=0.0, telemetry_tpr=0.0, accounting_rate_per_year=2.0,
                            base_rate_per_year=0.1, period_years=0.25),
    "telemetry": dict(registered_share=0.9, telemetry_tpr=0.65, accounting_rate_per_year=2.0,
                      base_rate_per_year=0.1, period_years=0.25),
}


def regime(name: str) -> dict[str, float]:
    """The lever values of a named monitoring regime (a copy)."""
    if name not in REGIMES:
        raise RecloopInputError([f"monitoring: unknown regime '{name}'; allowed: {', '.join(REGIMES)}"])
    return dict(REGIMES[name])


def detection_rate_per_year(cluster_flops, *, registered_share, telemetry_tpr, accounting_rate_per_year,
                            base_rate_per_year, reference_cluster_flops=1e20, period_years=None):
    """Rate per year at which a covert cluster of ``cluster_flops`` FLOP/s is found
    (``period_years`` is accepted and ignored: the rate does not depend on the cadence)."""
    c = np.maximum(np.asarray(cluster_flops, dtype=float), 0.0)
    tel = -np.log1p(-np.clip(registered_share * telemetry_tpr, 0.0, 1.0 - 1e-15))
    return tel + accounting_rate_per_year * c / reference_cluster_flops + base_rate_per_year


def detection_probability(cluster_flops, years, **levers):
    """Probability a covert cluster is found within ``years`` of exposure: 1 - exp(-h years)."""
    return -np.expm1(-detection_rate_per_year(cluster_flops, **levers) * np.maximum(np.asarray(years, dtype=float), 0.0))


def detection_per_period(cluster_flops, *, period_years, **levers):
    """Probability a covert cluster is found within one monitoring period of ``period_years``."""
    return detection_probability(cluster_flops, period_years, **levers)


def expected_pause_years(kind, pause_years, *, coverage, human_rate, safety_effort, human_coverage_now,
                         max_pause_years, machine_coverage_now=0.0, machine_growth_oom_per_year=0.0):
    """Expected length of the pause in force: ``pause_years`` for a fixed pause (kind 2); for a
    pause until verified (kind 1) the time T at which verification capacity reaches what the
    frozen capability requires, V_req = V / coverage, with the human part growing linearly
    (``human_rate x safety_effort`` a year) and the compute part growing with the actor's
    effective compute (``machine_growth_oom_per_year``; chips still accrue during a pause):

        V_h + human_rate s T + V_m 10^(g T) = V_req,      V = V_h + V_m  (V_h: ``human_coverage_now``)

    solved by bisection; never beyond ``max_pause_years``. With ``V_m = 0`` it is the closed form
    ``(V_req - V) / (human_rate s)``."""
    cov = np.maximum(np.asarray(coverage, dtype=float), 1e-12)
    vh = np.asarray(human_coverage_now, dtype=float)
    vm = np.asarray(machine_coverage_now, dtype=float) + 0.0 * vh
    need = (vh + vm) / cov
    slope = np.maximum(np.asarray(human_rate, dtype=float) * np.asarray(safety_effort, dtype=float), 0.0) + 0.0 * vh
    g = np.maximum(np.asarray(machine_growth_oom_per_year, dtype=float), 0.0) + 0.0 * vh

    def short(T):  # capacity still short of the requirement after T years
        return vh + slope * T + vm * np.power(10.0, np.minimum(g * T, 300.0)) < need

    lo, hi = np.zeros_like(vh), np.full_like(vh, float(max_pause_years))
    reach = ~short(hi)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        s = short(mid)
        lo, hi = np.where(s, mid, lo), np.where(s, hi, mid)
    until = np.where(cov >= 1.0, 0.0, np.where(reach, hi, float(max_pause_years)))
    fixed = np.broadcast_to(np.asarray(pause_years, dtype=float), until.shape)
    return np.minimum(np.where(np.asarray(kind) == 1, until, fixed), max_pause_years)


def must_report(training_flop, cluster_flops, threshold: ReportingThreshold):
    """Whether a run or a cluster crosses a reporting threshold."""
    over = np.asarray(training_flop, dtype=float) >= threshold.training_flop
    if threshold.cluster_flops is not None:
        over = over | (np.asarray(cluster_flops, dtype=float) >= threshold.cluster_flops)
    return over
