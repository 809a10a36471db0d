"""Known games solved exactly; dominance; welfare; repeated play with monitoring; CRN tables."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recloop.games.equilibria import (
    dominated,
    iterated_elimination,
    mixed_nash,
    nash_margin,
    pure_nash,
    repeated_with_monitoring,
    social_optimum,
    welfare_report,
)
from recloop.games.payoffs import CallablePayoffSource, PayoffTable, estimate_table

PD = PayoffTable.symmetric([[3, 0], [5, 1]], ["C", "D"])  # T=5 > R=3 > P=1 > S=0
STAG = PayoffTable.symmetric([[4, 0], [3, 3]], ["stag", "hare"])


def _plays(eqs, table):
    return sorted(tuple(tuple(sorted((k, round(v, 9)) for k, v in d.items())) for d in e.describe(table)["play"]) for e in eqs)


def test_prisoners_dilemma_unique_equilibrium_is_mutual_defection():
    eqs = pure_nash(PD)
    assert len(eqs) == 1 and eqs[0].payoffs.tolist() == [1.0, 1.0]
    assert all(len(mixed_nash(PD, method=m)) == 1 for m in ("support", "vertex", "lemke_howson"))
    assert dominated(PD, 0) == [0] and dominated(PD, 1) == [0]
    reduced = iterated_elimination(PD)
    assert reduced.strategies == (("D",), ("D",))
    assert social_optimum(PD) == (("C", "C"), 6.0)
    rep = welfare_report(PD, pure_nash(PD))
    assert rep["equilibria"][0]["shortfall"] == 4.0
    assert rep["equilibria"][0]["ratio_to_optimum"] == pytest.approx(1 / 3)


def test_stag_hunt_two_pure_and_one_mixed_equilibrium():
    eqs = mixed_nash(STAG)
    pure = [e for e in eqs if e.pure]
    mixed = [e for e in eqs if not e.pure]
    assert len(pure) == 2 and len(mixed) == 1
    # indifference: 4x = 3  =>  stag with probability 3/4, expected payoff 3
    np.testing.assert_allclose(mixed[0].strategies[0], [0.75, 0.25], atol=1e-12)
    np.testing.assert_allclose(mixed[0].payoffs, [3.0, 3.0], atol=1e-12)
    assert _plays(mixed_nash(STAG, method="vertex"), STAG) == _plays(eqs, STAG)
    assert dominated(STAG, 0) == []


def test_matching_pennies_has_only_the_uniform_mixed_equilibrium():
    a = np.array([[1, -1], [-1, 1]])
    t = PayoffTable.bimatrix(a, -a)
    assert pure_nash(t) == []
    (e,) = mixed_nash(t)
    np.testing.assert_allclose(e.strategies[0], [0.5, 0.5])
    np.testing.assert_allclose(e.payoffs, [0.0, 0.0], atol=1e-12)


def test_three_player_pure_equilibria():
    # each player gets 1 if all three match, else 0: two pure equilibria (all 0, all 1)
    v = np.zeros((2, 2, 2, 3))
    v[0, 0, 0] = 1
    v[1, 1, 1] = 1
    t = PayoffTable((("a", "b"),) * 3, v)
    found = sorted(tuple(int(np.argmax(s)) for s in e.strategies) for e in pure_nash(t))
    assert found == [(0, 0, 0), (1, 1, 1)]


def test_grim_trigger_sustains_cooperation_iff_discount_high_enough():
    # PD with perfect monitoring: cooperation holds iff delta >= (T - R) / (T - P) = 1/2
    for delta, holds in [(0.49, False), (0.5, True), (0.9, True)]:
        rep = repeated_with_monitoring(PD, cooperate="C", punish="D", detection=1.0, discount=delta)
        assert nash_margin(rep, ("conditional", "conditional")).holds() is holds
    # imperfect monitoring: w = (1-d)/(1-d(1-q)); the deviator's payoff w*T + (1-w)*P
    rep = repeated_with_monitoring(PD, cooperate="C", punish="D", detection=0.3, discount=0.8)
    w = 0.2 / (1 - 0.8 * 0.7)
    assert rep.payoff(("D", "conditional"))[0] == pytest.approx(w * 5 + (1 - w) * 1)
    assert rep.payoff(("conditional", "D"))[0] == pytest.approx(w * 0 + (1 - w) * 1)
    # no monitoring: the conditional strategy is unconditional cooperation
    rep0 = repeated_with_monitoring(PD, cooperate="C", punish="D", detection=0.0, discount=0.99)
    np.testing.assert_allclose(rep0.values[2], rep0.values[0])


payoff = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(payoff, min_size=8, max_size=8))
def test_every_equilibrium_found_is_a_best_response(vals):
    a = np.array(vals[:4]).reshape(2, 2)
    b = np.array(vals[4:]).reshape(2, 2)
    t = PayoffTable.bimatrix(a, b)
    for e in mixed_nash(t):
        x, y = e.strategies
        assert np.all(a @ y <= x @ a @ y + 1e-7)
        assert np.all(x @ b <= x @ b @ y + 1e-7)
    # every pure equilibrium is also found by support enumeration (nondegenerate case)
    if np.min(np.diff(np.sort(vals))) > 1e-6:
        pures = {tuple(np.argmax(s) for s in e.strategies) for e in pure_nash(t)}
        mixed_pures = {tuple(np.argmax(s) for s in e.strategies) for e in mixed_nash(t) if e.pure}
        assert pures == mixed_pures


def _worlds(profile, seed):
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(4000, 1))  # the sampled world, shared by both players
    base = PD.payoff(profile)
    return base + noise * np.array([1.0, 1.0]) + rng.normal(scale=0.01, size=(4000, 2))


def test_common_random_numbers_give_same_worlds_and_small_paired_errors():
    t = estimate_table(_worlds, PD.strategies, seed=7)
    again = CallablePayoffSource(_worlds, PD.strategies).table(seed=7)
    np.testing.assert_array_equal(t.values, again.values)
    assert np.all(np.abs(t.values - PD.values) < 5 * t.se)
    gain, se = t.deviation_gain((0, 0), 0, 1)  # C,C -> D,C: +2
    assert gain == pytest.approx(2.0, abs=0.01)
    assert se < 0.01 < t.se[0, 0, 0]  # the shared noise cancels in the paired difference
    assert [e.describe(t)["play"] for e in pure_nash(t)] == [[{"D": 1.0}, {"D": 1.0}]]


def test_bad_tables_are_rejected():
    with pytest.raises(ValueError, match="shape"):
        PayoffTable((("a", "b"), ("a", "b")), np.zeros((2, 3, 2)))
    with pytest.raises(ValueError, match="finite"):
        PayoffTable.symmetric([[np.nan, 0], [0, 0]])
    with pytest.raises(ValueError, match="unknown strategy"):
        PD.payoff(("C", "X"))
    with pytest.raises(ValueError, match="detection"):
        repeated_with_monitoring(PD, cooperate="C", punish="D", detection=1.5, discount=0.5)
