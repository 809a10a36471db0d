"""Physical bottlenecks: chips from investment and price-performance, the fab supply share,
and power capacity built with lead times. Which limit binds is reported.

Installed compute X (FLOP/s) follows dX/dt = acquisition - depreciation X. Acquisition is the
smaller of what the budget buys (spending times FLOP/s per dollar) and the developer's share of
world AI-chip output. Only the part the power supply can run is usable. Power and fab capacity
grow at their planned rates plus an AI-driven build-out that reaches them through a first-order
delay with their lead times (Sterman 2000's material delay).
"""

from __future__ import annotations

import numpy as np

SECONDS_PER_YEAR = 365.25 * 86400.0
BUDGET, FAB, POWER = 0, 1, 2
LIMIT_NAMES = ("budget", "fab", "power")


def initial_compute(p):
    """Installed FLOP/s implied by the starting generation's training run."""
    c0 = p["compute.initial_training_flop"]
    return c0 / (p["compute.training_share"] * p["compute.utilization"]
                 * p["compute.training_duration_years"] * SECONDS_PER_YEAR)


def budget_growth(p):
    """Log growth per year of what the budget buys."""
    return np.log(p["compute.investment_growth"] * p["compute.price_performance_growth"])


def acquisition(t, ln_fab, x0, p):
    """FLOP/s acquired per year, its current log growth, and whether the fab share binds."""
    g_b = budget_growth(p)
    # budget path chosen so that X starts on its balanced path X0 e^(g t)
    budget = x0 * (g_b + p["compute.depreciation"]) * np.exp(g_b * t)
    fab = p["compute.fab_share"] * p["compute.fab_output_flops_per_year"] * np.exp(ln_fab)
    fab_binds = fab < budget
    return np.where(fab_binds, fab, budget), fab_binds


def advance_compute(x, acq, acq_growth, depreciation, dt):
    """Exact update of dX/dt = a e^(g t) - d X over a step in which a grows at rate g."""
    decay = np.exp(-depreciation * dt)
    k = acq_growth + depreciation
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = np.where(np.abs(k) > 1e-12, (np.exp(acq_growth * dt) - decay) / k, dt)
    return x * decay + acq * gain


def power_limit(t, ln_power, p):
    """FLOP/s the developer's power capacity can run."""
    watts = p["compute.power_gw"] * 1e9 * np.exp(ln_power)
    flops_per_watt = 1e15 / p["compute.watts_per_pflops"] * np.power(p["compute.efficiency_growth"], t)
    return watts * flops_per_watt


def usable_compute(x, t, ln_power, p):
    """Installed compute that can run, and whether power binds."""
    cap = power_limit(t, ln_power, p)
    return np.minimum(x, cap), cap < x


def advance_lag(z, target, lead_time, dt):
    """First-order delay of ``target`` with time constant ``lead_time`` (exact over a step)."""
    return z + (target - z) * -np.expm1(-dt / lead_time)  # exactly z when dt = 0
