"""Hazard of catastrophe from unaligned capability.

Zero below the danger threshold; above it, base * min(10^(elasticity * OOM above threshold), max) times
the mean of (1 - fidelity) and (1 - verification coverage), reduced by containment. An event
happens when the integrated hazard passes an Exp(1) draw, so event times do not depend on the
step size.
"""

from __future__ import annotations

import numpy as np


def level(capability_log10, p):
    """Hazard per year at full exposure (0 below the danger threshold), from the absolute
    effective compute (log10 FLOP, 2025 algorithms) of the deployed generation."""
    above = capability_log10 - np.log10(p["risk.danger_flop"])
    boost = np.power(10.0, p["risk.capability_elasticity"] * np.clip(above, 0.0, 50.0))
    return np.where(above >= 0.0, p["risk.base_hazard"] * np.minimum(boost, p["risk.max_multiplier"]), 0.0)


def hazard(capability_log10, fidelity, coverage, p, *, reduction, level_now=None):
    """Hazard per year; ``level_now`` is :func:`level` of ``capability_log10`` where the caller keeps it."""
    lv = level(capability_log10, p) if level_now is None else level_now
    exposure = 0.5 * ((1.0 - np.clip(fidelity, 0.0, 1.0)) + (1.0 - np.clip(coverage, 0.0, 1.0)))
    return lv * exposure * (1.0 - reduction)


def probability(cumulative_hazard):
    return -np.expm1(-cumulative_hazard)
