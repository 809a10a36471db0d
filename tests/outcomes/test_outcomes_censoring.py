"""Censoring rules, one constructed case per rule, and the Monte Carlo intervals (closed forms)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recloop.engine import simulate
from recloop.outcomes import COLUMNS, OUTCOMES, aggregate, quantile_ci, share_stats, summarize, values, wilson
from recloop.policy import load_policy
from recloop.scenario import load_scenario

NAN = np.nan
H = 30.0


def test_every_engine_column_is_declared_with_a_rule():
    r = simulate(load_scenario("baseline"), load_policy("tripwire-pause"), samples=8, seed=1, years=5)
    for k in r.outcomes:
        if k.startswith("in:"):
            continue
        assert k in OUTCOMES, f"outcome column {k} has no declaration in recloop.outcomes"
        assert OUTCOMES[k].censoring in ("none", "horizon", "takeoff", "window", "premise", "undefined")
        assert k in COLUMNS


def test_date_not_reached_is_censored_at_the_horizon():
    c = values("t_superhuman", {"t_superhuman": np.array([3.0, NAN])}, H)
    assert c.value.tolist() == [3.0, H]
    assert c.censored.tolist() == [False, True]
    assert not c.missing.any()


def test_takeoff_unfinished_is_a_lower_bound_from_its_own_start_not_the_horizon():
    O = {"takeoff_years": np.array([2.0, NAN, NAN]), "t_takeoff_start": np.array([5.0, 25.0, NAN])}
    c = values("takeoff_years", O, H)
    # finished: its length; started at 25 and unfinished: at least 5 years (not 30); never started: no takeoff
    assert c.value[0] == 2.0 and c.value[1] == pytest.approx(5.0) and math.isnan(c.value[2])
    assert c.censored.tolist() == [False, True, False]
    assert c.missing.tolist() == [False, False, True]
    d = values("takeoff_days", {"takeoff_days": O["takeoff_years"] * 365.25, "t_takeoff_start": O["t_takeoff_start"]}, H)
    assert d.value[1] == pytest.approx(5.0 * 365.25)


def test_no_warning_before_loss_of_control_is_a_zero_window():
    O = {"safety_window_years": np.array([NAN, 2.0, NAN, NAN, -1.0]),
         "t_no_control": np.array([10.0, 12.0, NAN, NAN, 10.0]),
         "t_first_tripwire": np.array([NAN, 10.0, 20.0, NAN, 11.0])}
    c = values("safety_window_years", O, H)
    # no tripwire, control lost: 0; warned 2 yr before: 2; warned at 20, never lost: >= 10 (censored);
    # neither: 0 so far (censored); the tripwire fired after control was lost: no warning, 0
    assert c.value.tolist() == [0.0, 2.0, 10.0, 0.0, 0.0]
    assert c.censored.tolist() == [False, False, True, True, False]


def test_unverified_takeoff_is_undecided_without_a_takeoff_not_safe():
    O = {"unverified_takeoff": np.array([True, False, False]), "t_superhuman": np.array([4.0, 6.0, NAN])}
    c = values("unverified_takeoff", O, H)
    assert c.missing.tolist() == [False, False, True]
    st = share_stats(O["unverified_takeoff"], ~c.missing)
    assert st["share"] == 0.5 and st["n"] == 2


def test_undefined_quantities_are_left_out_not_imputed():
    c = values("fidelity_at_superhuman", {"fidelity_at_superhuman": np.array([0.9, NAN])}, H)
    assert c.missing.tolist() == [False, True] and math.isnan(c.value[1])


def test_plain_outcomes_are_defined_everywhere():
    c = values("halts", {"halts": np.array([0.0, 2.0])}, H)
    assert not c.censored.any() and not c.missing.any()


def test_aggregation_rules_follow_the_declaration():
    g = np.array([[3.0, NAN], [NAN, NAN], [5.0, 2.0]])
    assert np.array_equal(aggregate("t_superhuman", g), [3.0, NAN, 2.0], equal_nan=True)
    assert aggregate("halts", np.array([[1, 2], [0, 0]])).tolist() == [3, 0]
    assert aggregate("unverified_takeoff", np.array([[True, False], [False, False]])).tolist() == [True, False]
    assert aggregate("final_fidelity", np.array([[0.1, 0.9], [0.3, 0.4]]), frontier=np.array([1, 0])).tolist() == [0.9, 0.3]
    with pytest.raises(ValueError):
        aggregate("p_catastrophe", np.zeros((2, 2)))


def test_wilson_matches_its_closed_form():
    k, n, z = 78, 100, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lo, hi = wilson(k, n)
    assert lo == pytest.approx(centre - half, abs=1e-9) and hi == pytest.approx(centre + half, abs=1e-9)
    assert wilson(0, 0) == (None, None)


def test_median_interval_covers_the_median_at_its_nominal_rate():
    rng = np.random.default_rng(5)
    hits = 0
    for _ in range(400):
        lo, hi = quantile_ci(rng.exponential(size=60), 0.5)
        hits += lo <= math.log(2) <= hi
    # coverage >= 95% by construction of the order statistics; 400 trials: se ~1.1 point
    assert hits / 400 >= 0.92


def test_summary_carries_intervals_and_censored_shares():
    r = simulate(load_scenario("baseline"), load_policy("tripwire-pause"), samples=60, seed=2)
    s = summarize(r)
    a = s["alignment"]
    lo, hi = a["p_unverified_takeoff_ci"]
    assert lo <= a["p_unverified_takeoff"] <= hi
    assert a["unverified_undecided"] == pytest.approx(1 - a["p_superhuman"])
    sup = s["milestones"]["t_superhuman"]
    assert sup["censored"] == pytest.approx(1 - sup["reached"], abs=1e-4)
    w = s["halts"]["safety_window_years"]
    assert 0.0 <= w["censored"] <= 1.0 and "no warning" in w["rule"]


_RUN = {}


def _run(kind):
    if kind not in _RUN:
        sc = load_scenario("baseline" if kind == "one" else "two-firm")
        _RUN[kind] = simulate(sc, load_policy("tripwire-pause"), samples=30, seed=3, years=20)
    return _RUN[kind]


@pytest.mark.parametrize("kind", ["one", "actors"])
@pytest.mark.parametrize("name", [o.name for o in OUTCOMES.values() if o.aggregate != "id" and o.name != "binding_limit"])
def test_every_outcome_reads_by_its_rule(kind, name):
    """Per declared outcome, on a real run: a value wherever it is not missing, never NaN as a value,
    censored values are lower bounds within the horizon, missing only where the rule allows it."""
    r = _run(kind)
    if name not in r.outcomes:
        pytest.skip(f"{name} is a many-actor column")
    actors = [a.name for a in r.scenario.actors] or None
    c = values(name, r.outcomes, r.years, actors=actors)
    assert c.value.shape == c.censored.shape == c.missing.shape == (r.samples,)
    assert np.all(np.isfinite(c.value[~c.missing]))
    assert not np.any(c.censored & c.missing)
    rule = OUTCOMES[name].censoring
    if rule in ("none", "horizon", "window"):
        assert not c.missing.any() or rule == "none"
    if rule in ("horizon", "window", "takeoff"):
        scale = 365.25 if name.endswith("_days") else 1.0
        assert np.all(c.value[c.censored] <= r.years * scale + 1e-9)
    if rule == "window":
        assert np.all(c.value >= 0.0)
