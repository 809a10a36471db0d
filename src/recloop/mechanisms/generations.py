"""Successor generations: generation n+1 is built by generation n.

A new training run starts once the effective compute it could use exceeds the deployed
generation's by a set step. Its build time is design and pipeline work (divided by the
code-vector research speed-up) plus the training run, which automation shortens but never
below the physical floor set by data movement (the latency wall).
"""

from __future__ import annotations

import numpy as np

from recloop.mechanisms.physical import SECONDS_PER_YEAR


def min_training_years(run_flop, p):
    """Physical floor on a run's duration: latency_wall_years * (C / wall)^exponent."""
    return p["generations.latency_wall_years"] * np.power(
        run_flop / p["generations.latency_wall_flop"], p["generations.latency_exponent"])


def run_duration(m_code, std_flop, p):
    """Training-run length: the standard length compressed by automation, floored by physics."""
    compressed = p["compute.training_duration_years"] / np.power(
        np.maximum(m_code, 1.0), p["generations.compression_exponent"])
    return np.maximum(compressed, min_training_years(std_flop, p))


def run_flop(x_usable, duration_years, diverted_share, p):
    """Physical FLOP of a run of ``duration_years`` on the usable compute."""
    share = p["compute.training_share"] * np.maximum(1.0 - diverted_share, 0.0)
    return x_usable * share * p["compute.utilization"] * duration_years * SECONDS_PER_YEAR


def build_years(m_code, duration_years, extra_latency_years, p):
    """Time from starting generation n+1 to its candidate release."""
    return p["generations.prep_years"] / np.maximum(m_code, 1.0) + duration_years + extra_latency_years
