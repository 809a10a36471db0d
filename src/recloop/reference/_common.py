"""Shared plumbing of the reference models: seeding, chunked sampling, the pause lever.

Randomness: the user's seed is normalised once into a :class:`numpy.random.SeedSequence`; chunk
``c`` of samples draws from the child stream with spawn key ``(c,)``, and within a chunk uniforms
are drawn row by row. So sample ``i`` gets the same parameters whether 10 or 10 million samples
run (the chunk size is fixed), and no global random state is touched.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from recloop.params import Block, LogNormal, RecloopInputError, param

__all__ = [
    "CHUNK",
    "MAX_SAMPLES",
    "Pause",
    "check_samples",
    "draw",
    "lognormal_80",
    "normal_blocks",
    "seed_sequence",
]

#: samples per chunk; fixed so that sample i is reproducible across run sizes
CHUNK = 1 << 15
MAX_SAMPLES = 10_000_000

_Z90 = 1.2815515655446004  # standard normal 90th percentile
_Z95 = 1.6448536269514722  # standard normal 95th percentile


def lognormal_80(p10: float, p90: float) -> LogNormal:
    """A lognormal given by its 10th and 90th percentiles (an "80% CI", as AI 2027 states them),
    re-expressed as the 5th/95th percentiles that :class:`recloop.params.LogNormal` takes."""
    mu = 0.5 * (math.log(p10) + math.log(p90))
    sigma = (math.log(p90) - math.log(p10)) / (2 * _Z90)
    return LogNormal(dist="lognormal", p5=math.exp(mu - _Z95 * sigma), p95=math.exp(mu + _Z95 * sigma))


def check_samples(samples: int) -> int:
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)):
        raise RecloopInputError([f"samples: must be an integer, got {samples!r}"])
    if not 0 < samples <= MAX_SAMPLES:
        raise RecloopInputError([f"samples: must be in [1, {MAX_SAMPLES}], got {samples}"])
    return int(samples)


def seed_sequence(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """Normalise a user seed (a non-negative integer; 0 is a seed like any other)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise RecloopInputError([f"seed: must be a non-negative integer, got {seed!r}"])
    return np.random.SeedSequence(int(seed))


def normal_blocks(seed: int | np.random.SeedSequence, samples: int, k: int) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(first_index, z)`` with ``z`` of shape ``(m, k)`` standard normals, chunk by chunk.

    Standard normals rather than uniforms so that correlated draws (a Gaussian copula) need no
    extra transform; ``scipy.special.ndtr(z)`` gives the uniforms.
    """
    root = seed_sequence(seed)
    for c, start in enumerate(range(0, samples, CHUNK)):
        m = min(CHUNK, samples - start)
        child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, c))
        yield start, np.random.default_rng(child).standard_normal((m, k))


def draw(value, z: np.ndarray) -> np.ndarray:
    """Sample a declared parameter (a point value or a distribution) from standard normals ``z``."""
    if isinstance(value, (int, float)):
        return np.full(z.shape, float(value))
    from scipy import special

    u = special.ndtr(z)
    # keep u strictly inside (0, 1) so a ppf never returns an infinite endpoint
    u = np.clip(u, 1e-15, 1 - 1e-15)
    return np.asarray(value.ppf(u), dtype=float)


class Pause(Block):
    """A halt applied to a reference model: stop AI R&D progress for ``years`` once a trigger fires.

    Triggers (the first that fires applies; at most one pause per sample):
    ``milestone`` (AI 2027: SC, SAR or SIAR), ``progress_years`` (software intelligence explosion:
    years of AI progress made since ASARA), ``multiplier`` (both: the software progress multiplier,
    i.e. pace of software progress over its recent pace, reaches this value), ``automation``
    (compute-centric framework: share of tasks automated).
    """

    milestone: str | None = param(
        None, unit="milestone", doc="Pause when this milestone is reached (AI 2027 chain).",
        source="recloop lever; milestones of Kokotajlo & Lifland 2025, takeoff forecast",
        choices=("SC", "SAR", "SIAR"))
    progress_years: float | None = param(
        None, unit="yr of progress", bounds=(0.0, 100.0),
        doc="Pause once this many years of AI progress (at 2020-24 rates) have been made since ASARA.",
        source="recloop lever; units of Davidson & Houlden 2025")
    multiplier: float | None = param(
        None, unit="x", bounds=(1.0, 1e9), log=True,
        doc="Pause when the software progress multiplier first reaches this value.",
        source="recloop lever; cf. Google DeepMind FSF ML R&D acceleration levels (DESIGN.md)")
    automation: float | None = param(
        None, unit="share of tasks", bounds=(0.0, 1.0),
        doc="Pause when this share of cognitive tasks is automated (compute-centric framework).",
        source="recloop lever; milestones of Davidson 2023 (20%, 100% automation)")
    years: float = param(
        1.0, unit="yr", bounds=(0.0, 100.0),
        doc="Length of the pause (calendar years during which AI R&D makes no progress).",
        source="recloop lever (fixed-length pause response, DESIGN.md)")

    @property
    def active(self) -> bool:
        return self.years > 0 and (
            self.milestone is not None or self.progress_years is not None or self.multiplier is not None
            or self.automation is not None
        )

    def describe(self) -> dict:
        out = {"years": self.years}
        for key in ("milestone", "progress_years", "multiplier", "automation"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out
