"""The Gaussian copula adds only the Cholesky factor's nonzero entries: the dense sum's value bit
for bit, and the correlation it is asked for."""

from __future__ import annotations

import numpy as np
from scipy import special

from recloop.sampling import draw_parameters, gaussian_copula, uniform
from recloop.scenario import load_scenario


def _dense(u, chol):
    """The sum over every entry of the factor, zeros included, in the same column order."""
    nd = special.ndtri(u)
    z = np.zeros_like(nd)
    for j in range(chol.shape[1]):
        for i in range(chol.shape[0]):
            z[:, i] += nd[:, j] * chol[i, j]
    return np.clip(special.ndtr(z), 1e-15, 1 - 1e-15)


def _factor(d, pairs):
    corr = np.eye(d)
    for a, b, rho in pairs:
        corr[a, b] = corr[b, a] = rho
    return np.linalg.cholesky(corr)


def test_sparse_sum_equals_the_dense_sum_bit_for_bit():
    rng = np.random.default_rng(3)
    u = np.clip(rng.random((5000, 9)), 1e-12, 1 - 1e-12)
    # a factor with structural zeros (two correlated blocks) and one that is full below the diagonal
    for chol in (_factor(9, [(0, 4, 0.6), (4, 7, -0.3), (2, 5, 0.45)]),
                 _factor(4, [(0, 1, 0.5), (0, 2, 0.3), (1, 2, 0.2), (2, 3, -0.4), (0, 3, 0.1)])):
        d = chol.shape[0]
        assert np.count_nonzero(chol) < d * d  # the zeros the sparse sum skips
        a, b = gaussian_copula(u[:, :d], chol), _dense(u[:, :d], chol)
        assert np.array_equal(a, b)
        # and the matmul within rounding
        np.testing.assert_allclose(a, np.clip(special.ndtr(special.ndtri(u[:, :d]) @ chol.T), 1e-15, 1 - 1e-15),
                                   rtol=1e-12, atol=1e-15)


def test_identity_factor_returns_the_uniforms():
    u = np.clip(np.random.default_rng(1).random((1000, 3)), 1e-12, 1 - 1e-12)
    np.testing.assert_allclose(gaussian_copula(u, np.eye(3)), u, rtol=1e-12)


def test_the_copula_gives_the_asked_rank_correlation():
    n = 40_000
    idx = np.arange(n, dtype=np.int64)
    u = np.stack([uniform(5, idx, s) for s in (11, 12)], axis=1)
    rho = 0.6
    c = gaussian_copula(u, _factor(2, [(0, 1, rho)]))
    ranks = np.argsort(np.argsort(c, axis=0), axis=0)
    spearman = np.corrcoef(ranks.T)[0, 1]
    expected = 6 / np.pi * np.arcsin(rho / 2)  # Spearman's rho of a Gaussian copula
    assert abs(spearman - expected) < 0.02


def test_scenarios_with_correlations_draw_through_the_copula():
    sc = load_scenario("baseline")
    assert sc.correlations  # the bundled baseline correlates some of its parameters
    P = draw_parameters(sc, np.arange(3000), 7)
    a, b = sc.correlations[0].params
    r = np.corrcoef(np.argsort(np.argsort(P[a])), np.argsort(np.argsort(P[b])))[0, 1]
    assert np.sign(r) == np.sign(sc.correlations[0].rho) and abs(r) > 0.5 * abs(sc.correlations[0].rho)
