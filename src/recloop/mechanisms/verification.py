"""Verification asymmetry: capacity grows about linearly, the requirement superlinearly.

Units: 1.0 is what the starting generation needs. Capacity V = human part (a start plus a
linear trend scaled by safety effort) + compute part (proportional to the effective compute
diverted to verification, optionally boosted by automated alignment research). The requirement
of a generation with capability k OOM above the start is 10^(nu k). The verified capability is
where the two meet: k_ver = log10(V) / nu; the verification gap is k - k_ver (OOM).
"""

from __future__ import annotations

import numpy as np

REFERENCE_SHARE = 0.05  # compute_coverage_at_start is stated for 5% of compute


def capacity(t, effective_compute_ratio, research_multiplier, p, *, compute_share, safety_effort):
    human = p["verification.human_coverage_at_start"] + p["verification.human_rate"] * safety_effort * t
    machine = (p["verification.compute_coverage_at_start"] * (compute_share / REFERENCE_SHARE)
               * effective_compute_ratio * np.power(np.maximum(research_multiplier, 1.0), p["verification.automation_boost"]))
    return human + machine


def required(capability_oom, p):
    return np.power(10.0, p["verification.required_exponent"] * capability_oom)


def verified_capability_oom(v, p):
    return np.log10(np.maximum(v, 1e-300)) / p["verification.required_exponent"]


def coverage(v, capability_oom, p):
    """V / V_req: 1 or more means the capability is verified."""
    return v / required(capability_oom, p)
