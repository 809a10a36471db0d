"""Robust comparison: regret and satisficing (closed cases and properties), common random numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recloop.analysis.common import parse_criterion, sample_worlds
from recloop.analysis.robust import Objective, compare_outcomes, compare_policies, parse_objective
from recloop.params import RecloopInputError
from recloop.policy import load_policy
from recloop.scenario import load_scenario


def test_a_dominating_policy_has_zero_regret():
    a = {"p_catastrophe": np.array([0.1, 0.2, 0.3])}
    b = {"p_catastrophe": np.array([0.3, 0.2, 0.9])}
    r = compare_outcomes({"a": a, "b": b}, [Objective("p_catastrophe", "min")],
                         [parse_criterion("p_catastrophe<0.25", field="--satisfice")])
    assert r.row("a")["p_catastrophe:regret_max"] == 0.0
    assert r.row("b")["p_catastrophe:regret_mean"] == pytest.approx((0.2 + 0.0 + 0.6) / 3)
    assert r.row("b")["p_catastrophe:regret_max"] == pytest.approx(0.6)
    assert r.row("a")["satisficing"] == pytest.approx(2 / 3) and r.row("b")["satisficing"] == pytest.approx(1 / 3)
    assert r.picks["minimax regret p_catastrophe"] == "a" and r.picks["most satisficing"] == "a"


def test_censored_dates_count_as_the_horizon_when_maximising():
    a = {"t_no_control": np.array([5.0, np.nan])}  # never lost control in world 2
    b = {"t_no_control": np.array([10.0, 20.0])}
    r = compare_outcomes({"a": a, "b": b}, [Objective("t_no_control", "max")], years=30)
    assert r.row("a")["t_no_control:regret_mean"] == pytest.approx((5.0 + 0.0) / 2)
    assert r.row("b")["t_no_control:regret_mean"] == pytest.approx((0.0 + 10.0) / 2)


@settings(max_examples=40, deadline=None)
@given(Y=arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 30)), elements=st.floats(-1e6, 1e6)),
       sense=st.sampled_from(["min", "max"]))
def test_regret_properties(Y, sense):
    outs = {f"p{i}": {"p_catastrophe": Y[i]} for i in range(Y.shape[0])}
    r = compare_outcomes(outs, [Objective("p_catastrophe", sense)])
    regrets = [row["p_catastrophe:regret_mean"] for row in r.rows]
    assert all(x >= 0 for x in regrets)
    # in every world some policy is best: best shares add to at least one
    assert sum(row["p_catastrophe:best_share"] for row in r.rows) >= 1.0 - 1e-12
    assert all(row["p_catastrophe:regret_max"] >= row["p_catastrophe:regret_p90"] >= 0 for row in r.rows)


def test_policies_see_the_same_worlds():
    sc = load_scenario("baseline")
    cols = ["in:software.returns", "in:automation.midpoint_code_flop", "p_catastrophe"]
    a = sample_worlds(sc, load_policy("none"), samples=120, seed=3, years=15, columns=cols, chunk_size=50)
    b = sample_worlds(sc, load_policy("tripwire-pause"), samples=120, seed=3, years=15, columns=cols, chunk_size=50)
    assert np.array_equal(a["sample"], np.arange(120))
    for c in cols[:2]:
        assert np.array_equal(a[c], b[c])
    res = compare_policies(sc, [load_policy("none"), load_policy("tripwire-pause")], ["p_catastrophe:min"],
                           ["!unverified_takeoff"], samples=120, seed=3, years=15)
    assert res.worlds == 120
    assert min(r["p_catastrophe:regret_mean"] for r in res.rows) >= 0
    assert all(0 <= r["satisficing"] <= 1 for r in res.rows)


def test_bad_objectives_and_criteria():
    with pytest.raises(RecloopInputError, match="NAME:min"):
        parse_objective("p_catastrophe:most")
    sc = load_scenario("baseline")
    with pytest.raises(RecloopInputError) as e:
        compare_policies(sc, [load_policy("none")], ["nope:min"], ["x<<1"], samples=10)
    assert len(e.value.problems) == 2
