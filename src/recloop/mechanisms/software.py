"""Software progress: semi-endogenous growth with returns r = lambda/beta and a ceiling.

d ln S/dt = k R^lambda S^-beta. recloop measures S in OOM above the start (s = log10 S) and
calibrates k so that human-only research reproduces the historical trend exactly: along the
human path research input grows at ln(10) g / r per year (Jones 1995 balanced growth), so
with research input m times the human path and s above the trend path s_h = g t,

    ds/dt = g * m^lambda * 10^(-beta (s - s_h)),

which is g when m = 1 and s = s_h, and, when AI labour grows with software (m ~ 10^s),
explodes in finite time iff lambda > beta, i.e. r > 1 (Davidson & Houlden 2025).
Progress stops at the ceiling; the last OOM before it tapers linearly.

Research input m combines cognitive labour and experiment compute by a normalised CES
(de La Grandville 1989): both are measured against their paths in the human-only world with
compute on its planned trend, so m = 1 there and the trend is reproduced exactly; with
compute growth stopped, m falls and software slows (experiments need compute). The
substitution elasticity is disputed (Erdil et al. 2025; Whitfill & Wu 2025) and sampled.
"""

from __future__ import annotations

import numpy as np


def software_rate(s, t, m, rate0, returns, lam, ceiling):
    """OOM per year of software progress for each sample."""
    beta = lam / returns
    x = s - rate0 * t
    with np.errstate(over="ignore"):
        log_rate = np.log10(rate0) + lam * np.log10(np.maximum(m, 1e-300)) - beta * x
        rate = np.power(10.0, np.minimum(log_rate, 300.0))
    return rate * np.clip(ceiling - s, 0.0, 1.0)


def research_input(m_labour, m_compute, labour_share, sigma):
    """Normalised CES of labour and experiment compute, each relative to its trend path.

    Returns ``(m, labour_weight)``: m = [w L^rho + (1-w) C^rho]^(1/rho), rho = 1 - 1/sigma, and
    the labour term's share of it (d ln m / d ln L), for the midpoint step. sigma -> 1 is the
    Cobb-Douglas limit L^w C^(1-w); sigma -> 0 the Leontief min(L, C)."""
    sigma = np.asarray(sigma, dtype=float)
    rho = 1.0 - 1.0 / sigma
    ln_l = np.log(np.maximum(m_labour, 1e-300))
    ln_c = np.log(np.maximum(m_compute, 1e-300))
    w = labour_share
    near_cd = np.abs(rho) < 1e-6
    safe = np.where(near_cd, 1.0, rho)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # in logs, against overflow: ln m = (1/rho) ln(w e^(rho ln L) + (1-w) e^(rho ln C))
        a, b = safe * ln_l + np.log(w), safe * ln_c + np.log1p(-w)
        top = np.maximum(a, b)
        ln_sum = top + np.log(np.exp(a - top) + np.exp(b - top))
        ln_m = np.where(near_cd, w * ln_l + (1.0 - w) * ln_c, ln_sum / safe)
        share = np.where(near_cd, w, np.exp(a - ln_sum))
    return np.exp(np.minimum(ln_m, 690.0)), share


def hyperbolic_blowup_time(a, c):
    """Closed form: ds/dt = a 10^(c s), s(0) = 0 reaches infinity at 1/(a c ln 10)."""
    return 1.0 / (a * c * np.log(10.0))
