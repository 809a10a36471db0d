"""Data pollution: finite human text, the synthetic share, and a collapse law for quality.

A compute-optimal run of C FLOP needs D = sqrt(C * tokens_per_parameter / 6) tokens
(Hoffmann et al. 2022). Real text (the stock, reusable for a few epochs) covers a fraction p
of it; the rest is synthetic. The quality deficit e (fractional loss increase over real-data
training) follows the law the collapse lab calibrates, per generation of 1 OOM (and, in the
engine, per OOM of capability gained, see :func:`deficit_slope`):

    replace:     e' = (1 - p) (e + kappa (1 - c))
    accumulate:  e' = e + (1 - p) kappa (1 - c) / (n + 1)^2      (bounded, Gerstgrasser 2024)

interpolated by the accumulation share; c is the curation level (AI curation of synthetic
data, the first automation vector). A deficit costs log10(1 + e) / alpha OOM of effective
compute through the loss scaling law L ~ C^-alpha.
"""

from __future__ import annotations

import numpy as np


def tokens_needed(run_flop, tokens_per_parameter):
    return np.sqrt(run_flop * tokens_per_parameter / 6.0)


def real_fraction(run_flop, t, p):
    """Share of a run's tokens that can be real data."""
    stock = p["data.real_stock_tokens"] * np.exp(p["data.real_stock_growth"] * t) * p["data.max_epochs"]
    need = tokens_needed(run_flop, p["data.tokens_per_parameter"])
    return np.minimum(1.0, stock / need)


def deficit_slope(e, real_frac, oom_gained, curation, p):
    """(A, B_replace, B_accumulate) of the collapse law as an equation in capability,
    de/dK = -A e + B_replace + B_accumulate / (n + 1)^2, per OOM gained (n: OOM gained so far).

    One generation of 1 OOM under the discrete law (replace: e' = w (e + kappa (1-c)) with w the
    synthetic weight; accumulate: e' = e + w kappa (1-c)/(n+1)^2) is one unit of K here, so the law
    no longer depends on how the gain is split into releases. The synthetic share enters as
    w = (1-p)^gamma (``data.real_fraction_exponent``; gamma = 1 is the law above, the collapse lab's
    character-model sweeps fit gamma ~ 1.7-2 better)."""
    gamma = p["data.real_fraction_exponent"]
    synthetic = 1.0 - real_frac if np.all(gamma == 1.0) else np.power(1.0 - real_frac, gamma)
    inc = synthetic * p["data.collapse_kappa"] * (1.0 - curation)
    acc = p["data.accumulation"]
    return (1.0 - acc) * (1.0 - synthetic), (1.0 - acc) * inc, acc * inc


def advance_deficit(e, real_frac, oom_gained, gained, curation, p):
    """Update over a gain ``gained`` from ``oom_gained``: the replace part exactly (A and B held at
    the step's start), the accumulate part's 1/(n+1)^2 integrated exactly."""
    a, b, b_acc = deficit_slope(e, real_frac, oom_gained, curation, p)
    decay = np.exp(-a * gained)
    with np.errstate(divide="ignore", invalid="ignore"):
        fixed = b / np.maximum(a, 1e-300)
        moved = np.where(a > 1e-12, (e - fixed) * decay + fixed, e + b * gained)
    moved = moved + b_acc * (1.0 / (oom_gained + 1.0) - 1.0 / (oom_gained + gained + 1.0))
    return np.maximum(moved, 0.0)


def capability_penalty_oom(e, p):
    """OOM of effective compute lost to a loss deficit e."""
    return np.log10(1.0 + e) / p["data.loss_compute_exponent"]
