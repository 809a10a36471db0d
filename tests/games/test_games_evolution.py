"""Replicator dynamics, ESS, Fermi fixation and the small-mutation limit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recloop.games.evolution import (
    birth_death_stationary,
    fixation_probability,
    is_ess,
    replicator,
    replicator_field,
    small_mutation_limit,
)

PD = np.array([[3.0, 0.0], [5.0, 1.0]])
STAG = np.array([[4.0, 0.0], [3.0, 3.0]])
HAWK_DOVE = np.array([[-1.0, 2.0], [0.0, 1.0]])  # V=2, C=4: mixed ESS at V/C = 1/2 hawks


def test_neutral_fixation_is_one_over_z():
    assert fixation_probability(np.ones((2, 2)), 0, 1, population=50, beta=3.0) == pytest.approx(1 / 50)
    assert fixation_probability(PD, 0, 1, population=50, beta=0.0) == pytest.approx(1 / 50)


def test_fixation_matches_the_closed_form_for_constant_selection():
    # constant fitness advantage r: T-/T+ = exp(-beta r) for every k, a geometric sum
    a = np.array([[0.0, 0.0], [1.0, 1.0]])
    z, beta = 20, 0.7
    x = np.exp(-beta)
    exact = (1 - x) / (1 - x**z)
    assert fixation_probability(a, 0, 1, population=z, beta=beta) == pytest.approx(exact, rel=1e-12)


def test_small_mutation_limit_is_the_limit_of_the_full_chain():
    for a in (PD, STAG, HAWK_DOVE):
        sm = small_mutation_limit(a, population=30, beta=0.5)
        pi = birth_death_stationary(a, population=30, beta=0.5, mutation=1e-9)
        np.testing.assert_allclose([pi[0], pi[-1]], sm.stationary, rtol=1e-4, atol=1e-12)


def test_risk_dominance_decides_selection_in_stag_hunt():
    # stag 4+0 < hare 3+3: hare is risk dominant and selected
    assert small_mutation_limit(STAG, population=100, beta=1.0).stationary[1] > 0.99
    # tilt to stag 5+0 vs 3+1... stag risk-dominant when a+b > c+d
    assert small_mutation_limit(np.array([[5.0, 0.0], [2.0, 2.0]]), population=100,
                                beta=1.0).stationary[0] > 0.99


def test_replicator_and_ess():
    assert is_ess(PD, 1) and not is_ess(PD, 0)
    assert is_ess(STAG, 0) and is_ess(STAG, 1)
    assert not is_ess(HAWK_DOVE, 0) and not is_ess(HAWK_DOVE, 1)
    x = replicator(HAWK_DOVE, [0.9, 0.1], np.linspace(0, 60, 7))
    np.testing.assert_allclose(x[-1], [0.5, 0.5], atol=1e-6)
    # stag hunt: interior rest point at 3/4 stag separates the basins
    assert replicator(STAG, [0.8, 0.2], [0, 80])[-1][0] > 0.999
    assert replicator(STAG, [0.7, 0.3], [0, 80])[-1][0] < 0.001
    np.testing.assert_allclose(replicator_field(STAG, np.array([0.75, 0.25])), 0.0, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=9, max_size=9),
       st.integers(3, 60), st.floats(0.0, 5.0))
def test_stationary_distribution_is_a_distribution_and_invariant(vals, z, beta):
    a = np.array(vals).reshape(3, 3)
    sm = small_mutation_limit(a, population=z, beta=beta)
    assert sm.stationary.min() >= 0 and sm.stationary.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(sm.stationary @ sm.transition, sm.stationary, atol=1e-12)
    assert np.all((sm.fixation >= 0) & (sm.fixation <= 1))


@pytest.mark.slow
def test_cross_check_against_egttools():
    egt = pytest.importorskip("egttools")  # GPL: optional cross-check only, never a library import
    a = np.array([[-1.0, 2.0, 0.5], [0.0, 1.0, 3.0], [1.0, -2.0, 2.0]])
    z, beta = 50, 0.3
    evolver = egt.analytical.PairwiseComparison(z, egt.games.Matrix2PlayerGameHolder(3, a))
    theirs, _ = evolver.calculate_transition_and_fixation_matrix_sml(beta)
    sd = egt.utils.calculate_stationary_distribution(theirs.transpose())
    np.testing.assert_allclose(small_mutation_limit(a, population=z, beta=beta).stationary, sd, rtol=1e-6)
