"""Counter-based randomness and parameter sampling.

Every random number recloop draws is a pure function of (seed, sample index, stream, counter):
a SplitMix64-style hash. Sample i therefore gets the same parameters and the same events whether
10 or 10 million samples run, in one chunk or many, on one core or a cluster (STYLE.md §5),
and no generator state has to be carried between chunks or workers.

Parameters are drawn by inverse CDF from uniforms; correlated parameters go through a Gaussian
copula; ``method="sobol"`` or ``"lhs"`` replaces the uniforms by scrambled quasi-Monte Carlo
points (scipy.stats.qmc), for which sample i depends on (seed, i) as well.

A Latin hypercube of n points is a design of all n rows at once, so a single hypercube over the
run cannot give sample i a value that is independent of the chunk or the sample count. recloop's
``"lhs"`` is therefore *blocked*: samples ``k*LHS_BLOCK .. (k+1)*LHS_BLOCK - 1`` are one Latin
hypercube of :data:`LHS_BLOCK` rows drawn from (seed, k). Every complete block is stratified in
every dimension (one point per 1/LHS_BLOCK stratum), and sample i is the same in any chunking,
sample count or worker layout; a run shorter than a block gets the first rows of one.
"""

from __future__ import annotations

import zlib
from typing import Literal

import numpy as np

from recloop.params import RecloopInputError
from recloop.scenario import Scenario, scenario_specs

__all__ = ["MAX_SEED", "normalize_seed", "uniform", "stream_id", "draw_parameters", "gaussian_copula", "MAX_SAMPLES", "LHS_BLOCK"]

MAX_SAMPLES = 100_000_000
#: rows of each Latin hypercube block (module docstring): a power of two, small enough that runs of
#: a few hundred samples are already stratified, large enough to stratify each dimension finely
LHS_BLOCK = 256
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


#: The largest seed: seeds are stored as signed 64-bit integers (Parquet, DuckDB, run.json).
MAX_SEED = 2**63 - 1


def normalize_seed(seed: int | None) -> int:
    """The one place a user's seed becomes recloop's: a non-negative 63-bit integer."""
    if seed is None:
        return 0
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise RecloopInputError([f"seed: must be an integer, got {seed!r}"])
    if not 0 <= seed <= MAX_SEED:
        # refused, not reduced: a seed stored modulo 2**63 would not be the seed the user gave
        raise RecloopInputError([f"seed: must be an integer in [0, 2**63 - 1], got {seed}"])
    return int(seed)


def stream_id(name: str) -> int:
    """A stable 32-bit stream number for a named random quantity."""
    return zlib.crc32(name.encode())


def _mix(z: np.ndarray | np.uint64) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return np.asarray(z ^ (z >> np.uint64(31)))


def uniform(seed: int, index: np.ndarray, stream: int, counter: np.ndarray | int = 0) -> np.ndarray:
    """Uniform(0, 1) draws, open at both ends, one per element of ``index``."""
    with np.errstate(over="ignore"):
        idx = np.asarray(index, dtype=np.uint64)
        key = _mix(np.uint64(seed) * _GOLD + np.uint64(stream))
        z = _mix(key ^ (idx * _GOLD))
        z = _mix(z + np.asarray(counter, dtype=np.uint64) * _M2 + _GOLD)
    # 53 random bits -> (0, 1)
    return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)


def _qmc_uniforms(method: str, seed: int, index: np.ndarray, dims: int) -> np.ndarray:
    """Rows ``index`` of a scrambled QMC sequence.

    A scrambled Sobol point is fixed by (seed, index), so a contiguous chunk fast-forwards to its
    first index and draws only its own points. A Latin hypercube row is fixed by (seed, block,
    row in block): each block of :data:`LHS_BLOCK` rows is its own hypercube.
    """
    from scipy.stats import qmc  # here, not at import: scipy.stats costs every CLI call ~0.6 s

    n = int(index.max()) + 1
    if method == "sobol":
        import warnings

        eng = qmc.Sobol(d=dims, scramble=True, seed=seed)
        lo = int(index.min())
        contiguous = index.size == n - lo and bool(np.all(np.diff(index) == 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # balance warning for non-2^m counts
            if contiguous:
                if lo:  # scipy refuses a zero-length fast-forward
                    eng.fast_forward(lo)
                return np.clip(eng.random(index.size), 1e-12, 1 - 1e-12)
            pts = eng.random(n)
    else:
        block = index // LHS_BLOCK
        pts = np.empty((index.size, dims))
        for b in np.unique(block):
            rows = block == b
            eng = qmc.LatinHypercube(d=dims, seed=np.random.default_rng([seed, int(b)]))
            pts[rows] = eng.random(LHS_BLOCK)[index[rows] % LHS_BLOCK]
        return np.clip(pts, 1e-12, 1 - 1e-12)
    pts = np.clip(pts[index], 1e-12, 1 - 1e-12)
    return pts


def draw_parameters(
    scenario: Scenario,
    index: np.ndarray,
    seed: int,
    *,
    method: Literal["mc", "sobol", "lhs"] = "mc",
) -> dict[str, np.ndarray]:
    """Every scenario parameter for the samples ``index``: arrays (point values broadcast).

    Distributions are sampled by inverse CDF and clipped to their declared bounds; correlations
    apply a Gaussian copula to the uniforms.
    """
    index = np.asarray(index, dtype=np.int64)
    n = index.size
    all_specs = scenario_specs()
    uncertain = [s for s in all_specs if not isinstance(scenario.value(s.path), (int, float))]
    out: dict[str, np.ndarray] = {}
    for s in all_specs:
        v = scenario.value(s.path)
        if isinstance(v, (int, float)):
            out[s.path] = np.full(n, float(v))
    if not uncertain:
        return out

    if method == "mc":
        u = np.stack([uniform(seed, index, stream_id("param:" + s.path)) for s in uncertain], axis=1)
    else:
        u = _qmc_uniforms(method, seed, index, len(uncertain))

    if scenario.correlations:
        pos = {s.path: j for j, s in enumerate(uncertain)}
        corr = np.eye(len(uncertain))
        for c in scenario.correlations:
            a, b = c.params
            if a not in pos or b not in pos:
                raise RecloopInputError([
                    f"scenario.correlations: {a} and {b} must both be given as distributions"])
            corr[pos[a], pos[b]] = corr[pos[b], pos[a]] = c.rho
        try:
            chol = np.linalg.cholesky(corr)
        except np.linalg.LinAlgError:
            raise RecloopInputError(["scenario.correlations: the correlation matrix is not positive definite"]) from None
        u = gaussian_copula(u, chol)

    for j, s in enumerate(uncertain):
        dist = scenario.value(s.path)
        x = np.asarray(dist.ppf(u[:, j]), dtype=float)
        if s.bounds is not None:
            x = np.clip(x, *s.bounds)
        out[s.path] = x
    return out


def gaussian_copula(u: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """Correlated uniforms from independent ones (samples x dims): ``ndtr(ndtri(u) @ chol.T)``,
    clipped to [1e-15, 1 - 1e-15].

    Summed column by column in a fixed order (a BLAS matmul may block rows differently for
    different chunk sizes and change the last bits), so sample i's draw depends on its own row
    alone. Only the factor's nonzero entries are added: a zero term adds nothing to a sum of
    finite terms, so this is the dense sum's value bit for bit (tests/engine/test_sampling_copula.py
    checks it) at O(n x nonzeros) instead of O(n x d^2)."""
    from scipy import special

    nd = special.ndtri(u)
    z = np.zeros_like(nd)
    for j in range(chol.shape[1]):
        for i in np.flatnonzero(chol[:, j]):
            z[:, i] += nd[:, j] * chol[i, j]
    return np.clip(special.ndtr(z), 1e-15, 1 - 1e-15)
