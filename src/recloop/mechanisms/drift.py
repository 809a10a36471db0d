"""Optimization drift: alignment fidelity decays with capability gained under autonomous development.

    dF/dK = -delta F,   delta = base * autonomy^x * (1 - protection * coverage) * (1 - sandbox) * (1 - air gap)

per OOM of effective compute K gained, so that F after a gain of dK at constant delta is
F e^(-delta dK) however that gain is split into releases. delta grows with the autonomy of the
pipeline, shrinks with how much of the capability being gained is verified, with the
deterministic sandbox's catch rate and with the air gap that keeps the model from editing its own
weights. The sandbox costs compute and latency and the air gap preparation time (see
:mod:`recloop.mechanisms.generations`); neither is free.
"""

from __future__ import annotations

import numpy as np


def drift_rate(autonomy, coverage, p, *, sandbox_catch, air_gap):
    """delta: fidelity lost per OOM of capability gained (a rate, per unit of log capability)."""
    base = p["drift.base_per_oom"] * np.power(np.clip(autonomy, 0.0, 1.0), p["drift.autonomy_exponent"])
    verified = 1.0 - p["drift.verification_protection"] * np.clip(coverage, 0.0, 1.0)
    return np.clip(base * verified * (1.0 - sandbox_catch) * (1.0 - air_gap), 0.0, 50.0)


def advance_fidelity(fidelity, delta, gained_oom):
    """Exact: F e^(-delta dK) for a gain dK at constant delta."""
    return fidelity * np.exp(-delta * np.maximum(gained_oom, 0.0))
