"""Fit the capability -> METR horizon mapping (:mod:`recloop.mechanisms.horizon`) to shipped data.

Inputs: METR's p50 and p80 horizons with their 95% CIs (``metr_horizons_1_1``) and Epoch AI's
training-compute estimates (``epoch_models``) for the METR agents whose base model Epoch lists
(:data:`CROSSWALK`) and that were released before reasoning training began
(``horizon.reasoning_onset_year``, :data:`REASONING_ONSET`): the map is one of pretraining-based
effective compute, and the later agents' reasoning gain is a parameter of its own
(:func:`recloop.mechanisms.horizon.reasoning_gain`) that those agents condition, not the fit. A model released at date d with physical training compute F has effective
compute E = log10 F + g (d - 2025) in 2025-algorithm FLOP-equivalents, g the algorithmic
progress rate (Ho et al. 2024: lognormal, p5 0.26, p95 0.72 OOM/yr).

Uncertainty by a parametric bootstrap (``draws`` replicates, seeded): each replicate resamples
the matched models with replacement, draws each log2 horizon from its CI (normal in log space,
sd = CI width / 3.92), each log10 F with Epoch's estimation error (sd 0.2 OOM, Epoch's
"confident" band is a factor of ~3 at 90%) and g from the Ho et al. lognormal, and fits the
line by ordinary least squares. The p80/p50 ratio is the geometric mean of METR's ratios for
its frontier (``is_sota``) agents, bootstrapped the same way. The 5th/50th/95th percentiles of
the replicates are what ``[horizon]`` declares and the baseline samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from recloop.data import load
from recloop.mechanisms.horizon import E_REF
from recloop.scenario import REFERENCE_YEAR, Horizon

__all__ = ["CROSSWALK", "CROSSWALKS", "CROSSWALK_1_0", "FLOP_SD_OOM", "G_P5", "G_P95", "REASONING_ONSET", "HorizonFit",
           "fit", "matched_points"]

#: METR TH 1.1 agent key -> Epoch AI model name (base model whose training compute Epoch estimates).
#: davinci_002 is METR's stand-in for GPT-3 (METR dates it to GPT-3's release, 2020-05-28).
CROSSWALK = {
    "gpt2": "GPT-2 (1.5B)",
    "davinci_002": "GPT-3 175B (davinci)",
    "gpt_3_5_turbo_instruct": "GPT-3.5",
    "gpt_4": "GPT-4",
    "gpt_4_1106_inspect": "GPT-4 Turbo",
    "claude_3_opus_inspect": "Claude 3 Opus",
    "gpt_4o_inspect": "GPT-4o",
    "claude_3_5_sonnet_20240620_inspect": "Claude 3.5 Sonnet",
    "claude_3_7_sonnet_inspect": "Claude 3.7 Sonnet",
}
#: The same for Time Horizon 1.0 (its keys differ; it also scores open-weight models Epoch lists).
CROSSWALK_1_0 = {
    "gpt2": "GPT-2 (1.5B)",
    "davinci_002": "GPT-3 175B (davinci)",
    "gpt_3_5_turbo_instruct": "GPT-3.5",
    "gpt_4": "GPT-4",
    "gpt_4_1106": "GPT-4 Turbo",
    "claude_3_opus": "Claude 3 Opus",
    "gpt_4o": "GPT-4o",
    "qwen_2_72b": "Qwen2-72B",
    "claude_3_5_sonnet": "Claude 3.5 Sonnet",
    "qwen_2_5_72b": "Qwen2.5-72B",
    "deepseek_v3": "DeepSeek-V3",
    "deepseek_r1": "DeepSeek-R1",
    "claude_3_7_sonnet": "Claude 3.7 Sonnet",
}
CROSSWALKS = {"1_1": CROSSWALK, "1_0": CROSSWALK_1_0}
G_P5, G_P95 = 0.26, 0.72  # Ho et al. 2024, algorithmic progress OOM/yr (software.initial_rate_oom_per_year)
FLOP_SD_OOM = 0.2
#: agents released from this calendar year on carry a reasoning gain and are not fitted
REASONING_ONSET = float(Horizon.model_fields["reasoning_onset_year"].default)
_Z95 = 1.959963984540054
_Z90 = 1.6448536269514722


@dataclass(frozen=True)
class HorizonFit:
    """Quantiles (p5, p50, p95) of the fitted parameters, and the points behind them."""

    oom_per_doubling: tuple[float, float, float]
    p50_hours_at_1e25: tuple[float, float, float]
    p80_ratio: tuple[float, float, float]
    points: int
    draws: int
    models: tuple[str, ...]

    def as_params(self) -> dict[str, float]:
        """The medians as a parameter mapping (for :mod:`recloop.mechanisms.horizon`)."""
        return {"horizon.oom_per_doubling": self.oom_per_doubling[1],
                "horizon.p50_hours_at_1e25": self.p50_hours_at_1e25[1],
                "horizon.p80_ratio": self.p80_ratio[1]}


def matched_points(version: str = "1_1", before: float = REASONING_ONSET) -> dict[str, np.ndarray]:
    """The METR agents of :data:`CROSSWALK` with Epoch's compute released before ``before``
    (a calendar year; inf: all): arrays keyed by column."""
    metr, epoch = load(f"metr_horizons_{version}"), load("epoch_models")
    flop = dict(zip(epoch["model"], epoch["training_compute_flop"]))
    keys = list(metr["model"])
    walk = CROSSWALKS[version]
    rows = [keys.index(k) for k in walk if k in keys and walk[k] in flop and metr.years[keys.index(k)] < before]
    pick = np.array(rows, dtype=int)
    hours = metr["p50_estimate_minutes"][pick] / 60.0
    lo, hi = metr["p50_ci_low_minutes"][pick] / 60.0, metr["p50_ci_high_minutes"][pick] / 60.0
    return {"model": np.array([keys[i] for i in rows], dtype=object),
            "year": metr.years[pick],
            "log10_flop": np.log10([flop[walk[keys[i]]] for i in rows]),
            "log2_hours": np.log2(hours),
            "log2_sd": (np.log2(hi) - np.log2(lo)) / (2 * _Z95)}


def _g_draws(rng, n):
    mu = 0.5 * (np.log(G_P5) + np.log(G_P95))
    sigma = (np.log(G_P95) - np.log(G_P5)) / (2 * _Z90)
    return np.exp(mu + sigma * rng.standard_normal(n))


def fit(*, draws: int = 4000, seed: int = 17, version: str = "1_1") -> HorizonFit:
    """Bootstrap the mapping (see the module docstring); deterministic for a given seed."""
    pts = matched_points(version)
    n = pts["year"].size
    if n < 3:
        raise ValueError(f"need at least 3 matched models to fit a line, got {n}")
    rng = np.random.default_rng(seed)
    g = _g_draws(rng, draws)
    idx = rng.integers(0, n, size=(draws, n))
    y = pts["log2_hours"][idx] + pts["log2_sd"][idx] * rng.standard_normal((draws, n))
    x = (pts["log10_flop"][idx] + FLOP_SD_OOM * rng.standard_normal((draws, n))
         + g[:, None] * (pts["year"][idx] - REFERENCE_YEAR))
    xm, ym = x.mean(axis=1, keepdims=True), y.mean(axis=1, keepdims=True)
    sxx = ((x - xm) ** 2).sum(axis=1)
    ok = sxx > 1e-9  # a resample of one repeated model has no slope
    slope = ((x - xm) * (y - ym)).sum(axis=1)[ok] / sxx[ok]
    intercept = ym[ok, 0] + slope * (E_REF - xm[ok, 0])  # log2 hours at E = 1e25
    slope = slope[slope > 0]
    oom = 1.0 / slope

    metr = load(f"metr_horizons_{version}")
    sota = metr["is_sota"] & np.isfinite(metr["p80_estimate_minutes"])
    log_ratio = np.log(metr["p80_estimate_minutes"][sota] / metr["p50_estimate_minutes"][sota])
    k = log_ratio.size
    boot = log_ratio[rng.integers(0, k, size=(draws, k))].mean(axis=1)

    def q3(x) -> tuple[float, float, float]:
        a, b, c = (float(v) for v in np.percentile(x, (5, 50, 95)))
        return a, b, c

    i5, i50, i95 = q3(intercept)
    r5, r50, r95 = q3(boot)
    return HorizonFit(
        oom_per_doubling=q3(oom),
        p50_hours_at_1e25=(2.0 ** i5, 2.0 ** i50, 2.0 ** i95),
        p80_ratio=(math.exp(r5), math.exp(r50), math.exp(r95)),
        points=n, draws=draws, models=tuple(pts["model"]))
