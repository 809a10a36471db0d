"""Software progress: semi-endogenous growth with returns r = lambda/beta and a ceiling.

d ln S/dt = k R^lambda S^-beta. recloop measures S in OOM above the start (s = log10 S) and
calibrates k so that human-only research reproduces the historical trend exactly: along the
human path research input grows at ln(10) g / r per year (Jones 1995 balanced growth), so
with research input m times the human path and s above the trend path s_h = g t,

    ds/dt = g * m^lambda * 10^(-beta (s - s_h)),

which is g when m = 1 and s = s_h, and, when AI labour grows with software (m ~ 10^s),
explodes in finite time iff lambda > beta, i.e. r > 1 (Davidson & Houlden 2025).
Progress stops at the ceiling; the last OOM before it tapers linearly.
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


def hyperbolic_blowup_time(a, c):
    """Closed form: ds/dt = a 10^(c s), s(0) = 0 reaches infinity at 1/(a c ln 10)."""
    return 1.0 / (a * c * np.log(10.0))
