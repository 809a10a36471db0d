"""Optimization drift: alignment fidelity compounds down the lineage, F_(n+1) = F_n (1 - delta_n).

delta grows with the autonomy of the pipeline that built the generation and shrinks with how
much of it was verified, with the deterministic sandbox's catch rate, and with the air gap
that keeps the model from editing its own weights.
"""

from __future__ import annotations

import numpy as np


def drift_rate(autonomy, coverage, p, *, sandbox_catch, air_gap):
    base = p["drift.base_per_generation"] * np.power(np.clip(autonomy, 0.0, 1.0), p["drift.autonomy_exponent"])
    verified = 1.0 - p["drift.verification_protection"] * np.clip(coverage, 0.0, 1.0)
    return np.clip(base * verified * (1.0 - sandbox_catch) * (1.0 - air_gap), 0.0, 1.0)


def next_fidelity(fidelity, delta):
    return fidelity * (1.0 - delta)
