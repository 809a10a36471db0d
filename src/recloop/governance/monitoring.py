"""Compute monitoring: chip registration, reporting thresholds, compute caps, and the
probability that a covert cluster is detected in each period.

A covert cluster of C FLOP/s escapes three independent channels in a period of length dt:

* on-chip telemetry: the share ``registered_share`` of the world's accelerators is registered and
  reports workload telemetry; a cluster that runs on registered chips is flagged with
  ``telemetry_tpr``. Rahman & Tajdari 2026 (arXiv:2606.19262, NVML telemetry at 1 Hz, 9 GPU
  models) classify training against inference and non-ML work with 98.2% accuracy, 43-87%
  against unseen adversarial disguise, and multi-GPU training at >= 99.6%: the presets use 0.65,
  the middle of the disguised range, because a covert actor disguises.
* supply-chain chip accounting (Shavit 2023, "What does it take to catch a Chinchilla?";
  Sastry, Heim et al. 2024, "Computing power and the governance of AI"): chips missing from the
  ledger are found at a rate proportional to how many are missing, i.e. to the cluster's size in
  units of the reporting cluster threshold (EO 14110: 1e20 FLOP/s):
  ``1 - exp(-accounting_rate * dt * C / C_ref)``. Neither paper gives a numeric rate: the
  presets' rates are assumptions, stated as such.
* everything else (intelligence, whistle-blowers, power and cooling signatures): a base rate.

    p_period(C) = 1 - (1 - registered_share * telemetry_tpr) * exp(-accounting_rate dt C/C_ref)
                    * exp(-base_rate dt)

Over k periods a persistent effort is caught with 1 - (1 - p)^k
(:func:`recloop.mechanisms.containment.detection_over_periods`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recloop.mechanisms.containment import detection_over_periods
from recloop.params import RecloopInputError

__all__ = ["ReportingThreshold", "REPORTING_THRESHOLDS", "REGIMES", "detection_per_period",
           "detection_over_periods", "regime", "must_report"]


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


def detection_per_period(cluster_flops, *, registered_share, telemetry_tpr, accounting_rate_per_year,
                         base_rate_per_year, period_years, reference_cluster_flops=1e20):
    """Probability a covert cluster of ``cluster_flops`` FLOP/s is detected within one period."""
    c = np.maximum(np.asarray(cluster_flops, dtype=float), 0.0)
    miss_tel = 1.0 - registered_share * telemetry_tpr
    miss_acc = np.exp(-accounting_rate_per_year * period_years * c / reference_cluster_flops)
    miss_base = np.exp(-base_rate_per_year * period_years)
    return 1.0 - miss_tel * miss_acc * miss_base


def must_report(training_flop, cluster_flops, threshold: ReportingThreshold):
    """Whether a run or a cluster crosses a reporting threshold."""
    over = np.asarray(training_flop, dtype=float) >= threshold.training_flop
    if threshold.cluster_flops is not None:
        over = over | (np.asarray(cluster_flops, dtype=float) >= threshold.cluster_flops)
    return over
