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


def _vector_terms(f, ai_labour, rho):
    """(R/L_h, d ln R / d ln ai_labour) of one vector; see :func:`vector_research`."""
    f = np.clip(f, 0.0, 1.0)
    q = np.maximum(ai_labour, 1e-300)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        human = np.power(1.0 - f, 1.0 - rho)
        ai = np.power(f, 1.0 - rho) * np.power(q, rho)
        total = human + ai
        ces = np.power(total, 1.0 / rho)
        share = np.where(total > 0, ai / total, 1.0)
        # Humans can still do automated tasks. While AI labour is scarce (q < f/(1-f)) the best
        # allocation moves humans onto automated tasks until every task has the same labour,
        # so the vector gets all 1 + q units at full efficiency; beyond that AI alone covers
        # the automated tasks and the CES form above holds. Both agree at the boundary.
        scarce = q * (1.0 - f) < f
        return np.where(scarce, 1.0 + q, ces), np.where(scarce, q / (1.0 + q), share)


def vector_research(f, ai_labour, rho):
    """Research input of one vector relative to human-only, CES over tasks.

    With a share f of tasks automated and AI labour q (human equivalents per human researcher)
    abundant (q >= f/(1-f)), AI does the automated tasks and humans the rest:
    R/L_h = [(1-f)^(1-rho) + f^(1-rho) q^rho]^(1/rho), which is 1 at f = 0 and tends to
    (1-f)^((rho-1)/rho) as q grows (the unautomated tasks bottleneck). While AI labour is
    scarcer, humans also work on automated tasks and R/L_h = 1 + q. Automation never lowers
    research input (R/L_h >= 1).
    """
    return _vector_terms(f, ai_labour, _safe_rho(rho))[0]


def combine_vectors(r_data, r_arch, r_code, rho):
    """Bottleneck CES of the three vectors' research inputs (equal weights)."""
    rho = _safe_rho(rho)
    with np.errstate(over="ignore", divide="ignore"):
        s = (np.power(r_data, rho) + np.power(r_arch, rho) + np.power(r_code, rho)) / 3.0
        return np.power(s, 1.0 / rho)


def research_multiplier(capability_oom, ai_labour, p):
    """Automation fractions, research speed-ups and their response to AI labour.

    Returns ``(f_data, f_arch, f_code, m_code, m, elasticity)``: m is total research input
    relative to human-only, m_code that of the code/infrastructure vector (it shortens build
    cycles), and elasticity = d ln m / d ln ai_labour (0 human-only, 1 fully automated), which
    the engine's midpoint step uses. ``p`` maps parameter paths to arrays (automation.*).
    """
    w = p["automation.width_oom"]
    f_data = automation_fraction(capability_oom, p["automation.midpoint_data_oom"], w)
    f_arch = automation_fraction(capability_oom, p["automation.midpoint_arch_oom"], w)
    f_code = automation_fraction(capability_oom, p["automation.midpoint_code_oom"], w)
    rho = _safe_rho(p["automation.substitution_rho"])
    rho_b = _safe_rho(p["automation.bottleneck_rho"])
    r_d, e_d = _vector_terms(f_data, ai_labour, rho)
    r_a, e_a = _vector_terms(f_arch, ai_labour, rho)
    r_c, e_c = _vector_terms(f_code, ai_labour, rho)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        w_d, w_a, w_c = np.power(r_d, rho_b), np.power(r_a, rho_b), np.power(r_c, rho_b)
        total = w_d + w_a + w_c
        m = np.power(total / 3.0, 1.0 / rho_b)
        elasticity = np.nan_to_num(np.where(total > 0, (w_d * e_d + w_a * e_a + w_c * e_c) / total, 0.0), nan=1.0)
    return f_data, f_arch, f_code, r_c, m, elasticity
