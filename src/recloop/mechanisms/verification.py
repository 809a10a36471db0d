"""Verification asymmetry: capacity from researchers and compute; the requirement grows faster.

Units: 1.0 is what the starting generation needs. Capacity V has two parts:
- human: a start plus a linear trend scaled by safety effort, sped up by AI-assisted alignment
  research as (research speed-up)^boost (boost = ``verification.automation_boost``, a sampled
  uncertainty: 0 is the essay's linear verification);
- machine: proportional to the physical FLOP/s given to verification (automated evaluations and
  red teaming run on chips), and, with AI-assisted alignment, to the software progress that makes
  automated verifiers better, as 10^(boost s): with boost = 0 software progress makes models more
  capable but not cheaper to verify, with boost = 1 verification keeps pace with software.
The requirement of a generation k OOM of effective compute above the start is 10^(nu k), with
nu the stated sum of the task-horizon and inference-cost growth (see the parameter's source).
So coverage falls when capability outgrows verification compute and researchers, and the gap
depends on compute growth, safety effort and AI assistance, not on nu alone.
"""

from __future__ import annotations

import numpy as np

REFERENCE_SHARE = 0.05  # compute_coverage_at_start is stated for 5% of compute


def capacity(t, compute_ratio, software_oom, research_multiplier, p, *, compute_share, safety_effort):
    """Verification capacity; ``compute_ratio`` is usable physical FLOP/s over the reference
    developer's at the start, ``software_oom`` the software progress since the start."""
    b = p["verification.automation_boost"]
    boost = np.power(np.maximum(research_multiplier, 1.0), b)
    human = (p["verification.human_coverage_at_start"] + p["verification.human_rate"] * safety_effort * t) * boost
    # AI-assisted alignment: automated verifiers gain from software progress as 10^(b s)
    machine = (p["verification.compute_coverage_at_start"] * (compute_share / REFERENCE_SHARE) * compute_ratio
               * np.power(10.0, b * software_oom))
    return human + machine


def required(capability_oom, p):
    return np.power(10.0, p["verification.required_exponent"] * capability_oom)


def verified_capability_oom(v, p):
    return np.log10(np.maximum(v, 1e-300)) / p["verification.required_exponent"]


def coverage(v, capability_oom, p):
    """V / V_req: 1 or more means the capability is verified."""
    return v / required(capability_oom, p)
