"""R&D automation across three vectors and its effect on research input.

Each vector (data generation and curation; architecture and hyperparameter search; code
generation and infrastructure orchestration) is automated to a fraction f that is a logistic
in capability. Within a vector, the tasks still done by humans and those done by AI combine
by CES (Davidson 2023's task-based form); across vectors a low-substitution CES makes the
slowest vector the bottleneck. Research input is returned relative to the human-only input,
so 1.0 means "no acceleration".
"""

from __future__ import annotations

import numpy as np

VECTORS = ("data", "arch", "code")


def automation_fraction(capability_oom, midpoint_oom, width_oom):
    """Share of a vector's tasks AI can do, a logistic in capability (OOM above the start)."""
    z = (np.asarray(capability_oom) - midpoint_oom) / width_oom
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1/(1+exp(-z)), without overflow


def _safe_rho(rho):
    rho = np.asarray(rho, dtype=float)
    return np.where(np.abs(rho) < 1e-4, -1e-4, rho)


def vector_research(f, ai_labour, rho):
    """Research input of one vector relative to human-only, CES over tasks.

    With a share f of tasks automated, humans spread over 1 - f and AI labour (in human
    equivalents, relative to the human workforce) over f:
    R/L_h = [(1-f)^(1-rho) + f^(1-rho) * ai_labour^rho]^(1/rho). It is 1 at f = 0 and
    ``ai_labour`` at f = 1.
    """
    rho = _safe_rho(rho)
    f = np.clip(f, 0.0, 1.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        human = np.power(1.0 - f, 1.0 - rho)
        ai = np.power(f, 1.0 - rho) * np.power(np.maximum(ai_labour, 1e-300), rho)
        out = np.power(human + ai, 1.0 / rho)
    return out


def combine_vectors(r_data, r_arch, r_code, rho):
    """Bottleneck CES of the three vectors' research inputs (equal weights)."""
    rho = _safe_rho(rho)
    with np.errstate(over="ignore", divide="ignore"):
        s = (np.power(r_data, rho) + np.power(r_arch, rho) + np.power(r_code, rho)) / 3.0
        return np.power(s, 1.0 / rho)


def research_multiplier(capability_oom, ai_labour, p):
    """Automation fractions and research speed-ups for the deployed capability.

    Returns ``(f_data, f_arch, f_code, m_code, m)``: m is total research input relative to
    human-only, m_code that of the code/infrastructure vector (it shortens build cycles).
    ``p`` maps parameter paths to arrays (automation.*).
    """
    w = p["automation.width_oom"]
    f_data = automation_fraction(capability_oom, p["automation.midpoint_data_oom"], w)
    f_arch = automation_fraction(capability_oom, p["automation.midpoint_arch_oom"], w)
    f_code = automation_fraction(capability_oom, p["automation.midpoint_code_oom"], w)
    rho = p["automation.substitution_rho"]
    r_d = vector_research(f_data, ai_labour, rho)
    r_a = vector_research(f_arch, ai_labour, rho)
    r_c = vector_research(f_code, ai_labour, rho)
    m = combine_vectors(r_d, r_a, r_c, p["automation.bottleneck_rho"])
    return f_data, f_arch, f_code, r_c, m
