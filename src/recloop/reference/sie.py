"""Davidson & Houlden (2025), "How quick and big would a software intelligence explosion be?"
(Forethought, 4 August 2025): a reference implementation, vectorised over samples.

The model (paper, "Model dynamics" and "Pseudocode"): after ASARA (AI that fully automates AI
research) software advances in doublings. The first doubling takes ``3 months / f`` (recent
software doubling time over the initial speed-up ``f``). Each later doubling takes
``2 ** (p * (1/r - 1))`` times as long as the one before, where ``r`` (returns to software R&D)
falls by ``r0 / D`` per doubling and reaches 0 at the ceiling, ``D`` doublings away. Compute is
constant. One year of AI progress at 2020-24 rates is ``(12 / 3) / 0.5 = 8`` software doublings
(software doubled every 3 months and was half of all progress).

Headline: the probability that, somewhere in the trajectory, at least ``X`` years of progress are
made within ``M`` months (paper, "Results": ~57% for 3 years in 12 months, ~18% for 10 years).

Variants (paper, appendix "Variants of the model"):
- ``retraining``: the acceleration exponent ``a = p (1/r - 1)`` becomes ``a / (1 + |a|)``: one
  extra doubling per doubling of pace is spent shortening training runs;
- ``retraining-code``: as ``retraining`` but with the denominator ``|a + 1|`` found in the
  published simulation code, which reproduces the paper's retraining table (see docs);
- ``gradual``: the boost ramps up from ``1 + f0`` (f0 = 0.1) to ``1 + f`` exponentially over five
  years of compute growth, with ``r`` and the ceiling drawn from wider ranges.

Differences from the published simulation code (Houlden, github.com/thoulden/Accelerated_AI_Progress,
read for the method only): recloop loops over doubling index with all samples as arrays; the
window statistic asks for ``ceil(8 X)`` doublings within ``<= M`` months (the published code
truncates ``8 X M/12 * multiple``, which gives the same count for whole years).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from recloop.params import Block, LogUniform, RecloopInputError, Uncertain, Uniform, param
from recloop.reference._common import Pause, check_samples, draw, normal_blocks

__all__ = ["DEFAULT_WINDOWS", "SIEInputs", "SIEResult", "VARIANTS", "compression_hits", "run", "trajectories"]

_SRC = "Davidson & Houlden 2025, Forethought, 'How quick and big would a software intelligence explosion be?'"

VARIANTS = ("default", "retraining", "retraining-code", "gradual")

#: (years of progress X, months M): the issue's four cells plus the paper's 3-years-in-4-months cell
DEFAULT_WINDOWS: tuple[tuple[float, float], ...] = (
    (3.0, 12.0), (3.0, 4.0), (10.0, 12.0), (10.0, 4.0), (30.0, 12.0), (30.0, 4.0),
)


class SIEInputs(Block):
    """Uncertainties of the software intelligence explosion model (defaults: the paper's)."""

    initial_speedup: Uncertain = param(
        LogUniform(dist="loguniform", low=2.0, high=32.0), unit="x", bounds=(1.0, 1e4), log=True,
        doc="Initial speed-up f of software progress when ASARA is deployed, over the 2020-24 pace.",
        source=f"{_SRC}, 'Initial speed-up' and 'Summary of parameter assumptions' (log-uniform 2-32)")
    returns_r: Uncertain = param(
        LogUniform(dist="loguniform", low=0.4, high=3.6), unit="doublings per doubling", bounds=(0.01, 50.0),
        log=True,
        doc="Returns to software R&D r at ASARA: software doublings per doubling of cumulative inputs.",
        source=f"{_SRC}, 'Returns to software R&D' (log-uniform 0.4-3.6, median 1.2)")
    ceiling_years: Uncertain = param(
        Uniform(dist="uniform", low=6.0, high=16.0), unit="yr of progress", bounds=(0.1, 200.0),
        doc="Distance from ASARA to the effective limits of software, in years of AI progress at 2020-24 rates.",
        source=f"{_SRC}, 'Distance to the effective limits to software' (uniform 6-16)")
    parallel_p: Uncertain = param(
        LogUniform(dist="loguniform", low=0.15, high=0.6), unit="1", bounds=(0.001, 5.0),
        doc="Diminishing returns to parallel labour p = lambda * alpha (doublings of pace per doubling of labour).",
        source=f"{_SRC}, 'Diminishing returns to parallel labour' (log-uniform 0.15-0.6)")
    recent_doubling_months: float = param(
        3.0, unit="months", bounds=(0.1, 60.0),
        doc="Recent (2020-24) software doubling time, in units of parallel-labour-equivalent software.",
        source=f"{_SRC}, appendix 'AI software has recently been doubling every 3 months'")
    software_share: float = param(
        0.5, unit="1", bounds=(0.01, 1.0),
        doc="Share of recent AI progress due to software (the rest due to compute).",
        source=f"{_SRC}, appendix 'Calculating the summary statistics'")
    horizon_months: float = param(
        48.0, unit="months", bounds=(1.0, 1200.0),
        doc="Simulated time after ASARA (pauses excluded); doublings starting later are not simulated.",
        source="Houlden 2025, Accelerated_AI_Progress simulation code (48-month multiple-simulation horizon)")
    gradual_returns_r: Uncertain = param(
        LogUniform(dist="loguniform", low=0.57, high=5.1), unit="doublings per doubling", bounds=(0.01, 50.0),
        log=True, doc="Returns r in the gradual-boost variant (no discount for pre-ASARA progress).",
        source=f"{_SRC}, appendix 'Gradual boost' (log-uniform 1.7/3 to 1.7*3)")
    gradual_ceiling_years: Uncertain = param(
        Uniform(dist="uniform", low=9.0, high=19.0), unit="yr of progress", bounds=(0.1, 200.0),
        doc="Distance to effective limits in the gradual-boost variant (starts earlier, 3 OOMs further).",
        source=f"{_SRC}, appendix 'Gradual boost' (uniform 9-19)")
    gradual_initial_boost: float = param(
        0.1, unit="1", bounds=(0.0, 100.0),
        doc="Gradual variant: extra research productivity from AI at the start (pace = 1 + boost).",
        source=f"{_SRC}, appendix 'Gradual boost' (f0 = 0.1)")
    gradual_ramp_months: float = param(
        60.0, unit="months", bounds=(1.0, 600.0),
        doc="Gradual variant: months for the boost to grow exponentially from f0 to f (12 compute doublings).",
        source=f"{_SRC}, appendix 'Gradual boost' (4096x compute over five years)")

    @property
    def doublings_per_year_of_progress(self) -> float:
        """Software doublings that make one year of overall AI progress at 2020-24 rates (8 by default)."""
        return (12.0 / self.recent_doubling_months) / self.software_share


@dataclass(frozen=True)
class Trajectories:
    """Doubling times of one chunk: ``times[i, j]`` is the month sample i completes doubling j
    (``times[:, 0] = 0``; ``inf`` once the trajectory has stopped)."""

    times: np.ndarray
    paused: np.ndarray  # bool per sample: a pause fired
    params: dict[str, np.ndarray] = field(default_factory=dict)


def _checked_variant(variant: str) -> str:
    if variant not in VARIANTS:
        raise RecloopInputError([f"variant: unknown variant {variant!r} for sie; allowed: {', '.join(VARIANTS)}"])
    return variant


def trajectories(inputs: SIEInputs, z: np.ndarray, *, variant: str = "default",
                 pause: Pause | None = None) -> Trajectories:
    """Simulate one chunk of samples from standard normals ``z`` (shape ``(m, 4)``).

    Loops over the doubling index (at most ``ceil(8 * ceiling_years)`` steps), never over samples.
    """
    variant = _checked_variant(variant)
    gradual = variant == "gradual"
    f = draw(inputs.initial_speedup, z[:, 0])
    r0 = draw(inputs.gradual_returns_r if gradual else inputs.returns_r, z[:, 1])
    years = draw(inputs.gradual_ceiling_years if gradual else inputs.ceiling_years, z[:, 2])
    p = draw(inputs.parallel_p, z[:, 3])
    m = f.shape[0]
    per_year = inputs.doublings_per_year_of_progress
    d_ceiling = years * per_year  # doublings from ASARA to the ceiling
    steps = int(math.ceil(float(d_ceiling.max()))) if m else 0
    base = inputs.recent_doubling_months

    if gradual:
        f0 = inputs.gradual_initial_boost
        ramp = inputs.gradual_ramp_months
        growth = np.log(f / f0) / ramp

        def boost(t):
            # the boost follows compute, which grows exponentially until the ramp ends
            return np.where(t < ramp, f0 * np.exp(np.minimum(t, ramp) * growth), f)

        pace_now = np.full(m, 1.0 + f0)
    else:
        pace_now = f.copy()
    doubling = base / pace_now

    pause_on = pause is not None and pause.active
    pause_months = 12.0 * pause.years if pause is not None and pause_on else 0.0
    paused = np.zeros(m, dtype=bool)
    times = np.full((m, steps + 1), np.inf)
    times[:, 0] = 0.0
    t = np.zeros(m)
    alive = np.ones(m, dtype=bool)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for j in range(1, steps + 1):
            # doubling j runs while software is below the ceiling (equivalently r > 0)
            alive &= (j - 1) < d_ceiling
            alive &= (t - np.where(paused, pause_months, 0.0)) < inputs.horizon_months
            if pause is not None and pause_on:
                fire = alive & ~paused
                trig = np.zeros(m, dtype=bool)
                if pause.multiplier is not None:
                    trig |= base / doubling >= pause.multiplier
                if pause.progress_years is not None:
                    trig |= (j - 1) >= pause.progress_years * per_year
                fire &= trig
                if fire.any():
                    if gradual:
                        # compute (and so the boost) keeps growing while AI R&D is paused
                        before = 1.0 + boost(t)
                        t = np.where(fire, t + pause_months, t)
                        doubling = np.where(fire, doubling * before / (1.0 + boost(t)), doubling)
                    else:
                        t = np.where(fire, t + pause_months, t)
                    paused |= fire
            if not alive.any():
                break
            t = np.where(alive, t + doubling, t)
            times[:, j] = np.where(alive, t, np.inf)
            r = r0 * (1.0 - j / d_ceiling)
            a = p * (1.0 / r - 1.0)
            if variant == "retraining":
                a = a / (1.0 + np.abs(a))
            elif variant == "retraining-code":
                # the published simulation code divides by |a + 1| instead of 1 + |a|; for an
                # accelerating sample (-1 < a < 0) that amplifies the acceleration rather than
                # damping it. Kept only to reproduce the paper's retraining table.
                a = a / np.abs(a + 1.0)
            factor = np.exp2(a)
            if gradual:
                pace_next = 1.0 + boost(t)
                factor = factor * pace_now / pace_next
                pace_now = pace_next
            doubling = np.where(r > 0, doubling * factor, doubling)
    return Trajectories(times=times, paused=paused,
                        params={"initial_speedup": f, "returns_r": r0, "ceiling_years": years, "parallel_p": p})


def compression_hits(times: np.ndarray, doublings: int, months: float) -> np.ndarray:
    """Per sample: did some run of ``doublings`` consecutive doublings take at most ``months``?"""
    n = int(doublings)
    if n <= 0:
        return np.ones(times.shape[0], dtype=bool)
    if n >= times.shape[1]:
        return np.zeros(times.shape[0], dtype=bool)
    with np.errstate(invalid="ignore"):
        span = times[:, n:] - times[:, :-n]
        span = np.where(np.isfinite(span), span, np.inf)
    return span.min(axis=1) <= months


def doublings_for(years: float, per_year: float) -> int:
    # a whole number of doublings covering at least `years` of progress (tolerance for 8 * 3.0)
    return int(math.ceil(years * per_year - 1e-9))


@dataclass(frozen=True)
class SIEResult:
    variant: str
    samples: int
    seed: int
    windows: list[dict]
    months_to_progress: dict[str, dict[str, float | None]]
    pause: dict | None = None
    paused_fraction: float | None = None

    def as_dict(self) -> dict:
        out = {"variant": self.variant, "samples": self.samples, "seed": self.seed,
               "windows": self.windows, "months_to_progress": self.months_to_progress}
        if self.pause is not None:
            out["pause"] = self.pause
            out["paused_fraction"] = self.paused_fraction
        return out


def run(inputs: SIEInputs | None = None, *, samples: int = 100_000, seed: int = 0, variant: str = "default",
        windows: tuple[tuple[float, float], ...] = DEFAULT_WINDOWS, pause: Pause | None = None,
        progress_marks: tuple[float, ...] = (3.0, 10.0)) -> SIEResult:
    """Monte Carlo of the software intelligence explosion.

    Returns, for each ``(years, months)`` window, the probability that at least ``years`` of AI
    progress (2020-24 rates) are compressed into at most ``months``; and the 10/50/90th
    percentiles of months from ASARA until ``progress_marks`` years of progress are made
    (``None`` where fewer than that share of samples get there: censored, not a number).
    """
    inputs = inputs or SIEInputs()
    samples = check_samples(samples)
    _checked_variant(variant)
    per_year = inputs.doublings_per_year_of_progress
    counts = np.zeros(len(windows))
    marks: dict[float, list[np.ndarray]] = {x: [] for x in progress_marks}
    paused_count = 0
    for _, z in normal_blocks(seed, samples, 4):
        tr = trajectories(inputs, z, variant=variant, pause=pause)
        for i, (years, months) in enumerate(windows):
            counts[i] += compression_hits(tr.times, doublings_for(years, per_year), months).sum()
        for x in progress_marks:
            n = doublings_for(x, per_year)
            marks[x].append(tr.times[:, n] if n < tr.times.shape[1] else np.full(tr.times.shape[0], np.inf))
        paused_count += int(tr.paused.sum())
    out_windows = [{"years": y, "months": mo, "probability": float(c / samples)}
                   for (y, mo), c in zip(windows, counts)]
    mtp = {}
    for x, parts in marks.items():
        vals = np.sort(np.concatenate(parts))
        entry: dict[str, float | None] = {}
        for q in (10, 50, 90):
            # nearest-rank percentile, so a censored (never reached) share reads as None
            v = vals[min(len(vals) - 1, int(math.ceil(q / 100 * len(vals))) - 1)]
            entry[f"p{q}"] = float(v) if np.isfinite(v) else None
        entry["reached"] = float(np.isfinite(vals).mean())
        mtp[f"{x:g}"] = entry
    pause_info = pause.describe() if pause is not None and pause.active else None
    return SIEResult(variant=variant, samples=samples, seed=int(seed), windows=out_windows,
                     months_to_progress=mtp, pause=pause_info,
                     paused_fraction=(paused_count / samples) if pause_info else None)
