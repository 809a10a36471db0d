"""Containment: adversarial detection of hidden objectives with lineage deprecation, and the
hardware stop protocol that carries a halt decision to the chips.
"""

from __future__ import annotations

import numpy as np


def hidden_objective(fidelity, verified_fidelity, p):
    """A successor carries a hidden objective when it has drifted far enough from the last
    verified generation."""
    return 1.0 - fidelity / np.maximum(verified_fidelity, 1e-12) > p["drift.hidden_objective_drift"]


def flagged(hidden, u, *, tpr, fpr):
    """Detection outcome from one uniform draw per candidate."""
    return np.where(hidden, u < tpr, u < fpr)


def detection_over_periods(p_detect, periods):
    """Probability a persistent covert effort is caught at least once in k periods."""
    return 1.0 - np.power(1.0 - p_detect, periods)
