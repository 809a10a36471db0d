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


# ---------------------------------------------------------------- censoring per outcome (issue 16 item 4)
def test_no_warning_is_a_zero_window_so_tripwires_rank_ahead_of_none():
    """The issue's case: a missing window (no tripwire fired before control was lost) once scored 30 years."""
    sc = load_scenario("baseline")
    res = compare_policies(sc, [load_policy("none"), load_policy("tripwire-pause")], ["safety_window_years:max"],
                           samples=400, seed=0)
    assert res.picks["minimax regret safety_window_years"] == "tripwire-pause"
    assert res.row("tripwire-pause")["safety_window_years:mean"] > res.row("none")["safety_window_years:mean"]
    assert "no warning" in res.info["censoring:none:safety_window_years"]


def test_window_rule_in_constructed_worlds():
    nan = np.nan
    # world 1: control lost at 10 with no warning under a, warned at 8 under b; world 2: never lost
    a = {"safety_window_years": np.array([nan, nan]), "t_no_control": np.array([10.0, nan]),
         "t_first_tripwire": np.array([nan, nan])}
    b = {"safety_window_years": np.array([2.0, nan]), "t_no_control": np.array([10.0, nan]),
         "t_first_tripwire": np.array([8.0, 25.0])}
    r = compare_outcomes({"a": a, "b": b}, [Objective("safety_window_years", "max")], years=30)
    assert r.row("a")["safety_window_years:mean"] == 0.0
    assert r.row("b")["safety_window_years:mean"] == pytest.approx((2.0 + 5.0) / 2)
    assert r.picks["minimax regret safety_window_years"] == "b"


def test_takeoff_unfinished_counts_from_its_start_and_no_takeoff_is_left_out():
    nan = np.nan
    a = {"takeoff_years": np.array([1.0, nan, nan]), "t_takeoff_start": np.array([2.0, 26.0, nan])}
    b = {"takeoff_years": np.array([3.0, 2.0, 1.0]), "t_takeoff_start": np.array([2.0, 20.0, 5.0])}
    r = compare_outcomes({"a": a, "b": b}, [Objective("takeoff_years", "max")], years=30)
    assert r.info["worlds_compared:takeoff_years"] == 2  # world 3 has no takeoff under a
    assert r.row("a")["takeoff_years:mean"] == pytest.approx((1.0 + 4.0) / 2)  # 4 = 30 - 26, not 30


def test_no_takeoff_is_not_counted_as_safe_in_satisficing():
    crit = parse_criterion("!unverified_takeoff", field="--satisfice")
    a = {"unverified_takeoff": np.array([False, False, False, True]), "t_superhuman": np.array([5.0, np.nan, np.nan, 6.0])}
    r = compare_outcomes({"a": a}, [], [crit], years=30)
    # two worlds never reached superhuman: undecided, not safe; of the two decided, one is safe
    assert r.row("a")["satisficing"] == pytest.approx(0.5)
    assert r.row("a")["satisficing_undecided"] == pytest.approx(0.5)


def test_a_censored_date_decides_a_criterion_its_bound_passes():
    crit = parse_criterion("t_superhuman>20", field="--satisfice")
    a = {"t_superhuman": np.array([10.0, np.nan])}
    r = compare_outcomes({"a": a}, [], [crit], years=30)
    assert r.row("a")["satisficing"] == pytest.approx(0.5) and r.row("a")["satisficing_undecided"] == 0.0
