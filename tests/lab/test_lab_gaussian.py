"""Gaussian fit-and-resample against the closed forms of Shumailov et al. 2024 (Theorem 3.1)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from recloop.lab.common import LoopSetup
from recloop.lab.gaussian import GaussianSetup, gaussian_from_options, log_variance_drift, run_gaussian
from recloop.params import RecloopInputError


@pytest.mark.parametrize("m", [10, 50])
def test_log_variance_drift_matches_closed_form(m):
    G, chains, seeds = 20, 4000, 2
    res = run_gaussian(GaussianSetup(sample_size=m, chains=chains), LoopSetup(generations=G), seeds=seeds, seed=1)
    drift, var = log_variance_drift(m)
    # E[ln s_g^2] = (g + 1) * drift; Var = (g + 1) * psi'((m-1)/2) per chain
    measured = res.mean("log_var")[-1]
    se = math.sqrt((G + 1) * var / (chains * seeds))
    assert abs(measured - (G + 1) * drift) < 4 * se
    assert np.allclose(res.theory["log_var"], (np.arange(G + 1) + 1) * drift)
    # per-generation drift from the increments: unbiased for the closed form
    per_gen = np.diff(res.metrics["log_var"], axis=1).mean()
    assert abs(per_gen - drift) < 4 * math.sqrt(var / (chains * seeds * G))


def test_drift_formula_is_mean_log_chi_square():
    m = 12
    drift, var = log_variance_drift(m)
    assert drift == pytest.approx(special.digamma((m - 1) / 2) + math.log(2 / (m - 1)))
    assert var == pytest.approx(special.polygamma(1, (m - 1) / 2))
    assert drift < 0  # Jensen: the unbiased variance still collapses in log


def test_mean_wander_and_wasserstein_match_theory():
    G, chains, seeds = 30, 4000, 2
    res = run_gaussian(GaussianSetup(sample_size=20, chains=chains), LoopSetup(generations=G), seeds=seeds, seed=2)
    # E[(mu_g - mu_0)^2] = (g+1) sigma^2 / M: the chi-square of one degree has relative sd sqrt(2)
    tol = 4 * math.sqrt(2 / (chains * seeds))
    for name in ("mean_sq_err", "w2_sq"):
        rel = res.mean(name)[[0, 10, G]] / res.theory[name][[0, 10, G]] - 1
        assert np.all(np.abs(rel) < tol), (name, rel)
    # the W2 distance grows with generations and falls with sample size
    big = run_gaussian(GaussianSetup(sample_size=200, chains=chains), LoopSetup(generations=G), seeds=1, seed=2)
    assert res.mean("w2")[-1] > res.mean("w2")[0]
    assert big.mean("w2_sq")[-1] < res.mean("w2_sq")[-1] / 5


def test_accumulate_and_real_data_prevent_variance_collapse():
    setup = GaussianSetup(sample_size=10, chains=2000)
    rep = run_gaussian(setup, LoopSetup(generations=60), seeds=1, seed=3)
    acc = run_gaussian(setup, LoopSetup(generations=60, regime="accumulate"), seeds=1, seed=3)
    mix = run_gaussian(setup, LoopSetup(generations=60, real_fraction=0.3), seeds=1, seed=3)
    assert rep.mean("log_var")[-1] < -6          # collapsed: drift -0.115 per generation
    assert acc.mean("log_var")[-1] > -0.4        # accumulate keeps the variance (bounded drift)
    assert mix.mean("log_var")[-1] > -0.5        # fresh real data keep it too


def test_likelihood_curation_trims_tails():
    setup = GaussianSetup(sample_size=100, chains=500)
    plain = run_gaussian(setup, LoopSetup(generations=5), seeds=1, seed=4)
    cur = run_gaussian(setup, LoopSetup(generations=5, curation_keep=0.8), seeds=1, seed=4)
    assert cur.mean("var")[-1] < 0.5 * plain.mean("var")[-1]


def test_seed_i_does_not_depend_on_number_of_seeds():
    setup = GaussianSetup(sample_size=10, chains=50)
    one = run_gaussian(setup, LoopSetup(generations=5), seeds=1, seed=7)
    three = run_gaussian(setup, LoopSetup(generations=5), seeds=3, seed=7)
    np.testing.assert_array_equal(one.metrics["log_var"][0], three.metrics["log_var"][0])
    assert not np.array_equal(three.metrics["log_var"][0], three.metrics["log_var"][1])


@given(m=st.integers(3, 10_000))
@settings(max_examples=50, deadline=None)
def test_mle_drifts_faster_than_unbiased(m):
    unb, _ = log_variance_drift(m, "unbiased")
    mle, _ = log_variance_drift(m, "mle")
    assert mle < unb < 0


def test_bad_options_name_the_field():
    with pytest.raises(RecloopInputError) as e:
        gaussian_from_options(real_fraction=1.5)
    assert e.value.problems[0].startswith("lab.real_fraction: must be in [0, 1]")
    with pytest.raises(RecloopInputError) as e:
        gaussian_from_options(regime="sideways")
    assert e.value.problems[0].startswith("lab.regime:")
    with pytest.raises(RecloopInputError):
        gaussian_from_options(sample_size=2)
