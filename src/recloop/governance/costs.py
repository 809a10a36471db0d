"""The realist reading: compliance costs, market share and the private arithmetic of a pause.

Capital moat (essay, 'Realist Interpretation'): a compliance regime costs a fixed amount (a
safety and regulatory team, evaluations, audits) plus a share of spending. As a share of an
actor's budget the fixed part is ``fixed / budget``: ten times heavier for an actor with a tenth
of the budget. Budgets are measured relative to the scenario's frontier developer (1.0).

Market share follows relative capability: s_a = 10^(g K_a) / sum_b 10^(g K_b) with sensitivity g
per OOM of effective compute (a logit share model; g = 1 means a 1 OOM lead is worth 10:1).

Defection from a pause: pausing for T years while rivals grow G OOM/yr moves an actor's share
from s to s' = s / (s + (1 - s) 10^(g G T)); the share-years lost are about (s - s') T / 2
(linear path). A rational member defects when that gain exceeds the expected sanction
P(detected within T) x sanction. This is the Stafford, Trager & Dafoe 2022 / essay condition:
without monitoring the expected sanction is small and the treaty is defected from.
"""

from __future__ import annotations

import numpy as np

from recloop.mechanisms.containment import detection_over_periods

__all__ = ["compliance_cost_share", "market_shares", "share_after_pause", "defection_gain",
           "expected_sanction", "defects"]


def compliance_cost_share(budget, *, fixed, proportional):
    """Share of an actor's budget spent on compliance (capped at 1)."""
    return np.minimum(1.0, fixed / np.maximum(np.asarray(budget, dtype=float), 1e-12) + proportional)


def market_shares(capability, *, sensitivity, active=None, axis=-1):
    """Logit market shares from capability (log10 effective FLOP) along ``axis``."""
    k = np.asarray(capability, dtype=float) * sensitivity * np.log(10.0)
    if active is not None:
        k = np.where(active, k, -np.inf)
    k = k - np.max(np.where(np.isfinite(k), k, -1e300), axis=axis, keepdims=True)
    w = np.exp(k)
    return w / np.maximum(w.sum(axis=axis, keepdims=True), 1e-300)


def share_after_pause(share, rival_growth_oom_per_year, pause_years, *, sensitivity):
    """Share after pausing alone for ``pause_years`` while rivals grow."""
    s = np.asarray(share, dtype=float)
    return s / (s + (1.0 - s) * np.power(10.0, sensitivity * rival_growth_oom_per_year * pause_years))


def defection_gain(share, rival_growth_oom_per_year, pause_years, *, sensitivity):
    """Market-share-years kept by not pausing (the private gain from defecting)."""
    s1 = share_after_pause(share, rival_growth_oom_per_year, pause_years, sensitivity=sensitivity)
    return 0.5 * (np.asarray(share, dtype=float) - s1) * pause_years


def expected_sanction(p_detect_period, periods, sanction):
    """Probability of detection within ``periods`` times the sanction (share-years)."""
    return detection_over_periods(p_detect_period, periods) * sanction


def defects(gain, expected):
    """A rational member defects when the gain exceeds the expected sanction."""
    return np.asarray(gain) > np.asarray(expected)
