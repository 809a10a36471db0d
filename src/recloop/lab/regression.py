"""Linear regression fitted to its predecessor's predictions (Dohmatob et al. 2024, "Model collapse
demystified"; Gerstgrasser et al. 2024, "Is model collapse inevitable? Breaking the curse of
recursion by accumulating real and synthetic data", Section 2).

Setting: a design ``X`` (T x d, iid standard normal entries) drawn once per chain and reused by
every generation; labels ``y = X w + noise`` with noise ``N(0, sigma^2)``. Generation 0 is fitted by
ordinary least squares to labels from the true ``w*``; generation n to labels from ``w_{n-1}``
(replace), or to every label set so far stacked on copies of ``X`` (accumulate). The excess test
error for isotropic test inputs is ``||w_n - w*||^2``.

With ``P = (X'X)^-1 X'`` and ``eta_i = P noise_i`` (covariance ``sigma^2 (X'X)^-1``):

* replace: ``w_n - w* = eta_0 + ... + eta_n``, so the expected error is
  ``(n+1) sigma^2 d / (T - d - 1)`` (the mean of an inverse Wishart matrix gives
  ``E tr (X'X)^-1 = d / (T - d - 1)``): linear in generations;
* accumulate: the stacked fit is ``P`` times the mean label vector, which gives
  ``w_n - w* = sum_i eta_i / (i+1)`` and the expected error
  ``sigma^2 d / (T - d - 1) * sum_{i=1}^{n+1} 1/i^2 < sigma^2 d / (T - d - 1) * pi^2 / 6``: bounded.

(Generation n here is the paper's model n+1.) A real fraction p relabels a random share p of the
rows of each new label set from ``w*`` instead of the previous fit.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from recloop.lab.common import LabResult, LoopSetup, build, seed_streams
from recloop.params import Block, RecloopInputError, param

__all__ = ["RegressionSetup", "regression_theory", "run_regression"]


class RegressionSetup(Block):
    """Dimensions and noise of the linear-regression loop."""

    dim: int = param(10, unit="features", bounds=(1, 10_000),
                     doc="Number of features d.", source="Gerstgrasser et al. 2024, Section 2")
    samples: int = param(64, unit="rows", bounds=(3, 1_000_000), log=True,
                         doc="Rows T of each generation's data set (needs T > d + 1).",
                         source="Gerstgrasser et al. 2024, Section 2")
    noise_sd: float = param(1.0, unit="", bounds=(1e-6, 1e6),
                            doc="Label noise standard deviation sigma.", source="experiment design")
    chains: int = param(1000, unit="chains", bounds=(1, 1_000_000), log=True,
                        doc="Independent chains run side by side within one seed.",
                        source="experiment design (Monte Carlo size)")


def regression_theory(setup: RegressionSetup, generations: int) -> dict[str, np.ndarray]:
    """Expected excess test error per generation under replace and accumulate (p = 0)."""
    d, T, s2 = setup.dim, setup.samples, setup.noise_sd ** 2
    unit = s2 * d / (T - d - 1)
    n = np.arange(1, generations + 2)
    return {
        "replace": unit * n,
        "accumulate": unit * np.cumsum(1.0 / n ** 2),
        "accumulate_bound": np.full(generations + 1, unit * math.pi ** 2 / 6),
    }


def run_regression(
    setup: RegressionSetup | None = None,
    loop: LoopSetup | None = None,
    *,
    seeds: int = 4,
    seed: int = 0,
) -> LabResult:
    """Run the regression loop; metric ``test_error`` is the chain mean of ``||w_n - w*||^2``."""
    setup = setup or RegressionSetup()
    loop = loop or LoopSetup()
    d, T, sd, c, G = setup.dim, setup.samples, setup.noise_sd, setup.chains, loop.generations
    if T <= d + 1:
        raise RecloopInputError([f"lab.regression.samples: must exceed dim + 1 = {d + 1}, got {T}"])
    if loop.curation_keep != 1.0:
        raise RecloopInputError(["lab.curation_keep: the regression loop has no curation filter; use 1"])
    t0 = time.perf_counter()
    n_real = int(round(loop.real_fraction * T))
    err = np.empty((seeds, G + 1))
    for s, ss in enumerate(seed_streams(seed, seeds)):
        gens = ss.spawn(G + 1)
        rng = np.random.default_rng(gens[0])
        X = rng.standard_normal((c, T, d))
        w_star = rng.standard_normal((c, d))
        xtx = np.einsum("ctd,cte->cde", X, X)
        P = np.linalg.solve(xtx, np.transpose(X, (0, 2, 1)))  # (c, d, T)
        truth = np.einsum("ctd,cd->ct", X, w_star)
        y = truth + sd * rng.standard_normal((c, T))
        y_sum = y.copy()
        w = np.einsum("cdt,ct->cd", P, y)
        err[s, 0] = np.mean(np.sum((w - w_star) ** 2, axis=1))
        for g in range(1, G + 1):
            rng = np.random.default_rng(gens[g])
            mean = np.einsum("ctd,cd->ct", X, w)
            if n_real:
                rows = np.argsort(rng.random((c, T)), axis=1)[:, :n_real]
                np.put_along_axis(mean, rows, np.take_along_axis(truth, rows, axis=1), axis=1)
            y = mean + sd * rng.standard_normal((c, T))
            if loop.regime == "replace":
                w = np.einsum("cdt,ct->cd", P, y)
            else:
                # least squares on g+1 stacked copies of X = P applied to the mean label vector
                y_sum += y
                w = np.einsum("cdt,ct->cd", P, y_sum / (g + 1))
            err[s, g] = np.mean(np.sum((w - w_star) ** 2, axis=1))
    theory: dict[str, np.ndarray] = {}
    if loop.real_fraction == 0:
        th = regression_theory(setup, G)
        theory["test_error"] = th[loop.regime]
        if loop.regime == "accumulate":
            theory["test_error_bound"] = th["accumulate_bound"]
    return LabResult(
        experiment="regression",
        inputs={**setup.model_dump(), **loop.model_dump(), "seeds": seeds},
        seed=seed,
        metrics={"test_error": err},
        theory=theory,
        units={"test_error": "squared label units (excess over noise)"},
        notes={"unit_error_theory": setup.noise_sd ** 2 * d / (T - d - 1)},
        wall_s=time.perf_counter() - t0,
    )


def regression_from_options(**values: Any) -> tuple[RegressionSetup, LoopSetup]:
    setup_keys, loop_keys = set(RegressionSetup.model_fields), set(LoopSetup.model_fields)
    unknown = set(values) - setup_keys - loop_keys
    if unknown:
        raise RecloopInputError([f"lab.regression.{k}: unknown option" for k in sorted(unknown)])
    setup = build(RegressionSetup, "lab.regression", {k: v for k, v in values.items() if k in setup_keys})
    loop = build(LoopSetup, "lab", {k: v for k, v in values.items() if k in loop_keys})
    return setup, loop  # type: ignore[return-value]
