"""Explicit designs (sensitivity) read each outcome's censoring rule (issue 16 item 4)."""

from __future__ import annotations

import numpy as np
import pytest

from recloop.analysis.common import evaluate_design
from recloop.params import RecloopInputError
from recloop.policy import load_policy
from recloop.scenario import load_scenario


def test_a_safety_window_without_warning_is_zero_in_a_design():
    sc = load_scenario("baseline")
    vals = {"software.returns": np.array([0.5, 1.0, 2.0, 3.0])}
    y, info = evaluate_design(vals, sc, load_policy("none"), "safety_window_years", years=30, seed=0)
    # no tripwire can fire under no halt: every window is zero, never the 30-year horizon
    assert np.all(y == 0.0)
    assert 0.0 <= info["censored"] <= 1.0


def test_takeoff_lower_bound_never_exceeds_the_time_left_and_no_takeoff_is_refused():
    sc = load_scenario("baseline")
    vals = {"software.returns": np.array([0.5, 1.0, 2.0, 3.0])}
    y, _ = evaluate_design(vals, sc, load_policy("none"), "takeoff_years", years=30, seed=0)
    assert np.all(np.isfinite(y)) and np.all(y <= 30.0)
    with pytest.raises(RecloopInputError, match="no takeoff"):
        evaluate_design(vals, sc, load_policy("none"), "takeoff_years", years=1, seed=0)
