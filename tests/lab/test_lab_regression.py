"""Linear regression on its own predictions against Gerstgrasser et al. 2024's formulas."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recloop.lab.common import LoopSetup
from recloop.lab.regression import RegressionSetup, regression_from_options, regression_theory, run_regression
from recloop.params import RecloopInputError


def _check(res, k_se=4.0):
    err = res.metrics["test_error"]
    mean = err.mean(0)
    # each seed's value is a mean over chains; the spread over seeds gives the standard error
    se = err.std(0, ddof=1) / math.sqrt(err.shape[0])
    return mean, se


def test_replace_error_grows_linearly():
    setup = RegressionSetup(dim=10, samples=40, chains=2000)
    G = 15
    res = run_regression(setup, LoopSetup(generations=G), seeds=6, seed=1)
    mean, se = _check(res)
    unit = setup.noise_sd ** 2 * setup.dim / (setup.samples - setup.dim - 1)
    expect = unit * np.arange(1, G + 2)  # n sigma^2 d / (T - d - 1), n = number of fits
    assert np.all(np.abs(mean - expect) < 4 * se + 0.02 * expect)
    # linear: constant increments
    slope = np.polyfit(np.arange(G + 1), mean, 1)[0]
    assert slope == pytest.approx(unit, rel=0.08)


def test_accumulate_error_stays_below_bound():
    setup = RegressionSetup(dim=10, samples=40, chains=2000)
    G = 30
    res = run_regression(setup, LoopSetup(generations=G, regime="accumulate"), seeds=6, seed=2)
    mean, se = _check(res)
    th = regression_theory(setup, G)
    assert np.all(np.abs(mean - th["accumulate"]) < 4 * se + 0.02 * th["accumulate"])
    assert np.all(mean < th["accumulate_bound"] + 4 * se)
    assert th["accumulate_bound"][0] == pytest.approx(setup.noise_sd ** 2 * 10 / 29 * math.pi ** 2 / 6)


@given(d=st.integers(1, 6), extra=st.integers(3, 30), sd=st.floats(0.1, 3.0))
@settings(max_examples=12, deadline=None)
def test_accumulate_bounded_replace_unbounded_for_any_shape(d, extra, sd):
    setup = RegressionSetup(dim=d, samples=d + extra, noise_sd=sd, chains=300)
    G = 12
    acc = run_regression(setup, LoopSetup(generations=G, regime="accumulate"), seeds=2, seed=3)
    rep = run_regression(setup, LoopSetup(generations=G), seeds=2, seed=3)
    bound = regression_theory(setup, G)["accumulate_bound"][0]
    # with 600 chains the error mean is within ~25% even for heavy-tailed small-T designs
    assert acc.mean("test_error")[-1] < 1.3 * bound
    assert rep.mean("test_error")[-1] > 2.0 * acc.mean("test_error")[-1]


def test_real_data_bound_the_replace_error():
    setup = RegressionSetup(chains=500)
    G = 30
    none = run_regression(setup, LoopSetup(generations=G), seeds=2, seed=4)
    some = run_regression(setup, LoopSetup(generations=G, real_fraction=0.3), seeds=2, seed=4)
    assert some.mean("test_error")[-1] < 0.25 * none.mean("test_error")[-1]
    assert abs(some.mean("test_error")[-1] - some.mean("test_error")[-10]) < 0.2 * some.mean("test_error")[-1]


def test_bad_shape_and_curation_rejected():
    with pytest.raises(RecloopInputError, match="lab.regression.samples"):
        run_regression(RegressionSetup(dim=10, samples=11))
    with pytest.raises(RecloopInputError, match="curation_keep"):
        setup, loop = regression_from_options(curation_keep=0.5)
        run_regression(setup, loop)
    with pytest.raises(RecloopInputError, match="lab.generations"):
        regression_from_options(generations=0)
