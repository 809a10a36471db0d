"""R&D automation across three vectors and its effect on research input.

Each vector (data generation and curation; architecture and hyperparameter search; code
generation and infrastructure orchestration) is automated to a fraction f that is a logistic
in absolute capability (log10 effective training FLOP at 2025 algorithms), so a requirement is a
number a reader can check against Davidson 2023's FLOP for full automation or METR horizons. Within a vector, the tasks still done by humans and those done by AI combine
by CES (Davidson 2023's task-based form); across vectors a low-substitution CES makes the
slowest vector the bottleneck. Research input is returned relative to the human-only input,
so 1.0 means "no acceleration".
"""

from __future__ import annotations

import numpy as np

VECTORS = ("data", "arch", "code")


def automation_fraction(capability_log10, midpoint_log10, width_oom):
    """Share of a vector's tasks AI can do, a logistic in absolute capability (log10 effective FLOP)."""
    z = (np.asarray(capability_log10) - midpoint_log10) / width_oom
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1/(1+exp(-z)), without overflow


def _safe_rho(rho):
    rho = np.asarray(rho, dtype=float)
    return np.where(np.abs(rho) < 1e-4, -1e-4, rho)


def task_weights(f, rho):
    """CES weights of one vector's human and AI tasks, ((1-f)^(1-rho), f^(1-rho)).

    They depend on capability only, so the engine keeps them between releases.
    """
    f = np.clip(f, 0.0, 1.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return np.power(1.0 - f, 1.0 - rho), np.power(f, 1.0 - rho)


def _vector_terms(f, w_human, w_ai, q, q_rho, rho):
    """(R/L_h, d ln R / d ln ai_labour) of one vector; see :func:`vector_research`.

    ``w_human, w_ai`` from :func:`task_weights`, ``q_rho`` = q^rho.
    """
    f = np.clip(f, 0.0, 1.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ai = w_ai * q_rho
        total = w_human + ai
        ces = np.power(total, 1.0 / rho)
        share = np.where(total > 0, ai / total, 1.0)
        # Humans can still do automated tasks. While AI labour is scarce (q < f/(1-f)) the best
        # allocation moves humans onto automated tasks until every task has the same labour,
        # so the vector gets all 1 + q units at full efficiency; beyond that AI alone covers
        # the automated tasks and the CES form above holds. Both agree at the boundary.
        scarce = q * (1.0 - f) < f
        return np.where(scarce, 1.0 + q, ces), np.where(scarce, q / (1.0 + q), share)


def _labour(ai_labour, rho):
    q = np.maximum(ai_labour, 1e-300)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return q, np.power(q, rho)


def vector_research(f, ai_labour, rho):
    """Research input of one vector relative to human-only, CES over tasks.

    With a share f of tasks automated and AI labour q (human equivalents per human researcher)
    abundant (q >= f/(1-f)), AI does the automated tasks and humans the rest:
    R/L_h = [(1-f)^(1-rho) + f^(1-rho) q^rho]^(1/rho), which is 1 at f = 0 and tends to
    (1-f)^((rho-1)/rho) as q grows (the unautomated tasks bottleneck). While AI labour is
    scarcer, humans also work on automated tasks and R/L_h = 1 + q. Automation never lowers
    research input (R/L_h >= 1).
    """
    rho = _safe_rho(rho)
    q, q_rho = _labour(ai_labour, rho)
    return _vector_terms(f, *task_weights(f, rho), q, q_rho, rho)[0]


def combine_vectors(r_data, r_arch, r_code, rho):
    """Bottleneck CES of the three vectors' research inputs (equal weights)."""
    rho = _safe_rho(rho)
    with np.errstate(over="ignore", divide="ignore"):
        s = (np.power(r_data, rho) + np.power(r_arch, rho) + np.power(r_code, rho)) / 3.0
        return np.power(s, 1.0 / rho)


def capability_terms(capability_log10, p):
    """What automation reads from the deployed generation alone: each vector's automated share
    and its task weights, from its absolute effective compute (log10 FLOP, 2025 algorithms)."""
    w = p["automation.width_oom"]
    rho = _safe_rho(p["automation.substitution_rho"])
    out = {}
    for v in VECTORS:
        f = automation_fraction(capability_log10, np.log10(p[f"automation.midpoint_{v}_flop"]), w)
        out[f"f_{v}"] = f
        out[f"wh_{v}"], out[f"wa_{v}"] = task_weights(f, rho)
    return out


def research_multiplier(capability_oom, ai_labour, p, terms=None):
    """Automation fractions, research speed-ups and their response to AI labour.

    Returns ``(f_data, f_arch, f_code, m_code, m, elasticity)``: m is total research input
    relative to human-only, m_code that of the code/infrastructure vector (it shortens build
    cycles), and elasticity = d ln m / d ln ai_labour (0 human-only, 1 fully automated), which
    the engine's midpoint step uses. ``p`` maps parameter paths to arrays (automation.*);
    ``terms`` is :func:`capability_terms` of ``capability_oom`` where the caller keeps it.
    """
    c = capability_terms(capability_oom, p) if terms is None else terms
    rho = _safe_rho(p["automation.substitution_rho"])
    rho_b = _safe_rho(p["automation.bottleneck_rho"])
    q, q_rho = _labour(ai_labour, rho)
    r_d, e_d = _vector_terms(c["f_data"], c["wh_data"], c["wa_data"], q, q_rho, rho)
    r_a, e_a = _vector_terms(c["f_arch"], c["wh_arch"], c["wa_arch"], q, q_rho, rho)
    r_c, e_c = _vector_terms(c["f_code"], c["wh_code"], c["wa_code"], q, q_rho, rho)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        w_d, w_a, w_c = np.power(r_d, rho_b), np.power(r_a, rho_b), np.power(r_c, rho_b)
        total = w_d + w_a + w_c
        m = np.power(total / 3.0, 1.0 / rho_b)
        elasticity = np.nan_to_num(np.where(total > 0, (w_d * e_d + w_a * e_a + w_c * e_c) / total, 0.0), nan=1.0)
    return c["f_data"], c["f_arch"], c["f_code"], r_c, m, elasticity
