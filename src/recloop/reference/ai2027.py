"""AI 2027 takeoff forecast (Kokotajlo & Lifland, April 2025, ai-2027.com "Takeoff forecast"):
a reference implementation with closed-form phase durations, vectorised over samples.

The forecast conditions on a superhuman coder (SC) in March 2027 and walks the chain
SC -> superhuman AI researcher (SAR) -> superintelligent AI researcher (SIAR) -> artificial
superintelligence (ASI). For each gap it forecasts the *human-only* time (years humans alone
would need, software only, fixed compute) and an AI R&D progress multiplier at each milestone
(5, 25, 250, 2,000). Within a gap the multiplier grows exponentially in progress made:
``v(P) = v_A * (v_B / v_A) ** (P / G)``. The published code integrates this with a daily loop;
here ``dP/dt = v(P)`` is solved exactly. The calendar time to cross a gap of ``G`` human-only
years is

    T = G * (1/v_A - 1/v_B) / ln(v_B / v_A)          (T = G / v_A when v_A = v_B),

and the time until the multiplier reaches ``m`` inside that gap is
``G * (1/v_A - 1/m) / ln(v_B / v_A)``.

Human-only gaps (takeoff forecast, sections "From SC to SAR", "SAR to SIAR", "SIAR to ASI"):
- SC -> SAR: 0 with probability 15%, otherwise lognormal, median 4 years (80% CI 1.5-10);
- SAR -> SIAR: with ``A`` the human-only years from an automated median researcher (AMR) to SAR
  (lognormal, 80% CI 1-25, correlated 0.8 with SC -> SAR) and ~10 research-years of stock at AMR,
  ``x = 10 + A``; the SAR -> SIAR jump needs twice as many doublings of cumulative research effort,
  so ``G = x * ((x / 10) ** 2 - 1)`` (median ~19 years);
- SIAR -> ASI: ``J`` SAR-to-SIAR-equivalent jumps (lognormal, 80% CI 0.3-7.5), so with
  ``y = x + G_SAR->SIAR``: ``G = y * ((y / x) ** J - 1)`` (median ~95 years).
Each phase is capped at 1,000 calendar years as in the published code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from recloop.params import Block, RecloopInputError, Uncertain, param
from recloop.reference._common import Pause, check_samples, draw, lognormal_80, normal_blocks

__all__ = ["AI2027Inputs", "AI2027Result", "MILESTONES", "VARIANTS", "phase_years", "run", "sample_dates"]

_SRC = "Kokotajlo & Lifland 2025, AI 2027 'Takeoff forecast' (ai-2027.com)"
MILESTONES = ("SC", "SAR", "SIAR", "ASI")
VARIANTS = ("default",)
_DAYS_PER_YEAR = 365.0


class AI2027Inputs(Block):
    """Uncertainties of the AI 2027 takeoff forecast (defaults: the published ones)."""

    sc_year: float = param(
        2027.0 + 90.0 / _DAYS_PER_YEAR, unit="decimal year", bounds=(2020.0, 2100.0),
        doc="Date of the superhuman coder, on which the forecast conditions (31 March 2027).",
        source=f"{_SRC}, 'Summary' (SC in March 2027); published code starting_time 'March 31 2027'")
    p_sc_is_sar: float = param(
        0.15, unit="probability", bounds=(0.0, 1.0),
        doc="Probability that the first SC is already a SAR (zero human-only gap SC -> SAR).",
        source=f"{_SRC}, 'Human-only timeline from SC to SAR', case 1 (15%)")
    sc_to_sar_years: Uncertain = param(
        lognormal_80(1.5, 10.0), unit="human-only yr", bounds=(0.01, 1e4), log=True,
        doc="Human-only, software-only years from SC to SAR when not zero (lognormal, 80% CI 1.5-10).",
        source=f"{_SRC}, milestone table and 'From SC to SAR' (median 4, 80% CI 1.5-10)")
    amr_to_sar_years: Uncertain = param(
        lognormal_80(1.0, 25.0), unit="human-only yr", bounds=(0.01, 1e4), log=True,
        doc="Human-only years from an automated median researcher to SAR (lognormal, 80% CI 1-25).",
        source=f"{_SRC}, 'Human-only timeline from SAR to SIAR' (median 5, 80% CI 1-25)")
    corr_sc_amr: float = param(
        0.8, unit="1", bounds=(-1.0, 1.0),
        doc="Gaussian-copula correlation between SC->SAR and AMR->SAR human-only years.",
        source=f"{_SRC}, 'Human-only timeline from SAR to SIAR' (strong correlation, 0.8)")
    stock_at_amr_years: float = param(
        10.0, unit="research-yr", bounds=(0.1, 1000.0),
        doc="Stock of 2025-research-years at the automated median researcher.",
        source=f"{_SRC}, 'Human-only timeline from SAR to SIAR' (~10)")
    siar_jump_ratio: float = param(
        2.0, unit="1", bounds=(0.01, 100.0),
        doc="Doublings of cumulative research effort for SAR->SIAR relative to AMR->SAR (SIAR is 2 median-to-best jumps).",
        source=f"{_SRC}, 'Human-only timeline from SAR to SIAR' (twice as many effort doublings)")
    siar_to_asi_jumps: Uncertain = param(
        lognormal_80(0.3, 7.5), unit="SAR->SIAR jumps", bounds=(1e-4, 1e4), log=True,
        doc="SAR-to-SIAR-equivalent jumps needed from SIAR to ASI (lognormal, median 1.5, 80% CI 0.3-7.5).",
        source=f"{_SRC}, 'Human-only timeline from SIAR to ASI'")
    multiplier_sc: float = param(
        5.0, unit="x", bounds=(1.0, 1e7), log=True,
        doc="AI R&D progress multiplier at the superhuman coder.",
        source=f"{_SRC}, milestone table (5)")
    multiplier_sar: float = param(
        25.0, unit="x", bounds=(1.0, 1e7), log=True,
        doc="AI R&D progress multiplier at the superhuman AI researcher.",
        source=f"{_SRC}, 'SAR would ~25x AI R&D'")
    multiplier_siar: float = param(
        250.0, unit="x", bounds=(1.0, 1e7), log=True,
        doc="AI R&D progress multiplier at the superintelligent AI researcher.",
        source=f"{_SRC}, 'SIAR would ~250x AI R&D'")
    multiplier_asi: float = param(
        2000.0, unit="x", bounds=(1.0, 1e7), log=True,
        doc="AI R&D progress multiplier at artificial superintelligence.",
        source=f"{_SRC}, 'ASI would ~2,000x AI R&D'")
    max_phase_years: float = param(
        1000.0, unit="yr", bounds=(1.0, 1e5),
        doc="Cap on the calendar duration of one phase (keeps far tails finite).",
        source="AI Futures Project takeoff simulation code (MAX_CALENDAR_DAYS = 365 * 1000)")

    @property
    def multipliers(self) -> tuple[float, float, float, float]:
        return (self.multiplier_sc, self.multiplier_sar, self.multiplier_siar, self.multiplier_asi)


def phase_years(gap, v_a: float, v_b: float):
    """Calendar years to make ``gap`` human-only years of progress while the multiplier grows
    exponentially in progress from ``v_a`` to ``v_b`` (exact solution of dP/dt = v(P))."""
    if v_a == v_b:
        return np.asarray(gap, dtype=float) / v_a
    return np.asarray(gap, dtype=float) * (1.0 / v_a - 1.0 / v_b) / math.log(v_b / v_a)


def _time_to_multiplier(gap, v_a: float, v_b: float, m: float):
    """Calendar years from the phase start until the multiplier reaches ``m`` (v_a <= m <= v_b)."""
    if v_a == v_b:
        return np.zeros_like(np.asarray(gap, dtype=float))
    return np.asarray(gap, dtype=float) * (1.0 / v_a - 1.0 / m) / math.log(v_b / v_a)


def human_only_gaps(inputs: AI2027Inputs, z: np.ndarray) -> np.ndarray:
    """Human-only years of the three gaps, shape ``(m, 3)``, from standard normals ``z`` ``(m, 4)``."""
    rho = inputs.corr_sc_amr
    z_sc = z[:, 0]
    z_amr = rho * z[:, 0] + math.sqrt(max(0.0, 1.0 - rho * rho)) * z[:, 1]
    sc_sar = draw(inputs.sc_to_sar_years, z_sc)
    sc_sar = np.where(special.ndtr(z[:, 2]) < inputs.p_sc_is_sar, 0.0, sc_sar)
    stock = inputs.stock_at_amr_years
    x = stock + draw(inputs.amr_to_sar_years, z_amr)
    # Davidson-style diminishing returns: each jump needs a fixed number of doublings of effort
    sar_siar = x * ((x / stock) ** inputs.siar_jump_ratio - 1.0)
    y = x + sar_siar
    jumps = draw(inputs.siar_to_asi_jumps, z[:, 3])
    with np.errstate(over="ignore"):
        siar_asi = y * ((y / x) ** jumps - 1.0)
    return np.stack([sc_sar, sar_siar, siar_asi], axis=1)


def sample_dates(inputs: AI2027Inputs, z: np.ndarray, *, pause: Pause | None = None) -> np.ndarray:
    """Milestone dates (decimal years), shape ``(m, 4)`` for SC, SAR, SIAR, ASI."""
    gaps = human_only_gaps(inputs, z)
    v = inputs.multipliers
    cap = inputs.max_phase_years
    durations = np.stack([np.minimum(phase_years(gaps[:, k], v[k], v[k + 1]), cap) for k in range(3)], axis=1)
    if pause is not None and pause.active:
        durations = _apply_pause(durations, gaps, v, pause, cap)
    dates = np.empty((gaps.shape[0], 4))
    dates[:, 0] = inputs.sc_year
    dates[:, 1:] = inputs.sc_year + np.cumsum(durations, axis=1)
    return dates


def _apply_pause(durations: np.ndarray, gaps: np.ndarray, v, pause: Pause, cap: float) -> np.ndarray:
    """Add ``pause.years`` to the phase in which the trigger fires (frozen progress: the
    multiplier and the remaining gap are unchanged after the pause)."""
    out = durations.copy()
    if pause.milestone is not None:
        if pause.milestone not in MILESTONES[:3]:
            raise RecloopInputError([
                f"pause.milestone: unknown milestone {pause.milestone!r} for ai2027; allowed: SC, SAR, SIAR"])
        # a pause at milestone k delays every later milestone: add it to the phase that follows
        out[:, MILESTONES.index(pause.milestone)] += pause.years
        return out
    if pause.multiplier is not None:
        m = pause.multiplier
        if m <= v[0]:
            out[:, 0] += pause.years
            return out
        for k in range(3):
            if v[k] < m <= v[k + 1]:
                # the pause lands inside phase k only if the phase gets that far within the cap
                reach = _time_to_multiplier(gaps[:, k], v[k], v[k + 1], m)
                out[:, k] += np.where(reach <= cap, pause.years, 0.0)
                return out
        return out  # the multiplier never reaches m: no pause
    if pause.progress_years is not None:
        raise RecloopInputError(["pause.progress_years: not defined for ai2027; use --pause-at MILESTONE "
                                 "or --pause-multiplier"])
    return out


@dataclass(frozen=True)
class AI2027Result:
    variant: str
    samples: int
    seed: int
    milestones: dict[str, dict[str, float]]
    p_asi_before: dict[str, float]
    phase_years: dict[str, dict[str, float]]
    pause: dict | None = None

    def as_dict(self) -> dict:
        out = {"variant": self.variant, "samples": self.samples, "seed": self.seed,
               "milestones": self.milestones, "p_asi_before": self.p_asi_before,
               "phase_years": self.phase_years}
        if self.pause is not None:
            out["pause"] = self.pause
        return out


def run(inputs: AI2027Inputs | None = None, *, samples: int = 100_000, seed: int = 0, variant: str = "default",
        pause: Pause | None = None, before: tuple[float, ...] = (2028.0, 2030.0),
        quantiles: tuple[int, ...] = (10, 50, 90)) -> AI2027Result:
    """Monte Carlo of the AI 2027 takeoff: milestone date quantiles and P(ASI before each year)."""
    inputs = inputs or AI2027Inputs()
    samples = check_samples(samples)
    if variant not in VARIANTS:
        raise RecloopInputError([f"variant: unknown variant {variant!r} for ai2027; allowed: {', '.join(VARIANTS)}"])
    dates = np.empty((samples, 4))
    for start, z in normal_blocks(seed, samples, 4):
        dates[start:start + z.shape[0]] = sample_dates(inputs, z, pause=pause)
    qs = np.array(quantiles) / 100.0
    milestones = {}
    for k, name in enumerate(MILESTONES):
        vals = np.quantile(dates[:, k], qs)
        milestones[name] = {f"p{q}": float(x) for q, x in zip(quantiles, vals)}
    durations = np.diff(dates, axis=1)
    phases = {}
    for k in range(3):
        vals = np.quantile(durations[:, k], qs)
        phases[f"{MILESTONES[k]}->{MILESTONES[k + 1]}"] = {f"p{q}": float(x) for q, x in zip(quantiles, vals)}
    p_before = {f"{y:g}": float((dates[:, 3] < y).mean()) for y in before}
    return AI2027Result(variant=variant, samples=samples, seed=int(seed), milestones=milestones,
                        p_asi_before=p_before, phase_years=phases,
                        pause=pause.describe() if pause is not None and pause.active else None)
