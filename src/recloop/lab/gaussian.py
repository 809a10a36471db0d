"""Gaussian fit-and-resample: the one-dimensional case of Shumailov et al. 2024 (Nature 631:755,
"AI models collapse when trained on recursively generated data", Theorem 3.1 and its proof in the
Methods).

Each generation fits a normal distribution to its training set (sample mean and variance), draws
``sample_size`` points from the fit, mixes in fresh real points, and refits. With no real data the
fitted variance is a product of independent scaled chi-square factors, so its logarithm is a
random walk with a negative drift: the variance collapses to zero almost surely while the
Wasserstein-2 distance to the original distribution grows, because the mean wanders with a step
variance of sigma_n^2 / M.

Closed forms used by the tests (unbiased estimator, p = 0, replace, generation g = 0, 1, ...;
generation 0 is the first fit, to real data):

* log-variance drift per generation ``delta = psi((M-1)/2) + ln(2/(M-1))`` (digamma psi), so
  ``E[ln s_g^2] = ln sigma_0^2 + (g+1) delta`` with variance ``(g+1) psi'((M-1)/2)``;
* ``E[(mu_g - mu_0)^2] = (g+1) sigma_0^2 / M`` (the variance estimate is a martingale);
* ``E[s_g] = sigma_0 c^(g+1)`` with ``c = sqrt(2/(M-1)) Gamma(M/2) / Gamma((M-1)/2)``;
* ``E[W2^2] = E[(mu_g - mu_0)^2] + E[s_g^2] - 2 sigma_0 E[s_g] + sigma_0^2``.

The maximum-likelihood estimator (divide by M) replaces M-1 by M in the scale factors.
"""

from __future__ import annotations

import math
import time
from typing import Any, Literal

import numpy as np
from scipy import special

from recloop.lab.common import LabResult, LoopSetup, build, seed_streams
from recloop.params import Block, RecloopInputError, param

__all__ = ["GaussianSetup", "gaussian_theory", "log_variance_drift", "run_gaussian"]


class GaussianSetup(Block):
    """The data distribution and fitting procedure of the Gaussian loop (uncertainties held fixed)."""

    sample_size: int = param(
        100, unit="samples", bounds=(3, 1_000_000), log=True,
        doc="Training-set size M of every generation.",
        source="Shumailov et al. 2024, Theorem 3.1 (fixed sample size M_i = M)",
    )
    chains: int = param(
        2000, unit="chains", bounds=(1, 1_000_000), log=True,
        doc="Independent fit-and-resample chains run side by side within one seed.",
        source="experiment design (Monte Carlo size)",
    )
    mu0: float = param(0.0, unit="", bounds=(-1e6, 1e6), doc="Mean of the real distribution.",
                       source="experiment design")
    sigma0: float = param(1.0, unit="", bounds=(1e-6, 1e6), doc="Standard deviation of the real distribution.",
                          source="experiment design")
    estimator: Literal["unbiased", "mle"] = param(
        "unbiased", unit="", choices=("unbiased", "mle"),
        doc="Variance estimator: divide by M-1 (unbiased, as in the theorem) or by M (MLE).",
        source="Shumailov et al. 2024, Methods (unbiased sample mean and variance)",
    )


def _dof(m: int, estimator: str) -> tuple[int, int]:
    """(chi-square degrees of freedom, divisor) of the variance estimator."""
    return m - 1, (m - 1 if estimator == "unbiased" else m)


def log_variance_drift(sample_size: int, estimator: str = "unbiased") -> tuple[float, float]:
    """Mean and variance of ``ln(s_{g+1}^2 / s_g^2)`` with no real data (exact).

    ``s_{g+1}^2 = s_g^2 * chi2_k / divisor`` and ``E[ln chi2_k] = psi(k/2) + ln 2``.
    """
    k, div = _dof(sample_size, estimator)
    mean = float(special.digamma(k / 2) + math.log(2.0 / div))
    var = float(special.polygamma(1, k / 2))
    return mean, var


def gaussian_theory(setup: GaussianSetup, generations: int) -> dict[str, np.ndarray]:
    """Closed-form seed-mean expectations for p = 0, replace, no curation (see module doc)."""
    m = setup.sample_size
    s0sq = setup.sigma0 ** 2
    g = np.arange(generations + 1)
    k, div = _dof(m, setup.estimator)
    drift, _ = log_variance_drift(m, setup.estimator)
    ratio = k / div  # E[s_{g+1}^2 / s_g^2]
    # E[sqrt(chi2_k / div)], in logs for large k
    c = math.exp(0.5 * math.log(2.0 / div) + special.gammaln((k + 1) / 2) - special.gammaln(k / 2))
    e_var = s0sq * ratio ** (g + 1)
    # the mean's step at generation i has variance E[s_{i-1}^2] / M, with s_{-1} = sigma_0
    step = s0sq * ratio ** np.arange(generations + 1) / m
    e_mu2 = np.cumsum(step)
    e_sd = setup.sigma0 * c ** (g + 1)
    return {
        "log_var": math.log(s0sq) + (g + 1) * drift,
        "var": e_var,
        "mean_sq_err": e_mu2,
        "w2_sq": e_mu2 + e_var - 2 * setup.sigma0 * e_sd + s0sq,
    }


def _fit(total: np.ndarray, total_sq: np.ndarray, count: np.ndarray | int, divisor_offset: int):
    mu = total / count
    ss = np.maximum(total_sq - count * mu * mu, 0.0)
    return mu, ss / (count - divisor_offset)


def run_gaussian(
    setup: GaussianSetup | None = None,
    loop: LoopSetup | None = None,
    *,
    seeds: int = 4,
    seed: int = 0,
) -> LabResult:
    """Run the Gaussian fit-and-resample loop for ``seeds`` seeds of ``setup.chains`` chains each.

    Curation (``loop.curation_keep < 1``) draws ``M_syn / keep`` candidates and keeps the
    ``M_syn`` most likely under the current fit: a likelihood filter, which trims the tails.
    Metrics per seed are averages over its chains.
    """
    setup = setup or GaussianSetup()
    loop = loop or LoopSetup()
    t0 = time.perf_counter()
    m, c, G = setup.sample_size, setup.chains, loop.generations
    offset = 1 if setup.estimator == "unbiased" else 0
    m_real = int(round(loop.real_fraction * m))
    m_syn = m - m_real
    n_cand = int(math.ceil(m_syn / loop.curation_keep)) if m_syn else 0
    names = ("log_var", "var", "mean_sq_err", "w2_sq", "w2")
    out = {k: np.empty((seeds, G + 1)) for k in names}
    for s, ss in enumerate(seed_streams(seed, seeds)):
        gens = ss.spawn(G + 1)
        rng = np.random.default_rng(gens[0])
        x = rng.normal(setup.mu0, setup.sigma0, size=(c, m))
        tot, tot_sq, cnt = x.sum(1), (x * x).sum(1), m
        mu, var = _fit(tot, tot_sq, cnt, offset)
        for g in range(G + 1):
            if g > 0:
                rng = np.random.default_rng(gens[g])
                sd = np.sqrt(var)[:, None]
                z = rng.standard_normal((c, n_cand))
                if n_cand > m_syn:
                    # keep the m_syn candidates closest to the fitted mean (highest likelihood)
                    z = np.take_along_axis(z, np.argsort(np.abs(z), axis=1)[:, :m_syn], axis=1)
                syn = mu[:, None] + sd * z
                real = rng.normal(setup.mu0, setup.sigma0, size=(c, m_real))
                new = np.concatenate([syn, real], axis=1)
                if loop.regime == "replace":
                    tot, tot_sq, cnt = new.sum(1), (new * new).sum(1), m
                else:
                    tot, tot_sq, cnt = tot + new.sum(1), tot_sq + (new * new).sum(1), cnt + m
                mu, var = _fit(tot, tot_sq, cnt, offset)
            d_mu2 = (mu - setup.mu0) ** 2
            w2sq = d_mu2 + (np.sqrt(var) - setup.sigma0) ** 2
            with np.errstate(divide="ignore"):
                out["log_var"][s, g] = np.mean(np.log(var))
            out["var"][s, g] = var.mean()
            out["mean_sq_err"][s, g] = d_mu2.mean()
            out["w2_sq"][s, g] = w2sq.mean()
            out["w2"][s, g] = np.sqrt(w2sq).mean()
    plain = loop.real_fraction == 0 and loop.regime == "replace" and loop.curation_keep == 1.0
    theory = gaussian_theory(setup, G) if plain else {}
    drift, drift_var = log_variance_drift(m, setup.estimator)
    notes: dict[str, Any] = {"log_var_drift_theory_p0": drift, "log_var_drift_sd_theory_p0": math.sqrt(drift_var)}
    lv = out["log_var"]
    if G >= 1:
        notes["log_var_drift_measured"] = float(np.mean((lv[:, -1] - lv[:, 0]) / G))
    return LabResult(
        experiment="gaussian",
        inputs={**setup.model_dump(), **loop.model_dump(), "seeds": seeds},
        seed=seed,
        metrics=out,
        theory=theory,
        units={"log_var": "ln(variance)", "var": "variance", "mean_sq_err": "squared units",
               "w2_sq": "squared units", "w2": "units"},
        notes=notes,
        wall_s=time.perf_counter() - t0,
    )


def gaussian_from_options(**values: Any) -> tuple[GaussianSetup, LoopSetup]:
    """Validate user options (``None`` = declared default) into the two declared blocks."""
    setup_keys = set(GaussianSetup.model_fields)
    loop_keys = set(LoopSetup.model_fields)
    unknown = set(values) - setup_keys - loop_keys
    if unknown:
        raise RecloopInputError([f"lab.gaussian.{k}: unknown option" for k in sorted(unknown)])
    setup = build(GaussianSetup, "lab.gaussian", {k: v for k, v in values.items() if k in setup_keys})
    loop = build(LoopSetup, "lab", {k: v for k, v in values.items() if k in loop_keys})
    return setup, loop  # type: ignore[return-value]
