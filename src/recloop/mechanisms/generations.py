"""Successor generations: the deployed generation follows the best run its developer can start.

At each moment the developer could start a training run of length T on its usable compute,
reaching effective compute log10(R T) + software - data penalty, where R is the run's FLOP per
year. The length is chosen, not imposed: waiting lets better hardware and algorithms shorten
the run, so the release date t + T is earliest for T = 1/g, where g is the log growth rate of
effective compute per year (Epoch AI 2022, 'The longest training run'); it is never longer than
``compute.max_run_years`` and never shorter than data movement allows (the latency wall,
Erdil & Schneider-Joseph 2024), a floor that grows with the run's size.

The deployed generation's capability K follows that potential P through the build time L
(preparation, shortened by code automation, plus the run, plus sandbox latency) as a
first-order delay, dK/dt = max(P - K, 0)/L. On a path where P grows at g OOM/yr, K trails it by
g L. Releases are counted each time K gains ``generations.step_oom``: a bookkeeping choice that
sets when verification, detection and deprecation act, but no rate.
"""

from __future__ import annotations

import numpy as np

from recloop.mechanisms.physical import SECONDS_PER_YEAR


def min_training_years(run_flop, p):
    """Physical floor on a run's duration: latency_wall_years * (C / wall)^exponent."""
    return p["generations.latency_wall_years"] * np.power(
        run_flop / p["generations.latency_wall_flop"], p["generations.latency_exponent"])


def run_flop_per_year(x_usable, diverted_share, p):
    """Physical FLOP per year a training run gets on the usable compute."""
    share = p["compute.training_share"] * np.maximum(1.0 - diverted_share, 0.0)
    return x_usable * share * p["compute.utilization"] * SECONDS_PER_YEAR


def wall_floor_years(flop_per_year, p):
    """Shortest run the latency wall allows at this FLOP rate: T = T_w (R T / C_w)^a solved for T."""
    a = np.minimum(p["generations.latency_exponent"], 0.99)
    return np.power(p["generations.latency_wall_years"]
                    * np.power(flop_per_year / p["generations.latency_wall_flop"], a), 1.0 / (1.0 - a))


def chosen_run_years(growth_ln, flop_per_year, p):
    """Run length: 1/g (the earliest-release length), at most max_run_years, at least the wall's floor."""
    best = np.minimum(1.0 / np.maximum(growth_ln, 1e-9), p["compute.max_run_years"])
    return np.maximum(best, wall_floor_years(flop_per_year, p))


def build_lag_years(m_code, run_years, extra_latency_years, air_gap, p):
    """Time from starting a run to releasing its model: preparation (sped up by code automation,
    slowed by an air gap), the run itself, and sandbox latency."""
    prep = p["generations.prep_years"] * (1.0 + air_gap * p["generations.air_gap_prep_cost"])
    return prep / np.maximum(m_code, 1.0) + run_years + extra_latency_years


def follow(k, target, lag_years, dt):
    """Exact first-order approach of K to a fixed target over dt (never moves K down)."""
    gap = np.maximum(target - k, 0.0)
    return k + gap * -np.expm1(-dt / np.maximum(lag_years, 1e-9))
