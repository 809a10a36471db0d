"""Data pollution: finite human text, the synthetic share, and a collapse law for quality.

A compute-optimal run of C FLOP needs D = sqrt(C * tokens_per_parameter / 6) tokens
(Hoffmann et al. 2022). Real text (the stock, reusable for a few epochs) covers a fraction p
of it; the rest is synthetic. Each generation's quality deficit e (fractional loss increase
over real-data training) follows the law the collapse lab calibrates:

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


def next_deficit(e, real_frac, generation, curation, p):
    """Quality deficit of the next generation under the collapse law.

    The synthetic share enters as (1 - p)^gamma (``data.real_fraction_exponent``); gamma = 1 is
    the law above, the collapse lab's character-model sweeps fit gamma ~ 1.7-2 better.
    """
    gamma = p["data.real_fraction_exponent"]
    # the power is skipped at the default gamma = 1 (this runs for every idle row at every step)
    synthetic = 1.0 - real_frac if np.all(gamma == 1.0) else np.power(1.0 - real_frac, gamma)
    inc = synthetic * p["data.collapse_kappa"] * (1.0 - curation)
    replace = synthetic * e + inc
    accumulate = e + inc / np.square(generation + 1.0)
    a = p["data.accumulation"]
    return (1.0 - a) * replace + a * accumulate


def capability_penalty_oom(e, p):
    """OOM of effective compute lost to a loss deficit e."""
    return np.log10(1.0 + e) / p["data.loss_compute_exponent"]
