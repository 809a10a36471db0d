"""Armstrong, Bostrom & Shulman 2016: closed forms, Monte Carlo, equilibrium checks, and the
paper's qualitative results."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recloop.games import abs2016 as A


def test_closed_form_values():
    # n=2, e=1, mu=1: no information s = 1/2; private s = c/2 so E[s] = E[max]/2 = 1/3;
    # public s = D with D ~ Beta(1, 2), E[D] = 1/3
    assert A.p_disaster("no_information", teams=2, enmity=1.0, mu=1.0) == pytest.approx(0.5)
    assert A.p_disaster("private", teams=2, enmity=1.0, mu=1.0) == pytest.approx(2 / 3)
    assert A.p_disaster("public", teams=2, enmity=1.0, mu=1.0) == pytest.approx(2 / 3)
    # n=2, e=1, mu=3: private caps at c=2: E[s] = 2*8/(3*2*9) + 1 - 4/9 = 26/27
    assert A.p_disaster("private", teams=2, enmity=1.0, mu=3.0) == pytest.approx(1 - 8 / 27 - 5 / 9)
    # public with a = e/mu = 1/3: E[s] = (1 - (2/3)^3) / (3 * 1/3)
    assert A.p_disaster("public", teams=2, enmity=1.0, mu=3.0) == pytest.approx((2 / 3) ** 3)
    # no enmity: nobody cares who wins, full safety in every regime but private's boundary case
    assert A.p_disaster("no_information", teams=4, enmity=0.0, mu=0.3) == 0.0
    assert A.p_disaster("public", teams=4, enmity=0.0, mu=0.3) == 0.0


@pytest.mark.parametrize("regime", A.REGIMES)
@pytest.mark.parametrize("n,e,mu", [(2, 1.0, 1.0), (2, 0.5, 1.0), (3, 0.3, 0.5), (5, 0.8, 2.0), (2, 1.0, 3.0)])
def test_monte_carlo_agrees_with_closed_form(regime, n, e, mu):
    mc = A.monte_carlo(regime, teams=n, enmity=e, mu=mu, samples=100_000, seed=11)
    exact = A.p_disaster(regime, teams=n, enmity=e, mu=mu)
    assert abs(mc.p_disaster - exact) <= 4 * mc.se + 1e-12


@pytest.mark.parametrize("n,e,mu", [(2, 1.0, 1.0), (3, 0.5, 2.0), (2, 0.3, 0.4)])
def test_no_profitable_deviation_from_the_equilibrium(n, e, mu):
    grid = np.linspace(0.0, 1.0, 51)
    for c in (0.1 * mu, 0.5 * mu, 0.9 * mu):
        gain = A.deviation_gain("private", c, grid, teams=n, enmity=e, mu=mu, samples=60_000, seed=2)
        assert gain.max() < 2e-3  # Monte Carlo noise on the paired difference is ~1e-3 at most
        gain_pub = A.deviation_gain("public", c, grid, teams=n, enmity=e, mu=mu)
        assert gain_pub.max() <= 1e-12
    gain = A.deviation_gain("no_information", 0.0, grid, teams=n, enmity=e, mu=mu, samples=60_000, seed=2)
    assert gain.max() < 2e-3


def test_monte_carlo_is_deterministic_in_the_seed():
    a = A.monte_carlo("private", teams=3, enmity=0.4, mu=1.0, samples=1000, seed=5)
    b = A.monte_carlo("private", teams=3, enmity=0.4, mu=1.0, samples=1000, seed=5)
    assert a == b


params = dict(n=st.integers(2, 8), e=st.floats(0.01, 1.0), mu=st.floats(0.05, 5.0))


@settings(max_examples=80, deadline=None)
@given(**params)
def test_risk_falls_with_mu_rises_with_enmity_and_no_information_is_safest(n, e, mu):
    for r in A.REGIMES:
        p = A.p_disaster(r, teams=n, enmity=e, mu=mu)
        assert 0.0 <= p <= 1.0
        assert A.p_disaster(r, teams=n, enmity=e, mu=mu * 1.3) <= p + 1e-12  # capability matters more
        assert A.p_disaster(r, teams=n, enmity=min(1.0, e * 1.3), mu=mu) >= p - 1e-12  # more enmity
    none = A.p_disaster("no_information", teams=n, enmity=e, mu=mu)
    assert none <= A.p_disaster("private", teams=n, enmity=e, mu=mu) + 1e-12
    assert none <= A.p_disaster("public", teams=n, enmity=e, mu=mu) + 1e-12


@settings(max_examples=60, deadline=None)
@given(**params)
def test_more_teams_raise_risk_without_information_and_with_public_information(n, e, mu):
    for r in ("no_information", "public"):
        assert A.p_disaster(r, teams=n + 1, enmity=e, mu=mu) >= A.p_disaster(r, teams=n, enmity=e, mu=mu) - 1e-12


def test_private_versus_public_ordering():
    # with capability mattering little (mu <= e) and e < 1, private information is the more
    # dangerous; with e = 1 the two coincide there; when capability matters more, public is
    for mu in (0.2, 0.4):
        assert A.p_disaster("private", teams=2, enmity=0.5, mu=mu) > A.p_disaster("public", teams=2, enmity=0.5, mu=mu)
        assert A.p_disaster("private", teams=2, enmity=1.0, mu=mu) == pytest.approx(
            A.p_disaster("public", teams=2, enmity=1.0, mu=mu))
    for mu in (2.0, 3.0):
        assert A.p_disaster("public", teams=2, enmity=1.0, mu=mu) > A.p_disaster("private", teams=2, enmity=1.0, mu=mu)
    # with private information, more teams can lower risk when enmity is low (the winner is
    # more capable and so safer) and raise it when enmity is high
    assert A.p_disaster("private", teams=3, enmity=0.1, mu=1.0) < A.p_disaster("private", teams=2, enmity=0.1, mu=1.0)
    assert A.p_disaster("private", teams=3, enmity=1.0, mu=1.0) > A.p_disaster("private", teams=2, enmity=1.0, mu=1.0)


def test_bad_input_is_a_value_error_naming_the_field():
    with pytest.raises(ValueError, match="teams"):
        A.ABS2016(teams=1)
    with pytest.raises(ValueError, match="enmity"):
        A.ABS2016(enmity=1.2)
    with pytest.raises(ValueError, match="regime"):
        A.p_disaster("gossip")
