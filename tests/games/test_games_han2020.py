"""Han, Pereira, Santos & Lenaerts 2020: payoffs, zone boundaries, stationary distributions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recloop.games import han2020 as H
from recloop.games.evolution import fixation_probability


def test_payoff_matrix_entries():
    a = H.payoff_matrix(b=4, c=1, prize=1e4, steps=100, speed=2, p_risk=0.25)
    np.testing.assert_allclose(a, [[-1 + 2 + 50, -1 + 4 / 3], [0.75 * (8 / 3 + 200), 0.75 * (2 + 100)]])


@settings(max_examples=60, deadline=None)
@given(st.floats(1.0, 10.0))
def test_boundaries_tend_to_one_minus_one_over_s_and_one_over_3s(s):
    # the prize dominates when B/W >> b, c: the paper's boundaries 1 - 1/s and 1 - 1/(3s)
    got = H.zone_boundaries(b=4, c=1, prize=1e12, steps=1, speed=s)
    lim = H.limit_boundaries(s)
    assert got["collective"] == pytest.approx(lim["collective"], abs=1e-9)
    assert got["selection"] == pytest.approx(lim["selection"], abs=1e-9)
    # zero per-round benefits and costs: exact for any B/W
    exact = H.zone_boundaries(b=0, c=0, prize=1e4, steps=100, speed=s)
    assert exact["collective"] == pytest.approx(1 - 1 / s, abs=1e-12)
    assert exact["selection"] == pytest.approx(1 - 1 / (3 * s), abs=1e-12)


def test_three_zones_of_the_short_race():
    s = 1.5  # boundaries 1/3 and 7/9
    b = H.zone_boundaries(b=0, c=0, speed=s)
    assert [H.classify(pr, b) for pr in (0.2, 0.5, 0.9)] == ["innovation", "dilemma", "compliance"]


@settings(max_examples=40, deadline=None)
@given(st.floats(1.05, 5.0), st.floats(0.01, 0.99))
def test_selection_boundary_is_where_fixation_probabilities_cross(s, pr):
    p = H.Han2020(speed=s, p_risk=pr, population=100, beta=0.01)
    a = H.payoff_matrix(p)
    rho_su = fixation_probability(a, 0, 1, population=100, beta=0.01)  # UNSAFE invades SAFE
    rho_us = fixation_probability(a, 1, 0, population=100, beta=0.01)
    boundary = H.zone_boundaries(p, finite=True)["selection"]
    if abs(pr - boundary) > 1e-6 and 0 < boundary < 1:
        assert (rho_su > rho_us) == (pr < boundary)


def test_stationary_distribution_follows_the_zones():
    # short race, s = 1.5: SAFE is rare in the dilemma zone and dominant in the compliance zone
    low = H.stationary(speed=1.5, p_risk=0.5)
    high = H.stationary(speed=1.5, p_risk=0.9)
    assert low["UNSAFE"] > 0.99 and high["SAFE"] > 0.99
    assert sum(low.values()) == pytest.approx(1.0)
    # the stationary frequency of SAFE rises with the risk
    freqs = [H.stationary(speed=1.5, p_risk=pr)["SAFE"] for pr in np.linspace(0, 1, 11)]
    assert np.all(np.diff(freqs) >= -1e-12)


def test_conditional_strategy_and_detection():
    # p_fo = 0: CONDITIONAL is SAFE; detection lowers UNSAFE's payoff against CONDITIONAL
    a0 = H.payoff_matrix(conditional=True, p_detect=0.0, p_risk=0.7)
    np.testing.assert_allclose(a0[2], a0[0])
    a1 = H.payoff_matrix(conditional=True, p_detect=1.0, p_risk=0.7)
    assert a1[1, 2] == pytest.approx(a1[1, 1])
    st0 = H.stationary(conditional=True, p_detect=0.0, p_risk=0.9)
    assert st0["SAFE"] == pytest.approx(st0["CONDITIONAL"])  # neutral twins
    lo = H.stationary(conditional=True, p_detect=0.0, p_risk=0.75)
    hi = H.stationary(conditional=True, p_detect=0.9, p_risk=0.75)
    assert hi["UNSAFE"] < lo["UNSAFE"]


def test_bad_input():
    with pytest.raises(ValueError, match="p_risk"):
        H.Han2020(p_risk=1.5)
    with pytest.raises(ValueError, match="speed"):
        H.Han2020(speed=0.5)
